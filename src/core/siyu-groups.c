/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-groups"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-groups.h"
#include "siyu-ingest.h"
#include "siyu-phone.h"
#include "siyu-time.h"

/* Community groups (WeCom and WeChat groups, clubs) and their members, and
 * the orders list.
 *
 * ANALYTICS.md does not define the group figures; these are Siyu's, as of
 * a day D in the shop's time zone:
 * - members: stays that began by the end of D and had not ended by then;
 * - joins and leaves: stays that began, or ended, in D's calendar month up
 *   to the end of D;
 * - buyers: members with a paid order in the 30 days ending on D (the
 *   Overview's window), and net sales: the net of those orders. */

G_DEFINE_QUARK (siyu-groups-error-quark, siyu_groups_error)

typedef struct {
  gint64 month_start;
  gint64 window_start;
  gint64 end;
} Window;

static void
window_for (SiyuShop *shop,
            SiyuDay   as_of,
            Window   *w)
{
  int y, m, d;

  siyu_day_to_ymd (as_of, &y, &m, &d);
  w->month_start = siyu_shop_day_start (shop, siyu_day_from_ymd (y, m, 1));
  w->window_start = siyu_shop_day_start (shop, as_of - 29);
  w->end = siyu_shop_day_start (shop, as_of + 1);
}

static JsonNode *
query_json (SiyuDb      *db,
            const char  *sql,
            gint64       a,
            gint64       b,
            gint64       c,
            const char  *text,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  sqlite3_stmt *stmt;
  g_autofree char *json = NULL;
  int rc;

  stmt = siyu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_clear_bindings (stmt);
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  sqlite3_bind_int64 (stmt, 3, c);
  if (text != NULL)
    sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;
  if (!json_parser_load_from_data (parser, json != NULL ? json : "[]", -1, error))
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

#define MEMBER_AT(alias) \
  "(" alias ".joined_at < ?3 AND (" alias ".left_at IS NULL OR " alias ".left_at >= ?3))"

/**
 * siyu_groups_list:
 *
 * Returns: (transfer full): a JSON array of the groups, by name, each with
 *   its members, joins and leaves this month, buyers among its members and
 *   their net sales over 30 days, as of @as_of.
 */
JsonNode *
siyu_groups_list (SiyuShop  *shop,
                  SiyuDay    as_of,
                  GError   **error)
{
  Window w;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  window_for (shop, as_of, &w);

  return query_json (siyu_shop_get_db (shop),
                     "SELECT json_group_array (json_object ('id', id, 'name', name, 'kind', kind, "
                     "  'archived', json (CASE WHEN archived_at IS NULL THEN 'false' ELSE 'true' END), 'members', members, 'joins', joins, 'leaves', leaves, "
                     "  'buyers', buyers, 'net_sales', net_sales)) FROM ("
                     "SELECT g.id, g.name, g.kind, g.archived_at, "
                     "  (SELECT count (DISTINCT m.contact_id) FROM group_members m WHERE m.group_id = g.id AND "
                     MEMBER_AT ("m") ") AS members, "
                     "  (SELECT count (*) FROM group_members m WHERE m.group_id = g.id "
                     "     AND m.joined_at >= ?1 AND m.joined_at < ?3) AS joins, "
                     "  (SELECT count (*) FROM group_members m WHERE m.group_id = g.id "
                     "     AND m.left_at >= ?1 AND m.left_at < ?3) AS leaves, "
                     "  (SELECT count (DISTINCT o.contact_id) FROM orders o WHERE o.status IN ('paid', 'partially_refunded') "
                     "     AND o.created_at >= ?2 AND o.created_at < ?3 AND o.contact_id IN "
                     "     (SELECT m.contact_id FROM group_members m WHERE m.group_id = g.id AND " MEMBER_AT ("m") ")) AS buyers, "
                     "  (SELECT coalesce (sum (max (o.total_amount - o.refunded_amount, 0)), 0) FROM orders o "
                     "     WHERE o.status IN ('paid', 'partially_refunded') AND o.created_at >= ?2 AND o.created_at < ?3 "
                     "     AND o.contact_id IN (SELECT m.contact_id FROM group_members m WHERE m.group_id = g.id AND "
                     MEMBER_AT ("m") ")) AS net_sales "
                     "FROM community_groups g ORDER BY g.name)",
                     w.month_start, w.window_start, w.end, NULL, error);
}

static gint64
group_id (SiyuDb      *db,
          const char  *name,
          GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT id FROM community_groups WHERE name = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc < 0)
    return -1;
  if (id == 0)
    g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND,
                 _("There is no group “%s”."), name);
  return id > 0 ? id : -1;
}

