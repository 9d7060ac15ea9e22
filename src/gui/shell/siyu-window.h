/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_WINDOW (siyu_window_get_type ())
G_DECLARE_FINAL_TYPE (SiyuWindow, siyu_window, SIYU, WINDOW, AdwApplicationWindow)

SiyuWindow     *siyu_window_new        (SiyuApplication *application,
                                        SiyuShop        *shop);
SiyuShopRunner *siyu_window_get_runner (SiyuWindow      *self);
void            siyu_window_add_toast  (SiyuWindow      *self,
                                        const char      *text);

GtkWidget      *siyu_window_show_place (SiyuWindow      *self,
                                        const char      *name);
GtkWindow      *siyu_window_import     (SiyuWindow      *self,
                                        GFile           *file);
void            siyu_window_reload_places (SiyuWindow   *self);

G_END_DECLS
