/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-import-dialog"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "siyu-import.h"
#include "siyu-import-dialog-private.h"
#include "siyu-import-guess.h"
#include "siyu-recompute.h"

/* Imports a file a shop exported, with one button in the common case:
 *
 * 1. the file is opened: Siyu guesses the encoding, the delimiter and the
 *    platform that wrote it, and shows the columns it would read for each
 *    field beside the first rows, where the owner can change any of them;
 * 2. Import stores it in one transaction and the shop's figures are
 *    counted again; a file with rows that cannot be imported as they are
 *    stores nothing and stops on the checked page, which lists them and
 *    why, and offers to import only the valid ones, keeping the others in
 *    a file the owner can save and fix;
 * 3. the done page leads on to the segments worth acting on.
 *
 * Everything that reads the file runs in the shop's worker; the dialog
 * shows progress and can cancel until the import has been stored.
 */

#define MAX_PROBLEM_ROWS 200
#define IMPORT_SHARE 0.8   /* of the progress bar; the rest is the recompute */

typedef enum {
  JOB_OPEN,
  JOB_IMPORT,
} JobKind;

/* Shared with the worker, which only writes it. */
typedef struct {
  int permille;   /* -1: unknown */
  int recomputing;
} Progress;

typedef struct {
  JobKind         kind;
  char           *path;
  SiyuImportKind  import_kind;
  char           *preset;
  char           *encoding;
  GHashTable     *overrides;
  char           *consent_given; /* “these customers agreed”: where from */
  gboolean        keep_rejects;  /* import the valid rows, the others to a file */
  char           *reject_path;   /* made by the worker; unlinked unless taken */
  Progress       *progress;
  SiyuImport     *import;        /* set by the worker */
  GError         *recompute_error;
} Job;

struct _SiyuImportDialog
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkWidget           *cancel_button;
  GtkWidget           *back_button;
  GtkWidget           *next_button;
  AdwToastOverlay     *toasts;
  GtkStack            *stack;
  GtkLabel            *working_label;
  GtkProgressBar      *progress_bar;
  AdwComboRow         *kind_row;
  AdwExpanderRow      *consent_row;
  AdwEntryRow         *consent_source_row;
  AdwComboRow         *preset_row;
  AdwComboRow         *encoding_row;
  AdwPreferencesGroup *columns_group;
  GtkGrid             *preview_grid;
  AdwPreferencesGroup *counts_group;
  AdwPreferencesGroup *done_counts_group;
  AdwPreferencesGroup *problems_group;
  AdwStatusPage       *done_page;
  AdwStatusPage       *failed_page;
  GtkWidget           *save_rejects_button;
  GtkWidget           *segments_button;

  SiyuShopRunner      *runner;
  GFile               *file;
  SiyuImportKind       kind;
  char               **presets;      /* of the kind; the row's item 0 is “Automatic” */
  char                *preset;       /* chosen; NULL: let Siyu recognise it */
  char                *encoding;     /* chosen; NULL: detect */
  GHashTable          *overrides;    /* field → column the owner chose ("" for none) */
  SiyuImport          *import;       /* of the last job, read here only when idle */
  GPtrArray           *column_rows;  /* AdwComboRow, one per field */
  GCancellable        *cancellable;  /* of the running job */
  Progress            *progress;
  guint                progress_id;
  JobKind              job;
  gboolean             busy;
  gboolean             close_when_idle;
  gboolean             filling;
  gboolean             stored;
  char                *reject_path;
  char                *last_page;    /* to go back to when a job is cancelled */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (SiyuImportDialog, siyu_import_dialog, ADW_TYPE_WINDOW)

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const SiyuImportKind kinds[] = {
  SIYU_IMPORT_ORDERS, SIYU_IMPORT_CUSTOMERS, SIYU_IMPORT_GROUPS, SIYU_IMPORT_EVENTS,
};

static const char *encodings[] = { NULL, "UTF-8", "GB18030" };

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_free (job->preset);
  g_free (job->encoding);
  g_free (job->consent_given);
  g_clear_pointer (&job->overrides, g_hash_table_unref);
  /* A run that failed or was stopped leaves no file of rejected rows. */
  if (job->reject_path != NULL)
    g_unlink (job->reject_path);
  g_free (job->reject_path);
  g_clear_pointer (&job->progress, g_atomic_rc_box_release);
  g_clear_object (&job->import);
  g_clear_error (&job->recompute_error);
  g_free (job);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_atomic_int_set (&progress->permille, fraction < 0 ? -1 : (int) (fraction * 1000));
}

typedef struct {
  Progress *progress;
  double    offset;
  double    share;
} Scaled;

