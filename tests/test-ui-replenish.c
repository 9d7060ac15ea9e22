/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-replenish-page-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-time.h"
#include "siyu-window.h"

/* The Restock place on a shop where 21 buyers buy coffee beans twice:
 * buyer i (0 to 19) bought 60 − i and 30 − i days before today, 31 March
 * 2026, so the beans last 30 days and buyer i is due on 31 March + i; the
 * last buyer bought 80 and 40 days ago and was due on 21 March.  Buyer 2
 * has no marketing consent, buyer 4 is do-not-contact, buyer 6 is erased. */

enum {
  COLUMN_DUE,
  COLUMN_CUSTOMER,
  COLUMN_PHONE,
  COLUMN_PRODUCT,
  COLUMN_LAST_PURCHASE,
  COLUMN_INTERVAL,
  COLUMN_STAGE,
};

static SiyuApplication *app;

static gboolean
list_ready (gpointer data)
{
  return !g_str_equal (_siyu_replenish_page_get_state (data), "loading");
}

static gboolean
exported (gpointer data)
{
  return !_siyu_replenish_page_is_exporting (data);
}

static SiyuDay
today (void)
{
  return siyu_day_from_ymd (2026, 3, 31);
}

static void
order (SiyuShop   *shop,
       SiyuIngest *ingest,
       gint64      channel,
       gint64      contact,
       int         days)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strdup_printf ("R%d-%d", (int) contact, days);
  SiyuOrderItemRecord item = { "BEAN-01", "云南咖啡豆", 1, 8800, 8800 };
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = siyu_shop_day_start (shop, today () - days) + 10 * 3600,
    .currency = "CNY", .total_amount = 8800, .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static SiyuShop *
coffee_shop (const char *dir)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "豆子铺");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);

  g_assert_no_error (error);
  for (int i = 0; i < 21; i++)
    {
      g_autofree char *name = g_strdup_printf ("买家%02d", i);
      g_autofree char *phone = g_strdup_printf ("1390000%04d", i);
      SiyuContactRecord record = {
        .name = name, .phone = phone, .seen_at = siyu_shop_day_start (shop, today () - 400),
        .consent = i == 2 ? 0 : 1, .do_not_contact = i == 4 ? 1 : 0,
      };
      int last = i < 20 ? 30 - i : 40;
      gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

      g_assert_no_error (error);
      order (shop, ingest, channel, id, last + (i < 20 ? 30 : 40));
      order (shop, ingest, channel, id, last);
    }
  g_assert_true (siyu_shop_set_data_end (shop, today (), &error));
  g_assert_true (siyu_recompute (shop, today (), NULL, NULL, NULL, NULL, &error));
  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), "UPDATE contacts SET erased_at = 1 WHERE name = '买家06'",
                               &error));
  g_assert_no_error (error);

  return shop;
}

static SiyuReplenishPage *
open_page (SiyuWindow *window)
{
  SiyuReplenishPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_REPLENISH_PAGE (siyu_window_show_place (window, "replenish"));
  g_assert_nonnull (page);
  siyu_test_drain ();
  siyu_test_wait_for (list_ready, page);

  return page;
}

static void
show_span (SiyuReplenishPage *page,
           SiyuDueSpan        span)
{
  _siyu_replenish_page_set_span (page, span);
  siyu_test_drain ();
  siyu_test_wait_for (list_ready, page);
}

