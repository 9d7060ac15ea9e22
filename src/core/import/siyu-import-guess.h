/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How sure a guess is, from 0 to 1. */
#define SIYU_GUESS_SURE     0.9   /* the header is one of the field's words */
#define SIYU_GUESS_LIKELY   0.6   /* it holds one, or the values look right */
#define SIYU_GUESS_MINIMUM  0.5   /* less is no guess at all */

typedef struct {
  int    column;      /* counted from 0; -1 when no column */
  double confidence;
} SiyuGuess;

void siyu_import_guess (const char * const *fields,
                        guint               n_fields,
                        const char * const *headers,
                        guint               n_headers,
                        GPtrArray          *rows,
                        SiyuGuess          *guesses);

double siyu_import_guess_header (const char *field,
                                 const char *header);

G_END_DECLS
