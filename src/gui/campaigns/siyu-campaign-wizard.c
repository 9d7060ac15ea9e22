/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-campaign-wizard"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "siyu-campaign.h"
#include "siyu-campaign-wizard-private.h"
#include "siyu-chart.h"
#include "siyu-money.h"
#include "siyu-orders.h"
#include "siyu-time.h"

/* The campaign rhythm wizard, three pages and Save:
 *   basics     the name, the sale days, the GMV target and the channel;
 *   deduction  the GMV gap deduction of ANALYTICS.md as a table and a
 *              waterfall, every input editable: the reference window
 *              (deduced again on the shop's worker), the average order
 *              value, orders per buyer and the split weights (recomputed
 *              in a thread after a short pause);
 *   rhythm     the four phases with their dates, message themes, segments
 *              to reach and touch days, above a timeline.
 * The plan (SiyuCampaignPlan of the core) is the state; while a job works
 * on it, the main thread only reads it again once the job is done. */

#define RECOMPUTE_DELAY_MS 150
#define REPLAN_DELAY_MS    400

struct _SiyuCampaignWizard
{
  AdwWindow            parent_instance;

  SiyuShopRunner      *runner;
  GCancellable        *cancellable;

  AdwWindowTitle      *title;
  GtkStack            *stack;
  GtkWidget           *back_button;
  GtkWidget           *next_button;
  GtkWidget           *spinner;

  /* basics */
  GtkEntry            *name_entry;
  GtkEntry            *first_entry;
  GtkEntry            *last_entry;
  GtkEntry            *target_entry;
  GtkDropDown         *channel_dropdown;
  GArray              *channel_ids;     /* (element-type gint64): 0 first, for all */
  GtkLabel            *basics_error;

  /* deduction */
  GtkEntry            *ref_first_entry;
  GtkEntry            *ref_last_entry;
  GtkLabel            *reference_label;
  GtkSpinButton       *aov_spin;
  GtkSpinButton       *opb_spin;
  GtkLabel            *figures_label;
  GtkLabel            *thin_label;
  GtkLabel            *overlap_label;
  GtkLabel            *deduction_error;
  GtkGrid             *table;
  GtkLabel            *cells[SIYU_N_STAGES][6];
  GtkSpinButton       *weights[SIYU_N_STAGES];
  GtkLabel            *unassigned_label;
  SiyuChart           *chart;
  /* The figures as last shown: a spin button rounds what it shows, so a
   * value within half its last digit of these is taken as unchanged. */
  double               shown_aov;
  double               shown_opb;
  double               shown_weights[SIYU_N_STAGES];

  /* rhythm */
  GtkWidget           *rhythm_box;
  GtkWidget           *timeline;
  GPtrArray           *phase_widgets;   /* (element-type PhaseWidgets) */
  GtkLabel            *rhythm_error;

  SiyuCampaignPlan    *plan;
  SiyuDay              today;
  int                  digits;          /* of the shop's currency */
  gboolean             loading;         /* the channels and today */
  gboolean             planning;        /* siyu_campaign_plan_new () on the worker */
  gboolean             saving;
  gboolean             rhythm_stale;    /* the rhythm page shows an older plan */
  guint                recompute_source;
  guint                replan_source;
  guint                frozen;          /* > 0 while the widgets are filled from the plan */
  char                *plan_name;
};

G_DEFINE_FINAL_TYPE (SiyuCampaignWizard, siyu_campaign_wizard, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  GtkEntry  *first;
  GtkEntry  *last;
  GtkWidget *theme;   /* an AdwEntryRow */
  GPtrArray *reach;   /* (element-type GtkSpinButton), a target each */
  GPtrArray *days;    /* (element-type GtkEntry), a target each */
} PhaseWidgets;

static void
phase_widgets_free (gpointer data)
{
  PhaseWidgets *widgets = data;

  g_ptr_array_unref (widgets->reach);
  g_ptr_array_unref (widgets->days);
  g_free (widgets);
}

static void update_buttons (SiyuCampaignWizard *self);

/* ── small helpers ───────────────────────────────────────────────────── */

static char *
decimal_format (double value,
                const char *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static void
set_error (GtkLabel   *label,
           const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL && message[0] != '\0');
}

static GtkLabel *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (text));

  gtk_label_set_xalign (label, 0);
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  return label;
}

static void
set_accessible_label (gpointer    widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Reads a day written YYYY-MM-DD; an empty text is SIYU_DAY_INVALID. */
static gboolean
parse_day (GtkEntry *entry,
           SiyuDay  *day)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  *day = SIYU_DAY_INVALID;
  if (text[0] == '\0')
    return TRUE;
  return siyu_day_parse (text, day);
}

static void
set_day (GtkEntry *entry,
         SiyuDay   day)
{
  g_autofree char *text = day != SIYU_DAY_INVALID ? siyu_day_format (day) : g_strdup ("");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* Reads an amount in major units (“200000”, “200,000.50”, “¥200000”) into
 * minor units; FALSE when it is not a number. */
static gboolean
parse_money (const char *text,
             int         digits,
             gint64     *amount)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  char *end = NULL;
  double value;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_ascii_isdigit (c) || c == '.' || c == '-')
        g_string_append_c (clean, (char) c);
      else if (c == '+' || c == ',' || c == ' ' || c == 0x00a5 || c == 0xffe5 || c == 0x5143)
        continue;  /* signs, separators, ¥, ￥ and 元 */
      else if (c == 0x2212)
        g_string_append_c (clean, '-');
      else
        return FALSE;
    }
  if (clean->len == 0)
    return FALSE;
  value = g_ascii_strtod (clean->str, &end);
  if (end == NULL || *end != '\0' || !isfinite (value) || fabs (value) > 1e15)
    return FALSE;
  *amount = (gint64) llround (value * pow (10, digits));
  return TRUE;
}

/* ── the calendar next to a day's entry ──────────────────────────────── */

static void
calendar_day_selected_cb (GtkCalendar *calendar,
                          GtkEntry    *entry)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
calendar_shown_cb (GtkPopover *popover,
                   GtkEntry   *entry)
{
  GtkCalendar *calendar = GTK_CALENDAR (gtk_popover_get_child (popover));
  SiyuDay day;
  int y, m, d;

  if (parse_day (entry, &day) && day != SIYU_DAY_INVALID)
    {
      g_autoptr(GDateTime) date = NULL;

      siyu_day_to_ymd (day, &y, &m, &d);
      date = g_date_time_new_local (y, m, d, 12, 0, 0);
      if (date != NULL)
        gtk_calendar_select_day (calendar, date);
    }
}

/* An entry for a day, with a calendar to pick it from. */
static GtkWidget *
day_field (GtkEntry  **entry_out,
           const char *accessible,
           const char *placeholder)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();
  g_autofree char *pick = g_strdup_printf (_("Pick %s from a calendar"), accessible);

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 11);
  gtk_entry_set_input_hints (GTK_ENTRY (entry), GTK_INPUT_HINT_NO_EMOJI);
  set_accessible_label (entry, accessible);
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_widget_set_tooltip_text (button, pick);
  set_accessible_label (button, pick);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (calendar_day_selected_cb), entry);
  g_signal_connect (popover, "show", G_CALLBACK (calendar_shown_cb), entry);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), button);
  *entry_out = GTK_ENTRY (entry);

  return box;
}

