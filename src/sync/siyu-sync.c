/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "siyu-backup.h"
#include "siyu-duplicates.h"
#include "siyu-http.h"
#include "siyu-json.h"
#include "siyu-money.h"
#include "siyu-phone.h"
#include "siyu-sync-private.h"
#include "siyu-text.h"

/* The sync engine: shop platform accounts, their credentials, and the walk
 * of each account's orders and customers through SiyuIngest, the same path
 * as file import.
 *
 * - Every page is one transaction.  The cursor of a resource (the largest
 *   updated time seen, UTC seconds) is written in the transaction of the
 *   walk's last page, so it never covers rows that were not committed.  An
 *   interrupted walk leaves the cursor where it was; the next sync asks for
 *   the same window again and the pages already stored come back unchanged
 *   (SiyuIngest is idempotent), which is how a sync resumes.
 * - A window starts OVERLAP_SECONDS before the cursor, since platforms do not
 *   promise that rows come in updated-time order.
 * - 429 waits for Retry-After (or a backoff when it is missing), 5xx,
 *   network errors and bodies that are not JSON are retried with exponential
 *   backoff and full jitter up to a cap; a timeout is not retried, so a
 *   server that hangs gives a clear error after one timeout.
 * - Errors name the platform, the account, the URL path (never the query,
 *   which may carry a token) and the status or platform error code.
 *   Credentials never reach the database, an error or a log. */

#define OVERLAP_SECONDS 300
#define DEFAULT_TIMEOUT 30
#define DEFAULT_ATTEMPTS 5
#define DEFAULT_BACKOFF_BASE 500
#define DEFAULT_BACKOFF_CAP 30000

G_DEFINE_QUARK (siyu-sync-error-quark, siyu_sync_error)

static const char * const platforms[] = { "shopify", "woocommerce", "youzan", NULL };

/* Tests only: the authority that signed the emulator's certificate. */
static GTlsDatabase *test_tls_database;

static const SecretSchema *
secret_schema (void)
{
  static const SecretSchema schema = {
    SIYU_SYNC_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "shop_url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "secret_id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static const SecretSchema *
legacy_schema (void)
{
  static const SecretSchema schema = {
    SIYU_SYNC_LEGACY_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* The Secret Service through libsecret, unless a test put a stand-in. */

static char *
libsecret_lookup (const SecretSchema  *schema,
                  GHashTable          *attributes,
                  GCancellable        *cancellable,
                  GError             **error)
{
  char *secret = secret_password_lookupv_sync (schema, attributes, cancellable, error);
  char *copy = g_strdup (secret);

  secret_password_free (secret);
  return copy;
}

static gboolean
libsecret_store (const SecretSchema  *schema,
                 GHashTable          *attributes,
                 const char          *label,
                 const char          *secret,
                 GCancellable        *cancellable,
                 GError             **error)
{
  return secret_password_storev_sync (schema, attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                                      cancellable, error);
}

static gboolean
libsecret_clear (const SecretSchema  *schema,
                 GHashTable          *attributes,
                 GCancellable        *cancellable,
                 GError             **error)
{
  GError *local_error = NULL;

  secret_password_clearv_sync (schema, attributes, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static const SiyuSyncKeyring libsecret_keyring = {
  libsecret_lookup, libsecret_store, libsecret_clear,
};

static const SiyuSyncKeyring *keyring = &libsecret_keyring;

static const SiyuSyncConnector *
connector_for (const char *platform)
{
  if (g_strcmp0 (platform, "shopify") == 0)
    return &_siyu_sync_shopify;
  if (g_strcmp0 (platform, "woocommerce") == 0)
    return &_siyu_sync_woocommerce;
  if (g_strcmp0 (platform, "youzan") == 0)
    return &_siyu_sync_youzan;
  return NULL;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
siyu_sync_platform_is_valid (const char *platform)
{
  return platform != NULL && g_strv_contains (platforms, platform);
}

/**
 * siyu_sync_url_is_allowed:
 *
 * Only https is allowed.  Tests set SIYU_SYNC_ALLOW_HTTP_LOCALHOST=1, which
 * lets plain http reach 127.0.0.1 or localhost and nothing else.
 */
gboolean
siyu_sync_url_is_allowed (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme, *host;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_autofree char *quoted = siyu_text_clip (url != NULL ? url : "", SIYU_TEXT_QUOTE_CHARS);

      /* What looks like a password is not repeated. */
      if (strchr (quoted, '@') != NULL)
        g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                             _("The shop’s address is not a web address."));
      else
        g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID, _("“%s” is not a web address."), quoted);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  /* user:password@ would be kept in the shop file and sent along. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                   _("The address of “%s” holds a user name or password. Siyu keeps credentials in the system "
                     "keyring, never in an address: enter it without the part before “@”."), host);
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 &&
      g_strcmp0 (g_getenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST), "1") == 0 &&
      (g_str_equal (host, "127.0.0.1") || g_ascii_strcasecmp (host, "localhost") == 0))
    return TRUE;

  g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE,
               _("Siyu only talks to shop platforms over https; “%s” is not."), host);
  return FALSE;
}

/* The test-only base URL is honoured for plain http on this machine,
 * with the test allowance, and nowhere else: an environment variable must
 * not send an owner's credentials to another host. */
static gboolean
is_test_base_url (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
         siyu_sync_url_is_allowed (url, NULL);
}

static char *
normalize_shop_url (const char *platform,
                    const char *text)
{
  g_autofree char *url = g_strstrip (g_strdup (text));

  if (g_str_equal (platform, "youzan"))
    return g_steal_pointer (&url);
  if (strstr (url, "://") == NULL)
    {
      char *with = g_strconcat ("https://", url, NULL);
      g_free (url);
      url = with;
    }
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';

  return g_steal_pointer (&url);
}

/* Accounts */

gint64
siyu_sync_account_add (SiyuShop    *shop,
                       const char  *platform,
                       const char  *name,
                       const char  *shop_url,
                       GError     **error)
{
  SiyuDb *db;
  g_autoptr(SiyuIngest) ingest = NULL;
  g_autofree char *url = NULL;
  sqlite3_stmt *stmt;
  gint64 channel_id, id;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  if (!siyu_sync_platform_is_valid (platform))
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                   _("“%s” is not a platform Siyu syncs with (shopify, woocommerce or youzan)."),
                   platform != NULL ? platform : "");
      return -1;
    }
  if (siyu_text_is_blank (name))
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                           _("An account needs a name."));
      return -1;
    }
  if (siyu_text_is_blank (shop_url))
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                           _("An account needs the shop’s web address, or its shop id for Youzan."));
      return -1;
    }
  url = normalize_shop_url (platform, shop_url);
  if (g_str_equal (platform, "youzan"))
    {
      for (const char *p = url; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          {
            g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                         _("“%s” is not a Youzan shop id (kdt_id, digits only)."), url);
            return -1;
          }
    }
  else if (!siyu_sync_url_is_allowed (url, error))
    return -1;

  db = siyu_shop_get_db (shop);
  ingest = siyu_ingest_new (shop);
  if (!siyu_db_begin (db, error))
    return -1;

  stmt = siyu_db_prepare (db, "SELECT 1 FROM sync_accounts WHERE name = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  sqlite3_reset (stmt);
  if (rc < 0)
    goto fail;
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                   _("There is already an account named “%s”."), name);
      goto fail;
    }

  channel_id = siyu_ingest_channel (ingest, "online_shop", name, platform, error);
  if (channel_id < 0)
    goto fail;

  stmt = siyu_db_prepare (db, "INSERT INTO sync_accounts (platform, name, shop_url, channel_id, created_at, secret_id) "
                              "VALUES (?, ?, ?, ?, ?, lower (hex (randomblob (16))))", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, platform, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, url, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, channel_id);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  if (!siyu_db_step_done (db, stmt, error))
    goto fail;
  id = siyu_db_last_insert_id (db);
  if (!siyu_db_commit (db, error))
    return -1;

  return id;

fail:
  siyu_db_rollback (db);
  return -1;
}

gboolean
siyu_sync_account_remove (SiyuShop    *shop,
                          const char  *name,
                          GError     **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "DELETE FROM sync_accounts WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (siyu_db_get_handle (db)) == 0)
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NOT_FOUND,
                   _("There is no account named “%s”."), name);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_sync_account_list:
 *
 * Returns: (transfer full): an array of objects: name, platform, shop_url,
 *   created_at, last_sync_at, last_result and cursors (resource → UTC
 *   seconds).  Never credentials: the shop file has none.
 */
