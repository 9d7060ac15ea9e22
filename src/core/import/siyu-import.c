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

#include "siyu-csv-reader.h"
#include "siyu-import.h"
#include "siyu-orders.h"
#include "siyu-import-guess.h"
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

#define PRESETS_PATH "/io/github/siyu/core/presets/"
#define MAX_PREVIEW 20
#define MAX_LISTED_PROBLEMS 1000
#define MAX_COLUMNS_PER_FIELD 3
#define PROGRESS_EVERY 4096

typedef enum {
  F_ORDER_REF,
  F_CREATED_AT,
  F_STATUS,
  F_CUSTOMER_ID,
  F_PHONE,
  F_NAME,
  F_EMAIL,
  F_WECHAT_ID,
  F_CITY,
  F_BIRTHDAY,
  F_MEMBER_SINCE,
  F_TIER,
  F_TAGS,
  F_CONSENT,
  F_CHANNEL,
  F_SKU,
  F_PRODUCT_NAME,
  F_QUANTITY,
  F_UNIT_PRICE,
  F_LINE_TOTAL,
  F_ORDER_TOTAL,
  F_REFUNDED_AMOUNT,
  F_CURRENCY,
  F_GROUP,
  F_GROUP_KIND,
  F_ROLE,
  F_JOINED_AT,
  F_LEFT_AT,
  F_EVENT_KIND,
  F_OCCURRED_AT,
  F_DETAIL,
  N_FIELDS
} Field;

#define K_ORDERS    (1u << SIYU_IMPORT_ORDERS)
#define K_CUSTOMERS (1u << SIYU_IMPORT_CUSTOMERS)
#define K_GROUPS    (1u << SIYU_IMPORT_GROUPS)
#define K_EVENTS    (1u << SIYU_IMPORT_EVENTS)
#define K_PEOPLE    (K_ORDERS | K_CUSTOMERS | K_GROUPS | K_EVENTS)

static const struct {
  const char *name;
  const char *title;
  guint       kinds;
  guint       required;
} fields[N_FIELDS] = {
  [F_ORDER_REF]       = { "order_ref",       NC_("import field", "Order number"), K_ORDERS, K_ORDERS },
  [F_CREATED_AT]      = { "created_at",      NC_("import field", "Created"), K_ORDERS | K_CUSTOMERS, K_ORDERS },
  [F_STATUS]          = { "status",          NC_("import field", "Order status"), K_ORDERS, 0 },
  [F_CUSTOMER_ID]     = { "customer_id",     NC_("import field", "Platform customer id"), K_PEOPLE, 0 },
  [F_PHONE]           = { "phone",           NC_("import field", "Phone"), K_PEOPLE, 0 },
  [F_NAME]            = { "name",            NC_("import field", "Name"), K_PEOPLE, 0 },
  [F_EMAIL]           = { "email",           NC_("import field", "E-mail"), K_PEOPLE, 0 },
  [F_WECHAT_ID]       = { "wechat_id",       NC_("import field", "WeChat id"), K_PEOPLE, 0 },
  [F_CITY]            = { "city",            NC_("import field", "City"), K_CUSTOMERS, 0 },
  [F_BIRTHDAY]        = { "birthday",        NC_("import field", "Birthday"), K_CUSTOMERS, 0 },
  [F_MEMBER_SINCE]    = { "member_since",    NC_("import field", "Member since"), K_CUSTOMERS, 0 },
  [F_TIER]            = { "tier",            NC_("import field", "Platform tier"), K_CUSTOMERS, 0 },
  [F_TAGS]            = { "tags",            NC_("import field", "Tags"), K_CUSTOMERS, 0 },
  [F_CONSENT]         = { "consent",         NC_("import field", "Marketing consent"), K_CUSTOMERS, 0 },
  [F_CHANNEL]         = { "channel",         NC_("import field", "Channel"), K_ORDERS | K_EVENTS, 0 },
  [F_SKU]             = { "sku",             NC_("import field", "SKU"), K_ORDERS, 0 },
  [F_PRODUCT_NAME]    = { "product_name",    NC_("import field", "Product name"), K_ORDERS, 0 },
  [F_QUANTITY]        = { "quantity",        NC_("import field", "Quantity"), K_ORDERS, 0 },
  [F_UNIT_PRICE]      = { "unit_price",      NC_("import field", "Unit price"), K_ORDERS, 0 },
  [F_LINE_TOTAL]      = { "line_total",      NC_("import field", "Line total"), K_ORDERS, 0 },
  [F_ORDER_TOTAL]     = { "order_total",     NC_("import field", "Order total"), K_ORDERS, 0 },
  [F_REFUNDED_AMOUNT] = { "refunded_amount", NC_("import field", "Refunded amount"), K_ORDERS, 0 },
  [F_CURRENCY]        = { "currency",        NC_("import field", "Currency"), K_ORDERS, 0 },
  [F_GROUP]           = { "group",           NC_("import field", "Group"), K_GROUPS, K_GROUPS },
  [F_GROUP_KIND]      = { "group_kind",      NC_("import field", "Kind of group"), K_GROUPS, 0 },
  [F_ROLE]            = { "role",            NC_("import field", "Role in the group"), K_GROUPS, 0 },
  [F_JOINED_AT]       = { "joined_at",       NC_("import field", "Joined"), K_GROUPS, K_GROUPS },
  [F_LEFT_AT]         = { "left_at",         NC_("import field", "Left"), K_GROUPS, 0 },
  [F_EVENT_KIND]      = { "event_kind",      NC_("import field", "Kind of event"), K_EVENTS, K_EVENTS },
  [F_OCCURRED_AT]     = { "occurred_at",     NC_("import field", "Happened"), K_EVENTS, K_EVENTS },
  [F_DETAIL]          = { "detail",          NC_("import field", "Detail"), K_EVENTS, 0 },
};

/* The fields an order's lines must agree on; its time is read apart. */
static const Field order_fields[] = {
  F_STATUS, F_CUSTOMER_ID, F_PHONE, F_NAME, F_EMAIL, F_WECHAT_ID, F_CHANNEL,
  F_ORDER_TOTAL, F_REFUNDED_AMOUNT, F_CURRENCY,
};

