/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-duplicates"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-contacts.h"
#include "siyu-duplicates.h"
#include "siyu-phone.h"

/* Possible duplicates: pairs of contacts a sync kept apart rather than
 * merge them silently.  The rule (ANALYTICS.md terms): the phone remains
 * the key within one platform id — a record with another customer id on
 * the same platform, or another e-mail, than the contact a phone belongs
 * to becomes a contact of its own that shows the phone, and the pair is
 * listed here.  So is a phone kept as written, because it could not be read
 * for its own country, when it reads as another contact's number for a
 * region Siyu knows.  The owner resolves a pair with the merge, or says the
 * two are different people; either way it leaves the list. */

static void
take_text (sqlite3_stmt *stmt,
           int           column,
           char        **out)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  *out = text != NULL ? g_strdup (text) : NULL;
}

void
siyu_duplicate_free (SiyuDuplicate *self)
{
  if (self == NULL)
    return;
  g_free (self->reason);
  g_free (self->name);
  g_free (self->phone);
  g_free (self->email);
  g_free (self->other_name);
  g_free (self->other_phone);
  g_free (self->other_email);
  g_free (self);
}

/**
 * siyu_duplicates_list:
 *
 * Returns: (transfer full) (element-type SiyuDuplicate): the pairs the owner
 *   has not resolved, oldest first; erased contacts are left out
 */
GPtrArray *
siyu_duplicates_list (SiyuShop  *shop,
                      GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_duplicate_free);
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db,
                          "SELECT d.contact_id, d.other_id, d.reason, d.created_at, a.name, a.phone, a.email, "
                          "  b.name, b.phone, b.email "
                          "FROM possible_duplicates d JOIN contacts a ON a.id = d.contact_id "
                          "  JOIN contacts b ON b.id = d.other_id "
                          "WHERE d.dismissed_at IS NULL AND a.erased_at IS NULL AND b.erased_at IS NULL "
                          "ORDER BY d.id",
                          error);
  if (stmt == NULL)
    return NULL;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuDuplicate *pair = g_new0 (SiyuDuplicate, 1);

      pair->contact_id = sqlite3_column_int64 (stmt, 0);
      pair->other_id = sqlite3_column_int64 (stmt, 1);
      take_text (stmt, 2, &pair->reason);
      pair->created_at = sqlite3_column_int64 (stmt, 3);
      take_text (stmt, 4, &pair->name);
      take_text (stmt, 5, &pair->phone);
      take_text (stmt, 6, &pair->email);
      take_text (stmt, 7, &pair->other_name);
      take_text (stmt, 8, &pair->other_phone);
      take_text (stmt, 9, &pair->other_email);
      g_ptr_array_add (list, pair);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&list);
}

/**
 * siyu_duplicates_count:
 *
 * Returns: how many pairs wait for the owner, or -1 with @error set
 */
gint64
siyu_duplicates_count (SiyuShop  *shop,
                       GError   **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  return siyu_db_query_int (siyu_shop_get_db (shop),
                            "SELECT count (*) FROM possible_duplicates d JOIN contacts a ON a.id = d.contact_id "
                            "JOIN contacts b ON b.id = d.other_id "
                            "WHERE d.dismissed_at IS NULL AND a.erased_at IS NULL AND b.erased_at IS NULL",
                            error);
}

static void
add_contact (JsonBuilder *builder,
             const char  *member,
             gint64       id,
             const char  *name,
             const char  *phone,
             const char  *email)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "name");
  name != NULL ? json_builder_add_string_value (builder, name) : json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "phone");
  phone != NULL ? json_builder_add_string_value (builder, phone) : json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "email");
  email != NULL ? json_builder_add_string_value (builder, email) : json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/**
 * siyu_duplicates_to_json:
 *
 * Returns: (transfer full): [{reason, created_at, contact: {id, name,
 *   phone, email}, other: {…}}]
 */
