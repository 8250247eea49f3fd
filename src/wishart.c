/* wishart.c -- the Wishart distribution: E[ln |Lambda|], ln B, entropy

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

