/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-groups.h"
#include "siyu-groups-page-private.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-review-page-private.h"
#include "siyu-segment-editor-private.h"
#include "siyu-segments-page-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Review place on the shop of tests/test-review.c, whose figures are
 * counted by hand there: four members seen in January 2026; 王芳 bought
 * ¥300 on 10 January, 5 and 20 March; 张伟 ¥80 on 11 January; 李雷 ¥30 on
 * 25 March.  Ten people, not members, joined the group 茶友群 on 10
 * January; two left on 10 March.  The data ends on 31 March 2026.
 *
 * March: 2 buyers (one new, one back), 3 paid orders, ¥630.00, all from
 * members; repurchase 1 of 2 = 50 %, AOV ¥630 ÷ 3 = ¥210.00.  February:
 * no buyer, so its ratios have no base.  January: 2 buyers, ¥380.00. */

static SiyuApplication *app;

static gboolean
review_ready (gpointer data)
{
  return !g_str_equal (_siyu_review_page_get_state (data), "loading");
}

static gboolean
exported (gpointer data)
{
  return !_siyu_review_page_is_exporting (data);
}

static gboolean
editor_idle (gpointer data)
{
  return !_siyu_segment_editor_is_busy (data);
}

static SiyuReviewPage *
open_page (SiyuWindow *window)
{
  SiyuReviewPage *page;

  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_REVIEW_PAGE (siyu_window_show_place (window, "review"));
  g_assert_nonnull (page);
  siyu_test_drain ();
  siyu_test_wait_for (review_ready, page);

  return page;
}

static void
show_month (SiyuReviewPage *page,
            int             year,
            int             month)
{
  siyu_review_page_show_month (page, year, month);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "loading");
  siyu_test_wait_for (review_ready, page);
}

static void
assert_figure (SiyuReviewPage *page,
               const char     *name,
               const char     *value,
               const char     *change,
               const char     *compared)
{
  const char *v, *c, *y, *e;

  g_assert_true (_siyu_review_page_get_figure (page, name, &v, &c, &y, &e));
  g_assert_cmpstr (v, ==, value);
  g_assert_cmpstr (c, ==, change);
  g_assert_null (y);
  g_assert_cmpstr (e, ==, compared);
}

static void
assert_year (SiyuReviewPage *page,
             const char     *name,
             const char     *value,
             const char     *change,
             const char     *change_year,
             const char     *compared)
{
  const char *v, *c, *y, *e;

  g_assert_true (_siyu_review_page_get_figure (page, name, &v, &c, &y, &e));
  g_assert_cmpstr (v, ==, value);
  g_assert_cmpstr (c, ==, change);
  g_assert_cmpstr (y, ==, change_year);
  g_assert_cmpstr (e, ==, compared);
}

