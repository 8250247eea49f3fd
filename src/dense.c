/* dense.c -- products and factorisations of dense matrices

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
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "dense.h"
#include "responsibility.h"

/* Vectors are loaded and stored through memcpy: rows need not be
   aligned to the vector size.  */
#define LOAD(v, p) memcpy (&(v), (p), sizeof (v))
#define STORE(p, v) memcpy ((p), &(v), sizeof (v))
#define ZERO ((vec) { 0 })
/* A broadcast without an addition (see responsibility.c).  */
#define SPLAT(x) ((x) - ZERO)
/* A product rounded as such, not fused with the sum it goes into:
   the bits of the sums written out one operation at a time.  */
#ifdef HAVE_X86_TARGETS
# define ROUNDED(p) __asm__ ("" : "+v" (p))
#else
# define ROUNDED(p) ((void) 0)
#endif
#define KERNEL_PASTE2(a, b) a##_##b
#define KERNEL_PASTE(a, b) KERNEL_PASTE2 (a, b)

#ifdef HAVE_X86_TARGETS
# define KERNEL_TARGET __attribute__ ((target ("arch=x86-64-v4")))
# define W 8
# include "dense_tile.h"
# undef KERNEL_TARGET
# undef W
# define KERNEL_TARGET __attribute__ ((target ("arch=x86-64-v3")))
# define W 4
# include "dense_tile.h"
# undef KERNEL_TARGET
# undef W
#endif
#define KERNEL_TARGET
#define W 2
#include "dense_tile.h"
#undef KERNEL_TARGET
#undef W

void
vbgmm_dense_gemm (size_t m, size_t nc, size_t kd, const double *A, size_t ar,
                  size_t al, const double *B, size_t ldb, double *C,
                  size_t ldc, double sign, int lower)
{
  switch (vbgmm_kernel_width ())
    {
#ifdef HAVE_X86_TARGETS
    case 8:
      dense_gemm_8 (m, nc, kd, A, ar, al, B, ldb, C, ldc, sign, lower);
      return;
    case 4:
      dense_gemm_4 (m, nc, kd, A, ar, al, B, ldb, C, ldc, sign, lower);
      return;
#endif
    default:
      dense_gemm_2 (m, nc, kd, A, ar, al, B, ldb, C, ldc, sign, lower);
    }
}

size_t
vbgmm_dense_strip_offset (size_t d, size_t s)
{
  const size_t SW = VBGMM_DENSE_STRIP;
  return SW * (s * d - SW * (s * (s - 1) / 2));
}

size_t
vbgmm_dense_strips_size (size_t d)
{
  const size_t SW = VBGMM_DENSE_STRIP;
  return vbgmm_dense_strip_offset (d, (d + SW - 1) / SW);
}

void
vbgmm_dense_strips (size_t d, const double *L, size_t ldl, double *S)
{
  const size_t SW = VBGMM_DENSE_STRIP;
  for (size_t c0 = 0; c0 < d; c0 += SW)
    {
      double *restrict s = S + vbgmm_dense_strip_offset (d, c0 / SW);
      const size_t end = d - c0 < SW ? d : c0 + SW;
      for (size_t l = c0; l < d; l++, s += SW)
        {
          /* Columns C0 to the diagonal or the strip's end.  */
          const size_t n = (l < end ? l + 1 : end) - c0;
          const double *restrict row
              = ldl ? L + l * ldl + c0 : L + l * (l + 1) / 2 + c0;
          memcpy (s, row, n * sizeof (double));
          memset (s + n, 0, (SW - n) * sizeof (double));
        }
    }
}

void
vbgmm_dense_quad_strips (size_t m, size_t d, const double *Z, size_t ldz,
                         const double *S, double *qv, double *q)
{
  switch (vbgmm_kernel_width ())
    {
#ifdef HAVE_X86_TARGETS
    case 8:
      dense_quad_strips_8 (m, d, Z, ldz, S, qv, q);
      return;
    case 4:
      dense_quad_strips_4 (m, d, Z, ldz, S, qv, q);
      return;
#endif
    default:
      dense_quad_strips_2 (m, d, Z, ldz, S, qv, q);
    }
}

