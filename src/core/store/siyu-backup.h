/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_BACKUP_ERROR (siyu_backup_error_quark ())

typedef enum {
  SIYU_BACKUP_ERROR_NOT_FOUND,
  SIYU_BACKUP_ERROR_NOT_A_BACKUP,
  SIYU_BACKUP_ERROR_FAILED,
} SiyuBackupError;

/* Why a backup was kept: a word in its file name. */
#define SIYU_BACKUP_CAUSE_MANUAL  "manual"
#define SIYU_BACKUP_CAUSE_IMPORT  "import"
#define SIYU_BACKUP_CAUSE_SYNC    "sync"
#define SIYU_BACKUP_CAUSE_MODEL   "model"
#define SIYU_BACKUP_CAUSE_MERGE   "merge"
#define SIYU_BACKUP_CAUSE_ERASE   "erase"
#define SIYU_BACKUP_CAUSE_BULK    "bulk"
#define SIYU_BACKUP_CAUSE_RESTORE "restore"

/* One backup of a shop: a whole shop file in the shop's backup folder. */
typedef struct {
  char   *path;
  gint64  created_at;          /* Unix seconds */
  guint   sequence;            /* 1, 2…: among those of the same second */
  char   *cause;               /* SIYU_BACKUP_CAUSE_… */
  gint64  size;                /* bytes */
} SiyuBackup;

/* Which backups are kept: the newest @keep_last, and besides them the
 * newest of each of the last @keep_days days and of each of the last
 * @keep_months months. */
typedef struct {
  guint keep_last;             /* 1–100, default 10 */
  guint keep_days;             /* 0–366, default 7 */
  guint keep_months;           /* 0–120, default 12 */
} SiyuBackupRetention;

#define SIYU_BACKUP_KEEP_LAST_DEFAULT   10
#define SIYU_BACKUP_KEEP_DAYS_DEFAULT   7
#define SIYU_BACKUP_KEEP_MONTHS_DEFAULT 12

GQuark      siyu_backup_error_quark    (void);
void        siyu_backup_free           (SiyuBackup                *backup);
const char *siyu_backup_cause_label    (const char                *cause);
char       *siyu_backup_folder_for     (const char                *shop_path);
SiyuBackup *siyu_backup_create         (SiyuShop                  *shop,
                                        const char                *cause,
                                        GError                   **error);
gboolean    siyu_backup_before         (SiyuShop                  *shop,
                                        const char                *cause,
                                        GError                   **error);
GPtrArray  *siyu_backup_list           (SiyuShop                  *shop,
                                        GError                   **error);
SiyuBackup *siyu_backup_find           (SiyuShop                  *shop,
                                        const char                *name,
                                        GError                   **error);
gboolean    siyu_backup_restore        (SiyuShop                  *shop,
                                        const char                *backup_path,
                                        GError                   **error);
void        siyu_backup_get_retention  (SiyuShop                  *shop,
                                        SiyuBackupRetention       *retention);
gboolean    siyu_backup_set_retention  (SiyuShop                  *shop,
                                        const SiyuBackupRetention *retention,
                                        GError                   **error);
guint       siyu_backup_prune          (SiyuShop                  *shop,
                                        GError                   **error);
guint       _siyu_backup_prune_at      (SiyuShop                  *shop,
                                        gint64                     now,
                                        GError                   **error);
char      **siyu_backup_person_traces  (SiyuShop                  *shop,
                                        gint64                     contact_id,
                                        GError                   **error);
gboolean    siyu_backup_forget_person  (SiyuShop                  *shop,
                                        gint64                     contact_id,
                                        const char * const        *traces,
                                        guint                     *removed,
                                        GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuBackup, siyu_backup_free)

G_END_DECLS
