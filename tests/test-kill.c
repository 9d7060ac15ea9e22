/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <utime.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "siyu-consent.h"
#include "siyu-emulator.h"
#include "siyu-recompute.h"
#include "siyu-sync.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* Issue 18: siyu-cli killed with SIGKILL at a random moment of a command
 * that writes (a power cut, the OOM killer, a closed terminal), N times a
 * command, each on a fresh copy of a prepared shop.  After each kill the
 * shop must open whole (integrity and foreign keys), its figures must be
 * either those of its data or marked out of date, and running the command
 * again to the end must give what one run that was never killed gives.
 *
 * The kill comes after a delay drawn uniformly from [0, d], d being how
 * long one run that was not killed took.  SIYU_KILL_SEED replays the
 * delays (the seed is in every failure), SIYU_KILL_RUNS sets how many runs
 * a command must see killed (more for a soak). */

#define SHOP_NAME "shop.siyu"
#define BACKUPS_NAME "shop-backups"
#define BACKUP_NAME "20260101T000000Z-import.siyu"
#define EXPORT_NAME "buyers.csv"
#define N_CUSTOMERS 400
#define SYNC_ORDERS 500
#define SYNC_PAGE 250           /* what siyu-cli asks Shopify for */
#define DATA_END "2026-03-31"

static guint32 seed;
static guint runs;

typedef struct _Command Command;

/* One run of a command, killed or not. */
typedef struct {
  Command *command;
  guint    number;
  double   delay_ms;            /* < 0: not killed */
  char    *dir;
} Run;

/* What a command must leave; the fingerprints of the shop before it and
 * after one run that was not killed. */
struct _Command {
  const char  *name;
  const char  *base;            /* the shop every run starts from a copy of */
  const char **args;            /* @DIR@ is the run's folder */
  char       **envp;            /* NULL: the test's */
  gboolean     atomic;          /* one transaction: the data is the base's or the reference's */
  gboolean     done_refused;    /* run again once done, it fails and changes nothing */
  const char  *backup;          /* put in the run's backup folder as BACKUP_NAME, or NULL */
  void       (*check_killed) (Run *run, SiyuShop *shop);
  void       (*before_again) (Run *run);
  void       (*check_done)   (Run *run, SiyuShop *shop);

  char        *base_data;
  char        *data;
  char        *figures;
  gboolean     stale;
  GHashTable  *counted;         /* data and figures fingerprints found to agree */
  double       duration_ms;
  guint        attempts;
  guint        killed;
  guint        changed;         /* kills after which the data had changed */
  guint        marked;          /* kills after which the figures were marked out of date */
  guint        leftovers;       /* kills that left a temporary export file */
  gpointer     data_for_checks;
};

static void fail (Run        *run,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3) G_GNUC_NORETURN;

/* Every failure says which run of which command, when it was killed, and
 * the seed that replays the delays. */
static void
fail (Run        *run,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (run->delay_ms >= 0)
    g_error ("%s, run %u, killed at %.3f ms of %.3f (%s): %s [SIYU_KILL_SEED=%u replays it]", run->command->name,
             run->number, run->delay_ms, run->command->duration_ms, run->dir, what, seed);
  g_error ("%s, run %u, not killed (%s): %s [SIYU_KILL_SEED=%u replays it]", run->command->name, run->number,
           run->dir, what, seed);
}

#define check(run, cond, ...) G_STMT_START { if (!(cond)) fail ((run), __VA_ARGS__); } G_STMT_END

/* The rows of @sql, each column as text. */
static char *
rows_text (SiyuShop   *shop,
           const char *sql)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, &error);
  GString *text = g_string_new (NULL);
  int rc;

  g_assert_no_error (error);
  while ((rc = siyu_db_step (db, stmt, &error)) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *value = (const char *) sqlite3_column_text (stmt, i);

          g_string_append (text, value != NULL ? value : "∅");
          g_string_append_c (text, i + 1 < sqlite3_column_count (stmt) ? '\x1f' : '\n');
        }
    }
  g_assert_no_error (error);
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_reset (stmt);

  return g_string_free (text, FALSE);
}

static gint64
query_int (SiyuShop   *shop,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = siyu_db_query_int (siyu_shop_get_db (shop), sql, &error);

  g_assert_no_error (error);
  return value;
}

typedef struct {
  const char *name;
  const char *sql;
} Part;

/* What the commands write, apart from the times they wrote it at, from
 * exports (which record a touch each time) and from the figures. */
