/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "siyu-analytics.h"
#include "siyu-recompute.h"
#include "siyu-ingest.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* Every test shop is seen as of D = 2026-03-31, in Asia/Shanghai. */
#define D_YEAR 2026
#define D_MONTH 3
#define D_DAY 31

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
  return siyu_day_from_ymd (D_YEAR, D_MONTH, D_DAY);
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

/* Noon, @days before D, local time. */
static gint64
days_ago (Fixture *f,
          int      days)
{
  return siyu_shop_day_start (f->shop, as_of () - days) + 12 * 3600;
}

static gint64
on (Fixture    *f,
    const char *local)
{
  return siyu_test_time (f->shop, local);
}

static gint64
person (Fixture *f,
        gint64   seen_at,
        gint64   member_since)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *phone = g_strdup_printf ("1990000%04u", ++f->serial);
  SiyuContactRecord record = {
    .phone = phone, .seen_at = seen_at, .member_since = member_since, .consent = -1, .do_not_contact = -1,
  };
  gint64 id = siyu_ingest_contact (f->ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
order_full (Fixture    *f,
            gint64      contact,
            gint64      when,
            const char *status,
            gint64      total,
            gint64      refunded)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strdup_printf ("O%u", ++f->serial);
  SiyuOrderRecord record = {
    .channel_id = f->channel, .external_ref = ref, .contact_id = contact, .status = status,
    .created_at = when, .currency = "CNY", .total_amount = total, .refunded_amount = refunded,
  };

  g_assert_cmpint (siyu_ingest_order (f->ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
order (Fixture *f,
       gint64   contact,
       gint64   when,
       gint64   net)
{
  order_full (f, contact, when, "paid", net, 0);
}

static void
event (Fixture    *f,
       gint64      contact,
       const char *kind,
       gint64      when)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (siyu_ingest_event (f->ingest, contact, kind, when, 0, NULL, &error));
  g_assert_no_error (error);
}

static SiyuAnalytics *
compute (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  SiyuAnalytics *analytics = siyu_analytics_compute (f->shop, as_of (), NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (analytics);
  return analytics;
}

static const SiyuContactMetrics *
metrics (SiyuAnalytics *analytics,
         gint64         contact)
{
  const SiyuContactMetrics *m = siyu_analytics_lookup (analytics, contact);

  g_assert_nonnull (m);
  return m;
}

static JsonNode *
path (SiyuAnalytics *analytics,
      const char    *expression)
{
  g_autoptr(GError) error = NULL;
  JsonNode *result = json_path_query (expression, siyu_analytics_get_summary (analytics), &error);
  JsonArray *array;
  JsonNode *node;

  g_assert_no_error (error);
  array = json_node_get_array (result);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  node = json_node_copy (json_array_get_element (array, 0));
  json_node_unref (result);

  return node;
}

static gint64
path_int (SiyuAnalytics *analytics,
          const char    *expression)
{
  g_autoptr(JsonNode) node = path (analytics, expression);

  return json_node_get_int (node);
}

static double
path_double (SiyuAnalytics *analytics,
             const char    *expression)
{
  g_autoptr(JsonNode) node = path (analytics, expression);

  return JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
}

static void
assert_stage (SiyuAnalytics *analytics,
              gint64         contact,
              SiyuStage      stage)
{
  g_assert_cmpstr (siyu_stage_to_string (metrics (analytics, contact)->stage), ==, siyu_stage_to_string (stage));
}

/* Each lifecycle rule, one day either side of its threshold. */
static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 seen = on (f, "2024-01-01 09:00:00");
  gint64 prospect = person (f, seen, 0);
  gint64 new_today = person (f, seen, 0);
  gint64 new_30 = person (f, seen, 0);
  gint64 dormant_31 = person (f, seen, 0);
  gint64 dormant_180 = person (f, seen, 0);
  gint64 lost_181 = person (f, seen, 0);
  gint64 growing = person (f, seen, 0);
  gint64 mature = person (f, seen, 0);
  gint64 not_mature = person (f, seen, 0);
  gint64 midnight = person (f, seen, 0);
  gint64 refunded = person (f, seen, 0);
  gint64 partial = person (f, seen, 0);

  order (f, new_today, days_ago (f, 0), 100);
  order (f, new_30, days_ago (f, 30), 100);
  order (f, dormant_31, days_ago (f, 31), 100);
  order (f, dormant_180, days_ago (f, 180), 100);
  order (f, lost_181, days_ago (f, 181), 100);
  order (f, lost_181, days_ago (f, 400), 100);
  order (f, growing, days_ago (f, 5), 100);
  order (f, growing, days_ago (f, 50), 100);
  for (int d = 365; d >= 362; d--)
    order (f, mature, days_ago (f, d), 100);
  order (f, mature, days_ago (f, 1), 100);
  for (int d = 366; d >= 364; d--)
    order (f, not_mature, days_ago (f, d), 100);
  order (f, not_mature, days_ago (f, 2), 100);
  order (f, midnight, on (f, "2026-03-31 23:59:59"), 100);
  order (f, midnight, on (f, "2026-04-01 00:00:00"), 100);
  order_full (f, refunded, days_ago (f, 3), "refunded", 100, 100);
  order_full (f, refunded, days_ago (f, 4), "cancelled", 100, 0);
  order_full (f, refunded, days_ago (f, 5), "unpaid", 100, 0);
  order_full (f, partial, days_ago (f, 3), "partially_refunded", 100, 40);

  a = compute (f);

  assert_stage (a, prospect, SIYU_STAGE_PROSPECT);
  assert_stage (a, new_today, SIYU_STAGE_NEW);
  assert_stage (a, new_30, SIYU_STAGE_NEW);
  assert_stage (a, dormant_31, SIYU_STAGE_DORMANT);
  assert_stage (a, dormant_180, SIYU_STAGE_DORMANT);
  assert_stage (a, lost_181, SIYU_STAGE_LOST);
  assert_stage (a, growing, SIYU_STAGE_GROWING);
  assert_stage (a, mature, SIYU_STAGE_MATURE);
  assert_stage (a, not_mature, SIYU_STAGE_GROWING);
  assert_stage (a, midnight, SIYU_STAGE_NEW);
  assert_stage (a, refunded, SIYU_STAGE_PROSPECT);
  assert_stage (a, partial, SIYU_STAGE_NEW);

  g_assert_cmpint (metrics (a, midnight)->orders, ==, 1);
  g_assert_cmpint (metrics (a, partial)->net_spend, ==, 60);
  g_assert_cmpint (metrics (a, refunded)->orders, ==, 0);
  g_assert_cmpint (metrics (a, mature)->first_order, ==, as_of () - 365);
  g_assert_cmpint (metrics (a, mature)->last_order, ==, as_of () - 1);

  g_assert_cmpint (path_int (a, "$.stages.prospect"), ==, 2);
  g_assert_cmpint (path_int (a, "$.stages.new"), ==, 4);
  g_assert_cmpint (path_int (a, "$.stages.growing"), ==, 2);
  g_assert_cmpint (path_int (a, "$.stages.mature"), ==, 1);
  g_assert_cmpint (path_int (a, "$.stages.dormant"), ==, 2);
  g_assert_cmpint (path_int (a, "$.stages.lost"), ==, 1);
}

/* The model's thresholds are settings. */
static void
test_lifecycle_model (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 c = person (f, on (f, "2024-01-01 09:00:00"), 0);

  order (f, c, days_ago (f, 45), 100);
  order (f, c, days_ago (f, 40), 100);
  g_assert_true (siyu_db_exec (f->db, "UPDATE lifecycle_models SET dormant_days = 45, mature_orders = 2", NULL));

  a = compute (f);
  assert_stage (a, c, SIYU_STAGE_MATURE);
  g_assert_cmpint (path_int (a, "$.model.dormant_days"), ==, 45);
}

static void
test_rfm (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 seen = on (f, "2024-01-01 09:00:00");
  gint64 b1 = person (f, seen, 0), b2 = person (f, seen, 0), b3 = person (f, seen, 0);
  gint64 b4 = person (f, seen, 0), b5 = person (f, seen, 0), b6 = person (f, seen, 0);
  const SiyuContactMetrics *m;

  for (int d = 1; d <= 5; d++)
    order (f, b1, days_ago (f, d), 100);
  for (int d = 10; d <= 40; d += 10)
    order (f, b2, days_ago (f, d), 200);
  order (f, b3, days_ago (f, 100), 1000);
  order (f, b3, days_ago (f, 200), 1000);
  order (f, b4, days_ago (f, 300), 50);
  order (f, b5, days_ago (f, 364), 50);
  order (f, b5, days_ago (f, 365), 9999);
  order (f, b6, days_ago (f, 365), 9999);

  a = compute (f);

  m = metrics (a, b1);
  g_assert_cmpint (m->rfm_r, ==, 1);
  g_assert_cmpint (m->rfm_f, ==, 5);
  g_assert_cmpint (m->rfm_m, ==, 500);
  g_assert_cmpint (m->rfm_r_score * 100 + m->rfm_f_score * 10 + m->rfm_m_score, ==, 553);
  g_assert_cmpstr (siyu_rfm_segment_to_string (m->rfm_segment), ==, "champions");

  m = metrics (a, b2);
  g_assert_cmpint (m->rfm_r_score * 100 + m->rfm_f_score * 10 + m->rfm_m_score, ==, 444);
  g_assert_cmpstr (siyu_rfm_segment_to_string (m->rfm_segment), ==, "loyal");

  m = metrics (a, b3);
  g_assert_cmpint (m->rfm_r_score * 100 + m->rfm_f_score * 10 + m->rfm_m_score, ==, 335);
  g_assert_cmpstr (siyu_rfm_segment_to_string (m->rfm_segment), ==, "need_attention");

  /* Ties share the lowest rank. */
  m = metrics (a, b4);
  g_assert_cmpint (m->rfm_r_score * 100 + m->rfm_f_score * 10 + m->rfm_m_score, ==, 211);
  g_assert_cmpstr (siyu_rfm_segment_to_string (m->rfm_segment), ==, "hibernating");

  /* The order 365 days back is outside the window. */
  m = metrics (a, b5);
  g_assert_cmpint (m->rfm_r, ==, 364);
  g_assert_cmpint (m->rfm_f, ==, 1);
  g_assert_cmpint (m->rfm_m, ==, 50);
  g_assert_cmpint (m->rfm_r_score * 100 + m->rfm_f_score * 10 + m->rfm_m_score, ==, 111);
  g_assert_cmpstr (siyu_rfm_segment_to_string (m->rfm_segment), ==, "lost");

  m = metrics (a, b6);
  g_assert_cmpint (m->rfm_r, ==, -1);
  g_assert_cmpint (m->rfm_r_score, ==, 0);
  g_assert_null (siyu_rfm_segment_to_string (m->rfm_segment));

  g_assert_cmpint (path_int (a, "$.rfm.scored"), ==, 5);
  g_assert_cmpint (path_int (a, "$.rfm.segments.champions"), ==, 1);
  g_assert_cmpint (path_int (a, "$.rfm.segments.cant_lose"), ==, 0);
  /* The grid's first row is R = 5; its last column F = 5. */
  g_assert_cmpint (path_int (a, "$.rfm.grid[0][4]"), ==, 1);
  g_assert_cmpint (path_int (a, "$.rfm.grid[4][0]"), ==, 1);
}

/* score = 1 + floor (5 × (rank − 1) / n): seven distinct values give 1 1 2 3 3 4 5. */
static void
test_rfm_scores_seven (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 ids[7];
  int expected[7] = { 1, 1, 2, 3, 3, 4, 5 };

  for (int i = 0; i < 7; i++)
    {
      ids[i] = person (f, on (f, "2024-01-01 09:00:00"), 0);
      order (f, ids[i], days_ago (f, 10), 100 * (i + 1));
    }

  a = compute (f);
  for (int i = 0; i < 7; i++)
    {
      g_assert_cmpint (metrics (a, ids[i])->rfm_m_score, ==, expected[i]);
      /* Everyone is tied on R and F: all share rank 1. */
      g_assert_cmpint (metrics (a, ids[i])->rfm_r_score, ==, 1);
      g_assert_cmpint (metrics (a, ids[i])->rfm_f_score, ==, 1);
    }
}

static void
test_rfm_segment_table (void)
{
  const char *expected[5][5] = {
    /* F:  1               2                 3                 4            5 */
    { "lost",          "lost",           "at_risk",        "at_risk",   "cant_lose" },     /* R 1 */
    { "hibernating",   "hibernating",    "at_risk",        "at_risk",   "cant_lose" },     /* R 2 */
    { "about_to_sleep", "about_to_sleep", "need_attention", "loyal",     "loyal" },         /* R 3 */
    { "promising",     "potential_loyalist", "potential_loyalist", "loyal", "loyal" },      /* R 4 */
    { "recent",        "potential_loyalist", "potential_loyalist", "champions", "champions" }, /* R 5 */
  };

  for (int r = 1; r <= 5; r++)
    for (int fs = 1; fs <= 5; fs++)
      g_assert_cmpstr (siyu_rfm_segment_to_string (siyu_rfm_segment_for_scores (r, fs)), ==,
                       expected[r - 1][fs - 1]);
}

static void
test_tiers (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 seen = on (f, "2024-01-01 09:00:00");
  gint64 regular = person (f, seen, on (f, "2025-01-01 10:00:00"));
  gint64 silver = person (f, seen, on (f, "2025-01-01 10:00:00"));
  gint64 diamond_late = person (f, seen, on (f, "2025-06-01 10:00:00"));
  gint64 diamond_early = person (f, seen, on (f, "2025-02-01 10:00:00"));
  gint64 outsider = person (f, seen, 0);
  gint64 future = person (f, seen, on (f, "2026-04-01 00:00:00"));
  gint64 old_spend = person (f, seen, on (f, "2025-01-01 10:00:00"));

  order (f, regular, days_ago (f, 10), 49999);
  order (f, silver, days_ago (f, 10), 50000);
  order (f, diamond_late, days_ago (f, 10), 800000);
  order (f, diamond_early, days_ago (f, 10), 800000);
  order (f, outsider, days_ago (f, 10), 900000);
  order (f, future, days_ago (f, 10), 900000);
  order (f, old_spend, days_ago (f, 365), 900000);

  a = compute (f);
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, regular)->tier_id), ==, "Regular");
  g_assert_cmpint (metrics (a, regular)->tier_gap, ==, 1);
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, silver)->tier_id), ==, "Silver");
  g_assert_cmpint (metrics (a, silver)->tier_gap, ==, 150000);
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, diamond_late)->tier_id), ==, "Diamond");
  g_assert_cmpint (metrics (a, diamond_late)->tier_gap, ==, -1);
  g_assert_cmpint (metrics (a, outsider)->tier_id, ==, 0);
  g_assert_cmpint (metrics (a, outsider)->tier_gap, ==, -1);
  g_assert_cmpint (metrics (a, future)->tier_id, ==, 0);
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, old_spend)->tier_id), ==, "Regular");
  g_assert_cmpint (metrics (a, old_spend)->tier_gap, ==, 50000);
  g_assert_cmpint (path_int (a, "$.tiers[3].members"), ==, 2);
  g_clear_pointer (&a, siyu_analytics_free);

  /* A full Diamond keeps the earlier member; the other stays Gold, with no gap left. */
  g_assert_true (siyu_db_exec (f->db, "UPDATE tiers SET capacity = 1 WHERE name = 'Diamond'", NULL));
  a = compute (f);
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, diamond_early)->tier_id), ==, "Diamond");
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, diamond_late)->tier_id), ==, "Gold");
  g_assert_cmpint (metrics (a, diamond_late)->tier_gap, ==, 0);
  g_assert_cmpint (path_int (a, "$.tiers[2].members"), ==, 1);
  g_assert_cmpint (path_int (a, "$.tiers[3].capacity"), ==, 1);
  g_clear_pointer (&a, siyu_analytics_free);

  /* Equal spend and membership: the lower id wins. */
  g_assert_true (siyu_db_exec (f->db, "UPDATE contacts SET member_since = 1740000000 WHERE id IN (3, 4)", NULL));
  a = compute (f);
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, diamond_late)->tier_id), ==, "Diamond");
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, diamond_early)->tier_id), ==, "Gold");
  g_clear_pointer (&a, siyu_analytics_free);

  /* By application only: nobody reaches Diamond by spending. */
  g_assert_true (siyu_db_exec (f->db, "UPDATE tiers SET capacity = NULL, by_application = 1 WHERE name = 'Diamond'", NULL));
  a = compute (f);
  g_assert_cmpstr (siyu_analytics_tier_name (a, metrics (a, diamond_early)->tier_id), ==, "Gold");
  g_assert_cmpint (path_int (a, "$.tiers[3].members"), ==, 0);
}

