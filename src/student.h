/* student.h -- ln p(x) of the Student-t mixture for a block of points,
   for one instruction set

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

/* Included by predictive.c once for each instruction set, with
   STUDENT_NAME and STUDENT_TARGET (a target attribute, or nothing)
   defined, as responsibility.c includes kernel.h.

   The points of a block are held by rows (coordinate i of every point
   together), so that each loop runs across points on SIMD lanes, as
   the E-step does.  For each component the differences y = x - m_k
   are taken first and the quadratic form |C'y|^2 from them: not from
   the features of x about one shift, whose terms u'Lu - 2 (Lu)'x +
   x'Lx cancel for a point near a mean far from the shift; for D = 3
   the two cost the same.  ln(1 + q/v), exp and ln of the log-sum-exp
   are the branch-free ones of vexp.h.  Each point's result is a
   function of that point alone: the same on any number of threads.  */

STUDENT_TARGET static void
STUDENT_NAME (const vbgmm_predictive *restrict p, const double *restrict x,
              size_t B, double *restrict ws, double *restrict ln_p)
{
  const size_t d = p->d, k = p->k;
  double *restrict xr = ws;                /* d * SBLOCK: x by rows */
  double *restrict y = xr + d * SBLOCK;    /* d * SBLOCK: x - m_k */
  double *restrict t = y + d * SBLOCK;     /* KCHUNK * SBLOCK: terms */
  double *restrict q = t + KCHUNK * SBLOCK; /* SBLOCK */
  double *restrict u = q + SBLOCK;         /* SBLOCK */
  double *restrict mx = u + SBLOCK;        /* SBLOCK */
  double *restrict sum = mx + SBLOCK;      /* SBLOCK */
  /* The last chunk of components.  */
  const size_t last = k ? (k - 1) / KCHUNK : 0;

  for (size_t i = 0; i < d; i++)
    SIMD for (size_t b = 0; b < B; b++)
      xr[i * SBLOCK + b] = x[b * d + i];

  /* The terms of KCHUNK components at a time: in the first pass the
     largest of them is found, in the second their log-sum-exp is
     summed, in the order of the components either way.  With one
     chunk (K <= KCHUNK) its terms are still there for the second pass;
     with more, each is made again, by the same instructions, so the
     same numbers.  */
  for (int pass = 0; pass < 2; pass++)
    for (size_t ch = 0; ch <= last; ch++)
      {
        const size_t c0 = ch * KCHUNK;
        const size_t c1 = k - c0 < KCHUNK ? k : c0 + KCHUNK;
        for (size_t c = c0; c < c1 && (pass == 0 || last > 0); c++)
          {
            const double *m = p->m + c * d, *C = p->C + c * d * d;
            const double v = p->v[c], e = p->e[c], c0t = p->c[c];
            double *restrict tc = t + (c - c0) * SBLOCK;
            for (size_t i = 0; i < d; i++)
              {
                const double mi = m[i];
                SIMD for (size_t b = 0; b < B; b++)
                  y[i * SBLOCK + b] = xr[i * SBLOCK + b] - mi;
              }
            SIMD for (size_t b = 0; b < B; b++)
              q[b] = 0;
            if (p->independent)
              {
                /* diag: sum_d ln(1 + (C_dd y_d)^2 / v).  */
                for (size_t j = 0; j < d; j++)
                  {
                    const double l = C[j * d + j];
                    SIMD for (size_t b = 0; b < B; b++)
                      {
                        double w = l * y[j * SBLOCK + b];
                        q[b] += vbgmm_vlog1p (w * w / v);
                      }
                  }
                SIMD for (size_t b = 0; b < B; b++)
                  tc[b] = c0t - e * q[b];
              }
            else
              {
                /* (x - m)' C C' (x - m) = |C' (x - m)|^2, C lower
                   triangular.  */
                for (size_t j = 0; j < d; j++)
                  {
                    SIMD for (size_t b = 0; b < B; b++)
                      u[b] = C[j * d + j] * y[j * SBLOCK + b];
                    /* Below a diagonal C (spherical) only zeros.  */
                    for (size_t i = j + 1; i < (p->diagonal ? j + 1 : d);
                         i++)
                      {
                        const double cij = C[i * d + j];
                        SIMD for (size_t b = 0; b < B; b++)
                          u[b] += cij * y[i * SBLOCK + b];
                      }
                    SIMD for (size_t b = 0; b < B; b++)
                      q[b] += u[b] * u[b];
                  }
                SIMD for (size_t b = 0; b < B; b++)
                  tc[b] = c0t - e * vbgmm_vlog1p (q[b] / v);
              }
          }

        if (pass == 0)
          {
            /* ln sum_k exp(t_k), shifted by the largest term.  */
            if (ch == 0)
              SIMD for (size_t b = 0; b < B; b++)
                mx[b] = t[b];
            for (size_t c = c0 + (ch == 0); c < c1; c++)
              SIMD for (size_t b = 0; b < B; b++)
                {
                  double tb = t[(c - c0) * SBLOCK + b];
                  mx[b] = tb > mx[b] ? tb : mx[b];
                }
            continue;
          }
        /* A term below e^-700 of the largest is taken as 0
           (vbgmm_vexp takes x >= -746).  */
        if (ch == 0)
          SIMD for (size_t b = 0; b < B; b++)
            sum[b] = 0;
        for (size_t c = c0; c < c1; c++)
          SIMD for (size_t b = 0; b < B; b++)
            {
              double a = t[(c - c0) * SBLOCK + b] - mx[b];
              double r = vbgmm_vexp (a < -700.0 ? -700.0 : a);
              sum[b] += a < -700.0 ? 0.0 : r;
            }
      }
  SIMD for (size_t b = 0; b < B; b++)
    ln_p[b] = mx[b] + vbgmm_vlog (sum[b]);
}
