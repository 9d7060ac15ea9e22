/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-contacts"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "siyu-backup.h"
#include "siyu-consent.h"
#include "siyu-contacts.h"
#include "siyu-text.h"
#include "siyu-ingest.h"
#include "siyu-json.h"
#include "siyu-phone.h"
#include "siyu-search-index.h"
#include "siyu-time.h"
#include "siyu-tombstones.h"

/* Finding, editing, merging and erasing contacts: the owner's own hand on
 * the data, as opposed to imports and syncs.  Every act that touches
 * personal data is written to the audit log, without the data itself. */

G_DEFINE_QUARK (siyu-contacts-error-quark, siyu_contacts_error)

static const char * const field_names[] = {
  "name", "phone", "email", "wechat_id", "city", "birthday", "notes", "marketing_consent", "do_not_contact",
};

gboolean
siyu_contact_field_from_string (const char       *text,
                                SiyuContactField *field)
{
  for (guint i = 0; i < SIYU_N_CONTACT_FIELDS; i++)
    if (g_strcmp0 (field_names[i], text) == 0)
      {
        *field = i;
        return TRUE;
      }
  if (g_strcmp0 (text, "consent") == 0)
    {
      *field = SIYU_CONTACT_MARKETING_CONSENT;
      return TRUE;
    }

  return FALSE;
}

const char *
siyu_contact_field_to_string (SiyuContactField field)
{
  g_return_val_if_fail (field < SIYU_N_CONTACT_FIELDS, NULL);

  return field_names[field];
}

static gboolean
contact_exists (SiyuDb   *db,
                gint64    contact_id,
                GError  **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT count (*) FROM contacts WHERE id = ? AND erased_at IS NULL",
                                        error);
  gboolean found;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (siyu_db_step (db, stmt, error) < 0)
    return FALSE;
  found = sqlite3_column_int64 (stmt, 0) > 0;
  sqlite3_reset (stmt);

  if (!found)
    g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_NOT_FOUND,
                 _("There is no contact %lld."), (long long) contact_id);

  return found;
}

static gboolean
audit (SiyuShop    *shop,
       const char  *action,
       gint64       contact_id,
       JsonBuilder *detail,
       GError     **error)
{
  g_autoptr(JsonNode) root = detail != NULL ? json_builder_get_root (detail) : NULL;
  g_autofree char *text = root != NULL ? siyu_json_to_string (root, FALSE) : NULL;

  return siyu_shop_audit (shop, action, "contact", contact_id, text, error);
}

static void
append_ids (SiyuDb       *db,
            sqlite3_stmt *stmt,
            GArray       *ids)
{
  while (siyu_db_step (db, stmt, NULL) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
}

/* Full-text queries get the text as one quoted phrase, so that characters
 * FTS5 reads as syntax (" * ( ) NEAR AND …) are searched for as written. */
static char *
fts_phrase (const char *text)
{
  GString *phrase = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (phrase, '"');
      g_string_append_c (phrase, *p);
    }
  g_string_append_c (phrase, '"');

  return g_string_free (phrase, FALSE);
}

/* A query of digits, spaces, dashes and a plus is a phone number: people
 * type it with the separators they see.  Returns the digits, or %NULL. */
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

static const char *
fts_condition (void)
{
  static char *condition = NULL;
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      g_autofree char *rowids = siyu_search_index_rowids (":search");

      condition = g_strdup_printf ("c.id IN (%s)", rowids);
      g_once_init_leave (&ready, 1);
    }

  return condition;
}

/* siyu_contacts_search()'s query of the index: ?1 the phrase, ?2 the
 * limit, ?3 the digits of a phone search. */
static const char *
fts_search_sql (void)
{
  static char *sql = NULL;
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      g_autofree char *rowids = siyu_search_index_rowids ("?1");

      sql = g_strdup_printf ("SELECT c.id FROM contacts c WHERE c.id IN (%s) AND c.erased_at IS NULL "
                             "ORDER BY ?3 IS NOT NULL AND c.phone LIKE '%%' || ?3 DESC, c.id LIMIT ?2",
                             rowids);
      g_once_init_leave (&ready, 1);
    }

  return sql;
}

/* The search part of a list query: an FTS5 match for three characters or
 * more, a scan for fewer.  Returns the SQL condition on c and the text to
 * bind, or %NULL for no search; @suffix gets the digits of a phone search. */
static const char *
search_condition (const char  *text,
                  char       **bind,
                  char       **suffix)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *digits = NULL;
  const char *needle;

  *bind = NULL;
  *suffix = NULL;
  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return NULL;

  digits = phone_digits (trimmed);
  /* At the counter the owner types the last digits of a phone: a phone
   * that ends with them comes before one that only contains them. */
  *suffix = g_strdup (digits);
  needle = digits != NULL ? digits : trimmed;
  if (g_utf8_strlen (needle, -1) >= 3)
    {
      *bind = fts_phrase (needle);
      return fts_condition ();
    }

  *bind = g_strdup (needle);
  return "(instr (c.name, :search) > 0 OR instr (c.phone, :search) > 0 OR "
         "instr (c.email, :search) > 0 OR instr (c.wechat_id, :search) > 0)";
}

/**
 * siyu_contacts_list:
 *
 * The ids of the contacts @filter lets through, in its order: what the
 * contacts list shows.  A million ids are 8 MB; their rows are read a
 * screen at a time with siyu_contacts_summarize().  Erased contacts are
 * never listed.
 *
 * Returns: (transfer full) (element-type gint64): the ids
 */
GArray *
siyu_contacts_list (SiyuShop                *shop,
                    const SiyuContactFilter *filter,
                    GError                 **error)
{
  static const SiyuContactFilter everyone = { NULL, };
  g_autoptr(GString) sql = g_string_new ("SELECT c.id FROM contacts c ");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *search = NULL;
  g_autofree char *suffix = NULL;
  const char *condition;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *handle;
  SiyuDb *db;
  gboolean metrics;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  if (filter == NULL)
    filter = &everyone;
  db = siyu_shop_get_db (shop);
  handle = siyu_db_get_handle (db);

  metrics = filter->stage != NULL || filter->segment != NULL || filter->tier_id != 0 ||
            filter->pyramid != NULL || filter->aipl != NULL || filter->r_score != 0 ||
            filter->f_score != 0 || filter->cohort != NULL ||
            filter->sort == SIYU_CONTACT_SORT_LAST_ORDER || filter->sort == SIYU_CONTACT_SORT_NET_SPEND;
  if (metrics)
    g_string_append (sql, "LEFT JOIN contact_metrics m ON m.contact_id = c.id ");
  if (filter->sort == SIYU_CONTACT_SORT_P_ALIVE)
    g_string_append (sql, "LEFT JOIN contact_predictions p ON p.contact_id = c.id ");
  g_string_append (sql, "WHERE c.erased_at IS NULL ");

  condition = search_condition (filter->search, &search, &suffix);
  if (condition != NULL)
    g_string_append_printf (sql, "AND %s ", condition);
  if (search != NULL && !siyu_search_index_flush (db, error))
    return NULL;
  if (filter->stage != NULL)
    g_string_append (sql, "AND m.stage = :stage ");
  if (filter->segment != NULL)
    g_string_append (sql, "AND m.rfm_segment = :segment ");
  if (filter->tier_id != 0)
    g_string_append (sql, "AND m.tier_id = :tier ");
  if (filter->pyramid != NULL)
    g_string_append (sql, "AND m.pyramid = :pyramid ");
  if (filter->aipl != NULL)
    g_string_append (sql, "AND m.aipl = :aipl ");
  if (filter->r_score != 0)
    g_string_append (sql, "AND m.rfm_r_score = :r_score ");
  if (filter->f_score != 0)
    g_string_append (sql, "AND m.rfm_f_score = :f_score ");
  if (filter->cohort != NULL)
    g_string_append (sql, "AND substr (m.first_order, 1, 7) = :cohort ");
  if (filter->tag != NULL)
    g_string_append (sql, "AND c.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
                          "WHERE t.name = :tag) ");
  if (filter->group_id != 0)
    g_string_append (sql, "AND c.id IN (SELECT contact_id FROM group_members WHERE group_id = :group "
                          "AND left_at IS NULL) ");
  if (filter->consent_only)
    g_string_append_printf (sql, "AND %s ", siyu_consent_shop_reachable_sql (shop));

  g_string_append (sql, "ORDER BY ");
  if (suffix != NULL)
    g_string_append (sql, "c.phone LIKE '%' || :suffix DESC, ");
  switch (filter->sort)
    {
    case SIYU_CONTACT_SORT_NAME:
      g_string_append (sql, "c.name IS NULL, c.name, c.id");
      break;
    case SIYU_CONTACT_SORT_LAST_ORDER:
      g_string_append (sql, "m.last_order IS NULL, m.last_order DESC, c.id DESC");
      break;
    case SIYU_CONTACT_SORT_NET_SPEND:
      g_string_append (sql, "coalesce (m.net_spend, 0) DESC, c.id DESC");
      break;
    case SIYU_CONTACT_SORT_P_ALIVE:
      g_string_append (sql, "p.p_alive IS NULL, p.p_alive DESC, c.id DESC");
      break;
    case SIYU_CONTACT_SORT_NEWEST:
    default:
      g_string_append (sql, "c.id DESC");
      break;
    }

  /* Built for this filter, so prepared here rather than cached. */
  rc = sqlite3_prepare_v2 (handle, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (db, rc, error);
      return NULL;
    }
#define BIND_TEXT(name, value) \
  if ((value) != NULL) sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, name), value, -1, SQLITE_STATIC)
  BIND_TEXT (":search", search);
  BIND_TEXT (":suffix", suffix);
  BIND_TEXT (":stage", filter->stage);
  BIND_TEXT (":segment", filter->segment);
  BIND_TEXT (":tag", filter->tag);
  BIND_TEXT (":pyramid", filter->pyramid);
  BIND_TEXT (":aipl", filter->aipl);
  BIND_TEXT (":cohort", filter->cohort);
