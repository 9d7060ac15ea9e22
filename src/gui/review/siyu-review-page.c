/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-review-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-json.h"
#include "siyu-money.h"
#include "siyu-review.h"
#include "siyu-review-page-private.h"
#include "siyu-review-pdf.h"
#include "siyu-segments.h"
#include "siyu-shop-lists.h"
#include "siyu-time.h"
#include "siyu-toast.h"

/* The Review place: the monthly private-domain health review of a month
 * (siyu_review_compute), by default the last complete month, or the month
 * of the newest order when the data is old (siyu_review_last_month).  The review
 * is counted on the shop's worker, a month at a time; choosing another
 * month while one is counted cancels it.  The page shows what to do next
 * first (the action cards, each opening its segment in Segments), then
 * every figure beside the month before and the same month a year earlier,
 * the lifecycle moves as a flow, tiers, RFM and the pyramid, AIPL with
 * FAST, groups, touches, cohorts, a 12-month trend and the shop's level of
 * data operations.  “Export as PDF…” writes the same review as a PDF. */

#define COHORT_ROWS 12
#define COHORT_COLS 13

typedef enum {
  KIND_COUNT,
  KIND_MONEY,
  KIND_RATIO,
} FigureKind;

/* What a figure shows; kept for the tests. */
typedef struct {
  char *value;
  char *change;       /* against the month before */
  char *change_year;  /* against the same month a year earlier, or NULL */
  char *compared;
} Figure;

static void
figure_free (Figure *figure)
{
  g_free (figure->value);
  g_free (figure->change);
  g_free (figure->change_year);
  g_free (figure->compared);
  g_free (figure);
}

struct _SiyuReviewPage
{
  GtkWidget             parent_instance;

  GtkWidget            *box;
  GtkDropDown          *month_dropdown;
  GtkScrolledWindow    *scrolled;
  GtkStringList        *months;
  GtkSpinner           *spinner;
  GtkStack             *stack;
  AdwStatusPage        *error_status;
  GtkBox               *content;

  SiyuShopRunner       *runner;
  GCancellable         *cancellable;       /* the page's life */
  GCancellable         *read_cancellable;  /* the review being counted */
  GtkFileChooserNative *chooser;
  gulong                changed_id;
  gulong                selected_id;
  gboolean              started;
  gboolean              loading;
  gboolean              exporting;

  int                   year;              /* the month shown, 0 before the first */
  int                   month;
  int                   first_index;       /* the months the data covers: year × 12 + month − 1 */
  int                   last_index;
  char                 *month_text;

  JsonNode             *review;
  GPtrArray            *card_texts;
  GHashTable           *figures;           /* name → Figure */
  SiyuChart            *flow;
  char                 *message;           /* the last export's outcome */
};

G_DEFINE_FINAL_TYPE (SiyuReviewPage, siyu_review_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the worker counted. */
typedef struct {
  int       year;
  int       month;
  int       first_index;
  int       last_index;
  gboolean  no_orders;
  JsonNode *review;
} Reading;

static void
reading_free (Reading *reading)
{
  g_clear_pointer (&reading->review, json_node_unref);
  g_free (reading);
}

typedef struct {
  JsonNode *review;
  char     *path;
} Export;

static void
export_free (Export *export)
{
  g_clear_pointer (&export->review, json_node_unref);
  g_free (export->path);
  g_free (export);
}

static int
month_index (int year,
             int month)
{
  return year * 12 + month - 1;
}

static char *
index_name (int index)
{
  return g_strdup_printf ("%04d-%02d", index / 12, index % 12 + 1);
}

/* JSON helpers: members that may be missing or null. */
static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
member_defined (JsonObject *object,
                const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node);
}

static double
member_double (JsonObject *object,
               const char *name)
{
  return member_defined (object, name) ? json_object_get_double_member (object, name) : NAN;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  return member_defined (object, name) ? json_object_get_int_member (object, name) : 0;
}

static const char *
currency (SiyuReviewPage *self)
{
  return siyu_shop_runner_get_currency (self->runner);
}

/* ------------------------------------------------------------------ */
/* Counting                                                            */

static void
read_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Reading *reading = task_data;
  GError *error = NULL;
  gint64 first, orders;
  int y, m, d;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!siyu_shop_get_activity (shop, &first, &orders, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  siyu_day_to_ymd (siyu_shop_get_today (shop), &y, &m, &d);
  reading->last_index = month_index (y, m);
  if (first >= 0)
    {
      siyu_day_to_ymd (siyu_shop_day_of (shop, first), &y, &m, &d);
      reading->first_index = MIN (month_index (y, m), reading->last_index);
    }
  else
    reading->first_index = reading->last_index;

  /* The last complete month, or the first with data when the data began
   * this month. */
  if (reading->year == 0)
    {
      if (!siyu_review_last_month (shop, &reading->year, &reading->month, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (month_index (reading->year, reading->month) < reading->first_index)
        {
          reading->year = reading->first_index / 12;
          reading->month = reading->first_index % 12 + 1;
        }
    }

  reading->no_orders = orders == 0;
  if (reading->no_orders)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  reading->review = siyu_review_compute (shop, reading->year, reading->month, cancellable, &error);
  if (reading->review == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
update_actions (SiyuReviewPage *self)
{
  int shown = self->year > 0 ? month_index (self->year, self->month) : -1;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.previous-month",
                                 self->year > 0 && shown > self->first_index);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.next-month",
                                 self->year > 0 && shown < self->last_index);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export-pdf",
                                 !self->loading && !self->exporting && self->review != NULL);
}

/* The drop-down lists the months of the data, newest first. */
static void
update_months (SiyuReviewPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->months));
  guint wanted = (guint) (self->last_index - self->first_index + 1);
  int shown = self->year > 0 ? month_index (self->year, self->month) : -1;
  g_autofree char *newest = index_name (self->last_index);
  g_autofree char *oldest = index_name (self->first_index);
  const char *had_newest = n > 0 ? gtk_string_list_get_string (self->months, 0) : NULL;
  const char *had_oldest = n > 0 ? gtk_string_list_get_string (self->months, n - 1) : NULL;

  g_signal_handler_block (self->month_dropdown, self->selected_id);
  if (n != wanted || g_strcmp0 (had_newest, newest) != 0 || g_strcmp0 (had_oldest, oldest) != 0)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      for (int i = self->last_index; i >= self->first_index; i--)
        g_ptr_array_add (names, index_name (i));
      g_ptr_array_add (names, NULL);
      gtk_string_list_splice (self->months, 0, n, (const char * const *) names->pdata);
    }
  if (shown >= self->first_index && shown <= self->last_index)
    gtk_drop_down_set_selected (self->month_dropdown, (guint) (self->last_index - shown));
  else
    gtk_drop_down_set_selected (self->month_dropdown, GTK_INVALID_LIST_POSITION);
  g_signal_handler_unblock (self->month_dropdown, self->selected_id);
  update_actions (self);
}