static void
scaled_progress_cb (double   fraction,
                    gpointer user_data)
{
  Scaled *scaled = user_data;

  progress_cb (fraction < 0 ? -1 : scaled->offset + fraction * scaled->share, scaled->progress);
}

/* In the shop's worker. */
static void
import_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer field, column;
  SiyuImportMode mode;
  Scaled scaled = { job->progress, 0, 1 };

  job->import = siyu_import_new (shop, job->path, job->import_kind);
  siyu_import_set_encoding (job->import, job->encoding);
  siyu_import_set_consent_given (job->import, job->consent_given);
  if (!siyu_import_set_preset (job->import, job->preset, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_hash_table_iter_init (&iter, job->overrides);
  while (g_hash_table_iter_next (&iter, &field, &column))
    siyu_import_map (job->import, field, column);

  if (!siyu_import_open (job->import, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->kind == JOB_OPEN)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (job->keep_rejects)
    {
      int fd = g_file_open_tmp ("siyu-rejected-XXXXXX.csv", &job->reject_path, &error);

      if (fd < 0)
        {
          g_prefix_error (&error, "%s", _("There is no room to keep the rejected rows: "));
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      close (fd);
      mode = SIYU_IMPORT_VALID_ROWS;
    }
  else
    mode = SIYU_IMPORT_ALL_OR_NOTHING;

  if (job->kind == JOB_IMPORT)
    scaled.share = IMPORT_SHARE;
  if (!siyu_import_check_mapping (job->import, &error) ||
      !siyu_import_run (job->import, mode, job->reject_path, scaled_progress_cb, &scaled,
                        cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->kind == JOB_IMPORT)
    {
      /* Stored: from here on there is nothing to cancel. */
      g_atomic_int_set (&job->progress->recomputing, TRUE);
      scaled.offset = IMPORT_SHARE;
      scaled.share = 1 - IMPORT_SHARE;
      if (!siyu_recompute (shop, siyu_shop_get_today (shop), scaled_progress_cb, &scaled,
                           NULL, NULL, &job->recompute_error))
        g_warning ("Could not count the figures again after an import: %s",
                   job->recompute_error->message);
    }

  g_task_return_boolean (task, TRUE);
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  SiyuImportDialog *self = user_data;
  int permille = g_atomic_int_get (&self->progress->permille);

  if (permille < 0)
    {
      gtk_progress_bar_set_show_text (self->progress_bar, FALSE);
      gtk_progress_bar_pulse (self->progress_bar);
    }
  else
    {
      gtk_progress_bar_set_show_text (self->progress_bar, TRUE);
      gtk_progress_bar_set_fraction (self->progress_bar, permille / 1000.0);
    }
  if (g_atomic_int_get (&self->progress->recomputing))
    {
      gtk_label_set_text (self->working_label, _("Stored. Counting the shop’s figures again…"));
      gtk_widget_set_sensitive (self->cancel_button, FALSE);
    }

  return G_SOURCE_CONTINUE;
}

static void job_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);

static void
start_job (SiyuImportDialog *self,
           JobKind           kind,
           const char       *message)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);
  GHashTableIter iter;
  gpointer field, column;

  g_return_if_fail (!self->busy);

  job->kind = kind;
  job->path = g_file_get_path (self->file);
  job->import_kind = self->kind;
  job->preset = g_strdup (self->preset);
  job->encoding = g_strdup (self->encoding);
  /* Without a source of its own, the answer is the file's. */
  if (adw_expander_row_get_enable_expansion (self->consent_row))
    {
      job->consent_given = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->consent_source_row))));
      if (*job->consent_given == '\0')
        {
          g_free (job->consent_given);
          job->consent_given = g_file_get_basename (self->file);
        }
    }
  job->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, &field, &column))
    g_hash_table_insert (job->overrides, g_strdup (field), g_strdup (column));
  if (kind == JOB_IMPORT && siyu_import_get_counts (self->import)->rows_rejected > 0)
    job->keep_rejects = TRUE;

  g_clear_pointer (&self->progress, g_atomic_rc_box_release);
  self->progress = g_atomic_rc_box_new0 (Progress);
  job->progress = g_atomic_rc_box_acquire (self->progress);

  g_free (self->last_page);
  self->last_page = g_strdup (gtk_stack_get_visible_child_name (self->stack));
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = TRUE;
  self->job = kind;

  gtk_label_set_text (self->working_label, message);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_stack_set_visible_child_name (self->stack, "working");
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_widget_set_visible (self->back_button, FALSE);
  gtk_widget_set_sensitive (self->next_button, FALSE);
  self->progress_id = g_timeout_add (100, progress_tick_cb, self);

  task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, job_free);
  siyu_shop_runner_run (self->runner, task, import_job);
}

