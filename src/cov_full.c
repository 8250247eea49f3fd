/* cov_full.c -- full covariances: a Gaussian-Wishart factor per component (PRML 10.2)

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


#include <gsl/gsl_errno.h>

#include "covariance.h"
#include "wishart.h"

/* W_k^-1 = W0^-1 + N_k S_k + beta0 N_k / (beta0 + N_k) dx dx' (10.62),
   nu_k = nu0 + N_k (10.63).  */
static int
update (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
        vbgmm_model *model, gsl_matrix *work)
{
  size_t d = cp->d;
  for (size_t c = 0; c < model->k; c++)
    {
      const vbgmm_cov_suff *s = suff + c;
      if (s->keep)
        continue;
      double f = vbgmm_cov_shrink (cp->beta0, s->N);
      for (size_t i = 0; i < d; i++)
        {
          double *restrict wi = work->data + i * work->tda;
          const double *restrict w0i = cp->W0inv + i * d;
          const double *restrict nsi = s->NS + i * d;
          const double fdi = f * s->dx[i];
          for (size_t j = 0; j < d; j++)
            wi[j] = w0i[j] + nsi[j] + fdi * s->dx[j];
        }
      if (vbgmm_cov_invert (work, model->W + c * d * d))
        return GSL_EDOM;
      model->nu[c] = cp->nu0 + s->N;
    }
  return GSL_SUCCESS;
}

/* 10.71, 10.74, 10.77 for every component.  */
static int
bound (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
       const vbgmm_model *model, const double *ln_det_W,
       const double *e_ln_det, double *terms)
{
  size_t d = cp->d;
  double ln_b0, acc = 0;
  int status = vbgmm_wishart_ln_b (d, cp->nu0, cp->ln_det_W0, &ln_b0);
  if (status)
    return status;
  for (size_t c = 0; c < model->k; c++)
    {
      const double nu = model->nu[c];
      double h;
      if ((status = vbgmm_wishart_entropy (d, nu, ln_det_W[c], e_ln_det[c],
                                           &h)))
        return status;
      if (!model->W)
        {
          /* A fit in many dimensions (mstep_dense.h): the M-step left
             dx'W dx and Tr ((W0^-1 + N_k S_k) W) in place of W.  */
          acc += vbgmm_cov_mean_terms_q (cp, suff + c, model->beta[c],
                                         suff[c].q_W, nu, e_ln_det[c],
                                         suff[c].tr_W)
                 + ln_b0 + (cp->nu0 - d - 1) / 2 * e_ln_det[c] + h;
          continue;
        }
      const double *W = model->W + c * d * d;
      acc += vbgmm_cov_mean_terms (cp, suff + c, model->beta[c], W, nu,
                                   e_ln_det[c],
                                   vbgmm_cov_trace_prod (d, suff[c].NS, W))
             + ln_b0 + (cp->nu0 - d - 1) / 2 * e_ln_det[c]
             - 0.5 * nu * vbgmm_cov_trace_prod (d, cp->W0inv, W) + h;
    }
  *terms = acc;
  return GSL_SUCCESS;
}

const vbgmm_covariance_type vbgmm_cov_full = {
  "full", VBGMM_QUAD_FULL, VBGMM_W_MATRIX, 0,
  vbgmm_cov_nu0_floor_wishart, "nu0 must be a finite number > D - 1",
  vbgmm_cov_check_W0_pd, vbgmm_cov_start_each, vbgmm_wishart_e_ln_det, update, bound
};
