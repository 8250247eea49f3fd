/* covariance.c -- q(mu, Lambda): the list of forms and what they share

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
#include <gsl/gsl_sf_psi.h>

#include "covariance.h"
#include "dense.h"
#include "error.h"
#include "wishart.h"

/* Every form; a new one is a file and a line here.  */
static const vbgmm_covariance_type *const types[] = {
  &vbgmm_cov_full,
  &vbgmm_cov_diag,
  &vbgmm_cov_spherical,
  &vbgmm_cov_tied,
  NULL
};

const vbgmm_covariance_type *const *
vbgmm_covariance_types (void)
{
  return types;
}

const vbgmm_covariance_type *
vbgmm_covariance_lookup (const char *name)
{
  for (size_t i = 0; name && types[i]; i++)
    if (strcmp (types[i]->name, name) == 0)
      return types[i];
  return NULL;
}

const char *
vbgmm_covariance_name (const vbgmm_covariance_type *t)
{
  return t->name;
}

int
vbgmm_covariance_shape (const vbgmm_covariance_type *t)
{
  return t->w_shape;
}

int
vbgmm_covariance_shared (const vbgmm_covariance_type *t)
{
  return t->shared;
}

double
vbgmm_covariance_nu0_floor (const vbgmm_covariance_type *t, size_t d)
{
  return t->nu0_floor (d);
}

double
vbgmm_cov_nu0_floor_wishart (size_t d)
{
  return d - 1.0;
}

double
vbgmm_cov_nu0_floor_gamma (size_t d)
{
  (void) d;
  return 0;
}

size_t
vbgmm_quad_features (int quad, size_t d)
{
  return quad == VBGMM_QUAD_FULL ? d * (d + 1) / 2
         : quad == VBGMM_QUAD_DIAG ? d : quad == VBGMM_QUAD_SUM;
}

#define N_FLOOR VBGMM_N_FLOOR

double
vbgmm_cov_quad (size_t d, const double *A, const double *v)
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

double
vbgmm_cov_quad_diagonal (size_t d, const double *A, const double *v)
{
  /* Each row of vbgmm_cov_quad sums zeros but for A_ii v_i.  */
  double acc = 0;
  for (size_t i = 0; i < d; i++)
    acc += v[i] * (A[i * d + i] * v[i]);
  return acc;
}

size_t
vbgmm_cov_ns_size (int quad, size_t d)
{
  return quad == VBGMM_QUAD_FULL ? d * d : quad == VBGMM_QUAD_DIAG ? d
         : quad == VBGMM_QUAD_SUM;
}

double
vbgmm_cov_trace_prod (size_t d, const double *A, const double *B)
{
  double acc = 0;
  for (size_t i = 0; i < d * d; i++)
    acc += A[i] * B[i];
  return acc;
}

const char *
vbgmm_cov_check_W0_pd (size_t d, const double *W0)
{
  int status = vbgmm_spd_check (d, W0, d);
  return status == -2 ? "out of memory"
         : status ? "W0 must be positive definite" : NULL;
}

void
vbgmm_cov_start_each (const vbgmm_prior *prior, double Nk, vbgmm_model *model)
{
  size_t d = model->d;
  for (size_t c = 0; c < model->k; c++)
    {
      model->nu[c] = prior->nu0 + Nk;
      /* A fit in many dimensions holds no W (mstep_dense.h).  */
      if (model->W)
        memcpy (model->W + c * d * d, prior->W0, d * d * sizeof (double));
    }
}

/* The largest column sum of |A| (d x d).  */
static double
norm1 (size_t d, const double *A)
{
  double most = 0;
  for (size_t j = 0; j < d; j++)
    {
      double sum = 0;
      for (size_t i = 0; i < d; i++)
        sum += fabs (A[i * d + j]);
      most = sum > most ? sum : most;
    }
  return most;
}

