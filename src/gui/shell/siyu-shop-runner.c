/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-shop-runner"

#include "config.h"

#include "siyu-shop-runner.h"
#include "siyu-time.h"

/* A shop is used by one thread at a time, and its queries must not block
 * the main thread.  The runner owns the shop and does all work on it in
 * worker threads, one job after the other in the order they were asked
 * for.  The main thread keeps its own copy of the shop's settings, updated
 * whenever a job changes them, so that titles and labels never read the
 * shop while a worker writes it. */

typedef struct {
  char *name;
  char *currency;
  char *time_zone_id;
  GTimeZone *time_zone;
  char *phone_region;
} Settings;

typedef struct {
  SiyuShopRunner *runner;
  GTask          *task;
  SiyuShopJob     func;
} Job;

typedef struct {
  SiyuShopRunner *runner;
  Settings        settings;
} Update;

struct _SiyuShopRunner
{
  GObject       parent_instance;

  SiyuShop     *shop;
  char         *path;
  gboolean      read_only;
  GMainContext *context;
  gulong        changed_id;

  /* Main thread only. */
  Settings      settings;
  GQueue        queue;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (SiyuShopRunner, siyu_shop_runner, G_TYPE_OBJECT)

enum {
  SETTINGS_CHANGED,
  DATA_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
settings_clear (Settings *settings)
{
  g_clear_pointer (&settings->name, g_free);
  g_clear_pointer (&settings->currency, g_free);
  g_clear_pointer (&settings->time_zone_id, g_free);
  g_clear_pointer (&settings->time_zone, g_time_zone_unref);
  g_clear_pointer (&settings->phone_region, g_free);
}

/* Only while the shop is not in use by another thread. */
static void
settings_read (Settings *settings,
               SiyuShop *shop)
{
  settings->name = g_strdup (siyu_shop_get_name (shop));
  settings->currency = g_strdup (siyu_shop_get_currency (shop));
  settings->time_zone_id = g_strdup (siyu_shop_get_time_zone_id (shop));
  settings->time_zone = siyu_time_zone_new (settings->time_zone_id);
  if (settings->time_zone == NULL)
    settings->time_zone = g_time_zone_new_utc ();
  settings->phone_region = g_strdup (siyu_shop_get_phone_region (shop));
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->task);
  g_object_unref (job->runner);
  g_free (job);
}

static void
update_free (gpointer data)
{
  Update *update = data;

  settings_clear (&update->settings);
  g_object_unref (update->runner);
  g_free (update);
}

static gboolean
apply_update (gpointer data)
{
  Update *update = data;
  SiyuShopRunner *self = update->runner;

  settings_clear (&self->settings);
  self->settings = update->settings;
  memset (&update->settings, 0, sizeof update->settings);

  g_signal_emit (self, signals[SETTINGS_CHANGED], 0);

  return G_SOURCE_REMOVE;
}

/* Emitted by the shop in a worker thread, in the middle of a job. */
static void
shop_settings_changed_cb (SiyuShop       *shop,
                          SiyuShopRunner *self)
{
  Update *update = g_new0 (Update, 1);

  update->runner = g_object_ref (self);
  settings_read (&update->settings, shop);

  /* Ahead of the job's own result, so that its callback sees the new
   * settings. */
  g_main_context_invoke_full (self->context, G_PRIORITY_HIGH, apply_update, update, update_free);
}

static void
job_thread (GTask        *internal,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *unused)
{
  Job *job = task_data;
  GCancellable *cancellable = g_task_get_cancellable (job->task);
  GError *error = NULL;

  siyu_shop_lock (job->runner->shop);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    g_task_return_error (job->task, error);
  else
    job->func (job->task, job->runner->shop, g_task_get_task_data (job->task), cancellable);
  siyu_shop_unlock (job->runner->shop);

  g_task_return_boolean (internal, TRUE);
}

static void start_next (SiyuShopRunner *self);

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SiyuShopRunner *self = SIYU_SHOP_RUNNER (object);

  self->busy = FALSE;
  start_next (self);
}

static void
start_next (SiyuShopRunner *self)
{
  g_autoptr(GTask) internal = NULL;
  Job *job;

  if (self->busy || (job = g_queue_pop_head (&self->queue)) == NULL)
    return;

  self->busy = TRUE;
  internal = g_task_new (self, NULL, job_done_cb, NULL);
  g_task_set_source_tag (internal, start_next);
  g_task_set_task_data (internal, job, job_free);
  g_task_run_in_thread (internal, job_thread);
}

