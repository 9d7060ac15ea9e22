/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "siyu-demo.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-json.h"
#include "siyu-segments.h"
#include "siyu-test-util.h"

/* A shop file is untrusted input: it may come from someone else, or be
 * damaged by a disk, a sync tool or a crash.
 *
 * The first tests are the damage the random test below found, made by hand:
 * each must fail without its fix.
 *
 * /siyu/damaged-shop/random (the slow suite) opens randomly damaged
 * copies of a small demo shop with every command of siyu-cli that only
 * reads, each as its own process.  Each must either answer (status 0, with
 * output of the right shape) or refuse (status 1, with a message on
 * stderr): no signal, no sanitizer report, no GLib critical, no hang, no
 * other status.
 *
 * Damage: bytes flipped in the header, in the schema page, in the headers
 * and cell pointers of b-tree pages or anywhere; the file cut short; a page
 * zeroed; two pages swapped.  Copy N is damaged from the seed SEED + N, so
 * a failure is replayed with SIYU_DAMAGE_SEED=SEED SIYU_DAMAGE_COPY=N, and
 * its file is kept.  Environment:
 *   SIYU_DAMAGE_COPIES   how many copies (default 500; more for a soak)
 *   SIYU_DAMAGE_SEED     the first seed (default 1)
 *   SIYU_DAMAGE_COPY     only this copy
 *   SIYU_DAMAGE_TIMEOUT  seconds a command may take (default 60)
 *   SIYU_DAMAGE_JOBS     commands run at once (default 2)
 *
 * A read command should leave the file as it was.  The test counts the
 * copies each command changed and prints them; see the end of
 * test_damaged_copies (). */

#define DEFAULT_COPIES  500
#define DEFAULT_TIMEOUT 60
#define KEEP_CONTACTS   300

typedef enum {
  SHAPE_OBJECT,
  SHAPE_ARRAY,
  SHAPE_TEXT,
} Shape;

typedef struct {
  const char *name;
  const char *args[6];
  const char *json_args[6];
  Shape       shape;
  const char *member;     /* in every answer's JSON object or array element */
} Command;

#define ALL_FIELDS "id,name,phone,email,stage,rfm_r,rfm_f,rfm_m,rfm_r_score,rfm_f_score,rfm_m_score," \
                   "rfm_segment,tier,tier_gap,pyramid,aipl,orders,net_spend,first_order,last_order," \
                   "p_alive,exp_orders_90d,exp_order_value,value_12m,next_due"

/* analytics recomputes and stores figures as of the shop's day; as of
 * another day it computes and prints only, which is what runs here. */
static const Command commands[] = {
  { "info", { "info" }, { "info", "--json" }, SHAPE_OBJECT, "currency" },
  { "contacts", { "contacts", "--fields", ALL_FIELDS },
    { "contacts", "--fields", ALL_FIELDS, "--format", "json" }, SHAPE_ARRAY, "id" },
  { "segment list", { "segment", "list" }, { "segment", "list", "--json" }, SHAPE_ARRAY, "definition" },
  { "review", { "review" }, { "review", "--json" }, SHAPE_OBJECT, "review" },
  { "orders", { "orders", "--limit", "100000" }, { "orders", "--limit", "100000", "--json" }, SHAPE_ARRAY, "reference" },
  { "analytics", { "analytics", "--as-of", "2026-10-31" }, { "analytics", "--as-of", "2026-10-31", "--json" },
    SHAPE_OBJECT, NULL },
};

typedef struct {
  GBytes  *pristine;
  gsize    page_size;
  char    *dir;
  guint    timeout;
  /* Findings, over all copies. */
  GString *failures;
  guint    n_failures;
  guint    changed[G_N_ELEMENTS (commands)];
  guint    answered[G_N_ELEMENTS (commands)];
  guint    refused[G_N_ELEMENTS (commands)];
  GString *changes;
  GHashTable *reasons;    /* first line of a refusal, without numbers → count */
} Run;

typedef struct {
  Run            *run;
  guint           copy;
  guint32         seed;
  GBytes         *damaged;
  char           *damage;
  guint           command;
  gboolean        json;
  char           *path;
  GSubprocess    *process;
  GCancellable   *cancellable;
  guint           timeout_id;
  gboolean        timed_out;
  gboolean        done;
  GBytes         *out;
  GBytes         *err;
  gint64          started;
} Job;

