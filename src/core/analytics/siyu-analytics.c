/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-analytics"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "siyu-analytics.h"
#include "siyu-time.h"
#include "siyu-json.h"

/* Every figure of ANALYTICS.md, as a pure function of the store and an
 * as-of day D.  The shop is read in three passes — contacts, paid orders in
 * contact order, and interactions in contact order — into flat arrays; every
 * figure is then computed from those arrays without touching SQLite again.
 * Nothing dated after the end of D is read.
 *
 * Choices ANALYTICS.md leaves open, made here:
 * - FAST's period is the calendar month containing D, up to D; its start is
 *   the last day of the month before, and the previous period is that whole
 *   month.  T counts a paid order or any event (not a touch or group join)
 *   in the period as activity.
 * - Repurchase rate, member share of sales and AOV are given for the same
 *   two periods.  Members are those who joined on or before the end of the
 *   period; sales and orders include anonymous orders.
 * - AIPL's "any event" for Awareness includes group joins and touches.
 * - A tier marked "by application" is never given by spend: members who
 *   reach it stay one tier below.  Gap to next tier is never below zero
 *   (a member held below a full tier has a gap of 0).
 * - Contacts erased for privacy keep their orders in every figure. */

/* A contact of the snapshot, cut to the day figures are counted for. */
typedef SiyuSnapshotPerson Person;
typedef SiyuSnapshotSignal Signal;

typedef struct {
  gint64   id;
  char    *name;
  char    *name_zh;
  gint64   threshold;
  gint64   capacity;       /* 0: none */
  gboolean by_application;
} Tier;

struct _SiyuAnalytics
{
  SiyuDay             as_of;
  SiyuDay             period_start_eve;   /* S0: last day of the month before D's */
  SiyuDay             previous_start_eve; /* S1: last day of the month before that */
  SiyuLifecycleModel  model;
  gint64              model_id;
  SiyuPyramidWeights  weights;

  SiyuSnapshot       *snapshot;
  GArray             *people;       /* Person, by id: those seen by the day */
  const SiyuDay      *order_days;   /* the snapshot's, by person then time */
  const gint64       *order_nets;   /* parallel */
  const Signal       *signals;      /* the snapshot's, by person then time */
  GArray             *tiers;        /* Tier, by position */

  SiyuContactMetrics *metrics;      /* one per person */
  JsonNode           *summary;
  JsonNode           *cohorts;
  GArray             *cohort_cells; /* CohortCell */
};

typedef struct {
  int    cohort;      /* month index: year × 12 + month − 1 */
  int    offset;
  gint64 size;
  gint64 buyers;
} CohortCell;

static const char * const stage_names[] = {
  "prospect", "new", "growing", "mature", "dormant", "lost",
};

static const char * const rfm_names[] = {
  NULL, "champions", "loyal", "potential_loyalist", "recent", "promising", "need_attention",
  "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost",
};

static const char * const pyramid_names[] = {
  NULL, "co_builder", "communicator", "silent",
};

static const char * const aipl_names[] = {
  NULL, "awareness", "interest", "purchase", "loyalty",
};

/* The names a person reads, with the zh_CN of ANALYTICS.md in the
 * translation. */
static const char * const stage_labels[] = {
  NC_("lifecycle stage", "Prospect"),
  NC_("lifecycle stage", "New"),
  NC_("lifecycle stage", "Growing"),
  NC_("lifecycle stage", "Mature"),
  NC_("lifecycle stage", "Dormant"),
  NC_("lifecycle stage", "Lost"),
};

static const char * const rfm_labels[] = {
  NULL,
  NC_("RFM segment", "Champions"),
  NC_("RFM segment", "Loyal"),
  NC_("RFM segment", "Potential loyalist"),
  NC_("RFM segment", "Recent"),
  NC_("RFM segment", "Promising"),
  NC_("RFM segment", "Need attention"),
  NC_("RFM segment", "About to sleep"),
  NC_("RFM segment", "At risk"),
  NC_("RFM segment", "Can’t lose them"),
  NC_("RFM segment", "Hibernating"),
  NC_("RFM segment", "Lost"),
};

static const char * const pyramid_labels[] = {
  NULL,
  NC_("pyramid level", "Co-builder"),
  NC_("pyramid level", "Communicator"),
  NC_("pyramid level", "Silent"),
};

static const char * const aipl_labels[] = {
  NULL,
  NC_("AIPL stage", "Awareness"),
  NC_("AIPL stage", "Interest"),
  NC_("AIPL stage", "Purchase"),
  NC_("AIPL stage", "Loyalty"),
};

const char *
siyu_stage_get_label (SiyuStage stage)
{
  g_return_val_if_fail (stage < SIYU_N_STAGES, NULL);

  return g_dpgettext2 (GETTEXT_PACKAGE, "lifecycle stage", stage_labels[stage]);
}

const char *
siyu_rfm_segment_get_label (SiyuRfmSegment segment)
{
  g_return_val_if_fail (segment < SIYU_N_RFM_SEGMENTS, NULL);

  return segment == SIYU_RFM_NONE ? NULL : g_dpgettext2 (GETTEXT_PACKAGE, "RFM segment", rfm_labels[segment]);
}

const char *
siyu_pyramid_level_get_label (SiyuPyramidLevel level)
{
  g_return_val_if_fail (level < SIYU_N_PYRAMID_LEVELS, NULL);

  return level == SIYU_PYRAMID_NONE ? NULL : g_dpgettext2 (GETTEXT_PACKAGE, "pyramid level", pyramid_labels[level]);
}

const char *
siyu_aipl_stage_get_label (SiyuAiplStage stage)
{
  g_return_val_if_fail (stage < SIYU_N_AIPL_STAGES, NULL);

  return stage == SIYU_AIPL_NONE ? NULL : g_dpgettext2 (GETTEXT_PACKAGE, "AIPL stage", aipl_labels[stage]);
}

const char *
siyu_stage_to_string (SiyuStage stage)
{
  g_return_val_if_fail (stage < SIYU_N_STAGES, NULL);

  return stage_names[stage];
}

const char *
siyu_rfm_segment_to_string (SiyuRfmSegment segment)
{
  g_return_val_if_fail (segment < SIYU_N_RFM_SEGMENTS, NULL);

  return rfm_names[segment];
}

const char *
siyu_pyramid_level_to_string (SiyuPyramidLevel level)
{
  g_return_val_if_fail (level < SIYU_N_PYRAMID_LEVELS, NULL);

  return pyramid_names[level];
}

const char *
siyu_aipl_stage_to_string (SiyuAiplStage stage)
{
  g_return_val_if_fail (stage < SIYU_N_AIPL_STAGES, NULL);

  return aipl_names[stage];
}

/* ANALYTICS.md's table of named segments; every (R, F) pair has one. */
SiyuRfmSegment
siyu_rfm_segment_for_scores (int r,
                             int f)
{
  g_return_val_if_fail (r >= 1 && r <= 5 && f >= 1 && f <= 5, SIYU_RFM_NONE);

  switch (r)
    {
    case 5:
      return f >= 4 ? SIYU_RFM_CHAMPIONS : f >= 2 ? SIYU_RFM_POTENTIAL_LOYALIST : SIYU_RFM_RECENT;
    case 4:
      return f >= 4 ? SIYU_RFM_LOYAL : f >= 2 ? SIYU_RFM_POTENTIAL_LOYALIST : SIYU_RFM_PROMISING;
    case 3:
      return f >= 4 ? SIYU_RFM_LOYAL : f == 3 ? SIYU_RFM_NEED_ATTENTION : SIYU_RFM_ABOUT_TO_SLEEP;
    case 2:
      return f == 5 ? SIYU_RFM_CANT_LOSE : f >= 3 ? SIYU_RFM_AT_RISK : SIYU_RFM_HIBERNATING;
    default:
      return f == 5 ? SIYU_RFM_CANT_LOSE : f >= 3 ? SIYU_RFM_AT_RISK : SIYU_RFM_LOST;
    }
}

