/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "siyu-ingest.h"
#include "siyu-prediction.h"
#include "siyu-recompute.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

typedef struct {
  char       *dir;
  SiyuShop   *shop;
  SiyuDb     *db;
  SiyuIngest *ingest;
  gint64      channel;
  guint       serial;
} Fixture;

static SiyuDay
as_of (void)
{
  return siyu_day_from_ymd (2026, 3, 31);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, NULL);
  f->db = siyu_shop_get_db (f->shop);
  f->ingest = siyu_ingest_new (f->shop);
  f->channel = siyu_ingest_channel (f->ingest, "online_shop", "微店", NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->ingest);
  g_clear_object (&f->shop);
  g_clear_pointer (&f->dir, g_free);
}

static gint64
buyer (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *phone = g_strdup_printf ("1990001%04u", ++f->serial);
  SiyuContactRecord record = {
    .phone = phone, .seen_at = siyu_shop_day_start (f->shop, as_of () - 400), .consent = -1, .do_not_contact = -1,
  };
  gint64 id = siyu_ingest_contact (f->ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* An order @days before D at @hour local time, with one line of @sku. */
static void
order (Fixture    *f,
       gint64      contact,
       int         days,
       int         hour,
       gint64      net,
       const char *sku)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strdup_printf ("P%u", ++f->serial);
  SiyuOrderItemRecord item = { sku, sku, 1, net, net };
  SiyuOrderRecord record = {
    .channel_id = f->channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = siyu_shop_day_start (f->shop, as_of () - days) + hour * 3600,
    .currency = "CNY", .total_amount = net, .items = &item, .n_items = sku != NULL ? 1 : 0,
  };

  g_assert_cmpint (siyu_ingest_order (f->ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static SiyuPrediction *
predict (Fixture        *f,
         SiyuAnalytics **analytics_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuAnalytics) analytics = siyu_analytics_compute (f->shop, as_of (), NULL, NULL, NULL, &error);
  SiyuPrediction *prediction;

  g_assert_no_error (error);
  prediction = siyu_prediction_compute (f->shop, analytics, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (prediction);
  if (analytics_out != NULL)
    *analytics_out = g_steal_pointer (&analytics);

  return prediction;
}

static const char *
status (SiyuPrediction *prediction,
        const char     *model)
{
  JsonObject *summary = json_node_get_object (siyu_prediction_get_summary (prediction));

  return json_object_get_string_member (json_object_get_object_member (summary, model), "status");
}

/* A shop of 300 buyers, 250 of whom come back at their own pace and some
 * stop: enough for both models. */
static void
populate (Fixture *f)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (int i = 0; i < 300; i++)
    {
      gint64 c = buyer (f);
      int day = 360 - g_rand_int_range (rand, 0, 60);
      int pace = g_rand_int_range (rand, 5, 60);
      int repeats = i < 250 ? g_rand_int_range (rand, 1, 9) : 0;
      /* Each buyer spends around a level of their own. */
      gint64 level = 1000 * (gint64) g_rand_int_range (rand, 1, 30);

      order (f, c, day, 10, level + g_rand_int_range (rand, 0, (int) level), NULL);
      for (int k = 0; k < repeats; k++)
        {
          day -= pace + g_rand_int_range (rand, 0, pace);
          if (day < 0)
            break;
          order (f, c, day, 10, level / 2 + g_rand_int_range (rand, 0, (int) level), NULL);
        }
    }
}

/* Each buyer's prediction is the fitted models applied to the purchase
 * history of ANALYTICS.md: purchase days, weeks, repeat days' mean value. */
static void
test_scores_follow_the_models (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) analytics = NULL;
  g_autoptr(SiyuPrediction) prediction = NULL;
  JsonObject *summary, *bg_json, *gg_json;
  const SiyuContactPrediction *p;
  SiyuBgNbd bg;
  SiyuGammaGamma gg;
  /* Two orders on one day are one purchase of their sum; the first day's
   * value is not a repeat purchase. */
  gint64 special;
  SiyuBuyerHistory h = { 2, (100 - 20) / 7.0, 100 / 7.0, (3000 + 500 + 1500) / 2.0 / 100.0 };

  populate (f);
  special = buyer (f);
  order (f, special, 100, 9, 99900, NULL);
  order (f, special, 50, 9, 3000, NULL);
  order (f, special, 50, 20, 500, NULL);
  order (f, special, 20, 9, 1500, NULL);

  prediction = predict (f, &analytics);
  summary = json_node_get_object (siyu_prediction_get_summary (prediction));
  g_assert_cmpstr (status (prediction, "mbgnbd"), ==, "ok");
  g_assert_cmpstr (status (prediction, "gamma_gamma"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (summary, "buyers"), ==, 301);
  g_assert_cmpint (json_object_get_int_member (summary, "repeat_buyers"), ==, 251);

  bg_json = json_object_get_object_member (summary, "mbgnbd");
  gg_json = json_object_get_object_member (summary, "gamma_gamma");
  bg = (SiyuBgNbd) { json_object_get_double_member (bg_json, "r"), json_object_get_double_member (bg_json, "alpha"),
                     json_object_get_double_member (bg_json, "a"), json_object_get_double_member (bg_json, "b"), 0 };
  gg = (SiyuGammaGamma) { json_object_get_double_member (gg_json, "p"), json_object_get_double_member (gg_json, "q"),
                          json_object_get_double_member (gg_json, "v"), 0 };

  p = siyu_prediction_lookup (prediction, special);
  g_assert_nonnull (p);
  g_assert_cmpfloat_with_epsilon (p->p_alive, siyu_mbgnbd_p_alive (&bg, &h), 1e-12);
  g_assert_cmpfloat_with_epsilon (p->exp_orders_90d, siyu_mbgnbd_expected_purchases (&bg, &h, 90 / 7.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (p->exp_order_value, 100 * siyu_gamma_gamma_expected_value (&gg, &h), 1e-6);
  g_assert_cmpfloat_with_epsilon (p->value_12m,
                                  siyu_mbgnbd_expected_purchases (&bg, &h, 52) * p->exp_order_value, 1e-6);
  g_assert_true (p->p_alive > 0 && p->p_alive <= 1);
}

/* Below 200 repeat buyers nothing is predicted, and nothing made up is stored. */
static void
test_too_little_data (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SiyuPrediction) prediction = NULL;
  g_autoptr(GError) error = NULL;
  const SiyuContactPrediction *p;
  JsonObject *summary;
  gint64 c = buyer (f);

  order (f, c, 30, 10, 1000, NULL);
  order (f, c, 10, 10, 1000, NULL);

  prediction = predict (f, NULL);
  g_assert_cmpstr (status (prediction, "mbgnbd"), ==, "too_little_data");
  summary = json_node_get_object (siyu_prediction_get_summary (prediction));
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (summary, "mbgnbd"), "reason"),
                            "1 of the 200"));
  p = siyu_prediction_lookup (prediction, c);
  g_assert_true (isnan (p->p_alive) && isnan (p->exp_orders_90d) && isnan (p->value_12m));

  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_predictions WHERE p_alive IS NULL "
                                             "AND exp_orders_90d IS NULL AND value_12m IS NULL", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM analytics_runs WHERE "
                                             "summary ->> '$.predictive.mbgnbd.status' = 'too_little_data'", NULL), ==, 1);
}

