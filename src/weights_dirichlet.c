/* weights_dirichlet.c -- Dirichlet weights: q(pi) = Dir(alpha) (PRML 10.2)

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

#include "dirichlet.h"
#include "weights.h"

static void
start (const vbgmm_prior *prior, double Nk, vbgmm_model *model)
{
  for (size_t c = 0; c < model->k; c++)
    model->alpha[c] = prior->alpha0 + Nk;
}

static void
update (const vbgmm_prior *prior, vbgmm_model *model)
{
  vbgmm_dirichlet_update (model->k, prior->alpha0, model->N, model->alpha);
}

static int
e_ln_pi (const vbgmm_model *model, double *out)
{
  return vbgmm_dirichlet_e_ln_pi (model->k, model->alpha, out);
}

static double
alpha_sum (const vbgmm_model *model)
{
  double sum = 0;
  for (size_t j = 0; j < model->k; j++)
    sum += model->alpha[j];
  return sum;
}

static double
weight (const vbgmm_model *model, size_t k)
{
  return model->alpha[k] / alpha_sum (model);
}

static void
weights (const vbgmm_model *model, double *w)
{
  const double sum = alpha_sum (model);
  for (size_t c = 0; c < model->k; c++)
    w[c] = model->alpha[c] / sum;
}

static int
bound (const vbgmm_prior *prior, const vbgmm_model *model,
       const double *e_ln_pi, double *terms)
{
  return vbgmm_dirichlet_bound (model->k, prior->alpha0, model->alpha,
                                model->N, e_ln_pi, terms);
}

static size_t
rows (size_t k)
{
  return k;
}

const vbgmm_weights_type vbgmm_weights_dirichlet = {
  "dirichlet", start, update, e_ln_pi, weight, weights, bound, { "alpha", NULL }, rows
};
