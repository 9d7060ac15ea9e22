/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "siyu-backup.h"
#include "siyu-contacts.h"
#include "siyu-emulator.h"
#include "siyu-sync-private.h"
#include "siyu-test-keyring.h"
#include "siyu-test-util.h"

/* The sync engine against the emulators of tests/siyu-emulator.c. */

#define SHOPIFY_TOKEN SIYU_EMULATOR_SHOPIFY_TOKEN
#define WOO_KEY SIYU_EMULATOR_WOO_KEY
#define WOO_SECRET SIYU_EMULATOR_WOO_SECRET
#define YZ_CLIENT SIYU_EMULATOR_YZ_CLIENT
#define YZ_SECRET SIYU_EMULATOR_YZ_SECRET

/* Fixtures of the tests */

typedef struct {
  char     *dir;
  char     *path;
  SiyuShop *shop;
  SiyuEmulator *emulator;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, "shop.siyu");
  f->path = g_strdup (siyu_shop_get_path (f->shop));
  f->emulator = siyu_emulator_start (FALSE);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  siyu_emulator_stop (f->emulator);
  g_clear_object (&f->shop);
  g_free (f->path);
  g_free (f->dir);
}

static SiyuSyncOptions
test_options (Fixture *f)
{
  SiyuSyncOptions options = { 0, };

  options.base_url = f->emulator->url;
  options.delay_scale = 0.001;
  options.max_attempts = 3;
  options.timeout_seconds = 5;
  options.page_size = 2;
  return options;
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = siyu_db_query_int (siyu_shop_get_db (f->shop), sql, &error);

  g_assert_no_error (error);
  return value;
}

static char *
query_text (Fixture    *f,
            const char *sql)
{
  SiyuDb *db = siyu_shop_get_db (f->shop);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, &error);
  char *text = NULL;

  g_assert_no_error (error);
  if (siyu_db_step (db, stmt, &error) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_assert_no_error (error);
  return text;
}

/* Everything sync writes, apart from times of the run itself. */
static char *
checksum (Fixture *f)
{
  return query_text (f,
    "SELECT (SELECT group_concat (x, '|') FROM (SELECT id || ',' || coalesce (name, '') || ',' || coalesce (phone, '') || ',' || "
    "  coalesce (email, '') || ',' || coalesce (city, '') || ',' || first_seen_at || ',' || coalesce (updated_at, '') AS x "
    "  FROM contacts ORDER BY id)) || '#' || "
    "(SELECT group_concat (x, '|') FROM (SELECT kind || '=' || value || '>' || contact_id AS x FROM contact_identities "
    "  ORDER BY kind, value)) || '#' || "
    "(SELECT group_concat (x, '|') FROM (SELECT id || ',' || external_ref || ',' || status || ',' || total_amount || ',' || "
    "  refunded_amount || ',' || coalesce (contact_id, 0) || ',' || created_at || ',' || updated_at AS x FROM orders ORDER BY id)) || '#' || "
    "(SELECT group_concat (x, '|') FROM (SELECT id || ',' || quantity || ',' || line_total AS x FROM order_items ORDER BY id)) || '#' || "
    "(SELECT coalesce (group_concat (x, '|'), '') FROM (SELECT id || ',' || amount AS x FROM refunds ORDER BY id)) || '#' || "
    "(SELECT coalesce (group_concat (x, '|'), '') FROM (SELECT resource || '=' || cursor AS x FROM sync_cursors ORDER BY resource))");
}

/* The checksum without the times rows were written at. */
static char *
content_checksum (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (siyu_db_exec (siyu_shop_get_db (f->shop), "UPDATE contacts SET updated_at = 0; "
                               "UPDATE orders SET updated_at = 0", &error));
  g_assert_no_error (error);
  return checksum (f);
}

