/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "siyu-db.h"
#include "siyu-import.h"
#include "siyu-shop.h"
#include "siyu-test-util.h"

/* A shop file is untrusted input (docs/SECURITY.md): one sent by someone
 * else may carry SQL of its own in its schema.  Siyu refuses any schema
 * but its own, runs none of the file's SQL, and opens every shop in
 * SQLite's defensive mode with trusted_schema off.  Shop files are created
 * for their owner only, never through a link. */

static char *
copy_file (const char *from,
           const char *dir,
           const char *name)
{
  g_autofree char *contents = NULL;
  gsize length;
  char *to = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);

  return to;
}

static void
assert_no_side_files (const char *path)
{
  static const char * const suffixes[] = { "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);

      g_assert_false (g_file_test (side, G_FILE_TEST_EXISTS));
    }
}

/* Opening @path is refused with @code and a message holding @words, and
 * the file is left as it was, with nothing beside it. */
static void
assert_refused (const char *path,
                int         code,
                const char *words)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *before = copy_file (path, dir, "before.siyu");
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);

  g_assert_null (shop);
  g_assert_error (error, SIYU_DB_ERROR, code);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” is not in “%s”", words, error->message);
  g_assert_true (siyu_test_files_equal (path, before));
  assert_no_side_files (path);
}

static gint64
plain_query_int (const char *path,
                 const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);

  return value;
}

/* What an import of Siyu up to d97dcb0 did with the search index's
 * triggers: read their text from the file and run it. */
static gboolean
old_import_resume (const char *path)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("BEGIN; DROP TRIGGER contacts_fts_insert; DROP TRIGGER contacts_fts_update;");
  gboolean ran;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND "
                                               "name IN ('contacts_fts_insert', 'contacts_fts_update') ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (sql, "%s;", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_exec (handle, sql->str, NULL, NULL, NULL);
  stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT count (*) FROM settings WHERE key = 'pwned'", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  ran = sqlite3_column_int (stmt, 0) > 0;
  sqlite3_finalize (stmt);
  sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (handle);

  return ran;
}

/* Issue 15, defect 1: SQL appended after a trigger's END ran as SQL of its
 * own when an import set the triggers aside and put them back. */
static void
test_trigger_with_tail (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *old = g_build_filename (dir, "old.siyu", NULL);
  g_autofree char *current = g_build_filename (dir, "current.siyu", NULL);
#define TAIL(trigger) \
  "PRAGMA writable_schema = ON;" \
  "UPDATE sqlite_schema SET sql = sql || '; INSERT INTO settings (key, value) VALUES (''pwned'', ''yes'')' " \
  "WHERE name = '" trigger "';" \
  "PRAGMA writable_schema = OFF;"

  /* A shop of the release before, as the attacker sends it. */
  siyu_test_write_shop (old, 6, TAIL ("contacts_fts_insert"));
  /* SQLite reads such a schema without complaint, and the old import ran
   * the tail. */
  g_assert_cmpint (plain_query_int (old, "SELECT count (*) FROM contacts"), ==, 0);
  g_assert_true (old_import_resume (old));
  g_assert_cmpint (plain_query_int (old, "SELECT count (*) FROM settings WHERE key = 'pwned'"), ==, 0);

  assert_refused (old, SIYU_DB_ERROR_UNTRUSTED,
                  "old.siyu” was not opened: the trigger “contacts_fts_insert” in it was changed from the one Siyu makes");

  siyu_test_write_shop (current, siyu_db_get_latest_schema_version (), TAIL ("contacts_search_insert"));
#undef TAIL
  assert_refused (current, SIYU_DB_ERROR_UNTRUSTED,
                  "current.siyu” was not opened: the trigger “contacts_search_insert” in it was changed from the one "
                  "Siyu makes, so the file may have been made to run commands of its own. The file was not changed.");
}

/* A trigger that calls fts3_tokenizer () with a pointer of the attacker's
 * choosing: with Debian's SQLite, a call through that pointer. */
