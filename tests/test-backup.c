/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* memmem () */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "siyu-backup.h"
#include "siyu-consent.h"
#include "siyu-contacts.h"
#include "siyu-import.h"
#include "siyu-model.h"
#include "siyu-test-util.h"

#define TEA_ORDERS TEST_SRCDIR "/data/import/tea-shop-orders.csv"

static void
import_tea_orders (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuImport) import = siyu_import_new (shop, TEA_ORDERS, SIYU_IMPORT_ORDERS);

  g_assert_true (siyu_import_open (import, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static char *
causes_of (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = siyu_backup_list (shop, &error);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < backups->len; i++)
    {
      SiyuBackup *backup = g_ptr_array_index (backups, i);

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", backup->cause);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Every row of every table of the shop, in a fixed order: what a restore
 * must bring back. */
static char *
dump_data (SiyuShop *shop)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  stmt = siyu_db_prepare (db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                              "ORDER BY name", NULL);
  while (siyu_db_step (db, stmt, NULL) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1", (char *) tables->pdata[i]);
      sqlite3_stmt *rows = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (db), sql, -1, &rows, NULL), ==, SQLITE_OK);
      g_string_append_printf (out, "[%s]\n", (char *) tables->pdata[i]);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (rows); c++)
            {
              const void *bytes = sqlite3_column_blob (rows, c);
              int n = sqlite3_column_bytes (rows, c);

              g_string_append_c (out, c > 0 ? '|' : ' ');
              if (sqlite3_column_type (rows, c) == SQLITE_NULL)
                g_string_append (out, "NULL");
              else
                g_string_append_len (out, bytes, n);
            }
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (rows);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gint64
count (SiyuShop   *shop,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 n = siyu_db_query_int (siyu_shop_get_db (shop), sql, &error);

  g_assert_no_error (error);
  return n;
}

/* A backup is kept before each change the owner may want back, and only
 * the owner can read it. */
static void
test_before_each_change (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autofree char *folder = g_build_filename (dir, "shop-backups", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(JsonNode) undo = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *causes = NULL;
  SiyuModel model;
  GStatBuf st;

  {
    g_autofree char *tea = siyu_backup_folder_for ("/x/tea.siyu");
    g_autofree char *plain = siyu_backup_folder_for ("/x/shop");

    g_assert_cmpstr (tea, ==, "/x/tea-backups");
    g_assert_cmpstr (plain, ==, "/x/shop-backups");
  }
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));

  import_tea_orders (shop);
  g_assert_cmpint (count (shop, "SELECT count (*) FROM contacts"), ==, 12);

  undo = siyu_contact_merge (shop, 1, 2, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (siyu_contact_erase (shop, 3, &error));
  g_assert_no_error (error);

  g_assert_true (siyu_model_load (shop, &model, &error));
  g_assert_true (siyu_model_save (shop, &model, &error));
  g_assert_no_error (error);
  siyu_model_clear (&model);

  for (gint64 id = 4; id <= 6; id++)
    g_array_append_val (ids, id);
  {
    g_autoptr(JsonNode) consent_undo = siyu_consent_set (shop, (const gint64 *) (gpointer) ids->data, ids->len,
                                                         SIYU_CONSENT_GIVEN, "shop", FALSE, "contacts", 0, NULL,
                                                         &error);
    g_assert_no_error (error);
    g_assert_nonnull (consent_undo);
  }
  /* One contact is no bulk change. */
  {
    g_autoptr(JsonNode) consent_undo = siyu_consent_set (shop, (const gint64 *) (gpointer) ids->data, 1,
                                                         SIYU_CONSENT_REFUSED, "shop", FALSE, "contacts", 0, NULL,
                                                         &error);
    g_assert_no_error (error);
  }

  causes = causes_of (shop);
  g_assert_cmpstr (causes, ==, "bulk model erase merge import");

  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  backups = siyu_backup_list (shop, &error);
  for (guint i = 0; i < backups->len; i++)
    {
      SiyuBackup *backup = g_ptr_array_index (backups, i);
      g_autoptr(SiyuShop) copy = NULL;

      g_assert_cmpint (g_stat (backup->path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_assert_cmpint (backup->size, ==, st.st_size);
      copy = siyu_shop_open_read_only (backup->path, &error);
      g_assert_no_error (error);
      /* Each holds the shop as it was just before its change. */
      if (g_str_equal (backup->cause, "import"))
        g_assert_cmpint (count (copy, "SELECT count (*) FROM contacts"), ==, 0);
      if (g_str_equal (backup->cause, "merge"))
        g_assert_cmpint (count (copy, "SELECT count (*) FROM contacts"), ==, 12);
      if (g_str_equal (backup->cause, "erase"))
        g_assert_cmpint (count (copy, "SELECT count (*) FROM contacts WHERE erased_at IS NOT NULL"), ==, 0);
    }
  g_assert_cmpstr (siyu_backup_cause_label ("import"), ==, "Before an import");
}

/* A restore brings back every row as it was; the shop as it was before is
 * kept as a backup, and restoring that takes the restore back. */
static void
test_restore_round_trip (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shop.siyu", NULL);
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuBackup) kept = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *before = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *after = NULL;
  g_autofree char *again = NULL;
  g_autofree char *kept_path = NULL;
  gboolean added;

  import_tea_orders (shop);
  before = dump_data (shop);
  kept = siyu_backup_create (shop, SIYU_BACKUP_CAUSE_MANUAL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept->cause, ==, "manual");
  kept_path = g_strdup (kept->path);

  g_assert_true (siyu_contact_erase (shop, 5, &error));
  g_assert_true (siyu_contact_tag (shop, 6, "VIP", &added, &error));
  g_assert_true (siyu_shop_set_name (shop, "Renamed", &error));
  g_assert_no_error (error);
  changed = dump_data (shop);
  g_assert_cmpstr (changed, !=, before);

  g_assert_true (siyu_backup_restore (shop, kept_path, &error));
  g_assert_no_error (error);
  after = dump_data (shop);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "Tea");
  g_assert_cmpint (count (shop, "SELECT count (*) FROM contacts WHERE erased_at IS NULL"), ==, 12);

  /* Still whole when opened again. */
  g_clear_object (&shop);
  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  again = dump_data (shop);
  g_assert_cmpstr (again, ==, before);
  g_assert_cmpint (count (shop, "SELECT count (*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"), ==, 0);

  /* The shop before the restore, newest: restoring it takes the restore back. */
  backups = siyu_backup_list (shop, &error);
  g_assert_cmpuint (backups->len, ==, 4);   /* restore, erase, manual, import */
  g_assert_cmpstr (((SiyuBackup *) backups->pdata[0])->cause, ==, "restore");
  g_assert_true (siyu_backup_restore (shop, ((SiyuBackup *) backups->pdata[0])->path, &error));
  g_assert_no_error (error);
  g_free (after);
  after = dump_data (shop);
  g_assert_cmpstr (after, ==, changed);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "Renamed");
}

