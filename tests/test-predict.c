/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "siyu-predict.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

static GArray *
cdnow_sample (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GArray *buyers;

  /* The literature's own sample is kept in tests/data, so the fit is
   * checked on every machine. */
  path = g_test_build_filename (G_TEST_DIST, "data", "cdnow", "CDNOW_sample.txt", NULL);
  buyers = siyu_cdnow_read (path, siyu_day_from_ymd (1997, 9, 30), &error);
  g_assert_no_error (error);

  return buyers;
}

static void
assert_within_percent (double value,
                       double expected,
                       double percent)
{
  g_assert_cmpfloat (fabs (value - expected), <=, fabs (expected) * percent / 100.0);
}

/* The calibration data of Fader, Hardie & Lee (2005): 2,357 customers,
 * 2,457 repeat purchase days, 946 repeat buyers. */
static void
test_cdnow_summary (void)
{
  g_autoptr(GArray) buyers = cdnow_sample ();
  double sum_x = 0, sum_t_x = 0;
  guint repeaters = 0;
  SiyuBuyerHistory *first;

  g_assert_cmpuint (buyers->len, ==, 2357);
  for (guint i = 0; i < buyers->len; i++)
    {
      SiyuBuyerHistory *h = &g_array_index (buyers, SiyuBuyerHistory, i);

      sum_x += h->x;
      sum_t_x += h->t_x;
      repeaters += h->x > 0;
    }
  g_assert_cmpfloat (sum_x, ==, 2457);
  g_assert_cmpuint (repeaters, ==, 946);

  /* Sample customer 0001 (master 00004): x = 2, t_x = 30.43, T = 38.86,
   * and repeat days worth 29.73 and 14.96 (the December purchase is after
   * the calibration end). */
  first = &g_array_index (buyers, SiyuBuyerHistory, 0);
  g_assert_cmpfloat (first->x, ==, 2);
  g_assert_cmpfloat_with_epsilon (first->t_x, 213.0 / 7.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (first->T, 272.0 / 7.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (first->m, (29.73 + 14.96) / 2, 1e-9);
}

static void
test_cdnow_fit (void)
{
  g_autoptr(GArray) buyers = cdnow_sample ();
  g_autoptr(GError) error = NULL;
  SiyuBgNbd bg;
  SiyuGammaGamma gg;

  g_assert_true (siyu_bgnbd_fit ((SiyuBuyerHistory *) buyers->data, buyers->len, &bg, &error));
  g_assert_no_error (error);
  assert_within_percent (bg.r, 0.2426, 1);
  assert_within_percent (bg.alpha, 4.4137, 1);
  assert_within_percent (bg.a, 0.7930, 1);
  assert_within_percent (bg.b, 2.4262, 1);
  g_assert_cmpfloat_with_epsilon (bg.log_likelihood, -9582.43, 0.01);
  /* The fit's grouped likelihood agrees with the plain sum over buyers. */
  g_assert_cmpfloat_with_epsilon (siyu_bgnbd_log_likelihood (&bg, (SiyuBuyerHistory *) buyers->data, buyers->len),
                                  bg.log_likelihood, 1e-6);

  g_assert_true (siyu_gamma_gamma_fit ((SiyuBuyerHistory *) buyers->data, buyers->len, &gg, &error));
  g_assert_no_error (error);
  assert_within_percent (gg.p, 6.2496, 1);
  assert_within_percent (gg.q, 3.7442, 1);
  assert_within_percent (gg.v, 15.4435, 1);
  g_assert_cmpfloat_with_epsilon (gg.log_likelihood, -4055.92, 0.01);
  g_assert_cmpfloat_with_epsilon (siyu_gamma_gamma_log_likelihood (&gg, (SiyuBuyerHistory *) buyers->data, buyers->len),
                                  gg.log_likelihood, 1e-6);
}

/* The modified BG/NBD on the same sample: the parameters BTYDplus and the
 * lifetimes package publish (r 0.525, α 6.183, a 0.891, b 1.614), a
 * log-likelihood at least as good as BG/NBD's (ANALYTICS.md "One-time
 * buyers": so P(alive) uses it), and one-time buyers below 100 %. */
static void
test_cdnow_mbgnbd (void)
{
  g_autoptr(GArray) buyers = cdnow_sample ();
  g_autoptr(GError) error = NULL;
  SiyuBuyerHistory *histories = (SiyuBuyerHistory *) buyers->data;
  SiyuBuyerHistory once = { 0, 0, 1, 0 }, sample = { 2, 30.43, 38.86, 0 };
  SiyuMbgNbd mbg;
  SiyuBgNbd bg;

  g_assert_true (siyu_mbgnbd_fit (histories, buyers->len, &mbg, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_bgnbd_fit (histories, buyers->len, &bg, &error));
  g_test_message ("MBG/NBD on CDNOW: r %.4f, alpha %.4f, a %.4f, b %.4f, LL %.3f; BG/NBD LL %.3f",
                  mbg.r, mbg.alpha, mbg.a, mbg.b, mbg.log_likelihood, bg.log_likelihood);
  assert_within_percent (mbg.r, 0.525, 1);
  assert_within_percent (mbg.alpha, 6.183, 1);
  assert_within_percent (mbg.a, 0.891, 1);
  assert_within_percent (mbg.b, 1.614, 1);
  g_assert_cmpfloat_with_epsilon (siyu_mbgnbd_log_likelihood (&mbg, histories, buyers->len), mbg.log_likelihood, 1e-6);
  g_assert_cmpfloat (mbg.log_likelihood, >=, bg.log_likelihood);

  /* A one-time buyer is not certain to be alive, unlike under BG/NBD. */
  g_assert_cmpfloat (siyu_bgnbd_p_alive (&bg, &once), ==, 1.0);
  g_assert_cmpfloat (siyu_mbgnbd_p_alive (&mbg, &once), <, 1.0);
  /* 1 / (1 + a / b · ((α + 1) / α)^r) with the fit's parameters. */
  g_assert_cmpfloat_with_epsilon (siyu_mbgnbd_p_alive (&mbg, &once),
                                  1.0 / (1.0 + mbg.a / mbg.b * pow ((mbg.alpha + 1) / mbg.alpha, mbg.r)), 1e-12);
  /* Hardie's sheet: a customer with x = 2, t_x = 30.43, T = 38.86 buys
   * 1.226 times in the next 39 weeks under BG/NBD; the lifetimes package
   * checks the modified model against it to within 0.05. */
  g_assert_cmpfloat_with_epsilon (siyu_mbgnbd_expected_purchases (&mbg, &sample, 39), 1.226, 0.05);
}

/* The published model, for the checks that follow. */
static const SiyuBgNbd published = { 0.2426, 4.4137, 0.7930, 2.4262, 0 };

/* A(s) = Γ(r+x) α^r / (Γ(r) (α+s)^(r+x)), on a log scale. */
static double
log_a (const SiyuBgNbd *m,
       double           x,
       double           s)
{
  return lgamma (m->r + x) + m->r * log (m->alpha) - lgamma (m->r) - (m->r + x) * log (m->alpha + s);
}

typedef double (*Integrand) (double p, const SiyuBgNbd *m, const SiyuBuyerHistory *h, double t);

/* ∫₀¹ f(p) Beta(p; a, b) dp by Simpson's rule after p = s^(1/a), which
 * takes away the density's singularity at 0. */
static double
integrate_over_p (Integrand               f,
                  const SiyuBgNbd        *m,
                  const SiyuBuyerHistory *h,
                  double                  t)
{
  const int n = 200000;
  double sum = 0.0;
  double log_beta = lgamma (m->a) + lgamma (m->b) - lgamma (m->a + m->b);

  for (int i = 0; i <= n; i++)
    {
      double s = (double) i / n;
      double weight = (i == 0 || i == n) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
      double p, value;

      if (i == 0 || i == n)
        continue;  /* both ends contribute nothing for a < 1 < b */

      p = pow (s, 1.0 / m->a);
      value = f (p, m, h, t) * pow (1.0 - p, m->b - 1.0) / m->a;
      sum += weight * value;
    }

  return sum / (3.0 * n) / exp (log_beta);
}

/* Alive after the last purchase: (1 − p)^x. */
static double
alive (double p, const SiyuBgNbd *m, const SiyuBuyerHistory *h, double t)
{
  return pow (1.0 - p, h->x);
}

/* Dropped out right after the last purchase: p (1 − p)^(x−1). */
static double
dropped (double p, const SiyuBgNbd *m, const SiyuBuyerHistory *h, double t)
{
  return h->x > 0 ? p * pow (1.0 - p, h->x - 1) : 0.0;
}

/* Alive, times the purchases expected in t more weeks, with λ integrated
 * out against its posterior Gamma(r + x, α + T):
 * (1/p) (1 − ((α+T) / (α+T+p t))^(r+x)). */
static double
alive_purchases (double p, const SiyuBgNbd *m, const SiyuBuyerHistory *h, double t)
{
  double z = p * t / (m->alpha + h->T);

  return pow (1.0 - p, h->x) * -expm1 (-(m->r + h->x) * log1p (z)) / p;
}

/* P(alive) and E[Y(t)] for single customers, against integration over the
 * dropout probability: no hypergeometric function involved. */
static void
test_single_customers (void)
{
  const SiyuBuyerHistory customers[] = {
    { 2, 30.43, 38.86, 0 },
    { 0, 0, 38.86, 0 },
    { 1, 1.71, 38.86, 0 },
    { 7, 35.0, 38.0, 0 },
    { 5, 3.0, 30.0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
    {
      const SiyuBuyerHistory *h = &customers[i];
      double a_T = exp (log_a (&published, h->x, h->T));
      double a_tx = exp (log_a (&published, h->x, h->t_x));
      double evidence = a_T * integrate_over_p (alive, &published, h, 0) +
                        a_tx * integrate_over_p (dropped, &published, h, 0);
      double p_alive = a_T * integrate_over_p (alive, &published, h, 0) / evidence;
      double expected = a_T * integrate_over_p (alive_purchases, &published, h, 39) / evidence;

      g_test_message ("customer %u: P(alive) %.6f vs %.6f, E %.6f vs %.6f", i, p_alive,
                      siyu_bgnbd_p_alive (&published, h), expected,
                      siyu_bgnbd_expected_purchases (&published, h, 39));
      assert_within_percent (siyu_bgnbd_p_alive (&published, h), p_alive, 0.01);
      assert_within_percent (siyu_bgnbd_expected_purchases (&published, h, 39), expected, 0.01);
    }

  /* Fader, Hardie & Lee (2005) quote 1.226 for the first customer. */
  g_assert_cmpfloat_with_epsilon (siyu_bgnbd_expected_purchases (&published, &customers[0], 39), 1.226, 5e-4);
}

static void
test_hyp2f1 (void)
{
  /* 2F1(1, 1; 2; z) = −ln(1 − z) / z; 2F1(a, b; b; z) = (1 − z)^−a. */
  g_assert_cmpfloat_with_epsilon (siyu_hyp2f1 (1, 1, 2, 0.5), -log (0.5) / 0.5, 1e-14);
  g_assert_cmpfloat_with_epsilon (siyu_hyp2f1 (1, 1, 2, 0.9), -log (0.1) / 0.9, 1e-12);
  g_assert_cmpfloat_with_epsilon (siyu_hyp2f1 (0.7, 3, 3, 0.6), pow (0.4, -0.7), 1e-13);
  g_assert_cmpfloat (siyu_hyp2f1 (2, 3, 4, 0), ==, 1.0);
}

static void
test_gamma_gamma_expectation (void)
{
  const SiyuGammaGamma gg = { 6.2496, 3.7442, 15.4435, 0 };
  const SiyuBuyerHistory one_purchase = { 1, 0, 10, 100 };
  const SiyuBuyerHistory none = { 0, 0, 10, 0 };

  /* p (v + x m) / (p x + q − 1) */
  g_assert_cmpfloat_with_epsilon (siyu_gamma_gamma_expected_value (&gg, &one_purchase),
                                  6.2496 * (15.4435 + 100) / (6.2496 + 3.7442 - 1), 1e-9);
  /* No repeat purchase: the population mean p v / (q − 1). */
  g_assert_cmpfloat_with_epsilon (siyu_gamma_gamma_expected_value (&gg, &none),
                                  6.2496 * 15.4435 / 2.7442, 1e-9);
}

static void
test_too_little_data (void)
{
  g_autoptr(GError) error = NULL;
  SiyuBuyerHistory buyers[300];
  SiyuBgNbd bg;
  SiyuGammaGamma gg;

  for (guint i = 0; i < G_N_ELEMENTS (buyers); i++)
    buyers[i] = (SiyuBuyerHistory) { i < 199 ? 1 : 0, i < 199 ? 3 : 0, 20, i < 199 ? 50 : 0 };

  g_assert_false (siyu_bgnbd_fit (buyers, G_N_ELEMENTS (buyers), &bg, &error));
  g_assert_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_TOO_LITTLE_DATA);
  g_assert_nonnull (strstr (error->message, "199 of the 200"));
  g_clear_error (&error);
  g_assert_false (siyu_gamma_gamma_fit (buyers, G_N_ELEMENTS (buyers), &gg, &error));
  g_assert_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_TOO_LITTLE_DATA);
  g_clear_error (&error);

  buyers[5].t_x = 40;
  g_assert_false (siyu_bgnbd_fit (buyers, G_N_ELEMENTS (buyers), &bg, &error));
  g_assert_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_INVALID_DATA);
  g_clear_error (&error);
  buyers[5].t_x = NAN;
  g_assert_false (siyu_bgnbd_fit (buyers, G_N_ELEMENTS (buyers), &bg, &error));
  g_assert_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_INVALID_DATA);
}

/* Everyone bought again on the same single day: a degenerate sample where
 * no maximum exists must fail cleanly, never give NaN. */
static void
test_degenerate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree SiyuBuyerHistory *buyers = g_new (SiyuBuyerHistory, 400);
  SiyuBgNbd bg = { 0 };

  for (guint i = 0; i < 400; i++)
    buyers[i] = (SiyuBuyerHistory) { 1, 0, 0, 10 };

  if (siyu_bgnbd_fit (buyers, 400, &bg, &error))
    {
      g_assert_true (isfinite (bg.r) && isfinite (bg.alpha) && isfinite (bg.a) && isfinite (bg.b));
      g_assert_true (isfinite (siyu_bgnbd_p_alive (&bg, &buyers[0])));
    }
  else
    g_assert_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_NOT_CONVERGED);
}