static const Part data_parts[] = {
  { "contacts", "SELECT id, name, phone, email, wechat_id, city, birthday, notes, first_seen_at, first_channel_id, "
                "marketing_consent, consent, do_not_contact, member_since, member_source, erased_at IS NOT NULL "
                "FROM contacts ORDER BY id" },
  { "identities", "SELECT kind, value, contact_id FROM contact_identities ORDER BY kind, value" },
  { "tombstones", "SELECT count (*) FROM erasure_tombstones" },
  { "orders", "SELECT id, channel_id, external_ref, contact_id, status, created_at, currency, total_amount, "
              "refunded_amount FROM orders ORDER BY id" },
  { "order_items", "SELECT id, order_id, name, quantity, unit_price, line_total FROM order_items ORDER BY id" },
  { "refunds", "SELECT id, order_id, amount FROM refunds ORDER BY id" },
  { "events", "SELECT id, contact_id, kind, occurred_at FROM events ORDER BY id" },
  { "group_members", "SELECT group_id, contact_id, joined_at, left_at FROM group_members ORDER BY 1, 2, 3" },
  { "model", "SELECT id, dormant_days, lost_days, mature_orders, mature_window_days, active FROM lifecycle_models "
             "ORDER BY id" },
  { "tiers", "SELECT position, name, threshold, capacity FROM tiers ORDER BY position" },
  { "settings", "SELECT key, value FROM settings ORDER BY key" },
  { "segments", "SELECT id, name, definition FROM segments ORDER BY id" },
  /* An import or a model set run again is audited again. */
  { "audit", "SELECT DISTINCT action, object_kind, object_id FROM audit_log WHERE action <> 'export' ORDER BY 1, 2, 3" },
  { "sync_cursors", "SELECT account_id, resource, cursor FROM sync_cursors ORDER BY 1, 2" },
};

/* The stored figures, apart from the time they were counted at. */
static const Part figure_parts[] = {
  { "contact_metrics", "SELECT * FROM contact_metrics ORDER BY contact_id" },
  { "contact_predictions", "SELECT * FROM contact_predictions ORDER BY contact_id" },
  { "replenishments", "SELECT * FROM replenishments ORDER BY contact_id, product_id" },
  { "cohort_cells", "SELECT * FROM cohort_cells ORDER BY cohort, month_offset" },
  { "stage_snapshots", "SELECT * FROM stage_snapshots ORDER BY model_id, month, contact_id" },
  { "tier_history", "SELECT contact_id, from_tier_id, to_tier_id, changed_on, reason FROM tier_history ORDER BY id" },
  { "analytics_run", "SELECT as_of, summary FROM analytics_runs ORDER BY id DESC LIMIT 1" },
};

/* One line a part, with a checksum of its rows, so that a failure names
 * what differs. */
static char *
fingerprint (SiyuShop   *shop,
             const Part *parts,
             guint       n_parts)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_parts; i++)
    {
      g_autofree char *rows = rows_text (shop, parts[i].sql);
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, rows, -1);

      g_string_append_printf (text, "%s %.16s\n", parts[i].name, sum);
    }

  return g_string_free (text, FALSE);
}

static char *
data_fingerprint (SiyuShop *shop)
{
  return fingerprint (shop, data_parts, G_N_ELEMENTS (data_parts));
}

static char *
figures_fingerprint (SiyuShop *shop)
{
  return fingerprint (shop, figure_parts, G_N_ELEMENTS (figure_parts));
}

static gboolean
figures_stale (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  gboolean stale = FALSE;

  g_assert_true (siyu_shop_figures_are_stale (shop, &stale, &error));
  g_assert_no_error (error);
  return stale;
}

/* The figures the shop's data gives now, counted in a transaction that is
 * then rolled back. */
static char *
figures_counted_now (SiyuShop *shop)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GError) error = NULL;
  char *counted;

  g_assert_true (siyu_db_begin (db, &error));
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  counted = figures_fingerprint (shop);
  siyu_db_rollback (db);

  return counted;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;

  contents = siyu_test_read_file (from, &length);
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
}

static void
remove_run_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      /* The shop's backups, kept before the commands that change it. */
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_run_dir (path);
      else
        g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static char *
run_shop (Run *run)
{
  return g_build_filename (run->dir, SHOP_NAME, NULL);
}

/* The run's folder as the command starts: the base shop and, for a
 * restore, the backup it restores. */
static void
prepare_run (Run *run)
{
  g_autofree char *path = run_shop (run);

  copy_file (run->command->base, path);
  if (run->command->backup != NULL)
    {
      g_autofree char *folder = g_build_filename (run->dir, BACKUPS_NAME, NULL);
      g_autofree char *backup = g_build_filename (folder, BACKUP_NAME, NULL);

      g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
      copy_file (run->command->backup, backup);
    }
}

typedef struct {
  gboolean killed;
  int      status;              /* when not killed */
  double   elapsed_ms;
} Outcome;

/* Runs the command on the shop of @run's folder; kills it @delay_ms after
 * it started, unless @delay_ms < 0.  What it writes to stderr goes to a
 * file in the folder, for failures to quote. */
static Outcome
run_command (Run    *run,
             double  delay_ms)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err_path = g_build_filename (run->dir, "stderr.txt", NULL);
  Outcome outcome = { FALSE, -1, 0 };
  gint64 start;

  g_ptr_array_add (argv, g_strdup (g_getenv ("SIYU_CLI")));
  for (guint i = 0; run->command->args[i] != NULL; i++)
    {
      g_auto(GStrv) pieces = g_strsplit (run->command->args[i], "@DIR@", -1);

      g_ptr_array_add (argv, g_strjoinv (run->dir, pieces));
    }
  g_ptr_array_add (argv, NULL);

  if (run->command->envp != NULL)
    g_subprocess_launcher_set_environ (launcher, run->command->envp);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  start = g_get_monotonic_time ();
  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  if (delay_ms >= 0)
    {
      /* The one sleep of the test: the random moment of the kill. */
      g_usleep ((gulong) (delay_ms * 1000));
      g_subprocess_force_exit (child);
    }
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  outcome.elapsed_ms = (double) (g_get_monotonic_time () - start) / 1000;

  if (g_subprocess_get_if_signaled (child))
    {
      check (run, delay_ms >= 0 && g_subprocess_get_term_sig (child) == SIGKILL, "siyu-cli died of signal %d",
             g_subprocess_get_term_sig (child));
      outcome.killed = TRUE;
    }
  else
    outcome.status = g_subprocess_get_exit_status (child);

  return outcome;
}

