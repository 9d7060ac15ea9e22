/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-contacts.h"
#include "siyu-ingest.h"
#include "siyu-overview.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

typedef struct {
  char       *dir;
  SiyuShop   *shop;
  SiyuDb     *db;
  SiyuIngest *ingest;
  gint64      channel;
  gint64      wang;    /* 王芳, +8613800138000, wang.fang@example.com */
  gint64      li;      /* 李雷雷, +8613912345678 */
  gint64      other;   /* 王芳 again, another phone, same city */
} Fixture;

static gint64
add_contact (Fixture    *f,
             const char *name,
             const char *phone,
             const char *email,
             const char *city)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .name = name, .phone = phone, .email = email, .city = city, .seen_at = 1735689600,
    .consent = -1, .do_not_contact = -1,
  };
  gint64 id = siyu_ingest_contact (f->ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
add_order (Fixture    *f,
           gint64      contact,
           const char *ref,
           gint64      total)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderRecord record = {
    .channel_id = f->channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = 1740000000, .currency = "CNY", .total_amount = total,
  };

  g_assert_cmpint (siyu_ingest_order (f->ingest, &record, NULL, &error), >, 0);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 group;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, NULL);
  f->db = siyu_shop_get_db (f->shop);
  f->ingest = siyu_ingest_new (f->shop);
  f->channel = siyu_ingest_channel (f->ingest, "online_shop", "微店", NULL, &error);
  f->wang = add_contact (f, "王芳", "138 0013 8000", "wang.fang@example.com", "上海");
  f->li = add_contact (f, "李雷雷", "13912345678", NULL, "杭州");
  f->other = add_contact (f, "王芳", "13700001111", NULL, "上海");

  add_order (f, f->wang, "A1", 10000);
  add_order (f, f->other, "A2", 2500);
  g_assert_true (siyu_ingest_tag (f->ingest, f->wang, "VIP", "manual", 1, &error));
  g_assert_true (siyu_ingest_tag (f->ingest, f->other, "VIP", "manual", 2, &error));
  g_assert_true (siyu_ingest_tag (f->ingest, f->other, "咖啡", "manual", 3, &error));
  g_assert_true (siyu_ingest_event (f->ingest, f->wang, "share", 1740000000, 0, NULL, &error));
  g_assert_true (siyu_ingest_event (f->ingest, f->other, "share", 1740000000, 0, NULL, &error));
  g_assert_true (siyu_ingest_event (f->ingest, f->other, "review", 1740001000, 0, "好喝", &error));
  group = siyu_ingest_group (f->ingest, "VIP 1群", "wecom", 1, &error);
  g_assert_true (siyu_ingest_group_member (f->ingest, group, f->other, NULL, 1730000000, 0, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->ingest);
  g_clear_object (&f->shop);
  g_clear_pointer (&f->dir, g_free);
}

static char *
ids_text (GArray *ids)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", g_array_index (ids, gint64, i));

  return g_string_free (text, FALSE);
}

static char *
search (Fixture    *f,
        const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = siyu_contacts_search (f->shop, text, 50, &error);

  g_assert_no_error (error);
  return ids_text (ids);
}

static void
assert_search (Fixture    *f,
               const char *text,
               const char *expected)
{
  g_autofree char *found = search (f, text);

  g_test_message ("search “%s”", text);
  g_assert_cmpstr (found, ==, expected);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  assert_search (f, "8000", "1");
  assert_search (f, "138 0013 8000", "1");
  assert_search (f, "+86 138-0013-8000", "1");
  assert_search (f, "王芳", "1,3");
  assert_search (f, "李雷雷", "2");
  assert_search (f, "雷雷", "2");
  assert_search (f, "Fang@Example", "1");
  assert_search (f, "fang@ex", "1");
  assert_search (f, "  ", "");
  assert_search (f, "赵", "");
  /* FTS and SQL syntax is searched for as text, never run. */
  assert_search (f, "\" * ( ) NEAR AND", "");
  assert_search (f, "王芳\" OR \"李", "");
  assert_search (f, "'; DROP TABLE contacts; --", "");
  assert_search (f, "%_%", "");
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts", NULL), ==, 3);

  /* A name with the characters in it is found by them. */
  g_assert_true (siyu_contact_set (f->shop, f->li, SIYU_CONTACT_NAME, "李 \"雷\" (NEAR)", NULL, &error));
  assert_search (f, "\"雷\" (NEAR", "2");
  assert_search (f, "雷雷", "");
}