static void
set_next (SiyuImportDialog *self,
          const char       *label,
          gboolean          sensitive)
{
  gtk_button_set_label (GTK_BUTTON (self->next_button), label);
  gtk_widget_set_sensitive (self->next_button, sensitive);
}

static gboolean
mapping_complete (SiyuImportDialog *self)
{
  const char * const *fields = siyu_import_list_fields (self->kind);

  for (guint i = 0; i < self->column_rows->len; i++)
    if (siyu_import_field_is_required (self->kind, fields[i]) &&
        adw_combo_row_get_selected (g_ptr_array_index (self->column_rows, i)) == 0)
      return FALSE;

  return TRUE;
}

static void
update_setup_buttons (SiyuImportDialog *self)
{
  /* Translators: checks every row, then imports them unless some need a look. */
  set_next (self, _("_Import"), self->import != NULL && mapping_complete (self));
}

static void
column_selected_cb (AdwComboRow      *row,
                    GParamSpec       *pspec,
                    SiyuImportDialog *self)
{
  const char *field = g_object_get_data (G_OBJECT (row), "field");
  guint selected = adw_combo_row_get_selected (row);

  if (self->filling)
    return;
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    g_hash_table_insert (self->overrides, g_strdup (field), g_strdup (""));
  else
    g_hash_table_insert (self->overrides, g_strdup (field),
                         g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (row)),
                                                               selected)));
  update_setup_buttons (self);
}

static void
clear_columns (SiyuImportDialog *self)
{
  for (guint i = 0; i < self->column_rows->len; i++)
    adw_preferences_group_remove (self->columns_group, g_ptr_array_index (self->column_rows, i));
  g_ptr_array_set_size (self->column_rows, 0);
}

/* Under a field: whether it must have a column, and how sure a guessed
 * column is, so that the owner knows which to check. */
static char *
column_hint (SiyuImportDialog *self,
             const char       *field)
{
  double confidence = siyu_import_get_confidence (self->import, field);
  gboolean needed = siyu_import_field_is_required (self->kind, field);
  const char *hint = NULL;

  if (siyu_import_get_guessed (self->import) && confidence > 0 && confidence < 1)
    {
      if (confidence >= SIYU_GUESS_SURE)
        /* Translators: under a field whose column Siyu chose by its header. */
        hint = _("Recognised by its header");
      else if (confidence >= SIYU_GUESS_LIKELY)
        /* Translators: under a field whose column Siyu chose with less certainty. */
        hint = _("Probably this column: check it");
      else
        /* Translators: under a field whose column Siyu chose by what its cells hold. */
        hint = _("Chosen by what its cells hold: check it");
    }
  if (needed && hint != NULL)
    /* Translators: under a field of an import: “Needed”, then how its column was chosen. */
    return g_strdup_printf (_("Needed · %s"), hint);
  if (needed)
    /* Translators: under a field of an import that must have a column. */
    return g_strdup (_("Needed"));
  return g_strdup (hint);
}

static void
fill_columns (SiyuImportDialog *self)
{
  const char * const *fields = siyu_import_list_fields (self->kind);
  const char * const *headers;
  guint n_headers;

  clear_columns (self);
  headers = siyu_import_get_headers (self->import, &n_headers);

  for (guint i = 0; fields[i] != NULL; i++)
    {
      g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
      const char *column = siyu_import_get_column (self->import, fields[i]);
      AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
      g_autofree char *subtitle = NULL;
      guint selected = 0;

      /* Translators: in the list of a file's columns, for a field no column holds. */
      gtk_string_list_append (model, _("Not in the file"));
      for (guint h = 0; h < n_headers; h++)
        {
          gtk_string_list_append (model, headers[h]);
          if (column != NULL && g_str_equal (column, headers[h]))
            selected = h + 1;
        }
      /* Several columns read as one, as a preset may say. */
      if (column != NULL && *column != '\0' && selected == 0)
        {
          gtk_string_list_append (model, column);
          selected = n_headers + 1;
        }

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), siyu_import_field_title (fields[i]));
      subtitle = column_hint (self, fields[i]);
      if (subtitle != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_combo_row_set_model (row, G_LIST_MODEL (model));
      adw_combo_row_set_selected (row, selected);
      g_object_set_data_full (G_OBJECT (row), "field", g_strdup (fields[i]), g_free);
      g_signal_connect (row, "notify::selected", G_CALLBACK (column_selected_cb), self);
      adw_preferences_group_add (self->columns_group, GTK_WIDGET (row));
      g_ptr_array_add (self->column_rows, row);
    }
}

