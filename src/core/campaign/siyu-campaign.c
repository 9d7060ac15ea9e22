/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-campaign"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "siyu-campaign-private.h"
#include "siyu-money.h"
#include "siyu-segments.h"
#include "siyu-snapshot.h"
#include "siyu-time.h"
#include "siyu-json.h"

/* Campaign rhythm planning.
 *
 * GMV gap deduction (ANALYTICS.md, to the letter).  The campaign window is
 * the sale days, sale_start (D) to sale_end, w days.  The reference window
 * is, unless the owner gives one, the same calendar days a year earlier
 * (29 February becomes 28 February), widened backwards by whole weeks until
 * it holds at least SIYU_CAMPAIGN_REFERENCE_BUYERS buyers or reaches back
 * to the first paid order (ANALYTICS.md "Decisions taken in the code": one
 * day a year earlier can hold 18 buyers, whose conversions make any plan
 * absurd); when that holds no paid order at all, the last w days ending on
 * the shop's today, widened the same way.  In it, over paid orders in
 * the shop's currency (and the campaign's channel, if any):
 *   AOV = net ÷ paid orders (anonymous orders included);
 *   orders per buyer = paid orders with a contact ÷ distinct buyers;
 *   for each lifecycle stage s: size_s = contacts in s at the window's
 *   start, that is with the lifecycle evaluated as of the day before the
 *   window's first day; c_s = those of them with a paid order in the
 *   window ÷ size_s (0 when size_s = 0).
 * Then B = ceil (T ÷ (AOV × orders per buyer)), E = Σ size'_s × c_s with
 * size'_s the stage's size today, G = max (0, B − E); G_s = G × weight_s ÷
 * Σ weight with weight_s = size'_s × c_s unless edited; the contacts to
 * reach in s are ceil (G_s ÷ c_s).  When c_s = 0 and G_s > 0 the stage
 * "cannot close" its share (reach -1, never a division by zero); when every
 * weight is 0 the whole of G is "unassigned".  The ceilings forgive a
 * relative error of 10⁻⁹, so that a quotient that is whole on paper but
 * not in floating point is not raised by one.
 *
 * Stage sizes at a past day: the lifecycle is evaluated as of that day
 * from the orders themselves, by the rules of ANALYTICS.md "Lifecycle" and
 * the shop's lifecycle model, read from the shop's snapshot
 * (evaluate_stages(); the test checks it against siyu_analytics_compute(),
 * the one definition of every figure, day by day).  The monthly stage snapshots are not used: they
 * exist only for month ends and for the model current at the time.  A full
 * siyu_analytics_compute() would give the same stages but computes every
 * other figure too, several times slower on a large shop.  Today's sizes
 * are evaluated the same way as of the shop's today (not read from the
 * last recompute, which may be older).
 * Contacts erased for privacy are left out of every size and buyer count
 * (they cannot be reached), but their orders stay in AOV and orders per
 * buyer.  Buyers in the window first seen after its start are in no stage:
 * they are counted as "newcomers" and left out of every c_s.
 *
 * The history is "too thin" (a flag with a reason, not an error) when the
 * reference window has no paid order — then AOV, B and every reach are 0
 * and nothing is deduced — or fewer than SIYU_CAMPAIGN_MIN_BUYERS buyers.
 *
 * Refused inputs (SIYU_CAMPAIGN_ERROR): a target of 0, negative or above
 * 10¹² minor units; a sale starting before the shop's today (PAST); a sale
 * ending before it starts or longer than SIYU_CAMPAIGN_MAX_DAYS; a
 * reference window ending before it starts or after today; a currency
 * other than the shop's; an unknown channel.
 *
 * Overlapping campaigns: two campaigns overlap when their sale days share
 * a day and they share a channel (a campaign for all channels shares every
 * channel).  A plan names the first one it overlaps (overlap_id,
 * overlap_name) so that the wizard can warn at once; saving it is refused
 * with SIYU_CAMPAIGN_ERROR_OVERLAP naming the other campaign, because the
 * actual GMV of the same days would be counted twice.
 *
 * Phases default to seeding D−30 … D−16, growing D−15 … D−1, harvest D …
 * sale_end and nurturing sale_end + 1 … sale_end + 14, even when part of
 * them is already past.  Their segments are the built-in ones:
 *   seeding    Champions (early access), Group members who never bought
 *              (prospects: planned reach from the Prospect stage's reach)
 *   growing    Dormant high spenders (from the Dormant stage's reach),
 *              About to sleep, Members close to the next tier
 *   harvest    Champions, Members close to the next tier
 *   nurturing  New buyers of the last 30 days (the second order)
 * Planned reach is the segment's reachable members today (marketing
 * consent, not do-not-contact); for a segment tied to a stage whose reach
 * is above 0 it is the smaller of that and the stage's reach.  Planned
 * touch days: seeding D−30 and D−23, growing D−15, D−7 and D−1, harvest D,
 * nurturing sale_end + 3 and sale_end + 10.
 *
 * Planned against actual as of a day A (default today): for each phase and
 * segment, the touches of that segment (by siyu_export_segment(); a touch
 * belonging to another campaign is not counted) made from the phase's first
 * day to the end of min (its last day, A).  Reached: distinct contacts who
 * got one; held out: distinct contacts held out of one and reached by none.
 * Bought: reached contacts with a paid order (shop currency, the campaign's
 * channel if any) in the window of a touch that reached them — from the
 * touch's moment to the end of its window_days-th day, cut at the end of A;
 * net: the net of those orders, each order once.  Holdout bought the same
 * for held-out contacts in the windows of the touches that held them out.
 * Uplift = bought ÷ reached − holdout bought ÷ held out, and uplift × reached
 * the buyers the touches added.  GMV: the net of paid orders (shop
 * currency, channel if any) from the start of sale_start to the end of
 * min (sale_end, A), against the target.
 */

#define CEIL_SLACK 1e-9

G_DEFINE_QUARK (siyu-campaign-error-quark, siyu_campaign_error)

#define PAID "status IN ('paid', 'partially_refunded')"

static const char * const phase_names[] = { "seeding", "growing", "harvest", "nurturing" };
/* In context: "Growing" is also a lifecycle stage, translated differently. */
static const char * const phase_labels[] = {
  NC_("campaign phase", "Seeding"), NC_("campaign phase", "Growing"),
  NC_("campaign phase", "Harvest"), NC_("campaign phase", "Nurturing"),
};
static const char * const phase_themes[] = {
  N_("Preview what is coming: new products, and early access for your best customers."),
  N_("Build the wish: reminders, coupons and samples; wake up dormant high spenders."),
  N_("Sale day: the offer and its deadline, with first pick for Champions."),
  N_("Thank you, then the second order: care tips and a coupon for the next purchase."),
};
static const char * const reference_names[] = { "year_ago", "recent", "override" };
static const char * const thin_names[] = { "none", "no_orders", "few_buyers" };

/* The built-in segments a new plan's phases start with. */
static const struct {
  SiyuCampaignPhaseKind kind;
  const char           *segment;   /* a built-in segment's stored (English) name */
  SiyuStage             stage;     /* SIYU_N_STAGES: none */
} default_targets[] = {
  { SIYU_CAMPAIGN_PHASE_SEEDING, "Champions", SIYU_N_STAGES },
  { SIYU_CAMPAIGN_PHASE_SEEDING, "Group members who never bought", SIYU_STAGE_PROSPECT },
  { SIYU_CAMPAIGN_PHASE_GROWING, "Dormant high spenders", SIYU_STAGE_DORMANT },
  { SIYU_CAMPAIGN_PHASE_GROWING, "About to sleep", SIYU_N_STAGES },
  { SIYU_CAMPAIGN_PHASE_GROWING, "Members close to the next tier", SIYU_N_STAGES },
  { SIYU_CAMPAIGN_PHASE_HARVEST, "Champions", SIYU_N_STAGES },
  { SIYU_CAMPAIGN_PHASE_HARVEST, "Members close to the next tier", SIYU_N_STAGES },
  { SIYU_CAMPAIGN_PHASE_NURTURING, "New buyers of the last 30 days", SIYU_N_STAGES },
};

const char *
siyu_campaign_phase_kind_to_string (SiyuCampaignPhaseKind kind)
{
  g_return_val_if_fail (kind < SIYU_CAMPAIGN_N_PHASES, NULL);

  return phase_names[kind];
}

/* Returns: the phase's translated name ("Seeding"). */
const char *
siyu_campaign_phase_kind_get_label (SiyuCampaignPhaseKind kind)
{
  g_return_val_if_fail (kind < SIYU_CAMPAIGN_N_PHASES, NULL);

  return g_dpgettext2 (GETTEXT_PACKAGE, "campaign phase", phase_labels[kind]);
}

const char *
siyu_campaign_reference_to_string (SiyuCampaignReference source)
{
  g_return_val_if_fail (source <= SIYU_CAMPAIGN_REFERENCE_OVERRIDE, NULL);

  return reference_names[source];
}

const char *
siyu_campaign_thin_to_string (SiyuCampaignThin thin)
{
  g_return_val_if_fail (thin <= SIYU_CAMPAIGN_THIN_FEW_BUYERS, NULL);

  return thin_names[thin];
}

static int
index_of (const char * const *names,
          guint               n,
          const char         *name)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (names[i], name) == 0)
      return (int) i;
  return -1;
}

static int
stage_from_string (const char *text)
{
  for (int s = 0; s < SIYU_N_STAGES; s++)
    if (g_strcmp0 (siyu_stage_to_string (s), text) == 0)
      return s;
  return -1;
}

/* ceil (x) forgiving a relative error of CEIL_SLACK. */
static gint64
ceil_slack (double x)
{
  double f = floor (x);

  if (x - f <= CEIL_SLACK * MAX (1.0, fabs (x)))
    return (gint64) f;
  return (gint64) ceil (x);
}