static void show_review (SiyuReviewPage *self);

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *month_text = NULL;
  SiyuReviewPage *self;
  Reading *reading;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_REVIEW_PAGE (source);
  if (g_task_get_cancellable (G_TASK (result)) != self->read_cancellable)
    return;
  reading = g_task_get_task_data (G_TASK (result));
  self->loading = FALSE;
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);

  self->year = reading->year;
  self->month = reading->month;
  month_text = g_strdup_printf ("%04d-%02d", reading->year, reading->month);
  /* Another month starts at its top, not where the last one was read. */
  if (g_strcmp0 (self->month_text, month_text) != 0)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0.0);
  g_free (self->month_text);
  self->month_text = g_steal_pointer (&month_text);
  self->first_index = reading->first_index;
  self->last_index = reading->last_index;
  g_clear_pointer (&self->review, json_node_unref);
  update_months (self);

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_status, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_actions (self);
      return;
    }
  if (reading->no_orders)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_actions (self);
      return;
    }

  self->review = g_steal_pointer (&reading->review);
  show_review (self);
  gtk_stack_set_visible_child_name (self->stack, "review");
  update_actions (self);
}

static void
load (SiyuReviewPage *self,
      int             year,
      int             month)
{
  g_autoptr(GTask) task = NULL;
  Reading *reading;

  if (!self->started)
    return;
  g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();
  self->loading = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);

  reading = g_new0 (Reading, 1);
  reading->year = year;
  reading->month = month;
  task = g_task_new (self, self->read_cancellable, read_done_cb, NULL);
  g_task_set_task_data (task, reading, (GDestroyNotify) reading_free);
  siyu_shop_runner_run (self->runner, task, read_job);
}

/**
 * siyu_review_page_reload:
 *
 * Counts the review of the month shown again.
 */
void
siyu_review_page_reload (SiyuReviewPage *self)
{
  g_return_if_fail (SIYU_IS_REVIEW_PAGE (self));

  load (self, self->year, self->month);
}

/**
 * siyu_review_page_show_month:
 * @year: @month: the month to review
 *
 * Counts the review of another month, cancelling the one being counted.
 */
void
siyu_review_page_show_month (SiyuReviewPage *self,
                             int             year,
                             int             month)
{
  g_return_if_fail (SIYU_IS_REVIEW_PAGE (self));
  g_return_if_fail (month >= 1 && month <= 12);

  self->year = year;
  self->month = month;
  update_months (self);
  load (self, year, month);
}

static void
month_selected_cb (SiyuReviewPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->month_dropdown);
  int index;

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  index = self->last_index - (int) selected;
  if (self->year > 0 && index == month_index (self->year, self->month) && !self->loading)
    return;
  siyu_review_page_show_month (self, index / 12, index % 12 + 1);
}

static void
step_month (SiyuReviewPage *self,
            int             by)
{
  int index;

  if (self->year == 0)
    return;
  index = CLAMP (month_index (self->year, self->month) + by, self->first_index, self->last_index);
  siyu_review_page_show_month (self, index / 12, index % 12 + 1);
}

static void
previous_month_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  step_month (SIYU_REVIEW_PAGE (widget), -1);
}

static void
next_month_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  step_month (SIYU_REVIEW_PAGE (widget), 1);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  siyu_review_page_reload (SIYU_REVIEW_PAGE (widget));
}

/* ------------------------------------------------------------------ */
/* Showing                                                             */

static GtkWidget *
add_section (SiyuReviewPage *self,
             const char     *title,
             const char     *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->content, group);
  return group;
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static GtkWidget *
value_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  return label;
}

/* A row with a count at its end. */
static void
add_count_row (GtkWidget  *group,
               const char *title,
               const char *subtitle,
               gint64      count)
{
  GtkWidget *row = new_row (title, subtitle);
  g_autofree char *text = siyu_count_format (count);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (text));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
add_note (GtkWidget  *group,
          const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
}

static GtkWidget *
chart_frame (GtkWidget  *chart,
             const char *name)
{
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_widget_add_css_class (frame, "card");
  gtk_widget_set_margin_top (chart, 12);
  gtk_widget_set_margin_bottom (chart, 12);
  gtk_widget_set_margin_start (chart, 12);
  gtk_widget_set_margin_end (chart, 12);
  gtk_frame_set_child (GTK_FRAME (frame), chart);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return frame;
}

static void
add_chart (GtkWidget  *group,
           SiyuChart  *chart,
           const char *name)
{
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), chart_frame (GTK_WIDGET (chart), name));
}

static FigureKind
figure_kind (const char *name)
{
  if (g_str_equal (name, "net_sales") || g_str_equal (name, "aov"))
    return KIND_MONEY;
  if (g_str_equal (name, "repurchase_rate") || g_str_equal (name, "member_share"))
    return KIND_RATIO;
  return KIND_COUNT;
}

/* A figure of a month as the owner reads it; NULL when it has no base. */
static char *
figure_text (SiyuReviewPage *self,
             JsonObject     *month,
             const char     *name)
{
  if (!member_defined (month, name))
    return NULL;
  switch (figure_kind (name))
    {
    case KIND_MONEY:
      return siyu_money_format (llround (json_object_get_double_member (month, name)), currency (self));
    case KIND_RATIO:
      return siyu_percent_format (json_object_get_double_member (month, name));
    case KIND_COUNT:
    default:
      return siyu_count_format (json_object_get_int_member (month, name));
    }
}

/* Whole percent from 10 % up, one decimal below that. */
static char *
format_percent (double percent)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, percent >= 9.95 ? "%.0f" : "%.1f", percent));
}

/* Why a figure has no value: its base is zero. */
static const char *
undefined_reason (const char *name)
{
  if (g_str_equal (name, "repurchase_rate"))
    return _("No buyers in the month, so no repurchase rate");
  if (g_str_equal (name, "member_share"))
    return _("No sales in the month, so no share");
  return _("No paid orders in the month, so no average");
}