static void
test_figures (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuReviewPage *page = open_page (window);
  g_autofree char *flow = NULL;

  /* The last complete month by default; the data covers three months. */
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "review");
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-02");
  g_assert_cmpuint (_siyu_review_page_get_n_months (page), ==, 3);

  show_month (page, 2026, 3);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "review");
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-03");
  {
    g_autofree char *file_name = _siyu_review_page_get_file_name (page);

    /* The PDF is offered under the shop's name. */
    g_assert_cmpstr (file_name, ==, "小王的茶叶店 review 2026-03.pdf");
  }
  assert_figure (page, "contacts", "14", "Same as 2026-02", "2026-02: 14");
  assert_figure (page, "members", "4", "Same as 2026-02", "2026-02: 4");
  assert_figure (page, "buyers", "2", "None in 2026-02", "2026-02: 0");
  assert_figure (page, "new_buyers", "1", "None in 2026-02", "2026-02: 0");
  assert_figure (page, "net_sales", "¥630.00", "None in 2026-02", "2026-02: ¥0.00");
  assert_figure (page, "paid_orders", "3", "None in 2026-02", "2026-02: 0");
  assert_figure (page, "member_share", "100 %", "Nothing to compare with in 2026-02", "2026-02: —");
  assert_figure (page, "repurchase_rate", "50 %", "Nothing to compare with in 2026-02", "2026-02: —");
  assert_figure (page, "aov", "¥210.00", "Nothing to compare with in 2026-02", "2026-02: —");
  g_assert_false (_siyu_review_page_get_figure (page, "no such figure", NULL, NULL, NULL, NULL));

  /* Only the group's losses call for action: the card opens the two who
   * left in March, in the segment editor, to save and export. */
  g_assert_cmpuint (_siyu_review_page_get_n_cards (page), ==, 1);
  g_assert_cmpstr (_siyu_review_page_get_card_text (page, 0), ==,
                   "Group “茶友群” lost 20 % of its members this month: ask those who left why, and welcome the "
                   "others.");
  g_assert_true (_siyu_review_page_open_card (page, 0));
  siyu_test_drain ();
  {
    SiyuSegmentsPage *segments = SIYU_SEGMENTS_PAGE (gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (page)))));
    SiyuSegmentEditor *editor = _siyu_segments_page_get_editor (segments);
    g_autofree char *definition = NULL;

    g_assert_nonnull (editor);
    siyu_test_wait_for (editor_idle, editor);
    g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "2 contacts · 2 cannot be contacted");
    g_assert_cmpstr (_siyu_segment_editor_get_fixed_text (editor, 0), ==,
                     "Community group left 茶友群, in the 31 days up to 2026-03-31");
    definition = _siyu_segment_editor_dup_definition (editor);
    g_assert_cmpstr (definition, ==, "{\"match\":\"all\",\"conditions\":[{\"field\":\"group\",\"op\":\"left\","
                                     "\"value\":\"茶友群\",\"days\":31,\"as_of\":\"2026-03-31\"}]}");
    gtk_window_destroy (GTK_WINDOW (editor));
  }

  /* The lifecycle from the end of February: eleven prospects stayed, one
   * became New (李雷), 王芳 woke from Dormant to Growing, 张伟 slept on. */
  flow = siyu_chart_describe (_siyu_review_page_get_flow (page));
  g_assert_cmpstr (flow, ==, "Prospect → Prospect: 11; Prospect → New: 1; Dormant → Growing: 1; "
                             "Dormant → Dormant: 1");

  /* February against January: everything fell, the ratios have no base. */
  siyu_window_show_place (window, "review");
  gtk_widget_activate_action (GTK_WIDGET (page), "page.previous-month", NULL);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "loading");
  siyu_test_wait_for (review_ready, page);
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-02");
  assert_figure (page, "buyers", "0", "↓ 100 % vs. 2026-01", "2026-01: 2");
  assert_figure (page, "net_sales", "¥0.00", "↓ 100 % vs. 2026-01", "2026-01: ¥380.00");
  assert_figure (page, "repurchase_rate", "—", "No buyers in the month, so no repurchase rate", "2026-01: 0.0 %");
  assert_figure (page, "aov", "—", "No paid orders in the month, so no average", "2026-01: ¥190.00");
  g_assert_cmpuint (_siyu_review_page_get_n_cards (page), ==, 0);

  /* January has no month before in the data; nothing is earlier. */
  gtk_widget_activate_action (GTK_WIDGET (page), "page.previous-month", NULL);
  siyu_test_wait_for (review_ready, page);
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-01");
  assert_figure (page, "contacts", "14", "No month before in the data", "No earlier month in the data");
  g_assert_null (_siyu_review_page_get_flow (page));
  /* The first month of the data: no month before it to go to. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (page), "page.previous-month", NULL) &&
                  g_str_equal (_siyu_review_page_get_state (page), "loading"));

  /* The drop-down lists the months newest first, the one shown chosen. */
  g_assert_cmpuint (gtk_drop_down_get_selected (_siyu_review_page_get_month_chooser (page)), ==, 2);
  gtk_drop_down_set_selected (_siyu_review_page_get_month_chooser (page), 0);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "loading");
  siyu_test_wait_for (review_ready, page);
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-03");
  assert_figure (page, "aov", "¥210.00", "Nothing to compare with in 2026-02", "2026-02: —");
  /* The last month of the data: no month after it to go to. */
  gtk_widget_activate_action (GTK_WIDGET (page), "page.next-month", NULL);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "review");

  /* Choosing a month while another is counted: only the last one shows. */
  siyu_review_page_show_month (page, 2026, 3);
  siyu_review_page_show_month (page, 2026, 2);
  siyu_test_wait_for (review_ready, page);
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-02");
  assert_figure (page, "buyers", "0", "↓ 100 % vs. 2026-01", "2026-01: 2");

  siyu_test_destroy_window (window);
}

