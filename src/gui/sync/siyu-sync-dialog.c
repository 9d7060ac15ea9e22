/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-sync-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "siyu-recompute.h"
#include "siyu-sync.h"
#include "siyu-sync-dialog-private.h"

/* Syncs every platform account of a shop, or one, in the shop's worker,
 * showing the account, the resource and its pages and records as they
 * come.  Stop cancels between two requests: each page is stored whole or
 * not at all, so nothing is left half-stored.  Afterwards the figures are
 * counted again, the places reload and a toast says what changed. */

/* Shared with the worker, under the lock. */
typedef struct {
  GMutex  lock;
  char   *account;
  char   *shop_url;        /* where the account's credentials go */
  guint   index;
  guint   n_accounts;
  char   *resource;
  guint   pages;
  guint   records;
  gint64  total_records;
  gint64  eta_seconds;
  gboolean recomputing;
} Progress;

typedef struct {
  char         *account;           /* NULL: every account */
  Progress     *progress;
  GCancellable *cancellable;
  /* Set by the worker. */
  guint         n_synced;
  guint         orders_created;
  guint         orders_updated;
  guint         foreign_currency;
  guint         rejected;          /* records of this sync kept among the rejects */
  GPtrArray    *names;             /* the accounts synced */
  GPtrArray    *rejects;           /* SiyuSyncReject of those accounts, after it */
  guint         erased_kept;
  gboolean      changed;
  gboolean      cancelled;
  char         *failed_account;
  GError       *error;
  GError       *recompute_error;
} Job;

struct _SiyuSyncDialog
{
  AdwWindow       parent_instance;

  GtkLabel       *title_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *detail_label;
  GtkWidget      *stop_button;
  GtkStack       *stack;
  GtkLabel       *rejects_label;
  GtkListBox     *rejects_list;
  GtkWidget      *retry_button;
  GPtrArray      *rows;            /* of rejects_list */
  GPtrArray      *names;           /* the accounts synced, for a retry */
  guint           n_rejects;

  GtkWindow      *window;          /* the shop's: win.toast, win.reload-places */
  SiyuShopRunner *runner;
  GCancellable   *cancellable;
  Progress       *progress;
  guint           tick_id;
  gboolean        busy;
  char           *result;
};

G_DEFINE_FINAL_TYPE (SiyuSyncDialog, siyu_sync_dialog, ADW_TYPE_WINDOW)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
progress_clear (Progress *progress)
{
  g_mutex_clear (&progress->lock);
  g_free (progress->account);
  g_free (progress->shop_url);
  g_free (progress->resource);
}

static void
progress_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) progress_clear);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->account);
  g_clear_pointer (&job->progress, progress_release);
  g_clear_object (&job->cancellable);
  g_free (job->failed_account);
  g_clear_pointer (&job->names, g_ptr_array_unref);
  g_clear_pointer (&job->rejects, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_clear_error (&job->recompute_error);
  g_free (job);
}

/* In the worker. */
static void
progress_cb (const SiyuSyncProgress *sync_progress,
             gpointer                user_data)
{
  Progress *progress = user_data;

  g_mutex_lock (&progress->lock);
  g_free (progress->resource);
  progress->resource = g_strdup (sync_progress->resource);
  progress->pages = sync_progress->pages;
  progress->records = sync_progress->records;
  progress->total_records = sync_progress->total_records;
  progress->eta_seconds = sync_progress->eta_seconds;
  g_mutex_unlock (&progress->lock);
}

/* The same order as siyu-cli: the environment (for scripts and tests),
 * then the system keyring, which keys them by the shop's address. */
static SiyuSyncCredentials *
find_credentials (SiyuShop      *shop,
                  const char    *account,
                  GCancellable  *cancellable,
                  GError       **error)
{
  SiyuSyncCredentials *credentials = siyu_sync_credentials_from_env ();

  if (credentials != NULL)
    return credentials;
  return siyu_sync_credentials_lookup (shop, account, cancellable, error);
}

static GPtrArray *
list_names (SiyuShop  *shop,
            GError   **error)
{
  g_autoptr(JsonNode) list = siyu_sync_account_list (shop, error);
  GPtrArray *names;
  JsonArray *accounts;

  if (list == NULL)
    return NULL;
  accounts = json_node_get_array (list);
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    g_ptr_array_add (names, g_strdup (json_object_get_string_member (json_array_get_object_element (accounts, i),
                                                                     "name")));

  return names;
}

