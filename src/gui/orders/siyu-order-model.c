/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-order-model"

#include "config.h"

#include "siyu-order-model.h"

/* The orders list's model: a SiyuBlockModel that counts the orders the
 * filter lets through and reads a block of them by its place in the list;
 * only the last eight blocks are kept, so that scrolling through two
 * million orders keeps memory flat. */

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
  SiyuBlockModel   parent_instance;

  SiyuOrderFilter *filter;
};

G_DEFINE_FINAL_TYPE (SiyuOrderModel, siyu_order_model, SIYU_TYPE_BLOCK_MODEL)

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

static gpointer
siyu_order_model_dup_query (SiyuBlockModel *model)
{
  return filter_copy (SIYU_ORDER_MODEL (model)->filter);
}

static gboolean
siyu_order_model_count (SiyuShop  *shop,
                        gpointer   query,
                        guint     *n_rows,
                        GError   **error)
{
  return siyu_orders_count (shop, query, n_rows, error);
}

static GPtrArray *
siyu_order_model_read_block (SiyuShop  *shop,
                             gpointer   query,
                             guint      offset,
                             guint      n_rows,
                             GError   **error)
{
  return siyu_orders_read (shop, query, offset, n_rows, error);
}

static void
siyu_order_model_fill_item (SiyuBlockModel *model,
                            gpointer        item,
                            gpointer        row)
{
  SiyuOrderItem *self = item;

  g_clear_pointer (&self->summary, siyu_order_summary_free);
  self->summary = row;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_LOADED]);
}

static void
siyu_order_model_finalize (GObject *object)
{
  SiyuOrderModel *self = SIYU_ORDER_MODEL (object);

  g_clear_pointer (&self->filter, filter_free);

  G_OBJECT_CLASS (siyu_order_model_parent_class)->finalize (object);
}

static void
siyu_order_model_class_init (SiyuOrderModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SiyuBlockModelClass *block_model_class = SIYU_BLOCK_MODEL_CLASS (klass);

  object_class->finalize = siyu_order_model_finalize;

  /* A list view makes up to 200 rows at once: one block covers them, so
   * the first screen costs one read, however long the filter takes. */
  block_model_class->item_type = SIYU_TYPE_ORDER_ITEM;
  block_model_class->block_size = 256;
  block_model_class->max_blocks = 8;
  block_model_class->dup_query = siyu_order_model_dup_query;
  block_model_class->free_query = filter_free;
  block_model_class->count = siyu_order_model_count;
  block_model_class->read_block = siyu_order_model_read_block;
  block_model_class->fill_item = siyu_order_model_fill_item;
}

static void
siyu_order_model_init (SiyuOrderModel *self)
{
  SiyuOrderFilter everything;

  siyu_order_filter_init (&everything);
  self->filter = filter_copy (&everything);
}

SiyuOrderModel *
siyu_order_model_new (SiyuShopRunner *runner)
{
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  return g_object_new (SIYU_TYPE_ORDER_MODEL, "runner", runner, NULL);
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

  siyu_block_model_reload (SIYU_BLOCK_MODEL (self));
}

void
siyu_order_model_reload (SiyuOrderModel *self)
{
  g_return_if_fail (SIYU_IS_ORDER_MODEL (self));
  siyu_block_model_reload (SIYU_BLOCK_MODEL (self));
}

gboolean
siyu_order_model_is_loading (SiyuOrderModel *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_MODEL (self), FALSE);
  return siyu_block_model_is_loading (SIYU_BLOCK_MODEL (self));
}

/* Why the last count or read failed, or %NULL. */
const GError *
siyu_order_model_get_error (SiyuOrderModel *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_MODEL (self), NULL);
  return siyu_block_model_get_error (SIYU_BLOCK_MODEL (self));
}

/* For tests and benchmarks: how many blocks of items are kept. */
guint
siyu_order_model_get_n_cached_blocks (SiyuOrderModel *self)
{
  g_return_val_if_fail (SIYU_IS_ORDER_MODEL (self), 0);
  return siyu_block_model_get_n_cached_blocks (SIYU_BLOCK_MODEL (self));
}
