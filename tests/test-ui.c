/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "siyu-application.h"
#include "siyu-consent.h"
#include "siyu-demo.h"
#include "siyu-ingest.h"
#include "siyu-membership.h"
#include "siyu-import-dialog.h"
#include "siyu-new-shop-dialog-private.h"
#include "siyu-overview-page-private.h"
#include "siyu-preferences-window-private.h"
#include "siyu-test-util.h"
#include "siyu-time.h"
#include "siyu-welcome-window-private.h"
#include "siyu-window-private.h"

static SiyuApplication *app;

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds; fails the test after a minute
 * instead of hanging. */
static void
wait_for (Condition condition,
          gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Gave up waiting after 60 s");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Lets idle work that is already queued run. */
static void
drain (void)
{
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

/* Destroys @window and checks that nothing kept it alive. */
static void
destroy_window (gpointer window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  g_assert_finalize_object (window);
}

static gboolean
figures_ready (gpointer data)
{
  return !g_str_equal (_siyu_overview_page_get_state (data), "loading");
}

static gboolean
no_toplevels (gpointer data)
{
  return g_list_model_get_n_items (gtk_window_get_toplevels ()) == 0;
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
  SiyuWindow *window = find_shop_window ();

  return window != NULL && figures_ready (_siyu_window_get_overview (window));
}

static SiyuWelcomeWindow *
find_welcome_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SIYU_IS_WELCOME_WINDOW (l->data))
      return l->data;

  return NULL;
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

/* Closes whatever a test left open, and checks the windows go away. */
static void
close_all (void)
{
  GList *windows;

  drain ();
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);

  while (find_dialog () != NULL)
    gtk_window_destroy (GTK_WINDOW (find_dialog ()));

  wait_for (no_toplevels, NULL);
}

static gint64
contact (SiyuIngest *ingest,
         SiyuShop   *shop,
         const char *phone,
         const char *seen,
         const char *member_since)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = { .phone = phone, .consent = -1, .do_not_contact = -1 };
  gint64 id;

  record.seen_at = siyu_test_time (shop, seen);
  record.member_since = member_since != NULL ? siyu_test_time (shop, member_since) : 0;
  id = siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static void
order (SiyuIngest *ingest,
       SiyuShop   *shop,
       gint64      channel,
       gint64      contact_id,
       const char *ref,
       const char *created,
       const char *status,
       gint64      total,
       gint64      refunded)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact_id, .status = status,
    .currency = siyu_shop_get_currency (shop), .total_amount = total, .refunded_amount = refunded,
  };

  record.created_at = siyu_test_time (shop, created);
  g_assert_cmpint (siyu_ingest_order (ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

/* Pinned to 31 March 2026: the last 30 days are 2 … 31 March, the 30 days
 * before are 31 January … 1 March.
 *
 *   contacts  A, B, D before 1 March; C on 20 March          4, before 3
 *   members   D since 10 February, A since 10 March           2, before 1
 *   buyers    A, B, C in March; A, D before (B's refunded)    3, before 2
 *   net       2,469.12 + 3,703.68 + (500 − 200)               6,472.80
 *             1,234.56 + 100.00                               1,334.56 */
static SiyuShop *
shop_with_sales (const char *dir)
{
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "小王的咖啡店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 a, b, c, d;

  g_assert_no_error (error);
  a = contact (ingest, shop, "13800000001", "2026-01-05 10:00:00", "2026-03-10 10:00:00");
  b = contact (ingest, shop, "13800000002", "2026-01-05 11:00:00", NULL);
  c = contact (ingest, shop, "13800000003", "2026-03-20 10:00:00", NULL);
  d = contact (ingest, shop, "13800000004", "2026-02-10 10:00:00", "2026-02-10 10:00:00");

  order (ingest, shop, channel, a, "R1", "2026-02-20 10:00:00", "paid", 123456, 0);
  order (ingest, shop, channel, d, "R2", "2026-02-15 10:00:00", "paid", 10000, 0);
  order (ingest, shop, channel, b, "R3", "2026-02-25 10:00:00", "refunded", 9900, 9900);
  order (ingest, shop, channel, b, "R4", "2026-03-25 10:00:00", "paid", 246912, 0);
  order (ingest, shop, channel, c, "R5", "2026-03-25 11:00:00", "paid", 370368, 0);
  order (ingest, shop, channel, a, "R6", "2026-03-28 10:00:00", "partially_refunded", 50000, 20000);
  /* After the pinned day: not counted. */
  order (ingest, shop, channel, a, "R7", "2026-04-02 10:00:00", "paid", 99999, 0);

  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 3, 31), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&shop);
}

