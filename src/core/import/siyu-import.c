/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-import"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "siyu-backup.h"
#include "siyu-csv-reader.h"
#include "siyu-import.h"
#include "siyu-import-private.h"
#include "siyu-text.h"
#include "siyu-ingest.h"
#include "siyu-json.h"
#include "siyu-money.h"

/* Imports a shop's exports: CSV or XLSX, orders (one row per order line),
 * customers, community group members or events.  Columns are mapped to
 * Siyu's fields by a preset (data/presets, compiled into the core's
 * resources), by a mapping remembered for the same headers, or by hand.
 *
 * The fields and the mapping of columns are in siyu-import-mapping.c,
 * the file's rows in siyu-import-source.c, rows to records in
 * siyu-import-rows.c; this file holds the object and the run.
 *
 * Every row goes through SiyuIngest, so identity and idempotency are the
 * same as for sync.  The whole file is one transaction.  An order's lines
 * are read together wherever they are in the file (import_orders()),
 * checked together, and only then written.
 */

static void
return_link_clear (gpointer data)
{
  ReturnLink *link = data;

  g_free (link->original_ref);
}

G_DEFINE_FINAL_TYPE (SiyuImport, siyu_import, G_TYPE_OBJECT)

G_DEFINE_QUARK (siyu-import-error-quark, siyu_import_error)
static void
problem_free (gpointer data)
{
  SiyuImportProblem *problem = data;

  g_free (problem->column);
  g_free (problem->message);
  g_free (problem);
}

static void
clear_opened (SiyuImport *self)
{
  self->opened = FALSE;
  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->headers, g_strfreev);
  self->n_headers = 0;
  g_ptr_array_set_size (self->preview, 0);
  g_clear_pointer (&self->channel_kind, g_free);
  g_clear_pointer (&self->channel_name, g_free);
  g_clear_pointer (&self->platform, g_free);
}

static void
siyu_import_finalize (GObject *object)
{
  SiyuImport *self = (SiyuImport *)object;

  clear_opened (self);
  g_ptr_array_unref (self->preview);
  g_ptr_array_unref (self->problems);
  g_hash_table_unref (self->overrides);
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_string_free (self->scratch[i], TRUE);
      g_string_free (self->column_names[i], TRUE);
    }
  g_free (self->encoding_choice);
  g_free (self->preset);
  g_free (self->consent_given);
  g_free (self->path);
  g_free (self->display_name);
  g_clear_object (&self->shop);

  G_OBJECT_CLASS (siyu_import_parent_class)->finalize (object);
}

static void
siyu_import_class_init (SiyuImportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = siyu_import_finalize;
}

static void
siyu_import_init (SiyuImport *self)
{
  self->preview = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->problems = g_ptr_array_new_with_free_func (problem_free);
  self->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < N_FIELDS; i++)
    {
      self->scratch[i] = g_string_new (NULL);
      self->column_names[i] = g_string_new (NULL);
    }
}

/**
 * siyu_import_new:
 * @path: the CSV or XLSX file
 *
 * Returns: (transfer full): an import of @path into @shop; nothing is read
 *   until siyu_import_open().
 */
SiyuImport *
siyu_import_new (SiyuShop       *shop,
                 const char     *path,
                 SiyuImportKind  kind)
{
  SiyuImport *self;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (kind <= SIYU_IMPORT_EVENTS, NULL);

  self = g_object_new (SIYU_TYPE_IMPORT, NULL);
  self->shop = g_object_ref (shop);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_basename (path);
  self->kind = kind;

  return self;
}

/* %NULL detects UTF-8 (with or without a byte order mark) or GB18030. */
void
siyu_import_set_encoding (SiyuImport *self,
                          const char *encoding)
{
  g_return_if_fail (SIYU_IS_IMPORT (self));

  g_free (self->encoding_choice);
  self->encoding_choice = siyu_text_is_blank (encoding) ? NULL : g_strdup (encoding);
  self->opened = FALSE;
}

/**
 * siyu_import_set_consent_given:
 * @source: (nullable): where the shop has it from, such as “signed up at
 *   the till”; %NULL for nothing
 *
 * Records, for the customers of this file, that they agreed to hear from
 * the shop: siyu_ingest_set_default_consent().  A consent column of the
 * file, a refusal already in the shop and do-not-contact still win.
 */
void
siyu_import_set_consent_given (SiyuImport *self,
                               const char *source)
{
  g_return_if_fail (SIYU_IS_IMPORT (self));

  g_free (self->consent_given);
  self->consent_given = source != NULL && *source != '\0' ? g_strstrip (g_strdup (source)) : NULL;
}

