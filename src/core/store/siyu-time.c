/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-time"

#include "config.h"

#include <stdio.h>

#include "siyu-time.h"

/* Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's
 * civil-from-days algorithms), exact for every date GLib can hold. */
SiyuDay
siyu_day_from_ymd (int year,
                   int month,
                   int day)
{
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

void
siyu_day_to_ymd (SiyuDay  day,
                 int     *year,
                 int     *month,
                 int     *mday)
{
  /* 64 bits: any SiyuDay, even one read from a damaged file, has a date. */
  gint64 z = (gint64) day + 719468;
  int era = (int) ((z >= 0 ? z : z - 146096) / 146097);
  int doe = (int) (z - (gint64) era * 146097);
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp + (mp < 10 ? 3 : -9);

  if (year != NULL)
    *year = yoe + era * 400 + (m <= 2);
  if (month != NULL)
    *month = m;
  if (mday != NULL)
    *mday = d;
}

/* Parses exactly YYYY-MM-DD and refuses dates that do not exist. */
gboolean
siyu_day_parse (const char *text,
                SiyuDay    *day)
{
  int y, m, d;

  g_return_val_if_fail (day != NULL, FALSE);

  if (text == NULL || strlen (text) != 10 ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[2]) || !g_ascii_isdigit (text[3]) || text[4] != '-' ||
      !g_ascii_isdigit (text[5]) || !g_ascii_isdigit (text[6]) || text[7] != '-' ||
      !g_ascii_isdigit (text[8]) || !g_ascii_isdigit (text[9]))
    return FALSE;

  y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  m = (text[5] - '0') * 10 + (text[6] - '0');
  d = (text[8] - '0') * 10 + (text[9] - '0');

  if (y < 1 || !g_date_valid_dmy (d, m, y))
    return FALSE;

  *day = siyu_day_from_ymd (y, m, d);
  return TRUE;
}

/**
 * siyu_days_until:
 * @days: (array length=n): days in order, earliest first
 *
 * Returns: how many of @days are on or before @day.
 */
guint
siyu_days_until (const SiyuDay *days,
                 guint          n,
                 SiyuDay        day)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (days[mid] <= day)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

char *
siyu_day_format (SiyuDay day)
{
  int y, m, d;

  siyu_day_to_ymd (day, &y, &m, &d);

  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

/* 0001-01-02 and 9999-12-30 23:59:59 UTC: a day after and before the
 * times GDateTime can hold, so that their day has a date in every zone. */
#define FIRST_TIME G_GINT64_CONSTANT (-62135510400)
#define LAST_TIME  G_GINT64_CONSTANT (253402214399)

SiyuDay
siyu_day_of_time (GTimeZone *tz,
                  gint64     utc)
{
  int interval;
  gint64 local;

  /* A time from a damaged file can be anything: it is shown as the first or
   * the last day there is rather than overflowing. */
  utc = CLAMP (utc, FIRST_TIME, LAST_TIME);
  interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, utc);
  local = utc + g_time_zone_get_offset (tz, MAX (interval, 0));

  /* Floor division: times before 1970 belong to the day that contains them. */
  return (SiyuDay) (local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}

/* The UTC time at which @day begins in @tz. */
gint64
siyu_day_start_time (GTimeZone *tz,
                     SiyuDay    day)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d;

  siyu_day_to_ymd (day, &y, &m, &d);
  dt = g_date_time_new (tz, y, m, d, 0, 0, 0);
  if (dt == NULL)
    return (gint64) day * 86400;

  return g_date_time_to_unix (dt);
}

/* Returns %NULL for an identifier the system's time zone database does not know. */
GTimeZone *
siyu_time_zone_new (const char *identifier)
{
  if (identifier == NULL || *identifier == '\0')
    return NULL;

  return g_time_zone_new_identifier (identifier);
}

/**
 * siyu_time_format:
 * @tz: the shop's time zone
 * @utc: seconds since 1970
 * @format: a g_date_time_format() format
 *
 * Returns: (transfer full): @utc as a local day and time of @tz, or an
 *   empty string for a time GLib cannot represent
 */
char *
siyu_time_format (GTimeZone  *tz,
                  gint64      utc,
                  const char *format)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;
  char *text;

  g_return_val_if_fail (tz != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);

  time = g_date_time_new_from_unix_utc (utc);
  if (time != NULL)
    local = g_date_time_to_timezone (time, tz);
  text = local != NULL ? g_date_time_format (local, format) : NULL;

  return text != NULL ? text : g_strdup ("");
}
