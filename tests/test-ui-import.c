/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <sqlite3.h>

#include "siyu-application.h"
#include "siyu-contacts.h"
#include "siyu-db.h"
#include "siyu-import-dialog-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"
#include "siyu-window-private.h"

/* The import dialog: a platform's export recognised, checked and stored;
 * a file Siyu does not know mapped by hand; rows with problems kept aside;
 * a file that cannot be read. */

static SiyuApplication *app;

static gboolean
idle (gpointer data)
{
  return !g_str_equal (_siyu_import_dialog_get_step (data), "working");
}

static void
wait_step (SiyuImportDialog *dialog,
           const char       *step)
{
  siyu_test_wait_for (idle, dialog);
  if (g_str_equal (_siyu_import_dialog_get_step (dialog), "failed") && !g_str_equal (step, "failed"))
    g_error ("The import failed: %s", _siyu_import_dialog_get_failure (dialog));
  g_assert_cmpstr (_siyu_import_dialog_get_step (dialog), ==, step);
}

static char *
query (const char *path,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);
  sqlite3_stmt *stmt;
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (shop)), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return g_string_free (out, FALSE);
}

static void
assert_query (const char *path,
              const char *sql,
              const char *expected)
{
  g_autofree char *found = query (path, sql);

  g_assert_cmpstr (found, ==, expected);
}

static void
count_cb (gpointer data)
{
  (*(guint *) data)++;
}

typedef struct {
  char             *dir;
  SiyuShop         *shop;
  SiyuWindow       *window;
  SiyuImportDialog *dialog;
  guint             imported;
} Fixture;

static void
fixture_open (Fixture    *f,
              const char *file)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (file);

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, "小王的茶叶店");
  f->window = siyu_window_new (app, f->shop);
  gtk_window_present (GTK_WINDOW (f->window));
  f->dialog = SIYU_IMPORT_DIALOG (siyu_window_import (f->window, gfile));
  g_object_add_weak_pointer (G_OBJECT (f->dialog), (gpointer *) &f->dialog);
  g_signal_connect_swapped (f->dialog, "imported", G_CALLBACK (count_cb), &f->imported);
}

static void
fixture_close (Fixture *f)
{
  /* Closed as the owner would, and gone with all it held. */
  if (f->dialog != NULL)
    {
      gtk_window_close (GTK_WINDOW (f->dialog));
      siyu_test_drain ();
    }
  g_assert_null (f->dialog);
  g_object_ref (f->window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  siyu_test_drain ();
  g_assert_finalize_object (f->window);
  g_clear_object (&f->shop);
  g_free (f->dir);
}

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}

/* Youzan's order export, with its Chinese headers, recognised without
 * help, checked, then stored and the figures counted again. */
static void
test_recognised (void)
{
  g_autofree char *file = fixture_path ("youzan-orders.csv");
  Fixture f = { NULL, };
  const SiyuImportCounts *counts;

  fixture_open (&f, file);
  wait_step (f.dialog, "setup");
  g_assert_cmpstr (siyu_import_get_preset (_siyu_import_dialog_get_import (f.dialog)), ==, "youzan-orders");
  g_assert_true (_siyu_import_dialog_can_go_on (f.dialog));

  /* One click: a file without problems is imported at once. */
  g_assert_cmpuint (f.imported, ==, 0);
  _siyu_import_dialog_next (f.dialog);
  wait_step (f.dialog, "done");
  counts = siyu_import_get_counts (_siyu_import_dialog_get_import (f.dialog));
  g_assert_cmpuint (counts->rows, ==, 6);
  g_assert_cmpuint (counts->contacts_created, ==, 4);
  g_assert_cmpuint (counts->orders_created, ==, 5);
  g_assert_cmpuint (counts->rows_rejected, ==, 0);
  g_assert_cmpuint (f.imported, ==, 1);
  assert_query (siyu_shop_get_path (f.shop), "SELECT count (*) FROM orders", "5\n");
  assert_query (siyu_shop_get_path (f.shop), "SELECT count (*) FROM contacts", "4\n");
  /* The figures were counted again: every contact has a stage. */
  assert_query (siyu_shop_get_path (f.shop), "SELECT count (*) FROM contact_metrics", "4\n");

  /* From the done page straight to the segments worth acting on. */
  g_assert_cmpstr (_siyu_window_get_place (f.window), ==, "overview");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.dialog), "import.show-segments", NULL));
  siyu_test_drain ();
  g_assert_null (f.dialog);
  g_assert_cmpstr (_siyu_window_get_place (f.window), ==, "segments");
  fixture_close (&f);
}