static void
test_cards (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, TRUE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuReviewPage *page = open_page (window);
  SiyuSegmentsPage *segments;
  SiyuSegmentEditor *editor;

  /* Five first orders in March: 李雷 and four of the group. */
  show_month (page, 2026, 3);
  assert_figure (page, "new_buyers", "5", "None in 2026-02", "2026-02: 0");
  assert_figure (page, "buyers", "6", "None in 2026-02", "2026-02: 0");
  /* ¥630 + 4 × ¥50 = ¥830 over 7 orders, ¥630 of it from members. */
  assert_figure (page, "net_sales", "¥830.00", "None in 2026-02", "2026-02: ¥0.00");
  assert_figure (page, "member_share", "76 %", "Nothing to compare with in 2026-02", "2026-02: —");
  assert_figure (page, "repurchase_rate", "17 %", "Nothing to compare with in 2026-02", "2026-02: —");

  g_assert_cmpuint (_siyu_review_page_get_n_cards (page), ==, 2);
  g_assert_cmpstr (_siyu_review_page_get_card_text (page, 1), ==,
                   "5 customers bought for the first time this month: welcome them and give them a reason for a "
                   "second order.");
  g_assert_null (_siyu_review_page_get_card_text (page, 2));
  g_assert_false (_siyu_review_page_open_card (page, 2));

  /* Its button opens the five, as of the end of March, in the editor. */
  g_assert_true (_siyu_review_page_open_card (page, 1));
  segments = SIYU_SEGMENTS_PAGE (siyu_window_show_place (window, "segments"));
  siyu_test_drain ();
  editor = _siyu_segments_page_get_editor (segments);
  g_assert_nonnull (editor);
  siyu_test_wait_for (editor_idle, editor);
  g_assert_cmpstr (_siyu_segment_editor_get_count_text (editor), ==, "5 contacts · 5 cannot be contacted");
  g_assert_cmpstr (_siyu_segment_editor_get_fixed_text (editor, 0), ==,
                   "First order in the 31 days up to 2026-03-31");
  gtk_window_destroy (GTK_WINDOW (editor));

  siyu_test_destroy_window (window);
}

/* A buyer seen in January 2025 who bought ¥100 on 10 March 2025 and ¥150
 * on 10 March 2026: March 2026 beside February (nothing) and March 2025. */
static void
test_last_year (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "老店");
  g_autoptr(GError) error = NULL;
  SiyuWindow *window;
  SiyuReviewPage *page;

  {
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
    gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
    gint64 wang = siyu_test_add_contact (ingest, shop, "王芳", "13800138000", "2025-01-05 10:00:00", FALSE);

    siyu_test_add_order (ingest, shop, channel, "Y1", wang, "2025-03-10 12:00:00", 10000);
    siyu_test_add_order (ingest, shop, channel, "Y2", wang, "2026-03-10 12:00:00", 15000);
  }
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")),
                                         &error));
  g_assert_no_error (error);
  window = siyu_window_new (app, shop);
  page = open_page (window);
  show_month (page, 2026, 3);

  /* 15 months of data, newest first. */
  g_assert_cmpuint (_siyu_review_page_get_n_months (page), ==, 15);
  assert_year (page, "contacts", "1", "Same as 2026-02", "Same as 2025-03", "2026-02: 1 · 2025-03: 1");
  assert_year (page, "buyers", "1", "None in 2026-02", "Same as 2025-03", "2026-02: 0 · 2025-03: 1");
  assert_year (page, "net_sales", "¥150.00", "None in 2026-02", "↑ 50 % vs. 2025-03",
               "2026-02: ¥0.00 · 2025-03: ¥100.00");
  /* She had bought before: 100 % against 0 % a year earlier. */
  assert_year (page, "repurchase_rate", "100 %", "Nothing to compare with in 2026-02", "↑ 100.0 points vs. 2025-03",
               "2026-02: — · 2025-03: 0.0 %");

  siyu_test_destroy_window (window);
}