static void
assert_figure (SiyuOverviewPage *page,
               SiyuFigure        figure,
               const char       *value,
               const char       *change,
               const char       *before)
{
  g_assert_cmpstr (_siyu_overview_page_get_value (page, figure), ==, value);
  g_assert_cmpstr (_siyu_overview_page_get_change (page, figure), ==, change);
  g_assert_cmpstr (_siyu_overview_page_get_before (page, figure), ==, before);
}

static void
test_overview (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (_siyu_overview_page_get_state (page), ==, "loading");
  wait_for (figures_ready, page);

  g_assert_cmpstr (_siyu_overview_page_get_state (page), ==, "figures");
  g_assert_cmpstr (_siyu_window_get_title (window), ==, "小王的咖啡店");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "小王的咖啡店");
  g_assert_cmpstr (_siyu_overview_page_get_as_of (page), ==, "As of 31 March 2026");
  assert_figure (page, SIYU_FIGURE_CONTACTS, "4", "+1 in 30 days", "30 days earlier: 3");
  assert_figure (page, SIYU_FIGURE_MEMBERS, "2", "+1 in 30 days", "30 days earlier: 1");
  assert_figure (page, SIYU_FIGURE_BUYERS, "3", "↑ 50 % vs. the 30 days before", "The 30 days before: 2");
  assert_figure (page, SIYU_FIGURE_NET_SALES, "¥6,472.80", "↑ 385 % vs. the 30 days before",
                 "The 30 days before: ¥1,334.56");

  destroy_window (window);
}

/* Falls, small changes in tenths, no change, and nothing before. */
static void
test_overview_falls (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Corner Tea");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  gint64 channel = siyu_ingest_channel (ingest, "offline_store", "Store", NULL, &error);
  gint64 a, b, c;
  SiyuWindow *window;
  SiyuOverviewPage *page;

  a = contact (ingest, shop, "13900000001", "2025-12-01 10:00:00", NULL);
  b = contact (ingest, shop, "13900000002", "2025-12-01 10:00:00", NULL);
  c = contact (ingest, shop, "13900000003", "2025-12-01 10:00:00", NULL);
  /* 1,000.00 from three buyers before; 957.00 from two since. */
  order (ingest, shop, channel, a, "T1", "2026-02-10 10:00:00", "paid", 50000, 0);
  order (ingest, shop, channel, b, "T2", "2026-02-11 10:00:00", "paid", 30000, 0);
  order (ingest, shop, channel, c, "T3", "2026-02-12 10:00:00", "paid", 20000, 0);
  order (ingest, shop, channel, a, "T4", "2026-03-10 10:00:00", "paid", 60000, 0);
  order (ingest, shop, channel, b, "T5", "2026-03-11 10:00:00", "paid", 35700, 0);
  /* Four days after the newest order: the data is fresh, so the Overview
   * counts up to this day and not up to the newest order. */
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 3, 15), &error));
  g_assert_no_error (error);

  window = siyu_window_new (app, shop);
  page = _siyu_window_get_overview (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (figures_ready, page);

  assert_figure (page, SIYU_FIGURE_CONTACTS, "3", "No change in 30 days", "30 days earlier: 3");
  assert_figure (page, SIYU_FIGURE_MEMBERS, "0", "No change in 30 days", "30 days earlier: 0");
  assert_figure (page, SIYU_FIGURE_BUYERS, "2", "↓ 33 % vs. the 30 days before", "The 30 days before: 3");
  assert_figure (page, SIYU_FIGURE_NET_SALES, "¥957.00", "↓ 4.3 % vs. the 30 days before",
                 "The 30 days before: ¥1,000.00");

  destroy_window (window);
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
  g_assert_cmpstr (_siyu_window_get_title (window), ==, "空店");

  destroy_window (window);
}

static gboolean
title_is (gpointer data)
{
  return g_strcmp0 (_siyu_window_get_title (data), "新名字") == 0;
}

static gboolean
preferences_idle (gpointer data)
{
  return !_siyu_preferences_window_is_busy (data);
}

