/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "siyu-import.h"
#include "siyu-test-util.h"

/* Real exports as they are (issue 17): unsorted, without a status column,
 * with returns, repeated lines, prices finer than a cent, lines at
 * different times, identifiers that went through Excel; and the UCI Online
 * Retail data set when ../shared is beside the checkout. */

#define HEADER "order_ref,created_at,phone,customer_id,sku,product_name,quantity,unit_price\n"

static int
append_row (void  *data,
            int    n,
            char **values,
            char **names G_GNUC_UNUSED)
{
  GString *out = data;

  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, values[i] != NULL ? values[i] : "");
    }
  g_string_append_c (out, '\n');
  return 0;
}

static void
assert_query (SiyuShop   *shop,
              const char *sql,
              const char *expected)
{
  g_autoptr(GString) out = g_string_new (NULL);
  char *message = NULL;

  sqlite3_exec (siyu_db_get_handle (siyu_shop_get_db (shop)), sql, append_row, out, &message);
  g_assert_cmpstr (message, ==, NULL);
  g_assert_cmpstr (out->str, ==, expected);
}

static char *
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Imports @contents keeping the valid rows; no preset, the columns named
 * as Siyu's fields. */
static SiyuImport *
import_text (SiyuShop   *shop,
             const char *dir,
             const char *contents)
{
  g_autofree char *path = write_file (dir, "orders.csv", contents);
  g_autofree char *rejects = g_build_filename (dir, "rejected.csv", NULL);
  g_autoptr(GError) error = NULL;
  SiyuImport *import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);

  g_assert_true (siyu_import_run (import, SIYU_IMPORT_VALID_ROWS, rejects, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return import;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
time_text (SiyuShop   *shop,
           const char *local)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, siyu_test_time (shop, local));
}

/* One order's lines scattered over the file are one order, numbered in the
 * order the orders first appear. */
static void
test_unsorted (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;
  const char *file =
    HEADER
    "A1,2025-03-01 10:00,13800138000,,T1,Tea,1,10\n"
    "A2,2025-03-01 11:00,13900139000,,T1,Tea,2,10\n"
    "A1,2025-03-01 10:00,13800138000,,C1,Cup,1,5\n"
    "A3,2025-03-02 09:00,,,T1,Tea,1,10\n"
    "A2,2025-03-01 11:00,13900139000,,C1,Cup,3,5\n"
    "A1,2025-03-01 10:00,13800138000,,P1,Pot,1,100\n";
  const SiyuImportCounts *counts;

  import = import_text (shop, dir, file);
  counts = siyu_import_get_counts (import);
  g_assert_cmpuint (counts->rows, ==, 6);
  g_assert_cmpuint (counts->rows_rejected, ==, 0);
  g_assert_cmpuint (counts->orders_created, ==, 3);
  g_assert_cmpuint (counts->items_created, ==, 6);
  assert_query (shop, "SELECT id, external_ref, status, total_amount, item_count, contact_id FROM orders ORDER BY id",
                "1|A1|paid|11500|3|1\n"
                "2|A2|paid|3500|2|2\n"
                "3|A3|paid|1000|1|\n");
  assert_query (shop, "SELECT order_id, sku, quantity, line_total FROM order_items ORDER BY id",
                "1|T1|1|1000\n1|C1|1|500\n1|P1|1|10000\n2|T1|2|2000\n2|C1|3|1500\n3|T1|1|1000\n");
  g_clear_object (&import);

  /* Again: nothing changes. */
  import = import_text (shop, dir, file);
  g_assert_cmpuint (siyu_import_get_counts (import)->orders_unchanged, ==, 3);
  g_assert_cmpuint (siyu_import_get_counts (import)->orders_created, ==, 0);
  assert_query (shop, "SELECT count (*) FROM order_items", "6\n");
}

