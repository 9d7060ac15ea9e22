/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-backup"
#define _GNU_SOURCE   /* copy_file_range () */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "siyu-backup.h"

/* Backups of a shop are whole shop files, kept in a folder beside it
 * (“tea.siyu” keeps them in “tea-backups”), readable by the owner alone.
 * Each is named after when and why it was made, in UTC:
 * 20261207T155603Z-import.siyu, with -2, -3… when several are made in one
 * second.  A backup is written under a hidden name and renamed into place
 * once complete, so a backup with its final name is always whole. */

G_DEFINE_QUARK (siyu-backup-error-quark, siyu_backup_error)

#define PARTIAL_PREFIX ".partial-"
#define LEFTOVER_AGE_SECONDS 60

void
siyu_backup_free (SiyuBackup *backup)
{
  if (backup == NULL)
    return;
  g_free (backup->path);
  g_free (backup->cause);
  g_free (backup);
}

/**
 * siyu_backup_cause_label:
 *
 * Returns: why a backup was kept, for the owner: “Before an import”
 */
const char *
siyu_backup_cause_label (const char *cause)
{
  static const struct {
    const char *cause;
    const char *label;
  } labels[] = {
    { SIYU_BACKUP_CAUSE_MANUAL, N_("Kept by hand") },
    { SIYU_BACKUP_CAUSE_IMPORT, N_("Before an import") },
    { SIYU_BACKUP_CAUSE_SYNC, N_("Before a sync") },
    { SIYU_BACKUP_CAUSE_MODEL, N_("Before a model change") },
    { SIYU_BACKUP_CAUSE_MERGE, N_("Before a merge") },
    { SIYU_BACKUP_CAUSE_ERASE, N_("Before an erasure") },
    { SIYU_BACKUP_CAUSE_BULK, N_("Before a change to many contacts") },
    { SIYU_BACKUP_CAUSE_RESTORE, N_("Before a restore") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (cause, labels[i].cause) == 0)
      return _(labels[i].label);
  return cause;
}

/**
 * siyu_backup_folder_for:
 *
 * Returns: (transfer full): the folder that keeps the backups of the shop
 *   at @shop_path
 */
char *
siyu_backup_folder_for (const char *shop_path)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (shop_path != NULL, NULL);

  dir = g_path_get_dirname (shop_path);
  base = g_path_get_basename (shop_path);
  if (g_str_has_suffix (base, ".siyu") && strlen (base) > strlen (".siyu"))
    base[strlen (base) - strlen (".siyu")] = '\0';
  name = g_strconcat (base, "-backups", NULL);

  return g_build_filename (dir, name, NULL);
}

static char *
shop_display_name (SiyuShop *shop)
{
  return g_filename_display_basename (siyu_shop_get_path (shop));
}

static gboolean
cause_is_valid (const char *cause)
{
  if (cause == NULL || *cause == '\0' || strlen (cause) > 16)
    return FALSE;
  for (const char *p = cause; *p != '\0'; p++)
    if (!g_ascii_islower (*p))
      return FALSE;
  return TRUE;
}

/* Reads a backup's file name; FALSE when it is not one. */
static gboolean
parse_name (const char  *name,
            gint64      *created_at,
            guint       *sequence,
            char       **cause)
{
  g_autoptr(GDateTime) when = NULL;
  int year, month, day, hour, minute, second;
  const char *rest;
  const char *dot;

  if (strlen (name) < 17 + strlen ("-x.siyu") || !g_str_has_suffix (name, ".siyu"))
    return FALSE;
  for (int i = 0; i < 15; i++)
    if (i == 8 ? name[i] != 'T' : !g_ascii_isdigit (name[i]))
      return FALSE;
  if (name[15] != 'Z' || name[16] != '-')
    return FALSE;
  if (sscanf (name, "%4d%2d%2dT%2d%2d%2d", &year, &month, &day, &hour, &minute, &second) != 6)
    return FALSE;
  when = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (when == NULL)
    return FALSE;

  rest = name + 17;
  *sequence = 1;
  if (g_ascii_isdigit (*rest))
    {
      char *end;
      guint64 n = g_ascii_strtoull (rest, &end, 10);

      if (*end != '-' || n < 2 || n > 9999)
        return FALSE;
      *sequence = (guint) n;
      rest = end + 1;
    }
  dot = strrchr (rest, '.');
  {
    g_autofree char *word = g_strndup (rest, (gsize) (dot - rest));

    if (!cause_is_valid (word))
      return FALSE;
    *cause = g_steal_pointer (&word);
  }
  *created_at = g_date_time_to_unix (when);

  return TRUE;
}

