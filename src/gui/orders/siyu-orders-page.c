/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-orders-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-money.h"
#include "siyu-orders.h"
#include "siyu-order-page.h"
#include "siyu-orders-page-private.h"
#include "siyu-time.h"

/* The Orders place: every order of the shop, newest first, found by a part
 * of its number, the customer's phone or a product, and narrowed to one
 * channel, one status and a range of days.  Activating a row opens the
 * order's page in place. */

typedef enum {
  COLUMN_DATE,
  COLUMN_NUMBER,
  COLUMN_CUSTOMER,
  COLUMN_CHANNEL,
  COLUMN_STATUS,
  COLUMN_TOTAL,
  COLUMN_REFUNDED,
  N_COLUMNS
} Column;

static const char * const column_titles[N_COLUMNS] = {
  NC_("orders column", "Date"),
  NC_("orders column", "Order Number"),
  NC_("orders column", "Customer"),
  NC_("orders column", "Channel"),
  NC_("orders column", "Status"),
  NC_("orders column", "Total"),
  NC_("orders column", "Refunded"),
};

struct _SiyuOrdersPage
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkStack           *list_stack;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *channel_dropdown;
  GtkDropDown        *status_dropdown;
  GtkMenuButton      *dates_button;
  GtkEntry           *from_entry;
  GtkEntry           *to_entry;
  GtkColumnView      *column_view;
  GtkLabel           *count_label;
  AdwStatusPage      *error_status;
  AdwBin             *order_bin;

  SiyuShopRunner     *runner;
  SiyuOrderModel     *model;
  GtkSingleSelection *selection;
  GTimeZone          *time_zone;
  GArray             *channel_ids;   /* gint64, by position in the dropdown after "All" */
  GCancellable       *cancellable;
  gulong              changed_id;
  guint               dates_source;
  SiyuDay             from;
  SiyuDay             to;
  gboolean            open_first;    /* Enter was pressed before the list was counted */
  SiyuOrderItem      *pending_item;  /* activated before it was read */
  gboolean            started;       /* the place was shown and the list read */
  char               *applied_search;
};

G_DEFINE_FINAL_TYPE (SiyuOrdersPage, siyu_orders_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
cell_text (SiyuOrdersPage         *self,
           Column                  column,
           const SiyuOrderSummary *summary)
{
  switch (column)
    {
    case COLUMN_DATE:
      {
        g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (summary->created_at);
        g_autoptr(GDateTime) local = g_date_time_to_timezone (time, self->time_zone);

        return g_date_time_format (local, "%Y-%m-%d %H:%M");
      }
    case COLUMN_NUMBER:
      return g_strdup (summary->reference);
    case COLUMN_CUSTOMER:
      if (summary->contact_id == 0)
        /* Translators: the customer of an order placed without an account. */
        return g_strdup (C_("customer", "Guest"));
      if (summary->contact_name != NULL)
        return g_strdup (summary->contact_name);
      return g_strdup (summary->phone != NULL ? summary->phone : _("No name"));
    case COLUMN_CHANNEL:
      return g_strdup (siyu_channel_get_label (summary->channel));
    case COLUMN_STATUS:
      return g_strdup (siyu_order_status_get_label (summary->status));
    case COLUMN_TOTAL:
      return siyu_money_format (summary->total, summary->currency);
    case COLUMN_REFUNDED:
      return summary->refunded > 0 ? siyu_money_format (summary->refunded, summary->currency) : g_strdup ("");
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_cell (GtkListItem *list_item)
{
  SiyuOrdersPage *self = g_object_get_data (G_OBJECT (list_item), "page");
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (list_item), "column"));
  SiyuOrderItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  const SiyuOrderSummary *summary;
  g_autofree char *text = NULL;

  if (item == NULL || (summary = siyu_order_item_get_summary (item)) == NULL)
    {
      /* Read in a moment; the ellipsis keeps the row's height. */
      gtk_label_set_label (label, "…");
      return;
    }

  text = cell_text (self, column, summary);
  gtk_label_set_label (label, text);
}

static void
loaded_cb (SiyuOrderItem *item,
           GParamSpec    *pspec,
           GtkListItem   *list_item)
{
  update_cell (list_item);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               SiyuOrdersPage           *self)
{
  GtkWidget *label = gtk_label_new (NULL);
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  gboolean money = column == COLUMN_TOTAL || column == COLUMN_REFUNDED;

  gtk_label_set_xalign (GTK_LABEL (label), money ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (money || column == COLUMN_DATE || column == COLUMN_NUMBER)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
  g_object_set_data (G_OBJECT (list_item), "page", self);
  g_object_set_data (G_OBJECT (list_item), "column", GUINT_TO_POINTER (column));
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              SiyuOrdersPage           *self)
{
  SiyuOrderItem *item = gtk_list_item_get_item (list_item);

  g_signal_connect (item, "notify::loaded", G_CALLBACK (loaded_cb), list_item);
  update_cell (list_item);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                SiyuOrdersPage           *self)
{
  SiyuOrderItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, loaded_cb, list_item);
}

static void
add_columns (SiyuOrdersPage *self)
{
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), self);
      column = gtk_column_view_column_new (g_dpgettext2 (NULL, "orders column", column_titles[c]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (c == COLUMN_CUSTOMER || c == COLUMN_NUMBER)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
}

static void row_activated_cb (SiyuOrdersPage *self,
                              guint           position);
static void forget_pending   (SiyuOrdersPage *self);

static gboolean
is_filtered (SiyuOrdersPage *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0' ||
         gtk_drop_down_get_selected (self->channel_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->status_dropdown) > 0 ||
         self->from != SIYU_DAY_INVALID || self->to != SIYU_DAY_INVALID;
}

static void
update_count (SiyuOrdersPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  const GError *error = siyu_order_model_get_error (self->model);
  g_autofree char *text = NULL;

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_status, error->message);
      gtk_stack_set_visible_child_name (self->list_stack, "error");
      gtk_label_set_label (self->count_label, "");
      return;
    }
  if (siyu_order_model_is_loading (self->model))
    return;

  /* Translators: how many orders the list shows. */
  text = g_strdup_printf (g_dngettext (NULL, "%'u order", "%'u orders", n), n);
  gtk_label_set_label (self->count_label, text);

  if (n > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "orders");
  else
    gtk_stack_set_visible_child_name (self->list_stack, is_filtered (self) ? "none-found" : "empty");
}

