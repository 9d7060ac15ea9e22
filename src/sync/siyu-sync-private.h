/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "siyu-ingest.h"
#include "siyu-sync.h"

G_BEGIN_DECLS

struct _SiyuSyncCredentials
{
  char *token;
  char *key;
  char *secret;
};

typedef struct _SiyuSyncJob SiyuSyncJob;

typedef struct {
  const char *platform;
  const char *display_name;
  /* Adds the credentials to a request: a header, or the query (Youzan). */
  char     *(*authorize)  (SiyuSyncJob  *job,
                           SoupMessage  *message,
                           const char   *url);
  gboolean  (*check)      (SiyuSyncJob  *job,
                           GError      **error);
  gboolean  (*sync)       (SiyuSyncJob  *job,
                           const char   *resource,
                           gint64        since,
                           GError      **error);
  /* Whether one walk may read a record twice (WooCommerce's walk by
   * time); otherwise a record read twice means a page was repeated. */
  gboolean    pages_overlap;
  /* The platform's id of a record of @resource, or %NULL. */
  char     *(*record_id)  (const char   *resource,
                           JsonObject   *record);
  /* Stores one record of @resource, in the page's transaction: %FALSE
   * with @error when it cannot be stored (the engine keeps it among the
   * rejects, or stops on a transport or database error). */
  gboolean  (*store)      (SiyuSyncJob  *job,
                           const char   *resource,
                           JsonObject   *record,
                           GError      **error);
  /* The records of one answer for @resource, in the shape the platform
   * documents; %NULL with @error set when the answer is not that shape,
   * which refuses the whole page. */
  JsonArray *(*records)   (SiyuSyncJob  *job,
                           const char   *resource,
                           JsonNode     *answer,
                           const char   *url,
                           GError      **error);
} SiyuSyncConnector;

struct _SiyuSyncJob
{
  const SiyuSyncConnector   *connector;
  SiyuShop                  *shop;
  SiyuDb                    *db;
  SiyuIngest                *ingest;
  SoupSession               *session;
  GRand                     *rand;
  GCancellable              *cancellable;
  const SiyuSyncCredentials *credentials;
  SiyuSyncOptions            options;
  SiyuSyncProgressFunc       progress;
  gpointer                   progress_data;
  SiyuSyncCounts            *counts;

  char                      *account;
  gint64                     account_id;
  gint64                     channel_id;
  char                      *base_url;      /* no trailing slash */
  char                      *shop_id;       /* the account's shop URL or Youzan kdt_id */
  const char                *currency;
  int                        digits;

  /* The resource being walked. */
  const char                *resource;
  SiyuSyncResourceCounts    *resource_counts;
  gint64                     max_seen;      /* largest updated time seen */
  gint64                     total;         /* -1: not known */
  gint64                     started_us;
  GHashTable                *walked;        /* ids read in this walk */

  /* Shopify's leaky bucket, as its last answer told it. */
  double                     bucket_used;
  double                     bucket_size;
  gint64                     bucket_at_us;

  /* Youzan's access token and when it runs out (ms since 1970). */
  char                      *token;
  gint64                     token_expires_ms;

  /* The record being stored: what keeps it among the rejects although
   * part of it (an anonymous order) was stored. */
  GError                    *record_problem;
  gint64                     record_order_id;
  gboolean                   repeated;      /* a page came twice: stop */
};

extern const SiyuSyncConnector _siyu_sync_shopify;
extern const SiyuSyncConnector _siyu_sync_woocommerce;
extern const SiyuSyncConnector _siyu_sync_youzan;

/* Sends one request with retries, rate limits and timeouts; returns the
 * parsed JSON body of a 2xx answer.  @url is absolute. */
JsonNode *_siyu_sync_request      (SiyuSyncJob         *job,
                                   const char          *method,
                                   const char          *url,
                                   const char          *json_body,
                                   SoupMessageHeaders **headers,
                                   GError             **error);
void      _siyu_sync_fail         (SiyuSyncJob         *job,
                                   GError             **error,
                                   int                  code,
                                   const char          *url,
                                   const char          *format,
                                   ...) G_GNUC_PRINTF (5, 6);
gboolean  _siyu_sync_wait         (SiyuSyncJob         *job,
                                   gint64               ms,
                                   GError             **error);

