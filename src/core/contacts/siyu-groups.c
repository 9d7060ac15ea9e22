/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-groups"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-groups.h"
#include "siyu-ingest.h"
#include "siyu-json.h"
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
  /* SQLite copies text into its JSON as it is stored, and a damaged file's
   * need not be UTF-8. */
  if (json != NULL && !g_utf8_validate (json, -1, NULL))
    {
      char *valid = g_utf8_make_valid (json, -1);

      g_free (json);
      json = valid;
    }
  return siyu_json_parse (json != NULL ? json : "[]", -1, _("The group"), error);
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
          if (id == 0)
            {
              g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID,
                           _("Phone %u of the list, %s, belongs to an erased person. If they came back and agreed, let them back first: search Contacts for the number, or use siyu-cli contact unerase."),
                           i + 1, phones[i]);
              return NULL;
            }
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

static gboolean audit_count (SiyuShop    *shop,
                             const char  *action,
                             gint64       group,
                             guint        count,
                             GError     **error);

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

  if (n > 0 && !audit_count (shop, "group-add", group, n, error))
    goto failed;
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

  if (n > 0 && !audit_count (shop, "group-leave", group, n, error))
    goto failed;
  if (!siyu_db_commit (db, error))
    return FALSE;
  if (removed != NULL)
    *removed = n;
  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

/* Group edits: made, renamed, archived, roles and leaves.  Each is one
 * transaction (or part of the caller's) and is written to the audit log
 * with the group's id and, for a member, the contact's id: never a name or
 * a phone number. */

static gboolean
audit (SiyuShop    *shop,
       const char  *action,
       gint64       group,
       gint64       contact,
       const char  *key,
       const char  *value,
       GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *detail = NULL;

  json_builder_begin_object (builder);
  if (contact > 0)
    {
      json_builder_set_member_name (builder, "contact_id");
      json_builder_add_int_value (builder, contact);
    }
  if (key != NULL)
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  detail = siyu_json_to_string (root, FALSE);

  return siyu_shop_audit (shop, action, "group", group, detail, error);
}

static gboolean
audit_count (SiyuShop    *shop,
             const char  *action,
             gint64       group,
             guint        count,
             GError     **error)
{
  g_autofree char *detail = g_strdup_printf ("{\"count\":%u}", count);

  return siyu_shop_audit (shop, action, "group", group, detail, error);
}

static gboolean
begin (SiyuDb    *db,
       gboolean  *own,
       GError   **error)
{
  *own = !siyu_db_in_transaction (db);

  return !*own || siyu_db_begin (db, error);
}

static gboolean
finish (SiyuDb    *db,
        gboolean   own,
        gboolean   ok,
        GError   **error)
{
  if (!own)
    return ok;
  if (ok && siyu_db_commit (db, error))
    return TRUE;
  siyu_db_rollback (db);
  return FALSE;
}

static gboolean
group_exists (SiyuDb   *db,
              gint64    group,
              GError  **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT count (*) FROM community_groups WHERE id = ?", error);
  int rc;
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    found = sqlite3_column_int64 (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (!found)
    g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND,
                 _("There is no group %lld."), (long long) group);
  return found;
}

/* @name without the blanks around it, or %NULL and an error. */
static char *
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));

  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID, _("A group needs a name."));
      return NULL;
    }
  if (g_utf8_strlen (stripped, -1) > 100)
    {
      g_set_error_literal (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID,
                           _("A group’s name can be at most 100 characters long."));
      return NULL;
    }

  return g_steal_pointer (&stripped);
}

/* Fails with %SIYU_GROUPS_ERROR_EXISTS if a group other than @except is
 * called @name. */
static gboolean
name_is_free (SiyuDb      *db,
              const char  *name,
              gint64       except,
              GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT count (*) FROM community_groups WHERE name = ? AND id <> ?", error);
  gint64 n = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, except);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (n > 0)
    {
      g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_EXISTS,
                   _("There is already a group called “%s”."), name);
      return FALSE;
    }
  return TRUE;
}

static const char * const kinds[] = { "wecom", "wechat", "club", "other", NULL };
static const char * const roles[] = { "owner", "admin", "member", NULL };