static void
test_empty_shop (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SiyuPrediction) prediction = predict (f, NULL);

  g_assert_cmpstr (status (prediction, "mbgnbd"), ==, "too_little_data");
  g_assert_cmpstr (status (prediction, "gamma_gamma"), ==, "too_little_data");
}

/* Twenty buyers buy coffee twice, 30 days apart, the last time 30, 29, …
 * 11 days ago; one more 40 days apart, the last time 40 days ago: 21 gaps,
 * median 30.  Tea has only 19 gaps and gets no interval. */
static void
test_replenishment (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SiyuPrediction) prediction = NULL;
  g_autoptr(GArray) due = NULL;
  g_autoptr(GError) error = NULL;
  const SiyuReplenishment *r;
  gint64 first = 0;

  for (int i = 0; i < 21; i++)
    {
      gint64 c = buyer (f);
      int last = i < 20 ? 30 - i : 40;

      if (i == 0)
        first = c;

      order (f, c, last + (i < 20 ? 30 : 40), 10, 8800, "BEAN-01");
      order (f, c, last, 10, 8800, "BEAN-01");
      /* The same day again is not a gap. */
      if (i == 3)
        order (f, c, last, 15, 8800, "BEAN-01");
      if (i < 19)
        {
          order (f, c, 200, 10, 500, "TEA-02");
          order (f, c, 150, 10, 500, "TEA-02");
        }
    }

  prediction = predict (f, NULL);
  due = siyu_prediction_due_between (prediction, as_of () - 60, as_of () + 60);

  /* Soonest first: the 40-day buyer was due 10 days ago; then the first
   * buyer, who bought last 30 days ago, is due today. */
  g_assert_cmpuint (due->len, ==, 21);
  g_assert_cmpint (g_array_index (due, SiyuReplenishment, 0).due, ==, as_of () - 10);
  r = &g_array_index (due, SiyuReplenishment, 1);
  g_assert_cmpint (r->contact_id, ==, first);
  g_assert_cmpint (r->interval_days, ==, 30);
  g_assert_cmpint (r->last_purchase, ==, as_of () - 30);
  g_assert_cmpint (r->due, ==, as_of ());
  g_assert_cmpint (siyu_prediction_lookup (prediction, first)->next_due, ==, as_of ());
  /* Due 10 days ago: no upcoming date. */
  g_assert_cmpint (siyu_prediction_lookup (prediction, first + 20)->next_due, ==, SIYU_DAY_INVALID);
  g_array_unref (g_steal_pointer (&due));

  due = siyu_prediction_due_between (prediction, as_of (), as_of ());
  g_assert_cmpuint (due->len, ==, 1);

  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM replenishments", NULL), ==, 21);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM replenishments WHERE due = '2026-03-31' "
                                             "AND last_purchase = '2026-03-01' AND interval_days = 30", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_predictions WHERE next_due IS NOT NULL", NULL), ==, 20);

  /* Counting again writes only what differs from what is stored: a day
   * stored otherwise is written again, one stored as it is, not. */
  g_assert_true (siyu_db_exec (f->db, "UPDATE contact_predictions SET next_due = '2026-03-30' WHERE next_due = '2026-03-31';"
                                      "UPDATE replenishments SET last_purchase = '2026-02-28', due = '2026-03-30' "
                                      "  WHERE due = '2026-03-31'", NULL));
  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM replenishments WHERE due = '2026-03-31' "
                                             "AND last_purchase = '2026-03-01' AND interval_days = 30", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_predictions WHERE next_due = '2026-03-31'", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_predictions WHERE next_due = '2026-03-30'", NULL), ==, 0);
}