/* The demo shop cut down to its first contacts and their orders, with its
 * figures recomputed, its segments read once and the file vacuumed: about
 * 1 MB in 4 KB pages. */
static GBytes *
build_shop (const char *dir,
            gsize      *page_size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "small.siyu", NULL);
  SiyuDemoOptions options = { SIYU_DEMO_SMALL, 1, SIYU_DAY_INVALID };
  g_autoptr(SiyuShop) shop = siyu_demo_create (path, &options, NULL, NULL, NULL, &error);
  g_autofree char *cut = NULL;
  g_autoptr(JsonNode) segments = NULL;
  char *contents = NULL;
  gsize length = 0;
  SiyuDb *db;

  g_assert_no_error (error);
  db = siyu_shop_get_db (shop);
  cut = g_strdup_printf ("DELETE FROM orders WHERE contact_id > %d OR (contact_id IS NULL AND id %% 20 <> 0);"
                         "DELETE FROM contacts WHERE id > %d;", KEEP_CONTACTS, KEEP_CONTACTS);
  g_assert_true (siyu_db_exec (db, cut, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  /* The first reading of the segments adds the built-in ones. */
  segments = siyu_segments_list (shop, &error);
  g_assert_no_error (error);
  g_assert_true (siyu_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;", &error));
  g_assert_no_error (error);
  *page_size = (gsize) siyu_db_query_int (db, "PRAGMA page_size", &error);
  g_assert_no_error (error);
  g_clear_object (&shop);

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length % *page_size, ==, 0);
  return g_bytes_new_take (contents, length);
}

/* Where a byte is flipped: the 100-byte file header, the rest of page 1
 * (sqlite_schema's b-tree), the header and first cell pointers of a b-tree
 * page, or anywhere. */
static gsize
pick_offset (GRand *rand,
             gsize  size,
             gsize  page_size,
             const char **where)
{
  gsize n_pages = size / page_size;

  gint32 roll = g_rand_int_range (rand, 0, 20);

  switch (roll < 2 ? 0 : roll < 7 ? 1 : roll < 14 ? 2 : 3)
    {
    case 0:
      *where = "header";
      return (gsize) g_rand_int_range (rand, 0, 100);
    case 1:
      *where = "schema page";
      return (gsize) g_rand_int_range (rand, 100, (gint32) page_size);
    case 2:
      *where = "b-tree page header";
      return (gsize) g_rand_int_range (rand, 0, (gint32) n_pages) * page_size + (gsize) g_rand_int_range (rand, 0, 40);
    default:
      *where = "anywhere";
      return (gsize) g_rand_int_range (rand, 0, (gint32) size);
    }
}

/* One to three kinds of damage; the description says which, for a report. */
static GBytes *
damage (const Run  *run,
        guint32     seed,
        char      **description)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gsize size = g_bytes_get_size (run->pristine);
  guint8 *bytes = g_memdup2 (g_bytes_get_data (run->pristine, NULL), size);
  GString *text = g_string_new (NULL);
  /* Mostly one kind of damage: more of the file stays readable, so that
   * more of the code that reads it runs. */
  gint32 roll = g_rand_int_range (rand, 0, 10);
  guint n = roll < 6 ? 1 : roll < 9 ? 2 : 3;

  for (guint i = 0; i < n && size > 0; i++)
    {
      gsize n_pages = size / run->page_size;
      gsize page = n_pages > 0 ? (gsize) g_rand_int_range (rand, 0, (gint32) n_pages) : 0;

      if (i > 0)
        g_string_append (text, "; ");
      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:
          size = g_rand_boolean (rand) ? page * run->page_size
                                       : (gsize) g_rand_int_range (rand, 0, (gint32) size);
          g_string_append_printf (text, "cut to %" G_GSIZE_FORMAT " bytes", size);
          break;
        case 1:
          if (n_pages == 0)
            break;
          memset (bytes + page * run->page_size, 0, run->page_size);
          g_string_append_printf (text, "page %" G_GSIZE_FORMAT " zeroed", page + 1);
          break;
        case 2:
          {
            gsize other = (gsize) g_rand_int_range (rand, 0, (gint32) MAX (n_pages, 1));
            g_autofree guint8 *swap = g_malloc (run->page_size);

            if (n_pages == 0)
              break;
            memcpy (swap, bytes + page * run->page_size, run->page_size);
            memcpy (bytes + page * run->page_size, bytes + other * run->page_size, run->page_size);
            memcpy (bytes + other * run->page_size, swap, run->page_size);
            g_string_append_printf (text, "pages %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT " swapped",
                                    page + 1, other + 1);
          }
          break;
        default:
          {
            guint flips = (guint) g_rand_int_range (rand, 1, 9);

            g_string_append_printf (text, "%u bytes flipped at", flips);
            for (guint f = 0; f < flips; f++)
              {
                const char *where;
                gsize at = pick_offset (rand, size, run->page_size, &where);

                if (at >= size)
                  continue;
                bytes[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
                g_string_append_printf (text, " %" G_GSIZE_FORMAT " (%s)", at, where);
              }
          }
          break;
        }
    }

  *description = g_string_free (text, FALSE);
  return g_bytes_new_take (bytes, size);
}

