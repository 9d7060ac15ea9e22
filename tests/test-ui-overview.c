/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-chart-private.h"
#include "siyu-contacts-page-private.h"
#include "siyu-ingest.h"
#include "siyu-model-page-private.h"
#include "siyu-overview-page-private.h"
#include "siyu-preferences-window-private.h"
#include "siyu-recompute.h"
#include "siyu-shop-picture-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-time.h"
#include "siyu-window.h"
#include "siyu-window-private.h"

/* The shop's picture on the Overview: the charts of the last recompute,
 * each bar opening the contacts behind it, and counting again. */

static SiyuApplication *app;

static gboolean
overview_ready (gpointer data)
{
  return g_str_equal (_siyu_overview_page_get_state (data), "figures") &&
         !_siyu_overview_page_is_counting (data);
}

static gboolean
list_ready (gpointer data)
{
  return g_str_equal (_siyu_contacts_page_get_state (data), "contacts");
}

static gint64
add_contact (SiyuIngest *ingest,
             const char *name,
             const char *phone,
             gint64      seen)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .name = name, .phone = phone, .seen_at = seen, .consent = -1, .do_not_contact = -1, .member_since = seen,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
add_order (SiyuIngest *ingest,
           gint64      channel,
           const char *ref,
           gint64      contact,
           gint64      at,
           gint64      amount)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { "LJ-250", "龙井", 1, amount, amount };
  SiyuOrderRecord order = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = at, .currency = "CNY", .total_amount = amount, .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
}

/* Four members as of 2026-03-31: 王芳 bought in January and twice in March
 * (Growing), 李雷 once in March (New), 张伟 once in January (Dormant), 赵敏
 * never (Prospect).  On 2026-02-28, the end of the month before, 王芳 and
 * 张伟 had bought once, more than 30 days earlier (Dormant), and the others
 * not at all (Prospect). */
static SiyuShop *
small_shop (const char *dir,
            gboolean    compute)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 wang = add_contact (ingest, "王芳", "13800138000", siyu_test_time (shop, "2026-01-02 10:00:00"));
  gint64 li = add_contact (ingest, "李雷", "13912345678", siyu_test_time (shop, "2026-01-03 10:00:00"));
  gint64 zhang = add_contact (ingest, "张伟", "13700137000", siyu_test_time (shop, "2026-01-04 10:00:00"));

  add_contact (ingest, "赵敏", "13600136000", siyu_test_time (shop, "2026-01-05 10:00:00"));
  add_order (ingest, channel, "A1", wang, siyu_test_time (shop, "2026-01-10 12:00:00"), 30000);
  add_order (ingest, channel, "A2", zhang, siyu_test_time (shop, "2026-01-11 12:00:00"), 8000);
  add_order (ingest, channel, "A3", wang, siyu_test_time (shop, "2026-03-05 12:00:00"), 30000);
  add_order (ingest, channel, "A4", wang, siyu_test_time (shop, "2026-03-20 12:00:00"), 30000);
  add_order (ingest, channel, "A5", li, siyu_test_time (shop, "2026-03-25 12:00:00"), 3000);
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")), &error));
  if (compute)
    g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return shop;
}

static gboolean
allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && gtk_widget_get_mapped (data);
}

static void
click_item (SiyuChart *chart,
            guint      row,
            guint      col)
{
  graphene_rect_t rect;

  siyu_test_wait_for (allocated, chart);
  siyu_test_drain ();
  g_assert_true (_siyu_chart_get_item_rect (chart, row, col, &rect));
  g_assert_true (_siyu_chart_click (chart, rect.origin.x + rect.size.width / 2, rect.origin.y + rect.size.height / 2));
}