static void
model_changed_cb (SiyuOrdersPage *self)
{
  update_count (self);
  if (self->open_first && !siyu_order_model_is_loading (self->model))
    {
      self->open_first = FALSE;
      if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
        row_activated_cb (self, 0);
    }
}

static void
apply_filter (SiyuOrdersPage *self)
{
  const char * const *statuses = siyu_order_statuses ();
  guint channel = gtk_drop_down_get_selected (self->channel_dropdown);
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  SiyuOrderFilter filter;

  siyu_order_filter_init (&filter);
  filter.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_free (self->applied_search);
  self->applied_search = g_strdup (filter.search);
  if (channel != GTK_INVALID_LIST_POSITION && channel > 0 && channel <= self->channel_ids->len)
    filter.channel_id = g_array_index (self->channel_ids, gint64, channel - 1);
  if (status != GTK_INVALID_LIST_POSITION && status > 0 && status <= g_strv_length ((char **) statuses))
    filter.status = statuses[status - 1];
  filter.from = self->from;
  filter.to = self->to;
  siyu_order_model_set_filter (self->model, &filter);
}

static void
search_changed_cb (SiyuOrdersPage *self)
{
  /* The search may have been read already, on Enter. */
  if (g_strcmp0 (self->applied_search, gtk_editable_get_text (GTK_EDITABLE (self->search_entry))) == 0)
    return;
  self->open_first = FALSE;
  forget_pending (self);
  apply_filter (self);
}

/* Enter in the search opens the first order found: the number read out
 * by a customer, and Enter. */
static void
search_activate_cb (SiyuOrdersPage *self)
{
  /* Enter can come before the entry says its text changed. */
  if (g_strcmp0 (self->applied_search, gtk_editable_get_text (GTK_EDITABLE (self->search_entry))) != 0)
    apply_filter (self);
  if (siyu_order_model_is_loading (self->model))
    {
      self->open_first = TRUE;
      return;
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    row_activated_cb (self, 0);
}

static void
filter_changed_cb (SiyuOrdersPage *self)
{
  if (self->started)
    apply_filter (self);
}

static void
update_dates_label (SiyuOrdersPage *self)
{
  g_autofree char *from = self->from != SIYU_DAY_INVALID ? siyu_day_format (self->from) : NULL;
  g_autofree char *to = self->to != SIYU_DAY_INVALID ? siyu_day_format (self->to) : NULL;
  g_autofree char *label = NULL;

  if (from != NULL && to != NULL)
    /* Translators: a range of days, both included. */
    label = g_strdup_printf (_("%s – %s"), from, to);
  else if (from != NULL)
    /* Translators: %s is a day. */
    label = g_strdup_printf (_("Since %s"), from);
  else if (to != NULL)
    /* Translators: %s is a day. */
    label = g_strdup_printf (_("Until %s"), to);
  else
    label = g_strdup (_("Any Day"));
  gtk_menu_button_set_label (self->dates_button, label);
}

/* A day typed in full: the empty field is no limit, a day not yet typed
 * in full leaves the limit as it was and marks the field. */
static gboolean
read_day (GtkEntry *entry,
          SiyuDay  *day)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (*text == '\0')
    {
      *day = SIYU_DAY_INVALID;
      return TRUE;
    }
  if (siyu_day_parse (text, day))
    return TRUE;
  gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  return FALSE;
}

