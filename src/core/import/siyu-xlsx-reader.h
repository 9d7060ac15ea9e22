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
} SiyuXlsxStatus;

SiyuXlsxStatus      siyu_xlsx_reader_open       (const char      *path,
                                                 SiyuXlsxReader **reader);
void                siyu_xlsx_reader_free       (SiyuXlsxReader  *reader);
SiyuXlsxStatus      siyu_xlsx_reader_next       (SiyuXlsxReader  *reader);
const char *const  *siyu_xlsx_reader_get_fields (SiyuXlsxReader  *reader,
                                                 guint           *n_fields);
gboolean            siyu_xlsx_reader_is_number  (SiyuXlsxReader  *reader,
                                                 guint            column);
guint               siyu_xlsx_reader_get_row    (SiyuXlsxReader  *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuXlsxReader, siyu_xlsx_reader_free)

G_END_DECLS
