/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "siyu-contacts.h"
#include "siyu-ingest.h"
#include "siyu-search-index.h"
#include "siyu-shop.h"
#include "siyu-test-util.h"
#include "siyu-tombstones.h"

/* Erasing a person (PIPL) leaves no byte of theirs in the shop file or its
 * log, and keeps them erased: an import or a sync that carries them again
 * makes no contact, until the owner lets them back.  Issue 15, defects 3
 * and 4. */

/* The person to erase.  Every value is theirs alone in the test shops, and
 * so are the trigrams of their name, which the search index stores. */
#define NAME      "欧阳翠鹂"
#define PHONE     "139 8765 4321"
#define E164      "+8613987654321"
#define NATIONAL  "13987654321"
#define EMAIL     "Cuili.Ouyang@Quokka-Mail.example"
#define EMAIL_LOW "cuili.ouyang@quokka-mail.example"
#define WECHAT    "cuili_ouyang_1988"
#define CITY      "嘉峪关市"
#define BIRTHDAY  "1988-07-14"
#define CUSTOMER  "CUST-7F3A9Q"
#define NOTES     "喜欢凤凰单丛，对坚果过敏"

static const char * const values[] = {
  NAME, E164, NATIONAL, EMAIL, EMAIL_LOW, WECHAT, CITY, BIRTHDAY, CUSTOMER, NOTES,
  /* The forms the trigram index keeps of the name. */
  "欧阳翠", "阳翠鹂",
  /* Parts long enough to be only theirs. */
  "87654321", "ouyang", "quokka", "凤凰单丛", "坚果过敏",
};

static const char customers_csv[] =
  "customer_id,name,phone,email,wechat_id,city,birthday,tags\n"
  "C-1001,王芳,13800138000,wang.fang@example.com,wf_1001,杭州,1990-01-02,老客\n"
  "C-1002,李雷,13912340000,,li_lei_88,上海,,\n"
  "C-1003,韩梅梅,13700137000,meimei@example.com,,北京,,\n"
  "C-1004,张伟,13600136000,,zhang_wei,广州,,老客\n"
  "C-1005,刘洋,13500135000,liu.yang@example.com,,深圳,,\n"
  CUSTOMER "," NAME "," PHONE "," EMAIL "," WECHAT "," CITY "," BIRTHDAY ",茶友\n";

/* Two orders of the person (the second of two lines) and one of 王芳. */
static const char orders_csv[] =
  "order_ref,created_at,status,customer_id,phone,name,sku,product_name,quantity,unit_price,line_total,order_total,currency\n"
  "A-1,2025-03-01 10:00:00,paid," CUSTOMER "," NATIONAL "," NAME ",TGY-100,铁观音 100g,1,128.00,128.00,128.00,CNY\n"
  "A-2,2025-03-02 10:00:00,paid," CUSTOMER "," NATIONAL "," NAME ",TGY-100,铁观音 100g,1,128.00,128.00,256.00,CNY\n"
  "A-2,2025-03-02 10:00:00,paid," CUSTOMER "," NATIONAL "," NAME ",DHP-50,大红袍 50g,1,128.00,128.00,256.00,CNY\n"
  "A-3,2025-03-03 10:00:00,paid,C-1001,13800138000,王芳,TGY-100,铁观音 100g,1,128.00,128.00,128.00,CNY\n";

/* The same again, and a new order of the person, by phone only. */
static const char more_orders_csv[] =
  "order_ref,created_at,status,customer_id,phone,name,sku,product_name,quantity,unit_price,line_total,order_total,currency\n"
  "A-1,2025-03-01 10:00:00,paid," CUSTOMER "," NATIONAL "," NAME ",TGY-100,铁观音 100g,1,128.00,128.00,128.00,CNY\n"
  "A-2,2025-03-02 10:00:00,paid," CUSTOMER "," NATIONAL "," NAME ",TGY-100,铁观音 100g,1,128.00,128.00,256.00,CNY\n"
  "A-2,2025-03-02 10:00:00,paid," CUSTOMER "," NATIONAL "," NAME ",DHP-50,大红袍 50g,1,128.00,128.00,256.00,CNY\n"
  "A-4,2025-04-01 10:00:00,paid,," PHONE ",,TGY-100,铁观音 100g,1,128.00,128.00,128.00,CNY\n";

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* Every place in @path (a file that may not exist) where one of the
 * person's values is, as "value@offset" lines. */
