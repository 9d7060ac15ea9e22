/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-db"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "siyu-core-resources.h"
#include "siyu-db.h"
#include "siyu-search-index.h"

struct _SiyuDb
{
  GObject     parent_instance;

  char       *path;
  char       *display_name;
  sqlite3    *handle;
  GHashTable *statements;
  /* The statements last asked for by the address of their SQL, so that
   * a statement run for every row is found without hashing its text. */
  struct {
    const char   *sql;
    sqlite3_stmt *stmt;
  }           recent[64];
  guint64     generation;
  gboolean    read_only;
};

G_DEFINE_FINAL_TYPE (SiyuDb, siyu_db, G_TYPE_OBJECT)

/* The page cache of a connection, and of one writing a large load. */
#define CACHE_KIB 65536
#define BULK_CACHE_KIB 16384

struct _SiyuDbBulk
{
  SiyuDb     *db;
  GPtrArray  *remake;
  char      **tables;
  gint64     *rows_before;
};

/* Append-only: a released migration is never edited, a new one is added. */
static const char * const migrations[] = {
  "/io/github/siyu/core/migrations/0001-data-model.sql",
  "/io/github/siyu/core/migrations/0002-analytics.sql",
  "/io/github/siyu/core/migrations/0003-predictions.sql",
  "/io/github/siyu/core/migrations/0004-search.sql",
  "/io/github/siyu/core/migrations/0005-overview-indexes.sql",
  "/io/github/siyu/core/migrations/0006-campaigns.sql",
  "/io/github/siyu/core/migrations/0007-consent-membership.sql",
  "/io/github/siyu/core/migrations/0008-untrusted-file.sql",
  "/io/github/siyu/core/migrations/0009-sync.sql",
  "/io/github/siyu/core/migrations/0010-returns.sql",
  "/io/github/siyu/core/migrations/0011-data-version.sql",
  "/io/github/siyu/core/migrations/0012-reach-index.sql",
  "/io/github/siyu/core/migrations/0013-import-digest.sql",
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
                  const char  *raw_detail)
{
  SiyuDbError code = error_code_for_rc (rc);
  /* SQLite's message can quote bytes of a damaged file; a message is UTF-8. */
  g_autofree char *detail = g_utf8_make_valid (raw_detail != NULL ? raw_detail : "", -1);

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
    case SIYU_DB_ERROR_UNTRUSTED:
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

/* A shop file is untrusted input: it may come from anyone.  Every
 * connection is defensive (no writable schema, no writes to the search
 * index's shadow tables, no loading of extensions, no two-argument
 * fts3_tokenizer (), which calls through a pointer the caller gives), uses
 * no views (Siyu makes none), and trusts the schema only while it runs
 * Siyu's own migrations on a schema it has compared with its own: with
 * trusted_schema off, a trigger or view in the file may call no function and
 * no virtual table that could do harm. */
static void
harden (sqlite3  *handle,
        gboolean  trusted)
{
  sqlite3_db_config (handle, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, trusted ? 1 : 0, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, NULL);
}

/* The schema of a shop: every table, index, trigger and view of the file,
 * by name. */
typedef struct {
  char *type;
  char *table;
  char *sql;
} SchemaEntry;

static void
schema_entry_free (gpointer data)
{
  SchemaEntry *entry = data;

  g_free (entry->type);
  g_free (entry->table);
  g_free (entry->sql);
  g_free (entry);
}

static int
read_schema (sqlite3     *handle,
             GHashTable **schema)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *schema = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, schema_entry_free);
  rc = sqlite3_prepare_v2 (handle, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto out;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SchemaEntry *entry = g_new0 (SchemaEntry, 1);

      entry->type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      entry->table = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->sql = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      g_hash_table_replace (*schema, g_strdup ((const char *) sqlite3_column_text (stmt, 1)), entry);
    }
  if (rc == SQLITE_DONE)
    rc = SQLITE_OK;

out:
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    g_clear_pointer (schema, g_hash_table_unref);

  return rc;
}

static gboolean
exec_migration (sqlite3     *handle,
                guint        index,
                char       **message)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sql = NULL;

  bytes = g_resource_lookup_data (siyu_core_get_resource (), migrations[index],
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (bytes != NULL);
  sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return sqlite3_exec (handle, sql, NULL, NULL, message) == SQLITE_OK;
}

