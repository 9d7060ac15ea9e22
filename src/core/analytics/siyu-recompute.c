/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-recompute"

#include "config.h"

#include "siyu-membership.h"
#include "siyu-prediction.h"
#include "siyu-recompute.h"

typedef struct {
  SiyuProgressFunc progress;
  gpointer         data;
} Scaled;

/* Analytics take most of the time; predictions the rest. */
static void
analytics_progress_cb (double   fraction,
                       gpointer user_data)
{
  Scaled *scaled = user_data;

  scaled->progress (0.8 * fraction, scaled->data);
}

/**
 * siyu_recompute:
 * @analytics: (out) (optional) (transfer full): the figures computed
 *
 * Brings the memberships of the shop's rule up to date (siyu-membership.c),
 * then computes every analytic and prediction as of @as_of and stores them
 * in one transaction, with the data version they were counted from (see
 * siyu_shop_figures_are_stale()): what an import, a sync or the owner's
 * "Recompute" runs.  Inside a transaction of the caller's, everything is
 * stored in it and nothing is committed.  Cancelling leaves the stored
 * figures as they were.
 */
gboolean
siyu_recompute (SiyuShop          *shop,
                SiyuDay            as_of,
                SiyuProgressFunc   progress,
                gpointer           progress_data,
                GCancellable      *cancellable,
                SiyuAnalytics    **analytics,
                GError           **error)
{
  g_autoptr(SiyuAnalytics) computed = NULL;
  g_autoptr(SiyuPrediction) prediction = NULL;
  Scaled scaled = { progress, progress_data };
  gint64 version;
  gboolean own;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);

  if (!siyu_membership_apply_rule (shop, NULL, error))
    return FALSE;
  /* Read before counting: a change made while the figures are counted
   * leaves them marked out of date. */
  version = siyu_shop_get_data_version (shop, error);
  if (version < 0)
    return FALSE;
  computed = siyu_analytics_compute (shop, as_of, progress != NULL ? analytics_progress_cb : NULL, &scaled,
                                     cancellable, error);
  if (computed == NULL)
    return FALSE;

  prediction = siyu_prediction_compute (shop, computed, cancellable, error);
  if (prediction == NULL)
    return FALSE;
  json_object_set_member (json_node_get_object (siyu_analytics_get_summary (computed)), "predictive",
                          json_node_copy (siyu_prediction_get_summary (prediction)));
  if (progress != NULL)
    progress (0.9, progress_data);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  db = siyu_shop_get_db (shop);
  own = !siyu_db_in_transaction (db);
  if (own && !siyu_db_begin (db, error))
    return FALSE;
  if (!siyu_analytics_store (computed, shop, error) ||
      !siyu_prediction_store (prediction, shop, error) ||
      !siyu_shop_set_figures_version (shop, version, error) ||
      (own && !siyu_db_commit (db, error)))
    {
      if (own)
        siyu_db_rollback (db);
      return FALSE;
    }

  if (progress != NULL)
    progress (1.0, progress_data);
  if (analytics != NULL)
    *analytics = g_steal_pointer (&computed);

  return TRUE;
}
