/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "siyu-ingest.h"
#include "siyu-orders.h"
#include "siyu-segments.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* The orders list: counting and reading a block, by search, channel,
 * status and days, and one order described whole. */

typedef struct {
  char     *dir;
  SiyuShop *shop;
  gint64    a2;
} Fixture;

static gint64
add_contact (SiyuIngest *ingest,
             const char *name,
             const char *phone,
             gint64      seen)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = { .name = name, .phone = phone, .seen_at = seen, .consent = -1, .do_not_contact = -1 };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
add_order (Fixture                   *f,
           SiyuIngest                *ingest,
           gint64                     channel,
           const char                *ref,
           gint64                     contact,
           const char                *when,
           const char                *status,
           const SiyuOrderItemRecord *items,
           guint                      n_items,
           gint64                     refunded)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = status,
    .created_at = siyu_test_time (f->shop, when), .currency = "CNY", .refunded_amount = refunded,
    .items = items, .n_items = n_items,
  };
  gint64 id;

  for (guint i = 0; i < n_items; i++)
    record.total_amount += items[i].line_total;
  id = siyu_ingest_order (ingest, &record, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

/* Five orders in two channels, newest first: S2 (a guest, a line without
 * SKU), S1 (refunded, at midnight starting 11 March), A2 (partly
 * refunded, a second before), A1, B7 (cancelled, in February). */
static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuIngest) ingest = NULL;
  const SiyuOrderItemRecord longjing2 = { "LJ-250", "龙井", 2, 12880, 25760 };
  const SiyuOrderItemRecord longjing1 = { "LJ-250", "龙井", 1, 12880, 12880 };
  const SiyuOrderItemRecord tea_and_cup[] = {
    { "BJ-100", "白茶", 1, 5000, 5000 },
    { "CUP-1", "玻璃杯", 2, 1000, 2000 },
  };
  const SiyuOrderItemRecord brewed = { NULL, "现泡茶", 1, 1800, 1800 };
  gint64 shop, store, wang, li, zhao, s1;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, NULL);
  ingest = siyu_ingest_new (f->shop);
  shop = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  store = siyu_ingest_channel (ingest, "offline_store", "静安门店", NULL, &error);
  g_assert_no_error (error);
  wang = add_contact (ingest, "王芳", "13800138000", siyu_test_time (f->shop, "2026-01-01 10:00:00"));
  li = add_contact (ingest, "李雷", "13912345678", siyu_test_time (f->shop, "2026-01-01 10:00:00"));
  zhao = add_contact (ingest, "赵敏", "13600136000", siyu_test_time (f->shop, "2026-01-01 10:00:00"));

  add_order (f, ingest, shop, "A1", wang, "2026-03-01 09:00:00", "paid", &longjing2, 1, 0);
  f->a2 = add_order (f, ingest, shop, "A2", li, "2026-03-10 23:59:59", "partially_refunded", tea_and_cup, 2, 0);
  g_assert_true (siyu_ingest_refund (ingest, f->a2, "R1", 1000, siyu_test_time (f->shop, "2026-03-12 10:00:00"),
                                     "少发一个杯子", &error));
  g_assert_true (siyu_ingest_refund (ingest, f->a2, "R2", 500, siyu_test_time (f->shop, "2026-03-13 10:00:00"),
                                     NULL, &error));
  s1 = add_order (f, ingest, store, "S1", wang, "2026-03-11 00:00:00", "refunded", &longjing1, 1, 12880);
  g_assert_cmpint (s1, >, 0);
  add_order (f, ingest, store, "S2", 0, "2026-03-20 15:00:00", "paid", &brewed, 1, 0);
  add_order (f, ingest, shop, "B7", zhao, "2026-02-28 23:00:00", "cancelled", &longjing1, 1, 0);
  g_assert_no_error (error);
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  g_clear_object (&f->shop);
  g_clear_pointer (&f->dir, g_free);
}

static SiyuDay
day (const char *text)
{
  SiyuDay d;

  g_assert_true (siyu_day_parse (text, &d));
  return d;
}

/* The references of the orders @filter lets through, newest first, after
 * checking that the count agrees. */