/* %NULL goes back to detecting the preset. */
gboolean
siyu_import_set_preset (SiyuImport  *self,
                        const char  *preset,
                        GError     **error)
{
  g_autoptr(JsonObject) object = NULL;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);

  if (preset != NULL)
    {
      object = _siyu_import_load_preset (preset);
      if (object == NULL || !_siyu_import_preset_is_kind (object, self->kind))
        {
          g_auto(GStrv) names = siyu_import_list_presets (self->kind);
          g_autofree char *list = g_strjoinv (", ", names);

          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_PRESET,
                       _("There is no preset “%s” for importing %s. The presets are: %s."),
                       preset, _siyu_import_kind_names[self->kind], list);
          return FALSE;
        }
    }

  g_free (self->preset);
  self->preset = g_strdup (preset);
  self->preset_chosen = preset != NULL;
  self->opened = FALSE;

  return TRUE;
}

/**
 * siyu_import_map:
 * @field: one of siyu_import_list_fields()
 * @column: (nullable): the file's header for it; several headers joined
 *   by “+” are read as one text joined by spaces (“First Name+Last Name”);
 *   %NULL or "" leaves the field out
 *
 * Maps @field by hand, over the preset.  Checked by
 * siyu_import_check_mapping().
 */
void
siyu_import_map (SiyuImport *self,
                 const char *field,
                 const char *column)
{
  g_return_if_fail (SIYU_IS_IMPORT (self));
  g_return_if_fail (field != NULL);

  g_hash_table_insert (self->overrides, g_strdup (field), g_strdup (column != NULL ? column : ""));
  self->opened = FALSE;
}

/* Source: the rows of a CSV or XLSX file, the same way for both. */
/**
 * siyu_import_open:
 *
 * Reads the header and up to twenty rows.  Call again after changing the
 * encoding.
 */
gboolean
siyu_import_open (SiyuImport    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Source source = { NULL, };
  const char * const *cells;
  guint n_cells, row;
  int r;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);

  clear_opened (self);

  if (!_siyu_import_source_open (self, &source, cancellable, error))
    goto failed;

  do
    r = _siyu_import_source_next (&source, &cells, &n_cells, &row, cancellable, error);
  while (r > 0 && _siyu_import_row_is_blank (cells, n_cells));
  if (r < 0)
    goto failed;
  if (r == 0)
    {
      _siyu_import_file_error (self, error, _("The file is empty."));
      goto failed;
    }

  if (source.csv != NULL)
    {
      g_free (self->encoding);
      self->encoding = g_strdup (siyu_csv_reader_get_encoding (source.csv));
      self->delimiter = siyu_csv_reader_get_delimiter (source.csv);
    }

  while (n_cells > 0 && siyu_text_is_blank (cells[n_cells - 1]))
    n_cells--;
  self->headers = g_new0 (char *, n_cells + 1);
  for (guint i = 0; i < n_cells; i++)
    {
      const char *header = cells[i];

      /* A byte order mark read as a character. */
      if (g_str_has_prefix (header, "\xef\xbb\xbf"))
        header += 3;
      self->headers[i] = g_strstrip (g_strdup (header));
    }
  self->n_headers = n_cells;
  /* Two columns of one name: the first would win, silently. */
  for (guint i = 0; i < n_cells; i++)
    for (guint j = i + 1; j < n_cells; j++)
      if (*self->headers[i] != '\0' && g_str_equal (self->headers[i], self->headers[j]))
        {
          _siyu_import_file_error (self, error, _("Columns %u and %u are both named “%s”. Rename one, so that Siyu knows which to read."),
                      i + 1, j + 1, self->headers[i]);
          goto failed;
        }

  while (self->preview->len < MAX_PREVIEW &&
         (r = _siyu_import_source_next (&source, &cells, &n_cells, &row, cancellable, error)) > 0)
    if (!_siyu_import_row_is_blank (cells, n_cells))
      g_ptr_array_add (self->preview, g_strdupv ((char **) cells));
  if (r < 0)
    goto failed;
  if (self->preview->len == 0)
    {
      _siyu_import_file_error (self, error, _("The file has a header but no rows under it."));
      goto failed;
    }

  _siyu_import_source_clear (&source);
  if (!_siyu_import_build_mapping (self, error))
    return FALSE;
  self->opened = TRUE;

  return TRUE;

failed:
  _siyu_import_source_clear (&source);
  clear_opened (self);
  return FALSE;
}

const char * const *
siyu_import_get_headers (SiyuImport *self,
                         guint      *n_headers)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);

  if (n_headers != NULL)
    *n_headers = self->n_headers;
  return (const char * const *) self->headers;
}