JsonNode *
siyu_sync_account_list (SiyuShop  *shop,
                        GError   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db,
                          "SELECT a.name, a.platform, a.shop_url, a.created_at, a.last_sync_at, a.last_result, "
                          "  (SELECT json_group_object (resource, CAST (cursor AS INTEGER)) FROM sync_cursors "
                          "   WHERE account_id = a.id) "
                          "FROM sync_accounts a ORDER BY a.name",
                          error);
  if (stmt == NULL)
    return NULL;

  json_builder_begin_array (builder);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      const char *cursor_text = (const char *) sqlite3_column_text (stmt, 6);
      g_autoptr(JsonNode) cursors = cursor_text != NULL ? siyu_json_parse (cursor_text, -1, "cursors", NULL) : NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_set_member_name (builder, "platform");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (builder, "shop_url");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
      json_builder_set_member_name (builder, "last_sync_at");
      if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 4));
      json_builder_set_member_name (builder, "last_result");
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 5));
      json_builder_set_member_name (builder, "cursors");
      if (cursors != NULL && JSON_NODE_HOLDS_OBJECT (cursors))
        json_builder_add_value (builder, g_steal_pointer (&cursors));
      else
        {
          json_builder_begin_object (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

typedef struct {
  gint64  id;
  char   *platform;
  char   *shop_url;
  char   *secret_id;
  gint64  channel_id;
} AccountRow;

static void
account_row_clear (AccountRow *row)
{
  g_clear_pointer (&row->platform, g_free);
  g_clear_pointer (&row->shop_url, g_free);
  g_clear_pointer (&row->secret_id, g_free);
}

static gboolean
load_account (SiyuShop    *shop,
              const char  *name,
              AccountRow  *row,
              GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT id, platform, shop_url, channel_id, secret_id FROM sync_accounts WHERE name = ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      row->id = sqlite3_column_int64 (stmt, 0);
      row->platform = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->shop_url = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->channel_id = sqlite3_column_int64 (stmt, 3);
      row->secret_id = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NOT_FOUND,
                   _("There is no account named “%s”."), name);
      return FALSE;
    }

  return TRUE;
}

char *
siyu_sync_account_dup_platform (SiyuShop    *shop,
                                const char  *name,
                                GError     **error)
{
  AccountRow row = { 0, };
  char *platform;

  if (!load_account (shop, name, &row, error))
    return NULL;
  platform = g_steal_pointer (&row.platform);
  account_row_clear (&row);

  return platform;
}

/**
 * siyu_sync_account_dup_shop_url:
 *
 * Returns: (transfer full): the address of the account's shop (its shop id
 *   for Youzan), as the shop file says, or %NULL with @error set
 */
char *
siyu_sync_account_dup_shop_url (SiyuShop    *shop,
                                const char  *name,
                                GError     **error)
{
  AccountRow row = { 0, };
  char *shop_url;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  if (!load_account (shop, name, &row, error))
    return NULL;
  shop_url = g_steal_pointer (&row.shop_url);
  account_row_clear (&row);

  return shop_url;
}

/* Credentials */

SiyuSyncCredentials *
siyu_sync_credentials_new (const char *token,
                           const char *key,
                           const char *secret)
{
  SiyuSyncCredentials *self = g_new0 (SiyuSyncCredentials, 1);

  self->token = siyu_text_is_blank (token) ? NULL : g_strstrip (g_strdup (token));
  self->key = siyu_text_is_blank (key) ? NULL : g_strstrip (g_strdup (key));
  self->secret = siyu_text_is_blank (secret) ? NULL : g_strstrip (g_strdup (secret));

  return self;
}

static void
wipe (char *text)
{
  if (text != NULL)
    {
      memset (text, 0, strlen (text));
      g_free (text);
    }
}

void
siyu_sync_credentials_free (SiyuSyncCredentials *self)
{
  if (self == NULL)
    return;
  wipe (self->token);
  wipe (self->key);
  wipe (self->secret);
  g_free (self);
}

/**
 * siyu_sync_credentials_from_env:
 *
 * Reads SIYU_SYNC_TOKEN (Shopify) or SIYU_SYNC_KEY and SIYU_SYNC_SECRET
 * (WooCommerce consumer key and secret, Youzan client id and secret).
 *
 * Returns: (nullable): %NULL when none is set.
 */
SiyuSyncCredentials *
siyu_sync_credentials_from_env (void)
{
  const char *token = g_getenv (SIYU_SYNC_ENV_TOKEN);
  const char *key = g_getenv (SIYU_SYNC_ENV_KEY);
  const char *secret = g_getenv (SIYU_SYNC_ENV_SECRET);

  if (siyu_text_is_blank (token) && siyu_text_is_blank (key) && siyu_text_is_blank (secret))
    return NULL;

  return siyu_sync_credentials_new (token, key, secret);
}

/* "token=…", "key=…", "secret=…" lines; # starts a comment. */
static SiyuSyncCredentials *
parse_credentials (const char  *text,
                   GError     **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const char *token = NULL, *key = NULL, *secret = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;

      if (*line == '\0' || *line == '#')
        continue;
      eq = strchr (line, '=');
      if (eq == NULL)
        {
          g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                       _("Line %u of the credentials is not “name=value”."), i + 1);
          return NULL;
        }
      *eq = '\0';
      g_strstrip (line);
      if (g_str_equal (line, "token"))
        token = eq + 1;
      else if (g_str_equal (line, "key"))
        key = eq + 1;
      else if (g_str_equal (line, "secret"))
        secret = eq + 1;
      else
        {
          g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                       _("Line %u of the credentials names “%s”; only token, key and secret are known."),
                       i + 1, line);
          return NULL;
        }
    }

  return siyu_sync_credentials_new (token, key, secret);
}

static char *
format_credentials (const SiyuSyncCredentials *self)
{
  GString *out = g_string_new (NULL);

  if (self->token != NULL)
    g_string_append_printf (out, "token=%s\n", self->token);
  if (self->key != NULL)
    g_string_append_printf (out, "key=%s\n", self->key);
  if (self->secret != NULL)
    g_string_append_printf (out, "secret=%s\n", self->secret);

  return g_string_free (out, FALSE);
}

SiyuSyncCredentials *
siyu_sync_credentials_from_file (const char  *path,
                                 GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  SiyuSyncCredentials *credentials;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  credentials = parse_credentials (text, error);
  memset (text, 0, length);

  return credentials;
}

/* The keyring's attributes for an account of @shop, or %FALSE with @error
 * set.  A row without a secret id (written by hand) gets one. */
static GHashTable *
account_attributes (SiyuShop    *shop,
                    const char  *account,
                    AccountRow  *row,
                    GError     **error)
{
  GHashTable *attributes;

  if (!load_account (shop, account, row, error))
    return NULL;
  if (row->secret_id == NULL || *row->secret_id == '\0')
    {
      SiyuDb *db = siyu_shop_get_db (shop);
      sqlite3_stmt *stmt = siyu_db_prepare (db, "UPDATE sync_accounts SET secret_id = lower (hex (randomblob (16))) "
                                                "WHERE id = ? RETURNING secret_id", error);
      int rc;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, row->id);
      rc = siyu_db_step (db, stmt, error);
      if (rc == SQLITE_ROW)
        {
          g_free (row->secret_id);
          row->secret_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return NULL;
    }

  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) "platform", row->platform);
  g_hash_table_insert (attributes, (gpointer) "shop_url", row->shop_url);
  g_hash_table_insert (attributes, (gpointer) "secret_id", row->secret_id);

  return attributes;
}

static GHashTable *
legacy_attributes (const char *account,
                   const char *platform)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "account", (gpointer) account);
  g_hash_table_insert (attributes, (gpointer) "platform", (gpointer) platform);

  return attributes;
}

/* Returns the secret text, %NULL when there is none (error unset) or on
 * error. */
static char *
keyring_lookup (const SecretSchema  *schema,
                GHashTable          *attributes,
                GCancellable        *cancellable,
                GError             **error)
{
  GError *local_error = NULL;
  char *text = keyring->lookup (schema, attributes, cancellable, &local_error);

  if (local_error != NULL)
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                   _("The keyring could not be read: %s"), local_error->message);
      g_error_free (local_error);
      if (text != NULL)
        wipe (text);
      return NULL;
    }

  return text;
}

static char *
where (const char *platform,
       const char *shop_url)
{
  if (g_strcmp0 (platform, "youzan") == 0)
    /* Translators: a Youzan shop, by its id (kdt_id). */
    return g_strdup_printf (_("the Youzan shop %s"), shop_url);
  return g_strdup (shop_url);
}

/**
 * siyu_sync_credentials_lookup:
 *
 * Finds the credentials the system keyring holds for an account: those
 * stored for its platform, its shop's address and its shop file's random
 * id, so that another shop file with an account of the same name gets
 * nothing.  Credentials an earlier Siyu stored by the account's name alone
 * are not used before the owner confirms the address they belong to
 * (siyu_sync_credentials_confirm()): %SIYU_SYNC_ERROR_UNCONFIRMED.
 */
