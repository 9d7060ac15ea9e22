/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-shop.h"
#include "siyu-types.h"

G_BEGIN_DECLS

#define SIYU_IMPORT_ERROR (siyu_import_error_quark ())

typedef enum {
  SIYU_IMPORT_ERROR_FILE,       /* unreadable, empty, not CSV or XLSX, wrong encoding */
  SIYU_IMPORT_ERROR_PRESET,     /* no such preset */
  SIYU_IMPORT_ERROR_MAPPING,    /* a required field has no column, or a column is not in the file */
  SIYU_IMPORT_ERROR_REJECTED,   /* rows have problems and nothing was stored */
} SiyuImportError;

typedef enum {
  SIYU_IMPORT_ORDERS,
  SIYU_IMPORT_CUSTOMERS,
  SIYU_IMPORT_GROUPS,
  SIYU_IMPORT_EVENTS,
} SiyuImportKind;

typedef enum {
  SIYU_IMPORT_DRY_RUN,          /* read and resolve everything, store nothing */
  SIYU_IMPORT_ALL_OR_NOTHING,   /* store every row, or nothing if any row has a problem */
  SIYU_IMPORT_VALID_ROWS,       /* store the valid orders and rows, reject the others */
} SiyuImportMode;

/* One row that was not imported, and why.  @column is the file's header,
 * or %NULL when the problem is the row as a whole. */
typedef struct {
  guint  row;
  char  *column;
  char  *message;
} SiyuImportProblem;

typedef struct {
  guint rows;
  guint rows_rejected;
  guint contacts_created;
  guint contacts_matched;
  guint orders_created;
  guint orders_updated;
  guint orders_unchanged;
  guint items_created;
  guint memberships;
  guint events_created;
  guint events_unchanged;
  guint rows_erased;            /* rows of erased people, kept anonymous */
  guint consents_given;         /* by siyu_import_set_consent_given() */
  guint returns;                /* orders whose quantities are all negative, stored as returns */
  guint returns_linked;         /* returns that name an original order the shop has: refunds of it */
  guint returns_unlinked;       /* returns that name an original order the shop does not have */
  guint adjustments_skipped;    /* lines of quantity ≤ 0 in a sale (or ≥ 0 in a return), skipped */
  guint lines_repeated;         /* lines identical to another line of their order, kept */
  guint amounts_rounded;        /* lines whose amounts had more decimals than the currency */
  guint times_disagreed;        /* orders whose lines are at different times within a day */
  guint lines_kept_beside_rejected; /* good lines kept in orders with a rejected line */
} SiyuImportCounts;

#define SIYU_TYPE_IMPORT (siyu_import_get_type ())
G_DECLARE_FINAL_TYPE (SiyuImport, siyu_import, SIYU, IMPORT, GObject)

GQuark              siyu_import_error_quark       (void);

/* What can be imported, for menus and the mapping editor. */
const char         *siyu_import_kind_to_string    (SiyuImportKind   kind);
gboolean            siyu_import_kind_from_string  (const char      *text,
                                                   SiyuImportKind  *kind);
const char * const *siyu_import_list_fields       (SiyuImportKind   kind);
const char         *siyu_import_field_title       (const char      *field);
gboolean            siyu_import_field_is_required (SiyuImportKind   kind,
                                                   const char      *field);
char              **siyu_import_list_presets      (SiyuImportKind   kind);
char               *siyu_import_preset_title      (const char      *preset);

SiyuImport         *siyu_import_new               (SiyuShop        *shop,
                                                   const char      *path,
                                                   SiyuImportKind   kind);
void                siyu_import_set_encoding      (SiyuImport      *self,
                                                   const char      *encoding);
gboolean            siyu_import_set_preset        (SiyuImport      *self,
                                                   const char      *preset,
                                                   GError         **error);
void                siyu_import_map               (SiyuImport      *self,
                                                   const char      *field,
                                                   const char      *column);
void                siyu_import_set_consent_given (SiyuImport      *self,
                                                   const char      *source);

/* Reads the header and the first rows, detects the encoding, the
 * delimiter and, unless one was set, the preset (a mapping remembered for
 * the same headers comes first).  Fails when the file cannot be read or a
 * required field has no column. */
gboolean            siyu_import_open              (SiyuImport      *self,
                                                   GCancellable    *cancellable,
                                                   GError         **error);
const char * const *siyu_import_get_headers       (SiyuImport      *self,
                                                   guint           *n_headers);
guint               siyu_import_get_n_preview     (SiyuImport      *self);
const char * const *siyu_import_get_preview_row   (SiyuImport      *self,
                                                   guint            index,
                                                   guint           *n_fields);
const char         *siyu_import_get_format        (SiyuImport      *self);
const char         *siyu_import_get_encoding      (SiyuImport      *self);
char                siyu_import_get_delimiter     (SiyuImport      *self);
const char         *siyu_import_get_preset        (SiyuImport      *self);
SiyuImportKind      siyu_import_get_kind          (SiyuImport      *self);
gboolean            siyu_import_get_guessed       (SiyuImport      *self);
double              siyu_import_get_confidence    (SiyuImport      *self,
                                                   const char      *field);
const char         *siyu_import_get_column        (SiyuImport      *self,
                                                   const char      *field);
gboolean            siyu_import_check_mapping     (SiyuImport      *self,
                                                   GError         **error);
gboolean            siyu_import_has_status_column (SiyuImport      *self);

/* Reads the whole file and stores it as @mode says, in one transaction.
 * @reject_path, with %SIYU_IMPORT_VALID_ROWS, receives the rejected rows
 * with a column saying why.  Returns %FALSE with @error set when nothing
 * was stored: a file error, cancellation, or %SIYU_IMPORT_ERROR_REJECTED
 * in %SIYU_IMPORT_ALL_OR_NOTHING mode.  The counts and the problems are
 * filled either way. */
gboolean            siyu_import_run               (SiyuImport      *self,
                                                   SiyuImportMode   mode,
                                                   const char      *reject_path,
                                                   SiyuProgressFunc progress,
                                                   gpointer         progress_data,
                                                   GCancellable    *cancellable,
                                                   GError         **error);
const SiyuImportCounts *siyu_import_get_counts    (SiyuImport      *self);
guint               siyu_import_get_n_problems    (SiyuImport      *self);
const SiyuImportProblem *siyu_import_get_problem  (SiyuImport      *self,
                                                   guint            index);

G_END_DECLS