static char *
run_stderr (Run *run)
{
  g_autofree char *path = g_build_filename (run->dir, "stderr.txt", NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* Opens the shop as the next command would, and checks what must hold
 * whenever siyu-cli stopped: the file is whole, no row points at nothing,
 * and the figures are those of the data or marked as out of date. */
static SiyuShop *
open_checked (Run      *run,
              gboolean *stale)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = run_shop (run);
  g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);
  g_autofree char *integrity = NULL;
  g_autofree char *dangling = NULL;

  check (run, shop != NULL, "the shop does not open: %s", error->message);
  integrity = rows_text (shop, "PRAGMA integrity_check");
  check (run, g_str_equal (integrity, "ok\n"), "PRAGMA integrity_check says %s", integrity);
  dangling = rows_text (shop, "PRAGMA foreign_key_check");
  check (run, g_str_equal (dangling, ""), "PRAGMA foreign_key_check lists\n%s", dangling);

  *stale = figures_stale (shop);
  if (!*stale)
    {
      g_autofree char *data = data_fingerprint (shop);
      g_autofree char *stored = figures_fingerprint (shop);
      char *pair = g_strconcat (data, stored, NULL);

      /* The figures follow from the data: a pair found to agree once
       * need not be counted again. */
      if (!g_hash_table_contains (run->command->counted, pair))
        {
          g_autofree char *counted = figures_counted_now (shop);

          check (run, g_str_equal (stored, counted),
                 "the figures are not marked out of date, but differ from the data's:\n%s\nnot\n%s", stored,
                 counted);
          g_hash_table_add (run->command->counted, g_steal_pointer (&pair));
        }
      g_free (pair);
    }

  return g_steal_pointer (&shop);
}

/* Where a command leaves the shop when nothing stops it. */
static void
take_reference (Command *command)
{
  g_autofree char *root = siyu_test_tmpdir ();
  Run run = { command, 0, -1, NULL };
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *path = NULL;
  g_autofree char *err = NULL;
  Outcome outcome;

  command->counted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.dir = g_build_filename (root, "reference", NULL);
  g_assert_cmpint (g_mkdir (run.dir, 0700), ==, 0);
  path = run_shop (&run);
  prepare_run (&run);

  shop = siyu_shop_open (path, NULL);
  g_assert_nonnull (shop);
  command->base_data = data_fingerprint (shop);
  g_clear_object (&shop);

  outcome = run_command (&run, -1);
  err = run_stderr (&run);
  check (&run, outcome.status == 0, "siyu-cli exited with %d: %s", outcome.status, err);
  command->duration_ms = outcome.elapsed_ms;

  shop = open_checked (&run, &command->stale);
  command->data = data_fingerprint (shop);
  command->figures = figures_fingerprint (shop);
  if (command->check_done != NULL)
    command->check_done (&run, shop);
  g_clear_object (&shop);
  remove_run_dir (run.dir);
  g_free (run.dir);
}

/* Kills the command until it was killed @runs times, checking the shop
 * after each kill and after the command ran again to its end. */