SiyuSyncCredentials *
siyu_sync_credentials_lookup (SiyuShop      *shop,
                              const char    *account,
                              GCancellable  *cancellable,
                              GError       **error)
{
  AccountRow row = { 0, };
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GHashTable) legacy = NULL;
  g_autofree char *place = NULL;
  SiyuSyncCredentials *credentials = NULL;
  GError *local_error = NULL;
  char *text;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  attributes = account_attributes (shop, account, &row, error);
  if (attributes == NULL)
    goto out;
  text = keyring_lookup (secret_schema (), attributes, cancellable, &local_error);
  if (text != NULL)
    {
      credentials = parse_credentials (text, error);
      wipe (text);
      goto out;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      goto out;
    }

  place = where (row.platform, row.shop_url);
  legacy = legacy_attributes (account, row.platform);
  text = keyring_lookup (legacy_schema (), legacy, cancellable, &local_error);
  if (text != NULL)
    {
      wipe (text);
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_UNCONFIRMED,
                   /* Translators: an account's name, then its shop's address. */
                   _("The keyring holds credentials that an earlier Siyu saved for an account named “%s”, without "
                     "its shop’s address. They are used only once you confirm that they belong to %s."),
                   account, place);
    }
  else if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                 /* Translators: a shop's address, then an account's name. */
                 _("The keyring holds no credentials for %s (the account “%s”)."), place, account);

out:
  account_row_clear (&row);
  return credentials;
}

static gboolean
store_row (const AccountRow          *row,
           GHashTable                *attributes,
           const char                *account,
           const SiyuSyncCredentials *credentials,
           GCancellable              *cancellable,
           GError                   **error)
{
  g_autofree char *place = where (row->platform, row->shop_url);
  /* Translators: what the keyring shows: a shop's address, then the account's name. */
  g_autofree char *label = g_strdup_printf (_("Siyu: %s (account “%s”)"), place, account);
  char *text = format_credentials (credentials);
  GError *local_error = NULL;
  gboolean ok;

  ok = keyring->store (secret_schema (), attributes, label, text, cancellable, &local_error);
  wipe (text);
  if (!ok)
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                   _("The keyring could not store the credentials: %s"),
                   local_error != NULL ? local_error->message : "");
      g_clear_error (&local_error);
    }

  return ok;
}

/**
 * siyu_sync_credentials_store:
 *
 * Stores an account's credentials in the system keyring, tied to its
 * platform, its shop's address and its shop file's random id.
 */
gboolean
siyu_sync_credentials_store (SiyuShop                  *shop,
                             const SiyuSyncCredentials *credentials,
                             const char                *account,
                             GCancellable              *cancellable,
                             GError                   **error)
{
  AccountRow row = { 0, };
  g_autoptr(GHashTable) attributes = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);

  attributes = account_attributes (shop, account, &row, error);
  if (attributes != NULL)
    ok = store_row (&row, attributes, account, credentials, cancellable, error);
  account_row_clear (&row);

  return ok;
}

/**
 * siyu_sync_credentials_clear:
 *
 * Deletes an account's credentials from the system keyring; call it before
 * siyu_sync_account_remove().  Credentials an earlier Siyu stored by name
 * alone are left: nothing proves they are this shop's.
 */
gboolean
siyu_sync_credentials_clear (SiyuShop      *shop,
                             const char    *account,
                             GCancellable  *cancellable,
                             GError       **error)
{
  AccountRow row = { 0, };
  g_autoptr(GHashTable) attributes = NULL;
  GError *local_error = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  attributes = account_attributes (shop, account, &row, error);
  if (attributes != NULL)
    {
      ok = keyring->clear (secret_schema (), attributes, cancellable, &local_error);
      if (!ok)
        {
          g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                       _("The keyring could not be changed: %s"), local_error != NULL ? local_error->message : "");
          g_clear_error (&local_error);
        }
    }
  account_row_clear (&row);

  return ok;
}

/**
 * siyu_sync_credentials_confirm:
 * @shop_url: the address the owner says the credentials belong to, as they
 *   typed it (or confirmed it on screen)
 *
 * Ties the credentials an earlier Siyu stored for an account's name to the
 * account's shop, when @shop_url is the address the account points at; the
 * entry without an address is then deleted.  A shop file made elsewhere,
 * whose account of the same name points at another address, is refused.
 */
gboolean
siyu_sync_credentials_confirm (SiyuShop      *shop,
                               const char    *account,
                               const char    *shop_url,
                               GCancellable  *cancellable,
                               GError       **error)
{
  AccountRow row = { 0, };
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GHashTable) legacy = NULL;
  g_autoptr(SiyuSyncCredentials) credentials = NULL;
  g_autofree char *typed = NULL;
  GError *local_error = NULL;
  gboolean ok = FALSE;
  char *text;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (shop_url != NULL, FALSE);

  attributes = account_attributes (shop, account, &row, error);
  if (attributes == NULL)
    goto out;
  typed = normalize_shop_url (row.platform, shop_url);
  if (g_ascii_strcasecmp (typed, row.shop_url) != 0)
    {
      g_autofree char *points = where (row.platform, row.shop_url);
      g_autofree char *said = where (row.platform, typed);

      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                   /* Translators: an account's name, the address it points at, then the one the owner gave. */
                   _("The account “%s” points at %s, not at %s; the credentials in the keyring were left as they "
                     "are."), account, points, said);
      goto out;
    }

  legacy = legacy_attributes (account, row.platform);
  text = keyring_lookup (legacy_schema (), legacy, cancellable, &local_error);
  if (text == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                     _("The keyring holds no credentials that an earlier Siyu saved for an account named “%s”."),
                     account);
      goto out;
    }
  credentials = parse_credentials (text, error);
  wipe (text);
  if (credentials == NULL || !store_row (&row, attributes, account, credentials, cancellable, error))
    goto out;
  if (!keyring->clear (legacy_schema (), legacy, cancellable, &local_error))
    {
      /* The credentials are tied to the shop already; the old entry is
       * only left behind. */
      g_debug ("The keyring entry without an address was kept: %s",
               local_error != NULL ? local_error->message : "");
      g_clear_error (&local_error);
    }
  ok = TRUE;

out:
  account_row_clear (&row);
  return ok;
}

gboolean
siyu_sync_credentials_check (const SiyuSyncCredentials *credentials,
                             const char                *platform,
                             GError                   **error)
{
  if (credentials != NULL && g_str_equal (platform, "shopify") && credentials->token != NULL)
    return TRUE;
  if (credentials != NULL && !g_str_equal (platform, "shopify") &&
      credentials->key != NULL && credentials->secret != NULL)
    return TRUE;

  if (g_str_equal (platform, "shopify"))
    g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                         _("A Shopify account needs an Admin API access token."));
  else if (g_str_equal (platform, "woocommerce"))
    g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                         _("A WooCommerce account needs a consumer key and a consumer secret."));
  else
    g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                         _("A Youzan account needs a client id and a client secret."));
  return FALSE;
}

/* Requests */

static char *
url_path (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL ? g_uri_get_path (uri) : "?");
}

void
_siyu_sync_fail (SiyuSyncJob  *job,
                 GError      **error,
                 int           code,
                 const char   *url,
                 const char   *format,
                 ...)
{
  g_autofree char *message = NULL;
  g_autofree char *path = url != NULL ? url_path (url) : NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (path != NULL)
    /* Translators: the platform (Shopify), the account's name, the path asked for, and what went wrong. */
    g_set_error (error, SIYU_SYNC_ERROR, code, _("%s account “%s”, %s: %s"),
                 job->connector->display_name, job->account, path, message);
  else
    /* Translators: the platform (Shopify), the account's name, and what went wrong. */
    g_set_error (error, SIYU_SYNC_ERROR, code, _("%s account “%s”: %s"),
                 job->connector->display_name, job->account, message);
}

gboolean
_siyu_sync_wait (SiyuSyncJob  *job,
                 gint64        ms,
                 GError      **error)
{
  gint64 scaled = (gint64) ((double) ms * job->options.delay_scale);
  GPollFD pfd;

  if (scaled > 0)
    {
      if (job->cancellable != NULL && g_cancellable_make_pollfd (job->cancellable, &pfd))
        {
          g_poll (&pfd, 1, (int) MIN (scaled, G_MAXINT));
          g_cancellable_release_fd (job->cancellable);
        }
      else
        g_usleep ((gulong) scaled * 1000);
    }

  return !g_cancellable_set_error_if_cancelled (job->cancellable, error);
}

/* Shopify's call limit: "32/40", used and bucket size; the bucket leaks
 * two calls a second.  Waits until one more call fits. */
static gboolean
wait_for_bucket (SiyuSyncJob  *job,
                 GError      **error)
{
  double level, over;
  gint64 now = g_get_monotonic_time ();

  if (job->bucket_size <= 0)
    return TRUE;
  level = MAX (0.0, job->bucket_used - (double) (now - job->bucket_at_us) / G_USEC_PER_SEC * 2.0);
  over = level + 1.0 - job->bucket_size;
  if (over <= 0)
    return TRUE;

  job->counts->rate_limit_waits++;
  if (!_siyu_sync_wait (job, (gint64) (over / 2.0 * 1000.0 + 0.5), error))
    return FALSE;
  /* After the wait the bucket is as full as the answer said, less what
   * leaked meanwhile; scaled waits in tests leak nothing. */
  job->bucket_used = job->bucket_size - 1.0;
  job->bucket_at_us = g_get_monotonic_time ();

  return TRUE;
}

