/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-backups-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-backup.h"
#include "siyu-backups-page-private.h"

/* Preferences → Backups: the copies Siyu keeps of the shop, newest first,
 * one kept on demand, one restored after the owner confirms, and which are
 * kept.  Everything that touches the shop or its backup folder runs on the
 * shop's worker; a restore then says "restored" so that the windows read
 * the shop again. */

struct _SiyuBackupsPage
{
  AdwPreferencesPage   parent_instance;

  AdwPreferencesGroup *backups_group;
  AdwPreferencesGroup *retention_group;
  GtkSpinner          *spinner;
  GtkWidget           *back_up_button;
  GtkStack            *list_stack;
  GtkListBox          *list_box;
  GtkSpinButton       *keep_last_spin;
  GtkSpinButton       *keep_days_spin;
  GtkSpinButton       *keep_months_spin;

  SiyuShopRunner      *runner;
  GCancellable        *cancellable;
  GPtrArray           *backups;        /* SiyuBackup, as shown */
  guint                pending;
  guint                save_id;
  gboolean             filling;
  gboolean             working;        /* a backup or a restore under way */
  gboolean             restoring;
  char                *message;        /* of the last toast */
};

G_DEFINE_FINAL_TYPE (SiyuBackupsPage, siyu_backups_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  OP_LOAD,
  OP_CREATE,
  OP_RESTORE,
  OP_RETENTION,
} Op;

typedef struct {
  Op                  op;
  char               *path;        /* of the backup to restore */
  char               *when;        /* of the backup to restore, as shown */
  SiyuBackupRetention retention;   /* in: to save; out: as kept */
  guint               before;      /* out: backups before a retention change */
  GPtrArray          *backups;     /* out: SiyuBackup, newest first */
  GError             *error;       /* of the change; the list is read anyway */
} Job;

/* How long the spin buttons wait for more clicks before saving. */
#define SAVE_DELAY_MS 700

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_free (job->when);
  g_clear_pointer (&job->backups, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
backups_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  switch (job->op)
    {
    case OP_LOAD:
      break;
    case OP_CREATE:
      {
        g_autoptr(SiyuBackup) backup = siyu_backup_create (shop, SIYU_BACKUP_CAUSE_MANUAL, &job->error);
      }
      break;
    case OP_RESTORE:
      siyu_backup_restore (shop, job->path, &job->error);
      break;
    case OP_RETENTION:
      {
        g_autoptr(GPtrArray) before = siyu_backup_list (shop, NULL);

        job->before = before != NULL ? before->len : 0;
        siyu_backup_set_retention (shop, &job->retention, &job->error);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  job->backups = siyu_backup_list (shop, &error);
  if (job->backups == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  siyu_backup_get_retention (shop, &job->retention);
  g_task_return_boolean (task, TRUE);
}

static char *
format_when (SiyuBackupsPage  *self,
             const SiyuBackup *backup)
{
  /* Translators: when a backup was made, for g_date_time_format(). */
  return siyu_shop_runner_format_time (self->runner, backup->created_at, _("%-d %B %Y, %H:%M"));
}

static const SiyuBackup *
find_backup (SiyuBackupsPage *self,
             const char      *path)
{
  for (guint i = 0; self->backups != NULL && i < self->backups->len; i++)
    {
      const SiyuBackup *backup = g_ptr_array_index (self->backups, i);

      if (g_strcmp0 (backup->path, path) == 0)
        return backup;
    }

  return NULL;
}

static void
show_message (SiyuBackupsPage *self,
              const char      *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->message);
  self->message = g_strdup (message);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
}

/* Nothing can be changed in a shop open read-only, nor while a backup or
 * a restore is under way. */
static void
update_state (SiyuBackupsPage *self)
{
  gboolean read_only = siyu_shop_runner_is_read_only (self->runner);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.create", !read_only && !self->working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.restore", !read_only && !self->working);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_group), !read_only);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->working);
  gtk_spinner_set_spinning (self->spinner, self->working);
}

