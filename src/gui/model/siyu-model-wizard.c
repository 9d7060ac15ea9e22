/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-model-wizard"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-chart.h"
#include "siyu-model-wizard-private.h"
#include "siyu-money.h"

/* The lifecycle and tier wizard: the owner works the model out from the
 * shop's own data, in four pages and Apply:
 *   gaps    the histogram of days between two orders of a customer, the
 *           dormant and lost days the 80th and 95th percentile suggest
 *           (shared/ANALYTICS.md "Threshold suggestion");
 *   stages  the New and Mature rules and contacts per stage, against the
 *           current model;
 *   tiers   how many tiers, thresholds suggested from the members' 365-day
 *           spend, capacity and "by application" for the top tier, benefits;
 *           members per tier and how many move up or down;
 *   apply   what changes; Apply saves in one transaction and counts every
 *           figure again, then a toast offers Undo.
 * The facts are computed once on the shop's worker; every change previews
 * the candidate in a thread, cancelling the preview it supersedes. */

#define MAX_TIERS 6

typedef struct {
  gint64         id;
  AdwExpanderRow *row;
  GtkSpinButton  *threshold;
  GtkSpinButton  *capacity;
  GtkSwitch      *by_application;
  AdwEntryRow    *name;
  AdwEntryRow    *name_zh;
  AdwEntryRow    *benefits;
} TierWidgets;

struct _SiyuModelWizard
{
  AdwWindow            parent_instance;

  SiyuShopRunner      *runner;
  GCancellable        *cancellable;
  GCancellable        *preview_cancellable;

  AdwWindowTitle      *title;
  GtkStack            *stack;
  GtkWidget           *back_button;
  GtkWidget           *next_button;
  GtkWidget           *spinner;

  /* gaps */
  SiyuChart           *chart;
  GtkLabel            *gap_label;
  GtkSpinButton       *dormant_spin;
  GtkSpinButton       *lost_spin;

  /* stages */
  GtkSpinButton       *mature_orders_spin;
  GtkSpinButton       *mature_window_spin;
  GtkLabel            *stage_labels[SIYU_N_STAGES];

  /* tiers */
  GtkSpinButton       *n_tiers_spin;
  GtkLabel            *spend_label;
  AdwPreferencesGroup *tiers_group;
  GArray              *tier_widgets;   /* TierWidgets */
  GtkLabel            *moves_label;

  /* apply */
  GtkLabel            *summary_label;
  GtkProgressBar      *progress;
  GtkLabel            *error_label;

  SiyuModelFacts      *facts;
  SiyuModel            current;
  gboolean             loaded;
  SiyuModelPreview     preview;
  gboolean             have_preview;
  int                  digits;
  char                *currency;
  gboolean             filling;
  gboolean             loading;
  gboolean             previewing;
  gboolean             applying;
  gboolean             preview_failed;
  char                *error;
  char                *previous;
  AdwToast            *toast;
  gboolean             undone;
};

G_DEFINE_FINAL_TYPE (SiyuModelWizard, siyu_model_wizard, ADW_TYPE_WINDOW)

enum {
  MODEL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const pages[] = { "gaps", "stages", "tiers", "apply" };

/* Names for tiers the owner adds, lowest first. */
static const struct {
  const char *name;
  const char *name_zh;
} tier_names[MAX_TIERS] = {
  { "Regular", "普通" }, { "Silver", "银卡" }, { "Gold", "金卡" }, { "Diamond", "钻石" },
  { "Platinum", "铂金" }, { "Black", "黑金" },
};

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static GtkSpinButton *
spin_new (double      lower,
          double      upper,
          guint       digits,
          const char *accessible)
{
  GtkAdjustment *adjustment = gtk_adjustment_new (lower, lower, upper, 1, 10, 0);
  GtkWidget *spin = gtk_spin_button_new (adjustment, 1, digits);

  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  set_accessible_label (spin, accessible);

  return GTK_SPIN_BUTTON (spin);
}

static GtkWidget *
row_new (const char *title,
         const char *subtitle,
         GtkWidget  *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (suffix != NULL)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
      if (gtk_widget_get_focusable (suffix) || GTK_IS_SPIN_BUTTON (suffix))
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
    }
  return row;
}

static GtkLabel *
wrap_label (const char *css)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  return GTK_LABEL (label);
}

static gint64
spin_amount (SiyuModelWizard *self,
             GtkSpinButton   *spin)
{
  return llround (gtk_spin_button_get_value (spin) * pow (10, self->digits));
}

/* ── the candidate model ─────────────────────────────────────────────── */

/* The model as the pages show it now. */
static void
read_candidate (SiyuModelWizard *self,
                SiyuModel       *model)
{
  siyu_model_copy (&self->current, model);
  model->lifecycle.dormant_days = gtk_spin_button_get_value_as_int (self->dormant_spin);
  model->lifecycle.lost_days = gtk_spin_button_get_value_as_int (self->lost_spin);
  model->lifecycle.mature_orders = gtk_spin_button_get_value_as_int (self->mature_orders_spin);
  model->lifecycle.mature_window_days = gtk_spin_button_get_value_as_int (self->mature_window_spin);

  g_array_set_size (model->tiers, 0);
  for (guint i = 0; i < self->tier_widgets->len; i++)
    {
      const TierWidgets *w = &g_array_index (self->tier_widgets, TierWidgets, i);
      const char *zh = gtk_editable_get_text (GTK_EDITABLE (w->name_zh));
      const char *benefits = gtk_editable_get_text (GTK_EDITABLE (w->benefits));
      gboolean top = i + 1 == self->tier_widgets->len;
      SiyuTierSetting tier = {
        w->id, g_strdup (gtk_editable_get_text (GTK_EDITABLE (w->name))),
        *zh != '\0' ? g_strdup (zh) : NULL,
        spin_amount (self, w->threshold),
        top && i > 0 ? gtk_spin_button_get_value_as_int (w->capacity) : 0,
        top && i > 0 && gtk_switch_get_active (w->by_application),
        *benefits != '\0' ? g_strdup (benefits) : NULL,
      };

      g_array_append_val (model->tiers, tier);
    }
}