/* Without a status column an order of positive quantities is a sale. */
static void
test_no_status (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *shop_path = g_build_filename (dir, "cli.siyu", NULL);
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *with_status = NULL;
  g_autofree char *without = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_false (siyu_import_field_is_required (SIYU_IMPORT_ORDERS, "status"));

  without = write_file (dir, "no-status.csv", HEADER "N1,2025-03-01 10:00,13800138000,,T1,Tea,2,10\n");
  import = siyu_import_new (shop, without, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_open (import, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_import_check_mapping (import, &error));
  g_assert_no_error (error);
  g_assert_false (siyu_import_has_status_column (import));
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_query (shop, "SELECT external_ref, status, total_amount FROM orders", "N1|paid|2000\n");
  g_clear_object (&import);

  with_status = write_file (dir, "status.csv", "order_ref,created_at,status,product_name,unit_price\n"
                                               "S1,2025-03-01,refunded,Tea,10\n");
  import = siyu_import_new (shop, with_status, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_open (import, NULL, &error));
  g_assert_true (siyu_import_has_status_column (import));
  g_clear_object (&import);

  g_assert_cmpint (siyu_test_run_cli (NULL, NULL, "create", "--db", shop_path, "--name", "CLI", NULL), ==, 0);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop_path, "--no-recompute", without, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No status column: every order counts as paid.\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", shop_path, "--no-recompute", with_status, NULL), ==, 0);
  g_assert_null (strstr (out, "No status column"));
}

/* An invoice of negative quantities is a return, kept apart from the
 * orders; a negative line in a sale is a stock adjustment, skipped. */
static void
test_returns (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *t = time_text (shop, "2025-03-02 09:00:00");
  const SiyuImportCounts *counts;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cli_shop = g_build_filename (dir, "cli.siyu", NULL);

  import = import_text (shop, dir,
                        HEADER
                        "536365,2025-03-01 10:00,,17850,T1,Tea,6,2.55\n"
                        "536365,2025-03-01 10:00,,17850,C1,Cup,-1,5\n"
                        "C536379,2025-03-02 09:00,,17850,T1,Tea,-2,2.55\n"
                        "C536379,2025-03-02 09:00,,17850,C1,Cup,-1,5\n"
                        "C536380,2025-03-02 09:30,,14000,T1,Tea,-1,2.55\n");
  counts = siyu_import_get_counts (import);
  g_assert_cmpuint (counts->rows_rejected, ==, 0);
  g_assert_cmpuint (counts->orders_created, ==, 1);
  g_assert_cmpuint (counts->returns, ==, 2);
  g_assert_cmpuint (counts->adjustments_skipped, ==, 1);
  g_assert_cmpuint (counts->items_created, ==, 1);

  /* Only the sale is an order, with the tea alone. */
  assert_query (shop, "SELECT external_ref, status, total_amount, item_count FROM orders", "536365|paid|1530|1\n");
  expected = g_strdup_printf ("C536379|1|%s|1010|2\nC536380|2||255|1\n", t);
  assert_query (shop, "SELECT r.external_ref, r.contact_id, "
                      "  CASE WHEN r.external_ref = 'C536379' THEN r.created_at END, r.total_amount, r.item_count "
                      "FROM returns r ORDER BY r.id", expected);
  assert_query (shop, "SELECT return_id, sku, quantity, unit_price, line_total FROM return_items ORDER BY id",
                "1|T1|2|255|510\n1|C1|1|500|500\n2|T1|1|255|255\n");
  /* The customer with only a return is known but has bought nothing. */
  assert_query (shop, "SELECT count (*) FROM contacts", "2\n");
  assert_query (shop, "SELECT count (DISTINCT contact_id) FROM orders WHERE status = 'paid'", "1\n");

  path = g_build_filename (dir, "orders.csv", NULL);
  g_assert_cmpint (siyu_test_run_cli (NULL, NULL, "create", "--db", cli_shop, "--name", "CLI", NULL), ==, 0);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", cli_shop, "--no-recompute", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Returns: 2 (all quantities below zero; not sales)\n"));
  g_assert_nonnull (strstr (out, "1 stock adjustment line skipped (quantity below one in a sale)\n"));
}

/* A line like another of its order is a line of its own, with a warning. */
static void
test_repeated_lines (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;

  import = import_text (shop, dir,
                        HEADER
                        "R1,2025-03-01 10:00,13800138000,,T1,Tea,1,10\n"
                        "R1,2025-03-01 10:00,13800138000,,T1,Tea,1,10\n"
                        "R2,2025-03-01 10:00,13800138000,,T1,Tea,1,10\n"
                        "R1,2025-03-01 10:00,13800138000,,T1,Tea,1,10\n"
                        "R1,2025-03-01 10:00,13800138000,,C1,Cup,1,5\n");
  g_assert_cmpuint (siyu_import_get_counts (import)->rows_rejected, ==, 0);
  g_assert_cmpuint (siyu_import_get_counts (import)->lines_repeated, ==, 2);
  assert_query (shop, "SELECT external_ref, total_amount, item_count FROM orders ORDER BY id",
                "R1|3500|4\nR2|1000|1\n");
}