#undef BIND_TEXT
  if (filter->r_score != 0)
    sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":r_score"), filter->r_score);
  if (filter->f_score != 0)
    sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":f_score"), filter->f_score);
  if (filter->tier_id != 0)
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":tier"), filter->tier_id);
  if (filter->group_id != 0)
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":group"), filter->group_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      siyu_db_set_error (db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&ids);
}

void
siyu_contact_summary_free (SiyuContactSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->name);
  g_free (summary->phone);
  g_free (summary->email);
  g_free (summary->wechat_id);
  g_free (summary->stage);
  g_free (summary->segment);
  g_free (summary->tier);
  g_free (summary->tier_zh);
  g_free (summary->last_order);
  g_free (summary->tags);
  g_free (summary->groups);
  g_free (summary);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

void
siyu_contact_basics_free (SiyuContactBasics *basics)
{
  if (basics == NULL)
    return;

  g_free (basics->name);
  g_free (basics->phone);
  g_free (basics->email);
  g_free (basics);
}

static SiyuContactBasics *
basics_read (sqlite3_stmt *stmt)
{
  SiyuContactBasics *basics = g_new0 (SiyuContactBasics, 1);

  basics->id = sqlite3_column_int64 (stmt, 0);
  basics->name = column_dup (stmt, 1);
  basics->phone = column_dup (stmt, 2);
  basics->email = column_dup (stmt, 3);

  return basics;
}

/**
 * siyu_contacts_get_basics:
 * @ids: (array length=n_ids): contacts
 *
 * Reads the name, phone and e-mail of each contact, for a list that shows
 * who they are.  An erased contact comes with these cleared.
 *
 * Returns: (transfer full) (element-type SiyuContactBasics): one entry per
 *   id, in the order of @ids, %NULL where there is no such contact; or
 *   %NULL with @error set
 */
GPtrArray *
siyu_contacts_get_basics (SiyuShop      *shop,
                          const gint64  *ids,
                          guint          n_ids,
                          GError       **error)
{
  g_autoptr(GPtrArray) result = NULL;
  sqlite3_stmt *stmt;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT id, name, phone, email FROM contacts WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;

  result = g_ptr_array_new_full (n_ids, (GDestroyNotify) siyu_contact_basics_free);
  for (guint i = 0; i < n_ids; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = siyu_db_step (db, stmt, error);
      if (rc < 0)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (result, rc == SQLITE_ROW ? basics_read (stmt) : NULL);
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&result);
}

/**
 * siyu_contacts_list_basics:
 *
 * Returns: (transfer full) (element-type SiyuContactBasics): every contact
 *   not erased, by id; or %NULL with @error set
 */
GPtrArray *
siyu_contacts_list_basics (SiyuShop  *shop,
                           GError   **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_contact_basics_free);
  sqlite3_stmt *stmt;
  SiyuDb *db;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT id, name, phone, email FROM contacts WHERE erased_at IS NULL ORDER BY id",
                          error);
  if (stmt == NULL)
    return NULL;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (result, basics_read (stmt));
  sqlite3_reset (stmt);

  return rc < 0 ? NULL : g_steal_pointer (&result);
}

/**
 * siyu_contacts_nth_id:
 * @n: how many contacts not erased come before it, by id; from 0
 *
 * Picks contacts spread over a shop, as a benchmark does.
 *
 * Returns: the id of that contact; 0 when there are not that many; -1
 *   with @error set
 */
gint64
siyu_contacts_nth_id (SiyuShop  *shop,
                      gint64     n,
                      GError   **error)
{
  sqlite3_stmt *stmt;
  SiyuDb *db;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);
  g_return_val_if_fail (n >= 0, -1);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT id FROM contacts WHERE erased_at IS NULL ORDER BY id LIMIT 1 OFFSET ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, n);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return rc < 0 ? -1 : id;
}

/**
 * siyu_contacts_summarize:
 * @ids: (array length=n_ids): contacts, as siyu_contacts_list() gave them
 *
 * Returns: (transfer full) (element-type SiyuContactSummary): one summary
 *   per id, in the order of @ids; %NULL where a contact is gone.
 */