static void
test_cdnow_bad_file (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bad.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) buyers = NULL;

  g_assert_true (g_file_set_contents (path, " 00001 19970101 1 10.00\n 00001 19970230 1 5.00\n", -1, NULL));
  buyers = siyu_cdnow_read (path, siyu_day_from_ymd (1997, 9, 30), &error);
  g_assert_null (buyers);
  g_assert_error (error, SIYU_PREDICT_ERROR, SIYU_PREDICT_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 2"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/predict/cdnow-summary", test_cdnow_summary);
  g_test_add_func ("/siyu/predict/cdnow-fit", test_cdnow_fit);
  g_test_add_func ("/siyu/predict/cdnow-mbgnbd", test_cdnow_mbgnbd);
  g_test_add_func ("/siyu/predict/single-customers", test_single_customers);
  g_test_add_func ("/siyu/predict/hyp2f1", test_hyp2f1);
  g_test_add_func ("/siyu/predict/gamma-gamma-expectation", test_gamma_gamma_expectation);
  g_test_add_func ("/siyu/predict/too-little-data", test_too_little_data);
  g_test_add_func ("/siyu/predict/degenerate", test_degenerate);
  g_test_add_func ("/siyu/predict/cdnow-bad-file", test_cdnow_bad_file);

  return g_test_run ();
}
