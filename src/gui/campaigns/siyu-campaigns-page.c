/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-campaigns-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "siyu-campaign.h"
#include "siyu-campaigns-page-private.h"
#include "siyu-money.h"
#include "siyu-time.h"
#include "siyu-toast.h"

/* The Campaigns place: the saved campaigns with their GMV so far against
 * the target, and a campaign's page: its phases on a timeline, and per
 * phase and segment what was planned against what happened (reached,
 * bought, net sales, uplift over those held out).  New campaigns come
 * from the rhythm wizard (SiyuCampaignWizard). */

struct _SiyuCampaignsPage
{
  GtkWidget            parent_instance;

  GtkStack            *stack;         /* "list", "detail" */
  GtkStack            *list_stack;    /* "loading", "empty", "campaigns" */
  AdwPreferencesGroup *list_group;
  GtkLabel            *detail_title;
  GtkLabel            *detail_dates;
  GtkLabel            *gmv_label;
  GtkLevelBar         *gmv_bar;
  GtkWidget           *timeline;
  GtkLabel            *timeline_text;
  GtkWidget           *phases_box;

  SiyuShopRunner      *runner;
  GCancellable        *cancellable;
  JsonNode            *campaigns;     /* the list, each with its "gmv" */
  GPtrArray           *rows;          /* (element-type GtkWidget) */
  GPtrArray           *detail_lines;  /* (element-type utf8): the campaign's page as text */
  gint64               open_id;
  gboolean             loading;
  gboolean             detail_loading;
  guint                detail_generation;
  guint                pending;
  SiyuCampaignPlan    *deleted;       /* the last deleted campaign, for undo */
  GtkWindow           *wizard;
};

