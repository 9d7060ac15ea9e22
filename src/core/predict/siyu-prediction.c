/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-prediction"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "siyu-money.h"
#include "siyu-prediction.h"
#include "siyu-time.h"

/* Predicted value of each buyer from the shop's own orders: the purchase
 * histories of ANALYTICS.md "Predictive" (purchase days, weeks), BG/NBD for
 * how many more purchases, Gamma-Gamma for how much each is worth.  A model
 * that cannot be fitted leaves its fields empty and says why in the
 * summary.  Replenishment: for a restock product (ANALYTICS.md "Restock
 * products": at least 30 % of its buyers bought it on two or more days, and
 * at least 20 gaps between purchases), when each buyer should run out.  Its next due date is the earliest one on or after
 * the as-of day. */

struct _SiyuPrediction
{
  SiyuDay                as_of;
  GArray                *contacts;       /* SiyuContactPrediction, by contact id */
  GArray                *replenishments; /* SiyuReplenishment, by product then contact */
  JsonNode              *summary;
};

#define WEEK 7.0

void
siyu_prediction_free (SiyuPrediction *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->contacts, g_array_unref);
  g_clear_pointer (&self->replenishments, g_array_unref);
  g_clear_pointer (&self->summary, json_node_unref);
  g_free (self);
}

/* Purchase days: orders on one local day are one purchase of their summed
 * value. */
static gboolean
history_of (SiyuAnalytics    *analytics,
            guint             index,
            SiyuDay           as_of,
            double            scale,
            SiyuBuyerHistory *history)
{
  const SiyuDay *days;
  const gint64 *nets;
  double repeat_value = 0;
  guint n;

  siyu_analytics_get_purchases (analytics, index, &days, &nets, &n);
  if (n == 0)
    return FALSE;

  *history = (SiyuBuyerHistory) { 0 };
  for (guint k = 1; k < n; k++)
    {
      if (days[k] == days[0])
        continue;
      if (days[k] != days[k - 1])
        history->x++;
      repeat_value += nets[k];
    }

  history->t_x = (days[n - 1] - days[0]) / WEEK;
  history->T = (as_of - days[0]) / WEEK;
  history->m = history->x > 0 ? repeat_value / history->x / scale : 0.0;

  return TRUE;
}

static void
add_status (JsonBuilder  *builder,
            const char   *member,
            const GError *error)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  if (error == NULL)
    json_builder_add_string_value (builder, "ok");
  else
    {
      json_builder_add_string_value (builder,
                                     error->code == SIYU_PREDICT_ERROR_TOO_LITTLE_DATA ? "too_little_data" :
                                     error->code == SIYU_PREDICT_ERROR_NOT_CONVERGED ? "not_converged" :
                                     "invalid_data");
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, error->message);
    }
}

static void
add_double (JsonBuilder *builder,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_double_value (builder, value);
}

