/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "siyu-backup.h"
#include "siyu-analytics.h"
#include "siyu-campaign.h"
#include "siyu-review.h"
#include "siyu-segments.h"
#include "siyu-cli.h"
#include "siyu-contacts.h"
#include "siyu-prediction.h"
#include "siyu-demo.h"
#include "siyu-import.h"
#include "siyu-json.h"
#include "siyu-recompute.h"
#include "siyu-shop-lists.h"

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
           siyu_shop_count (shop, SIYU_COUNT_CONTACTS, NULL),
           siyu_shop_count (shop, SIYU_COUNT_ORDERS, NULL),
           siyu_shop_count (shop, SIYU_COUNT_ORDER_ITEMS, NULL),
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

/* The shop at @db, or a new large demo shop in a new folder @dir when @db
 * is %NULL; %NULL with @exit_code set on failure. */
static SiyuShop *
open_or_build (const char  *db,
               char       **dir,
               int         *exit_code)
{
  g_autoptr(GError) error = NULL;
  SiyuShop *shop;
  double wall, cpu;

  *dir = NULL;
  if (db != NULL)
    return siyu_cli_open_shop ("bench", db, exit_code);

  *dir = g_dir_make_tmp ("siyu-bench-XXXXXX", &error);
  if (*dir == NULL)
    {
      *exit_code = siyu_cli_fail (error);
      return NULL;
    }
  shop = build_demo (*dir, SIYU_DEMO_LARGE, 1, &wall, &cpu, &error);
  if (shop == NULL)
    *exit_code = siyu_cli_fail (error);

  return shop;
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

  shop = open_or_build (db, &dir, &rc);
  if (shop == NULL)
    return rc;

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
           siyu_shop_count (shop, SIYU_COUNT_CONTACTS, NULL),
           siyu_shop_count (shop, SIYU_COUNT_ORDERS, NULL),
           repeat, walls[0], walls[repeat / 2], cpu_total / repeat, peak_rss_kib () / 1024);

  /* Where the time goes: the analytics of ANALYTICS.md alone, then the
   * predictive models fitted on them; the rest of a recompute is storing. */
  {
    double analytics_cpu = cpu_seconds (), prediction_cpu;
    gint64 analytics_started = g_get_monotonic_time (), prediction_started;
    g_autoptr(SiyuAnalytics) analytics = siyu_analytics_compute (shop, siyu_shop_get_today (shop), NULL, NULL,
                                                                 NULL, &error);
    g_autoptr(SiyuPrediction) prediction = NULL;

    if (analytics == NULL)
      return siyu_cli_fail (error);
    analytics_cpu = cpu_seconds () - analytics_cpu;
    prediction_started = g_get_monotonic_time ();
    prediction_cpu = cpu_seconds ();
    prediction = siyu_prediction_compute (shop, analytics, NULL, &error);
    if (prediction == NULL)
      return siyu_cli_fail (error);
    g_print ("  of which: analytics %.3f s wall, %.3f s CPU; predictive models %.3f s wall, %.3f s CPU\n",
             (prediction_started - analytics_started) / 1e6, analytics_cpu,
             (g_get_monotonic_time () - prediction_started) / 1e6, cpu_seconds () - prediction_cpu);
  }

  if (dir != NULL)
    {
      remove_shop (siyu_shop_get_path (shop));
      g_clear_object (&shop);
      g_rmdir (dir);
    }

  return SIYU_CLI_OK;
}

/* A canonical orders CSV of @lines order lines: orders of one to six lines
 * (3.3 on average), bought by one of @lines / 10 phones, over five years
 * in the order of time, as the platforms export them. */