static void
test_charts (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir, TRUE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);
  SiyuShopPicture *picture;
  SiyuContactsPage *contacts;
  g_autofree char *stages = NULL;
  g_autofree char *rfm = NULL;
  g_autofree char *cohorts = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (overview_ready, page);
  picture = _siyu_overview_page_get_picture (page);
  g_assert_nonnull (picture);
  g_assert_cmpstr (_siyu_overview_page_get_counted_text (page), ==,
                   "Stages, scores and tiers as counted on the same day. Click a bar or a cell to see the "
                   "contacts behind it.");

  stages = siyu_chart_describe (_siyu_shop_picture_get_chart (picture, SIYU_PICTURE_STAGES));
  g_assert_cmpstr (stages, ==, "Prospect 1 (month before 2); New 1 (0); Growing 1 (0); Mature 0 (0); "
                               "Dormant 1 (2); Lost 0 (0)");
  /* Three buyers ranked on recency (李雷 25 March, 王芳 20 March, 张伟 11
   * January) and frequency (王芳 3 orders, the others 1). */
  rfm = siyu_chart_describe (_siyu_shop_picture_get_chart (picture, SIYU_PICTURE_RFM_GRID));
  g_assert_cmpstr (rfm, ==, "R5 F1: 0; R5 F2: 0; R5 F3: 0; R5 F4: 0; R5 F5: 0; "
                            "R4 F1: 1; R4 F2: 0; R4 F3: 0; R4 F4: 0; R4 F5: 0; "
                            "R3 F1: 0; R3 F2: 0; R3 F3: 0; R3 F4: 0; R3 F5: 0; "
                            "R2 F1: 0; R2 F2: 0; R2 F3: 0; R2 F4: 1; R2 F5: 0; "
                            "R1 F1: 1; R1 F2: 0; R1 F3: 0; R1 F4: 0; R1 F5: 0");
  cohorts = siyu_chart_describe (_siyu_shop_picture_get_chart (picture, SIYU_PICTURE_COHORTS));
  g_assert_cmpstr (cohorts, ==, "2026-01 · 2 0: 100; 2026-01 · 2 1: 0; 2026-01 · 2 2: 50; "
                                "2026-03 · 1 0: 100");
  g_assert_cmpstr (_siyu_shop_picture_get_note (picture, SIYU_SECTION_RFM), ==, "3 buyers scored.");
  g_assert_nonnull (strstr (_siyu_shop_picture_get_rules (picture, SIYU_SECTION_STAGES),
                            "more than 30 days old"));
  /* Opened, a section's rules are read, not selected. */
  for (guint i = 0; i <= SIYU_SECTION_RFM; i++)
    {
      GtkLabel *rules = _siyu_shop_picture_get_rules_label (picture, i);
      GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (rules), GTK_TYPE_POPOVER);
      int start = 0, end = 0;

      g_assert_nonnull (popover);
      gtk_popover_popup (GTK_POPOVER (popover));
      for (int n = 0; n < 20; n++)
        g_main_context_iteration (NULL, FALSE);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (rules)));
      g_assert_false (gtk_label_get_selection_bounds (rules, &start, &end) && start != end);
      gtk_popover_popdown (GTK_POPOVER (popover));
    }

  /* The Dormant bar opens the one dormant contact. */
  click_item (_siyu_shop_picture_get_chart (picture, SIYU_PICTURE_STAGES), 4, 0);
  contacts = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "1 contact");
  g_assert_cmpstr (_siyu_contacts_page_get_filter_text (contacts), ==, "Lifecycle stage: Dormant");

  /* A cell of the January cohort opens its two customers. */
  siyu_window_show_place (window, "overview");
  click_item (_siyu_shop_picture_get_chart (picture, SIYU_PICTURE_COHORTS), 0, 2);
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "2 contacts");
  g_assert_cmpstr (_siyu_contacts_page_get_filter_text (contacts), ==, "First paid order in 2026-01");

  gtk_widget_activate_action (GTK_WIDGET (contacts), "page.clear-filter", NULL);
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "4 contacts");
  g_assert_null (_siyu_contacts_page_get_filter_text (contacts));

  siyu_test_destroy_window (window);
}

/* A shop whose figures were never counted offers to count them, and
 * shows the charts once they are. */
static void
test_count_now (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir, FALSE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);
  g_autofree char *stages = NULL;

  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (overview_ready, page);
  g_assert_null (_siyu_overview_page_get_picture (page));
  g_assert_true (g_str_has_prefix (_siyu_overview_page_get_counted_text (page),
                                   "Stages, scores, tiers and the other figures of each customer have not been counted yet."));

  gtk_widget_activate_action (GTK_WIDGET (page), "page.recount", NULL);
  g_assert_true (_siyu_overview_page_is_counting (page));
  siyu_test_wait_for (overview_ready, page);
  siyu_test_drain ();
  siyu_test_wait_for (overview_ready, page);
  g_assert_nonnull (_siyu_overview_page_get_picture (page));
  stages = siyu_chart_describe (_siyu_shop_picture_get_chart (_siyu_overview_page_get_picture (page),
                                                               SIYU_PICTURE_STAGES));
  g_assert_true (g_str_has_prefix (stages, "Prospect 1 (month before 2); New 1 (0); Growing 1 (0)"));

  siyu_test_destroy_window (window);
}

/* The newest order more than a week before today: the Overview counts up
 * to its day and says so, instead of showing ¥0 for the last 30 days. */
