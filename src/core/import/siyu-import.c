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
#include "siyu-orders.h"
#include "siyu-ingest.h"
#include "siyu-json.h"
#include "siyu-money.h"
#include "siyu-parse.h"
#include "siyu-phone.h"
#include "siyu-time.h"
#include "siyu-xlsx-reader.h"

/* Imports a shop's exports: CSV or XLSX, orders (one row per order line),
 * customers, community group members or events.  Columns are mapped to
 * Siyu's fields by a preset (data/presets, compiled into the core's
 * resources), by a mapping remembered for the same headers, or by hand.
 *
 * The fields and the mapping of columns are in siyu-import-mapping.c,
 * the file's rows in siyu-import-source.c; this file holds the object,
 * rows to records and the run.
 *
 * Every row goes through SiyuIngest, so identity and idempotency are the
 * same as for sync.  The whole file is one transaction.  An order's lines
 * are read together wherever they are in the file (import_orders()),
 * checked together, and only then written.  A line with a problem of its
 * own is rejected alone; a problem of the order rejects all of its lines.
 *
 * Choices where the exports leave room (issue 17 and ANALYTICS.md):
 * - the lines of an order must agree on every order-level field they fill
 *   (customer, status, totals, currency); a blank cell agrees with
 *   anything, as Shopify leaves them blank on the second line; times
 *   within a day of each other give the earliest, further apart they are
 *   the order's problem;
 * - without a status column an order is paid; an order whose quantities
 *   are all negative is a return, stored apart from the orders; a line
 *   below one in a sale is a stock adjustment, skipped;
 * - a line identical to another of its order is a line of its own;
 * - prices may have up to three decimals whatever the currency; each
 *   line's amounts are rounded half up to the currency's minor unit;
 * - a line without a quantity column counts one; a line without a line
 *   total costs quantity × unit price; an order without a total costs the
 *   sum of its lines;
 * - a refunded order without a refunded amount was refunded whole; a paid
 *   order with a refunded amount is partly or wholly refunded;
 * - orders in another currency than the shop's are refused, not converted;
 * - a customer's tier as the platform names it is kept as a tag: Siyu
 *   computes its own tiers from ANALYTICS.md's rules;
 * - a customer list without dates counts the customer as first seen at
 *   the time of the import.
 */

/* The fields an order's lines must agree on; its time is read apart. */
static const Field order_fields[] = {
  F_STATUS, F_CUSTOMER_ID, F_PHONE, F_NAME, F_EMAIL, F_WECHAT_ID, F_CHANNEL,
  F_ORDER_TOTAL, F_REFUNDED_AMOUNT, F_CURRENCY, F_ORIGINAL_REF,
};

/* A return that names its original order: the order may come later in the
 * file, so returns are linked once every order is in. */
typedef struct {
  gint64  return_id;
  gint64  channel_id;
  char   *original_ref;
} ReturnLink;

static void
return_link_clear (gpointer data)
{
  ReturnLink *link = data;

  g_free (link->original_ref);
}

typedef struct {
  GPtrArray *rows;        /* of GStrv, the order's lines */
  GPtrArray *keys;        /* of GBytes, the lines' cells as stored: to find repeats */
  GArray    *row_numbers; /* guint */
  char      *ref;         /* %NULL for a line without an order number */
} OrderGroup;

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
static const char *
cell (SiyuImport         *self,
      const char * const *cells,
      guint               n_cells,
      Field               field)
{
  const Mapping *mapping = &self->mapping[field];
  GString *scratch;

  if (mapping->columns[0] < 0)
    return "";
  if (mapping->columns[1] < 0)
    return (guint) mapping->columns[0] < n_cells ? cells[mapping->columns[0]] : "";

  scratch = self->scratch[field];
  g_string_truncate (scratch, 0);
  for (guint c = 0; c < MAX_COLUMNS_PER_FIELD && mapping->columns[c] >= 0; c++)
    {
      const char *part = (guint) mapping->columns[c] < n_cells ? cells[mapping->columns[c]] : "";

      if (siyu_text_is_blank (part))
        continue;
      if (scratch->len > 0)
        g_string_append_c (scratch, ' ');
      g_string_append (scratch, part);
    }
  return scratch->str;
}

/* Text for storing: without surrounding spaces, %NULL when blank. */
static char *
text_of (const char *value)
{
  if (siyu_text_is_blank (value))
    return NULL;
  return g_strstrip (g_strdup (value));
}

static const char *
column_of (SiyuImport *self,
           Field       field)
{
  return self->column_names[field]->len > 0 ? self->column_names[field]->str : NULL;
}

static void
add_problem (SiyuImport *self,
             guint       row,
             const char *column,
             const char *message)
{
  SiyuImportProblem *problem;

  if (self->problems->len >= MAX_LISTED_PROBLEMS)
    return;
  problem = g_new0 (SiyuImportProblem, 1);
  problem->row = row;
  problem->column = g_strdup (column);
  problem->message = g_strdup (message);
  g_ptr_array_add (self->problems, problem);
}

typedef struct {
  Field  field;
  char  *message;
} Trouble;

