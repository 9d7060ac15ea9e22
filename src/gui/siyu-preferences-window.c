/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-preferences-window-private.h"

/* Time zones offered; a shop elsewhere sets its own with siyu-cli settings. */
static const char * const time_zones[] = {
  "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "Asia/Singapore", "Asia/Kuala_Lumpur",
  "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Europe/London", "Europe/Paris", "America/New_York",
  "America/Los_Angeles", "America/Vancouver", "UTC", NULL
};

struct _SiyuPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *name_row;
  AdwComboRow          *currency_row;
  AdwComboRow          *time_zone_row;
  AdwComboRow          *region_row;

  SiyuWindow           *window;
  gboolean              filling;
};

G_DEFINE_FINAL_TYPE (SiyuPreferencesWindow, siyu_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

typedef enum {
  SETTING_NAME,
  SETTING_CURRENCY,
  SETTING_TIME_ZONE,
  SETTING_PHONE_REGION,
} Setting;

typedef struct {
  SiyuShop *shop;
  Setting   setting;
  char     *value;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_object_unref (change->shop);
  g_free (change->value);
  g_free (change);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Change *change = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  siyu_shop_lock (change->shop);
  switch (change->setting)
    {
    case SETTING_NAME:
      ok = siyu_shop_set_name (change->shop, change->value, &error);
      break;
    case SETTING_CURRENCY:
      ok = siyu_shop_set_currency (change->shop, change->value, &error);
      break;
    case SETTING_TIME_ZONE:
      ok = siyu_shop_set_time_zone (change->shop, change->value, &error);
      break;
    case SETTING_PHONE_REGION:
      ok = siyu_shop_set_phone_region (change->shop, change->value, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  siyu_shop_unlock (change->shop);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  SiyuPreferencesWindow *self = SIYU_PREFERENCES_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));

  siyu_window_shop_changed (self->window);
}

static void
save (SiyuPreferencesWindow *self,
      Setting                setting,
      const char            *value)
{
  g_autoptr(GTask) task = NULL;
  Change *change;

  if (self->filling)
    return;

  change = g_new0 (Change, 1);
  change->shop = g_object_ref (siyu_window_get_shop (self->window));
  change->setting = setting;
  change->value = g_strdup (value);

  task = g_task_new (self, NULL, saved_cb, NULL);
  g_task_set_task_data (task, change, change_free);
  g_task_run_in_thread (task, save_thread);
}

static const char *
selected (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
name_applied_cb (AdwEntryRow           *row,
                 SiyuPreferencesWindow *self)
{
  save (self, SETTING_NAME, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
currency_selected_cb (AdwComboRow           *row,
                      GParamSpec            *pspec,
                      SiyuPreferencesWindow *self)
{
  save (self, SETTING_CURRENCY, selected (row));
}

static void
time_zone_selected_cb (AdwComboRow           *row,
                       GParamSpec            *pspec,
                       SiyuPreferencesWindow *self)
{
  save (self, SETTING_TIME_ZONE, selected (row));
}

static void
region_selected_cb (AdwComboRow           *row,
                    GParamSpec            *pspec,
                    SiyuPreferencesWindow *self)
{
  save (self, SETTING_PHONE_REGION, selected (row));
}

/* Offers @values in @row and selects @current, adding it if it is not one of them. */
static void
fill_combo (AdwComboRow        *row,
            const char * const *values,
            const char         *current)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new ((const char * const *) values);
  guint n, position = 0;

  if (!g_strv_contains (values, current))
    gtk_string_list_append (list, current);

  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (list, i), current))
      position = i;

  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (row, position);
}

static void
has_orders_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SiyuShop *shop = task_data;
  gboolean has_orders;

  siyu_shop_lock (shop);
  has_orders = siyu_shop_has_orders (shop);
  siyu_shop_unlock (shop);

  g_task_return_boolean (task, has_orders);
}

/* The currency can change only while the shop has no orders. */
static void
has_orders_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SiyuPreferencesWindow *self = SIYU_PREFERENCES_WINDOW (object);
  gboolean has_orders = g_task_propagate_boolean (G_TASK (result), NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), !has_orders);
  if (has_orders)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->currency_row),
                                 _("Fixed once the shop has orders: their amounts are kept in this currency"));
}

static void
fill (SiyuPreferencesWindow *self)
{
  SiyuShop *shop = siyu_window_get_shop (self->window);
  g_autoptr(GTask) task = NULL;

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), siyu_shop_get_name (shop));
  fill_combo (self->currency_row, siyu_currency_list (), siyu_shop_get_currency (shop));
  fill_combo (self->time_zone_row, time_zones, siyu_shop_get_time_zone_id (shop));
  fill_combo (self->region_row, siyu_phone_region_list (), siyu_shop_get_phone_region (shop));
  self->filling = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), FALSE);
  task = g_task_new (self, NULL, has_orders_cb, NULL);
  g_task_set_task_data (task, g_object_ref (shop), g_object_unref);
  g_task_run_in_thread (task, has_orders_thread);
}

static void
siyu_preferences_window_dispose (GObject *object)
{
  SiyuPreferencesWindow *self = (SiyuPreferencesWindow *)object;

  g_clear_weak_pointer (&self->window);

  G_OBJECT_CLASS (siyu_preferences_window_parent_class)->dispose (object);
}

static void
siyu_preferences_window_class_init (SiyuPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuPreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuPreferencesWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuPreferencesWindow, time_zone_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuPreferencesWindow, region_row);
  gtk_widget_class_bind_template_callback (widget_class, name_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, currency_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, time_zone_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, region_selected_cb);
}

static void
siyu_preferences_window_init (SiyuPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SiyuPreferencesWindow *
siyu_preferences_window_new (SiyuWindow *window)
{
  SiyuPreferencesWindow *self;

  g_return_val_if_fail (SIYU_IS_WINDOW (window), NULL);

  self = g_object_new (SIYU_TYPE_PREFERENCES_WINDOW,
                       "transient-for", window,
                       "application", gtk_window_get_application (GTK_WINDOW (window)),
                       NULL);
  g_set_weak_pointer (&self->window, window);
  fill (self);

  return self;
}

void
_siyu_preferences_window_set_name (SiyuPreferencesWindow *self,
                                   const char            *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  g_signal_emit_by_name (self->name_row, "apply");
}
