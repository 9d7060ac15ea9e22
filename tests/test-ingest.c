/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-contacts.h"
#include "siyu-ingest.h"
#include "siyu-test-util.h"

typedef struct {
  char       *dir;
  SiyuShop   *shop;
  SiyuDb     *db;
  SiyuIngest *ingest;
  gint64      shop_channel;
  gint64      store_channel;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, NULL);
  f->db = siyu_shop_get_db (f->shop);
  f->ingest = siyu_ingest_new (f->shop);
  f->shop_channel = siyu_ingest_channel (f->ingest, "online_shop", "有赞微商城", "youzan", &error);
  g_assert_no_error (error);
  f->store_channel = siyu_ingest_channel (f->ingest, "offline_store", "静安门店", NULL, &error);
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
count (Fixture    *f,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 n = siyu_db_query_int (f->db, sql, &error);

  g_assert_no_error (error);
  return n;
}

static SiyuContactRecord
person (const char *name,
        const char *phone,
        const char *email)
{
  SiyuContactRecord record = {
    .name = name, .phone = phone, .email = email,
    .seen_at = 1735689600, /* 2025-01-01 08:00 Shanghai */
    .consent = -1, .do_not_contact = -1,
  };

  return record;
}

static void
test_channel_reused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (siyu_ingest_channel (f->ingest, "online_shop", "有赞微商城", NULL, &error), ==, f->shop_channel);
  g_assert_cmpint (siyu_ingest_channel (f->ingest, "rocket", "x", NULL, &error), ==, -1);
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  g_assert_cmpint (count (f, "SELECT count (*) FROM channels"), ==, 2);
}

/* One person written two ways in two channels is one contact. */
static void
test_same_phone_two_ways (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord a = person ("王芳", "+86 138 0013 8000", NULL);
  SiyuContactRecord b = person (NULL, "13800138000", "Wang.Fang@Example.com");
  SiyuOutcome outcome;
  gint64 first, second;

  a.channel_id = f->shop_channel;
  b.channel_id = f->store_channel;
  b.seen_at = a.seen_at - 86400;
  b.city = "上海";

  first = siyu_ingest_contact (f->ingest, &a, &outcome, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SIYU_OUTCOME_CREATED);
  second = siyu_ingest_contact (f->ingest, &b, &outcome, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SIYU_OUTCOME_MATCHED);
  g_assert_cmpint (first, ==, second);

  g_assert_cmpint (count (f, "SELECT count (*) FROM contacts"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count (*) FROM contacts WHERE name = '王芳' AND phone = '+8613800138000' "
                             "AND email = 'wang.fang@example.com' AND city = '上海' "
                             "AND first_seen_at = 1735603200"), ==, 1);
  /* The earlier sighting was in the store. */
  g_assert_cmpint (count (f, "SELECT first_channel_id FROM contacts"), ==, f->store_channel);
  g_assert_cmpint (count (f, "SELECT count (*) FROM contact_identities"), ==, 2);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->contacts_created, ==, 1);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->contacts_matched, ==, 1);
}

/* A row whose phone and e-mail belong to two contacts is reported, not merged. */
static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord a = person ("李雷", "13900001111", "lilei@example.com");
  SiyuContactRecord b = person ("韩梅梅", "13900002222", "hanmeimei@example.com");
  SiyuContactRecord mixed = person ("李雷", "13900001111", "hanmeimei@example.com");

  g_assert_cmpint (siyu_ingest_contact (f->ingest, &a, NULL, &error), >, 0);
  g_assert_cmpint (siyu_ingest_contact (f->ingest, &b, NULL, &error), >, 0);
  g_assert_cmpint (siyu_ingest_contact (f->ingest, &mixed, NULL, &error), ==, -1);
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "hanmeimei@example.com"));

  g_assert_cmpint (count (f, "SELECT count (*) FROM contacts"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count (*) FROM contact_identities"), ==, 4);
}

static void
test_invalid_contacts (Fixture       *f,
                       gconstpointer  data)
{
  struct {
    SiyuContactRecord record;
    const char *message;
  } cases[] = {
    { person ("无名", NULL, NULL), "needs a phone number" },
    { person ("坏号", "12345", NULL), "“12345” is not a phone number" },
    { person ("坏邮箱", NULL, "no-at-sign.example.com"), "is not an e-mail address" },
    { person ("双@", NULL, "a@b@example.com"), "is not an e-mail address" },
  };
  SiyuContactRecord birthday = person ("生日", "13700000001", NULL);
  SiyuContactRecord no_time = person ("无时", "13700000002", NULL);

  birthday.birthday = "1990-02-30";
  no_time.seen_at = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (siyu_ingest_contact (f->ingest, &cases[i].record, NULL, &error), ==, -1);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }

  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpint (siyu_ingest_contact (f->ingest, &birthday, NULL, &error), ==, -1);
    g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "“1990-02-30” is not a date"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_cmpint (siyu_ingest_contact (f->ingest, &no_time, NULL, &error), ==, -1);
    g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  }

  g_assert_cmpint (count (f, "SELECT count (*) FROM contacts"), ==, 0);
}

