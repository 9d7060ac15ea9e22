/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "siyu-db.h"
#include "siyu-groups.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-review.h"
#include "siyu-test-util.h"

/* The monthly review of a shop built by hand: every figure of the month
 * and the month before, the lifecycle moves, a group's losses turned into
 * an action card, the shop's data level, and the months it refuses. */

static char *
member_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return json_to_string (node, FALSE);
}

static void
assert_member (JsonObject *object,
               const char *name,
               const char *expected)
{
  g_autofree char *text = member_text (object, name);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_month (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *review;
  JsonArray *cards;
  int year, month;

  g_assert_true (siyu_review_last_month (shop, &year, &month, &error));
  g_assert_no_error (error);
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (month, ==, 2);

  node = siyu_review_compute (shop, 2026, 3, NULL, &error);
  g_assert_no_error (error);
  review = json_node_get_object (node);

  assert_member (review, "review", "\"2026-03\"");
  assert_member (review, "complete", "true");
  /* Two buyers in March, one of whom had bought before; every net from
   * members; 63,000 fen over three orders. */
  assert_member (review, "month",
                 "{\"month\":\"2026-03\",\"contacts\":14,\"members\":4,\"new_contacts\":0,\"buyers\":2,"
                 "\"new_buyers\":1,\"paid_orders\":3,\"net_sales\":63000,\"repurchase_rate\":0.5,"
                 "\"member_share\":1.0,\"aov\":21000.0}");
  /* February had no buyer: its ratios have no base. */
  assert_member (review, "month_before",
                 "{\"month\":\"2026-02\",\"contacts\":14,\"members\":4,\"new_contacts\":0,\"buyers\":0,"
                 "\"new_buyers\":0,\"paid_orders\":0,\"net_sales\":0,\"repurchase_rate\":null,"
                 "\"member_share\":null,\"aov\":null}");
  assert_member (review, "same_month_last_year", "null");

  /* End of February: 王芳 and 张伟 dormant, the twelve others prospects.
   * End of March: 王芳 growing, 李雷 new, 张伟 still dormant. */
  assert_member (review, "stages",
                 "{\"prospect\":11,\"new\":1,\"growing\":1,\"mature\":0,\"dormant\":1,\"lost\":0}");
  assert_member (review, "stages_month_before",
                 "{\"prospect\":12,\"new\":0,\"growing\":0,\"mature\":0,\"dormant\":2,\"lost\":0}");
  assert_member (json_object_get_object_member (review, "transitions"), "dormant",
                 "{\"prospect\":0,\"new\":0,\"growing\":1,\"mature\":0,\"dormant\":1,\"lost\":0}");
  assert_member (json_object_get_object_member (review, "transitions"), "prospect",
                 "{\"prospect\":11,\"new\":1,\"growing\":0,\"mature\":0,\"dormant\":0,\"lost\":0}");

  assert_member (review, "groups",
                 "[{\"name\":\"茶友群\",\"members\":8,\"joined\":0,\"left\":2,\"buyers\":0,\"members_at_start\":10,"
                 "\"id\":1}]");

  /* The group lost a fifth of its members: the one card that fires. */
  cards = json_object_get_array_member (review, "cards");
  g_assert_cmpuint (json_array_get_length (cards), ==, 1);
  assert_member (json_array_get_object_element (cards, 0), "rule", "\"group-lost-members\"");
  assert_member (json_array_get_object_element (cards, 0), "value", "2");
  assert_member (json_array_get_object_element (cards, 0), "group_id", "1");
  assert_member (json_array_get_object_element (cards, 0), "text",
                 "\"Group “茶友群” lost 20 % of its members this month: ask those who left why, and welcome the others.\"");

  /* Buyers known by phone, members and a group, no interactions yet. */
  assert_member (json_object_get_object_member (review, "maturity"), "level", "3");

  /* Twelve months of trend, the last being March. */
  {
    JsonArray *trend = json_object_get_array_member (review, "trend");
    g_autofree char *last = json_to_string (json_array_get_element (trend, 11), FALSE);
    g_autofree char *january = json_to_string (json_array_get_element (trend, 9), FALSE);

    g_assert_cmpuint (json_array_get_length (trend), ==, 12);
    g_assert_cmpstr (last, ==, "{\"month\":\"2026-03\",\"buyers\":2,\"paid_orders\":3,\"net_sales\":63000,"
                               "\"repurchase_rate\":0.5,\"aov\":21000.0}");
    g_assert_cmpstr (january, ==, "{\"month\":\"2026-01\",\"buyers\":2,\"paid_orders\":2,\"net_sales\":38000,"
                                  "\"repurchase_rate\":0.0,\"aov\":19000.0}");
  }
}

/* Sales of no contact count in the month's orders and sales, not in its
 * buyers; an order in another currency is in no sales figure, but a first
 * purchase it is: 李雷, who first bought in dollars in December, is a
 * repeat buyer in March and a new buyer in December. */
static void
test_anonymous_and_currencies (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *sql = NULL;
  JsonObject *review;
  JsonArray *trend;

  sql = g_strdup_printf ("INSERT INTO orders (channel_id, external_ref, contact_id, status, created_at, currency, "
                         "  total_amount, updated_at) VALUES "
                         "(1, 'WALK-IN', NULL, 'paid', %" G_GINT64_FORMAT ", 'CNY', 7000, 0), "
                         "(1, 'USD-1', (SELECT id FROM contacts WHERE name = '李雷'), 'paid', "
                         "  %" G_GINT64_FORMAT ", 'USD', 1500, 0)",
                         siyu_test_time (shop, "2026-03-28 09:00:00"), siyu_test_time (shop, "2025-12-15 09:00:00"));
  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), sql, &error));
  g_assert_no_error (error);

  node = siyu_review_compute (shop, 2026, 3, NULL, &error);
  g_assert_no_error (error);
  review = json_node_get_object (node);
  trend = json_object_get_array_member (review, "trend");

  {
    g_autofree char *march = json_to_string (json_array_get_element (trend, 11), FALSE);
    g_autofree char *december = json_to_string (json_array_get_element (trend, 8), FALSE);

    /* Two buyers, both bought before March; four orders, 70,000 fen. */
    g_assert_cmpstr (march, ==, "{\"month\":\"2026-03\",\"buyers\":2,\"paid_orders\":4,\"net_sales\":70000,"
                                "\"repurchase_rate\":1.0,\"aov\":17500.0}");
    /* The dollars are in no sale of December. */
    g_assert_cmpstr (december, ==, "{\"month\":\"2025-12\",\"buyers\":0,\"paid_orders\":0,\"net_sales\":0,"
                                   "\"repurchase_rate\":null,\"aov\":null}");
  }
  /* March's new buyer was 李雷; now no one's first purchase is in March. */
  assert_member (json_object_get_object_member (review, "month"), "new_buyers", "0");
}

