/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-chart.h"
#include "siyu-review-page.h"

G_BEGIN_DECLS

/* For the tests. */
const char *_siyu_review_page_get_state       (SiyuReviewPage *self);
const char *_siyu_review_page_get_month       (SiyuReviewPage *self);
char       *_siyu_review_page_get_file_name   (SiyuReviewPage *self);
const char *_siyu_review_page_get_message     (SiyuReviewPage *self);
gboolean    _siyu_review_page_get_figure      (SiyuReviewPage *self,
                                               const char     *name,
                                               const char    **value,
                                               const char    **change,
                                               const char    **change_year,
                                               const char    **compared);
guint       _siyu_review_page_get_n_cards     (SiyuReviewPage *self);
const char *_siyu_review_page_get_card_text   (SiyuReviewPage *self,
                                               guint           index);
gboolean    _siyu_review_page_open_card       (SiyuReviewPage *self,
                                               guint           index);
guint       _siyu_review_page_get_n_months    (SiyuReviewPage *self);
GtkDropDown *_siyu_review_page_get_month_chooser (SiyuReviewPage *self);
SiyuChart  *_siyu_review_page_get_flow        (SiyuReviewPage *self);
GtkAdjustment *_siyu_review_page_get_scroll   (SiyuReviewPage *self);
void        _siyu_review_page_export          (SiyuReviewPage *self,
                                               const char     *path);
gboolean    _siyu_review_page_is_exporting    (SiyuReviewPage *self);

G_END_DECLS
