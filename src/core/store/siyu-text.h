/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much of a value from outside an error message quotes. */
#define SIYU_TEXT_QUOTE_CHARS 80

char     *siyu_text_clip            (const char *text,
                                     gsize       max_chars);
char     *siyu_text_clip_quotes     (const char *message,
                                     gsize       max_chars);
gboolean  siyu_text_is_blank        (const char *text);
gboolean  siyu_text_has_controls    (const char *text);
char     *siyu_text_strip_controls  (const char *text);
gboolean  siyu_text_is_plain_number (const char *text);
gboolean  siyu_csv_cell_needs_guard (const char *text);
void      siyu_csv_append_cell      (GString    *line,
                                     const char *text);

G_END_DECLS
