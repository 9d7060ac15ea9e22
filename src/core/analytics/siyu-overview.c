/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-overview"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "siyu-overview.h"
#include "siyu-json.h"
#include "siyu-time.h"

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

void
siyu_stored_analytics_clear (SiyuStoredAnalytics *stored)
{
  g_clear_pointer (&stored->summary, json_node_unref);
  g_clear_pointer (&stored->cohorts, json_node_unref);
  g_clear_pointer (&stored->close, g_hash_table_unref);
  stored->as_of = SIYU_DAY_INVALID;
  stored->computed_at = 0;
}

static int
month_index (const char *month)
{
  int y, m;

  if (month == NULL || sscanf (month, "%d-%d", &y, &m) != 2)
    return -1;
  return y * 12 + m - 1;
}

/* The retention of each cohort, from its first month to the as-of month:
 * months without a buyer are not stored, and count zero. */
static JsonNode *
load_cohorts (SiyuDb   *db,
              SiyuDay   as_of,
              GError  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT cohort, month_offset, size, buyers FROM cohort_cells "
                                            "ORDER BY cohort, month_offset", error);
  g_autofree char *current = NULL;
  gint64 size = 0;
  g_autoptr(GArray) buyers = g_array_new (FALSE, TRUE, sizeof (gint64));
  int y, m, d, last, rc;

  if (stmt == NULL)
    return NULL;
  siyu_day_to_ymd (as_of, &y, &m, &d);
  last = y * 12 + m - 1;

  json_builder_begin_array (builder);
  for (;;)
    {
      const char *cohort;

      rc = siyu_db_step (db, stmt, error);
      if (rc < 0)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      cohort = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, 0) : NULL;
      if (current != NULL && g_strcmp0 (cohort, current) != 0)
        {
          int months = last - month_index (current) + 1;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "cohort");
          json_builder_add_string_value (builder, current);
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, size);
          json_builder_set_member_name (builder, "retention");
          json_builder_begin_array (builder);
          for (int i = 0; i < months; i++)
            json_builder_add_double_value (builder, size > 0 && (guint) i < buyers->len
                                                    ? (double) g_array_index (buyers, gint64, i) / (double) size : 0.0);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          g_clear_pointer (&current, g_free);
          g_array_set_size (buyers, 0);
        }
      if (rc != SQLITE_ROW)
        break;
      if (current == NULL)
        {
          current = g_strdup (cohort);
          size = sqlite3_column_int64 (stmt, 2);
        }
      {
        gint64 offset = sqlite3_column_int64 (stmt, 1);
        gint64 count = sqlite3_column_int64 (stmt, 3);

        if (offset >= 0 && offset < 1200)
          {
            if ((guint) offset >= buyers->len)
              g_array_set_size (buyers, offset + 1);
            g_array_index (buyers, gint64, offset) = count;
          }
      }
    }
  sqlite3_reset (stmt);
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_stored_analytics_load:
 *
 * Reads what the last recompute stored: its summary, cohort retention and,
 * per tier, the members whose gap to the next tier is less than 20 % of
 * that tier's threshold.  A shop never computed has as_of
 * %SIYU_DAY_INVALID and no summary.
 */
gboolean
siyu_stored_analytics_load (SiyuShop            *shop,
                            SiyuStoredAnalytics *stored,
                            GError             **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  g_autofree char *as_of = NULL;
  g_autofree char *summary = NULL;
  int rc;

  memset (stored, 0, sizeof *stored);
  stored->as_of = SIYU_DAY_INVALID;

  stmt = siyu_db_prepare (db, "SELECT as_of, computed_at, summary FROM analytics_runs ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      as_of = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      stored->computed_at = sqlite3_column_int64 (stmt, 1);
      summary = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (summary == NULL)
    return TRUE;

  stored->summary = siyu_json_parse (summary, -1, "analytics_runs.summary", error);
  if (stored->summary == NULL || !siyu_day_parse (as_of, &stored->as_of))
    {
      if (stored->summary != NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "analytics_runs.as_of “%s” is not a day", as_of);
      siyu_stored_analytics_clear (stored);
      return FALSE;
    }

  stored->cohorts = load_cohorts (db, stored->as_of, error);
  if (stored->cohorts == NULL)
    {
      siyu_stored_analytics_clear (stored);
      return FALSE;
    }

  stored->close = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  stmt = siyu_db_prepare (db,
                          "SELECT m.tier_id, count (*) FROM contact_metrics m "
                          "JOIN tiers t ON t.id = m.tier_id "
                          "JOIN tiers n ON n.position = (SELECT min (position) FROM tiers WHERE position > t.position) "
                          "WHERE m.tier_gap > 0 AND m.tier_gap * 5 < n.threshold GROUP BY m.tier_id",
                          error);
  if (stmt == NULL)
    {
      siyu_stored_analytics_clear (stored);
      return FALSE;
    }
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);
      gint64 *count = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      *count = sqlite3_column_int64 (stmt, 1);
      g_hash_table_insert (stored->close, id, count);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    {
      siyu_stored_analytics_clear (stored);
      return FALSE;
    }

  return TRUE;
}
