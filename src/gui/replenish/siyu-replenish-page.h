/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_REPLENISH_PAGE (siyu_replenish_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuReplenishPage, siyu_replenish_page, SIYU, REPLENISH_PAGE, GtkWidget)

SiyuReplenishPage *siyu_replenish_page_new    (SiyuShopRunner    *runner);
void               siyu_replenish_page_reload (SiyuReplenishPage *self);

G_END_DECLS
