/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-application.h"

G_BEGIN_DECLS

#define SIYU_TYPE_WELCOME_WINDOW (siyu_welcome_window_get_type ())
G_DECLARE_FINAL_TYPE (SiyuWelcomeWindow, siyu_welcome_window, SIYU, WELCOME_WINDOW, AdwApplicationWindow)

SiyuWelcomeWindow *siyu_welcome_window_new        (SiyuApplication   *application);
void               siyu_welcome_window_build_demo (SiyuWelcomeWindow *self);

G_END_DECLS
