/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-ingest.h"
#include "siyu-overview-page-private.h"
#include "siyu-preferences-window-private.h"
#include "siyu-test-util.h"
#include "siyu-time.h"
#include "siyu-window-private.h"

static SiyuApplication *app;

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds; fails the test after 20 s
 * instead of hanging. */
static void
wait_for (Condition condition,
          gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
figures_ready (gpointer data)
{
  return !g_str_equal (_siyu_overview_page_get_state (data), "loading");
}

static SiyuShop *
shop_with_sales (const char *dir)
{
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "小王的咖啡店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *phone = g_strdup_printf ("1380000000%d", i);
      g_autofree char *ref = g_strdup_printf ("R%d", i);
      SiyuContactRecord contact = { .phone = phone, .consent = -1, .do_not_contact = -1 };
      SiyuOrderRecord order = { .channel_id = channel, .external_ref = ref, .status = "paid", .currency = "CNY" };

      contact.seen_at = siyu_test_time (shop, i < 2 ? "2026-01-05 10:00:00" : "2026-03-20 10:00:00");
      contact.member_since = i == 0 ? siyu_test_time (shop, "2026-03-10 10:00:00") : 0;
      order.contact_id = siyu_ingest_contact (ingest, &contact, NULL, &error);
      order.created_at = siyu_test_time (shop, i == 0 ? "2026-02-20 10:00:00" : "2026-03-25 10:00:00");
      order.total_amount = 123456 * (i + 1);
      g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
    }
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 3, 31), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&shop);
}

static void
test_overview (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);

  gtk_window_present (GTK_WINDOW (window));
  wait_for (figures_ready, page);

  g_assert_cmpstr (_siyu_overview_page_get_state (page), ==, "figures");
  g_assert_cmpstr (_siyu_window_get_title (window), ==, "小王的咖啡店");
  g_assert_cmpstr (_siyu_overview_page_get_as_of (page), ==, "As of 31 March 2026");
  g_assert_cmpstr (_siyu_overview_page_get_value (page, SIYU_FIGURE_CONTACTS), ==, "3");
  g_assert_cmpstr (_siyu_overview_page_get_change (page, SIYU_FIGURE_CONTACTS), ==, "+1 in 30 days");
  g_assert_cmpstr (_siyu_overview_page_get_before (page, SIYU_FIGURE_CONTACTS), ==, "30 days earlier: 2");
  g_assert_cmpstr (_siyu_overview_page_get_value (page, SIYU_FIGURE_MEMBERS), ==, "1");
  g_assert_cmpstr (_siyu_overview_page_get_change (page, SIYU_FIGURE_MEMBERS), ==, "+1 in 30 days");
  g_assert_cmpstr (_siyu_overview_page_get_value (page, SIYU_FIGURE_BUYERS), ==, "2");
  g_assert_cmpstr (_siyu_overview_page_get_change (page, SIYU_FIGURE_BUYERS), ==, "↑ 100.0 % on the 30 days before");
  g_assert_cmpstr (_siyu_overview_page_get_before (page, SIYU_FIGURE_BUYERS), ==, "The 30 days before: 1");
  g_assert_cmpstr (_siyu_overview_page_get_value (page, SIYU_FIGURE_NET_SALES), ==, "¥6,172.80");
  g_assert_cmpstr (_siyu_overview_page_get_change (page, SIYU_FIGURE_NET_SALES), ==, "↑ 400.0 % on the 30 days before");
  g_assert_cmpstr (_siyu_overview_page_get_before (page, SIYU_FIGURE_NET_SALES), ==, "The 30 days before: ¥1,234.56");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_empty_shop (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "空店");
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);

  gtk_window_present (GTK_WINDOW (window));
  wait_for (figures_ready, page);
  g_assert_cmpstr (_siyu_overview_page_get_state (page), ==, "empty");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
title_is (gpointer data)
{
  return g_strcmp0 (_siyu_window_get_title (data), "新名字") == 0;
}

static void
test_preferences_rename (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuPreferencesWindow *preferences;

  gtk_window_present (GTK_WINDOW (window));
  wait_for (figures_ready, _siyu_window_get_overview (window));

  preferences = siyu_preferences_window_new (window);
  gtk_window_present (GTK_WINDOW (preferences));
  _siyu_preferences_window_set_name (preferences, "  新名字 ");
  wait_for (title_is, window);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "新名字");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "新名字");

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static SiyuWindow *
find_shop_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SIYU_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
shop_window_shown (gpointer data)
{
  return find_shop_window () != NULL;
}

/* A file that is not a shop is refused with the core's words, unchanged. */
static void
test_open_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "notes.siyu", NULL);
  g_autofree char *after = NULL;
  AdwMessageDialog *dialog;

  g_assert_true (g_file_set_contents (path, "not a shop", -1, NULL));
  siyu_application_open_path (app, path, NULL);
  wait_for (dialog_shown, NULL);

  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could not open the shop");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "notes.siyu” is not a Siyu shop file."));
  after = siyu_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, "not a shop");
  g_assert_null (find_shop_window ());

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Opening a shop remembers it, newest first, once. */
static void
test_open_remembers (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  GSettings *settings = siyu_application_get_settings (app);
  g_auto(GStrv) recent = NULL;
  const char *old[] = { "/nowhere/old.siyu", NULL };

  g_clear_object (&shop);
  g_settings_set_strv (settings, "recent-shops", old);

  siyu_application_open_path (app, path, NULL);
  wait_for (shop_window_shown, NULL);
  recent = g_settings_get_strv (settings, "recent-shops");
  g_assert_cmpuint (g_strv_length (recent), ==, 2);
  g_assert_cmpstr (recent[0], ==, path);
  g_assert_cmpstr (recent[1], ==, "/nowhere/old.siyu");

  gtk_window_destroy (GTK_WINDOW (find_shop_window ()));
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/siyu/ui/overview", test_overview);
  g_test_add_func ("/siyu/ui/empty-shop", test_empty_shop);
  g_test_add_func ("/siyu/ui/preferences-rename", test_preferences_rename);
  g_test_add_func ("/siyu/ui/open-refused", test_open_refused);
  g_test_add_func ("/siyu/ui/open-remembers", test_open_remembers);

  status = g_test_run ();
  g_clear_object (&app);

  return status;
}
