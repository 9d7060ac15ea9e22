/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-replenish-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-phone.h"
#include "siyu-replenish-page-private.h"
#include "siyu-shop-lists.h"
#include "siyu-time.h"

/* The Restock place: who is due to run out of a product they buy again and
 * again, soonest first, for a span of days around today (this week by
 * default), and an export of those buyers by the rules of segment exports.
 * The list is read on the shop's worker, at most MAX_ROWS rows of it; the
 * count below it says how many there are in all.  Activating a row opens
 * the buyer in the Contacts place. */

#define MAX_ROWS 1000

typedef enum {
  COLUMN_DUE,
  COLUMN_CUSTOMER,
  COLUMN_PHONE,
  COLUMN_PRODUCT,
  COLUMN_LAST_PURCHASE,
  COLUMN_INTERVAL,
  COLUMN_STAGE,
  N_COLUMNS
} Column;

static const char * const column_titles[N_COLUMNS] = {
  NC_("restock column", "Due"),
  NC_("restock column", "Customer"),
  NC_("restock column", "Phone"),
  NC_("restock column", "Product"),
  NC_("restock column", "Last Bought"),
  NC_("restock column", "Usually Every"),
  NC_("restock column", "Stage"),
};

/* One row of the list. */
#define SIYU_TYPE_DUE_ITEM (siyu_due_item_get_type ())
G_DECLARE_FINAL_TYPE (SiyuDueItem, siyu_due_item, SIYU, DUE_ITEM, GObject)

struct _SiyuDueItem
{
  GObject     parent_instance;
  SiyuDueRow *row;
};

G_DEFINE_FINAL_TYPE (SiyuDueItem, siyu_due_item, G_TYPE_OBJECT)

static void
siyu_due_item_finalize (GObject *object)
{
  g_clear_pointer (&SIYU_DUE_ITEM (object)->row, siyu_due_row_free);
  G_OBJECT_CLASS (siyu_due_item_parent_class)->finalize (object);
}

static void
siyu_due_item_class_init (SiyuDueItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = siyu_due_item_finalize;
}

static void
siyu_due_item_init (SiyuDueItem *self)
{
}

struct _SiyuReplenishPage
{
  GtkWidget             parent_instance;

  GtkDropDown          *span_dropdown;
  GtkMenuButton        *export_button;
  GtkStack             *list_stack;
  GtkColumnView        *column_view;
  GtkLabel             *count_label;
  AdwStatusPage        *error_status;

  SiyuShopRunner       *runner;
  GListStore           *store;
  GtkNoSelection       *selection;
  GCancellable         *cancellable;    /* the window's life */
  GCancellable         *read_cancellable;
  GtkFileChooserNative *chooser;
  gulong                changed_id;
  gboolean              started;
  gboolean              loading;
  gboolean              exporting;
  SiyuDay               today;
  SiyuDay               first;
  SiyuDay               last;
  gint64                total;
  char                 *message;        /* the last export's outcome */
};

