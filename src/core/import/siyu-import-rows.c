/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-import"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <csv.h>
#include <glib/gi18n-lib.h>

#include "siyu-import-private.h"
#include "siyu-ingest.h"
#include "siyu-money.h"
#include "siyu-parse.h"
#include "siyu-phone.h"
#include "siyu-text.h"
#include "siyu-time.h"

/* The rows of an import file to records for SiyuIngest: an order's lines
 * (gathered by siyu-import.c) to one order or return, a customer, a group
 * member or an event, each checked before anything is written.  A line
 * with a problem of its own is rejected alone; a problem of the order
 * rejects all of its lines.
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

const char *
_siyu_import_cell (SiyuImport         *self,
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

void
_siyu_import_group_clear (OrderGroup *group)
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
char *
_siyu_import_clean_identifier (const char *value)
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

  item->sku = text_of (_siyu_import_cell (self, cells, n_cells, F_SKU));
  g_ptr_array_add (owned, (gpointer) item->sku);
  item->name = text_of (_siyu_import_cell (self, cells, n_cells, F_PRODUCT_NAME));
  g_ptr_array_add (owned, (gpointer) item->name);
  if (item->sku == NULL && item->name == NULL)
    return trouble (t, _siyu_import_is_mapped (self, F_PRODUCT_NAME) ? F_PRODUCT_NAME : F_SKU,
                    _("The line has neither a product name nor a SKU."));

  line->quantity = 1;
  quantity = _siyu_import_cell (self, cells, n_cells, F_QUANTITY);
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

  time = _siyu_import_cell (self, cells, n_cells, F_CREATED_AT);
  if (!siyu_text_is_blank (time) && !parse_time_cell (self, time, F_CREATED_AT, &line->time, t))
    return FALSE;

  unit_price = _siyu_import_cell (self, cells, n_cells, F_UNIT_PRICE);
  line_total = _siyu_import_cell (self, cells, n_cells, F_LINE_TOTAL);
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

void
_siyu_import_start_digest (SiyuImport *self)
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

      channel = text_of (_siyu_import_cell (self, cells, g_strv_length ((char **) cells), F_CHANNEL));
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

gboolean
_siyu_import_order (SiyuImport  *self,
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
          const char *value = _siyu_import_cell (self, cells, n_cells, f);
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
               _siyu_import_cell (self, g_ptr_array_index (group->rows, bad),
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
               _siyu_import_cell (self, first, g_strv_length ((char **) first), F_CREATED_AT),
               g_array_index (group->row_numbers, guint, latest),
               _siyu_import_cell (self, last, g_strv_length ((char **) last), F_CREATED_AT));
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
  person.customer_id = _siyu_import_clean_identifier (values[F_CUSTOMER_ID]);
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
      char *original = _siyu_import_clean_identifier (values[F_ORIGINAL_REF]);

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
  person->name = text_of (_siyu_import_cell (self, cells, n_cells, F_NAME));
  person->phone = clean_number (_siyu_import_cell (self, cells, n_cells, F_PHONE));
  person->email = text_of (_siyu_import_cell (self, cells, n_cells, F_EMAIL));
  person->wechat_id = text_of (_siyu_import_cell (self, cells, n_cells, F_WECHAT_ID));
  person->customer_id = _siyu_import_clean_identifier (_siyu_import_cell (self, cells, n_cells, F_CUSTOMER_ID));

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
  person.city = text_of (_siyu_import_cell (self, cells, n_cells, F_CITY));
  person_fill (self, &person, &record);

  value = _siyu_import_cell (self, cells, n_cells, F_BIRTHDAY);
  if (!siyu_text_is_blank (value))
    {
      gint64 utc;

      if (!parse_time_cell (self, value, F_BIRTHDAY, &utc, t))
        goto out;
      person.birthday = siyu_day_format (siyu_shop_day_of (self->shop, utc));
      record.birthday = person.birthday;
    }

  value = _siyu_import_cell (self, cells, n_cells, F_CREATED_AT);
  if (!siyu_text_is_blank (value) && !parse_time_cell (self, value, F_CREATED_AT, &created, t))
    goto out;
  value = _siyu_import_cell (self, cells, n_cells, F_MEMBER_SINCE);
  if (!siyu_text_is_blank (value) && !parse_time_cell (self, value, F_MEMBER_SINCE, &member_since, t))
    goto out;
  record.member_since = member_since;
  record.channel_id = channel_id (self, NULL, error);
  if (record.channel_id < 0)
    goto out;
  record.seen_at = created > 0 ? created : member_since > 0 ? member_since : g_get_real_time () / G_USEC_PER_SEC;

  value = _siyu_import_cell (self, cells, n_cells, F_CONSENT);
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

  value = _siyu_import_cell (self, cells, n_cells, F_TAGS);
  if (!siyu_text_is_blank (value))
    tags = g_regex_split_simple ("[,;，；、]", value, 0, 0);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (!siyu_text_is_blank (tags[i]) && !siyu_ingest_tag (self->ingest, id, tags[i], "import", record.seen_at, error))
      goto out;
  value = _siyu_import_cell (self, cells, n_cells, F_TIER);
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

  group = text_of (_siyu_import_cell (self, cells, n_cells, F_GROUP));
  if (group == NULL)
    {
      trouble (t, F_GROUP, _("The row names no group."));
      goto out;
    }
  value = _siyu_import_cell (self, cells, n_cells, F_GROUP_KIND);
  if (!siyu_text_is_blank (value) && (kind = _siyu_import_lookup_word (WORDS_GROUP_KIND, value)) == NULL)
    {
      trouble (t, F_GROUP_KIND, _("“%s” is not a kind of group Siyu knows (WeCom, WeChat, club or other)."), value);
      goto out;
    }
  value = _siyu_import_cell (self, cells, n_cells, F_ROLE);
  if (!siyu_text_is_blank (value) && (role = _siyu_import_lookup_word (WORDS_ROLE, value)) == NULL)
    {
      trouble (t, F_ROLE, _("“%s” is not a role in a group (owner, admin or member)."), value);
      goto out;
    }
  value = _siyu_import_cell (self, cells, n_cells, F_JOINED_AT);
  if (siyu_text_is_blank (value))
    {
      trouble (t, F_JOINED_AT, _("The time of joining the group is missing."));
      goto out;
    }
  if (!parse_time_cell (self, value, F_JOINED_AT, &joined, t))
    goto out;
  value = _siyu_import_cell (self, cells, n_cells, F_LEFT_AT);
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

  value = _siyu_import_cell (self, cells, n_cells, F_EVENT_KIND);
  kind = _siyu_import_lookup_word (WORDS_EVENT_KIND, value);
  if (kind == NULL)
    {
      trouble (t, F_EVENT_KIND, _("“%s” is not a kind of event Siyu knows (visit, view, cart, favourite, inquiry, review, share, referral or group message)."),
               value);
      goto out;
    }
  value = _siyu_import_cell (self, cells, n_cells, F_OCCURRED_AT);
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
  value = _siyu_import_cell (self, cells, n_cells, F_CHANNEL);
  channel = siyu_text_is_blank (value) ? 0 : channel_id (self, value, error);
  if (channel < 0)
    goto out;

  person_fill (self, &person, &record);
  record.seen_at = occurred;
  record.channel_id = channel;
  contact_id = resolve_contact (self, &record, t, error);
  if (contact_id < 0)
    goto out;

  detail = text_of (_siyu_import_cell (self, cells, n_cells, F_DETAIL));
  if (!siyu_ingest_event (self->ingest, contact_id, kind, occurred, channel, detail, error))
    goto out;
  ok = TRUE;

out:
  person_text_clear (&person);
  return ok;
}

gboolean
_siyu_import_row (SiyuImport         *self,
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