static void
test_tier_history (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 member = person (f, on (f, "2024-01-01 09:00:00"), on (f, "2025-01-01 10:00:00"));

  order (f, member, days_ago (f, 10), 60000);

  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM tier_history WHERE from_tier_id IS NULL "
                                             "AND to_tier_id = 2 AND changed_on = '2026-03-31'", NULL), ==, 1);

  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM tier_history", NULL), ==, 1);

  g_assert_true (siyu_db_exec (f->db, "UPDATE tiers SET threshold = 70000 WHERE name = 'Silver'", NULL));
  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM tier_history WHERE from_tier_id = 2 "
                                             "AND to_tier_id = 1", NULL), ==, 1);

  /* Looking back does not rewrite history. */
  g_assert_true (siyu_recompute (f->shop, as_of () - 100, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM tier_history", NULL), ==, 2);
}

static void
test_pyramid (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 ids[11];
  gint64 outside_referral;

  for (int i = 0; i < 11; i++)
    {
      ids[i] = person (f, on (f, "2024-01-01 09:00:00"), 0);
      order (f, ids[i], days_ago (f, 20), i < 2 ? 100 : 1000 + i);
    }
  event (f, ids[0], "referral", days_ago (f, 364));
  event (f, ids[1], "share", days_ago (f, 3));
  /* ids[9] and ids[10] tie on points (2) and spend (1010). */
  order (f, ids[9], days_ago (f, 21), 1);
  order (f, ids[10], days_ago (f, 21), 0);
  outside_referral = person (f, on (f, "2024-01-01 09:00:00"), 0);
  order (f, outside_referral, days_ago (f, 30), 5);
  event (f, outside_referral, "referral", days_ago (f, 365));

  a = compute (f);

  /* n = 12: one co-builder (ceil 0.12), communicators up to ceil (1.2) = 2 in all. */
  g_assert_cmpint (metrics (a, ids[0])->points, ==, 6);
  g_assert_cmpint (metrics (a, ids[1])->points, ==, 4);
  g_assert_cmpint (metrics (a, outside_referral)->points, ==, 1);
  g_assert_cmpstr (siyu_pyramid_level_to_string (metrics (a, ids[0])->pyramid), ==, "co_builder");
  g_assert_cmpstr (siyu_pyramid_level_to_string (metrics (a, ids[1])->pyramid), ==, "communicator");
  g_assert_cmpstr (siyu_pyramid_level_to_string (metrics (a, ids[9])->pyramid), ==, "silent");
  g_assert_cmpint (path_int (a, "$.pyramid.buyers"), ==, 12);
  g_assert_cmpint (path_int (a, "$.pyramid.levels.co_builder"), ==, 1);
  g_assert_cmpint (path_int (a, "$.pyramid.levels.communicator"), ==, 1);
  g_assert_cmpint (path_int (a, "$.pyramid.levels.silent"), ==, 10);

  /* Pareto: the top ceil (2.4) = 3 buyers by net, 1010 + 1010 + 1008, of
   * 100 + 100 + (1002 + … + 1008) + 1010 + 1010 + 5 = 9,260. */
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.pyramid.pareto_share"), 3028.0 / 9260.0, 1e-12);
}

static void
test_pyramid_tie (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 first = person (f, on (f, "2024-01-01 09:00:00"), 0);
  gint64 second = person (f, on (f, "2024-01-01 09:00:00"), 0);

  order (f, second, days_ago (f, 5), 700);
  order (f, first, days_ago (f, 6), 700);

  a = compute (f);
  /* n = 2: ceil (0.02) = 1 co-builder; ceil (0.2) = 1 leaves no communicator. */
  g_assert_cmpstr (siyu_pyramid_level_to_string (metrics (a, first)->pyramid), ==, "co_builder");
  g_assert_cmpstr (siyu_pyramid_level_to_string (metrics (a, second)->pyramid), ==, "silent");
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.pyramid.pareto_share"), 0.5, 1e-12);
}

static void
test_aipl (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 old = on (f, "2024-01-01 09:00:00");
  gint64 loyal_two = person (f, old, 0);
  gint64 loyal_review = person (f, old, 0);
  gint64 purchase = person (f, old, 0);
  gint64 interest_view = person (f, old, 0);
  gint64 interest_join = person (f, old, 0);
  gint64 aware_seen = person (f, days_ago (f, 179), 0);
  gint64 aware_touch = person (f, old, 0);
  gint64 held_out = person (f, old, 0);
  gint64 outside = person (f, days_ago (f, 180), 0);
  gint64 stale_view = person (f, old, 0);
  gint64 group;
  g_autoptr(GError) error = NULL;
  g_autofree char *touch_sql = NULL;

  order (f, loyal_two, days_ago (f, 364), 100);
  order (f, loyal_two, days_ago (f, 1), 100);
  order (f, loyal_review, days_ago (f, 200), 100);
  event (f, loyal_review, "review", days_ago (f, 89));
  order (f, purchase, days_ago (f, 200), 100);
  order (f, purchase, days_ago (f, 365), 100);
  event (f, purchase, "share", days_ago (f, 90));
  event (f, interest_view, "view", days_ago (f, 89));
  group = siyu_ingest_group (f->ingest, "VIP 1群", "wecom", 1, &error);
  g_assert_true (siyu_ingest_group_member (f->ingest, group, interest_join, NULL, days_ago (f, 10), 0, &error));
  event (f, stale_view, "view", days_ago (f, 90));

  touch_sql = g_strdup_printf ("INSERT INTO touches (name, kind, created_at) VALUES ('双11预热', 'export', %" G_GINT64_FORMAT ");"
                               "INSERT INTO touch_members (touch_id, contact_id, holdout) VALUES (1, %" G_GINT64_FORMAT ", 0), "
                               "(1, %" G_GINT64_FORMAT ", 1)",
                               days_ago (f, 100), aware_touch, held_out);
  g_assert_true (siyu_db_exec (f->db, touch_sql, NULL));

  a = compute (f);

#define AIPL(c) siyu_aipl_stage_to_string (metrics (a, c)->aipl)
  g_assert_cmpstr (AIPL (loyal_two), ==, "loyalty");
  g_assert_cmpstr (AIPL (loyal_review), ==, "loyalty");
  g_assert_cmpstr (AIPL (purchase), ==, "purchase");
  g_assert_cmpstr (AIPL (interest_view), ==, "interest");
  g_assert_cmpstr (AIPL (interest_join), ==, "interest");
  g_assert_cmpstr (AIPL (aware_seen), ==, "awareness");
  g_assert_cmpstr (AIPL (aware_touch), ==, "awareness");
  g_assert_cmpstr (AIPL (stale_view), ==, "awareness");
  g_assert_null (AIPL (held_out));
  g_assert_null (AIPL (outside));
#undef AIPL
}

/* FAST over March 2026 (to D) and February, with the figures worked by hand
 * in the comments. */
static void
test_fast_and_periods (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 old = on (f, "2025-01-01 09:00:00");
  gint64 x1 = person (f, old, on (f, "2026-03-05 10:00:00"));
  gint64 x2 = person (f, old, 0);
  gint64 x4 = person (f, old, 0);

  /* x3, seen in February, and x5, seen long ago. */
  person (f, on (f, "2026-02-10 10:00:00"), 0);
  person (f, on (f, "2024-01-01 09:00:00"), 0);
  /* x1: P at the end of February, L at D, active in March. */
  order (f, x1, on (f, "2026-02-15 10:00:00"), 1000);
  order (f, x1, on (f, "2026-03-10 10:00:00"), 1000);
  /* x2: Interest at both ends; x3: Awareness at both ends. */
  event (f, x2, "view", on (f, "2026-02-20 10:00:00"));
  /* x4: Loyal throughout, quiet in February and March. */
  order (f, x4, on (f, "2025-12-01 10:00:00"), 3000);
  order (f, x4, on (f, "2026-01-10 10:00:00"), 3000);
  order (f, 0, on (f, "2026-03-20 10:00:00"), 500);

  a = compute (f);

  g_assert_cmpint (path_int (a, "$.fast.fertility"), ==, 4);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.fast.advancing"), 1.0 / 3.0, 1e-12);
  g_assert_cmpint (path_int (a, "$.fast.superiority"), ==, 2);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.fast.thriving"), 0.5, 1e-12);
  g_assert_cmpint (path_int (a, "$.fast.aipl.awareness"), ==, 1);
  g_assert_cmpint (path_int (a, "$.fast.aipl.interest"), ==, 1);
  g_assert_cmpint (path_int (a, "$.fast.aipl.purchase"), ==, 0);
  g_assert_cmpint (path_int (a, "$.fast.aipl.loyalty"), ==, 2);

  g_assert_cmpint (path_int (a, "$.fast_month_before.fertility"), ==, 4);
  g_assert_true (isnan (path_double (a, "$.fast_month_before.advancing")));
  g_assert_cmpint (path_int (a, "$.fast_month_before.superiority"), ==, 1);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.fast_month_before.thriving"), 0.0, 1e-12);

  g_assert_cmpint (path_int (a, "$.month_to_date.buyers"), ==, 1);
  g_assert_cmpint (path_int (a, "$.month_to_date.paid_orders"), ==, 2);
  g_assert_cmpint (path_int (a, "$.month_to_date.net_sales"), ==, 1500);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.month_to_date.repurchase_rate"), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.month_to_date.member_share"), 1000.0 / 1500.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.month_to_date.aov"), 750.0, 1e-12);
  g_assert_cmpint (path_int (a, "$.month_before.buyers"), ==, 1);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.month_before.repurchase_rate"), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.month_before.member_share"), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (path_double (a, "$.month_before.aov"), 1000.0, 1e-12);

  /* Stages at the end of February: x1 New, x4 Dormant (last order 49 days before), the rest Prospect. */
  g_assert_cmpint (path_int (a, "$.stages_month_before.counts.new"), ==, 1);
  g_assert_cmpint (path_int (a, "$.stages_month_before.counts.dormant"), ==, 1);
  g_assert_cmpint (path_int (a, "$.stages_month_before.counts.prospect"), ==, 3);

  /* Gaps: 23 days (x1) and 40 days (x4). */
  g_assert_cmpint (path_int (a, "$.suggested_thresholds.gaps"), ==, 2);
  g_assert_cmpint (path_int (a, "$.suggested_thresholds.dormant_days"), ==, 40);
  g_assert_cmpint (path_int (a, "$.suggested_thresholds.lost_days"), ==, 40);
}

