/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SiyuXlsxReader SiyuXlsxReader;

/* What the reader found; as with the CSV reader, the importer phrases
 * the message. */
typedef enum {
  SIYU_XLSX_ROW,
  SIYU_XLSX_END,
  SIYU_XLSX_NOT_ZIP,
  SIYU_XLSX_NOT_XLSX,
  SIYU_XLSX_BAD_XML,
  SIYU_XLSX_MERGED_CELLS,
  SIYU_XLSX_TOO_WIDE,
  SIYU_XLSX_CELL_TOO_LONG,
  SIYU_XLSX_ROW_TOO_LONG,
  SIYU_XLSX_TOO_LARGE,
} SiyuXlsxStatus;

/* What a workbook may hold before it is refused as too large: Excel's own
 * column limit, and enough for any real export while memory stays far
 * below 200 MB whatever the file. */
#define SIYU_XLSX_MAX_COLUMNS      16384
#define SIYU_XLSX_MAX_CELL         (1024 * 1024)
#define SIYU_XLSX_MAX_ROW          (16 * 1024 * 1024)
#define SIYU_XLSX_MAX_SMALL_PART   (16 * 1024 * 1024)
#define SIYU_XLSX_MAX_STRINGS      (96 * 1024 * 1024)
#define SIYU_XLSX_MAX_PART         (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)
#define SIYU_XLSX_MAX_RATIO        200

SiyuXlsxStatus      siyu_xlsx_reader_open       (const char      *path,
                                                 SiyuXlsxReader **reader);
void                siyu_xlsx_reader_free       (SiyuXlsxReader  *reader);
SiyuXlsxStatus      siyu_xlsx_reader_next       (SiyuXlsxReader  *reader);
const char *const  *siyu_xlsx_reader_get_fields (SiyuXlsxReader  *reader,
                                                 guint           *n_fields);
gboolean            siyu_xlsx_reader_is_number  (SiyuXlsxReader  *reader,
                                                 guint            column);
guint               siyu_xlsx_reader_get_row    (SiyuXlsxReader  *reader);
guint               siyu_xlsx_reader_get_column (SiyuXlsxReader  *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuXlsxReader, siyu_xlsx_reader_free)

G_END_DECLS
