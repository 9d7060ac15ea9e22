/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "siyu-consent-dialog.h"
#include "siyu-export-dialog-private.h"
#include "siyu-money.h"
#include "siyu-segments.h"

/* Exporting a segment, or the contacts a filtered list shows, for a
 * message.  The dialog opens ready to save: who may be contacted and who
 * not (agreed, never asked, refused, do-not-contact), the file's name and
 * the folder, format, columns and masking as the shop's last export left
 * them.  When people were never asked and the shop has not said whether
 * they may be contacted, it asks once for the shop (a policy kept in
 * Preferences and written to the audit log).  An export that would write
 * nobody is not offered: the dialog says why and what to do instead.  The
 * file is written on the shop's worker. */

static const char * const extensions[] = { "csv", "xlsx", "vcf", "txt" };

static const struct {
  const char *name;
  const char *label;
} field_labels[] = {
  /* Translators: columns of an exported list of contacts. */
  { "id", N_("ID") }, { "name", NC_("person", "Name") }, { "phone", N_("Phone") }, { "email", N_("E-mail") },
  { "wechat_id", N_("WeChat ID") }, { "city", N_("City") }, { "stage", N_("Stage") },
  { "rfm_segment", N_("RFM segment") }, { "tier", N_("Tier") }, { "first_order", N_("First order") },
  { "last_order", N_("Last order") }, { "orders", N_("Orders") }, { "net_spend", N_("Net spend") },
  { "tags", N_("Tags") }, { "member_since", N_("Member since") },
};

/* A person's name is 姓名, not the 名称 of a thing. */
static const char *
field_label (guint i)
{
  if (g_str_equal (field_labels[i].name, "name"))
    return C_("person", "Name");
  return _(field_labels[i].label);
}

/* Enough for a message: who, and where to reach them. */
static const char * const default_fields[] = { "id", "name", "phone", NULL };

struct _SiyuExportDialog
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toasts;
  AdwWindowTitle       *window_title;
  GtkWidget            *export_button;
  GtkStack             *stack;
  AdwComboRow          *format_row;
  AdwEntryRow          *name_row;
  AdwActionRow         *folder_row;
  GtkSwitch            *mask_switch;
  AdwPreferencesGroup  *fields_group;
  AdwExpanderRow       *holdout_row;
  GtkSpinButton        *share_spin;
  GtkSpinButton        *seed_spin;
  AdwStatusPage        *done_page;
  GtkWidget            *folder_button;
  GtkLabel             *given_label;
  GtkLabel             *unknown_label;
  GtkLabel             *refused_label;
  GtkLabel             *dnc_label;
  AdwActionRow         *unknown_row;
  GtkWidget            *policy_box;
  GtkLabel             *policy_label;
  GtkWidget            *nobody_box;
  GtkLabel             *nobody_label;
  GtkWidget            *consent_button;

  SiyuShopRunner       *runner;
  GCancellable         *cancellable;
  gint64                segment_id;  /* 0: a list of contacts */
  GArray               *ids;
  char                 *title;
  GHashTable           *checks;      /* field name → GtkCheckButton */
  GtkFileChooserNative *chooser;
  gulong                data_changed_id;
  gboolean              busy;
  gboolean              loaded;
  guint                 loading;
  SiyuConsentCounts     counts;
  SiyuConsentPolicy     policy;
  char                 *folder;
  char                 *result;
  char                 *exported_path;
  GFile                *exported_folder;
};

G_DEFINE_FINAL_TYPE (SiyuExportDialog, siyu_export_dialog, ADW_TYPE_WINDOW)

enum {
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the dialog reads when it opens, and after a change of consent. */
typedef struct {
  gint64             segment_id;
  GArray            *ids;
  gboolean           prefs_wanted;
  SiyuExportPrefs    prefs;
  SiyuConsentCounts  counts;
  SiyuConsentPolicy  policy;
  gboolean           set_policy;
  SiyuConsentPolicy  new_policy;
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  siyu_export_prefs_clear (&load->prefs);
  g_clear_pointer (&load->ids, g_array_unref);
  g_free (load);
}

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Load *load = task_data;
  GError *error = NULL;
  gboolean ok;

