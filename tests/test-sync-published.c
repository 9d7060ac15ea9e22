/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "siyu-contacts.h"
#include "siyu-duplicates.h"
#include "siyu-emulator.h"
#include "siyu-sync-private.h"
#include "siyu-test-util.h"

/* The platforms' own published example payloads (tests/data/sync/published,
 * PROVENANCE.md), served unchanged by the emulator: Shopify's REST
 * reference examples for 2024-01 and WooCommerce's REST v3 "List all"
 * examples.  Every value asserted here is one PROVENANCE.md lists. */

typedef struct {
  char         *dir;
  char         *path;
  SiyuShop     *shop;
  SiyuEmulator *emulator;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, "shop.siyu");
  f->path = g_strdup (siyu_shop_get_path (f->shop));
  /* Both examples are in dollars; the shop counts in them. */
  g_assert_true (siyu_shop_set_currency (f->shop, "USD", &error));
  g_assert_no_error (error);
  f->emulator = siyu_emulator_start (FALSE);
  siyu_emulator_set (f->emulator, &f->emulator->published, 1);
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
  options.max_attempts = 2;
  options.timeout_seconds = 5;
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

#define ORDER_ROWS \
  "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || refunded_amount || ' ' || " \
  "  discount_amount || ' ' || shipping_amount || ' ' || tax_amount || ' ' || created_at || ' ' || currency || ' ' || " \
  "  coalesce (contact_id, '-'), '; ') FROM (SELECT * FROM orders ORDER BY external_ref)"

/* What the emulator serves is what the SDKs' tests serve: the files, to
 * the byte, with the digests PROVENANCE.md records. */
static void
test_served_unchanged (Fixture      *f,
                       gconstpointer data)
{
  static const struct {
    const char *path;
    const char *file;
    const char *sha256;
  } bodies[] = {
    { "/admin/api/2024-01/customers.json", "shopify-2024-01-customers-by-ids.json",
      "3dda2f841242596be48903eaf6539d1b33c05194c0526dbac752f34a819df631" },
    { "/admin/api/2024-01/orders.json?status=any", "shopify-2024-01-orders.json",
      "7ddfe9aead6e30a3cbf255582a63b654396bb721d396ffd8dd9d596b36af9315" },
    { "/admin/api/2024-01/orders.json?page_info=guest", "shopify-2024-01-orders-guest.json",
      "20e2ec4b4e7d574f403a832c186607a0a5fbe54dd14748c45519821a1c2b0492" },
    { "/wp-json/wc/v3/orders?page=1", "woocommerce-v3-orders.json",
      "d2c2dea8141381959e9dbfe58786878d16b50328c45db229b65a61f18521c008" },
    { "/wp-json/wc/v3/customers?page=1", "woocommerce-v3-customers.json",
      "8c420de49d09050cd37b82aea139c68c0e8619d679fd2e54ac93a2d7f9482430" },
  };
  g_autoptr(SoupSession) session = soup_session_new ();
  const char *pair = SIYU_EMULATOR_WOO_KEY ":" SIYU_EMULATOR_WOO_SECRET;
  g_autofree char *basic = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *authorization = g_strconcat ("Basic ", basic, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *url = g_strconcat (f->emulator->url, bodies[i].path, NULL);
      g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "sync", "published", bodies[i].file, NULL);
      g_autofree char *expected = NULL;
      g_autofree char *sum = NULL;
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      soup_message_headers_replace (soup_message_get_request_headers (message), "X-Shopify-Access-Token",
                                    SIYU_EMULATOR_SHOPIFY_TOKEN);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
      body = soup_session_send_and_read (session, message, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (file, &expected, &length, NULL));
      sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
      g_assert_cmpstr (sum, ==, bodies[i].sha256);
      g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), expected, length);
    }
}

