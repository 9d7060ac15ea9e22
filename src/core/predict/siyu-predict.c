/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-predict"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "siyu-predict.h"
#include "siyu-time.h"

/* BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"),
 * the modified BG/NBD (Batislam, Denizel & Filiztekin 2007, "Empirical
 * validation and comparison of models for customer base analysis", with
 * the erratum of Wagner & Hoppe 2008), where a customer may also drop out
 * right after the first purchase, so that a one-time buyer is not certain
 * to be alive, and the Gamma-Gamma spend model (Fader & Hardie 2013),
 * fitted by maximum likelihood.  Parameters are optimised on their logarithms, so they stay
 * positive, with Nelder-Mead from several starting points; the best end
 * point is polished by restarting the simplex there until it stops moving. */

G_DEFINE_QUARK (siyu-predict-error-quark, siyu_predict_error)

#define NM_MAX_ITERATIONS 20000
#define NM_TOLERANCE 1e-10

typedef double (*Objective) (const double *params,
                             gpointer      data);

/* log (exp (a) + exp (b)) without overflow. */
static double
log_add_exp (double a,
             double b)
{
  double hi = MAX (a, b), lo = MIN (a, b);

  if (isinf (hi) && hi < 0)
    return hi;

  return hi + log1p (exp (lo - hi));
}

static gboolean
nelder_mead_run (Objective  f,
                 gpointer   data,
                 double    *x,
                 int        n,
                 double     step,
                 double    *f_min)
{
  double simplex[5][4], values[5], centroid[4], trial[4], trial2[4];
  int iteration;

  g_assert (n <= 4);

  for (int i = 0; i <= n; i++)
    {
      for (int j = 0; j < n; j++)
        simplex[i][j] = x[j] + (i == j + 1 ? step : 0.0);
      values[i] = f (simplex[i], data);
    }

  for (iteration = 0; iteration < NM_MAX_ITERATIONS; iteration++)
    {
      int best = 0, worst = 0, second = 0;
      double f_r, f_e, f_c;

      for (int i = 1; i <= n; i++)
        {
          if (values[i] < values[best])
            best = i;
          if (values[i] > values[worst])
            worst = i;
        }
      second = best;
      for (int i = 0; i <= n; i++)
        if (i != worst && values[i] > values[second])
          second = i;

      if (fabs (values[worst] - values[best]) <= NM_TOLERANCE * (fabs (values[best]) + NM_TOLERANCE))
        {
          double size = 0.0;

          for (int i = 0; i <= n; i++)
            for (int j = 0; j < n; j++)
              size = MAX (size, fabs (simplex[i][j] - simplex[best][j]));
          if (size < 1e-8)
            break;
        }

      for (int j = 0; j < n; j++)
        {
          centroid[j] = 0.0;
          for (int i = 0; i <= n; i++)
            if (i != worst)
              centroid[j] += simplex[i][j] / n;
        }

      for (int j = 0; j < n; j++)
        trial[j] = centroid[j] + (centroid[j] - simplex[worst][j]);
      f_r = f (trial, data);

      if (f_r < values[best])
        {
          for (int j = 0; j < n; j++)
            trial2[j] = centroid[j] + 2.0 * (centroid[j] - simplex[worst][j]);
          f_e = f (trial2, data);
          if (f_e < f_r)
            {
              memcpy (simplex[worst], trial2, sizeof (double) * n);
              values[worst] = f_e;
            }
          else
            {
              memcpy (simplex[worst], trial, sizeof (double) * n);
              values[worst] = f_r;
            }
          continue;
        }

      if (f_r < values[second])
        {
          memcpy (simplex[worst], trial, sizeof (double) * n);
          values[worst] = f_r;
          continue;
        }

      /* Contract towards the better of the worst point and its reflection. */
      for (int j = 0; j < n; j++)
        trial2[j] = f_r < values[worst] ? centroid[j] + 0.5 * (trial[j] - centroid[j])
                                        : centroid[j] + 0.5 * (simplex[worst][j] - centroid[j]);
      f_c = f (trial2, data);
      if (f_c < MIN (f_r, values[worst]))
        {
          memcpy (simplex[worst], trial2, sizeof (double) * n);
          values[worst] = f_c;
          continue;
        }

      for (int i = 0; i <= n; i++)
        {
          if (i == best)
            continue;
          for (int j = 0; j < n; j++)
            simplex[i][j] = simplex[best][j] + 0.5 * (simplex[i][j] - simplex[best][j]);
          values[i] = f (simplex[i], data);
        }
    }

  {
    int best = 0;

    for (int i = 1; i <= n; i++)
      if (values[i] < values[best])
        best = i;
    memcpy (x, simplex[best], sizeof (double) * n);
    *f_min = values[best];
  }

  return iteration < NM_MAX_ITERATIONS && isfinite (*f_min);
}

