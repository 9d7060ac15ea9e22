/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "siyu-demo.h"
#include "siyu-ingest.h"
#include "siyu-review.h"
#include "siyu-segments.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* Each action card of the monthly review carries the segment that selects
 * exactly the people it counts, in its month: counting the definition
 * (siyu_segment_count(), `siyu-cli segment count --json-file`) and listing
 * its members give the card's value, for every card of the demo shop's
 * last twelve months and for the cards the demo never fires. */

static char *shared_dir;
static SiyuShop *demo;

static gint64
count_definition (SiyuShop *shop,
                  JsonNode *definition)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = NULL;
  gint64 total = -1, unreachable = -1;

  g_assert_true (siyu_segment_check (definition, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_segment_count (shop, definition, &total, &unreachable, &error));
  g_assert_no_error (error);
  members = siyu_segment_members (shop, definition, &error);
  g_assert_no_error (error);
  g_assert_cmpint (members->len, ==, total);

  return total;
}

static gint64
count_with_cli (SiyuShop *shop,
                JsonNode *definition)
{
  g_autofree char *file = g_build_filename (shared_dir, "card.json", NULL);
  g_autofree char *text = json_to_string (definition, FALSE);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, text, -1, &error));
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", "--db", siyu_shop_get_path (shop),
                                      "--json-file", file, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);

  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "count");
}

/* The demo's last twelve months, the one in progress included: every card
 * opens its value in people, whatever the month. */
static void
test_demo_months (void)
{
  g_autoptr(GHashTable) rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int year, month, y, m, d, cards = 0;

  siyu_day_to_ymd (siyu_shop_get_today (demo), &year, &month, &d);
  g_assert_cmpint (year * 100 + month, ==, 202611);

  for (int back = 0; back < 12; back++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) review = NULL;
      JsonArray *list;
      int index = year * 12 + month - 1 - back;

      y = index / 12;
      m = index % 12 + 1;
      review = siyu_review_compute (demo, y, m, NULL, &error);
      g_assert_no_error (error);
      list = json_object_get_array_member (json_node_get_object (review), "cards");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *card = json_array_get_object_element (list, i);
          JsonNode *definition = json_object_get_member (card, "definition");
          gint64 value = json_object_get_int_member (card, "value");

          g_test_message ("%04d-%02d %s: %" G_GINT64_FORMAT, y, m, json_object_get_string_member (card, "rule"),
                          value);
          g_assert_nonnull (definition);
          g_assert_cmpint (value, >, 0);
          g_assert_cmpint (count_definition (demo, definition), ==, value);
          /* The CLI counts the definition as the review's JSON holds it,
           * for the last complete month's cards. */
          if (back == 1)
            g_assert_cmpint (count_with_cli (demo, definition), ==, value);
          g_hash_table_add (rules, g_strdup (json_object_get_string_member (card, "rule")));
          cards++;
        }
    }

  /* The demo fires three rules every month. */
  g_assert_true (g_hash_table_contains (rules, "growing-fell-dormant"));
  g_assert_true (g_hash_table_contains (rules, "close-to-next-tier"));
  g_assert_true (g_hash_table_contains (rules, "new-buyers"));
  g_assert_cmpint (cards, >=, 12 * 4);
}

/* The exact definitions of the last complete month's cards, and the number
 * each opens. */
static void
test_demo_definitions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) review = siyu_review_compute (demo, 2026, 10, NULL, &error);
  JsonArray *list;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  g_assert_no_error (error);
  list = json_object_get_array_member (json_node_get_object (review), "cards");
  g_assert_cmpuint (json_array_get_length (list), ==, 5);
  first = json_to_string (json_array_get_element (list, 0), FALSE);
  g_assert_cmpstr (first, ==,
                   "{\"rule\":\"growing-fell-dormant\",\"figure\":\"transitions.growing.dormant\",\"value\":50,"
                   "\"text\":\"50 Growing customers fell Dormant this month: message them before they reach 180 "
                   "days without an order.\",\"segment\":\"Growing customers who fell Dormant in 2026-10\","
                   "\"definition\":{\"match\":\"all\",\"conditions\":["
                   "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"growing\",\"as_of\":\"2026-09-30\"},"
                   "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\",\"as_of\":\"2026-10-31\"}]}}");
  last = json_to_string (json_object_get_member (json_array_get_object_element (list, 4), "definition"), FALSE);
  g_assert_cmpstr (last, ==, "{\"match\":\"all\",\"conditions\":[{\"field\":\"first_order\",\"op\":\"within_days\","
                             "\"value\":31,\"as_of\":\"2026-10-31\"}]}");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 4), "value"), ==, 315);
}

