/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "siyu-fuzz.h"
#include "siyu-xlsx-reader.h"

/* The input is an .xlsx file, read to its end as an import reads it.  The
 * reader opens a path, so the bytes go to a file in memory first.
 *
 * A ZIP part holds a CRC of its contents: a byte changed inside a part makes
 * libarchive refuse it, so flipping bytes alone seldom gets to the XML.  The
 * custom mutator below therefore, half of the time, unpacks the ZIP, mutates
 * one part's contents (or its name) and packs it again, stored and with the
 * right CRC; the other half it mutates the raw bytes, which fuzzes the ZIP
 * container itself. */

#define MAX_PARTS 16

static int fd = -1;
static char *path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  siyu_fuzz_init ();
  fd = memfd_create ("fuzz.xlsx", MFD_CLOEXEC);
  if (fd < 0)
    g_error ("memfd_create: %s", g_strerror (errno));
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SiyuXlsxReader) reader = NULL;
  SiyuXlsxStatus status;

  if (ftruncate (fd, 0) != 0 || pwrite (fd, data, size, 0) != (ssize_t) size)
    g_error ("cannot write the input: %s", g_strerror (errno));

  status = siyu_xlsx_reader_open (path, &reader);
  siyu_fuzz_check ((status == SIYU_XLSX_ROW) == (reader != NULL), "status %d with reader %p", status, reader);
  if (reader == NULL)
    return 0;

  while ((status = siyu_xlsx_reader_next (reader)) == SIYU_XLSX_ROW)
    {
      guint n = G_MAXUINT;
      const char *const *fields = siyu_xlsx_reader_get_fields (reader, &n);

      siyu_fuzz_check (n > 0, "a row without cells");
      siyu_fuzz_check (fields[n] == NULL, "the cells of row %u are not NULL-terminated",
                       siyu_xlsx_reader_get_row (reader));
      for (guint i = 0; i <= n; i++)
        {
          siyu_xlsx_reader_is_number (reader, i);
          if (i < n)
            siyu_fuzz_check (g_utf8_validate (fields[i], -1, NULL), "row %u, cell %u is not UTF-8",
                             siyu_xlsx_reader_get_row (reader), i + 1);
        }
    }
  siyu_fuzz_check (status == SIYU_XLSX_END || status == SIYU_XLSX_BAD_XML || status == SIYU_XLSX_MERGED_CELLS ||
                   status == SIYU_XLSX_TOO_WIDE || status == SIYU_XLSX_CELL_TOO_LONG ||
                   status == SIYU_XLSX_ROW_TOO_LONG || status == SIYU_XLSX_TOO_LARGE,
                   "status %d after the rows", status);

  return 0;
}

/* The structure-aware half of the mutator. */

typedef struct {
  char   *name;
  GBytes *contents;
} Part;

static const char * const part_names[] = {
  "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
  "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml",
};

static guint
read_parts (const uint8_t *data,
            size_t         size,
            size_t         max_size,
            Part          *parts)
{
  struct archive *zip = archive_read_new ();
  struct archive_entry *entry;
  guint n = 0;

  archive_read_support_format_zip (zip);
  if (archive_read_open_memory (zip, data, size) != ARCHIVE_OK)
    {
      archive_read_free (zip);
      return 0;
    }
  while (n < MAX_PARTS && archive_read_next_header (zip, &entry) == ARCHIVE_OK)
    {
      g_autoptr(GByteArray) contents = g_byte_array_new ();
      guint8 buffer[4096];
      la_ssize_t got;

      while ((got = archive_read_data (zip, buffer, sizeof buffer)) > 0 && contents->len <= max_size)
        g_byte_array_append (contents, buffer, (guint) got);
      if (got < 0 || contents->len > max_size || archive_entry_pathname (entry) == NULL)
        break;
      parts[n].name = g_strdup (archive_entry_pathname (entry));
      parts[n].contents = g_byte_array_free_to_bytes (g_steal_pointer (&contents));
      n++;
    }
  archive_read_free (zip);
  return n;
}

static size_t
write_parts (const Part *parts,
             guint       n,
             uint8_t    *out,
             size_t      max_size)
{
  struct archive *zip = archive_write_new ();
  size_t used = 0;
  gboolean ok;

  archive_write_set_format_zip (zip);
  archive_write_set_options (zip, "zip:compression=store");
  ok = archive_write_open_memory (zip, out, max_size, &used) == ARCHIVE_OK;
  for (guint i = 0; ok && i < n; i++)
    {
      struct archive_entry *entry = archive_entry_new ();
      gsize len;
      const void *bytes = g_bytes_get_data (parts[i].contents, &len);

      archive_entry_set_pathname (entry, parts[i].name);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, (la_int64_t) len);
      ok = archive_write_header (zip, entry) == ARCHIVE_OK &&
           (len == 0 || archive_write_data (zip, bytes, len) == (la_ssize_t) len);
      archive_entry_free (entry);
    }
  ok = archive_write_close (zip) == ARCHIVE_OK && ok;
  archive_write_free (zip);
  return ok ? used : 0;
}

size_t LLVMFuzzerCustomMutator (uint8_t      *data,
                                size_t        size,
                                size_t        max_size,
                                unsigned int  seed);

size_t
LLVMFuzzerCustomMutator (uint8_t      *data,
                         size_t        size,
                         size_t        max_size,
                         unsigned int  seed)
{
  Part parts[MAX_PARTS];
  g_autofree uint8_t *scratch = NULL;
  guint n;
  guint pick;
  size_t written = 0;

  if (seed % 2 == 0 || (n = read_parts (data, size, max_size, parts)) == 0)
    return LLVMFuzzerMutate (data, size, max_size);

  pick = (seed / 2) % n;
  if ((seed / 64) % 8 == 0)
    {
      /* Now and then a part gets another name: a second sheet, a lost workbook. */
      g_free (parts[pick].name);
      parts[pick].name = g_strdup (part_names[(seed / 512) % G_N_ELEMENTS (part_names)]);
    }
  else
    {
      gsize len;
      const void *contents = g_bytes_get_data (parts[pick].contents, &len);
      uint8_t *buffer = g_malloc (max_size + 1);
      size_t mutated;

      if (len > 0)
        memcpy (buffer, contents, MIN (len, max_size));
      else
        buffer[len++] = '<';
      mutated = LLVMFuzzerMutate (buffer, MIN (len, max_size), max_size);
      g_bytes_unref (parts[pick].contents);
      parts[pick].contents = g_bytes_new_take (buffer, mutated);
    }

  scratch = g_malloc (max_size);
  written = write_parts (parts, n, scratch, max_size);
  for (guint i = 0; i < n; i++)
    {
      g_free (parts[i].name);
      g_bytes_unref (parts[i].contents);
    }
  if (written == 0)
    return LLVMFuzzerMutate (data, size, max_size);
  memcpy (data, scratch, written);
  return written;
}
