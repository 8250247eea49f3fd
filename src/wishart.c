/* wishart.c -- q(mu, Lambda), the Gaussian-Wishart factor of the posterior

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

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "error.h"
#include "wishart.h"

/* An empty component keeps this N_k, so that xbar_k stays defined.  */
#define N_FLOOR (10 * DBL_EPSILON)

/* v' A v for a symmetric d x d A.  */
static double
quad (size_t d, const double *A, const double *v)
{
  double acc = 0;
  for (size_t i = 0; i < d; i++)
    {
      double row = 0;
      for (size_t j = 0; j < d; j++)
        row += A[i * d + j] * v[j];
      acc += v[i] * row;
    }
  return acc;
}

/* Tr(A B) for symmetric A, B.  */
static double
trace_prod (size_t d, const double *A, const double *B)
{
  double acc = 0;
  for (size_t i = 0; i < d * d; i++)
    acc += A[i] * B[i];
  return acc;
}

int
vbgmm_wishart_e_ln_det (size_t d, double nu, double ln_det_W,
                        double *e_ln_det)
{
  double acc = d * M_LN2 + ln_det_W;
  gsl_sf_result r;
  for (size_t i = 1; i <= d; i++)
    {
      int status = gsl_sf_psi_e ((nu + 1 - i) / 2, &r);
      if (status)
        return status;
      acc += r.val;
    }
  *e_ln_det = acc;
  return GSL_SUCCESS;
}

int
vbgmm_wishart_ln_b (size_t d, double nu, double ln_det_W, double *ln_b)
{
  double acc = -nu / 2 * ln_det_W - nu * d / 2 * M_LN2
               - d * (d - 1.0) / 4 * M_LNPI;
  gsl_sf_result r;
  for (size_t i = 1; i <= d; i++)
    {
      int status = gsl_sf_lngamma_e ((nu + 1 - i) / 2, &r);
      if (status)
        return status;
      acc -= r.val;
    }
  *ln_b = acc;
  return GSL_SUCCESS;
}

int
vbgmm_wishart_entropy (size_t d, double nu, double ln_det_W,
                       double e_ln_det, double *h)
{
  double ln_b;
  int status = vbgmm_wishart_ln_b (d, nu, ln_det_W, &ln_b);
  if (status)
    return status;
  *h = -ln_b - (nu - d - 1) / 2 * e_ln_det + nu * d / 2;
  return GSL_SUCCESS;
}

int
vbgmm_wishart_prior_init (vbgmm_wishart_prior *wp, const vbgmm_prior *prior,
                          vbgmm_error *err)
{
  size_t d = prior->d;
  memset (wp, 0, sizeof *wp);
  wp->d = d;
  wp->beta0 = prior->beta0;
  wp->nu0 = prior->nu0;
  wp->m0 = prior->m0;
  wp->W0inv = malloc (d * d * sizeof (double));
  gsl_matrix *L = gsl_matrix_alloc (d, d);
  if (!wp->W0inv || !L)
    {
      gsl_matrix_free (L);
      return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }
  memcpy (L->data, prior->W0, d * d * sizeof (double));
  if (gsl_linalg_cholesky_decomp1 (L) != GSL_SUCCESS)
    {
      gsl_matrix_free (L);
      return vbgmm_fail (err, VBGMM_EINVAL, "W0 is not positive definite");
    }
  double ln_det = 0;
  for (size_t i = 0; i < d; i++)
    ln_det += 2 * log (gsl_matrix_get (L, i, i));
  gsl_linalg_cholesky_invert (L);
  memcpy (wp->W0inv, L->data, d * d * sizeof (double));
  gsl_matrix_free (L);
  if (vbgmm_wishart_ln_b (d, wp->nu0, ln_det, &wp->ln_b0))
    return vbgmm_fail (err, VBGMM_ENUM, "cannot evaluate ln B(W0, nu0)");
  return VBGMM_SUCCESS;
}

void
vbgmm_wishart_prior_free (vbgmm_wishart_prior *wp)
{
  if (wp)
    {
      free (wp->W0inv);
      wp->W0inv = NULL;
    }
}

