/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-contact-filter-variant.h"
#include "siyu-figure-card.h"
#include "siyu-freshness.h"
#include "siyu-money.h"
#include "siyu-overview.h"
#include "siyu-overview-page-private.h"
#include "siyu-recompute.h"
#include "siyu-shop-lists.h"
#include "siyu-shop-picture.h"
#include "siyu-time.h"

struct _SiyuOverviewPage
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  GtkRevealer    *stale_revealer;
  GtkWidget      *stale_button;
  GtkLabel       *as_of_label;
  AdwStatusPage  *error_page;
  SiyuFigureCard *cards[SIYU_N_FIGURES];
  GtkLabel       *counted_label;
  GtkWidget      *recount_button;
  GtkProgressBar *recount_progress;
  SiyuShopPicture *picture;

  SiyuShopRunner *runner;
  gulong          changed_id;
  GCancellable   *cancellable;
  guint           spinner_source;
  gboolean        loading;
  GCancellable   *recount_cancellable;
  int            *recount_permille;  /* shared with the worker */
  guint           recount_source;
  gboolean        never_counted;
};

G_DEFINE_FINAL_TYPE (SiyuOverviewPage, siyu_overview_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the worker hands back: the figures, and whether the shop has
 * anything at all yet. */
typedef struct {
  SiyuOverview        overview;
  SiyuFreshness       freshness;
  SiyuStoredAnalytics stored;
  gboolean            empty;
  gboolean            figures_stale;
  char               *currency;
} Figures;

static void
figures_free (gpointer data)
{
  Figures *figures = data;

  siyu_stored_analytics_clear (&figures->stored);
  g_free (figures->currency);
  g_free (figures);
}

/* Whole percent from 10 % up, one decimal below that. */
static char *
format_percent (double percent)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, percent >= 9.95 ? "%.0f" : "%.1f", percent));
}

/* Contacts and members are counts that grow: say by how much. */
static char *
describe_growth (gint64 now,
                 gint64 before)
{
  g_autofree char *delta = NULL;

  if (now == before)
    return g_strdup (_("No change in 30 days"));

  delta = siyu_count_format (now - before);
  /* Translators: %s%s is a signed number, such as +142 or −3: the sign, then the number. */
  return g_strdup_printf (_("%s%s in 30 days"), now > before ? "+" : "", delta);
}

/* Buyers and sales are counted over 30 days: compare them with the 30 days
 * before, in percent. */
static char *
describe_change (gint64 now,
                 gint64 before)
{
  g_autofree char *percent = NULL;

  if (before == 0)
    return g_strdup (now == 0 ? _("None in either period") : _("None in the 30 days before"));
  if (now == before)
    return g_strdup (_("Same as the 30 days before"));

  percent = format_percent (100.0 * (double) ABS (now - before) / (double) before);
  if (now > before)
    /* Translators: a rise compared with the 30 days before, e.g. “↑ 12 % vs. the 30 days before”. */
    return g_strdup_printf (_("↑ %s %% vs. the 30 days before"), percent);

  /* Translators: a fall compared with the 30 days before, e.g. “↓ 4.5 % vs. the 30 days before”. */
  return g_strdup_printf (_("↓ %s %% vs. the 30 days before"), percent);
}

static char *
format_day (SiyuDay day)
{
  g_autoptr(GDateTime) date = NULL;
  int y, m, d;

  siyu_day_to_ymd (day, &y, &m, &d);
  date = g_date_time_new_utc (y, m, d, 0, 0, 0);
  /* Translators: the day the figures are counted up to, as a strftime format, e.g. “%Y年%-m月%-d日”. */
  return g_date_time_format (date, _("%-d %B %Y"));
}

static char *
format_as_of (SiyuDay day)
{
  g_autofree char *text = format_day (day);

  /* Translators: %s is a date, e.g. “As of 15 November 2026”. */
  return g_strdup_printf (_("As of %s"), text);
}

/* When the newest order is more than a week old, the figures are counted
 * up to its day, and the page says so. */