/* How a figure changed from @then's month to @now's, in words; @sign is
 * set to 1 for a rise, −1 for a fall, 0 otherwise. */
static char *
describe_change (JsonObject *now,
                 JsonObject *then,
                 const char *name,
                 int        *sign)
{
  const char *month = then != NULL ? json_object_get_string_member (then, "month") : NULL;
  double a, b;

  *sign = 0;
  if (!member_defined (now, name))
    return g_strdup (undefined_reason (name));
  if (then == NULL)
    return g_strdup (_("No month before in the data"));
  if (!member_defined (then, name))
    /* Translators: %s is a month, such as 2026-09, whose figure had no base. */
    return g_strdup_printf (_("Nothing to compare with in %s"), month);

  a = json_object_get_double_member (now, name);
  b = json_object_get_double_member (then, name);
  if (figure_kind (name) == KIND_RATIO)
    {
      double points = 100 * (a - b);
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (fabs (points) < 0.05)
        /* Translators: %s is a month, such as 2026-09. */
        return g_strdup_printf (_("Same as %s"), month);
      *sign = points > 0 ? 1 : -1;
      g_ascii_formatd (buffer, sizeof buffer, "%.1f", fabs (points));
      if (points > 0)
        /* Translators: a rise of a share in percentage points, e.g. “↑ 1.6 points vs. 2026-09”. */
        return g_strdup_printf (_("↑ %s points vs. %s"), buffer, month);
      /* Translators: a fall of a share in percentage points, e.g. “↓ 1.6 points vs. 2026-09”. */
      return g_strdup_printf (_("↓ %s points vs. %s"), buffer, month);
    }

  if (llround (a) == llround (b))
    return g_strdup_printf (_("Same as %s"), month);
  *sign = a > b ? 1 : -1;
  if (b == 0)
    /* Translators: the figure was zero in the month before, %s, such as 2026-09. */
    return g_strdup_printf (_("None in %s"), month);
  {
    g_autofree char *percent = format_percent (100.0 * fabs (a - b) / fabs (b));

    if (a > b)
      /* Translators: a rise compared with a month, e.g. “↑ 16 % vs. 2026-09”. */
      return g_strdup_printf (_("↑ %s %% vs. %s"), percent, month);
    /* Translators: a fall compared with a month, e.g. “↓ 2.5 % vs. 2026-09”. */
    return g_strdup_printf (_("↓ %s %% vs. %s"), percent, month);
  }
}

/* “2026-09: ¥289,994.52 · 2025-10: ¥115,401.06”. */
static char *
describe_earlier (SiyuReviewPage *self,
                  JsonObject     *before,
                  JsonObject     *last_year,
                  const char     *name)
{
  JsonObject *months[2] = { before, last_year };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    {
      g_autofree char *text = NULL;

      if (months[i] == NULL)
        continue;
      text = figure_text (self, months[i], name);
      if (out->len > 0)
        g_string_append (out, " · ");
      /* Translators: a figure of an earlier month, e.g. “2026-09: ¥2,899.95”. */
      g_string_append_printf (out, _("%s: %s"), json_object_get_string_member (months[i], "month"),
                              text != NULL ? text : "—");
    }
  if (out->len == 0)
    g_string_append (out, _("No earlier month in the data"));
  return g_string_free (out, FALSE);
}

static GtkWidget *
change_label (const char *text,
              int         sign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, sign > 0 ? "success" : sign < 0 ? "error" : "dim-label");
  return label;
}

static void
add_figure (SiyuReviewPage *self,
            GtkWidget      *group,
            const char     *name,
            const char     *title)
{
  JsonObject *review = json_node_get_object (self->review);
  JsonObject *now = member_object (review, "month");
  JsonObject *before = member_object (review, "month_before");
  JsonObject *last_year = member_object (review, "same_month_last_year");
  Figure *figure = g_new0 (Figure, 1);
  GtkWidget *row, *box, *value;
  g_autofree char *accessible = NULL;
  int sign, sign_year = 0;

  figure->value = figure_text (self, now, name);
  if (figure->value == NULL)
    figure->value = g_strdup ("—");
  figure->change = describe_change (now, before, name, &sign);
  if (last_year != NULL && member_defined (now, name))
    figure->change_year = describe_change (now, last_year, name, &sign_year);
  figure->compared = describe_earlier (self, before, last_year, name);

  row = new_row (title, figure->compared);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  value = value_label (figure->value);
  gtk_widget_add_css_class (value, "title-4");
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), change_label (figure->change, sign));
  if (figure->change_year != NULL)
    gtk_box_append (GTK_BOX (box), change_label (figure->change_year, sign_year));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  /* Translators: how a screen reader names a figure of the review: title, value and change. */
  accessible = g_strdup_printf (_("%s: %s, %s"), title, figure->value, figure->change);
  if (figure->change_year != NULL)
    {
      char *with_year = g_strdup_printf (_("%s, %s"), accessible, figure->change_year);

      g_free (accessible);
      accessible = with_year;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  g_hash_table_replace (self->figures, g_strdup (name), figure);
}

/* What an action card's figure is, for the line under it. */
static const char *
card_figure_title (const char *figure)
{
  if (g_strcmp0 (figure, "transitions.growing.dormant") == 0)
    return _("Growing customers who fell Dormant");
  if (g_strcmp0 (figure, "tiers.close_to_next") == 0)
    return _("Members close to the next tier");
  if (g_strcmp0 (figure, "groups.left") == 0)
    return _("Members who left the group");
  if (g_strcmp0 (figure, "month_before.buyers_not_back") == 0)
    return _("Buyers of the month before who did not come back");
  if (g_strcmp0 (figure, "month.new_buyers") == 0)
    return _("New buyers");
  return figure;
}

static void
card_clicked_cb (GtkButton      *button,
                 SiyuReviewPage *self)
{
  _siyu_review_page_open_card (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "card")));
}

