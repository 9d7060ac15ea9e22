/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-welcome-window.h"

G_BEGIN_DECLS

GtkListBox *_siyu_welcome_window_get_recent_list (SiyuWelcomeWindow *self);
gboolean    _siyu_welcome_window_is_building     (SiyuWelcomeWindow *self);
void        _siyu_welcome_window_cancel_demo     (SiyuWelcomeWindow *self);

G_END_DECLS