static char *
references (SiyuShop              *shop,
            const SiyuOrderFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = siyu_orders_read (shop, filter, 0, 100, &error);
  GString *text = g_string_new (NULL);
  guint count = G_MAXUINT;

  g_assert_no_error (error);
  g_assert_true (siyu_orders_count (shop, filter, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const SiyuOrderSummary *row = g_ptr_array_index (rows, i);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", row->reference);
    }

  return g_string_free (text, FALSE);
}

static void
assert_found (SiyuShop              *shop,
              const SiyuOrderFilter *filter,
              const char            *expected)
{
  g_autofree char *found = references (shop, filter);

  g_assert_cmpstr (found, ==, expected);
}

static void
assert_search (SiyuShop   *shop,
               const char *search,
               const char *expected)
{
  SiyuOrderFilter filter;

  siyu_order_filter_init (&filter);
  filter.search = search;
  assert_found (shop, &filter, expected);
}

static void
test_read (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const SiyuOrderSummary *row;
  guint count = 0;

  g_assert_true (siyu_orders_count (f->shop, NULL, &count, &error));
  g_assert_cmpuint (count, ==, 5);
  assert_found (f->shop, NULL, "S2 S1 A2 A1 B7");

  /* A block from the middle. */
  rows = siyu_orders_read (f->shop, NULL, 1, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  row = g_ptr_array_index (rows, 1);
  g_assert_cmpint (row->id, ==, f->a2);
  g_assert_cmpstr (row->reference, ==, "A2");
  g_assert_cmpint (row->created_at, ==, siyu_test_time (f->shop, "2026-03-10 23:59:59"));
  g_assert_cmpstr (row->channel, ==, "微店");
  g_assert_cmpstr (row->status, ==, "partially_refunded");
  g_assert_cmpint (row->total, ==, 7000);
  g_assert_cmpint (row->refunded, ==, 1500);
  g_assert_cmpstr (row->currency, ==, "CNY");
  g_assert_cmpint (row->contact_id, ==, 2);
  g_assert_cmpstr (row->contact_name, ==, "李雷");
  g_assert_cmpstr (row->phone, ==, "139****5678");
  g_assert_cmpuint (row->n_lines, ==, 2);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->reference, ==, "S1");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The guest's order has no customer. */
  rows = siyu_orders_read (f->shop, NULL, 0, 1, &error);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->reference, ==, "S2");
  g_assert_cmpint (row->contact_id, ==, 0);
  g_assert_null (row->contact_name);
  g_assert_null (row->phone);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Past the end. */
  rows = siyu_orders_read (f->shop, NULL, 5, 64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  /* A part of the order number, in either case. */
  assert_search (f->shop, "A", "A2 A1");
  assert_search (f->shop, "s1", "S1");
  assert_search (f->shop, "  B7 ", "B7");
  /* Digits of the customer's phone, as they are written. */
  assert_search (f->shop, "8000", "S1 A1");
  assert_search (f->shop, "5678", "A2");
  assert_search (f->shop, "138 0013 8000", "S1 A1");
  assert_search (f->shop, "+86 139-1234-5678", "A2");
  /* A product's name or SKU, or a line's name without a product. */
  assert_search (f->shop, "龙井", "S1 A1 B7");
  assert_search (f->shop, "cup", "A2");
  assert_search (f->shop, "现泡", "S2");
  /* LIKE's wildcards and FTS5's syntax are searched for as written. */
  assert_search (f->shop, "%", "");
  assert_search (f->shop, "_", "");
  assert_search (f->shop, "\"*( NEAR", "");
  assert_search (f->shop, "99999", "");
  assert_search (f->shop, "", "S2 S1 A2 A1 B7");
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderFilter filter;
  guint count = 0;

  siyu_order_filter_init (&filter);
  filter.channel_id = 2;
  assert_found (f->shop, &filter, "S2 S1");

  siyu_order_filter_init (&filter);
  filter.status = "paid";
  assert_found (f->shop, &filter, "S2 A1");
  filter.status = "cancelled";
  assert_found (f->shop, &filter, "B7");

  /* Days in the shop's time zone, both ends included. */
  siyu_order_filter_init (&filter);
  filter.from = filter.to = day ("2026-03-10");
  assert_found (f->shop, &filter, "A2");
  filter.from = day ("2026-03-11");
  filter.to = SIYU_DAY_INVALID;
  assert_found (f->shop, &filter, "S2 S1");
  filter.from = SIYU_DAY_INVALID;
  filter.to = day ("2026-02-28");
  assert_found (f->shop, &filter, "B7");
  filter.from = day ("2026-03-01");
  filter.to = day ("2026-03-11");
  assert_found (f->shop, &filter, "S1 A2 A1");

  /* Everything together. */
  filter.channel_id = 1;
  filter.status = "paid";
  filter.search = "8000";
  assert_found (f->shop, &filter, "A1");
  filter.channel_id = 2;
  assert_found (f->shop, &filter, "");

  siyu_order_filter_init (&filter);
  filter.status = "shipped";
  g_assert_false (siyu_orders_count (f->shop, &filter, &count, &error));
  g_assert_error (error, SIYU_ORDERS_ERROR, SIYU_ORDERS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (siyu_orders_read (f->shop, &filter, 0, 10, &error));
  g_assert_error (error, SIYU_ORDERS_ERROR, SIYU_ORDERS_ERROR_INVALID);
}

static void
test_describe (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) order = siyu_order_describe (f->shop, f->a2, &error);
  g_autoptr(JsonNode) guest = NULL;
  g_autoptr(JsonNode) channels = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  JsonObject *header;

  g_assert_no_error (error);
  header = json_object_get_object_member (json_node_get_object (order), "header");
  /* updated_at is the time of the import. */
  json_object_remove_member (header, "updated_at");
  text = json_to_string (order, FALSE);
  expected = g_strdup_printf ("{\"header\":{\"id\":%" G_GINT64_FORMAT ",\"reference\":\"A2\",\"channel_id\":1,"
                              "\"channel\":\"微店\",\"channel_kind\":\"online_shop\",\"status\":\"partially_refunded\","
                              "\"created_at\":%" G_GINT64_FORMAT ",\"currency\":\"CNY\",\"total\":7000,"
                              "\"refunded\":1500,\"net\":5500,\"discount_amount\":0,\"shipping_amount\":0,\"tax_amount\":0},"
                              "\"customer\":{\"id\":2,\"name\":\"李雷\",\"phone\":\"+8613912345678\",\"email\":null,"
                              "\"wechat_id\":null,\"erased\":false},"
                              "\"lines\":[{\"sku\":\"BJ-100\",\"name\":\"白茶\",\"quantity\":1,\"unit_price\":5000,"
                              "\"line_total\":5000,\"product_id\":2},"
                              "{\"sku\":\"CUP-1\",\"name\":\"玻璃杯\",\"quantity\":2,\"unit_price\":1000,"
                              "\"line_total\":2000,\"product_id\":3}],"
                              "\"refunds\":[{\"reference\":\"R1\",\"amount\":1000,\"created_at\":%" G_GINT64_FORMAT ","
                              "\"reason\":\"少发一个杯子\"},"
                              "{\"reference\":\"R2\",\"amount\":500,\"created_at\":%" G_GINT64_FORMAT ",\"reason\":null}]}",
                              f->a2, siyu_test_time (f->shop, "2026-03-10 23:59:59"),
                              siyu_test_time (f->shop, "2026-03-12 10:00:00"),
                              siyu_test_time (f->shop, "2026-03-13 10:00:00"));
  g_assert_cmpstr (text, ==, expected);

  /* A guest's order: no customer, a line without a product, no refunds. */
  guest = siyu_order_describe (f->shop, 4, &error);
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = json_to_string (json_object_get_member (json_node_get_object (guest), "customer"), FALSE);
  g_assert_cmpstr (text, ==, "null");
  g_clear_pointer (&text, g_free);
  text = json_to_string (json_object_get_member (json_node_get_object (guest), "lines"), FALSE);
  g_assert_cmpstr (text, ==, "[{\"sku\":null,\"name\":\"现泡茶\",\"quantity\":1,\"unit_price\":1800,"
                             "\"line_total\":1800,\"product_id\":null}]");
  g_clear_pointer (&text, g_free);
  text = json_to_string (json_object_get_member (json_node_get_object (guest), "refunds"), FALSE);
  g_assert_cmpstr (text, ==, "[]");

  missing = siyu_order_describe (f->shop, 99, &error);
  g_assert_null (missing);
  g_assert_error (error, SIYU_ORDERS_ERROR, SIYU_ORDERS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  channels = siyu_order_channels (f->shop, &error);
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = json_to_string (channels, FALSE);
  g_assert_cmpstr (text, ==, "[{\"id\":1,\"name\":\"微店\",\"kind\":\"online_shop\"},"
                             "{\"id\":2,\"name\":\"静安门店\",\"kind\":\"offline_store\"}]");
}

static void
test_statuses (void)
{
  const char * const *statuses = siyu_order_statuses ();

  g_assert_cmpuint (g_strv_length ((char **) statuses), ==, 5);
  for (guint i = 0; statuses[i] != NULL; i++)
    g_assert_true (siyu_order_status_is_valid (statuses[i]));
  g_assert_cmpstr (siyu_order_status_get_label ("partially_refunded"), ==, "Partly refunded");
  g_assert_cmpstr (siyu_order_status_get_label ("shipped"), ==, "shipped");
}

/* Names Siyu gives things itself are shown in the owner's language; the
 * owner's own names are shown as written. */
static void
test_own_names_translated (void)
{
  g_autofree char *language = g_strdup (g_getenv ("LANGUAGE"));

  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SIYU_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  g_assert_cmpstr (siyu_channel_get_label (SIYU_IMPORTED_CHANNEL_NAME), ==, "导入的订单");
  g_assert_cmpstr (siyu_channel_get_label ("微店"), ==, "微店");
  g_assert_cmpstr (siyu_segment_get_title ("Dormant high spenders"), ==, "沉睡的高消费客户");
  g_assert_cmpstr (siyu_segment_get_title ("上海老客"), ==, "上海老客");
  g_assert_null (siyu_segment_get_title (NULL));
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/siyu/orders/read", Fixture, NULL, set_up, test_read, tear_down);
  g_test_add ("/siyu/orders/search", Fixture, NULL, set_up, test_search, tear_down);
  g_test_add ("/siyu/orders/filters", Fixture, NULL, set_up, test_filters, tear_down);
  g_test_add ("/siyu/orders/describe", Fixture, NULL, set_up, test_describe, tear_down);
  g_test_add_func ("/siyu/orders/statuses", test_statuses);
  g_test_add_func ("/siyu/orders/own-names-translated", test_own_names_translated);

  return g_test_run ();
}