guint
siyu_import_get_n_preview (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), 0);
  return self->preview->len;
}

const char * const *
siyu_import_get_preview_row (SiyuImport *self,
                             guint       index,
                             guint      *n_fields)
{
  char **row;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);
  g_return_val_if_fail (index < self->preview->len, NULL);

  row = g_ptr_array_index (self->preview, index);
  if (n_fields != NULL)
    *n_fields = g_strv_length (row);
  return (const char * const *) row;
}

/* "CSV" or "XLSX". */
const char *
siyu_import_get_format (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);
  return self->xlsx ? "XLSX" : "CSV";
}

const char *
siyu_import_get_encoding (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);
  return self->encoding;
}

/* '\0' for XLSX. */
char
siyu_import_get_delimiter (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), '\0');
  return self->delimiter;
}

/* The preset in use, chosen or detected; %NULL for a mapping by hand. */
const char *
siyu_import_get_preset (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);
  return self->preset;
}

SiyuImportKind
siyu_import_get_kind (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), SIYU_IMPORT_ORDERS);
  return self->kind;
}

/**
 * siyu_import_get_guessed:
 *
 * Returns: whether no preset or remembered mapping knew the file, so
 *   that its columns were guessed from their headers and values.
 */
gboolean
siyu_import_get_guessed (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);
  return self->guessed;
}

/**
 * siyu_import_get_confidence:
 *
 * Returns: how sure the column of @field is, from 0 (none) to 1: 1 for
 *   a preset's, a remembered or the owner's choice, less for a guess.
 */
double
siyu_import_get_confidence (SiyuImport *self,
                            const char *field)
{
  int f;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), 0);

  f = _siyu_import_field_from_name (field);
  return f >= 0 && self->column_names[f]->len > 0 ? self->confidence[f] : 0;
}

/* The column (or “A+B”) mapped to @field, or %NULL. */
const char *
siyu_import_get_column (SiyuImport *self,
                        const char *field)
{
  int f;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);

  f = _siyu_import_field_from_name (field);
  if (f < 0 || self->column_names[f]->len == 0)
    return NULL;
  return self->column_names[f]->str;
}

const SiyuImportCounts *
siyu_import_get_counts (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);
  return &self->counts;
}

/* How many problems are listed: all of them, up to a thousand; the
 * counts say how many rows were rejected in all. */
guint
siyu_import_get_n_problems (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), 0);
  return self->problems->len;
}

const SiyuImportProblem *
siyu_import_get_problem (SiyuImport *self,
                         guint       index)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);
  g_return_val_if_fail (index < self->problems->len, NULL);
  return g_ptr_array_index (self->problems, index);
}

/* Running. */

/* The cell of @field in @cells, trimmed of nothing; "" when unmapped. */
static gboolean
open_reject_file (SiyuImport  *self,
                  const char  *path,
                  GError     **error)
{
  int saved_errno;

  self->reject_part = g_strconcat (path, ".part", NULL);
  self->reject_file = g_fopen (self->reject_part, "wb");
  if (self->reject_file == NULL)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The file for the rejected rows, %s, cannot be written: %s"),
                   path, g_strerror (saved_errno));
      g_clear_pointer (&self->reject_part, g_free);
      return FALSE;
    }

  /* A byte order mark, so that Excel reads the file as UTF-8. */
  fputs ("\xef\xbb\xbf", self->reject_file);
  for (guint i = 0; i < self->n_headers; i++)
    {
      csv_fwrite (self->reject_file, self->headers[i], strlen (self->headers[i]));
      fputc (',', self->reject_file);
    }
  csv_fwrite (self->reject_file, _("Problem"), strlen (_("Problem")));
  fputs ("\r\n", self->reject_file);

  return TRUE;
}

static void
discard_reject_file (SiyuImport *self)
{
  if (self->reject_file != NULL)
    fclose (self->reject_file);
  self->reject_file = NULL;
  if (self->reject_part != NULL)
    g_unlink (self->reject_part);
  g_clear_pointer (&self->reject_part, g_free);
}

static gboolean
finish_reject_file (SiyuImport  *self,
                    const char  *path,
                    GError     **error)
{
  int saved_errno = 0;

  if (fflush (self->reject_file) != 0 || ferror (self->reject_file))
    saved_errno = errno;
  if (fclose (self->reject_file) != 0 && saved_errno == 0)
    saved_errno = errno;
  self->reject_file = NULL;
  if (saved_errno == 0 && g_rename (self->reject_part, path) != 0)
    saved_errno = errno;
  if (saved_errno != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The file for the rejected rows, %s, cannot be written: %s"),
                   path, g_strerror (saved_errno));
      discard_reject_file (self);
      return FALSE;
    }
  g_clear_pointer (&self->reject_part, g_free);

  return TRUE;
}