static void
sync_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *unused)
{
  Job *job = task_data;
  g_autoptr(GPtrArray) names = NULL;
  GError *error = NULL;

  if (job->account != NULL)
    {
      names = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (names, g_strdup (job->account));
    }
  else if ((names = list_names (shop, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (names->len == 0)
    {
      g_task_return_new_error (task, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NOT_FOUND, "%s",
                               _("This shop has no platform accounts yet: add one in Preferences, Accounts."));
      return;
    }

  for (guint i = 0; i < names->len && !job->cancelled; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *shop_url = NULL;
      g_autoptr(SiyuSyncCredentials) credentials = NULL;
      SiyuSyncOptions options = { 0, };
      SiyuSyncCounts counts;
      gboolean ok = FALSE;

      g_mutex_lock (&job->progress->lock);
      g_free (job->progress->account);
      job->progress->account = g_strdup (name);
      job->progress->index = i;
      job->progress->n_accounts = names->len;
      g_clear_pointer (&job->progress->resource, g_free);
      job->progress->pages = job->progress->records = 0;
      job->progress->total_records = job->progress->eta_seconds = -1;
      g_mutex_unlock (&job->progress->lock);

      memset (&counts, 0, sizeof counts);
      shop_url = siyu_sync_account_dup_shop_url (shop, name, &error);
      g_mutex_lock (&job->progress->lock);
      g_free (job->progress->shop_url);
      job->progress->shop_url = g_strdup (shop_url);
      g_mutex_unlock (&job->progress->lock);
      if (shop_url != NULL)
        credentials = find_credentials (shop, name, job->cancellable, &error);
      if (credentials != NULL)
        ok = siyu_sync_run (shop, name, credentials, &options, FALSE, progress_cb, job->progress,
                            job->cancellable, &counts, &error);

      job->orders_created += counts.orders.created;
      job->orders_updated += counts.orders.updated;
      job->foreign_currency += counts.foreign_currency;
      job->rejected += counts.rejected;
      job->erased_kept += counts.erased_kept;
      if (counts.orders.created + counts.orders.updated + counts.customers.created + counts.refunds_created > 0)
        job->changed = TRUE;
      if (ok)
        job->n_synced++;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          job->cancelled = TRUE;
          g_clear_error (&error);
        }
      else if (job->error == NULL)
        {
          job->failed_account = g_strdup (name);
          job->error = g_steal_pointer (&error);
        }
      else
        g_clear_error (&error);
    }

  /* What still needs a look, of the accounts synced. */
  job->rejects = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_sync_reject_free);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GPtrArray) rejects = siyu_sync_rejects_read (shop, g_ptr_array_index (names, i), NULL);

      for (guint r = 0; rejects != NULL && r < rejects->len; r++)
        g_ptr_array_add (job->rejects, g_ptr_array_steal_index (rejects, r--));
    }
  job->names = g_ptr_array_ref (names);

  /* Every page stored is whole, so the figures are counted again even
   * after a stop or a failure. */
  if (job->changed)
    {
      g_mutex_lock (&job->progress->lock);
      job->progress->recomputing = TRUE;
      g_mutex_unlock (&job->progress->lock);
      siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &job->recompute_error);
    }

  g_task_return_boolean (task, TRUE);
}

static char *
format_detail (Progress *progress)
{
  const char *resource;

  if (progress->resource == NULL)
    return g_strdup ("");
  if (g_str_equal (progress->resource, "orders"))
    /* Translators: what a sync is reading now. */
    resource = C_("sync resource", "Orders");
  else
    /* Translators: what a sync is reading now. */
    resource = C_("sync resource", "Customers");

  if (progress->total_records >= 0 && progress->eta_seconds >= 0)
    {
      if (progress->eta_seconds < 60)
        /* Translators: e.g. “Orders: page 2, 500 of 1200, about 3 s left”. */
        return g_strdup_printf (_("%s: page %u, %u of %d, about %d s left"), resource, progress->pages,
                                progress->records, (int) progress->total_records, (int) progress->eta_seconds);
      /* Translators: e.g. “Orders: page 20, 5000 of 90000, about 4 min left”. */
      return g_strdup_printf (_("%s: page %u, %u of %d, about %d min left"), resource, progress->pages,
                              progress->records, (int) progress->total_records,
                              (int) ((progress->eta_seconds + 59) / 60));
    }
  if (progress->total_records >= 0)
    /* Translators: e.g. “Orders: page 2, 500 of 1200”. */
    return g_strdup_printf (_("%s: page %u, %u of %d"), resource, progress->pages, progress->records,
                            (int) progress->total_records);
  /* Translators: e.g. “Customers: page 2, 500 records”. */
  return g_strdup_printf (_("%s: page %u, %u records"), resource, progress->pages, progress->records);
}

