/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-export-dialog-private.h"
#include "siyu-money.h"

/* Exporting a segment for a message: the format, the columns, masking, and
 * a holdout to measure the uplift later; then a file, written on the
 * shop's worker, and what was written, left out and held out. */

static const char * const extensions[] = { "csv", "xlsx", "vcf", "txt" };

static const struct {
  const char *name;
  const char *label;
} field_labels[] = {
  /* Translators: columns of an exported list of contacts. */
  { "id", N_("ID") }, { "name", N_("Name") }, { "phone", N_("Phone") }, { "email", N_("E-mail") },
  { "wechat_id", N_("WeChat ID") }, { "city", N_("City") }, { "stage", N_("Stage") },
  { "rfm_segment", N_("RFM segment") }, { "tier", N_("Tier") }, { "first_order", N_("First order") },
  { "last_order", N_("Last order") }, { "orders", N_("Orders") }, { "net_spend", N_("Net spend") },
  { "tags", N_("Tags") }, { "member_since", N_("Member since") },
};

struct _SiyuExportDialog
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  GtkWidget            *export_button;
  GtkStack             *stack;
  AdwComboRow          *format_row;
  GtkSwitch            *mask_switch;
  AdwPreferencesGroup  *fields_group;
  AdwExpanderRow       *holdout_row;
  GtkSpinButton        *share_spin;
  GtkSpinButton        *seed_spin;
  AdwStatusPage        *done_page;
  GtkWidget            *folder_button;

  SiyuShopRunner       *runner;
  GCancellable         *cancellable;
  gint64                segment_id;
  char                 *title;
  GHashTable           *checks;     /* field name → GtkCheckButton */
  GtkFileChooserNative *chooser;
  gboolean              busy;
  char                 *result;
  GFile                *folder;
};

G_DEFINE_FINAL_TYPE (SiyuExportDialog, siyu_export_dialog, ADW_TYPE_WINDOW)

enum {
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  gint64             segment_id;
  char              *path;
  SiyuExportOptions  options;
  GStrv              fields;
  SiyuExportResult   result;
} Export;

static void
export_free (gpointer data)
{
  Export *export = data;

  g_free (export->path);
  g_strfreev (export->fields);
  g_free (export);
}

static void
export_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  export->options.fields = (const char * const *) export->fields;
  if (!siyu_export_segment (shop, export->segment_id, export->path, &export->options, &export->result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Export *export = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuExportDialog *self;
  g_autofree char *base = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *summary = NULL;
  GString *details;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_EXPORT_DIALOG (source);
  self->busy = FALSE;
  gtk_widget_set_visible (self->export_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->done_page), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "done");
  if (!ok)
    {
      adw_status_page_set_icon_name (self->done_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->done_page, _("Could Not Export"));
      adw_status_page_set_description (self->done_page, error->message);
      gtk_widget_set_visible (self->folder_button, FALSE);
      g_free (self->result);
      self->result = g_strdup (error->message);
      return;
    }

  base = g_path_get_basename (export->path);
  exported = siyu_count_format (export->result.exported);
  /* Translators: %s is a count, then a file's name. */
  summary = g_strdup_printf (g_dngettext (NULL, "Exported %s contact to %s", "Exported %s contacts to %s",
                                          export->result.exported), exported, base);
  details = g_string_new (NULL);
  {
    g_autofree char *excluded = siyu_count_format (export->result.excluded);
    g_autofree char *held = siyu_count_format (export->result.held_out);
    g_autofree char *skipped = siyu_count_format (export->result.skipped);

    g_string_append_printf (details, g_dngettext (NULL, "Left out %s without consent or with do-not-contact.",
                                                  "Left out %s without consent or with do-not-contact.",
                                                  export->result.excluded), excluded);
    if (export->result.skipped > 0)
      {
        g_string_append_c (details, '\n');
        g_string_append_printf (details, g_dngettext (NULL, "Skipped %s without a phone number.",
                                                      "Skipped %s without a phone number.",
                                                      export->result.skipped), skipped);
      }
    if (export->options.holdout_share > 0)
      {
        g_string_append_c (details, '\n');
        g_string_append_printf (details, g_dngettext (NULL, "Held out %s to measure what worked.",
                                                      "Held out %s to measure what worked.",
                                                      export->result.held_out), held);
      }
  }
  adw_status_page_set_icon_name (self->done_page, "emblem-ok-symbolic");
  adw_status_page_set_title (self->done_page, summary);
  adw_status_page_set_description (self->done_page, details->str);
  g_clear_object (&self->folder);
  {
    g_autoptr(GFile) file = g_file_new_for_path (export->path);

    self->folder = g_file_get_parent (file);
  }
  g_free (self->result);
  self->result = g_strdup_printf ("%s\n%s", summary, details->str);
  g_string_free (details, TRUE);
  g_signal_emit (self, signals[EXPORTED], 0, summary, self->folder);
}