static void
add_cards (SiyuReviewPage *self)
{
  JsonArray *cards = member_array (json_node_get_object (self->review), "cards");
  guint n = cards != NULL ? json_array_get_length (cards) : 0;
  GtkWidget *group = add_section (self, _("What to Do Next"),
                                  n > 0 ? _("Each suggestion comes with the customers to reach: open its segment "
                                            "to see them and export them.") : NULL);

  g_ptr_array_set_size (self->card_texts, 0);
  if (n == 0)
    add_note (group, _("Nothing calls for action this month."));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *card = json_array_get_object_element (cards, i);
      const char *text = json_object_get_string_member (card, "text");
      const char *segment = member_defined (card, "segment") ? json_object_get_string_member (card, "segment") : "";
      g_autofree char *value = siyu_count_format (member_int (card, "value"));
      g_autofree char *trigger = NULL;
      g_autofree char *accessible = NULL;
      GtkWidget *row, *button;

      /* Translators: under an action card: the figure that triggered it and its value, e.g.
       * “Triggered by New buyers: 315”. */
      trigger = g_strdup_printf (_("Triggered by %s: %s"),
                                 card_figure_title (json_object_get_string_member (card, "figure")), value);
      row = new_row (text, trigger);
      button = gtk_button_new_with_label (_("Open Segment"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (button), "card", GUINT_TO_POINTER (i));
      g_signal_connect_object (button, "clicked", G_CALLBACK (card_clicked_cb), self, 0);
      /* Translators: names a card's button for a screen reader, e.g. “Open segment First bought in 2026-10”. */
      accessible = g_strdup_printf (_("Open segment %s"), segment);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_ptr_array_add (self->card_texts, g_strdup (text));
    }
}

static const SiyuStage stages[] = {
  SIYU_STAGE_PROSPECT, SIYU_STAGE_NEW, SIYU_STAGE_GROWING,
  SIYU_STAGE_MATURE, SIYU_STAGE_DORMANT, SIYU_STAGE_LOST,
};

static void
add_lifecycle (SiyuReviewPage *self)
{
  JsonObject *review = json_node_get_object (self->review);
  JsonObject *transitions = member_object (review, "transitions");
  JsonObject *before = member_object (review, "month_before");
  JsonObject *growing = member_object (transitions, "growing");
  GtkWidget *group = add_section (self, _("Lifecycle"),
                                  _("Where the customers of the end of the month before stood at the end of "
                                    "this month. Each band is as wide as the number who moved; point at one "
                                    "to see it."));
  const char *labels[G_N_ELEMENTS (stages)];
  double counts[G_N_ELEMENTS (stages) * G_N_ELEMENTS (stages)];
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  g_autofree char *moves = NULL;

  if (before == NULL)
    {
      add_note (group, _("The data does not reach the month before, so there are no moves to show."));
      self->flow = NULL;
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      JsonObject *from = member_object (transitions, siyu_stage_to_string (stages[i]));

      labels[i] = siyu_stage_get_label (stages[i]);
      for (guint j = 0; j < G_N_ELEMENTS (stages); j++)
        counts[i * G_N_ELEMENTS (stages) + j] = (double) member_int (from, siyu_stage_to_string (stages[j]));
    }
  self->flow = siyu_chart_new (SIYU_CHART_FLOW);
  siyu_chart_set_flow (self->flow, G_N_ELEMENTS (stages), labels, counts);
  /* Translators: above the left side of the lifecycle flow: the stages at the end of a month, e.g. “End of 2026-09”. */
  left = g_strdup_printf (_("End of %s"), json_object_get_string_member (before, "month"));
  right = g_strdup_printf (_("End of %s"), self->month_text);
  siyu_chart_set_axis_titles (self->flow, left, right);
  add_chart (group, self->flow, _("Lifecycle moves"));

  /* Translators: the moves that matter most, under the lifecycle flow. */
  moves = g_strdup_printf (_("New → Growing %lld · Growing → Dormant %lld · Dormant → Lost %lld"),
                           (long long) member_int (member_object (transitions, "new"), "growing"),
                           (long long) member_int (growing, "dormant"),
                           (long long) member_int (member_object (transitions, "dormant"), "lost"));
  add_note (group, moves);
}

static const char *
tier_name (JsonObject *tier)
{
  const char *zh = member_defined (tier, "name_zh") ? json_object_get_string_member (tier, "name_zh") : NULL;

  return siyu_tier_display_name (json_object_get_string_member (tier, "name"), zh);
}

static void
add_tiers (SiyuReviewPage *self)
{
  JsonObject *review = json_node_get_object (self->review);
  JsonObject *moves = member_object (review, "tier_moves");
  JsonArray *close = member_array (moves, "close_to_next");
  JsonArray *tiers = member_array (review, "tiers");
  guint n = tiers != NULL ? json_array_get_length (tiers) : 0;
  GtkWidget *group = add_section (self, _("Tiers"), NULL);

  if (n == 0)
    {
      add_note (group, _("The shop has no membership tiers."));
      return;
    }
  add_count_row (group, _("Moved up a tier"), _("Members in a higher tier than at the end of the month before"),
                 member_int (moves, "up"));
  add_count_row (group, _("Moved down a tier"), _("Members in a lower tier than at the end of the month before"),
                 member_int (moves, "down"));
  for (guint i = 0; i + 1 < n; i++)
    {
      JsonObject *tier = json_array_get_object_element (tiers, i);
      JsonObject *next = json_array_get_object_element (tiers, i + 1);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *members = siyu_count_format (member_int (tier, "members"));

      /* Translators: a tier's members close to the next tier, e.g. “Silver close to Gold”. */
      title = g_strdup_printf (_("%s close to %s"), tier_name (tier), tier_name (next));
      /* Translators: %s is how many members the tier has. */
      subtitle = g_strdup_printf (_("Within 20 %% of the next threshold; %s members in the tier"), members);
      add_count_row (group, title, subtitle,
                     close != NULL && i < json_array_get_length (close) ? json_array_get_int_element (close, i) : 0);
    }
}

static const SiyuRfmSegment rfm_segments[] = {
  SIYU_RFM_CHAMPIONS, SIYU_RFM_LOYAL, SIYU_RFM_POTENTIAL_LOYALIST, SIYU_RFM_RECENT,
  SIYU_RFM_PROMISING, SIYU_RFM_NEED_ATTENTION, SIYU_RFM_ABOUT_TO_SLEEP, SIYU_RFM_AT_RISK,
  SIYU_RFM_CANT_LOSE, SIYU_RFM_HIBERNATING, SIYU_RFM_LOST,
};

static const SiyuPyramidLevel levels[] = {
  SIYU_PYRAMID_CO_BUILDER, SIYU_PYRAMID_COMMUNICATOR, SIYU_PYRAMID_SILENT,
};

static const SiyuAiplStage aipl_stages[] = {
  SIYU_AIPL_AWARENESS, SIYU_AIPL_INTEREST, SIYU_AIPL_PURCHASE, SIYU_AIPL_LOYALTY,
};

