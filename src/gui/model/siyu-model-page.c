/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-model-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "siyu-model.h"
#include "siyu-model-page-private.h"
#include "siyu-model-wizard.h"
#include "siyu-money.h"
#include "siyu-overview.h"
#include "siyu-recompute.h"

/* The Figures page of Preferences: the lifecycle thresholds with the
 * shop's own suggestion and its reason, each member tier's threshold and
 * capacity, and the pyramid's weights.  Nothing is stored until Save and
 * Count Again, which checks the model, stores it in one transaction and
 * counts every figure again. */

struct _SiyuModelPage
{
  AdwPreferencesPage   parent_instance;

  AdwActionRow        *suggestion_row;
  GtkSpinButton       *dormant_spin;
  GtkSpinButton       *lost_spin;
  GtkSpinButton       *mature_orders_spin;
  GtkSpinButton       *mature_window_spin;
  AdwPreferencesGroup *tiers_group;
  GtkSpinButton       *referral_spin;
  GtkSpinButton       *share_spin;
  GtkSpinButton       *review_spin;
  GtkSpinButton       *group_message_spin;
  GtkSpinButton       *order_spin;

  SiyuShopRunner      *runner;
  SiyuModel            model;        /* as loaded */
  GPtrArray           *tier_rows;    /* AdwActionRow */
  GPtrArray           *threshold_spins;
  GPtrArray           *capacity_spins;
  int                  suggested_dormant;  /* 0: none */
  int                  suggested_lost;
  gboolean             filling;
  gboolean             busy;
  char                *error;        /* of the last save, for the tests */
};

G_DEFINE_FINAL_TYPE (SiyuModelPage, siyu_model_page, ADW_TYPE_PREFERENCES_PAGE)

typedef struct {
  SiyuModel model;
  int       suggested_dormant;
  int       suggested_lost;
  gint64    gaps;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  siyu_model_clear (&loaded->model);
  g_free (loaded);
}

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  SiyuStoredAnalytics stored;
  GError *error = NULL;

  if (!siyu_model_load (shop, &loaded->model, &error) ||
      !siyu_stored_analytics_load (shop, &stored, &error))
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }

  if (stored.summary != NULL)
    {
      JsonObject *summary = json_node_get_object (stored.summary);
      JsonNode *node = json_object_get_member (summary, "suggested_thresholds");
      JsonObject *suggestion = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (suggestion != NULL && json_object_has_member (suggestion, "dormant_days") &&
          !json_object_get_null_member (suggestion, "dormant_days"))
        {
          loaded->gaps = json_object_get_int_member (suggestion, "gaps");
          loaded->suggested_dormant = (int) json_object_get_int_member (suggestion, "dormant_days");
          loaded->suggested_lost = (int) json_object_get_int_member (suggestion, "lost_days");
        }
    }
  siyu_stored_analytics_clear (&stored);

  g_task_return_pointer (task, loaded, loaded_free);
}

static const char *
tier_title (const SiyuTierSetting *tier)
{
  return siyu_tier_display_name (tier->name, tier->name_zh);
}

static GtkSpinButton *
spin_new (double      upper,
          guint       digits,
          const char *label)
{
  GtkAdjustment *adjustment = gtk_adjustment_new (0, 0, upper, digits > 0 ? 1 : 1, 100, 0);
  GtkWidget *spin = gtk_spin_button_new (adjustment, 1, digits);

  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  return GTK_SPIN_BUTTON (spin);
}

static void value_changed_cb (SiyuModelPage *self);

