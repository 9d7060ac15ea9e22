/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-new-shop-dialog.h"

G_BEGIN_DECLS

void     _siyu_new_shop_dialog_set_name      (SiyuNewShopDialog *self,
                                              const char        *name);
gboolean _siyu_new_shop_dialog_select        (SiyuNewShopDialog *self,
                                              const char        *currency,
                                              const char        *time_zone);
gboolean _siyu_new_shop_dialog_can_create    (SiyuNewShopDialog *self);
GtkWidget *_siyu_new_shop_dialog_get_name_row (SiyuNewShopDialog *self);
void     _siyu_new_shop_dialog_create_at     (SiyuNewShopDialog *self,
                                              const char        *path);

G_END_DECLS
