/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-review-pdf"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "siyu-analytics.h"
#include "siyu-money.h"
#include "siyu-output-file.h"
#include "siyu-review-pdf.h"

/* The monthly health review as an A4 PDF to send to a partner: a title
 * header, every section of the review with its figures beside the month
 * before and the same month a year earlier and the change in words, the
 * charts as vector graphics (a 12-month trend, the stage-to-stage flow, the
 * AIPL funnel, RFM and pyramid bars, the cohort heat map), the action cards
 * and the shop's level of data operations.
 *
 * Text is laid out by Pango with a CJK font first, so Chinese is embedded
 * (as subsets) by cairo.  Blocks never straddle a page: a chart, a table
 * row or a card that does not fit goes to the next page whole, and a table
 * carried over repeats its header.  The file is written with SiyuOutputFile:
 * beside the target under a temporary name created exclusively with mode
 * 0600 (the review names the shop and its figures), never through a link
 * planted there, and renamed at the end, so an error or a cancel leaves
 * nothing half-written. */

#define PAGE_WIDTH     595.0
#define PAGE_HEIGHT    842.0
#define MARGIN         50.0
#define TOP            54.0
#define BOTTOM         (PAGE_HEIGHT - 62.0)
#define CONTENT_WIDTH  (PAGE_WIDTH - 2 * MARGIN)
#define FONT_FAMILY    "Noto Sans CJK SC, Sans"
#define CELL_PAD       3.0
#define COHORT_ROWS    12
#define COHORT_COLUMNS 12

#define COLOR_TEXT     0x241f31
#define COLOR_MUTED    0x5e5c64
#define COLOR_RULE     0xc0bfbc
#define COLOR_SHADE    0xf0f0ee
#define COLOR_ACCENT   0x1c71d8
#define COLOR_UP       0x26a269
#define COLOR_DOWN     0xc01c28

typedef enum {
  KIND_COUNT,
  KIND_MONEY,
  KIND_RATIO,
} FigureKind;

typedef struct {
  cairo_surface_t *surface;
  cairo_t         *cr;
  PangoFontMap    *font_map;
  PangoContext    *context;
  double           y;
  int              page;
  char            *footer;
  const char      *currency;
  /* The table being drawn, to repeat its header on a new page. */
  guint            n_columns;
  const double    *widths;
  const char     **header;
} Pdf;

/* The output file under its temporary name. */
typedef struct {
  SiyuOutputFile *out;
  int             error;
} Sink;

static const guint32 stage_colors[SIYU_N_STAGES] = {
  0x9a9996, 0x62a0ea, 0x2ec27e, 0x1c71d8, 0xe5a50a, 0xc01c28,
};

/* Null-tolerant readers of the review JSON. */
static JsonNode *
member_of (JsonObject *object,
           const char *name)
{
  return object != NULL && name != NULL ? json_object_get_member (object, name) : NULL;
}

