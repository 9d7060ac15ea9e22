/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-ingest.h"
#include "siyu-model.h"
#include "siyu-recompute.h"
#include "siyu-shop.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

static gint64
version (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  gint64 v = siyu_shop_get_data_version (shop, &error);

  g_assert_no_error (error);
  return v;
}

static gboolean
stale (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  gboolean out = FALSE;

  g_assert_true (siyu_shop_figures_are_stale (shop, &out, &error));
  g_assert_no_error (error);
  return out;
}

/* Runs @sql and checks that it moved the data version by @bumps. */
static void
assert_bumps (SiyuShop   *shop,
              const char *sql,
              gint64      bumps)
{
  g_autoptr(GError) error = NULL;
  gint64 before = version (shop);

  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), sql, &error));
  g_assert_no_error (error);
  if (version (shop) - before != bumps)
    g_error ("“%s” moved the data version by %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT,
             sql, version (shop) - before, bumps);
}

/* A new shop has nothing to count: its figures are not out of date. */
static void
test_new_shop (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "茶铺");

  g_assert_false (stale (shop));
}

/* Every kind of write the figures are counted from moves the version, by
 * one a row; writes in no figure do not. */
static void
test_bumps (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "茶铺");
  gint64 start = version (shop);

  /* Neither a channel, a group nor the shop's name is counted. */
  assert_bumps (shop, "INSERT INTO channels (id, kind, name, created_at) VALUES (1, 'online_shop', '微店', 0)", 0);
  assert_bumps (shop, "INSERT INTO community_groups (id, name, kind, created_at) VALUES (1, '茶友群', 'wechat', 0)", 0);
  assert_bumps (shop, "UPDATE settings SET value = '小王的茶铺' WHERE key = 'name'", 0);
  g_assert_false (stale (shop));
  g_assert_cmpint (version (shop), ==, start);

  /* Contacts. */
  assert_bumps (shop, "INSERT INTO contacts (id, name, first_seen_at, created_at, updated_at) "
                      "VALUES (1, '王芳', 100, 100, 100), (2, '李雷', 100, 100, 100)", 2);
  g_assert_true (stale (shop));
  assert_bumps (shop, "UPDATE contacts SET member_since = 200 WHERE id = 1", 1);
  /* Migration 7's trigger sets marketing_consent to match: two changes. */
  assert_bumps (shop, "UPDATE contacts SET consent = 'given' WHERE id = 2", 2);
  assert_bumps (shop, "UPDATE contacts SET member_since = 200 WHERE id = 1", 0);
  assert_bumps (shop, "UPDATE contacts SET name = '王小芳', notes = '爱喝龙井', updated_at = 300 WHERE id = 1", 0);

  /* Orders, their lines and refunds. */
  assert_bumps (shop, "INSERT INTO orders (id, channel_id, external_ref, contact_id, status, created_at, "
                      "currency, total_amount, updated_at) VALUES (1, 1, 'A1', 1, 'paid', 100, 'CNY', 3000, 100)", 1);
  assert_bumps (shop, "INSERT INTO order_items (order_id, name, quantity, unit_price, line_total) "
                      "VALUES (1, '龙井', 1, 3000, 3000)", 1);
  assert_bumps (shop, "UPDATE orders SET status = 'partially_refunded', refunded_amount = 500 WHERE id = 1", 1);
  assert_bumps (shop, "INSERT INTO refunds (order_id, amount, created_at) VALUES (1, 500, 200)", 1);

  /* Returns. */
  assert_bumps (shop, "INSERT INTO returns (id, channel_id, external_ref, contact_id, created_at, currency, "
                      "total_amount, updated_at) VALUES (1, 1, 'C1', 1, 300, 'CNY', 1000, 300)", 1);
  assert_bumps (shop, "INSERT INTO return_items (return_id, name, quantity, unit_price, line_total) "
                      "VALUES (1, '龙井', 1, 1000, 1000)", 1);

  /* Events and group memberships; storing a membership again is no change. */
  assert_bumps (shop, "INSERT INTO events (contact_id, kind, occurred_at) VALUES (2, 'share', 400)", 1);
  assert_bumps (shop, "INSERT INTO group_members (group_id, contact_id, joined_at) VALUES (1, 2, 400)", 1);
  assert_bumps (shop, "INSERT INTO group_members (group_id, contact_id, joined_at) VALUES (1, 2, 400) "
                      "ON CONFLICT (group_id, contact_id, joined_at) DO UPDATE SET role = excluded.role", 0);
  assert_bumps (shop, "UPDATE group_members SET left_at = 500", 1);

  /* The model, and the settings that move the figures. */
  assert_bumps (shop, "UPDATE tiers SET threshold = threshold + 100 WHERE position = 1", 1);
  assert_bumps (shop, "UPDATE lifecycle_models SET dormant_days = dormant_days + 1 WHERE active = 1", 1);
  assert_bumps (shop, "INSERT INTO settings (key, value) VALUES ('pyramid_weight_share', '7')", 1);
  assert_bumps (shop, "UPDATE settings SET value = '7' WHERE key = 'pyramid_weight_share'", 0);
  assert_bumps (shop, "INSERT INTO settings (key, value) VALUES ('membership_rule', 'buyers')", 1);
  assert_bumps (shop, "UPDATE settings SET value = 'Asia/Hong_Kong' WHERE key = 'time_zone'", 1);

  /* Deleting an order deletes its line and refund with it: three rows. */
  assert_bumps (shop, "DELETE FROM orders WHERE id = 1", 3);
  /* Erasing a contact deletes its events and memberships. */
  assert_bumps (shop, "DELETE FROM contacts WHERE id = 2", 3);

  g_assert_cmpint (version (shop), ==, start + 25);
  g_assert_true (stale (shop));
}

