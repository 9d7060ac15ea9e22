/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "siyu-cli.h"
#include "siyu-demo.h"
#include "siyu-recompute.h"

/* Benchmarks print figures; they assert nothing.  Peak memory is the
 * process's high-water mark of resident memory (VmHWM). */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static gint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");

  return line != NULL ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}

static void
remove_shop (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

static SiyuShop *
build_demo (const char      *dir,
            SiyuDemoSize     size,
            guint32          seed,
            double          *wall,
            double          *cpu,
            GError         **error)
{
  g_autofree char *path = g_build_filename (dir, "bench.siyu", NULL);
  SiyuDemoOptions options = { size, seed, SIYU_DAY_INVALID };
  gint64 started = g_get_monotonic_time ();
  double cpu_started = cpu_seconds ();
  SiyuShop *shop;

  remove_shop (path);
  shop = siyu_demo_create (path, &options, siyu_cli_progress, (gpointer) _("Building the demo shop"), NULL, error);
  siyu_cli_progress_done ();
  *wall = (g_get_monotonic_time () - started) / 1e6;
  *cpu = cpu_seconds () - cpu_started;

  return shop;
}

static int
bench_demo (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *size = NULL;
  g_autofree char *dir = NULL;
  gint64 seed = 1;
  SiyuDemoSize demo_size = SIYU_DEMO_LARGE;
  GStatBuf st;
  double wall, cpu;
  int rc;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, N_("small or large (default large)"), N_("SIZE") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the demo shop (default 1)"), N_("N") },
    { NULL }
  };

  context = siyu_cli_option_context ("bench demo", NULL, _("Time building the demo shop in a temporary folder."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (size != NULL && !siyu_demo_size_from_string (size, &demo_size))
    return siyu_cli_usage_error ("bench", _("“%s” is not a size; use small or large"), size);

  dir = g_dir_make_tmp ("siyu-bench-XXXXXX", &error);
  if (dir == NULL)
    return siyu_cli_fail (error);

  shop = build_demo (dir, demo_size, (guint32) seed, &wall, &cpu, &error);
  if (shop == NULL)
    {
      g_rmdir (dir);
      return siyu_cli_fail (error);
    }

  g_stat (siyu_shop_get_path (shop), &st);
  g_print ("demo %s: %.2f s wall, %.2f s CPU, %" G_GINT64_FORMAT " contacts, %" G_GINT64_FORMAT " orders, "
           "%" G_GINT64_FORMAT " order lines, %.0f MB file, peak RSS %" G_GINT64_FORMAT " MiB\n",
           demo_size == SIYU_DEMO_LARGE ? "large" : "small", wall, cpu,
           siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM contacts", NULL),
           siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM orders", NULL),
           siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM order_items", NULL),
           st.st_size / 1e6, peak_rss_kib () / 1024);

  remove_shop (siyu_shop_get_path (shop));
  g_clear_object (&shop);
  g_rmdir (dir);

  return SIYU_CLI_OK;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static int
bench_recompute (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *dir = NULL;
  g_autofree double *walls = NULL;
  int repeat = 3;
  double cpu_total = 0;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("A shop to recompute (default: a new large demo shop, which takes a minute to build)"), N_("FILE") },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, N_("How many times to recompute (default 3)"), N_("N") },
    { NULL }
  };

  context = siyu_cli_option_context ("bench recompute", NULL,
                                     _("Time a full recompute of every analytic and prediction. The shop given is changed only as a recompute changes it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (repeat < 1 || repeat > 100)
    return siyu_cli_usage_error ("bench", _("--repeat takes a number from 1 to 100"));

  if (db != NULL)
    {
      shop = siyu_cli_open_shop ("bench", db, &rc);
      if (shop == NULL)
        return rc;
    }
  else
    {
      double wall, cpu;

      dir = g_dir_make_tmp ("siyu-bench-XXXXXX", &error);
      if (dir == NULL)
        return siyu_cli_fail (error);
      shop = build_demo (dir, SIYU_DEMO_LARGE, 1, &wall, &cpu, &error);
      if (shop == NULL)
        return siyu_cli_fail (error);
    }

  walls = g_new (double, repeat);
  for (int i = 0; i < repeat; i++)
    {
      gint64 started = g_get_monotonic_time ();
      double cpu_started = cpu_seconds ();

      if (!siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error))
        return siyu_cli_fail (error);
      walls[i] = (g_get_monotonic_time () - started) / 1e6;
      cpu_total += cpu_seconds () - cpu_started;
    }
  qsort (walls, repeat, sizeof (double), compare_double);

  g_print ("recompute of %" G_GINT64_FORMAT " contacts and %" G_GINT64_FORMAT " orders, %d runs: "
           "best %.3f s, median %.3f s wall, %.3f s CPU per run, peak RSS %" G_GINT64_FORMAT " MiB\n",
           siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM contacts", NULL),
           siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM orders", NULL),
           repeat, walls[0], walls[repeat / 2], cpu_total / repeat, peak_rss_kib () / 1024);

  if (dir != NULL)
    {
      remove_shop (siyu_shop_get_path (shop));
      g_clear_object (&shop);
      g_rmdir (dir);
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_bench (int    argc,
                char **argv)
{
  if (argc < 2 || (!g_str_equal (argv[1], "demo") && !g_str_equal (argv[1], "recompute")))
    {
      if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
        {
          g_print ("%s\n", _("Usage: siyu-cli bench demo|recompute [OPTION…]"));
          return SIYU_CLI_OK;
        }
      return siyu_cli_usage_error ("bench", _("say what to measure: demo or recompute"));
    }

  if (g_str_equal (argv[1], "demo"))
    return bench_demo (argc - 1, argv + 1);

  return bench_recompute (argc - 1, argv + 1);
}
