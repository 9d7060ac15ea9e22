/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_GROUPS_PAGE (siyu_groups_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuGroupsPage, siyu_groups_page, SIYU, GROUPS_PAGE, GtkWidget)

SiyuGroupsPage *siyu_groups_page_new    (SiyuShopRunner *runner);
void            siyu_groups_page_reload (SiyuGroupsPage *self);
void            siyu_groups_page_open   (SiyuGroupsPage *self,
                                         gint64          group_id);

G_END_DECLS