static gboolean
ensure_folder (const char  *folder,
               GError     **error)
{
  g_autofree char *display = g_filename_display_name (folder);

  if (g_mkdir_with_parents (folder, 0700) != 0 || g_chmod (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
                   /* Translators: %s is a folder, then the system's reason. */
                   _("Could not make the backup folder “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
sync_path (const char *path,
           gboolean    directory)
{
  int fd = g_open (path, (directory ? O_DIRECTORY : O_RDWR) | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static void
unlink_with_side_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
}

/* Removes what a backup or restore cut short (a crash, a kill) left. */
static void
remove_leftovers (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, PARTIAL_PREFIX))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_lstat (path, &st) == 0 && now - (gint64) st.st_mtime > LEFTOVER_AGE_SECONDS)
        g_unlink (path);
    }
}

/* Makes an empty file only the owner can read, under a hidden name. */
static char *
make_partial (const char  *folder,
              GError     **error)
{
  g_autofree char *template = g_build_filename (folder, PARTIAL_PREFIX "XXXXXX", NULL);
  int fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (folder);

      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
                   _("Could not write a backup in “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);

  return g_steal_pointer (&template);
}

/* Copies the database of @from into @to with SQLite's online backup: a
 * consistent picture of @from, taken under its read lock. */
static int
copy_database (sqlite3 *to,
               sqlite3 *from)
{
  sqlite3_backup *backup = sqlite3_backup_init (to, "main", from, "main");
  int rc;

  if (backup == NULL)
    return sqlite3_errcode (to);
  do
    rc = sqlite3_backup_step (backup, -1);
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);

  return rc == SQLITE_DONE ? sqlite3_errcode (to) : rc;
}

/* Copies the bytes of the file @from into @to, in the kernel where it can. */
static int
copy_file (const char *from,
           const char *to)
{
  int in = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  int out = in >= 0 ? g_open (to, O_WRONLY | O_TRUNC | O_CLOEXEC, 0) : -1;
  gboolean kernel = TRUE;
  int saved_errno = 0;

  if (in < 0 || out < 0)
    {
      saved_errno = errno;
      if (in >= 0)
        close (in);
      return saved_errno;
    }
  for (;;)
    {
      ssize_t n;

      if (kernel)
        {
          n = copy_file_range (in, NULL, out, NULL, 64 * 1024 * 1024, 0);
          if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP))
            {
              kernel = FALSE;
              continue;
            }
        }
      else
        {
          char buffer[256 * 1024];
          ssize_t got = read (in, buffer, sizeof buffer);

          n = got;
          for (ssize_t done = 0; got > 0 && done < got;)
            {
              ssize_t put = write (out, buffer + done, (size_t) (got - done));

              if (put < 0 && errno != EINTR)
                {
                  n = -1;
                  break;
                }
              done += MAX (put, 0);
            }
        }
      if (n == 0)
        break;
      if (n < 0 && errno != EINTR)
        {
          saved_errno = errno;
          break;
        }
    }
  close (in);
  if (close (out) != 0 && saved_errno == 0)
    saved_errno = errno;

  return saved_errno;
}

/* Copies the shop's file as it is, which is the shop when its write-ahead
 * log is empty and no one can write to it: several times faster than
 * SQLite's backup, which writes a page at a time.  Sets @copied to FALSE,
 * and copies nothing, when the log could not be emptied (another program
 * reads the shop); SQLite's backup then does it. */
