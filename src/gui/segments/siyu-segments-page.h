/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_SEGMENTS_PAGE (siyu_segments_page_get_type ())
G_DECLARE_FINAL_TYPE (SiyuSegmentsPage, siyu_segments_page, SIYU, SEGMENTS_PAGE, GtkWidget)

SiyuSegmentsPage *siyu_segments_page_new    (SiyuShopRunner   *runner);
void              siyu_segments_page_reload (SiyuSegmentsPage *self);
void              siyu_segments_page_open   (SiyuSegmentsPage *self,
                                             gint64            segment_id);
void              siyu_segments_page_open_definition (SiyuSegmentsPage *self,
                                                      const char       *name,
                                                      JsonNode         *definition);

G_END_DECLS