/**
 * siyu_campaign_whole_buyers:
 * @buyers: a number of buyers of the deduction (E, G, a stage's share)
 *
 * Returns: @buyers as shown, whole and rounded up (ANALYTICS.md "Decisions
 *   taken in the code"), forgiving the floating point's last bits: 474.1
 *   buyers are shown as 475, 3.0000000001 as 3.
 */
gint64
siyu_campaign_whole_buyers (double buyers)
{
  return buyers > 0.0 && isfinite (buyers) ? ceil_slack (buyers) : 0;
}

/**
 * siyu_campaign_inputs_init:
 *
 * Sets every field to its default: no target, no day, all channels, the
 * default reference window and the shop's currency.
 */
void
siyu_campaign_inputs_init (SiyuCampaignInputs *inputs)
{
  g_return_if_fail (inputs != NULL);

  memset (inputs, 0, sizeof *inputs);
  inputs->sale_start = SIYU_DAY_INVALID;
  inputs->sale_end = SIYU_DAY_INVALID;
  inputs->reference_start = SIYU_DAY_INVALID;
  inputs->reference_end = SIYU_DAY_INVALID;
}

/* Returns: (transfer full): the channel's name, or NULL with @error set. */
static char *
channel_name (SiyuShop  *shop,
              gint64     channel_id,
              GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt = siyu_db_prepare (db, "SELECT name FROM channels WHERE id = ?", error);
  char *name = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, channel_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                 _("There is no channel %lld."), (long long) channel_id);
  sqlite3_reset (stmt);

  return name;
}

/**
 * siyu_campaign_lookup_channel:
 * @name: a channel's name, or its id in digits
 *
 * Returns: the channel's id, or 0 with @error set
 */
gint64
siyu_campaign_lookup_channel (SiyuShop    *shop,
                              const char  *name,
                              GError     **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);
  g_return_val_if_fail (name != NULL, 0);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT id FROM channels WHERE name = ?1 OR CAST (id AS TEXT) = ?1 "
                              "ORDER BY name = ?1 DESC LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                 _("There is no channel called “%s”."), name);
  sqlite3_reset (stmt);

  return id;
}

static gboolean
check_target (gint64   target,
              GError **error)
{
  if (target <= 0)
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("The GMV target must be above zero."));
      return FALSE;
    }
  if (target > SIYU_CAMPAIGN_TARGET_MAX)
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("The GMV target is too large to be real: at most 10,000,000,000 in major units."));
      return FALSE;
    }
  return TRUE;
}

/**
 * siyu_campaign_check_inputs:
 *
 * Checks @inputs against the shop (see the top of this file).
 *
 * Returns: %TRUE when they can be planned
 */
gboolean
siyu_campaign_check_inputs (SiyuShop                 *shop,
                            const SiyuCampaignInputs *inputs,
                            GError                  **error)
{
  SiyuDay today, end;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (inputs != NULL, FALSE);

  today = siyu_shop_get_today (shop);
  if (!check_target (inputs->target, error))
    return FALSE;
  if (inputs->currency != NULL && g_strcmp0 (inputs->currency, siyu_shop_get_currency (shop)) != 0)
    {
      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                   _("The shop counts its sales in %s, so the target must be in %s too, not %s."),
                   siyu_shop_get_currency (shop), siyu_shop_get_currency (shop), inputs->currency);
      return FALSE;
    }
  if (inputs->sale_start == SIYU_DAY_INVALID)
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("The sale day is missing."));
      return FALSE;
    }
  if (inputs->sale_start < today)
    {
      g_autofree char *day = siyu_day_format (inputs->sale_start);
      g_autofree char *today_text = siyu_day_format (today);

      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_PAST,
                   _("The sale day %s is in the past: the shop’s today is %s."), day, today_text);
      return FALSE;
    }
  end = inputs->sale_end == SIYU_DAY_INVALID ? inputs->sale_start : inputs->sale_end;
  if (end < inputs->sale_start)
    {
      g_autofree char *start_text = siyu_day_format (inputs->sale_start);
      g_autofree char *end_text = siyu_day_format (end);

      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                   _("The sale ends on %s, before it starts on %s."), end_text, start_text);
      return FALSE;
    }
  if ((gint64) end - inputs->sale_start + 1 > SIYU_CAMPAIGN_MAX_DAYS)
    {
      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                   _("A sale can last at most %d days."), SIYU_CAMPAIGN_MAX_DAYS);
      return FALSE;
    }
  if ((inputs->reference_start == SIYU_DAY_INVALID) != (inputs->reference_end == SIYU_DAY_INVALID))
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("A reference window needs both its first and its last day."));
      return FALSE;
    }
  if (inputs->reference_start != SIYU_DAY_INVALID)
    {
      g_autofree char *start_text = siyu_day_format (inputs->reference_start);
      g_autofree char *end_text = siyu_day_format (inputs->reference_end);

      if (inputs->reference_end < inputs->reference_start)
        {
          g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                       _("The reference window ends on %s, before it starts on %s."), end_text, start_text);
          return FALSE;
        }
      if (inputs->reference_end > today)
        {
          g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                       _("The reference window must be in the past, but it ends on %s."), end_text);
          return FALSE;
        }
    }
  if (inputs->channel_id < 0)
    {
      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                   _("There is no channel %lld."), (long long) inputs->channel_id);
      return FALSE;
    }
  if (inputs->channel_id > 0)
    {
      g_autofree char *name = channel_name (shop, inputs->channel_id, error);

      if (name == NULL)
        return FALSE;
    }

  return TRUE;
}

/* The same calendar day a year earlier; 29 February becomes 28 February. */
static SiyuDay
year_before (SiyuDay day)
{
  int y, m, d;

  siyu_day_to_ymd (day, &y, &m, &d);
  if (m == 2 && d == 29)
    d = 28;
  return siyu_day_from_ymd (y - 1, m, d);
}

typedef struct {
  gint64 orders;
  gint64 net;
  gint64 contact_orders;
  gint64 buyers;
} WindowCounts;

static gboolean
count_window (SiyuShop     *shop,
              SiyuDay       first,
              SiyuDay       last,
              gint64        channel_id,
              WindowCounts *counts,
              GError      **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  sqlite3_stmt *stmt;
  int rc;

  memset (counts, 0, sizeof *counts);
  stmt = siyu_db_prepare (db, "SELECT count (*), coalesce (sum (max (0, total_amount - refunded_amount)), 0), "
                              "  count (contact_id), count (DISTINCT contact_id) FROM orders "
                              "WHERE " PAID " AND currency = ?1 AND created_at >= ?2 AND created_at < ?3 "
                              "  AND (?4 = 0 OR channel_id = ?4)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (shop, first));
  sqlite3_bind_int64 (stmt, 3, siyu_shop_day_start (shop, last + 1));
  sqlite3_bind_int64 (stmt, 4, channel_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      counts->orders = sqlite3_column_int64 (stmt, 0);
      counts->net = sqlite3_column_int64 (stmt, 1);
      counts->contact_orders = sqlite3_column_int64 (stmt, 2);
      counts->buyers = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/* Moves *first back by whole weeks until [*first, last] holds at least
 * SIYU_CAMPAIGN_REFERENCE_BUYERS distinct buyers, or until it starts on or
 * before the first paid order: one pass over the orders, newest first. */
static gboolean
widen_window (SiyuShop  *shop,
              SiyuDay   *first,
              SiyuDay    last,
              gint64     channel_id,
              GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GHashTable) buyers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT created_at, contact_id FROM orders "
                              "WHERE " PAID " AND currency = ?1 AND created_at < ?2 "
                              "  AND (?3 = 0 OR channel_id = ?3) AND contact_id IS NOT NULL "
                              "ORDER BY created_at DESC", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (shop, last + 1));
  sqlite3_bind_int64 (stmt, 3, channel_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuDay day = siyu_shop_day_of (shop, sqlite3_column_int64 (stmt, 0));
      gint64 id = sqlite3_column_int64 (stmt, 1);

      /* An order before the window: widen only if the window is short of buyers. */
      while (day < *first)
        {
          if (g_hash_table_size (buyers) >= SIYU_CAMPAIGN_REFERENCE_BUYERS)
            {
              sqlite3_reset (stmt);
              return TRUE;
            }
          *first -= 7;
        }
      if (!g_hash_table_contains (buyers, &id))
        g_hash_table_add (buyers, g_memdup2 (&id, sizeof id));
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

/* Returns: (transfer full): the distinct contacts with a paid order in the window. */
static GArray *
window_buyers (SiyuShop  *shop,
               SiyuDay    first,
               SiyuDay    last,
               gint64     channel_id,
               GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT DISTINCT contact_id FROM orders "
                              "WHERE " PAID " AND currency = ?1 AND created_at >= ?2 AND created_at < ?3 "
                              "  AND (?4 = 0 OR channel_id = ?4) AND contact_id IS NOT NULL", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (shop, first));
  sqlite3_bind_int64 (stmt, 3, siyu_shop_day_start (shop, last + 1));
  sqlite3_bind_int64 (stmt, 4, channel_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&ids);
}

/* The first other campaign sharing a sale day and a channel, 0 if none. */
static gboolean
find_overlap (SiyuShop  *shop,
              SiyuDay    start,
              SiyuDay    end,
              gint64     channel_id,
              gint64     except_id,
              gint64    *overlap_id,
              char     **overlap_name,
              GError   **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autofree char *start_text = siyu_day_format (start);
  g_autofree char *end_text = siyu_day_format (end);
  sqlite3_stmt *stmt;
  int rc;

  *overlap_id = 0;
  *overlap_name = NULL;
  stmt = siyu_db_prepare (db, "SELECT id, name FROM campaigns WHERE sale_start <= ?2 AND sale_end >= ?1 "
                              "  AND (?3 = 0 OR channel_id IS NULL OR channel_id = ?3) AND id != ?4 "
                              "ORDER BY sale_start, id LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, start_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, end_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, channel_id);
  sqlite3_bind_int64 (stmt, 4, except_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      *overlap_id = sqlite3_column_int64 (stmt, 0);
      *overlap_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);

  return rc >= 0;
}

/**
 * siyu_campaign_target_new:
 *
 * Returns: (transfer full): a target with no touch days and no stage
 */
SiyuCampaignTarget *
siyu_campaign_target_new (gint64      segment_id,
                          const char *segment_name,
                          gint64      planned_reach)
{
  SiyuCampaignTarget *target = g_new0 (SiyuCampaignTarget, 1);

  target->segment_id = segment_id;
  target->segment_name = g_strdup (segment_name != NULL ? segment_name : "");
  target->stage = SIYU_N_STAGES;
  target->size = -1;
  target->planned_reach = MAX (0, planned_reach);
  target->touch_days = g_array_new (FALSE, FALSE, sizeof (SiyuDay));

  return target;
}

void
siyu_campaign_target_free (SiyuCampaignTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->segment_name);
  g_array_unref (target->touch_days);
  g_free (target);
}

static void
phase_free (gpointer data)
{
  SiyuCampaignPhase *phase = data;

  g_free (phase->theme);
  g_ptr_array_unref (phase->targets);
  g_free (phase);
}

static SiyuCampaignPhase *
phase_new (SiyuCampaignPhaseKind kind,
           SiyuDay               starts_on,
           SiyuDay               ends_on,
           const char           *theme)
{
  SiyuCampaignPhase *phase = g_new0 (SiyuCampaignPhase, 1);

  phase->kind = kind;
  phase->starts_on = starts_on;
  phase->ends_on = ends_on;
  phase->theme = g_strdup (theme);
  phase->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_campaign_target_free);

  return phase;
}

static SiyuCampaignPlan *
plan_new (void)
{
  SiyuCampaignPlan *plan = g_new0 (SiyuCampaignPlan, 1);

  plan->phases = g_ptr_array_new_with_free_func (phase_free);
  for (int s = 0; s < SIYU_N_STAGES; s++)
    plan->segments[s].stage = s;

  return plan;
}

void
siyu_campaign_plan_free (SiyuCampaignPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->name);
  g_free (plan->channel_name);
  g_free (plan->currency);
  g_free (plan->reference_reason);
  g_free (plan->thin_reason);
  g_free (plan->overlap_name);
  g_ptr_array_unref (plan->phases);
  g_free (plan);
}