static GtkWidget *
field_row (const char *title,
           const char *subtitle,
           GtkWidget  *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  /* Tab goes from field to field, not through the rows. */
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

/* ── spin buttons in a scrolled page ─────────────────────────────────── */

/* The mouse wheel over a spin button that does not have the focus scrolls
 * the page, as in GNOME Settings, instead of turning a weight of 0.17 into
 * 0.00 while the owner only meant to read on. */
static gboolean
spin_scrolled_cb (GtkEventControllerScroll *controller,
                  double                    dx,
                  double                    dy,
                  gpointer                  user_data)
{
  GtkWidget *spin = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkRoot *root = gtk_widget_get_root (spin);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;
  double step;

  if (focus != NULL && (focus == spin || gtk_widget_is_ancestor (focus, spin)))
    return FALSE;
  scrolled = gtk_widget_get_ancestor (spin, GTK_TYPE_SCROLLED_WINDOW);
  if (scrolled == NULL)
    return TRUE;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_SURFACE)
    step = dy;
  else
    step = dy * pow (gtk_adjustment_get_page_size (adjustment), 2.0 / 3.0);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + step);
  return TRUE;
}

static GtkWidget *
page_spin_new (double low,
               double high,
               double step)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (low, high, step);
  GtkEventController *controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "scroll", G_CALLBACK (spin_scrolled_cb), NULL);
  gtk_widget_add_controller (spin, controller);
  g_object_set_data (G_OBJECT (spin), "page-scroll", controller);
  return spin;
}

/* ── the timeline ────────────────────────────────────────────────────── */

typedef struct {
  guint    n;
  SiyuDay  first[SIYU_CAMPAIGN_N_PHASES];
  SiyuDay  last[SIYU_CAMPAIGN_N_PHASES];
  char    *labels[SIYU_CAMPAIGN_N_PHASES];
  SiyuDay  today;
} Timeline;

static void
timeline_free (gpointer data)
{
  Timeline *timeline = data;

  for (guint i = 0; i < timeline->n; i++)
    g_free (timeline->labels[i]);
  g_free (timeline);
}

/* The phases' mid tones: green seeding, yellow growing, orange harvest,
 * blue nurturing (GNOME's palette). */
static const GdkRGBA phase_colors[] = {
  { 0x2e / 255.f, 0xc2 / 255.f, 0x7e / 255.f, 1.f },
  { 0xf5 / 255.f, 0xc2 / 255.f, 0x11 / 255.f, 1.f },
  { 0xe6 / 255.f, 0x61 / 255.f, 0x00 / 255.f, 1.f },
  { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, 1.f },
};

/* Where each phase is drawn: as wide as its days, but never narrower than
 * its name and dates, so that a one-day harvest is a labelled bar and not
 * an unlabelled sliver; the others give up the room in proportion. */
static void
lay_out_timeline (Timeline    *timeline,
                  GtkWidget   *widget,
                  int          width,
                  double      *x0,
                  double      *x1)
{
  SiyuDay start = G_MAXINT32, end = G_MININT32;
  double need[SIYU_CAMPAIGN_N_PHASES], natural[SIYU_CAMPAIGN_N_PHASES];
  double total = 0, spare = 0, span, x;
  gboolean in_order = TRUE;

  for (guint i = 0; i < timeline->n; i++)
    {
      g_autofree char *first = siyu_day_format (timeline->first[i]);
      g_autofree char *last = siyu_day_format (timeline->last[i]);
      g_autofree char *dates = g_strdup_printf ("%s\n%s", first + 5, last + 5);
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, timeline->labels[i]);
      int tw, th, dw, dh;

      pango_layout_get_pixel_size (layout, &tw, &th);
      g_object_unref (layout);
      layout = gtk_widget_create_pango_layout (widget, dates);
      pango_layout_get_pixel_size (layout, &dw, &dh);
      g_object_unref (layout);
      need[i] = MAX (tw, dw) + 8;
      start = MIN (start, timeline->first[i]);
      end = MAX (end, timeline->last[i]);
      if (i > 0 && timeline->first[i] <= timeline->last[i - 1])
        in_order = FALSE;
    }
  span = (double) end - start + 1;

  for (guint i = 0; i < timeline->n; i++)
    {
      natural[i] = width * (timeline->last[i] - timeline->first[i] + 1) / span;
      total += MAX (natural[i], need[i]);
      if (natural[i] > need[i])
        spare += natural[i] - need[i];
    }
  /* Overlapping phases, or no room to give: as wide as their days. */
  if (!in_order || total - width > spare)
    {
      for (guint i = 0; i < timeline->n; i++)
        {
          x0[i] = width * (timeline->first[i] - start) / span;
          x1[i] = width * (timeline->last[i] - start + 1) / span;
        }
      return;
    }

  x = 0;
  for (guint i = 0; i < timeline->n; i++)
    {
      double w = natural[i] > need[i] ? natural[i] - (natural[i] - need[i]) * MAX (0, total - width) / spare
                                      : need[i];

      if (i > 0)
        x += width * (timeline->first[i] - timeline->last[i - 1] - 1) / span;
      x0[i] = x;
      x1[i] = x + w;
      x += w;
    }
}

static void
draw_timeline (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  Timeline *timeline = g_object_get_data (G_OBJECT (area), "timeline");
  double x0[SIYU_CAMPAIGN_N_PHASES], x1[SIYU_CAMPAIGN_N_PHASES];
  GdkRGBA fg;
  double bar_y = 4, bar_h = 28;

  if (timeline == NULL || timeline->n == 0)
    return;
  lay_out_timeline (timeline, GTK_WIDGET (area), width, x0, x1);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);

  for (guint i = 0; i < timeline->n; i++)
    {
      g_autofree char *first = siyu_day_format (timeline->first[i]);
      g_autofree char *last = siyu_day_format (timeline->last[i]);
      g_autofree char *dates = g_strdup_printf ("%s\n%s", first + 5, last + 5);
      PangoLayout *layout;
      int tw, th;

      gdk_cairo_set_source_rgba (cr, &phase_colors[i % G_N_ELEMENTS (phase_colors)]);
      cairo_rectangle (cr, x0[i] + 1, bar_y, MAX (1.0, x1[i] - x0[i] - 2), bar_h);
      cairo_fill (cr);

      layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), timeline->labels[i]);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.85);
      if (tw < x1[i] - x0[i] - 4)
        {
          cairo_move_to (cr, x0[i] + (x1[i] - x0[i] - tw) / 2, bar_y + (bar_h - th) / 2);
          pango_cairo_show_layout (cr, layout);
        }
      g_object_unref (layout);

      /* The dates under the phase, when they fit in its width. */
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), dates);
      pango_layout_get_pixel_size (layout, &tw, &th);
      if (tw <= x1[i] - x0[i] - 4)
        {
          gdk_cairo_set_source_rgba (cr, &fg);
          cairo_move_to (cr, x0[i] + 2, bar_y + bar_h + 4);
          pango_cairo_show_layout (cr, layout);
        }
      g_object_unref (layout);
    }

  /* Today, when it falls in a phase. */
  for (guint i = 0; i < timeline->n; i++)
    if (timeline->today >= timeline->first[i] && timeline->today <= timeline->last[i])
      {
        double x = x0[i] + (x1[i] - x0[i]) * (timeline->today - timeline->first[i] + 0.5) /
                   (timeline->last[i] - timeline->first[i] + 1);

        gdk_cairo_set_source_rgba (cr, &fg);
        cairo_set_line_width (cr, 2);
        cairo_move_to (cr, x, 0);
        cairo_line_to (cr, x, bar_y + bar_h + 4);
        cairo_stroke (cr);
        break;
      }
}

/* For the tests: the phases' extents at @width, as "x0–x1" each. */
static char *
describe_layout (GtkWidget *timeline,
                 int        width)
{
  Timeline *data = g_object_get_data (G_OBJECT (timeline), "timeline");
  double x0[SIYU_CAMPAIGN_N_PHASES], x1[SIYU_CAMPAIGN_N_PHASES];
  GString *out = g_string_new (NULL);

  if (data == NULL)
    return g_string_free (out, FALSE);
  lay_out_timeline (data, timeline, width, x0, x1);
  for (guint i = 0; i < data->n; i++)
    g_string_append_printf (out, "%s%.0f–%.0f", i > 0 ? " " : "", x0[i], x1[i]);
  return g_string_free (out, FALSE);
}

