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

/* What siyu_shop_count() counts: rows of a table. */
typedef enum {
  SIYU_COUNT_CONTACTS,          /* erased ones too */
  SIYU_COUNT_LIVE_CONTACTS,     /* not erased */
  SIYU_COUNT_ORDERS,
  SIYU_COUNT_ORDER_ITEMS,
  SIYU_COUNT_REFUNDS,
  SIYU_COUNT_GROUPS,            /* community_groups, archived ones too */
  SIYU_COUNT_GROUP_MEMBERS,     /* every stay, past ones too */
  SIYU_COUNT_EVENTS,
  SIYU_COUNT_PRODUCTS,
  SIYU_N_COUNTS
} SiyuCount;

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
gint64     siyu_shop_count            (SiyuShop    *shop,
                                       SiyuCount    what,
                                       GError     **error);
gint64     siyu_shop_count_restock_buyers (SiyuShop *shop,
                                           GError  **error);
gint64     siyu_shop_count_paid_orders_of (SiyuShop *shop,
                                           gint64    contact_id,
                                           gint64    start,
                                           gint64    end,
                                           GError  **error);

G_END_DECLS