static void
test_preferences_rename (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuPreferencesWindow *preferences;
  AdwEntryRow *name_row;

  gtk_window_present (GTK_WINDOW (window));
  wait_for (figures_ready, _siyu_window_get_overview (window));

  preferences = siyu_preferences_window_new (GTK_WINDOW (window), siyu_window_get_runner (window));
  gtk_window_present (GTK_WINDOW (preferences));
  wait_for (preferences_idle, preferences);
  name_row = _siyu_preferences_window_get_name_row (preferences);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "小王的咖啡店");

  /* Enter applies; surrounding blanks go. */
  gtk_editable_set_text (GTK_EDITABLE (name_row), "  新名字 ");
  g_signal_emit_by_name (name_row, "apply");
  wait_for (title_is, window);
  wait_for (preferences_idle, preferences);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "新名字");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "新名字");

  /* A blank name is refused, and the row shows the name kept. */
  gtk_editable_set_text (GTK_EDITABLE (name_row), "   ");
  g_signal_emit_by_name (name_row, "apply");
  wait_for (preferences_idle, preferences);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "新名字");
  g_assert_cmpstr (_siyu_window_get_title (window), ==, "新名字");

  destroy_window (preferences);
  destroy_window (window);
  g_assert_cmpstr (siyu_shop_get_name (shop), ==, "新名字");
}

static gboolean
as_of_is_april (gpointer data)
{
  return figures_ready (data) && g_str_has_suffix (_siyu_overview_page_get_as_of (data), "April 2026");
}

/* Changes the shop behind the window's back, in its worker, as an import
 * would. */
static void
pin_to_april_job (GTask        *task,
                  SiyuShop     *shop,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  /* Three days after the newest order (R7): the data is fresh. */
  if (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 4, 5), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The currency is fixed once there are orders; a new time zone is saved;
 * the Overview follows the shop's settings as they change. */
static void
test_preferences_settings (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *empty_dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  g_autoptr(SiyuShop) empty = siyu_test_new_shop (empty_dir, "空店");
  g_autoptr(GTask) task = NULL;
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuWindow *empty_window = siyu_window_new (app, empty);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);
  SiyuPreferencesWindow *preferences;
  AdwComboRow *time_zone_row;

  gtk_window_present (GTK_WINDOW (window));
  wait_for (figures_ready, page);
  g_assert_cmpstr (_siyu_overview_page_get_as_of (page), ==, "As of 31 March 2026");

  preferences = siyu_preferences_window_new (GTK_WINDOW (window), siyu_window_get_runner (window));
  gtk_window_present (GTK_WINDOW (preferences));
  wait_for (preferences_idle, preferences);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (_siyu_preferences_window_get_currency_row (preferences))));

  time_zone_row = _siyu_preferences_window_get_time_zone_row (preferences);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (time_zone_row)), ==, "Asia/Shanghai");
  adw_combo_row_set_selected (time_zone_row, 1);
  wait_for (preferences_idle, preferences);
  g_assert_cmpstr (siyu_shop_runner_get_time_zone_id (siyu_window_get_runner (window)), ==, "Asia/Hong_Kong");
  destroy_window (preferences);

  task = g_task_new (NULL, NULL, NULL, NULL);
  siyu_shop_runner_run (siyu_window_get_runner (window), task, pin_to_april_job);
  wait_for (as_of_is_april, page);
  g_assert_cmpstr (_siyu_overview_page_get_as_of (page), ==, "As of 5 April 2026");
  /* 7 March–5 April: R4 + R5 + R6 net + R7; 5 February–6 March: R1 + R2. */
  assert_figure (page, SIYU_FIGURE_NET_SALES, "¥7,472.79", "↑ 460 % vs. the 30 days before",
                 "The 30 days before: ¥1,334.56");

  destroy_window (window);
  g_assert_cmpstr (siyu_shop_get_time_zone_id (shop), ==, "Asia/Hong_Kong");

  gtk_window_present (GTK_WINDOW (empty_window));
  preferences = siyu_preferences_window_new (GTK_WINDOW (empty_window), siyu_window_get_runner (empty_window));
  wait_for (preferences_idle, preferences);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_siyu_preferences_window_get_currency_row (preferences))));
  destroy_window (preferences);
  destroy_window (empty_window);
}

