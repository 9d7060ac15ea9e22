/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "siyu-application.h"
#include "siyu-ingest.h"
#include "siyu-model-wizard-private.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"
#include "siyu-time.h"
#include "siyu-window.h"

/* The lifecycle and tier wizard on a hand-built shop whose today is
 * D = 31 March 2026 (the shop of tests/test-model.c):
 *   A, member: ¥1,000 on D−200, −150, −100, −50, −10: Mature; ¥5,000, Gold.
 *   B, member: ¥300 on D−60 and D−40: Dormant; ¥600, Silver.
 *   C, member since D−300: ¥100 on D−5: New, Regular.
 *   E: D−220 and D−200: Lost.
 *   F, member, never bought: Prospect, Regular.
 *   G: D−25 and D−20: Growing.
 *   H, member: ¥9,000 on D−3: New, Diamond.
 *   I, member since D−100: ¥100 on D−7: New, Regular.
 * Gaps 5, 20, 20, 40, 50, 50, 50: too few (7 < 20) to go by. */

static SiyuApplication *app;

typedef struct {
  SiyuShop   *shop;
  SiyuIngest *ingest;
  gint64      channel;
  guint       serial;
} Shop;

static SiyuDay
d (void)
{
  return siyu_day_from_ymd (2026, 3, 31);
}

static gint64
ago (Shop *s,
     int   days)
{
  return siyu_shop_day_start (s->shop, d () - days) + 12 * 3600;
}