static void
add_account (Fixture    *f,
             const char *platform,
             const char *name,
             const char *url)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (siyu_sync_account_add (f->shop, platform, name, url, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_shopify (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (counts.customers.records, ==, 2);
  g_assert_cmpuint (counts.customers.pages, ==, 1);
  g_assert_cmpuint (counts.orders.records, ==, 4);
  g_assert_cmpuint (counts.orders.pages, ==, 2);
  g_assert_cmpuint (counts.orders.created, ==, 4);
  g_assert_cmpuint (counts.refunds_created, ==, 1);
  g_assert_cmpuint (counts.contacts_created, ==, 3);
  g_assert_cmpuint (counts.rejected, ==, 0);
  /* The emulator says the bucket is full every time: one pause per call after the first. */
  g_assert_cmpuint (counts.rate_limit_waits, ==, 4);

  /* Totals, refunds, discounts, shipping and tax in shop money (#1045 was
   * presented in dollars); the guest without e-mail or phone is anonymous. */
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || refunded_amount "
                        "  || ' ' || discount_amount || ' ' || shipping_amount || ' ' || tax_amount || ' ' || created_at "
                        "  || ' ' || currency || ' ' || coalesce (contact_id, '-'), '; ') "
                        "FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "#1042 partially_refunded 38800 18900 2000 1000 0 1709864122 CNY 1; "
                             "#1043 paid 5990 0 0 0 0 1710037800 CNY -; "
                             "#1044 cancelled 50 0 0 0 0 1710158400 CNY 1; "
                             "#1045 paid 12000 0 0 1200 800 1710210000 CNY 3");
  g_clear_pointer (&rows, g_free);
  /* Line totals net of their discount allocations. */
  rows = query_text (f, "SELECT group_concat (sku || ' ' || quantity || ' ' || unit_price || ' ' || line_total, '; ') "
                        "FROM (SELECT * FROM order_items ORDER BY id)");
  g_assert_cmpstr (rows, ==, "TEA-OOLONG-250 2 19900 37800; CUP-01 1 5990 5990; SAMPLE 1 50 50; TEA-JASMINE-100 1 10000 10000");
  g_clear_pointer (&rows, g_free);
  /* A guest from the United States, known by a phone without its country code. */
  rows = query_text (f, "SELECT name || ' ' || phone || ' ' || city || ' ' || coalesce (email, '-') FROM contacts WHERE id = 3");
  g_assert_cmpstr (rows, ==, "Emily Chen +14155550132 San Francisco -");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (kind || '=' || value, ' ') FROM (SELECT * FROM contact_identities "
                        "WHERE contact_id = (SELECT contact_id FROM contact_identities WHERE kind = 'shopify' "
                        "AND value = '6123456789012') ORDER BY kind)");
  g_assert_cmpstr (rows, ==, "email=li.na@example.com phone=+8613800138000 shopify=6123456789012");
  g_assert_cmpint (query_int (f, "SELECT marketing_consent FROM contacts WHERE email = 'li.na@example.com'"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT amount FROM refunds WHERE external_ref = '900000000001'"), ==, 18900);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710210000);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'customers'"),
                   ==, 1710205267);

  /* Again, and then in full: nothing changes. */
  before = checksum (f);
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_cmpuint (counts.orders.created + counts.orders.updated, ==, 0);
  g_assert_cmpuint (counts.orders.unchanged, ==, 4);
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created + counts.orders.updated + counts.contacts_created + counts.refunds_created, ==, 0);
  after = checksum (f);
  g_assert_cmpstr (before, ==, after);

  /* A backup before each of the three syncs, the first of the empty shop. */
  {
    g_autoptr(GPtrArray) backups = siyu_backup_list (f->shop, &error);
    g_autoptr(SiyuShop) first = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (backups->len, ==, 3);
    for (guint i = 0; i < backups->len; i++)
      g_assert_cmpstr (((SiyuBackup *) backups->pdata[i])->cause, ==, "sync");
    first = siyu_shop_open_read_only (((SiyuBackup *) backups->pdata[2])->path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (siyu_db_query_int (siyu_shop_get_db (first), "SELECT count (*) FROM orders", NULL), ==, 0);
  }
}

static void
test_woocommerce (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.pages, ==, 2);
  g_assert_cmpuint (counts.orders.created, ==, 3);
  g_assert_cmpuint (counts.customers.records, ==, 2);
  g_assert_cmpuint (counts.rate_limit_waits, ==, 0);
  g_assert_cmpuint (counts.rejected, ==, 0);
  g_assert_cmpuint (counts.possible_duplicates, ==, 1);

  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || refunded_amount "
                        "  || ' ' || discount_amount || ' ' || shipping_amount || ' ' || tax_amount || ' ' || created_at "
                        "  || ' ' || coalesce (contact_id, 0), '; ') "
                        "FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "1187 partially_refunded 38800 18900 2000 1000 0 1709864122 1; "
                             "1188 paid 3503 0 0 800 153 1709953200 3; "
                             "1189 unpaid 19900 0 0 0 0 1710219600 1");
  g_clear_pointer (&rows, g_free);
  /* Names with their HTML entities decoded. */
  rows = query_text (f, "SELECT group_concat (coalesce (sku, '-') || ' ' || name || ' ' || quantity || ' ' || unit_price || ' ' || "
                        "line_total, '; ') FROM (SELECT * FROM order_items ORDER BY id)");
  g_assert_cmpstr (rows, ==, "TEA-OOLONG-250 Oolong tea 250g 2 18900 37800; - Jasmine sachet × 3 – travel pack 3 850 2550; "
                             "TEA-OOLONG-250 Oolong tea 250g 1 19900 19900");
  g_clear_pointer (&rows, g_free);
  /* The docs' refund calls its reason "refund". */
  rows = query_text (f, "SELECT external_ref || ' ' || amount || ' ' || reason FROM refunds");
  g_assert_cmpstr (rows, ==, "1201 18900 one tin damaged");
  g_clear_pointer (&rows, g_free);
  /* Customer 43 writes Li Na's phone: two customer ids on one phone stay two
   * contacts, the phone shown on both, and the pair waits for the owner. */
  rows = query_text (f, "SELECT group_concat (id || ' ' || name || ' ' || phone || ' ' || coalesce (email, '-') || ' ' || "
                        "coalesce (city, '-'), '; ') FROM (SELECT * FROM contacts ORDER BY id)");
  g_assert_cmpstr (rows, ==, "1 Na Li +8613800138000 li.na@example.com Hangzhou; "
                             "2 Fang Wang +8613800138000 wang.fang@example.com Su’zhou; "
                             "3 Emily Chen +14155550133 - San Francisco");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (kind || '=' || value, ' ') FROM (SELECT * FROM contact_identities "
                        "WHERE contact_id = 2 ORDER BY kind)");
  g_assert_cmpstr (rows, ==, "email=wang.fang@example.com woocommerce=43");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT contact_id || ' ' || other_id || ' ' || reason || ' ' || coalesce (dismissed_at, '-') "
                        "FROM possible_duplicates");
  g_assert_cmpstr (rows, ==, "1 2 phone -");
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710219600);

  before = checksum (f);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  after = checksum (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_youzan (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, YZ_CLIENT, YZ_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SiyuSyncCounts counts;

  add_account (f, "youzan", "yz", "44556677");
  g_assert_true (siyu_sync_run (f->shop, "yz", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 2);
  g_assert_cmpuint (counts.customers.records, ==, 1);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || refunded_amount "
                        "  || ' ' || created_at, '; ') FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "E20240308101522047600012 paid 37800 0 1709864122; "
                             "E20240309120000047600013 refunded 8800 8800 1709956800");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT name || ' ' || phone || ' ' || member_since FROM contacts WHERE phone = '+8613800138000'");
  g_assert_cmpstr (rows, ==, "李娜 +8613800138000 1698843600");

  /* The token runs out: one new token, and the sync goes on. */
  siyu_emulator_set (f->emulator, &f->emulator->expire_token, TRUE);
  before = checksum (f);
  g_assert_true (siyu_sync_run (f->shop, "yz", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  after = checksum (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_rate_limit (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  options.max_attempts = 4;
  siyu_emulator_set (f->emulator, &f->emulator->n_429, 2);
  siyu_emulator_set (f->emulator, &f->emulator->n_500, 1);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.rate_limit_waits, ==, 2);
  g_assert_cmpuint (counts.retries, ==, 1);
  g_assert_cmpuint (counts.orders.created, ==, 3);
}

static void
test_server_error (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  siyu_emulator_set (f->emulator, &f->emulator->always_500, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_HTTP);
  g_assert_cmpstr (error->message, ==, "Shopify account “tea”, /admin/api/2024-01/customers/count.json: "
                                       "HTTP 500 after 3 tries: Internal Server Error");
  g_assert_cmpuint (counts.retries, ==, 2);
  g_assert_null (strstr (error->message, SHOPIFY_TOKEN));
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_accounts WHERE last_result LIKE '%HTTP 500%'"), ==, 1);
}

static void
test_malformed (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  siyu_emulator_set (f->emulator, &f->emulator->malformed, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "not JSON"));
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);
}

/* A page nested 200,000 levels deep is refused before json-glib, whose
 * recursion it would overflow: a clear error naming the URL, asked once,
 * and nothing stored. */
static void
test_deep_json (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  siyu_emulator_set (f->emulator, &f->emulator->deep, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED);
  expected = g_strdup_printf ("Shopify account “tea”, /admin/api/2024-01/customers.json: the answer of "
                              "%s/admin/api/2024-01/customers.json is nested more than 64 levels deep; Siyu does "
                              "not read it.", f->emulator->url);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (counts.retries, ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors"), ==, 0);
}

static void
test_hang (Fixture      *f,
           gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;
  gint64 start = g_get_monotonic_time ();

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  options.timeout_seconds = 1;
  siyu_emulator_set (f->emulator, &f->emulator->hang, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "WooCommerce account “wp”, /wp-json/wc/v3/customers: no answer within 1 seconds.");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
cancel_after_page_cb (const SiyuSyncProgress *progress,
                      gpointer                user_data)
{
  if (g_str_equal (progress->resource, "orders") && progress->pages == 1)
    g_cancellable_cancel (user_data);
}

static void
test_resume (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, cancel_after_page_cb, cancellable,
                                 cancellable, &counts, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  /* The first page is stored whole; the orders' cursor has not moved. */
  g_assert_cmpuint (counts.orders.pages, ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors WHERE resource = 'orders'"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors WHERE resource = 'customers'"), ==, 1);

  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 2);
  g_assert_cmpuint (counts.orders.unchanged, ==, 2);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 4);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710210000);
}

