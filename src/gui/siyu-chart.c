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
 * whose colour grows with their value.  Every bar or cell can be clicked,
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

/* libadwaita's accent blue: bars, cells, and the focus around a bar. */
static const GdkRGBA accent = { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, 1.f };
static const GdkRGBA accent_focus = { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, .5f };

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

/* Bars always exist; a grid's cell exists when it has a value. */
static gboolean
item_exists (SiyuChart *self,
             guint      row,
             guint      col)
{
  if (row >= self->n_rows || col >= self->n_cols)
    return FALSE;
  return !is_grid (self) || !isnan (value_at (self, row, col));
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
  else
    snapshot_bars (self, snapshot, &geo, &fg);

  if (self->has_focus_item && gtk_widget_has_visible_focus (widget))
    {
      graphene_rect_t rect;

      item_rect (self, &geo, self->focus_row, self->focus_col, &rect);
      if (is_grid (self))
        draw_focus (snapshot, &rect, 4, &fg);
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
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
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
      return is_grid (self) ? _siyu_chart_move_focus (self, 0, -far) : _siyu_chart_move_focus (self, -far, 0);
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      return is_grid (self) ? _siyu_chart_move_focus (self, 0, far) : _siyu_chart_move_focus (self, far, 0);
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
  gboolean over = siyu_chart_item_at (self, x, y, NULL, NULL);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), over ? "pointer" : NULL);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          SiyuChart                *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
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

  g_return_val_if_fail (kind == SIYU_CHART_BARS || kind == SIYU_CHART_FUNNEL || kind == SIYU_CHART_GRID, NULL);

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
  g_return_if_fail (!is_grid (self));
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
        if (is_grid (self))
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
