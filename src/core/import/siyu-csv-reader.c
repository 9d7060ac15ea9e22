/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-csv-reader"

#include "config.h"

#include <string.h>

#include <csv.h>

#include "siyu-csv-reader.h"

/* Reads a CSV file a block at a time with libcsv, so that memory stays
 * flat however long the file is.  Fields are split on the raw bytes and
 * converted afterwards: in GB18030 no byte of a multi-byte character is
 * a quote, a delimiter or a line end, so splitting before converting is
 * safe, and a field that does not convert can be named by row and column. */

#define BLOCK_SIZE (64 * 1024)

/* A row as libcsv gave it: its fields one after the other, each ended by a
 * NUL, in one buffer; rows are used again rather than freed. */
typedef struct {
  GString *text;
  GArray  *starts;    /* of gssize: where each field starts; -1 for one holding a NUL byte */
} Row;

static Row *
row_new (void)
{
  Row *row = g_new (Row, 1);

  row->text = g_string_sized_new (256);
  row->starts = g_array_new (FALSE, FALSE, sizeof (gssize));
  return row;
}

static void
row_clear (Row *row)
{
  g_string_truncate (row->text, 0);
  g_array_set_size (row->starts, 0);
}

static void
row_free (Row *row)
{
  g_string_free (row->text, TRUE);
  g_array_unref (row->starts);
  g_free (row);
}

struct _SiyuCsvReader
{
  GInputStream *stream;
  char *encoding;
  gboolean guessed;          /* GB18030 told from the first block, not chosen */
  char delimiter;
  struct csv_parser parser;
  gboolean started;
  gboolean finished;
  SiyuCsvStatus pending;
  SiyuCsvStatus limit;       /* a cap the row being read went past */
  guint limit_column;
  gsize row_bytes;
  guchar *block;
  Row *building;
  GQueue rows;               /* of Row, read and not yet taken */
  GQueue spare;              /* of Row, taken and free to use again */
  Row *current;              /* the row the fields point into */
  GPtrArray *fields;         /* of the current row's fields, not owned */
  GPtrArray *converted;      /* the fields converted to UTF-8, owned */
  guint row;
  guint column;
  guint64 offset;
};

static gboolean
is_utf8_prefix (const guchar *data,
                gsize         len)
{
  const char *end;

  if (g_utf8_validate ((const char *) data, (gssize) len, &end))
    return TRUE;
  /* A block may end inside a character: that is not an encoding error. */
  return len - (gsize) (end - (const char *) data) < 4 &&
         g_utf8_get_char_validated (end, (gssize) (len - (gsize) (end - (const char *) data))) == (gunichar) -2;
}

/* The delimiter is the most frequent of comma, semicolon and tab in the
 * header line, outside quotes; a header with none of them is one column. */
static char
detect_delimiter (const guchar *data,
                  gsize         len)
{
  static const char candidates[] = { ',', ';', '\t' };
  guint counts[G_N_ELEMENTS (candidates)] = { 0, };
  gboolean quoted = FALSE;
  guint best = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '"')
        quoted = !quoted;
      else if (!quoted && (data[i] == '\n' || data[i] == '\r'))
        break;
      else if (!quoted)
        for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
          if (data[i] == (guchar) candidates[c])
            counts[c]++;
    }
  for (guint c = 1; c < G_N_ELEMENTS (candidates); c++)
    if (counts[c] > counts[best])
      best = c;
  return candidates[best];
}

static int
is_space (unsigned char c)
{
  return c == ' ';
}

static void
over_limit (SiyuCsvReader *self,
            SiyuCsvStatus  limit,
            guint          column)
{
  if (self->limit != SIYU_CSV_ROW)
    return;
  self->limit = limit;
  self->limit_column = column;
  row_clear (self->building);
}

/* Once a cap is passed nothing more is kept: the rows before the one
 * that passed it are read, then the reading stops there. */
static gboolean
is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;
  return TRUE;
}

static void
field_cb (void   *data,
          size_t  len,
          void   *user_data)
{
  SiyuCsvReader *self = user_data;
  Row *row = self->building;
  gssize start;

  if (self->limit != SIYU_CSV_ROW)
    return;
  self->row_bytes += len + 1;
  /* Kept as -1, so that the row says where the NUL byte is. */
  if (data != NULL && memchr (data, '\0', len) != NULL)
    {
      start = -1;
      g_array_append_val (row->starts, start);
    }
  else if (len > SIYU_CSV_MAX_FIELD)
    over_limit (self, SIYU_CSV_FIELD_TOO_LONG, row->starts->len + 1);
  else if (row->starts->len >= SIYU_CSV_MAX_COLUMNS)
    over_limit (self, SIYU_CSV_TOO_WIDE, row->starts->len + 1);
  else if (self->row_bytes > SIYU_CSV_MAX_ROW)
    over_limit (self, SIYU_CSV_ROW_TOO_LONG, row->starts->len + 1);
  else
    {
      start = (gssize) row->text->len;
      g_array_append_val (row->starts, start);
      if (data != NULL)
        g_string_append_len (row->text, data, (gssize) len);
      g_string_append_c (row->text, '\0');
    }
}

