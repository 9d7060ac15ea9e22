/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_CONSENT_PAGE (siyu_consent_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuConsentPage, siyu_consent_page, SIYU, CONSENT_PAGE, AdwPreferencesPage)

SiyuConsentPage *siyu_consent_page_new (SiyuShopRunner *runner);

/* For the tests. */
gboolean    _siyu_consent_page_is_busy     (SiyuConsentPage *self);
void        _siyu_consent_page_set_policy  (SiyuConsentPage *self,
                                            guint            position);
guint       _siyu_consent_page_get_policy  (SiyuConsentPage *self);
void        _siyu_consent_page_set_rule    (SiyuConsentPage *self,
                                            guint            position,
                                            const char      *amount);
guint       _siyu_consent_page_get_rule    (SiyuConsentPage *self);
const char *_siyu_consent_page_get_message (SiyuConsentPage *self);

G_END_DECLS