G_DEFINE_FINAL_TYPE (SiyuCampaignsPage, siyu_campaigns_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void show_detail (SiyuCampaignsPage *self);

static void
show_message (SiyuCampaignsPage *self,
              const char        *message)
{
  siyu_toast_show (GTK_WIDGET (self), adw_toast_new (message));
}

static char *
sale_days_text (SiyuDay first,
                SiyuDay last)
{
  g_autofree char *a = siyu_day_format (first);
  g_autofree char *b = NULL;

  if (last == first || last == SIYU_DAY_INVALID)
    return g_steal_pointer (&a);
  b = siyu_day_format (last);
  /* Translators: the first and last day of a sale. */
  return g_strdup_printf (_("%s to %s"), a, b);
}

static const char *
status_label (const char *status)
{
  if (g_strcmp0 (status, "running") == 0)
    /* Translators: the status of a campaign whose sale days have come. */
    return C_("campaign", "Running");
  if (g_strcmp0 (status, "finished") == 0)
    return C_("campaign", "Done");
  return C_("campaign", "Planned");
}

static char *
gmv_text (gint64      gmv,
          gint64      target,
          const char *currency)
{
  g_autofree char *so_far = siyu_money_format (gmv, currency);
  g_autofree char *goal = siyu_money_format (target, currency);
  g_autofree char *share = siyu_percent_format (target > 0 ? (double) gmv / target : 0.0);

  /* Translators: GMV so far of a campaign against its target, and the share. */
  return g_strdup_printf (_("%s of %s (%s)"), so_far, goal, share);
}

/* ── the list ────────────────────────────────────────────────────────── */

static void
clear_rows (SiyuCampaignsPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->list_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static void
row_activated_cb (AdwActionRow      *row,
                  SiyuCampaignsPage *self)
{
  siyu_campaigns_page_open (self, (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "id")));
}

static void
show_list (SiyuCampaignsPage *self)
{
  JsonArray *array = json_node_get_array (self->campaigns);

  clear_rows (self);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *campaign = json_array_get_object_element (array, i);
      const char *currency = json_object_get_string_member (campaign, "currency");
      gint64 target = json_object_get_int_member (campaign, "target");
      gint64 gmv = json_object_get_int_member (campaign, "gmv");
      SiyuDay first = SIYU_DAY_INVALID, last = SIYU_DAY_INVALID;
      g_autofree char *days = NULL;
      g_autofree char *goal = siyu_money_format (target, currency);
      g_autofree char *title = g_markup_escape_text (json_object_get_string_member (campaign, "name"), -1);
      g_autofree char *subtitle = NULL;
      g_autofree char *progress = gmv_text (gmv, target, currency);
      const char *status = status_label (json_object_get_string_member (campaign, "status"));
      const char *channel = json_object_get_string_member_with_default (campaign, "channel", NULL);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
      GtkWidget *label = gtk_label_new (progress);
      GtkWidget *badge = gtk_label_new (status);

      siyu_day_parse (json_object_get_string_member (campaign, "sale_start"), &first);
      siyu_day_parse (json_object_get_string_member (campaign, "sale_end"), &last);
      days = sale_days_text (first, last);
      /* Translators: a campaign's sale days, its GMV target and its channel. */
      subtitle = g_strdup_printf (_("%s · target %s · %s"), days, goal,
                                  channel != NULL ? channel : _("all channels"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (target > 0 ? (double) gmv / target : 0.0, 0.0, 1.0));
      gtk_widget_set_size_request (bar, 160, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, progress, -1);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_box_append (GTK_BOX (box), bar);
      gtk_box_append (GTK_BOX (box), label);
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
      gtk_widget_add_css_class (badge, "heading");
      gtk_widget_set_size_request (badge, 72, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "id", GSIZE_TO_POINTER ((gsize) json_object_get_int_member (campaign, "id")));
      g_object_set_data_full (G_OBJECT (row), "describe",
                              g_strdup_printf ("%s: %s · %s · %s", json_object_get_string_member (campaign, "name"),
                                               subtitle, progress, status), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (row_activated_cb), self);
      adw_preferences_group_add (self->list_group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_stack_set_visible_child_name (self->list_stack,
                                    json_array_get_length (array) > 0 ? "campaigns" : "empty");
}

static void
list_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(JsonNode) list = siyu_campaigns_list (shop, &error);
  JsonArray *array;

  if (list == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *campaign = json_array_get_object_element (array, i);
      g_autoptr(SiyuCampaignActuals) actuals = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      actuals = siyu_campaign_actuals_new (shop, json_object_get_int_member (campaign, "id"), SIYU_DAY_INVALID, &error);
      if (actuals == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      json_object_set_int_member (campaign, "gmv", actuals->gmv);
    }
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) json_node_unref);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  JsonNode *list = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuCampaignsPage *self;

  if (list == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CAMPAIGNS_PAGE (source);
  self->loading = FALSE;
  if (list == NULL)
    {
      show_message (self, error->message);
      if (self->campaigns == NULL)
        gtk_stack_set_visible_child_name (self->list_stack, "empty");
      return;
    }
  g_clear_pointer (&self->campaigns, json_node_unref);
  self->campaigns = list;
  show_list (self);
  if (self->open_id != 0)
    show_detail (self);
}

/* ── a campaign's page ───────────────────────────────────────────────── */

static void
clear_detail (SiyuCampaignsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->phases_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->phases_box), child);
  g_ptr_array_set_size (self->detail_lines, 0);
}

static char *
uplift_text (const SiyuCampaignActualTarget *target)
{
  g_autofree char *points = NULL;
  g_autofree char *buyers = NULL;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!target->has_holdout)
    return g_strdup (_("no holdout to compare with"));
  g_ascii_formatd (buffer, sizeof buffer, "%+.1f", 100 * target->uplift);
  points = g_strdup (buffer);
  g_ascii_formatd (buffer, sizeof buffer, "%.1f", target->uplift_buyers);
  buyers = g_strdup (buffer);
  /* Translators: the uplift over the held-out contacts in percentage
   * points, and the buyers it adds up to. */
  return g_strdup_printf (_("uplift %s points (%s buyers)"), points, buyers);
}