static GtkWidget *
backup_row_new (SiyuBackupsPage  *self,
                const SiyuBackup *backup)
{
  g_autofree char *when = format_when (self, backup);
  g_autofree char *size = g_format_size ((guint64) MAX (backup->size, 0));
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  /* Translators: why a backup was kept, then its size: “Before an import · 1.2 MB”. */
  subtitle = g_strdup_printf (_("%s · %s"), siyu_backup_cause_label (backup->cause), size);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  button = gtk_button_new_with_mnemonic (_("_Restore…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backups.restore");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", backup->path);
  /* Translators: %s is when the backup was made. */
  accessible = g_strdup_printf (_("Restore the backup of %s"), when);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
show_backups (SiyuBackupsPage *self,
              GPtrArray       *backups)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  g_clear_pointer (&self->backups, g_ptr_array_unref);
  self->backups = backups;
  for (guint i = 0; i < backups->len; i++)
    gtk_list_box_append (self->list_box, backup_row_new (self, g_ptr_array_index (backups, i)));
  gtk_stack_set_visible_child_name (self->list_stack, backups->len > 0 ? "list" : "empty");
}

static void
show_retention (SiyuBackupsPage           *self,
                const SiyuBackupRetention *retention)
{
  self->filling = TRUE;
  gtk_spin_button_set_value (self->keep_last_spin, retention->keep_last);
  gtk_spin_button_set_value (self->keep_days_spin, retention->keep_days);
  gtk_spin_button_set_value (self->keep_months_spin, retention->keep_months);
  self->filling = FALSE;
}

static char *
done_message (const Job *job)
{
  guint removed;

  if (job->error != NULL)
    return g_strdup (job->error->message);

  switch (job->op)
    {
    case OP_CREATE:
      return g_strdup (_("Backed up"));
    case OP_RESTORE:
      /* Translators: %s is when the restored backup was made. */
      return g_strdup_printf (_("Restored the backup of %s"), job->when);
    case OP_RETENTION:
      removed = job->before > job->backups->len ? job->before - job->backups->len : 0;
      if (removed == 0)
        return g_strdup (_("Saved"));
      /* Translators: %u is how many backups were deleted. */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Saved. %u backup no longer kept was deleted.",
                                           "Saved. %u backups no longer kept were deleted.", removed),
                              removed);
    case OP_LOAD:
    default:
      return NULL;
    }
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuBackupsPage *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_BACKUPS_PAGE (source);
  self->pending--;
  if (job->op == OP_CREATE || job->op == OP_RESTORE)
    self->working = self->restoring = FALSE;
  /* Closed while the job ran. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (ok)
    {
      message = done_message (job);
      show_backups (self, g_steal_pointer (&job->backups));
      show_retention (self, &job->retention);
    }
  else
    message = g_strdup (error->message);
  update_state (self);
  if (message != NULL)
    show_message (self, message);

  if (job->op == OP_RESTORE && job->error == NULL)
    g_signal_emit (self, signals[RESTORED], 0);
}

static void
run (SiyuBackupsPage *self,
     Job             *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, done_cb, NULL);

  g_task_set_source_tag (task, run);
  g_task_set_task_data (task, job, job_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, backups_job);
}

static void
save_retention (SiyuBackupsPage *self)
{
  Job *job = g_new0 (Job, 1);

  g_clear_handle_id (&self->save_id, g_source_remove);
  job->op = OP_RETENTION;
  job->retention.keep_last = (guint) gtk_spin_button_get_value_as_int (self->keep_last_spin);
  job->retention.keep_days = (guint) gtk_spin_button_get_value_as_int (self->keep_days_spin);
  job->retention.keep_months = (guint) gtk_spin_button_get_value_as_int (self->keep_months_spin);
  run (self, job);
}

static gboolean
save_timeout_cb (gpointer data)
{
  SiyuBackupsPage *self = data;

  self->save_id = 0;
  save_retention (self);

  return G_SOURCE_REMOVE;
}

/* Saved once the clicks stop: each save may delete backups. */
static void
retention_changed_cb (SiyuBackupsPage *self)
{
  if (self->filling || self->runner == NULL || siyu_shop_runner_is_read_only (self->runner))
    return;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuBackupsPage *self = SIYU_BACKUPS_PAGE (widget);
  Job *job = g_new0 (Job, 1);

  job->op = OP_CREATE;
  self->working = TRUE;
  update_state (self);
  run (self, job);
}