gboolean  _siyu_sync_store_page   (SiyuSyncJob         *job,
                                   JsonArray           *records,
                                   gboolean             last,
                                   GError             **error);
gboolean  _siyu_sync_is_record_error (SiyuSyncJob      *job,
                                   const GError        *error);
void      _siyu_sync_keep_reject  (SiyuSyncJob         *job,
                                   gint64               order_id,
                                   const GError        *cause);
gboolean  _siyu_sync_encrypted    (SiyuSyncJob         *job,
                                   const char          *platform_id,
                                   const char          *field,
                                   const char          *ciphertext,
                                   gint64               contact_id,
                                   gint64               order_id,
                                   GError             **error);
gboolean  _siyu_sync_page_begin   (SiyuSyncJob         *job,
                                   GError             **error);
gboolean  _siyu_sync_page_commit  (SiyuSyncJob         *job,
                                   guint                n_records,
                                   gboolean             last,
                                   GError             **error);
void      _siyu_sync_page_abort   (SiyuSyncJob         *job);
void      _siyu_sync_saw          (SiyuSyncJob         *job,
                                   gint64               updated_at);
gboolean  _siyu_sync_ingest_contact (SiyuSyncJob             *job,
                                     const SiyuContactRecord *record,
                                     gint64                  *contact_id,
                                     GError                 **error);
gboolean  _siyu_sync_ingest_order (SiyuSyncJob         *job,
                                   const SiyuOrderRecord *record,
                                   gint64              *order_id,
                                   GError             **error);

gboolean  _siyu_sync_parse_money  (const char          *text,
                                   int                  digits,
                                   gint64              *amount);
gboolean  _siyu_sync_money_member (SiyuSyncJob         *job,
                                   JsonObject          *object,
                                   const char          *member,
                                   gint64              *amount,
                                   GError             **error);
gboolean  _siyu_sync_shop_money   (SiyuSyncJob         *job,
                                   JsonObject          *object,
                                   const char          *member,
                                   gint64              *amount,
                                   GError             **error);
gint64    _siyu_sync_parse_time   (const char          *text,
                                   const char          *default_offset);
const char *_siyu_sync_string     (JsonObject          *object,
                                   const char          *member);
const char *_siyu_sync_text       (JsonObject          *object,
                                   const char          *member);
char     *_siyu_sync_decode_html  (const char          *text);
gboolean  _siyu_sync_is_youzan_ciphertext (const char  *text);
gint64    _siyu_sync_int          (JsonObject          *object,
                                   const char          *member);
char     *_siyu_sync_id_string    (JsonObject          *object,
                                   const char          *member);
JsonObject *_siyu_sync_object     (JsonObject          *object,
                                   const char          *member);
JsonArray *_siyu_sync_array       (JsonObject          *object,
                                   const char          *member);
JsonObject *_siyu_sync_element    (JsonArray           *array,
                                   guint                index);
void      _siyu_sync_bad_record   (SiyuSyncJob         *job,
                                   GError             **error,
                                   const char          *id,
                                   const GError        *cause);

void      _siyu_sync_set_tls_database (GTlsDatabase      *database);

gboolean  _siyu_sync_store_answer (SiyuShop            *shop,
                                   const char          *account,
                                   const char          *resource,
                                   const char          *data,
                                   gsize                length,
                                   SiyuSyncCounts      *counts,
                                   GError             **error);

/* Where secrets are kept: libsecret's Secret Service, or a stand-in the
 * tests install.  @attributes are the schema's, string to string; lookup
 * returns memory of g_malloc(), which the caller wipes. */
typedef struct {
  char     *(*lookup) (const SecretSchema  *schema,
                       GHashTable          *attributes,
                       GCancellable        *cancellable,
                       GError             **error);
  gboolean  (*store)  (const SecretSchema  *schema,
                       GHashTable          *attributes,
                       const char          *label,
                       const char          *secret,
                       GCancellable        *cancellable,
                       GError             **error);
  gboolean  (*clear)  (const SecretSchema  *schema,
                       GHashTable          *attributes,
                       GCancellable        *cancellable,
                       GError             **error);
} SiyuSyncKeyring;

void      _siyu_sync_set_keyring      (const SiyuSyncKeyring *keyring);

G_END_DECLS
