/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "siyu-shop.h"
#include "siyu-snapshot.h"
#include "siyu-types.h"

G_BEGIN_DECLS

typedef enum {
  SIYU_STAGE_PROSPECT,
  SIYU_STAGE_NEW,
  SIYU_STAGE_GROWING,
  SIYU_STAGE_MATURE,
  SIYU_STAGE_DORMANT,
  SIYU_STAGE_LOST,
  SIYU_N_STAGES
} SiyuStage;

typedef enum {
  SIYU_RFM_NONE,
  SIYU_RFM_CHAMPIONS,
  SIYU_RFM_LOYAL,
  SIYU_RFM_POTENTIAL_LOYALIST,
  SIYU_RFM_RECENT,
  SIYU_RFM_PROMISING,
  SIYU_RFM_NEED_ATTENTION,
  SIYU_RFM_ABOUT_TO_SLEEP,
  SIYU_RFM_AT_RISK,
  SIYU_RFM_CANT_LOSE,
  SIYU_RFM_HIBERNATING,
  SIYU_RFM_LOST,
  SIYU_N_RFM_SEGMENTS
} SiyuRfmSegment;

typedef enum {
  SIYU_PYRAMID_NONE,
  SIYU_PYRAMID_CO_BUILDER,
  SIYU_PYRAMID_COMMUNICATOR,
  SIYU_PYRAMID_SILENT,
  SIYU_N_PYRAMID_LEVELS
} SiyuPyramidLevel;

typedef enum {
  SIYU_AIPL_NONE,
  SIYU_AIPL_AWARENESS,
  SIYU_AIPL_INTEREST,
  SIYU_AIPL_PURCHASE,
  SIYU_AIPL_LOYALTY,
  SIYU_N_AIPL_STAGES
} SiyuAiplStage;

/* Lifecycle model settings (ANALYTICS.md "Lifecycle"). */
typedef struct {
  int dormant_days;
  int lost_days;
  int mature_orders;
  int mature_window_days;
} SiyuLifecycleModel;

/* The model a shop starts with, as migration 0001 writes it. */
#define SIYU_LIFECYCLE_MODEL_DEFAULT ((SiyuLifecycleModel) { 30, 180, 4, 365 })

/* Pyramid participation weights (ANALYTICS.md "Pyramid"). */
typedef struct {
  int referral;
  int share;
  int review;
  int group_message;
  int order;
} SiyuPyramidWeights;

/* Everything Siyu knows of one contact as of a day. */
typedef struct {
  gint64            contact_id;
  gint64            orders;         /* paid orders ever */
  gint64            net_spend;      /* their net */
  SiyuDay           first_order;    /* SIYU_DAY_INVALID: none */
  SiyuDay           last_order;
  SiyuStage         stage;
  int               rfm_r;          /* -1: not scored (no paid order in 365 days) */
  int               rfm_f;
  gint64            rfm_m;
  int               rfm_r_score;    /* 1–5, 0 when not scored */
  int               rfm_f_score;
  int               rfm_m_score;
  SiyuRfmSegment    rfm_segment;
  gint64            spend_365;
  gint64            tier_id;        /* 0: no tier (not a member, or below the first) */
  gint64            tier_gap;       /* -1: top tier or no tier above */
  gint64            points;
  SiyuPyramidLevel  pyramid;
  SiyuAiplStage     aipl;
  gboolean          erased;
} SiyuContactMetrics;

typedef struct _SiyuAnalytics SiyuAnalytics;

SiyuAnalytics *siyu_analytics_compute        (SiyuShop           *shop,
                                              SiyuDay             as_of,
                                              SiyuProgressFunc    progress,
                                              gpointer            progress_data,
                                              GCancellable       *cancellable,
                                              GError            **error);
SiyuAnalytics *siyu_analytics_compute_from   (SiyuShop           *shop,
                                              SiyuSnapshot       *snapshot,
                                              SiyuDay             as_of,
                                              SiyuProgressFunc    progress,
                                              gpointer            progress_data,
                                              GCancellable       *cancellable,
                                              GError            **error);
gboolean       siyu_analytics_store          (SiyuAnalytics      *self,
                                              SiyuShop           *shop,
                                              GError            **error);
void           siyu_analytics_free           (SiyuAnalytics      *self);
SiyuDay        siyu_analytics_get_as_of      (SiyuAnalytics      *self);
JsonNode      *siyu_analytics_get_summary    (SiyuAnalytics      *self);
JsonNode      *siyu_analytics_get_cohorts    (SiyuAnalytics      *self);
guint          siyu_analytics_get_n_contacts (SiyuAnalytics      *self);
const SiyuContactMetrics *siyu_analytics_get_contact (SiyuAnalytics *self,
                                                      guint          index);
const SiyuContactMetrics *siyu_analytics_lookup      (SiyuAnalytics *self,
                                                      gint64         contact_id);
void           siyu_analytics_get_purchases  (SiyuAnalytics      *self,
                                              guint               index,
                                              const SiyuDay     **days,
                                              const gint64      **nets,
                                              guint              *n);
SiyuSnapshot  *siyu_analytics_get_snapshot   (SiyuAnalytics      *self);
const char    *siyu_analytics_tier_name      (SiyuAnalytics      *self,
                                              gint64              tier_id);
const char    *siyu_tier_display_name        (const char         *name,
                                              const char         *name_zh);

gboolean       siyu_lifecycle_model_load     (SiyuShop           *shop,
                                              SiyuLifecycleModel *model,
                                              GError            **error);
void           siyu_pyramid_weights_load     (SiyuShop           *shop,
                                              SiyuPyramidWeights *weights);

const char    *siyu_stage_to_string          (SiyuStage           stage);
const char    *siyu_rfm_segment_to_string    (SiyuRfmSegment      segment);
const char    *siyu_pyramid_level_to_string  (SiyuPyramidLevel    level);
const char    *siyu_aipl_stage_to_string     (SiyuAiplStage       stage);
const char    *siyu_stage_get_label          (SiyuStage           stage);
const char    *siyu_rfm_segment_get_label    (SiyuRfmSegment      segment);
const char    *siyu_pyramid_level_get_label  (SiyuPyramidLevel    level);
const char    *siyu_aipl_stage_get_label     (SiyuAiplStage       stage);
SiyuRfmSegment siyu_rfm_segment_for_scores   (int                 r_score,
                                              int                 f_score);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuAnalytics, siyu_analytics_free)

G_END_DECLS