static void
scan_file (const char *path,
           GString    *found)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return;

  for (guint v = 0; v < G_N_ELEMENTS (values); v++)
    {
      gsize n = strlen (values[v]);

      for (gsize at = 0; at + n <= length; at++)
        if (memcmp (contents + at, values[v], n) == 0)
          g_string_append_printf (found, "%s: %s at byte %" G_GSIZE_FORMAT "\n", path, values[v], at);
    }
}

static char *
scan_shop (const char *path)
{
  GString *found = g_string_new (NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  scan_file (path, found);
  scan_file (wal, found);
  scan_file (journal, found);

  return g_string_free (found, FALSE);
}

static char *
cli (int         expected_status,
     const char *first_arg,
     ...) G_GNUC_NULL_TERMINATED;

/* Runs siyu-cli with up to eight arguments and returns what it printed. */
static char *
cli (int         expected_status,
     const char *first_arg,
     ...)
{
  const char *args[9] = { NULL, };
  char *out = NULL;
  g_autofree char *err = NULL;
  guint n = 0;
  int status;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL && n < 8; arg = va_arg (ap, const char *))
    args[n++] = arg;
  va_end (ap);

  status = siyu_test_run_cli (&out, &err, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7],
                              NULL);
  if (status != expected_status)
    g_error ("siyu-cli %s %s exited %d, not %d: %s%s", args[0], args[1], status, expected_status, out, err);

  return out;
}

static gint64
find_contact (const char *path,
              const char *text)
{
  g_autofree char *out = cli (0, "contact", "search", text, "--json", "--db", path, NULL);
  g_autoptr(JsonNode) node = json_from_string (out, NULL);
  JsonArray *array;

  g_assert_nonnull (node);
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return 0;
  g_assert_cmpuint (json_array_get_length (array), ==, 1);

  return json_object_get_int_member (json_array_get_object_element (array, 0), "id");
}

static gint64
raw_query_int (const char *path,
               const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);

  return value;
}

/* The way an owner does it: import, then erase with siyu-cli.  Only the
 * command line and the file's bytes are used, so that the test runs against
 * any siyu-cli (SIYU_CLI): with that of d97dcb0 it finds the name in the
 * search index. */
static void
test_no_trace_cli (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shop.siyu", NULL);
  g_autofree char *customers = g_build_filename (dir, "customers.csv", NULL);
  g_autofree char *orders = g_build_filename (dir, "orders.csv", NULL);
  g_autofree char *id_text = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *found = NULL;
  g_autofree char *out = NULL;
  gint64 id;

  write_text (customers, customers_csv);
  write_text (orders, orders_csv);
  g_free (cli (0, "create", "--db", path, "--name", "茶铺", NULL));
  g_free (cli (0, "import", customers, "--kind", "customers", "--db", path, NULL));
  g_free (cli (0, "import", orders, "--db", path, NULL));
  id = find_contact (path, NATIONAL);
  g_assert_cmpint (id, >, 0);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  notes = g_strdup ("notes=" NOTES);
  g_free (cli (0, "contact", "edit", id_text, "--set", notes, "--db", path, NULL));

  /* Before: the values are there, or the scan proves nothing. */
  found = scan_shop (path);
  g_assert_nonnull (strstr (found, NAME " at"));
  g_assert_nonnull (strstr (found, NOTES " at"));
  g_clear_pointer (&found, g_free);

  g_free (cli (0, "contact", "delete", id_text, "--yes", "--db", path, NULL));
  found = scan_shop (path);
  g_assert_cmpstr (found, ==, "");
  g_assert_cmpint (find_contact (path, NATIONAL), ==, 0);
  out = cli (0, "contact", "search", "王芳", "--db", path, NULL);
  g_assert_cmpstr (out, ==, "1\t王芳\t138****8000\n");
}