/**
 * siyu_group_lookup:
 *
 * Returns: the id of the group called @name, or -1 and
 *   %SIYU_GROUPS_ERROR_NOT_FOUND
 */
gint64
siyu_group_lookup (SiyuShop    *shop,
                   const char  *name,
                   GError     **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);
  g_return_val_if_fail (name != NULL, -1);

  return group_id (siyu_shop_get_db (shop), name, error);
}

/**
 * siyu_groups_contact_for_phone:
 * @phone: a phone number as typed; read with the shop's phone region
 *
 * Returns: the id of the contact with @phone, or -1 with
 *   %SIYU_GROUPS_ERROR_INVALID when it is not a phone number and
 *   %SIYU_GROUPS_ERROR_NOT_FOUND when it is nobody's
 */
gint64
siyu_groups_contact_for_phone (SiyuShop    *shop,
                               const char  *phone,
                               GError     **error)
{
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);
  g_return_val_if_fail (phone != NULL, -1);

  ids = resolve_phones (shop, NULL, (const char * const[]) { phone, NULL }, 0, FALSE, error);
  if (ids == NULL)
    return -1;
  return g_array_index (ids, gint64, 0);
}

/**
 * siyu_group_create:
 * @name: the group's name, unique in the shop; blanks around it are dropped
 * @kind: wecom, wechat, club or other
 * @at: when it was made, UTC seconds
 *
 * Returns: the new group's id, or -1: %SIYU_GROUPS_ERROR_INVALID for a
 *   blank name or a kind that is none of those, %SIYU_GROUPS_ERROR_EXISTS
 *   when another group has that name already
 */
gint64
siyu_group_create (SiyuShop    *shop,
                   const char  *name,
                   const char  *kind,
                   gint64       at,
                   GError     **error)
{
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;
  gboolean own, ok = FALSE;
  gint64 id = -1;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  if ((clean = check_name (name, error)) == NULL)
    return -1;
  if (kind == NULL || !g_strv_contains (kinds, kind))
    {
      g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID,
                   _("“%s” is not a kind of group; use wecom, wechat, club or other."), kind != NULL ? kind : "");
      return -1;
    }

  db = siyu_shop_get_db (shop);
  if (!begin (db, &own, error))
    return -1;
  if (name_is_free (db, clean, 0, error) &&
      (stmt = siyu_db_prepare (db, "INSERT INTO community_groups (name, kind, created_at) VALUES (?, ?, ?)", error)) != NULL)
    {
      sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, at);
      if (siyu_db_step_done (db, stmt, error))
        {
          id = siyu_db_last_insert_id (db);
          ok = audit (shop, "group-create", id, 0, "kind", kind, error);
        }
    }
  if (!finish (db, own, ok, error))
    return -1;

  return id;
}

/**
 * siyu_group_rename:
 * @previous: (out) (optional): the name it had, to undo with
 *
 * Gives the group another name: not blank, and no other group's
 * (%SIYU_GROUPS_ERROR_EXISTS).
 */
gboolean
siyu_group_rename (SiyuShop    *shop,
                   gint64       group_id,
                   const char  *name,
                   char       **previous,
                   GError     **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *old = NULL;
  sqlite3_stmt *stmt;
  gboolean own, ok = FALSE;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  if ((clean = check_name (name, error)) == NULL)
    return FALSE;

  db = siyu_shop_get_db (shop);
  if (!begin (db, &own, error))
    return FALSE;
  if (group_exists (db, group_id, error) && name_is_free (db, clean, group_id, error) &&
      (stmt = siyu_db_prepare (db, "SELECT name FROM community_groups WHERE id = ?", error)) != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, group_id);
      if (siyu_db_step (db, stmt, error) == SQLITE_ROW)
        old = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      if (old != NULL && g_str_equal (old, clean))
        ok = TRUE;
      else if (old != NULL &&
               (stmt = siyu_db_prepare (db, "UPDATE community_groups SET name = ?2 WHERE id = ?1", error)) != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, group_id);
          sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_TRANSIENT);
          ok = siyu_db_step_done (db, stmt, error) &&
               audit (shop, "group-rename", group_id, 0, NULL, NULL, error);
        }
    }
  if (!finish (db, own, ok, error))
    return FALSE;

  if (previous != NULL)
    *previous = g_steal_pointer (&old);
  return TRUE;
}