static gboolean
trouble (Trouble    *t,
         Field       field,
         const char *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
trouble (Trouble    *t,
         Field       field,
         const char *format,
         ...)
{
  va_list args;

  if (t->message != NULL)
    return FALSE;
  va_start (args, format);
  t->field = field;
  t->message = g_strdup_vprintf (format, args);
  va_end (args);

  return FALSE;
}

static const char *
parse_reason (SiyuParseResult result)
{
  switch (result)
    {
    case SIYU_PARSE_EMPTY:
      return _("it is empty");
    case SIYU_PARSE_BAD_CHARACTER:
      return _("it has letters or signs that are not part of a number");
    case SIYU_PARSE_TOO_MANY_DECIMALS:
      return _("it has more decimals than the currency has");
    case SIYU_PARSE_OUT_OF_RANGE:
      return _("it is too large to be real");
    case SIYU_PARSE_IMPOSSIBLE_DATE:
      return _("that day does not exist");
    case SIYU_PARSE_BAD_FORMAT:
      return _("it is not written in a way Siyu reads");
    case SIYU_PARSE_OK:
    default:
      return "";
    }
}

static gboolean
parse_time_cell (SiyuImport *self,
                 const char *value,
                 Field       field,
                 gint64     *utc,
                 Trouble    *t)
{
  SiyuParseResult result = siyu_parse_time (value, self->tz, utc);

  if (result == SIYU_PARSE_BAD_FORMAT && self->xlsx)
    result = siyu_parse_excel_serial (value, self->tz, utc);
  if (result != SIYU_PARSE_OK)
    return trouble (t, field, _("“%s” is not a time: %s."), value, parse_reason (result));
  if (*utc <= 0)
    return trouble (t, field, _("“%s” is before 1970."), value);
  return TRUE;
}

static gboolean
parse_amount_cell (SiyuImport *self,
                   const char *value,
                   Field       field,
                   gint64     *amount,
                   Trouble    *t)
{
  SiyuParseResult result = siyu_parse_amount (value, self->digits, amount);

  if (result != SIYU_PARSE_OK)
    return trouble (t, field, _("“%s” is not an amount of money: %s."), value, parse_reason (result));
  if (*amount < 0)
    return trouble (t, field, _("“%s” is below zero."), value);
  return TRUE;
}

/* Exports write long numbers as text for Excel: '138…, ="301…". */
static char *
clean_number (const char *value)
{
  g_autofree char *text = text_of (value);
  gsize len;

  if (text == NULL)
    return NULL;
  len = strlen (text);
  if (text[0] == '\'')
    return g_strstrip (g_strdup (text + 1));
  if (len >= 3 && text[0] == '=' && text[1] == '"' && text[len - 1] == '"')
    return g_strstrip (g_strndup (text + 2, len - 3));
  return g_steal_pointer (&text);
}

static gint64
channel_id (SiyuImport  *self,
            const char  *name,
            GError     **error)
{
  g_autofree char *stripped = text_of (name);
  gpointer id;
  gint64 result;

  if (stripped == NULL)
    {
      /* Made when first needed, so that an import leaves no empty channel. */
      if (self->default_channel == 0)
        self->default_channel = siyu_ingest_channel (self->ingest, self->channel_kind,
                                                     self->channel_name, self->platform, error);
      return self->default_channel;
    }
  if (g_hash_table_lookup_extended (self->channels, stripped, NULL, &id))
    return (gint64) GPOINTER_TO_SIZE (id);

  result = siyu_ingest_channel (self->ingest, self->channel_kind, stripped, NULL, error);
  if (result > 0)
    g_hash_table_insert (self->channels, g_steal_pointer (&stripped), GSIZE_TO_POINTER ((gsize) result));
  return result;
}

/* The person a row names.  Fills @record's strings with copies the caller
 * frees through @owned. */
typedef struct {
  char *name, *phone, *email, *wechat_id, *customer_id, *city, *birthday;
} PersonText;

static void
person_text_clear (PersonText *p)
{
  g_free (p->name);
  g_free (p->phone);
  g_free (p->email);
  g_free (p->wechat_id);
  g_free (p->customer_id);
  g_free (p->city);
  g_free (p->birthday);
}

static gboolean
person_has_identity (const PersonText *p)
{
  return p->phone != NULL || p->email != NULL || p->wechat_id != NULL || p->customer_id != NULL;
}

static void
person_fill (SiyuImport        *self,
             const PersonText  *p,
             SiyuContactRecord *record)
{
  record->name = p->name;
  record->phone = p->phone;
  record->email = p->email;
  record->wechat_id = p->wechat_id;
  record->city = p->city;
  record->birthday = p->birthday;
  record->platform = p->customer_id != NULL ? self->platform : NULL;
  record->platform_id = p->customer_id;
  record->consent = -1;
  record->do_not_contact = -1;
}

/* Resolves the contact; an invalid phone or e-mail or a conflict is the
 * row's trouble, written nothing.  Returns 0 for nobody, -1 on trouble
 * (with @t or @error set). */
static gint64
resolve_contact (SiyuImport        *self,
                 SiyuContactRecord *record,
                 Trouble           *t,
                 GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 id;

  id = siyu_ingest_contact (self->ingest, record, NULL, &local_error);
  /* 0: an erased person, kept anonymous. */
  if (id == 0)
    self->counts.rows_erased++;
  if (id >= 0)
    return id;

  if (g_error_matches (local_error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_CONFLICT))
    {
      trouble (t, N_FIELDS, "%s", local_error->message);
      return -1;
    }
  if (local_error->domain == SIYU_PHONE_ERROR ||
      g_error_matches (local_error, SIYU_INGEST_ERROR, SIYU_INGEST_ERROR_INVALID))
    {
      Field field = local_error->domain == SIYU_PHONE_ERROR ? F_PHONE
                    : record->email != NULL && strstr (local_error->message, record->email) != NULL ? F_EMAIL
                    : N_FIELDS;

      trouble (t, field, "%s", local_error->message);
      return -1;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return -1;
}

static gboolean
fail (SiyuImport *self,
      GError     *error)
{
  if (!self->fatal)
    {
      self->fatal = TRUE;
      self->fatal_error = error;
    }
  else
    g_error_free (error);
  return FALSE;
}

static void
write_reject (SiyuImport         *self,
              const char * const *cells,
              guint               n_cells,
              const char         *message)
{
  if (self->reject_file == NULL)
    return;

  for (guint i = 0; i < MAX (n_cells, self->n_headers); i++)
    {
      const char *value = i < n_cells ? cells[i] : "";

      if (i > 0)
        fputc (',', self->reject_file);
      csv_fwrite (self->reject_file, value, strlen (value));
    }
  fputc (',', self->reject_file);
  csv_fwrite (self->reject_file, message, strlen (message));
  fputs ("\r\n", self->reject_file);
}

/* Lists the trouble of a row and writes it to the reject file. */
static void
reject_row (SiyuImport         *self,
            guint               row,
            const char * const *cells,
            guint               n_cells,
            Field               field,
            gboolean            whole_row,
            const char         *message)
{
  self->counts.rows_rejected++;
  add_problem (self, row, whole_row ? NULL : column_of (self, field), message);
  write_reject (self, cells, n_cells, message);
}

static gboolean
check_ragged (SiyuImport         *self,
              const char * const *cells,
              guint               n_cells,
              Trouble            *t)
{
  guint n = n_cells;

  while (n > self->n_headers && siyu_text_is_blank (cells[n - 1]))
    n--;
  if (n != self->n_headers)
    return trouble (t, N_FIELDS, _("The row has %u cells where the header has %u."), n, self->n_headers);
  return TRUE;
}

/* Orders. */

/* What one line of an order says, once read. */
typedef struct {
  Trouble  t;          /* the line's own problem; no message when it has none */
  gint64   quantity;   /* as written: below one on returns and stock adjustments */
  gint64   time;       /* 0 when the line's time cell is blank */
  gboolean rounded;    /* an amount had more decimals than the currency */
  gboolean kept;       /* stored as a line of the order or return */
} Line;

static void
order_group_clear (OrderGroup *group)
{
  g_ptr_array_set_size (group->rows, 0);
  g_ptr_array_set_size (group->keys, 0);
  g_array_set_size (group->row_numbers, 0);
  g_clear_pointer (&group->ref, g_free);
}

/* Rejects every line of the order: a line with a problem of its own with
 * that problem, the line at @bad_index with the order's, the others as
 * lines of an order that cannot be stored. */
static void
reject_order (SiyuImport *self,
              OrderGroup *group,
              Line       *lines,
              guint       bad_index,
              Trouble    *t)
{
  for (guint i = 0; i < group->rows->len; i++)
    {
      const char * const *cells = g_ptr_array_index (group->rows, i);
      guint row = g_array_index (group->row_numbers, guint, i);
      g_autofree char *other = NULL;

      if (lines != NULL && lines[i].t.message != NULL)
        reject_row (self, row, cells, g_strv_length ((char **) cells), lines[i].t.field,
                    lines[i].t.field == N_FIELDS, lines[i].t.message);
      else if (i == bad_index)
        reject_row (self, row, cells, g_strv_length ((char **) cells), t->field,
                    t->field == N_FIELDS, t->message);
      else
        {
          other = g_strdup_printf (_("Another line of order %s, at row %u, has a problem; an order is imported whole or not at all."),
                                   group->ref, g_array_index (group->row_numbers, guint, bad_index));
          reject_row (self, row, cells, g_strv_length ((char **) cells), N_FIELDS, TRUE, other);
        }
    }
}

/* Whole numbers that went through Excel come back as 17850.0. */
static char *
clean_identifier (const char *value)
{
  char *text = clean_number (value);
  const char *p;
  const char *point;

  if (text == NULL)
    return NULL;
  point = strchr (text, '.');
  if (point == NULL || point == text)
    return text;
  for (p = text; p < point; p++)
    if (!g_ascii_isdigit (*p))
      return text;
  for (p = point + 1; *p == '0'; p++)
    ;
  if (*p != '\0' || p == point + 1)
    return text;
  text[point - text] = '\0';
  return text;
}

/* A phone number Excel stored as a number and wrote in scientific
 * notation, 1.3800138E+10: its last digits are lost. */
static gboolean
is_excel_number (const char *value)
{
  const char *p = value;

  if (value == NULL || !g_ascii_isdigit (*p++))
    return FALSE;
  if (*p == '.')
    {
      if (!g_ascii_isdigit (*++p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != 'e' && *p != 'E')
    return FALSE;
  p++;
  if (*p == '+')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return *p == '\0';
}

static gboolean
check_phone (const char *phone,
             Trouble    *t)
{
  if (is_excel_number (phone))
    return trouble (t, F_PHONE, _("The phone number “%s” was changed by Excel, which wrote it as a number and lost its last digits. Format the column as text in Excel, or export the file again from the shop."),
                    phone);
  return TRUE;
}

/* An amount in thousandths of the currency's minor unit when the currency
 * has fewer than three decimals: prices such as 0.001 are real. */
static gboolean
parse_price_cell (SiyuImport *self,
                  const char *value,
                  Field       field,
                  gint64     *fine,
                  Trouble    *t)
{
  SiyuParseResult result = siyu_parse_amount (value, self->fine_digits, fine);

  if (result != SIYU_PARSE_OK)
    return trouble (t, field, _("“%s” is not an amount of money: %s."), value, parse_reason (result));
  if (*fine < 0)
    return trouble (t, field, _("“%s” is below zero."), value);
  if (*fine / self->fine_scale > SIYU_INGEST_MAX_AMOUNT)
    return trouble (t, field, _("“%s” is not an amount of money: %s."), value,
                    parse_reason (SIYU_PARSE_OUT_OF_RANGE));
  return TRUE;
}

/* Rounds half up to the currency's minor unit. */
static gint64
round_fine (SiyuImport *self,
            gint64      fine,
            gboolean   *rounded)
{
  if (fine % self->fine_scale != 0)
    *rounded = TRUE;
  return (fine + self->fine_scale / 2) / self->fine_scale;
}

/* Reads what a line says of itself: its product, quantity, prices and
 * time.  A problem here is the line's, not its order's. */
static gboolean
read_line (SiyuImport          *self,
           const char * const  *cells,
           guint                n_cells,
           SiyuOrderItemRecord *item,
           Line                *line,
           GPtrArray           *owned)
{
  Trouble *t = &line->t;
  const char *unit_price, *line_total, *quantity, *time;
  gint64 price_fine = -1, total_fine = -1, units;

  if (!check_ragged (self, cells, n_cells, t))
    return FALSE;

  item->sku = text_of (cell (self, cells, n_cells, F_SKU));
  g_ptr_array_add (owned, (gpointer) item->sku);
  item->name = text_of (cell (self, cells, n_cells, F_PRODUCT_NAME));
  g_ptr_array_add (owned, (gpointer) item->name);
  if (item->sku == NULL && item->name == NULL)
    return trouble (t, _siyu_import_is_mapped (self, F_PRODUCT_NAME) ? F_PRODUCT_NAME : F_SKU,
                    _("The line has neither a product name nor a SKU."));

  line->quantity = 1;
  quantity = cell (self, cells, n_cells, F_QUANTITY);
  if (_siyu_import_is_mapped (self, F_QUANTITY))
    {
      SiyuParseResult result = siyu_parse_amount (quantity, 0, &line->quantity);

      if (result != SIYU_PARSE_OK)
        return trouble (t, F_QUANTITY, _("“%s” is not a whole number: %s."), quantity, parse_reason (result));
      if (line->quantity > SIYU_INGEST_MAX_QUANTITY || line->quantity < -SIYU_INGEST_MAX_QUANTITY)
        return trouble (t, F_QUANTITY, _("The quantity “%s” is too large to be real."), quantity);
    }
  units = ABS (line->quantity);
  item->quantity = units;

  time = cell (self, cells, n_cells, F_CREATED_AT);
  if (!siyu_text_is_blank (time) && !parse_time_cell (self, time, F_CREATED_AT, &line->time, t))
    return FALSE;

  unit_price = cell (self, cells, n_cells, F_UNIT_PRICE);
  line_total = cell (self, cells, n_cells, F_LINE_TOTAL);
  item->unit_price = item->line_total = -1;
  if (!siyu_text_is_blank (unit_price) && !parse_price_cell (self, unit_price, F_UNIT_PRICE, &price_fine, t))
    return FALSE;
  if (!siyu_text_is_blank (line_total) && !parse_price_cell (self, line_total, F_LINE_TOTAL, &total_fine, t))
    return FALSE;
  if (total_fine >= 0)
    item->line_total = round_fine (self, total_fine, &line->rounded);
  else if (price_fine >= 0 && units > 0)
    {
      if (price_fine > SIYU_INGEST_MAX_AMOUNT * self->fine_scale / units)
        return trouble (t, F_UNIT_PRICE, _("The quantity times the unit price is too large to be real."));
      item->line_total = round_fine (self, price_fine * units, &line->rounded);
    }
  else if (price_fine >= 0)
    item->line_total = 0;
  if (price_fine >= 0)
    item->unit_price = round_fine (self, price_fine, &line->rounded);

  return TRUE;
}

/* A file imported again.  Each order stored from a file keeps a digest
 * of the lines it was read from, and of everything that reads them: the
 * columns mapped, the preset, the channel, the consent the owner vouched
 * for, the shop's time zone and currency, and how this version of Siyu
 * reads lines (DIGEST_RULES: change it when a line would be read
 * otherwise).  An order whose lines come again, unchanged, is left as it
 * is without reading them.  Only an order read without a warning or a
 * line set aside keeps one, so that a second import of a file says what
 * the first said; and any other change to the order lets go of it
 * (migration 13).  The digest is not a safeguard against a file made to
 * collide with it: such a file could only leave an order as it is. */
#define DIGEST_RULES "1"

static guint64
digest_update (guint64     h,
               const char *data,
               gsize       size)
{
  const guint64 k = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  gsize i = 0;

  for (; i + 8 <= size; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, 8);
      h = (h ^ word) * k;
      h ^= h >> 29;
    }
  for (; i < size; i++)
    {
      h = (h ^ (guchar) data[i]) * k;
      h ^= h >> 29;
    }
  /* The end of a field, so that "ab" + "c" is not "a" + "bc". */
  h = (h ^ 0x1e) * k;
  return h ^ (h >> 31);
}

static guint64
digest_text (guint64     h,
             const char *text)
{
  return digest_update (h, text != NULL ? text : "\x1f", text != NULL ? strlen (text) : 1);
}

static void
start_digest (SiyuImport *self)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  h = digest_text (h, DIGEST_RULES);
  h = digest_text (h, self->preset);
  h = digest_text (h, self->channel_kind);
  h = digest_text (h, self->channel_name);
  h = digest_text (h, self->platform);
  h = digest_text (h, self->consent_given);
  h = digest_text (h, g_time_zone_get_identifier (self->tz));
  h = digest_text (h, siyu_shop_get_currency (self->shop));
  for (guint f = 0; f < N_FIELDS; f++)
    h = digest_update (h, (const char *) self->mapping[f].columns, sizeof self->mapping[f].columns);
  self->digest_seed = h;
}

/* Never 0, which stands for none. */
static gint64
group_digest (SiyuImport *self,
              OrderGroup *group)
{
  guint64 h = self->digest_seed;

  for (guint i = 0; i < group->keys->len; i++)
    {
      gsize size;
      const char *data = g_bytes_get_data (g_ptr_array_index (group->keys, i), &size);

      h = digest_update (h, data, size);
    }
  h &= G_MAXINT64;
  return h != 0 ? (gint64) h : 1;
}

/* Whether the order of @group is stored as it was read from the same
 * lines: then it is counted as unchanged and its lines are not read. */
static gboolean
unchanged_since_read (SiyuImport *self,
                      OrderGroup *group,
                      gint64      digest)
{
  SiyuDb *db = siyu_shop_get_db (self->shop);
  g_autoptr(GError) error = NULL;
  g_autofree char *channel = NULL;
  sqlite3_stmt *stmt;
  gint64 channel_id_found;
  gboolean same = FALSE;

  /* In a large first import the orders are new: not worth asking. */
  if (self->bulk)
    return FALSE;

  for (guint i = 0; i < group->rows->len && channel == NULL; i++)
    {
      const char * const *cells = g_ptr_array_index (group->rows, i);

      channel = text_of (cell (self, cells, g_strv_length ((char **) cells), F_CHANNEL));
    }
  /* A problem with the channel is the order's: read it whole. */
  channel_id_found = channel_id (self, channel, &error);
  if (channel_id_found < 0)
    return FALSE;

  /* An erased person's orders are read whole, to be counted as such. */
  stmt = siyu_db_prepare (db, "SELECT o.import_digest = ?3 AND c.erased_at IS NULL, o.contact_id IS NOT NULL "
                              "FROM orders o LEFT JOIN contacts c ON c.id = o.contact_id "
                              "WHERE o.channel_id = ?1 AND o.external_ref = ?2", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, channel_id_found);
  sqlite3_bind_text (stmt, 2, group->ref, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, digest);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1)
    {
      same = TRUE;
      self->unchanged_read++;
      if (sqlite3_column_int (stmt, 1) == 1)
        self->unchanged_read_with_contact++;
    }
  sqlite3_reset (stmt);

  return same;
}

static gboolean
import_order (SiyuImport  *self,
              OrderGroup  *group)
{
  guint n = group->rows->len;
  const char *values[N_FIELDS] = { NULL, };
  guint value_rows[N_FIELDS] = { 0, };
  g_autofree SiyuOrderItemRecord *items = NULL;
  g_autofree SiyuOrderItemRecord *kept = NULL;
  g_autofree Line *lines = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  PersonText person = { NULL, };
  SiyuContactRecord contact = { NULL, };
  SiyuOrderRecord order = { 0, };
  SiyuOutcome outcome;
  Trouble t = { N_FIELDS, NULL };
  guint bad = 0, n_good = 0, n_kept = 0, n_positive = 0, n_negative = 0;
  guint n_own_trouble = 0, repeated = 0, rounded = 0, adjustments = 0;
  guint earliest = G_MAXUINT, latest = G_MAXUINT;
  gint64 lines_total = 0;
  gint64 total = 0, refunded = 0, created_at = 0, stored_id, digest;
  const char *status = "paid";
  gboolean is_return, anonymous;

  if (group->ref == NULL)
    {
      const char * const *cells = g_ptr_array_index (group->rows, 0);

      reject_row (self, g_array_index (group->row_numbers, guint, 0), cells,
                  g_strv_length ((char **) cells), F_ORDER_REF, FALSE, _("The line has no order number."));
      return TRUE;
    }
  digest = group_digest (self, group);
  if (unchanged_since_read (self, group, digest))
    return TRUE;

  items = g_new0 (SiyuOrderItemRecord, n);
  kept = g_new0 (SiyuOrderItemRecord, n);
  lines = g_new0 (Line, n);
  for (guint i = 0; i < n; i++)
    lines[i].t.field = N_FIELDS;
  if (n > 1)
    seen = g_hash_table_new (g_bytes_hash, g_bytes_equal);

  for (guint i = 0; i < n; i++)
    {
      const char * const *cells = g_ptr_array_index (group->rows, i);
      guint n_cells = g_strv_length ((char **) cells);

      if (!read_line (self, cells, n_cells, &items[i], &lines[i], owned))
        {
          n_own_trouble++;
          continue;
        }
      n_good++;
      /* A line like another is a second line of its own: exports write one
       * line per unit or per scan. */
      if (seen != NULL && !g_hash_table_add (seen, g_ptr_array_index (group->keys, i)))
        repeated++;
    }

  /* The order's own fields, from the lines that could be read. */
  for (bad = 0; bad < n; bad++)
    {
      const char * const *cells = g_ptr_array_index (group->rows, bad);
      guint n_cells = g_strv_length ((char **) cells);
      guint row = g_array_index (group->row_numbers, guint, bad);

      if (lines[bad].t.message != NULL)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (order_fields); k++)
        {
          Field f = order_fields[k];
          const char *value = cell (self, cells, n_cells, f);
          char *copy;

          if (siyu_text_is_blank (value))
            continue;
          copy = g_strstrip (g_strdup (value));
          g_ptr_array_add (owned, copy);
          if (values[f] == NULL)
            {
              values[f] = copy;
              value_rows[f] = row;
            }
          else if (!g_str_equal (values[f], copy))
            {
              trouble (&t, f, _("This line says “%s” where row %u of the same order says “%s”; the lines of one order must agree."),
                       copy, value_rows[f], values[f]);
              goto rejected;
            }
        }
      if (lines[bad].time != 0)
        {
          if (earliest == G_MAXUINT || lines[bad].time < lines[earliest].time)
            earliest = bad;
          if (latest == G_MAXUINT || lines[bad].time > lines[latest].time)
            latest = bad;
        }
    }
  for (bad = 0; bad < n && lines[bad].t.message != NULL; bad++)
    ;
  if (bad == n)
    {
      /* Every line has a problem of its own. */
      bad = 0;
      goto rejected;
    }

  /* A sale, or a return when no line is positive; the lines against the
   * grain are stock adjustments. */
  for (guint i = 0; i < n; i++)
    if (lines[i].t.message == NULL)
      {
        if (lines[i].quantity > 0)
          n_positive++;
        else if (lines[i].quantity < 0)
          n_negative++;
      }
  is_return = n_positive == 0 && n_negative > 0;
  if (n_positive == 0 && n_negative == 0)
    {
      trouble (&t, F_QUANTITY, _("The quantity “%s” is below one."),
               cell (self, g_ptr_array_index (group->rows, bad),
                     g_strv_length (g_ptr_array_index (group->rows, bad)), F_QUANTITY));
      goto rejected;
    }

  for (guint i = 0; i < n; i++)
    {
      if (lines[i].t.message != NULL)
        continue;
      if (is_return ? lines[i].quantity >= 0 : lines[i].quantity <= 0)
        {
          adjustments++;
          continue;
        }
      if (items[i].line_total < 0 &&
          (is_return || n_positive > 1 || values[F_ORDER_TOTAL] == NULL))
        {
          trouble (&lines[i].t, _siyu_import_is_mapped (self, F_UNIT_PRICE) ? F_UNIT_PRICE : F_LINE_TOTAL,
                   _("The line has neither a unit price nor a line total."));
          n_own_trouble++;
          continue;
        }
      lines[i].kept = TRUE;
      if (lines[i].rounded)
        rounded++;
      kept[n_kept++] = items[i];
    }
  for (bad = 0; bad < n && lines[bad].t.message != NULL; bad++)
    ;
  if (n_kept == 0)
    {
      if (bad == n)
        {
          bad = 0;
          goto rejected;
        }
      trouble (&t, _siyu_import_is_mapped (self, F_UNIT_PRICE) ? F_UNIT_PRICE : F_LINE_TOTAL,
               _("The order has no line with a quantity and a price."));
      goto rejected;
    }

  if (earliest == G_MAXUINT)
    {
      trouble (&t, F_CREATED_AT, _("The order has no time."));
      goto rejected;
    }
  created_at = lines[earliest].time;
  if (lines[latest].time - created_at > 24 * 60 * 60)
    {
      const char * const *first = g_ptr_array_index (group->rows, earliest);
      const char * const *last = g_ptr_array_index (group->rows, latest);

      bad = latest;
      trouble (&t, F_CREATED_AT, _("Row %u says the order was made at “%s” and row %u at “%s”, more than a day apart; the lines of one order must agree on its time."),
               g_array_index (group->row_numbers, guint, earliest),
               cell (self, first, g_strv_length ((char **) first), F_CREATED_AT),
               g_array_index (group->row_numbers, guint, latest),
               cell (self, last, g_strv_length ((char **) last), F_CREATED_AT));
      goto rejected;
    }

  if (!is_return && _siyu_import_is_mapped (self, F_STATUS))
    {
      if (values[F_STATUS] == NULL)
        {
          trouble (&t, F_STATUS, _("The order has no status."));
          goto rejected;
        }
      status = _siyu_import_lookup_word (WORDS_STATUS, values[F_STATUS]);
      if (status == NULL)
        {
          trouble (&t, F_STATUS, _("“%s” is not an order status Siyu knows. It knows words such as paid, refunded, cancelled, 交易成功, 已退款 and 交易关闭."),
                   values[F_STATUS]);
          goto rejected;
        }
    }

  if (values[F_CURRENCY] != NULL &&
      g_ascii_strcasecmp (values[F_CURRENCY], siyu_shop_get_currency (self->shop)) != 0)
    {
      trouble (&t, F_CURRENCY, _("The order is in %s but the shop keeps its books in %s; Siyu does not convert currencies."),
               values[F_CURRENCY], siyu_shop_get_currency (self->shop));
      goto rejected;
    }

  for (guint i = 0; i < n_kept; i++)
    if (kept[i].line_total >= 0)
      lines_total += kept[i].line_total;

  if (values[F_ORDER_TOTAL] != NULL && !is_return)
    {
      if (!parse_amount_cell (self, values[F_ORDER_TOTAL], F_ORDER_TOTAL, &total, &t))
        goto rejected;
      if (n_kept == 1 && kept[0].line_total < 0)
        kept[0].line_total = total;
    }
  else
    total = lines_total;
  if (total > SIYU_INGEST_MAX_AMOUNT)
    {
      trouble (&t, F_ORDER_TOTAL, _("The order’s lines add up to more than is real."));
      goto rejected;
    }

  for (guint i = 0; i < n_kept; i++)
    if (kept[i].unit_price < 0)
      kept[i].unit_price = (kept[i].line_total + kept[i].quantity / 2) / kept[i].quantity;

  if (!is_return)
    {
      gboolean has_refunded = FALSE;

      if (values[F_REFUNDED_AMOUNT] != NULL)
        {
          has_refunded = TRUE;
          if (!parse_amount_cell (self, values[F_REFUNDED_AMOUNT], F_REFUNDED_AMOUNT, &refunded, &t))
            goto rejected;
        }
      if (refunded > total)
        {
          trouble (&t, F_REFUNDED_AMOUNT, _("The refunded amount is larger than the order’s total."));
          goto rejected;
        }
      if (g_str_equal (status, "refunded") && !has_refunded)
        refunded = total;
      else if (g_str_equal (status, "partially_refunded") && refunded == 0)
        {
          trouble (&t, _siyu_import_is_mapped (self, F_REFUNDED_AMOUNT) ? F_REFUNDED_AMOUNT : F_STATUS,
                   _("The order is partly refunded but no refunded amount is given."));
          goto rejected;
        }
      else if (g_str_equal (status, "paid") && refunded > 0)
        status = refunded == total ? "refunded" : "partially_refunded";
    }

  order.channel_id = channel_id (self, values[F_CHANNEL], &error);
  if (order.channel_id < 0)
    {
      trouble (&t, F_CHANNEL, "%s", error->message);
      goto rejected;
    }

  person.name = text_of (values[F_NAME]);
  person.phone = clean_number (values[F_PHONE]);
  person.email = text_of (values[F_EMAIL]);
  person.wechat_id = text_of (values[F_WECHAT_ID]);
  person.customer_id = clean_identifier (values[F_CUSTOMER_ID]);
  if (!check_phone (person.phone, &t))
    {
      person_text_clear (&person);
      goto rejected;
    }
  anonymous = !person_has_identity (&person);
  if (!anonymous)
    {
      person_fill (self, &person, &contact);
      contact.seen_at = created_at;
      contact.channel_id = order.channel_id;
      order.contact_id = resolve_contact (self, &contact, &t, &error);
      if (order.contact_id < 0)
        {
          person_text_clear (&person);
          if (error != NULL)
            return fail (self, g_steal_pointer (&error));
          goto rejected;
        }
      if (order.contact_id == 0)
        self->counts.rows_erased += n_good - 1;
    }
  person_text_clear (&person);

  order.external_ref = group->ref;
  order.status = status;
  order.created_at = created_at;
  order.currency = siyu_shop_get_currency (self->shop);
  order.total_amount = total;
  order.refunded_amount = refunded;
  order.items = kept;
  order.n_items = n_kept;
  /* Kept only where a second reading would say nothing more. */
  if (!is_return && n_own_trouble == 0 && adjustments == 0 && repeated == 0 && rounded == 0 &&
      lines[latest].time == created_at && (order.contact_id > 0 || anonymous))
    order.import_digest = digest;

  if (is_return)
    stored_id = siyu_ingest_return (self->ingest, &order, &outcome, &error);
  else
    stored_id = siyu_ingest_order (self->ingest, &order, &outcome, &error);
  if (stored_id < 0)
    return fail (self, g_steal_pointer (&error));

  if (is_return)
    {
      char *original = clean_identifier (values[F_ORIGINAL_REF]);

      self->counts.returns++;
      if (original != NULL)
        {
          ReturnLink link = { stored_id, order.channel_id, original };

          g_array_append_val (self->returns_to_link, link);
        }
    }
  self->counts.adjustments_skipped += adjustments;
  self->counts.lines_repeated += repeated;
  self->counts.amounts_rounded += rounded;
  if (lines[latest].time != created_at)
    self->counts.times_disagreed++;

  /* One bad line no longer costs its order the good ones. */
  if (n_own_trouble > 0)
    {
      for (guint i = 0; i < n; i++)
        if (lines[i].t.message != NULL)
          {
            const char * const *cells = g_ptr_array_index (group->rows, i);

            reject_row (self, g_array_index (group->row_numbers, guint, i), cells,
                        g_strv_length ((char **) cells), lines[i].t.field,
                        lines[i].t.field == N_FIELDS, lines[i].t.message);
          }
      self->counts.lines_kept_beside_rejected += n_kept;
    }

  for (guint i = 0; i < n; i++)
    g_free (lines[i].t.message);
  return TRUE;

rejected:
  reject_order (self, group, lines, bad, &t);
  for (guint i = 0; i < n; i++)
    g_free (lines[i].t.message);
  g_free (t.message);
  return TRUE;
}

