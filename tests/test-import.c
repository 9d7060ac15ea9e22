/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "siyu-csv-reader.h"
#include "siyu-parse.h"
#include "siyu-test-util.h"
#include "siyu-time.h"
#include "siyu-xlsx-reader.h"

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

/* The caps of issue 15: a crafted file is refused where it passes one,
 * with the place, before it takes memory. */
static void
test_csv_caps (void)
{
  g_autoptr(GString) text = g_string_new ("a,b\n1,\"");
  g_autoptr(SiyuCsvReader) reader = NULL;

  /* A 50 MB field stops a block after 1 MB. */
  for (guint i = 0; i < 50 * 1024 * 1024; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"\n");
  reader = reader_for (text->str, (gssize) text->len, NULL);
  assert_row (reader, 1, (const char *const[]) { "a", "b", NULL });
  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_FIELD_TOO_LONG);
  g_assert_cmpuint (siyu_csv_reader_get_row (reader), ==, 2);
  g_assert_cmpuint (siyu_csv_reader_get_column (reader), ==, 2);
  g_clear_pointer (&reader, siyu_csv_reader_free);

  /* Exactly 1 MB is a field. */
  g_string_assign (text, "a\n");
  for (guint i = 0; i < SIYU_CSV_MAX_FIELD; i++)
    g_string_append_c (text, 'y');
  g_string_append (text, "\nz\n");
  reader = reader_for (text->str, (gssize) text->len, NULL);
  assert_row (reader, 1, (const char *const[]) { "a", NULL });
  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_ROW);
  g_assert_cmpuint (strlen (siyu_csv_reader_get_fields (reader, NULL)[0]), ==, SIYU_CSV_MAX_FIELD);
  assert_row (reader, 3, (const char *const[]) { "z", NULL });
  g_clear_pointer (&reader, siyu_csv_reader_free);

  /* Column 16,385 is one too many; a million empty fields take no memory. */
  g_string_assign (text, "a\nb\n");
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (text, ',');
  g_string_append (text, "\n");
  reader = reader_for (text->str, (gssize) text->len, NULL);
  assert_row (reader, 1, (const char *const[]) { "a", NULL });
  assert_row (reader, 2, (const char *const[]) { "b", NULL });
  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_TOO_WIDE);
  g_assert_cmpuint (siyu_csv_reader_get_row (reader), ==, 3);
  g_assert_cmpuint (siyu_csv_reader_get_column (reader), ==, SIYU_CSV_MAX_COLUMNS + 1);
  g_clear_pointer (&reader, siyu_csv_reader_free);

  /* Seventeen fields of a million bytes: more than 16 MB in one row. */
  g_string_assign (text, "a\n");
  for (guint f = 0; f < 17; f++)
    {
      for (guint i = 0; i < 1000000; i++)
        g_string_append_c (text, 'w');
      g_string_append_c (text, f < 16 ? ',' : '\n');
    }
  reader = reader_for (text->str, (gssize) text->len, NULL);
  assert_row (reader, 1, (const char *const[]) { "a", NULL });
  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_ROW_TOO_LONG);
  g_assert_cmpuint (siyu_csv_reader_get_row (reader), ==, 2);
  g_assert_cmpuint (siyu_csv_reader_get_column (reader), ==, 17);
}

/* The encoding is read from the first block, but a later row in another
 * encoding is refused at its row, never stored as mojibake; a NUL byte
 * is reported where it is. */