/* ── the preview, in a thread ────────────────────────────────────────── */

typedef struct {
  SiyuModelFacts   *facts;     /* the wizard's, which outlives the task */
  SiyuModel         current;
  SiyuModel         candidate;
  char             *currency;
  SiyuModelPreview  preview;
} PreviewJob;

static void
preview_job_free (gpointer data)
{
  PreviewJob *job = data;

  siyu_model_clear (&job->current);
  siyu_model_clear (&job->candidate);
  siyu_model_preview_clear (&job->preview);
  g_free (job->currency);
  g_free (job);
}

static void
preview_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PreviewJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!siyu_model_preview (job->facts, &job->current, &job->candidate, job->currency, &job->preview, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static char *
change_text (gint64 before,
             gint64 after)
{
  g_autofree char *from = siyu_count_format (before);
  g_autofree char *to = siyu_count_format (after);

  if (before == after)
    return g_strdup (to);
  /* Translators: a count now and under the new model, and the difference, e.g. “12 → 15 (+3)”. */
  return g_strdup_printf (_("%s → %s (%+lld)"), from, to, (long long) (after - before));
}

static void
show_preview (SiyuModelWizard *self)
{
  const SiyuModelPreview *p = &self->preview;
  g_autofree char *up = NULL;
  g_autofree char *down = NULL;
  g_autofree char *moves = NULL;

  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      g_autofree char *text = change_text (p->current_stages[s], p->stages[s]);

      gtk_label_set_text (self->stage_labels[s], text);
    }

  for (guint i = 0; i < self->tier_widgets->len && i < p->tiers->len; i++)
    {
      const TierWidgets *w = &g_array_index (self->tier_widgets, TierWidgets, i);
      gint64 now = i < p->current_tiers->len ? g_array_index (p->current_tiers, gint64, i) : 0;
      g_autofree char *count = siyu_count_format (g_array_index (p->tiers, gint64, i));
      g_autofree char *before = siyu_count_format (now);
      /* Translators: under a tier in the wizard: members in it with the new
       * thresholds, and in the tier at the same place today. */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s member (today %s)",
                                                            "%s members (today %s)",
                                                            g_array_index (p->tiers, gint64, i)),
                                               count, before);

      adw_expander_row_set_subtitle (w->row, text);
    }

  up = siyu_count_format (p->moved_up);
  down = siyu_count_format (p->moved_down);
  /* Translators: how many members the new tiers move, e.g. “Members moving up a tier: 3; down: 1.” */
  moves = g_strdup_printf (_("Members moving up a tier: %s; down a tier: %s."), up, down);
  gtk_label_set_text (self->moves_label, moves);
}

static void
previewed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (object);
  PreviewJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->previewing = FALSE;
      self->preview_failed = TRUE;
      gtk_widget_set_visible (self->spinner, FALSE);
      g_free (self->error);
      self->error = g_strdup (error->message);
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_label_set_text (self->moves_label, error->message);
      gtk_widget_set_sensitive (self->next_button, FALSE);
      return;
    }

  self->previewing = FALSE;
  self->preview_failed = FALSE;
  gtk_widget_set_visible (self->spinner, FALSE);
  g_clear_pointer (&self->error, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_sensitive (self->next_button, TRUE);
  siyu_model_preview_clear (&self->preview);
  self->preview = job->preview;
  memset (&job->preview, 0, sizeof job->preview);
  self->have_preview = TRUE;
  show_preview (self);
}

/* Previews the candidate, cancelling a preview it supersedes. */
static void
update_preview (SiyuModelWizard *self)
{
  g_autoptr(GTask) task = NULL;
  PreviewJob *job;

  if (self->filling || !self->loaded || self->facts == NULL)
    return;

  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  self->preview_cancellable = g_cancellable_new ();

  job = g_new0 (PreviewJob, 1);
  job->facts = self->facts;
  job->currency = g_strdup (self->currency);
  siyu_model_copy (&self->current, &job->current);
  read_candidate (self, &job->candidate);

  self->previewing = TRUE;
  gtk_widget_set_visible (self->spinner, TRUE);
  task = g_task_new (self, self->preview_cancellable, previewed_cb, NULL);
  g_task_set_source_tag (task, update_preview);
  g_task_set_task_data (task, job, preview_job_free);
  g_task_run_in_thread (task, preview_thread);
}

/* ── the gaps page ───────────────────────────────────────────────────── */