static void
start_export (SiyuExportDialog *self,
              const char       *path)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();
  Export *export;

  if (self->busy)
    return;
  export = g_new0 (Export, 1);
  export->segment_id = self->segment_id;
  export->path = g_strdup (path);
  export->options.format = (SiyuExportFormat) adw_combo_row_get_selected (self->format_row);
  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
    if (gtk_check_button_get_active (g_hash_table_lookup (self->checks, field_labels[i].name)))
      g_strv_builder_add (fields, field_labels[i].name);
  export->fields = g_strv_builder_end (fields);
  if (export->fields[0] == NULL)
    g_clear_pointer (&export->fields, g_strfreev);
  export->options.mask_phones = gtk_switch_get_active (self->mask_switch);
  if (adw_expander_row_get_enable_expansion (self->holdout_row))
    {
      export->options.holdout_share = gtk_spin_button_get_value (self->share_spin) / 100.0;
      export->options.seed = (guint32) gtk_spin_button_get_value (self->seed_spin);
    }
  self->busy = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "working");
  task = g_task_new (self, self->cancellable, exported_cb, NULL);
  g_task_set_task_data (task, export, export_free);
  siyu_shop_runner_run (self->runner, task, export_job);
}

static void
chooser_response_cb (GtkNativeDialog  *chooser,
                     int               response,
                     SiyuExportDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;
  path = g_file_get_path (file);
  if (path != NULL)
    start_export (self, path);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (widget);
  guint format = adw_combo_row_get_selected (self->format_row);
  g_autofree char *name = NULL;
  g_autofree char *clean = NULL;

  if (self->busy || self->chooser != NULL)
    return;
  clean = g_strdelimit (g_strdup (self->title), "/\\:*?\"<>|", '_');
  name = g_strdup_printf ("%s.%s", clean, extensions[format < G_N_ELEMENTS (extensions) ? format : 0]);
  self->chooser = gtk_file_chooser_native_new (_("Export Segment"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (widget);
  g_autofree char *uri = NULL;

  if (self->folder == NULL)
    return;
  uri = g_file_get_uri (self->folder);
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

static void
siyu_export_dialog_dispose (GObject *object)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (siyu_export_dialog_parent_class)->dispose (object);
}

static void
siyu_export_dialog_finalize (GObject *object)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_object (&self->folder);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->result, g_free);
  g_clear_pointer (&self->checks, g_hash_table_unref);

  G_OBJECT_CLASS (siyu_export_dialog_parent_class)->finalize (object);
}

static void
siyu_export_dialog_class_init (SiyuExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_export_dialog_dispose;
  object_class->finalize = siyu_export_dialog_finalize;

  /**
   * SiyuExportDialog::exported:
   * @summary: “Exported N contacts to FILE”
   * @folder: the file's folder
   */
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, mask_switch);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, holdout_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, share_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, folder_button);

  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "export.open-folder", NULL, open_folder_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
siyu_export_dialog_init (SiyuExportDialog *self)
{
  /* Enough for a message: who, and where to reach them. */
  const char * const defaults[] = { "id", "name", "phone", NULL };

  self->cancellable = g_cancellable_new ();
  self->checks = g_hash_table_new (g_str_hash, g_str_equal);
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field_labels[i].label));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_strv_contains ((const char * const *) defaults, field_labels[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(field_labels[i].label), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->fields_group, row);
      g_hash_table_insert (self->checks, (gpointer) field_labels[i].name, check);
    }
}

/**
 * siyu_export_dialog_new:
 * @title: the segment's name, shown and suggested as the file's name
 */
SiyuExportDialog *
siyu_export_dialog_new (GtkWindow      *parent,
                        SiyuShopRunner *runner,
                        gint64          segment_id,
                        const char     *title)
{
  SiyuExportDialog *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->runner = g_object_ref (runner);
  self->segment_id = segment_id;
  self->title = g_strdup (title);
  adw_window_title_set_subtitle (self->window_title, title);

  return self;
}

void
_siyu_export_dialog_set_format (SiyuExportDialog *self,
                                SiyuExportFormat  format)
{
  adw_combo_row_set_selected (self->format_row, format);
}

void
_siyu_export_dialog_set_field (SiyuExportDialog *self,
                               const char       *field,
                               gboolean          active)
{
  GtkCheckButton *check = g_hash_table_lookup (self->checks, field);

  g_assert (check != NULL);
  gtk_check_button_set_active (check, active);
}

void
_siyu_export_dialog_set_holdout (SiyuExportDialog *self,
                                 gboolean          enabled,
                                 double            percent,
                                 guint32           seed)
{
  adw_expander_row_set_enable_expansion (self->holdout_row, enabled);
  gtk_spin_button_set_value (self->share_spin, percent);
  gtk_spin_button_set_value (self->seed_spin, seed);
}

void
_siyu_export_dialog_export_to (SiyuExportDialog *self,
                               const char       *path)
{
  start_export (self, path);
}

gboolean
_siyu_export_dialog_is_busy (SiyuExportDialog *self)
{
  return self->busy;
}

const char *
_siyu_export_dialog_get_result (SiyuExportDialog *self)
{
  return self->result;
}