/* Most exports write the lines of an order next to each other, so an
 * order import first takes them to be: an order is imported as soon as a
 * line of another order follows it, and memory holds one order and the
 * order numbers met so far.  An order number met again after another
 * order's lines means they are not: the transaction is rolled back and
 * the file read again, its lines first set aside as below.  The file is
 * read once in the common case, twice at most. */

/* The share of an order import's progress that setting the lines aside
 * takes, when they must be. */
#define ASIDE_SHARE 0.5

/* The lines of an order need not be next to each other, nor the file
 * sorted: every line is first set aside in a scratch database, with the
 * row where its order first appears, and the orders are then read back
 * whole, in the order they first appear, along the table's key rather
 * than through a sort.  The scratch database is a file of its own, with a
 * small cache: the shop's connection keeps its temporary tables in memory,
 * and a file of millions of lines must not.  Memory holds one order at a
 * time, whatever the size of the file. */

static gboolean
attach_scratch (SiyuImport  *self,
                GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (self->shop);
  sqlite3_stmt *stmt;
  int fd;

  fd = g_file_open_tmp ("siyu-import-XXXXXX", &self->scratch_path, error);
  if (fd < 0)
    return FALSE;
  g_close (fd, NULL);

  stmt = siyu_db_prepare (db, "ATTACH DATABASE ? AS import_scratch", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->scratch_path, -1, SQLITE_STATIC);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;
  self->scratch_attached = TRUE;

  return siyu_db_exec (db,
                       "PRAGMA import_scratch.journal_mode = MEMORY;"
                       "PRAGMA import_scratch.synchronous = OFF;"
                       "PRAGMA import_scratch.cache_size = -8192;"
                       "CREATE TABLE import_scratch.orders ("
                       "  ref TEXT PRIMARY KEY, first INTEGER NOT NULL) WITHOUT ROWID;"
                       "CREATE TABLE import_scratch.lines ("
                       "  first INTEGER NOT NULL, row INTEGER NOT NULL, ref TEXT, cells BLOB NOT NULL,"
                       "  PRIMARY KEY (first, row)) WITHOUT ROWID;",
                       error);
}

/* After the transaction: a database cannot be detached inside one. */
static void
detach_scratch (SiyuImport *self)
{
  if (self->scratch_attached)
    siyu_db_exec (siyu_shop_get_db (self->shop), "DETACH DATABASE import_scratch", NULL);
  self->scratch_attached = FALSE;
  if (self->scratch_path != NULL)
    g_unlink (self->scratch_path);
  g_clear_pointer (&self->scratch_path, g_free);
}