/**
 * siyu_campaign_timeline_new:
 *
 * Returns: (transfer floating): a horizontal timeline of a campaign's
 *   phases, each as wide as its days, filled by
 *   siyu_campaign_timeline_set()
 */
GtkWidget *
siyu_campaign_timeline_new (void)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 76);
  gtk_widget_set_hexpand (area, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_timeline, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_ROLE_DESCRIPTION,
                                  _("Timeline"), -1);
  return area;
}

/**
 * siyu_campaign_timeline_set:
 * @n: phases, at most four
 * @labels: their names
 * @today: marked with a line when within the phases
 *
 * Returns: (transfer full): the timeline as text, for screen readers and tests
 */
char *
siyu_campaign_timeline_set (GtkWidget          *timeline,
                            guint               n,
                            const SiyuDay      *first,
                            const SiyuDay      *last,
                            const char * const *labels,
                            SiyuDay             today)
{
  Timeline *data = g_new0 (Timeline, 1);
  GString *text = g_string_new (NULL);

  data->n = MIN (n, SIYU_CAMPAIGN_N_PHASES);
  data->today = today;
  for (guint i = 0; i < data->n; i++)
    {
      g_autofree char *a = siyu_day_format (first[i]);
      g_autofree char *b = siyu_day_format (last[i]);

      data->first[i] = first[i];
      data->last[i] = last[i];
      data->labels[i] = g_strdup (labels[i]);
      if (i > 0)
        g_string_append (text, "; ");
      /* Translators: a phase of a campaign and its first and last day. */
      g_string_append_printf (text, _("%s %s – %s"), labels[i], a, b);
    }
  g_object_set_data_full (G_OBJECT (timeline), "timeline", data, timeline_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_LABEL, text->str, -1);
  gtk_widget_queue_draw (timeline);

  return g_string_free (text, FALSE);
}

/* ── the state ───────────────────────────────────────────────────────── */

static gboolean
is_busy (SiyuCampaignWizard *self)
{
  return self->loading || self->planning || self->saving ||
         self->recompute_source != 0 || self->replan_source != 0;
}

static const char *
page_name (SiyuCampaignWizard *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
update_buttons (SiyuCampaignWizard *self)
{
  const char *page = page_name (self);
  gboolean last = g_strcmp0 (page, "rhythm") == 0;
  gboolean first = g_strcmp0 (page, "basics") == 0;
  gboolean busy = is_busy (self);
  gboolean can_next = !busy;

  if (!first && (self->plan == NULL || gtk_widget_get_visible (GTK_WIDGET (self->deduction_error))))
    can_next = FALSE;
  gtk_button_set_label (GTK_BUTTON (self->next_button), last ? _("_Save") : _("_Next"));
  gtk_widget_set_sensitive (self->next_button, can_next);
  gtk_widget_set_visible (self->back_button, !first);
  gtk_widget_set_sensitive (self->back_button, !self->saving && !self->planning);
  gtk_widget_set_visible (self->spinner, busy);
  g_object_set (self->spinner, "spinning", busy, NULL);

  if (first)
    adw_window_title_set_subtitle (self->title, _("Step 1 of 3: the sale"));
  else if (last)
    adw_window_title_set_subtitle (self->title, _("Step 3 of 3: the rhythm"));
  else
    adw_window_title_set_subtitle (self->title, _("Step 2 of 3: the gap"));
}

/* ── the deduction page from the plan ────────────────────────────────── */

static char *
reach_text (const SiyuCampaignSegment *seg)
{
  g_autofree char *reach = NULL;

  if (seg->cannot_close)
    /* Translators: a segment with a conversion of 0 cannot bring any of
     * the buyers needed, however many are reached. */
    return g_strdup (_("cannot close"));
  reach = siyu_count_format (seg->reach);
  if (seg->exceeds_size)
    /* Translators: %s is a number of contacts to reach, more than the stage has. */
    return g_strdup_printf (_("%s (more than there are)"), reach);
  return g_steal_pointer (&reach);
}

static void
show_chart (SiyuCampaignWizard *self)
{
  SiyuCampaignPlan *plan = self->plan;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) before = g_array_new (FALSE, FALSE, sizeof (double));
  double left = plan->buyers_needed, nan_value = NAN, value;

  /* Buyers needed, then what each stage is expected to bring, then the
   * gap: each bar is what is left, its ghost what was left before. */
  g_ptr_array_add (labels, g_strdup (_("Buyers needed")));
  g_ptr_array_add (texts, siyu_count_format (plan->buyers_needed));
  g_array_append_val (values, left);
  g_array_append_val (before, nan_value);
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      const SiyuCampaignSegment *seg = &plan->segments[s];
      g_autofree char *expected = NULL;
      double was = left;

      if (seg->expected <= 0.0)
        continue;
      left = MAX (0.0, left - seg->expected);
      expected = siyu_count_format (siyu_campaign_whole_buyers (seg->expected));
      /* Translators: buyers a lifecycle stage is expected to bring, in the waterfall. */
      g_ptr_array_add (labels, g_strdup_printf (_("From %s"), siyu_stage_get_label (s)));
      g_ptr_array_add (texts, g_strdup_printf ("−%s", expected));
      g_array_append_val (values, left);
      g_array_append_val (before, was);
    }
  value = plan->gap;
  g_ptr_array_add (labels, g_strdup (_("Gap to close")));
  g_ptr_array_add (texts, siyu_count_format (siyu_campaign_whole_buyers (plan->gap)));
  g_array_append_val (values, value);
  g_array_append_val (before, nan_value);

  siyu_chart_set_categories (self->chart, labels->len, (const char * const *) labels->pdata,
                             (const double *) values->data, (const double *) before->data,
                             NULL, (const char * const *) texts->pdata);
}