static void
set_reference_reason (SiyuCampaignPlan *plan)
{
  g_clear_pointer (&plan->reference_reason, g_free);
  switch (plan->reference_source)
    {
    case SIYU_CAMPAIGN_REFERENCE_YEAR_AGO:
    case SIYU_CAMPAIGN_REFERENCE_RECENT:
      {
        int days = plan->sale_end - plan->sale_start + 1;
        int weeks = (plan->reference_end - plan->reference_start + 1 - days) / 7;
        g_autofree char *base = NULL;
        g_autofree char *widened = NULL;

        if (plan->reference_source == SIYU_CAMPAIGN_REFERENCE_YEAR_AGO)
          base = g_strdup (_("The same days a year earlier."));
        else
          base = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "There was no paid order on the same days a year earlier, so the last %d day.",
                                               "There was no paid order on the same days a year earlier, so the last %d days.",
                                               days), days);
        if (weeks == 0)
          {
            plan->reference_reason = g_steal_pointer (&base);
            break;
          }
        if (plan->reference_buyers >= SIYU_CAMPAIGN_REFERENCE_BUYERS)
          /* Translators: after “The same days a year earlier.”: why the window is longer. */
          widened = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Widened back by %d week to hold at least %d buyers.",
                                                  "Widened back by %d weeks to hold at least %d buyers.",
                                                  weeks), weeks, SIYU_CAMPAIGN_REFERENCE_BUYERS);
        else
          widened = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Widened back by %d week to the first order: the whole history holds fewer than %d buyers.",
                                                  "Widened back by %d weeks to the first order: the whole history holds fewer than %d buyers.",
                                                  weeks), weeks, SIYU_CAMPAIGN_REFERENCE_BUYERS);
        plan->reference_reason = g_strconcat (base, " ", widened, NULL);
      }
      break;
    case SIYU_CAMPAIGN_REFERENCE_OVERRIDE:
    default:
      plan->reference_reason = g_strdup (_("Chosen by you."));
      break;
    }
}

static void
set_thin_reason (SiyuCampaignPlan *plan)
{
  g_autofree char *first = siyu_day_format (plan->reference_start);
  g_autofree char *last = siyu_day_format (plan->reference_end);

  g_clear_pointer (&plan->thin_reason, g_free);
  if (plan->reference_orders == 0)
    {
      plan->thin = SIYU_CAMPAIGN_THIN_NO_ORDERS;
      /* Translators: the two %s are dates. */
      plan->thin_reason = g_strdup_printf (_("The history is too thin: there is no paid order from %s to %s, so nothing can be deduced. Pick another reference window or import older orders."),
                                           first, last);
    }
  else if (plan->reference_buyers < SIYU_CAMPAIGN_MIN_BUYERS)
    {
      plan->thin = SIYU_CAMPAIGN_THIN_FEW_BUYERS;
      /* Translators: the first %lld is a number of buyers, the two %s are
       * dates, the last %d the least number of buyers to trust the figures. */
      plan->thin_reason = g_strdup_printf (_("The history is too thin: only %lld buyers from %s to %s, fewer than %d, so these figures are rough."),
                                           (long long) plan->reference_buyers, first, last,
                                           SIYU_CAMPAIGN_MIN_BUYERS);
    }
  else
    plan->thin = SIYU_CAMPAIGN_THIN_NONE;
}

/* Redoes the deduction from the editable fields; the targets are left alone. */
static void
recompute_deduction (SiyuCampaignPlan *plan)
{
  double per_buyer = plan->aov * plan->orders_per_buyer;
  double total_weight = 0.0;

  plan->buyers_needed = per_buyer > 0.0 ? ceil_slack ((double) plan->target / per_buyer) : 0;
  plan->expected = 0.0;
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      SiyuCampaignSegment *seg = &plan->segments[s];

      seg->conversion = seg->reference_size > 0 ? (double) seg->reference_buyers / seg->reference_size : 0.0;
      seg->expected = seg->size * seg->conversion;
      plan->expected += seg->expected;
      total_weight += seg->weight;
    }
  plan->gap = MAX (0.0, plan->buyers_needed - plan->expected);
  plan->unassigned = total_weight > 0.0 ? 0.0 : plan->gap;

  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      SiyuCampaignSegment *seg = &plan->segments[s];

      seg->gap_share = total_weight > 0.0 ? plan->gap * seg->weight / total_weight : 0.0;
      seg->cannot_close = FALSE;
      if (seg->gap_share <= 0.0)
        seg->reach = 0;
      else if (seg->conversion <= 0.0)
        {
          seg->reach = -1;
          seg->cannot_close = TRUE;
        }
      else
        seg->reach = ceil_slack (seg->gap_share / seg->conversion);
      seg->exceeds_size = seg->reach > seg->size;
    }
}

/* Redoes the deduction, then the planned reach of the targets tied to a stage. */
static void
recompute (SiyuCampaignPlan *plan)
{
  recompute_deduction (plan);
  for (guint p = 0; p < plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, p);

      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);
          gint64 reach;

          if (target->stage >= SIYU_N_STAGES || target->size < 0)
            continue;
          reach = plan->segments[target->stage].reach;
          target->planned_reach = reach > 0 ? MIN (target->size, reach) : target->size;
        }
    }
}

/* Checks the editable fields. */
static gboolean
check_editable (SiyuCampaignPlan  *plan,
                GError           **error)
{
  if (!check_target (plan->target, error))
    return FALSE;
  if (!isfinite (plan->aov) || plan->aov < 0.0 || plan->aov > (double) SIYU_CAMPAIGN_TARGET_MAX)
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("The average order value must be zero or more, and not absurdly large."));
      return FALSE;
    }
  if (!isfinite (plan->orders_per_buyer) || plan->orders_per_buyer < 0.0 || plan->orders_per_buyer > 1e6)
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("Orders per buyer must be zero or more, and not absurdly large."));
      return FALSE;
    }
  for (int s = 0; s < SIYU_N_STAGES; s++)
    if (!isfinite (plan->segments[s].weight) || plan->segments[s].weight < 0.0)
      {
        g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                     _("The weight of %s must be zero or more."), siyu_stage_get_label (s));
        return FALSE;
      }
  return TRUE;
}

/**
 * siyu_campaign_plan_recompute:
 *
 * Redoes B, E, G, every G_s and reach, and the planned reach of the targets
 * tied to a stage, from the editable fields (target, aov,
 * orders_per_buyer, the weights).  No database.  A target whose planned
 * reach the owner set by hand keeps it if its stage is set to
 * SIYU_N_STAGES (untied from the gap plan).
 *
 * Returns: %FALSE with @error set when an edited field is out of range
 */
gboolean
siyu_campaign_plan_recompute (SiyuCampaignPlan  *plan,
                              GError           **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);

  if (!check_editable (plan, error))
    return FALSE;
  recompute (plan);

  return TRUE;
}

/**
 * siyu_campaign_plan_set_weights:
 * @weights: (array fixed-size=6) (nullable): SIYU_N_STAGES weights, each 0
 *   or more, by SiyuStage; %NULL for the default (each stage's expected
 *   buyers, size × c_s)
 *
 * Splits the gap anew and recomputes; on error nothing changes.
 */
