/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-tombstones"

#include "config.h"

#include <errno.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "siyu-contacts.h"
#include "siyu-ingest.h"
#include "siyu-phone.h"
#include "siyu-tombstones.h"
#include "siyu-json.h"

/* A tombstone is HMAC-SHA256 (key, kind NUL value) with a random key kept
 * in the shop (erasure_keys, migration 8).  The shop never holds an erased
 * value; someone who has the file and guesses a value can still tell
 * whether it was erased, which is what the tombstone is for.  The
 * tombstones of one person share their erasure: the id of the erased
 * contact, so that lifting one lifts them all. */

#define KEY_SIZE 32
#define HASH_SIZE 32

struct _SiyuTombstones
{
  GBytes     *key;
  GHashTable *hashes;   /* GBytes set */
};

static GBytes *
hash_identity (GBytes     *key,
               const char *kind,
               const char *value)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  guint8 digest[HASH_SIZE];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) kind, strlen (kind) + 1);
  g_hmac_update (hmac, (const guchar *) value, strlen (value));
  g_hmac_get_digest (hmac, digest, &len);
  g_assert (len == HASH_SIZE);

  return g_bytes_new (digest, len);
}

/* Returns the shop's key, or %NULL with @error unset when it has none yet
 * (nobody was ever erased) and @create is %FALSE. */
static GBytes *
load_key (SiyuDb    *db,
          gboolean   create,
          GError   **error)
{
  sqlite3_stmt *stmt;
  GBytes *key = NULL;
  guint8 fresh[KEY_SIZE];
  gsize got = 0;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT hmac_key FROM erasure_keys WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == KEY_SIZE)
    key = g_bytes_new (sqlite3_column_blob (stmt, 0), KEY_SIZE);
  sqlite3_reset (stmt);
  if (rc < 0 || key != NULL || !create)
    return key;

  while (got < sizeof fresh)
    {
      ssize_t n = getrandom (fresh + got, sizeof fresh - got, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not make a secret key to keep erased people erased: %s"), g_strerror (saved_errno));
          return NULL;
        }
      got += n;
    }

  stmt = siyu_db_prepare (db, "INSERT INTO erasure_keys (id, hmac_key) VALUES (1, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, fresh, sizeof fresh, SQLITE_TRANSIENT);
  if (!siyu_db_step_done (db, stmt, error))
    return NULL;

  return g_bytes_new (fresh, sizeof fresh);
}

/**
 * siyu_tombstones_add_contact:
 * @contact_id: a contact about to be erased
 * @n_added: (out) (optional): how many identities were kept
 *
 * Keeps a tombstone for every identity of the contact: those of
 * contact_identities and their phone, e-mail and WeChat id.  Call it in the
 * erasure's transaction, before the identities are deleted.
 */