static gint64
contact (Shop *s,
         int   member_days)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *phone = g_strdup_printf ("1390000%04u", ++s->serial);
  SiyuContactRecord record = {
    .phone = phone, .seen_at = ago (s, 400), .member_since = member_days > 0 ? ago (s, member_days) : 0,
    .consent = -1, .do_not_contact = -1,
  };
  gint64 id = siyu_ingest_contact (s->ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
buy (Shop   *s,
     gint64  who,
     int     days,
     gint64  net)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strdup_printf ("W%u", ++s->serial);
  SiyuOrderRecord record = {
    .channel_id = s->channel, .external_ref = ref, .contact_id = who, .status = "paid",
    .created_at = ago (s, days), .currency = "CNY", .total_amount = net,
  };

  g_assert_cmpint (siyu_ingest_order (s->ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static SiyuShop *
hand_shop (const char *dir,
           gboolean    with_orders)
{
  g_autoptr(GError) error = NULL;
  Shop s = { 0, };
  gint64 a, b, c, e, g, h, i;

  s.shop = siyu_test_new_shop (dir, NULL);
  s.ingest = siyu_ingest_new (s.shop);
  s.channel = siyu_ingest_channel (s.ingest, "online_shop", "微店", NULL, &error);
  g_assert_no_error (error);
  if (with_orders)
    {
      a = contact (&s, 390);
      for (int k = 200; k >= 50; k -= 50)
        buy (&s, a, k, 100000);
      buy (&s, a, 10, 100000);
      b = contact (&s, 390);
      buy (&s, b, 60, 30000);
      buy (&s, b, 40, 30000);
      c = contact (&s, 300);
      buy (&s, c, 5, 10000);
      e = contact (&s, 0);
      buy (&s, e, 220, 5000);
      buy (&s, e, 200, 5000);
      contact (&s, 390);
      g = contact (&s, 0);
      buy (&s, g, 25, 5000);
      buy (&s, g, 20, 5000);
      h = contact (&s, 390);
      buy (&s, h, 3, 900000);
      i = contact (&s, 100);
      buy (&s, i, 7, 10000);
    }
  g_assert_true (siyu_shop_set_data_end (s.shop, d (), &error));
  g_assert_no_error (error);
  g_clear_object (&s.ingest);

  return s.shop;
}

static gboolean
idle (gpointer data)
{
  return !_siyu_model_wizard_is_busy (data);
}

static gboolean
applied_or_failed (gpointer data)
{
  return !_siyu_model_wizard_is_busy (data) &&
         (_siyu_model_wizard_get_previous (data) != NULL || _siyu_model_wizard_get_error (data) != NULL);
}

static gboolean
undone (gpointer data)
{
  return _siyu_model_wizard_is_undone (data) || _siyu_model_wizard_get_error (data) != NULL;
}

static void
set_spin (SiyuModelWizard *wizard,
          const char      *name,
          double           value)
{
  GtkSpinButton *spin = _siyu_model_wizard_get_spin (wizard, name);

  g_assert_nonnull (spin);
  gtk_spin_button_set_value (spin, value);
  siyu_test_drain ();
  siyu_test_wait_for (idle, wizard);
}

static void
assert_text (SiyuModelWizard *wizard,
             const char      *name,
             const char      *expected)
{
  g_assert_cmpstr (_siyu_model_wizard_get_text (wizard, name), ==, expected);
}

static char *
model_json (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  SiyuModel model;

  g_assert_true (siyu_model_load (shop, &model, &error));
  node = siyu_model_to_json (&model);
  siyu_model_clear (&model);
  return json_to_string (node, FALSE);
}

static void
test_wizard (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = hand_shop (dir, TRUE);
  g_autofree char *before = model_json (shop);
  g_autofree char *after = NULL;
  g_autofree char *restored = NULL;
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuModelWizard *wizard;
  const SiyuModelPreview *preview;
  SiyuModel model;
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (window));
  wizard = g_object_ref (siyu_model_wizard_new (GTK_WINDOW (window), siyu_window_get_runner (window)));
  gtk_window_present (GTK_WINDOW (wizard));
  siyu_test_wait_for (idle, wizard);

  /* 1. The gaps: too few, so the current thresholds stay. */
  g_assert_cmpstr (_siyu_model_wizard_get_page (wizard), ==, "gaps");
  assert_text (wizard, "gaps", "There are only 7 repeat orders so far, too few to go by (Siyu wants at least 20). "
                               "The current thresholds stay: dormant after 30 days, lost after 180.");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (_siyu_model_wizard_get_spin (wizard, "dormant")), ==, 30);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (_siyu_model_wizard_get_spin (wizard, "lost")), ==, 180);
  /* 5-day bars from 0–4 to 50–54. */
  g_assert_cmpuint (siyu_chart_get_n_items (_siyu_model_wizard_get_chart (wizard)), ==, 11);
  preview = _siyu_model_wizard_get_preview (wizard);
  g_assert_nonnull (preview);
  g_assert_cmpint (preview->moved_up + preview->moved_down, ==, 0);

  set_spin (wizard, "dormant", 45);
  set_spin (wizard, "lost", 210);

  /* 2. Stages: mature with 2 orders; B and G become Mature, E Dormant. */
  _siyu_model_wizard_next (wizard);
  g_assert_cmpstr (_siyu_model_wizard_get_page (wizard), ==, "stages");
  set_spin (wizard, "mature-orders", 2);
  assert_text (wizard, "stage-0", "1");
  assert_text (wizard, "stage-1", "3");
  assert_text (wizard, "stage-2", "1 → 0 (-1)");
  assert_text (wizard, "stage-3", "1 → 3 (+2)");
  assert_text (wizard, "stage-4", "1");
  assert_text (wizard, "stage-5", "1 → 0 (-1)");

  /* 3. Tiers: three, suggested from spends 0, ¥100, ¥100, ¥600, ¥5,000,
   * ¥9,000: 70th → the 5th, ¥5,000; 95th → the 6th, ¥9,000 → ¥8,000. */
  _siyu_model_wizard_next (wizard);
  g_assert_cmpstr (_siyu_model_wizard_get_page (wizard), ==, "tiers");
  set_spin (wizard, "tiers", 3);
  assert_text (wizard, "spend", "Of 6 members in the last 365 days, 70 % spent ¥5,000.00 or less, 95 % spent "
                                "¥9,000.00 or less. The thresholds are rounded down to a friendly amount.");
  g_assert_cmpfloat (gtk_spin_button_get_value (_siyu_model_wizard_get_spin (wizard, "threshold-1")), ==, 5000);
  g_assert_cmpfloat (gtk_spin_button_get_value (_siyu_model_wizard_get_spin (wizard, "threshold-2")), ==, 8000);
  g_assert_null (_siyu_model_wizard_get_spin (wizard, "threshold-3"));
  /* Gold H; Silver A; Regular B C F I.  A Gold → Silver, B Silver →
   * Regular, H Diamond → Gold. */
  assert_text (wizard, "tier-0", "4 members (today 3)");
  assert_text (wizard, "tier-1", "1 member (today 1)");
  assert_text (wizard, "tier-2", "1 member (today 1)");
  assert_text (wizard, "moves", "Members moving up a tier: 0; down a tier: 3.");

  /* Silver from ¥500: A B H; Gold from ¥5,000: A H, but it holds one:
   * H spent more. */
  set_spin (wizard, "threshold-1", 500);
  set_spin (wizard, "threshold-2", 5000);
  assert_text (wizard, "tier-2", "2 members (today 1)");
  set_spin (wizard, "capacity-2", 1);
  assert_text (wizard, "tier-0", "3 members (today 3)");
  assert_text (wizard, "tier-1", "2 members (today 1)");
  assert_text (wizard, "tier-2", "1 member (today 1)");
  assert_text (wizard, "moves", "Members moving up a tier: 0; down a tier: 2.");
  preview = _siyu_model_wizard_get_preview (wizard);
  g_assert_cmpint (preview->moved_down, ==, 2);
  g_assert_cmpint (preview->stages[SIYU_STAGE_MATURE], ==, 3);

  /* 4. Apply, then Undo from the toast in the main window. */
  _siyu_model_wizard_next (wizard);
  g_assert_cmpstr (_siyu_model_wizard_get_page (wizard), ==, "apply");
  g_assert_nonnull (strstr (_siyu_model_wizard_get_text (wizard, "summary"),
                            "Dormant after 45 days without an order, lost after 210 days.\n"
                            "Mature with 2 or more orders in 365 days.\n"
                            "Regular from ¥0.00\n"));
  _siyu_model_wizard_next (wizard);
  siyu_test_wait_for (applied_or_failed, wizard);
  g_assert_null (_siyu_model_wizard_get_error (wizard));
  g_assert_true (siyu_model_load (shop, &model, &error));
  g_assert_cmpint (model.lifecycle.dormant_days, ==, 45);
  g_assert_cmpint (model.lifecycle.lost_days, ==, 210);
  g_assert_cmpint (model.lifecycle.mature_orders, ==, 2);
  g_assert_cmpuint (model.tiers->len, ==, 3);
  g_assert_cmpint (g_array_index (model.tiers, SiyuTierSetting, 2).threshold, ==, 500000);
  g_assert_cmpint (g_array_index (model.tiers, SiyuTierSetting, 2).capacity, ==, 1);
  siyu_model_clear (&model);
  after = model_json (shop);
  g_assert_cmpstr (after, !=, before);

  g_assert_nonnull (_siyu_model_wizard_get_toast (wizard));
  g_assert_cmpstr (adw_toast_get_button_label (_siyu_model_wizard_get_toast (wizard)), ==, "_Undo");
  g_signal_emit_by_name (_siyu_model_wizard_get_toast (wizard), "button-clicked");
  siyu_test_wait_for (undone, wizard);
  g_assert_null (_siyu_model_wizard_get_error (wizard));
  restored = model_json (shop);
  g_assert_cmpstr (restored, ==, before);

  g_object_unref (wizard);
  siyu_test_destroy_window (window);
}

