/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-backups-page.h"

G_BEGIN_DECLS

/* For the tests, which drive the page as a click would. */
gboolean    _siyu_backups_page_is_busy          (SiyuBackupsPage *self);
guint       _siyu_backups_page_get_n_backups    (SiyuBackupsPage *self);
const char *_siyu_backups_page_get_row_title    (SiyuBackupsPage *self,
                                                 guint            index);
const char *_siyu_backups_page_get_row_subtitle (SiyuBackupsPage *self,
                                                 guint            index);
void        _siyu_backups_page_back_up_now      (SiyuBackupsPage *self);
void        _siyu_backups_page_ask_restore      (SiyuBackupsPage *self,
                                                 guint            index);
void        _siyu_backups_page_set_retention    (SiyuBackupsPage *self,
                                                 guint            keep_last,
                                                 guint            keep_days,
                                                 guint            keep_months);
gboolean    _siyu_backups_page_can_change       (SiyuBackupsPage *self);
const char *_siyu_backups_page_get_description  (SiyuBackupsPage *self);
const char *_siyu_backups_page_get_state        (SiyuBackupsPage *self);
const char *_siyu_backups_page_get_message      (SiyuBackupsPage *self);

G_END_DECLS