static gboolean
contains (const char *bytes,
          gsize       length,
          const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (bytes + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_credentials_kept_out (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) wrong = siyu_sync_credentials_new (NULL, "ck_wrong_KEY_999", "cs_wrong_SECRET_999");
  g_autoptr(SiyuSyncCredentials) right = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  g_autoptr(SiyuSyncCredentials) youzan = siyu_sync_credentials_new (NULL, YZ_CLIENT, "wrong-secret-777");
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize length;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  add_account (f, "youzan", "yz", "44556677");
  g_assert_false (siyu_sync_run (f->shop, "wp", wrong, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_AUTH);
  g_assert_cmpstr (error->message, ==, "WooCommerce account “wp”, /wp-json/wc/v3/customers: HTTP 401: "
                                       "Consumer key is invalid. (woocommerce_rest_authentication_error)");
  g_assert_null (strstr (error->message, "ck_wrong"));
  g_clear_error (&error);
  g_assert_false (siyu_sync_run (f->shop, "yz", youzan, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_AUTH);
  g_assert_null (strstr (error->message, "wrong-secret"));
  g_clear_error (&error);
  g_assert_true (siyu_sync_run (f->shop, "wp", right, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);

  /* Plain http is refused outside the test allowance. */
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "0", TRUE);
  g_assert_false (siyu_sync_run (f->shop, "wp", right, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE);
  g_clear_error (&error);
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);
  g_assert_false (siyu_sync_url_is_allowed ("http://shop.example.com", NULL));

  /* The tests' base URL cannot send credentials to another host. */
  g_setenv (SIYU_SYNC_ENV_BASE_URL, "https://elsewhere.invalid", TRUE);
  options.base_url = NULL;
  options.max_attempts = 1;
  g_assert_false (siyu_sync_run (f->shop, "wp", right, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_nonnull (strstr (error->message, "tea.example.com"));
  g_assert_null (strstr (error->message, "elsewhere"));
  g_clear_error (&error);
  g_unsetenv (SIYU_SYNC_ENV_BASE_URL);
  g_assert_true (siyu_sync_url_is_allowed ("https://shop.example.com", NULL));

  g_clear_object (&f->shop);
  g_assert_true (g_file_get_contents (f->path, &bytes, &length, NULL));
  for (const char *needle = WOO_KEY; needle != NULL; needle = g_str_equal (needle, WOO_KEY) ? WOO_SECRET : NULL)
    g_assert_false (contains (bytes, length, needle));
  g_assert_false (contains (bytes, length, "wrong-secret"));
  g_assert_false (contains (bytes, length, YZ_CLIENT));
  g_assert_false (contains (bytes, length, "yz-token"));
}

/* A Youzan trade partly refunded: its refunds come from its detail, and
 * only those that went through count. */
static void
test_youzan_partial_refund (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, YZ_CLIENT, YZ_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;

  add_account (f, "youzan", "yz", "44556677");
  siyu_emulator_set (f->emulator, &f->emulator->partial_refund, TRUE);
  g_assert_true (siyu_sync_run (f->shop, "yz", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.refunds_created, ==, 1);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || "
                        "refunded_amount, '; ') FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "E20240308101522047600012 partially_refunded 37800 18900; "
                             "E20240309120000047600013 refunded 8800 8800");
  g_clear_pointer (&rows, g_free);
  /* 2024-03-12 09:00:00 in Beijing. */
  rows = query_text (f, "SELECT external_ref || ' ' || amount || ' ' || created_at FROM refunds");
  g_assert_cmpstr (rows, ==, "201903081234567 18900 1710205200");
}

/* Gateways in front of a shop answer 502 and 503, in HTML. */
static void
test_gateway (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  options.max_attempts = 4;
  siyu_emulator_set (f->emulator, &f->emulator->fail_status, 502);
  siyu_emulator_set (f->emulator, &f->emulator->n_500, 2);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.retries, ==, 2);
  g_assert_cmpuint (counts.orders.created, ==, 3);

  siyu_emulator_set (f->emulator, &f->emulator->fail_status, 503);
  siyu_emulator_set (f->emulator, &f->emulator->always_500, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "wp", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_HTTP);
  g_assert_cmpstr (error->message, ==, "WooCommerce account “wp”, /wp-json/wc/v3/customers: HTTP 503 after 4 tries.");
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 3);
}

/* A cache hands out the first page again in place of the second: the
 * walk stops before its cursor moves, and the next sync reads the rest. */
static void
test_duplicate_page (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *after = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  whole = content_checksum (f);
  g_assert_true (siyu_db_exec (siyu_shop_get_db (f->shop), "DELETE FROM order_items; DELETE FROM refunds; "
                               "DELETE FROM orders; DELETE FROM sync_cursors WHERE resource = 'orders'", &error));
  g_assert_no_error (error);

  siyu_emulator_set (f->emulator, &f->emulator->duplicate_page, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED);
  g_assert_cmpstr (error->message, ==, "Shopify account “tea”: orders record 5012345678901: the platform sent it twice "
                                       "in one walk: a page was repeated, and another may have been left out. The pages "
                                       "before were stored; the next sync reads the rest again.");
  g_clear_error (&error);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors WHERE resource = 'orders'"), ==, 0);

  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 2);
  after = content_checksum (f);
  g_assert_cmpstr (after, ==, whole);
}

/* An order is refunded while the walk is on its second page: it moves to
 * the end of the list by modification time, and no order is skipped. */
static void
test_changed_between_pages (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  siyu_emulator_set (f->emulator, &f->emulator->change_between, TRUE);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 3);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || refunded_amount, '; ') "
                        "FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "1187 refunded 38800; 1188 paid 0; 1189 unpaid 0");
  /* 2024-03-12T23:59:00Z, the refund's time. */
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710287940);
}

/* A record of the wrong shape is kept among the rejects, as the platform
 * sent it and with why; the rest of its page is stored and the cursor
 * moves.  A retry that finds it no better keeps it. */
