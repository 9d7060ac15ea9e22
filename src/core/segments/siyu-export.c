/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "siyu-analytics.h"
#include "siyu-export.h"
#include "siyu-money.h"
#include "siyu-output-file.h"
#include "siyu-phone.h"
#include "siyu-segments.h"
#include "siyu-text.h"
#include "siyu-time.h"
#include "siyu-json.h"

/* Exports of a segment's members or of a list of contacts, and the touches
 * they record.
 *
 * Formats: CSV in UTF-8 with a byte order mark, RFC 4180 quoting (a field
 * with a comma, semicolon, quote, tab, CR or LF is quoted, quotes doubled)
 * and CRLF after every line; every cell, the header's too, goes through
 * siyu_csv_append_cell(): one that starts with = + - @, a tab or CR gets a
 * leading apostrophe unless it is exactly one of Siyu's own numbers (-1250,
 * 410.00), so a spreadsheet never runs it as a formula.  XLSX through
 * libxlsxwriter: one sheet, a bold header, numbers as numbers, text always
 * as text (never a formula).  vCard 3.0: BEGIN, VERSION, FN, N, TEL;
 * TYPE=CELL, EMAIL, END, CRLF, with \ , ; and newlines escaped (lines are
 * not folded).  Phones: one number per line, CRLF; members without a phone
 * are skipped.
 *
 * Phone numbers.  Group-messaging tools, SMS tools and spreadsheets in a
 * shop's own country take numbers as people there write them: a Chinese
 * tool imports 13812345678, not +8613812345678.  So in CSV, XLSX and phone
 * lists a number of the shop's phone region is written in its national
 * form (siyu_phone_national(): 13812345678, 01065529988; 91234567 in Hong
 * Kong), which never starts with a formula character, and a foreign number
 * keeps its + (E.164), which in CSV therefore carries the guard's
 * apostrophe ('+447911123456) — the mark that tells a spreadsheet it is
 * text — and in XLSX is a text cell as it is.  vCards keep E.164, which
 * phones' address books dial from anywhere.  Masked numbers are
 * siyu_phone_mask()'s 138****8000.  Money is in major units.
 *
 * Members who may not be contacted (siyu-consent.c: refused, do-not-contact,
 * and unknown unless the shop's policy allows it) are always left out, and
 * counted by consent.  A holdout is drawn from the rest: the member ids in
 * ascending order are shuffled by Fisher–Yates with GRand seeded with the
 * seed (for i from n − 1 down to 1, swap i with g_rand_int_range (0, i + 1))
 * and the first round (share × n) are held out: recorded, not exported.  An
 * export that would write nobody is refused with the reason, and leaves
 * no file and no record.
 *
 * The file is written with SiyuOutputFile under a temporary name in the
 * destination folder, created exclusively with mode 0600 (it holds
 * personal data), never through a link planted there.  Once it is on the
 * disk, the touch, its members and the audit line are committed in one
 * transaction, and only then does the file take its name: a process killed
 * in between leaves a record without a file, never a file of phone numbers
 * without a record.  A rename that fails removes the record again.  On any
 * error nothing is left under the final name or as the temporary file; a
 * temporary file a killed process left is removed the next time the shop
 * is opened (siyu_export_remove_leftovers()).  The audit line holds the
 * segment, format, counts, fields, the consent policy and the file's base
 * name, never personal data.
 *
 * Uplift of a touch with a holdout.  The window is from the touch's moment
 * to the end of the W-th shop day counting the touch's day (default
 * W = 14); it is final once today is past it.  For the members (1) and the
 * holdout (0): n contacts, b buyers with a paid order in the window (paid or
 * partially refunded, in the shop's currency), x_i the net of each
 * contact's paid orders in the window (0 for non-buyers).
 *   share p = b / n; difference d = p1 − p0;
 *   SE = sqrt (p1 (1 − p1) / n1 + p0 (1 − p0) / n0); 95 % interval d ± 1.959964 SE
 *   (normal approximation for a difference of proportions).
 *   Net per contact m = Σ x_i / n, s² = Σ (x_i − m)² / (n − 1);
 *   difference m1 − m0, SE = sqrt (s1² / n1 + s0² / n0), Welch–Satterthwaite
 *   ν = SE⁴ / ((s1² / n1)² / (n1 − 1) + (s0² / n0)² / (n0 − 1)), interval
 *   ± t(0.975, ν) SE, t by the Cornish–Fisher expansion of Abramowitz and
 *   Stegun 26.7.5 (to 4 terms, error below 10⁻⁴ for ν ≥ 10).
 * Verdict: "too few contacts to tell" when either group has fewer than 30;
 * else "no clear difference" when the share's interval contains 0; else it
 * worked (interval above 0) or did worse (below 0).
 */

#define MIN_GROUP   30
#define MAX_WINDOW  365
#define Z_975       1.959963984540054

G_DEFINE_QUARK (siyu-export-error-quark, siyu_export_error)

static gssize write_limit = -1;

void
siyu_export_set_write_limit_for_tests (gssize bytes)
{
  write_limit = bytes;
}

static const char * const format_names[] = { "csv", "xlsx", "vcard", "phones" };

typedef enum {
  FIELD_ID,
  FIELD_NAME,
  FIELD_PHONE,
  FIELD_EMAIL,
  FIELD_WECHAT_ID,
  FIELD_CITY,
  FIELD_STAGE,
  FIELD_RFM_SEGMENT,
  FIELD_TIER,
  FIELD_FIRST_ORDER,
  FIELD_LAST_ORDER,
  FIELD_ORDERS,
  FIELD_NET_SPEND,
  FIELD_TAGS,
  FIELD_MEMBER_SINCE,
  N_FIELDS
} Field;

static const char * const field_names[N_FIELDS + 1] = {
  "id", "name", "phone", "email", "wechat_id", "city", "stage", "rfm_segment", "tier", "first_order",
  "last_order", "orders", "net_spend", "tags", "member_since", NULL
};

static const char * const default_fields[] = {
  "id", "name", "phone", "city", "stage", "tier", "last_order", "net_spend", NULL
};