static void
fill_gaps (SiyuModelWizard *self)
{
  const SiyuGapSuggestion *g = siyu_model_facts_get_gaps (self->facts);
  const SiyuLifecycleModel *l = &self->current.lifecycle;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *text = NULL;
  g_autofree char *count = siyu_count_format (g->n_gaps);

  for (guint i = 0; i < g->buckets->len; i++)
    {
      const SiyuGapBucket *b = &g_array_index (g->buckets, SiyuGapBucket, i);
      double value = (double) b->count;

      if (b->to < 0)
        /* Translators: a bar of the gap histogram: this many days or more. */
        g_ptr_array_add (labels, g_strdup_printf (_("%d+ days"), b->from));
      else if (b->to == b->from)
        g_ptr_array_add (labels, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", b->from),
                                                  b->from));
      else
        /* Translators: a bar of the gap histogram, e.g. “10–19 days”. */
        g_ptr_array_add (labels, g_strdup_printf (_("%d–%d days"), b->from, b->to));
      g_ptr_array_add (texts, siyu_count_format (b->count));
      g_array_append_val (values, value);
    }
  siyu_chart_set_categories (self->chart, values->len, (const char * const *) labels->pdata,
                             (const double *) values->data, NULL, NULL, (const char * const *) texts->pdata);
  gtk_widget_set_visible (GTK_WIDGET (self->chart), values->len > 0);

  if (g->n_gaps == 0)
    text = g_strdup_printf (_("No customer has bought twice yet, so there is nothing to learn from. The current "
                              "thresholds stay: dormant after %d days, lost after %d."),
                            l->dormant_days, l->lost_days);
  else if (!g->enough)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "There is only %s repeat order so far, too few to go by (Siyu wants at least "
                                         "%d). The current thresholds stay: dormant after %d days, lost after %d.",
                                         "There are only %s repeat orders so far, too few to go by (Siyu wants at "
                                         "least %d). The current thresholds stay: dormant after %d days, lost after %d.",
                                         g->n_gaps),
                            count, SIYU_MODEL_MIN_GAPS, l->dormant_days, l->lost_days);
  else
    /* Translators: the first two %d are the same number of days, and so are the last two. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Of %s repeat order, 80 %% came within %d days of the one before, so a "
                                         "customer is Dormant after %d days without an order. 95 %% came within %d "
                                         "days, so they are Lost after %d days.",
                                         "Of %s repeat orders, 80 %% came within %d days of the one before, so a "
                                         "customer is Dormant after %d days without an order. 95 %% came within %d "
                                         "days, so they are Lost after %d days.",
                                         g->n_gaps),
                            count, g->p80, g->dormant_days, g->p95, g->lost_days);
  gtk_label_set_text (self->gap_label, text);

  gtk_spin_button_set_value (self->dormant_spin, g->enough ? g->dormant_days : l->dormant_days);
  gtk_spin_button_set_value (self->lost_spin, g->enough ? g->lost_days : l->lost_days);
}

/* ── the tiers page ──────────────────────────────────────────────────── */

static void tier_changed_cb (SiyuModelWizard *self);

static void
add_tier_widgets (SiyuModelWizard       *self,
                  const SiyuTierSetting *tier,
                  guint                  position,
                  gboolean               top)
{
  TierWidgets w = { tier->id, };
  const char *title = siyu_tier_display_name (tier->name, tier->name_zh);
  /* Translators: accessible names of a tier's fields in the wizard, e.g. “Threshold of Gold”. */
  g_autofree char *threshold_label = g_strdup_printf (_("Threshold of %s"), title);
  g_autofree char *capacity_label = g_strdup_printf (_("Capacity of %s"), title);
  g_autofree char *application_label = g_strdup_printf (_("%s by application"), title);
  g_autofree char *name_label = g_strdup_printf (_("Name of %s"), title);
  g_autofree char *zh_label = g_strdup_printf (_("Chinese name of %s"), title);
  g_autofree char *benefits_label = g_strdup_printf (_("Benefits of %s"), title);
  GtkWidget *row;

  w.row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (w.row), title);
  w.threshold = spin_new (0, 1e10, (guint) self->digits, threshold_label);
  gtk_editable_set_width_chars (GTK_EDITABLE (w.threshold), 9);
  gtk_spin_button_set_value (w.threshold, (double) tier->threshold / pow (10, self->digits));
  gtk_adjustment_set_step_increment (gtk_spin_button_get_adjustment (w.threshold), 10);
  gtk_adjustment_set_page_increment (gtk_spin_button_get_adjustment (w.threshold), 100);
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *from = gtk_label_new (siyu_currency_symbol (self->currency));

    gtk_widget_add_css_class (from, "dim-label");
    gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (box), from);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (w.threshold));
    adw_expander_row_add_action (w.row, box);
  }

  w.name = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (w.name), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (w.name), tier->name != NULL ? tier->name : "");
  set_accessible_label (GTK_WIDGET (w.name), name_label);
  adw_expander_row_add_row (w.row, GTK_WIDGET (w.name));

  w.name_zh = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (w.name_zh), _("Name in Chinese"));
  gtk_editable_set_text (GTK_EDITABLE (w.name_zh), tier->name_zh != NULL ? tier->name_zh : "");
  set_accessible_label (GTK_WIDGET (w.name_zh), zh_label);
  adw_expander_row_add_row (w.row, GTK_WIDGET (w.name_zh));

  w.benefits = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (w.benefits), _("Benefits"));
  gtk_editable_set_text (GTK_EDITABLE (w.benefits), tier->benefits != NULL ? tier->benefits : "");
  set_accessible_label (GTK_WIDGET (w.benefits), benefits_label);
  adw_expander_row_add_row (w.row, GTK_WIDGET (w.benefits));

  w.capacity = spin_new (0, 1e9, 0, capacity_label);
  gtk_spin_button_set_value (w.capacity, (double) tier->capacity);
  w.by_application = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (w.by_application), GTK_ALIGN_CENTER);
  gtk_switch_set_active (w.by_application, tier->by_application);
  set_accessible_label (GTK_WIDGET (w.by_application), application_label);
  if (top && position > 0)
    {
      row = row_new (_("Capacity"), _("How many members the top tier holds; 0 for no limit. The highest "
                                      "spenders keep their places."), GTK_WIDGET (w.capacity));
      adw_expander_row_add_row (w.row, row);
      row = row_new (_("By Application"), _("Members join the top tier only when you accept them; "
                                            "no one reaches it by spending alone."),
                     GTK_WIDGET (w.by_application));
      adw_expander_row_add_row (w.row, row);
    }

  g_signal_connect_swapped (w.threshold, "value-changed", G_CALLBACK (tier_changed_cb), self);
  g_signal_connect_swapped (w.capacity, "value-changed", G_CALLBACK (tier_changed_cb), self);
  g_signal_connect_swapped (w.by_application, "notify::active", G_CALLBACK (tier_changed_cb), self);
  g_signal_connect_swapped (w.name, "changed", G_CALLBACK (tier_changed_cb), self);
  g_signal_connect_swapped (w.name_zh, "changed", G_CALLBACK (tier_changed_cb), self);

  adw_preferences_group_add (self->tiers_group, GTK_WIDGET (w.row));
  g_array_append_val (self->tier_widgets, w);
}

