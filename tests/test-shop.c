/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-contacts.h"
#include "siyu-ingest.h"
#include "siyu-shop.h"
#include "siyu-shop-lists.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

static void
test_defaults (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "  小王的咖啡店  ");

  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "小王的咖啡店");
  g_assert_cmpstr (siyu_shop_get_currency (shop), ==, "CNY");
  g_assert_cmpstr (siyu_shop_get_time_zone_id (shop), ==, "Asia/Shanghai");
  g_assert_cmpstr (siyu_shop_get_phone_region (shop), ==, "CN");
  g_assert_cmpint (siyu_shop_get_data_end (shop), ==, SIYU_DAY_INVALID);
  g_assert_false (siyu_shop_has_orders (shop));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_settings_persist (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Shop");
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect_swapped (shop, "settings-changed", G_CALLBACK (count_cb), &changed);

  g_assert_true (siyu_shop_set_name (shop, "Harbour Tea", &error));
  g_assert_true (siyu_shop_set_currency (shop, "HKD", &error));
  g_assert_true (siyu_shop_set_time_zone (shop, "Asia/Hong_Kong", &error));
  g_assert_true (siyu_shop_set_phone_region (shop, "HK", &error));
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 1, 31), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 5);
  g_clear_object (&shop);

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "Harbour Tea");
  g_assert_cmpstr (siyu_shop_get_currency (shop), ==, "HKD");
  g_assert_cmpstr (siyu_shop_get_time_zone_id (shop), ==, "Asia/Hong_Kong");
  g_assert_cmpstr (siyu_shop_get_phone_region (shop), ==, "HK");
  g_assert_cmpint (siyu_shop_get_today (shop), ==, siyu_day_from_ymd (2026, 1, 31));

  g_assert_true (siyu_shop_set_data_end (shop, SIYU_DAY_INVALID, &error));
  g_assert_cmpint (siyu_shop_get_data_end (shop), ==, SIYU_DAY_INVALID);
  g_assert_cmpint (siyu_shop_get_today (shop), ==,
                   siyu_day_of_time (siyu_shop_get_time_zone (shop), g_get_real_time () / G_USEC_PER_SEC));
}

static void
test_invalid_settings (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Shop");
  g_autofree char *long_name = NULL;
  GError *error = NULL;
  GString *name = g_string_new (NULL);

  for (int i = 0; i < 101; i++)
    g_string_append (name, "店");
  long_name = g_string_free (name, FALSE);

  g_assert_false (siyu_shop_set_name (shop, "   ", &error));
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_clear_error (&error);
  g_assert_false (siyu_shop_set_name (shop, long_name, &error));
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_clear_error (&error);
  g_assert_false (siyu_shop_set_currency (shop, "RMB", &error));
  g_assert_nonnull (strstr (error->message, "“RMB”"));
  g_clear_error (&error);
  g_assert_false (siyu_shop_set_time_zone (shop, "Asia/Beijing", &error));
  g_assert_nonnull (strstr (error->message, "“Asia/Beijing” is not a time zone"));
  g_clear_error (&error);
  g_assert_false (siyu_shop_set_phone_region (shop, "JP", &error));
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_clear_error (&error);

  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "Shop");
  g_assert_cmpstr (siyu_shop_get_currency (shop), ==, "CNY");
  g_assert_cmpstr (siyu_shop_get_time_zone_id (shop), ==, "Asia/Shanghai");
  g_assert_cmpstr (siyu_shop_get_phone_region (shop), ==, "CN");
}

static void
test_create_invalid (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "x.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = NULL;

  shop = siyu_shop_create (path, "Shop", "CNY", "Nowhere/Town", &error);
  g_assert_null (shop);
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  shop = siyu_shop_create (path, "", NULL, NULL, &error);
  g_assert_null (shop);
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Amounts are minor units of the shop's currency: it cannot change under them. */
static void
test_currency_locked_by_orders (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Shop");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  gint64 channel;
  SiyuOrderRecord order = {
    .external_ref = "A1", .status = "paid", .created_at = 1750000000, .currency = "CNY",
    .total_amount = 1000,
  };

  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  g_assert_no_error (error);
  order.channel_id = channel;
  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
  g_assert_true (siyu_shop_has_orders (shop));

  g_assert_true (siyu_shop_set_currency (shop, "CNY", &error));
  g_assert_false (siyu_shop_set_currency (shop, "USD", &error));
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_assert_cmpstr (siyu_shop_get_currency (shop), ==, "CNY");
}

static void
test_audit (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Shop");
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;

  g_assert_true (siyu_shop_audit (shop, "export", "segment", 7, "{\"count\":12}", &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM audit_log WHERE action = 'export' "
                                          "AND object_id = 7 AND detail ->> '$.count' = 12", NULL), ==, 1);

  g_assert_false (siyu_shop_audit (shop, "export", NULL, 0, "{not json", &error));
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CONSTRAINT);
}

static char *
names_of (SiyuShop *shop,
          SiyuNames kind,
          guint     limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = siyu_shop_list_names (shop, kind, limit, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      SiyuNamedItem *item = g_ptr_array_index (items, i);

      g_string_append_printf (out, "%s%" G_GINT64_FORMAT ":%s", i > 0 ? "," : "", item->id, item->name);
      if (item->name_zh != NULL)
        g_string_append_printf (out, "/%s", item->name_zh);
    }

  return g_string_free (out, FALSE);
}

