/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-freshness"

#include "config.h"

#include "siyu-freshness.h"

/* ANALYTICS.md "Freshness": the shop's last day with data is the local
 * date of its newest order (any status: an order placed is data, whether
 * it was paid or not).  When it is more than SIYU_FRESHNESS_MAX_AGE days
 * before today, the views count as of that day instead of today and say
 * so: the Overview, the review's default month, `siyu-cli info` and
 * `siyu-cli review`.  A shop without orders, or whose data is recent,
 * counts as of today.  "Today" is siyu_shop_get_today (): a demo shop's
 * pinned last day, else the calendar day in the shop's time zone. */

gboolean
siyu_freshness_get (SiyuShop       *shop,
                    SiyuFreshness  *freshness,
                    GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  SiyuDb *db;
  gint64 newest;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (freshness != NULL, FALSE);

  db = siyu_shop_get_db (shop);
  /* The index on created_at answers this at once. */
  newest = siyu_db_query_int (db, "SELECT coalesce (max (created_at), -1) FROM orders", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  freshness->today = siyu_shop_get_today (shop);
  freshness->last_day = newest >= 0 ? siyu_shop_day_of (shop, newest) : SIYU_DAY_INVALID;
  freshness->stale = freshness->last_day != SIYU_DAY_INVALID &&
                     freshness->last_day < freshness->today - SIYU_FRESHNESS_MAX_AGE;
  freshness->as_of = freshness->stale ? freshness->last_day : freshness->today;

  return TRUE;
}

/* The day views count up to, in @as_of. */
gboolean
siyu_freshness_as_of (SiyuShop  *shop,
                      SiyuDay   *as_of,
                      GError   **error)
{
  SiyuFreshness freshness;

  if (!siyu_freshness_get (shop, &freshness, error))
    return FALSE;
  *as_of = freshness.as_of;

  return TRUE;
}