static const char *
field_title (Field field)
{
  switch (field)
    {
    /* Translators: column titles of an exported list of contacts. */
    case FIELD_ID: return _("ID");
    case FIELD_NAME: return _("Name");
    case FIELD_PHONE: return _("Phone");
    case FIELD_EMAIL: return _("Email");
    case FIELD_WECHAT_ID: return _("WeChat ID");
    case FIELD_CITY: return _("City");
    case FIELD_STAGE: return _("Stage");
    case FIELD_RFM_SEGMENT: return _("RFM segment");
    case FIELD_TIER: return _("Tier");
    case FIELD_FIRST_ORDER: return _("First order");
    case FIELD_LAST_ORDER: return _("Last order");
    case FIELD_ORDERS: return _("Orders");
    case FIELD_NET_SPEND: return _("Net spend");
    case FIELD_TAGS: return _("Tags");
    case FIELD_MEMBER_SINCE: return _("Member since");
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

gboolean
siyu_export_format_from_string (const char       *text,
                                SiyuExportFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_strcmp0 (text, format_names[i]) == 0)
      {
        *format = i;
        return TRUE;
      }

  return FALSE;
}

const char *
siyu_export_format_to_string (SiyuExportFormat format)
{
  g_return_val_if_fail (format <= SIYU_EXPORT_PHONES, NULL);

  return format_names[format];
}

const char * const *
siyu_export_field_names (void)
{
  return field_names;
}

const char * const *
siyu_export_default_fields (void)
{
  return default_fields;
}

/* One member's row, read with the segment's query. */
typedef struct {
  gint64      id;
  const char *text[N_FIELDS];
  gint64      orders;
  gint64      net_spend;
  gint64      member_since;
} Row;

#define ROW_SELECT \
  "SELECT c.id, c.name, c.phone, c.email, c.wechat_id, c.city, m.stage, m.rfm_segment, " \
  "(SELECT name FROM tiers WHERE id = m.tier_id), m.first_order, m.last_order, coalesce (m.orders, 0), " \
  "coalesce (m.net_spend, 0), (SELECT group_concat (name, ', ') FROM (SELECT t.name FROM contact_tags ct " \
  "JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id ORDER BY t.name)), c.member_since"

static void
read_row (sqlite3_stmt *stmt,
          Row          *row)
{
  static const Field text_columns[] = {
    FIELD_NAME, FIELD_PHONE, FIELD_EMAIL, FIELD_WECHAT_ID, FIELD_CITY, FIELD_STAGE, FIELD_RFM_SEGMENT,
    FIELD_TIER, FIELD_FIRST_ORDER, FIELD_LAST_ORDER,
  };

  memset (row, 0, sizeof *row);
  row->id = sqlite3_column_int64 (stmt, 0);
  for (guint i = 0; i < G_N_ELEMENTS (text_columns); i++)
    row->text[text_columns[i]] = (const char *) sqlite3_column_text (stmt, (int) i + 1);
  row->orders = sqlite3_column_int64 (stmt, 11);
  row->net_spend = sqlite3_column_int64 (stmt, 12);
  row->text[FIELD_TAGS] = (const char *) sqlite3_column_text (stmt, 13);
  row->member_since = sqlite3_column_type (stmt, 14) == SQLITE_NULL ? 0 : sqlite3_column_int64 (stmt, 14);
}

typedef struct {
  SiyuShop       *shop;
  int             digits;
  gboolean        mask;
  gboolean        sheet;       /* CSV or XLSX: phones in the shop's own national form */
  const char     *region;
  GArray         *fields;      /* Field */
  SiyuOutputFile *out;
  GString        *buffer;
  gssize          written;
  int             errsv;       /* errno of the first failed write, 0 if none */
} Writer;

#define FLUSH_AT 65536

static gboolean
flush (Writer *w)
{
  g_autoptr(GError) error = NULL;

  if (w->errsv != 0)
    return FALSE;
  if (w->buffer->len > 0 && !siyu_output_file_write (w->out, w->buffer->str, w->buffer->len, &error))
    {
      w->errsv = error->domain == G_IO_ERROR && error->code == G_IO_ERROR_NO_SPACE ? ENOSPC : EIO;
      return FALSE;
    }
  g_string_truncate (w->buffer, 0);

  return TRUE;
}

static gboolean
put (Writer     *w,
     const char *data,
     gsize       len)
{
  if (w->errsv != 0)
    return FALSE;
  if (write_limit >= 0 && w->written + (gssize) len > write_limit)
    {
      w->errsv = ENOSPC;
      return FALSE;
    }
  g_string_append_len (w->buffer, data, (gssize) len);
  w->written += (gssize) len;

  return w->buffer->len < FLUSH_AT || flush (w);
}

static char *
format_amount (gint64 amount,
               int    digits)
{
  gint64 unit = 1;

  if (digits <= 0)
    return g_strdup_printf ("%lld", (long long) amount);
  for (int i = 0; i < digits; i++)
    unit *= 10;

  return g_strdup_printf ("%s%lld.%0*lld", amount < 0 ? "-" : "", (long long) (ABS (amount) / unit),
                          digits, (long long) (ABS (amount) % unit));
}

/* A phone for a spreadsheet or a phone list: see the top of this file. */
static char *
phone_text (Writer     *w,
            const char *e164)
{
  char *national;

  if (e164 == NULL || *e164 == '\0')
    return NULL;
  if (w->mask)
    return siyu_phone_mask (e164);
  national = siyu_phone_national (e164, w->region);

  return national != NULL ? national : g_strdup (e164);
}

/* The text of one field, or NULL when empty. */
static char *
field_text (Writer    *w,
            const Row *row,
            Field      field)
{
  switch (field)
    {
    case FIELD_ID:
      return g_strdup_printf ("%lld", (long long) row->id);
    case FIELD_PHONE:
      if (row->text[FIELD_PHONE] == NULL || *row->text[FIELD_PHONE] == '\0')
        return NULL;
      if (w->sheet)
        return phone_text (w, row->text[FIELD_PHONE]);
      return w->mask ? siyu_phone_mask (row->text[FIELD_PHONE]) : g_strdup (row->text[FIELD_PHONE]);
    case FIELD_ORDERS:
      return g_strdup_printf ("%lld", (long long) row->orders);
    case FIELD_NET_SPEND:
      return format_amount (row->net_spend, w->digits);
    case FIELD_MEMBER_SINCE:
      return row->member_since != 0 ? siyu_day_format (siyu_shop_day_of (w->shop, row->member_since)) : NULL;
    case FIELD_STAGE:
      /* Stages and RFM segments in the export's language, as its header. */
      for (guint i = 0; row->text[field] != NULL && i < SIYU_N_STAGES; i++)
        if (g_str_equal (row->text[field], siyu_stage_to_string (i)))
          return g_strdup (siyu_stage_get_label (i));
      return NULL;
    case FIELD_RFM_SEGMENT:
      for (guint i = 1; row->text[field] != NULL && i < SIYU_N_RFM_SEGMENTS; i++)
        if (g_str_equal (row->text[field], siyu_rfm_segment_to_string (i)))
          return g_strdup (siyu_rfm_segment_get_label (i));
      return NULL;
    case FIELD_NAME:
    case FIELD_EMAIL:
    case FIELD_WECHAT_ID:
    case FIELD_CITY:
    case FIELD_TIER:
    case FIELD_FIRST_ORDER:
    case FIELD_LAST_ORDER:
    case FIELD_TAGS:
      return row->text[field] != NULL && *row->text[field] != '\0' ? g_strdup (row->text[field]) : NULL;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
csv_header (Writer *w)
{
  g_autoptr(GString) line = g_string_new ("\xEF\xBB\xBF");

  for (guint i = 0; i < w->fields->len; i++)
    {
      if (i > 0)
        g_string_append_c (line, ',');
      siyu_csv_append_cell (line, field_title (g_array_index (w->fields, Field, i)));
    }
  g_string_append (line, "\r\n");

  return put (w, line->str, line->len);
}

static gboolean
csv_row (Writer    *w,
         const Row *row)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < w->fields->len; i++)
    {
      g_autofree char *text = field_text (w, row, g_array_index (w->fields, Field, i));

      if (i > 0)
        g_string_append_c (line, ',');
      siyu_csv_append_cell (line, text);
    }
  g_string_append (line, "\r\n");

  return put (w, line->str, line->len);
}

static void
vcard_escape (GString    *out,
              const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case ',': g_string_append (out, "\\,"); break;
        case ';': g_string_append (out, "\\;"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r':
          if (p[1] != '\n')
            g_string_append (out, "\\n");
          break;
        default: g_string_append_c (out, *p); break;
        }
    }
}

