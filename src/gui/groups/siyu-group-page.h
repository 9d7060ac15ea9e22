/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_GROUP_PAGE (siyu_group_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuGroupPage, siyu_group_page, SIYU, GROUP_PAGE, GtkWidget)

SiyuGroupPage *siyu_group_page_new          (SiyuShopRunner *runner,
                                             gint64          group_id);
gint64         siyu_group_page_get_group_id (SiyuGroupPage  *self);
void           siyu_group_page_reload       (SiyuGroupPage  *self);

G_END_DECLS