static void
note_call_limit (SiyuSyncJob        *job,
                 SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "X-Shopify-Shop-Api-Call-Limit");
  guint64 used, size;
  char *end;

  if (value == NULL)
    return;
  used = g_ascii_strtoull (value, &end, 10);
  if (*end != '/')
    return;
  size = g_ascii_strtoull (end + 1, NULL, 10);
  if (size == 0 || size > 100000)
    return;
  job->bucket_used = (double) used;
  job->bucket_size = (double) size;
  job->bucket_at_us = g_get_monotonic_time ();
}

/* The platform's own words about an error: WooCommerce's {"code","message"},
 * Shopify's {"errors": string, list or object}. */
static char *
platform_error (GBytes *body)
{
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  g_autoptr(JsonNode) root = data != NULL && size > 0 ? siyu_json_parse (data, (gssize) size, "answer", NULL) : NULL;
  JsonObject *object;
  JsonNode *errors;
  g_autofree char *text = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (json_object_has_member (object, "code") && json_object_has_member (object, "message"))
    {
      JsonNode *code = json_object_get_member (object, "code");
      JsonNode *message = json_object_get_member (object, "message");

      if (JSON_NODE_HOLDS_VALUE (code) && JSON_NODE_HOLDS_VALUE (message))
        {
          g_autofree char *code_text = json_node_get_value_type (code) == G_TYPE_STRING
                                       ? g_strdup (json_node_get_string (code))
                                       : g_strdup_printf ("%lld", (long long) json_node_get_int (code));
          return g_strdup_printf ("%s (%s)", json_node_get_string (message) != NULL ? json_node_get_string (message) : "",
                                  code_text);
        }
    }
  errors = json_object_get_member (object, "errors");
  if (errors == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (errors) && json_node_get_value_type (errors) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (errors));
  else
    text = siyu_json_to_string (errors, FALSE);
  if (g_utf8_strlen (text, -1) > 200)
    {
      char *cut = g_utf8_offset_to_pointer (text, 200);
      *cut = '\0';
    }

  return g_steal_pointer (&text);
}

/* scheme://host[:port], and the path with @with_path: never the query
 * or the user information, which may carry secrets. */
static char *
url_origin (const char *url,
            gboolean    with_path)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *text = NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup ("?");
  text = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                     with_path ? g_uri_get_path (uri) : "", NULL, NULL);

  return siyu_text_clip (text, SIYU_TEXT_QUOTE_CHARS);
}

/* Where a Location header points, resolved against the URL asked for. */
static char *
redirect_target (const char *url,
                 const char *location)
{
  g_autoptr(GUri) base = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) target = base != NULL ? g_uri_parse_relative (base, location, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *text = target != NULL ? g_uri_to_string (target) : NULL;

  return text != NULL ? url_origin (text, TRUE) : siyu_text_clip (location, SIYU_TEXT_QUOTE_CHARS);
}

static gboolean
same_host (const char *a,
           const char *b)
{
  g_autoptr(GUri) ua = g_uri_parse (a, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) ub = g_uri_parse (b, G_URI_FLAGS_NONE, NULL);

  return ua != NULL && ub != NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (ua), g_uri_get_scheme (ub)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (ua), g_uri_get_host (ub)) == 0 &&
         g_uri_get_port (ua) == g_uri_get_port (ub);
}

JsonNode *
_siyu_sync_request (SiyuSyncJob         *job,
                    const char          *method,
                    const char          *url,
                    const char          *json_body,
                    SoupMessageHeaders **headers_out,
                    GError             **error)
{
  guint attempt;

  /* A retry of rejects asks no platform. */
  if (job->session == NULL)
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NETWORK,
                           _("this record needs the platform’s answer: the next sync stores it."));
      return NULL;
    }

  /* Credentials go only to the account's own host, and only over https. */
  if (!same_host (url, job->base_url))
    {
      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_INSECURE, url,
                       _("the platform pointed to another host; nothing was sent there."));
      return NULL;
    }
  {
    GError *local_error = NULL;

    if (!siyu_sync_url_is_allowed (url, &local_error))
      {
        _siyu_sync_fail (job, error, local_error->code, url, "%s", local_error->message);
        g_error_free (local_error);
        return NULL;
      }
  }

  for (attempt = 1; ; attempt++)
    {
      g_autoptr(SoupMessage) message = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *sent_url = NULL;
      gboolean last = attempt >= job->options.max_attempts;
      SoupMessageHeaders *headers;
      const char *data;
      gsize size;
      guint status;

      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        return NULL;
      if (!wait_for_bucket (job, error))
        return NULL;

      message = soup_message_new (method, url);
      if (message == NULL)
        {
          _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_INVALID, url, _("the address is not valid."));
          return NULL;
        }
      /* A redirect would carry the credentials to wherever it points
       * (a header, or Youzan's query): none is followed. */
      soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
      sent_url = job->connector->authorize (job, message, url);
      if (sent_url != NULL)
        {
          g_autoptr(GUri) uri = g_uri_parse (sent_url, G_URI_FLAGS_ENCODED, NULL);

          g_assert (uri != NULL);
          soup_message_set_uri (message, uri);
          /* The query is not kept: it carries the token. */
          memset (sent_url, 0, strlen (sent_url));
        }
      soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
      if (json_body != NULL)
        {
          g_autoptr(GBytes) request = g_bytes_new (json_body, strlen (json_body));
          soup_message_set_request_body_from_bytes (message, "application/json", request);
        }

      body = soup_session_send_and_read (job->session, message, job->cancellable, &local_error);
      if (body == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            {
              _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_TIMEOUT, url,
                               _("no answer within %u seconds."), job->options.timeout_seconds);
              return NULL;
            }
          if (g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
              g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE) ||
              g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS) ||
              soup_message_get_tls_peer_certificate_errors (message) != 0)
            {
              _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_INSECURE, url,
                               _("the server’s certificate could not be verified (%s)."), local_error->message);
              return NULL;
            }
          if (last)
            {
              _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_NETWORK, url, "%s", local_error->message);
              return NULL;
            }
          job->counts->retries++;
          if (!_siyu_sync_wait (job, siyu_http_backoff_ms (attempt, job->options.backoff_base_ms,
                                                           job->options.backoff_cap_ms, job->rand), error))
            return NULL;
          continue;
        }

      status = soup_message_get_status (message);
      headers = soup_message_get_response_headers (message);
      note_call_limit (job, headers);

      if (status == 429)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          gint64 wait = siyu_http_retry_after_ms (soup_message_headers_get_one (headers, "Retry-After"), now);

          if (last)
            {
              _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_RATE_LIMITED, url,
                               _("HTTP %u: still over the rate limit after %u tries."), status, attempt);
              return NULL;
            }
          if (wait < 0)
            wait = siyu_http_backoff_ms (attempt, job->options.backoff_base_ms, job->options.backoff_cap_ms, job->rand);
          job->counts->rate_limit_waits++;
          /* Retry-After may say 0; one call later the bucket has room. */
          if (!_siyu_sync_wait (job, MAX (wait, 1), error))
            return NULL;
          continue;
        }
      if (status >= 500 || status == SOUP_STATUS_NONE)
        {
          if (last)
            {
              g_autofree char *said = platform_error (body);

              _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_HTTP, url,
                               said != NULL ? _("HTTP %u after %u tries: %s") : _("HTTP %u after %u tries."),
                               status, attempt, said);
              return NULL;
            }
          job->counts->retries++;
          if (!_siyu_sync_wait (job, siyu_http_backoff_ms (attempt, job->options.backoff_base_ms,
                                                           job->options.backoff_cap_ms, job->rand), error))
            return NULL;
          continue;
        }
      if (SOUP_STATUS_IS_REDIRECTION (status) &&
          soup_message_headers_get_one (headers, "Location") != NULL)
        {
          g_autofree char *from = url_origin (url, FALSE);
          g_autofree char *to = redirect_target (url, soup_message_headers_get_one (headers, "Location"));

          if (g_str_equal (job->connector->platform, "woocommerce"))
            /* Translators: the host asked, then where it pointed (scheme, host and path, without the query). */
            _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_INSECURE, url,
                             _("%s answered with a redirect to %s; Siyu does not follow it, so the consumer key and "
                               "secret are not sent there."), from, to);
          else
            /* Translators: the host asked, then where it pointed (scheme, host and path, without the query). */
            _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_INSECURE, url,
                             _("%s answered with a redirect to %s; Siyu does not follow it, so the access token "
                               "is not sent there."), from, to);
          return NULL;
        }
      if (status < 200 || status >= 300)
        {
          g_autofree char *said = platform_error (body);
          int code = status == 401 || status == 403 ? SIYU_SYNC_ERROR_AUTH : SIYU_SYNC_ERROR_HTTP;

          if (said != NULL)
            _siyu_sync_fail (job, error, code, url, _("HTTP %u: %s"), status, said);
          else
            _siyu_sync_fail (job, error, code, url, _("HTTP %u."), status);
          return NULL;
        }

      data = g_bytes_get_data (body, &size);
      if (data != NULL && size > 0 && siyu_json_depth (data, size) > SIYU_JSON_MAX_DEPTH)
        {
          /* Not a host's error page: a document made to overflow the
           * parser, which asking again will not change. */
          g_autofree char *where = url_origin (url, TRUE);

          _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url,
                           /* Translators: the address asked (without its query), then 64. */
                           _("the answer of %s is nested more than %d levels deep; Siyu does not read it."),
                           where, SIYU_JSON_MAX_DEPTH);
          return NULL;
        }
      root = data != NULL && size > 0 ? siyu_json_parse (data, (gssize) size, "answer", NULL) : NULL;
      if (root == NULL)
        {
          /* Hosts and firewalls answer with HTML error pages now and then. */
          if (last)
            {
              _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url,
                               _("HTTP %u, but the answer is not JSON (after %u tries)."), status, attempt);
              return NULL;
            }
          job->counts->retries++;
          if (!_siyu_sync_wait (job, siyu_http_backoff_ms (attempt, job->options.backoff_base_ms,
                                                           job->options.backoff_cap_ms, job->rand), error))
            return NULL;
          continue;
        }

      if (headers_out != NULL)
        *headers_out = soup_message_headers_ref (headers);

      return g_steal_pointer (&root);
    }
}

