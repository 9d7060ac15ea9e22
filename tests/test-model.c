/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-ingest.h"
#include "siyu-model.h"
#include "siyu-overview.h"
#include "siyu-recompute.h"
#include "siyu-time.h"
#include "siyu-test-util.h"

/* The thresholds behind the figures: read, checked, saved in one
 * transaction, as JSON, and from the command line. */

static char *
query (SiyuShop   *shop,
       const char *sql)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        g_string_append_printf (out, "%s%s", i > 0 ? "|" : "",
                                sqlite3_column_type (stmt, i) == SQLITE_NULL ? "∅" : (const char *) sqlite3_column_text (stmt, i));
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (stmt);

  return g_string_free (out, FALSE);
}

static void
assert_query (SiyuShop   *shop,
              const char *sql,
              const char *expected)
{
  g_autofree char *found = query (shop, sql);

  g_assert_cmpstr (found, ==, expected);
}

static SiyuTierSetting *
tier (SiyuModel *model,
      guint      i)
{
  return &g_array_index (model->tiers, SiyuTierSetting, i);
}

static void
test_defaults_and_save (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(GError) error = NULL;
  SiyuModel model, again;
  SiyuTierSetting platinum = { 0, g_strdup ("Platinum"), g_strdup ("铂金"), 2000000, 10, TRUE, NULL };

  g_assert_true (siyu_model_load (shop, &model, &error));
  g_assert_no_error (error);
  g_assert_cmpint (model.lifecycle.dormant_days, ==, 30);
  g_assert_cmpint (model.lifecycle.lost_days, ==, 180);
  g_assert_cmpint (model.lifecycle.mature_orders, ==, 4);
  g_assert_cmpint (model.lifecycle.mature_window_days, ==, 365);
  g_assert_cmpint (model.weights.referral, ==, 5);
  g_assert_cmpint (model.weights.order, ==, 1);
  g_assert_cmpuint (model.tiers->len, ==, 4);
  g_assert_cmpstr (tier (&model, 3)->name, ==, "Diamond");
  g_assert_cmpint (tier (&model, 3)->threshold, ==, 800000);

  /* Dormant sooner, Gold dearer, Silver gone, a scarce Platinum on top. */
  model.lifecycle.dormant_days = 45;
  model.weights.share = 4;
  tier (&model, 2)->threshold = 250000;
  g_array_remove_index (model.tiers, 1);
  g_array_append_val (model.tiers, platinum);
  g_assert_true (siyu_model_save (shop, &model, &error));
  g_assert_no_error (error);

  assert_query (shop, "SELECT dormant_days, lost_days, active FROM lifecycle_models ORDER BY id",
                "30|180|0\n45|180|1\n");
  assert_query (shop, "SELECT position, name, threshold, capacity, by_application FROM tiers ORDER BY position",
                "0|Regular|0|∅|0\n1|Gold|250000|∅|0\n2|Diamond|800000|∅|0\n3|Platinum|2000000|10|1\n");
  assert_query (shop, "SELECT value FROM settings WHERE key = 'pyramid_weight_share'", "4\n");
  assert_query (shop, "SELECT action, object_kind, json_extract (detail, '$.lifecycle.dormant_days') FROM audit_log",
                "model|model|45\n");

  /* Saving the same lifecycle again adds no model. */
  g_assert_true (siyu_model_load (shop, &again, &error));
  g_assert_true (siyu_model_save (shop, &again, &error));
  g_assert_no_error (error);
  assert_query (shop, "SELECT count (*) FROM lifecycle_models", "2\n");
  g_assert_cmpuint (again.tiers->len, ==, 4);
  g_assert_cmpstr (tier (&again, 3)->name_zh, ==, "铂金");

  siyu_model_clear (&again);
  siyu_model_clear (&model);
}