static gboolean
apply_dates (gpointer data)
{
  SiyuOrdersPage *self = data;
  SiyuDay from = self->from, to = self->to;

  self->dates_source = 0;
  if (!read_day (self->from_entry, &from) | !read_day (self->to_entry, &to))
    return G_SOURCE_REMOVE;
  if (from == self->from && to == self->to)
    return G_SOURCE_REMOVE;
  self->from = from;
  self->to = to;
  update_dates_label (self);
  if (self->started)
    apply_filter (self);

  return G_SOURCE_REMOVE;
}

/* Replacing a field's text empties it first: the days are read once the
 * fields have settled, not for every step. */
static void
dates_changed_cb (SiyuOrdersPage *self)
{
  if (self->dates_source == 0)
    self->dates_source = g_idle_add (apply_dates, self);
}

static void
clear_dates_clicked_cb (SiyuOrdersPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  gtk_popover_popdown (gtk_menu_button_get_popover (self->dates_button));
}

static void
order_closed_cb (SiyuOrdersPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, "list");
  adw_bin_set_child (self->order_bin, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* Opens an order's page in place of the list. */
void
siyu_orders_page_open (SiyuOrdersPage *self,
                       gint64          order_id)
{
  SiyuOrderPage *page;

  g_return_if_fail (SIYU_IS_ORDERS_PAGE (self));

  page = siyu_order_page_new (self->runner, order_id);
  g_signal_connect_swapped (page, "closed", G_CALLBACK (order_closed_cb), self);
  adw_bin_set_child (self->order_bin, GTK_WIDGET (page));
  gtk_stack_set_visible_child_name (self->stack, "order");
  gtk_widget_grab_focus (GTK_WIDGET (page));
}

static void
forget_pending (SiyuOrdersPage *self)
{
  if (self->pending_item != NULL)
    g_signal_handlers_disconnect_by_data (self->pending_item, self);
  g_clear_object (&self->pending_item);
}

static void
pending_loaded_cb (SiyuOrderItem  *item,
                   GParamSpec     *pspec,
                   SiyuOrdersPage *self)
{
  const SiyuOrderSummary *summary = siyu_order_item_get_summary (item);

  forget_pending (self);
  if (summary != NULL)
    siyu_orders_page_open (self, summary->id);
}

static void
row_activated_cb (SiyuOrdersPage *self,
                  guint           position)
{
  g_autoptr(SiyuOrderItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  const SiyuOrderSummary *summary = item != NULL ? siyu_order_item_get_summary (item) : NULL;

  forget_pending (self);
  if (summary != NULL)
    siyu_orders_page_open (self, summary->id);
  else if (item != NULL)
    {
      /* The row is being read: it opens as soon as it is. */
      self->pending_item = g_steal_pointer (&item);
      g_signal_connect (self->pending_item, "notify::loaded", G_CALLBACK (pending_loaded_cb), self);
    }
}

static void
channels_job (GTask        *task,
              SiyuShop     *shop,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *channels = siyu_order_channels (shop, &error);

  if (channels == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, channels, (GDestroyNotify) json_node_unref);
}

static void
channels_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) channels = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuOrdersPage *self;
  g_autoptr(GtkStringList) names = NULL;
  JsonArray *array;
  gint64 selected_id = 0;
  guint selected, position = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_ORDERS_PAGE (source);
  if (channels == NULL)
    {
      AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY));
      /* Translators: %s says why. */
      g_autofree char *message = g_strdup_printf (_("Could not read the shop’s channels: %s"), error->message);

      if (overlay != NULL)
        adw_toast_overlay_add_toast (overlay, adw_toast_new (message));
      return;
    }

  /* The channel chosen stays chosen, if it is still there. */
  selected = gtk_drop_down_get_selected (self->channel_dropdown);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->channel_ids->len)
    selected_id = g_array_index (self->channel_ids, gint64, selected - 1);

  names = gtk_string_list_new (NULL);
  /* Translators: the channel filter of the orders list, showing every channel. */
  gtk_string_list_append (names, C_("channel filter", "All Channels"));
  g_array_set_size (self->channel_ids, 0);
  array = json_node_get_array (channels);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *channel = json_array_get_object_element (array, i);
      gint64 id = json_object_get_int_member (channel, "id");

      gtk_string_list_append (names, siyu_channel_get_label (json_object_get_string_member (channel, "name")));
      g_array_append_val (self->channel_ids, id);
      if (id == selected_id)
        position = i + 1;
    }

  g_signal_handlers_block_by_func (self->channel_dropdown, filter_changed_cb, self);
  gtk_drop_down_set_model (self->channel_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->channel_dropdown, position);
  g_signal_handlers_unblock_by_func (self->channel_dropdown, filter_changed_cb, self);
  if (selected_id != 0 && position == 0)
    apply_filter (self);
}