/* A backup an older Siyu kept is brought up to date in a copy, and left
 * as it was. */
static void
test_restore_older (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autofree char *old = g_build_filename (dir, "old.siyu", NULL);
  g_autofree char *folder = g_build_filename (dir, "shop-backups", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  int version = siyu_db_get_latest_schema_version () - 1;
  const char *name;

  siyu_test_write_shop (old, version,
                        "INSERT INTO contacts (name, phone, first_seen_at, created_at, updated_at) "
                        "VALUES ('Old Wang', '+8613800138000', 1, 1, 1)");
  g_assert_true (g_file_get_contents (old, &before, NULL, NULL));

  g_assert_true (siyu_backup_restore (shop, old, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_get_schema_version (siyu_shop_get_db (shop)), ==, version + 1);
  g_assert_cmpint (count (shop, "SELECT count (*) FROM contacts WHERE name = 'Old Wang'"), ==, 1);

  g_assert_true (g_file_get_contents (old, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
  /* Only the shop before the restore is left in the folder. */
  listing = g_dir_open (folder, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_true (g_str_has_suffix (name, "Z-restore.siyu"));
}

/* What is not a backup of a shop is refused, and the shop is not changed. */
static void
test_restore_refuses (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autofree char *text = g_build_filename (dir, "notes.siyu", NULL);
  g_autofree char *hostile = g_build_filename (dir, "hostile.siyu", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.siyu", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *causes = NULL;
  g_autoptr(GError) error = NULL;

  import_tea_orders (shop);
  before = dump_data (shop);

  g_assert_true (g_file_set_contents (text, "not a shop\n", -1, NULL));
  g_assert_false (siyu_backup_restore (shop, text, &error));
  g_assert_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_NOT_A_BACKUP);
  g_assert_true (g_str_has_prefix (error->message, "“notes.siyu” cannot be restored: "));
  g_clear_error (&error);

  /* A shop with a trigger Siyu does not make. */
  {
    g_autoptr(SiyuShop) other = siyu_shop_create (hostile, "Other", NULL, NULL, &error);

    g_assert_no_error (error);
  }
  {
    sqlite3 *handle;

    g_assert_cmpint (sqlite3_open (hostile, &handle), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle, "CREATE TRIGGER evil AFTER INSERT ON contacts BEGIN "
                                           "DELETE FROM orders; END", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (handle);
  }
  g_assert_false (siyu_backup_restore (shop, hostile, &error));
  g_assert_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_NOT_A_BACKUP);
  g_clear_error (&error);

  g_assert_false (siyu_backup_restore (shop, missing, &error));
  g_assert_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "There is no backup “missing.siyu”.");
  g_clear_error (&error);

  g_assert_null (siyu_backup_find (shop, "20990101T000000Z-manual.siyu", &error));
  g_assert_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_NOT_FOUND);

  after = dump_data (shop);
  g_assert_cmpstr (after, ==, before);
  /* Nothing restored, so no backup of a restore either. */
  causes = causes_of (shop);
  g_assert_cmpstr (causes, ==, "import");
}

/* When no backup can be kept, the change does not happen. */
static void
test_no_backup_no_change (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autofree char *folder = g_build_filename (dir, "shop-backups", NULL);
  g_autoptr(SiyuImport) import = siyu_import_new (shop, TEA_ORDERS, SIYU_IMPORT_ORDERS);
  g_autoptr(GError) error = NULL;

  /* A file where the folder should be. */
  g_assert_true (g_file_set_contents (folder, "", -1, NULL));
  g_assert_true (siyu_import_open (import, NULL, &error));
  g_assert_false (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Could not make the backup folder “"));
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_suffix (error->message, "”: Not a directory. Nothing was changed."));
  g_assert_cmpint (count (shop, "SELECT count (*) FROM orders"), ==, 0);
  g_assert_cmpint (count (shop, "SELECT count (*) FROM contacts"), ==, 0);
}

/* A shop open read-only is never changed, so it needs no backup, and
 * none is made beside it. */
static void
test_read_only (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shop.siyu", NULL);
  g_autofree char *folder = g_build_filename (dir, "shop-backups", NULL);
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autoptr(SiyuShop) viewed = NULL;
  g_autoptr(SiyuBackup) backup = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&shop);
  viewed = siyu_shop_open_read_only (path, &error);
  g_assert_no_error (error);
  g_assert_true (siyu_backup_before (viewed, SIYU_BACKUP_CAUSE_IMPORT, &error));
  backup = siyu_backup_create (viewed, SIYU_BACKUP_CAUSE_MANUAL, &error);
  g_assert_null (backup);
  g_assert_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

static void
touch_backup (const char *folder,
              const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  g_assert_true (g_file_set_contents (path, "", -1, NULL));
}

/* The latest N, then the latest of each of the last days and months,
 * in the shop's time zone (Asia/Shanghai, UTC+8). */
static void
test_retention (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autofree char *folder = g_build_filename (dir, "shop-backups", NULL);
  g_autoptr(GDateTime) first = g_date_time_new_utc (2025, 1, 1, 4, 0, 0);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 6, 15, 6, 0, 0);   /* 14:00 in Shanghai */
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  SiyuBackupRetention retention;
  guint made = 0;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  /* Two a day, at noon and 13:00 in Shanghai, from 1 January 2025. */
  for (g_autoptr(GDateTime) day = g_date_time_ref (first); g_date_time_compare (day, now) < 0;)
    {
      g_autoptr(GDateTime) later = g_date_time_add_hours (day, 1);
      g_autofree char *noon = g_date_time_format (day, "%Y%m%dT%H%M%SZ-sync.siyu");
      g_autofree char *one = g_date_time_format (later, "%Y%m%dT%H%M%SZ-import.siyu");
      GDateTime *next = g_date_time_add_days (day, 1);

      touch_backup (folder, noon);
      touch_backup (folder, one);
      made += 2;
      g_date_time_unref (day);
      day = next;
    }
  /* Not backups: left alone. */
  touch_backup (folder, "notes.txt");
  touch_backup (folder, "20260615T010203Z-Import.siyu");
  g_assert_cmpuint (made, ==, 2 * 531);

  siyu_backup_get_retention (shop, &retention);
  g_assert_cmpuint (retention.keep_last, ==, 10);
  g_assert_cmpuint (retention.keep_days, ==, 7);
  g_assert_cmpuint (retention.keep_months, ==, 12);

  g_assert_cmpuint (_siyu_backup_prune_at (shop, g_date_time_to_unix (now), &error), ==, made - 23);
  g_assert_no_error (error);
  backups = siyu_backup_list (shop, &error);
  for (guint i = 0; i < backups->len; i++)
    {
      g_autofree char *name = g_path_get_basename (((SiyuBackup *) backups->pdata[i])->path);

      g_string_append_printf (kept, "%s\n", name);
    }
  g_assert_cmpstr (kept->str, ==,
                   /* the latest 10 */
                   "20260615T050000Z-import.siyu\n20260615T040000Z-sync.siyu\n"
                   "20260614T050000Z-import.siyu\n20260614T040000Z-sync.siyu\n"
                   "20260613T050000Z-import.siyu\n20260613T040000Z-sync.siyu\n"
                   "20260612T050000Z-import.siyu\n20260612T040000Z-sync.siyu\n"
                   "20260611T050000Z-import.siyu\n20260611T040000Z-sync.siyu\n"
                   /* the latest of each of the last 7 days, 9–15 June */
                   "20260610T050000Z-import.siyu\n20260609T050000Z-import.siyu\n"
                   /* the latest of each of the last 12 months, July 2025 – June 2026 */
                   "20260531T050000Z-import.siyu\n20260430T050000Z-import.siyu\n"
                   "20260331T050000Z-import.siyu\n20260228T050000Z-import.siyu\n"
                   "20260131T050000Z-import.siyu\n20251231T050000Z-import.siyu\n"
                   "20251130T050000Z-import.siyu\n20251031T050000Z-import.siyu\n"
                   "20250930T050000Z-import.siyu\n20250831T050000Z-import.siyu\n"
                   "20250731T050000Z-import.siyu\n");
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));

  /* Fewer kept: removed at once. */
  retention.keep_last = 1;
  retention.keep_days = 0;
  retention.keep_months = 2;
  g_assert_true (siyu_backup_set_retention (shop, &retention, &error));
  g_assert_no_error (error);
  g_clear_pointer (&backups, g_ptr_array_unref);
  backups = siyu_backup_list (shop, &error);
  /* The latest, and that of the month before, now (December 2026 or later). */
  g_assert_cmpuint (backups->len, ==, 1);

  retention.keep_last = 0;
  g_assert_false (siyu_backup_set_retention (shop, &retention, &error));
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
  g_clear_error (&error);
  retention.keep_last = 10;
  retention.keep_months = 121;
  g_assert_false (siyu_backup_set_retention (shop, &retention, &error));
  g_assert_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING);
}