static void assert_list (Fixture *f, const SiyuContactFilter *filter, const char *expected);

/* At the counter the owner types the last digits of a phone: a phone that
 * ends with them comes first, in the list and in the search, before one
 * that only holds them and before any sort order. */
static void
test_search_phone_suffix (Fixture       *f,
                          gconstpointer  data)
{
  gint64 ends = add_contact (f, "周一", "13600003037", NULL, NULL);
  gint64 holds = add_contact (f, "吴二", "13030371234", NULL, NULL);
  gint64 both = add_contact (f, "郑三", "13503037777", NULL, NULL);
  SiyuContactFilter filter = { .search = "3037" };

  g_assert_cmpint (ends, ==, 4);
  g_assert_cmpint (holds, ==, 5);
  g_assert_cmpint (both, ==, 6);

  /* Newest first, but the phone that ends with 3037 before them all. */
  assert_list (f, &filter, "4,6,5");
  filter.search = "30 37";
  filter.sort = SIYU_CONTACT_SORT_NAME;
  assert_list (f, &filter, "4,5,6");
  assert_search (f, "3037", "4,5,6");
  assert_search (f, "1234", "5,2");
  /* Two digits are looked for row by row, and ordered the same way. */
  filter.search = "37";
  filter.sort = SIYU_CONTACT_SORT_NEWEST;
  assert_list (f, &filter, "4,6,5,3");
  /* Text that is not a phone keeps the sort order alone. */
  filter.search = "王芳";
  assert_list (f, &filter, "3,1");
}

static char *
list (Fixture                 *f,
      const SiyuContactFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = siyu_contacts_list (f->shop, filter, &error);

  g_assert_no_error (error);
  return ids_text (ids);
}