static gboolean
set_line_aside (SiyuImport         *self,
                const char * const *cells,
                guint               n_cells,
                guint               row,
                GError            **error)
{
  SiyuDb *db = siyu_shop_get_db (self->shop);
  g_autofree char *ref = _siyu_import_clean_identifier (_siyu_import_cell (self, cells, n_cells, F_ORDER_REF));
  sqlite3_stmt *stmt;
  gint64 first = row;

  /* Most exports write an order's lines together: only the first line of
   * a run looks its order up. */
  if (ref != NULL && self->last_ref != NULL && strcmp (ref, self->last_ref) == 0)
    first = self->last_first;
  else if (ref != NULL)
    {
      stmt = siyu_db_prepare (db, "INSERT INTO import_scratch.orders (ref, first) VALUES (?, ?) "
                                  "ON CONFLICT (ref) DO UPDATE SET first = first RETURNING first",
                              error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, row);
      if (siyu_db_step (db, stmt, error) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      first = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      g_free (self->last_ref);
      self->last_ref = g_strdup (ref);
      self->last_first = first;
    }

  g_string_truncate (self->line_cells, 0);
  for (guint i = 0; i < n_cells; i++)
    g_string_append_len (self->line_cells, cells[i], (gssize) strlen (cells[i]) + 1);

  stmt = siyu_db_prepare (db, "INSERT INTO import_scratch.lines (row, first, ref, cells) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row);
  sqlite3_bind_int64 (stmt, 2, first);
  if (ref != NULL)
    sqlite3_bind_text (stmt, 3, ref, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, self->line_cells->str, (int) self->line_cells->len, SQLITE_STATIC);
  return siyu_db_step_done (db, stmt, error);
}

/* A line's cells as a %NULL-terminated array, in one allocation with the
 * text they point into: free it with g_free().  @blob holds the cells one
 * after the other, each ended by a NUL; @copy is set to the copy of it
 * the cells point into. */
static char **
split_cells (const char  *blob,
             gsize        size,
             const char **copy)
{
  gsize n = 0, start;
  char **cells;
  char *text;

  for (gsize i = 0; i < size; i++)
    n += blob[i] == '\0';
  cells = g_malloc ((n + 1) * sizeof (char *) + size + 1);
  text = (char *) (cells + n + 1);
  memcpy (text, blob, size);
  text[size] = '\0';

  n = 0;
  start = 0;
  for (gsize i = 0; i < size; i++)
    if (blob[i] == '\0')
      {
        cells[n++] = text + start;
        start = i + 1;
      }
  cells[n] = NULL;
  *copy = text;
  return cells;
}

/* An import at least as large as the shop it goes into writes its orders
 * with the shop's secondary indexes on orders and returns dropped, and
 * makes them again once at the end: one sorted pass per index instead of a
 * b-tree insertion per row and index.  A smaller import, and an import of
 * a file already imported, keeps them: rebuilding the indexes of a large
 * shop would cost more than it saves.  The file's orders are known
 * exactly once its lines are set aside; when they are imported as read,
 * the choice is made after BULK_MIN_LINES lines, from the orders met in
 * the share of the file read so far. */
#define BULK_MIN_LINES 10000

static gboolean
bulk_begin (SiyuImport    *self,
            double         orders,
            SiyuDbBulk   **bulk,
            GError       **error)
{
  static const char * const tables[] = { "contacts", "orders", "order_items", "returns", "return_items", NULL };
  SiyuDb *db = siyu_shop_get_db (self->shop);
  gint64 stored;

  *bulk = NULL;
  stored = siyu_db_query_int (db, "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM returns)", error);
  if (stored < 0)
    return FALSE;
  if (orders <= (double) stored)
    return TRUE;

  if (!siyu_db_bulk_begin (db, tables, bulk, error))
    return FALSE;
  siyu_ingest_set_orders_mostly_new (self->ingest, TRUE);
  self->bulk = TRUE;

  return TRUE;
}

/* Tells the progress function the share @done of this pass; a second
 * pass of an order import goes on from where the first one stopped. */
static void
report (SiyuImport *self,
        double      done)
{
  if (done >= 0)
    self->last_progress = self->progress_floor + (1 - self->progress_floor) * done;
  if (self->progress != NULL)
    self->progress (done < 0 ? -1.0 : self->last_progress, self->progress_data);
}

static void
group_add_line (OrderGroup *group,
                const char *ref,
                const char *blob,
                gsize       size,
                guint       row)
{
  const char *copy;

  if (group->rows->len == 0)
    group->ref = g_strdup (ref);
  g_ptr_array_add (group->rows, split_cells (blob, size, &copy));
  /* The key reads the copy the line keeps, and goes with it. */
  g_ptr_array_add (group->keys, g_bytes_new_static (copy, size));
  g_array_append_val (group->row_numbers, row);
}

/* Whether a line belongs to an order other than the one gathered so far:
 * a line without an order number is an order of its own. */
static gboolean
group_ends_before (OrderGroup *group,
                   const char *ref)
{
  return group->rows->len > 0 &&
         (ref == NULL || group->ref == NULL || strcmp (ref, group->ref) != 0);
}

/* Gathers a line of a file whose orders' lines are together, and imports
 * the order before it when it starts another.  FALSE when the import must
 * stop (self->fatal), or go back to set the lines aside (self->scattered). */
static gboolean
stream_line (SiyuImport         *self,
             OrderGroup         *group,
             const char * const *cells,
             guint               n_cells,
             guint               row)
{
  g_autofree char *ref = _siyu_import_clean_identifier (_siyu_import_cell (self, cells, n_cells, F_ORDER_REF));

  if (group_ends_before (group, ref))
    {
      if (!_siyu_import_order (self, group))
        return FALSE;
      _siyu_import_group_clear (group);
    }
  if (group->rows->len == 0 && ref != NULL)
    {
      if (g_hash_table_contains (self->refs_seen, ref))
        {
          self->scattered = TRUE;
          return FALSE;
        }
      g_hash_table_add (self->refs_seen, g_string_chunk_insert (self->refs_chunk, ref));
    }

  g_string_truncate (self->line_cells, 0);
  for (guint i = 0; i < n_cells; i++)
    g_string_append_len (self->line_cells, cells[i], (gssize) strlen (cells[i]) + 1);
  group_add_line (group, ref, self->line_cells->str, self->line_cells->len, row);

  return TRUE;
}

/* Links each return that names its original order to it, as a refund of
 * it (siyu_ingest_link_return()); one whose original order the shop does
 * not have changes no figure, and is counted. */
static gboolean
link_returns (SiyuImport  *self,
              GError     **error)
{
  for (guint i = 0; i < self->returns_to_link->len; i++)
    {
      ReturnLink *link = &g_array_index (self->returns_to_link, ReturnLink, i);
      gint64 order_id = siyu_ingest_find_order (self->ingest, link->channel_id, link->original_ref, error);

      if (order_id < 0)
        return FALSE;
      if (order_id == 0)
        {
          self->counts.returns_unlinked++;
          continue;
        }
      if (!siyu_ingest_link_return (self->ingest, link->return_id, order_id, error))
        return FALSE;
      self->counts.returns_linked++;
    }

  return TRUE;
}

/* Reads the lines back, order by order, and imports each. */
static gboolean
import_orders (SiyuImport    *self,
               OrderGroup    *group,
               GCancellable  *cancellable,
               GError       **error)
{
  SiyuDb *db = siyu_shop_get_db (self->shop);
  sqlite3_stmt *stmt;
  guint done = 0;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT row, ref, cells FROM import_scratch.lines ORDER BY first, row", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      guint row = (guint) sqlite3_column_int64 (stmt, 0);
      const char *ref = (const char *) sqlite3_column_text (stmt, 1);
      const char *blob = sqlite3_column_blob (stmt, 2);
      gsize size = (gsize) sqlite3_column_bytes (stmt, 2);

      /* A line without an order number is a group of its own. */
      if (group_ends_before (group, ref))
        {
          if (!_siyu_import_order (self, group))
            break;
          _siyu_import_group_clear (group);
        }
      group_add_line (group, ref, blob, size, row);

      if (++done % PROGRESS_EVERY == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              sqlite3_reset (stmt);
              return FALSE;
            }
          report (self, ASIDE_SHARE + (1 - ASIDE_SHARE) * (double) done / (double) MAX (self->counts.rows, 1));
        }
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (!self->fatal && group->rows->len > 0)
    _siyu_import_order (self, group);
  if (self->fatal)
    {
      g_propagate_error (error, g_steal_pointer (&self->fatal_error));
      return FALSE;
    }

  return TRUE;
}

/* The search index is not written row by row: the triggers of migration 8
 * note the contacts that change, and siyu_db_commit() indexes them all in
 * one pass at the end (siyu-search-index.c).  So an import no longer sets
 * anything aside, and never runs SQL read from the shop file. */

static gboolean
remember (SiyuImport  *self,
          GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key = _siyu_import_mapping_key (self);
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  SiyuDb *db = siyu_shop_get_db (self->shop);

  json_builder_begin_object (builder);
  if (self->preset != NULL)
    {
      json_builder_set_member_name (builder, "preset");
      json_builder_add_string_value (builder, self->preset);
    }
  json_builder_set_member_name (builder, "columns");
  json_builder_begin_object (builder);
  for (guint f = 0; f < N_FIELDS; f++)
    if (self->column_names[f]->len > 0)
      {
        json_builder_set_member_name (builder, _siyu_import_fields[f].name);
        json_builder_add_string_value (builder, self->column_names[f]->str);
      }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = siyu_json_to_string (root, FALSE);

  stmt = siyu_db_prepare (db, "INSERT INTO settings (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;

  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "file");
    json_builder_add_string_value (b, self->display_name);
    json_builder_set_member_name (b, "kind");
    json_builder_add_string_value (b, _siyu_import_kind_names[self->kind]);
    json_builder_set_member_name (b, "rows");
    json_builder_add_int_value (b, self->counts.rows);
    json_builder_set_member_name (b, "rejected");
    json_builder_add_int_value (b, self->counts.rows_rejected);
    json_builder_end_object (b);
    node = json_builder_get_root (b);
    detail = siyu_json_to_string (node, FALSE);
  }

  return siyu_shop_audit (self->shop, "import", "file", 0, detail, error);
}