static JsonObject *
object_of (JsonObject *object,
           const char *name)
{
  JsonNode *node = member_of (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_of (JsonObject *object,
          const char *name)
{
  JsonNode *node = member_of (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
has_value (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node);
}

static double
double_of (JsonObject *object,
           const char *name)
{
  JsonNode *node = member_of (object, name);

  return has_value (node) ? json_node_get_double (node) : 0.0;
}

static gint64
int_of (JsonObject *object,
        const char *name)
{
  JsonNode *node = member_of (object, name);

  return has_value (node) ? json_node_get_int (node) : 0;
}

static const char *
string_of (JsonObject *object,
           const char *name,
           const char *fallback)
{
  JsonNode *node = member_of (object, name);

  return has_value (node) && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : fallback;
}

static void
set_color (cairo_t *cr,
           guint32  rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

static void
set_color_alpha (cairo_t *cr,
                 guint32  rgb,
                 double   alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0, alpha);
}

static gboolean
has_han (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* A layout of @text at @size points, wrapped at @width (0: no wrap). */
static PangoLayout *
make_layout (Pdf            *pdf,
             const char     *text,
             double          size,
             gboolean        bold,
             double          width,
             PangoAlignment  alignment)
{
  PangoLayout *layout = pango_layout_new (pdf->context);
  PangoFontDescription *font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  /* The CJK font draws ’ “ ” full-width, as Chinese wants them; in text
   * without Chinese, its proportional forms read as they should. */
  if (!has_han (text))
    {
      PangoAttrList *attributes = pango_attr_list_new ();

      pango_attr_list_insert (attributes, pango_attr_font_features_new ("pwid"));
      pango_layout_set_attributes (layout, attributes);
      pango_attr_list_unref (attributes);
    }

  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int width, height;

  pango_layout_get_size (layout, &width, &height);
  return (double) height / PANGO_SCALE;
}

static void
show_layout (Pdf         *pdf,
             PangoLayout *layout,
             double       x,
             double       y,
             guint32      color)
{
  cairo_move_to (pdf->cr, x, y);
  set_color (pdf->cr, color);
  pango_cairo_show_layout (pdf->cr, layout);
}

/* Draws @text at (@x, @y) and returns its height. */
static double
draw_text (Pdf            *pdf,
           const char     *text,
           double          x,
           double          y,
           double          size,
           gboolean        bold,
           double          width,
           PangoAlignment  alignment,
           guint32         color)
{
  g_autoptr(PangoLayout) layout = make_layout (pdf, text, size, bold, width, alignment);

  show_layout (pdf, layout, x, y, color);
  return layout_height (layout);
}

static double
text_height (Pdf        *pdf,
             const char *text,
             double      size,
             gboolean    bold,
             double      width)
{
  g_autoptr(PangoLayout) layout = make_layout (pdf, text, size, bold, width, PANGO_ALIGN_LEFT);

  return layout_height (layout);
}

static void
draw_footer (Pdf *pdf)
{
  /* Translators: the page number in the footer of the review PDF. */
  g_autofree char *number = g_strdup_printf (_("Page %d"), pdf->page);

  cairo_save (pdf->cr);
  set_color (pdf->cr, COLOR_RULE);
  cairo_set_line_width (pdf->cr, 0.5);
  cairo_move_to (pdf->cr, MARGIN, PAGE_HEIGHT - 44);
  cairo_line_to (pdf->cr, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 44);
  cairo_stroke (pdf->cr);
  cairo_restore (pdf->cr);
  draw_text (pdf, pdf->footer, MARGIN, PAGE_HEIGHT - 40, 7.5, FALSE, CONTENT_WIDTH * 0.75, PANGO_ALIGN_LEFT,
             COLOR_MUTED);
  draw_text (pdf, number, MARGIN, PAGE_HEIGHT - 40, 7.5, FALSE, CONTENT_WIDTH, PANGO_ALIGN_RIGHT, COLOR_MUTED);
}

static void
new_page (Pdf *pdf)
{
  draw_footer (pdf);
  cairo_show_page (pdf->cr);
  pdf->page++;
  pdf->y = TOP;
}

/* Starts a new page unless @height fits below the current position. */
static void
need (Pdf    *pdf,
      double  height)
{
  if (pdf->y + height > BOTTOM && pdf->y > TOP)
    new_page (pdf);
}

/* A section title, kept on the page of the first @keep points below it. */
static void
section (Pdf        *pdf,
         const char *title,
         double      keep)
{
  double height = text_height (pdf, title, 13, TRUE, CONTENT_WIDTH);
  g_autofree char *link = NULL;

  need (pdf, 14 + height + 6 + keep);
  if (pdf->y > TOP)
    pdf->y += 14;
  /* Whole points: %g would follow the locale's decimal comma. */
  link = g_strdup_printf ("page=%d pos=[%d %d]", pdf->page, (int) MARGIN, (int) pdf->y);
  cairo_pdf_surface_add_outline (pdf->surface, CAIRO_PDF_OUTLINE_ROOT, title, link, 0);
  draw_text (pdf, title, MARGIN, pdf->y, 13, TRUE, CONTENT_WIDTH, PANGO_ALIGN_LEFT, COLOR_ACCENT);
  pdf->y += height + 2;
  set_color (pdf->cr, COLOR_ACCENT);
  cairo_set_line_width (pdf->cr, 1.0);
  cairo_move_to (pdf->cr, MARGIN, pdf->y);
  cairo_line_to (pdf->cr, PAGE_WIDTH - MARGIN, pdf->y);
  cairo_stroke (pdf->cr);
  pdf->y += 6;
}

/* A wrapped paragraph; it moves whole to the next page if it must. */
static void
paragraph (Pdf        *pdf,
           const char *text,
           double      size,
           guint32     color)
{
  g_autoptr(PangoLayout) layout = make_layout (pdf, text, size, FALSE, CONTENT_WIDTH, PANGO_ALIGN_LEFT);
  double height = layout_height (layout);

  need (pdf, height);
  show_layout (pdf, layout, MARGIN, pdf->y, color);
  pdf->y += height + 4;
}

/* One table row: cells left-aligned in the first column, right-aligned in
 * the others; @colors may be NULL or give a colour per cell (0: text). */
static double
row_height (Pdf                *pdf,
            guint               n,
            const double       *widths,
            const char * const *cells,
            gboolean            bold)
{
  double height = 0;

  for (guint i = 0; i < n; i++)
    height = MAX (height, text_height (pdf, cells[i], 8.5, bold, widths[i] - 2 * CELL_PAD));
  return height + 2 * CELL_PAD;
}

static void
draw_row (Pdf                *pdf,
          guint               n,
          const double       *widths,
          const char * const *cells,
          const guint32      *colors,
          gboolean            header,
          gboolean            shaded)
{
  double height = row_height (pdf, n, widths, cells, header);
  double x = MARGIN;

  if (pdf->y + height > BOTTOM && pdf->y > TOP)
    {
      new_page (pdf);
      if (!header && pdf->header != NULL)
        draw_row (pdf, pdf->n_columns, pdf->widths, pdf->header, NULL, TRUE, FALSE);
    }
  if (shaded || header)
    {
      set_color (pdf->cr, header ? 0xe1e8f3 : COLOR_SHADE);
      cairo_rectangle (pdf->cr, MARGIN, pdf->y, CONTENT_WIDTH, height);
      cairo_fill (pdf->cr);
    }
  for (guint i = 0; i < n; i++)
    {
      draw_text (pdf, cells[i], x + CELL_PAD, pdf->y + CELL_PAD, 8.5, header, widths[i] - 2 * CELL_PAD,
                 i == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT,
                 colors != NULL && colors[i] != 0 ? colors[i] : (header ? COLOR_TEXT : COLOR_TEXT));
      x += widths[i];
    }
  pdf->y += height;
}

static void
begin_table (Pdf           *pdf,
             guint          n,
             const double  *widths,
             const char   **header)
{
  pdf->n_columns = n;
  pdf->widths = widths;
  pdf->header = header;
  draw_row (pdf, n, widths, header, NULL, TRUE, FALSE);
}

static void
end_table (Pdf *pdf)
{
  pdf->header = NULL;
  pdf->widths = NULL;
  pdf->n_columns = 0;
  set_color (pdf->cr, COLOR_RULE);
  cairo_set_line_width (pdf->cr, 0.5);
  cairo_move_to (pdf->cr, MARGIN, pdf->y);
  cairo_line_to (pdf->cr, PAGE_WIDTH - MARGIN, pdf->y);
  cairo_stroke (pdf->cr);
  pdf->y += 6;
}

static FigureKind
figure_kind (const char *name)
{
  if (g_str_equal (name, "net_sales") || g_str_equal (name, "aov"))
    return KIND_MONEY;
  if (g_str_equal (name, "repurchase_rate") || g_str_equal (name, "member_share") ||
      g_str_equal (name, "advancing") || g_str_equal (name, "thriving") || g_str_equal (name, "pareto_share"))
    return KIND_RATIO;
  return KIND_COUNT;
}

static char *
format_value (Pdf        *pdf,
              FigureKind  kind,
              double      value)
{
  switch (kind)
    {
    case KIND_MONEY:
      return siyu_money_format (llround (value), pdf->currency);
    case KIND_RATIO:
      return siyu_percent_format (value);
    case KIND_COUNT:
    default:
      return siyu_count_format (llround (value));
    }
}

/* A figure as the owner reads it; “—” when it has no base. */
static char *
figure_text (Pdf        *pdf,
             JsonObject *object,
             const char *name)
{
  JsonNode *node = member_of (object, name);

  if (!has_value (node))
    return g_strdup ("—");
  return format_value (pdf, figure_kind (name), json_node_get_double (node));
}

/* The change from @then to @now in words, and its direction in @sign. */
static char *
change_words (JsonObject *now,
              JsonObject *then,
              const char *name,
              int        *sign)
{
  JsonNode *a = member_of (now, name);
  JsonNode *b = member_of (then, name);
  double x, y;

  *sign = 0;
  if (!has_value (a) || !has_value (b))
    return g_strdup ("—");
  x = json_node_get_double (a);
  y = json_node_get_double (b);
  if (figure_kind (name) == KIND_RATIO)
    {
      double points = 100 * (x - y);

      if (fabs (points) < 0.05)
        return g_strdup (_("no change"));
      *sign = points > 0 ? 1 : -1;
      /* Translators: a change of a percentage, in percentage points, such as “up 2.5 pts”. */
      return g_strdup_printf (points > 0 ? _("up %.1f pts") : _("down %.1f pts"), fabs (points));
    }
  if (y == 0)
    {
      if (x == 0)
        return g_strdup (_("no change"));
      *sign = x > 0 ? 1 : -1;
      /* Translators: a figure that was zero before. */
      return g_strdup (_("up from zero"));
    }
  {
    double percent = 100 * (x - y) / fabs (y);

    if (fabs (percent) < 0.05)
      return g_strdup (_("no change"));
    *sign = percent > 0 ? 1 : -1;
    /* Translators: a relative change, such as “up 12.5 %”. */
    return g_strdup_printf (percent > 0 ? _("up %.1f %%") : _("down %.1f %%"), fabs (percent));
  }
}

static guint32
sign_color (int sign)
{
  return sign > 0 ? COLOR_UP : sign < 0 ? COLOR_DOWN : COLOR_MUTED;
}

typedef struct {
  const char *name;
  const char *title;
} Figure;

/* A table of figures: this month, the month before and the change, the
 * same month last year and the change. */
static void
figures_table (Pdf          *pdf,
               JsonObject   *review,
               const Figure *figures,
               guint         n)
{
  static const double widths[6] = { 123, 66, 66, 87, 66, 87 };
  JsonObject *month = object_of (review, "month");
  JsonObject *before = object_of (review, "month_before");
  JsonObject *last_year = object_of (review, "same_month_last_year");
  const char *header[6] = {
    _("Figure"), string_of (month, "month", ""),
    before != NULL ? string_of (before, "month", "") : _("Month before"),
    /* Translators: a column of the review PDF: the change from the month before. */
    _("Change"),
    last_year != NULL ? string_of (last_year, "month", "") : _("A year earlier"),
    /* Translators: a column of the review PDF: the change from the same month a year earlier. */
    _("Over a year"),
  };

  begin_table (pdf, 6, widths, header);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *now = figure_text (pdf, month, figures[i].name);
      g_autofree char *then = before != NULL ? figure_text (pdf, before, figures[i].name) : g_strdup ("—");
      g_autofree char *year = last_year != NULL ? figure_text (pdf, last_year, figures[i].name) : g_strdup ("—");
      int sign_before = 0, sign_year = 0;
      g_autofree char *change_before = change_words (month, before, figures[i].name, &sign_before);
      g_autofree char *change_year = change_words (month, last_year, figures[i].name, &sign_year);
      const char *cells[6] = { _(figures[i].title), now, then, change_before, year, change_year };
      guint32 colors[6] = { 0, 0, COLOR_MUTED, sign_color (sign_before), COLOR_MUTED, sign_color (sign_year) };

      draw_row (pdf, 6, widths, cells, colors, FALSE, i % 2 == 1);
    }
  end_table (pdf);
}

/* A rounded-off top for a chart's value axis. */
static double
nice_top (double max)
{
  double magnitude, scaled;

  if (!(max > 0))
    return 1;
  magnitude = pow (10, floor (log10 (max)));
  scaled = max / magnitude;
  if (scaled <= 1)
    return magnitude;
  if (scaled <= 2)
    return 2 * magnitude;
  if (scaled <= 2.5)
    return 2.5 * magnitude;
  if (scaled <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

/* A line of @field over the trend's months, in the box (@x, @y, @w, @h). */
static void
line_chart (Pdf        *pdf,
            double      x,
            double      y,
            double      w,
            double      h,
            const char *title,
            JsonArray  *trend,
            const char *field)
{
  cairo_t *cr = pdf->cr;
  FigureKind kind = figure_kind (field);
  guint n = trend != NULL ? json_array_get_length (trend) : 0;
  double max = 0, top, plot_x = x + 4, plot_y, plot_w = w - 8, plot_h, bottom = y + h;
  gboolean drawing = FALSE;
  g_autofree char *top_text = NULL;

  y += draw_text (pdf, title, x, y, 9, TRUE, w, PANGO_ALIGN_LEFT, COLOR_TEXT) + 4;
  plot_y = y + 10;
  plot_h = MAX (bottom - 12 - plot_y, 20);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *point = json_array_get_object_element (trend, i);

      max = MAX (max, double_of (point, field));
    }
  top = kind == KIND_RATIO ? (max > 0.5 ? 1.0 : nice_top (max)) : nice_top (max);
  top_text = format_value (pdf, kind, top);

  /* Grid: the top, the middle and zero. */
  cairo_set_line_width (cr, 0.4);
  set_color (cr, COLOR_RULE);
  for (int g = 0; g <= 2; g++)
    {
      double gy = plot_y + plot_h * g / 2.0;

      cairo_move_to (cr, plot_x, gy);
      cairo_line_to (cr, plot_x + plot_w, gy);
    }
  cairo_stroke (cr);
  draw_text (pdf, top_text, plot_x, plot_y - 9, 6, FALSE, plot_w, PANGO_ALIGN_LEFT, COLOR_MUTED);

  /* The line, broken where a month has no value. */
  set_color (cr, COLOR_ACCENT);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *point = json_array_get_object_element (trend, i);
      JsonNode *value = member_of (point, field);
      double px = plot_x + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2);
      double py;

      if (!has_value (value))
        {
          drawing = FALSE;
          continue;
        }
      py = plot_y + plot_h * (1 - MIN (json_node_get_double (value) / top, 1.0));
      if (drawing)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      drawing = TRUE;
    }
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *point = json_array_get_object_element (trend, i);
      JsonNode *value = member_of (point, field);
      double px = plot_x + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2);
      const char *month = string_of (point, "month", "");

      if (has_value (value))
        {
          cairo_new_path (cr);
          cairo_arc (cr, px, plot_y + plot_h * (1 - MIN (json_node_get_double (value) / top, 1.0)), 1.8, 0, 2 * G_PI);
          set_color (cr, COLOR_ACCENT);
          cairo_fill (cr);
        }
      /* Month numbers under the axis: every other month, and the last. */
      if (strlen (month) == 7 && (i % 2 == (n - 1) % 2))
        draw_text (pdf, month + 5, px - 8, plot_y + plot_h + 2, 6, FALSE, 16, PANGO_ALIGN_CENTER, COLOR_MUTED);
    }
  if (n > 0)
    {
      JsonObject *last = json_array_get_object_element (trend, n - 1);
      g_autofree char *text = figure_text (pdf, last, field);

      draw_text (pdf, text, x, plot_y - 9, 6.5, TRUE, w - 4, PANGO_ALIGN_RIGHT, COLOR_ACCENT);
    }
}