static void
test_refused (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autofree char *empty_dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) empty = siyu_test_new_shop (empty_dir, NULL);
  g_autoptr(GError) error = NULL;
  int year, month;

  g_assert_false (siyu_review_parse_month ("2025-13", &year, &month, &error));
  g_assert_error (error, SIYU_REVIEW_ERROR, SIYU_REVIEW_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“2025-13” is not a month; write it as YYYY-MM, such as 2026-10.");
  g_clear_error (&error);
  g_assert_false (siyu_review_parse_month ("2025-1", &year, &month, &error));
  g_clear_error (&error);
  g_assert_false (siyu_review_parse_month ("2025-10x", &year, &month, &error));
  g_clear_error (&error);
  g_assert_true (siyu_review_parse_month ("2025-10", &year, &month, &error));

  g_assert_null (siyu_review_compute (shop, 2026, 4, NULL, &error));
  g_assert_error (error, SIYU_REVIEW_ERROR, SIYU_REVIEW_ERROR_NO_DATA);
  g_assert_cmpstr (error->message, ==, "2026-04 has not begun yet: the shop’s data reaches its today.");
  g_clear_error (&error);
  g_assert_null (siyu_review_compute (shop, 2025, 12, NULL, &error));
  g_assert_cmpstr (error->message, ==, "2025-12 is before the shop’s first data, on 2026-01-02.");
  g_clear_error (&error);
  g_assert_null (siyu_review_compute (empty, 2026, 3, NULL, &error));
  g_assert_cmpstr (error->message, ==, "The shop has no contacts or orders yet, so there is no month to review.");
}

static void
test_cli (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  {
    g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);

    path = g_strdup (siyu_shop_get_path (shop));
  }

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "review", "--db", path, "--month", "2026-03", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Private-domain review of 2026-03\n"));
  /* Columns line up by characters: ¥ and — are one each. */
  g_assert_nonnull (strstr (out, "\nNet sales                         ¥630.00          ¥0.00               \n"));
  g_assert_nonnull (strstr (out, "\nRepurchase rate                      50 %              —               \n"));
  g_assert_nonnull (strstr (out, "  • Group “茶友群” lost 20 % of its members this month"));
  g_assert_nonnull (strstr (out, "Data operations: level L3."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "review", "--db", path, "--month", "2026-13", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“2026-13” is not a month"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "review", "--db", path, "--month", "2026-05", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "2026-05 has not begun yet"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* The default is the last complete month: February, without buyers. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "review", "--db", path, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"review\" : \"2026-02\""));
}

/* Months are the shop's (Asia/Shanghai): an order at half past midnight
 * on 1 March, still 28 February in UTC, belongs to March. */