gboolean
siyu_campaign_plan_set_weights (SiyuCampaignPlan  *plan,
                                const double      *weights,
                                GError           **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);

  if (weights != NULL)
    for (int s = 0; s < SIYU_N_STAGES; s++)
      if (!isfinite (weights[s]) || weights[s] < 0.0)
        {
          g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                       _("The weight of %s must be zero or more."), siyu_stage_get_label (s));
          return FALSE;
        }
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      SiyuCampaignSegment *seg = &plan->segments[s];

      if (weights != NULL)
        seg->weight = weights[s];
      else
        seg->weight = seg->reference_size > 0 ? seg->size * ((double) seg->reference_buyers / seg->reference_size) : 0.0;
    }
  recompute (plan);

  return TRUE;
}

/* Fills the default phases and their built-in segments. */
static gboolean
default_phases (SiyuShop          *shop,
                SiyuCampaignPlan  *plan,
                GError           **error)
{
  SiyuDay d = plan->sale_start, e = plan->sale_end;
  const SiyuDay starts[] = { d - 30, d - 15, d, e + 1 };
  const SiyuDay ends[] = { d - 16, d - 1, e, e + 14 };
  const int seeding[] = { -30, -23 }, growing[] = { -15, -7, -1 };
  gint64 counted[G_N_ELEMENTS (default_targets)] = { 0, };
  gint64 reachable[G_N_ELEMENTS (default_targets)] = { 0, };

  for (int k = 0; k < SIYU_CAMPAIGN_N_PHASES; k++)
    g_ptr_array_add (plan->phases, phase_new (k, starts[k], ends[k], _(phase_themes[k])));

  for (guint i = 0; i < G_N_ELEMENTS (default_targets); i++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, default_targets[i].kind);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) definition = NULL;
      g_autoptr(JsonNode) row = NULL;
      SiyuCampaignTarget *target;
      gint64 id, total = -1, unreachable = 0;

      id = siyu_segment_lookup (shop, default_targets[i].segment, &local_error);
      if (id == 0)
        {
          if (g_error_matches (local_error, SIYU_SEGMENTS_ERROR, SIYU_SEGMENTS_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      row = siyu_segment_get (shop, id, error);
      if (row == NULL)
        return FALSE;
      /* A segment in two phases is counted once. */
      for (guint j = 0; j < i; j++)
        if (counted[j] == id)
          {
            total = reachable[j];
            break;
          }
      if (total < 0)
        {
          definition = siyu_segment_dup_definition (shop, id, error);
          if (definition == NULL ||
              !siyu_segment_count (shop, definition, &total, &unreachable, error))
            return FALSE;
          total -= unreachable;
          unreachable = 0;
        }
      counted[i] = id;
      reachable[i] = total;
      target = siyu_campaign_target_new (id, json_object_get_string_member_with_default (json_node_get_object (row),
                                                                                        "title", default_targets[i].segment),
                                         total - unreachable);
      target->stage = default_targets[i].stage;
      target->size = total - unreachable;
      switch (phase->kind)
        {
        case SIYU_CAMPAIGN_PHASE_SEEDING:
          for (guint j = 0; j < G_N_ELEMENTS (seeding); j++)
            {
              SiyuDay day = d + seeding[j];

              g_array_append_val (target->touch_days, day);
            }
          break;
        case SIYU_CAMPAIGN_PHASE_GROWING:
          for (guint j = 0; j < G_N_ELEMENTS (growing); j++)
            {
              SiyuDay day = d + growing[j];

              g_array_append_val (target->touch_days, day);
            }
          break;
        case SIYU_CAMPAIGN_PHASE_HARVEST:
          g_array_append_val (target->touch_days, d);
          break;
        case SIYU_CAMPAIGN_PHASE_NURTURING:
        case SIYU_CAMPAIGN_N_PHASES:
        default:
          {
            SiyuDay first = e + 3, second = e + 10;

            g_array_append_val (target->touch_days, first);
            g_array_append_val (target->touch_days, second);
          }
          break;
        }
      g_ptr_array_add (phase->targets, target);
    }

  return TRUE;
}

/* The lifecycle of every contact first seen by the end of @day, by the
 * rules of ANALYTICS.md (evaluated as siyu-analytics.c does, from the
 * shop's snapshot, without every other figure): sizes[] counts them per
 * stage, erased ones left out; @stages, when not %NULL, maps each contact
 * id to its stage + 1, or to 0 for an erased contact. */
static gboolean
evaluate_stages (SiyuShop      *shop,
                 SiyuDay        day,
                 gint64         sizes[SIYU_N_STAGES],
                 GHashTable    *stages,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(SiyuSnapshot) snapshot = NULL;
  SiyuLifecycleModel model;

  memset (sizes, 0, sizeof (gint64) * SIYU_N_STAGES);
  if (!siyu_lifecycle_model_load (shop, &model, error))
    return FALSE;
  snapshot = siyu_snapshot_get (shop, cancellable, error);
  if (snapshot == NULL)
    return FALSE;

  for (guint i = 0; i < snapshot->n_people; i++)
    {
      const SiyuSnapshotPerson *person = &snapshot->people[i];
      guint n, recent;
      SiyuDay last;
      SiyuStage stage;

      if (person->seen > day)
        continue;

      n = siyu_snapshot_orders_until (snapshot, person, day);
      recent = n - siyu_snapshot_orders_until (snapshot, person, day - model.mature_window_days - 1);
      last = n > 0 ? snapshot->order_days[person->order_start + n - 1] : SIYU_DAY_INVALID;
      if (n == 0)
        stage = SIYU_STAGE_PROSPECT;
      else if (day - last > model.lost_days)
        stage = SIYU_STAGE_LOST;
      else if (day - last > model.dormant_days)
        stage = SIYU_STAGE_DORMANT;
      else if (n == 1)
        stage = SIYU_STAGE_NEW;
      else if ((int) recent >= model.mature_orders)
        stage = SIYU_STAGE_MATURE;
      else
        stage = SIYU_STAGE_GROWING;
      if (!person->erased)
        sizes[stage]++;
      if (stages != NULL)
        g_hash_table_insert (stages, g_memdup2 (&person->id, sizeof person->id),
                             GINT_TO_POINTER (person->erased ? 0 : stage + 1));
    }

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Tests only: the stage sizes of evaluate_stages(). */
gboolean
siyu_campaign_stage_sizes_for_tests (SiyuShop  *shop,
                                     SiyuDay    day,
                                     gint64    *sizes,
                                     GError   **error)
{
  return evaluate_stages (shop, day, sizes, NULL, NULL, error);
}

/**
 * siyu_campaign_plan_new:
 *
 * Deduces the plan of @inputs (see the top of this file): slow, as it
 * evaluates the lifecycle at the reference window's start and today.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
SiyuCampaignPlan *
siyu_campaign_plan_new (SiyuShop                 *shop,
                        const SiyuCampaignInputs *inputs,
                        GCancellable             *cancellable,
                        GError                  **error)
{
  g_autoptr(SiyuCampaignPlan) plan = NULL;
  g_autoptr(GHashTable) stages = NULL;
  g_autoptr(GArray) buyers = NULL;
  WindowCounts counts;
  gint64 sizes[SIYU_N_STAGES];
  int w;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (inputs != NULL, NULL);

  if (!siyu_campaign_check_inputs (shop, inputs, error))
    return NULL;

  plan = plan_new ();
  plan->target = inputs->target;
  plan->sale_start = inputs->sale_start;
  plan->sale_end = inputs->sale_end == SIYU_DAY_INVALID ? inputs->sale_start : inputs->sale_end;
  plan->channel_id = inputs->channel_id;
  plan->currency = g_strdup (siyu_shop_get_currency (shop));
  plan->today = siyu_shop_get_today (shop);
  if (plan->channel_id > 0 && (plan->channel_name = channel_name (shop, plan->channel_id, error)) == NULL)
    return NULL;
  w = plan->sale_end - plan->sale_start + 1;

  /* The reference window. */
  if (inputs->reference_start != SIYU_DAY_INVALID)
    {
      plan->reference_start = inputs->reference_start;
      plan->reference_end = inputs->reference_end;
      plan->reference_source = SIYU_CAMPAIGN_REFERENCE_OVERRIDE;
      if (!count_window (shop, plan->reference_start, plan->reference_end, plan->channel_id, &counts, error))
        return NULL;
    }
  else
    {
      plan->reference_start = year_before (plan->sale_start);
      plan->reference_end = plan->reference_start + w - 1;
      plan->reference_source = SIYU_CAMPAIGN_REFERENCE_YEAR_AGO;
      if (!widen_window (shop, &plan->reference_start, plan->reference_end, plan->channel_id, error) ||
          !count_window (shop, plan->reference_start, plan->reference_end, plan->channel_id, &counts, error))
        return NULL;
      if (counts.orders == 0)
        {
          plan->reference_end = plan->today;
          plan->reference_start = plan->today - w + 1;
          plan->reference_source = SIYU_CAMPAIGN_REFERENCE_RECENT;
          if (!widen_window (shop, &plan->reference_start, plan->reference_end, plan->channel_id, error) ||
              !count_window (shop, plan->reference_start, plan->reference_end, plan->channel_id, &counts, error))
            return NULL;
        }
    }
  plan->reference_orders = counts.orders;
  plan->reference_net = counts.net;
  plan->reference_contact_orders = counts.contact_orders;
  plan->reference_buyers = counts.buyers;
  set_reference_reason (plan);
  set_thin_reason (plan);

  plan->aov = counts.orders > 0 ? (double) counts.net / counts.orders : 0.0;
  plan->orders_per_buyer = counts.buyers > 0 ? (double) counts.contact_orders / counts.buyers : 0.0;

  /* Stage sizes at the window's start and today, and buyers per stage. */
  stages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (!evaluate_stages (shop, plan->reference_start - 1, sizes, stages, cancellable, error))
    return NULL;
  for (int s = 0; s < SIYU_N_STAGES; s++)
    plan->segments[s].reference_size = sizes[s];
  buyers = window_buyers (shop, plan->reference_start, plan->reference_end, plan->channel_id, error);
  if (buyers == NULL)
    return NULL;
  for (guint i = 0; i < buyers->len; i++)
    {
      gint64 id = g_array_index (buyers, gint64, i);
      gpointer value;

      if (!g_hash_table_lookup_extended (stages, &id, NULL, &value))
        plan->reference_newcomers++;
      else if (GPOINTER_TO_INT (value) > 0)
        plan->segments[GPOINTER_TO_INT (value) - 1].reference_buyers++;
    }
  g_clear_pointer (&stages, g_hash_table_unref);

  if (!evaluate_stages (shop, plan->today, sizes, NULL, cancellable, error))
    return NULL;
  for (int s = 0; s < SIYU_N_STAGES; s++)
    plan->segments[s].size = sizes[s];

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!find_overlap (shop, plan->sale_start, plan->sale_end, plan->channel_id, 0,
                     &plan->overlap_id, &plan->overlap_name, error))
    return NULL;
  if (!default_phases (shop, plan, error))
    return NULL;
  siyu_campaign_plan_set_weights (plan, NULL, NULL);

  return g_steal_pointer (&plan);
}

