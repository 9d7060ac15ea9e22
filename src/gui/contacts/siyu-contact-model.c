/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-contact-model"

#include "config.h"

#include "siyu-contact-model.h"

/* The contacts list's model: a SiyuBlockModel whose count reads the ids
 * of the contacts the filter lets through (a million ids are 8 MB), in
 * their order, and whose blocks are read by id.  Only the last 24 blocks
 * are kept, so scrolling through a million contacts keeps memory flat. */

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

/* What the worker reads with: the filter, and the ids it let through. */
typedef struct {
  SiyuContactFilter  filter;
  GArray            *ids;     /* gint64, once counted */
} Query;

struct _SiyuContactModel
{
  SiyuBlockModel     parent_instance;

  SiyuContactFilter  filter;
  char              *search;
  char              *stage;
  char              *segment;
  char              *tag;
};

G_DEFINE_FINAL_TYPE (SiyuContactModel, siyu_contact_model, SIYU_TYPE_BLOCK_MODEL)

static void
query_free (gpointer data)
{
  Query *query = data;

  g_free ((char *) query->filter.search);
  g_free ((char *) query->filter.stage);
  g_free ((char *) query->filter.segment);
  g_free ((char *) query->filter.tag);
  g_clear_pointer (&query->ids, g_array_unref);
  g_free (query);
}

static gpointer
siyu_contact_model_dup_query (SiyuBlockModel *model)
{
  SiyuContactModel *self = SIYU_CONTACT_MODEL (model);
  Query *query = g_new0 (Query, 1);

  query->filter = self->filter;
  query->filter.search = g_strdup (self->filter.search);
  query->filter.stage = g_strdup (self->filter.stage);
  query->filter.segment = g_strdup (self->filter.segment);
  query->filter.tag = g_strdup (self->filter.tag);

  return query;
}

static gboolean
siyu_contact_model_count (SiyuShop  *shop,
                          gpointer   data,
                          guint     *n_rows,
                          GError   **error)
{
  Query *query = data;

  query->ids = siyu_contacts_list (shop, &query->filter, error);
  if (query->ids == NULL)
    return FALSE;
  *n_rows = query->ids->len;

  return TRUE;
}

static GPtrArray *
siyu_contact_model_read_block (SiyuShop  *shop,
                               gpointer   data,
                               guint      offset,
                               guint      n_rows,
                               GError   **error)
{
  Query *query = data;

  return siyu_contacts_summarize (shop, &g_array_index (query->ids, gint64, offset), n_rows, error);
}

static gpointer
siyu_contact_model_new_item (SiyuBlockModel *model,
                             gpointer        data,
                             guint           position)
{
  Query *query = data;
  SiyuContactItem *item = g_object_new (SIYU_TYPE_CONTACT_ITEM, NULL);

  item->id = g_array_index (query->ids, gint64, position);

  return item;
}

static void
siyu_contact_model_fill_item (SiyuBlockModel *model,
                              gpointer        item,
                              gpointer        row)
{
  item_fill (item, row);
}

static void
siyu_contact_model_finalize (GObject *object)
{
  SiyuContactModel *self = SIYU_CONTACT_MODEL (object);

  g_free (self->search);
  g_free (self->stage);
  g_free (self->segment);
  g_free (self->tag);

  G_OBJECT_CLASS (siyu_contact_model_parent_class)->finalize (object);
}

static void
siyu_contact_model_class_init (SiyuContactModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SiyuBlockModelClass *block_model_class = SIYU_BLOCK_MODEL_CLASS (klass);

  object_class->finalize = siyu_contact_model_finalize;

  block_model_class->item_type = SIYU_TYPE_CONTACT_ITEM;
  block_model_class->block_size = 64;
  block_model_class->max_blocks = 24;
  block_model_class->dup_query = siyu_contact_model_dup_query;
  block_model_class->free_query = query_free;
  block_model_class->count = siyu_contact_model_count;
  block_model_class->read_block = siyu_contact_model_read_block;
  block_model_class->new_item = siyu_contact_model_new_item;
  block_model_class->fill_item = siyu_contact_model_fill_item;
}

static void
siyu_contact_model_init (SiyuContactModel *self)
{
}

SiyuContactModel *
siyu_contact_model_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_CONTACT_MODEL, "runner", runner, NULL);
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

  siyu_block_model_reload (SIYU_BLOCK_MODEL (self));
}

void
siyu_contact_model_reload (SiyuContactModel *self)
{
  g_return_if_fail (SIYU_IS_CONTACT_MODEL (self));
  siyu_block_model_reload (SIYU_BLOCK_MODEL (self));
}

gboolean
siyu_contact_model_is_loading (SiyuContactModel *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_MODEL (self), FALSE);
  return siyu_block_model_is_loading (SIYU_BLOCK_MODEL (self));
}

/* Why the last listing or read failed, or %NULL. */
const GError *
siyu_contact_model_get_error (SiyuContactModel *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_MODEL (self), NULL);
  return siyu_block_model_get_error (SIYU_BLOCK_MODEL (self));
}

/* For tests and benchmarks: how many blocks of items are kept. */
guint
siyu_contact_model_get_n_cached_blocks (SiyuContactModel *self)
{
  g_return_val_if_fail (SIYU_IS_CONTACT_MODEL (self), 0);
  return siyu_block_model_get_n_cached_blocks (SIYU_BLOCK_MODEL (self));
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
  Query *query;
  GArray *ids;

  g_return_val_if_fail (SIYU_IS_CONTACT_MODEL (self), NULL);

  query = siyu_block_model_get_query (SIYU_BLOCK_MODEL (self));
  if (query == NULL)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), query->ids->len);
  g_array_append_vals (ids, query->ids->data, query->ids->len);

  return ids;
}
