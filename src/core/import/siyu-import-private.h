/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the files of an import share: siyu-import.c (the object, rows to
 * records, the run), siyu-import-mapping.c (fields, presets, words and the
 * mapping of columns) and siyu-import-source.c (the file's rows). */

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "siyu-csv-reader.h"
#include "siyu-import.h"
#include "siyu-ingest.h"
#include "siyu-xlsx-reader.h"

G_BEGIN_DECLS

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
  F_ORIGINAL_REF,
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

typedef struct {
  const char *name;
  const char *title;
  guint       kinds;
  guint       required;
} SiyuImportField;

extern const SiyuImportField _siyu_import_fields[N_FIELDS];
#define N_KINDS 4
extern const char * const _siyu_import_kind_names[N_KINDS];

/* Words → stored values, in words.json. */
enum { WORDS_STATUS, WORDS_EVENT_KIND, WORDS_ROLE, WORDS_GROUP_KIND, WORDS_YES_NO };

typedef struct {
  int columns[MAX_COLUMNS_PER_FIELD];   /* -1 where unused */
} Mapping;

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
  GHashTable       *refs_seen;      /* the order numbers met, while importing as read */
  GStringChunk     *refs_chunk;     /* and their text */
  gboolean          scattered;      /* an order number was met again after another's */
  gboolean          bulk;           /* the indexes are dropped: the orders are new */
  guint64           digest_seed;    /* what reads the lines, for the orders' digests */
  guint             unchanged_read; /* orders found stored from the same lines */
  guint             unchanged_read_with_contact;
  SiyuProgressFunc  progress;
  gpointer          progress_data;
  double            progress_floor; /* where a second pass starts */
  double            last_progress;
  char             *last_ref;       /* the order of the line set aside last */
  gint64            last_first;     /* and the row where it first appears */
  FILE             *reject_file;
  char             *reject_part;
  GString          *scratch[N_FIELDS];
  gboolean          fatal;
  GError           *fatal_error;

  SiyuImportCounts  counts;
  GPtrArray        *problems;       /* of SiyuImportProblem */
  GArray           *returns_to_link; /* of ReturnLink, linked once every order is in */
};

typedef struct {
  SiyuImport     *self;
  GInputStream   *stream;
  SiyuCsvReader  *csv;
  SiyuXlsxReader *xlsx;
  guint64         size;
  GPtrArray      *cells;     /* the current row, padded, for XLSX */
} Source;

typedef struct _ReadAhead ReadAhead;

/* A return that names its original order: the order may come later in the
 * file, so returns are linked once every order is in. */
typedef struct {
  gint64  return_id;
  gint64  channel_id;
  char   *original_ref;
} ReturnLink;

/* The lines of one order, as gathered from the file. */
typedef struct {
  GPtrArray *rows;        /* of GStrv, the order's lines */
  GPtrArray *keys;        /* of GBytes, the lines' cells as stored: to find repeats */
  GArray    *row_numbers; /* guint */
  char      *ref;         /* %NULL for a line without an order number */
} OrderGroup;

const char  *_siyu_import_lookup_word      (guint                table,
                                            const char          *text);
JsonObject  *_siyu_import_load_preset      (const char          *name);
gboolean     _siyu_import_preset_is_kind   (JsonObject          *preset,
                                            SiyuImportKind       kind);
int          _siyu_import_field_from_name  (const char          *name);
gboolean     _siyu_import_build_mapping    (SiyuImport          *self,
                                            GError             **error);
gboolean     _siyu_import_is_mapped        (SiyuImport          *self,
                                            Field                field);
char        *_siyu_import_mapping_key      (SiyuImport          *self);

gboolean     _siyu_import_file_error       (SiyuImport          *self,
                                            GError             **error,
                                            const char          *format,
                                            ...) G_GNUC_PRINTF (3, 4);
gboolean     _siyu_import_source_open      (SiyuImport          *self,
                                            Source              *source,
                                            GCancellable        *cancellable,
                                            GError             **error);
int          _siyu_import_source_next      (Source              *source,
                                            const char * const **cells_out,
                                            guint               *n_cells,
                                            guint               *row,
                                            GCancellable        *cancellable,
                                            GError             **error);
void         _siyu_import_source_clear     (Source              *source);
gboolean     _siyu_import_row_is_blank     (const char * const  *cells,
                                            guint                n);
ReadAhead   *_siyu_import_read_ahead_new   (Source              *source,
                                            GCancellable        *cancellable);
int          _siyu_import_read_ahead_next  (ReadAhead           *self,
                                            const char * const **cells_out,
                                            guint               *n_cells,
                                            guint               *row,
                                            double              *share,
                                            GError             **error);
void         _siyu_import_read_ahead_free  (ReadAhead           *self);

const char  *_siyu_import_cell             (SiyuImport          *self,
                                            const char * const  *cells,
                                            guint                n_cells,
                                            Field                field);
char        *_siyu_import_clean_identifier (const char          *value);
void         _siyu_import_group_clear      (OrderGroup          *group);
void         _siyu_import_start_digest     (SiyuImport          *self);
gboolean     _siyu_import_order            (SiyuImport          *self,
                                            OrderGroup          *group);
gboolean     _siyu_import_row              (SiyuImport          *self,
                                            const char * const  *cells,
                                            guint                n_cells,
                                            guint                row);

G_END_DECLS
