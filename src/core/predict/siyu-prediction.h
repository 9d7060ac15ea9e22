/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "siyu-analytics.h"
#include "siyu-predict.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

/* A product needs this many repeat-purchase gaps before its interval is
 * trusted (ANALYTICS.md "Replenishment due"). */
#define SIYU_REPLENISH_MIN_GAPS 20
/* ... and at least this percentage of its buyers must have bought it on
 * two or more days (ANALYTICS.md "Restock products"). */
#define SIYU_REPLENISH_MIN_REPEAT_PERCENT 30

/* What Siyu expects of one buyer.  Fields without a prediction are NAN
 * (values) or SIYU_DAY_INVALID (dates). */
typedef struct {
  gint64  contact_id;
  double  p_alive;
  double  exp_orders_90d;
  double  exp_order_value;   /* minor units */
  double  value_12m;         /* minor units */
  SiyuDay next_due;
  gint64  next_due_product_id;
} SiyuContactPrediction;

typedef struct _SiyuPrediction SiyuPrediction;

SiyuPrediction *siyu_prediction_compute     (SiyuShop        *shop,
                                             SiyuAnalytics   *analytics,
                                             GCancellable    *cancellable,
                                             GError         **error);
gboolean        siyu_prediction_store       (SiyuPrediction  *self,
                                             SiyuShop        *shop,
                                             GError         **error);
void            siyu_prediction_free        (SiyuPrediction  *self);
JsonNode       *siyu_prediction_get_summary (SiyuPrediction  *self);
const SiyuContactPrediction *siyu_prediction_lookup (SiyuPrediction *self,
                                                     gint64          contact_id);
GArray         *siyu_prediction_due_between (SiyuPrediction  *self,
                                             SiyuDay          first,
                                             SiyuDay          last);

/* One buyer due to run out of one product. */
typedef struct {
  gint64  contact_id;
  gint64  product_id;
  SiyuDay last_purchase;
  int     interval_days;
  SiyuDay due;
} SiyuReplenishment;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuPrediction, siyu_prediction_free)

G_END_DECLS
