/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-block-model.h"
#include "siyu-orders.h"
#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_ORDER_ITEM (siyu_order_item_get_type ())
G_DECLARE_FINAL_TYPE (SiyuOrderItem, siyu_order_item, SIYU, ORDER_ITEM, GObject)

const SiyuOrderSummary *siyu_order_item_get_summary (SiyuOrderItem *self);

#define SIYU_TYPE_ORDER_MODEL (siyu_order_model_get_type ())
G_DECLARE_FINAL_TYPE (SiyuOrderModel, siyu_order_model, SIYU, ORDER_MODEL, SiyuBlockModel)

SiyuOrderModel *siyu_order_model_new                (SiyuShopRunner        *runner);
void            siyu_order_model_set_filter         (SiyuOrderModel        *self,
                                                     const SiyuOrderFilter *filter);
void            siyu_order_model_reload             (SiyuOrderModel        *self);
gboolean        siyu_order_model_is_loading         (SiyuOrderModel        *self);
const GError   *siyu_order_model_get_error          (SiyuOrderModel        *self);
guint           siyu_order_model_get_n_cached_blocks (SiyuOrderModel       *self);

G_END_DECLS
