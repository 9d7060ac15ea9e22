/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "siyu-json.h"
#include "siyu-output-file.h"
#include "siyu-test-util.h"
#include "siyu-text.h"

static void
test_clip (void)
{
  g_autofree char *long_value = g_strnfill (1 << 20, 'x');
  g_autofree char *clipped = siyu_text_clip (long_value, SIYU_TEXT_QUOTE_CHARS);
  g_autofree char *short_value = siyu_text_clip ("张三", 80);
  g_autofree char *chinese = siyu_text_clip ("一二三四五六", 4);
  g_autofree char *invalid = siyu_text_clip ("a\xff" "b", 80);

  g_assert_cmpuint (g_utf8_strlen (clipped, -1), ==, 81);
  g_assert_true (g_str_has_suffix (clipped, "x…"));
  g_assert_cmpstr (short_value, ==, "张三");
  g_assert_cmpstr (chinese, ==, "一二三四…");
  g_assert_cmpstr (invalid, ==, "a\xef\xbf\xbd" "b");
}

static void
test_controls (void)
{
  g_autofree char *a = siyu_text_strip_controls ("张\x1b[31m三\x07");
  g_autofree char *b = siyu_text_strip_controls ("line one\r\nline two\rthree\tend");
  g_autofree char *c = siyu_text_strip_controls ("a\xc2\x9b" "1m\x7f" "b");

  g_assert_cmpstr (a, ==, "张[31m三");
  g_assert_cmpstr (b, ==, "line one\nline two\nthree\tend");
  g_assert_cmpstr (c, ==, "a1mb");
  {
    /* Removing \x10 must not join \xc2 and \x9b into a C1 control. */
    g_autofree char *d = siyu_text_strip_controls ("\xc2\x10\x9b");

    g_assert_false (siyu_text_has_controls (d));
    g_assert_cmpstr (d, ==, "\xef\xbf\xbd\xef\xbf\xbd");
  }
  g_assert_true (siyu_text_has_controls ("\x1b]0;title\x07"));
  g_assert_true (siyu_text_has_controls ("\x01"));
  g_assert_false (siyu_text_has_controls ("tab\tand\nnewline, 中文, é"));
  g_assert_null (siyu_text_strip_controls (NULL));
}

static void
test_csv_guard (void)
{
  static const struct { const char *cell; const char *written; } cases[] = {
    { "=1+1", "'=1+1" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0" },
    { "+1+HYPERLINK(\"http://x\")", "\"'+1+HYPERLINK(\"\"http://x\"\")\"" },
    { "\t=cmd", "\"'\t=cmd\"" },
    { "\r=cmd", "\"'\r=cmd\"" },
    { "+8613812345678", "'+8613812345678" },
    { "-1250", "-1250" },
    { "0.42", "0.42" },
    { "-0.5", "-0.5" },
    { "-01", "'-01" },
    { "-", "'-" },
    { "-1.", "'-1." },
    { "1250", "1250" },
    { "张三, 李四", "\"张三, 李四\"" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      siyu_csv_append_cell (line, cases[i].cell);
      g_assert_cmpstr (line->str, ==, cases[i].written);
    }
}

/* A file written anywhere first removes what a killed write left in its
 * folder a minute or more ago; a younger one may still be written. */
static void
test_output_file_leftovers (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *old = g_build_filename (dir, ".phones.csv.siyu-AbC123", NULL);
  g_autofree char *young = g_build_filename (dir, ".phones.csv.siyu-XyZ789", NULL);
  g_autofree char *other = g_build_filename (dir, ".notes.txt", NULL);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  struct utimbuf long_ago = { 1000000000, 1000000000 };
  SiyuOutputFile *file;

  g_assert_true (g_file_set_contents (old, "13800138000\n", -1, NULL));
  g_assert_cmpint (g_utime (old, &long_ago), ==, 0);
  g_assert_true (g_file_set_contents (young, "13800138001\n", -1, NULL));
  g_assert_true (g_file_set_contents (other, "x", -1, NULL));
  g_assert_cmpint (g_utime (other, &long_ago), ==, 0);

  file = siyu_output_file_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (young, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  siyu_output_file_free (file);
}

static void
test_json_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fine = NULL;
  JsonNode *node;

  g_assert_cmpuint (siyu_json_depth ("{\"a\": [1, {\"b\": \"[[[[\"}]}", 24), ==, 3);
  g_assert_cmpuint (siyu_json_depth ("\"\\\"[\"", 5), ==, 0);

  for (int i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 200000; i++)
    g_string_append_c (deep, ']');
  node = siyu_json_parse (deep->str, (gssize) deep->len, "The answer of https://example.com", &error);
  g_assert_null (node);
  g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==,
                   "The answer of https://example.com is nested more than 64 levels deep; Siyu does not read it.");
  g_clear_error (&error);

  g_string_truncate (deep, 0);
  for (int i = 0; i < SIYU_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < SIYU_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  fine = siyu_json_parse (deep->str, -1, "x", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (fine));

  node = siyu_json_parse ("{\"a\":", -1, "“page.json”", &error);
  g_assert_null (node);
  g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "“page.json” is not valid JSON: "));
  g_clear_error (&error);

  /* json-glib also reads single-quoted strings and comments: a double
   * quote inside one must not hide the brackets after it. */
  for (guint i = 0; i < 2; i++)
    {
      g_string_assign (deep, i == 0 ? "['\"', " : "/* \" */ [");
      for (int j = 0; j < 200000; j++)
        g_string_append_c (deep, '[');
      for (int j = 0; j < 200000; j++)
        g_string_append_c (deep, ']');
      g_string_append_c (deep, ']');
      node = siyu_json_parse (deep->str, (gssize) deep->len, "“page.json”", &error);
      g_assert_null (node);
      g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, i == 0 ? "“page.json” is not valid JSON: unexpected character at byte 2."
                                                  : "“page.json” is not valid JSON: unexpected character at byte 1.");
      g_clear_error (&error);
    }
  node = siyu_json_parse ("[1]\0", 4, "x", &error);
  g_assert_null (node);
  g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autoptr(JsonNode) plain = siyu_json_parse ("{\"名\": [\"'/*#\", -1.5e3, true, null]}\r\n", -1, "x", &error);

    g_assert_no_error (error);
    g_assert_nonnull (plain);
  }

  node = siyu_json_parse ("", 0, "“empty.json”", &error);
  g_assert_null (node);
  g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID);
}