JsonNode *
siyu_duplicates_to_json (GPtrArray *duplicates)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < duplicates->len; i++)
    {
      SiyuDuplicate *pair = g_ptr_array_index (duplicates, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, pair->reason);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_int_value (builder, pair->created_at);
      add_contact (builder, "contact", pair->contact_id, pair->name, pair->phone, pair->email);
      add_contact (builder, "other", pair->other_id, pair->other_name, pair->other_phone, pair->other_email);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_duplicates_keep_apart:
 *
 * Records that two contacts listed as possible duplicates are different
 * people: they leave the list and stay off it.  Audited.
 */
gboolean
siyu_duplicates_keep_apart (SiyuShop  *shop,
                            gint64     contact_id,
                            gint64     other_id,
                            GError   **error)
{
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!siyu_db_begin (db, error))
    return FALSE;
  stmt = siyu_db_prepare (db, "UPDATE possible_duplicates SET dismissed_at = ?3 "
                              "WHERE contact_id = ?1 AND other_id = ?2 AND dismissed_at IS NULL", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, MIN (contact_id, other_id));
  sqlite3_bind_int64 (stmt, 2, MAX (contact_id, other_id));
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  if (sqlite3_changes (siyu_db_get_handle (db)) == 0)
    {
      g_autofree char *a = g_strdup_printf ("%" G_GINT64_FORMAT, contact_id);
      g_autofree char *b = g_strdup_printf ("%" G_GINT64_FORMAT, other_id);

      g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_NOT_FOUND,
                   /* Translators: two contact ids. */
                   _("The contacts %s and %s are not listed as possible duplicates."), a, b);
      goto fail;
    }
  detail = g_strdup_printf ("{\"other_contact_id\":%" G_GINT64_FORMAT "}", MAX (contact_id, other_id));
  if (!siyu_shop_audit (shop, "keep_apart", "contact", MIN (contact_id, other_id), detail, error))
    goto fail;

  return siyu_db_commit (db, error);

fail:
  siyu_db_rollback (db);
  return FALSE;
}

static gint64
phone_owner (SiyuDb      *db,
             const char  *phone,
             GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT contact_id FROM contact_identities WHERE kind = 'phone' "
                                            "AND value = ?", error);
  gint64 owner = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, phone, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    owner = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return rc < 0 ? -1 : owner;
}

/**
 * siyu_duplicates_scan:
 * @found: (out) (optional): how many pairs it listed that were not listed
 *
 * Lists as possible duplicates the contacts whose phone is kept as written
 * (it could not be read for its own country) and reads, for a region Siyu
 * knows, as another contact's number: “(55) 5555-5555” of a Brazilian
 * customer beside +1 555 555 5555.  Phones kept as written are few; the
 * numbers in E.164 are not read.
 */
gboolean
siyu_duplicates_scan (SiyuShop  *shop,
                      guint     *found,
                      GError   **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) phones = g_ptr_array_new_with_free_func (g_free);
  const char * const *regions = siyu_phone_region_list ();
  sqlite3_stmt *stmt;
  SiyuDb *db;
  guint n = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  /* Two ranges of the phone index: whatever does not start with “+”. */
  stmt = siyu_db_prepare (db, "SELECT id, phone FROM contacts WHERE (phone < '+' OR phone >= ',') "
                              "AND erased_at IS NULL ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (phones, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (ids->len == 0)
    goto done;

  if (!siyu_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    for (guint r = 0; regions[r] != NULL; r++)
      {
        g_autofree char *e164 = siyu_phone_normalize (g_ptr_array_index (phones, i), regions[r], NULL);
        gint64 id = g_array_index (ids, gint64, i);
        gint64 owner;

        if (e164 == NULL)
          continue;
        owner = phone_owner (db, e164, error);
        if (owner < 0)
          goto fail;
        if (owner == 0 || owner == id)
          continue;
        stmt = siyu_db_prepare (db, "INSERT OR IGNORE INTO possible_duplicates (contact_id, other_id, reason, "
                                    "  created_at) VALUES (?, ?, 'phone', ?)", error);
        if (stmt == NULL)
          goto fail;
        sqlite3_bind_int64 (stmt, 1, MIN (id, owner));
        sqlite3_bind_int64 (stmt, 2, MAX (id, owner));
        sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
        if (!siyu_db_step_done (db, stmt, error))
          goto fail;
        n += sqlite3_changes (siyu_db_get_handle (db));
      }
  if (!siyu_db_commit (db, error))
    return FALSE;

done:
  if (found != NULL)
    *found = n;
  return TRUE;

fail:
  siyu_db_rollback (db);
  return FALSE;
}
