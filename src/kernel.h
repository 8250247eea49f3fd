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
   others) defined.  W points are taken at a time in GCC's vector
   extensions, and the register tiles are as large as the registers of
   the target allow.  Lanes are summed in a fixed order, so the sums do
   not depend on the thread that runs the block.  */

#define vec KERNEL_PASTE (vec, W)
#define hsum KERNEL_PASTE (hsum, W)
typedef double vec __attribute__ ((vector_size (W * sizeof (double))));

/* The sum of the lanes, halving the vector each step.  */
KERNEL_TARGET static inline double
hsum (const vec v)
{
  double a[W];
  memcpy (a, &v, sizeof a);
#if W >= 8
  a[0] += a[4];
  a[1] += a[5];
  a[2] += a[6];
  a[3] += a[7];
#endif
#if W >= 4
  a[0] += a[2];
  a[1] += a[3];
#endif
  return a[0] + a[1];
}

KERNEL_TARGET static void
KERNEL_NAME (const vbgmm_estep *es, const double *restrict x, size_t rows,
             workspace *w, double *restrict stats, double *restrict r_out)
{
  const size_t d = es->d, k = es->k, B = rows, d4 = VBGMM_ROWS4 (d);
  /* Padded to whole pairs of groups of W points, and to rows of y in
     fours; the padding has y = 0 and, once normalised, r = 0, so it
     adds nothing.  */
  const size_t Bp = (B + 2 * W - 1) / (2 * W) * (2 * W);
  double *restrict y = w->y, *restrict lr = w->lr, *restrict r = w->r;
  double *restrict ry = w->ry, *restrict mx = w->mx, *restrict s = w->s;

  for (size_t j = 0; j < d4; j++)
    {
      double *restrict yj = y + j * BLOCK;
      if (j < d)
        {
          const double c = es->shift[j];
          const double *restrict xj = x + j;
          SIMD for (size_t b = 0; b < B; b++)
            yj[b] = xj[b * d] - c;
        }
      else
        memset (yj, 0, B * sizeof (double));
      memset (yj + B, 0, (Bp - B) * sizeof (double));
    }

  /* ln rho_nk (10.46) = c_k - |U_k y_n - u0_k|^2 / 2, four rows of
     U_k y_n for two groups of points at a time in registers (rows past
     d are 0).  */
  for (size_t c = 0; c < k; c++)
    {
      const double *U = es->U + c * d4 * d, *u0 = es->u0 + c * d4;
      const double ck = es->c[c];
      double *restrict lrc = lr + c * BLOCK;
      for (size_t b = 0; b < Bp; b += 2 * W)
        {
          vec q = ZERO, qq = q;
          for (size_t i = 0; i < d4; i += 4)
            {
              vec t0 = SPLAT (-u0[i]), t1 = SPLAT (-u0[i + 1]);
              vec t2 = SPLAT (-u0[i + 2]), t3 = SPLAT (-u0[i + 3]);
              vec tt0 = t0, tt1 = t1, tt2 = t2, tt3 = t3;
              const double *U0 = U + i * d, *U1 = U0 + d, *U2 = U1 + d;
              const double *U3 = U2 + d;
              for (size_t j = i; j < d; j++)
                {
                  vec yj, yyj;
                  LOAD (yj, y + j * BLOCK + b);
                  LOAD (yyj, y + j * BLOCK + b + W);
                  const double u0j = U0[j], u1j = U1[j], u2j = U2[j];
                  const double u3j = U3[j];
                  t0 += u0j * yj;
                  t1 += u1j * yj;
                  t2 += u2j * yj;
                  t3 += u3j * yj;
                  tt0 += u0j * yyj;
                  tt1 += u1j * yyj;
                  tt2 += u2j * yyj;
                  tt3 += u3j * yyj;
                }
              q += (t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3);
              qq += (tt0 * tt0 + tt1 * tt1) + (tt2 * tt2 + tt3 * tt3);
            }
          vec l = ck - 0.5 * q, ll = ck - 0.5 * qq;
          STORE (lrc + b, l);
          STORE (lrc + b + W, ll);
        }
    }

  /* r_nk = exp(ln rho_nk - logsumexp_j ln rho_nj) (10.49), shifted by
     the largest term so that nothing overflows and some term is 1.  */
  SIMD for (size_t b = 0; b < Bp; b++)
    mx[b] = lr[b];
  for (size_t c = 1; c < k; c++)
    {
      const double *restrict lrc = lr + c * BLOCK;
      SIMD for (size_t b = 0; b < Bp; b++)
        mx[b] = lrc[b] > mx[b] ? lrc[b] : mx[b];
    }
  SIMD for (size_t b = 0; b < Bp; b++)
    s[b] = 0;
  for (size_t c = 0; c < k; c++)
    {
      double *restrict lrc = lr + c * BLOCK, *restrict rc = r + c * BLOCK;
      /* A responsibility below e^LN_R_MIN is taken as 0: subnormal
         numbers would slow every operation on them a hundredfold.  */
      SIMD for (size_t b = 0; b < Bp; b++)
        {
          double v = lrc[b] - mx[b];
          lrc[b] = v;
          rc[b] = v < LN_R_MIN ? LN_R_MIN : v;
        }
      SIMD for (size_t b = 0; b < Bp; b++)
        rc[b] = vbgmm_vexp (rc[b]);
      SIMD for (size_t b = 0; b < Bp; b++)
        {
          double e = lrc[b] < LN_R_MIN ? 0.0 : rc[b];
          rc[b] = e;
          s[b] += e;
        }
    }
  double rlnr = 0;
  for (size_t b = 0; b < B; b++)
    rlnr -= log (s[b]);
  SIMD for (size_t b = 0; b < Bp; b++)
    s[b] = 1 / s[b];
  for (size_t c = 0; c < k; c++)
    {
      double *restrict lrc = lr + c * BLOCK, *restrict rc = r + c * BLOCK;
      double acc = 0;
      SIMD_SUM (acc) for (size_t b = 0; b < B; b++)
        {
          rc[b] *= s[b];
          acc += rc[b] * lrc[b];
        }
      for (size_t b = B; b < Bp; b++)
        rc[b] = 0;
      /* sum_k r ln r = sum_k r (ln rho - max) - ln sum_j exp(ln rho_j - max) */
      rlnr += acc;
    }

  if (stats)
    {
      const size_t tri = d * (d + 1) / 2;
      double *N = VBGMM_STATS_N (stats, k, d);
      double *sy = VBGMM_STATS_SY (stats, k, d);
      double *syy = VBGMM_STATS_SYY (stats, k, d);
      for (size_t c = 0; c < k; c++)
        {
          const double *restrict rc = r + c * BLOCK;
          /* N_k and sum r y, keeping r y for the second moments.  */
          vec n = ZERO;
          for (size_t b = 0; b < Bp; b += W)
            {
              vec rb;
              LOAD (rb, rc + b);
              n += rb;
            }
          N[c] += hsum (n);
          for (size_t i = 0; i < d4; i++)
            {
              vec a = ZERO;
              for (size_t b = 0; b < Bp; b += W)
                {
                  vec rb, yi;
                  LOAD (rb, rc + b);
                  LOAD (yi, y + i * BLOCK + b);
                  vec v = rb * yi;
                  STORE (ry + i * BLOCK + b, v);
                  a += v;
                }
              if (i < d)
                sy[c * d + i] += hsum (a);
            }
#if W >= 8
          /* sum r y y': the lower triangle in 4 x 4 tiles, each summed
             over the block in registers (rows past d are 0).  */
          double *syyc = syy + c * tri;
          for (size_t i = 0; i < d; i += 4)
            for (size_t j = 0; j <= i; j += 4)
              {
                vec a00 = ZERO, a01 = a00, a02 = a00, a03 = a00;
                vec a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                vec a20 = a00, a21 = a00, a22 = a00, a23 = a00;
                vec a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                const double *r0 = ry + i * BLOCK, *y0 = y + j * BLOCK;
                for (size_t b = 0; b < Bp; b += W)
                  {
                    vec p0, p1, p2, p3, q0, q1, q2, q3;
                    LOAD (q0, y0 + b);
                    LOAD (q1, y0 + BLOCK + b);
                    LOAD (q2, y0 + 2 * BLOCK + b);
                    LOAD (q3, y0 + 3 * BLOCK + b);
                    LOAD (p0, r0 + b);
                    LOAD (p1, r0 + BLOCK + b);
                    LOAD (p2, r0 + 2 * BLOCK + b);
                    LOAD (p3, r0 + 3 * BLOCK + b);
                    a00 += p0 * q0;
                    a01 += p0 * q1;
                    a02 += p0 * q2;
                    a03 += p0 * q3;
                    a10 += p1 * q0;
                    a11 += p1 * q1;
                    a12 += p1 * q2;
                    a13 += p1 * q3;
                    a20 += p2 * q0;
                    a21 += p2 * q1;
                    a22 += p2 * q2;
                    a23 += p2 * q3;
                    a30 += p3 * q0;
                    a31 += p3 * q1;
                    a32 += p3 * q2;
                    a33 += p3 * q3;
                  }
                const vec *acc[4][4] = { { &a00, &a01, &a02, &a03 },
                                         { &a10, &a11, &a12, &a13 },
                                         { &a20, &a21, &a22, &a23 },
                                         { &a30, &a31, &a32, &a33 } };
                for (size_t u = 0; u < 4 && i + u < d; u++)
                  for (size_t v = 0; v < 4 && j + v <= i + u; v++)
                    syyc[(i + u) * (i + u + 1) / 2 + j + v] += hsum (*acc[u][v]);
              }
#else
          /* sum r y y': the lower triangle in 4 x 2 tiles, each summed
             over the block in registers (rows past d are 0).  */
          double *syyc = syy + c * tri;
          for (size_t i = 0; i < d; i += 4)
            for (size_t j = 0; j <= i + 2; j += 2)
              {
                vec a00 = ZERO, a01 = a00, a10 = a00, a11 = a00;
                vec a20 = a00, a21 = a00, a30 = a00, a31 = a00;
                const double *r0 = ry + i * BLOCK, *y0 = y + j * BLOCK;
                for (size_t b = 0; b < Bp; b += W)
                  {
                    vec p0, p1, p2, p3, q0, q1;
                    LOAD (q0, y0 + b);
                    LOAD (q1, y0 + BLOCK + b);
                    LOAD (p0, r0 + b);
                    LOAD (p1, r0 + BLOCK + b);
                    LOAD (p2, r0 + 2 * BLOCK + b);
                    LOAD (p3, r0 + 3 * BLOCK + b);
                    a00 += p0 * q0;
                    a01 += p0 * q1;
                    a10 += p1 * q0;
                    a11 += p1 * q1;
                    a20 += p2 * q0;
                    a21 += p2 * q1;
                    a30 += p3 * q0;
                    a31 += p3 * q1;
                  }
                const vec *acc[4][2] = { { &a00, &a01 }, { &a10, &a11 },
                                         { &a20, &a21 }, { &a30, &a31 } };
                for (size_t u = 0; u < 4 && i + u < d; u++)
                  for (size_t v = 0; v < 2 && j + v <= i + u; v++)
                    syyc[(i + u) * (i + u + 1) / 2 + j + v] += hsum (*acc[u][v]);
              }
#endif
        }
      *VBGMM_STATS_RLNR (stats, k, d) += rlnr;
    }

  if (r_out)
    for (size_t b = 0; b < B; b++)
      for (size_t c = 0; c < k; c++)
        r_out[b * k + c] = r[c * BLOCK + b];
}


#undef vec
#undef hsum