static void
kill_command (Command *command)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ g_str_hash (command->name));
  g_autofree char *root = siyu_test_tmpdir ();

  take_reference (command);
  g_test_message ("%s: a run that is not killed takes %.1f ms", command->name, command->duration_ms);

  while (command->killed < runs)
    {
      Run run = { command, command->attempts++, 0, NULL };
      g_autoptr(SiyuShop) shop = NULL;
      g_autofree char *path = NULL;
      g_autofree char *data = NULL;
      g_autofree char *figures = NULL;
      g_autofree char *err = NULL;
      gboolean stale;
      Outcome outcome;

      run.dir = g_strdup_printf ("%s/run-%u", root, run.number);
      /* A run that ends before its kill is checked as well, but does not
       * count; most must be killed. */
      check (&run, command->attempts <= 4 * runs + 20, "only %u of %u runs were killed", command->killed,
             command->attempts - 1);
      g_assert_cmpint (g_mkdir (run.dir, 0700), ==, 0);
      path = run_shop (&run);
      prepare_run (&run);
      run.delay_ms = g_rand_double_range (rand, 0, command->duration_ms);

      outcome = run_command (&run, run.delay_ms);
      if (outcome.killed)
        command->killed++;
      else
        {
          err = run_stderr (&run);
          check (&run, outcome.status == 0, "siyu-cli ended before the kill, with %d: %s", outcome.status, err);
          g_clear_pointer (&err, g_free);
        }

      shop = open_checked (&run, &stale);
      data = data_fingerprint (shop);
      if (command->atomic)
        check (&run, g_str_equal (data, command->base_data) || g_str_equal (data, command->data),
               "the data is neither as before the command nor as after it:\n%s", data);
      if (outcome.killed && !g_str_equal (data, command->base_data))
        command->changed++;
      if (outcome.killed && stale)
        command->marked++;
      if (command->check_killed != NULL)
        command->check_killed (&run, shop);
      g_clear_object (&shop);

      if (command->before_again != NULL)
        command->before_again (&run);
      outcome = run_command (&run, -1);
      err = run_stderr (&run);
      check (&run, outcome.status == 0 || (command->done_refused && outcome.status == 1 &&
                                            g_str_equal (data, command->data)),
             "run again, siyu-cli exited with %d: %s", outcome.status, err);

      shop = open_checked (&run, &stale);
      g_clear_pointer (&data, g_free);
      data = data_fingerprint (shop);
      figures = figures_fingerprint (shop);
      check (&run, g_str_equal (data, command->data), "run again, the data is\n%s\nnot\n%s", data, command->data);
      check (&run, stale == command->stale, "run again, the figures are %s out of date",
             stale ? "marked" : "not marked");
      check (&run, g_str_equal (figures, command->figures), "run again, the figures are\n%s\nnot\n%s", figures,
             command->figures);
      if (command->check_done != NULL)
        command->check_done (&run, shop);
      g_clear_object (&shop);

      remove_run_dir (run.dir);
      g_free (run.dir);
    }

  g_test_message ("%s: killed %u times in %u runs; the data had changed after %u kills, the figures were marked "
                  "out of date after %u", command->name, command->killed, command->attempts, command->changed,
                  command->marked);
}

static void
command_clear (Command *command)
{
  g_free (command->base_data);
  g_free (command->data);
  g_free (command->figures);
  g_hash_table_unref (command->counted);
}

/* The shops and files the commands start from */

/* An exponential draw of mean @mean. */
static double
exponential (GRand  *rand,
             double  mean)
{
  return -mean * log (1.0 - g_rand_double (rand));
}

/* A year of orders of N_CUSTOMERS customers up to DATA_END, one CSV row a
 * line: each buys at a rate of their own until they drop out after an
 * order, with a chance of their own, and spends around an amount of their
 * own (the buy-till-you-die shape the predictions expect, so that their
 * fits settle quickly).  Customer N is contact N of the shop it goes to. */
static char *
write_orders_csv (const char *dir)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (18);
  g_autoptr(GDateTime) end = g_date_time_new_utc (2026, 3, 31, 0, 0, 0);
  GString *csv = g_string_new ("order_ref,created_at,status,phone,name,email,wechat_id,channel,sku,product_name,"
                               "quantity,unit_price,line_total,order_total,refunded_amount,currency\n");
  char *path = g_build_filename (dir, "orders.csv", NULL);
  guint order = 0;

  for (guint c = 1; c <= N_CUSTOMERS; c++)
    {
      double rate_mean = exponential (rand, 0.02);
      double drop = 1 - pow (1 - g_rand_double (rand), 1.0 / 3);
      double spend = 0;
      double day = g_rand_int_range (rand, 0, 365);

      for (guint k = 0; k < 4; k++)
        spend += exponential (rand, 15);
      while (day < 365)
        {
          g_autoptr(GDateTime) at = g_date_time_add_days (end, (int) day - 364);
          g_autofree char *when = g_date_time_format (at, "%Y-%m-%d 10:00:00");
          guint lines = g_rand_int_range (rand, 1, 4);

          order++;
          for (guint l = 0; l < lines; l++)
            {
              double price = 0;

              for (guint k = 0; k < 6; k++)
                price += exponential (rand, spend / 6);
              g_string_append_printf (csv, "K-%05u,%s,paid,1380000%04u,客%04u,k%04u@example.com,,门店,SKU-%u,茶%u,1,"
                                      "%u.00,,,,\n", order, when, c, c, c, l, l, MAX (1, (guint) price));
            }
          if (g_rand_double (rand) < drop)
            break;
          day += MAX (1, floor (exponential (rand, 1 / MAX (rate_mean, 1e-4))));
        }
    }

  g_assert_true (g_file_set_contents (path, csv->str, csv->len, NULL));
  g_string_free (csv, TRUE);

  return path;
}

/* A new shop whose data ends on DATA_END, so that the figures do not
 * depend on the day the test runs. */
