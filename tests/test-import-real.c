/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "siyu-import.h"
#include "siyu-orders.h"
#include "siyu-json.h"
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

/* A return that names its original order is a refund of it: the order's
 * net falls by the return's amount, never below zero, whether the return
 * comes before or after the order in the file; one whose original the
 * shop does not have changes no figure.  Chinese headers, as a shop's
 * own export names them. */
static void
test_linked_returns (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(SiyuImport) again = NULL;
  g_autofree char *cli_shop = g_build_filename (dir, "cli.siyu", NULL);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  const SiyuImportCounts *counts;
  const char *file =
    "订单号,下单时间,手机号,商品编码,商品名称,数量,单价,原订单号\n"
    /* The return of T2 comes first, its original later. */
    "T2-R,2025-03-05 10:00,13900139000,P1,茶壶,-1,100,T2\n"
    "T1,2025-03-01 10:00,13800138000,C1,茶杯,2,5,\n"
    "T1,2025-03-01 10:00,13800138000,T1,绿茶,1,30,\n"
    "T2,2025-03-02 11:00,13900139000,P1,茶壶,2,100,\n"
    /* A return of one cup of T1, then one larger than all of T1. */
    "T1-R1,2025-03-03 09:00,13800138000,C1,茶杯,-1,5,T1\n"
    "T1-R2,2025-03-04 09:00,13800138000,T1,绿茶,-3,30,T1\n"
    /* A return of an order the shop has never had. */
    "X9-R,2025-03-06 09:00,13700137000,T1,绿茶,-1,30,X9\n";

  import = import_text (shop, dir, file);
  counts = siyu_import_get_counts (import);
  g_assert_cmpuint (counts->rows_rejected, ==, 0);
  g_assert_cmpuint (counts->orders_created, ==, 2);
  g_assert_cmpuint (counts->returns, ==, 4);
  g_assert_cmpuint (counts->returns_linked, ==, 3);
  g_assert_cmpuint (counts->returns_unlinked, ==, 1);

  /* T1 is 40.00: 5.00 back, then 90.00 more, which stops at its total.
   * T2 is 200.00, 100.00 back. */
  assert_query (shop, "SELECT external_ref, status, total_amount, refunded_amount FROM orders ORDER BY external_ref",
                "T1|paid|4000|4000\nT2|paid|20000|10000\n");
  assert_query (shop, "SELECT r.external_ref, o.external_ref, r.total_amount FROM returns r "
                      "LEFT JOIN orders o ON o.id = r.order_id ORDER BY r.external_ref",
                "T1-R1|T1|500\nT1-R2|T1|9000\nT2-R|T2|10000\nX9-R||3000\n");
  assert_query (shop, "SELECT o.external_ref, f.external_ref, f.amount, f.reason FROM refunds f "
                      "JOIN orders o ON o.id = f.order_id ORDER BY f.external_ref",
                "T1|return:T1-R1|500|\nT1|return:T1-R2|9000|\nT2|return:T2-R|10000|\n");

  /* The order says which returns refunded it, by their numbers; no text
   * in one language is stored for them. */
  {
    gint64 t1 = siyu_db_query_int (siyu_shop_get_db (shop), "SELECT id FROM orders WHERE external_ref = 'T1'", NULL);
    g_autoptr(JsonNode) described = siyu_order_describe (shop, t1, NULL);
    JsonArray *refunds;
    g_autofree char *text = NULL;

    g_assert_nonnull (described);
    refunds = json_object_get_array_member (json_node_get_object (described), "refunds");
    text = siyu_json_to_string (json_array_get_element (refunds, 0), FALSE);
    g_assert_cmpstr (text, ==, "{\"reference\":\"return:T1-R1\",\"amount\":500,\"created_at\":"
                     "1740963600,\"reason\":null,\"return\":\"T1-R1\"}");
  }

  /* Again: nothing changes, no refund counted twice. */
  again = import_text (shop, dir, file);
  counts = siyu_import_get_counts (again);
  g_assert_cmpuint (counts->orders_unchanged, ==, 2);
  g_assert_cmpuint (counts->returns_linked, ==, 3);
  assert_query (shop, "SELECT count (*), sum (amount) FROM refunds", "3|19500\n");
  assert_query (shop, "SELECT sum (refunded_amount) FROM orders", "14000\n");

  path = g_build_filename (dir, "orders.csv", NULL);
  g_assert_cmpint (siyu_test_run_cli (NULL, NULL, "create", "--db", cli_shop, "--name", "CLI", NULL), ==, 0);
  g_assert_cmpint (siyu_test_run_cli (&out, NULL, "import", "--db", cli_shop, "--no-recompute", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "3 returns name their original order: refunded from that order\n"));
  g_assert_nonnull (strstr (out, "Warning: 1 return names an original order the shop does not have; it changes no figure\n"));
}

/* An import larger than the shop writes without the secondary indexes and
 * the counting triggers, and makes them again: the shop then opens as one
 * Siyu made, its data version counts every row, and the same file read in
 * another order gives the same shop.  One that fails leaves the shop as it
 * was, schema and all. */
static GString *
large_file (gboolean  scattered,
            guint    *n_lines)
{
  GString *file = g_string_new (HEADER);
  guint lines = 0;

  /* 4,000 orders of three lines by 1,000 phones; scattered, each order's
   * last line comes after every other line. */
  for (guint pass = 0; pass < (scattered ? 2 : 1); pass++)
    for (guint o = 0; o < 4000; o++)
      for (guint l = 0; l < 3; l++)
        {
          if (scattered && (pass == 0) != (l < 2))
            continue;
          g_string_append_printf (file, "L%05u,2025-%02u-%02u 10:%02u,1380000%04u,,SKU%u,Item %u,%u,%u.%02u\n",
                                  o, 1 + o / 400, 1 + o % 28, o % 60, o % 1000, l, l, 1 + l, 10 + o % 7, l * 5);
          lines++;
        }
  *n_lines = lines;
  return file;
}

