/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-csv-reader.h"
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

static SiyuCsvReader *
reader_for (const char *data,
            gssize      len,
            const char *encoding)
{
  g_autoptr(GInputStream) stream = NULL;

  if (len < 0)
    len = (gssize) strlen (data);
  stream = g_memory_input_stream_new_from_data (g_memdup2 (data, (gsize) len), len, g_free);
  return siyu_csv_reader_new (stream, encoding);
}

static void
assert_row (SiyuCsvReader      *reader,
            guint               row,
            const char *const  *expected)
{
  g_autoptr(GError) error = NULL;
  const char *const *fields;

  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, &error), ==, SIYU_CSV_ROW);
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_csv_reader_get_row (reader), ==, row);
  fields = siyu_csv_reader_get_fields (reader, NULL);
  g_assert_cmpstrv (fields, expected);
}

static void
test_csv_utf8 (void)
{
  g_autoptr(SiyuCsvReader) reader = NULL;

  reader = reader_for ("\xef\xbb\xbf" "name,note\r\n"
                       "\xe5\xbc\xa0\xe4\xb8\x89,\"two\r\nlines, \"\"quoted\"\"\"\r\n"
                       "  Li Si  ,\r\n", -1, NULL);
  assert_row (reader, 1, (const char *const[]) { "name", "note", NULL });
  assert_row (reader, 2, (const char *const[]) { "\xe5\xbc\xa0\xe4\xb8\x89", "two\r\nlines, \"quoted\"", NULL });
  assert_row (reader, 3, (const char *const[]) { "Li Si", "", NULL });
  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_END);
  g_assert_cmpstr (siyu_csv_reader_get_encoding (reader), ==, "UTF-8");
  g_assert_cmpint (siyu_csv_reader_get_delimiter (reader), ==, ',');
}

static void
test_csv_gb18030 (void)
{
  const char *text = "\xe5\xa7\x93\xe5\x90\x8d;\xe6\x89\x8b\xe6\x9c\xba\n"   /* 姓名;手机 */
                     "\xe5\xbc\xa0\xe4\xb8\x89;13800138000\n";               /* 张三 */
  g_autofree char *gb = NULL;
  gsize len = 0;
  g_autoptr(SiyuCsvReader) reader = NULL;
  g_autoptr(SiyuCsvReader) as_utf8 = NULL;

  gb = g_convert (text, -1, "GB18030", "UTF-8", NULL, &len, NULL);
  g_assert_nonnull (gb);

  reader = reader_for (gb, (gssize) len, NULL);
  assert_row (reader, 1, (const char *const[]) { "\xe5\xa7\x93\xe5\x90\x8d", "\xe6\x89\x8b\xe6\x9c\xba", NULL });
  assert_row (reader, 2, (const char *const[]) { "\xe5\xbc\xa0\xe4\xb8\x89", "13800138000", NULL });
  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_END);
  g_assert_cmpstr (siyu_csv_reader_get_encoding (reader), ==, "GB18030");
  g_assert_cmpint (siyu_csv_reader_get_delimiter (reader), ==, ';');

  /* Read as UTF-8, the first field that is not names its row and column. */
  as_utf8 = reader_for (gb, (gssize) len, "UTF-8");
  g_assert_cmpint (siyu_csv_reader_next (as_utf8, NULL, NULL), ==, SIYU_CSV_BAD_ENCODING);
  g_assert_cmpuint (siyu_csv_reader_get_row (as_utf8), ==, 1);
  g_assert_cmpuint (siyu_csv_reader_get_column (as_utf8), ==, 1);
}

static void
test_csv_tab (void)
{
  g_autoptr(SiyuCsvReader) reader = reader_for ("a\tb c\n1\t 2 \n", -1, NULL);

  assert_row (reader, 1, (const char *const[]) { "a", "b c", NULL });
  assert_row (reader, 2, (const char *const[]) { "1", "2", NULL });
  g_assert_cmpint (siyu_csv_reader_get_delimiter (reader), ==, '\t');
}

static void
test_csv_bad_quotes (void)
{
  g_autoptr(SiyuCsvReader) unterminated = reader_for ("a,b\n1,2\n3,\"x\n4,5\n", -1, NULL);
  g_autoptr(SiyuCsvReader) stray = reader_for ("a,b\n1,x\"y\n", -1, NULL);
  g_autoptr(SiyuCsvReader) empty = reader_for ("", 0, NULL);

  assert_row (unterminated, 1, (const char *const[]) { "a", "b", NULL });
  assert_row (unterminated, 2, (const char *const[]) { "1", "2", NULL });
  g_assert_cmpint (siyu_csv_reader_next (unterminated, NULL, NULL), ==, SIYU_CSV_UNTERMINATED_QUOTE);
  g_assert_cmpuint (siyu_csv_reader_get_row (unterminated), ==, 3);

  assert_row (stray, 1, (const char *const[]) { "a", "b", NULL });
  g_assert_cmpint (siyu_csv_reader_next (stray, NULL, NULL), ==, SIYU_CSV_BAD_QUOTE);
  g_assert_cmpuint (siyu_csv_reader_get_row (stray), ==, 2);

  g_assert_cmpint (siyu_csv_reader_next (empty, NULL, NULL), ==, SIYU_CSV_END);
  g_assert_cmpuint (siyu_csv_reader_get_row (empty), ==, 0);
}

static void
test_csv_blocks (void)
{
  g_autoptr(GString) text = g_string_new ("order_ref,phone\n");
  g_autoptr(SiyuCsvReader) reader = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint rows = 0;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "T%u,\"1380013%04u\"\n", i, i % 10000);

  reader = reader_for (text->str, (gssize) text->len, NULL);
  while (siyu_csv_reader_next (reader, NULL, NULL) == SIYU_CSV_ROW)
    rows++;
  g_assert_cmpuint (rows, ==, 20001);
  g_assert_cmpuint (siyu_csv_reader_get_offset (reader), ==, text->len);
  g_clear_pointer (&reader, siyu_csv_reader_free);

  reader = reader_for (text->str, (gssize) text->len, NULL);
  g_assert_cmpint (siyu_csv_reader_next (reader, cancellable, &error), ==, SIYU_CSV_ROW);
  while (siyu_csv_reader_next (reader, cancellable, &error) == SIYU_CSV_ROW)
    g_cancellable_cancel (cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/import/parse-amount", test_parse_amount);
  g_test_add_func ("/siyu/import/parse-time", test_parse_time);
  g_test_add_func ("/siyu/import/parse-excel-serial", test_parse_excel_serial);
  g_test_add_func ("/siyu/import/csv-utf8", test_csv_utf8);
  g_test_add_func ("/siyu/import/csv-gb18030", test_csv_gb18030);
  g_test_add_func ("/siyu/import/csv-tab", test_csv_tab);
  g_test_add_func ("/siyu/import/csv-bad-quotes", test_csv_bad_quotes);
  g_test_add_func ("/siyu/import/csv-blocks", test_csv_blocks);

  return g_test_run ();
}