static gboolean
tick_cb (gpointer user_data)
{
  SiyuSyncDialog *self = user_data;
  Progress *progress = self->progress;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  double fraction = -1;

  g_mutex_lock (&progress->lock);
  if (progress->recomputing)
    {
      title = g_strdup (_("Stored. Counting the shop’s figures again…"));
      detail = g_strdup ("");
    }
  else if (progress->account != NULL)
    {
      const char *shop_url = progress->shop_url != NULL ? progress->shop_url : "";

      if (progress->n_accounts > 1)
        /* Translators: an account's name, its shop's address, then which of how many accounts it is. */
        title = g_strdup_printf (_("Syncing “%s” at %s (%u of %u)…"), progress->account, shop_url,
                                 progress->index + 1, progress->n_accounts);
      else
        /* Translators: an account's name, then its shop's address. */
        title = g_strdup_printf (_("Syncing “%s” at %s…"), progress->account, shop_url);
      detail = format_detail (progress);
      if (progress->total_records > 0)
        fraction = MIN (1.0, (double) progress->records / (double) progress->total_records);
    }
  g_mutex_unlock (&progress->lock);

  if (title != NULL)
    gtk_label_set_text (self->title_label, title);
  if (detail != NULL)
    gtk_label_set_text (self->detail_label, detail);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);

  return G_SOURCE_CONTINUE;
}

static char *
describe_result (Job *job)
{
  g_autofree char *orders = NULL;
  g_autofree char *synced = NULL;
  g_autofree char *foreign = NULL;

  if (job->error != NULL)
    {
      if (g_error_matches (job->error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_UNCONFIRMED))
        /* Translators: an account's name, then why its credentials were not used. */
        return g_strdup_printf (_("Could not sync “%s”: %s Confirm it with Test Connection in Preferences, "
                                  "Accounts."), job->failed_account, job->error->message);
      if (g_error_matches (job->error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS))
        /* Translators: an account's name, then why its credentials could not be found. */
        return g_strdup_printf (_("Could not sync “%s”: %s Remove the account in Preferences, Accounts, and add it "
                                  "again with its credentials."),
                                job->failed_account, job->error->message);
      /* Translators: an account's name, then what went wrong. */
      return g_strdup_printf (_("Could not sync “%s”: %s"), job->failed_account, job->error->message);
    }
  if (job->cancelled)
    return g_strdup (_("Sync stopped. Every page stored before the stop is complete."));
  if (job->recompute_error != NULL)
    /* Translators: %s says why the figures could not be counted. */
    return g_strdup_printf (_("Synced, but the figures could not be counted again: %s"),
                            job->recompute_error->message);

  /* Translators: the part of “Synced 2 accounts: 35 new orders, 4 updated” about new orders. */
  orders = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new order", "%u new orders", job->orders_created),
                            job->orders_created);
  /* Translators: the second %s is e.g. “35 new orders”; the last number is of orders updated. */
  synced = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %u account: %s, %u updated",
                                         "Synced %u accounts: %s, %u updated", job->n_synced),
                            job->n_synced, orders, job->orders_updated);
  if (job->rejected > 0)
    {
      /* Translators: after “Synced 1 account: 3 new orders, 0 updated”. */
      g_autofree char *look = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record needs a look.",
                                                            "%u records need a look.", job->rejected),
                                               job->rejected);
      char *with = g_strdup_printf ("%s. %s", synced, look);

      g_free (synced);
      synced = with;
    }
  if (job->erased_kept > 0)
    {
      /* Translators: after “Synced 1 account: 3 new orders, 0 updated”. */
      g_autofree char *erased = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "%u record of erased people kept anonymous.",
                                                              "%u records of erased people kept anonymous.",
                                                              job->erased_kept),
                                                 job->erased_kept);
      g_autofree char *both = g_strdup_printf ("%s. %s", synced, erased);

      g_free (synced);
      synced = g_steal_pointer (&both);
    }
  if (job->foreign_currency == 0)
    return g_steal_pointer (&synced);
  /* Translators: after “Synced 1 account: 3 new orders, 0 updated”. */
  foreign = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u order is in another currency than the shop’s: it is kept with its "
                                          "currency and left out of the figures.",
                                          "%u orders are in another currency than the shop’s: they are kept with "
                                          "their currency and left out of the figures.", job->foreign_currency),
                             job->foreign_currency);
  return g_strdup_printf ("%s%s %s", synced, g_str_has_suffix (synced, ".") ? "" : ".", foreign);
}

