/* dirichlet.c -- q(pi), the Dirichlet factor of the posterior (PRML 10.2)

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
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "dirichlet.h"

void
vbgmm_dirichlet_update (size_t k, double alpha0, const double *N,
                        double *alpha)
{
  for (size_t j = 0; j < k; j++)
    alpha[j] = alpha0 + N[j];
}

int
vbgmm_dirichlet_e_ln_pi (size_t k, const double *alpha, double *e_ln_pi)
{
  double sum = 0;
  gsl_sf_result r;
  for (size_t j = 0; j < k; j++)
    sum += alpha[j];
  int status = gsl_sf_psi_e (sum, &r);
  if (status)
    return status;
  double psi_sum = r.val;
  for (size_t j = 0; j < k; j++)
    {
      status = gsl_sf_psi_e (alpha[j], &r);
      if (status)
        return status;
      e_ln_pi[j] = r.val - psi_sum;
    }
  return GSL_SUCCESS;
}

int
vbgmm_dirichlet_ln_c (size_t k, const double *alpha, double *ln_c)
{
  double sum = 0, acc = 0;
  gsl_sf_result r;
  for (size_t j = 0; j < k; j++)
    {
      int status = gsl_sf_lngamma_e (alpha[j], &r);
      if (status)
        return status;
      acc -= r.val;
      sum += alpha[j];
    }
  int status = gsl_sf_lngamma_e (sum, &r);
  if (status)
    return status;
  *ln_c = acc + r.val;
  return GSL_SUCCESS;
}

int
vbgmm_dirichlet_bound (size_t k, double alpha0, const double *alpha,
                       const double *N, const double *e_ln_pi, double *terms)
{
  double ln_c0, ln_c;
  int status;
  /* ln C(alpha0) of the symmetric prior: lnGamma(K alpha0) - K lnGamma(alpha0).  */
  gsl_sf_result a, b;
  if ((status = gsl_sf_lngamma_e (k * alpha0, &a))
      || (status = gsl_sf_lngamma_e (alpha0, &b)))
    return status;
  ln_c0 = a.val - k * b.val;
  if ((status = vbgmm_dirichlet_ln_c (k, alpha, &ln_c)))
    return status;

  double acc = ln_c0 - ln_c;
  for (size_t j = 0; j < k; j++)
    /* 10.72 + 10.73 - 10.76, gathered per component: the coefficient of
       E[ln pi_k] is N_k + (alpha0 - 1) - (alpha_k - 1).  */
    acc += (N[j] + alpha0 - alpha[j]) * e_ln_pi[j];
  *terms = acc;
  return GSL_SUCCESS;
}
