/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-shop.h"

G_BEGIN_DECLS

/* What a list of names a page offers to choose from holds. */
typedef enum {
  SIYU_NAMES_TIERS,        /* the tiers, lowest first */
  SIYU_NAMES_TAGS,         /* by name */
  SIYU_NAMES_GROUPS,       /* groups not archived, by name */
  SIYU_NAMES_CHANNELS,     /* by name */
} SiyuNames;

/* One name, with its id and, for a tier, its Chinese name. */
typedef struct {
  gint64  id;
  char   *name;
  char   *name_zh;         /* (nullable) */
} SiyuNamedItem;

void       siyu_named_item_free       (gpointer     item);

GPtrArray *siyu_shop_list_names       (SiyuShop    *shop,
                                       SiyuNames    kind,
                                       guint        limit,
                                       GError     **error);
int        siyu_shop_has_data         (SiyuShop    *shop,
                                       GError     **error);
gboolean   siyu_shop_get_activity     (SiyuShop    *shop,
                                       gint64      *first_at,
                                       gint64      *n_orders,
                                       GError     **error);
gint64     siyu_shop_count_restock_buyers (SiyuShop *shop,
                                           GError  **error);
gint64     siyu_shop_count_paid_orders_of (SiyuShop *shop,
                                           gint64    contact_id,
                                           gint64    start,
                                           gint64    end,
                                           GError  **error);

G_END_DECLS
