/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "siyu-contacts.h"
#include "siyu-import.h"
#include "siyu-test-util.h"

/* Imports of the platforms' exports (tests/data/import, written from the
 * column sets the platforms document) and of bad files. */

static char *
fixture (const char *name)
{
  return g_build_filename (TEST_SRCDIR, "data", "import", name, NULL);
}

static SiyuImport *
import_file (SiyuShop       *shop,
             const char     *path,
             SiyuImportKind  kind,
             SiyuImportMode  mode,
             GError        **error)
{
  SiyuImport *import = siyu_import_new (shop, path, kind);

  siyu_import_run (import, mode, NULL, NULL, NULL, NULL, error);
  return import;
}

static SiyuImport *
import_ok (SiyuShop       *shop,
           const char     *name,
           SiyuImportKind  kind,
           const char     *expected_preset)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture (name);
  SiyuImport *import = import_file (shop, path, kind, SIYU_IMPORT_ALL_OR_NOTHING, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (siyu_import_get_preset (import), ==, expected_preset);
  g_assert_cmpuint (siyu_import_get_counts (import)->rows_rejected, ==, 0);
  return import;
}

static void
assert_counts (SiyuImport *import,
               guint       rows,
               guint       contacts_created,
               guint       contacts_matched,
               guint       orders_created,
               guint       orders_updated,
               guint       orders_unchanged,
               guint       items_created)
{
  const SiyuImportCounts *counts = siyu_import_get_counts (import);

  g_assert_cmpuint (counts->rows, ==, rows);
  g_assert_cmpuint (counts->contacts_created, ==, contacts_created);
  g_assert_cmpuint (counts->contacts_matched, ==, contacts_matched);
  g_assert_cmpuint (counts->orders_created, ==, orders_created);
  g_assert_cmpuint (counts->orders_updated, ==, orders_updated);
  g_assert_cmpuint (counts->orders_unchanged, ==, orders_unchanged);
  g_assert_cmpuint (counts->items_created, ==, items_created);
}

static int
append_row (void  *data,
            int    n,
            char **values,
            char **names)
{
  GString *out = data;

  for (int i = 0; i < n; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", values[i] != NULL ? values[i] : "");
  g_string_append_c (out, '\n');
  return 0;
}

/* Every block of the search index's 16 parts. */
#define FTS_DATA \
  "SELECT block FROM contacts_fts_0_data UNION ALL SELECT block FROM contacts_fts_1_data UNION ALL " \
  "SELECT block FROM contacts_fts_2_data UNION ALL SELECT block FROM contacts_fts_3_data UNION ALL " \
  "SELECT block FROM contacts_fts_4_data UNION ALL SELECT block FROM contacts_fts_5_data UNION ALL " \
  "SELECT block FROM contacts_fts_6_data UNION ALL SELECT block FROM contacts_fts_7_data UNION ALL " \
  "SELECT block FROM contacts_fts_8_data UNION ALL SELECT block FROM contacts_fts_9_data UNION ALL " \
  "SELECT block FROM contacts_fts_10_data UNION ALL SELECT block FROM contacts_fts_11_data UNION ALL " \
  "SELECT block FROM contacts_fts_12_data UNION ALL SELECT block FROM contacts_fts_13_data UNION ALL " \
  "SELECT block FROM contacts_fts_14_data UNION ALL SELECT block FROM contacts_fts_15_data"

static void
assert_search (SiyuShop   *shop,
               const char *text,
               const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = siyu_contacts_search (shop, text, 100, &error);
  g_autoptr(GString) found = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (found, "%" G_GINT64_FORMAT "\n", g_array_index (ids, gint64, i));
  g_assert_cmpstr (found->str, ==, expected);
}

static char *
query (SiyuShop   *shop,
       const char *sql)
{
  GString *out = g_string_new (NULL);
  char *message = NULL;

  sqlite3_exec (siyu_db_get_handle (siyu_shop_get_db (shop)), sql, append_row, out, &message);
  g_assert_cmpstr (message, ==, NULL);
  return g_string_free (out, FALSE);
}

/* Everything an import writes, but the times it was written at. */
static char *
dump (SiyuShop *shop)
{
  return query (shop,
                "SELECT id, name, phone, email, wechat_id, city, birthday, first_seen_at, first_channel_id, "
                "  marketing_consent, consent_at, consent_source, member_since FROM contacts ORDER BY id;"
                "SELECT kind, value, contact_id FROM contact_identities ORDER BY kind, value;"
                "SELECT id, kind, name, platform FROM channels ORDER BY id;"
                "SELECT id, channel_id, external_ref, contact_id, status, created_at, currency, total_amount, "
                "  refunded_amount, item_count FROM orders ORDER BY id;"
                "SELECT order_id, product_id, sku, name, quantity, unit_price, line_total FROM order_items ORDER BY id;"
                "SELECT id, sku, name FROM products ORDER BY id;"
                "SELECT g.name, g.kind, m.contact_id, m.role, m.joined_at, m.left_at FROM group_members m "
                "  JOIN community_groups g ON g.id = m.group_id ORDER BY m.group_id, m.contact_id;"
                "SELECT contact_id, kind, occurred_at, channel_id, detail FROM events ORDER BY id;"
                "SELECT ct.contact_id, t.name, ct.source FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
                "  ORDER BY ct.contact_id, t.name;"
                "SELECT shard, count (*) FROM search_pending GROUP BY shard;"
                "SELECT sum (length (block)) FROM (" FTS_DATA ");");
}

static void
assert_query (SiyuShop   *shop,
              const char *sql,
              const char *expected)
{
  g_autofree char *result = query (shop, sql);

  g_assert_cmpstr (result, ==, expected);
}

static char *
time_text (SiyuShop   *shop,
           const char *local)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, siyu_test_time (shop, local));
}