gboolean
siyu_tombstones_add_contact (SiyuShop  *shop,
                             gint64     contact_id,
                             guint     *n_added,
                             GError   **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  g_return_val_if_fail (siyu_db_in_transaction (db), FALSE);

  key = load_key (db, TRUE, error);
  if (key == NULL)
    return FALSE;

  stmt = siyu_db_prepare (db,
                          "SELECT kind, value FROM contact_identities WHERE contact_id = ?1 "
                          "UNION SELECT 'phone', phone FROM contacts WHERE id = ?1 AND phone IS NOT NULL "
                          "UNION SELECT 'email', email FROM contacts WHERE id = ?1 AND email IS NOT NULL "
                          "UNION SELECT 'wechat', wechat_id FROM contacts WHERE id = ?1 AND wechat_id IS NOT NULL",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (hashes, hash_identity (key, (const char *) sqlite3_column_text (stmt, 0),
                                            (const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;

  stmt = siyu_db_prepare (db, "INSERT OR REPLACE INTO erasure_tombstones (hash, erasure, erased_at) VALUES (?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < hashes->len; i++)
    {
      GBytes *hash = g_ptr_array_index (hashes, i);

      sqlite3_bind_blob (stmt, 1, g_bytes_get_data (hash, NULL), g_bytes_get_size (hash), SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, contact_id);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
    }

  if (n_added != NULL)
    *n_added = hashes->len;

  return TRUE;
}

/**
 * siyu_tombstones_load:
 *
 * Reads every tombstone of the shop, for an import or a sync to check
 * each person it meets against them without a query each.
 *
 * Returns: (transfer full): the set, empty when nobody was erased
 */
SiyuTombstones *
siyu_tombstones_load (SiyuShop  *shop,
                      GError   **error)
{
  g_autoptr(SiyuTombstones) self = g_new0 (SiyuTombstones, 1);
  g_autoptr(GError) local_error = NULL;
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  self->hashes = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  self->key = load_key (db, FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (self->key == NULL)
    return g_steal_pointer (&self);

  stmt = siyu_db_prepare (db, "SELECT hash FROM erasure_tombstones", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    g_hash_table_add (self->hashes, g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&self);
}

/* @value as contact_identities holds it. */
gboolean
siyu_tombstones_contains (const SiyuTombstones *self,
                          const char           *kind,
                          const char           *value)
{
  g_autoptr(GBytes) hash = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (g_hash_table_size (self->hashes) == 0 || kind == NULL || value == NULL)
    return FALSE;

  hash = hash_identity (self->key, kind, value);

  return g_hash_table_contains (self->hashes, hash);
}

guint
siyu_tombstones_get_size (const SiyuTombstones *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->hashes);
}

void
siyu_tombstones_free (SiyuTombstones *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->key, g_bytes_unref);
  g_clear_pointer (&self->hashes, g_hash_table_unref);
  g_free (self);
}

/**
 * siyu_tombstones_normalize:
 * @kind: phone, email, wechat, or a platform's kind of customer id
 *   (shopify, youzan, woocommerce, wechat_unionid, import:<source>)
 * @value: as the owner types it: a phone in any form the shop's region
 *   reads, an e-mail in any case
 *
 * Returns: (transfer full): @value as an identity of @kind is stored, or
 *   %NULL with @error set when it is not one
 */
char *
siyu_tombstones_normalize (SiyuShop    *shop,
                           const char  *kind,
                           const char  *value,
                           GError     **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  if (value == NULL || !g_utf8_validate (value, -1, NULL) || *(stripped = g_strstrip (g_strdup (value))) == '\0')
    {
      g_set_error_literal (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                           _("Give the phone number, e-mail address, WeChat id or customer id of the person."));
      return NULL;
    }

  if (g_str_equal (kind, "phone"))
    return siyu_phone_normalize (stripped, siyu_shop_get_phone_region (shop), error);

  if (g_str_equal (kind, "email"))
    {
      char *email = siyu_email_normalize (stripped);

      if (email == NULL)
        g_set_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID,
                     _("“%s” is not an e-mail address."), stripped);
      return email;
    }

  return g_steal_pointer (&stripped);
}

static GBytes *
hash_of (SiyuShop    *shop,
         const char  *kind,
         const char  *value,
         gboolean    *no_key,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autofree char *stored = siyu_tombstones_normalize (shop, kind, value, error);

  *no_key = FALSE;
  if (stored == NULL)
    return NULL;

  key = load_key (siyu_shop_get_db (shop), FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (key == NULL)
    {
      *no_key = TRUE;
      return NULL;
    }

  return hash_identity (key, kind, stored);
}

/**
 * siyu_tombstones_lookup:
 * @erased_at: (out) (optional): when the person was erased, UTC seconds
 *
 * Tells whether @value of @kind (see siyu_tombstones_normalize()) belongs
 * to an erased person.
 *
 * Returns: the erasure (the erased contact's id), 0 when the value is not
 *   an erased person's, -1 with @error set when it is not a valid value
 */
gint64
siyu_tombstones_lookup (SiyuShop    *shop,
                        const char  *kind,
                        const char  *value,
                        gint64      *erased_at,
                        GError     **error)
{
  g_autoptr(GBytes) hash = NULL;
  gboolean no_key;
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 erasure = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  hash = hash_of (shop, kind, value, &no_key, error);
  if (hash == NULL)
    return no_key ? 0 : -1;

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT erasure, erased_at FROM erasure_tombstones WHERE hash = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (hash, NULL), g_bytes_get_size (hash), SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      erasure = sqlite3_column_int64 (stmt, 0);
      if (erased_at != NULL)
        *erased_at = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);

  return rc < 0 ? -1 : erasure;
}

/**
 * siyu_tombstones_lift:
 *
 * Lets an erased person come back: the owner gives one of their values (the
 * person returned and agreed), and every tombstone of that person is
 * removed, so that the next import or sync that carries them creates a
 * contact again.  The audit log records it, without the value.
 *
 * Returns: how many of the person's identities were let back, 0 when
 *   @value is no erased person's, -1 with @error set
 */
int
siyu_tombstones_lift (SiyuShop    *shop,
                      const char  *kind,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *detail = NULL;
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 erasure;
  int lifted;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  db = siyu_shop_get_db (shop);
  if (!siyu_db_begin (db, error))
    return -1;

  erasure = siyu_tombstones_lookup (shop, kind, value, NULL, error);
  if (erasure <= 0)
    {
      siyu_db_rollback (db);
      return erasure < 0 ? -1 : 0;
    }

  stmt = siyu_db_prepare (db, "DELETE FROM erasure_tombstones WHERE erasure = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, erasure);
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  lifted = sqlite3_changes (siyu_db_get_handle (db));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "by");
  json_builder_add_string_value (builder, g_str_has_prefix (kind, "import:") ? "import" : kind);
  json_builder_set_member_name (builder, "identities");
  json_builder_add_int_value (builder, lifted);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  detail = siyu_json_to_string (root, FALSE);

  if (!siyu_shop_audit (shop, "unerase", "contact", erasure, detail, error) || !siyu_db_commit (db, error))
    goto fail;

  return lifted;

fail:
  siyu_db_rollback (db);
  return -1;
}

/* How many identities of erased people the shop keeps out. */
gint64
siyu_tombstones_count (SiyuShop  *shop,
                       GError   **error)
{
  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  return siyu_db_query_int (siyu_shop_get_db (shop), "SELECT count (*) FROM erasure_tombstones", error);
}
