/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-block-model.h"
#include "siyu-test-ui.h"
#include "siyu-test-util.h"

/* SiyuBlockModel with a loader made up here: row i is "row i", the count
 * or a read fails on request, and every count and read is counted. */

#define TEST_ERROR (g_quark_from_static_string ("test-block-model-error"))

static int n_counts;   /* atomic */
static int n_reads;    /* atomic */

typedef struct {
  guint n_rows;
  int   fail_count;
  int   fail_block;    /* the block whose read fails, or -1 */
} Query;

#define TEST_TYPE_ROW_MODEL (test_row_model_get_type ())
G_DECLARE_FINAL_TYPE (TestRowModel, test_row_model, TEST, ROW_MODEL, SiyuBlockModel)

struct _TestRowModel
{
  SiyuBlockModel parent_instance;

  Query          query;
};

G_DEFINE_FINAL_TYPE (TestRowModel, test_row_model, SIYU_TYPE_BLOCK_MODEL)

static gpointer
test_row_model_dup_query (SiyuBlockModel *model)
{
  return g_memdup2 (&TEST_ROW_MODEL (model)->query, sizeof (Query));
}

static gboolean
test_row_model_count (SiyuShop  *shop,
                      gpointer   data,
                      guint     *n_rows,
                      GError   **error)
{
  Query *query = data;

  g_atomic_int_inc (&n_counts);
  if (query->fail_count)
    {
      g_set_error (error, TEST_ERROR, 1, "The rows could not be counted: %s", "disk I/O error");
      return FALSE;
    }
  *n_rows = query->n_rows;

  return TRUE;
}

static GPtrArray *
test_row_model_read_block (SiyuShop  *shop,
                           gpointer   data,
                           guint      offset,
                           guint      n_rows,
                           GError   **error)
{
  Query *query = data;
  GPtrArray *rows;

  g_atomic_int_inc (&n_reads);
  if (query->fail_block >= 0 && offset / 64 == (guint) query->fail_block)
    {
      g_set_error (error, TEST_ERROR, 2, "Block %u could not be read", offset / 64);
      return NULL;
    }
  rows = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_rows; i++)
    g_ptr_array_add (rows, g_strdup_printf ("row %u", offset + i));

  return rows;
}

static void
test_row_model_fill_item (SiyuBlockModel *model,
                          gpointer        item,
                          gpointer        row)
{
  g_object_set_data_full (item, "row", row, g_free);
}

static void
test_row_model_class_init (TestRowModelClass *klass)
{
  SiyuBlockModelClass *block_model_class = SIYU_BLOCK_MODEL_CLASS (klass);

  block_model_class->item_type = G_TYPE_OBJECT;
  block_model_class->block_size = 64;
  block_model_class->max_blocks = 4;
  block_model_class->dup_query = test_row_model_dup_query;
  block_model_class->free_query = g_free;
  block_model_class->count = test_row_model_count;
  block_model_class->read_block = test_row_model_read_block;
  block_model_class->fill_item = test_row_model_fill_item;
}

static void
test_row_model_init (TestRowModel *self)
{
  self->query.n_rows = 1000;
  self->query.fail_block = -1;
}

/* A shop's worker that the test holds up, to queue reads behind. */

typedef struct {
  GMutex   mutex;
  GCond    cond;
  gboolean open;
  gboolean done;
} Gate;

static void
gate_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Gate *gate = task_data;

  g_mutex_lock (&gate->mutex);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
  g_task_return_boolean (task, TRUE);
}

static void
gate_passed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Gate *gate = user_data;

  gate->done = TRUE;
}

static void
gate_queue (Gate           *gate,
            SiyuShopRunner *runner,
            gboolean        open)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, gate_passed_cb, gate);

  g_mutex_init (&gate->mutex);
  g_cond_init (&gate->cond);
  gate->open = open;
  gate->done = FALSE;
  g_task_set_task_data (task, gate, NULL);
  siyu_shop_runner_run (runner, task, gate_job);
}

static gboolean
gate_done (gpointer data)
{
  return ((Gate *) data)->done;
}

static void
gate_clear (Gate *gate)
{
  g_mutex_clear (&gate->mutex);
  g_cond_clear (&gate->cond);
}

/* Opens the gate and waits until the worker has done what was queued
 * behind it. */
static void
gate_open (Gate           *gate,
           SiyuShopRunner *runner)
{
  Gate last;

  g_mutex_lock (&gate->mutex);
  gate->open = TRUE;
  g_cond_signal (&gate->cond);
  g_mutex_unlock (&gate->mutex);

  gate_queue (&last, runner, TRUE);
  siyu_test_wait_for (gate_done, &last);
  g_assert_true (gate->done);
  gate_clear (&last);
  gate_clear (gate);
}

static SiyuShopRunner *
runner_new (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "rows.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuShop) shop = siyu_shop_create (path, "Rows", "CNY", "Asia/Shanghai", &error);

  g_assert_no_error (error);

  return siyu_shop_runner_new (shop);
}

static gboolean
counted (gpointer data)
{
  return !siyu_block_model_is_loading (data);
}

static gboolean
filled (gpointer data)
{
  return g_object_get_data (data, "row") != NULL;
}