static int
compare_int (gconstpointer a,
             gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

/* The middle gap; with an even count, the mean of the middle two rounded
 * half up to a whole day. */
static int
median_days (GArray *gaps)
{
  guint n = gaps->len;

  g_array_sort (gaps, compare_int);
  if (n % 2 == 1)
    return g_array_index (gaps, int, n / 2);

  return (g_array_index (gaps, int, n / 2 - 1) + g_array_index (gaps, int, n / 2) + 1) / 2;
}

typedef struct {
  gint64   contact_id;
  SiyuDay  last;
  gboolean again;    /* bought it on two or more days */
} LastPurchase;

static void
close_product (SiyuPrediction *self,
               gint64          product_id,
               GArray         *gaps,
               GArray         *buyers,
               guint          *products_with_interval)
{
  guint again = 0;
  int interval;

  for (guint i = 0; i < buyers->len; i++)
    again += g_array_index (buyers, LastPurchase, i).again;

  /* A restock product: enough of its buyers buy it again (a travel cup
   * bought twice by a few collectors is not one), and enough gaps to
   * trust the median. */
  if (gaps->len >= SIYU_REPLENISH_MIN_GAPS &&
      (guint64) again * 100 >= (guint64) buyers->len * SIYU_REPLENISH_MIN_REPEAT_PERCENT)
    {
      interval = median_days (gaps);
      (*products_with_interval)++;

      for (guint i = 0; i < buyers->len; i++)
        {
          const LastPurchase *lp = &g_array_index (buyers, LastPurchase, i);
          SiyuReplenishment r = { lp->contact_id, product_id, lp->last, interval, lp->last + interval };

          g_array_append_val (self->replenishments, r);
        }
    }

  g_array_set_size (gaps, 0);
  g_array_set_size (buyers, 0);
}

typedef struct {
  gint64  contact_id;
  SiyuDay day;
} Purchase;

/* Every contact's purchases of each product up to the as-of day, read from
 * the snapshot: a counting sort by product of each contact's products in
 * day order leaves each product's buyers in contact and then day order. */
static gboolean
compute_replenishments (SiyuPrediction  *self,
                        SiyuSnapshot    *snapshot,
                        GCancellable    *cancellable,
                        guint           *products_with_interval,
                        GError         **error)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) products = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) buyers = g_array_new (FALSE, FALSE, sizeof (LastPurchase));
  g_autofree guint *bucket_of = NULL;
  g_autofree guint *start = NULL;
  g_autofree guint *fill = NULL;
  g_autofree Purchase *purchases = NULL;
  guint total = 0;

  /* The products bought, in id order. */
  for (guint i = 0; i < snapshot->n_items; i++)
    if (snapshot->item_days[i] <= self->as_of &&
        !g_hash_table_contains (index, &snapshot->item_products[i]))
      {
        g_hash_table_add (index, (gpointer) &snapshot->item_products[i]);
        g_array_append_val (products, snapshot->item_products[i]);
      }
  g_array_sort (products, siyu_compare_int64);
  for (guint b = 0; b < products->len; b++)
    g_hash_table_insert (index, &g_array_index (products, gint64, b), GUINT_TO_POINTER (b));
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  bucket_of = g_new (guint, MAX (snapshot->n_items, 1));
  start = g_new0 (guint, products->len + 1);
  for (guint i = 0; i < snapshot->n_items; i++)
    if (snapshot->item_days[i] <= self->as_of)
      {
        bucket_of[i] = GPOINTER_TO_UINT (g_hash_table_lookup (index, &snapshot->item_products[i]));
        start[bucket_of[i] + 1]++;
        total++;
      }
  for (guint b = 0; b < products->len; b++)
    start[b + 1] += start[b];

  fill = g_memdup2 (start, (products->len + 1) * sizeof (guint));
  purchases = g_new (Purchase, MAX (total, 1));
  for (guint p = 0; p < snapshot->n_people; p++)
    {
      const SiyuSnapshotPerson *person = &snapshot->people[p];

      for (guint k = 0; k < person->n_items; k++)
        {
          guint i = person->item_start + k;

          if (snapshot->item_days[i] <= self->as_of)
            purchases[fill[bucket_of[i]]++] = (Purchase) { person->id, snapshot->item_days[i] };
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  for (guint b = 0; b < products->len; b++)
    {
      for (guint k = start[b]; k < start[b + 1]; k++)
        {
          const Purchase *purchase = &purchases[k];
          LastPurchase *last = buyers->len > 0 ? &g_array_index (buyers, LastPurchase, buyers->len - 1) : NULL;

          if (last != NULL && last->contact_id == purchase->contact_id)
            {
              if (purchase->day != last->last)
                {
                  int gap = purchase->day - last->last;

                  g_array_append_val (gaps, gap);
                  last->last = purchase->day;
                  last->again = TRUE;
                }
            }
          else
            {
              LastPurchase lp = { purchase->contact_id, purchase->day, FALSE };

              g_array_append_val (buyers, lp);
            }
        }
      close_product (self, g_array_index (products, gint64, b), gaps, buyers, products_with_interval);
    }

  return TRUE;
}

static SiyuContactPrediction *
find_contact (SiyuPrediction *self,
              gint64          contact_id)
{
  guint lo = 0, hi = self->contacts->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      SiyuContactPrediction *p = &g_array_index (self->contacts, SiyuContactPrediction, mid);

      if (p->contact_id == contact_id)
        return p;
      if (p->contact_id < contact_id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return NULL;
}

/* BG/NBD's answers depend on (x, t_x, T) only, which many buyers share:
 * each is worked out once. */
typedef struct {
  double x, t_x, T;
  double p_alive;
  double orders_90d;
  double orders_52w;
} Expected;

static guint
history_hash (gconstpointer key)
{
  const Expected *e = key;

  return (guint) (e->x * 1000003 + e->t_x * 7919 * 7 + e->T * 7);
}

static gboolean
history_equal (gconstpointer a,
               gconstpointer b)
{
  const Expected *x = a, *y = b;

  return x->x == y->x && x->t_x == y->t_x && x->T == y->T;
}

/* The purchase model the predictions use (ANALYTICS.md "One-time
 * buyers"): the modified BG/NBD, which fits the CDNOW sample at least as
 * well as BG/NBD (log-likelihood −9582.14 against −9582.43, tests/
 * test-predict.c) and lets a one-time buyer have dropped out, so that a
 * customer who bought once long ago is not 100 % likely to buy again, as
 * BG/NBD would have it. */
static const Expected *
expected_for (GHashTable             *cache,
              const SiyuMbgNbd       *model,
              const SiyuBuyerHistory *h)
{
  Expected key = { h->x, h->t_x, h->T, 0, 0, 0 };
  Expected *e = g_hash_table_lookup (cache, &key);

  if (e != NULL)
    return e;

  e = g_memdup2 (&key, sizeof key);
  e->p_alive = siyu_mbgnbd_p_alive (model, h);
  e->orders_90d = siyu_mbgnbd_expected_purchases (model, h, 90 / WEEK);
  e->orders_52w = siyu_mbgnbd_expected_purchases (model, h, 52);
  g_hash_table_add (cache, e);

  return e;
}

static void
add_params (JsonBuilder     *builder,
            const SiyuBgNbd *params)
{
  add_double (builder, "r", params->r);
  add_double (builder, "alpha", params->alpha);
  add_double (builder, "a", params->a);
  add_double (builder, "b", params->b);
  add_double (builder, "log_likelihood", params->log_likelihood);
}

/**
 * siyu_prediction_compute:
 * @analytics: the shop's analytics, whose paid orders are the histories
 *
 * Fits and scores both models and the replenishment intervals as of the
 * analytics' day.  Too little data or a fit that does not converge is not
 * an error: the summary says so and the fields stay empty.
 *
 * Returns: (transfer full): the predictions, or %NULL with @error set when
 *   the shop could not be read or @cancellable was cancelled.
 */
SiyuPrediction *
siyu_prediction_compute (SiyuShop       *shop,
                         SiyuAnalytics  *analytics,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(SiyuPrediction) self = g_new0 (SiyuPrediction, 1);
  g_autoptr(GArray) histories = g_array_new (FALSE, FALSE, sizeof (SiyuBuyerHistory));
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) bg_error = NULL;
  g_autoptr(GError) gg_error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  double scale = pow (10, siyu_currency_digits (siyu_shop_get_currency (shop)));
  g_autoptr(GHashTable) cache = g_hash_table_new_full (history_hash, history_equal, g_free, NULL);
  guint n = siyu_analytics_get_n_contacts (analytics);
  guint repeaters = 0, products_with_interval = 0;
  SiyuMbgNbd bg = { 0 };
  SiyuGammaGamma gg = { 0 };
  gboolean bg_ok, gg_ok;
  gint64 started;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (analytics != NULL, NULL);

  self->as_of = siyu_analytics_get_as_of (analytics);
  self->contacts = g_array_new (FALSE, FALSE, sizeof (SiyuContactPrediction));
  self->replenishments = g_array_new (FALSE, FALSE, sizeof (SiyuReplenishment));

  for (guint i = 0; i < n; i++)
    {
      SiyuBuyerHistory h;

      if (!history_of (analytics, i, self->as_of, scale, &h))
        continue;
      g_array_append_val (histories, h);
      g_array_append_val (owners, i);
      repeaters += h.x > 0;
    }

  started = g_get_monotonic_time ();
  bg_ok = siyu_mbgnbd_fit ((SiyuBuyerHistory *) histories->data, histories->len, &bg, &bg_error);
  g_debug ("Fitted MBG/NBD to %u buyers in %.3f s", histories->len, (g_get_monotonic_time () - started) / 1e6);
  gg_ok = siyu_gamma_gamma_fit ((SiyuBuyerHistory *) histories->data, histories->len, &gg, &gg_error);
  g_debug ("Fitted Gamma-Gamma by %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  for (guint k = 0; k < histories->len; k++)
    {
      const SiyuBuyerHistory *h = &g_array_index (histories, SiyuBuyerHistory, k);
      SiyuContactPrediction p = {
        .contact_id = siyu_analytics_get_contact (analytics, g_array_index (owners, guint, k))->contact_id,
        .p_alive = NAN, .exp_orders_90d = NAN, .exp_order_value = NAN, .value_12m = NAN,
        .next_due = SIYU_DAY_INVALID,
      };

      if (bg_ok)
        {
          const Expected *e = expected_for (cache, &bg, h);

          p.p_alive = e->p_alive;
          p.exp_orders_90d = e->orders_90d;
          if (gg_ok)
            {
              p.exp_order_value = siyu_gamma_gamma_expected_value (&gg, h) * scale;
              p.value_12m = e->orders_52w * p.exp_order_value;
            }
        }
      else if (gg_ok)
        p.exp_order_value = siyu_gamma_gamma_expected_value (&gg, h) * scale;

      /* Never a made-up number: anything the arithmetic could not give stays empty. */
      if (!isfinite (p.p_alive) || p.p_alive < 0 || p.p_alive > 1)
        p.p_alive = NAN;
      if (!isfinite (p.exp_orders_90d) || p.exp_orders_90d < 0)
        p.exp_orders_90d = NAN;
      if (!isfinite (p.exp_order_value) || p.exp_order_value < 0)
        p.exp_order_value = NAN;
      if (!isfinite (p.value_12m) || p.value_12m < 0)
        p.value_12m = NAN;

      g_array_append_val (self->contacts, p);
    }

  g_debug ("Scored %u buyers (%u distinct histories) by %.3f s", histories->len,
           g_hash_table_size (cache), (g_get_monotonic_time () - started) / 1e6);

  if (!compute_replenishments (self, siyu_analytics_get_snapshot (analytics), cancellable,
                               &products_with_interval, error))
    return NULL;
  g_debug ("Scored and timed replenishment by %.3f s", (g_get_monotonic_time () - started) / 1e6);

  for (guint i = 0; i < self->replenishments->len; i++)
    {
      const SiyuReplenishment *r = &g_array_index (self->replenishments, SiyuReplenishment, i);
      SiyuContactPrediction *p = find_contact (self, r->contact_id);

      if (p != NULL && r->due >= self->as_of && (p->next_due == SIYU_DAY_INVALID || r->due < p->next_due))
        {
          p->next_due = r->due;
          p->next_due_product_id = r->product_id;
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "buyers");
  json_builder_add_int_value (builder, histories->len);
  json_builder_set_member_name (builder, "repeat_buyers");
  json_builder_add_int_value (builder, repeaters);
  add_status (builder, "mbgnbd", bg_error);
  if (bg_ok)
    add_params (builder, &bg);
  json_builder_end_object (builder);
  add_status (builder, "gamma_gamma", gg_error);
  if (gg_ok)
    {
      add_double (builder, "p", gg.p);
      add_double (builder, "q", gg.q);
      add_double (builder, "v", gg.v);
      add_double (builder, "log_likelihood", gg.log_likelihood);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "replenishment");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "products");
  json_builder_add_int_value (builder, products_with_interval);
  json_builder_set_member_name (builder, "buyers_due");
  json_builder_add_int_value (builder, self->replenishments->len);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  self->summary = json_builder_get_root (builder);

  return g_steal_pointer (&self);
}

static void
bind_day (sqlite3_stmt *stmt,
          int           column,
          SiyuDay       day)
{
  g_autofree char *text = NULL;

  if (day == SIYU_DAY_INVALID)
    return;

  text = siyu_day_format (day);
  sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static void
bind_real (sqlite3_stmt *stmt,
           int           column,
           double        value)
{
  if (!isnan (value))
    sqlite3_bind_double (stmt, column, value);
}

static void
bind_money (sqlite3_stmt *stmt,
            int           column,
            double        value)
{
  if (!isnan (value))
    sqlite3_bind_int64 (stmt, column, (gint64) llround (value));
}

static gboolean
same_real (sqlite3_stmt *stmt,
           int           column,
           double        value)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return isnan (value);

  return !isnan (value) && sqlite3_column_double (stmt, column) == value;
}

static gboolean
same_money (sqlite3_stmt *stmt,
            int           column,
            double        value)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return isnan (value);

  return !isnan (value) && sqlite3_column_int64 (stmt, column) == (gint64) llround (value);
}

static gboolean
same_day (sqlite3_stmt *stmt,
          int           column,
          SiyuDay       day)
{
  SiyuDay stored;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return day == SIYU_DAY_INVALID;
  if (day == SIYU_DAY_INVALID)
    return FALSE;

  /* Read rather than written: a day as text for each of 300,000 rows
   * was a fifth of a recompute with nothing new. */
  return siyu_day_parse ((const char *) sqlite3_column_text (stmt, column), &stored) && stored == day;
}

static gboolean
same_prediction (sqlite3_stmt                *stmt,
                 const SiyuContactPrediction *p)
{
  return same_real (stmt, 1, p->p_alive) &&
         same_real (stmt, 2, p->exp_orders_90d) &&
         same_money (stmt, 3, p->exp_order_value) &&
         same_money (stmt, 4, p->value_12m) &&
         same_day (stmt, 5, p->next_due) &&
         (p->next_due == SIYU_DAY_INVALID
          ? sqlite3_column_type (stmt, 6) == SQLITE_NULL
          : (sqlite3_column_type (stmt, 6) != SQLITE_NULL &&
             sqlite3_column_int64 (stmt, 6) == p->next_due_product_id));
}

static gboolean
same_replenishment (sqlite3_stmt            *stmt,
                    const SiyuReplenishment *r)
{
  return same_day (stmt, 2, r->last_purchase) &&
         sqlite3_column_type (stmt, 3) == SQLITE_INTEGER &&
         sqlite3_column_int64 (stmt, 3) == r->interval_days &&
         same_day (stmt, 4, r->due);
}

static int
compare_replenishment_keys (gconstpointer a,
                            gconstpointer b)
{
  const SiyuReplenishment *x = a, *y = b;

  if (x->contact_id != y->contact_id)
    return x->contact_id < y->contact_id ? -1 : 1;

  return (x->product_id > y->product_id) - (x->product_id < y->product_id);
}

/* Row ids (contact_id, product_id) of what is stored and not wanted, and
 * indexes of the wanted rows that are not stored as they are.  Both lists
 * are walked in key order, the stored ones by primary key. */
typedef struct {
  GArray *gone;      /* gint64 pairs */
  GArray *changed;   /* guint */
} Changes;

static int
compare_keys (gint64 a1,
              gint64 a2,
              gint64 b1,
              gint64 b2)
{
  if (a1 != b1)
    return a1 < b1 ? -1 : 1;

  return (a2 > b2) - (a2 < b2);
}

/* Compares the stored rows @select reads (key columns first, then the
 * values) with the @n wanted ones in key order. */
static gboolean
find_changes (SiyuDb        *db,
              sqlite3_stmt  *select,
              gboolean       two_keys,
              guint          n,
              void         (*key_of) (gconstpointer rows, guint i, gint64 key[2]),
              gboolean     (*same) (sqlite3_stmt *stmt, gconstpointer rows, guint i),
              gconstpointer  rows,
              Changes       *changes,
              GError       **error)
{
  guint next = 0;
  int rc;

  while ((rc = siyu_db_step (db, select, error)) == SQLITE_ROW)
    {
      gint64 stored[2] = { sqlite3_column_int64 (select, 0), two_keys ? sqlite3_column_int64 (select, 1) : 0 };
      gint64 wanted[2] = { 0, 0 };
      int order = 1;

      while (next < n)
        {
          key_of (rows, next, wanted);
          order = compare_keys (wanted[0], wanted[1], stored[0], stored[1]);
          if (order >= 0)
            break;
          g_array_append_val (changes->changed, next);
          next++;
        }

      if (next < n && order == 0)
        {
          if (!same (select, rows, next))
            g_array_append_val (changes->changed, next);
          next++;
        }
      else
        g_array_append_vals (changes->gone, stored, 2);
    }
  sqlite3_reset (select);
  if (rc != SQLITE_DONE)
    return FALSE;

  for (; next < n; next++)
    g_array_append_val (changes->changed, next);

  return TRUE;
}

static void
prediction_key (gconstpointer rows,
                guint         i,
                gint64        key[2])
{
  key[0] = ((const SiyuContactPrediction *) rows)[i].contact_id;
  key[1] = 0;
}

static gboolean
prediction_same (sqlite3_stmt  *stmt,
                 gconstpointer  rows,
                 guint          i)
{
  return same_prediction (stmt, (const SiyuContactPrediction *) rows + i);
}

static void
replenishment_key (gconstpointer rows,
                   guint         i,
                   gint64        key[2])
{
  const SiyuReplenishment *r = (const SiyuReplenishment *) rows + i;

  key[0] = r->contact_id;
  key[1] = r->product_id;
}

static gboolean
replenishment_same (sqlite3_stmt  *stmt,
                    gconstpointer  rows,
                    guint          i)
{
  return same_replenishment (stmt, (const SiyuReplenishment *) rows + i);
}

static gboolean
store_predictions (SiyuPrediction  *self,
                   SiyuDb          *db,
                   GError         **error)
{
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  Changes changes = { gone, changed };
  sqlite3_stmt *stmt;

  stmt = siyu_db_prepare (db,
                          "SELECT contact_id, p_alive, exp_orders_90d, exp_order_value, value_12m, "
                          "  next_due, next_due_product_id FROM contact_predictions ORDER BY contact_id",
                          error);
  if (stmt == NULL ||
      !find_changes (db, stmt, FALSE, self->contacts->len, prediction_key, prediction_same,
                     self->contacts->data, &changes, error))
    return FALSE;

  stmt = siyu_db_prepare (db, "DELETE FROM contact_predictions WHERE contact_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < gone->len; i += 2)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (gone, gint64, i));
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);

  stmt = siyu_db_prepare (db,
                          "INSERT INTO contact_predictions (contact_id, p_alive, exp_orders_90d, "
                          "  exp_order_value, value_12m, next_due, next_due_product_id) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (contact_id) DO UPDATE SET p_alive = excluded.p_alive, "
                          "  exp_orders_90d = excluded.exp_orders_90d, exp_order_value = excluded.exp_order_value, "
                          "  value_12m = excluded.value_12m, next_due = excluded.next_due, "
                          "  next_due_product_id = excluded.next_due_product_id",
                          error);
  if (stmt == NULL)
    return FALSE;

  for (guint k = 0; k < changed->len; k++)
    {
      const SiyuContactPrediction *p = &g_array_index (self->contacts, SiyuContactPrediction,
                                                       g_array_index (changed, guint, k));

      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int64 (stmt, 1, p->contact_id);
      bind_real (stmt, 2, p->p_alive);
      bind_real (stmt, 3, p->exp_orders_90d);
      bind_money (stmt, 4, p->exp_order_value);
      bind_money (stmt, 5, p->value_12m);
      bind_day (stmt, 6, p->next_due);
      if (p->next_due != SIYU_DAY_INVALID)
        sqlite3_bind_int64 (stmt, 7, p->next_due_product_id);
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);
  g_debug ("Predictions: %u rewritten, %u removed", changed->len, gone->len / 2);

  return TRUE;
}

static gboolean
store_replenishments (SiyuPrediction  *self,
                      SiyuDb          *db,
                      GError         **error)
{
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) wanted = g_array_copy (self->replenishments);
  Changes changes = { gone, changed };
  sqlite3_stmt *stmt;

  g_array_sort (wanted, compare_replenishment_keys);
  stmt = siyu_db_prepare (db,
                          "SELECT contact_id, product_id, last_purchase, interval_days, due "
                          "FROM replenishments ORDER BY contact_id, product_id",
                          error);
  if (stmt == NULL ||
      !find_changes (db, stmt, TRUE, wanted->len, replenishment_key, replenishment_same,
                     wanted->data, &changes, error))
    return FALSE;

  stmt = siyu_db_prepare (db, "DELETE FROM replenishments WHERE contact_id = ? AND product_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < gone->len; i += 2)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (gone, gint64, i));
      sqlite3_bind_int64 (stmt, 2, g_array_index (gone, gint64, i + 1));
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);

  stmt = siyu_db_prepare (db,
                          "INSERT INTO replenishments (contact_id, product_id, last_purchase, interval_days, due) "
                          "VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (contact_id, product_id) DO UPDATE SET "
                          "  last_purchase = excluded.last_purchase, interval_days = excluded.interval_days, "
                          "  due = excluded.due",
                          error);
  if (stmt == NULL)
    return FALSE;

  for (guint k = 0; k < changed->len; k++)
    {
      const SiyuReplenishment *r = &g_array_index (wanted, SiyuReplenishment, g_array_index (changed, guint, k));

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, r->contact_id);
      sqlite3_bind_int64 (stmt, 2, r->product_id);
      bind_day (stmt, 3, r->last_purchase);
      sqlite3_bind_int (stmt, 4, r->interval_days);
      bind_day (stmt, 5, r->due);
      if (siyu_db_step (db, stmt, error) < 0)
        return FALSE;
    }
  sqlite3_reset (stmt);
  g_debug ("Replenishments: %u rewritten, %u removed", changed->len, gone->len / 2);

  return TRUE;
}

