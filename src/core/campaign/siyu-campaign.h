/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "siyu-analytics.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

/* Campaign rhythm planning: the GMV gap deduction of ANALYTICS.md, the
 * phases of a campaign (seeding, growing, harvest, nurturing), saved
 * campaigns and their planned against actual figures.  See the top of
 * siyu-campaign.c for every definition and choice. */

#define SIYU_CAMPAIGN_ERROR (siyu_campaign_error_quark ())

typedef enum {
  SIYU_CAMPAIGN_ERROR_INVALID,     /* a bad target, day, window, channel, currency, weight or name */
  SIYU_CAMPAIGN_ERROR_PAST,        /* the sale starts before the shop's today */
  SIYU_CAMPAIGN_ERROR_OVERLAP,     /* saving: another campaign's sale days overlap (the message names it) */
  SIYU_CAMPAIGN_ERROR_NOT_FOUND,
  SIYU_CAMPAIGN_ERROR_EXISTS,      /* saving: a campaign of that name exists */
} SiyuCampaignError;

/* The largest target accepted, in minor units (10^12). */
#define SIYU_CAMPAIGN_TARGET_MAX   G_GINT64_CONSTANT (1000000000000)
/* The longest sale (sale_start to sale_end, both included), in days. */
#define SIYU_CAMPAIGN_MAX_DAYS     92
/* Fewer buyers than this in the reference window: the history is thin. */
#define SIYU_CAMPAIGN_MIN_BUYERS   30
/* The default reference window is widened back by whole weeks until it
 * holds this many buyers (or all the history). */
#define SIYU_CAMPAIGN_REFERENCE_BUYERS 100
/* The longest campaign name, in characters. */
#define SIYU_CAMPAIGN_MAX_NAME     100

typedef enum {
  SIYU_CAMPAIGN_PHASE_SEEDING,     /* 种草: D−30 … D−16 */
  SIYU_CAMPAIGN_PHASE_GROWING,     /* 长草: D−15 … D−1 */
  SIYU_CAMPAIGN_PHASE_HARVEST,     /* 拔草: D … sale end */
  SIYU_CAMPAIGN_PHASE_NURTURING,   /* 养草: sale end + 1 … sale end + 14 */
  SIYU_CAMPAIGN_N_PHASES
} SiyuCampaignPhaseKind;

/* Where the reference window came from. */
typedef enum {
  SIYU_CAMPAIGN_REFERENCE_YEAR_AGO,  /* the sale's calendar days a year earlier, widened back by weeks */
  SIYU_CAMPAIGN_REFERENCE_RECENT,    /* the last w days up to today, widened: a year earlier had no paid order */
  SIYU_CAMPAIGN_REFERENCE_OVERRIDE,  /* given by the owner */
} SiyuCampaignReference;

/* Why the history is too thin to trust the deduction (not an error). */
typedef enum {
  SIYU_CAMPAIGN_THIN_NONE,
  SIYU_CAMPAIGN_THIN_NO_ORDERS,      /* no paid order in the reference window: nothing is deduced */
  SIYU_CAMPAIGN_THIN_FEW_BUYERS,     /* fewer than SIYU_CAMPAIGN_MIN_BUYERS buyers in it */
} SiyuCampaignThin;

/* What the owner gives.  Initialise with siyu_campaign_inputs_init(). */
typedef struct {
  gint64      target;            /* GMV target (net sales), minor units, 1 … SIYU_CAMPAIGN_TARGET_MAX */
  SiyuDay     sale_start;        /* the sale day D; not before the shop's today */
  SiyuDay     sale_end;          /* SIYU_DAY_INVALID: the same as sale_start */
  gint64      channel_id;        /* 0: all channels */
  SiyuDay     reference_start;   /* both SIYU_DAY_INVALID: the default window */
  SiyuDay     reference_end;     /* on or before today */
  const char *currency;          /* NULL: the shop's; any other is refused */
} SiyuCampaignInputs;

/* One lifecycle stage in the deduction (plan->segments[stage]). */
typedef struct {
  SiyuStage stage;
  gint64    reference_size;      /* contacts in the stage at the reference window's start */
  gint64    reference_buyers;    /* of those, how many bought in the window */
  double    conversion;          /* c_s = reference_buyers ÷ reference_size; 0 when the size is 0 */
  gint64    size;                /* contacts in the stage today */
  double    expected;            /* size × c_s */
  double    weight;              /* the split of G; default = expected; editable */
  double    gap_share;           /* G_s = G × weight ÷ Σ weights */
  gint64    reach;               /* ceil (G_s ÷ c_s); 0 when G_s = 0; -1 when cannot_close */
  gboolean  cannot_close;        /* G_s > 0 but c_s = 0: reaching this stage closes nothing */
  gboolean  exceeds_size;        /* reach > size: the stage has too few contacts */
} SiyuCampaignSegment;

