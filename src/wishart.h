/* wishart.h -- q(mu, Lambda), the Gaussian-Wishart factor of the posterior

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
#include <gsl/gsl_matrix.h>

#include "vbgmm.h"

/* What the prior contributes to every component, computed once.  */
typedef struct vbgmm_wishart_prior
{
  size_t d;
  double beta0, nu0;
  const double *m0;
  double *W0inv;     /* d * d */
  double ln_b0;      /* ln B(W0, nu0) */
} vbgmm_wishart_prior;

int vbgmm_wishart_prior_init (vbgmm_wishart_prior *wp,
                              const vbgmm_prior *prior, vbgmm_error *err);
void vbgmm_wishart_prior_free (vbgmm_wishart_prior *wp);

/* One component's statistics, as the M-step turns them into the terms
   of 10.60-10.63 and the bound needs them again.  */
typedef struct vbgmm_wishart_suff
{
  double N;          /* N_k (10.51) */
  double *NS;        /* d * d: N_k S_k (10.53) */
  double *dx;        /* d: xbar_k - m0 */
} vbgmm_wishart_suff;

/* M-step for one component (10.60-10.63).  From the sums over the
   points of r, r y and r y y' (y = x - SHIFT, SYY packed lower
   triangle by rows), set N_k, S_k (in SUFF) and beta, m, W, nu.
   WORK is a d x d matrix.  */
int vbgmm_wishart_update (const vbgmm_wishart_prior *wp, const double *shift,
                          double r_sum, const double *sy, const double *syy,
                          vbgmm_wishart_suff *suff, double *beta, double *m,
                          double *W, double *nu, gsl_matrix *work);

/* E[ln |Lambda|] (10.65).  */
int vbgmm_wishart_e_ln_det (size_t d, double nu, double ln_det_W,
                            double *e_ln_det);
/* ln B(W, nu) (B.79).  */
int vbgmm_wishart_ln_b (size_t d, double nu, double ln_det_W, double *ln_b);
/* H[q(Lambda)] (B.82).  */
int vbgmm_wishart_entropy (size_t d, double nu, double ln_det_W,
                           double e_ln_det, double *h);

/* The bound terms of one component:
   E[ln p(X|Z,mu,Lambda)] + E[ln p(mu,Lambda)] - E[ln q(mu,Lambda)]
   (10.71, 10.74, 10.77).  */
int vbgmm_wishart_bound (const vbgmm_wishart_prior *wp,
                         const vbgmm_wishart_suff *suff, double beta,
                         const double *W, double nu, double ln_det_W,
                         double e_ln_det, double *terms);

#endif
