/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_SYNC_ERROR (siyu_sync_error_quark ())

typedef enum {
  SIYU_SYNC_ERROR_INVALID,         /* a bad account, platform or URL */
  SIYU_SYNC_ERROR_NOT_FOUND,       /* no such account */
  SIYU_SYNC_ERROR_NO_CREDENTIALS,
  SIYU_SYNC_ERROR_INSECURE,        /* plain http, or a link to another host */
  SIYU_SYNC_ERROR_AUTH,            /* the platform refused the credentials */
  SIYU_SYNC_ERROR_HTTP,            /* an HTTP status other than 2xx */
  SIYU_SYNC_ERROR_PLATFORM,        /* the platform's own error code */
  SIYU_SYNC_ERROR_RATE_LIMITED,    /* still refused after every retry */
  SIYU_SYNC_ERROR_TIMEOUT,
  SIYU_SYNC_ERROR_NETWORK,
  SIYU_SYNC_ERROR_MALFORMED,       /* not JSON, or not the shape documented */
  SIYU_SYNC_ERROR_UNCONFIRMED,     /* the keyring holds credentials of an earlier Siyu,
                                    * not tied to a shop's address: the owner confirms it */
} SiyuSyncError;

/* The schema of the credentials in the system keyring: attributes
 * platform, shop_url and secret_id (the random id of the account in its
 * shop file). */
#define SIYU_SYNC_SECRET_SCHEMA_NAME "io.github.siyu.Siyu.ShopSecret"
/* What Siyu before 0.3 stored: attributes account (its name) and platform. */
#define SIYU_SYNC_LEGACY_SECRET_SCHEMA_NAME "io.github.siyu.Siyu.Account"

/* Environment variables read by siyu_sync_credentials_from_env(). */
#define SIYU_SYNC_ENV_TOKEN  "SIYU_SYNC_TOKEN"
#define SIYU_SYNC_ENV_KEY    "SIYU_SYNC_KEY"
#define SIYU_SYNC_ENV_SECRET "SIYU_SYNC_SECRET"
/* Test-only: lets plain http reach 127.0.0.1 or localhost, nothing else. */
#define SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST "SIYU_SYNC_ALLOW_HTTP_LOCALHOST"
/* Test-only: where every connector calls, for the window's tests; honoured
 * only for plain http on 127.0.0.1 or localhost with the allowance above. */
#define SIYU_SYNC_ENV_BASE_URL "SIYU_SYNC_BASE_URL"

/* Shopify: token.  WooCommerce: key = consumer key, secret = consumer
 * secret.  Youzan: key = client id, secret = client secret. */
typedef struct _SiyuSyncCredentials SiyuSyncCredentials;

typedef struct {
  const char *base_url;          /* %NULL: the account's shop URL */
  guint       timeout_seconds;   /* 0: 30 */
  guint       max_attempts;      /* 0: 5 */
  guint       backoff_base_ms;   /* 0: 500 */
  guint       backoff_cap_ms;    /* 0: 30000 */
  double      delay_scale;       /* 0: 1.0; tests make every wait tiny */
  guint       page_size;         /* 0: the platform's largest */
} SiyuSyncOptions;

typedef struct {
  guint pages;
  guint records;
  guint created;
  guint updated;
  guint unchanged;
} SiyuSyncResourceCounts;

typedef struct {
  SiyuSyncResourceCounts orders;
  SiyuSyncResourceCounts customers;
  guint contacts_created;
  guint refunds_created;
  guint rate_limit_waits;        /* 429s and call-limit pauses */
  guint retries;                 /* 5xx, network errors, bad bodies */
  guint foreign_currency;        /* orders in another currency than the shop's:
                                  * kept with theirs, left out of the figures */
  guint rejected;                /* records kept among the rejects: they need a look */
  guint possible_duplicates;     /* pairs of contacts kept apart, new */
  guint phones_as_written;       /* phones that could not be read, kept as written */
  guint encrypted;               /* values the platform sent encrypted, kept unread */
  guint erased_kept;             /* customers and orders of erased people:
                                  * no contact made, orders kept anonymous */
} SiyuSyncCounts;

/* A record a sync could not store as the platform sent it. */
typedef struct {
  gint64  id;
  char   *account;
  char   *platform;
  char   *resource;              /* "orders" or "customers" */
  char   *platform_id;
  char   *reason;
  gint64  order_id;              /* its order, stored anonymously; 0: none */
  gint64  updated_at;            /* when a sync or a retry last refused it */
} SiyuSyncReject;