/* Consent takes the newest word; membership keeps the earliest date. */
static void
test_consent_and_membership (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord first = person ("赵敏", "13600000000", NULL);
  SiyuContactRecord later = person (NULL, "13600000000", NULL);
  SiyuContactRecord stale = person (NULL, "13600000000", NULL);

  first.consent = 1;
  first.consent_at = 1000;
  first.consent_source = "小程序授权";
  first.member_since = 5000;
  later.consent = 0;
  later.consent_at = 2000;
  later.consent_source = "退订短信";
  later.member_since = 4000;
  later.do_not_contact = 1;
  stale.consent = 1;
  stale.consent_at = 1500;
  stale.consent_source = "旧表格";
  stale.member_since = 0;

  g_assert_cmpint (siyu_ingest_contact (f->ingest, &first, NULL, &error), >, 0);
  g_assert_cmpint (siyu_ingest_contact (f->ingest, &later, NULL, &error), >, 0);
  g_assert_cmpint (siyu_ingest_contact (f->ingest, &stale, NULL, &error), >, 0);
  g_assert_no_error (error);

  g_assert_cmpint (count (f, "SELECT count (*) FROM contacts WHERE marketing_consent = 0 AND consent_at = 2000 "
                             "AND consent_source = '退订短信' AND member_since = 4000 AND do_not_contact = 1"), ==, 1);
}

static gint64
order (Fixture     *f,
       const char  *ref,
       const char  *status,
       gint64       total,
       gint64       refunded,
       gint64       contact,
       SiyuOutcome *outcome,
       GError     **error)
{
  SiyuOrderItemRecord items[] = {
    { "BEAN-01", "耶加雪菲咖啡豆 250g", 2, 8800, 17600 },
    { NULL, "手冲滤纸", 1, 1200, 1200 },
  };
  SiyuOrderRecord record = {
    .channel_id = f->shop_channel, .external_ref = ref, .contact_id = contact, .status = status,
    .created_at = 1740000000, .currency = "CNY", .total_amount = total, .refunded_amount = refunded,
    .items = items, .n_items = G_N_ELEMENTS (items),
  };

  return siyu_ingest_order (f->ingest, &record, outcome, error);
}

static void
test_order_idempotent (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord buyer = person ("周杰", "13512345678", NULL);
  SiyuOutcome outcome;
  gint64 contact, id, again;

  contact = siyu_ingest_contact (f->ingest, &buyer, NULL, &error);
  id = order (f, "E20250220001", "paid", 18800, 0, contact, &outcome, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SIYU_OUTCOME_CREATED);

  again = order (f, "E20250220001", "paid", 18800, 0, contact, &outcome, &error);
  g_assert_cmpint (again, ==, id);
  g_assert_cmpint (outcome, ==, SIYU_OUTCOME_UNCHANGED);

  /* A later partial refund updates the order, not its lines. */
  again = order (f, "E20250220001", "partially_refunded", 18800, 8800, contact, &outcome, &error);
  g_assert_cmpint (again, ==, id);
  g_assert_cmpint (outcome, ==, SIYU_OUTCOME_UPDATED);

  /* The same number in another channel is another order. */
  {
    SiyuOrderRecord other = {
      .channel_id = f->store_channel, .external_ref = "E20250220001", .status = "paid",
      .created_at = 1740000000, .currency = "CNY", .total_amount = 500,
    };
    g_assert_cmpint (siyu_ingest_order (f->ingest, &other, &outcome, &error), >, id);
    g_assert_cmpint (outcome, ==, SIYU_OUTCOME_CREATED);
  }

  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count (*) FROM orders"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count (*) FROM order_items"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count (*) FROM products"), ==, 1);
  g_assert_cmpint (count (f, "SELECT refunded_amount FROM orders WHERE status = 'partially_refunded'"), ==, 8800);
  g_assert_cmpint (count (f, "SELECT item_count FROM orders WHERE external_ref = 'E20250220001' AND channel_id = 1"), ==, 2);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->orders_created, ==, 2);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->orders_unchanged, ==, 1);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->orders_updated, ==, 1);
}