static void
assert_list (Fixture                 *f,
             const SiyuContactFilter *filter,
             const char              *expected)
{
  g_autofree char *found = list (f, filter);

  g_assert_cmpstr (found, ==, expected);
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) everyone = NULL;
  SiyuContactSummary *row;
  gint64 group;
  gint64 ids[] = { 3, 99, 1 };

  assert_list (f, NULL, "3,2,1");
  assert_list (f, &(SiyuContactFilter) { .search = "王芳" }, "3,1");
  assert_list (f, &(SiyuContactFilter) { .search = "138-0013-8000" }, "1");
  assert_list (f, &(SiyuContactFilter) { .search = "雷" }, "2");
  assert_list (f, &(SiyuContactFilter) { .search = "\" * ( ) NEAR AND" }, "");
  assert_list (f, &(SiyuContactFilter) { .tag = "VIP" }, "3,1");
  assert_list (f, &(SiyuContactFilter) { .tag = "VIP", .search = "1111" }, "3");
  group = siyu_db_query_int (f->db, "SELECT id FROM community_groups", &error);
  assert_list (f, &(SiyuContactFilter) { .group_id = group }, "3");
  assert_list (f, &(SiyuContactFilter) { .sort = SIYU_CONTACT_SORT_NAME }, "2,1,3");

  /* Stages, segments and spend come from the last recompute. */
  g_assert_true (siyu_db_exec (f->db,
                               "INSERT INTO contact_metrics (contact_id, orders, net_spend, first_order, last_order, stage, "
                               "  rfm_segment, rfm_r_score, rfm_f_score, spend_365, points, tier_id, pyramid, aipl) VALUES "
                               "(1, 1, 10000, '2025-01-31', '2025-02-20', 'new', 'recent', 5, 1, 10000, 100, "
                               "  (SELECT id FROM tiers WHERE position = 1), 'silent', 'purchase'), "
                               "(3, 1, 2500, '2025-02-01', '2025-02-21', 'new', 'promising', 4, 1, 2500, 25, NULL, "
                               "  'communicator', 'purchase'), "
                               "(2, 0, 0, NULL, NULL, 'prospect', NULL, NULL, NULL, 0, 0, NULL, NULL, 'interest')", &error));
  g_assert_no_error (error);
  assert_list (f, &(SiyuContactFilter) { .stage = "new" }, "3,1");
  assert_list (f, &(SiyuContactFilter) { .segment = "recent" }, "1");
  assert_list (f, &(SiyuContactFilter) { .sort = SIYU_CONTACT_SORT_NET_SPEND }, "1,3,2");
  assert_list (f, &(SiyuContactFilter) { .sort = SIYU_CONTACT_SORT_LAST_ORDER }, "3,1,2");
  assert_list (f, &(SiyuContactFilter) { .tier_id = siyu_db_query_int (f->db, "SELECT id FROM tiers WHERE position = 1", NULL) }, "1");
  /* What the Overview's charts open. */
  assert_list (f, &(SiyuContactFilter) { .pyramid = "communicator" }, "3");
  assert_list (f, &(SiyuContactFilter) { .aipl = "purchase" }, "3,1");
  assert_list (f, &(SiyuContactFilter) { .aipl = "interest" }, "2");
  assert_list (f, &(SiyuContactFilter) { .r_score = 5, .f_score = 1 }, "1");
  assert_list (f, &(SiyuContactFilter) { .f_score = 1 }, "3,1");
  assert_list (f, &(SiyuContactFilter) { .r_score = 3 }, "");
  assert_list (f, &(SiyuContactFilter) { .cohort = "2025-01" }, "1");
  assert_list (f, &(SiyuContactFilter) { .cohort = "2025-02", .aipl = "purchase" }, "3");

  /* Consent: only who agreed and may be contacted. */
  g_assert_true (siyu_contact_set (f->shop, 2, SIYU_CONTACT_MARKETING_CONSENT, "1", NULL, &error));
  g_assert_true (siyu_contact_set (f->shop, 3, SIYU_CONTACT_MARKETING_CONSENT, "1", NULL, &error));
  g_assert_true (siyu_contact_set (f->shop, 3, SIYU_CONTACT_DO_NOT_CONTACT, "1", NULL, &error));
  assert_list (f, &(SiyuContactFilter) { .consent_only = TRUE }, "2");

  /* Rows in the order asked, a gone contact as a hole. */
  rows = siyu_contacts_summarize (f->shop, ids, G_N_ELEMENTS (ids), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpint (row->id, ==, 3);
  g_assert_cmpstr (row->name, ==, "王芳");
  g_assert_cmpstr (row->phone, ==, "+8613700001111");
  g_assert_cmpstr (row->tags, ==, "VIP, 咖啡");
  g_assert_cmpstr (row->groups, ==, "VIP 1群");
  g_assert_cmpstr (row->segment, ==, "promising");
  g_assert_null (row->tier);
  g_assert_true (row->do_not_contact);
  g_assert_null (g_ptr_array_index (rows, 1));
  row = g_ptr_array_index (rows, 2);
  g_assert_cmpstr (row->stage, ==, "new");
  g_assert_cmpstr (row->tier, ==, "Silver");
  g_assert_cmpstr (row->tier_zh, ==, "银卡");
  g_assert_cmpstr (row->last_order, ==, "2025-02-20");
  g_assert_cmpint (row->net_spend, ==, 10000);
  g_assert_cmpstr (row->email, ==, "wang.fang@example.com");

  /* Tags by hand, and their undoing. */
  {
    gboolean changed = FALSE;

    g_assert_true (siyu_contact_tag (f->shop, 2, " 老客 ", &changed, &error));
    g_assert_true (changed);
    g_assert_true (siyu_contact_tag (f->shop, 2, "老客", &changed, &error));
    g_assert_false (changed);
    assert_list (f, &(SiyuContactFilter) { .tag = "老客" }, "2");
    g_assert_true (siyu_contact_untag (f->shop, 2, "老客", &changed, &error));
    g_assert_true (changed);
    g_assert_true (siyu_contact_untag (f->shop, 2, "老客", &changed, &error));
    g_assert_false (changed);
    assert_list (f, &(SiyuContactFilter) { .tag = "老客" }, "");
    g_assert_false (siyu_contact_tag (f->shop, 2, "  ", NULL, &error));
    g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (siyu_contact_tag (f->shop, 77, "VIP", NULL, &error));
    g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* 王芳 twice in 上海: maybe one person; 李雷雷 has nobody. */
  {
    g_autoptr(GArray) same = siyu_contact_find_duplicates (f->shop, 1, &error);
    g_autoptr(GArray) alone = siyu_contact_find_duplicates (f->shop, 2, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (same->len, ==, 1);
    g_assert_cmpint (g_array_index (same, gint64, 0), ==, 3);
    g_assert_cmpuint (alone->len, ==, 0);
    g_assert_null (siyu_contact_find_duplicates (f->shop, 99, &error));
    g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Erased contacts are neither listed nor summarized. */
  g_assert_true (siyu_contact_erase (f->shop, 3, &error));
  assert_list (f, NULL, "2,1");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = siyu_contacts_summarize (f->shop, ids, G_N_ELEMENTS (ids), &error);
  g_assert_null (g_ptr_array_index (rows, 0));
}

static void
test_set_and_undo (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *back = NULL;

  g_assert_true (siyu_contact_set (f->shop, f->wang, SIYU_CONTACT_PHONE, "+86 135 0000 1234", &previous, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (previous, ==, "+8613800138000");
  assert_search (f, "8000", "");
  assert_search (f, "1234", "1,2");
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_identities WHERE contact_id = 1 "
                                             "AND kind = 'phone' AND value = '+8613500001234'", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_identities "
                                             "WHERE value = '+8613800138000'", NULL), ==, 0);

  /* Undo is setting the previous value again. */
  g_assert_true (siyu_contact_set (f->shop, f->wang, SIYU_CONTACT_PHONE, previous, &back, &error));
  g_assert_cmpstr (back, ==, "+8613500001234");
  assert_search (f, "8000", "1");

  g_assert_true (siyu_contact_set (f->shop, f->wang, SIYU_CONTACT_DO_NOT_CONTACT, "yes", NULL, &error));
  g_assert_true (siyu_contact_set (f->shop, f->wang, SIYU_CONTACT_MARKETING_CONSENT, "no", NULL, &error));
  g_assert_true (siyu_contact_set (f->shop, f->wang, SIYU_CONTACT_CITY, "  ", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts WHERE id = 1 AND do_not_contact = 1 "
                                             "AND marketing_consent = 0 AND consent_source = 'manual' "
                                             "AND consent_at > 0 AND city IS NULL", NULL), ==, 1);

  /* The audit log names the field, never the value. */
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log WHERE action = 'edit' "
                                             "AND object_id = 1", NULL), ==, 5);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log WHERE detail LIKE '%1350000%'", NULL), ==, 0);
}

static void
test_set_refused (Fixture       *f,
                  gconstpointer  data)
{
  struct {
    SiyuContactField field;
    const char *value;
    int code;
    const char *message;
  } cases[] = {
    { SIYU_CONTACT_PHONE, "12345", -1, "is not a phone number" },
    { SIYU_CONTACT_PHONE, "139 1234 5678", SIYU_CONTACTS_ERROR_TAKEN, "already belongs to contact 2. Merge" },
    { SIYU_CONTACT_EMAIL, "wang.example.com", SIYU_CONTACTS_ERROR_INVALID, "is not an e-mail address" },
    { SIYU_CONTACT_BIRTHDAY, "2999-01-01", SIYU_CONTACTS_ERROR_INVALID, "cannot be in the future" },
    { SIYU_CONTACT_BIRTHDAY, "1990-02-30", SIYU_CONTACTS_ERROR_INVALID, "is not a date" },
    { SIYU_CONTACT_DO_NOT_CONTACT, "maybe", SIYU_CONTACTS_ERROR_INVALID, "neither yes nor no" },
  };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  before = siyu_test_read_file (siyu_shop_get_path (f->shop), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (siyu_contact_set (f->shop, f->wang, cases[i].field, cases[i].value, NULL, &error));
      g_assert_nonnull (error);
      if (cases[i].code >= 0)
        g_assert_error (error, SIYU_CONTACTS_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }

  {
    g_autoptr(GError) error = NULL;
    g_assert_false (siyu_contact_set (f->shop, 99, SIYU_CONTACT_NAME, "x", NULL, &error));
    g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_NOT_FOUND);
  }

  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts WHERE id = 1 AND phone = '+8613800138000' "
                                             "AND email = 'wang.fang@example.com' AND birthday IS NULL "
                                             "AND do_not_contact = 0", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log", NULL), ==, 0);
}

static void
test_erase (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuOverview before, after;
  SiyuDay day = siyu_day_from_ymd (2025, 3, 1);

  g_assert_true (siyu_overview_compute (f->shop, day, &before, &error));
  g_assert_true (siyu_contact_erase (f->shop, f->wang, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_overview_compute (f->shop, day, &after, &error));

  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts WHERE id = 1 AND name IS NULL "
                                             "AND phone IS NULL AND email IS NULL AND city IS NULL "
                                             "AND erased_at IS NOT NULL AND do_not_contact = 1", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_identities WHERE contact_id = 1", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_tags WHERE contact_id = 1", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM events WHERE contact_id = 1", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM orders WHERE contact_id = 1", NULL), ==, 1);
  g_assert_cmpint (after.net_sales, ==, before.net_sales);
  g_assert_cmpint (after.buyers, ==, before.buyers);
  assert_search (f, "8000", "");
  assert_search (f, "王芳", "3");
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log WHERE action = 'erase' AND object_id = 1 "
                                             "AND detail = '{\"orders_kept\":1,\"identities_kept_out\":2}'", NULL), ==, 1);

  /* The person stays erased: the same phone later brings nobody back. */
  g_assert_cmpint (add_contact (f, NULL, "13800138000", NULL, NULL), ==, 0);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->erased_kept, ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts", NULL), ==, 3);

  g_assert_false (siyu_contact_erase (f->shop, f->wang, &error));
  g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_NOT_FOUND);
}