static void
fill_preview (SiyuImportDialog *self)
{
  GtkWidget *child;
  const char * const *headers;
  guint n_headers, n_rows;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_grid))) != NULL)
    gtk_grid_remove (self->preview_grid, child);

  headers = siyu_import_get_headers (self->import, &n_headers);
  n_rows = MIN (siyu_import_get_n_preview (self->import), 5);
  for (guint c = 0; c < n_headers; c++)
    {
      GtkWidget *label = gtk_label_new (headers[c]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "heading");
      gtk_grid_attach (self->preview_grid, label, c, 0, 1, 1);
    }
  for (guint r = 0; r < n_rows; r++)
    {
      guint n_fields;
      const char * const *cells = siyu_import_get_preview_row (self->import, r, &n_fields);

      for (guint c = 0; c < MIN (n_fields, n_headers); c++)
        {
          GtkWidget *label = gtk_label_new (cells[c]);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
          gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
          gtk_grid_attach (self->preview_grid, label, c, r + 1, 1, 1);
        }
    }
}

static gboolean
has_columns (SiyuImportDialog *self)
{
  const char * const *fields = siyu_import_list_fields (self->kind);

  for (guint i = 0; fields[i] != NULL; i++)
    if (siyu_import_get_column (self->import, fields[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
show_setup (SiyuImportDialog *self)
{
  const char *preset = siyu_import_get_preset (self->import);
  g_autofree char *title = preset != NULL ? siyu_import_preset_title (preset) : NULL;
  g_autofree char *format = NULL;
  char delimiter = siyu_import_get_delimiter (self->import);

  self->filling = TRUE;
  if (self->preset == NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->preset_row),
                                 title != NULL ? title :
                                 siyu_import_get_guessed (self->import) && has_columns (self) ?
                                 _("Not a known export: its columns were recognised by their headers; check them below") :
                                 _("Not recognised: choose each column below"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->preset_row), NULL);

  if (delimiter == '\0')
    format = g_strdup (siyu_import_get_format (self->import));
  else
    /* Translators: how a CSV file was read: its encoding and the character between fields. */
    format = g_strdup_printf (_("%s, fields separated by %s"), siyu_import_get_encoding (self->import),
                              delimiter == '\t' ? _("tabs") : delimiter == ';' ? _("semicolons") : _("commas"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->encoding_row), format);

  fill_columns (self);
  fill_preview (self);
  adw_preferences_group_set_description (self->columns_group,
                                         self->kind == SIYU_IMPORT_ORDERS &&
                                         !siyu_import_has_status_column (self->import) ?
                                         _("No status column: every order counts as paid, and one whose quantities are all below zero as a return.") :
                                         NULL);
  self->filling = FALSE;

  gtk_widget_set_visible (self->back_button, FALSE);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  update_setup_buttons (self);
  gtk_stack_set_visible_child_name (self->stack, "setup");
}

static void
clear_group (AdwPreferencesGroup *group,
             GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
add_count (AdwPreferencesGroup *group,
           GPtrArray           *rows,
           const char          *title,
           guint                count)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = g_strdup_printf ("%'u", count);
  GtkWidget *label = gtk_label_new (text);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
}

static GPtrArray *
group_rows (AdwPreferencesGroup *group)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (group), "rows");

  if (rows == NULL)
    {
      rows = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (group), "rows", rows, (GDestroyNotify) g_ptr_array_unref);
    }
  return rows;
}