/* Customers, group members and events: one row each. */

static gboolean
read_person (SiyuImport         *self,
             const char * const *cells,
             guint               n_cells,
             PersonText         *person,
             Trouble            *t)
{
  person->name = text_of (cell (self, cells, n_cells, F_NAME));
  person->phone = clean_number (cell (self, cells, n_cells, F_PHONE));
  person->email = text_of (cell (self, cells, n_cells, F_EMAIL));
  person->wechat_id = text_of (cell (self, cells, n_cells, F_WECHAT_ID));
  person->customer_id = clean_identifier (cell (self, cells, n_cells, F_CUSTOMER_ID));

  if (!check_phone (person->phone, t))
    return FALSE;
  if (!person_has_identity (person))
    return trouble (t, _siyu_import_is_mapped (self, F_PHONE) ? F_PHONE : N_FIELDS,
                    _("The row has no phone, e-mail, WeChat id or customer id to tell the person apart."));
  return TRUE;
}

static gboolean
import_customer (SiyuImport         *self,
                 const char * const *cells,
                 guint               n_cells,
                 Trouble            *t,
                 GError            **error)
{
  g_auto(GStrv) tags = NULL;
  PersonText person = { NULL, };
  SiyuContactRecord record = { NULL, };
  const char *value;
  gint64 created = 0, member_since = 0, id;
  gboolean ok = FALSE;

  if (!read_person (self, cells, n_cells, &person, t))
    goto out;
  person.city = text_of (cell (self, cells, n_cells, F_CITY));
  person_fill (self, &person, &record);

  value = cell (self, cells, n_cells, F_BIRTHDAY);
  if (!siyu_text_is_blank (value))
    {
      gint64 utc;

      if (!parse_time_cell (self, value, F_BIRTHDAY, &utc, t))
        goto out;
      person.birthday = siyu_day_format (siyu_shop_day_of (self->shop, utc));
      record.birthday = person.birthday;
    }

  value = cell (self, cells, n_cells, F_CREATED_AT);
  if (!siyu_text_is_blank (value) && !parse_time_cell (self, value, F_CREATED_AT, &created, t))
    goto out;
  value = cell (self, cells, n_cells, F_MEMBER_SINCE);
  if (!siyu_text_is_blank (value) && !parse_time_cell (self, value, F_MEMBER_SINCE, &member_since, t))
    goto out;
  record.member_since = member_since;
  record.channel_id = channel_id (self, NULL, error);
  if (record.channel_id < 0)
    goto out;
  record.seen_at = created > 0 ? created : member_since > 0 ? member_since : g_get_real_time () / G_USEC_PER_SEC;

  value = cell (self, cells, n_cells, F_CONSENT);
  if (!siyu_text_is_blank (value))
    {
      const char *word = _siyu_import_lookup_word (WORDS_YES_NO, value);

      if (word == NULL)
        {
          trouble (t, F_CONSENT, _("“%s” is neither yes nor no."), value);
          goto out;
        }
      record.consent = g_str_equal (word, "yes");
      record.consent_at = record.seen_at;
      record.consent_source = self->preset != NULL ? self->preset : "import";
    }

  id = resolve_contact (self, &record, t, error);
  if (id < 0)
    goto out;

  value = cell (self, cells, n_cells, F_TAGS);
  if (!siyu_text_is_blank (value))
    tags = g_regex_split_simple ("[,;，；、]", value, 0, 0);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (!siyu_text_is_blank (tags[i]) && !siyu_ingest_tag (self->ingest, id, tags[i], "import", record.seen_at, error))
      goto out;
  value = cell (self, cells, n_cells, F_TIER);
  if (!siyu_text_is_blank (value) && !siyu_ingest_tag (self->ingest, id, value, "import", record.seen_at, error))
    goto out;

  ok = TRUE;

out:
  person_text_clear (&person);
  return ok;
}