/* Backups of one second are numbered and listed in the order they were
 * made; a partial backup a killed run left is removed. */
static void
test_same_second (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autofree char *folder = g_build_filename (dir, "shop-backups", NULL);
  g_autofree char *partial = g_build_filename (folder, ".partial-AbC123", NULL);
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  struct utimbuf old = { 0, 0 };
  gint64 second;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (partial, "half", -1, NULL));
  g_assert_cmpint (g_utime (partial, &old), ==, 0);

  /* Made within one second, or the test is run again. */
  do
    {
      g_clear_pointer (&backups, g_ptr_array_unref);
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(SiyuBackup) backup = siyu_backup_create (shop, i == 1 ? "merge" : "manual", &error);

          g_assert_no_error (error);
        }
      backups = siyu_backup_list (shop, &error);
      second = ((SiyuBackup *) backups->pdata[0])->created_at;
    }
  while (((SiyuBackup *) backups->pdata[2])->created_at != second);

  g_assert_cmpuint (((SiyuBackup *) backups->pdata[0])->sequence, ==, 3);
  g_assert_cmpstr (((SiyuBackup *) backups->pdata[0])->cause, ==, "manual");
  g_assert_cmpuint (((SiyuBackup *) backups->pdata[1])->sequence, ==, 2);
  g_assert_cmpstr (((SiyuBackup *) backups->pdata[1])->cause, ==, "merge");
  g_assert_cmpuint (((SiyuBackup *) backups->pdata[2])->sequence, ==, 1);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
}

