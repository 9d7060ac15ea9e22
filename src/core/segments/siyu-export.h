/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-consent.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_EXPORT_ERROR (siyu_export_error_quark ())

typedef enum {
  SIYU_EXPORT_ERROR_INVALID,
  SIYU_EXPORT_ERROR_WRITE,
  SIYU_EXPORT_ERROR_NOT_FOUND,
  SIYU_EXPORT_ERROR_NOBODY,     /* nobody may be written: the message says why */
} SiyuExportError;

typedef enum {
  SIYU_EXPORT_CSV,
  SIYU_EXPORT_XLSX,
  SIYU_EXPORT_VCARD,
  SIYU_EXPORT_PHONES,
} SiyuExportFormat;

#define SIYU_EXPORT_DEFAULT_HOLDOUT 0.10
#define SIYU_EXPORT_DEFAULT_WINDOW  14

typedef struct {
  SiyuExportFormat    format;
  const char * const *fields;        /* NULL: the default fields (CSV, XLSX) */
  gboolean            mask_phones;
  double              holdout_share; /* 0: no holdout; below 1 */
  guint32             seed;
  int                 window_days;   /* 0: SIYU_EXPORT_DEFAULT_WINDOW */
  gint64              at;            /* the touch's time, UTC; 0: now */
  GCancellable       *cancellable;   /* NULL: none; cancelled, nothing is left or recorded */
} SiyuExportOptions;

typedef struct {
  gint64            touch_id;
  gint64            matched;     /* the segment's members */
  gint64            excluded;    /* left out: may not be contacted (siyu-consent.c) */
  gint64            held_out;    /* reachable, but held out */
  gint64            skipped;     /* reachable, but nothing to write: no phone for a phone list */
  gint64            exported;    /* written to the file */
  SiyuConsentCounts consent;     /* the members by consent */
} SiyuExportResult;

/* What the export dialog remembers per shop. */
typedef struct {
  SiyuExportFormat  format;
  char            **fields;      /* NULL: the default */
  gboolean          mask_phones;
  char             *folder;      /* NULL: none yet */
} SiyuExportPrefs;

#define SIYU_EXPORT_FOLDER_KEY "export_folder"

GQuark       siyu_export_error_quark       (void);
gboolean     siyu_export_format_from_string (const char          *text,
                                            SiyuExportFormat    *format);
const char  *siyu_export_format_to_string  (SiyuExportFormat     format);
const char * const *siyu_export_field_names (void);
const char * const *siyu_export_default_fields (void);
gboolean     siyu_export_segment           (SiyuShop                *shop,
                                            gint64                   segment_id,
                                            const char              *path,
                                            const SiyuExportOptions *options,
                                            SiyuExportResult        *result,
                                            GError                 **error);
gboolean     siyu_export_contacts          (SiyuShop                *shop,
                                            const gint64            *ids,
                                            guint                    n_ids,
                                            const char              *name,
                                            const char              *path,
                                            const SiyuExportOptions *options,
                                            SiyuExportResult        *result,
                                            GError                 **error);
char        *siyu_export_describe_nobody   (const SiyuExportResult  *result,
                                            SiyuConsentPolicy        policy);
guint        siyu_export_remove_leftovers  (SiyuShop                *shop);
void         siyu_export_load_prefs        (SiyuShop                *shop,
                                            SiyuExportPrefs         *prefs);
gboolean     siyu_export_save_prefs        (SiyuShop                *shop,
                                            const SiyuExportPrefs   *prefs,
                                            GError                 **error);
void         siyu_export_prefs_clear       (SiyuExportPrefs         *prefs);
GArray      *siyu_export_holdout           (const gint64            *ids,
                                            guint                    n_ids,
                                            double                   share,
                                            guint32                  seed);

JsonNode    *siyu_touches_list             (SiyuShop                *shop,
                                            GError                 **error);
JsonNode    *siyu_touch_get                (SiyuShop                *shop,
                                            gint64                   touch_id,
                                            GError                 **error);

/* Tests only: make the next text writes fail after @bytes bytes, as a full
 * disk would (-1: never). */
void         siyu_export_set_write_limit_for_tests (gssize           bytes);

G_END_DECLS