#define MAX_STARTS 4

typedef struct {
  Objective f;
  gpointer  data;
  int       n;
  double    x[4];
  double    fx;
  gboolean  ok;
} Run;

static gpointer
run_start (gpointer data)
{
  Run *run = data;

  run->ok = nelder_mead_run (run->f, run->data, run->x, run->n, 0.5, &run->fx);

  return NULL;
}

/* Minimises @f from each of @starts (n_starts × n values), then restarts
 * from the best point until the minimum stops improving. */
static gboolean
minimise (Objective     f,
          gpointer      data,
          const double *starts,
          int           n_starts,
          int           n,
          double       *best_x,
          double       *best_f)
{
  Run runs[MAX_STARTS];
  GThread *threads[MAX_STARTS] = { NULL };
  gboolean converged = FALSE;
  guint processors = g_get_num_processors ();

  g_assert (n_starts <= MAX_STARTS);
  *best_f = INFINITY;

  /* The starts are independent runs: on a computer with more than one
   * core they run at once, and the best is taken in the starts' order
   * exactly as when they run one after the other. */
  for (int s = 0; s < n_starts; s++)
    {
      runs[s] = (Run) { f, data, n, { 0 }, INFINITY, FALSE };
      memcpy (runs[s].x, starts + s * n, sizeof (double) * n);
      if (s > 0 && processors > 1)
        threads[s] = g_thread_try_new ("siyu-fit", run_start, &runs[s], NULL);
    }
  for (int s = 0; s < n_starts; s++)
    if (threads[s] == NULL)
      run_start (&runs[s]);
  for (int s = 0; s < n_starts; s++)
    {
      if (threads[s] != NULL)
        g_thread_join (threads[s]);
      if (runs[s].ok && runs[s].fx < *best_f)
        {
          memcpy (best_x, runs[s].x, sizeof (double) * n);
          *best_f = runs[s].fx;
          converged = TRUE;
        }
    }

  if (!converged)
    return FALSE;

  for (int round = 0; round < 20; round++)
    {
      double x[4], fx;

      memcpy (x, best_x, sizeof (double) * n);
      if (!nelder_mead_run (f, data, x, n, 0.05, &fx))
        return FALSE;
      if (fx >= *best_f - 1e-9)
        break;
      memcpy (best_x, x, sizeof (double) * n);
      *best_f = fx;
    }

  return isfinite (*best_f);
}

static double
bgnbd_buyer_log_likelihood (const SiyuBgNbd        *m,
                            const SiyuBuyerHistory *h)
{
  double a1 = lgamma (m->r + h->x) - lgamma (m->r) + m->r * log (m->alpha);
  double a2 = lgamma (m->a + m->b) + lgamma (m->b + h->x) - lgamma (m->b) - lgamma (m->a + m->b + h->x);
  double a3 = -(m->r + h->x) * log (m->alpha + h->T);
  double a4 = -INFINITY;

  if (h->x > 0)
    a4 = log (m->a) - log (m->b + h->x - 1) - (m->r + h->x) * log (m->alpha + h->t_x);

  return a1 + a2 + log_add_exp (a3, a4);
}

double
siyu_bgnbd_log_likelihood (const SiyuBgNbd        *model,
                           const SiyuBuyerHistory *buyers,
                           gsize                   n)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    sum += bgnbd_buyer_log_likelihood (model, &buyers[i]);

  return sum;
}

/* Buyers with the same history count once, with a weight; rows are sorted
 * by x so that the terms depending only on x and the parameters are
 * computed once per distinct x.  A shop's many one-time buyers differ only
 * in T, so this is several times faster than a term per buyer. */