static void
show_deduction (SiyuCampaignWizard *self)
{
  SiyuCampaignPlan *plan = self->plan;
  g_autofree char *first = siyu_day_format (plan->reference_start);
  g_autofree char *last = siyu_day_format (plan->reference_end);
  g_autofree char *orders = siyu_count_format (plan->reference_orders);
  g_autofree char *buyers = siyu_count_format (plan->reference_buyers);
  g_autofree char *reference = NULL;
  g_autofree char *aov = siyu_money_format ((gint64) llround (plan->aov), plan->currency);
  g_autofree char *opb = decimal_format (plan->orders_per_buyer, "%.2f");
  g_autofree char *needed = siyu_count_format (plan->buyers_needed);
  g_autofree char *expected = siyu_count_format (siyu_campaign_whole_buyers (plan->expected));
  g_autofree char *gap = siyu_count_format (siyu_campaign_whole_buyers (plan->gap));
  g_autofree char *b_text = NULL;
  g_autofree char *e_text = NULL;
  g_autofree char *g_text = NULL;
  g_autofree char *target = siyu_money_format (plan->target, plan->currency);
  g_autofree char *figures = NULL;
  double scale = pow (10, self->digits);

  self->frozen++;
  set_day (self->ref_first_entry, plan->reference_start);
  set_day (self->ref_last_entry, plan->reference_end);
  /* Translators: the reference window: its first and last day, why it
   * was chosen, and the paid orders and buyers in it. */
  reference = g_strdup_printf (_("%s to %s. %s %s paid orders from %s buyers."),
                               first, last, plan->reference_reason, orders, buyers);
  gtk_label_set_label (self->reference_label, reference);
  self->shown_aov = plan->aov;
  self->shown_opb = plan->orders_per_buyer;
  gtk_spin_button_set_value (self->aov_spin, plan->aov / scale);
  gtk_spin_button_set_value (self->opb_spin, plan->orders_per_buyer);

  /* B, E and G in words; buyers are whole, rounded up (ANALYTICS.md). */
  /* Translators: the target, the average order, orders per buyer, and the buyers needed. */
  b_text = g_strdup_printf (_("B, buyers needed: to reach the target of %s with an average order of %s and %s "
                              "orders per buyer, the sale needs %s buyers."),
                            target, aov, opb, needed);
  /* Translators: %s is a number of buyers. */
  e_text = g_strdup_printf (_("E, buyers expected: if the contacts of each lifecycle stage today buy as their stage "
                              "did in the reference window, they bring about %s buyers on their own."), expected);
  if (plan->gap > 0.0)
    /* Translators: %s is a number of buyers. */
    g_text = g_strdup_printf (_("G, the gap: B less E, about %s more buyers to win by reaching more contacts, "
                                "split over the stages below."), gap);
  else
    g_text = g_strdup (_("G, the gap: none, the stages are expected to bring the buyers needed."));
  figures = g_strjoin ("\n", b_text, e_text, g_text, NULL);
  gtk_label_set_label (self->figures_label, figures);
  set_error (self->thin_label, plan->thin_reason);
  if (plan->overlap_name != NULL)
    {
      /* Translators: %s is the name of another campaign. */
      g_autofree char *overlap = g_strdup_printf (_("The sale days overlap “%s”: change the days or the channel, or it cannot be saved."),
                                                  plan->overlap_name);

      set_error (self->overlap_label, overlap);
    }
  else
    set_error (self->overlap_label, NULL);

  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      const SiyuCampaignSegment *seg = &plan->segments[s];
      g_autofree char *size = siyu_count_format (seg->size);
      g_autofree char *conversion = siyu_percent_format (seg->conversion);
      g_autofree char *seg_expected = siyu_count_format (siyu_campaign_whole_buyers (seg->expected));
      g_autofree char *share = plan->gap > 0.0 && plan->unassigned <= 0.0
                               ? siyu_percent_format (seg->gap_share / plan->gap) : g_strdup ("—");
      g_autofree char *share_text = NULL;
      g_autofree char *buyers_share = siyu_count_format (siyu_campaign_whole_buyers (seg->gap_share));
      g_autofree char *reach = reach_text (seg);

      share_text = g_strdup_printf ("%s (%s)", share, buyers_share);
      gtk_label_set_label (self->cells[s][1], size);
      gtk_label_set_label (self->cells[s][2], conversion);
      gtk_label_set_label (self->cells[s][3], seg_expected);
      gtk_label_set_label (self->cells[s][4], share_text);
      gtk_label_set_label (self->cells[s][5], reach);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->cells[s][5]),
                                   seg->cannot_close ? _("No one in this stage bought in the reference window, so reaching them closes none of the gap. Give its weight to another stage.")
                                                     : NULL);
      if (seg->cannot_close || seg->exceeds_size)
        gtk_widget_add_css_class (GTK_WIDGET (self->cells[s][5]), "warning");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->cells[s][5]), "warning");
      self->shown_weights[s] = seg->weight;
      gtk_spin_button_set_value (self->weights[s], seg->weight);
    }
  if (plan->unassigned > 0.0)
    {
      g_autofree char *unassigned = siyu_count_format (siyu_campaign_whole_buyers (plan->unassigned));
      g_autofree char *text = g_strdup_printf (_("Every weight is 0, so %s buyers of the gap are left to no stage."),
                                               unassigned);

      set_error (self->unassigned_label, text);
    }
  else
    set_error (self->unassigned_label, NULL);
  show_chart (self);
  self->frozen--;
}

/* ── the rhythm page from the plan ───────────────────────────────────── */

static char *
days_text (GArray *days)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < days->len; i++)
    {
      g_autofree char *day = siyu_day_format (g_array_index (days, SiyuDay, i));

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", day);
    }
  return g_string_free (text, FALSE);
}

static void
update_timeline (SiyuCampaignWizard *self)
{
  SiyuDay first[SIYU_CAMPAIGN_N_PHASES], last[SIYU_CAMPAIGN_N_PHASES];
  const char *labels[SIYU_CAMPAIGN_N_PHASES];
  g_autofree char *text = NULL;
  guint n = 0;

  for (guint p = 0; p < self->phase_widgets->len && n < SIYU_CAMPAIGN_N_PHASES; p++)
    {
      PhaseWidgets *widgets = g_ptr_array_index (self->phase_widgets, p);
      SiyuCampaignPhase *phase = g_ptr_array_index (self->plan->phases, p);

      if (!parse_day (widgets->first, &first[n]) || !parse_day (widgets->last, &last[n]) ||
          first[n] == SIYU_DAY_INVALID || last[n] == SIYU_DAY_INVALID || last[n] < first[n])
        continue;
      labels[n++] = siyu_campaign_phase_kind_get_label (phase->kind);
    }
  text = siyu_campaign_timeline_set (self->timeline, n, first, last, labels, self->today);
}

static void
phase_dates_changed_cb (SiyuCampaignWizard *self)
{
  if (self->frozen == 0 && self->plan != NULL)
    update_timeline (self);
}

static void
build_rhythm (SiyuCampaignWizard *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->rhythm_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->rhythm_box), child);
  g_ptr_array_set_size (self->phase_widgets, 0);

  self->frozen++;
  for (guint p = 0; p < self->plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (self->plan->phases, p);
      const char *label = siyu_campaign_phase_kind_get_label (phase->kind);
      PhaseWidgets *widgets = g_new0 (PhaseWidgets, 1);
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *dates = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *theme_row = adw_entry_row_new ();
      /* Translators: %s is a phase of a campaign (Seeding, Growing, …). */
      g_autofree char *first_name = g_strdup_printf (_("First day of %s"), label);
      g_autofree char *last_name = g_strdup_printf (_("Last day of %s"), label);
      g_autofree char *theme_name = g_strdup_printf (_("Message theme of %s"), label);

      widgets->reach = g_ptr_array_new ();
      widgets->days = g_ptr_array_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), label);
      gtk_box_append (GTK_BOX (dates), day_field (&widgets->first, first_name, "YYYY-MM-DD"));
      gtk_box_append (GTK_BOX (dates), gtk_label_new ("–"));
      gtk_box_append (GTK_BOX (dates), day_field (&widgets->last, last_name, "YYYY-MM-DD"));
      set_day (widgets->first, phase->starts_on);
      set_day (widgets->last, phase->ends_on);
      g_signal_connect_swapped (widgets->first, "changed", G_CALLBACK (phase_dates_changed_cb), self);
      g_signal_connect_swapped (widgets->last, "changed", G_CALLBACK (phase_dates_changed_cb), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), field_row (_("Dates"), NULL, dates));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (theme_row), _("Message theme"));
      gtk_editable_set_text (GTK_EDITABLE (theme_row), phase->theme != NULL ? phase->theme : "");
      set_accessible_label (theme_row, theme_name);
      widgets->theme = theme_row;
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), theme_row);

      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);
          GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          GtkWidget *spin = page_spin_new (0, 1e9, 1);
          GtkWidget *days = gtk_entry_new ();
          g_autofree char *reach_name = g_strdup_printf (_("Contacts to reach of %s in %s"), target->segment_name, label);
          g_autofree char *days_name = g_strdup_printf (_("Touch days of %s in %s"), target->segment_name, label);
          g_autofree char *days_value = days_text (target->touch_days);
          g_autofree char *size = target->size >= 0 ? siyu_count_format (target->size) : NULL;
          g_autofree char *subtitle = size != NULL
                                      /* Translators: %s is a number of contacts. */
                                      ? g_strdup_printf (_("%s can be contacted today. Planned reach, and the touch days (YYYY-MM-DD, comma-separated):"), size)
                                      : g_strdup (_("Planned reach, and the touch days (YYYY-MM-DD, comma-separated):"));
          GtkWidget *row;

          gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), (double) target->planned_reach);
          gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
          set_accessible_label (spin, reach_name);
          gtk_widget_set_tooltip_text (spin, _("Contacts to reach"));
          gtk_editable_set_text (GTK_EDITABLE (days), days_value);
          /* Every touch day shows: three days are 34 characters. */
          gtk_editable_set_width_chars (GTK_EDITABLE (days), MAX (24, (int) g_utf8_strlen (days_value, -1) + 1));
          gtk_widget_set_tooltip_text (days, days_value);
          set_accessible_label (days, days_name);
          gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
          gtk_widget_set_valign (days, GTK_ALIGN_CENTER);
          gtk_box_append (GTK_BOX (box), spin);
          gtk_box_append (GTK_BOX (box), days);
          row = field_row (target->segment_name, subtitle, box);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          g_ptr_array_add (widgets->reach, spin);
          g_ptr_array_add (widgets->days, days);
        }
      if (phase->targets->len == 0)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   field_row (_("No segment to reach"), NULL, gtk_label_new ("")));
      g_ptr_array_add (self->phase_widgets, widgets);
      gtk_box_append (GTK_BOX (self->rhythm_box), group);
    }
  self->frozen--;
  update_timeline (self);
  self->rhythm_stale = FALSE;
}

