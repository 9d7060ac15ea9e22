/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-membership"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-backup.h"
#include "siyu-ingest.h"
#include "siyu-membership.h"
#include "siyu-segments.h"
#include "siyu-json.h"

/* Who is a member, and since when (ANALYTICS.md "Added for batch 2").
 *
 * member_since comes from an import column or a platform (member_source
 * "source"), from the owner, one by one or in bulk ("manual"), or from the
 * shop's rule ("rule"):
 *   none          nobody becomes a member by rule (the default);
 *   first_order   every buyer, from their first paid order;
 *   spend X       from the first paid order that brings the net spend of
 *                 the 365 days ending on its day (days(x) <= 364, as in
 *                 ANALYTICS.md) to X or more.
 * Paid orders are those of ANALYTICS.md, in the shop's currency, with their
 * net as it is now (refunds included).  The rule only decides for people
 * with no membership from elsewhere; what it decided is worked out again
 * whenever the figures are recomputed and whenever the rule changes, so a
 * refunded first order or a rule turned off withdraws it.  Members made by
 * hand or by a source keep their date whatever the rule.
 *
 * Tiers apply to members only, so a shop that imported its orders has
 * tiers once it has a rule or made its buyers members. */

#define RULE_KEY      "membership_rule"
#define THRESHOLD_KEY "membership_threshold"

G_DEFINE_QUARK (siyu-membership-error-quark, siyu_membership_error)

static const char * const rule_names[] = { "none", "first_order", "spend" };

const char *
siyu_membership_rule_kind_to_string (SiyuMembershipRuleKind kind)
{
  g_return_val_if_fail (kind <= SIYU_MEMBERSHIP_RULE_SPEND, NULL);

  return rule_names[kind];
}

gboolean
siyu_membership_rule_kind_from_string (const char             *text,
                                       SiyuMembershipRuleKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_names); i++)
    if (g_strcmp0 (text, rule_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }

  return FALSE;
}

/* A rule the file holds but Siyu does not understand counts as none. */
void
siyu_membership_get_rule (SiyuShop           *shop,
                          SiyuMembershipRule *rule)
{
  g_autofree char *kind = NULL;
  g_autofree char *threshold = NULL;
  gint64 value = 0;

  g_return_if_fail (SIYU_IS_SHOP (shop));
  g_return_if_fail (rule != NULL);

  rule->kind = SIYU_MEMBERSHIP_RULE_NONE;
  rule->threshold = 0;
  kind = siyu_shop_dup_setting (shop, RULE_KEY);
  if (!siyu_membership_rule_kind_from_string (kind, &rule->kind))
    return;
  if (rule->kind == SIYU_MEMBERSHIP_RULE_SPEND)
    {
      threshold = siyu_shop_dup_setting (shop, THRESHOLD_KEY);
      if (threshold == NULL || !g_ascii_string_to_signed (threshold, 10, 1, SIYU_INGEST_MAX_AMOUNT, &value, NULL))
        {
          rule->kind = SIYU_MEMBERSHIP_RULE_NONE;
          return;
        }
      rule->threshold = value;
    }
}

static gboolean
write_setting (SiyuDb      *db,
               const char  *key,
               const char  *value,
               GError     **error)
{
  sqlite3_stmt *stmt;

  if (value == NULL)
    stmt = siyu_db_prepare (db, "DELETE FROM settings WHERE key = ?1", error);
  else
    stmt = siyu_db_prepare (db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);

  return siyu_db_step_done (db, stmt, error);
}

typedef struct {
  SiyuDay day;
  gint64  net;
} Purchase;

