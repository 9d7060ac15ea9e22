/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-order-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "siyu-money.h"
#include "siyu-order-page-private.h"
#include "siyu-orders.h"
#include "siyu-phone.h"
#include "siyu-time.h"

/* One order, opened from the orders list: when and where it was placed,
 * its status, who bought (a click opens their contact), what they bought,
 * what was refunded, and the totals. */

struct _SiyuOrderPage
{
  GtkWidget       parent_instance;

  GtkWidget      *outer;
  GtkLabel       *title;
  GtkStack       *stack;
  GtkBox         *box;
  AdwStatusPage  *error_status;
  GtkWidget      *content;       /* rebuilt on every load */

  SiyuShopRunner *runner;
  gint64          order_id;
  gint64          contact_id;    /* 0: no customer to open */
  GCancellable   *cancellable;
  GTimeZone      *time_zone;
  GHashTable     *groups;        /* name → GPtrArray of rows, for the tests */
  gboolean        loaded;
};

G_DEFINE_FINAL_TYPE (SiyuOrderPage, siyu_order_page, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
member_string (JsonObject *object,
               const char *member)
{
  if (object == NULL || !json_object_has_member (object, member) ||
      json_object_get_null_member (object, member))
    return NULL;
  return json_object_get_string_member (object, member);
}

static gint64
member_int (JsonObject *object,
            const char *member)
{
  if (object == NULL || !json_object_has_member (object, member) ||
      json_object_get_null_member (object, member))
    return 0;
  return json_object_get_int_member (object, member);
}

static char *
format_day (SiyuOrderPage *self,
            gint64         utc)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, self->time_zone);

  /* Translators: a day, as a strftime format, e.g. “%Y年%-m月%-d日”. */
  return g_date_time_format (local, _("%-d %B %Y"));
}

static char *
format_time (SiyuOrderPage *self,
             gint64         utc)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, self->time_zone);

  /* Translators: a day and a time of day, as a strftime format, e.g. “%Y年%-m月%-d日 %H:%M”. */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

static GtkWidget *
new_group (SiyuOrderPage *self,
           const char    *name,
           const char    *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  g_object_set_data (G_OBJECT (group), "name", (gpointer) name);
  g_hash_table_insert (self->groups, (gpointer) name, g_ptr_array_new ());
  gtk_box_append (GTK_BOX (self->content), group);
  return group;
}