static void
fill_counts (SiyuImportDialog    *self,
             AdwPreferencesGroup *group)
{
  const SiyuImportCounts *counts = siyu_import_get_counts (self->import);
  GPtrArray *rows = group_rows (group);

  clear_group (group, rows);
  add_count (group, rows, _("Rows read"), counts->rows);
  add_count (group, rows, _("New contacts"), counts->contacts_created);
  add_count (group, rows, _("Contacts the shop already has"), counts->contacts_matched);
  if (self->kind == SIYU_IMPORT_ORDERS)
    {
      add_count (group, rows, _("New orders"), counts->orders_created);
      add_count (group, rows, _("Orders updated"), counts->orders_updated);
      add_count (group, rows, _("Orders already up to date"), counts->orders_unchanged);
      add_count (group, rows, _("Order lines"), counts->items_created);
      if (counts->returns > 0)
        /* Translators: orders whose quantities are all below zero, kept apart from sales. */
        add_count (group, rows, _("Returns, not counted as sales"), counts->returns);
      if (counts->returns_linked > 0)
        add_count (group, rows, _("Returns refunded from their original order"), counts->returns_linked);
      if (counts->returns_unlinked > 0)
        add_count (group, rows, _("Returns whose original order the shop does not have"), counts->returns_unlinked);
      if (counts->adjustments_skipped > 0)
        add_count (group, rows, _("Stock adjustment lines skipped"), counts->adjustments_skipped);
      if (counts->lines_repeated > 0)
        add_count (group, rows, _("Lines repeated in their order, kept"), counts->lines_repeated);
      if (counts->amounts_rounded > 0)
        add_count (group, rows, _("Amounts rounded to the cent"), counts->amounts_rounded);
      if (counts->times_disagreed > 0)
        add_count (group, rows, _("Orders whose lines disagree on the time by less than a day"),
                   counts->times_disagreed);
      if (counts->lines_kept_beside_rejected > 0)
        add_count (group, rows, _("Good lines kept beside a rejected line"), counts->lines_kept_beside_rejected);
    }
  if (self->kind == SIYU_IMPORT_GROUPS)
    add_count (group, rows, _("Group memberships"), counts->memberships);
  if (self->kind == SIYU_IMPORT_EVENTS)
    {
      add_count (group, rows, _("New events"), counts->events_created);
      add_count (group, rows, _("Events already stored"), counts->events_unchanged);
    }
  if (counts->rows_erased > 0)
    add_count (group, rows, _("Rows of erased people kept anonymous"), counts->rows_erased);
  if (counts->consents_given > 0)
    add_count (group, rows, _("Agreed to hear from the shop"), counts->consents_given);
  add_count (group, rows, _("Rows with problems"), counts->rows_rejected);
}

static void
fill_problems (SiyuImportDialog *self)
{
  GPtrArray *rows = group_rows (self->problems_group);
  guint n = siyu_import_get_n_problems (self->import);
  guint rejected = siyu_import_get_counts (self->import)->rows_rejected;

  clear_group (self->problems_group, rows);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_group), n > 0);
  if (rejected > 0)
    {
      g_autofree char *text = NULL;

      if (rejected < siyu_import_get_counts (self->import)->rows)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "This row cannot be imported as it is. You can fix it in the file and check again, or import the other rows and save this one to fix later.",
                                             "These %'u rows cannot be imported as they are. You can fix them in the file and check again, or import the other rows and save these to fix later.",
                                             rejected), rejected);
      else
        text = g_strdup (_("No row can be imported as it is. The columns chosen may not be the right ones."));
      adw_preferences_group_set_description (self->problems_group, text);
    }

  for (guint i = 0; i < MIN (n, MAX_PROBLEM_ROWS); i++)
    {
      const SiyuImportProblem *problem = siyu_import_get_problem (self->import, i);
      GtkWidget *row = adw_action_row_new ();
      /* Translators: a row of the imported file, counted as a spreadsheet does. */
      g_autofree char *title = g_strdup_printf (_("Row %u"), problem->row);
      g_autofree char *subtitle = problem->column != NULL ? g_strdup_printf ("%s: %s", problem->column, problem->message)
                                                          : g_strdup (problem->message);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (self->problems_group, row);
      g_ptr_array_add (rows, row);
    }
  if (n > MAX_PROBLEM_ROWS)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "And %'u more row",
                                                             "And %'u more rows", n - MAX_PROBLEM_ROWS),
                                                n - MAX_PROBLEM_ROWS);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_group_add (self->problems_group, row);
      g_ptr_array_add (rows, row);
    }
}

static void
show_checked (SiyuImportDialog *self)
{
  const SiyuImportCounts *counts = siyu_import_get_counts (self->import);

  fill_counts (self, self->counts_group);
  fill_problems (self);
  gtk_widget_set_visible (self->back_button, TRUE);
  gtk_widget_set_visible (self->cancel_button, FALSE);
  if (counts->rows_rejected == 0)
    set_next (self, _("_Import"), TRUE);
  else
    /* Translators: imports the rows without problems; the others are kept aside. */
    set_next (self, _("Import _Valid Rows"), counts->rows_rejected < counts->rows);
  gtk_stack_set_visible_child_name (self->stack, "checked");
}

