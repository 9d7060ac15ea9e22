/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-accounts-page.h"
#include "siyu-backups-page.h"
#include "siyu-choices.h"
#include "siyu-consent-page.h"
#include "siyu-model-page.h"
#include "siyu-preferences-window-private.h"

struct _SiyuPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *name_row;
  AdwComboRow          *currency_row;
  AdwComboRow          *time_zone_row;
  AdwComboRow          *region_row;
  SiyuModelPage        *model_page;
  SiyuConsentPage      *consent_page;
  SiyuAccountsPage     *accounts_page;
  SiyuBackupsPage      *backups_page;

  SiyuShopRunner       *runner;
  gulong                changed_id;
  gboolean              filling;
  guint                 pending;
};

G_DEFINE_FINAL_TYPE (SiyuPreferencesWindow, siyu_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

typedef enum {
  SETTING_NAME,
  SETTING_CURRENCY,
  SETTING_TIME_ZONE,
  SETTING_PHONE_REGION,
} Setting;

typedef struct {
  Setting  setting;
  char    *value;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_free (change->value);
  g_free (change);
}

/* Shows the settings the shop has now. */
static void
fill (SiyuPreferencesWindow *self)
{
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), siyu_shop_runner_get_name (self->runner));
  siyu_choices_fill_currency (self->currency_row, siyu_shop_runner_get_currency (self->runner));
  siyu_choices_fill_time_zone (self->time_zone_row, siyu_shop_runner_get_time_zone_id (self->runner));
  siyu_choices_fill_phone_region (self->region_row, siyu_shop_runner_get_phone_region (self->runner));
  self->filling = FALSE;
}

static void
save_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Change *change = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (change->setting)
    {
    case SETTING_NAME:
      ok = siyu_shop_set_name (shop, change->value, &error);
      break;
    case SETTING_CURRENCY:
      ok = siyu_shop_set_currency (shop, change->value, &error);
      break;
    case SETTING_TIME_ZONE:
      ok = siyu_shop_set_time_zone (shop, change->value, &error);
      break;
    case SETTING_PHONE_REGION:
      ok = siyu_shop_set_phone_region (shop, change->value, &error);
      break;
    default:
      g_assert_not_reached ();
    }

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

  self->pending--;

  /* The core's messages are written for the owner. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) && self->name_row != NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      fill (self);
    }
}

static void
save (SiyuPreferencesWindow *self,
      Setting                setting,
      const char            *value)
{
  g_autoptr(GTask) task = NULL;
  Change *change;

  if (self->filling || value == NULL)
    return;

  change = g_new0 (Change, 1);
  change->setting = setting;
  change->value = g_strdup (value);

  self->pending++;
  task = g_task_new (self, NULL, saved_cb, NULL);
  g_task_set_source_tag (task, save);
  g_task_set_task_data (task, change, change_free);
  siyu_shop_runner_run (self->runner, task, save_job);
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
  if (g_strcmp0 (siyu_choices_get_selected (row), siyu_shop_runner_get_currency (self->runner)) != 0)
    save (self, SETTING_CURRENCY, siyu_choices_get_selected (row));
}

static void
time_zone_selected_cb (AdwComboRow           *row,
                       GParamSpec            *pspec,
                       SiyuPreferencesWindow *self)
{
  if (g_strcmp0 (siyu_choices_get_selected (row), siyu_shop_runner_get_time_zone_id (self->runner)) != 0)
    save (self, SETTING_TIME_ZONE, siyu_choices_get_selected (row));
}

static void
region_selected_cb (AdwComboRow           *row,
                    GParamSpec            *pspec,
                    SiyuPreferencesWindow *self)
{
  if (g_strcmp0 (siyu_choices_get_selected (row), siyu_shop_runner_get_phone_region (self->runner)) != 0)
    save (self, SETTING_PHONE_REGION, siyu_choices_get_selected (row));
}

static void
has_orders_job (GTask        *task,
                SiyuShop     *shop,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_task_return_boolean (task, siyu_shop_has_orders (shop));
}

/* Amounts are kept in the shop's currency, so it is fixed once there are
 * orders. */
static void
has_orders_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SiyuPreferencesWindow *self = SIYU_PREFERENCES_WINDOW (object);
  gboolean has_orders = g_task_propagate_boolean (G_TASK (result), NULL);

  self->pending--;
  if (self->currency_row == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), !has_orders);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->currency_row),
                               has_orders ? _("Fixed: the shop has orders in it") : _("Fixed once the shop has orders"));
}

static void
runner_settings_changed_cb (SiyuPreferencesWindow *self)
{
  fill (self);
}