/**
 * siyu_group_set_archived:
 * @archived: whether the group is done with: archived groups keep their
 *   members and figures and are listed apart
 * @at: when it was archived, UTC seconds
 * @changed: (out) (optional): whether it was not so already
 */
gboolean
siyu_group_set_archived (SiyuShop  *shop,
                         gint64     group_id,
                         gboolean   archived,
                         gint64     at,
                         gboolean  *changed,
                         GError   **error)
{
  sqlite3_stmt *stmt;
  gboolean own, ok = FALSE;
  int n = 0;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!begin (db, &own, error))
    return FALSE;
  if (group_exists (db, group_id, error) &&
      (stmt = siyu_db_prepare (db, archived
                                   ? "UPDATE community_groups SET archived_at = ?2 WHERE id = ?1 AND archived_at IS NULL"
                                   : "UPDATE community_groups SET archived_at = NULL WHERE id = ?1 AND archived_at IS NOT NULL "
                                     "AND ?2 = ?2",
                               error)) != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, group_id);
      sqlite3_bind_int64 (stmt, 2, at);
      ok = siyu_db_step_done (db, stmt, error);
      n = sqlite3_changes (siyu_db_get_handle (db));
      if (ok && n > 0)
        ok = audit (shop, archived ? "group-archive" : "group-unarchive", group_id, 0, NULL, NULL, error);
    }
  if (!finish (db, own, ok, error))
    return FALSE;

  if (changed != NULL)
    *changed = n > 0;
  return TRUE;
}

/* The id and role of @contact's stay in @group that has not ended, or 0. */
static gint64
current_stay (SiyuDb   *db,
              gint64    group,
              gint64    contact,
              char    **role,
              GError  **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT id, role FROM group_members WHERE group_id = ? AND contact_id = ? "
                                            "AND left_at IS NULL ORDER BY joined_at DESC LIMIT 1", error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, group);
  sqlite3_bind_int64 (stmt, 2, contact);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (role != NULL)
        *role = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return -1;
  if (id == 0)
    g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND,
                 _("Contact %lld is not in this group now."), (long long) contact);

  return id > 0 ? id : -1;
}

/**
 * siyu_group_set_role:
 * @role: owner, admin or member
 * @previous: (out) (optional): the role before, to undo with
 *
 * Changes the role of a member who is in the group now.
 */
gboolean
siyu_group_set_role (SiyuShop    *shop,
                     gint64       group_id,
                     gint64       contact_id,
                     const char  *role,
                     char       **previous,
                     GError     **error)
{
  g_autofree char *old = NULL;
  sqlite3_stmt *stmt;
  gboolean own, ok = FALSE;
  gint64 stay;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  if (role == NULL || !g_strv_contains (roles, role))
    {
      g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_INVALID,
                   _("“%s” is not a role in a group; use owner, admin or member."), role != NULL ? role : "");
      return FALSE;
    }

  db = siyu_shop_get_db (shop);
  if (!begin (db, &own, error))
    return FALSE;
  if (group_exists (db, group_id, error) && (stay = current_stay (db, group_id, contact_id, &old, error)) > 0)
    {
      if (g_str_equal (old, role))
        ok = TRUE;
      else if ((stmt = siyu_db_prepare (db, "UPDATE group_members SET role = ?2 WHERE id = ?1", error)) != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, stay);
          sqlite3_bind_text (stmt, 2, role, -1, SQLITE_STATIC);
          ok = siyu_db_step_done (db, stmt, error) &&
               audit (shop, "group-role", group_id, contact_id, "role", role, error);
        }
    }
  if (!finish (db, own, ok, error))
    return FALSE;

  if (previous != NULL)
    *previous = g_steal_pointer (&old);
  return TRUE;
}

/**
 * siyu_group_record_leave:
 * @at: when they left, UTC seconds; not before they joined
 *
 * Records that one member who is in the group now left it.
 */
