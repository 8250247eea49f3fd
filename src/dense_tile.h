/* dense_tile.h -- products of dense matrices for one width of vectors

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

/* Included by dense.c once for each instruction set, with
   KERNEL_TARGET (a target attribute, or nothing) and W (doubles per
   vector) defined.  A tile of MR rows by NV vectors of columns is
   summed in registers over the inner dimension, one multiply-add per
   number of A and vector of B; every sum runs in one fixed order.  */

#define vec KERNEL_PASTE (dvec, W)
#define tile KERNEL_PASTE (dense_tile, W)
#define tile_zero KERNEL_PASTE (dense_tile_zero, W)
#define gemm KERNEL_PASTE (dense_gemm, W)
#define quad_strips KERNEL_PASTE (dense_quad_strips, W)
#define trsm KERNEL_PASTE (dense_trsm, W)
#define trsm_cols KERNEL_PASTE (dense_trsm_cols, W)
#define chol_block KERNEL_PASTE (dense_chol_block, W)
typedef double vec __attribute__ ((vector_size (W * sizeof (double))));

#if W >= 8
# define MR 8
# define NV 3
#elif W == 4
# define MR 4
# define NV 3
#else
# define MR 2
# define NV 4
#endif
#define TN (NV * W)

KERNEL_TARGET static inline __attribute__ ((always_inline)) void
tile_zero (vec acc[MR][NV])
{
#pragma GCC unroll 8
  for (size_t r = 0; r < MR; r++)
#pragma GCC unroll 8
    for (size_t v = 0; v < NV; v++)
      acc[r][v] = ZERO;
}

/* ACC[r][v] += sum_l A[r * AR + l * AL] B[l * LDB + v * W ...] for
   l < KD; rows past MROWS repeat the last (their sums are not used).  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
tile (const double *restrict a, size_t ar, size_t al, size_t mrows,
      const double *restrict b, size_t ldb, size_t kd, vec acc[MR][NV])
{
  const double *ap[MR];
#pragma GCC unroll 8
  for (size_t r = 0; r < MR; r++)
    ap[r] = a + (r < mrows ? r : mrows - 1) * ar;
  for (size_t l = 0; l < kd; l++)
    {
      vec bv[NV];
#pragma GCC unroll 8
      for (size_t v = 0; v < NV; v++)
        LOAD (bv[v], b + l * ldb + v * W);
#pragma GCC unroll 8
      for (size_t r = 0; r < MR; r++)
        {
          vec av = SPLAT (ap[r][l * al]);
#pragma GCC unroll 8
          for (size_t v = 0; v < NV; v++)
            acc[r][v] += av * bv[v];
        }
    }
}

/* C[i][j] += SIGN sum_l A[i * AR + l * AL] B[l * LDB + j], i < M,
   j < NC (LOWER: only the tiles that reach j <= i), l < KD.  B is read
   up to whole tiles of columns.  */
KERNEL_TARGET static void
gemm (size_t m, size_t nc, size_t kd, const double *restrict A, size_t ar,
      size_t al, const double *restrict B, size_t ldb, double *restrict C,
      size_t ldc, double sign, int lower)
{
  for (size_t j0 = 0; j0 < nc; j0 += TN)
    for (size_t i0 = 0; i0 < m; i0 += MR)
      {
        if (lower && j0 >= i0 + MR)
          continue;
        const size_t mr = m - i0 < MR ? m - i0 : MR;
        const size_t ncol = nc - j0 < TN ? nc - j0 : TN;
        vec acc[MR][NV];
        tile_zero (acc);
        tile (A + i0 * ar, ar, al, mr, B + j0, ldb, kd, acc);
        for (size_t r = 0; r < mr; r++)
          {
            double *restrict c = C + (i0 + r) * ldc + j0;
            if (ncol == TN)
#pragma GCC unroll 8
              for (size_t v = 0; v < NV; v++)
                {
                  vec o;
                  LOAD (o, c + v * W);
                  o += sign * acc[r][v];
                  STORE (c + v * W, o);
                }
            else
              {
                double t[TN];
                memcpy (t, acc[r], sizeof t);
                for (size_t j = 0; j < ncol; j++)
                  c[j] += sign * t[j];
              }
          }
      }
}

/* Q[r] = sum_j (sum_l Z[r][l] L[l][j])^2 for the M rows of Z and L
   by strips (vbgmm_dense_strips): each sum over l in the order of l.
   QV: M vectors of scratch.  */
KERNEL_TARGET static void
quad_strips (size_t m, size_t d, const double *restrict Z, size_t ldz,
             const double *restrict S, double *restrict qv,
             double *restrict q)
{
  const size_t SW = VBGMM_DENSE_STRIP;
  for (size_t i = 0; i < m * W; i++)
    qv[i] = 0;
  for (size_t j0 = 0; j0 < d; j0 += TN)
    {
      /* Rows of L above J0 are zero in these columns: the strip's
         rows from J0 on, TN of its columns.  */
      const size_t s0 = j0 / SW * SW;
      const double *restrict b = S + vbgmm_dense_strip_offset (d, s0 / SW)
                                 + (j0 - s0) * SW + (j0 - s0);
      for (size_t i0 = 0; i0 < m; i0 += MR)
        {
          const size_t mr = m - i0 < MR ? m - i0 : MR;
          vec acc[MR][NV];
          tile_zero (acc);
          tile (Z + i0 * ldz + j0, ldz, 1, mr, b, SW, d - j0, acc);
          for (size_t r = 0; r < mr; r++)
            {
              vec s;
              LOAD (s, qv + (i0 + r) * W);
#pragma GCC unroll 8
              for (size_t v = 0; v < NV; v++)
                s += acc[r][v] * acc[r][v];
              STORE (qv + (i0 + r) * W, s);
            }
        }
    }
  for (size_t r = 0; r < m; r++)
    {
      double s = 0;
      for (size_t u = 0; u < W; u++)
        s += qv[r * W + u];
      q[r] = s;
    }
}

