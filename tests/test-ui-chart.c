/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <adwaita.h>

#include "siyu-chart-private.h"

/* The chart widget: its data in words, which bar or cell is under a point,
 * activation by click and keyboard, and drawing odd data without harm. */

static const char * const stages[] = { "Prospect", "New", "Active" };
static const double stage_counts[] = { 1157, 225, 3001 };
static const double stage_before[] = { 1122, 242, 2950 };

static const char * const r_labels[] = { "R5", "R4" };
static const char * const f_labels[] = { "F1", "F2" };
static const double small_grid[] = { 66, NAN,
                                     3, 0 };
static const char * const small_texts[] = { NULL, NULL,
                                            "3 %", NULL };

typedef struct
{
  guint n;
  guint row;
  guint col;
} Activations;

static void
activated_cb (SiyuChart   *chart,
              guint        row,
              guint        col,
              Activations *seen)
{
  seen->n++;
  seen->row = row;
  seen->col = col;
}

static void
drain (void)
{
  for (int i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

/* The chart alone in a window of a known size, laid out and drawn. */
static GtkWindow *
show_in_window (SiyuChart *chart)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gtk_widget_set_valign (GTK_WIDGET (chart), GTK_ALIGN_START);
  gtk_window_set_default_size (window, 640, 480);
  gtk_window_set_child (window, GTK_WIDGET (chart));
  gtk_window_present (window);

  while (gtk_widget_get_width (GTK_WIDGET (chart)) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The chart was never given a size");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  drain ();
  return window;
}

static void
destroy_window (GtkWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (window);
  drain ();
  g_assert_finalize_object (window);
}

static void
centre_of (SiyuChart *chart,
           guint      row,
           guint      col,
           double    *x,
           double    *y)
{
  graphene_rect_t rect;

  g_assert_true (_siyu_chart_get_item_rect (chart, row, col, &rect));
  g_assert_cmpfloat (rect.size.width, >, 0);
  g_assert_cmpfloat (rect.size.height, >, 0);
  *x = rect.origin.x + rect.size.width / 2;
  *y = rect.origin.y + rect.size.height / 2;
}

/* Sends a key to the chart's own key handler, as a key press would. */
static gboolean
press_key (SiyuChart *chart,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (chart));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
}

static void
test_bars_describe (void)
{
  SiyuChart *chart = g_object_ref_sink (siyu_chart_new (SIYU_CHART_BARS));
  g_autofree char *description = NULL;
  g_autofree char *empty = siyu_chart_describe (chart);
  g_autofree char *tooltip = NULL;

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 0);

  siyu_chart_set_categories (chart, 3, stages, stage_counts, stage_before, NULL, NULL);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 3);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "Prospect 1,157 (month before 1,122); New 225 (242); Active 3,001 (2,950)");

  tooltip = _siyu_chart_get_tooltip_text (chart, 0, 0);
  g_assert_cmpstr (tooltip, ==, "Prospect: 1,157\nMonth before: 1,122");
  g_assert_null (_siyu_chart_get_tooltip_text (chart, 3, 0));
  g_assert_null (_siyu_chart_get_tooltip_text (chart, 0, 1));

  g_assert_finalize_object (chart);
}

static void
test_bars_notes (void)
{
  const char * const tiers[] = { "Bronze", "银卡", "Gold" };
  const double spend[] = { 80, 628, 1500.5 };
  const char * const notes[] = { "¥120 to 银卡", "¥372 to Gold", NULL };
  const char * const texts[] = { "¥80", NULL, "¥1,500.50" };
  SiyuChart *chart = g_object_ref_sink (siyu_chart_new (SIYU_CHART_FUNNEL));
  g_autofree char *description = NULL;
  g_autofree char *tooltip = NULL;

  siyu_chart_set_categories (chart, 3, tiers, spend, NULL, notes, texts);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 3);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "Bronze ¥80, ¥120 to 银卡; 银卡 628, ¥372 to Gold; Gold ¥1,500.50");

  tooltip = _siyu_chart_get_tooltip_text (chart, 1, 0);
  g_assert_cmpstr (tooltip, ==, "银卡: 628\n¥372 to Gold");

  g_assert_finalize_object (chart);
}

