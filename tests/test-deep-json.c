/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-json.h"
#include "siyu-segments.h"
#include "siyu-test-util.h"

/* JSON from outside nested far deeper than json-glib's recursion survives:
 * a file given to siyu-cli, and a definition stored in a shop file.  Each
 * is refused with a clear error; nothing crashes. */

#define DEPTH 200000

static char *
deep_json (void)
{
  GString *text = g_string_sized_new (2 * DEPTH + 64);

  g_string_append (text, "{\"match\":\"all\",\"conditions\":");
  for (guint i = 0; i < DEPTH; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < DEPTH; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');

  return g_string_free (text, FALSE);
}

typedef struct {
  char     *dir;
  char     *path;
  char     *deep_file;
  SiyuShop *shop;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *text = deep_json ();

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, "shop.siyu");
  f->path = g_strdup (siyu_shop_get_path (f->shop));
  f->deep_file = g_build_filename (f->dir, "deep.json", NULL);
  g_assert_true (g_file_set_contents (f->deep_file, text, -1, NULL));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->shop);
  g_free (f->deep_file);
  g_free (f->path);
  g_free (f->dir);
}

static void
test_cli_files (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = g_strdup_printf ("siyu-cli: “%s” is nested more than 64 levels deep; "
                                               "Siyu does not read it.\n", f->deep_file);
  g_autofree char *small = g_build_filename (f->dir, "small.json", NULL);

  g_clear_object (&f->shop);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", "--json-file", f->deep_file, "--db", f->path,
                                      NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "create", "Deep", "--json-file", f->deep_file,
                                      "--db", f->path, NULL), ==, 1);
  g_assert_cmpstr (err, ==, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "set", "--json-file", f->deep_file, "--db", f->path,
                                      NULL), ==, 1);
  g_assert_cmpstr (err, ==, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A definition of ordinary depth is counted from the file, unsaved. */
  g_assert_true (g_file_set_contents (small, "{\"match\":\"all\",\"conditions\":[]}", -1, NULL));
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", "--json-file", small, "--db", f->path,
                                      "--json", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "{\n  \"count\" : 0,\n  \"unreachable\" : 0,\n  \"given\" : 0,\n  \"unknown\" : 0,\n"
                            "  \"refused\" : 0,\n  \"do_not_contact\" : 0\n}\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", "Deep", "--json-file", small, "--db", f->path,
                                      NULL), ==, 2);
}

/* A shop file written by someone else holds a definition 200,000 levels
 * deep (its CHECK bypassed): listing and showing segments say so. */
static void
test_stored_definition (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *text = deep_json ();
  g_autofree char *sql = g_strdup_printf ("PRAGMA ignore_check_constraints = 1; "
                                          "INSERT INTO segments (name, definition, created_at, updated_at) "
                                          "VALUES ('Deep', '%s', 1, 1); "
                                          "PRAGMA ignore_check_constraints = 0", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 id;

  /* Built-in segments are written on first read. */
  list = siyu_segments_list (f->shop, &error);
  g_assert_no_error (error);
  g_clear_pointer (&list, json_node_unref);
  g_assert_true (siyu_db_exec (siyu_shop_get_db (f->shop), sql, &error));
  g_assert_no_error (error);

  list = siyu_segments_list (f->shop, &error);
  g_assert_null (list);
  g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==, "The definition of the segment “Deep” is nested more than 64 levels deep; "
                                       "Siyu does not read it.");
  g_clear_error (&error);
  id = siyu_db_query_int (siyu_shop_get_db (f->shop), "SELECT id FROM segments WHERE name = 'Deep'", &error);
  g_assert_no_error (error);
  g_assert_null (siyu_segment_get (f->shop, id, &error));
  g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);
  g_clear_object (&f->shop);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", "Deep", "--db", f->path, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: The definition of the segment “Deep” is nested more than 64 levels deep; "
                            "Siyu does not read it.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "list", "--db", f->path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "is nested more than 64 levels deep"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/siyu/deep-json/cli-files", Fixture, NULL, fixture_setup, test_cli_files, fixture_teardown);
  g_test_add ("/siyu/deep-json/stored-definition", Fixture, NULL, fixture_setup, test_stored_definition,
              fixture_teardown);

  return g_test_run ();
}
