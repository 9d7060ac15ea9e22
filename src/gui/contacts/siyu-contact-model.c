/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-contact-model"

#include "config.h"

#include "siyu-contact-model.h"

/* The contacts list's model.  It holds the ids of the contacts the filter
 * lets through (a million ids are 8 MB) and makes an item for a row only
 * when the view asks for it.  Items are made a block at a time, empty,
 * and filled when the shop's worker has read their block; only the last
 * MAX_BLOCKS blocks are kept, so scrolling through a million contacts
 * keeps memory flat.  All reading is done by the worker, in turn with the
 * shop's other work: the main thread never waits for the database. */

#define BLOCK_SIZE 64
#define MAX_BLOCKS 24

struct _SiyuContactItem
{
  GObject             parent_instance;

  gint64              id;
  SiyuContactSummary *summary;
};

G_DEFINE_FINAL_TYPE (SiyuContactItem, siyu_contact_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_LOADED,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
siyu_contact_item_finalize (GObject *object)
{
  SiyuContactItem *self = SIYU_CONTACT_ITEM (object);

  g_clear_pointer (&self->summary, siyu_contact_summary_free);

  G_OBJECT_CLASS (siyu_contact_item_parent_class)->finalize (object);
}

static void
siyu_contact_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SiyuContactItem *self = SIYU_CONTACT_ITEM (object);

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
siyu_contact_item_class_init (SiyuContactItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_contact_item_finalize;
  object_class->get_property = siyu_contact_item_get_property;

  /* Notified once, when the row's contact has been read. */
  item_properties[ITEM_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
siyu_contact_item_init (SiyuContactItem *self)
{
}

gint64
siyu_contact_item_get_id (SiyuContactItem *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_ITEM (self), 0);
  return self->id;
}

gboolean
siyu_contact_item_is_loaded (SiyuContactItem *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_ITEM (self), FALSE);
  return self->summary != NULL;
}

/* %NULL until loaded. */
const SiyuContactSummary *
siyu_contact_item_get_summary (SiyuContactItem *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_ITEM (self), NULL);
  return self->summary;
}

static void
item_fill (SiyuContactItem    *self,
           SiyuContactSummary *summary)
{
  g_clear_pointer (&self->summary, siyu_contact_summary_free);
  self->summary = summary;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_LOADED]);
}

struct _SiyuContactModel
{
  GObject            parent_instance;

  SiyuShopRunner    *runner;
  GArray            *ids;          /* gint64 */
  GHashTable        *blocks;       /* block index → GPtrArray of items */
  GQueue             recent;       /* block indices, most recent first */
  GCancellable      *cancellable;  /* of the current list and its blocks */
  SiyuContactFilter  filter;
  char              *search;
  char              *stage;
  char              *segment;
  char              *tag;
  gboolean           loading;
};

static void siyu_contact_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SiyuContactModel, siyu_contact_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, siyu_contact_model_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  GArray           *ids;
  GPtrArray        *items;
} BlockRequest;

/* A block of items, and the read that fills it: a block that leaves the
 * cache before it was read is not read at all, so that a fast scroll does
 * not queue reads of rows long gone by. */
typedef struct {
  GPtrArray        *items;
  GCancellable     *cancellable;
} Block;

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

  g_array_unref (request->ids);
  g_ptr_array_unref (request->items);
  g_free (request);
}

static void
read_block_job (GTask        *task,
                SiyuShop     *shop,
                gpointer      task_data,
                GCancellable *cancellable)
{
  BlockRequest *request = task_data;
  GError *error = NULL;
  GPtrArray *summaries;

  if (g_task_return_error_if_cancelled (task))
    return;
  summaries = siyu_contacts_summarize (shop, (const gint64 *) request->ids->data, request->ids->len, &error);
  if (summaries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summaries, (GDestroyNotify) g_ptr_array_unref);
}