static GObject *
get_item (SiyuBlockModel *model,
          guint           position)
{
  return g_list_model_get_item (G_LIST_MODEL (model), position);
}

/* Items are made, and read, a block at a time, as they are asked for; only
 * the last max_blocks blocks are kept. */
static void
test_lazy (void)
{
  g_autoptr(SiyuShopRunner) runner = runner_new ();
  g_autoptr(SiyuBlockModel) model = g_object_new (TEST_TYPE_ROW_MODEL, "runner", runner, NULL);
  g_autoptr(GObject) item = NULL;
  g_autoptr(GObject) same_block = NULL;
  int reads = g_atomic_int_get (&n_reads);

  siyu_block_model_reload (model);
  g_assert_true (siyu_block_model_is_loading (model));
  siyu_test_wait_for (counted, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_assert_cmpuint (siyu_block_model_get_n_cached_blocks (model), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&n_reads), ==, reads);

  item = get_item (model, 130);
  g_assert_cmpuint (siyu_block_model_get_n_cached_blocks (model), ==, 1);
  siyu_test_wait_for (filled, item);
  g_assert_cmpstr (g_object_get_data (item, "row"), ==, "row 130");
  g_assert_cmpint (g_atomic_int_get (&n_reads), ==, reads + 1);

  same_block = get_item (model, 191);
  siyu_test_drain ();
  g_assert_cmpstr (g_object_get_data (same_block, "row"), ==, "row 191");
  g_assert_cmpuint (siyu_block_model_get_n_cached_blocks (model), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&n_reads), ==, reads + 1);

  for (guint position = 192; position < 1000; position += 64)
    g_object_unref (get_item (model, position));
  g_assert_cmpuint (siyu_block_model_get_n_cached_blocks (model), ==, 4);
  g_assert_null (get_item (model, 1000));
  siyu_test_drain ();

  g_assert_finalize_object (g_steal_pointer (&model));
}

/* A list closed while its reads wait for the worker is freed at once, and
 * its reads are not done. */
static void
test_dispose_queued (void)
{
  g_autoptr(SiyuShopRunner) runner = runner_new ();
  SiyuBlockModel *model = g_object_new (TEST_TYPE_ROW_MODEL, "runner", runner, NULL);
  Gate gate;
  int reads, counts;

  siyu_block_model_reload (model);
  siyu_test_wait_for (counted, model);

  gate_queue (&gate, runner, FALSE);
  g_object_unref (get_item (model, 0));
  g_object_unref (get_item (model, 640));
  siyu_block_model_reload (model);
  g_assert_cmpuint (siyu_block_model_get_n_cached_blocks (model), ==, 2);
  reads = g_atomic_int_get (&n_reads);
  counts = g_atomic_int_get (&n_counts);

  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &model);
  g_object_unref (model);
  g_assert_null (model);

  gate_open (&gate, runner);
  g_assert_cmpint (g_atomic_int_get (&n_reads), ==, reads);
  g_assert_cmpint (g_atomic_int_get (&n_counts), ==, counts);
}

static void
load_failed_cb (SiyuBlockModel *model,
                const GError   *error,
                GError        **out)
{
  g_assert_null (*out);
  *out = g_error_copy (error);
}

/* A count or read that fails says why, in the signal and the property. */
static void
test_load_failed (void)
{
  g_autoptr(SiyuShopRunner) runner = runner_new ();
  g_autoptr(SiyuBlockModel) model = g_object_new (TEST_TYPE_ROW_MODEL, "runner", runner, NULL);
  g_autoptr(GError) failed = NULL;
  g_autoptr(GError) property = NULL;
  g_autoptr(GObject) item = NULL;

  g_signal_connect (model, "load-failed", G_CALLBACK (load_failed_cb), &failed);

  TEST_ROW_MODEL (model)->query.fail_count = TRUE;
  siyu_block_model_reload (model);
  siyu_test_wait_for (counted, model);
  g_assert_error (failed, TEST_ERROR, 1);
  g_assert_cmpstr (failed->message, ==, "The rows could not be counted: disk I/O error");
  g_object_get (model, "error", &property, NULL);
  g_assert_error (property, TEST_ERROR, 1);
  g_assert_cmpstr (property->message, ==, "The rows could not be counted: disk I/O error");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_clear_error (&failed);

  /* A count that works again clears the error. */
  TEST_ROW_MODEL (model)->query.fail_count = FALSE;
  TEST_ROW_MODEL (model)->query.fail_block = 1;
  siyu_block_model_reload (model);
  siyu_test_wait_for (counted, model);
  g_assert_null (siyu_block_model_get_error (model));
  g_assert_null (failed);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);

  item = get_item (model, 70);
  siyu_test_drain ();
  g_assert_error (failed, TEST_ERROR, 2);
  g_assert_cmpstr (failed->message, ==, "Block 1 could not be read");
  g_assert_error (siyu_block_model_get_error (model), TEST_ERROR, 2);
  g_assert_null (g_object_get_data (item, "row"));

  g_assert_finalize_object (g_steal_pointer (&model));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/ui/block-model/lazy", test_lazy);
  g_test_add_func ("/siyu/ui/block-model/dispose-queued", test_dispose_queued);
  g_test_add_func ("/siyu/ui/block-model/load-failed", test_load_failed);

  return g_test_run ();
}
