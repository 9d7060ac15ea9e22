/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-overview"

#include "config.h"

#include "siyu-overview.h"

#define WINDOW_DAYS 30

static gboolean
count_until (SiyuDb      *db,
             const char  *sql,
             gint64       end,
             gint64      *count,
             GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, end);
  rc = siyu_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;
  *count = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);

  return TRUE;
}

/* Paid orders (paid or partially refunded) in [start, end): their buyers,
 * count and net, where net is total minus refunds and never negative.
 * Orders in another currency than the shop's are not added up. */
static gboolean
sales_between (SiyuDb      *db,
               const char  *currency,
               gint64       start,
               gint64       end,
               gint64      *buyers,
               gint64      *orders,
               gint64      *net,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db,
                          "SELECT count (DISTINCT contact_id), count (*), "
                          "       coalesce (sum (max (0, total_amount - refunded_amount)), 0) "
                          "FROM orders INDEXED BY orders_created_paid "
                          "WHERE created_at >= ? AND created_at < ? "
                          "  AND status IN ('paid', 'partially_refunded') AND currency = ?",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, start);
  sqlite3_bind_int64 (stmt, 2, end);
  sqlite3_bind_text (stmt, 3, currency, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;
  *buyers = sqlite3_column_int64 (stmt, 0);
  *orders = sqlite3_column_int64 (stmt, 1);
  *net = sqlite3_column_int64 (stmt, 2);
  sqlite3_reset (stmt);

  return TRUE;
}

/**
 * siyu_overview_compute:
 * @as_of: the last day seen, in the shop's time zone
 *
 * Fills @overview with the figures of the Overview page and `siyu-cli info`.
 * Contacts and members are counted at the end of @as_of and at the end of
 * the day 30 days earlier; buyers, paid orders and net sales over the 30 days
 * ending on @as_of and the 30 days before those.  A buyer counts once per
 * window however many orders they placed; anonymous orders count in sales
 * but not as buyers.
 */
gboolean
siyu_overview_compute (SiyuShop      *shop,
                       SiyuDay        as_of,
                       SiyuOverview  *overview,
                       GError       **error)
{
  SiyuDb *db;
  const char *currency;
  gint64 end, end_before, start_before;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (overview != NULL, FALSE);

  db = siyu_shop_get_db (shop);
  currency = siyu_shop_get_currency (shop);

  memset (overview, 0, sizeof *overview);
  overview->as_of = as_of;

  end = siyu_shop_day_start (shop, as_of + 1);
  end_before = siyu_shop_day_start (shop, as_of + 1 - WINDOW_DAYS);
  start_before = siyu_shop_day_start (shop, as_of + 1 - 2 * WINDOW_DAYS);

  if (!count_until (db, "SELECT count (*) FROM contacts WHERE first_seen_at < ? AND erased_at IS NULL",
                    end, &overview->contacts, error) ||
      !count_until (db, "SELECT count (*) FROM contacts WHERE first_seen_at < ? AND erased_at IS NULL",
                    end_before, &overview->contacts_before, error) ||
      !count_until (db, "SELECT count (*) FROM contacts WHERE member_since < ? AND erased_at IS NULL",
                    end, &overview->members, error) ||
      !count_until (db, "SELECT count (*) FROM contacts WHERE member_since < ? AND erased_at IS NULL",
                    end_before, &overview->members_before, error))
    return FALSE;

  /* count (DISTINCT contact_id) skips anonymous orders' NULL. */
  return sales_between (db, currency, end_before, end,
                        &overview->buyers, &overview->orders, &overview->net_sales, error) &&
         sales_between (db, currency, start_before, end_before,
                        &overview->buyers_before, &overview->orders_before,
                        &overview->net_sales_before, error);
}