static char *
new_shop (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "茶铺");
  g_autoptr(GError) error = NULL;
  SiyuDay end;

  g_assert_true (siyu_day_parse (DATA_END, &end));
  g_assert_true (siyu_shop_set_data_end (shop, end, &error));
  g_assert_true (siyu_recompute (shop, end, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  return g_strdup (siyu_shop_get_path (shop));
}

static char *orders_csv;
static char *counted_shop;

static const char *
get_orders_csv (void)
{
  if (orders_csv == NULL)
    {
      g_autofree char *dir = siyu_test_tmpdir ();

      orders_csv = write_orders_csv (dir);
    }

  return orders_csv;
}

/* The orders imported and counted, the consent of people never asked
 * taken as given, the built-in segments and “Buyers”, everyone with an
 * order. */
static const char *
get_counted_shop (void)
{
  if (counted_shop == NULL)
    {
      g_autofree char *path = new_shop ();
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *definition = g_build_filename (dir, "buyers.json", NULL);
      g_autoptr(SiyuShop) shop = NULL;
      g_autoptr(GError) error = NULL;
      char *out = NULL;
      char *err = NULL;

      g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", path, get_orders_csv (), NULL), ==, 0);
      g_free (out);
      g_free (err);
      g_assert_true (g_file_set_contents (definition, "{\"match\":\"all\",\"conditions\":"
                                                      "[{\"field\":\"orders\",\"op\":\">\",\"value\":0}]}", -1, NULL));
      g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "create", "Buyers", "--db", path, "--json-file",
                                          definition, NULL), ==, 0);
      g_free (out);
      g_free (err);

      shop = siyu_shop_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (siyu_consent_set_policy (shop, SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN, &error));
      g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_false (figures_stale (shop));
      g_assert_cmpint (query_int (shop, "SELECT count (*) FROM contacts"), ==, N_CUSTOMERS);
      g_assert_cmpint (query_int (shop, "SELECT count (*) FROM segments"), ==, 8);
      g_clear_object (&shop);
      g_assert_cmpint (g_remove (definition), ==, 0);

      counted_shop = g_steal_pointer (&path);
    }

  return counted_shop;
}

/* Import */

static void
import_check_killed (Run      *run,
                     SiyuShop *shop)
{
  gint64 orders = query_int (shop, "SELECT count (*) FROM orders");
  gint64 lines = query_int (shop, "SELECT count (*) FROM order_items");
  gint64 contacts = query_int (shop, "SELECT count (*) FROM contacts");

  /* The whole file is one transaction. */
  check (run, (orders == 0 && lines == 0 && contacts == 0) ||
              (orders == GPOINTER_TO_INT (run->command->data_for_checks) && contacts == N_CUSTOMERS),
         "%" G_GINT64_FORMAT " orders, %" G_GINT64_FORMAT " lines and %" G_GINT64_FORMAT " contacts are stored",
         orders, lines, contacts);
}

static void
import_check_done (Run      *run,
                   SiyuShop *shop)
{
  gint64 orders = query_int (shop, "SELECT count (*) FROM orders");

  if (run->command->data_for_checks == NULL)
    run->command->data_for_checks = GINT_TO_POINTER ((int) orders);
  check (run, orders == GPOINTER_TO_INT (run->command->data_for_checks) && orders > 1000,
         "%" G_GINT64_FORMAT " orders are stored", orders);
  check (run, query_int (shop, "SELECT count (*) FROM contacts") == N_CUSTOMERS, "not %u contacts", N_CUSTOMERS);
}

static void
test_import (void)
{
  g_autofree char *base = new_shop ();
  const char *args[] = { "import", "--db", "@DIR@/" SHOP_NAME, get_orders_csv (), NULL };
  Command command = {
    .name = "import", .base = base, .args = args, .atomic = TRUE,
    .check_killed = import_check_killed, .check_done = import_check_done,
  };

  kill_command (&command);
  command_clear (&command);
}

/* Sync */

static void
sync_check_killed (Run      *run,
                   SiyuShop *shop)
{
  gint64 orders = query_int (shop, "SELECT count (*) FROM orders WHERE channel_id = "
                                   "(SELECT channel_id FROM sync_accounts)");

  /* Each page is stored whole or not at all. */
  check (run, orders % SYNC_PAGE == 0 || orders == SYNC_ORDERS, "%" G_GINT64_FORMAT " orders are stored", orders);
}

static void
sync_check_done (Run      *run,
                 SiyuShop *shop)
{
  check (run, query_int (shop, "SELECT count (*) FROM orders WHERE channel_id = "
                               "(SELECT channel_id FROM sync_accounts)") == SYNC_ORDERS, "not %u orders", SYNC_ORDERS);
}