static void
add_rfm (SiyuReviewPage *self)
{
  JsonObject *review = json_node_get_object (self->review);
  JsonObject *rfm = member_object (review, "rfm");
  JsonObject *counts = member_object (rfm, "segments");
  JsonObject *pyramid = member_object (review, "pyramid");
  JsonObject *level_counts = member_object (pyramid, "levels");
  double pareto = member_double (pyramid, "pareto_share");
  g_autofree char *scored = siyu_count_format (member_int (rfm, "scored"));
  g_autofree char *description = NULL;
  const char *labels[G_N_ELEMENTS (rfm_segments)];
  double values[G_N_ELEMENTS (rfm_segments)];
  const char *level_labels[G_N_ELEMENTS (levels)];
  double level_values[G_N_ELEMENTS (levels)];
  SiyuChart *chart;
  GtkWidget *group;

  /* Translators: %s is a number of buyers. */
  description = g_strdup_printf (_("%s buyers of the last 365 days scored at the month’s end."), scored);
  group = add_section (self, _("RFM and Participation"), description);
  for (guint i = 0; i < G_N_ELEMENTS (rfm_segments); i++)
    {
      labels[i] = siyu_rfm_segment_get_label (rfm_segments[i]);
      values[i] = (double) member_int (counts, siyu_rfm_segment_to_string (rfm_segments[i]));
    }
  chart = siyu_chart_new (SIYU_CHART_BARS);
  siyu_chart_set_categories (chart, G_N_ELEMENTS (rfm_segments), labels, values, NULL, NULL, NULL);
  add_chart (group, chart, _("RFM segments"));

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      level_labels[i] = siyu_pyramid_level_get_label (levels[i]);
      level_values[i] = (double) member_int (level_counts, siyu_pyramid_level_to_string (levels[i]));
    }
  chart = siyu_chart_new (SIYU_CHART_BARS);
  siyu_chart_set_categories (chart, G_N_ELEMENTS (levels), level_labels, level_values, NULL, NULL, NULL);
  add_chart (group, chart, _("Participation pyramid"));
  if (!isnan (pareto))
    {
      g_autofree char *share = siyu_percent_format (pareto);
      g_autofree char *note = NULL;

      note = g_strdup_printf (_("The top 20 %% of buyers bring %s of the net sales of the last 365 days."), share);
      add_note (group, note);
    }
}

static char *
fast_text (JsonObject *fast)
{
  g_autofree char *f = siyu_count_format (member_int (fast, "fertility"));
  g_autofree char *a = siyu_percent_format (member_double (fast, "advancing"));
  g_autofree char *s = siyu_count_format (member_int (fast, "superiority"));
  g_autofree char *t = siyu_percent_format (member_double (fast, "thriving"));

  return g_strdup_printf (_("F contacts in AIPL %s · A relationships deepened %s · S super users %s · T super users active %s"),
                          f, a, s, t);
}

static void
add_aipl (SiyuReviewPage *self)
{
  JsonObject *review = json_node_get_object (self->review);
  JsonObject *fast = member_object (review, "fast");
  JsonObject *fast_before = member_object (review, "fast_month_before");
  JsonObject *now = member_object (fast, "aipl");
  JsonObject *before = member_object (fast_before, "aipl");
  const char *labels[G_N_ELEMENTS (aipl_stages)];
  double values[G_N_ELEMENTS (aipl_stages)], befores[G_N_ELEMENTS (aipl_stages)];
  g_autofree char *this_month = fast_text (fast);
  g_autofree char *last_month = fast_before != NULL ? fast_text (fast_before) : NULL;
  g_autofree char *note = NULL;
  GtkWidget *group = add_section (self, _("AIPL and FAST"),
                                  _("The thin mark is where each stage stood at the end of the month before."));
  SiyuChart *chart = siyu_chart_new (SIYU_CHART_FUNNEL);

  for (guint i = 0; i < G_N_ELEMENTS (aipl_stages); i++)
    {
      const char *key = siyu_aipl_stage_to_string (aipl_stages[i]);

      labels[i] = siyu_aipl_stage_get_label (aipl_stages[i]);
      values[i] = (double) member_int (now, key);
      befores[i] = before != NULL ? (double) member_int (before, key) : NAN;
    }
  siyu_chart_set_categories (chart, G_N_ELEMENTS (aipl_stages), labels, values, before != NULL ? befores : NULL,
                             NULL, NULL);
  add_chart (group, chart, _("AIPL funnel"));
  if (last_month != NULL)
    note = g_strdup_printf (_("This month: %s\nThe month before: %s"), this_month, last_month);
  else
    note = g_strdup_printf (_("This month: %s"), this_month);
  add_note (group, note);
}

static void
add_groups (SiyuReviewPage *self)
{
  JsonArray *groups = member_array (json_node_get_object (self->review), "groups");
  guint n = groups != NULL ? json_array_get_length (groups) : 0;
  GtkWidget *group = add_section (self, _("Community Groups"),
                                  n > 0 ? _("Members at the month’s end; who joined, left and bought in it.") : NULL);

  if (n == 0)
    add_note (group, _("No community groups yet: import your WeCom or WeChat groups to see them here."));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);
      g_autofree char *subtitle = NULL;

      /* Translators: under a group in the review: joined, left and bought in the month. */
      subtitle = g_strdup_printf (_("Joined %lld · Left %lld · Bought %lld"),
                                  (long long) member_int (g, "joined"), (long long) member_int (g, "left"),
                                  (long long) member_int (g, "buyers"));
      add_count_row (group, json_object_get_string_member (g, "name"), subtitle, member_int (g, "members"));
    }
}

static void
add_touches (SiyuReviewPage *self)
{
  JsonArray *touches = member_array (json_node_get_object (self->review), "touches");
  guint n = touches != NULL ? json_array_get_length (touches) : 0;
  GtkWidget *group = add_section (self, _("Touches and Uplift"),
                                  n > 0 ? _("The exports to message customers this month, against their holdout.")
                                        : NULL);

  if (n == 0)
    add_note (group, _("No segment was exported to message customers this month."));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *touch = json_array_get_object_element (touches, i);
      JsonObject *uplift = member_object (touch, "uplift");
      JsonObject *members = member_object (uplift, "members");
      GtkWidget *row = new_row (member_defined (touch, "name") ? json_object_get_string_member (touch, "name") : "",
                                member_defined (uplift, "message") ? json_object_get_string_member (uplift, "message")
                                                                    : NULL);
      double share = member_double (members, "share_bought");
      g_autofree char *text = !isnan (share) ? siyu_percent_format (share) : g_strdup ("—");
      g_autofree char *bought = NULL;

      /* Translators: the share of a touch's contacts who bought, e.g. “12 % bought”. */
      bought = g_strdup_printf (_("%s bought"), text);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (bought));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

