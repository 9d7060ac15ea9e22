/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "siyu-ingest.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

static void
test_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "siyu-cli " PACKAGE_VERSION "\n");
}

static void
test_usage (void)
{
  const char *commands[] = { "create", "info", "settings", "analytics", "contacts", "cohorts", "demo", "bench" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, NULL, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Usage: siyu-cli COMMAND"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "launch", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“launch” is not a command"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (out, commands[i]));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--db"));
  g_assert_nonnull (strstr (out, "--json"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--bogus", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--bogus"));
}

static void
test_create (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "茶铺.siyu", NULL);
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "create", "--db", path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--name NAME is required"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "create", "--db", path, "--name", "茶铺",
                                      "--currency", "HKD", "--time-zone", "Asia/Hong_Kong", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "create", "--db", path, "--name", "again", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
  g_free (out);
  g_free (err);

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "茶铺");
  g_assert_cmpstr (siyu_shop_get_currency (shop), ==, "HKD");
  g_assert_cmpstr (siyu_shop_get_time_zone_id (shop), ==, "Asia/Hong_Kong");
}

static void
test_info_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "none.siyu", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.siyu", NULL);
  char *out = NULL;
  char *err = NULL;

  g_assert_true (g_file_set_contents (text, "hello", -1, NULL));

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--db FILE is required"));
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", missing, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "none.siyu” does not exist"));
  g_assert_cmpstr (out, ==, "");
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", text, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "notes.siyu” is not a Siyu shop file"));
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", text, "--as-of", "2025-02-30", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“2025-02-30” is not a date"));
  g_free (out);
  g_free (err);
}

static char *
small_shop (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "小王的店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  SiyuContactRecord a = { .phone = "13800000001", .consent = -1, .do_not_contact = -1 };
  SiyuContactRecord b = { .phone = "13800000002", .consent = -1, .do_not_contact = -1 };
  SiyuOrderRecord o1 = { .external_ref = "1", .status = "paid", .currency = "CNY", .total_amount = 12345 };
  SiyuOrderRecord o2 = { .external_ref = "2", .status = "paid", .currency = "CNY", .total_amount = 100 };
  gint64 channel;

  a.seen_at = siyu_test_time (shop, "2026-01-01 10:00:00");
  a.member_since = siyu_test_time (shop, "2026-02-20 10:00:00");
  b.seen_at = siyu_test_time (shop, "2026-03-20 10:00:00");
  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  o1.channel_id = o2.channel_id = channel;
  o1.contact_id = siyu_ingest_contact (ingest, &a, NULL, &error);
  o2.contact_id = siyu_ingest_contact (ingest, &b, NULL, &error);
  o1.created_at = siyu_test_time (shop, "2026-03-25 10:00:00");
  o2.created_at = siyu_test_time (shop, "2026-02-25 10:00:00");
  siyu_ingest_order (ingest, &o1, NULL, &error);
  siyu_ingest_order (ingest, &o2, NULL, &error);
  siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 3, 31), &error);
  g_assert_no_error (error);

  return g_strdup (siyu_shop_get_path (shop));
}

static gint64
member_int (JsonObject *root,
            const char *name,
            const char *field)
{
  JsonObject *pair = json_object_get_object_member (root, name);

  g_assert_nonnull (pair);
  return json_object_get_int_member (pair, field);
}

static void
test_info_json (void)
{
  g_autofree char *path = small_shop ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", path, "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "小王的店");
  g_assert_cmpstr (json_object_get_string_member (root, "currency"), ==, "CNY");
  g_assert_cmpstr (json_object_get_string_member (root, "time_zone"), ==, "Asia/Shanghai");
  g_assert_cmpstr (json_object_get_string_member (root, "as_of"), ==, "2026-03-31");
  g_assert_cmpint (json_object_get_int_member (root, "orders_stored"), ==, 2);
  g_assert_cmpint (member_int (root, "contacts", "value"), ==, 2);
  g_assert_cmpint (member_int (root, "contacts", "before"), ==, 1);
  g_assert_cmpint (member_int (root, "members", "value"), ==, 1);
  g_assert_cmpint (member_int (root, "members", "before"), ==, 1);
  g_assert_cmpint (member_int (root, "buyers_30d", "value"), ==, 1);
  g_assert_cmpint (member_int (root, "buyers_30d", "before"), ==, 1);
  g_assert_cmpint (member_int (root, "net_sales_30d", "value"), ==, 12345);
  g_assert_cmpint (member_int (root, "net_sales_30d", "before"), ==, 100);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --as-of moves the windows. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", path, "--json",
                                      "--as-of", "2026-02-28", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (member_int (root, "contacts", "value"), ==, 1);
  g_assert_cmpint (member_int (root, "net_sales_30d", "value"), ==, 100);
  g_assert_cmpint (member_int (root, "net_sales_30d", "before"), ==, 0);
}

