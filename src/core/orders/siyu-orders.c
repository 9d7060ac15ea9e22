/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-orders"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-ingest.h"
#include "siyu-json.h"
#include "siyu-orders.h"
#include "siyu-phone.h"
#include "siyu-search-index.h"

/* The orders list: every order of the shop, newest first, narrowed by a
 * search, a channel, a status and a range of days, read a block at a time
 * so that a list of two million orders shows its first screen at once.
 *
 * The SQL of a filter is put together from fixed pieces, one for each
 * member the filter sets, so that SQLite plans each combination with the
 * indexes that fit it; the filter's values are always bound. */

G_DEFINE_QUARK (siyu-orders-error-quark, siyu_orders_error)

static const char * const statuses[] = {
  "paid", "partially_refunded", "refunded", "cancelled", "unpaid", NULL,
};

/* The order of the list: the index orders_created_at, read backwards. */
#define NEWEST_FIRST "ORDER BY o.created_at DESC, o.id DESC"

typedef struct {
  GString *where;
  char    *like;      /* %text% for LIKE, with % _ and \ escaped */
  char    *text;      /* the search as typed, when it has no letters */
  char    *phone;     /* an FTS5 query on the phone column */
  char    *digits;    /* fewer than three digits: a scan of the phones */
  gint64   from_time;
  gint64   to_time;
  gboolean has_from;
  gboolean has_to;
} Query;

static void
query_clear (Query *query)
{
  if (query->where != NULL)
    g_string_free (query->where, TRUE);
  g_free (query->like);
  g_free (query->text);
  g_free (query->phone);
  g_free (query->digits);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Query, query_clear)

/* A search of digits, spaces, dashes and a plus may be a phone number:
 * people type it with the separators they see.  Returns the digits, or
 * %NULL. */
static char *
phone_digits (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p != ' ' && *p != '-' && *p != '+' && *p != '(' && *p != ')')
        {
          g_string_free (digits, TRUE);
          return NULL;
        }
    }

  if (digits->len == 0)
    {
      g_string_free (digits, TRUE);
      return NULL;
    }

  return g_string_free (digits, FALSE);
}

static gboolean
has_ascii_letter (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isalpha (*p))
      return TRUE;
  return FALSE;
}

static char *
like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

static void
add_condition (Query      *query,
               const char *condition)
{
  g_string_append (query->where, query->where->len == 0 ? " WHERE " : " AND ");
  g_string_append (query->where, condition);
}

/* An order is found by a part of its number, by a product one of its
 * lines is (name or SKU, or the line's own name when it has no product),
 * or by three digits or more of its customer's phone, through the
 * contacts' trigram index. */
static void
add_search (Query      *query,
            const char *text)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *digits = NULL;

  if (text == NULL)
    return;
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    return;

  query->like = like_pattern (trimmed);
  g_string_append (query->where, query->where->len == 0 ? " WHERE " : " AND ");
  /* Every order number is read: instr() does it in half the time LIKE
   * takes, and letters are the only characters whose case LIKE ignores. */
  if (has_ascii_letter (trimmed))
    g_string_append (query->where, "o.id IN (SELECT s.id FROM orders s WHERE s.external_ref LIKE :like ESCAPE '\\' ");
  else
    {
      query->text = g_strdup (trimmed);
      g_string_append (query->where, "o.id IN (SELECT s.id FROM orders s WHERE instr (s.external_ref, :text) > 0 ");
    }
  g_string_append (query->where,
                   "UNION SELECT i.order_id FROM order_items i WHERE i.product_id IN "
                   "  (SELECT p.id FROM products p WHERE p.name LIKE :like ESCAPE '\\' OR p.sku LIKE :like ESCAPE '\\') "
                   "UNION SELECT i.order_id FROM order_items i WHERE i.product_id IS NULL "
                   "  AND (i.name LIKE :like ESCAPE '\\' OR i.sku LIKE :like ESCAPE '\\')");

  digits = phone_digits (trimmed);
  if (digits != NULL && strlen (digits) >= 3)
    {
      g_autofree char *rowids = siyu_search_index_rowids (":phone");

      query->phone = g_strdup_printf ("phone : \"%s\"", digits);
      g_string_append_printf (query->where,
                              " UNION SELECT s.id FROM orders s WHERE s.contact_id IN (%s)", rowids);
    }
  else if (digits != NULL)
    {
      query->digits = g_steal_pointer (&digits);
      g_string_append (query->where,
                       " UNION SELECT s.id FROM orders s WHERE s.contact_id IN "
                       "  (SELECT c.id FROM contacts c WHERE instr (c.phone, :digits) > 0)");
    }
  g_string_append_c (query->where, ')');
}

