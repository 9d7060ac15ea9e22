/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-chart"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "siyu-chart-private.h"

/* A small chart drawn straight into the snapshot: horizontal bars, one row
 * a category, with the value at the bar's end and the value before as a
 * ghost bar; the same data as a centred funnel; or a heat map of cells
 * whose colour grows with their value; lines over a row of points (months),
 * one a series; or a flow from stages on the left to stages on the right,
 * each band as wide as its count.  Every bar, cell, point or band can be clicked,
 * or reached with the arrow keys and activated with Enter, and a screen
 * reader hears the whole chart as plain text. */

#define ROW_HEIGHT      28.0   /* at least; more when the font is large */
#define PAD              6.0   /* inside a bar's row, clear of its focus */
#define GAP             12.0   /* between the label, bar and note columns */
#define TEXT_GAP         6.0   /* between a bar's end and its value */
#define BAR_MIN_WIDTH  240.0
#define CELL_MIN_WIDTH  36.0
#define CELL_MAX_WIDTH  96.0
#define LABEL_SHARE      0.4   /* of the width, at most, for the labels */
#define NOTE_SHARE       0.3   /* of the width, at most, for the notes */
#define PLOT_HEIGHT    150.0   /* a line chart's plot, between its top and its axis */
#define POINT_RADIUS     3.5
#define POINT_HIT       14.0   /* how near to a point a pointer must be, vertically */
#define FLOW_HEIGHT    260.0   /* a flow chart's stages, top to bottom */
#define NODE_WIDTH      10.0
#define NODE_GAP         8.0
#define FLOW_MIN_MIDDLE 80.0   /* the bands' width at the least */

/* libadwaita's accent blue: bars, cells, and the focus around a bar. */
static const GdkRGBA accent = { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, 1.f };
static const GdkRGBA accent_focus = { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, .5f };

/* The series of a line chart and the stages of a flow, after the accent:
 * GNOME's palette, mid tones that read on light and dark alike. */
static const GdkRGBA palette[] = {
  { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, 1.f },   /* blue */
  { 0xe6 / 255.f, 0x61 / 255.f, 0x00 / 255.f, 1.f },   /* orange */
  { 0x2e / 255.f, 0xc2 / 255.f, 0x7e / 255.f, 1.f },   /* green */
  { 0x91 / 255.f, 0x41 / 255.f, 0xac / 255.f, 1.f },   /* purple */
  { 0xc0 / 255.f, 0x1c / 255.f, 0x28 / 255.f, 1.f },   /* red */
  { 0x98 / 255.f, 0x6a / 255.f, 0x44 / 255.f, 1.f },   /* brown */
  { 0xf5 / 255.f, 0xc2 / 255.f, 0x11 / 255.f, 1.f },   /* yellow */
  { 0x77 / 255.f, 0x76 / 255.f, 0x7b / 255.f, 1.f },   /* grey */
};

struct _SiyuChart
{
  GtkWidget      parent_instance;

  SiyuChartKind  kind;
  guint          n_rows;
  guint          n_cols;        /* 1 for bars and funnels */
  char         **row_labels;    /* n_rows, entries never NULL */
  char         **col_labels;    /* n_cols for grids, NULL otherwise */
  double        *values;        /* n_rows × n_cols, row-major */
  double        *before;        /* n_rows, or NULL */
  char         **notes;         /* n_rows with NULL entries, or NULL */
  char         **texts;         /* n_rows × n_cols with NULL entries, or NULL */
  double         max;           /* given for grids; <= 0 for the largest value */
  char          *rows_title;
  char          *cols_title;

  gboolean       has_focus_item;
  guint          focus_row;
  guint          focus_col;

  gboolean       measured;      /* the texts' sizes below are known */
  double         line_h;
  double         row_label_w;   /* the widest row label */
  double         note_w;
  double         value_w;
  double         col_label_w;
  double         rows_title_w;

  gboolean       pressed;       /* a click began on this item */
  guint          press_row;
  guint          press_col;

  gboolean       has_hover;     /* lines and flows: the item under the pointer */
  guint          hover_row;
  guint          hover_col;
};

G_DEFINE_FINAL_TYPE (SiyuChart, siyu_chart, GTK_TYPE_WIDGET)

enum {
  ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Where things go for a given width; see compute_geometry(). */
typedef struct
{
  double width;
  double row_h;
  double line_h;

  /* Bars and funnels */
  double label_w;     /* the label column */
  double bar_x;       /* where bars start */
  double bar_area;    /* the longest bar, or the funnel's widest */
  double note_w;      /* the note column at the right end, 0 if none */
  double scale_max;   /* the value of the longest bar */

  /* Grids */
  double grid_x;      /* left edge of the first column of cells */
  double title_h;     /* the columns' title line, 0 if none */
  double top;         /* top edge of the first row of cells */
  double cell_w;
  double grid_max;    /* the value of the deepest colour */

  /* Lines */
  double legend_h;    /* the series' names above the plot */
  double plot_x0;     /* the first point's x */
  double plot_x1;     /* the last point's x */
  double plot_top;    /* the largest value's y */
  double plot_bottom; /* zero's y */
  double line_max;    /* the value at plot_top */
  double axis_w;      /* the largest value's text, left of the plot */

  /* Flows: each stage's node, left (before) and right (after) */
  double left_x;
  double right_x;
  double flow_top;
  double flow_scale;  /* pixels per count */
  double left_y[SIYU_CHART_FLOW_MAX];
  double left_total[SIYU_CHART_FLOW_MAX];
  double right_y[SIYU_CHART_FLOW_MAX];
  double right_total[SIYU_CHART_FLOW_MAX];
  double slot_y[SIYU_CHART_FLOW_MAX];
  double slot_h[SIYU_CHART_FLOW_MAX];
  double right_slot_y[SIYU_CHART_FLOW_MAX];
  double right_slot_h[SIYU_CHART_FLOW_MAX];
} Geometry;

static void
free_strings (char  **strings,
              guint   n)
{
  if (strings == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_free (strings[i]);
  g_free (strings);
}

static char **
copy_strings (const char * const *strings,
              guint               n,
              gboolean            empty_for_null)
{
  char **copy;

  if (strings == NULL && !empty_for_null)
    return NULL;

  copy = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const char *s = strings != NULL ? strings[i] : NULL;

      copy[i] = g_strdup (s != NULL ? s : (empty_for_null ? "" : NULL));
    }
  return copy;
}

static void
clear_data (SiyuChart *self)
{
  free_strings (self->row_labels, self->n_rows);
  free_strings (self->col_labels, self->n_cols);
  free_strings (self->notes, self->n_rows);
  free_strings (self->texts, self->n_rows * self->n_cols);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->before, g_free);
  self->row_labels = NULL;
  self->col_labels = NULL;
  self->notes = NULL;
  self->texts = NULL;
  self->n_rows = 0;
  self->n_cols = 0;
  self->max = 0;
  self->pressed = FALSE;
  self->has_hover = FALSE;
}

/* Whole numbers as the owner writes them: 4,963 and −3; others with one
 * decimal; the absurdly large in exponent form. */
static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  const char *point;
  GString *out;
  gsize len;

  if (!isfinite (value))
    return g_strdup ("—");
  if (fabs (value) >= 1e18)
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.3g", value));

  if (value == floor (value))
    g_ascii_formatd (buffer, sizeof buffer, "%.0f", fabs (value));
  else
    g_ascii_formatd (buffer, sizeof buffer, "%.1f", fabs (value));

  out = g_string_new (value < 0 && g_strcmp0 (buffer, "0") != 0 && g_strcmp0 (buffer, "0.0") != 0
                      ? "−" : NULL);
  point = strchr (buffer, '.');
  len = point != NULL ? (gsize) (point - buffer) : strlen (buffer);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, buffer[i]);
    }
  if (point != NULL)
    g_string_append (out, point);

  return g_string_free (out, FALSE);
}

static gboolean
is_grid (SiyuChart *self)
{
  return self->kind == SIYU_CHART_GRID;
}

static double
value_at (SiyuChart *self,
          guint      row,
          guint      col)
{
  return self->values[row * self->n_cols + col];
}

/* Bars always exist; a grid's cell and a line's point when they have a
 * value; a flow's band when its count is above zero. */
