/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <string.h>

#include <adwaita.h>

#include "siyu-analytics.h"
#include "siyu-application.h"
#include "siyu-campaign-wizard-private.h"
#include "siyu-campaign.h"
#include "siyu-campaigns-page-private.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-window.h"

/* The Campaigns place: empty at first; the rhythm wizard run through its
 * pages on a hand-built shop, its deduction checked figure by figure
 * against ANALYTICS.md, a weight changed, the plan saved, listed and
 * shown; bad input refused in the core's words; a deletion undone. */

static SiyuApplication *app;

static gboolean
page_idle (gpointer data)
{
  const char *state = _siyu_campaigns_page_get_state (data);

  return !g_str_equal (state, "loading");
}

static gboolean
wizard_idle (gpointer data)
{
  return !_siyu_campaign_wizard_is_busy (data);
}

static gboolean
wizard_gone (gpointer data)
{
  return _siyu_campaigns_page_get_wizard (data) == NULL &&
         g_str_equal (_siyu_campaigns_page_get_state (data), "campaign");
}

static gint64
add_contact (SiyuIngest *ingest,
             SiyuShop   *shop,
             const char *name,
             const char *phone,
             const char *seen)
{
  g_autoptr(GError) error = NULL;
  gint64 at = siyu_test_time (shop, seen);
  SiyuContactRecord record = {
    .name = name, .phone = phone, .seen_at = at, .consent = 1, .do_not_contact = -1, .member_since = at,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
add_order (SiyuIngest *ingest,
           SiyuShop   *shop,
           gint64      channel,
           const char *ref,
           gint64      contact,
           const char *at,
           gint64      amount)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { "LJ-250", "龙井", 1, amount, amount };
  SiyuOrderRecord order = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = siyu_test_time (shop, at), .currency = "CNY", .total_amount = amount, .items = &item,
    .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
}

/* Today is 2026-03-31; the sale is on 2026-04-20, so the reference window
 * is 2025-04-20 alone.  As of 2025-04-19 (the window's eve):
 *   New      A (one order 04-01), B (one order 04-10)        2, A buys
 *   Dormant  C (last 01-05), D (last 02-01)                  2, C buys
 *   Prospect E, F, G (no order)                              3, E buys
 *   Growing  H (03-01 and 04-05)                             1, H buys twice
 * and N, first seen on 04-20, buys then: a newcomer in no stage.
 * In the window: 6 paid orders, ¥1,700.00 net, 5 buyers, 6 orders with a
 * contact: AOV ¥283.33…, 1.2 orders per buyer, ¥340 per buyer.
 * Today: F bought on 2026-03-15 and P, S once in March (New: 3), Q twice in
 * March (Growing: 1), R last on 2026-01-10 (Dormant: 1), G never
 * (Prospect: 1), A B C D E H N last bought in 2025 (Lost: 7). */
static SiyuShop *
campaign_shop (const char *dir)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 a = add_contact (ingest, shop, "A", "13800138001", "2025-01-01 10:00:00");
  gint64 b = add_contact (ingest, shop, "B", "13800138002", "2025-01-01 10:00:00");
  gint64 c = add_contact (ingest, shop, "C", "13800138003", "2025-01-01 10:00:00");
  gint64 d = add_contact (ingest, shop, "D", "13800138004", "2025-01-01 10:00:00");
  gint64 e = add_contact (ingest, shop, "E", "13800138005", "2025-01-01 10:00:00");
  gint64 f = add_contact (ingest, shop, "F", "13800138006", "2025-01-01 10:00:00");
  gint64 h = add_contact (ingest, shop, "H", "13800138008", "2025-01-01 10:00:00");
  gint64 n, p, q, r, s;

  add_contact (ingest, shop, "G", "13800138007", "2025-01-01 10:00:00");
  n = add_contact (ingest, shop, "N", "13800138009", "2025-04-20 09:00:00");
  p = add_contact (ingest, shop, "P", "13800138010", "2026-01-01 10:00:00");
  q = add_contact (ingest, shop, "Q", "13800138011", "2026-01-01 10:00:00");
  r = add_contact (ingest, shop, "R", "13800138012", "2026-01-01 10:00:00");
  s = add_contact (ingest, shop, "S", "13800138013", "2026-01-01 10:00:00");

  add_order (ingest, shop, channel, "A1", a, "2025-04-01 12:00:00", 10000);
  add_order (ingest, shop, channel, "B1", b, "2025-04-10 12:00:00", 10000);
  add_order (ingest, shop, channel, "C1", c, "2025-01-05 12:00:00", 10000);
  add_order (ingest, shop, channel, "D1", d, "2025-02-01 12:00:00", 10000);
  add_order (ingest, shop, channel, "H1", h, "2025-03-01 12:00:00", 10000);
  add_order (ingest, shop, channel, "H2", h, "2025-04-05 12:00:00", 10000);
  /* The reference window, 2025-04-20. */
  add_order (ingest, shop, channel, "A2", a, "2025-04-20 10:00:00", 10000);
  add_order (ingest, shop, channel, "C2", c, "2025-04-20 11:00:00", 20000);
  add_order (ingest, shop, channel, "E1", e, "2025-04-20 12:00:00", 30000);
  add_order (ingest, shop, channel, "H3", h, "2025-04-20 13:00:00", 40000);
  add_order (ingest, shop, channel, "H4", h, "2025-04-20 14:00:00", 20000);
  add_order (ingest, shop, channel, "N1", n, "2025-04-20 15:00:00", 50000);
  /* This year. */
  add_order (ingest, shop, channel, "F1", f, "2026-03-15 12:00:00", 10000);
  add_order (ingest, shop, channel, "P1", p, "2026-03-20 12:00:00", 10000);
  add_order (ingest, shop, channel, "Q1", q, "2026-03-01 12:00:00", 10000);
  add_order (ingest, shop, channel, "Q2", q, "2026-03-25 12:00:00", 10000);
  add_order (ingest, shop, channel, "R1", r, "2026-01-10 12:00:00", 10000);
  add_order (ingest, shop, channel, "S1", s, "2026-03-28 12:00:00", 10000);

  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")), &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return shop;
}

