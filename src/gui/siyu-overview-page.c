/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-money.h"
#include "siyu-overview.h"
#include "siyu-overview-page-private.h"
#include "siyu-time.h"

typedef struct {
  GtkWidget *card;
  GtkLabel  *value;
  GtkLabel  *change;
  GtkLabel  *before;
} Card;

struct _SiyuOverviewPage
{
  GtkWidget     parent_instance;

  GtkStack     *stack;
  GtkLabel     *as_of_label;
  GtkFlowBox   *figures;
  AdwStatusPage *error_page;

  Card          cards[SIYU_N_FIGURES];
  SiyuShop     *shop;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (SiyuOverviewPage, siyu_overview_page, GTK_TYPE_WIDGET)

static const char * const titles[] = {
  N_("Contacts"),
  N_("Members"),
  N_("Buyers, last 30 days"),
  N_("Net sales, last 30 days"),
};

typedef struct {
  SiyuOverview overview;
  gint64       orders;
  char        *currency;
} Figures;

static void
figures_free (gpointer data)
{
  Figures *figures = data;

  g_free (figures->currency);
  g_free (figures);
}

static char *
format_count (gint64 n)
{
  g_autofree char *plain = g_strdup_printf ("%" G_GINT64_FORMAT, n < 0 ? -n : n);
  GString *out = g_string_new (n < 0 ? "−" : NULL);
  gsize len = strlen (plain);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, plain[i]);
    }

  return g_string_free (out, FALSE);
}

/* Contacts and members grow: say by how much. */
static char *
describe_growth (gint64 now,
                 gint64 before)
{
  g_autofree char *delta = NULL;

  if (now == before)
    return g_strdup (_("No change in 30 days"));

  delta = format_count (now - before);
  /* Translators: %s is a signed number, such as +142 or −3. */
  return g_strdup_printf (_("%s%s in 30 days"), now > before ? "+" : "", delta);
}

/* Buyers and sales are compared with the 30 days before, in percent. */
static char *
describe_change (gint64 now,
                 gint64 before)
{
  double percent;

  if (before == 0)
    return g_strdup (now == 0 ? _("None in either period") : _("None in the 30 days before"));
  if (now == before)
    return g_strdup (_("Same as the 30 days before"));

  percent = 100.0 * (double) (now - before) / (double) before;
  if (now > before)
    /* Translators: a rise against the 30 days before, e.g. “↑ 12.5 % on the 30 days before”. */
    return g_strdup_printf (_("↑ %.1f %% on the 30 days before"), percent);

  return g_strdup_printf (_("↓ %.1f %% on the 30 days before"), -percent);
}

