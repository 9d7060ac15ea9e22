/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-accounts-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "siyu-accounts-page-private.h"
#include "siyu-sync.h"

/* The Accounts page of Preferences: the shop platform accounts the shop
 * syncs with, each with when it last synced and how that went, and a way
 * to add one, test its connection, sync it or remove it.  Credentials go
 * from the Add dialog straight to the system keyring; the shop file keeps
 * only the platform, the name and the shop's address. */

/* In the order of the Add dialog's platform list. */
static const struct {
  const char *id;
  const char *title;
} platforms[] = {
  { "shopify", "Shopify" },
  { "woocommerce", "WooCommerce" },
  /* Translators: the Chinese shop platform 有赞. */
  { "youzan", N_("Youzan") },
};

struct _SiyuAccountsPage
{
  AdwPreferencesPage   parent_instance;

  AdwPreferencesGroup *accounts_group;
  AdwActionRow        *empty_row;
  GtkSwitch           *on_open_switch;

  SiyuShopRunner      *runner;
  GPtrArray           *rows;        /* AdwActionRow, one per account */
  guint                pending;
  gboolean             filling;
  char                *verdict;     /* of the last connection test */
  AdwMessageDialog    *confirm_dialog; /* asking to use credentials of an earlier Siyu */

  /* The Add dialog, while it is open. */
  AdwMessageDialog    *add_dialog;
  AdwComboRow         *platform_row;
  AdwEntryRow         *name_row;
  AdwEntryRow         *url_row;
  GtkWidget           *token_row;
  GtkWidget           *key_row;
  GtkWidget           *secret_row;
  GtkEditable         *token_entry;
  GtkEditable         *key_entry;
  GtkEditable         *secret_entry;
  GtkLabel            *problem_label;
};

G_DEFINE_FINAL_TYPE (SiyuAccountsPage, siyu_accounts_page, ADW_TYPE_PREFERENCES_PAGE)

static const char *
platform_title (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
    if (g_strcmp0 (platforms[i].id, id) == 0)
      return g_str_equal (id, "youzan") ? _(platforms[i].title) : platforms[i].title;
  return id;
}

static void
add_toast (SiyuAccountsPage *self,
           const char       *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

/* Loading */

typedef struct {
  JsonNode *accounts;
  gboolean  on_open;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_pointer (&loaded->accounts, json_node_unref);
  g_free (loaded);
}

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  loaded->accounts = siyu_sync_account_list (shop, &error);
  if (loaded->accounts == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }
  loaded->on_open = siyu_sync_get_on_open (shop);
  g_task_return_pointer (task, loaded, loaded_free);
}

static char *
describe_account (SiyuAccountsPage *self,
                  JsonObject       *account)
{
  const char *platform = json_object_get_string_member (account, "platform");
  const char *shop_url = json_object_get_string_member (account, "shop_url");
  JsonNode *last = json_object_get_member (account, "last_sync_at");
  const char *result = json_object_get_string_member_with_default (account, "last_result", NULL);
  g_autofree char *where = NULL;
  g_autofree char *when = NULL;

  if (g_strcmp0 (platform, "youzan") == 0)
    /* Translators: where a Youzan account is: its shop id. */
    where = g_strdup_printf (_("%s · shop %s"), platform_title (platform), shop_url);
  else
    /* Translators: a platform and a shop's address, e.g. “Shopify · https://tea.myshopify.com”. */
    where = g_strdup_printf (_("%s · %s"), platform_title (platform), shop_url);

  if (last == NULL || JSON_NODE_HOLDS_NULL (last))
    /* Translators: under an account that has not synced yet. */
    return g_strdup_printf ("%s\n%s", where, _("Never synced"));
  {
    g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (siyu_shop_runner_get_time_zone_id (self->runner));
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (json_node_get_int (last));
    g_autoptr(GDateTime) local = NULL;

    if (zone == NULL)
      zone = g_time_zone_new_utc ();
    local = g_date_time_to_timezone (utc, zone);

    when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  }
  if (g_strcmp0 (result, "ok") == 0)
    /* Translators: under an account: when it last synced, which went well. */
    return g_strdup_printf (_("%s\nLast synced %s: fine"), where, when);
  /* Translators: under an account: when it last synced, then why that failed. */
  return g_strdup_printf (_("%s\nLast synced %s: %s"), where, when, result != NULL ? result : "");
}

