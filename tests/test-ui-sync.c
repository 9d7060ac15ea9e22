/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <libsoup/soup.h>

#include "siyu-accounts-page-private.h"
#include "siyu-application.h"
#include "siyu-contacts.h"
#include "siyu-contacts-page-private.h"
#include "siyu-duplicates-dialog-private.h"
#include "siyu-emulator.h"
#include "siyu-ingest.h"
#include "siyu-order-page-private.h"
#include "siyu-preferences-window.h"
#include "siyu-sync.h"
#include "siyu-sync-dialog-private.h"
#include "siyu-test-keyring.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Accounts page of Preferences and Sync Now, against the emulators
 * of tests/siyu-emulator.c on 127.0.0.1.  The tests have no keyring: the credentials come
 * from SIYU_SYNC_TOKEN, as they may for siyu-cli. */

#define SHOPIFY_TOKEN SIYU_EMULATOR_SHOPIFY_TOKEN

static SiyuApplication *app;

static guint
emulator_n_paused (SiyuEmulator *emulator)
{
  return siyu_emulator_n_paused (emulator);
}

/* Helpers */

static gboolean
page_ready (gpointer data)
{
  return !_siyu_accounts_page_is_busy (data);
}

static gboolean
sync_done (gpointer data)
{
  return !_siyu_sync_dialog_is_busy (data);
}

static gboolean
orders_paused (gpointer data)
{
  return emulator_n_paused (data) > 0;
}

static gint64
query_int (const char *path,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);
  gint64 value;

  g_assert_no_error (error);
  value = siyu_db_query_int (siyu_shop_get_db (shop), sql, &error);
  g_assert_no_error (error);
  return value;
}

typedef struct {
  SiyuEmulator *emulator;
  char       *dir;
  char       *path;
  SiyuWindow *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = NULL;

  f->emulator = siyu_emulator_start (FALSE);
  siyu_emulator_set (f->emulator, &f->emulator->calls_used, 1);
  f->dir = siyu_test_tmpdir ();
  shop = siyu_test_new_shop (f->dir, "小王的茶叶店");
  f->path = g_strdup (siyu_shop_get_path (shop));
  g_assert_cmpint (siyu_sync_account_add (shop, "shopify", "tea", f->emulator->url, &error), >, 0);
  g_assert_no_error (error);
  if (GPOINTER_TO_INT (data))
    g_assert_true (siyu_sync_set_on_open (shop, TRUE, &error));
  g_assert_no_error (error);
  g_setenv (SIYU_SYNC_ENV_TOKEN, SHOPIFY_TOKEN, TRUE);

  f->window = siyu_window_new (app, shop);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 700);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_object_ref (f->window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  siyu_test_drain ();
  g_assert_finalize_object (f->window);
  siyu_emulator_stop (f->emulator);
  g_free (f->path);
  g_free (f->dir);
}

static SiyuAccountsPage *
open_accounts (Fixture                *f,
               SiyuPreferencesWindow **preferences)
{
  SiyuAccountsPage *page;

  *preferences = siyu_preferences_window_new (GTK_WINDOW (f->window), siyu_window_get_runner (f->window));
  gtk_window_present (GTK_WINDOW (*preferences));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (*preferences), "accounts");
  page = SIYU_ACCOUNTS_PAGE (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (*preferences)));
  siyu_test_wait_for (page_ready, page);

  return page;
}

static SiyuSyncDialog *
find_sync_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SIYU_IS_SYNC_DIALOG (window))
        return SIYU_SYNC_DIALOG (g_object_ref (window));
    }

  return NULL;
}

static gboolean
sync_dialog_shown (gpointer data)
{
  g_autoptr(SiyuSyncDialog) dialog = find_sync_dialog ();

  return dialog != NULL;
}

static void
wait_for_sync (SiyuSyncDialog *dialog)
{
  siyu_test_wait_for (sync_done, dialog);
  siyu_test_drain ();
}