static gboolean
query_init (Query                  *query,
            SiyuShop               *shop,
            const SiyuOrderFilter  *filter,
            gboolean                for_read,
            GError                **error)
{
  gboolean by_time;

  query->where = g_string_new (NULL);
  if (filter == NULL)
    return TRUE;

  if (filter->status != NULL && !siyu_order_status_is_valid (filter->status))
    {
      g_set_error (error, SIYU_ORDERS_ERROR, SIYU_ORDERS_ERROR_INVALID,
                   _("“%s” is not an order status."), filter->status);
      return FALSE;
    }

  /* A page of the list is best read down the index of times, newest
   * first, skipping what the channel and status leave out: the unary +
   * keeps SQLite from using the channel's index and sorting all of its
   * orders instead.  A count reads that index alone, unless a range of
   * days narrows it more. */
  by_time = for_read || filter->from != SIYU_DAY_INVALID || filter->to != SIYU_DAY_INVALID;
  add_search (query, filter->search);
  if (query->phone != NULL && !siyu_search_index_flush (siyu_shop_get_db (shop), error))
    return FALSE;
  if (filter->channel_id != 0)
    add_condition (query, by_time ? "+o.channel_id = :channel" : "o.channel_id = :channel");
  if (filter->status != NULL)
    add_condition (query, by_time ? "+o.status = :status" : "o.status = :status");
  if (filter->from != SIYU_DAY_INVALID)
    {
      query->has_from = TRUE;
      query->from_time = siyu_shop_day_start (shop, filter->from);
      add_condition (query, "o.created_at >= :from");
    }
  if (filter->to != SIYU_DAY_INVALID)
    {
      query->has_to = TRUE;
      query->to_time = siyu_shop_day_start (shop, filter->to + 1);
      add_condition (query, "o.created_at < :to");
    }

  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           const char   *name,
           const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

static void
bind_int (sqlite3_stmt *stmt,
          const char   *name,
          gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static void
query_bind (const Query           *query,
            const SiyuOrderFilter *filter,
            sqlite3_stmt          *stmt)
{
  if (filter == NULL)
    return;
  bind_text (stmt, ":like", query->like);
  bind_text (stmt, ":text", query->text);
  bind_text (stmt, ":phone", query->phone);
  bind_text (stmt, ":digits", query->digits);
  bind_int (stmt, ":channel", filter->channel_id);
  bind_text (stmt, ":status", filter->status);
  if (query->has_from)
    bind_int (stmt, ":from", query->from_time);
  if (query->has_to)
    bind_int (stmt, ":to", query->to_time);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/**
 * siyu_order_filter_init:
 *
 * Sets @filter to let every order through.
 */
void
siyu_order_filter_init (SiyuOrderFilter *filter)
{
  g_return_if_fail (filter != NULL);

  *filter = (SiyuOrderFilter) { NULL, 0, NULL, SIYU_DAY_INVALID, SIYU_DAY_INVALID };
}

/**
 * siyu_order_statuses:
 *
 * Returns: (transfer none): the statuses an order can have, most common
 *   first, as stored
 */
const char * const *
siyu_order_statuses (void)
{
  return statuses;
}

/**
 * siyu_channel_get_label:
 * @name: (nullable): a channel's name as stored
 *
 * Returns: (transfer none): the name in the owner's language when Siyu
 *   gave it (an import without a channel of its own), else @name as the
 *   owner or the platform wrote it
 */
const char *
siyu_channel_get_label (const char *name)
{
  if (g_strcmp0 (name, SIYU_IMPORTED_CHANNEL_NAME) == 0)
    /* Translators: the channel of orders imported from a file that names none. */
    return _("Imported orders");

  return name;
}

/**
 * siyu_order_status_get_label:
 *
 * Returns: (transfer none): @status in the owner's language, or @status
 *   itself if it is not one of siyu_order_statuses()
 */
const char *
siyu_order_status_get_label (const char *status)
{
  if (g_strcmp0 (status, "paid") == 0)
    return C_("order status", "Paid");
  if (g_strcmp0 (status, "unpaid") == 0)
    return C_("order status", "Unpaid");
  if (g_strcmp0 (status, "refunded") == 0)
    return C_("order status", "Refunded");
  if (g_strcmp0 (status, "partially_refunded") == 0)
    return C_("order status", "Partly refunded");
  if (g_strcmp0 (status, "cancelled") == 0)
    return C_("order status", "Cancelled");
  return status;
}

/**
 * siyu_orders_count:
 * @filter: (nullable): which orders; %NULL for all
 * @count: (out): how many orders @filter lets through
 */
gboolean
siyu_orders_count (SiyuShop               *shop,
                   const SiyuOrderFilter  *filter,
                   guint                  *count,
                   GError                **error)
{
  g_auto(Query) query = { NULL, };
  g_autofree char *sql = NULL;
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  if (!query_init (&query, shop, filter, FALSE, error))
    return FALSE;

  db = siyu_shop_get_db (shop);
  sql = g_strconcat ("SELECT count (*) FROM orders o", query.where->str, NULL);
  stmt = siyu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  query_bind (&query, filter, stmt);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    *count = (guint) MIN (sqlite3_column_int64 (stmt, 0), G_MAXUINT);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_ROW;
}

/**
 * siyu_orders_read:
 * @filter: (nullable): which orders; %NULL for all
 * @offset: how many of them to pass over, newest first
 * @limit: the most rows to read
 *
 * Reads one block of the orders list.  The ids are found first, from the
 * indexes alone where the filter allows it, so that a block far down the
 * list costs little more than the first.
 *
 * Returns: (transfer full) (element-type SiyuOrderSummary): the rows
 */
GPtrArray *
siyu_orders_read (SiyuShop               *shop,
                  const SiyuOrderFilter  *filter,
                  guint                   offset,
                  guint                   limit,
                  GError                **error)
{
  g_auto(Query) query = { NULL, };
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *sql = NULL;
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  if (!query_init (&query, shop, filter, TRUE, error))
    return NULL;

  db = siyu_shop_get_db (shop);
  sql = g_strconcat ("SELECT o.id, o.external_ref, o.created_at, ch.name, o.status, o.total_amount, "
                     "  o.refunded_amount, o.currency, o.contact_id, c.name, c.phone, "
                     "  (SELECT count (*) FROM order_items i WHERE i.order_id = o.id) "
                     "FROM (SELECT o.id FROM orders o", query.where->str, " " NEWEST_FIRST
                     "      LIMIT :limit OFFSET :offset) page "
                     "JOIN orders o ON o.id = page.id "
                     "JOIN channels ch ON ch.id = o.channel_id "
                     "LEFT JOIN contacts c ON c.id = o.contact_id "
                     NEWEST_FIRST,
                     NULL);
  stmt = siyu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  query_bind (&query, filter, stmt);
  bind_int (stmt, ":limit", limit);
  bind_int (stmt, ":offset", offset);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_order_summary_free);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuOrderSummary *row = g_new0 (SiyuOrderSummary, 1);
      const char *phone = (const char *) sqlite3_column_text (stmt, 10);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->reference = dup_column (stmt, 1);
      row->created_at = sqlite3_column_int64 (stmt, 2);
      row->channel = dup_column (stmt, 3);
      row->status = dup_column (stmt, 4);
      row->total = sqlite3_column_int64 (stmt, 5);
      row->refunded = sqlite3_column_int64 (stmt, 6);
      row->currency = dup_column (stmt, 7);
      row->contact_id = sqlite3_column_int64 (stmt, 8);
      row->contact_name = dup_column (stmt, 9);
      row->phone = phone != NULL ? siyu_phone_mask (phone) : NULL;
      row->n_lines = (guint) sqlite3_column_int64 (stmt, 11);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return NULL;

  return g_steal_pointer (&rows);
}

void
siyu_order_summary_free (SiyuOrderSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->reference);
  g_free (summary->channel);
  g_free (summary->status);
  g_free (summary->currency);
  g_free (summary->contact_name);
  g_free (summary->phone);
  g_free (summary);
}

/* The first column of the one row @sql gives for @id, parsed as JSON; a
 * JSON null when there is no row. */
static JsonNode *
query_json (SiyuDb      *db,
            const char  *sql,
            gint64       id,
            GError     **error)
{
  g_autofree char *json = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;
  if (json == NULL)
    return json_node_new (JSON_NODE_NULL);
  /* SQLite copies text into its JSON as it is stored, and a damaged file's
   * need not be UTF-8. */
  if (!g_utf8_validate (json, -1, NULL))
    {
      char *valid = g_utf8_make_valid (json, -1);

      g_free (json);
      json = valid;
    }

  return siyu_json_parse (json, -1, _("The order"), error);
}

/**
 * siyu_order_channels:
 *
 * Returns: (transfer full): a JSON array of the shop's channels by name,
 *   each with its id, name and kind
 */
JsonNode *
siyu_order_channels (SiyuShop  *shop,
                     GError   **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  return query_json (siyu_shop_get_db (shop),
                     "SELECT json_group_array (json_object ('id', id, 'name', name, 'kind', kind)) "
                     "FROM (SELECT * FROM channels ORDER BY name)",
                     0, error);
}

/**
 * siyu_order_describe:
 *
 * Returns: (transfer full): everything Siyu keeps about an order, for the
 *   order page and `siyu-cli`: its header (number, channel, status, time,
 *   totals), its customer (or null), its lines and its refunds
 */
JsonNode *
siyu_order_describe (SiyuShop  *shop,
                     gint64     order_id,
                     GError   **error)
{
  static const struct {
    const char *member;
    const char *sql;
  } parts[] = {
    { "header", "SELECT json_object ('id', o.id, 'reference', o.external_ref, 'channel_id', o.channel_id, "
                "  'channel', ch.name, 'channel_kind', ch.kind, 'status', o.status, 'created_at', o.created_at, "
                "  'updated_at', o.updated_at, 'currency', o.currency, 'total', o.total_amount, "
                "  'refunded', o.refunded_amount, 'net', max (o.total_amount - o.refunded_amount, 0), "
                "  'discount_amount', o.discount_amount, 'shipping_amount', o.shipping_amount, "
                "  'tax_amount', o.tax_amount) "
                "FROM orders o JOIN channels ch ON ch.id = o.channel_id WHERE o.id = ?" },
    { "customer", "SELECT json_object ('id', c.id, 'name', c.name, 'phone', c.phone, 'email', c.email, "
                  "  'wechat_id', c.wechat_id, "
                  "  'erased', json (CASE WHEN c.erased_at IS NULL THEN 'false' ELSE 'true' END)) "
                  "FROM orders o JOIN contacts c ON c.id = o.contact_id WHERE o.id = ?" },
    { "lines", "SELECT json_group_array (json_object ('sku', sku, 'name', name, 'quantity', quantity, "
               "  'unit_price', unit_price, 'line_total', line_total, 'product_id', product_id)) "
               "FROM (SELECT * FROM order_items WHERE order_id = ? ORDER BY id)" },
    /* A refund a return made names the return, and only then. */
    { "refunds", "SELECT json_group_array (json_patch (json_object ('reference', external_ref, 'amount', amount, "
                 "  'created_at', created_at, 'reason', reason), "
                 "  CASE WHEN external_ref GLOB 'return:*' THEN json_object ('return', substr (external_ref, 8)) "
                 "       ELSE '{}' END)) "
                 "FROM (SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, id)" },
  };
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *root;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      JsonNode *node = query_json (db, parts[i].sql, order_id, error);

      if (node == NULL)
        return NULL;
      if (i == 0 && JSON_NODE_HOLDS_NULL (node))
        {
          g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, order_id);

          json_node_unref (node);
          g_set_error (error, SIYU_ORDERS_ERROR, SIYU_ORDERS_ERROR_NOT_FOUND,
                       _("There is no order %s in this shop."), number);
          return NULL;
        }
      json_object_set_member (object, parts[i].member, node);
    }

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, object);

  return root;
}