static const char * const kind_names[] = { "orders", "customers", "groups", "events" };

typedef struct {
  int columns[MAX_COLUMNS_PER_FIELD];   /* -1 where unused */
} Mapping;

typedef struct {
  GPtrArray *rows;        /* of GStrv, the order's lines */
  GPtrArray *keys;        /* of GBytes, the lines' cells as stored: to find repeats */
  GArray    *row_numbers; /* guint */
  char      *ref;         /* %NULL for a line without an order number */
} OrderGroup;

struct _SiyuImport
{
  GObject           parent_instance;

  SiyuShop         *shop;
  char             *path;
  char             *display_name;
  SiyuImportKind    kind;
  char             *encoding_choice;
  char             *preset;
  gboolean          preset_chosen;
  gboolean          remembered;     /* the mapping is one remembered for these headers */
  gboolean          guessed;        /* no preset matched: the columns were guessed */
  double            confidence[N_FIELDS];
  GHashTable       *overrides;      /* field name → column name, "" for none */
  char             *consent_given;  /* the owner's "they agreed", its source */

  gboolean          opened;
  gboolean          xlsx;
  char             *encoding;
  char              delimiter;
  GStrv             headers;
  guint             n_headers;
  GPtrArray        *preview;        /* of GStrv */
  Mapping           mapping[N_FIELDS];
  char             *channel_kind;
  char             *channel_name;
  char             *platform;
  GString          *column_names[N_FIELDS];

  /* while running */
  SiyuIngest       *ingest;
  GTimeZone        *tz;
  int               digits;
  gint64            default_channel;
  GHashTable       *channels;       /* name → id */
  int               fine_digits;    /* decimals read in prices, up to three */
  gint64            fine_scale;     /* 10^(fine_digits − digits) */
  GString          *line_cells;     /* a line's cells, each ended by a NUL */
  char             *scratch_path;   /* the scratch database of an order import */
  gboolean          scratch_attached;
  char             *last_ref;       /* the order of the line set aside last */
  gint64            last_first;     /* and the row where it first appears */
  FILE             *reject_file;
  char             *reject_part;
  GString          *scratch[N_FIELDS];
  gboolean          fatal;
  GError           *fatal_error;

  SiyuImportCounts  counts;
  GPtrArray        *problems;       /* of SiyuImportProblem */
};

G_DEFINE_FINAL_TYPE (SiyuImport, siyu_import, G_TYPE_OBJECT)

G_DEFINE_QUARK (siyu-import-error-quark, siyu_import_error)

/* Words → stored values, loaded once from words.json. */
static GHashTable *words[5];
enum { WORDS_STATUS, WORDS_EVENT_KIND, WORDS_ROLE, WORDS_GROUP_KIND, WORDS_YES_NO };

static gpointer
load_words (gpointer data G_GNUC_UNUSED)
{
  static const char * const sections[] = { "status", "event_kind", "role", "group_kind", "yes_no" };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  bytes = g_resources_lookup_data (PRESETS_PATH "words.json", 0, NULL);
  g_assert (bytes != NULL);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL))
    g_assert_not_reached ();
  root = json_node_get_object (json_parser_get_root (parser));

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      JsonObject *section = json_object_get_object_member (root, sections[i]);
      g_autoptr(GList) members = json_object_get_members (section);

      words[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonArray *list = json_object_get_array_member (section, l->data);

          for (guint j = 0; j < json_array_get_length (list); j++)
            g_hash_table_insert (words[i],
                                 g_utf8_casefold (json_array_get_string_element (list, j), -1),
                                 g_strdup (l->data));
        }
    }

  return NULL;
}

static const char *
lookup_word (guint       table,
             const char *text)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree char *stripped = NULL;
  g_autofree char *folded = NULL;

  g_once (&once, load_words, NULL);

  stripped = g_strstrip (g_strdup (text));
  folded = g_utf8_casefold (stripped, -1);

  return g_hash_table_lookup (words[table], folded);
}

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static JsonObject *
load_preset (const char *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (name == NULL || strchr (name, '/') != NULL || g_str_equal (name, "words") || g_str_equal (name, "headers"))
    return NULL;

  path = g_strconcat (PRESETS_PATH, name, ".json", NULL);
  bytes = g_resources_lookup_data (path, 0, NULL);
  if (bytes == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL))
    g_assert_not_reached ();

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
preset_is_kind (JsonObject     *preset,
                SiyuImportKind  kind)
{
  return g_strcmp0 (json_object_get_string_member (preset, "kind"), kind_names[kind]) == 0;
}

const char *
siyu_import_kind_to_string (SiyuImportKind kind)
{
  g_return_val_if_fail (kind <= SIYU_IMPORT_EVENTS, NULL);
  return kind_names[kind];
}

gboolean
siyu_import_kind_from_string (const char     *text,
                              SiyuImportKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = (SiyuImportKind) i;
        return TRUE;
      }
  return FALSE;
}

static int
field_from_name (const char *name)
{
  for (int i = 0; i < N_FIELDS; i++)
    if (g_strcmp0 (fields[i].name, name) == 0)
      return i;
  return -1;
}

static gpointer
build_field_lists (gpointer data G_GNUC_UNUSED)
{
  GPtrArray **lists = g_new0 (GPtrArray *, G_N_ELEMENTS (kind_names));

  for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
    {
      lists[k] = g_ptr_array_new ();
      for (guint f = 0; f < N_FIELDS; f++)
        if (fields[f].kinds & (1u << k))
          g_ptr_array_add (lists[k], (gpointer) fields[f].name);
      g_ptr_array_add (lists[k], NULL);
    }

  return lists;
}

/**
 * siyu_import_list_fields:
 *
 * Returns: (transfer none): the names of the fields an import of @kind
 *   reads, in the order a mapping editor shows them.
 */
