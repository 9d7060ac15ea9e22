/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-consent-dialog.h"
#include "siyu-export-dialog.h"
#include "siyu-segment-editor.h"
#include "siyu-segments-page.h"

G_BEGIN_DECLS

/* For the tests. */
const char        *_siyu_segments_page_get_state       (SiyuSegmentsPage *self);
char              *_siyu_segments_page_describe        (SiyuSegmentsPage *self);
char              *_siyu_segments_page_describe_detail (SiyuSegmentsPage *self);
void               _siyu_segments_page_open_touch      (SiyuSegmentsPage *self,
                                                        gint64            touch_id);
SiyuSegmentEditor *_siyu_segments_page_get_editor      (SiyuSegmentsPage *self);
SiyuExportDialog  *_siyu_segments_page_get_export      (SiyuSegmentsPage *self);
void               _siyu_segments_page_undo_delete     (SiyuSegmentsPage *self);
SiyuConsentDialog *_siyu_segments_page_get_consent     (SiyuSegmentsPage *self);
void               _siyu_segments_page_make_members    (SiyuSegmentsPage *self,
                                                        gboolean          today);
const char        *_siyu_segments_page_get_members_summary (SiyuSegmentsPage *self);
void               _siyu_segments_page_undo_members    (SiyuSegmentsPage *self);

G_END_DECLS
