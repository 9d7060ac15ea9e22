/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <libsoup/soup.h>

#include "siyu-accounts-page-private.h"
#include "siyu-application.h"
#include "siyu-preferences-window.h"
#include "siyu-sync.h"
#include "siyu-sync-dialog-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Accounts page of Preferences and Sync Now, against a Shopify
 * emulator on 127.0.0.1.  The tests have no keyring: the credentials come
 * from SIYU_SYNC_TOKEN, as they may for siyu-cli. */

#define SHOPIFY_TOKEN "shpat_TEST_TOKEN_0123456789"

static SiyuApplication *app;

/* A minimal Shopify in its own thread, from the fixtures of test-sync. */

typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  GMutex        lock;
  GCond         ready;
  GPtrArray    *paused;
  gboolean      always_500;
  gboolean      hang_orders;
} Emulator;

static JsonNode *
fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sync", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static guint
query_uint (GHashTable *query,
            const char *name,
            guint       fallback)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
shopify (Emulator          *self,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "X-Shopify-Access-Token");
  gboolean orders = strstr (path, "/orders") != NULL;
  g_autoptr(JsonNode) data = fixture (orders ? "shopify-orders.json" : "shopify-customers.json");
  JsonArray *all = json_object_get_array_member (json_node_get_object (data), orders ? "orders" : "customers");
  guint limit = query_uint (query, "limit", 50);
  guint offset = query_uint (query, "page_info", 0);
  g_autoptr(JsonNode) page = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *items = json_array_new ();
  g_autofree char *text = NULL;

  json_node_take_object (page, object);
  json_object_set_array_member (object, orders ? "orders" : "customers", items);
  if (g_strcmp0 (token, SHOPIFY_TOKEN) != 0)
    {
      reply (msg, 401, "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}");
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Shopify-Shop-Api-Call-Limit", "1/40");
  if (g_str_has_suffix (path, "/count.json"))
    {
      g_autofree char *body = g_strdup_printf ("{\"count\":%u}", json_array_get_length (all));
      reply (msg, 200, body);
      return;
    }
  if (offset + limit < json_array_get_length (all))
    {
      g_autofree char *link = g_strdup_printf ("<%s%s?limit=%u&page_info=%u>; rel=\"next\"",
                                               self->url, path, limit, offset + limit);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
    }
  for (guint i = offset; i < json_array_get_length (all) && i < offset + limit; i++)
    json_array_add_element (items, json_node_copy (json_array_get_element (all, i)));
  text = json_to_string (page, FALSE);
  reply (msg, 200, text);
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Emulator *self = user_data;

  g_mutex_lock (&self->lock);
  if (self->hang_orders && strstr (path, "/orders") != NULL)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (self->paused, g_object_ref (msg));
    }
  else if (self->always_500)
    reply (msg, 500, "{\"errors\":\"Internal Server Error\"}");
  else
    shopify (self, msg, path, query);
  g_mutex_unlock (&self->lock);
}

static gpointer
emulator_thread (gpointer data)
{
  Emulator *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  g_mutex_lock (&self->lock);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);

  g_ptr_array_set_size (self->paused, 0);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static Emulator *
emulator_start (void)
{
  Emulator *self = g_new0 (Emulator, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->paused = g_ptr_array_new_with_free_func (g_object_unref);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("emulator", emulator_thread, self);
  while (self->url == NULL)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
emulator_stop (Emulator *self)
{
  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->paused);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self->url);
  g_free (self);
}

static void
emulator_set (Emulator *self,
              gboolean *field,
              gboolean  value)
{
  g_mutex_lock (&self->lock);
  *field = value;
  g_mutex_unlock (&self->lock);
}

static guint
emulator_n_paused (Emulator *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->paused->len;
  g_mutex_unlock (&self->lock);
  return n;
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
  Emulator   *emulator;
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

  f->emulator = emulator_start ();
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
  emulator_stop (f->emulator);
  g_free (f->path);
  g_free (f->dir);
}

static SiyuAccountsPage *
open_accounts (Fixture                *f,
               SiyuPreferencesWindow **preferences)
{
  SiyuAccountsPage *page;

  *preferences = siyu_preferences_window_new (f->window);
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
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, "Synced 1 account: 3 new orders, 0 updated");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 3);

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
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 3);

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_server_error (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;

  emulator_set (f->emulator, &f->emulator->always_500, TRUE);
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

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SiyuSyncDialog) dialog = NULL;

  emulator_set (f->emulator, &f->emulator->hang_orders, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL));
  dialog = find_sync_dialog ();
  siyu_test_wait_for (orders_paused, f->emulator);
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
  g_assert_cmpstr (_siyu_sync_dialog_get_result (dialog), ==, "Synced 1 account: 3 new orders, 0 updated");
  g_assert_cmpint (query_int (f->path, "SELECT count (*) FROM orders"), ==, 3);
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
  ADD ("sync-now", test_sync_now, FALSE);
  ADD ("server-error", test_server_error, FALSE);
  ADD ("no-credentials", test_no_credentials, FALSE);
  ADD ("stop", test_stop, FALSE);
  ADD ("sync-on-open", test_on_open, TRUE);
  ADD ("add-validation", test_add_validation, FALSE);
#undef ADD

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
