/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

/* The shop at a glance, as of a day, beside the same figures 30 days
 * earlier. */
typedef struct {
  SiyuDay as_of;
  gint64  contacts;        /* first seen on or before as_of */
  gint64  contacts_before; /* ... on or before as_of − 30 */
  gint64  members;         /* member_since on or before as_of */
  gint64  members_before;
  gint64  buyers;          /* with a paid order in as_of − 29 … as_of */
  gint64  buyers_before;   /* ... in as_of − 59 … as_of − 30 */
  gint64  net_sales;       /* net of those paid orders, minor units */
  gint64  net_sales_before;
  gint64  orders;          /* paid orders in the window */
  gint64  orders_before;
} SiyuOverview;

gboolean siyu_overview_compute (SiyuShop      *shop,
                                SiyuDay        as_of,
                                SiyuOverview  *overview,
                                GError       **error);

/* What the last recompute stored, for the Overview's charts. */
typedef struct {
  SiyuDay     as_of;          /* SIYU_DAY_INVALID: never computed */
  gint64      computed_at;    /* Unix time */
  JsonNode   *summary;        /* the analytics summary */
  JsonNode   *cohorts;        /* array of { cohort, size, retention[] } */
  GHashTable *close;          /* tier id → members within 20 % of the next tier */
} SiyuStoredAnalytics;

gboolean siyu_stored_analytics_load  (SiyuShop            *shop,
                                      SiyuStoredAnalytics *stored,
                                      GError             **error);
void     siyu_stored_analytics_clear (SiyuStoredAnalytics *stored);

G_END_DECLS