static SiyuDay
month_start (SiyuDay day)
{
  int y, m;

  siyu_day_to_ymd (day, &y, &m, NULL);

  return siyu_day_from_ymd (y, m, 1);
}

static int
month_index (SiyuDay day)
{
  int y, m;

  siyu_day_to_ymd (day, &y, &m, NULL);

  return y * 12 + m - 1;
}

static char *
month_text (int index)
{
  return g_strdup_printf ("%04d-%02d", index / 12, index % 12 + 1);
}

/* ceil (share_percent × n / 100) in integers. */
static gint64
ceil_share (gint64 n,
            int    percent)
{
  return (n * percent + 99) / 100;
}

static gboolean
check_cancelled (GCancellable  *cancellable,
                 GError       **error)
{
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
siyu_lifecycle_model_load (SiyuShop           *shop,
                           SiyuLifecycleModel *model,
                           GError            **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db,
                          "SELECT dormant_days, lost_days, mature_orders, mature_window_days "
                          "FROM lifecycle_models WHERE active = 1",
                          error);
  if (stmt == NULL)
    return FALSE;

  rc = siyu_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;

  if (rc == SQLITE_ROW)
    {
      model->dormant_days = sqlite3_column_int (stmt, 0);
      model->lost_days = sqlite3_column_int (stmt, 1);
      model->mature_orders = sqlite3_column_int (stmt, 2);
      model->mature_window_days = sqlite3_column_int (stmt, 3);
    }
  else
    *model = SIYU_LIFECYCLE_MODEL_DEFAULT;
  sqlite3_reset (stmt);

  return TRUE;
}

static int
weight_setting (SiyuShop   *shop,
                const char *key,
                int         fallback)
{
  g_autofree char *text = siyu_shop_dup_setting (shop, key);
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, 1000, &value, NULL))
    return fallback;

  return (int) value;
}

void
siyu_pyramid_weights_load (SiyuShop           *shop,
                           SiyuPyramidWeights *weights)
{
  weights->referral = weight_setting (shop, "pyramid_weight_referral", 5);
  weights->share = weight_setting (shop, "pyramid_weight_share", 3);
  weights->review = weight_setting (shop, "pyramid_weight_review", 2);
  weights->group_message = weight_setting (shop, "pyramid_weight_group_message", 1);
  weights->order = weight_setting (shop, "pyramid_weight_order", 1);
}

static void
tier_clear (gpointer data)
{
  Tier *tier = data;

  g_free (tier->name);
  g_free (tier->name_zh);
}

void
siyu_analytics_free (SiyuAnalytics *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->people, g_array_unref);
  g_clear_pointer (&self->snapshot, siyu_snapshot_unref);
  g_clear_pointer (&self->tiers, g_array_unref);
  g_clear_pointer (&self->cohort_cells, g_array_unref);
  g_clear_pointer (&self->metrics, g_free);
  g_clear_pointer (&self->summary, json_node_unref);
  g_clear_pointer (&self->cohorts, json_node_unref);
  g_free (self);
}

/* Everyone first seen by the end of the day figures are counted for, with
 * the paid orders dated up to it and the interactions of the year up to it. */
static void
select_people (SiyuAnalytics *self)
{
  SiyuSnapshot *snapshot = self->snapshot;
  SiyuDay year_start = self->as_of - 364;

  for (guint i = 0; i < snapshot->n_people; i++)
    {
      Person person = snapshot->people[i];
      const Signal *signals = snapshot->signals + person.signal_start;
      guint first = 0, last = person.n_signals;

      if (person.seen > self->as_of)
        continue;
      if (person.member != SIYU_DAY_INVALID && person.member > self->as_of)
        {
          person.member = SIYU_DAY_INVALID;
          person.member_since = 0;
        }
      person.n_orders = siyu_snapshot_orders_until (snapshot, &person, self->as_of);

      while (first < last && signals[first].day < year_start)
        first++;
      while (last > first && signals[last - 1].day > self->as_of)
        last--;
      person.signal_start += first;
      person.n_signals = last - first;

      g_array_append_val (self->people, person);
    }
}

/* Finds the person with @id at or after *cursor; both lists are in id order. */
static Person *
advance_to (SiyuAnalytics *self,
            guint         *cursor,
            gint64         id)
{
  while (*cursor < self->people->len && g_array_index (self->people, Person, *cursor).id < id)
    (*cursor)++;

  if (*cursor < self->people->len && g_array_index (self->people, Person, *cursor).id == id)
    return &g_array_index (self->people, Person, *cursor);

  return NULL;
}

static gboolean
load_tiers (SiyuAnalytics  *self,
            SiyuShop       *shop,
            GError        **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db,
                          "SELECT id, name, name_zh, threshold, capacity, by_application "
                          "FROM tiers ORDER BY position",
                          error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      Tier tier = {
        .id = sqlite3_column_int64 (stmt, 0),
        .name = g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        .name_zh = g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
        .threshold = sqlite3_column_int64 (stmt, 3),
        .capacity = sqlite3_column_int64 (stmt, 4),
        .by_application = sqlite3_column_int (stmt, 5) != 0,
      };
      g_array_append_val (self->tiers, tier);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

static gboolean
load_model_id (SiyuAnalytics  *self,
               SiyuShop       *shop,
               GError        **error)
{
  self->model_id = siyu_db_query_int (siyu_shop_get_db (shop),
                                      "SELECT coalesce ((SELECT id FROM lifecycle_models WHERE active = 1), 0)",
                                      error);
  return self->model_id >= 0;
}

static inline SiyuDay
order_day (SiyuAnalytics *self,
           const Person  *person,
           guint          i)
{
  return self->order_days[person->order_start + i];
}

/* Paid orders dated on or before @day: orders are in time order. */
static guint
orders_until (SiyuAnalytics *self,
              const Person  *person,
              SiyuDay        day)
{
  return siyu_days_until (self->order_days + person->order_start, person->n_orders, day);
}

/* Paid orders dated in from … to. */
static guint
orders_between (SiyuAnalytics *self,
                const Person  *person,
                SiyuDay        from,
                SiyuDay        to)
{
  return orders_until (self, person, to) - orders_until (self, person, from - 1);
}

static gboolean
has_signal (SiyuAnalytics *self,
            const Person  *person,
            guint          kinds,
            SiyuDay        from,
            SiyuDay        to)
{
  for (guint i = 0; i < person->n_signals; i++)
    {
      const Signal *s = &self->signals[person->signal_start + i];

      if ((kinds & (1u << s->kind)) != 0 && s->day >= from && s->day <= to)
        return TRUE;
    }

  return FALSE;
}

#define KINDS(k) (1u << (k))
#define ENGAGEMENT_KINDS (KINDS (SIYU_SIGNAL_SHARE) | KINDS (SIYU_SIGNAL_REFERRAL) | KINDS (SIYU_SIGNAL_REVIEW))
#define INTEREST_KINDS (KINDS (SIYU_SIGNAL_VIEW) | KINDS (SIYU_SIGNAL_CART) | KINDS (SIYU_SIGNAL_FAVOURITE) | \
                        KINDS (SIYU_SIGNAL_INQUIRY) | KINDS (SIYU_SIGNAL_JOIN))