static void
test_shopify (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SIYU_EMULATOR_SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;
  gint64 bob;

  g_assert_cmpint (siyu_sync_account_add (f->shop, "shopify", "ipod", "https://ipod.myshopify.com", &error), >, 0);
  g_assert_true (siyu_sync_run (f->shop, "ipod", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.customers.records, ==, 2);
  g_assert_cmpuint (counts.orders.records, ==, 2);
  g_assert_cmpuint (counts.orders.pages, ==, 2);
  g_assert_cmpuint (counts.orders.created, ==, 2);
  g_assert_cmpuint (counts.refunds_created, ==, 1);
  g_assert_cmpuint (counts.rejected, ==, 0);
  g_assert_cmpuint (counts.foreign_currency, ==, 0);

  /* Two customers: Steve Lastnameson and Bob Norman, by their E.164 phones. */
  rows = query_text (f, "SELECT group_concat (name || ' ' || phone || ' ' || email, '; ') "
                        "FROM (SELECT * FROM contacts ORDER BY id)");
  g_assert_cmpstr (rows, ==, "Steve Lastnameson +15142546011 steve.lastnameson@example.com; "
                             "Bob Norman +16136120707 bob.norman@mail.example.com");
  g_clear_pointer (&rows, g_free);
  bob = query_int (f, "SELECT contact_id FROM contact_identities WHERE kind = 'shopify' AND value = '207119551'");
  g_assert_cmpint (bob, ==, 2);

  /* #1001: 598.94 partly refunded by the 209.00 transaction, discount
   * 10.00 (TENOFF), shipping 0.00, tax 11.94, Bob's.  #1002: the guest
   * order (customer null, email "", phone null), 199.00, anonymous. */
  rows = query_text (f, ORDER_ROWS);
  g_assert_cmpstr (rows, ==, "#1001 partially_refunded 59894 20900 1000 0 1194 1199980800 USD 2; "
                             "#1002 paid 19900 0 0 0 0 1704204258 USD -");
  g_clear_pointer (&rows, g_free);
  /* 3 × 199.00 net of the allocations 3.34, 3.33 and 3.33: 587.00. */
  rows = query_text (f, "SELECT group_concat (sku || ' ' || quantity || ' ' || unit_price || ' ' || line_total, '; ') "
                        "FROM (SELECT * FROM order_items ORDER BY id)");
  g_assert_cmpstr (rows, ==, "IPOD2008GREEN 1 19900 19566; IPOD2008RED 1 19900 19567; IPOD2008BLACK 1 19900 19567; "
                             "IPOD2009BLACK 1 19900 19900");
  g_clear_pointer (&rows, g_free);
  g_assert_cmpint (query_int (f, "SELECT sum (line_total) FROM order_items JOIN orders o ON o.id = order_id "
                                 "WHERE o.external_ref = '#1001'"), ==, 58700);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || amount || ' ' || created_at || ' ' || reason, '; ') "
                        "FROM refunds");
  g_assert_cmpstr (rows, ==, "509562969 20900 1704203951 it broke during shipping");
  g_clear_pointer (&rows, g_free);

  /* The cancel example: the same order, financial_status "refunded" with a
   * 10.00 transaction, is refunded in full. */
  siyu_emulator_set (f->emulator, &f->emulator->published, 2);
  g_assert_true (siyu_sync_run (f->shop, "ipod", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.updated, ==, 1);
  g_assert_cmpuint (counts.refunds_created, ==, 1);
  rows = query_text (f, ORDER_ROWS);
  g_assert_cmpstr (rows, ==, "#1001 refunded 59894 59894 1000 0 1194 1199980800 USD 2; "
                             "#1002 paid 19900 0 0 0 0 1704204258 USD -");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || amount || ' ' || created_at, '; ') "
                        "FROM (SELECT * FROM refunds ORDER BY id)");
  g_assert_cmpstr (rows, ==, "509562969 20900 1704203951; 929361469 1000 1704204242");
}

