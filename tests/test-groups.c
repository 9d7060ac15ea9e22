/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-groups.h"
#include "siyu-ingest.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* Community groups and their figures, and the orders list. */

typedef struct {
  char     *dir;
  SiyuShop *shop;
  gint64    wang, li, zhao;
} Fixture;

static gint64
add (SiyuIngest *ingest,
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

static void
order (Fixture    *f,
       SiyuIngest *ingest,
       gint64      channel,
       const char *ref,
       gint64      contact,
       const char *when,
       const char *status,
       gint64      total,
       gint64      refunded)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { "LJ-250", "龙井", 1, total, total };
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = status,
    .created_at = siyu_test_time (f->shop, when), .currency = "CNY", .total_amount = total,
    .refunded_amount = refunded, .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &record, NULL, &error), >, 0);
}

static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuIngest) ingest = NULL;
  gint64 channel, group;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, NULL);
  ingest = siyu_ingest_new (f->shop);
  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  f->wang = add (ingest, "王芳", "13800138000", siyu_test_time (f->shop, "2026-01-01 10:00:00"));
  f->li = add (ingest, "李雷", "13912345678", siyu_test_time (f->shop, "2026-01-01 10:00:00"));
  f->zhao = add (ingest, "赵敏", "13600136000", siyu_test_time (f->shop, "2026-01-01 10:00:00"));

  group = siyu_ingest_group (ingest, "龙井老客群", "wecom", 1, &error);
  /* 王芳 since January; 李雷 joined on 1 March and left on 20 March at
   * midnight; 赵敏 joined at the last second of 31 March. */
  g_assert_true (siyu_ingest_group_member (ingest, group, f->wang, "owner",
                                           siyu_test_time (f->shop, "2026-01-02 10:00:00"), 0, &error));
  g_assert_true (siyu_ingest_group_member (ingest, group, f->li, NULL,
                                           siyu_test_time (f->shop, "2026-03-01 00:00:00"),
                                           siyu_test_time (f->shop, "2026-03-20 00:00:00"), &error));
  g_assert_true (siyu_ingest_group_member (ingest, group, f->zhao, NULL,
                                           siyu_test_time (f->shop, "2026-03-31 23:59:59"), 0, &error));
  g_assert_cmpint (siyu_ingest_group (ingest, "新客福利群", "wechat", 1, &error), >, 0);

  /* In the 30 days ending 31 March: 王芳 twice (one partly refunded),
   * 赵敏 once, refunded in full; 李雷 buys but has left. */
  order (f, ingest, channel, "A1", f->wang, "2026-03-02 00:00:00", "paid", 10000, 0);
  order (f, ingest, channel, "A2", f->wang, "2026-03-25 12:00:00", "partially_refunded", 5000, 1500);
  order (f, ingest, channel, "A3", f->zhao, "2026-03-31 20:00:00", "refunded", 8000, 8000);
  order (f, ingest, channel, "A4", f->li, "2026-03-30 09:00:00", "paid", 7000, 0);
  order (f, ingest, channel, "A0", f->wang, "2026-03-01 23:59:59", "paid", 99900, 0);
  g_assert_no_error (error);
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  g_clear_object (&f->shop);
  g_clear_pointer (&f->dir, g_free);
}

static char *
to_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static SiyuDay
day (const char *text)
{
  SiyuDay d;

  g_assert_true (siyu_day_parse (text, &d));
  return d;
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) march = siyu_groups_list (f->shop, day ("2026-03-31"), &error);
  g_autoptr(JsonNode) april = siyu_groups_list (f->shop, day ("2026-04-01"), &error);
  g_autoptr(JsonNode) before = siyu_groups_list (f->shop, day ("2026-03-30"), &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = to_text (march);
  /* Net 10000 + 3500; A0 is a day too early, A3 refunded, A4 by one who left. */
  g_assert_cmpstr (text, ==,
                   "[{\"id\":2,\"name\":\"新客福利群\",\"kind\":\"wechat\",\"archived\":false,\"members\":0,"
                   "\"joins\":0,\"leaves\":0,\"buyers\":0,\"net_sales\":0},"
                   "{\"id\":1,\"name\":\"龙井老客群\",\"kind\":\"wecom\",\"archived\":false,\"members\":2,"
                   "\"joins\":2,\"leaves\":1,\"buyers\":1,\"net_sales\":13500}]");
  g_clear_pointer (&text, g_free);
  text = to_text (april);
  g_assert_cmpstr (strstr (text, "\"龙井老客群\""), !=, NULL);
  g_assert_nonnull (strstr (text, "\"members\":2,\"joins\":0,\"leaves\":0,\"buyers\":1,\"net_sales\":3500"));
  g_clear_pointer (&text, g_free);
  text = to_text (before);
  g_assert_nonnull (strstr (text, "\"members\":1,\"joins\":1,\"leaves\":1,\"buyers\":1,\"net_sales\":113400"));
}