/* The text of the count row titled @title anywhere under @widget, or NULL. */
static const char *
count_row (GtkWidget  *widget,
           const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    {
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          GtkWidget *label = child;

          /* The suffix label is deep in the row's box. */
          while (label != NULL && !GTK_IS_LABEL (label))
            label = gtk_widget_get_last_child (label);
          if (label != NULL)
            return gtk_label_get_label (GTK_LABEL (label));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = count_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* An order file of someone the owner erased: the check and the import say
 * how many rows were kept anonymous, and nobody comes back. */
static void
test_erased (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "orders.csv", NULL);
  g_autoptr(GFile) gfile = g_file_new_for_path (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuIngest) ingest = NULL;
  Fixture f = { NULL, };
  SiyuContactRecord record = {
    .name = "周敏", .phone = "13700137000", .seen_at = 1700000000, .consent = -1, .do_not_contact = -1,
  };
  gint64 id;

  g_assert_true (g_file_set_contents (file,
    "order_ref,created_at,status,phone,name,product_name,quantity,unit_price,line_total,order_total\n"
    "A-1,2025-03-01 10:00:00,paid,13700137000,周敏,龙井,1,128.00,128.00,256.00\n"
    "A-1,2025-03-01 10:00:00,paid,13700137000,周敏,碧螺春,1,128.00,128.00,256.00\n"
    "A-2,2025-03-02 10:00:00,paid,13800138000,王芳,龙井,1,128.00,128.00,128.00\n", -1, NULL));
  f.dir = g_strdup (dir);
  f.shop = siyu_test_new_shop (f.dir, "小王的茶叶店");
  ingest = siyu_ingest_new (f.shop);
  id = siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (siyu_contact_erase (f.shop, id, &error));
  g_assert_no_error (error);

  f.window = siyu_window_new (app, f.shop);
  gtk_window_present (GTK_WINDOW (f.window));
  f.dialog = SIYU_IMPORT_DIALOG (siyu_window_import (f.window, gfile));
  g_object_add_weak_pointer (G_OBJECT (f.dialog), (gpointer *) &f.dialog);
  g_signal_connect_swapped (f.dialog, "imported", G_CALLBACK (count_cb), &f.imported);
  wait_step (f.dialog, "setup");
  _siyu_import_dialog_next (f.dialog);
  wait_step (f.dialog, "done");
  g_assert_cmpstr (count_row (GTK_WIDGET (f.dialog), "Rows of erased people kept anonymous"), ==, "2");
  assert_query (siyu_shop_get_path (f.shop), "SELECT count (*) FROM orders WHERE contact_id IS NULL", "1\n");
  assert_query (siyu_shop_get_path (f.shop), "SELECT count (*) FROM contacts WHERE erased_at IS NULL", "1\n");

  _siyu_import_dialog_next (f.dialog);
  siyu_test_drain ();
  fixture_close (&f);
}

/* A file whose headers no preset knows: its columns are recognised by
 * their headers and values, each row says how sure, and the owner can
 * still change one; Check stays off while a needed field has none. */
static void
test_mapped_by_hand (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "我的订单.csv", NULL);
  g_autoptr(GError) error = NULL;
  Fixture f = { NULL, };

  g_file_set_contents (file,
                       "单号;下单日期;状态;手机;商品;金额;列7\n"
                       "X-1;2026-03-01 10:00;交易成功;13800138000;龙井;¥88.50;x1@example.com\n"
                       "X-2;2026-03-02 11:00;交易成功;13912345678;碧螺春;120;x2@example.com\n",
                       -1, &error);
  g_assert_no_error (error);

  fixture_open (&f, file);
  wait_step (f.dialog, "setup");
  g_assert_cmpint (siyu_import_get_delimiter (_siyu_import_dialog_get_import (f.dialog)), ==, ';');
  g_assert_true (_siyu_import_dialog_can_go_on (f.dialog));
  g_assert_cmpstr (_siyu_import_dialog_get_column_hint (f.dialog, "order_ref"), ==, "Needed · Recognised by its header");
  g_assert_cmpstr (_siyu_import_dialog_get_column_hint (f.dialog, "phone"), ==, "Recognised by its header");
  g_assert_cmpstr (_siyu_import_dialog_get_column_hint (f.dialog, "email"), ==, "Probably this column: check it");
  g_assert_null (_siyu_import_dialog_get_column_hint (f.dialog, "sku"));

  /* Without an order number there is nothing to import. */
  g_assert_true (_siyu_import_dialog_map (f.dialog, "order_ref", NULL));
  g_assert_false (_siyu_import_dialog_can_go_on (f.dialog));
  g_assert_true (_siyu_import_dialog_map (f.dialog, "order_ref", "单号"));
  g_assert_false (_siyu_import_dialog_map (f.dialog, "phone", "no such column"));
  g_assert_true (_siyu_import_dialog_map (f.dialog, "email", NULL));
  g_assert_true (_siyu_import_dialog_can_go_on (f.dialog));

  _siyu_import_dialog_next (f.dialog);
  wait_step (f.dialog, "done");
  g_assert_cmpuint (siyu_import_get_counts (_siyu_import_dialog_get_import (f.dialog))->orders_created, ==, 2);
  assert_query (siyu_shop_get_path (f.shop), "SELECT total_amount FROM orders ORDER BY external_ref",
                "8850\n12000\n");
  assert_query (siyu_shop_get_path (f.shop), "SELECT count (*) FROM contacts WHERE email IS NOT NULL", "0\n");

  fixture_close (&f);
}

