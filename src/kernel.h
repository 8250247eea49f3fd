/* kernel.h -- the E-step kernel for one width of vectors

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

/* Included by responsibility.c once for each instruction set, with
   KERNEL_NAME, KERNEL_TARGET (a target attribute, or nothing) and W
   (doubles per vector: 8 for AVX-512, 4 for AVX2, 2 for SSE2 and
   others) defined.

   Both halves of the pass are products with the features of a point,
   phi(y) = (y_i y_j for j <= i, y_i, 1), y = x - shift:
   - ln rho_nk is linear in them (see vbgmm_estep_prepare): the points
     are held by rows of y, W points to a vector, and a tile of KE
     components by PG vectors of points is summed in registers, the
     products y_i y_j formed as they are needed;
   - the statistics of component k are sum_n r_nk phi(y_n): the
     features of SUB points are laid out point by point, and a tile of
     KC components by FV vectors of features is summed over the points
     in registers; with fewer coordinates than lanes, the features are
     laid out by rows as the points are, and a tile of KR components
     by W features is summed on the lanes, which are added at the end
     of the block (stats_rows).
   These are the two matrix products of the pass, and they run close to
   the peak of the multiply-add units.  Every sum runs in a fixed
   order, the lanes added in a fixed order too where they are, so the
   sums do not depend on the thread that runs the block.  */

#define vec KERNEL_PASTE (vec, W)
#define ivec KERNEL_PASTE (ivec, W)
#define vexp KERNEL_PASTE (vexp, W)
#define estep_tile KERNEL_PASTE (estep_tile, W)
#define estep_rows KERNEL_PASTE (estep_rows, W)
#define stats_tile KERNEL_PASTE (stats_tile, W)
#define stats_list KERNEL_PASTE (stats_list, W)
#define stats_rows KERNEL_PASTE (stats_rows, W)
#define transpose KERNEL_PASTE (transpose, W)
#define to_rows KERNEL_PASTE (to_rows, W)
#define to_points KERNEL_PASTE (to_points, W)
typedef double vec __attribute__ ((vector_size (W * sizeof (double))));
typedef long long ivec __attribute__ ((vector_size (W * sizeof (long long))));

/* CUT ? A : B, lane by lane (CUT: a comparison's all-ones or zero).  */
#define SELECT(cut, a, b) ((vec) (((cut) & (ivec) (a)) | (~(cut) & (ivec) (b))))
/* A > B ? A : B, lane by lane.  */
#define MAX(a, b) SELECT ((a) > (b), (a), (b))

/* exp of the W numbers of X on the lanes of one vector, each within
   about 1 ulp from LN_R_MIN to 0, and the result of defined operations
   for every other X: AVX-512 takes 2^(j/16) from a table, which its
   permutations make one instruction (vbgmm_vexp8); the others the
   polynomial alone.  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) vec
vexp (vec x)
{
#if W == 8
  return vbgmm_vexp8 (x);
#else
  double t[W];
  STORE (t, x);
  SIMD for (int l = 0; l < W; l++)
    t[l] = vbgmm_vexp_normal (t[l]);
  LOAD (x, t);
  return x;
#endif
}

/* Register tiles: PG groups of W points by KE components for ln rho,
   KC components by FV vectors of features for the statistics; AVX-512
   has 32 vector registers, the others 16.  */
#if W >= 8
# define PG 4
# define KE 5
# define KC 5
# define FV 4
#else
# define PG 2
# define KE 5
# define KC 5
# define FV 2
#endif
/* Vectors of features summed at a time over a list of points.  */
#define FL 8