static void
test_suggested_thresholds (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  gint64 c = person (f, on (f, "2024-01-01 09:00:00"), 0);
  int day = 300;

  /* Gaps of 1, 2, … 20 days: the 80th percentile is 16, the 95th 19. */
  order (f, c, days_ago (f, day), 100);
  for (int gap = 1; gap <= 20; gap++)
    {
      day -= gap;
      order (f, c, days_ago (f, day), 100);
    }

  a = compute (f);
  g_assert_cmpint (path_int (a, "$.suggested_thresholds.gaps"), ==, 20);
  g_assert_cmpint (path_int (a, "$.suggested_thresholds.dormant_days"), ==, 16);
  g_assert_cmpint (path_int (a, "$.suggested_thresholds.lost_days"), ==, 19);
}

static void
test_cohorts (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gint64 x1 = person (f, on (f, "2025-01-01 09:00:00"), 0);
  gint64 x4 = person (f, on (f, "2025-01-01 09:00:00"), 0);

  order (f, x4, on (f, "2025-12-01 10:00:00"), 3000);
  order (f, x4, on (f, "2026-01-10 10:00:00"), 3000);
  order (f, x4, on (f, "2026-01-11 10:00:00"), 3000);
  order (f, x1, on (f, "2026-02-15 10:00:00"), 1000);
  order (f, x1, on (f, "2026-03-10 10:00:00"), 1000);

  a = compute (f);
  json_generator_set_root (generator, siyu_analytics_get_cohorts (a));
  text = json_generator_to_data (generator, NULL);
  g_assert_cmpstr (text, ==,
                   "[{\"cohort\":\"2025-12\",\"size\":1,\"retention\":[1.0,1.0,0.0,0.0]},"
                   "{\"cohort\":\"2026-02\",\"size\":1,\"retention\":[1.0,1.0]}]");

  g_assert_true (siyu_analytics_store (a, f->shop, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM cohort_cells", NULL), ==, 6);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT sum (buyers) FROM cohort_cells", NULL), ==, 4);
}