/* When the rule makes each person it decides for a member: [[id, time], …]. */
static char *
rule_members (SiyuShop                 *shop,
              const SiyuMembershipRule *rule,
              GError                  **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GString) out = g_string_new ("[");
  g_autoptr(GArray) window = g_array_new (FALSE, FALSE, sizeof (Purchase));
  sqlite3_stmt *stmt;
  gint64 current = 0, sum = 0;
  guint first = 0;
  gboolean done = FALSE;
  int rc;

  if (rule->kind == SIYU_MEMBERSHIP_RULE_NONE)
    return g_strdup ("[]");

  stmt = siyu_db_prepare (db,
                          "SELECT o.contact_id, o.created_at, max (0, o.total_amount - o.refunded_amount) "
                          "FROM orders o JOIN contacts c ON c.id = o.contact_id "
                          "WHERE o.status IN ('paid', 'partially_refunded') AND o.currency = ? "
                          "  AND c.erased_at IS NULL "
                          "  AND ((c.member_source IS NULL AND c.member_since IS NULL) OR c.member_source = 'rule') "
                          "ORDER BY o.contact_id, o.created_at, o.id",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 at = sqlite3_column_int64 (stmt, 1);
      Purchase purchase = { siyu_shop_day_of (shop, at), sqlite3_column_int64 (stmt, 2) };

      if (id != current)
        {
          current = id;
          done = FALSE;
          sum = 0;
          first = 0;
          g_array_set_size (window, 0);
        }
      if (done)
        continue;

      if (rule->kind == SIYU_MEMBERSHIP_RULE_SPEND)
        {
          g_array_append_val (window, purchase);
          sum += purchase.net;
          /* The 365 days ending on this order's day. */
          while (g_array_index (window, Purchase, first).day <= purchase.day - 365)
            sum -= g_array_index (window, Purchase, first++).net;
          if (sum < rule->threshold)
            continue;
        }
      g_string_append_printf (out, "%s[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]", out->len > 1 ? "," : "", id, at);
      done = TRUE;
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;
  g_string_append_c (out, ']');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Inside a transaction. */
static gboolean
apply_rule (SiyuShop                 *shop,
            const SiyuMembershipRule *rule,
            guint                    *changed,
            GError                  **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autofree char *members = rule_members (shop, rule, error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  sqlite3_stmt *stmt;
  guint n = 0;

  if (members == NULL)
    return FALSE;

  stmt = siyu_db_prepare (db, "UPDATE contacts SET member_since = NULL, member_source = NULL, updated_at = ?2 "
                              "WHERE member_source = 'rule' AND id NOT IN (SELECT value ->> 0 FROM json_each (?1))",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, members, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;
  n += sqlite3_changes (siyu_db_get_handle (db));

  stmt = siyu_db_prepare (db, "UPDATE contacts SET member_since = j.value ->> 1, member_source = 'rule', updated_at = ?2 "
                              "FROM json_each (?1) j WHERE contacts.id = j.value ->> 0 "
                              "  AND (contacts.member_since IS NOT j.value ->> 1 OR contacts.member_source IS NOT 'rule')",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, members, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;
  n += sqlite3_changes (siyu_db_get_handle (db));

  if (changed != NULL)
    *changed = n;

  return TRUE;
}

/**
 * siyu_membership_apply_rule:
 * @changed: (out) (optional): how many people became or stopped being
 *   members by rule, or changed date
 *
 * Works out again who is a member by the shop's rule (see the top of this
 * file), in its own transaction unless the caller has one open; what the
 * recompute does first.
 */
gboolean
siyu_membership_apply_rule (SiyuShop  *shop,
                            guint     *changed,
                            GError   **error)
{
  SiyuMembershipRule rule;
  SiyuDb *db;
  gboolean own;
  gint64 have;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  if (changed != NULL)
    *changed = 0;
  db = siyu_shop_get_db (shop);
  siyu_membership_get_rule (shop, &rule);
  if (rule.kind == SIYU_MEMBERSHIP_RULE_NONE)
    {
      have = siyu_db_query_int (db, "SELECT EXISTS (SELECT 1 FROM contacts WHERE member_source = 'rule')", error);
      if (have <= 0)
        return have == 0;
    }

  own = !siyu_db_in_transaction (db);
  if (own && !siyu_db_begin (db, error))
    return FALSE;
  if (!apply_rule (shop, &rule, changed, error) || (own && !siyu_db_commit (db, error)))
    {
      if (own)
        siyu_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_membership_set_rule:
 * @changed: (out) (optional): as siyu_membership_apply_rule()
 *
 * Stores the shop's rule, applies it and writes it to the audit log, in one
 * transaction.  Figures follow at the next recompute.
 */
gboolean
siyu_membership_set_rule (SiyuShop                  *shop,
                          const SiyuMembershipRule  *rule,
                          guint                     *changed,
                          GError                   **error)
{
  g_autofree char *threshold = NULL;
  g_autofree char *detail = NULL;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  if (rule->kind > SIYU_MEMBERSHIP_RULE_SPEND)
    {
      g_set_error_literal (error, SIYU_MEMBERSHIP_ERROR, SIYU_MEMBERSHIP_ERROR_INVALID,
                           _("The membership rule is none, every buyer, or a spend threshold."));
      return FALSE;
    }
  if (rule->kind == SIYU_MEMBERSHIP_RULE_SPEND &&
      (rule->threshold <= 0 || rule->threshold > SIYU_INGEST_MAX_AMOUNT))
    {
      g_set_error_literal (error, SIYU_MEMBERSHIP_ERROR, SIYU_MEMBERSHIP_ERROR_INVALID,
                           _("The spend that makes a buyer a member must be above 0."));
      return FALSE;
    }

  db = siyu_shop_get_db (shop);
  if (rule->kind == SIYU_MEMBERSHIP_RULE_SPEND)
    threshold = g_strdup_printf ("%" G_GINT64_FORMAT, rule->threshold);
  detail = g_strdup_printf ("{\"rule\":\"%s\",\"threshold\":%" G_GINT64_FORMAT "}", rule_names[rule->kind],
                            rule->kind == SIYU_MEMBERSHIP_RULE_SPEND ? rule->threshold : 0);
  if (!siyu_db_begin (db, error))
    return FALSE;
  if (!write_setting (db, RULE_KEY, rule->kind == SIYU_MEMBERSHIP_RULE_NONE ? NULL : rule_names[rule->kind], error) ||
      !write_setting (db, THRESHOLD_KEY, threshold, error) ||
      !siyu_shop_audit (shop, "membership-rule", "shop", 0, detail, error) ||
      !apply_rule (shop, rule, changed, error) ||
      !siyu_db_commit (db, error))
    {
      siyu_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

static char *
ids_json (const gint64 *ids,
          guint         n_ids)
{
  GString *list = g_string_sized_new (16 + n_ids * 8);

  g_string_append_c (list, '[');
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (list, ']');

  return g_string_free (list, FALSE);
}

/**
 * siyu_membership_add:
 * @ids: (array length=n_ids): the contacts to make members
 * @since: since when: each one's first sighting, or @at
 * @at: with %SIYU_MEMBERSHIP_SINCE_TIME, the moment (UTC seconds)
 * @object_kind: what the audit line is about: "segment" or "contacts"
 * @change: (out) (optional): what was done
 *
 * Makes people members by the owner's hand.  Those who are members already
 * keep their date (one made by the rule now stays whatever the rule).  One
 * transaction, one audit line.
 *
 * Returns: (transfer full): what siyu_membership_undo() needs, or %NULL
 *   with @error set
 */
JsonNode *
siyu_membership_add (SiyuShop              *shop,
                     const gint64          *ids,
                     guint                  n_ids,
                     SiyuMembershipSince    since,
                     gint64                 at,
                     const char            *object_kind,
                     gint64                 object_id,
                     SiyuMembershipChange  *change,
                     GError               **error)
{
  g_autofree char *list = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  SiyuMembershipChange local = { 0, };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  JsonObject *undo;
  JsonNode *root;
  sqlite3_stmt *stmt;
  SiyuDb *db;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (object_kind != NULL, NULL);

  /* Many contacts at once: kept first, so that it can be taken back whole. */
  if (n_ids > 1 && !siyu_backup_before (shop, SIYU_BACKUP_CAUSE_BULK, error))
    return NULL;

  if (change == NULL)
    change = &local;
  memset (change, 0, sizeof *change);
  if (since == SIYU_MEMBERSHIP_SINCE_TIME && at <= 0)
    {
      g_set_error_literal (error, SIYU_MEMBERSHIP_ERROR, SIYU_MEMBERSHIP_ERROR_INVALID,
                           _("Say since when they are members."));
      return NULL;
    }

  db = siyu_shop_get_db (shop);
  list = ids_json (ids, n_ids);
  if (!siyu_db_begin (db, error))
    return NULL;

  stmt = siyu_db_prepare (db,
                          "SELECT json_group_array (json_array (id, member_since, member_source)) "
                          "FROM contacts WHERE id IN (SELECT value FROM json_each (?1)) AND erased_at IS NULL "
                          "  AND (member_since IS NULL OR member_source IS NOT 'manual')",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, list, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      goto fail;
    }
  if (!json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 0), -1, error))
    {
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);

  stmt = siyu_db_prepare (db,
                          "SELECT count (*), coalesce (sum (member_since IS NOT NULL), 0) FROM contacts "
                          "WHERE id IN (SELECT value FROM json_each (?1)) AND erased_at IS NULL",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, list, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      change->matched = sqlite3_column_int64 (stmt, 0);
      change->already = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    goto fail;

  stmt = siyu_db_prepare (db,
                          "UPDATE contacts SET "
                          "  member_since = coalesce (member_since, CASE WHEN ?2 THEN first_seen_at ELSE ?3 END), "
                          "  member_source = 'manual', updated_at = ?4 "
                          "WHERE id IN (SELECT value FROM json_each (?1)) AND erased_at IS NULL "
                          "  AND (member_since IS NULL OR member_source IS NOT 'manual')",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, list, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, since == SIYU_MEMBERSHIP_SINCE_FIRST_SEEN);
  sqlite3_bind_int64 (stmt, 3, at);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  change->added = change->matched - change->already;

  detail = g_strdup_printf ("{\"since\":\"%s\",\"matched\":%" G_GINT64_FORMAT ",\"added\":%" G_GINT64_FORMAT "}",
                            since == SIYU_MEMBERSHIP_SINCE_FIRST_SEEN ? "first_seen" : "time",
                            change->matched, change->added);
  if (!siyu_shop_audit (shop, "members-add", object_kind, object_id, detail, error) ||
      !siyu_db_commit (db, error))
    goto fail;

  undo = json_object_new ();
  json_object_set_string_member (undo, "object_kind", object_kind);
  json_object_set_int_member (undo, "object_id", object_id);
  json_object_set_member (undo, "rows", json_node_copy (json_parser_get_root (parser)));
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, undo);

  return root;

fail:
  siyu_db_rollback (db);
  return NULL;
}

/**
 * siyu_membership_add_segment:
 *
 * siyu_membership_add() for every member of a saved segment today.
 */
JsonNode *
siyu_membership_add_segment (SiyuShop              *shop,
                             gint64                 segment_id,
                             SiyuMembershipSince    since,
                             gint64                 at,
                             SiyuMembershipChange  *change,
                             GError               **error)
{
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  definition = siyu_segment_dup_definition (shop, segment_id, error);
  if (definition == NULL)
    return NULL;
  ids = siyu_segment_members (shop, definition, error);
  if (ids == NULL)
    return NULL;

  return siyu_membership_add (shop, (const gint64 *) (gpointer) ids->data, ids->len, since, at, "segment",
                              segment_id, change, error);
}

/**
 * siyu_membership_undo:
 * @undo: what siyu_membership_add() returned
 */
gboolean
siyu_membership_undo (SiyuShop  *shop,
                      JsonNode  *undo,
                      GError   **error)
{
  JsonObject *object;
  JsonNode *rows;
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (undo != NULL && JSON_NODE_HOLDS_OBJECT (undo), FALSE);

  object = json_node_get_object (undo);
  rows = json_object_get_member (object, "rows");
  g_return_val_if_fail (rows != NULL && JSON_NODE_HOLDS_ARRAY (rows), FALSE);
  text = siyu_json_to_string (rows, FALSE);

  db = siyu_shop_get_db (shop);
  if (!siyu_db_begin (db, error))
    return FALSE;
  stmt = siyu_db_prepare (db,
                          "UPDATE contacts SET member_since = j.value ->> 1, member_source = j.value ->> 2, "
                          "  updated_at = ?2 "
                          "FROM json_each (?1) j WHERE contacts.id = j.value ->> 0 AND contacts.erased_at IS NULL",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  detail = g_strdup_printf ("{\"restored\":%d}", sqlite3_changes (siyu_db_get_handle (db)));
  if (!siyu_shop_audit (shop, "members-undo", json_object_get_string_member_with_default (object, "object_kind", "contacts"),
                        json_object_get_int_member_with_default (object, "object_id", 0), detail, error) ||
      !siyu_db_commit (db, error))
    goto fail;

  return TRUE;

fail:
  siyu_db_rollback (db);
  return FALSE;
}
