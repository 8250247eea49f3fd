/* mstep_dense.h -- the M-step of the full form in many dimensions, without W

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

#ifndef VBGMM_MSTEP_DENSE_H
#define VBGMM_MSTEP_DENSE_H

#include <stddef.h>

#include "covariance.h"
#include "responsibility.h"

/* Where the pass is estep_dense.c's (full form, many dimensions), a fit
   does not hold the W_k, K D^2 doubles (80 MB at D = 1000, K = 10):
   the M-step makes of W_k^-1 the factor the E-step needs, kept packed
   (half the room), and the bound's terms; the W_k are made once, at
   the end.  WORK: 2 d VBGMM_DENSE_PAD (d) doubles.  */

/* nu_k (10.63) and, in place of W_k (10.62), its Cholesky factor L_k
   into ES (vbgmm_estep_keep_factors) with ln |W_k| and E[ln |Lambda_k|],
   and dx'W_k dx and Tr ((W0^-1 + N_k S_k) W_k) into SUFF, for the
   component C whose SUFF (vbgmm_cov_suff_set without NS), beta_k and
   m_k are made; SQ: its sums sum_n r_nk y_n y_n' (lower, by rows).
   -1 when W_k^-1 is not positive definite, -2 out of memory, -3
   when E[ln |Lambda_k|] cannot be evaluated.  */
int vbgmm_mstep_dense (const vbgmm_cov_prior *cp, const double *sq,
                       vbgmm_cov_suff *suff, vbgmm_model *model, size_t c,
                       vbgmm_estep *es, double *work);

/* W_k = L_k L_k' for the K components, in place: BLOCK (K d d doubles)
   holds the factors packed at its start, as ES->L held them, and the
   W_k after, by rows.  */
void vbgmm_mstep_dense_W (size_t k, size_t d, double *block, double *work);

#endif
