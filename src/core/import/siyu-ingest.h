/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "siyu-shop.h"
#include "siyu-types.h"

G_BEGIN_DECLS

#define SIYU_INGEST_ERROR (siyu_ingest_error_quark ())

typedef enum {
  SIYU_INGEST_ERROR_INVALID,
  SIYU_INGEST_ERROR_CONFLICT,
} SiyuIngestError;

/* How the reference of a refund made by a return (siyu_ingest_link_return())
 * starts; the return's own number follows. */
#define SIYU_REFUND_OF_RETURN "return:"

/* The largest amount of money Siyu takes in one field: 10^12 minor units. */
#define SIYU_INGEST_MAX_AMOUNT G_GINT64_CONSTANT (1000000000000)
#define SIYU_INGEST_MAX_QUANTITY 1000000

typedef enum {
  SIYU_OUTCOME_CREATED,
  SIYU_OUTCOME_MATCHED,
  SIYU_OUTCOME_UPDATED,
  SIYU_OUTCOME_UNCHANGED,
} SiyuOutcome;

/* What one source knows of a person.  Strings may be %NULL; at least one of
 * phone, email, wechat_id or platform_id identifies them. */
typedef struct {
  const char *name;
  const char *phone;
  const char *email;
  const char *wechat_id;
  const char *city;
  const char *birthday;          /* YYYY-MM-DD */
  const char *platform;          /* identity kind of platform_id: shopify, youzan, import:taobao */
  const char *platform_id;
  gint64      seen_at;           /* UTC seconds; required */
  gint64      channel_id;        /* 0: not known */
  int         consent;           /* -1 unknown (no word), 0 refused, 1 given */
  gint64      consent_at;
  const char *consent_source;
  int         do_not_contact;    /* -1 not known, 0 no, 1 yes */
  gint64      member_since;      /* 0: not a member as far as this source knows */

  /* For sources that must not stop on one odd record (platform sync);
   * left zero, a record is read as file import reads it. */
  const char *phone_region;      /* where the phone is from, e.g. a billing country (ISO 3166
                                  * code); %NULL: the shop's region */
  gboolean    phone_as_written;  /* a phone that cannot be read is kept as written, never as
                                  * an identity, rather than refusing the record */
  gboolean    keep_apart;        /* see siyu_ingest_contact(): identities of other contacts
                                  * make a possible duplicate rather than an error */
} SiyuContactRecord;

typedef struct {
  const char *sku;
  const char *name;
  gint64      quantity;
  gint64      unit_price;
  gint64      line_total;
} SiyuOrderItemRecord;

typedef struct {
  gint64                     channel_id;
  const char                *external_ref;
  gint64                     contact_id;     /* 0: anonymous */
  const char                *status;         /* unpaid, paid, partially_refunded, refunded, cancelled */
  gint64                     created_at;
  const char                *currency;
  gint64                     total_amount;
  gint64                     refunded_amount;
  const SiyuOrderItemRecord *items;
  guint                      n_items;

  /* What the total is made of, as the source says; 0 when it does not. */
  gint64                     discount_amount;
  gint64                     shipping_amount;
  gint64                     tax_amount;

  /* What an import read the order from (migration 13); 0 for none. */
  gint64                     import_digest;
} SiyuOrderRecord;

typedef struct {
  guint contacts_created;
  guint contacts_matched;
  guint orders_created;
  guint orders_updated;
  guint orders_unchanged;
  guint items_created;
  guint refunds_created;
  guint returns_created;
  guint returns_updated;
  guint returns_unchanged;
  guint members_created;
  guint events_created;
  guint events_unchanged;
  guint erased_kept;             /* records of erased people: nothing of them written */
  guint consents_given;   /* by siyu_ingest_set_default_consent() */
  guint phones_as_written;       /* phones kept as written, not read */
  guint possible_duplicates;     /* pairs of contacts kept apart, new in this batch */
} SiyuIngestCounts;

#define SIYU_TYPE_INGEST (siyu_ingest_get_type ())
G_DECLARE_FINAL_TYPE (SiyuIngest, siyu_ingest, SIYU, INGEST, GObject)

GQuark       siyu_ingest_error_quark     (void);

SiyuIngest  *siyu_ingest_new             (SiyuShop                *shop);
const SiyuIngestCounts *siyu_ingest_get_counts (SiyuIngest       *self);
void         siyu_ingest_reset_counts    (SiyuIngest              *self);
void         siyu_ingest_set_default_consent (SiyuIngest          *self,
                                          const char              *source,
                                          gint64                   at);
void         siyu_ingest_forget_products (SiyuIngest              *self);
void         siyu_ingest_set_orders_mostly_new (SiyuIngest        *self,
                                                gboolean           mostly_new);
gint64       siyu_ingest_channel         (SiyuIngest              *self,
                                          const char              *kind,
                                          const char              *name,
                                          const char              *platform,
                                          GError                 **error);
gint64       siyu_ingest_contact         (SiyuIngest              *self,
                                          const SiyuContactRecord *record,
                                          SiyuOutcome             *outcome,
                                          GError                 **error);
gint64       siyu_ingest_product         (SiyuIngest              *self,
                                          const char              *sku,
                                          const char              *name,
                                          const char              *category,
                                          gint64                   unit_price,
                                          GError                 **error);
gint64       siyu_ingest_order           (SiyuIngest              *self,
                                          const SiyuOrderRecord   *record,
                                          SiyuOutcome             *outcome,
                                          GError                 **error);
gint64       siyu_ingest_return          (SiyuIngest              *self,
                                          const SiyuOrderRecord   *record,
                                          SiyuOutcome             *outcome,
                                          GError                 **error);
gboolean     siyu_ingest_refund          (SiyuIngest              *self,
                                          gint64                   order_id,
                                          const char              *external_ref,
                                          gint64                   amount,
                                          gint64                   created_at,
                                          const char              *reason,
                                          GError                 **error);
gint64       siyu_ingest_find_order      (SiyuIngest              *self,
                                          gint64                   channel_id,
                                          const char              *external_ref,
                                          GError                 **error);
gboolean     siyu_ingest_link_return     (SiyuIngest              *self,
                                          gint64                   return_id,
                                          gint64                   order_id,
                                          GError                 **error);
gint64       siyu_ingest_group           (SiyuIngest              *self,
                                          const char              *name,
                                          const char              *kind,
                                          gint64                   created_at,
                                          GError                 **error);
gboolean     siyu_ingest_group_member    (SiyuIngest              *self,
                                          gint64                   group_id,
                                          gint64                   contact_id,
                                          const char              *role,
                                          gint64                   joined_at,
                                          gint64                   left_at,
                                          GError                 **error);
gboolean     siyu_ingest_event           (SiyuIngest              *self,
                                          gint64                   contact_id,
                                          const char              *kind,
                                          gint64                   occurred_at,
                                          gint64                   channel_id,
                                          const char              *detail,
                                          GError                 **error);
gboolean     siyu_ingest_tag             (SiyuIngest              *self,
                                          gint64                   contact_id,
                                          const char              *tag,
                                          const char              *source,
                                          gint64                   at,
                                          GError                 **error);

char        *siyu_email_normalize        (const char              *text);
gboolean     siyu_order_status_is_valid  (const char              *status);
gboolean     siyu_event_kind_is_valid    (const char              *kind);

G_END_DECLS
