/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_MEMBERSHIP_ERROR (siyu_membership_error_quark ())

typedef enum {
  SIYU_MEMBERSHIP_ERROR_INVALID,
} SiyuMembershipError;

/* Who becomes a member without the owner saying so (ANALYTICS.md "Added
 * for batch 2"). */
typedef enum {
  SIYU_MEMBERSHIP_RULE_NONE,
  SIYU_MEMBERSHIP_RULE_FIRST_ORDER,   /* every buyer, from their first paid order */
  SIYU_MEMBERSHIP_RULE_SPEND,         /* from the day 365-day net spend first reaches the threshold */
} SiyuMembershipRuleKind;

typedef struct {
  SiyuMembershipRuleKind kind;
  gint64                 threshold;   /* minor units; for SIYU_MEMBERSHIP_RULE_SPEND */
} SiyuMembershipRule;

/* Since when the people made members by hand are members. */
typedef enum {
  SIYU_MEMBERSHIP_SINCE_FIRST_SEEN,   /* since the shop first saw each of them */
  SIYU_MEMBERSHIP_SINCE_TIME,         /* since a given moment, such as now */
} SiyuMembershipSince;

typedef struct {
  gint64 matched;
  gint64 added;        /* were not members */
  gint64 already;      /* were members already: their date stays */
} SiyuMembershipChange;

GQuark      siyu_membership_error_quark     (void);

const char *siyu_membership_rule_kind_to_string (SiyuMembershipRuleKind  kind);
gboolean    siyu_membership_rule_kind_from_string (const char           *text,
                                                 SiyuMembershipRuleKind *kind);
void        siyu_membership_get_rule         (SiyuShop                 *shop,
                                              SiyuMembershipRule       *rule);
gboolean    siyu_membership_set_rule         (SiyuShop                 *shop,
                                              const SiyuMembershipRule *rule,
                                              guint                    *changed,
                                              GError                  **error);
gboolean    siyu_membership_apply_rule       (SiyuShop                 *shop,
                                              guint                    *changed,
                                              GError                  **error);

JsonNode   *siyu_membership_add              (SiyuShop                 *shop,
                                              const gint64             *ids,
                                              guint                     n_ids,
                                              SiyuMembershipSince       since,
                                              gint64                    at,
                                              const char               *object_kind,
                                              gint64                    object_id,
                                              SiyuMembershipChange     *change,
                                              GError                  **error);
JsonNode   *siyu_membership_add_segment      (SiyuShop                 *shop,
                                              gint64                    segment_id,
                                              SiyuMembershipSince       since,
                                              gint64                    at,
                                              SiyuMembershipChange     *change,
                                              GError                  **error);
gboolean    siyu_membership_undo             (SiyuShop                 *shop,
                                              JsonNode                 *undo,
                                              GError                  **error);

G_END_DECLS