static void
restore_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SiyuBackupsPage  *self)
{
  const SiyuBackup *backup;
  Job *job;

  if (!g_str_equal (response, "restore") || self->working)
    return;
  backup = find_backup (self, g_object_get_data (G_OBJECT (dialog), "path"));
  if (backup == NULL)
    return;

  job = g_new0 (Job, 1);
  job->op = OP_RESTORE;
  job->path = g_strdup (backup->path);
  job->when = format_when (self, backup);
  self->working = self->restoring = TRUE;
  update_state (self);
  run (self, job);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SiyuBackupsPage *self = SIYU_BACKUPS_PAGE (widget);
  const SiyuBackup *backup = find_backup (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (backup == NULL)
    return;
  when = format_when (self, backup);
  /* Translators: %s is when the backup was made. */
  body = g_strdup_printf (_("The shop’s contacts, orders, groups and settings go back to what they were on %s: "
                            "what was imported, synced or changed since is no longer there.\n\n"
                            "The shop as it is now is first kept as a backup, so you can go back to it by "
                            "restoring that one."),
                          when);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Restore This Backup?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (backup->path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (restore_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
siyu_backups_page_dispose (GObject *object)
{
  SiyuBackupsPage *self = SIYU_BACKUPS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->save_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_BACKUPS_PAGE);

  G_OBJECT_CLASS (siyu_backups_page_parent_class)->dispose (object);
}

static void
siyu_backups_page_finalize (GObject *object)
{
  SiyuBackupsPage *self = SIYU_BACKUPS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->backups, g_ptr_array_unref);
  g_free (self->message);

  G_OBJECT_CLASS (siyu_backups_page_parent_class)->finalize (object);
}

static void
siyu_backups_page_class_init (SiyuBackupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_backups_page_dispose;
  object_class->finalize = siyu_backups_page_finalize;

  /**
   * SiyuBackupsPage::restored:
   *
   * Emitted after a backup replaced the shop's data: every page that shows
   * it must read it again.
   */
  signals[RESTORED] =
    g_signal_new ("restored",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-backups-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, backups_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, retention_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, back_up_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, keep_last_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, keep_days_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuBackupsPage, keep_months_spin);
  gtk_widget_class_bind_template_callback (widget_class, retention_changed_cb);

  gtk_widget_class_install_action (widget_class, "backups.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "backups.restore", "s", restore_action);
}

static void
siyu_backups_page_init (SiyuBackupsPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = FALSE;
}

/**
 * siyu_backups_page_new:
 * @runner: the shop's runner
 *
 * Lists the shop's backups once made.
 */
SiyuBackupsPage *
siyu_backups_page_new (SiyuShopRunner *runner)
{
  SiyuBackupsPage *self;
  g_autofree char *folder = NULL;
  g_autofree char *folder_name = NULL;
  g_autofree char *description = NULL;
  Job *job;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_BACKUPS_PAGE, NULL);
  self->runner = g_object_ref (runner);

  if (siyu_shop_runner_is_read_only (runner))
    description = g_strdup (_("This shop is open read-only: backups cannot be made or restored here."));
  else
    {
      folder = siyu_backup_folder_for (siyu_shop_runner_get_path (runner));
      folder_name = g_filename_display_basename (folder);
      /* Translators: %s is the name of a folder, such as “tea-backups”. */
      description = g_strdup_printf (_("Copies of the whole shop, kept in the folder “%s” beside it."), folder_name);
    }
  adw_preferences_group_set_description (self->backups_group, description);
  update_state (self);

  job = g_new0 (Job, 1);
  job->op = OP_LOAD;
  run (self, job);

  return self;
}

/* Whether a restore is under way: the shop's data is being replaced. */
gboolean
siyu_backups_page_is_restoring (SiyuBackupsPage *self)
{
  g_return_val_if_fail (SIYU_IS_BACKUPS_PAGE (self), FALSE);

  return self->restoring;
}

gboolean
_siyu_backups_page_is_busy (SiyuBackupsPage *self)
{
  return self->pending > 0 || self->save_id != 0;
}

guint
_siyu_backups_page_get_n_backups (SiyuBackupsPage *self)
{
  return self->backups != NULL ? self->backups->len : 0;
}

const char *
_siyu_backups_page_get_row_title (SiyuBackupsPage *self,
                                  guint            index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, (int) index);

  return row != NULL ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : NULL;
}

const char *
_siyu_backups_page_get_row_subtitle (SiyuBackupsPage *self,
                                     guint            index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, (int) index);

  return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

void
_siyu_backups_page_back_up_now (SiyuBackupsPage *self)
{
  g_signal_emit_by_name (self->back_up_button, "clicked");
}

/* As the Restore… button of row @index. */
void
_siyu_backups_page_ask_restore (SiyuBackupsPage *self,
                                guint            index)
{
  const SiyuBackup *backup = g_ptr_array_index (self->backups, index);

  gtk_widget_activate_action (GTK_WIDGET (self), "backups.restore", "s", backup->path);
}

void
_siyu_backups_page_set_retention (SiyuBackupsPage *self,
                                  guint            keep_last,
                                  guint            keep_days,
                                  guint            keep_months)
{
  gtk_spin_button_set_value (self->keep_last_spin, keep_last);
  gtk_spin_button_set_value (self->keep_days_spin, keep_days);
  gtk_spin_button_set_value (self->keep_months_spin, keep_months);
  if (self->save_id != 0)
    save_retention (self);
}

/* Whether Back Up Now, Restore… and the retention can be used. */
gboolean
_siyu_backups_page_can_change (SiyuBackupsPage *self)
{
  return gtk_widget_is_sensitive (self->back_up_button) && gtk_widget_is_sensitive (GTK_WIDGET (self->keep_last_spin));
}

const char *
_siyu_backups_page_get_description (SiyuBackupsPage *self)
{
  return adw_preferences_group_get_description (self->backups_group);
}

/* "list" or "empty". */
const char *
_siyu_backups_page_get_state (SiyuBackupsPage *self)
{
  return gtk_stack_get_visible_child_name (self->list_stack);
}

const char *
_siyu_backups_page_get_message (SiyuBackupsPage *self)
{
  return self->message;
}