/* A backup replaced the shop's data under every page: they read it again,
 * as after an import. */
static void
backup_restored_cb (SiyuPreferencesWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  fill (self);
  gtk_widget_activate_action (GTK_WIDGET (self->model_page), "page.reload", NULL);
  gtk_widget_activate_action (GTK_WIDGET (self->consent_page), "page.reload", NULL);
  gtk_widget_activate_action (GTK_WIDGET (self->accounts_page), "page.reload", NULL);
  siyu_shop_runner_data_changed (self->runner);
  if (G_IS_ACTION_GROUP (parent) && g_action_group_has_action (G_ACTION_GROUP (parent), "reload-places"))
    g_action_group_activate_action (G_ACTION_GROUP (parent), "reload-places", NULL);
}

/* The shop's data is being replaced: its pages must see it through. */
static gboolean
siyu_preferences_window_close_request (GtkWindow *window)
{
  SiyuPreferencesWindow *self = SIYU_PREFERENCES_WINDOW (window);

  if (self->backups_page != NULL && siyu_backups_page_is_restoring (self->backups_page))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Wait until the backup is restored")));
      return TRUE;
    }

  return GTK_WINDOW_CLASS (siyu_preferences_window_parent_class)->close_request (window);
}

static void
siyu_preferences_window_dispose (GObject *object)
{
  SiyuPreferencesWindow *self = (SiyuPreferencesWindow *)object;

  if (self->runner != NULL)
    g_clear_signal_handler (&self->changed_id, self->runner);
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (siyu_preferences_window_parent_class)->dispose (object);
}

static void
siyu_preferences_window_finalize (GObject *object)
{
  SiyuPreferencesWindow *self = (SiyuPreferencesWindow *)object;

  g_clear_object (&self->runner);

  G_OBJECT_CLASS (siyu_preferences_window_parent_class)->finalize (object);
}

static void
siyu_preferences_window_class_init (SiyuPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = siyu_preferences_window_dispose;
  object_class->finalize = siyu_preferences_window_finalize;
  window_class->close_request = siyu_preferences_window_close_request;

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

/**
 * siyu_preferences_window_new:
 * @window: the window of the shop whose settings to show; its places read
 *   the shop again through its win.reload-places action
 * @runner: the shop's runner
 *
 * Each change is saved as soon as it is made: the name on Enter.
 */
SiyuPreferencesWindow *
siyu_preferences_window_new (GtkWindow      *window,
                             SiyuShopRunner *runner)
{
  g_autoptr(GTask) task = NULL;
  SiyuPreferencesWindow *self;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);
  g_return_val_if_fail (G_IS_ACTION_GROUP (window), NULL);
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_PREFERENCES_WINDOW,
                       "transient-for", window,
                       "application", gtk_window_get_application (window),
                       NULL);
  self->runner = g_object_ref (runner);
  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (runner_settings_changed_cb), self);
  fill (self);

  self->model_page = siyu_model_page_new (self->runner);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (self->model_page));
  self->consent_page = siyu_consent_page_new (self->runner);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (self->consent_page));
  self->accounts_page = siyu_accounts_page_new (self->runner);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (self->accounts_page));
  self->backups_page = siyu_backups_page_new (self->runner);
  g_signal_connect_object (self->backups_page, "restored", G_CALLBACK (backup_restored_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (self->backups_page));

  /* Until the shop says whether it has orders. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), FALSE);
  self->pending++;
  task = g_task_new (self, NULL, has_orders_cb, NULL);
  g_task_set_source_tag (task, siyu_preferences_window_new);
  siyu_shop_runner_run (self->runner, task, has_orders_job);

  return self;
}

AdwEntryRow *
_siyu_preferences_window_get_name_row (SiyuPreferencesWindow *self)
{
  return self->name_row;
}

AdwComboRow *
_siyu_preferences_window_get_currency_row (SiyuPreferencesWindow *self)
{
  return self->currency_row;
}

AdwComboRow *
_siyu_preferences_window_get_time_zone_row (SiyuPreferencesWindow *self)
{
  return self->time_zone_row;
}

/* Whether a setting is still being saved or read. */
gboolean
_siyu_preferences_window_is_busy (SiyuPreferencesWindow *self)
{
  return self->pending > 0;
}

SiyuModelPage *
_siyu_preferences_window_get_model_page (SiyuPreferencesWindow *self)
{
  return self->model_page;
}

SiyuConsentPage *
_siyu_preferences_window_get_consent_page (SiyuPreferencesWindow *self)
{
  return self->consent_page;
}

SiyuBackupsPage *
_siyu_preferences_window_get_backups_page (SiyuPreferencesWindow *self)
{
  return self->backups_page;
}