static void
test_wrong_shape (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejects = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  SiyuSyncReject *reject;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  siyu_emulator_set (f->emulator, &f->emulator->wrong_shape, TRUE);
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.rejected, ==, 1);
  g_assert_cmpuint (counts.orders.records, ==, 4);
  g_assert_cmpuint (counts.orders.created, ==, 3);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders WHERE external_ref = '#1043'"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 3);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710210000);

  g_assert_true (siyu_db_exec (siyu_shop_get_db (f->shop), "UPDATE sync_rejects SET updated_at = 0", &error));
  rejects = siyu_sync_rejects_read (f->shop, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejects->len, ==, 1);
  reject = g_ptr_array_index (rejects, 0);
  g_assert_cmpstr (reject->account, ==, "tea");
  g_assert_cmpstr (reject->platform, ==, "shopify");
  g_assert_cmpstr (reject->resource, ==, "orders");
  g_assert_cmpstr (reject->platform_id, ==, "5012345678902");
  g_assert_cmpstr (reject->reason, ==, "“total_price” is not an amount of money.");
  g_assert_cmpint (reject->order_id, ==, 0);
  raw = query_text (f, "SELECT raw FROM sync_rejects");
  g_assert_true (g_str_has_prefix (raw, "{\"id\":5012345678902,"));
  g_assert_nonnull (strstr (raw, "\"name\":\"#1043\""));
  json = siyu_sync_rejects_to_json (rejects);
  text = json_to_string (json, FALSE);
  g_assert_cmpstr (text, ==, "[{\"account\":\"tea\",\"platform\":\"shopify\",\"resource\":\"orders\","
                             "\"platform_id\":\"5012345678902\",\"reason\":\"“total_price” is not an amount of money.\","
                             "\"order_id\":null,\"updated_at\":0}]");

  /* Nothing about it changed: a retry keeps it. */
  g_assert_true (siyu_sync_rejects_retry (f->shop, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.rejected, ==, 1);
  g_assert_cmpuint (counts.orders.created, ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_rejects"), ==, 1);

  /* The platform sends it right: the next sync stores it and forgets the reject. */
  siyu_emulator_set (f->emulator, &f->emulator->wrong_shape, FALSE);
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.rejected, ==, 0);
  g_assert_cmpuint (counts.orders.created, ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_rejects"), ==, 0);
}

/* A guest known only by "6123 4567" in a shop whose phone region is the
 * mainland: the number cannot be read, so the order is kept anonymous and
 * the record waits among the rejects.  The owner makes the region Hong
 * Kong and retries: the guest becomes a contact with the order. */
static void
test_retry_region (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejects = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  SiyuSyncReject *reject;
  SiyuSyncCounts counts;
  gint64 order_id;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  siyu_emulator_set (f->emulator, &f->emulator->odd_guest, TRUE);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 4);
  g_assert_cmpuint (counts.rejected, ==, 1);
  order_id = query_int (f, "SELECT id FROM orders WHERE external_ref = '1190' AND contact_id IS NULL");
  g_assert_cmpint (order_id, >, 0);
  rejects = siyu_sync_rejects_read (f->shop, "wp", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejects->len, ==, 1);
  reject = g_ptr_array_index (rejects, 0);
  g_assert_cmpstr (reject->platform_id, ==, "1190");
  g_assert_cmpstr (reject->reason, ==, "The phone number “6123 4567” cannot be read, and the customer has no e-mail, "
                                       "WeChat id or platform id to be told apart by.");
  g_assert_cmpint (reject->order_id, ==, order_id);

  /* siyu-cli lists it. */
  g_clear_object (&f->shop);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "rejects", "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "wp  orders 1190  The phone number “6123 4567” cannot be read, and the customer has no "
                            "e-mail, WeChat id or platform id to be told apart by. (its order is kept, anonymous)\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Hong Kong: siyu-cli sync rejects retry stores it. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "settings", "--db", f->path, "--phone-region", "HK", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "rejects", "retry", "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Tried 1 record again: 1 stored.\n");
  f->shop = siyu_shop_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_rejects"), ==, 0);
  rows = query_text (f, "SELECT c.name || ' ' || c.phone || ' ' || o.external_ref FROM orders o "
                        "JOIN contacts c ON c.id = o.contact_id WHERE o.id = 4");
  g_assert_cmpstr (rows, ==, "Ka Yan Wong +85261234567 1190");
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 4);
}

/* A shop under Youzan's data-security rules gets buyers' phones and
 * receivers' names and addresses encrypted: they are kept as they came,
 * never read as a name, a phone or an identity. */