static gboolean
has_report (const char *err)
{
  static const char * const marks[] = {
    "AddressSanitizer", "LeakSanitizer", "runtime error:", "-CRITICAL **", "-WARNING **", "-ERROR **",
  };

  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    if (strstr (err, marks[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* An answer of the right shape: JSON with the expected member, or text
 * that names what the command shows. */
static char *
check_answer (const Command *command,
              gboolean       json,
              const char    *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json)
    {
      if (g_str_equal (command->name, "info") && strstr (out, "Currency:") == NULL)
        return g_strdup ("no “Currency:” line");
      if (g_str_equal (command->name, "contacts") && !g_str_has_prefix (out, "id,name,phone,"))
        return g_strdup ("no CSV header");
      if (g_str_equal (command->name, "review") && !g_str_has_prefix (out, "Private-domain review of "))
        return g_strdup ("no title");
      if (g_str_equal (command->name, "analytics") && !g_str_has_prefix (out, "As of 2026-10-31"))
        return g_strdup ("no “As of” line");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, out, -1, &error))
    return g_strdup_printf ("not JSON: %s", error->message);
  root = json_parser_get_root (parser);
  if (command->shape == SHAPE_OBJECT)
    {
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        return g_strdup ("not a JSON object");
      if (command->member != NULL && !json_object_has_member (json_node_get_object (root), command->member))
        return g_strdup_printf ("no “%s”", command->member);
    }
  else if (command->shape == SHAPE_ARRAY)
    {
      JsonArray *array;

      if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
        return g_strdup ("not a JSON array");
      array = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_OBJECT (element) ||
              !json_object_has_member (json_node_get_object (element), command->member))
            return g_strdup_printf ("element %u has no “%s”", i, command->member);
        }
    }
  return NULL;
}

static void
remove_side_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

static void
fail (Job        *job,
      const char *what,
      const char *err)
{
  Run *run = job->run;
  const Command *command = &commands[job->command];
  g_autofree char *kept = g_strdup_printf ("%s/siyu-damaged-%u-%u.siyu", g_get_tmp_dir (), job->seed, job->copy);
  g_autofree char *shown = g_utf8_make_valid (err != NULL ? err : "", MIN (strlen (err != NULL ? err : ""), 3000));

  g_file_set_contents (kept, g_bytes_get_data (job->damaged, NULL), (gssize) g_bytes_get_size (job->damaged), NULL);
  run->n_failures++;
  g_string_append_printf (run->failures,
                          "copy %u (seed %u: %s), siyu-cli %s%s: %s\n  file kept: %s\n  stderr: %s\n",
                          job->copy, job->seed, job->damage, command->name, job->json ? " --json" : "", what,
                          kept, shown);
}

/* "info: siyu-cli: “FILE” is damaged (database disk image is malformed)…":
 * refusals counted by command and message, without file name and numbers. */
