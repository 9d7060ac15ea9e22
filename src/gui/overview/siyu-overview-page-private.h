/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-overview-page.h"
#include "siyu-shop-picture.h"

G_BEGIN_DECLS

typedef enum {
  SIYU_FIGURE_CONTACTS,
  SIYU_FIGURE_MEMBERS,
  SIYU_FIGURE_BUYERS,
  SIYU_FIGURE_NET_SALES,
  SIYU_N_FIGURES
} SiyuFigure;

/* "loading", "empty", "error" or "figures". */
const char *_siyu_overview_page_get_state     (SiyuOverviewPage *self);
const char *_siyu_overview_page_get_as_of     (SiyuOverviewPage *self);
const char *_siyu_overview_page_get_value     (SiyuOverviewPage *self,
                                               SiyuFigure        figure);
const char *_siyu_overview_page_get_change    (SiyuOverviewPage *self,
                                               SiyuFigure        figure);
const char *_siyu_overview_page_get_before    (SiyuOverviewPage *self,
                                               SiyuFigure        figure);
GtkWidget  *_siyu_overview_page_get_value_label (SiyuOverviewPage *self,
                                                 SiyuFigure        figure);
SiyuShopPicture *_siyu_overview_page_get_picture      (SiyuOverviewPage *self);
const char      *_siyu_overview_page_get_counted_text (SiyuOverviewPage *self);
gboolean         _siyu_overview_page_is_counting      (SiyuOverviewPage *self);
gboolean         _siyu_overview_page_shows_stale      (SiyuOverviewPage *self);
GtkWidget       *_siyu_overview_page_get_stale_button (SiyuOverviewPage *self);

G_END_DECLS
