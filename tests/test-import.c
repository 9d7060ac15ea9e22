/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-parse.h"
#include "siyu-time.h"

static void
assert_amount (const char     *text,
               int             digits,
               SiyuParseResult expected,
               gint64          expected_minor)
{
  gint64 minor = G_MININT64;
  SiyuParseResult result = siyu_parse_amount (text, digits, &minor);

  g_test_message ("amount \"%s\"", text);
  g_assert_cmpint (result, ==, expected);
  if (expected == SIYU_PARSE_OK)
    g_assert_cmpint (minor, ==, expected_minor);
  else
    g_assert_cmpint (minor, ==, G_MININT64);
}

static void
test_parse_amount (void)
{
  assert_amount ("\xc2\xa5" "1,234.50", 2, SIYU_PARSE_OK, 123450);
  assert_amount ("\xef\xbf\xa5" "1234.5", 2, SIYU_PARSE_OK, 123450);
  assert_amount ("1234.5", 2, SIYU_PARSE_OK, 123450);
  assert_amount ("1 234,50", 2, SIYU_PARSE_OK, 123450);
  assert_amount ("1\xc2\xa0" "234,50", 2, SIYU_PARSE_OK, 123450);
  assert_amount ("1.234,50", 2, SIYU_PARSE_OK, 123450);
  assert_amount ("$12.00", 2, SIYU_PARSE_OK, 1200);
  assert_amount (" 0.29 ", 2, SIYU_PARSE_OK, 29);
  assert_amount ("1,234", 2, SIYU_PARSE_OK, 123400);
  assert_amount ("1,23", 2, SIYU_PARSE_OK, 123);
  assert_amount ("1,234,567.8", 2, SIYU_PARSE_OK, 123456780);
  assert_amount ("-5.00", 2, SIYU_PARSE_OK, -500);
  assert_amount ("\xc2\xa5-5", 2, SIYU_PARSE_OK, -500);
  assert_amount ("10000000000.00", 2, SIYU_PARSE_OK, SIYU_PARSE_AMOUNT_MAX);
  assert_amount ("1,234", 0, SIYU_PARSE_OK, 1234);

  assert_amount ("", 2, SIYU_PARSE_EMPTY, 0);
  assert_amount ("  ", 2, SIYU_PARSE_EMPTY, 0);
  assert_amount ("12.345", 2, SIYU_PARSE_TOO_MANY_DECIMALS, 0);
  assert_amount ("1.234", 2, SIYU_PARSE_TOO_MANY_DECIMALS, 0);
  assert_amount ("12.5", 0, SIYU_PARSE_TOO_MANY_DECIMALS, 0);
  assert_amount ("12a", 2, SIYU_PARSE_BAD_CHARACTER, 0);
  assert_amount ("abc", 2, SIYU_PARSE_BAD_CHARACTER, 0);
  assert_amount ("12 yuan", 2, SIYU_PARSE_BAD_CHARACTER, 0);
  assert_amount ("1e5", 2, SIYU_PARSE_BAD_CHARACTER, 0);
  assert_amount ("10000000000.01", 2, SIYU_PARSE_OUT_OF_RANGE, 0);
  assert_amount ("99999999999999999999999", 2, SIYU_PARSE_OUT_OF_RANGE, 0);
  assert_amount ("12,34,567", 2, SIYU_PARSE_BAD_FORMAT, 0);
  assert_amount ("1,,234", 2, SIYU_PARSE_BAD_FORMAT, 0);
  assert_amount ("12.", 2, SIYU_PARSE_BAD_FORMAT, 0);
  assert_amount (".5", 2, SIYU_PARSE_BAD_FORMAT, 0);
  assert_amount ("--5", 2, SIYU_PARSE_BAD_FORMAT, 0);
}

static void
assert_time (GTimeZone      *tz,
             const char     *text,
             SiyuParseResult expected,
             gint64          expected_utc)
{
  gint64 utc = G_MININT64;
  SiyuParseResult result = siyu_parse_time (text, tz, &utc);

  g_test_message ("time \"%s\"", text);
  g_assert_cmpint (result, ==, expected);
  if (expected == SIYU_PARSE_OK)
    g_assert_cmpint (utc, ==, expected_utc);
  else
    g_assert_cmpint (utc, ==, G_MININT64);
}

