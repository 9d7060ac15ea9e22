/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>

#include "siyu-db.h"
#include "siyu-ingest.h"
#include "siyu-shop.h"
#include "siyu-test-util.h"

static const char * const tables[] = {
  "analytics_runs", "audit_log", "campaign_phase_segments", "campaign_phases", "campaign_plan_stages", "campaign_plans",
  "campaign_touch_days", "campaigns", "channels", "cohort_cells", "community_groups", "contact_identities",
  "contact_metrics", "contact_predictions", "contact_tags", "contacts", "data_version", "erasure_keys", "erasure_tombstones",
  "events", "group_members", "lifecycle_models", "order_items",
  "orders", "possible_duplicates", "products", "refunds", "replenishments", "return_items", "returns", "search_pending", "segments", "settings", "stage_snapshots", "sync_accounts",
  "sync_cursors", "sync_encrypted", "sync_rejects", "tags", "tier_history", "tiers", "touch_members", "touches", NULL
};

static void
write_file (const char *path,
            const char *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
assert_no_side_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

static void
test_create (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "new.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *expected = g_strjoinv (",", (char **) tables);
  sqlite3_stmt *stmt;

  db = siyu_db_create (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);

  g_assert_cmpint (siyu_db_get_schema_version (db), ==, siyu_db_get_latest_schema_version ());
  g_assert_cmpint (siyu_db_query_int (db, "PRAGMA application_id", NULL), ==, SIYU_DB_APPLICATION_ID);
  g_assert_cmpint (siyu_db_query_int (db, "PRAGMA foreign_keys", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM lifecycle_models WHERE active", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT sum (threshold) FROM tiers", NULL), ==, 1050000);

  stmt = siyu_db_prepare (db, "PRAGMA journal_mode", &error);
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_step (db, stmt, NULL), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_reset (stmt);

  stmt = siyu_db_prepare (db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                              "AND name NOT LIKE 'contacts\\_fts\\_%' ESCAPE '\\' ORDER BY name", &error);
  g_assert_no_error (error);
  while (siyu_db_step (db, stmt, NULL) == SQLITE_ROW)
    g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "", sqlite3_column_text (stmt, 0));
  g_assert_cmpstr (names->str, ==, expected);
  /* The search index: 16 FTS5 tables of 4 shadow tables each. */
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM sqlite_schema WHERE type = 'table' "
                                          "AND name GLOB 'contacts_fts_[0-9]*'", NULL), ==, 16 * 5);

  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM pragma_foreign_key_check", NULL), ==, 0);
}

/* Every foreign key has an index, so deletes and joins never scan. */
static void
test_foreign_keys_indexed (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fk.siyu", NULL);
  g_autoptr(SiyuDb) db = siyu_db_create (path, NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  sqlite3_stmt *stmt;

  g_assert_nonnull (db);

  stmt = siyu_db_prepare (db,
                          "SELECT m.name, f.\"from\" FROM sqlite_schema m, pragma_foreign_key_list (m.name) f "
                          "WHERE m.type = 'table' AND NOT EXISTS ("
                          "  SELECT 1 FROM pragma_index_list (m.name) il, pragma_index_info (il.name) ii "
                          "  WHERE ii.seqno = 0 AND ii.name = f.\"from\") "
                          "AND NOT EXISTS (SELECT 1 FROM pragma_table_info (m.name) ti "
                          "  WHERE ti.pk = 1 AND ti.name = f.\"from\")",
                          NULL);
  g_assert_nonnull (stmt);
  while (siyu_db_step (db, stmt, NULL) == SQLITE_ROW)
    g_string_append_printf (missing, "%s.%s ", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);

  g_assert_cmpstr (missing->str, ==, "");
}

static void
test_create_refuses_existing (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "taken.siyu", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = NULL;

  write_file (path, "the owner's notes", -1);
  write_file (copy, "the owner's notes", -1);

  db = siyu_db_create (path, &error);
  g_assert_null (db);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "taken.siyu"));
  g_assert_true (siyu_test_files_equal (path, copy));
}