int
vbgmm_dense_quad (size_t m, size_t d, const double *Z, size_t ldz,
                  const double *L, size_t ldl, double *qv, double *q)
{
  double *S = malloc (vbgmm_dense_strips_size (d) * sizeof (double));
  if (!S)
    return -2;
  vbgmm_dense_strips (d, L, ldl, S);
  vbgmm_dense_quad_strips (m, d, Z, ldz, S, qv, q);
  free (S);
  return 0;
}

/* X := L^-1 X, as trsm in dense_tile.h.  */
static void
dense_trsm (size_t nb, size_t nc, size_t off, const double *L, size_t ldl,
            const double *s, int divide, double *X, size_t ldx)
{
  switch (vbgmm_kernel_width ())
    {
#ifdef HAVE_X86_TARGETS
    case 8:
      dense_trsm_8 (nb, nc, off, L, ldl, s, divide, X, ldx);
      return;
    case 4:
      dense_trsm_4 (nb, nc, off, L, ldl, s, divide, X, ldx);
      return;
#endif
    default:
      dense_trsm_2 (nb, nc, off, L, ldl, s, divide, X, ldx);
    }
}

/* The diagonal block of a panel, as chol_block in dense_tile.h.  */
static int
dense_chol_block (size_t nb, double *A, size_t lda, size_t room,
                  double *diag, double *col)
{
  switch (vbgmm_kernel_width ())
    {
#ifdef HAVE_X86_TARGETS
    case 8:
      return dense_chol_block_8 (nb, A, lda, room, diag, col);
    case 4:
      return dense_chol_block_4 (nb, A, lda, room, diag, col);
#endif
    default:
      return dense_chol_block_2 (nb, A, lda, room, diag, col);
    }
}

/* Columns of a panel of the factorisations.  */
#define NB 48
/* Columns of a panel of the triangular inverse's products.  */
#define JB 192
/* Rows of a block of the product T'T of the inverse.  */
#define TTB 8

int
vbgmm_dense_cholesky (size_t d, double *A, size_t lda)
{
  const size_t ldp = VBGMM_DENSE_PAD (d);
  /* The panel's columns below it, transposed: solved by rows, and
     read by rows in the update of the rest.  */
  double *pt = calloc (NB * ldp, sizeof (double));
  if (!pt)
    return -2;
  for (size_t k0 = 0; k0 < d; k0 += NB)
    {
      const size_t nb = d - k0 < NB ? d - k0 : NB, k1 = k0 + nb;
      /* The panel's diagonal block, column by column, from the rows
         already updated for the columns left of it: column J divided
         by its diagonal, then taken from the columns right of it, row
         by row.  Each element is a_ij - a_i,k0 a_j,k0 - a_i,k0+1
         a_j,k0+1 - ... in that order, as a dot product would take
         it.  */
      double diag[NB], col[NB + 8];
      if (dense_chol_block (nb, A + k0 * lda + k0, lda, lda - k0, diag, col))
        {
          free (pt);
          return -1;
        }
      if (k1 >= d)
        break;
      /* The rows below it, L21 = A21 L11^-T, transposed: L11 L21' =
         A21', the same operations in the same order.  */
      const size_t m = d - k1;
      for (size_t l = 0; l < nb; l++)
        {
          double *restrict row = pt + l * ldp;
          for (size_t i = 0; i < m; i++)
            row[i] = A[(k1 + i) * lda + k0 + l];
          for (size_t i = m; i < ldp; i++)
            row[i] = 0;
        }
      dense_trsm (nb, m, (size_t) -1, A + k0 * lda + k0, lda, diag, 1, pt,
                  ldp);
      for (size_t i = 0; i < m; i++)
        {
          double *restrict ai = A + (k1 + i) * lda + k0;
          for (size_t l = 0; l < nb; l++)
            ai[l] = pt[l * ldp + i];
        }
      /* A22 -= L21 L21' (lower), L21 = rows K1.. of the panel.  */
      vbgmm_dense_gemm (m, m, nb, A + k1 * lda + k0, lda, 1, pt, ldp,
                        A + k1 * lda + k1, lda, -1.0, 1);
    }
  for (size_t i = 0; i < d; i++)
    memset (A + i * lda + i + 1, 0, (d - i - 1) * sizeof (double));
  free (pt);
  return 0;
}