static gboolean
item_exists (SiyuChart *self,
             guint      row,
             guint      col)
{
  if (row >= self->n_rows || col >= self->n_cols)
    return FALSE;
  switch (self->kind)
    {
    case SIYU_CHART_GRID:
    case SIYU_CHART_LINE:
      return !isnan (value_at (self, row, col));
    case SIYU_CHART_FLOW:
      return isfinite (value_at (self, row, col)) && value_at (self, row, col) > 0;
    case SIYU_CHART_BARS:
    case SIYU_CHART_FUNNEL:
    default:
      return TRUE;
    }
}

/* A flow's stage in total: what left it (@right FALSE) or reached it. */
static double
flow_total (SiyuChart *self,
            guint      stage,
            gboolean   right)
{
  double total = 0;

  for (guint i = 0; i < self->n_rows; i++)
    {
      double v = right ? value_at (self, i, stage) : value_at (self, stage, i);

      if (isfinite (v) && v > 0)
        total += v;
    }
  return total;
}

/* A flow's node label: the stage and its count, e.g. “Growing 124”. */
static char *
flow_label (SiyuChart *self,
            guint      stage,
            gboolean   right)
{
  g_autofree char *count = format_number (flow_total (self, stage, right));

  /* Translators: a stage of a flow chart with its count, e.g. “Growing 124”. */
  return g_strdup_printf (_("%s %s"), self->row_labels[stage], count);
}

/* The text shown for an item's value. */
static char *
item_text (SiyuChart *self,
           guint      row,
           guint      col)
{
  const char *text = self->texts != NULL ? self->texts[row * self->n_cols + col] : NULL;

  if (text != NULL)
    return g_strdup (text);
  return format_number (value_at (self, row, col));
}

