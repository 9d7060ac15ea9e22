/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <glib/gstdio.h>

#include "siyu-analytics.h"
#include "siyu-demo.h"
#include "siyu-json.h"
#include "siyu-prediction.h"
#include "siyu-recompute.h"
#include "siyu-snapshot.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* Every figure is cut from one snapshot of the shop kept in memory.  These
 * check the cut against reading each day's data with SQL bounds, the way
 * every figure was read before, on every month end of the demo shop; and
 * that the snapshot kept is let go of when the data changes. */

static char *dir;
static SiyuShop *demo;

static char *
summary_text (SiyuAnalytics *analytics)
{
  g_autofree char *summary = siyu_json_to_string (siyu_analytics_get_summary (analytics), FALSE);
  g_autofree char *cohorts = siyu_json_to_string (siyu_analytics_get_cohorts (analytics), FALSE);

  return g_strconcat (summary, "\n", cohorts, NULL);
}

static void
assert_same_analytics (SiyuAnalytics *cut,
                       SiyuAnalytics *read)
{
  g_autofree char *cut_text = summary_text (cut);
  g_autofree char *read_text = summary_text (read);

  g_assert_cmpstr (cut_text, ==, read_text);
  g_assert_cmpuint (siyu_analytics_get_n_contacts (cut), ==, siyu_analytics_get_n_contacts (read));
  for (guint i = 0; i < siyu_analytics_get_n_contacts (cut); i++)
    {
      const SiyuContactMetrics *a = siyu_analytics_get_contact (cut, i);
      const SiyuContactMetrics *b = siyu_analytics_get_contact (read, i);

      g_assert_cmpint (a->contact_id, ==, b->contact_id);
      if (memcmp (a, b, sizeof *a) != 0)
        g_error ("The figures of contact %" G_GINT64_FORMAT " differ", a->contact_id);
    }
}

static void
assert_same_predictions (SiyuPrediction *cut,
                         SiyuPrediction *read,
                         SiyuAnalytics  *analytics,
                         SiyuDay         as_of)
{
  g_autofree char *cut_text = siyu_json_to_string (siyu_prediction_get_summary (cut), FALSE);
  g_autofree char *read_text = siyu_json_to_string (siyu_prediction_get_summary (read), FALSE);
  g_autoptr(GArray) cut_due = siyu_prediction_due_between (cut, as_of - 3650, as_of + 3650);
  g_autoptr(GArray) read_due = siyu_prediction_due_between (read, as_of - 3650, as_of + 3650);

  g_assert_cmpstr (cut_text, ==, read_text);
  for (guint i = 0; i < siyu_analytics_get_n_contacts (analytics); i++)
    {
      gint64 id = siyu_analytics_get_contact (analytics, i)->contact_id;
      const SiyuContactPrediction *a = siyu_prediction_lookup (cut, id);
      const SiyuContactPrediction *b = siyu_prediction_lookup (read, id);

      g_assert_true ((a == NULL) == (b == NULL));
      if (a != NULL && memcmp (a, b, sizeof *a) != 0)
        g_error ("The predictions of contact %" G_GINT64_FORMAT " differ", id);
    }
  g_assert_cmpuint (cut_due->len, ==, read_due->len);
  g_assert_true (cut_due->len == 0 ||
                 memcmp (cut_due->data, read_due->data, cut_due->len * sizeof (SiyuReplenishment)) == 0);
}

/* The sales of a period, counted from the snapshot, are what the orders
 * table says: every paid order in the shop's currency, whoever bought it. */
static gint64
assert_period_sales_as_stored (SiyuAnalytics *analytics,
                               const char    *member)
{
  JsonObject *period = json_object_get_object_member (json_node_get_object (siyu_analytics_get_summary (analytics)), member);
  SiyuDb *db = siyu_shop_get_db (demo);
  sqlite3_stmt *stmt;
  SiyuDay first, last;
  gint64 orders;

  g_assert_true (siyu_day_parse (json_object_get_string_member (period, "first_day"), &first));
  g_assert_true (siyu_day_parse (json_object_get_string_member (period, "last_day"), &last));
  stmt = siyu_db_prepare (db,
                          "SELECT count (*), coalesce (sum (max (0, total_amount - refunded_amount)), 0) "
                          "FROM orders WHERE status IN ('paid', 'partially_refunded') "
                          "  AND created_at >= ? AND created_at < ? AND currency = ?", NULL);
  sqlite3_bind_int64 (stmt, 1, siyu_shop_day_start (demo, first));
  sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (demo, last + 1));
  sqlite3_bind_text (stmt, 3, siyu_shop_get_currency (demo), -1, SQLITE_STATIC);
  g_assert_cmpint (siyu_db_step (db, stmt, NULL), ==, SQLITE_ROW);
  orders = sqlite3_column_int64 (stmt, 0);
  g_assert_cmpint (json_object_get_int_member (period, "paid_orders"), ==, orders);
  g_assert_cmpint (json_object_get_int_member (period, "net_sales"), ==, sqlite3_column_int64 (stmt, 1));
  sqlite3_reset (stmt);

  return orders;
}