static void
test_youzan_encrypted (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, YZ_CLIENT, YZ_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;

  add_account (f, "youzan", "yz", "44556677");
  siyu_emulator_set (f->emulator, &f->emulator->encrypted, TRUE);
  g_assert_true (siyu_sync_run (f->shop, "yz", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 2);
  g_assert_cmpuint (counts.rejected, ==, 0);
  g_assert_cmpuint (counts.encrypted, ==, 4);
  rows = query_text (f, "SELECT group_concat (coalesce (name, '-') || ' ' || coalesce (phone, '-'), '; ') "
                        "FROM (SELECT * FROM contacts ORDER BY id)");
  g_assert_cmpstr (rows, ==, "李娜 -; - -");
  g_clear_pointer (&rows, g_free);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contact_identities WHERE kind != 'youzan'"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts WHERE instr (coalesce (name, '') || "
                                 "coalesce (phone, '') || coalesce (city, ''), '$') > 0"), ==, 0);
  rows = query_text (f, "SELECT group_concat (resource || ' ' || platform_id || ' ' || field || ' ' || "
                        "(ciphertext GLOB '$*$1$') || ' ' || coalesce (contact_id, '-') || ' ' || coalesce (order_id, '-'), '; ') "
                        "FROM (SELECT * FROM sync_encrypted ORDER BY id)");
  g_assert_cmpstr (rows, ==, "customers Zx3k9QmP1a mobile 1 1 -; "
                             "orders E20240308101522047600012 buyer_phone 1 1 1; "
                             "orders E20240308101522047600012 receiver_tel 1 1 1; "
                             "orders E20240308101522047600012 receiver_name 1 1 1");
  g_clear_pointer (&rows, g_free);
  /* The trade's money: 398.00 of goods, 20.00 off, nothing for postage. */
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || total_amount || ' ' || discount_amount || ' ' || "
                        "shipping_amount, '; ') FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "E20240308101522047600012 37800 2000 0; E20240309120000047600013 8800 0 0");

  /* Erasing the buyer erases what came encrypted about her too. */
  g_assert_true (siyu_contact_erase (f->shop, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_encrypted"), ==, 0);
}

/* One answer read without network, as a retry and the fuzz harnesses read
 * it: a Youzan trade partly refunded needs its detail from Youzan, so it
 * waits among the rejects (the answer used to reach for credentials that
 * a retry does not have). */
static void
test_offline_answer (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "seeds", "sync-youzan", "trades-encrypted", NULL);
  g_autofree char *answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejects = NULL;
  SiyuSyncCounts counts;
  gsize length;

  add_account (f, "youzan", "yz", "44556677");
  g_assert_true (g_file_get_contents (path, &answer, &length, NULL));
  g_assert_true (_siyu_sync_store_answer (f->shop, "yz", "orders", answer, length, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.records, ==, 1);
  g_assert_cmpuint (counts.rejected, ==, 1);
  rejects = siyu_sync_rejects_read (f->shop, "yz", &error);
  g_assert_cmpuint (rejects->len, ==, 1);
  g_assert_cmpstr (((SiyuSyncReject *) g_ptr_array_index (rejects, 0))->reason, ==,
                   "this record needs the platform’s answer: the next sync stores it.");
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);

  /* An answer of the wrong shape is refused whole, and stores nothing. */
  g_assert_false (_siyu_sync_store_answer (f->shop, "yz", "customers", "[1,2]", 5, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED);
  g_assert_cmpstr (error->message, ==, "Youzan account “yz”, /customers: the answer is not an object.");
}

/* "refunded" means refunded in full: a Shopify order its platform still
 * calls partially refunded, whose refunds paid back its whole total, is
 * refunded; one called refunded is refunded in full whatever its
 * transactions add up to. */
static void
test_refunded_in_full (Fixture      *f,
                       gconstpointer data)
{
  static const char answer[] =
    "{\"orders\":["
    "{\"id\":1,\"name\":\"#1\",\"created_at\":\"2024-03-01T10:00:00Z\",\"currency\":\"CNY\",\"total_price\":\"50.00\","
    " \"financial_status\":\"partially_refunded\",\"customer\":null,\"email\":\"\",\"line_items\":[],"
    " \"refunds\":[{\"id\":11,\"created_at\":\"2024-03-02T10:00:00Z\",\"transactions\":["
    "   {\"kind\":\"refund\",\"status\":\"success\",\"amount\":\"20.00\",\"currency\":\"CNY\"},"
    "   {\"kind\":\"refund\",\"status\":\"success\",\"amount\":\"30.00\",\"currency\":\"CNY\"}]}]},"
    "{\"id\":2,\"name\":\"#2\",\"created_at\":\"2024-03-01T11:00:00Z\",\"currency\":\"CNY\",\"total_price\":\"80.00\","
    " \"financial_status\":\"refunded\",\"customer\":null,\"email\":\"\",\"line_items\":[],"
    " \"refunds\":[{\"id\":21,\"created_at\":\"2024-03-02T11:00:00Z\",\"transactions\":["
    "   {\"kind\":\"refund\",\"status\":\"success\",\"amount\":\"10.00\",\"currency\":\"CNY\"}]}]},"
    "{\"id\":3,\"name\":\"#3\",\"created_at\":\"2024-03-01T12:00:00Z\",\"currency\":\"CNY\",\"total_price\":\"90.00\","
    " \"financial_status\":\"partially_refunded\",\"customer\":null,\"email\":\"\",\"line_items\":[],"
    " \"refunds\":[{\"id\":31,\"created_at\":\"2024-03-02T12:00:00Z\",\"transactions\":["
    "   {\"kind\":\"refund\",\"status\":\"success\",\"amount\":\"15.00\",\"currency\":\"CNY\"}]}]}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_true (_siyu_sync_store_answer (f->shop, "tea", "orders", answer, strlen (answer), &counts, &error));
  g_assert_no_error (error);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || "
                        "refunded_amount, '; ') FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "#1 refunded 5000 5000; #2 refunded 8000 8000; #3 partially_refunded 9000 1500");
}

/* A platform's arrays may hold anything: what is not an object in a list
 * of line items, discount allocations, refunds or transactions is passed
 * over (fuzz-sync-shopify found a discount allocation that was a number). */
static void
test_elements_not_objects (Fixture      *f,
                           gconstpointer data)
{
  static const char answer[] =
    "{\"orders\":[{\"id\":1,\"name\":\"#1\",\"created_at\":\"2024-03-01T10:00:00Z\",\"currency\":\"CNY\","
    " \"total_price\":\"50.00\",\"financial_status\":\"partially_refunded\",\"customer\":null,\"email\":\"\","
    " \"line_items\":[7,{\"id\":5,\"sku\":\"TEA\",\"title\":\"Tea\",\"quantity\":1,\"price\":\"50.00\","
    "   \"discount_allocations\":[1,\"x\",null,[],{\"amount\":\"2.00\"}]}],"
    " \"refunds\":[\"r\",{\"id\":11,\"created_at\":\"2024-03-02T10:00:00Z\",\"transactions\":[3,"
    "   {\"kind\":\"refund\",\"status\":\"success\",\"amount\":\"5.00\",\"currency\":\"CNY\"}]}]}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_true (_siyu_sync_store_answer (f->shop, "tea", "orders", answer, strlen (answer), &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.rejected, ==, 0);
  rows = query_text (f, "SELECT group_concat (o.external_ref || ' ' || o.status || ' ' || o.total_amount || ' ' || "
                        "o.refunded_amount || ' ' || i.sku || ' ' || i.line_total, '; ') "
                        "FROM orders o JOIN order_items i ON i.order_id = o.id");
  g_assert_cmpstr (rows, ==, "#1 partially_refunded 5000 500 TEA 4800");
}

/* The ciphertext rule of Youzan's SDK, and HTML entities as WooCommerce
 * writes them. */
static void
test_text_rules (void)
{
  static const struct { const char *text; gboolean cipher; } ciphers[] = {
    { "$QUJD$1$", TRUE }, { "$QUJDRA==$12$", TRUE }, { "$q44MDhecUvkOGZ7gxnO4tQ==$1$", TRUE },
    { "13800138000", FALSE }, { "$187$q44MDhecUvkOGZ7gxnO4tQ==$1$", FALSE }, { "QUJD$1$", FALSE },
    { "$QUJD$v1$", FALSE }, { "", FALSE }, { "$$$", FALSE }, { "$QUJD$1", FALSE }, { "$QUJ$1$", FALSE },
    { "$QUJD$0$", FALSE }, { "~h58YHJekFtDy4sor38uzHQ==~1~", FALSE }, { "$QUJD$1$x", FALSE },
  };
  static const struct { const char *in, *out; } html[] = {
    { "Ship Your Idea &ndash; Color: Black, Size: M Test", "Ship Your Idea – Color: Black, Size: M Test" },
    { "Woo Album #2 &times; 1", "Woo Album #2 × 1" }, { "Su&#8217;zhou", "Su’zhou" }, { "&#x4E2D;&#X6587;", "中文" },
    { "Tom &amp; Jerry", "Tom & Jerry" }, { "a & b", "a & b" }, { "&unknown;", "&unknown;" }, { "&#0;", "&#0;" },
    { "&#1114112;", "&#1114112;" }, { "&#xD800;", "&#xD800;" }, { "&#27;", "&#27;" }, { "&lt;b&gt;", "<b>" },
    { "no entity", "no entity" }, { "&", "&" }, { "&;", "&;" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ciphers); i++)
    g_assert_cmpint (_siyu_sync_is_youzan_ciphertext (ciphers[i].text), ==, ciphers[i].cipher);
  g_assert_false (_siyu_sync_is_youzan_ciphertext (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (html); i++)
    {
      g_autofree char *decoded = _siyu_sync_decode_html (html[i].in);
      g_assert_cmpstr (decoded, ==, html[i].out);
    }
}

/* Orders in dollars in a shop that counts in yuan: kept with their
 * currency, counted, and left out of the figures. */
static void
test_foreign_currency (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  siyu_emulator_set (f->emulator, &f->emulator->foreign, TRUE);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 3);
  g_assert_cmpuint (counts.foreign_currency, ==, 3);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders WHERE currency = 'USD'"), ==, 3);
  json = siyu_sync_counts_to_json (&counts);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "foreign_currency"), ==, 3);
}