static void
test_woocommerce (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, SIYU_EMULATOR_WOO_KEY,
                                                                          SIYU_EMULATOR_WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(JsonNode) undo = NULL;
  g_autofree char *rows = NULL;
  SiyuDuplicate *pair;
  SiyuSyncCounts counts;

  g_assert_cmpint (siyu_sync_account_add (f->shop, "woocommerce", "woo", "https://example.com", &error), >, 0);
  g_assert_true (siyu_sync_run (f->shop, "woo", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.customers.records, ==, 2);
  g_assert_cmpuint (counts.orders.created, ==, 2);
  g_assert_cmpuint (counts.rejected, ==, 0);
  /* João's "(55) 5555-5555" and "(11) 1111-1111" in Brazil, for which Siyu
   * has no numbering plan: kept as written, never an identity. */
  g_assert_cmpuint (counts.phones_as_written, ==, 2);
  g_assert_cmpuint (counts.possible_duplicates, ==, 1);

  /* Customers 26 and 25 stay two contacts; John's phone is read for the US. */
  rows = query_text (f, "SELECT group_concat (id || ' ' || name || ' ' || phone || ' ' || email || ' ' || city, '; ') "
                        "FROM (SELECT * FROM contacts ORDER BY id)");
  g_assert_cmpstr (rows, ==, "1 João Silva (55) 5555-5555 joao.silva@example.com Rio de Janeiro; "
                             "2 John Doe +15555555555 john.doe@example.com San Francisco");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (kind || '=' || value || '>' || contact_id, ' ') "
                        "FROM (SELECT * FROM contact_identities ORDER BY contact_id, kind)");
  g_assert_cmpstr (rows, ==, "email=joao.silva@example.com>1 woocommerce=26>1 "
                             "email=john.doe@example.com>2 phone=+15555555555>2 woocommerce=25>2");
  g_clear_pointer (&rows, g_free);

  /* 723, João's, completed with two refunds of 10.00 and 9.00; 727, the
   * guest order matched to John by e-mail, with shipping 10.00 and tax 1.35. */
  rows = query_text (f, ORDER_ROWS);
  g_assert_cmpstr (rows, ==, "723 partially_refunded 3900 1900 0 1000 0 1490123760 USD 1; "
                             "727 paid 2935 0 0 1000 135 1490210882 USD 2");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (coalesce (sku, '-') || ' ' || name || ' ' || quantity || ' ' || unit_price "
                        "|| ' ' || line_total, '; ') FROM (SELECT * FROM order_items ORDER BY id)");
  g_assert_cmpstr (rows, ==, "- Woo Single #1 2 300 600; Bar3 Ship Your Idea – Color: Black, Size: M Test 1 1200 1200; "
                             "- Woo Album #2 1 900 900; - Woo Ninja 1 2000 2000");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || amount || ' ' || created_at, '; ') "
                        "FROM (SELECT * FROM refunds ORDER BY id)");
  g_assert_cmpstr (rows, ==, "726 1000 1490126091; 724 900 1490126091");
  g_clear_pointer (&rows, g_free);

  /* The pair waits in Possible duplicates; the owner resolves it with the
   * merge, and it leaves the list. */
  pairs = siyu_duplicates_list (f->shop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pairs->len, ==, 1);
  pair = g_ptr_array_index (pairs, 0);
  g_assert_cmpint (pair->contact_id, ==, 1);
  g_assert_cmpint (pair->other_id, ==, 2);
  g_assert_cmpstr (pair->reason, ==, "phone");
  g_assert_cmpstr (pair->name, ==, "João Silva");
  g_assert_cmpstr (pair->other_phone, ==, "+15555555555");
  undo = siyu_contact_merge (f->shop, 2, 1, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (siyu_duplicates_count (f->shop, &error), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (DISTINCT contact_id) FROM orders"), ==, 1);

  /* Syncing again changes nothing and lists nothing again. */
  g_assert_true (siyu_sync_run (f->shop, "woo", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created + counts.orders.updated + counts.contacts_created, ==, 0);
  g_assert_cmpint (siyu_duplicates_count (f->shop, &error), ==, 0);
}

/* Through siyu-cli: both syncs end with exit status 0, and the order's
 * discount, shipping and tax show in siyu-cli orders --json. */
static void
test_cli (Fixture      *f,
          gconstpointer data)
{
  g_autofree char *creds = g_build_filename (f->dir, "creds.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *orders;
  JsonObject *order = NULL;

  g_assert_cmpint (siyu_sync_account_add (f->shop, "shopify", "ipod", "https://ipod.myshopify.com", &error), >, 0);
  g_assert_cmpint (siyu_sync_account_add (f->shop, "woocommerce", "woo", "https://example.com", &error), >, 0);
  g_clear_object (&f->shop);
  g_assert_true (g_file_set_contents (creds, "token=" SIYU_EMULATOR_SHOPIFY_TOKEN "\n"
                                             "key=" SIYU_EMULATOR_WOO_KEY "\nsecret=" SIYU_EMULATOR_WOO_SECRET "\n",
                                      -1, NULL));
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "--db", f->path, "--base-url", f->emulator->url,
                                      "--credentials-file", creds, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "ipod:\n  customers: 2 records in 1 pages, 2 new\n"
                                 "  orders: 2 records in 2 pages, 2 new, 0 updated, 0 unchanged\n"));
  g_assert_nonnull (strstr (out, "  1 pair of contacts may be one person: siyu-cli duplicates\n"
                                 "  2 phone numbers could not be read and are kept as written\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "orders", "--db", f->path, "--search", "#1001", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  orders = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (orders), ==, 1);
  order = json_array_get_object_element (orders, 0);
  g_assert_cmpint (json_object_get_int_member (order, "total"), ==, 59894);
  g_assert_cmpint (json_object_get_int_member (order, "refunded"), ==, 20900);
  g_assert_cmpint (json_object_get_int_member (order, "discount_amount"), ==, 1000);
  g_assert_cmpint (json_object_get_int_member (order, "shipping_amount"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (order, "tax_amount"), ==, 1194);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "duplicates", "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "3 João Silva, (55) 5555-5555, joao.silva@example.com  and  "
                            "4 John Doe, +15555555555, john.doe@example.com: the same phone\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "duplicates", "keep-apart", "4", "3", "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Contacts 4 and 3 are kept apart as two people.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "duplicates", "--db", f->path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "No contacts wait to be told apart or merged.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "duplicates", "keep-apart", "4", "3", "--db", f->path, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: The contacts 4 and 3 are not listed as possible duplicates.\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);

#define ADD(name, func) g_test_add ("/siyu/sync-published/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("served-unchanged", test_served_unchanged);
  ADD ("shopify", test_shopify);
  ADD ("woocommerce", test_woocommerce);
  ADD ("cli", test_cli);
#undef ADD

  return g_test_run ();
}