/* Shows @n tiers: the current ones kept where they are, new ones named
 * after the usual ladder; thresholds from @thresholds when given. */
static void
fill_tiers (SiyuModelWizard *self,
            guint            n,
            GArray          *thresholds)
{
  SiyuModel shown;

  /* What the owner typed so far is kept for the tiers that stay. */
  read_candidate (self, &shown);
  if (self->tier_widgets->len == 0)
    {
      siyu_model_clear (&shown);
      siyu_model_copy (&self->current, &shown);
    }

  for (guint i = 0; i < self->tier_widgets->len; i++)
    adw_preferences_group_remove (self->tiers_group,
                                  GTK_WIDGET (g_array_index (self->tier_widgets, TierWidgets, i).row));
  g_array_set_size (self->tier_widgets, 0);

  for (guint i = 0; i < n; i++)
    {
      SiyuTierSetting tier = { 0, };

      if (i < shown.tiers->len)
        tier = g_array_index (shown.tiers, SiyuTierSetting, i);
      else
        {
          tier.name = (char *) tier_names[i].name;
          tier.name_zh = (char *) tier_names[i].name_zh;
        }
      if (thresholds != NULL && i < thresholds->len)
        tier.threshold = g_array_index (thresholds, gint64, i);
      if (i + 1 < n)
        {
          tier.capacity = 0;
          tier.by_application = FALSE;
        }
      add_tier_widgets (self, &tier, i, i + 1 == n);
    }
  siyu_model_clear (&shown);
}

static void
suggest_tiers (SiyuModelWizard *self)
{
  guint n = (guint) gtk_spin_button_get_value_as_int (self->n_tiers_spin);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SiyuSpendSuggestion s;

  self->filling = TRUE;
  if (!siyu_model_facts_suggest_tiers (self->facts, n, self->digits, &s, &error))
    {
      fill_tiers (self, n, NULL);
      text = g_strdup_printf (_("%s The thresholds stay as they are."), error->message);
    }
  else
    {
      g_autoptr(GString) parts = g_string_new (NULL);
      g_autofree char *members = siyu_count_format (s.n_members);

      for (guint i = 1; i < s.thresholds->len; i++)
        {
          g_autofree char *at = siyu_money_format (g_array_index (s.percentiles, gint64, i), self->currency);

          if (parts->len > 0)
            /* Translators: between the parts of a list, e.g. “60 % … ¥450, 85 % … ¥3,000” */
            g_string_append (parts, _(", "));
          /* Translators: a percentile of members and the spend there, e.g. “60 % spent ¥450 or less”. */
          g_string_append_printf (parts, _("%d %% spent %s or less"), g_array_index (s.percents, int, i), at);
        }
      /* Translators: %s: a count of members; then a list such as “60 % spent ¥450 or less, …”. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Of %s member in the last 365 days, %s. The thresholds are rounded down "
                                           "to a friendly amount.",
                                           "Of %s members in the last 365 days, %s. The thresholds are rounded down "
                                           "to a friendly amount.",
                                           s.n_members),
                              members, parts->len > 0 ? parts->str : _("there is one tier for everyone"));
      fill_tiers (self, n, s.thresholds);
      siyu_spend_suggestion_clear (&s);
    }
  gtk_label_set_text (self->spend_label, text);
  self->filling = FALSE;
  update_preview (self);
}

static void
tier_changed_cb (SiyuModelWizard *self)
{
  update_preview (self);
}

static void
n_tiers_changed_cb (SiyuModelWizard *self)
{
  if (!self->filling)
    suggest_tiers (self);
}

/* ── navigation ──────────────────────────────────────────────────────── */

static int
page_index (SiyuModelWizard *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (name, pages[i]) == 0)
      return (int) i;
  return 0;
}

static void
fill_summary (SiyuModelWizard *self)
{
  SiyuModel candidate;
  g_autoptr(GString) text = g_string_new (NULL);

  read_candidate (self, &candidate);
  g_string_append_printf (text, _("Dormant after %d days without an order, lost after %d days."),
                          candidate.lifecycle.dormant_days, candidate.lifecycle.lost_days);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Mature with %d or more orders in %d days."),
                          candidate.lifecycle.mature_orders, candidate.lifecycle.mature_window_days);
  for (guint i = 0; i < candidate.tiers->len; i++)
    {
      const SiyuTierSetting *tier = &g_array_index (candidate.tiers, SiyuTierSetting, i);
      g_autofree char *from = siyu_money_format (tier->threshold, self->currency);

      g_string_append_c (text, '\n');
      /* Translators: a tier in the wizard's summary, e.g. “Gold from ¥2,000.00”. */
      g_string_append_printf (text, _("%s from %s"), siyu_tier_display_name (tier->name, tier->name_zh), from);
      if (tier->capacity > 0)
        {
          g_autofree char *capacity = siyu_count_format (tier->capacity);

          g_string_append_printf (text, _(", at most %s members"), capacity);
        }
      if (tier->by_application)
        g_string_append (text, _(", by application"));
    }
  if (self->have_preview)
    {
      g_string_append (text, "\n\n");
      g_string_append (text, gtk_label_get_text (self->moves_label));
    }
  gtk_label_set_text (self->summary_label, text->str);
  siyu_model_clear (&candidate);
}