/* A person the owner erased stays erased: the next sync keeps their
 * customer record and their orders anonymous, and counts them. */
static void
test_erased_stays_erased (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  SiyuSyncCounts counts;
  gint64 li_na;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.erased_kept, ==, 0);
  li_na = query_int (f, "SELECT contact_id FROM contact_identities WHERE kind = 'shopify' AND value = '6123456789012'");
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders WHERE contact_id = (SELECT contact_id FROM "
                                 "contact_identities WHERE kind = 'shopify' AND value = '6123456789012')"), ==, 2);
  g_assert_true (siyu_contact_erase (f->shop, li_na, &error));
  g_assert_no_error (error);

  /* Her customer record and her two orders. */
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.erased_kept, ==, 3);
  g_assert_cmpuint (counts.contacts_created, ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contact_identities WHERE value IN "
                                 "('6123456789012', '+8613800138000', 'li.na@example.com')"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts WHERE erased_at IS NULL AND email = 'li.na@example.com'"), ==, 0);
  json = siyu_sync_counts_to_json (&counts);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "erased_kept"), ==, 3);
}

/* A server whose certificate no authority signed is refused before any
 * credential is sent. */
static void
test_self_signed (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuEmulator *tls = siyu_emulator_start (TRUE);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  options.base_url = tls->url;
  g_assert_true (g_str_has_prefix (tls->url, "https://"));
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE);
  g_assert_nonnull (strstr (error->message, "the server’s certificate could not be verified"));
  g_assert_cmpuint (siyu_emulator_get (tls, &tls->requests), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts"), ==, 0);
  siyu_emulator_stop (tls);
}

/* A platform that answers with a redirect, to another host or from https
 * to plain http: nothing follows it, the other host hears nothing, the
 * error names both, and nothing is stored. */
static void
test_redirect (Fixture      *f,
               gconstpointer data)
{
  static const guint statuses[] = { 301, 302, 307, 308 };
  g_autoptr(SiyuSyncCredentials) shopify = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  g_autoptr(SiyuSyncCredentials) woo = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  g_autoptr(SiyuSyncCredentials) youzan = siyu_sync_credentials_new (NULL, YZ_CLIENT, YZ_SECRET);
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "data", "sync", "self-signed.pem", NULL);
  g_autoptr(GTlsDatabase) authority = NULL;
  SiyuEmulator *other = siyu_emulator_start (FALSE);
  SiyuEmulator *tls = siyu_emulator_start (TRUE);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  authority = g_tls_file_database_new (pem, &error);
  g_assert_no_error (error);
  _siyu_sync_set_tls_database (authority);
  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  add_account (f, "youzan", "yz", "44556677");

  /* The trusted https emulator works as it is. */
  options.base_url = tls->url;
  g_assert_true (siyu_sync_test_connection (f->shop, "tea", shopify, &options, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    for (guint from_tls = 0; from_tls <= 1; from_tls++)
      {
        SiyuEmulator *from = from_tls ? tls : f->emulator;
        g_autofree char *expected = NULL;

        siyu_emulator_redirect (from, statuses[i], other->url);
        options.base_url = from->url;
        g_assert_false (siyu_sync_run (f->shop, "tea", shopify, &options, FALSE, NULL, NULL, NULL, &counts, &error));
        g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE);
        expected = g_strdup_printf ("Shopify account “tea”, /admin/api/2024-01/customers/count.json: %s answered "
                                    "with a redirect to %s/admin/api/2024-01/customers/count.json; Siyu does not "
                                    "follow it, so the access token is not sent there.", from->url, other->url);
        g_assert_cmpstr (error->message, ==, expected);
        g_clear_error (&error);

        /* A connection test fails the same way. */
        g_assert_false (siyu_sync_test_connection (f->shop, "tea", shopify, &options, NULL, &error));
        g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE);
        g_assert_nonnull (strstr (error->message, "/admin/api/2024-01/orders.json: "));
        g_assert_nonnull (strstr (error->message, other->url));
        g_clear_error (&error);

        g_assert_false (siyu_sync_run (f->shop, "wp", woo, &options, FALSE, NULL, NULL, NULL, &counts, &error));
        g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE);
        g_assert_true (g_str_has_suffix (error->message, "; Siyu does not follow it, so the consumer key and "
                                                         "secret are not sent there."));
        g_clear_error (&error);
        g_assert_false (siyu_sync_run (f->shop, "yz", youzan, &options, FALSE, NULL, NULL, NULL, &counts, &error));
        g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE);
        g_assert_nonnull (strstr (error->message, "/auth/token"));
        g_clear_error (&error);

        g_assert_cmpuint (siyu_emulator_get (other, &other->requests), ==, 0);
        g_assert_cmpuint (siyu_emulator_get (other, &other->credentials_seen), ==, 0);
        siyu_emulator_redirect (from, 0, NULL);
      }

  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_accounts WHERE last_result LIKE '%redirect%'"), ==, 3);

  _siyu_sync_set_tls_database (NULL);
  siyu_emulator_stop (tls);
  siyu_emulator_stop (other);
}

/* The same through siyu-cli: account test and sync fail, the other host
 * hears nothing, and the shop keeps nothing. */
static void
test_redirect_cli (Fixture      *f,
                   gconstpointer data)
{
  SiyuEmulator *other = siyu_emulator_start (FALSE);
  g_autofree char *creds = g_build_filename (f->dir, "creds.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_clear_object (&f->shop);
  g_assert_true (g_file_set_contents (creds, "token=" SHOPIFY_TOKEN "\n", -1, NULL));
  siyu_emulator_redirect (f->emulator, 302, other->url);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "test", "tea", "--db", f->path, "--base-url",
                                      f->emulator->url, "--credentials-file", creds, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "answered with a redirect to "));
  g_assert_nonnull (strstr (err, other->url));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "--db", f->path, "--account", "tea", "--base-url",
                                      f->emulator->url, "--credentials-file", creds, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Siyu does not follow it, so the access token is not sent there."));
  g_assert_null (strstr (err, SHOPIFY_TOKEN));
  g_assert_cmpuint (siyu_emulator_get (other, &other->requests), ==, 0);
  g_assert_cmpuint (siyu_emulator_get (other, &other->credentials_seen), ==, 0);

  f->shop = siyu_shop_open (f->path, NULL);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);
  siyu_emulator_stop (other);
}

/* A user name and password written into the shop's address are refused:
 * they would be kept in the shop file and sent along. */
