/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-consent"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-backup.h"
#include "siyu-consent.h"
#include "siyu-segments.h"
#include "siyu-text.h"
#include "siyu-json.h"

/* Consent in three states and who may be contacted (ANALYTICS.md "Added
 * for batch 2").
 *
 * A contact's consent is given, refused or unknown, with the date and the
 * source of the answer (contacts.consent, consent_at, consent_source);
 * people known only from their orders were never asked, so theirs is
 * unknown.  Do-not-contact is a separate flag and always wins.
 *
 * Reachable — the one definition every export, count and plan uses — is:
 * not do-not-contact, and consent given, or unknown when the shop's policy
 * allows contacting people who were never asked.  The policy is the setting
 * consent_unknown_policy: include or exclude; while the owner has not
 * answered (unset) unknown consent is not enough.  Refused and
 * do-not-contact are never reachable, whatever the policy.
 *
 * Bulk changes write one audit line (what was set, from which source, for
 * which segment, group or selection, how many changed), never the people
 * themselves, and return what is needed to undo them.  Setting "given"
 * never overwrites a refusal unless asked to: a person who said no keeps
 * their answer when a whole segment is marked as having agreed. */

#define MAX_SOURCE 200
#define POLICY_KEY "consent_unknown_policy"

G_DEFINE_QUARK (siyu-consent-error-quark, siyu_consent_error)

static const char * const consent_names[] = { "unknown", "given", "refused" };
static const char * const policy_names[] = { "unset", "exclude", "include" };

const char *
siyu_consent_to_string (SiyuConsent consent)
{
  g_return_val_if_fail (consent <= SIYU_CONSENT_REFUSED, NULL);

  return consent_names[consent];
}

gboolean
siyu_consent_from_string (const char  *text,
                          SiyuConsent *consent)
{
  for (guint i = 0; i < G_N_ELEMENTS (consent_names); i++)
    if (g_strcmp0 (text, consent_names[i]) == 0)
      {
        *consent = i;
        return TRUE;
      }

  return FALSE;
}

/* What the owner reads for a state. */
const char *
siyu_consent_get_label (SiyuConsent consent)
{
  switch (consent)
    {
    /* Translators: a contact's consent to hear from the shop. */
    case SIYU_CONSENT_GIVEN: return _("Agreed");
    /* Translators: a contact's consent to hear from the shop. */
    case SIYU_CONSENT_REFUSED: return _("Refused");
    /* Translators: a contact's consent to hear from the shop: never asked. */
    case SIYU_CONSENT_UNKNOWN:
    default: return _("Not asked yet");
    }
}

/* Where an answer came from, as the owner reads it: the sources Siyu
 * writes itself are translated, the others are the owner's own words. */
const char *
siyu_consent_source_label (const char *source)
{
  if (g_strcmp0 (source, "manual") == 0)
    /* Translators: where a contact's consent was recorded: by the owner, on the contact's page. */
    return _("set by hand");
  if (g_strcmp0 (source, "import") == 0)
    /* Translators: where a contact's consent was recorded: a column of an imported file. */
    return _("imported file");

  return source;
}

const char *
siyu_consent_policy_to_string (SiyuConsentPolicy policy)
{
  g_return_val_if_fail (policy <= SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN, NULL);

  return policy_names[policy];
}

gboolean
siyu_consent_policy_from_string (const char        *text,
                                 SiyuConsentPolicy *policy)
{
  for (guint i = 0; i < G_N_ELEMENTS (policy_names); i++)
    if (g_strcmp0 (text, policy_names[i]) == 0)
      {
        *policy = i;
        return TRUE;
      }

  return FALSE;
}

/**
 * siyu_consent_get_policy:
 *
 * Returns: whether the shop contacts people whose consent is unknown; a
 *   value in the file Siyu does not know counts as unset
 */
SiyuConsentPolicy
siyu_consent_get_policy (SiyuShop *shop)
{
  g_autofree char *value = NULL;
  SiyuConsentPolicy policy = SIYU_CONSENT_POLICY_UNSET;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), SIYU_CONSENT_POLICY_UNSET);

  value = siyu_shop_dup_setting (shop, POLICY_KEY);
  if (value == NULL || !siyu_consent_policy_from_string (value, &policy))
    return SIYU_CONSENT_POLICY_UNSET;

  return policy;
}

/**
 * siyu_consent_set_policy:
 * @policy: include or exclude; unset forgets the owner's answer
 *
 * Stores the shop's answer and writes it to the audit log, inside the
 * caller's transaction if one is open.
 */
