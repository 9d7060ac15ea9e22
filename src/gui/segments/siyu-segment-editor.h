/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_SEGMENT_EDITOR (siyu_segment_editor_get_type ())
G_DECLARE_FINAL_TYPE (SiyuSegmentEditor, siyu_segment_editor, SIYU, SEGMENT_EDITOR, AdwWindow)

SiyuSegmentEditor *siyu_segment_editor_new (GtkWindow      *parent,
                                            SiyuShopRunner *runner,
                                            gint64          segment_id,
                                            const char     *name,
                                            JsonNode       *definition);

G_END_DECLS