/* ln rho_nk = c_k + w_k . phi(y_n) for KE components (KE of them valid)
   and PG * W points, the products y_i y_j formed as they are needed
   (those QUAD takes: j <= i, j = i, or none); Y holds the coordinates
   by rows of BLOCK points.  MX: the largest over the components so
   far, FIRST: none so far (the first tile sets it).  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
estep_tile (const double *restrict y, size_t d, size_t p, int quad,
            const double *restrict wt, const double *restrict c0, size_t ke,
            double *restrict lr, double *restrict mx, int first,
            uintptr_t pf, size_t pn)
{
  const size_t from_diag = quad != VBGMM_QUAD_FULL;
  const size_t past_diag = quad != VBGMM_QUAD_NONE;
  vec a[KE][PG];
#pragma GCC unroll 8
  for (size_t u = 0; u < KE; u++)
#pragma GCC unroll 8
    for (size_t g = 0; g < PG; g++)
      a[u][g] = SPLAT (u < ke ? c0[u] : 0.0);
  const double *restrict wq = wt + d;
  for (size_t i = 0; i < d; i++, pf += 64 * pn)
    {
      for (size_t q = 0; q < pn; q++)
        __builtin_prefetch ((const void *) (pf + 64 * q), 0, 2);
      vec yi[PG];
#pragma GCC unroll 8
      for (size_t g = 0; g < PG; g++)
        LOAD (yi[g], y + i * BLOCK + g * W);
#pragma GCC unroll 8
      for (size_t u = 0; u < KE; u++)
        if (u < ke)
#pragma GCC unroll 8
          for (size_t g = 0; g < PG; g++)
            a[u][g] += wt[u * p + i] * yi[g];
      for (size_t j = from_diag * i; j < i + past_diag; j++, wq++)
        {
          vec x[PG];
#pragma GCC unroll 8
          for (size_t g = 0; g < PG; g++)
            {
              LOAD (x[g], y + j * BLOCK + g * W);
              x[g] *= yi[g];
            }
#pragma GCC unroll 8
          for (size_t u = 0; u < KE; u++)
            if (u < ke)
#pragma GCC unroll 8
              for (size_t g = 0; g < PG; g++)
                a[u][g] += wq[u * p] * x[g];
        }
    }
#pragma GCC unroll 8
  for (size_t u = 0; u < KE; u++)
    if (u < ke)
#pragma GCC unroll 8
      for (size_t g = 0; g < PG; g++)
        STORE (lr + u * BLOCK + g * W, a[u][g]);
  /* The largest, component by component in the packed order (a
     comparison that is false keeps the one before: a NaN first stays,
     later ones are passed over).  */
#pragma GCC unroll 8
  for (size_t g = 0; g < PG; g++)
    {
      vec m;
      if (first)
        m = a[0][g];
      else
        LOAD (m, mx + g * W);
#pragma GCC unroll 8
      for (size_t u = first; u < KE; u++)
        if (u < ke)
          m = MAX (a[u][g], m);
      STORE (mx + g * W, m);
    }
}

/* OUT[u][f] += sum_n r_un phi_f(y_n) for KC components (KC of them
   valid) and FV vectors of features (FV of them valid); PT holds the
   features point by point, FS apart.  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
stats_tile (const double *restrict pt, size_t fs, const double *restrict r,
            size_t rows, size_t kc, size_t fv, double *restrict out,
            size_t os)
{
  vec a[KC][FV];
#pragma GCC unroll 8
  for (size_t u = 0; u < KC; u++)
#pragma GCC unroll 8
    for (size_t v = 0; v < FV; v++)
      a[u][v] = ZERO;
  for (size_t b = 0; b < rows; b++)
    {
      vec x[FV];
#pragma GCC unroll 8
      for (size_t v = 0; v < FV; v++)
        if (v < fv)
          LOAD (x[v], pt + b * fs + v * W);
#pragma GCC unroll 8
      for (size_t u = 0; u < KC; u++)
        if (u < kc)
          {
            vec ru = SPLAT (r[u * BLOCK + b]);
#pragma GCC unroll 8
            for (size_t v = 0; v < FV; v++)
              if (v < fv)
                a[u][v] += ru * x[v];
          }
    }
#pragma GCC unroll 8
  for (size_t u = 0; u < KC; u++)
    if (u < kc)
#pragma GCC unroll 8
      for (size_t v = 0; v < FV; v++)
        if (v < fv)
          {
            vec o;
            LOAD (o, out + u * os + v * W);
            o += a[u][v];
            STORE (out + u * os + v * W, o);
          }
}

/* OUT[v W ...] += sum_i r_(IDX[i]) phi(y_(IDX[i])) for FV vectors of
   features of one component and the M points IDX (in order) of those
   PT holds, FS apart: the sums of stats_tile with the terms of r = 0
   left out, which add nothing (+0 or -0 to a sum that starts at +0),
   so the same bits.  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
stats_list (const double *restrict pt, size_t fs, const double *restrict r,
            const unsigned char *restrict idx, size_t m, size_t fv,
            double *restrict out)
{
  vec a[FL];
#pragma GCC unroll 8
  for (size_t v = 0; v < FL; v++)
    a[v] = ZERO;
  for (size_t i = 0; i < m; i++)
    {
      const size_t b = idx[i];
      const vec ru = SPLAT (r[b]);
#pragma GCC unroll 8
      for (size_t v = 0; v < FL; v++)
        if (v < fv)
          {
            vec x;
            LOAD (x, pt + b * fs + v * W);
            a[v] += ru * x;
          }
    }
#pragma GCC unroll 8
  for (size_t v = 0; v < FL; v++)
    if (v < fv)
      {
        vec o;
        LOAD (o, out + v * W);
        o += a[v];
        STORE (out + v * W, o);
      }
}

/* The transpose of a square of W x W numbers in registers.  SHUFFLE
   (A, B, I...) takes lane I of A followed by B for each I: GCC's
   __builtin_shuffle with a constant mask, clang's
   __builtin_shufflevector.  */
