/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <sys/resource.h>

#include "siyu-emulator.h"
#include "siyu-sync.h"
#include "siyu-test-util.h"

/* Prints how fast orders sync from the local Shopify emulator into a new
 * shop: 100,000 orders as fast as it answers, then 63 calls with the
 * emulator holding to Shopify's leaky bucket (40 calls, 2 a second), beside
 * the least time that bucket allows.  Asserts nothing.
 *
 *   bench-sync [ORDERS]
 */

static double
sync_once (SiyuEmulator *emulator,
           guint         n_orders,
           gboolean      rate_limited,
           SiyuSyncCounts *counts)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bench.siyu", NULL);
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SIYU_EMULATOR_SHOPIFY_TOKEN, NULL, NULL);
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  SiyuSyncOptions options = { 0, };
  gint64 started;
  double seconds;

  shop = siyu_shop_create (path, "Bench", "CNY", "Asia/Shanghai", &error);
  if (shop == NULL || siyu_sync_account_add (shop, "shopify", "bench", "https://bench.myshopify.com", &error) <= 0)
    g_error ("%s", error->message);
  siyu_emulator_set (emulator, &emulator->synthetic, n_orders);
  siyu_emulator_set (emulator, &emulator->rate_limit, rate_limited);
  options.base_url = emulator->url;
  options.timeout_seconds = 60;

  started = g_get_monotonic_time ();
  if (!siyu_sync_run (shop, "bench", credentials, &options, FALSE, NULL, NULL, NULL, counts, &error))
    g_error ("%s", error->message);
  seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;

  return seconds;
}

int
main (int    argc,
      char **argv)
{
  guint n_orders = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  SiyuEmulator *emulator;
  SiyuSyncCounts counts;
  struct rusage usage;
  double seconds, least;
  guint calls;

  setlocale (LC_ALL, "");
  /* Where the emulator finds its fixtures. */
  g_setenv ("G_TEST_SRCDIR", TEST_SRCDIR, FALSE);
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);

  emulator = siyu_emulator_start (FALSE);
  siyu_emulator_set (emulator, &emulator->calls_used, 1);

  seconds = sync_once (emulator, n_orders, FALSE, &counts);
  getrusage (RUSAGE_SELF, &usage);
  g_print ("sync of %u orders in %u pages from the emulator: %.2f s, %.0f orders/s (target ≥ 5,000), "
           "peak RSS %ld MiB\n",
           counts.orders.created, counts.orders.pages, seconds, counts.orders.created / seconds,
           usage.ru_maxrss / 1024);

  /* 250 orders a page: 60 pages, with both counts and the customers' page. */
  seconds = sync_once (emulator, 60 * 250, TRUE, &counts);
  calls = counts.orders.pages + counts.customers.pages + 2;
  least = (calls - 40) / 2.0;
  g_print ("sync of %u calls under Shopify's bucket: %.2f s; the bucket allows it in %.2f s at least "
           "(+%.1f %%, target ≤ 10 %%); %u refused by the emulator, %u waits\n",
           calls, seconds, least, (seconds / least - 1) * 100, siyu_emulator_get (emulator, &emulator->refused),
           counts.rate_limit_waits);

  siyu_emulator_stop (emulator);
  return 0;
}
