/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-block-model"

#include "config.h"

#include "siyu-block-model.h"

/* A list read lazily from the shop, for lists of a million rows.  The rows
 * are counted first; an item is made only when the view asks for its row,
 * a block at a time, empty, and filled when the shop's worker has read its
 * block.  Only the last max_blocks blocks are kept, so that scrolling
 * through the whole list keeps memory flat.  The main thread never waits
 * for the database.
 *
 * What is read, and how, is the subclass's: it hands the worker a copy of
 * its query (the filter), which the count may complete (with the ids in
 * their order) and every read of a block of that count then shares. */

typedef struct {
  SiyuBlockModelClass *klass;
  gpointer             query;
} Load;

typedef struct
{
  SiyuShopRunner *runner;
  guint           n_items;
  Load           *load;         /* of the count shown, or NULL */
  GHashTable     *blocks;       /* block index → Block */
  GQueue          recent;       /* block indices, most recent first */
  GCancellable   *cancellable;  /* of the current count */
  GError         *error;
  gboolean        loading;
} SiyuBlockModelPrivate;

static void siyu_block_model_list_model_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (SiyuBlockModel, siyu_block_model, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (SiyuBlockModel)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, siyu_block_model_list_model_init))

enum {
  PROP_0,
  PROP_RUNNER,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LOAD_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A block of items, and the read that fills it: a block that leaves the
 * cache before it was read is not read at all, so that a fast scroll does
 * not queue reads of rows long gone by. */
typedef struct {
  GPtrArray    *items;
  GCancellable *cancellable;
} Block;

/* A queued count or read holds the model weakly: a list that is closed is
 * freed at once, and its reads still queued are cancelled. */
typedef struct {
  GWeakRef   model;
  Load      *load;
  guint      offset;
  GPtrArray *items;   /* of the block, or NULL for the count */
} Request;

static void
load_clear (gpointer data)
{
  Load *load = data;

  load->klass->free_query (load->query);
}

static void
load_unref (Load *load)
{
  g_atomic_rc_box_release_full (load, load_clear);
}

static void
block_free (gpointer data)
{
  Block *block = data;

  g_cancellable_cancel (block->cancellable);
  g_object_unref (block->cancellable);
  g_ptr_array_unref (block->items);
  g_free (block);
}

static Request *
request_new (SiyuBlockModel *self,
             Load           *load)
{
  Request *request = g_new0 (Request, 1);

  g_weak_ref_init (&request->model, self);
  request->load = g_atomic_rc_box_acquire (load);

  return request;
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_weak_ref_clear (&request->model);
  load_unref (request->load);
  g_clear_pointer (&request->items, g_ptr_array_unref);
  g_free (request);
}

static void
set_error (SiyuBlockModel *self,
           const GError   *error)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  if (priv->error == NULL && error == NULL)
    return;
  g_clear_error (&priv->error);
  if (error != NULL)
    priv->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
fail (SiyuBlockModel *self,
      const GError   *error)
{
  set_error (self, error);
  g_signal_emit (self, signals[LOAD_FAILED], 0, error);
}

static void
read_block_job (GTask        *task,
                SiyuShop     *shop,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  GPtrArray *rows;

  if (g_task_return_error_if_cancelled (task))
    return;
  rows = request->load->klass->read_block (shop, request->load->query,
                                           request->offset, request->items->len, &error);
  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
block_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Request *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(SiyuBlockModel) self = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_weak_ref_get (&request->model);
  if (self == NULL)
    return;
  if (rows == NULL)
    {
      fail (self, error);
      return;
    }

  /* The items may be shown still though the block left the cache.  Rows
   * past the end, if rows went away since the count, stay empty. */
  for (guint i = 0; i < request->items->len && i < rows->len; i++)
    {
      gpointer row = g_ptr_array_index (rows, i);

      if (row == NULL)
        continue;
      g_ptr_array_index (rows, i) = NULL;
      request->load->klass->fill_item (self, g_ptr_array_index (request->items, i), row);
    }
}

static GPtrArray *
get_block (SiyuBlockModel *self,
           guint           index)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);
  SiyuBlockModelClass *klass = SIYU_BLOCK_MODEL_GET_CLASS (self);
  Block *block = g_hash_table_lookup (priv->blocks, GUINT_TO_POINTER (index));
  Request *request;
  GTask *task;
  guint start = index * klass->block_size;
  guint end = MIN (start + klass->block_size, priv->n_items);

  if (block != NULL)
    {
      g_queue_remove (&priv->recent, GUINT_TO_POINTER (index));
      g_queue_push_head (&priv->recent, GUINT_TO_POINTER (index));
      return block->items;
    }

  block = g_new0 (Block, 1);
  block->items = g_ptr_array_new_full (end - start, g_object_unref);
  block->cancellable = g_cancellable_new ();
  for (guint i = start; i < end; i++)
    g_ptr_array_add (block->items, klass->new_item (self, priv->load->query, i));
  g_hash_table_insert (priv->blocks, GUINT_TO_POINTER (index), block);
  g_queue_push_head (&priv->recent, GUINT_TO_POINTER (index));

  request = request_new (self, priv->load);
  request->offset = start;
  request->items = g_ptr_array_ref (block->items);
  task = g_task_new (NULL, block->cancellable, block_read_cb, NULL);
  g_task_set_task_data (task, request, request_free);
  siyu_shop_runner_run (priv->runner, task, read_block_job);
  g_object_unref (task);

  /* The items stay alive while the view shows them. */
  while (g_queue_get_length (&priv->recent) > klass->max_blocks)
    g_hash_table_remove (priv->blocks, g_queue_pop_tail (&priv->recent));

  return block->items;
}