static void
read_channels (SiyuOrdersPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, channels_read_cb, NULL);

  siyu_shop_runner_run (self->runner, task, channels_job);
}

static void
update_time_zone (SiyuOrdersPage *self)
{
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  self->time_zone = siyu_time_zone_new (siyu_shop_runner_get_time_zone_id (self->runner));
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_utc ();
}

static void
runner_settings_changed_cb (SiyuOrdersPage *self)
{
  /* Days begin at another hour in another time zone. */
  update_time_zone (self);
  siyu_orders_page_reload (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_orders_page_reload (SIYU_ORDERS_PAGE (widget));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuOrdersPage *self = SIYU_ORDERS_PAGE (widget);

  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static GListModel *
status_choices (void)
{
  const char * const *statuses = siyu_order_statuses ();
  GtkStringList *list = gtk_string_list_new (NULL);

  /* Translators: the status filter of the orders list, showing every order. */
  gtk_string_list_append (list, C_("status filter", "All Statuses"));
  for (guint i = 0; statuses[i] != NULL; i++)
    gtk_string_list_append (list, siyu_order_status_get_label (statuses[i]));

  return G_LIST_MODEL (list);
}

static void
siyu_orders_page_constructed (GObject *object)
{
  SiyuOrdersPage *self = SIYU_ORDERS_PAGE (object);
  g_autoptr(GListModel) statuses = status_choices ();
  g_autoptr(GtkStringList) channels = gtk_string_list_new (NULL);

  G_OBJECT_CLASS (siyu_orders_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  update_time_zone (self);
  self->model = siyu_order_model_new (self->runner);
  g_signal_connect_swapped (self->model, "notify::n-items", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::loading", G_CALLBACK (model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::error", G_CALLBACK (model_changed_cb), self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  add_columns (self);

  g_signal_handlers_block_by_func (self->channel_dropdown, filter_changed_cb, self);
  gtk_string_list_append (channels, C_("channel filter", "All Channels"));
  gtk_drop_down_set_model (self->channel_dropdown, G_LIST_MODEL (channels));
  g_signal_handlers_unblock_by_func (self->channel_dropdown, filter_changed_cb, self);
  gtk_drop_down_set_model (self->status_dropdown, statuses);
  update_dates_label (self);

  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (runner_settings_changed_cb), self);
}

/* The orders are read when the place is first shown, not when the window
 * opens: a large shop's window is usable sooner, and its other places are
 * not kept waiting for the shop's worker. */
static void
siyu_orders_page_map (GtkWidget *widget)
{
  SiyuOrdersPage *self = SIYU_ORDERS_PAGE (widget);

  GTK_WIDGET_CLASS (siyu_orders_page_parent_class)->map (widget);

  if (!self->started)
    {
      self->started = TRUE;
      read_channels (self);
      apply_filter (self);
    }
}

static void
siyu_orders_page_dispose (GObject *object)
{
  SiyuOrdersPage *self = SIYU_ORDERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->dates_source, g_source_remove);
  forget_pending (self);
  if (self->runner != NULL)
    g_clear_signal_handler (&self->changed_id, self->runner);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_ORDERS_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (siyu_orders_page_parent_class)->dispose (object);
}

static void
siyu_orders_page_finalize (GObject *object)
{
  SiyuOrdersPage *self = SIYU_ORDERS_PAGE (object);

  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_array_unref (self->channel_ids);
  g_free (self->applied_search);

  G_OBJECT_CLASS (siyu_orders_page_parent_class)->finalize (object);
}

static void
siyu_orders_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SiyuOrdersPage *self = SIYU_ORDERS_PAGE (object);

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
siyu_orders_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SiyuOrdersPage *self = SIYU_ORDERS_PAGE (object);

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
siyu_orders_page_class_init (SiyuOrdersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_orders_page_constructed;
  object_class->dispose = siyu_orders_page_dispose;
  object_class->finalize = siyu_orders_page_finalize;
  object_class->get_property = siyu_orders_page_get_property;
  object_class->set_property = siyu_orders_page_set_property;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->map = siyu_orders_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-orders-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, channel_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, dates_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, error_status);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrdersPage, order_bin);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dates_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_dates_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
  /* The window's Ctrl+F finds a contact; within this page it finds an order. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "page.search", NULL);
}

static void
siyu_orders_page_init (SiyuOrdersPage *self)
{
  self->channel_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cancellable = g_cancellable_new ();
  self->from = SIYU_DAY_INVALID;
  self->to = SIYU_DAY_INVALID;
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuOrdersPage *
siyu_orders_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_ORDERS_PAGE, "runner", runner, NULL);
}

/* Reads the channels and the list again, keeping the search and the
 * filters: after an import, say. */
void
siyu_orders_page_reload (SiyuOrdersPage *self)
{
  g_return_if_fail (SIYU_IS_ORDERS_PAGE (self));

  /* Not shown yet: it reads everything when it is. */
  if (!self->started)
    return;
  read_channels (self);
  siyu_order_model_reload (self->model);
}

SiyuOrderModel *
siyu_orders_page_get_model (SiyuOrdersPage *self)
{
  g_return_val_if_fail (SIYU_IS_ORDERS_PAGE (self), NULL);

  return self->model;
}

/* For tests. */
const char *
_siyu_orders_page_get_state (SiyuOrdersPage *self)
{
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "order"))
    return "order";
  if (siyu_order_model_get_error (self->model) != NULL)
    return "error";
  if (!self->started || siyu_order_model_is_loading (self->model))
    return "loading";
  return gtk_stack_get_visible_child_name (self->list_stack);
}