static void
row_cb (int   c,
        void *user_data)
{
  SiyuCsvReader *self = user_data;

  if (self->limit != SIYU_CSV_ROW)
    return;
  self->row_bytes = 0;
  g_queue_push_tail (&self->rows, self->building);
  self->building = g_queue_is_empty (&self->spare) ? row_new () : g_queue_pop_head (&self->spare);
  row_clear (self->building);
}

/* libcsv gathers a field in a buffer of its own: one that grows past
 * the cap is stopped a block later, before it takes memory. */
static void
check_growing_field (SiyuCsvReader *self)
{
  if (self->parser.entry_pos > SIYU_CSV_MAX_FIELD)
    over_limit (self, SIYU_CSV_FIELD_TOO_LONG, self->building->starts->len + 1);
  else if (self->row_bytes + self->parser.entry_pos > SIYU_CSV_MAX_ROW)
    over_limit (self, SIYU_CSV_ROW_TOO_LONG, self->building->starts->len + 1);
}

static void
start (SiyuCsvReader *self,
       const guchar **data,
       gsize         *len)
{
  gboolean bom = *len >= 3 && memcmp (*data, "\xef\xbb\xbf", 3) == 0;

  if (bom)
    {
      *data += 3;
      *len -= 3;
    }
  if (self->encoding == NULL)
    {
      self->encoding = g_strdup (bom || is_utf8_prefix (*data, *len) ? "UTF-8" : "GB18030");
      self->guessed = !bom;
    }
  self->delimiter = detect_delimiter (*data, *len);

  csv_init (&self->parser, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_delim (&self->parser, (unsigned char) self->delimiter);
  /* Only spaces are trimmed around unquoted fields: a tab may be the delimiter. */
  csv_set_space_func (&self->parser, is_space);
  self->started = TRUE;
}

static SiyuCsvStatus
take_row (SiyuCsvReader *self)
{
  Row *raw = g_queue_pop_head (&self->rows);
  gboolean utf8 = g_ascii_strcasecmp (self->encoding, "UTF-8") == 0;

  if (self->current != NULL)
    g_queue_push_tail (&self->spare, self->current);
  self->current = raw;
  self->row++;
  g_ptr_array_set_size (self->fields, 0);
  g_ptr_array_set_size (self->converted, 0);
  for (guint i = 0; i < raw->starts->len; i++)
    {
      gssize start = g_array_index (raw->starts, gssize, i);
      char *field = start >= 0 ? raw->text->str + start : NULL;
      char *text;

      /* A NUL would end the field early, silently: not text. */
      if (field == NULL)
        {
          self->column = i + 1;
          return SIYU_CSV_NUL_BYTE;
        }
      /* Chinese in GB18030 is almost never valid UTF-8: a field that is,
       * in a file read as GB18030 by its first block, is a UTF-8 row the
       * conversion would turn into mojibake (张三 stored as 寮犱笁). */
      if (!utf8 && self->guessed && !is_ascii (field) && g_utf8_validate (field, -1, NULL))
        {
          self->column = i + 1;
          return SIYU_CSV_MIXED_ENCODING;
        }
      /* A field in UTF-8 is read where it is, not copied. */
      if (utf8)
        text = g_utf8_validate (field, -1, NULL) ? field : NULL;
      else if ((text = g_convert (field, -1, "UTF-8", self->encoding, NULL, NULL, NULL)) != NULL)
        g_ptr_array_add (self->converted, text);
      if (text == NULL)
        {
          self->column = i + 1;
          return SIYU_CSV_BAD_ENCODING;
        }
      g_ptr_array_add (self->fields, text);
    }
  self->column = 0;
  g_ptr_array_add (self->fields, NULL);
  return SIYU_CSV_ROW;
}

/**
 * siyu_csv_reader_new:
 * @stream: the file's contents
 * @encoding: (nullable): "UTF-8", "GB18030" or another iconv name, or
 *   %NULL to tell UTF-8 (with or without a byte order mark) from GB18030
 *   by the first block
 *
 * Returns: (transfer full): a reader; nothing is read until the first
 *   siyu_csv_reader_next().
 */
SiyuCsvReader *
siyu_csv_reader_new (GInputStream *stream,
                     const char   *encoding)
{
  SiyuCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_new0 (SiyuCsvReader, 1);
  self->stream = g_object_ref (stream);
  self->encoding = g_strdup (encoding);
  self->delimiter = ',';
  self->pending = SIYU_CSV_ROW;
  self->limit = SIYU_CSV_ROW;
  self->block = g_malloc (BLOCK_SIZE);
  self->building = row_new ();
  g_queue_init (&self->rows);
  g_queue_init (&self->spare);
  self->fields = g_ptr_array_new ();
  self->converted = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
siyu_csv_reader_free (SiyuCsvReader *self)
{
  if (self == NULL)
    return;
  if (self->started)
    csv_free (&self->parser);
  g_queue_clear_full (&self->rows, (GDestroyNotify) row_free);
  g_queue_clear_full (&self->spare, (GDestroyNotify) row_free);
  g_clear_pointer (&self->current, row_free);
  row_free (self->building);
  g_ptr_array_unref (self->fields);
  g_ptr_array_unref (self->converted);
  g_free (self->block);
  g_free (self->encoding);
  g_object_unref (self->stream);
  g_free (self);
}

/**
 * siyu_csv_reader_next:
 *
 * Moves to the next row.  Rows are counted from 1, the header included,
 * as a spreadsheet shows them; a quoted field may span lines and still
 * be one row.  After %SIYU_CSV_BAD_QUOTE, %SIYU_CSV_UNTERMINATED_QUOTE,
 * %SIYU_CSV_BAD_ENCODING or a cap (%SIYU_CSV_FIELD_TOO_LONG,
 * %SIYU_CSV_TOO_WIDE, %SIYU_CSV_ROW_TOO_LONG), siyu_csv_reader_get_row() and
 * siyu_csv_reader_get_column() (0 when unknown) say where.  @error is set
 * only with %SIYU_CSV_IO_ERROR, which is also how a cancel through
 * @cancellable ends the reading.
 */
SiyuCsvStatus
siyu_csv_reader_next (SiyuCsvReader  *self,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL, SIYU_CSV_IO_ERROR);
  g_return_val_if_fail (error == NULL || *error == NULL, SIYU_CSV_IO_ERROR);

  for (;;)
    {
      const guchar *data;
      gssize n;
      gsize len;

      /* Checked per row, not per block, so that a cancel is prompt. */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return SIYU_CSV_IO_ERROR;
      if (!g_queue_is_empty (&self->rows))
        return take_row (self);
      if (self->pending != SIYU_CSV_ROW)
        {
          self->row++;
          self->column = self->pending == self->limit ? self->limit_column : 0;
          return self->pending;
        }
      if (self->finished)
        return SIYU_CSV_END;

      n = g_input_stream_read (self->stream, self->block, BLOCK_SIZE, cancellable, error);
      if (n < 0)
        return SIYU_CSV_IO_ERROR;
      data = self->block;
      len = (gsize) n;
      if (!self->started)
        start (self, &data, &len);
      self->offset += (guint64) n;

      if (n == 0)
        {
          self->finished = TRUE;
          if (csv_fini (&self->parser, field_cb, row_cb, self) != 0)
            self->pending = SIYU_CSV_UNTERMINATED_QUOTE;
        }
      else if (csv_parse (&self->parser, data, len, field_cb, row_cb, self) != len)
        {
          self->finished = TRUE;
          self->pending = SIYU_CSV_BAD_QUOTE;
        }
      else
        check_growing_field (self);
      if (self->limit != SIYU_CSV_ROW)
        {
          self->finished = TRUE;
          self->pending = self->limit;
        }
    }
}

/* The fields of the current row, in UTF-8, %NULL-terminated. */
const char *const *
siyu_csv_reader_get_fields (SiyuCsvReader *self,
                            guint         *n_fields)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_fields != NULL)
    *n_fields = self->fields->len > 0 ? self->fields->len - 1 : 0;
  return (const char *const *) self->fields->pdata;
}

guint
siyu_csv_reader_get_row (SiyuCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->row;
}

guint
siyu_csv_reader_get_column (SiyuCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->column;
}

/* The encoding in use, once the first row has been read. */
const char *
siyu_csv_reader_get_encoding (SiyuCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->encoding;
}

char
siyu_csv_reader_get_delimiter (SiyuCsvReader *self)
{
  g_return_val_if_fail (self != NULL, '\0');
  return self->delimiter;
}

/* How many bytes have been read, for progress. */
guint64
siyu_csv_reader_get_offset (SiyuCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->offset;
}