static void
test_old_data (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir, FALSE);
  g_autoptr(GError) error = NULL;
  SiyuWindow *window;
  SiyuOverviewPage *page;

  /* Today 2026-04-10; the newest order was on 2026-03-25. */
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 4, 10), &error));
  window = siyu_window_new (app, shop);
  page = _siyu_window_get_overview (window);
  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (overview_ready, page);
  g_assert_cmpstr (_siyu_overview_page_get_as_of (page), ==, "Data up to 25 March 2026");
  /* 王芳's two March orders and 李雷's, in the 30 days to 25 March. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (_siyu_overview_page_get_value_label (page, SIYU_FIGURE_NET_SALES))), ==,
                   "¥630.00");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (_siyu_overview_page_get_value_label (page, SIYU_FIGURE_BUYERS))), ==, "2");

  /* Counting again counts up to the same day, so the charts match. */
  gtk_widget_activate_action (GTK_WIDGET (page), "page.recount", NULL);
  siyu_test_wait_for (overview_ready, page);
  siyu_test_drain ();
  siyu_test_wait_for (overview_ready, page);
  g_assert_cmpstr (_siyu_overview_page_get_counted_text (page), ==,
                   "Stages, scores and tiers as counted on the same day. Click a bar or a cell to see the "
                   "contacts behind it.");

  siyu_test_destroy_window (window);
}

static gboolean
fresh (gpointer data)
{
  return overview_ready (data) && !_siyu_overview_page_shows_stale (data);
}

/* An order stored after the figures were counted, whose count did not
 * follow (a killed import): the Overview says its figures are from before
 * the change, and Count Again brings them up to date. */
static void
test_stale (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir, TRUE);
  g_autoptr(GError) error = NULL;
  SiyuWindow *window;
  SiyuOverviewPage *page;
  g_autofree char *stages = NULL;
  gboolean stale = FALSE;

  {
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
    gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);

    g_assert_no_error (error);
    add_order (ingest, channel, "B1", 4, siyu_test_time (shop, "2026-03-30 12:00:00"), 5000);
  }

  window = siyu_window_new (app, shop);
  page = _siyu_window_get_overview (window);
  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (overview_ready, page);
  g_assert_true (_siyu_overview_page_shows_stale (page));
  g_assert_true (gtk_widget_get_sensitive (_siyu_overview_page_get_stale_button (page)));

  g_signal_emit_by_name (_siyu_overview_page_get_stale_button (page), "clicked");
  g_assert_true (_siyu_overview_page_is_counting (page));
  g_assert_false (gtk_widget_is_sensitive (_siyu_overview_page_get_stale_button (page)));
  siyu_test_wait_for (fresh, page);
  g_assert_true (siyu_shop_figures_are_stale (shop, &stale, &error));
  g_assert_false (stale);
  siyu_test_drain ();
  siyu_test_wait_for (fresh, page);
  stages = siyu_chart_describe (_siyu_shop_picture_get_chart (_siyu_overview_page_get_picture (page),
                                                               SIYU_PICTURE_STAGES));
  /* 赵敏 bought on 30 March: counted before, she was the one Prospect. */
  g_assert_cmpstr (stages, ==, "Prospect 0 (month before 2); New 2 (0); Growing 1 (0); Mature 0 (0); Dormant 1 (2); "
                               "Lost 0 (0)");

  siyu_test_destroy_window (window);
}

/* A shop opened read-only: the window says changes cannot be saved, the
 * Overview shows its figures as they are and offers no count. */
static void
test_read_only (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  SiyuWindow *window;
  SiyuOverviewPage *page;

  {
    g_autoptr(SiyuShop) writable = small_shop (dir, TRUE);
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (writable);
    gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);

    g_assert_no_error (error);
    add_order (ingest, channel, "B1", 4, siyu_test_time (writable, "2026-03-30 12:00:00"), 5000);
    path = g_strdup (siyu_shop_get_path (writable));
  }
  shop = siyu_shop_open_read_only (path, &error);
  g_assert_no_error (error);

  window = siyu_window_new (app, shop);
  page = _siyu_window_get_overview (window);
  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (overview_ready, page);
  g_assert_cmpstr (_siyu_window_get_title (window), ==, "小王的茶叶店");
  g_assert_cmpstr (_siyu_window_get_subtitle (window), ==, "Read-only: changes cannot be saved");
  g_assert_true (_siyu_overview_page_shows_stale (page));
  g_assert_false (gtk_widget_is_sensitive (_siyu_overview_page_get_stale_button (page)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (_siyu_overview_page_get_value_label (page, SIYU_FIGURE_CONTACTS))), ==, "4");

  siyu_test_destroy_window (window);
}

static gboolean
list_idle (gpointer data)
{
  return !g_str_equal (_siyu_contacts_page_get_state (data), "loading");
}

static gboolean
choices_ready (gpointer data)
{
  return _siyu_contacts_page_has_choices (data) && list_ready (data);
}

