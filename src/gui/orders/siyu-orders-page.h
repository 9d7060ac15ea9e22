/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-order-model.h"
#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_ORDERS_PAGE (siyu_orders_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuOrdersPage, siyu_orders_page, SIYU, ORDERS_PAGE, GtkWidget)

SiyuOrdersPage *siyu_orders_page_new       (SiyuShopRunner *runner);
void            siyu_orders_page_reload    (SiyuOrdersPage *self);
SiyuOrderModel *siyu_orders_page_get_model (SiyuOrdersPage *self);
void            siyu_orders_page_open      (SiyuOrdersPage *self,
                                            gint64          order_id);

G_END_DECLS
