/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

/* Whose consent the dialog records. */
typedef enum {
  SIYU_CONSENT_TARGET_SEGMENT,
  SIYU_CONSENT_TARGET_GROUP,
  SIYU_CONSENT_TARGET_CONTACTS,
} SiyuConsentTarget;

#define SIYU_TYPE_CONSENT_DIALOG (siyu_consent_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SiyuConsentDialog, siyu_consent_dialog, SIYU, CONSENT_DIALOG, AdwMessageDialog)

SiyuConsentDialog *siyu_consent_dialog_new (GtkWidget         *owner,
                                            SiyuShopRunner    *runner,
                                            SiyuConsentTarget  target,
                                            gint64             id,
                                            GArray            *ids,
                                            const char        *what);

G_END_DECLS