static gboolean
consent_page_idle (gpointer data)
{
  return !_siyu_consent_page_is_busy (data);
}

static char *
memberships (SiyuShop *shop)
{
  sqlite3_stmt *stmt;
  char *text;

  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (shop)),
                                       "SELECT group_concat (id || ':' || coalesce (member_source, '-'), ' ') "
                                       "FROM (SELECT * FROM contacts ORDER BY id)", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

/* Issue 16: Preferences → Customers: the shop's answer on people never
 * asked, audited; the membership rule, applied at once. */
static void
test_preferences_customers (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuPreferencesWindow *preferences;
  SiyuConsentPage *page;
  g_autofree char *members = NULL;

  gtk_window_present (GTK_WINDOW (window));
  preferences = siyu_preferences_window_new (GTK_WINDOW (window), siyu_window_get_runner (window));
  gtk_window_present (GTK_WINDOW (preferences));
  page = _siyu_preferences_window_get_consent_page (preferences);
  wait_for (consent_page_idle, page);
  g_assert_cmpuint (_siyu_consent_page_get_policy (page), ==, SIYU_CONSENT_POLICY_UNSET);
  g_assert_cmpuint (_siyu_consent_page_get_rule (page), ==, SIYU_MEMBERSHIP_RULE_NONE);

  _siyu_consent_page_set_policy (page, SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN);
  wait_for (consent_page_idle, page);
  g_assert_cmpstr (_siyu_consent_page_get_message (page), ==, "Saved, and written to the audit log");
  g_assert_cmpint (siyu_consent_get_policy (shop), ==, SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM audit_log WHERE "
                                      "action = 'consent-policy'", NULL), ==, 1);

  /* 1 and 4 are members from the import; 2 and 3 bought. */
  _siyu_consent_page_set_rule (page, SIYU_MEMBERSHIP_RULE_FIRST_ORDER, NULL);
  wait_for (consent_page_idle, page);
  g_assert_cmpstr (_siyu_consent_page_get_message (page), ==, "Membership rule saved: 2 memberships changed");
  members = memberships (shop);
  g_assert_cmpstr (members, ==, "1:source 2:rule 3:rule 4:source");
  g_clear_pointer (&members, g_free);

  /* ¥3,000 in 365 days: 3 (¥3,703.68) stays, 2 (¥2,469.12) goes. */
  _siyu_consent_page_set_rule (page, SIYU_MEMBERSHIP_RULE_SPEND, "3000");
  wait_for (consent_page_idle, page);
  g_assert_cmpstr (_siyu_consent_page_get_message (page), ==, "Membership rule saved: 1 membership changed");
  members = memberships (shop);
  g_assert_cmpstr (members, ==, "1:source 2:- 3:rule 4:source");
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM contact_metrics WHERE "
                                      "contact_id = 3 AND tier_id IS NOT NULL", NULL), ==, 1);

  _siyu_consent_page_set_rule (page, SIYU_MEMBERSHIP_RULE_SPEND, "三千");
  wait_for (consent_page_idle, page);
  g_assert_cmpstr (_siyu_consent_page_get_message (page), ==, "“三千” is not an amount above 0, such as 500");

  destroy_window (preferences);
  destroy_window (window);
}

static SiyuPreferencesWindow *
find_preferences (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SIYU_IS_PREFERENCES_WINDOW (l->data))
      return l->data;

  return NULL;
}

/* One Preferences window per shop; a file refused while a shop is open is
 * explained over the shop's window. */
static void
test_preferences_once (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *bad = g_build_filename (dir, "empty.siyu", NULL);
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Corner Tea");
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuPreferencesWindow *preferences;
  g_autofree char *contents = NULL;
  guint n_windows = 0;
  gsize length;

  gtk_window_present (GTK_WINDOW (window));
  wait_for (figures_ready, _siyu_window_get_overview (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
  preferences = find_preferences ();
  g_assert_nonnull (preferences);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    n_windows += SIYU_IS_PREFERENCES_WINDOW (l->data);
  g_assert_cmpuint (n_windows, ==, 1);
  wait_for (preferences_idle, preferences);
  destroy_window (preferences);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
  g_assert_nonnull (find_preferences ());
  wait_for (preferences_idle, find_preferences ());

  g_assert_true (g_file_set_contents (bad, "", 0, NULL));
  siyu_application_open_path (app, bad, NULL);
  wait_for (dialog_shown, NULL);
  g_assert_null (find_welcome_window ());
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (find_dialog ())) == GTK_WINDOW (find_preferences ()) ||
                 gtk_window_get_transient_for (GTK_WINDOW (find_dialog ())) == GTK_WINDOW (window));
  contents = siyu_test_read_file (bad, &length);
  g_assert_cmpuint (length, ==, 0);

  close_all ();
}