static void
test_csv_mixed (void)
{
  g_autoptr(GString) text = g_string_new ("name,phone\n");
  g_autoptr(SiyuCsvReader) reader = NULL;
  g_autoptr(SiyuCsvReader) chosen = NULL;
  g_autoptr(SiyuCsvReader) nul = NULL;
  g_autoptr(SiyuCsvReader) zeros = NULL;
  g_autofree char *gb = g_convert ("李四", -1, "GB18030", "UTF-8", NULL, NULL, NULL);
  guint rows = 0;

  /* More than a block of GB18030, then 张三 in UTF-8. */
  while (text->len < 70 * 1024)
    g_string_append_printf (text, "%s,13800138000\n", gb);
  g_string_append (text, "x,\xe5\xbc\xa0\xe4\xb8\x89\n");
  reader = reader_for (text->str, (gssize) text->len, NULL);
  while (siyu_csv_reader_next (reader, NULL, NULL) == SIYU_CSV_ROW)
    rows++;
  g_assert_cmpstr (siyu_csv_reader_get_encoding (reader), ==, "GB18030");
  g_assert_cmpuint (siyu_csv_reader_get_row (reader), ==, rows + 1);
  g_assert_cmpuint (siyu_csv_reader_get_column (reader), ==, 2);
  g_clear_pointer (&reader, siyu_csv_reader_free);
  reader = reader_for (text->str, (gssize) text->len, NULL);
  for (guint i = 0; i < rows; i++)
    g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_ROW);
  g_assert_cmpint (siyu_csv_reader_next (reader, NULL, NULL), ==, SIYU_CSV_MIXED_ENCODING);

  /* Chosen by the owner, GB18030 is what they said. */
  chosen = reader_for (text->str, (gssize) text->len, "GB18030");
  rows = 0;
  while (siyu_csv_reader_next (chosen, NULL, NULL) == SIYU_CSV_ROW)
    rows++;
  g_assert_cmpuint (rows, ==, siyu_csv_reader_get_row (reader));

  nul = reader_for ("a,b\n1,2\n3,x\0y\n", 14, NULL);
  assert_row (nul, 1, (const char *const[]) { "a", "b", NULL });
  assert_row (nul, 2, (const char *const[]) { "1", "2", NULL });
  g_assert_cmpint (siyu_csv_reader_next (nul, NULL, NULL), ==, SIYU_CSV_NUL_BYTE);
  g_assert_cmpuint (siyu_csv_reader_get_row (nul), ==, 3);
  g_assert_cmpuint (siyu_csv_reader_get_column (nul), ==, 2);

  zeros = reader_for ("\0\0\0\0\0\0\0\0", 8, NULL);
  g_assert_cmpint (siyu_csv_reader_next (zeros, NULL, NULL), ==, SIYU_CSV_NUL_BYTE);
  g_assert_cmpuint (siyu_csv_reader_get_row (zeros), ==, 1);
}

static char *
write_zip (const char *const *parts)
{
  g_autofree char *dir = g_dir_make_tmp ("siyu-import-XXXXXX", NULL);
  char *path = g_build_filename (dir, "book.xlsx", NULL);

  siyu_test_write_zip (path, parts);
  return path;
}