static void
test_members (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autofree char *text = NULL;
  gint64 later = siyu_test_time (f->shop, "2026-04-02 09:00:00");
  guint n = 99;

  shown = siyu_group_describe (f->shop, "龙井老客群", day ("2026-03-31"), &error);
  g_assert_no_error (error);
  text = to_text (shown);
  g_assert_nonnull (strstr (text, "\"members\":[{\"contact_id\":1,\"name\":\"王芳\",\"phone\":\"+8613800138000\","
                                  "\"role\":\"owner\""));
  g_assert_nonnull (strstr (text, "{\"contact_id\":3,\"name\":\"赵敏\""));
  g_assert_null (strstr (text, "李雷"));

  /* 李雷 back, 王芳 already in, someone new by phone. */
  g_assert_true (siyu_group_add_members (f->shop, "龙井老客群", NULL,
                                         (const char * const[]) { "139 1234 5678", "13800138000", "13100131000", NULL },
                                         later, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop), "SELECT count (*) FROM contacts", NULL), ==, 4);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM group_members WHERE left_at IS NULL AND group_id = 1", NULL), ==, 4);

  g_assert_true (siyu_group_remove_members (f->shop, "龙井老客群",
                                            (const char * const[]) { "13912345678", "13600136000", NULL },
                                            later + 60, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (siyu_group_remove_members (f->shop, "龙井老客群",
                                            (const char * const[]) { "13912345678", NULL }, later + 120, &n, &error));
  g_assert_cmpuint (n, ==, 0);

  /* A new group on first use; a bad phone adds nobody. */
  g_assert_true (siyu_group_add_members (f->shop, "周末品鉴会", "club",
                                         (const char * const[]) { "13800138000", NULL }, later, &n, &error));
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM community_groups WHERE kind = 'club'", NULL), ==, 1);
  g_assert_false (siyu_group_add_members (f->shop, "另一个群", NULL,
                                          (const char * const[]) { "13800138000", "12345", NULL }, later, &n, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Phone 2 of the list"));
  g_clear_error (&error);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM community_groups WHERE name = '另一个群'", NULL), ==, 0);

  g_assert_false (siyu_group_remove_members (f->shop, "龙井老客群",
                                             (const char * const[]) { "13300133000", NULL }, later, &n, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (siyu_group_describe (f->shop, "没有这个群", day ("2026-03-31"), &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
}

static void
test_orders (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) all = siyu_orders_list (f->shop, 0, NULL, 3, &error);
  g_autoptr(JsonNode) hers = siyu_orders_list (f->shop, f->wang, NULL, 50, &error);
  g_autoptr(JsonNode) found = siyu_orders_list (f->shop, 0, "A3", 50, &error);
  g_autoptr(JsonNode) tea = siyu_orders_list (f->shop, 0, "龙井", 50, &error);
  JsonArray *array;

  g_assert_no_error (error);
  array = json_node_get_array (all);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "reference"), ==, "A3");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "reference"), ==, "A4");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 2), "reference"), ==, "A2");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 2), "refunded"), ==, 1500);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"), ==, "赵敏");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (hers)), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (found)), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (tea)), ==, 5);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *path = siyu_shop_get_path (f->shop);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "group", "show", "--db", path, "龙井老客群", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "138****8000"));
  g_assert_null (strstr (out, "+8613800138000"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "group", "add-members", "--db", path, "龙井老客群", "12", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Phone 1 of the list"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "group", "add-members", "--db", path, "龙井老客群", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "group", "dance", "--db", path, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "orders", "--db", path, "--search", "A2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "A2"));
  g_assert_nonnull (strstr (out, "1 × 龙井"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/groups/list", Fixture, NULL, set_up, test_list, tear_down);
  g_test_add ("/groups/members", Fixture, NULL, set_up, test_members, tear_down);
  g_test_add ("/groups/orders", Fixture, NULL, set_up, test_orders, tear_down);
  g_test_add ("/groups/cli", Fixture, NULL, set_up, test_cli, tear_down);

  return g_test_run ();
}