const char * const *
siyu_import_list_fields (SiyuImportKind kind)
{
  static GOnce once = G_ONCE_INIT;
  GPtrArray **lists;

  g_return_val_if_fail (kind <= SIYU_IMPORT_EVENTS, NULL);

  lists = g_once (&once, build_field_lists, NULL);
  return (const char * const *) lists[kind]->pdata;
}

const char *
siyu_import_field_title (const char *field)
{
  int f = field_from_name (field);

  if (f < 0)
    return NULL;
  return g_dpgettext2 (GETTEXT_PACKAGE, "import field", fields[f].title);
}

gboolean
siyu_import_field_is_required (SiyuImportKind  kind,
                               const char     *field)
{
  int f = field_from_name (field);

  return f >= 0 && (fields[f].required & (1u << kind)) != 0;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * siyu_import_list_presets:
 *
 * Returns: (transfer full): the names of the presets for @kind, sorted.
 */
char **
siyu_import_list_presets (SiyuImportKind kind)
{
  g_auto(GStrv) children = g_resources_enumerate_children (PRESETS_PATH, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; children != NULL && children[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(JsonObject) preset = NULL;

      if (!g_str_has_suffix (children[i], ".json"))
        continue;
      name = g_strndup (children[i], strlen (children[i]) - strlen (".json"));
      preset = load_preset (name);
      if (preset != NULL && preset_is_kind (preset, kind))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_steal (names, NULL);
}

/* The preset's title in the first of the user's languages it has. */
char *
siyu_import_preset_title (const char *name)
{
  g_autoptr(JsonObject) preset = load_preset (name);
  const char * const *languages = g_get_language_names ();
  JsonObject *titles;

  if (preset == NULL)
    return NULL;
  titles = json_object_get_object_member (preset, "title");
  for (guint i = 0; languages[i] != NULL; i++)
    if (json_object_has_member (titles, languages[i]))
      return g_strdup (json_object_get_string_member (titles, languages[i]));

  return g_strdup (json_object_get_string_member (titles, "en"));
}

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
  self->encoding_choice = is_blank (encoding) ? NULL : g_strdup (encoding);
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
      object = load_preset (preset);
      if (object == NULL || !preset_is_kind (object, self->kind))
        {
          g_auto(GStrv) names = siyu_import_list_presets (self->kind);
          g_autofree char *list = g_strjoinv (", ", names);

          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_PRESET,
                       _("There is no preset “%s” for importing %s. The presets are: %s."),
                       preset, kind_names[self->kind], list);
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
typedef struct {
  SiyuImport     *self;
  GInputStream   *stream;
  SiyuCsvReader  *csv;
  SiyuXlsxReader *xlsx;
  guint64         size;
  GPtrArray      *cells;     /* the current row, padded, for XLSX */
} Source;

static void
source_clear (Source *source)
{
  g_clear_pointer (&source->csv, siyu_csv_reader_free);
  g_clear_pointer (&source->xlsx, siyu_xlsx_reader_free);
  g_clear_object (&source->stream);
  g_clear_pointer (&source->cells, g_ptr_array_unref);
}

static gboolean
file_error (SiyuImport  *self,
            GError     **error,
            const char  *format,
            ...) G_GNUC_PRINTF (3, 4);

static gboolean
file_error (SiyuImport  *self,
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
    return file_error (self, error, _("Row %u has more than %u columns, more than a spreadsheet can hold. The file is damaged or was not exported by a shop."),
                       row, (guint) SIYU_XLSX_MAX_COLUMNS);
  if (status == SIYU_XLSX_CELL_TOO_LONG && row > 0)
    return file_error (self, error, _("Row %u, column %u holds more than 1 MB of text. No field of a shop’s export is that long: the file is damaged or was not exported by a shop."),
                       row, column);
  if (status == SIYU_XLSX_CELL_TOO_LONG)
    return file_error (self, error, _("A cell of the workbook holds more than 1 MB of text. No field of a shop’s export is that long: the file is damaged or was not exported by a shop."));
  if (status == SIYU_XLSX_ROW_TOO_LONG)
    return file_error (self, error, _("Row %u holds more than 16 MB of text. The file is damaged or was not exported by a shop."),
                       row);
  return file_error (self, error, _("The Excel workbook unpacks to far more than its size, or to more than Siyu reads (a ZIP bomb, or a damaged file). It was not read."));
}

static gboolean
source_open (SiyuImport    *self,
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
    return file_error (self, error, _("The file cannot be read: %s"), local_error->message);
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    return file_error (self, error, _("This is a folder, not a file."));
  source->size = (guint64) g_file_info_get_size (info);
  if (source->size == 0)
    return file_error (self, error, _("The file is empty."));

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    return file_error (self, error, _("The file cannot be read: %s"), local_error->message);
  source->stream = G_INPUT_STREAM (stream);
  n = g_input_stream_read (source->stream, magic, sizeof magic, cancellable, &local_error);
  if (n < 0)
    return file_error (self, error, _("The file cannot be read: %s"), local_error->message);

  self->xlsx = n == 4 && memcmp (magic, "PK\3\4", 4) == 0;
  if (!self->xlsx && g_str_has_suffix (self->path, ".xlsx"))
    return file_error (self, error, _("The file is not an Excel workbook (.xlsx), though its name says so."));

  if (self->xlsx)
    {
      SiyuXlsxStatus status;

      g_clear_object (&source->stream);
      status = siyu_xlsx_reader_open (self->path, &source->xlsx);
      if (status == SIYU_XLSX_NOT_XLSX)
        return file_error (self, error, _("The file is a ZIP archive but not an Excel workbook."));
      if (status == SIYU_XLSX_TOO_LARGE || status == SIYU_XLSX_CELL_TOO_LONG)
        return too_large (self, error, status, 0, 0);
      if (status != SIYU_XLSX_ROW)
        return file_error (self, error, _("The Excel workbook is damaged and cannot be read."));
      source->cells = g_ptr_array_new ();
      g_free (self->encoding);
      self->encoding = g_strdup ("UTF-8");
      self->delimiter = '\0';
      return TRUE;
    }

  if (!g_seekable_seek (G_SEEKABLE (source->stream), 0, G_SEEK_SET, cancellable, &local_error))
    return file_error (self, error, _("The file cannot be read: %s"), local_error->message);
  source->csv = siyu_csv_reader_new (source->stream, self->encoding_choice);

  return TRUE;
}

/* Returns 1 with a row, 0 at the end, -1 with @error set. */
static int
source_next (Source        *source,
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
          file_error (self, error, _("The sheet has merged cells. Unmerge them in Excel, so that every row has its own values, and import again."));
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
          file_error (self, error, _("The Excel workbook is damaged and cannot be read."));
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
      file_error (self, error, _("Row %u has a quote in the middle of a field; a field with quotes must be quoted whole, its quotes doubled."),
                  siyu_csv_reader_get_row (source->csv));
      return -1;
    case SIYU_CSV_UNTERMINATED_QUOTE:
      file_error (self, error, _("A quoted field that starts at row %u never ends."),
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
      file_error (self, error, _("Row %u, column %u holds a NUL byte: this is not a text file, or it is damaged."),
                  siyu_csv_reader_get_row (source->csv), siyu_csv_reader_get_column (source->csv));
      return -1;
    case SIYU_CSV_MIXED_ENCODING:
      file_error (self, error, _("Row %u, column %u is UTF-8 text, but the file began in GB18030: it mixes two encodings, and importing it would garble its Chinese. Save it again in one encoding, or choose UTF-8 if most of it is."),
                  siyu_csv_reader_get_row (source->csv), siyu_csv_reader_get_column (source->csv));
      return -1;
    case SIYU_CSV_BAD_ENCODING:
      file_error (self, error, _("Row %u, column %u is not %s text. Choose the file’s encoding (UTF-8 or GB18030)."),
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
          file_error (self, error, _("The file cannot be read: %s"), message);
        }
      return -1;
    }
}

static gboolean
row_is_blank (const char * const *cells,
              guint               n)
{
  for (guint i = 0; i < n; i++)
    if (!is_blank (cells[i]))
      return FALSE;
  return TRUE;
}

static void
mapping_clear (Mapping *mapping)
{
  for (guint f = 0; f < N_FIELDS; f++)
    for (guint c = 0; c < MAX_COLUMNS_PER_FIELD; c++)
      mapping[f].columns[c] = -1;
}

static int
header_index (SiyuImport *self,
              const char *column)
{
  for (guint i = 0; i < self->n_headers; i++)
    if (g_str_equal (self->headers[i], column))
      return (int) i;
  return -1;
}

/* Maps @field to @columns ("A" or "A+B"); returns FALSE and names the
 * first column that is not in the file. */
static gboolean
map_columns (SiyuImport  *self,
             Field        field,
             const char  *columns,
             char       **missing)
{
  g_auto(GStrv) parts = g_strsplit (columns, "+", MAX_COLUMNS_PER_FIELD);
  Mapping mapping;

  for (guint c = 0; c < MAX_COLUMNS_PER_FIELD; c++)
    mapping.columns[c] = -1;
  for (guint c = 0; parts[c] != NULL; c++)
    {
      g_strstrip (parts[c]);
      mapping.columns[c] = header_index (self, parts[c]);
      if (mapping.columns[c] < 0)
        {
          /* A header may itself contain “+”. */
          if (header_index (self, columns) >= 0)
            {
              mapping.columns[0] = header_index (self, columns);
              mapping.columns[1] = mapping.columns[2] = -1;
              break;
            }
          if (missing != NULL)
            *missing = g_strdup (parts[c]);
          return FALSE;
        }
    }
  self->mapping[field] = mapping;

  return TRUE;
}

/* Applies the preset's columns; returns how many of them are in the file,
 * or -1 when a column of a required field is not. */
static int
apply_preset (SiyuImport *self,
              JsonObject *preset,
              gboolean    dry)
{
  JsonObject *columns = json_object_get_object_member (preset, "columns");
  g_autoptr(GList) members = json_object_get_members (columns);
  int found = 0;

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (columns, l->data);
      int f = field_from_name (l->data);
      g_autoptr(GString) joined = g_string_new (NULL);
      Mapping saved;

      g_assert (f >= 0);
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            g_string_append_printf (joined, "%s%s", i > 0 ? "+" : "",
                                    json_array_get_string_element (array, i));
        }
      else
        g_string_assign (joined, json_node_get_string (node));

      saved = self->mapping[f];
      if (map_columns (self, (Field) f, joined->str, NULL))
        {
          found++;
          if (dry)
            self->mapping[f] = saved;
        }
      else if (fields[f].required & (1u << self->kind))
        return -1;
    }

  return found;
}

static void
take_preset_source (SiyuImport *self,
                    JsonObject *preset)
{
  JsonObject *channel = json_object_has_member (preset, "channel")
                        ? json_object_get_object_member (preset, "channel") : NULL;

  g_free (self->channel_kind);
  g_free (self->channel_name);
  g_free (self->platform);
  self->channel_kind = g_strdup (channel != NULL ? json_object_get_string_member (channel, "kind") : "other");
  self->channel_name = g_strdup (channel != NULL ? json_object_get_string_member (channel, "name") : SIYU_IMPORTED_CHANNEL_NAME);
  self->platform = g_strdup (json_object_get_string_member (preset, "platform"));
}

static char *
mapping_key (SiyuImport *self)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);

  for (guint i = 0; i < self->n_headers; i++)
    {
      g_checksum_update (checksum, (const guchar *) self->headers[i], -1);
      g_checksum_update (checksum, (const guchar *) "\x1f", 1);
    }

  return g_strdup_printf ("import.mapping.%s.%s", kind_names[self->kind],
                          g_checksum_get_string (checksum));
}