GPtrArray *
siyu_contacts_summarize (SiyuShop      *shop,
                         const gint64  *ids,
                         guint          n_ids,
                         GError       **error)
{
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  sqlite3_stmt *stmt;
  SiyuDb *db;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  summaries = g_ptr_array_new_full (n_ids, (GDestroyNotify) siyu_contact_summary_free);
  g_ptr_array_set_size (summaries, n_ids);
  for (guint i = 0; i < n_ids; i++)
    g_hash_table_insert (index, (gpointer) &ids[i], GUINT_TO_POINTER (i + 1));

  /* One statement for a screen of rows: the ids go in as a JSON array. */
  stmt = siyu_db_prepare (db,
                          "SELECT c.id, c.name, c.phone, c.email, c.wechat_id, m.stage, m.rfm_segment, "
                          "  t.name, t.name_zh, m.last_order, coalesce (m.orders, 0), coalesce (m.net_spend, 0), "
                          "  (SELECT group_concat (name, ', ') FROM (SELECT tg.name FROM contact_tags ct "
                          "     JOIN tags tg ON tg.id = ct.tag_id WHERE ct.contact_id = c.id ORDER BY tg.name)), "
                          "  (SELECT group_concat (name, ', ') FROM (SELECT g.name FROM group_members gm "
                          "     JOIN community_groups g ON g.id = gm.group_id "
                          "     WHERE gm.contact_id = c.id AND gm.left_at IS NULL ORDER BY g.name)), "
                          "  c.marketing_consent, c.do_not_contact, p.p_alive, p.value_12m, c.consent "
                          "FROM json_each (?) j JOIN contacts c ON c.id = j.value "
                          "LEFT JOIN contact_metrics m ON m.contact_id = c.id "
                          "LEFT JOIN tiers t ON t.id = m.tier_id "
                          "LEFT JOIN contact_predictions p ON p.contact_id = c.id "
                          "WHERE c.erased_at IS NULL",
                          error);
  if (stmt == NULL)
    return NULL;

  {
    g_autoptr(GString) list = g_string_new ("[");

    for (guint i = 0; i < n_ids; i++)
      g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
    g_string_append_c (list, ']');
    sqlite3_bind_text (stmt, 1, list->str, (int) list->len, SQLITE_TRANSIENT);
  }

  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuContactSummary *summary = g_new0 (SiyuContactSummary, 1);
      guint position;

      summary->id = sqlite3_column_int64 (stmt, 0);
      summary->name = column_dup (stmt, 1);
      summary->phone = column_dup (stmt, 2);
      summary->email = column_dup (stmt, 3);
      summary->wechat_id = column_dup (stmt, 4);
      summary->stage = column_dup (stmt, 5);
      summary->segment = column_dup (stmt, 6);
      summary->tier = column_dup (stmt, 7);
      summary->tier_zh = column_dup (stmt, 8);
      summary->last_order = column_dup (stmt, 9);
      summary->orders = sqlite3_column_int64 (stmt, 10);
      summary->net_spend = sqlite3_column_int64 (stmt, 11);
      summary->tags = column_dup (stmt, 12);
      summary->groups = column_dup (stmt, 13);
      summary->marketing_consent = sqlite3_column_int (stmt, 14);
      summary->do_not_contact = sqlite3_column_int (stmt, 15);
      summary->p_alive = sqlite3_column_type (stmt, 16) != SQLITE_NULL ? sqlite3_column_double (stmt, 16) : NAN;
      summary->value_12m = sqlite3_column_type (stmt, 17) != SQLITE_NULL ? sqlite3_column_int64 (stmt, 17) : -1;
      if (!siyu_consent_from_string ((const char *) sqlite3_column_text (stmt, 18), &summary->consent))
        summary->consent = SIYU_CONSENT_UNKNOWN;

      position = GPOINTER_TO_UINT (g_hash_table_lookup (index, &summary->id));
      if (position == 0 || g_ptr_array_index (summaries, position - 1) != NULL)
        {
          siyu_contact_summary_free (summary);
          continue;
        }
      g_ptr_array_index (summaries, position - 1) = summary;
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&summaries);
}

/**
 * siyu_contact_find_duplicates:
 *
 * Other records that may be the same person: the same phone or e-mail
 * written on them, or the same name in the same city (or with no city on
 * one of them).  Identities are unique, so these are records the sources
 * could not tie together; merging them is the owner's decision.
 *
 * Returns: (transfer full) (element-type gint64): up to ten ids
 */
GArray *
siyu_contact_find_duplicates (SiyuShop  *shop,
                              gint64     contact_id,
                              GError   **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  if (!contact_exists (db, contact_id, error))
    return NULL;
  stmt = siyu_db_prepare (db,
                          "SELECT o.id FROM contacts c, contacts o "
                          "WHERE c.id = ?1 AND o.id != c.id AND o.erased_at IS NULL AND ("
                          "  o.phone = c.phone OR o.email = c.email OR "
                          "  (o.name = c.name AND (o.city = c.city OR o.city IS NULL OR c.city IS NULL))) "
                          "ORDER BY o.id LIMIT 10",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  append_ids (db, stmt, ids);

  return g_steal_pointer (&ids);
}

/**
 * siyu_contact_tag:
 * @added: (out) (optional): whether the contact did not have the tag yet,
 *   so that undoing it removes it again
 *
 * Gives a contact a tag by hand, making the tag if it is new.
 */
gboolean
siyu_contact_tag (SiyuShop    *shop,
                  gint64       contact_id,
                  const char  *tag,
                  gboolean    *added,
                  GError     **error)
{
  g_autoptr(SiyuIngest) ingest = NULL;
  g_autofree char *name = NULL;
  SiyuDb *db;
  gint64 before, after;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!contact_exists (db, contact_id, error))
    return FALSE;
  name = g_strstrip (g_strdup (tag != NULL ? tag : ""));
  if (*name == '\0' || !g_utf8_validate (name, -1, NULL) || g_utf8_strlen (name, -1) > 40)
    {
      g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                   _("A tag is a name of one to forty characters."));
      return FALSE;
    }

  ingest = siyu_ingest_new (shop);
  before = siyu_db_query_int (db, "SELECT count (*) FROM contact_tags", error);
  if (before < 0 ||
      !siyu_ingest_tag (ingest, contact_id, name, "manual", g_get_real_time () / G_USEC_PER_SEC, error))
    return FALSE;
  after = siyu_db_query_int (db, "SELECT count (*) FROM contact_tags", error);
  if (after < 0)
    return FALSE;
  if (added != NULL)
    *added = after > before;

  return TRUE;
}

/**
 * siyu_contact_untag:
 * @removed: (out) (optional): whether the contact had the tag
 */
gboolean
siyu_contact_untag (SiyuShop    *shop,
                    gint64       contact_id,
                    const char  *tag,
                    gboolean    *removed,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (tag != NULL, FALSE);

  db = siyu_shop_get_db (shop);
  if (!contact_exists (db, contact_id, error))
    return FALSE;
  stmt = siyu_db_prepare (db,
                          "DELETE FROM contact_tags WHERE contact_id = ? AND "
                          "tag_id = (SELECT id FROM tags WHERE name = ?)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  sqlite3_bind_text (stmt, 2, tag, -1, SQLITE_TRANSIENT);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;
  if (removed != NULL)
    *removed = sqlite3_changes (siyu_db_get_handle (db)) > 0;

  return TRUE;
}

/**
 * siyu_contacts_search:
 * @text: any part of a name (Chinese too), phone digits, e-mail or WeChat id
 * @limit: the most ids to return
 *
 * Returns: (transfer full) (element-type gint64): matching contacts, those
 *   whose phone ends with the digits searched for first, then lowest id
 *   first; erased contacts are never found.
 */
GArray *
siyu_contacts_search (SiyuShop    *shop,
                      const char  *text,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *trimmed = NULL;
  g_autofree char *digits = NULL;
  const char *needle;
  SiyuDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  db = siyu_shop_get_db (shop);
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return g_steal_pointer (&ids);

  digits = phone_digits (trimmed);
  needle = digits != NULL ? digits : trimmed;

  /* Trigrams need three characters; shorter text (a two-character Chinese
   * name) is looked for row by row, stopping at the limit. */
  if (g_utf8_strlen (needle, -1) >= 3)
    {
      g_autofree char *phrase = fts_phrase (needle);

      if (!siyu_search_index_flush (db, error))
        return NULL;
      stmt = siyu_db_prepare (db, fts_search_sql (), error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, phrase, -1, SQLITE_TRANSIENT);
    }
  else
    {
      stmt = siyu_db_prepare (db,
                              "SELECT id FROM contacts WHERE erased_at IS NULL AND ("
                              "  instr (name, ?1) > 0 OR instr (phone, ?1) > 0 OR instr (email, ?1) > 0 "
                              "  OR instr (wechat_id, ?1) > 0) "
                              "ORDER BY ?3 IS NOT NULL AND phone LIKE '%' || ?3 DESC, id LIMIT ?2",
                              error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, needle, -1, SQLITE_TRANSIENT);
    }

  sqlite3_bind_int64 (stmt, 2, limit);
  if (digits != NULL)
    sqlite3_bind_text (stmt, 3, digits, -1, SQLITE_TRANSIENT);
  append_ids (db, stmt, ids);

  return g_steal_pointer (&ids);
}

static char *
column_text (SiyuDb      *db,
             gint64       contact_id,
             const char  *sql)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (siyu_db_step (db, stmt, NULL) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return value;
}

/* Makes @value the contact's phone or e-mail identity in place of @old. */
static gboolean
replace_identity (SiyuShop    *shop,
                  gint64       contact_id,
                  const char  *kind,
                  const char  *old,
                  const char  *value,
                  GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  int rc;

  if (value != NULL)
    {
      stmt = siyu_db_prepare (db, "SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      rc = siyu_db_step (db, stmt, error);
      if (rc < 0)
        return FALSE;
      if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) != contact_id)
        {
          gint64 other = sqlite3_column_int64 (stmt, 0);

          sqlite3_reset (stmt);
          g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_TAKEN,
                       _("“%s” already belongs to contact %lld. Merge the two contacts instead."),
                       value, (long long) other);
          return FALSE;
        }
      sqlite3_reset (stmt);
    }

  if (old != NULL)
    {
      stmt = siyu_db_prepare (db, "DELETE FROM contact_identities WHERE kind = ? AND value = ? AND contact_id = ?",
                              error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, old, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, contact_id);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
    }

  if (value != NULL)
    {
      stmt = siyu_db_prepare (db,
                              "INSERT OR IGNORE INTO contact_identities (kind, value, contact_id, created_at) "
                              "VALUES (?, ?, ?, ?)",
                              error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, contact_id);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_yes_no (const char  *value,
              int         *flag,
              GError     **error)
{
  if (g_strcmp0 (value, "yes") == 0 || g_strcmp0 (value, "1") == 0 || g_strcmp0 (value, "true") == 0)
    *flag = 1;
  else if (g_strcmp0 (value, "no") == 0 || g_strcmp0 (value, "0") == 0 || g_strcmp0 (value, "false") == 0)
    *flag = 0;
  else
    {
      g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                   _("“%s” is neither yes nor no."), value != NULL ? value : "");
      return FALSE;
    }

  return TRUE;
}