/* ANALYTICS.md "Restock products": 21 of the 70 buyers of a teacup bought
 * it twice, 50 days apart (21 gaps, exactly 30 %): a restock product.  21
 * of the 71 buyers of a glass tea set did the same (29.6 %): not one,
 * however many gaps it has. */
static void
test_restock_rule (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SiyuPrediction) prediction = NULL;
  g_autoptr(GArray) due = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *summary;

  for (int i = 0; i < 71; i++)
    {
      gint64 c = buyer (f);

      if (i < 70)
        order (f, c, 100, 10, 4900, "CUP-TRAVEL");
      order (f, c, 100, 11, 29900, "GLASS-SET");
      if (i < 21)
        {
          order (f, c, 50, 10, 4900, "CUP-TRAVEL");
          order (f, c, 50, 11, 29900, "GLASS-SET");
        }
    }

  prediction = predict (f, NULL);
  due = siyu_prediction_due_between (prediction, as_of () - 365, as_of () + 365);
  g_assert_cmpuint (due->len, ==, 70);
  for (guint i = 0; i < due->len; i++)
    {
      const SiyuReplenishment *r = &g_array_index (due, SiyuReplenishment, i);

      g_assert_cmpint (r->interval_days, ==, 50);
      g_assert_cmpint (r->due, ==, r->last_purchase + 50);
    }
  summary = json_node_get_object (siyu_prediction_get_summary (prediction));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (summary, "replenishment"), "products"),
                   ==, 1);
  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM replenishments r JOIN products p "
                                             "ON p.id = r.product_id WHERE p.sku = 'GLASS-SET'", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM replenishments r JOIN products p "
                                             "ON p.id = r.product_id WHERE p.sku = 'CUP-TRAVEL'", NULL), ==, 70);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/siyu/prediction/scores-follow-the-models", test_scores_follow_the_models);
  ADD ("/siyu/prediction/too-little-data", test_too_little_data);
  ADD ("/siyu/prediction/empty-shop", test_empty_shop);
  ADD ("/siyu/prediction/replenishment", test_replenishment);
  ADD ("/siyu/prediction/restock-rule", test_restock_rule);

#undef ADD

  return g_test_run ();
}