static gboolean
vcard_row (Writer    *w,
           const Row *row)
{
  g_autoptr(GString) card = g_string_new ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:");
  g_autofree char *phone = field_text (w, row, FIELD_PHONE);
  const char *name = row->text[FIELD_NAME];
  const char *email = row->text[FIELD_EMAIL];
  g_autofree char *fallback = NULL;

  if (name == NULL || *name == '\0')
    name = phone != NULL ? phone : email != NULL && *email != '\0' ? email
                                 : (fallback = g_strdup_printf ("%lld", (long long) row->id));
  vcard_escape (card, name);
  g_string_append (card, "\r\nN:");
  vcard_escape (card, name);
  g_string_append (card, ";;;;\r\n");
  if (phone != NULL)
    {
      g_string_append (card, "TEL;TYPE=CELL:");
      vcard_escape (card, phone);
      g_string_append (card, "\r\n");
    }
  if (email != NULL && *email != '\0')
    {
      g_string_append (card, "EMAIL:");
      vcard_escape (card, email);
      g_string_append (card, "\r\n");
    }
  g_string_append (card, "END:VCARD\r\n");

  return put (w, card->str, card->len);
}

static gboolean
phone_row (Writer    *w,
           const Row *row)
{
  g_autofree char *text = phone_text (w, row->text[FIELD_PHONE]);

  return put (w, text, strlen (text)) && put (w, "\r\n", 2);
}

typedef struct {
  lxw_workbook  *workbook;
  lxw_worksheet *sheet;
  lxw_format    *bold;
  lxw_format    *money;
  lxw_row_t      next_row;
  lxw_error      error;
} Xlsx;

static void
xlsx_check (Xlsx      *x,
            lxw_error  error)
{
  if (x->error == LXW_NO_ERROR)
    x->error = error;
}

static void
xlsx_header (Xlsx   *x,
             Writer *w)
{
  for (guint i = 0; i < w->fields->len; i++)
    xlsx_check (x, worksheet_write_string (x->sheet, 0, (lxw_col_t) i,
                                           field_title (g_array_index (w->fields, Field, i)), x->bold));
  x->next_row = 1;
}

/* Strings are written as strings, never as formulas: a cell of an XLSX
 * needs no guard. */
static void
xlsx_row (Xlsx      *x,
          Writer    *w,
          const Row *row)
{
  double unit = pow (10.0, w->digits);

  for (guint i = 0; i < w->fields->len && x->error == LXW_NO_ERROR; i++)
    {
      Field field = g_array_index (w->fields, Field, i);
      g_autofree char *text = NULL;

      switch (field)
        {
        case FIELD_ID:
          xlsx_check (x, worksheet_write_number (x->sheet, x->next_row, (lxw_col_t) i, (double) row->id, NULL));
          break;
        case FIELD_ORDERS:
          xlsx_check (x, worksheet_write_number (x->sheet, x->next_row, (lxw_col_t) i, (double) row->orders, NULL));
          break;
        case FIELD_NET_SPEND:
          xlsx_check (x, worksheet_write_number (x->sheet, x->next_row, (lxw_col_t) i,
                                                 (double) row->net_spend / unit, x->money));
          break;
        case FIELD_NAME:
        case FIELD_PHONE:
        case FIELD_EMAIL:
        case FIELD_WECHAT_ID:
        case FIELD_CITY:
        case FIELD_STAGE:
        case FIELD_RFM_SEGMENT:
        case FIELD_TIER:
        case FIELD_FIRST_ORDER:
        case FIELD_LAST_ORDER:
        case FIELD_TAGS:
        case FIELD_MEMBER_SINCE:
          text = field_text (w, row, field);
          if (text != NULL)
            xlsx_check (x, worksheet_write_string (x->sheet, x->next_row, (lxw_col_t) i, text, NULL));
          break;
        case N_FIELDS:
        default:
          g_assert_not_reached ();
        }
    }
  x->next_row++;
}

/* Names the owner's file, never the temporary one, and says why. */
static gboolean
set_write_error (GError    **error,
                 const char *path,
                 int         errsv)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE,
               /* Translators: %s is a file, then the reason. */
               _("Could not write %s: %s"), display, g_strerror (errsv));
  return FALSE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Fisher–Yates over the ascending ids with GRand seeded with @seed; the
 * first round (share × n) are the holdout, returned ascending. */
GArray *
siyu_export_holdout (const gint64 *ids,
                     guint         n_ids,
                     double        share,
                     guint32       seed)
{
  g_autoptr(GArray) shuffled = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint k;

  g_array_append_vals (shuffled, ids, n_ids);
  for (guint i = n_ids; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      gint64 tmp = g_array_index (shuffled, gint64, i - 1);

      g_array_index (shuffled, gint64, i - 1) = g_array_index (shuffled, gint64, j);
      g_array_index (shuffled, gint64, j) = tmp;
    }
  k = (guint) floor (CLAMP (share, 0.0, 1.0) * n_ids + 0.5);
  g_array_set_size (shuffled, MIN (k, n_ids));
  g_array_sort (shuffled, compare_ids);

  return g_steal_pointer (&shuffled);
}