static void
test_empty (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = hand_shop (dir, FALSE);
  SiyuWindow *window = siyu_window_new (app, shop);
  SiyuModelWizard *wizard;

  gtk_window_present (GTK_WINDOW (window));
  wizard = siyu_model_wizard_new (GTK_WINDOW (window), siyu_window_get_runner (window));
  gtk_window_present (GTK_WINDOW (wizard));
  siyu_test_wait_for (idle, wizard);

  assert_text (wizard, "gaps", "No customer has bought twice yet, so there is nothing to learn from. The current "
                               "thresholds stay: dormant after 30 days, lost after 180.");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_siyu_model_wizard_get_chart (wizard))));
  _siyu_model_wizard_next (wizard);
  _siyu_model_wizard_next (wizard);
  set_spin (wizard, "tiers", 3);
  assert_text (wizard, "spend", "There are no members yet to suggest tier thresholds from. The thresholds stay as "
                                "they are.");
  /* Lost before dormant: said plainly, and Next waits. */
  _siyu_model_wizard_back (wizard);
  _siyu_model_wizard_back (wizard);
  set_spin (wizard, "lost", 20);
  assert_text (wizard, "moves", "The days after which a customer is lost must be more than the days after which "
                                "they are dormant (30) and at most 7300, not 20.");

  siyu_test_destroy_window (wizard);
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

  g_test_add_func ("/siyu/ui/model-wizard/wizard", test_wizard);
  g_test_add_func ("/siyu/ui/model-wizard/empty", test_empty);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);

  return status;
}
