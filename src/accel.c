/* accel.c -- over-relaxed steps of the coordinate ascent, on the
   statistics that the M-step is made of

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

#include "accel.h"
#include "responsibility.h"

/* Each kept step doubles the next, up to ETA_MAX (bench/fit.py: growth
   1.3 to 3 and caps from 64 up differ by a few passes; SQUAREM on the
   same statistics did no better).  */
#define ETA_GROWTH 2.0
#define ETA_MAX 1024.0
/* A step leaves a shrinking N_k at least this fraction of F(S)'s: an
   emptying component is taken down a hundredfold at a time, never
   below zero.  */
#define N_FLOOR 0.01

void
vbgmm_accel_init (vbgmm_accel *a)
{
  a->eta = 1;
}

void
vbgmm_accel_reject (vbgmm_accel *a)
{
  a->eta = 1;
}

int
vbgmm_accel_step (vbgmm_accel *a, size_t k, size_t p, const double *from,
                  const double *out, double *step)
{
  if (a->eta <= 1)
    {
      a->eta = ETA_GROWTH;
      return 0;
    }
  const size_t comp = 1 + p;
  for (size_t c = 0; c < k; c++)
    {
      const double *x = VBGMM_STATS_COMP (from, c, p);
      const double *f = VBGMM_STATS_COMP (out, c, p);
      double *y = VBGMM_STATS_COMP (step, c, p);
      double eta = a->eta;
      /* x_N + eta (f_N - x_N) >= N_FLOOR f_N */
      if (f[0] < x[0])
        {
          double cap = (x[0] - N_FLOOR * f[0]) / (x[0] - f[0]);
          if (eta > cap)
            eta = cap;
        }
      for (size_t i = 0; i < comp; i++)
        y[i] = x[i] + eta * (f[i] - x[i]);
    }
  *VBGMM_STATS_RLNR (step, k, p) = *VBGMM_STATS_RLNR (out, k, p);
  a->eta *= ETA_GROWTH;
  if (a->eta > ETA_MAX)
    a->eta = ETA_MAX;
  return 1;
}