/* Everything of both contacts that a merge touches, in one text. */
static char *
dump (Fixture *f)
{
  static const char * const queries[] = {
    "SELECT id, name, phone, email, city, first_seen_at, member_since, marketing_consent, consent_at, "
    "  do_not_contact FROM contacts ORDER BY id",
    "SELECT id, kind, value, contact_id FROM contact_identities ORDER BY id",
    "SELECT id, contact_id FROM orders ORDER BY id",
    "SELECT id, contact_id, kind, occurred_at, detail FROM events ORDER BY id",
    "SELECT id, group_id, contact_id, joined_at FROM group_members ORDER BY id",
    "SELECT contact_id, tag_id, source, created_at FROM contact_tags ORDER BY contact_id, tag_id",
  };
  GString *text = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = siyu_db_prepare (f->db, queries[q], NULL);

      while (siyu_db_step (f->db, stmt, NULL) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (text, "%s|", sqlite3_column_type (stmt, c) == SQLITE_NULL ? "∅" :
                                    (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (text, '\n');
        }
      sqlite3_reset (stmt);
      g_string_append (text, "--\n");
    }

  return g_string_free (text, FALSE);
}

static void
test_merge_and_undo (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) undo = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SiyuContactField take[] = { SIYU_CONTACT_PHONE };

  g_assert_true (siyu_contact_set (f->shop, f->other, SIYU_CONTACT_DO_NOT_CONTACT, "yes", NULL, &error));
  /* A return of the other contact's goes with their orders. */
  g_assert_true (siyu_db_exec (f->db, "INSERT INTO returns (channel_id, external_ref, contact_id, created_at, "
                                      "currency, total_amount, updated_at) "
                                      "VALUES ((SELECT min (id) FROM channels), 'C1', 3, 0, 'CNY', 100, 0)", &error));
  before = dump (f);

  undo = siyu_contact_merge (f->shop, f->wang, f->other, take, G_N_ELEMENTS (take), &error);
  g_assert_no_error (error);
  g_assert_nonnull (undo);

  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts", NULL), ==, 2);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts WHERE id = 1 AND name = '王芳' "
                                             "AND phone = '+8613700001111' AND email = 'wang.fang@example.com' "
                                             "AND do_not_contact = 1", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM orders WHERE contact_id = 1", NULL), ==, 2);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_identities WHERE contact_id = 1", NULL), ==, 3);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM returns WHERE contact_id = 1", NULL), ==, 1);
  /* The same share on the same second is one event; tags are a set. */
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM events WHERE contact_id = 1", NULL), ==, 2);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_tags WHERE contact_id = 1", NULL), ==, 2);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM group_members WHERE contact_id = 1", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log WHERE action = 'merge' AND object_id = 1 "
                                             "AND detail = '{\"merged_contact_id\":3,\"orders_moved\":1}'", NULL), ==, 1);
  assert_search (f, "1111", "1");

  g_assert_true (siyu_contact_unmerge (f->shop, undo, &error));
  g_assert_no_error (error);
  after = dump (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM returns WHERE contact_id = 3", NULL), ==, 1);
  assert_search (f, "1111", "3");
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log WHERE action = 'unmerge'", NULL), ==, 1);
}

