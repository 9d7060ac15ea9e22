/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-segment-editor.h"

G_BEGIN_DECLS

/* For the tests.  Conditions are numbered in the order shown, groups'
 * conditions included; a group counts as one item of its own. */
gboolean    _siyu_segment_editor_is_busy       (SiyuSegmentEditor *self);
void        _siyu_segment_editor_set_name      (SiyuSegmentEditor *self,
                                                const char        *name);
void        _siyu_segment_editor_set_match     (SiyuSegmentEditor *self,
                                                const char        *match);
guint       _siyu_segment_editor_add_condition (SiyuSegmentEditor *self);
guint       _siyu_segment_editor_add_group     (SiyuSegmentEditor *self);
void        _siyu_segment_editor_set_condition (SiyuSegmentEditor *self,
                                                guint              index,
                                                const char        *field,
                                                const char        *op,
                                                const char        *value);
void        _siyu_segment_editor_remove        (SiyuSegmentEditor *self,
                                                guint              index);
char       *_siyu_segment_editor_dup_definition (SiyuSegmentEditor *self);
const char *_siyu_segment_editor_get_count_text (SiyuSegmentEditor *self);
const char *_siyu_segment_editor_get_fixed_text (SiyuSegmentEditor *self,
                                                guint              index);
const char *_siyu_segment_editor_get_error     (SiyuSegmentEditor *self);
gboolean    _siyu_segment_editor_can_save      (SiyuSegmentEditor *self);

G_END_DECLS