typedef struct {
  double x;
  double t_x;
  double T;
  double m;
  double log_m;
  double log_x;
  double weight;
  guint  t_x_index;   /* into Rows.times */
  guint  T_index;
} Row;

/* The distinct values of t_x and T are few (whole days over two or three
 * years), so log (α + t) is computed once per value and evaluation. */
typedef struct {
  Row    *rows;
  gsize   n;
  double *times;
  gsize   n_times;
} Rows;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static guint
time_index (const Rows *rows,
            double      t)
{
  gsize lo = 0, hi = rows->n_times;

  while (lo < hi)
    {
      gsize mid = (lo + hi) / 2;

      if (rows->times[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }

  return (guint) lo;
}

static void
index_times (Rows *rows)
{
  gsize n = 0;

  rows->times = g_new (double, 2 * MAX (rows->n, 1));
  for (gsize i = 0; i < rows->n; i++)
    {
      rows->times[n++] = rows->rows[i].t_x;
      rows->times[n++] = rows->rows[i].T;
    }
  qsort (rows->times, n, sizeof (double), compare_doubles);

  rows->n_times = 0;
  for (gsize i = 0; i < n; i++)
    if (rows->n_times == 0 || rows->times[rows->n_times - 1] != rows->times[i])
      rows->times[rows->n_times++] = rows->times[i];

  for (gsize i = 0; i < rows->n; i++)
    {
      rows->rows[i].t_x_index = time_index (rows, rows->rows[i].t_x);
      rows->rows[i].T_index = time_index (rows, rows->rows[i].T);
    }
}

static void
rows_clear (Rows *rows)
{
  g_clear_pointer (&rows->rows, g_free);
  g_clear_pointer (&rows->times, g_free);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = a, *y = b;

  if (x->x != y->x)
    return x->x < y->x ? -1 : 1;
  if (x->t_x != y->t_x)
    return x->t_x < y->t_x ? -1 : 1;
  if (x->T != y->T)
    return x->T < y->T ? -1 : 1;
  return (x->m > y->m) - (x->m < y->m);
}

static Rows
compress (const SiyuBuyerHistory *buyers,
          gsize                   n,
          gboolean                repeaters_only,
          gboolean                keep_m)
{
  Rows rows = { g_new (Row, MAX (n, 1)), 0, NULL, 0 };
  gsize kept = 0;

  for (gsize i = 0; i < n; i++)
    {
      const SiyuBuyerHistory *h = &buyers[i];

      if (repeaters_only && !(h->x >= 1 && h->m > 0))
        continue;
      rows.rows[kept++] = (Row) { h->x, h->t_x, h->T, keep_m ? h->m : 0, 0, 0, 1 };
    }

  qsort (rows.rows, kept, sizeof (Row), compare_rows);
  for (gsize i = 0; i < kept; i++)
    {
      Row *last = rows.n > 0 ? &rows.rows[rows.n - 1] : NULL;

      if (last != NULL && compare_rows (last, &rows.rows[i]) == 0)
        last->weight++;
      else
        rows.rows[rows.n++] = rows.rows[i];
    }

  for (gsize i = 0; i < rows.n; i++)
    {
      rows.rows[i].log_m = rows.rows[i].m > 0 ? log (rows.rows[i].m) : 0;
      rows.rows[i].log_x = rows.rows[i].x > 0 ? log (rows.rows[i].x) : 0;
    }
  index_times (&rows);

  return rows;
}

static double
bgnbd_rows_log_likelihood (const SiyuBgNbd *m,
                           const Rows      *rows)
{
  double sum = 0.0, by_x = 0.0, dropout = 0.0, x = -1;
  double log_alpha = log (m->alpha);
  double shared = lgamma (m->a + m->b) - lgamma (m->b) - lgamma (m->r) + m->r * log_alpha;
  g_autofree double *log_times = g_new (double, MAX (rows->n_times, 1));

  for (gsize k = 0; k < rows->n_times; k++)
    log_times[k] = log (m->alpha + rows->times[k]);

  for (gsize i = 0; i < rows->n; i++)
    {
      const Row *row = &rows->rows[i];
      double a3, a4 = -INFINITY;

      if (row->x != x)
        {
          x = row->x;
          by_x = shared + lgamma (m->r + x) + lgamma (m->b + x) - lgamma (m->a + m->b + x);
          dropout = x > 0 ? log (m->a) - log (m->b + x - 1) : -INFINITY;
        }

      a3 = -(m->r + x) * log_times[row->T_index];
      if (x > 0)
        a4 = dropout - (m->r + x) * log_times[row->t_x_index];
      sum += row->weight * (by_x + log_add_exp (a3, a4));
    }

  return sum;
}

static double
bgnbd_objective (const double *params,
                 gpointer      data)
{
  const Rows *rows = data;
  SiyuBgNbd model = { exp (params[0]), exp (params[1]), exp (params[2]), exp (params[3]), 0 };
  double ll;

  for (int i = 0; i < 4; i++)
    if (fabs (params[i]) > 30.0)
      return INFINITY;

  ll = bgnbd_rows_log_likelihood (&model, rows);

  return isfinite (ll) ? -ll : INFINITY;
}

/* Refuses inconsistent histories, and samples with too few buyers who
 * came back (with a spend, for @spend) to fit on. */
static gboolean
check_histories (const SiyuBuyerHistory  *buyers,
                 gsize                    n,
                 gboolean                 spend,
                 GError                 **error)
{
  gsize repeaters = 0;

  for (gsize i = 0; i < n; i++)
    {
      const SiyuBuyerHistory *h = &buyers[i];

      if (!isfinite (h->x) || !isfinite (h->t_x) || !isfinite (h->T) || !isfinite (h->m) ||
          h->x < 0 || h->t_x < 0 || h->T < h->t_x || h->m < 0)
        {
          g_set_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_INVALID_DATA,
                       _("A buyer’s purchase history is not consistent (buyer %zu)."), (size_t) i + 1);
          return FALSE;
        }
      if (h->x >= 1 && (!spend || h->m > 0))
        repeaters++;
    }

  if (repeaters < SIYU_PREDICT_MIN_REPEATERS)
    {
      g_set_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_TOO_LITTLE_DATA,
                   _("Too few customers bought again to predict: %zu of the %d needed."),
                   (size_t) repeaters, SIYU_PREDICT_MIN_REPEATERS);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_bgnbd_fit:
 *
 * Fits BG/NBD by maximum likelihood.  Fails with
 * %SIYU_PREDICT_ERROR_TOO_LITTLE_DATA when fewer than
 * %SIYU_PREDICT_MIN_REPEATERS buyers came back, and with
 * %SIYU_PREDICT_ERROR_NOT_CONVERGED when no start reached a minimum.
 */
gboolean
siyu_bgnbd_fit (const SiyuBuyerHistory *buyers,
                gsize                   n,
                SiyuBgNbd              *model,
                GError                **error)
{
  static const double starts[] = {
    0.0, 0.0, 0.0, 0.0,
    -1.0, 1.5, -0.5, 1.0,
    0.5, 2.5, 0.5, 0.5,
    -2.0, 0.0, 1.0, 2.0,
  };
  Rows rows;
  double best[4], f;
  gboolean ok;

  g_return_val_if_fail (model != NULL, FALSE);

  if (!check_histories (buyers, n, FALSE, error))
    return FALSE;

  rows = compress (buyers, n, FALSE, FALSE);
  ok = minimise (bgnbd_objective, &rows, starts, G_N_ELEMENTS (starts) / 4, 4, best, &f);
  rows_clear (&rows);
  if (!ok)
    {
      g_set_error_literal (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_NOT_CONVERGED,
                           _("The purchase model did not settle on an answer for this shop’s data."));
      return FALSE;
    }

  model->r = exp (best[0]);
  model->alpha = exp (best[1]);
  model->a = exp (best[2]);
  model->b = exp (best[3]);
  model->log_likelihood = -f;

  return TRUE;
}

/* The odds that a customer with this history has already dropped out,
 * as a logarithm: log (a / (b + x − 1)) + (r + x) log ((α + T) / (α + t_x)). */
static double
log_dropout_odds (const SiyuBgNbd        *m,
                  const SiyuBuyerHistory *h)
{
  if (h->x <= 0)
    return -INFINITY;

  return log (m->a) - log (m->b + h->x - 1) +
         (m->r + h->x) * (log (m->alpha + h->T) - log (m->alpha + h->t_x));
}

/* P(alive | x, t_x, T) = 1 / (1 + odds). */
double
siyu_bgnbd_p_alive (const SiyuBgNbd        *model,
                    const SiyuBuyerHistory *buyer)
{
  double z = log_dropout_odds (model, buyer);

  if (isinf (z))
    return 1.0;

  return z > 0 ? exp (-z) / (1.0 + exp (-z)) : 1.0 / (1.0 + exp (z));
}

/* Gauss's hypergeometric function by its series; converges for |z| < 1,
 * which is all BG/NBD needs (z = t / (α + T + t)). */
double
siyu_hyp2f1 (double a,
             double b,
             double c,
             double z)
{
  double term = 1.0, sum = 1.0;

  g_return_val_if_fail (fabs (z) < 1.0, NAN);

  for (int k = 0; k < 1000000; k++)
    {
      term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
      sum += term;
      if (fabs (term) <= 1e-16 * fabs (sum))
        return sum;
    }

  return NAN;
}

/**
 * siyu_bgnbd_expected_purchases:
 * @weeks: the length of the coming period
 *
 * E[Y(t) | x, t_x, T] of Fader, Hardie & Lee (2005), equation 10: the
 * purchases expected in the next @weeks weeks.
 */
double
siyu_bgnbd_expected_purchases (const SiyuBgNbd        *model,
                               const SiyuBuyerHistory *buyer,
                               double                  weeks)
{
  const SiyuBgNbd *m = model;
  const SiyuBuyerHistory *h = buyer;
  double z = weeks / (m->alpha + h->T + weeks);
  double hyp = siyu_hyp2f1 (m->r + h->x, m->b + h->x, m->a + m->b + h->x - 1, z);
  double outside = pow ((m->alpha + h->T) / (m->alpha + h->T + weeks), m->r + h->x);
  double numerator = (m->a + m->b + h->x - 1) / (m->a - 1) * (1.0 - outside * hyp);

  return numerator * siyu_bgnbd_p_alive (m, h);
}

/* MBG/NBD, one buyer: L = A1 · A2 · ((α+T)^−(r+x) + a/(b+x) (α+t_x)^−(r+x))
 * with A1 = Γ(r+x) α^r / Γ(r) and A2 = B(a, b+x+1) / B(a, b); every buyer
 * has the dropout term, one-time buyers too. */
static double
mbgnbd_buyer_log_likelihood (const SiyuMbgNbd       *m,
                             const SiyuBuyerHistory *h)
{
  double a1 = lgamma (m->r + h->x) - lgamma (m->r) + m->r * log (m->alpha);
  double a2 = lgamma (m->a + m->b) + lgamma (m->b + h->x + 1) - lgamma (m->b) - lgamma (m->a + m->b + h->x + 1);
  double a3 = -(m->r + h->x) * log (m->alpha + h->T);
  double a4 = log (m->a) - log (m->b + h->x) - (m->r + h->x) * log (m->alpha + h->t_x);

  return a1 + a2 + log_add_exp (a3, a4);
}

double
siyu_mbgnbd_log_likelihood (const SiyuMbgNbd       *model,
                            const SiyuBuyerHistory *buyers,
                            gsize                   n)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    sum += mbgnbd_buyer_log_likelihood (model, &buyers[i]);

  return sum;
}

static double
mbgnbd_rows_log_likelihood (const SiyuMbgNbd *m,
                            const Rows       *rows)
{
  double sum = 0.0, by_x = 0.0, dropout = 0.0, x = -1;
  double log_alpha = log (m->alpha);
  double shared = lgamma (m->a + m->b) - lgamma (m->b) - lgamma (m->r) + m->r * log_alpha;
  g_autofree double *log_times = g_new (double, MAX (rows->n_times, 1));

  for (gsize k = 0; k < rows->n_times; k++)
    log_times[k] = log (m->alpha + rows->times[k]);

  for (gsize i = 0; i < rows->n; i++)
    {
      const Row *row = &rows->rows[i];

      if (row->x != x)
        {
          x = row->x;
          by_x = shared + lgamma (m->r + x) + lgamma (m->b + x + 1) - lgamma (m->a + m->b + x + 1);
          dropout = log (m->a) - log (m->b + x);
        }

      sum += row->weight * (by_x + log_add_exp (-(m->r + x) * log_times[row->T_index],
                                                dropout - (m->r + x) * log_times[row->t_x_index]));
    }

  return sum;
}

static double
mbgnbd_objective (const double *params,
                  gpointer      data)
{
  const Rows *rows = data;
  SiyuMbgNbd model = { exp (params[0]), exp (params[1]), exp (params[2]), exp (params[3]), 0 };
  double ll;

  for (int i = 0; i < 4; i++)
    if (fabs (params[i]) > 30.0)
      return INFINITY;

  ll = mbgnbd_rows_log_likelihood (&model, rows);

  return isfinite (ll) ? -ll : INFINITY;
}

/**
 * siyu_mbgnbd_fit:
 *
 * Fits the modified BG/NBD by maximum likelihood, with the same refusals
 * as siyu_bgnbd_fit().
 */
gboolean
siyu_mbgnbd_fit (const SiyuBuyerHistory *buyers,
                 gsize                   n,
                 SiyuMbgNbd             *model,
                 GError                **error)
{
  static const double starts[] = {
    0.0, 0.0, 0.0, 0.0,
    -1.0, 1.5, -0.5, 1.0,
    0.5, 2.5, 0.5, 0.5,
    -2.0, 0.0, 1.0, 2.0,
  };
  Rows rows;
  double best[4], f;
  gboolean ok;

  g_return_val_if_fail (model != NULL, FALSE);

  if (!check_histories (buyers, n, FALSE, error))
    return FALSE;

  rows = compress (buyers, n, FALSE, FALSE);
  ok = minimise (mbgnbd_objective, &rows, starts, G_N_ELEMENTS (starts) / 4, 4, best, &f);
  rows_clear (&rows);
  if (!ok)
    {
      g_set_error_literal (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_NOT_CONVERGED,
                           _("The purchase model did not settle on an answer for this shop’s data."));
      return FALSE;
    }

  model->r = exp (best[0]);
  model->alpha = exp (best[1]);
  model->a = exp (best[2]);
  model->b = exp (best[3]);
  model->log_likelihood = -f;

  return TRUE;
}

/* log (a / (b + x)) + (r + x) log ((α + T) / (α + t_x)): the log odds of
 * having dropped out, for every buyer, one-time buyers included. */
static double
mbgnbd_log_dropout_odds (const SiyuMbgNbd       *m,
                         const SiyuBuyerHistory *h)
{
  return log (m->a) - log (m->b + h->x) + (m->r + h->x) * (log (m->alpha + h->T) - log (m->alpha + h->t_x));
}

/* P(alive | x, t_x, T) = 1 / (1 + a / (b + x) ((α + T) / (α + t_x))^(r + x)):
 * below 1 for every buyer, and the lower the longer since the last purchase. */
double
siyu_mbgnbd_p_alive (const SiyuMbgNbd       *model,
                     const SiyuBuyerHistory *buyer)
{
  double z = mbgnbd_log_dropout_odds (model, buyer);

  return z > 0 ? exp (-z) / (1.0 + exp (-z)) : 1.0 / (1.0 + exp (z));
}

/**
 * siyu_mbgnbd_expected_purchases:
 * @weeks: the length of the coming period
 *
 * E[Y(t) | x, t_x, T] of the modified BG/NBD (Wagner & Hoppe 2008):
 * (a + b + x) / (a − 1) · (1 − ((α + T) / (α + T + t))^(r + x)
 * ₂F₁(r + x, b + x + 1; a + b + x; t / (α + T + t))) · P(alive).
 */
double
siyu_mbgnbd_expected_purchases (const SiyuMbgNbd       *model,
                                const SiyuBuyerHistory *buyer,
                                double                  weeks)
{
  const SiyuMbgNbd *m = model;
  const SiyuBuyerHistory *h = buyer;
  double z = weeks / (m->alpha + h->T + weeks);
  double hyp = siyu_hyp2f1 (m->r + h->x, m->b + h->x + 1, m->a + m->b + h->x, z);
  double outside = pow ((m->alpha + h->T) / (m->alpha + h->T + weeks), m->r + h->x);
  double numerator = (m->a + m->b + h->x) / (m->a - 1) * (1.0 - outside * hyp);

  return numerator * siyu_mbgnbd_p_alive (m, h);
}

static double
gamma_gamma_buyer_log_likelihood (const SiyuGammaGamma   *m,
                                  const SiyuBuyerHistory *h)
{
  double px = m->p * h->x;

  return lgamma (px + m->q) - lgamma (px) - lgamma (m->q) + m->q * log (m->v) +
         (px - 1) * log (h->m) + px * log (h->x) - (px + m->q) * log (h->x * h->m + m->v);
}

/* Over the buyers with at least one repeat purchase of positive value. */
double
siyu_gamma_gamma_log_likelihood (const SiyuGammaGamma   *model,
                                 const SiyuBuyerHistory *buyers,
                                 gsize                   n)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    if (buyers[i].x >= 1 && buyers[i].m > 0)
      sum += gamma_gamma_buyer_log_likelihood (model, &buyers[i]);

  return sum;
}