static char *
format_data_up_to (SiyuDay day)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *text = NULL;
  int y, m, d;

  siyu_day_to_ymd (day, &y, &m, &d);
  date = g_date_time_new_utc (y, m, d, 0, 0, 0);
  /* Translators: the day of the newest order, as a strftime format, e.g. “%Y-%m-%d”. */
  text = g_date_time_format (date, C_("data up to", "%-d %B %Y"));

  /* Translators: %s is the day of the newest order, e.g. “Data up to 31 October 2026”: the
   * figures are counted up to it because it is more than a week old. */
  return g_strdup_printf (_("Data up to %s"), text);
}

static void
show_picture (SiyuOverviewPage *self,
              const Figures    *figures)
{
  const SiyuStoredAnalytics *stored = &figures->stored;
  g_autofree char *text = NULL;

  self->never_counted = stored->summary == NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->picture), stored->summary != NULL);
  /* Figures never counted say so below, with Count Now. */
  gtk_revealer_set_reveal_child (self->stale_revealer, figures->figures_stale && stored->summary != NULL);
  if (stored->summary == NULL)
    {
      gtk_label_set_label (self->counted_label,
                           _("Stages, scores, tiers and the other figures of each customer have not been counted "
                             "yet. Counting them takes a few seconds."));
      /* Translators: counts every stage, score and tier for the first time. */
      gtk_button_set_label (GTK_BUTTON (self->recount_button), _("_Count Now"));
      return;
    }

  if (stored->as_of != figures->overview.as_of)
    {
      g_autofree char *day = format_as_of (stored->as_of);

      /* Translators: %s is “As of 15 November 2026”: the charts are older than the figures above. */
      text = g_strdup_printf (_("The charts below were counted %s. Count again to bring them up to date."),
                              day);
    }
  else
    text = g_strdup (_("Stages, scores and tiers as counted on the same day. Click a bar or a cell to see "
                       "the contacts behind it."));
  gtk_label_set_label (self->counted_label, text);
  gtk_button_set_label (GTK_BUTTON (self->recount_button), _("_Count Again"));

  {
    SiyuPictureFigures picture = {
      json_node_get_object (stored->summary),
      json_node_get_array (stored->cohorts),
      stored->close,
      figures->currency,
    };

    siyu_shop_picture_set_figures (self->picture, &picture);
  }
}

static void
show_figures (SiyuOverviewPage *self,
              const Figures    *figures)
{
  const SiyuOverview *o = &figures->overview;
  g_autofree char *as_of = NULL;
  g_autofree char *contacts = siyu_count_format (o->contacts);
  g_autofree char *contacts_change = describe_growth (o->contacts, o->contacts_before);
  g_autofree char *contacts_before = siyu_count_format (o->contacts_before);
  g_autofree char *contacts_then = NULL;
  g_autofree char *members = siyu_count_format (o->members);
  g_autofree char *members_change = describe_growth (o->members, o->members_before);
  g_autofree char *members_before = siyu_count_format (o->members_before);
  g_autofree char *members_then = NULL;
  g_autofree char *buyers = siyu_count_format (o->buyers);
  g_autofree char *buyers_change = describe_change (o->buyers, o->buyers_before);
  g_autofree char *buyers_before = siyu_count_format (o->buyers_before);
  g_autofree char *buyers_then = NULL;
  g_autofree char *sales = siyu_money_format (o->net_sales, figures->currency);
  g_autofree char *sales_change = describe_change (o->net_sales, o->net_sales_before);
  g_autofree char *sales_before = siyu_money_format (o->net_sales_before, figures->currency);
  g_autofree char *sales_then = NULL;

  if (figures->empty)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (figures->freshness.stale)
    {
      as_of = format_data_up_to (o->as_of);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->as_of_label),
                                   _("The newest order is more than a week old, so every figure is counted up "
                                     "to its day rather than today. Import or sync newer orders to bring them "
                                     "up to date."));
    }
  else
    {
      as_of = format_as_of (o->as_of);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->as_of_label), NULL);
    }
  gtk_label_set_label (self->as_of_label, as_of);

  /* Translators: %s is a count on the day 30 days before the as-of date. */
  contacts_then = g_strdup_printf (_("30 days earlier: %s"), contacts_before);
  members_then = g_strdup_printf (_("30 days earlier: %s"), members_before);
  /* Translators: %s is a count or an amount over the 30 days before the last 30 days. */
  buyers_then = g_strdup_printf (_("The 30 days before: %s"), buyers_before);
  sales_then = g_strdup_printf (_("The 30 days before: %s"), sales_before);

  siyu_figure_card_set_figure (self->cards[SIYU_FIGURE_CONTACTS], contacts, contacts_change, contacts_then);
  siyu_figure_card_set_figure (self->cards[SIYU_FIGURE_MEMBERS], members, members_change, members_then);
  siyu_figure_card_set_figure (self->cards[SIYU_FIGURE_BUYERS], buyers, buyers_change, buyers_then);
  siyu_figure_card_set_figure (self->cards[SIYU_FIGURE_NET_SALES], sales, sales_change, sales_then);

  show_picture (self, figures);
  gtk_stack_set_visible_child_name (self->stack, "figures");
}