static void
test_sync (void)
{
  SiyuEmulator *emulator = siyu_emulator_start (FALSE);
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *base = g_build_filename (dir, SHOP_NAME, NULL);
  const char *args[] = { "sync", "--db", "@DIR@/" SHOP_NAME, "--base-url", emulator->url, NULL };
  Command command = {
    .name = "sync", .base = base, .args = args,
    .check_killed = sync_check_killed, .check_done = sync_check_done,
  };

  copy_file (get_counted_shop (), base);
  {
    g_autoptr(SiyuShop) shop = siyu_shop_open (base, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (siyu_sync_account_add (shop, "shopify", "tea", "https://tea-house.myshopify.com", &error), >, 0);
    g_assert_no_error (error);
  }
  /* Pages of made-up orders, without the pauses a full bucket of calls
   * asks for. */
  siyu_emulator_set (emulator, &emulator->synthetic, SYNC_ORDERS);
  siyu_emulator_set (emulator, &emulator->calls_used, 1);

  command.envp = g_get_environ ();
  command.envp = g_environ_setenv (command.envp, SIYU_SYNC_ENV_TOKEN, SIYU_EMULATOR_SHOPIFY_TOKEN, TRUE);
  command.envp = g_environ_setenv (command.envp, SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);

  kill_command (&command);
  g_strfreev (command.envp);
  command_clear (&command);
  siyu_emulator_stop (emulator);
}

/* Model */

static void
model_check_killed (Run      *run,
                    SiyuShop *shop)
{
  g_autofree char *model = rows_text (shop, "SELECT dormant_days, lost_days FROM lifecycle_models WHERE active");

  /* The model and the figures counted with it are stored together. */
  check (run, g_str_equal (model, "30\x1f" "180\n") || (g_str_equal (model, "45\x1f" "200\n") && !figures_stale (shop)),
         "the model is %s", model);
}

static void
model_check_done (Run      *run,
                  SiyuShop *shop)
{
  g_autofree char *model = rows_text (shop, "SELECT dormant_days, lost_days FROM lifecycle_models WHERE active");

  check (run, g_str_equal (model, "45\x1f" "200\n"), "the model is %s", model);
}

static void
test_model (void)
{
  const char *args[] = { "model", "set", "--db", "@DIR@/" SHOP_NAME, "--dormant-days", "45", "--lost-days", "200",
                         NULL };
  Command command = {
    .name = "model set", .base = get_counted_shop (), .args = args, .atomic = TRUE,
    .check_killed = model_check_killed, .check_done = model_check_done,
  };

  kill_command (&command);
  command_clear (&command);
}

/* Merge */

static void
merge_check_killed (Run      *run,
                    SiyuShop *shop)
{
  gint64 gone = 1 - query_int (shop, "SELECT count (*) FROM contacts WHERE id = 2");
  gint64 audited = query_int (shop, "SELECT count (*) FROM audit_log WHERE action = 'merge'");

  check (run, gone == audited, "contact 2 is %s, and %" G_GINT64_FORMAT " merges are in the audit log",
         gone ? "merged" : "not merged", audited);
}

static void
merge_check_done (Run      *run,
                  SiyuShop *shop)
{
  check (run, query_int (shop, "SELECT count (*) FROM contacts WHERE id = 2") == 0, "contact 2 is still there");
  check (run, query_int (shop, "SELECT count (*) FROM orders WHERE contact_id = 1") ==
              GPOINTER_TO_INT (run->command->data_for_checks), "not every order of 1 and 2 is 1's");
  check (run, query_int (shop, "SELECT count (*) FROM audit_log WHERE action = 'merge'") == 1, "not one merge audited");
}

static void
test_merge (void)
{
  const char *args[] = { "contact", "merge", "1", "2", "--db", "@DIR@/" SHOP_NAME, NULL };
  Command command = {
    .name = "contact merge", .base = get_counted_shop (), .args = args, .atomic = TRUE, .done_refused = TRUE,
    .check_killed = merge_check_killed, .check_done = merge_check_done,
  };
  g_autoptr(SiyuShop) shop = siyu_shop_open (command.base, NULL);

  command.data_for_checks = GINT_TO_POINTER ((int) query_int (shop, "SELECT count (*) FROM orders "
                                                                    "WHERE contact_id IN (1, 2)"));
  g_assert_cmpint (GPOINTER_TO_INT (command.data_for_checks), >, 1);
  g_clear_object (&shop);

  kill_command (&command);
  command_clear (&command);
}

/* Erasure */

/* Contact 3's phone, name and e-mail: none may be left in the shop file
 * or beside it once the erasure is committed and the shop closed. */
static const char * const erased[] = { "13800000003", "客0003", "k0003@example.com" };

static gboolean
holds (const char *contents,
       gsize       length,
       const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = contents; p != NULL && (gsize) (p - contents) + n <= length;
       p = memchr (p + 1, needle[0], length - (gsize) (p - contents) - 1))
    if (memcmp (p, needle, n) == 0)
      return TRUE;

  return FALSE;
}

static void
check_erased_bytes (Run *run)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
    {
      g_autofree char *path = g_strconcat (run->dir, "/" SHOP_NAME, suffixes[s], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (erased); i++)
        check (run, !holds (contents, length, erased[i]), "“%s” is still in %s",
               erased[i], path);
    }
}

static void
erase_check_killed (Run      *run,
                    SiyuShop *shop)
{
  gint64 erased_now = query_int (shop, "SELECT count (*) FROM contacts WHERE id = 3 AND erased_at IS NOT NULL");
  gint64 audited = query_int (shop, "SELECT count (*) FROM audit_log WHERE action = 'erase'");

  check (run, erased_now == audited, "contact 3 is %s, and %" G_GINT64_FORMAT " erasures are in the audit log",
         erased_now ? "erased" : "not erased", audited);
}

/* Killed between its commit and the checkpoint after it, the erasure is
 * in the write-ahead log and the shop file still holds the old pages:
 * once the next program closed the shop, nothing of theirs may be left. */
static void
erase_before_again (Run *run)
{
  g_autofree char *path = run_shop (run);
  g_autoptr(SiyuShop) shop = siyu_shop_open (path, NULL);

  g_assert_nonnull (shop);
  if (query_int (shop, "SELECT count (*) FROM contacts WHERE id = 3 AND erased_at IS NOT NULL") == 1)
    {
      g_clear_object (&shop);
      check_erased_bytes (run);
    }
}