/* Tests */

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  SiyuPreferencesWindow *preferences;
  SiyuAccountsPage *page = open_accounts (f, &preferences);
  AdwActionRow *row;
  g_autofree char *subtitle = NULL;

  g_assert_cmpuint (_siyu_accounts_page_get_n_accounts (page), ==, 1);
  row = _siyu_accounts_page_get_row (page, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "tea");
  subtitle = g_strdup_printf ("Shopify · %s\nNever synced", f->emulator->url);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, subtitle);
  g_assert_false (gtk_switch_get_active (_siyu_accounts_page_get_on_open (page)));

  /* The switch is stored in the shop. */
  gtk_switch_set_active (_siyu_accounts_page_get_on_open (page), TRUE);
  siyu_test_wait_for (page_ready, page);
  g_assert_cmpint (query_int (f->path, "SELECT value FROM settings WHERE key = 'sync_on_open'"), ==, 1);

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_connection (Fixture       *f,
                 gconstpointer  data)
{
  SiyuPreferencesWindow *preferences;
  SiyuAccountsPage *page = open_accounts (f, &preferences);
  g_autofree char *expected = g_strdup_printf ("✓ Connected to %s: Shopify accepted the credentials.",
                                               f->emulator->url);

  _siyu_accounts_page_test (page, "tea");
  siyu_test_wait_for (page_ready, page);
  g_assert_cmpstr (_siyu_accounts_page_get_verdict (page), ==, expected);

  g_setenv (SIYU_SYNC_ENV_TOKEN, "shpat_WRONG", TRUE);
  _siyu_accounts_page_test (page, "tea");
  siyu_test_wait_for (page_ready, page);
  g_assert_cmpstr (_siyu_accounts_page_get_verdict (page), ==,
                   "Shopify account “tea”, /admin/api/2024-01/orders.json: HTTP 401: [API] Invalid API key or "
                   "access token (unrecognized login or wrong password)");
  /* The token is never in what the owner reads. */
  g_assert_null (strstr (_siyu_accounts_page_get_verdict (page), "shpat_"));

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_sync_now (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;
  SiyuPreferencesWindow *preferences;
  SiyuAccountsPage *page;
  AdwActionRow *row;
  const char *subtitle;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  g_assert_nonnull (dialog);
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, "Synced 1 account: 4 new orders, 0 updated");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 4);

  /* Again: nothing new. */
  page = open_accounts (f, &preferences);
  row = _siyu_accounts_page_get_row (page, 0);
  subtitle = adw_action_row_get_subtitle (row);
  g_assert_true (g_str_has_prefix (subtitle, "Shopify · http://127.0.0.1:"));
  g_assert_nonnull (strstr (subtitle, "\nLast synced 20"));
  g_assert_true (g_str_has_suffix (subtitle, ": fine"));
  g_clear_object (&dialog);
  dialog = g_object_ref (_siyu_accounts_page_sync (page, NULL));
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, "Synced 1 account: 0 new orders, 0 updated");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 4);

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_server_error (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;

  siyu_emulator_set (f->emulator, &f->emulator->always_500, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==,
                   "Could not sync “tea”: Shopify account “tea”, /admin/api/2024-01/customers/count.json: HTTP 500 "
                   "after 5 tries: Internal Server Error");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 0);
}

static void
test_no_credentials (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;

  g_unsetenv (SIYU_SYNC_ENV_TOKEN);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  g_assert_true (g_str_has_prefix (_siyu_sync_dialog_get_result (dialog), "Could not sync “tea”: "));
  g_assert_true (g_str_has_suffix (_siyu_sync_dialog_get_result (dialog),
                                   " Remove the account in Preferences, Accounts, and add it again with its "
                                   "credentials."));
}

static gboolean
title_shown (gpointer data)
{
  return g_str_has_prefix (_siyu_sync_dialog_get_title (data), "Syncing “tea” at ");
}

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;
  g_autofree char *title = NULL;

  /* The orders' first call, after the customers' count and page. */
  siyu_emulator_set (f->emulator, &f->emulator->hang_after, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  siyu_test_wait_for (orders_paused, f->emulator);
  /* The dialog says where the credentials go. */
  title = g_strdup_printf ("Syncing “tea” at %s…", f->emulator->url);
  siyu_test_wait_for (title_shown, dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_title (dialog), ==, title);
  _siyu_sync_dialog_stop (dialog);
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==,
                   "Sync stopped. Every page stored before the stop is complete.");
  /* The customers' page is stored whole; no order, and the orders' cursor
   * has not moved. */
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM contacts"), ==, 2);
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 0);
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM sync_cursors WHERE resource = 'orders'"), ==, 0);
}