static void
count_reason (Run        *run,
              const char *command,
              const char *path,
              const char *err)
{
  g_autofree char *line = g_strndup (err, strcspn (err, "\n"));
  GString *reason = g_string_new (command);
  const char *at = strstr (line, path);
  gpointer count;

  g_string_append (reason, ": ");

  if (at != NULL)
    {
      g_string_append_len (reason, line, at - line);
      g_string_append (reason, "FILE");
      g_string_append (reason, at + strlen (path));
    }
  else
    g_string_append (reason, line);
  for (gsize i = 0; i < reason->len; i++)
    if (g_ascii_isdigit (reason->str[i]))
      reason->str[i] = 'N';
  count = g_hash_table_lookup (run->reasons, reason->str);
  g_hash_table_insert (run->reasons, g_string_free (reason, FALSE), GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
}

static int
by_count (gconstpointer a,
          gconstpointer b,
          gpointer      user_data)
{
  GHashTable *reasons = user_data;
  guint ca = GPOINTER_TO_UINT (g_hash_table_lookup (reasons, *(const char **) a));
  guint cb = GPOINTER_TO_UINT (g_hash_table_lookup (reasons, *(const char **) b));

  return ca < cb ? 1 : ca > cb ? -1 : 0;
}

static char *
bytes_to_text (GBytes *bytes)
{
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
job_finish (Job *job)
{
  Run *run = job->run;
  const Command *command = &commands[job->command];
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *after = NULL;
  gsize after_len = 0;

  out = bytes_to_text (job->out);
  err = bytes_to_text (job->err);

  if (job->timed_out)
    fail (job, "no answer in time (hung)", err);
  else if (g_subprocess_get_if_signaled (job->process))
    {
      g_autofree char *what = g_strdup_printf ("killed by signal %d", g_subprocess_get_term_sig (job->process));
      fail (job, what, err);
    }
  else if (has_report (err))
    fail (job, "a sanitizer or GLib report", err);
  else
    {
      int status = g_subprocess_get_exit_status (job->process);

      if (status == 0)
        {
          g_autofree char *wrong = NULL;

          if (!g_utf8_validate (out, -1, NULL))
            fail (job, "status 0 but the answer is not UTF-8", err);
          else if ((wrong = check_answer (command, job->json, out)) != NULL)
            {
              g_autofree char *what = g_strdup_printf ("status 0 but the answer is wrong: %s", wrong);
              fail (job, what, err);
            }
          else if (*err != '\0')
            fail (job, "status 0 with something on stderr", err);
          else
            run->answered[job->command]++;
        }
      else if (status == 1)
        {
          if (!g_str_has_prefix (err, "siyu-cli") || !g_utf8_validate (err, -1, NULL) || strlen (err) < 20)
            fail (job, "status 1 without a clear message", err);
          else
            {
              run->refused[job->command]++;
              count_reason (run, commands[job->command].name, job->path, err);
            }
        }
      else
        {
          g_autofree char *what = g_strdup_printf ("status %d", status);
          fail (job, what, err);
        }
    }

  /* A read command leaves the file as it found it, damaged or not. */
  if (g_file_get_contents (job->path, &after, &after_len, NULL) &&
      (after_len != g_bytes_get_size (job->damaged) ||
       memcmp (after, g_bytes_get_data (job->damaged, NULL), after_len) != 0))
    {
      if (run->changed[job->command]++ < 5)
        g_string_append_printf (run->changes, "  siyu-cli %s changed copy %u (seed %u: %s): %s\n",
                                command->name, job->copy, job->seed, job->damage,
                                g_subprocess_get_if_exited (job->process) &&
                                g_subprocess_get_exit_status (job->process) == 0 ? "answered" : "refused");
    }
}

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &job->out, &job->err, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_error ("reading siyu-cli's output: %s", error->message);
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  /* Also after a timeout: the process was killed, wait for it. */
  g_subprocess_wait (job->process, NULL, NULL);
  job->done = TRUE;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  Job *job = user_data;

  job->timed_out = TRUE;
  job->timeout_id = 0;
  g_subprocess_force_exit (job->process);
  return G_SOURCE_REMOVE;
}

static void
job_start (Job *job)
{
  const Command *command = &commands[job->command];
  const char *const *args = job->json ? command->json_args : command->args;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  remove_side_files (job->path);
  g_file_set_contents (job->path, g_bytes_get_data (job->damaged, NULL),
                       (gssize) g_bytes_get_size (job->damaged), &error);
  g_assert_no_error (error);

  g_ptr_array_add (argv, (char *) g_getenv ("SIYU_CLI"));
  for (guint i = 0; i < G_N_ELEMENTS (command->args) && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, job->path);
  g_ptr_array_add (argv, NULL);

  job->process = g_subprocess_newv ((const char *const *) argv->pdata,
                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  job->started = g_get_monotonic_time ();
  job->timeout_id = g_timeout_add_seconds (job->run->timeout, timed_out_cb, job);
  g_subprocess_communicate_async (job->process, NULL, NULL, communicated_cb, job);
}

static void
job_clear (Job *job)
{
  g_clear_object (&job->process);
  g_clear_pointer (&job->out, g_bytes_unref);
  g_clear_pointer (&job->err, g_bytes_unref);
  job->timed_out = FALSE;
  job->done = FALSE;
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value == NULL || *value == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &n, NULL))
    g_error ("%s must be a whole number, not “%s”", name, value);
  return (guint) n;
}

