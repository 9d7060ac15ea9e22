/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_OVERVIEW_PAGE (siyu_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuOverviewPage, siyu_overview_page, SIYU, OVERVIEW_PAGE, GtkWidget)

SiyuOverviewPage *siyu_overview_page_new    (SiyuShopRunner   *runner);
void              siyu_overview_page_reload (SiyuOverviewPage *self);

G_END_DECLS