static void
test_invalid_orders (Fixture       *f,
                     gconstpointer  data)
{
  struct {
    const char *ref;
    const char *status;
    gint64 total;
    gint64 refunded;
    const char *message;
  } cases[] = {
    { "", "paid", 100, 0, "no order number" },
    { "A", "shipped", 100, 0, "“shipped” is not an order status" },
    { "B", "paid", -1, 0, "cannot be negative" },
    { "C", "paid", SIYU_INGEST_MAX_AMOUNT + 1, 0, "too large to be real" },
    { "D", "paid", 100, 200, "refunded amount is larger than the order total" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (order (f, cases[i].ref, cases[i].status, cases[i].total, cases[i].refunded, 0,
                              NULL, &error), ==, -1);
      g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }

  {
    g_autoptr(GError) error = NULL;
    SiyuOrderItemRecord zero[] = { { "X", "零件", 0, 100, 0 } };
    SiyuOrderItemRecord huge[] = { { "X", "零件", SIYU_INGEST_MAX_QUANTITY + 1, 100, 100 } };
    SiyuOrderRecord record = {
      .channel_id = f->shop_channel, .external_ref = "Q", .status = "paid", .created_at = 1,
      .currency = "CNY", .total_amount = 100, .items = zero, .n_items = 1,
    };

    g_assert_cmpint (siyu_ingest_order (f->ingest, &record, NULL, &error), ==, -1);
    g_assert_nonnull (strstr (error->message, "Line 1 of the order has a quantity below one"));
    g_clear_error (&error);
    record.items = huge;
    g_assert_cmpint (siyu_ingest_order (f->ingest, &record, NULL, &error), ==, -1);
    g_assert_nonnull (strstr (error->message, "quantity too large"));
    g_clear_error (&error);
    record.items = NULL;
    record.n_items = 0;
    record.currency = "XYZ";
    g_assert_cmpint (siyu_ingest_order (f->ingest, &record, NULL, &error), ==, -1);
    g_assert_nonnull (strstr (error->message, "“XYZ” is not a currency"));
  }

  g_assert_cmpint (count (f, "SELECT count (*) FROM orders"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count (*) FROM order_items"), ==, 0);
}

static void
test_refunds (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = order (f, "R1", "partially_refunded", 18800, 0, 0, NULL, &error);

  g_assert_true (siyu_ingest_refund (f->ingest, id, "RF-1", 3000, 1740100000, "少发滤纸", &error));
  g_assert_true (siyu_ingest_refund (f->ingest, id, "RF-2", 2000, 1740200000, NULL, &error));
  g_assert_true (siyu_ingest_refund (f->ingest, id, "RF-1", 3000, 1740100000, "少发滤纸", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT refunded_amount FROM orders"), ==, 5000);
  g_assert_cmpint (count (f, "SELECT count (*) FROM refunds"), ==, 2);

  g_assert_true (siyu_ingest_refund (f->ingest, id, "RF-3", 50000, 1740300000, NULL, &error));
  g_assert_cmpint (count (f, "SELECT refunded_amount FROM orders"), ==, 18800);

  g_assert_false (siyu_ingest_refund (f->ingest, id, "RF-4", 0, 1740300000, NULL, &error));
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
}

static void
test_groups_and_events (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord member = person ("林晓", "13711112222", NULL);
  gint64 contact = siyu_ingest_contact (f->ingest, &member, NULL, &error);
  gint64 group = siyu_ingest_group (f->ingest, "VIP 1群", "wecom", 1700000000, &error);

  g_assert_cmpint (siyu_ingest_group (f->ingest, "VIP 1群", "wecom", 0, &error), ==, group);
  g_assert_true (siyu_ingest_group_member (f->ingest, group, contact, "member", 1730000000, 0, &error));
  g_assert_true (siyu_ingest_group_member (f->ingest, group, contact, "admin", 1730000000, 1731000000, &error));
  g_assert_true (siyu_ingest_group_member (f->ingest, group, contact, NULL, 1732000000, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count (*) FROM group_members"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count (*) FROM group_members WHERE role = 'admin' AND left_at = 1731000000"), ==, 1);

  g_assert_false (siyu_ingest_group_member (f->ingest, group, contact, "king", 1, 0, &error));
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (siyu_ingest_group_member (f->ingest, group, contact, NULL, 2000, 1000, &error));
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (siyu_ingest_event (f->ingest, contact, "share", 1733000000, f->shop_channel, NULL, &error));
  g_assert_true (siyu_ingest_event (f->ingest, contact, "share", 1733000000, f->shop_channel, NULL, &error));
  g_assert_true (siyu_ingest_event (f->ingest, contact, "review", 1733000000, 0, "五星", &error));
  g_assert_no_error (error);
  g_assert_false (siyu_ingest_event (f->ingest, contact, "like", 1733000000, 0, NULL, &error));
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  g_assert_cmpint (count (f, "SELECT count (*) FROM events"), ==, 2);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->events_created, ==, 2);
  g_assert_cmpuint (siyu_ingest_get_counts (f->ingest)->events_unchanged, ==, 1);
}

static void
test_tags (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord member = person ("林晓", "13711112222", NULL);
  gint64 contact = siyu_ingest_contact (f->ingest, &member, NULL, &error);

  g_assert_true (siyu_ingest_tag (f->ingest, contact, " 咖啡爱好者 ", "import", 0, &error));
  g_assert_true (siyu_ingest_tag (f->ingest, contact, "咖啡爱好者", "manual", 0, &error));
  g_assert_no_error (error);
  g_assert_false (siyu_ingest_tag (f->ingest, contact, "  ", NULL, 0, &error));
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  g_assert_cmpint (count (f, "SELECT count (*) FROM contact_tags JOIN tags ON tags.id = tag_id "
                             "WHERE name = '咖啡爱好者' AND source = 'import'"), ==, 1);
}

static char *
text_of (Fixture    *f,
         const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = siyu_db_prepare (f->db, sql, &error);
  char *text;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return text;
}

/* ESC, BEL and other controls from a file or a platform are never stored,
 * nor typed in by an edit; tab and newline are kept. */
static void
test_controls_stripped (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *city = NULL;
  SiyuContactRecord record = person ("王\033[2J芳\a", "13800138000", NULL);
  gint64 id;

  record.city = "上海\r\n浦东\x7f";
  id = siyu_ingest_contact (f->ingest, &record, NULL, &error);
  g_assert_no_error (error);
  name = text_of (f, "SELECT name FROM contacts");
  city = text_of (f, "SELECT city FROM contacts");
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "王[2J芳");
  g_assert_cmpstr (city, ==, "上海\n浦东");

  g_assert_true (siyu_contact_set (f->shop, id, SIYU_CONTACT_NAME, "\033]0;pwned\007李雷", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&name, g_free);
  name = text_of (f, "SELECT name FROM contacts");
  g_assert_cmpstr (name, ==, "]0;pwned李雷");
}

/* A value of a megabyte is quoted by its first 80 characters. */
static void
test_huge_value_clipped (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (1024 * 1024, 'a');
  g_autofree char *shown = g_strnfill (80, 'a');
  g_autofree char *expected = g_strdup_printf ("“%s…” is not an e-mail address.", shown);
  SiyuContactRecord record = person ("王芳", NULL, big);

  g_assert_cmpint (siyu_ingest_contact (f->ingest, &record, NULL, &error), ==, -1);
  g_assert_error (error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_email_normalize (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { " Wang.Fang@Example.COM ", "wang.fang@example.com" },
    { "a@b.cn", "a@b.cn" },
    { "a@b", NULL },
    { "@b.cn", NULL },
    { "a@b.cn.", NULL },
    { "a b@c.cn", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = siyu_email_normalize (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/siyu/ingest/channel-reused", test_channel_reused);
  ADD ("/siyu/ingest/same-phone-two-ways", test_same_phone_two_ways);
  ADD ("/siyu/ingest/conflict", test_conflict);
  ADD ("/siyu/ingest/invalid-contacts", test_invalid_contacts);
  ADD ("/siyu/ingest/consent-and-membership", test_consent_and_membership);
  ADD ("/siyu/ingest/order-idempotent", test_order_idempotent);
  ADD ("/siyu/ingest/invalid-orders", test_invalid_orders);
  ADD ("/siyu/ingest/refunds", test_refunds);
  ADD ("/siyu/ingest/groups-and-events", test_groups_and_events);
  ADD ("/siyu/ingest/tags", test_tags);
  ADD ("/siyu/ingest/controls-stripped", test_controls_stripped);
  ADD ("/siyu/ingest/huge-value-clipped", test_huge_value_clipped);
  g_test_add_func ("/siyu/ingest/email-normalize", test_email_normalize);

#undef ADD

  return g_test_run ();
}