static void
add_cohorts (SiyuReviewPage *self)
{
  JsonArray *cohorts = member_array (json_node_get_object (self->review), "cohorts");
  guint n = cohorts != NULL ? json_array_get_length (cohorts) : 0;
  guint first = n > COHORT_ROWS ? n - COHORT_ROWS : 0;
  guint rows = n - first;
  g_autoptr(GPtrArray) row_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) col_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new (double, MAX (rows, 1) * COHORT_COLS);
  GtkWidget *group = add_section (self, _("Cohort Retention"),
                                  /* xgettext:no-c-format */
                                  _("Customers by the month of their first paid order, and the % of them who "
                                    "bought again each month after."));
  SiyuChart *chart;

  if (rows == 0)
    {
      add_note (group, _("No customer has a paid order yet."));
      return;
    }
  for (guint c = 0; c < COHORT_COLS; c++)
    g_ptr_array_add (col_labels, g_strdup_printf ("%u", c));
  g_ptr_array_add (col_labels, NULL);
  for (guint r = 0; r < rows; r++)
    {
      JsonObject *cohort = json_array_get_object_element (cohorts, first + r);
      JsonArray *retention = member_array (cohort, "retention");
      guint length = retention != NULL ? json_array_get_length (retention) : 0;
      g_autofree char *size = siyu_count_format (member_int (cohort, "size"));

      g_ptr_array_add (row_labels, g_strdup_printf (_("%s · %s"), json_object_get_string_member (cohort, "cohort"),
                                                    size));
      for (guint c = 0; c < COHORT_COLS; c++)
        {
          double share = c < length ? json_array_get_double_element (retention, c) : NAN;

          values[r * COHORT_COLS + c] = share;
          g_ptr_array_add (texts, isnan (share) ? NULL : g_strdup_printf ("%.0f", 100 * share));
        }
    }
  g_ptr_array_add (row_labels, NULL);
  chart = siyu_chart_new (SIYU_CHART_GRID);
  siyu_chart_set_grid (chart, rows, COHORT_COLS, (const char * const *) row_labels->pdata,
                       (const char * const *) col_labels->pdata, values, (const char * const *) texts->pdata, 1.0);
  siyu_chart_set_axis_titles (chart, _("Month of the first order · customers"),
                              /* xgettext:no-c-format */
                              _("Months after, in % still buying"));
  add_chart (group, chart, _("Cohort retention"));
}

/* One line chart of the trend: @names of the trend's members, one line each. */
static void
add_trend_chart (SiyuReviewPage     *self,
                 GtkWidget          *group,
                 JsonArray          *trend,
                 const char * const *names,
                 const char * const *titles,
                 guint               n_series,
                 const char         *chart_name)
{
  guint n = json_array_get_length (trend);
  g_autoptr(GPtrArray) months = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new (double, MAX (n * n_series, 1));
  SiyuChart *chart = siyu_chart_new (SIYU_CHART_LINE);

  for (guint c = 0; c < n; c++)
    g_ptr_array_add (months, g_strdup (json_object_get_string_member (json_array_get_object_element (trend, c),
                                                                      "month")));
  g_ptr_array_add (months, NULL);
  for (guint s = 0; s < n_series; s++)
    for (guint c = 0; c < n; c++)
      {
        JsonObject *point = json_array_get_object_element (trend, c);
        double value = member_double (point, names[s]);

        if (figure_kind (names[s]) == KIND_RATIO && !isnan (value))
          value *= 100;
        values[s * n + c] = value;
        g_ptr_array_add (texts, figure_text (self, point, names[s]));
      }
  siyu_chart_set_series (chart, n_series, n, titles, (const char * const *) months->pdata, values,
                         (const char * const *) texts->pdata);
  add_chart (group, chart, chart_name);
}

static void
add_trend (SiyuReviewPage *self)
{
  JsonArray *trend = member_array (json_node_get_object (self->review), "trend");
  GtkWidget *group = add_section (self, _("The Last 12 Months"), _("Point at a month to see its figure."));
  const char *sales[] = { "net_sales" };
  const char *sales_titles[] = { _("Net sales") };
  const char *people[] = { "buyers", "paid_orders" };
  const char *people_titles[] = { _("Buyers"), _("Paid orders") };
  const char *repurchase[] = { "repurchase_rate" };
  const char *repurchase_titles[] = { _("Repurchase rate") };

  if (trend == NULL || json_array_get_length (trend) == 0)
    return;
  add_trend_chart (self, group, trend, sales, sales_titles, 1, _("Net sales by month"));
  add_trend_chart (self, group, trend, people, people_titles, 2, _("Buyers and paid orders by month"));
  add_trend_chart (self, group, trend, repurchase, repurchase_titles, 1, _("Repurchase rate by month"));
}

static void
add_maturity (SiyuReviewPage *self)
{
  JsonObject *maturity = member_object (json_node_get_object (self->review), "maturity");
  GtkWidget *group = add_section (self, _("Data Operations"),
                                  _("From orders only (L1) to campaigns measured against a holdout (L5)."));
  g_autofree char *title = NULL;

  /* Translators: the shop's level of data operations, e.g. “Level L3 of 5”. */
  title = g_strdup_printf (_("Level L%lld of 5"), (long long) member_int (maturity, "level"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_row (title, member_defined (maturity, "next_step")
                                             ? json_object_get_string_member (maturity, "next_step") : NULL));
}

static void
show_review (SiyuReviewPage *self)
{
  JsonObject *review = json_node_get_object (self->review);
  GtkWidget *child, *title, *group;
  g_autofree char *heading = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);
  g_hash_table_remove_all (self->figures);
  self->flow = NULL;

  if (json_object_get_boolean_member (review, "complete"))
    /* Translators: the review's title; %s is a month, such as 2026-10. */
    heading = g_strdup_printf (_("Review of %s"), self->month_text);
  else
    /* Translators: the review's title for the month in progress; %s is a month, such as 2026-12. */
    heading = g_strdup_printf (_("Review of %s, so far"), self->month_text);
  title = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-1");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  gtk_box_append (self->content, title);

  add_cards (self);

  group = add_section (self, _("Members and Buyers"), NULL);
  add_figure (self, group, "contacts", _("Contacts"));
  add_figure (self, group, "members", _("Members"));
  add_figure (self, group, "new_contacts", _("New contacts"));
  add_figure (self, group, "buyers", _("Buyers"));
  add_figure (self, group, "new_buyers", _("New buyers"));

  group = add_section (self, _("Sales and Member Share"), NULL);
  add_figure (self, group, "net_sales", _("Net sales"));
  add_figure (self, group, "paid_orders", _("Paid orders"));
  add_figure (self, group, "member_share", _("Members’ share of sales"));

  group = add_section (self, _("Repurchase and Order Value"), NULL);
  add_figure (self, group, "repurchase_rate", _("Repurchase rate"));
  add_figure (self, group, "aov", _("Average order value"));

  add_lifecycle (self);
  add_tiers (self);
  add_rfm (self);
  add_aipl (self);
  add_groups (self);
  add_touches (self);
  add_cohorts (self);
  add_trend (self);
  add_maturity (self);
}