static GType
siyu_block_model_get_item_type (GListModel *model)
{
  return SIYU_BLOCK_MODEL_GET_CLASS (model)->item_type;
}

static guint
siyu_block_model_get_n_items (GListModel *model)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (SIYU_BLOCK_MODEL (model));

  return priv->n_items;
}

static gpointer
siyu_block_model_get_item (GListModel *model,
                           guint       position)
{
  SiyuBlockModel *self = SIYU_BLOCK_MODEL (model);
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);
  guint block_size = SIYU_BLOCK_MODEL_GET_CLASS (self)->block_size;
  GPtrArray *items;

  if (position >= priv->n_items)
    return NULL;
  items = get_block (self, position / block_size);

  return g_object_ref (g_ptr_array_index (items, position % block_size));
}

static void
siyu_block_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = siyu_block_model_get_item_type;
  iface->get_n_items = siyu_block_model_get_n_items;
  iface->get_item = siyu_block_model_get_item;
}

static gpointer
siyu_block_model_real_new_item (SiyuBlockModel *self,
                                gpointer        query,
                                guint           position)
{
  return g_object_new (SIYU_BLOCK_MODEL_GET_CLASS (self)->item_type, NULL);
}

static void
siyu_block_model_dispose (GObject *object)
{
  SiyuBlockModel *self = SIYU_BLOCK_MODEL (object);
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_hash_table_remove_all (priv->blocks);
  g_queue_clear (&priv->recent);

  G_OBJECT_CLASS (siyu_block_model_parent_class)->dispose (object);
}

static void
siyu_block_model_finalize (GObject *object)
{
  SiyuBlockModel *self = SIYU_BLOCK_MODEL (object);
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->runner);
  g_clear_pointer (&priv->load, load_unref);
  g_hash_table_unref (priv->blocks);
  g_clear_error (&priv->error);

  G_OBJECT_CLASS (siyu_block_model_parent_class)->finalize (object);
}

