/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-db"

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "siyu-core-resources.h"
#include "siyu-db.h"

struct _SiyuDb
{
  GObject     parent_instance;

  char       *path;
  char       *display_name;
  sqlite3    *handle;
  GHashTable *statements;
};

G_DEFINE_FINAL_TYPE (SiyuDb, siyu_db, G_TYPE_OBJECT)

/* Append-only: a released migration is never edited, a new one is added. */
static const char * const migrations[] = {
  "/io/github/siyu/core/migrations/0001-data-model.sql",
  "/io/github/siyu/core/migrations/0002-analytics.sql",
  "/io/github/siyu/core/migrations/0003-predictions.sql",
  "/io/github/siyu/core/migrations/0004-search.sql",
  "/io/github/siyu/core/migrations/0005-overview-indexes.sql",
  "/io/github/siyu/core/migrations/0006-campaigns.sql",
  "/io/github/siyu/core/migrations/0010-consent-membership.sql",
  "/io/github/siyu/core/migrations/0008-sync.sql",
};

G_DEFINE_QUARK (siyu-db-error-quark, siyu_db_error)

static SiyuDbError
error_code_for_rc (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return SIYU_DB_ERROR_FULL;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return SIYU_DB_ERROR_READ_ONLY;
    case SQLITE_NOTADB:
      return SIYU_DB_ERROR_NOT_A_DATABASE;
    case SQLITE_CORRUPT:
      return SIYU_DB_ERROR_CORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SIYU_DB_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
      return SIYU_DB_ERROR_CONSTRAINT;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return SIYU_DB_ERROR_IO;
    default:
      return SIYU_DB_ERROR_FAILED;
    }
}

static void
set_error_for_rc (GError     **error,
                  const char  *display_name,
                  int          rc,
                  const char  *detail)
{
  SiyuDbError code = error_code_for_rc (rc);

  switch (code)
    {
    case SIYU_DB_ERROR_FULL:
      g_set_error (error, SIYU_DB_ERROR, code,
                   _("The disk is full: could not write to “%s”. Nothing was changed."),
                   display_name);
      break;
    case SIYU_DB_ERROR_READ_ONLY:
      g_set_error (error, SIYU_DB_ERROR, code,
                   _("“%s” is read-only: Siyu needs to be able to write to the shop file and its folder."),
                   display_name);
      break;
    case SIYU_DB_ERROR_NOT_A_DATABASE:
      g_set_error (error, SIYU_DB_ERROR, code,
                   _("“%s” is not a Siyu shop file."), display_name);
      break;
    case SIYU_DB_ERROR_CORRUPT:
      g_set_error (error, SIYU_DB_ERROR, code,
                   _("“%s” is damaged (%s). Restore it from a backup."), display_name, detail);
      break;
    case SIYU_DB_ERROR_BUSY:
      g_set_error (error, SIYU_DB_ERROR, code,
                   _("“%s” is in use by another program. Try again when it has finished."),
                   display_name);
      break;
    case SIYU_DB_ERROR_IO:
      g_set_error (error, SIYU_DB_ERROR, code,
                   _("Could not read or write “%s” (%s)."), display_name, detail);
      break;
    case SIYU_DB_ERROR_CONSTRAINT:
    case SIYU_DB_ERROR_NOT_FOUND:
    case SIYU_DB_ERROR_EXISTS:
    case SIYU_DB_ERROR_NOT_A_SHOP:
    case SIYU_DB_ERROR_TOO_NEW:
    case SIYU_DB_ERROR_FAILED:
    default:
      g_set_error (error, SIYU_DB_ERROR, code,
                   _("Could not update “%s” (%s)."), display_name, detail);
      break;
    }
}

static void
close_handle (sqlite3 *handle)
{
  if (handle != NULL)
    sqlite3_close_v2 (handle);
}

/* Reading a shop in WAL mode makes SQLite create its -wal and -shm files
 * even for a read-only connection; a refused file gets none left beside it. */
static void
remove_new_side_files (const char *path,
                       gboolean    had_wal,
                       gboolean    had_shm)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  GStatBuf st;

  if (!had_wal && g_stat (wal, &st) == 0 && st.st_size == 0)
    g_unlink (wal);
  if (!had_shm && !g_file_test (wal, G_FILE_TEST_EXISTS))
    g_unlink (shm);
}