static void
siyu_shop_runner_finalize (GObject *object)
{
  SiyuShopRunner *self = (SiyuShopRunner *)object;

  /* Every queued or running job holds a reference. */
  g_assert (g_queue_is_empty (&self->queue));
  g_assert (!self->busy);

  g_clear_signal_handler (&self->changed_id, self->shop);
  g_clear_object (&self->shop);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  settings_clear (&self->settings);

  G_OBJECT_CLASS (siyu_shop_runner_parent_class)->finalize (object);
}

static void
siyu_shop_runner_class_init (SiyuShopRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_shop_runner_finalize;

  /**
   * SiyuShopRunner::settings-changed:
   *
   * Emitted in the main thread after a job changed the shop's name,
   * currency, time zone, phone region or last day of data.
   */
  signals[SETTINGS_CHANGED] =
    g_signal_new ("settings-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * SiyuShopRunner::data-changed:
   *
   * Emitted in the main thread when a page changed what others count, such
   * as consent or memberships, so that their counts follow without F5.
   */
  signals[DATA_CHANGED] =
    g_signal_new ("data-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
siyu_shop_runner_init (SiyuShopRunner *self)
{
  g_queue_init (&self->queue);
}

/**
 * siyu_shop_runner_new:
 * @shop: a shop that no other thread uses
 *
 * Takes the shop over: from now on use it only in jobs.
 */
SiyuShopRunner *
siyu_shop_runner_new (SiyuShop *shop)
{
  SiyuShopRunner *self;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  self = g_object_new (SIYU_TYPE_SHOP_RUNNER, NULL);
  self->shop = g_object_ref (shop);
  self->path = g_strdup (siyu_shop_get_path (shop));
  self->read_only = siyu_shop_is_read_only (shop);
  self->context = g_main_context_ref_thread_default ();
  settings_read (&self->settings, shop);
  self->changed_id = g_signal_connect (shop, "settings-changed", G_CALLBACK (shop_settings_changed_cb), self);

  return self;
}

/**
 * siyu_shop_runner_run:
 * @task: the caller's task; its cancellable, if any, is honoured before
 *   the job starts
 * @job: does the work in a worker thread and returns @task
 *
 * Queues @job behind any job already asked for.  @task's callback runs in
 * the thread that created @task, as usual.
 */
void
siyu_shop_runner_run (SiyuShopRunner *self,
                      GTask          *task,
                      SiyuShopJob     job)
{
  Job *queued;

  g_return_if_fail (SIYU_IS_SHOP_RUNNER (self));
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (job != NULL);

  queued = g_new0 (Job, 1);
  queued->runner = g_object_ref (self);
  queued->task = g_object_ref (task);
  queued->func = job;
  g_queue_push_tail (&self->queue, queued);

  start_next (self);
}

const char *
siyu_shop_runner_get_path (SiyuShopRunner *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), NULL);

  return self->path;
}

/* Whether the shop was opened for reading only: every change fails. */
gboolean
siyu_shop_runner_is_read_only (SiyuShopRunner *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), TRUE);

  return self->read_only;
}

const char *
siyu_shop_runner_get_name (SiyuShopRunner *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), NULL);

  return self->settings.name;
}

const char *
siyu_shop_runner_get_currency (SiyuShopRunner *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), NULL);

  return self->settings.currency;
}

const char *
siyu_shop_runner_get_time_zone_id (SiyuShopRunner *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), NULL);

  return self->settings.time_zone_id;
}

const char *
siyu_shop_runner_get_phone_region (SiyuShopRunner *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), NULL);

  return self->settings.phone_region;
}

/**
 * siyu_shop_runner_data_changed:
 *
 * Says, in the main thread, that a job changed what other pages count.
 */
void
siyu_shop_runner_data_changed (SiyuShopRunner *self)
{
  g_return_if_fail (SIYU_IS_SHOP_RUNNER (self));

  g_signal_emit (self, signals[DATA_CHANGED], 0);
}

/**
 * siyu_shop_runner_get_time_zone:
 *
 * Returns: (transfer none): the shop's time zone
 */
GTimeZone *
siyu_shop_runner_get_time_zone (SiyuShopRunner *self)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), NULL);

  return self->settings.time_zone;
}

/**
 * siyu_shop_runner_format_time:
 * @utc: seconds since 1970
 * @format: a g_date_time_format() format
 *
 * Formats a moment as a day and time of the shop's time zone, not of the
 * computer's: an order shows on the same day on every page.
 *
 * Returns: (transfer full): the formatted text
 */
char *
siyu_shop_runner_format_time (SiyuShopRunner *self,
                              gint64          utc,
                              const char     *format)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (self), NULL);
  g_return_val_if_fail (format != NULL, NULL);

  return siyu_time_format (self->settings.time_zone, utc, format);
}