/* Pages */

static gboolean
write_cursor (SiyuSyncJob  *job,
              GError      **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *text = NULL;

  if (job->max_seen <= 0)
    return TRUE;

  text = g_strdup_printf ("%" G_GINT64_FORMAT, job->max_seen);
  stmt = siyu_db_prepare (job->db,
                          "INSERT INTO sync_cursors (account_id, resource, cursor, updated_at) VALUES (?1, ?2, ?3, ?4) "
                          "ON CONFLICT (account_id, resource) DO UPDATE SET "
                          "  cursor = CASE WHEN CAST (excluded.cursor AS INTEGER) > CAST (cursor AS INTEGER) "
                          "                THEN excluded.cursor ELSE cursor END, "
                          "  updated_at = excluded.updated_at",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->account_id);
  sqlite3_bind_text (stmt, 2, job->resource, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());

  return siyu_db_step_done (job->db, stmt, error);
}

gboolean
_siyu_sync_page_begin (SiyuSyncJob  *job,
                       GError      **error)
{
  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;

  return siyu_db_begin (job->db, error);
}

void
_siyu_sync_page_abort (SiyuSyncJob *job)
{
  if (siyu_db_in_transaction (job->db))
    siyu_db_rollback (job->db);
}

gboolean
_siyu_sync_page_commit (SiyuSyncJob  *job,
                        guint         n_records,
                        gboolean      last,
                        GError      **error)
{
  SiyuSyncProgress progress = { 0, };

  if (last && !write_cursor (job, error))
    {
      _siyu_sync_page_abort (job);
      return FALSE;
    }
  if (!siyu_db_commit (job->db, error))
    return FALSE;

  job->resource_counts->pages++;
  job->resource_counts->records += n_records;

  if (job->progress != NULL)
    {
      progress.resource = job->resource;
      progress.pages = job->resource_counts->pages;
      progress.records = job->resource_counts->records;
      progress.total_records = job->total;
      progress.eta_seconds = -1;
      if (job->total > 0 && progress.records > 0)
        {
          double elapsed = (double) (g_get_monotonic_time () - job->started_us) / G_USEC_PER_SEC;
          gint64 left = MAX (0, job->total - (gint64) progress.records);

          progress.eta_seconds = (gint64) (elapsed / progress.records * (double) left + 0.5);
        }
      job->progress (&progress, job->progress_data);
    }

  return TRUE;
}

/* Whether an error is the record's own (its shape, its identity), which
 * keeps the record among the rejects, rather than the transport's, the
 * platform's or the database's, which stops the sync.  Offline (a retry),
 * only the database stops it. */
gboolean
_siyu_sync_is_record_error (SiyuSyncJob  *job,
                            const GError *error)
{
  if (error->domain == SIYU_DB_ERROR)
    return error->code == SIYU_DB_ERROR_CONSTRAINT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || job->repeated)
    return FALSE;
  if (job->session == NULL)
    return TRUE;
  if (error->domain == SIYU_SYNC_ERROR)
    return error->code == SIYU_SYNC_ERROR_MALFORMED;

  return error->domain == SIYU_INGEST_ERROR || error->domain == SIYU_PHONE_ERROR ||
         error->domain == SIYU_JSON_ERROR;
}

/* A record without an id of its own is known by its content. */
static char *
anonymous_id (const char *raw)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, raw, -1);

  return g_strdup_printf ("?%.12s", sum);
}

#define MAX_REJECT_BYTES (4 * 1024 * 1024)

static gboolean
keep_reject (SiyuSyncJob  *job,
             const char   *platform_id,
             const char   *raw,
             const char   *reason,
             gint64        order_id,
             GError      **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *clipped = siyu_text_clip (reason, 500);

  stmt = siyu_db_prepare (job->db,
                          "INSERT INTO sync_rejects (account_id, resource, platform_id, reason, raw, order_id, "
                          "  created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
                          "ON CONFLICT (account_id, resource, platform_id) DO UPDATE SET reason = excluded.reason, "
                          "  raw = excluded.raw, order_id = excluded.order_id, updated_at = excluded.updated_at",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->account_id);
  sqlite3_bind_text (stmt, 2, job->resource, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, platform_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, clipped, -1, SQLITE_STATIC);
  /* A record too large to keep is kept by its id and reason. */
  sqlite3_bind_text (stmt, 5, strlen (raw) <= MAX_REJECT_BYTES ? raw : "null", -1, SQLITE_STATIC);
  if (order_id > 0)
    sqlite3_bind_int64 (stmt, 6, order_id);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_int64 (stmt, 7, now_seconds ());
  if (!siyu_db_step_done (job->db, stmt, error))
    return FALSE;
  job->counts->rejected++;

  return TRUE;
}

