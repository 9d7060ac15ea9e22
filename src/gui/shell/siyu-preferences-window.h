/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_PREFERENCES_WINDOW (siyu_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SiyuPreferencesWindow, siyu_preferences_window, SIYU, PREFERENCES_WINDOW, AdwPreferencesWindow)

SiyuPreferencesWindow *siyu_preferences_window_new (GtkWindow      *window,
                                                    SiyuShopRunner *runner);

G_END_DECLS
