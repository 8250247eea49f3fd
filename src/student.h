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
  double *restrict t = y + d * SBLOCK;     /* k * SBLOCK: each term */
  double *restrict q = t + k * SBLOCK;     /* SBLOCK */
  double *restrict u = q + SBLOCK;         /* SBLOCK */
  double *restrict mx = u + SBLOCK;        /* SBLOCK */

  for (size_t i = 0; i < d; i++)
    SIMD for (size_t b = 0; b < B; b++)
      xr[i * SBLOCK + b] = x[b * d + i];

  for (size_t c = 0; c < k; c++)
    {
      const double *m = p->m + c * d, *C = p->C + c * d * d;
      const double v = p->v[c], e = p->e[c], c0 = p->c[c];
      double *restrict tc = t + c * SBLOCK;
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
            tc[b] = c0 - e * q[b];
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
              for (size_t i = j + 1; i < (p->diagonal ? j + 1 : d); i++)
                {
                  const double cij = C[i * d + j];
                  SIMD for (size_t b = 0; b < B; b++)
                    u[b] += cij * y[i * SBLOCK + b];
                }
              SIMD for (size_t b = 0; b < B; b++)
                q[b] += u[b] * u[b];
            }
          SIMD for (size_t b = 0; b < B; b++)
            tc[b] = c0 - e * vbgmm_vlog1p (q[b] / v);
        }
    }

  /* ln sum_k exp(t_k), shifted by the largest term; a term below
     e^-700 of it is taken as 0 (vbgmm_vexp takes x >= -746).  */
  SIMD for (size_t b = 0; b < B; b++)
    mx[b] = t[b];
  for (size_t c = 1; c < k; c++)
    SIMD for (size_t b = 0; b < B; b++)
      mx[b] = t[c * SBLOCK + b] > mx[b] ? t[c * SBLOCK + b] : mx[b];
  SIMD for (size_t b = 0; b < B; b++)
    q[b] = 0;
  for (size_t c = 0; c < k; c++)
    SIMD for (size_t b = 0; b < B; b++)
      {
        double a = t[c * SBLOCK + b] - mx[b];
        double r = vbgmm_vexp (a < -700.0 ? -700.0 : a);
        q[b] += a < -700.0 ? 0.0 : r;
      }
  SIMD for (size_t b = 0; b < B; b++)
    ln_p[b] = mx[b] + vbgmm_vlog (q[b]);
}