static gboolean
forget_reject (SiyuSyncJob  *job,
               const char   *platform_id,
               GError      **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (job->db, "DELETE FROM sync_rejects WHERE account_id = ? AND resource = ? "
                                                 "AND platform_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->account_id);
  sqlite3_bind_text (stmt, 2, job->resource, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, platform_id, -1, SQLITE_STATIC);

  return siyu_db_step_done (job->db, stmt, error);
}

/* SAVEPOINT, RELEASE and ROLLBACK TO, prepared once per shop. */
static gboolean
savepoint (SiyuSyncJob  *job,
           const char   *sql,
           GError      **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (job->db, sql, error);

  return stmt != NULL && siyu_db_step_done (job->db, stmt, error);
}

/* Stores one record inside a savepoint: stored whole, or not at all and
 * kept among the rejects, the rest of the page going on.  Only an error
 * that is not the record's own stops the page. */
static gboolean
store_record (SiyuSyncJob  *job,
              JsonNode     *node,
              GError      **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autofree char *id = object != NULL ? job->connector->record_id (job->resource, object) : NULL;
  g_autofree char *raw = NULL;
  g_autoptr(GError) local_error = NULL;
  SiyuSyncCounts before = *job->counts;
  SiyuIngestCounts ingest_before = *siyu_ingest_get_counts (job->ingest);
  const SiyuIngestCounts *ingest;

  g_clear_error (&job->record_problem);
  job->record_order_id = 0;
  if (!savepoint (job, "SAVEPOINT siyu_record", error))
    return FALSE;
  if (object == NULL)
    local_error = g_error_new_literal (SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED, _("the record is not an object."));
  else if (!job->connector->store (job, job->resource, object, &local_error) && local_error == NULL)
    local_error = g_error_new_literal (SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED, _("the record was not stored."));

  if (local_error == NULL)
    {
      if (!savepoint (job, "RELEASE siyu_record", error))
        return FALSE;
      ingest = siyu_ingest_get_counts (job->ingest);
      job->counts->contacts_created += ingest->contacts_created - ingest_before.contacts_created;
      job->counts->refunds_created += ingest->refunds_created - ingest_before.refunds_created;
      job->counts->possible_duplicates += ingest->possible_duplicates - ingest_before.possible_duplicates;
      job->counts->phones_as_written += ingest->phones_as_written - ingest_before.phones_as_written;
      job->counts->erased_kept += ingest->erased_kept - ingest_before.erased_kept;
      if (id == NULL)
        return TRUE;
      if (job->record_problem == NULL)
        return forget_reject (job, id, error);
      raw = siyu_json_to_string (node, FALSE);
      return keep_reject (job, id, raw, job->record_problem->message, job->record_order_id, error);
    }

  if (!savepoint (job, "ROLLBACK TO siyu_record", error) || !savepoint (job, "RELEASE siyu_record", error))
    return FALSE;
  siyu_ingest_forget_products (job->ingest);
  *job->counts = before;
  if (!_siyu_sync_is_record_error (job, local_error))
    {
      _siyu_sync_bad_record (job, error, id, local_error);
      return FALSE;
    }
  raw = siyu_json_to_string (node, FALSE);
  if (id == NULL)
    id = anonymous_id (raw);
  g_debug ("%s record %s kept among the rejects: %s", job->resource, id, local_error->message);

  return keep_reject (job, id, raw, local_error->message, 0, error);
}

/**
 * _siyu_sync_store_page:
 * @records: (nullable): the page's records; %NULL: none (a last, empty page)
 * @last: whether this is the walk's last page, whose transaction moves the
 *   cursor
 *
 * Stores a page in one transaction.  A record that cannot be stored is
 * kept among the rejects and the rest of the page is stored.
 */
gboolean
_siyu_sync_store_page (SiyuSyncJob  *job,
                       JsonArray    *records,
                       gboolean      last,
                       GError      **error)
{
  guint n = records != NULL ? json_array_get_length (records) : 0;
  SiyuSyncCounts before = *job->counts;

  if (!_siyu_sync_page_begin (job, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!store_record (job, json_array_get_element (records, i), error))
      {
        /* Nothing of the page was kept: nor are its counts. */
        _siyu_sync_page_abort (job);
        *job->counts = before;
        return FALSE;
      }

  return _siyu_sync_page_commit (job, n, last, error);
}

/**
 * _siyu_sync_keep_reject:
 * @order_id: the order stored anonymously, or 0
 *
 * Says that the record being stored was stored only in part (its order,
 * without its customer): it stays among the rejects with @cause.
 */
void
_siyu_sync_keep_reject (SiyuSyncJob  *job,
                        gint64        order_id,
                        const GError *cause)
{
  g_clear_error (&job->record_problem);
  job->record_problem = g_error_copy (cause);
  job->record_order_id = order_id;
}

/**
 * _siyu_sync_encrypted:
 *
 * Keeps a value the platform sent encrypted, as it came, with the record
 * it belongs to; it is never stored as a name, phone or address.
 */
gboolean
_siyu_sync_encrypted (SiyuSyncJob  *job,
                      const char   *platform_id,
                      const char   *field,
                      const char   *ciphertext,
                      gint64        contact_id,
                      gint64        order_id,
                      GError      **error)
{
  sqlite3_stmt *stmt;

  stmt = siyu_db_prepare (job->db,
                          "INSERT INTO sync_encrypted (account_id, resource, platform_id, field, ciphertext, contact_id, "
                          "  order_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                          "ON CONFLICT (account_id, resource, platform_id, field) DO UPDATE SET "
                          "  ciphertext = excluded.ciphertext, contact_id = coalesce (excluded.contact_id, contact_id), "
                          "  order_id = coalesce (excluded.order_id, order_id)",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->account_id);
  sqlite3_bind_text (stmt, 2, job->resource, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, platform_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ciphertext, -1, SQLITE_STATIC);
  if (contact_id > 0)
    sqlite3_bind_int64 (stmt, 6, contact_id);
  else
    sqlite3_bind_null (stmt, 6);
  if (order_id > 0)
    sqlite3_bind_int64 (stmt, 7, order_id);
  else
    sqlite3_bind_null (stmt, 7);
  sqlite3_bind_int64 (stmt, 8, now_seconds ());
  if (!siyu_db_step_done (job->db, stmt, error))
    return FALSE;
  job->counts->encrypted++;

  return TRUE;
}

void
_siyu_sync_saw (SiyuSyncJob *job,
                gint64       updated_at)
{
  job->max_seen = MAX (job->max_seen, updated_at);
}

/* A page read twice, or one read in the place of another, shows as a
 * record read twice in a walk that cannot overlap: the page it replaced
 * may never be read, so the walk stops before its cursor moves.  *first
 * says whether this walk reads the record for the first time. */
static gboolean
check_walked (SiyuSyncJob  *job,
              const char   *id,
              gboolean     *first,
              GError      **error)
{
  *first = id == NULL || job->walked == NULL || g_hash_table_add (job->walked, g_strdup (id));
  if (*first || job->connector->pages_overlap)
    return TRUE;
  job->repeated = TRUE;
  g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                       _("the platform sent it twice in one walk: a page was repeated, and another may have been "
                         "left out. The pages before were stored; the next sync reads the rest again."));
  return FALSE;
}

gboolean
_siyu_sync_ingest_contact (SiyuSyncJob             *job,
                           const SiyuContactRecord *record,
                           gint64                  *contact_id,
                           GError                 **error)
{
  SiyuOutcome outcome = SIYU_OUTCOME_UNCHANGED;
  gboolean first;
  gint64 id;

  if (g_strcmp0 (job->resource, "customers") == 0 && !check_walked (job, record->platform_id, &first, error))
    return FALSE;
  id = siyu_ingest_contact (job->ingest, record, &outcome, error);
  if (id < 0)
    return FALSE;
  if (g_strcmp0 (job->resource, "customers") == 0)
    {
      if (outcome == SIYU_OUTCOME_CREATED)
        job->resource_counts->created++;
      else
        job->resource_counts->unchanged++;
    }
  *contact_id = id;

  return TRUE;
}

gboolean
_siyu_sync_ingest_order (SiyuSyncJob           *job,
                         const SiyuOrderRecord *record,
                         gint64                *order_id,
                         GError               **error)
{
  SiyuOutcome outcome = SIYU_OUTCOME_UNCHANGED;
  gboolean first;
  gint64 id;

  if (!check_walked (job, record->external_ref, &first, error))
    return FALSE;
  id = siyu_ingest_order (job->ingest, record, &outcome, error);
  if (id < 0)
    return FALSE;
  if (first && g_strcmp0 (record->currency, job->currency) != 0)
    job->counts->foreign_currency++;
  switch (outcome)
    {
    case SIYU_OUTCOME_CREATED:
      job->resource_counts->created++;
      break;
    case SIYU_OUTCOME_UPDATED:
      job->resource_counts->updated++;
      break;
    case SIYU_OUTCOME_MATCHED:
    case SIYU_OUTCOME_UNCHANGED:
    default:
      job->resource_counts->unchanged++;
      break;
    }
  *order_id = id;

  return TRUE;
}

void
_siyu_sync_bad_record (SiyuSyncJob   *job,
                       GError       **error,
                       const char    *id,
                       const GError  *cause)
{
  /* Translators: a resource (orders, customers), the platform's id of the record, and what is wrong. */
  _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, NULL, _("%s record %s: %s"),
                   job->resource, id != NULL ? id : "?", cause->message);
}

/* The engine */

static gint64
read_cursor (SiyuSyncJob  *job,
             const char   *resource,
             GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 cursor = 0;
  int rc;

  stmt = siyu_db_prepare (job->db, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors "
                                   "WHERE account_id = ? AND resource = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, job->account_id);
  sqlite3_bind_text (stmt, 2, resource, -1, SQLITE_STATIC);
  rc = siyu_db_step (job->db, stmt, error);
  if (rc == SQLITE_ROW)
    cursor = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return rc < 0 ? -1 : cursor;
}

static void
job_clear (SiyuSyncJob *job)
{
  g_clear_object (&job->ingest);
  g_clear_object (&job->session);
  g_clear_pointer (&job->walked, g_hash_table_unref);
  g_clear_pointer (&job->rand, g_rand_free);
  g_clear_pointer (&job->account, g_free);
  g_clear_pointer (&job->base_url, g_free);
  g_clear_pointer (&job->shop_id, g_free);
  g_clear_error (&job->record_problem);
  if (job->token != NULL)
    wipe (g_steal_pointer (&job->token));
}

/* What a job needs to store records, without asking the platform. */
static gboolean
job_init_offline (SiyuSyncJob     *job,
                  SiyuShop        *shop,
                  const char      *account,
                  SiyuSyncCounts  *counts,
                  char           **platform,
                  char           **shop_url,
                  GError         **error)
{
  AccountRow row = { 0, };

  memset (job, 0, sizeof *job);
  if (!load_account (shop, account, &row, error))
    return FALSE;
  job->connector = connector_for (row.platform);
  job->shop = shop;
  job->db = siyu_shop_get_db (shop);
  job->account = g_strdup (account);
  job->account_id = row.id;
  job->channel_id = row.channel_id;
  job->shop_id = g_strdup (row.shop_url);
  job->counts = counts;
  job->currency = siyu_shop_get_currency (shop);
  job->digits = siyu_currency_digits (job->currency);
  job->total = -1;
  job->ingest = siyu_ingest_new (shop);
  *platform = g_steal_pointer (&row.platform);
  *shop_url = g_steal_pointer (&row.shop_url);
  account_row_clear (&row);
  if (job->connector == NULL)
    {
      g_set_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INVALID,
                   _("“%s” is not a platform Siyu syncs with (shopify, woocommerce or youzan)."), *platform);
      return FALSE;
    }

  return TRUE;
}