/* Prices finer than a cent: each line's total is rounded half up. */
static void
test_rounded (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;

  import = import_text (shop, dir,
                        HEADER
                        "P1,2025-03-01 10:00,,,T1,Tea,12,0.001\n"
                        "P1,2025-03-01 10:00,,,C1,Cup,1,0.005\n"
                        "P1,2025-03-01 10:00,,,P1,Pot,3,1.50\n"
                        "P2,2025-03-01 10:00,,,T1,Tea,1,0.0001\n");
  g_assert_cmpuint (siyu_import_get_counts (import)->amounts_rounded, ==, 2);
  g_assert_cmpuint (siyu_import_get_counts (import)->rows_rejected, ==, 1);
  g_assert_cmpstr (siyu_import_get_problem (import, 0)->message, ==,
                   "“0.0001” is not an amount of money: it has more decimals than the currency has.");
  assert_query (shop, "SELECT sku, quantity, unit_price, line_total FROM order_items ORDER BY id",
                "T1|12|0|1\nC1|1|1|1\nP1|3|150|450\n");
  assert_query (shop, "SELECT external_ref, total_amount FROM orders", "P1|452\n");
}

/* Lines minutes apart: the earliest time, with a warning; days apart: the
 * order is refused, naming both rows. */
static void
test_times (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;
  g_autofree char *t = time_text (shop, "2025-03-01 10:00:00");
  g_autofree char *expected = g_strdup_printf ("M1|%s|2\n", t);
  const SiyuImportProblem *problem;

  import = import_text (shop, dir,
                        HEADER
                        "M1,2025-03-01 10:03,,,T1,Tea,1,10\n"
                        "D1,2025-03-01 10:00,,,T1,Tea,1,10\n"
                        "M1,2025-03-01 10:00,,,C1,Cup,1,5\n"
                        "D1,2025-03-03 10:00,,,C1,Cup,1,5\n");
  g_assert_cmpuint (siyu_import_get_counts (import)->times_disagreed, ==, 1);
  g_assert_cmpuint (siyu_import_get_counts (import)->rows_rejected, ==, 2);
  assert_query (shop, "SELECT external_ref, created_at, item_count FROM orders", expected);
  problem = siyu_import_get_problem (import, 1);
  g_assert_cmpuint (problem->row, ==, 5);
  g_assert_cmpstr (problem->column, ==, "created_at");
  g_assert_cmpstr (problem->message, ==,
                   "Row 3 says the order was made at “2025-03-01 10:00” and row 5 at “2025-03-03 10:00”, "
                   "more than a day apart; the lines of one order must agree on its time.");
  g_assert_cmpuint (siyu_import_get_problem (import, 0)->row, ==, 3);
}

/* 17850.0 is the customer 17850; a phone in scientific notation is
 * refused, saying Excel changed it. */
static void
test_excel_identifiers (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;
  const SiyuImportProblem *problem;

  import = import_text (shop, dir,
                        HEADER
                        "X1,2025-03-01 10:00,,17850.0,T1,Tea,1,10\n"
                        "X2,2025-03-02 10:00,,17850,T1,Tea,1,10\n"
                        "X3,2025-03-03 10:00,1.3800138E+10,,T1,Tea,1,10\n"
                        "X4.0,2025-03-04 10:00,,17850.00,T1,Tea,1,10\n");
  assert_query (shop, "SELECT value FROM contact_identities", "17850\n");
  assert_query (shop, "SELECT external_ref, contact_id FROM orders ORDER BY id", "X1|1\nX2|1\nX4.0|1\n");
  g_assert_cmpuint (siyu_import_get_counts (import)->rows_rejected, ==, 1);
  problem = siyu_import_get_problem (import, 0);
  g_assert_cmpuint (problem->row, ==, 4);
  g_assert_cmpstr (problem->column, ==, "phone");
  g_assert_cmpstr (problem->message, ==,
                   "The phone number “1.3800138E+10” was changed by Excel, which wrote it as a number and lost "
                   "its last digits. Format the column as text in Excel, or export the file again from the shop.");
}

/* UCI Online Retail (../shared/data/online-retail, 305 files of one trading
 * day each), as one file: unsorted is not its trouble, but returns,
 * repeated lines, a few 0.001 prices, lines minutes apart and customer ids
 * written 17850.0 are. */