static PangoLayout *
make_layout (SiyuChart  *self,
             const char *text,
             gboolean    small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

static int
text_width (SiyuChart  *self,
            const char *text)
{
  g_autoptr(PangoLayout) layout = NULL;
  int width;

  if (text == NULL || *text == '\0')
    return 0;
  layout = make_layout (self, text, FALSE);
  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static double
measure_line_height (SiyuChart *self)
{
  g_autoptr(PangoLayout) layout = make_layout (self, "Ag字", FALSE);
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static double
measure_widest_row_label (SiyuChart *self)
{
  int widest = 0;

  for (guint i = 0; i < self->n_rows; i++)
    if (self->kind == SIYU_CHART_FLOW)
      for (int right = 0; right < 2; right++)
        {
          g_autofree char *label = flow_label (self, i, right);

          widest = MAX (widest, text_width (self, label));
        }
    else
      widest = MAX (widest, text_width (self, self->row_labels[i]));
  return widest;
}

static double
measure_widest_note (SiyuChart *self)
{
  int widest = 0;

  if (self->notes == NULL)
    return 0;
  for (guint i = 0; i < self->n_rows; i++)
    widest = MAX (widest, text_width (self, self->notes[i]));
  return widest;
}

static double
measure_widest_value (SiyuChart *self)
{
  int widest = 0;

  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      {
        g_autofree char *text = NULL;

        if (!item_exists (self, r, c))
          continue;
        text = item_text (self, r, c);
        widest = MAX (widest, text_width (self, text));
      }
  return widest;
}

static double
measure_widest_col_label (SiyuChart *self)
{
  int widest = 0;

  if (self->col_labels == NULL)
    return 0;
  for (guint i = 0; i < self->n_cols; i++)
    widest = MAX (widest, text_width (self, self->col_labels[i]));
  return widest;
}

/* The sizes of the texts, measured once for the data and the font. */
static void
ensure_metrics (SiyuChart *self)
{
  if (!self->measured)
    {
      self->line_h = measure_line_height (self);
      self->row_label_w = measure_widest_row_label (self);
      self->note_w = measure_widest_note (self);
      self->value_w = measure_widest_value (self);
      self->col_label_w = measure_widest_col_label (self);
      self->rows_title_w = text_width (self, self->rows_title);
      self->measured = TRUE;
    }
}

static void
invalidate (SiyuChart *self)
{
  self->measured = FALSE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static double
grid_label_width (SiyuChart *self)
{
  double label_w;

  ensure_metrics (self);
  label_w = MAX (self->row_label_w, self->rows_title_w);
  return label_w > 0 ? label_w + GAP : 0;
}

/* The width a cell would like: its widest text with some air. */
static double
natural_cell_width (SiyuChart *self)
{
  double widest;

  ensure_metrics (self);
  widest = MAX (self->value_w, self->col_label_w);
  return CLAMP (widest + 16, CELL_MIN_WIDTH, CELL_MAX_WIDTH);
}

static double
row_height (double line_h)
{
  return MAX (ROW_HEIGHT, ceil (line_h) + 8);
}

static gboolean
has_col_header (SiyuChart *self)
{
  return self->col_labels != NULL || (self->rows_title != NULL && *self->rows_title != '\0');
}

/* The largest value of a line chart, and its text for the axis. */
static double
line_max (SiyuChart *self,
          guint     *max_row,
          guint     *max_col)
{
  double max = 0;

  *max_row = *max_col = G_MAXUINT;
  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      if (isfinite (value_at (self, r, c)) && value_at (self, r, c) > max)
        {
          max = value_at (self, r, c);
          *max_row = r;
          *max_col = c;
        }
  return max;
}

static void
compute_line_geometry (SiyuChart *self,
                       double     width,
                       Geometry  *geo)
{
  guint max_row, max_col;
  double half_label = ceil (self->col_label_w / 2);

  geo->line_max = line_max (self, &max_row, &max_col);
  if (max_row != G_MAXUINT)
    {
      g_autofree char *text = item_text (self, max_row, max_col);

      geo->axis_w = text_width (self, text);
    }
  geo->legend_h = self->n_rows > 0 ? ceil (geo->line_h) + 8 : 0;
  geo->plot_top = geo->legend_h + ceil (geo->line_h / 2) + 4;
  geo->plot_bottom = geo->plot_top + PLOT_HEIGHT;
  geo->plot_x0 = PAD + (geo->axis_w > 0 ? geo->axis_w + GAP : 0) + MAX (half_label - GAP, POINT_RADIUS + 2);
  geo->plot_x1 = MAX (geo->plot_x0, width - PAD - MAX (half_label, POINT_RADIUS + 2));
}

/* The x of a line chart's point. */
static double
point_x (SiyuChart      *self,
         const Geometry *geo,
         guint           col)
{
  if (self->n_cols <= 1)
    return (geo->plot_x0 + geo->plot_x1) / 2;
  return geo->plot_x0 + (geo->plot_x1 - geo->plot_x0) * col / (self->n_cols - 1);
}

static double
point_y (const Geometry *geo,
         double          value)
{
  double ratio = geo->line_max > 0 && isfinite (value) ? CLAMP (value / geo->line_max, 0, 1) : 0;

  return geo->plot_bottom - ratio * (geo->plot_bottom - geo->plot_top);
}

/* The pixels per count that fit a flow's stages top to bottom, each in a
 * slot at least a line of text high: the slots held up by their text are
 * taken out and the rest share what height is left. */
static double
flow_scale_for (double        line_h,
                guint         n,
                const double *totals)
{
  double min_slot = ceil (line_h) + 4;
  double space = FLOW_HEIGHT - NODE_GAP * (n > 0 ? n - 1 : 0);
  double scale = 0;

  for (int pass = 0; pass < 4; pass++)
    {
      double fixed = 0, counted = 0;

      for (guint i = 0; i < n; i++)
        if (totals[i] > 0 && (pass == 0 || totals[i] * scale >= min_slot))
          counted += totals[i];
        else
          fixed += min_slot;
      scale = counted > 0 ? MAX (0, space - fixed) / counted : 0;
    }
  return scale;
}

static void
place_flow_slots (double        line_h,
                  guint         n,
                  const double *totals,
                  double        scale,
                  double        top,
                  double       *slot_y,
                  double       *slot_h,
                  double       *node_y)
{
  double min_slot = ceil (line_h) + 4;
  double y = top;

  for (guint i = 0; i < n; i++)
    {
      slot_y[i] = y;
      slot_h[i] = MAX (min_slot, totals[i] * scale);
      node_y[i] = y + (slot_h[i] - totals[i] * scale) / 2;
      y += slot_h[i] + NODE_GAP;
    }
}

static void
compute_flow_geometry (SiyuChart *self,
                       double     width,
                       Geometry  *geo)
{
  guint n = self->n_rows;

  geo->title_h = (self->rows_title != NULL && *self->rows_title != '\0') ||
                 (self->cols_title != NULL && *self->cols_title != '\0') ? ceil (geo->line_h) + 8 : 0;
  geo->flow_top = geo->title_h;
  geo->label_w = MIN (self->row_label_w, floor (MAX (0, width - 2 * (PAD + GAP + NODE_WIDTH) - FLOW_MIN_MIDDLE) / 2));
  geo->left_x = PAD + geo->label_w + GAP;
  geo->right_x = MAX (geo->left_x + NODE_WIDTH, width - PAD - geo->label_w - GAP - NODE_WIDTH);

  for (guint i = 0; i < n; i++)
    {
      geo->left_total[i] = flow_total (self, i, FALSE);
      geo->right_total[i] = flow_total (self, i, TRUE);
    }
  /* One scale for both sides, so that a band is as wide where it ends. */
  geo->flow_scale = MIN (flow_scale_for (geo->line_h, n, geo->left_total),
                         flow_scale_for (geo->line_h, n, geo->right_total));
  place_flow_slots (geo->line_h, n, geo->left_total, geo->flow_scale, geo->flow_top,
                    geo->slot_y, geo->slot_h, geo->left_y);
  place_flow_slots (geo->line_h, n, geo->right_total, geo->flow_scale, geo->flow_top,
                    geo->right_slot_y, geo->right_slot_h, geo->right_y);
}

/* Where a flow's band leaves its stage on the left (y0), reaches its stage
 * on the right (y1), and how wide it is. */
static void
band_position (SiyuChart      *self,
               const Geometry *geo,
               guint           from,
               guint           to,
               double         *y0,
               double         *y1,
               double         *h)
{
  double before_left = 0, before_right = 0;

  for (guint j = 0; j < to; j++)
    if (item_exists (self, from, j))
      before_left += value_at (self, from, j);
  for (guint i = 0; i < from; i++)
    if (item_exists (self, i, to))
      before_right += value_at (self, i, to);
  *y0 = geo->left_y[from] + before_left * geo->flow_scale;
  *y1 = geo->right_y[to] + before_right * geo->flow_scale;
  *h = MAX (1, value_at (self, from, to) * geo->flow_scale);
}

/* The bands' curve: a cubic from (x0, y0) to (x1, y1) with both controls
 * half-way across, so x grows with t and the band keeps its height. */
static double
band_y_at (double x0,
           double x1,
           double y0,
           double y1,
           double x)
{
  double xm = (x0 + x1) / 2, lo = 0, hi = 1, t = 0.5;

  for (int i = 0; i < 40; i++)
    {
      double u = 1 - t;
      double xt = u * u * u * x0 + 3 * u * u * t * xm + 3 * u * t * t * xm + t * t * t * x1;

      if (xt < x)
        lo = t;
      else
        hi = t;
      t = (lo + hi) / 2;
    }
  return y0 + (y1 - y0) * t * t * (3 - 2 * t);
}

static void
compute_geometry (SiyuChart *self,
                  double     width,
                  Geometry  *geo)
{
  ensure_metrics (self);
  memset (geo, 0, sizeof *geo);
  geo->width = width;
  geo->line_h = self->line_h;
  geo->row_h = row_height (geo->line_h);

  switch (self->kind)
    {
    case SIYU_CHART_BARS:
    case SIYU_CHART_FUNNEL:
      {
        double label_w = MIN (self->row_label_w, floor (width * LABEL_SHARE));
        double note_w = MIN (self->note_w, floor (width * NOTE_SHARE));
        double right = width - PAD - (note_w > 0 ? note_w + GAP : 0);

        geo->label_w = label_w;
        geo->note_w = note_w;
        geo->bar_x = PAD + (label_w > 0 ? label_w + GAP : 0);
        if (self->kind == SIYU_CHART_BARS)
          geo->bar_area = MAX (0, right - geo->bar_x - TEXT_GAP - self->value_w);
        else
          geo->bar_area = MAX (0, right - geo->bar_x);

        for (guint i = 0; i < self->n_rows; i++)
          {
            if (isfinite (self->values[i]))
              geo->scale_max = MAX (geo->scale_max, self->values[i]);
            if (self->before != NULL && isfinite (self->before[i]))
              geo->scale_max = MAX (geo->scale_max, self->before[i]);
          }
      }
      break;

    case SIYU_CHART_GRID:
      {
        double cell_w = natural_cell_width (self);

        geo->grid_x = grid_label_width (self);
        geo->title_h = self->cols_title != NULL && *self->cols_title != '\0' ? ceil (geo->line_h) + 4 : 0;
        geo->top = geo->title_h + (has_col_header (self) ? ceil (geo->line_h) + 4 : 0);
        if (self->n_cols > 0)
          geo->cell_w = MIN (cell_w, MAX (0, width - geo->grid_x) / self->n_cols);

        if (self->max > 0)
          geo->grid_max = self->max;
        else
          for (guint i = 0; i < self->n_rows * self->n_cols; i++)
            if (isfinite (self->values[i]))
              geo->grid_max = MAX (geo->grid_max, self->values[i]);
      }
      break;

    case SIYU_CHART_LINE:
      compute_line_geometry (self, width, geo);
      break;

    case SIYU_CHART_FLOW:
      compute_flow_geometry (self, width, geo);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The area an item answers clicks in and draws its focus around: a bar's
 * whole row, or a cell. */
static void
item_rect (SiyuChart       *self,
           const Geometry  *geo,
           guint            row,
           guint            col,
           graphene_rect_t *rect)
{
  if (is_grid (self))
    graphene_rect_init (rect,
                        geo->grid_x + col * geo->cell_w + 1, geo->top + row * geo->row_h + 1,
                        MAX (0, geo->cell_w - 2), geo->row_h - 2);
  else if (self->kind == SIYU_CHART_LINE)
    {
      double x = point_x (self, geo, col);
      double y = point_y (geo, value_at (self, row, col));

      graphene_rect_init (rect, x - POINT_HIT / 2, y - POINT_HIT / 2, POINT_HIT, POINT_HIT);
    }
  else if (self->kind == SIYU_CHART_FLOW)
    {
      /* From the left node to the right one; its centre is the band's. */
      double y0, y1, h;

      band_position (self, geo, row, col, &y0, &y1, &h);
      graphene_rect_init (rect, geo->left_x, MIN (y0, y1), geo->right_x + NODE_WIDTH - geo->left_x,
                          fabs (y1 - y0) + h);
    }
  else
    graphene_rect_init (rect, 0, row * geo->row_h, geo->width, geo->row_h);
}

static void
get_text_color (SiyuChart *self,
                GdkRGBA   *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            double         alpha)
{
  GdkRGBA result = *color;

  result.alpha = color->alpha * alpha;
  return result;
}

static void
draw_layout (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* Text in a box of the given width, cut short with an ellipsis; aligned to
 * the left, centred or to the right, and centred vertically on cy. */
static void
draw_text (SiyuChart     *self,
           GtkSnapshot   *snapshot,
           const char    *text,
           double         x,
           double         cy,
           double         width,
           double         xalign,
           const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = NULL;
  int w, h;

  if (text == NULL || *text == '\0' || width < 1)
    return;

  layout = make_layout (self, text, FALSE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, &w, &h);
  draw_layout (snapshot, layout, round (x + (width - w) * xalign), round (cy - h / 2.0), color);
}

static void
draw_rounded (GtkSnapshot           *snapshot,
              const graphene_rect_t *rect,
              double                 radius,
              const GdkRGBA         *color)
{
  GskRoundedRect rounded;

  if (rect->size.width <= 0 || rect->size.height <= 0)
    return;
  gsk_rounded_rect_init_from_rect (&rounded, rect, MIN (radius, rect->size.width / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

static void
draw_focus (GtkSnapshot           *snapshot,
            const graphene_rect_t *rect,
            double                 radius,
            const GdkRGBA         *color)
{
  GskRoundedRect rounded;
  const float widths[4] = { 2, 2, 2, 2 };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&rounded, rect, radius);
  gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

/* A bar's length for a value, on the chart's scale. */
static double
bar_length (const Geometry *geo,
            double          value)
{
  if (!isfinite (value) || value <= 0 || geo->scale_max <= 0)
    return 0;
  return MIN (1.0, value / geo->scale_max) * geo->bar_area;
}

static void
snapshot_bars (SiyuChart      *self,
               GtkSnapshot    *snapshot,
               const Geometry *geo,
               const GdkRGBA  *fg)
{
  GdkRGBA ghost = with_alpha (fg, 0.15);
  GdkRGBA marker = with_alpha (fg, 0.6);
  GdkRGBA dim = with_alpha (fg, 0.7);
  GdkRGBA white = { 1, 1, 1, 1 };
  gboolean funnel = self->kind == SIYU_CHART_FUNNEL;
  double bar_h = funnel ? geo->row_h - 4 : geo->row_h - 10;

  for (guint i = 0; i < self->n_rows; i++)
    {
      double y = i * geo->row_h;
      double cy = y + geo->row_h / 2;
      double length = bar_length (geo, self->values[i]);
      double x = funnel ? geo->bar_x + (geo->bar_area - length) / 2 : geo->bar_x;
      g_autofree char *text = item_text (self, i, 0);
      g_autoptr(PangoLayout) value_layout = make_layout (self, text, FALSE);
      double before = self->before != NULL ? bar_length (geo, self->before[i]) : 0;
      graphene_rect_t bar;
      int text_w, text_h;

      draw_text (self, snapshot, self->row_labels[i], PAD, cy, geo->label_w, 0, fg);

      if (before > 0)
        {
          double bx = funnel ? geo->bar_x + (geo->bar_area - before) / 2 : geo->bar_x;

          graphene_rect_init (&bar, bx, y + (geo->row_h - bar_h) / 2, before, bar_h);
          draw_rounded (snapshot, &bar, 3, &ghost);
        }

      graphene_rect_init (&bar, x, y + (geo->row_h - bar_h) / 2, length, bar_h);
      draw_rounded (snapshot, &bar, 3, &accent);

      /* Where the bar ended before, also when the bar now covers it. */
      if (before > 0)
        {
          double mx = funnel ? geo->bar_x + (geo->bar_area + before) / 2 : geo->bar_x + before;

          graphene_rect_init (&bar, round (mx) - 1, y + (geo->row_h - bar_h) / 2 - 2, 2, bar_h + 4);
          gtk_snapshot_append_color (snapshot, &marker, &bar);
        }

      pango_layout_get_pixel_size (value_layout, &text_w, &text_h);
      if (funnel && text_w + 2 * TEXT_GAP <= length)
        draw_layout (snapshot, value_layout, round (x + (length - text_w) / 2),
                     round (cy - text_h / 2.0), &white);
      else
        {
          /* Past the bar, and past where it ended before if there is room. */
          double end = funnel ? (geo->bar_area + MAX (length, before)) / 2 : MAX (length, before);

          if (funnel && end + TEXT_GAP + text_w > geo->bar_area)
            end = (geo->bar_area + length) / 2;
          draw_layout (snapshot, value_layout, round (geo->bar_x + end + TEXT_GAP),
                       round (cy - text_h / 2.0), fg);
        }

      if (self->notes != NULL && geo->note_w > 0)
        draw_text (self, snapshot, self->notes[i], geo->width - PAD - geo->note_w, cy, geo->note_w, 1, &dim);
    }
}

/* A cell's text, made smaller when it does not fit; NULL when even that
 * does not fit: the tooltip and the description still have it. */
static PangoLayout *
fit_layout (SiyuChart  *self,
            const char *text,
            double      width)
{
  g_autoptr(PangoLayout) layout = NULL;
  int w;

  if (text == NULL || *text == '\0')
    return NULL;

  layout = make_layout (self, text, FALSE);
  pango_layout_get_pixel_size (layout, &w, NULL);
  if (w <= width)
    return g_steal_pointer (&layout);

  g_clear_object (&layout);
  layout = make_layout (self, text, TRUE);
  pango_layout_get_pixel_size (layout, &w, NULL);
  if (w <= width)
    return g_steal_pointer (&layout);

  return NULL;
}

static double
cell_alpha (const Geometry *geo,
            double          value)
{
  double ratio = geo->grid_max > 0 ? CLAMP (value / geo->grid_max, 0, 1) : 0;

  return 0.08 + 0.85 * ratio;
}

static void
snapshot_grid (SiyuChart      *self,
               GtkSnapshot    *snapshot,
               const Geometry *geo,
               const GdkRGBA  *fg)
{
  GdkRGBA dim = with_alpha (fg, 0.7);
  GdkRGBA white = { 1, 1, 1, 1 };
  double header_cy = geo->title_h + (geo->top - geo->title_h) / 2;

  if (geo->title_h > 0)
    draw_text (self, snapshot, self->cols_title, geo->grid_x, geo->title_h / 2,
               geo->cell_w * self->n_cols, 0.5, &dim);
  if (self->rows_title != NULL)
    draw_text (self, snapshot, self->rows_title, 0, header_cy, MAX (0, geo->grid_x - GAP), 1, &dim);

  for (guint c = 0; self->col_labels != NULL && c < self->n_cols; c++)
    {
      g_autoptr(PangoLayout) layout = fit_layout (self, self->col_labels[c], geo->cell_w - 2);
      int w, h;

      if (layout == NULL)
        continue;
      pango_layout_get_pixel_size (layout, &w, &h);
      draw_layout (snapshot, layout, round (geo->grid_x + c * geo->cell_w + (geo->cell_w - w) / 2),
                   round (header_cy - h / 2.0), fg);
    }

  for (guint r = 0; r < self->n_rows; r++)
    {
      double cy = geo->top + r * geo->row_h + geo->row_h / 2;

      draw_text (self, snapshot, self->row_labels[r], 0, cy, MAX (0, geo->grid_x - GAP), 1, fg);

      for (guint c = 0; c < self->n_cols; c++)
        {
          double value = value_at (self, r, c);
          g_autofree char *text = NULL;
          g_autoptr(PangoLayout) layout = NULL;
          graphene_rect_t rect;
          GdkRGBA color = accent;

          if (isnan (value))
            continue;

          item_rect (self, geo, r, c, &rect);
          color.alpha = cell_alpha (geo, value);
          draw_rounded (snapshot, &rect, 4, &color);

          text = item_text (self, r, c);
          layout = fit_layout (self, text, rect.size.width - 4);
          if (layout != NULL)
            {
              int w, h;

              pango_layout_get_pixel_size (layout, &w, &h);
              draw_layout (snapshot, layout,
                           round (rect.origin.x + (rect.size.width - w) / 2),
                           round (cy - h / 2.0),
                           color.alpha > 0.55 ? &white : fg);
            }
        }
    }
}

static gboolean
is_highlighted (SiyuChart *self,
                guint      row,
                guint      col)
{
  return (self->has_hover && self->hover_row == row && self->hover_col == col) ||
         (self->has_focus_item && self->focus_row == row && self->focus_col == col &&
          gtk_widget_has_visible_focus (GTK_WIDGET (self)));
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
snapshot_line (SiyuChart      *self,
               GtkSnapshot    *snapshot,
               const Geometry *geo,
               const GdkRGBA  *fg)
{
  GdkRGBA dim = with_alpha (fg, 0.7);
  GdkRGBA rule = with_alpha (fg, 0.15);
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double step = self->n_cols > 1 ? (geo->plot_x1 - geo->plot_x0) / (self->n_cols - 1) : geo->plot_x1 - geo->plot_x0;
  guint every = step > 0 ? MAX (1, (guint) ceil ((self->col_label_w + GAP) / step)) : self->n_cols;
  guint max_row, max_col;
  cairo_t *cr;

  /* The series' names, each after its colour. */
  if (geo->legend_h > 0)
    {
      double x = PAD;

      for (guint r = 0; r < self->n_rows; r++)
        {
          graphene_rect_t swatch;
          double w = text_width (self, self->row_labels[r]);

          graphene_rect_init (&swatch, x, round (geo->legend_h / 2) - 2, 16, 4);
          draw_rounded (snapshot, &swatch, 2, &palette[r % G_N_ELEMENTS (palette)]);
          draw_text (self, snapshot, self->row_labels[r], x + 22, geo->legend_h / 2, MAX (0, geo->width - x - 22), 0, fg);
          x += 22 + w + 2 * GAP;
        }
    }

  /* Zero and the largest value, each a rule across the plot. */
  line_max (self, &max_row, &max_col);
  {
    graphene_rect_t line;

    graphene_rect_init (&line, geo->plot_x0, round (geo->plot_bottom), geo->plot_x1 - geo->plot_x0, 1);
    gtk_snapshot_append_color (snapshot, &rule, &line);
    graphene_rect_init (&line, geo->plot_x0, round (geo->plot_top), geo->plot_x1 - geo->plot_x0, 1);
    gtk_snapshot_append_color (snapshot, &rule, &line);
    if (max_row != G_MAXUINT)
      {
        g_autofree char *top = item_text (self, max_row, max_col);

        draw_text (self, snapshot, top, PAD, geo->plot_top, geo->axis_w, 1, &dim);
        draw_text (self, snapshot, "0", PAD, geo->plot_bottom, geo->axis_w, 1, &dim);
      }
  }

  /* The points' names under the axis, as many as fit, always the last. */
  for (guint c = 0; self->col_labels != NULL && c < self->n_cols; c++)
    if ((self->n_cols - 1 - c) % every == 0)
      {
        double x = point_x (self, geo, c);
        double w = text_width (self, self->col_labels[c]);

        draw_text (self, snapshot, self->col_labels[c], x - w / 2 - 1, geo->plot_bottom + 6 + geo->line_h / 2,
                   w + 2, 0.5, &dim);
      }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, geo->width, height));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint r = 0; r < self->n_rows; r++)
    {
      const GdkRGBA *color = &palette[r % G_N_ELEMENTS (palette)];
      gboolean drawing = FALSE;

      /* A gap where a point has no value. */
      for (guint c = 0; c < self->n_cols; c++)
        {
          if (!item_exists (self, r, c))
            {
              drawing = FALSE;
              continue;
            }
          if (drawing)
            cairo_line_to (cr, point_x (self, geo, c), point_y (geo, value_at (self, r, c)));
          else
            cairo_move_to (cr, point_x (self, geo, c), point_y (geo, value_at (self, r, c)));
          drawing = TRUE;
        }
      set_source (cr, color, 1);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);

      for (guint c = 0; c < self->n_cols; c++)
        {
          gboolean lit;

          if (!item_exists (self, r, c))
            continue;
          lit = is_highlighted (self, r, c);
          cairo_arc (cr, point_x (self, geo, c), point_y (geo, value_at (self, r, c)),
                     lit ? POINT_RADIUS + 2 : POINT_RADIUS, 0, 2 * G_PI);
          set_source (cr, color, 1);
          cairo_fill (cr);
        }
    }
  cairo_destroy (cr);

  /* One series: its last value beside its last point. */
  if (self->n_rows == 1)
    for (guint c = self->n_cols; c-- > 0;)
      if (item_exists (self, 0, c))
        {
          g_autofree char *text = item_text (self, 0, c);
          double w = text_width (self, text);
          double x = MIN (point_x (self, geo, c) - w / 2, geo->width - PAD - w);

          draw_text (self, snapshot, text, x, point_y (geo, value_at (self, 0, c)) - geo->line_h / 2 - 4, w + 1,
                     0, fg);
          break;
        }
}

static void
snapshot_flow (SiyuChart      *self,
               GtkSnapshot    *snapshot,
               const Geometry *geo,
               const GdkRGBA  *fg)
{
  GdkRGBA dim = with_alpha (fg, 0.7);
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double x0 = geo->left_x + NODE_WIDTH, x1 = geo->right_x, xm = (x0 + x1) / 2;
  double side_w = geo->label_w + GAP + NODE_WIDTH;
  cairo_t *cr;

  if (geo->title_h > 0)
    {
      draw_text (self, snapshot, self->rows_title, PAD, geo->title_h / 2 - 2,
                 MAX (side_w, (geo->width - 2 * PAD) / 2 - GAP), 0, &dim);
      draw_text (self, snapshot, self->cols_title, geo->width / 2 + GAP, geo->title_h / 2 - 2,
                 geo->width / 2 - GAP - PAD, 1, &dim);
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, geo->width, height));
  for (guint i = 0; i < self->n_rows; i++)
    for (guint j = 0; j < self->n_cols; j++)
      {
        double y0, y1, h;

        if (!item_exists (self, i, j))
          continue;
        band_position (self, geo, i, j, &y0, &y1, &h);
        cairo_move_to (cr, x0, y0);
        cairo_curve_to (cr, xm, y0, xm, y1, x1, y1);
        cairo_line_to (cr, x1, y1 + h);
        cairo_curve_to (cr, xm, y1 + h, xm, y0 + h, x0, y0 + h);
        cairo_close_path (cr);
        set_source (cr, &palette[i % G_N_ELEMENTS (palette)], is_highlighted (self, i, j) ? 0.8 : 0.35);
        cairo_fill (cr);
      }
  cairo_destroy (cr);

  for (guint i = 0; i < self->n_rows; i++)
    {
      const GdkRGBA *color = &palette[i % G_N_ELEMENTS (palette)];
      g_autofree char *left = flow_label (self, i, FALSE);
      g_autofree char *right = flow_label (self, i, TRUE);
      graphene_rect_t node;

      graphene_rect_init (&node, geo->left_x, geo->left_y[i], NODE_WIDTH, MAX (2, geo->left_total[i] * geo->flow_scale));
      draw_rounded (snapshot, &node, 2, color);
      graphene_rect_init (&node, geo->right_x, geo->right_y[i], NODE_WIDTH,
                          MAX (2, geo->right_total[i] * geo->flow_scale));
      draw_rounded (snapshot, &node, 2, color);
      draw_text (self, snapshot, left, PAD, geo->slot_y[i] + geo->slot_h[i] / 2, geo->label_w, 1,
                 geo->left_total[i] > 0 ? fg : &dim);
      draw_text (self, snapshot, right, geo->right_x + NODE_WIDTH + GAP, geo->right_slot_y[i] + geo->right_slot_h[i] / 2,
                 geo->label_w, 0, geo->right_total[i] > 0 ? fg : &dim);
    }
}

static void
siyu_chart_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  SiyuChart *self = SIYU_CHART (widget);
  Geometry geo;
  GdkRGBA fg;

  if (self->n_rows == 0 || self->n_cols == 0)
    return;

  get_text_color (self, &fg);
  compute_geometry (self, gtk_widget_get_width (widget), &geo);

  if (is_grid (self))
    snapshot_grid (self, snapshot, &geo, &fg);
  else if (self->kind == SIYU_CHART_LINE)
    snapshot_line (self, snapshot, &geo, &fg);
  else if (self->kind == SIYU_CHART_FLOW)
    snapshot_flow (self, snapshot, &geo, &fg);
  else
    snapshot_bars (self, snapshot, &geo, &fg);

  /* A flow's focused band is drawn deeper instead. */
  if (self->has_focus_item && gtk_widget_has_visible_focus (widget) && self->kind != SIYU_CHART_FLOW)
    {
      graphene_rect_t rect;

      item_rect (self, &geo, self->focus_row, self->focus_col, &rect);
      if (is_grid (self))
        draw_focus (snapshot, &rect, 4, &fg);
      else if (self->kind == SIYU_CHART_LINE)
        draw_focus (snapshot, &rect, POINT_HIT / 2, &fg);
      else
        draw_focus (snapshot, &rect, 6, &accent_focus);
    }
}

static void
siyu_chart_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  SiyuChart *self = SIYU_CHART (widget);
  gboolean grid = is_grid (self);

  ensure_metrics (self);
  if (self->kind == SIYU_CHART_LINE || self->kind == SIYU_CHART_FLOW)
    {
      Geometry geo;

      compute_geometry (self, 600, &geo);
      if (orientation == GTK_ORIENTATION_HORIZONTAL && self->kind == SIYU_CHART_LINE)
        {
          *minimum = BAR_MIN_WIDTH;
          *natural = MAX (BAR_MIN_WIDTH, ceil (geo.axis_w + 2 * GAP + self->n_cols * (self->col_label_w + GAP)));
        }
      else if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          *minimum = ceil (2 * (PAD + GAP + NODE_WIDTH) + FLOW_MIN_MIDDLE);
          *natural = ceil (2 * (PAD + self->row_label_w + GAP + NODE_WIDTH) + 3 * FLOW_MIN_MIDDLE);
        }
      else if (self->n_rows == 0)
        *minimum = *natural = 0;
      else if (self->kind == SIYU_CHART_LINE)
        *minimum = *natural = ceil (geo.plot_bottom + 8 + geo.line_h + 4);
      else
        {
          guint last = self->n_rows - 1;

          *minimum = *natural = ceil (MAX (geo.slot_y[last] + geo.slot_h[last],
                                           geo.right_slot_y[last] + geo.right_slot_h[last]) + 2);
        }
    }
  else if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      if (grid)
        {
          double label_w = grid_label_width (self);

          *minimum = ceil (label_w + CELL_MIN_WIDTH * self->n_cols);
          *natural = ceil (label_w + natural_cell_width (self) * self->n_cols);
        }
      else
        {
          double natural_w = 2 * PAD + self->row_label_w + GAP + BAR_MIN_WIDTH + TEXT_GAP + self->value_w;
          double note_w = self->note_w;

          if (note_w > 0)
            natural_w += GAP + note_w;
          *minimum = BAR_MIN_WIDTH;
          *natural = MAX (BAR_MIN_WIDTH, ceil (natural_w));
        }
    }
  else
    {
      double line_h = self->line_h;
      double height = self->n_rows * row_height (line_h);

      if (grid && self->n_rows > 0)
        {
          if (self->cols_title != NULL && *self->cols_title != '\0')
            height += ceil (line_h) + 4;
          if (has_col_header (self))
            height += ceil (line_h) + 4;
        }
      *minimum = *natural = ceil (height);
    }
}

/* The first item, in reading order. */
static gboolean
first_item (SiyuChart *self,
            guint     *row,
            guint     *col)
{
  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      if (item_exists (self, r, c))
        {
          *row = r;
          *col = c;
          return TRUE;
        }
  return FALSE;
}

/* After new data: keep the focused item if it is still there. */
static void
data_changed (SiyuChart *self)
{
  g_autofree char *description = siyu_chart_describe (self);

  if (!self->has_focus_item || !item_exists (self, self->focus_row, self->focus_col))
    self->has_focus_item = first_item (self, &self->focus_row, &self->focus_col);

  if (*description != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

  invalidate (self);
}

static void
siyu_chart_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (siyu_chart_parent_class)->css_changed (widget, change);

  /* The font or the colours may have changed. */
  invalidate (SIYU_CHART (widget));
}

static void
siyu_chart_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (siyu_chart_parent_class)->root (widget);

  /* A new display may mean other fonts. */
  invalidate (SIYU_CHART (widget));
}

static void
siyu_chart_state_flags_changed (GtkWidget     *widget,
                                GtkStateFlags  previous)
{
  GtkStateFlags now = gtk_widget_get_state_flags (widget);
  GtkStateFlags focus = GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE;

  if ((now & focus) != (previous & focus))
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (siyu_chart_parent_class)->state_flags_changed (widget, previous);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SiyuChart             *self)
{
  int far = (int) MAX (self->n_rows, self->n_cols);

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      return _siyu_chart_move_focus (self, -1, 0);
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      return _siyu_chart_move_focus (self, 1, 0);
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      return _siyu_chart_move_focus (self, 0, -1);
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      return _siyu_chart_move_focus (self, 0, 1);
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      return self->kind == SIYU_CHART_GRID || self->kind == SIYU_CHART_LINE
             ? _siyu_chart_move_focus (self, 0, -far) : _siyu_chart_move_focus (self, -far, 0);
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      return self->kind == SIYU_CHART_GRID || self->kind == SIYU_CHART_LINE
             ? _siyu_chart_move_focus (self, 0, far) : _siyu_chart_move_focus (self, far, 0);
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      return _siyu_chart_activate_focused (self);
    default:
      return FALSE;
    }
}