static void
fill_tiers (SiyuModelPage *self)
{
  const char *currency = siyu_shop_runner_get_currency (self->runner);
  int digits = siyu_currency_digits (currency);

  for (guint i = 0; i < self->tier_rows->len; i++)
    adw_preferences_group_remove (self->tiers_group, g_ptr_array_index (self->tier_rows, i));
  g_ptr_array_set_size (self->tier_rows, 0);
  g_ptr_array_set_size (self->threshold_spins, 0);
  g_ptr_array_set_size (self->capacity_spins, 0);

  for (guint i = 0; i < self->model.tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (self->model.tiers, SiyuTierSetting, i);
      GtkWidget *row = adw_action_row_new ();
      /* Translators: the accessible name of a tier's threshold, e.g. “Threshold of Gold”. */
      g_autofree char *threshold_label = g_strdup_printf (_("Threshold of %s"), tier_title (tier));
      /* Translators: the accessible name of a tier's capacity, e.g. “Capacity of Gold”. */
      g_autofree char *capacity_label = g_strdup_printf (_("Capacity of %s"), tier_title (tier));
      /* Translators: under a tier's name: what its two numbers are, e.g. “Threshold in ¥ · capacity”. */
      g_autofree char *subtitle = g_strdup_printf (_("Threshold in %s · capacity"), siyu_currency_symbol (currency));
      GtkSpinButton *threshold = spin_new (1e12, (guint) digits, threshold_label);
      GtkSpinButton *capacity = spin_new (1e9, 0, capacity_label);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tier_title (tier));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_spin_button_set_value (threshold, (double) tier->threshold / pow (10, digits));
      gtk_spin_button_set_value (capacity, (double) tier->capacity);
      gtk_editable_set_width_chars (GTK_EDITABLE (threshold), 10);
      g_signal_connect_swapped (threshold, "value-changed", G_CALLBACK (value_changed_cb), self);
      g_signal_connect_swapped (capacity, "value-changed", G_CALLBACK (value_changed_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (threshold));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (capacity));
      adw_preferences_group_add (self->tiers_group, row);
      g_ptr_array_add (self->tier_rows, row);
      g_ptr_array_add (self->threshold_spins, threshold);
      g_ptr_array_add (self->capacity_spins, capacity);
    }
}

static void
fill (SiyuModelPage *self,
      gint64         gaps)
{
  const SiyuLifecycleModel *l = &self->model.lifecycle;
  const SiyuPyramidWeights *w = &self->model.weights;

  self->filling = TRUE;
  gtk_spin_button_set_value (self->dormant_spin, l->dormant_days);
  gtk_spin_button_set_value (self->lost_spin, l->lost_days);
  gtk_spin_button_set_value (self->mature_orders_spin, l->mature_orders);
  gtk_spin_button_set_value (self->mature_window_spin, l->mature_window_days);
  gtk_spin_button_set_value (self->referral_spin, w->referral);
  gtk_spin_button_set_value (self->share_spin, w->share);
  gtk_spin_button_set_value (self->review_spin, w->review);
  gtk_spin_button_set_value (self->group_message_spin, w->group_message);
  gtk_spin_button_set_value (self->order_spin, w->order);
  fill_tiers (self);

  if (self->suggested_dormant > 0)
    {
      g_autofree char *count = siyu_count_format (gaps);
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Of %s gap between two orders of the same customer, 80 %% are %d days or less "
                                      "and 95 %% are %d days or less: dormant after %d days, lost after %d.",
                                      "Of %s gaps between two orders of the same customer, 80 %% are %d days or less "
                                      "and 95 %% are %d days or less: dormant after %d days, lost after %d.",
                                      gaps),
                         count, self->suggested_dormant, self->suggested_lost, self->suggested_dormant,
                         self->suggested_lost);

      adw_action_row_set_subtitle (self->suggestion_row, text);
    }
  else
    adw_action_row_set_subtitle (self->suggestion_row,
                                 _("Once customers have bought twice and the figures are counted, Siyu suggests the "
                                   "days from the gaps between their orders."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.use-suggestion", self->suggested_dormant > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", FALSE);
  self->filling = FALSE;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuModelPage *self = SIYU_MODEL_PAGE (object);

  self->busy = FALSE;
  if (loaded == NULL)
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
      adw_action_row_set_subtitle (self->suggestion_row, error->message);
      return;
    }

  siyu_model_clear (&self->model);
  self->model = loaded->model;
  loaded->model.tiers = NULL;
  self->suggested_dormant = loaded->suggested_dormant;
  self->suggested_lost = loaded->suggested_lost;
  fill (self, loaded->gaps);
  loaded_free (loaded);
}