typedef struct {
  const char *resource;          /* "orders" or "customers" */
  guint       pages;
  guint       records;
  gint64      total_records;     /* -1: not known */
  gint64      eta_seconds;       /* -1: not known */
} SiyuSyncProgress;

typedef void (*SiyuSyncProgressFunc) (const SiyuSyncProgress *progress,
                                      gpointer                user_data);

GQuark    siyu_sync_error_quark          (void);

gboolean  siyu_sync_platform_is_valid    (const char   *platform);
gboolean  siyu_sync_url_is_allowed       (const char   *url,
                                          GError      **error);

gint64    siyu_sync_account_add          (SiyuShop     *shop,
                                          const char   *platform,
                                          const char   *name,
                                          const char   *shop_url,
                                          GError      **error);
gboolean  siyu_sync_account_remove       (SiyuShop     *shop,
                                          const char   *name,
                                          GError      **error);
JsonNode *siyu_sync_account_list         (SiyuShop     *shop,
                                          GError      **error);
char     *siyu_sync_account_dup_platform (SiyuShop     *shop,
                                          const char   *name,
                                          GError      **error);

SiyuSyncCredentials *siyu_sync_credentials_new  (const char *token,
                                                 const char *key,
                                                 const char *secret);
void      siyu_sync_credentials_free     (SiyuSyncCredentials *credentials);
SiyuSyncCredentials *siyu_sync_credentials_from_env  (void);
SiyuSyncCredentials *siyu_sync_credentials_from_file (const char   *path,
                                                      GError      **error);
SiyuSyncCredentials *siyu_sync_credentials_lookup    (SiyuShop     *shop,
                                                      const char   *account,
                                                      GCancellable *cancellable,
                                                      GError      **error);
gboolean  siyu_sync_credentials_store    (SiyuShop     *shop,
                                          const SiyuSyncCredentials *credentials,
                                          const char   *account,
                                          GCancellable *cancellable,
                                          GError      **error);
gboolean  siyu_sync_credentials_clear    (SiyuShop     *shop,
                                          const char   *account,
                                          GCancellable *cancellable,
                                          GError      **error);
gboolean  siyu_sync_credentials_confirm  (SiyuShop     *shop,
                                          const char   *account,
                                          const char   *shop_url,
                                          GCancellable *cancellable,
                                          GError      **error);
char     *siyu_sync_account_dup_shop_url (SiyuShop     *shop,
                                          const char   *name,
                                          GError      **error);
gboolean  siyu_sync_credentials_check    (const SiyuSyncCredentials *credentials,
                                          const char   *platform,
                                          GError      **error);

gboolean  siyu_sync_run                  (SiyuShop                  *shop,
                                          const char                *account,
                                          const SiyuSyncCredentials *credentials,
                                          const SiyuSyncOptions     *options,
                                          gboolean                   full,
                                          SiyuSyncProgressFunc       progress,
                                          gpointer                   progress_data,
                                          GCancellable              *cancellable,
                                          SiyuSyncCounts            *counts,
                                          GError                   **error);
gboolean  siyu_sync_test_connection      (SiyuShop                  *shop,
                                          const char                *account,
                                          const SiyuSyncCredentials *credentials,
                                          const SiyuSyncOptions     *options,
                                          GCancellable              *cancellable,
                                          GError                   **error);
JsonNode *siyu_sync_counts_to_json       (const SiyuSyncCounts      *counts);

GPtrArray *siyu_sync_rejects_read        (SiyuShop                  *shop,
                                          const char                *account,
                                          GError                   **error);
JsonNode  *siyu_sync_rejects_to_json     (GPtrArray                 *rejects);
gboolean   siyu_sync_rejects_retry       (SiyuShop                  *shop,
                                          const char                *account,
                                          SiyuSyncCounts            *counts,
                                          GError                   **error);
void       siyu_sync_reject_free         (SiyuSyncReject            *reject);

gboolean  siyu_sync_get_on_open          (SiyuShop                  *shop);
gboolean  siyu_sync_set_on_open          (SiyuShop                  *shop,
                                          gboolean                   on_open,
                                          GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuSyncCredentials, siyu_sync_credentials_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuSyncReject, siyu_sync_reject_free)

G_END_DECLS