static void
test_merge_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) undo = NULL;
  SiyuContactField take[] = { SIYU_CONTACT_DO_NOT_CONTACT };

  undo = siyu_contact_merge (f->shop, f->wang, f->wang, NULL, 0, &error);
  g_assert_null (undo);
  g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_SAME);
  g_clear_error (&error);

  undo = siyu_contact_merge (f->shop, f->wang, 99, NULL, 0, &error);
  g_assert_null (undo);
  g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  undo = siyu_contact_merge (f->shop, f->wang, f->li, take, 1, &error);
  g_assert_null (undo);
  g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contacts", NULL), ==, 3);
}

static void
test_describe (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_contact_describe (f->shop, f->other, &error);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "contact"), "name"), ==, "王芳");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "identities")), ==, 1);
  json_generator_set_root (generator, json_object_get_member (object, "tags"));
  text = json_generator_to_data (generator, NULL);
  g_assert_cmpstr (text, ==, "[\"VIP\",\"咖啡\"]");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (object, "groups"), 0), "group"), ==, "VIP 1群");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_object_get_array_member (object, "orders"), 0), "total"), ==, 2500);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "metrics")));
}

static char *
member_json (JsonObject *object,
             const char *member)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, json_object_get_member (object, member));
  return json_generator_to_data (generator, NULL);
}