static GtkWidget *
icon_button_new (const char *icon,
                 const char *label,
                 const char *action,
                 const char *account)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", account);
  gtk_widget_add_css_class (button, "flat");

  return button;
}

static void
fill (SiyuAccountsPage *self,
      Loaded           *loaded)
{
  JsonArray *accounts = json_node_get_array (loaded->accounts);
  guint n = json_array_get_length (accounts);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->accounts_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);
      const char *name = json_object_get_string_member (account, "name");
      g_autofree char *subtitle = describe_account (self, account);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button_new ("network-transmit-receive-symbolic", _("Test Connection"),
                                                  "accounts.test", name));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button_new ("view-refresh-symbolic", _("Sync Now"), "accounts.sync", name));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button_new ("user-trash-symbolic", _("Remove"), "accounts.remove", name));
      adw_preferences_group_add (self->accounts_group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), n == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.sync-all", n > 0);

  self->filling = TRUE;
  gtk_switch_set_active (self->on_open_switch, loaded->on_open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->on_open_switch), TRUE);
  self->filling = FALSE;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SiyuAccountsPage *self = SIYU_ACCOUNTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  self->pending--;
  /* Preferences closed meanwhile. */
  if (self->accounts_group == NULL)
    {
      g_clear_pointer (&loaded, loaded_free);
      return;
    }
  if (loaded == NULL)
    {
      adw_action_row_set_subtitle (self->empty_row, error->message);
      return;
    }
  fill (self, loaded);
  loaded_free (loaded);
}

static void
load (SiyuAccountsPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, loaded_cb, NULL);

  self->pending++;
  g_task_set_source_tag (task, load);
  siyu_shop_runner_run (self->runner, task, load_job);
}

/* Jobs on one account */

typedef enum {
  ACCOUNT_ADD,
  ACCOUNT_REMOVE,
  ACCOUNT_TEST,
  ACCOUNT_CONFIRM,
  SET_ON_OPEN,
} Kind;

typedef struct {
  Kind                 kind;
  char                *name;
  char                *platform;
  char                *shop_url;
  SiyuSyncCredentials *credentials;
  gboolean             on_open;
  char                *message;     /* of a success, set by the worker */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->name);
  g_free (job->platform);
  g_free (job->shop_url);
  g_clear_pointer (&job->credentials, siyu_sync_credentials_free);
  g_free (job->message);
  g_free (job);
}