/* Horizontal bars: a label, a bar scaled to the largest value, the value. */
static double
bar_chart (Pdf                *pdf,
           double              x,
           double              y,
           double              w,
           const char * const *labels,
           const gint64       *values,
           const guint32      *colors,
           guint               n)
{
  const double row = 14, label_w = w * 0.36, value_w = 44;
  double bar_w = w - label_w - value_w - 6;
  gint64 max = 1;

  for (guint i = 0; i < n; i++)
    max = MAX (max, values[i]);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = siyu_count_format (values[i]);
      double length = bar_w * (double) values[i] / (double) max;

      draw_text (pdf, labels[i], x, y + i * row + 1, 7.5, FALSE, label_w - 4, PANGO_ALIGN_LEFT, COLOR_TEXT);
      set_color (pdf->cr, colors != NULL ? colors[i] : COLOR_ACCENT);
      cairo_rectangle (pdf->cr, x + label_w, y + i * row + 2.5, MAX (length, values[i] > 0 ? 1.0 : 0.0), row - 5);
      cairo_fill (pdf->cr);
      draw_text (pdf, value, x + label_w + length + 3, y + i * row + 1, 7.5, FALSE, value_w, PANGO_ALIGN_LEFT,
                 COLOR_MUTED);
    }
  return n * row;
}

/* The lifecycle flow: stages at the end of the month before on the left,
 * at the end of this month on the right, a band for each move. */