static void
test_info_text (void)
{
  g_autofree char *path = small_shop ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", path, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "小王的店\n"));
  g_assert_nonnull (strstr (out, "Net sales, 30 days:    ¥123.45  (30 days earlier: ¥1.00)"));
  g_assert_nonnull (strstr (out, "As of:                 2026-03-31"));
}

/* Data more than a week old is counted up to its last day, and info says so. */
static void
test_info_old_data (void)
{
  g_autofree char *path = small_shop ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  {
    g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);

    g_assert_no_error (error);
    g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 4, 10), &error));
  }

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", path, "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "as_of"), ==, "2026-03-25");
  g_assert_cmpstr (json_object_get_string_member (root, "last_data_day"), ==, "2026-03-25");
  g_assert_true (json_object_get_boolean_member (root, "data_old"));
  g_assert_cmpint (member_int (root, "contacts", "value"), ==, 2);
  g_assert_cmpint (member_int (root, "contacts", "before"), ==, 1);
  g_assert_cmpint (member_int (root, "buyers_30d", "value"), ==, 2);
  g_assert_cmpint (member_int (root, "net_sales_30d", "value"), ==, 12445);
  g_assert_cmpint (member_int (root, "net_sales_30d", "before"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "As of:                 2026-03-25"));
  g_assert_nonnull (strstr (out, "Data up to:            2026-03-25"));
  g_assert_nonnull (strstr (out, "Net sales, 30 days:    ¥124.45  (30 days earlier: ¥0.00)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The review opens on March, the month of the newest order. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "review", "--db", path, "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "review"), ==, "2026-03");
}

/* Settings change together or not at all. */
static void
test_settings (void)
{
  g_autofree char *path = small_shop ();
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "settings", "--db", path, NULL), ==, 2);
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "settings", "--db", path, "--name", "新名字",
                                      "--time-zone", "Asia/Nowhere", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "“Asia/Nowhere” is not a time zone"));
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "settings", "--db", path, "--currency", "USD", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "currency cannot change"));
  g_free (out);
  g_free (err);

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "小王的店");
  g_clear_object (&shop);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "settings", "--db", path, "--name", "新名字",
                                      "--time-zone", "Asia/Taipei", "--phone-region", "TW", NULL), ==, 0);
  g_free (out);
  g_free (err);

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "新名字");
  g_assert_cmpstr (siyu_shop_get_time_zone_id (shop), ==, "Asia/Taipei");
  g_assert_cmpstr (siyu_shop_get_phone_region (shop), ==, "TW");
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);

  g_assert_no_error (error);
  return siyu_db_query_int (siyu_shop_get_db (shop), sql, NULL);
}

static void
test_analytics (void)
{
  g_autofree char *path = small_shop ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "analytics", "--db", path, "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "as_of"), ==, "2026-03-31");
  g_assert_cmpint (member_int (root, "stages", "new"), ==, 1);
  g_assert_cmpint (member_int (root, "stages", "dormant"), ==, 1);
  g_assert_cmpint (member_int (root, "suggested_thresholds", "gaps"), ==, 0);
  /* As of the shop's own day: stored for views and segments. */
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM contact_metrics"), ==, 2);
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM analytics_runs"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Another day is shown, not stored. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "analytics", "--db", path, "--as-of", "2026-03-15", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "As of 2026-03-15"));
  g_assert_nonnull (strstr (out, "Suggested thresholds: none yet"));
  g_assert_nonnull (strstr (out, "  About to sleep           0\n"));
  g_assert_nonnull (strstr (out, "  Prospect                 1\n"));
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM analytics_runs"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "analytics", "--db", path, "--as-of", "15/03/2026", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“15/03/2026” is not a date"));
}

