/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-contact-page-private.h"
#include "siyu-contacts-page-private.h"
#include "siyu-ingest.h"
#include "siyu-order-page-private.h"
#include "siyu-orders-page-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Orders place: the list, its search and filters, an order's page and
 * the way from it to the customer, on a shop made for the test. */

enum {
  COLUMN_DATE,
  COLUMN_NUMBER,
  COLUMN_CUSTOMER,
  COLUMN_CHANNEL,
  COLUMN_STATUS,
  COLUMN_TOTAL,
  COLUMN_REFUNDED,
};

static SiyuApplication *app;

static gboolean
list_ready (gpointer data)
{
  return !g_str_equal (_siyu_orders_page_get_state (data), "loading");
}

static gboolean
channels_read (gpointer data)
{
  return _siyu_orders_page_get_n_channels (data) == 2;
}

static gboolean
row_loaded (gpointer data)
{
  g_autofree char *number = _siyu_orders_page_get_cell (data, 0, COLUMN_NUMBER);

  return number != NULL;
}

static gboolean
order_shown (gpointer data)
{
  SiyuOrderPage *page = _siyu_orders_page_get_order_page (data);

  return page != NULL && siyu_order_page_is_loaded (page);
}

static gboolean
contact_shown (gpointer data)
{
  SiyuContactPage *page = _siyu_contacts_page_get_contact_page (data);

  return page != NULL && !_siyu_contact_page_is_busy (page);
}

static gint64
add_contact (SiyuIngest *ingest,
             const char *name,
             const char *phone,
             gint64      seen)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = { .name = name, .phone = phone, .seen_at = seen, .consent = -1, .do_not_contact = -1 };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
add_order (SiyuShop                  *shop,
           SiyuIngest                *ingest,
           gint64                     channel,
           const char                *ref,
           gint64                     contact,
           const char                *when,
           const char                *status,
           const SiyuOrderItemRecord *items,
           guint                      n_items,
           gint64                     refunded)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = status,
    .created_at = siyu_test_time (shop, when), .currency = "CNY", .refunded_amount = refunded,
    .items = items, .n_items = n_items,
  };
  gint64 id;

  for (guint i = 0; i < n_items; i++)
    record.total_amount += items[i].line_total;
  id = siyu_ingest_order (ingest, &record, NULL, &error);
  g_assert_no_error (error);

  return id;
}

/* Five orders in two channels, newest first: S2 (a guest), S1 (refunded,
 * at the midnight starting 11 March), A2 (partly refunded twice, a second
 * before), A1, B7 (cancelled, in February). */
static SiyuShop *
small_shop (const char *dir)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的茶铺");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  const SiyuOrderItemRecord longjing2 = { "LJ-250", "龙井", 2, 12880, 25760 };
  const SiyuOrderItemRecord longjing1 = { "LJ-250", "龙井", 1, 12880, 12880 };
  const SiyuOrderItemRecord tea_and_cup[] = {
    { "BJ-100", "白茶", 1, 5000, 5000 },
    { "CUP-1", "玻璃杯", 2, 1000, 2000 },
  };
  const SiyuOrderItemRecord brewed = { NULL, "现泡茶", 1, 1800, 1800 };
  gint64 online = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 store = siyu_ingest_channel (ingest, "offline_store", "静安门店", NULL, &error);
  gint64 wang = add_contact (ingest, "王芳", "13800138000", siyu_test_time (shop, "2026-01-01 10:00:00"));
  gint64 li = add_contact (ingest, "李雷", "13912345678", siyu_test_time (shop, "2026-01-01 10:00:00"));
  gint64 zhao = add_contact (ingest, "赵敏", "13600136000", siyu_test_time (shop, "2026-01-01 10:00:00"));
  gint64 a2;

  g_assert_no_error (error);
  add_order (shop, ingest, online, "A1", wang, "2026-03-01 09:00:00", "paid", &longjing2, 1, 0);
  a2 = add_order (shop, ingest, online, "A2", li, "2026-03-10 23:59:59", "partially_refunded", tea_and_cup, 2, 0);
  g_assert_true (siyu_ingest_refund (ingest, a2, "R1", 1000, siyu_test_time (shop, "2026-03-12 10:00:00"),
                                     "少发一个杯子", &error));
  g_assert_true (siyu_ingest_refund (ingest, a2, "R2", 500, siyu_test_time (shop, "2026-03-13 10:00:00"),
                                     NULL, &error));
  add_order (shop, ingest, store, "S1", wang, "2026-03-11 00:00:00", "refunded", &longjing1, 1, 12880);
  add_order (shop, ingest, store, "S2", 0, "2026-03-20 15:00:00", "paid", &brewed, 1, 0);
  add_order (shop, ingest, online, "B7", zhao, "2026-02-28 23:00:00", "cancelled", &longjing1, 1, 0);
  g_assert_no_error (error);

  return shop;
}

