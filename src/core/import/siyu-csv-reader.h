/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SiyuCsvReader SiyuCsvReader;

/* What siyu_csv_reader_next() found.  The reader knows rows and columns
 * but not what they mean, so it returns a reason and the place; the
 * importer phrases the message. */
typedef enum {
  SIYU_CSV_ROW,
  SIYU_CSV_END,
  SIYU_CSV_BAD_QUOTE,
  SIYU_CSV_UNTERMINATED_QUOTE,
  SIYU_CSV_BAD_ENCODING,
  SIYU_CSV_IO_ERROR,
  SIYU_CSV_FIELD_TOO_LONG,
  SIYU_CSV_TOO_WIDE,
  SIYU_CSV_ROW_TOO_LONG,
  SIYU_CSV_MIXED_ENCODING,
  SIYU_CSV_NUL_BYTE,
} SiyuCsvStatus;

/* What a row may hold, as in an XLSX workbook: Excel's column limit,
 * 1 MB a field and 16 MB a row, so memory stays flat for any file. */
#define SIYU_CSV_MAX_COLUMNS 16384
#define SIYU_CSV_MAX_FIELD   (1024 * 1024)
#define SIYU_CSV_MAX_ROW     (16 * 1024 * 1024)

SiyuCsvReader      *siyu_csv_reader_new           (GInputStream  *stream,
                                                   const char    *encoding);
void                siyu_csv_reader_free          (SiyuCsvReader *reader);
SiyuCsvStatus       siyu_csv_reader_next          (SiyuCsvReader *reader,
                                                   GCancellable  *cancellable,
                                                   GError       **error);
const char *const  *siyu_csv_reader_get_fields    (SiyuCsvReader *reader,
                                                   guint         *n_fields);
guint               siyu_csv_reader_get_row       (SiyuCsvReader *reader);
guint               siyu_csv_reader_get_column    (SiyuCsvReader *reader);
const char         *siyu_csv_reader_get_encoding  (SiyuCsvReader *reader);
char                siyu_csv_reader_get_delimiter (SiyuCsvReader *reader);
guint64             siyu_csv_reader_get_offset    (SiyuCsvReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuCsvReader, siyu_csv_reader_free)

G_END_DECLS