/* A file that is not a shop is refused with the core's words, and is left
 * exactly as it was. */
static void
test_open_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "notes.siyu", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *after = NULL;
  const char contents[] = "not a shop\n\x00\x01 and some bytes";
  GStatBuf before_stat, after_stat;
  AdwMessageDialog *dialog;
  gsize length;

  g_assert_true (g_file_set_contents (path, contents, sizeof contents, NULL));
  g_assert_cmpint (g_stat (path, &before_stat), ==, 0);

  siyu_application_open_path (app, path, NULL);
  wait_for (dialog_shown, NULL);

  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Shop");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "notes.siyu” is not a Siyu shop file."));
  /* Shown over the welcome window, as there was no other. */
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (find_welcome_window ()));

  after = siyu_test_read_file (path, &length);
  g_assert_cmpmem (after, length, contents, sizeof contents);
  g_assert_cmpint (g_stat (path, &after_stat), ==, 0);
  g_assert_cmpint (after_stat.st_mtime, ==, before_stat.st_mtime);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_null (find_shop_window ());

  close_all ();
}

/* Opening a shop remembers it: newest first, once, ten at most. */
static void
test_open_remembers (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  GSettings *settings = siyu_application_get_settings (app);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) old = NULL;
  g_auto(GStrv) recent = NULL;

  g_clear_object (&shop);
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *other = g_strdup_printf ("/nowhere/%d.siyu", i);

      g_strv_builder_add (builder, i == 4 ? path : other);
    }
  old = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-shops", (const char * const *) old);

  siyu_application_open_path (app, path, NULL);
  wait_for (shop_window_shown, NULL);
  recent = g_settings_get_strv (settings, "recent-shops");
  g_assert_cmpuint (g_strv_length (recent), ==, 10);
  g_assert_cmpstr (recent[0], ==, path);
  g_assert_cmpstr (recent[1], ==, "/nowhere/0.siyu");
  g_assert_cmpstr (recent[4], ==, "/nowhere/3.siyu");
  g_assert_cmpstr (recent[5], ==, "/nowhere/5.siyu");
  g_assert_cmpstr (recent[9], ==, "/nowhere/9.siyu");

  /* Asked again, the open window comes to the front. */
  siyu_application_open_path (app, path, NULL);
  drain ();
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);

  close_all ();
}

/* The welcome window lists the recent shops that still exist. */
static void
test_welcome_recent (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Corner Tea");
  g_autofree char *gone = g_build_filename (dir, "gone.siyu", NULL);
  const char *recent[] = { gone, siyu_shop_get_path (shop), NULL };
  GSettings *settings = siyu_application_get_settings (app);
  SiyuWelcomeWindow *welcome;
  GtkListBox *list;
  GtkListBoxRow *row;

  g_settings_set_strv (settings, "recent-shops", recent);
  g_clear_object (&shop);

  g_application_activate (G_APPLICATION (app));
  welcome = find_welcome_window ();
  g_assert_nonnull (welcome);
  list = _siyu_welcome_window_get_recent_list (welcome);
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 0));
  g_assert_null (gtk_list_box_get_row_at_index (list, 1));
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "shop");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, dir);

  /* Activating the row opens the shop. */
  g_signal_emit_by_name (row, "activated");
  wait_for (shop_window_shown, NULL);
  g_assert_null (find_welcome_window ());

  close_all ();
}