/* A till's export: no status column, a return among the sales.  The
 * done page counts the return apart from the orders. */
static void
test_returns_shown (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "till.csv", NULL);
  g_autoptr(GError) error = NULL;
  Fixture f = { NULL, };

  g_file_set_contents (file,
                       "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
                       "536365,85123A,TEA TIN,6,2010-12-01 08:26,2.55,17850\n"
                       "C536379,85123A,TEA TIN,-1,2010-12-01 09:41,2.55,17850\n"
                       "536366,22633,TEA CUP,2,2010-12-01 08:28,1.85,17850.0\n"
                       "536365,22752,TEA SET,2,2010-12-01 08:26,7.65,17850\n",
                       -1, &error);
  g_assert_no_error (error);

  fixture_open (&f, file);
  wait_step (f.dialog, "setup");
  g_assert_false (siyu_import_has_status_column (_siyu_import_dialog_get_import (f.dialog)));
  g_assert_true (_siyu_import_dialog_can_go_on (f.dialog));
  _siyu_import_dialog_next (f.dialog);
  wait_step (f.dialog, "done");
  g_assert_cmpstr (count_row (GTK_WIDGET (f.dialog), "New orders"), ==, "2");
  g_assert_cmpstr (count_row (GTK_WIDGET (f.dialog), "Returns, not counted as sales"), ==, "1");
  g_assert_cmpstr (count_row (GTK_WIDGET (f.dialog), "New contacts"), ==, "1");
  assert_query (siyu_shop_get_path (f.shop), "SELECT status || '|' || total_amount FROM orders ORDER BY external_ref",
                "paid|3060\npaid|370\n");
  fixture_close (&f);
}

/* A row with an impossible date is shown with its row and column; the
 * other rows can be imported and the bad one saved to fix. */