/* A saved segment to reach in a phase. */
typedef struct {
  gint64     segment_id;         /* a row of segments (built-in or the owner's) */
  char      *segment_name;       /* for display: translated for built-ins */
  SiyuStage  stage;              /* the stage whose reach prefills planned_reach; SIYU_N_STAGES: none */
  gint64     size;               /* reachable members today (consent, not do-not-contact); -1 unknown */
  gint64     planned_reach;      /* ≥ 0 */
  GArray    *touch_days;         /* (element-type SiyuDay): planned touch days, ascending */
} SiyuCampaignTarget;

typedef struct {
  SiyuCampaignPhaseKind kind;
  SiyuDay    starts_on;
  SiyuDay    ends_on;            /* ≥ starts_on */
  char      *theme;              /* suggested message theme, translated; editable */
  GPtrArray *targets;            /* (element-type SiyuCampaignTarget), frees its elements */
} SiyuCampaignPhase;

/* A plan: the deduction and the phases.  Fields are read freely; edit only
 * those marked editable, then call siyu_campaign_plan_recompute(). */
typedef struct {
  gint64                 id;                  /* 0: not saved */
  char                  *name;                /* NULL until saved */
  gint64                 created_at;          /* UTC, 0 until saved */
  gint64                 target;              /* editable */
  SiyuDay                sale_start;
  SiyuDay                sale_end;
  gint64                 channel_id;          /* 0: all */
  char                  *channel_name;        /* NULL for all */
  char                  *currency;
  SiyuDay                today;               /* the shop's today when planned */

  SiyuDay                reference_start;
  SiyuDay                reference_end;
  SiyuCampaignReference  reference_source;
  char                  *reference_reason;    /* translated: why this window */
  gint64                 reference_orders;    /* paid orders in the window (anonymous ones too) */
  gint64                 reference_net;       /* their net, minor units */
  gint64                 reference_contact_orders; /* those of them with a contact */
  gint64                 reference_buyers;    /* distinct contacts with a paid order in it */
  gint64                 reference_newcomers; /* buyers first seen after the window's start: in no stage */

  double                 aov;                 /* net ÷ paid orders, minor units; editable */
  double                 orders_per_buyer;    /* contact orders ÷ buyers; editable */
  gint64                 buyers_needed;       /* B = ceil (T ÷ (AOV × orders per buyer)); 0 when AOV or o/b is 0 */
  double                 expected;            /* E = Σ size_s × c_s */
  double                 gap;                 /* G = max (0, B − E) */
  double                 unassigned;          /* part of G no stage takes (all weights 0) */

  SiyuCampaignThin       thin;
  char                  *thin_reason;         /* translated, NULL when not thin */

  gint64                 overlap_id;          /* another campaign with overlapping sale days, 0: none */
  char                  *overlap_name;        /* its name; saving this plan is refused */

  SiyuCampaignSegment    segments[SIYU_N_STAGES];  /* indexed by SiyuStage */
  GPtrArray             *phases;              /* (element-type SiyuCampaignPhase), 4, by kind */
} SiyuCampaignPlan;

/* Planned against actual for one target of a saved campaign. */
typedef struct {
  gint64    segment_id;          /* 0: the segment was deleted */
  char     *segment_name;
  gint64    planned_reach;
  gint64    touches;             /* touches of this segment in the phase, up to as_of */
  gint64    reached;             /* distinct contacts who got one (not held out) */
  gint64    held_out;            /* distinct contacts held out of all of them */
  gint64    bought;              /* reached contacts with a paid order in a touch's window */
  gint64    net;                 /* net of those orders, minor units */
  gint64    holdout_bought;      /* held-out contacts with a paid order in the window */
  gboolean  has_holdout;         /* held_out > 0 */
  double    uplift;              /* bought ÷ reached − holdout_bought ÷ held_out; 0 without holdout */
  double    uplift_buyers;       /* uplift × reached: buyers the touches added */
} SiyuCampaignActualTarget;

typedef struct {
  SiyuCampaignPhaseKind kind;
  SiyuDay    starts_on;
  SiyuDay    ends_on;
  char      *theme;
  gint64     planned_reach;      /* Σ over its targets */
  gint64     reached;
  gint64     bought;
  gint64     net;
  GPtrArray *targets;            /* (element-type SiyuCampaignActualTarget) */
} SiyuCampaignActualPhase;