static void
test_new_shop (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "茶铺", NULL);
  g_autofree char *file = g_build_filename (dir, "茶铺.siyu", NULL);
  SiyuWelcomeWindow *welcome;
  SiyuNewShopDialog *dialog;
  SiyuWindow *window;
  SiyuShopRunner *runner;

  g_application_activate (G_APPLICATION (app));
  welcome = find_welcome_window ();
  dialog = siyu_new_shop_dialog_new (GTK_WINDOW (welcome));
  gtk_window_present (GTK_WINDOW (dialog));

  /* The name opens focused and selected: typing replaces it. */
  {
    GtkWidget *name_row = _siyu_new_shop_dialog_get_name_row (dialog);
    int start = 0, end = 0;

    g_assert_true (gtk_widget_is_focus (gtk_root_get_focus (GTK_ROOT (dialog))));
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), name_row));
    g_assert_true (gtk_editable_get_selection_bounds (GTK_EDITABLE (name_row), &start, &end));
    g_assert_cmpint (start, ==, 0);
    g_assert_cmpint (end, ==, g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (name_row)), -1));
    g_assert_cmpint (end, >, 0);
  }

  /* Named, it can be made. */
  _siyu_new_shop_dialog_set_name (dialog, " ");
  g_assert_false (_siyu_new_shop_dialog_can_create (dialog));
  _siyu_new_shop_dialog_set_name (dialog, " 港湾茶铺 ");
  g_assert_true (_siyu_new_shop_dialog_can_create (dialog));
  g_assert_true (_siyu_new_shop_dialog_select (dialog, "HKD", "Asia/Hong_Kong"));
  _siyu_new_shop_dialog_create_at (dialog, path);
  wait_for (shop_window_shown, NULL);

  window = find_shop_window ();
  runner = siyu_window_get_runner (window);
  g_assert_cmpstr (siyu_shop_runner_get_path (runner), ==, file);
  g_assert_cmpstr (siyu_shop_runner_get_name (runner), ==, "港湾茶铺");
  g_assert_cmpstr (siyu_shop_runner_get_currency (runner), ==, "HKD");
  g_assert_cmpstr (siyu_shop_runner_get_time_zone_id (runner), ==, "Asia/Hong_Kong");
  g_assert_cmpstr (_siyu_overview_page_get_state (_siyu_window_get_overview (window)), ==, "empty");
  g_assert_null (find_welcome_window ());

  close_all ();
}

/* Making a shop where one is refuses, and leaves both as they were. */
static void
test_new_shop_exists (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "Corner Tea");
  g_autofree char *path = g_strdup (siyu_shop_get_path (shop));
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length, after_length;
  SiyuNewShopDialog *dialog;

  g_clear_object (&shop);
  before = siyu_test_read_file (path, &before_length);

  g_application_activate (G_APPLICATION (app));
  dialog = siyu_new_shop_dialog_new (GTK_WINDOW (find_welcome_window ()));
  gtk_window_present (GTK_WINDOW (dialog));
  _siyu_new_shop_dialog_create_at (dialog, path);
  wait_for (dialog_shown, NULL);

  g_assert_cmpstr (adw_message_dialog_get_heading (find_dialog ()), ==, "Could Not Create the Shop");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (find_shop_window ());
  after = siyu_test_read_file (path, &after_length);
  g_assert_cmpmem (after, after_length, before, before_length);

  close_all ();
}

static gboolean
demo_done (gpointer data)
{
  return !_siyu_welcome_window_is_building (data);
}

/* The demo shop is made once, can be cancelled, and then opens at once. */
static void
test_demo (void)
{
  g_autofree char *path = siyu_demo_default_path ();
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  SiyuWelcomeWindow *welcome;
  SiyuWindow *window;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_application_activate (G_APPLICATION (app));
  welcome = find_welcome_window ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-demo", NULL);
  g_assert_true (_siyu_welcome_window_is_building (welcome));
  _siyu_welcome_window_cancel_demo (welcome);
  wait_for (demo_done, welcome);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_null (find_dialog ());

  g_action_group_activate_action (G_ACTION_GROUP (app), "open-demo", NULL);
  wait_for (shop_window_shown, NULL);
  window = find_shop_window ();
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (_siyu_overview_page_get_state (_siyu_window_get_overview (window)), ==, "figures");
  g_assert_cmpstr (_siyu_overview_page_get_as_of (_siyu_window_get_overview (window)), ==, "As of 15 November 2026");
  close_all ();

  /* Made already: it opens without the welcome window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-demo", NULL);
  wait_for (shop_window_shown, NULL);
  g_assert_null (find_welcome_window ());
  close_all ();
}

static gboolean
folded (gpointer data)
{
  return _siyu_window_get_folded (data);
}

/* Narrow, the window folds to the page, and remembers its size on close. */
static void
test_narrow_window (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = shop_with_sales (dir);
  GSettings *settings = siyu_application_get_settings (app);
  SiyuWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 640);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  window = siyu_window_new (app, shop);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 360);
  g_assert_cmpint (height, ==, 640);
  gtk_window_present (GTK_WINDOW (window));
  wait_for (folded, window);
  wait_for (figures_ready, _siyu_window_get_overview (window));

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 800);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 600);
  drain ();
  g_assert_finalize_object (window);
}

