/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-parse"

#include "config.h"

#include <string.h>

#include "siyu-parse.h"
#include "siyu-time.h"

/* Amounts are read as text, digit by digit, so that "0.29" is 29 fen and
 * never 28.999… of a double.  A separator between digit groups is ',', '.'
 * or a space (also the no-break spaces Excel writes); which one is the
 * decimal mark is decided from the whole string, see decimal_mark(). */

#define SEP_NONE  0
#define SEP_SPACE ' '

static const char *const currency_symbols[] = {
  "\xef\xbf\xa5",               /* ￥ full-width yen/yuan sign */
  "\xc2\xa5",                   /* ¥ */
  "$", "\xe2\x82\xac", "\xc2\xa3",
};

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static gsize
space_length (const char *p)
{
  if (*p == ' ')
    return 1;
  if ((guchar) p[0] == 0xc2 && (guchar) p[1] == 0xa0)
    return 2;
  if ((guchar) p[0] == 0xe2 && (guchar) p[1] == 0x80 && (guchar) p[2] == 0xaf)
    return 3;
  return 0;
}

static const char *
skip_symbol (const char *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (currency_symbols); i++)
    if (g_str_has_prefix (p, currency_symbols[i]))
      return p + strlen (currency_symbols[i]);
  return p;
}

typedef struct {
  char sep;              /* separator before this run of digits */
  const char *digits;
  gsize n_digits;
} Run;

#define MAX_RUNS 8

/* The last separator is the decimal mark when it is the only one of its
 * kind and the string could not be read as whole units grouped by it:
 * "1,234.50" and "1 234,50" have one, "1,234" and "1 234" have none, and
 * "1.234" is read as 1.234 (and then refused in a 2-digit currency), which
 * is safer than guessing a thousand. */
static int
decimal_mark (const Run *runs,
              guint      n_runs)
{
  guint n_same = 0;
  gboolean other_kind = FALSE;
  char last;

  if (n_runs < 2)
    return -1;
  last = runs[n_runs - 1].sep;
  if (last == SEP_SPACE)
    return -1;
  for (guint i = 1; i < n_runs; i++)
    {
      if (runs[i].sep == last)
        n_same++;
      else
        other_kind = TRUE;
    }
  if (n_same != 1)
    return -1;
  if (last == '.' || other_kind || runs[n_runs - 1].n_digits != 3)
    return (int) n_runs - 1;
  return -1;
}