static void
click_pressed_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  SiyuChart       *self)
{
  self->pressed = siyu_chart_item_at (self, x, y, &self->press_row, &self->press_col);
}

static void
click_released_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   SiyuChart       *self)
{
  guint row, col;

  /* Only a click that begins and ends on the same item. */
  if (self->pressed
      && siyu_chart_item_at (self, x, y, &row, &col)
      && row == self->press_row && col == self->press_col)
    _siyu_chart_click (self, x, y);
  self->pressed = FALSE;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           SiyuChart                *self)
{
  guint row, col;
  gboolean over = siyu_chart_item_at (self, x, y, &row, &col);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), over ? "pointer" : NULL);
  if (over != self->has_hover || (over && (row != self->hover_row || col != self->hover_col)))
    {
      self->has_hover = over;
      self->hover_row = over ? row : 0;
      self->hover_col = over ? col : 0;
      if (self->kind == SIYU_CHART_LINE || self->kind == SIYU_CHART_FLOW)
        gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *controller,
          SiyuChart                *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (self->has_hover)
    {
      self->has_hover = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  SiyuChart  *self)
{
  g_autofree char *text = NULL;
  graphene_rect_t rect;
  guint row, col;

  if (keyboard_mode)
    {
      if (!_siyu_chart_get_focus (self, &row, &col))
        return FALSE;
    }
  else if (!siyu_chart_item_at (self, x, y, &row, &col))
    return FALSE;

  text = _siyu_chart_get_tooltip_text (self, row, col);
  gtk_tooltip_set_text (tooltip, text);
  if (_siyu_chart_get_item_rect (self, row, col, &rect))
    gtk_tooltip_set_tip_area (tooltip,
                              &(GdkRectangle) { floor (rect.origin.x), floor (rect.origin.y),
                                                ceil (rect.size.width), ceil (rect.size.height) });
  return TRUE;
}

static void
siyu_chart_finalize (GObject *object)
{
  SiyuChart *self = SIYU_CHART (object);

  clear_data (self);
  g_free (self->rows_title);
  g_free (self->cols_title);

  G_OBJECT_CLASS (siyu_chart_parent_class)->finalize (object);
}

static void
siyu_chart_class_init (SiyuChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = siyu_chart_finalize;

  widget_class->snapshot = siyu_chart_snapshot;
  widget_class->measure = siyu_chart_measure;
  widget_class->css_changed = siyu_chart_css_changed;
  widget_class->root = siyu_chart_root;
  widget_class->state_flags_changed = siyu_chart_state_flags_changed;

  /**
   * SiyuChart::activated:
   * @row: the bar's row or the cell's row
   * @col: the cell's column; 0 for bars
   *
   * A bar or cell was clicked, or activated with Enter or space.
   */
  signals[ACTIVATED] =
    g_signal_new ("activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
siyu_chart_init (SiyuChart *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);

  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (widget, key);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, motion);
}

SiyuChart *
siyu_chart_new (SiyuChartKind kind)
{
  SiyuChart *self;

  g_return_val_if_fail (kind >= SIYU_CHART_BARS && kind <= SIYU_CHART_FLOW, NULL);

  self = g_object_new (SIYU_TYPE_CHART, NULL);
  self->kind = kind;
  return self;
}

/**
 * siyu_chart_set_categories:
 * @n: the number of categories
 * @labels: (array length=n): their names
 * @values: (array length=n): their values
 * @before: (array length=n) (nullable): the values before, NAN for none
 * @notes: (array length=n) (nullable): a text at each row's end, entries nullable
 * @value_texts: (array length=n) (nullable): texts shown instead of the
 *   values, entries nullable
 *
 * The data of a bar chart or funnel.
 */
void
siyu_chart_set_categories (SiyuChart          *self,
                           guint               n,
                           const char * const *labels,
                           const double       *values,
                           const double       *before,
                           const char * const *notes,
                           const char * const *value_texts)
{
  g_return_if_fail (SIYU_IS_CHART (self));
  g_return_if_fail (self->kind == SIYU_CHART_BARS || self->kind == SIYU_CHART_FUNNEL);
  g_return_if_fail (n == 0 || values != NULL);

  clear_data (self);
  self->n_rows = n;
  self->n_cols = 1;
  self->row_labels = copy_strings (labels, n, TRUE);
  self->values = g_memdup2 (values, n * sizeof (double));
  self->before = before != NULL ? g_memdup2 (before, n * sizeof (double)) : NULL;
  self->notes = copy_strings (notes, n, FALSE);
  self->texts = copy_strings (value_texts, n, FALSE);

  data_changed (self);
}

/**
 * siyu_chart_set_grid:
 * @n_rows: the number of rows
 * @n_cols: the number of columns
 * @row_labels: (array length=n_rows) (nullable): the rows' names
 * @col_labels: (array length=n_cols) (nullable): the columns' names
 * @values: (array): n_rows × n_cols values, row by row; NAN for no cell
 * @cell_texts: (array) (nullable): n_rows × n_cols texts shown in the cells
 *   instead of the values, entries nullable
 * @max: the value of the deepest colour; 0 or less for the largest value
 *
 * The data of a heat map.
 */
void
siyu_chart_set_grid (SiyuChart          *self,
                     guint               n_rows,
                     guint               n_cols,
                     const char * const *row_labels,
                     const char * const *col_labels,
                     const double       *values,
                     const char * const *cell_texts,
                     double              max)
{
  g_return_if_fail (SIYU_IS_CHART (self));
  g_return_if_fail (is_grid (self));
  g_return_if_fail (n_rows == 0 || n_cols == 0 || values != NULL);

  clear_data (self);
  if (n_rows == 0 || n_cols == 0)
    n_rows = n_cols = 0;
  self->n_rows = n_rows;
  self->n_cols = n_cols;
  self->row_labels = copy_strings (row_labels, n_rows, TRUE);
  self->col_labels = copy_strings (col_labels, n_cols, FALSE);
  self->values = g_memdup2 (values, (gsize) n_rows * n_cols * sizeof (double));
  self->texts = copy_strings (cell_texts, n_rows * n_cols, FALSE);
  self->max = max;

  data_changed (self);
}

/**
 * siyu_chart_set_series:
 * @n_series: the number of lines
 * @n_points: the number of points on each, such as months
 * @series_labels: (array length=n_series): the lines' names
 * @point_labels: (array length=n_points) (nullable): the points' names,
 *   shown under the axis as many as fit
 * @values: (array): n_series × n_points values, series by series; NAN for
 *   no point (the line has a gap there)
 * @value_texts: (array) (nullable): n_series × n_points texts shown
 *   instead of the values, entries nullable
 *
 * The data of a line chart.  The lines share one scale, from zero to the
 * largest value, so give one chart the figures of one unit.
 */
void
siyu_chart_set_series (SiyuChart          *self,
                       guint               n_series,
                       guint               n_points,
                       const char * const *series_labels,
                       const char * const *point_labels,
                       const double       *values,
                       const char * const *value_texts)
{
  g_return_if_fail (SIYU_IS_CHART (self));
  g_return_if_fail (self->kind == SIYU_CHART_LINE);
  g_return_if_fail (n_series == 0 || n_points == 0 || values != NULL);

  clear_data (self);
  if (n_series == 0 || n_points == 0)
    n_series = n_points = 0;
  self->n_rows = n_series;
  self->n_cols = n_points;
  self->row_labels = copy_strings (series_labels, n_series, TRUE);
  self->col_labels = copy_strings (point_labels, n_points, TRUE);
  self->values = g_memdup2 (values, (gsize) n_series * n_points * sizeof (double));
  self->texts = copy_strings (value_texts, n_series * n_points, FALSE);

  data_changed (self);
}

/**
 * siyu_chart_set_flow:
 * @n: the number of stages, at most %SIYU_CHART_FLOW_MAX
 * @labels: (array length=n): the stages' names
 * @counts: (array): n × n counts, row by row: counts[i × n + j] moved
 *   from stage i (left, before) to stage j (right, after)
 *
 * The data of a flow chart.  Each band is an item: row its stage before,
 * column its stage after; a count of zero draws none.
 */
void
siyu_chart_set_flow (SiyuChart          *self,
                     guint               n,
                     const char * const *labels,
                     const double       *counts)
{
  g_return_if_fail (SIYU_IS_CHART (self));
  g_return_if_fail (self->kind == SIYU_CHART_FLOW);
  g_return_if_fail (n <= SIYU_CHART_FLOW_MAX);
  g_return_if_fail (n == 0 || counts != NULL);

  clear_data (self);
  self->n_rows = n;
  self->n_cols = n;
  self->row_labels = copy_strings (labels, n, TRUE);
  self->col_labels = copy_strings (labels, n, TRUE);
  self->values = g_memdup2 (counts, (gsize) n * n * sizeof (double));

  data_changed (self);
}

/**
 * siyu_chart_set_axis_titles:
 * @rows: (nullable): what the rows are, shown above the row labels
 * @cols: (nullable): what the columns are, shown above the column labels
 *
 * Titles of a heat map's axes.
 */
void
siyu_chart_set_axis_titles (SiyuChart  *self,
                            const char *rows,
                            const char *cols)
{
  g_return_if_fail (SIYU_IS_CHART (self));

  g_free (self->rows_title);
  g_free (self->cols_title);
  self->rows_title = g_strdup (rows);
  self->cols_title = g_strdup (cols);

  invalidate (self);
}

/**
 * siyu_chart_get_n_items:
 *
 * Returns: the number of bars, or of cells with a value
 */
guint
siyu_chart_get_n_items (SiyuChart *self)
{
  guint n = 0;

  g_return_val_if_fail (SIYU_IS_CHART (self), 0);

  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      if (item_exists (self, r, c))
        n++;
  return n;
}

/**
 * siyu_chart_describe:
 *
 * The chart in words, as its accessible description: every bar with its
 * value and the value before, or every cell with a value.
 *
 * Returns: (transfer full): plain text, empty when there is no data
 */
char *
siyu_chart_describe (SiyuChart *self)
{
  GString *out;
  gboolean said_before = FALSE;

  g_return_val_if_fail (SIYU_IS_CHART (self), NULL);

  out = g_string_new (NULL);
  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      {
        g_autofree char *text = NULL;
        g_autofree char *item = NULL;

        if (!item_exists (self, r, c))
          continue;

        text = item_text (self, r, c);
        if (self->kind == SIYU_CHART_LINE)
          {
            /* Translators: a line's point in a screen reader's description: the line, the point
             * and the value, e.g. “Net sales, 2026-10: ¥336,013.21”. */
            item = g_strdup_printf (_("%s, %s: %s"), self->row_labels[r], self->col_labels[c], text);
          }
        else if (self->kind == SIYU_CHART_FLOW)
          {
            /* Translators: a band of a flow chart in a screen reader's description: from a stage to
             * a stage, and how many moved, e.g. “Growing → Dormant: 50”. */
            item = g_strdup_printf (_("%s → %s: %s"), self->row_labels[r], self->col_labels[c], text);
          }
        else if (is_grid (self))
          {
            /* Translators: a heat map's cell in a screen reader's description: row, column and value, e.g. “R5 F1: 66”. */
            item = g_strdup_printf (_("%s %s: %s"), self->row_labels[r],
                                    self->col_labels != NULL && self->col_labels[c] != NULL ? self->col_labels[c] : "",
                                    text);
          }
        else
          {
            /* Translators: a bar in a screen reader's description of a chart: its label and value, e.g. “New 225”. */
            item = g_strdup_printf (_("%s %s"), self->row_labels[r], text);

            if (self->before != NULL && isfinite (self->before[r]))
              {
                g_autofree char *before = format_number (self->before[r]);
                char *with_before;

                if (!said_before)
                  /* Translators: a bar and its value the month before, said once, e.g. “Prospect 1,157 (month before 1,122)”; the next bars only have the value in brackets. */
                  with_before = g_strdup_printf (_("%s (month before %s)"), item, before);
                else
                  with_before = g_strdup_printf (_("%s (%s)"), item, before);
                said_before = TRUE;
                g_free (item);
                item = with_before;
              }

            if (self->notes != NULL && self->notes[r] != NULL && *self->notes[r] != '\0')
              {
                char *with_note = g_strdup_printf (_("%s, %s"), item, self->notes[r]);

                g_free (item);
                item = with_note;
              }
          }

        if (out->len > 0)
          /* Translators: between the bars or cells of a chart's description. */
          g_string_append (out, _("; "));
        g_string_append (out, item);
      }

  return g_string_free (out, FALSE);
}

/* A line chart's point nearest a point: the nearest column, then the
 * series nearest in y, within POINT_HIT. */
static gboolean
line_item_at (SiyuChart      *self,
              const Geometry *geo,
              double          x,
              double          y,
              guint          *row,
              guint          *col)
{
  double step = self->n_cols > 1 ? (geo->plot_x1 - geo->plot_x0) / (self->n_cols - 1) : POINT_HIT;
  double best = POINT_HIT;
  gboolean found = FALSE;
  guint c;

  if (x < geo->plot_x0 - MAX (step, POINT_HIT) / 2 || x > geo->plot_x1 + MAX (step, POINT_HIT) / 2)
    return FALSE;
  c = self->n_cols > 1 ? (guint) CLAMP (round ((x - geo->plot_x0) / step), 0, self->n_cols - 1) : 0;
  for (guint r = 0; r < self->n_rows; r++)
    {
      double d;

      if (!item_exists (self, r, c))
        continue;
      d = fabs (point_y (geo, value_at (self, r, c)) - y);
      if (d <= best)
        {
          best = d;
          found = TRUE;
          if (row != NULL)
            *row = r;
          if (col != NULL)
            *col = c;
        }
    }
  return found;
}

/* A flow's band at a point, across the nodes and between them; where bands
 * cross, the one drawn last, on top. */
static gboolean
flow_item_at (SiyuChart      *self,
              const Geometry *geo,
              double          x,
              double          y,
              guint          *row,
              guint          *col)
{
  double x0 = geo->left_x + NODE_WIDTH, x1 = geo->right_x;

  if (x < geo->left_x || x >= geo->right_x + NODE_WIDTH)
    return FALSE;
  for (guint i = self->n_rows; i-- > 0;)
    for (guint j = self->n_cols; j-- > 0;)
      {
        double y0, y1, h, top;

        if (!item_exists (self, i, j))
          continue;
        band_position (self, geo, i, j, &y0, &y1, &h);
        if (x <= x0)
          top = y0;
        else if (x >= x1)
          top = y1;
        else
          top = band_y_at (x0, x1, y0, y1, x);
        if (y >= top && y < top + h)
          {
            if (row != NULL)
              *row = i;
            if (col != NULL)
              *col = j;
            return TRUE;
          }
      }
  return FALSE;
}

/**
 * siyu_chart_item_at:
 * @x: in the widget's coordinates
 * @y: in the widget's coordinates
 * @row: (out) (optional): the bar's or the cell's row
 * @col: (out) (optional): the cell's column; 0 for bars
 *
 * Which bar or cell is at a point: a bar's whole row, label and value
 * included, or a cell with a value.
 *
 * Returns: whether there is one
 */
gboolean
siyu_chart_item_at (SiyuChart *self,
                    double     x,
                    double     y,
                    guint     *row,
                    guint     *col)
{
  Geometry geo;
  double width;

  g_return_val_if_fail (SIYU_IS_CHART (self), FALSE);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  if (self->n_rows == 0 || self->n_cols == 0 || x < 0 || y < 0 || x >= width)
    return FALSE;

  compute_geometry (self, width, &geo);
  if (self->kind == SIYU_CHART_LINE)
    return line_item_at (self, &geo, x, y, row, col);
  if (self->kind == SIYU_CHART_FLOW)
    return flow_item_at (self, &geo, x, y, row, col);
  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      {
        graphene_rect_t rect;

        if (!item_exists (self, r, c))
          continue;
        item_rect (self, &geo, r, c, &rect);
        if (x >= rect.origin.x && x < rect.origin.x + rect.size.width
            && y >= rect.origin.y && y < rect.origin.y + rect.size.height)
          {
            if (row != NULL)
              *row = r;
            if (col != NULL)
              *col = c;
            return TRUE;
          }
      }
  return FALSE;
}

/* The existing column nearest to @col in @row, the left one on a tie. */
static gboolean
nearest_in_row (SiyuChart *self,
                guint      row,
                guint      col,
                guint     *found)
{
  for (guint d = 0; d < self->n_cols; d++)
    {
      if (col >= d && item_exists (self, row, col - d))
        {
          *found = col - d;
          return TRUE;
        }
      if (item_exists (self, row, col + d))
        {
          *found = col + d;
          return TRUE;
        }
    }
  return FALSE;
}

/* Moves along one axis by @delta, clamped to the chart, skipping empty
 * cells: on to the next one beyond, or back towards where it was. */
static gboolean
move_axis (SiyuChart *self,
           gboolean   vertical,
           int        delta,
           guint     *row,
           guint     *col)
{
  int size = vertical ? self->n_rows : self->n_cols;
  int from = vertical ? (int) *row : (int) *col;
  int target = CLAMP ((gint64) from + delta, 0, size - 1);
  int step = delta > 0 ? 1 : -1;

  if (delta == 0 || target == from)
    return FALSE;

  for (int pass = 0; pass < 2; pass++)
    {
      int i = target;

      /* First onwards from the target, then back towards the start. */
      for (; pass == 0 ? (i >= 0 && i < size) : i != from; i += pass == 0 ? step : -step)
        {
          guint found;

          if (vertical ? nearest_in_row (self, i, *col, &found) : item_exists (self, *row, i))
            {
              if (vertical)
                {
                  *row = i;
                  *col = found;
                }
              else
                *col = i;
              return TRUE;
            }
        }
    }
  return FALSE;
}

gboolean
_siyu_chart_move_focus (SiyuChart *self,
                        int        drow,
                        int        dcol)
{
  guint row, col;
  gboolean moved = FALSE;

  g_return_val_if_fail (SIYU_IS_CHART (self), FALSE);

  if (!self->has_focus_item)
    return FALSE;

  row = self->focus_row;
  col = self->focus_col;
  moved |= move_axis (self, TRUE, drow, &row, &col);
  moved |= move_axis (self, FALSE, dcol, &row, &col);
  if (!moved || (row == self->focus_row && col == self->focus_col))
    return FALSE;

  self->focus_row = row;
  self->focus_col = col;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

gboolean
_siyu_chart_activate_focused (SiyuChart *self)
{
  g_return_val_if_fail (SIYU_IS_CHART (self), FALSE);

  if (!self->has_focus_item)
    return FALSE;

  g_signal_emit (self, signals[ACTIVATED], 0, self->focus_row, self->focus_col);
  return TRUE;
}

/* A click at a point: the item there takes the focus and is activated. */
gboolean
_siyu_chart_click (SiyuChart *self,
                   double     x,
                   double     y)
{
  guint row, col;

  g_return_val_if_fail (SIYU_IS_CHART (self), FALSE);

  if (!siyu_chart_item_at (self, x, y, &row, &col))
    return FALSE;

  self->has_focus_item = TRUE;
  self->focus_row = row;
  self->focus_col = col;
  if (gtk_widget_get_focus_on_click (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return _siyu_chart_activate_focused (self);
}

gboolean
_siyu_chart_get_focus (SiyuChart *self,
                       guint     *row,
                       guint     *col)
{
  g_return_val_if_fail (SIYU_IS_CHART (self), FALSE);

  if (!self->has_focus_item)
    return FALSE;
  if (row != NULL)
    *row = self->focus_row;
  if (col != NULL)
    *col = self->focus_col;
  return TRUE;
}

gboolean
_siyu_chart_get_item_rect (SiyuChart       *self,
                           guint            row,
                           guint            col,
                           graphene_rect_t *rect)
{
  Geometry geo;

  g_return_val_if_fail (SIYU_IS_CHART (self), FALSE);

  if (!item_exists (self, row, col))
    return FALSE;

  compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)), &geo);
  item_rect (self, &geo, row, col, rect);
  return TRUE;
}

char *
_siyu_chart_get_tooltip_text (SiyuChart *self,
                              guint      row,
                              guint      col)
{
  g_autofree char *text = NULL;
  GString *out;

  g_return_val_if_fail (SIYU_IS_CHART (self), NULL);

  if (!item_exists (self, row, col))
    return NULL;

  text = item_text (self, row, col);
  out = g_string_new (NULL);
  if (self->kind == SIYU_CHART_LINE)
    {
      g_string_append_printf (out, _("%s, %s: %s"), self->row_labels[row], self->col_labels[col], text);
      return g_string_free (out, FALSE);
    }
  if (self->kind == SIYU_CHART_FLOW)
    {
      double total = flow_total (self, row, FALSE);

      g_string_append_printf (out, _("%s → %s: %s"), self->row_labels[row], self->col_labels[col], text);
      if (total > 0)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_c (out, '\n');
          /* Translators: in a flow chart's tooltip, the band's share of its stage before, e.g.
           * “40 % of those who were Growing”. */
          g_string_append_printf (out, _("%s %% of those who were %s"),
                                  g_ascii_formatd (buffer, sizeof buffer, "%.0f",
                                                   100 * value_at (self, row, col) / total),
                                  self->row_labels[row]);
        }
      return g_string_free (out, FALSE);
    }
  if (is_grid (self))
    {
      g_string_append_printf (out, _("%s %s: %s"), self->row_labels[row],
                              self->col_labels != NULL && self->col_labels[col] != NULL ? self->col_labels[col] : "",
                              text);
      return g_string_free (out, FALSE);
    }

  g_string_append_printf (out, _("%s: %s"), self->row_labels[row], text);
  if (self->before != NULL && isfinite (self->before[row]))
    {
      g_autofree char *before = format_number (self->before[row]);

      g_string_append_c (out, '\n');
      /* Translators: in a chart's tooltip, a bar's value the month before. */
      g_string_append_printf (out, _("Month before: %s"), before);
    }
  if (self->notes != NULL && self->notes[row] != NULL && *self->notes[row] != '\0')
    {
      g_string_append_c (out, '\n');
      g_string_append (out, self->notes[row]);
    }
  return g_string_free (out, FALSE);
}