/* Every action has its shortcut. */
static void
test_shortcuts (void)
{
  static const struct {
    const char *action;
    const char *accel;
  } expected[] = {
    { "app.new-shop", "<Control>n" },
    { "app.open-shop", "<Control>o" },
    { "app.preferences", "<Control>comma" },
    { "app.quit", "<Control>q" },
    { "window.close", "<Control>w" },
    { "win.show-help-overlay", "<Control>question" },
    { "win.reload", "F5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), expected[i].action);

      g_assert_nonnull (accels[0]);
      g_assert_cmpstr (accels[0], ==, expected[i].accel);
    }

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "open-demo"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
}

static SiyuImportDialog *
find_import_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SIYU_IS_IMPORT_DIALOG (window))
        return SIYU_IMPORT_DIALOG (window);
    }

  return NULL;
}

static gboolean
import_dialog_shown (gpointer data)
{
  return find_shop_window () != NULL && find_import_dialog () != NULL;
}

/* Import a File… on the welcome window: the shop is made from the file,
 * named after it, beside another of the same name without replacing it,
 * and the file's import starts in it. */
static void
test_import_first (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *export = g_build_filename (dir, "茶叶店订单.csv", NULL);
  g_autofree char *taken = g_build_filename (dir, "茶叶店订单.siyu", NULL);
  g_autofree char *made = g_build_filename (dir, "茶叶店订单 2.siyu", NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "import", "youzan-orders.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  SiyuWindow *window;

  g_assert_true (g_file_get_contents (fixture, &contents, &length, &error));
  g_assert_true (g_file_set_contents (export, contents, length, &error));
  g_assert_true (g_file_set_contents (taken, "not a shop", -1, &error));
  g_assert_no_error (error);
  file = g_file_new_for_path (export);

  g_application_activate (G_APPLICATION (app));
  siyu_application_create_from_file (SIYU_APPLICATION (app), file, dir);
  wait_for (import_dialog_shown, NULL);

  window = find_shop_window ();
  g_assert_cmpstr (siyu_shop_runner_get_name (siyu_window_get_runner (window)), ==, "茶叶店订单");
  g_assert_true (g_file_test (made, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&contents, g_free);
  contents = siyu_test_read_file (taken, &length);
  g_assert_cmpstr (contents, ==, "not a shop");
  g_assert_null (find_welcome_window ());

  close_all ();
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  /* The demo shop goes under the user's data folder: a fresh one, set
   * before any thread starts. */
  data_home = siyu_test_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Xvfb has no window manager to take the focus from a text field of a
   * window left behind; with its cursor blinking, GTK warns. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  /* Windows come and go between tests. */
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/siyu/ui/overview", test_overview);
  g_test_add_func ("/siyu/ui/overview-falls", test_overview_falls);
  g_test_add_func ("/siyu/ui/empty-shop", test_empty_shop);
  g_test_add_func ("/siyu/ui/preferences-rename", test_preferences_rename);
  g_test_add_func ("/siyu/ui/preferences-settings", test_preferences_settings);
  g_test_add_func ("/siyu/ui/preferences-once", test_preferences_once);
  g_test_add_func ("/siyu/ui/preferences-customers", test_preferences_customers);
  g_test_add_func ("/siyu/ui/open-refused", test_open_refused);
  g_test_add_func ("/siyu/ui/open-remembers", test_open_remembers);
  g_test_add_func ("/siyu/ui/welcome-recent", test_welcome_recent);
  g_test_add_func ("/siyu/ui/new-shop", test_new_shop);
  g_test_add_func ("/siyu/ui/new-shop-exists", test_new_shop_exists);
  g_test_add_func ("/siyu/ui/import-first", test_import_first);
  g_test_add_func ("/siyu/ui/demo", test_demo);
  g_test_add_func ("/siyu/ui/narrow-window", test_narrow_window);
  g_test_add_func ("/siyu/ui/shortcuts", test_shortcuts);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
