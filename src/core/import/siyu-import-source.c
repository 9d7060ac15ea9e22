/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-import"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-import-private.h"
#include "siyu-text.h"

/* The rows of the file being imported, from the CSV or the XLSX reader,
 * with the readers' reasons turned into messages that name the file,
 * the row and the column. */


void
_siyu_import_source_clear (Source *source)
{
  g_clear_pointer (&source->csv, siyu_csv_reader_free);
  g_clear_pointer (&source->xlsx, siyu_xlsx_reader_free);
  g_clear_object (&source->stream);
  g_clear_pointer (&source->cells, g_ptr_array_unref);
}

gboolean
_siyu_import_file_error (SiyuImport  *self,
            GError     **error,
            const char  *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_FILE, "%s: %s", self->display_name, message);

  return FALSE;
}

/* A file past one of the readers' caps: the same words for CSV and XLSX. */
static gboolean
too_large (SiyuImport      *self,
           GError         **error,
           SiyuXlsxStatus   status,
           guint            row,
           guint            column)
{
  if (status == SIYU_XLSX_TOO_WIDE)
    return _siyu_import_file_error (self, error, _("Row %u has more than %u columns, more than a spreadsheet can hold. The file is damaged or was not exported by a shop."),
                       row, (guint) SIYU_XLSX_MAX_COLUMNS);
  if (status == SIYU_XLSX_CELL_TOO_LONG && row > 0)
    return _siyu_import_file_error (self, error, _("Row %u, column %u holds more than 1 MB of text. No field of a shop’s export is that long: the file is damaged or was not exported by a shop."),
                       row, column);
  if (status == SIYU_XLSX_CELL_TOO_LONG)
    return _siyu_import_file_error (self, error, _("A cell of the workbook holds more than 1 MB of text. No field of a shop’s export is that long: the file is damaged or was not exported by a shop."));
  if (status == SIYU_XLSX_ROW_TOO_LONG)
    return _siyu_import_file_error (self, error, _("Row %u holds more than 16 MB of text. The file is damaged or was not exported by a shop."),
                       row);
  return _siyu_import_file_error (self, error, _("The Excel workbook unpacks to far more than its size, or to more than Siyu reads (a ZIP bomb, or a damaged file). It was not read."));
}