/* A mapping remembered for the same headers: {"preset": …, "columns": {…}}. */
static gboolean
apply_remembered (SiyuImport *self)
{
  g_autofree char *key = mapping_key (self);
  g_autofree char *text = siyu_shop_dup_setting (self->shop, key);
  g_autoptr(JsonNode) node = text != NULL ? siyu_json_parse (text, -1, key, NULL) : NULL;
  g_autoptr(JsonObject) preset = NULL;
  JsonObject *root, *columns;
  g_autoptr(GList) members = NULL;
  Mapping saved[N_FIELDS];

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  root = json_node_get_object (node);
  if (!json_object_has_member (root, "columns"))
    return FALSE;

  memcpy (saved, self->mapping, sizeof saved);
  mapping_clear (self->mapping);
  columns = json_object_get_object_member (root, "columns");
  members = json_object_get_members (columns);
  for (GList *l = members; l != NULL; l = l->next)
    {
      int f = field_from_name (l->data);

      if (f < 0 || !map_columns (self, (Field) f, json_object_get_string_member (columns, l->data), NULL))
        {
          memcpy (self->mapping, saved, sizeof saved);
          return FALSE;
        }
    }

  if (json_object_has_member (root, "preset"))
    preset = load_preset (json_object_get_string_member (root, "preset"));
  if (preset != NULL)
    {
      take_preset_source (self, preset);
      g_free (self->preset);
      self->preset = g_strdup (json_object_get_string_member (root, "preset"));
    }

  return TRUE;
}