SiyuParseResult
siyu_parse_amount (const char *text,
                   int         digits,
                   gint64     *minor)
{
  Run runs[MAX_RUNS];
  guint n_runs = 0;
  gboolean negative = FALSE;
  const char *p;
  const char *end;
  int mark;
  guint n_int_runs;
  gint64 value = 0;
  char group_sep = SEP_NONE;

  g_return_val_if_fail (text != NULL, SIYU_PARSE_BAD_FORMAT);
  g_return_val_if_fail (digits >= 0 && digits <= 3, SIYU_PARSE_BAD_FORMAT);
  g_return_val_if_fail (minor != NULL, SIYU_PARSE_BAD_FORMAT);

  p = skip_spaces (text);
  end = p + strlen (p);
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  if (p == end)
    return SIYU_PARSE_EMPTY;

  if (*p == '-')
    {
      negative = TRUE;
      p = skip_spaces (p + 1);
    }
  p = skip_symbol (p);
  if (!negative && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  p = skip_spaces (p);

  while (p < end)
    {
      char sep = SEP_NONE;
      gsize n;

      if (n_runs > 0)
        {
          if (*p == ',' || *p == '.')
            sep = *p++;
          else if ((n = space_length (p)) > 0)
            {
              sep = SEP_SPACE;
              p += n;
            }
          else
            return g_ascii_isalpha (*p) || (guchar) *p >= 0x80
                   ? SIYU_PARSE_BAD_CHARACTER : SIYU_PARSE_BAD_FORMAT;
        }
      if (n_runs == MAX_RUNS)
        return SIYU_PARSE_OUT_OF_RANGE;
      runs[n_runs].sep = sep;
      runs[n_runs].digits = p;
      while (p < end && g_ascii_isdigit (*p))
        p++;
      runs[n_runs].n_digits = (gsize) (p - runs[n_runs].digits);
      if (runs[n_runs].n_digits == 0)
        {
          if (p < end && (g_ascii_isalpha (*p) || (guchar) *p >= 0x80))
            return SIYU_PARSE_BAD_CHARACTER;
          return SIYU_PARSE_BAD_FORMAT;
        }
      n_runs++;
    }
  if (n_runs == 0)
    return SIYU_PARSE_BAD_FORMAT;

  mark = decimal_mark (runs, n_runs);
  n_int_runs = mark < 0 ? n_runs : (guint) mark;

  /* Grouped digits are all grouped alike, in threes after the first. */
  for (guint i = 1; i < n_int_runs; i++)
    {
      if (group_sep == SEP_NONE)
        group_sep = runs[i].sep;
      if (runs[i].sep != group_sep || runs[i].n_digits != 3 ||
          runs[0].n_digits > 3)
        return SIYU_PARSE_BAD_FORMAT;
    }

  for (guint i = 0; i < n_int_runs; i++)
    for (gsize j = 0; j < runs[i].n_digits; j++)
      {
        value = value * 10 + (runs[i].digits[j] - '0');
        if (value > SIYU_PARSE_AMOUNT_MAX)
          return SIYU_PARSE_OUT_OF_RANGE;
      }

  for (int d = 0; d < digits; d++)
    {
      value *= 10;
      if (mark >= 0 && (gsize) d < runs[mark].n_digits)
        value += runs[mark].digits[d] - '0';
      if (value > SIYU_PARSE_AMOUNT_MAX)
        return SIYU_PARSE_OUT_OF_RANGE;
    }
  if (mark >= 0 && runs[mark].n_digits > (gsize) digits)
    return SIYU_PARSE_TOO_MANY_DECIMALS;

  *minor = negative ? -value : value;
  return SIYU_PARSE_OK;
}

static gboolean
read_number (const char **p,
             int          min_digits,
             int          max_digits,
             int         *value)
{
  int n = 0;

  *value = 0;
  while (n < max_digits && g_ascii_isdigit (**p))
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  return n >= min_digits;
}

static gboolean
read_literal (const char **p,
              const char  *literal)
{
  if (!g_str_has_prefix (*p, literal))
    return FALSE;
  *p += strlen (literal);
  return TRUE;
}

static SiyuParseResult
local_time (GTimeZone *tz,
            int        year,
            int        month,
            int        day,
            int        seconds,
            gint64    *utc)
{
  g_autoptr(GDateTime) dt = NULL;

  /* The wall-clock time, not midnight plus seconds: a day with a daylight
   * saving change is not 86400 seconds long. */
  dt = g_date_time_new (tz, year, month, day,
                        seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (dt == NULL)
    return SIYU_PARSE_IMPOSSIBLE_DATE;
  *utc = g_date_time_to_unix (dt);
  return SIYU_PARSE_OK;
}

/* Reads the dates that shop exports write: ISO 8601 with or without a zone
 * ("2025-03-01T14:05:09+08:00"), Shopify's "2024-01-02 08:59:11 -0500",
 * slashes as Excel shows them ("2025/3/1 14:05"), and Chinese dates
 * ("2025年3月1日 14:05").  Day-first and month-first forms such as
 * "01/03/2025" are refused: they cannot be told apart.  A time without a
 * zone is a wall-clock time in @tz. */
SiyuParseResult
siyu_parse_time (const char *text,
                 GTimeZone  *tz,
                 gint64     *utc)
{
  const char *p;
  int year, month, day;
  int hour = 0, minute = 0, second = 0;
  gboolean chinese = FALSE;
  char separator = '\0';
  gboolean has_zone = FALSE;
  int offset = 0;

  g_return_val_if_fail (text != NULL, SIYU_PARSE_BAD_FORMAT);
  g_return_val_if_fail (tz != NULL, SIYU_PARSE_BAD_FORMAT);
  g_return_val_if_fail (utc != NULL, SIYU_PARSE_BAD_FORMAT);

  p = skip_spaces (text);
  if (*p == '\0')
    return SIYU_PARSE_EMPTY;

  if (!read_number (&p, 4, 4, &year))
    return SIYU_PARSE_BAD_FORMAT;
  if (read_literal (&p, "\xe5\xb9\xb4"))          /* 年 */
    chinese = TRUE;
  else if (*p == '-' || *p == '/')
    separator = *p++;
  else
    return SIYU_PARSE_BAD_FORMAT;
  if (!read_number (&p, 1, 2, &month))
    return SIYU_PARSE_BAD_FORMAT;
  if (chinese ? !read_literal (&p, "\xe6\x9c\x88")  /* 月 */
              : *p++ != separator)
    return SIYU_PARSE_BAD_FORMAT;
  if (!read_number (&p, 1, 2, &day))
    return SIYU_PARSE_BAD_FORMAT;
  if (chinese && !read_literal (&p, "\xe6\x97\xa5")) /* 日 */
    return SIYU_PARSE_BAD_FORMAT;

  if (*p == 'T' || *p == ' ' || (chinese && g_ascii_isdigit (*p)))
    {
      const char *time = skip_spaces (*p == 'T' ? p + 1 : p);

      if (*time != '\0')
        {
          p = time;
          if (!read_number (&p, 1, 2, &hour) || *p++ != ':' ||
              !read_number (&p, 2, 2, &minute))
            return SIYU_PARSE_BAD_FORMAT;
          if (*p == ':')
            {
              p++;
              if (!read_number (&p, 2, 2, &second))
                return SIYU_PARSE_BAD_FORMAT;
              /* Fractions of a second are dropped, as the store keeps seconds. */
              if (*p == '.')
                {
                  p++;
                  if (!g_ascii_isdigit (*p))
                    return SIYU_PARSE_BAD_FORMAT;
                  while (g_ascii_isdigit (*p))
                    p++;
                }
            }
        }
    }

  p = skip_spaces (p);
  if (*p == 'Z')
    {
      has_zone = TRUE;
      p++;
    }
  else if (*p == '+' || *p == '-')
    {
      int sign = *p++ == '-' ? -1 : 1;
      int zh, zm;

      if (!read_number (&p, 2, 2, &zh))
        return SIYU_PARSE_BAD_FORMAT;
      if (*p == ':')
        p++;
      if (!read_number (&p, 2, 2, &zm) || zh > 14 || zm > 59)
        return SIYU_PARSE_BAD_FORMAT;
      has_zone = TRUE;
      offset = sign * (zh * 3600 + zm * 60);
    }
  p = skip_spaces (p);
  if (*p != '\0')
    return SIYU_PARSE_BAD_FORMAT;

  if (year < 1900 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month,
                                        (GDateYear) year) ||
      hour > 23 || minute > 59 || second > 59)
    return SIYU_PARSE_IMPOSSIBLE_DATE;

  if (has_zone)
    {
      *utc = (gint64) siyu_day_from_ymd (year, month, day) * 86400 +
             hour * 3600 + minute * 60 + second - offset;
      return SIYU_PARSE_OK;
    }
  return local_time (tz, year, month, day, hour * 3600 + minute * 60 + second, utc);
}

/* Excel's 1900 date system counts days from 1900-01-01 as 1 and keeps
 * Lotus 1-2-3's 29 February 1900, so serials from 61 on are days since
 * 1899-12-30.  The fraction is the time of day, rounded to the second;
 * it is read as digits, never as a double. */
SiyuParseResult
siyu_parse_excel_serial (const char *text,
                         GTimeZone  *tz,
                         gint64     *utc)
{
  const char *p;
  gint64 serial = 0;
  gint64 fraction = 0;
  gint64 scale = 1;
  gint64 seconds;
  SiyuDay day;
  int year, month, mday;

  g_return_val_if_fail (text != NULL, SIYU_PARSE_BAD_FORMAT);
  g_return_val_if_fail (tz != NULL, SIYU_PARSE_BAD_FORMAT);
  g_return_val_if_fail (utc != NULL, SIYU_PARSE_BAD_FORMAT);

  p = skip_spaces (text);
  if (*p == '\0')
    return SIYU_PARSE_EMPTY;
  if (!g_ascii_isdigit (*p))
    return SIYU_PARSE_BAD_FORMAT;
  while (g_ascii_isdigit (*p))
    {
      serial = serial * 10 + (*p++ - '0');
      if (serial > 2958465)             /* 9999-12-31 */
        return SIYU_PARSE_OUT_OF_RANGE;
    }
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return SIYU_PARSE_BAD_FORMAT;
      for (int n = 0; g_ascii_isdigit (*p); p++, n++)
        if (n < 12)
          {
            fraction = fraction * 10 + (*p - '0');
            scale *= 10;
          }
    }
  if (*skip_spaces (p) != '\0')
    return SIYU_PARSE_BAD_FORMAT;
  if (serial == 0 || serial == 60)
    return SIYU_PARSE_IMPOSSIBLE_DATE;

  seconds = (fraction * 86400 + scale / 2) / scale;
  day = siyu_day_from_ymd (1899, 12, serial < 60 ? 31 : 30) + (SiyuDay) serial;
  /* A fraction that rounds up to midnight belongs to the next day. */
  if (seconds == 86400)
    {
      seconds = 0;
      day++;
    }
  siyu_day_to_ymd (day, &year, &month, &mday);
  return local_time (tz, year, month, mday, (int) seconds, utc);
}