static void
load (SiyuModelPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, loaded_cb, NULL);

  self->busy = TRUE;
  g_task_set_source_tag (task, load);
  siyu_shop_runner_run (self->runner, task, load_job);
}

static void
value_changed_cb (SiyuModelPage *self)
{
  if (!self->filling)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", !self->busy);
}

/* The model as the page shows it now. */
static void
read_model (SiyuModelPage *self,
            SiyuModel     *model)
{
  int digits = siyu_currency_digits (siyu_shop_runner_get_currency (self->runner));

  model->lifecycle.dormant_days = gtk_spin_button_get_value_as_int (self->dormant_spin);
  model->lifecycle.lost_days = gtk_spin_button_get_value_as_int (self->lost_spin);
  model->lifecycle.mature_orders = gtk_spin_button_get_value_as_int (self->mature_orders_spin);
  model->lifecycle.mature_window_days = gtk_spin_button_get_value_as_int (self->mature_window_spin);
  model->weights.referral = gtk_spin_button_get_value_as_int (self->referral_spin);
  model->weights.share = gtk_spin_button_get_value_as_int (self->share_spin);
  model->weights.review = gtk_spin_button_get_value_as_int (self->review_spin);
  model->weights.group_message = gtk_spin_button_get_value_as_int (self->group_message_spin);
  model->weights.order = gtk_spin_button_get_value_as_int (self->order_spin);

  model->tiers = g_array_new (FALSE, TRUE, sizeof (SiyuTierSetting));
  for (guint i = 0; i < self->model.tiers->len; i++)
    {
      const SiyuTierSetting *old = &g_array_index (self->model.tiers, SiyuTierSetting, i);
      SiyuTierSetting tier = {
        old->id, g_strdup (old->name), g_strdup (old->name_zh),
        llround (gtk_spin_button_get_value (g_ptr_array_index (self->threshold_spins, i)) * pow (10, digits)),
        gtk_spin_button_get_value_as_int (g_ptr_array_index (self->capacity_spins, i)),
        old->by_application, g_strdup (old->benefits),
      };

      g_array_append_val (model->tiers, tier);
    }
}

static void
model_free (gpointer data)
{
  siyu_model_clear (data);
  g_free (data);
}

static void
apply_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  GError *error = NULL;

  if (!siyu_model_save_and_count (shop, task_data, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SiyuModelPage *self = SIYU_MODEL_PAGE (object);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? gtk_window_get_transient_for (GTK_WINDOW (root)) : NULL;

  self->busy = FALSE;
  g_clear_pointer (&self->error, g_free);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->error = g_strdup (error->message);
      if (ADW_IS_PREFERENCES_WINDOW (root))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (error->message));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", TRUE);
      return;
    }

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root),
                                      adw_toast_new (_("Saved. Every figure was counted again.")));
  /* Preferences is over the shop's window: its places read the shop again. */
  if (G_IS_ACTION_GROUP (parent) && g_action_group_has_action (G_ACTION_GROUP (parent), "reload-places"))
    g_action_group_activate_action (G_ACTION_GROUP (parent), "reload-places", NULL);
  load (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SiyuModelPage *self = SIYU_MODEL_PAGE (widget);
  g_autoptr(GTask) task = NULL;
  SiyuModel *model;

  if (self->busy || self->model.tiers == NULL)
    return;

  model = g_new0 (SiyuModel, 1);
  read_model (self, model);
  self->busy = TRUE;
  gtk_widget_action_set_enabled (widget, "model.apply", FALSE);
  task = g_task_new (self, NULL, applied_cb, NULL);
  g_task_set_source_tag (task, apply_action);
  g_task_set_task_data (task, model, model_free);
  siyu_shop_runner_run (self->runner, task, apply_job);
}

static void
use_suggestion_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SiyuModelPage *self = SIYU_MODEL_PAGE (widget);

  if (self->suggested_dormant <= 0)
    return;
  gtk_spin_button_set_value (self->dormant_spin, self->suggested_dormant);
  gtk_spin_button_set_value (self->lost_spin, MAX (self->suggested_lost, self->suggested_dormant + 1));
}