static gboolean
scrollable (gpointer data)
{
  return gtk_adjustment_get_upper (data) - gtk_adjustment_get_page_size (data) > 100;
}

static SiyuCampaignsPage *
open_place (SiyuWindow *window)
{
  SiyuCampaignsPage *page;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  gtk_window_present (GTK_WINDOW (window));
  page = SIYU_CAMPAIGNS_PAGE (siyu_window_show_place (window, "campaigns"));
  g_assert_nonnull (page);
  siyu_test_wait_for (page_idle, page);
  return page;
}

static SiyuCampaignWizard *
open_wizard (SiyuCampaignsPage *page)
{
  SiyuCampaignWizard *wizard;

  gtk_widget_activate_action (GTK_WIDGET (page), "page.new-campaign", NULL);
  wizard = _siyu_campaigns_page_get_wizard (page);
  g_assert_nonnull (wizard);
  siyu_test_wait_for (wizard_idle, wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_page (wizard), ==, "basics");
  return wizard;
}

static void
next (SiyuCampaignWizard *wizard)
{
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  siyu_test_wait_for (wizard_idle, wizard);
}

/* Save, on the last page: the wizard closes, the campaign's page opens. */
static void
save (SiyuCampaignsPage  *page,
      SiyuCampaignWizard *wizard)
{
  g_assert_cmpstr (_siyu_campaign_wizard_get_page (wizard), ==, "rhythm");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  siyu_test_wait_for (wizard_gone, page);
}

/* Every line but the chart's, which siyu-chart.c describes in its own way. */
static char *
table_of (SiyuCampaignWizard *wizard)
{
  g_autofree char *text = _siyu_campaign_wizard_describe (wizard);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL && i < 10; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "\n" : "", lines[i]);
  return g_string_free (out, FALSE);
}

/*
 * By hand (ANALYTICS.md, GMV gap deduction), target ¥20,400.00:
 *   AOV × orders per buyer = (170000 ÷ 6) × (6 ÷ 5) = 34000 fen;
 *   B = ceil (2040000 ÷ 34000) = 60;
 *   c: Prospect 1/3, New 1/2, Growing 1/1, Mature 0, Dormant 1/2, Lost 0;
 *   expected today: 1 × 1/3 + 3 × 1/2 + 1 × 1 + 1 × 1/2 = 3.333…;
 *   G = 60 − 3.333… = 56.666…;
 *   weights = expected: shares 10 %, 45 %, 30 %, 0, 15 %, 0 of G, that is
 *   5.67, 25.5, 17.0, 0, 8.5, 0 buyers; reach ceil (G_s ÷ c_s) = 17, 51,
 *   17, 0, 17, 0.
 */