static void
test_fts3_tokenizer_trigger (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "evil.siyu", NULL);

  siyu_test_write_shop (path, siyu_db_get_latest_schema_version (),
                        "CREATE TRIGGER evil AFTER INSERT ON contacts BEGIN "
                        "  SELECT fts3_tokenizer ('simple', x'4141414141414141'); "
                        "END;");
  assert_refused (path, SIYU_DB_ERROR_UNTRUSTED,
                  "evil.siyu” was not opened: the trigger “evil” in it is not one Siyu makes, so the file may have "
                  "been made to run commands of its own. The file was not changed.");
}

static void
test_unknown_objects (void)
{
  static const struct {
    const char *sql;
    const char *words;
    int         code;
  } cases[] = {
    { "CREATE VIEW contacts_view AS SELECT name FROM contacts;",
      "the view “contacts_view” in it is not one Siyu makes", SIYU_DB_ERROR_UNTRUSTED },
    { "CREATE TABLE loot (value TEXT DEFAULT (load_extension ('/tmp/x')));",
      "the table “loot” in it is not one Siyu makes", SIYU_DB_ERROR_UNTRUSTED },
    { "CREATE INDEX contacts_lower ON contacts (lower (name));",
      "the index “contacts_lower” in it is not one Siyu makes", SIYU_DB_ERROR_UNTRUSTED },
    /* A known table, changed: its default runs at every insert. */
    { "PRAGMA writable_schema = ON;"
      "UPDATE sqlite_schema SET sql = replace (sql, 'notes             TEXT,', 'notes TEXT DEFAULT (fts3_tokenizer (''simple'')),') "
      "WHERE name = 'contacts';",
      "the table “contacts” in it was changed from the one Siyu makes", SIYU_DB_ERROR_UNTRUSTED },
    { "DROP TRIGGER contacts_search_update;",
      "the trigger “contacts_search_update” is missing from it, so the shop is damaged", SIYU_DB_ERROR_CORRUPT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = siyu_test_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "crafted.siyu", NULL);

      siyu_test_write_shop (path, siyu_db_get_latest_schema_version (), cases[i].sql);
      assert_refused (path, cases[i].code, cases[i].words);
    }
}

/* What SQLite's ANALYZE adds is no threat, and a tool the owner uses may
 * add it. */
static void
test_statistics_allowed (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "analyzed.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = NULL;

  siyu_test_write_shop (path, siyu_db_get_latest_schema_version (), "ANALYZE;");
  g_assert_cmpint (plain_query_int (path, "SELECT count (*) FROM sqlite_schema WHERE name = 'sqlite_stat1'"), ==, 1);
  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shop);
}

/* Every connection is defensive, trusts no schema, and erases what it
 * deletes. */