gboolean
_siyu_import_source_open (SiyuImport    *self,
             Source        *source,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (self->path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  GFileInputStream *stream;
  guchar magic[4] = { 0, };
  gssize n;

  source->self = self;
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    return _siyu_import_file_error (self, error, _("The file cannot be read: %s"), local_error->message);
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    return _siyu_import_file_error (self, error, _("This is a folder, not a file."));
  source->size = (guint64) g_file_info_get_size (info);
  if (source->size == 0)
    return _siyu_import_file_error (self, error, _("The file is empty."));

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    return _siyu_import_file_error (self, error, _("The file cannot be read: %s"), local_error->message);
  source->stream = G_INPUT_STREAM (stream);
  n = g_input_stream_read (source->stream, magic, sizeof magic, cancellable, &local_error);
  if (n < 0)
    return _siyu_import_file_error (self, error, _("The file cannot be read: %s"), local_error->message);

  self->xlsx = n == 4 && memcmp (magic, "PK\3\4", 4) == 0;
  if (!self->xlsx && g_str_has_suffix (self->path, ".xlsx"))
    return _siyu_import_file_error (self, error, _("The file is not an Excel workbook (.xlsx), though its name says so."));

  if (self->xlsx)
    {
      SiyuXlsxStatus status;

      g_clear_object (&source->stream);
      status = siyu_xlsx_reader_open (self->path, &source->xlsx);
      if (status == SIYU_XLSX_NOT_XLSX)
        return _siyu_import_file_error (self, error, _("The file is a ZIP archive but not an Excel workbook."));
      if (status == SIYU_XLSX_TOO_LARGE || status == SIYU_XLSX_CELL_TOO_LONG)
        return too_large (self, error, status, 0, 0);
      if (status != SIYU_XLSX_ROW)
        return _siyu_import_file_error (self, error, _("The Excel workbook is damaged and cannot be read."));
      source->cells = g_ptr_array_new ();
      g_free (self->encoding);
      self->encoding = g_strdup ("UTF-8");
      self->delimiter = '\0';
      return TRUE;
    }

  if (!g_seekable_seek (G_SEEKABLE (source->stream), 0, G_SEEK_SET, cancellable, &local_error))
    return _siyu_import_file_error (self, error, _("The file cannot be read: %s"), local_error->message);
  source->csv = siyu_csv_reader_new (source->stream, self->encoding_choice);

  return TRUE;
}

/* Returns 1 with a row, 0 at the end, -1 with @error set. */
int
_siyu_import_source_next (Source        *source,
             const char * const **cells_out,
             guint         *n_cells,
             guint         *row,
             GCancellable  *cancellable,
             GError       **error)
{
  SiyuImport *self = source->self;

  if (source->xlsx != NULL)
    {
      const char * const *cells;
      SiyuXlsxStatus status;
      guint n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;

      switch ((status = siyu_xlsx_reader_next (source->xlsx)))
        {
        case SIYU_XLSX_ROW:
          break;
        case SIYU_XLSX_END:
          return 0;
        case SIYU_XLSX_MERGED_CELLS:
          _siyu_import_file_error (self, error, _("The sheet has merged cells. Unmerge them in Excel, so that every row has its own values, and import again."));
          return -1;
        case SIYU_XLSX_TOO_WIDE:
        case SIYU_XLSX_CELL_TOO_LONG:
        case SIYU_XLSX_ROW_TOO_LONG:
        case SIYU_XLSX_TOO_LARGE:
          too_large (self, error, status, siyu_xlsx_reader_get_row (source->xlsx),
                     siyu_xlsx_reader_get_column (source->xlsx));
          return -1;
        case SIYU_XLSX_NOT_ZIP:
        case SIYU_XLSX_NOT_XLSX:
        case SIYU_XLSX_BAD_XML:
        default:
          _siyu_import_file_error (self, error, _("The Excel workbook is damaged and cannot be read."));
          return -1;
        }

      cells = siyu_xlsx_reader_get_fields (source->xlsx, &n);
      g_ptr_array_set_size (source->cells, 0);
      for (guint i = 0; i < MAX (n, self->n_headers); i++)
        g_ptr_array_add (source->cells, (gpointer) (i < n ? cells[i] : ""));
      g_ptr_array_add (source->cells, NULL);
      *cells_out = (const char * const *) source->cells->pdata;
      *n_cells = source->cells->len - 1;
      *row = siyu_xlsx_reader_get_row (source->xlsx);
      return 1;
    }

  switch (siyu_csv_reader_next (source->csv, cancellable, error))
    {
    case SIYU_CSV_ROW:
      *cells_out = siyu_csv_reader_get_fields (source->csv, n_cells);
      *row = siyu_csv_reader_get_row (source->csv);
      return 1;
    case SIYU_CSV_END:
      return 0;
    case SIYU_CSV_BAD_QUOTE:
      _siyu_import_file_error (self, error, _("Row %u has a quote in the middle of a field; a field with quotes must be quoted whole, its quotes doubled."),
                  siyu_csv_reader_get_row (source->csv));
      return -1;
    case SIYU_CSV_UNTERMINATED_QUOTE:
      _siyu_import_file_error (self, error, _("A quoted field that starts at row %u never ends."),
                  siyu_csv_reader_get_row (source->csv));
      return -1;
    case SIYU_CSV_FIELD_TOO_LONG:
      too_large (self, error, SIYU_XLSX_CELL_TOO_LONG, siyu_csv_reader_get_row (source->csv),
                 siyu_csv_reader_get_column (source->csv));
      return -1;
    case SIYU_CSV_TOO_WIDE:
      too_large (self, error, SIYU_XLSX_TOO_WIDE, siyu_csv_reader_get_row (source->csv),
                 siyu_csv_reader_get_column (source->csv));
      return -1;
    case SIYU_CSV_ROW_TOO_LONG:
      too_large (self, error, SIYU_XLSX_ROW_TOO_LONG, siyu_csv_reader_get_row (source->csv),
                 siyu_csv_reader_get_column (source->csv));
      return -1;
    case SIYU_CSV_NUL_BYTE:
      _siyu_import_file_error (self, error, _("Row %u, column %u holds a NUL byte: this is not a text file, or it is damaged."),
                  siyu_csv_reader_get_row (source->csv), siyu_csv_reader_get_column (source->csv));
      return -1;
    case SIYU_CSV_MIXED_ENCODING:
      _siyu_import_file_error (self, error, _("Row %u, column %u is UTF-8 text, but the file began in GB18030: it mixes two encodings, and importing it would garble its Chinese. Save it again in one encoding, or choose UTF-8 if most of it is."),
                  siyu_csv_reader_get_row (source->csv), siyu_csv_reader_get_column (source->csv));
      return -1;
    case SIYU_CSV_BAD_ENCODING:
      _siyu_import_file_error (self, error, _("Row %u, column %u is not %s text. Choose the file’s encoding (UTF-8 or GB18030)."),
                  siyu_csv_reader_get_row (source->csv), siyu_csv_reader_get_column (source->csv),
                  siyu_csv_reader_get_encoding (source->csv));
      return -1;
    case SIYU_CSV_IO_ERROR:
    default:
      if (error != NULL && *error != NULL &&
          !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup ((*error)->message);

          g_clear_error (error);
          _siyu_import_file_error (self, error, _("The file cannot be read: %s"), message);
        }
      return -1;
    }
}

gboolean
_siyu_import_row_is_blank (const char * const *cells,
              guint               n)
{
  for (guint i = 0; i < n; i++)
    if (!siyu_text_is_blank (cells[i]))
      return FALSE;
  return TRUE;
}


/* Read-ahead: a thread of its own reads the rows of a source, so that
 * reading and checking the text of a large file is done beside the
 * writing of the rows before it rather than in turn with it.  The rows go
 * over in batches, each one block of text, and only a few batches are
 * ever in memory: the thread waits for the reader to hand one back. */

#define BATCH_ROWS 1024
#define N_BATCHES 4

typedef struct {
  gsize  start;    /* of the row's cells in the batch's text, each ended by a NUL */
  guint  n_cells;
  guint  row;
  double share;    /* of the file read once the row was, or -1 */
} BatchRow;

typedef struct {
  GString *text;
  GArray  *rows;   /* of BatchRow, blank rows left out */
  int      end;    /* after the rows: 1 more to come, 0 the end, -1 failed */
  GError  *error;
} Batch;

struct _ReadAhead {
  Source       *source;
  GCancellable *cancellable;
  GThread      *thread;
  GAsyncQueue  *full;
  GAsyncQueue  *empty;
  gint          stop;

  Batch        *current;
  guint         next;
  GPtrArray    *cells;
};

static void
batch_free (Batch *batch)
{
  g_string_free (batch->text, TRUE);
  g_array_unref (batch->rows);
  g_clear_error (&batch->error);
  g_free (batch);
}

static gpointer
read_ahead_thread (gpointer data)
{
  ReadAhead *self = data;

  while (!g_atomic_int_get (&self->stop))
    {
      Batch *batch = g_async_queue_pop (self->empty);

      if (g_atomic_int_get (&self->stop))
        {
          g_async_queue_push (self->empty, batch);
          break;
        }
      g_string_truncate (batch->text, 0);
      g_array_set_size (batch->rows, 0);
      batch->end = 1;
      while (batch->rows->len < BATCH_ROWS)
        {
          const char * const *cells;
          BatchRow r;

          batch->end = _siyu_import_source_next (self->source, &cells, &r.n_cells, &r.row,
                                                 self->cancellable, &batch->error);
          if (batch->end <= 0)
            break;
          if (_siyu_import_row_is_blank (cells, r.n_cells))
            continue;
          r.start = batch->text->len;
          r.share = self->source->csv == NULL ? -1.0
                    : (double) siyu_csv_reader_get_offset (self->source->csv) / (double) MAX (self->source->size, 1);
          for (guint i = 0; i < r.n_cells; i++)
            g_string_append_len (batch->text, cells[i], (gssize) strlen (cells[i]) + 1);
          g_array_append_val (batch->rows, r);
        }
      g_async_queue_push (self->full, batch);
      if (batch->end <= 0)
        break;
    }

  return NULL;
}

/* Starts reading the rows of @source after those read from it so far;
 * @source is the thread's until _siyu_import_read_ahead_free(). */
ReadAhead *
_siyu_import_read_ahead_new (Source       *source,
                             GCancellable *cancellable)
{
  ReadAhead *self = g_new0 (ReadAhead, 1);

  self->source = source;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->full = g_async_queue_new ();
  self->empty = g_async_queue_new ();
  self->cells = g_ptr_array_new ();
  for (guint i = 0; i < N_BATCHES; i++)
    {
      Batch *batch = g_new0 (Batch, 1);

      batch->text = g_string_sized_new (64 * 1024);
      batch->rows = g_array_sized_new (FALSE, FALSE, sizeof (BatchRow), BATCH_ROWS);
      g_async_queue_push (self->empty, batch);
    }
  self->thread = g_thread_new ("siyu-import-read", read_ahead_thread, self);

  return self;
}

/* The next row that is not blank, as _siyu_import_source_next(); its cells
 * are good until the next call.  @share: (out): the share of the file
 * read, or -1 where it is not known (XLSX). */
int
_siyu_import_read_ahead_next (ReadAhead           *self,
                              const char * const **cells_out,
                              guint               *n_cells,
                              guint               *row,
                              double              *share,
                              GError             **error)
{
  const BatchRow *r;
  const char *text;

  while (self->current == NULL || self->next >= self->current->rows->len)
    {
      if (self->current != NULL)
        {
          if (self->current->end <= 0)
            {
              if (self->current->end < 0)
                g_propagate_error (error, g_steal_pointer (&self->current->error));
              return self->current->end;
            }
          g_async_queue_push (self->empty, g_steal_pointer (&self->current));
        }
      self->current = g_async_queue_pop (self->full);
      self->next = 0;
    }

  r = &g_array_index (self->current->rows, BatchRow, self->next++);
  text = self->current->text->str + r->start;
  g_ptr_array_set_size (self->cells, 0);
  for (guint i = 0; i < r->n_cells; i++)
    {
      g_ptr_array_add (self->cells, (gpointer) text);
      text += strlen (text) + 1;
    }
  g_ptr_array_add (self->cells, NULL);
  *cells_out = (const char * const *) self->cells->pdata;
  *n_cells = r->n_cells;
  *row = r->row;
  *share = r->share;

  return 1;
}

/* Stops the thread, wherever it is, and gives the source back. */
void
_siyu_import_read_ahead_free (ReadAhead *self)
{
  Batch *batch;

  if (self == NULL)
    return;

  g_atomic_int_set (&self->stop, 1);
  /* The thread waits only for an empty batch: hand every one back. */
  if (self->current != NULL)
    g_async_queue_push (self->empty, g_steal_pointer (&self->current));
  while ((batch = g_async_queue_try_pop (self->full)) != NULL)
    g_async_queue_push (self->empty, batch);
  g_thread_join (self->thread);

  while ((batch = g_async_queue_try_pop (self->full)) != NULL)
    batch_free (batch);
  while ((batch = g_async_queue_try_pop (self->empty)) != NULL)
    batch_free (batch);
  g_async_queue_unref (self->full);
  g_async_queue_unref (self->empty);
  g_ptr_array_unref (self->cells);
  g_clear_object (&self->cancellable);
  g_free (self);
}