static gboolean
import_member (SiyuImport         *self,
               const char * const *cells,
               guint               n_cells,
               Trouble            *t,
               GError            **error)
{
  PersonText person = { NULL, };
  SiyuContactRecord record = { NULL, };
  g_autofree char *group = NULL;
  const char *kind = "wechat", *role = "member", *value;
  gint64 joined = 0, left = 0, contact_id, group_id;
  gboolean ok = FALSE;

  group = text_of (cell (self, cells, n_cells, F_GROUP));
  if (group == NULL)
    {
      trouble (t, F_GROUP, _("The row names no group."));
      goto out;
    }
  value = cell (self, cells, n_cells, F_GROUP_KIND);
  if (!siyu_text_is_blank (value) && (kind = _siyu_import_lookup_word (WORDS_GROUP_KIND, value)) == NULL)
    {
      trouble (t, F_GROUP_KIND, _("“%s” is not a kind of group Siyu knows (WeCom, WeChat, club or other)."), value);
      goto out;
    }
  value = cell (self, cells, n_cells, F_ROLE);
  if (!siyu_text_is_blank (value) && (role = _siyu_import_lookup_word (WORDS_ROLE, value)) == NULL)
    {
      trouble (t, F_ROLE, _("“%s” is not a role in a group (owner, admin or member)."), value);
      goto out;
    }
  value = cell (self, cells, n_cells, F_JOINED_AT);
  if (siyu_text_is_blank (value))
    {
      trouble (t, F_JOINED_AT, _("The time of joining the group is missing."));
      goto out;
    }
  if (!parse_time_cell (self, value, F_JOINED_AT, &joined, t))
    goto out;
  value = cell (self, cells, n_cells, F_LEFT_AT);
  if (!siyu_text_is_blank (value) && !parse_time_cell (self, value, F_LEFT_AT, &left, t))
    goto out;
  if (left != 0 && left < joined)
    {
      trouble (t, F_LEFT_AT, _("The time of leaving the group is before the time of joining it."));
      goto out;
    }

  if (!read_person (self, cells, n_cells, &person, t))
    goto out;
  person_fill (self, &person, &record);
  record.seen_at = joined;
  contact_id = resolve_contact (self, &record, t, error);
  if (contact_id < 0)
    goto out;
  if (contact_id == 0)
    {
      ok = TRUE;
      goto out;
    }

  group_id = siyu_ingest_group (self->ingest, group, kind, joined, error);
  if (group_id < 0 ||
      !siyu_ingest_group_member (self->ingest, group_id, contact_id, role, joined, left, error))
    goto out;
  self->counts.memberships++;
  ok = TRUE;

out:
  person_text_clear (&person);
  return ok;
}

