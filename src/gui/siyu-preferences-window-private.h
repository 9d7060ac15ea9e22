/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-preferences-window.h"

G_BEGIN_DECLS

void _siyu_preferences_window_set_name (SiyuPreferencesWindow *self,
                                        const char            *name);

G_END_DECLS