static void
show_done (SiyuImportDialog *self,
           const GError     *recompute_error)
{
  const SiyuImportCounts *counts = siyu_import_get_counts (self->import);
  g_autofree char *text = NULL;
  guint stored = counts->rows - counts->rows_rejected;

  if (counts->rows_rejected > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%'u row is in the shop. %'u rows with problems were left out: save them to fix them and import them again.",
                                         "%'u rows are in the shop. %'u rows with problems were left out: save them to fix them and import them again.",
                                         stored), stored, counts->rows_rejected);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u row is in the shop.", "%'u rows are in the shop.",
                                         stored), stored);
  if (recompute_error != NULL)
    {
      g_autofree char *more = g_strdup_printf (_("The shop’s figures could not be counted again: %s"),
                                               recompute_error->message);
      char *both = g_strconcat (text, "\n", more, NULL);

      g_free (text);
      text = both;
    }

  adw_status_page_set_description (self->done_page, text);
  fill_counts (self, self->done_counts_group);
  gtk_widget_set_visible (self->save_rejects_button, counts->rows_rejected > 0);
  gtk_widget_set_visible (self->segments_button,
                          (self->kind == SIYU_IMPORT_ORDERS || self->kind == SIYU_IMPORT_CUSTOMERS) && stored > 0 &&
                          gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL);
  gtk_widget_set_visible (self->back_button, FALSE);
  gtk_widget_set_visible (self->cancel_button, FALSE);
  set_next (self, _("_Done"), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "done");
}

static void
show_failed (SiyuImportDialog *self,
             const GError     *error)
{
  adw_status_page_set_description (self->failed_page, error->message);
  gtk_widget_set_visible (self->back_button, FALSE);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Close"));
  set_next (self, _("C_heck"), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "failed");
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean done = g_task_propagate_boolean (G_TASK (result), &error);

  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->busy = FALSE;

  if (done && job->kind == JOB_IMPORT)
    {
      self->stored = TRUE;
      g_set_object (&self->import, job->import);
      g_free (self->reject_path);
      self->reject_path = g_steal_pointer (&job->reject_path);
      g_signal_emit (self, signals[IMPORTED], 0);
    }

  if (self->close_when_idle)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (!done && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_stack_set_visible_child_name (self->stack, self->last_page);
      if (self->import == NULL)
        {
          gtk_window_destroy (GTK_WINDOW (self));
          return;
        }
      if (g_str_equal (self->last_page, "checked"))
        show_checked (self);
      else
        show_setup (self);
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Stopped. Nothing was stored.")));
      return;
    }

  if (job->kind == JOB_OPEN)
    {
      if (!done)
        {
          show_failed (self, error);
          return;
        }
      g_set_object (&self->import, job->import);
      show_setup (self);
      return;
    }

  if (!done && g_error_matches (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING))
    {
      /* A rule across fields, such as an order line needing a product
       * or a SKU: the owner chooses another column. */
      g_set_object (&self->import, job->import);
      show_setup (self);
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }

  if (!done && (error->domain != SIYU_IMPORT_ERROR || error->code != SIYU_IMPORT_ERROR_REJECTED))
    {
      /* The file changed under us, or cannot be read to its end. */
      show_failed (self, error);
      return;
    }

  g_set_object (&self->import, job->import);
  if (!done)
    {
      /* Rows that cannot be imported as they are: nothing was stored. */
      show_checked (self);
      return;
    }

  show_done (self, job->recompute_error);
}

static void
reopen (SiyuImportDialog *self)
{
  g_clear_object (&self->import);
  clear_columns (self);
  start_job (self, JOB_OPEN, _("Reading the first rows…"));
}

static void
fill_presets (SiyuImportDialog *self)
{
  static const char *hints[] = {
    [SIYU_IMPORT_ORDERS] = N_("One row per order line, as shops export them"),
    [SIYU_IMPORT_CUSTOMERS] = N_("One row per customer or member"),
    [SIYU_IMPORT_GROUPS] = N_("One row per member of a group, with the day they joined"),
    [SIYU_IMPORT_EVENTS] = N_("One row per event: a visit, a share, a review…"),
  };
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->kind_row), _(hints[self->kind]));
  g_strfreev (self->presets);
  self->presets = siyu_import_list_presets (self->kind);
  /* Translators: Siyu recognises which platform exported the file. */
  gtk_string_list_append (model, _("Recognise Automatically"));
  for (guint i = 0; self->presets[i] != NULL; i++)
    {
      g_autofree char *title = siyu_import_preset_title (self->presets[i]);

      gtk_string_list_append (model, title);
    }
  self->filling = TRUE;
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->preset_row, 0);
  self->filling = FALSE;
  g_clear_pointer (&self->preset, g_free);
}

static void
kind_selected_cb (SiyuImportDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  if (self->filling || self->busy || selected >= G_N_ELEMENTS (kinds))
    return;
  self->kind = kinds[selected];
  g_hash_table_remove_all (self->overrides);
  fill_presets (self);
  reopen (self);
}