static GtkWidget *
detail_row (SiyuCampaignsPage *self,
            const char        *title,
            const char        *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *escaped_subtitle = g_markup_escape_text (subtitle, -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_subtitle);
  g_ptr_array_add (self->detail_lines, g_strdup_printf ("  %s: %s", title, subtitle));
  return row;
}

static void
show_actuals (SiyuCampaignsPage   *self,
              SiyuCampaignActuals *actuals,
              SiyuDay              today)
{
  g_autofree char *days = sale_days_text (actuals->sale_start, actuals->sale_end);
  g_autofree char *gmv = gmv_text (actuals->gmv, actuals->target, actuals->currency);
  g_autofree char *orders = siyu_count_format (actuals->orders);
  g_autofree char *buyers = siyu_count_format (actuals->buyers);
  g_autofree char *needed = siyu_count_format (actuals->buyers_needed);
  g_autofree char *gmv_line = NULL;
  g_autofree char *timeline = NULL;
  SiyuDay first[SIYU_CAMPAIGN_N_PHASES], last[SIYU_CAMPAIGN_N_PHASES];
  const char *labels[SIYU_CAMPAIGN_N_PHASES];
  guint n = 0;
  const char *status;

  clear_detail (self);
  status = !actuals->started ? C_("campaign", "Planned")
           : actuals->finished ? C_("campaign", "Done") : C_("campaign", "Running");
  gtk_label_set_label (self->detail_title, actuals->name);
  {
    /* Translators: a campaign's sale days and its status. */
    g_autofree char *dates = g_strdup_printf (_("Sale %s · %s"), days, status);

    gtk_label_set_label (self->detail_dates, dates);
  }
  /* Translators: the GMV against the target, then the orders, their
   * buyers and the buyers the plan needed. */
  gmv_line = g_strdup_printf (_("GMV %s · %s orders from %s buyers; the plan needs %s buyers."),
                              gmv, orders, buyers, needed);
  gtk_label_set_label (self->gmv_label, gmv_line);
  gtk_level_bar_set_value (self->gmv_bar, CLAMP (actuals->progress, 0.0, 1.0));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->gmv_bar), GTK_ACCESSIBLE_PROPERTY_LABEL, gmv, -1);
  g_ptr_array_add (self->detail_lines, g_strdup (actuals->name));
  g_ptr_array_add (self->detail_lines, g_strdup (gtk_label_get_label (self->detail_dates)));
  g_ptr_array_add (self->detail_lines, g_strdup (gmv_line));

  for (guint p = 0; p < actuals->phases->len && n < SIYU_CAMPAIGN_N_PHASES; p++)
    {
      SiyuCampaignActualPhase *phase = g_ptr_array_index (actuals->phases, p);

      first[n] = phase->starts_on;
      last[n] = phase->ends_on;
      labels[n++] = siyu_campaign_phase_kind_get_label (phase->kind);
    }
  timeline = siyu_campaign_timeline_set (self->timeline, n, first, last, labels, today);
  gtk_label_set_label (self->timeline_text, timeline);
  g_ptr_array_add (self->detail_lines, g_strdup (timeline));

  for (guint p = 0; p < actuals->phases->len; p++)
    {
      SiyuCampaignActualPhase *phase = g_ptr_array_index (actuals->phases, p);
      GtkWidget *group = adw_preferences_group_new ();
      const char *label = siyu_campaign_phase_kind_get_label (phase->kind);
      g_autofree char *phase_days = sale_days_text (phase->starts_on, phase->ends_on);
      g_autofree char *title = g_strdup_printf ("%s · %s", label, phase_days);
      g_autofree char *planned = siyu_count_format (phase->planned_reach);
      g_autofree char *reached = siyu_count_format (phase->reached);
      g_autofree char *bought = siyu_count_format (phase->bought);
      g_autofree char *net = siyu_money_format (phase->net, actuals->currency);
      g_autofree char *summary = NULL;
      g_autofree char *description = NULL;

      /* Translators: a phase's planned reach against the contacts reached,
       * who of them bought and their net sales. */
      summary = g_strdup_printf (_("Planned %s · reached %s · bought %s · net %s"), planned, reached, bought, net);
      description = phase->theme != NULL && phase->theme[0] != '\0'
                    ? g_strdup_printf ("%s\n%s", phase->theme, summary) : g_strdup (summary);
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
      g_ptr_array_add (self->detail_lines, g_strdup_printf ("%s: %s", title, summary));
      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignActualTarget *target = g_ptr_array_index (phase->targets, t);
          g_autofree char *t_planned = siyu_count_format (target->planned_reach);
          g_autofree char *t_reached = siyu_count_format (target->reached);
          g_autofree char *t_bought = siyu_count_format (target->bought);
          g_autofree char *t_net = siyu_money_format (target->net, actuals->currency);
          g_autofree char *uplift = uplift_text (target);
          g_autofree char *line = NULL;

          line = g_strdup_printf (_("Planned %s · reached %s · bought %s · net %s"), t_planned, t_reached, t_bought, t_net);
          {
            g_autofree char *full = g_strdup_printf ("%s · %s", line, uplift);

            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                       detail_row (self, target->segment_name != NULL ? target->segment_name
                                                                                     : _("A deleted segment"),
                                                   full));
          }
        }
      if (phase->targets->len == 0)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   detail_row (self, _("No segment to reach"), ""));
      gtk_box_append (GTK_BOX (self->phases_box), group);
    }
  gtk_stack_set_visible_child_name (self->stack, "detail");
}

