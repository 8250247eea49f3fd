/* mstep_dense.c -- the M-step of the full form in many dimensions, without W

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

/* W_k^-1 = W0^-1 + N_k S_k + f dx dx' (10.62, f = beta0 N_k / (beta0 +
   N_k)) is factorised once: with P the reversal of the coordinates,
   P W^-1 P = G G' (G lower), so W^-1 = U U' with U = P G P upper, and
   W = L L' with L = U^-T = P G^-T P lower, the Cholesky factor of W:
   L[i][j] = T[d-1-j][d-1-i], T = G^-1.  That is one factorisation and
   one triangular inverse (D^3 / 3 multiply-adds), against a
   factorisation, the inverse and a second factorisation for the
   E-step before (about D^3).  ln |W| = -2 sum ln G_ii; dx'W dx =
   |L'dx|^2 = |T P dx|^2; and as W^-1 W = I,
   Tr ((W0^-1 + N_k S_k) W) = D - f dx'W dx.  */

#include <config.h>

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "dense.h"
#include "mstep_dense.h"
#include "vbgmm.h"

/* Rows and columns of a block of the transposes.  */
#define TB 32

int
vbgmm_mstep_dense (const vbgmm_cov_prior *cp, const double *sq,
                   vbgmm_cov_suff *suff, vbgmm_model *model, size_t c,
                   vbgmm_estep *es, double *work)
{
  const size_t d = cp->d, ldp = VBGMM_DENSE_PAD (d);
  double *restrict A = work, *restrict T = work + d * ldp;
  const double N = suff->N, r_sum = suff->r_sum;
  const double f = vbgmm_cov_shrink (cp->beta0, N);
  const double *restrict sy = suff->sy, *restrict e = suff->e;
  const double *restrict dx = suff->dx, *restrict W0inv = cp->W0inv;
  /* P W^-1 P, its lower triangle: the element (i, j), i >= j, of W^-1
     summed as cov_full.c sums it, N_k S_k from the moments about the
     shift as vbgmm_cov_suff_set makes it.  */
  /* By square blocks: the rows of one are the columns of the other.  */
  for (size_t a0 = 0; a0 < d; a0 += TB)
    for (size_t b0 = 0; b0 <= a0; b0 += TB)
      for (size_t b = b0; b < b0 + TB && b < d; b++)
        {
          const size_t i = d - 1 - b;
          const double *restrict sqi = sq + i * (i + 1) / 2;
          const double *restrict w0i = W0inv + i * d;
          for (size_t a = a0 > b ? a0 : b; a < a0 + TB && a < d; a++)
            {
              const size_t j = d - 1 - a;
              double ns = sqi[j] - sy[i] * e[j] - e[i] * sy[j]
                          + r_sum * e[i] * e[j];
              A[a * ldp + b] = w0i[j] + ns + f * dx[i] * dx[j];
            }
        }
  int status = vbgmm_dense_cholesky (d, A, ldp);
  if (status)
    return status;
  double ln_det = 0;
  for (size_t a = 0; a < d; a++)
    ln_det -= 2 * log (A[a * ldp + a]);
  vbgmm_dense_tri_invert (d, A, ldp, T, ldp);
  double *restrict L = VBGMM_ESTEP_FACTOR (es, c);
  for (size_t i0 = 0; i0 < d; i0 += TB)
    for (size_t j0 = 0; j0 <= i0; j0 += TB)
      for (size_t j = j0; j < j0 + TB && j < d; j++)
        {
          const double *restrict tj = T + (d - 1 - j) * ldp + d - 1;
          for (size_t i = i0 > j ? i0 : j; i < i0 + TB && i < d; i++)
            L[i * (i + 1) / 2 + j] = tj[-(ptrdiff_t) i];
        }
  double q = 0;
  for (size_t a = 0; a < d; a++)
    {
      const double *restrict ta = T + a * ldp;
      double u = 0;
      for (size_t b = 0; b <= a; b++)
        u += ta[b] * dx[d - 1 - b];
      q += u * u;
    }
  suff->q_W = q;
  suff->tr_W = d - f * q;
  model->nu[c] = cp->nu0 + N;                             /* 10.63 */
  es->ln_det_W[c] = ln_det;
  es->uAu[c] = 0;
  if (model->covariance->e_ln_det (d, model->nu[c], ln_det, es->e_ln_det + c))
    return -3;
  return 0;
}

/* Columns of a block of rows of the product.  */
#define NB 48

void
vbgmm_mstep_dense_W (size_t k, size_t d, double *block, double *work)
{
  const size_t ldp = VBGMM_DENSE_PAD (d), P = d * (d + 1) / 2;
  double *restrict X = work, *restrict Y = work + d * ldp;
  /* From the last: W_c, from c d^2 on, covers only the factors from
     c on, and the factor of C is copied out first.  */
  for (size_t c = k; c-- > 0;)
    {
      const double *f = block + c * P;
      memset (Y, 0, d * ldp * sizeof (double));
      for (size_t i = 0; i < d; i++)
        {
          memcpy (X + i * ldp, f + i * (i + 1) / 2, (i + 1) * sizeof (double));
          memset (X + i * ldp + i + 1, 0, (ldp - i - 1) * sizeof (double));
          for (size_t j = 0; j <= i; j++)
            Y[j * ldp + i] = X[i * ldp + j];
        }
      double *restrict Wc = block + c * d * d;
      memset (Wc, 0, d * d * sizeof (double));
      /* W[i][j] = sum_{l <= min (i, j)} L[i][l] L[j][l], by blocks of
         rows I: the columns and terms up to the end of I.  */
      for (size_t i0 = 0; i0 < d; i0 += NB)
        {
          const size_t nb = d - i0 < NB ? d - i0 : NB;
          vbgmm_dense_gemm (nb, i0 + nb, i0 + nb, X + i0 * ldp, ldp, 1, Y,
                            ldp, Wc + i0 * d, d, 1.0, 0);
        }
      for (size_t i = 0; i < d; i++)
        for (size_t j = i + 1; j < d; j++)
          Wc[i * d + j] = Wc[j * d + i];
    }
}