/* Brings @value to the form it is stored in, or says why it cannot be. */
static gboolean
normalise_value (SiyuShop          *shop,
                 SiyuContactField   field,
                 const char        *value,
                 char             **stored,
                 GError           **error)
{
  g_autofree char *trimmed = value != NULL ? g_strstrip (g_strdup (value)) : NULL;
  SiyuDay day;
  int flag;

  if (trimmed != NULL && !g_utf8_validate (trimmed, -1, NULL))
    {
      g_set_error_literal (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID, _("The text is not valid."));
      return FALSE;
    }
  /* ESC, BEL and the like are never kept: printed, they drive terminals. */
  if (trimmed != NULL && (siyu_text_has_controls (trimmed) || strchr (trimmed, '\r') != NULL))
    {
      char *clean = siyu_text_strip_controls (trimmed);

      g_free (trimmed);
      trimmed = g_strstrip (clean);
    }
  if (trimmed != NULL && *trimmed == '\0')
    g_clear_pointer (&trimmed, g_free);

  switch (field)
    {
    case SIYU_CONTACT_PHONE:
      if (trimmed == NULL)
        break;
      *stored = siyu_phone_normalize (trimmed, siyu_shop_get_phone_region (shop), error);
      return *stored != NULL;

    case SIYU_CONTACT_EMAIL:
      if (trimmed == NULL)
        break;
      *stored = siyu_email_normalize (trimmed);
      if (*stored == NULL)
        g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                     _("“%s” is not an e-mail address."), trimmed);
      return *stored != NULL;

    case SIYU_CONTACT_BIRTHDAY:
      if (trimmed == NULL)
        break;
      if (!siyu_day_parse (trimmed, &day))
        {
          g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                       _("“%s” is not a date (write it as YYYY-MM-DD)."), trimmed);
          return FALSE;
        }
      if (day > siyu_day_of_time (siyu_shop_get_time_zone (shop), g_get_real_time () / G_USEC_PER_SEC))
        {
          g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                       _("A birthday cannot be in the future (%s)."), trimmed);
          return FALSE;
        }
      break;

    case SIYU_CONTACT_MARKETING_CONSENT:
      {
        SiyuConsent consent;

        /* yes and no, as before consent had three states. */
        if (siyu_consent_from_string (trimmed, &consent))
          *stored = g_strdup (siyu_consent_to_string (consent));
        else if (parse_yes_no (trimmed, &flag, NULL))
          *stored = g_strdup (flag ? "given" : "refused");
        else
          {
            g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                         _("“%s” is not a consent: use given, refused or unknown."), trimmed != NULL ? trimmed : "");
            return FALSE;
          }
        return TRUE;
      }

    case SIYU_CONTACT_DO_NOT_CONTACT:
      if (!parse_yes_no (trimmed, &flag, error))
        return FALSE;
      *stored = g_strdup (flag ? "1" : "0");
      return TRUE;

    case SIYU_CONTACT_NAME:
    case SIYU_CONTACT_WECHAT_ID:
    case SIYU_CONTACT_CITY:
    case SIYU_CONTACT_NOTES:
    case SIYU_N_CONTACT_FIELDS:
    default:
      if (trimmed != NULL && g_utf8_strlen (trimmed, -1) > (field == SIYU_CONTACT_NOTES ? 10000 : 200))
        {
          g_set_error_literal (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID, _("The text is too long."));
          return FALSE;
        }
      break;
    }

  *stored = g_steal_pointer (&trimmed);

  return TRUE;
}