static void
preset_selected_cb (SiyuImportDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->preset_row);

  if (self->filling || self->busy || selected == GTK_INVALID_LIST_POSITION)
    return;
  g_free (self->preset);
  self->preset = selected == 0 ? NULL : g_strdup (self->presets[selected - 1]);
  g_hash_table_remove_all (self->overrides);
  reopen (self);
}

static void
encoding_selected_cb (SiyuImportDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->encoding_row);

  if (self->filling || self->busy || selected >= G_N_ELEMENTS (encodings))
    return;
  g_free (self->encoding);
  self->encoding = g_strdup (encodings[selected]);
  reopen (self);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (self->busy || !gtk_widget_get_sensitive (self->next_button))
    return;

  /* One Import button: an import that meets a row it cannot take stores
   * nothing and stops on the checked page, where the owner decides. */
  if (g_str_equal (page, "setup"))
    start_job (self, JOB_IMPORT, _("Importing…"));
  else if (g_str_equal (page, "checked"))
    start_job (self, JOB_IMPORT, _("Importing…"));
  else if (g_str_equal (page, "done"))
    gtk_window_close (GTK_WINDOW (self));
}

/* After an import, straight to what the owner came for: the segments,
 * through the window's action, so that the dialog knows no page. */
static void
show_segments_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (widget);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-place", "s", "segments");
  gtk_window_close (GTK_WINDOW (self));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (widget);

  if (!self->busy && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "checked"))
    show_setup (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (widget);

  if (self->busy)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
save_rejects_response_cb (GtkNativeDialog  *chooser,
                          int               response,
                          SiyuImportDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  source = g_file_new_for_path (self->reject_path);
  if (!g_file_copy (source, file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the rejected rows: %s"), error->message);

      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
      return;
    }
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Saved the rejected rows")));
}

static void
save_rejects_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (widget);
  g_autofree char *base = g_file_get_basename (self->file);
  char *dot = strrchr (base, '.');
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = g_file_get_parent (self->file);

  if (dot != NULL)
    *dot = '\0';
  /* Translators: the file name the rejected rows of “%s.csv” are saved under. */
  name = g_strdup_printf (_("%s-rejected.csv"), base);

  self->chooser = gtk_file_chooser_native_new (_("Save the Rejected Rows"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (save_rejects_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
siyu_import_dialog_close_request (GtkWindow *window)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (window);

  /* The worker finishes what it is doing first; a stored import is not
   * cancelled. */
  if (self->busy)
    {
      self->close_when_idle = TRUE;
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (siyu_import_dialog_parent_class)->close_request (window);
}

static void
siyu_import_dialog_dispose (GObject *object)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (object);

  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_IMPORT_DIALOG);

  G_OBJECT_CLASS (siyu_import_dialog_parent_class)->dispose (object);
}

static void
siyu_import_dialog_finalize (GObject *object)
{
  SiyuImportDialog *self = SIYU_IMPORT_DIALOG (object);

  /* The rejected rows hold customers' details: they stay only as long as
   * the owner may want to save them. */
  if (self->reject_path != NULL)
    g_unlink (self->reject_path);
  g_free (self->reject_path);
  g_clear_object (&self->runner);
  g_clear_object (&self->file);
  g_clear_object (&self->import);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->progress, g_atomic_rc_box_release);
  g_strfreev (self->presets);
  g_free (self->preset);
  g_free (self->encoding);
  g_free (self->last_page);
  g_hash_table_unref (self->overrides);
  g_ptr_array_unref (self->column_rows);

  G_OBJECT_CLASS (siyu_import_dialog_parent_class)->finalize (object);
}

static void
siyu_import_dialog_class_init (SiyuImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = siyu_import_dialog_dispose;
  object_class->finalize = siyu_import_dialog_finalize;
  window_class->close_request = siyu_import_dialog_close_request;

  /**
   * SiyuImportDialog::imported:
   *
   * Emitted once the file is stored and the figures counted again.
   */
  signals[IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, working_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, consent_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, consent_source_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, preset_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, encoding_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, counts_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, done_counts_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, problems_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, failed_page);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, save_rejects_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuImportDialog, segments_button);

  gtk_widget_class_install_action (widget_class, "import.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "import.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "import.save-rejects", NULL, save_rejects_action);
  gtk_widget_class_install_action (widget_class, "import.show-segments", NULL, show_segments_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "import.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "import.next", NULL);
}

static void
siyu_import_dialog_init (SiyuImportDialog *self)
{
  g_autoptr(GtkStringList) kind_model = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) encoding_model = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->column_rows = g_ptr_array_new ();

  /* Translators: what an imported file holds. */
  gtk_string_list_append (kind_model, C_("import kind", "Orders"));
  gtk_string_list_append (kind_model, C_("import kind", "Customers"));
  gtk_string_list_append (kind_model, C_("import kind", "Group members"));
  gtk_string_list_append (kind_model, C_("import kind", "Events"));
  gtk_string_list_append (encoding_model, _("Detect Automatically"));
  gtk_string_list_append (encoding_model, "UTF-8");
  /* Translators: the encoding Chinese Excel saves CSV files in. */
  gtk_string_list_append (encoding_model, _("GB18030 (Chinese Excel)"));

  self->filling = TRUE;
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kind_model));
  adw_combo_row_set_model (self->encoding_row, G_LIST_MODEL (encoding_model));
  self->filling = FALSE;
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (kind_selected_cb), self);
  g_signal_connect_swapped (self->preset_row, "notify::selected", G_CALLBACK (preset_selected_cb), self);
  g_signal_connect_swapped (self->encoding_row, "notify::selected", G_CALLBACK (encoding_selected_cb), self);
}