/**
 * siyu_prediction_store:
 *
 * Makes the stored predictions and replenishments these, inside the
 * caller's transaction.  Only the rows that differ are written: after a
 * recompute of unchanged data, none.
 */
gboolean
siyu_prediction_store (SiyuPrediction  *self,
                       SiyuShop        *shop,
                       GError         **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (siyu_db_in_transaction (db), FALSE);

  return store_predictions (self, db, error) && store_replenishments (self, db, error);
}

/* Returns: (transfer none): parameters, fit quality and buyers used. */
JsonNode *
siyu_prediction_get_summary (SiyuPrediction *self)
{
  return self->summary;
}

/* Returns: (nullable): the buyer's prediction; %NULL for a contact who never bought. */
const SiyuContactPrediction *
siyu_prediction_lookup (SiyuPrediction *self,
                        gint64          contact_id)
{
  return find_contact (self, contact_id);
}

static int
compare_due (gconstpointer a,
             gconstpointer b)
{
  const SiyuReplenishment *x = a, *y = b;

  if (x->due != y->due)
    return x->due < y->due ? -1 : 1;
  if (x->contact_id != y->contact_id)
    return x->contact_id < y->contact_id ? -1 : 1;
  return (x->product_id > y->product_id) - (x->product_id < y->product_id);
}

/**
 * siyu_prediction_due_between:
 *
 * Returns: (transfer full) (element-type SiyuReplenishment): the buyers due
 *   to run out of a product between @first and @last, soonest first.
 */
GArray *
siyu_prediction_due_between (SiyuPrediction *self,
                             SiyuDay         first,
                             SiyuDay         last)
{
  GArray *due = g_array_new (FALSE, FALSE, sizeof (SiyuReplenishment));

  for (guint i = 0; i < self->replenishments->len; i++)
    {
      const SiyuReplenishment *r = &g_array_index (self->replenishments, SiyuReplenishment, i);

      if (r->due >= first && r->due <= last)
        g_array_append_val (due, *r);
    }

  g_array_sort (due, compare_due);

  return due;
}