/* The names pages offer to choose from, and what an empty shop says. */
static void
test_lists (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "茶铺");
  g_autoptr(GError) error = NULL;
  g_autofree char *tiers = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *first_tag = NULL;
  g_autofree char *groups = NULL;
  gint64 first_at = 0, orders = 0;

  g_assert_cmpint (siyu_shop_has_data (shop, &error), ==, 0);
  g_assert_true (siyu_shop_get_activity (shop, &first_at, &orders, &error));
  g_assert_cmpint (first_at, ==, -1);
  g_assert_cmpint (orders, ==, 0);
  g_assert_cmpint (siyu_shop_count_restock_buyers (shop, &error), ==, 0);

  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop),
                               "INSERT INTO tags (name, created_at) VALUES ('老客', 1), ('VIP', 1), ('团购', 1);"
                               "INSERT INTO community_groups (kind, name, created_at, archived_at) "
                               "  VALUES ('wechat', '龙井群', 1, NULL), ('wechat', '旧群', 1, 5);"
                               "INSERT INTO contacts (name, first_seen_at, created_at, updated_at) "
                               "  VALUES ('王芳', 1700000000, 1, 1);", &error));
  g_assert_no_error (error);
  tiers = names_of (shop, SIYU_NAMES_TIERS, 0);
  tags = names_of (shop, SIYU_NAMES_TAGS, 0);
  first_tag = names_of (shop, SIYU_NAMES_TAGS, 1);
  groups = names_of (shop, SIYU_NAMES_GROUPS, 0);
  g_assert_cmpstr (tiers, ==, "1:Regular/普通,2:Silver/银卡,3:Gold/金卡,4:Diamond/钻石");
  g_assert_cmpstr (tags, ==, "2:VIP,3:团购,1:老客");
  g_assert_cmpstr (first_tag, ==, "2:VIP");
  g_assert_cmpstr (groups, ==, "1:龙井群");
  g_assert_cmpint (siyu_shop_has_data (shop, &error), ==, 1);
  g_assert_true (siyu_shop_get_activity (shop, &first_at, &orders, &error));
  g_assert_cmpint (first_at, ==, 1700000000);
  g_assert_cmpint (orders, ==, 0);
}

/* The rows of each table, as the command line's summaries count them. */
static void
test_count (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_CONTACTS, &error), ==, 14);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_LIVE_CONTACTS, &error), ==, 14);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_ORDERS, &error), ==, 5);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_ORDER_ITEMS, &error), ==, 5);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_REFUNDS, &error), ==, 0);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_GROUPS, &error), ==, 1);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_GROUP_MEMBERS, &error), ==, 10);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_PRODUCTS, &error), ==, 1);
  g_assert_no_error (error);

  g_assert_true (siyu_contact_erase (shop, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_CONTACTS, &error), ==, 14);
  g_assert_cmpint (siyu_shop_count (shop, SIYU_COUNT_LIVE_CONTACTS, &error), ==, 13);
  g_assert_no_error (error);
}

/* Several settings change together, or none does. */
static void
test_set_settings (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Shop");
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;

  g_assert_false (siyu_shop_set_settings (shop, "茶铺", NULL, "Nowhere/Bogus", NULL, &error));
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_clear_error (&error);
  g_assert_false (siyu_db_in_transaction (siyu_shop_get_db (shop)));
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "Shop");
  stored = siyu_shop_dup_setting (shop, "name");
  g_assert_cmpstr (stored, ==, "Shop");

  g_assert_true (siyu_shop_set_settings (shop, "茶铺", NULL, "Asia/Hong_Kong", "HK", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "茶铺");
  g_assert_cmpstr (siyu_shop_get_currency (shop), ==, "CNY");
  g_assert_cmpstr (siyu_shop_get_time_zone_id (shop), ==, "Asia/Hong_Kong");
  g_assert_cmpstr (siyu_shop_get_phone_region (shop), ==, "HK");
}

/* The audit log reads back newest first, each line as it was written. */
static void
test_list_audit (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Shop");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  const SiyuAuditEntry *newest, *oldest;

  lines = siyu_shop_list_audit (shop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);

  g_assert_true (siyu_shop_audit (shop, "export", "segment", 7, "{\"count\":12}", &error));
  g_assert_true (siyu_shop_audit (shop, "checkpoint", NULL, 0, NULL, &error));
  g_assert_no_error (error);
  lines = siyu_shop_list_audit (shop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 2);

  newest = g_ptr_array_index (lines, 0);
  g_assert_cmpstr (newest->action, ==, "checkpoint");
  g_assert_null (newest->object_kind);
  g_assert_cmpint (newest->object_id, ==, 0);
  g_assert_null (newest->detail);
  g_assert_cmpstr (newest->actor, ==, g_get_user_name ());

  oldest = g_ptr_array_index (lines, 1);
  g_assert_cmpstr (oldest->action, ==, "export");
  g_assert_cmpstr (oldest->object_kind, ==, "segment");
  g_assert_cmpint (oldest->object_id, ==, 7);
  g_assert_cmpstr (oldest->detail, ==, "{\"count\":12}");
  g_assert_cmpint (oldest->at, >=, before);
  g_assert_cmpint (oldest->at, <=, g_get_real_time () / G_USEC_PER_SEC);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/shop/defaults", test_defaults);
  g_test_add_func ("/siyu/shop/settings-persist", test_settings_persist);
  g_test_add_func ("/siyu/shop/invalid-settings", test_invalid_settings);
  g_test_add_func ("/siyu/shop/create-invalid", test_create_invalid);
  g_test_add_func ("/siyu/shop/currency-locked-by-orders", test_currency_locked_by_orders);
  g_test_add_func ("/siyu/shop/audit", test_audit);
  g_test_add_func ("/siyu/shop/lists", test_lists);
  g_test_add_func ("/siyu/shop/count", test_count);
  g_test_add_func ("/siyu/shop/set-settings", test_set_settings);
  g_test_add_func ("/siyu/shop/list-audit", test_list_audit);

  return g_test_run ();
}