static void
compute_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Figures *figures = g_new0 (Figures, 1);
  GError *error = NULL;
  gint64 anything;

  figures->currency = g_strdup (siyu_shop_get_currency (shop));
  anything = siyu_shop_has_data (shop, &error);
  if (anything < 0 ||
      !siyu_freshness_get (shop, &figures->freshness, &error) ||
      !siyu_overview_compute (shop, figures->freshness.as_of, &figures->overview, &error) ||
      !siyu_stored_analytics_load (shop, &figures->stored, &error) ||
      !siyu_shop_figures_are_stale (shop, &figures->figures_stale, &error))
    {
      figures_free (figures);
      g_task_return_error (task, error);
      return;
    }

  figures->empty = anything == 0;
  g_task_return_pointer (task, figures, figures_free);
}

static void
loaded (SiyuOverviewPage *self)
{
  self->loading = FALSE;
  g_clear_handle_id (&self->spinner_source, g_source_remove);
}

static gboolean
show_spinner_cb (gpointer user_data)
{
  SiyuOverviewPage *self = user_data;

  self->spinner_source = 0;
  gtk_stack_set_visible_child_name (self->stack, "loading");

  return G_SOURCE_REMOVE;
}

static void
computed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Figures *figures = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuOverviewPage *self;

  /* Also when the page went away meanwhile: it cancels on dispose. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SIYU_OVERVIEW_PAGE (object);
  loaded (self);
  if (figures == NULL)
    {
      g_warning ("Could not count the Overview figures: %s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  show_figures (self, figures);
  figures_free (figures);
}

static void
recount_progress_cb (double   fraction,
                     gpointer user_data)
{
  g_atomic_int_set ((int *) user_data, (int) (CLAMP (fraction, 0, 1) * 1000));
}

static void
recount_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  SiyuDay as_of;

  if (!siyu_freshness_as_of (shop, &as_of, &error) ||
      !siyu_recompute (shop, as_of, recount_progress_cb, task_data, cancellable, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
recount_tick_cb (gpointer user_data)
{
  SiyuOverviewPage *self = user_data;

  gtk_progress_bar_set_fraction (self->recount_progress, g_atomic_int_get (self->recount_permille) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void
recount_done (SiyuOverviewPage *self)
{
  g_clear_handle_id (&self->recount_source, g_source_remove);
  g_clear_object (&self->recount_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->recount_progress), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->recount_button), "page.recount");
  gtk_button_set_label (GTK_BUTTON (self->recount_button), self->never_counted ? _("_Count Now") : _("_Count Again"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.stop-recount", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.recount", !siyu_shop_runner_is_read_only (self->runner));
}

static void
recounted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean done = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuOverviewPage *self = SIYU_OVERVIEW_PAGE (object);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;
  recount_done (self);

  if (!done)
    {
      g_autofree char *text = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                              ? g_strdup (_("Stopped counting. The figures are as they were."))
                              : g_strdup_printf (_("Could not count the figures: %s"), error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
      return;
    }

  /* Every place shows stages and scores. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.reload-places", NULL))
    siyu_overview_page_reload (self);
}

static void
recount_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SiyuOverviewPage *self = SIYU_OVERVIEW_PAGE (widget);
  g_autoptr(GTask) task = NULL;

  if (self->recount_cancellable != NULL)
    return;

  self->recount_cancellable = g_cancellable_new ();
  g_atomic_int_set (self->recount_permille, 0);
  gtk_progress_bar_set_fraction (self->recount_progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->recount_progress), TRUE);
  gtk_widget_action_set_enabled (widget, "page.stop-recount", TRUE);
  gtk_widget_action_set_enabled (widget, "page.recount", FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->recount_button), "page.stop-recount");
  /* Translators: stops counting the figures; nothing changes. */
  gtk_button_set_label (GTK_BUTTON (self->recount_button), _("_Stop Counting"));
  self->recount_source = g_timeout_add (100, recount_tick_cb, self);

  task = g_task_new (self, self->recount_cancellable, recounted_cb, NULL);
  g_task_set_source_tag (task, recount_action);
  g_task_set_task_data (task, g_atomic_rc_box_acquire (self->recount_permille), g_atomic_rc_box_release);
  siyu_shop_runner_run (self->runner, task, recount_job);
}