static void
assert_member_json (JsonObject *object,
                    const char *member,
                    const char *expected)
{
  g_autofree char *text = member_json (object, member);

  g_assert_cmpstr (text, ==, expected);
}

/* The contact page's timeline: orders with their lines and refunds,
 * events, tier changes and touches, newest first. */
static void
test_describe_timeline (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  SiyuOrderItemRecord items[] = {
    { "LJ-250", "龙井", 2, 12800, 25600 },
    { "BLC-100", "碧螺春", 1, 9800, 9800 },
  };
  SiyuOrderRecord order = {
    .channel_id = f->channel, .external_ref = "A3", .contact_id = f->other,
    .status = "partially_refunded", .created_at = 1741000000, .currency = "CNY", .total_amount = 35400,
    .refunded_amount = 9800, .items = items, .n_items = 2,
  };
  gint64 order_id = siyu_ingest_order (f->ingest, &order, NULL, &error);
  JsonObject *object;
  JsonObject *first;

  g_assert_no_error (error);
  g_assert_true (siyu_ingest_refund (f->ingest, order_id, "R1", 9800, 1741100000, "缺货", &error));
  g_assert_true (siyu_db_exec (f->db,
                               "INSERT INTO tier_history (contact_id, from_tier_id, to_tier_id, changed_on, reason) "
                               "VALUES (3, NULL, 1, '2025-02-28', 'recompute'), (3, 1, 2, '2025-03-31', 'recompute');"
                               "INSERT INTO touches (id, name, kind, created_at) VALUES (1, '春茶上新', 'message', 1741200000);"
                               "INSERT INTO touch_members (touch_id, contact_id, holdout) VALUES (1, 3, 0);",
                               &error));
  g_assert_no_error (error);

  node = siyu_contact_describe (f->shop, f->other, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "orders")), ==, 2);
  first = json_array_get_object_element (json_object_get_array_member (object, "orders"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "reference"), ==, "A3");
  g_assert_cmpint (json_object_get_int_member (first, "refunded"), ==, 9800);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "partially_refunded");
  assert_member_json (first, "items",
                      "[{\"name\":\"龙井\",\"sku\":\"LJ-250\",\"quantity\":2,\"unit_price\":12800,\"line_total\":25600},"
                      "{\"name\":\"碧螺春\",\"sku\":\"BLC-100\",\"quantity\":1,\"unit_price\":9800,\"line_total\":9800}]");
  assert_member_json (first, "refunds", "[{\"amount\":9800,\"created_at\":1741100000,\"reason\":\"缺货\"}]");
  assert_member_json (json_array_get_object_element (json_object_get_array_member (object, "orders"), 1),
                      "items", "[]");
  assert_member_json (object, "events",
                      "[{\"kind\":\"review\",\"occurred_at\":1740001000,\"channel\":null,\"detail\":\"好喝\"},"
                      "{\"kind\":\"share\",\"occurred_at\":1740000000,\"channel\":null,\"detail\":null}]");
  assert_member_json (object, "tier_history",
                      "[{\"from\":\"Regular\",\"from_zh\":\"普通\",\"to\":\"Silver\",\"to_zh\":\"银卡\","
                      "\"changed_on\":\"2025-03-31\",\"reason\":\"recompute\"},"
                      "{\"from\":null,\"from_zh\":null,\"to\":\"Regular\",\"to_zh\":\"普通\","
                      "\"changed_on\":\"2025-02-28\",\"reason\":\"recompute\"}]");
  assert_member_json (object, "touches",
                      "[{\"name\":\"春茶上新\",\"kind\":\"message\",\"created_at\":1741200000,\"holdout\":0}]");

  /* Someone without any of these has empty lists, not nulls. */
  g_clear_pointer (&node, json_node_unref);
  node = siyu_contact_describe (f->shop, f->li, &error);
  object = json_node_get_object (node);
  assert_member_json (object, "events", "[]");
  assert_member_json (object, "tier_history", "[]");
  assert_member_json (object, "touches", "[]");
}