typedef struct {
  gint64               id;
  guint                generation;
  SiyuCampaignActuals *actuals;
  SiyuDay              today;
} Detail;

static void
detail_free (gpointer data)
{
  Detail *detail = data;

  g_clear_pointer (&detail->actuals, siyu_campaign_actuals_free);
  g_free (detail);
}

static void
detail_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Detail *detail = task_data;
  GError *error = NULL;

  detail->today = siyu_shop_get_today (shop);
  detail->actuals = siyu_campaign_actuals_new (shop, detail->id, SIYU_DAY_INVALID, &error);
  if (detail->actuals == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
detail_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Detail *detail = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuCampaignsPage *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CAMPAIGNS_PAGE (source);
  if (detail->generation != self->detail_generation)
    return;
  self->detail_loading = FALSE;
  if (!ok)
    {
      show_message (self, error->message);
      self->open_id = 0;
      gtk_stack_set_visible_child_name (self->stack, "list");
      return;
    }
  show_actuals (self, detail->actuals, detail->today);
}

static void
show_detail (SiyuCampaignsPage *self)
{
  g_autoptr(GTask) task = NULL;
  Detail *detail = g_new0 (Detail, 1);

  detail->id = self->open_id;
  detail->generation = ++self->detail_generation;
  self->detail_loading = TRUE;
  task = g_task_new (self, self->cancellable, detail_read_cb, NULL);
  g_task_set_task_data (task, detail, detail_free);
  siyu_shop_runner_run (self->runner, task, detail_job);
}

/* ── delete and undo ─────────────────────────────────────────────────── */

typedef struct {
  gint64            id;
  SiyuCampaignPlan *plan;
  char             *name;
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_clear_pointer (&change->plan, siyu_campaign_plan_free);
  g_free (change->name);
  g_free (change);
}