/* Writes the rhythm page into the plan; FALSE with @error naming the
 * field that does not read. */
static gboolean
read_rhythm (SiyuCampaignWizard *self,
             GError            **error)
{
  for (guint p = 0; p < self->phase_widgets->len; p++)
    {
      PhaseWidgets *widgets = g_ptr_array_index (self->phase_widgets, p);
      SiyuCampaignPhase *phase = g_ptr_array_index (self->plan->phases, p);
      const char *label = siyu_campaign_phase_kind_get_label (phase->kind);
      SiyuDay first, last;

      if (!parse_day (widgets->first, &first) || !parse_day (widgets->last, &last) ||
          first == SIYU_DAY_INVALID || last == SIYU_DAY_INVALID)
        {
          g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                       /* Translators: %s is a phase of a campaign. */
                       _("The dates of %s must be days written YYYY-MM-DD."), label);
          return FALSE;
        }
      if (last < first)
        {
          g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                       _("%s ends before it starts."), label);
          return FALSE;
        }
      for (guint t = 0; t < widgets->days->len; t++)
        {
          g_auto(GStrv) parts = g_strsplit_set (gtk_editable_get_text (g_ptr_array_index (widgets->days, t)), ",;，、 ", -1);
          g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (SiyuDay));
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);
          gint64 reach;

          for (guint i = 0; parts[i] != NULL; i++)
            {
              SiyuDay day;

              if (parts[i][0] == '\0')
                continue;
              if (!siyu_day_parse (parts[i], &day))
                {
                  g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                               /* Translators: the first %s is a date as typed, then a segment and a phase. */
                               _("“%s” in the touch days of %s in %s is not a day written YYYY-MM-DD."),
                               parts[i], target->segment_name, label);
                  return FALSE;
                }
              g_array_append_val (days, day);
            }
          for (guint i = 1; i < days->len; i++)
            for (guint j = i; j > 0 && g_array_index (days, SiyuDay, j - 1) > g_array_index (days, SiyuDay, j); j--)
              {
                SiyuDay swap = g_array_index (days, SiyuDay, j);

                g_array_index (days, SiyuDay, j) = g_array_index (days, SiyuDay, j - 1);
                g_array_index (days, SiyuDay, j - 1) = swap;
              }
          g_array_set_size (target->touch_days, 0);
          g_array_append_vals (target->touch_days, days->data, days->len);
          reach = (gint64) gtk_spin_button_get_value (g_ptr_array_index (widgets->reach, t));
          /* A reach typed by the owner is theirs: the core would fill a
           * target tied to a stage again from the gap when saving. */
          if (reach != target->planned_reach)
            target->stage = SIYU_N_STAGES;
          target->planned_reach = reach;
        }
      phase->starts_on = first;
      phase->ends_on = last;
      g_free (phase->theme);
      phase->theme = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (widgets->theme))));
    }
  return TRUE;
}

/* ── planning: the deduction from the database ───────────────────────── */

typedef struct {
  SiyuCampaignInputs  inputs;
  SiyuCampaignPlan   *plan;
} Planning;

static void
planning_free (gpointer data)
{
  Planning *planning = data;

  g_clear_pointer (&planning->plan, siyu_campaign_plan_free);
  g_free (planning);
}

static void
plan_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Planning *planning = task_data;
  GError *error = NULL;

  planning->plan = siyu_campaign_plan_new (shop, &planning->inputs, cancellable, &error);
  if (planning->plan == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
planned_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Planning *planning = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean advance = GPOINTER_TO_INT (user_data);
  SiyuCampaignWizard *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CAMPAIGN_WIZARD (source);
  self->planning = FALSE;
  if (!ok)
    {
      set_error (advance ? self->basics_error : self->deduction_error, error->message);
      update_buttons (self);
      return;
    }
  set_error (self->basics_error, NULL);
  set_error (self->deduction_error, NULL);
  g_clear_pointer (&self->plan, siyu_campaign_plan_free);
  self->plan = g_steal_pointer (&planning->plan);
  self->rhythm_stale = TRUE;
  show_deduction (self);
  if (advance)
    gtk_stack_set_visible_child_name (self->stack, "deduction");
  update_buttons (self);
}

/* Reads the first page; FALSE with the message shown when it does not
 * read.  The core checks the rest. */
static gboolean
read_basics (SiyuCampaignWizard *self,
             SiyuCampaignInputs *inputs)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
  const char *target = gtk_editable_get_text (GTK_EDITABLE (self->target_entry));
  guint channel = gtk_drop_down_get_selected (self->channel_dropdown);

  siyu_campaign_inputs_init (inputs);
  if (name[0] == '\0')
    {
      set_error (self->basics_error, _("Give the campaign a name."));
      return FALSE;
    }
  if (!parse_day (self->first_entry, &inputs->sale_start) || inputs->sale_start == SIYU_DAY_INVALID)
    {
      set_error (self->basics_error, _("The sale day must be a day written YYYY-MM-DD, such as 2026-11-11."));
      return FALSE;
    }
  if (!parse_day (self->last_entry, &inputs->sale_end))
    {
      set_error (self->basics_error, _("The last sale day must be a day written YYYY-MM-DD, or left empty for a one-day sale."));
      return FALSE;
    }
  if (!parse_money (target, self->digits, &inputs->target))
    {
      set_error (self->basics_error, _("Write the GMV target as an amount in yuan, such as 200000."));
      return FALSE;
    }
  if (self->channel_ids != NULL && channel < self->channel_ids->len)
    inputs->channel_id = g_array_index (self->channel_ids, gint64, channel);
  g_free (self->plan_name);
  self->plan_name = g_steal_pointer (&name);
  return TRUE;
}

static void
start_planning (SiyuCampaignWizard *self,
                gboolean            advance)
{
  g_autoptr(GTask) task = NULL;
  Planning *planning = g_new0 (Planning, 1);

  if (!read_basics (self, &planning->inputs))
    {
      planning_free (planning);
      if (!advance)
        gtk_stack_set_visible_child_name (self->stack, "basics");
      update_buttons (self);
      return;
    }
  if (!advance)
    {
      if (!parse_day (self->ref_first_entry, &planning->inputs.reference_start) ||
          !parse_day (self->ref_last_entry, &planning->inputs.reference_end))
        {
          set_error (self->deduction_error, _("The reference window’s days must be written YYYY-MM-DD."));
          planning_free (planning);
          update_buttons (self);
          return;
        }
    }
  set_error (self->basics_error, NULL);
  self->planning = TRUE;
  update_buttons (self);
  task = g_task_new (self, self->cancellable, planned_cb, GINT_TO_POINTER (advance));
  g_task_set_task_data (task, planning, planning_free);
  siyu_shop_runner_run (self->runner, task, plan_job);
}