#ifdef __clang__
# define SHUFFLE(a, b, ...) __builtin_shufflevector (a, b, __VA_ARGS__)
#else
# define SHUFFLE(a, b, ...) __builtin_shuffle (a, b, (iv) { __VA_ARGS__ })
#endif
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
transpose (vec *r)
{
#ifndef __clang__
  typedef long long iv __attribute__ ((vector_size (W * sizeof (long long))));
#endif
#if W == 8
  vec t[8], u[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i += 2)
    {
      t[i] = SHUFFLE (r[i], r[i + 1], 0, 8, 2, 10, 4, 12, 6, 14);
      t[i + 1] = SHUFFLE (r[i], r[i + 1], 1, 9, 3, 11, 5, 13, 7, 15);
    }
#pragma GCC unroll 8
  for (int i = 0; i < 8; i += 4)
#pragma GCC unroll 8
    for (int h = 0; h < 2; h++)
      {
        u[i + h] = SHUFFLE (t[i + h], t[i + h + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + h + 2] = SHUFFLE (t[i + h], t[i + h + 2],
                                2, 3, 10, 11, 6, 7, 14, 15);
      }
#pragma GCC unroll 8
  for (int h = 0; h < 4; h++)
    {
      r[h] = SHUFFLE (u[h], u[h + 4], 0, 1, 2, 3, 8, 9, 10, 11);
      r[h + 4] = SHUFFLE (u[h], u[h + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
#elif W == 4
  vec t[4];
#pragma GCC unroll 8
  for (int i = 0; i < 4; i += 2)
    {
      t[i] = SHUFFLE (r[i], r[i + 1], 0, 4, 2, 6);
      t[i + 1] = SHUFFLE (r[i], r[i + 1], 1, 5, 3, 7);
    }
#pragma GCC unroll 8
  for (int h = 0; h < 2; h++)
    {
      r[h] = SHUFFLE (t[h], t[h + 2], 0, 1, 4, 5);
      r[h + 2] = SHUFFLE (t[h], t[h + 2], 2, 3, 6, 7);
    }
#else
  vec t0 = SHUFFLE (r[0], r[1], 0, 2);
  r[1] = SHUFFLE (r[0], r[1], 1, 3);
  r[0] = t0;
#endif
}
#undef SHUFFLE

/* Components at a time in stats_rows.  */
#define KR 2

/* OUT[u * OS + f] += sum_b R[u * BLOCK + b] PHI[f * BLOCK + b] for KR
   components (KRV of them valid) and W rows of features (FRV of them
   valid), over the BP points of a block laid out by rows: lane l of
   each sum takes points l, l + W, l + 2 W, ... in order, then the
   lanes are added in order, 0 to W - 1 (the sums transposed W x W in
   registers).  Unless NZ is NULL (KRV = 1: a bit per point, set where
   R is not 0), a vector of points whose R are all 0 is passed over:
   its terms would add +0 or -0 to sums that are never -0, so the same
   bits.  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
stats_rows (const double *restrict phi, const double *restrict r, size_t Bp,
            size_t krv, size_t frv, const uint64_t *restrict nz,
            double *restrict out, size_t os)
{
  vec a[KR][W];
#pragma GCC unroll 8
  for (size_t u = 0; u < KR; u++)
#pragma GCC unroll 8
    for (size_t f = 0; f < W; f++)
      a[u][f] = ZERO;
  for (size_t b = 0; b < Bp; b += W)
    {
      if (nz && !(nz[b / 64] >> (b % 64) & ((UINT64_C (2) << (W - 1)) - 1)))
        continue;
      vec x[W];
#pragma GCC unroll 8
      for (size_t f = 0; f < W; f++)
        if (f < frv)
          LOAD (x[f], phi + f * BLOCK + b);
#pragma GCC unroll 8
      for (size_t u = 0; u < KR; u++)
        if (u < krv)
          {
            vec ru;
            LOAD (ru, r + u * BLOCK + b);
#pragma GCC unroll 8
            for (size_t f = 0; f < W; f++)
              if (f < frv)
                a[u][f] += ru * x[f];
          }
    }
#pragma GCC unroll 8
  for (size_t u = 0; u < KR; u++)
    if (u < krv)
      {
        transpose (a[u]);
        vec t = a[u][0], o;
#pragma GCC unroll 8
        for (size_t i = 1; i < W; i++)
          t += a[u][i];
        LOAD (o, out + u * os);
        o += t;
        STORE (out + u * os, o);
      }
}


/* Y (by rows of BLOCK) = the B points of X (by points of D) times
   SCALE (powers of two: exact) less SHIFT, and, unless YY is NULL,
   |y|^2 into YY (0 + y_0^2 + y_1^2 + ..., in that order).  Unless P
   is NULL, the same numbers point by point too, PS apart, and past
   them, unless ONE is 0 (the full form, whose products are made from
   them later), |y|^2 (unless YY is NULL) and 1, the point's features
   as the spherical and tied forms' statistics take them.  Squares of
   W x W transposed in registers, the last square of a row of X moved
   back to end with the row, so that nothing past a row is read.  */
KERNEL_TARGET static void
to_rows (const double *restrict x, size_t B, size_t d,
         const double *restrict scale, const double *restrict shift,
         double *restrict y, double *restrict yy, double *restrict p,
         size_t ps, int one)
{
  size_t b0 = 0;
  if (d >= W)
    for (; b0 + W <= B; b0 += W)
      {
        vec q = ZERO;
        for (size_t j0 = 0; j0 < d; j0 += W)
          {
            const size_t j = j0 + W <= d ? j0 : d - W;
            vec r[W], sh, sc;
            LOAD (sh, shift + j);
            LOAD (sc, scale + j);
#pragma GCC unroll 8
            for (int i = 0; i < W; i++)
              {
                LOAD (r[i], x + (b0 + i) * d + j);
                r[i] = r[i] * sc - sh;
                if (p)
                  STORE (p + (b0 + i) * ps + j, r[i]);
              }
            transpose (r);
#pragma GCC unroll 8
            for (int i = 0; i < W; i++)
              {
                STORE (y + (j + i) * BLOCK + b0, r[i]);
                /* The coordinates of the square moved back that the
                   one before took are not taken again.  */
                if (yy && j + i >= j0)
                  q += r[i] * r[i];
              }
          }
        if (yy)
          STORE (yy + b0, q);
      }
  if (yy)
    for (size_t b = b0; b < B; b++)
      yy[b] = 0;
  for (size_t j = 0; j < d; j++)
    {
      double *restrict yj = y + j * BLOCK;
      const double c = shift[j], s = scale[j];
      const double *restrict xj = x + j;
      SIMD for (size_t b = b0; b < B; b++)
        yj[b] = xj[b * d] * s - c;
      if (yy)
        SIMD for (size_t b = b0; b < B; b++)
          yy[b] += yj[b] * yj[b];
      if (p)
        for (size_t b = b0; b < B; b++)
          p[b * ps + j] = yj[b];
    }
  if (p && one)
    for (size_t b = 0; b < B; b++)
      {
        if (yy)
          p[b * ps + d] = yy[b];
        p[b * ps + d + (yy != NULL)] = 1;
      }
}

/* The diagonal form's features of the N points of X (by points of
   D, D at least W) as its statistics take them, point by point, PS
   apart in P: y = x SCALE - SHIFT, the same numbers as to_rows makes
   (the same operations), the squares y_i^2, then 1.  Made where they
   are summed, a few points at a time, they are read from the first
   level of cache, not written to the second and read back.  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
to_points (const double *restrict x, size_t n, size_t d,
           const double *restrict scale, const double *restrict shift,
           double *restrict p, size_t ps)
{
  for (size_t b = 0; b < n; b++)
    {
      const double *restrict xb = x + b * d;
      double *restrict pb = p + b * ps;
      for (size_t j0 = 0; j0 < d; j0 += W)
        {
          const size_t j = j0 + W <= d ? j0 : d - W;
          vec r, sh, sc;
          LOAD (sh, shift + j);
          LOAD (sc, scale + j);
          LOAD (r, xb + j);
          r = r * sc - sh;
          STORE (pb + j, r);
          r *= r;
          STORE (pb + d + j, r);
        }
      pb[2 * d] = 1;
    }
}

/* ln rho_nk for the packed components FROM .. TO - 1 (rows of LR in
   that order) and the BP points of Y, KE components at a time, and MX
   the largest so far (set by the first component, FROM = 0).  PF, PN:
   the next block's lines to fetch, advanced by PN with each row of y
   in each tile.  */
KERNEL_TARGET static inline __attribute__ ((always_inline)) void
estep_rows (const vbgmm_estep *es, const double *restrict y, size_t Bp,
            size_t from, size_t to, double *restrict lr,
            double *restrict mx, uintptr_t *pf, size_t pn)
{
  /* |y|^2 (VBGMM_QUAD_SUM) is the row past the coordinates.  */
  const int sum = es->quad == VBGMM_QUAD_SUM;
  const size_t d = es->d + sum, p = es->p;
  const int quad = sum ? VBGMM_QUAD_NONE : es->quad;
  for (size_t c = from; c < to; c += KE)
    {
      const size_t ke = to - c < KE ? to - c : KE;
      const double *wt = es->wtp + c * p, *c0 = es->cp + c;
      double *lrc = lr + c * BLOCK;
      for (size_t b = 0; b < Bp; b += PG * W, *pf += 64 * pn * d)
        switch (ke * 4 + quad)
          {
            /* Each tile made for its number of components and its
               quadratic features, which the compiler then unrolls.  */
#define ESTEP_CASE(KEV, Q)                                              \
          case KEV * 4 + Q:                                             \
            estep_tile (y + b, d, p, Q, wt, c0, KEV, lrc + b, mx + b,   \
                        c == 0, *pf, pn);                               \
            break;
#define ESTEP_CASES(KEV)                                                \
          ESTEP_CASE (KEV, VBGMM_QUAD_FULL)                             \
          ESTEP_CASE (KEV, VBGMM_QUAD_DIAG)                             \
          ESTEP_CASE (KEV, VBGMM_QUAD_NONE)
          ESTEP_CASES (1) ESTEP_CASES (2) ESTEP_CASES (3)
          ESTEP_CASES (4) ESTEP_CASES (5)
#undef ESTEP_CASES
#undef ESTEP_CASE
          default:
            abort ();
          }
    }
}

KERNEL_TARGET static void
KERNEL_NAME (const vbgmm_estep *es, const double *restrict x, size_t rows,
             workspace *w, double *restrict stats, double *restrict r_out)
{
  const size_t d = es->d, k = es->k, B = rows, p = es->p;
  const int quad = es->quad;
  /* Padded to whole tiles of points; the padding has y = 0 and, once
     normalised, r = 0.  */
  const size_t Bp = (B + PG * W - 1) / (PG * W) * (PG * W);
  double *restrict y = w->y, *restrict lr = w->lr, *restrict r = w->r;
  double *restrict mx = w->mx, *restrict s = w->s;

  /* The points about the shift, by rows, with |y|^2 as one more row
     (spherical): ln rho is linear in the rows.  For the statistics,
     with D at least W, by points too: the features of each point in
     the order of stats_order (responsibility.c), but for the products
     of the full form, made later from the coordinates, and the
     diagonal form's, made later from X (to_points), SUB points at a
     time.  */
  const int sum = quad == VBGMM_QUAD_SUM, full = quad == VBGMM_QUAD_FULL;
  const int by_points = stats && d >= W;
  const int diag = quad == VBGMM_QUAD_DIAG;
  to_rows (x, B, d, es->scale, es->shift, y, sum ? y + d * BLOCK : NULL,
           !by_points || diag ? NULL : full ? w->yp : w->pt,
           full ? w->ys : w->fs, !full);
  if (Bp > B)
    for (size_t j = 0; j < d + sum; j++)
      memset (y + j * BLOCK + B, 0, (Bp - B) * sizeof (double));
  /* ln rho_nk (10.46), KE components at a time, in the kernel's order
     of them (see vbgmm_estep): those computed in every block first.
     Meanwhile the next block is fetched, PN lines of 64 bytes with each
     row of y in each tile: all at once, the fetches would wait for each
     other.  (The addresses are integers: past the end of the data they
     point nowhere, and a prefetch from nowhere does nothing.)  */
  const size_t na = es->na;
  const size_t tiles = ((na ? na : k) + KE - 1) / KE * (Bp / (PG * W));
  const size_t lines = (B * d * sizeof (double) + 63) / 64;
  const size_t pn = (lines + tiles * d - 1) / (tiles * d);
  uintptr_t pf = (uintptr_t) (x + B * d);
  estep_rows (es, y, Bp, 0, na, lr, mx, &pf, pn);
  /* NL: how many components are computed in this block, packed.  The
     emptied ones are passed over while none of their ln rho_nk can
     come within LN_R_MIN of the largest of the others, at any point of
     the block; if one can, all are computed.  */
  size_t nl = na;
  if (na < k)
    {
      int all = na == 0;
      double least = INFINITY;
      /* A point whose largest is not a number (its sums overflowed:
         estep_far_point makes it again) bounds nothing: -inf.  */
      if (!all)
        for (size_t b = 0; b < B; b++)
          least = mx[b] != mx[b] ? -INFINITY : mx[b] < least ? mx[b] : least;
      if (!all && quad == VBGMM_QUAD_NONE)
        for (size_t i = 0; i < d; i++)
          {
            const double *restrict yi = y + i * BLOCK;
            double l = yi[0], h = yi[0];
            for (size_t b = 1; b < B; b++)
              {
                l = yi[b] < l ? yi[b] : l;
                h = yi[b] > h ? yi[b] : h;
              }
            w->lo[i] = l;
            w->hi[i] = h;
          }
      for (size_t q = na; q < k && !all; q++)
        {
          double top = es->top[es->order[q]];
          if (quad == VBGMM_QUAD_NONE)
            for (size_t i = 0; i < d; i++)
              {
                const double a = es->wtp[q * p + i];
                top += a * w->lo[i] > a * w->hi[i] ? a * w->lo[i]
                       : a * w->hi[i];
              }
          all = !(top - least < LN_R_MIN - LN_R_MARGIN);
        }
      if (all)
        {
          estep_rows (es, y, Bp, na, k, lr, mx, &pf, pn);
          nl = k;
        }
    }
  const size_t *restrict pos = es->pos;

  /* r_nk = exp(ln rho_nk - logsumexp_j ln rho_nj) (10.49), shifted by
     the largest term so that nothing overflows and some term is 1: W
     points at a time over all the components, R gets e_nk = exp(ln
     rho_nk - max), S their sum and EV sum_k e_nk (ln rho_nk - max), of
     which sum_k r_nk ln r_nk = EV / S - ln S.  The statistics take
     e_nk times features divided by S, and the responsibilities
     themselves are e_nk / S.  The components are taken by index, so
     that S sums them in the same order whichever are passed over (they
     would add 0).  A responsibility below e^LN_R_MIN is taken as 0:
     subnormal numbers would slow every operation on them a
     hundredfold.  */
  ivec zeros = (ivec) ZERO;
  for (size_t b = 0; b < Bp; b += W)
    {
      vec m, sv = ZERO, ev = ZERO;
      LOAD (m, mx + b);
      for (size_t c = 0; c < k; c++)
        {
          const size_t q = pos[c];
          if (q >= nl)
            continue;
          vec v, e;
          LOAD (v, lr + q * BLOCK + b);
          v -= m;
          /* False for v not a number: a NaN reaches S.  Below the
             cut (-inf too) exp gives any number, which is not used.  */
          const ivec cut = v < SPLAT (LN_R_MIN);
          e = vexp (v);
          e = SELECT (cut, ZERO, e);
          STORE (r + q * BLOCK + b, e);
          sv += e;
          ev += SELECT (cut, ZERO, e * v);
          zeros += cut;
        }
      STORE (s + b, sv);
      STORE (w->ev + b, ev);
    }
  /* A point whose ln rho_nk overflowed (-inf for every k, or not a
     number) leaves s not a number: such points, far beyond every
     component, are made again one by one (estep_far_point).  */
  int far = 0;
  for (size_t b = 0; b < B; b++)
    far |= s[b] != s[b];
  if (far)
    for (size_t b = 0; b < B; b++)
      if (s[b] != s[b])
        {
          estep_far_point (es, y, x + b * d, b, nl, lr);
          s[b] = 0;
          w->ev[b] = 0;
          for (size_t c = 0; c < k; c++)
            if (pos[c] < nl)
              {
                const double v = lr[pos[c] * BLOCK + b];
                const double e = v < LN_R_MIN ? 0.0 : exp (v);
                r[pos[c] * BLOCK + b] = e;
                s[b] += e;
                w->ev[b] += e == 0 ? 0.0 : e * v;
              }
        }
  /* sum_k r ln r = sum_k r (ln rho - max) - ln sum_j exp(ln rho_j - max);
     S becomes 1 / S, 0 past the points of the block (which add
     nothing: S = 1 and EV = 0 there first).  */
  double rlnr = 0;
  double *restrict evb = w->ev;
  for (size_t b = B; b < Bp; b++)
    {
      s[b] = 1;
      evb[b] = 0;
    }
  {
    /* sum_n ln S_n as the ln of products of the S_n, eight points to
       a lane: each S_n is 1 to NL (its largest term is 1), so a
       product stays within the range of doubles for any number of
       components below 1e38; one ln per lane of eight vectors of
       points, not one per point.  */
    vec ea = ZERO;
    double ln_s = 0;
    for (size_t b0 = 0; b0 < Bp; b0 += 8 * W)
      {
        vec pr = SPLAT (1.0);
        for (size_t b = b0; b < Bp && b < b0 + 8 * W; b += W)
          {
            vec sv, ev;
            LOAD (sv, s + b);
            LOAD (ev, evb + b);
            const vec inv = SPLAT (1.0) / sv;
            ea += ev * inv;
            pr *= sv;
            STORE (s + b, inv);
          }
        double t[W];
        STORE (t, pr);
        for (int l = 0; l < W; l++)
          ln_s += vbgmm_vlog (t[l]);
      }
    double t[W];
    STORE (t, ea);
    for (int l = 0; l < W; l++)
      rlnr += t[l];
    rlnr -= ln_s;
  }
  for (size_t b = B; b < Bp; b++)
    s[b] = 0;

  /* r_nk = e_nk / S_n, 0 for the padding, where the statistics take
     the features by points as they are; by rows they take e_nk and
     the features times 1 / S_n, a pass over fewer rows.  */
  if (stats && by_points)
    for (size_t q = 0; q < nl; q++)
      {
        double *restrict rq = r + q * BLOCK;
        SIMD for (size_t b = 0; b < Bp; b++)
          rq[b] *= s[b];
      }

  if (stats)
    {
      /* The statistics of component k are sum_n r_nk phi(y_n), with
         the features phi in the order of stats_order, summed
         into the rows of STATS in the packed order, for the NL
         components computed: with D at least W, SUB points at a time
         (each sum from 0, then added to the row) from the features of
         those points point by point; with fewer, from the features by
         rows (below).  */
      const size_t fs = w->fs, fp = VBGMM_FPAD (1 + p), ys = w->ys;
      /* Where most r_nk of the block are 0 (below e^LN_R_MIN:
         components far apart), each component sums over the points
         where its r_nk is not, with the same result.  (The count takes
         in the padding: it only chooses.)  */
      long long cut = 0;
      for (int l = 0; l < W; l++)
        cut -= zeros[l];
      const int sparse = es->stats_path ? es->stats_path == 2
                         : 2 * (size_t) cut > nl * Bp;
      /* Which r_nk are not 0, a bit per point, for the lists.  */
      uint64_t *restrict nz = w->nz;
      if (sparse)
        for (size_t q = 0; q < nl; q++)
          for (size_t b0 = 0; b0 < B; b0 += 64)
            {
              const double *restrict rq = r + q * BLOCK + b0;
              uint64_t z = 0;
              for (size_t b = 0; b < 64; b++)
                z |= (uint64_t) (rq[b] != 0) << b;
              nz[q * (BLOCK / 64) + b0 / 64] = z;
            }
      /* With fewer coordinates than lanes the features, times 1 / S_n,
         are made by rows, a vector of points at a time, following the
         rows of y (of which the spherical form's next is |y|^2; they
         are scaled in place), and the statistics summed from the rows
         (stats_rows), KR components by W features at a time, or one
         component at a time over the vectors of points where its r_nk
         are not all 0 (sparse): the same bits.  */
      if (!by_points)
        {
          size_t f = d + sum;
          for (size_t sd = 0; sd < DIAGONALS (quad, d); sd++)
            for (size_t j = 0; j < DIAG_LEN (sd, d); j++, f++)
              {
                const double *restrict yj = y + j * BLOCK;
                const double *restrict ya = y + (j + sd) % d * BLOCK;
                double *restrict o = y + f * BLOCK;
                SIMD for (size_t b = 0; b < Bp; b++)
                  o[b] = yj[b] * ya[b] * s[b];
              }
          for (size_t j = 0; j < d + sum; j++)
            {
              double *restrict yj = y + j * BLOCK;
              SIMD for (size_t b = 0; b < Bp; b++)
                yj[b] *= s[b];
            }
          double *restrict o = y + f * BLOCK;
          SIMD for (size_t b = 0; b < Bp; b++)
            o[b] = s[b];
          for (size_t f0 = 0; f0 < 1 + p; f0 += W)
            {
              const size_t fr = 1 + p - f0 < W ? 1 + p - f0 : W;
              const size_t step = sparse ? 1 : KR;
              for (size_t c = 0; c < nl; c += step)
                {
                  const size_t kr = nl - c < step ? nl - c : step;
                  const uint64_t *zc = sparse ? nz + c * (BLOCK / 64) : NULL;
                  const double *ph = y + f0 * BLOCK, *rc = r + c * BLOCK;
                  double *oc = stats + c * fp + f0;
                  switch ((kr - 1) * W + fr - 1)
                    {
#define ROWS_CASE(KRV, FRV)                                             \
                    case (KRV - 1) * W + FRV - 1:                       \
                      stats_rows (ph, rc, Bp, KRV, FRV, zc, oc, fp);    \
                      break;
#define ROWS_CASES(FRV) ROWS_CASE (1, FRV) ROWS_CASE (2, FRV)
#if W >= 8
                    ROWS_CASES (8) ROWS_CASES (7) ROWS_CASES (6)
                    ROWS_CASES (5)
#endif
#if W >= 4
                    ROWS_CASES (4) ROWS_CASES (3)
#endif
                    ROWS_CASES (2) ROWS_CASES (1)
#undef ROWS_CASES
#undef ROWS_CASE
                    default:
                      abort ();
                    }
                }
            }
        }
      else
        for (size_t s0 = 0; s0 < B; s0 += SUB)
          {
            const size_t sn = B - s0 < SUB ? B - s0 : SUB;
            /* The features of the SUB points, FS apart.  */
            const double *restrict pt = w->pt;
            if (diag)
              to_points (x + s0 * d, sn, d, es->scale, es->shift, w->pt, fs);
            else if (!full)
              pt += s0 * fs;
            else
              {
              /* The full form's products from the coordinates of each
                 point (to_rows), each followed by itself again, so that a
                 wrapped diagonal is read in whole vectors: diagonal s,
                 y_(j+s mod d) y_j, j < d (j < d/2 for s = d/2, the rest
                 of which is diagonal s again), after the coordinates and
                 before 1.  Each segment is written in whole vectors, the
                 overhang overwritten by the next; with d a multiple of W
                 every vector is aligned.  Point by point: each row of
                 features is written in one run.  */
              double *restrict ys0 = w->yp + s0 * ys, *restrict pw = w->pt;
              for (size_t b = 0; b < sn; b++)
                for (size_t j0 = 0; j0 < d; j0 += W)
                  {
                    vec v;
                    LOAD (v, ys0 + b * ys + j0);
                    STORE (ys0 + b * ys + d + j0, v);
                    STORE (pw + b * fs + j0, v);
                  }
              for (size_t b = 0; b < sn; b++)
                {
                  const double *restrict yb = ys0 + b * ys;
                  double *restrict pb = pw + b * fs;
                  size_t off = d;
                  for (size_t sd = 0; sd < DIAGONALS (quad, d); sd++)
                    {
                      const size_t len = DIAG_LEN (sd, d);
                      for (size_t j0 = 0; j0 < len; j0 += W)
                        {
                          vec u, v;
                          LOAD (u, yb + sd + j0);
                          LOAD (v, yb + j0);
                          v *= u;
                          STORE (pb + off + j0, v);
                        }
                      off += len;
                    }
                  pb[off] = 1;
                }
              }
            for (size_t c = 0; c < nl; c += KC)
              {
                const size_t kc = nl - c < KC ? nl - c : KC;
                const double *rc = r + c * BLOCK + s0;
                if (sparse)
                  {
                    for (size_t u = 0; u < kc; u++)
                      {
                        unsigned char idx[SUB];
                        size_t m = 0;
                        uint64_t z = nz[(c + u) * (BLOCK / 64) + s0 / 64]
                                     >> s0 % 64 & ((UINT64_C (2) << (sn - 1)) - 1);
                        for (; z; z &= z - 1)
                          idx[m++] = __builtin_ctzll (z);
                        if (m)
                          for (size_t f = 0; f < fp; f += FL * W)
                            {
                              const size_t fv = (fp - f) / W < FL ? (fp - f) / W : FL;
                              const double *ru = rc + u * BLOCK;
                              double *o = stats + (c + u) * fp + f;
                              switch (fv)
                                {
#define LIST_CASE(FVV)                                                  \
                                case FVV:                               \
                                  stats_list (pt + f, fs, ru, idx, m, FVV, o); \
                                  break;
                                LIST_CASE (1) LIST_CASE (2) LIST_CASE (3)
                                LIST_CASE (4) LIST_CASE (5) LIST_CASE (6)
                                LIST_CASE (7)
#undef LIST_CASE
                                default:
                                  stats_list (pt + f, fs, ru, idx, m, FL, o);
                                }
                            }
                      }
                    continue;
                  }
                for (size_t f = 0; f < fp; f += FV * W)
                  {
                    const size_t fv = (fp - f) / W < FV ? (fp - f) / W : FV;
                    double *o = stats + c * fp + f;
                    switch (kc * 8 + fv)
                      {
#define STATS_CASE(KCV, FVV)                                            \
                      case KCV * 8 + FVV:                               \
                        stats_tile (pt + f, fs, rc, sn, KCV, FVV, o, fp); \
                        break;
#define STATS_CASES(FVV)                                                \
                      STATS_CASE (1, FVV) STATS_CASE (2, FVV)           \
                      STATS_CASE (3, FVV) STATS_CASE (4, FVV)           \
                      STATS_CASE (5, FVV)
#if FV >= 4
                        STATS_CASES (4) STATS_CASES (3)
#endif
                        STATS_CASES (2) STATS_CASES (1)
#undef STATS_CASES
#undef STATS_CASE
                      default:
                        abort ();
                      }
                  }
              }
          }
      stats[k * fp] += rlnr;
    }

  if (r_out)
    for (size_t b = 0; b < B; b++)
      for (size_t c = 0; c < k; c++)
        r_out[b * k + c] = pos[c] < nl ? r[pos[c] * BLOCK + b] * s[b] : 0.0;
}

#undef FL
#undef KR
#undef PG
#undef KE
#undef KC
#undef FV
#undef vec
#undef ivec
#undef vexp
#undef SELECT
#undef MAX
#undef estep_tile
#undef estep_rows
#undef stats_tile
#undef stats_list
#undef stats_rows
#undef transpose
#undef to_rows
#undef to_points