static void
delete_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Change *change = task_data;
  GError *error = NULL;

  change->plan = siyu_campaign_load (shop, change->id, &error);
  if (change->plan == NULL || !siyu_campaign_delete (shop, change->id, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
restore_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Change *change = task_data;
  GError *error = NULL;

  /* The plan as loaded still has the deleted campaign's id, which
   * siyu_campaign_save() takes for one already saved. */
  change->plan->id = 0;
  change->id = siyu_campaign_save (shop, change->plan, change->name, &error);
  if (change->id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void undo_delete_cb (SiyuCampaignsPage *self);

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Change *change = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean deleting = GPOINTER_TO_INT (user_data);
  SiyuCampaignsPage *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CAMPAIGNS_PAGE (source);
  self->pending--;
  if (!ok)
    {
      show_message (self, error->message);
      siyu_campaigns_page_reload (self);
      return;
    }
  if (deleting)
    {
      g_autofree char *text = g_strdup_printf (_("Deleted “%s”"), change->name);
      AdwToast *toast = adw_toast_new (text);

      g_clear_pointer (&self->deleted, siyu_campaign_plan_free);
      self->deleted = g_steal_pointer (&change->plan);
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self, G_CONNECT_SWAPPED);
      siyu_toast_show (GTK_WIDGET (self), toast);
      self->open_id = 0;
      gtk_stack_set_visible_child_name (self->stack, "list");
    }
  else
    {
      /* The restored campaign has a new id: open it again. */
      if (self->open_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
        self->open_id = change->id;
    }
  siyu_campaigns_page_reload (self);
}

static void
undo_delete_cb (SiyuCampaignsPage *self)
{
  g_autoptr(GTask) task = NULL;
  Change *change;

  if (self->deleted == NULL)
    return;
  change = g_new0 (Change, 1);
  change->plan = g_steal_pointer (&self->deleted);
  change->name = g_strdup (change->plan->name);
  self->pending++;
  task = g_task_new (self, self->cancellable, changed_cb, GINT_TO_POINTER (FALSE));
  g_task_set_task_data (task, change, change_free);
  siyu_shop_runner_run (self->runner, task, restore_job);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (widget);
  g_autoptr(GTask) task = NULL;
  Change *change;

  if (self->open_id == 0 || self->detail_loading)
    return;
  change = g_new0 (Change, 1);
  change->id = self->open_id;
  change->name = g_strdup (gtk_label_get_label (self->detail_title));
  self->pending++;
  task = g_task_new (self, self->cancellable, changed_cb, GINT_TO_POINTER (TRUE));
  g_task_set_task_data (task, change, change_free);
  siyu_shop_runner_run (self->runner, task, delete_job);
}

/* ── the wizard ──────────────────────────────────────────────────────── */

static void
wizard_saved_cb (SiyuCampaignsPage *self,
                 gint64             campaign_id,
                 const char        *name)
{
  g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

  show_message (self, text);
  self->open_id = campaign_id;
  siyu_campaigns_page_reload (self);
}

static void
new_campaign_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (widget);
  SiyuCampaignWizard *wizard;

  if (self->wizard != NULL)
    {
      gtk_window_present (self->wizard);
      return;
    }
  wizard = siyu_campaign_wizard_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->runner);
  g_signal_connect_object (wizard, "saved", G_CALLBACK (wizard_saved_cb), self, G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->wizard, GTK_WINDOW (wizard));
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (widget);

  self->open_id = 0;
  self->detail_generation++;
  self->detail_loading = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_campaigns_page_reload (SIYU_CAMPAIGNS_PAGE (widget));
}

/* ── building ────────────────────────────────────────────────────────── */

static GtkWidget *
scrolled (GtkWidget *content)
{
  GtkWidget *window = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 24);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (window), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (window), clamp);
  gtk_widget_set_vexpand (window, TRUE);
  return window;
}

static GtkWidget *
plan_button (void)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Plan a Campaign…"));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "page.new-campaign");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_tooltip_text (button, _("Work out the buyers a GMV target needs and when to reach whom (Ctrl+Shift+N)"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}