static gboolean
replan_cb (gpointer data)
{
  SiyuCampaignWizard *self = data;

  self->replan_source = 0;
  start_planning (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
reference_changed_cb (SiyuCampaignWizard *self)
{
  if (self->frozen > 0 || self->plan == NULL)
    return;
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  g_clear_handle_id (&self->replan_source, g_source_remove);
  self->replan_source = g_timeout_add (REPLAN_DELAY_MS, replan_cb, self);
  update_buttons (self);
}

/* ── recomputing: the edited figures ──────────────────────────────────── */

/* What @spin says, times @scale; @shown when it only rounds that. */
static double
spin_value (GtkSpinButton *spin,
            double         shown,
            double         scale)
{
  double value = gtk_spin_button_get_value (spin) * scale;
  double half = 0.5 * pow (10, -(int) gtk_spin_button_get_digits (spin)) * scale;

  return fabs (value - shown) <= half * (1 + 1e-9) ? shown : value;
}

/* Redoing B, E, G and the split is arithmetic over a handful of stages, so
 * it runs here, on the plan the widgets show: no other thread ever holds
 * the plan while the page draws it. */
static gboolean
recompute_cb (gpointer data)
{
  SiyuCampaignWizard *self = data;
  g_autoptr(GError) error = NULL;
  double weights[SIYU_N_STAGES];
  double aov, opb;
  gboolean ok;

  self->recompute_source = 0;
  if (self->plan == NULL || self->planning)
    return G_SOURCE_REMOVE;

  aov = self->plan->aov;
  opb = self->plan->orders_per_buyer;
  for (int s = 0; s < SIYU_N_STAGES; s++)
    weights[s] = spin_value (self->weights[s], self->shown_weights[s], 1);
  self->plan->aov = spin_value (self->aov_spin, self->shown_aov, pow (10, self->digits));
  self->plan->orders_per_buyer = spin_value (self->opb_spin, self->shown_opb, 1);
  ok = siyu_campaign_plan_recompute (self->plan, &error) &&
       siyu_campaign_plan_set_weights (self->plan, weights, &error);
  if (!ok)
    {
      self->plan->aov = aov;
      self->plan->orders_per_buyer = opb;
      siyu_campaign_plan_recompute (self->plan, NULL);
    }

  self->rhythm_stale = TRUE;
  set_error (self->deduction_error, ok ? NULL : error->message);
  if (ok)
    show_deduction (self);
  update_buttons (self);

  return G_SOURCE_REMOVE;
}

static void
figure_changed_cb (SiyuCampaignWizard *self)
{
  if (self->frozen > 0 || self->plan == NULL || self->replan_source != 0)
    return;
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  self->recompute_source = g_timeout_add (RECOMPUTE_DELAY_MS, recompute_cb, self);
  update_buttons (self);
}

/* ── saving ──────────────────────────────────────────────────────────── */

typedef struct {
  SiyuCampaignPlan *plan;   /* the wizard's */
  char             *name;
  gint64            id;
} Saving;

static void
saving_free (gpointer data)
{
  Saving *saving = data;

  g_free (saving->name);
  g_free (saving);
}

static void
save_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Saving *saving = task_data;
  GError *error = NULL;

  saving->id = siyu_campaign_save (shop, saving->plan, saving->name, &error);
  if (saving->id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Saving *saving = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuCampaignWizard *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CAMPAIGN_WIZARD (source);
  self->saving = FALSE;
  if (!ok)
    {
      set_error (self->rhythm_error, error->message);
      update_buttons (self);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, saving->id, saving->name);
  gtk_window_close (GTK_WINDOW (self));
}

static void
save (SiyuCampaignWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Saving *saving;

  if (is_busy (self) || self->plan == NULL)
    return;
  if (!read_rhythm (self, &error))
    {
      set_error (self->rhythm_error, error->message);
      return;
    }
  set_error (self->rhythm_error, NULL);
  saving = g_new0 (Saving, 1);
  saving->plan = self->plan;
  saving->name = g_strdup (self->plan_name);
  self->saving = TRUE;
  update_buttons (self);
  task = g_task_new (self, self->cancellable, saved_cb, NULL);
  g_task_set_task_data (task, saving, saving_free);
  siyu_shop_runner_run (self->runner, task, save_job);
}

/* ── navigation ──────────────────────────────────────────────────────── */

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuCampaignWizard *self = SIYU_CAMPAIGN_WIZARD (widget);
  const char *page = page_name (self);

  if (is_busy (self))
    return;
  if (g_str_equal (page, "basics"))
    start_planning (self, TRUE);
  else if (g_str_equal (page, "deduction"))
    {
      if (self->plan == NULL || gtk_widget_get_visible (GTK_WIDGET (self->deduction_error)))
        return;
      if (self->rhythm_stale)
        build_rhythm (self);
      gtk_stack_set_visible_child_name (self->stack, "rhythm");
      update_buttons (self);
    }
  else
    save (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuCampaignWizard *self = SIYU_CAMPAIGN_WIZARD (widget);
  const char *page = page_name (self);

  if (self->saving || self->planning)
    return;
  if (g_str_equal (page, "rhythm"))
    gtk_stack_set_visible_child_name (self->stack, "deduction");
  else if (g_str_equal (page, "deduction"))
    gtk_stack_set_visible_child_name (self->stack, "basics");
  update_buttons (self);
}

/* ── building ────────────────────────────────────────────────────────── */

static GtkWidget *
scrolled_page (GtkWidget *content)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 24);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 860);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static GtkWidget *
entry_suffix (GtkEntry  **entry_out,
              const char *accessible,
              const char *placeholder,
              int         width)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  set_accessible_label (entry, accessible);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  *entry_out = GTK_ENTRY (entry);
  return entry;
}

static void
build_basics (SiyuCampaignWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *channel = gtk_drop_down_new (NULL, NULL);
  g_autofree char *target_title = NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("The Sale"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Name the campaign, give its sale days and the GMV (net sales) it should bring. The next page works out how many buyers that takes."));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             field_row (_("Name"), NULL,
                                        entry_suffix (&self->name_entry, _("Name of the campaign"), _("Double 11"), 24)));
  target_title = g_strdup_printf (_("GMV target (%s)"), siyu_currency_symbol (siyu_shop_runner_get_currency (self->runner)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             field_row (target_title, _("Net sales over the sale days"),
                                        entry_suffix (&self->target_entry, _("GMV target"), "200000", 14)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             field_row (_("Sale day"), _("The first day of the sale"),
                                        day_field (&self->first_entry, _("Sale day"), "YYYY-MM-DD")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             field_row (_("Last sale day"), _("Leave empty for a one-day sale"),
                                        day_field (&self->last_entry, _("Last sale day"), _("Same day"))));
  set_accessible_label (channel, _("Channel of the campaign"));
  self->channel_dropdown = GTK_DROP_DOWN (channel);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             field_row (_("Channel"), _("Where the sale happens"), channel));
  gtk_box_append (GTK_BOX (box), group);
  self->basics_error = wrapped_label (NULL, "error");
  gtk_widget_set_visible (GTK_WIDGET (self->basics_error), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->basics_error));
  gtk_stack_add_named (self->stack, scrolled_page (box), "basics");
}

static GtkWidget *
header_label (const char *text)
{
  GtkLabel *label = wrapped_label (text, "heading");

  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD);
  return GTK_WIDGET (label);
}

