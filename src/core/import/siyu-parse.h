/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Why a cell could not be read.  The parsers know neither the file, the
 * row nor the column, so they return a reason and leave the words to the
 * caller that does. */
typedef enum {
  SIYU_PARSE_OK,
  SIYU_PARSE_EMPTY,
  SIYU_PARSE_BAD_CHARACTER,
  SIYU_PARSE_TOO_MANY_DECIMALS,
  SIYU_PARSE_OUT_OF_RANGE,
  SIYU_PARSE_BAD_FORMAT,
  SIYU_PARSE_IMPOSSIBLE_DATE,
} SiyuParseResult;

/* The largest amount, in minor units, that an import accepts. */
#define SIYU_PARSE_AMOUNT_MAX G_GINT64_CONSTANT (1000000000000)

SiyuParseResult siyu_parse_amount       (const char *text,
                                         int         digits,
                                         gint64     *minor);
SiyuParseResult siyu_parse_time         (const char *text,
                                         GTimeZone  *tz,
                                         gint64     *utc);
SiyuParseResult siyu_parse_excel_serial (const char *text,
                                         GTimeZone  *tz,
                                         gint64     *utc);

G_END_DECLS