static void
test_connection_hardened (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3 *handle = siyu_db_get_handle (db);
  g_autoptr(GError) error = NULL;
  int on = -1;

  g_assert_cmpint (siyu_db_query_int (db, "PRAGMA trusted_schema", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (db, "PRAGMA secure_delete", NULL), ==, 1);
  g_assert_cmpint (sqlite3_db_config (handle, SQLITE_DBCONFIG_DEFENSIVE, -1, &on), ==, SQLITE_OK);
  g_assert_cmpint (on, ==, 1);
  g_assert_cmpint (sqlite3_db_config (handle, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, -1, &on), ==, SQLITE_OK);
  g_assert_cmpint (on, ==, 0);

  /* The schema cannot be written, nor the index's shadow tables. */
  g_assert_true (siyu_db_exec (db, "PRAGMA writable_schema = ON", NULL));
  g_assert_false (siyu_db_exec (db, "UPDATE sqlite_schema SET sql = sql WHERE name = 'contacts'", &error));
  g_clear_error (&error);
  g_assert_false (siyu_db_exec (db, "DELETE FROM contacts_fts_3_data", &error));
  g_clear_error (&error);
  /* fts3_tokenizer () takes no pointer. */
  g_assert_false (siyu_db_exec (db, "SELECT fts3_tokenizer ('simple', x'4141414141414141')", &error));
  g_clear_error (&error);
  /* Siyu makes no views, and uses none. */
  g_assert_true (siyu_db_exec (db, "CREATE VIEW main.v AS SELECT 1", NULL));
  g_assert_false (siyu_db_exec (db, "SELECT * FROM main.v", &error));
  g_clear_error (&error);
}

/* The shop file and its log are for their owner only, whatever the umask. */
static void
test_private_mode (void)
{
  static const mode_t masks[] = { 0, 022, 077 };

  for (guint i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      g_autofree char *dir = siyu_test_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "private.siyu", NULL);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SiyuShop) shop = NULL;
      mode_t old = umask (masks[i]);
      GStatBuf st;

      shop = siyu_shop_create (path, "Private", NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (siyu_shop_set_name (shop, "Still private", &error));
      g_assert_no_error (error);
      umask (old);

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_assert_cmpint (g_stat (wal, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_assert_cmpint (g_stat (shm, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }
}

/* A link planted where the shop is to be created is never followed: the
 * file it points to is neither made nor changed. */
static void
test_symlink_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "new.siyu", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *victim = g_build_filename (dir, "victim", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = NULL;

  /* To a file that does not exist yet. */
  g_assert_cmpint (symlink (victim, path), ==, 0);
  shop = siyu_shop_create (path, "Shop", NULL, NULL, &error);
  g_assert_null (shop);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (g_file_test (victim, G_FILE_TEST_EXISTS));

  /* To one that does. */
  g_assert_true (g_file_set_contents (victim, "the owner's notes", -1, NULL));
  shop = siyu_shop_create (path, "Shop", NULL, NULL, &error);
  g_assert_null (shop);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the owner's notes");
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* Where its log would go. */
  g_assert_cmpint (symlink (victim, wal), ==, 0);
  shop = siyu_shop_create (path, "Shop", NULL, NULL, &error);
  g_assert_null (shop);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "new.siyu-wal” is in the way"));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the owner's notes");
  g_assert_cmpint (g_unlink (wal), ==, 0);

  /* Beside a shop that exists. */
  shop = siyu_shop_create (path, "Shop", NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&shop);
  assert_no_side_files (path);
  g_assert_cmpint (symlink (victim, wal), ==, 0);
  shop = siyu_shop_open (path, &error);
  g_assert_null (shop);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "new.siyu-wal” is in the way"));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the owner's notes");
}

/* An import no longer sets the search index's triggers aside: the schema
 * after it is still exactly Siyu's, and the index knows the new people. */
static void
test_import_keeps_schema (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "customers.csv", NULL);
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (csv, "name,phone\n王芳,13800138000\n李雷,13912345678\n", -1, NULL));
  import = siyu_import_new (shop, csv, SIYU_IMPORT_CUSTOMERS);
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM search_pending", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop),
                                      "SELECT rowid FROM contacts_fts_2 WHERE contacts_fts_2 MATCH '\"345678\"'", NULL),
                   ==, 2);
  g_clear_object (&import);
  g_clear_object (&shop);

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/shop-file/trigger-with-tail", test_trigger_with_tail);
  g_test_add_func ("/siyu/shop-file/fts3-tokenizer-trigger", test_fts3_tokenizer_trigger);
  g_test_add_func ("/siyu/shop-file/unknown-objects", test_unknown_objects);
  g_test_add_func ("/siyu/shop-file/statistics-allowed", test_statistics_allowed);
  g_test_add_func ("/siyu/shop-file/connection-hardened", test_connection_hardened);
  g_test_add_func ("/siyu/shop-file/private-mode", test_private_mode);
  g_test_add_func ("/siyu/shop-file/symlink-refused", test_symlink_refused);
  g_test_add_func ("/siyu/shop-file/import-keeps-schema", test_import_keeps_schema);

  return g_test_run ();
}