static void
assert_cell (SiyuOrdersPage *page,
             guint           row,
             guint           column,
             const char     *expected)
{
  g_autofree char *text = NULL;

  siyu_test_wait_for (row_loaded, page);
  text = _siyu_orders_page_get_cell (page, row, column);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_count (SiyuOrdersPage *page,
              const char     *expected)
{
  /* The dates are read once their fields have settled. */
  siyu_test_drain ();
  siyu_test_wait_for (list_ready, page);
  g_assert_cmpstr (_siyu_orders_page_get_count_text (page), ==, expected);
}

static SiyuOrdersPage *
open_orders (SiyuWindow *window)
{
  SiyuOrdersPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_ORDERS_PAGE (siyu_window_show_place (window, "orders"));
  g_assert_nonnull (page);
  siyu_test_wait_for (list_ready, page);

  return page;
}

static void
test_list_and_filters (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOrdersPage *page = open_orders (window);

  g_assert_cmpstr (_siyu_orders_page_get_state (page), ==, "orders");
  assert_count (page, "5 orders");
  /* Newest first, times in the shop's time zone. */
  assert_cell (page, 0, COLUMN_DATE, "2026-03-20 15:00");
  assert_cell (page, 0, COLUMN_NUMBER, "S2");
  assert_cell (page, 0, COLUMN_CUSTOMER, "Guest");
  assert_cell (page, 0, COLUMN_CHANNEL, "静安门店");
  assert_cell (page, 0, COLUMN_STATUS, "Paid");
  assert_cell (page, 0, COLUMN_TOTAL, "¥18.00");
  assert_cell (page, 0, COLUMN_REFUNDED, "");
  assert_cell (page, 2, COLUMN_DATE, "2026-03-10 23:59");
  assert_cell (page, 2, COLUMN_NUMBER, "A2");
  assert_cell (page, 2, COLUMN_CUSTOMER, "李雷");
  assert_cell (page, 2, COLUMN_CHANNEL, "微店");
  assert_cell (page, 2, COLUMN_STATUS, "Partly refunded");
  assert_cell (page, 2, COLUMN_TOTAL, "¥70.00");
  assert_cell (page, 2, COLUMN_REFUNDED, "¥15.00");
  assert_cell (page, 4, COLUMN_NUMBER, "B7");

  /* By the order number, four digits of the phone, a product. */
  _siyu_orders_page_search (page, "a2", FALSE);
  assert_count (page, "1 order");
  assert_cell (page, 0, COLUMN_NUMBER, "A2");
  _siyu_orders_page_search (page, "8000", FALSE);
  assert_count (page, "2 orders");
  assert_cell (page, 0, COLUMN_NUMBER, "S1");
  assert_cell (page, 1, COLUMN_NUMBER, "A1");
  _siyu_orders_page_search (page, "龙井", FALSE);
  assert_count (page, "3 orders");
  _siyu_orders_page_search (page, "茉莉", FALSE);
  assert_count (page, "0 orders");
  g_assert_cmpstr (_siyu_orders_page_get_state (page), ==, "none-found");
  _siyu_orders_page_search (page, "", FALSE);
  assert_count (page, "5 orders");

  /* A channel (All, 微店, 静安门店), a status (All, Paid, …). */
  siyu_test_wait_for (channels_read, page);
  _siyu_orders_page_set_channel (page, 2);
  assert_count (page, "2 orders");
  _siyu_orders_page_set_status (page, 1);
  assert_count (page, "1 order");
  assert_cell (page, 0, COLUMN_NUMBER, "S2");
  _siyu_orders_page_set_channel (page, 0);
  assert_count (page, "2 orders");
  _siyu_orders_page_set_status (page, 4);
  assert_count (page, "1 order");
  assert_cell (page, 0, COLUMN_NUMBER, "B7");
  _siyu_orders_page_set_status (page, 0);
  assert_count (page, "5 orders");

  /* Days, both included; a day half typed changes nothing. */
  g_assert_cmpstr (_siyu_orders_page_get_dates_text (page), ==, "Any Day");
  _siyu_orders_page_set_dates (page, "2026-03-10", "2026-03-11");
  assert_count (page, "2 orders");
  assert_cell (page, 0, COLUMN_NUMBER, "S1");
  assert_cell (page, 1, COLUMN_NUMBER, "A2");
  g_assert_cmpstr (_siyu_orders_page_get_dates_text (page), ==, "2026-03-10 – 2026-03-11");
  _siyu_orders_page_set_dates (page, "2026-03-10", "2026-03-1");
  assert_count (page, "2 orders");
  _siyu_orders_page_set_dates (page, "", "2026-02-28");
  assert_count (page, "1 order");
  g_assert_cmpstr (_siyu_orders_page_get_dates_text (page), ==, "Until 2026-02-28");
  _siyu_orders_page_set_dates (page, "2026-04-01", "");
  assert_count (page, "0 orders");
  g_assert_cmpstr (_siyu_orders_page_get_state (page), ==, "none-found");
  _siyu_orders_page_set_dates (page, "", "");
  assert_count (page, "5 orders");

  siyu_test_destroy_window (window);
}

static void
assert_rows (SiyuOrderPage *page,
             const char    *group,
             const char    *expected)
{
  g_autofree char *rows = _siyu_order_page_get_rows (page, group);

  g_assert_cmpstr (rows, ==, expected);
}

static void
test_order_page (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOrdersPage *page = open_orders (window);
  SiyuContactsPage *contacts;
  SiyuOrderPage *order;

  siyu_test_wait_for (row_loaded, page);
  _siyu_orders_page_activate (page, 2);
  siyu_test_wait_for (order_shown, page);
  g_assert_cmpstr (_siyu_orders_page_get_state (page), ==, "order");
  order = _siyu_orders_page_get_order_page (page);
  g_assert_cmpstr (_siyu_order_page_get_title (order), ==, "Order A2");
  assert_rows (order, "order", "Placed||10 March 2026, 23:59\nChannel||微店\nStatus||Partly refunded\n");
  assert_rows (order, "customer", "李雷|139****5678|\n");
  assert_rows (order, "lines", "1 × 白茶|BJ-100 · ¥50.00 each|¥50.00\n2 × 玻璃杯|CUP-1 · ¥10.00 each|¥20.00\n");
  assert_rows (order, "refunds", "12 March 2026|少发一个杯子|¥10.00\n13 March 2026||¥5.00\n");
  assert_rows (order, "totals", "Total||¥70.00\nRefunded||¥15.00\nNet|What the shop keeps|¥55.00\n");

  /* Escape goes back to the list as it was. */
  gtk_widget_activate_action (GTK_WIDGET (order), "order.back", NULL);
  g_assert_cmpstr (_siyu_orders_page_get_state (page), ==, "orders");
  g_assert_null (_siyu_orders_page_get_order_page (page));

  /* A guest's order: nobody to open, a line without SKU, no refunds. */
  _siyu_orders_page_search (page, "S2", TRUE);
  siyu_test_wait_for (order_shown, page);
  order = _siyu_orders_page_get_order_page (page);
  g_assert_cmpstr (_siyu_order_page_get_title (order), ==, "Order S2");
  assert_rows (order, "customer", "Guest|Placed without a known customer|\n");
  assert_rows (order, "lines", "1 × 现泡茶|¥18.00 each|¥18.00\n");
  assert_rows (order, "refunds", "");
  g_assert_false (_siyu_order_page_open_customer (order));
  gtk_widget_activate_action (GTK_WIDGET (order), "order.back", NULL);

  /* The customer's name opens their contact in the Contacts place. */
  _siyu_orders_page_search (page, "5678", TRUE);
  siyu_test_wait_for (order_shown, page);
  order = _siyu_orders_page_get_order_page (page);
  g_assert_cmpstr (_siyu_order_page_get_title (order), ==, "Order A2");
  g_assert_true (_siyu_order_page_open_customer (order));
  contacts = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (contact_shown, contacts);
  g_assert_cmpstr (_siyu_contact_page_get_title (_siyu_contacts_page_get_contact_page (contacts)), ==, "李雷");

  siyu_test_destroy_window (window);
}

static void
test_empty (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOrdersPage *page = open_orders (window);

  g_assert_cmpstr (_siyu_orders_page_get_state (page), ==, "empty");
  g_assert_cmpstr (_siyu_orders_page_get_count_text (page), ==, "0 orders");
  _siyu_orders_page_search (page, "A1", FALSE);
  assert_count (page, "0 orders");
  g_assert_cmpstr (_siyu_orders_page_get_state (page), ==, "none-found");

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

  g_test_add_func ("/siyu/ui/orders/list-and-filters", test_list_and_filters);
  g_test_add_func ("/siyu/ui/orders/order-page", test_order_page);
  g_test_add_func ("/siyu/ui/orders/empty", test_empty);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
