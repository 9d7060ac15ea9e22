/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_CONSENT_ERROR (siyu_consent_error_quark ())

typedef enum {
  SIYU_CONSENT_ERROR_INVALID,
  SIYU_CONSENT_ERROR_NOT_FOUND,
} SiyuConsentError;

/* What a person said about hearing from the shop (ANALYTICS.md "Added for
 * batch 2"); do-not-contact is separate and always wins. */
typedef enum {
  SIYU_CONSENT_UNKNOWN,
  SIYU_CONSENT_GIVEN,
  SIYU_CONSENT_REFUSED,
} SiyuConsent;

/* Whether the shop contacts people who were never asked.  Until the owner
 * answers, they are not contacted. */
typedef enum {
  SIYU_CONSENT_POLICY_UNSET,
  SIYU_CONSENT_POLICY_EXCLUDE_UNKNOWN,
  SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN,
} SiyuConsentPolicy;

/* The people of a list by what may be done with them.  given, unknown and
 * refused count those without do-not-contact; reachable follows the policy. */
typedef struct {
  gint64 total;
  gint64 given;
  gint64 unknown;
  gint64 refused;
  gint64 do_not_contact;
  gint64 reachable;
} SiyuConsentCounts;

/* What a bulk change did. */
typedef struct {
  gint64 matched;        /* the people it was asked for */
  gint64 changed;
  gint64 kept_refused;   /* refusals kept: given is not written over them */
  gint64 do_not_contact; /* of the matched, those who stay left out anyway */
} SiyuConsentChange;

/* The SELECT list that siyu_consent_counts_read() reads, over contacts c. */
#define SIYU_CONSENT_COUNTS_SELECT \
  "SELECT count (*), coalesce (sum (c.do_not_contact = 0 AND c.consent = 'given'), 0), " \
  "coalesce (sum (c.do_not_contact = 0 AND c.consent = 'unknown'), 0), " \
  "coalesce (sum (c.do_not_contact = 0 AND c.consent = 'refused'), 0), " \
  "coalesce (sum (c.do_not_contact <> 0), 0)"

GQuark             siyu_consent_error_quark      (void);

const char        *siyu_consent_to_string        (SiyuConsent         consent);
gboolean           siyu_consent_from_string      (const char         *text,
                                                  SiyuConsent        *consent);
const char        *siyu_consent_get_label        (SiyuConsent         consent);
const char        *siyu_consent_source_label     (const char         *source);
const char        *siyu_consent_policy_to_string (SiyuConsentPolicy   policy);
gboolean           siyu_consent_policy_from_string (const char       *text,
                                                  SiyuConsentPolicy  *policy);

SiyuConsentPolicy  siyu_consent_get_policy       (SiyuShop           *shop);
gboolean           siyu_consent_set_policy       (SiyuShop           *shop,
                                                  SiyuConsentPolicy   policy,
                                                  GError            **error);
const char        *siyu_consent_reachable_sql    (SiyuConsentPolicy   policy);
const char        *siyu_consent_shop_reachable_sql (SiyuShop         *shop);
void               siyu_consent_counts_read      (sqlite3_stmt       *stmt,
                                                  SiyuConsentPolicy   policy,
                                                  SiyuConsentCounts  *counts);
gboolean           siyu_consent_count            (SiyuShop           *shop,
                                                  const gint64       *ids,
                                                  guint               n_ids,
                                                  SiyuConsentCounts  *counts,
                                                  GError            **error);
gboolean           siyu_consent_count_segment    (SiyuShop           *shop,
                                                  JsonNode           *definition,
                                                  SiyuConsentCounts  *counts,
                                                  GError            **error);
gboolean           siyu_consent_count_group      (SiyuShop           *shop,
                                                  gint64              group_id,
                                                  SiyuConsentCounts  *counts,
                                                  GError            **error);

JsonNode          *siyu_consent_set              (SiyuShop           *shop,
                                                  const gint64       *ids,
                                                  guint               n_ids,
                                                  SiyuConsent         consent,
                                                  const char         *source,
                                                  gboolean            over_refusals,
                                                  const char         *object_kind,
                                                  gint64              object_id,
                                                  SiyuConsentChange  *change,
                                                  GError            **error);
JsonNode          *siyu_consent_set_segment      (SiyuShop           *shop,
                                                  gint64              segment_id,
                                                  SiyuConsent         consent,
                                                  const char         *source,
                                                  gboolean            over_refusals,
                                                  SiyuConsentChange  *change,
                                                  GError            **error);
JsonNode          *siyu_consent_set_group        (SiyuShop           *shop,
                                                  gint64              group_id,
                                                  SiyuConsent         consent,
                                                  const char         *source,
                                                  gboolean            over_refusals,
                                                  SiyuConsentChange  *change,
                                                  GError            **error);
gboolean           siyu_consent_undo             (SiyuShop           *shop,
                                                  JsonNode           *undo,
                                                  GError            **error);

G_END_DECLS