static gboolean
job_init (SiyuSyncJob               *job,
          SiyuShop                  *shop,
          const char                *account,
          const SiyuSyncCredentials *credentials,
          const SiyuSyncOptions     *options,
          GCancellable              *cancellable,
          SiyuSyncCounts            *counts,
          GError                   **error)
{
  g_autofree char *platform = NULL;
  g_autofree char *shop_url = NULL;

  if (!job_init_offline (job, shop, account, counts, &platform, &shop_url, error))
    return FALSE;
  job->credentials = credentials;
  job->cancellable = cancellable;
  if (options != NULL)
    job->options = *options;
  if (job->options.timeout_seconds == 0)
    job->options.timeout_seconds = DEFAULT_TIMEOUT;
  if (job->options.max_attempts == 0)
    job->options.max_attempts = DEFAULT_ATTEMPTS;
  if (job->options.backoff_base_ms == 0)
    job->options.backoff_base_ms = DEFAULT_BACKOFF_BASE;
  if (job->options.backoff_cap_ms == 0)
    job->options.backoff_cap_ms = DEFAULT_BACKOFF_CAP;
  if (job->options.delay_scale <= 0)
    job->options.delay_scale = 1.0;
  if (!siyu_sync_credentials_check (credentials, platform, error))
    return FALSE;

  if (options != NULL && options->base_url != NULL)
    job->base_url = normalize_shop_url ("shopify", options->base_url);
  else if (is_test_base_url (g_getenv (SIYU_SYNC_ENV_BASE_URL)))
    job->base_url = normalize_shop_url ("shopify", g_getenv (SIYU_SYNC_ENV_BASE_URL));
  else if (g_str_equal (platform, "youzan"))
    job->base_url = g_strdup ("https://open.youzanyun.com");
  else
    job->base_url = g_strdup (shop_url);
  if (!siyu_sync_url_is_allowed (job->base_url, error))
    return FALSE;

  job->session = siyu_http_session_new ();
  g_object_set (job->session, "timeout", job->options.timeout_seconds,
                "idle-timeout", job->options.timeout_seconds, NULL);
  if (test_tls_database != NULL)
    soup_session_set_tls_database (job->session, test_tls_database);
  job->rand = g_rand_new ();

  return TRUE;
}

static void
record_result (SiyuSyncJob  *job,
               const GError *failure)
{
  sqlite3_stmt *stmt;
  g_autoptr(GError) error = NULL;

  stmt = siyu_db_prepare (job->db, "UPDATE sync_accounts SET last_sync_at = ?, last_result = ? WHERE id = ?", &error);
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, now_seconds ());
  sqlite3_bind_text (stmt, 2, failure != NULL ? failure->message : "ok", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, job->account_id);
  if (!siyu_db_step_done (job->db, stmt, &error))
    g_debug ("The sync result could not be recorded: %s", error->message);
}

/**
 * siyu_sync_run:
 * @full: walk everything, not only what changed since the last sync
 * @progress: (nullable): told after every page, from the calling thread
 * @counts: (out caller-allocates): what the walk saw and changed
 *
 * Syncs customers, then orders, of one account.  Blocking: the GUI runs it
 * in a worker thread holding the shop's lock.  Does not recompute the
 * analytics; the caller does that when something changed.
 */
gboolean
siyu_sync_run (SiyuShop                  *shop,
               const char                *account,
               const SiyuSyncCredentials *credentials,
               const SiyuSyncOptions     *options,
               gboolean                   full,
               SiyuSyncProgressFunc       progress,
               gpointer                   progress_data,
               GCancellable              *cancellable,
               SiyuSyncCounts            *counts,
               GError                   **error)
{
  static const char * const resources[] = { "customers", "orders" };
  SiyuSyncJob job;
  GError *local_error = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  if (!job_init (&job, shop, account, credentials, options, cancellable, counts, &local_error) ||
      !siyu_backup_before (shop, SIYU_BACKUP_CAUSE_SYNC, &local_error))
    goto out;
  job.progress = progress;
  job.progress_data = progress_data;

  for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
    {
      gint64 cursor = full ? 0 : read_cursor (&job, resources[i], &local_error);

      if (cursor < 0)
        goto out;
      job.resource = resources[i];
      job.resource_counts = g_str_equal (resources[i], "orders") ? &counts->orders : &counts->customers;
      job.max_seen = 0;
      job.total = -1;
      g_clear_pointer (&job.walked, g_hash_table_unref);
      job.walked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      job.started_us = g_get_monotonic_time ();
      if (!job.connector->sync (&job, resources[i], cursor > OVERLAP_SECONDS ? cursor - OVERLAP_SECONDS : 0,
                                &local_error))
        {
          _siyu_sync_page_abort (&job);
          goto out;
        }
    }
  /* Phones kept as written may be another contact's, read elsewhere. */
  {
    guint found = 0;

    if (!siyu_duplicates_scan (shop, &found, &local_error))
      goto out;
    counts->possible_duplicates += found;
  }
  ok = TRUE;

out:
  if (job.account_id > 0)
    record_result (&job, local_error);
  job_clear (&job);
  if (local_error != NULL)
    g_propagate_error (error, local_error);

  return ok;
}

/**
 * siyu_sync_test_connection:
 *
 * Makes the smallest call that needs the credentials: one order, or a
 * token for Youzan.  Stores nothing.
 */
gboolean
siyu_sync_test_connection (SiyuShop                  *shop,
                           const char                *account,
                           const SiyuSyncCredentials *credentials,
                           const SiyuSyncOptions     *options,
                           GCancellable              *cancellable,
                           GError                   **error)
{
  SiyuSyncCounts counts;
  SiyuSyncJob job;
  gboolean ok;

  memset (&counts, 0, sizeof counts);
  if (!job_init (&job, shop, account, credentials, options, cancellable, &counts, error))
    {
      job_clear (&job);
      return FALSE;
    }
  job.resource = "orders";
  job.resource_counts = &counts.orders;
  ok = job.connector->check (&job, error);
  job_clear (&job);

  return ok;
}

static void
add_resource (JsonBuilder                  *builder,
              const char                   *name,
              const SiyuSyncResourceCounts *counts)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
#define COUNT(member) \
  json_builder_set_member_name (builder, #member); \
  json_builder_add_int_value (builder, counts->member)
  COUNT (pages);
  COUNT (records);
  COUNT (created);
  COUNT (updated);
  COUNT (unchanged);
#undef COUNT
  json_builder_end_object (builder);
}

JsonNode *
siyu_sync_counts_to_json (const SiyuSyncCounts *counts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_resource (builder, "customers", &counts->customers);
  add_resource (builder, "orders", &counts->orders);
  json_builder_set_member_name (builder, "contacts_created");
  json_builder_add_int_value (builder, counts->contacts_created);
  json_builder_set_member_name (builder, "refunds_created");
  json_builder_add_int_value (builder, counts->refunds_created);
  json_builder_set_member_name (builder, "rate_limit_waits");
  json_builder_add_int_value (builder, counts->rate_limit_waits);
  json_builder_set_member_name (builder, "retries");
  json_builder_add_int_value (builder, counts->retries);
  json_builder_set_member_name (builder, "foreign_currency");
  json_builder_add_int_value (builder, counts->foreign_currency);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, counts->rejected);
  json_builder_set_member_name (builder, "possible_duplicates");
  json_builder_add_int_value (builder, counts->possible_duplicates);
  json_builder_set_member_name (builder, "phones_as_written");
  json_builder_add_int_value (builder, counts->phones_as_written);
  json_builder_set_member_name (builder, "encrypted");
  json_builder_add_int_value (builder, counts->encrypted);
  json_builder_set_member_name (builder, "erased_kept");
  json_builder_add_int_value (builder, counts->erased_kept);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_sync_get_on_open:
 *
 * Returns: whether the shop's window syncs every account once it opens
 */
gboolean
siyu_sync_get_on_open (SiyuShop *shop)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  value = siyu_shop_dup_setting (shop, "sync_on_open");
  return g_strcmp0 (value, "1") == 0;
}

gboolean
siyu_sync_set_on_open (SiyuShop  *shop,
                       gboolean   on_open,
                       GError   **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db,
                          "INSERT INTO settings (key, value) VALUES ('sync_on_open', ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, on_open ? "1" : "0", -1, SQLITE_STATIC);

  return siyu_db_step_done (db, stmt, error);
}

