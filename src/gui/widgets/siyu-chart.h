/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  SIYU_CHART_BARS,
  SIYU_CHART_FUNNEL,
  SIYU_CHART_GRID,
  SIYU_CHART_LINE,
  SIYU_CHART_FLOW,
} SiyuChartKind;

/* The most stages a flow chart has on each side. */
#define SIYU_CHART_FLOW_MAX 8

#define SIYU_TYPE_CHART (siyu_chart_get_type ())
G_DECLARE_FINAL_TYPE (SiyuChart, siyu_chart, SIYU, CHART, GtkWidget)

SiyuChart *siyu_chart_new             (SiyuChartKind       kind);
void       siyu_chart_set_categories  (SiyuChart          *self,
                                       guint               n,
                                       const char * const *labels,
                                       const double       *values,
                                       const double       *before,
                                       const char * const *notes,
                                       const char * const *value_texts);
void       siyu_chart_set_grid        (SiyuChart          *self,
                                       guint               n_rows,
                                       guint               n_cols,
                                       const char * const *row_labels,
                                       const char * const *col_labels,
                                       const double       *values,
                                       const char * const *cell_texts,
                                       double              max);
void       siyu_chart_set_series      (SiyuChart          *self,
                                       guint               n_series,
                                       guint               n_points,
                                       const char * const *series_labels,
                                       const char * const *point_labels,
                                       const double       *values,
                                       const char * const *value_texts);
void       siyu_chart_set_flow        (SiyuChart          *self,
                                       guint               n,
                                       const char * const *labels,
                                       const double       *counts);
void       siyu_chart_set_axis_titles (SiyuChart          *self,
                                       const char         *rows,
                                       const char         *cols);
guint      siyu_chart_get_n_items     (SiyuChart          *self);
char      *siyu_chart_describe        (SiyuChart          *self);
gboolean   siyu_chart_item_at         (SiyuChart          *self,
                                       double              x,
                                       double              y,
                                       guint              *row,
                                       guint              *col);

G_END_DECLS