/* SQLite keeps memory statistics by default, under a lock taken at every
 * allocation; Siyu reads none of them.  Only possible before SQLite's
 * first use in the process: if another library came first, SQLite keeps
 * its defaults, which is harmless. */
static void
configure_library (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&done, 1);
    }
}

/* What the migrations make: the schema of a shop of each version, built
 * once by running them into a database in memory.  schemas[v] is the schema
 * of version v. */
static GHashTable **
reference_schemas (void)
{
  static GHashTable *schemas[G_N_ELEMENTS (migrations) + 1];
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      sqlite3 *handle = NULL;
      int rc;

      configure_library ();
      rc = sqlite3_open_v2 (":memory:", &handle, SQLITE_OPEN_READWRITE, NULL);

      if (rc != SQLITE_OK)
        g_error ("Could not open a database in memory: %s", sqlite3_errstr (rc));
      harden (handle, TRUE);
      schemas[0] = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
        {
          g_autofree char *message = NULL;

          if (!exec_migration (handle, i, &message) || read_schema (handle, &schemas[i + 1]) != SQLITE_OK)
            g_error ("Migration %s does not run: %s", migrations[i], message != NULL ? message : sqlite3_errmsg (handle));
        }
      close_handle (handle);
      g_once_init_leave (&ready, 1);
    }

  return schemas;
}

/* SQLite's own statistics tables, which ANALYZE makes: harmless, and made
 * by other tools the owner may use on a shop. */
static const char * const statistics[][2] = {
  { "sqlite_stat1", "CREATE TABLE sqlite_stat1(tbl,idx,stat)" },
  { "sqlite_stat4", "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)" },
};

static gboolean
is_statistics (const char        *name,
               const SchemaEntry *entry)
{
  for (guint i = 0; i < G_N_ELEMENTS (statistics); i++)
    if (g_str_equal (name, statistics[i][0]))
      return g_strcmp0 (entry->type, "table") == 0 && g_strcmp0 (entry->sql, statistics[i][1]) == 0;

  return FALSE;
}

static const char *
kind_name (const char *type)
{
  if (g_strcmp0 (type, "trigger") == 0)
    return C_("schema object", "trigger");
  if (g_strcmp0 (type, "view") == 0)
    return C_("schema object", "view");
  if (g_strcmp0 (type, "index") == 0)
    return C_("schema object", "index");

  return C_("schema object", "table");
}

/* Which of a schema's objects is looked at first: triggers and views are
 * what can run SQL of the file's. */
static int
kind_rank (const char *type)
{
  if (g_strcmp0 (type, "trigger") == 0)
    return 0;
  if (g_strcmp0 (type, "view") == 0)
    return 1;
  if (g_strcmp0 (type, "table") == 0)
    return 2;

  return 3;
}

typedef struct {
  const char        *name;
  const SchemaEntry *entry;
} NamedEntry;

static int
compare_named_entries (gconstpointer a,
                       gconstpointer b)
{
  const NamedEntry *x = a, *y = b;
  int rank = kind_rank (x->entry->type) - kind_rank (y->entry->type);

  return rank != 0 ? rank : strcmp (x->name, y->name);
}

static GArray *
sorted_entries (GHashTable *schema)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (NamedEntry));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, schema);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      NamedEntry named = { key, value };

      g_array_append_val (entries, named);
    }
  g_array_sort (entries, compare_named_entries);

  return entries;
}

/* Compares the schema of the shop @handle is open on with what the
 * migrations make for @version: the same tables, indexes, triggers and
 * views, each with the same SQL, and nothing else.  A shop that was only
 * ever changed by Siyu matches to the byte; anything else may have been
 * made to run SQL of its own, and is refused. */