static void
update_buttons (SiyuModelWizard *self)
{
  int page = page_index (self);
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (self->back_button, page > 0);
  gtk_button_set_use_underline (GTK_BUTTON (self->next_button), TRUE);
  gtk_button_set_label (GTK_BUTTON (self->next_button),
                        page + 1 == G_N_ELEMENTS (pages) ? _("_Apply") : _("_Next"));
  gtk_widget_set_sensitive (self->next_button, self->loaded && !self->applying && !self->preview_failed);
  gtk_widget_set_sensitive (self->back_button, !self->applying);
  /* Translators: the wizard's subtitle, e.g. “Step 1 of 4”. */
  subtitle = g_strdup_printf (_("Step %d of %d"), page + 1, (int) G_N_ELEMENTS (pages));
  adw_window_title_set_subtitle (self->title, subtitle);
}

static void apply (SiyuModelWizard *self);

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (widget);
  int page = page_index (self);

  if (!self->loaded || self->applying)
    return;
  if (page + 1 == G_N_ELEMENTS (pages))
    {
      apply (self);
      return;
    }
  if (page + 2 == G_N_ELEMENTS (pages))
    fill_summary (self);
  gtk_stack_set_visible_child_name (self->stack, pages[page + 1]);
  update_buttons (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (widget);
  int page = page_index (self);

  if (page == 0 || self->applying)
    return;
  gtk_stack_set_visible_child_name (self->stack, pages[page - 1]);
  update_buttons (self);
}

/* ── apply and undo ──────────────────────────────────────────────────── */

typedef struct {
  SiyuModel  model;
  char      *previous;   /* for undo: what apply returned */
  GtkProgressBar *progress;
} ApplyJob;

static void
apply_job_free (gpointer data)
{
  ApplyJob *job = data;

  siyu_model_clear (&job->model);
  g_free (job->previous);
  g_clear_object (&job->progress);
  g_free (job);
}

typedef struct {
  GtkProgressBar *bar;
  double          fraction;
} Progress;

static gboolean
show_progress (gpointer data)
{
  Progress *progress = data;

  gtk_progress_bar_set_fraction (progress->bar, progress->fraction);
  g_object_unref (progress->bar);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

static void
progress_cb (double   fraction,
             gpointer data)
{
  Progress *progress = g_new (Progress, 1);

  progress->bar = g_object_ref (data);
  progress->fraction = fraction;
  g_idle_add (show_progress, progress);
}

static void
apply_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  ApplyJob *job = task_data;
  GError *error = NULL;

  job->previous = siyu_model_apply (shop, &job->model, siyu_shop_get_today (shop), progress_cb, job->progress,
                                    cancellable, &error);
  if (job->previous == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
undo_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  GError *error = NULL;

  if (!siyu_model_undo (shop, task_data, siyu_shop_get_today (shop), NULL, NULL, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static GtkWidget *
find_toast_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toast_overlay (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Shows @toast in @parent: a preferences window, or a window with a toast
 * overlay such as the main window. */
static void
show_toast (GtkWindow *parent,
            AdwToast  *toast)
{
  GtkWidget *overlay;

  if (parent == NULL)
    return;
  if (ADW_IS_PREFERENCES_WINDOW (parent))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (parent), g_object_ref (toast));
      return;
    }
  overlay = find_toast_overlay (GTK_WIDGET (parent));
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), g_object_ref (toast));
}

static gboolean
can_reload_places (GtkWindow *window)
{
  return G_IS_ACTION_GROUP (window) && g_action_group_has_action (G_ACTION_GROUP (window), "reload-places");
}

/* The shop's window, @parent or the one Preferences is over, reads the
 * shop again (win.reload-places). */
static void
reload_main_window (GtkWindow *parent)
{
  if (parent != NULL && !can_reload_places (parent))
    parent = gtk_window_get_transient_for (parent);
  if (can_reload_places (parent))
    g_action_group_activate_action (G_ACTION_GROUP (parent), "reload-places", NULL);
}

static void
undone_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (object);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(AdwToast) toast = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
      toast = adw_toast_new (error->message);
    }
  else
    {
      self->undone = TRUE;
      toast = adw_toast_new (_("The previous model is back and every figure was counted again."));
      g_signal_emit (self, signals[MODEL_CHANGED], 0);
    }
  show_toast (parent, toast);
  reload_main_window (parent);
}

