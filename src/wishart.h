/* wishart.h -- the Wishart distribution: E[ln |Lambda|], ln B, entropy

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

#ifndef VBGMM_WISHART_H
#define VBGMM_WISHART_H

#include <stddef.h>

/* The largest x with ln Gamma(x) a double (GSL's gsl_sf_lngamma): past
   nu = 2 x it, ln Gamma(nu/2) in the bound and the predictive density
   overflows.  */
#define VBGMM_LNGAMMA_ARG_MAX 2.5599833278516383e305

/* E[ln |Lambda|] (10.65).  */
int vbgmm_wishart_e_ln_det (size_t d, double nu, double ln_det_W,
                            double *e_ln_det);
/* ln B(W, nu) (B.79).  */
int vbgmm_wishart_ln_b (size_t d, double nu, double ln_det_W, double *ln_b);
/* H[q(Lambda)] (B.82).  */
int vbgmm_wishart_entropy (size_t d, double nu, double ln_det_W,
                           double e_ln_det, double *h);

#endif
