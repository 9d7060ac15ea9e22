/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Credentials the emulator accepts. */
#define SIYU_EMULATOR_SHOPIFY_TOKEN "shpat_TEST_TOKEN_0123456789"
#define SIYU_EMULATOR_WOO_KEY "ck_0123456789abcdef0123456789abcdef01234567"
#define SIYU_EMULATOR_WOO_SECRET "cs_fedcba9876543210fedcba9876543210fedcba98"
#define SIYU_EMULATOR_YZ_CLIENT "yzclient0123"
#define SIYU_EMULATOR_YZ_SECRET "yzSECRET_abcdef987654"

/* Shopify, WooCommerce and Youzan on 127.0.0.1, each in its wire format
 * (shared/PLATFORMS.md), from the fixtures in tests/data/sync, in a
 * thread of its own so that the blocking engine, a window and a child
 * siyu-cli can all talk to it.  Faults are fields, changed with
 * siyu_emulator_set() while it runs. */
typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  GMutex        lock;
  GCond         ready;
  GPtrArray    *paused;
  JsonNode     *woo_orders;      /* the WooCommerce orders as they are now */
  gint64        bucket_level_us; /* rate_limit: calls in the bucket, in µs of leak */
  gint64        bucket_at;

  /* Faults, read and changed under the lock. */
  guint         n_429;           /* the next calls answer 429 with Retry-After: 2 */
  guint         n_500;           /* the next calls answer fail_status */
  guint         fail_status;     /* 0: 500; 502 and 503 as gateways say */
  guint         always_500;
  guint         malformed;       /* a body cut in the middle */
  guint         hang;            /* every call waits for ever */
  guint         hang_after;      /* > 0: calls after this many wait for ever */
  guint         expire_token;    /* Youzan: the next call finds the token expired */
  guint         duplicate_page;  /* the next page after the first is the first again */
  guint         change_between;  /* WooCommerce: the first order changes after page 1 */
  guint         wrong_shape;     /* Shopify: the second order's total is a list */
  guint         foreign;         /* orders are in USD */
  guint         rate_limit;      /* Shopify's leaky bucket: 40 calls, 2 a second */
  guint         calls_used;      /* without it, the calls its header says are used of 40:
                                  * 40 (the default) makes the engine pause before each */
  guint         synthetic;       /* > 0: Shopify serves this many made-up orders */
  guint         partial_refund;  /* Youzan: the first trade was partly refunded */
  guint         deep;            /* lists (not counts) are nested 200,000 levels deep */
  guint         published;       /* serve the platforms' own examples of tests/data/sync/published
                                  * as they are: 1, Shopify's orders list and guest order (two
                                  * pages) and customers by ids, WooCommerce's orders and customers;
                                  * 2, Shopify's order refunded in full, as the one order */
  guint         odd_guest;       /* WooCommerce: one more order, of a guest known only by a phone
                                  * written without country code, "6123 4567" */
  guint         encrypted;       /* Youzan: buyers' and receivers' phones, names and addresses
                                  * come encrypted, $…$1$ */

  guint         redirect_status; /* 301, 302, 307, 308: every call is sent to redirect_to */
  char         *redirect_to;     /* scheme://host:port the redirects name */

  /* Read under the lock. */
  guint         requests;
  guint         credentials_seen; /* calls that carried a token, a key or a secret */
  guint         token_serial;
  guint         refused;         /* 429s sent by the bucket */
} SiyuEmulator;

SiyuEmulator *siyu_emulator_start     (gboolean      tls);
void          siyu_emulator_stop      (SiyuEmulator *self);
void          siyu_emulator_set       (SiyuEmulator *self,
                                       guint        *field,
                                       guint         value);
guint         siyu_emulator_get       (SiyuEmulator *self,
                                       guint        *field);
guint         siyu_emulator_n_paused  (SiyuEmulator *self);
void          siyu_emulator_redirect  (SiyuEmulator *self,
                                       guint         status,
                                       const char   *to);

G_END_DECLS