static void
test_parse_time (void)
{
  g_autoptr(GTimeZone) tz = siyu_time_zone_new ("Asia/Shanghai");
  g_autoptr(GTimeZone) ny = siyu_time_zone_new ("America/New_York");

  assert_time (tz, "2025-03-01 14:05:09", SIYU_PARSE_OK, 1740809109);
  assert_time (tz, "2025/3/1 14:05", SIYU_PARSE_OK, 1740809100);
  assert_time (tz, "2025-03-01T14:05:09+08:00", SIYU_PARSE_OK, 1740809109);
  assert_time (tz, "2025-03-01T06:05:09Z", SIYU_PARSE_OK, 1740809109);
  assert_time (tz, "2025-03-01T14:05:09.250+0800", SIYU_PARSE_OK, 1740809109);
  assert_time (tz, "2024-01-02 08:59:11 -0500", SIYU_PARSE_OK, 1704203951);
  assert_time (tz, "2025\xe5\xb9\xb4" "3\xe6\x9c\x88" "1\xe6\x97\xa5 14:05", SIYU_PARSE_OK, 1740809100);
  assert_time (tz, "2025\xe5\xb9\xb4" "3\xe6\x9c\x88" "1\xe6\x97\xa5", SIYU_PARSE_OK, 1740758400);
  assert_time (tz, "2025-03-01", SIYU_PARSE_OK, 1740758400);
  assert_time (ny, "2024-03-10 12:00", SIYU_PARSE_OK, 1710086400);

  assert_time (tz, "", SIYU_PARSE_EMPTY, 0);
  assert_time (tz, "2025-02-30", SIYU_PARSE_IMPOSSIBLE_DATE, 0);
  assert_time (tz, "2025-13-01 10:00", SIYU_PARSE_IMPOSSIBLE_DATE, 0);
  assert_time (tz, "2025-03-01 24:00", SIYU_PARSE_IMPOSSIBLE_DATE, 0);
  assert_time (tz, "31/31/2025", SIYU_PARSE_BAD_FORMAT, 0);
  assert_time (tz, "01/03/2025", SIYU_PARSE_BAD_FORMAT, 0);
  assert_time (tz, "2025-3/1", SIYU_PARSE_BAD_FORMAT, 0);
  assert_time (tz, "2025-03-01 14", SIYU_PARSE_BAD_FORMAT, 0);
  assert_time (tz, "2025-03-01 14:05 +25:00", SIYU_PARSE_BAD_FORMAT, 0);
  assert_time (tz, "2025-03-01 noon", SIYU_PARSE_BAD_FORMAT, 0);
}

static void
test_parse_excel_serial (void)
{
  g_autoptr(GTimeZone) tz = siyu_time_zone_new ("Asia/Shanghai");
  g_autoptr(GTimeZone) utc_tz = g_time_zone_new_utc ();
  gint64 utc = 0;

  g_assert_cmpint (siyu_parse_excel_serial ("45717.5868055556", tz, &utc), ==, SIYU_PARSE_OK);
  g_assert_cmpint (utc, ==, 1740809100);
  g_assert_cmpint (siyu_parse_excel_serial ("45717", tz, &utc), ==, SIYU_PARSE_OK);
  g_assert_cmpint (utc, ==, 1740758400);
  g_assert_cmpint (siyu_parse_excel_serial ("1", utc_tz, &utc), ==, SIYU_PARSE_OK);
  g_assert_cmpint (utc, ==, G_GINT64_CONSTANT (-2208988800));
  g_assert_cmpint (siyu_parse_excel_serial ("61", utc_tz, &utc), ==, SIYU_PARSE_OK);
  g_assert_cmpint (utc, ==, G_GINT64_CONSTANT (-2203891200));
  g_assert_cmpint (siyu_parse_excel_serial ("45716.999999999", tz, &utc), ==, SIYU_PARSE_OK);
  g_assert_cmpint (utc, ==, 1740758400);

  g_assert_cmpint (siyu_parse_excel_serial ("60", utc_tz, &utc), ==, SIYU_PARSE_IMPOSSIBLE_DATE);
  g_assert_cmpint (siyu_parse_excel_serial ("0", utc_tz, &utc), ==, SIYU_PARSE_IMPOSSIBLE_DATE);
  g_assert_cmpint (siyu_parse_excel_serial ("9999999", utc_tz, &utc), ==, SIYU_PARSE_OUT_OF_RANGE);
  g_assert_cmpint (siyu_parse_excel_serial ("4.5E4", utc_tz, &utc), ==, SIYU_PARSE_BAD_FORMAT);
  g_assert_cmpint (siyu_parse_excel_serial ("", utc_tz, &utc), ==, SIYU_PARSE_EMPTY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/import/parse-amount", test_parse_amount);
  g_test_add_func ("/siyu/import/parse-time", test_parse_time);
  g_test_add_func ("/siyu/import/parse-excel-serial", test_parse_excel_serial);

  return g_test_run ();
}
