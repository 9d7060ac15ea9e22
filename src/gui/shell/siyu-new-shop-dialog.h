/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SIYU_TYPE_NEW_SHOP_DIALOG (siyu_new_shop_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SiyuNewShopDialog, siyu_new_shop_dialog, SIYU, NEW_SHOP_DIALOG, AdwWindow)

SiyuNewShopDialog *siyu_new_shop_dialog_new (GtkWindow *parent);

G_END_DECLS