int
vbgmm_wishart_update (const vbgmm_wishart_prior *wp, const double *shift,
                      double r_sum, const double *sy, const double *syy,
                      vbgmm_wishart_suff *suff, double *beta, double *m,
                      double *W, double *nu, gsl_matrix *work)
{
  size_t d = wp->d;
  double N = r_sum + N_FLOOR;

  /* The floor carries the prior mean: xbar = (sum r x + N_FLOOR m0) / N_k,
     so that an empty component sits at m0 and the fit does not depend
     on where the origin is.  With y = x - c (c = SHIFT), written so that
     the tiny sums of an empty component stay exact:
     xbar - m0 = (sum r y + r_sum (c - m0)) / N_k, e = xbar - c.  */
  double e[d];
  for (size_t i = 0; i < d; i++)
    {
      suff->dx[i] = (sy[i] + r_sum * (shift[i] - wp->m0[i])) / N;
      e[i] = suff->dx[i] + (wp->m0[i] - shift[i]);
    }

  /* N_k S_k = sum r (y - e)(y - e)' (10.53), from the moments about c.  */
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++)
      {
        double v = syy[i * (i + 1) / 2 + j] - sy[i] * e[j] - e[i] * sy[j]
                   + r_sum * e[i] * e[j];
        suff->NS[i * d + j] = suff->NS[j * d + i] = v;
      }
  suff->N = N;

  *beta = wp->beta0 + N;                                  /* 10.60 */
  *nu = wp->nu0 + N;                                      /* 10.63 */
  for (size_t i = 0; i < d; i++)                          /* 10.61 */
    m[i] = wp->m0[i] + N * suff->dx[i] / *beta;

  /* W_k^-1 = W0^-1 + N_k S_k + beta0 N_k / (beta0 + N_k) dx dx' (10.62),
     inverted through its Cholesky factor.  */
  double f = wp->beta0 * N / (wp->beta0 + N);
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      gsl_matrix_set (work, i, j, wp->W0inv[i * d + j] + suff->NS[i * d + j]
                      + f * suff->dx[i] * suff->dx[j]);
  if (gsl_linalg_cholesky_decomp1 (work) != GSL_SUCCESS
      || gsl_linalg_cholesky_invert (work) != GSL_SUCCESS)
    return GSL_EDOM;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      W[i * d + j] = gsl_matrix_get (work, i, j);
  return GSL_SUCCESS;
}

int
vbgmm_wishart_bound (const vbgmm_wishart_prior *wp,
                     const vbgmm_wishart_suff *suff, double beta,
                     const double *W, double nu, double ln_det_W,
                     double e_ln_det, double *terms)
{
  size_t d = wp->d;
  double N = suff->N, beta0 = wp->beta0;
  double h;
  int status = vbgmm_wishart_entropy (d, nu, ln_det_W, e_ln_det, &h);
  if (status)
    return status;

  /* xbar - m = beta0 (xbar - m0) / beta and m - m0 = N (xbar - m0) / beta
     (from 10.61): both from dx, without cancellation.  */
  double q = quad (d, W, suff->dx);
  double q_xm = q * (beta0 / beta) * (beta0 / beta);
  double q_mm0 = q * (N / beta) * (N / beta);

  /* 10.71 */
  double p_x = 0.5 * (N * (e_ln_det - d / beta - d * M_LN2 - d * M_LNPI)
                      - nu * trace_prod (d, suff->NS, W) - nu * N * q_xm);
  /* 10.74 */
  double p_mu = 0.5 * (d * log (beta0 / (2 * M_PI)) + e_ln_det
                       - d * beta0 / beta - beta0 * nu * q_mm0)
                + wp->ln_b0 + (wp->nu0 - d - 1) / 2 * e_ln_det
                - 0.5 * nu * trace_prod (d, wp->W0inv, W);
  /* 10.77 */
  double q_mu = 0.5 * e_ln_det + d / 2.0 * log (beta / (2 * M_PI)) - d / 2.0 - h;

  *terms = p_x + p_mu - q_mu;
  return GSL_SUCCESS;
}