static int
copy_shop_file (SiyuDb     *db,
                const char *to,
                gboolean   *copied)
{
  sqlite3 *handle = siyu_db_get_handle (db);
  g_autofree char *wal = g_strconcat (siyu_db_get_path (db), "-wal", NULL);
  int log_frames = -1, done_frames = -1;
  GStatBuf st;
  int saved_errno;

  *copied = FALSE;
  if (!sqlite3_get_autocommit (handle) ||
      sqlite3_wal_checkpoint_v2 (handle, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done_frames) != SQLITE_OK ||
      log_frames != done_frames)
    return 0;
  /* Held until the copy is whole: no one writes to the log meanwhile. */
  if (sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return 0;
  if (g_stat (wal, &st) == 0 && st.st_size > 0)
    {
      sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
      return 0;
    }
  saved_errno = copy_file (siyu_db_get_path (db), to);
  sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  *copied = saved_errno == 0;

  return saved_errno;
}

static void
set_write_error (GError     **error,
                 const char  *folder,
                 const char  *reason)
{
  g_autofree char *display = g_filename_display_name (folder);

  g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
               /* Translators: %s is the backup folder, then the reason. */
               _("Could not write a backup in “%s”: %s"), display, reason);
}

static char *
final_path (const char *folder,
            gint64      now,
            const char *cause)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (now);
  g_autofree char *stamp = g_date_time_format (when, "%Y%m%dT%H%M%SZ");

  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autofree char *name = NULL;
  const char *other;
  guint n = 0;

  /* The backups of one second are told apart, and ordered, by a number. */
  while (dir != NULL && (other = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *other_cause = NULL;
      gint64 other_at;
      guint sequence;

      if (g_str_has_prefix (other, stamp) && parse_name (other, &other_at, &sequence, &other_cause))
        n = MAX (n, sequence);
    }
  name = n == 0 ? g_strdup_printf ("%s-%s.siyu", stamp, cause)
                : g_strdup_printf ("%s-%u-%s.siyu", stamp, n + 1, cause);

  return g_build_filename (folder, name, NULL);
}

/**
 * siyu_backup_create:
 * @cause: why: one of the SIYU_BACKUP_CAUSE_… words
 *
 * Keeps a consistent copy of the shop in its backup folder, then removes
 * the backups the retention no longer keeps (see siyu_backup_prune()).
 * Call it outside a transaction, holding the shop's lock.
 *
 * Returns: (transfer full): the backup, or %NULL with @error set
 */
