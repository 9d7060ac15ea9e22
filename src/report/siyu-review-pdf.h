/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean siyu_review_write_pdf (JsonNode *review, const char *path, GCancellable *cancellable, GError **error);

G_END_DECLS
