/* weights_dp.c -- Dirichlet-process weights: truncated stick-breaking

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
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "weights.h"

/* v_k ~ Beta(1, gamma0) for k < K, v_K = 1, pi_k = v_k prod_{j<k}(1 - v_j)
   (Blei and Jordan 2006); q(v_k) = Beta(a_k, b_k), a_k in the model's
   alpha, b_k in its b.  The last component has no stick.  */

static void
start (const vbgmm_prior *prior, double Nk, vbgmm_model *model)
{
  size_t k = model->k;
  for (size_t c = 0; c < k; c++)
    {
      model->alpha[c] = 1 + Nk;
      model->b[c] = prior->gamma0 + (k - 1 - c) * Nk;
    }
}

/* a_k = 1 + N_k, b_k = gamma0 + sum_{j>k} N_j.  */
static void
update (const vbgmm_prior *prior, vbgmm_model *model)
{
  double tail = 0;
  for (size_t c = model->k; c-- > 0;)
    {
      model->alpha[c] = 1 + model->N[c];
      model->b[c] = prior->gamma0 + tail;
      tail += model->N[c];
    }
}

/* E[ln v_k] and E[ln(1 - v_k)] of component C < K - 1.  */
static int
e_ln_v (const vbgmm_model *model, size_t c, double *lv, double *l1v)
{
  gsl_sf_result a, b, ab;
  int status;
  if ((status = gsl_sf_psi_e (model->alpha[c], &a))
      || (status = gsl_sf_psi_e (model->b[c], &b))
      || (status = gsl_sf_psi_e (model->alpha[c] + model->b[c], &ab)))
    return status;
  *lv = a.val - ab.val;
  *l1v = b.val - ab.val;
  return GSL_SUCCESS;
}

/* E[ln pi_k] = E[ln v_k] + sum_{j<k} E[ln(1 - v_j)], E[ln v_K] = 0.  */
static int
e_ln_pi (const vbgmm_model *model, double *out)
{
  double rest = 0;
  for (size_t c = 0; c < model->k; c++)
    {
      double lv = 0, l1v = 0;
      if (c + 1 < model->k)
        {
          int status = e_ln_v (model, c, &lv, &l1v);
          if (status)
            return status;
        }
      out[c] = lv + rest;
      rest += l1v;
    }
  return GSL_SUCCESS;
}

/* E[v_k] = a_k/(a_k+b_k), 1 for the last component.  */
static double
stick (const vbgmm_model *model, size_t c)
{
  return c + 1 < model->k ? model->alpha[c] / (model->alpha[c] + model->b[c])
                          : 1;
}

/* E[1 - v_k] = b_k/(a_k+b_k).  */
static double
rest (const vbgmm_model *model, size_t c)
{
  return model->b[c] / (model->alpha[c] + model->b[c]);
}

/* E[pi_k] = a_k/(a_k+b_k) prod_{j<k} b_j/(a_j+b_j): the product of
   the rests in the order of the components, then the stick, so that
   all K of them take one running product.  */
static double
weight (const vbgmm_model *model, size_t k)
{
  double p = 1;
  for (size_t j = 0; j < k; j++)
    p *= rest (model, j);
  return stick (model, k) * p;
}

static void
weights (const vbgmm_model *model, double *w)
{
  double p = 1;
  for (size_t c = 0; c < model->k; c++)
    {
      w[c] = stick (model, c) * p;
      p *= rest (model, c);
    }
}

/* sum_k N_k E[ln pi_k] + sum_{k<K} [ln C(1, gamma0)
   + (gamma0 - 1) E[ln(1 - v_k)] - ln C(a_k, b_k) - (a_k - 1) E[ln v_k]
   - (b_k - 1) E[ln(1 - v_k)]], ln C(1, gamma0) = ln gamma0.  */
static int
bound (const vbgmm_prior *prior, const vbgmm_model *model,
       const double *e_ln_pi, double *terms)
{
  size_t k = model->k;
  double acc = 0, g0 = prior->gamma0;
  for (size_t c = 0; c < k; c++)
    acc += model->N[c] * e_ln_pi[c];
  for (size_t c = 0; c + 1 < k; c++)
    {
      double a = model->alpha[c], b = model->b[c], lv, l1v;
      gsl_sf_result la, lb, lab;
      int status;
      if ((status = e_ln_v (model, c, &lv, &l1v))
          || (status = gsl_sf_lngamma_e (a, &la))
          || (status = gsl_sf_lngamma_e (b, &lb))
          || (status = gsl_sf_lngamma_e (a + b, &lab)))
        return status;
      acc += log (g0) + (g0 - 1) * l1v
             - (lab.val - la.val - lb.val) - (a - 1) * lv - (b - 1) * l1v;
    }
  *terms = acc;
  return GSL_SUCCESS;
}

/* a and b: a stick for every component but the last.  */
static size_t
rows (size_t k)
{
  return k - 1;
}

const vbgmm_weights_type vbgmm_weights_dp = {
  "dp", start, update, e_ln_pi, weight, weights, bound, { "a", "b" }, rows
};