static gboolean
file_holds (const char *path,
            const char *text)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return memmem (contents, length, text, strlen (text)) != NULL;
}

/* “Erase from backups too”: the backups that hold the person go, the
 * others stay. */
static void
test_erase_from_backups (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Tea");
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *causes = NULL;
  g_autofree char *phone = NULL;
  gint64 id;
  guint removed = 99;

  import_tea_orders (shop);
  id = count (shop, "SELECT contact_id FROM contact_identities WHERE kind = 'phone' AND value = '+8613920047514'");
  g_assert_cmpint (id, >, 0);
  phone = g_strdup ("+8613920047514");
  {
    g_autoptr(SiyuBackup) manual = siyu_backup_create (shop, SIYU_BACKUP_CAUSE_MANUAL, &error);

    g_assert_no_error (error);
    g_assert_true (file_holds (manual->path, phone));
  }

  g_assert_true (siyu_contact_erase_from_backups (shop, id, &removed, &error));
  g_assert_no_error (error);
  /* The manual backup and the one kept before the erasure held them; the
   * one before the import, of an empty shop, did not. */
  g_assert_cmpuint (removed, ==, 2);
  causes = causes_of (shop);
  g_assert_cmpstr (causes, ==, "import");

  backups = siyu_backup_list (shop, &error);
  for (guint i = 0; i < backups->len; i++)
    g_assert_false (file_holds (((SiyuBackup *) backups->pdata[i])->path, phone));
  g_assert_cmpint (count (shop, "SELECT count (*) FROM contacts WHERE erased_at IS NOT NULL"), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/backup/before-each-change", test_before_each_change);
  g_test_add_func ("/siyu/backup/restore-round-trip", test_restore_round_trip);
  g_test_add_func ("/siyu/backup/restore-older", test_restore_older);
  g_test_add_func ("/siyu/backup/restore-refuses", test_restore_refuses);
  g_test_add_func ("/siyu/backup/no-backup-no-change", test_no_backup_no_change);
  g_test_add_func ("/siyu/backup/read-only", test_read_only);
  g_test_add_func ("/siyu/backup/retention", test_retention);
  g_test_add_func ("/siyu/backup/same-second", test_same_second);
  g_test_add_func ("/siyu/backup/erase-from-backups", test_erase_from_backups);

  return g_test_run ();
}