typedef enum {
  PASS_FAILED,
  PASS_DONE,
  PASS_SCATTERED,  /* the lines of an order are not together: set them aside */
} Pass;

/* One reading of the file, in one transaction: committed, or rolled back
 * with everything it counted and wrote. */
static Pass
run_pass (SiyuImport     *self,
          SiyuImportMode  mode,
          const char     *reject_path,
          gboolean        streaming,
          GCancellable   *cancellable,
          GError        **error)
{
  SiyuDb *db = siyu_shop_get_db (self->shop);
  Source source = { NULL, };
  ReadAhead *ahead = NULL;
  double read;
  OrderGroup group = { NULL, };
  g_autoptr(SiyuDbBulk) bulk = NULL;
  gboolean bulk_chosen = FALSE;
  const char * const *cells;
  guint n_cells, row;
  const SiyuIngestCounts *ingest_counts;
  Pass pass = PASS_FAILED;
  int r;

  memset (&self->counts, 0, sizeof self->counts);
  g_ptr_array_set_size (self->problems, 0);
  self->ingest = siyu_ingest_new (self->shop);
  siyu_ingest_set_default_consent (self->ingest, self->consent_given, g_get_real_time () / G_USEC_PER_SEC);
  self->channels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->line_cells = g_string_new (NULL);
  self->returns_to_link = g_array_new (FALSE, FALSE, sizeof (ReturnLink));
  g_array_set_clear_func (self->returns_to_link, return_link_clear);
  self->refs_seen = g_hash_table_new (g_str_hash, g_str_equal);
  self->refs_chunk = g_string_chunk_new (64 * 1024);
  self->fatal = FALSE;
  self->scattered = FALSE;
  self->bulk = FALSE;
  self->unchanged_read = 0;
  self->unchanged_read_with_contact = 0;
  self->default_channel = 0;
  group.rows = g_ptr_array_new_with_free_func (g_free);
  group.keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  group.row_numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  if (reject_path != NULL && !open_reject_file (self, reject_path, error))
    goto out_unlocked;
  if (!siyu_db_begin (db, error))
    goto out_unlocked;

  /* Checked once at the commit rather than row by row; SQLite resets this
   * at the end of the transaction. */
  if (!siyu_db_exec (db, "PRAGMA defer_foreign_keys = ON", error))
    goto out;

  if (!_siyu_import_source_open (self, &source, cancellable, error))
    goto out;

  /* The header. */
  do
    r = _siyu_import_source_next (&source, &cells, &n_cells, &row, cancellable, error);
  while (r > 0 && _siyu_import_row_is_blank (cells, n_cells));
  if (r <= 0)
    {
      if (r == 0)
        _siyu_import_file_error (self, error, _("The file is empty."));
      goto out;
    }

  ahead = _siyu_import_read_ahead_new (&source, cancellable);
  while ((r = _siyu_import_read_ahead_next (ahead, &cells, &n_cells, &row, &read, error)) > 0)
    {
      self->counts.rows++;

      if (streaming)
        {
          if (!stream_line (self, &group, cells, n_cells, row))
            break;
          if (!bulk_chosen && self->counts.rows == BULK_MIN_LINES)
            {
              double orders = g_hash_table_size (self->refs_seen);

              bulk_chosen = TRUE;
              if (!bulk_begin (self, read > 0 ? orders / read : orders, &bulk, error))
                goto out;
            }
        }
      else if (self->kind == SIYU_IMPORT_ORDERS)
        {
          if (!set_line_aside (self, cells, n_cells, row, error))
            goto out;
        }
      else if (!_siyu_import_row (self, cells, n_cells, row))
        break;

      if (self->counts.rows % PROGRESS_EVERY == 0)
        report (self, read < 0 || self->kind != SIYU_IMPORT_ORDERS || streaming ? read : ASIDE_SHARE * read);
    }
  g_clear_pointer (&ahead, _siyu_import_read_ahead_free);
  if (self->scattered)
    {
      pass = PASS_SCATTERED;
      goto out;
    }
  if (self->fatal)
    {
      g_propagate_error (error, g_steal_pointer (&self->fatal_error));
      goto out;
    }
  if (r < 0)
    goto out;
  if (streaming && group.rows->len > 0 && !_siyu_import_order (self, &group))
    {
      g_propagate_error (error, g_steal_pointer (&self->fatal_error));
      goto out;
    }
  if (self->kind == SIYU_IMPORT_ORDERS && !streaming)
    {
      gint64 orders = siyu_db_query_int (db, "SELECT count(*) FROM import_scratch.orders", error);

      if (orders < 0 ||
          (self->counts.rows >= BULK_MIN_LINES && !bulk_begin (self, (double) orders, &bulk, error)) ||
          !import_orders (self, &group, cancellable, error))
        goto out;
    }
  if (!link_returns (self, error))
    goto out;
  if (bulk != NULL && !siyu_db_bulk_end (db, g_steal_pointer (&bulk), error))
    goto out;
  if (self->counts.rows == 0)
    {
      _siyu_import_file_error (self, error, _("The file has a header but no rows under it."));
      goto out;
    }

  ingest_counts = siyu_ingest_get_counts (self->ingest);
  self->counts.contacts_created = ingest_counts->contacts_created;
  self->counts.contacts_matched = ingest_counts->contacts_matched + self->unchanged_read_with_contact;
  self->counts.orders_created = ingest_counts->orders_created;
  self->counts.orders_updated = ingest_counts->orders_updated;
  self->counts.orders_unchanged = ingest_counts->orders_unchanged + self->unchanged_read;
  self->counts.items_created = ingest_counts->items_created;
  self->counts.events_created = ingest_counts->events_created;
  self->counts.events_unchanged = ingest_counts->events_unchanged;
  self->counts.consents_given = ingest_counts->consents_given;

  if (mode == SIYU_IMPORT_DRY_RUN)
    {
      pass = PASS_DONE;
      goto out;
    }
  if (self->counts.rows_rejected > 0 && mode == SIYU_IMPORT_ALL_OR_NOTHING)
    {
      g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_REJECTED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: %u row has a problem, so nothing was imported.",
                                "%s: %u rows have problems, so nothing was imported.",
                                self->counts.rows_rejected),
                   self->display_name, self->counts.rows_rejected);
      goto out;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  if (!remember (self, error))
    goto out;
  if (self->reject_file != NULL && !finish_reject_file (self, reject_path, error))
    goto out;
  if (!siyu_db_commit (db, error))
    {
      if (reject_path != NULL)
        g_unlink (reject_path);
      goto out_unlocked;
    }
  pass = PASS_DONE;
  goto out_unlocked;