static void
add_day (JsonBuilder *builder,
         const char  *name,
         SiyuDay      day)
{
  g_autofree char *text = siyu_day_format (day);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* An id, or null when there is none. */
static void
add_id (JsonBuilder *builder,
        const char  *name,
        gint64       id)
{
  json_builder_set_member_name (builder, name);
  if (id > 0)
    json_builder_add_int_value (builder, id);
  else
    json_builder_add_null_value (builder);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/**
 * siyu_campaign_plan_to_json:
 *
 * Returns: (transfer full): the plan as { id, name, target, sale_start,
 *   sale_end, channel_id, channel, currency, today, reference: { start,
 *   end, source, reason, orders, net, contact_orders, buyers, newcomers },
 *   aov, orders_per_buyer, buyers_needed, expected, gap, unassigned, thin,
 *   thin_reason, overlap: { id, name } | null, segments: [{ stage, label,
 *   reference_size, reference_buyers, conversion, size, expected, weight,
 *   gap_share, reach (null when cannot close), cannot_close, exceeds_size }],
 *   phases: [{ kind, label, starts_on, ends_on, theme, targets: [{
 *   segment_id, segment, stage, size, planned_reach, touch_days }] }] }
 */
JsonNode *
siyu_campaign_plan_to_json (SiyuCampaignPlan *plan)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (plan != NULL, NULL);

  json_builder_begin_object (builder);
  add_id (builder, "id", plan->id);
  add_string (builder, "name", plan->name);
  add_int (builder, "target", plan->target);
  add_day (builder, "sale_start", plan->sale_start);
  add_day (builder, "sale_end", plan->sale_end);
  add_id (builder, "channel_id", plan->channel_id);
  add_string (builder, "channel", plan->channel_name);
  add_string (builder, "currency", plan->currency);
  add_day (builder, "today", plan->today);

  json_builder_set_member_name (builder, "reference");
  json_builder_begin_object (builder);
  add_day (builder, "start", plan->reference_start);
  add_day (builder, "end", plan->reference_end);
  add_string (builder, "source", siyu_campaign_reference_to_string (plan->reference_source));
  add_string (builder, "reason", plan->reference_reason);
  add_int (builder, "orders", plan->reference_orders);
  add_int (builder, "net", plan->reference_net);
  add_int (builder, "contact_orders", plan->reference_contact_orders);
  add_int (builder, "buyers", plan->reference_buyers);
  add_int (builder, "newcomers", plan->reference_newcomers);
  json_builder_end_object (builder);

  add_double (builder, "aov", plan->aov);
  add_double (builder, "orders_per_buyer", plan->orders_per_buyer);
  add_int (builder, "buyers_needed", plan->buyers_needed);
  add_double (builder, "expected", plan->expected);
  add_double (builder, "gap", plan->gap);
  add_double (builder, "unassigned", plan->unassigned);
  add_string (builder, "thin", siyu_campaign_thin_to_string (plan->thin));
  add_string (builder, "thin_reason", plan->thin_reason);
  json_builder_set_member_name (builder, "overlap");
  if (plan->overlap_id > 0)
    {
      json_builder_begin_object (builder);
      add_int (builder, "id", plan->overlap_id);
      add_string (builder, "name", plan->overlap_name);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      const SiyuCampaignSegment *seg = &plan->segments[s];

      json_builder_begin_object (builder);
      add_string (builder, "stage", siyu_stage_to_string (s));
      add_string (builder, "label", siyu_stage_get_label (s));
      add_int (builder, "reference_size", seg->reference_size);
      add_int (builder, "reference_buyers", seg->reference_buyers);
      add_double (builder, "conversion", seg->conversion);
      add_int (builder, "size", seg->size);
      add_double (builder, "expected", seg->expected);
      add_double (builder, "weight", seg->weight);
      add_double (builder, "gap_share", seg->gap_share);
      json_builder_set_member_name (builder, "reach");
      if (seg->cannot_close)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, seg->reach);
      add_bool (builder, "cannot_close", seg->cannot_close);
      add_bool (builder, "exceeds_size", seg->exceeds_size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "phases");
  json_builder_begin_array (builder);
  for (guint p = 0; p < plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, p);

      json_builder_begin_object (builder);
      add_string (builder, "kind", siyu_campaign_phase_kind_to_string (phase->kind));
      add_string (builder, "label", siyu_campaign_phase_kind_get_label (phase->kind));
      add_day (builder, "starts_on", phase->starts_on);
      add_day (builder, "ends_on", phase->ends_on);
      add_string (builder, "theme", phase->theme);
      json_builder_set_member_name (builder, "targets");
      json_builder_begin_array (builder);
      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);

          json_builder_begin_object (builder);
          add_id (builder, "segment_id", target->segment_id);
          add_string (builder, "segment", target->segment_name);
          add_string (builder, "stage", target->stage < SIYU_N_STAGES ? siyu_stage_to_string (target->stage) : NULL);
          add_int (builder, "size", target->size);
          add_int (builder, "planned_reach", target->planned_reach);
          json_builder_set_member_name (builder, "touch_days");
          json_builder_begin_array (builder);
          for (guint i = 0; i < target->touch_days->len; i++)
            {
              g_autofree char *text = siyu_day_format (g_array_index (target->touch_days, SiyuDay, i));

              json_builder_add_string_value (builder, text);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *clean = name != NULL ? g_strstrip (g_strdup (name)) : NULL;

  if (clean == NULL || *clean == '\0')
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("A campaign needs a name."));
      return NULL;
    }
  if (!g_utf8_validate (clean, -1, NULL) || g_utf8_strlen (clean, -1) > SIYU_CAMPAIGN_MAX_NAME)
    {
      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                   _("A campaign name can have at most %d characters."), SIYU_CAMPAIGN_MAX_NAME);
      return NULL;
    }
  if (g_ascii_isdigit (clean[0]) && strspn (clean, "0123456789") == strlen (clean))
    {
      g_set_error_literal (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("A campaign name cannot be only digits: they would be taken for its number."));
      return NULL;
    }
  return g_steal_pointer (&clean);
}

static gboolean
check_phases (SiyuCampaignPlan  *plan,
              GError           **error)
{
  for (guint p = 0; p < plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, p);

      if (phase->kind >= SIYU_CAMPAIGN_N_PHASES || phase->ends_on < phase->starts_on)
        {
          g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                       _("The phase %s ends before it starts."),
                       siyu_campaign_phase_kind_get_label (MIN (phase->kind, SIYU_CAMPAIGN_N_PHASES - 1)));
          return FALSE;
        }
      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);

          if (target->planned_reach < 0)
            {
              g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_INVALID,
                           _("The planned reach of %s must be zero or more."), target->segment_name);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