SiyuBackup *
siyu_backup_create (SiyuShop    *shop,
                    const char  *cause,
                    GError     **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SiyuBackup) backup = NULL;
  g_autoptr(GError) prune_error = NULL;
  sqlite3 *to = NULL;
  gboolean copied;
  int saved_errno;
  gint64 now;
  GStatBuf st;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (cause_is_valid (cause), NULL);

  if (siyu_shop_is_read_only (shop))
    {
      g_autofree char *display = shop_display_name (shop);

      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
                   _("“%s” is open read-only: Siyu keeps no backups of it. Save a copy to work on it."), display);
      return NULL;
    }

  folder = siyu_backup_folder_for (siyu_shop_get_path (shop));
  if (!ensure_folder (folder, error))
    return NULL;
  remove_leftovers (folder);
  partial = make_partial (folder, error);
  if (partial == NULL)
    return NULL;

  saved_errno = copy_shop_file (siyu_shop_get_db (shop), partial, &copied);
  if (saved_errno != 0)
    {
      set_write_error (error, folder, g_strerror (saved_errno));
      unlink_with_side_files (partial);
      return NULL;
    }
  if (!copied)
    {
      rc = sqlite3_open_v2 (partial, &to, SQLITE_OPEN_READWRITE, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (to, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = copy_database (to, siyu_db_get_handle (siyu_shop_get_db (shop)));
      sqlite3_close (to);
      if (rc != SQLITE_OK)
        {
          set_write_error (error, folder, rc == SQLITE_FULL ? g_strerror (ENOSPC) : sqlite3_errstr (rc));
          unlink_with_side_files (partial);
          return NULL;
        }
    }

  now = g_get_real_time () / G_USEC_PER_SEC;
  path = final_path (folder, now, cause);
  if (!sync_path (partial, FALSE) || g_rename (partial, path) != 0)
    {
      saved_errno = errno;
      set_write_error (error, folder, g_strerror (saved_errno));
      unlink_with_side_files (partial);
      return NULL;
    }
  sync_path (folder, TRUE);

  backup = g_new0 (SiyuBackup, 1);
  backup->path = g_steal_pointer (&path);
  backup->created_at = now;
  backup->sequence = 1;
  {
    g_autofree char *base = g_path_get_basename (backup->path);
    g_autofree char *word = NULL;

    parse_name (base, &backup->created_at, &backup->sequence, &word);
  }
  backup->cause = g_strdup (cause);
  backup->size = g_stat (backup->path, &st) == 0 ? (gint64) st.st_size : 0;

  /* The backup is kept: one that cannot be removed stays until next time. */
  if (siyu_backup_prune (shop, &prune_error) == 0 && prune_error != NULL)
    g_debug ("%s", prune_error->message);

  return g_steal_pointer (&backup);
}

/**
 * siyu_backup_before:
 *
 * Keeps a backup before a change the owner may want to take back: an
 * import, a sync, a model change, a merge, an erasure, a change to many
 * contacts at once.  Nothing to do for a shop open read-only, which
 * cannot be changed.
 *
 * Returns: %FALSE with @error set when the backup could not be written:
 *   the change must not go on
 */
gboolean
siyu_backup_before (SiyuShop    *shop,
                    const char  *cause,
                    GError     **error)
{
  g_autoptr(SiyuBackup) backup = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  /* Inside a transaction, the change is part of a larger one, which kept
   * its backup before it began (and a copy now would hold half of it). */
  if (siyu_shop_is_read_only (shop) || siyu_db_in_transaction (siyu_shop_get_db (shop)))
    return TRUE;
  backup = siyu_backup_create (shop, cause, &local_error);
  if (backup == NULL)
    {
      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
                   /* Translators: the reason a backup could not be kept. */
                   _("%s. Nothing was changed."), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const SiyuBackup *x = *(SiyuBackup * const *) a;
  const SiyuBackup *y = *(SiyuBackup * const *) b;

  if (x->created_at != y->created_at)
    return x->created_at > y->created_at ? -1 : 1;
  /* Within a second, the later has the larger number. */
  if (x->sequence != y->sequence)
    return x->sequence > y->sequence ? -1 : 1;
  return -strcmp (x->path, y->path);
}

static GPtrArray *
list_folder (const char  *folder,
             GError     **error)
{
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_backup_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &local_error);
  const char *name;

  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&backups);
      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
                   _("Could not read the backup folder: %s"), local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      SiyuBackup *backup;
      gint64 created_at;
      guint sequence;
      char *cause;
      GStatBuf st;
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (!parse_name (name, &created_at, &sequence, &cause))
        continue;
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_free (cause);
          continue;
        }
      backup = g_new0 (SiyuBackup, 1);
      backup->path = g_steal_pointer (&path);
      backup->created_at = created_at;
      backup->sequence = sequence;
      backup->cause = cause;
      backup->size = (gint64) st.st_size;
      g_ptr_array_add (backups, backup);
    }
  g_ptr_array_sort (backups, compare_newest_first);

  return g_steal_pointer (&backups);
}

/**
 * siyu_backup_list:
 *
 * Returns: (transfer full) (element-type SiyuBackup): the shop's backups,
 *   newest first; empty when there are none
 */
GPtrArray *
siyu_backup_list (SiyuShop  *shop,
                  GError   **error)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  folder = siyu_backup_folder_for (siyu_shop_get_path (shop));
  return list_folder (folder, error);
}

/**
 * siyu_backup_find:
 * @name: the file name of a backup, as siyu_backup_list() gives it
 *
 * Returns: (transfer full): the backup, or %NULL with @error set
 */
SiyuBackup *
siyu_backup_find (SiyuShop    *shop,
                  const char  *name,
                  GError     **error)
{
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  backups = siyu_backup_list (shop, error);
  if (backups == NULL)
    return NULL;
  for (guint i = 0; i < backups->len; i++)
    {
      SiyuBackup *backup = g_ptr_array_index (backups, i);
      g_autofree char *base = g_path_get_basename (backup->path);

      if (g_strcmp0 (base, name) == 0)
        return g_ptr_array_steal_index (backups, i);
    }

  {
    g_autofree char *display = g_filename_display_name (name);

    g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_NOT_FOUND,
                 _("There is no backup “%s” of this shop. “siyu-cli backup list” shows them."), display);
  }
  return NULL;
}

