/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-group-member-model"

#include "config.h"

#include "siyu-group-member-model.h"
#include "siyu-groups.h"

/* The members of one group, for the group's page: a SiyuBlockModel that
 * counts the rows first, then reads them a block at a time as the view
 * asks for them. */

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

/* What the worker reads with; the count fills n_current in. */
typedef struct {
  gint64 group_id;
  guint  n_current;
} Query;

struct _SiyuGroupMemberModel
{
  SiyuBlockModel parent_instance;

  gint64         group_id;
};

G_DEFINE_FINAL_TYPE (SiyuGroupMemberModel, siyu_group_member_model, SIYU_TYPE_BLOCK_MODEL)

static gpointer
siyu_group_member_model_dup_query (SiyuBlockModel *model)
{
  Query *query = g_new0 (Query, 1);

  query->group_id = SIYU_GROUP_MEMBER_MODEL (model)->group_id;

  return query;
}

static gboolean
siyu_group_member_model_count (SiyuShop  *shop,
                               gpointer   data,
                               guint     *n_rows,
                               GError   **error)
{
  Query *query = data;
  gint64 n_current = 0;
  gint64 count = siyu_group_count_members (shop, query->group_id, &n_current, error);

  if (count < 0)
    return FALSE;
  *n_rows = (guint) count;
  query->n_current = (guint) n_current;

  return TRUE;
}

/* Rows handed to items are taken out of the array. */
static void
member_free (gpointer member)
{
  if (member != NULL)
    json_object_unref (member);
}

static GPtrArray *
siyu_group_member_model_read_block (SiyuShop  *shop,
                                    gpointer   data,
                                    guint      offset,
                                    guint      n_rows,
                                    GError   **error)
{
  Query *query = data;
  g_autoptr(JsonNode) rows = NULL;
  JsonArray *array;
  GPtrArray *members;

  rows = siyu_group_members (shop, query->group_id, siyu_shop_get_today (shop), offset, n_rows, error);
  if (rows == NULL)
    return NULL;

  array = json_node_get_array (rows);
  members = g_ptr_array_new_full (json_array_get_length (array), member_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (members, json_object_ref (json_array_get_object_element (array, i)));

  return members;
}

static void
siyu_group_member_model_fill_item (SiyuBlockModel *model,
                                   gpointer        item,
                                   gpointer        row)
{
  SiyuGroupMemberItem *self = item;

  g_clear_pointer (&self->member, json_object_unref);
  self->member = row;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_LOADED]);
}

static void
siyu_group_member_model_class_init (SiyuGroupMemberModelClass *klass)
{
  SiyuBlockModelClass *block_model_class = SIYU_BLOCK_MODEL_CLASS (klass);

  block_model_class->item_type = SIYU_TYPE_GROUP_MEMBER_ITEM;
  block_model_class->block_size = 64;
  block_model_class->max_blocks = 16;
  block_model_class->dup_query = siyu_group_member_model_dup_query;
  block_model_class->free_query = g_free;
  block_model_class->count = siyu_group_member_model_count;
  block_model_class->read_block = siyu_group_member_model_read_block;
  block_model_class->fill_item = siyu_group_member_model_fill_item;
}

static void
siyu_group_member_model_init (SiyuGroupMemberModel *self)
{
}

SiyuGroupMemberModel *
siyu_group_member_model_new (SiyuShopRunner *runner,
                             gint64          group_id)
{
  SiyuGroupMemberModel *self;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_GROUP_MEMBER_MODEL, "runner", runner, NULL);
  self->group_id = group_id;

  return self;
}

/* Reads the rows again, as after a change to the group. */
void
siyu_group_member_model_reload (SiyuGroupMemberModel *self)
{
  g_return_if_fail (SIYU_IS_GROUP_MEMBER_MODEL (self));
  siyu_block_model_reload (SIYU_BLOCK_MODEL (self));
}

gboolean
siyu_group_member_model_is_loading (SiyuGroupMemberModel *self)
{
  g_return_val_if_fail (SIYU_IS_GROUP_MEMBER_MODEL (self), FALSE);
  return siyu_block_model_is_loading (SIYU_BLOCK_MODEL (self));
}

/* Why the last count or read failed, or %NULL. */
const GError *
siyu_group_member_model_get_error (SiyuGroupMemberModel *self)
{
  g_return_val_if_fail (SIYU_IS_GROUP_MEMBER_MODEL (self), NULL);
  return siyu_block_model_get_error (SIYU_BLOCK_MODEL (self));
}

/* How many of the rows are of people in the group now. */
guint
siyu_group_member_model_get_n_current (SiyuGroupMemberModel *self)
{
  Query *query;

  g_return_val_if_fail (SIYU_IS_GROUP_MEMBER_MODEL (self), 0);

  query = siyu_block_model_get_query (SIYU_BLOCK_MODEL (self));

  return query != NULL ? query->n_current : 0;
}
