/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-export.h"
#include "siyu-replenish.h"
#include "siyu-replenish-page.h"

G_BEGIN_DECLS

/* For the tests. */
const char *_siyu_replenish_page_get_state        (SiyuReplenishPage *self);
const char *_siyu_replenish_page_get_count_text   (SiyuReplenishPage *self);
void        _siyu_replenish_page_set_span         (SiyuReplenishPage *self,
                                                   SiyuDueSpan        span);
guint       _siyu_replenish_page_get_n_rows       (SiyuReplenishPage *self);
char       *_siyu_replenish_page_get_cell         (SiyuReplenishPage *self,
                                                   guint              position,
                                                   guint              column);
void        _siyu_replenish_page_export           (SiyuReplenishPage *self,
                                                   SiyuExportFormat   format,
                                                   const char        *path);
gboolean    _siyu_replenish_page_is_exporting     (SiyuReplenishPage *self);
const char *_siyu_replenish_page_get_message      (SiyuReplenishPage *self);

G_END_DECLS