static void
test_empty_shop (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = compute (f);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *cohorts = NULL;

  g_assert_cmpuint (siyu_analytics_get_n_contacts (a), ==, 0);
  g_assert_cmpint (path_int (a, "$.contacts"), ==, 0);
  g_assert_cmpint (path_int (a, "$.rfm.scored"), ==, 0);
  g_assert_true (isnan (path_double (a, "$.pyramid.pareto_share")));
  g_assert_true (isnan (path_double (a, "$.fast.advancing")));
  g_assert_true (isnan (path_double (a, "$.fast.thriving")));
  g_assert_true (isnan (path_double (a, "$.month_to_date.repurchase_rate")));
  g_assert_true (isnan (path_double (a, "$.month_to_date.aov")));
  g_assert_true (isnan (path_double (a, "$.suggested_thresholds.dormant_days")));

  json_generator_set_root (generator, siyu_analytics_get_cohorts (a));
  cohorts = json_generator_to_data (generator, NULL);
  g_assert_cmpstr (cohorts, ==, "[]");
}

/* A shop seen as of a day before its first order: a contact who does not
 * exist yet, and no figures. */
static void
test_before_first_order (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SiyuAnalytics) a = NULL;
  g_autoptr(GError) error = NULL;
  gint64 c = person (f, on (f, "2026-05-01 09:00:00"), 0);

  order (f, c, on (f, "2026-05-01 10:00:00"), 100);
  a = compute (f);
  g_assert_cmpuint (siyu_analytics_get_n_contacts (a), ==, 0);
  g_assert_null (siyu_analytics_lookup (a, c));
  g_assert_cmpint (path_int (a, "$.month_to_date.paid_orders"), ==, 0);
}

