/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_ORDER_PAGE (siyu_order_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuOrderPage, siyu_order_page, SIYU, ORDER_PAGE, GtkWidget)

SiyuOrderPage *siyu_order_page_new          (SiyuShopRunner *runner,
                                             gint64          order_id);
gint64         siyu_order_page_get_order_id (SiyuOrderPage  *self);
gboolean       siyu_order_page_is_loaded    (SiyuOrderPage  *self);

G_END_DECLS