/* The preset whose required columns are all in the file and which maps
 * the most of its columns.  Returns how many it maps, or G_MAXINT when
 * the file has three quarters of the preset's columns: then the file is
 * that platform's export, whatever a guess would say. */
static int
detect_preset (SiyuImport *self)
{
  g_auto(GStrv) names = siyu_import_list_presets (self->kind);
  int best = 0;
  guint best_size = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(JsonObject) preset = load_preset (names[i]);
      int found = apply_preset (self, preset, TRUE);

      if (found > best)
        {
          best = found;
          best_size = json_object_get_size (json_object_get_object_member (preset, "columns"));
          g_free (self->preset);
          self->preset = g_strdup (names[i]);
        }
    }

  return best > 0 && (guint) best * 4 >= best_size * 3 ? G_MAXINT : best;
}

/* Each field of the kind gets the column its header and its first rows
 * point to, if any (siyu-import-guess.c).  The guess is taken when no
 * preset knows the file, or when it explains more of the file's columns
 * than the best preset does; returns whether it was taken. */
static gboolean
guess_mapping (SiyuImport *self,
               int         preset_columns)
{
  const char *names[N_FIELDS];
  guint ids[N_FIELDS];
  SiyuGuess guesses[N_FIELDS];
  int found = 0;
  guint n = 0;

  for (guint f = 0; f < N_FIELDS; f++)
    if (fields[f].kinds & (1u << self->kind))
      {
        ids[n] = f;
        names[n++] = fields[f].name;
      }
  siyu_import_guess (names, n, (const char * const *) self->headers, self->n_headers, self->preview, guesses);
  for (guint i = 0; i < n; i++)
    if (guesses[i].column >= 0)
      found++;
  if (self->preset != NULL && found <= preset_columns)
    return FALSE;

  g_clear_pointer (&self->preset, g_free);
  for (guint i = 0; i < n; i++)
    if (guesses[i].column >= 0)
      {
        self->mapping[ids[i]].columns[0] = guesses[i].column;
        self->confidence[ids[i]] = guesses[i].confidence;
      }
  self->guessed = TRUE;
  return TRUE;
}

static void
describe_mapping (SiyuImport *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    {
      g_string_truncate (self->column_names[f], 0);
      for (guint c = 0; c < MAX_COLUMNS_PER_FIELD && self->mapping[f].columns[c] >= 0; c++)
        g_string_append_printf (self->column_names[f], "%s%s", c > 0 ? "+" : "",
                                self->headers[self->mapping[f].columns[c]]);
    }
}

static gboolean is_mapped (SiyuImport *self,
                           Field       field);

static gboolean
build_mapping (SiyuImport  *self,
               GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(JsonObject) defaults = load_preset (self->kind == SIYU_IMPORT_ORDERS ? "canonical-orders" :
                                                self->kind == SIYU_IMPORT_CUSTOMERS ? "canonical-customers" :
                                                self->kind == SIYU_IMPORT_GROUPS ? "canonical-groups" :
                                                "canonical-events");

  mapping_clear (self->mapping);
  take_preset_source (self, defaults);
  for (guint f = 0; f < N_FIELDS; f++)
    self->confidence[f] = 0;

  self->remembered = FALSE;
  self->guessed = FALSE;
  if (!self->preset_chosen)
    {
      g_clear_pointer (&self->preset, g_free);
      self->remembered = apply_remembered (self);
      if (!self->remembered)
        guess_mapping (self, detect_preset (self));
    }

  if (self->preset != NULL && !self->remembered)
    {
      g_autoptr(JsonObject) preset = load_preset (self->preset);

      mapping_clear (self->mapping);
      apply_preset (self, preset, FALSE);
      take_preset_source (self, preset);
    }

  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int f = field_from_name (key);
      g_autofree char *missing = NULL;

      if (f < 0 || !(fields[f].kinds & (1u << self->kind)))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) siyu_import_list_fields (self->kind));

          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("“%s” is not a field of an import of %s. The fields are: %s."),
                       (const char *) key, kind_names[self->kind], list);
          return FALSE;
        }
      /* The owner's own choice is sure. */
      self->confidence[f] = 0;
      if (*(const char *) value == '\0')
        {
          for (guint c = 0; c < MAX_COLUMNS_PER_FIELD; c++)
            self->mapping[f].columns[c] = -1;
          continue;
        }
      if (!map_columns (self, (Field) f, value, &missing))
        {
          g_autofree char *list = g_strjoinv (", ", self->headers);

          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("%s has no column “%s”. Its columns are: %s."),
                       self->display_name, missing, list);
          return FALSE;
        }
      /* A column the owner gives to one field is no longer guessed for another. */
      for (guint g = 0; g < N_FIELDS; g++)
        if (g != (guint) f && self->guessed && self->confidence[g] > 0 &&
            self->mapping[g].columns[0] == self->mapping[f].columns[0] &&
            !g_hash_table_contains (self->overrides, fields[g].name))
          {
            self->mapping[g].columns[0] = -1;
            self->confidence[g] = 0;
          }
    }

  for (guint f = 0; f < N_FIELDS; f++)
    if (is_mapped (self, (Field) f) && self->confidence[f] == 0)
      self->confidence[f] = 1;
  describe_mapping (self);

  return TRUE;
}