static gboolean
import_event (SiyuImport         *self,
              const char * const *cells,
              guint               n_cells,
              Trouble            *t,
              GError            **error)
{
  PersonText person = { NULL, };
  SiyuContactRecord record = { NULL, };
  g_autofree char *detail = NULL;
  const char *kind, *value;
  gint64 occurred = 0, contact_id, channel;
  gboolean ok = FALSE;

  value = cell (self, cells, n_cells, F_EVENT_KIND);
  kind = _siyu_import_lookup_word (WORDS_EVENT_KIND, value);
  if (kind == NULL)
    {
      trouble (t, F_EVENT_KIND, _("“%s” is not a kind of event Siyu knows (visit, view, cart, favourite, inquiry, review, share, referral or group message)."),
               value);
      goto out;
    }
  value = cell (self, cells, n_cells, F_OCCURRED_AT);
  if (siyu_text_is_blank (value))
    {
      trouble (t, F_OCCURRED_AT, _("The event has no time."));
      goto out;
    }
  if (!parse_time_cell (self, value, F_OCCURRED_AT, &occurred, t))
    goto out;

  if (!read_person (self, cells, n_cells, &person, t))
    goto out;

  /* An event without a channel has none, rather than the import's. */
  value = cell (self, cells, n_cells, F_CHANNEL);
  channel = siyu_text_is_blank (value) ? 0 : channel_id (self, value, error);
  if (channel < 0)
    goto out;

  person_fill (self, &person, &record);
  record.seen_at = occurred;
  record.channel_id = channel;
  contact_id = resolve_contact (self, &record, t, error);
  if (contact_id < 0)
    goto out;

  detail = text_of (cell (self, cells, n_cells, F_DETAIL));
  if (!siyu_ingest_event (self->ingest, contact_id, kind, occurred, channel, detail, error))
    goto out;
  ok = TRUE;

out:
  person_text_clear (&person);
  return ok;
}