static void
flow_chart (Pdf        *pdf,
            double      x,
            double      y,
            double      w,
            double      h,
            JsonObject *transitions)
{
  cairo_t *cr = pdf->cr;
  gint64 counts[SIYU_N_STAGES][SIYU_N_STAGES] = { { 0 } };
  gint64 from_total[SIYU_N_STAGES] = { 0 }, to_total[SIYU_N_STAGES] = { 0 }, total = 0;
  double from_y[SIYU_N_STAGES], to_y[SIYU_N_STAGES], from_next[SIYU_N_STAGES], to_next[SIYU_N_STAGES];
  double from_label[SIYU_N_STAGES], to_label[SIYU_N_STAGES];
  const double label_w = 100, bar_w = 10, gap = 5;
  double left = x + label_w, right = x + w - label_w - bar_w, scale, cursor;

  for (int a = 0; a < SIYU_N_STAGES; a++)
    {
      JsonObject *row = object_of (transitions, siyu_stage_to_string ((SiyuStage) a));

      for (int b = 0; b < SIYU_N_STAGES; b++)
        {
          counts[a][b] = int_of (row, siyu_stage_to_string ((SiyuStage) b));
          from_total[a] += counts[a][b];
          to_total[b] += counts[a][b];
          total += counts[a][b];
        }
    }
  if (total == 0)
    {
      draw_text (pdf, _("No one to follow from the month before."), x, y, 8.5, FALSE, w, PANGO_ALIGN_LEFT,
                 COLOR_MUTED);
      return;
    }
  scale = (h - gap * (SIYU_N_STAGES - 1)) / (double) total;

  /* Stacked top-down; an empty stage takes no room. */
  cursor = y;
  for (int a = 0; a < SIYU_N_STAGES; a++)
    {
      from_y[a] = from_next[a] = cursor;
      if (from_total[a] > 0)
        cursor += from_total[a] * scale + gap;
    }
  cursor = y;
  for (int b = 0; b < SIYU_N_STAGES; b++)
    {
      to_y[b] = to_next[b] = cursor;
      if (to_total[b] > 0)
        cursor += to_total[b] * scale + gap;
    }

  /* Bands first, under the bars. */
  for (int a = 0; a < SIYU_N_STAGES; a++)
    for (int b = 0; b < SIYU_N_STAGES; b++)
      {
        double thick = counts[a][b] * scale;
        double x0 = left + bar_w, x1 = right, mid = (x0 + x1) / 2;

        if (counts[a][b] == 0)
          continue;
        cairo_move_to (cr, x0, from_next[a]);
        cairo_curve_to (cr, mid, from_next[a], mid, to_next[b], x1, to_next[b]);
        cairo_line_to (cr, x1, to_next[b] + thick);
        cairo_curve_to (cr, mid, to_next[b] + thick, mid, from_next[a] + thick, x0, from_next[a] + thick);
        cairo_close_path (cr);
        set_color_alpha (cr, stage_colors[a], a == b ? 0.18 : 0.45);
        cairo_fill (cr);
        from_next[a] += thick;
        to_next[b] += thick;
      }

  /* Labels centred on their bars, pushed down where small bars crowd. */
  {
    double last_left = -G_MAXDOUBLE, last_right = -G_MAXDOUBLE;

    for (int s = 0; s < SIYU_N_STAGES; s++)
      {
        double fh = MAX (from_total[s] * scale, 0.8), th = MAX (to_total[s] * scale, 0.8);

        from_label[s] = MAX (from_y[s] + fh / 2 - 5, last_left + 10);
        to_label[s] = MAX (to_y[s] + th / 2 - 5, last_right + 10);
        if (from_total[s] > 0)
          last_left = from_label[s];
        if (to_total[s] > 0)
          last_right = to_label[s];
      }
  }

  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      g_autofree char *from_text = siyu_count_format (from_total[s]);
      g_autofree char *to_text = siyu_count_format (to_total[s]);
      g_autofree char *left_label = g_strdup_printf ("%s  %s", siyu_stage_get_label ((SiyuStage) s), from_text);
      g_autofree char *right_label = g_strdup_printf ("%s  %s", siyu_stage_get_label ((SiyuStage) s), to_text);
      double fh = MAX (from_total[s] * scale, 0.8), th = MAX (to_total[s] * scale, 0.8);

      /* A stage nobody was in (or went to) has neither bar nor label. */
      set_color (cr, stage_colors[s]);
      if (from_total[s] > 0)
        cairo_rectangle (cr, left, from_y[s], bar_w, fh);
      if (to_total[s] > 0)
        cairo_rectangle (cr, right, to_y[s], bar_w, th);
      cairo_fill (cr);
      if (from_total[s] > 0)
        draw_text (pdf, left_label, x, from_label[s], 7.5, FALSE, label_w - 4, PANGO_ALIGN_RIGHT, COLOR_TEXT);
      if (to_total[s] > 0)
        draw_text (pdf, right_label, right + bar_w + 4, to_label[s], 7.5, FALSE, label_w - 4, PANGO_ALIGN_LEFT,
                   COLOR_TEXT);
    }
}

/* The AIPL funnel: a centred band per stage, width by its count. */
static double
funnel_chart (Pdf        *pdf,
              double      x,
              double      y,
              double      w,
              JsonObject *aipl,
              JsonObject *aipl_before)
{
  cairo_t *cr = pdf->cr;
  const double row = 24, chart_w = w * 0.55;
  gint64 max = 1;
  guint32 colors[] = { 0x99c1f1, 0x62a0ea, 0x3584e4, 0x1a5fb4 };

  for (int s = SIYU_AIPL_AWARENESS; s < SIYU_N_AIPL_STAGES; s++)
    max = MAX (max, int_of (aipl, siyu_aipl_stage_to_string ((SiyuAiplStage) s)));
  for (int s = SIYU_AIPL_AWARENESS; s < SIYU_N_AIPL_STAGES; s++)
    {
      const char *key = siyu_aipl_stage_to_string ((SiyuAiplStage) s);
      gint64 value = int_of (aipl, key);
      double width = MAX (chart_w * (double) value / (double) max, 6);
      double top = y + (s - 1) * row;
      g_autofree char *count = siyu_count_format (value);
      g_autofree char *before = aipl_before != NULL ? siyu_count_format (int_of (aipl_before, key)) : NULL;
      /* Translators: a stage of the AIPL funnel, its count, and the count of the month before in brackets. */
      g_autofree char *label = before != NULL ? g_strdup_printf (_("%s: %s (month before %s)"),
                                                                  siyu_aipl_stage_get_label ((SiyuAiplStage) s),
                                                                  count, before)
                                              : g_strdup_printf ("%s: %s", siyu_aipl_stage_get_label ((SiyuAiplStage) s),
                                                                 count);

      set_color (cr, colors[s - 1]);
      cairo_rectangle (cr, x + (chart_w - width) / 2, top + 1, width, row - 3);
      cairo_fill (cr);
      draw_text (pdf, label, x + chart_w + 10, top + row / 2 - 6, 8, FALSE, w - chart_w - 10, PANGO_ALIGN_LEFT,
                 COLOR_TEXT);
    }
  return (SIYU_N_AIPL_STAGES - 1) * row;
}

/* Cohort retention: a row per cohort (the latest twelve), a cell per
 * month after the first order, shaded by the share still buying. */