static gboolean
is_mapped (SiyuImport *self,
           Field       field)
{
  return self->mapping[field].columns[0] >= 0;
}

static gboolean
has_any_column (SiyuImport *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (is_mapped (self, (Field) f))
      return TRUE;
  return FALSE;
}

/**
 * siyu_import_check_mapping:
 *
 * Says whether the fields the import needs have columns, naming the first
 * that has none.
 */
gboolean
siyu_import_check_mapping (SiyuImport  *self,
                           GError     **error)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (self->headers != NULL, FALSE);

  if (!build_mapping (self, error))
    return FALSE;

  if (self->preset == NULL && !self->remembered && g_hash_table_size (self->overrides) == 0 &&
      !has_any_column (self))
    {
      g_autofree char *list = g_strjoinv (", ", self->headers);

      g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                   _("Siyu does not recognise the columns of %s (%s). Choose a preset or map the columns by hand."),
                   self->display_name, list);
      return FALSE;
    }

  for (guint f = 0; f < N_FIELDS; f++)
    if ((fields[f].required & (1u << self->kind)) && !is_mapped (self, (Field) f))
      {
        g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                     _("No column of %s is chosen for the field “%s” (%s), which an import of %s needs."),
                     self->display_name, siyu_import_field_title (fields[f].name), fields[f].name,
                     kind_names[self->kind]);
        return FALSE;
      }

  if (self->kind == SIYU_IMPORT_ORDERS)
    {
      if (!is_mapped (self, F_PRODUCT_NAME) && !is_mapped (self, F_SKU))
        {
          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("No column of %s is chosen for the product name or the SKU; an order line needs one."),
                       self->display_name);
          return FALSE;
        }
      if (!is_mapped (self, F_UNIT_PRICE) && !is_mapped (self, F_LINE_TOTAL) && !is_mapped (self, F_ORDER_TOTAL))
        {
          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("No column of %s is chosen for a price: the unit price, the line total or the order total."),
                       self->display_name);
          return FALSE;
        }
    }
  else if (!is_mapped (self, F_PHONE) && !is_mapped (self, F_EMAIL) &&
           !is_mapped (self, F_WECHAT_ID) && !is_mapped (self, F_CUSTOMER_ID))
    {
      g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                   _("No column of %s is chosen for the phone, e-mail, WeChat id or customer id, by which Siyu tells people apart."),
                   self->display_name);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_import_has_status_column:
 *
 * Says whether an order import has a column for the orders' status.
 * Without one, every order whose quantities are positive is a completed
 * sale, paid; the dialog and the CLI say so.
 */
gboolean
siyu_import_has_status_column (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (self->headers != NULL, FALSE);
  return is_mapped (self, F_STATUS);
}

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

  if (!source_open (self, &source, cancellable, error))
    goto failed;

  do
    r = source_next (&source, &cells, &n_cells, &row, cancellable, error);
  while (r > 0 && row_is_blank (cells, n_cells));
  if (r < 0)
    goto failed;
  if (r == 0)
    {
      file_error (self, error, _("The file is empty."));
      goto failed;
    }

  if (source.csv != NULL)
    {
      g_free (self->encoding);
      self->encoding = g_strdup (siyu_csv_reader_get_encoding (source.csv));
      self->delimiter = siyu_csv_reader_get_delimiter (source.csv);
    }

  while (n_cells > 0 && is_blank (cells[n_cells - 1]))
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
          file_error (self, error, _("Columns %u and %u are both named “%s”. Rename one, so that Siyu knows which to read."),
                      i + 1, j + 1, self->headers[i]);
          goto failed;
        }

  while (self->preview->len < MAX_PREVIEW &&
         (r = source_next (&source, &cells, &n_cells, &row, cancellable, error)) > 0)
    if (!row_is_blank (cells, n_cells))
      g_ptr_array_add (self->preview, g_strdupv ((char **) cells));
  if (r < 0)
    goto failed;
  if (self->preview->len == 0)
    {
      file_error (self, error, _("The file has a header but no rows under it."));
      goto failed;
    }

  source_clear (&source);
  if (!build_mapping (self, error))
    return FALSE;
  self->opened = TRUE;

  return TRUE;

failed:
  source_clear (&source);
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

  f = field_from_name (field);
  return f >= 0 && self->column_names[f]->len > 0 ? self->confidence[f] : 0;
}

