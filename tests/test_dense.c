/* test_dense.c -- products and factorisations of dense matrices
   against GSL and against sums written out

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_test.h>

#include "dense.h"

static unsigned long long seed = 12345;

/* Uniform in [-1, 1), from a fixed sequence.  */
static double
uniform (void)
{
  seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double) (seed >> 11) / 9007199254740992.0 * 2 - 1;
}

/* The largest |a_i - b_i| over N numbers, relative to the largest |b_i|.  */
static double
maxdiff (const double *a, size_t lda, const double *b, size_t ldb,
         size_t rows, size_t cols, int lower)
{
  double top = 0, diff = 0;
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < (lower ? i + 1 : cols); j++)
      {
        top = fmax (top, fabs (b[i * ldb + j]));
        diff = fmax (diff, fabs (a[i * lda + j] - b[i * ldb + j]));
      }
  return top > 0 ? diff / top : diff;
}

static void
check_size (size_t d, const char *kernel)
{
  const size_t ldp = VBGMM_DENSE_PAD (d);
  double *B = malloc (d * d * sizeof (double));
  double *A = malloc (d * d * sizeof (double));
  double *F = malloc (d * ldp * sizeof (double));
  double *inv = malloc (d * d * sizeof (double));
  gsl_matrix *G = gsl_matrix_alloc (d, d);
  /* A = B B' + I: symmetric positive definite, well conditioned.  */
  for (size_t i = 0; i < d * d; i++)
    B[i] = uniform ();
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        double s = i == j;
        for (size_t l = 0; l < d; l++)
          s += B[i * d + l] * B[j * d + l];
        A[i * d + j] = s;
      }

  /* The factor, as GSL's.  */
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < ldp; j++)
      F[i * ldp + j] = j < d ? A[i * d + j] : -7.0;
  memcpy (G->data, A, d * d * sizeof (double));
  gsl_linalg_cholesky_decomp1 (G);
  int status = vbgmm_dense_cholesky (d, F, ldp);
  gsl_test (status, "%s d=%zu cholesky status", kernel, d);
  gsl_test (maxdiff (F, ldp, G->data, d, d, d, 1) > 1e-13,
            "%s d=%zu cholesky = GSL's to 1e-13", kernel, d);
  int upper = 0;
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      upper |= F[i * ldp + j] != 0;
  gsl_test (upper, "%s d=%zu cholesky: zero above the diagonal", kernel, d);

  /* The inverse: A inv = I, and GSL's.  */
  memcpy (G->data, A, d * d * sizeof (double));
  gsl_linalg_cholesky_decomp1 (G);
  gsl_linalg_cholesky_invert (G);
  for (size_t i = 0; i < d; i++)
    memcpy (F + i * ldp, A + i * d, d * sizeof (double));
  status = vbgmm_dense_cholesky (d, F, ldp);
  if (!status)
    status = vbgmm_dense_inverse (d, F, ldp, inv);
  gsl_test (status, "%s d=%zu invert status", kernel, d);
  gsl_test (maxdiff (inv, d, G->data, d, d, d, 0) > 1e-12,
            "%s d=%zu inverse = GSL's to 1e-12", kernel, d);
  double res = 0;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        double s = 0;
        for (size_t l = 0; l < d; l++)
          s += A[i * d + l] * inv[l * d + j];
        res = fmax (res, fabs (s - (i == j)));
      }
  gsl_test (res > 1e-12, "%s d=%zu A A^-1 = I to 1e-12 (%g)", kernel, d, res);

  /* Not positive definite: -1.  */
  for (size_t i = 0; i < d; i++)
    memcpy (F + i * ldp, A + i * d, d * sizeof (double));
  F[(d - 1) * ldp + d - 1] = -1;
  gsl_test (vbgmm_dense_cholesky (d, F, ldp) != -1,
            "%s d=%zu not positive definite: -1", kernel, d);

  /* q_r = |Z_r L|^2 and S += Z'Z (lower) for every count of rows up to
     a few tiles, against the sums written out.  */
  for (size_t i = 0; i < d; i++)
    memcpy (F + i * ldp, A + i * d, d * sizeof (double));
  vbgmm_dense_cholesky (d, F, ldp);
  for (size_t i = 0; i < d; i++)
    for (size_t j = d; j < ldp; j++)
      F[i * ldp + j] = 0;
  const size_t mmax = 19;
  double *Z = calloc (mmax * ldp, sizeof (double));
  double *qv = malloc (mmax * 8 * sizeof (double));
  double *q = malloc (mmax * sizeof (double));
  double *S = calloc (d * ldp, sizeof (double));
  double worst_q = 0, worst_s = 0;
  for (size_t m = 1; m <= mmax; m += 6)
    {
      for (size_t r = 0; r < m; r++)
        for (size_t j = 0; j < d; j++)
          Z[r * ldp + j] = uniform ();
      vbgmm_dense_quad (m, d, Z, ldp, F, ldp, qv, q);
      for (size_t r = 0; r < m; r++)
        {
          double s = 0;
          for (size_t j = 0; j < d; j++)
            {
              double t = 0;
              for (size_t l = j; l < d; l++)
                t += Z[r * ldp + l] * F[l * ldp + j];
              s += t * t;
            }
          worst_q = fmax (worst_q, fabs (q[r] - s) / s);
        }
      for (size_t i = 0; i < d * ldp; i++)
        S[i] = 0.5;
      vbgmm_dense_gemm (d, d, m, Z, 1, ldp, Z, ldp, S, ldp, 1.0, 1);
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= i; j++)
          {
            double s = 0.5;
            for (size_t r = 0; r < m; r++)
              s += Z[r * ldp + i] * Z[r * ldp + j];
            worst_s = fmax (worst_s, fabs (S[i * ldp + j] - s) / (m + 1.0));
          }
    }
  gsl_test (worst_q > 1e-13, "%s d=%zu quadratic forms to 1e-13 (%g)",
            kernel, d, worst_q);
  gsl_test (worst_s > 1e-14, "%s d=%zu Z'Z to 1e-14 (%g)", kernel, d,
            worst_s);
  free (Z);
  free (qv);
  free (q);
  free (S);
  free (B);
  free (A);
  free (F);
  free (inv);
  gsl_matrix_free (G);
}