static void
cohort_map (Pdf       *pdf,
            double     x,
            double     y,
            JsonArray *cohorts,
            guint      first,
            guint      n)
{
  cairo_t *cr = pdf->cr;
  const double label_w = 52, size_w = 42, cell_h = 15;
  double cell_w = (CONTENT_WIDTH - label_w - size_w) / COHORT_COLUMNS;
  double max = 0.0001;

  for (guint i = first; i < first + n; i++)
    {
      JsonArray *retention = array_of (json_array_get_object_element (cohorts, i), "retention");

      for (guint k = 1; retention != NULL && k < json_array_get_length (retention) && k < COHORT_COLUMNS; k++)
        max = MAX (max, json_array_get_double_element (retention, k));
    }

  draw_text (pdf, _("Cohort"), x, y, 7, TRUE, label_w, PANGO_ALIGN_LEFT, COLOR_TEXT);
  draw_text (pdf, _("Buyers"), x + label_w, y, 7, TRUE, size_w - 4, PANGO_ALIGN_RIGHT, COLOR_TEXT);
  for (guint k = 0; k < COHORT_COLUMNS; k++)
    {
      /* Translators: a column of the cohort heat map: months after the first order, such as “+3”. */
      g_autofree char *title = g_strdup_printf (_("+%u"), k);

      draw_text (pdf, title, x + label_w + size_w + k * cell_w, y, 7, TRUE, cell_w, PANGO_ALIGN_CENTER, COLOR_TEXT);
    }
  y += cell_h;
  for (guint i = first; i < first + n; i++, y += cell_h)
    {
      JsonObject *cohort = json_array_get_object_element (cohorts, i);
      JsonArray *retention = array_of (cohort, "retention");
      g_autofree char *size = siyu_count_format (int_of (cohort, "size"));

      draw_text (pdf, string_of (cohort, "cohort", ""), x, y + 3, 7, FALSE, label_w, PANGO_ALIGN_LEFT, COLOR_TEXT);
      draw_text (pdf, size, x + label_w, y + 3, 7, FALSE, size_w - 4, PANGO_ALIGN_RIGHT, COLOR_MUTED);
      for (guint k = 0; retention != NULL && k < json_array_get_length (retention) && k < COHORT_COLUMNS; k++)
        {
          double share = json_array_get_double_element (retention, k);
          double strength = k == 0 ? 1.0 : MIN (share / max, 1.0);
          double cx = x + label_w + size_w + k * cell_w;
          g_autofree char *text = g_strdup_printf ("%.0f", 100 * share);

          /* From a pale to the accent blue. */
          cairo_set_source_rgb (cr, 0.93 - 0.82 * strength, 0.95 - 0.51 * strength, 0.99 - 0.14 * strength);
          cairo_rectangle (cr, cx + 0.5, y + 0.5, cell_w - 1, cell_h - 1);
          cairo_fill (cr);
          draw_text (pdf, text, cx, y + 3, 6.5, FALSE, cell_w, PANGO_ALIGN_CENTER,
                     strength > 0.55 ? 0xffffff : COLOR_TEXT);
        }
    }
}

/* The title header of the first page. */
static void
title_block (Pdf        *pdf,
             JsonObject *review)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  const char *shop = string_of (review, "shop", "");
  const char *month = string_of (review, "review", "");
  gboolean complete = has_value (member_of (review, "complete"))
                      ? json_object_get_boolean_member (review, "complete") : TRUE;
  /* Translators: the title of the review PDF; %s is a month, such as 2026-10. */
  g_autofree char *title = g_strdup_printf (_("Private-domain health review: %s"), month);
  /* Translators: %s is a date, such as 2026-11-02. */
  g_autofree char *generated = g_strdup_printf (_("Generated on %s"), today);

  set_color (pdf->cr, COLOR_ACCENT);
  cairo_rectangle (pdf->cr, 0, 0, PAGE_WIDTH, 6);
  cairo_fill (pdf->cr);
  pdf->y = TOP - 10;
  if (*shop != '\0')
    pdf->y += draw_text (pdf, shop, MARGIN, pdf->y, 20, TRUE, CONTENT_WIDTH, PANGO_ALIGN_LEFT, COLOR_TEXT) + 2;
  pdf->y += draw_text (pdf, title, MARGIN, pdf->y, 14, FALSE, CONTENT_WIDTH, PANGO_ALIGN_LEFT, COLOR_ACCENT) + 2;
  if (!complete)
    pdf->y += draw_text (pdf, _("The month is not over: the figures are those so far."), MARGIN, pdf->y, 9, FALSE,
                         CONTENT_WIDTH, PANGO_ALIGN_LEFT, COLOR_DOWN) + 2;
  pdf->y += draw_text (pdf, generated, MARGIN, pdf->y, 8.5, FALSE, CONTENT_WIDTH, PANGO_ALIGN_LEFT, COLOR_MUTED);
  pdf->y += 6;
}

static void
figures_sections (Pdf        *pdf,
                  JsonObject *review)
{
  static const Figure people[] = {
    { "contacts", N_("Contacts") },
    { "members", N_("Members") },
    { "new_contacts", N_("New contacts") },
    { "buyers", N_("Buyers") },
    { "new_buyers", N_("New buyers") },
  };
  static const Figure sales[] = {
    { "paid_orders", N_("Paid orders") },
    { "net_sales", N_("Net sales") },
    { "member_share", N_("Members’ share of sales") },
  };
  static const Figure repeat[] = {
    { "repurchase_rate", N_("Repurchase rate") },
    { "aov", N_("Average order value") },
  };

  section (pdf, _("Members and buyers"), 80);
  figures_table (pdf, review, people, G_N_ELEMENTS (people));
  section (pdf, _("Sales and members’ share"), 60);
  figures_table (pdf, review, sales, G_N_ELEMENTS (sales));
  section (pdf, _("Repurchase and average order value"), 50);
  figures_table (pdf, review, repeat, G_N_ELEMENTS (repeat));
}

static void
trend_section (Pdf        *pdf,
               JsonObject *review)
{
  const double h = 120, gap = 16, w = (CONTENT_WIDTH - 2 * gap) / 3;
  JsonArray *trend = array_of (review, "trend");

  section (pdf, _("The last 12 months"), h);
  line_chart (pdf, MARGIN, pdf->y, w, h, _("Net sales"), trend, "net_sales");
  line_chart (pdf, MARGIN + w + gap, pdf->y, w, h, _("Buyers"), trend, "buyers");
  line_chart (pdf, MARGIN + 2 * (w + gap), pdf->y, w, h, _("Repurchase rate"), trend, "repurchase_rate");
  pdf->y += h + 6;
}

typedef struct {
  int    from;
  int    to;
  gint64 count;
} Move;