typedef struct {
  gint64     campaign_id;
  char      *name;
  SiyuDay    as_of;
  SiyuDay    sale_start;
  SiyuDay    sale_end;
  gint64     target;
  char      *currency;
  gint64     buyers_needed;      /* as planned */
  gint64     gmv;                /* net of paid orders in the sale days up to as_of (channel if set) */
  gint64     orders;             /* those orders */
  gint64     buyers;             /* their distinct contacts */
  double     progress;           /* gmv ÷ target */
  gboolean   started;            /* as_of ≥ sale_start */
  gboolean   finished;           /* as_of ≥ sale_end */
  GPtrArray *phases;             /* (element-type SiyuCampaignActualPhase), by kind */
} SiyuCampaignActuals;

GQuark              siyu_campaign_error_quark      (void);

void                siyu_campaign_inputs_init      (SiyuCampaignInputs   *inputs);
gboolean            siyu_campaign_check_inputs     (SiyuShop             *shop,
                                                    const SiyuCampaignInputs *inputs,
                                                    GError              **error);
gint64              siyu_campaign_lookup_channel   (SiyuShop             *shop,
                                                    const char           *name,
                                                    GError              **error);

/* Slow (evaluates the lifecycle twice): call from a worker thread. */
SiyuCampaignPlan   *siyu_campaign_plan_new         (SiyuShop             *shop,
                                                    const SiyuCampaignInputs *inputs,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
/* Fast, no database: redoes B, E, G, G_s, reach and the prefilled planned
 * reach of the targets from the editable fields. */
gboolean            siyu_campaign_plan_recompute   (SiyuCampaignPlan     *plan,
                                                    GError              **error);
/* weights: SIYU_N_STAGES values ≥ 0, or NULL for the default (expected). */
gboolean            siyu_campaign_plan_set_weights (SiyuCampaignPlan     *plan,
                                                    const double         *weights,
                                                    GError              **error);
JsonNode           *siyu_campaign_plan_to_json     (SiyuCampaignPlan     *plan);
void                siyu_campaign_plan_free        (SiyuCampaignPlan     *plan);

SiyuCampaignTarget *siyu_campaign_target_new       (gint64                segment_id,
                                                    const char           *segment_name,
                                                    gint64                planned_reach);
void                siyu_campaign_target_free      (SiyuCampaignTarget   *target);

/* One transaction; refuses overlaps and taken names.  Sets plan->id,
 * plan->name and plan->created_at.  Returns the new id, 0 on error. */
gint64              siyu_campaign_save             (SiyuShop             *shop,
                                                    SiyuCampaignPlan     *plan,
                                                    const char           *name,
                                                    GError              **error);
/* [{ id, name, sale_start, sale_end, target, currency, channel_id, channel,
 *    created_at, status ("planned", "running", "finished") }], by sale_start */
JsonNode           *siyu_campaigns_list            (SiyuShop             *shop,
                                                    GError              **error);
/* An id (digits) or a name. */
gint64              siyu_campaign_lookup           (SiyuShop             *shop,
                                                    const char           *id_or_name,
                                                    GError              **error);
/* The saved plan: inputs, deduction figures and phases as saved. */
SiyuCampaignPlan   *siyu_campaign_load             (SiyuShop             *shop,
                                                    gint64                campaign_id,
                                                    GError              **error);
gboolean            siyu_campaign_delete           (SiyuShop             *shop,
                                                    gint64                campaign_id,
                                                    GError              **error);

/* as_of: SIYU_DAY_INVALID for the shop's today. */
SiyuCampaignActuals *siyu_campaign_actuals_new     (SiyuShop             *shop,
                                                    gint64                campaign_id,
                                                    SiyuDay               as_of,
                                                    GError              **error);
JsonNode           *siyu_campaign_actuals_to_json  (SiyuCampaignActuals  *actuals);
void                siyu_campaign_actuals_free     (SiyuCampaignActuals  *actuals);

const char         *siyu_campaign_phase_kind_to_string (SiyuCampaignPhaseKind kind);
const char         *siyu_campaign_phase_kind_get_label (SiyuCampaignPhaseKind kind);
const char         *siyu_campaign_reference_to_string  (SiyuCampaignReference source);
const char         *siyu_campaign_thin_to_string       (SiyuCampaignThin      thin);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuCampaignPlan, siyu_campaign_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuCampaignTarget, siyu_campaign_target_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuCampaignActuals, siyu_campaign_actuals_free)

gint64 siyu_campaign_whole_buyers (double buyers);

G_END_DECLS