#define EVENT_KINDS ((KINDS (SIYU_SIGNAL_GROUP_MESSAGE) << 1) - 1)
#define ANY_KINDS ((1u << SIYU_N_SIGNALS) - 1)

static SiyuStage
stage_at (SiyuAnalytics *self,
          const Person  *person,
          SiyuDay        day)
{
  const SiyuLifecycleModel *model = &self->model;
  guint n = orders_until (self, person, day);
  SiyuDay last;

  if (n == 0)
    return SIYU_STAGE_PROSPECT;

  last = order_day (self, person, n - 1);
  if (day - last > model->lost_days)
    return SIYU_STAGE_LOST;
  if (day - last > model->dormant_days)
    return SIYU_STAGE_DORMANT;
  if (n == 1)
    return SIYU_STAGE_NEW;
  if ((int) orders_between (self, person, day - model->mature_window_days, day) >= model->mature_orders)
    return SIYU_STAGE_MATURE;

  return SIYU_STAGE_GROWING;
}

static SiyuAiplStage
aipl_at (SiyuAnalytics *self,
         const Person  *person,
         SiyuDay        day)
{
  guint recent;

  if (person->seen > day)
    return SIYU_AIPL_NONE;

  recent = orders_between (self, person, day - 364, day);
  if (recent >= 2 || (recent >= 1 && has_signal (self, person, ENGAGEMENT_KINDS, day - 89, day)))
    return SIYU_AIPL_LOYALTY;
  if (recent >= 1)
    return SIYU_AIPL_PURCHASE;
  if (has_signal (self, person, INTEREST_KINDS, day - 89, day))
    return SIYU_AIPL_INTEREST;
  if (person->seen >= day - 179 || has_signal (self, person, ANY_KINDS, day - 179, day))
    return SIYU_AIPL_AWARENESS;

  return SIYU_AIPL_NONE;
}

/* Rank with ties sharing the lowest rank: 1 + how many are smaller. */
static gint64
min_rank (const gint64 *sorted,
          gint64        n,
          gint64        value)
{
  gint64 lo = 0, hi = n;

  while (lo < hi)
    {
      gint64 mid = (lo + hi) / 2;

      if (sorted[mid] < value)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo + 1;
}

static int
score (const gint64 *sorted,
       gint64        n,
       gint64        value)
{
  return 1 + (int) ((5 * (min_rank (sorted, n, value) - 1)) / n);
}

static void
compute_rfm (SiyuAnalytics *self,
             guint         *scored_out)
{
  guint n_people = self->people->len;
  g_autofree gint64 *r = g_new (gint64, MAX (n_people, 1));
  g_autofree gint64 *f = g_new (gint64, MAX (n_people, 1));
  g_autofree gint64 *m = g_new (gint64, MAX (n_people, 1));
  guint n = 0;

  for (guint i = 0; i < n_people; i++)
    {
      SiyuContactMetrics *metrics = &self->metrics[i];

      if (metrics->rfm_r < 0)
        continue;
      r[n] = -(gint64) metrics->rfm_r;
      f[n] = metrics->rfm_f;
      m[n] = metrics->rfm_m;
      n++;
    }

  qsort (r, n, sizeof (gint64), siyu_compare_int64);
  qsort (f, n, sizeof (gint64), siyu_compare_int64);
  qsort (m, n, sizeof (gint64), siyu_compare_int64);

  for (guint i = 0; i < n_people; i++)
    {
      SiyuContactMetrics *metrics = &self->metrics[i];

      if (metrics->rfm_r < 0)
        continue;
      metrics->rfm_r_score = score (r, n, -(gint64) metrics->rfm_r);
      metrics->rfm_f_score = score (f, n, metrics->rfm_f);
      metrics->rfm_m_score = score (m, n, metrics->rfm_m);
      metrics->rfm_segment = siyu_rfm_segment_for_scores (metrics->rfm_r_score, metrics->rfm_f_score);
    }

  *scored_out = n;
}

typedef struct {
  SiyuAnalytics *self;
  int            tier;
} TierSort;

/* Highest spend first; ties go to the earlier member, then the lower id. */
static int
compare_for_tier (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  SiyuAnalytics *self = user_data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  const SiyuContactMetrics *x = &self->metrics[i], *y = &self->metrics[j];
  const Person *px = &g_array_index (self->people, Person, i);
  const Person *py = &g_array_index (self->people, Person, j);

  if (x->spend_365 != y->spend_365)
    return x->spend_365 > y->spend_365 ? -1 : 1;
  if (px->member_since != py->member_since)
    return px->member_since < py->member_since ? -1 : 1;
  return (x->contact_id > y->contact_id) - (x->contact_id < y->contact_id);
}

static void
compute_tiers (SiyuAnalytics *self,
               gint64        *tier_counts)
{
  guint n_tiers = self->tiers->len;
  guint n_people = self->people->len;
  g_autofree int *level = g_new (int, n_people);
  g_autoptr(GArray) holders = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n_people; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);

      level[i] = -1;
      if (person->member == SIYU_DAY_INVALID)
        continue;
      for (guint t = 0; t < n_tiers; t++)
        {
          const Tier *tier = &g_array_index (self->tiers, Tier, t);

          if (self->metrics[i].spend_365 >= tier->threshold && !tier->by_application)
            level[i] = t;
          else if (self->metrics[i].spend_365 < tier->threshold)
            break;
        }
    }

  /* From the top down, a full tier keeps its highest spenders and sends the
   * rest one tier below, where they compete again. */
  for (int t = (int) n_tiers - 1; t >= 1; t--)
    {
      const Tier *tier = &g_array_index (self->tiers, Tier, t);

      if (tier->capacity <= 0)
        continue;

      g_array_set_size (holders, 0);
      for (guint i = 0; i < n_people; i++)
        if (level[i] == t)
          g_array_append_val (holders, i);

      if ((gint64) holders->len <= tier->capacity)
        continue;

      g_array_sort_with_data (holders, compare_for_tier, self);
      for (guint k = tier->capacity; k < holders->len; k++)
        level[g_array_index (holders, guint, k)] = t - 1;
    }

  for (guint i = 0; i < n_people; i++)
    {
      SiyuContactMetrics *metrics = &self->metrics[i];
      const Person *person = &g_array_index (self->people, Person, i);
      int next = level[i] + 1;

      metrics->tier_id = level[i] >= 0 ? g_array_index (self->tiers, Tier, level[i]).id : 0;
      metrics->tier_gap = -1;
      if (level[i] >= 0)
        tier_counts[level[i]]++;
      if (person->member != SIYU_DAY_INVALID && next < (int) n_tiers)
        metrics->tier_gap = MAX (0, g_array_index (self->tiers, Tier, next).threshold - metrics->spend_365);
    }
}

/* Most points first, then most spend, then lowest id. */
static int
compare_for_pyramid (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  SiyuAnalytics *self = user_data;
  const SiyuContactMetrics *x = &self->metrics[*(const guint *) a];
  const SiyuContactMetrics *y = &self->metrics[*(const guint *) b];

  if (x->points != y->points)
    return x->points > y->points ? -1 : 1;
  if (x->spend_365 != y->spend_365)
    return x->spend_365 > y->spend_365 ? -1 : 1;
  return (x->contact_id > y->contact_id) - (x->contact_id < y->contact_id);
}

static int
compare_for_pareto (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  SiyuAnalytics *self = user_data;
  const SiyuContactMetrics *x = &self->metrics[*(const guint *) a];
  const SiyuContactMetrics *y = &self->metrics[*(const guint *) b];

  if (x->spend_365 != y->spend_365)
    return x->spend_365 > y->spend_365 ? -1 : 1;
  return (x->contact_id > y->contact_id) - (x->contact_id < y->contact_id);
}

