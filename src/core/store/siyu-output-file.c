/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-output-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "siyu-output-file.h"

/* A file Siyu writes for the owner (an export, a PDF, rejected rows) holds
 * customers' personal data.  It is written under a hidden temporary name in
 * the folder of its target, created exclusively with mode 0600 (so a link
 * planted at that name is never followed, and no other user can read it),
 * and renamed over the target only when complete.  An unfinished one is
 * removed.  Errors name the file the owner chose, never the temporary one.
 *
 * The temporary name is “.NAME.siyu-XXXXXX”, so that one a killed process
 * left behind can be told from the owner's files and removed later
 * (siyu_output_file_remove_leftovers()). */
#define TEMP_MARK ".siyu-"

struct _SiyuOutputFile
{
  char *path;
  char *temp_path;
  int   fd;
};

#define LEFTOVER_AGE_SECONDS 60

/**
 * siyu_output_file_open:
 * @path: the file the owner chose
 *
 * Returns: (transfer full): the file being written, or %NULL with @error set
 */
SiyuOutputFile *
siyu_output_file_open (const char  *path,
                       GError     **error)
{
  g_autoptr(SiyuOutputFile) self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (SiyuOutputFile, 1);
  self->fd = -1;
  self->path = g_strdup (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Could not save “%s”: it is a folder."), display);
      return NULL;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  /* What a write killed half way left in this folder, wherever it is:
   * the command line writes anywhere (siyu-cli segment export --out). */
  siyu_output_file_remove_leftovers (dir, LEFTOVER_AGE_SECONDS);
  self->temp_path = g_strdup_printf ("%s%c.%s" TEMP_MARK "XXXXXX", dir, G_DIR_SEPARATOR, base);
  self->fd = g_mkstemp_full (self->temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      int errsv = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_clear_pointer (&self->temp_path, g_free);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   /* Translators: %s is a folder, then the reason. */
                   _("Cannot write in the folder “%s”: %s"), display, g_strerror (errsv));
      return NULL;
    }

  return g_steal_pointer (&self);
}

int
siyu_output_file_get_fd (SiyuOutputFile *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->fd;
}

const char *
siyu_output_file_get_temp_path (SiyuOutputFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->temp_path;
}

const char *
siyu_output_file_get_path (SiyuOutputFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

/**
 * siyu_output_file_set_error:
 * @errsv: the errno of a failed write
 *
 * Sets @error to say that the owner's file could not be saved and why
 * (“No space left on device”), naming their file.
 */
void
siyu_output_file_set_error (SiyuOutputFile  *self,
                            int              errsv,
                            GError         **error)
{
  g_autofree char *display = NULL;

  g_return_if_fail (self != NULL);

  display = g_filename_display_name (self->path);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               /* Translators: %s is a file, then the reason. */
               _("Could not save “%s”: %s"), display, g_strerror (errsv));
}

gboolean
siyu_output_file_write (SiyuOutputFile  *self,
                        const void      *data,
                        gsize            length,
                        GError         **error)
{
  const char *p = data;

  g_return_val_if_fail (self != NULL && self->fd >= 0, FALSE);

  while (length > 0)
    {
      gssize n = write (self->fd, p, length);

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          siyu_output_file_set_error (self, errsv, error);
          return FALSE;
        }
      p += n;
      length -= (gsize) n;
    }

  return TRUE;
}

/**
 * siyu_output_file_sync:
 *
 * Flushes the file to the disk and closes it, still under its temporary
 * name: what can fail for lack of space fails here, before the caller
 * records anything.  siyu_output_file_commit() then only renames it.
 */
gboolean
siyu_output_file_sync (SiyuOutputFile  *self,
                       GError         **error)
{
  int fd;

  g_return_val_if_fail (self != NULL && self->fd >= 0, FALSE);

  fd = self->fd;
  self->fd = -1;
  if (fsync (fd) != 0)
    {
      int errsv = errno;

      close (fd);
      siyu_output_file_set_error (self, errsv, error);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      siyu_output_file_set_error (self, errno, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_output_file_commit:
 *
 * Flushes the file to the disk, unless siyu_output_file_sync() did, and
 * gives it its name.  Afterwards the file is the owner's: freeing @self no
 * longer removes it.
 */
gboolean
siyu_output_file_commit (SiyuOutputFile  *self,
                         GError         **error)
{
  g_return_val_if_fail (self != NULL && self->temp_path != NULL, FALSE);

  if (self->fd >= 0 && !siyu_output_file_sync (self, error))
    return FALSE;
  if (g_rename (self->temp_path, self->path) != 0)
    {
      siyu_output_file_set_error (self, errno, error);
      return FALSE;
    }
  g_clear_pointer (&self->temp_path, g_free);

  return TRUE;
}

/**
 * siyu_output_file_free:
 *
 * Closes the file; one that was not committed is removed.
 */
void
siyu_output_file_free (SiyuOutputFile *self)
{
  if (self == NULL)
    return;

  if (self->fd >= 0)
    close (self->fd);
  if (self->temp_path != NULL)
    g_unlink (self->temp_path);
  g_free (self->temp_path);
  g_free (self->path);
  g_free (self);
}

static gboolean
is_temp_name (const char *name)
{
  const char *mark = g_strrstr (name, TEMP_MARK);

  if (name[0] != '.' || mark == NULL || mark == name || strlen (mark) != strlen (TEMP_MARK) + 6)
    return FALSE;
  for (const char *p = mark + strlen (TEMP_MARK); *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;

  return TRUE;
}

/**
 * siyu_output_file_remove_leftovers:
 * @dir: a folder Siyu writes files to
 * @min_age: seconds; younger ones may still be being written
 *
 * Removes the temporary files of SiyuOutputFile that a killed process left
 * in @dir: regular files of this user named “.NAME.siyu-XXXXXX”, not
 * changed for @min_age seconds.  Links and anything else are left alone.
 *
 * Returns: how many were removed
 */
guint
siyu_output_file_remove_leftovers (const char *dir,
                                   gint64      min_age)
{
  g_autoptr(GDir) d = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (dir != NULL, 0);

  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!is_temp_name (name))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != getuid () ||
          (gint64) st.st_mtime > now - min_age)
        continue;
      if (g_unlink (path) == 0)
        removed++;
    }

  return removed;
}