static void
build_deduction (SiyuCampaignWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *dates = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *table_frame = gtk_frame_new (NULL);
  GtkWidget *chart_group = adw_preferences_group_new ();
  GtkWidget *aov, *opb;
  const char *headers[] = {
    /* Translators: the columns of the gap deduction's table. */
    N_("Stage"), N_("Contacts"), N_("Conversion"), N_("Expected buyers"), N_("Weight"), N_("Share of gap"),
    N_("Contacts to reach"),
  };

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("The Gap"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("From a past window like the sale: the average order and orders per buyer give the buyers needed; each lifecycle stage’s conversion then gives the buyers to expect, and the rest is the gap to close by reaching more contacts. Every figure can be changed."));
  gtk_box_append (GTK_BOX (dates), day_field (&self->ref_first_entry, _("First day of the reference window"), "YYYY-MM-DD"));
  gtk_box_append (GTK_BOX (dates), gtk_label_new ("–"));
  gtk_box_append (GTK_BOX (dates), day_field (&self->ref_last_entry, _("Last day of the reference window"), "YYYY-MM-DD"));
  g_signal_connect_swapped (self->ref_first_entry, "changed", G_CALLBACK (reference_changed_cb), self);
  g_signal_connect_swapped (self->ref_last_entry, "changed", G_CALLBACK (reference_changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), field_row (_("Reference window"), NULL, dates));
  self->reference_label = wrapped_label (NULL, "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->reference_label), 6);

  aov = page_spin_new (0, 1e8, 1);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (aov), 2);
  set_accessible_label (aov, _("Average order value"));
  self->aov_spin = GTK_SPIN_BUTTON (aov);
  g_signal_connect_swapped (aov, "value-changed", G_CALLBACK (figure_changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             field_row (_("Average order value"), _("Net sales ÷ paid orders in the window"), aov));
  opb = page_spin_new (0, 1000, 0.01);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (opb), 2);
  set_accessible_label (opb, _("Orders per buyer"));
  self->opb_spin = GTK_SPIN_BUTTON (opb);
  g_signal_connect_swapped (opb, "value-changed", G_CALLBACK (figure_changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             field_row (_("Orders per buyer"), _("Orders of known buyers ÷ buyers in the window"), opb));
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->reference_label));

  self->figures_label = wrapped_label (NULL, NULL);
  gtk_label_set_selectable (self->figures_label, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->figures_label));
  self->thin_label = wrapped_label (NULL, "warning");
  self->overlap_label = wrapped_label (NULL, "warning");
  self->deduction_error = wrapped_label (NULL, "error");
  self->unassigned_label = wrapped_label (NULL, "warning");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->thin_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->overlap_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->deduction_error));

  /* The table: a row a lifecycle stage. */
  self->table = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->table, 12);
  gtk_grid_set_row_spacing (self->table, 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self->table), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->table), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->table), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->table), 8);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    {
      GtkWidget *label = header_label (_(headers[c]));

      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
      gtk_grid_attach (self->table, label, c, 0, 1, 1);
    }
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      GtkWidget *spin = page_spin_new (0, 1e9, 0.5);
      g_autofree char *weight_name = g_strdup_printf (_("Weight of %s"), siyu_stage_get_label (s));

      for (guint c = 0; c < 6; c++)
        {
          GtkLabel *label = GTK_LABEL (gtk_label_new (c == 0 ? siyu_stage_get_label (s) : ""));

          gtk_label_set_xalign (label, c == 0 ? 0 : 1);
          if (c > 0)
            gtk_widget_add_css_class (GTK_WIDGET (label), "numeric");
          self->cells[s][c] = label;
          gtk_grid_attach (self->table, GTK_WIDGET (label), c < 4 ? c : c + 1, s + 1, 1, 1);
        }
      gtk_widget_set_hexpand (GTK_WIDGET (self->cells[s][0]), TRUE);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
      gtk_widget_set_tooltip_text (spin, _("How much of the gap this stage should close, against the other stages’ weights"));
      set_accessible_label (spin, weight_name);
      self->weights[s] = GTK_SPIN_BUTTON (spin);
      g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (figure_changed_cb), self);
      gtk_grid_attach (self->table, spin, 4, s + 1, 1, 1);
    }
  gtk_frame_set_child (GTK_FRAME (table_frame), GTK_WIDGET (self->table));
  gtk_widget_add_css_class (table_frame, "view");
  gtk_box_append (GTK_BOX (box), table_frame);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->unassigned_label));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (chart_group), _("From Buyers Needed to the Gap"));
  self->chart = siyu_chart_new (SIYU_CHART_BARS);
  set_accessible_label (self->chart, _("Waterfall from the buyers needed to the gap"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (chart_group), GTK_WIDGET (self->chart));
  gtk_box_append (GTK_BOX (box), chart_group);

  for (GtkWidget *w = gtk_widget_get_first_child (box); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && w != GTK_WIDGET (self->figures_label) && w != GTK_WIDGET (self->reference_label))
      gtk_widget_set_visible (w, FALSE);
  gtk_stack_add_named (self->stack, scrolled_page (box), "deduction");
}

static void
build_rhythm_page (SiyuCampaignWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("The Rhythm"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Seeding (种草) makes them want it, growing (长草) reminds them, harvest (拔草) is the sale, nurturing (养草) brings the second order. Change the dates, who to reach and when, and what to say."));
  self->timeline = siyu_campaign_timeline_new ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->timeline);
  gtk_box_append (GTK_BOX (box), group);
  self->rhythm_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_box_append (GTK_BOX (box), self->rhythm_box);
  self->rhythm_error = wrapped_label (NULL, "error");
  gtk_widget_set_visible (GTK_WIDGET (self->rhythm_error), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->rhythm_error));
  gtk_stack_add_named (self->stack, scrolled_page (box), "rhythm");
}

static void
build (SiyuCampaignWizard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Plan a Campaign"), NULL));
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
  set_accessible_label (self->spinner, _("Working out the plan"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->spinner);
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT);
  build_basics (self);
  build_deduction (self);
  build_rhythm_page (self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

/* ── the channels and the shop's today ───────────────────────────────── */

typedef struct {
  JsonNode *channels;
  SiyuDay   today;
} Start;

static void
start_free (gpointer data)
{
  Start *start = data;

  g_clear_pointer (&start->channels, json_node_unref);
  g_free (start);
}

static void
start_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Start *start = task_data;
  GError *error = NULL;

  start->today = siyu_shop_get_today (shop);
  start->channels = siyu_order_channels (shop, &error);
  if (start->channels == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Start *start = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  g_autoptr(GtkStringList) names = NULL;
  SiyuCampaignWizard *self;
  gint64 all = 0;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CAMPAIGN_WIZARD (source);
  self->loading = FALSE;
  names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("All channels"));
  g_array_set_size (self->channel_ids, 0);
  g_array_append_val (self->channel_ids, all);
  if (ok)
    {
      JsonArray *array = json_node_get_array (start->channels);

      self->today = start->today;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *channel = json_array_get_object_element (array, i);
          gint64 id = json_object_get_int_member (channel, "id");

          gtk_string_list_append (names, json_object_get_string_member (channel, "name"));
          g_array_append_val (self->channel_ids, id);
        }
      /* A month ahead: seeding starts today. */
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->first_entry)), "") == 0)
        set_day (self->first_entry, start->today + 30);
    }
  else
    set_error (self->basics_error, error->message);
  gtk_drop_down_set_model (self->channel_dropdown, G_LIST_MODEL (names));
  update_buttons (self);
}

/* ── the class ───────────────────────────────────────────────────────── */

static void
siyu_campaign_wizard_dispose (GObject *object)
{
  SiyuCampaignWizard *self = SIYU_CAMPAIGN_WIZARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->recompute_source, g_source_remove);
  g_clear_handle_id (&self->replan_source, g_source_remove);

  G_OBJECT_CLASS (siyu_campaign_wizard_parent_class)->dispose (object);
}

static void
siyu_campaign_wizard_finalize (GObject *object)
{
  SiyuCampaignWizard *self = SIYU_CAMPAIGN_WIZARD (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->plan, siyu_campaign_plan_free);
  g_clear_pointer (&self->channel_ids, g_array_unref);
  g_clear_pointer (&self->phase_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->plan_name, g_free);

  G_OBJECT_CLASS (siyu_campaign_wizard_parent_class)->finalize (object);
}

