/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "siyu-application.h"
#include "siyu-contacts-page-private.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The contacts list on a shop of N contacts (a million by default), with
 * the real widgets: how long until the list shows its first screen, how
 * memory grows while scrolling from top to bottom, and how long a search
 * takes to show its first screen.  Prints figures; asserts nothing.
 *
 *   xvfb-run -a dbus-run-session -- _build/tests/bench-contacts [N] */

static gint64
rss_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);

  return line != NULL ? g_ascii_strtoll (line + strlen (field), NULL, 10) : -1;
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
wait_ready (SiyuContactsPage *page)
{
  while (g_str_equal (_siyu_contacts_page_get_state (page), "loading"))
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_first_row (SiyuContactsPage *page)
{
  for (;;)
    {
      g_autofree char *name = _siyu_contacts_page_get_cell (page, 0, 0);

      if (name != NULL)
        return;
      g_main_context_iteration (NULL, TRUE);
    }
}

/* N contacts with Chinese names and phones, made by SQL in one go. */
static char *
make_shop (const char *dir,
           guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "contacts.siyu", NULL);
  g_autoptr(SiyuShop) shop = siyu_shop_create (path, "Bench", NULL, NULL, &error);
  g_autofree char *sql = NULL;

  g_assert_no_error (error);
  sql = g_strdup_printf ("BEGIN;"
                         "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %u) "
                         "INSERT INTO contacts (name, phone, first_seen_at, created_at, updated_at) "
                         "SELECT substr ('王李张刘陈杨黄赵吴周', i %% 10 + 1, 1) || "
                         "       substr ('芳伟娜敏静丽强磊军洋', i / 10 %% 10 + 1, 1) || "
                         "       substr ('秀英华明国建平红玉兰', i / 100 %% 10 + 1, 1), "
                         "       printf ('+86139%%08d', i), 1700000000 + i, 1700000000, 1700000000 FROM n;"
                         "COMMIT;", n);
  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), sql, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static void
nothing_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_boolean (task, TRUE);
}

static void
nothing_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Waits until the worker has done what was asked of it so far. */
static void
wait_worker (SiyuWindow *window)
{
  gboolean done = FALSE;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, nothing_done_cb, &done);

  siyu_shop_runner_run (siyu_window_get_runner (window), task, nothing_job);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SiyuApplication) app = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  SiyuWindow *window;
  SiyuContactsPage *page;
  SiyuContactModel *model;
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  gint64 started, made;
  double open_s, first_s, scroll_s, search_s;
  gint64 rss_before, rss_after;
  guint n_items;

  gtk_init ();
  adw_init ();

  dir = g_dir_make_tmp ("siyu-bench-XXXXXX", &error);
  g_assert_no_error (error);
  started = g_get_monotonic_time ();
  path = make_shop (dir, n);
  made = g_get_monotonic_time ();
  g_print ("made a shop of %u contacts in %.1f s\n", n, (made - started) / 1e6);

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  window = siyu_window_new (app, shop);
  gtk_window_present (GTK_WINDOW (window));
  iterate ();

  started = g_get_monotonic_time ();
  page = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  wait_ready (page);
  open_s = (g_get_monotonic_time () - started) / 1e6;
  wait_first_row (page);
  iterate ();
  first_s = (g_get_monotonic_time () - started) / 1e6;

  model = siyu_contacts_page_get_model (page);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  rss_before = rss_kib ("VmRSS:");
  started = g_get_monotonic_time ();
  /* From top to bottom a screen at a time, as a scrollbar dragged down
   * asks for rows. */
  for (guint i = 0; i < n_items; i += 25)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (i % 2500 == 0)
        iterate ();
    }
  wait_worker (window);
  iterate ();
  scroll_s = (g_get_monotonic_time () - started) / 1e6;
  rss_after = rss_kib ("VmRSS:");

  started = g_get_monotonic_time ();
  _siyu_contacts_page_search (page, "5678", FALSE);
  wait_ready (page);
  wait_first_row (page);
  search_s = (g_get_monotonic_time () - started) / 1e6;

  g_print ("contacts list of %u: list shown in %.3f s, first screen of rows in %.3f s\n",
           n_items, open_s, first_s);
  g_print ("scrolled top to bottom in %.2f s: resident memory %" G_GINT64_FORMAT " MiB before, "
           "%" G_GINT64_FORMAT " MiB after (%u blocks of rows kept)\n",
           scroll_s, rss_before / 1024, rss_after / 1024, siyu_contact_model_get_n_cached_blocks (model));
  g_print ("search “5678”: %u found, first screen in %.3f s; peak resident memory %" G_GINT64_FORMAT " MiB\n",
           g_list_model_get_n_items (G_LIST_MODEL (model)), search_s, rss_kib ("VmHWM:") / 1024);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&shop);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);

  return 0;
}