/* ------------------------------------------------------------------ */
/* Action cards and the PDF                                            */

static void
show_toast (SiyuReviewPage *self,
            AdwToast       *toast)
{
  g_free (self->message);
  self->message = g_strdup (adw_toast_get_title (toast));
  siyu_toast_show (GTK_WIDGET (self), toast);
}

static void
open_file_cb (AdwToast *toast,
              GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

static void
export_job (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  if (siyu_review_write_pdf (export->review, export->path, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SiyuReviewPage *self;
  Export *export;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  AdwToast *toast;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_REVIEW_PAGE (source);
  export = g_task_get_task_data (G_TASK (result));
  self->exporting = FALSE;
  update_actions (self);

  if (error != NULL)
    {
      /* Translators: %s says why. */
      text = g_strdup_printf (_("Could not export the review: %s"), error->message);
      show_toast (self, adw_toast_new (text));
      return;
    }
  base = g_filename_display_basename (export->path);
  /* Translators: %s is a file name. */
  text = g_strdup_printf (_("Review saved to %s"), base);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Open"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (open_file_cb), g_file_new_for_path (export->path),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  show_toast (self, toast);
}

void
_siyu_review_page_export (SiyuReviewPage *self,
                          const char     *path)
{
  g_autoptr(GTask) task = NULL;
  Export *export;

  g_return_if_fail (SIYU_IS_REVIEW_PAGE (self));

  if (self->review == NULL)
    return;
  export = g_new0 (Export, 1);
  export->review = json_node_copy (self->review);
  export->path = g_strdup (path);
  self->exporting = TRUE;
  update_actions (self);
  task = g_task_new (self, self->cancellable, export_done_cb, NULL);
  g_task_set_task_data (task, export, (GDestroyNotify) export_free);
  g_task_run_in_thread (task, export_job);
}

static void
chooser_response_cb (SiyuReviewPage  *self,
                     int              response,
                     GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        _siyu_review_page_export (self, path);
    }
  g_clear_object (&self->chooser);
}

/* The file name offered for the PDF: the shop's name and the month, so
 * that reviews of two shops do not take each other's place. */
char *
_siyu_review_page_get_file_name (SiyuReviewPage *self)
{
  g_autofree char *shop = g_strdup (siyu_shop_runner_get_name (self->runner));

  /* A name may hold what a file name cannot. */
  g_strdelimit (shop, "/\\:*?\"<>|", '-');
  /* Translators: the file name offered for the review's PDF: the shop's name, then a month such as 2026-10. */
  return g_strdup_printf (_("%s review %s.pdf"), shop, self->month_text);
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SiyuReviewPage *self = SIYU_REVIEW_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->chooser != NULL || self->review == NULL)
    return;
  name = _siyu_review_page_get_file_name (self);
  self->chooser = gtk_file_chooser_native_new (_("Export the Review as PDF"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ------------------------------------------------------------------ */
/* The widget                                                          */

static GtkWidget *
build_toolbar (SiyuReviewPage *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *month_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *previous = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *next = gtk_button_new_from_icon_name ("go-next-symbolic");
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *export = gtk_button_new_with_mnemonic (_("_Export as PDF…"));
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();

  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);

  gtk_widget_add_css_class (month_box, "linked");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (previous), "page.previous-month");
  gtk_widget_set_tooltip_text (previous, _("Previous Month (Ctrl+Page Up)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (previous), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Previous month"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (next), "page.next-month");
  gtk_widget_set_tooltip_text (next, _("Next Month (Ctrl+Page Down)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (next), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Next month"), -1);

  self->months = gtk_string_list_new (NULL);
  self->month_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->months)), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->month_dropdown), _("The month to review"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->month_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Month"), -1);
  self->selected_id = g_signal_connect_swapped (self->month_dropdown, "notify::selected",
                                                G_CALLBACK (month_selected_cb), self);
  gtk_box_append (GTK_BOX (month_box), previous);
  gtk_box_append (GTK_BOX (month_box), GTK_WIDGET (self->month_dropdown));
  gtk_box_append (GTK_BOX (month_box), next);
  gtk_box_append (GTK_BOX (bar), month_box);

  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Counting the review"), -1);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->spinner));

  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (bar), spacer);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (export), "page.export-pdf");
  gtk_widget_set_tooltip_text (export, _("Write the review as a PDF to send to a partner (Ctrl+Shift+E)"));
  gtk_box_append (GTK_BOX (bar), export);

  g_menu_append (menu, _("_Export as PDF…"), "page.export-pdf");
  g_menu_append (menu, _("_Previous Month"), "page.previous-month");
  g_menu_append (menu, _("_Next Month"), "page.next-month");
  g_menu_append (menu, _("_Count Again"), "page.reload");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (menu_button, _("Review Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Review menu"), -1);
  gtk_box_append (GTK_BOX (bar), menu_button);

  return bar;
}

static GtkWidget *
build_loading (void)
{
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Counting the Review…"));
  adw_status_page_set_child (ADW_STATUS_PAGE (status), spinner);
  return status;
}

static void
siyu_review_page_constructed (GObject *object)
{
  SiyuReviewPage *self = SIYU_REVIEW_PAGE (object);

  G_OBJECT_CLASS (siyu_review_page_parent_class)->constructed (object);

  g_assert (self->runner != NULL);
  self->changed_id = g_signal_connect_swapped (self->runner, "settings-changed",
                                               G_CALLBACK (siyu_review_page_reload), self);
}