static void
fill_rejects (SiyuSyncDialog *self,
              GPtrArray      *rejects)
{
  guint shown = MIN (rejects->len, 200);

  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->rejects_list, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < shown; i++)
    {
      SiyuSyncReject *reject = g_ptr_array_index (rejects, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = NULL;

      if (g_str_equal (reject->resource, "orders"))
        /* Translators: a record a sync could not store: the platform's order id, then the account. */
        title = g_strdup_printf (_("Order %s · %s"), reject->platform_id, reject->account);
      else
        /* Translators: a record a sync could not store: the platform's customer id, then the account. */
        title = g_strdup_printf (_("Customer %s · %s"), reject->platform_id, reject->account);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reject->reason);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->rejects_list, row);
      g_ptr_array_add (self->rows, row);
    }
  self->n_rejects = rejects->len;
}

/* Records that need a look: the dialog stays, with them and Retry. */
static void
show_rejects (SiyuSyncDialog *self,
              GPtrArray      *rejects)
{
  g_autofree char *heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record needs a look",
                                                           "%u records need a look", rejects->len),
                                              rejects->len);

  gtk_label_set_text (self->rejects_label, heading);
  fill_rejects (self, rejects);
  gtk_widget_set_visible (self->stop_button, FALSE);
  gtk_widget_set_sensitive (self->retry_button, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "rejects");
  gtk_widget_grab_focus (self->retry_button);
}

typedef struct {
  GPtrArray *names;
  guint      tried;
  guint      still;              /* kept among the rejects again */
  guint      changed;
  GPtrArray *rejects;
} Retry;

static void
retry_free (gpointer data)
{
  Retry *retry = data;

  g_clear_pointer (&retry->names, g_ptr_array_unref);
  g_clear_pointer (&retry->rejects, g_ptr_array_unref);
  g_free (retry);
}

static void
retry_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Retry *retry = task_data;
  GError *error = NULL;

  retry->rejects = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_sync_reject_free);
  for (guint i = 0; i < retry->names->len; i++)
    {
      const char *name = g_ptr_array_index (retry->names, i);
      g_autoptr(GPtrArray) rejects = NULL;
      SiyuSyncCounts counts;

      if (!siyu_sync_rejects_retry (shop, name, &counts, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      retry->tried += counts.orders.records + counts.customers.records;
      retry->still += counts.rejected;
      retry->changed += counts.orders.created + counts.orders.updated + counts.contacts_created;
      rejects = siyu_sync_rejects_read (shop, name, NULL);
      for (guint r = 0; rejects != NULL && r < rejects->len; r++)
        g_ptr_array_add (retry->rejects, g_ptr_array_steal_index (rejects, r--));
    }
  if (retry->changed > 0)
    siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
retried_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (object);
  Retry *retry = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  guint tried = retry->tried;

  self->busy = FALSE;
  g_free (self->result);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    self->result = g_strdup (error->message);
  else
    /* Translators: records tried again, then how many of them were stored. */
    self->result = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Tried %u record again: %u stored.",
                                                 "Tried %u records again: %u stored.", tried),
                                    tried, tried - retry->still);
  if (retry->changed > 0 && self->window != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->window), "reload-places", NULL);
  if (error != NULL || retry->rejects->len > 0)
    {
      if (error == NULL)
        show_rejects (self, retry->rejects);
      gtk_label_set_text (self->rejects_label, self->result);
      gtk_widget_set_sensitive (self->retry_button, TRUE);
      return;
    }
  if (self->window != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->window), "toast", g_variant_new_string (self->result));
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  Retry *retry;

  if (self->busy || self->names == NULL || self->window == NULL)
    return;
  retry = g_new0 (Retry, 1);
  retry->names = g_ptr_array_ref (self->names);
  self->busy = TRUE;
  gtk_widget_set_sensitive (self->retry_button, FALSE);
  task = g_task_new (self, NULL, retried_cb, NULL);
  g_task_set_source_tag (task, retry_action);
  g_task_set_task_data (task, retry, retry_free);
  siyu_shop_runner_run (self->runner, task, retry_job);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (widget);

  if (self->busy)
    return;
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (object);
  g_autoptr(GError) error = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  gboolean changed = job->changed;

  self->busy = FALSE;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_free (self->result);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    self->result = g_strdup (error->message);
  else
    self->result = describe_result (job);

  /* A toast would cut a long error short. */
  if ((error != NULL || job->error != NULL) && parent != NULL)
    {
      AdwMessageDialog *message = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Sync Failed"),
                                                                              self->result));

      adw_message_dialog_add_response (message, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (message));
    }
  else if (ADW_IS_PREFERENCES_WINDOW (parent))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (parent), adw_toast_new (self->result));
  else if (self->window != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->window), "toast", g_variant_new_string (self->result));
  if (changed && self->window != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->window), "reload-places", NULL);

  g_signal_emit (self, signals[FINISHED], 0);
  if (error == NULL && job->error == NULL && !job->cancelled && job->rejects != NULL && job->rejects->len > 0 &&
      gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL)
    {
      g_clear_pointer (&self->names, g_ptr_array_unref);
      self->names = g_ptr_array_ref (job->names);
      show_rejects (self, job->rejects);
      return;
    }
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (widget);

  /* Escape closes the list of records that need a look. */
  if (!self->busy)
    {
      if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "rejects"))
        close_action (widget, NULL, NULL);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  gtk_widget_set_sensitive (self->stop_button, FALSE);
  gtk_label_set_text (self->title_label, _("Stopping…"));
}