static gboolean
check_schema (sqlite3     *handle,
              int          version,
              const char  *display_name,
              GError     **error)
{
  GHashTable *reference = reference_schemas ()[version];
  g_autoptr(GHashTable) schema = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GArray) expected = NULL;
  int rc;

  rc = read_schema (handle, &schema);
  if (rc != SQLITE_OK)
    {
      set_error_for_rc (error, display_name, rc, sqlite3_errmsg (handle));
      return FALSE;
    }

  found = sorted_entries (schema);
  for (guint i = 0; i < found->len; i++)
    {
      const NamedEntry *named = &g_array_index (found, NamedEntry, i);
      const SchemaEntry *want = g_hash_table_lookup (reference, named->name);

      if (want == NULL && is_statistics (named->name, named->entry))
        continue;
      if (want == NULL)
        {
          /* Translators: the first %s is a file, the second a kind of object in it (table, index, trigger,
           * view), the third its name. */
          g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_UNTRUSTED,
                       _("“%s” was not opened: the %s “%s” in it is not one Siyu makes, so the file may have been made to run commands of its own. The file was not changed."),
                       display_name, kind_name (named->entry->type), named->name);
          return FALSE;
        }
      if (g_strcmp0 (want->type, named->entry->type) != 0 || g_strcmp0 (want->table, named->entry->table) != 0 ||
          g_strcmp0 (want->sql, named->entry->sql) != 0)
        {
          /* Translators: the first %s is a file, the second a kind of object in it (table, index, trigger,
           * view), the third its name. */
          g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_UNTRUSTED,
                       _("“%s” was not opened: the %s “%s” in it was changed from the one Siyu makes, so the file may have been made to run commands of its own. The file was not changed."),
                       display_name, kind_name (named->entry->type), named->name);
          return FALSE;
        }
    }

  expected = sorted_entries (reference);
  for (guint i = 0; i < expected->len; i++)
    {
      const NamedEntry *named = &g_array_index (expected, NamedEntry, i);

      if (!g_hash_table_contains (schema, named->name))
        {
          /* Translators: the first %s is a file, the second a kind of object in it (table, index, trigger,
           * view), the third its name. */
          g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CORRUPT,
                       _("“%s” was not opened: the %s “%s” is missing from it, so the shop is damaged. Restore it from a backup; the file was not changed."),
                       display_name, kind_name (named->entry->type), named->name);
          return FALSE;
        }
    }

  return TRUE;
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
probe_shop_connection (const char  *name,
                       int          flags,
                       const char  *display_name,
                       GError     **error)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 application_id = -1;
  int user_version = -1;
  int rc;

  configure_library ();
  rc = sqlite3_open_v2 (name, &handle, SQLITE_OPEN_READONLY | flags, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  /* This connection reads the schema and runs nothing of it: it may trust
   * it to read an older shop, whose CHECK constraints use json_valid (). */
  harden (handle, TRUE);

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

  if (application_id != SIYU_DB_APPLICATION_ID || user_version < 1)
    {
      close_handle (handle);
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_NOT_A_SHOP,
                   _("“%s” is not a Siyu shop file."), display_name);
      return -1;
    }

  if (user_version > (int) G_N_ELEMENTS (migrations))
    {
      close_handle (handle);
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_TOO_NEW,
                   _("“%s” was saved by a newer version of Siyu. Update Siyu to open it; the file was not changed."),
                   display_name);
      return -1;
    }

  if (!check_schema (handle, user_version, display_name, error))
    {
      close_handle (handle);
      return -1;
    }
  close_handle (handle);

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

/* How a shop Siyu will not write is opened: read only, and, unless its
 * write-ahead log holds changes not yet copied into it, immutable, so that
 * SQLite makes no -wal or -shm file beside it and takes no lock.  The log
 * of an open shop is never empty; an immutable connection would not read
 * it. */
static char *
read_only_name (const char *path,
                int        *flags)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *absolute = NULL;
  g_autofree char *escaped = NULL;
  GStatBuf st;

  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    {
      *flags = 0;
      return g_strdup (path);
    }

  absolute = g_canonicalize_filename (path, NULL);
  escaped = g_uri_escape_string (absolute, "/", FALSE);
  *flags = SQLITE_OPEN_URI;

  return g_strconcat ("file:", escaped, "?mode=ro&immutable=1", NULL);
}

/* Checks that @path names a Siyu shop this version understands and whose
 * schema is Siyu's own, without writing anything to it.  Returns its schema
 * version. */
static int
probe_shop (const char  *path,
            gboolean     read_only,
            const char  *display_name,
            GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  gboolean had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  gboolean had_shm = g_file_test (shm, G_FILE_TEST_EXISTS);
  int flags = 0;
  g_autofree char *name = read_only ? read_only_name (path, &flags) : g_strdup (path);
  int version = probe_shop_connection (name, flags, display_name, error);

  if (version < 0)
    remove_new_side_files (path, had_wal, had_shm);

  return version;
}