static void
test_create_missing_folder (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "no", "such", "shop.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = siyu_db_create (path, &error);

  g_assert_null (db);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_read_only (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *sub = g_build_filename (dir, "locked", NULL);
  g_autofree char *path = g_build_filename (sub, "new.siyu", NULL);
  g_autofree char *file = g_build_filename (dir, "ro.siyu", NULL);
  g_autofree char *copy = g_build_filename (dir, "ro.copy", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = NULL;
  g_autoptr(SiyuDb) created = NULL;
  g_autofree char *bytes = NULL;
  gsize len;

  if (geteuid () == 0)
    {
      g_test_skip ("permissions do not bind root");
      return;
    }

  g_assert_cmpint (g_mkdir (sub, 0555), ==, 0);
  db = siyu_db_create (path, &error);
  g_assert_null (db);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  created = siyu_db_create (file, &error);
  g_assert_no_error (error);
  g_clear_object (&created);
  bytes = siyu_test_read_file (file, &len);
  write_file (copy, bytes, len);
  g_assert_cmpint (g_chmod (file, 0444), ==, 0);

  /* A read-only file opens for reading, and nothing is made beside it. */
  db = siyu_db_open (file, &error);
  g_assert_no_error (error);
  g_assert_true (siyu_db_is_read_only (db));
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM lifecycle_models", &error), ==, 1);
  g_assert_false (siyu_db_exec (db, "DELETE FROM tiers", &error));
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_object (&db);
  g_assert_true (siyu_test_files_equal (file, copy));
  assert_no_side_files (file);
}

/* What Siyu does with a shop it cannot write, asked for explicitly: the
 * tests run as root, whom permissions do not bind. */
static void
test_open_read_only (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "ro.siyu", NULL);
  g_autofree char *copy = g_build_filename (dir, "ro.copy", NULL);
  g_autofree char *old = g_build_filename (dir, "old.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = NULL;
  g_autofree char *bytes = NULL;
  gsize len;

  db = siyu_db_create (file, &error);
  g_assert_no_error (error);
  g_assert_false (siyu_db_is_read_only (db));
  g_assert_true (siyu_db_exec (db, "INSERT INTO channels (kind, name, created_at) VALUES ('other', '门店', 0)", &error));
  g_clear_object (&db);
  assert_no_side_files (file);
  bytes = siyu_test_read_file (file, &len);
  write_file (copy, bytes, len);

  db = siyu_db_open_read_only (file, &error);
  g_assert_no_error (error);
  g_assert_true (siyu_db_is_read_only (db));
  /* Open, it has still nothing beside it: no log, no shared memory. */
  assert_no_side_files (file);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM channels WHERE name = '门店'", &error), ==, 1);
  g_assert_cmpint (siyu_db_get_schema_version (db), ==, siyu_db_get_latest_schema_version ());
  g_assert_false (siyu_db_begin (db, &error) && siyu_db_exec (db, "DELETE FROM channels", &error));
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY);
  g_assert_true (g_str_has_suffix (error->message, "ro.siyu” is read-only: Siyu needs to be able to write to the "
                                                   "shop file and its folder."));
  g_clear_error (&error);
  siyu_db_rollback (db);
  g_clear_object (&db);
  assert_no_side_files (file);
  g_assert_true (siyu_test_files_equal (file, copy));

  /* Changes still in the log of a connection that writes are read. */
  {
    g_autoptr(SiyuDb) writer = siyu_db_open (file, &error);

    g_assert_no_error (error);
    g_assert_true (siyu_db_exec (writer, "PRAGMA wal_autocheckpoint = 0", &error));
    g_assert_true (siyu_db_exec (writer, "INSERT INTO channels (kind, name, created_at) VALUES ('other', '集市', 0)",
                                 &error));
    db = siyu_db_open_read_only (file, &error);
    g_assert_no_error (error);
    g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM channels", &error), ==, 2);
    g_clear_object (&db);
  }

  /* An older shop must be brought up to date, which is a write. */
  siyu_test_write_shop (old, siyu_db_get_latest_schema_version () - 1, NULL);
  db = siyu_db_open_read_only (old, &error);
  g_assert_null (db);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY);
  assert_no_side_files (old);
}

static void
test_open_missing (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "gone.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = siyu_db_open (path, &error);

  g_assert_null (db);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone.siyu"));
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Opens @path expecting @code, and checks the file kept every byte. */
static void
assert_refused_unchanged (const char *path,
                          int         code,
                          const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize len_before, len_after;

  before = siyu_test_read_file (path, &len_before);
  db = siyu_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, SIYU_DB_ERROR, code);
  g_assert_nonnull (strstr (error->message, message_part));
  after = siyu_test_read_file (path, &len_after);
  g_assert_cmpmem (before, len_before, after, len_after);
  assert_no_side_files (path);
}

static void
test_open_not_sqlite (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "orders.csv", NULL);

  write_file (path, "order,phone,total\nA1,13812345678,10.00\n", -1);
  assert_refused_unchanged (path, SIYU_DB_ERROR_NOT_A_DATABASE, "is not a Siyu shop file");
}

static void
test_open_empty_file (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "empty.siyu", NULL);

  write_file (path, "", 0);
  assert_refused_unchanged (path, SIYU_DB_ERROR_NOT_A_SHOP, "is not a Siyu shop file");
}