static void
test_userinfo (Fixture      *f,
               gconstpointer data)
{
  static const char * const urls[] = {
    "https://owner:s3cret-pw@tea.example.com", "owner:s3cret-pw@tea.example.com", "https://owner@tea.example.com",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_assert_cmpint (siyu_sync_account_add (f->shop, "woocommerce", "wp", urls[i], &error), ==, -1);
      g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, "The address of “tea.example.com” holds a user name or password. Siyu "
                                           "keeps credentials in the system keyring, never in an address: enter it "
                                           "without the part before “@”.");
      g_clear_error (&error);
      g_assert_false (siyu_sync_url_is_allowed (urls[i], NULL));
    }
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_accounts"), ==, 0);

  g_clear_object (&f->shop);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "add", "wp", "--db", f->path, "--platform", "shopify",
                                      "--shop-url", "https://owner:s3cret-pw@tea.example.com", NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: The address of “tea.example.com” holds a user name or password. Siyu keeps "
                            "credentials in the system keyring, never in an address: enter it without the part "
                            "before “@”.\n");
  g_assert_null (strstr (err, "s3cret"));
  f->shop = siyu_shop_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_accounts"), ==, 0);
}

static char *
secret_id_of (Fixture    *f,
              const char *account)
{
  g_autofree char *sql = g_strdup_printf ("SELECT secret_id FROM sync_accounts WHERE name = '%s'", account);

  return query_text (f, sql);
}

/* The keyring keys a secret by the platform, the shop's address and the
 * account's random id in its shop file.  A shop file made elsewhere with an
 * account of the same name gets nothing; what an earlier Siyu stored by name
 * alone waits for the owner to confirm the address. */