static void
test_grid_describe (void)
{
  SiyuChart *chart = g_object_ref_sink (siyu_chart_new (SIYU_CHART_GRID));
  g_autofree char *description = NULL;
  g_autofree char *tooltip = NULL;

  siyu_chart_set_grid (chart, 2, 2, r_labels, f_labels, small_grid, small_texts, 0);
  siyu_chart_set_axis_titles (chart, "Recency", "Frequency");
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 3);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "R5 F1: 66; R4 F1: 3 %; R4 F2: 0");

  tooltip = _siyu_chart_get_tooltip_text (chart, 1, 0);
  g_assert_cmpstr (tooltip, ==, "R4 F1: 3 %");
  g_assert_null (_siyu_chart_get_tooltip_text (chart, 0, 1));

  siyu_chart_set_grid (chart, 0, 0, NULL, NULL, NULL, NULL, 0);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 0);
  g_clear_pointer (&description, g_free);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "");

  g_assert_finalize_object (chart);
}

static void
test_measure (void)
{
  SiyuChart *bars = g_object_ref_sink (siyu_chart_new (SIYU_CHART_BARS));
  SiyuChart *grid = g_object_ref_sink (siyu_chart_new (SIYU_CHART_GRID));
  const char * const five[] = { "1", "2", "3", "4", "5" };
  double values[25];
  int min, nat;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = i;

  siyu_chart_set_categories (bars, 3, stages, stage_counts, stage_before, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (bars), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, ==, 240);
  g_assert_cmpint (nat, >=, min);
  gtk_widget_measure (GTK_WIDGET (bars), GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, >=, 3 * 28);
  g_assert_cmpint (min, <, 3 * 60);

  siyu_chart_set_grid (grid, 5, 5, five, five, values, NULL, 0);
  gtk_widget_measure (GTK_WIDGET (grid), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, >=, 5 * 36);
  g_assert_cmpint (nat, >=, min);
  gtk_widget_measure (GTK_WIDGET (grid), GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, >, 5 * 28);   /* and the column labels */

  g_assert_finalize_object (bars);
  g_assert_finalize_object (grid);
}

