/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_REVIEW_PAGE (siyu_review_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuReviewPage, siyu_review_page, SIYU, REVIEW_PAGE, GtkWidget)

SiyuReviewPage *siyu_review_page_new        (SiyuShopRunner *runner);
void            siyu_review_page_reload     (SiyuReviewPage *self);
void            siyu_review_page_show_month (SiyuReviewPage *self,
                                             int             year,
                                             int             month);

G_END_DECLS