static void
test_open_other_sqlite (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE notes (text); INSERT INTO notes VALUES ('x');"
                                         "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  assert_refused_unchanged (path, SIYU_DB_ERROR_NOT_A_SHOP, "is not a Siyu shop file");
}

static void
test_open_newer (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "future.siyu", NULL);
  g_autoptr(SiyuDb) db = siyu_db_create (path, NULL);
  g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d",
                                             siyu_db_get_latest_schema_version () + 1);

  g_assert_nonnull (db);
  g_assert_true (siyu_db_exec (db, pragma, NULL));
  g_clear_object (&db);

  assert_refused_unchanged (path, SIYU_DB_ERROR_TOO_NEW, "newer version of Siyu");
}

static void
test_open_folder (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = siyu_db_open (dir, &error);

  g_assert_null (db);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_A_SHOP);
}

static void
test_reopen (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "again.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuDb) db = siyu_db_create (path, &error);

  g_assert_no_error (error);
  g_assert_true (siyu_db_exec (db, "INSERT INTO tags (name, created_at) VALUES ('VIP', 1)", NULL));
  g_clear_object (&db);

  db = siyu_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_get_schema_version (db), ==, siyu_db_get_latest_schema_version ());
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM tags", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM tiers", NULL), ==, 4);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM lifecycle_models", NULL), ==, 1);
}

/* A shop saved by any earlier release is brought up to date in place, its
 * data kept: its schema is the one that release's migrations made. */
static void
test_migrate_from_each (void)
{
  for (int version = 1; version < siyu_db_get_latest_schema_version (); version++)
    {
      g_autofree char *dir = siyu_test_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "old.siyu", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SiyuDb) db = NULL;

      siyu_test_write_shop (path, version,
                            "INSERT INTO tags (name, created_at) VALUES ('老客', 1);"
                            "INSERT INTO contacts (name, phone, first_seen_at, created_at, updated_at) "
                            "  VALUES ('王芳', '+8613800138000', 1, 1, 1);"
                            "INSERT INTO segments (name, definition, created_at, updated_at) "
                            "  VALUES ('Big', '{\"field\":\"orders\",\"op\":\">\",\"value\":3}', 1, 1);"
                            "INSERT INTO touches (name, segment_id, kind, created_at) VALUES ('Mail', 1, 'export', 1);"
                            "INSERT INTO audit_log (at, actor, action, detail) VALUES (1, 'me', 'export', '{\"count\":3}');"
                            "INSERT INTO channels (kind, name, created_at) VALUES ('online_shop', 'tea', 1);"
                            "INSERT INTO sync_accounts (platform, name, shop_url, channel_id, created_at) "
                            "  VALUES ('shopify', 'tea', 'https://tea.myshopify.com', 1, 1);");

      db = siyu_db_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (siyu_db_get_schema_version (db), ==, siyu_db_get_latest_schema_version ());
      g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM tags WHERE name = '老客'", NULL), ==, 1);
      g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM segments WHERE name = 'Big' "
                                              "AND definition ->> '$.value' = 3", NULL), ==, 1);
      g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM audit_log WHERE detail ->> '$.count' = 3",
                                          NULL), ==, 1);
      /* Rebuilding segments left what points to it alone. */
      g_assert_cmpint (siyu_db_query_int (db, "SELECT segment_id FROM touches WHERE name = 'Mail'", NULL), ==, 1);
      /* The search index is built for the contacts already there. */
      g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contacts_fts_1 WHERE contacts_fts_1 MATCH '\"3800138\"'",
                                          NULL), ==, 1);
      g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM pragma_foreign_key_check", NULL), ==, 0);
      /* An account made before migration 9 gets its random keyring id. */
      if (version < 9)
        g_assert_cmpint (siyu_db_query_int (db, "SELECT length (secret_id) FROM sync_accounts WHERE "
                                                "secret_id GLOB '[0-9a-f]*' AND NOT secret_id GLOB '*[^0-9a-f]*'", NULL), ==, 32);
    }
}

static void
test_statement_cache (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cache.siyu", NULL);
  g_autoptr(SiyuDb) db = siyu_db_create (path, NULL);
  sqlite3_stmt *first, *second;
  g_autoptr(GError) error = NULL;

  first = siyu_db_prepare (db, "SELECT ?", NULL);
  sqlite3_bind_int (first, 1, 7);
  second = siyu_db_prepare (db, "SELECT ?", NULL);
  g_assert_true (first == second);
  /* Bindings are cleared between uses. */
  g_assert_cmpint (siyu_db_step (db, second, NULL), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (second, 0), ==, SQLITE_NULL);
  sqlite3_reset (second);

  g_assert_null (siyu_db_prepare (db, "SELEKT 1", &error));
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_FAILED);
}