static int
probe_shop_connection (const char  *path,
                       const char  *display_name,
                       GError     **error)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 application_id = -1;
  int user_version = -1;
  int rc;

  rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  rc = sqlite3_prepare_v2 (handle, "PRAGMA application_id", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    goto fail;
  application_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  rc = sqlite3_prepare_v2 (handle, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    goto fail;
  user_version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;
  close_handle (handle);

  if (application_id != SIYU_DB_APPLICATION_ID || user_version < 1)
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_A_SHOP,
                   _("“%s” is not a Siyu shop file."), display_name);
      return -1;
    }

  if (user_version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_TOO_NEW,
                   _("“%s” was saved by a newer version of Siyu. Update Siyu to open it; the file was not changed."),
                   display_name);
      return -1;
    }

  return user_version;

fail:
  {
    g_autofree char *detail = g_strdup (handle != NULL ? sqlite3_errmsg (handle)
                                                       : sqlite3_errstr (rc));
    if (stmt != NULL)
      sqlite3_finalize (stmt);
    close_handle (handle);
    set_error_for_rc (error, display_name, rc, detail);
    return -1;
  }
}

/* Checks that @path names a Siyu shop this version understands, without
 * writing anything to it.  Returns its schema version. */
static int
probe_shop (const char  *path,
            const char  *display_name,
            GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  gboolean had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  gboolean had_shm = g_file_test (shm, G_FILE_TEST_EXISTS);
  int version = probe_shop_connection (path, display_name, error);

  if (version < 0)
    remove_new_side_files (path, had_wal, had_shm);

  return version;
}

static gboolean
check_folder_writable (const char  *path,
                       const char  *display_name,
                       GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *dir_name = g_filename_display_name (dir);
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_FOUND,
                   _("The folder “%s” does not exist."), dir_name);
      return FALSE;
    }

  /* The write-ahead log lives beside the shop file. */
  if (g_access (dir, W_OK) != 0)
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY,
                   _("“%s” is in a read-only folder: Siyu needs to be able to write beside it."),
                   display_name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
