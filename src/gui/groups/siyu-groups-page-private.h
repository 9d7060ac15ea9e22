/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-group-page.h"
#include "siyu-groups-page.h"

G_BEGIN_DECLS

/* For the tests. */
const char       *_siyu_groups_page_get_state            (SiyuGroupsPage *self);
char             *_siyu_groups_page_describe             (SiyuGroupsPage *self);
void              _siyu_groups_page_open_row             (SiyuGroupsPage *self,
                                                          guint           index);
SiyuGroupPage    *_siyu_groups_page_get_group_page       (SiyuGroupsPage *self);
AdwMessageDialog *_siyu_groups_page_ask_new_group        (SiyuGroupsPage *self);
void              _siyu_groups_page_fill_new_group       (SiyuGroupsPage *self,
                                                          const char     *name,
                                                          guint           kind);
const char       *_siyu_groups_page_get_new_group_problem (SiyuGroupsPage *self);

G_END_DECLS