G_DEFINE_FINAL_TYPE (SiyuReplenishPage, siyu_replenish_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the worker read. */
typedef struct {
  SiyuDueSpan  span;
  SiyuDay      today;
  SiyuDay      first;
  SiyuDay      last;
  GPtrArray   *rows;
  gint64       total;
  gint64       buyers;
  gint64       known;   /* replenishments of any day */
} Reading;

static void
reading_free (Reading *reading)
{
  g_clear_pointer (&reading->rows, g_ptr_array_unref);
  g_free (reading);
}

typedef struct {
  SiyuDay           first;
  SiyuDay           last;
  char             *path;
  SiyuExportFormat  format;
  SiyuExportResult  result;
} Export;

static void
export_free (Export *export)
{
  g_free (export->path);
  g_free (export);
}

static const char *
stage_label (const char *stage)
{
  for (SiyuStage s = 0; s < SIYU_N_STAGES; s++)
    if (g_strcmp0 (siyu_stage_to_string (s), stage) == 0)
      return siyu_stage_get_label (s);

  return "";
}

static char *
cell_text (const SiyuDueRow *row,
           Column            column)
{
  switch (column)
    {
    case COLUMN_DUE:
      return siyu_day_format (row->due);
    case COLUMN_CUSTOMER:
      return g_strdup (row->name != NULL ? row->name : _("No name"));
    case COLUMN_PHONE:
      return row->phone != NULL ? siyu_phone_mask (row->phone) : g_strdup ("");
    case COLUMN_PRODUCT:
      return g_strdup (row->product);
    case COLUMN_LAST_PURCHASE:
      return siyu_day_format (row->last_purchase);
    case COLUMN_INTERVAL:
      /* Translators: how long a product usually lasts a buyer. */
      return g_strdup_printf (g_dngettext (NULL, "%d day", "%d days", row->interval_days), row->interval_days);
    case COLUMN_STAGE:
      return g_strdup (stage_label (row->stage));
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SiyuReplenishPage        *self)
{
  GtkWidget *label = gtk_label_new (NULL);
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));

  gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_INTERVAL ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == COLUMN_DUE || column == COLUMN_PHONE || column == COLUMN_LAST_PURCHASE || column == COLUMN_INTERVAL)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SiyuReplenishPage        *self)
{
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  SiyuDueItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = cell_text (item->row, column);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
add_columns (SiyuReplenishPage *self)
{
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
      column = gtk_column_view_column_new (g_dpgettext2 (NULL, "restock column", column_titles[c]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (c == COLUMN_CUSTOMER || c == COLUMN_PRODUCT)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
}

static void
show_toast (SiyuReplenishPage *self,
            const char        *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  g_free (self->message);
  self->message = g_strdup (message);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static void
update_export_action (SiyuReplenishPage *self)
{
  gboolean can = !self->loading && !self->exporting && self->total > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export-csv", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export-phones", can);
}

static void
read_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Reading *reading = task_data;
  GError *error = NULL;

  reading->today = siyu_shop_get_today (shop);
  siyu_due_span_days (reading->span, reading->today, &reading->first, &reading->last);
  reading->known = siyu_shop_count_restock_buyers (shop, &error);
  if (error == NULL)
    reading->total = siyu_replenishments_count (shop, reading->first, reading->last, &reading->buyers, &error);
  if (error == NULL)
    reading->rows = siyu_replenishments_list (shop, reading->first, reading->last, 0, MAX_ROWS, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SiyuReplenishPage *self;
  Reading *reading;
  g_autofree char *rows = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_REPLENISH_PAGE (source);
  if (g_task_get_cancellable (G_TASK (result)) != self->read_cancellable)
    return;
  self->loading = FALSE;
  reading = g_task_get_task_data (G_TASK (result));
  g_list_store_remove_all (self->store);

  if (error != NULL)
    {
      self->total = 0;
      adw_status_page_set_description (self->error_status, error->message);
      gtk_stack_set_visible_child_name (self->list_stack, "error");
      gtk_label_set_label (self->count_label, "");
      update_export_action (self);
      return;
    }

  self->today = reading->today;
  self->first = reading->first;
  self->last = reading->last;
  self->total = reading->total;
  for (guint i = 0; i < reading->rows->len; i++)
    {
      SiyuDueItem *item = g_object_new (SIYU_TYPE_DUE_ITEM, NULL);

      item->row = g_steal_pointer (&g_ptr_array_index (reading->rows, i));
      g_list_store_append (self->store, item);
      g_object_unref (item);
    }
  g_ptr_array_set_free_func (reading->rows, NULL);

  /* Translators: the first half of "3 products due for 2 buyers". */
  rows = g_strdup_printf (g_dngettext (NULL, "%'u product due", "%'u products due", (gulong) reading->total),
                          (guint) reading->total);
  if (reading->total > (gint64) reading->rows->len)
    /* Translators: the first %'u is how many rows the list shows, %s says how many
     * there are: "Showing the first 1,000 of 1,234 products due for 987 buyers". */
    text = g_strdup_printf (g_dngettext (NULL, "Showing the first %'u of %s for %'u buyer",
                                         "Showing the first %'u of %s for %'u buyers", (gulong) reading->buyers),
                            reading->rows->len, rows, (guint) reading->buyers);
  else
    /* Translators: %s is "3 products due": "3 products due for 2 buyers". */
    text = g_strdup_printf (g_dngettext (NULL, "%s for %'u buyer", "%s for %'u buyers", (gulong) reading->buyers),
                            rows, (guint) reading->buyers);
  gtk_label_set_label (self->count_label, reading->total > 0 ? text : "");

  if (reading->total > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else
    gtk_stack_set_visible_child_name (self->list_stack, reading->known > 0 ? "nothing-due" : "no-products");
  update_export_action (self);
}

/**
 * siyu_replenish_page_reload:
 *
 * Reads the list again for the span chosen.
 */
void
siyu_replenish_page_reload (SiyuReplenishPage *self)
{
  g_autoptr(GTask) task = NULL;
  Reading *reading;
  guint selected;

  g_return_if_fail (SIYU_IS_REPLENISH_PAGE (self));

  if (!self->started)
    return;
  g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();
  self->loading = TRUE;
  update_export_action (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    gtk_stack_set_visible_child_name (self->list_stack, "loading");

  selected = gtk_drop_down_get_selected (self->span_dropdown);
  reading = g_new0 (Reading, 1);
  reading->span = selected <= SIYU_DUE_30_DAYS ? (SiyuDueSpan) selected : SIYU_DUE_THIS_WEEK;
  task = g_task_new (self, self->read_cancellable, read_done_cb, NULL);
  g_task_set_task_data (task, reading, (GDestroyNotify) reading_free);
  siyu_shop_runner_run (self->runner, task, read_job);
}

static void
span_changed_cb (SiyuReplenishPage *self)
{
  siyu_replenish_page_reload (self);
}

static void
row_activated_cb (SiyuReplenishPage *self,
                  guint              position)
{
  g_autoptr(SiyuDueItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), position);

  if (item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-contact", "x", item->row->contact_id);
}

static void
export_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Export *export = task_data;
  SiyuExportOptions options = { export->format, NULL, FALSE, 0.0, 0, 0, 0 };
  GError *error = NULL;

  if (siyu_replenishments_export (shop, export->first, export->last, export->path, &options, &export->result,
                                  &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SiyuReplenishPage *self;
  Export *export;
  g_autofree char *base = NULL;
  g_autofree char *written = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_REPLENISH_PAGE (source);
  self->exporting = FALSE;
  update_export_action (self);
  export = g_task_get_task_data (G_TASK (result));

  if (error != NULL)
    {
      /* Translators: %s says why. */
      message = g_strdup_printf (_("Could not export the buyers: %s"), error->message);
      show_toast (self, message);
      return;
    }

  base = g_filename_display_basename (export->path);
  /* Translators: %'d is a number of buyers, %s a file name. */
  written = g_strdup_printf (g_dngettext (NULL, "%'d buyer saved to %s", "%'d buyers saved to %s",
                                          (gulong) export->result.exported),
                             (int) export->result.exported, base);
  if (export->result.excluded > 0)
    /* Translators: %s is "4 buyers saved to due.csv"; %'d how many were left out. */
    message = g_strdup_printf (g_dngettext (NULL, "%s; %'d left out: no consent, or do not contact",
                                            "%s; %'d left out: no consent, or do not contact",
                                            (gulong) export->result.excluded),
                               written, (int) export->result.excluded);
  else
    message = g_strdup (written);
  show_toast (self, message);
}

void
_siyu_replenish_page_export (SiyuReplenishPage *self,
                             SiyuExportFormat   format,
                             const char        *path)
{
  g_autoptr(GTask) task = NULL;
  Export *export;

  g_return_if_fail (SIYU_IS_REPLENISH_PAGE (self));

  export = g_new0 (Export, 1);
  export->first = self->first;
  export->last = self->last;
  export->format = format;
  export->path = g_strdup (path);
  self->exporting = TRUE;
  update_export_action (self);
  task = g_task_new (self, self->cancellable, export_done_cb, NULL);
  g_task_set_task_data (task, export, (GDestroyNotify) export_free);
  siyu_shop_runner_run (self->runner, task, export_job);
}

static void
chooser_response_cb (SiyuReplenishPage *self,
                     int                response,
                     GtkNativeDialog   *chooser)
{
  SiyuExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "format"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        _siyu_replenish_page_export (self, format, path);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (SiyuReplenishPage *self,
             SiyuExportFormat   format)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *from = siyu_day_format (self->first);
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;
  /* Translators: the file name offered for an export; %s is a day, YYYY-MM-DD. */
  name = g_strdup_printf (format == SIYU_EXPORT_CSV ? _("due-to-restock-%s.csv") : _("due-to-restock-%s.txt"), from);
  self->chooser = gtk_file_chooser_native_new (format == SIYU_EXPORT_CSV ? _("Export as a Spreadsheet")
                                                                         : _("Export as a Phone List"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, format == SIYU_EXPORT_CSV ? _("CSV files") : _("Text files"));
  gtk_file_filter_add_suffix (filter, format == SIYU_EXPORT_CSV ? "csv" : "txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "format", GINT_TO_POINTER (format));
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_file (SIYU_REPLENISH_PAGE (widget), SIYU_EXPORT_CSV);
}

static void
export_phones_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose_file (SIYU_REPLENISH_PAGE (widget), SIYU_EXPORT_PHONES);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_replenish_page_reload (SIYU_REPLENISH_PAGE (widget));
}

static void
runner_changed_cb (SiyuReplenishPage *self)
{
  /* Another time zone can make another day today. */
  siyu_replenish_page_reload (self);
}

static void
siyu_replenish_page_constructed (GObject *object)
{
  SiyuReplenishPage *self = SIYU_REPLENISH_PAGE (object);

  G_OBJECT_CLASS (siyu_replenish_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  self->store = g_list_store_new (SIYU_TYPE_DUE_ITEM);
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->store)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  add_columns (self);
  update_export_action (self);
  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (runner_changed_cb), self);
}

/* Read when the place is first shown, as the other places do. */
static void
siyu_replenish_page_map (GtkWidget *widget)
{
  SiyuReplenishPage *self = SIYU_REPLENISH_PAGE (widget);

  GTK_WIDGET_CLASS (siyu_replenish_page_parent_class)->map (widget);

  if (!self->started)
    {
      self->started = TRUE;
      siyu_replenish_page_reload (self);
    }
}

static void
siyu_replenish_page_dispose (GObject *object)
{
  SiyuReplenishPage *self = SIYU_REPLENISH_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->read_cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->runner != NULL)
    g_clear_signal_handler (&self->changed_id, self->runner);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_REPLENISH_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (siyu_replenish_page_parent_class)->dispose (object);
}

static void
siyu_replenish_page_finalize (GObject *object)
{
  SiyuReplenishPage *self = SIYU_REPLENISH_PAGE (object);

  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);
  g_free (self->message);

  G_OBJECT_CLASS (siyu_replenish_page_parent_class)->finalize (object);
}

static void
siyu_replenish_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SiyuReplenishPage *self = SIYU_REPLENISH_PAGE (object);

  switch (prop_id)
    {
    case PROP_RUNNER:
      g_value_set_object (value, self->runner);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_replenish_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SiyuReplenishPage *self = SIYU_REPLENISH_PAGE (object);

  switch (prop_id)
    {
    case PROP_RUNNER:
      self->runner = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_replenish_page_class_init (SiyuReplenishPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_replenish_page_constructed;
  object_class->dispose = siyu_replenish_page_dispose;
  object_class->finalize = siyu_replenish_page_finalize;
  object_class->get_property = siyu_replenish_page_get_property;
  object_class->set_property = siyu_replenish_page_set_property;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->map = siyu_replenish_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-replenish-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuReplenishPage, span_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuReplenishPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuReplenishPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuReplenishPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SiyuReplenishPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuReplenishPage, error_status);
  gtk_widget_class_bind_template_callback (widget_class, span_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "page.export-phones", NULL, export_phones_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "page.export-csv", NULL);
}

static void
siyu_replenish_page_init (SiyuReplenishPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->today = self->first = self->last = SIYU_DAY_INVALID;
}

SiyuReplenishPage *
siyu_replenish_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_REPLENISH_PAGE, "runner", runner, NULL);
}

const char *
_siyu_replenish_page_get_state (SiyuReplenishPage *self)
{
  if (self->loading)
    return "loading";

  return gtk_stack_get_visible_child_name (self->list_stack);
}

const char *
_siyu_replenish_page_get_count_text (SiyuReplenishPage *self)
{
  return gtk_label_get_label (self->count_label);
}

void
_siyu_replenish_page_set_span (SiyuReplenishPage *self,
                               SiyuDueSpan        span)
{
  gtk_drop_down_set_selected (self->span_dropdown, span);
}

guint
_siyu_replenish_page_get_n_rows (SiyuReplenishPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->store));
}

char *
_siyu_replenish_page_get_cell (SiyuReplenishPage *self,
                               guint              position,
                               guint              column)
{
  g_autoptr(SiyuDueItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), position);

  g_return_val_if_fail (column < N_COLUMNS, NULL);

  return item != NULL ? cell_text (item->row, column) : NULL;
}

gboolean
_siyu_replenish_page_is_exporting (SiyuReplenishPage *self)
{
  return self->exporting;
}

const char *
_siyu_replenish_page_get_message (SiyuReplenishPage *self)
{
  return self->message;
}