static gboolean
parse_fields (const char * const  *names,
              GArray              *fields,
              GError             **error)
{
  if (names == NULL)
    names = default_fields;
  for (guint i = 0; names[i] != NULL; i++)
    {
      guint f;

      for (f = 0; f < N_FIELDS; f++)
        if (g_str_equal (names[i], field_names[f]))
          break;
      if (f == N_FIELDS)
        {
          g_autofree char *all = g_strjoinv (", ", (char **) field_names);

          g_set_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_INVALID,
                       _("“%s” is not a field that can be exported; use %s."), names[i], all);
          return FALSE;
        }
      g_array_append_val (fields, f);
    }
  if (fields->len == 0)
    {
      g_set_error_literal (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_INVALID,
                           _("Choose at least one field to export."));
      return FALSE;
    }

  return TRUE;
}

/* Libxlsxwriter opens its file by name: it is given the file already
 * created, through its descriptor, so that nothing planted at the
 * temporary name can be followed. */
static char *
fd_path (int fd)
{
  return g_strdup_printf ("/proc/self/fd/%d", fd);
}

/* Whether a failed XLSX write was the disk filling up: libxlsxwriter keeps
 * no errno, so the file system is asked. */
static gboolean
out_of_space (int fd)
{
  struct statvfs st;

  return fstatvfs (fd, &st) == 0 && st.f_bavail == 0;
}

/* Writes the rows of @stmt that are not held out; returns the written ids. */
static gboolean
write_file (Writer             *w,
            SiyuExportFormat    format,
            const char         *path,
            sqlite3_stmt       *stmt,
            GHashTable         *holdout,
            GArray             *written,
            GCancellable       *cancellable,
            GError            **error)
{
  Xlsx x = { NULL, };
  int rc;

  if (format == SIYU_EXPORT_XLSX)
    {
      lxw_workbook_options options = { .constant_memory = LXW_TRUE, .use_zip64 = LXW_FALSE };
      g_autofree char *name = fd_path (siyu_output_file_get_fd (w->out));

      x.workbook = workbook_new_opt (name, &options);
      if (x.workbook == NULL)
        return set_write_error (error, path, errno != 0 ? errno : EIO);
      x.sheet = workbook_add_worksheet (x.workbook, NULL);
      x.bold = workbook_add_format (x.workbook);
      format_set_bold (x.bold);
      x.money = workbook_add_format (x.workbook);
      format_set_num_format (x.money, w->digits > 0 ? "0.00" : "0");
      xlsx_header (&x, w);
    }
  else if (format == SIYU_EXPORT_CSV)
    csv_header (w);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row;

      read_row (stmt, &row);
      if (g_hash_table_contains (holdout, &row.id))
        continue;
      switch (format)
        {
        case SIYU_EXPORT_CSV:
          csv_row (w, &row);
          break;
        case SIYU_EXPORT_XLSX:
          xlsx_row (&x, w, &row);
          break;
        case SIYU_EXPORT_VCARD:
          vcard_row (w, &row);
          break;
        case SIYU_EXPORT_PHONES:
        default:
          phone_row (w, &row);
          break;
        }
      g_array_append_val (written, row.id);
      if (w->errsv != 0 || x.error != LXW_NO_ERROR)
        break;
      if (written->len % 1024 == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }

  if (format == SIYU_EXPORT_XLSX)
    {
      lxw_error closed = workbook_close (x.workbook);
      int fd = siyu_output_file_get_fd (w->out);

      if (x.error == LXW_NO_ERROR)
        x.error = closed;
      if (x.error == LXW_NO_ERROR && write_limit >= 0)
        {
          GStatBuf st;

          if (fstat (fd, &st) != 0 || st.st_size > write_limit)
            w->errsv = ENOSPC;
        }
      if (x.error != LXW_NO_ERROR && w->errsv == 0)
        {
          g_autofree char *display = g_filename_display_name (path);

          if (out_of_space (fd))
            return set_write_error (error, path, ENOSPC);
          g_set_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE,
                       _("Could not write %s: %s"), display, lxw_strerror (x.error));
          return FALSE;
        }
    }
  else
    flush (w);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      siyu_db_set_error (siyu_shop_get_db (w->shop), rc, error);
      return FALSE;
    }
  if (w->errsv != 0)
    return set_write_error (error, path, w->errsv);

  return TRUE;
}

static gboolean
record (SiyuShop                *shop,
        gint64                   segment_id,
        const char              *touch_name,
        const char              *path,
        const SiyuExportOptions *options,
        GArray                  *fields,
        GArray                  *written,
        GArray                  *held,
        SiyuExportResult        *result,
        GError                 **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *base = g_path_get_basename (path);
  sqlite3_stmt *stmt;
  gint64 touch;

  stmt = siyu_db_prepare (db, "INSERT INTO touches (name, segment_id, kind, format, created_at, window_days, "
                              "holdout_share, seed) VALUES (?, ?, 'export', ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, touch_name, -1, SQLITE_STATIC);
  if (segment_id > 0)
    sqlite3_bind_int64 (stmt, 2, segment_id);
  sqlite3_bind_text (stmt, 3, format_names[options->format], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, options->at != 0 ? options->at : g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int (stmt, 5, options->window_days > 0 ? options->window_days : SIYU_EXPORT_DEFAULT_WINDOW);
  sqlite3_bind_double (stmt, 6, options->holdout_share);
  if (options->holdout_share > 0)
    sqlite3_bind_int64 (stmt, 7, options->seed);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;
  touch = siyu_db_last_insert_id (db);

  for (guint g = 0; g < 2; g++)
    {
      GArray *ids = g == 0 ? written : held;

      for (guint i = 0; i < ids->len; i++)
        {
          stmt = siyu_db_prepare (db, "INSERT INTO touch_members (touch_id, contact_id, holdout) VALUES (?, ?, ?)",
                                  error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, touch);
          sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
          sqlite3_bind_int (stmt, 3, (int) g);
          if (!siyu_db_step_done (db, stmt, error))
            return FALSE;
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, segment_id > 0 ? "segment" : "list");
  json_builder_add_string_value (builder, touch_name);
  json_builder_set_member_name (builder, "touch_id");
  json_builder_add_int_value (builder, touch);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, format_names[options->format]);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, written->len);
  json_builder_set_member_name (builder, "excluded");
  json_builder_add_int_value (builder, result->excluded);
  json_builder_set_member_name (builder, "held_out");
  json_builder_add_int_value (builder, held->len);
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  if (options->format == SIYU_EXPORT_CSV || options->format == SIYU_EXPORT_XLSX)
    for (guint i = 0; i < fields->len; i++)
      json_builder_add_string_value (builder, field_names[g_array_index (fields, Field, i)]);
  else if (options->format == SIYU_EXPORT_VCARD)
    {
      json_builder_add_string_value (builder, "name");
      json_builder_add_string_value (builder, "phone");
      json_builder_add_string_value (builder, "email");
    }
  else
    json_builder_add_string_value (builder, "phone");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "masked");
  json_builder_add_boolean_value (builder, options->mask_phones);
  json_builder_set_member_name (builder, "unknown_consent");
  json_builder_add_string_value (builder, siyu_consent_policy_to_string (siyu_consent_get_policy (shop)));
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, base);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  detail = siyu_json_to_string (node, FALSE);
  if (!siyu_shop_audit (shop, "export", segment_id > 0 ? "segment" : "contacts", segment_id, detail, error))
    return FALSE;

  result->touch_id = touch;
  return TRUE;
}