static void
test_store (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 seen = on (f, "2024-01-01 09:00:00");
  gint64 c = person (f, seen, on (f, "2025-01-01 10:00:00"));
  gint64 p = person (f, seen, 0);

  order (f, c, days_ago (f, 3), 60000);
  order (f, c, days_ago (f, 40), 100);

  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* One buyer scores 1 on everything (rank 1 of 1): Lost in RFM, yet a co-builder. */
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_metrics", NULL), ==, 2);
  g_assert_cmpint (siyu_db_query_int (f->db,
                                      "SELECT count (*) FROM contact_metrics WHERE contact_id = 1 AND stage = 'growing' "
                                      "AND orders = 2 AND net_spend = 60100 AND first_order = '2026-02-19' "
                                      "AND last_order = '2026-03-28' AND rfm_r = 3 AND rfm_f = 2 AND rfm_m = 60100 "
                                      "AND rfm_r_score = 1 AND rfm_segment = 'lost' AND tier_id = 2 AND tier_gap = 139900 "
                                      "AND pyramid = 'co_builder' AND aipl = 'loyalty' AND points = 2", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db,
                                      "SELECT count (*) FROM contact_metrics WHERE contact_id = 2 AND stage = 'prospect' "
                                      "AND rfm_r IS NULL AND tier_id IS NULL AND pyramid IS NULL AND aipl IS NULL", NULL), ==, 1);
  g_assert_cmpint (p, ==, 2);

  /* Snapshots for the last complete month ends: D is one, and February's. */
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM stage_snapshots WHERE month = '2026-03'", NULL), ==, 2);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM stage_snapshots WHERE month = '2026-02' "
                                             "AND contact_id = 1 AND stage = 'new'", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM analytics_runs WHERE as_of = '2026-03-31' "
                                             "AND summary ->> '$.stages.growing' = 1", NULL), ==, 1);

  /* Mid-month, the last complete month is February. */
  g_assert_true (siyu_recompute (f->shop, as_of () - 15, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM stage_snapshots WHERE month = '2026-01'", NULL), ==, 2);
}

static void
cancel_cb (double   fraction,
           gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 c = person (f, on (f, "2024-01-01 09:00:00"), 0);

  order (f, c, days_ago (f, 3), 100);

  g_assert_false (siyu_recompute (f->shop, as_of (), cancel_cb, cancellable, cancellable, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM contact_metrics", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (f->db, "SELECT count (*) FROM analytics_runs", NULL), ==, 0);
}

/* A tier's name follows the owner's language, falling back to English. */
static void
test_tier_display_name (void)
{
  g_autofree char *language = g_strdup (g_getenv ("LANGUAGE"));

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_assert_cmpstr (siyu_tier_display_name ("Gold", "金卡"), ==, "金卡");
  g_assert_cmpstr (siyu_tier_display_name ("Gold", NULL), ==, "Gold");
  g_assert_cmpstr (siyu_tier_display_name ("Gold", ""), ==, "Gold");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_assert_cmpstr (siyu_tier_display_name ("Gold", "金卡"), ==, "Gold");
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/siyu/analytics/lifecycle", test_lifecycle);
  ADD ("/siyu/analytics/lifecycle-model", test_lifecycle_model);
  ADD ("/siyu/analytics/rfm", test_rfm);
  ADD ("/siyu/analytics/rfm-scores-seven", test_rfm_scores_seven);
  g_test_add_func ("/siyu/analytics/rfm-segment-table", test_rfm_segment_table);
  g_test_add_func ("/siyu/analytics/tier-display-name", test_tier_display_name);
  ADD ("/siyu/analytics/tiers", test_tiers);
  ADD ("/siyu/analytics/tier-history", test_tier_history);
  ADD ("/siyu/analytics/pyramid", test_pyramid);
  ADD ("/siyu/analytics/pyramid-tie", test_pyramid_tie);
  ADD ("/siyu/analytics/aipl", test_aipl);
  ADD ("/siyu/analytics/fast-and-periods", test_fast_and_periods);
  ADD ("/siyu/analytics/suggested-thresholds", test_suggested_thresholds);
  ADD ("/siyu/analytics/cohorts", test_cohorts);
  ADD ("/siyu/analytics/empty-shop", test_empty_shop);
  ADD ("/siyu/analytics/before-first-order", test_before_first_order);
  ADD ("/siyu/analytics/store", test_store);
  ADD ("/siyu/analytics/cancel", test_cancel);

#undef ADD

  return g_test_run ();
}