out:
  /* What the indexes dropped would have been made from goes with the
   * transaction. */
  g_clear_pointer (&bulk, siyu_db_bulk_free);
  siyu_db_rollback (db);
out_unlocked:
  discard_reject_file (self);
  g_clear_pointer (&ahead, _siyu_import_read_ahead_free);
  _siyu_import_source_clear (&source);
  _siyu_import_group_clear (&group);
  g_ptr_array_unref (group.rows);
  g_ptr_array_unref (group.keys);
  g_array_unref (group.row_numbers);
  g_clear_pointer (&self->channels, g_hash_table_unref);
  g_clear_pointer (&self->returns_to_link, g_array_unref);
  if (self->line_cells != NULL)
    g_string_free (self->line_cells, TRUE);
  self->line_cells = NULL;
  g_clear_pointer (&self->refs_seen, g_hash_table_unref);
  g_clear_pointer (&self->refs_chunk, g_string_chunk_free);
  g_clear_pointer (&self->last_ref, g_free);
  g_clear_pointer (&self->fatal_error, g_error_free);
  g_clear_object (&self->ingest);

  return pass;
}

/**
 * siyu_import_run:
 * @progress: (nullable): told the share of the file read, from the
 *   worker's thread; -1 when the share is not known (XLSX)
 *
 * See the header.  Opens the file first if siyu_import_open() was not
 * called or the settings changed since.
 */
