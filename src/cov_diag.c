/* cov_diag.c -- diagonal covariances: D Gaussian-Gamma factors per component

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
#include <string.h>

#include <gsl/gsl_errno.h>

#include "covariance.h"

/* lambda_kd ~ Gamma(nu0/2, rate 1/(2 w0_d)) and
   mu_kd | lambda_kd ~ N(m0_d, 1/(beta0 lambda_kd)), independently for
   every d: each dimension is the full model's D = 1 (DESIGN 6).  W_k
   is the diagonal matrix of the w_kd.  */

static const char *
check_W0 (size_t d, const double *W0)
{
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      if (i == j ? !(W0[i * d + j] > 0) : W0[i * d + j] != 0)
        return "W0 must be diagonal, with every w0 > 0";
  return NULL;
}

/* nu_k = nu0 + N/K, w_kd = w0_d.  Off the diagonal W is the 0 of
   vbgmm_model_alloc, which this form never writes (it would cost D^2 a
   component).  */
static void
start (const vbgmm_prior *prior, double Nk, vbgmm_model *model)
{
  size_t d = model->d;
  for (size_t c = 0; c < model->k; c++)
    {
      double *W = model->W + c * d * d;
      model->nu[c] = prior->nu0 + Nk;
      for (size_t i = 0; i < d; i++)
        W[i * d + i] = prior->W0[i * d + i];
    }
}

/* 1/w_kd = 1/w0_d + N_k S_k[d,d] + beta0 N_k/(beta0 + N_k) dx_d^2,
   nu_k = nu0 + N_k.  */
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
      double *W = model->W + c * d * d;
      for (size_t i = 0; i < d; i++)
        {
          double winv = 1 / cp->W0[i * d + i] + s->NS[i]
                        + f * s->dx[i] * s->dx[i];
          if (!(winv > 0) || !isfinite (winv))
            return GSL_EDOM;
          W[i * d + i] = 1 / winv;
        }
      model->nu[c] = cp->nu0 + s->N;
    }
  return GSL_SUCCESS;
}

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
      double tr = 0;
      for (size_t i = 0; i < d; i++)
        {
          double t;
          int status = vbgmm_cov_gamma_terms (cp->nu0, cp->W0[i * d + i], nu,
                                              W[i * d + i], &t);
          if (status)
            return status;
          acc += t;
          tr += suff[c].NS[i] * W[i * d + i];
        }
      acc += vbgmm_cov_mean_terms_q (cp, suff + c, model->beta[c],
                                     vbgmm_cov_quad_diagonal (d, W,
                                                              suff[c].dx),
                                     nu, e_ln_det[c], tr);
    }
  *terms = acc;
  return GSL_SUCCESS;
}

const vbgmm_covariance_type vbgmm_cov_diag = {
  "diag", VBGMM_QUAD_DIAG, VBGMM_W_DIAGONAL, 0,
  vbgmm_cov_nu0_floor_gamma, "nu0 must be a finite number > 0",
  check_W0, start, vbgmm_cov_e_ln_det_gamma, update, bound
};