gboolean
siyu_consent_set_policy (SiyuShop           *shop,
                         SiyuConsentPolicy   policy,
                         GError            **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  g_autofree char *detail = NULL;
  SiyuConsentPolicy before;
  gboolean own;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (policy <= SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN, FALSE);

  before = siyu_consent_get_policy (shop);
  if (before == policy)
    return TRUE;

  db = siyu_shop_get_db (shop);
  own = !siyu_db_in_transaction (db);
  if (own && !siyu_db_begin (db, error))
    return FALSE;
  if (policy == SIYU_CONSENT_POLICY_UNSET)
    stmt = siyu_db_prepare (db, "DELETE FROM settings WHERE key = ?1", error);
  else
    stmt = siyu_db_prepare (db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, POLICY_KEY, -1, SQLITE_STATIC);
  if (policy != SIYU_CONSENT_POLICY_UNSET)
    sqlite3_bind_text (stmt, 2, policy_names[policy], -1, SQLITE_STATIC);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  detail = g_strdup_printf ("{\"from\":\"%s\",\"to\":\"%s\"}", policy_names[before], policy_names[policy]);
  if (!siyu_shop_audit (shop, "consent-policy", "shop", 0, detail, error))
    goto fail;
  if (own && !siyu_db_commit (db, error))
    goto fail;

  return TRUE;

fail:
  if (own)
    siyu_db_rollback (db);
  return FALSE;
}

/**
 * siyu_consent_reachable_sql:
 *
 * Returns: the condition on contacts c that says who may be contacted under
 *   @policy: fixed text, with no value to bind
 */
const char *
siyu_consent_reachable_sql (SiyuConsentPolicy policy)
{
  if (policy == SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN)
    return "(c.do_not_contact = 0 AND c.consent IN ('given', 'unknown'))";

  return "(c.do_not_contact = 0 AND c.consent = 'given')";
}

const char *
siyu_consent_shop_reachable_sql (SiyuShop *shop)
{
  return siyu_consent_reachable_sql (siyu_consent_get_policy (shop));
}