gboolean
siyu_import_run (SiyuImport       *self,
                 SiyuImportMode    mode,
                 const char       *reject_path,
                 SiyuProgressFunc  progress,
                 gpointer          progress_data,
                 GCancellable     *cancellable,
                 GError          **error)
{
  Pass pass;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (reject_path == NULL || mode == SIYU_IMPORT_VALID_ROWS, FALSE);

  memset (&self->counts, 0, sizeof self->counts);
  g_ptr_array_set_size (self->problems, 0);

  if (!self->opened && !siyu_import_open (self, cancellable, error))
    return FALSE;
  if (!siyu_import_check_mapping (self, error))
    return FALSE;
  if (mode != SIYU_IMPORT_DRY_RUN && !siyu_backup_before (self->shop, SIYU_BACKUP_CAUSE_IMPORT, error))
    return FALSE;

  self->tz = siyu_shop_get_time_zone (self->shop);
  self->digits = siyu_currency_digits (siyu_shop_get_currency (self->shop));
  self->fine_digits = MAX (self->digits, 3);
  self->fine_scale = 1;
  for (int d = self->digits; d < self->fine_digits; d++)
    self->fine_scale *= 10;
  self->progress = progress;
  self->progress_data = progress_data;
  self->progress_floor = 0;
  _siyu_import_start_digest (self);

  pass = run_pass (self, mode, reject_path, self->kind == SIYU_IMPORT_ORDERS, cancellable, error);
  if (pass == PASS_SCATTERED)
    {
      self->progress_floor = self->last_progress;
      pass = attach_scratch (self, error)
             ? run_pass (self, mode, reject_path, FALSE, cancellable, error)
             : PASS_FAILED;
      detach_scratch (self);
    }
  self->tz = NULL;
  self->progress = NULL;
  self->progress_data = NULL;

  if (progress != NULL && pass == PASS_DONE)
    progress (1.0, progress_data);

  return pass == PASS_DONE;
}