static gint64
add_contact (SiyuIngest *ingest,
             const char *name,
             const char *phone,
             const char *email,
             const char *wechat,
             const char *city)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .name = name, .phone = phone, .email = email, .wechat_id = wechat, .city = city,
    .platform = "shopify", .platform_id = NULL, .seen_at = 1735689600, .consent = -1, .do_not_contact = -1,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The part of the search index @shard is of, block by block, and that of
 * an index built afresh from the contacts it should hold. */
static void
assert_index_as_if_never_there (SiyuDb *db,
                                guint   shard)
{
  g_autofree char *fill = g_strdup_printf ("INSERT INTO temp.fresh (rowid, name, phone, email, wechat_id) "
                                           "SELECT id, name, phone, email, wechat_id FROM contacts "
                                           "WHERE id %% 16 = %u AND erased_at IS NULL ORDER BY id;"
                                           "INSERT INTO temp.fresh (fresh) VALUES ('optimize');",
                                           shard);
  g_autofree char *stored_sql = g_strdup_printf ("SELECT group_concat (hex (block), ' ') FROM "
                                                 "(SELECT block FROM contacts_fts_%u_data WHERE id > 10 ORDER BY id)",
                                                 shard);
  sqlite3 *handle = siyu_db_get_handle (db);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *fresh = NULL;

  g_assert_true (siyu_db_exec (db, "CREATE VIRTUAL TABLE temp.fresh USING fts5 (name, phone, email, wechat_id, "
                                   "content = '', tokenize = 'trigram')", NULL));
  g_assert_true (siyu_db_exec (db, fill, NULL));

  g_assert_cmpint (sqlite3_prepare_v2 (handle, stored_sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  stored = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT group_concat (hex (block), ' ') FROM "
                                               "(SELECT block FROM temp.fresh_data WHERE id > 10 ORDER BY id)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  fresh = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_true (siyu_db_exec (db, "DROP TABLE temp.fresh", NULL));

  g_assert_nonnull (stored);
  g_assert_cmpstr (stored, ==, fresh);
}

/* In the app: the shop stays open, so its log is there to be read too.  The
 * person's part of the index had many segments: contacts came in several
 * batches, and others changed since. */
static void
test_no_trace_open_shop (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  GStatBuf st;
  gint64 id = 0;

  for (guint batch = 0; batch < 6; batch++)
    {
      g_assert_true (siyu_db_begin (db, NULL));
      for (guint i = 0; i < 20; i++)
        {
          g_autofree char *phone = g_strdup_printf ("1350000%02u%02u", batch, i);
          g_autofree char *email = g_strdup_printf ("buyer%u.%u@example.com", batch, i);
          g_autofree char *name = g_strdup_printf ("顾客%u号", batch * 20 + i);

          add_contact (ingest, name, phone, i % 2 ? email : NULL, NULL, "杭州");
        }
      if (batch == 3)
        {
          SiyuContactRecord record = {
            .name = NAME, .phone = PHONE, .email = EMAIL, .wechat_id = WECHAT, .city = CITY,
            .birthday = BIRTHDAY, .platform = "shopify", .platform_id = CUSTOMER,
            .seen_at = 1735689600, .consent = 1, .consent_at = 1735689600, .consent_source = "shop",
            .do_not_contact = -1,
          };

          id = siyu_ingest_contact (ingest, &record, NULL, &error);
          g_assert_no_error (error);
          g_assert_true (siyu_ingest_tag (ingest, id, "茶友", "manual", 0, &error));
          g_assert_true (siyu_ingest_event (ingest, id, "inquiry", 1735689700, 0, NOTES, &error));
          g_assert_true (siyu_ingest_group_member (ingest, siyu_ingest_group (ingest, "茶友群", "wechat", 1735689600, &error),
                                                   id, "member", 1735689700, 0, &error));
        }
      g_assert_true (siyu_db_commit (db, &error));
      g_assert_no_error (error);
    }
  g_assert_true (siyu_contact_set (shop, id, SIYU_CONTACT_NOTES, NOTES, NULL, &error));
  g_assert_true (siyu_contact_set (shop, id + 16, SIYU_CONTACT_NAME, "顾客新名", NULL, &error));
  g_assert_true (siyu_contact_set (shop, id - 16, SIYU_CONTACT_EMAIL, "someone@example.com", NULL, &error));
  g_assert_no_error (error);

  found = scan_shop (path);
  g_assert_nonnull (strstr (found, "欧阳翠 at"));
  g_clear_pointer (&found, g_free);

  g_assert_true (siyu_contact_erase (shop, id, &error));
  g_assert_no_error (error);

  /* Nothing in the file, nothing in its log, which is empty. */
  found = scan_shop (path);
  g_assert_cmpstr (found, ==, "");
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  /* Their part of the index is what it would be had they never been there. */
  assert_index_as_if_never_there (db, id % SIYU_SEARCH_SHARDS);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM search_pending", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM group_members", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM events", NULL), ==, 0);

  /* The others are still found. */
  {
    g_autoptr(GArray) ids = siyu_contacts_search (shop, "顾客新名", 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (ids->len, ==, 1);
    g_assert_cmpint (g_array_index (ids, gint64, 0), ==, id + 16);
  }
}

static char *
import (const char *path,
        const char *file,
        const char *kind)
{
  return cli (0, "import", file, "--kind", kind, "--db", path, NULL);
}

/* Issue 15, defect 4: the next import brought an erased person back. */
static void
test_stays_erased (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shop.siyu", NULL);
  g_autofree char *customers = g_build_filename (dir, "customers.csv", NULL);
  g_autofree char *orders = g_build_filename (dir, "orders.csv", NULL);
  g_autofree char *more_orders = g_build_filename (dir, "more-orders.csv", NULL);
  g_autofree char *id_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *found = NULL;
  gint64 id, back;

  write_text (customers, customers_csv);
  write_text (orders, orders_csv);
  write_text (more_orders, more_orders_csv);
  g_free (cli (0, "create", "--db", path, "--name", "茶铺", NULL));
  g_free (import (path, customers, "customers"));
  g_free (import (path, orders, "orders"));
  id = find_contact (path, NATIONAL);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_free (cli (0, "contact", "delete", id_text, "--yes", "--db", path, NULL));
  g_assert_cmpint (raw_query_int (path, "SELECT count (*) FROM erasure_tombstones"), ==, 4);

  /* The same files again: nobody comes back, the orders stay anonymous. */
  out = import (path, customers, "customers");
  g_assert_nonnull (strstr (out, "Contacts: 0 new, 5 matched\n"));
  g_assert_nonnull (strstr (out, "1 row of erased people kept anonymous\n"));
  g_clear_pointer (&out, g_free);
  out = import (path, more_orders, "orders");
  g_assert_nonnull (strstr (out, "Contacts: 0 new, 0 matched\n"));
  g_assert_nonnull (strstr (out, "Orders: 1 new, 0 updated, 2 unchanged (1 lines)\n"));
  g_assert_nonnull (strstr (out, "4 rows of erased people kept anonymous\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (find_contact (path, NATIONAL), ==, 0);
  g_assert_cmpint (raw_query_int (path, "SELECT count (*) FROM contacts WHERE erased_at IS NULL"), ==, 5);
  g_assert_cmpint (raw_query_int (path, "SELECT count (*) FROM orders WHERE external_ref = 'A-4' AND contact_id IS NULL"), ==, 1);
  g_assert_cmpint (raw_query_int (path, "SELECT count (*) FROM orders o JOIN contacts c ON c.id = o.contact_id "
                                        "WHERE o.external_ref IN ('A-1', 'A-2') AND c.erased_at IS NOT NULL"), ==, 2);
  g_assert_cmpint (raw_query_int (path, "SELECT count (*) FROM contact_identities WHERE value IN "
                                        "('" E164 "', '" EMAIL_LOW "', '" WECHAT "', '" CUSTOMER "')"), ==, 0);
  found = scan_shop (path);
  g_assert_cmpstr (found, ==, "");
  g_clear_pointer (&found, g_free);

  /* Asking does nothing; a value nobody erased is refused. */
  out = cli (0, "contact", "unerase", "--phone", PHONE, "--db", path, NULL);
  g_assert_nonnull (strstr (out, "This belongs to a person erased on "));
  g_clear_pointer (&out, g_free);
  g_free (cli (1, "contact", "unerase", "--phone", "13800138000", "--yes", "--db", path, NULL));
  g_free (cli (1, "contact", "unerase", "--email", "nobody@example.com", "--yes", "--db", path, NULL));
  g_free (cli (2, "contact", "unerase", "--customer-id", CUSTOMER, "--yes", "--db", path, NULL));
  g_assert_cmpint (raw_query_int (path, "SELECT count (*) FROM erasure_tombstones"), ==, 4);

  /* She came back and agreed: the owner lets her back by her e-mail. */
  out = cli (0, "contact", "unerase", "--email", EMAIL, "--yes", "--db", path, NULL);
  g_assert_cmpstr (out, ==, "Let the person back (4 identities): the next import or sync that carries them makes "
                            "a contact again.\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (raw_query_int (path, "SELECT count (*) FROM erasure_tombstones"), ==, 0);
  out = cli (0, "audit", "--json", "--db", path, NULL);
  g_assert_nonnull (strstr (out, "\"action\" : \"unerase\""));
  g_assert_null (strstr (out, "ouyang"));
  g_assert_null (strstr (out, "87654321"));
  g_clear_pointer (&out, g_free);

  out = import (path, customers, "customers");
  g_assert_nonnull (strstr (out, "Contacts: 1 new, 5 matched\n"));
  g_assert_null (strstr (out, "erased"));
  g_clear_pointer (&out, g_free);
  back = find_contact (path, NATIONAL);
  g_assert_cmpint (back, >, id);
  g_free (import (path, more_orders, "orders"));
  g_assert_cmpint (raw_query_int (path, "SELECT count (DISTINCT contact_id) FROM orders WHERE external_ref IN ('A-1', 'A-2', 'A-4')"),
                   ==, 1);
  g_assert_cmpint (raw_query_int (path, "SELECT contact_id FROM orders WHERE external_ref = 'A-4'"), ==, back);
}

/* Events, group rows and tags of an erased person write nothing either,
 * and the manual list of a group's members says who it is. */
static void
test_erased_rows_of_every_kind (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuTombstones) tombstones = NULL;
  SiyuContactRecord record = {
    .name = NAME, .phone = PHONE, .seen_at = 1735689600, .consent = -1, .do_not_contact = -1,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);
  gint64 group;

  g_assert_no_error (error);
  g_assert_true (siyu_contact_erase (shop, id, &error));
  g_assert_no_error (error);

  tombstones = siyu_tombstones_load (shop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_tombstones_get_size (tombstones), ==, 1);
  g_assert_true (siyu_tombstones_contains (tombstones, "phone", E164));
  g_assert_false (siyu_tombstones_contains (tombstones, "phone", "+8613800138000"));
  g_assert_false (siyu_tombstones_contains (tombstones, "email", E164));
  /* The hash, never the value. */
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM erasure_tombstones WHERE hash = CAST ('" E164 "' AS BLOB)",
                                      NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT length (hash) FROM erasure_tombstones", NULL), ==, 32);

  g_assert_true (siyu_db_begin (db, NULL));
  g_assert_cmpint (siyu_ingest_contact (ingest, &record, NULL, &error), ==, 0);
  g_assert_no_error (error);
  group = siyu_ingest_group (ingest, "老客群", "wechat", 1735689600, &error);
  g_assert_true (siyu_ingest_group_member (ingest, group, 0, "member", 1735689600, 0, &error));
  g_assert_true (siyu_ingest_event (ingest, 0, "visit", 1735689600, 0, NULL, &error));
  g_assert_true (siyu_ingest_tag (ingest, 0, "茶友", "import", 1735689600, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_db_commit (db, NULL));
  g_assert_cmpuint (siyu_ingest_get_counts (ingest)->erased_kept, ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM group_members", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM events", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contact_tags", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contacts WHERE erased_at IS NULL", NULL), ==, 0);

  /* Lifting it, in a transaction of its own, is seen by the same ingest. */
  g_assert_true (siyu_tombstones_lift (shop, "phone", PHONE, &error) == 1);
  g_assert_no_error (error);
  g_assert_true (siyu_db_begin (db, NULL));
  g_assert_cmpint (siyu_ingest_contact (ingest, &record, NULL, &error), >, id);
  g_assert_true (siyu_db_commit (db, NULL));
}

/* Records a sync set aside hold the platform's JSON as it came: those of
 * an erased person go with them, the others stay. */
static void
test_sync_rejects_erased (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  SiyuContactRecord record = {
    .name = NAME, .phone = PHONE, .email = EMAIL, .wechat_id = WECHAT, .platform = "shopify",
    .platform_id = CUSTOMER, .seen_at = 1735689600, .consent = -1, .do_not_contact = -1,
  };
  gint64 id;

  id = siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_no_error (error);
  siyu_db_exec (db,
                               "INSERT INTO channels (kind, name, platform, created_at) VALUES ('online_shop', 'Tea', 'shopify', 0);"
                               "INSERT INTO sync_accounts (platform, name, shop_url, channel_id, created_at) "
                               "VALUES ('shopify', 'tea', 'https://tea.myshopify.com', (SELECT max (id) FROM channels), 0);"
                               "INSERT INTO sync_rejects (account_id, resource, platform_id, reason, raw, created_at, updated_at) VALUES "
                               "(1, 'customers', '" CUSTOMER "', 'shape', '{\"id\":\"" CUSTOMER "\"}', 0, 0),"
                               "(1, 'orders', '9001', 'shape', '{\"email\":\"" EMAIL "\"}', 0, 0),"
                               "(1, 'orders', '9002', 'phone', '{\"phone\":\"(139) 8765-4321\"}', 0, 0),"
                               "(1, 'orders', '9003', 'shape', '{\"customer\":{\"id\":\"" CUSTOMER "\"}}', 0, 0),"
                               "(1, 'orders', '9004', 'shape', '{\"email\":\"someone.else@example.com\"}', 0, 0)",
                               &error);
  g_assert_no_error (error);

  g_assert_true (siyu_contact_erase (shop, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM sync_rejects", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT platform_id FROM sync_rejects", NULL), ==, 9004);
  found = scan_shop (siyu_shop_get_path (shop));
  g_assert_cmpstr (found, ==, "");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/erasure/no-trace-cli", test_no_trace_cli);
  g_test_add_func ("/siyu/erasure/no-trace-open-shop", test_no_trace_open_shop);
  g_test_add_func ("/siyu/erasure/sync-rejects", test_sync_rejects_erased);
  g_test_add_func ("/siyu/erasure/stays-erased", test_stays_erased);
  g_test_add_func ("/siyu/erasure/erased-rows-of-every-kind", test_erased_rows_of_every_kind);

  return g_test_run ();
}