/* Reads a row of SIYU_CONSENT_COUNTS_SELECT. */
void
siyu_consent_counts_read (sqlite3_stmt      *stmt,
                          SiyuConsentPolicy  policy,
                          SiyuConsentCounts *counts)
{
  counts->total = sqlite3_column_int64 (stmt, 0);
  counts->given = sqlite3_column_int64 (stmt, 1);
  counts->unknown = sqlite3_column_int64 (stmt, 2);
  counts->refused = sqlite3_column_int64 (stmt, 3);
  counts->do_not_contact = sqlite3_column_int64 (stmt, 4);
  counts->reachable = counts->given + (policy == SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN ? counts->unknown : 0);
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
 * siyu_consent_count:
 * @ids: (array length=n_ids): contacts; erased ones and ids of nobody are
 *   not counted
 */
gboolean
siyu_consent_count (SiyuShop           *shop,
                    const gint64       *ids,
                    guint               n_ids,
                    SiyuConsentCounts  *counts,
                    GError            **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  g_autofree char *list = NULL;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  db = siyu_shop_get_db (shop);
  list = ids_json (ids, n_ids);
  stmt = siyu_db_prepare (db, SIYU_CONSENT_COUNTS_SELECT " FROM contacts c "
                              "WHERE c.id IN (SELECT value FROM json_each (?)) AND c.erased_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, list, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    siyu_consent_counts_read (stmt, siyu_consent_get_policy (shop), counts);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/**
 * siyu_consent_count_segment:
 * @definition: a segment definition
 */
gboolean
siyu_consent_count_segment (SiyuShop           *shop,
                            JsonNode           *definition,
                            SiyuConsentCounts  *counts,
                            GError            **error)
{
  g_autoptr(SiyuSegmentQuery) query = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  query = siyu_segment_query_new (shop, definition, error);
  if (query == NULL)
    return FALSE;
  stmt = siyu_segment_query_prepare (query, SIYU_CONSENT_COUNTS_SELECT, NULL, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    siyu_consent_counts_read (stmt, siyu_consent_get_policy (shop), counts);
  else
    siyu_db_set_error (siyu_shop_get_db (shop), rc, error);
  sqlite3_finalize (stmt);

  return rc == SQLITE_ROW;
}

/**
 * siyu_consent_count_group:
 * @group_id: a group, or 0 for every contact not erased
 *
 * Counts the consent of those in the group now (or of the whole shop), as
 * siyu_consent_count() does for a list of ids.
 */
gboolean
siyu_consent_count_group (SiyuShop           *shop,
                          gint64              group_id,
                          SiyuConsentCounts  *counts,
                          GError            **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  SiyuDb *db;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (group_id >= 0, FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, group_id > 0
                              ? "SELECT DISTINCT contact_id FROM group_members WHERE group_id = ? AND left_at IS NULL"
                              : "SELECT id FROM contacts WHERE erased_at IS NULL AND ? = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE &&
         siyu_consent_count (shop, (const gint64 *) (gpointer) ids->data, ids->len, counts, error);
}

static gboolean
check_source (SiyuConsent   consent,
              const char   *source,
              char        **clean,
              GError      **error)
{
  *clean = NULL;
  if (source != NULL && !g_utf8_validate (source, -1, NULL))
    {
      g_set_error_literal (error, SIYU_CONSENT_ERROR, SIYU_CONSENT_ERROR_INVALID,
                           _("The source of the consent is not valid text."));
      return FALSE;
    }
  if (source != NULL)
    *clean = g_strstrip (siyu_text_strip_controls (source));
  if (*clean != NULL && **clean == '\0')
    g_clear_pointer (clean, g_free);
  if (*clean == NULL && consent != SIYU_CONSENT_UNKNOWN)
    {
      g_set_error_literal (error, SIYU_CONSENT_ERROR, SIYU_CONSENT_ERROR_INVALID,
                           _("Say where the answer comes from, such as “signed form at the shop” or “WeChat group rules”."));
      return FALSE;
    }
  if (*clean != NULL && g_utf8_strlen (*clean, -1) > MAX_SOURCE)
    {
      g_clear_pointer (clean, g_free);
      g_set_error (error, SIYU_CONSENT_ERROR, SIYU_CONSENT_ERROR_INVALID,
                   _("The source of the consent can have at most %d characters."), MAX_SOURCE);
      return FALSE;
    }

  return TRUE;
}

/* Who will change: alive, not already in that state, and no refusal
 * overwritten by "given" unless asked. */
#define WILL_CHANGE \
  "c.erased_at IS NULL AND c.consent IS NOT ?2 AND NOT (?2 = 'given' AND c.consent = 'refused' AND NOT ?5)"

/**
 * siyu_consent_set:
 * @ids: (array length=n_ids): the contacts
 * @source: (nullable): where the answer comes from; required for given and
 *   refused
 * @over_refusals: whether "given" replaces a refusal too
 * @object_kind: what the audit line is about: "segment", "group" or
 *   "contacts" (a selection)
 * @change: (out) (optional): what was done
 *
 * Sets the consent of many contacts at once, dated now, in one
 * transaction (the caller's, if one is open) with one audit line.
 *
 * Returns: (transfer full): what siyu_consent_undo() needs, or %NULL with
 *   @error set
 */
JsonNode *
siyu_consent_set (SiyuShop           *shop,
                  const gint64       *ids,
                  guint               n_ids,
                  SiyuConsent         consent,
                  const char         *source,
                  gboolean            over_refusals,
                  const char         *object_kind,
                  gint64              object_id,
                  SiyuConsentChange  *change,
                  GError            **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *list = NULL;
  g_autoptr(JsonBuilder) detail = json_builder_new ();
  g_autoptr(JsonNode) detail_node = NULL;
  g_autofree char *detail_text = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(JsonParser) parser = NULL;
  SiyuConsentChange local = { 0, };
  JsonObject *undo;
  JsonNode *root;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  sqlite3_stmt *stmt;
  gboolean own;
  SiyuDb *db;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (consent <= SIYU_CONSENT_REFUSED, NULL);
  g_return_val_if_fail (object_kind != NULL, NULL);

  /* Many contacts at once: kept first, so that it can be taken back whole. */
  if (n_ids > 1 && !siyu_backup_before (shop, SIYU_BACKUP_CAUSE_BULK, error))
    return NULL;

  if (change == NULL)
    change = &local;
  memset (change, 0, sizeof *change);
  if (!check_source (consent, source, &clean, error))
    return NULL;

  db = siyu_shop_get_db (shop);
  list = ids_json (ids, n_ids);
  own = !siyu_db_in_transaction (db);
  if (own && !siyu_db_begin (db, error))
    return NULL;

  stmt = siyu_db_prepare (db,
                          "SELECT count (*), coalesce (sum (c.do_not_contact <> 0), 0), "
                          "  coalesce (sum (?2 = 'given' AND c.consent = 'refused' AND NOT ?5), 0), "
                          "  json_group_array (CASE WHEN " WILL_CHANGE " THEN "
                          "    json_array (c.id, c.consent, c.consent_at, c.consent_source) END) "
                          "FROM contacts c WHERE c.id IN (SELECT value FROM json_each (?1)) AND c.erased_at IS NULL",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, list, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, consent_names[consent], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, over_refusals);
  rc = siyu_db_step (db, stmt, error);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      goto fail;
    }
  change->matched = sqlite3_column_int64 (stmt, 0);
  change->do_not_contact = sqlite3_column_int64 (stmt, 1);
  change->kept_refused = sqlite3_column_int64 (stmt, 2);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 3), -1, error))
    {
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  {
    /* json_group_array keeps the NULLs of those who do not change. */
    JsonArray *all = json_node_get_array (json_parser_get_root (parser));
    g_autoptr(JsonArray) kept = json_array_new ();

    for (guint i = 0; i < json_array_get_length (all); i++)
      {
        JsonNode *element = json_array_get_element (all, i);

        if (!JSON_NODE_HOLDS_NULL (element))
          json_array_add_element (kept, json_node_copy (element));
      }
    rows = json_node_new (JSON_NODE_ARRAY);
    json_node_set_array (rows, kept);
  }

  stmt = siyu_db_prepare (db,
                          "UPDATE contacts AS c SET consent = ?2, consent_at = ?3, consent_source = ?4, updated_at = ?3 "
                          "WHERE c.id IN (SELECT value FROM json_each (?1)) AND " WILL_CHANGE,
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, list, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, consent_names[consent], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  if (clean != NULL)
    sqlite3_bind_text (stmt, 4, clean, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, over_refusals);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  change->changed = sqlite3_changes (siyu_db_get_handle (db));

  json_builder_begin_object (detail);
  json_builder_set_member_name (detail, "to");
  json_builder_add_string_value (detail, consent_names[consent]);
  json_builder_set_member_name (detail, "source");
  json_builder_add_string_value (detail, clean);
  json_builder_set_member_name (detail, "matched");
  json_builder_add_int_value (detail, change->matched);
  json_builder_set_member_name (detail, "changed");
  json_builder_add_int_value (detail, change->changed);
  json_builder_set_member_name (detail, "kept_refused");
  json_builder_add_int_value (detail, change->kept_refused);
  json_builder_end_object (detail);
  detail_node = json_builder_get_root (detail);
  detail_text = siyu_json_to_string (detail_node, FALSE);
  if (!siyu_shop_audit (shop, "consent-set", object_kind, object_id, detail_text, error))
    goto fail;
  if (own && !siyu_db_commit (db, error))
    goto fail;

  undo = json_object_new ();
  json_object_set_string_member (undo, "object_kind", object_kind);
  json_object_set_int_member (undo, "object_id", object_id);
  json_object_set_member (undo, "rows", g_steal_pointer (&rows));
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, undo);

  return root;

fail:
  if (own)
    siyu_db_rollback (db);
  return NULL;
}

/**
 * siyu_consent_set_segment:
 *
 * siyu_consent_set() for every member of a saved segment today, reachable
 * or not.
 */
JsonNode *
siyu_consent_set_segment (SiyuShop           *shop,
                          gint64              segment_id,
                          SiyuConsent         consent,
                          const char         *source,
                          gboolean            over_refusals,
                          SiyuConsentChange  *change,
                          GError            **error)
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

  return siyu_consent_set (shop, (const gint64 *) (gpointer) ids->data, ids->len, consent, source, over_refusals,
                           "segment", segment_id, change, error);
}

/**
 * siyu_consent_set_group:
 *
 * siyu_consent_set() for the people in a community group now.
 */
JsonNode *
siyu_consent_set_group (SiyuShop           *shop,
                        gint64              group_id,
                        SiyuConsent         consent,
                        const char         *source,
                        gboolean            over_refusals,
                        SiyuConsentChange  *change,
                        GError            **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT count (*) FROM community_groups WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, group_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == 0)
    {
      sqlite3_reset (stmt);
      g_set_error (error, SIYU_CONSENT_ERROR, SIYU_CONSENT_ERROR_NOT_FOUND,
                   _("There is no group %lld."), (long long) group_id);
      return NULL;
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  stmt = siyu_db_prepare (db, "SELECT DISTINCT contact_id FROM group_members WHERE group_id = ? AND left_at IS NULL "
                              "ORDER BY contact_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, group_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  return siyu_consent_set (shop, (const gint64 *) (gpointer) ids->data, ids->len, consent, source, over_refusals,
                           "group", group_id, change, error);
}

/**
 * siyu_consent_undo:
 * @undo: what siyu_consent_set() returned
 *
 * Puts back the consent, date and source each contact had before; written
 * to the audit log.
 */
gboolean
siyu_consent_undo (SiyuShop  *shop,
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
                          "UPDATE contacts SET consent = j.value ->> 1, consent_at = j.value ->> 2, "
                          "  consent_source = j.value ->> 3, updated_at = ?2 "
                          "FROM json_each (?1) j WHERE contacts.id = j.value ->> 0 AND contacts.erased_at IS NULL",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  detail = g_strdup_printf ("{\"restored\":%d}", sqlite3_changes (siyu_db_get_handle (db)));
  if (!siyu_shop_audit (shop, "consent-undo", json_object_get_string_member_with_default (object, "object_kind", "contacts"),
                        json_object_get_int_member_with_default (object, "object_id", 0), detail, error) ||
      !siyu_db_commit (db, error))
    goto fail;

  return TRUE;

fail:
  siyu_db_rollback (db);
  return FALSE;
}