/* A rename that failed after the commit takes the touch and its audit line
 * back: nothing may say a file was exported that does not exist. */
static void
unrecord (SiyuShop *shop,
          gint64    touch_id)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;

  if (!siyu_db_begin (db, NULL))
    return;
  stmt = siyu_db_prepare (db, "DELETE FROM audit_log WHERE action = 'export' AND detail ->> '$.touch_id' = ?", NULL);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, touch_id);
  if (!siyu_db_step_done (db, stmt, NULL))
    goto fail;
  stmt = siyu_db_prepare (db, "DELETE FROM touches WHERE id = ?", NULL);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, touch_id);
  if (!siyu_db_step_done (db, stmt, NULL) || !siyu_db_commit (db, NULL))
    goto fail;
  return;

fail:
  siyu_db_rollback (db);
}

/* Who is exported: a segment's members, or a list of contacts. */
typedef struct {
  gint64            segment_id;
  char             *name;
  SiyuSegmentQuery *query;
  char             *ids;        /* JSON array, for a list */
} Members;

static void
members_clear (Members *members)
{
  g_clear_pointer (&members->name, g_free);
  g_clear_pointer (&members->query, siyu_segment_query_free);
  g_clear_pointer (&members->ids, g_free);
}

/* "@select FROM contacts c LEFT JOIN contact_metrics m … WHERE they are
 * members (and alive) @tail". */