static void
test_on_open (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;

  siyu_test_wait_for (sync_dialog_shown, NULL);
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, "Synced 1 account: 4 new orders, 0 updated");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 4);
}

static void
test_add_validation (Fixture       *f,
                     gconstpointer  data)
{
  SiyuPreferencesWindow *preferences;
  SiyuAccountsPage *page = open_accounts (f, &preferences);
  AdwMessageDialog *dialog = _siyu_accounts_page_open_add (page);

  g_assert_cmpstr (_siyu_accounts_page_get_add_problem (page), ==, "Give the account a name.");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));

  _siyu_accounts_page_fill_add (page, 0, "tea2", "http://tea.example.com", "shpat_x", "", "");
  g_assert_cmpstr (_siyu_accounts_page_get_add_problem (page), ==,
                   "Siyu only talks to shop platforms over https; “tea.example.com” is not.");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));

  /* A user name and password in the address are refused, not repeated. */
  _siyu_accounts_page_fill_add (page, 1, "wp", "https://owner:s3cret-pw@tea.example.com", "", "ck_1", "cs_1");
  g_assert_cmpstr (_siyu_accounts_page_get_add_problem (page), ==,
                   "The address of “tea.example.com” holds a user name or password. Siyu keeps credentials in the "
                   "system keyring, never in an address: enter it without the part before “@”.");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  _siyu_accounts_page_fill_add (page, 0, "tea2", "owner:s3cret-pw@tea.example.com", "shpat_x", "", "");
  g_assert_null (strstr (_siyu_accounts_page_get_add_problem (page), "s3cret"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));

  _siyu_accounts_page_fill_add (page, 0, "tea2", "tea.example.com", "", "", "");
  g_assert_cmpstr (_siyu_accounts_page_get_add_problem (page), ==, "A Shopify account needs an Admin API access token.");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));

  _siyu_accounts_page_fill_add (page, 2, "有赞", "abc", "", "yzclient", "yzsecret");
  g_assert_cmpstr (_siyu_accounts_page_get_add_problem (page), ==,
                   "“abc” is not a Youzan shop id (kdt_id, digits only).");

  _siyu_accounts_page_fill_add (page, 0, "tea2", "tea.example.com", "shpat_x", "", "");
  g_assert_cmpstr (_siyu_accounts_page_get_add_problem (page), ==, "");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "add"));

  adw_message_dialog_response (dialog, "cancel");
  siyu_test_drain ();
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM sync_accounts"), ==, 1);

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static gboolean
confirm_shown (gpointer data)
{
  return _siyu_accounts_page_get_confirm_dialog (data) != NULL && page_ready (data);
}

/* Credentials an earlier Siyu kept in the keyring by the account's name
 * alone: Sync says where to confirm them, Test Connection asks, showing the
 * address they would go to, and ties them to it. */
static void
test_confirm_keyring (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;
  SiyuPreferencesWindow *preferences;
  SiyuAccountsPage *page;
  g_autofree char *expected = NULL;
  g_autofree char *result = NULL;
  AdwMessageDialog *confirm;

  siyu_test_keyring_install ();
  g_unsetenv (SIYU_SYNC_ENV_TOKEN);
  siyu_test_keyring_add ("io.github.siyu.Siyu.Account", "Siyu: shopify account “tea”", "token=" SHOPIFY_TOKEN "\n",
                         "account", "tea", "platform", "shopify", NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  result = g_strdup_printf ("Could not sync “tea”: The keyring holds credentials that an earlier Siyu saved for an "
                            "account named “tea”, without its shop’s address. They are used only once you confirm "
                            "that they belong to %s. Confirm it with Test Connection in Preferences, Accounts.",
                            f->emulator->url);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, result);
  g_assert_cmpuint (siyu_emulator_get (f->emulator, &f->emulator->requests), ==, 0);

  page = open_accounts (f, &preferences);
  _siyu_accounts_page_test (page, "tea");
  siyu_test_wait_for (confirm_shown, page);
  confirm = _siyu_accounts_page_get_confirm_dialog (page);
  expected = g_strdup_printf ("Use them for %s? Say yes only if this is your shop’s address: they will be sent "
                              "there.", f->emulator->url);
  g_assert_true (g_str_has_suffix (adw_message_dialog_get_body (confirm), expected));
  g_assert_cmpuint (siyu_emulator_get (f->emulator, &f->emulator->requests), ==, 0);
  adw_message_dialog_response (confirm, "use");
  siyu_test_drain ();
  siyu_test_wait_for (page_ready, page);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("✓ Connected to %s: Shopify accepted the credentials.", f->emulator->url);
  g_assert_cmpstr (_siyu_accounts_page_get_verdict (page), ==, expected);
  /* Tied to the shop's address now: one entry, of the new kind. */
  g_assert_cmpuint (siyu_test_keyring_count (), ==, 1);
  g_clear_pointer (&expected, g_free);
  expected = siyu_test_keyring_describe (0);
  g_assert_true (g_str_has_prefix (expected, "io.github.siyu.Siyu.ShopSecret {platform=shopify, secret_id="));

  gtk_window_destroy (GTK_WINDOW (preferences));
  siyu_test_keyring_remove ();
}