/* Every figure of ANALYTICS.md, and the predictions and replenishments, as
 * of every month end of the demo shop and of its last day: cut from the
 * snapshot kept, and read with SQL bounds for that day. */
static void
test_every_month_end (void)
{
  SiyuDay last = siyu_shop_get_today (demo);
  SiyuDay day = siyu_day_from_ymd (2024, 10, 31);
  guint months = 0, with_predictions = 0, with_sales = 0;

  while (day <= last)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SiyuSnapshot) until = siyu_snapshot_read_until (demo, day, NULL, &error);
      g_autoptr(SiyuAnalytics) cut = NULL;
      g_autoptr(SiyuAnalytics) read = NULL;
      int y, m, d;

      g_assert_no_error (error);
      cut = siyu_analytics_compute (demo, day, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      read = siyu_analytics_compute_from (demo, until, day, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_same_analytics (cut, read);
      with_sales += assert_period_sales_as_stored (cut, "month_to_date") > 0;
      assert_period_sales_as_stored (cut, "month_before");
      months++;

      /* The models are fitted where there are buyers enough: each quarter. */
      siyu_day_to_ymd (day, &y, &m, &d);
      if (m % 3 == 0 || day == last)
        {
          g_autoptr(SiyuPrediction) cut_p = siyu_prediction_compute (demo, cut, NULL, &error);
          g_autoptr(SiyuPrediction) read_p = NULL;

          g_assert_no_error (error);
          read_p = siyu_prediction_compute (demo, read, NULL, &error);
          g_assert_no_error (error);
          assert_same_predictions (cut_p, read_p, cut, day);
          with_predictions++;
        }

      if (day == last)
        break;
      /* The next month's last day, or the shop's last: the day before the
       * first of the month after it. */
      m += 2;
      if (m > 12)
        {
          m -= 12;
          y++;
        }
      day = MIN (siyu_day_from_ymd (y, m, 1) - 1, last);
    }

  g_assert_cmpuint (months, >=, 25);
  /* Every month but one at the edge of the shop's history has sales. */
  g_assert_cmpuint (with_sales, >=, months - 1);
  g_assert_cmpuint (with_predictions, >=, 9);
}

static gint64
contact_net (SiyuSnapshot *snapshot,
             gint64        contact)
{
  gint64 net = 0;

  for (guint i = 0; i < snapshot->n_people; i++)
    if (snapshot->people[i].id == contact)
      for (guint k = 0; k < snapshot->people[i].n_orders; k++)
        net += snapshot->order_nets[snapshot->people[i].order_start + k];

  return net;
}

/* The snapshot is kept while the data is unchanged, and read again after
 * any change figures are counted from, a touch sent included. */