static sqlite3_stmt *
members_prepare (SiyuShop    *shop,
                 Members     *members,
                 const char  *select,
                 const char  *tail,
                 GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (members->query != NULL)
    return siyu_segment_query_prepare (members->query, select, tail, error);

  sql = g_strdup_printf ("%s FROM contacts c LEFT JOIN contact_metrics m ON m.contact_id = c.id "
                         "WHERE c.id IN (SELECT value FROM json_each (?1)) AND c.erased_at IS NULL %s",
                         select, tail != NULL ? tail : "");
  rc = sqlite3_prepare_v2 (siyu_db_get_handle (db), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      siyu_db_set_error (db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, members->ids, -1, SQLITE_STATIC);

  return stmt;
}

/**
 * siyu_export_describe_nobody:
 * @result: what an export found: its consent counts and skips
 * @policy: the shop's policy on unknown consent
 *
 * Says why an export would write nobody, and what the owner can do.
 *
 * Returns: (transfer full) (nullable): the reason, or %NULL when someone
 *   would be exported
 */
char *
siyu_export_describe_nobody (const SiyuExportResult *result,
                             SiyuConsentPolicy       policy)
{
  const SiyuConsentCounts *c = &result->consent;
  g_autoptr(GString) out = NULL;

  if (result->matched == 0)
    return g_strdup (_("Nobody was exported: no one is in this list today."));
  if (c->reachable > 0 && result->skipped >= c->reachable)
    return g_strdup (_("Nobody was exported: none of those who may be contacted has a phone number."));
  if (c->reachable > 0)
    return result->exported == 0 && result->held_out > 0
           ? g_strdup (_("Nobody was exported: the holdout took everyone. Hold out a smaller share, or none."))
           : NULL;

  out = g_string_new (NULL);
  g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                            "Nobody was exported: the %lld person in this list may not be contacted.",
                                            "Nobody was exported: none of the %lld people in this list may be contacted.",
                                            c->total),
                          (long long) c->total);
  if (c->unknown > 0)
    {
      g_string_append_c (out, ' ');
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                "%lld was never asked whether they agree to hear from the shop.",
                                                "%lld were never asked whether they agree to hear from the shop.",
                                                c->unknown),
                              (long long) c->unknown);
    }
  if (c->refused > 0)
    {
      g_string_append_c (out, ' ');
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "%lld refused.", "%lld refused.", c->refused),
                              (long long) c->refused);
    }
  if (c->do_not_contact > 0)
    {
      g_string_append_c (out, ' ');
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "%lld asked not to be contacted.",
                                                "%lld asked not to be contacted.", c->do_not_contact),
                              (long long) c->do_not_contact);
    }
  if (c->unknown > 0 && policy != SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN)
    {
      g_string_append_c (out, ' ');
      g_string_append (out, _("Record that they agreed with Set Consent, or, if the shop may contact "
                              "people who were never asked, allow it in Preferences."));
    }
  else if (c->unknown == 0)
    {
      g_string_append_c (out, ' ');
      g_string_append (out, _("Refusals and do-not-contact are never exported."));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
export_members (SiyuShop                *shop,
                Members                 *members,
                const char              *path,
                const SiyuExportOptions *options,
                SiyuExportResult        *result,
                GError                 **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  SiyuConsentPolicy policy = siyu_consent_get_policy (shop);
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (Field));
  g_autoptr(GArray) reachable = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) held = NULL;
  g_autoptr(GArray) written = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) holdout = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(SiyuOutputFile) out = NULL;
  g_autoptr(GString) buffer = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *eligible = NULL;
  g_autofree char *nobody = NULL;
  Writer w = { shop, 0, FALSE, FALSE, NULL, NULL, NULL, NULL, 0, 0 };
  sqlite3_stmt *stmt;
  int rc;

  if (options->format > SIYU_EXPORT_PHONES ||
      !(options->holdout_share >= 0.0 && options->holdout_share < 1.0) ||
      options->window_days < 0 || options->window_days > MAX_WINDOW)
    {
      g_set_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_INVALID,
                   _("The holdout must be a share from 0 to below 1, and the window from 1 to %d days."),
                   MAX_WINDOW);
      return FALSE;
    }
  if (!parse_fields (options->fields, fields, error))
    return FALSE;

  stmt = members_prepare (shop, members, SIYU_CONSENT_COUNTS_SELECT, NULL, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    siyu_consent_counts_read (stmt, policy, &result->consent);
  else
    siyu_db_set_error (db, rc, error);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return FALSE;
  result->matched = result->consent.total;
  result->excluded = result->consent.total - result->consent.reachable;

  /* A phone list holds only those with a phone: the holdout is drawn from
   * the same people, so that both groups are alike. */
  eligible = g_strdup_printf ("AND %s %s ORDER BY c.id", siyu_consent_reachable_sql (policy),
                              options->format == SIYU_EXPORT_PHONES ? "AND coalesce (c.phone, '') <> ''" : "");
  stmt = members_prepare (shop, members, "SELECT c.id", eligible, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (reachable, id);
    }
  if (rc != SQLITE_DONE)
    siyu_db_set_error (db, rc, error);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  result->skipped = result->consent.reachable - reachable->len;
  held = siyu_export_holdout ((const gint64 *) (gpointer) reachable->data, reachable->len,
                              options->holdout_share, options->seed);
  for (guint i = 0; i < held->len; i++)
    g_hash_table_add (holdout, &g_array_index (held, gint64, i));
  result->held_out = held->len;

  /* An empty file is no success: say why, write and record nothing. */
  if (reachable->len == held->len)
    {
      nobody = siyu_export_describe_nobody (result, policy);
      g_set_error_literal (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_NOBODY,
                           nobody != NULL ? nobody : _("Nobody was exported."));
      return FALSE;
    }

  out = siyu_output_file_open (path, &local_error);
  if (out == NULL)
    {
      g_set_error_literal (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE, local_error->message);
      return FALSE;
    }

  w.digits = siyu_currency_digits (siyu_shop_get_currency (shop));
  w.mask = options->mask_phones;
  w.sheet = options->format == SIYU_EXPORT_CSV || options->format == SIYU_EXPORT_XLSX;
  w.region = siyu_shop_get_phone_region (shop);
  w.fields = fields;
  w.out = out;
  w.buffer = buffer;

  stmt = members_prepare (shop, members, ROW_SELECT, eligible, error);
  if (stmt == NULL)
    return FALSE;
  if (!write_file (&w, options->format, path, stmt, holdout, written, options->cancellable, error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  if (!siyu_output_file_sync (out, &local_error))
    {
      g_set_error_literal (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE, local_error->message);
      return FALSE;
    }

  /* Cancelled until here, nothing is left: the temporary file goes with
   * @out.  The touch and its audit line are committed first and the file
   * gets its name last: killed in between, the shop says an export was
   * made that the owner never got, never the reverse.  A rename that fails
   * takes the record back. */
  if (g_cancellable_set_error_if_cancelled (options->cancellable, error))
    return FALSE;
  result->exported = written->len;
  if (!siyu_db_begin (db, error))
    return FALSE;
  if (!record (shop, members->segment_id, members->name, path, options, fields, written, held, result, error) ||
      !siyu_db_commit (db, error))
    {
      siyu_db_rollback (db);
      result->touch_id = 0;
      result->exported = 0;
      return FALSE;
    }
  if (!siyu_output_file_commit (out, &local_error))
    {
      unrecord (shop, result->touch_id);
      result->touch_id = 0;
      result->exported = 0;
      g_set_error_literal (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_WRITE, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_export_segment:
 * @path: the file to write; replaced only when the export succeeds
 * @result: (out) (optional): what was done, and the consent counts, filled
 *   on failure too
 *
 * Exports the segment's members that may be contacted, less a holdout if
 * asked, records the touch and writes the audit log.  See the top of this
 * file for the formats and the holdout.  When nobody would be written it
 * fails with %SIYU_EXPORT_ERROR_NOBODY, saying why.
 */
gboolean
siyu_export_segment (SiyuShop                *shop,
                     gint64                   segment_id,
                     const char              *path,
                     const SiyuExportOptions *options,
                     SiyuExportResult        *result,
                     GError                 **error)
{
  g_autoptr(JsonNode) segment = NULL;
  SiyuExportResult local = { 0, };
  Members members = { segment_id, NULL, NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

  segment = siyu_segment_get (shop, segment_id, error);
  if (segment == NULL)
    return FALSE;
  members.name = g_strdup (json_object_get_string_member (json_node_get_object (segment), "name"));
  members.query = siyu_segment_query_new (shop, json_object_get_member (json_node_get_object (segment), "definition"),
                                          error);
  ok = members.query != NULL && export_members (shop, &members, path, options, result, error);
  members_clear (&members);

  return ok;
}

/**
 * siyu_export_contacts:
 * @ids: (array length=n_ids): the contacts, such as a filtered contacts list
 * @name: what the touch is called, such as “Contacts: dormant in 杭州”
 *
 * siyu_export_segment() for a list of contacts rather than a segment: the
 * same consent rules, holdout, touch and audit line (without a segment).
 */
gboolean
siyu_export_contacts (SiyuShop                *shop,
                      const gint64            *ids,
                      guint                    n_ids,
                      const char              *name,
                      const char              *path,
                      const SiyuExportOptions *options,
                      SiyuExportResult        *result,
                      GError                 **error)
{
  SiyuExportResult local = { 0, };
  Members members = { 0, NULL, NULL, NULL };
  GString *list;
  gboolean ok;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

  list = g_string_sized_new (16 + n_ids * 8);
  g_string_append_c (list, '[');
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (list, ']');
  members.ids = g_string_free (list, FALSE);
  members.name = g_strdup (name);
  ok = export_members (shop, &members, path, options, result, error);
  members_clear (&members);

  return ok;
}

/**
 * siyu_export_remove_leftovers:
 *
 * Removes what an export killed half way left behind, beside the shop and
 * in the folder its exports last went to: temporary files older than a
 * minute (siyu_output_file_remove_leftovers()).
 *
 * Returns: how many were removed
 */
guint
siyu_export_remove_leftovers (SiyuShop *shop)
{
  g_autofree char *dir = NULL;
  g_autofree char *folder = NULL;
  guint removed;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);

  dir = g_path_get_dirname (siyu_shop_get_path (shop));
  removed = siyu_output_file_remove_leftovers (dir, 60);
  folder = siyu_shop_dup_setting (shop, SIYU_EXPORT_FOLDER_KEY);
  if (folder != NULL && g_path_is_absolute (folder) && g_strcmp0 (folder, dir) != 0)
    removed += siyu_output_file_remove_leftovers (folder, 60);

  return removed;
}

static const char * const prefs_keys[] = { "export_format", "export_fields", "export_mask", SIYU_EXPORT_FOLDER_KEY };

/**
 * siyu_export_load_prefs:
 * @prefs: (out caller-allocates): the choices the shop's last export made;
 *   free with siyu_export_prefs_clear()
 */
void
siyu_export_load_prefs (SiyuShop        *shop,
                        SiyuExportPrefs *prefs)
{
  g_autofree char *format = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *mask = NULL;

  g_return_if_fail (SIYU_IS_SHOP (shop));
  g_return_if_fail (prefs != NULL);

  memset (prefs, 0, sizeof *prefs);
  format = siyu_shop_dup_setting (shop, prefs_keys[0]);
  if (!siyu_export_format_from_string (format, &prefs->format))
    prefs->format = SIYU_EXPORT_CSV;
  fields = siyu_shop_dup_setting (shop, prefs_keys[1]);
  if (fields != NULL)
    {
      g_auto(GStrv) names = g_strsplit (fields, ",", -1);
      g_autoptr(GArray) parsed = g_array_new (FALSE, FALSE, sizeof (Field));

      /* Only names this version knows, or none at all. */
      if (parse_fields ((const char * const *) names, parsed, NULL))
        prefs->fields = g_steal_pointer (&names);
    }
  mask = siyu_shop_dup_setting (shop, prefs_keys[2]);
  prefs->mask_phones = g_strcmp0 (mask, "1") == 0;
  prefs->folder = siyu_shop_dup_setting (shop, prefs_keys[3]);
  if (prefs->folder != NULL && !g_path_is_absolute (prefs->folder))
    g_clear_pointer (&prefs->folder, g_free);
}

/**
 * siyu_export_save_prefs:
 *
 * Remembers an export's format, columns, masking and folder for the shop's
 * next one.
 */
gboolean
siyu_export_save_prefs (SiyuShop               *shop,
                        const SiyuExportPrefs  *prefs,
                        GError                **error)
{
  g_autofree char *fields = NULL;
  const char *values[G_N_ELEMENTS (prefs_keys)];
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (prefs != NULL && prefs->format <= SIYU_EXPORT_PHONES, FALSE);

  if (prefs->fields != NULL)
    fields = g_strjoinv (",", prefs->fields);
  values[0] = format_names[prefs->format];
  values[1] = fields;
  values[2] = prefs->mask_phones ? "1" : "0";
  values[3] = prefs->folder;

  db = siyu_shop_get_db (shop);
  if (!siyu_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (prefs_keys); i++)
    {
      sqlite3_stmt *stmt = values[i] != NULL
                           ? siyu_db_prepare (db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error)
                           : siyu_db_prepare (db, "DELETE FROM settings WHERE key = ?1", error);

      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, prefs_keys[i], -1, SQLITE_STATIC);
      if (values[i] != NULL)
        sqlite3_bind_text (stmt, 2, values[i], -1, SQLITE_TRANSIENT);
      if (!siyu_db_step_done (db, stmt, error))
        goto fail;
    }
  if (!siyu_db_commit (db, error))
    goto fail;

  return TRUE;

fail:
  siyu_db_rollback (db);
  return FALSE;
}

void
siyu_export_prefs_clear (SiyuExportPrefs *prefs)
{
  g_clear_pointer (&prefs->fields, g_strfreev);
  g_clear_pointer (&prefs->folder, g_free);
}

/* Touches and their uplift. */

typedef struct {
  gint64  n;
  gint64  buyers;
  double  net;
  double  mean;
  double  var;      /* sample variance of the net per contact */
} Group;

/* The upper 97.5 % point of Student's t with @df degrees of freedom:
 * Abramowitz and Stegun 26.7.5. */
static double
t_975 (double df)
{
  double z = Z_975, z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
  double g1 = (z3 + z) / 4.0;
  double g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
  double g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
  double g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;

  if (!(df > 0.0) || isinf (df))
    return z;

  return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
}

static void
add_group (JsonBuilder *builder,
           const char  *name,
           const Group *group)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "contacts");
  json_builder_add_int_value (builder, group->n);
  json_builder_set_member_name (builder, "buyers");
  json_builder_add_int_value (builder, group->buyers);
  json_builder_set_member_name (builder, "share_bought");
  json_builder_add_double_value (builder, group->n > 0 ? (double) group->buyers / group->n : 0.0);
  json_builder_set_member_name (builder, "net_sales");
  json_builder_add_int_value (builder, (gint64) group->net);
  json_builder_set_member_name (builder, "net_per_contact");
  json_builder_add_double_value (builder, group->mean);
  json_builder_end_object (builder);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static gboolean
uplift (SiyuShop     *shop,
        gint64        touch_id,
        gint64        created_at,
        int           window_days,
        double        holdout_share,
        JsonBuilder  *builder,
        GError      **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  SiyuDay first = siyu_shop_day_of (shop, created_at);
  SiyuDay last = first + window_days - 1;
  gint64 end = siyu_shop_day_start (shop, last + 1);
  gboolean complete = siyu_shop_get_today (shop) > last;
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *values[2] = { members, held };
  g_autofree char *first_text = siyu_day_format (first);
  g_autofree char *last_text = siyu_day_format (last);
  Group groups[2] = { { 0, }, { 0, } };
  double p[2], d_p, se_p, d_m, se_m, df, t;
  const char *verdict;
  g_autofree char *message = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT tm.holdout, count (o.id), coalesce (sum (max (0, o.total_amount - o.refunded_amount)), 0) "
                              "FROM touch_members tm LEFT JOIN orders o ON o.contact_id = tm.contact_id "
                              "  AND o.status IN ('paid', 'partially_refunded') AND o.currency = ? "
                              "  AND o.created_at >= ? AND o.created_at < ? "
                              "WHERE tm.touch_id = ? GROUP BY tm.contact_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, created_at);
  sqlite3_bind_int64 (stmt, 3, end);
  sqlite3_bind_int64 (stmt, 4, touch_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      /* groups[0] are the members, groups[1] the holdout. */
      int g = sqlite3_column_int (stmt, 0) != 0 ? 1 : 0;
      double net = (double) sqlite3_column_int64 (stmt, 2);

      groups[g].n++;
      if (sqlite3_column_int64 (stmt, 1) > 0)
        groups[g].buyers++;
      groups[g].net += net;
      g_array_append_val (values[g], net);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;

  for (guint g = 0; g < 2; g++)
    {
      double sum = 0.0;

      groups[g].mean = groups[g].n > 0 ? groups[g].net / groups[g].n : 0.0;
      for (guint i = 0; i < values[g]->len; i++)
        {
          double dx = g_array_index (values[g], double, i) - groups[g].mean;

          sum += dx * dx;
        }
      groups[g].var = groups[g].n > 1 ? sum / (groups[g].n - 1) : 0.0;
      p[g] = groups[g].n > 0 ? (double) groups[g].buyers / groups[g].n : 0.0;
    }

  d_p = p[0] - p[1];
  se_p = groups[0].n > 0 && groups[1].n > 0
         ? sqrt (p[0] * (1 - p[0]) / groups[0].n + p[1] * (1 - p[1]) / groups[1].n) : 0.0;
  d_m = groups[0].mean - groups[1].mean;
  {
    double v0 = groups[0].n > 0 ? groups[0].var / groups[0].n : 0.0;
    double v1 = groups[1].n > 0 ? groups[1].var / groups[1].n : 0.0;
    double denominator = (groups[0].n > 1 ? v0 * v0 / (groups[0].n - 1) : 0.0) +
                         (groups[1].n > 1 ? v1 * v1 / (groups[1].n - 1) : 0.0);

    se_m = sqrt (v0 + v1);
    df = denominator > 0.0 ? (v0 + v1) * (v0 + v1) / denominator : (double) (groups[0].n + groups[1].n - 2);
    t = t_975 (df);
  }

  if (holdout_share <= 0.0 || groups[1].n == 0)
    {
      verdict = "no_holdout";
      message = g_strdup (_("No one was held out, so there is nothing to compare with."));
    }
  else if (!complete)
    {
      verdict = "open";
      /* Translators: %s is a date. */
      message = g_strdup_printf (_("The window runs until %s: the figures are not final yet."), last_text);
    }
  else if (groups[0].n < MIN_GROUP || groups[1].n < MIN_GROUP)
    {
      verdict = "too_few";
      message = g_strdup_printf (_("Too few contacts to tell: each group needs at least %d."), MIN_GROUP);
    }
  else if (d_p - Z_975 * se_p <= 0.0 && d_p + Z_975 * se_p >= 0.0)
    {
      verdict = "no_difference";
      message = g_strdup (_("No clear difference: those who got the message bought about as often as those held out."));
    }
  else if (d_p > 0.0)
    {
      g_autofree char *points = g_strdup_printf ("%.1f", 100.0 * d_p);

      verdict = "worked";
      /* Translators: %s is a number of percentage points, such as 12.5. */
      message = g_strdup_printf (_("It worked: %s percentage points more of those who got the message bought."), points);
    }
  else
    {
      verdict = "worse";
      message = g_strdup (_("Those who got the message bought less often than those held out."));
    }

  json_builder_set_member_name (builder, "uplift");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "window_first_day");
  json_builder_add_string_value (builder, first_text);
  json_builder_set_member_name (builder, "window_last_day");
  json_builder_add_string_value (builder, last_text);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_boolean_value (builder, complete);
  add_group (builder, "members", &groups[0]);
  add_group (builder, "holdout", &groups[1]);
  add_double (builder, "share_difference", d_p);
  add_double (builder, "share_low", d_p - Z_975 * se_p);
  add_double (builder, "share_high", d_p + Z_975 * se_p);
  add_double (builder, "net_difference", d_m);
  add_double (builder, "net_low", d_m - t * se_m);
  add_double (builder, "net_high", d_m + t * se_m);
  add_double (builder, "net_df", df);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, verdict);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  return TRUE;
}

#define TOUCH_SELECT \
  "SELECT t.id, t.name, t.segment_id, t.kind, t.format, t.created_at, t.window_days, t.holdout_share, t.seed, " \
  "  (SELECT count (*) FROM touch_members WHERE touch_id = t.id AND holdout = 0), " \
  "  (SELECT count (*) FROM touch_members WHERE touch_id = t.id AND holdout = 1) FROM touches t "

static void
touch_fields (JsonBuilder  *builder,
              sqlite3_stmt *stmt)
{
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  json_builder_set_member_name (builder, "segment_id");
  if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 2));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 3));
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 4));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 5));
  json_builder_set_member_name (builder, "window_days");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 6));
  json_builder_set_member_name (builder, "holdout_share");
  json_builder_add_double_value (builder, sqlite3_column_double (stmt, 7));
  json_builder_set_member_name (builder, "seed");
  if (sqlite3_column_type (stmt, 8) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 8));
  json_builder_set_member_name (builder, "members");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 9));
  json_builder_set_member_name (builder, "holdout");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 10));
}