static void
block_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BlockRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = g_task_propagate_pointer (G_TASK (result), &error);

  if (summaries == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read contacts: %s", error->message);
      return;
    }

  /* The items may be shown still though the block left the cache. */
  for (guint i = 0; i < request->items->len && i < summaries->len; i++)
    {
      SiyuContactSummary *summary = g_ptr_array_index (summaries, i);

      if (summary == NULL)
        continue;
      g_ptr_array_index (summaries, i) = NULL;
      item_fill (g_ptr_array_index (request->items, i), summary);
    }
}

static GPtrArray *
get_block (SiyuContactModel *self,
           guint             index)
{
  Block *block = g_hash_table_lookup (self->blocks, GUINT_TO_POINTER (index));
  BlockRequest *request;
  GTask *task;
  guint start = index * BLOCK_SIZE;
  guint end = MIN (start + BLOCK_SIZE, self->ids->len);

  if (block != NULL)
    {
      /* Most recent first. */
      g_queue_remove (&self->recent, GUINT_TO_POINTER (index));
      g_queue_push_head (&self->recent, GUINT_TO_POINTER (index));
      return block->items;
    }

  block = g_new0 (Block, 1);
  block->items = g_ptr_array_new_full (end - start, g_object_unref);
  block->cancellable = g_cancellable_new ();
  for (guint i = start; i < end; i++)
    {
      SiyuContactItem *item = g_object_new (SIYU_TYPE_CONTACT_ITEM, NULL);

      item->id = g_array_index (self->ids, gint64, i);
      g_ptr_array_add (block->items, item);
    }
  g_hash_table_insert (self->blocks, GUINT_TO_POINTER (index), block);
  g_queue_push_head (&self->recent, GUINT_TO_POINTER (index));

  request = g_new0 (BlockRequest, 1);
  request->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), end - start);
  g_array_append_vals (request->ids, &g_array_index (self->ids, gint64, start), end - start);
  request->items = g_ptr_array_ref (block->items);
  task = g_task_new (self, block->cancellable, block_read_cb, NULL);
  g_task_set_task_data (task, request, block_request_free);
  siyu_shop_runner_run (self->runner, task, read_block_job);
  g_object_unref (task);

  /* The items stay alive while the view shows them. */
  while (g_queue_get_length (&self->recent) > MAX_BLOCKS)
    g_hash_table_remove (self->blocks, g_queue_pop_tail (&self->recent));

  return block->items;
}

static GType
siyu_contact_model_get_item_type (GListModel *model)
{
  return SIYU_TYPE_CONTACT_ITEM;
}

static guint
siyu_contact_model_get_n_items (GListModel *model)
{
  SiyuContactModel *self = SIYU_CONTACT_MODEL (model);

  return self->ids->len;
}

static gpointer
siyu_contact_model_get_item (GListModel *model,
                             guint       position)
{
  SiyuContactModel *self = SIYU_CONTACT_MODEL (model);
  GPtrArray *items;

  if (position >= self->ids->len)
    return NULL;
  items = get_block (self, position / BLOCK_SIZE);

  return g_object_ref (g_ptr_array_index (items, position % BLOCK_SIZE));
}

static void
siyu_contact_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = siyu_contact_model_get_item_type;
  iface->get_n_items = siyu_contact_model_get_n_items;
  iface->get_item = siyu_contact_model_get_item;
}

