/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-fuzz.h"
#include "siyu-parse.h"
#include "siyu-time.h"

/* Dates and times as imports write them, and the day arithmetic of the
 * store.  The first byte says what to do with the rest: its low two bits
 * pick the parser (a time, an Excel serial, a YYYY-MM-DD day, or 8 bytes of
 * UTC seconds as a damaged shop file may hold), the next two the shop's
 * time zone. */

/* 1900-01-01 and 10000-01-01, each with 14 hours to spare for a zone: the
 * times the parsers can return. */
#define FIRST_TIME (G_GINT64_CONSTANT (-2208988800) - 14 * 3600)
#define LAST_TIME  (G_GINT64_CONSTANT (253402300800) + 14 * 3600)

/* 0001-01-02 and 9999-12-30 UTC: the days GDateTime can begin and end in
 * every zone. */
#define FIRST_DAY_TIME G_GINT64_CONSTANT (-62135510400)
#define LAST_DAY_TIME  G_GINT64_CONSTANT (253402214399)

static GTimeZone *zones[4];

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  static const char * const ids[] = { "Asia/Shanghai", "UTC", "America/New_York", "Asia/Hong_Kong" };

  siyu_fuzz_init ();
  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      zones[i] = siyu_time_zone_new (ids[i]);
      if (zones[i] == NULL)
        zones[i] = g_time_zone_new_utc ();
    }
  return 0;
}

/* The day that holds @utc in @tz begins at or before it, and the next one after it. */
static void
check_day_of (GTimeZone  *tz,
              gint64      utc,
              const char *text)
{
  SiyuDay day = siyu_day_of_time (tz, utc);
  g_autofree char *formatted = siyu_day_format (day);
  gint64 start = siyu_day_start_time (tz, day);
  gint64 next = siyu_day_start_time (tz, day + 1);

  if (utc < FIRST_DAY_TIME || utc > LAST_DAY_TIME)
    return;

  siyu_fuzz_check (start <= utc && utc < next,
                   "“%s” is %" G_GINT64_FORMAT " in %s, on %s, which runs from %" G_GINT64_FORMAT
                   " to %" G_GINT64_FORMAT, text, utc, g_time_zone_get_identifier (tz), formatted, start, next);
}

static void
fuzz_text (guint       parser,
           GTimeZone  *tz,
           const char *text)
{
  gint64 utc = G_MININT64;
  SiyuDay day = 0;
  SiyuParseResult result;

  switch (parser)
    {
    case 0:
    case 1:
      result = parser == 0 ? siyu_parse_time (text, tz, &utc) : siyu_parse_excel_serial (text, tz, &utc);
      siyu_fuzz_check (result >= SIYU_PARSE_OK && result <= SIYU_PARSE_IMPOSSIBLE_DATE, "result %d", result);
      if (result != SIYU_PARSE_OK)
        return;
      siyu_fuzz_check (utc >= FIRST_TIME && utc <= LAST_TIME, "“%s” read as %" G_GINT64_FORMAT, text, utc);
      check_day_of (tz, utc, text);
      break;

    default:
      if (siyu_day_parse (text, &day))
        {
          g_autofree char *again = siyu_day_format (day);

          siyu_fuzz_check (g_str_equal (again, text), "“%s” read back as “%s”", text, again);
        }
      break;
    }
}

static void
fuzz_seconds (GTimeZone     *tz,
              const uint8_t *bytes)
{
  gint64 utc;
  gint32 any_day;
  SiyuDay day;
  int y = 0, m = 0, d = 0;
  g_autofree char *formatted = NULL;

  memcpy (&utc, bytes, sizeof utc);
  memcpy (&any_day, bytes, sizeof any_day);

  /* A time stored in a damaged file is shown as some day, whatever it is. */
  day = siyu_day_of_time (tz, utc);
  formatted = siyu_day_format (day);
  siyu_day_start_time (tz, day);
  check_day_of (tz, utc, "(seconds)");

  siyu_day_to_ymd ((SiyuDay) any_day, &y, &m, &d);
  if (y >= 1 && y <= 9999)
    siyu_fuzz_check (g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y) &&
                     siyu_day_from_ymd (y, m, d) == (SiyuDay) any_day,
                     "day %d is %d-%d-%d", (int) any_day, y, m, d);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint parser;
  GTimeZone *tz;

  if (size < 1)
    return 0;
  parser = data[0] & 3;
  tz = zones[(data[0] >> 2) & 3];

  if (parser == 3)
    {
      if (size >= 9)
        fuzz_seconds (tz, data + 1);
    }
  else
    {
      g_autofree char *text = g_strndup ((const char *) data + 1, size - 1);

      fuzz_text (parser, tz, text);
    }

  return 0;
}