static void
account_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  switch (job->kind)
    {
    case ACCOUNT_ADD:
      if (siyu_sync_account_add (shop, job->platform, job->name, job->shop_url, &error) < 0)
        break;
      if (!siyu_sync_credentials_store (shop, job->credentials, job->name, NULL, &error))
        {
          siyu_sync_account_remove (shop, job->name, NULL);
          break;
        }
      /* Translators: %s is an account's name. */
      job->message = g_strdup_printf (_("Added the account “%s”."), job->name);
      break;

    case ACCOUNT_REMOVE:
      {
        /* The keyring's entry is found through the account: first. */
        g_autoptr(GError) keyring_error = NULL;

        siyu_sync_credentials_clear (shop, job->name, NULL, &keyring_error);
        if (!siyu_sync_account_remove (shop, job->name, &error))
          break;
        if (keyring_error != NULL)
          {
            /* Translators: an account's name, then why the keyring could not be changed. */
            job->message = g_strdup_printf (_("Removed the account “%s”, but its credentials could not be deleted "
                                              "from the keyring: %s"), job->name, keyring_error->message);
            break;
          }
      }
      /* Translators: %s is an account's name. */
      job->message = g_strdup_printf (_("Removed the account “%s”; what it synced stays in the shop."), job->name);
      break;

    case ACCOUNT_TEST:
      {
        g_autoptr(SiyuSyncCredentials) credentials = NULL;
        g_autoptr(JsonNode) list = NULL;
        const char *shop_url = NULL;

        job->platform = siyu_sync_account_dup_platform (shop, job->name, &error);
        if (job->platform == NULL)
          break;
        list = siyu_sync_account_list (shop, &error);
        if (list == NULL)
          break;
        for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
          {
            JsonObject *account = json_array_get_object_element (json_node_get_array (list), i);

            if (g_strcmp0 (json_object_get_string_member (account, "name"), job->name) == 0)
              shop_url = json_object_get_string_member (account, "shop_url");
          }
        job->shop_url = g_strdup (shop_url);
        /* The same order as siyu-cli: the environment, then the keyring. */
        credentials = siyu_sync_credentials_from_env ();
        if (credentials == NULL)
          credentials = siyu_sync_credentials_lookup (shop, job->name, NULL, &error);
        if (credentials == NULL || !siyu_sync_test_connection (shop, job->name, credentials, NULL, NULL, &error))
          break;
        if (g_str_equal (job->platform, "youzan"))
          /* Translators: the verdict of a connection test: the Youzan shop id and the platform. */
          job->message = g_strdup_printf (_("✓ Connected to shop %s: %s accepted the credentials."),
                                          shop_url, platform_title (job->platform));
        else
          /* Translators: the verdict of a connection test: the shop's address and the platform. */
          job->message = g_strdup_printf (_("✓ Connected to %s: %s accepted the credentials."),
                                          shop_url, platform_title (job->platform));
      }
      break;

    case ACCOUNT_CONFIRM:
      siyu_sync_credentials_confirm (shop, job->name, job->shop_url, NULL, &error);
      break;

    case SET_ON_OPEN:
      siyu_sync_set_on_open (shop, job->on_open, &error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void ask_confirm  (SiyuAccountsPage *self,
                          const char       *account,
                          const char       *shop_url,
                          const char       *why);
static void test_account (SiyuAccountsPage *self,
                          const char       *account);

static void
account_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SiyuAccountsPage *self = SIYU_ACCOUNTS_PAGE (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->pending--;
  if (self->accounts_group == NULL)
    return;
  if (job->kind == ACCOUNT_TEST && g_error_matches (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_UNCONFIRMED))
    {
      ask_confirm (self, job->name, job->shop_url, error->message);
      return;
    }
  if (job->kind == ACCOUNT_CONFIRM)
    {
      if (!ok)
        {
          g_free (self->verdict);
          self->verdict = g_strdup (error->message);
          add_toast (self, error->message);
          return;
        }
      /* Tied to the shop: the test the owner asked for goes on. */
      test_account (self, job->name);
      return;
    }
  if (job->kind == ACCOUNT_TEST)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      AdwMessageDialog *dialog;

      g_free (self->verdict);
      self->verdict = g_strdup (ok ? job->message : error->message);
      if (!GTK_IS_WINDOW (root))
        return;
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                           ok ? _("Connection Works") : _("Connection Failed"),
                                                           self->verdict));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  if (!ok)
    add_toast (self, error->message);
  else if (job->message != NULL)
    add_toast (self, job->message);
  load (self);
}

static void
run_job (SiyuAccountsPage *self,
         Job              *job)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, account_done_cb, NULL);

  self->pending++;
  g_task_set_source_tag (task, run_job);
  g_task_set_task_data (task, job, job_free);
  siyu_shop_runner_run (self->runner, task, account_job);
}

static void
test_account (SiyuAccountsPage *self,
              const char       *account)
{
  Job *job = g_new0 (Job, 1);

  job->kind = ACCOUNT_TEST;
  job->name = g_strdup (account);
  run_job (self, job);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SiyuAccountsPage *self)
{
  Job *job;

  if (!g_str_equal (response, "use"))
    return;
  job = g_new0 (Job, 1);
  job->kind = ACCOUNT_CONFIRM;
  job->name = g_strdup (g_object_get_data (G_OBJECT (dialog), "account"));
  job->shop_url = g_strdup (g_object_get_data (G_OBJECT (dialog), "shop-url"));
  run_job (self, job);
}

/* Credentials an earlier Siyu saved by the account's name alone: used
 * only once the owner has seen the address they will go to. */