#define FIGURES \
  "B, buyers needed: to reach the target of ¥20,400.00 with an average order of ¥283.33 and 1.20 orders per " \
  "buyer, the sale needs 60 buyers.\n" \
  "E, buyers expected: if the contacts of each lifecycle stage today buy as their stage did in the reference " \
  "window, they bring about 4 buyers on their own.\n" \
  "G, the gap: B less E, about 57 more buyers to win by reaching more contacts, split over the stages below.\n" \
  "The history is too thin: only 5 buyers from 2025-04-20 to 2025-04-20, fewer than 30, so these figures are rough.\n"

static void
test_wizard (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = campaign_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuCampaignsPage *page = open_place (window);
  SiyuCampaignWizard *wizard;
  g_autofree char *table = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *lost = NULL;
  g_autofree char *rhythm = NULL;
  g_autofree char *list = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *chart = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) saved = NULL;

  g_assert_cmpstr (_siyu_campaigns_page_get_state (page), ==, "empty");
  wizard = open_wizard (page);

  /* Bad input, refused on the first page in the core's words. */
  _siyu_campaign_wizard_set_basics (wizard, "", "2026-04-20", NULL, "20400");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_error (wizard), ==, "Give the campaign a name.");
  _siyu_campaign_wizard_set_basics (wizard, "清明茶会", "2026-04-20", NULL, "0");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_page (wizard), ==, "basics");
  g_assert_cmpstr (_siyu_campaign_wizard_get_error (wizard), ==, "The GMV target must be above zero.");
  _siyu_campaign_wizard_set_basics (wizard, "清明茶会", "2026-04-20", NULL, "-5");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_error (wizard), ==, "The GMV target must be above zero.");
  _siyu_campaign_wizard_set_basics (wizard, "清明茶会", "2026-04-20", NULL, "99999999999");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_error (wizard), ==,
                   "The GMV target is too large to be real: at most 10,000,000,000 in major units.");
  _siyu_campaign_wizard_set_basics (wizard, "清明茶会", "2026-03-30", NULL, "20400");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_error (wizard), ==,
                   "The sale day 2026-03-30 is in the past: the shop’s today is 2026-03-31.");
  _siyu_campaign_wizard_set_basics (wizard, "清明茶会", "2026-04-31", NULL, "20400");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_error (wizard), ==,
                   "The sale day must be a day written YYYY-MM-DD, such as 2026-11-11.");
  _siyu_campaign_wizard_set_basics (wizard, "清明茶会", "2026-04-20", NULL, "二万");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_error (wizard), ==,
                   "Write the GMV target as an amount in yuan, such as 200000.");

  /* The default reference window: 2025-04-20 a year earlier holds 5
   * buyers, so it is widened back by weeks to the first order, 2025-01-05
   * (ANALYTICS.md); 7 buyers in all, never one day and 18 buyers. */
  _siyu_campaign_wizard_set_basics (wizard, "清明茶会", "2026-04-20", NULL, "¥20,400");
  next (wizard);
  g_assert_null (_siyu_campaign_wizard_get_error (wizard));
  g_assert_cmpstr (_siyu_campaign_wizard_get_page (wizard), ==, "deduction");
  g_assert_cmpstr (_siyu_campaign_wizard_get_reference (wizard), ==,
                   "2025-01-05 to 2025-04-20. The same days a year earlier. Widened back by 15 weeks to the first "
                   "order: the whole history holds fewer than 100 buyers. 12 paid orders from 7 buyers.");

  /* The deduction, figure by figure, on 2025-04-20 alone. */
  _siyu_campaign_wizard_set_reference (wizard, "2025-04-20", "2025-04-20");
  siyu_test_wait_for (wizard_idle, wizard);
  table = table_of (wizard);
  g_assert_cmpstr (table, ==,
                   FIGURES
                   "Prospect | 1 | 33 % | 1 | 0.33 | 10 % (6) | 17 (more than there are)\n"
                   "New | 3 | 50 % | 2 | 1.50 | 45 % (26) | 51 (more than there are)\n"
                   "Growing | 1 | 100 % | 1 | 1.00 | 30 % (17) | 17 (more than there are)\n"
                   "Mature | 0 | 0.0 % | 0 | 0.00 | 0.0 % (0) | 0\n"
                   "Dormant | 1 | 50 % | 1 | 0.50 | 15 % (9) | 17 (more than there are)\n"
                   "Lost | 7 | 0.0 % | 0 | 0.00 | 0.0 % (0) | 0");
  chart = _siyu_campaign_wizard_describe (wizard);
  g_assert_nonnull (strstr (chart, "Buyers needed"));
  g_assert_nonnull (strstr (chart, "Gap to close"));

  /* No weight on Growing: 56.67 split 1 : 9 : 3 over 7/3 in all, so
   * Prospect 8.10 (ceil 24.3 = 25), New 36.4 (ceil 72.9 = 73), Dormant
   * 12.1 (ceil 24.3 = 25). */
  _siyu_campaign_wizard_set_weight (wizard, SIYU_STAGE_GROWING, 0);
  siyu_test_wait_for (wizard_idle, wizard);
  changed = table_of (wizard);
  g_assert_cmpstr (changed, ==,
                   FIGURES
                   "Prospect | 1 | 33 % | 1 | 0.33 | 14 % (9) | 25 (more than there are)\n"
                   "New | 3 | 50 % | 2 | 1.50 | 64 % (37) | 73 (more than there are)\n"
                   "Growing | 1 | 100 % | 1 | 0.00 | 0.0 % (0) | 0\n"
                   "Mature | 0 | 0.0 % | 0 | 0.00 | 0.0 % (0) | 0\n"
                   "Dormant | 1 | 50 % | 1 | 0.50 | 21 % (13) | 25 (more than there are)\n"
                   "Lost | 7 | 0.0 % | 0 | 0.00 | 0.0 % (0) | 0");

  /* Weight on Lost, who never convert: their share cannot be closed, and
   * nothing divides by zero. */
  _siyu_campaign_wizard_set_weight (wizard, SIYU_STAGE_LOST, 1);
  siyu_test_wait_for (wizard_idle, wizard);
  lost = table_of (wizard);
  g_assert_nonnull (strstr (lost, "\nLost | 7 | 0.0 % | 0 | 1.00 | 30 % (17) | cannot close"));
  g_assert_nonnull (strstr (lost, "\nNew | 3 | 50 % | 2 | 1.50 | 45 % (26) | 51 (more than there are)\n"));
  _siyu_campaign_wizard_set_weight (wizard, SIYU_STAGE_LOST, 0);
  siyu_test_wait_for (wizard_idle, wizard);

  /* A reference window with no order: said plainly, nothing deduced. */
  _siyu_campaign_wizard_set_reference (wizard, "2024-06-01", "2024-06-30");
  siyu_test_wait_for (wizard_idle, wizard);
  g_clear_pointer (&table, g_free);
  table = table_of (wizard);
  g_assert_nonnull (strstr (table, "\nThe history is too thin: there is no paid order from 2024-06-01 to 2024-06-30, so nothing can be deduced."));
  _siyu_campaign_wizard_set_reference (wizard, "2025-04-20", "2025-04-20");
  siyu_test_wait_for (wizard_idle, wizard);
  g_clear_pointer (&table, g_free);
  table = table_of (wizard);
  g_assert_true (g_str_has_prefix (table, FIGURES "Prospect | 1 | 33 % | 1 | 0.33 | 10 % (6) | 17"));

  /* The mouse wheel over a weight scrolls the page and leaves the weight. */
  {
    GtkAdjustment *scroll = _siyu_campaign_wizard_get_scroll (wizard);
    double before = gtk_adjustment_get_value (scroll);

    gtk_window_set_default_size (GTK_WINDOW (wizard), 700, 400);
    siyu_test_wait_for (scrollable, scroll);
    g_assert_cmpfloat (_siyu_campaign_wizard_scroll_weight (wizard, SIYU_STAGE_NEW, 1.0), ==, 1.5);
    g_assert_cmpfloat (gtk_adjustment_get_value (scroll), >, before);
  }

  /* The rhythm: D−30 … D−16, D−15 … D−1, D, D+1 … D+14. */
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_page (wizard), ==, "rhythm");
  rhythm = _siyu_campaign_wizard_describe_rhythm (wizard);
  g_assert_true (g_str_has_prefix (rhythm, "Seeding 2026-03-21 – 2026-04-04: "));
  g_assert_nonnull (strstr (rhythm, "\nGrowing 2026-04-05 – 2026-04-19: "));
  g_assert_nonnull (strstr (rhythm, "\nHarvest 2026-04-20 – 2026-04-20: "));
  g_assert_nonnull (strstr (rhythm, "\nNurturing 2026-04-21 – 2026-05-04: "));
  /* Champions as of today: R score 5 and F score 4–5 among the 11 buyers
   * of the last 365 days: Q alone (two orders, last on 25 March). */
  g_assert_nonnull (strstr (rhythm, "\n  Champions: 1 on 2026-03-21, 2026-03-28\n"));
  /* The one-day harvest is a bar wide enough for its name, not a sliver;
   * the fifteen-day phases give up the room.  At 600 pixels by days alone
   * it would be 600 × 1 / 45 = 13 pixels wide. */
  {
    g_autofree char *layout = _siyu_campaign_wizard_describe_timeline (wizard, 600);
    double x[8];

    g_assert_cmpint (sscanf (layout, "%lf–%lf %lf–%lf %lf–%lf %lf–%lf", &x[0], &x[1], &x[2], &x[3], &x[4], &x[5],
                             &x[6], &x[7]), ==, 8);
    g_assert_cmpfloat (x[0], ==, 0);
    g_assert_cmpfloat (x[7], ==, 600);
    g_assert_cmpfloat (x[5] - x[4], >=, 40);
    g_assert_cmpfloat (x[1] - x[0], <, 600.0 * 15 / 45);
  }
  /* Every touch day shows in its entry. */
  {
    int width = 0;
    g_autofree char *days = _siyu_campaign_wizard_get_touch_days (wizard, 1, 0, &width);

    g_assert_cmpstr (days, ==, "2026-04-05, 2026-04-13, 2026-04-19");
    g_assert_cmpint (width, >=, (int) g_utf8_strlen (days, -1));
  }
  _siyu_campaign_wizard_set_theme (wizard, 2, "清明新茶，今日开抢");

  save (page, wizard);

  saved = siyu_campaigns_list (shop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (saved)), ==, 1);
  list = _siyu_campaigns_page_describe (page);
  g_assert_cmpstr (list, ==,
                   "清明茶会: 2026-04-20 · target ¥20,400.00 · all channels · ¥0.00 of ¥20,400.00 (0.0 %) · Planned");
  detail = _siyu_campaigns_page_describe_detail (page);
  g_assert_true (g_str_has_prefix (detail,
                                   "清明茶会\n"
                                   "Sale 2026-04-20 · Planned\n"
                                   "GMV ¥0.00 of ¥20,400.00 (0.0 %) · 0 orders from 0 buyers; the plan needs 60 buyers.\n"
                                   "Seeding 2026-03-21 – 2026-04-04; Growing 2026-04-05 – 2026-04-19; "
                                   "Harvest 2026-04-20 – 2026-04-20; Nurturing 2026-04-21 – 2026-05-04\n"
                                   "Seeding · 2026-03-21 to 2026-04-04: Planned "));
  g_assert_nonnull (strstr (detail, "\n  Champions: Planned 1 · reached 0 · bought 0 · net ¥0.00 · no holdout to compare with\n"));

  siyu_test_destroy_window (window);
}