static double
gamma_gamma_objective (const double *params,
                       gpointer      data)
{
  const Rows *rows = data;
  double p = exp (params[0]), q = exp (params[1]), v = exp (params[2]);
  double sum = 0.0, by_x = 0.0, x = -1;
  double shared = q * log (v) - lgamma (q);

  for (int i = 0; i < 3; i++)
    if (fabs (params[i]) > 30.0)
      return INFINITY;

  for (gsize i = 0; i < rows->n; i++)
    {
      const Row *row = &rows->rows[i];
      double px;

      if (row->x != x)
        {
          x = row->x;
          by_x = shared + lgamma (p * x + q) - lgamma (p * x);
        }

      px = p * x;
      sum += row->weight * (by_x + (px - 1) * row->log_m + px * row->log_x - (px + q) * log (x * row->m + v));
    }

  return isfinite (sum) ? -sum : INFINITY;
}

gboolean
siyu_gamma_gamma_fit (const SiyuBuyerHistory *buyers,
                      gsize                   n,
                      SiyuGammaGamma         *model,
                      GError                **error)
{
  static const double starts[] = {
    0.0, 0.0, 0.0,
    1.0, 1.0, 2.0,
    2.0, 1.5, 3.0,
  };
  Rows rows;
  double best[3], f;
  gboolean ok;

  g_return_val_if_fail (model != NULL, FALSE);

  if (!check_histories (buyers, n, TRUE, error))
    return FALSE;

  rows = compress (buyers, n, TRUE, TRUE);
  ok = minimise (gamma_gamma_objective, &rows, starts, G_N_ELEMENTS (starts) / 3, 3, best, &f);
  rows_clear (&rows);
  if (!ok || exp (best[1]) <= 1.0)
    {
      g_set_error_literal (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_NOT_CONVERGED,
                           _("The spend model did not settle on an answer for this shop’s data."));
      return FALSE;
    }

  model->p = exp (best[0]);
  model->q = exp (best[1]);
  model->v = exp (best[2]);
  model->log_likelihood = -f;

  return TRUE;
}

