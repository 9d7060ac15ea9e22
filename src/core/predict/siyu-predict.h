/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "siyu-shop.h"
#include "siyu-types.h"

G_BEGIN_DECLS

#define SIYU_PREDICT_ERROR (siyu_predict_error_quark ())

typedef enum {
  SIYU_PREDICT_ERROR_TOO_LITTLE_DATA,
  SIYU_PREDICT_ERROR_NOT_CONVERGED,
  SIYU_PREDICT_ERROR_INVALID_DATA,
} SiyuPredictError;

/* The fewest buyers with repeat purchases a fit is tried on. */
#define SIYU_PREDICT_MIN_REPEATERS 200

/* One buyer's purchase history, in weeks (ANALYTICS.md "Predictive"). */
typedef struct {
  double x;    /* repeat purchase days */
  double t_x;  /* first to last purchase day */
  double T;    /* first purchase day to the as-of day */
  double m;    /* mean value of the repeat purchase days; 0 when x = 0 */
} SiyuBuyerHistory;

typedef struct {
  double r, alpha, a, b;
  double log_likelihood;
} SiyuBgNbd;

/* The modified BG/NBD (Batislam, Denizel & Filiztekin 2007, with Wagner
 * & Hoppe's 2008 erratum) has the same four parameters: r, α of the
 * purchase rates' gamma; a, b of the dropout probabilities' beta. */
typedef SiyuBgNbd SiyuMbgNbd;

typedef struct {
  double p, q, v;
  double log_likelihood;
} SiyuGammaGamma;

GQuark   siyu_predict_error_quark        (void);

double   siyu_bgnbd_log_likelihood       (const SiyuBgNbd        *model,
                                          const SiyuBuyerHistory *buyers,
                                          gsize                   n);
gboolean siyu_bgnbd_fit                  (const SiyuBuyerHistory *buyers,
                                          gsize                   n,
                                          SiyuBgNbd              *model,
                                          GError                **error);
double   siyu_bgnbd_p_alive              (const SiyuBgNbd        *model,
                                          const SiyuBuyerHistory *buyer);
double   siyu_bgnbd_expected_purchases   (const SiyuBgNbd        *model,
                                          const SiyuBuyerHistory *buyer,
                                          double                  weeks);

double   siyu_mbgnbd_log_likelihood      (const SiyuMbgNbd       *model,
                                          const SiyuBuyerHistory *buyers,
                                          gsize                   n);
gboolean siyu_mbgnbd_fit                 (const SiyuBuyerHistory *buyers,
                                          gsize                   n,
                                          SiyuMbgNbd             *model,
                                          GError                **error);
double   siyu_mbgnbd_p_alive             (const SiyuMbgNbd       *model,
                                          const SiyuBuyerHistory *buyer);
double   siyu_mbgnbd_expected_purchases  (const SiyuMbgNbd       *model,
                                          const SiyuBuyerHistory *buyer,
                                          double                  weeks);

double   siyu_gamma_gamma_log_likelihood (const SiyuGammaGamma   *model,
                                          const SiyuBuyerHistory *buyers,
                                          gsize                   n);
gboolean siyu_gamma_gamma_fit            (const SiyuBuyerHistory *buyers,
                                          gsize                   n,
                                          SiyuGammaGamma         *model,
                                          GError                **error);
double   siyu_gamma_gamma_expected_value (const SiyuGammaGamma   *model,
                                          const SiyuBuyerHistory *buyer);

double   siyu_hyp2f1                     (double                  a,
                                          double                  b,
                                          double                  c,
                                          double                  z);

GArray  *siyu_cdnow_read                 (const char             *path,
                                          SiyuDay                 calibration_end,
                                          GError                **error);

G_END_DECLS
