/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean    siyu_currency_is_known  (const char *code);
int         siyu_currency_digits    (const char *code);
const char *siyu_currency_symbol    (const char *code);
const char * const *siyu_currency_list (void);
char       *siyu_money_format       (gint64      amount,
                                     const char *currency);
char       *siyu_count_format       (gint64      n);
char       *siyu_percent_format     (double      share);

G_END_DECLS
