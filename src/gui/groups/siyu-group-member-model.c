/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-group-member-model"

#include "config.h"

#include "siyu-group-member-model.h"
#include "siyu-groups.h"

/* The members of one group, for the group's page: how many rows there are
 * is read first, then the rows a block at a time as the view asks for
 * them, by the shop's worker.  Items start empty and say when they are
 * filled; only the last MAX_BLOCKS blocks are kept. */

#define BLOCK_SIZE 64
#define MAX_BLOCKS 16

struct _SiyuGroupMemberItem
{
  GObject     parent_instance;

  JsonObject *member;
};

G_DEFINE_FINAL_TYPE (SiyuGroupMemberItem, siyu_group_member_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_LOADED,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
siyu_group_member_item_finalize (GObject *object)
{
  SiyuGroupMemberItem *self = SIYU_GROUP_MEMBER_ITEM (object);

  g_clear_pointer (&self->member, json_object_unref);

  G_OBJECT_CLASS (siyu_group_member_item_parent_class)->finalize (object);
}

static void
siyu_group_member_item_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SiyuGroupMemberItem *self = SIYU_GROUP_MEMBER_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_LOADED:
      g_value_set_boolean (value, self->member != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_group_member_item_class_init (SiyuGroupMemberItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_group_member_item_finalize;
  object_class->get_property = siyu_group_member_item_get_property;

  /* Notified once, when the row has been read. */
  item_properties[ITEM_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
siyu_group_member_item_init (SiyuGroupMemberItem *self)
{
}

/**
 * siyu_group_member_item_get_member:
 *
 * Returns: (transfer none) (nullable): the row as siyu_group_members()
 *   gives it, or %NULL until it has been read
 */
JsonObject *
siyu_group_member_item_get_member (SiyuGroupMemberItem *self)
{
  g_return_val_if_fail (SIYU_IS_GROUP_MEMBER_ITEM (self), NULL);
  return self->member;
}

struct _SiyuGroupMemberModel
{
  GObject         parent_instance;

  SiyuShopRunner *runner;
  gint64          group_id;
  guint           n_items;
  guint           n_current;    /* of them, members now */
  GHashTable     *blocks;       /* block index → Block */
  GQueue          recent;       /* block indices, most recent first */
  GCancellable   *cancellable;  /* of the current count and its blocks */
  gboolean        loading;
};

static void siyu_group_member_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SiyuGroupMemberModel, siyu_group_member_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, siyu_group_member_model_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  GPtrArray    *items;
  GCancellable *cancellable;
} Block;

typedef struct {
  gint64     group_id;
  guint      offset;
  guint      limit;
  GPtrArray *items;
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
  JsonNode *rows;

  if (g_task_return_error_if_cancelled (task))
    return;
  rows = siyu_group_members (shop, request->group_id, siyu_shop_get_today (shop),
                             request->offset, request->limit, &error);
  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) json_node_unref);
}

static void
block_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BlockRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rows = g_task_propagate_pointer (G_TASK (result), &error);
  JsonArray *array;

  if (rows == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the group's members: %s", error->message);
      return;
    }

  array = json_node_get_array (rows);
  for (guint i = 0; i < request->items->len && i < json_array_get_length (array); i++)
    {
      SiyuGroupMemberItem *item = g_ptr_array_index (request->items, i);

      g_clear_pointer (&item->member, json_object_unref);
      item->member = json_object_ref (json_array_get_object_element (array, i));
      g_object_notify_by_pspec (G_OBJECT (item), item_properties[ITEM_PROP_LOADED]);
    }
}

static GPtrArray *
get_block (SiyuGroupMemberModel *self,
           guint                 index)
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
    g_ptr_array_add (block->items, g_object_new (SIYU_TYPE_GROUP_MEMBER_ITEM, NULL));
  g_hash_table_insert (self->blocks, GUINT_TO_POINTER (index), block);
  g_queue_push_head (&self->recent, GUINT_TO_POINTER (index));

  request = g_new0 (BlockRequest, 1);
  request->group_id = self->group_id;
  request->offset = start;
  request->limit = end - start;
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
siyu_group_member_model_get_item_type (GListModel *model)
{
  return SIYU_TYPE_GROUP_MEMBER_ITEM;
}