static void
erase_check_done (Run      *run,
                  SiyuShop *shop)
{
  check (run, query_int (shop, "SELECT count (*) FROM contacts WHERE id = 3 AND erased_at IS NOT NULL "
                               "AND name IS NULL AND phone IS NULL AND email IS NULL") == 1, "contact 3 is not erased");
  check (run, query_int (shop, "SELECT count (*) FROM contact_identities WHERE contact_id = 3") == 0,
         "contact 3 keeps identities");
  check (run, query_int (shop, "SELECT count (*) FROM orders WHERE contact_id = 3") > 0, "contact 3's orders went");
  check (run, query_int (shop, "SELECT count (*) FROM audit_log WHERE action = 'erase'") == 1,
         "not one erasure audited");
}

static void
test_erase (void)
{
  const char *args[] = { "contact", "delete", "3", "--yes", "--db", "@DIR@/" SHOP_NAME, NULL };
  Command command = {
    .name = "contact delete", .base = get_counted_shop (), .args = args, .atomic = TRUE, .done_refused = TRUE,
    .check_killed = erase_check_killed, .before_again = erase_before_again, .check_done = erase_check_done,
  };

  kill_command (&command);
  command_clear (&command);
}

/* Export */

/* The temporary files of the export in the run's folder. */
static GPtrArray *
export_leftovers (Run *run)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (run->dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "." EXPORT_NAME "."))
      g_ptr_array_add (found, g_build_filename (run->dir, name, NULL));

  return found;
}

/* Every touch has its one audit line and the reverse, and a file under
 * its name is the whole export and has its touch. */
static void
export_check_records (Run      *run,
                      SiyuShop *shop)
{
  g_autofree char *path = g_build_filename (run->dir, EXPORT_NAME, NULL);
  GBytes *reference = run->command->data_for_checks;
  gint64 touches = query_int (shop, "SELECT count (*) FROM touches");
  gint64 audited = query_int (shop, "SELECT count (*) FROM audit_log WHERE action = 'export'");
  gint64 paired = query_int (shop, "SELECT count (*) FROM touches t JOIN audit_log a ON a.action = 'export' "
                                   "AND a.detail ->> '$.touch_id' = t.id AND a.detail ->> '$.file' = '" EXPORT_NAME "' "
                                   "AND a.detail ->> '$.count' = (SELECT count (*) FROM touch_members m "
                                   "  WHERE m.touch_id = t.id AND m.holdout = 0)");

  check (run, touches == audited && touches == paired, "%" G_GINT64_FORMAT " touches, %" G_GINT64_FORMAT
         " export audit lines, %" G_GINT64_FORMAT " of them a pair", touches, audited, paired);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      gsize length;
      g_autofree char *contents = siyu_test_read_file (path, &length);

      check (run, touches >= 1, "%s is there without its touch and audit line", EXPORT_NAME);
      check (run, reference == NULL || (length == g_bytes_get_size (reference) &&
                                        memcmp (contents, g_bytes_get_data (reference, NULL), length) == 0),
             "%s is not the whole export (%" G_GSIZE_FORMAT " bytes)", EXPORT_NAME, length);
    }
}

static void
export_check_killed (Run      *run,
                     SiyuShop *shop)
{
  g_autoptr(GPtrArray) leftovers = export_leftovers (run);

  export_check_records (run, shop);
  check (run, query_int (shop, "SELECT count (*) FROM touches") <= 1, "more than one touch after one export");
  check (run, leftovers->len <= 1, "%u temporary files", leftovers->len);
  if (leftovers->len > 0)
    run->command->leftovers++;
}

/* Siyu removes a temporary export file a killed process left beside the
 * shop when the shop is next opened, if it is older than a minute (one
 * younger may be another process's export being written).  The run again
 * is taken to come later: the leftovers are made two minutes old. */
static void
export_before_again (Run *run)
{
  g_autoptr(GPtrArray) leftovers = export_leftovers (run);
  struct utimbuf old;

  old.actime = old.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - 120);
  for (guint i = 0; i < leftovers->len; i++)
    g_assert_cmpint (utime (g_ptr_array_index (leftovers, i), &old), ==, 0);
}

static void
export_check_done (Run      *run,
                   SiyuShop *shop)
{
  g_autoptr(GPtrArray) leftovers = export_leftovers (run);
  g_autofree char *path = g_build_filename (run->dir, EXPORT_NAME, NULL);

  check (run, g_file_test (path, G_FILE_TEST_IS_REGULAR), "%s was not written", EXPORT_NAME);
  if (run->command->data_for_checks == NULL)
    {
      gsize length;
      char *contents = siyu_test_read_file (path, &length);

      run->command->data_for_checks = g_bytes_new_take (contents, length);
    }
  export_check_records (run, shop);
  check (run, leftovers->len == 0, "%s is left", (char *) g_ptr_array_index (leftovers, 0));
  check (run, query_int (shop, "SELECT count (*) FROM touch_members WHERE touch_id = (SELECT max (id) FROM touches)")
              == query_int (shop, "SELECT count (*) FROM contact_metrics WHERE orders > 0"),
         "the touch is not of every buyer");
}

