/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

#include "siyu-types.h"

G_BEGIN_DECLS

#define SIYU_DB_ERROR (siyu_db_error_quark ())

typedef enum {
  SIYU_DB_ERROR_NOT_FOUND,
  SIYU_DB_ERROR_EXISTS,
  SIYU_DB_ERROR_NOT_A_DATABASE,
  SIYU_DB_ERROR_NOT_A_SHOP,
  SIYU_DB_ERROR_TOO_NEW,
  SIYU_DB_ERROR_READ_ONLY,
  SIYU_DB_ERROR_FULL,
  SIYU_DB_ERROR_CORRUPT,
  SIYU_DB_ERROR_BUSY,
  SIYU_DB_ERROR_CONSTRAINT,
  SIYU_DB_ERROR_IO,
  SIYU_DB_ERROR_FAILED,
  SIYU_DB_ERROR_UNTRUSTED,
} SiyuDbError;

/* 'SIYU' in the SQLite header: how a shop file is told from other SQLite files. */
#define SIYU_DB_APPLICATION_ID 0x53495955

#define SIYU_TYPE_DB (siyu_db_get_type ())
G_DECLARE_FINAL_TYPE (SiyuDb, siyu_db, SIYU, DB, GObject)

GQuark        siyu_db_error_quark       (void);

SiyuDb       *siyu_db_create            (const char    *path,
                                         GError       **error);
SiyuDb       *siyu_db_open              (const char    *path,
                                         GError       **error);
SiyuDb       *siyu_db_open_read_only    (const char    *path,
                                         GError       **error);
gboolean      siyu_db_is_read_only      (SiyuDb        *self);
const char   *siyu_db_get_path          (SiyuDb        *self);
sqlite3      *siyu_db_get_handle        (SiyuDb        *self);
int           siyu_db_get_schema_version (SiyuDb       *self);
int           siyu_db_get_latest_schema_version (void);
const char   *siyu_db_get_migration     (guint          index);

sqlite3_stmt *siyu_db_prepare           (SiyuDb        *self,
                                         const char    *sql,
                                         GError       **error);
int           siyu_db_step              (SiyuDb        *self,
                                         sqlite3_stmt  *stmt,
                                         GError       **error);
gboolean      siyu_db_step_done         (SiyuDb        *self,
                                         sqlite3_stmt  *stmt,
                                         GError       **error);
gboolean      siyu_db_exec              (SiyuDb        *self,
                                         const char    *sql,
                                         GError       **error);
gboolean      siyu_db_begin             (SiyuDb        *self,
                                         GError       **error);
gboolean      siyu_db_commit            (SiyuDb        *self,
                                         GError       **error);
void          siyu_db_rollback          (SiyuDb        *self);
gboolean      siyu_db_in_transaction    (SiyuDb        *self);
gboolean      siyu_db_checkpoint        (SiyuDb        *self,
                                         GError       **error);
guint64       siyu_db_get_generation    (SiyuDb        *self);
gint64        siyu_db_last_insert_id    (SiyuDb        *self);
gint64        siyu_db_query_int         (SiyuDb        *self,
                                         const char    *sql,
                                         GError       **error);
typedef struct _SiyuDbBulk SiyuDbBulk;

gboolean      siyu_db_bulk_begin        (SiyuDb              *self,
                                         const char * const  *tables,
                                         SiyuDbBulk         **dropped,
                                         GError             **error);
gboolean      siyu_db_bulk_end          (SiyuDb        *self,
                                         SiyuDbBulk    *bulk,
                                         GError       **error);
void          siyu_db_bulk_free         (SiyuDbBulk    *bulk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuDbBulk, siyu_db_bulk_free)

void          siyu_db_set_error         (SiyuDb        *self,
                                         int            rc,
                                         GError       **error);

G_END_DECLS