static void
test_large_import (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "large.csv", NULL);
  g_autofree char *shop_path = NULL;
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuShop) other = NULL;
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(GString) together = NULL;
  g_autoptr(GString) scattered = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (dir, "other.siyu", NULL);
  const char *fingerprint =
    "SELECT count (*), sum (o.total_amount), sum (o.contact_id * o.total_amount), "
    "  (SELECT count (*) FROM order_items), (SELECT sum (order_id * line_total) FROM order_items), "
    "  (SELECT count (*) FROM contacts) "
    "FROM orders o";
  gint64 before, after;
  guint n_lines;
  gboolean stale;

  together = large_file (FALSE, &n_lines);
  g_assert_cmpuint (n_lines, ==, 12000);

  /* A bad line in a file that must go in whole: nothing changes. */
  g_string_append (together, "L99999,2025-13-45 10:00,13800000000,,SKU0,Item 0,1,10\n");
  g_assert_true (g_file_set_contents (path, together->str, (gssize) together->len, NULL));
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_false (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_REJECTED);
  g_clear_error (&error);
  g_clear_object (&import);
  assert_query (shop, "SELECT count (*) FROM orders", "0\n");
  shop_path = g_strdup (siyu_shop_get_path (shop));
  g_clear_object (&shop);
  shop = siyu_shop_open (shop_path, &error);
  g_assert_no_error (error);

  /* The shop has the first order already: stored first, it is found. */
  {
    const char *first_order = strchr (together->str, '\n') + 1;
    const char *fourth_line = first_order;
    g_autofree char *head = NULL;

    for (int i = 0; i < 3; i++)
      fourth_line = strchr (fourth_line, '\n') + 1;
    head = g_strndup (together->str, (gsize) (fourth_line - together->str));
    g_assert_true (g_file_set_contents (path, head, -1, NULL));
    import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
    g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (siyu_import_get_counts (import)->orders_created, ==, 1);
    g_clear_object (&import);
  }

  g_string_truncate (together, together->len - strlen ("L99999,2025-13-45 10:00,13800000000,,SKU0,Item 0,1,10\n"));
  g_assert_true (g_file_set_contents (path, together->str, (gssize) together->len, NULL));
  before = siyu_shop_get_data_version (shop, NULL);
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_import_get_counts (import)->orders_created, ==, 3999);
  g_assert_cmpuint (siyu_import_get_counts (import)->orders_unchanged, ==, 1);
  g_assert_cmpuint (siyu_import_get_counts (import)->items_created, ==, 11997);
  g_assert_cmpuint (siyu_import_get_counts (import)->contacts_created, ==, 999);
  g_clear_object (&import);

  /* Every row counted, as the triggers would have. */
  after = siyu_shop_get_data_version (shop, NULL);
  g_assert_cmpint (after - before, ==, 999 + 3999 + 11997);
  g_assert_true (siyu_shop_figures_are_stale (shop, &stale, NULL));
  g_assert_true (stale);
  assert_query (shop, "SELECT count (*) FROM sqlite_schema WHERE type = 'index' AND tbl_name IN "
                      "('contacts', 'orders', 'order_items', 'returns', 'return_items')",
                "19\n");
  assert_query (shop, "PRAGMA integrity_check", "ok\n");
  g_clear_object (&shop);
  shop = siyu_shop_open (shop_path, &error);
  g_assert_no_error (error);

  /* The same lines scattered, into another shop: the same shop. */
  scattered = large_file (TRUE, &n_lines);
  g_assert_cmpuint (n_lines, ==, 12000);
  g_assert_true (g_file_set_contents (path, scattered->str, (gssize) scattered->len, NULL));
  other = siyu_shop_create (other_path, "Other", "CNY", "Asia/Shanghai", &error);
  g_assert_no_error (error);
  import = siyu_import_new (other, path, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&import);
  {
    g_autoptr(GString) a = g_string_new (NULL);
    g_autoptr(GString) b = g_string_new (NULL);

    sqlite3_exec (siyu_db_get_handle (siyu_shop_get_db (shop)), fingerprint, append_row, a, NULL);
    sqlite3_exec (siyu_db_get_handle (siyu_shop_get_db (other)), fingerprint, append_row, b, NULL);
    g_assert_cmpstr (a->str, ==, b->str);
    g_assert_cmpstr (a->str, !=, "");
  }

  /* Again into the first shop: nothing changes, and the shop keeps its
   * indexes as they are (no rebuild for a file it already has). */
  before = siyu_shop_get_data_version (shop, NULL);
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_import_get_counts (import)->orders_unchanged, ==, 4000);
  g_assert_cmpint (siyu_shop_get_data_version (shop, NULL), ==, before);
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
  g_test_add_func ("/siyu/import-real/linked-returns", test_linked_returns);
  g_test_add_func ("/siyu/import-real/large-import", test_large_import);
  g_test_add_func ("/siyu/import-real/repeated-lines", test_repeated_lines);
  g_test_add_func ("/siyu/import-real/rounded", test_rounded);
  g_test_add_func ("/siyu/import-real/times", test_times);
  g_test_add_func ("/siyu/import-real/excel-identifiers", test_excel_identifiers);
  g_test_add_func ("/siyu/import-real/online-retail", test_online_retail);

  return g_test_run ();
}