/* The column (or “A+B”) mapped to @field, or %NULL. */
const char *
siyu_import_get_column (SiyuImport *self,
                        const char *field)
{
  int f;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), NULL);

  f = field_from_name (field);
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

      if (is_blank (part))
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
  if (is_blank (value))
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

  while (n > self->n_headers && is_blank (cells[n - 1]))
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
    return trouble (t, is_mapped (self, F_PRODUCT_NAME) ? F_PRODUCT_NAME : F_SKU,
                    _("The line has neither a product name nor a SKU."));

  line->quantity = 1;
  quantity = cell (self, cells, n_cells, F_QUANTITY);
  if (is_mapped (self, F_QUANTITY))
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
  if (!is_blank (time) && !parse_time_cell (self, time, F_CREATED_AT, &line->time, t))
    return FALSE;

  unit_price = cell (self, cells, n_cells, F_UNIT_PRICE);
  line_total = cell (self, cells, n_cells, F_LINE_TOTAL);
  item->unit_price = item->line_total = -1;
  if (!is_blank (unit_price) && !parse_price_cell (self, unit_price, F_UNIT_PRICE, &price_fine, t))
    return FALSE;
  if (!is_blank (line_total) && !parse_price_cell (self, line_total, F_LINE_TOTAL, &total_fine, t))
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
  gint64 total = 0, refunded = 0, created_at = 0, stored_id;
  const char *status = "paid";
  gboolean is_return;

  if (group->ref == NULL)
    {
      const char * const *cells = g_ptr_array_index (group->rows, 0);

      reject_row (self, g_array_index (group->row_numbers, guint, 0), cells,
                  g_strv_length ((char **) cells), F_ORDER_REF, FALSE, _("The line has no order number."));
      return TRUE;
    }

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

          if (is_blank (value))
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
          trouble (&lines[i].t, is_mapped (self, F_UNIT_PRICE) ? F_UNIT_PRICE : F_LINE_TOTAL,
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
      trouble (&t, is_mapped (self, F_UNIT_PRICE) ? F_UNIT_PRICE : F_LINE_TOTAL,
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

  if (!is_return && is_mapped (self, F_STATUS))
    {
      if (values[F_STATUS] == NULL)
        {
          trouble (&t, F_STATUS, _("The order has no status."));
          goto rejected;
        }
      status = lookup_word (WORDS_STATUS, values[F_STATUS]);
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
          trouble (&t, is_mapped (self, F_REFUNDED_AMOUNT) ? F_REFUNDED_AMOUNT : F_STATUS,
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
  if (person_has_identity (&person))
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

  if (is_return)
    stored_id = siyu_ingest_return (self->ingest, &order, &outcome, &error);
  else
    stored_id = siyu_ingest_order (self->ingest, &order, &outcome, &error);
  if (stored_id < 0)
    return fail (self, g_steal_pointer (&error));

  if (is_return)
    self->counts.returns++;
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
    return trouble (t, is_mapped (self, F_PHONE) ? F_PHONE : N_FIELDS,
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
  if (!is_blank (value))
    {
      gint64 utc;

      if (!parse_time_cell (self, value, F_BIRTHDAY, &utc, t))
        goto out;
      person.birthday = siyu_day_format (siyu_shop_day_of (self->shop, utc));
      record.birthday = person.birthday;
    }

  value = cell (self, cells, n_cells, F_CREATED_AT);
  if (!is_blank (value) && !parse_time_cell (self, value, F_CREATED_AT, &created, t))
    goto out;
  value = cell (self, cells, n_cells, F_MEMBER_SINCE);
  if (!is_blank (value) && !parse_time_cell (self, value, F_MEMBER_SINCE, &member_since, t))
    goto out;
  record.member_since = member_since;
  record.channel_id = channel_id (self, NULL, error);
  if (record.channel_id < 0)
    goto out;
  record.seen_at = created > 0 ? created : member_since > 0 ? member_since : g_get_real_time () / G_USEC_PER_SEC;

  value = cell (self, cells, n_cells, F_CONSENT);
  if (!is_blank (value))
    {
      const char *word = lookup_word (WORDS_YES_NO, value);

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
  if (!is_blank (value))
    tags = g_regex_split_simple ("[,;，；、]", value, 0, 0);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (!is_blank (tags[i]) && !siyu_ingest_tag (self->ingest, id, tags[i], "import", record.seen_at, error))
      goto out;
  value = cell (self, cells, n_cells, F_TIER);
  if (!is_blank (value) && !siyu_ingest_tag (self->ingest, id, value, "import", record.seen_at, error))
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
  if (!is_blank (value) && (kind = lookup_word (WORDS_GROUP_KIND, value)) == NULL)
    {
      trouble (t, F_GROUP_KIND, _("“%s” is not a kind of group Siyu knows (WeCom, WeChat, club or other)."), value);
      goto out;
    }
  value = cell (self, cells, n_cells, F_ROLE);
  if (!is_blank (value) && (role = lookup_word (WORDS_ROLE, value)) == NULL)
    {
      trouble (t, F_ROLE, _("“%s” is not a role in a group (owner, admin or member)."), value);
      goto out;
    }
  value = cell (self, cells, n_cells, F_JOINED_AT);
  if (is_blank (value))
    {
      trouble (t, F_JOINED_AT, _("The time of joining the group is missing."));
      goto out;
    }
  if (!parse_time_cell (self, value, F_JOINED_AT, &joined, t))
    goto out;
  value = cell (self, cells, n_cells, F_LEFT_AT);
  if (!is_blank (value) && !parse_time_cell (self, value, F_LEFT_AT, &left, t))
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
  kind = lookup_word (WORDS_EVENT_KIND, value);
  if (kind == NULL)
    {
      trouble (t, F_EVENT_KIND, _("“%s” is not a kind of event Siyu knows (visit, view, cart, favourite, inquiry, review, share, referral or group message)."),
               value);
      goto out;
    }
  value = cell (self, cells, n_cells, F_OCCURRED_AT);
  if (is_blank (value))
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
  channel = is_blank (value) ? 0 : channel_id (self, value, error);
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

static char **
split_cells (const char *blob,
             gsize       size)
{
  GPtrArray *cells = g_ptr_array_new ();
  gsize start = 0;

  for (gsize i = 0; i < size; i++)
    if (blob[i] == '\0')
      {
        g_ptr_array_add (cells, g_strndup (blob + start, i - start));
        start = i + 1;
      }
  g_ptr_array_add (cells, NULL);
  return (char **) g_ptr_array_free (cells, FALSE);
}

/* Reads the lines back, order by order, and imports each. */
static gboolean
import_orders (SiyuImport       *self,
               OrderGroup       *group,
               SiyuProgressFunc  progress,
               gpointer          progress_data,
               GCancellable     *cancellable,
               GError          **error)
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
      if (group->rows->len > 0 &&
          (ref == NULL || group->ref == NULL || strcmp (ref, group->ref) != 0))
        {
          if (!import_order (self, group))
            break;
          order_group_clear (group);
        }
      if (group->rows->len == 0)
        group->ref = g_strdup (ref);
      g_ptr_array_add (group->rows, split_cells (blob, size));
      g_ptr_array_add (group->keys, g_bytes_new (blob, size));
      g_array_append_val (group->row_numbers, row);

      if (++done % PROGRESS_EVERY == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              sqlite3_reset (stmt);
              return FALSE;
            }
          if (progress != NULL)
            progress (0.5 + 0.5 * (double) done / (double) MAX (self->counts.rows, 1), progress_data);
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
  g_autofree char *key = mapping_key (self);
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
        json_builder_set_member_name (builder, fields[f].name);
        json_builder_add_string_value (builder, self->column_names[f]->str);
      }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

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
    json_builder_add_string_value (b, kind_names[self->kind]);
    json_builder_set_member_name (b, "rows");
    json_builder_add_int_value (b, self->counts.rows);
    json_builder_set_member_name (b, "rejected");
    json_builder_add_int_value (b, self->counts.rows_rejected);
    json_builder_end_object (b);
    node = json_builder_get_root (b);
    detail = json_to_string (node, FALSE);
  }

  return siyu_shop_audit (self->shop, "import", "file", 0, detail, error);
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
  SiyuDb *db;
  Source source = { NULL, };
  OrderGroup group = { NULL, };
  const char * const *cells;
  guint n_cells, row;
  const SiyuIngestCounts *ingest_counts;
  gboolean ok = FALSE;
  int r;

  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (reject_path == NULL || mode == SIYU_IMPORT_VALID_ROWS, FALSE);

  memset (&self->counts, 0, sizeof self->counts);
  g_ptr_array_set_size (self->problems, 0);

  if (!self->opened && !siyu_import_open (self, cancellable, error))
    return FALSE;
  if (!siyu_import_check_mapping (self, error))
    return FALSE;

  db = siyu_shop_get_db (self->shop);
  self->ingest = siyu_ingest_new (self->shop);
  siyu_ingest_set_default_consent (self->ingest, self->consent_given, g_get_real_time () / G_USEC_PER_SEC);
  self->tz = siyu_shop_get_time_zone (self->shop);
  self->digits = siyu_currency_digits (siyu_shop_get_currency (self->shop));
  self->channels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->fine_digits = MAX (self->digits, 3);
  self->fine_scale = 1;
  for (int d = self->digits; d < self->fine_digits; d++)
    self->fine_scale *= 10;
  self->line_cells = g_string_new (NULL);
  self->fatal = FALSE;
  group.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  group.keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  group.row_numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  if (reject_path != NULL && !open_reject_file (self, reject_path, error))
    goto out_unlocked;
  if (self->kind == SIYU_IMPORT_ORDERS && !attach_scratch (self, error))
    goto out_unlocked;

  if (!siyu_db_begin (db, error))
    goto out_unlocked;

  /* Checked once at the commit rather than row by row; SQLite resets this
   * at the end of the transaction. */
  if (!siyu_db_exec (db, "PRAGMA defer_foreign_keys = ON", error))
    goto out;
  self->default_channel = 0;

  if (!source_open (self, &source, cancellable, error))
    goto out;

  /* The header. */
  do
    r = source_next (&source, &cells, &n_cells, &row, cancellable, error);
  while (r > 0 && row_is_blank (cells, n_cells));
  if (r <= 0)
    {
      if (r == 0)
        file_error (self, error, _("The file is empty."));
      goto out;
    }

  while ((r = source_next (&source, &cells, &n_cells, &row, cancellable, error)) > 0)
    {
      if (row_is_blank (cells, n_cells))
        continue;
      self->counts.rows++;

      if (self->kind == SIYU_IMPORT_ORDERS)
        {
          if (!set_line_aside (self, cells, n_cells, row, error))
            goto out;
        }
      else if (!import_row (self, cells, n_cells, row))
        break;

      if (progress != NULL && self->counts.rows % PROGRESS_EVERY == 0)
        progress (source.csv != NULL
                  ? (self->kind == SIYU_IMPORT_ORDERS ? 0.5 : 1.0) *
                    (double) siyu_csv_reader_get_offset (source.csv) / (double) MAX (source.size, 1)
                  : -1.0,
                  progress_data);
    }
  if (self->fatal)
    {
      g_propagate_error (error, g_steal_pointer (&self->fatal_error));
      goto out;
    }
  if (r < 0)
    goto out;
  if (self->kind == SIYU_IMPORT_ORDERS &&
      !import_orders (self, &group, progress, progress_data, cancellable, error))
    goto out;
  if (self->counts.rows == 0)
    {
      file_error (self, error, _("The file has a header but no rows under it."));
      goto out;
    }

  ingest_counts = siyu_ingest_get_counts (self->ingest);
  self->counts.contacts_created = ingest_counts->contacts_created;
  self->counts.contacts_matched = ingest_counts->contacts_matched;
  self->counts.orders_created = ingest_counts->orders_created;
  self->counts.orders_updated = ingest_counts->orders_updated;
  self->counts.orders_unchanged = ingest_counts->orders_unchanged;
  self->counts.items_created = ingest_counts->items_created;
  self->counts.events_created = ingest_counts->events_created;
  self->counts.events_unchanged = ingest_counts->events_unchanged;
  self->counts.consents_given = ingest_counts->consents_given;

  if (mode == SIYU_IMPORT_DRY_RUN)
    {
      ok = TRUE;
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
  ok = TRUE;
  goto out_unlocked;

out:
  siyu_db_rollback (db);
out_unlocked:
  discard_reject_file (self);
  source_clear (&source);
  order_group_clear (&group);
  g_ptr_array_unref (group.rows);
  g_ptr_array_unref (group.keys);
  g_array_unref (group.row_numbers);
  detach_scratch (self);
  g_clear_pointer (&self->channels, g_hash_table_unref);
  if (self->line_cells != NULL)
    g_string_free (self->line_cells, TRUE);
  self->line_cells = NULL;
  g_clear_pointer (&self->last_ref, g_free);
  g_clear_pointer (&self->fatal_error, g_error_free);
  g_clear_object (&self->ingest);
  self->tz = NULL;

  if (progress != NULL && ok)
    progress (1.0, progress_data);

  return ok;
}