static void
test_day_boundary (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) march = NULL;
  g_autoptr(JsonNode) february = NULL;

  {
    g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
    gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
    gint64 wang = siyu_test_add_contact (ingest, shop, "王芳", "13800138000", "2026-02-10 10:00:00", TRUE);

    siyu_test_add_order (ingest, shop, channel, "B1", wang, "2026-03-01 00:30:00", 12800);
  }
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")),
                                         &error));
  g_assert_no_error (error);

  march = siyu_review_compute (shop, 2026, 3, NULL, &error);
  g_assert_no_error (error);
  assert_member (json_object_get_object_member (json_node_get_object (march), "month"), "buyers", "1");
  assert_member (json_object_get_object_member (json_node_get_object (march), "month"), "net_sales", "12800");
  february = siyu_review_compute (shop, 2026, 2, NULL, &error);
  g_assert_no_error (error);
  assert_member (json_object_get_object_member (json_node_get_object (february), "month"), "buyers", "0");
  assert_member (json_object_get_object_member (json_node_get_object (february), "month"), "new_contacts", "1");
}

/* The same month a year earlier, read straight from the orders: 周杰 (a
 * member since 1 March 2025) bought ¥100 on 5 March and ¥50 on 20 March
 * 2025; 林娜 (not a member) ¥20 on 10 February and ¥40 on 15 March 2025;
 * 陈晨, seen in June 2025, ¥60 on 2 March 2026.  March 2025: 2 contacts,
 * 1 member, 1 new contact, 2 buyers of whom 1 new and 1 repeat (林娜),
 * 3 orders, ¥190 net, of which ¥150 from the member, AOV ¥63.33.  The
 * figures are those the review of March 2025 itself shows for its month. */
static void
test_last_year (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "年度对比");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 zhou = siyu_test_add_contact (ingest, shop, "周杰", "13800138001", "2025-03-01 10:00:00", TRUE);
  gint64 lin = siyu_test_add_contact (ingest, shop, "林娜", "13800138002", "2025-02-01 10:00:00", FALSE);
  gint64 chen = siyu_test_add_contact (ingest, shop, "陈晨", "13800138003", "2025-06-01 10:00:00", TRUE);
  g_autoptr(JsonNode) march = NULL;
  g_autoptr(JsonNode) year_before = NULL;
  JsonObject *last_year;
  g_autofree char *from_orders = NULL;
  g_autofree char *from_analytics = NULL;

  siyu_test_add_order (ingest, shop, channel, "B1", lin, "2025-02-10 12:00:00", 2000);
  siyu_test_add_order (ingest, shop, channel, "B2", zhou, "2025-03-05 12:00:00", 10000);
  siyu_test_add_order (ingest, shop, channel, "B3", lin, "2025-03-15 12:00:00", 4000);
  siyu_test_add_order (ingest, shop, channel, "B4", zhou, "2025-03-20 12:00:00", 5000);
  siyu_test_add_order (ingest, shop, channel, "B5", chen, "2026-03-02 12:00:00", 6000);
  g_clear_object (&ingest);
  g_assert_true (siyu_shop_set_data_end (shop, siyu_shop_day_of (shop, siyu_test_time (shop, "2026-03-31 12:00:00")),
                                         &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  march = siyu_review_compute (shop, 2026, 3, NULL, &error);
  g_assert_no_error (error);
  assert_member (json_node_get_object (march), "shop", "\"年度对比\"");
  assert_member (json_node_get_object (march), "currency", "\"CNY\"");
  last_year = json_object_get_object_member (json_node_get_object (march), "same_month_last_year");
  assert_member (last_year, "month", "\"2025-03\"");
  assert_member (last_year, "contacts", "2");
  assert_member (last_year, "members", "1");
  assert_member (last_year, "new_contacts", "1");
  assert_member (last_year, "buyers", "2");
  assert_member (last_year, "new_buyers", "1");
  assert_member (last_year, "paid_orders", "3");
  assert_member (last_year, "net_sales", "19000");
  g_assert_cmpfloat (json_object_get_double_member (last_year, "repurchase_rate"), ==, 0.5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (last_year, "member_share"), 15000.0 / 19000.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (last_year, "aov"), 19000.0 / 3.0, 1e-9);

  year_before = siyu_review_compute (shop, 2025, 3, NULL, &error);
  g_assert_no_error (error);
  from_orders = json_to_string (json_object_get_member (json_node_get_object (march), "same_month_last_year"), FALSE);
  from_analytics = json_to_string (json_object_get_member (json_node_get_object (year_before), "month"), FALSE);
  g_assert_cmpstr (from_orders, ==, from_analytics);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/review/month", test_month);
  g_test_add_func ("/siyu/review/refused", test_refused);
  g_test_add_func ("/siyu/review/anonymous-and-currencies", test_anonymous_and_currencies);
  g_test_add_func ("/siyu/review/cli", test_cli);
  g_test_add_func ("/siyu/review/day-boundary", test_day_boundary);
  g_test_add_func ("/siyu/review/last-year", test_last_year);

  return g_test_run ();
}