static void
test_export (void)
{
  const char *args[] = { "segment", "export", "Buyers", "--db", "@DIR@/" SHOP_NAME, "--format", "csv",
                         "--out", "@DIR@/" EXPORT_NAME, NULL };
  Command command = {
    .name = "segment export", .base = get_counted_shop (), .args = args, .atomic = TRUE,
    .check_killed = export_check_killed, .before_again = export_before_again, .check_done = export_check_done,
  };

  kill_command (&command);
  g_test_message ("segment export: %u kills left a temporary file", command.leftovers);
  g_bytes_unref (command.data_for_checks);
  command_clear (&command);
}

/* Backups */

/* Every backup under its final name is whole: a killed backup leaves at
 * most a hidden partial file, which the next one removes. */
static void
backups_check_whole (Run      *run,
                     SiyuShop *shop)
{
  g_autofree char *folder = g_build_filename (run->dir, BACKUPS_NAME, NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr(SiyuShop) backup = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *integrity = NULL;

      if (name[0] == '.')
        continue;
      backup = siyu_shop_open_read_only (path, &error);
      check (run, backup != NULL, "the backup %s does not open: %s", name, error->message);
      integrity = rows_text (backup, "PRAGMA integrity_check");
      check (run, g_str_equal (integrity, "ok\n"), "the backup %s: PRAGMA integrity_check says %s", name, integrity);
    }
}

static void
test_backup (void)
{
  const char *args[] = { "backup", "create", "--db", "@DIR@/" SHOP_NAME, NULL };
  Command command = {
    .name = "backup create", .base = get_counted_shop (), .args = args, .atomic = TRUE,
    .check_killed = backups_check_whole, .check_done = backups_check_whole,
  };

  kill_command (&command);
  command_clear (&command);
}

static void
restore_check_killed (Run      *run,
                      SiyuShop *shop)
{
  gint64 orders = query_int (shop, "SELECT count (*) FROM orders");

  /* The counted shop, or the empty one of the backup. */
  check (run, orders == 0 || orders == GPOINTER_TO_INT (run->command->data_for_checks),
         "%" G_GINT64_FORMAT " orders are stored", orders);
  backups_check_whole (run, shop);
}

static void
restore_check_done (Run      *run,
                    SiyuShop *shop)
{
  check (run, query_int (shop, "SELECT count (*) FROM orders") == 0, "the orders of before the restore are there");
  backups_check_whole (run, shop);
}

static void
test_restore (void)
{
  g_autofree char *empty = new_shop ();
  const char *args[] = { "backup", "restore", BACKUP_NAME, "--yes", "--db", "@DIR@/" SHOP_NAME, NULL };
  Command command = {
    .name = "backup restore", .base = get_counted_shop (), .args = args, .atomic = TRUE, .backup = empty,
    .check_killed = restore_check_killed, .check_done = restore_check_done,
  };
  g_autoptr(SiyuShop) counted = siyu_shop_open (command.base, NULL);

  command.data_for_checks = GINT_TO_POINTER ((int) query_int (counted, "SELECT count (*) FROM orders"));
  g_clear_object (&counted);
  kill_command (&command);
  command_clear (&command);
}

int
main (int    argc,
      char **argv)
{
  const char *seed_text = g_getenv ("SIYU_KILL_SEED");
  const char *runs_text = g_getenv ("SIYU_KILL_RUNS");
  int status;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv (SIYU_SYNC_ENV_TOKEN);
  g_unsetenv (SIYU_SYNC_ENV_KEY);
  g_unsetenv (SIYU_SYNC_ENV_SECRET);

  seed = seed_text != NULL ? (guint32) g_ascii_strtoull (seed_text, NULL, 10) : g_random_int ();
  /* Under AddressSanitizer every run of siyu-cli is several times slower:
   * 20 kills a command still reach every part of it. */
  runs = 50;
#if defined(__SANITIZE_ADDRESS__)
  runs = 20;
#elif defined(__has_feature)
#if __has_feature (address_sanitizer)
  runs = 20;
#endif
#endif
  if (runs_text != NULL)
    runs = (guint) g_ascii_strtoull (runs_text, NULL, 10);
  g_assert_cmpuint (runs, >, 0);
  g_test_message ("seed %u (SIYU_KILL_SEED=%u replays it), %u kills a command", seed, seed, runs);

  g_test_add_func ("/siyu/kill/import", test_import);
  g_test_add_func ("/siyu/kill/sync", test_sync);
  g_test_add_func ("/siyu/kill/model-set", test_model);
  g_test_add_func ("/siyu/kill/contact-merge", test_merge);
  g_test_add_func ("/siyu/kill/contact-delete", test_erase);
  g_test_add_func ("/siyu/kill/segment-export", test_export);
  g_test_add_func ("/siyu/kill/backup-create", test_backup);
  g_test_add_func ("/siyu/kill/backup-restore", test_restore);

  status = g_test_run ();
  g_free (orders_csv);
  g_free (counted_shop);

  return status;
}