static void
stop_recount_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SiyuOverviewPage *self = SIYU_OVERVIEW_PAGE (widget);

  if (self->recount_cancellable != NULL)
    g_cancellable_cancel (self->recount_cancellable);
}

static void
show_contacts_cb (SiyuOverviewPage        *self,
                  const SiyuContactFilter *filter,
                  const char              *description)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-contacts", "(@a{sv}s)",
                              siyu_contact_filter_to_variant (filter), description != NULL ? description : "");
}

static void
runner_settings_changed_cb (SiyuOverviewPage *self)
{
  siyu_overview_page_reload (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_overview_page_reload (SIYU_OVERVIEW_PAGE (widget));
}

static void
siyu_overview_page_constructed (GObject *object)
{
  SiyuOverviewPage *self = SIYU_OVERVIEW_PAGE (object);

  G_OBJECT_CLASS (siyu_overview_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (runner_settings_changed_cb), self);
  /* Counting stores the figures: a shop opened read-only shows them as
   * they are. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.recount", !siyu_shop_runner_is_read_only (self->runner));
  siyu_overview_page_reload (self);
}

static void
siyu_overview_page_dispose (GObject *object)
{
  SiyuOverviewPage *self = (SiyuOverviewPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->recount_cancellable);
  g_clear_handle_id (&self->spinner_source, g_source_remove);
  g_clear_handle_id (&self->recount_source, g_source_remove);
  if (self->runner != NULL)
    g_clear_signal_handler (&self->changed_id, self->runner);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_OVERVIEW_PAGE);

  G_OBJECT_CLASS (siyu_overview_page_parent_class)->dispose (object);
}

static void
siyu_overview_page_finalize (GObject *object)
{
  SiyuOverviewPage *self = (SiyuOverviewPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->recount_cancellable);
  g_clear_pointer (&self->recount_permille, g_atomic_rc_box_release);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (siyu_overview_page_parent_class)->finalize (object);
}

static void
siyu_overview_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SiyuOverviewPage *self = SIYU_OVERVIEW_PAGE (object);

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
siyu_overview_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SiyuOverviewPage *self = SIYU_OVERVIEW_PAGE (object);

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
siyu_overview_page_class_init (SiyuOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_overview_page_constructed;
  object_class->dispose = siyu_overview_page_dispose;
  object_class->finalize = siyu_overview_page_finalize;
  object_class->get_property = siyu_overview_page_get_property;
  object_class->set_property = siyu_overview_page_set_property;

  /* Every page of a shop's window is made with its shop's runner. */
  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SIYU_TYPE_FIGURE_CARD);
  g_type_ensure (SIYU_TYPE_SHOP_PICTURE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, stale_revealer);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, stale_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, as_of_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, error_page);
  gtk_widget_class_bind_template_child_full (widget_class, "contacts_card", FALSE,
                                             G_STRUCT_OFFSET (SiyuOverviewPage, cards[SIYU_FIGURE_CONTACTS]));
  gtk_widget_class_bind_template_child_full (widget_class, "members_card", FALSE,
                                             G_STRUCT_OFFSET (SiyuOverviewPage, cards[SIYU_FIGURE_MEMBERS]));
  gtk_widget_class_bind_template_child_full (widget_class, "buyers_card", FALSE,
                                             G_STRUCT_OFFSET (SiyuOverviewPage, cards[SIYU_FIGURE_BUYERS]));
  gtk_widget_class_bind_template_child_full (widget_class, "sales_card", FALSE,
                                             G_STRUCT_OFFSET (SiyuOverviewPage, cards[SIYU_FIGURE_NET_SALES]));

  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, counted_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, recount_button);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, recount_progress);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, picture);
  gtk_widget_class_bind_template_callback (widget_class, show_contacts_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.recount", NULL, recount_action);
  gtk_widget_class_install_action (widget_class, "page.stop-recount", NULL, stop_recount_action);
}