/* Issue 15, item 7: siyu-cli contacts --format csv guards every cell as
 * exports do, and writes phones as exports do. */
static void
test_contacts_csv_guard (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  static const char * const names[] = {
    "-1+cmd|' /C calc'!A0", "+1+HYPERLINK(\"http://evil.example\",\"x\")", "=1+1", "@SUM(1,2)", "\t=2", "-1250",
  };
  static const char * const phones[] = {
    "13800000001", "13800000002", "13800000003", "13800000004", "+447911123456", "+85291234567",
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      SiyuContactRecord record = { .name = names[i], .phone = phones[i], .consent = -1, .do_not_contact = -1,
                                   .seen_at = siyu_test_time (shop, "2026-01-01 10:00:00") };

      g_assert_cmpint (siyu_ingest_contact (ingest, &record, NULL, &error), ==, i + 1);
      g_assert_no_error (error);
    }
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 3, 31), &error));

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", siyu_shop_get_path (shop), "--fields",
                                      "id,name,phone", "--format", "csv", NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "id,name,phone\n"
                   "1,'-1+cmd|' /C calc'!A0,13800000001\n"
                   "2,\"'+1+HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",13800000002\n"
                   "3,'=1+1,13800000003\n"
                   "4,\"'@SUM(1,2)\",13800000004\n"
                   "5,\"'\t=2\",'+447911123456\n"
                   "6,-1250,'+85291234567\n");
}

static void
test_contacts (void)
{
  g_autofree char *path = small_shop ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, "--fields",
                                      "id,phone,stage,rfm_segment,tier,tier_gap,pyramid,aipl,net_spend,first_order",
                                      NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "id,phone,stage,rfm_segment,tier,tier_gap,pyramid,aipl,net_spend,first_order\n"
                   "1,13800000001,new,about_to_sleep,Regular,37655,co_builder,purchase,12345,2026-03-25\n"
                   "2,13800000002,dormant,lost,,,silent,purchase,100,2026-02-25\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, "--format", "json",
                                      "--fields", "id,rfm_r,rfm_f,rfm_m,rfm_r_score,rfm_m_score,email", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"rfm_r\" : 6,"));
  g_assert_nonnull (strstr (out, "\"rfm_r_score\" : 3,"));
  g_assert_nonnull (strstr (out, "\"rfm_m\" : 100,"));
  g_assert_nonnull (strstr (out, "\"email\" : null"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, "--fields", "id,password", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“password” is not a field"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, "--format", "xml", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“xml” is not a format"));
}

static void
test_cohorts (void)
{
  g_autofree char *path = small_shop ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "cohorts", "--db", path, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"cohort\" : \"2026-02\""));
  g_assert_true (strstr (out, "2026-02") < strstr (out, "2026-03"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "cohorts", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "2026-02        1  100.0   0.0\n"));
  g_assert_nonnull (strstr (out, "2026-03        1  100.0\n"));
}