int
vbgmm_dense_tri_invert (size_t d, const double *L, size_t ldl, double *T,
                        size_t ldt)
{
  for (size_t i = 0; i < d; i++)
    memset (T + i * ldt, 0, ldt * sizeof (double));
  for (size_t i0 = 0; i0 < d; i0 += NB)
    {
      const size_t nb = d - i0 < NB ? d - i0 : NB;
      /* Rows I of T, columns < I0: - L_I,<I T_<I, by panels of
         columns J: T is zero above its diagonal, so only the terms
         from J on count (D^3 / 6 multiply-adds in all, not D^3 / 3).
         The panels are whole tiles wide (I0 and JB are multiples
         of 24): the tiles read no column of T past the panel.  */
      for (size_t j0 = 0; j0 < i0; j0 += JB)
        {
          const size_t jw = i0 - j0 < JB ? i0 - j0 : JB;
          vbgmm_dense_gemm (nb, jw, i0 - j0, L + i0 * ldl + j0, ldl, 1,
                            T + j0 * ldt + j0, ldt, T + i0 * ldt + j0, ldt,
                            -1.0, 0);
        }
      /* Then the rows of the block, with the identity in its columns:
         row I of T is (that - L_i,i0 t_i0 - ... - L_i,i-1 t_i-1) times
         1 / L_ii, each column summed in that order.  */
      double inv[NB];
      for (size_t i = i0; i < i0 + nb; i++)
        {
          T[i * ldt + i] = 1;
          inv[i - i0] = 1 / L[i * ldl + i];
        }
      dense_trsm (nb, i0 + nb, i0, L + i0 * ldl + i0, ldl, inv, 0,
                  T + i0 * ldt, ldt);
      /* Above the diagonal, where the rows' zeros were taken from
         zeros, a zero of either sign: nothing.  */
      for (size_t i = i0; i < i0 + nb; i++)
        memset (T + i * ldt + i + 1, 0, (ldt - i - 1) * sizeof (double));
    }
  return 0;
}

int
vbgmm_dense_inverse (size_t d, const double *L, size_t lda, double *inv)
{
  /* T = L^-1 (lower), by blocks of rows: the rows I of T are
     L_II^-1 (E_I - L_I,<I T_<I).  */
  const size_t ldp = VBGMM_DENSE_PAD (d);
  double *T = malloc (d * ldp * sizeof (double));
  if (!T)
    return -2;
  vbgmm_dense_tri_invert (d, L, lda, T, ldp);
  /* A^-1 = T'T: (T'T)[i][j] = sum_{l >= i} T[l][i] T[l][j], j <= i,
     by blocks of rows I, from row I0 of T on: the terms of the rows of
     T between I0 and i are products of its zeros above the diagonal,
     +0 or -0, which change no sum, and the fewer of them the less
     work (at D = 64, blocks of 8 rows take half the multiply-adds of
     blocks of 48).  */
  for (size_t i = 0; i < d * d; i++)
    inv[i] = 0;
  for (size_t i0 = 0; i0 < d; i0 += TTB)
    {
      const size_t nb = d - i0 < TTB ? d - i0 : TTB;
      vbgmm_dense_gemm (nb, i0 + nb, d - i0, T + i0 * ldp + i0, 1, ldp,
                        T + i0 * ldp, ldp, inv + i0 * d, d, 1.0, 0);
    }
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      inv[i * d + j] = inv[j * d + i];
  free (T);
  return 0;
}