static void
ask_confirm (SiyuAccountsPage *self,
             const char       *account,
             const char       *shop_url,
             const char       *why)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  g_free (self->verdict);
  self->verdict = g_strdup (why);
  /* Translators: why the credentials were not used, then the address they would go to. */
  body = g_strdup_printf (_("%s\n\nUse them for %s? Say yes only if this is your shop’s address: they will be "
                            "sent there."), why, shop_url);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Use the Saved Credentials?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "use", _("_Use for This Address"), NULL);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account", g_strdup (account), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "shop-url", g_strdup (shop_url), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  g_clear_weak_pointer (&self->confirm_dialog);
  g_set_weak_pointer (&self->confirm_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_open_changed_cb (SiyuAccountsPage *self)
{
  Job *job;

  if (self->filling)
    return;
  job = g_new0 (Job, 1);
  job->kind = SET_ON_OPEN;
  job->on_open = gtk_switch_get_active (self->on_open_switch);
  run_job (self, job);
}

/* The Add dialog */

static void
clear_add_dialog (SiyuAccountsPage *self)
{
  self->add_dialog = NULL;
  self->platform_row = NULL;
  self->name_row = NULL;
  self->url_row = NULL;
  self->token_row = self->key_row = self->secret_row = NULL;
  self->token_entry = self->key_entry = self->secret_entry = NULL;
  self->problem_label = NULL;
}

static const char *
selected_platform (SiyuAccountsPage *self)
{
  guint selected = adw_combo_row_get_selected (self->platform_row);

  return platforms[selected < G_N_ELEMENTS (platforms) ? selected : 0].id;
}

static char *
entered_url (SiyuAccountsPage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));

  if (g_str_equal (selected_platform (self), "youzan") || *text == '\0' || strstr (text, "://") != NULL)
    return g_steal_pointer (&text);
  return g_strconcat ("https://", text, NULL);
}

static SiyuSyncCredentials *
entered_credentials (SiyuAccountsPage *self)
{
  const char *platform = selected_platform (self);

  if (g_str_equal (platform, "shopify"))
    return siyu_sync_credentials_new (gtk_editable_get_text (self->token_entry), NULL, NULL);
  return siyu_sync_credentials_new (NULL, gtk_editable_get_text (self->key_entry),
                                    gtk_editable_get_text (self->secret_entry));
}

/* The first thing that keeps the account from being added, or NULL. */
static char *
find_problem (SiyuAccountsPage *self)
{
  const char *platform = selected_platform (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *url = entered_url (self);
  g_autoptr(SiyuSyncCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  if (*name == '\0')
    return g_strdup (_("Give the account a name."));
  if (g_str_equal (platform, "youzan"))
    {
      if (*url == '\0')
        return g_strdup (_("Enter the Youzan shop id (kdt_id)."));
      for (const char *p = url; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          /* Translators: %s is what the owner typed. */
          return g_strdup_printf (_("“%s” is not a Youzan shop id (kdt_id, digits only)."), url);
    }
  else if (*url == '\0')
    return g_strdup (_("Enter the shop’s address."));
  else if (!siyu_sync_url_is_allowed (url, &error))
    return g_strdup (error->message);

  credentials = entered_credentials (self);
  if (!siyu_sync_credentials_check (credentials, platform, &error))
    return g_strdup (error->message);

  return NULL;
}

static void
add_changed_cb (SiyuAccountsPage *self)
{
  g_autofree char *problem = NULL;
  const char *platform;

  if (self->add_dialog == NULL)
    return;
  platform = selected_platform (self);
  gtk_widget_set_visible (self->token_row, g_str_equal (platform, "shopify"));
  gtk_widget_set_visible (self->key_row, !g_str_equal (platform, "shopify"));
  gtk_widget_set_visible (self->secret_row, !g_str_equal (platform, "shopify"));
  if (g_str_equal (platform, "youzan"))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _("Shop ID (kdt_id)"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), _("Client ID"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row), _("Client Secret"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _("Shop Address"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), _("Consumer Key"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row), _("Consumer Secret"));
    }

  problem = find_problem (self);
  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
  adw_message_dialog_set_response_enabled (self->add_dialog, "add", problem == NULL);
}

static void
add_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 SiyuAccountsPage *self)
{
  g_autofree char *problem = NULL;
  Job *job;

  if (self->add_dialog != dialog)
    return;
  if (g_str_equal (response, "add") && (problem = find_problem (self)) == NULL)
    {
      job = g_new0 (Job, 1);
      job->kind = ACCOUNT_ADD;
      job->platform = g_strdup (selected_platform (self));
      job->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
      job->shop_url = entered_url (self);
      job->credentials = entered_credentials (self);
      run_job (self, job);
    }
  /* The secrets do not outlive the dialog's text fields. */
  gtk_editable_set_text (self->token_entry, "");
  gtk_editable_set_text (self->key_entry, "");
  gtk_editable_set_text (self->secret_entry, "");
  clear_add_dialog (self);
}

static GtkWidget *
secret_row_new (const char   *title,
                GtkEditable **entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *password = gtk_password_entry_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (password), TRUE);
  gtk_widget_set_valign (password, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (password, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (password), 16);
  gtk_accessible_update_property (GTK_ACCESSIBLE (password), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), password);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), password);
  *entry = GTK_EDITABLE (password);

  return row;
}

