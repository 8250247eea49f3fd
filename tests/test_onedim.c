/* test_onedim.c -- a one-dimensional fit checkable by hand, and the Cholesky paths

   Copyright (C) 2026 The vbgmm developers

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_test.h>

#include "vbgmm.h"

/* Two points, 1 and 3, one component, alpha0 = beta0 = W0 = nu0 = 1,
   m0 = 0.  Every r_n1 is 1, so N = 2, xbar = 2, S = 1 and by hand
   (10.58, 10.60-10.63): alpha = beta = nu = 3, m = 4/3,
   W^-1 = 1 + 2 * 1 + (1 * 2 / 3) * 2^2 = 17/3.  The bound, from the
   terms of 10.71-10.77 evaluated with mpmath: -4.9890847938255599125.
   A second iteration changes nothing.  */
static void
test_hand (void)
{
  vbgmm_data *data = vbgmm_data_alloc (2, 1);
  vbgmm_prior *prior = vbgmm_prior_alloc (1);
  vbgmm_options opt;
  vbgmm_error err;
  double mean0 = 2;

  data->x[0] = 1;
  data->x[1] = 3;
  prior->alpha0 = 1;
  prior->nu0 = 1;
  vbgmm_options_default (&opt);
  opt.k = 1;
  opt.init = VBGMM_INIT_MEANS;
  opt.init_means = &mean0;
  opt.max_iter = 2;
  opt.tol = 0;

  /* A prior without units: the data's.  */
  int *units = prior->units;
  prior->units = NULL;
  vbgmm_model *model = vbgmm_fit (data, prior, &opt, &err);
  prior->units = units;
  gsl_test (model == NULL, "1-D fit: %s", model ? "" : err.message);
  if (model)
    {
      gsl_test_rel (model->alpha[0], 3, 1e-14, "1-D alpha");
      gsl_test_rel (model->beta[0], 3, 1e-14, "1-D beta");
      gsl_test_rel (model->nu[0], 3, 1e-14, "1-D nu");
      gsl_test_rel (model->m[0], 4.0 / 3, 1e-14, "1-D m");
      gsl_test_rel (model->W[0], 3.0 / 17, 1e-14, "1-D W");
      gsl_test_int (model->iterations, 2, "1-D iterations");
      gsl_test_rel (model->bound[0], -4.9890847938255599125, 1e-12,
                    "1-D bound after iteration 1");
      gsl_test_rel (model->bound[1], model->bound[0], 1e-14,
                    "1-D bound unchanged by iteration 2");
    }
  vbgmm_model_free (model);

  /* A NaN or an infinity among the points: bad data, named.  */
  static const double bad[] = { NAN, INFINITY, -INFINITY };
  for (size_t b = 0; b < 3; b++)
    {
      data->x[1] = bad[b];
      model = vbgmm_fit (data, prior, &opt, &err);
      const char *want = "row 2, column 1: not a finite number";
      gsl_test (model || err.status != VBGMM_EDATA
                || strncmp (err.message, want, strlen (want)) != 0,
                "1-D fit of a point %g refused as bad data (status %d: %s)",
                bad[b], err.status, model ? "" : err.message);
      vbgmm_model_free (model);
    }
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
}

/* W0 from the sample covariance: exact inverse when regular, a ridge
   when singular, and no ridge for columns in very different units.  */