int
vbgmm_cov_prior_init (vbgmm_cov_prior *cp, const vbgmm_prior *prior,
                      vbgmm_error *err)
{
  size_t d = prior->d;
  memset (cp, 0, sizeof *cp);
  cp->d = d;
  cp->beta0 = prior->beta0;
  cp->nu0 = prior->nu0;
  cp->m0 = prior->m0;
  cp->W0 = prior->W0;
  /* The diagonal and spherical forms take their W0 from its diagonal
     and need no W0^-1; in many dimensions its factor and inverse are
     those vbgmm_spd_invert makes of a diagonal matrix, D numbers of
     work.  */
  if (prior->covariance->w_shape != VBGMM_W_MATRIX
      && VBGMM_SPD_DIAGONAL_SQRT (d))
    {
      double most = 0, most_inv = 0, ln_det = 0;
      for (size_t i = 0; i < d; i++)
        {
          const double w = prior->W0[i * d + i];
          if (!(w > 0))
            return vbgmm_fail (err, VBGMM_EINVAL,
                               "W0 is not positive definite");
          const double l = sqrt (w), t = 1 / l;
          ln_det += 2 * log (l);
          most = fabs (w) > most ? fabs (w) : most;
          most_inv = t * t > most_inv ? t * t : most_inv;
        }
      cp->ln_det_W0 = ln_det;
      cp->cond_W0 = most * most_inv;
      return VBGMM_SUCCESS;
    }
  cp->W0inv = malloc (d * d * sizeof (double));
  if (prior->covariance->quad == VBGMM_QUAD_NONE)
    cp->scatter = calloc (d * d, sizeof (double));
  double *L = malloc (d * d * sizeof (double));
  if (!cp->W0inv || !L
      || (prior->covariance->quad == VBGMM_QUAD_NONE && !cp->scatter))
    {
      free (L);
      return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }
  memcpy (L, prior->W0, d * d * sizeof (double));
  int status = vbgmm_spd_invert (d, L, d, cp->W0inv, &cp->ln_det_W0);
  free (L);
  if (status == -2)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  if (status)
    return vbgmm_fail (err, VBGMM_EINVAL, "W0 is not positive definite");
  cp->cond_W0 = norm1 (d, prior->W0) * norm1 (d, cp->W0inv);
  return VBGMM_SUCCESS;
}

void
vbgmm_cov_prior_free (vbgmm_cov_prior *cp)
{
  if (cp)
    {
      free (cp->W0inv);
      free (cp->scatter);
      cp->W0inv = cp->scatter = NULL;
    }
}

void
vbgmm_cov_suff_set (const vbgmm_cov_prior *cp, int quad, const double *shift,
                    double r_sum, const double *sy, const double *sq,
                    vbgmm_cov_suff *suff)
{
  size_t d = cp->d;
  double N = r_sum + N_FLOOR;

  /* The floor carries the prior mean: xbar = (sum r x + N_FLOOR m0) / N_k,
     so that an empty component sits at m0 and the fit does not depend
     on where the origin is.  With y = x - c (c = SHIFT), written so that
     the tiny sums of an empty component stay exact:
     xbar - m0 = (sum r y + r_sum (c - m0)) / N_k, e = xbar - c.  */
  for (size_t i = 0; i < d; i++)
    {
      suff->dx[i] = (sy[i] + r_sum * (shift[i] - cp->m0[i])) / N;
      suff->e[i] = suff->dx[i] + (cp->m0[i] - shift[i]);
    }
  suff->N = N;
  suff->r_sum = r_sum;
  suff->sy = sy;

  /* N_k S_k = sum r (y - e)(y - e)' (10.53), from the moments about c:
     whole, its diagonal, or none, as the form took them.  */
  const double *e = suff->e;
  if (!suff->NS)
    return;
  if (quad == VBGMM_QUAD_FULL)
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j <= i; j++)
        {
          double v = sq[i * (i + 1) / 2 + j] - sy[i] * e[j] - e[i] * sy[j]
                     + r_sum * e[i] * e[j];
          suff->NS[i * d + j] = suff->NS[j * d + i] = v;
        }
  else if (quad == VBGMM_QUAD_DIAG)
    for (size_t i = 0; i < d; i++)
      suff->NS[i] = sq[i] - 2 * sy[i] * e[i] + r_sum * e[i] * e[i];
  else if (quad == VBGMM_QUAD_SUM)
    {
      double ye = 0, ee = 0;
      for (size_t i = 0; i < d; i++)
        {
          ye += sy[i] * e[i];
          ee += e[i] * e[i];
        }
      suff->NS[0] = sq[0] - 2 * ye + r_sum * ee;
    }
}