/* The recompute records the version it counted from, and the figures are
 * up to date until the next change. */
static void
test_recompute_clears (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  g_autoptr(SiyuIngest) ingest = NULL;
  g_autoptr(GError) error = NULL;
  gint64 channel;

  /* The review's shop is counted when it is made. */
  g_assert_false (stale (shop));

  ingest = siyu_ingest_new (shop);
  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  g_assert_no_error (error);
  siyu_test_add_order (ingest, shop, channel, "B1", 1, "2026-03-30 12:00:00", 5000);
  g_assert_true (stale (shop));

  /* Closed before the figures were counted, as a killed import is: the
   * next open says so. */
  g_clear_object (&ingest);
  g_clear_object (&shop);
  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (stale (shop));

  g_assert_true (siyu_recompute (shop, siyu_day_from_ymd (2026, 3, 31), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (stale (shop));
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT figures FROM data_version", NULL), ==,
                   version (shop));
}

/* A cancelled recompute stores no figures and leaves them marked. */
static void
test_cancelled_recompute (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), "UPDATE contacts SET consent = 'refused'", &error));
  g_assert_true (stale (shop));
  g_cancellable_cancel (cancellable);
  g_assert_false (siyu_recompute (shop, siyu_day_from_ymd (2026, 3, 31), NULL, NULL, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (stale (shop));
}

/* A model and the figures counted with it are stored together: a count
 * that does not finish leaves the old model with its old figures. */
static void
test_model_with_figures (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  SiyuModel model;
  SiyuDb *db = siyu_shop_get_db (shop);
  gint64 runs = siyu_db_query_int (db, "SELECT count (*) FROM analytics_runs", NULL);
  gint64 before = version (shop);

  g_assert_true (siyu_model_load (shop, &model, &error));
  g_assert_cmpint (model.lifecycle.dormant_days, !=, 40);
  model.lifecycle.dormant_days = 40;

  g_cancellable_cancel (cancellable);
  g_assert_false (siyu_model_save_and_count (shop, &model, siyu_day_from_ymd (2026, 3, 31), NULL, NULL,
                                             cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT dormant_days FROM lifecycle_models WHERE active", NULL), !=, 40);
  g_assert_cmpint (version (shop), ==, before);
  g_assert_false (stale (shop));

  g_assert_true (siyu_model_save_and_count (shop, &model, siyu_day_from_ymd (2026, 3, 31), NULL, NULL,
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT dormant_days FROM lifecycle_models WHERE active", NULL), ==, 40);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM analytics_runs", NULL), ==, runs + 1);
  g_assert_false (stale (shop));

  /* Saved alone, the model leaves the figures marked. */
  model.lifecycle.dormant_days = 45;
  g_assert_true (siyu_model_save (shop, &model, &error));
  g_assert_no_error (error);
  g_assert_true (stale (shop));
  siyu_model_clear (&model);
}

/* A full disk fails the count after the data was stored: the data stays,
 * and the figures are marked as from before it. */
static void
test_disk_full (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;
  g_autofree char *limit = NULL;
  gint64 channel;

  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  g_assert_no_error (error);
  siyu_test_add_order (ingest, shop, channel, "B1", 14, "2026-03-30 12:00:00", 5000);
  g_assert_true (stale (shop));

  g_assert_true (siyu_db_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", NULL));
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                           siyu_db_query_int (db, "PRAGMA page_count", NULL));
  g_assert_true (siyu_db_exec (db, limit, NULL));

  g_assert_false (siyu_recompute (shop, siyu_day_from_ymd (2026, 3, 31), NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_FULL);
  g_assert_true (stale (shop));
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM orders WHERE external_ref = 'B1'", NULL), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/data-version/new-shop", test_new_shop);
  g_test_add_func ("/siyu/data-version/bumps", test_bumps);
  g_test_add_func ("/siyu/data-version/recompute-clears", test_recompute_clears);
  g_test_add_func ("/siyu/data-version/cancelled-recompute", test_cancelled_recompute);
  g_test_add_func ("/siyu/data-version/model-with-figures", test_model_with_figures);
  g_test_add_func ("/siyu/data-version/disk-full", test_disk_full);

  return g_test_run ();
}