insert_plan (SiyuShop          *shop,
             SiyuCampaignPlan  *plan,
             const char        *name,
             gint64             now,
             gint64            *id_out,
             GError           **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autofree char *sale_start = siyu_day_format (plan->sale_start);
  g_autofree char *sale_end = siyu_day_format (plan->sale_end);
  g_autofree char *planned_on = siyu_day_format (plan->today);
  g_autofree char *ref_start = siyu_day_format (plan->reference_start);
  g_autofree char *ref_end = siyu_day_format (plan->reference_end);
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = siyu_db_prepare (db, "INSERT INTO campaigns (name, sale_start, sale_end, target_gmv, currency, channel_id, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sale_start, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sale_end, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, plan->target);
  sqlite3_bind_text (stmt, 5, plan->currency, -1, SQLITE_STATIC);
  if (plan->channel_id > 0)
    sqlite3_bind_int64 (stmt, 6, plan->channel_id);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_int64 (stmt, 7, now);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;
  id = siyu_db_last_insert_id (db);

  stmt = siyu_db_prepare (db, "INSERT INTO campaign_plans (campaign_id, planned_on, reference_start, reference_end, "
                              "  reference_source, reference_orders, reference_net, reference_contact_orders, "
                              "  reference_buyers, reference_newcomers, aov, orders_per_buyer, buyers_needed, expected, gap, thin) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, planned_on, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ref_start, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ref_end, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, siyu_campaign_reference_to_string (plan->reference_source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, plan->reference_orders);
  sqlite3_bind_int64 (stmt, 7, plan->reference_net);
  sqlite3_bind_int64 (stmt, 8, plan->reference_contact_orders);
  sqlite3_bind_int64 (stmt, 9, plan->reference_buyers);
  sqlite3_bind_int64 (stmt, 10, plan->reference_newcomers);
  sqlite3_bind_double (stmt, 11, plan->aov);
  sqlite3_bind_double (stmt, 12, plan->orders_per_buyer);
  sqlite3_bind_int64 (stmt, 13, plan->buyers_needed);
  sqlite3_bind_double (stmt, 14, plan->expected);
  sqlite3_bind_double (stmt, 15, plan->gap);
  sqlite3_bind_text (stmt, 16, siyu_campaign_thin_to_string (plan->thin), -1, SQLITE_STATIC);
  if (!siyu_db_step_done (db, stmt, error))
    return FALSE;

  for (int s = 0; s < SIYU_N_STAGES; s++)
    {
      const SiyuCampaignSegment *seg = &plan->segments[s];

      stmt = siyu_db_prepare (db, "INSERT INTO campaign_plan_stages (campaign_id, stage, reference_size, "
                                  "  reference_buyers, size, weight) VALUES (?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, siyu_stage_to_string (s), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, seg->reference_size);
      sqlite3_bind_int64 (stmt, 4, seg->reference_buyers);
      sqlite3_bind_int64 (stmt, 5, seg->size);
      sqlite3_bind_double (stmt, 6, seg->weight);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
    }

  for (guint p = 0; p < plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, p);
      g_autofree char *starts = siyu_day_format (phase->starts_on);
      g_autofree char *ends = siyu_day_format (phase->ends_on);
      gint64 phase_id;

      stmt = siyu_db_prepare (db, "INSERT INTO campaign_phases (campaign_id, kind, starts_on, ends_on, theme) "
                                  "VALUES (?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, siyu_campaign_phase_kind_to_string (phase->kind), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, starts, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, ends, -1, SQLITE_STATIC);
      /* The suggested theme is stored as NULL, so that it shows in the reader's language. */
      if (phase->theme == NULL || g_strcmp0 (phase->theme, _(phase_themes[phase->kind])) == 0)
        sqlite3_bind_null (stmt, 5);
      else
        sqlite3_bind_text (stmt, 5, phase->theme, -1, SQLITE_STATIC);
      if (!siyu_db_step_done (db, stmt, error))
        return FALSE;
      phase_id = siyu_db_last_insert_id (db);

      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);
          gint64 target_id;

          stmt = siyu_db_prepare (db, "INSERT INTO campaign_phase_segments (phase_id, position, segment_id, "
                                      "  segment_name, stage, size, planned_reach) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, phase_id);
          sqlite3_bind_int64 (stmt, 2, t);
          if (target->segment_id > 0)
            sqlite3_bind_int64 (stmt, 3, target->segment_id);
          else
            sqlite3_bind_null (stmt, 3);
          sqlite3_bind_text (stmt, 4, target->segment_name, -1, SQLITE_STATIC);
          if (target->stage < SIYU_N_STAGES)
            sqlite3_bind_text (stmt, 5, siyu_stage_to_string (target->stage), -1, SQLITE_STATIC);
          else
            sqlite3_bind_null (stmt, 5);
          sqlite3_bind_int64 (stmt, 6, target->size);
          sqlite3_bind_int64 (stmt, 7, target->planned_reach);
          if (!siyu_db_step_done (db, stmt, error))
            return FALSE;
          target_id = siyu_db_last_insert_id (db);

          for (guint i = 0; i < target->touch_days->len; i++)
            {
              g_autofree char *day = siyu_day_format (g_array_index (target->touch_days, SiyuDay, i));

              stmt = siyu_db_prepare (db, "INSERT OR IGNORE INTO campaign_touch_days (phase_segment_id, day) "
                                          "VALUES (?, ?)", error);
              if (stmt == NULL)
                return FALSE;
              sqlite3_bind_int64 (stmt, 1, target_id);
              sqlite3_bind_text (stmt, 2, day, -1, SQLITE_STATIC);
              if (!siyu_db_step_done (db, stmt, error))
                return FALSE;
            }
        }
    }

  *id_out = id;
  return TRUE;
}

/**
 * siyu_campaign_save:
 * @plan: a plan from siyu_campaign_plan_new(), possibly edited
 * @name: the campaign's name: not empty, not only digits, unique
 *
 * Saves the campaign, its deduction, phases, segments and touch days in
 * one transaction, with an audit line.  A campaign whose sale days and
 * channel overlap another's is refused (SIYU_CAMPAIGN_ERROR_OVERLAP).
 *
 * Returns: the new campaign's id, or 0 with @error set (nothing saved)
 */
gint64
siyu_campaign_save (SiyuShop          *shop,
                    SiyuCampaignPlan  *plan,
                    const char        *name,
                    GError           **error)
{
  SiyuDb *db;
  g_autofree char *clean = NULL;
  g_autofree char *overlap_name = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 overlap_id = 0, id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);
  g_return_val_if_fail (plan != NULL, 0);

  db = siyu_shop_get_db (shop);
  if ((clean = check_name (name, error)) == NULL ||
      !check_editable (plan, error) ||
      !check_phases (plan, error))
    return 0;
  /* The figures follow the edited fields; the targets keep their reach. */
  recompute_deduction (plan);
  if (plan->id > 0)
    {
      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_EXISTS,
                   _("This plan is already saved as “%s”."), plan->name);
      return 0;
    }
  if (!siyu_db_begin (db, error))
    return 0;

  stmt = siyu_db_prepare (db, "SELECT 1 FROM campaigns WHERE name = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  rc = siyu_db_step (db, stmt, error);
  sqlite3_reset (stmt);
  if (rc < 0)
    goto failed;
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_EXISTS,
                   _("There is already a campaign called “%s”."), clean);
      goto failed;
    }
  if (!find_overlap (shop, plan->sale_start, plan->sale_end, plan->channel_id, 0,
                     &overlap_id, &overlap_name, error))
    goto failed;
  if (overlap_id > 0)
    {
      g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_OVERLAP,
                   _("The sale days overlap those of the campaign “%s”: its sales would be counted twice. Pick other days or another channel, or delete that campaign."),
                   overlap_name);
      goto failed;
    }
  if (!insert_plan (shop, plan, clean, now, &id, error))
    goto failed;
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;

    json_builder_begin_object (builder);
    add_string (builder, "name", clean);
    add_int (builder, "target", plan->target);
    add_day (builder, "sale_start", plan->sale_start);
    add_day (builder, "sale_end", plan->sale_end);
    json_builder_end_object (builder);
    node = json_builder_get_root (builder);
    detail = siyu_json_to_string (node, FALSE);
  }
  if (!siyu_shop_audit (shop, "campaign-create", "campaign", id, detail, error) ||
      !siyu_db_commit (db, error))
    goto failed;

  plan->id = id;
  g_free (plan->name);
  plan->name = g_steal_pointer (&clean);
  plan->created_at = now;
  g_clear_pointer (&plan->overlap_name, g_free);
  plan->overlap_id = 0;

  return id;

failed:
  siyu_db_rollback (db);
  return 0;
}

static SiyuDay
column_day (sqlite3_stmt *stmt,
            int           column)
{
  SiyuDay day = SIYU_DAY_INVALID;

  if (!siyu_day_parse ((const char *) sqlite3_column_text (stmt, column), &day))
    return SIYU_DAY_INVALID;
  return day;
}

static const char *
status_for (SiyuDay today,
            SiyuDay start,
            SiyuDay end)
{
  if (today < start)
    return "planned";
  if (today <= end)
    return "running";
  return "finished";
}

/**
 * siyu_campaigns_list:
 *
 * Returns: (transfer full): the saved campaigns by sale day, as [{ id, name,
 *   sale_start, sale_end, target, currency, channel_id, channel,
 *   created_at, status }], status "planned" before the sale, "running"
 *   during it, "finished" after it (as of the shop's today)
 */
JsonNode *
siyu_campaigns_list (SiyuShop  *shop,
                     GError   **error)
{
  SiyuDb *db;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt;
  SiyuDay today;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  today = siyu_shop_get_today (shop);
  stmt = siyu_db_prepare (db, "SELECT c.id, c.name, c.sale_start, c.sale_end, c.target_gmv, c.currency, c.channel_id, "
                              "  h.name, c.created_at FROM campaigns c LEFT JOIN channels h ON h.id = c.channel_id "
                              "ORDER BY c.sale_start, c.id", error);
  if (stmt == NULL)
    return NULL;
  json_builder_begin_array (builder);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      add_int (builder, "id", sqlite3_column_int64 (stmt, 0));
      add_string (builder, "name", (const char *) sqlite3_column_text (stmt, 1));
      add_string (builder, "sale_start", (const char *) sqlite3_column_text (stmt, 2));
      add_string (builder, "sale_end", (const char *) sqlite3_column_text (stmt, 3));
      add_int (builder, "target", sqlite3_column_int64 (stmt, 4));
      add_string (builder, "currency", (const char *) sqlite3_column_text (stmt, 5));
      json_builder_set_member_name (builder, "channel_id");
      if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 6));
      add_string (builder, "channel", (const char *) sqlite3_column_text (stmt, 7));
      add_int (builder, "created_at", sqlite3_column_int64 (stmt, 8));
      add_string (builder, "status", status_for (today, column_day (stmt, 2), column_day (stmt, 3)));
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
not_found (const char  *what,
           GError     **error)
{
  g_set_error (error, SIYU_CAMPAIGN_ERROR, SIYU_CAMPAIGN_ERROR_NOT_FOUND,
               _("There is no campaign “%s”."), what);
}

/**
 * siyu_campaign_lookup:
 * @id_or_name: a campaign's id in digits, or its name
 *
 * Returns: the campaign's id, or 0 with @error set
 */
gint64
siyu_campaign_lookup (SiyuShop    *shop,
                      const char  *id_or_name,
                      GError     **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), 0);

  if (id_or_name == NULL || *id_or_name == '\0')
    {
      not_found ("", error);
      return 0;
    }
  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT id FROM campaigns WHERE name = ?1 OR CAST (id AS TEXT) = ?1 "
                              "ORDER BY name = ?1 DESC LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, id_or_name, -1, SQLITE_TRANSIENT);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    not_found (id_or_name, error);

  return id;
}