static void
assert_refused (SiyuShop   *shop,
                void      (*change) (SiyuModel *model),
                const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = query (shop, "SELECT group_concat (name || threshold) FROM tiers");
  g_autofree char *after = NULL;
  SiyuModel model;

  g_assert_true (siyu_model_load (shop, &model, &error));
  change (&model);
  g_assert_false (siyu_model_save (shop, &model, &error));
  g_assert_error (error, SIYU_MODEL_ERROR, SIYU_MODEL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
  after = query (shop, "SELECT group_concat (name || threshold) FROM tiers");
  g_assert_cmpstr (after, ==, before);
  siyu_model_clear (&model);
}

static void lost_before_dormant (SiyuModel *m) { m->lifecycle.lost_days = 20; }
static void one_order_mature (SiyuModel *m) { m->lifecycle.mature_orders = 1; }
static void zero_dormant (SiyuModel *m) { m->lifecycle.dormant_days = 0; }
static void tiers_out_of_order (SiyuModel *m) { tier (m, 2)->threshold = 40000; }
static void tier_without_name (SiyuModel *m) { g_free (tier (m, 1)->name); tier (m, 1)->name = g_strdup ("  "); }
static void same_names (SiyuModel *m) { g_free (tier (m, 1)->name); tier (m, 1)->name = g_strdup ("Gold"); }
static void heavy_weight (SiyuModel *m) { m->weights.review = 1001; }
static void no_tiers (SiyuModel *m) { g_array_set_size (m->tiers, 0); }
static void unknown_tier (SiyuModel *m) { tier (m, 0)->id = 99; }

static void
test_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);

  assert_refused (shop, lost_before_dormant,
                  "The days after which a customer is lost must be more than the days after which they are "
                  "dormant (30) and at most 7300, not 20.");
  assert_refused (shop, one_order_mature, "The orders that make a customer mature must be from 2 to 1000, not 1.");
  assert_refused (shop, zero_dormant, "The days after which a customer is dormant must be from 1 to 3650, not 0.");
  assert_refused (shop, tiers_out_of_order,
                  "The threshold of the tier “Gold” must be higher than the tier below it (¥500.00).");
  assert_refused (shop, tier_without_name, "Member tier 2 has no name.");
  assert_refused (shop, same_names, "Two member tiers are called “Gold”.");
  assert_refused (shop, heavy_weight, "The pyramid weight “review” must be from 0 to 1000, not 1001.");
  assert_refused (shop, no_tiers, "There must be at least one member tier.");
  assert_refused (shop, unknown_tier, "Tier 99 is not a tier of this shop.");
}

static void
assert_json_refused (const char *json,
                     const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  SiyuModel model = { { 30, 180, 4, 365 }, NULL, { 5, 3, 2, 1, 1 } };

  g_assert_no_error (error);
  g_assert_false (siyu_model_from_json (node, &model, &error));
  g_assert_error (error, SIYU_MODEL_ERROR, SIYU_MODEL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
  siyu_model_clear (&model);
}

static void
test_json (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autofree char *text = NULL;
  SiyuModel model;

  g_assert_true (siyu_model_load (shop, &model, &error));
  node = siyu_model_to_json (&model);
  text = json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"lifecycle\":{\"dormant_days\":30,\"lost_days\":180,\"mature_orders\":4,\"mature_window_days\":365},"
                   "\"tiers\":[{\"id\":1,\"name\":\"Regular\",\"name_zh\":\"普通\",\"threshold\":0,\"capacity\":null,"
                   "\"by_application\":false,\"benefits\":null},{\"id\":2,\"name\":\"Silver\",\"name_zh\":\"银卡\","
                   "\"threshold\":50000,\"capacity\":null,\"by_application\":false,\"benefits\":null},{\"id\":3,"
                   "\"name\":\"Gold\",\"name_zh\":\"金卡\",\"threshold\":200000,\"capacity\":null,\"by_application\":false,"
                   "\"benefits\":null},{\"id\":4,\"name\":\"Diamond\",\"name_zh\":\"钻石\",\"threshold\":800000,"
                   "\"capacity\":null,\"by_application\":false,\"benefits\":null}],\"pyramid_weights\":{\"referral\":5,"
                   "\"share\":3,\"review\":2,\"group_message\":1,\"order\":1}}");

  /* What JSON leaves out stays; tiers, when given, are the whole list. */
  changed = json_from_string ("{\"lifecycle\": {\"lost_days\": 120}, \"tiers\": [{\"id\": 1, \"name\": \"普通会员\", "
                              "\"threshold\": 0}, {\"name\": \"VIP\", \"threshold\": 100000, \"capacity\": 50}]}", &error);
  g_assert_no_error (error);
  g_assert_true (siyu_model_from_json (changed, &model, &error));
  g_assert_no_error (error);
  g_assert_cmpint (model.lifecycle.dormant_days, ==, 30);
  g_assert_cmpint (model.lifecycle.lost_days, ==, 120);
  g_assert_cmpuint (model.tiers->len, ==, 2);
  g_assert_cmpint (tier (&model, 1)->capacity, ==, 50);
  g_assert_true (siyu_model_save (shop, &model, &error));
  g_assert_no_error (error);
  assert_query (shop, "SELECT id, position, name, threshold, capacity FROM tiers ORDER BY position",
                "1|0|普通会员|0|∅\n2|1|VIP|100000|50\n");
  siyu_model_clear (&model);

  assert_json_refused ("[1, 2]", "The model must be a JSON object with lifecycle, tiers and pyramid_weights.");
  assert_json_refused ("{\"lifecycle\": {\"lost_days\": \"soon\"}}", "lifecycle.lost_days must be a whole number.");
  assert_json_refused ("{\"lifecycle\": {\"lost_days\": 1.5}}", "lifecycle.lost_days must be a whole number.");
  assert_json_refused ("{\"lifecycle\": 3}", "lifecycle must be an object.");
  assert_json_refused ("{\"tiers\": {}}", "tiers must be a list.");
  assert_json_refused ("{\"tiers\": [{\"name\": \"A\"}]}", "tiers[0] has no threshold.");
  assert_json_refused ("{\"tiers\": [{\"name\": 7, \"threshold\": 0}]}", "tiers[0].name must be text.");
  assert_json_refused ("{\"tiers\": [{\"name\": \"A\", \"threshold\": 0, \"by_application\": 1}]}",
                       "tiers[0].by_application must be true or false.");
  assert_json_refused ("{\"pyramid_weights\": {\"share\": 99999999999}}",
                       "pyramid_weights.share must be a whole number.");
}