static void
test_online_retail (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *by_day = NULL;
  g_autofree char *path = NULL;
  g_autofree char *rejects = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) days = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GError) error = NULL;
  const SiyuImportCounts *counts;
  const char *name;
  FILE *all;

  if (siyu_test_shared_dir () == NULL)
    {
      g_test_skip ("../shared/data/online-retail is not beside this checkout");
      return;
    }
  by_day = g_build_filename (siyu_test_shared_dir (), "data", "online-retail", "by-day", NULL);
  days = g_dir_open (by_day, 0, NULL);
  if (days == NULL)
    {
      g_test_skip ("../shared/data/online-retail/by-day is missing");
      return;
    }
  while ((name = g_dir_read_name (days)) != NULL)
    if (g_str_has_suffix (name, ".csv"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, ==, 305);

  /* One file with one header. */
  dir = siyu_test_tmpdir ();
  path = g_build_filename (dir, "online-retail.csv", NULL);
  rejects = g_build_filename (dir, "online-retail-rejected.csv", NULL);
  all = g_fopen (path, "wb");
  g_assert_nonnull (all);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *day = g_build_filename (by_day, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      gsize length;
      const char *body;

      g_assert_true (g_file_get_contents (day, &contents, &length, &error));
      g_assert_no_error (error);
      body = contents;
      if (i > 0)
        {
          body = strchr (contents, '\n');
          g_assert_nonnull (body);
          body++;
        }
      g_assert_cmpuint (fwrite (body, 1, length - (gsize) (body - contents), all), ==,
                        length - (gsize) (body - contents));
    }
  g_assert_cmpint (fclose (all), ==, 0);

  shop = siyu_test_new_shop (dir, NULL);
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  siyu_import_map (import, "order_ref", "InvoiceNo");
  siyu_import_map (import, "sku", "StockCode");
  siyu_import_map (import, "product_name", "Description");
  siyu_import_map (import, "quantity", "Quantity");
  siyu_import_map (import, "created_at", "InvoiceDate");
  siyu_import_map (import, "unit_price", "UnitPrice");
  siyu_import_map (import, "customer_id", "CustomerID");
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_VALID_ROWS, rejects, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (siyu_import_has_status_column (import));

  counts = siyu_import_get_counts (import);
  g_assert_cmpuint (counts->rows, ==, 541909);
  /* The two bad-debt adjustments A563186 and A563187, at −11,062.06 each;
   * well under 1 % of the lines. */
  g_assert_cmpuint (counts->rows_rejected, ==, 2);
  g_assert_cmpuint (counts->rows_rejected * 100, <=, counts->rows);
  g_assert_cmpuint (counts->orders_created, ==, 20726);
  /* 3,836 C-numbered credit notes and 1,336 stock write-offs. */
  g_assert_cmpuint (counts->returns, ==, 5172);
  g_assert_cmpuint (counts->adjustments_skipped, ==, 0);
  g_assert_cmpuint (counts->items_created, ==, 531283);
  g_assert_cmpuint (counts->lines_repeated, ==, 5268);
  g_assert_cmpuint (counts->amounts_rounded, ==, 4);
  g_assert_cmpuint (counts->times_disagreed, ==, 43);
  g_assert_cmpuint (counts->contacts_created, ==, 4372);

  /* 20,726 sales invoices and 4,339 customers with a sale; lines without
   * CustomerID are anonymous orders. */
  assert_query (shop, "SELECT count (*), count (DISTINCT contact_id), sum (total_amount) FROM orders "
                      "WHERE status = 'paid'",
                "20726|4339|1066668454\n");
  assert_query (shop, "SELECT count (*), sum (total_amount), sum (item_count) FROM returns", "5172|89681249|10624\n");
  assert_query (shop, "SELECT count (*) FROM returns WHERE external_ref GLOB 'C*'", "3836\n");
  assert_query (shop, "SELECT count (*) FROM contact_identities WHERE value GLOB '*.*'", "0\n");
  g_assert_true (g_file_test (rejects, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/import-real/unsorted", test_unsorted);
  g_test_add_func ("/siyu/import-real/no-status", test_no_status);
  g_test_add_func ("/siyu/import-real/returns", test_returns);
  g_test_add_func ("/siyu/import-real/repeated-lines", test_repeated_lines);
  g_test_add_func ("/siyu/import-real/rounded", test_rounded);
  g_test_add_func ("/siyu/import-real/times", test_times);
  g_test_add_func ("/siyu/import-real/excel-identifiers", test_excel_identifiers);
  g_test_add_func ("/siyu/import-real/online-retail", test_online_retail);

  return g_test_run ();
}