static void
siyu_block_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SiyuBlockModel *self = SIYU_BLOCK_MODEL (object);
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_RUNNER:
      g_value_set_object (value, priv->runner);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, priv->loading);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, priv->n_items);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, priv->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_block_model_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SiyuBlockModel *self = SIYU_BLOCK_MODEL (object);
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_RUNNER:
      priv->runner = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_block_model_class_init (SiyuBlockModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = siyu_block_model_dispose;
  object_class->finalize = siyu_block_model_finalize;
  object_class->get_property = siyu_block_model_get_property;
  object_class->set_property = siyu_block_model_set_property;

  klass->item_type = G_TYPE_OBJECT;
  klass->block_size = 64;
  klass->max_blocks = 16;
  klass->new_item = siyu_block_model_real_new_item;

  properties[PROP_RUNNER] =
    g_param_spec_object ("runner", NULL, NULL, SIYU_TYPE_SHOP_RUNNER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Why the last count or read failed, or %NULL. */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SiyuBlockModel::load-failed:
   * @error: why
   *
   * Emitted when the rows could not be counted (the list is then empty) or
   * a block of them could not be read (its rows stay empty).
   */
  signals[LOAD_FAILED] =
    g_signal_new ("load-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
siyu_block_model_init (SiyuBlockModel *self)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  priv->blocks = g_hash_table_new_full (NULL, NULL, NULL, block_free);
  g_queue_init (&priv->recent);
  priv->cancellable = g_cancellable_new ();
}

SiyuShopRunner *
siyu_block_model_get_runner (SiyuBlockModel *self)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  g_return_val_if_fail (SIYU_IS_BLOCK_MODEL (self), NULL);
  return priv->runner;
}

/**
 * siyu_block_model_get_query:
 *
 * Returns: (transfer none) (nullable): the query of the rows the list
 *   holds, as counted, or %NULL before the first count and after a failed
 *   one
 */
gpointer
siyu_block_model_get_query (SiyuBlockModel *self)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  g_return_val_if_fail (SIYU_IS_BLOCK_MODEL (self), NULL);
  return priv->load != NULL ? priv->load->query : NULL;
}

static void
count_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  guint n_rows = 0;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (request->load->klass->count (shop, request->load->query, &n_rows, &error))
    g_task_return_int (task, n_rows);
  else
    g_task_return_error (task, error);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Request *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gssize count = g_task_propagate_int (G_TASK (result), &error);
  g_autoptr(SiyuBlockModel) self = NULL;
  SiyuBlockModelPrivate *priv;
  guint removed;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_weak_ref_get (&request->model);
  if (self == NULL)
    return;
  priv = siyu_block_model_get_instance_private (self);

  g_object_freeze_notify (G_OBJECT (self));
  priv->loading = FALSE;
  set_error (self, error);

  removed = priv->n_items;
  g_hash_table_remove_all (priv->blocks);
  g_queue_clear (&priv->recent);
  g_clear_pointer (&priv->load, load_unref);
  if (error == NULL)
    priv->load = g_atomic_rc_box_acquire (request->load);
  priv->n_items = error == NULL ? (guint) count : 0;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, priv->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_thaw_notify (G_OBJECT (self));

  if (error != NULL)
    g_signal_emit (self, signals[LOAD_FAILED], 0, error);
}

/* Counts the rows again, with the query as it is now, and empties the list
 * when they have been counted. */
void
siyu_block_model_reload (SiyuBlockModel *self)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);
  SiyuBlockModelClass *klass;
  Load *load;
  GTask *task;

  g_return_if_fail (SIYU_IS_BLOCK_MODEL (self));

  klass = SIYU_BLOCK_MODEL_GET_CLASS (self);

  /* What was asked before is no longer wanted. */
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();

  load = g_atomic_rc_box_new0 (Load);
  load->klass = klass;
  load->query = klass->dup_query (self);
  task = g_task_new (NULL, priv->cancellable, counted_cb, NULL);
  g_task_set_task_data (task, request_new (self, load), request_free);
  load_unref (load);
  priv->loading = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  siyu_shop_runner_run (priv->runner, task, count_job);
  g_object_unref (task);
}

gboolean
siyu_block_model_is_loading (SiyuBlockModel *self)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  g_return_val_if_fail (SIYU_IS_BLOCK_MODEL (self), FALSE);
  return priv->loading;
}

/* Why the last count or read failed, or %NULL. */
const GError *
siyu_block_model_get_error (SiyuBlockModel *self)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  g_return_val_if_fail (SIYU_IS_BLOCK_MODEL (self), NULL);
  return priv->error;
}

/* For tests and benchmarks: how many blocks of items are kept. */
guint
siyu_block_model_get_n_cached_blocks (SiyuBlockModel *self)
{
  SiyuBlockModelPrivate *priv = siyu_block_model_get_instance_private (self);

  g_return_val_if_fail (SIYU_IS_BLOCK_MODEL (self), 0);
  return g_hash_table_size (priv->blocks);
}