static void
test_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuReviewPage *page = open_page (window);

  show_month (page, 2025, 12);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "error");
  g_assert_cmpstr (_siyu_review_page_get_message (page), ==, "2025-12 is before the shop’s first data, on 2026-01-02.");
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2025-12");

  show_month (page, 2026, 4);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "error");
  g_assert_cmpstr (_siyu_review_page_get_message (page), ==,
                   "2026-04 has not begun yet: the shop’s data reaches its today.");

  /* Back into the data. */
  gtk_widget_activate_action (GTK_WIDGET (page), "page.previous-month", NULL);
  siyu_test_wait_for (review_ready, page);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "review");
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-03");

  siyu_test_destroy_window (window);
}

static void
test_empty (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "空店");
  g_autoptr(GError) error = NULL;
  SiyuWindow *window;
  SiyuReviewPage *page;

  /* A contact, but no order. */
  {
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);

    siyu_test_add_contact (ingest, shop, "王芳", "13800138000", "2026-01-02 10:00:00", TRUE);
  }
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")),
                                         &error));
  g_assert_no_error (error);
  window = siyu_window_new (app, shop);
  page = open_page (window);
  g_assert_cmpstr (_siyu_review_page_get_state (page), ==, "empty");
  siyu_test_destroy_window (window);
}

static void
test_export (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "review.pdf", NULL);
  g_autofree char *bad = g_build_filename (dir, "no such folder", "review.pdf", NULL);
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuReviewPage *page = open_page (window);

  _siyu_review_page_export (page, path);
  g_assert_true (_siyu_review_page_is_exporting (page));
  siyu_test_wait_for (exported, page);
  g_assert_cmpstr (_siyu_review_page_get_message (page), ==, "Review saved to review.pdf");
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (text, "%PDF-"));

  _siyu_review_page_export (page, bad);
  siyu_test_wait_for (exported, page);
  g_assert_true (g_str_has_prefix (_siyu_review_page_get_message (page), "Could not export the review: "));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  siyu_test_destroy_window (window);
}

static gboolean
scrollable (gpointer data)
{
  GtkAdjustment *adjustment = data;

  return gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) > 200;
}

/* Another month is shown from its top, not where the last one was read. */
static void
test_scroll (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuReviewPage *page;
  GtkAdjustment *scroll;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  page = open_page (window);
  show_month (page, 2026, 3);
  scroll = _siyu_review_page_get_scroll (page);
  siyu_test_wait_for (scrollable, scroll);
  gtk_adjustment_set_value (scroll, 200.0);
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 200.0);

  gtk_widget_activate_action (GTK_WIDGET (page), "page.previous-month", NULL);
  siyu_test_wait_for (review_ready, page);
  g_assert_cmpstr (_siyu_review_page_get_month (page), ==, "2026-02");
  siyu_test_drain ();
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 0.0);

  /* Counting the same month again keeps the place. */
  siyu_test_wait_for (scrollable, scroll);
  gtk_adjustment_set_value (scroll, 150.0);
  gtk_widget_activate_action (GTK_WIDGET (page), "page.reload", NULL);
  siyu_test_wait_for (review_ready, page);
  siyu_test_drain ();
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 150.0);

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

  g_test_add_func ("/siyu/ui/review/figures", test_figures);
  g_test_add_func ("/siyu/ui/review/cards", test_cards);
  g_test_add_func ("/siyu/ui/review/scroll", test_scroll);
  g_test_add_func ("/siyu/ui/review/last-year", test_last_year);
  g_test_add_func ("/siyu/ui/review/refused", test_refused);
  g_test_add_func ("/siyu/ui/review/empty", test_empty);
  g_test_add_func ("/siyu/ui/review/export", test_export);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