static void
test_kept_until_changed (void)
{
  g_autoptr(GError) error = NULL;
  SiyuDb *db = siyu_shop_get_db (demo);
  g_autoptr(SiyuSnapshot) first = siyu_snapshot_get (demo, NULL, &error);
  g_autoptr(SiyuSnapshot) again = NULL;
  g_autoptr(SiyuSnapshot) after_order = NULL;
  g_autoptr(SiyuSnapshot) in_transaction = NULL;
  g_autoptr(SiyuSnapshot) after_rollback = NULL;
  g_autoptr(SiyuSnapshot) again_after_rollback = NULL;
  g_autoptr(SiyuSnapshot) after_touch = NULL;
  gint64 contact;

  g_assert_no_error (error);
  g_assert_cmpint (first->n_people, ==, siyu_db_query_int (db, "SELECT count(*) FROM contacts", NULL));
  g_assert_cmpuint (siyu_snapshot_get_size (first), >, first->n_orders * 12);

  again = siyu_snapshot_get (demo, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again == first);

  /* A refund of a paid order is a change: its net is read again. */
  contact = siyu_db_query_int (db,
                               "SELECT contact_id FROM orders WHERE status = 'paid' AND contact_id IS NOT NULL "
                               "AND refunded_amount = 0 ORDER BY id LIMIT 1",
                               &error);
  g_assert_no_error (error);
  g_assert_true (siyu_db_exec (db,
                               "UPDATE orders SET refunded_amount = 1, status = 'partially_refunded' "
                               "WHERE id = (SELECT id FROM orders WHERE status = 'paid' AND contact_id IS NOT NULL "
                               "AND refunded_amount = 0 ORDER BY id LIMIT 1)",
                               &error));
  g_assert_no_error (error);
  after_order = siyu_snapshot_get (demo, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (after_order != first);
  g_assert_cmpuint (after_order->n_orders, ==, first->n_orders);
  g_assert_cmpint (contact_net (after_order, contact), ==, contact_net (first, contact) - 1);

  /* One read inside a transaction is not kept: it may be rolled back. */
  g_assert_true (siyu_db_begin (db, &error));
  g_assert_true (siyu_db_exec (db, "UPDATE orders SET refunded_amount = 2 WHERE refunded_amount = 1", &error));
  in_transaction = siyu_snapshot_get (demo, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (in_transaction != after_order);
  g_assert_cmpint (contact_net (in_transaction, contact), ==, contact_net (first, contact) - 2);
  siyu_db_rollback (db);
  after_rollback = siyu_snapshot_get (demo, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (after_rollback != in_transaction);
  g_assert_cmpint (contact_net (after_rollback, contact), ==, contact_net (first, contact) - 1);
  again_after_rollback = siyu_snapshot_get (demo, NULL, &error);
  g_assert_true (again_after_rollback == after_rollback);

  /* A touch sent changes no data version, but it is an interaction. */
  g_assert_true (siyu_db_exec (db,
                               "INSERT INTO touches (name, kind, created_at) VALUES ('Test', 'export', 1780000000)",
                               &error));
  g_assert_no_error (error);
  after_touch = siyu_snapshot_get (demo, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (after_touch != after_order);

  siyu_snapshot_forget (demo);
}

/* Every stored row of the contacts' figures, as text. */
static char *
stored_metrics (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  SiyuDb *db = siyu_shop_get_db (shop);
  GString *text = g_string_new (NULL);
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT * FROM contact_metrics ORDER BY contact_id", &error);
  int rc;

  g_assert_no_error (error);
  while ((rc = siyu_db_step (db, stmt, &error)) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        g_string_append_printf (text, "%s|", sqlite3_column_type (stmt, c) == SQLITE_NULL
                                              ? "∅" : (const char *) sqlite3_column_text (stmt, c));
      g_string_append_c (text, '\n');
    }
  sqlite3_reset (stmt);
  g_assert_cmpint (rc, ==, SQLITE_DONE);

  return g_string_free (text, FALSE);
}

/* A recompute writes only the rows of the contacts' figures that change,
 * and removes those of contacts not counted on its day: counting as of
 * mid-2025 after counting as of the shop's today leaves exactly what
 * counting as of mid-2025 left. */
static void
test_stored_figures (void)
{
  g_autoptr(GError) error = NULL;
  SiyuDay mid = siyu_day_from_ymd (2025, 6, 30);
  g_autofree char *first = NULL;
  g_autofree char *today = NULL;
  g_autofree char *again = NULL;
  gint64 rows_mid, rows_today;

  g_assert_true (siyu_recompute (demo, mid, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  first = stored_metrics (demo);
  rows_mid = siyu_db_query_int (siyu_shop_get_db (demo), "SELECT count(*) FROM contact_metrics", NULL);

  g_assert_true (siyu_recompute (demo, siyu_shop_get_today (demo), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  today = stored_metrics (demo);
  rows_today = siyu_db_query_int (siyu_shop_get_db (demo), "SELECT count(*) FROM contact_metrics", NULL);
  g_assert_cmpint (rows_today, >, rows_mid);
  g_assert_cmpstr (today, !=, first);

  g_assert_true (siyu_recompute (demo, mid, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  again = stored_metrics (demo);
  g_assert_cmpstr (again, ==, first);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SiyuDemoOptions options = { SIYU_DEMO_SMALL, 1, SIYU_DAY_INVALID };
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = siyu_test_tmpdir ();
  path = g_build_filename (dir, "demo.siyu", NULL);
  demo = siyu_demo_create (path, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/siyu/snapshot/every-month-end", test_every_month_end);
  g_test_add_func ("/siyu/snapshot/kept-until-changed", test_kept_until_changed);
  g_test_add_func ("/siyu/snapshot/stored-figures", test_stored_figures);

  status = g_test_run ();

  g_clear_object (&demo);
  g_free (dir);

  return status;
}