/* Puts the @k first of @items in the order of @compare, a total order,
 * before the others, each part in no particular order: what a sort would
 * give the first k places, without sorting 150,000 buyers twice.  A
 * selection that goes badly (a pivot picked again and again at the edge)
 * sorts what is left instead, so it is never quadratic. */
static void
select_first (guint            *items,
              gsize             n,
              gsize             k,
              GCompareDataFunc  compare,
              gpointer          data)
{
  gsize lo = 0, hi = n;
  guint budget = 2 * g_bit_storage (n) + 2;

  while (k > lo && k < hi && hi - lo > 1)
    {
      gsize mid = lo + (hi - lo) / 2, store = lo;
      guint pivot, tmp;

      if (budget-- == 0)
        {
          g_qsort_with_data (items + lo, (gint) (hi - lo), sizeof (guint), compare, data);
          return;
        }

      /* The median of the first, middle and last as the pivot, moved to
       * the end. */
      if (compare (&items[mid], &items[lo], data) < 0)
        tmp = items[mid], items[mid] = items[lo], items[lo] = tmp;
      if (compare (&items[hi - 1], &items[lo], data) < 0)
        tmp = items[hi - 1], items[hi - 1] = items[lo], items[lo] = tmp;
      if (compare (&items[mid], &items[hi - 1], data) < 0)
        tmp = items[mid], items[mid] = items[hi - 1], items[hi - 1] = tmp;
      pivot = items[hi - 1];

      for (gsize i = lo; i < hi - 1; i++)
        if (compare (&items[i], &pivot, data) < 0)
          {
            tmp = items[i], items[i] = items[store], items[store] = tmp;
            store++;
          }
      items[hi - 1] = items[store];
      items[store] = pivot;

      /* items[store] is in its place: look on the side k falls on. */
      if (k <= store)
        hi = store;
      else
        lo = store + 1;
    }
}

static double
compute_pyramid (SiyuAnalytics *self,
                 gint64        *level_counts)
{
  g_autoptr(GArray) buyers = g_array_new (FALSE, FALSE, sizeof (guint));
  gint64 n, co_builders, with_communicators;
  gint64 total = 0, top = 0;

  for (guint i = 0; i < self->people->len; i++)
    if (self->metrics[i].rfm_r >= 0)
      g_array_append_val (buyers, i);

  n = buyers->len;
  co_builders = ceil_share (n, 1);
  with_communicators = ceil_share (n, 10);

  select_first ((guint *) buyers->data, n, with_communicators, compare_for_pyramid, self);
  select_first ((guint *) buyers->data, with_communicators, co_builders, compare_for_pyramid, self);
  for (gint64 k = 0; k < n; k++)
    {
      SiyuContactMetrics *metrics = &self->metrics[g_array_index (buyers, guint, k)];

      metrics->pyramid = k < co_builders ? SIYU_PYRAMID_CO_BUILDER :
                         k < with_communicators ? SIYU_PYRAMID_COMMUNICATOR : SIYU_PYRAMID_SILENT;
      level_counts[metrics->pyramid]++;
      total += metrics->spend_365;
    }

  if (total == 0)
    return NAN;

  select_first ((guint *) buyers->data, n, ceil_share (n, 20), compare_for_pareto, self);
  for (gint64 k = 0; k < ceil_share (n, 20); k++)
    top += self->metrics[g_array_index (buyers, guint, k)].spend_365;

  return (double) top / (double) total;
}

static void
compute_contact (SiyuAnalytics *self,
                 guint          index)
{
  const Person *person = &g_array_index (self->people, Person, index);
  SiyuContactMetrics *metrics = &self->metrics[index];
  SiyuDay as_of = self->as_of;
  guint window_start;

  metrics->contact_id = person->id;
  metrics->erased = person->erased;
  metrics->orders = person->n_orders;
  metrics->first_order = SIYU_DAY_INVALID;
  metrics->last_order = SIYU_DAY_INVALID;
  metrics->rfm_r = -1;
  metrics->tier_gap = -1;

  for (guint i = 0; i < person->n_orders; i++)
    metrics->net_spend += self->order_nets[person->order_start + i];

  if (person->n_orders > 0)
    {
      metrics->first_order = order_day (self, person, 0);
      metrics->last_order = order_day (self, person, person->n_orders - 1);
    }

  metrics->stage = stage_at (self, person, as_of);
  metrics->aipl = aipl_at (self, person, as_of);

  window_start = orders_until (self, person, as_of - 365);
  if (window_start < person->n_orders)
    {
      metrics->rfm_r = as_of - metrics->last_order;
      metrics->rfm_f = person->n_orders - window_start;
      for (guint i = window_start; i < person->n_orders; i++)
        metrics->rfm_m += self->order_nets[person->order_start + i];
      metrics->spend_365 = metrics->rfm_m;

      metrics->points = (gint64) self->weights.order * metrics->rfm_f;
      for (guint i = 0; i < person->n_signals; i++)
        {
          /* Of the year up to as_of only: select_people() cut them. */
          const Signal *s = &self->signals[person->signal_start + i];

          switch ((SiyuSignalKind) s->kind)
            {
            case SIYU_SIGNAL_REFERRAL:
              metrics->points += self->weights.referral;
              break;
            case SIYU_SIGNAL_SHARE:
              metrics->points += self->weights.share;
              break;
            case SIYU_SIGNAL_REVIEW:
              metrics->points += self->weights.review;
              break;
            case SIYU_SIGNAL_GROUP_MESSAGE:
              metrics->points += self->weights.group_message;
              break;
            case SIYU_SIGNAL_VISIT:
            case SIYU_SIGNAL_VIEW:
            case SIYU_SIGNAL_CART:
            case SIYU_SIGNAL_FAVOURITE:
            case SIYU_SIGNAL_INQUIRY:
            case SIYU_SIGNAL_JOIN:
            case SIYU_SIGNAL_TOUCH:
            case SIYU_N_SIGNALS:
            default:
              break;
            }
        }
    }
}

static void
add_count_object (JsonBuilder        *builder,
                  const char         *member,
                  const char * const *names,
                  guint               first,
                  guint               n,
                  const gint64       *counts)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  for (guint i = first; i < n; i++)
    {
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_int_value (builder, counts[i]);
    }
  json_builder_end_object (builder);
}

static void
add_ratio (JsonBuilder *builder,
           const char  *member,
           double       value)
{
  json_builder_set_member_name (builder, member);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static double
ratio (gint64 part,
       gint64 whole)
{
  return whole > 0 ? (double) part / (double) whole : NAN;
}

typedef struct {
  SiyuDay first;
  SiyuDay last;
  gint64  buyers;
  gint64  repeat_buyers;
  gint64  member_net;
  gint64  net;
  gint64  orders;
} Period;

/* The paid orders of the period in the shop's currency, whoever bought
 * them: anyone's, even someone first seen after as_of or erased since, and
 * no one's.  The snapshot holds them all, as the orders table does. */
static void
sum_period_sales (SiyuAnalytics *self,
                  Period        *period)
{
  SiyuSnapshot *snapshot = self->snapshot;
  guint from, to;

  for (guint i = 0; i < snapshot->n_people; i++)
    {
      const SiyuSnapshotPerson *person = &snapshot->people[i];
      const SiyuDay *days = snapshot->order_days + person->order_start;

      from = siyu_days_until (days, person->n_orders, period->first - 1);
      to = siyu_days_until (days, person->n_orders, period->last);
      period->orders += to - from;
      for (guint k = from; k < to; k++)
        period->net += snapshot->order_nets[person->order_start + k];
    }

  from = siyu_days_until (snapshot->anonymous_days, snapshot->n_anonymous, period->first - 1);
  to = siyu_days_until (snapshot->anonymous_days, snapshot->n_anonymous, period->last);
  period->orders += to - from;
  for (guint k = from; k < to; k++)
    period->net += snapshot->anonymous_nets[k];
}

static void
measure_period (SiyuAnalytics *self,
                Period        *period)
{
  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);
      guint before = orders_until (self, person, period->first - 1);
      guint upto = orders_until (self, person, period->last);
      gboolean member = person->member != SIYU_DAY_INVALID && person->member <= period->last;

      if (upto == before)
        continue;

      period->buyers++;
      if (before > 0)
        period->repeat_buyers++;
      if (member)
        for (guint k = before; k < upto; k++)
          period->member_net += self->order_nets[person->order_start + k];
    }
}