/* The undamaged shop answers every command: the reference for the rest. */
static void
check_pristine (Run *run)
{
  g_autofree char *path = g_build_filename (run->dir, "pristine.siyu", NULL);

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (int json = 0; json < 2; json++)
      {
        Job job = { run, 0, 0, run->pristine, (char *) "none", c, json, path, };

        job_start (&job);
        while (!job.done)
          g_main_context_iteration (NULL, TRUE);
        job_finish (&job);
        g_assert_cmpuint (run->n_failures, ==, 0);
        g_assert_cmpuint (run->changed[c], ==, 0);
        job_clear (&job);
      }
  memset (run->answered, 0, sizeof run->answered);
  remove_side_files (path);
}

/* Runs @sql on the shop file with SQLite alone, past the checks a shop
 * keeps: what a damaged or crafted file can hold. */
static void
damage_with_sql (const char *path,
                 const char *sql)
{
  sqlite3 *handle = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  sqlite3_exec (handle, "PRAGMA writable_schema = ON; PRAGMA ignore_check_constraints = ON;", NULL, NULL, NULL);
  if (sqlite3_exec (handle, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (handle), ==, SQLITE_OK);
}

static char *
new_shop (const char *dir)
{
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, "小王的茶叶店");
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(JsonNode) segments = NULL;
  g_autoptr(GError) error = NULL;

  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  gint64 wang = siyu_test_add_contact (ingest, shop, "王芳", "13800138000", "2026-01-02 10:00:00", TRUE);

  g_assert_no_error (error);
  siyu_test_add_order (ingest, shop, channel, "A1", wang, "2026-01-10 12:00:00", 30000);
  segments = siyu_segments_list (shop, &error);
  g_assert_no_error (error);
  return g_strdup (siyu_shop_get_path (shop));
}

/* A segment whose definition is gone or is not JSON: "segment list" took
 * a NULL to json_from_string (), a critical, then failed without an error
 * and crashed printing it. */
static void
test_segment_definition (void)
{
  static const char * const damaged[] = {
    /* NOT NULL taken out of the table for a moment, as a damaged record
     * header can do to a value. */
    "UPDATE sqlite_schema SET sql = replace (sql, 'definition TEXT NOT NULL', 'definition TEXT') "
    "WHERE name = 'segments';",
    "UPDATE segments SET definition = ''",
    "UPDATE segments SET definition = '{\"match\": \"al'",
    "UPDATE segments SET definition = CAST (X'7B22FF' AS TEXT)",
    /* Deeper than json-glib's recursion can go. */
    "UPDATE segments SET definition = printf ('%.*c', 200000, '[')",
  };

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autofree char *dir = siyu_test_tmpdir ();
      g_autofree char *path = new_shop (dir);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *expected = NULL;
      g_autoptr(SiyuShop) shop = NULL;
      g_autoptr(JsonNode) list = NULL;
      g_autoptr(GError) error = NULL;

      damage_with_sql (path, damaged[i]);
      if (i == 0)
        {
          damage_with_sql (path, "UPDATE segments SET definition = NULL WHERE id = 2");
          damage_with_sql (path, "UPDATE sqlite_schema SET sql = replace (sql, 'definition TEXT', "
                                 "'definition TEXT NOT NULL') WHERE name = 'segments';");
        }

      g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "list", "--db", path, NULL), ==, 1);
      /* Too deep is named as such, as anywhere JSON comes from outside. */
      if (i == G_N_ELEMENTS (damaged) - 1)
        expected = g_strdup ("siyu-cli: The definition of the segment “Dormant high spenders” is nested more than "
                             "64 levels deep; Siyu does not read it.\n");
      else
        expected = g_strdup_printf ("siyu-cli: “%s” is damaged: the definition of segment %d cannot be read. "
                                    "Restore it from a backup.\n", path, i == 0 ? 2 : 1);
      g_assert_cmpstr (err, ==, expected);

      shop = siyu_shop_open (path, &error);
      g_assert_no_error (error);
      list = siyu_segments_list (shop, &error);
      if (i == G_N_ELEMENTS (damaged) - 1)
        g_assert_error (error, SIYU_JSON_ERROR, SIYU_JSON_ERROR_TOO_DEEP);
      else
        g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CORRUPT);
      g_assert_null (list);
    }
}