static void
siyu_overview_page_init (SiyuOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->recount_permille = g_atomic_rc_box_new0 (int);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.stop-recount", FALSE);
}

SiyuOverviewPage *
siyu_overview_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_OVERVIEW_PAGE, "runner", runner, NULL);
}

/**
 * siyu_overview_page_reload:
 *
 * Counts the figures again in the shop's worker.  The page shows a
 * spinner meanwhile, unless it already shows figures and the new ones come
 * quickly: then they just replace the old ones.
 */
void
siyu_overview_page_reload (SiyuOverviewPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SIYU_IS_OVERVIEW_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  self->loading = TRUE;
  g_clear_handle_id (&self->spinner_source, g_source_remove);
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "figures"))
    self->spinner_source = g_timeout_add (300, show_spinner_cb, self);
  else
    gtk_stack_set_visible_child_name (self->stack, "loading");

  task = g_task_new (self, self->cancellable, computed_cb, NULL);
  g_task_set_source_tag (task, siyu_overview_page_reload);
  siyu_shop_runner_run (self->runner, task, compute_job);
}

const char *
_siyu_overview_page_get_state (SiyuOverviewPage *self)
{
  if (self->loading)
    return "loading";

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
_siyu_overview_page_get_as_of (SiyuOverviewPage *self)
{
  return gtk_label_get_label (self->as_of_label);
}

const char *
_siyu_overview_page_get_value (SiyuOverviewPage *self,
                               SiyuFigure        figure)
{
  return siyu_figure_card_get_value (self->cards[figure]);
}

const char *
_siyu_overview_page_get_change (SiyuOverviewPage *self,
                                SiyuFigure        figure)
{
  return siyu_figure_card_get_change (self->cards[figure]);
}

const char *
_siyu_overview_page_get_before (SiyuOverviewPage *self,
                                SiyuFigure        figure)
{
  return siyu_figure_card_get_before (self->cards[figure]);
}

GtkWidget *
_siyu_overview_page_get_value_label (SiyuOverviewPage *self,
                                     SiyuFigure        figure)
{
  return siyu_figure_card_get_value_label (self->cards[figure]);
}

SiyuShopPicture *
_siyu_overview_page_get_picture (SiyuOverviewPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->picture)) ? self->picture : NULL;
}

const char *
_siyu_overview_page_get_counted_text (SiyuOverviewPage *self)
{
  return gtk_label_get_label (self->counted_label);
}

gboolean
_siyu_overview_page_is_counting (SiyuOverviewPage *self)
{
  return self->recount_cancellable != NULL;
}

/* Whether the note that the figures are from before the last change shows. */
gboolean
_siyu_overview_page_shows_stale (SiyuOverviewPage *self)
{
  g_return_val_if_fail (SIYU_IS_OVERVIEW_PAGE (self), FALSE);

  return gtk_revealer_get_reveal_child (self->stale_revealer);
}

GtkWidget *
_siyu_overview_page_get_stale_button (SiyuOverviewPage *self)
{
  g_return_val_if_fail (SIYU_IS_OVERVIEW_PAGE (self), NULL);

  return self->stale_button;
}