static void
siyu_contact_model_dispose (GObject *object)
{
  SiyuContactModel *self = SIYU_CONTACT_MODEL (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (siyu_contact_model_parent_class)->dispose (object);
}

static void
siyu_contact_model_finalize (GObject *object)
{
  SiyuContactModel *self = SIYU_CONTACT_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_array_unref (self->ids);
  g_hash_table_unref (self->blocks);
  g_queue_clear (&self->recent);
  g_free (self->search);
  g_free (self->stage);
  g_free (self->segment);
  g_free (self->tag);

  G_OBJECT_CLASS (siyu_contact_model_parent_class)->finalize (object);
}

static void
siyu_contact_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SiyuContactModel *self = SIYU_CONTACT_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_contact_model_class_init (SiyuContactModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = siyu_contact_model_dispose;
  object_class->finalize = siyu_contact_model_finalize;
  object_class->get_property = siyu_contact_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
siyu_contact_model_init (SiyuContactModel *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->blocks = g_hash_table_new_full (NULL, NULL, NULL, block_free);
  g_queue_init (&self->recent);
  self->cancellable = g_cancellable_new ();
}

SiyuContactModel *
siyu_contact_model_new (SiyuShopRunner *runner)
{
  SiyuContactModel *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_CONTACT_MODEL, NULL);
  self->runner = g_object_ref (runner);

  return self;
}

static void
filter_free (gpointer data)
{
  SiyuContactFilter *filter = data;

  g_free ((char *) filter->search);
  g_free ((char *) filter->stage);
  g_free ((char *) filter->segment);
  g_free ((char *) filter->tag);
  g_free (filter);
}

static void
list_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  const SiyuContactFilter *filter = task_data;
  GError *error = NULL;
  GArray *ids;

  if (g_task_return_error_if_cancelled (task))
    return;
  ids = siyu_contacts_list (shop, filter, &error);
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_array_unref);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GArray *ids = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuContactModel *self;
  guint removed;

  if (ids == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SIYU_CONTACT_MODEL (source);
  self->loading = FALSE;
  if (ids == NULL)
    {
      g_warning ("Could not list contacts: %s", error->message);
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }

  removed = self->ids->len;
  g_array_unref (self->ids);
  self->ids = ids;
  g_hash_table_remove_all (self->blocks);
  g_queue_clear (&self->recent);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->ids->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
replace (char       **slot,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

/* Reads the ids again, with @filter (copied) from now on. */
void
siyu_contact_model_set_filter (SiyuContactModel        *self,
                               const SiyuContactFilter *filter)
{
  g_return_if_fail (SIYU_IS_CONTACT_MODEL (self));
  g_return_if_fail (filter != NULL);

  self->filter = *filter;
  replace (&self->search, filter->search);
  replace (&self->stage, filter->stage);
  replace (&self->segment, filter->segment);
  replace (&self->tag, filter->tag);
  self->filter.search = self->search;
  self->filter.stage = self->stage;
  self->filter.segment = self->segment;
  self->filter.tag = self->tag;

  siyu_contact_model_reload (self);
}

void
siyu_contact_model_reload (SiyuContactModel *self)
{
  SiyuContactFilter *copy;
  GTask *task;

  g_return_if_fail (SIYU_IS_CONTACT_MODEL (self));

  /* What was asked before is no longer wanted. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  copy = g_new0 (SiyuContactFilter, 1);
  *copy = self->filter;
  copy->search = g_strdup (self->filter.search);
  copy->stage = g_strdup (self->filter.stage);
  copy->segment = g_strdup (self->filter.segment);
  copy->tag = g_strdup (self->filter.tag);

  task = g_task_new (self, self->cancellable, listed_cb, NULL);
  g_task_set_task_data (task, copy, filter_free);
  self->loading = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  siyu_shop_runner_run (self->runner, task, list_job);
  g_object_unref (task);
}

gboolean
siyu_contact_model_is_loading (SiyuContactModel *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_MODEL (self), FALSE);
  return self->loading;
}

/* For tests and benchmarks: how many blocks of items are kept. */
guint
siyu_contact_model_get_n_cached_blocks (SiyuContactModel *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_MODEL (self), 0);
  return g_hash_table_size (self->blocks);
}

/**
 * siyu_contact_model_dup_ids:
 *
 * Returns: (transfer full) (element-type gint64): the ids the list holds,
 *   in its order
 */
GArray *
siyu_contact_model_dup_ids (SiyuContactModel *self)
{
  GArray *ids;

  g_return_val_if_fail (SIYU_IS_CONTACT_MODEL (self), NULL);

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->ids->len);
  g_array_append_vals (ids, self->ids->data, self->ids->len);

  return ids;
}
