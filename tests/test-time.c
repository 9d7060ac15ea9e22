/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-time.h"

static void
test_ymd_round_trip (void)
{
  int y, m, d;

  g_assert_cmpint (siyu_day_from_ymd (1970, 1, 1), ==, 0);
  g_assert_cmpint (siyu_day_from_ymd (1969, 12, 31), ==, -1);
  g_assert_cmpint (siyu_day_from_ymd (2000, 3, 1), ==, 11017);
  g_assert_cmpint (siyu_day_from_ymd (2026, 11, 15), ==, 20772);

  for (SiyuDay day = -800000; day < 800000; day += 97)
    {
      siyu_day_to_ymd (day, &y, &m, &d);
      g_assert_cmpint (siyu_day_from_ymd (y, m, d), ==, day);
    }

  siyu_day_to_ymd (siyu_day_from_ymd (2024, 2, 29), &y, &m, &d);
  g_assert_cmpint (y, ==, 2024);
  g_assert_cmpint (m, ==, 2);
  g_assert_cmpint (d, ==, 29);
}

static void
test_parse (void)
{
  SiyuDay day = 0;
  g_autofree char *text = NULL;

  g_assert_true (siyu_day_parse ("2024-02-29", &day));
  g_assert_cmpint (day, ==, siyu_day_from_ymd (2024, 2, 29));
  text = siyu_day_format (day);
  g_assert_cmpstr (text, ==, "2024-02-29");

  g_assert_false (siyu_day_parse ("2025-02-29", &day));
  g_assert_false (siyu_day_parse ("2025-02-30", &day));
  g_assert_false (siyu_day_parse ("2025-13-01", &day));
  g_assert_false (siyu_day_parse ("2025-00-10", &day));
  g_assert_false (siyu_day_parse ("31/31/2025", &day));
  g_assert_false (siyu_day_parse ("2025-1-01", &day));
  g_assert_false (siyu_day_parse ("2025-01-01x", &day));
  g_assert_false (siyu_day_parse ("", &day));
  g_assert_false (siyu_day_parse (NULL, &day));
  g_assert_cmpint (day, ==, siyu_day_from_ymd (2024, 2, 29));
}

/* A day is a calendar day in the shop's zone: 16:00 UTC is midnight in Shanghai. */
static void
test_shanghai_boundary (void)
{
  g_autoptr(GTimeZone) tz = siyu_time_zone_new ("Asia/Shanghai");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) before = g_date_time_new (utc, 2025, 2, 28, 15, 59, 59);
  g_autoptr(GDateTime) after = g_date_time_new (utc, 2025, 2, 28, 16, 0, 0);
  SiyuDay march1 = siyu_day_from_ymd (2025, 3, 1);

  g_assert_nonnull (tz);
  g_assert_cmpint (siyu_day_of_time (tz, g_date_time_to_unix (before)), ==, march1 - 1);
  g_assert_cmpint (siyu_day_of_time (tz, g_date_time_to_unix (after)), ==, march1);
  g_assert_cmpint (siyu_day_of_time (utc, g_date_time_to_unix (after)), ==, march1 - 1);
  g_assert_cmpint (siyu_day_start_time (tz, march1), ==, g_date_time_to_unix (after));
  g_assert_cmpint (siyu_day_of_time (tz, -1), ==, 0);
  g_assert_cmpint (siyu_day_of_time (utc, -1), ==, -1);
}

/* A day in a zone with daylight saving can be 23 or 25 hours long. */
static void
test_daylight_saving (void)
{
  g_autoptr(GTimeZone) tz = siyu_time_zone_new ("America/New_York");
  SiyuDay day = siyu_day_from_ymd (2025, 3, 9);

  g_assert_nonnull (tz);
  g_assert_cmpint (siyu_day_start_time (tz, day + 1) - siyu_day_start_time (tz, day), ==, 23 * 3600);
  day = siyu_day_from_ymd (2025, 11, 2);
  g_assert_cmpint (siyu_day_start_time (tz, day + 1) - siyu_day_start_time (tz, day), ==, 25 * 3600);
  g_assert_cmpint (siyu_day_of_time (tz, siyu_day_start_time (tz, day + 1) - 1), ==, day);
}