/**
 * siyu_group_describe:
 *
 * Returns: (transfer full): the group and its members as of @as_of, with
 *   their role and the time they joined, by join time.
 */
JsonNode *
siyu_group_describe (SiyuShop    *shop,
                     const char  *name,
                     SiyuDay      as_of,
                     GError     **error)
{
  SiyuDb *db;
  Window w;
  gint64 id;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  id = group_id (db, name, error);
  if (id < 0)
    return NULL;
  window_for (shop, as_of, &w);

  return query_json (db,
                     "SELECT json_object ('id', g.id, 'name', g.name, 'kind', g.kind, 'members', "
                     "  (SELECT json_group_array (json_object ('contact_id', c.id, 'name', c.name, "
                     "     'phone', c.phone, 'role', m.role, 'joined_at', m.joined_at)) "
                     "   FROM (SELECT * FROM group_members m WHERE m.group_id = g.id AND " MEMBER_AT ("m")
                     "         ORDER BY m.joined_at, m.contact_id) m "
                     "   JOIN contacts c ON c.id = m.contact_id)) "
                     "FROM community_groups g WHERE g.id = ?1 AND ?2 = ?2",
                     id, 0, w.end, NULL, error);
}

/* The contacts the phones name, in order; new contacts for phones not
 * known yet.  A phone that is not one fails the whole list. */
static GArray *
resolve_phones (SiyuShop           *shop,
                SiyuIngest         *ingest,
                const char * const *phones,
                gint64              at,
                gboolean            create,
                GError            **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  SiyuDb *db = siyu_shop_get_db (shop);

  for (guint i = 0; phones[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *e164 = siyu_phone_normalize (phones[i], siyu_shop_get_phone_region (shop), &local_error);
      gint64 id = 0;

      if (e164 == NULL)
        {
          g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID,
                       _("Phone %u of the list: %s"), i + 1, local_error->message);
          return NULL;
        }

      if (create)
        {
          SiyuContactRecord record = { .phone = e164, .seen_at = at, .consent = -1, .do_not_contact = -1 };

          id = siyu_ingest_contact (ingest, &record, NULL, error);
          if (id < 0)
            return NULL;
        }
      else
        {
          sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT contact_id FROM contact_identities "
                                                    "WHERE kind = 'phone' AND value = ?", error);
          int rc;

          if (stmt == NULL)
            return NULL;
          sqlite3_bind_text (stmt, 1, e164, -1, SQLITE_TRANSIENT);
          rc = siyu_db_step (db, stmt, error);
          if (rc == SQLITE_ROW)
            id = sqlite3_column_int64 (stmt, 0);
          sqlite3_reset (stmt);
          if (rc < 0)
            return NULL;
          if (id == 0)
            {
              g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND,
                           _("Phone %u of the list, %s, is nobody’s in this shop."), i + 1, phones[i]);
              return NULL;
            }
        }
      g_array_append_val (ids, id);
    }

  return g_steal_pointer (&ids);
}

