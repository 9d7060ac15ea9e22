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

static char *
audit_actions (Fixture *f)
{
  sqlite3_stmt *stmt;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (f->shop)),
                                       "SELECT action || ' ' || object_kind || ' ' || object_id || ' ' || detail "
                                       "FROM audit_log ORDER BY id", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return g_string_free (out, FALSE);
}

static void
test_create_rename_archive (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *audit = NULL;
  g_autoptr(JsonNode) got = NULL;
  SiyuDb *db = siyu_shop_get_db (f->shop);
  gboolean changed = FALSE;
  gint64 id;

  id = siyu_group_create (f->shop, "  周末品鉴会 ", "club", 1774000000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 3);
  g_assert_cmpint (siyu_group_lookup (f->shop, "周末品鉴会", &error), ==, 3);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT created_at FROM community_groups WHERE id = 3", NULL), ==, 1774000000);

  /* Bad input changes nothing and says what is wrong. */
  g_assert_cmpint (siyu_group_create (f->shop, "龙井老客群", "wechat", 1, &error), ==, -1);
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, "There is already a group called “龙井老客群”.");
  g_clear_error (&error);
  g_assert_cmpint (siyu_group_create (f->shop, " \t", "wechat", 1, &error), ==, -1);
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "A group needs a name.");
  g_clear_error (&error);
  g_assert_cmpint (siyu_group_create (f->shop, "茶友会", "forum", 1, &error), ==, -1);
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“forum” is not a kind of group; use wecom, wechat, club or other.");
  g_clear_error (&error);
  g_assert_cmpint (siyu_group_lookup (f->shop, "茶友会", &error), ==, -1);
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM community_groups", NULL), ==, 3);

  g_assert_true (siyu_group_rename (f->shop, 3, "周末茶会", &previous, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (previous, ==, "周末品鉴会");
  g_assert_false (siyu_group_rename (f->shop, 3, "新客福利群", NULL, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (siyu_group_rename (f->shop, 3, "", NULL, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (siyu_group_rename (f->shop, 99, "别的", NULL, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "There is no group 99.");
  g_clear_error (&error);
  /* The same name again is no change, and no line in the log. */
  g_assert_true (siyu_group_rename (f->shop, 3, "周末茶会", NULL, &error));

  g_assert_true (siyu_group_set_archived (f->shop, 3, TRUE, 1774100000, &changed, &error));
  g_assert_true (changed);
  g_assert_true (siyu_group_set_archived (f->shop, 3, TRUE, 1774200000, &changed, &error));
  g_assert_false (changed);
  got = siyu_group_get (f->shop, 3, day ("2026-03-31"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (got), "archived_at"), ==, 1774100000);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (got), "archived"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (got), "name"), ==, "周末茶会");
  g_assert_true (siyu_group_set_archived (f->shop, 3, FALSE, 0, &changed, &error));
  g_assert_true (changed);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM community_groups WHERE archived_at IS NULL", NULL), ==, 3);

  audit = audit_actions (f);
  g_assert_cmpstr (audit, ==,
                   "group-create group 3 {\"kind\":\"club\"}\n"
                   "group-rename group 3 {}\n"
                   "group-archive group 3 {}\n"
                   "group-unarchive group 3 {}\n");
}

static void
test_roles_and_leaves (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *audit = NULL;
  SiyuDb *db = siyu_shop_get_db (f->shop);
  gint64 leave = siyu_test_time (f->shop, "2026-04-01 09:00:00");

  g_assert_true (siyu_group_set_role (f->shop, 1, f->zhao, "admin", &previous, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (previous, ==, "member");
  g_assert_false (siyu_group_set_role (f->shop, 1, f->zhao, "boss", NULL, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“boss” is not a role in a group; use owner, admin or member.");
  g_clear_error (&error);
  /* 李雷 left in March: a past member has no role to change. */
  g_assert_false (siyu_group_set_role (f->shop, 1, f->li, "admin", NULL, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Contact 2 is not in this group now.");
  g_clear_error (&error);

  g_assert_true (siyu_group_record_leave (f->shop, 1, f->zhao, leave, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT left_at FROM group_members WHERE contact_id = 3", NULL), ==, leave);
  g_assert_false (siyu_group_record_leave (f->shop, 1, f->zhao, leave, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (siyu_group_record_leave (f->shop, 2, f->wang, leave, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A leave before the join is taken as the join. */
  g_assert_true (siyu_group_record_leave (f->shop, 1, f->wang, 100, &error));
  g_assert_cmpint (siyu_db_query_int (db, "SELECT left_at = joined_at FROM group_members WHERE contact_id = 1", NULL), ==, 1);

  g_assert_true (siyu_group_cancel_leave (f->shop, 1, f->zhao, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT left_at IS NULL FROM group_members WHERE contact_id = 3", NULL), ==, 1);
  g_assert_false (siyu_group_cancel_leave (f->shop, 1, f->zhao, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Contact 3 is in this group now.");
  g_clear_error (&error);
  g_assert_false (siyu_group_cancel_leave (f->shop, 2, f->zhao, &error));
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Contact 3 was never in this group.");
  g_clear_error (&error);

  audit = audit_actions (f);
  g_assert_cmpstr (audit, ==,
                   "group-role group 1 {\"contact_id\":3,\"role\":\"admin\"}\n"
                   "group-leave group 1 {\"contact_id\":3}\n"
                   "group-leave group 1 {\"contact_id\":1}\n"
                   "group-cancel-leave group 1 {\"contact_id\":3}\n");
  g_assert_null (strstr (audit, "138"));
}

static void
test_paste (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *text = NULL;
  SiyuDb *db = siyu_shop_get_db (f->shop);
  gint64 at = siyu_test_time (f->shop, "2026-04-02 10:00:00");

  /* Known, known twice, unknown, not a phone, and a blank line. */
  report = siyu_group_add_known_members (f->shop, 2, "139 1234 5678\n13912345678\r\n\n13100131000；12345\n", at, &error);
  g_assert_no_error (error);
  text = to_text (report);
  g_assert_cmpstr (text, ==,
                   "{\"lines\":[{\"line\":1,\"text\":\"139 1234 5678\",\"outcome\":\"added\",\"contact_id\":2},"
                   "{\"line\":2,\"text\":\"13912345678\",\"outcome\":\"already\",\"contact_id\":2},"
                   "{\"line\":3,\"text\":\"13100131000\",\"outcome\":\"unknown\"},"
                   "{\"line\":4,\"text\":\"12345\",\"outcome\":\"invalid\",\"message\":\"“12345” is not a phone number.\"}],"
                   "\"added\":1,\"already\":1,\"unknown\":1,\"invalid\":1}");
  /* Nobody made up. */
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contacts", NULL), ==, 3);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT joined_at FROM group_members WHERE group_id = 2", NULL), ==, at);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM audit_log WHERE action = 'group-add' "
                                          "AND detail = '{\"count\":1}'", NULL), ==, 1);

  g_clear_pointer (&report, json_node_unref);
  report = siyu_group_add_known_members (f->shop, 9, "13912345678", at, &error);
  g_assert_null (report);
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
}

static void
test_member_pages (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) rest = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  gint64 current = -1;

  g_assert_cmpint (siyu_group_count_members (f->shop, 1, &current, &error), ==, 3);
  g_assert_cmpint (current, ==, 2);
  g_assert_cmpint (siyu_group_count_members (f->shop, 2, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (siyu_group_count_members (f->shop, 7, NULL, &error), ==, -1);
  g_assert_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Members now first, the owner on top; 李雷, who left, last.  Orders up
   * to the end of 31 March: 王芳 three paid (net 10000 + 3500 + 99900),
   * 赵敏 none (hers was refunded). */
  first = siyu_group_members (f->shop, 1, day ("2026-03-31"), 0, 2, &error);
  g_assert_no_error (error);
  text = to_text (first);
  expected = g_strdup_printf ("[{\"id\":1,\"contact_id\":1,\"name\":\"王芳\",\"phone\":\"138****8000\",\"role\":\"owner\","
                              "\"joined_at\":%" G_GINT64_FORMAT ",\"left_at\":null,\"orders\":3,\"net_spend\":113400},"
                              "{\"id\":3,\"contact_id\":3,\"name\":\"赵敏\",\"phone\":\"136****6000\",\"role\":\"member\","
                              "\"joined_at\":%" G_GINT64_FORMAT ",\"left_at\":null,\"orders\":0,\"net_spend\":0}]",
                              siyu_test_time (f->shop, "2026-01-02 10:00:00"),
                              siyu_test_time (f->shop, "2026-03-31 23:59:59"));
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);

  rest = siyu_group_members (f->shop, 1, day ("2026-03-31"), 2, 2, &error);
  text = to_text (rest);
  expected = g_strdup_printf ("[{\"id\":2,\"contact_id\":2,\"name\":\"李雷\",\"phone\":\"139****5678\",\"role\":\"member\","
                              "\"joined_at\":%" G_GINT64_FORMAT ",\"left_at\":%" G_GINT64_FORMAT ",\"orders\":1,"
                              "\"net_spend\":7000}]",
                              siyu_test_time (f->shop, "2026-03-01 00:00:00"),
                              siyu_test_time (f->shop, "2026-03-20 00:00:00"));
  g_assert_cmpstr (text, ==, expected);

  /* An admin goes above the members, below the owner. */
  g_assert_true (siyu_group_set_role (f->shop, 1, f->zhao, "admin", NULL, &error));
  g_clear_pointer (&first, json_node_unref);
  first = siyu_group_members (f->shop, 1, day ("2026-03-31"), 1, 1, &error);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (first), 0),
                                               "contact_id"), ==, 3);
  g_assert_no_error (error);
}

static void
test_cli_edits (Fixture       *f,
                gconstpointer  data)
{
  const char *path = siyu_shop_get_path (f->shop);
  struct {
    const char *args[6];
    int         status;
    const char *out;
    const char *err;
  } runs[] = {
    { { "create", "周末品鉴会", "--kind", "club" }, 0, "Created the group “周末品鉴会”.\n", "" },
    { { "create", "周末品鉴会" }, 1, "", "siyu-cli: There is already a group called “周末品鉴会”.\n" },
    { { "create", "" }, 1, "", "siyu-cli: A group needs a name.\n" },
    { { "create", "茶友会", "--kind", "forum" }, 2, "",
      "siyu-cli group: “forum” is not a kind of group; use wecom, wechat, club or other\n"
      "Try “siyu-cli group --help”.\n" },
    { { "rename", "周末品鉴会", "周末茶会" }, 0, "Renamed “周末品鉴会” to “周末茶会”.\n", "" },
    { { "rename", "没有这个群", "别的" }, 1, "", "siyu-cli: There is no group “没有这个群”.\n" },
    { { "rename", "周末茶会", "龙井老客群" }, 1, "", "siyu-cli: There is already a group called “龙井老客群”.\n" },
    { { "rename", "周末茶会" }, 2, "",
      "siyu-cli group: rename takes a group's name and its new name\nTry “siyu-cli group --help”.\n" },
    { { "archive", "周末茶会" }, 0, "Archived “周末茶会”.\n", "" },
    { { "archive", "周末茶会" }, 0, "“周末茶会” was archived already.\n", "" },
    { { "unarchive", "周末茶会" }, 0, "“周末茶会” is no longer archived.\n", "" },
    { { "archive", "没有这个群" }, 1, "", "siyu-cli: There is no group “没有这个群”.\n" },
    { { "set-role", "龙井老客群", "136 0013 6000", "admin" }, 0, "136 0013 6000 is now admin of “龙井老客群”.\n", "" },
    { { "set-role", "龙井老客群", "13600136000", "boss" }, 2, "",
      "siyu-cli group: “boss” is not a role in a group; use owner, admin or member\nTry “siyu-cli group --help”.\n" },
    { { "set-role", "龙井老客群", "13912345678", "admin" }, 1, "", "siyu-cli: Contact 2 is not in this group now.\n" },
    { { "set-role", "龙井老客群", "13100131000", "admin" }, 1, "",
      "siyu-cli: Phone 1 of the list, 13100131000, is nobody’s in this shop.\n" },
    { { "set-role", "没有这个群", "13600136000", "admin" }, 1, "", "siyu-cli: There is no group “没有这个群”.\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char * const *a = runs[i].args;
      int status = siyu_test_run_cli (&out, &err, "group", "--db", path, a[0], a[1], a[2], a[3], a[4], NULL);

      g_test_message ("group %s %s", a[0], a[1]);
      g_assert_cmpstr (out, ==, runs[i].out);
      g_assert_cmpstr (err, ==, runs[i].err);
      g_assert_cmpint (status, ==, runs[i].status);
    }

  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM community_groups WHERE name = '周末茶会' AND kind = 'club' "
                                      "AND archived_at IS NULL", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM group_members WHERE contact_id = 3 AND role = 'admin'", NULL), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/siyu/groups/list", Fixture, NULL, set_up, test_list, tear_down);
  g_test_add ("/siyu/groups/members", Fixture, NULL, set_up, test_members, tear_down);
  g_test_add ("/siyu/groups/orders", Fixture, NULL, set_up, test_orders, tear_down);
  g_test_add ("/siyu/groups/cli", Fixture, NULL, set_up, test_cli, tear_down);
  g_test_add ("/siyu/groups/create-rename-archive", Fixture, NULL, set_up, test_create_rename_archive, tear_down);
  g_test_add ("/siyu/groups/roles-and-leaves", Fixture, NULL, set_up, test_roles_and_leaves, tear_down);
  g_test_add ("/siyu/groups/paste", Fixture, NULL, set_up, test_paste, tear_down);
  g_test_add ("/siyu/groups/member-pages", Fixture, NULL, set_up, test_member_pages, tear_down);
  g_test_add ("/siyu/groups/cli-edits", Fixture, NULL, set_up, test_cli_edits, tear_down);

  return g_test_run ();
}
