/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-backups-page.h"
#include "siyu-consent-page.h"
#include "siyu-model-page.h"
#include "siyu-preferences-window.h"

G_BEGIN_DECLS

AdwEntryRow *_siyu_preferences_window_get_name_row      (SiyuPreferencesWindow *self);
AdwComboRow *_siyu_preferences_window_get_currency_row  (SiyuPreferencesWindow *self);
AdwComboRow *_siyu_preferences_window_get_time_zone_row (SiyuPreferencesWindow *self);
gboolean     _siyu_preferences_window_is_busy           (SiyuPreferencesWindow *self);
SiyuModelPage *_siyu_preferences_window_get_model_page  (SiyuPreferencesWindow *self);
SiyuConsentPage *_siyu_preferences_window_get_consent_page (SiyuPreferencesWindow *self);
SiyuBackupsPage *_siyu_preferences_window_get_backups_page (SiyuPreferencesWindow *self);

G_END_DECLS