const char *
_siyu_orders_page_get_count_text (SiyuOrdersPage *self)
{
  return gtk_label_get_label (self->count_label);
}

const char *
_siyu_orders_page_get_dates_text (SiyuOrdersPage *self)
{
  return gtk_menu_button_get_label (self->dates_button);
}

/* The channels the dropdown offers, "All Channels" left out. */
guint
_siyu_orders_page_get_n_channels (SiyuOrdersPage *self)
{
  return self->channel_ids->len;
}

void
_siyu_orders_page_search (SiyuOrdersPage *self,
                          const char     *text,
                          gboolean        enter)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* The entry waits a moment before it says the text changed. */
  apply_filter (self);
  if (enter)
    g_signal_emit_by_name (self->search_entry, "activate");
  /* …and says so after Enter, when a quick hand presses it. */
  g_signal_emit_by_name (self->search_entry, "search-changed");
}

void
_siyu_orders_page_set_channel (SiyuOrdersPage *self,
                               guint           position)
{
  gtk_drop_down_set_selected (self->channel_dropdown, position);
}

void
_siyu_orders_page_set_status (SiyuOrdersPage *self,
                              guint           position)
{
  gtk_drop_down_set_selected (self->status_dropdown, position);
}

void
_siyu_orders_page_set_dates (SiyuOrdersPage *self,
                             const char     *from,
                             const char     *to)
{
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
}

/* The text a cell shows, by row and column; %NULL if the row is not read
 * yet. */
char *
_siyu_orders_page_get_cell (SiyuOrdersPage *self,
                            guint           position,
                            guint           column)
{
  g_autoptr(SiyuOrderItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  const SiyuOrderSummary *summary;

  if (item == NULL || (summary = siyu_order_item_get_summary (item)) == NULL)
    return NULL;
  return cell_text (self, column, summary);
}

void
_siyu_orders_page_activate (SiyuOrdersPage *self,
                            guint           position)
{
  g_signal_emit_by_name (self->column_view, "activate", position);
}

SiyuOrderPage *
_siyu_orders_page_get_order_page (SiyuOrdersPage *self)
{
  GtkWidget *child = adw_bin_get_child (self->order_bin);

  return child != NULL ? SIYU_ORDER_PAGE (child) : NULL;
}