static AdwMessageDialog *
open_add_dialog (SiyuAccountsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *dialog;

  if (self->add_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->add_dialog));
      return self->add_dialog;
    }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Add an Account"),
                                   _("The credentials are stored in the system keyring only."));
  self->add_dialog = ADW_MESSAGE_DIALOG (dialog);

  for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
    gtk_string_list_append (model, platform_title (platforms[i].id));
  self->platform_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->platform_row), _("Platform"));
  adw_combo_row_set_model (self->platform_row, G_LIST_MODEL (model));
  self->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Name"));
  self->url_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _("Shop Address"));
  self->token_row = secret_row_new (_("Access Token"), &self->token_entry);
  self->key_row = secret_row_new (_("Consumer Key"), &self->key_entry);
  self->secret_row = secret_row_new (_("Consumer Secret"), &self->secret_entry);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->platform_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->name_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->url_row));
  gtk_list_box_append (GTK_LIST_BOX (list), self->token_row);
  gtk_list_box_append (GTK_LIST_BOX (list), self->key_row);
  gtk_list_box_append (GTK_LIST_BOX (list), self->secret_row);
  gtk_box_append (GTK_BOX (box), list);
  /* Room for a credential's title beside its field. */
  gtk_widget_set_size_request (box, 320, -1);

  self->problem_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->problem_label, TRUE);
  gtk_label_set_xalign (self->problem_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->problem_label));
  adw_message_dialog_set_extra_child (self->add_dialog, box);

  adw_message_dialog_add_responses (self->add_dialog, "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (self->add_dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (self->add_dialog, "add");
  adw_message_dialog_set_close_response (self->add_dialog, "cancel");

  g_signal_connect_swapped (self->platform_row, "notify::selected", G_CALLBACK (add_changed_cb), self);
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (add_changed_cb), self);
  g_signal_connect_swapped (self->url_row, "changed", G_CALLBACK (add_changed_cb), self);
  g_signal_connect_swapped (self->token_entry, "changed", G_CALLBACK (add_changed_cb), self);
  g_signal_connect_swapped (self->key_entry, "changed", G_CALLBACK (add_changed_cb), self);
  g_signal_connect_swapped (self->secret_entry, "changed", G_CALLBACK (add_changed_cb), self);
  g_signal_connect (dialog, "response", G_CALLBACK (add_response_cb), self);
  add_changed_cb (self);

  gtk_window_present (GTK_WINDOW (dialog));
  return self->add_dialog;
}

