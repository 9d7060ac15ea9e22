/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib parses recursively: a document nested deeply enough overflows
 * the stack.  Nothing Siyu reads (a page of a shop platform, a segment, a
 * model) comes near this depth. */
#define SIYU_JSON_MAX_DEPTH 64

#define SIYU_JSON_ERROR (siyu_json_error_quark ())

typedef enum {
  SIYU_JSON_ERROR_INVALID,
  SIYU_JSON_ERROR_TOO_DEEP,
  SIYU_JSON_ERROR_READ,
} SiyuJsonError;

GQuark    siyu_json_error_quark (void);
guint     siyu_json_depth       (const char  *data,
                                 gsize        length);
JsonNode *siyu_json_parse       (const char  *data,
                                 gssize       length,
                                 const char  *what,
                                 GError     **error);
JsonNode *siyu_json_parse_file  (const char  *path,
                                 GError     **error);
char     *siyu_json_to_string   (JsonNode    *node,
                                 gboolean     pretty);

G_END_DECLS