/* Counted when the place is first shown, as the other places do. */
static void
siyu_review_page_map (GtkWidget *widget)
{
  SiyuReviewPage *self = SIYU_REVIEW_PAGE (widget);

  GTK_WIDGET_CLASS (siyu_review_page_parent_class)->map (widget);

  if (!self->started)
    {
      self->started = TRUE;
      load (self, self->year, self->month);
    }
}

static void
siyu_review_page_dispose (GObject *object)
{
  SiyuReviewPage *self = SIYU_REVIEW_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->read_cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->runner != NULL)
    g_clear_signal_handler (&self->changed_id, self->runner);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  self->flow = NULL;

  G_OBJECT_CLASS (siyu_review_page_parent_class)->dispose (object);
}

static void
siyu_review_page_finalize (GObject *object)
{
  SiyuReviewPage *self = SIYU_REVIEW_PAGE (object);

  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->months);
  g_clear_pointer (&self->review, json_node_unref);
  g_clear_pointer (&self->card_texts, g_ptr_array_unref);
  g_clear_pointer (&self->figures, g_hash_table_unref);
  g_free (self->month_text);
  g_free (self->message);

  G_OBJECT_CLASS (siyu_review_page_parent_class)->finalize (object);
}

static void
siyu_review_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SiyuReviewPage *self = SIYU_REVIEW_PAGE (object);

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
siyu_review_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SiyuReviewPage *self = SIYU_REVIEW_PAGE (object);

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
siyu_review_page_class_init (SiyuReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = siyu_review_page_constructed;
  object_class->dispose = siyu_review_page_dispose;
  object_class->finalize = siyu_review_page_finalize;
  object_class->get_property = siyu_review_page_get_property;
  object_class->set_property = siyu_review_page_set_property;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL,
                         SIYU_TYPE_SHOP_RUNNER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->map = siyu_review_page_map;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.previous-month", NULL, previous_month_action);
  gtk_widget_class_install_action (widget_class, "page.next-month", NULL, next_month_action);
  gtk_widget_class_install_action (widget_class, "page.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK, "page.previous-month", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK, "page.next-month", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "page.export-pdf", NULL);
}

static void
siyu_review_page_init (SiyuReviewPage *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *empty = adw_status_page_new ();

  self->scrolled = GTK_SCROLLED_WINDOW (scrolled);

  self->cancellable = g_cancellable_new ();
  self->figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) figure_free);
  self->card_texts = g_ptr_array_new_with_free_func (g_free);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_box_append (GTK_BOX (self->box), build_toolbar (self));
  gtk_box_append (GTK_BOX (self->box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  gtk_stack_add_named (self->stack, build_loading (), "loading");

  self->error_status = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->error_status, "x-office-document-symbolic");
  adw_status_page_set_title (self->error_status, _("No Review for This Month"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->error_status), "error");

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "x-office-document-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("Nothing to Review Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("The review needs orders. Import your orders (Ctrl+I), and each month’s "
                                     "figures, changes and suggestions will be here."));
  gtk_stack_add_named (self->stack, empty, "empty");

  self->content = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 24));
  gtk_widget_set_margin_top (GTK_WIDGET (self->content), 24);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->content), 24);
  gtk_widget_set_margin_start (GTK_WIDGET (self->content), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->content), 12);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 860);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 600);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->content));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_stack_add_named (self->stack, scrolled, "review");

  update_actions (self);
}

SiyuReviewPage *
siyu_review_page_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_REVIEW_PAGE, "runner", runner, NULL);
}

/* ------------------------------------------------------------------ */
/* For the tests                                                       */

const char *
_siyu_review_page_get_state (SiyuReviewPage *self)
{
  if (!self->started || self->loading)
    return "loading";
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
_siyu_review_page_get_month (SiyuReviewPage *self)
{
  return self->month_text;
}

/* The error shown, or the last export's outcome. */
const char *
_siyu_review_page_get_message (SiyuReviewPage *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0)
    return adw_status_page_get_description (self->error_status);
  return self->message;
}

gboolean
_siyu_review_page_get_figure (SiyuReviewPage *self,
                              const char     *name,
                              const char    **value,
                              const char    **change,
                              const char    **change_year,
                              const char    **compared)
{
  Figure *figure = g_hash_table_lookup (self->figures, name);

  if (figure == NULL)
    return FALSE;
  if (change_year != NULL)
    *change_year = figure->change_year;
  if (value != NULL)
    *value = figure->value;
  if (change != NULL)
    *change = figure->change;
  if (compared != NULL)
    *compared = figure->compared;
  return TRUE;
}

guint
_siyu_review_page_get_n_cards (SiyuReviewPage *self)
{
  return self->card_texts->len;
}

const char *
_siyu_review_page_get_card_text (SiyuReviewPage *self,
                                 guint           index)
{
  return index < self->card_texts->len ? g_ptr_array_index (self->card_texts, index) : NULL;
}

/* What a card's button does: its segment, exactly the people it counts in
 * its month, in the segment editor of Segments, to save or export. */
gboolean
_siyu_review_page_open_card (SiyuReviewPage *self,
                             guint           index)
{
  JsonArray *cards = self->review != NULL ? member_array (json_node_get_object (self->review), "cards") : NULL;
  g_autofree char *definition = NULL;
  JsonObject *card;
  const char *name;

  if (cards == NULL || index >= json_array_get_length (cards))
    return FALSE;
  card = json_array_get_object_element (cards, index);
  if (member_object (card, "definition") == NULL)
    return FALSE;
  name = json_object_get_string_member (card, "segment");
  definition = siyu_json_to_string (json_object_get_member (card, "definition"), FALSE);
  return gtk_widget_activate_action (GTK_WIDGET (self), "win.open-segment", "(ss)",
                                     name != NULL ? name : "", definition);
}

guint
_siyu_review_page_get_n_months (SiyuReviewPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->months));
}

GtkDropDown *
_siyu_review_page_get_month_chooser (SiyuReviewPage *self)
{
  return self->month_dropdown;
}

GtkAdjustment *
_siyu_review_page_get_scroll (SiyuReviewPage *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scrolled);
}

SiyuChart *
_siyu_review_page_get_flow (SiyuReviewPage *self)
{
  return self->flow;
}

gboolean
_siyu_review_page_is_exporting (SiyuReviewPage *self)
{
  return self->exporting;
}