static GtkWidget *
add_row (SiyuOrderPage *self,
         GtkWidget     *group,
         const char    *title,
         const char    *subtitle,
         const char    *value)
{
  GtkWidget *row = adw_action_row_new ();
  GPtrArray *rows = g_hash_table_lookup (self->groups, g_object_get_data (G_OBJECT (group), "name"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (value != NULL)
    {
      GtkWidget *label = gtk_label_new (value);

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      g_object_set_data (G_OBJECT (row), "value", label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, value,
                                      -1);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_ptr_array_add (rows, row);

  return row;
}

static void
customer_activated_cb (SiyuOrderPage *self)
{
  _siyu_order_page_open_customer (self);
}

static void
show_error (SiyuOrderPage *self,
            const GError  *error)
{
  gtk_label_set_label (self->title, "");
  adw_status_page_set_description (self->error_status, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
show (SiyuOrderPage *self,
      JsonNode      *described)
{
  JsonObject *root = json_node_get_object (described);
  JsonObject *header = json_object_get_object_member (root, "header");
  JsonObject *customer = json_object_get_null_member (root, "customer") ? NULL
                         : json_object_get_object_member (root, "customer");
  JsonArray *lines = json_object_get_array_member (root, "lines");
  JsonArray *refunds = json_object_get_array_member (root, "refunds");
  const char *currency = member_string (header, "currency");
  GtkWidget *group, *row;

  if (self->content != NULL)
    gtk_box_remove (self->box, self->content);
  g_hash_table_remove_all (self->groups);
  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (self->content, 12);
  gtk_widget_set_margin_bottom (self->content, 24);
  gtk_widget_set_margin_start (self->content, 12);
  gtk_widget_set_margin_end (self->content, 12);
  gtk_box_append (self->box, self->content);

  {
    /* Translators: the title of an order's page; %s is the order number. */
    g_autofree char *title = g_strdup_printf (_("Order %s"), member_string (header, "reference"));
    g_autofree char *when = format_time (self, member_int (header, "created_at"));

    gtk_label_set_label (self->title, title);
    group = new_group (self, "order", _("Order"));
    add_row (self, group, _("Placed"), NULL, when);
    add_row (self, group, _("Channel"), NULL, siyu_channel_get_label (member_string (header, "channel")));
    add_row (self, group, _("Status"), NULL, siyu_order_status_get_label (member_string (header, "status")));
  }

  group = new_group (self, "customer", _("Customer"));
  self->contact_id = 0;
  if (customer == NULL)
    add_row (self, group, C_("customer", "Guest"), _("Placed without a known customer"), NULL);
  else if (json_object_get_boolean_member (customer, "erased"))
    add_row (self, group, _("Erased customer"), _("Their personal data was erased"), NULL);
  else
    {
      const char *name = member_string (customer, "name");
      const char *phone = member_string (customer, "phone");
      g_autofree char *masked = phone != NULL ? siyu_phone_mask (phone) : NULL;
      /* Translators: the accessible name of the customer row; %s is their name. */
      g_autofree char *label = NULL;

      self->contact_id = member_int (customer, "id");
      row = add_row (self, group, name != NULL ? name : _("No name"), masked, NULL);
      label = g_strdup_printf (_("Open the contact %s"), name != NULL ? name : masked != NULL ? masked : "");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Open this customer’s contact"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_signal_connect_swapped (row, "activated", G_CALLBACK (customer_activated_cb), self);
    }

  group = new_group (self, "lines", _("Lines"));
  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      g_autofree char *price = siyu_money_format (member_int (line, "unit_price"), currency);
      g_autofree char *total = siyu_money_format (member_int (line, "line_total"), currency);
      const char *sku = member_string (line, "sku");
      g_autofree char *quantity = g_strdup_printf ("%" G_GINT64_FORMAT, member_int (line, "quantity"));
      /* Translators: a line of an order: the quantity, then the product. */
      g_autofree char *title = g_strdup_printf (_("%s × %s"), quantity, member_string (line, "name"));
      /* Translators: the SKU of a product and its price for one. */
      g_autofree char *subtitle = sku != NULL ? g_strdup_printf (_("%s · %s each"), sku, price)
                                              : g_strdup_printf (_("%s each"), price);

      add_row (self, group, title, subtitle, total);
    }
  if (json_array_get_length (lines) == 0)
    add_row (self, group, _("No lines were imported with this order"), NULL, NULL);

  if (json_array_get_length (refunds) > 0)
    {
      group = new_group (self, "refunds", _("Refunds"));
      for (guint i = 0; i < json_array_get_length (refunds); i++)
        {
          JsonObject *refund = json_array_get_object_element (refunds, i);
          g_autofree char *day = format_day (self, member_int (refund, "created_at"));
          g_autofree char *amount = siyu_money_format (member_int (refund, "amount"), currency);
          g_autofree char *why = member_string (refund, "return") != NULL
                                 /* Translators: a refund made by a return; %s is the return's number. */
                                 ? g_strdup_printf (_("Return %s"), member_string (refund, "return"))
                                 : g_strdup (member_string (refund, "reason"));

          add_row (self, group, day, why, amount);
        }
    }

  {
    g_autofree char *total = siyu_money_format (member_int (header, "total"), currency);
    g_autofree char *refunded = siyu_money_format (member_int (header, "refunded"), currency);
    g_autofree char *net = siyu_money_format (member_int (header, "net"), currency);

    group = new_group (self, "totals", _("Totals"));
    /* What the total is made of, when the platform said: the lines are
     * already net of their discounts. */
    if (member_int (header, "discount_amount") > 0)
      {
        g_autofree char *discount = siyu_money_format (member_int (header, "discount_amount"), currency);
        add_row (self, group, _("Discounts"), _("Already taken off the lines"), discount);
      }
    if (member_int (header, "shipping_amount") > 0)
      {
        g_autofree char *shipping = siyu_money_format (member_int (header, "shipping_amount"), currency);
        add_row (self, group, _("Shipping"), NULL, shipping);
      }
    if (member_int (header, "tax_amount") > 0)
      {
        g_autofree char *tax = siyu_money_format (member_int (header, "tax_amount"), currency);
        add_row (self, group, _("Tax"), NULL, tax);
      }
    add_row (self, group, _("Total"), NULL, total);
    add_row (self, group, C_("total", "Refunded"), NULL, refunded);
    add_row (self, group, _("Net"), _("What the shop keeps"), net);
  }

  gtk_stack_set_visible_child_name (self->stack, "order");
  self->loaded = TRUE;
}

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *described = siyu_order_describe (shop, *(gint64 *) task_data, &error);

  if (described == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, described, (GDestroyNotify) json_node_unref);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) described = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuOrderPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_ORDER_PAGE (source);
  if (described == NULL)
    show_error (self, error);
  else
    show (self, described);
}

static void
load (SiyuOrderPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  gint64 *id = g_new (gint64, 1);

  *id = self->order_id;
  g_task_set_task_data (task, id, g_free);
  siyu_shop_runner_run (self->runner, task, load_job);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSED], 0);
}

