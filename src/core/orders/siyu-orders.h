/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

/* The channel of orders imported from a file that names none, as stored;
 * shown through siyu_channel_get_label(). */
#define SIYU_IMPORTED_CHANNEL_NAME "Imported orders"

#define SIYU_ORDERS_ERROR (siyu_orders_error_quark ())

typedef enum {
  SIYU_ORDERS_ERROR_NOT_FOUND,
  SIYU_ORDERS_ERROR_INVALID,
} SiyuOrdersError;

/* Which orders the list shows; every member narrows it. */
typedef struct {
  const char *search;      /* part of the order number, of the customer's phone, of a product's name or SKU */
  gint64      channel_id;  /* 0: any */
  const char *status;      /* unpaid, paid, partially_refunded, refunded, cancelled; %NULL: any */
  SiyuDay     from;        /* first day, in the shop's time zone; SIYU_DAY_INVALID: no limit */
  SiyuDay     to;          /* last day, included; SIYU_DAY_INVALID: no limit */
} SiyuOrderFilter;

/* One row of the orders list. */
typedef struct {
  gint64  id;
  char   *reference;
  gint64  created_at;      /* UTC seconds */
  char   *channel;
  char   *status;
  gint64  total;
  gint64  refunded;
  char   *currency;
  gint64  contact_id;      /* 0: anonymous */
  char   *contact_name;    /* %NULL: no name, or erased */
  char   *phone;           /* masked: 138****8000; %NULL if none */
  guint   n_lines;
} SiyuOrderSummary;

GQuark              siyu_orders_error_quark  (void);

void                siyu_order_filter_init   (SiyuOrderFilter        *filter);
const char * const *siyu_order_statuses      (void);
const char         *siyu_order_status_get_label (const char          *status);
const char         *siyu_channel_get_label      (const char          *name);
gboolean            siyu_orders_count        (SiyuShop               *shop,
                                              const SiyuOrderFilter  *filter,
                                              guint                  *count,
                                              GError                **error);
GPtrArray          *siyu_orders_read         (SiyuShop               *shop,
                                              const SiyuOrderFilter  *filter,
                                              guint                   offset,
                                              guint                   limit,
                                              GError                **error);
void                siyu_order_summary_free  (SiyuOrderSummary       *summary);
JsonNode           *siyu_order_channels      (SiyuShop               *shop,
                                              GError                **error);
JsonNode           *siyu_order_describe      (SiyuShop               *shop,
                                              gint64                  order_id,
                                              GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuOrderSummary, siyu_order_summary_free)

G_END_DECLS
