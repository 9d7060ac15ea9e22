/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-replenish.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* The restock list and its export on a shop where 21 buyers buy coffee
 * beans twice.  Buyer i (0 to 19) bought 60 − i and 30 − i days before D,
 * so the product's interval is 30 days and buyer i is due on D + i; the
 * last buyer bought 80 and 40 days before D and was due on D − 10.  Buyer 2
 * has no marketing consent, buyer 4 is do-not-contact, buyer 6 is erased.
 * Today is D, 31 March 2026. */

typedef struct {
  char     *dir;
  SiyuShop *shop;
  gint64    ids[21];
} Fixture;

static SiyuDay
as_of (void)
{
  return siyu_day_from_ymd (2026, 3, 31);
}

static void
order (SiyuShop   *shop,
       SiyuIngest *ingest,
       gint64      channel,
       gint64      contact,
       int         days,
       const char *sku)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_strdup_printf ("R%" G_GINT64_FORMAT "-%d-%s", contact, days, sku);
  SiyuOrderItemRecord item = { sku, sku, 1, 8800, 8800 };
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact, .status = "paid",
    .created_at = siyu_shop_day_start (shop, as_of () - days) + 10 * 3600,
    .currency = "CNY", .total_amount = 8800, .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuIngest) ingest = NULL;
  gint64 channel;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, NULL);
  ingest = siyu_ingest_new (f->shop);
  channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  g_assert_no_error (error);

  for (int i = 0; i < 21; i++)
    {
      g_autofree char *name = g_strdup_printf ("买家%02d", i);
      g_autofree char *phone = g_strdup_printf ("1390000%04d", i);
      SiyuContactRecord record = {
        .name = name, .phone = phone, .seen_at = siyu_shop_day_start (f->shop, as_of () - 400),
        .consent = i == 2 ? 0 : 1, .do_not_contact = i == 4 ? 1 : 0,
      };
      int last = i < 20 ? 30 - i : 40;

      f->ids[i] = siyu_ingest_contact (ingest, &record, NULL, &error);
      g_assert_no_error (error);
      order (f->shop, ingest, channel, f->ids[i], last + (i < 20 ? 30 : 40), "BEAN-01");
      order (f->shop, ingest, channel, f->ids[i], last, "BEAN-01");
    }

  g_assert_true (siyu_shop_set_data_end (f->shop, as_of (), &error));
  g_assert_true (siyu_recompute (f->shop, as_of (), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_db_exec (siyu_shop_get_db (f->shop), "UPDATE contacts SET erased_at = 1 WHERE name = '买家06'",
                               &error));
  g_assert_no_error (error);
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  g_clear_object (&f->shop);
  g_clear_pointer (&f->dir, g_free);
}

static gint64
count (Fixture     *f,
       SiyuDueSpan  span,
       gint64      *buyers)
{
  g_autoptr(GError) error = NULL;
  SiyuDay first, last;
  gint64 n;

  siyu_due_span_days (span, siyu_shop_get_today (f->shop), &first, &last);
  n = siyu_replenishments_count (f->shop, first, last, buyers, &error);
  g_assert_no_error (error);

  return n;
}