/**
 * _siyu_sync_set_tls_database:
 * @database: (nullable): the certificates to trust instead of the system's
 *
 * For the tests alone, which serve https from 127.0.0.1 with a certificate
 * of their own.  Verification stays on: only the trusted authority changes.
 */
void
_siyu_sync_set_tls_database (GTlsDatabase *database)
{
  g_set_object (&test_tls_database, database);
}

/**
 * _siyu_sync_set_keyring:
 * @keyring: (nullable): a stand-in for the Secret Service, for the tests;
 *   %NULL: libsecret again
 */
void
_siyu_sync_set_keyring (const SiyuSyncKeyring *stand_in)
{
  keyring = stand_in != NULL ? stand_in : &libsecret_keyring;
}

/* Rejects */

void
siyu_sync_reject_free (SiyuSyncReject *self)
{
  if (self == NULL)
    return;
  g_free (self->account);
  g_free (self->platform);
  g_free (self->resource);
  g_free (self->platform_id);
  g_free (self->reason);
  g_free (self);
}

/**
 * siyu_sync_rejects_read:
 * @account: (nullable): one account's; %NULL: every account's
 *
 * Returns: (transfer full) (element-type SiyuSyncReject): the records the
 *   syncs kept among the rejects, by account, then oldest first
 */
GPtrArray *
siyu_sync_rejects_read (SiyuShop    *shop,
                        const char  *account,
                        GError     **error)
{
  g_autoptr(GPtrArray) rejects = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_sync_reject_free);
  SiyuDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  if (account != NULL)
    {
      AccountRow row = { 0, };

      if (!load_account (shop, account, &row, error))
        return NULL;
      account_row_clear (&row);
    }
  stmt = siyu_db_prepare (db,
                          "SELECT r.id, a.name, a.platform, r.resource, r.platform_id, r.reason, r.order_id, r.updated_at "
                          "FROM sync_rejects r JOIN sync_accounts a ON a.id = r.account_id "
                          "WHERE ?1 IS NULL OR a.name = ?1 ORDER BY a.name, r.id",
                          error);
  if (stmt == NULL)
    return NULL;
  if (account != NULL)
    sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuSyncReject *reject = g_new0 (SiyuSyncReject, 1);

      reject->id = sqlite3_column_int64 (stmt, 0);
      reject->account = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      reject->platform = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      reject->resource = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      reject->platform_id = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      reject->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      reject->order_id = sqlite3_column_int64 (stmt, 6);
      reject->updated_at = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (rejects, reject);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&rejects);
}

/**
 * siyu_sync_rejects_to_json:
 *
 * Returns: (transfer full): [{account, platform, resource, platform_id,
 *   reason, order_id (null: none stored), updated_at}]
 */
JsonNode *
siyu_sync_rejects_to_json (GPtrArray *rejects)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < rejects->len; i++)
    {
      SiyuSyncReject *reject = g_ptr_array_index (rejects, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account");
      json_builder_add_string_value (builder, reject->account);
      json_builder_set_member_name (builder, "platform");
      json_builder_add_string_value (builder, reject->platform);
      json_builder_set_member_name (builder, "resource");
      json_builder_add_string_value (builder, reject->resource);
      json_builder_set_member_name (builder, "platform_id");
      json_builder_add_string_value (builder, reject->platform_id);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reject->reason);
      json_builder_set_member_name (builder, "order_id");
      if (reject->order_id > 0)
        json_builder_add_int_value (builder, reject->order_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "updated_at");
      json_builder_add_int_value (builder, reject->updated_at);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/* One account's rejects again, each in a transaction of its own. */
static gboolean
retry_account (SiyuShop        *shop,
               const char      *account,
               SiyuSyncCounts  *counts,
               GError         **error)
{
  SiyuSyncJob job;
  g_autofree char *platform = NULL;
  g_autofree char *shop_url = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (!job_init_offline (&job, shop, account, counts, &platform, &shop_url, error))
    goto out;
  stmt = siyu_db_prepare (job.db, "SELECT id FROM sync_rejects WHERE account_id = ? ORDER BY id", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, job.account_id);
  while ((rc = siyu_db_step (job.db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    goto out;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *resource = NULL;
      g_autofree char *raw = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) parse_error = NULL;
      guint rejected;

      stmt = siyu_db_prepare (job.db, "SELECT resource, raw FROM sync_rejects WHERE id = ?", error);
      if (stmt == NULL)
        goto out;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      rc = siyu_db_step (job.db, stmt, error);
      if (rc == SQLITE_ROW)
        {
          resource = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          raw = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
      sqlite3_reset (stmt);
      if (rc < 0)
        goto out;
      if (rc != SQLITE_ROW || resource == NULL || raw == NULL)
        continue;

      job.resource = g_str_equal (resource, "orders") ? "orders" : "customers";
      job.resource_counts = g_str_equal (job.resource, "orders") ? &counts->orders : &counts->customers;
      /* Kept in the shop file, so read as any JSON from outside. */
      node = siyu_json_parse (raw, -1, "sync_rejects.raw", &parse_error);
      if (node == NULL)
        continue;
      if (!siyu_db_begin (job.db, error))
        goto out;
      rejected = counts->rejected;
      if (!store_record (&job, node, error))
        {
          _siyu_sync_page_abort (&job);
          goto out;
        }
      /* Stored: the row goes, also when the record has no id of its own. */
      if (counts->rejected == rejected)
        {
          stmt = siyu_db_prepare (job.db, "DELETE FROM sync_rejects WHERE id = ?", error);
          if (stmt == NULL)
            {
              _siyu_sync_page_abort (&job);
              goto out;
            }
          sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
          if (!siyu_db_step_done (job.db, stmt, error))
            {
              _siyu_sync_page_abort (&job);
              goto out;
            }
        }
      if (!siyu_db_commit (job.db, error))
        {
          _siyu_sync_page_abort (&job);
          goto out;
        }
      job.resource_counts->records++;
    }
  ok = TRUE;

out:
  job_clear (&job);
  return ok;
}

/**
 * siyu_sync_rejects_retry:
 * @account: (nullable): one account's rejects; %NULL: every account's
 * @counts: (out caller-allocates): what the retry stored; rejected says how
 *   many records are still kept among the rejects
 *
 * Stores again, without asking the platforms, the records the syncs kept
 * among the rejects, as they are now read: after the owner changed the
 * shop's phone region, say.  Those stored leave the rejects.  Does not
 * recompute the analytics.
 */
gboolean
siyu_sync_rejects_retry (SiyuShop        *shop,
                         const char      *account,
                         SiyuSyncCounts  *counts,
                         GError         **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint found = 0;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  if (account != NULL)
    g_ptr_array_add (names, g_strdup (account));
  else
    {
      g_autoptr(JsonNode) list = siyu_sync_account_list (shop, error);

      if (list == NULL)
        return FALSE;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
        g_ptr_array_add (names, g_strdup (json_object_get_string_member (
                           json_array_get_object_element (json_node_get_array (list), i), "name")));
    }
  for (guint i = 0; i < names->len; i++)
    if (!retry_account (shop, g_ptr_array_index (names, i), counts, error))
      return FALSE;
  if (!siyu_duplicates_scan (shop, &found, error))
    return FALSE;
  counts->possible_duplicates += found;

  return TRUE;
}

/**
 * _siyu_sync_store_answer:
 * @account: an account of @shop, whose platform reads the answer
 * @resource: "orders" or "customers"
 * @data: the body of one answer, as the platform would send it
 *
 * Reads one answer's page and stores it as a sync would, without asking
 * anything of the platform (what needs it is kept among the rejects): the
 * way in for the fuzz harnesses of tests/fuzz.  Moves no cursor.
 */
gboolean
_siyu_sync_store_answer (SiyuShop        *shop,
                         const char      *account,
                         const char      *resource,
                         const char      *data,
                         gsize            length,
                         SiyuSyncCounts  *counts,
                         GError         **error)
{
  SiyuSyncJob job;
  g_autofree char *platform = NULL;
  g_autofree char *shop_url = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonArray) records = NULL;
  g_autofree char *url = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (g_strcmp0 (resource, "orders") == 0 || g_strcmp0 (resource, "customers") == 0, FALSE);

  memset (counts, 0, sizeof *counts);
  if (!job_init_offline (&job, shop, account, counts, &platform, &shop_url, error))
    goto out;
  job.resource = g_str_equal (resource, "orders") ? "orders" : "customers";
  job.resource_counts = g_str_equal (resource, "orders") ? &counts->orders : &counts->customers;
  job.walked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  url = g_strdup_printf ("https://%s.invalid/%s", platform, resource);
  root = siyu_json_parse (data, (gssize) length, "answer", error);
  if (root == NULL)
    goto out;
  records = job.connector->records (&job, job.resource, root, url, error);
  ok = records != NULL && _siyu_sync_store_page (&job, records, FALSE, error);

out:
  job_clear (&job);
  return ok;
}