static gboolean
folder_is_writable (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return g_access (dir, W_OK) == 0;
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

static const char * const side_suffixes[] = { "-wal", "-shm", "-journal" };

/* SQLite creates a shop's log and shared memory beside it with the shop's
 * own mode, and never follows a link there; a link found there is refused
 * with a clear message rather than an error from SQLite.  A new shop has
 * nothing beside it at all: a log planted there would be read into it. */
static gboolean
check_side_files (const char  *path,
                  gboolean     creating,
                  GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (side_suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, side_suffixes[i], NULL);
      GStatBuf st;

      if (g_lstat (side, &st) != 0)
        continue;
      if (creating || !S_ISREG (st.st_mode))
        {
          g_autofree char *side_name = g_filename_display_name (side);

          g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS,
                       _("“%s” is in the way: it is not a file Siyu made. Remove it, or choose another name."),
                       side_name);
          return FALSE;
        }
    }

  return TRUE;
}

/* Creates an empty file that only its owner may read and write, whatever
 * the umask, never through a link and never over anything already there. */
static gboolean
create_private_file (const char  *path,
                     const char  *display_name,
                     GError     **error)
{
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
  int saved_errno;

  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == EEXIST)
        g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS,
                     _("“%s” already exists. Choose another name or open it instead."), display_name);
      else
        g_set_error (error, SIYU_DB_ERROR, saved_errno == EACCES || saved_errno == EROFS
                                           ? SIYU_DB_ERROR_READ_ONLY : SIYU_DB_ERROR_IO,
                     _("Could not read or write “%s” (%s)."), display_name, g_strerror (saved_errno));
      return FALSE;
    }

  if (fchmod (fd, S_IRUSR | S_IWUSR) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (path);
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_IO,
                   _("Could not read or write “%s” (%s)."), display_name, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  return TRUE;
}

static int
commit_hook_cb (gpointer user_data)
{
  SiyuDb *self = user_data;

  self->generation++;

  return 0;
}

static void
rollback_hook_cb (gpointer user_data)
{
  SiyuDb *self = user_data;

  self->generation++;
}

static gboolean
configure_connection (SiyuDb  *self,
                      gboolean trusted,
                      GError **error)
{
  harden (self->handle, trusted);
  sqlite3_busy_timeout (self->handle, 5000);
  sqlite3_extended_result_codes (self->handle, 1);

  /* Nothing is written, so there is no log to set up. */
  if (self->read_only)
    return siyu_db_exec (self, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;", error);

  /* Set here rather than left to the build of SQLite: Debian's erases
   * deleted content by default, others may not. */
  if (!siyu_db_exec (self,
                     "PRAGMA foreign_keys = ON;"
                     "PRAGMA secure_delete = ON;"
                     "PRAGMA journal_mode = WAL;"
                     "PRAGMA synchronous = NORMAL;"
                     "PRAGMA temp_store = MEMORY;"
                     "PRAGMA cache_size = -" G_STRINGIFY (CACHE_KIB) ";",
                     error))
    return FALSE;

  if (siyu_db_query_int (self, "PRAGMA secure_delete", error) != 1)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_FAILED,
                     _("Could not update “%s” (%s)."), self->display_name, "secure_delete");
      return FALSE;
    }

  sqlite3_commit_hook (self->handle, commit_hook_cb, self);
  sqlite3_rollback_hook (self->handle, rollback_hook_cb, self);

  return TRUE;
}

/* Brings the shop from @from_version to the latest, in one transaction on a
 * connection of its own: the older schemas need trusted_schema on, and the
 * rebuilding of tables in migration 8 needs foreign keys off (dropping a
 * table would otherwise clear what points to it). */
static gboolean
run_migrations (SiyuDb  *self,
                int      from_version,
                GError **error)
{
  g_autofree char *pragma = NULL;
  gint64 problems;

  if (from_version >= (int) G_N_ELEMENTS (migrations))
    return TRUE;

  if (!siyu_db_exec (self, "PRAGMA foreign_keys = OFF", error) ||
      !siyu_db_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (int i = from_version; i < (int) G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *message = NULL;

      if (!exec_migration (self->handle, i, &message))
        {
          siyu_db_set_error (self, sqlite3_errcode (self->handle), error);
          siyu_db_rollback (self);
          return FALSE;
        }
    }

  problems = siyu_db_query_int (self, "SELECT count (*) FROM pragma_foreign_key_check", error);
  if (problems != 0)
    {
      if (problems > 0)
        g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_CORRUPT,
                     _("“%s” is damaged (%s). Restore it from a backup."), self->display_name, "foreign_key_check");
      siyu_db_rollback (self);
      return FALSE;
    }

  /* Contacts an older Siyu noted for the search index (one of migration 8
   * or later) are indexed with the migration. */
  pragma = g_strdup_printf ("PRAGMA user_version = %d", (int) G_N_ELEMENTS (migrations));
  if (!siyu_db_exec (self, pragma, error) || !siyu_search_index_flush (self, error) ||
      !siyu_db_exec (self, "COMMIT", error))
    {
      siyu_db_rollback (self);
      return FALSE;
    }

  return TRUE;
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
drop_handle (SiyuDb *self)
{
  memset (self->recent, 0, sizeof self->recent);
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->handle, close_handle);
}