static void
add_order (SiyuShop   *shop,
           SiyuIngest *ingest,
           gint64      channel,
           gint64      contact,
           const char *ref,
           const char *when)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderRecord order = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = siyu_test_time (shop, when), .currency = "CNY", .total_amount = 10000,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &order, NULL, &error), >, 0);
  g_assert_no_error (error);
}

/* Repurchase fell from 100 % in February (甲 and 乙 had bought in January)
 * to 50 % in March (甲 came back, 丙 is new): the card opens 乙, February's
 * buyer who did not come back. */
static void
test_repurchase_card (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) review = NULL;
  g_autoptr(GArray) members = NULL;
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  const char *phones[] = { "13800000001", "13800000002", "13800000003" };
  gint64 ids[3];
  JsonArray *list;
  JsonObject *card;

  for (int i = 0; i < 3; i++)
    {
      SiyuContactRecord record = { .phone = phones[i], .consent = -1, .do_not_contact = -1,
                                   .seen_at = siyu_test_time (shop, "2026-01-01 09:00:00") };

      ids[i] = siyu_ingest_contact (ingest, &record, NULL, &error);
      g_assert_no_error (error);
    }
  add_order (shop, ingest, channel, ids[0], "1", "2026-01-05 10:00:00");
  add_order (shop, ingest, channel, ids[1], "2", "2026-01-06 10:00:00");
  add_order (shop, ingest, channel, ids[0], "3", "2026-02-05 10:00:00");
  add_order (shop, ingest, channel, ids[1], "4", "2026-02-06 10:00:00");
  add_order (shop, ingest, channel, ids[0], "5", "2026-03-05 10:00:00");
  add_order (shop, ingest, channel, ids[2], "6", "2026-03-06 10:00:00");
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 3, 31), &error));

  review = siyu_review_compute (shop, 2026, 3, NULL, &error);
  g_assert_no_error (error);
  list = json_object_get_array_member (json_node_get_object (review), "cards");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  card = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (card, "rule"), ==, "repurchase-fell");
  g_assert_cmpstr (json_object_get_string_member (card, "figure"), ==, "month_before.buyers_not_back");
  g_assert_cmpint (json_object_get_int_member (card, "value"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (card, "text"), ==,
                   "Repurchase fell from 100 % to 50 %: remind the 1 buyer of last month who has not come back.");
  members = siyu_segment_members (shop, json_object_get_member (card, "definition"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 1);
  g_assert_cmpint (g_array_index (members, gint64, 0), ==, ids[1]);
  g_assert_cmpint (count_with_cli (shop, json_object_get_member (card, "definition")), ==, 1);
}

/* The group card of the hand-built review shop: the two who left. */
static void
test_group_card (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) review = siyu_review_compute (shop, 2026, 3, NULL, &error);
  JsonObject *card;
  g_autofree char *definition = NULL;

  g_assert_no_error (error);
  card = json_array_get_object_element (json_object_get_array_member (json_node_get_object (review), "cards"), 0);
  g_assert_cmpstr (json_object_get_string_member (card, "rule"), ==, "group-lost-members");
  g_assert_cmpint (json_object_get_int_member (card, "value"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (card, "segment"), ==, "Left “茶友群” in 2026-03");
  definition = json_to_string (json_object_get_member (card, "definition"), FALSE);
  g_assert_cmpstr (definition, ==, "{\"match\":\"all\",\"conditions\":[{\"field\":\"group\",\"op\":\"left\","
                                   "\"value\":\"茶友群\",\"days\":31,\"as_of\":\"2026-03-31\"}]}");
  g_assert_cmpint (count_definition (shop, json_object_get_member (card, "definition")), ==, 2);
  g_assert_cmpint (count_with_cli (shop, json_object_get_member (card, "definition")), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SiyuDemoOptions options = { SIYU_DEMO_SMALL, 1, SIYU_DAY_INVALID };
  int rc;

  g_test_init (&argc, &argv, NULL);
  shared_dir = siyu_test_tmpdir ();
  path = g_build_filename (shared_dir, "demo.siyu", NULL);
  demo = siyu_demo_create (path, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/siyu/review-cards/demo-months", test_demo_months);
  g_test_add_func ("/siyu/review-cards/demo-definitions", test_demo_definitions);
  g_test_add_func ("/siyu/review-cards/repurchase", test_repurchase_card);
  g_test_add_func ("/siyu/review-cards/group", test_group_card);

  rc = g_test_run ();
  g_clear_object (&demo);
  g_free (shared_dir);
  return rc;
}
