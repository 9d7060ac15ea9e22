/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "siyu-groups.h"
#include "siyu-recompute.h"
#include "siyu-test-util.h"

static char *tmp_root;

static void
remove_tree (const char *path)
{
  GDir *dir;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      if (dir != NULL)
        {
          const char *name;

          while ((name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *child = g_build_filename (path, name, NULL);
              remove_tree (child);
            }
          g_dir_close (dir);
        }
    }

  g_remove (path);
}

static void
remove_tmp_root (void)
{
  if (tmp_root != NULL && g_getenv ("SIYU_TEST_KEEP") == NULL)
    remove_tree (tmp_root);
  g_clear_pointer (&tmp_root, g_free);
}

/* A fresh directory for one test, under one root per test program that is
 * removed when the program exits (set SIYU_TEST_KEEP to keep it). */
char *
siyu_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir;

  if (tmp_root == NULL)
    {
      tmp_root = g_dir_make_tmp ("siyu-test-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmp_root);
    }

  dir = g_build_filename (tmp_root, "XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (dir));

  return dir;
}

char *
siyu_test_read_file (const char *path,
                     gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);

  return contents;
}

gboolean
siyu_test_files_equal (const char *a,
                       const char *b)
{
  gsize len_a, len_b;
  g_autofree char *ca = siyu_test_read_file (a, &len_a);
  g_autofree char *cb = siyu_test_read_file (b, &len_b);

  return len_a == len_b && memcmp (ca, cb, len_a) == 0;
}

GResource *siyu_core_get_resource (void);

/* Writes at @path the shop an older Siyu made: the first @version
 * migrations, run as that Siyu ran them, then @sql (may be %NULL) on a
 * plain SQLite connection: how a test builds a legitimate older shop, or a
 * crafted one. */
void
siyu_test_write_shop (const char *path,
                      int         version,
                      const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *header = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA journal_mode = WAL;",
                                             SIYU_DB_APPLICATION_ID);
  g_autofree char *footer = g_strdup_printf ("PRAGMA user_version = %d;", version);
  sqlite3 *handle = NULL;
  char *message = NULL;

  g_assert_cmpint (version, <=, siyu_db_get_latest_schema_version ());
  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, header, NULL, NULL, NULL), ==, SQLITE_OK);
  for (int i = 0; i < version; i++)
    {
      g_autoptr(GBytes) bytes = g_resource_lookup_data (siyu_core_get_resource (), siyu_db_get_migration (i),
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      sqlite3_exec (handle, text, NULL, NULL, &message);
      g_assert_cmpstr (message, ==, NULL);
    }
  g_assert_cmpint (sqlite3_exec (handle, footer, NULL, NULL, NULL), ==, SQLITE_OK);
  if (sql != NULL)
    {
      sqlite3_exec (handle, sql, NULL, NULL, &message);
      g_assert_cmpstr (message, ==, NULL);
    }
  g_assert_cmpint (sqlite3_close (handle), ==, SQLITE_OK);
}

SiyuShop *
siyu_test_new_shop (const char *dir,
                    const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "shop.siyu", NULL);
  SiyuShop *shop;

  shop = siyu_shop_create (path, name != NULL ? name : "Test shop", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shop);

  return shop;
}

/* "2025-03-01 23:59:59" in the shop's time zone, as UTC seconds. */
gint64
siyu_test_time (SiyuShop   *shop,
                const char *local)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, mo, d, h, mi, s;

  g_assert_cmpint (sscanf (local, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s), ==, 6);
  dt = g_date_time_new (siyu_shop_get_time_zone (shop), y, mo, d, h, mi, s);
  g_assert_nonnull (dt);

  return g_date_time_to_unix (dt);
}

/* ../shared beside the checkout, or NULL when it is not there (a user's
 * clone): tests that need its data sets skip then. */
const char *
siyu_test_shared_dir (void)
{
  const char *dir = g_getenv ("SIYU_SHARED_DIR");

  if (dir != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR))
    return dir;

  return NULL;
}

/* Runs the built siyu-cli with the given arguments; returns its exit code. */
int
siyu_test_run_cli (char       **out,
                   char       **err,
                   const char  *first_arg,
                   ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("SIYU_CLI");
  int status = 0;
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &status, &error);
  g_assert_no_error (error);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);

  return -1;
}

/* Zips @parts (name, contents, name, contents, …, %NULL) into @path with
 * libarchive, so that XLSX fixtures are written by the tests themselves. */