static const char *
update_sql (SiyuContactField field)
{
  switch (field)
    {
    case SIYU_CONTACT_NAME:
      return "UPDATE contacts SET name = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_PHONE:
      return "UPDATE contacts SET phone = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_EMAIL:
      return "UPDATE contacts SET email = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_WECHAT_ID:
      return "UPDATE contacts SET wechat_id = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_CITY:
      return "UPDATE contacts SET city = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_BIRTHDAY:
      return "UPDATE contacts SET birthday = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_NOTES:
      return "UPDATE contacts SET notes = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_MARKETING_CONSENT:
      return "UPDATE contacts SET consent = ?2, consent_at = ?3, consent_source = 'manual', "
             "updated_at = ?3 WHERE id = ?1";
    case SIYU_CONTACT_DO_NOT_CONTACT:
      return "UPDATE contacts SET do_not_contact = ?2, updated_at = ?3 WHERE id = ?1";
    case SIYU_N_CONTACT_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static const char *
select_sql (SiyuContactField field)
{
  static const char * const sql[] = {
    "SELECT name FROM contacts WHERE id = ?",
    "SELECT phone FROM contacts WHERE id = ?",
    "SELECT email FROM contacts WHERE id = ?",
    "SELECT wechat_id FROM contacts WHERE id = ?",
    "SELECT city FROM contacts WHERE id = ?",
    "SELECT birthday FROM contacts WHERE id = ?",
    "SELECT notes FROM contacts WHERE id = ?",
    "SELECT consent FROM contacts WHERE id = ?",
    "SELECT do_not_contact FROM contacts WHERE id = ?",
  };

  return sql[field];
}

/**
 * siyu_contact_set:
 * @value: (nullable): the new value as the owner typed it; %NULL or blank
 *   clears the field; given, refused or unknown (or yes and no) for
 *   consent, dated now with the source "manual"; yes/no for do-not-contact
 * @previous: (out) (optional) (nullable): the value before, to undo with
 *
 * Changes one field of a contact after checking it: a phone must be a phone
 * number and an e-mail an address, neither already another contact's
 * (%SIYU_CONTACTS_ERROR_TAKEN: merge instead); a birthday is not in the
 * future.  The change is written to the audit log (field name only), inside
 * the caller's transaction if one is open.
 */
gboolean
siyu_contact_set (SiyuShop          *shop,
                  gint64             contact_id,
                  SiyuContactField   field,
                  const char        *value,
                  char             **previous,
                  GError           **error)
{
  g_autofree char *stored = NULL;
  g_autofree char *old = NULL;
  g_autoptr(JsonBuilder) detail = json_builder_new ();
  gboolean own_transaction;
  SiyuDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (field < SIYU_N_CONTACT_FIELDS, FALSE);

  db = siyu_shop_get_db (shop);
  if (!normalise_value (shop, field, value, &stored, error))
    return FALSE;

  own_transaction = !siyu_db_in_transaction (db);
  if (own_transaction && !siyu_db_begin (db, error))
    return FALSE;

  if (!contact_exists (db, contact_id, error))
    goto fail;

  old = column_text (db, contact_id, select_sql (field));

  if ((field == SIYU_CONTACT_PHONE && !replace_identity (shop, contact_id, "phone", old, stored, error)) ||
      (field == SIYU_CONTACT_EMAIL && !replace_identity (shop, contact_id, "email", old, stored, error)))
    goto fail;

  stmt = siyu_db_prepare (db, update_sql (field), error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (stored != NULL)
    sqlite3_bind_text (stmt, 2, stored, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  json_builder_begin_object (detail);
  json_builder_set_member_name (detail, "field");
  json_builder_add_string_value (detail, field_names[field]);
  json_builder_end_object (detail);
  if (!audit (shop, "edit", contact_id, detail, error) || (own_transaction && !siyu_db_commit (db, error)))
    goto fail;

  if (previous != NULL)
    *previous = g_steal_pointer (&old);

  return TRUE;

fail:
  if (own_transaction)
    siyu_db_rollback (db);
  return FALSE;
}

/**
 * siyu_contact_set_fields:
 * @fields: (array length=n_fields): the fields to change, in order
 * @values: (array length=n_fields): their new values, as siyu_contact_set()
 *   takes them
 *
 * Changes several fields of a contact in one transaction: all of them
 * change, or none does when one is refused.
 */
gboolean
siyu_contact_set_fields (SiyuShop                *shop,
                         gint64                   contact_id,
                         const SiyuContactField  *fields,
                         const char * const      *values,
                         guint                    n_fields,
                         GError                 **error)
{
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (fields != NULL || n_fields == 0, FALSE);
  g_return_val_if_fail (values != NULL || n_fields == 0, FALSE);

  db = siyu_shop_get_db (shop);
  if (!siyu_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < n_fields; i++)
    if (!siyu_contact_set (shop, contact_id, fields[i], values[i], NULL, error))
      {
        siyu_db_rollback (db);
        return FALSE;
      }

  if (!siyu_db_commit (db, error))
    {
      siyu_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_contact_find_owner:
 * @field: %SIYU_CONTACT_PHONE or %SIYU_CONTACT_EMAIL
 * @value: a phone or e-mail as the owner typed it
 *
 * Finds who has @value as a phone or e-mail, for the case where
 * siyu_contact_set() refused it with %SIYU_CONTACTS_ERROR_TAKEN and the
 * owner may want to merge the two contacts.
 *
 * Returns: the contact's id; 0 when nobody has it or @value is not a phone
 *   or e-mail; -1 on a database error
 */
gint64
siyu_contact_find_owner (SiyuShop          *shop,
                         SiyuContactField   field,
                         const char        *value,
                         GError           **error)
{
  g_autofree char *stored = NULL;
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 owner = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);
  g_return_val_if_fail (field == SIYU_CONTACT_PHONE || field == SIYU_CONTACT_EMAIL, -1);

  if (!normalise_value (shop, field, value, &stored, NULL) || stored == NULL)
    return 0;

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, field == SIYU_CONTACT_PHONE ? "phone" : "email", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, stored, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    owner = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return rc < 0 ? -1 : owner;
}

/**
 * siyu_contact_erase:
 *
 * Erases a person from the shop (PIPL): name, phone numbers, e-mails, WeChat
 * and platform ids, city, birthday, notes, tags, events and group
 * memberships are removed for good.  Their orders stay, anonymous, so the shop's figures do not change.
 * The audit log records the erasure without any of the erased data.
 *
 * Nothing of theirs is left in the file: secure_delete zeroes what is
 * deleted, their part of the search index is rewritten without them, and
 * the write-ahead log is emptied after the commit.  A keyed hash of each of
 * their identities (siyu-tombstones.c) keeps the next import or sync from
 * bringing them back, until the owner lifts it.
 */
gboolean
siyu_contact_erase (SiyuShop  *shop,
                    gint64     contact_id,
                    GError   **error)
{
  g_autoptr(JsonBuilder) detail = json_builder_new ();
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 orders;
  guint identities = 0;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!siyu_backup_before (shop, SIYU_BACKUP_CAUSE_ERASE, error) || !siyu_db_begin (db, error))
    return FALSE;

  if (!contact_exists (db, contact_id, error) ||
      !siyu_tombstones_add_contact (shop, contact_id, &identities, error))
    goto fail;

  stmt = siyu_db_prepare (db, "SELECT count (*) FROM orders WHERE contact_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (siyu_db_step (db, stmt, error) < 0)
    goto fail;
  orders = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = siyu_db_prepare (db,
                          "UPDATE contacts SET name = NULL, phone = NULL, email = NULL, wechat_id = NULL, "
                          "  city = NULL, birthday = NULL, notes = NULL, consent_source = NULL, "
                          "  marketing_consent = 0, do_not_contact = 1, erased_at = ?2, updated_at = ?2 "
                          "WHERE id = ?1",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  /* Records a sync set aside keep the platform's raw JSON: those of this
   * person go, found by their order, their platform id, or a phone
   * number, e-mail or WeChat id of theirs in the JSON (the phone's last
   * eight digits too, separators aside, as platforms write it in many
   * forms). */
  stmt = siyu_db_prepare (db,
                          "DELETE FROM sync_rejects WHERE order_id IN (SELECT id FROM orders WHERE contact_id = ?1) "
                          "OR EXISTS (SELECT 1 FROM contact_identities i JOIN sync_accounts a ON a.platform = i.kind "
                          "  WHERE i.contact_id = ?1 AND a.id = sync_rejects.account_id "
                          "    AND (sync_rejects.platform_id = i.value "
                          "         OR (length (i.value) >= 6 AND instr (sync_rejects.raw, i.value) > 0))) "
                          "OR EXISTS (SELECT 1 FROM contact_identities i "
                          "  WHERE i.contact_id = ?1 AND i.kind IN ('phone', 'email', 'wechat') "
                          "    AND (instr (lower (sync_rejects.raw), lower (i.value)) > 0 "
                          "         OR (i.kind = 'phone' AND length (i.value) >= 10 "
                          "             AND instr (replace (replace (replace (replace (replace (sync_rejects.raw, "
                          "                          ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), "
                          "                        substr (i.value, -8)) > 0)))",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  stmt = siyu_db_prepare (db,
                          "DELETE FROM contact_identities WHERE contact_id = ?",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  stmt = siyu_db_prepare (db, "DELETE FROM contact_tags WHERE contact_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  stmt = siyu_db_prepare (db, "DELETE FROM events WHERE contact_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  stmt = siyu_db_prepare (db, "DELETE FROM group_members WHERE contact_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  /* What a platform sent encrypted about them goes too. */
  stmt = siyu_db_prepare (db, "DELETE FROM sync_encrypted WHERE contact_id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;

  if (!siyu_search_index_purge (db, contact_id, error))
    goto fail;

  json_builder_begin_object (detail);
  json_builder_set_member_name (detail, "orders_kept");
  json_builder_add_int_value (detail, orders);
  json_builder_set_member_name (detail, "identities_kept_out");
  json_builder_add_int_value (detail, identities);
  json_builder_end_object (detail);
  if (!audit (shop, "erase", contact_id, detail, error) || !siyu_db_commit (db, error))
    goto fail;

  /* The log still holds the pages as they were before.  Another program
   * reading the shop keeps it from being emptied now; it is when the last
   * one closes the shop. */
  siyu_db_checkpoint (db, NULL);

  return TRUE;

fail:
  siyu_db_rollback (db);
  return FALSE;
}

/* Runs a query whose one row and column is a JSON text built by SQLite and
 * returns it parsed. */
static JsonNode *
query_json (SiyuDb      *db,
            const char  *sql,
            gint64       contact_id,
            GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, contact_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc < 0)
    return NULL;
  if (rc != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    {
      sqlite3_reset (stmt);
      return json_node_new (JSON_NODE_NULL);
    }

  {
    JsonNode *node = siyu_json_parse ((const char *) sqlite3_column_text (stmt, 0), -1, _("The contact"), error);

    sqlite3_reset (stmt);
    return node;
  }
}

#define CONTACT_COLUMNS_JSON \
  "json_object ('id', id, 'name', name, 'phone', phone, 'email', email, 'wechat_id', wechat_id, " \
  "  'city', city, 'birthday', birthday, 'first_seen_at', first_seen_at, " \
  "  'first_channel_id', first_channel_id, 'marketing_consent', marketing_consent, 'consent', consent, " \
  "  'consent_at', consent_at, 'consent_source', consent_source, 'do_not_contact', do_not_contact, " \
  "  'member_since', member_since, 'member_source', member_source, 'notes', notes, " \
  "  'created_at', created_at, 'updated_at', updated_at)"

/**
 * siyu_contact_describe:
 *
 * Returns: (transfer full): everything Siyu keeps about a contact, for
 *   `siyu-cli contact show` and the contact page: fields, identities, tags,
 *   groups, figures (with the as-of day of the last recompute), the 50
 *   latest orders with their items and refunds, the 100 latest events,
 *   tier changes and touches, newest first.
 */
JsonNode *
siyu_contact_describe (SiyuShop  *shop,
                       gint64     contact_id,
                       GError   **error)
{
  static const struct {
    const char *member;
    const char *sql;
  } parts[] = {
    { "contact", "SELECT " CONTACT_COLUMNS_JSON " FROM contacts WHERE id = ?" },
    { "identities", "SELECT json_group_array (json_object ('kind', kind, 'value', value)) "
                    "FROM (SELECT kind, value FROM contact_identities WHERE contact_id = ? ORDER BY kind, value)" },
    { "tags", "SELECT json_group_array (name) FROM (SELECT t.name FROM contact_tags ct "
              "JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = ? ORDER BY t.name)" },
    { "groups", "SELECT json_group_array (json_object ('group', g.name, 'role', m.role, 'joined_at', m.joined_at, "
                "  'left_at', m.left_at)) FROM (SELECT * FROM group_members WHERE contact_id = ? "
                "  ORDER BY joined_at) m JOIN community_groups g ON g.id = m.group_id" },
    { "metrics", "SELECT json_object ('stage', stage, 'orders', orders, 'net_spend', net_spend, "
                 "  'rfm_segment', rfm_segment, 'tier_id', tier_id, 'tier_gap', tier_gap, 'aipl', aipl, "
                 "  'pyramid', pyramid, 'first_order', first_order, 'last_order', last_order, "
                 "  'rfm_r', rfm_r, 'rfm_f', rfm_f, 'rfm_m', rfm_m, 'rfm_r_score', rfm_r_score, "
                 "  'rfm_f_score', rfm_f_score, 'rfm_m_score', rfm_m_score, 'spend_365', spend_365, "
                 "  'as_of', (SELECT as_of FROM analytics_runs ORDER BY id DESC LIMIT 1)) "
                 "FROM contact_metrics WHERE contact_id = ?" },
    { "orders", "SELECT json_group_array (json_object ('id', o.id, 'reference', o.external_ref, 'channel', c.name, "
                "  'created_at', o.created_at, 'status', o.status, 'currency', o.currency, "
                "  'total', o.total_amount, 'refunded', o.refunded_amount, "
                "  'items', json ((SELECT json_group_array (json_object ('name', i.name, 'sku', i.sku, "
                "    'quantity', i.quantity, 'unit_price', i.unit_price, 'line_total', i.line_total)) "
                "    FROM (SELECT * FROM order_items WHERE order_id = o.id ORDER BY id) i)), "
                "  'refunds', json ((SELECT json_group_array (json_patch (json_object ('amount', r.amount, "
                "    'created_at', r.created_at, 'reason', r.reason), "
                "    CASE WHEN r.external_ref GLOB 'return:*' THEN json_object ('return', substr (r.external_ref, 8)) "
                "         ELSE '{}' END)) "
                "    FROM (SELECT * FROM refunds WHERE order_id = o.id ORDER BY created_at, id) r)))) "
                "FROM (SELECT * FROM orders WHERE contact_id = ? ORDER BY created_at DESC LIMIT 50) o "
                "JOIN channels c ON c.id = o.channel_id" },
    { "events", "SELECT json_group_array (json_object ('kind', e.kind, 'occurred_at', e.occurred_at, "
                "  'channel', c.name, 'detail', e.detail)) "
                "FROM (SELECT * FROM events WHERE contact_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 100) e "
                "LEFT JOIN channels c ON c.id = e.channel_id" },
    { "tier_history", "SELECT json_group_array (json_object ('from', f.name, 'from_zh', f.name_zh, "
                      "  'to', t.name, 'to_zh', t.name_zh, 'changed_on', h.changed_on, 'reason', h.reason)) "
                      "FROM (SELECT * FROM tier_history WHERE contact_id = ? ORDER BY changed_on DESC, id DESC) h "
                      "LEFT JOIN tiers f ON f.id = h.from_tier_id LEFT JOIN tiers t ON t.id = h.to_tier_id" },
    { "prediction", "SELECT json_object ('p_alive', p.p_alive, 'exp_orders_90d', p.exp_orders_90d, "
                    "  'exp_order_value', p.exp_order_value, 'value_12m', p.value_12m, 'next_due', p.next_due, "
                    "  'next_due_product', (SELECT name FROM products WHERE id = p.next_due_product_id), "
                    "  'fit', json ((SELECT json_extract (summary, '$.predictive') FROM analytics_runs "
                    "    ORDER BY id DESC LIMIT 1))) "
                    "FROM contact_predictions p WHERE p.contact_id = ?" },
    { "touches", "SELECT json_group_array (json_object ('name', name, 'kind', kind, "
                 "  'created_at', created_at, 'holdout', holdout)) "
                 "FROM (SELECT t.id, t.name, t.kind, t.created_at, m.holdout FROM touch_members m "
                 "  JOIN touches t ON t.id = m.touch_id WHERE m.contact_id = ? "
                 "  ORDER BY t.created_at DESC, t.id DESC)" },
  };
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *root;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  if (!contact_exists (db, contact_id, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      JsonNode *node = query_json (db, parts[i].sql, contact_id, error);

      if (node == NULL)
        return NULL;
      json_object_set_member (object, parts[i].member, node);
    }

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, object);

  return root;
}

static gboolean
exec_with_ids (SiyuDb      *db,
               const char  *sql,
               gint64       first,
               gint64       second,
               GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, second);

  return siyu_db_step_done (db, stmt, error);
}

static gboolean
exec_with_id (SiyuDb      *db,
              const char  *sql,
              gint64       id,
              GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);

  return siyu_db_step_done (db, stmt, error);
}

static gboolean
exec_with_json (SiyuDb      *db,
                const char  *sql,
                gint64       id,
                JsonNode    *node,
                GError     **error)
{
  g_autofree char *text = siyu_json_to_string (node, FALSE);
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);

  return siyu_db_step_done (db, stmt, error);
}

/* The rows a merge moves from the other contact to the kept one, as SQL
 * that lists their ids and SQL that moves them back. */
static const struct {
  const char *member;
  const char *list;
  const char *move;
  const char *back;
} moved_tables[] = {
  { "identities",
    "SELECT json_group_array (id) FROM contact_identities WHERE contact_id = ?",
    "UPDATE contact_identities SET contact_id = ?1 WHERE contact_id = ?2",
    "UPDATE contact_identities SET contact_id = ?1 WHERE id IN (SELECT value FROM json_each (?2))" },
  { "orders",
    "SELECT json_group_array (id) FROM orders WHERE contact_id = ?",
    "UPDATE orders SET contact_id = ?1 WHERE contact_id = ?2",
    "UPDATE orders SET contact_id = ?1 WHERE id IN (SELECT value FROM json_each (?2))" },
  { "returns",
    "SELECT json_group_array (id) FROM returns WHERE contact_id = ?",
    "UPDATE returns SET contact_id = ?1 WHERE contact_id = ?2",
    "UPDATE returns SET contact_id = ?1 WHERE id IN (SELECT value FROM json_each (?2))" },
  { "tier_history",
    "SELECT json_group_array (id) FROM tier_history WHERE contact_id = ?",
    "UPDATE tier_history SET contact_id = ?1 WHERE contact_id = ?2",
    "UPDATE tier_history SET contact_id = ?1 WHERE id IN (SELECT value FROM json_each (?2))" },
};

/* Rows that can collide with the kept contact's own (the same event at the
 * same time, the same stay in a group, the same tag or touch) are copied
 * where they do not collide, and the other contact's originals are kept
 * whole in the undo record.  The copies are found again for the undo by
 * their keys: ids above the largest before the merge, or keys the kept
 * contact did not have. */
static const struct {
  const char *member;
  const char *save;       /* the other contact's rows, as JSON */
  const char *mark;       /* before copying: the largest id, or the kept contact's keys */
  const char *copy;
  const char *uncopy;     /* ?1 kept contact, ?2 the mark */
  const char *restore;    /* ?1 other contact, ?2 the saved rows */
} copied_tables[] = {
  { "events",
    "SELECT json_group_array (json_array (id, kind, occurred_at, channel_id, detail)) FROM events WHERE contact_id = ?",
    "SELECT json_array (coalesce (max (id), 0)) FROM events",
    "INSERT OR IGNORE INTO events (contact_id, kind, occurred_at, channel_id, detail) "
    "  SELECT ?1, kind, occurred_at, channel_id, detail FROM events WHERE contact_id = ?2",
    "DELETE FROM events WHERE contact_id = ?1 AND id > (?2 ->> 0)",
    "INSERT INTO events (id, contact_id, kind, occurred_at, channel_id, detail) "
    "  SELECT e.value ->> 0, ?1, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4 FROM json_each (?2) e" },
  { "group_members",
    "SELECT json_group_array (json_array (id, group_id, role, joined_at, left_at)) FROM group_members WHERE contact_id = ?",
    "SELECT json_array (coalesce (max (id), 0)) FROM group_members",
    "INSERT OR IGNORE INTO group_members (group_id, contact_id, role, joined_at, left_at) "
    "  SELECT group_id, ?1, role, joined_at, left_at FROM group_members WHERE contact_id = ?2",
    "DELETE FROM group_members WHERE contact_id = ?1 AND id > (?2 ->> 0)",
    "INSERT INTO group_members (id, group_id, contact_id, role, joined_at, left_at) "
    "  SELECT e.value ->> 0, e.value ->> 1, ?1, e.value ->> 2, e.value ->> 3, e.value ->> 4 FROM json_each (?2) e" },
  { "tags",
    "SELECT json_group_array (json_array (tag_id, source, created_at)) FROM contact_tags WHERE contact_id = ?",
    "SELECT json_group_array (tag_id) FROM contact_tags WHERE contact_id = ?",
    "INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, source, created_at) "
    "  SELECT ?1, tag_id, source, created_at FROM contact_tags WHERE contact_id = ?2",
    "DELETE FROM contact_tags WHERE contact_id = ?1 AND tag_id NOT IN (SELECT value FROM json_each (?2))",
    "INSERT INTO contact_tags (contact_id, tag_id, source, created_at) "
    "  SELECT ?1, e.value ->> 0, e.value ->> 1, e.value ->> 2 FROM json_each (?2) e" },
  { "touches",
    "SELECT json_group_array (json_array (touch_id, holdout)) FROM touch_members WHERE contact_id = ?",
    "SELECT json_group_array (touch_id) FROM touch_members WHERE contact_id = ?",
    "INSERT OR IGNORE INTO touch_members (touch_id, contact_id, holdout) "
    "  SELECT touch_id, ?1, holdout FROM touch_members WHERE contact_id = ?2",
    "DELETE FROM touch_members WHERE contact_id = ?1 AND touch_id NOT IN (SELECT value FROM json_each (?2))",
    "INSERT INTO touch_members (touch_id, contact_id, holdout) "
    "  SELECT e.value ->> 0, ?1, e.value ->> 1 FROM json_each (?2) e" },
};

#define CONTACT_VALUES_FROM_JSON \
  "j ->> '$.name', j ->> '$.phone', j ->> '$.email', j ->> '$.wechat_id', j ->> '$.city', " \
  "j ->> '$.birthday', j ->> '$.first_seen_at', j ->> '$.first_channel_id', j ->> '$.marketing_consent', " \
  "j ->> '$.consent_at', j ->> '$.consent_source', j ->> '$.do_not_contact', j ->> '$.member_since', " \
  "j ->> '$.notes', j ->> '$.created_at', j ->> '$.updated_at', j ->> '$.consent', j ->> '$.member_source'"

#define CONTACT_COLUMN_LIST \
  "name, phone, email, wechat_id, city, birthday, first_seen_at, first_channel_id, marketing_consent, " \
  "consent_at, consent_source, do_not_contact, member_since, notes, created_at, updated_at, consent, member_source"

/* Never REPLACE: deleting the kept contact, even for an instant, would
 * cascade to its orders and identities. */
#define REINSERT_CONTACT_SQL \
  "INSERT INTO contacts (id, " CONTACT_COLUMN_LIST ") SELECT ?1, " CONTACT_VALUES_FROM_JSON " FROM (SELECT ?2 AS j)"
#define RESTORE_CONTACT_SQL \
  "UPDATE contacts SET (" CONTACT_COLUMN_LIST ") = (SELECT " CONTACT_VALUES_FROM_JSON " FROM (SELECT ?2 AS j)) " \
  "WHERE id = ?1"

/**
 * siyu_contact_erase_from_backups:
 * @removed: (out) (optional): how many backups were deleted
 *
 * Erases the person as siyu_contact_erase() does, then deletes every
 * backup of the shop that still holds them, so that they do not come back
 * with a restore.
 */
gboolean
siyu_contact_erase_from_backups (SiyuShop  *shop,
                                 gint64     contact_id,
                                 guint     *removed,
                                 GError   **error)
{
  g_auto(GStrv) traces = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  if (removed != NULL)
    *removed = 0;
  traces = siyu_backup_person_traces (shop, contact_id, error);
  if (traces == NULL || !siyu_contact_erase (shop, contact_id, error))
    return FALSE;

  return siyu_backup_forget_person (shop, contact_id, (const char * const *) traces, removed, error);
}

/**
 * siyu_contact_merge:
 * @keep_id: the contact that stays
 * @other_id: the contact merged into it and removed
 * @take: (array length=n_take): fields whose value comes from @other_id
 *   when both have one; otherwise the kept contact's value wins and empty
 *   fields are filled from the other
 *
 * Merges two records of one person: identities, orders, events, groups,
 * tags, touches and tier history move to @keep_id; the earlier first
 * sighting and membership, the newer consent and any do-not-contact are
 * kept.  Written to the audit log.
 *
 * Returns: (transfer full): what siyu_contact_unmerge() needs to undo it.
 */
JsonNode *
siyu_contact_merge (SiyuShop               *shop,
                    gint64                  keep_id,
                    gint64                  other_id,
                    const SiyuContactField *take,
                    guint                   n_take,
                    GError                **error)
{
  g_autoptr(JsonBuilder) detail = json_builder_new ();
  g_autoptr(JsonObject) undo = json_object_new ();
  g_autoptr(JsonObject) moved = json_object_new ();
  gboolean taken[SIYU_N_CONTACT_FIELDS] = { FALSE };
  JsonNode *keep_before, *other, *root;
  sqlite3_stmt *stmt;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  if (keep_id == other_id)
    {
      g_set_error_literal (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_SAME,
                           _("A contact cannot be merged with itself."));
      return NULL;
    }

  for (guint i = 0; i < n_take; i++)
    {
      if (take[i] >= SIYU_CONTACT_MARKETING_CONSENT)
        {
          g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                       _("“%s” is not chosen in a merge: consent takes the newer answer and do-not-contact is always kept."),
                       field_names[take[i]]);
          return NULL;
        }
      taken[take[i]] = TRUE;
    }

  db = siyu_shop_get_db (shop);
  if (!siyu_backup_before (shop, SIYU_BACKUP_CAUSE_MERGE, error) || !siyu_db_begin (db, error))
    return NULL;

  if (!contact_exists (db, keep_id, error) || !contact_exists (db, other_id, error))
    goto fail;

  keep_before = query_json (db, "SELECT " CONTACT_COLUMNS_JSON " FROM contacts WHERE id = ?", keep_id, error);
  if (keep_before == NULL)
    goto fail;
  json_object_set_member (undo, "keep", keep_before);
  other = query_json (db, "SELECT " CONTACT_COLUMNS_JSON " FROM contacts WHERE id = ?", other_id, error);
  if (other == NULL)
    goto fail;
  json_object_set_member (undo, "other", other);

  for (guint i = 0; i < G_N_ELEMENTS (moved_tables); i++)
    {
      JsonNode *ids = query_json (db, moved_tables[i].list, other_id, error);

      if (ids == NULL)
        goto fail;
      json_object_set_member (moved, moved_tables[i].member, ids);
      if (!exec_with_ids (db, moved_tables[i].move, keep_id, other_id, error))
        goto fail;
    }
  for (guint i = 0; i < G_N_ELEMENTS (copied_tables); i++)
    {
      g_autofree char *mark_member = g_strconcat (copied_tables[i].member, "_mark", NULL);
      JsonNode *rows = query_json (db, copied_tables[i].save, other_id, error);
      JsonNode *mark;

      if (rows == NULL)
        goto fail;
      json_object_set_member (moved, copied_tables[i].member, rows);
      mark = query_json (db, copied_tables[i].mark, keep_id, error);
      if (mark == NULL)
        goto fail;
      json_object_set_member (moved, mark_member, mark);
      if (!exec_with_ids (db, copied_tables[i].copy, keep_id, other_id, error))
        goto fail;
    }
  json_object_set_object_member (undo, "moved", json_object_ref (moved));

  /* Phone and e-mail identities have moved already; the columns follow. */
  stmt = siyu_db_prepare (db,
                          "UPDATE contacts AS k SET "
                          "  name = CASE WHEN ?3 THEN coalesce (o.name, k.name) ELSE coalesce (k.name, o.name) END, "
                          "  phone = CASE WHEN ?4 THEN coalesce (o.phone, k.phone) ELSE coalesce (k.phone, o.phone) END, "
                          "  email = CASE WHEN ?5 THEN coalesce (o.email, k.email) ELSE coalesce (k.email, o.email) END, "
                          "  wechat_id = CASE WHEN ?6 THEN coalesce (o.wechat_id, k.wechat_id) ELSE coalesce (k.wechat_id, o.wechat_id) END, "
                          "  city = CASE WHEN ?7 THEN coalesce (o.city, k.city) ELSE coalesce (k.city, o.city) END, "
                          "  birthday = CASE WHEN ?8 THEN coalesce (o.birthday, k.birthday) ELSE coalesce (k.birthday, o.birthday) END, "
                          "  notes = CASE WHEN ?9 THEN coalesce (o.notes, k.notes) ELSE coalesce (k.notes, o.notes) END, "
                          "  first_channel_id = CASE WHEN o.first_seen_at < k.first_seen_at THEN o.first_channel_id "
                          "                          ELSE k.first_channel_id END, "
                          "  first_seen_at = min (k.first_seen_at, o.first_seen_at), "
                          "  member_since = CASE WHEN k.member_since IS NULL THEN o.member_since "
                          "                      WHEN o.member_since IS NULL THEN k.member_since "
                          "                      ELSE min (k.member_since, o.member_since) END, "
                          "  member_source = CASE WHEN k.member_since IS NULL THEN o.member_source "
                          "                       WHEN o.member_since IS NULL OR k.member_since <= o.member_since "
                          "                       THEN k.member_source ELSE o.member_source END, "
                          "  consent = CASE WHEN coalesce (o.consent_at, 0) > coalesce (k.consent_at, 0) "
                          "                 THEN o.consent ELSE k.consent END, "
                          "  marketing_consent = CASE WHEN coalesce (o.consent_at, 0) > coalesce (k.consent_at, 0) "
                          "                           THEN o.marketing_consent ELSE k.marketing_consent END, "
                          "  consent_source = CASE WHEN coalesce (o.consent_at, 0) > coalesce (k.consent_at, 0) "
                          "                        THEN o.consent_source ELSE k.consent_source END, "
                          "  consent_at = max (coalesce (k.consent_at, 0), coalesce (o.consent_at, 0)), "
                          "  do_not_contact = max (k.do_not_contact, o.do_not_contact), "
                          "  created_at = min (k.created_at, o.created_at), "
                          "  updated_at = ?10 "
                          "FROM contacts AS o WHERE k.id = ?1 AND o.id = ?2",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, keep_id);
  sqlite3_bind_int64 (stmt, 2, other_id);
  for (int f = SIYU_CONTACT_NAME; f <= SIYU_CONTACT_NOTES; f++)
    sqlite3_bind_int (stmt, 3 + f, taken[f]);
  sqlite3_bind_int64 (stmt, 10, g_get_real_time () / G_USEC_PER_SEC);
  if (!siyu_db_step_done (db, stmt, error) ||
      !exec_with_id (db, "UPDATE contacts SET consent_at = NULLIF (consent_at, 0) WHERE id = ?", keep_id, error) ||
      !exec_with_id (db, "DELETE FROM contacts WHERE id = ?", other_id, error))
    goto fail;

  json_object_set_int_member (undo, "keep_id", keep_id);
  json_object_set_int_member (undo, "other_id", other_id);

  json_builder_begin_object (detail);
  json_builder_set_member_name (detail, "merged_contact_id");
  json_builder_add_int_value (detail, other_id);
  json_builder_set_member_name (detail, "orders_moved");
  json_builder_add_int_value (detail, json_array_get_length (json_object_get_array_member (moved, "orders")));
  json_builder_end_object (detail);
  if (!audit (shop, "merge", keep_id, detail, error) || !siyu_db_commit (db, error))
    goto fail;

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, undo);

  return root;

fail:
  siyu_db_rollback (db);
  return NULL;
}

/**
 * siyu_contact_unmerge:
 * @undo: what siyu_contact_merge() returned
 *
 * Puts both contacts back as they were before the merge.  Figures of both
 * are recomputed by the next recompute.
 */
gboolean
siyu_contact_unmerge (SiyuShop  *shop,
                      JsonNode  *undo,
                      GError   **error)
{
  g_autoptr(JsonBuilder) detail = json_builder_new ();
  JsonObject *object, *moved;
  gint64 keep_id, other_id;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (undo != NULL && JSON_NODE_HOLDS_OBJECT (undo), FALSE);

  object = json_node_get_object (undo);
  moved = json_object_get_object_member (object, "moved");
  keep_id = json_object_get_int_member (object, "keep_id");
  other_id = json_object_get_int_member (object, "other_id");

  db = siyu_shop_get_db (shop);
  if (!siyu_db_begin (db, error))
    return FALSE;

  if (!exec_with_json (db, REINSERT_CONTACT_SQL, other_id, json_object_get_member (object, "other"), error) ||
      !exec_with_json (db, RESTORE_CONTACT_SQL, keep_id, json_object_get_member (object, "keep"), error))
    goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (moved_tables); i++)
    if (!exec_with_json (db, moved_tables[i].back, other_id,
                         json_object_get_member (moved, moved_tables[i].member), error))
      goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (copied_tables); i++)
    {
      g_autofree char *mark_member = g_strconcat (copied_tables[i].member, "_mark", NULL);

      if (!exec_with_json (db, copied_tables[i].uncopy, keep_id,
                           json_object_get_member (moved, mark_member), error) ||
          !exec_with_json (db, copied_tables[i].restore, other_id,
                           json_object_get_member (moved, copied_tables[i].member), error))
        goto fail;
    }

  json_builder_begin_object (detail);
  json_builder_set_member_name (detail, "restored_contact_id");
  json_builder_add_int_value (detail, other_id);
  json_builder_end_object (detail);
  if (!audit (shop, "unmerge", keep_id, detail, error) || !siyu_db_commit (db, error))
    goto fail;

  return TRUE;

fail:
  siyu_db_rollback (db);
  return FALSE;
}