static void
test_cli (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "model.json", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  {
    g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);

    path = g_strdup (siyu_shop_get_path (shop));
  }
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "show", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Dormant after 30 days without a paid order, lost after 180"));
  g_assert_nonnull (strstr (out, "from ¥8,000.00"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "set", "--db", path, "--dormant-days", "45",
                                      "--tier-threshold", "金卡=2,500", "--tier-capacity", "Diamond=8",
                                      "--weight", "review=3", "--no-recompute", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "show", "--db", path, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"dormant_days\" : 45"));
  g_assert_nonnull (strstr (out, "\"threshold\" : 250000"));
  g_assert_nonnull (strstr (out, "\"capacity\" : 8"));
  g_assert_nonnull (strstr (out, "\"review\" : 3"));
  g_assert_true (g_file_set_contents (json, out, -1, &error));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A model written by show is read back by set. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "set", "--db", path, "--json-file", json,
                                      "--no-recompute", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (broken, "{\"lifecycle\": {\"lost_days\": 10}}", -1, &error));
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "set", "--db", path, "--json-file", broken, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "must be more than the days after which they are dormant (45)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "set", "--db", path, "--tier-threshold", "Platinum=9", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "there is no member tier “Platinum”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "set", "--db", path, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "show", "--db", path, "--lost-days", "9", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* No repeat buyer yet: nothing to suggest from. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "suggest", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No customer has bought twice yet"));
  g_free ((char *) path);
}

/* The wizard: gaps → percentiles and histogram (hand-built). */
static void
assert_bucket (const SiyuGapSuggestion *g,
               guint                    i,
               int                      from,
               int                      to,
               gint64                   count)
{
  const SiyuGapBucket *b = &g_array_index (g->buckets, SiyuGapBucket, i);

  g_assert_cmpint (b->from, ==, from);
  g_assert_cmpint (b->to, ==, to);
  g_assert_cmpint (b->count, ==, count);
}

static void
test_gap_suggestion (void)
{
  int twenty[20];
  const int zeros[] = { 0, 0, 0, 0 };
  const int two[] = { 200, 5 };
  SiyuGapSuggestion g;

  /* 1 … 20, backwards: the 16th and the 19th smallest. */
  for (int i = 0; i < 20; i++)
    twenty[i] = 20 - i;
  siyu_gap_suggestion_compute (twenty, 20, &g);
  g_assert_cmpint (g.n_gaps, ==, 20);
  g_assert_true (g.enough);
  g_assert_cmpint (g.p80, ==, 16);
  g_assert_cmpint (g.p95, ==, 19);
  g_assert_cmpint (g.dormant_days, ==, 16);
  g_assert_cmpint (g.lost_days, ==, 19);
  /* 0 … 19 in 2-day bars is 10 bars (1-day bars would be 20), then 20+. */
  g_assert_cmpuint (g.buckets->len, ==, 11);
  assert_bucket (&g, 0, 0, 1, 1);
  for (guint i = 1; i < 10; i++)
    assert_bucket (&g, i, 2 * i, 2 * i + 1, 2);
  assert_bucket (&g, 10, 20, -1, 1);
  siyu_gap_suggestion_clear (&g);

  /* Same-day repeat orders only: at least 1 day, lost after dormant. */
  siyu_gap_suggestion_compute (zeros, 4, &g);
  g_assert_false (g.enough);
  g_assert_cmpint (g.p80, ==, 0);
  g_assert_cmpint (g.p95, ==, 0);
  g_assert_cmpint (g.dormant_days, ==, 1);
  g_assert_cmpint (g.lost_days, ==, 2);
  g_assert_cmpuint (g.buckets->len, ==, 1);
  assert_bucket (&g, 0, 0, 0, 4);
  siyu_gap_suggestion_clear (&g);

  /* 0 … 200 needs 20-day bars (10-day bars would be 21): 11 bars. */
  siyu_gap_suggestion_compute (two, 2, &g);
  g_assert_cmpint (g.p80, ==, 200);
  g_assert_cmpint (g.p95, ==, 200);
  g_assert_cmpint (g.dormant_days, ==, 200);
  g_assert_cmpint (g.lost_days, ==, 201);
  g_assert_cmpuint (g.buckets->len, ==, 11);
  assert_bucket (&g, 0, 0, 19, 1);
  assert_bucket (&g, 5, 100, 119, 0);
  assert_bucket (&g, 10, 200, 219, 1);
  siyu_gap_suggestion_clear (&g);

  /* No repeat orders: nothing to suggest. */
  siyu_gap_suggestion_compute (NULL, 0, &g);
  g_assert_false (g.enough);
  g_assert_cmpint (g.n_gaps, ==, 0);
  g_assert_cmpint (g.p80, ==, -1);
  g_assert_cmpuint (g.buckets->len, ==, 0);
  siyu_gap_suggestion_clear (&g);
}