/* A diagonal matrix from VBGMM_DENSE_FACTOR_MIN_D dimensions on:
   vbgmm_spd_factor and vbgmm_spd_inverse take its diagonal alone and
   must give the very numbers of the tiled factorisation and inverse.  */
static void
check_diagonal (size_t d, const char *kernel)
{
  const size_t ldp = VBGMM_DENSE_PAD (d);
  double *A = calloc (d * ldp, sizeof (double));
  double *F = calloc (d * ldp, sizeof (double));
  double *inv = malloc (d * d * sizeof (double));
  double *ref = malloc (d * d * sizeof (double));
  /* Diagonal numbers over many binades, some exact squares.  */
  for (size_t i = 0; i < d; i++)
    A[i * ldp + i] = i % 5 == 0 ? (double) (i + 1) * (i + 1)
                     : ldexp (1.5 + uniform (), (int) (i % 41) - 20);
  memcpy (F, A, d * ldp * sizeof (double));
  int status = vbgmm_dense_cholesky (d, F, ldp)
               || vbgmm_dense_inverse (d, F, ldp, ref);
  memcpy (F + 0, A, d * ldp * sizeof (double));
  int mine = vbgmm_spd_factor (d, F, ldp);
  int same_factor = 1;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        double want = i == j ? sqrt (A[i * ldp + i]) : 0;
        same_factor &= memcmp (&F[i * ldp + j], &want, sizeof want) == 0;
      }
  gsl_test (status || mine || !same_factor,
            "%s d=%zu diagonal: factor = the square roots", kernel, d);
  mine = vbgmm_spd_inverse (d, F, ldp, inv);
  gsl_test (mine || memcmp (inv, ref, d * d * sizeof (double)),
            "%s d=%zu diagonal: inverse = the tiles', bit for bit", kernel,
            d);
  /* A zero on the diagonal: not positive definite.  */
  memcpy (F, A, d * ldp * sizeof (double));
  F[(d / 2) * ldp + d / 2] = 0;
  gsl_test (vbgmm_spd_factor (d, F, ldp) != -1,
            "%s d=%zu diagonal with a zero: -1", kernel, d);
  free (A);
  free (F);
  free (inv);
  free (ref);
}

int
main (void)
{
  gsl_set_error_handler_off ();
  /* Sizes below, at and past whole tiles and panels (48 columns; the
     triangular inverse: 192).  */
  static const size_t sizes[] = { 1, 2, 7, 25, 48, 49, 97, 130, 437 };
  static const char *const kernels[] = { "avx512", "avx2", "generic" };
  for (size_t k = 0; k < 3; k++)
    {
      setenv ("VBGMM_KERNEL", kernels[k], 1);
      for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        {
          check_size (sizes[s], kernels[k]);
          if (sizes[s] >= VBGMM_DENSE_FACTOR_MIN_D)
            check_diagonal (sizes[s], kernels[k]);
        }
    }
  return gsl_test_summary ();
}