/* Text in a damaged file need not be UTF-8: what siyu-cli prints is, so
 * that its JSON can be parsed. */
static void
test_text_not_utf8 (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = new_shop (dir);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *contact, *order, *item;

  /* 王 and a byte that starts no character. */
  damage_with_sql (path, "UPDATE contacts SET name = CAST (X'E78E8BFF' AS TEXT)");

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, "--fields", "id,name", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "id,name\n1,王\xef\xbf\xbd\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contacts", "--db", path, "--fields", "id,name",
                                      "--format", "json", NULL), ==, 0);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  contact = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  g_assert_cmpstr (json_object_get_string_member (contact, "name"), ==, "王\xef\xbf\xbd");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The orders' JSON is made by SQLite, from the text as it is stored. */
  damage_with_sql (path, "UPDATE order_items SET name = CAST (X'E9BE99FF' AS TEXT)");
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "orders", "--db", path, "--json", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  order = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  g_assert_cmpstr (json_object_get_string_member (order, "name"), ==, "王\xef\xbf\xbd");
  item = json_array_get_object_element (json_object_get_array_member (order, "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, "龙\xef\xbf\xbd");
}

/* SQLite quotes the damaged schema in its message; Siyu's message is UTF-8. */
static void
test_schema_not_utf8 (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = new_shop (dir);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = NULL;

  damage_with_sql (path, "UPDATE sqlite_schema SET sql = CAST (X'435245415445FF' AS TEXT) "
                         "WHERE name = 'contacts_phone'");

  shop = siyu_shop_open (path, &error);
  g_assert_null (shop);
  g_assert_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CORRUPT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "is damaged"));

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "info", "--db", path, NULL), ==, 1);
  g_assert_true (g_utf8_validate (err, -1, NULL));
  g_assert_nonnull (strstr (err, "is damaged (malformed database schema (contacts_phone)"));
}

/* An event of a kind the analytics do not know, or of no kind, as a damaged
 * record holds it: the analytics asserted, and every command that computes
 * them aborted.  It is now left out, as if it were not there. */
static void
test_event_kind (void)
{
  static const char * const damaged[] = { "'bogus'", "NULL" };

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autofree char *dir = siyu_test_tmpdir ();
      g_autofree char *path = new_shop (dir);
      g_autofree char *update = g_strdup_printf ("UPDATE events SET kind = %s", damaged[i]);
      g_autofree char *with = NULL;
      g_autofree char *without = NULL;
      g_autofree char *err = NULL;

      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SiyuShop) shop = siyu_shop_open (path, &error);
        g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);

        g_assert_true (siyu_ingest_event (ingest, 1, "view", siyu_test_time (shop, "2026-01-05 10:00:00"), 0,
                                          NULL, &error));
        g_assert_no_error (error);
      }
      /* NOT NULL is taken out of the table for a moment, and put back so
       * that the schema is the one the migrations made. */
      if (i == 1)
        damage_with_sql (path, "UPDATE sqlite_schema SET sql = replace (sql, 'kind        TEXT NOT NULL', "
                               "'kind        TEXT') WHERE name = 'events';");
      damage_with_sql (path, update);
      if (i == 1)
        damage_with_sql (path, "UPDATE sqlite_schema SET sql = replace (sql, 'kind        TEXT CHECK', "
                               "'kind        TEXT NOT NULL CHECK') WHERE name = 'events';");

      g_assert_cmpint (siyu_test_run_cli (&with, &err, "analytics", "--db", path, "--as-of", "2026-01-31",
                                          "--json", NULL), ==, 0);
      g_assert_cmpstr (err, ==, "");
      g_clear_pointer (&err, g_free);

      damage_with_sql (path, "DELETE FROM events");
      g_assert_cmpint (siyu_test_run_cli (&without, &err, "analytics", "--db", path, "--as-of", "2026-01-31",
                                          "--json", NULL), ==, 0);
      g_assert_cmpstr (with, ==, without);
    }
}

