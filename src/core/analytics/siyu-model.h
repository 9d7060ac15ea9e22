/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-analytics.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_MODEL_ERROR (siyu_model_error_quark ())

typedef enum {
  SIYU_MODEL_ERROR_INVALID,
} SiyuModelError;

/* One member tier as the owner sets it. */
typedef struct {
  gint64    id;             /* 0: a new tier */
  char     *name;
  char     *name_zh;        /* nullable */
  gint64    threshold;      /* net spend in 365 days, minor units */
  gint64    capacity;       /* 0: no limit */
  gboolean  by_application;
  char     *benefits;       /* nullable */
} SiyuTierSetting;

/* The thresholds behind every figure: lifecycle, tiers, pyramid weights. */
typedef struct {
  SiyuLifecycleModel  lifecycle;
  GArray             *tiers;     /* SiyuTierSetting, lowest first */
  SiyuPyramidWeights  weights;
} SiyuModel;

GQuark     siyu_model_error_quark (void);
gboolean   siyu_model_load        (SiyuShop        *shop,
                                   SiyuModel       *model,
                                   GError         **error);
gboolean   siyu_model_check       (const SiyuModel *model,
                                   const char      *currency,
                                   GError         **error);
gboolean   siyu_model_save        (SiyuShop        *shop,
                                   const SiyuModel *model,
                                   GError         **error);
gboolean   siyu_model_save_and_count (SiyuShop          *shop,
                                      const SiyuModel   *model,
                                      SiyuDay            as_of,
                                      SiyuProgressFunc   progress,
                                      gpointer           progress_data,
                                      GCancellable      *cancellable,
                                      SiyuAnalytics    **analytics,
                                      GError           **error);
void       siyu_model_clear       (SiyuModel       *model);
JsonNode  *siyu_model_to_json     (const SiyuModel *model);
gboolean   siyu_model_from_json   (JsonNode        *node,
                                   SiyuModel       *model,
                                   GError         **error);

/* The wizard (shared/ANALYTICS.md "Threshold suggestion", "Member tiers"). */

/* Fewer gaps than this between two paid orders of the same customer are
 * too few to suggest lifecycle thresholds from. */
#define SIYU_MODEL_MIN_GAPS 20

/* One bar of the gap histogram: gaps of from … to days. */
typedef struct {
  int    from;
  int    to;        /* inclusive; -1: from days and more */
  gint64 count;
} SiyuGapBucket;

/* The inter-purchase gaps and the thresholds they suggest. */
typedef struct {
  gint64    n_gaps;
  int       p80;          /* -1 when there are no gaps */
  int       p95;
  int       dormant_days; /* max (1, p80): a threshold the model accepts */
  int       lost_days;    /* max (p95, dormant_days + 1) */
  gboolean  enough;       /* n_gaps >= SIYU_MODEL_MIN_GAPS */
  GArray   *buckets;      /* SiyuGapBucket */
} SiyuGapSuggestion;

/* Tier thresholds suggested from the members' 365-day net spend. */
typedef struct {
  gint64  n_members;
  GArray *percents;     /* int: the percentile behind each threshold; 0 for the first tier */
  GArray *percentiles;  /* gint64: the spend at that percentile, minor units */
  GArray *thresholds;   /* gint64: rounded to a friendly amount, strictly rising */
} SiyuSpendSuggestion;

/* A candidate model against the current one, without saving. */
typedef struct {
  gint64  stages[SIYU_N_STAGES];          /* contacts per stage, candidate */
  gint64  current_stages[SIYU_N_STAGES];  /* the same under the current model */
  GArray *tiers;                          /* gint64: members per candidate tier */
  GArray *current_tiers;                  /* gint64: members per current tier */
  gint64  below;                          /* members under the candidate's first tier */
  gint64  current_below;
  gint64  members;
  gint64  moved_up;
  gint64  moved_down;
} SiyuModelPreview;

typedef struct _SiyuModelFacts SiyuModelFacts;

gint64     siyu_model_percentile          (const gint64     *sorted,
                                           guint             n,
                                           int               percent);
gint64     siyu_model_friendly_amount     (gint64            amount,
                                           int               digits);
void       siyu_gap_suggestion_compute    (const int        *gaps,
                                           guint             n,
                                           SiyuGapSuggestion *suggestion);
void       siyu_gap_suggestion_clear      (SiyuGapSuggestion *suggestion);
gboolean   siyu_spend_suggestion_compute  (const gint64     *spends,
                                           guint             n,
                                           guint             n_tiers,
                                           int               digits,
                                           SiyuSpendSuggestion *suggestion,
                                           GError          **error);
void       siyu_spend_suggestion_clear    (SiyuSpendSuggestion *suggestion);

SiyuModelFacts *siyu_model_facts_compute  (SiyuShop         *shop,
                                           SiyuDay           as_of,
                                           SiyuProgressFunc  progress,
                                           gpointer          progress_data,
                                           GCancellable     *cancellable,
                                           GError          **error);
SiyuModelFacts *siyu_model_facts_new      (SiyuShop         *shop,
                                           SiyuAnalytics    *analytics,
                                           GError          **error);
void       siyu_model_facts_free          (SiyuModelFacts   *facts);
const SiyuGapSuggestion *siyu_model_facts_get_gaps (SiyuModelFacts *facts);
gint64     siyu_model_facts_get_n_members (SiyuModelFacts   *facts);
gboolean   siyu_model_facts_suggest_tiers (SiyuModelFacts   *facts,
                                           guint             n_tiers,
                                           int               digits,
                                           SiyuSpendSuggestion *suggestion,
                                           GError          **error);
gboolean   siyu_model_preview             (SiyuModelFacts   *facts,
                                           const SiyuModel  *current,
                                           const SiyuModel  *candidate,
                                           const char       *currency,
                                           SiyuModelPreview *preview,
                                           GError          **error);
void       siyu_model_preview_clear       (SiyuModelPreview *preview);
JsonNode  *siyu_model_preview_to_json     (const SiyuModelPreview *preview);
JsonNode  *siyu_gap_suggestion_to_json    (const SiyuGapSuggestion *suggestion);
JsonNode  *siyu_spend_suggestion_to_json  (const SiyuSpendSuggestion *suggestion);
void       siyu_model_copy                (const SiyuModel  *model,
                                           SiyuModel        *copy);

char      *siyu_model_apply               (SiyuShop         *shop,
                                           const SiyuModel  *model,
                                           SiyuDay           as_of,
                                           SiyuProgressFunc  progress,
                                           gpointer          progress_data,
                                           GCancellable     *cancellable,
                                           GError          **error);
gboolean   siyu_model_undo                (SiyuShop         *shop,
                                           const char       *previous,
                                           SiyuDay           as_of,
                                           SiyuProgressFunc  progress,
                                           gpointer          progress_data,
                                           GCancellable     *cancellable,
                                           GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuModelFacts, siyu_model_facts_free)

G_END_DECLS