static void
test_spans (void)
{
  SiyuDay first, last;

  siyu_due_span_days (SIYU_DUE_OVERDUE, as_of (), &first, &last);
  g_assert_cmpint (first, ==, as_of () - 30);
  g_assert_cmpint (last, ==, as_of () - 1);
  siyu_due_span_days (SIYU_DUE_THIS_WEEK, as_of (), &first, &last);
  g_assert_cmpint (first, ==, as_of ());
  g_assert_cmpint (last, ==, as_of () + 6);
  siyu_due_span_days (SIYU_DUE_TWO_WEEKS, as_of (), &first, &last);
  g_assert_cmpint (last, ==, as_of () + 13);
  siyu_due_span_days (SIYU_DUE_30_DAYS, as_of (), &first, &last);
  g_assert_cmpint (first, ==, as_of ());
  g_assert_cmpint (last, ==, as_of () + 29);
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const SiyuDueRow *row;
  gint64 buyers = 0;

  g_assert_cmpint (siyu_shop_get_today (f->shop), ==, as_of ());
  /* Buyer 6, due on D + 6, is erased. */
  g_assert_cmpint (count (f, SIYU_DUE_THIS_WEEK, &buyers), ==, 6);
  g_assert_cmpint (buyers, ==, 6);
  g_assert_cmpint (count (f, SIYU_DUE_OVERDUE, NULL), ==, 1);
  g_assert_cmpint (count (f, SIYU_DUE_TWO_WEEKS, NULL), ==, 13);
  g_assert_cmpint (count (f, SIYU_DUE_30_DAYS, NULL), ==, 19);

  rows = siyu_replenishments_list (f->shop, as_of (), as_of () + 6, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 6);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpint (row->contact_id, ==, f->ids[0]);
  g_assert_cmpstr (row->name, ==, "买家00");
  g_assert_cmpstr (row->phone, ==, "+8613900000000");
  g_assert_cmpstr (row->product, ==, "BEAN-01");
  g_assert_cmpstr (row->sku, ==, "BEAN-01");
  g_assert_cmpint (row->last_purchase, ==, as_of () - 30);
  g_assert_cmpint (row->interval_days, ==, 30);
  g_assert_cmpint (row->due, ==, as_of ());
  g_assert_cmpstr (row->stage, ==, "growing");
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (((SiyuDueRow *) g_ptr_array_index (rows, i))->due, ==, as_of () + (int) i);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Soonest first, a page at a time; the erased buyer is skipped. */
  rows = siyu_replenishments_list (f->shop, as_of (), as_of () + 29, 5, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpint (((SiyuDueRow *) g_ptr_array_index (rows, 0))->contact_id, ==, f->ids[5]);
  g_assert_cmpint (((SiyuDueRow *) g_ptr_array_index (rows, 1))->contact_id, ==, f->ids[7]);
  g_assert_cmpint (((SiyuDueRow *) g_ptr_array_index (rows, 2))->due, ==, as_of () + 8);
  g_clear_pointer (&rows, g_ptr_array_unref);

  rows = siyu_replenishments_list (f->shop, as_of () - 30, as_of () - 1, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpint (row->contact_id, ==, f->ids[20]);
  g_assert_cmpint (row->last_purchase, ==, as_of () - 40);
  g_assert_cmpint (row->interval_days, ==, 30);
  g_assert_cmpint (row->due, ==, as_of () - 10);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "due.csv", NULL);
  g_autofree char *phones = g_build_filename (f->dir, "due.txt", NULL);
  g_autofree char *text = NULL;
  const char * const fields[] = { "id", "name", "phone", NULL };
  SiyuExportOptions options = { SIYU_EXPORT_CSV, fields, FALSE, 0.0, 0, 0, 0 };
  SiyuExportResult result;
  SiyuDb *db = siyu_shop_get_db (f->shop);

  g_assert_true (siyu_replenishments_export (f->shop, as_of (), as_of () + 6, path, &options, &result, &error));
  g_assert_no_error (error);
  /* Six due buyers; no consent (2) and do-not-contact (4) left out. */
  g_assert_cmpint (result.matched, ==, 6);
  g_assert_cmpint (result.excluded, ==, 2);
  g_assert_cmpint (result.exported, ==, 4);
  g_assert_cmpint (result.held_out, ==, 0);
  text = siyu_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "\xef\xbb\xbfID,Name,Phone\r\n"
                   "1,买家00,13900000000\r\n"
                   "2,买家01,13900000001\r\n"
                   "4,买家03,13900000003\r\n"
                   "6,买家05,13900000005\r\n");
  g_clear_pointer (&text, g_free);

  /* The touch, its members and the audit line are recorded; the segment
   * made for the export is gone. */
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM touches WHERE segment_id IS NULL AND format = 'csv' "
                                          "AND name = 'Due to restock 2026-03-31 – 2026-04-06'", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM touch_members", NULL), ==, 4);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM audit_log WHERE action = 'export'", NULL), ==, 1);
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM segments WHERE builtin = 0", NULL), ==, 0);

  options.format = SIYU_EXPORT_PHONES;
  options.fields = NULL;
  g_assert_true (siyu_replenishments_export (f->shop, as_of () - 30, as_of () - 1, phones, &options, &result,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.exported, ==, 1);
  text = siyu_test_read_file (phones, NULL);
  g_assert_cmpstr (text, ==, "13900000020\r\n");
  g_assert_cmpint (siyu_db_query_int (db, "SELECT count (*) FROM touches", NULL), ==, 2);
}

/* Replenishments computed but not stored get their buyer's and product's
 * names, in order; one whose contact or product is gone is left out. */
static void
test_describe (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = siyu_replenishments_list (f->shop, as_of (), as_of (), 0, 1, &error);
  g_autoptr(GPtrArray) rows = NULL;
  gint64 product;
  const SiyuDueRow *row;

  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  product = ((SiyuDueRow *) g_ptr_array_index (listed, 0))->product_id;

  {
    const SiyuReplenishment due[] = {
      { f->ids[3], product, as_of () - 27, 30, as_of () + 3 },
      { 9999, product, as_of () - 1, 30, as_of () + 29 },
      { f->ids[1], product + 100, as_of () - 29, 30, as_of () + 1 },
      { f->ids[0], product, as_of () - 30, 30, as_of () },
    };

    rows = siyu_replenishments_describe (f->shop, due, G_N_ELEMENTS (due), &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);

  row = g_ptr_array_index (rows, 0);
  g_assert_cmpint (row->contact_id, ==, f->ids[3]);
  g_assert_cmpstr (row->name, ==, "买家03");
  g_assert_cmpstr (row->phone, ==, "+8613900000003");
  g_assert_cmpint (row->product_id, ==, product);
  g_assert_cmpstr (row->product, ==, "BEAN-01");
  g_assert_cmpstr (row->sku, ==, "BEAN-01");
  g_assert_cmpint (row->last_purchase, ==, as_of () - 27);
  g_assert_cmpint (row->interval_days, ==, 30);
  g_assert_cmpint (row->due, ==, as_of () + 3);
  g_assert_null (row->stage);

  row = g_ptr_array_index (rows, 1);
  g_assert_cmpint (row->contact_id, ==, f->ids[0]);
  g_assert_cmpstr (row->name, ==, "买家00");
  g_assert_cmpint (row->due, ==, as_of ());
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/replenish/spans", test_spans);
  g_test_add ("/siyu/replenish/list", Fixture, NULL, set_up, test_list, tear_down);
  g_test_add ("/siyu/replenish/export", Fixture, NULL, set_up, test_export, tear_down);
  g_test_add ("/siyu/replenish/describe", Fixture, NULL, set_up, test_describe, tear_down);

  return g_test_run ();
}