static gint64
setting_uint (SiyuShop   *shop,
              const char *key,
              guint       fallback,
              guint       most)
{
  g_autofree char *text = siyu_shop_dup_setting (shop, key);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, most, &value, NULL))
    return fallback;
  return (gint64) value;
}

void
siyu_backup_get_retention (SiyuShop            *shop,
                           SiyuBackupRetention *retention)
{
  g_return_if_fail (SIYU_IS_SHOP (shop));
  g_return_if_fail (retention != NULL);

  retention->keep_last = (guint) setting_uint (shop, "backup_keep_last", SIYU_BACKUP_KEEP_LAST_DEFAULT, 100);
  retention->keep_days = (guint) setting_uint (shop, "backup_keep_days", SIYU_BACKUP_KEEP_DAYS_DEFAULT, 366);
  retention->keep_months = (guint) setting_uint (shop, "backup_keep_months", SIYU_BACKUP_KEEP_MONTHS_DEFAULT, 120);
  if (retention->keep_last == 0)
    retention->keep_last = 1;
}

/**
 * siyu_backup_set_retention:
 *
 * Changes which backups are kept, then removes those no longer kept.
 */
gboolean
siyu_backup_set_retention (SiyuShop                  *shop,
                           const SiyuBackupRetention *retention,
                           GError                   **error)
{
  g_autofree char *last = NULL;
  g_autofree char *days = NULL;
  g_autofree char *months = NULL;
  g_autoptr(GError) prune_error = NULL;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (retention != NULL, FALSE);

  if (retention->keep_last < 1 || retention->keep_last > 100 || retention->keep_days > 366 ||
      retention->keep_months > 120)
    {
      g_set_error (error, SIYU_SHOP_ERROR, SIYU_SHOP_ERROR_INVALID_SETTING,
                   _("Keep between 1 and 100 latest backups, a daily one for up to 366 days and a monthly one "
                     "for up to 120 months."));
      return FALSE;
    }

  db = siyu_shop_get_db (shop);
  last = g_strdup_printf ("%u", retention->keep_last);
  days = g_strdup_printf ("%u", retention->keep_days);
  months = g_strdup_printf ("%u", retention->keep_months);
  if (!siyu_db_begin (db, error))
    return FALSE;
  if (!siyu_shop_write_setting (shop, "backup_keep_last", last, error) ||
      !siyu_shop_write_setting (shop, "backup_keep_days", days, error) ||
      !siyu_shop_write_setting (shop, "backup_keep_months", months, error) ||
      !siyu_db_commit (db, error))
    {
      siyu_db_rollback (db);
      return FALSE;
    }

  if (siyu_backup_prune (shop, &prune_error) == 0 && prune_error != NULL)
    g_debug ("%s", prune_error->message);
  return TRUE;
}

/* The day or month of @utc in the shop's time zone, as a number that
 * orders them. */
static gint64
period_of (GTimeZone *zone,
           gint64     utc,
           gboolean   month)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GDateTime) local = when != NULL ? g_date_time_to_timezone (when, zone) : NULL;

  if (local == NULL)
    return 0;
  if (month)
    return g_date_time_get_year (local) * 12 + g_date_time_get_month (local) - 1;
  return g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
         g_date_time_get_day_of_month (local);
}

/* Marks the newest backup of each of the last @count days or months. */
static void
keep_per_period (GPtrArray *backups,
                 gboolean  *keep,
                 GTimeZone *zone,
                 gint64     now,
                 guint      count,
                 gboolean   month)
{
  gint64 current = period_of (zone, now, month);
  gint64 oldest;
  gint64 last = G_MININT64;

  if (count == 0)
    return;
  if (month)
    oldest = current - (count - 1);
  else
    {
      g_autoptr(GDateTime) then = g_date_time_new_from_unix_utc (now);
      g_autoptr(GDateTime) earlier = g_date_time_add_days (then, -(int) (count - 1));

      oldest = period_of (zone, g_date_time_to_unix (earlier), FALSE);
    }

  /* Newest first: the first of each period is its newest. */
  for (guint i = 0; i < backups->len; i++)
    {
      SiyuBackup *backup = g_ptr_array_index (backups, i);
      gint64 period = period_of (zone, backup->created_at, month);

      if (period < oldest)
        break;
      if (period != last)
        keep[i] = TRUE;
      last = period;
    }
}