/* Columns [C0, C0 + NVEC W) of trsm below: row J of X becomes
   (x_j - L[j][L0] x_l0 - ... - L[j][j-1] x_{j-1}) / S[j] (DIVIDE) or
   times S[j], each product rounded before it is taken away, in that
   order, for the rows from L0 on.  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
trsm_cols (size_t nvec, size_t nb, size_t l0, size_t c0,
           const double *restrict L, size_t ldl, const double *restrict s,
           int divide, double *restrict X, size_t ldx)
{
  for (size_t j = l0; j < nb; j++)
    {
      double *restrict xj = X + j * ldx + c0;
      const double *restrict lj = L + j * ldl;
      vec acc[2 * NV];
#pragma GCC unroll 8
      for (size_t v = 0; v < nvec; v++)
        LOAD (acc[v], xj + v * W);
      for (size_t l = l0; l < j; l++)
        {
          const double *restrict xl = X + l * ldx + c0;
          const vec c = SPLAT (lj[l]);
#pragma GCC unroll 8
          for (size_t v = 0; v < nvec; v++)
            {
              vec x;
              LOAD (x, xl + v * W);
              vec p = c * x;
              ROUNDED (p);
              acc[v] -= p;
            }
        }
      const vec sj = SPLAT (s[j]);
#pragma GCC unroll 8
      for (size_t v = 0; v < nvec; v++)
        {
          acc[v] = divide ? acc[v] / sj : acc[v] * sj;
          STORE (xj + v * W, acc[v]);
        }
    }
}

/* The Cholesky factor of the NB x NB block A (LDA apart) in place,
   column by column: column J divided by its diagonal's square root
   (into DIAG[j]), then its products taken from the columns right of
   it, row by row, each rounded before it is taken away (the numbers of
   the loop of one element at a time).  Rows are taken in whole vectors
   where ROOM (the columns of A from the block's first on) allows: past
   the diagonal they change only numbers above it, which the caller
   sets to zero, or take zeros from the columns past the block.  COL:
   NB + W doubles of room.  -1 where a diagonal is not positive.  */
KERNEL_TARGET static int
chol_block (size_t nb, double *restrict A, size_t lda, size_t room,
            double *restrict diag, double *restrict col)
{
  for (size_t l = nb; l < nb + W; l++)
    col[l] = 0;
  for (size_t j = 0; j < nb; j++)
    {
      const double s = A[j * lda + j];
      if (!(s > 0))
        return -1;
      const double ljj = sqrt (s);
      A[j * lda + j] = ljj;
      diag[j] = ljj;
      const vec lv = SPLAT (ljj);
      for (size_t i = j + 1; i < nb; i++)
        col[i] = A[i * lda + j];
      for (size_t i = j + 1; i < nb; i += W)
        {
          vec c;
          LOAD (c, col + i);
          c /= lv;
          STORE (col + i, c);
        }
      for (size_t i = j + 1; i < nb; i++)
        A[i * lda + j] = col[i];
      for (size_t i = j + 1; i < nb; i++)
        {
          double *restrict ai = A + i * lda;
          const double aij = col[i];
          const vec av = SPLAT (aij);
          size_t l = j + 1;
          for (; l <= i && l + W <= room; l += W)
            {
              vec a, c;
              LOAD (a, ai + l);
              LOAD (c, col + l);
              c *= av;
              ROUNDED (c);
              a -= c;
              STORE (ai + l, a);
            }
          for (; l <= i; l++)
            {
              double p = aij * col[l];
              ROUNDED (p);
              ai[l] -= p;
            }
        }
    }
  return 0;
}

/* X := L^-1 X for the NB x NB lower triangular L and the NB rows of
   X, columns [0, NC), read and written up to whole tiles of TN
   columns: row J becomes (x_j - L[j][0] x_0 - ... - L[j][j-1] x_{j-1})
   / S[j] (DIVIDE) or times S[j], each product rounded before it is
   taken away.  Row L of X is zero past column L + OFF: where a tile
   of columns is past it, its terms are skipped, and rows that are zero
   there are left so.  */
KERNEL_TARGET static void
trsm (size_t nb, size_t nc, size_t off, const double *restrict L, size_t ldl,
      const double *restrict s, int divide, double *restrict X, size_t ldx)
{
  size_t c0 = 0;
  for (; c0 + TN < nc; c0 += 2 * TN)
    {
      const size_t l0 = c0 <= off ? 0 : c0 - off < nb ? c0 - off : nb;
      trsm_cols (2 * NV, nb, l0, c0, L, ldl, s, divide, X, ldx);
    }
  if (c0 < nc)
    {
      const size_t l0 = c0 <= off ? 0 : c0 - off < nb ? c0 - off : nb;
      trsm_cols (NV, nb, l0, c0, L, ldl, s, divide, X, ldx);
    }
}

#undef MR
#undef NV
#undef TN
#undef vec
#undef tile
#undef tile_zero
#undef gemm
#undef quad_strips
#undef trsm
#undef trsm_cols
#undef chol_block