static void
test_bars_hit (void)
{
  SiyuChart *chart = siyu_chart_new (SIYU_CHART_BARS);
  GtkWindow *window;
  Activations seen = { 0 };
  guint row = 99, col = 99;
  double x, y;
  int height;

  siyu_chart_set_categories (chart, 3, stages, stage_counts, stage_before, NULL, NULL);
  g_signal_connect (chart, "activated", G_CALLBACK (activated_cb), &seen);
  window = show_in_window (chart);
  height = gtk_widget_get_height (GTK_WIDGET (chart));
  g_assert_cmpint (height, >=, 3 * 28);

  /* Rows are equally tall and fill the chart from the top. */
  g_assert_true (siyu_chart_item_at (chart, 5, height / 6.0 * 3, &row, &col));
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpuint (col, ==, 0);
  centre_of (chart, 2, 0, &x, &y);
  g_assert_true (siyu_chart_item_at (chart, x, y, &row, &col));
  g_assert_cmpuint (row, ==, 2);
  g_assert_cmpuint (col, ==, 0);
  g_assert_true (siyu_chart_item_at (chart, x, y, NULL, NULL));

  g_assert_false (siyu_chart_item_at (chart, -1, y, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, x, -1, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, x, height + 1, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, gtk_widget_get_width (GTK_WIDGET (chart)) + 1, y, &row, &col));

  /* A click activates the item under it, and nothing elsewhere. */
  centre_of (chart, 1, 0, &x, &y);
  g_assert_true (_siyu_chart_click (chart, x, y));
  g_assert_cmpuint (seen.n, ==, 1);
  g_assert_cmpuint (seen.row, ==, 1);
  g_assert_cmpuint (seen.col, ==, 0);
  g_assert_false (_siyu_chart_click (chart, x, height + 5));
  g_assert_cmpuint (seen.n, ==, 1);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (chart));
  g_assert_true (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_cmpuint (row, ==, 1);

  /* The keyboard moves along the bars and stops at the ends. */
  g_assert_true (_siyu_chart_move_focus (chart, 1, 0));
  g_assert_false (_siyu_chart_move_focus (chart, 1, 0));
  g_assert_false (_siyu_chart_move_focus (chart, 0, 1));
  g_assert_true (_siyu_chart_activate_focused (chart));
  g_assert_cmpuint (seen.n, ==, 2);
  g_assert_cmpuint (seen.row, ==, 2);

  g_assert_true (press_key (chart, GDK_KEY_Up));
  g_assert_true (press_key (chart, GDK_KEY_Up));
  g_assert_false (press_key (chart, GDK_KEY_Up));
  g_assert_true (press_key (chart, GDK_KEY_End));
  g_assert_true (press_key (chart, GDK_KEY_Home));
  g_assert_true (press_key (chart, GDK_KEY_Down));
  g_assert_false (press_key (chart, GDK_KEY_a));
  g_assert_true (press_key (chart, GDK_KEY_Return));
  g_assert_cmpuint (seen.n, ==, 3);
  g_assert_cmpuint (seen.row, ==, 1);
  g_assert_true (press_key (chart, GDK_KEY_space));
  g_assert_cmpuint (seen.n, ==, 4);

  /* Fewer bars: the focus stays on one that exists. */
  siyu_chart_set_categories (chart, 1, stages, stage_counts, NULL, NULL, NULL);
  g_assert_true (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_cmpuint (row, ==, 0);
  siyu_chart_set_categories (chart, 0, NULL, NULL, NULL, NULL, NULL);
  g_assert_false (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_false (_siyu_chart_activate_focused (chart));
  g_assert_false (_siyu_chart_move_focus (chart, 1, 0));
  g_assert_cmpuint (seen.n, ==, 4);

  destroy_window (window);
}

static void
test_grid_hit (void)
{
  SiyuChart *chart = siyu_chart_new (SIYU_CHART_GRID);
  GtkWindow *window;
  Activations seen = { 0 };
  graphene_rect_t first, last;
  guint row = 99, col = 99;
  double x, y;

  siyu_chart_set_grid (chart, 2, 2, r_labels, f_labels, small_grid, small_texts, 100);
  siyu_chart_set_axis_titles (chart, "Recency", "Frequency");
  g_signal_connect (chart, "activated", G_CALLBACK (activated_cb), &seen);
  window = show_in_window (chart);

  /* Cells sit right of the row labels and below the column labels. */
  g_assert_true (_siyu_chart_get_item_rect (chart, 0, 0, &first));
  g_assert_true (_siyu_chart_get_item_rect (chart, 1, 1, &last));
  g_assert_cmpfloat (first.origin.x, >, 0);
  g_assert_cmpfloat (first.origin.y, >, 0);
  g_assert_true (_siyu_chart_get_item_rect (chart, 1, 1, &last));
  g_assert_cmpfloat (last.origin.x, >=, first.origin.x + first.size.width);
  g_assert_cmpfloat (last.origin.y, >=, first.origin.y + first.size.height);

  x = last.origin.x + last.size.width / 2;
  y = first.origin.y + first.size.height / 2;
  /* Row 0, column 1 has no value: nothing is there. */
  g_assert_false (siyu_chart_item_at (chart, x, y, &row, &col));
  g_assert_false (_siyu_chart_get_item_rect (chart, 0, 1, &last));
  centre_of (chart, 1, 1, &x, &y);
  g_assert_true (siyu_chart_item_at (chart, x, y, &row, &col));
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpuint (col, ==, 1);
  centre_of (chart, 1, 0, &x, &y);
  g_assert_true (siyu_chart_item_at (chart, x, y, &row, &col));
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpuint (col, ==, 0);

  /* Labels and headers are not cells. */
  g_assert_false (siyu_chart_item_at (chart, 1, y, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, x, 1, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, x, y + 10 * first.size.height, &row, &col));

  g_assert_true (_siyu_chart_click (chart, x, y));
  g_assert_cmpuint (seen.n, ==, 1);
  g_assert_cmpuint (seen.row, ==, 1);
  g_assert_cmpuint (seen.col, ==, 0);

  /* Up from (1, 0) and right: (0, 1) is empty, so nowhere to go. */
  g_assert_true (_siyu_chart_move_focus (chart, -1, 0));
  g_assert_true (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_cmpuint (row, ==, 0);
  g_assert_cmpuint (col, ==, 0);
  g_assert_false (_siyu_chart_move_focus (chart, 0, 1));
  g_assert_false (_siyu_chart_move_focus (chart, -1, 0));
  g_assert_false (_siyu_chart_move_focus (chart, 0, -1));
  g_assert_true (press_key (chart, GDK_KEY_Down));
  g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_true (press_key (chart, GDK_KEY_KP_Enter));
  g_assert_cmpuint (seen.n, ==, 2);
  g_assert_cmpuint (seen.row, ==, 1);
  g_assert_cmpuint (seen.col, ==, 1);
  /* Up from (1, 1) lands on the nearest cell of row 0. */
  g_assert_true (press_key (chart, GDK_KEY_Up));
  g_assert_true (_siyu_chart_activate_focused (chart));
  g_assert_cmpuint (seen.n, ==, 3);
  g_assert_cmpuint (seen.row, ==, 0);
  g_assert_cmpuint (seen.col, ==, 0);

  destroy_window (window);
}

/* A cohort triangle: later cohorts have fewer months. */
static void
test_grid_triangle (void)
{
  const char * const months[] = { "2024-01", "2024-02", "2024-03" };
  const char * const since[] = { "0", "1", "2" };
  const double retention[] = { 1, 0.4, 0.3,
                               1, 0.5, NAN,
                               1, NAN, NAN };
  SiyuChart *chart = siyu_chart_new (SIYU_CHART_GRID);
  GtkWindow *window;
  guint row, col;

  siyu_chart_set_grid (chart, 3, 3, months, since, retention, NULL, 1);
  window = show_in_window (chart);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 6);

  g_assert_true (press_key (chart, GDK_KEY_End));
  g_assert_true (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_cmpuint (row, ==, 0);
  g_assert_cmpuint (col, ==, 2);
  g_assert_true (press_key (chart, GDK_KEY_Down));
  g_assert_true (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpuint (col, ==, 1);
  g_assert_true (press_key (chart, GDK_KEY_Down));
  g_assert_true (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_cmpuint (row, ==, 2);
  g_assert_cmpuint (col, ==, 0);
  g_assert_false (press_key (chart, GDK_KEY_Right));
  g_assert_false (press_key (chart, GDK_KEY_Down));
  g_assert_true (_siyu_chart_move_focus (chart, -2, 2));
  g_assert_true (_siyu_chart_get_focus (chart, &row, &col));
  g_assert_cmpuint (row, ==, 0);
  g_assert_cmpuint (col, ==, 2);

  destroy_window (window);
}

/* Draws the chart as it is now into a texture. */
static void
render (GtkWindow *window,
        SiyuChart *chart)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (chart));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (chart));
  int height = MAX (1, gtk_widget_get_height (GTK_WIDGET (chart)));

  gtk_widget_queue_draw (GTK_WIDGET (chart));
  drain ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
}

static void
test_odd_data (void)
{
  const char * const labels[] = { "零", "Zero" };
  const double zeros[] = { 0, 0, 0, 0 };
  const double huge[] = { 1e15, 2.5e14, 1e15, 3 };
  const double odd[] = { NAN, INFINITY, -INFINITY, -5 };
  const double absurd[] = { 1e300, -1e300, 1e-300, 0.05 };
  const double all_nan[] = { NAN, NAN, NAN, NAN };
  const char * const long_labels[] = {
    "A label far too long to fit in the little space the chart has left for labels on its left",
    "一个很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的标签",
  };
  SiyuChartKind kinds[] = { SIYU_CHART_BARS, SIYU_CHART_FUNNEL, SIYU_CHART_GRID };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      SiyuChart *chart = siyu_chart_new (kinds[k]);
      gboolean grid = kinds[k] == SIYU_CHART_GRID;
      GtkWindow *window;
      const double *data[] = { zeros, huge, odd, absurd, all_nan };

      window = show_in_window (chart);
      gtk_widget_grab_focus (GTK_WIDGET (chart));
      render (window, chart);

      /* One item */
      if (grid)
        siyu_chart_set_grid (chart, 1, 1, labels, labels, huge, NULL, 0);
      else
        siyu_chart_set_categories (chart, 1, labels, huge, huge, labels, NULL);
      g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 1);
      render (window, chart);

      for (guint d = 0; d < G_N_ELEMENTS (data); d++)
        {
          g_autofree char *description = NULL;

          if (grid)
            siyu_chart_set_grid (chart, 2, 2, labels, labels, data[d], NULL, d == 0 ? 0 : -1);
          else
            siyu_chart_set_categories (chart, 2, labels, data[d], data[(d + 1) % G_N_ELEMENTS (data)],
                                       d % 2 ? labels : NULL, NULL);
          description = siyu_chart_describe (chart);
          g_assert_nonnull (description);
          render (window, chart);
        }

      /* Labels and notes too long for the chart still draw. */
      if (grid)
        siyu_chart_set_grid (chart, 2, 1, long_labels, long_labels, huge, long_labels, 0);
      else
        siyu_chart_set_categories (chart, 2, long_labels, huge, NULL, long_labels, long_labels);
      render (window, chart);

      destroy_window (window);
    }

  {
    SiyuChart *chart = g_object_ref_sink (siyu_chart_new (SIYU_CHART_BARS));
    g_autofree char *description = NULL;

    siyu_chart_set_categories (chart, 2, labels, huge, NULL, NULL, NULL);
    description = siyu_chart_describe (chart);
    g_assert_cmpstr (description, ==, "零 1,000,000,000,000,000; Zero 250,000,000,000,000");
    siyu_chart_set_categories (chart, 2, labels, odd + 2, NULL, NULL, NULL);
    g_clear_pointer (&description, g_free);
    description = siyu_chart_describe (chart);
    g_assert_cmpstr (description, ==, "零 —; Zero −5");
    g_assert_finalize_object (chart);
  }
}