static void
test_problems (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "orders.csv", NULL);
  g_autofree char *rejected = NULL;
  g_autoptr(GError) error = NULL;
  const SiyuImportCounts *counts;
  const SiyuImportProblem *problem;
  Fixture f = { NULL, };

  g_file_set_contents (file,
                       "order_ref,created_at,status,phone,sku,order_total\n"
                       "S-1,2026-03-01 10:00,paid,13800138000,LJ-250,100\n"
                       "S-2,2026-02-30 10:00,paid,13912345678,LJ-250,200\n"
                       "S-3,2026-03-03 10:00,paid,13600136000,LJ-250,300\n",
                       -1, &error);
  g_assert_no_error (error);

  fixture_open (&f, file);
  wait_step (f.dialog, "setup");
  _siyu_import_dialog_next (f.dialog);
  wait_step (f.dialog, "checked");
  counts = siyu_import_get_counts (_siyu_import_dialog_get_import (f.dialog));
  g_assert_cmpuint (counts->rows_rejected, ==, 1);
  g_assert_cmpuint (siyu_import_get_n_problems (_siyu_import_dialog_get_import (f.dialog)), ==, 1);
  problem = siyu_import_get_problem (_siyu_import_dialog_get_import (f.dialog), 0);
  g_assert_cmpuint (problem->row, ==, 3);
  g_assert_cmpstr (problem->column, ==, "created_at");
  g_assert_true (_siyu_import_dialog_can_go_on (f.dialog));

  _siyu_import_dialog_next (f.dialog);
  wait_step (f.dialog, "done");
  assert_query (siyu_shop_get_path (f.shop), "SELECT external_ref FROM orders ORDER BY external_ref", "S-1\nS-3\n");
  rejected = siyu_test_read_file (_siyu_import_dialog_get_reject_path (f.dialog), NULL);
  /* For Excel: a byte order mark, the file's columns and why. */
  g_assert_cmpstr (rejected, ==,
                   "\xef\xbb\xbf\"order_ref\",\"created_at\",\"status\",\"phone\",\"sku\",\"order_total\",\"Problem\"\r\n"
                   "\"S-2\",\"2026-02-30 10:00\",\"paid\",\"13912345678\",\"LJ-250\",\"200\","
                   "\"“2026-02-30 10:00” is not a time: that day does not exist.\"\r\n");

  fixture_close (&f);
}

/* Nothing to read: the dialog says why and offers nothing but Close. */
static void
test_unreadable (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "empty.csv", NULL);
  g_autoptr(GError) error = NULL;
  Fixture f = { NULL, };

  g_file_set_contents (file, "", 0, &error);
  g_assert_no_error (error);

  fixture_open (&f, file);
  wait_step (f.dialog, "failed");
  g_assert_cmpstr (_siyu_import_dialog_get_failure (f.dialog), ==, "empty.csv: The file is empty.");
  g_assert_false (_siyu_import_dialog_can_go_on (f.dialog));
  g_assert_null (_siyu_import_dialog_get_import (f.dialog));
  _siyu_import_dialog_cancel (f.dialog);
  siyu_test_drain ();
  g_assert_null (f.dialog);

  fixture_close (&f);
}

/* Issue 16: “these customers agreed to hear from the shop”, with where
 * from: new customers agree, and the import says how many. */
static void
test_consent_given (void)
{
  g_autofree char *file = fixture_path ("youzan-orders.csv");
  Fixture f = { NULL, };

  fixture_open (&f, file);
  wait_step (f.dialog, "setup");
  _siyu_import_dialog_set_consent_given (f.dialog, "下单页勾选同意");
  _siyu_import_dialog_next (f.dialog);
  wait_step (f.dialog, "done");
  g_assert_cmpuint (siyu_import_get_counts (_siyu_import_dialog_get_import (f.dialog))->consents_given, ==, 4);
  assert_query (siyu_shop_get_path (f.shop),
                "SELECT consent || ' ' || consent_source || ' ' || n FROM "
                "(SELECT consent, consent_source, count (*) AS n FROM contacts GROUP BY consent, consent_source)",
                "given 下单页勾选同意 4\n");
  fixture_close (&f);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  data_home = siyu_test_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = siyu_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/siyu/ui/import/recognised", test_recognised);
  g_test_add_func ("/siyu/ui/import/mapped-by-hand", test_mapped_by_hand);
  g_test_add_func ("/siyu/ui/import/returns-shown", test_returns_shown);
  g_test_add_func ("/siyu/ui/import/problems", test_problems);
  g_test_add_func ("/siyu/ui/import/unreadable", test_unreadable);
  g_test_add_func ("/siyu/ui/import/erased", test_erased);
  g_test_add_func ("/siyu/ui/import/consent-given", test_consent_given);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
