/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-chart.h"

G_BEGIN_DECLS

/* Used by the key and click handlers, and by the tests. */
gboolean _siyu_chart_move_focus       (SiyuChart       *self,
                                       int              drow,
                                       int              dcol);
gboolean _siyu_chart_activate_focused (SiyuChart       *self);
gboolean _siyu_chart_click            (SiyuChart       *self,
                                       double           x,
                                       double           y);
gboolean _siyu_chart_get_focus        (SiyuChart       *self,
                                       guint           *row,
                                       guint           *col);
gboolean _siyu_chart_get_item_rect    (SiyuChart       *self,
                                       guint            row,
                                       guint            col,
                                       graphene_rect_t *rect);
char    *_siyu_chart_get_tooltip_text (SiyuChart       *self,
                                       guint            row,
                                       guint            col);

G_END_DECLS