static void
add_period (JsonBuilder  *builder,
            const char   *member,
            const Period *period)
{
  g_autofree char *first = siyu_day_format (period->first);
  g_autofree char *last = siyu_day_format (period->last);

  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "first_day");
  json_builder_add_string_value (builder, first);
  json_builder_set_member_name (builder, "last_day");
  json_builder_add_string_value (builder, last);
  json_builder_set_member_name (builder, "buyers");
  json_builder_add_int_value (builder, period->buyers);
  json_builder_set_member_name (builder, "paid_orders");
  json_builder_add_int_value (builder, period->orders);
  json_builder_set_member_name (builder, "net_sales");
  json_builder_add_int_value (builder, period->net);
  add_ratio (builder, "repurchase_rate", ratio (period->repeat_buyers, period->buyers));
  add_ratio (builder, "member_share", ratio (period->member_net, period->net));
  add_ratio (builder, "aov", period->orders > 0 ? (double) period->net / (double) period->orders : NAN);
  json_builder_end_object (builder);
}

typedef struct {
  gint64 fertility;
  gint64 advancing_base;
  gint64 advanced;
  gint64 superiority;
  gint64 active_loyal;
  gint64 counts[SIYU_N_AIPL_STAGES];
} Fast;

static gboolean
active_in (SiyuAnalytics *self,
           const Person  *person,
           SiyuDay        from,
           SiyuDay        to)
{
  return orders_between (self, person, from, to) > 0 ||
         has_signal (self, person, EVENT_KINDS, from, to);
}

static void
compute_fast (SiyuAnalytics *self,
              SiyuDay        start_eve,
              SiyuDay        end,
              Fast          *fast)
{
  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);
      SiyuAiplStage before = aipl_at (self, person, start_eve);
      SiyuAiplStage after = end == self->as_of ? self->metrics[i].aipl : aipl_at (self, person, end);

      fast->counts[after]++;
      if (after != SIYU_AIPL_NONE)
        fast->fertility++;
      if (before >= SIYU_AIPL_AWARENESS && before <= SIYU_AIPL_PURCHASE)
        {
          fast->advancing_base++;
          if (after > before)
            fast->advanced++;
        }
      if (after == SIYU_AIPL_LOYALTY)
        {
          fast->superiority++;
          if (active_in (self, person, start_eve + 1, end))
            fast->active_loyal++;
        }
    }
}

static void
add_fast (JsonBuilder *builder,
          const char  *member,
          const Fast  *fast)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  add_count_object (builder, "aipl", aipl_names, 1, SIYU_N_AIPL_STAGES, fast->counts);
  json_builder_set_member_name (builder, "fertility");
  json_builder_add_int_value (builder, fast->fertility);
  add_ratio (builder, "advancing", ratio (fast->advanced, fast->advancing_base));
  json_builder_set_member_name (builder, "superiority");
  json_builder_add_int_value (builder, fast->superiority);
  add_ratio (builder, "thriving", ratio (fast->active_loyal, fast->superiority));
  json_builder_end_object (builder);
}

/* The smallest whole number of days within which at least @percent % of
 * the @n gaps fall, from how many gaps there are of each length. */
static int
gap_percentile (const guint *counts,
                guint        n,
                int          percent)
{
  gint64 k = MAX (ceil_share (n, percent), 1);
  gint64 seen = 0;
  int days = 0;

  while ((seen += counts[days]) < k)
    days++;

  return days;
}

/* Counted rather than sorted: 1.7 million gaps on the large demo, each a
 * number of days between zero and the shop's age. */
static void
add_suggestion (SiyuAnalytics *self,
                JsonBuilder   *builder)
{
  g_autofree guint *counts = NULL;
  int longest = -1;
  guint n = 0;

  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);

      for (guint k = 1; k < person->n_orders; k++)
        longest = MAX (longest, order_day (self, person, k) - order_day (self, person, k - 1));
    }
  counts = g_new0 (guint, longest + 1);
  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);

      for (guint k = 1; k < person->n_orders; k++)
        {
          counts[order_day (self, person, k) - order_day (self, person, k - 1)]++;
          n++;
        }
    }

  json_builder_set_member_name (builder, "suggested_thresholds");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "gaps");
  json_builder_add_int_value (builder, n);
  json_builder_set_member_name (builder, "dormant_days");
  if (n > 0)
    {
      json_builder_add_int_value (builder, gap_percentile (counts, n, 80));
      json_builder_set_member_name (builder, "lost_days");
      json_builder_add_int_value (builder, gap_percentile (counts, n, 95));
    }
  else
    {
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "lost_days");
      json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
}

static void
compute_cohorts (SiyuAnalytics *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int last = month_index (self->as_of);
  int first = last + 1;
  g_autofree gint64 *sizes = NULL;
  g_autofree gint64 *cells = NULL;
  int span;

  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);

      if (person->n_orders > 0)
        first = MIN (first, month_index (order_day (self, person, 0)));
    }

  span = last - first + 1;
  json_builder_begin_array (builder);
  if (span <= 0)
    {
      json_builder_end_array (builder);
      self->cohorts = json_builder_get_root (builder);
      return;
    }

  sizes = g_new0 (gint64, span);
  cells = g_new0 (gint64, (gsize) span * span);

  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);
      int cohort, previous = -1;

      if (person->n_orders == 0)
        continue;

      cohort = month_index (order_day (self, person, 0)) - first;
      sizes[cohort]++;
      for (guint k = 0; k < person->n_orders; k++)
        {
          int month = month_index (order_day (self, person, k)) - first;

          if (month == previous)
            continue;
          previous = month;
          cells[(gsize) cohort * span + (month - cohort)]++;
        }
    }

  for (int c = 0; c < span; c++)
    {
      g_autofree char *label = NULL;

      if (sizes[c] == 0)
        continue;

      label = month_text (first + c);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "cohort");
      json_builder_add_string_value (builder, label);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, sizes[c]);
      json_builder_set_member_name (builder, "retention");
      json_builder_begin_array (builder);
      for (int k = 0; c + k < span; k++)
        {
          CohortCell cell = { first + c, k, sizes[c], cells[(gsize) c * span + k] };

          json_builder_add_double_value (builder, (double) cell.buyers / (double) cell.size);
          g_array_append_val (self->cohort_cells, cell);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  self->cohorts = json_builder_get_root (builder);
}