static void
test_output_file (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *victim = g_build_filename (dir, "victim", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *temp = NULL;
  g_autoptr(GError) error = NULL;
  SiyuOutputFile *file;
  GStatBuf st;

  /* A link planted at the target is replaced, never written through. */
  g_assert_true (g_file_set_contents (victim, "keep", -1, NULL));
  g_assert_cmpint (symlink (victim, path), ==, 0);

  file = siyu_output_file_open (path, &error);
  g_assert_no_error (error);
  temp = g_strdup (siyu_output_file_get_temp_path (file));
  g_assert_cmpint (g_stat (temp, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (siyu_output_file_write (file, "a,b\r\n", 5, &error));
  g_assert_true (siyu_output_file_commit (file, &error));
  g_assert_no_error (error);
  siyu_output_file_free (file);

  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "a,b\r\n");
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (victim, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep");

  /* One that is not committed leaves nothing behind. */
  g_clear_pointer (&temp, g_free);
  file = siyu_output_file_open (path, &error);
  g_assert_no_error (error);
  temp = g_strdup (siyu_output_file_get_temp_path (file));
  siyu_output_file_free (file);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));

  /* Errors name the owner's file and say why. */
  file = siyu_output_file_open (path, &error);
  g_assert_no_error (error);
  siyu_output_file_set_error (file, ENOSPC, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "out.csv"));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
  g_assert_null (strstr (error->message, ".out.csv."));
  g_clear_error (&error);
  siyu_output_file_free (file);

  g_assert_null (siyu_output_file_open (dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

/* Each quoted value of a message is cut, the rest left as it is. */
static void
test_clip_quotes (void)
{
  g_autofree char *big = g_strnfill (1024 * 1024, 'x');
  g_autofree char *message = g_strdup_printf ("“%s” is not an e-mail address; “短”", big);
  g_autofree char *clipped = siyu_text_clip_quotes (message, 5);
  g_autofree char *open = siyu_text_clip_quotes ("Row 3: “abcdefgh", 3);

  g_assert_cmpstr (clipped, ==, "“xxxxx…” is not an e-mail address; “短”");
  g_assert_cmpstr (open, ==, "Row 3: “abc…");
}

/* json-glib 1.6 reads escapes JSON does not have (\\2, \\') and lone
 * halves of surrogate pairs as bytes that are not UTF-8; such text then
 * reached error messages.  They are refused where they are. */
/* A JSON document and the byte siyu_json_parse () refuses in it, from 1;
 * 0: it is read. */
typedef struct {
  const char *json;
  gssize      at;
} ParseCase;

/* @message: the error for a refused case, with %zd for the byte */
static void
check_parse_cases (const ParseCase *cases,
                   guint            n,
                   const char      *message)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = siyu_json_parse (cases[i].json, -1, "x", &error);

      g_test_message ("%s", cases[i].json);
      if (cases[i].at == 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (node);
        }
      else
        {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_autofree char *expected = g_strdup_printf (message, cases[i].at);
#pragma GCC diagnostic pop

          g_assert_null (node);
          g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID);
          g_assert_cmpstr (error->message, ==, expected);
        }
    }
}