/* Sync Now with a WooCommerce account, then a Youzan one. */
static void
test_other_platforms (Fixture       *f,
                      gconstpointer  data)
{
  static const struct {
    const char *platform, *name, *url, *key, *secret, *result;
    gint64      orders;
  } accounts[] = {
    { "woocommerce", "wp", "https://tea.example.com", SIYU_EMULATOR_WOO_KEY, SIYU_EMULATOR_WOO_SECRET,
      "Synced 1 account: 3 new orders, 0 updated", 3 },
    { "youzan", "有赞", "44556677", SIYU_EMULATOR_YZ_CLIENT, SIYU_EMULATOR_YZ_SECRET,
      "Synced 1 account: 2 new orders, 0 updated", 5 },
  };

  /* Their shops' addresses are real; the calls go to the emulator. */
  g_setenv (SIYU_SYNC_ENV_BASE_URL, f->emulator->url, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(SiyuSyncDialog) dialog = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(SiyuShop) shop = siyu_shop_open (f->path, &error);

      g_assert_no_error (error);
      g_assert_true (siyu_sync_account_remove (shop, i == 0 ? "tea" : accounts[i - 1].name, &error));
      g_assert_cmpint (siyu_sync_account_add (shop, accounts[i].platform, accounts[i].name, accounts[i].url, &error),
                       >, 0);
      g_assert_no_error (error);
      g_clear_object (&shop);
      g_setenv (SIYU_SYNC_ENV_KEY, accounts[i].key, TRUE);
      g_setenv (SIYU_SYNC_ENV_SECRET, accounts[i].secret, TRUE);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
      dialog = find_sync_dialog ();
      g_assert_nonnull (dialog);
      wait_for_sync (dialog);
      g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, accounts[i].result);
      g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, accounts[i].orders);
      gtk_window_destroy (GTK_WINDOW (dialog));
      siyu_test_drain ();
    }
  g_unsetenv (SIYU_SYNC_ENV_KEY);
  g_unsetenv (SIYU_SYNC_ENV_SECRET);
  g_unsetenv (SIYU_SYNC_ENV_BASE_URL);
}

static void
set_region_job (GTask        *task,
                SiyuShop     *shop,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_task_return_boolean (task, siyu_shop_set_phone_region (shop, task_data, NULL));
}

static void
region_set_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(gboolean *) user_data = g_task_propagate_boolean (G_TASK (result), NULL);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
retried (gpointer data)
{
  const char *result = _siyu_sync_dialog_get_result (data);

  return !_siyu_sync_dialog_is_busy (data) && result != NULL && g_str_has_prefix (result, "Tried ");
}

/* A record the sync could not store: the dialog stays open and lists it
 * with why; after the owner makes the phone region Hong Kong, Retry stores
 * it and the dialog closes. */