/**
 * siyu_import_dialog_new:
 * @parent: the shop's window
 * @runner: the shop's worker
 * @file: the file to import
 *
 * Opens @file at once and shows its columns.
 */
SiyuImportDialog *
siyu_import_dialog_new (GtkWindow      *parent,
                        SiyuShopRunner *runner,
                        GFile          *file)
{
  SiyuImportDialog *self;
  g_autofree char *base = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (SIYU_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->runner = g_object_ref (runner);
  self->file = g_object_ref (file);
  base = g_file_get_basename (file);
  adw_window_title_set_subtitle (self->window_title, base);

  self->kind = SIYU_IMPORT_ORDERS;
  fill_presets (self);
  start_job (self, JOB_OPEN, _("Reading the first rows…"));

  return self;
}

/* For the tests. */
const char *
_siyu_import_dialog_get_step (SiyuImportDialog *self)
{
  return self->busy ? "working" : gtk_stack_get_visible_child_name (self->stack);
}

SiyuImport *
_siyu_import_dialog_get_import (SiyuImportDialog *self)
{
  return self->import;
}

void
_siyu_import_dialog_next (SiyuImportDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "import.next", NULL);
}

void
_siyu_import_dialog_cancel (SiyuImportDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "import.cancel", NULL);
}

gboolean
_siyu_import_dialog_can_go_on (SiyuImportDialog *self)
{
  return gtk_widget_get_sensitive (self->next_button);
}

void
_siyu_import_dialog_set_kind (SiyuImportDialog *self,
                              SiyuImportKind    kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i] == kind)
      adw_combo_row_set_selected (self->kind_row, i);
}

gboolean
_siyu_import_dialog_map (SiyuImportDialog *self,
                         const char       *field,
                         const char       *column)
{
  for (guint i = 0; i < self->column_rows->len; i++)
    {
      AdwComboRow *row = g_ptr_array_index (self->column_rows, i);
      GListModel *model = adw_combo_row_get_model (row);

      if (!g_str_equal (g_object_get_data (G_OBJECT (row), "field"), field))
        continue;
      if (column == NULL)
        {
          adw_combo_row_set_selected (row, 0);
          return TRUE;
        }
      for (guint j = 1; j < g_list_model_get_n_items (model); j++)
        if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), j), column))
          {
            adw_combo_row_set_selected (row, j);
            return TRUE;
          }
    }

  return FALSE;
}

/* What the row of @field says under its title. */
const char *
_siyu_import_dialog_get_column_hint (SiyuImportDialog *self,
                                     const char       *field)
{
  for (guint i = 0; i < self->column_rows->len; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->column_rows, i);

      const char *subtitle = adw_action_row_get_subtitle (row);

      if (g_str_equal (g_object_get_data (G_OBJECT (row), "field"), field))
        return subtitle != NULL && *subtitle != '\0' ? subtitle : NULL;
    }
  return NULL;
}

const char *
_siyu_import_dialog_get_reject_path (SiyuImportDialog *self)
{
  return self->reject_path;
}

const char *
_siyu_import_dialog_get_failure (SiyuImportDialog *self)
{
  return adw_status_page_get_description (self->failed_page);
}

/* The owner's “these customers agreed to hear from the shop”, with where
 * the shop has it from; %NULL turns it off. */
void
_siyu_import_dialog_set_consent_given (SiyuImportDialog *self,
                                       const char       *source)
{
  adw_expander_row_set_enable_expansion (self->consent_row, source != NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->consent_source_row), source != NULL ? source : "");
}