/**
 * siyu_backup_prune:
 *
 * Removes the backups the shop's retention does not keep.
 *
 * Returns: how many were removed; 0 with @error set when the folder
 *   could not be read
 */
guint
siyu_backup_prune (SiyuShop  *shop,
                   GError   **error)
{
  return _siyu_backup_prune_at (shop, g_get_real_time () / G_USEC_PER_SEC, error);
}

/* siyu_backup_prune() as it would be at @now: for the tests. */
guint
_siyu_backup_prune_at (SiyuShop  *shop,
                       gint64     now,
                       GError   **error)
{
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree gboolean *keep = NULL;
  SiyuBackupRetention retention;
  guint removed = 0;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);

  backups = siyu_backup_list (shop, error);
  if (backups == NULL)
    return 0;
  siyu_backup_get_retention (shop, &retention);
  keep = g_new0 (gboolean, backups->len + 1);
  for (guint i = 0; i < backups->len && i < retention.keep_last; i++)
    keep[i] = TRUE;
  keep_per_period (backups, keep, siyu_shop_get_time_zone (shop), now, retention.keep_days, FALSE);
  keep_per_period (backups, keep, siyu_shop_get_time_zone (shop), now, retention.keep_months, TRUE);

  for (guint i = 0; i < backups->len; i++)
    {
      SiyuBackup *backup = g_ptr_array_index (backups, i);

      if (!keep[i] && g_unlink (backup->path) == 0)
        removed++;
    }
  return removed;
}

/**
 * siyu_backup_restore:
 * @backup_path: a backup of the shop, or any shop file
 *
 * Replaces the shop's data with that of @backup_path, after keeping a
 * backup of the shop as it is (cause “restore”), so that a restore can
 * itself be taken back.  The backup is first checked as a shop is when
 * opened, and brought up to this version of Siyu, in a copy; it is not
 * changed.  Afterwards, open the shop again: its settings and figures are
 * those of the backup.
 */
gboolean
siyu_backup_restore (SiyuShop    *shop,
                     const char  *backup_path,
                     GError     **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SiyuDb) restored = NULL;
  g_autoptr(SiyuBackup) before = NULL;
  SiyuDb *db;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  display = g_filename_display_basename (backup_path);
  if (!g_file_test (backup_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_NOT_FOUND,
                   _("There is no backup “%s”."), display);
      return FALSE;
    }
  if (siyu_shop_is_read_only (shop))
    {
      g_autofree char *shop_name = shop_display_name (shop);

      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY,
                   _("“%s” is open read-only: nothing can be restored into it."), shop_name);
      return FALSE;
    }

  folder = siyu_backup_folder_for (siyu_shop_get_path (shop));
  if (!ensure_folder (folder, error))
    return FALSE;
  remove_leftovers (folder);

  /* Checked as a shop is when opened, and read as it is; one an older
   * Siyu saved is brought up to date in a copy, the backup left as it is. */
  restored = siyu_db_open_read_only (backup_path, &local_error);
  if (restored == NULL && g_error_matches (local_error, SIYU_DB_ERROR, SIYU_DB_ERROR_READ_ONLY))
    {
      g_clear_error (&local_error);
      partial = make_partial (folder, error);
      if (partial == NULL)
        return FALSE;
      source = g_file_new_for_path (backup_path);
      copy = g_file_new_for_path (partial);
      if (!g_file_copy (source, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
        {
          set_write_error (error, folder, local_error->message);
          unlink_with_side_files (partial);
          return FALSE;
        }
      restored = siyu_db_open (partial, &local_error);
    }
  if (restored == NULL)
    {
      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_NOT_A_BACKUP,
                   /* Translators: a backup's name, then why it cannot be used. */
                   _("“%s” cannot be restored: %s"), display, local_error->message);
      if (partial != NULL)
        unlink_with_side_files (partial);
      return FALSE;
    }

  before = siyu_backup_create (shop, SIYU_BACKUP_CAUSE_RESTORE, error);
  if (before == NULL)
    {
      g_clear_object (&restored);
      if (partial != NULL)
        unlink_with_side_files (partial);
      return FALSE;
    }

  db = siyu_shop_get_db (shop);
  rc = copy_database (siyu_db_get_handle (db), siyu_db_get_handle (restored));
  g_clear_object (&restored);
  if (partial != NULL)
    unlink_with_side_files (partial);
  if (rc != SQLITE_OK)
    {
      g_autofree char *shop_name = shop_display_name (shop);

      g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
                   /* Translators: the backup, the shop, the reason. */
                   _("Could not restore “%s” into “%s”: %s. The shop is as it was."),
                   display, shop_name, rc == SQLITE_FULL ? g_strerror (ENOSPC) : sqlite3_errstr (rc));
      return FALSE;
    }
  siyu_shop_reload (shop);

  return TRUE;
}