static void
test_json_escapes (void)
{
  static const ParseCase cases[] = {
    { "[\"a\\n\\t\\/\\\"\\\\b\"]", 0 },
    { "[\"\\u00e9\"]", 0 },
    { "[\"\\ud83d\\ude00\"]", 0 },
    { "[\"befo\\2026\"]", 7 },
    { "[\"it\\'s\"]", 5 },
    { "[\"\\ud83d\"]", 3 },
    { "[\"\\ude00x\"]", 3 },
    { "[\"\\u12\"]", 3 },
    { "[\"\xe5\xbc\"]", 3 },
  };

  check_parse_cases (cases, G_N_ELEMENTS (cases), "x is not valid JSON: unexpected character at byte %zd.");
}

static void
test_json_numbers (void)
{
  static const ParseCase cases[] = {
    { "[9223372036854775807, -9223372036854775808, 1e308, 1e-999, 0.5E+3]", 0 },
    { "[9223372036854775808]", 2 },
    { "{\"id\": 18446744073709551615}", 8 },
    { "[1, -9223372036854775809]", 5 },
    { "[1e999]", 2 },
    { "[\"1e999\", -1.8e308]", 11 },
  };

  check_parse_cases (cases, G_N_ELEMENTS (cases), "x holds a number too large to read at byte %zd.");
}

/* json-glib quotes the token it stopped at, cut after so many bytes: in
 * the middle of a character here. */
static void
test_json_message_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_json_parse ("{\"a\":\"一二三四五六七八九十一二三四五六七八九十"
                                              "一二三四五六七八九十一二三四五六七八九十\"x}", -1, "x", &error);

  g_assert_null (node);
  g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "x is not valid JSON: "));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* What siyu_json_to_string () writes reads back as it was, where
 * json_to_string () of json-glib 1.6 writes 1e21 as “1e+21.0”. */
static void
test_json_write (void)
{
  static const char input[] = "{\"z\":[1e21,0.1,3.0,-2.5e-7,1e-05,12],\"a\":\"\\u0001\\u001f\\\"\\\\\\n\\t\u00e9\","
                              "\"m\":{},\"e\":[],\"t\":true,\"n\":null}";
  g_autoptr(JsonNode) node = siyu_json_parse (input, -1, "x", NULL);
  g_autoptr(JsonNode) infinite = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *again = NULL;
  g_autofree char *inf = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(JsonNode) back_pretty = NULL;

  g_assert_nonnull (node);
  compact = siyu_json_to_string (node, FALSE);
  g_assert_cmpstr (compact, ==, "{\"z\":[1e+21,0.1,3.0,-2.5e-07,1e-05,12],"
                                "\"a\":\"\\u0001\\u001f\\\"\\\\\\n\\t\u00e9\",\"m\":{},\"e\":[],\"t\":true,\"n\":null}");
  back = siyu_json_parse (compact, -1, "compact", NULL);
  g_assert_nonnull (back);
  g_assert_true (json_node_equal (node, back));

  pretty = siyu_json_to_string (node, TRUE);
  g_assert_true (g_str_has_prefix (pretty, "{\n  \"z\" : [\n    1e+21,\n    0.1,"));
  g_assert_true (g_str_has_suffix (pretty, "\"m\" : {},\n  \"e\" : [],\n  \"t\" : true,\n  \"n\" : null\n}"));
  back_pretty = siyu_json_parse (pretty, -1, "pretty", NULL);
  g_assert_nonnull (back_pretty);
  again = siyu_json_to_string (back_pretty, FALSE);
  g_assert_cmpstr (again, ==, compact);

  json_array_add_double_element (array, INFINITY);
  json_array_add_double_element (array, NAN);
  json_node_set_array (infinite, array);
  inf = siyu_json_to_string (infinite, FALSE);
  g_assert_cmpstr (inf, ==, "[null,null]");
}

static void
test_is_blank (void)
{
  g_assert_true (siyu_text_is_blank (NULL));
  g_assert_true (siyu_text_is_blank (""));
  g_assert_true (siyu_text_is_blank (" \t\r\n"));
  g_assert_false (siyu_text_is_blank (" x "));
  /* A full-width space is not ASCII white space: a value, not a blank. */
  g_assert_false (siyu_text_is_blank ("\xe3\x80\x80"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/text/clip", test_clip);
  g_test_add_func ("/siyu/text/is-blank", test_is_blank);
  g_test_add_func ("/siyu/text/controls", test_controls);
  g_test_add_func ("/siyu/text/csv-guard", test_csv_guard);
  g_test_add_func ("/siyu/text/json-depth", test_json_depth);
  g_test_add_func ("/siyu/text/json-escapes", test_json_escapes);
  g_test_add_func ("/siyu/text/json-numbers", test_json_numbers);
  g_test_add_func ("/siyu/text/json-write", test_json_write);
  g_test_add_func ("/siyu/text/json-message-utf8", test_json_message_utf8);
  g_test_add_func ("/siyu/text/output-file", test_output_file);
  g_test_add_func ("/siyu/text/output-file-leftovers", test_output_file_leftovers);

  g_test_add_func ("/siyu/text/clip-quotes", test_clip_quotes);

  return g_test_run ();
}