static void
lifecycle_section (Pdf        *pdf,
                   JsonObject *review)
{
  static const double widths[4] = { 180, 105, 105, 105 };
  JsonObject *stages = object_of (review, "stages");
  JsonObject *before = object_of (review, "stages_month_before");
  JsonObject *transitions = object_of (review, "transitions");
  const char *header[4] = { _("Stage"), _("At the month’s end"), _("The month before"), _("Change") };
  const double flow_h = 200;
  Move moves[SIYU_N_STAGES * SIYU_N_STAGES];
  guint n_moves = 0;

  section (pdf, _("Lifecycle"), 120);
  begin_table (pdf, 4, widths, header);
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      const char *key = siyu_stage_to_string ((SiyuStage) s);
      g_autofree char *now = figure_text (pdf, stages, key);
      g_autofree char *then = before != NULL ? figure_text (pdf, before, key) : g_strdup ("—");
      int sign = 0;
      g_autofree char *change = change_words (stages, before, key, &sign);
      const char *cells[4] = { siyu_stage_get_label ((SiyuStage) s), now, then, change };
      guint32 colors[4] = { 0, 0, COLOR_MUTED, COLOR_MUTED };

      draw_row (pdf, 4, widths, cells, colors, FALSE, s % 2 == 1);
    }
  end_table (pdf);

  /* Translators: the title of the stage-to-stage flow chart. */
  need (pdf, 40 + flow_h + 8);
  pdf->y += draw_text (pdf, _("From the month before to this month"), MARGIN, pdf->y, 9, TRUE, CONTENT_WIDTH,
                       PANGO_ALIGN_LEFT, COLOR_TEXT) + 2;
  pdf->y += draw_text (pdf, _("Each band is the contacts who went from a stage at the end of the month before (left) "
                              "to a stage at the end of this month (right); contacts new this month are not in it."),
                       MARGIN, pdf->y, 7.5, FALSE, CONTENT_WIDTH, PANGO_ALIGN_LEFT, COLOR_MUTED) + 6;
  flow_chart (pdf, MARGIN, pdf->y, CONTENT_WIDTH, flow_h, transitions);
  pdf->y += flow_h + 10;

  /* The moves between different stages, largest first. */
  for (int a = 0; a < SIYU_N_STAGES; a++)
    for (int b = 0; b < SIYU_N_STAGES; b++)
      {
        gint64 count = int_of (object_of (transitions, siyu_stage_to_string ((SiyuStage) a)),
                               siyu_stage_to_string ((SiyuStage) b));

        if (a != b && count > 0)
          {
            moves[n_moves].from = a;
            moves[n_moves].to = b;
            moves[n_moves++].count = count;
          }
      }
  for (guint i = 1; i < n_moves; i++)
    for (guint j = i; j > 0 && moves[j].count > moves[j - 1].count; j--)
      {
        Move swap = moves[j];

        moves[j] = moves[j - 1];
        moves[j - 1] = swap;
      }
  if (n_moves > 0)
    {
      GString *text = g_string_new (_("The largest moves: "));

      for (guint i = 0; i < MIN (n_moves, 6); i++)
        {
          g_autofree char *count = siyu_count_format (moves[i].count);

          g_string_append_printf (text, "%s%s → %s %s", i > 0 ? "; " : "",
                                  siyu_stage_get_label ((SiyuStage) moves[i].from),
                                  siyu_stage_get_label ((SiyuStage) moves[i].to), count);
        }
      paragraph (pdf, text->str, 8.5, COLOR_TEXT);
      g_string_free (text, TRUE);
    }
}

static const char *
tier_label (JsonObject *tier)
{
  const char *zh = string_of (tier, "name_zh", NULL);

  return siyu_tier_display_name (string_of (tier, "name", ""), zh);
}

static void
tiers_section (Pdf        *pdf,
               JsonObject *review)
{
  static const double widths[4] = { 180, 105, 105, 105 };
  JsonArray *tiers = array_of (review, "tiers");
  JsonObject *moves = object_of (review, "tier_moves");
  JsonArray *close = array_of (moves, "close_to_next");
  const char *header[4] = { _("Tier"), _("From net spend"), _("Members"), _("Close to the next tier") };
  g_autofree char *up = siyu_count_format (int_of (moves, "up"));
  g_autofree char *down = siyu_count_format (int_of (moves, "down"));
  /* Translators: tier moves in the month; both %s are counts. */
  g_autofree char *summary = g_strdup_printf (_("This month %s members moved up a tier and %s moved down."), up, down);

  if (tiers == NULL || json_array_get_length (tiers) == 0)
    {
      section (pdf, _("Tiers"), 20);
      paragraph (pdf, _("The shop has no membership tiers."), 8.5, COLOR_MUTED);
      return;
    }
  section (pdf, _("Tiers"), 20 + 17 * MIN (json_array_get_length (tiers) + 1, 8));
  paragraph (pdf, summary, 8.5, COLOR_TEXT);
  begin_table (pdf, 4, widths, header);
  for (guint i = 0; i < json_array_get_length (tiers); i++)
    {
      JsonObject *tier = json_array_get_object_element (tiers, i);
      g_autofree char *threshold = siyu_money_format (int_of (tier, "threshold"), pdf->currency);
      g_autofree char *members = siyu_count_format (int_of (tier, "members"));
      g_autofree char *near = close != NULL && i < json_array_get_length (close) && i + 1 < json_array_get_length (tiers)
                              ? siyu_count_format (json_array_get_int_element (close, i)) : g_strdup ("—");
      const char *cells[4] = { tier_label (tier), threshold, members, near };

      draw_row (pdf, 4, widths, cells, NULL, FALSE, i % 2 == 1);
    }
  end_table (pdf);
}

static void
rfm_section (Pdf        *pdf,
             JsonObject *review)
{
  JsonObject *rfm = object_of (review, "rfm");
  JsonObject *segments = object_of (rfm, "segments");
  JsonObject *pyramid = object_of (review, "pyramid");
  JsonObject *levels = object_of (pyramid, "levels");
  const char *rfm_labels[SIYU_N_RFM_SEGMENTS];
  gint64 rfm_values[SIYU_N_RFM_SEGMENTS];
  const char *pyramid_labels[SIYU_N_PYRAMID_LEVELS];
  gint64 pyramid_values[SIYU_N_PYRAMID_LEVELS];
  guint32 pyramid_colors[SIYU_N_PYRAMID_LEVELS] = { 0x1a5fb4, 0x3584e4, 0x99c1f1, 0 };
  guint n_rfm = 0, n_pyramid = 0;
  double half = (CONTENT_WIDTH - 20) / 2, height;
  g_autofree char *scored = siyu_count_format (int_of (rfm, "scored"));
  /* Translators: %s is a count of buyers. */
  g_autofree char *scored_text = g_strdup_printf (_("RFM segments of the %s buyers of the last 365 days"), scored);
  g_autofree char *pareto = NULL;

  for (int s = 1; s < SIYU_N_RFM_SEGMENTS; s++)
    {
      rfm_labels[n_rfm] = siyu_rfm_segment_get_label ((SiyuRfmSegment) s);
      rfm_values[n_rfm++] = int_of (segments, siyu_rfm_segment_to_string ((SiyuRfmSegment) s));
    }
  for (int l = 1; l < SIYU_N_PYRAMID_LEVELS; l++)
    {
      pyramid_labels[n_pyramid] = siyu_pyramid_level_get_label ((SiyuPyramidLevel) l);
      pyramid_values[n_pyramid++] = int_of (levels, siyu_pyramid_level_to_string ((SiyuPyramidLevel) l));
    }

  height = 26 + n_rfm * 14;
  section (pdf, _("RFM and pyramid"), height);
  draw_text (pdf, scored_text, MARGIN, pdf->y, 9, TRUE, half, PANGO_ALIGN_LEFT, COLOR_TEXT);
  draw_text (pdf, _("Pyramid of participation"), MARGIN + half + 20, pdf->y, 9, TRUE, half, PANGO_ALIGN_LEFT,
             COLOR_TEXT);
  bar_chart (pdf, MARGIN, pdf->y + 26, half, rfm_labels, rfm_values, NULL, n_rfm);
  bar_chart (pdf, MARGIN + half + 20, pdf->y + 26, half, pyramid_labels, pyramid_values, pyramid_colors, n_pyramid);
  if (has_value (member_of (pyramid, "pareto_share")))
    {
      g_autofree char *share = siyu_percent_format (double_of (pyramid, "pareto_share"));

      /* Translators: %s is a percentage, such as 73 %. */
      pareto = g_strdup_printf (_("The top 20 %% of buyers bring %s of net sales."), share);
      draw_text (pdf, pareto, MARGIN + half + 20, pdf->y + 26 + n_pyramid * 14 + 8, 8, FALSE, half,
                 PANGO_ALIGN_LEFT, COLOR_MUTED);
    }
  pdf->y += height + 6;
}