static void
build (SiyuCampaignsPage *self)
{
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *empty = adw_status_page_new ();
  GtkWidget *empty_button = plan_button ();
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *intro = gtk_label_new (_("Each campaign with its GMV so far against the target. Open one to see what was planned against what happened."));
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *detail = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *detail_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *delete = gtk_button_new_with_mnemonic (_("_Delete"));
  GtkWidget *detail_content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *timeline_group = adw_preferences_group_new ();

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT);
  self->list_stack = GTK_STACK (gtk_stack_new ());

  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reading the campaigns"), -1);
  gtk_stack_add_named (self->list_stack, spinner, "loading");

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "x-office-calendar-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Campaigns Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Give a sale day and a GMV target: Siyu works out how many buyers it takes, how many each lifecycle stage should bring, and when to reach whom."));
  gtk_widget_set_halign (empty_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (empty_button, "pill");
  adw_status_page_set_child (ADW_STATUS_PAGE (empty), empty_button);
  gtk_stack_add_named (self->list_stack, empty, "empty");

  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_widget_set_hexpand (intro, TRUE);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (bar), intro);
  gtk_box_append (GTK_BOX (bar), plan_button ());
  gtk_box_append (GTK_BOX (list), bar);
  self->list_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->list_group, _("Campaigns"));
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->list_group));
  gtk_box_append (GTK_BOX (list), scrolled (content));
  gtk_stack_add_named (self->list_stack, list, "campaigns");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->list_stack), "list");

  /* A campaign's page. */
  gtk_widget_set_margin_start (detail_bar, 6);
  gtk_widget_set_margin_end (detail_bar, 12);
  gtk_widget_set_margin_top (detail_bar, 6);
  gtk_widget_set_margin_bottom (detail_bar, 6);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "page.back");
  gtk_widget_add_css_class (back, "flat");
  gtk_widget_set_tooltip_text (back, _("Back to the campaigns"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back to the campaigns"), -1);
  gtk_box_append (GTK_BOX (detail_bar), back);
  self->detail_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->detail_title, 0);
  gtk_label_set_ellipsize (self->detail_title, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_title), "title-3");
  self->detail_dates = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->detail_dates, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_dates), "dim-label");
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->detail_title));
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (self->detail_dates));
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_box_append (GTK_BOX (detail_bar), titles);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "page.delete");
  gtk_widget_add_css_class (delete, "destructive-action");
  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (delete, _("Delete the campaign’s plan; the orders and touches stay"));
  gtk_box_append (GTK_BOX (detail_bar), delete);
  gtk_box_append (GTK_BOX (detail), detail_bar);

  self->gmv_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->gmv_label, 0);
  gtk_label_set_wrap (self->gmv_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->gmv_label), "title-4");
  gtk_box_append (GTK_BOX (detail_content), GTK_WIDGET (self->gmv_label));
  self->gmv_bar = GTK_LEVEL_BAR (gtk_level_bar_new_for_interval (0, 1));
  gtk_box_append (GTK_BOX (detail_content), GTK_WIDGET (self->gmv_bar));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (timeline_group), _("Timeline"));
  self->timeline = siyu_campaign_timeline_new ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (timeline_group), self->timeline);
  self->timeline_text = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->timeline_text), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (timeline_group), GTK_WIDGET (self->timeline_text));
  gtk_widget_set_margin_top (timeline_group, 12);
  gtk_box_append (GTK_BOX (detail_content), timeline_group);
  self->phases_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_margin_top (self->phases_box, 12);
  gtk_box_append (GTK_BOX (detail_content), self->phases_box);
  gtk_box_append (GTK_BOX (detail), scrolled (detail_content));
  gtk_stack_add_named (self->stack, detail, "detail");

  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->list_stack, "loading");
  gtk_stack_set_visible_child_name (self->stack, "list");
}

/* ── the class ───────────────────────────────────────────────────────── */