static void
test_predict (void)
{
  g_autofree char *path = small_shop ();
  g_autofree char *cdnow = NULL;
  char *out = NULL;
  char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "predict", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Buyers: 2, of whom 0 bought again\n"));
  g_assert_nonnull (strstr (out, "Purchases (modified BG/NBD): Too few customers bought again to predict: 0 of the 200 needed.\n"));
  g_free (out);
  g_free (err);

  /* No prediction is an empty field, never a number. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, "--fields",
                                      "id,p_alive,exp_orders_90d,exp_order_value,value_12m,next_due", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "id,p_alive,exp_orders_90d,exp_order_value,value_12m,next_due\n1,,,,,\n2,,,,,\n");
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "replenish", "--db", path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Nobody is due in the next 7 days.\n");
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "replenish", "--db", path, "--within", "-3", NULL), ==, 2);
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "predict", "--db", path, "--cdnow", path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "either --db or --cdnow"));
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "predict", "--cdnow", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not a CDNOW purchase"));
  g_free (out);
  g_free (err);

  if (siyu_test_shared_dir () == NULL)
    {
      g_test_skip ("../shared/data/cdnow is not beside this checkout");
      return;
    }

  cdnow = g_build_filename (siyu_test_shared_dir (), "data", "cdnow", "cdnowElog.csv", NULL);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "predict", "--cdnow", cdnow, NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "Customers: 2357\n"
                   "BG/NBD: r = 0.2426, α = 4.4136, a = 0.7929, b = 2.4259 (LL -9582.43)\n"
                   "MBG/NBD: r = 0.5248, α = 6.1831, a = 0.8914, b = 1.6140 (LL -9582.14)\n"
                   "Gamma-Gamma: p = 6.2496, q = 3.7442, v = 15.4435 (LL -4055.92)\n");
  g_free (out);
  g_free (err);
}

static void
test_contact (void)
{
  g_autofree char *path = small_shop ();
  char *out = NULL;
  char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "search", "--db", path, "0002", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "2\t—\t138****0002\n");
  g_free (out);
  g_free (err);

  /* Edits land together or not at all. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "edit", "1", "--db", path, "--set", "name=周敏",
                                      "--set", "email=not-an-address", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "“not-an-address” is not an e-mail address"));
  g_free (out);
  g_free (err);
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM contacts WHERE name IS NULL"), ==, 2);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "edit", "1", "--db", path, "--set", "name=周敏",
                                      "--set", "do_not_contact=yes", NULL), ==, 0);
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "edit", "1", "--db", path, "--set", "age=3", NULL), ==, 2);
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "show", "1", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Name:            周敏\n"));
  g_assert_nonnull (strstr (out, "Do not contact: yes\n"));
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "merge", "1", "1", "--db", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cannot be merged with itself"));
  g_free (out);
  g_free (err);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "merge", "1", "2", "--db", path, NULL), ==, 0);
  g_free (out);
  g_free (err);
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM orders WHERE contact_id = 1"), ==, 2);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "delete", "1", "--db", path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "add --yes"));
  g_free (out);
  g_free (err);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "delete", "1", "--db", path, "--yes", NULL), ==, 0);
  g_free (out);
  g_free (err);
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM contacts WHERE erased_at IS NOT NULL AND name IS NULL"), ==, 1);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "audit", "--db", path, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"action\" : \"erase\""));
  g_assert_nonnull (strstr (out, "\"action\" : \"merge\""));
  g_assert_null (strstr (out, "周敏"));
  g_free (out);
  g_free (err);
}

/* A command that shows figures counts them again first when the data
 * changed since they were counted: here an order stored without its
 * count, as when an import is killed between the two. */
static void
test_stale_counted_first (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  {
    g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
    g_autoptr(GError) error = NULL;
    gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);

    g_assert_no_error (error);
    path = g_strdup (siyu_shop_get_path (shop));
    siyu_test_add_order (ingest, shop, channel, "B1", 14, "2026-03-30 12:00:00", 5000);
  }
  g_assert_cmpint (count_rows (path, "SELECT net_spend FROM contact_metrics WHERE contact_id = 14"), ==, 0);
  g_assert_cmpint (count_rows (path, "SELECT data - figures FROM data_version"), >, 0);

  /* Counted before the order: one new buyer, eight in the group who never
   * bought. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "list", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "   4  New buyers of the last 30 days              2  built-in\n"));
  g_assert_nonnull (strstr (out, "   6  Group members who never bought              7  built-in\n"));
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (count_rows (path, "SELECT net_spend FROM contact_metrics WHERE contact_id = 14"), ==, 5000);
  g_assert_cmpint (count_rows (path, "SELECT data - figures FROM data_version"), ==, 0);
}

/* A shop in a read-only folder: the commands that read work, those that
 * write are refused, and nothing is left beside the file. */
static void
test_read_only (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *sub = g_build_filename (dir, "locked", NULL);
  g_autofree char *path = g_build_filename (sub, "shop.siyu", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *listed_err = NULL;
  const char *reads[][3] = {
    { "info", NULL, NULL }, { "contacts", NULL, NULL }, { "segment", "list", NULL }, { "review", NULL, NULL },
    { "orders", NULL, NULL },
  };

  if (geteuid () == 0)
    {
      g_test_skip ("permissions do not bind root");
      return;
    }

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_clear_object (&shop);
  shop = siyu_test_review_shop (sub, FALSE);
  g_clear_object (&shop);
  /* Listed once while it could be written: the built-in segments are added then. */
  g_assert_cmpint (siyu_test_run_cli (&listed, &listed_err, "segment", "list", "--db", path, NULL), ==, 0);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_cmpint (g_chmod (sub, 0555), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      if (reads[i][1] != NULL)
        g_assert_cmpint (siyu_test_run_cli (&out, &err, reads[i][0], reads[i][1], "--db", path, NULL), ==, 0);
      else
        g_assert_cmpint (siyu_test_run_cli (&out, &err, reads[i][0], "--db", path, NULL), ==, 0);
      g_assert_cmpstr (err, ==, "");
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (siyu_test_run_cli (&out, &err, "settings", "--db", path, "--name", "别的店", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "shop.siyu” is read-only: Siyu needs to be able to write to the shop file and its "
                                   "folder."));
  }
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_chmod (sub, 0700), ==, 0);
}

/* backup list, create, keep and restore; contact delete --from-backups. */
static void
test_backup (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "tea.siyu", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  const char *oldest;
  g_autofree char *restored = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "create", "--db", path, "--name", "Tea", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "list", "--db", path, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "This shop has no backups yet."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", path, TEST_SRCDIR "/data/import/tea-shop-orders.csv",
                                      NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "create", "--db", path, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Kept a backup in “"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "list", "--json", "--db", path, NULL), ==, 0);
  listed = json_from_string (out, &error);
  g_assert_no_error (error);
  array = json_node_get_array (listed);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "cause"), ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "cause"), ==, "import");
  oldest = json_object_get_string_member (json_array_get_object_element (array, 1), "name");
  g_assert_true (g_str_has_suffix (oldest, "Z-import.siyu"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* contact 1 is in the manual backup and the one before the erasure. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "delete", "1", "--yes", "--from-backups", "--db", path,
                                      NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Erased; 2 backups that still held them were deleted.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "restore", oldest, "--db", path, NULL), ==, 2);
  g_assert_true (strstr (err, "add --yes") != NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "restore", "nope.siyu", "--yes", "--db", path, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: There is no backup “nope.siyu” of this shop. “siyu-cli backup list” shows them.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  restored = g_strdup (oldest);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "restore", restored, "--yes", "--db", path, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "The shop is back as it was on "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Before the import: no contacts. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "id,name,stage,rfm_segment,tier\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "keep", "--last", "1", "--days", "0", "--months", "0",
                                      "--db", path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Kept: the latest 1, and the latest of each of the last 0 days and 0 months.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "list", "--json", "--db", path, NULL), ==, 0);
  g_clear_pointer (&listed, json_node_unref);
  listed = json_from_string (out, &error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (listed), 0),
                                                  "cause"), ==, "restore");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "backup", "keep", "--last", "0", "--db", path, NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/cli/version", test_version);
  g_test_add_func ("/siyu/cli/usage", test_usage);
  g_test_add_func ("/siyu/cli/create", test_create);
  g_test_add_func ("/siyu/cli/info-refused", test_info_refused);
  g_test_add_func ("/siyu/cli/info-json", test_info_json);
  g_test_add_func ("/siyu/cli/info-text", test_info_text);
  g_test_add_func ("/siyu/cli/info-old-data", test_info_old_data);
  g_test_add_func ("/siyu/cli/settings", test_settings);
  g_test_add_func ("/siyu/cli/analytics", test_analytics);
  g_test_add_func ("/siyu/cli/contacts", test_contacts);
  g_test_add_func ("/siyu/cli/contacts-csv-guard", test_contacts_csv_guard);
  g_test_add_func ("/siyu/cli/cohorts", test_cohorts);
  g_test_add_func ("/siyu/cli/predict", test_predict);
  g_test_add_func ("/siyu/cli/contact", test_contact);

  g_test_add_func ("/siyu/cli/stale-counted-first", test_stale_counted_first);
  g_test_add_func ("/siyu/cli/read-only", test_read_only);
  g_test_add_func ("/siyu/cli/backup", test_backup);

  return g_test_run ();
}