/* GTK keeps a destroyed transient parent until the dialog is disposed, and
 * the worker may keep the dialog alive after that; nor is there a window to
 * report to any more. */
static void
parent_destroyed_cb (SiyuSyncDialog *self,
                     GtkWindow      *parent)
{
  g_cancellable_cancel (self->cancellable);
  if (gtk_window_get_transient_for (GTK_WINDOW (self)) == parent)
    gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  if (parent == self->window)
    g_clear_object (&self->window);
}

static gboolean
siyu_sync_dialog_close_request (GtkWindow *window)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (window);

  /* Closed by the result, once the worker has stopped. */
  if (self->busy)
    {
      stop_action (GTK_WIDGET (self), NULL, NULL);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (siyu_sync_dialog_parent_class)->close_request (window);
}

static void
siyu_sync_dialog_dispose (GObject *object)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->window);
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_SYNC_DIALOG);

  G_OBJECT_CLASS (siyu_sync_dialog_parent_class)->dispose (object);
}

static void
siyu_sync_dialog_finalize (GObject *object)
{
  SiyuSyncDialog *self = SIYU_SYNC_DIALOG (object);

  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->progress, progress_release);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_free (self->result);

  G_OBJECT_CLASS (siyu_sync_dialog_parent_class)->finalize (object);
}

static void
siyu_sync_dialog_class_init (SiyuSyncDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = siyu_sync_dialog_dispose;
  object_class->finalize = siyu_sync_dialog_finalize;
  window_class->close_request = siyu_sync_dialog_close_request;

  /**
   * SiyuSyncDialog::finished:
   *
   * Emitted once the sync is over, stopped or failed, just before the
   * dialog closes.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-sync-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, detail_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, stop_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, rejects_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, rejects_list);
  gtk_widget_class_bind_template_child (widget_class, SiyuSyncDialog, retry_button);

  gtk_widget_class_install_action (widget_class, "sync.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "sync.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "sync.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "sync.stop", NULL);
}

static void
siyu_sync_dialog_init (SiyuSyncDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

/**
 * siyu_sync_dialog_new:
 * @parent: the window the dialog belongs to: the shop's, or Preferences
 * @window: the shop's window, whose places reload afterwards through its
 *   win.reload-places action
 * @runner: the shop's runner
 * @account: (nullable): the account to sync; %NULL: every account
 *
 * Starts the sync at once.  The dialog closes itself when it is over and
 * says what changed in a toast on @parent.
 */
SiyuSyncDialog *
siyu_sync_dialog_new (GtkWindow      *parent,
                      GtkWindow      *window,
                      SiyuShopRunner *runner,
                      const char     *account)
{
  g_autoptr(GTask) task = NULL;
  SiyuSyncDialog *self;
  Job *job;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);
  g_return_val_if_fail (G_IS_ACTION_GROUP (window), NULL);
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_SYNC_DIALOG, "transient-for", parent, NULL);
  self->window = g_object_ref (window);
  self->runner = g_object_ref (runner);
  g_signal_connect_object (parent, "destroy", G_CALLBACK (parent_destroyed_cb), self, G_CONNECT_SWAPPED);
  if (parent != window)
    g_signal_connect_object (window, "destroy", G_CALLBACK (parent_destroyed_cb), self, G_CONNECT_SWAPPED);
  self->cancellable = g_cancellable_new ();
  self->progress = g_atomic_rc_box_new0 (Progress);
  g_mutex_init (&self->progress->lock);
  self->progress->total_records = self->progress->eta_seconds = -1;

  job = g_new0 (Job, 1);
  job->account = g_strdup (account);
  job->progress = g_atomic_rc_box_acquire (self->progress);
  job->cancellable = g_object_ref (self->cancellable);

  self->busy = TRUE;
  self->tick_id = g_timeout_add (100, tick_cb, self);
  /* The task has no cancellable of its own: a stopped sync still returns
   * what it stored. */
  task = g_task_new (self, NULL, synced_cb, NULL);
  g_task_set_source_tag (task, siyu_sync_dialog_new);
  g_task_set_task_data (task, job, job_free);
  siyu_shop_runner_run (runner, task, sync_job);

  return self;
}