static void
assert_cell (SiyuReplenishPage *page,
             guint              row,
             guint              column,
             const char        *expected)
{
  g_autofree char *text = _siyu_replenish_page_get_cell (page, row, column);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_list (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = coffee_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuReplenishPage *page = open_page (window);

  /* This week by default: buyers 0 to 6 but the erased one, soonest first. */
  g_assert_cmpstr (_siyu_replenish_page_get_state (page), ==, "list");
  g_assert_cmpuint (_siyu_replenish_page_get_n_rows (page), ==, 6);
  g_assert_cmpstr (_siyu_replenish_page_get_count_text (page), ==, "6 products due for 6 buyers");
  assert_cell (page, 0, COLUMN_DUE, "2026-03-31");
  assert_cell (page, 0, COLUMN_CUSTOMER, "买家00");
  assert_cell (page, 0, COLUMN_PHONE, "139****0000");
  assert_cell (page, 0, COLUMN_PRODUCT, "云南咖啡豆");
  assert_cell (page, 0, COLUMN_LAST_PURCHASE, "2026-03-01");
  assert_cell (page, 0, COLUMN_INTERVAL, "30 days");
  assert_cell (page, 0, COLUMN_STAGE, "Growing");
  assert_cell (page, 5, COLUMN_DUE, "2026-04-05");
  assert_cell (page, 5, COLUMN_CUSTOMER, "买家05");
  g_assert_null (_siyu_replenish_page_get_cell (page, 6, COLUMN_DUE));

  show_span (page, SIYU_DUE_OVERDUE);
  g_assert_cmpuint (_siyu_replenish_page_get_n_rows (page), ==, 1);
  g_assert_cmpstr (_siyu_replenish_page_get_count_text (page), ==, "1 product due for 1 buyer");
  assert_cell (page, 0, COLUMN_DUE, "2026-03-21");
  assert_cell (page, 0, COLUMN_CUSTOMER, "买家20");
  assert_cell (page, 0, COLUMN_LAST_PURCHASE, "2026-02-19");
  assert_cell (page, 0, COLUMN_STAGE, "Dormant");

  show_span (page, SIYU_DUE_TWO_WEEKS);
  g_assert_cmpuint (_siyu_replenish_page_get_n_rows (page), ==, 13);
  g_assert_cmpstr (_siyu_replenish_page_get_count_text (page), ==, "13 products due for 13 buyers");
  assert_cell (page, 12, COLUMN_DUE, "2026-04-13");

  show_span (page, SIYU_DUE_30_DAYS);
  g_assert_cmpuint (_siyu_replenish_page_get_n_rows (page), ==, 19);
  g_assert_cmpstr (_siyu_replenish_page_get_count_text (page), ==, "19 products due for 19 buyers");
  assert_cell (page, 18, COLUMN_DUE, "2026-04-19");
  assert_cell (page, 18, COLUMN_CUSTOMER, "买家19");

  siyu_test_destroy_window (window);
}

static void
test_export (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "due.csv", NULL);
  g_autofree char *phones = g_build_filename (dir, "due.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(SiyuShop) shop = coffee_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuReplenishPage *page = open_page (window);

  _siyu_replenish_page_export (page, SIYU_EXPORT_CSV, path);
  g_assert_true (_siyu_replenish_page_is_exporting (page));
  siyu_test_wait_for (exported, page);
  g_assert_cmpstr (_siyu_replenish_page_get_message (page), ==,
                   "4 buyers saved to due.csv; 2 left out: no consent, or do not contact");
  text = siyu_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "\xef\xbb\xbfID,Name,Phone,City,Stage,Tier,Last order,Net spend\r\n"
                   "1,买家00,13900000000,,Growing,,2026-03-01,176.00\r\n"
                   "2,买家01,13900000001,,Growing,,2026-03-02,176.00\r\n"
                   "4,买家03,13900000003,,Growing,,2026-03-04,176.00\r\n"
                   "6,买家05,13900000005,,Growing,,2026-03-06,176.00\r\n");
  g_clear_pointer (&text, g_free);

  show_span (page, SIYU_DUE_OVERDUE);
  _siyu_replenish_page_export (page, SIYU_EXPORT_PHONES, phones);
  siyu_test_wait_for (exported, page);
  g_assert_cmpstr (_siyu_replenish_page_get_message (page), ==, "1 buyer saved to due.txt");
  text = siyu_test_read_file (phones, NULL);
  g_assert_cmpstr (text, ==, "13900000020\r\n");
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM touches", NULL), ==, 2);

  siyu_test_destroy_window (window);
}

static void
test_empty (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *other = siyu_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = coffee_shop (dir);
  g_autoptr(SiyuShop) empty = siyu_test_new_shop (other, "空店");
  SiyuWindow *window;
  SiyuReplenishPage *page;

  /* Nobody due this week, one overdue. */
  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), "DELETE FROM replenishments WHERE due >= '2026-03-31'",
                               &error));
  g_assert_no_error (error);
  window = siyu_window_new (app, shop);
  page = open_page (window);
  g_assert_cmpstr (_siyu_replenish_page_get_state (page), ==, "nothing-due");
  g_assert_cmpuint (_siyu_replenish_page_get_n_rows (page), ==, 0);
  g_assert_cmpstr (_siyu_replenish_page_get_count_text (page), ==, "");
  show_span (page, SIYU_DUE_OVERDUE);
  g_assert_cmpstr (_siyu_replenish_page_get_state (page), ==, "list");
  siyu_test_destroy_window (window);

  /* No product bought again and again. */
  window = siyu_window_new (app, empty);
  page = open_page (window);
  g_assert_cmpstr (_siyu_replenish_page_get_state (page), ==, "no-products");
  siyu_test_destroy_window (window);
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

  g_test_add_func ("/siyu/ui/replenish/list", test_list);
  g_test_add_func ("/siyu/ui/replenish/export", test_export);
  g_test_add_func ("/siyu/ui/replenish/empty", test_empty);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