void
vbgmm_cov_means_update (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
                        vbgmm_model *model, size_t c)
{
  size_t d = cp->d;
  double N = suff->N;
  double beta = cp->beta0 + N;                            /* 10.60 */
  model->beta[c] = beta;
  for (size_t i = 0; i < d; i++)                          /* 10.61 */
    model->m[c * d + i] = cp->m0[i] + N * suff->dx[i] / beta;
}

int
vbgmm_cov_invert (gsl_matrix *work, double *W)
{
  size_t d = work->size1;
  return vbgmm_spd_invert (d, work->data, work->tda, W, NULL) == 0
         ? GSL_SUCCESS : GSL_EDOM;
}

double
vbgmm_cov_mean_terms (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
                      double beta, const double *W, double nu, double T,
                      double tr_NSW)
{
  return vbgmm_cov_mean_terms_q (cp, suff, beta,
                                 vbgmm_cov_quad (cp->d, W, suff->dx), nu, T,
                                 tr_NSW);
}

double
vbgmm_cov_mean_terms_q (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
                        double beta, double q, double nu, double T,
                        double tr_NSW)
{
  size_t d = cp->d;
  double N = suff->N, beta0 = cp->beta0;

  /* xbar - m = beta0 (xbar - m0) / beta and m - m0 = N (xbar - m0) / beta
     (from 10.61): both from dx, without cancellation.  */
  double q_xm = q * (beta0 / beta) * (beta0 / beta);
  double q_mm0 = q * (N / beta) * (N / beta);

  /* 10.71 */
  double p_x = 0.5 * (N * (T - d / beta - d * M_LN2 - d * M_LNPI)
                      - nu * tr_NSW - nu * N * q_xm);
  /* 10.74, the means.  A beta0 near the largest double would overflow
     beta0 nu and d beta0 on the way to terms near nu q N^2/beta0 and
     d: then beta0 is taken divided by beta first.  */
  double b_mm0 = beta0 * nu * q_mm0, d_b = d * beta0 / beta;
  if (!isfinite (b_mm0) || !isfinite (d_b))
    {
      b_mm0 = nu * q * (N / beta) * (N * (beta0 / beta));
      d_b = d * (beta0 / beta);
    }
  double p_mu = 0.5 * (d * log (beta0 / (2 * M_PI)) + T - d_b - b_mm0);
  /* 10.77, the means */
  double q_mu = 0.5 * T + d / 2.0 * log (beta / (2 * M_PI)) - d / 2.0;
  return p_x + p_mu - q_mu;
}

int
vbgmm_cov_e_ln_det_gamma (size_t d, double nu, double ln_det_W,
                          double *e_ln_det)
{
  gsl_sf_result r;
  int status = gsl_sf_psi_e (nu / 2, &r);
  if (status)
    return status;
  *e_ln_det = d * (r.val + M_LN2) + ln_det_W;
  return GSL_SUCCESS;
}

int
vbgmm_cov_gamma_terms (double nu0, double w0, double nu, double w,
                       double *terms)
{
  double e, ln_b0, ln_b;
  int status;
  /* A Gamma(nu/2, rate 1/(2w)) is the Wishart of D = 1.  */
  if ((status = vbgmm_wishart_e_ln_det (1, nu, log (w), &e))
      || (status = vbgmm_wishart_ln_b (1, nu0, log (w0), &ln_b0))
      || (status = vbgmm_wishart_ln_b (1, nu, log (w), &ln_b)))
    return status;
  *terms = ln_b0 + (nu0 - 2) / 2 * e - nu * w / (2 * w0)
           - ln_b - (nu - 2) / 2 * e + nu / 2;
  return GSL_SUCCESS;
}