static gboolean
build_summary (SiyuAnalytics  *self,
               SiyuShop       *shop,
               GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *as_of = siyu_day_format (self->as_of);
  g_autofree char *before = siyu_day_format (self->period_start_eve);
  g_autofree gint64 *tier_counts = g_new0 (gint64, MAX (self->tiers->len, 1));
  gint64 stages[SIYU_N_STAGES] = { 0 };
  gint64 stages_before[SIYU_N_STAGES] = { 0 };
  gint64 rfm[SIYU_N_RFM_SEGMENTS] = { 0 };
  gint64 grid[5][5] = { { 0 } };
  gint64 pyramid[SIYU_N_PYRAMID_LEVELS] = { 0 };
  Fast fast = { 0 }, fast_before = { 0 };
  Period period = { 0 }, previous = { 0 };
  gint64 contacts = 0, members = 0;
  double pareto;
  guint scored;

  compute_rfm (self, &scored);
  compute_tiers (self, tier_counts);
  pareto = compute_pyramid (self, pyramid);

  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);
      const SiyuContactMetrics *metrics = &self->metrics[i];

      contacts++;
      stages[metrics->stage]++;
      if (person->member != SIYU_DAY_INVALID)
        members++;
      if (person->seen <= self->period_start_eve)
        stages_before[stage_at (self, person, self->period_start_eve)]++;
      if (metrics->rfm_segment != SIYU_RFM_NONE)
        {
          rfm[metrics->rfm_segment]++;
          grid[metrics->rfm_r_score - 1][metrics->rfm_f_score - 1]++;
        }
    }

  compute_fast (self, self->period_start_eve, self->as_of, &fast);
  compute_fast (self, self->previous_start_eve, self->period_start_eve, &fast_before);

  period.first = self->period_start_eve + 1;
  period.last = self->as_of;
  previous.first = self->previous_start_eve + 1;
  previous.last = self->period_start_eve;
  sum_period_sales (self, &period);
  sum_period_sales (self, &previous);
  measure_period (self, &period);
  measure_period (self, &previous);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "as_of");
  json_builder_add_string_value (builder, as_of);
  json_builder_set_member_name (builder, "contacts");
  json_builder_add_int_value (builder, contacts);
  json_builder_set_member_name (builder, "members");
  json_builder_add_int_value (builder, members);

  json_builder_set_member_name (builder, "model");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dormant_days");
  json_builder_add_int_value (builder, self->model.dormant_days);
  json_builder_set_member_name (builder, "lost_days");
  json_builder_add_int_value (builder, self->model.lost_days);
  json_builder_set_member_name (builder, "mature_orders");
  json_builder_add_int_value (builder, self->model.mature_orders);
  json_builder_set_member_name (builder, "mature_window_days");
  json_builder_add_int_value (builder, self->model.mature_window_days);
  json_builder_end_object (builder);

  add_count_object (builder, "stages", stage_names, 0, SIYU_N_STAGES, stages);
  json_builder_set_member_name (builder, "stages_month_before");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "as_of");
  json_builder_add_string_value (builder, before);
  add_count_object (builder, "counts", stage_names, 0, SIYU_N_STAGES, stages_before);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "rfm");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scored");
  json_builder_add_int_value (builder, scored);
  add_count_object (builder, "segments", rfm_names, 1, SIYU_N_RFM_SEGMENTS, rfm);
  json_builder_set_member_name (builder, "grid");
  json_builder_begin_array (builder);
  for (int r = 4; r >= 0; r--)
    {
      json_builder_begin_array (builder);
      for (int f = 0; f < 5; f++)
        json_builder_add_int_value (builder, grid[r][f]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "tiers");
  json_builder_begin_array (builder);
  for (guint t = 0; t < self->tiers->len; t++)
    {
      const Tier *tier = &g_array_index (self->tiers, Tier, t);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, tier->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, tier->name);
      json_builder_set_member_name (builder, "name_zh");
      json_builder_add_string_value (builder, tier->name_zh);
      json_builder_set_member_name (builder, "threshold");
      json_builder_add_int_value (builder, tier->threshold);
      json_builder_set_member_name (builder, "capacity");
      if (tier->capacity > 0)
        json_builder_add_int_value (builder, tier->capacity);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "members");
      json_builder_add_int_value (builder, tier_counts[t]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pyramid");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "buyers");
  json_builder_add_int_value (builder, scored);
  add_count_object (builder, "levels", pyramid_names, 1, SIYU_N_PYRAMID_LEVELS, pyramid);
  add_ratio (builder, "pareto_share", pareto);
  json_builder_end_object (builder);

  add_fast (builder, "fast", &fast);
  add_fast (builder, "fast_month_before", &fast_before);
  add_period (builder, "month_to_date", &period);
  add_period (builder, "month_before", &previous);
  add_suggestion (self, builder);
  json_builder_end_object (builder);

  self->summary = json_builder_get_root (builder);

  return TRUE;
}

/**
 * siyu_analytics_compute:
 * @as_of: the day D every figure is as of, in the shop's time zone
 *
 * Computes every analytic of ANALYTICS.md without writing anything.  Safe to
 * call from a worker thread while no other thread uses @shop.
 *
 * Returns: (transfer full): the results, or %NULL with @error set
 *   (%G_IO_ERROR_CANCELLED when @cancellable was cancelled).
 */
SiyuAnalytics *
siyu_analytics_compute (SiyuShop          *shop,
                        SiyuDay            as_of,
                        SiyuProgressFunc   progress,
                        gpointer           progress_data,
                        GCancellable      *cancellable,
                        GError           **error)
{
  g_autoptr(SiyuSnapshot) snapshot = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (as_of != SIYU_DAY_INVALID, NULL);

  snapshot = siyu_snapshot_get (shop, cancellable, error);
  if (snapshot == NULL)
    return NULL;
  if (progress != NULL)
    progress (0.6, progress_data);

  return siyu_analytics_compute_from (shop, snapshot, as_of, progress, progress_data, cancellable, error);
}

/**
 * siyu_analytics_compute_from:
 * @snapshot: the shop's snapshot, or one read up to @as_of
 *
 * siyu_analytics_compute() from a snapshot of the shop already read.
 */
