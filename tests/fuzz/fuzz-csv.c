/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "siyu-csv-reader.h"
#include "siyu-fuzz.h"

/* The input is a CSV file, read to its end as an import reads it: the
 * encoding and the delimiter are detected from the first block. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  siyu_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, (gssize) size, NULL);
  g_autoptr(SiyuCsvReader) reader = siyu_csv_reader_new (stream, NULL);
  g_autoptr(GError) error = NULL;
  SiyuCsvStatus status;
  guint rows = 0;

  while ((status = siyu_csv_reader_next (reader, NULL, &error)) == SIYU_CSV_ROW)
    {
      guint n = G_MAXUINT;
      const char *const *fields = siyu_csv_reader_get_fields (reader, &n);

      rows++;
      siyu_fuzz_check (siyu_csv_reader_get_row (reader) == rows, "row %u reported as %u",
                       rows, siyu_csv_reader_get_row (reader));
      siyu_fuzz_check (fields[n] == NULL, "the fields of row %u are not NULL-terminated", rows);
      for (guint i = 0; i < n; i++)
        siyu_fuzz_check (g_utf8_validate (fields[i], -1, NULL), "row %u, field %u is not UTF-8", rows, i + 1);
    }

  /* A stream in memory cannot fail to read. */
  siyu_fuzz_check (status != SIYU_CSV_IO_ERROR, "%s", error != NULL ? error->message : "no message");
  siyu_fuzz_check (siyu_csv_reader_get_encoding (reader) != NULL, "no encoding after reading");

  return 0;
}