static guint
siyu_group_member_model_get_n_items (GListModel *model)
{
  return SIYU_GROUP_MEMBER_MODEL (model)->n_items;
}

static gpointer
siyu_group_member_model_get_item (GListModel *model,
                                  guint       position)
{
  SiyuGroupMemberModel *self = SIYU_GROUP_MEMBER_MODEL (model);
  GPtrArray *items;

  if (position >= self->n_items)
    return NULL;
  items = get_block (self, position / BLOCK_SIZE);

  return g_object_ref (g_ptr_array_index (items, position % BLOCK_SIZE));
}

static void
siyu_group_member_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = siyu_group_member_model_get_item_type;
  iface->get_n_items = siyu_group_member_model_get_n_items;
  iface->get_item = siyu_group_member_model_get_item;
}

static void
siyu_group_member_model_dispose (GObject *object)
{
  SiyuGroupMemberModel *self = SIYU_GROUP_MEMBER_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_hash_table_remove_all (self->blocks);
  g_queue_clear (&self->recent);

  G_OBJECT_CLASS (siyu_group_member_model_parent_class)->dispose (object);
}

static void
siyu_group_member_model_finalize (GObject *object)
{
  SiyuGroupMemberModel *self = SIYU_GROUP_MEMBER_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_hash_table_unref (self->blocks);

  G_OBJECT_CLASS (siyu_group_member_model_parent_class)->finalize (object);
}

static void
siyu_group_member_model_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SiyuGroupMemberModel *self = SIYU_GROUP_MEMBER_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
siyu_group_member_model_class_init (SiyuGroupMemberModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = siyu_group_member_model_dispose;
  object_class->finalize = siyu_group_member_model_finalize;
  object_class->get_property = siyu_group_member_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
siyu_group_member_model_init (SiyuGroupMemberModel *self)
{
  self->blocks = g_hash_table_new_full (NULL, NULL, NULL, block_free);
  g_queue_init (&self->recent);
  self->cancellable = g_cancellable_new ();
}

SiyuGroupMemberModel *
siyu_group_member_model_new (SiyuShopRunner *runner,
                             gint64          group_id)
{
  SiyuGroupMemberModel *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_GROUP_MEMBER_MODEL, NULL);
  self->runner = g_object_ref (runner);
  self->group_id = group_id;

  return self;
}

static void
count_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  GError *error = NULL;
  gint64 *counts = g_new0 (gint64, 2);

  if (g_task_return_error_if_cancelled (task))
    {
      g_free (counts);
      return;
    }
  counts[0] = siyu_group_count_members (shop, *(gint64 *) task_data, &counts[1], &error);
  if (counts[0] < 0)
    {
      g_free (counts);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, counts, g_free);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *counts = g_task_propagate_pointer (G_TASK (result), &error);
  SiyuGroupMemberModel *self;
  guint removed;

  if (counts == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SIYU_GROUP_MEMBER_MODEL (source);
  self->loading = FALSE;
  if (counts == NULL)
    g_warning ("Could not count the group's members: %s", error->message);

  removed = self->n_items;
  self->n_items = counts != NULL ? (guint) counts[0] : 0;
  self->n_current = counts != NULL ? (guint) counts[1] : 0;
  g_hash_table_remove_all (self->blocks);
  g_queue_clear (&self->recent);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Reads the rows again, as after a change to the group. */
void
siyu_group_member_model_reload (SiyuGroupMemberModel *self)
{
  GTask *task;
  gint64 *id;

  g_return_if_fail (SIYU_IS_GROUP_MEMBER_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  id = g_new (gint64, 1);
  *id = self->group_id;
  task = g_task_new (self, self->cancellable, counted_cb, NULL);
  g_task_set_task_data (task, id, g_free);
  self->loading = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  siyu_shop_runner_run (self->runner, task, count_job);
  g_object_unref (task);
}

gboolean
siyu_group_member_model_is_loading (SiyuGroupMemberModel *self)
{
  g_return_val_if_fail (SIYU_IS_GROUP_MEMBER_MODEL (self), FALSE);
  return self->loading;
}

/* How many of the rows are of people in the group now. */
guint
siyu_group_member_model_get_n_current (SiyuGroupMemberModel *self)
{
  g_return_val_if_fail (SIYU_IS_GROUP_MEMBER_MODEL (self), 0);
  return self->n_current;
}
