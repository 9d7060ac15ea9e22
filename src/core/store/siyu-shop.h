/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "siyu-db.h"
#include "siyu-types.h"

G_BEGIN_DECLS

#define SIYU_SHOP_ERROR (siyu_shop_error_quark ())

typedef enum {
  SIYU_SHOP_ERROR_INVALID_SETTING,
} SiyuShopError;

#define SIYU_SHOP_DEFAULT_CURRENCY     "CNY"
#define SIYU_SHOP_DEFAULT_TIME_ZONE    "Asia/Shanghai"
#define SIYU_SHOP_DEFAULT_PHONE_REGION "CN"

/* One line of the audit log. */
typedef struct {
  gint64  at;                   /* Unix seconds */
  char   *actor;
  char   *action;               /* "export", "merge", "edit", "erase", … */
  char   *object_kind;          /* nullable */
  gint64  object_id;            /* 0: none */
  char   *detail;               /* a JSON object, nullable */
} SiyuAuditEntry;

#define SIYU_TYPE_SHOP (siyu_shop_get_type ())
G_DECLARE_FINAL_TYPE (SiyuShop, siyu_shop, SIYU, SHOP, GObject)

GQuark       siyu_shop_error_quark      (void);

SiyuShop    *siyu_shop_create           (const char  *path,
                                         const char  *name,
                                         const char  *currency,
                                         const char  *time_zone,
                                         GError     **error);
SiyuShop    *siyu_shop_open             (const char  *path,
                                         GError     **error);
SiyuShop    *siyu_shop_open_read_only   (const char  *path,
                                         GError     **error);
gboolean     siyu_shop_is_read_only     (SiyuShop    *self);
SiyuDb      *siyu_shop_get_db           (SiyuShop    *self);
void         siyu_shop_lock             (SiyuShop    *self);
void         siyu_shop_unlock           (SiyuShop    *self);
const char  *siyu_shop_get_path         (SiyuShop    *self);
const char  *siyu_shop_get_name         (SiyuShop    *self);
const char  *siyu_shop_get_currency     (SiyuShop    *self);
const char  *siyu_shop_get_time_zone_id (SiyuShop    *self);
GTimeZone   *siyu_shop_get_time_zone    (SiyuShop    *self);
const char  *siyu_shop_get_phone_region (SiyuShop    *self);
gboolean     siyu_shop_has_orders       (SiyuShop    *self);
char        *siyu_shop_dup_setting      (SiyuShop    *self,
                                         const char  *key);
gboolean     siyu_shop_write_setting    (SiyuShop    *self,
                                         const char  *key,
                                         const char  *value,
                                         GError     **error);
void         siyu_shop_reload           (SiyuShop    *self);
gboolean     siyu_shop_set_name         (SiyuShop    *self,
                                         const char  *name,
                                         GError     **error);
gboolean     siyu_shop_set_currency     (SiyuShop    *self,
                                         const char  *currency,
                                         GError     **error);
gboolean     siyu_shop_set_time_zone    (SiyuShop    *self,
                                         const char  *time_zone,
                                         GError     **error);
gboolean     siyu_shop_set_phone_region (SiyuShop    *self,
                                         const char  *region,
                                         GError     **error);
gboolean     siyu_shop_set_settings     (SiyuShop    *self,
                                         const char  *name,
                                         const char  *currency,
                                         const char  *time_zone,
                                         const char  *region,
                                         GError     **error);
gboolean     siyu_shop_set_data_end     (SiyuShop    *self,
                                         SiyuDay      day,
                                         GError     **error);
SiyuDay      siyu_shop_get_data_end     (SiyuShop    *self);
SiyuDay      siyu_shop_get_today        (SiyuShop    *self);
SiyuDay      siyu_shop_day_of           (SiyuShop    *self,
                                         gint64       utc);
gint64       siyu_shop_day_start        (SiyuShop    *self,
                                         SiyuDay      day);
gboolean     siyu_shop_audit            (SiyuShop    *self,
                                         const char  *action,
                                         const char  *object_kind,
                                         gint64       object_id,
                                         const char  *detail_json,
                                         GError     **error);
void         siyu_audit_entry_free      (SiyuAuditEntry *entry);
GPtrArray   *siyu_shop_list_audit       (SiyuShop    *self,
                                         GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuAuditEntry, siyu_audit_entry_free)
gint64       siyu_shop_get_data_version (SiyuShop    *self,
                                         GError     **error);
gboolean     siyu_shop_set_figures_version (SiyuShop *self,
                                         gint64       version,
                                         GError     **error);
gboolean     siyu_shop_figures_are_stale (SiyuShop   *self,
                                         gboolean    *stale,
                                         GError     **error);

G_END_DECLS