/**
 * siyu_backup_person_traces:
 *
 * What tells a person apart in a backup: the values of their phone,
 * e-mail, WeChat and platform identities.  Read before an erasure, to
 * find the backups that hold the person afterwards.
 *
 * Returns: (transfer full): a %NULL-terminated array, or %NULL with @error
 */
char **
siyu_backup_person_traces (SiyuShop    *shop,
                           gint64       contact_id,
                           GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GStrvBuilder) traces = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT value FROM contact_identities WHERE contact_id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (traces, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  return g_strv_builder_end (traces);
}

/* Whether the backup at @path holds the contact or one of @traces; a
 * backup Siyu cannot read counts as holding them. */
static gboolean
holds_person (const char         *path,
              gint64              contact_id,
              const char * const *traces)
{
  g_autoptr(SiyuDb) db = siyu_db_open_read_only (path, NULL);
  sqlite3_stmt *stmt;
  gboolean found;

  if (db == NULL)
    return TRUE;
  stmt = siyu_db_prepare (db, "SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ? AND erased_at IS NULL)", NULL);
  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  found = siyu_db_step (db, stmt, NULL) != SQLITE_ROW || sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);

  stmt = siyu_db_prepare (db, "SELECT EXISTS (SELECT 1 FROM contact_identities WHERE value = ?)", NULL);
  if (stmt == NULL)
    return TRUE;
  for (guint i = 0; !found && traces != NULL && traces[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt, 1, traces[i], -1, SQLITE_STATIC);
      found = siyu_db_step (db, stmt, NULL) != SQLITE_ROW || sqlite3_column_int (stmt, 0) != 0;
      sqlite3_reset (stmt);
    }

  return found;
}

/**
 * siyu_backup_forget_person:
 * @traces: (nullable): from siyu_backup_person_traces(), read before the
 *   erasure
 * @removed: (out) (optional): how many backups were deleted
 *
 * After an erasure, deletes every backup that still holds the person: the
 * contact not yet erased, or one of their identities.
 *
 * Returns: %FALSE with @error set when a backup that holds them could not
 *   be deleted
 */
gboolean
siyu_backup_forget_person (SiyuShop           *shop,
                           gint64              contact_id,
                           const char * const *traces,
                           guint              *removed,
                           GError            **error)
{
  g_autoptr(GPtrArray) backups = NULL;
  guint count = 0;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  if (removed != NULL)
    *removed = 0;
  backups = siyu_backup_list (shop, error);
  if (backups == NULL)
    return FALSE;
  for (guint i = 0; i < backups->len; i++)
    {
      SiyuBackup *backup = g_ptr_array_index (backups, i);

      if (!holds_person (backup->path, contact_id, traces))
        continue;
      if (g_unlink (backup->path) != 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_basename (backup->path);

          g_set_error (error, SIYU_BACKUP_ERROR, SIYU_BACKUP_ERROR_FAILED,
                       _("Could not delete the backup “%s”, which still holds the erased person: %s"),
                       display, g_strerror (saved_errno));
          return FALSE;
        }
      count++;
    }
  if (removed != NULL)
    *removed = count;

  return TRUE;
}
