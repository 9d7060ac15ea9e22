/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-freshness.h"
#include "siyu-ingest.h"
#include "siyu-review.h"
#include "siyu-overview.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

typedef struct {
  char       *dir;
  SiyuShop   *shop;
  SiyuIngest *ingest;
  gint64      channel;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, NULL);
  f->ingest = siyu_ingest_new (f->shop);
  f->channel = siyu_ingest_channel (f->ingest, "mini_program", "小程序", NULL, &error);
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
contact (Fixture    *f,
         const char *phone,
         const char *seen,
         const char *member_since)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .phone = phone, .seen_at = siyu_test_time (f->shop, seen), .consent = -1, .do_not_contact = -1,
    .member_since = member_since != NULL ? siyu_test_time (f->shop, member_since) : 0,
  };
  gint64 id = siyu_ingest_contact (f->ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static void
order (Fixture    *f,
       gint64      contact_id,
       const char *when,
       const char *status,
       gint64      total,
       gint64      refunded,
       const char *currency)
{
  static guint serial;
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strdup_printf ("T%u", ++serial);
  SiyuOrderRecord record = {
    .channel_id = f->channel, .external_ref = ref, .contact_id = contact_id, .status = status,
    .created_at = siyu_test_time (f->shop, when), .currency = currency,
    .total_amount = total, .refunded_amount = refunded,
  };

  g_assert_cmpint (siyu_ingest_order (f->ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
compute (Fixture      *f,
         SiyuDay       as_of,
         SiyuOverview *overview)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (siyu_overview_compute (f->shop, as_of, overview, &error));
  g_assert_no_error (error);
  g_assert_cmpint (overview->as_of, ==, as_of);
}

/* As of 2026-03-31 the window is 03-02 … 03-31 and the one before it
 * 01-31 … 03-01, in Shanghai time; every edge is one second either side. */
static void
test_windows (Fixture       *f,
              gconstpointer  data)
{
  SiyuDay as_of = siyu_day_from_ymd (2026, 3, 31);
  SiyuOverview o;
  gint64 a, b, c, e, erased;

  a = contact (f, "13800000001", "2025-06-01 10:00:00", "2026-03-01 23:59:59");
  b = contact (f, "13800000002", "2026-03-01 23:59:59", "2026-03-02 00:00:00");
  c = contact (f, "13800000003", "2026-03-02 00:00:00", NULL);
  e = contact (f, "13800000005", "2025-01-01 00:00:00", "2026-04-01 00:00:00");
  contact (f, "13800000006", "2026-04-01 00:00:00", "2026-03-01 00:00:00");
  erased = contact (f, "13800000007", "2025-01-01 00:00:00", "2025-01-01 00:00:00");
  g_assert_true (siyu_db_exec (siyu_shop_get_db (f->shop), "UPDATE contacts SET erased_at = 1 WHERE id = 6", NULL));
  g_assert_cmpint (erased, ==, 6);

  order (f, a, "2026-03-31 23:59:59", "paid", 10000, 0, "CNY");
  order (f, a, "2026-04-01 00:00:00", "paid", 5000, 0, "CNY");
  order (f, b, "2026-03-02 00:00:00", "partially_refunded", 8000, 3000, "CNY");
  order (f, b, "2026-03-01 23:59:59", "paid", 2000, 0, "CNY");
  order (f, c, "2026-03-15 12:00:00", "refunded", 4000, 4000, "CNY");
  order (f, c, "2026-03-16 12:00:00", "cancelled", 3000, 0, "CNY");
  order (f, c, "2026-03-17 12:00:00", "unpaid", 1000, 0, "CNY");
  order (f, 0, "2026-03-20 12:00:00", "paid", 700, 0, "CNY");
  order (f, e, "2026-03-20 12:00:00", "paid", 9900, 0, "USD");
  order (f, e, "2026-01-31 00:00:00", "paid", 100, 0, "CNY");
  order (f, e, "2026-01-30 23:59:59", "paid", 50, 0, "CNY");
  order (f, erased, "2026-03-05 09:00:00", "paid", 1, 0, "CNY");

  compute (f, as_of, &o);

  /* The sixth contact joined the programme on 03-01, so was seen by then. */
  g_assert_cmpint (o.contacts, ==, 5);
  g_assert_cmpint (o.contacts_before, ==, 4);
  g_assert_cmpint (o.members, ==, 3);
  g_assert_cmpint (o.members_before, ==, 2);
  /* The erased contact's order still counts: erasure keeps shop figures. */
  g_assert_cmpint (o.buyers, ==, 3);
  g_assert_cmpint (o.orders, ==, 4);
  g_assert_cmpint (o.net_sales, ==, 10000 + 5000 + 700 + 1);
  g_assert_cmpint (o.buyers_before, ==, 2);
  g_assert_cmpint (o.orders_before, ==, 2);
  g_assert_cmpint (o.net_sales_before, ==, 2100);
}

/* The same moment falls on another day in another zone. */
static void
test_time_zone (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuDay as_of = siyu_day_from_ymd (2026, 3, 31);
  SiyuOverview o;
  gint64 a = contact (f, "13800000001", "2025-06-01 10:00:00", NULL);

  /* 2026-03-31 20:00 UTC is 2026-04-01 04:00 in Shanghai. */
  order (f, a, "2026-04-01 04:00:00", "paid", 4200, 0, "CNY");

  compute (f, as_of, &o);
  g_assert_cmpint (o.buyers, ==, 0);
  g_assert_cmpint (o.net_sales, ==, 0);

  g_assert_true (siyu_shop_set_time_zone (f->shop, "UTC", &error));
  compute (f, as_of, &o);
  g_assert_cmpint (o.buyers, ==, 1);
  g_assert_cmpint (o.net_sales, ==, 4200);
}

static void
test_repeat_buyer_counts_once (Fixture       *f,
                               gconstpointer  data)
{
  SiyuOverview o;
  gint64 a = contact (f, "13800000001", "2025-06-01 10:00:00", NULL);

  order (f, a, "2026-03-10 10:00:00", "paid", 100, 0, "CNY");
  order (f, a, "2026-03-11 10:00:00", "paid", 200, 0, "CNY");
  order (f, a, "2026-03-11 10:00:00", "partially_refunded", 300, 300, "CNY");

  compute (f, siyu_day_from_ymd (2026, 3, 31), &o);
  g_assert_cmpint (o.buyers, ==, 1);
  g_assert_cmpint (o.orders, ==, 3);
  g_assert_cmpint (o.net_sales, ==, 300);
}

static void
test_empty_shop (Fixture       *f,
                 gconstpointer  data)
{
  SiyuOverview o;

  compute (f, siyu_day_from_ymd (2026, 3, 31), &o);
  g_assert_cmpint (o.contacts + o.contacts_before + o.members + o.members_before, ==, 0);
  g_assert_cmpint (o.buyers + o.buyers_before + o.orders + o.orders_before, ==, 0);
  g_assert_cmpint (o.net_sales + o.net_sales_before, ==, 0);
}

static void
test_before_first_order (Fixture       *f,
                         gconstpointer  data)
{
  SiyuOverview o;
  gint64 a = contact (f, "13800000001", "2025-06-01 10:00:00", "2025-06-01 10:00:00");

  order (f, a, "2025-06-01 10:00:00", "paid", 100, 0, "CNY");

  compute (f, siyu_day_from_ymd (2025, 5, 31), &o);
  g_assert_cmpint (o.contacts, ==, 0);
  g_assert_cmpint (o.members, ==, 0);
  g_assert_cmpint (o.buyers, ==, 0);
  g_assert_cmpint (o.net_sales, ==, 0);

  compute (f, siyu_day_from_ymd (2025, 6, 1), &o);
  g_assert_cmpint (o.contacts, ==, 1);
  g_assert_cmpint (o.contacts_before, ==, 0);
  g_assert_cmpint (o.members, ==, 1);
  g_assert_cmpint (o.buyers, ==, 1);
  g_assert_cmpint (o.net_sales, ==, 100);
}

/* ANALYTICS.md "Freshness": the newest order (of any status) is the last
 * day with data; more than seven days before today, the figures are
 * counted up to it and the review opens on its month. */
static void
test_freshness (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SiyuFreshness fresh;
  SiyuOverview o;
  SiyuDay as_of;
  int year, month;
  gint64 a = contact (f, "13800000001", "2026-08-01 10:00:00", NULL);
  gint64 b = contact (f, "13800000002", "2026-09-01 10:00:00", NULL);

  /* No order: today, not old. */
  g_assert_true (siyu_shop_set_data_end (f->shop, siyu_day_from_ymd (2026, 12, 7), &error));
  g_assert_true (siyu_freshness_get (f->shop, &fresh, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fresh.last_day, ==, SIYU_DAY_INVALID);
  g_assert_false (fresh.stale);
  g_assert_cmpint (fresh.as_of, ==, siyu_day_from_ymd (2026, 12, 7));

  order (f, a, "2026-10-02 10:00:00", "paid", 10000, 0, "CNY");
  order (f, b, "2026-10-20 10:00:00", "paid", 5000, 0, "CNY");
  /* The newest order, cancelled, still dates the data: 23:59 on 10-31 in Shanghai. */
  order (f, b, "2026-10-31 23:59:59", "cancelled", 700, 0, "CNY");

  g_assert_true (siyu_freshness_get (f->shop, &fresh, &error));
  g_assert_cmpint (fresh.today, ==, siyu_day_from_ymd (2026, 12, 7));
  g_assert_cmpint (fresh.last_day, ==, siyu_day_from_ymd (2026, 10, 31));
  g_assert_true (fresh.stale);
  g_assert_cmpint (fresh.as_of, ==, siyu_day_from_ymd (2026, 10, 31));
  g_assert_true (siyu_freshness_as_of (f->shop, &as_of, &error));
  g_assert_no_error (error);
  g_assert_cmpint (as_of, ==, siyu_day_from_ymd (2026, 10, 31));

  /* As of that day, the last 30 days hold both sales, not ¥0. */
  compute (f, fresh.as_of, &o);
  g_assert_cmpint (o.buyers, ==, 2);
  g_assert_cmpint (o.orders, ==, 2);
  g_assert_cmpint (o.net_sales, ==, 15000);
  g_assert_cmpint (o.contacts, ==, 2);
  g_assert_cmpint (o.contacts_before, ==, 2);

  /* The review opens on October, the last month with data. */
  g_assert_true (siyu_review_last_month (f->shop, &year, &month, &error));
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (month, ==, 10);

  /* Seven days is not yet old: 2026-11-07 counts as of today, and the
   * review opens on the last complete month. */
  g_assert_true (siyu_shop_set_data_end (f->shop, siyu_day_from_ymd (2026, 11, 7), &error));
  g_assert_true (siyu_freshness_get (f->shop, &fresh, &error));
  g_assert_false (fresh.stale);
  g_assert_cmpint (fresh.as_of, ==, siyu_day_from_ymd (2026, 11, 7));
  g_assert_true (siyu_review_last_month (f->shop, &year, &month, &error));
  g_assert_cmpint (month, ==, 10);

  /* Eight days is. */
  g_assert_true (siyu_shop_set_data_end (f->shop, siyu_day_from_ymd (2026, 11, 8), &error));
  g_assert_true (siyu_freshness_get (f->shop, &fresh, &error));
  g_assert_true (fresh.stale);
  g_assert_cmpint (fresh.as_of, ==, siyu_day_from_ymd (2026, 10, 31));

  /* Data of mid-November, old by mid-December: the review opens on
   * November, the month that has it, not on the last complete one. */
  order (f, a, "2026-11-15 10:00:00", "paid", 300, 0, "CNY");
  g_assert_true (siyu_shop_set_data_end (f->shop, siyu_day_from_ymd (2027, 1, 3), &error));
  g_assert_true (siyu_review_last_month (f->shop, &year, &month, &error));
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (month, ==, 11);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/siyu/overview/windows", test_windows);
  ADD ("/siyu/overview/time-zone", test_time_zone);
  ADD ("/siyu/overview/repeat-buyer-counts-once", test_repeat_buyer_counts_once);
  ADD ("/siyu/overview/empty-shop", test_empty_shop);
  ADD ("/siyu/overview/before-first-order", test_before_first_order);
  ADD ("/siyu/overview/freshness", test_freshness);

#undef ADD

  return g_test_run ();
}