static void
undo_clicked_cb (AdwToast        *toast,
                 SiyuModelWizard *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->previous == NULL || self->undone)
    return;
  task = g_task_new (self, NULL, undone_cb, NULL);
  g_task_set_source_tag (task, undo_clicked_cb);
  g_task_set_task_data (task, g_strdup (self->previous), g_free);
  siyu_shop_runner_run (self->runner, task, undo_job);
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (object);
  ApplyJob *job = g_task_get_task_data (G_TASK (result));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GError) error = NULL;

  self->applying = FALSE;
  gtk_widget_set_visible (self->spinner, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      update_buttons (self);
      return;
    }

  self->previous = g_steal_pointer (&job->previous);
  if (self->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->toast), (gpointer *) &self->toast);
  self->toast = adw_toast_new (_("The new model is in use and every figure was counted again."));
  adw_toast_set_button_label (self->toast, _("_Undo"));
  adw_toast_set_timeout (self->toast, 10);
  /* The toast keeps the wizard alive until it is gone, for Undo. */
  g_signal_connect_data (self->toast, "button-clicked", G_CALLBACK (undo_clicked_cb), g_object_ref (self),
                         (GClosureNotify) g_object_unref, 0);
  show_toast (parent, self->toast);
  /* Whoever shows the toast owns it; the wizard only looks at it. */
  g_object_add_weak_pointer (G_OBJECT (self->toast), (gpointer *) &self->toast);
  g_object_unref (self->toast);
  reload_main_window (parent);
  g_signal_emit (self, signals[MODEL_CHANGED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
apply (SiyuModelWizard *self)
{
  g_autoptr(GTask) task = NULL;
  ApplyJob *job;

  if (self->applying || !self->loaded)
    return;
  job = g_new0 (ApplyJob, 1);
  read_candidate (self, &job->model);
  job->progress = g_object_ref (self->progress);
  self->applying = TRUE;
  gtk_widget_set_visible (self->spinner, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_progress_bar_set_fraction (self->progress, 0);
  update_buttons (self);

  task = g_task_new (self, NULL, applied_cb, NULL);
  g_task_set_source_tag (task, apply);
  g_task_set_task_data (task, job, apply_job_free);
  siyu_shop_runner_run (self->runner, task, apply_job);
}

/* ── loading ─────────────────────────────────────────────────────────── */

typedef struct {
  SiyuModel       model;
  SiyuModelFacts *facts;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  siyu_model_clear (&loaded->model);
  siyu_model_facts_free (loaded->facts);
  g_free (loaded);
}

static void
load_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Loaded *loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  if (!siyu_model_load (shop, &loaded->model, &error))
    {
      g_free (loaded);
      g_task_return_error (task, error);
      return;
    }
  loaded->facts = siyu_model_facts_compute (shop, siyu_shop_get_today (shop), NULL, NULL, cancellable, &error);
  if (loaded->facts == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, loaded, loaded_free);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (object);
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  self->loading = FALSE;
  gtk_widget_set_visible (self->spinner, FALSE);
  if (loaded == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->error);
      self->error = g_strdup (error->message);
      gtk_label_set_text (self->gap_label, error->message);
      return;
    }

  self->current = loaded->model;
  loaded->model.tiers = NULL;
  self->facts = g_steal_pointer (&loaded->facts);
  loaded_free (loaded);
  self->loaded = TRUE;

  self->filling = TRUE;
  fill_gaps (self);
  gtk_spin_button_set_value (self->mature_orders_spin, self->current.lifecycle.mature_orders);
  gtk_spin_button_set_value (self->mature_window_spin, self->current.lifecycle.mature_window_days);
  gtk_spin_button_set_value (self->n_tiers_spin, MIN (self->current.tiers->len, MAX_TIERS));
  fill_tiers (self, MIN (self->current.tiers->len, MAX_TIERS), NULL);
  self->filling = FALSE;
  {
    g_autofree char *members = siyu_count_format (siyu_model_facts_get_n_members (self->facts));
    g_autofree char *text =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "The tiers below are the current ones, for %s member. Change the number of "
                                    "tiers, or press Suggest, to have thresholds suggested from their spend.",
                                    "The tiers below are the current ones, for %s members. Change the number of "
                                    "tiers, or press Suggest, to have thresholds suggested from their spend.",
                                    siyu_model_facts_get_n_members (self->facts)),
                       members);

    gtk_label_set_text (self->spend_label, text);
  }
  update_buttons (self);
  update_preview (self);
}

/* ── building ────────────────────────────────────────────────────────── */