static void
remove_fixture (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

#define WORKBOOK \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" \
  "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"" \
  " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" \
  "<sheets><sheet name=\"Orders\" sheetId=\"1\" r:id=\"rId3\"/></sheets></workbook>"
#define RELATIONS \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" \
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>" \
  "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>" \
  "</Relationships>"
#define SHARED_STRINGS \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" \
  "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\" uniqueCount=\"3\">" \
  "<si><t>order_ref</t></si>" \
  "<si><t>created_at</t></si>" \
  "<si><r><t>\xe5\xbc\xa0</t></r><r><t xml:space=\"preserve\">\xe4\xb8\x89 </t></r>" \
  "<rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></si>" \
  "</sst>"
#define SHEET_START \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" \
  "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" \
  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>" \
  "<c r=\"C1\" t=\"inlineStr\"><is><t>name</t></is></c></row>" \
  "<row r=\"2\"><c r=\"A2\"><v>1001</v></c><c r=\"B2\" s=\"1\"><v>45717.5868055556</v></c>" \
  "<c r=\"C2\" t=\"s\"><v>2</v></c></row>" \
  "<row r=\"4\"><c r=\"C4\" t=\"str\"><v>x</v></c></row>" \
  "</sheetData>"

static void
test_xlsx_first_sheet (void)
{
  const char *parts[] = {
    "[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
    "xl/workbook.xml", WORKBOOK,
    "xl/_rels/workbook.xml.rels", RELATIONS,
    "xl/sharedStrings.xml", SHARED_STRINGS,
    "xl/worksheets/sheet1.xml", SHEET_START "</worksheet>",
    NULL,
  };
  g_autofree char *path = write_zip (parts);
  g_autoptr(SiyuXlsxReader) reader = NULL;

  g_assert_cmpint (siyu_xlsx_reader_open (path, &reader), ==, SIYU_XLSX_ROW);
  g_assert_cmpint (siyu_xlsx_reader_next (reader), ==, SIYU_XLSX_ROW);
  g_assert_cmpuint (siyu_xlsx_reader_get_row (reader), ==, 1);
  g_assert_cmpstrv (siyu_xlsx_reader_get_fields (reader, NULL),
                    ((const char *const[]) { "order_ref", "created_at", "name", NULL }));
  g_assert_cmpint (siyu_xlsx_reader_next (reader), ==, SIYU_XLSX_ROW);
  g_assert_cmpuint (siyu_xlsx_reader_get_row (reader), ==, 2);
  g_assert_cmpstrv (siyu_xlsx_reader_get_fields (reader, NULL),
                    ((const char *const[]) { "1001", "45717.5868055556", "\xe5\xbc\xa0\xe4\xb8\x89 ", NULL }));
  g_assert_true (siyu_xlsx_reader_is_number (reader, 1));
  g_assert_false (siyu_xlsx_reader_is_number (reader, 2));
  g_assert_cmpint (siyu_xlsx_reader_next (reader), ==, SIYU_XLSX_ROW);
  g_assert_cmpuint (siyu_xlsx_reader_get_row (reader), ==, 4);
  g_assert_cmpstrv (siyu_xlsx_reader_get_fields (reader, NULL),
                    ((const char *const[]) { "", "", "x", NULL }));
  g_assert_cmpint (siyu_xlsx_reader_next (reader), ==, SIYU_XLSX_END);
  remove_fixture (path);
}

static void
test_xlsx_refused (void)
{
  const char *merged_parts[] = {
    "xl/workbook.xml", WORKBOOK,
    "xl/_rels/workbook.xml.rels", RELATIONS,
    "xl/sharedStrings.xml", SHARED_STRINGS,
    "xl/worksheets/sheet1.xml",
    SHEET_START "<mergeCells count=\"1\"><mergeCell ref=\"A4:B4\"/></mergeCells></worksheet>",
    NULL,
  };
  const char *other_parts[] = { "readme.txt", "not a workbook", NULL };
  g_autofree char *merged = write_zip (merged_parts);
  g_autofree char *other = write_zip (other_parts);
  g_autofree char *dir = g_dir_make_tmp ("siyu-import-XXXXXX", NULL);
  g_autofree char *text = g_build_filename (dir, "orders.xlsx", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.xlsx", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.xlsx", NULL);
  SiyuXlsxReader *reader = NULL;
  SiyuXlsxStatus status;

  g_assert_cmpint (siyu_xlsx_reader_open (merged, &reader), ==, SIYU_XLSX_ROW);
  while ((status = siyu_xlsx_reader_next (reader)) == SIYU_XLSX_ROW)
    ;
  g_assert_cmpint (status, ==, SIYU_XLSX_MERGED_CELLS);
  g_clear_pointer (&reader, siyu_xlsx_reader_free);

  g_assert_true (g_file_set_contents (text, "order_ref,phone\n1,2\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_cmpint (siyu_xlsx_reader_open (other, &reader), ==, SIYU_XLSX_NOT_XLSX);
  g_assert_cmpint (siyu_xlsx_reader_open (text, &reader), ==, SIYU_XLSX_NOT_ZIP);
  g_assert_cmpint (siyu_xlsx_reader_open (empty, &reader), ==, SIYU_XLSX_NOT_ZIP);
  g_assert_cmpint (siyu_xlsx_reader_open (missing, &reader), ==, SIYU_XLSX_NOT_ZIP);
  g_assert_null (reader);

  remove_fixture (merged);
  remove_fixture (other);
  g_unlink (text);
  g_unlink (empty);
  g_rmdir (dir);
}

static SiyuXlsxStatus
read_sheet (const char *sheet,
            const char *shared_strings,
            guint      *rows)
{
  const char *parts[] = {
    "xl/workbook.xml", WORKBOOK,
    "xl/_rels/workbook.xml.rels", RELATIONS,
    "xl/sharedStrings.xml", shared_strings != NULL ? shared_strings : SHARED_STRINGS,
    "xl/worksheets/sheet1.xml", sheet,
    NULL,
  };
  g_autofree char *path = write_zip (parts);
  g_autoptr(SiyuXlsxReader) reader = NULL;
  SiyuXlsxStatus status;

  *rows = 0;
  status = siyu_xlsx_reader_open (path, &reader);
  if (status == SIYU_XLSX_ROW)
    while ((status = siyu_xlsx_reader_next (reader)) == SIYU_XLSX_ROW)
      (*rows)++;
  if (status != SIYU_XLSX_END && reader != NULL)
    g_test_message ("stopped at row %u, column %u", siyu_xlsx_reader_get_row (reader),
                    siyu_xlsx_reader_get_column (reader));
  remove_fixture (path);
  return status;
}

#define SHEET_HEAD \
  "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" \
  "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>order_ref</t></is></c></row>"
#define SHEET_TAIL "</sheetData></worksheet>"

/* @head, then @pattern until @n bytes, then @tail. */
static char *
repeat (const char *head,
        const char *pattern,
        gsize       n,
        const char *tail)
{
  GString *text = g_string_new (head);
  gsize len = strlen (pattern);

  for (gsize done = 0; done < n; done += len)
    g_string_append_len (text, pattern, (gssize) MIN (len, n - done));
  g_string_append (text, tail);
  return g_string_free (text, FALSE);
}

static void
test_xlsx_caps (void)
{
  g_autofree char *long_cell = repeat (SHEET_HEAD "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>", "x",
                                       SIYU_XLSX_MAX_CELL + 1, "</t></is></c></row>" SHEET_TAIL);
  g_autofree char *bomb = repeat (SHEET_HEAD, "<row/>", 40 * 1024 * 1024, SHEET_TAIL);
  g_autofree char *string_bomb = repeat ("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
                                         "<si><t>a</t></si>", 40 * 1024 * 1024 / 17 * 17, "</sst>");
  g_autoptr(GString) long_row = g_string_new (SHEET_HEAD "<row r=\"2\">");
  g_autofree char *cell = g_strnfill (1000000, 'w');
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  guint rows;

  /* Letters at random, so that the row does not deflate like a bomb. */
  for (guint i = 0; i < 1000000; i++)
    cell[i] = (char) ('a' + g_rand_int_range (rand, 0, 26));

  /* A reference past XFD used to pad the row to millions of cells. */
  g_assert_cmpint (read_sheet (SHEET_HEAD "<row r=\"2\"><c r=\"EQXCZ2\"><v>1</v></c></row>" SHEET_TAIL, NULL, &rows),
                   ==, SIYU_XLSX_TOO_WIDE);
  g_assert_cmpuint (rows, ==, 1);
  g_assert_cmpint (read_sheet (SHEET_HEAD "<row r=\"2\"><c r=\"XFD2\"><v>1</v></c></row>" SHEET_TAIL, NULL, &rows),
                   ==, SIYU_XLSX_END);
  g_assert_cmpuint (rows, ==, 2);

  g_assert_cmpint (read_sheet (long_cell, NULL, &rows), ==, SIYU_XLSX_CELL_TOO_LONG);
  g_assert_cmpuint (rows, ==, 1);

  for (guint i = 0; i < 17; i++)
    g_string_append_printf (long_row, "<c t=\"inlineStr\"><is><t>%s</t></is></c>", cell);
  g_string_append (long_row, "</row>" SHEET_TAIL);
  g_assert_cmpint (read_sheet (long_row->str, NULL, &rows), ==, SIYU_XLSX_ROW_TOO_LONG);
  g_assert_cmpuint (rows, ==, 1);

  /* 40 MB that deflate to a few KB: stopped as it unpacks. */
  g_assert_cmpint (read_sheet (bomb, NULL, &rows), ==, SIYU_XLSX_TOO_LARGE);
  g_assert_cmpint (read_sheet (SHEET_HEAD SHEET_TAIL, string_bomb, &rows), ==, SIYU_XLSX_TOO_LARGE);

  /* No workbook part has a document type: one only serves to expand entities. */
  g_assert_cmpint (read_sheet (SHEET_HEAD SHEET_TAIL,
                               "<!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                               "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&b;</t></si></sst>",
                               &rows), ==, SIYU_XLSX_BAD_XML);
  g_assert_cmpint (read_sheet ("<!DOCTYPE worksheet [<!ENTITY a \"x\">]>" SHEET_HEAD SHEET_TAIL, NULL, &rows),
                   ==, SIYU_XLSX_BAD_XML);
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
  g_test_add_func ("/siyu/import/csv-caps", test_csv_caps);
  g_test_add_func ("/siyu/import/csv-mixed", test_csv_mixed);
  g_test_add_func ("/siyu/import/xlsx-first-sheet", test_xlsx_first_sheet);
  g_test_add_func ("/siyu/import/xlsx-refused", test_xlsx_refused);
  g_test_add_func ("/siyu/import/xlsx-caps", test_xlsx_caps);

  return g_test_run ();
}