static void
test_cholesky (void)
{
  vbgmm_prior *p = vbgmm_prior_alloc (2);
  double ridge;
  vbgmm_error err;

  const double regular[4] = { 4, 2, 2, 3 };
  gsl_test (vbgmm_prior_set_W0_inverse (p, regular, &ridge, &err),
            "regular covariance inverted");
  gsl_test_abs (ridge, 0, 0, "no ridge for a regular covariance");
  /* [4 2; 2 3]^-1 = [3 -2; -2 4] / 8 */
  gsl_test_rel (p->W0[0], 3.0 / 8, 1e-15, "W0[0][0]");
  gsl_test_rel (p->W0[1], -2.0 / 8, 1e-15, "W0[0][1]");
  gsl_test_rel (p->W0[2], -2.0 / 8, 1e-15, "W0[1][0]");
  gsl_test_rel (p->W0[3], 4.0 / 8, 1e-15, "W0[1][1]");
  gsl_test (vbgmm_prior_check (p) != NULL, "inverse is a valid W0");

  const double scaled[4] = { 1e-8, 0, 0, 1e8 };
  gsl_test (vbgmm_prior_set_W0_inverse (p, scaled, &ridge, &err),
            "badly scaled covariance inverted");
  gsl_test_abs (ridge, 0, 0, "no ridge for columns in different units");
  gsl_test_rel (p->W0[0], 1e8, 1e-15, "W0 of a small variance");

  const double twin[4] = { 1, 1, 1, 1 };
  gsl_test (vbgmm_prior_set_W0_inverse (p, twin, &ridge, &err),
            "singular covariance (two equal columns) regularised");
  gsl_test (!(ridge > 0), "a ridge for two equal columns");
  gsl_test (vbgmm_prior_check (p) != NULL, "regularised W0 is valid");

  const double constant[4] = { 0, 0, 0, 2 };
  gsl_test (vbgmm_prior_set_W0_inverse (p, constant, &ridge, &err),
            "singular covariance (a constant column) regularised");
  gsl_test (!(ridge > 0), "a ridge for a constant column");
  gsl_test (!isfinite (p->W0[0]) || !isfinite (p->W0[3]), "finite W0");

  /* A variance whose inverse passes the range of doubles: no W0.  */
  const double tiny[4] = { 1e-320, 0, 0, 1 };
  int status = vbgmm_prior_set_W0_inverse (p, tiny, &ridge, &err);
  gsl_test (status != VBGMM_ENUM, "a variance of 1e-320 has no inverse "
            "(status %d)", status);

  /* A W0 that is not positive definite is refused.  */
  const double bad[4] = { 1, 2, 2, 1 };
  memcpy (p->W0, bad, sizeof bad);
  const char *why = vbgmm_prior_check (p);
  gsl_test_str (why ? why : "", "W0 must be positive definite",
                "W0 not positive definite refused");

  /* Units beyond those of a model file are refused.  */
  vbgmm_prior_free (p);
  p = vbgmm_prior_alloc (2);
  p->units[1] = 1022;
  gsl_test (vbgmm_prior_check (p) == NULL, "units of 1022 refused");
  p->units[1] = -1021;
  gsl_test (vbgmm_prior_check (p) != NULL, "units of -1021 accepted");
  vbgmm_prior_free (p);
}

/* W0 from D variances (the diagonal forms) is W0 from the diagonal
   matrix of them, bit for bit, ridge, status and all: in few
   dimensions (GSL's factorisation) and in many (the square roots),
   with and without a zero variance, and with one too small to invert,
   over a W0 that held other numbers.  */
static void
test_diagonal (void)
{
  static const size_t dims[] = { 3, 40 };
  for (size_t t = 0; t < 2; t++)
    for (int zero = 0; zero < 3; zero++)
      {
        const size_t d = dims[t];
        vbgmm_prior *a = vbgmm_prior_alloc (d), *b = vbgmm_prior_alloc (d);
        double *var = malloc (d * sizeof (double));
        double *cov = calloc (d * d, sizeof (double));
        if (!a || !b || !var || !cov)
          abort ();
        for (size_t i = 0; i < d; i++)
          {
            var[i] = zero && i == 1 ? (zero == 1 ? 0 : 1e-320)
                     : 0.37 + i * 1.913 / (i + 3);
            cov[i * d + i] = var[i];
            for (size_t j = 0; j < d; j++)
              b->W0[i * d + j] = i == j ? 5 : -0.25;
          }
        double ra = -1, rb = -1;
        vbgmm_error ea, eb;
        int sa = vbgmm_prior_set_W0_inverse (a, cov, &ra, &ea);
        int sb = vbgmm_prior_set_W0_inverse_diagonal (b, var, &rb, &eb);
        const char *what = zero == 2 ? ", a variance of 1e-320"
                           : zero ? ", a zero variance" : "";
        const int want = zero == 2 ? VBGMM_ENUM : VBGMM_SUCCESS;
        gsl_test (sa != want || sb != want, "d = %zu%s: status %d, %d", d,
                  what, sa, sb);
        gsl_test (memcmp (&ra, &rb, sizeof ra) != 0
                  || (zero == 1 && !(rb > 0)),
                  "d = %zu%s: the same ridge (%g, %g)", d, what, ra, rb);
        gsl_test (memcmp (a->W0, b->W0, d * d * sizeof (double)) != 0,
                  "d = %zu%s: the same W0, bit for bit", d, what);
        free (var);
        free (cov);
        vbgmm_prior_free (a);
        vbgmm_prior_free (b);
      }
}

int
main (void)
{
  gsl_set_error_handler_off ();
  test_hand ();
  test_cholesky ();
  test_diagonal ();
  return gsl_test_summary ();
}
