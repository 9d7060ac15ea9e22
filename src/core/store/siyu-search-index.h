/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "siyu-types.h"

G_BEGIN_DECLS

/* The contacts' search index is split in this many FTS5 tables,
 * contacts_fts_0 … contacts_fts_15, by contact id modulo the count
 * (migration 8, whose triggers use the same number). */
#define SIYU_SEARCH_SHARDS 16

gboolean  siyu_search_index_flush    (SiyuDb       *db,
                                      GError      **error);
gboolean  siyu_search_index_purge    (SiyuDb       *db,
                                      gint64        contact_id,
                                      GError      **error);
char     *siyu_search_index_rowids   (const char   *parameter);

G_END_DECLS