static void
not_found_id (gint64   id,
              GError **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  not_found (text, error);
}

/* Loads the phases of a saved campaign, with their targets. */
static gboolean
load_phases (SiyuShop    *shop,
             gint64       campaign_id,
             GPtrArray   *phases,
             GError     **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GArray) phase_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db, "SELECT id, kind, starts_on, ends_on, theme FROM campaign_phases "
                              "WHERE campaign_id = ? ORDER BY starts_on, id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, campaign_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      int kind = MAX (0, index_of (phase_names, G_N_ELEMENTS (phase_names), (const char *) sqlite3_column_text (stmt, 1)));
      const char *theme = (const char *) sqlite3_column_text (stmt, 4);

      g_array_append_val (phase_ids, id);
      g_ptr_array_add (phases, phase_new (kind, column_day (stmt, 2), column_day (stmt, 3),
                                          theme != NULL ? theme : _(phase_themes[kind])));
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;

  for (guint p = 0; p < phase_ids->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (phases, p);
      g_autoptr(GArray) target_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      stmt = siyu_db_prepare (db, "SELECT id, coalesce (segment_id, 0), segment_name, stage, size, planned_reach "
                                  "FROM campaign_phase_segments WHERE phase_id = ? ORDER BY position, id", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (phase_ids, gint64, p));
      while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          SiyuCampaignTarget *target = siyu_campaign_target_new (sqlite3_column_int64 (stmt, 1),
                                                                 (const char *) sqlite3_column_text (stmt, 2),
                                                                 sqlite3_column_int64 (stmt, 5));
          int stage = stage_from_string ((const char *) sqlite3_column_text (stmt, 3));

          target->stage = stage >= 0 ? (SiyuStage) stage : SIYU_N_STAGES;
          target->size = sqlite3_column_int64 (stmt, 4);
          g_array_append_val (target_ids, id);
          g_ptr_array_add (phase->targets, target);
        }
      sqlite3_reset (stmt);
      if (rc < 0)
        return FALSE;

      for (guint t = 0; t < target_ids->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);

          stmt = siyu_db_prepare (db, "SELECT day FROM campaign_touch_days WHERE phase_segment_id = ? ORDER BY day", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, g_array_index (target_ids, gint64, t));
          while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
            {
              SiyuDay day = column_day (stmt, 0);

              if (day != SIYU_DAY_INVALID)
                g_array_append_val (target->touch_days, day);
            }
          sqlite3_reset (stmt);
          if (rc < 0)
            return FALSE;
        }

      /* A segment that still exists shows under its current title,
       * translated for a built-in one. */
      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);
          g_autoptr(JsonNode) row = NULL;
          const char *title;

          if (target->segment_id <= 0)
            continue;
          row = siyu_segment_get (shop, target->segment_id, NULL);
          if (row == NULL || JSON_NODE_TYPE (row) != JSON_NODE_OBJECT)
            continue;
          title = json_object_get_string_member_with_default (json_node_get_object (row), "title", NULL);
          if (title != NULL)
            {
              g_free (target->segment_name);
              target->segment_name = g_strdup (title);
            }
        }
    }

  return TRUE;
}

/**
 * siyu_campaign_load:
 *
 * Returns: (transfer full): the saved campaign as a plan, with the
 *   deduction's figures as they were saved (recomputed from the saved
 *   inputs, sizes and weights), or %NULL with @error set
 */
SiyuCampaignPlan *
siyu_campaign_load (SiyuShop  *shop,
                    gint64     campaign_id,
                    GError   **error)
{
  SiyuDb *db;
  g_autoptr(SiyuCampaignPlan) plan = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  plan = plan_new ();
  stmt = siyu_db_prepare (db, "SELECT c.name, c.sale_start, c.sale_end, c.target_gmv, c.currency, coalesce (c.channel_id, 0), "
                              "  h.name, c.created_at, p.planned_on, p.reference_start, p.reference_end, p.reference_source, "
                              "  p.reference_orders, p.reference_net, p.reference_contact_orders, p.reference_buyers, "
                              "  p.reference_newcomers, p.aov, p.orders_per_buyer "
                              "FROM campaigns c JOIN campaign_plans p ON p.campaign_id = c.id "
                              "LEFT JOIN channels h ON h.id = c.channel_id WHERE c.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, campaign_id);
  rc = siyu_db_step (db, stmt, error);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        not_found_id (campaign_id, error);
      return NULL;
    }
  plan->id = campaign_id;
  plan->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  plan->sale_start = column_day (stmt, 1);
  plan->sale_end = column_day (stmt, 2);
  plan->target = sqlite3_column_int64 (stmt, 3);
  plan->currency = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  plan->channel_id = sqlite3_column_int64 (stmt, 5);
  plan->channel_name = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  plan->created_at = sqlite3_column_int64 (stmt, 7);
  plan->today = column_day (stmt, 8);
  plan->reference_start = column_day (stmt, 9);
  plan->reference_end = column_day (stmt, 10);
  plan->reference_source = MAX (0, index_of (reference_names, G_N_ELEMENTS (reference_names),
                                             (const char *) sqlite3_column_text (stmt, 11)));
  plan->reference_orders = sqlite3_column_int64 (stmt, 12);
  plan->reference_net = sqlite3_column_int64 (stmt, 13);
  plan->reference_contact_orders = sqlite3_column_int64 (stmt, 14);
  plan->reference_buyers = sqlite3_column_int64 (stmt, 15);
  plan->reference_newcomers = sqlite3_column_int64 (stmt, 16);
  plan->aov = sqlite3_column_double (stmt, 17);
  plan->orders_per_buyer = sqlite3_column_double (stmt, 18);
  sqlite3_reset (stmt);
  set_reference_reason (plan);
  set_thin_reason (plan);

  stmt = siyu_db_prepare (db, "SELECT stage, reference_size, reference_buyers, size, weight "
                              "FROM campaign_plan_stages WHERE campaign_id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, campaign_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      int s = stage_from_string ((const char *) sqlite3_column_text (stmt, 0));

      if (s < 0)
        continue;
      plan->segments[s].reference_size = sqlite3_column_int64 (stmt, 1);
      plan->segments[s].reference_buyers = sqlite3_column_int64 (stmt, 2);
      plan->segments[s].size = sqlite3_column_int64 (stmt, 3);
      plan->segments[s].weight = sqlite3_column_double (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return NULL;

  if (!load_phases (shop, campaign_id, plan->phases, error))
    return NULL;
  /* The figures from the saved inputs; the targets keep their saved reach. */
  recompute_deduction (plan);

  return g_steal_pointer (&plan);
}

/**
 * siyu_campaign_delete:
 *
 * Deletes a campaign with its plan and phases (touches stay, unlinked),
 * with an audit line.
 */
gboolean
siyu_campaign_delete (SiyuShop  *shop,
                      gint64     campaign_id,
                      GError   **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  db = siyu_shop_get_db (shop);
  if (!siyu_db_begin (db, error))
    return FALSE;
  stmt = siyu_db_prepare (db, "DELETE FROM campaigns WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, campaign_id);
  if (!siyu_db_step_done (db, stmt, error))
    goto failed;
  if (sqlite3_changes (siyu_db_get_handle (db)) == 0)
    {
      not_found_id (campaign_id, error);
      goto failed;
    }
  if (!siyu_shop_audit (shop, "campaign-delete", "campaign", campaign_id, NULL, error) ||
      !siyu_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  siyu_db_rollback (db);
  return FALSE;
}

static void
actual_target_free (gpointer data)
{
  SiyuCampaignActualTarget *target = data;

  g_free (target->segment_name);
  g_free (target);
}

static void
actual_phase_free (gpointer data)
{
  SiyuCampaignActualPhase *phase = data;

  g_free (phase->theme);
  g_ptr_array_unref (phase->targets);
  g_free (phase);
}

void
siyu_campaign_actuals_free (SiyuCampaignActuals *actuals)
{
  if (actuals == NULL)
    return;
  g_free (actuals->name);
  g_free (actuals->currency);
  g_ptr_array_unref (actuals->phases);
  g_free (actuals);
}

enum {
  REACHED       = 1 << 0,
  HELD          = 1 << 1,
  BOUGHT        = 1 << 2,
  HELD_BOUGHT   = 1 << 3,
};

/* Counts what the touches of one target in its phase did, up to as_of. */
static gboolean
target_actuals (SiyuShop                 *shop,
                gint64                    campaign_id,
                gint64                    channel_id,
                const SiyuCampaignPhase  *phase,
                SiyuDay                   as_of,
                SiyuCampaignActualTarget *actual,
                GError                  **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GHashTable) contacts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) orders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) touches = g_array_new (FALSE, FALSE, sizeof (gint64) * 3);
  SiyuDay last = MIN (phase->ends_on, as_of);
  gint64 as_of_end = siyu_shop_day_start (shop, as_of + 1);
  g_autoptr(GArray) contact_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) flags = g_array_new (FALSE, FALSE, sizeof (guint));
  sqlite3_stmt *stmt;
  int rc;

  if (actual->segment_id <= 0 || last < phase->starts_on)
    return TRUE;

  stmt = siyu_db_prepare (db, "SELECT id, created_at, window_days FROM touches "
                              "WHERE segment_id = ?1 AND created_at >= ?2 AND created_at < ?3 "
                              "  AND (campaign_id IS NULL OR campaign_id = ?4) ORDER BY created_at, id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actual->segment_id);
  sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (shop, phase->starts_on));
  sqlite3_bind_int64 (stmt, 3, siyu_shop_day_start (shop, last + 1));
  sqlite3_bind_int64 (stmt, 4, campaign_id);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 row[3] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2) };

      g_array_append_vals (touches, row, 1);
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  actual->touches = touches->len;

  /* A flag word per contact; orders of reached contacts in a set for the net. */
  for (guint i = 0; i < touches->len; i++)
    {
      const gint64 *row = &g_array_index (touches, gint64, 3 * i);
      SiyuDay first = siyu_shop_day_of (shop, row[1]);
      gint64 end = MIN (siyu_shop_day_start (shop, first + MAX (1, row[2])), as_of_end);

      stmt = siyu_db_prepare (db, "SELECT tm.contact_id, tm.holdout, o.id, max (0, o.total_amount - o.refunded_amount) "
                                  "FROM touch_members tm LEFT JOIN orders o ON o.contact_id = tm.contact_id "
                                  "  AND o.status IN ('paid', 'partially_refunded') AND o.currency = ?1 "
                                  "  AND o.created_at >= ?2 AND o.created_at < ?3 AND (?4 = 0 OR o.channel_id = ?4) "
                                  "WHERE tm.touch_id = ?5", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, row[1]);
      sqlite3_bind_int64 (stmt, 3, end);
      sqlite3_bind_int64 (stmt, 4, channel_id);
      sqlite3_bind_int64 (stmt, 5, row[0]);
      while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
        {
          gint64 contact = sqlite3_column_int64 (stmt, 0);
          gboolean held = sqlite3_column_int (stmt, 1) != 0;
          gboolean has_order = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
          gpointer slot;
          guint index;

          if (g_hash_table_lookup_extended (contacts, &contact, NULL, &slot))
            index = GPOINTER_TO_UINT (slot);
          else
            {
              guint zero = 0;

              index = contact_ids->len;
              g_array_append_val (contact_ids, contact);
              g_array_append_val (flags, zero);
              g_hash_table_insert (contacts, g_memdup2 (&contact, sizeof contact), GUINT_TO_POINTER (index));
            }
          g_array_index (flags, guint, index) |= held ? HELD : REACHED;
          if (has_order)
            {
              g_array_index (flags, guint, index) |= held ? HELD_BOUGHT : BOUGHT;
              if (!held)
                {
                  gint64 order = sqlite3_column_int64 (stmt, 2);

                  if (!g_hash_table_contains (orders, &order))
                    {
                      g_hash_table_insert (orders, g_memdup2 (&order, sizeof order), NULL);
                      actual->net += sqlite3_column_int64 (stmt, 3);
                    }
                }
            }
        }
      sqlite3_reset (stmt);
      if (rc < 0)
        return FALSE;
    }

  for (guint i = 0; i < flags->len; i++)
    {
      guint f = g_array_index (flags, guint, i);

      if (f & REACHED)
        {
          actual->reached++;
          if (f & BOUGHT)
            actual->bought++;
        }
      else if (f & HELD)
        {
          actual->held_out++;
          if (f & HELD_BOUGHT)
            actual->holdout_bought++;
        }
    }
  actual->has_holdout = actual->held_out > 0;
  if (actual->has_holdout && actual->reached > 0)
    {
      actual->uplift = (double) actual->bought / actual->reached - (double) actual->holdout_bought / actual->held_out;
      actual->uplift_buyers = actual->uplift * actual->reached;
    }

  return TRUE;
}