/* The figures carry what the page needs to say why: the numbers behind the
 * stage and the RFM scores, and the day they were computed for. */
static void
test_describe_metrics (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (siyu_db_exec (f->db,
                               "INSERT INTO analytics_runs (as_of, computed_at, summary) VALUES ('2025-03-01', 1, '{}');"
                               "INSERT INTO analytics_runs (as_of, computed_at, summary) VALUES ('2025-03-31', 2, '{}');"
                               "INSERT INTO contact_metrics (contact_id, orders, net_spend, first_order, last_order, "
                               "  stage, rfm_r, rfm_f, rfm_m, rfm_r_score, rfm_f_score, rfm_m_score, rfm_segment, "
                               "  spend_365, tier_id, tier_gap, points, pyramid, aipl) "
                               "VALUES (1, 1, 10000, '2025-02-20', '2025-02-20', 'dormant', 39, 1, 10000, 2, 1, 3, "
                               "  'hibernating', 10000, 1, 40000, 0, 'silent', 'purchase');",
                               &error));
  g_assert_no_error (error);
  node = siyu_contact_describe (f->shop, f->wang, &error);
  g_assert_no_error (error);
  assert_member_json (json_node_get_object (node), "metrics",
                      "{\"stage\":\"dormant\",\"orders\":1,\"net_spend\":10000,\"rfm_segment\":\"hibernating\","
                      "\"tier_id\":1,\"tier_gap\":40000,\"aipl\":\"purchase\",\"pyramid\":\"silent\","
                      "\"first_order\":\"2025-02-20\",\"last_order\":\"2025-02-20\",\"rfm_r\":39,\"rfm_f\":1,"
                      "\"rfm_m\":10000,\"rfm_r_score\":2,\"rfm_f_score\":1,\"rfm_m_score\":3,\"spend_365\":10000,"
                      "\"as_of\":\"2025-03-31\"}");
}

/* Whose a phone or e-mail is, to offer a merge when an edit is refused. */
static void
test_find_owner (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (siyu_contact_find_owner (f->shop, SIYU_CONTACT_PHONE, "139 1234 5678", &error), ==, f->li);
  g_assert_cmpint (siyu_contact_find_owner (f->shop, SIYU_CONTACT_PHONE, "+8613700001111", &error), ==, f->other);
  g_assert_cmpint (siyu_contact_find_owner (f->shop, SIYU_CONTACT_EMAIL, " Wang.Fang@example.com", &error), ==, f->wang);
  g_assert_cmpint (siyu_contact_find_owner (f->shop, SIYU_CONTACT_PHONE, "13500001234", &error), ==, 0);
  g_assert_cmpint (siyu_contact_find_owner (f->shop, SIYU_CONTACT_PHONE, "12345", &error), ==, 0);
  g_assert_cmpint (siyu_contact_find_owner (f->shop, SIYU_CONTACT_EMAIL, "wang.example.com", &error), ==, 0);
  g_assert_no_error (error);
}

static char *
basics_text (const SiyuContactBasics *basics)
{
  if (basics == NULL)
    return g_strdup ("none");

  return g_strdup_printf ("%" G_GINT64_FORMAT " %s %s %s", basics->id, basics->name,
                          basics->phone != NULL ? basics->phone : "-", basics->email != NULL ? basics->email : "-");
}

