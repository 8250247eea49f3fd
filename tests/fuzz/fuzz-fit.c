/* fuzz-fit.c -- libFuzzer target: a fit of whatever the CSV reader takes

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

/* The program's default prior (m0 the data mean, W0 the inverse sample
   covariance, in the units the fit chooses, as the program sets them),
   K = 2, 5 iterations.  The fit either fails with a status
   and a message, or gives finite parameters, a bound that never falls,
   and responsibilities in [0, 1] that sum to 1 on every row.  When the
   covariance is singular (N <= D, a constant column) W0 is that of a
   ridge of 1e-10 or more: its condition number, 1e10 and up, magnifies
   rounding in the bound well beyond the 1e-9 the fit allows for, and
   the program warns of a fall; only then may the bound fall by more
   than rounding.  Rounding is 1e-9 of max(|L|, N D), as the program
   counts falls, plus 64 eps times the covariance's condition number of
   it: four points of which two nearly coincide (condition numbers of
   1e7 and up) move the bound by 1e-8 from one iteration to the next
   near convergence.  */

#include <float.h>

#include <gsl/gsl_eigen.h>

#include "fuzz.h"

/* The condition number of the D x D covariance COV (overwritten).  */
static double
condition (double *cov, size_t d)
{
  gsl_matrix_view a = gsl_matrix_view_array (cov, d, d);
  gsl_vector *ev = gsl_vector_alloc (d);
  gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc (d);
  fuzz_assert (ev && w);
  gsl_eigen_symm (&a.matrix, ev, w);
  double lo = gsl_vector_min (ev), hi = gsl_vector_max (ev);
  gsl_eigen_symm_free (w);
  gsl_vector_free (ev);
  return lo > 0 ? hi / lo : INFINITY;
}

static int
check_rows (const double *r, size_t rows, size_t k, void *arg)
{
  (void) arg;
  for (size_t i = 0; i < rows; i++)
    {
      double s = 0;
      for (size_t c = 0; c < k; c++)
        {
          fuzz_assert (r[i * k + c] >= 0 && r[i * k + c] <= 1);
          s += r[i * k + c];
        }
      fuzz_assert (fabs (s - 1) < 1e-12);
    }
  return 0;
}

static void
check_finite (const double *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    fuzz_assert (isfinite (v[i]));
}

int
LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size)
{
  vbgmm_data *data = fuzz_read (bytes, size);
  if (!data)
    return 0;
  size_t n = data->n, d = data->d, k = 2;
  vbgmm_prior *prior = NULL;
  double *cov = NULL;
  vbgmm_error err = { 0 };
  if (n < k || d > 16)
    goto done;
  prior = vbgmm_prior_alloc (d);
  cov = malloc (d * d * sizeof *cov);
  fuzz_assert (prior && cov);
  double ridge = 0, cond = 0;
  if (vbgmm_data_units (data, NULL, NULL, prior->units, &err)
      || vbgmm_data_moments_units (data, NULL, prior->units, prior->m0, cov,
                                   &err)
      || vbgmm_prior_set_W0_inverse (prior, cov, &ridge, &err))
    {
      fuzz_assert (err.status && err.message[0]);
      goto done;
    }
  /* (vbgmm_prior_set_W0_inverse leaves COV as it was.)  */
  cond = condition (cov, d);
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = k;
  opt.max_iter = 5;
  opt.tol = 0;
  opt.threads = 1;
  vbgmm_model *model = vbgmm_fit (data, prior, &opt, &err);
  if (!model)
    {
      fuzz_assert (err.status && err.message[0]);
      goto done;
    }
  fuzz_assert (model->iterations == 5);
  for (size_t t = 1; t < model->iterations && ridge == 0; t++)
    {
      double L = model->bound[t];
      double scale = fmax (fabs (L), (double) (n * d));
      fuzz_assert (!(model->bound[t - 1] - L
                     > (1e-9 + 64 * DBL_EPSILON * cond) * scale));
    }
  check_finite (model->alpha, k);
  check_finite (model->beta, k);
  check_finite (model->nu, k);
  check_finite (model->N, k);
  check_finite (model->m, k * d);
  check_finite (model->W, k * d * d);
  check_finite (model->bound, model->iterations);
  fuzz_assert (vbgmm_responsibilities (model, data, 1, check_rows, NULL,
                                       &err) == 0);
  vbgmm_model_free (model);

done:
  free (cov);
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
  return 0;
}
