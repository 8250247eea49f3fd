/* dense.h -- products and factorisations of dense matrices

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

#ifndef VBGMM_DENSE_H
#define VBGMM_DENSE_H

#include <stddef.h>

/* What the full form needs in many dimensions, on SIMD tiles near the
   peak of the multiply-add units, without a BLAS library (a serial
   OpenBLAS may not be called from two threads at once, and restarts
   run fits side by side).  Matrices are by rows, with a leading
   dimension; every sum runs in one fixed order, so that the results do
   not depend on the thread that computes them.  One version per
   instruction set, chosen as the E-step kernel is (VBGMM_KERNEL).  */

/* From this many dimensions on, the full form's pass and the
   factorisations of D x D matrices run here (chosen by measurement:
   below it the feature kernel and GSL are faster).  */
#define VBGMM_DENSE_MIN_D 128

/* The factorisations and inverses of D x D matrices alone (M-step,
   E-step preparation, prior) run here from this many dimensions on:
   at D = 64 the tiles take the M-step from GSL's CBLAS in a tenth of
   the fit's time (digits, K = 10).  */
#define VBGMM_DENSE_FACTOR_MIN_D 32
/* From that many dimensions on, vbgmm_spd_factor takes a diagonal
   matrix's factor as the square roots of its diagonal: a caller that
   knows its matrix diagonal (diag, spherical) may take them itself,
   the same numbers without a copy of the matrix.  */
#define VBGMM_SPD_DIAGONAL_SQRT(d) ((d) >= VBGMM_DENSE_FACTOR_MIN_D)

/* Columns are read in whole tiles: a matrix read as B below has room
   and zeros up to this rounding of its columns.  */
#define VBGMM_DENSE_PAD(n) (((n) + 23) / 24 * 24)

/* C[i][j] += SIGN sum_l A[i * AR + l * AL] B[l * LDB + j] for i < M,
   j < NC, l < KD; LOWER: only the tiles that reach j <= i (the others
   are left as they are; those on the diagonal change above it too).  */
void vbgmm_dense_gemm (size_t m, size_t nc, size_t kd, const double *A,
                       size_t ar, size_t al, const double *B, size_t ldb,
                       double *C, size_t ldc, double sign, int lower);

/* The quadratic forms read a lower triangular factor by strips of
   this many columns, each from its first row on, VBGMM_DENSE_STRIP
   numbers to a row (zero above the diagonal and past column D): one
   run of memory for each tile of columns, where the rows of the
   factor are pages apart.  */
#define VBGMM_DENSE_STRIP 24

/* Where strip S (columns 24 S on) of a factor of D rows begins, and
   the size of all of them (about D^2 / 2 doubles).  */
size_t vbgmm_dense_strip_offset (size_t d, size_t s);
size_t vbgmm_dense_strips_size (size_t d);

/* The lower triangular L into strips S: L by rows with leading
   dimension LDL, or packed (row I from I (I + 1) / 2 on) if LDL is 0.
   Read on and below the diagonal.  */
void vbgmm_dense_strips (size_t d, const double *L, size_t ldl, double *S);

/* Q[r] = |row r of Z times L|^2 for the M rows of Z (D columns,
   leading dimension LDZ) and the strips S of L.  QV: 8 M doubles of
   scratch.  */
void vbgmm_dense_quad_strips (size_t m, size_t d, const double *Z,
                              size_t ldz, const double *S, double *qv,
                              double *q);

/* The same for L lower (LDL), through strips of its own: -2 out of
   memory.  */
int vbgmm_dense_quad (size_t m, size_t d, const double *Z, size_t ldz,
                      const double *L, size_t ldl, double *qv, double *q);

/* The Cholesky factor of the symmetric positive definite A (its lower
   triangle read), in place: L lower, zero above the diagonal.  -1 when
   A is not positive definite, -2 out of memory.  */
int vbgmm_dense_cholesky (size_t d, double *A, size_t lda);

/* T = L^-1 for the lower triangular L (D x D, nonzero diagonal,
   read on and below it): T lower, zero above its diagonal and in
   columns D to LDT (at least VBGMM_DENSE_PAD (D)).  */
int vbgmm_dense_tri_invert (size_t d, const double *L, size_t ldl,
                            double *T, size_t ldt);

/* A^-1 = L^-T L^-1 from the lower triangular L (a Cholesky factor of
   A, read on and below its diagonal), into INV (D x D, whole).  -2 out
   of memory.  */
int vbgmm_dense_inverse (size_t d, const double *L, size_t lda, double *inv);

/* The Cholesky factor L of the symmetric positive definite D x D
   matrix A (lower triangle read) into A's lower triangle (above it:
   zeros or L'): on the tiles from VBGMM_DENSE_FACTOR_MIN_D dimensions
   on, by GSL below.  -1 when A is not positive definite, -2 out of
   memory.  */
int vbgmm_spd_factor (size_t d, double *A, size_t lda);

/* A^-1 from the factor L that vbgmm_spd_factor made, into INV (D x D,
   whole), the same way; L is overwritten.  -1 or -2 as above.  */
int vbgmm_spd_inverse (size_t d, double *L, size_t lda, double *inv);

/* Whether the symmetric A (lower triangle read, left as it is) is
   positive definite, by factorising a copy: 0 when it is, -1 when
   not, -2 out of memory.  */
int vbgmm_spd_check (size_t d, const double *A, size_t lda);

/* Both: the inverse of the symmetric positive definite A (lower
   triangle read) into INV (D x D, whole), and ln |A| into *LN_DET
   unless it is NULL; A is overwritten.  -1 or -2 as above.  */
int vbgmm_spd_invert (size_t d, double *A, size_t lda, double *inv,
                      double *ln_det);

#endif