  if (load->set_policy && !siyu_consent_set_policy (shop, load->new_policy, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (load->prefs_wanted)
    siyu_export_load_prefs (shop, &load->prefs);
  load->policy = siyu_consent_get_policy (shop);
  if (load->segment_id > 0)
    {
      g_autoptr(JsonNode) definition = siyu_segment_dup_definition (shop, load->segment_id, &error);

      ok = definition != NULL && siyu_consent_count_segment (shop, definition, &load->counts, &error);
    }
  else
    ok = siyu_consent_count (shop, (const gint64 *) (gpointer) load->ids->data, load->ids->len, &load->counts, &error);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static char *
default_folder (void)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  return g_strdup (documents != NULL ? documents : g_get_home_dir ());
}

static char *
replace_all (const char *text,
                  const char *from,
                  const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static guint
format_of (SiyuExportDialog *self)
{
  guint format = adw_combo_row_get_selected (self->format_row);

  return format < G_N_ELEMENTS (extensions) ? format : 0;
}

/* “Dormant high spenders 2026-12-07.csv”: the name with the format's
 * extension, keeping whatever the owner typed before it. */
static void
update_name (SiyuExportDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;
  const char *dot = strrchr (text, '.');

  if (*text == '\0')
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      /* The shop's day, not the computer's. */
      g_autofree char *day = self->runner != NULL ? siyu_shop_runner_format_time (self->runner, now, "%Y-%m-%d")
                                                  : g_strdup ("");
      g_autofree char *spaced = replace_all (self->title, ": ", " - ");
      g_autofree char *clean = g_strdelimit (g_strdup (spaced), "/\\:*?\"<>|", '_');

      stem = g_strdup_printf ("%s %s", clean, day);
    }
  else if (dot != NULL && dot != text && g_strv_contains (extensions, dot + 1))
    stem = g_strndup (text, dot - text);
  else
    stem = g_strdup (text);
  name = g_strdup_printf ("%s.%s", stem, extensions[format_of (self)]);
  if (!g_str_equal (name, text))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

static void
format_changed_cb (SiyuExportDialog *self)
{
  update_name (self);
}

static void
show_folder (SiyuExportDialog *self)
{
  g_autofree char *display = g_filename_display_name (self->folder);

  adw_action_row_set_subtitle (self->folder_row, display);
}

static void
set_count (GtkLabel *label,
           gint64    n)
{
  g_autofree char *text = siyu_count_format (n);

  gtk_label_set_label (label, text);
}

static void
update_reach (SiyuExportDialog *self)
{
  const SiyuConsentCounts *c = &self->counts;
  SiyuExportResult nobody = { 0, };
  g_autofree char *reason = NULL;
  gboolean ask = self->loaded && c->unknown > 0 && self->policy == SIYU_CONSENT_POLICY_UNSET;

  set_count (self->given_label, c->given);
  set_count (self->unknown_label, c->unknown);
  set_count (self->refused_label, c->refused);
  set_count (self->dnc_label, c->do_not_contact);
  adw_action_row_set_subtitle (self->unknown_row,
                               self->policy == SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN
                               ? _("Exported: the shop contacts people who were never asked")
                               : _("Not exported: the shop contacts only those who agreed"));
  gtk_widget_set_visible (self->policy_box, ask);

  nobody.matched = c->total;
  nobody.consent = *c;
  reason = self->loaded ? siyu_export_describe_nobody (&nobody, self->policy) : NULL;
  gtk_widget_set_visible (self->nobody_box, reason != NULL && !ask);
  gtk_label_set_label (self->nobody_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (self->consent_button, c->unknown > 0);

  gtk_widget_set_sensitive (self->export_button, self->loaded && c->reachable > 0 && !self->busy);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Load *load = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuExportDialog *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_EXPORT_DIALOG (source);
  self->loading--;
  if (!ok)
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  if (load->set_policy)
    siyu_shop_runner_data_changed (self->runner);
  if (load->prefs_wanted)
    {
      const char * const *fields = load->prefs.fields != NULL ? (const char * const *) load->prefs.fields
                                                               : default_fields;

      adw_combo_row_set_selected (self->format_row, load->prefs.format);
      for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
        gtk_check_button_set_active (g_hash_table_lookup (self->checks, field_labels[i].name),
                                     g_strv_contains (fields, field_labels[i].name));
      gtk_switch_set_active (self->mask_switch, load->prefs.mask_phones);
      if (load->prefs.folder != NULL && g_file_test (load->prefs.folder, G_FILE_TEST_IS_DIR))
        {
          g_free (self->folder);
          self->folder = g_strdup (load->prefs.folder);
          show_folder (self);
        }
      update_name (self);
    }
  self->counts = load->counts;
  self->policy = load->policy;
  self->loaded = TRUE;
  update_reach (self);
}

static void
load (SiyuExportDialog  *self,
      gboolean           prefs,
      gboolean           set_policy,
      SiyuConsentPolicy  policy)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  Load *data = g_new0 (Load, 1);

  data->segment_id = self->segment_id;
  data->ids = self->ids != NULL ? g_array_ref (self->ids) : NULL;
  data->prefs_wanted = prefs;
  data->set_policy = set_policy;
  data->new_policy = policy;
  g_task_set_task_data (task, data, load_free);
  self->loading++;
  siyu_shop_runner_run (self->runner, task, load_job);
}

static void
data_changed_cb (SiyuExportDialog *self)
{
  if (!self->busy)
    load (self, FALSE, FALSE, SIYU_CONSENT_POLICY_UNSET);
}

typedef struct {
  gint64             segment_id;
  GArray            *ids;
  char              *title;
  char              *path;
  SiyuExportOptions  options;
  GStrv              fields;
  SiyuExportResult   result;
  SiyuConsentPolicy  policy;
  gboolean           remember;
  char              *folder;
} Export;

static void
export_free (gpointer data)
{
  Export *export = data;

  g_clear_pointer (&export->ids, g_array_unref);
  g_free (export->title);
  g_free (export->path);
  g_free (export->folder);
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
  gboolean ok;

  export->options.fields = (const char * const *) export->fields;
  /* Closing the dialog cancels: nothing is left behind or recorded. */
  export->options.cancellable = cancellable;
  if (export->segment_id > 0)
    ok = siyu_export_segment (shop, export->segment_id, export->path, &export->options, &export->result, &error);
  else
    ok = siyu_export_contacts (shop, (const gint64 *) (gpointer) export->ids->data, export->ids->len, export->title,
                               export->path, &export->options, &export->result, &error);
  export->policy = siyu_consent_get_policy (shop);
  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The shop's next export starts from these choices. */
  if (export->remember)
    {
      SiyuExportPrefs prefs = { export->options.format, export->fields, export->options.mask_phones, export->folder };
      g_autoptr(GError) prefs_error = NULL;

      if (!siyu_export_save_prefs (shop, &prefs, &prefs_error))
        g_warning ("Could not remember the export's choices: %s", prefs_error->message);
    }
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
      gboolean nobody = g_error_matches (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_NOBODY);

      adw_status_page_set_icon_name (self->done_page, nobody ? "dialog-information-symbolic" : "dialog-error-symbolic");
      adw_status_page_set_title (self->done_page, nobody ? _("Nobody Exported") : _("Could Not Export"));
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
    gboolean include = export->policy == SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN;
    g_autofree char *excluded = siyu_count_format (export->result.excluded);
    g_autofree char *unknown = siyu_count_format (include ? 0 : export->result.consent.unknown);
    g_autofree char *refused = siyu_count_format (export->result.consent.refused);
    g_autofree char *dnc = siyu_count_format (export->result.consent.do_not_contact);
    g_autofree char *held = siyu_count_format (export->result.held_out);
    g_autofree char *skipped = siyu_count_format (export->result.skipped);

    /* Translators: counts: all left out, never asked, refused, do-not-contact. */
    g_string_append_printf (details, _("Left out %s who may not be contacted: %s never asked, %s refused, %s asked "
                                       "not to be contacted."), excluded, unknown, refused, dnc);
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
  g_clear_object (&self->exported_folder);
  {
    g_autoptr(GFile) file = g_file_new_for_path (export->path);

    self->exported_folder = g_file_get_parent (file);
  }
  g_free (self->exported_path);
  self->exported_path = g_strdup (export->path);
  g_free (self->result);
  self->result = g_strdup_printf ("%s\n%s", summary, details->str);
  g_string_free (details, TRUE);
  g_signal_emit (self, signals[EXPORTED], 0, summary, self->exported_folder);
}

static void
start_export (SiyuExportDialog *self,
              const char       *path,
              gboolean          remember)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();
  Export *export;

  if (self->busy)
    return;
  export = g_new0 (Export, 1);
  export->segment_id = self->segment_id;
  export->ids = self->ids != NULL ? g_array_ref (self->ids) : NULL;
  export->title = g_strdup (self->title);
  export->path = g_strdup (path);
  export->remember = remember;
  export->folder = g_path_get_dirname (path);
  export->options.format = (SiyuExportFormat) format_of (self);
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
  gtk_widget_set_sensitive (self->export_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "working");
  task = g_task_new (self, self->cancellable, exported_cb, NULL);
  g_task_set_task_data (task, export, export_free);
  siyu_shop_runner_run (self->runner, task, export_job);
}

/* The chosen name in the chosen folder; an existing file is kept and the
 * new one takes the next free name, “… (2).csv”. */
static char *
target_path (SiyuExportDialog *self)
{
  g_autofree char *name = NULL;
  g_autofree char *stem = NULL;
  const char *dot;
  char *path;

  update_name (self);
  name = g_strdelimit (g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)))), "/\\", '_');
  path = g_build_filename (self->folder, name, NULL);
  dot = strrchr (name, '.');
  stem = dot != NULL ? g_strndup (name, dot - name) : g_strdup (name);
  for (int i = 2; g_file_test (path, G_FILE_TEST_EXISTS) && i < 1000; i++)
    {
      g_autofree char *numbered = g_strdup_printf ("%s (%d)%s", stem, i, dot != NULL ? dot : "");

      g_free (path);
      path = g_build_filename (self->folder, numbered, NULL);
    }

  return path;
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (widget);
  g_autofree char *path = NULL;

  if (self->busy || !self->loaded || self->counts.reachable == 0)
    return;
  path = target_path (self);
  start_export (self, path, TRUE);
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
  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    return;
  g_free (self->folder);
  self->folder = g_steal_pointer (&path);
  show_folder (self);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (widget);
  g_autoptr(GFile) folder = NULL;

  if (self->busy || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export To"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  folder = g_file_new_for_path (self->folder);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
policy_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (widget);
  SiyuConsentPolicy policy;

  if (!siyu_consent_policy_from_string (g_variant_get_string (parameter, NULL), &policy))
    return;
  load (self, FALSE, TRUE, policy);
}