static void
test_chinese_platforms (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *t1 = time_text (shop, "2025-03-01 10:05:12");
  g_autofree char *t2 = time_text (shop, "2024-06-01 09:00:00");
  g_autofree char *t3 = time_text (shop, "2024-11-11 20:00:00");
  g_autofree char *t4 = time_text (shop, "2025-03-06 09:12:45");
  g_autofree char *t5 = time_text (shop, "2024-10-03 11:00:00");
  g_autofree char *t6 = time_text (shop, "2025-01-15 20:00:00");
  SiyuImport *import;

  import = import_ok (shop, "youzan-customers.csv", SIYU_IMPORT_CUSTOMERS, "youzan-customers");
  assert_counts (import, 3, 3, 0, 0, 0, 0, 0);
  g_assert_cmpstr (siyu_import_get_encoding (import), ==, "UTF-8");
  g_object_unref (import);

  import = import_ok (shop, "youzan-orders.csv", SIYU_IMPORT_ORDERS, "youzan-orders");
  assert_counts (import, 6, 3, 2, 5, 0, 0, 6);
  g_object_unref (import);

  /* GB18030, a phone written '138…, an order number written ="312…". */
  import = import_ok (shop, "taobao-orders.csv", SIYU_IMPORT_ORDERS, "taobao-orders");
  g_assert_cmpstr (siyu_import_get_encoding (import), ==, "GB18030");
  assert_counts (import, 3, 1, 2, 3, 0, 0, 3);
  g_object_unref (import);

  import = import_ok (shop, "canonical-orders.csv", SIYU_IMPORT_ORDERS, "canonical-orders");
  assert_counts (import, 4, 2, 1, 4, 0, 0, 4);
  g_object_unref (import);

  import = import_ok (shop, "canonical-groups.csv", SIYU_IMPORT_GROUPS, "canonical-groups");
  assert_counts (import, 4, 1, 3, 0, 0, 0, 0);
  g_assert_cmpuint (siyu_import_get_counts (import)->memberships, ==, 4);
  g_object_unref (import);

  import = import_ok (shop, "canonical-events.csv", SIYU_IMPORT_EVENTS, "canonical-events");
  assert_counts (import, 3, 1, 2, 0, 0, 0, 0);
  g_assert_cmpuint (siyu_import_get_counts (import)->events_created, ==, 3);
  g_object_unref (import);

  /* Youzan: amounts written ¥1,288.00, 部分退款 from a refunded amount,
   * 待付款 and 交易关闭. */
  assert_query (shop, "SELECT external_ref, status, total_amount, refunded_amount, contact_id, item_count "
                      "FROM orders ORDER BY id",
                "E20250301100512000001|paid|134600|0|1|2\n"
                "E20250302201103000002|refunded|16800|16800|4|1\n"
                "E20250303081500000003|partially_refunded|257600|5000|5|1\n"
                "E20250304193000000004|unpaid|0|0|6|1\n"
                "E20250305120000000005|cancelled|0|0|6|1\n"
                "3125678901234567890|paid|17600|0|1|1\n"
                "3125678901234567891|cancelled|10900|10900|7|1\n"
                "3125678901234567892|paid|128800|0|5|1\n"
                "S-0001|paid|128800|0|1|1\n"
                "S-0002|paid|50400|0|8|1\n"
                "S-0003|refunded|23800|23800|9|1\n"
                "S-0004|paid|5800|0||1\n");
  expected = g_strdup_printf ("%s\n%s\n", t1, t4);
  assert_query (shop, "SELECT created_at FROM orders WHERE id IN (1, 6) ORDER BY id", expected);
  g_clear_pointer (&expected, g_free);

  assert_query (shop, "SELECT sku, name, quantity, unit_price, line_total FROM order_items WHERE order_id = 1 ORDER BY id",
                "LJ-250|西湖龙井 明前特级|1|128800|128800\n"
                "ZSB-01|紫砂杯|2|2900|5800\n");
  /* A Taobao order is one row: its one line costs what was paid. */
  assert_query (shop, "SELECT sku, name, quantity, unit_price, line_total FROM order_items WHERE order_id = 6",
                "|安吉白茶 2025新茶 明前 100g|2|8800|17600\n");
  assert_query (shop, "SELECT kind, name, platform FROM channels ORDER BY id",
                "online_shop|Youzan|youzan\n"
                "marketplace|Taobao|import:taobao\n"
                "other|南山门店|\n"
                "other|小程序|\n");

  /* One person, seen in the customer list, two shops and a group. */
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("王芳|+8613800138000||wangfang_tea|杭州|1990-05-12|%s|1|%s\n", t2, t3);
  assert_query (shop, "SELECT name, phone, email, wechat_id, city, birthday, first_seen_at, first_channel_id, "
                      "  member_since FROM contacts WHERE id = 1", expected);
  assert_query (shop, "SELECT kind, value FROM contact_identities WHERE contact_id = 1 ORDER BY kind",
                "import:taobao|wangfang88\nphone|+8613800138000\nwechat|wangfang_tea\n");
  assert_query (shop, "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
                      "WHERE ct.contact_id = 1 ORDER BY t.name",
                "老客\n黄金会员\n龙井爱好者\n");
  assert_query (shop, "SELECT count (*) FROM contacts", "11\n");

  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("龙井老客群|wecom|1|owner|\n"
                              "龙井老客群|wecom|5|member|\n"
                              "龙井老客群|wecom|10|member|%s\n"
                              "新客福利群|wechat|2|member|\n", t6);
  assert_query (shop, "SELECT g.name, g.kind, m.contact_id, m.role, m.left_at FROM group_members m "
                      "JOIN community_groups g ON g.id = m.group_id ORDER BY m.group_id, m.contact_id",
                expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s\n", t5);
  assert_query (shop, "SELECT joined_at FROM group_members WHERE contact_id = 10", expected);
  assert_query (shop, "SELECT contact_id, kind, channel_id, detail FROM events ORDER BY id",
                "1|view||LJ-250\n1|cart||\n11|inquiry|4|问明前和雨前的区别\n");
  /* The search index knows the people the imports made. */
  assert_search (shop, "13800138000", "1\n");
  assert_search (shop, "guest@example", "8\n");

  /* Importing everything again changes nothing. */
  before = dump (shop);
  import = import_ok (shop, "youzan-customers.csv", SIYU_IMPORT_CUSTOMERS, "youzan-customers");
  assert_counts (import, 3, 0, 3, 0, 0, 0, 0);
  g_object_unref (import);
  import = import_ok (shop, "youzan-orders.csv", SIYU_IMPORT_ORDERS, "youzan-orders");
  assert_counts (import, 6, 0, 5, 0, 0, 5, 0);
  g_object_unref (import);
  import = import_ok (shop, "taobao-orders.csv", SIYU_IMPORT_ORDERS, "taobao-orders");
  assert_counts (import, 3, 0, 3, 0, 0, 3, 0);
  g_object_unref (import);
  import = import_ok (shop, "canonical-orders.csv", SIYU_IMPORT_ORDERS, "canonical-orders");
  assert_counts (import, 4, 0, 3, 0, 0, 4, 0);
  g_object_unref (import);
  import = import_ok (shop, "canonical-groups.csv", SIYU_IMPORT_GROUPS, "canonical-groups");
  g_object_unref (import);
  import = import_ok (shop, "canonical-events.csv", SIYU_IMPORT_EVENTS, "canonical-events");
  g_assert_cmpuint (siyu_import_get_counts (import)->events_created, ==, 0);
  g_assert_cmpuint (siyu_import_get_counts (import)->events_unchanged, ==, 3);
  g_object_unref (import);
  after = dump (shop);
  g_assert_cmpstr (after, ==, before);

  /* Every import is in the audit log. */
  assert_query (shop, "SELECT count (*) FROM audit_log WHERE action = 'import'", "12\n");
}

static void
test_shopify (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "usd.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_create (path, "Tea NYC", "USD", "America/New_York", &error);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SiyuImport *import;

  g_assert_no_error (error);
  g_assert_true (siyu_shop_set_phone_region (shop, "US", &error));

  import = import_ok (shop, "shopify-customers.csv", SIYU_IMPORT_CUSTOMERS, "shopify-customers");
  assert_counts (import, 2, 2, 0, 0, 0, 0, 0);
  g_object_unref (import);

  /* The second line of #1001 leaves the order's fields blank. */
  import = import_ok (shop, "shopify-orders.csv", SIYU_IMPORT_ORDERS, "shopify-orders");
  assert_counts (import, 5, 2, 2, 4, 0, 0, 5);
  g_object_unref (import);

  /* "2025-03-01 08:59:11 -0500" is 13:59:11 UTC. */
  assert_query (shop, "SELECT external_ref, status, datetime (created_at, 'unixepoch'), total_amount, "
                      "  refunded_amount, contact_id, currency FROM orders ORDER BY id",
                "#1001|paid|2025-03-01 13:59:11|9000|0|1|USD\n"
                "#1002|refunded|2025-03-02 19:19:30|4250|4250|3|USD\n"
                "#1003|partially_refunded|2025-03-04 22:58:00|5400|2400|1|USD\n"
                "#1004|unpaid|2025-03-05 12:30:00|4200|0|4|USD\n");
  assert_query (shop, "SELECT order_id, sku, name, quantity, unit_price, line_total FROM order_items ORDER BY id",
                "1|JP-50|Jasmine Pearls 50g|2|2400|4800\n"
                "1|GW-01|Gaiwan, white porcelain|1|3600|3600\n"
                "2|PU-100|Aged Pu-erh cake 100g|1|4250|4250\n"
                "3|JP-50|Jasmine Pearls 50g|2|2400|4800\n"
                "4|GW-01|Gaiwan, white porcelain|1|3600|3600\n");
  /* First and last name joined; consent from "Accepts Email Marketing";
   * Emma.Li@Example.com is emma.li@example.com. */
  assert_query (shop, "SELECT id, name, phone, email, marketing_consent, consent_source FROM contacts ORDER BY id",
                "1|Emma Li|+12125550187|emma.li@example.com|1|shopify-customers\n"
                "2|Liam Park||liam.park@example.com|0|shopify-customers\n"
                "3|Noah Wong||noah.w@example.com|0|\n"
                "4|Olivia Chen|+14155550142|olivia.c@example.com|0|\n");
  assert_query (shop, "SELECT kind, value FROM contact_identities WHERE contact_id = 1 ORDER BY kind",
                "email|emma.li@example.com\nphone|+12125550187\nshopify|7012345678901\n");
  assert_query (shop, "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id ORDER BY t.name",
                "VIP\ntea club\n");

  before = dump (shop);
  import = import_ok (shop, "shopify-orders.csv", SIYU_IMPORT_ORDERS, "shopify-orders");
  assert_counts (import, 5, 0, 4, 0, 0, 4, 0);
  g_object_unref (import);
  after = dump (shop);
  g_assert_cmpstr (after, ==, before);
}

static void
test_woocommerce (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sgd.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_create (path, "Tea SG", "SGD", "Asia/Singapore", &error);
  SiyuImport *import;

  g_assert_no_error (error);
  g_assert_true (siyu_shop_set_phone_region (shop, "SG", &error));

  import = import_ok (shop, "woocommerce-orders.csv", SIYU_IMPORT_ORDERS, "woocommerce-orders");
  assert_counts (import, 4, 2, 1, 3, 0, 0, 4);
  g_object_unref (import);

  assert_query (shop, "SELECT external_ref, status, datetime (created_at, 'unixepoch'), total_amount, "
                      "  refunded_amount, contact_id FROM orders ORDER BY id",
                "2051|paid|2025-03-01 02:20:00|6300|0|1\n"
                "2052|refunded|2025-03-03 08:45:00|12000|12000|2\n"
                "2053|paid|2025-03-04 01:05:00|3400|0|1\n");
  assert_query (shop, "SELECT sku, name, quantity, unit_price, line_total FROM order_items WHERE order_id = 1",
                "OOL-100|Oolong 100g|2|2900|5800\n|Sample sachet|1|0|0\n");
  assert_query (shop, "SELECT name, phone, email FROM contacts ORDER BY id",
                "Mei Tan|+6591234567|mei.tan@example.sg\n"
                "Arjun Rao|+6598765432|arjun.rao@example.sg\n");
}

/* A later export with a refund updates the order; its lines stay. */
static void
test_later_status (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *later = g_build_filename (dir, "later.csv", NULL);
  g_autoptr(GError) error = NULL;
  SiyuImport *import;

  g_object_unref (import_ok (shop, "canonical-orders.csv", SIYU_IMPORT_ORDERS, "canonical-orders"));
  g_assert_true (g_file_set_contents (later,
                                      "order_ref,created_at,status,phone,channel,sku,product_name,quantity,unit_price\n"
                                      "S-0001,2025-03-10 11:00:00,已退款,13800138000,南山门店,LJ-250,西湖龙井 明前特级,1,1288\n",
                                      -1, NULL));
  import = import_file (shop, later, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_no_error (error);
  assert_counts (import, 1, 0, 1, 0, 1, 0, 0);
  g_object_unref (import);
  assert_query (shop, "SELECT status, total_amount, refunded_amount, item_count FROM orders WHERE external_ref = 'S-0001'",
                "refunded|128800|128800|1\n");
  assert_query (shop, "SELECT count (*) FROM order_items", "4\n");
}

static void
test_xlsx (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *path = g_build_filename (dir, "orders.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuImport) import = NULL;
  const char *parts[] = {
    "xl/workbook.xml",
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"订单\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
    "xl/_rels/workbook.xml.rels",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
    " Target=\"worksheets/sheet1.xml\"/></Relationships>",
    "xl/sharedStrings.xml",
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<si><t>订单号</t></si><si><t>订单状态</t></si><si><t>订单创建时间</t></si><si><t>买家手机号</t></si>"
    "<si><t>商品名称</t></si><si><t>商品数量</t></si><si><t>商品单价</t></si><si><t>交易成功</t></si>"
    "<si><t>西湖龙井</t></si><si><t>E0001</t></si></sst>",
    "xl/worksheets/sheet1.xml",
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
    "<c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>5</v></c>"
    "<c r=\"G1\" t=\"s\"><v>6</v></c></row>"
    /* 45717.5 is 2025-03-01 12:00 in the shop's time zone. */
    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>9</v></c><c r=\"B2\" t=\"s\"><v>7</v></c><c r=\"C2\" s=\"1\"><v>45717.5</v></c>"
    "<c r=\"D2\"><v>13800138000</v></c><c r=\"E2\" t=\"s\"><v>8</v></c><c r=\"F2\"><v>2</v></c>"
    "<c r=\"G2\"><v>1288</v></c></row>"
    "</sheetData></worksheet>",
    NULL,
  };
  g_autofree char *noon = time_text (shop, "2025-03-01 12:00:00");
  g_autofree char *expected = g_strdup_printf ("E0001|paid|%s|257600|+8613800138000\n", noon);

  siyu_test_write_zip (path, parts);
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_open (import, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (siyu_import_get_format (import), ==, "XLSX");
  g_assert_cmpstr (siyu_import_get_preset (import), ==, "youzan-orders");
  g_assert_cmpuint (siyu_import_get_n_preview (import), ==, 1);
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_query (shop, "SELECT o.external_ref, o.status, o.created_at, o.total_amount, c.phone "
                      "FROM orders o JOIN contacts c ON c.id = o.contact_id", expected);
}

/* A file with other headers, mapped by hand once, is recognised after. */
static void
test_mapping_remembered (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *path = g_build_filename (dir, "pos.csv", NULL);
  g_autofree char *path2 = g_build_filename (dir, "pos-april.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(SiyuImport) again = NULL;

  g_assert_true (g_file_set_contents (path,
                                      "单号;时间;状态;会员手机;品名;数量;金额\n"
                                      "P1;2025/3/1 9:30;已完成;13800138000;龙井;1;88,00\n", -1, NULL));
  g_assert_true (g_file_set_contents (path2,
                                      "单号;时间;状态;会员手机;品名;数量;金额\n"
                                      "P2;2025/4/1 9:30;已完成;13800138000;龙井;2;176,00\n", -1, NULL));

  /* No preset knows the file: its columns are guessed, and the owner
   * corrects the one guessed wrong (金额 is each line's total here). */
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_open (import, NULL, &error) && siyu_import_check_mapping (import, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_import_get_guessed (import));
  g_assert_cmpstr (siyu_import_get_column (import, "order_ref"), ==, "单号");
  g_assert_cmpstr (siyu_import_get_column (import, "phone"), ==, "会员手机");
  g_assert_cmpstr (siyu_import_get_column (import, "order_total"), ==, "金额");
  g_assert_null (siyu_import_get_column (import, "line_total"));

  siyu_import_map (import, "order_ref", "单号");
  siyu_import_map (import, "created_at", "时间");
  siyu_import_map (import, "status", "状态");
  siyu_import_map (import, "phone", "会员手机");
  siyu_import_map (import, "product_name", "品名");
  siyu_import_map (import, "quantity", "数量");
  siyu_import_map (import, "line_total", "金额");
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_import_get_delimiter (import), ==, ';');
  g_assert_null (siyu_import_get_preset (import));
  g_assert_null (siyu_import_get_column (import, "order_total"));

  again = siyu_import_new (shop, path2, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_open (again, NULL, &error));
  g_assert_cmpstr (siyu_import_get_column (again, "phone"), ==, "会员手机");
  g_assert_cmpstr (siyu_import_get_column (again, "line_total"), ==, "金额");
  g_assert_null (siyu_import_get_column (again, "sku"));
  g_assert_true (siyu_import_run (again, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_query (shop, "SELECT external_ref, total_amount, contact_id FROM orders ORDER BY id",
                "P1|8800|1\nP2|17600|1\n");

  /* A field that is not one, and a column that is not there. */
  siyu_import_map (again, "colour", "品名");
  g_assert_false (siyu_import_check_mapping (again, &error));
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING);
  g_assert_nonnull (strstr (error->message, "“colour” is not a field"));
  g_clear_error (&error);
  siyu_import_map (again, "colour", NULL);
  g_object_unref (again);
  again = siyu_import_new (shop, path2, SIYU_IMPORT_ORDERS);
  siyu_import_map (again, "sku", "货号");
  g_assert_false (siyu_import_open (again, NULL, &error));
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING);
  g_assert_nonnull (strstr (error->message, "pos-april.csv has no column “货号”"));
}

/* Bad input: each refused with the place named, the shop left byte for
 * byte as it was. */

typedef struct {
  const char     *name;
  const char     *file_name;
  const char     *contents;
  gssize          length;
  SiyuImportKind  kind;
  const char     *preset;
  const char     *encoding;
  int             code;          /* SiyuImportError */
  const char     *message;       /* part of the error's message */
  guint           problem_row;   /* for SIYU_IMPORT_ERROR_REJECTED */
  const char     *problem_column;
  const char     *problem;
} BadCase;

#define ORDERS_HEADER "order_ref,created_at,status,phone,sku,product_name,quantity,unit_price\n"

static const BadCase bad_cases[] = {
  { "empty", "orders.csv", "", 0, SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_FILE, "orders.csv: The file is empty.", 0, NULL, NULL },
  { "blank lines", "orders.csv", "\n\n", -1, SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_FILE, "orders.csv: The file is empty.", 0, NULL, NULL },
  { "header only", "orders.csv", ORDERS_HEADER, -1, SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_FILE, "orders.csv: The file has a header but no rows under it.", 0, NULL, NULL },
  { "missing column", "orders.csv", "order_ref,status,phone,product_name,unit_price\nA1,paid,13800138000,Tea,1\n", -1,
    SIYU_IMPORT_ORDERS, "canonical-orders", NULL,
    SIYU_IMPORT_ERROR_MAPPING, "No column of orders.csv is chosen for the field “Created” (created_at)", 0, NULL, NULL },
  { "unknown preset", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, "jd-orders", NULL,
    SIYU_IMPORT_ERROR_PRESET, "There is no preset “jd-orders” for importing orders.", 0, NULL, NULL },
  { "preset of another kind", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, "youzan-customers", NULL,
    SIYU_IMPORT_ERROR_PRESET, "There is no preset “youzan-customers” for importing orders.", 0, NULL, NULL },
  /* 茶 in GB18030 is B2 E8, not UTF-8. */
  { "wrong encoding", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,\xb2\xe8,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, "UTF-8",
    SIYU_IMPORT_ERROR_FILE, "orders.csv: Row 2, column 6 is not UTF-8 text.", 0, NULL, NULL },
  { "unterminated quote", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,\"Tea,1,1\nA2,2025-03-01,paid,,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_FILE, "orders.csv: A quoted field that starts at row 2 never ends.", 0, NULL, NULL },
  { "ragged row", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, "orders.csv: 1 row has a problem, so nothing was imported.",
    2, NULL, "The row has 7 cells where the header has 8." },
  { "impossible date", "orders.csv", ORDERS_HEADER "A1,2025-02-30 10:00,paid,13800138000,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "created_at", "“2025-02-30 10:00” is not a time: that day does not exist." },
  { "ambiguous date", "orders.csv", ORDERS_HEADER "A1,31/31/2025,paid,13800138000,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "created_at", "“31/31/2025” is not a time: it is not written in a way Siyu reads." },
  { "zero quantity", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,0,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "quantity", "The quantity “0” is below one." },
  { "absurd quantity", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,5000000,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "quantity", "The quantity “5000000” is too large to be real." },
  { "absurd price", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1,20000000000\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "unit_price", "“20000000000” is not an amount of money: it is too large to be real." },
  { "negative price", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1,-5\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "unit_price", "“-5” is below zero." },
  { "letters in amount", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1,12a\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "unit_price", "“12a” is not an amount of money: it has letters or signs that are not part of a number." },
  { "unknown status", "orders.csv", ORDERS_HEADER "A1,2025-03-01,shipped-ish,13800138000,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "status", "“shipped-ish” is not an order status Siyu knows." },
  { "bad phone", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,12345,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "phone", "“12345” is not a phone number." },
  { "lines disagree on the customer", "orders.csv",
    ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1,1\nA1,2025-03-01,paid,13900139000,T2,Cup,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, "2 rows have problems", 3, "phone",
    "This line says “13900139000” where row 2 of the same order says “13800138000”; the lines of one order must agree." },
  { "another currency", "orders.csv",
    "order_ref,created_at,status,product_name,unit_price,currency\nA1,2025-03-01,paid,Tea,1,USD\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "currency", "The order is in USD but the shop keeps its books in CNY; Siyu does not convert currencies." },
  { "lines days apart", "orders.csv",
    ORDERS_HEADER "A1,2025-03-01 10:00,paid,13800138000,T1,Tea,1,1\nA1,2025-03-03 10:00,paid,13800138000,T2,Cup,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, "2 rows have problems", 3, "created_at",
    "Row 2 says the order was made at “2025-03-01 10:00” and row 3 at “2025-03-03 10:00”, more than a day apart; the lines of one order must agree on its time." },
  { "phone changed by Excel", "orders.csv", ORDERS_HEADER "A1,2025-03-01,paid,1.3800138E+10,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "phone", "The phone number “1.3800138E+10” was changed by Excel" },
  { "customer without identity", "customers.csv", "name,phone,email\n王芳,,\n", -1,
    SIYU_IMPORT_CUSTOMERS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "phone", "The row has no phone, e-mail, WeChat id or customer id to tell the person apart." },
  { "left before joining", "groups.csv", "group,joined_at,left_at,phone\n老客群,2025-03-01,2025-02-01,13800138000\n", -1,
    SIYU_IMPORT_GROUPS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "left_at", "The time of leaving the group is before the time of joining it." },
  { "unknown event", "events.csv", "event_kind,occurred_at,phone\n跳舞,2025-03-01,13800138000\n", -1,
    SIYU_IMPORT_EVENTS, NULL, NULL,
    SIYU_IMPORT_ERROR_REJECTED, NULL, 2, "event_kind", "“跳舞” is not a kind of event Siyu knows" },
  { "xlsx that is not a zip", "orders.xlsx", ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,Tea,1,1\n", -1,
    SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_FILE, "orders.xlsx: The file is not an Excel workbook (.xlsx), though its name says so.", 0, NULL, NULL },
  { "0-byte xlsx", "orders.xlsx", "", 0, SIYU_IMPORT_ORDERS, NULL, NULL,
    SIYU_IMPORT_ERROR_FILE, "orders.xlsx: The file is empty.", 0, NULL, NULL },
};

static void
write_bytes (const char *path,
             const char *contents,
             gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/* Runs @import on a shop that is closed, copied, reopened and closed again
 * around it, and asserts the shop file did not change by a byte. */
typedef void (*ImportFunc) (SiyuShop   *shop,
                            const char *dir,
                            gpointer    data);

static void
assert_untouched (ImportFunc  func,
                  gpointer    data)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shop.siyu", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.siyu", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *orders = fixture ("canonical-orders.csv");
  gsize length;

  /* A shop with data, so that “unchanged” means something. */
  g_object_unref (import_file (shop, orders, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error));
  g_assert_no_error (error);
  g_object_unref (shop);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  write_bytes (copy, contents, (gssize) length);

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  func (shop, dir, data);
  g_object_unref (shop);

  g_assert_true (siyu_test_files_equal (path, copy));
}

static void
run_bad_case (SiyuShop   *shop,
              const char *dir,
              gpointer    data)
{
  const BadCase *bad = data;
  g_autofree char *path = g_build_filename (dir, bad->file_name, NULL);
  g_autoptr(SiyuImport) import = siyu_import_new (shop, path, bad->kind);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  g_test_message ("bad input: %s", bad->name);
  write_bytes (path, bad->contents, bad->length);
  if (bad->preset != NULL)
    ok = siyu_import_set_preset (import, bad->preset, &error);
  siyu_import_set_encoding (import, bad->encoding);
  if (ok)
    ok = siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error);

  g_assert_false (ok);
  g_assert_error (error, SIYU_IMPORT_ERROR, bad->code);
  if (bad->message != NULL && strstr (error->message, bad->message) == NULL)
    g_error ("%s: “%s” does not say “%s”", bad->name, error->message, bad->message);

  if (bad->code == SIYU_IMPORT_ERROR_REJECTED)
    {
      gboolean found = FALSE;

      g_assert_cmpuint (siyu_import_get_n_problems (import), >=, 1);
      for (guint i = 0; i < siyu_import_get_n_problems (import); i++)
        {
          const SiyuImportProblem *problem = siyu_import_get_problem (import, i);

          if (problem->row == bad->problem_row && g_strcmp0 (problem->column, bad->problem_column) == 0 &&
              strstr (problem->message, bad->problem) != NULL)
            found = TRUE;
        }
      if (!found)
        g_error ("%s: no problem at row %u, column %s saying “%s”; the first says row %u, column %s: %s",
                 bad->name, bad->problem_row, bad->problem_column, bad->problem,
                 siyu_import_get_problem (import, 0)->row, siyu_import_get_problem (import, 0)->column,
                 siyu_import_get_problem (import, 0)->message);
    }
}

static void
test_bad_input (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    assert_untouched (run_bad_case, (gpointer) &bad_cases[i]);
}

static void
run_bad_zips (SiyuShop   *shop,
              const char *dir,
              gpointer    data)
{
  const char *other[] = { "readme.txt", "not a workbook", NULL };
  const char *merged[] = {
    "xl/workbook.xml",
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
    "xl/_rels/workbook.xml.rels",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
    " Target=\"worksheets/sheet1.xml\"/></Relationships>",
    "xl/worksheets/sheet1.xml",
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>order_ref</t></is></c>"
    "<c r=\"B1\" t=\"inlineStr\"><is><t>created_at</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>status</t></is></c>"
    "<c r=\"D1\" t=\"inlineStr\"><is><t>product_name</t></is></c><c r=\"E1\" t=\"inlineStr\"><is><t>unit_price</t></is></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>A1</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>2025-03-01</t></is></c>"
    "<c r=\"C2\" t=\"inlineStr\"><is><t>paid</t></is></c><c r=\"D2\" t=\"inlineStr\"><is><t>Tea</t></is></c>"
    "<c r=\"E2\"><v>10</v></c></row>"
    "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>A2</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>2025-03-02</t></is></c>"
    "<c r=\"C3\" t=\"inlineStr\"><is><t>paid</t></is></c><c r=\"D3\" t=\"inlineStr\"><is><t>Cup</t></is></c>"
    "<c r=\"E3\"><v>20</v></c></row>"
    "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"B2:B3\"/></mergeCells></worksheet>",
    NULL,
  };
  const char *wide_parts[] = {
    "xl/workbook.xml", merged[1],
    "xl/_rels/workbook.xml.rels", merged[3],
    "xl/worksheets/sheet1.xml",
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>order_ref</t></is></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>A1</t></is></c></row>"
    "<row r=\"3\"><c r=\"EQXCZ3\"><v>1</v></c></row></sheetData></worksheet>",
    NULL,
  };
  g_autofree char *zip = g_build_filename (dir, "archive.xlsx", NULL);
  g_autofree char *book = g_build_filename (dir, "merged.xlsx", NULL);
  g_autofree char *wide = g_build_filename (dir, "wide.xlsx", NULL);
  g_autofree char *long_csv = g_build_filename (dir, "long.csv", NULL);
  g_autofree char *twice = g_build_filename (dir, "twice.csv", NULL);
  g_autofree char *zeros = g_build_filename (dir, "zeros.csv", NULL);
  g_autoptr(GString) long_text = NULL;
  g_autofree char *missing = g_build_filename (dir, "missing.csv", NULL);
  g_autoptr(GError) error = NULL;
  SiyuImport *import;

  siyu_test_write_zip (zip, other);
  import = import_file (shop, zip, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "archive.xlsx: The file is a ZIP archive but not an Excel workbook.");
  g_clear_error (&error);
  g_object_unref (import);

  /* Merged cells are listed after the rows: the rows were read, and
   * dropped with the transaction. */
  siyu_test_write_zip (book, merged);
  import = import_file (shop, book, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "merged.xlsx: The sheet has merged cells."));
  g_clear_error (&error);
  g_object_unref (import);

  /* Past a cap, the message names the file and the place. */
  siyu_test_write_zip (wide, wide_parts);
  import = import_file (shop, wide, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "wide.xlsx: Row 3 has more than 16384 columns, more than a spreadsheet can hold. "
                                       "The file is damaged or was not exported by a shop.");
  g_clear_error (&error);
  g_object_unref (import);

  long_text = g_string_new (ORDERS_HEADER "A1,2025-03-01,paid,13800138000,T1,\"");
  for (guint i = 0; i <= 1024 * 1024; i++)
    g_string_append_c (long_text, 'x');
  g_string_append (long_text, "\",1,1\n");
  g_assert_true (g_file_set_contents (long_csv, long_text->str, (gssize) long_text->len, NULL));
  import = import_file (shop, long_csv, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "long.csv: Row 2, column 6 holds more than 1 MB of text. No field of a shop’s "
                                       "export is that long: the file is damaged or was not exported by a shop.");
  g_clear_error (&error);
  g_object_unref (import);

  /* Two columns of one name; a file of NUL bytes. */
  g_assert_true (g_file_set_contents (twice, "order_ref,phone,created_at,phone\nA1,13800138000,2025-03-01,13900139000\n",
                                      -1, NULL));
  import = import_file (shop, twice, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "twice.csv: Columns 2 and 4 are both named “phone”. Rename one, so that Siyu "
                                       "knows which to read.");
  g_clear_error (&error);
  g_object_unref (import);
  g_assert_true (g_file_set_contents (zeros, "\0\0\0\0", 4, NULL));
  import = import_file (shop, zeros, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "zeros.csv: Row 1, column 1 holds a NUL byte: this is not a text file, or it "
                                       "is damaged.");
  g_clear_error (&error);
  g_object_unref (import);

  import = import_file (shop, missing, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "missing.csv: The file cannot be read"));
  g_clear_error (&error);
  g_object_unref (import);

  import = import_file (shop, dir, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "This is a folder, not a file."));
  g_object_unref (import);
}

static void
test_bad_files (void)
{
  assert_untouched (run_bad_zips, NULL);
}

typedef struct {
  GCancellable *cancellable;
  guint         calls;
} CancelData;

static void
cancel_on_progress (double   fraction,
                    gpointer user_data)
{
  CancelData *data = user_data;

  g_assert_cmpfloat (fraction, >, 0.0);
  g_assert_cmpfloat (fraction, <, 1.0);
  data->calls++;
  g_cancellable_cancel (data->cancellable);
}

static void
run_cancelled (SiyuShop   *shop,
               const char *dir,
               gpointer    unused)
{
  g_autofree char *path = g_build_filename (dir, "big.csv", NULL);
  g_autoptr(GString) text = g_string_new (ORDERS_HEADER);
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;
  CancelData data = { g_cancellable_new (), 0 };

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "C%u,2025-03-01 10:00,paid,1390000%04u,T1,Tea,1,9.90\n", i, i % 5000);
  write_bytes (path, text->str, (gssize) text->len);

  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_false (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, cancel_on_progress, &data,
                                   data.cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (data.calls, ==, 1);
  g_assert_cmpuint (siyu_import_get_counts (import)->rows, <, 20000);
  g_object_unref (data.cancellable);
}

static void
test_cancel (void)
{
  assert_untouched (run_cancelled, NULL);
}

/* A file is read ahead, a thousand rows at a time, beside the import of
 * the rows before: a problem deep in the file still stops the import at
 * its own row, with nothing written, after the rows before it were read
 * through several batches. */
static void
run_late_problem (SiyuShop   *shop,
                  const char *dir,
                  gpointer    data)
{
  const char * const *tail_and_message = data;
  const char *tail = tail_and_message[0];
  g_autofree char *path = g_build_filename (dir, "late.csv", NULL);
  g_autoptr(GString) text = g_string_new (ORDERS_HEADER);
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (text, "D%u,2025-03-01 10:00,paid,1390000%04u,T1,Tea,1,9.90\n", i, i % 700);
  g_string_append (text, tail);
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (text, "E%u,2025-03-02 10:00,paid,1390000%04u,T1,Tea,1,9.90\n", i, i % 700);
  write_bytes (path, text->str, (gssize) text->len);

  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_false (siyu_import_run (import, SIYU_IMPORT_VALID_ROWS, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE);
  g_assert_true (g_str_has_suffix (error->message, tail_and_message[1]));
}

static void
test_late_problem (void)
{
  static const char *quote[] = {
    "X1,2025-03-01 10:00,paid,13900000001,T1,T\"ea,1,9.90\n",
    "Row 5002 has a quote in the middle of a field; a field with quotes must be quoted whole, its quotes doubled.",
  };
  static const char *encoding[] = {
    "X1,2025-03-01 10:00,paid,13900000001,T1,\xff\xfe,1,9.90\n",
    "Row 5002, column 6 is not UTF-8 text. Choose the file’s encoding (UTF-8 or GB18030).",
  };

  assert_untouched (run_late_problem, quote);
  assert_untouched (run_late_problem, encoding);
}

static void
record_progress (double   fraction,
                 gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, fraction);
}

/* An order import says how far it is from the start, never back, and is
 * done at the end.  A file whose orders' lines are together is read once;
 * one whose lines are apart is read until an order is met again, then
 * again to set the lines aside, and the import goes on from where the
 * first reading stopped. */
static void
test_progress (void)
{
  for (guint scattered = 0; scattered < 2; scattered++)
    {
      g_autofree char *dir = siyu_test_tmpdir ();
      g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
      g_autofree char *path = g_build_filename (dir, "big.csv", NULL);
      g_autoptr(GString) text = g_string_new (ORDERS_HEADER);
      g_autoptr(SiyuImport) import = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
      double floor = 0;

      for (guint i = 0; i < 20000; i++)
        g_string_append_printf (text, "C%u,2025-03-01 10:00,paid,1390000%04u,T1,Tea,1,9.90\n",
                                scattered ? i % 10000 : i, i % 5000);
      write_bytes (path, text->str, (gssize) text->len);

      import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
      g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, record_progress, seen, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (siyu_import_get_counts (import)->orders_created, ==, scattered ? 10000 : 20000);

      g_assert_cmpuint (seen->len, >, 4);
      for (guint i = 0; i < seen->len; i++)
        {
          double f = g_array_index (seen, double, i);

          g_assert_cmpfloat (f, >, 0);
          g_assert_cmpfloat (f, <=, 1);
          if (i > 0)
            g_assert_cmpfloat (f, >=, g_array_index (seen, double, i - 1));
        }
      /* A report every 4,096 rows: 20,000 rows read once are four, then
       * the end.  Scattered, C0 comes again at row 10,001: two reports of
       * the first reading, four of setting the 20,000 lines aside, four of
       * importing them, then the end. */
      g_assert_cmpuint (seen->len, ==, scattered ? 11 : 5);
      if (scattered)
        {
          floor = g_array_index (seen, double, 1);
          g_assert_cmpfloat (floor, >, 0.3);
          g_assert_cmpfloat (floor, <, 0.5);
          g_assert_cmpfloat (g_array_index (seen, double, 5), <, floor + (1 - floor) / 2);
          g_assert_cmpfloat (g_array_index (seen, double, 6), >, floor + (1 - floor) / 2);
        }
      g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), ==, 1.0);
    }
}

/* An import of more than 10,000 lines into a smaller shop drops the
 * indexes of what it writes and makes them again at the end.  Whether the
 * lines are imported as read (the choice made at line 10,000) or set
 * aside first (a file read again), it stores exactly what two smaller
 * imports of the same lines store, leaves the shop's schema as it was,
 * and counts every row it inserted in the data version. */
static void
test_large (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *together = g_build_filename (dir, "together.csv", NULL);
  g_autofree char *apart = g_build_filename (dir, "apart.csv", NULL);
  g_autofree char *first = g_build_filename (dir, "first.csv", NULL);
  g_autofree char *second = g_build_filename (dir, "second.csv", NULL);
  g_autoptr(GString) all = g_string_new (ORDERS_HEADER);
  g_autoptr(GString) thirds = g_string_new (NULL);
  g_autoptr(GString) text = g_string_new (ORDERS_HEADER);
  g_autoptr(SiyuShop) fresh = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *expected = NULL;
  const char *files[][2] = { { together, NULL }, { apart, NULL }, { first, second } };

  /* 4,000 orders of three lines, bought by 1,500 phones. */
  for (guint i = 0; i < 4000; i++)
    for (guint line = 0; line < 3; line++)
      {
        g_autofree char *row = g_strdup_printf ("L%u,2025-%02u-%02u %02u:%02u,paid,1390000%04u,T%u,Tea %u,%u,%u.%02u\n",
                                                i, 1 + i / 400, 1 + i % 28, i % 24, i % 60, i % 1500,
                                                (i + line) % 40, (i + line) % 40, 1 + line, 5 + line, i % 100);

        g_string_append (all, row);
        g_string_append (line < 2 ? text : thirds, row);
        if (i == 2999 && line == 2)
          {
            write_bytes (first, all->str, (gssize) all->len);
            g_string_truncate (all, strlen (ORDERS_HEADER));
          }
      }
  write_bytes (second, all->str, (gssize) all->len);
  g_string_append (text, thirds->str);
  write_bytes (apart, text->str, (gssize) text->len);
  g_string_assign (text, ORDERS_HEADER);
  {
    g_autofree char *first_text = NULL;
    g_autofree char *second_text = NULL;

    g_assert_true (g_file_get_contents (first, &first_text, NULL, NULL));
    g_assert_true (g_file_get_contents (second, &second_text, NULL, NULL));
    g_string_assign (text, first_text);
    g_string_append (text, second_text + strlen (ORDERS_HEADER));
    write_bytes (together, text->str, (gssize) text->len);
  }

  {
    g_autofree char *sub = g_build_filename (dir, "fresh", NULL);

    g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
    fresh = siyu_test_new_shop (sub, NULL);
  }
  schema = query (fresh, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name");

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *name = g_strdup_printf ("shop%u", f);
      g_autofree char *sub = g_build_filename (dir, name, NULL);
      g_autoptr(SiyuShop) shop = (g_mkdir (sub, 0700), siyu_test_new_shop (sub, NULL));
      g_autofree char *stored = NULL;
      g_autofree char *after = NULL;
      g_autofree char *check = NULL;
      gint64 version = siyu_db_query_int (siyu_shop_get_db (shop), "SELECT data FROM data_version", NULL);
      gint64 rows;

      for (guint k = 0; k < 2 && files[f][k] != NULL; k++)
        {
          g_autoptr(SiyuImport) import = siyu_import_new (shop, files[f][k], SIYU_IMPORT_ORDERS);
          g_autoptr(GError) error = NULL;

          g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (siyu_import_get_counts (import)->orders_created, ==, k == 0 && files[f][1] != NULL ? 3000 : f == 2 ? 1000 : 4000);
        }

      stored = dump (shop);
      if (expected == NULL)
        expected = g_strdup (stored);
      g_assert_cmpstr (stored, ==, expected);

      after = query (shop, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name");
      g_assert_cmpstr (after, ==, schema);
      check = query (shop, "PRAGMA integrity_check");
      g_assert_cmpstr (check, ==, "ok\n");

      /* Each inserted contact, order and line, and nothing else: the
       * mapping remembered is no figure's. */
      rows = siyu_db_query_int (siyu_shop_get_db (shop),
                                "SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM orders) "
                                "  + (SELECT count(*) FROM order_items)", NULL);
      g_assert_cmpint (rows, ==, 1500 + 4000 + 12000);
      g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT data FROM data_version", NULL) - version,
                       ==, rows);
    }
}

#define AGAIN \
  ORDERS_HEADER \
  "A1,2025-03-01 10:00,paid,13800138000,T1,Tea,1,10\n" \
  "A1,2025-03-01 10:00,paid,13800138000,C1,Cup,2,5\n" \
  "A2,2025-03-02 10:00,paid,13900139000,T1,Tea,1,10\n" \
  "A3,2025-03-03 10:00,paid,,T1,Tea,1,10\n" \
  "A4,2025-03-04 10:00,paid,13700137000,T1,Tea,1,10\n" \
  "A4,2025-03-04 10:00,paid,13700137000,T1,Tea,1,10\n"

static const SiyuImportCounts *
import_again (SiyuShop    *shop,
              const char  *path,
              const char  *consent_given,
              SiyuImport **import)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (import);
  *import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  siyu_import_set_consent_given (*import, consent_given);
  g_assert_true (siyu_import_run (*import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return siyu_import_get_counts (*import);
}

/* An order keeps a digest of the lines it was read from, and the same
 * lines again leave it as it is, unread: importing a file again changes
 * nothing.  Only an order read without a warning keeps one (A4 has a
 * repeated line), another way of reading the lines is another digest,
 * and any other change to the order lets go of it. */
static void
test_again (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *path = g_build_filename (dir, "orders.csv", NULL);
  g_autoptr(SiyuImport) import = NULL;
  SiyuDb *db = siyu_shop_get_db (shop);
  const SiyuImportCounts *counts;
  g_autofree char *first = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *other = NULL;
  g_autofree char *stale = NULL;
  g_autoptr(GString) changed = g_string_new (AGAIN);
  gint64 version;

  write_bytes (path, AGAIN, -1);
  counts = import_again (shop, path, NULL, &import);
  g_assert_cmpuint (counts->orders_created, ==, 4);
  g_assert_cmpuint (counts->lines_repeated, ==, 1);
  kept = query (shop, "SELECT external_ref, import_digest IS NOT NULL FROM orders ORDER BY id");
  g_assert_cmpstr (kept, ==, "A1|1\nA2|1\nA3|1\nA4|0\n");
  first = query (shop, "SELECT import_digest FROM orders WHERE external_ref IN ('A1', 'A3') ORDER BY id");

  /* Read with consent vouched for, the same lines are read again, and
   * keep that reading's digest. */
  counts = import_again (shop, path, "shop counter", &import);
  g_assert_cmpuint (counts->orders_unchanged, ==, 4);
  other = query (shop, "SELECT import_digest FROM orders WHERE external_ref IN ('A1', 'A3') ORDER BY id");
  g_assert_cmpstr (other, !=, first);
  version = siyu_db_query_int (db, "SELECT data FROM data_version", NULL);

  /* The owner took a phone off a customer: the lines that named it are
   * not read again, so it does not come back as a new customer. */
  g_assert_true (siyu_db_exec (db, "DELETE FROM contact_identities WHERE contact_id = "
                                   "  (SELECT contact_id FROM orders WHERE external_ref = 'A2')", NULL));
  counts = import_again (shop, path, "shop counter", &import);
  g_assert_cmpuint (counts->rows, ==, 6);
  g_assert_cmpuint (counts->orders_created, ==, 0);
  g_assert_cmpuint (counts->orders_updated, ==, 0);
  g_assert_cmpuint (counts->orders_unchanged, ==, 4);
  g_assert_cmpuint (counts->contacts_created, ==, 0);
  g_assert_cmpuint (counts->contacts_matched, ==, 3);
  g_assert_cmpuint (counts->lines_repeated, ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count(*) FROM contacts", NULL), ==, 3);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT data FROM data_version", NULL), ==, version);

  /* A change made otherwise lets go of the digest: the next import reads
   * the order, and puts back what its lines say. */
  g_assert_true (siyu_db_exec (db, "UPDATE orders SET status = 'cancelled' WHERE external_ref = 'A3'", NULL));
  stale = query (shop, "SELECT external_ref FROM orders WHERE import_digest IS NULL ORDER BY id");
  g_assert_cmpstr (stale, ==, "A3\nA4\n");
  counts = import_again (shop, path, "shop counter", &import);
  g_assert_cmpuint (counts->orders_updated, ==, 1);
  g_assert_cmpuint (counts->orders_unchanged, ==, 3);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count(*) FROM orders WHERE status = 'paid'", NULL), ==, 4);
  g_clear_pointer (&stale, g_free);
  stale = query (shop, "SELECT external_ref FROM orders WHERE import_digest IS NULL ORDER BY id");
  g_assert_cmpstr (stale, ==, "A4\n");

  /* A line that says something else is read. */
  g_string_replace (changed, "A1,2025-03-01 10:00,paid,13800138000,C1,Cup,2,5", "A1,2025-03-01 10:00,paid,13800138000,C1,Cup,2,6", 1);
  write_bytes (path, changed->str, (gssize) changed->len);
  counts = import_again (shop, path, "shop counter", &import);
  g_assert_cmpuint (counts->orders_updated, ==, 1);
  g_assert_cmpuint (counts->orders_unchanged, ==, 3);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT total_amount FROM orders WHERE external_ref = 'A1'", NULL), ==, 2200);
  counts = import_again (shop, path, "shop counter", &import);
  g_assert_cmpuint (counts->orders_updated, ==, 0);
  g_assert_cmpuint (counts->orders_unchanged, ==, 4);

  /* The digest is no figure's: keeping it is not counted in the data
   * version; a change to the order is, and lets go of it. */
  version = siyu_db_query_int (db, "SELECT data FROM data_version", NULL);
  g_assert_true (siyu_db_exec (db, "UPDATE orders SET import_digest = 5 WHERE external_ref = 'A4'", NULL));
  g_assert_cmpint (siyu_db_query_int (db, "SELECT data FROM data_version", NULL), ==, version);
  g_assert_true (siyu_db_exec (db, "UPDATE orders SET total_amount = 900 WHERE external_ref = 'A4'", NULL));
  g_assert_cmpint (siyu_db_query_int (db, "SELECT data FROM data_version", NULL), ==, version + 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count(*) FROM orders WHERE import_digest IS NULL", NULL), ==, 1);
}

#define MIXED \
  ORDERS_HEADER \
  "M1,2025-03-01 10:00,paid,13800138000,T1,Tea,1,10\n" \
  "M2,2025-03-02 10:00,paid,13900139000,T1,Tea,1,10\n" \
  "M2,2025-03-02 10:00,paid,13900139000,T2,Cup,x,5\n" \
  "M3,2025-03-03 10:00,paid,13700137000,T2,Cup,2,\"5,00\"\n"

static void
run_dry (SiyuShop   *shop,
         const char *dir,
         gpointer    unused)
{
  g_autofree char *path = g_build_filename (dir, "mixed.csv", NULL);
  g_autofree char *valid = g_build_filename (dir, "valid.csv", NULL);
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes (valid, "order_ref,created_at,status,phone,channel,sku,product_name,quantity,unit_price\n"
                      "V1,2025-03-01 10:00,paid,13800138000,南山门店,T1,Tea,1,10\n"
                      "S-0001,2025-03-10 11:00:00,paid,13800138000,南山门店,LJ-250,西湖龙井 明前特级,1,1288\n", -1);
  import = import_file (shop, valid, SIYU_IMPORT_ORDERS, SIYU_IMPORT_DRY_RUN, &error);
  g_assert_no_error (error);
  assert_counts (import, 2, 0, 2, 1, 0, 1, 1);
  g_clear_object (&import);

  /* All or nothing, with a row in error: nothing. */
  write_bytes (path, MIXED, -1);
  import = import_file (shop, path, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_REJECTED);
  g_assert_cmpuint (siyu_import_get_counts (import)->rows_rejected, ==, 1);
  g_assert_cmpuint (siyu_import_get_counts (import)->orders_created, ==, 3);
}

static void
test_dry_run (void)
{
  assert_untouched (run_dry, NULL);
}

static void
test_reject_file (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *path = g_build_filename (dir, "mixed.csv", NULL);
  g_autofree char *rejects = g_build_filename (dir, "mixed-rejected.csv", NULL);
  g_autofree char *part = g_strconcat (rejects, ".part", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes (path, MIXED, -1);
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_VALID_ROWS, rejects, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_counts (import, 4, 3, 0, 3, 0, 0, 3);
  g_assert_cmpuint (siyu_import_get_counts (import)->rows_rejected, ==, 1);
  g_assert_cmpuint (siyu_import_get_counts (import)->lines_kept_beside_rejected, ==, 1);
  g_assert_cmpuint (siyu_import_get_n_problems (import), ==, 1);
  g_assert_cmpuint (siyu_import_get_problem (import, 0)->row, ==, 4);
  g_assert_cmpstr (siyu_import_get_problem (import, 0)->column, ==, "quantity");

  /* One bad line no longer costs its order the good one: M2 is its tea. */
  assert_query (shop, "SELECT external_ref, total_amount, item_count FROM orders ORDER BY id",
                "M1|1000|1\nM2|1000|1\nM3|1000|1\n");
  g_assert_true (g_file_get_contents (rejects, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "\xef\xbb\xbf" "\"order_ref\",\"created_at\",\"status\",\"phone\",\"sku\",\"product_name\","
                   "\"quantity\",\"unit_price\",\"Problem\"\r\n"
                   "\"M2\",\"2025-03-02 10:00\",\"paid\",\"13900139000\",\"T2\",\"Cup\",\"x\",\"5\","
                   "\"“x” is not a whole number: it has letters or signs that are not part of a number.\"\r\n");
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

/* One row's e-mail is another customer's: reported, not merged. */
static void
test_conflict (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *first = g_build_filename (dir, "customers.csv", NULL);
  g_autofree char *second = g_build_filename (dir, "orders.csv", NULL);
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;

  write_bytes (first, "name,phone,email\n王芳,13800138000,\n李雷,,lilei@example.com\n", -1);
  g_object_unref (import_file (shop, first, SIYU_IMPORT_CUSTOMERS, SIYU_IMPORT_ALL_OR_NOTHING, &error));
  g_assert_no_error (error);

  write_bytes (second, "order_ref,created_at,status,phone,email,product_name,unit_price\n"
                       "X1,2025-03-01,paid,13800138000,lilei@example.com,Tea,10\n", -1);
  import = import_file (shop, second, SIYU_IMPORT_ORDERS, SIYU_IMPORT_ALL_OR_NOTHING, &error);
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_REJECTED);
  g_assert_cmpuint (siyu_import_get_n_problems (import), ==, 1);
  g_assert_null (siyu_import_get_problem (import, 0)->column);
  g_assert_cmpstr (siyu_import_get_problem (import, 0)->message, ==,
                   "The e-mail address “lilei@example.com” belongs to another customer than the rest of this row; the two were not merged.");
  assert_query (shop, "SELECT count (*) FROM orders", "0\n");
  assert_query (shop, "SELECT count (*) FROM contacts", "2\n");
}

static void
test_fields_and_presets (void)
{
  g_auto(GStrv) presets = siyu_import_list_presets (SIYU_IMPORT_ORDERS);
  g_autofree char *title = NULL;
  SiyuImportKind kind;

  g_assert_cmpstrv (presets, ((const char * const[]) { "canonical-orders", "shopify-orders", "taobao-orders",
                                                        "woocommerce-orders", "youzan-orders", NULL }));
  g_clear_pointer (&presets, g_strfreev);
  presets = siyu_import_list_presets (SIYU_IMPORT_CUSTOMERS);
  g_assert_cmpstrv (presets, ((const char * const[]) { "canonical-customers", "shopify-customers",
                                                        "youzan-customers", NULL }));

  title = siyu_import_preset_title ("taobao-orders");
  g_assert_cmpstr (title, ==, "Taobao/Tmall seller orders");
  g_assert_null (siyu_import_preset_title ("words"));
  g_assert_null (siyu_import_preset_title ("../presets/youzan-orders"));

  g_assert_cmpstrv (siyu_import_list_fields (SIYU_IMPORT_EVENTS),
                    ((const char * const[]) { "customer_id", "phone", "name", "email", "wechat_id", "channel",
                                              "event_kind", "occurred_at", "detail", NULL }));
  g_assert_true (siyu_import_field_is_required (SIYU_IMPORT_ORDERS, "order_ref"));
  g_assert_false (siyu_import_field_is_required (SIYU_IMPORT_ORDERS, "sku"));
  g_assert_false (siyu_import_field_is_required (SIYU_IMPORT_CUSTOMERS, "created_at"));
  g_assert_cmpstr (siyu_import_field_title ("refunded_amount"), ==, "Refunded amount");
  g_assert_null (siyu_import_field_title ("colour"));

  g_assert_true (siyu_import_kind_from_string ("groups", &kind));
  g_assert_cmpint (kind, ==, SIYU_IMPORT_GROUPS);
  g_assert_false (siyu_import_kind_from_string ("contacts", &kind));
  g_assert_cmpstr (siyu_import_kind_to_string (SIYU_IMPORT_EVENTS), ==, "events");
}

static void
test_cli (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *shop = g_build_filename (dir, "cli.siyu", NULL);
  g_autofree char *youzan = fixture ("youzan-orders.csv");
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *rejects = g_build_filename (dir, "rejected.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *counts;

  g_assert_cmpint (siyu_test_run_cli (NULL, NULL, "create", "--db", shop, "--name", "CLI", NULL), ==, 0);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--json", "--no-recompute", youzan, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "preset"), ==, "youzan-orders");
  g_assert_true (json_object_get_boolean_member (root, "stored"));
  counts = json_object_get_object_member (root, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "orders_created"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (counts, "contacts_created"), ==, 4);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "errors")), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Again, and the figures are recomputed. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, youzan, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Orders: 0 new, 0 updated, 5 unchanged (0 lines)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  write_bytes (bad, "order_ref,created_at,status,product_name,unit_price\nB1,2025-03-01,paid,Tea,10\nB2,2025-02-30,paid,Tea,10\n", -1);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--dry-run", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "bad.csv, row 3, column “created_at”: “2025-02-30” is not a time: that day does not exist."));
  g_assert_nonnull (strstr (out, "Dry run: nothing was stored."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--json", bad, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "\"stored\" : false"));
  g_assert_nonnull (strstr (out, "\"row\" : 3"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--no-recompute",
                                      "--reject-file", rejects, bad, NULL), ==, 1);
  g_assert_true (g_file_test (rejects, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--no-recompute", "--map",
                                      "order_ref=product_name", "--json", bad, NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--preset", "jd-orders", bad, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "There is no preset “jd-orders”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--kind", "people", bad, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop, "--map", "sku", bad, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--kind", "customers", "--list-presets", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "youzan-customers"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/import/fields-and-presets", test_fields_and_presets);
  g_test_add_func ("/siyu/import/chinese-platforms", test_chinese_platforms);
  g_test_add_func ("/siyu/import/shopify", test_shopify);
  g_test_add_func ("/siyu/import/woocommerce", test_woocommerce);
  g_test_add_func ("/siyu/import/later-status", test_later_status);
  g_test_add_func ("/siyu/import/xlsx", test_xlsx);
  g_test_add_func ("/siyu/import/mapping-remembered", test_mapping_remembered);
  g_test_add_func ("/siyu/import/bad-input", test_bad_input);
  g_test_add_func ("/siyu/import/bad-files", test_bad_files);
  g_test_add_func ("/siyu/import/cancel", test_cancel);
  g_test_add_func ("/siyu/import/late-problem", test_late_problem);
  g_test_add_func ("/siyu/import/progress", test_progress);
  g_test_add_func ("/siyu/import/large", test_large);
  g_test_add_func ("/siyu/import/again", test_again);
  g_test_add_func ("/siyu/import/dry-run", test_dry_run);
  g_test_add_func ("/siyu/import/reject-file", test_reject_file);
  g_test_add_func ("/siyu/import/conflict", test_conflict);
  g_test_add_func ("/siyu/import/cli", test_cli);

  return g_test_run ();
}