static gboolean
import_row (SiyuImport         *self,
            const char * const *cells,
            guint               n_cells,
            guint               row)
{
  g_autoptr(GError) error = NULL;
  Trouble t = { N_FIELDS, NULL };
  gboolean ok;

  if (!check_ragged (self, cells, n_cells, &t))
    ok = FALSE;
  else if (self->kind == SIYU_IMPORT_CUSTOMERS)
    ok = import_customer (self, cells, n_cells, &t, &error);
  else if (self->kind == SIYU_IMPORT_GROUPS)
    ok = import_member (self, cells, n_cells, &t, &error);
  else
    ok = import_event (self, cells, n_cells, &t, &error);

  if (ok)
    return TRUE;
  if (error != NULL)
    return fail (self, g_steal_pointer (&error));

  reject_row (self, row, cells, n_cells, t.field, t.field == N_FIELDS, t.message);
  g_free (t.message);
  return TRUE;
}

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
  g_autofree char *ref = clean_identifier (cell (self, cells, n_cells, F_ORDER_REF));
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
  g_autofree char *ref = clean_identifier (cell (self, cells, n_cells, F_ORDER_REF));

  if (group_ends_before (group, ref))
    {
      if (!import_order (self, group))
        return FALSE;
      order_group_clear (group);
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
          if (!import_order (self, group))
            break;
          order_group_clear (group);
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
    import_order (self, group);
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
      else if (!import_row (self, cells, n_cells, row))
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
  if (streaming && group.rows->len > 0 && !import_order (self, &group))
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
  order_group_clear (&group);
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
  start_digest (self);

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
