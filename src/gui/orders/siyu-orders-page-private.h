/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-order-page.h"
#include "siyu-orders-page.h"

G_BEGIN_DECLS

/* For the tests. */
const char    *_siyu_orders_page_get_state      (SiyuOrdersPage *self);
const char    *_siyu_orders_page_get_count_text (SiyuOrdersPage *self);
const char    *_siyu_orders_page_get_dates_text (SiyuOrdersPage *self);
guint          _siyu_orders_page_get_n_channels (SiyuOrdersPage *self);
void           _siyu_orders_page_search         (SiyuOrdersPage *self,
                                                 const char     *text,
                                                 gboolean        enter);
void           _siyu_orders_page_set_channel    (SiyuOrdersPage *self,
                                                 guint           position);
void           _siyu_orders_page_set_status     (SiyuOrdersPage *self,
                                                 guint           position);
void           _siyu_orders_page_set_dates      (SiyuOrdersPage *self,
                                                 const char     *from,
                                                 const char     *to);
char          *_siyu_orders_page_get_cell       (SiyuOrdersPage *self,
                                                 guint           position,
                                                 guint           column);
void           _siyu_orders_page_activate       (SiyuOrdersPage *self,
                                                 guint           position);
SiyuOrderPage *_siyu_orders_page_get_order_page (SiyuOrdersPage *self);

G_END_DECLS