static void
aipl_section (Pdf        *pdf,
              JsonObject *review)
{
  static const double widths[4] = { 180, 105, 105, 105 };
  static const Figure fast_figures[] = {
    /* Translators: FAST (Alibaba): F is the size of the pool of consumers. */
    { "fertility", N_("Fertility: consumers reached") },
    /* Translators: FAST: A is the share moving deeper in the funnel. */
    { "advancing", N_("Advancing: share moving deeper") },
    /* Translators: FAST: S is the number of loyal customers. */
    { "superiority", N_("Superiority: loyal customers") },
    /* Translators: FAST: T is the share of buyers who are loyal. */
    { "thriving", N_("Thriving: loyal share of buyers") },
  };
  JsonObject *fast = object_of (review, "fast");
  JsonObject *before = object_of (review, "fast_month_before");
  const char *header[4] = { _("FAST"), _("This month"), _("The month before"), _("Change") };
  double height;

  section (pdf, _("AIPL funnel and FAST"), 4 * 24 + 10);
  height = funnel_chart (pdf, MARGIN, pdf->y, CONTENT_WIDTH, object_of (fast, "aipl"), object_of (before, "aipl"));
  pdf->y += height + 10;
  begin_table (pdf, 4, widths, header);
  for (guint i = 0; i < G_N_ELEMENTS (fast_figures); i++)
    {
      g_autofree char *now = figure_text (pdf, fast, fast_figures[i].name);
      g_autofree char *then = figure_text (pdf, before, fast_figures[i].name);
      int sign = 0;
      g_autofree char *change = change_words (fast, before, fast_figures[i].name, &sign);
      const char *cells[4] = { _(fast_figures[i].title), now, then, change };
      guint32 colors[4] = { 0, 0, COLOR_MUTED, sign_color (sign) };

      draw_row (pdf, 4, widths, cells, colors, FALSE, i % 2 == 1);
    }
  end_table (pdf);
}

static void
groups_section (Pdf        *pdf,
                JsonObject *review)
{
  static const double widths[5] = { 175, 80, 80, 80, 80 };
  JsonArray *groups = array_of (review, "groups");
  const char *header[5] = { _("Group"), _("Members"), _("Joined"), _("Left"), _("Members who bought") };

  if (groups == NULL || json_array_get_length (groups) == 0)
    {
      section (pdf, _("Community groups"), 20);
      paragraph (pdf, _("The shop has no community groups yet."), 8.5, COLOR_MUTED);
      return;
    }
  section (pdf, _("Community groups"), 17 * MIN (json_array_get_length (groups) + 1, 8));
  begin_table (pdf, 5, widths, header);
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);
      g_autofree char *members = siyu_count_format (int_of (group, "members"));
      g_autofree char *joined = siyu_count_format (int_of (group, "joined"));
      g_autofree char *left = siyu_count_format (int_of (group, "left"));
      g_autofree char *buyers = siyu_count_format (int_of (group, "buyers"));
      const char *cells[5] = { string_of (group, "name", ""), members, joined, left, buyers };
      guint32 colors[5] = { 0, 0, COLOR_UP, int_of (group, "left") > 0 ? COLOR_DOWN : 0, 0 };

      draw_row (pdf, 5, widths, cells, colors, FALSE, i % 2 == 1);
    }
  end_table (pdf);
}

static void
touches_section (Pdf        *pdf,
                 JsonObject *review)
{
  static const double widths[4] = { 130, 60, 60, 245 };
  JsonArray *touches = array_of (review, "touches");
  const char *header[4] = { _("Touch"), _("Reached"), _("Held out"), _("Result") };

  if (touches == NULL || json_array_get_length (touches) == 0)
    {
      section (pdf, _("Touches"), 20);
      paragraph (pdf, _("No touches were sent this month."), 8.5, COLOR_MUTED);
      return;
    }
  section (pdf, _("Touches"), 40);
  begin_table (pdf, 4, widths, header);
  for (guint i = 0; i < json_array_get_length (touches); i++)
    {
      JsonObject *touch = json_array_get_object_element (touches, i);
      g_autofree char *members = siyu_count_format (int_of (touch, "members"));
      g_autofree char *holdout = siyu_count_format (int_of (touch, "holdout"));
      const char *cells[4] = { string_of (touch, "name", ""), members, holdout,
                               string_of (object_of (touch, "uplift"), "message", "") };

      draw_row (pdf, 4, widths, cells, NULL, FALSE, i % 2 == 1);
    }
  end_table (pdf);
}

static void
cohorts_section (Pdf        *pdf,
                 JsonObject *review)
{
  JsonArray *cohorts = array_of (review, "cohorts");
  guint length = cohorts != NULL ? json_array_get_length (cohorts) : 0;
  guint n = MIN (length, COHORT_ROWS);

  if (n == 0)
    {
      section (pdf, _("Cohort retention"), 20);
      paragraph (pdf, _("No one has bought yet, so there are no cohorts."), 8.5, COLOR_MUTED);
      return;
    }
  section (pdf, _("Cohort retention"), 30 + (n + 1) * 15);
  paragraph (pdf, _("Each row is the month of a first order; each cell the percentage of those buyers who ordered "
                    "again that many months later."), 8, COLOR_MUTED);
  cohort_map (pdf, MARGIN, pdf->y, cohorts, length - n, n);
  pdf->y += (n + 1) * 15 + 8;
}

static void
cards_section (Pdf        *pdf,
               JsonObject *review)
{
  JsonArray *cards = array_of (review, "cards");
  guint n = cards != NULL ? json_array_get_length (cards) : 0;

  section (pdf, _("What to do next"), 40);
  if (n == 0)
    {
      paragraph (pdf, _("Nothing calls for action this month."), 8.5, COLOR_MUTED);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *card = json_array_get_object_element (cards, i);
      const char *segment = string_of (card, "segment", NULL);
      /* A built-in segment is named in English in the review, and in
       * the owner's language here. */
      const char *shown = segment != NULL ? g_dgettext (GETTEXT_PACKAGE, segment) : NULL;
      /* Translators: under an action card: the segment to export, e.g. “Segment: About to sleep”. */
      g_autofree char *segment_text = shown != NULL ? g_strdup_printf (_("Segment: %s"), shown) : NULL;
      g_autoptr(PangoLayout) text = make_layout (pdf, string_of (card, "text", ""), 9, FALSE, CONTENT_WIDTH - 24,
                                                 PANGO_ALIGN_LEFT);
      g_autoptr(PangoLayout) note = segment_text != NULL
                                    ? make_layout (pdf, segment_text, 7.5, FALSE, CONTENT_WIDTH - 24, PANGO_ALIGN_LEFT)
                                    : NULL;
      double height = 12 + layout_height (text) + (note != NULL ? layout_height (note) + 3 : 0);

      need (pdf, height);
      set_color (pdf->cr, 0xf6f5f4);
      cairo_rectangle (pdf->cr, MARGIN, pdf->y, CONTENT_WIDTH, height);
      cairo_fill (pdf->cr);
      set_color (pdf->cr, COLOR_ACCENT);
      cairo_rectangle (pdf->cr, MARGIN, pdf->y, 4, height);
      cairo_fill (pdf->cr);
      show_layout (pdf, text, MARGIN + 14, pdf->y + 6, COLOR_TEXT);
      if (note != NULL)
        show_layout (pdf, note, MARGIN + 14, pdf->y + 6 + layout_height (text) + 3, COLOR_MUTED);
      pdf->y += height + 6;
    }
}