/**
 * siyu_campaign_actuals_new:
 * @as_of: the day to count up to; SIYU_DAY_INVALID for the shop's today
 *
 * Planned against actual for a saved campaign (see the top of this file).
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
SiyuCampaignActuals *
siyu_campaign_actuals_new (SiyuShop  *shop,
                           gint64     campaign_id,
                           SiyuDay    as_of,
                           GError   **error)
{
  SiyuDb *db;
  g_autoptr(SiyuCampaignPlan) plan = NULL;
  g_autoptr(SiyuCampaignActuals) actuals = NULL;
  sqlite3_stmt *stmt;
  SiyuDay last;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  plan = siyu_campaign_load (shop, campaign_id, error);
  if (plan == NULL)
    return NULL;
  if (as_of == SIYU_DAY_INVALID)
    as_of = siyu_shop_get_today (shop);

  actuals = g_new0 (SiyuCampaignActuals, 1);
  actuals->phases = g_ptr_array_new_with_free_func (actual_phase_free);
  actuals->campaign_id = campaign_id;
  actuals->name = g_strdup (plan->name);
  actuals->as_of = as_of;
  actuals->sale_start = plan->sale_start;
  actuals->sale_end = plan->sale_end;
  actuals->target = plan->target;
  actuals->currency = g_strdup (plan->currency);
  actuals->buyers_needed = plan->buyers_needed;
  actuals->started = as_of >= plan->sale_start;
  actuals->finished = as_of >= plan->sale_end;

  last = MIN (plan->sale_end, as_of);
  if (last >= plan->sale_start)
    {
      stmt = siyu_db_prepare (db, "SELECT count (*), coalesce (sum (max (0, total_amount - refunded_amount)), 0), "
                                  "  count (DISTINCT contact_id) FROM orders "
                                  "WHERE " PAID " AND currency = ?1 AND created_at >= ?2 AND created_at < ?3 "
                                  "  AND (?4 = 0 OR channel_id = ?4)", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, plan->currency, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, siyu_shop_day_start (shop, plan->sale_start));
      sqlite3_bind_int64 (stmt, 3, siyu_shop_day_start (shop, last + 1));
      sqlite3_bind_int64 (stmt, 4, plan->channel_id);
      rc = siyu_db_step (db, stmt, error);
      if (rc == SQLITE_ROW)
        {
          actuals->orders = sqlite3_column_int64 (stmt, 0);
          actuals->gmv = sqlite3_column_int64 (stmt, 1);
          actuals->buyers = sqlite3_column_int64 (stmt, 2);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return NULL;
    }
  actuals->progress = (double) actuals->gmv / actuals->target;

  for (guint p = 0; p < plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, p);
      SiyuCampaignActualPhase *ap = g_new0 (SiyuCampaignActualPhase, 1);

      ap->kind = phase->kind;
      ap->starts_on = phase->starts_on;
      ap->ends_on = phase->ends_on;
      ap->theme = g_strdup (phase->theme);
      ap->targets = g_ptr_array_new_with_free_func (actual_target_free);
      g_ptr_array_add (actuals->phases, ap);
      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);
          SiyuCampaignActualTarget *at = g_new0 (SiyuCampaignActualTarget, 1);

          at->segment_id = target->segment_id;
          at->segment_name = g_strdup (target->segment_name);
          at->planned_reach = target->planned_reach;
          g_ptr_array_add (ap->targets, at);
          if (!target_actuals (shop, campaign_id, plan->channel_id, phase, as_of, at, error))
            return NULL;
          ap->planned_reach += at->planned_reach;
          ap->reached += at->reached;
          ap->bought += at->bought;
          ap->net += at->net;
        }
    }

  return g_steal_pointer (&actuals);
}

/**
 * siyu_campaign_actuals_to_json:
 *
 * Returns: (transfer full): { id, name, as_of, sale_start, sale_end,
 *   target, currency, buyers_needed, gmv, orders, buyers, progress,
 *   started, finished, phases: [{ kind, label, starts_on, ends_on, theme,
 *   planned_reach, reached, bought, net, targets: [{ segment_id, segment,
 *   planned_reach, touches, reached, held_out, bought, net, holdout_bought,
 *   has_holdout, uplift, uplift_buyers }] }] }
 */
JsonNode *
siyu_campaign_actuals_to_json (SiyuCampaignActuals *actuals)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (actuals != NULL, NULL);

  json_builder_begin_object (builder);
  add_int (builder, "id", actuals->campaign_id);
  add_string (builder, "name", actuals->name);
  add_day (builder, "as_of", actuals->as_of);
  add_day (builder, "sale_start", actuals->sale_start);
  add_day (builder, "sale_end", actuals->sale_end);
  add_int (builder, "target", actuals->target);
  add_string (builder, "currency", actuals->currency);
  add_int (builder, "buyers_needed", actuals->buyers_needed);
  add_int (builder, "gmv", actuals->gmv);
  add_int (builder, "orders", actuals->orders);
  add_int (builder, "buyers", actuals->buyers);
  add_double (builder, "progress", actuals->progress);
  add_bool (builder, "started", actuals->started);
  add_bool (builder, "finished", actuals->finished);
  json_builder_set_member_name (builder, "phases");
  json_builder_begin_array (builder);
  for (guint p = 0; p < actuals->phases->len; p++)
    {
      SiyuCampaignActualPhase *phase = g_ptr_array_index (actuals->phases, p);

      json_builder_begin_object (builder);
      add_string (builder, "kind", siyu_campaign_phase_kind_to_string (phase->kind));
      add_string (builder, "label", siyu_campaign_phase_kind_get_label (phase->kind));
      add_day (builder, "starts_on", phase->starts_on);
      add_day (builder, "ends_on", phase->ends_on);
      add_string (builder, "theme", phase->theme);
      add_int (builder, "planned_reach", phase->planned_reach);
      add_int (builder, "reached", phase->reached);
      add_int (builder, "bought", phase->bought);
      add_int (builder, "net", phase->net);
      json_builder_set_member_name (builder, "targets");
      json_builder_begin_array (builder);
      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignActualTarget *target = g_ptr_array_index (phase->targets, t);

          json_builder_begin_object (builder);
          add_id (builder, "segment_id", target->segment_id);
          add_string (builder, "segment", target->segment_name);
          add_int (builder, "planned_reach", target->planned_reach);
          add_int (builder, "touches", target->touches);
          add_int (builder, "reached", target->reached);
          add_int (builder, "held_out", target->held_out);
          add_int (builder, "bought", target->bought);
          add_int (builder, "net", target->net);
          add_int (builder, "holdout_bought", target->holdout_bought);
          add_bool (builder, "has_holdout", target->has_holdout);
          add_double (builder, "uplift", target->uplift);
          add_double (builder, "uplift_buyers", target->uplift_buyers);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
