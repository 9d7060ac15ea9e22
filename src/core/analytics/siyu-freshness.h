/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-shop.h"

G_BEGIN_DECLS

/* Data older than this many days is "old" (ANALYTICS.md "Freshness"). */
#define SIYU_FRESHNESS_MAX_AGE 7

/* How recent a shop's data is, and the day views count up to. */
typedef struct {
  SiyuDay  today;      /* siyu_shop_get_today () */
  SiyuDay  last_day;   /* local day of the newest order; SIYU_DAY_INVALID: no order */
  SiyuDay  as_of;      /* last_day when stale, else today */
  gboolean stale;      /* last_day is more than SIYU_FRESHNESS_MAX_AGE days before today */
} SiyuFreshness;

gboolean siyu_freshness_get   (SiyuShop       *shop,
                               SiyuFreshness  *freshness,
                               GError        **error);
gboolean siyu_freshness_as_of (SiyuShop       *shop,
                               SiyuDay        *as_of,
                               GError        **error);

G_END_DECLS