static void
maturity_section (Pdf        *pdf,
                  JsonObject *review)
{
  static const char *levels[] = {
    N_("Orders"), N_("Buyers known by phone"), N_("Members or groups"), N_("Interactions recorded"),
    N_("Touches measured"),
  };
  JsonObject *maturity = object_of (review, "maturity");
  gint64 level = int_of (maturity, "level");
  const double box_h = 36, gap = 4, box_w = (CONTENT_WIDTH - 4 * gap) / 5;
  /* Translators: the shop's level of data operations, such as “The shop is at level L3.” */
  g_autofree char *text = g_strdup_printf (_("The shop is at level L%lld."), (long long) level);

  section (pdf, _("Data operations"), 20 + box_h + 30);
  pdf->y += draw_text (pdf, text, MARGIN, pdf->y, 9.5, TRUE, CONTENT_WIDTH, PANGO_ALIGN_LEFT, COLOR_TEXT) + 6;
  for (int i = 0; i < 5; i++)
    {
      double x = MARGIN + i * (box_w + gap);
      gboolean reached = i < level;
      g_autofree char *name = g_strdup_printf ("L%d", i + 1);

      set_color (pdf->cr, reached ? COLOR_ACCENT : 0xdeddda);
      cairo_rectangle (pdf->cr, x, pdf->y, box_w, box_h);
      cairo_fill (pdf->cr);
      draw_text (pdf, name, x + 6, pdf->y + 3, 9, TRUE, box_w - 12, PANGO_ALIGN_LEFT,
                 reached ? 0xffffff : COLOR_MUTED);
      draw_text (pdf, _(levels[i]), x + 6, pdf->y + 16, 7, FALSE, box_w - 12, PANGO_ALIGN_LEFT,
                 reached ? 0xffffff : COLOR_MUTED);
    }
  pdf->y += box_h + 8;
  paragraph (pdf, string_of (maturity, "next_step", ""), 9, COLOR_TEXT);
}

static cairo_status_t
sink_write (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  Sink *sink = closure;

  while (length > 0 && sink->error == 0)
    {
      ssize_t written = write (siyu_output_file_get_fd (sink->out), data, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          sink->error = errno;
          break;
        }
      data += written;
      length -= (unsigned int) written;
    }
  return sink->error == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static gboolean
cancelled (GCancellable  *cancellable,
           GError       **error)
{
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Draws the review on @pdf, page after page; FALSE when cancelled. */
static gboolean
draw_review (Pdf           *pdf,
             JsonObject    *review,
             GCancellable  *cancellable,
             GError       **error)
{
  typedef void (*SectionFunc) (Pdf *pdf, JsonObject *review);
  static const SectionFunc sections[] = {
    figures_sections, cards_section, trend_section, lifecycle_section, tiers_section, rfm_section,
    aipl_section, groups_section, touches_section, cohorts_section, maturity_section,
  };

  title_block (pdf, review);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      if (cancelled (cancellable, error))
        return FALSE;
      sections[i] (pdf, review);
    }
  draw_footer (pdf);
  cairo_show_page (pdf->cr);

  return !cancelled (cancellable, error);
}

/**
 * siyu_review_write_pdf:
 * @review: a review from siyu_review_compute()
 * @path: where to write the PDF
 *
 * Writes @review as an A4 PDF at @path: the whole file or nothing (it is
 * written beside @path under a temporary name and renamed at the end).
 *
 * Returns: %TRUE on success; %FALSE with @error naming @path otherwise, or
 * with %G_IO_ERROR_CANCELLED.
 */
gboolean
siyu_review_write_pdf (JsonNode      *review,
                       const char    *path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(SiyuOutputFile) out = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *created = NULL;
  cairo_font_options_t *options;
  JsonObject *object;
  Sink sink = { NULL, 0 };
  Pdf pdf = { 0, };
  cairo_status_t status;
  gboolean drawn;

  g_return_val_if_fail (review != NULL && JSON_NODE_HOLDS_OBJECT (review), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cancelled (cancellable, error))
    return FALSE;
  object = json_node_get_object (review);

  out = siyu_output_file_open (path, error);
  if (out == NULL)
    return FALSE;
  sink.out = out;

  pdf.surface = cairo_pdf_surface_create_for_stream (sink_write, &sink, PAGE_WIDTH, PAGE_HEIGHT);
  /* Translators: the PDF's title in its metadata; %s is a month. */
  title = g_strdup_printf (_("Private-domain health review: %s"), string_of (object, "review", ""));
  now = g_date_time_new_now_local ();
  created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
  cairo_pdf_surface_set_metadata (pdf.surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (pdf.surface, CAIRO_PDF_METADATA_CREATOR, "Siyu");
  cairo_pdf_surface_set_metadata (pdf.surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
  if (*string_of (object, "shop", "") != '\0')
    cairo_pdf_surface_set_metadata (pdf.surface, CAIRO_PDF_METADATA_SUBJECT, string_of (object, "shop", ""));
  pdf.cr = cairo_create (pdf.surface);
  pdf.font_map = pango_cairo_font_map_new ();
  pdf.context = pango_font_map_create_context (pdf.font_map);
  pango_cairo_context_set_resolution (pdf.context, 72);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pdf.context, options);
  cairo_font_options_destroy (options);
  pango_cairo_update_context (pdf.cr, pdf.context);
  pdf.page = 1;
  pdf.y = TOP;
  pdf.currency = string_of (object, "currency", "CNY");
  pdf.footer = *string_of (object, "shop", "") != '\0'
               ? g_strdup_printf ("%s · %s", string_of (object, "shop", ""), title)
               : g_strdup (title);

  drawn = draw_review (&pdf, object, cancellable, &local);

  cairo_destroy (pdf.cr);
  cairo_surface_finish (pdf.surface);
  status = cairo_surface_status (pdf.surface);
  cairo_surface_destroy (pdf.surface);
  g_object_unref (pdf.context);
  g_object_unref (pdf.font_map);
  g_free (pdf.footer);

  /* Freeing @out removes the temporary file of a PDF not committed. */
  if (!drawn)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (sink.error != 0)
    {
      siyu_output_file_set_error (out, sink.error, error);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: the first %s is a file name, the second why it cannot be written. */
                   _("Cannot write “%s”: %s"), display, cairo_status_to_string (status));
      return FALSE;
    }

  return siyu_output_file_commit (out, error);
}
