/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-order-model"

#include "config.h"

#include "siyu-order-model.h"

/* The orders list's model.  It counts the orders the filter lets through
 * and makes an item for a row only when the view asks for it.  Items are
 * made a block at a time, empty, and filled when the shop's worker has
 * read their block by its place in the list; only the last MAX_BLOCKS
 * blocks are kept, so that scrolling through two million orders keeps
 * memory flat.  The main thread never waits for the database. */

/* A list view makes up to 200 rows at once: one block covers them, so the
 * first screen costs one read, however long the filter takes. */
#define BLOCK_SIZE 256
#define MAX_BLOCKS 8

struct _SiyuOrderItem
{
  GObject           parent_instance;

  SiyuOrderSummary *summary;
};

G_DEFINE_FINAL_TYPE (SiyuOrderItem, siyu_order_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_LOADED,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
siyu_order_item_finalize (GObject *object)
{
  SiyuOrderItem *self = SIYU_ORDER_ITEM (object);

  g_clear_pointer (&self->summary, siyu_order_summary_free);

  G_OBJECT_CLASS (siyu_order_item_parent_class)->finalize (object);
}

static void
siyu_order_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SiyuOrderItem *self = SIYU_ORDER_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_LOADED:
      g_value_set_boolean (value, self->summary != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_order_item_class_init (SiyuOrderItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_order_item_finalize;
  object_class->get_property = siyu_order_item_get_property;

  /* Notified once, when the row's order has been read. */
  item_properties[ITEM_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
siyu_order_item_init (SiyuOrderItem *self)
{
}

/* %NULL until loaded. */
const SiyuOrderSummary *
siyu_order_item_get_summary (SiyuOrderItem *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_ITEM (self), NULL);
  return self->summary;
}

struct _SiyuOrderModel
{
  GObject          parent_instance;

  SiyuShopRunner  *runner;
  guint            n_items;
  GHashTable      *blocks;       /* block index → Block */
  GQueue           recent;       /* block indices, most recent first */
  GCancellable    *cancellable;  /* of the current count and its blocks */
  SiyuOrderFilter *filter;
  GError          *error;
  gboolean         loading;
};

static void siyu_order_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SiyuOrderModel, siyu_order_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, siyu_order_model_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static SiyuOrderFilter *
filter_copy (const SiyuOrderFilter *filter)
{
  SiyuOrderFilter *copy = g_new (SiyuOrderFilter, 1);

  *copy = *filter;
  copy->search = g_strdup (filter->search);
  copy->status = g_strdup (filter->status);

  return copy;
}

static void
filter_free (gpointer data)
{
  SiyuOrderFilter *filter = data;

  g_free ((char *) filter->search);
  g_free ((char *) filter->status);
  g_free (filter);
}

/* A block of items, and the read that fills it: a block that leaves the
 * cache before it was read is not read at all, so that a fast scroll does
 * not queue reads of rows long gone by. */
typedef struct {
  GPtrArray    *items;
  GCancellable *cancellable;
} Block;

/* A read holds the model weakly: once the list is gone, its blocks are
 * freed and the reads still queued are cancelled. */
typedef struct {
  GWeakRef         model;
  SiyuOrderFilter *filter;
  guint            offset;
  GPtrArray       *items;
} BlockRequest;

static void
block_free (gpointer data)
{
  Block *block = data;

  g_cancellable_cancel (block->cancellable);
  g_object_unref (block->cancellable);
  g_ptr_array_unref (block->items);
  g_free (block);
}

static void
block_request_free (gpointer data)
{
  BlockRequest *request = data;

  g_weak_ref_clear (&request->model);
  filter_free (request->filter);
  g_ptr_array_unref (request->items);
  g_free (request);
}

static void
set_error (SiyuOrderModel *self,
           const GError   *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
read_block_job (GTask        *task,
                SiyuShop     *shop,
                gpointer      task_data,
                GCancellable *cancellable)
{
  BlockRequest *request = task_data;
  GError *error = NULL;
  GPtrArray *rows;

  if (g_task_return_error_if_cancelled (task))
    return;
  rows = siyu_orders_read (shop, request->filter, request->offset, request->items->len, &error);
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
  BlockRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = g_task_propagate_pointer (G_TASK (result), &error);

  if (rows == NULL)
    {
      g_autoptr(SiyuOrderModel) self = g_weak_ref_get (&request->model);

      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error (self, error);
      return;
    }

  /* The items may be shown still though the block left the cache.  Rows
   * past the end, if orders went away since the count, stay empty. */
  for (guint i = 0; i < request->items->len && i < rows->len; i++)
    {
      SiyuOrderItem *item = g_ptr_array_index (request->items, i);

      g_clear_pointer (&item->summary, siyu_order_summary_free);
      item->summary = g_ptr_array_index (rows, i);
      g_ptr_array_index (rows, i) = NULL;
      g_object_notify_by_pspec (G_OBJECT (item), item_properties[ITEM_PROP_LOADED]);
    }
}

static GPtrArray *
get_block (SiyuOrderModel *self,
           guint           index)
{
  Block *block = g_hash_table_lookup (self->blocks, GUINT_TO_POINTER (index));
  BlockRequest *request;
  GTask *task;
  guint start = index * BLOCK_SIZE;
  guint end = MIN (start + BLOCK_SIZE, self->n_items);

  if (block != NULL)
    {
      g_queue_remove (&self->recent, GUINT_TO_POINTER (index));
      g_queue_push_head (&self->recent, GUINT_TO_POINTER (index));
      return block->items;
    }

  block = g_new0 (Block, 1);
  block->items = g_ptr_array_new_full (end - start, g_object_unref);
  block->cancellable = g_cancellable_new ();
  for (guint i = start; i < end; i++)
    g_ptr_array_add (block->items, g_object_new (SIYU_TYPE_ORDER_ITEM, NULL));
  g_hash_table_insert (self->blocks, GUINT_TO_POINTER (index), block);
  g_queue_push_head (&self->recent, GUINT_TO_POINTER (index));

  request = g_new0 (BlockRequest, 1);
  g_weak_ref_init (&request->model, self);
  request->filter = filter_copy (self->filter);
  request->offset = start;
  request->items = g_ptr_array_ref (block->items);
  task = g_task_new (NULL, block->cancellable, block_read_cb, NULL);
  g_task_set_task_data (task, request, block_request_free);
  siyu_shop_runner_run (self->runner, task, read_block_job);
  g_object_unref (task);

  /* The items stay alive while the view shows them. */
  while (g_queue_get_length (&self->recent) > MAX_BLOCKS)
    g_hash_table_remove (self->blocks, g_queue_pop_tail (&self->recent));

  return block->items;
}

static GType
siyu_order_model_get_item_type (GListModel *model)
{
  return SIYU_TYPE_ORDER_ITEM;
}

static guint
siyu_order_model_get_n_items (GListModel *model)
{
  return SIYU_ORDER_MODEL (model)->n_items;
}

static gpointer
siyu_order_model_get_item (GListModel *model,
                           guint       position)
{
  SiyuOrderModel *self = SIYU_ORDER_MODEL (model);
  GPtrArray *items;

  if (position >= self->n_items)
    return NULL;
  items = get_block (self, position / BLOCK_SIZE);

  return g_object_ref (g_ptr_array_index (items, position % BLOCK_SIZE));
}

static void
siyu_order_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = siyu_order_model_get_item_type;
  iface->get_n_items = siyu_order_model_get_n_items;
  iface->get_item = siyu_order_model_get_item;
}

static void
siyu_order_model_dispose (GObject *object)
{
  SiyuOrderModel *self = SIYU_ORDER_MODEL (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (siyu_order_model_parent_class)->dispose (object);
}

static void
siyu_order_model_finalize (GObject *object)
{
  SiyuOrderModel *self = SIYU_ORDER_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_hash_table_unref (self->blocks);
  g_queue_clear (&self->recent);
  g_clear_pointer (&self->filter, filter_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (siyu_order_model_parent_class)->finalize (object);
}

static void
siyu_order_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SiyuOrderModel *self = SIYU_ORDER_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_order_model_class_init (SiyuOrderModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = siyu_order_model_dispose;
  object_class->finalize = siyu_order_model_finalize;
  object_class->get_property = siyu_order_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Why the orders could not be read, or %NULL. */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
siyu_order_model_init (SiyuOrderModel *self)
{
  SiyuOrderFilter everything;

  siyu_order_filter_init (&everything);
  self->filter = filter_copy (&everything);
  self->blocks = g_hash_table_new_full (NULL, NULL, NULL, block_free);
  g_queue_init (&self->recent);
  self->cancellable = g_cancellable_new ();
}

SiyuOrderModel *
siyu_order_model_new (SiyuShopRunner *runner)
{
  SiyuOrderModel *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_ORDER_MODEL, NULL);
  self->runner = g_object_ref (runner);

  return self;
}

static void
count_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  GError *error = NULL;
  guint count = 0;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (siyu_orders_count (shop, task_data, &count, &error))
    g_task_return_int (task, count);
  else
    g_task_return_error (task, error);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gssize count = g_task_propagate_int (G_TASK (result), &error);
  SiyuOrderModel *self;
  guint removed;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SIYU_ORDER_MODEL (source);
  g_object_freeze_notify (G_OBJECT (self));
  self->loading = FALSE;
  set_error (self, error);

  removed = self->n_items;
  self->n_items = error != NULL ? 0 : (guint) count;
  g_hash_table_remove_all (self->blocks);
  g_queue_clear (&self->recent);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Counts the orders again, with @filter (copied) from now on. */
void
siyu_order_model_set_filter (SiyuOrderModel        *self,
                             const SiyuOrderFilter *filter)
{
  g_return_if_fail (SIYU_IS_ORDER_MODEL (self));
  g_return_if_fail (filter != NULL);

  g_clear_pointer (&self->filter, filter_free);
  self->filter = filter_copy (filter);

  siyu_order_model_reload (self);
}

void
siyu_order_model_reload (SiyuOrderModel *self)
{
  GTask *task;

  g_return_if_fail (SIYU_IS_ORDER_MODEL (self));

  /* What was asked before is no longer wanted. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  task = g_task_new (self, self->cancellable, counted_cb, NULL);
  g_task_set_task_data (task, filter_copy (self->filter), filter_free);
  self->loading = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  siyu_shop_runner_run (self->runner, task, count_job);
  g_object_unref (task);
}

gboolean
siyu_order_model_is_loading (SiyuOrderModel *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_MODEL (self), FALSE);
  return self->loading;
}

/* Why the last count or read failed, or %NULL. */
const GError *
siyu_order_model_get_error (SiyuOrderModel *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_MODEL (self), NULL);
  return self->error;
}

/* For tests and benchmarks: how many blocks of items are kept. */
guint
siyu_order_model_get_n_cached_blocks (SiyuOrderModel *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_MODEL (self), 0);
  return g_hash_table_size (self->blocks);
}