static void
siyu_campaigns_page_constructed (GObject *object)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (object);

  G_OBJECT_CLASS (siyu_campaigns_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  siyu_campaigns_page_reload (self);
}

static void
siyu_campaigns_page_dispose (GObject *object)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->wizard);
  if (self->stack != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->stack));
      self->stack = NULL;
    }

  G_OBJECT_CLASS (siyu_campaigns_page_parent_class)->dispose (object);
}

static void
siyu_campaigns_page_finalize (GObject *object)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->campaigns, json_node_unref);
  g_clear_pointer (&self->deleted, siyu_campaign_plan_free);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->detail_lines);

  G_OBJECT_CLASS (siyu_campaigns_page_parent_class)->finalize (object);
}

static void
siyu_campaigns_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (object);

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
siyu_campaigns_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SiyuCampaignsPage *self = SIYU_CAMPAIGNS_PAGE (object);

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
siyu_campaigns_page_class_init (SiyuCampaignsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_campaigns_page_constructed;
  object_class->dispose = siyu_campaigns_page_dispose;
  object_class->finalize = siyu_campaigns_page_finalize;
  object_class->get_property = siyu_campaigns_page_get_property;
  object_class->set_property = siyu_campaigns_page_set_property;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.new-campaign", NULL, new_campaign_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "page.new-campaign",
                                       NULL);
  gtk_widget_class_install_action (widget_class, "page.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "page.delete", NULL, delete_action);
}

static void
siyu_campaigns_page_init (SiyuCampaignsPage *self)
{
  self->rows = g_ptr_array_new ();
  self->detail_lines = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  build (self);
}

SiyuCampaignsPage *
siyu_campaigns_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_CAMPAIGNS_PAGE, "runner", runner, NULL);
}

/* Reads the campaigns and their GMV so far again. */
void
siyu_campaigns_page_reload (SiyuCampaignsPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SIYU_IS_CAMPAIGNS_PAGE (self));

  task = g_task_new (self, self->cancellable, listed_cb, NULL);
  self->loading = TRUE;
  siyu_shop_runner_run (self->runner, task, list_job);
}

/* Opens a campaign's page in place of the list. */
void
siyu_campaigns_page_open (SiyuCampaignsPage *self,
                          gint64             campaign_id)
{
  g_return_if_fail (SIYU_IS_CAMPAIGNS_PAGE (self));

  self->open_id = campaign_id;
  show_detail (self);
}

/* ── for tests ───────────────────────────────────────────────────────── */

const char *
_siyu_campaigns_page_get_state (SiyuCampaignsPage *self)
{
  const char *list;

  if (self->loading || self->pending > 0 || self->detail_loading)
    return "loading";
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "detail"))
    return "campaign";
  list = gtk_stack_get_visible_child_name (self->list_stack);
  return g_str_equal (list, "campaigns") ? "list" : list;
}

/* The list as shown, a line a campaign. */
char *
_siyu_campaigns_page_describe (SiyuCampaignsPage *self)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < self->rows->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "\n" : "",
                            (const char *) g_object_get_data (G_OBJECT (g_ptr_array_index (self->rows, i)), "describe"));
  return g_string_free (out, FALSE);
}

/* The campaign's page as shown: title, dates, GMV, timeline, then each
 * phase and its segments. */
char *
_siyu_campaigns_page_describe_detail (SiyuCampaignsPage *self)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < self->detail_lines->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "\n" : "", (const char *) g_ptr_array_index (self->detail_lines, i));
  return g_string_free (out, FALSE);
}

SiyuCampaignWizard *
_siyu_campaigns_page_get_wizard (SiyuCampaignsPage *self)
{
  return self->wizard != NULL ? SIYU_CAMPAIGN_WIZARD (self->wizard) : NULL;
}

void
_siyu_campaigns_page_undo_delete (SiyuCampaignsPage *self)
{
  undo_delete_cb (self);
}
