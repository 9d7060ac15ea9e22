/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "siyu-review.h"
#include "siyu-review-pdf.h"

/* Prints how long the monthly review of the last complete month takes to
 * compute, and how long its PDF takes to write, on a shop given on the
 * command line (the large demo: siyu-cli demo --size large --out F).
 * An optional second argument names the month (YYYY-MM).  Asserts
 * nothing. */

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(JsonNode) review = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pdf = NULL;
  gint64 best = G_MAXINT64, started;
  int year, month;

  setlocale (LC_ALL, "");
  if (argc != 2 && argc != 3)
    {
      g_printerr ("Usage: bench-review SHOP [YYYY-MM]\n");
      return 2;
    }
  shop = siyu_shop_open (argv[1], &error);
  if (shop == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (argc == 3)
    {
      if (!siyu_review_parse_month (argv[2], &year, &month, &error))
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
    }
  else if (!siyu_review_last_month (shop, &year, &month, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (int run = 0; run < 3; run++)
    {
      gint64 t0 = g_get_monotonic_time ();
      gint64 elapsed;

      g_clear_pointer (&review, json_node_unref);
      review = siyu_review_compute (shop, year, month, NULL, &error);
      if (review == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      elapsed = g_get_monotonic_time () - t0;
      best = MIN (best, elapsed);
      g_print ("review of %04d-%02d, run %d: %8.1f ms\n", year, month, run + 1, elapsed / 1000.0);
    }
  g_print ("review of %04d-%02d: %8.1f ms (best of 3)\n", year, month, best / 1000.0);

  dir = g_dir_make_tmp ("bench-review-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  pdf = g_build_filename (dir, "review.pdf", NULL);
  started = g_get_monotonic_time ();
  if (!siyu_review_write_pdf (review, pdf, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("PDF of the review:    %8.1f ms\n", (g_get_monotonic_time () - started) / 1000.0);
  g_unlink (pdf);
  g_rmdir (dir);

  return 0;
}