/* Work It Out From My Shop…: the wizard over the preferences window; the
 * page shows the model again once the wizard applied or undid one. */
static void
wizard_clicked_cb (SiyuModelPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SiyuModelWizard *wizard = siyu_model_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->runner);

  g_signal_connect_object (wizard, "model-changed", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

/* The shop's data changed under the page: a backup was restored. */
static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (SIYU_MODEL_PAGE (widget));
}

static void
siyu_model_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_MODEL_PAGE);

  G_OBJECT_CLASS (siyu_model_page_parent_class)->dispose (object);
}

static void
siyu_model_page_finalize (GObject *object)
{
  SiyuModelPage *self = SIYU_MODEL_PAGE (object);

  siyu_model_clear (&self->model);
  g_ptr_array_unref (self->tier_rows);
  g_ptr_array_unref (self->threshold_spins);
  g_ptr_array_unref (self->capacity_spins);
  g_clear_object (&self->runner);
  g_free (self->error);

  G_OBJECT_CLASS (siyu_model_page_parent_class)->finalize (object);
}

static void
siyu_model_page_class_init (SiyuModelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_model_page_dispose;
  object_class->finalize = siyu_model_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-model-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, suggestion_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, dormant_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, lost_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, mature_orders_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, mature_window_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, tiers_group);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, referral_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, share_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, review_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, group_message_spin);
  gtk_widget_class_bind_template_child (widget_class, SiyuModelPage, order_spin);
  gtk_widget_class_bind_template_callback (widget_class, value_changed_cb);

  gtk_widget_class_install_action (widget_class, "model.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "model.use-suggestion", NULL, use_suggestion_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
siyu_model_page_init (SiyuModelPage *self)
{
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = FALSE;
  {
    GtkWidget *wizard = gtk_button_new_with_mnemonic (_("_Work It Out From My Shop…"));
    GtkWidget *group = gtk_widget_get_ancestor (GTK_WIDGET (self->suggestion_row), ADW_TYPE_PREFERENCES_GROUP);

    gtk_widget_set_valign (wizard, GTK_ALIGN_CENTER);
    gtk_accessible_update_property (GTK_ACCESSIBLE (wizard), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Work It Out From My Shop…"), -1);

    g_signal_connect_swapped (wizard, "clicked", G_CALLBACK (wizard_clicked_cb), self);
    /* Beside the lifecycle group's title, where it does not squeeze the suggestion. */
    if (group != NULL)
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), wizard);
    else
      adw_action_row_add_suffix (self->suggestion_row, wizard);
  }
  self->tier_rows = g_ptr_array_new ();
  self->threshold_spins = g_ptr_array_new ();
  self->capacity_spins = g_ptr_array_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.apply", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "model.use-suggestion", FALSE);
}

/**
 * siyu_model_page_new:
 *
 * Reads the shop's model in its worker and shows it.
 */
SiyuModelPage *
siyu_model_page_new (SiyuShopRunner *runner)
{
  SiyuModelPage *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_MODEL_PAGE, NULL);
  self->runner = g_object_ref (runner);
  load (self);

  return self;
}

/* For the tests. */
gboolean
_siyu_model_page_is_busy (SiyuModelPage *self)
{
  return self->busy;
}

const char *
_siyu_model_page_get_error (SiyuModelPage *self)
{
  return self->error;
}

GtkSpinButton *
_siyu_model_page_get_spin (SiyuModelPage *self,
                           const char    *name)
{
  if (g_str_equal (name, "dormant"))
    return self->dormant_spin;
  if (g_str_equal (name, "lost"))
    return self->lost_spin;
  if (g_str_equal (name, "share"))
    return self->share_spin;
  if (g_str_has_prefix (name, "threshold-"))
    {
      guint i = (guint) g_ascii_strtoull (name + 10, NULL, 10);

      return i < self->threshold_spins->len ? g_ptr_array_index (self->threshold_spins, i) : NULL;
    }
  return NULL;
}

const char *
_siyu_model_page_get_suggestion (SiyuModelPage *self)
{
  return adw_action_row_get_subtitle (self->suggestion_row);
}