/* Times and days as a damaged shop file may hold them: every one has a day
 * and a date, without overflow (found by tests/fuzz/fuzz-date). */
static void
test_extreme (void)
{
  g_autoptr(GTimeZone) tz = siyu_time_zone_new ("Asia/Shanghai");
  g_autofree char *last = NULL;
  g_autofree char *first = NULL;
  g_autofree char *max_day = NULL;
  g_autofree char *min_day = NULL;

  /* Beyond a day from the ends of GDateTime's range, times are held at
   * 0001-01-02 and 9999-12-30 UTC: 08:00 on 2 January and 07:59:59 on 31
   * December in Shanghai. */
  g_assert_cmpint (siyu_day_of_time (tz, G_MAXINT64), ==, siyu_day_from_ymd (9999, 12, 31));
  g_assert_cmpint (siyu_day_of_time (tz, G_MININT64), ==, siyu_day_from_ymd (1, 1, 2));
  g_assert_cmpint (siyu_day_of_time (tz, G_GINT64_CONSTANT (253402300799)), ==, siyu_day_from_ymd (9999, 12, 31));
  g_assert_cmpint (siyu_day_of_time (tz, G_GINT64_CONSTANT (253402214399)), ==, siyu_day_from_ymd (9999, 12, 31));
  last = siyu_day_format (siyu_day_of_time (tz, G_MAXINT64 - 1));
  g_assert_cmpstr (last, ==, "9999-12-31");
  first = siyu_day_format (siyu_day_of_time (tz, G_MININT64 + 1));
  g_assert_cmpstr (first, ==, "0001-01-02");

  max_day = siyu_day_format (G_MAXINT32);
  g_assert_cmpstr (max_day, ==, "5881580-07-11");
  min_day = siyu_day_format (G_MININT32 + 1);
  g_assert_cmpstr (min_day, ==, "-5877641-06-24");
}

static void
test_unknown_zone (void)
{
  g_assert_null (siyu_time_zone_new ("Mars/Olympus_Mons"));
  g_assert_null (siyu_time_zone_new (""));
  g_assert_null (siyu_time_zone_new (NULL));
}

/* Days in order, counted up to a day: the same day counts, a run of one
 * day counts whole. */
static void
test_days_until (void)
{
  const SiyuDay days[] = { 10, 12, 12, 12, 20 };

  g_assert_cmpuint (siyu_days_until (days, 0, 100), ==, 0);
  g_assert_cmpuint (siyu_days_until (days, G_N_ELEMENTS (days), 9), ==, 0);
  g_assert_cmpuint (siyu_days_until (days, G_N_ELEMENTS (days), 10), ==, 1);
  g_assert_cmpuint (siyu_days_until (days, G_N_ELEMENTS (days), 11), ==, 1);
  g_assert_cmpuint (siyu_days_until (days, G_N_ELEMENTS (days), 12), ==, 4);
  g_assert_cmpuint (siyu_days_until (days, G_N_ELEMENTS (days), 19), ==, 4);
  g_assert_cmpuint (siyu_days_until (days, G_N_ELEMENTS (days), 20), ==, 5);
  g_assert_cmpuint (siyu_days_until (days, G_N_ELEMENTS (days), G_MAXINT32), ==, 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/time/ymd-round-trip", test_ymd_round_trip);
  g_test_add_func ("/siyu/time/parse", test_parse);
  g_test_add_func ("/siyu/time/shanghai-boundary", test_shanghai_boundary);
  g_test_add_func ("/siyu/time/daylight-saving", test_daylight_saving);
  g_test_add_func ("/siyu/time/unknown-zone", test_unknown_zone);
  g_test_add_func ("/siyu/time/extreme", test_extreme);
  g_test_add_func ("/siyu/time/days-until", test_days_until);

  return g_test_run ();
}