SiyuAnalytics *
siyu_analytics_compute_from (SiyuShop          *shop,
                             SiyuSnapshot      *snapshot,
                             SiyuDay            as_of,
                             SiyuProgressFunc   progress,
                             gpointer           progress_data,
                             GCancellable      *cancellable,
                             GError           **error)
{
  g_autoptr(SiyuAnalytics) self = g_new0 (SiyuAnalytics, 1);
  gint64 started;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (as_of != SIYU_DAY_INVALID, NULL);

  self->as_of = as_of;
  self->period_start_eve = month_start (as_of) - 1;
  self->previous_start_eve = month_start (self->period_start_eve) - 1;
  self->people = g_array_new (FALSE, FALSE, sizeof (Person));
  self->tiers = g_array_new (FALSE, FALSE, sizeof (Tier));
  self->cohort_cells = g_array_new (FALSE, FALSE, sizeof (CohortCell));
  g_array_set_clear_func (self->tiers, tier_clear);

  if (!siyu_lifecycle_model_load (shop, &self->model, error) ||
      !load_model_id (self, shop, error) ||
      !load_tiers (self, shop, error))
    return NULL;
  siyu_pyramid_weights_load (shop, &self->weights);

  started = g_get_monotonic_time ();
  self->snapshot = siyu_snapshot_ref (snapshot);
  self->order_days = snapshot->order_days;
  self->order_nets = snapshot->order_nets;
  self->signals = snapshot->signals;

  select_people (self);
  g_debug ("Took %u contacts of the snapshot by %.3f s", self->people->len,
           (g_get_monotonic_time () - started) / 1e6);
  if (progress != NULL)
    progress (0.75, progress_data);

  self->metrics = g_new0 (SiyuContactMetrics, self->people->len);
  for (guint i = 0; i < self->people->len; i++)
    compute_contact (self, i);

  if (check_cancelled (cancellable, error) || !build_summary (self, shop, error))
    return NULL;
  compute_cohorts (self);
  g_debug ("Computed everything by %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (progress != NULL)
    progress (0.9, progress_data);

  return g_steal_pointer (&self);
}

static void
bind_day (sqlite3_stmt *stmt,
          int           column,
          SiyuDay       day)
{
  if (day == SIYU_DAY_INVALID)
    sqlite3_bind_null (stmt, column);
  else
    {
      g_autofree char *text = siyu_day_format (day);
      sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
    }
}

static gboolean
store_metrics (SiyuAnalytics  *self,
               SiyuDb         *db,
               GError        **error)
{
  sqlite3_stmt *stmt;

  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint next = 0;
  int rc;

  /* Rows of contacts no longer counted (first seen after the day). */
  stmt = siyu_db_prepare (db, "SELECT contact_id FROM contact_metrics ORDER BY contact_id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      while (next < self->people->len && self->metrics[next].contact_id < id)
        next++;
      if (next >= self->people->len || self->metrics[next].contact_id != id)
        g_array_append_val (gone, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  stmt = siyu_db_prepare (db, "DELETE FROM contact_metrics WHERE contact_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < gone->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (gone, gint64, i));
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);

  /* A row that would stay as it is is not written. */
  stmt = siyu_db_prepare (db,
                          "INSERT INTO contact_metrics (contact_id, orders, net_spend, first_order, "
                          "  last_order, stage, rfm_r, rfm_f, rfm_m, rfm_r_score, rfm_f_score, "
                          "  rfm_m_score, rfm_segment, spend_365, tier_id, tier_gap, points, pyramid, aipl) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (contact_id) DO UPDATE SET "
                          "  (orders, net_spend, first_order, last_order, stage, rfm_r, rfm_f, rfm_m, "
                          "   rfm_r_score, rfm_f_score, rfm_m_score, rfm_segment, spend_365, tier_id, "
                          "   tier_gap, points, pyramid, aipl) = "
                          "  (excluded.orders, excluded.net_spend, excluded.first_order, excluded.last_order, "
                          "   excluded.stage, excluded.rfm_r, excluded.rfm_f, excluded.rfm_m, "
                          "   excluded.rfm_r_score, excluded.rfm_f_score, excluded.rfm_m_score, "
                          "   excluded.rfm_segment, excluded.spend_365, excluded.tier_id, excluded.tier_gap, "
                          "   excluded.points, excluded.pyramid, excluded.aipl) "
                          "WHERE (orders, net_spend, first_order, last_order, stage, rfm_r, rfm_f, rfm_m, "
                          "   rfm_r_score, rfm_f_score, rfm_m_score, rfm_segment, spend_365, tier_id, "
                          "   tier_gap, points, pyramid, aipl) IS NOT "
                          "  (excluded.orders, excluded.net_spend, excluded.first_order, excluded.last_order, "
                          "   excluded.stage, excluded.rfm_r, excluded.rfm_f, excluded.rfm_m, "
                          "   excluded.rfm_r_score, excluded.rfm_f_score, excluded.rfm_m_score, "
                          "   excluded.rfm_segment, excluded.spend_365, excluded.tier_id, excluded.tier_gap, "
                          "   excluded.points, excluded.pyramid, excluded.aipl)",
                          error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < self->people->len; i++)
    {
      const SiyuContactMetrics *m = &self->metrics[i];

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int64 (stmt, 1, m->contact_id);
      sqlite3_bind_int64 (stmt, 2, m->orders);
      sqlite3_bind_int64 (stmt, 3, m->net_spend);
      bind_day (stmt, 4, m->first_order);
      bind_day (stmt, 5, m->last_order);
      sqlite3_bind_text (stmt, 6, stage_names[m->stage], -1, SQLITE_STATIC);
      if (m->rfm_r >= 0)
        {
          sqlite3_bind_int (stmt, 7, m->rfm_r);
          sqlite3_bind_int (stmt, 8, m->rfm_f);
          sqlite3_bind_int64 (stmt, 9, m->rfm_m);
          sqlite3_bind_int (stmt, 10, m->rfm_r_score);
          sqlite3_bind_int (stmt, 11, m->rfm_f_score);
          sqlite3_bind_int (stmt, 12, m->rfm_m_score);
          sqlite3_bind_text (stmt, 13, rfm_names[m->rfm_segment], -1, SQLITE_STATIC);
        }
      sqlite3_bind_int64 (stmt, 14, m->spend_365);
      if (m->tier_id > 0)
        sqlite3_bind_int64 (stmt, 15, m->tier_id);
      if (m->tier_gap >= 0)
        sqlite3_bind_int64 (stmt, 16, m->tier_gap);
      sqlite3_bind_int64 (stmt, 17, m->points);
      if (m->pyramid != SIYU_PYRAMID_NONE)
        sqlite3_bind_text (stmt, 18, pyramid_names[m->pyramid], -1, SQLITE_STATIC);
      if (m->aipl != SIYU_AIPL_NONE)
        sqlite3_bind_text (stmt, 19, aipl_names[m->aipl], -1, SQLITE_STATIC);

      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

static int
stage_from_string (const char *text)
{
  for (guint i = 0; i < SIYU_N_STAGES; i++)
    if (g_strcmp0 (stage_names[i], text) == 0)
      return i;

  return -1;
}

/* Writes the snapshot of one month end, touching only rows whose stage
 * changed: after the first recompute of a month almost none do. */
static gboolean
store_snapshot (SiyuAnalytics  *self,
                SiyuDb         *db,
                SiyuDay         month_end,
                GError        **error)
{
  g_autofree char *month = month_text (month_index (month_end));
  g_autofree int *stored = g_new (int, self->people->len);
  sqlite3_stmt *stmt;
  guint cursor = 0;
  int rc;

  for (guint i = 0; i < self->people->len; i++)
    stored[i] = -1;

  stmt = siyu_db_prepare (db,
                          "SELECT contact_id, stage FROM stage_snapshots WHERE model_id = ? AND month = ? "
                          "ORDER BY contact_id",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->model_id);
  sqlite3_bind_text (stmt, 2, month, -1, SQLITE_STATIC);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    if (advance_to (self, &cursor, sqlite3_column_int64 (stmt, 0)) != NULL)
      stored[cursor] = stage_from_string ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;

  stmt = siyu_db_prepare (db,
                          "INSERT OR REPLACE INTO stage_snapshots (model_id, month, contact_id, stage) "
                          "VALUES (?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < self->people->len; i++)
    {
      const Person *person = &g_array_index (self->people, Person, i);
      SiyuStage stage;

      if (person->seen > month_end)
        continue;
      stage = stage_at (self, person, month_end);
      if (stored[i] == (int) stage)
        continue;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, self->model_id);
      sqlite3_bind_text (stmt, 2, month, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, person->id);
      sqlite3_bind_text (stmt, 4, stage_names[stage], -1, SQLITE_STATIC);
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

/* The stage of every contact on the last day of the last complete month
 * and the month before it: the monthly snapshots that transitions are
 * counted from. */
static gboolean
store_snapshots (SiyuAnalytics  *self,
                 SiyuDb         *db,
                 GError        **error)
{
  SiyuDay month_end = month_start (self->as_of + 1) == self->as_of + 1 ? self->as_of : self->period_start_eve;

  if (self->model_id == 0)
    return TRUE;

  return store_snapshot (self, db, month_start (month_end) - 1, error) &&
         store_snapshot (self, db, month_end, error);
}

/* Tier history moves forward only: a recompute for an earlier day than the
 * last change recorded writes no history. */
static gboolean
store_tier_history (SiyuAnalytics  *self,
                    SiyuDb         *db,
                    GError        **error)
{
  g_autofree char *as_of = siyu_day_format (self->as_of);
  g_autoptr(GHashTable) last = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT count (*) FROM tier_history WHERE changed_on > ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, as_of, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  if (rc < 0)
    return FALSE;
  if (sqlite3_column_int64 (stmt, 0) > 0)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }
  sqlite3_reset (stmt);

  stmt = siyu_db_prepare (db,
                          "SELECT contact_id, coalesce (to_tier_id, 0) FROM tier_history "
                          "WHERE id IN (SELECT max (id) FROM tier_history GROUP BY contact_id) "
                          "ORDER BY contact_id",
                          error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 contact = sqlite3_column_int64 (stmt, 0), tier = sqlite3_column_int64 (stmt, 1);

      g_array_append_val (keys, contact);
      g_array_append_val (values, tier);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    g_hash_table_insert (last, &g_array_index (keys, gint64, i), &g_array_index (values, gint64, i));

  stmt = siyu_db_prepare (db,
                          "INSERT INTO tier_history (contact_id, from_tier_id, to_tier_id, changed_on, reason) "
                          "VALUES (?, ?, ?, ?, 'recompute')",
                          error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < self->people->len; i++)
    {
      const SiyuContactMetrics *m = &self->metrics[i];
      gint64 *previous = g_hash_table_lookup (last, &m->contact_id);
      gint64 from = previous != NULL ? *previous : 0;

      if (from == m->tier_id)
        continue;

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int64 (stmt, 1, m->contact_id);
      if (from > 0)
        sqlite3_bind_int64 (stmt, 2, from);
      if (m->tier_id > 0)
        sqlite3_bind_int64 (stmt, 3, m->tier_id);
      sqlite3_bind_text (stmt, 4, as_of, -1, SQLITE_STATIC);
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

static gboolean
store_cohorts (SiyuAnalytics  *self,
               SiyuDb         *db,
               GError        **error)
{
  sqlite3_stmt *stmt;

  if (!siyu_db_exec (db, "DELETE FROM cohort_cells", error))
    return FALSE;

  stmt = siyu_db_prepare (db,
                          "INSERT INTO cohort_cells (cohort, month_offset, size, buyers) VALUES (?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < self->cohort_cells->len; i++)
    {
      const CohortCell *cell = &g_array_index (self->cohort_cells, CohortCell, i);
      g_autofree char *cohort = month_text (cell->cohort);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, cohort, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, cell->offset);
      sqlite3_bind_int64 (stmt, 3, cell->size);
      sqlite3_bind_int64 (stmt, 4, cell->buyers);
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

static gboolean
store_run (SiyuAnalytics  *self,
           SiyuDb         *db,
           GError        **error)
{
  g_autofree char *as_of = siyu_day_format (self->as_of);
  g_autofree char *summary = siyu_json_to_string (self->summary, FALSE);
  sqlite3_stmt *stmt;

  stmt = siyu_db_prepare (db,
                          "INSERT INTO analytics_runs (as_of, computed_at, summary) VALUES (?, ?, ?)",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, as_of, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 3, summary, -1, SQLITE_STATIC);

  return siyu_db_step_done (db, stmt, error);
}

/**
 * siyu_analytics_store:
 *
 * Writes the results into the shop, inside the caller's transaction if one
 * is open, else in one of its own: per-contact metrics, the two latest
 * month-end stage snapshots, tier changes, cohort cells and the shop-level
 * summary.  Views and segments read them from there.
 */
gboolean
siyu_analytics_store (SiyuAnalytics  *self,
                      SiyuShop       *shop,
                      GError        **error)
{
  SiyuDb *db;
  gboolean own_transaction;
  gint64 started;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  started = g_get_monotonic_time ();
  own_transaction = !siyu_db_in_transaction (db);
  if (own_transaction && !siyu_db_begin (db, error))
    return FALSE;

  if (!store_metrics (self, db, error) ||
      !store_snapshots (self, db, error) ||
      !store_tier_history (self, db, error) ||
      !store_cohorts (self, db, error) ||
      !store_run (self, db, error) ||
      (own_transaction && !siyu_db_commit (db, error)))
    {
      if (own_transaction)
        siyu_db_rollback (db);
      return FALSE;
    }
  g_debug ("Stored the results in %.3f s", (g_get_monotonic_time () - started) / 1e6);

  return TRUE;
}

SiyuDay
siyu_analytics_get_as_of (SiyuAnalytics *self)
{
  return self->as_of;
}

/* Returns: (transfer none): the shop-level figures, as `siyu-cli analytics --json` prints them. */
JsonNode *
siyu_analytics_get_summary (SiyuAnalytics *self)
{
  return self->summary;
}

/* Returns: (transfer none): cohort retention, oldest cohort first. */
JsonNode *
siyu_analytics_get_cohorts (SiyuAnalytics *self)
{
  return self->cohorts;
}

guint
siyu_analytics_get_n_contacts (SiyuAnalytics *self)
{
  return self->people->len;
}

const SiyuContactMetrics *
siyu_analytics_get_contact (SiyuAnalytics *self,
                            guint          index)
{
  g_return_val_if_fail (index < self->people->len, NULL);

  return &self->metrics[index];
}

const SiyuContactMetrics *
siyu_analytics_lookup (SiyuAnalytics *self,
                       gint64         contact_id)
{
  guint lo = 0, hi = self->people->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      gint64 id = self->metrics[mid].contact_id;

      if (id == contact_id)
        return &self->metrics[mid];
      if (id < contact_id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return NULL;
}

/**
 * siyu_analytics_get_purchases:
 * @index: a contact, as for siyu_analytics_get_contact()
 *
 * The contact's paid orders up to the as-of day, in time order: their local
 * days and net amounts.
 */
void
siyu_analytics_get_purchases (SiyuAnalytics  *self,
                              guint           index,
                              const SiyuDay **days,
                              const gint64  **nets,
                              guint          *n)
{
  const Person *person;

  g_return_if_fail (index < self->people->len);

  person = &g_array_index (self->people, Person, index);
  *n = person->n_orders;
  *days = person->n_orders > 0 ? &self->order_days[person->order_start] : NULL;
  *nets = person->n_orders > 0 ? &self->order_nets[person->order_start] : NULL;
}

/**
 * siyu_analytics_get_snapshot:
 *
 * Returns: (transfer none): the snapshot of the shop these figures were cut from
 */
SiyuSnapshot *
siyu_analytics_get_snapshot (SiyuAnalytics *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->snapshot;
}

const char *
siyu_analytics_tier_name (SiyuAnalytics *self,
                          gint64         tier_id)
{
  for (guint t = 0; t < self->tiers->len; t++)
    if (g_array_index (self->tiers, Tier, t).id == tier_id)
      return g_array_index (self->tiers, Tier, t).name;

  return NULL;
}

/**
 * siyu_tier_display_name:
 * @name: a tier's name
 * @name_zh: (nullable): its Chinese name
 *
 * Returns: the name to show: the Chinese one when the owner reads Chinese
 * and the tier has one.
 */
const char *
siyu_tier_display_name (const char *name,
                        const char *name_zh)
{
  const char * const *languages = g_get_language_names ();

  if (name_zh != NULL && *name_zh != '\0' && g_str_has_prefix (languages[0], "zh"))
    return name_zh;
  return name;
}