static void
set_card (Card       *card,
          const char *title,
          const char *value,
          const char *change,
          const char *before)
{
  g_autofree char *description = g_strdup_printf ("%s: %s. %s. %s.", title, value, change, before);

  gtk_label_set_label (card->value, value);
  gtk_label_set_label (card->change, change);
  gtk_label_set_label (card->before, before);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card->card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

static void
show_figures (SiyuOverviewPage *self,
              Figures          *figures)
{
  const SiyuOverview *o = &figures->overview;
  g_autofree char *day = siyu_day_format (o->as_of);
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *date_text = NULL;
  g_autofree char *as_of = NULL;
  struct {
    char *value;
    char *change;
    char *before;
  } texts[SIYU_N_FIGURES];
  int y, m, d;

  if (o->contacts == 0 && figures->orders == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  siyu_day_to_ymd (o->as_of, &y, &m, &d);
  date = g_date_time_new_utc (y, m, d, 0, 0, 0);
  /* Translators: the day the figures are counted up to, strftime format; e.g. “%Y年%-m月%-d日”. */
  date_text = g_date_time_format (date, _("%-d %B %Y"));
  /* Translators: %s is a date. */
  as_of = g_strdup_printf (_("As of %s"), date_text);
  gtk_label_set_label (self->as_of_label, as_of);

  texts[SIYU_FIGURE_CONTACTS].value = format_count (o->contacts);
  texts[SIYU_FIGURE_CONTACTS].change = describe_growth (o->contacts, o->contacts_before);
  texts[SIYU_FIGURE_MEMBERS].value = format_count (o->members);
  texts[SIYU_FIGURE_MEMBERS].change = describe_growth (o->members, o->members_before);
  texts[SIYU_FIGURE_BUYERS].value = format_count (o->buyers);
  texts[SIYU_FIGURE_BUYERS].change = describe_change (o->buyers, o->buyers_before);
  texts[SIYU_FIGURE_NET_SALES].value = siyu_money_format (o->net_sales, figures->currency);
  texts[SIYU_FIGURE_NET_SALES].change = describe_change (o->net_sales, o->net_sales_before);

  {
    g_autofree char *c = format_count (o->contacts_before);
    g_autofree char *mb = format_count (o->members_before);
    g_autofree char *b = format_count (o->buyers_before);
    g_autofree char *s = siyu_money_format (o->net_sales_before, figures->currency);

    /* Translators: %s is the figure 30 days ago. */
    texts[SIYU_FIGURE_CONTACTS].before = g_strdup_printf (_("30 days earlier: %s"), c);
    texts[SIYU_FIGURE_MEMBERS].before = g_strdup_printf (_("30 days earlier: %s"), mb);
    /* Translators: %s is the figure of the 30 days before the last 30. */
    texts[SIYU_FIGURE_BUYERS].before = g_strdup_printf (_("The 30 days before: %s"), b);
    texts[SIYU_FIGURE_NET_SALES].before = g_strdup_printf (_("The 30 days before: %s"), s);
  }

  for (guint i = 0; i < SIYU_N_FIGURES; i++)
    {
      set_card (&self->cards[i], _(titles[i]), texts[i].value, texts[i].change, texts[i].before);
      g_free (texts[i].value);
      g_free (texts[i].change);
      g_free (texts[i].before);
    }

  gtk_stack_set_visible_child_name (self->stack, "figures");
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SiyuShop *shop = task_data;
  Figures *figures = g_new0 (Figures, 1);
  GError *error = NULL;
  gboolean ok;

  siyu_shop_lock (shop);
  figures->currency = g_strdup (siyu_shop_get_currency (shop));
  ok = siyu_overview_compute (shop, siyu_shop_get_today (shop), &figures->overview, &error);
  if (ok)
    {
      figures->orders = siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM orders", &error);
      ok = figures->orders >= 0;
    }
  siyu_shop_unlock (shop);

  if (!ok)
    {
      figures_free (figures);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, figures, figures_free);
}

static void
computed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Figures *figures = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuOverviewPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SIYU_OVERVIEW_PAGE (object);
  if (figures == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  show_figures (self, figures);
  figures_free (figures);
}

/**
 * siyu_overview_page_reload:
 *
 * Counts the figures again in a worker thread; the page shows a spinner
 * meanwhile.
 */
void
siyu_overview_page_reload (SiyuOverviewPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SIYU_IS_OVERVIEW_PAGE (self));

  if (self->shop == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_stack_set_visible_child_name (self->stack, "loading");

  task = g_task_new (self, self->cancellable, computed_cb, NULL);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, g_object_ref (self->shop), g_object_unref);
  g_task_run_in_thread (task, compute_thread);
}

void
siyu_overview_page_set_shop (SiyuOverviewPage *self,
                             SiyuShop         *shop)
{
  g_return_if_fail (SIYU_IS_OVERVIEW_PAGE (self));

  if (g_set_object (&self->shop, shop))
    siyu_overview_page_reload (self);
}

static void
build_cards (SiyuOverviewPage *self)
{
  for (guint i = 0; i < SIYU_N_FIGURES; i++)
    {
      Card *card = &self->cards[i];
      GtkWidget *title = gtk_label_new (_(titles[i]));

      card->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_add_css_class (card->card, "card");
      gtk_widget_add_css_class (card->card, "figure");
      gtk_accessible_update_property (GTK_ACCESSIBLE (card->card), GTK_ACCESSIBLE_PROPERTY_LABEL, _(titles[i]), -1);

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "caption-heading");
      gtk_widget_add_css_class (title, "dim-label");
      card->value = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (card->value, 0);
      gtk_label_set_selectable (card->value, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (card->value), "title-1");
      gtk_widget_add_css_class (GTK_WIDGET (card->value), "numeric");
      card->change = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (card->change, 0);
      gtk_label_set_wrap (card->change, TRUE);
      card->before = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (card->before, 0);
      gtk_label_set_wrap (card->before, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (card->before), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (card->before), "caption");

      gtk_box_append (GTK_BOX (card->card), title);
      gtk_box_append (GTK_BOX (card->card), GTK_WIDGET (card->value));
      gtk_box_append (GTK_BOX (card->card), GTK_WIDGET (card->change));
      gtk_box_append (GTK_BOX (card->card), GTK_WIDGET (card->before));
      gtk_flow_box_append (self->figures, card->card);
    }
}

static void
siyu_overview_page_dispose (GObject *object)
{
  SiyuOverviewPage *self = (SiyuOverviewPage *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_OVERVIEW_PAGE);

  G_OBJECT_CLASS (siyu_overview_page_parent_class)->dispose (object);
}

static void
siyu_overview_page_finalize (GObject *object)
{
  SiyuOverviewPage *self = (SiyuOverviewPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->shop);

  G_OBJECT_CLASS (siyu_overview_page_parent_class)->finalize (object);
}

static void
siyu_overview_page_class_init (SiyuOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_overview_page_dispose;
  object_class->finalize = siyu_overview_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, as_of_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, figures);
  gtk_widget_class_bind_template_child (widget_class, SiyuOverviewPage, error_page);
}

static void
siyu_overview_page_init (SiyuOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_cards (self);
}

SiyuOverviewPage *
siyu_overview_page_new (void)
{
  return g_object_new (SIYU_TYPE_OVERVIEW_PAGE, NULL);
}

const char *
_siyu_overview_page_get_state (SiyuOverviewPage *self)
{
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
  return gtk_label_get_label (self->cards[figure].value);
}

const char *
_siyu_overview_page_get_change (SiyuOverviewPage *self,
                                SiyuFigure        figure)
{
  return gtk_label_get_label (self->cards[figure].change);
}

const char *
_siyu_overview_page_get_before (SiyuOverviewPage *self,
                                SiyuFigure        figure)
{
  return gtk_label_get_label (self->cards[figure].before);
}