static guint
row_col (guint row,
         guint col)
{
  return row * 100 + col;
}

static gboolean
focus_is (SiyuChart *chart,
          guint      want)
{
  guint row, col;

  return _siyu_chart_get_focus (chart, &row, &col) && row_col (row, col) == want;
}

/* Two lines over four months, the first with a gap: a point per value, on
 * one scale from zero to the largest, the months evenly spaced. */
static void
test_line (void)
{
  const char * const series[] = { "Buyers", "Orders" };
  const char * const months[] = { "M1", "M2", "M3", "M4" };
  const double values[] = { 10, 20, NAN, 40,
                            20, 40, 30, 80 };
  const char * const texts[] = { "¥10", NULL, NULL, NULL,
                                 NULL, NULL, NULL, "¥80" };
  SiyuChart *chart = siyu_chart_new (SIYU_CHART_LINE);
  g_autofree char *description = NULL;
  g_autofree char *tooltip = NULL;
  Activations seen = { 0 };
  graphene_rect_t rect;
  double x[4], y[4], x1, y1, x2, y2;
  guint row = 99, col = 99;
  GtkWindow *window;

  siyu_chart_set_series (chart, 2, 4, series, months, values, NULL);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 7);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "Buyers, M1: 10; Buyers, M2: 20; Buyers, M4: 40; "
                                    "Orders, M1: 20; Orders, M2: 40; Orders, M3: 30; Orders, M4: 80");
  g_signal_connect (chart, "activated", G_CALLBACK (activated_cb), &seen);
  window = show_in_window (chart);

  /* The months evenly spaced, left to right; the heights on one scale. */
  for (guint c = 0; c < 4; c++)
    centre_of (chart, 1, c, &x[c], &y[c]);
  g_assert_cmpfloat (x[0], <, x[1]);
  g_assert_cmpfloat_with_epsilon (x[1] - x[0], x[3] - x[2], 0.01);
  g_assert_cmpfloat_with_epsilon (x[2] - x[1], x[3] - x[2], 0.01);
  /* 20 → 40 rises twice as far as 40 → 30 falls; 80 is the top. */
  g_assert_cmpfloat_with_epsilon (y[0] - y[1], 2 * (y[2] - y[1]), 0.01);
  g_assert_cmpfloat_with_epsilon (y[0] - y[3], 3 * (y[0] - y[1]), 0.01);
  centre_of (chart, 0, 3, &x1, &y1);
  g_assert_cmpfloat_with_epsilon (x1, x[3], 0.01);
  g_assert_cmpfloat_with_epsilon (y1, y[1], 0.01);
  g_assert_false (_siyu_chart_get_item_rect (chart, 0, 2, &rect));

  /* Each point answers at its place; the nearest line in y wins. */
  for (guint c = 0; c < 4; c++)
    {
      g_assert_true (siyu_chart_item_at (chart, x[c], y[c], &row, &col));
      g_assert_cmpuint (row_col (row, col), ==, row_col (1, c));
    }
  centre_of (chart, 0, 0, &x1, &y1);
  g_assert_true (siyu_chart_item_at (chart, x1 + 3, y1 + 3, &row, &col));
  g_assert_cmpuint (row_col (row, col), ==, row_col (0, 0));
  /* Where Buyers has no point, only Orders is there, and only near it. */
  g_assert_false (siyu_chart_item_at (chart, x[2], (y[0] + y[2]) / 2 + 40, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, x[2], y[2] + 20, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, x[0], 1, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, -1, y[0], &row, &col));
  g_assert_false (siyu_chart_item_at (chart, gtk_widget_get_width (GTK_WIDGET (chart)) + 1, y[0], &row, &col));

  tooltip = _siyu_chart_get_tooltip_text (chart, 1, 3);
  g_assert_cmpstr (tooltip, ==, "Orders, M4: 80");
  g_clear_pointer (&tooltip, g_free);
  g_assert_null (_siyu_chart_get_tooltip_text (chart, 0, 2));

  /* The keys walk along a line, over its gap, and between the lines. */
  g_assert_true (focus_is (chart, row_col (0, 0)));
  g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_true (focus_is (chart, row_col (0, 1)));
  g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_true (focus_is (chart, row_col (0, 3)));
  g_assert_false (press_key (chart, GDK_KEY_Right));
  g_assert_true (press_key (chart, GDK_KEY_Down));
  g_assert_true (focus_is (chart, row_col (1, 3)));
  g_assert_true (press_key (chart, GDK_KEY_Home));
  g_assert_true (focus_is (chart, row_col (1, 0)));
  g_assert_true (press_key (chart, GDK_KEY_End));
  g_assert_true (focus_is (chart, row_col (1, 3)));
  g_assert_true (press_key (chart, GDK_KEY_Return));
  g_assert_cmpuint (seen.n, ==, 1);
  g_assert_cmpuint (row_col (seen.row, seen.col), ==, row_col (1, 3));

  centre_of (chart, 1, 2, &x2, &y2);
  g_assert_true (_siyu_chart_click (chart, x2, y2));
  g_assert_cmpuint (seen.n, ==, 2);
  g_assert_cmpuint (row_col (seen.row, seen.col), ==, row_col (1, 2));
  render (window, chart);

  /* Texts instead of the values. */
  siyu_chart_set_series (chart, 2, 4, series, months, values, texts);
  g_clear_pointer (&description, g_free);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "Buyers, M1: ¥10; Buyers, M2: 20; Buyers, M4: 40; "
                                    "Orders, M1: 20; Orders, M2: 40; Orders, M3: 30; Orders, M4: ¥80");
  render (window, chart);

  /* One series over one month, and nothing at all. */
  siyu_chart_set_series (chart, 1, 1, series, months, values, NULL);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 1);
  centre_of (chart, 0, 0, &x1, &y1);
  g_assert_true (siyu_chart_item_at (chart, x1, y1, &row, &col));
  render (window, chart);
  siyu_chart_set_series (chart, 0, 4, series, months, values, NULL);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 0);
  g_clear_pointer (&description, g_free);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "");
  g_assert_false (siyu_chart_item_at (chart, x1, y1, &row, &col));
  render (window, chart);

  destroy_window (window);
}

