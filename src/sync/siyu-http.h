/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

SoupSession *siyu_http_session_new      (void);
char        *siyu_http_next_link        (const char *link_header);
gint64       siyu_http_retry_after_ms   (const char *value,
                                         GDateTime  *now);
guint        siyu_http_backoff_ms       (guint       attempt,
                                         guint       base_ms,
                                         guint       cap_ms,
                                         GRand      *rand);

G_END_DECLS
