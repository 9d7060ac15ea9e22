/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

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