static void
test_rejects (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_open (f->path, &error);
  g_autoptr(GTask) task = NULL;
  gboolean region_set = FALSE;
  AdwActionRow *row;

  g_assert_no_error (error);
  g_assert_true (siyu_sync_account_remove (shop, "tea", &error));
  g_assert_cmpint (siyu_sync_account_add (shop, "woocommerce", "wp", "https://tea.example.com", &error), >, 0);
  g_clear_object (&shop);
  g_setenv (SIYU_SYNC_ENV_BASE_URL, f->emulator->url, TRUE);
  g_setenv (SIYU_SYNC_ENV_KEY, SIYU_EMULATOR_WOO_KEY, TRUE);
  g_setenv (SIYU_SYNC_ENV_SECRET, SIYU_EMULATOR_WOO_SECRET, TRUE);
  siyu_emulator_set (f->emulator, &f->emulator->odd_guest, TRUE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==,
                   "Synced 1 account: 4 new orders, 0 updated. 1 record needs a look.");
  g_assert_cmpuint (_siyu_sync_dialog_get_n_rejects (dialog), ==, 1);
  row = _siyu_sync_dialog_get_reject_row (dialog, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Order 1190 · wp");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "The phone number “6123 4567” cannot be read, and the "
                                                          "customer has no e-mail, WeChat id or platform id to be "
                                                          "told apart by.");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders WHERE contact_id IS NULL"), ==, 1);

  task = g_task_new (NULL, NULL, region_set_cb, &region_set);
  g_task_set_task_data (task, (gpointer) "HK", NULL);
  siyu_shop_runner_run (siyu_window_get_runner (f->window), g_steal_pointer (&task), set_region_job);
  siyu_test_wait_for (flag_set, &region_set);

  _siyu_sync_dialog_retry (dialog);
  siyu_test_wait_for (retried, dialog);
  siyu_test_drain ();
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, "Tried 1 record again: 1 stored.");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM sync_rejects"), ==, 0);
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders WHERE contact_id IS NULL"), ==, 0);

  g_unsetenv (SIYU_SYNC_ENV_KEY);
  g_unsetenv (SIYU_SYNC_ENV_SECRET);
  g_unsetenv (SIYU_SYNC_ENV_BASE_URL);
}

static gboolean
duplicates_counted (gpointer data)
{
  return _siyu_contacts_page_get_n_duplicates (data) == 1;
}

static gboolean
duplicates_ready (gpointer data)
{
  return !_siyu_duplicates_dialog_is_busy (data);
}

/* WooCommerce customers 42 and 43 write one phone: after the sync the
 * Contacts place offers one possible duplicate; the dialog lists the pair
 * and merges it with the existing merge. */
static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_open (f->path, &error);
  SiyuDuplicatesDialog *duplicates;
  SiyuContactsPage *contacts;
  AdwActionRow *row;

  g_assert_no_error (error);
  g_assert_true (siyu_sync_account_remove (shop, "tea", &error));
  g_assert_cmpint (siyu_sync_account_add (shop, "woocommerce", "wp", "https://tea.example.com", &error), >, 0);
  g_clear_object (&shop);
  g_setenv (SIYU_SYNC_ENV_BASE_URL, f->emulator->url, TRUE);
  g_setenv (SIYU_SYNC_ENV_KEY, SIYU_EMULATOR_WOO_KEY, TRUE);
  g_setenv (SIYU_SYNC_ENV_SECRET, SIYU_EMULATOR_WOO_SECRET, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, "Synced 1 account: 3 new orders, 0 updated");

  contacts = SIYU_CONTACTS_PAGE (siyu_window_show_place (f->window, "contacts"));
  siyu_test_wait_for (duplicates_counted, contacts);
  duplicates = _siyu_contacts_page_show_duplicates (contacts);
  siyu_test_wait_for (duplicates_ready, duplicates);
  g_assert_cmpuint (_siyu_duplicates_dialog_get_n_pairs (duplicates), ==, 1);
  row = _siyu_duplicates_dialog_get_row (duplicates, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Na Li and Fang Wang");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Same phone +8613800138000 · e-mails li.na@example.com "
                                                          "and wang.fang@example.com");

  _siyu_duplicates_dialog_merge (duplicates, 0);
  siyu_test_wait_for (duplicates_ready, duplicates);
  g_assert_cmpuint (_siyu_duplicates_dialog_get_n_pairs (duplicates), ==, 0);
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM contacts"), ==, 2);
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM contact_identities WHERE contact_id = 1 AND "
                                       "kind = 'woocommerce'"), ==, 2);
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM audit_log WHERE action = 'merge'"), ==, 1);
  gtk_window_destroy (GTK_WINDOW (duplicates));
  siyu_test_drain ();

  g_unsetenv (SIYU_SYNC_ENV_KEY);
  g_unsetenv (SIYU_SYNC_ENV_SECRET);
  g_unsetenv (SIYU_SYNC_ENV_BASE_URL);
}