/* Actions */

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_add_dialog (SIYU_ACCOUNTS_PAGE (widget));
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  test_account (SIYU_ACCOUNTS_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SiyuAccountsPage *self)
{
  Job *job;

  if (!g_str_equal (response, "remove"))
    return;
  job = g_new0 (Job, 1);
  job->kind = ACCOUNT_REMOVE;
  job->name = g_strdup (g_object_get_data (G_OBJECT (dialog), "account"));
  run_job (self, job);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuAccountsPage *self = SIYU_ACCOUNTS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  /* Translators: %s is an account's name. */
  g_autofree char *heading = g_strdup_printf (_("Remove “%s”?"), name);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                                       _("What it synced stays in the shop. Its credentials are "
                                                         "deleted from the system keyring.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static SiyuSyncDialog *
start_sync (SiyuAccountsPage *self,
            const char       *account)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *window = GTK_IS_WINDOW (root) ? gtk_window_get_transient_for (GTK_WINDOW (root)) : NULL;
  SiyuSyncDialog *dialog;

  /* Only over a shop's window, whose places read the shop again after. */
  if (!G_IS_ACTION_GROUP (window) || !g_action_group_has_action (G_ACTION_GROUP (window), "reload-places"))
    return NULL;
  dialog = siyu_sync_dialog_new (GTK_WINDOW (root), window, self->runner, account);
  g_signal_connect_object (dialog, "finished", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  start_sync (SIYU_ACCOUNTS_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
sync_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  start_sync (SIYU_ACCOUNTS_PAGE (widget), NULL);
}

/* The shop's data changed under the page: a backup was restored. */
static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (SIYU_ACCOUNTS_PAGE (widget));
}

static void
siyu_accounts_page_dispose (GObject *object)
{
  SiyuAccountsPage *self = SIYU_ACCOUNTS_PAGE (object);

  if (self->add_dialog != NULL)
    {
      AdwMessageDialog *dialog = self->add_dialog;

      clear_add_dialog (self);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_ACCOUNTS_PAGE);

  G_OBJECT_CLASS (siyu_accounts_page_parent_class)->dispose (object);
}

static void
siyu_accounts_page_finalize (GObject *object)
{
  SiyuAccountsPage *self = SIYU_ACCOUNTS_PAGE (object);

  g_ptr_array_unref (self->rows);
  g_clear_object (&self->runner);
  g_clear_weak_pointer (&self->confirm_dialog);
  g_free (self->verdict);

  G_OBJECT_CLASS (siyu_accounts_page_parent_class)->finalize (object);
}

static void
siyu_accounts_page_class_init (SiyuAccountsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_accounts_page_dispose;
  object_class->finalize = siyu_accounts_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-accounts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuAccountsPage, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuAccountsPage, empty_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuAccountsPage, on_open_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_open_changed_cb);

  gtk_widget_class_install_action (widget_class, "accounts.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "accounts.test", "s", test_action);
  gtk_widget_class_install_action (widget_class, "accounts.sync", "s", sync_action);
  gtk_widget_class_install_action (widget_class, "accounts.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "accounts.sync-all", NULL, sync_all_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
siyu_accounts_page_init (SiyuAccountsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.sync-all", FALSE);
}

/**
 * siyu_accounts_page_new:
 * @runner: the shop's worker
 *
 * Reads the shop's accounts at once.
 */
SiyuAccountsPage *
siyu_accounts_page_new (SiyuShopRunner *runner)
{
  SiyuAccountsPage *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_ACCOUNTS_PAGE, NULL);
  self->runner = g_object_ref (runner);
  load (self);

  return self;
}

/* For the tests. */
gboolean
_siyu_accounts_page_is_busy (SiyuAccountsPage *self)
{
  return self->pending > 0;
}

guint
_siyu_accounts_page_get_n_accounts (SiyuAccountsPage *self)
{
  return self->rows->len;
}

AdwActionRow *
_siyu_accounts_page_get_row (SiyuAccountsPage *self,
                             guint             index)
{
  return index < self->rows->len ? g_ptr_array_index (self->rows, index) : NULL;
}

GtkSwitch *
_siyu_accounts_page_get_on_open (SiyuAccountsPage *self)
{
  return self->on_open_switch;
}

void
_siyu_accounts_page_test (SiyuAccountsPage *self,
                          const char       *account)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "accounts.test", "s", account);
}

const char *
_siyu_accounts_page_get_verdict (SiyuAccountsPage *self)
{
  return self->verdict;
}

SiyuSyncDialog *
_siyu_accounts_page_sync (SiyuAccountsPage *self,
                          const char       *account)
{
  return start_sync (self, account);
}

AdwMessageDialog *
_siyu_accounts_page_open_add (SiyuAccountsPage *self)
{
  return open_add_dialog (self);
}

void
_siyu_accounts_page_fill_add (SiyuAccountsPage *self,
                              guint             platform,
                              const char       *name,
                              const char       *shop_url,
                              const char       *token,
                              const char       *key,
                              const char       *secret)
{
  g_return_if_fail (self->add_dialog != NULL);

  adw_combo_row_set_selected (self->platform_row, platform);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), shop_url);
  gtk_editable_set_text (self->token_entry, token);
  gtk_editable_set_text (self->key_entry, key);
  gtk_editable_set_text (self->secret_entry, secret);
}

const char *
_siyu_accounts_page_get_add_problem (SiyuAccountsPage *self)
{
  g_return_val_if_fail (self->add_dialog != NULL, NULL);

  return gtk_label_get_text (self->problem_label);
}

AdwMessageDialog *
_siyu_accounts_page_get_confirm_dialog (SiyuAccountsPage *self)
{
  return self->confirm_dialog;
}
