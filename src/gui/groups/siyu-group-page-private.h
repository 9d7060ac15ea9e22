/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-group-page.h"

G_BEGIN_DECLS

/* For the tests, which drive the page as a click would. */
gboolean    _siyu_group_page_is_busy        (SiyuGroupPage *self);
const char *_siyu_group_page_get_title      (SiyuGroupPage *self);
char       *_siyu_group_page_get_figures    (SiyuGroupPage *self);
const char *_siyu_group_page_get_count_text (SiyuGroupPage *self);
gboolean    _siyu_group_page_is_archived    (SiyuGroupPage *self);
void        _siyu_group_page_rename         (SiyuGroupPage *self,
                                             const char    *name);
void        _siyu_group_page_toggle_archive (SiyuGroupPage *self);
gboolean    _siyu_group_page_undo           (SiyuGroupPage *self);
AdwMessageDialog *_siyu_group_page_ask_add_members (SiyuGroupPage *self,
                                             const char    *text);
const char *_siyu_group_page_get_report     (SiyuGroupPage *self);
char       *_siyu_group_page_get_cell       (SiyuGroupPage *self,
                                             guint          position,
                                             guint          column);
void        _siyu_group_page_set_role       (SiyuGroupPage *self,
                                             guint          position,
                                             guint          role);
void        _siyu_group_page_record_leave   (SiyuGroupPage *self,
                                             guint          position);

G_END_DECLS
