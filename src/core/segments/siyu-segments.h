/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_SEGMENTS_ERROR (siyu_segments_error_quark ())

typedef enum {
  SIYU_SEGMENTS_ERROR_INVALID,
  SIYU_SEGMENTS_ERROR_NOT_FOUND,
  SIYU_SEGMENTS_ERROR_EXISTS,
  SIYU_SEGMENTS_ERROR_BUILTIN,
} SiyuSegmentsError;

/* Limits on a definition, beyond which it is refused. */
#define SIYU_SEGMENT_MAX_DEPTH      16
#define SIYU_SEGMENT_MAX_CONDITIONS 1000

/* A definition compiled for one shop on one day. */
typedef struct _SiyuSegmentQuery SiyuSegmentQuery;

GQuark            siyu_segments_error_quark (void);

SiyuSegmentQuery *siyu_segment_query_new    (SiyuShop          *shop,
                                             JsonNode          *definition,
                                             GError           **error);
void              siyu_segment_query_free   (SiyuSegmentQuery  *query);
const char       *siyu_segment_query_get_condition (SiyuSegmentQuery *query);
guint             siyu_segment_query_get_n_params  (SiyuSegmentQuery *query);
sqlite3_stmt     *siyu_segment_query_prepare (SiyuSegmentQuery *query,
                                             const char        *select_sql,
                                             const char        *tail_sql,
                                             GError           **error);
gboolean          siyu_segment_query_count  (SiyuSegmentQuery  *query,
                                             gint64            *total,
                                             gint64            *unreachable,
                                             GError           **error);
GArray           *siyu_segment_query_members (SiyuSegmentQuery *query,
                                             gboolean           reachable_only,
                                             GError           **error);

gboolean          siyu_segment_check        (JsonNode          *definition,
                                             GError           **error);
gboolean          siyu_segment_count        (SiyuShop          *shop,
                                             JsonNode          *definition,
                                             gint64            *total,
                                             gint64            *unreachable,
                                             GError           **error);
GArray           *siyu_segment_members      (SiyuShop          *shop,
                                             JsonNode          *definition,
                                             GError           **error);

JsonNode         *siyu_segments_list        (SiyuShop          *shop,
                                             GError           **error);
gint64            siyu_segment_lookup       (SiyuShop          *shop,
                                             const char        *name,
                                             GError           **error);
JsonNode         *siyu_segment_get          (SiyuShop          *shop,
                                             gint64             segment_id,
                                             GError           **error);
JsonNode         *siyu_segment_dup_definition (SiyuShop        *shop,
                                             gint64             segment_id,
                                             GError           **error);
gint64            siyu_segment_create       (SiyuShop          *shop,
                                             const char        *name,
                                             JsonNode          *definition,
                                             GError           **error);
gboolean          siyu_segment_rename       (SiyuShop          *shop,
                                             gint64             segment_id,
                                             const char        *name,
                                             GError           **error);
gboolean          siyu_segment_update       (SiyuShop          *shop,
                                             gint64             segment_id,
                                             JsonNode          *definition,
                                             GError           **error);
gint64            siyu_segment_duplicate    (SiyuShop          *shop,
                                             gint64             segment_id,
                                             const char        *name,
                                             GError           **error);
gboolean          siyu_segment_delete       (SiyuShop          *shop,
                                             gint64             segment_id,
                                             GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuSegmentQuery, siyu_segment_query_free)

const char *siyu_segment_get_title (const char *name);

G_END_DECLS