/* A statement is found again by the address of its text, but only while
 * the text there is the same: SQL built in a buffer that is used again
 * for other SQL gets the other statement. */
static void
test_statement_cache_address (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cache.siyu", NULL);
  g_autoptr(SiyuDb) db = siyu_db_create (path, NULL);
  char sql[32];
  sqlite3_stmt *one, *two;

  for (guint round = 0; round < 2; round++)
    {
      g_strlcpy (sql, "SELECT 1", sizeof sql);
      one = siyu_db_prepare (db, sql, NULL);
      g_assert_cmpint (siyu_db_step (db, one, NULL), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (one, 0), ==, 1);
      sqlite3_reset (one);

      g_strlcpy (sql, "SELECT 2", sizeof sql);
      two = siyu_db_prepare (db, sql, NULL);
      g_assert_true (two != one);
      g_assert_cmpint (siyu_db_step (db, two, NULL), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (two, 0), ==, 2);
      sqlite3_reset (two);
    }
}

static void
test_constraints (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fk.siyu", NULL);
  g_autoptr(SiyuDb) db = siyu_db_create (path, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (siyu_db_exec (db,
                                "INSERT INTO orders (channel_id, external_ref, status, created_at, currency, "
                                "  total_amount, updated_at) VALUES (99, 'A1', 'paid', 1, 'CNY', 100, 1)",
                                &error));
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  g_assert_false (siyu_db_exec (db,
                                "INSERT INTO channels (kind, name, created_at) VALUES ('rocket', 'x', 1)",
                                &error));
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CONSTRAINT);
}

/* A full disk fails the write with SIYU_DB_ERROR_FULL, and the rolled-back
 * batch leaves the shop as it was.  SQLite's page limit gives the same
 * SQLITE_FULL as a full disk. */
static void
test_disk_full (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;
  g_autofree char *limit = NULL;
  gint64 pages;
  guint i;

  g_assert_true (siyu_db_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", NULL));
  pages = siyu_db_query_int (db, "PRAGMA page_count", NULL);
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages + 2);
  g_assert_true (siyu_db_exec (db, limit, NULL));

  g_assert_true (siyu_db_begin (db, NULL));
  for (i = 0; i < 100000; i++)
    {
      g_autofree char *phone = g_strdup_printf ("1990000%04u", i);
      SiyuContactRecord record = {
        .name = "张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰张三丰",
        .phone = phone, .seen_at = 1700000000, .consent = -1, .do_not_contact = -1,
      };

      if (siyu_ingest_contact (ingest, &record, NULL, &error) < 0)
        break;
    }
  g_assert_cmpuint (i, <, 100000);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  siyu_db_rollback (db);

  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contacts", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM contact_identities", NULL), ==, 0);
}

static void
test_integrity (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ok.siyu", NULL);
  g_autoptr(SiyuDb) db = siyu_db_create (path, NULL);
  sqlite3_stmt *stmt = siyu_db_prepare (db, "PRAGMA integrity_check", NULL);

  g_assert_cmpint (siyu_db_step (db, stmt, NULL), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_reset (stmt);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/db/create", test_create);
  g_test_add_func ("/siyu/db/foreign-keys-indexed", test_foreign_keys_indexed);
  g_test_add_func ("/siyu/db/create-refuses-existing", test_create_refuses_existing);
  g_test_add_func ("/siyu/db/create-missing-folder", test_create_missing_folder);
  g_test_add_func ("/siyu/db/read-only", test_read_only);
  g_test_add_func ("/siyu/db/open-read-only", test_open_read_only);
  g_test_add_func ("/siyu/db/open-missing", test_open_missing);
  g_test_add_func ("/siyu/db/open-not-sqlite", test_open_not_sqlite);
  g_test_add_func ("/siyu/db/open-empty-file", test_open_empty_file);
  g_test_add_func ("/siyu/db/open-other-sqlite", test_open_other_sqlite);
  g_test_add_func ("/siyu/db/open-newer", test_open_newer);
  g_test_add_func ("/siyu/db/open-folder", test_open_folder);
  g_test_add_func ("/siyu/db/reopen", test_reopen);
  g_test_add_func ("/siyu/db/migrate-from-each", test_migrate_from_each);
  g_test_add_func ("/siyu/db/statement-cache", test_statement_cache);
  g_test_add_func ("/siyu/db/statement-cache-address", test_statement_cache_address);
  g_test_add_func ("/siyu/db/constraints", test_constraints);
  g_test_add_func ("/siyu/db/disk-full", test_disk_full);
  g_test_add_func ("/siyu/db/integrity", test_integrity);

  return g_test_run ();
}