static void
set_consent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (widget);
  SiyuConsentDialog *dialog;

  dialog = siyu_consent_dialog_new (GTK_WIDGET (self->toasts), self->runner,
                                    self->segment_id > 0 ? SIYU_CONSENT_TARGET_SEGMENT : SIYU_CONSENT_TARGET_CONTACTS,
                                    self->segment_id, self->ids, self->title);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The policy's link opens Preferences, where the shop's answer lives. */
static gboolean
policy_link_cb (SiyuExportDialog *self,
                const char       *uri)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.preferences", NULL);

  return TRUE;
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (widget);
  g_autofree char *uri = NULL;

  if (self->exported_folder == NULL)
    return;
  uri = g_file_get_uri (self->exported_folder);
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

static void
siyu_export_dialog_dispose (GObject *object)
{
  SiyuExportDialog *self = SIYU_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    g_clear_signal_handler (&self->data_changed_id, self->runner);
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
  g_clear_object (&self->exported_folder);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->result, g_free);
  g_clear_pointer (&self->exported_path, g_free);
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
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, mask_switch);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, holdout_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, share_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, folder_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, given_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, unknown_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, refused_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, dnc_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, unknown_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, policy_box);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, policy_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, nobody_box);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, nobody_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuExportDialog, consent_button);
  gtk_widget_class_bind_template_callback (widget_class, format_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, policy_link_cb);

  gtk_widget_class_install_action (widget_class, "export.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "export.choose-folder", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "export.policy", "s", policy_action);
  gtk_widget_class_install_action (widget_class, "export.set-consent", NULL, set_consent_action);
  gtk_widget_class_install_action (widget_class, "export.open-folder", NULL, open_folder_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
siyu_export_dialog_init (SiyuExportDialog *self)
{
  g_autofree char *policy = NULL;

  self->cancellable = g_cancellable_new ();
  self->checks = g_hash_table_new (g_str_hash, g_str_equal);
  self->folder = default_folder ();
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field_label (i));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_strv_contains (default_fields, field_labels[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      field_label (i), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->fields_group, row);
      g_hash_table_insert (self->checks, (gpointer) field_labels[i].name, check);
    }

  /* Translators: PIPL's rule in one sentence, then a link to the shop's policy in Preferences. */
  policy = g_strdup_printf ("%s <a href=\"preferences\">%s</a>",
                            _("China’s Personal Information Protection Law lets a shop send marketing only to people "
                              "who agreed, or on another lawful basis. May this shop also contact the people it "
                              "never asked? It decides once, and can change it in"),
                            _("Preferences"));
  gtk_label_set_markup (self->policy_label, policy);
  show_folder (self);
  update_reach (self);
}

static SiyuExportDialog *
dialog_new (GtkWindow      *parent,
            SiyuShopRunner *runner,
            gint64          segment_id,
            GArray         *ids,
            const char     *title)
{
  SiyuExportDialog *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->runner = g_object_ref (runner);
  self->segment_id = segment_id;
  self->ids = ids != NULL ? g_array_ref (ids) : NULL;
  self->title = g_strdup (title);
  adw_window_title_set_subtitle (self->window_title, title);
  update_name (self);
  self->data_changed_id = g_signal_connect_swapped (runner, "data-changed", G_CALLBACK (data_changed_cb), self);
  load (self, TRUE, FALSE, SIYU_CONSENT_POLICY_UNSET);

  return self;
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
  g_return_val_if_fail (segment_id > 0, NULL);

  return dialog_new (parent, runner, segment_id, NULL, title);
}

/**
 * siyu_export_dialog_new_for_contacts:
 * @ids: (element-type gint64): the contacts, such as a filtered list's
 * @title: what they are, such as “Contacts: dormant in 杭州”: the touch's
 *   name and the file's
 */
SiyuExportDialog *
siyu_export_dialog_new_for_contacts (GtkWindow      *parent,
                                     SiyuShopRunner *runner,
                                     GArray         *ids,
                                     const char     *title)
{
  g_return_val_if_fail (ids != NULL, NULL);

  return dialog_new (parent, runner, 0, ids, title);
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

/* As if the owner had typed @path's folder and name; not remembered. */
void
_siyu_export_dialog_export_to (SiyuExportDialog *self,
                               const char       *path)
{
  start_export (self, path, FALSE);
}

void
_siyu_export_dialog_set_folder (SiyuExportDialog *self,
                                const char       *folder)
{
  g_free (self->folder);
  self->folder = g_strdup (folder);
  show_folder (self);
}

/* The Export button, as the owner presses it. */
gboolean
_siyu_export_dialog_press_export (SiyuExportDialog *self)
{
  if (!gtk_widget_get_sensitive (self->export_button))
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), "export.export", NULL);
  return TRUE;
}