static gboolean
order_loaded (gpointer data)
{
  return siyu_order_page_is_loaded (data);
}

/* A synced order's page says what its total is made of: the discount
 * already off its lines, shipping and tax. */
static void
test_order_money (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;
  GtkWidget *window = gtk_window_new ();
  SiyuOrderPage *page;
  g_autofree char *rows = NULL;
  gint64 id;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  id = query_int (f->path, "SELECT id FROM orders WHERE external_ref = '#1042'");
  page = siyu_order_page_new (siyu_window_get_runner (f->window), id);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (order_loaded, page);
  rows = _siyu_order_page_get_rows (page, "totals");
  g_assert_cmpstr (rows, ==, "Discounts|Already taken off the lines|¥20.00\nShipping||¥10.00\nTotal||¥388.00\n"
                             "Refunded||¥189.00\nNet|What the shop keeps|¥199.00\n");
  g_clear_pointer (&rows, g_free);
  gtk_window_destroy (GTK_WINDOW (window));
  siyu_test_drain ();

  window = gtk_window_new ();
  id = query_int (f->path, "SELECT id FROM orders WHERE external_ref = '#1045'");
  page = siyu_order_page_new (siyu_window_get_runner (f->window), id);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (order_loaded, page);
  rows = _siyu_order_page_get_rows (page, "totals");
  g_assert_cmpstr (rows, ==, "Shipping||¥12.00\nTax||¥8.00\nTotal||¥120.00\nRefunded||¥0.00\n"
                             "Net|What the shop keeps|¥120.00\n");
  gtk_window_destroy (GTK_WINDOW (window));
  siyu_test_drain ();
}

/* Orders in dollars in a shop counting in yuan: the owner is told. */
static void
test_foreign_currency (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;

  siyu_emulator_set (f->emulator, &f->emulator->foreign, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==,
                   "Synced 1 account: 4 new orders, 0 updated. 4 orders are in another currency than the shop’s: "
                   "they are kept with their currency and left out of the figures.");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders WHERE currency = 'USD'"), ==, 4);
}

/* A customer the owner erased before: the sync keeps her record and her
 * orders anonymous, and says so. */
static void
test_erased (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(SiyuShop) shop = siyu_shop_open (f->path, &error);
    g_autoptr(SiyuIngest) ingest = NULL;
    SiyuContactRecord record = {
      .name = "李娜", .phone = "13800138000", .seen_at = 1700000000, .consent = -1, .do_not_contact = -1,
    };
    gint64 id;

    g_assert_no_error (error);
    ingest = siyu_ingest_new (shop);
    id = siyu_ingest_contact (ingest, &record, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (siyu_contact_erase (shop, id, &error));
    g_assert_no_error (error);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  wait_for_sync (dialog);
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==,
                   "Synced 1 account: 4 new orders, 0 updated. 3 records of erased people kept anonymous.");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM contacts WHERE erased_at IS NULL "
                                       "AND email = 'li.na@example.com'"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  data_home = siyu_test_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

#define ADD(path, func, on_open) \
  g_test_add ("/siyu/ui/sync/" path, Fixture, GINT_TO_POINTER (on_open), fixture_setup, func, fixture_teardown)
  ADD ("accounts-list", test_list, FALSE);
  ADD ("test-connection", test_connection, FALSE);
  ADD ("other-platforms", test_other_platforms, FALSE);
  ADD ("foreign-currency", test_foreign_currency, FALSE);
  ADD ("erased", test_erased, FALSE);
  ADD ("sync-now", test_sync_now, FALSE);
  ADD ("server-error", test_server_error, FALSE);
  ADD ("no-credentials", test_no_credentials, FALSE);
  ADD ("stop", test_stop, FALSE);
  ADD ("sync-on-open", test_on_open, TRUE);
  ADD ("add-validation", test_add_validation, FALSE);
  ADD ("confirm-keyring", test_confirm_keyring, FALSE);
  ADD ("rejects", test_rejects, FALSE);
  ADD ("order-money", test_order_money, FALSE);
  ADD ("duplicates", test_duplicates, FALSE);
#undef ADD

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
