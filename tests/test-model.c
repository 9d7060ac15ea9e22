/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-model.h"
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/defaults-and-save", test_defaults_and_save);
  g_test_add_func ("/model/refused", test_refused);
  g_test_add_func ("/model/json", test_json);
  g_test_add_func ("/model/cli", test_cli);

  return g_test_run ();
}