/* How many of the points down a column at @x are in each band. */
static void
count_down (SiyuChart *chart,
            double     x,
            guint     *counts)
{
  int height = gtk_widget_get_height (GTK_WIDGET (chart));

  for (int y = 0; y < height; y++)
    {
      guint row, col;

      if (siyu_chart_item_at (chart, x, y + 0.5, &row, &col))
        counts[row * 3 + col]++;
    }
}

/* Three stages: of the 8 in A before, 5 stayed and 3 went to B; the 2 in
 * B went to C.  A band per move, as wide as its count on both sides. */
static void
test_flow (void)
{
  const char * const stages3[] = { "A", "B", "C" };
  const double counts[] = { 5, 3, 0,
                            0, 0, 2,
                            0, 0, 0 };
  const double odd[] = { NAN, -3, INFINITY,
                         1e15, 0, 2,
                         0.5, 0, 1 };
  SiyuChart *chart = siyu_chart_new (SIYU_CHART_FLOW);
  g_autofree char *description = NULL;
  g_autofree char *tooltip = NULL;
  Activations seen = { 0 };
  graphene_rect_t rect, other;
  guint left[9] = { 0 }, right[9] = { 0 }, middle[9] = { 0 };
  guint row = 99, col = 99;
  GtkWindow *window;
  double x, y;

  siyu_chart_set_flow (chart, 3, stages3, counts);
  siyu_chart_set_axis_titles (chart, "Before", "After");
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 3);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "A → A: 5; A → B: 3; B → C: 2");
  tooltip = _siyu_chart_get_tooltip_text (chart, 0, 1);
  g_assert_cmpstr (tooltip, ==, "A → B: 3\n38 % of those who were A");
  g_clear_pointer (&tooltip, g_free);
  tooltip = _siyu_chart_get_tooltip_text (chart, 1, 2);
  g_assert_cmpstr (tooltip, ==, "B → C: 2\n100 % of those who were B");
  g_assert_null (_siyu_chart_get_tooltip_text (chart, 2, 2));

  g_signal_connect (chart, "activated", G_CALLBACK (activated_cb), &seen);
  window = show_in_window (chart);

  /* Each band answers at its centre. */
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      if (counts[i * 3 + j] > 0)
        {
          centre_of (chart, i, j, &x, &y);
          g_assert_true (siyu_chart_item_at (chart, x, y, &row, &col));
          g_assert_cmpuint (row_col (row, col), ==, row_col (i, j));
        }
  g_assert_false (_siyu_chart_get_item_rect (chart, 2, 2, &rect));

  /* Down the left nodes, the bands of A are 5 : 3; down the right ones,
   * A's stay and B's move to C are 5 : 2; half-way, all three show. */
  g_assert_true (_siyu_chart_get_item_rect (chart, 0, 0, &rect));
  g_assert_true (_siyu_chart_get_item_rect (chart, 1, 2, &other));
  count_down (chart, rect.origin.x + 1, left);
  count_down (chart, rect.origin.x + rect.size.width - 1, right);
  count_down (chart, rect.origin.x + rect.size.width / 2, middle);
  g_assert_cmpuint (left[0 * 3 + 0], >, 20);
  g_assert_cmpfloat_with_epsilon ((double) left[0 * 3 + 1] / left[0 * 3 + 0], 3.0 / 5, 0.05);
  g_assert_cmpfloat_with_epsilon ((double) left[1 * 3 + 2] / left[0 * 3 + 0], 2.0 / 5, 0.05);
  g_assert_cmpfloat_with_epsilon ((double) right[0 * 3 + 1] / right[0 * 3 + 0], 3.0 / 5, 0.05);
  g_assert_cmpfloat_with_epsilon ((double) right[1 * 3 + 2] / right[0 * 3 + 0], 2.0 / 5, 0.05);
  g_assert_cmpuint (left[0 * 3 + 0], ==, right[0 * 3 + 0]);
  g_assert_cmpuint (middle[0 * 3 + 0], ==, left[0 * 3 + 0]);
  g_assert_cmpuint (middle[0 * 3 + 1], >, 0);
  g_assert_cmpuint (middle[1 * 3 + 2], >, 0);
  g_assert_cmpuint (left[2 * 3 + 2] + right[2 * 3 + 2] + middle[2 * 3 + 2], ==, 0);

  /* Nothing on the labels or outside. */
  g_assert_false (siyu_chart_item_at (chart, rect.origin.x - 1, rect.origin.y + 1, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, rect.origin.x + rect.size.width + 1, rect.origin.y + 1, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, rect.origin.x + 1, -1, &row, &col));
  g_assert_false (siyu_chart_item_at (chart, rect.origin.x + 1, gtk_widget_get_height (GTK_WIDGET (chart)) + 1,
                                      &row, &col));

  /* Keys and clicks. */
  g_assert_true (focus_is (chart, row_col (0, 0)));
  g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_true (focus_is (chart, row_col (0, 1)));
  g_assert_true (press_key (chart, GDK_KEY_Down));
  g_assert_true (focus_is (chart, row_col (1, 2)));
  g_assert_false (press_key (chart, GDK_KEY_Down));
  g_assert_true (press_key (chart, GDK_KEY_space));
  g_assert_cmpuint (seen.n, ==, 1);
  g_assert_cmpuint (row_col (seen.row, seen.col), ==, row_col (1, 2));
  centre_of (chart, 0, 1, &x, &y);
  g_assert_true (_siyu_chart_click (chart, x, y));
  g_assert_cmpuint (row_col (seen.row, seen.col), ==, row_col (0, 1));
  render (window, chart);

  /* Odd counts: only the finite ones above zero are bands. */
  siyu_chart_set_flow (chart, 3, stages3, odd);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 4);
  g_clear_pointer (&description, g_free);
  description = siyu_chart_describe (chart);
  g_assert_cmpstr (description, ==, "B → A: 1,000,000,000,000,000; B → C: 2; C → A: 0.5; C → C: 1");
  render (window, chart);
  siyu_chart_set_flow (chart, 0, NULL, NULL);
  g_assert_cmpuint (siyu_chart_get_n_items (chart), ==, 0);
  g_assert_false (siyu_chart_item_at (chart, x, y, &row, &col));
  render (window, chart);

  destroy_window (window);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/siyu/ui/chart/bars-describe", test_bars_describe);
  g_test_add_func ("/siyu/ui/chart/bars-notes", test_bars_notes);
  g_test_add_func ("/siyu/ui/chart/grid-describe", test_grid_describe);
  g_test_add_func ("/siyu/ui/chart/measure", test_measure);
  g_test_add_func ("/siyu/ui/chart/bars-hit", test_bars_hit);
  g_test_add_func ("/siyu/ui/chart/grid-hit", test_grid_hit);
  g_test_add_func ("/siyu/ui/chart/grid-triangle", test_grid_triangle);
  g_test_add_func ("/siyu/ui/chart/odd-data", test_odd_data);
  g_test_add_func ("/siyu/ui/chart/line", test_line);
  g_test_add_func ("/siyu/ui/chart/flow", test_flow);

  return g_test_run ();
}