static gboolean
is_member_now (SiyuDb  *db,
               gint64   group,
               gint64   contact,
               int     *result,
               GError **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = ? "
                                            "AND contact_id = ? AND left_at IS NULL)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group);
  sqlite3_bind_int64 (stmt, 2, contact);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    *result = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/**
 * siyu_group_add_members:
 * @kind: (nullable): the kind of a group made now; "wechat" when %NULL
 * @phones: (array zero-terminated=1): the members' phones; someone not
 *   known yet becomes a contact
 * @at: when they joined, UTC seconds
 * @added: (out): how many joined; those already in the group are left be
 *
 * Makes the group if it is new.  All or nothing: a phone that is not one
 * adds nobody.
 */
gboolean
siyu_group_add_members (SiyuShop           *shop,
                        const char         *name,
                        const char         *kind,
                        const char * const *phones,
                        gint64              at,
                        guint              *added,
                        GError            **error)
{
  g_autoptr(SiyuIngest) ingest = NULL;
  g_autoptr(GArray) ids = NULL;
  SiyuDb *db;
  gint64 group;
  guint n = 0;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (phones != NULL, FALSE);

  db = siyu_shop_get_db (shop);
  ingest = siyu_ingest_new (shop);
  if (!siyu_db_begin (db, error))
    return FALSE;

  group = siyu_ingest_group (ingest, name, kind != NULL ? kind : "wechat", at, error);
  if (group < 0 || (ids = resolve_phones (shop, ingest, phones, at, TRUE, error)) == NULL)
    goto failed;

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 contact = g_array_index (ids, gint64, i);
      int member = 0;

      if (!is_member_now (db, group, contact, &member, error))
        goto failed;
      if (member)
        continue;
      if (!siyu_ingest_group_member (ingest, group, contact, "member", at, 0, error))
        goto failed;
      n++;
    }

  if (!siyu_db_commit (db, error))
    return FALSE;
  if (added != NULL)
    *added = n;
  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

/**
 * siyu_group_remove_members:
 * @removed: (out): how many left; phones of people not in the group are
 *   passed over
 *
 * Records that the members with @phones left the group at @at.
 */
gboolean
siyu_group_remove_members (SiyuShop           *shop,
                           const char         *name,
                           const char * const *phones,
                           gint64              at,
                           guint              *removed,
                           GError            **error)
{
  g_autoptr(GArray) ids = NULL;
  SiyuDb *db;
  gint64 group;
  guint n = 0;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (phones != NULL, FALSE);

  db = siyu_shop_get_db (shop);
  group = group_id (db, name, error);
  if (group < 0)
    return FALSE;
  if (!siyu_db_begin (db, error))
    return FALSE;
  ids = resolve_phones (shop, NULL, phones, at, FALSE, error);
  if (ids == NULL)
    goto failed;

  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_stmt *stmt = siyu_db_prepare (db, "UPDATE group_members SET left_at = max (?3, joined_at) "
                                                "WHERE group_id = ?1 AND contact_id = ?2 AND left_at IS NULL",
                                            error);

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, group);
      sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
      sqlite3_bind_int64 (stmt, 3, at);
      if (!siyu_db_step_done (db, stmt, error))
        goto failed;
      n += sqlite3_changes (siyu_db_get_handle (db));
    }

  if (!siyu_db_commit (db, error))
    return FALSE;
  if (removed != NULL)
    *removed = n;
  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

/**
 * siyu_orders_list:
 * @contact_id: only this contact's orders, or 0 for all
 * @search: (nullable): part of the order number, or of the product names
 * @limit: the most orders to list, newest first
 *
 * Returns: (transfer full): a JSON array of orders with their channel,
 *   status, totals, customer and lines.
 */
JsonNode *
siyu_orders_list (SiyuShop    *shop,
                  gint64       contact_id,
                  const char  *search,
                  guint        limit,
                  GError     **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  return query_json (siyu_shop_get_db (shop),
                     "SELECT json_group_array (json_object ('id', o.id, 'reference', o.external_ref, "
                     "  'channel', ch.name, 'created_at', o.created_at, 'status', o.status, 'currency', o.currency, "
                     "  'total', o.total_amount, 'refunded', o.refunded_amount, 'contact_id', o.contact_id, "
                     "  'name', c.name, 'items', (SELECT json_group_array (json_object ('sku', i.sku, "
                     "     'name', i.name, 'quantity', i.quantity, 'line_total', i.line_total)) "
                     "     FROM order_items i WHERE i.order_id = o.id))) "
                     "FROM (SELECT * FROM orders o WHERE (?1 = 0 OR o.contact_id = ?1) AND "
                     "  (?4 IS NULL OR instr (o.external_ref, ?4) > 0 OR EXISTS (SELECT 1 FROM order_items i "
                     "   WHERE i.order_id = o.id AND instr (i.name, ?4) > 0)) "
                     "  ORDER BY o.created_at DESC, o.id DESC LIMIT ?2) o "
                     "JOIN channels ch ON ch.id = o.channel_id LEFT JOIN contacts c ON c.id = o.contact_id",
                     contact_id, limit, 0, search, error);
}