run_migrations (SiyuDb  *self,
                int      from_version,
                GError **error)
{
  g_autofree char *pragma = NULL;

  if (from_version >= (int) G_N_ELEMENTS (migrations))
    return TRUE;

  if (!siyu_db_begin (self, error))
    return FALSE;

  for (int i = from_version; i < (int) G_N_ELEMENTS (migrations); i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      gsize len;

      bytes = g_resource_lookup_data (siyu_core_get_resource (), migrations[i],
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_assert (bytes != NULL);
      sql = g_strndup (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));

      if (!siyu_db_exec (self, sql, error))
        {
          siyu_db_rollback (self);
          return FALSE;
        }
    }

  pragma = g_strdup_printf ("PRAGMA user_version = %d", (int) G_N_ELEMENTS (migrations));
  if (!siyu_db_exec (self, pragma, error) || !siyu_db_commit (self, error))
    {
      siyu_db_rollback (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
configure_connection (SiyuDb  *self,
                      GError **error)
{
  sqlite3_busy_timeout (self->handle, 5000);
  sqlite3_extended_result_codes (self->handle, 1);

  return siyu_db_exec (self,
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = NORMAL;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -65536;",
                       error);
}

static SiyuDb *
db_new (const char *path)
{
  SiyuDb *self = g_object_new (SIYU_TYPE_DB, NULL);

  self->path = g_strdup (path);
  self->display_name = g_filename_display_name (path);

  return self;
}

static void
siyu_db_finalize (GObject *object)
{
  SiyuDb *self = (SiyuDb *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->handle, close_handle);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (siyu_db_parent_class)->finalize (object);
}

static void
siyu_db_class_init (SiyuDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_db_finalize;
}

static void
siyu_db_init (SiyuDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
}

/**
 * siyu_db_create:
 * @path: where the new shop file goes; it must not exist yet
 *
 * Creates an empty shop with the whole data model.  On failure nothing is
 * left behind at @path.
 */
SiyuDb *
siyu_db_create (const char  *path,
                GError     **error)
{
  g_autoptr(SiyuDb) self = NULL;
  g_autofree char *pragma = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = db_new (path);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS,
                   _("“%s” already exists. Choose another name or open it instead."),
                   self->display_name);
      return NULL;
    }

  if (!check_folder_writable (path, self->display_name, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &self->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE,
                        NULL);
  pragma = g_strdup_printf ("PRAGMA application_id = %d", SIYU_DB_APPLICATION_ID);
  if (rc != SQLITE_OK)
    siyu_db_set_error (self, rc, error);
  if (rc != SQLITE_OK ||
      !configure_connection (self, error) ||
      !siyu_db_exec (self, pragma, error) ||
      !run_migrations (self, 0, error))
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_clear_pointer (&self->statements, g_hash_table_unref);
      g_clear_pointer (&self->handle, close_handle);
      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * siyu_db_open:
 * @path: an existing shop file
 *
 * Opens a shop, bringing an older one up to date in one transaction.  A file
 * that is missing, not SQLite, not a shop, or from a newer Siyu is refused
 * with a #SiyuDbError and left untouched.
 */
SiyuDb *
siyu_db_open (const char  *path,
              GError     **error)
{
  g_autoptr(SiyuDb) self = NULL;
  int version;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = db_new (path);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_FOUND,
                   _("“%s” does not exist."), self->display_name);
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_A_SHOP,
                   _("“%s” is a folder, not a Siyu shop file."), self->display_name);
      return NULL;
    }

  if (g_access (path, R_OK) != 0)
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY,
                   _("“%s” cannot be read: you do not have permission."), self->display_name);
      return NULL;
    }

  version = probe_shop (path, self->display_name, error);
  if (version < 0)
    return NULL;

  if (g_access (path, W_OK) != 0)
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY,
                   _("“%s” is read-only: Siyu needs to be able to write to the shop file and its folder."),
                   self->display_name);
      return NULL;
    }

  if (!check_folder_writable (path, self->display_name, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &self->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (self, rc, error);
      return NULL;
    }

  if (!configure_connection (self, error) ||
      !run_migrations (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
siyu_db_get_path (SiyuDb *self)
{
  g_return_val_if_fail (SIYU_IS_DB (self), NULL);

  return self->path;
}

sqlite3 *
siyu_db_get_handle (SiyuDb *self)
{
  g_return_val_if_fail (SIYU_IS_DB (self), NULL);

  return self->handle;
}

int
siyu_db_get_schema_version (SiyuDb *self)
{
  g_return_val_if_fail (SIYU_IS_DB (self), -1);

  return (int) siyu_db_query_int (self, "PRAGMA user_version", NULL);
}

int
siyu_db_get_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

void
siyu_db_set_error (SiyuDb  *self,
                   int      rc,
                   GError **error)
{
  const char *detail;

  g_return_if_fail (SIYU_IS_DB (self));

  detail = self->handle != NULL ? sqlite3_errmsg (self->handle) : sqlite3_errstr (rc);
  set_error_for_rc (error, self->display_name, rc, detail);
}

/**
 * siyu_db_prepare:
 * @sql: a constant statement; values are always bound, never written into it
 *
 * Returns a cached, reset statement with its bindings cleared.  The cache owns
 * it: do not finalize it, and do not use the same @sql twice at once.
 */
sqlite3_stmt *
siyu_db_prepare (SiyuDb      *self,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_DB (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);

  return stmt;
}

/* Returns SQLITE_ROW, SQLITE_DONE, or -1 with @error set. */
int
siyu_db_step (SiyuDb        *self,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  siyu_db_set_error (self, rc, error);
  sqlite3_reset (stmt);

  return -1;
}

gboolean
siyu_db_step_done (SiyuDb        *self,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  int rc = siyu_db_step (self, stmt, error);

  sqlite3_reset (stmt);

  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

gboolean
siyu_db_exec (SiyuDb      *self,
              const char  *sql,
              GError     **error)
{
  int rc;

  g_return_val_if_fail (SIYU_IS_DB (self), FALSE);

  rc = sqlite3_exec (self->handle, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

gboolean
siyu_db_begin (SiyuDb  *self,
               GError **error)
{
  return siyu_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
siyu_db_commit (SiyuDb  *self,
                GError **error)
{
  return siyu_db_exec (self, "COMMIT", error);
}

void
siyu_db_rollback (SiyuDb *self)
{
  g_return_if_fail (SIYU_IS_DB (self));

  if (!sqlite3_get_autocommit (self->handle))
    sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
siyu_db_in_transaction (SiyuDb *self)
{
  g_return_val_if_fail (SIYU_IS_DB (self), FALSE);

  return !sqlite3_get_autocommit (self->handle);
}

gint64
siyu_db_last_insert_id (SiyuDb *self)
{
  g_return_val_if_fail (SIYU_IS_DB (self), 0);

  return sqlite3_last_insert_rowid (self->handle);
}

/* Runs a constant query that yields one integer; -1 with @error set on failure. */
gint64
siyu_db_query_int (SiyuDb      *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 value = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_DB (self), -1);

  stmt = siyu_db_prepare (self, sql, error);
  if (stmt == NULL)
    return -1;

  rc = siyu_db_step (self, stmt, error);
  if (rc < 0)
    return -1;
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}