gboolean
siyu_group_record_leave (SiyuShop  *shop,
                         gint64     group_id,
                         gint64     contact_id,
                         gint64     at,
                         GError   **error)
{
  sqlite3_stmt *stmt;
  gboolean own, ok = FALSE;
  gint64 stay;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!begin (db, &own, error))
    return FALSE;
  if (group_exists (db, group_id, error) && (stay = current_stay (db, group_id, contact_id, NULL, error)) > 0 &&
      (stmt = siyu_db_prepare (db, "UPDATE group_members SET left_at = max (?2, joined_at) WHERE id = ?1", error)) != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, stay);
      sqlite3_bind_int64 (stmt, 2, at);
      ok = siyu_db_step_done (db, stmt, error) &&
           audit (shop, "group-leave", group_id, contact_id, NULL, NULL, error);
    }

  return finish (db, own, ok, error);
}

/**
 * siyu_group_cancel_leave:
 *
 * Takes back the leave of @contact_id's last stay in the group, as when a
 * leave was recorded by mistake: they are in the group again since they
 * first joined.  Fails with %SIYU_GROUPS_ERROR_NOT_FOUND when they never
 * were in it, or are in it now.
 */
gboolean
siyu_group_cancel_leave (SiyuShop  *shop,
                         gint64     group_id,
                         gint64     contact_id,
                         GError   **error)
{
  sqlite3_stmt *stmt;
  gboolean own, ok = FALSE;
  gint64 stay = 0;
  gboolean left = FALSE;
  SiyuDb *db;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!begin (db, &own, error))
    return FALSE;
  if (!group_exists (db, group_id, error) ||
      (stmt = siyu_db_prepare (db, "SELECT id, left_at IS NOT NULL FROM group_members WHERE group_id = ? "
                                   "AND contact_id = ? ORDER BY joined_at DESC, id DESC LIMIT 1", error)) == NULL)
    return finish (db, own, FALSE, error);

  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, contact_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      stay = sqlite3_column_int64 (stmt, 0);
      left = sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc >= 0 && stay == 0)
    g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND,
                 _("Contact %lld was never in this group."), (long long) contact_id);
  else if (rc >= 0 && !left)
    g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND,
                 _("Contact %lld is in this group now."), (long long) contact_id);
  else if (rc >= 0 &&
           (stmt = siyu_db_prepare (db, "UPDATE group_members SET left_at = NULL WHERE id = ?", error)) != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, stay);
      ok = siyu_db_step_done (db, stmt, error) &&
           audit (shop, "group-cancel-leave", group_id, contact_id, NULL, NULL, error);
    }

  return finish (db, own, ok, error);
}

static void
report_line (JsonBuilder *builder,
             guint        line,
             const char  *text,
             const char  *outcome,
             gint64       contact,
             const char  *message)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "line");
  json_builder_add_int_value (builder, line);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "outcome");
  json_builder_add_string_value (builder, outcome);
  if (contact > 0)
    {
      json_builder_set_member_name (builder, "contact_id");
      json_builder_add_int_value (builder, contact);
    }
  if (message != NULL)
    {
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, message);
    }
  json_builder_end_object (builder);
}

/**
 * siyu_group_add_known_members:
 * @text: phone numbers as pasted: one a line (commas, semicolons and tabs
 *   part them too); blank lines are passed over
 * @at: when they joined, UTC seconds
 *
 * Adds the contacts whose phones @text lists to the group as members.
 * Nobody is made up: a phone that is nobody's in the shop is reported as
 * unknown, text that is not a phone number as invalid, someone in the group
 * already as such; the others are added, in one transaction.
 *
 * Returns: (transfer full): a JSON object: "added", "already", "unknown",
 *   "invalid" (counts) and "lines", one object per phone with its "line",
 *   "text", "outcome" (added, already, unknown or invalid), the
 *   "contact_id" if known and the "message" if invalid
 */