/* The contacts list's quick filters: a tier, a tag, consent. */
static void
test_quick_filters (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir, FALSE);
  g_autoptr(GError) error = NULL;
  SiyuWindow *window;
  SiyuContactsPage *contacts;

  {
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);

    g_assert_true (siyu_ingest_tag (ingest, 2, "学生", "manual", 1, &error));
    g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  }
  window = siyu_window_new (app, shop);
  gtk_window_present (GTK_WINDOW (window));
  contacts = SIYU_CONTACTS_PAGE (siyu_window_show_place (window, "contacts"));
  siyu_test_wait_for (choices_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "4 contacts");

  /* 王芳 spent ¥900 in the year: Silver. */
  g_assert_true (_siyu_contacts_page_choose (contacts, "tier", "Silver"));
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "1 contact");
  g_assert_true (_siyu_contacts_page_choose (contacts, "tier", NULL));
  g_assert_true (_siyu_contacts_page_choose (contacts, "tag", "学生"));
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "1 contact");
  g_assert_false (_siyu_contacts_page_choose (contacts, "tag", "没有这个标签"));
  siyu_test_wait_for (list_ready, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "4 contacts");

  /* Nobody said yes to marketing. */
  _siyu_contacts_page_set_consent_only (contacts, TRUE);
  siyu_test_wait_for (list_idle, contacts);
  g_assert_cmpstr (_siyu_contacts_page_get_count_text (contacts), ==, "0 contacts");
  g_assert_cmpstr (_siyu_contacts_page_get_state (contacts), ==, "none-found");

  siyu_test_destroy_window (window);
}

static gboolean
model_idle (gpointer data)
{
  return !_siyu_model_page_is_busy (data);
}

/* Preferences' Figures page: the suggestion from the shop's own gaps,
 * a threshold changed and counted again, and a model refused. */
static void
test_preferences_model (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = small_shop (dir, TRUE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuOverviewPage *page = _siyu_window_get_overview (window);
  SiyuPreferencesWindow *preferences;
  SiyuModelPage *model;
  g_autofree char *stages = NULL;

  gtk_window_present (GTK_WINDOW (window));
  siyu_test_wait_for (overview_ready, page);
  preferences = siyu_preferences_window_new (GTK_WINDOW (window), siyu_window_get_runner (window));
  gtk_window_present (GTK_WINDOW (preferences));
  model = _siyu_preferences_window_get_model_page (preferences);
  siyu_test_wait_for (model_idle, model);

  /* 王芳's orders are 54 and 15 days apart. */
  g_assert_cmpstr (_siyu_model_page_get_suggestion (model), ==,
                   "Of 2 gaps between two orders of the same customer, 80 % are 54 days or less and 95 % are "
                   "54 days or less: dormant after 54 days, lost after 54.");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (_siyu_model_page_get_spin (model, "dormant")), ==, 30);
  g_assert_cmpfloat (gtk_spin_button_get_value (_siyu_model_page_get_spin (model, "threshold-1")), ==, 500.0);

  /* Dormant only after 90 days: 张伟, 79 days since his order, is New. */
  gtk_spin_button_set_value (_siyu_model_page_get_spin (model, "dormant"), 90);
  gtk_widget_activate_action (GTK_WIDGET (model), "model.apply", NULL);
  g_assert_true (_siyu_model_page_is_busy (model));
  siyu_test_wait_for (model_idle, model);
  siyu_test_wait_for (model_idle, model);
  g_assert_null (_siyu_model_page_get_error (model));
  siyu_test_drain ();
  siyu_test_wait_for (overview_ready, page);
  stages = siyu_chart_describe (_siyu_shop_picture_get_chart (_siyu_overview_page_get_picture (page),
                                                               SIYU_PICTURE_STAGES));
  g_assert_cmpstr (stages, ==, "Prospect 1 (month before 2); New 2 (2); Growing 1 (0); Mature 0 (0); "
                               "Dormant 0 (0); Lost 0 (0)");

  /* Lost before dormant is refused and nothing changes. */
  siyu_test_wait_for (model_idle, model);
  gtk_spin_button_set_value (_siyu_model_page_get_spin (model, "lost"), 20);
  gtk_widget_activate_action (GTK_WIDGET (model), "model.apply", NULL);
  siyu_test_wait_for (model_idle, model);
  g_assert_cmpstr (_siyu_model_page_get_error (model), ==,
                   "The days after which a customer is lost must be more than the days after which they are "
                   "dormant (90) and at most 7300, not 20.");

  gtk_window_destroy (GTK_WINDOW (preferences));
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

  g_test_add_func ("/siyu/ui/overview/charts", test_charts);
  g_test_add_func ("/siyu/ui/overview/count-now", test_count_now);
  g_test_add_func ("/siyu/ui/overview/old-data", test_old_data);
  g_test_add_func ("/siyu/ui/overview/stale", test_stale);
  g_test_add_func ("/siyu/ui/overview/read-only", test_read_only);
  g_test_add_func ("/siyu/ui/overview/preferences-model", test_preferences_model);
  g_test_add_func ("/siyu/ui/overview/quick-filters", test_quick_filters);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