static void
test_damaged_copies (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  guint copies = env_uint ("SIYU_DAMAGE_COPIES", DEFAULT_COPIES);
  guint first_seed = env_uint ("SIYU_DAMAGE_SEED", 1);
  guint only = env_uint ("SIYU_DAMAGE_COPY", G_MAXUINT);
  guint n_jobs = MAX (env_uint ("SIYU_DAMAGE_JOBS", 2), 1);
  Run run = { NULL, 0, dir, env_uint ("SIYU_DAMAGE_TIMEOUT", DEFAULT_TIMEOUT), g_string_new (NULL), 0,
              { 0, }, { 0, }, { 0, }, g_string_new (NULL),
              g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  g_autofree Job *jobs = g_new0 (Job, n_jobs);
  guint next_copy = only != G_MAXUINT ? only : 0;
  guint last_copy = only != G_MAXUINT ? only + 1 : copies;
  guint n_runs = 0;
  gint64 started = g_get_monotonic_time ();

  run.pristine = build_shop (dir, &run.page_size);
  g_test_message ("shop of %" G_GSIZE_FORMAT " bytes in %" G_GSIZE_FORMAT "-byte pages; copies %u to %u, seeds %u to %u",
                  g_bytes_get_size (run.pristine), run.page_size, next_copy, last_copy - 1,
                  first_seed + next_copy, first_seed + last_copy - 1);
  check_pristine (&run);

  /* Each slot runs the commands of one copy after another, on its own file. */
  for (guint s = 0; s < n_jobs; s++)
    {
      jobs[s].run = &run;
      jobs[s].path = g_strdup_printf ("%s/copy-%u.siyu", dir, s);
      jobs[s].command = G_N_ELEMENTS (commands);
    }
  for (;;)
    {
      gboolean busy = FALSE;

      for (guint s = 0; s < n_jobs; s++)
        {
          Job *job = &jobs[s];

          if (job->process != NULL && !job->done)
            {
              busy = TRUE;
              continue;
            }
          if (job->process != NULL)
            {
              job_finish (job);
              job_clear (job);
              n_runs++;
              job->command++;
            }
          if (job->command >= G_N_ELEMENTS (commands))
            {
              g_clear_pointer (&job->damaged, g_bytes_unref);
              g_clear_pointer (&job->damage, g_free);
              if (next_copy >= last_copy)
                continue;
              job->copy = next_copy++;
              job->seed = first_seed + job->copy;
              job->damaged = damage (&run, job->seed, &job->damage);
              job->json = job->copy % 2 == 1;
              job->command = 0;
            }
          job_start (job);
          busy = TRUE;
        }
      if (!busy)
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  g_test_message ("%u runs in %.1f s", n_runs, (g_get_monotonic_time () - started) / 1e6);
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    g_test_message ("siyu-cli %-13s answered %4u, refused %4u, changed the file %u times",
                    commands[c].name, run.answered[c], run.refused[c], run.changed[c]);
  {
    g_autoptr(GPtrArray) keys = g_ptr_array_new ();
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, run.reasons);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_ptr_array_add (keys, key);

    g_ptr_array_sort_with_data (keys, by_count, run.reasons);
    for (guint i = 0; i < keys->len && i < 40; i++)
      g_test_message ("%5u refusals: %s",
                      GPOINTER_TO_UINT (g_hash_table_lookup (run.reasons, keys->pdata[i])),
                      (const char *) keys->pdata[i]);
  }
  if (run.changes->len > 0)
    g_test_message ("Files changed by a read command (first five per command):\n%s", run.changes->str);
  if (run.n_failures > 0)
    g_error ("%u runs went wrong; replay one with SIYU_DAMAGE_SEED=%u SIYU_DAMAGE_COPY=N:\n%s",
             run.n_failures, first_seed, run.failures->str);

  for (guint s = 0; s < n_jobs; s++)
    {
      remove_side_files (jobs[s].path);
      g_free (jobs[s].path);
    }
  g_bytes_unref (run.pristine);
  g_string_free (run.failures, TRUE);
  g_string_free (run.changes, TRUE);
  g_hash_table_unref (run.reasons);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/damaged-shop/segment-definition", test_segment_definition);
  g_test_add_func ("/siyu/damaged-shop/text-not-utf8", test_text_not_utf8);
  g_test_add_func ("/siyu/damaged-shop/schema-not-utf8", test_schema_not_utf8);
  g_test_add_func ("/siyu/damaged-shop/event-kind", test_event_kind);
  g_test_add_func ("/siyu/damaged-shop/random", test_damaged_copies);

  return g_test_run ();
}