static void
siyu_campaign_wizard_class_init (SiyuCampaignWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_campaign_wizard_dispose;
  object_class->finalize = siyu_campaign_wizard_finalize;

  /**
   * SiyuCampaignWizard::saved:
   * @campaign_id: the campaign saved
   * @name: its name
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
siyu_campaign_wizard_init (SiyuCampaignWizard *self)
{
  self->cancellable = g_cancellable_new ();
  self->channel_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->phase_widgets = g_ptr_array_new_with_free_func (phase_widgets_free);
  self->today = SIYU_DAY_INVALID;
}

/**
 * siyu_campaign_wizard_new:
 * @parent: the shop's window; the wizard is modal on it
 *
 * Returns: (transfer none): the wizard; its "saved" signal says which
 *   campaign it saved before it closes
 */
SiyuCampaignWizard *
siyu_campaign_wizard_new (GtkWindow      *parent,
                          SiyuShopRunner *runner)
{
  SiyuCampaignWizard *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_CAMPAIGN_WIZARD,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       "default-width", 820,
                       "default-height", 680,
                       "width-request", 360,
                       "height-request", 360,
                       "title", _("Plan a Campaign"),
                       NULL);
  self->runner = g_object_ref (runner);
  self->digits = siyu_currency_digits (siyu_shop_runner_get_currency (runner));
  build (self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->next_button);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->name_entry));
  update_buttons (self);

  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, started_cb, NULL);
  g_task_set_task_data (task, g_new0 (Start, 1), start_free);
  siyu_shop_runner_run (runner, task, start_job);
  update_buttons (self);

  return self;
}

/* ── for tests ───────────────────────────────────────────────────────── */

gboolean
_siyu_campaign_wizard_is_busy (SiyuCampaignWizard *self)
{
  return is_busy (self);
}

const char *
_siyu_campaign_wizard_get_page (SiyuCampaignWizard *self)
{
  return page_name (self);
}

void
_siyu_campaign_wizard_set_basics (SiyuCampaignWizard *self,
                                  const char         *name,
                                  const char         *first_day,
                                  const char         *last_day,
                                  const char         *target)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
  gtk_editable_set_text (GTK_EDITABLE (self->first_entry), first_day);
  gtk_editable_set_text (GTK_EDITABLE (self->last_entry), last_day != NULL ? last_day : "");
  gtk_editable_set_text (GTK_EDITABLE (self->target_entry), target);
}

void
_siyu_campaign_wizard_set_reference (SiyuCampaignWizard *self,
                                     const char         *first_day,
                                     const char         *last_day)
{
  gtk_editable_set_text (GTK_EDITABLE (self->ref_first_entry), first_day);
  gtk_editable_set_text (GTK_EDITABLE (self->ref_last_entry), last_day);
}

void
_siyu_campaign_wizard_set_weight (SiyuCampaignWizard *self,
                                  guint               stage,
                                  double              weight)
{
  gtk_spin_button_set_value (self->weights[stage], weight);
}

void
_siyu_campaign_wizard_set_aov (SiyuCampaignWizard *self,
                               double              yuan)
{
  gtk_spin_button_set_value (self->aov_spin, yuan);
}

/* The error shown on the page, or NULL. */
const char *
_siyu_campaign_wizard_get_error (SiyuCampaignWizard *self)
{
  GtkLabel *labels[] = { self->basics_error, self->deduction_error, self->rhythm_error };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (gtk_widget_get_visible (GTK_WIDGET (labels[i])))
      return gtk_label_get_label (labels[i]);
  return NULL;
}

/* The deduction page as shown: the figures, the warnings, then a line a
 * stage: its cells separated by " | ". */
char *
_siyu_campaign_wizard_describe (SiyuCampaignWizard *self)
{
  GString *out = g_string_new (gtk_label_get_label (self->figures_label));
  GtkLabel *notes[] = { self->thin_label, self->overlap_label, self->unassigned_label };

  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    if (gtk_widget_get_visible (GTK_WIDGET (notes[i])))
      g_string_append_printf (out, "\n%s", gtk_label_get_label (notes[i]));
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      g_autofree char *weight = decimal_format (gtk_spin_button_get_value (self->weights[s]), "%.2f");

      g_string_append_printf (out, "\n%s | %s | %s | %s | %s | %s | %s", gtk_label_get_label (self->cells[s][0]),
                              gtk_label_get_label (self->cells[s][1]), gtk_label_get_label (self->cells[s][2]),
                              gtk_label_get_label (self->cells[s][3]), weight,
                              gtk_label_get_label (self->cells[s][4]), gtk_label_get_label (self->cells[s][5]));
    }
  {
    g_autofree char *chart = siyu_chart_describe (self->chart);

    g_string_append_printf (out, "\n%s", chart);
  }
  return g_string_free (out, FALSE);
}

const char *
_siyu_campaign_wizard_get_reference (SiyuCampaignWizard *self)
{
  return gtk_label_get_label (self->reference_label);
}

/* Scrolls the wheel once over the weight of @stage; returns the weight. */
double
_siyu_campaign_wizard_scroll_weight (SiyuCampaignWizard *self,
                                     guint               stage,
                                     double              dy)
{
  GtkEventController *controller = g_object_get_data (G_OBJECT (self->weights[stage]), "page-scroll");
  gboolean handled = FALSE;

  g_signal_emit_by_name (controller, "scroll", 0.0, dy, &handled);
  return gtk_spin_button_get_value (self->weights[stage]);
}

GtkAdjustment *
_siyu_campaign_wizard_get_scroll (SiyuCampaignWizard *self)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->weights[0]), GTK_TYPE_SCROLLED_WINDOW);

  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
}

/* The touch days entries of the rhythm page, as the owner sees them. */
char *
_siyu_campaign_wizard_get_touch_days (SiyuCampaignWizard *self,
                                      guint               phase,
                                      guint               target,
                                      int                *width_chars)
{
  PhaseWidgets *widgets = g_ptr_array_index (self->phase_widgets, phase);
  GtkEditable *days = g_ptr_array_index (widgets->days, target);

  *width_chars = gtk_editable_get_width_chars (days);
  return g_strdup (gtk_editable_get_text (days));
}

char *
_siyu_campaign_wizard_describe_timeline (SiyuCampaignWizard *self,
                                         int                 width)
{
  return describe_layout (self->timeline, width);
}

/* The rhythm page as shown: a line a phase, then a line a target. */
char *
_siyu_campaign_wizard_describe_rhythm (SiyuCampaignWizard *self)
{
  GString *out = g_string_new (NULL);

  for (guint p = 0; p < self->phase_widgets->len; p++)
    {
      PhaseWidgets *widgets = g_ptr_array_index (self->phase_widgets, p);
      SiyuCampaignPhase *phase = g_ptr_array_index (self->plan->phases, p);

      g_string_append_printf (out, "%s%s %s – %s: %s", out->len > 0 ? "\n" : "",
                              siyu_campaign_phase_kind_get_label (phase->kind),
                              gtk_editable_get_text (GTK_EDITABLE (widgets->first)),
                              gtk_editable_get_text (GTK_EDITABLE (widgets->last)),
                              gtk_editable_get_text (GTK_EDITABLE (widgets->theme)));
      for (guint t = 0; t < widgets->reach->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);

          g_string_append_printf (out, "\n  %s: %lld on %s", target->segment_name,
                                  (long long) gtk_spin_button_get_value (g_ptr_array_index (widgets->reach, t)),
                                  gtk_editable_get_text (g_ptr_array_index (widgets->days, t)));
        }
    }
  return g_string_free (out, FALSE);
}

void
_siyu_campaign_wizard_set_theme (SiyuCampaignWizard *self,
                                 guint               phase,
                                 const char         *theme)
{
  PhaseWidgets *widgets = g_ptr_array_index (self->phase_widgets, phase);

  gtk_editable_set_text (GTK_EDITABLE (widgets->theme), theme);
}