static GtkWidget *
scrolled_page (GtkWidget *content)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 24);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static void
build_gaps (SiyuModelWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *rules = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Days Between Two Orders"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("How long your customers took to order again, over every repeat "
                                           "order in your shop."));
  self->chart = siyu_chart_new (SIYU_CHART_BARS);
  gtk_widget_set_size_request (GTK_WIDGET (self->chart), -1, 240);
  set_accessible_label (GTK_WIDGET (self->chart), _("Days between two orders of a customer"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->chart));
  self->gap_label = wrap_label (NULL);
  gtk_label_set_text (self->gap_label, _("Counting the days between your customers’ orders…"));
  gtk_widget_set_margin_top (GTK_WIDGET (self->gap_label), 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->gap_label));
  gtk_box_append (GTK_BOX (box), group);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (rules), _("Dormant and Lost"));
  self->dormant_spin = spin_new (1, 3650, 0, _("Dormant after days"));
  self->lost_spin = spin_new (2, 7300, 0, _("Lost after days"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (rules),
                             row_new (_("Dormant After"), _("Days without a paid order"),
                                      GTK_WIDGET (self->dormant_spin)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (rules),
                             row_new (_("Lost After"), _("Days without a paid order; more than dormant"),
                                      GTK_WIDGET (self->lost_spin)));
  g_signal_connect_swapped (self->dormant_spin, "value-changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->lost_spin, "value-changed", G_CALLBACK (update_preview), self);
  gtk_box_append (GTK_BOX (box), rules);

  gtk_stack_add_named (self->stack, scrolled_page (box), "gaps");
}

static const char *
stage_rule (SiyuStage stage)
{
  switch (stage)
    {
    case SIYU_STAGE_PROSPECT:
      return _("No paid order");
    case SIYU_STAGE_NEW:
      return _("Exactly one paid order");
    case SIYU_STAGE_GROWING:
      return _("Bought again, not yet mature");
    case SIYU_STAGE_MATURE:
      return _("Orders often, as set above");
    case SIYU_STAGE_DORMANT:
      return _("No order for longer than “dormant after”");
    case SIYU_STAGE_LOST:
      return _("No order for longer than “lost after”");
    case SIYU_N_STAGES:
    default:
      return "";
    }
}

static void
build_stages (SiyuModelWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *rules = adw_preferences_group_new ();
  GtkWidget *counts = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (rules), _("New and Mature"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (rules),
                                         _("A customer with exactly one paid order is New. One who orders this "
                                           "often is Mature; between the two they are Growing."));
  self->mature_orders_spin = spin_new (2, 1000, 0, _("Mature with orders"));
  self->mature_window_spin = spin_new (1, 3650, 0, _("Mature within days"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (rules),
                             row_new (_("Mature With"), _("Paid orders or more"),
                                      GTK_WIDGET (self->mature_orders_spin)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (rules),
                             row_new (_("Within"), _("Days before today"), GTK_WIDGET (self->mature_window_spin)));
  g_signal_connect_swapped (self->mature_orders_spin, "value-changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->mature_window_spin, "value-changed", G_CALLBACK (update_preview), self);
  gtk_box_append (GTK_BOX (box), rules);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (counts), _("Contacts per Stage"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (counts),
                                         _("Today’s count, then the count with these rules. The six stages keep "
                                           "their names in English and Chinese."));
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      GtkWidget *label = gtk_label_new ("…");

      gtk_widget_add_css_class (label, "numeric");
      self->stage_labels[s] = GTK_LABEL (label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (counts),
                                 row_new (siyu_stage_get_label (s), stage_rule (s), label));
    }
  gtk_box_append (GTK_BOX (box), counts);

  gtk_stack_add_named (self->stack, scrolled_page (box), "stages");
}

static void
suggest_clicked_cb (SiyuModelWizard *self)
{
  if (self->loaded)
    suggest_tiers (self);
}

static void
build_tiers (SiyuModelWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *suggest = gtk_button_new_with_mnemonic (_("_Suggest"));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Member Tiers"));
  self->n_tiers_spin = spin_new (1, MAX_TIERS, 0, _("Number of tiers"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             row_new (_("Number of Tiers"), NULL, GTK_WIDGET (self->n_tiers_spin)));
  g_signal_connect_swapped (self->n_tiers_spin, "value-changed", G_CALLBACK (n_tiers_changed_cb), self);
  gtk_widget_set_valign (suggest, GTK_ALIGN_CENTER);
  set_accessible_label (suggest, _("Suggest thresholds from spend"));
  g_signal_connect_swapped (suggest, "clicked", G_CALLBACK (suggest_clicked_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             row_new (_("Thresholds From Spend"),
                                      _("At the 60th, 85th and 97th percentile of 365-day net spend for four "
                                        "tiers"), suggest));
  self->spend_label = wrap_label ("dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->spend_label), 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->spend_label));
  gtk_box_append (GTK_BOX (box), group);

  self->tiers_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->tiers_group, _("Tiers, Lowest First"));
  self->moves_label = wrap_label (NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->moves_label), "heading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tiers_group));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->moves_label));

  gtk_stack_add_named (self->stack, scrolled_page (box), "tiers");
}

static void
build_apply (SiyuModelWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *heading = gtk_label_new (_("Ready to Apply"));
  GtkWidget *note = GTK_WIDGET (wrap_label ("dim-label"));

  gtk_widget_add_css_class (heading, "title-2");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_box_append (GTK_BOX (box), heading);
  self->summary_label = wrap_label (NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->summary_label));
  gtk_label_set_text (GTK_LABEL (note),
                      _("Apply saves the model and counts every figure again. The stage history of the current "
                        "model is kept, and Undo puts it back."));
  gtk_box_append (GTK_BOX (box), note);
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  set_accessible_label (GTK_WIDGET (self->progress), _("Counting the figures again"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress));
  self->error_label = wrap_label ("error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  gtk_stack_add_named (self->stack, scrolled_page (box), "apply");
}

static void
build (SiyuModelWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Work It Out From My Shop"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->back_button = gtk_button_new_with_mnemonic (_("_Back"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->back_button), "wizard.back");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->back_button);
  self->next_button = gtk_button_new_with_mnemonic (_("_Next"));
  gtk_widget_add_css_class (self->next_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), "wizard.next");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->next_button);
  self->spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), TRUE);
  set_accessible_label (self->spinner, _("Counting"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->spinner);
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT);
  build_gaps (self);
  build_stages (self);
  build_tiers (self);
  build_apply (self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

static void
siyu_model_wizard_dispose (GObject *object)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->preview_cancellable);

  G_OBJECT_CLASS (siyu_model_wizard_parent_class)->dispose (object);
}

static void
siyu_model_wizard_finalize (GObject *object)
{
  SiyuModelWizard *self = SIYU_MODEL_WIZARD (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->preview_cancellable);
  g_clear_object (&self->runner);
  if (self->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->toast), (gpointer *) &self->toast);
  siyu_model_facts_free (self->facts);
  siyu_model_clear (&self->current);
  siyu_model_preview_clear (&self->preview);
  g_array_unref (self->tier_widgets);
  g_free (self->currency);
  g_free (self->error);
  g_free (self->previous);

  G_OBJECT_CLASS (siyu_model_wizard_parent_class)->finalize (object);
}

static void
siyu_model_wizard_class_init (SiyuModelWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_model_wizard_dispose;
  object_class->finalize = siyu_model_wizard_finalize;

  /**
   * SiyuModelWizard::model-changed:
   *
   * The model was applied, or put back by Undo; the figures are counted.
   */
  signals[MODEL_CHANGED] = g_signal_new ("model-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
siyu_model_wizard_init (SiyuModelWizard *self)
{
  self->cancellable = g_cancellable_new ();
  self->tier_widgets = g_array_new (FALSE, TRUE, sizeof (TierWidgets));
  gtk_window_set_title (GTK_WINDOW (self), _("Work It Out From My Shop"));
  gtk_window_set_default_size (GTK_WINDOW (self), 680, 720);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  build (self);
}

/**
 * siyu_model_wizard_new:
 * @parent: (nullable): the main window or the preferences window; the
 *   Undo toast goes there
 *
 * Opens the lifecycle and tier wizard and counts the shop's facts in its
 * worker.
 */
SiyuModelWizard *
siyu_model_wizard_new (GtkWindow      *parent,
                       SiyuShopRunner *runner)
{
  SiyuModelWizard *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_MODEL_WIZARD, NULL);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  self->runner = g_object_ref (runner);
  self->currency = g_strdup (siyu_shop_runner_get_currency (runner));
  self->digits = siyu_currency_digits (self->currency);
  self->loading = TRUE;
  gtk_widget_set_visible (self->spinner, TRUE);
  update_buttons (self);

  task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  g_task_set_source_tag (task, siyu_model_wizard_new);
  siyu_shop_runner_run (self->runner, task, load_job);

  return self;
}

/* For the tests. */
gboolean
_siyu_model_wizard_is_busy (SiyuModelWizard *self)
{
  return self->loading || self->previewing || self->applying;
}

const char *
_siyu_model_wizard_get_page (SiyuModelWizard *self)
{
  return pages[page_index (self)];
}

void
_siyu_model_wizard_next (SiyuModelWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
}

void
_siyu_model_wizard_back (SiyuModelWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.back", NULL);
}

GtkSpinButton *
_siyu_model_wizard_get_spin (SiyuModelWizard *self,
                             const char      *name)
{
  if (g_str_equal (name, "dormant"))
    return self->dormant_spin;
  if (g_str_equal (name, "lost"))
    return self->lost_spin;
  if (g_str_equal (name, "mature-orders"))
    return self->mature_orders_spin;
  if (g_str_equal (name, "mature-window"))
    return self->mature_window_spin;
  if (g_str_equal (name, "tiers"))
    return self->n_tiers_spin;
  if (g_str_has_prefix (name, "threshold-") || g_str_has_prefix (name, "capacity-"))
    {
      gboolean threshold = g_str_has_prefix (name, "threshold-");
      guint i = (guint) g_ascii_strtoull (strchr (name, '-') + 1, NULL, 10);

      if (i >= self->tier_widgets->len)
        return NULL;
      return threshold ? g_array_index (self->tier_widgets, TierWidgets, i).threshold
                       : g_array_index (self->tier_widgets, TierWidgets, i).capacity;
    }
  return NULL;
}

const char *
_siyu_model_wizard_get_text (SiyuModelWizard *self,
                             const char      *name)
{
  if (g_str_equal (name, "gaps"))
    return gtk_label_get_text (self->gap_label);
  if (g_str_equal (name, "spend"))
    return gtk_label_get_text (self->spend_label);
  if (g_str_equal (name, "moves"))
    return gtk_label_get_text (self->moves_label);
  if (g_str_equal (name, "summary"))
    return gtk_label_get_text (self->summary_label);
  if (g_str_has_prefix (name, "stage-"))
    {
      guint s = (guint) g_ascii_strtoull (name + 6, NULL, 10);

      return s < SIYU_N_STAGES ? gtk_label_get_text (self->stage_labels[s]) : NULL;
    }
  if (g_str_has_prefix (name, "tier-"))
    {
      guint i = (guint) g_ascii_strtoull (name + 5, NULL, 10);

      return i < self->tier_widgets->len
        ? adw_expander_row_get_subtitle (g_array_index (self->tier_widgets, TierWidgets, i).row) : NULL;
    }
  return NULL;
}

const SiyuModelPreview *
_siyu_model_wizard_get_preview (SiyuModelWizard *self)
{
  return self->have_preview ? &self->preview : NULL;
}

SiyuChart *
_siyu_model_wizard_get_chart (SiyuModelWizard *self)
{
  return self->chart;
}

const char *
_siyu_model_wizard_get_previous (SiyuModelWizard *self)
{
  return self->previous;
}

AdwToast *
_siyu_model_wizard_get_toast (SiyuModelWizard *self)
{
  return self->toast;
}

gboolean
_siyu_model_wizard_is_undone (SiyuModelWizard *self)
{
  return self->undone;
}

const char *
_siyu_model_wizard_get_error (SiyuModelWizard *self)
{
  return self->error;
}
