/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_TYPE_APPLICATION (siyu_application_get_type ())
G_DECLARE_FINAL_TYPE (SiyuApplication, siyu_application, SIYU, APPLICATION, AdwApplication)

/* The name of the application's icon, the same in every build profile. */
#define SIYU_ICON_NAME "io.github.siyu.Siyu"

SiyuApplication *siyu_application_new          (void);
GSettings       *siyu_application_get_settings (SiyuApplication *self);
void             siyu_application_open_path    (SiyuApplication *self,
                                                const char      *path,
                                                GtkWindow       *parent);
void             siyu_application_create_from_file (SiyuApplication *self,
                                                   GFile           *file,
                                                   const char      *folder);
GtkWindow       *siyu_application_add_shop     (SiyuApplication *self,
                                                SiyuShop        *shop);
void             siyu_application_show_error   (GtkWindow       *parent,
                                                const char      *heading,
                                                const GError    *error);

G_END_DECLS