static gboolean
open_handle (SiyuDb   *self,
             gboolean  trusted,
             GError  **error)
{
  int flags = 0;
  g_autofree char *name = self->read_only ? read_only_name (self->path, &flags) : g_strdup (self->path);
  int rc;

  configure_library ();
  rc = sqlite3_open_v2 (name, &self->handle,
                        (self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_EXRESCODE |
                        flags, NULL);

  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (self, rc, error);
      drop_handle (self);
      return FALSE;
    }

  return configure_connection (self, trusted, error);
}

/* Migrates the shop if it is older than this Siyu, then opens it for good
 * with trusted_schema off, and checks the schema it ends with. */
static gboolean
open_migrated (SiyuDb  *self,
               int      version,
               GError **error)
{
  if (version < (int) G_N_ELEMENTS (migrations))
    {
      gboolean ok = open_handle (self, TRUE, error) && run_migrations (self, version, error);

      drop_handle (self);
      if (!ok)
        return FALSE;
    }

  if (!open_handle (self, FALSE, error) ||
      !check_schema (self->handle, G_N_ELEMENTS (migrations), self->display_name, error))
    {
      drop_handle (self);
      return FALSE;
    }

  return TRUE;
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

static void
remove_shop_files (const char *path)
{
  g_unlink (path);
  for (guint i = 0; i < G_N_ELEMENTS (side_suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, side_suffixes[i], NULL);

      g_unlink (side);
    }
}

/**
 * siyu_db_create:
 * @path: where the new shop file goes; nothing may be there yet
 *
 * Creates an empty shop with the whole data model, readable and writable by
 * its owner only, never through a link placed at @path.  On failure nothing
 * is left behind at @path.
 */
SiyuDb *
siyu_db_create (const char  *path,
                GError     **error)
{
  g_autoptr(SiyuDb) self = NULL;
  g_autofree char *pragma = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  self = db_new (path);

  if (g_lstat (path, &st) == 0)
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS,
                   _("“%s” already exists. Choose another name or open it instead."),
                   self->display_name);
      return NULL;
    }

  if (!check_folder_writable (path, self->display_name, error) ||
      !check_side_files (path, TRUE, error) ||
      !create_private_file (path, self->display_name, error))
    return NULL;

  pragma = g_strdup_printf ("PRAGMA application_id = %d", SIYU_DB_APPLICATION_ID);
  if (!open_handle (self, TRUE, error) ||
      !siyu_db_exec (self, pragma, error) ||
      !run_migrations (self, 0, error))
    {
      drop_handle (self);
      remove_shop_files (path);
      return NULL;
    }
  drop_handle (self);

  if (!open_migrated (self, G_N_ELEMENTS (migrations), error))
    {
      remove_shop_files (path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

static SiyuDb *
open_shop (const char  *path,
           gboolean     read_only,
           GError     **error)
{
  g_autoptr(SiyuDb) self = NULL;
  int version;

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

  if (!check_side_files (path, FALSE, error))
    return NULL;

  /* A file, folder or medium Siyu cannot write is opened for reading. */
  self->read_only = read_only || g_access (path, W_OK) != 0 || !folder_is_writable (path);

  version = probe_shop (path, self->read_only, self->display_name, error);
  if (version < 0)
    return NULL;

  if (self->read_only)
    {
      /* An older shop is brought up to date before it is read. */
      if (version < (int) G_N_ELEMENTS (migrations))
        {
          g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY,
                       _("“%s” is read-only and was saved by an older version of Siyu, which must bring it up to "
                         "date once. Open it where it can be written to; the file was not changed."),
                       self->display_name);
          return NULL;
        }
      if (!open_handle (self, FALSE, error) ||
          !check_schema (self->handle, version, self->display_name, error))
        {
          drop_handle (self);
          return NULL;
        }
      return g_steal_pointer (&self);
    }

  if (!check_folder_writable (path, self->display_name, error))
    return NULL;

  if (!open_migrated (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * siyu_db_open:
 * @path: an existing shop file
 *
 * Opens a shop, bringing an older one up to date in one transaction.  A file
 * that is missing, not SQLite, not a shop, from a newer Siyu, or whose
 * schema is not the one Siyu makes is refused with a #SiyuDbError and left
 * untouched.  A shop in a file, folder or medium Siyu cannot write is
 * opened read-only (see siyu_db_open_read_only()).
 */
SiyuDb *
siyu_db_open (const char  *path,
              GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return open_shop (path, FALSE, error);
}

/**
 * siyu_db_open_read_only:
 * @path: an existing shop file
 *
 * Opens a shop for reading only, as siyu_db_open() does one it cannot
 * write: nothing is written to it or made beside it (no -wal or -shm
 * file), and every write fails with %SIYU_DB_ERROR_READ_ONLY.  A shop from
 * an older Siyu is refused, since it must be brought up to date first.
 */
SiyuDb *
siyu_db_open_read_only (const char  *path,
                        GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return open_shop (path, TRUE, error);
}

/* Whether the shop was opened for reading only. */
gboolean
siyu_db_is_read_only (SiyuDb *self)
{
  g_return_val_if_fail (SIYU_IS_DB (self), TRUE);

  return self->read_only;
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

/**
 * siyu_db_get_migration:
 * @index: from 0, in the order migrations run
 *
 * Returns: (nullable): the resource holding the SQL of the migration that
 *   takes a shop from version @index to @index + 1, or %NULL.  For the
 *   tests, which build older shops with it.
 */
const char *
siyu_db_get_migration (guint index)
{
  return index < G_N_ELEMENTS (migrations) ? migrations[index] : NULL;
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
  guint slot = (guint) (((guintptr) sql >> 3) % G_N_ELEMENTS (self->recent));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_DB (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  /* The address alone is not enough: a string built and freed may leave
   * its address to another. */
  stmt = self->recent[slot].sql == sql && strcmp (sqlite3_sql (self->recent[slot].stmt), sql) == 0
         ? self->recent[slot].stmt : g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      self->recent[slot].sql = sql;
      self->recent[slot].stmt = stmt;
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
  self->recent[slot].sql = sql;
  self->recent[slot].stmt = stmt;

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

/* Brings the search index up to date with the transaction's changes of
 * contacts (see siyu-search-index.c), then commits. */
gboolean
siyu_db_commit (SiyuDb  *self,
                GError **error)
{
  return siyu_search_index_flush (self, error) && siyu_db_exec (self, "COMMIT", error);
}

void
siyu_db_rollback (SiyuDb *self)
{
  g_return_if_fail (SIYU_IS_DB (self));

  if (!sqlite3_get_autocommit (self->handle))
    sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
}

/**
 * siyu_db_checkpoint:
 *
 * Copies everything in the write-ahead log into the shop file and empties
 * the log, so that the log holds nothing that was deleted.  Fails with
 * %SIYU_DB_ERROR_BUSY while another program reads the shop.
 */
gboolean
siyu_db_checkpoint (SiyuDb  *self,
                    GError **error)
{
  int rc;

  g_return_val_if_fail (SIYU_IS_DB (self), FALSE);
  g_return_val_if_fail (!siyu_db_in_transaction (self), FALSE);

  rc = sqlite3_wal_checkpoint_v2 (self->handle, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* Changes at every commit and rollback: what was read from the shop in an
 * earlier transaction may have changed since. */
guint64
siyu_db_get_generation (SiyuDb *self)
{
  g_return_val_if_fail (SIYU_IS_DB (self), 0);

  return self->generation;
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

/**
 * siyu_db_bulk_begin:
 * @tables: (array zero-terminated=1): the tables a large load writes to
 * @dropped: (out) (transfer full): what to give siyu_db_bulk_end()
 *
 * Makes a large load into @tables cheaper, inside the caller's transaction:
 * drops their secondary indexes and the triggers of migration 11 that
 * count their inserted rows one by one.  siyu_db_bulk_end() makes them
 * again, each index in one sorted pass rather than row by row, and counts
 * the inserted rows in one step.  The objects are made again from the
 * schema the migrations make, never from SQL read from the file, and only
 * inside the transaction: a load that is cut short or rolled back leaves
 * the shop's schema as it was.  Nothing in between may rely on the
 * dropped indexes for speed.
 */
gboolean
siyu_db_bulk_begin (SiyuDb              *self,
                    const char * const  *tables,
                    SiyuDbBulk         **dropped,
                    GError             **error)
{
  GHashTable *reference = reference_schemas ()[G_N_ELEMENTS (migrations)];
  g_autoptr(GArray) entries = sorted_entries (reference);
  SiyuDbBulk *bulk;

  g_return_val_if_fail (SIYU_IS_DB (self), FALSE);
  g_return_val_if_fail (siyu_db_in_transaction (self), FALSE);
  g_return_val_if_fail (dropped != NULL, FALSE);

  bulk = g_new0 (SiyuDbBulk, 1);
  bulk->remake = g_ptr_array_new_with_free_func (g_free);
  bulk->tables = g_strdupv ((char **) tables);
  bulk->rows_before = g_new0 (gint64, g_strv_length (bulk->tables));

  for (guint t = 0; bulk->tables[t] != NULL; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM main.\"%s\"", bulk->tables[t]);

      bulk->rows_before[t] = siyu_db_query_int (self, sql, error);
      if (bulk->rows_before[t] < 0)
        goto failed;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const NamedEntry *named = &g_array_index (entries, NamedEntry, i);
      const SchemaEntry *entry = named->entry;
      g_autofree char *insert_trigger = NULL;
      g_autofree char *drop = NULL;

      if (entry->sql == NULL || !g_strv_contains (tables, entry->table))
        continue;
      insert_trigger = g_strdup_printf ("data_version_%s_insert", entry->table);
      if (g_str_equal (entry->type, "index"))
        drop = g_strdup_printf ("DROP INDEX main.\"%s\"", named->name);
      else if (g_str_equal (entry->type, "trigger") && g_str_equal (named->name, insert_trigger))
        drop = g_strdup_printf ("DROP TRIGGER main.\"%s\"", named->name);
      else
        continue;
      if (!siyu_db_exec (self, drop, error))
        goto failed;
      g_ptr_array_add (bulk->remake, g_strdup (entry->sql));
    }

  /* Dirty pages spill to the log rather than grow the cache, and the
   * sorts of the indexes made again fit in the same memory. */
  if (!siyu_db_exec (self, "PRAGMA cache_size = -" G_STRINGIFY (BULK_CACHE_KIB), error))
    goto failed;
  bulk->db = self;
  *dropped = bulk;
  return TRUE;

failed:
  siyu_db_bulk_free (bulk);
  return FALSE;
}

/**
 * siyu_db_bulk_end:
 * @bulk: (transfer full): from siyu_db_bulk_begin()
 *
 * Makes again what siyu_db_bulk_begin() dropped and adds the rows inserted
 * into its tables since to the data version, as its triggers would have.
 */
gboolean
siyu_db_bulk_end (SiyuDb      *self,
                  SiyuDbBulk  *bulk,
                  GError     **error)
{
  gint64 inserted = 0;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (SIYU_IS_DB (self), FALSE);
  g_return_val_if_fail (bulk != NULL, FALSE);

  for (guint t = 0; bulk->tables[t] != NULL; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM main.\"%s\"", bulk->tables[t]);
      gint64 rows = siyu_db_query_int (self, sql, error);

      if (rows < 0)
        goto out;
      /* Rows deleted in between were counted by their own trigger. */
      inserted += MAX (rows - bulk->rows_before[t], 0);
    }
  for (guint i = 0; i < bulk->remake->len; i++)
    if (!siyu_db_exec (self, g_ptr_array_index (bulk->remake, i), error))
      goto out;

  stmt = siyu_db_prepare (self, "UPDATE data_version SET data = data + ?1 WHERE id = 1", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, inserted);
  ok = siyu_db_step_done (self, stmt, error);

out:
  siyu_db_bulk_free (bulk);
  return ok;
}

void
siyu_db_bulk_free (SiyuDbBulk *bulk)
{
  if (bulk == NULL)
    return;
  if (bulk->db != NULL)
    siyu_db_exec (bulk->db, "PRAGMA cache_size = -" G_STRINGIFY (CACHE_KIB), NULL);
  g_ptr_array_unref (bulk->remake);
  g_strfreev (bulk->tables);
  g_free (bulk->rows_before);
  g_free (bulk);
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