/* Who the command line's lists name: in the order asked, the missing as
 * NULL; the whole list without the erased; and a contact by its rank. */
static void
test_basics (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const gint64 ids[] = { f->li, 999, f->wang };
  g_autoptr(GPtrArray) some = siyu_contacts_get_basics (f->shop, ids, G_N_ELEMENTS (ids), &error);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *expected = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (some->len, ==, 3);
  first = basics_text (g_ptr_array_index (some, 0));
  second = basics_text (g_ptr_array_index (some, 1));
  third = basics_text (g_ptr_array_index (some, 2));
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " 李雷雷 +8613912345678 -", f->li);
  g_assert_cmpstr (first, ==, expected);
  g_assert_cmpstr (second, ==, "none");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " 王芳 +8613800138000 wang.fang@example.com", f->wang);
  g_assert_cmpstr (third, ==, expected);

  g_assert_true (siyu_contact_erase (f->shop, f->li, &error));
  g_assert_no_error (error);
  all = siyu_contacts_list_basics (f->shop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpint (((SiyuContactBasics *) g_ptr_array_index (all, 0))->id, ==, f->wang);
  g_assert_cmpint (((SiyuContactBasics *) g_ptr_array_index (all, 1))->id, ==, f->other);
  g_assert_cmpstr (((SiyuContactBasics *) g_ptr_array_index (all, 1))->phone, ==, "+8613700001111");

  g_assert_cmpint (siyu_contacts_nth_id (f->shop, 0, &error), ==, f->wang);
  g_assert_cmpint (siyu_contacts_nth_id (f->shop, 1, &error), ==, f->other);
  g_assert_cmpint (siyu_contacts_nth_id (f->shop, 2, &error), ==, 0);
  g_assert_no_error (error);
}

/* Several fields change together, or none does. */
static void
test_set_fields (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const SiyuContactField fields[] = { SIYU_CONTACT_NAME, SIYU_CONTACT_EMAIL };
  const char * const refused[] = { "李磊", "not an address" };
  const char * const taken[] = { "李磊", "wang.fang@example.com" };
  const char * const accepted[] = { "李磊", "li.lei@example.com" };
  g_autoptr(GPtrArray) after = NULL;
  SiyuContactBasics *li;

  g_assert_false (siyu_contact_set_fields (f->shop, f->li, fields, refused, 2, &error));
  g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (siyu_contact_set_fields (f->shop, f->li, fields, taken, 2, &error));
  g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_TAKEN);
  g_clear_error (&error);
  g_assert_false (siyu_db_in_transaction (f->db));
  after = siyu_contacts_get_basics (f->shop, &f->li, 1, &error);
  li = g_ptr_array_index (after, 0);
  g_assert_cmpstr (li->name, ==, "李雷雷");
  g_assert_null (li->email);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log WHERE action = 'edit'", NULL), ==, 0);
  g_clear_pointer (&after, g_ptr_array_unref);

  g_assert_true (siyu_contact_set_fields (f->shop, f->li, fields, accepted, 2, &error));
  g_assert_no_error (error);
  after = siyu_contacts_get_basics (f->shop, &f->li, 1, &error);
  li = g_ptr_array_index (after, 0);
  g_assert_cmpstr (li->name, ==, "李磊");
  g_assert_cmpstr (li->email, ==, "li.lei@example.com");
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM audit_log WHERE action = 'edit'", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/siyu/contacts/search", test_search);
  ADD ("/siyu/contacts/search-phone-suffix", test_search_phone_suffix);
  ADD ("/siyu/contacts/list", test_list);
  ADD ("/siyu/contacts/set-and-undo", test_set_and_undo);
  ADD ("/siyu/contacts/set-refused", test_set_refused);
  ADD ("/siyu/contacts/erase", test_erase);
  ADD ("/siyu/contacts/merge-and-undo", test_merge_and_undo);
  ADD ("/siyu/contacts/merge-refused", test_merge_refused);
  ADD ("/siyu/contacts/describe", test_describe);
  ADD ("/siyu/contacts/describe-timeline", test_describe_timeline);
  ADD ("/siyu/contacts/describe-metrics", test_describe_metrics);
  ADD ("/siyu/contacts/find-owner", test_find_owner);
  ADD ("/siyu/contacts/basics", test_basics);
  ADD ("/siyu/contacts/set-fields", test_set_fields);

#undef ADD

  return g_test_run ();
}