/**
 * siyu_touches_list:
 *
 * Returns: (transfer full): the touches, newest first, as [{ id, name,
 *   segment_id, kind, format, created_at, window_days, holdout_share, seed,
 *   members, holdout }]
 */
JsonNode *
siyu_touches_list (SiyuShop  *shop,
                   GError   **error)
{
  SiyuDb *db;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, TOUCH_SELECT "ORDER BY t.created_at DESC, t.id DESC", error);
  if (stmt == NULL)
    return NULL;
  json_builder_begin_array (builder);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      touch_fields (builder, stmt);
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/**
 * siyu_touch_get:
 *
 * Returns: (transfer full): a touch as siyu_touches_list() gives it, with
 *   its "uplift" (see the top of this file)
 */
JsonNode *
siyu_touch_get (SiyuShop  *shop,
                gint64     touch_id,
                GError   **error)
{
  SiyuDb *db;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt;
  gint64 created_at;
  int window_days;
  double share;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, TOUCH_SELECT "WHERE t.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, touch_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, SIYU_EXPORT_ERROR, SIYU_EXPORT_ERROR_NOT_FOUND,
                     _("There is no touch %lld."), (long long) touch_id);
      sqlite3_reset (stmt);
      return NULL;
    }
  json_builder_begin_object (builder);
  touch_fields (builder, stmt);
  created_at = sqlite3_column_int64 (stmt, 5);
  window_days = sqlite3_column_int (stmt, 6);
  share = sqlite3_column_double (stmt, 7);
  sqlite3_reset (stmt);

  if (!uplift (shop, touch_id, created_at, window_days, share, builder, error))
    return NULL;
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