static void
on_open_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(JsonNode) list = NULL;

  if (!siyu_sync_get_on_open (shop))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  list = siyu_sync_account_list (shop, NULL);
  g_task_return_boolean (task, list != NULL && json_array_get_length (json_node_get_array (list)) > 0);
}

/* What the check on opening keeps: not the window, which may be closed
 * before the check is done. */
typedef struct {
  GWeakRef        window;
  SiyuShopRunner *runner;
} OnOpen;

static void
on_open_free (gpointer data)
{
  OnOpen *on_open = data;

  g_weak_ref_clear (&on_open->window);
  g_object_unref (on_open->runner);
  g_free (on_open);
}

static void
on_open_checked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  OnOpen *on_open = g_task_get_task_data (G_TASK (result));
  g_autoptr(GtkWindow) window = g_weak_ref_get (&on_open->window);

  if (g_task_propagate_boolean (G_TASK (result), NULL) && window != NULL &&
      gtk_widget_get_visible (GTK_WIDGET (window)))
    gtk_window_present (GTK_WINDOW (siyu_sync_dialog_new (window, window, on_open->runner, NULL)));
}

/**
 * siyu_sync_dialog_sync_on_open:
 * @window: a shop's window that has just opened
 * @runner: the shop's runner
 *
 * Syncs every account of the shop once, if the shop says so (Preferences,
 * Accounts) and has accounts.  The check does not keep @window alive.
 */
void
siyu_sync_dialog_sync_on_open (GtkWindow      *window,
                               SiyuShopRunner *runner)
{
  g_autoptr(GTask) task = NULL;
  OnOpen *on_open;

  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (G_IS_ACTION_GROUP (window));
  g_return_if_fail (SIYU_IS_SHOP_RUNNER (runner));

  on_open = g_new0 (OnOpen, 1);
  g_weak_ref_init (&on_open->window, window);
  on_open->runner = g_object_ref (runner);
  task = g_task_new (NULL, NULL, on_open_checked_cb, NULL);
  g_task_set_source_tag (task, siyu_sync_dialog_sync_on_open);
  g_task_set_task_data (task, on_open, on_open_free);
  siyu_shop_runner_run (runner, task, on_open_job);
}

/* For the tests. */
gboolean
_siyu_sync_dialog_is_busy (SiyuSyncDialog *self)
{
  return self->busy;
}

const char *
_siyu_sync_dialog_get_result (SiyuSyncDialog *self)
{
  return self->result;
}

const char *
_siyu_sync_dialog_get_detail (SiyuSyncDialog *self)
{
  return gtk_label_get_text (self->detail_label);
}

void
_siyu_sync_dialog_stop (SiyuSyncDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sync.stop", NULL);
}

const char *
_siyu_sync_dialog_get_title (SiyuSyncDialog *self)
{
  return gtk_label_get_text (self->title_label);
}

/* How many records the dialog lists as needing a look; 0 when it shows
 * none. */
guint
_siyu_sync_dialog_get_n_rejects (SiyuSyncDialog *self)
{
  return g_str_equal (gtk_stack_get_visible_child_name (self->stack), "rejects") ? self->n_rejects : 0;
}

AdwActionRow *
_siyu_sync_dialog_get_reject_row (SiyuSyncDialog *self,
                                  guint           index)
{
  return index < self->rows->len ? g_ptr_array_index (self->rows, index) : NULL;
}

void
_siyu_sync_dialog_retry (SiyuSyncDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sync.retry", NULL);
}
