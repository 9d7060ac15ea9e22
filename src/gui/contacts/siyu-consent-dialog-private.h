/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-consent.h"
#include "siyu-consent-dialog.h"

G_BEGIN_DECLS

void        _siyu_consent_dialog_choose   (SiyuConsentDialog *self,
                                           SiyuConsent        consent,
                                           const char        *source);
gboolean    _siyu_consent_dialog_can_apply (SiyuConsentDialog *self);
void        _siyu_consent_dialog_apply    (SiyuConsentDialog *self);
const char *_siyu_consent_dialog_get_body (SiyuConsentDialog *self);
/* The owner's last change and undo, for tests. */
gboolean    _siyu_consent_busy            (GtkWidget         *owner);
const char *_siyu_consent_last_summary    (GtkWidget         *owner);
void        _siyu_consent_undo_last       (GtkWidget         *owner);

G_END_DECLS
