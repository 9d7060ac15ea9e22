/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SIYU_TYPE_FIGURE_CARD (siyu_figure_card_get_type ())
G_DECLARE_FINAL_TYPE (SiyuFigureCard, siyu_figure_card, SIYU, FIGURE_CARD, GtkWidget)

GtkWidget  *siyu_figure_card_new           (const char     *title);
const char *siyu_figure_card_get_title     (SiyuFigureCard *self);
void        siyu_figure_card_set_title     (SiyuFigureCard *self,
                                            const char     *title);
void        siyu_figure_card_set_figure    (SiyuFigureCard *self,
                                            const char     *value,
                                            const char     *change,
                                            const char     *before);
const char *siyu_figure_card_get_value     (SiyuFigureCard *self);
const char *siyu_figure_card_get_change    (SiyuFigureCard *self);
const char *siyu_figure_card_get_before    (SiyuFigureCard *self);
GtkWidget  *siyu_figure_card_get_value_label (SiyuFigureCard *self);

G_END_DECLS
