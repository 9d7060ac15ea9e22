/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_REVIEW_ERROR (siyu_review_error_quark ())

typedef enum {
  SIYU_REVIEW_ERROR_INVALID,    /* not a month: 2025-13 */
  SIYU_REVIEW_ERROR_NO_DATA,    /* before the shop's first data, or in the future */
} SiyuReviewError;

GQuark    siyu_review_error_quark (void);
gboolean  siyu_review_parse_month (const char  *text,
                                   int         *year,
                                   int         *month,
                                   GError     **error);
gboolean  siyu_review_last_month  (SiyuShop    *shop,
                                   int         *year,
                                   int         *month,
                                   GError     **error);
JsonNode *siyu_review_compute     (SiyuShop    *shop,
                                   int          year,
                                   int          month,
                                   GCancellable *cancellable,
                                   GError     **error);

G_END_DECLS