JsonNode *
siyu_group_add_known_members (SiyuShop    *shop,
                              gint64       group_id,
                              const char  *text,
                              gint64       at,
                              GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(SiyuIngest) ingest = NULL;
  g_auto(GStrv) lines = NULL;
  guint counts[4] = { 0, };
  gboolean own;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  db = siyu_shop_get_db (shop);
  ingest = siyu_ingest_new (shop);
  lines = g_strsplit_set (text, "\n\r,;，；\t", -1);
  if (!begin (db, &own, error))
    return NULL;
  if (!group_exists (db, group_id, error))
    goto failed;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lines");
  json_builder_begin_array (builder);
  for (guint i = 0, line = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *e164 = NULL;
      char *phone = g_strstrip (lines[i]);
      gint64 contact = 0;
      int member = 0;
      sqlite3_stmt *stmt;
      int rc;

      if (phone[0] == '\0')
        continue;
      line++;
      e164 = siyu_phone_normalize (phone, siyu_shop_get_phone_region (shop), &local_error);
      if (e164 == NULL)
        {
          report_line (builder, line, phone, "invalid", 0, local_error->message);
          counts[3]++;
          continue;
        }

      stmt = siyu_db_prepare (db, "SELECT contact_id FROM contact_identities WHERE kind = 'phone' AND value = ?", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, e164, -1, SQLITE_TRANSIENT);
      rc = siyu_db_step (db, stmt, error);
      if (rc == SQLITE_ROW)
        contact = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc < 0)
        goto failed;
      if (contact == 0)
        {
          report_line (builder, line, phone, "unknown", 0, NULL);
          counts[2]++;
          continue;
        }

      if (!is_member_now (db, group_id, contact, &member, error))
        goto failed;
      if (member)
        {
          report_line (builder, line, phone, "already", contact, NULL);
          counts[1]++;
          continue;
        }
      if (!siyu_ingest_group_member (ingest, group_id, contact, "member", at, 0, error))
        goto failed;
      report_line (builder, line, phone, "added", contact, NULL);
      counts[0]++;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "added");
  json_builder_add_int_value (builder, counts[0]);
  json_builder_set_member_name (builder, "already");
  json_builder_add_int_value (builder, counts[1]);
  json_builder_set_member_name (builder, "unknown");
  json_builder_add_int_value (builder, counts[2]);
  json_builder_set_member_name (builder, "invalid");
  json_builder_add_int_value (builder, counts[3]);
  json_builder_end_object (builder);

  if (counts[0] > 0 && !audit_count (shop, "group-add", group_id, counts[0], error))
    goto failed;
  if (!finish (db, own, TRUE, error))
    return NULL;

  return json_builder_get_root (builder);

failed:
  finish (db, own, FALSE, NULL);
  return NULL;
}

/**
 * siyu_group_get:
 *
 * Returns: (transfer full): the group as siyu_groups_list() gives it, with
 *   its "created_at" and "archived_at" (0 if it is not archived)
 */
JsonNode *
siyu_group_get (SiyuShop  *shop,
                gint64     group_id,
                SiyuDay    as_of,
                GError   **error)
{
  g_autoptr(JsonNode) all = NULL;
  SiyuDb *db;
  JsonArray *groups;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  if (!group_exists (db, group_id, error) || (all = siyu_groups_list (shop, as_of, error)) == NULL)
    return NULL;

  groups = json_node_get_array (all);
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);
      sqlite3_stmt *stmt;
      int rc;

      if (json_object_get_int_member (group, "id") != group_id)
        continue;
      stmt = siyu_db_prepare (db, "SELECT created_at, coalesce (archived_at, 0) FROM community_groups WHERE id = ?", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, group_id);
      rc = siyu_db_step (db, stmt, error);
      if (rc == SQLITE_ROW)
        {
          json_object_set_int_member (group, "created_at", sqlite3_column_int64 (stmt, 0));
          json_object_set_int_member (group, "archived_at", sqlite3_column_int64 (stmt, 1));
        }
      sqlite3_reset (stmt);
      if (rc < 0)
        return NULL;
      return json_node_init_object (json_node_alloc (), group);
    }

  g_set_error (error, SIYU_GROUPS_ERROR, SIYU_GROUPS_ERROR_NOT_FOUND,
               _("There is no group %lld."), (long long) group_id);
  return NULL;
}