void
siyu_test_write_zip (const char        *path,
                     const char *const *parts)
{
  struct archive *zip = archive_write_new ();

  archive_write_set_format_zip (zip);
  g_assert_cmpint (archive_write_open_filename (zip, path), ==, ARCHIVE_OK);
  for (guint i = 0; parts[i] != NULL; i += 2)
    {
      struct archive_entry *entry = archive_entry_new ();
      gsize len = strlen (parts[i + 1]);

      archive_entry_set_pathname (entry, parts[i]);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, (la_int64_t) len);
      g_assert_cmpint (archive_write_header (zip, entry), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (zip, parts[i + 1], len), ==, (la_ssize_t) len);
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (zip), ==, ARCHIVE_OK);
  archive_write_free (zip);
}

/* A contact seen at @seen (local time), a member from then if @member. */
gint64
siyu_test_add_contact (SiyuIngest *ingest,
                       SiyuShop   *shop,
                       const char *name,
                       const char *phone,
                       const char *seen,
                       gboolean    member)
{
  g_autoptr(GError) error = NULL;
  gint64 at = siyu_test_time (shop, seen);
  SiyuContactRecord record = {
    .name = name, .phone = phone, .seen_at = at, .consent = -1, .do_not_contact = -1,
    .member_since = member ? at : 0,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* A paid order of one line of 龙井, @amount in fen. */
void
siyu_test_add_order (SiyuIngest *ingest,
                     SiyuShop   *shop,
                     gint64      channel,
                     const char *ref,
                     gint64      contact,
                     const char *at,
                     gint64      amount)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { "LJ-250", "龙井", 1, amount, amount };
  SiyuOrderRecord order = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = siyu_test_time (shop, at), .currency = "CNY", .total_amount = amount, .items = &item,
    .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
}

/**
 * siyu_test_review_shop:
 * @more_buyers: four of the group's people also buy for the first time in
 *   March, ¥50 each: five new buyers, enough for the card that welcomes
 *   them
 *
 * The shop of the review's tests: four members seen in January 2026;
 * 王芳 bought on 10 January (¥300), 5 and 20 March (¥300 each); 张伟 on
 * 11 January (¥80); 李雷 on 25 March (¥30); 赵敏 never.  Ten more people,
 * not members, joined the group 茶友群 on 10 January; two left on
 * 10 March.  The data ends on 31 March 2026, and the figures are counted.
 *
 * March: 2 buyers (one new, one back), 3 paid orders, ¥630.00, all from
 * members; repurchase 1 of 2 = 50 %, AOV ¥630 ÷ 3 = ¥210.00.  February:
 * no buyer.  January: 2 buyers, ¥380.00.
 */
SiyuShop *
siyu_test_review_shop (const char *dir,
                       gboolean    more_buyers)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 wang = siyu_test_add_contact (ingest, shop, "王芳", "13800138000", "2026-01-02 10:00:00", TRUE);
  gint64 li = siyu_test_add_contact (ingest, shop, "李雷", "13912345678", "2026-01-03 10:00:00", TRUE);
  gint64 zhang = siyu_test_add_contact (ingest, shop, "张伟", "13700137000", "2026-01-04 10:00:00", TRUE);
  gint64 friends[10];
  char *phones[11] = { NULL, };
  guint added = 0;

  siyu_test_add_contact (ingest, shop, "赵敏", "13600136000", "2026-01-05 10:00:00", TRUE);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("茶友%u", i);

      phones[i] = g_strdup_printf ("1350000%04u", i);
      friends[i] = siyu_test_add_contact (ingest, shop, name, phones[i], "2026-01-06 10:00:00", FALSE);
    }
  siyu_test_add_order (ingest, shop, channel, "A1", wang, "2026-01-10 12:00:00", 30000);
  siyu_test_add_order (ingest, shop, channel, "A2", zhang, "2026-01-11 12:00:00", 8000);
  siyu_test_add_order (ingest, shop, channel, "A3", wang, "2026-03-05 12:00:00", 30000);
  siyu_test_add_order (ingest, shop, channel, "A4", wang, "2026-03-20 12:00:00", 30000);
  siyu_test_add_order (ingest, shop, channel, "A5", li, "2026-03-25 12:00:00", 3000);
  if (more_buyers)
    for (guint i = 2; i < 6; i++)
      {
        g_autofree char *ref = g_strdup_printf ("B%u", i);

        siyu_test_add_order (ingest, shop, channel, ref, friends[i], "2026-03-26 12:00:00", 5000);
      }
  g_clear_object (&ingest);

  g_assert_true (siyu_group_add_members (shop, "茶友群", "wechat", (const char * const *) phones,
                                         siyu_test_time (shop, "2026-01-10 09:00:00"), &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 10);
  {
    const char *leaving[] = { phones[0], phones[1], NULL };

    g_assert_true (siyu_group_remove_members (shop, "茶友群", leaving,
                                              siyu_test_time (shop, "2026-03-10 09:00:00"), &added, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 2);
  for (guint i = 0; i < 10; i++)
    g_free (phones[i]);

  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")),
                                         &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return shop;
}