static void
siyu_order_page_dispose (GObject *object)
{
  SiyuOrderPage *self = SIYU_ORDER_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_ORDER_PAGE);

  G_OBJECT_CLASS (siyu_order_page_parent_class)->dispose (object);
}

static void
siyu_order_page_finalize (GObject *object)
{
  SiyuOrderPage *self = SIYU_ORDER_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_hash_table_unref (self->groups);

  G_OBJECT_CLASS (siyu_order_page_parent_class)->finalize (object);
}

static void
siyu_order_page_class_init (SiyuOrderPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_order_page_dispose;
  object_class->finalize = siyu_order_page_finalize;

  /**
   * SiyuOrderPage::closed:
   *
   * The owner asked to go back to the list.
   */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-order-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuOrderPage, outer);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrderPage, title);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrderPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrderPage, box);
  gtk_widget_class_bind_template_child (widget_class, SiyuOrderPage, error_status);

  gtk_widget_class_install_action (widget_class, "order.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "order.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "order.back", NULL);
}

static void
siyu_order_page_init (SiyuOrderPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuOrderPage *
siyu_order_page_new (SiyuShopRunner *runner,
                     gint64          order_id)
{
  SiyuOrderPage *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_ORDER_PAGE, NULL);
  self->runner = g_object_ref (runner);
  self->order_id = order_id;
  self->time_zone = siyu_time_zone_new (siyu_shop_runner_get_time_zone_id (runner));
  if (self->time_zone == NULL)
    self->time_zone = g_time_zone_new_utc ();
  load (self);

  return self;
}

gint64
siyu_order_page_get_order_id (SiyuOrderPage *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_PAGE (self), 0);
  return self->order_id;
}

/* Whether the order has been read and is shown. */
gboolean
siyu_order_page_is_loaded (SiyuOrderPage *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_PAGE (self), FALSE);
  return self->loaded;
}

/* For tests. */
const char *
_siyu_order_page_get_title (SiyuOrderPage *self)
{
  return gtk_label_get_label (self->title);
}

/* The rows of a group ("order", "customer", "lines", "refunds",
 * "totals") as shown, one a line: title|subtitle|value. */
char *
_siyu_order_page_get_rows (SiyuOrderPage *self,
                           const char    *group)
{
  GPtrArray *rows = g_hash_table_lookup (self->groups, group);
  GString *text = g_string_new (NULL);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkLabel *value = g_object_get_data (G_OBJECT (row), "value");
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

      g_string_append_printf (text, "%s|%s|%s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              subtitle != NULL ? subtitle : "",
                              value != NULL ? gtk_label_get_label (value) : "");
    }

  return g_string_free (text, FALSE);
}

/* What a click on the customer does: their contact, in the Contacts
 * place.  Returns whether there was one to open. */
gboolean
_siyu_order_page_open_customer (SiyuOrderPage *self)
{
  if (self->contact_id == 0)
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), "win.open-contact", "x", self->contact_id);
}
