/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-shop"

#include "config.h"

#include "siyu-shop-lists.h"

/* Small reads the pages need to fill their choices and empty states, so
 * that no SQL lives above the core. */

void
siyu_named_item_free (gpointer data)
{
  SiyuNamedItem *item = data;

  g_free (item->name);
  g_free (item->name_zh);
  g_free (item);
}

/**
 * siyu_shop_list_names:
 * @limit: at most this many; 0: all
 *
 * Returns: (transfer full) (element-type SiyuNamedItem): the names, or
 *   %NULL with @error set
 */
GPtrArray *
siyu_shop_list_names (SiyuShop   *shop,
                      SiyuNames   kind,
                      guint       limit,
                      GError    **error)
{
  static const char * const sql[] = {
    [SIYU_NAMES_TIERS] = "SELECT id, name, name_zh FROM tiers ORDER BY position LIMIT ?",
    [SIYU_NAMES_TAGS] = "SELECT id, name, NULL FROM tags ORDER BY name LIMIT ?",
    [SIYU_NAMES_GROUPS] = "SELECT id, name, NULL FROM community_groups WHERE archived_at IS NULL ORDER BY name LIMIT ?",
    [SIYU_NAMES_CHANNELS] = "SELECT id, name, NULL FROM channels ORDER BY name LIMIT ?",
  };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (siyu_named_item_free);
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (kind < G_N_ELEMENTS (sql), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, sql[kind], error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuNamedItem *item = g_new0 (SiyuNamedItem, 1);

      item->id = sqlite3_column_int64 (stmt, 0);
      item->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      item->name_zh = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (items, item);
    }
  sqlite3_reset (stmt);

  return rc < 0 ? NULL : g_steal_pointer (&items);
}

/**
 * siyu_shop_has_data:
 *
 * Returns: 1 when the shop has a contact or an order, 0 when it has
 *   neither, -1 with @error set
 */
int
siyu_shop_has_data (SiyuShop  *shop,
                    GError   **error)
{
  gint64 any;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  any = siyu_db_query_int (siyu_shop_get_db (shop),
                           "SELECT EXISTS (SELECT 1 FROM contacts) OR EXISTS (SELECT 1 FROM orders)", error);

  return any < 0 ? -1 : any > 0;
}

/**
 * siyu_shop_get_activity:
 * @first_at: (out): when the shop first saw a contact or an order (Unix
 *   seconds), -1 when it has neither
 * @n_orders: (out): how many orders it has
 */
gboolean
siyu_shop_get_activity (SiyuShop  *shop,
                        gint64    *first_at,
                        gint64    *n_orders,
                        GError   **error)
{
  GError *local_error = NULL;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  *first_at = siyu_db_query_int (db, "SELECT coalesce (min (t), -1) FROM (SELECT min (first_seen_at) AS t "
                                     "FROM contacts UNION ALL SELECT min (created_at) FROM orders) WHERE t IS NOT NULL",
                                 &local_error);
  if (local_error == NULL)
    *n_orders = siyu_db_query_int (db, "SELECT count (*) FROM orders", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_shop_count:
 * @what: which rows
 *
 * Counts the rows of one table, for the command line's summaries and
 * benchmarks.
 *
 * Returns: how many rows there are, or -1 with @error set
 */
gint64
siyu_shop_count (SiyuShop   *shop,
                 SiyuCount   what,
                 GError    **error)
{
  static const char * const sql[] = {
    [SIYU_COUNT_CONTACTS] = "SELECT count (*) FROM contacts",
    [SIYU_COUNT_LIVE_CONTACTS] = "SELECT count (*) FROM contacts WHERE erased_at IS NULL",
    [SIYU_COUNT_ORDERS] = "SELECT count (*) FROM orders",
    [SIYU_COUNT_ORDER_ITEMS] = "SELECT count (*) FROM order_items",
    [SIYU_COUNT_REFUNDS] = "SELECT count (*) FROM refunds",
    [SIYU_COUNT_GROUPS] = "SELECT count (*) FROM community_groups",
    [SIYU_COUNT_GROUP_MEMBERS] = "SELECT count (*) FROM group_members",
    [SIYU_COUNT_EVENTS] = "SELECT count (*) FROM events",
    [SIYU_COUNT_PRODUCTS] = "SELECT count (*) FROM products",
  };

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);
  g_return_val_if_fail (what < G_N_ELEMENTS (sql), -1);

  return siyu_db_query_int (siyu_shop_get_db (shop), sql[what], error);
}

/**
 * siyu_shop_count_restock_buyers:
 *
 * Returns: how many buyer–product pairs have a predicted restock day, or
 *   -1 with @error set
 */
gint64
siyu_shop_count_restock_buyers (SiyuShop  *shop,
                                GError   **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  return siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM replenishments", error);
}

/**
 * siyu_shop_count_paid_orders_of:
 * @start: Unix seconds, included
 * @end: Unix seconds, excluded
 *
 * Returns: how many paid orders (whole or partly refunded) @contact_id
 *   placed from @start to @end, as the lifecycle rule counts them, or -1
 *   with @error set
 */
gint64
siyu_shop_count_paid_orders_of (SiyuShop  *shop,
                                gint64     contact_id,
                                gint64     start,
                                gint64     end,
                                GError   **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 count = -1;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT count (*) FROM orders WHERE contact_id = ? "
                              "AND status IN ('paid', 'partially_refunded') AND created_at >= ? AND created_at < ?",
                          error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  sqlite3_bind_int64 (stmt, 2, start);
  sqlite3_bind_int64 (stmt, 3, end);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return count;
}