static void
test_keyring (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  g_autoptr(SiyuSyncCredentials) found = NULL;
  g_autofree char *other_dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) crafted = siyu_test_new_shop (other_dir, "crafted.siyu");
  g_autofree char *secret_id = NULL;
  g_autofree char *item = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  siyu_test_keyring_install ();
  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  secret_id = secret_id_of (f, "tea");
  g_assert_cmpuint (strlen (secret_id), ==, 32);
  g_assert_true (siyu_sync_credentials_store (f->shop, credentials, "tea", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_test_keyring_count (), ==, 1);
  item = siyu_test_keyring_describe (0);
  expected = g_strdup_printf ("io.github.siyu.Siyu.ShopSecret {platform=shopify, secret_id=%s, "
                              "shop_url=https://tea-house.myshopify.com} Siyu: https://tea-house.myshopify.com "
                              "(account “tea”): token=" SHOPIFY_TOKEN "\n", secret_id);
  g_assert_cmpstr (item, ==, expected);

  found = siyu_sync_credentials_lookup (f->shop, "tea", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (siyu_sync_run (f->shop, "tea", found, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, siyu_sync_credentials_free);

  /* A shop file from someone else: an account "tea" at another address, then
   * at the same address with another id, then with the owner's id copied. */
  g_assert_cmpint (siyu_sync_account_add (crafted, "shopify", "tea", "https://evil.example.com", &error), >, 0);
  g_assert_null (siyu_sync_credentials_lookup (crafted, "tea", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, "The keyring holds no credentials for https://evil.example.com (the account "
                                       "“tea”).");
  g_clear_error (&error);
  g_assert_true (siyu_db_exec (siyu_shop_get_db (crafted), "UPDATE sync_accounts SET shop_url = "
                               "'https://tea-house.myshopify.com'", &error));
  g_assert_null (siyu_sync_credentials_lookup (crafted, "tea", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);
  {
    g_autofree char *copy = g_strdup_printf ("UPDATE sync_accounts SET shop_url = 'https://evil.example.com', "
                                             "secret_id = '%s'", secret_id);

    g_assert_true (siyu_db_exec (siyu_shop_get_db (crafted), copy, &error));
  }
  g_assert_null (siyu_sync_credentials_lookup (crafted, "tea", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);

  /* Credentials an earlier Siyu stored by the name "main" alone. */
  siyu_test_keyring_add ("io.github.siyu.Siyu.Account", "Siyu: shopify account “main”", "token=shpat_LEGACY_777\n",
                         "account", "main", "platform", "shopify", NULL);
  add_account (f, "shopify", "main", "https://main-tea.myshopify.com");
  g_assert_cmpint (siyu_sync_account_add (crafted, "shopify", "main", "https://evil.example.com", &error), >, 0);
  g_assert_null (siyu_sync_credentials_lookup (f->shop, "main", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_UNCONFIRMED);
  g_assert_cmpstr (error->message, ==, "The keyring holds credentials that an earlier Siyu saved for an account named "
                                       "“main”, without its shop’s address. They are used only once you confirm that "
                                       "they belong to https://main-tea.myshopify.com.");
  g_clear_error (&error);
  g_assert_null (siyu_sync_credentials_lookup (crafted, "main", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_UNCONFIRMED);
  g_assert_nonnull (strstr (error->message, "belong to https://evil.example.com."));
  g_clear_error (&error);

  /* The owner types their shop's address: the crafted shop points elsewhere. */
  g_assert_false (siyu_sync_credentials_confirm (crafted, "main", "main-tea.myshopify.com", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The account “main” points at https://evil.example.com, not at "
                                       "https://main-tea.myshopify.com; the credentials in the keyring were left as "
                                       "they are.");
  g_clear_error (&error);
  g_assert_cmpuint (siyu_test_keyring_count (), ==, 2);
  g_assert_true (siyu_sync_credentials_confirm (f->shop, "main", "main-tea.myshopify.com/", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_test_keyring_count (), ==, 2);
  g_clear_pointer (&item, g_free);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&secret_id, g_free);
  secret_id = secret_id_of (f, "main");
  item = siyu_test_keyring_describe (1);
  expected = g_strdup_printf ("io.github.siyu.Siyu.ShopSecret {platform=shopify, secret_id=%s, "
                              "shop_url=https://main-tea.myshopify.com} Siyu: https://main-tea.myshopify.com "
                              "(account “main”): token=shpat_LEGACY_777\n", secret_id);
  g_assert_cmpstr (item, ==, expected);
  found = siyu_sync_credentials_lookup (f->shop, "main", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&found, siyu_sync_credentials_free);
  g_assert_null (siyu_sync_credentials_lookup (crafted, "main", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);

  /* Removing an account deletes its secret, and no other. */
  g_assert_true (siyu_sync_credentials_clear (f->shop, "tea", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_test_keyring_count (), ==, 1);
  g_assert_null (siyu_sync_credentials_lookup (f->shop, "tea", NULL, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);
  siyu_test_keyring_remove ();

  /* siyu-cli confirm checks the address before it reads the keyring. */
  {
    g_autofree char *crafted_path = g_strdup (siyu_shop_get_path (crafted));

    g_clear_object (&crafted);
    g_clear_object (&f->shop);
    g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "confirm", "main", "--db", crafted_path, "--shop-url",
                                        "https://main-tea.myshopify.com", NULL), ==, 1);
    g_assert_cmpstr (err, ==, "siyu-cli: The account “main” points at https://evil.example.com, not at "
                              "https://main-tea.myshopify.com; the credentials in the keyring were left as they "
                              "are.\n");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "confirm", "main", "--db", crafted_path, NULL), ==, 2);
  }
}

static gboolean
wait_paused (SiyuEmulator *emulator)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (siyu_emulator_n_paused (emulator) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (10000);
    }
  return TRUE;
}

/* siyu-cli killed in the middle of a sync, at every call in turn: the
 * shop file stays whole, and the next sync ends where an uninterrupted
 * one does. */
static void
test_killed (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *creds = g_build_filename (f->dir, "creds.txt", NULL);
  SiyuSyncCounts counts;

  g_assert_true (g_file_set_contents (creds, "token=" SHOPIFY_TOKEN "\n", -1, NULL));
  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  whole = content_checksum (f);

  /* After the customers' count, their page, and the orders' count (the
   * CLI reads the orders in one page). */
  for (guint calls = 1; calls <= 3; calls++)
    {
      g_autofree char *again = NULL;
      g_autofree char *check = NULL;
      const char *argv[] = { g_getenv ("SIYU_CLI"), "sync", "--db", f->path, "--account", "tea", "--base-url",
                             f->emulator->url, "--credentials-file", creds, NULL };
      g_autoptr(GSubprocess) child = NULL;

      g_assert_true (siyu_db_exec (siyu_shop_get_db (f->shop), "DELETE FROM order_items; DELETE FROM refunds; "
                                   "DELETE FROM orders; DELETE FROM contact_identities; DELETE FROM contacts; "
                                   "DELETE FROM sync_cursors", &error));
      g_assert_no_error (error);
      g_clear_object (&f->shop);

      siyu_emulator_set (f->emulator, &f->emulator->requests, 0);
      siyu_emulator_set (f->emulator, &f->emulator->hang_after, calls);
      child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_assert_true (wait_paused (f->emulator));
      g_subprocess_force_exit (child);
      g_assert_true (g_subprocess_wait (child, NULL, &error));
      siyu_emulator_set (f->emulator, &f->emulator->hang_after, 0);

      f->shop = siyu_shop_open (f->path, &error);
      g_assert_no_error (error);
      check = query_text (f, "PRAGMA integrity_check");
      g_assert_cmpstr (check, ==, "ok");
      g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
      g_assert_no_error (error);
      again = content_checksum (f);
      g_assert_cmpstr (again, ==, whole);
    }
}

static void
test_money (void)
{
  struct { const char *text; int digits; gboolean ok; gint64 amount; } cases[] = {
    { "598.94", 2, TRUE, 59894 }, { "199", 2, TRUE, 19900 }, { "12.5", 2, TRUE, 1250 },
    { "-189.00", 2, TRUE, -18900 }, { "0.10", 2, TRUE, 10 }, { "1.230", 2, TRUE, 123 },
    { "1.234", 2, FALSE, 0 }, { "abc", 2, FALSE, 0 }, { "", 2, FALSE, 0 }, { "100", 0, TRUE, 100 },
    { "99999999999.99", 2, TRUE, G_GINT64_CONSTANT (9999999999999) }, { "1e3", 2, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 amount = 0;
      gboolean ok = _siyu_sync_parse_money (cases[i].text, cases[i].digits, &amount);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (amount, ==, cases[i].amount);
    }
  g_assert_cmpint (_siyu_sync_parse_time ("2024-03-08T10:15:22+08:00", "Z"), ==, 1709864122);
  g_assert_cmpint (_siyu_sync_parse_time ("2024-03-08T02:15:22", "Z"), ==, 1709864122);
  g_assert_cmpint (_siyu_sync_parse_time ("2024-03-08 10:15:22", "+08:00"), ==, 1709864122);
  g_assert_cmpint (_siyu_sync_parse_time ("", "Z"), ==, 0);
}

static void
test_cli (Fixture      *f,
          gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *creds = g_build_filename (f->dir, "creds.txt", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *tea;

  g_clear_object (&f->shop);
  g_assert_true (g_file_set_contents (creds, "# test\ntoken=" SHOPIFY_TOKEN "\n", -1, NULL));
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "add", "tea", "--db", f->path, "--platform", "shopify",
                                      "--shop-url", "tea-house.myshopify.com", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "test", "tea", "--db", f->path, "--base-url",
                                      f->emulator->url, "--credentials-file", creds, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "The account “tea” works: the platform accepted the credentials.\n");
  /* It says which credentials it used and for which address. */
  g_assert_cmpstr (err, ==, "siyu-cli: account “tea”: the credentials from --credentials-file, for "
                            "https://tea-house.myshopify.com.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "--db", f->path, "--account", "tea", "--json", "--base-url",
                                      f->emulator->url, "--credentials-file", creds, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  tea = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "tea");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (tea, "orders"), "created"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (tea, "customers"), "records"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Every debug message on: still no token in what the CLI writes. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "--db", f->path, "--account", "tea", "--full", "--base-url",
                                      f->emulator->url, "--credentials-file", creds, NULL), ==, 0);
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_assert_null (strstr (out, SHOPIFY_TOKEN));
  g_assert_null (strstr (err, SHOPIFY_TOKEN));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "list", "--db", f->path, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "tea  shopify  https://tea-house.myshopify.com  last sync: "));
  g_assert_null (strstr (out, SHOPIFY_TOKEN));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "add", "bad", "--db", f->path, "--platform", "shopify",
                                      "--shop-url", "http://tea.example.com", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "remove", "tea", "--db", f->path, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "--db", f->path, "--bogus", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);
  g_unsetenv (SIYU_SYNC_ENV_TOKEN);
  g_unsetenv (SIYU_SYNC_ENV_KEY);
  g_unsetenv (SIYU_SYNC_ENV_SECRET);

#define ADD(name, func) g_test_add ("/siyu/sync/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  g_test_add_func ("/siyu/sync/money-and-time", test_money);
  g_test_add_func ("/siyu/sync/text-rules", test_text_rules);
  ADD ("shopify", test_shopify);
  ADD ("woocommerce", test_woocommerce);
  ADD ("youzan", test_youzan);
  ADD ("rate-limit", test_rate_limit);
  ADD ("server-error", test_server_error);
  ADD ("malformed-json", test_malformed);
  ADD ("hang", test_hang);
  ADD ("deep-json", test_deep_json);
  ADD ("resume", test_resume);
  ADD ("credentials-kept-out", test_credentials_kept_out);
  ADD ("cli", test_cli);
  ADD ("gateway", test_gateway);
  ADD ("youzan-partial-refund", test_youzan_partial_refund);
  ADD ("duplicate-page", test_duplicate_page);
  ADD ("changed-between-pages", test_changed_between_pages);
  ADD ("wrong-shape", test_wrong_shape);
  ADD ("retry-region", test_retry_region);
  ADD ("youzan-encrypted", test_youzan_encrypted);
  ADD ("offline-answer", test_offline_answer);
  ADD ("refunded-in-full", test_refunded_in_full);
  ADD ("foreign-currency", test_foreign_currency);
  ADD ("erased-stays-erased", test_erased_stays_erased);
  ADD ("self-signed", test_self_signed);
  ADD ("killed", test_killed);
  ADD ("elements-not-objects", test_elements_not_objects);
  ADD ("redirect", test_redirect);
  ADD ("redirect-cli", test_redirect_cli);
  ADD ("userinfo", test_userinfo);
  ADD ("keyring", test_keyring);
#undef ADD

  return g_test_run ();
}
