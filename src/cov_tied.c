/* cov_tied.c -- tied covariances: one Wishart precision shared by every component

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

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "covariance.h"
#include "wishart.h"

/* Lambda ~ W(W0, nu0), mu_k | Lambda ~ N(m0, (beta0 Lambda)^-1) for
   every k (DESIGN 6).  The model holds the shared W and nu in every
   component.  ln rho_nk needs no product of coordinates: the term
   -nu/2 y'Wy is the same for every k and cancels from r_nk.  The
   scatter within the components is then the data's less what the
   means explain.  */

static void
start (const vbgmm_prior *prior, double Nk, vbgmm_model *model)
{
  size_t d = model->d;
  for (size_t c = 0; c < model->k; c++)
    {
      model->nu[c] = prior->nu0 + Nk * model->k;
      memcpy (model->W + c * d * d, prior->W0, d * d * sizeof (double));
    }
}

/* sum_k N_k S_k = sum_k sum_n r_nk (y_n - e_k)(y_n - e_k)'
   = sum_n y_n y_n' - sum_k (sy_k e_k' + e_k sy_k' - r_k e_k e_k'),
   since sum_k r_nk = 1.  */
static void
within (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff, size_t k,
        double *NS)
{
  size_t d = cp->d;
  memcpy (NS, cp->scatter, d * d * sizeof (double));
  for (size_t c = 0; c < k; c++)
    {
      const double *e = suff[c].e, *sy = suff[c].sy, r = suff[c].r_sum;
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          NS[i * d + j] -= sy[i] * e[j] + e[i] * sy[j] - r * e[i] * e[j];
    }
}

/* W^-1 = W0^-1 + sum_k [N_k S_k + beta0 N_k/(beta0 + N_k) dx_k dx_k'],
   nu = nu0 + sum_k N_k.  */
static int
update (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
        vbgmm_model *model, gsl_matrix *work)
{
  size_t d = cp->d, k = model->k;
  double *NS = malloc (d * d * sizeof (double)), N = 0;
  if (!NS)
    return GSL_ENOMEM;
  within (cp, suff, k, NS);
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        double v = cp->W0inv[i * d + j] + NS[i * d + j];
        for (size_t c = 0; c < k; c++)
          {
            double f = vbgmm_cov_shrink (cp->beta0, suff[c].N);
            v += f * suff[c].dx[i] * suff[c].dx[j];
          }
        gsl_matrix_set (work, i, j, v);
      }
  free (NS);
  if (vbgmm_cov_invert (work, model->W))
    return GSL_EDOM;
  for (size_t c = 0; c < k; c++)
    N += suff[c].N;
  for (size_t c = 0; c < k; c++)
    {
      memcpy (model->W + c * d * d, model->W, d * d * sizeof (double));
      model->nu[c] = cp->nu0 + N;
    }
  return GSL_SUCCESS;
}

/* The mean and likelihood terms K times, the Wishart's prior and
   entropy once.  */
static int
bound (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
       const vbgmm_model *model, const double *ln_det_W,
       const double *e_ln_det, double *terms)
{
  size_t d = cp->d, k = model->k;
  const double *W = model->W, nu = model->nu[0], T = e_ln_det[0];
  double ln_b0, h, acc = 0;
  int status;
  if ((status = vbgmm_wishart_ln_b (d, cp->nu0, cp->ln_det_W0, &ln_b0))
      || (status = vbgmm_wishart_entropy (d, nu, ln_det_W[0], T, &h)))
    return status;
  double *NS = malloc (d * d * sizeof (double));
  if (!NS)
    return GSL_ENOMEM;
  within (cp, suff, k, NS);
  for (size_t c = 0; c < k; c++)
    acc += vbgmm_cov_mean_terms (cp, suff + c, model->beta[c], W, nu, T, 0);
  acc += -0.5 * nu * vbgmm_cov_trace_prod (d, NS, W)
         + ln_b0 + (cp->nu0 - d - 1) / 2 * T
         - 0.5 * nu * vbgmm_cov_trace_prod (d, cp->W0inv, W) + h;
  free (NS);
  *terms = acc;
  return GSL_SUCCESS;
}

const vbgmm_covariance_type vbgmm_cov_tied = {
  "tied", VBGMM_QUAD_NONE, VBGMM_W_MATRIX, 1,
  vbgmm_cov_nu0_floor_wishart, "nu0 must be a finite number > D - 1",
  vbgmm_cov_check_W0_pd, start, vbgmm_wishart_e_ln_det, update, bound
};