static void
test_friendly (void)
{
  const gint64 sorted[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

  g_assert_cmpint (siyu_model_percentile (sorted, 10, 60), ==, 6);
  g_assert_cmpint (siyu_model_percentile (sorted, 10, 85), ==, 9);
  g_assert_cmpint (siyu_model_percentile (sorted, 10, 97), ==, 10);
  g_assert_cmpint (siyu_model_percentile (sorted, 10, 1), ==, 1);

  g_assert_cmpint (siyu_model_friendly_amount (123456, 2), ==, 100000);   /* ¥1,234.56 → ¥1,000 */
  g_assert_cmpint (siyu_model_friendly_amount (299900, 2), ==, 250000);   /* ¥2,999 → ¥2,500 */
  g_assert_cmpint (siyu_model_friendly_amount (730000, 2), ==, 600000);   /* ¥7,300 → ¥6,000 */
  g_assert_cmpint (siyu_model_friendly_amount (500000, 2), ==, 500000);
  g_assert_cmpint (siyu_model_friendly_amount (100, 2), ==, 100);         /* ¥1 */
  g_assert_cmpint (siyu_model_friendly_amount (99, 2), ==, 0);
  g_assert_cmpint (siyu_model_friendly_amount (0, 2), ==, 0);
  g_assert_cmpint (siyu_model_friendly_amount (7, 0), ==, 6);
  g_assert_cmpint (siyu_model_friendly_amount (19999, 0), ==, 15000);
  g_assert_cmpint (siyu_model_friendly_amount (20000, 0), ==, 20000);
  g_assert_cmpint (siyu_model_friendly_amount (1499, 0), ==, 1000);
  g_assert_cmpint (siyu_model_friendly_amount (1500, 0), ==, 1500);
  g_assert_cmpint (siyu_model_friendly_amount (16700, 2), ==, 15000);     /* ¥167 → ¥150 */
  g_assert_cmpint (siyu_model_friendly_amount (451767, 2), ==, 400000);   /* ¥4,517.67 → ¥4,000 */
}

static void
assert_thresholds (const SiyuSpendSuggestion *s,
                   const gint64              *expected,
                   guint                      n)
{
  g_assert_cmpuint (s->thresholds->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (s->thresholds, gint64, i), ==, expected[i]);
}

static void
test_spend_suggestion (void)
{
  /* Yuan 0, 0, 100, 200, 300, 450, 800, 1500, 3000, 9000, shuffled. */
  const gint64 spends[] = { 300000, 0, 45000, 10000, 900000, 20000, 80000, 30000, 0, 150000 };
  const gint64 four[] = { 0, 40000, 300000, 800000 };
  const gint64 same[] = { 10000, 10000, 10000, 10000, 10000 };
  const gint64 same_expected[] = { 0, 10000, 15000 };
  const gint64 nothing[] = { 0, 0 };
  const gint64 nothing_expected[] = { 0, 100 };
  const gint64 negative[] = { 100, -1 };
  g_autoptr(GError) error = NULL;
  SiyuSpendSuggestion s;

  /* 60th: the 6th, ¥450 → ¥400; 85th: the 9th, ¥3,000 stays;
   * 97th: the 10th, ¥9,000 → ¥8,000. */
  g_assert_true (siyu_spend_suggestion_compute (spends, 10, 4, 2, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (s.n_members, ==, 10);
  assert_thresholds (&s, four, 4);
  g_assert_cmpint (g_array_index (s.percents, int, 1), ==, 60);
  g_assert_cmpint (g_array_index (s.percents, int, 3), ==, 97);
  g_assert_cmpint (g_array_index (s.percentiles, gint64, 1), ==, 45000);
  g_assert_cmpint (g_array_index (s.percentiles, gint64, 2), ==, 300000);
  g_assert_cmpint (g_array_index (s.percentiles, gint64, 3), ==, 900000);
  siyu_spend_suggestion_clear (&s);

  /* Everyone spent ¥100: the 95th cannot be ¥100 again, so ¥150. */
  g_assert_true (siyu_spend_suggestion_compute (same, 5, 3, 2, &s, &error));
  assert_thresholds (&s, same_expected, 3);
  siyu_spend_suggestion_clear (&s);

  /* Nobody spent anything: the second tier starts at ¥1. */
  g_assert_true (siyu_spend_suggestion_compute (nothing, 2, 2, 2, &s, &error));
  assert_thresholds (&s, nothing_expected, 2);
  siyu_spend_suggestion_clear (&s);

  g_assert_false (siyu_spend_suggestion_compute (NULL, 0, 4, 2, &s, &error));
  g_assert_error (error, SIYU_MODEL_ERROR, SIYU_MODEL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "There are no members yet to suggest tier thresholds from.");
  g_clear_error (&error);
  g_assert_false (siyu_spend_suggestion_compute (spends, 10, 7, 2, &s, &error));
  g_assert_cmpstr (error->message, ==, "Siyu suggests from 1 to 6 member tiers, not 7.");
  g_clear_error (&error);
  g_assert_false (siyu_spend_suggestion_compute (negative, 2, 2, 2, &s, &error));
  g_assert_cmpstr (error->message, ==, "A member’s spend cannot be negative.");
  g_assert_null (s.thresholds);
}

/* A hand-built shop as of D = 2026-03-31 (see the comments in
 * test_preview_apply_undo for every contact). */
typedef struct {
  SiyuShop   *shop;
  SiyuIngest *ingest;
  gint64      channel;
  guint       serial;
  SiyuDay     as_of;
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
  return siyu_shop_day_start (s->shop, s->as_of - days) + 12 * 3600;
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

static void
assert_stages (const gint64 *stages,
               gint64        prospect,
               gint64        new_,
               gint64        growing,
               gint64        mature,
               gint64        dormant,
               gint64        lost)
{
  g_assert_cmpint (stages[SIYU_STAGE_PROSPECT], ==, prospect);
  g_assert_cmpint (stages[SIYU_STAGE_NEW], ==, new_);
  g_assert_cmpint (stages[SIYU_STAGE_GROWING], ==, growing);
  g_assert_cmpint (stages[SIYU_STAGE_MATURE], ==, mature);
  g_assert_cmpint (stages[SIYU_STAGE_DORMANT], ==, dormant);
  g_assert_cmpint (stages[SIYU_STAGE_LOST], ==, lost);
}

static void
assert_counts (GArray       *counts,
               const gint64 *expected,
               guint         n)
{
  g_assert_cmpuint (counts->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (counts, gint64, i), ==, expected[i]);
}

static void
stored_stages (SiyuShop *shop,
               gint64   *stages)
{
  g_autoptr(GError) error = NULL;
  SiyuStoredAnalytics stored;
  JsonObject *object;

  g_assert_true (siyu_stored_analytics_load (shop, &stored, &error));
  g_assert_no_error (error);
  object = json_object_get_object_member (json_node_get_object (stored.summary), "stages");
  for (int i = 0; i < SIYU_N_STAGES; i++)
    stages[i] = json_object_get_int_member (object, siyu_stage_to_string (i));
  siyu_stored_analytics_clear (&stored);
}

/* The candidate: dormant after 45 days, lost after 210, mature with 2
 * orders; Regular 0, Silver ¥50 for 1 member at most, Gold ¥500; no
 * Diamond. */
static void
make_candidate (const SiyuModel *current,
                SiyuModel       *candidate)
{
  siyu_model_copy (current, candidate);
  candidate->lifecycle.dormant_days = 45;
  candidate->lifecycle.lost_days = 210;
  candidate->lifecycle.mature_orders = 2;
  tier (candidate, 1)->threshold = 5000;
  tier (candidate, 1)->capacity = 1;
  tier (candidate, 2)->threshold = 50000;
  g_array_remove_index (candidate->tiers, 3);
}

/* Eight contacts, as of @as_of:
 * A, member: ¥1,000 on D−200, −150, −100, −50, −10: Mature; ¥5,000, Gold.
 * B, member: ¥300 on D−60 and D−40: Dormant (40 > 30); ¥600, Silver.
 * C, member since D−300: ¥100 on D−5: New, Regular.
 * E: D−220 and D−200: Lost.
 * F, member, never bought: Prospect, Regular.
 * G: D−25 and D−20: Growing.
 * H, member: ¥9,000 on D−3: New, Diamond.
 * I, member since D−100: ¥100 on D−7: New, Regular. */
static void
build_hand_shop (Shop       *s,
                 const char *dir,
                 SiyuDay     as_of)
{
  g_autoptr(GError) error = NULL;
  gint64 a, b, c, e, g, h, i;

  s->as_of = as_of;
  s->shop = siyu_test_new_shop (dir, NULL);
  s->ingest = siyu_ingest_new (s->shop);
  s->channel = siyu_ingest_channel (s->ingest, "online_shop", "微店", NULL, &error);
  g_assert_no_error (error);

  /* A, member: ¥1,000 on D−200, −150, −100, −50, −10: Mature; ¥5,000, Gold. */
  a = contact (s, 390);
  for (int k = 200; k >= 50; k -= 50)
    buy (s, a, k, 100000);
  buy (s, a, 10, 100000);
  /* B, member: ¥300 on D−60 and D−40: Dormant (40 > 30); ¥600, Silver. */
  b = contact (s, 390);
  buy (s, b, 60, 30000);
  buy (s, b, 40, 30000);
  /* C, member since D−300: ¥100 on D−5: New, Regular. */
  c = contact (s, 300);
  buy (s, c, 5, 10000);
  /* E: D−220 and D−200: Lost. */
  e = contact (s, 0);
  buy (s, e, 220, 5000);
  buy (s, e, 200, 5000);
  /* F, member, never bought: Prospect, Regular. */
  contact (s, 390);
  /* G: D−25 and D−20: Growing. */
  g = contact (s, 0);
  buy (s, g, 25, 5000);
  buy (s, g, 20, 5000);
  /* H, member: ¥9,000 on D−3: New, Diamond. */
  h = contact (s, 390);
  buy (s, h, 3, 900000);
  /* I, member since D−100: ¥100 on D−7: New, Regular. */
  i = contact (s, 100);
  buy (s, i, 7, 10000);
}

static void
test_preview_apply_undo (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuModelFacts) facts = NULL;
  g_autoptr(JsonNode) before_node = NULL;
  g_autofree char *before_json = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *after_json = NULL;
  const SiyuGapSuggestion *gaps;
  SiyuSpendSuggestion spend;
  SiyuModelPreview preview;
  SiyuModel current, candidate, again;
  Shop s = { 0, };
  gint64 stages[SIYU_N_STAGES];
  const gint64 current_tiers[] = { 3, 1, 1, 1 };
  const gint64 candidate_tiers[] = { 2, 1, 3 };
  const gint64 suggested[] = { 0, 500000, 800000 };

  build_hand_shop (&s, dir, d ());

  g_assert_true (siyu_model_load (s.shop, &current, &error));
  before_node = siyu_model_to_json (&current);
  before_json = json_to_string (before_node, FALSE);
  g_assert_true (siyu_recompute (s.shop, d (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  facts = siyu_model_facts_compute (s.shop, d (), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (siyu_model_facts_get_n_members (facts), ==, 6);

  /* Gaps 50, 50, 50, 40 (A), 20 (B), 20 (E), 5 (G): 80 % → the 6th = 50,
   * 95 % → the 7th = 50; too few to go by. */
  gaps = siyu_model_facts_get_gaps (facts);
  g_assert_cmpint (gaps->n_gaps, ==, 7);
  g_assert_cmpint (gaps->p80, ==, 50);
  g_assert_cmpint (gaps->p95, ==, 50);
  g_assert_cmpint (gaps->dormant_days, ==, 50);
  g_assert_cmpint (gaps->lost_days, ==, 51);
  g_assert_false (gaps->enough);

  /* Spends 0, ¥100, ¥100, ¥600, ¥5,000, ¥9,000: 70 % → the 5th, ¥5,000;
   * 95 % → the 6th, ¥9,000 → ¥8,000. */
  g_assert_true (siyu_model_facts_suggest_tiers (facts, 3, 2, &spend, &error));
  assert_thresholds (&spend, suggested, 3);
  siyu_spend_suggestion_clear (&spend);

  make_candidate (&current, &candidate);
  g_assert_true (siyu_model_preview (facts, &current, &candidate, "CNY", &preview, &error));
  g_assert_no_error (error);
  assert_stages (preview.current_stages, 1, 3, 1, 1, 1, 1);
  /* B Mature (40 ≤ 45, 2 orders), E Dormant (200 ≤ 210), G Mature. */
  assert_stages (preview.stages, 1, 3, 0, 3, 1, 0);
  /* Now Regular C F I, Silver B, Gold A, Diamond H.  Then Gold A B H;
   * Silver C and I, but it holds 1: C joined earlier; Regular F I. */
  assert_counts (preview.current_tiers, current_tiers, 4);
  assert_counts (preview.tiers, candidate_tiers, 3);
  g_assert_cmpint (preview.members, ==, 6);
  g_assert_cmpint (preview.below, ==, 0);
  /* Up: B (Silver → Gold), C (Regular → Silver); down: H (Diamond → Gold). */
  g_assert_cmpint (preview.moved_up, ==, 2);
  g_assert_cmpint (preview.moved_down, ==, 1);
  siyu_model_preview_clear (&preview);

  /* The current model's counts are the stored figures'. */
  stored_stages (s.shop, stages);
  assert_stages (stages, 1, 3, 1, 1, 1, 1);

  previous = siyu_model_apply (s.shop, &candidate, d (), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (previous);
  stored_stages (s.shop, stages);
  assert_stages (stages, 1, 3, 0, 3, 1, 0);
  assert_query (s.shop, "SELECT id, dormant_days, lost_days, mature_orders, active FROM lifecycle_models ORDER BY id",
                "1|30|180|4|0\n2|45|210|2|1\n");
  assert_query (s.shop, "SELECT id, threshold, capacity FROM tiers ORDER BY position",
                "1|0|∅\n2|5000|1\n3|50000|∅\n");
  assert_query (s.shop, "SELECT count (DISTINCT model_id) FROM stage_snapshots", "2\n");

  /* Undo: exactly the previous model, its lifecycle model active again,
   * Diamond back with its id, and the stage counts as before. */
  g_assert_true (siyu_model_undo (s.shop, previous, d (), NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_model_load (s.shop, &again, &error));
  {
    g_autoptr(JsonNode) node = siyu_model_to_json (&again);

    after_json = json_to_string (node, FALSE);
  }
  g_assert_cmpstr (after_json, ==, before_json);
  assert_query (s.shop, "SELECT id, active FROM lifecycle_models ORDER BY id", "1|1\n2|0\n");
  stored_stages (s.shop, stages);
  assert_stages (stages, 1, 3, 1, 1, 1, 1);
  assert_query (s.shop, "SELECT count (*) FROM tiers WHERE id = 4 AND threshold = 800000", "1\n");

  siyu_model_clear (&again);
  siyu_model_clear (&candidate);
  siyu_model_clear (&current);
  g_clear_object (&s.ingest);
  g_clear_object (&s.shop);
}

static void
test_preview_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuModelFacts) facts = NULL;
  SiyuModelPreview preview;
  SiyuModel current, candidate;
  char *previous;

  facts = siyu_model_facts_compute (shop, d (), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* No repeat orders at all. */
  g_assert_cmpint (siyu_model_facts_get_gaps (facts)->n_gaps, ==, 0);
  g_assert_false (siyu_model_facts_get_gaps (facts)->enough);
  g_assert_true (siyu_model_load (shop, &current, &error));

  siyu_model_copy (&current, &candidate);
  tier (&candidate, 2)->threshold = 10000;
  g_assert_false (siyu_model_preview (facts, &current, &candidate, "CNY", &preview, &error));
  g_assert_cmpstr (error->message, ==, "The threshold of the tier “Gold” must be higher than the tier below it (¥500.00).");
  g_clear_error (&error);
  previous = siyu_model_apply (shop, &candidate, d (), NULL, NULL, NULL, &error);
  g_assert_null (previous);
  g_assert_error (error, SIYU_MODEL_ERROR, SIYU_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  assert_query (shop, "SELECT group_concat (threshold) FROM tiers", "0,50000,200000,800000\n");
  siyu_model_clear (&candidate);

  siyu_model_copy (&current, &candidate);
  candidate.lifecycle.dormant_days = -5;
  g_assert_false (siyu_model_preview (facts, &current, &candidate, "CNY", &preview, &error));
  g_assert_cmpstr (error->message, ==, "The days after which a customer is dormant must be from 1 to 3650, not -5.");
  g_clear_error (&error);
  siyu_model_clear (&candidate);

  siyu_model_copy (&current, &candidate);
  tier (&candidate, 1)->threshold = -100;
  g_assert_false (siyu_model_preview (facts, &current, &candidate, "CNY", &preview, &error));
  g_assert_cmpstr (error->message, ==, "The threshold of the tier “Silver” cannot be −¥1.00.");
  g_clear_error (&error);
  siyu_model_clear (&candidate);

  g_assert_false (siyu_model_undo (shop, "not json", d (), NULL, NULL, NULL, &error));
  g_assert_cmpstr (error->message, ==, "There is no previous model to put back.");
  assert_query (shop, "SELECT count (*) FROM lifecycle_models", "1\n");
  siyu_model_clear (&current);
}

/* siyu-cli model suggest --json and set --json-file on the hand-built
 * shop, as of the shop's today. */
static void
test_cli_wizard (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "candidate.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *histogram, *tiers;
  const gint64 counts[] = { 0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 3 };
  const gint64 thresholds[] = { 0, 60000, 800000, 1000000 };
  SiyuModel current, candidate;
  Shop s = { 0, };

  {
    g_autofree char *other = siyu_test_tmpdir ();
    g_autoptr(SiyuShop) probe = siyu_test_new_shop (other, NULL);
    SiyuDay today = siyu_shop_get_today (probe);

    build_hand_shop (&s, dir, today);
  }
  path = g_strdup (siyu_shop_get_path (s.shop));
  g_assert_true (siyu_model_load (s.shop, &current, &error));
  make_candidate (&current, &candidate);
  node = siyu_model_to_json (&candidate);
  text = json_to_string (node, TRUE);
  g_assert_true (g_file_set_contents (json, text, -1, &error));
  siyu_model_clear (&candidate);
  siyu_model_clear (&current);
  g_clear_object (&s.ingest);
  g_clear_object (&s.shop);

  /* Gaps 5, 20, 20, 40, 50, 50, 50: 5-day bars up to 50 (2-day bars
   * would be 26); 4 tiers from spends 0, ¥100, ¥100, ¥600, ¥5,000,
   * ¥9,000: the 4th → ¥600, the 6th → ¥8,000, the 6th again → ¥10,000. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "suggest", "--json", "--db", path, NULL), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "gaps"), ==, 7);
  g_assert_false (json_object_get_boolean_member (object, "enough"));
  g_assert_cmpint (json_object_get_int_member (object, "p80"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (object, "p95"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (object, "dormant_days"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (object, "lost_days"), ==, 51);
  histogram = json_object_get_array_member (object, "histogram");
  g_assert_cmpuint (json_array_get_length (histogram), ==, G_N_ELEMENTS (counts));
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      JsonObject *bar = json_array_get_object_element (histogram, i);

      g_assert_cmpint (json_object_get_int_member (bar, "from"), ==, 5 * i);
      g_assert_cmpint (json_object_get_int_member (bar, "to"), ==, 5 * i + 4);
      g_assert_cmpint (json_object_get_int_member (bar, "count"), ==, counts[i]);
    }
  object = json_object_get_object_member (object, "member_tiers");
  g_assert_cmpint (json_object_get_int_member (object, "members"), ==, 6);
  tiers = json_object_get_array_member (object, "tiers");
  g_assert_cmpuint (json_array_get_length (tiers), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tiers, i), "threshold"), ==,
                     thresholds[i]);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tiers, 2), "percentile"), ==, 85);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (tiers, 2), "spend"), ==, 900000);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "suggest", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "That is too few to go by (Siyu wants at least 20); keep the current 30 and 180 days"));
  g_assert_nonnull (strstr (out, "  Gold               from ¥8,000.00 (85 % of members spent ¥9,000.00 or less)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The candidate of test_preview_apply_undo, from a file: counted again,
   * and the moves reported. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "model", "set", "--db", path, "--json-file", json, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Counted every figure again."));
  g_assert_nonnull (strstr (out, "Mature       1 → 3\n"));
  g_assert_nonnull (strstr (out, "Lost         1 → 0\n"));
  g_assert_nonnull (strstr (out, "Members moving up a tier: 2; down a tier: 1\n"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/model/defaults-and-save", test_defaults_and_save);
  g_test_add_func ("/siyu/model/refused", test_refused);
  g_test_add_func ("/siyu/model/json", test_json);
  g_test_add_func ("/siyu/model/cli", test_cli);
  g_test_add_func ("/siyu/model/gap-suggestion", test_gap_suggestion);
  g_test_add_func ("/siyu/model/friendly", test_friendly);
  g_test_add_func ("/siyu/model/spend-suggestion", test_spend_suggestion);
  g_test_add_func ("/siyu/model/preview-apply-undo", test_preview_apply_undo);
  g_test_add_func ("/siyu/model/preview-refused", test_preview_refused);
  g_test_add_func ("/siyu/model/cli-wizard", test_cli_wizard);

  return g_test_run ();
}