/* E(M | p, q, v, x, m): the buyer's mean spend, shrunk towards the
 * population's p v / (q − 1) the fewer purchases it rests on. */
double
siyu_gamma_gamma_expected_value (const SiyuGammaGamma   *model,
                                 const SiyuBuyerHistory *buyer)
{
  const SiyuGammaGamma *m = model;

  return m->p * (m->v + buyer->x * buyer->m) / (m->p * buyer->x + m->q - 1);
}

typedef struct {
  char    *customer;
  SiyuDay  day;
  double   amount;
} Purchase;

static void
purchase_clear (gpointer data)
{
  g_free (((Purchase *) data)->customer);
}

static int
compare_purchases (gconstpointer a,
                   gconstpointer b)
{
  const Purchase *x = a, *y = b;
  int c = strcmp (x->customer, y->customer);

  if (c != 0)
    return c;
  return (x->day > y->day) - (x->day < y->day);
}

static gboolean
parse_cdnow_line (char      *line,
                  Purchase  *purchase,
                  gboolean  *skip)
{
  g_auto(GStrv) fields = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *customer, *date, *amount;
  char *end;

  g_strstrip (line);
  *skip = *line == '\0';
  if (*skip)
    return TRUE;

  fields = strchr (line, ',') != NULL ? g_strsplit (line, ",", -1) : g_strsplit_set (line, " \t", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    if (*fields[i] != '\0')
      g_ptr_array_add (parts, fields[i]);

  /* master: id date cds value; sample: master-id sample-id date cds value;
   * BTYD's elog: masterid,sampleid,date,cds,sales. */
  if (parts->len == 4)
    {
      customer = parts->pdata[0];
      date = parts->pdata[1];
      amount = parts->pdata[3];
    }
  else if (parts->len == 5)
    {
      customer = parts->pdata[1];
      date = parts->pdata[2];
      amount = parts->pdata[4];
    }
  else
    return FALSE;

  if (!g_ascii_isdigit (*customer))
    {
      *skip = TRUE;
      return TRUE;
    }

  if (strlen (date) != 8)
    return FALSE;
  {
    char text[11] = { date[0], date[1], date[2], date[3], '-', date[4], date[5], '-', date[6], date[7], 0 };

    if (!siyu_day_parse (text, &purchase->day))
      return FALSE;
  }

  purchase->amount = g_ascii_strtod (amount, &end);
  if (*end != '\0' || !isfinite (purchase->amount) || purchase->amount < 0)
    return FALSE;

  purchase->customer = g_strdup (customer);

  return TRUE;
}

/**
 * siyu_cdnow_read:
 * @path: a CDNOW file: Hardie's master or sample layout, or BTYD's elog CSV
 * @calibration_end: the last day seen; later purchases are left out
 *
 * Reads CDNOW purchases into one #SiyuBuyerHistory per customer, in weeks,
 * with purchases on one day counted as one purchase of their summed value.
 *
 * Returns: (transfer full) (element-type SiyuBuyerHistory): the histories,
 *   in customer order.
 */
GArray *
siyu_cdnow_read (const char  *path,
                 SiyuDay      calibration_end,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GArray) purchases = g_array_new (FALSE, FALSE, sizeof (Purchase));
  g_autoptr(GArray) buyers = g_array_new (FALSE, FALSE, sizeof (SiyuBuyerHistory));
  g_auto(GStrv) lines = NULL;
  guint i = 0;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  g_array_set_clear_func (purchases, purchase_clear);
  lines = g_strsplit (contents, "\n", -1);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      Purchase purchase = { 0 };
      gboolean skip;

      if (!parse_cdnow_line (lines[n], &purchase, &skip))
        {
          g_autofree char *name = g_filename_display_name (path);

          g_set_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_INVALID_DATA,
                       _("“%s”, line %u: not a CDNOW purchase (customer, date YYYYMMDD, CDs, value)."),
                       name, n + 1);
          return NULL;
        }
      if (!skip && purchase.day <= calibration_end)
        g_array_append_val (purchases, purchase);
      else
        g_free (purchase.customer);
    }

  g_array_sort (purchases, compare_purchases);

  while (i < purchases->len)
    {
      const Purchase *first = &g_array_index (purchases, Purchase, i);
      SiyuBuyerHistory h = { 0 };
      SiyuDay last = first->day;
      double repeat_value = 0.0;
      guint j = i + 1;

      for (; j < purchases->len; j++)
        {
          const Purchase *p = &g_array_index (purchases, Purchase, j);

          if (strcmp (p->customer, first->customer) != 0)
            break;
          if (p->day == first->day)
            continue;
          if (p->day != last)
            h.x++;
          repeat_value += p->amount;
          last = p->day;
        }

      h.t_x = (last - first->day) / 7.0;
      h.T = (calibration_end - first->day) / 7.0;
      h.m = h.x > 0 ? repeat_value / h.x : 0.0;
      g_array_append_val (buyers, h);
      i = j;
    }

  return g_steal_pointer (&buyers);
}
