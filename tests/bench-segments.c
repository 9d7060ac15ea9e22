/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "siyu-export.h"
#include "siyu-segments.h"

/* Prints how long the live count of typical segments takes and how long an
 * XLSX export of about 100,000 contacts takes, on a shop given on the
 * command line (the large demo: siyu-cli demo --size large).  Asserts
 * nothing. */

static const struct {
  const char *name;
  const char *definition;
} typical[] = {
  { "stage is dormant", "{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"}]}" },
  { "city contains 上 and consent", "{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"contains\",\"value\":\"上\"},"
    "{\"field\":\"consent\",\"op\":\"is\",\"value\":true}]}" },
  { "R ≥ 4 or tag VIP", "{\"match\":\"any\",\"conditions\":[{\"field\":\"rfm_r_score\",\"op\":\">=\",\"value\":4},"
    "{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"}]}" },
  { "in a group and orders = 0", "{\"match\":\"all\",\"conditions\":[{\"field\":\"group\",\"op\":\"member\"},"
    "{\"field\":\"orders\",\"op\":\"=\",\"value\":0}]}" },
  { "net spend top 20 % and dormant", "{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"},"
    "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":20}]}" },
  { "orders ≥ 2 in 90 days", "{\"match\":\"all\",\"conditions\":[{\"field\":\"orders\",\"op\":\">=\",\"value\":2,\"days\":90}]}" },
  { "bought a product, not in 60 days", "{\"match\":\"all\",\"conditions\":[{\"field\":\"event\",\"op\":\"happened\",\"value\":\"share\",\"days\":90},"
    "{\"field\":\"last_order\",\"op\":\"more_than_days_ago\",\"value\":60}]}" },
  { "close to next tier", "{\"match\":\"all\",\"conditions\":[{\"field\":\"next_tier_gap_percent\",\"op\":\"<\",\"value\":20}]}" },
  { "everyone", "{\"match\":\"all\",\"conditions\":[]}" },
};

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *out = NULL;
  SiyuExportOptions options = { SIYU_EXPORT_XLSX, NULL, FALSE, 0.0, 0, 0, 0 };
  SiyuExportResult result;
  g_autoptr(JsonNode) node = NULL;
  gint64 segment, started;

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr ("Usage: bench-segments SHOP\n");
      return 2;
    }
  shop = siyu_shop_open (argv[1], &error);
  if (shop == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < G_N_ELEMENTS (typical); i++)
    {
      g_autoptr(JsonNode) definition = json_from_string (typical[i].definition, NULL);
      gint64 total = 0, unreachable = 0, best = G_MAXINT64;

      for (int run = 0; run < 5; run++)
        {
          gint64 t0 = g_get_monotonic_time ();

          if (!siyu_segment_count (shop, definition, &total, &unreachable, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
          best = MIN (best, g_get_monotonic_time () - t0);
        }
      g_print ("count %-36s %7lld contacts  %6.1f ms (best of 5)\n", typical[i].name, (long long) total, best / 1000.0);
    }

  /* About 100,000 contacts: those with consent, first 100,000 by id. */
  node = json_from_string ("{\"match\":\"all\",\"conditions\":[{\"field\":\"member_since\",\"op\":\"exists\",\"value\":false}]}", NULL);
  segment = siyu_segment_lookup (shop, "bench: everyone", NULL);
  if (segment == 0)
    segment = siyu_segment_create (shop, "bench: everyone", node, &error);
  if (segment == 0)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  out = g_build_filename (g_get_tmp_dir (), "bench-segments.xlsx", NULL);
  started = g_get_monotonic_time ();
  if (!siyu_export_segment (shop, segment, out, &options, &result, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("export %lld contacts to XLSX: %.2f s\n", (long long) result.exported,
           (g_get_monotonic_time () - started) / 1e6);
  g_unlink (out);

  return 0;
}
