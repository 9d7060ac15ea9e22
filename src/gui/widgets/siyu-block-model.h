/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-shop-runner.h"

G_BEGIN_DECLS

#define SIYU_TYPE_BLOCK_MODEL (siyu_block_model_get_type ())
G_DECLARE_DERIVABLE_TYPE (SiyuBlockModel, siyu_block_model, SIYU, BLOCK_MODEL, GObject)

/**
 * SiyuBlockModelClass:
 * @item_type: the type of the items, a #GObject
 * @block_size: how many rows one read gives
 * @max_blocks: how many blocks of items are kept
 * @dup_query: main thread: a copy of what the rows are read with (the
 *   filter, the group), handed to the worker
 * @free_query: frees what @dup_query made, in any thread
 * @count: in the shop's worker: how many rows @query gives; it may keep in
 *   @query what @read_block needs, such as the ids in their order
 * @read_block: in the shop's worker: rows @offset to @offset + @n_rows - 1,
 *   in an array that frees them, each handed to @fill_item (or %NULL for a
 *   row gone since the count); the array's free function must take %NULL,
 *   as the rows handed over are taken out
 * @new_item: main thread, optional: an empty item for row @position of @query
 * @fill_item: main thread: gives @row to @item, which notifies that it is
 *   loaded
 */
struct _SiyuBlockModelClass
{
  GObjectClass parent_class;

  GType        item_type;
  guint        block_size;
  guint        max_blocks;

  gpointer   (*dup_query)  (SiyuBlockModel *self);
  void       (*free_query) (gpointer        query);
  gboolean   (*count)      (SiyuShop       *shop,
                            gpointer        query,
                            guint          *n_rows,
                            GError        **error);
  GPtrArray *(*read_block) (SiyuShop       *shop,
                            gpointer        query,
                            guint           offset,
                            guint           n_rows,
                            GError        **error);
  gpointer   (*new_item)   (SiyuBlockModel *self,
                            gpointer        query,
                            guint           position);
  void       (*fill_item)  (SiyuBlockModel *self,
                            gpointer        item,
                            gpointer        row);
};

SiyuShopRunner *siyu_block_model_get_runner          (SiyuBlockModel *self);
gpointer        siyu_block_model_get_query           (SiyuBlockModel *self);
void            siyu_block_model_reload              (SiyuBlockModel *self);
gboolean        siyu_block_model_is_loading          (SiyuBlockModel *self);
const GError   *siyu_block_model_get_error           (SiyuBlockModel *self);
guint           siyu_block_model_get_n_cached_blocks (SiyuBlockModel *self);

G_END_DECLS