void
_siyu_export_dialog_answer_policy (SiyuExportDialog *self,
                                   gboolean          include)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "export.policy", "s", include ? "include" : "exclude");
}

gboolean
_siyu_export_dialog_is_busy (SiyuExportDialog *self)
{
  return self->busy || self->loading > 0;
}

const char *
_siyu_export_dialog_get_result (SiyuExportDialog *self)
{
  return self->result;
}

const char *
_siyu_export_dialog_get_path (SiyuExportDialog *self)
{
  return self->exported_path;
}

const char *
_siyu_export_dialog_get_file_name (SiyuExportDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

/* What the dialog shows before the export, one line a part. */
char *
_siyu_export_dialog_describe (SiyuExportDialog *self)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "agreed %s, never asked %s (%s), refused %s, do not contact %s",
                          gtk_label_get_label (self->given_label), gtk_label_get_label (self->unknown_label),
                          adw_action_row_get_subtitle (self->unknown_row), gtk_label_get_label (self->refused_label),
                          gtk_label_get_label (self->dnc_label));
  if (gtk_widget_get_visible (self->policy_box))
    g_string_append (out, "\nasks the shop's policy");
  if (gtk_widget_get_visible (self->nobody_box))
    g_string_append_printf (out, "\n%s%s", gtk_label_get_label (self->nobody_label),
                            gtk_widget_get_visible (self->consent_button) ? " [Set Consent…]" : "");
  g_string_append_printf (out, "\nexport %s", gtk_widget_get_sensitive (self->export_button) ? "enabled" : "disabled");

  return g_string_free (out, FALSE);
}

guint
_siyu_export_dialog_get_format (SiyuExportDialog *self)
{
  return format_of (self);
}

gboolean
_siyu_export_dialog_get_mask (SiyuExportDialog *self)
{
  return gtk_switch_get_active (self->mask_switch);
}