/* From VBGMM_DENSE_FACTOR_MIN_D dimensions on, whether A (lda apart)
   has only zeros below its diagonal: a diagonal matrix, whose factor
   and inverse take D numbers (below, GSL's own for every matrix).  */
static int
lower_zero (size_t d, const double *A, size_t lda)
{
  if (d < VBGMM_DENSE_FACTOR_MIN_D)
    return 0;
  for (size_t i = 1; i < d; i++)
    for (size_t j = 0; j < i; j++)
      if (A[i * lda + j] != 0)
        return 0;
  return 1;
}

int
vbgmm_spd_factor (size_t d, double *A, size_t lda)
{
  /* A diagonal matrix (W of the diagonal and spherical forms): its
     factor is the square roots of its diagonal, the numbers the tiled
     factorisation makes of it, as it subtracts nothing but zeros (GSL's
     may round them otherwise: it keeps its own).  */
  if (lower_zero (d, A, lda))
    {
      for (size_t i = 0; i < d; i++)
        {
          if (!(A[i * lda + i] > 0))
            return -1;
          A[i * lda + i] = sqrt (A[i * lda + i]);
          for (size_t j = i + 1; j < d; j++)
            A[i * lda + j] = 0;
        }
      return 0;
    }
  if (d >= VBGMM_DENSE_FACTOR_MIN_D)
    return vbgmm_dense_cholesky (d, A, lda);
  gsl_matrix_view v = gsl_matrix_view_array_with_tda (A, d, d, lda);
  return gsl_linalg_cholesky_decomp1 (&v.matrix) == GSL_SUCCESS ? 0 : -1;
}

int
vbgmm_spd_inverse (size_t d, double *L, size_t lda, double *inv)
{
  /* A diagonal factor (of W0 or W in the diagonal and spherical forms):
     D^2 work, not D^3, and the numbers the tiles make of it, which
     subtract and add nothing but zeros: (1 / l_ii)^2 on the diagonal,
     +0 elsewhere.  */
  if (lower_zero (d, L, lda))
    {
      memset (inv, 0, d * d * sizeof (double));
      for (size_t i = 0; i < d; i++)
        {
          double t = 1 / L[i * lda + i];
          inv[i * d + i] = t * t;
        }
      return 0;
    }
  if (d >= VBGMM_DENSE_FACTOR_MIN_D)
    return vbgmm_dense_inverse (d, L, lda, inv);
  gsl_matrix_view v = gsl_matrix_view_array_with_tda (L, d, d, lda);
  if (gsl_linalg_cholesky_invert (&v.matrix) != GSL_SUCCESS)
    return -1;
  for (size_t i = 0; i < d; i++)
    memcpy (inv + i * d, L + i * lda, d * sizeof (double));
  return 0;
}

int
vbgmm_spd_invert (size_t d, double *A, size_t lda, double *inv,
                  double *ln_det)
{
  int status = vbgmm_spd_factor (d, A, lda);
  if (status)
    return status;
  if (ln_det)
    {
      double s = 0;
      for (size_t i = 0; i < d; i++)
        s += 2 * log (A[i * lda + i]);
      *ln_det = s;
    }
  return vbgmm_spd_inverse (d, A, lda, inv);
}

int
vbgmm_spd_check (size_t d, const double *A, size_t lda)
{
  double *L = malloc (d * d * sizeof (double));
  if (!L)
    return -2;
  for (size_t i = 0; i < d; i++)
    memcpy (L + i * d, A + i * lda, d * sizeof (double));
  int status = vbgmm_spd_factor (d, L, d);
  free (L);
  return status;
}