static void
test_delete_undo (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = campaign_shop (dir);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuCampaignsPage *page = open_place (window);
  SiyuCampaignWizard *wizard = open_wizard (page);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  _siyu_campaign_wizard_set_basics (wizard, "端午", "2026-06-19", "2026-06-20", "5000");
  next (wizard);
  g_assert_cmpstr (_siyu_campaign_wizard_get_page (wizard), ==, "deduction");
  next (wizard);
  save (page, wizard);
  before = _siyu_campaigns_page_describe (page);
  g_assert_true (g_str_has_prefix (before, "端午: 2026-06-19 to 2026-06-20 · target ¥5,000.00 · all channels"));

  gtk_widget_activate_action (GTK_WIDGET (page), "page.delete", NULL);
  siyu_test_wait_for (page_idle, page);
  g_assert_cmpstr (_siyu_campaigns_page_get_state (page), ==, "empty");

  _siyu_campaigns_page_undo_delete (page);
  siyu_test_wait_for (page_idle, page);
  after = _siyu_campaigns_page_describe (page);
  g_assert_cmpstr (after, ==, before);

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

  g_test_add_func ("/siyu/ui/campaigns/wizard", test_wizard);
  g_test_add_func ("/siyu/ui/campaigns/delete-undo", test_delete_undo);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
