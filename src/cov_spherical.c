/* cov_spherical.c -- spherical covariances: one Gaussian-Gamma factor per component

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

#include <gsl/gsl_errno.h>

#include "covariance.h"

/* lambda_k ~ Gamma(nu0/2, rate 1/(2 w0)) and
   mu_k | lambda_k ~ N(m0, I/(beta0 lambda_k)) (DESIGN 6).  The D/2
   ln lambda_k of the mean's density is why the shape grows by D N_k/2
   (nu_k = nu0 + D N_k).  W_k = w_k I.  */

static const char *
check_W0 (size_t d, const double *W0)
{
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      if (W0[i * d + j] != (i == j ? W0[0] : 0))
        return "W0 must be a multiple of the identity";
  return W0[0] > 0 ? NULL : "w0 must be > 0";
}

static void
start (const vbgmm_prior *prior, double Nk, vbgmm_model *model)
{
  size_t d = model->d;
  for (size_t c = 0; c < model->k; c++)
    {
      model->nu[c] = prior->nu0 + d * Nk;
      /* Off the diagonal W is the 0 of vbgmm_model_alloc, which this
         form never writes (it would cost D^2 a component).  */
      double *W = model->W + c * d * d;
      for (size_t i = 0; i < d; i++)
        W[i * d + i] = prior->W0[0];
    }
}

/* 1/w_k = 1/w0 + N_k tr S_k + beta0 N_k/(beta0 + N_k) |dx|^2,
   nu_k = nu0 + D N_k.  */
static int
update (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
        vbgmm_model *model, gsl_matrix *work)
{
  size_t d = cp->d;
  (void) work;
  for (size_t c = 0; c < model->k; c++)
    {
      const vbgmm_cov_suff *s = suff + c;
      if (s->keep)
        continue;
      double f = vbgmm_cov_shrink (cp->beta0, s->N);
      /* tr N_k S_k: the pass summed |y|^2 alone (VBGMM_QUAD_SUM).  */
      double tr = s->NS[0], dd = 0;
      for (size_t i = 0; i < d; i++)
        dd += s->dx[i] * s->dx[i];
      double winv = 1 / cp->W0[0] + tr + f * dd;
      if (!(winv > 0) || !isfinite (winv))
        return GSL_EDOM;
      /* Off the diagonal W stays 0.  */
      double *W = model->W + c * d * d;
      for (size_t i = 0; i < d; i++)
        W[i * d + i] = 1 / winv;
      model->nu[c] = cp->nu0 + d * s->N;
    }
  return GSL_SUCCESS;
}

/* One Gamma per component: its prior and entropy count once, the mean
   and likelihood terms take E[ln |Lambda_k|] = D e_k.  */
static int
bound (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
       const vbgmm_model *model, const double *ln_det_W,
       const double *e_ln_det, double *terms)
{
  size_t d = cp->d;
  double acc = 0;
  (void) ln_det_W;
  for (size_t c = 0; c < model->k; c++)
    {
      const double *W = model->W + c * d * d, nu = model->nu[c];
      double tr = suff[c].NS[0], t;
      int status = vbgmm_cov_gamma_terms (cp->nu0, cp->W0[0], nu, W[0], &t);
      if (status)
        return status;
      acc += t + vbgmm_cov_mean_terms_q (cp, suff + c, model->beta[c],
                                         vbgmm_cov_quad_diagonal (d, W,
                                                                  suff[c].dx),
                                         nu, e_ln_det[c], W[0] * tr);
    }
  *terms = acc;
  return GSL_SUCCESS;
}

const vbgmm_covariance_type vbgmm_cov_spherical = {
  "spherical", VBGMM_QUAD_SUM, VBGMM_W_SCALAR, 0,
  vbgmm_cov_nu0_floor_gamma, "nu0 must be a finite number > 0",
  check_W0, start, vbgmm_cov_e_ln_det_gamma, update, bound
};