/**
 * siyu_group_count_members:
 *
 * @current: (out) (optional): how many of them are in the group now
 *
 * Returns: how many rows siyu_group_members() has for the group: its
 *   members and its past members' stays; -1 on error
 */
gint64
siyu_group_count_members (SiyuShop  *shop,
                          gint64     group_id,
                          gint64    *current,
                          GError   **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 n = -1;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  db = siyu_shop_get_db (shop);
  if (!group_exists (db, group_id, error))
    return -1;
  stmt = siyu_db_prepare (db, "SELECT count (*), count (*) FILTER (WHERE left_at IS NULL) FROM group_members "
                              "WHERE group_id = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, group_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      n = sqlite3_column_int64 (stmt, 0);
      if (current != NULL)
        *current = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);

  return n;
}

/**
 * siyu_group_members:
 * @as_of: the day up to the end of which orders are counted
 * @offset: the first row to read
 * @limit: the most rows to read
 *
 * A page of the group's members, for a list that reads as it scrolls.
 * Those in the group now come first, owners, then admins, then members,
 * each by the time they joined; then those who left, the latest leave
 * first.  Someone who left and joined again has a row for each stay.
 *
 * Returns: (transfer full): a JSON array of objects: the stay's "id",
 *   "contact_id", "name" (or null), "phone" masked as 138****8000 (or
 *   null), "role", "joined_at", "left_at" (or null), and the contact's
 *   paid "orders" and their "net_spend" in minor units, up to the end of
 *   @as_of
 */
JsonNode *
siyu_group_members (SiyuShop  *shop,
                    gint64     group_id,
                    SiyuDay    as_of,
                    guint      offset,
                    guint      limit,
                    GError   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  if (!group_exists (db, group_id, error))
    return NULL;
  stmt = siyu_db_prepare (db,
                          "SELECT m.id, m.contact_id, c.name, c.phone, m.role, m.joined_at, m.left_at, "
                          "  (SELECT count (*) FROM orders o WHERE o.contact_id = m.contact_id "
                          "     AND o.status IN ('paid', 'partially_refunded') AND o.created_at < ?2), "
                          "  (SELECT coalesce (sum (max (o.total_amount - o.refunded_amount, 0)), 0) FROM orders o "
                          "     WHERE o.contact_id = m.contact_id AND o.status IN ('paid', 'partially_refunded') "
                          "     AND o.created_at < ?2) "
                          "FROM group_members m JOIN contacts c ON c.id = m.contact_id "
                          "WHERE m.group_id = ?1 "
                          "ORDER BY m.left_at IS NOT NULL, "
                          "  CASE WHEN m.left_at IS NOT NULL THEN 0 WHEN m.role = 'owner' THEN 0 "
                          "       WHEN m.role = 'admin' THEN 1 ELSE 2 END, "
                          "  CASE WHEN m.left_at IS NULL THEN m.joined_at ELSE -m.left_at END, m.id "
                          "LIMIT ?3 OFFSET ?4",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (shop, as_of + 1));
  sqlite3_bind_int64 (stmt, 3, limit);
  sqlite3_bind_int64 (stmt, 4, offset);

  json_builder_begin_array (builder);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 2);
      const char *phone = (const char *) sqlite3_column_text (stmt, 3);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
      json_builder_set_member_name (builder, "contact_id");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
      json_builder_set_member_name (builder, "name");
      if (name != NULL)
        json_builder_add_string_value (builder, name);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "phone");
      if (phone != NULL)
        {
          g_autofree char *masked = siyu_phone_mask (phone);

          json_builder_add_string_value (builder, masked);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 4));
      json_builder_set_member_name (builder, "joined_at");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 5));
      json_builder_set_member_name (builder, "left_at");
      if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 6));
      json_builder_set_member_name (builder, "orders");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 7));
      json_builder_set_member_name (builder, "net_spend");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 8));
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
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
                     "  'total', o.total_amount, 'refunded', o.refunded_amount, 'discount_amount', o.discount_amount, "
                     "  'shipping_amount', o.shipping_amount, 'tax_amount', o.tax_amount, 'contact_id', o.contact_id, "
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