static gboolean
write_orders_csv (const char  *path,
                  guint        lines,
                  guint       *n_orders,
                  GError     **error)
{
  static const char * const statuses[] = { "paid", "paid", "paid", "paid", "paid", "paid", "paid", "refunded", "cancelled", "unpaid" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  guint phones = MAX (lines / 10, 1);
  guint written = 0, order = 0;
  FILE *out = g_fopen (path, "wb");

  if (out == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  fputs ("order_ref,created_at,status,phone,name,sku,product_name,quantity,unit_price,line_total\n", out);
  while (written < lines)
    {
      guint n = (guint) g_rand_int_range (rand, 1, 6) + (g_rand_int_range (rand, 0, 3) == 0 ? 1 : 0);
      guint customer = (guint) g_rand_int_range (rand, 0, (gint32) phones);
      gint64 when = G_GINT64_CONSTANT (1577836800) +
                    (gint64) written * (5 * 365 * 86400) / lines + g_rand_int_range (rand, 0, 60);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (when);
      g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
      const char *status = statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
      guint first = (guint) g_rand_int_range (rand, 0, 500);

      order++;
      for (guint i = 0; i < n && written < lines; i++, written++)
        {
          guint product = (first + i * 7) % 500;
          guint quantity = (guint) g_rand_int_range (rand, 1, 4);
          guint price = 500 + product * 37 % 20000;

          fprintf (out, "B%07u,%s,%s,139%08u,Customer %u,SKU-%03u,Product %u,%u,%u.%02u,%u.%02u\n",
                   order, stamp, status, customer, customer, product, product, quantity,
                   price / 100, price % 100, price * quantity / 100, price * quantity % 100);
        }
    }
  *n_orders = order;

  if (fclose (out) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* What one run of a command cost, measured from outside: wall time, CPU
 * time and peak resident memory of the process alone. */
typedef struct {
  double wall;
  double cpu;
  gint64 rss_kib;
} Run;

static gboolean
run_measured (const char * const  *args,
              Run                 *run,
              GError             **error)
{
  gint64 started = g_get_monotonic_time ();
  struct rusage usage;
  int status;
  pid_t pid;

  pid = fork ();
  if (pid < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "fork: %s", g_strerror (saved_errno));
      return FALSE;
    }
  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      if (null >= 0)
        dup2 (null, STDOUT_FILENO);
      execv (args[0], (char **) args);
      _exit (127);
    }
  while (wait4 (pid, &status, 0, &usage) < 0)
    if (errno != EINTR)
      {
        int saved_errno = errno;

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "wait4: %s", g_strerror (saved_errno));
        return FALSE;
      }
  run->wall = (g_get_monotonic_time () - started) / 1e6;
  run->cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
             usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  run->rss_kib = usage.ru_maxrss;

  return g_spawn_check_wait_status (status, error);
}

/* A file of @lines lines making one order: an import is linear in the
 * lines of an order too. */
static gboolean
write_one_order_csv (const char  *path,
                     guint        lines,
                     GError     **error)
{
  g_autoptr(GString) text = g_string_new ("order_ref,created_at,phone,sku,product_name,quantity,unit_price\n");

  for (guint i = 0; i < lines; i++)
    g_string_append_printf (text, "BIG1,2025-03-01 10:00:00,13800138000,SKU-%u,Product %u,1,%u.50\n",
                            i % 5000, i % 5000, 1 + i % 90);

  return g_file_set_contents (path, text->str, (gssize) text->len, error);
}

/* Imports @csv into a new shop, then again, each in a process of its own;
 * prints both beside the sqlite3 shell's .import of the same file. */
static gboolean
bench_import_file (const char  *self_path,
                   const char  *sqlite3,
                   const char  *dir,
                   const char  *csv,
                   const char  *what,
                   GError     **error)
{
  g_autofree char *shop_path = g_build_filename (dir, "bench.siyu", NULL);
  g_autofree char *backups = g_build_filename (dir, "bench-backups", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain.db", NULL);
  const char *create[] = { self_path, "create", "--db", shop_path, "--name", "Bench", NULL };
  const char *import[] = { self_path, "import", "--db", shop_path, "--no-recompute", csv, NULL };
  Run sqlite_run = { -1, }, first, again, created;

  /* The sqlite3 shell first, so that every run reads the file from the
   * page cache. */
  if (sqlite3 != NULL)
    {
      g_autofree char *command = g_strdup_printf (".import --csv %s lines", csv);
      const char *args[] = { sqlite3, plain, command, NULL };

      if (!run_measured (args, &sqlite_run, error))
        return FALSE;
      g_unlink (plain);
    }

  if (!run_measured (create, &created, error) ||
      !run_measured (import, &first, error) ||
      !run_measured (import, &again, error))
    return FALSE;

  g_print ("%s\n", what);
  g_print ("  import:    %6.2f s wall, %6.2f s CPU, peak RSS %4" G_GINT64_FORMAT " MiB",
           first.wall, first.cpu, first.rss_kib / 1024);
  if (sqlite_run.wall > 0)
    g_print ("; ratio %.2f (target 2)", first.wall / sqlite_run.wall);
  g_print ("\n  again:     %6.2f s wall, %6.2f s CPU, peak RSS %4" G_GINT64_FORMAT " MiB",
           again.wall, again.cpu, again.rss_kib / 1024);
  if (sqlite_run.wall > 0)
    g_print ("; ratio %.2f (target 1)", again.wall / sqlite_run.wall);
  g_print ("\n");
  if (sqlite_run.wall > 0)
    g_print ("  sqlite3 .import: %6.2f s wall\n", sqlite_run.wall);

  remove_shop (shop_path);
  {
    g_autoptr(GDir) listing = g_dir_open (backups, 0, NULL);
    const char *name;

    while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *backup = g_build_filename (backups, name, NULL);

        g_unlink (backup);
      }
    g_rmdir (backups);
  }

  return TRUE;
}

static int
bench_import (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *sqlite3 = NULL;
  g_autofree char *self_path = NULL;
  gint64 lines = 0;
  gint64 sizes[] = { 250000, 1000000 };
  guint n_sizes = G_N_ELEMENTS (sizes);
  int rc;
  GOptionEntry entries[] = {
    { "lines", 0, 0, G_OPTION_ARG_INT64, &lines, N_("Order lines in the generated file (default: 250,000, then 1,000,000)"), N_("N") },
    { NULL }
  };

  context = siyu_cli_option_context ("bench import", NULL,
                                     _("Generate a canonical orders CSV, import it into a new shop and then again, and time the sqlite3 shell’s .import of the same file into a plain table for comparison; then one order of 100,000 lines. Each runs in a process of its own, so that its peak memory is its own."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (lines != 0 && (lines < 1 || lines > 100000000))
    return siyu_cli_usage_error ("bench", _("--lines takes a number from 1 to 100000000"));
  if (lines != 0)
    {
      sizes[0] = lines;
      n_sizes = 1;
    }

  self_path = g_file_read_link ("/proc/self/exe", &error);
  if (self_path == NULL)
    return siyu_cli_fail (error);
  sqlite3 = g_find_program_in_path ("sqlite3");
  if (sqlite3 == NULL)
    g_print ("%s\n", _("sqlite3 shell not found: no comparison (install the sqlite3 package)"));

  dir = g_dir_make_tmp ("siyu-bench-XXXXXX", &error);
  if (dir == NULL)
    return siyu_cli_fail (error);
  csv = g_build_filename (dir, "orders.csv", NULL);

  for (guint i = 0; i < n_sizes; i++)
    {
      g_autofree char *what = NULL;
      guint n_orders = 0;
      GStatBuf st;

      if (!write_orders_csv (csv, (guint) sizes[i], &n_orders, &error))
        return siyu_cli_fail (error);
      g_stat (csv, &st);
      what = g_strdup_printf ("%" G_GINT64_FORMAT " order lines, %u orders, %" G_GINT64_FORMAT " phones, %.0f MB:",
                              sizes[i], n_orders, MAX (sizes[i] / 10, 1), st.st_size / 1e6);
      if (!bench_import_file (self_path, sqlite3, dir, csv, what, &error))
        return siyu_cli_fail (error);
    }

  if (!write_one_order_csv (csv, 100000, &error) ||
      !bench_import_file (self_path, sqlite3, dir, csv, "one order of 100000 lines:", &error))
    return siyu_cli_fail (error);

  g_unlink (csv);
  g_rmdir (dir);

  return SIYU_CLI_OK;
}

/* Erasing one person: their fields, identities and tombstones, their part
 * of the search index rewritten, the commit and the emptying of the log.
 * Works on a copy: the shop given is never changed. */
/* Opens a copy of the shop at @db, or a new large demo shop when @db is
 * %NULL, in a new folder @dir; on failure, the folder is removed and
 * @exit_code set. */
static SiyuShop *
open_copy (const char  *db,
           char       **dir_out,
           double      *open_s,
           int         *exit_code,
           GError     **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *dir = NULL;
  SiyuShop *shop;

  *open_s = 0;
  dir = g_dir_make_tmp ("siyu-bench-XXXXXX", error);
  if (dir == NULL)
    {
      *exit_code = siyu_cli_fail (*error);
      return NULL;
    }
  if (db != NULL)
    {
      g_autoptr(GFile) from = g_file_new_for_path (db);
      g_autoptr(GFile) to = NULL;
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      gint64 open_started;

      if (g_file_test (wal, G_FILE_TEST_EXISTS))
        {
          g_rmdir (dir);
          *exit_code = siyu_cli_usage_error ("bench", _("“%s” is open in another program: close it first"), db);
          return NULL;
        }
      copy = g_build_filename (dir, "bench.siyu", NULL);
      to = g_file_new_for_path (copy);
      if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
        {
          g_rmdir (dir);
          *exit_code = siyu_cli_fail (*error);
          return NULL;
        }
      open_started = g_get_monotonic_time ();
      shop = siyu_shop_open (copy, error);
      *open_s = (g_get_monotonic_time () - open_started) / 1e6;
    }
  else
    {
      double wall, cpu;

      shop = build_demo (dir, SIYU_DEMO_LARGE, 1, &wall, &cpu, error);
    }
  if (shop == NULL)
    {
      if (copy != NULL)
        remove_shop (copy);
      g_rmdir (dir);
      *exit_code = siyu_cli_fail (*error);
      return NULL;
    }
  *dir_out = g_steal_pointer (&dir);
  return shop;
}

/* Removes the copy open_copy () made, the backups made of it and its
 * folder. */
static void
remove_copy (SiyuShop   *shop,
             const char *dir)
{
  g_autoptr(GPtrArray) backups = siyu_backup_list (shop, NULL);
  g_autofree char *folder = siyu_backup_folder_for (siyu_shop_get_path (shop));

  for (guint i = 0; backups != NULL && i < backups->len; i++)
    g_unlink (((SiyuBackup *) backups->pdata[i])->path);
  g_rmdir (folder);
  remove_shop (siyu_shop_get_path (shop));
  g_object_unref (shop);
  g_rmdir (dir);
}

static int
bench_backup (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *dir = NULL;
  g_autofree double *walls = NULL;
  g_autofree char *first = NULL;
  gint64 size = 0, started;
  double open_s, restore_s;
  int count = 5;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("A shop to copy and back up (default: a new large demo shop, which takes minutes to build)"), N_("FILE") },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, N_("How many backups to make, one after the other (default 5)"), N_("N") },
    { NULL }
  };

  context = siyu_cli_option_context ("bench backup", NULL,
                                     _("Time keeping a backup of the shop, and restoring one, in a copy of the shop: "
                                       "the shop given is not changed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (count < 1 || count > 10)
    return siyu_cli_usage_error ("bench", _("--count takes a number from 1 to 10"));

  shop = open_copy (db, &dir, &open_s, &rc, &error);
  if (shop == NULL)
    return rc;

  walls = g_new (double, count);
  for (int i = 0; i < count; i++)
    {
      g_autoptr(SiyuBackup) backup = NULL;

      started = g_get_monotonic_time ();
      backup = siyu_backup_create (shop, SIYU_BACKUP_CAUSE_MANUAL, &error);
      if (backup == NULL)
        return siyu_cli_fail (error);
      walls[i] = (g_get_monotonic_time () - started) / 1e6;
      size = backup->size;
      if (first == NULL)
        first = g_strdup (backup->path);
    }
  qsort (walls, count, sizeof (double), compare_double);

  started = g_get_monotonic_time ();
  if (!siyu_backup_restore (shop, first, &error))
    return siyu_cli_fail (error);
  restore_s = (g_get_monotonic_time () - started) / 1e6;

  g_print ("backup of a shop of %" G_GINT64_FORMAT " contacts and %" G_GINT64_FORMAT " orders (%.0f MB), %d runs: "
           "best %.2f s, median %.2f s, worst %.2f s wall; restore (check, backup of the shop as it was, copy "
           "back) %.2f s; opening the copy took %.2f s\n",
           siyu_shop_count (shop, SIYU_COUNT_LIVE_CONTACTS, NULL), siyu_shop_count (shop, SIYU_COUNT_ORDERS, NULL),
           size / 1e6, count, walls[0], walls[count / 2], walls[count - 1], restore_s, open_s);

  remove_copy (g_steal_pointer (&shop), dir);

  return SIYU_CLI_OK;
}

static int
bench_erase (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *dir = NULL;
  g_autofree double *walls = NULL;
  gint64 live;
  double open_s;
  int count = 10;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("A shop to copy and erase people from (default: a new large demo shop, which takes minutes to build)"), N_("FILE") },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, N_("How many people to erase, one at a time (default 10)"), N_("N") },
    { NULL }
  };

  context = siyu_cli_option_context ("bench erase", NULL,
                                     _("Time erasing one person at a time, in a copy of the shop: the shop given is not changed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (count < 1 || count > 1000)
    return siyu_cli_usage_error ("bench", _("--count takes a number from 1 to 1000"));

  shop = open_copy (db, &dir, &open_s, &rc, &error);
  if (shop == NULL)
    return rc;

  live = siyu_shop_count (shop, SIYU_COUNT_LIVE_CONTACTS, NULL);
  if (live < count)
    {
      remove_copy (g_steal_pointer (&shop), dir);
      /* Translators: %d is how many people were to be erased. */
      return siyu_cli_usage_error ("bench", _("the shop has fewer than %d people to erase"), count);
    }
  walls = g_new (double, count);
  for (int i = 0; i < count; i++)
    {
      gint64 id, started;

      /* Spread over the shop, and so over every part of the index. */
      id = siyu_contacts_nth_id (shop, (live - i) * (gint64) i / count, &error);
      started = g_get_monotonic_time ();
      if (id <= 0 || !siyu_contact_erase (shop, id, &error))
        {
          rc = error != NULL ? siyu_cli_fail (error) : SIYU_CLI_REFUSED;
          remove_copy (g_steal_pointer (&shop), dir);
          return rc;
        }
      walls[i] = (g_get_monotonic_time () - started) / 1e6;
    }
  qsort (walls, count, sizeof (double), compare_double);

  g_print ("erase of one person in a shop of %" G_GINT64_FORMAT " contacts and %" G_GINT64_FORMAT " orders, %d runs: "
           "best %.3f s, median %.3f s, worst %.3f s wall (fields, identities, tombstones, search index, commit, "
           "log emptied); opening the copy took %.2f s\n",
           live, siyu_shop_count (shop, SIYU_COUNT_ORDERS, NULL),
           count, walls[0], walls[count / 2], walls[count - 1], open_s);

  remove_copy (g_steal_pointer (&shop), dir);

  return SIYU_CLI_OK;
}

/* The segments of bench-segments beside the built-in ones: what owners
 * count most. */
static const struct {
  const char *name;
  const char *definition;
} typical_segments[] = {
  { "city contains 上 and consent", "{\"match\":\"all\",\"conditions\":[{\"field\":\"city\",\"op\":\"contains\",\"value\":\"上\"},"
    "{\"field\":\"consent\",\"op\":\"is\",\"value\":true}]}" },
  { "R ≥ 4 or tag VIP", "{\"match\":\"any\",\"conditions\":[{\"field\":\"rfm_r_score\",\"op\":\">=\",\"value\":4},"
    "{\"field\":\"tag\",\"op\":\"has\",\"value\":\"VIP\"}]}" },
  { "in a group and orders = 0", "{\"match\":\"all\",\"conditions\":[{\"field\":\"group\",\"op\":\"member\"},"
    "{\"field\":\"orders\",\"op\":\"=\",\"value\":0}]}" },
  { "orders ≥ 2 in 90 days", "{\"match\":\"all\",\"conditions\":[{\"field\":\"orders\",\"op\":\">=\",\"value\":2,\"days\":90}]}" },
  { "net spend top 20 % and dormant", "{\"match\":\"all\",\"conditions\":[{\"field\":\"stage\",\"op\":\"is\",\"value\":\"dormant\"},"
    "{\"field\":\"net_spend\",\"op\":\"top_percent\",\"value\":20}]}" },
  { "everyone", "{\"match\":\"all\",\"conditions\":[]}" },
};

static void
print_row (const char *what,
           double      seconds,
           double      target,
           guint      *misses)
{
  g_autofree char *padded = siyu_cli_pad (what, 44);
  gboolean meets = seconds < target;

  g_print ("%s %9.3f s  %7.3f s  %s\n", padded, seconds, target, meets ? _("yes") : _("no"));
  if (!meets)
    (*misses)++;
}

/* Every figure of issue 20's table on one shop, beside its target. */
static int
bench_all (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) segments = NULL;
  g_autofree char *db = NULL;
  g_autofree char *dir = NULL;
  double slowest_count = 0, slowest_search = 0;
  guint misses = 0;
  int year, month, rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop to measure (default: a new large demo shop, which takes a minute to build)"), N_("FILE") },
    { NULL }
  };

  context = siyu_cli_option_context ("bench all", NULL,
                                     _("Measure the recompute, the monthly review, a campaign's deduction, the live count of every built-in segment and of typical ones, and a contact search, and print each beside its target. The shop given is changed only as a recompute changes it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;

  shop = open_or_build (db, &dir, &rc);
  if (shop == NULL)
    return rc;

  g_print (_("%lld contacts, %lld orders\n"),
           (long long) siyu_shop_count (shop, SIYU_COUNT_CONTACTS, NULL),
           (long long) siyu_shop_count (shop, SIYU_COUNT_ORDERS, NULL));
  g_print ("%-44s %11s  %9s  %s\n", _("what"), _("took"), _("target"), _("meets"));

  /* Recompute: every analytic and prediction, stored. */
  {
    gint64 started = g_get_monotonic_time ();

    if (!siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error))
      return siyu_cli_fail (error);
    print_row (_("recompute"), (g_get_monotonic_time () - started) / 1e6, 2.0, &misses);
  }

  /* The monthly review of the last whole month. */
  if (!siyu_review_last_month (shop, &year, &month, &error))
    return siyu_cli_fail (error);
  {
    g_autoptr(JsonNode) review = NULL;
    g_autofree char *what = g_strdup_printf (_("review of %04d-%02d"), year, month);
    gint64 started = g_get_monotonic_time ();

    review = siyu_review_compute (shop, year, month, NULL, &error);
    if (review == NULL)
      return siyu_cli_fail (error);
    print_row (what, (g_get_monotonic_time () - started) / 1e6, 1.0, &misses);
  }

  /* A campaign's gap deduction, for a sale a month from today. */
  {
    g_autoptr(SiyuCampaignPlan) plan = NULL;
    SiyuCampaignInputs inputs;
    gint64 started;

    siyu_campaign_inputs_init (&inputs);
    inputs.target = G_GINT64_CONSTANT (100000000);
    inputs.sale_start = siyu_shop_get_today (shop) + 30;
    started = g_get_monotonic_time ();
    plan = siyu_campaign_plan_new (shop, &inputs, NULL, &error);
    if (plan == NULL)
      return siyu_cli_fail (error);
    print_row (_("campaign gap deduction"), (g_get_monotonic_time () - started) / 1e6, 1.0, &misses);
  }

  /* Live counts: the best of three of each. */
  segments = siyu_segments_list (shop, &error);
  if (segments == NULL)
    return siyu_cli_fail (error);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (segments)) + G_N_ELEMENTS (typical_segments); i++)
    {
      guint n_builtin = json_array_get_length (json_node_get_array (segments));
      g_autoptr(JsonNode) parsed = NULL;
      g_autofree char *what = NULL;
      JsonNode *definition;
      double best = G_MAXDOUBLE;

      if (i < n_builtin)
        {
          JsonObject *segment = json_array_get_object_element (json_node_get_array (segments), i);

          if (!json_object_get_boolean_member (segment, "builtin"))
            continue;
          definition = json_object_get_member (segment, "definition");
          what = g_strdup_printf (_("count: %s"), json_object_get_string_member (segment, "title"));
        }
      else
        {
          parsed = siyu_json_parse (typical_segments[i - n_builtin].definition, -1, "segment", &error);
          if (parsed == NULL)
            return siyu_cli_fail (error);
          definition = parsed;
          what = g_strdup_printf (_("count: %s"), typical_segments[i - n_builtin].name);
        }
      for (int run = 0; run < 3; run++)
        {
          gint64 started = g_get_monotonic_time ();
          gint64 total, unreachable;

          if (!siyu_segment_count (shop, definition, &total, &unreachable, &error))
            return siyu_cli_fail (error);
          best = MIN (best, (g_get_monotonic_time () - started) / 1e6);
        }
      print_row (what, best, 0.05, &misses);
      slowest_count = MAX (slowest_count, best);
    }

  /* A contact search's first screen, by a phone's last digits and by a name. */
  {
    static const char * const searches[] = { "5678", "张" };

    for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
      {
        g_autofree char *what = g_strdup_printf (_("search “%s”, first 50"), searches[i]);
        double best = G_MAXDOUBLE;

        for (int run = 0; run < 3; run++)
          {
            gint64 started = g_get_monotonic_time ();
            g_autoptr(GArray) found = siyu_contacts_search (shop, searches[i], 50, &error);

            if (found == NULL)
              return siyu_cli_fail (error);
            best = MIN (best, (g_get_monotonic_time () - started) / 1e6);
          }
        print_row (what, best, 0.1, &misses);
        slowest_search = MAX (slowest_search, best);
      }
  }

  g_print (_("slowest count %.3f s, slowest search %.3f s, peak RSS %lld MiB; %u of the targets missed\n"),
           slowest_count, slowest_search, (long long) (peak_rss_kib () / 1024), misses);

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
  if (argc < 2 || (!g_str_equal (argv[1], "demo") && !g_str_equal (argv[1], "recompute") &&
                   !g_str_equal (argv[1], "import") && !g_str_equal (argv[1], "erase") &&
                   !g_str_equal (argv[1], "backup") && !g_str_equal (argv[1], "all")))
    {
      if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
        {
          g_print ("%s\n", _("Usage: siyu-cli bench all|demo|recompute|import|erase|backup [OPTION…]"));
          return SIYU_CLI_OK;
        }
      return siyu_cli_usage_error ("bench", _("say what to measure: all, demo, recompute, import, erase or backup"));
    }

  if (g_str_equal (argv[1], "all"))
    return bench_all (argc - 1, argv + 1);

  if (g_str_equal (argv[1], "demo"))
    return bench_demo (argc - 1, argv + 1);

  if (g_str_equal (argv[1], "erase"))
    return bench_erase (argc - 1, argv + 1);

  if (g_str_equal (argv[1], "backup"))
    return bench_backup (argc - 1, argv + 1);

  if (g_str_equal (argv[1], "import"))
    return bench_import (argc - 1, argv + 1);

  return bench_recompute (argc - 1, argv + 1);
}
