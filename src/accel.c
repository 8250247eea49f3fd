/* accel.c -- extrapolated steps of the coordinate ascent (SQUAREM), on
   the statistics that the M-step is made of

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

#include "accel.h"
#include "covariance.h"
#include "responsibility.h"

/* The longest step starts at 4 and grows or falls fourfold, never
   below 4 (SQUAREM's package starts at 1; on bench/fit.py's data, 20
   seeds, starting at 4 took as many passes or fewer, and growth by 2
   or 8 took a few passes more).  */
#define STEP_MAX0 4.0
#define MSTEP 4.0

/* What x0 and x1 hold when a kept pass comes back:
   NONE:  nothing (the start);
   FROM:  x0 = the point whose q(theta) made the pass;
   PAIR:  x0 and x1 = F(x0), whose q(theta) made the pass (x2 = OUT);
   STEP:  x0, x1 as in PAIR, the pass was made from the step in STEP.  */
enum { NONE, FROM, PAIR, STEP };

int
vbgmm_accel_init (vbgmm_accel *a, size_t k, size_t d, int quad,
                  const double *spread)
{
  size_t p = d + vbgmm_quad_features (quad, d), n = k * (1 + p);
  memset (a, 0, sizeof *a);
  a->k = k;
  a->p = p;
  a->phase = NONE;
  a->step_max = STEP_MAX0;
  a->x0 = malloc (n * sizeof (double));
  a->x1 = malloc (n * sizeof (double));
  a->weight = malloc ((1 + p) * sizeof (double));
  if (!a->x0 || !a->x1 || !a->weight)
    return -1;
  /* ln N_k; the means y_i; the products y_i y_j (j <= i, by rows) or
     the squares y_i^2 (responsibility.h).  */
  double *w = a->weight;
  *w++ = 1;
  for (size_t i = 0; i < d; i++)
    *w++ = 1 / spread[i];
  if (quad == VBGMM_QUAD_FULL)
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j <= i; j++)
        *w++ = 1 / (spread[i] * spread[j]);
  else if (quad == VBGMM_QUAD_DIAG)
    for (size_t i = 0; i < d; i++)
      *w++ = 1 / (spread[i] * spread[i]);
  else if (quad == VBGMM_QUAD_SUM)
    {
      double ss = 0;
      for (size_t i = 0; i < d; i++)
        ss += spread[i] * spread[i];
      *w = 1 / ss;
    }
  return 0;
}

void
vbgmm_accel_free (vbgmm_accel *a)
{
  free (a->x0);
  free (a->x1);
  free (a->weight);
  a->x0 = a->x1 = a->weight = NULL;
}

/* Z = the moment coordinates of the statistics S: ln N_k and S / N_k;
   NaN for a component that holds nothing (N_k = 0).  */
static void
moments (size_t k, size_t p, const double *s, double *z)
{
  for (size_t c = 0; c < k; c++)
    {
      const double *x = VBGMM_STATS_COMP (s, c, p);
      double *y = VBGMM_STATS_COMP (z, c, p);
      if (x[0] > 0)
        {
          y[0] = log (x[0]);
          for (size_t i = 1; i <= p; i++)
            y[i] = x[i] / x[0];
        }
      else
        for (size_t i = 0; i <= p; i++)
          y[i] = NAN;
    }
}

/* STEP, in moment coordinates, made statistics again, its N_k summing
   to those of OUT; a component with a coordinate that is not finite
   (it held nothing in one of the points) takes OUT's statistics.  */
static void
statistics (size_t k, size_t p, const double *out, double *step)
{
  double n_out = 0, top = -INFINITY, sum = 0;
  for (size_t c = 0; c < k; c++)
    {
      double *y = VBGMM_STATS_COMP (step, c, p);
      int finite = 1;
      for (size_t i = 0; finite && i <= p; i++)
        finite = isfinite (y[i]);
      if (!finite)
        {
          memcpy (y, VBGMM_STATS_COMP (out, c, p), (1 + p) * sizeof (double));
          y[0] = NAN;   /* marked: already statistics */
          continue;
        }
      n_out += VBGMM_STATS_N (out, c, p);
      if (y[0] > top)
        top = y[0];
    }
  for (size_t c = 0; c < k; c++)
    {
      double ln_n = VBGMM_STATS_N (step, c, p);
      if (!isnan (ln_n))
        sum += exp (ln_n - top);
    }
  for (size_t c = 0; c < k; c++)
    {
      double *y = VBGMM_STATS_COMP (step, c, p);
      if (isnan (y[0]))
        {
          y[0] = VBGMM_STATS_N (out, c, p);
          continue;
        }
      double n = n_out * (exp (y[0] - top) / sum);
      y[0] = n;
      for (size_t i = 1; i <= p; i++)
        y[i] *= n;
    }
  *VBGMM_STATS_RLNR (step, k, p) = *VBGMM_STATS_RLNR (out, k, p);
}

/* The step of length A->alpha from x0, x1 and x2 = OUT into STEP.  */
static void
extrapolate (const vbgmm_accel *a, const double *out, double *step)
{
  size_t n = a->k * (1 + a->p);
  double alpha = a->alpha;
  moments (a->k, a->p, out, step);
  for (size_t i = 0; i < n; i++)
    {
      double r = a->x1[i] - a->x0[i];
      double v = step[i] - 2 * a->x1[i] + a->x0[i];
      step[i] = a->x0[i] - 2 * alpha * r + alpha * alpha * v;
    }
  statistics (a->k, a->p, out, step);
}

int
vbgmm_accel_next (vbgmm_accel *a, const double *out, double *step)
{
  size_t k = a->k, p = a->p, n = k * (1 + p);
  double *swap;
  switch (a->phase)
    {
    case NONE:
      moments (k, p, out, a->x0);
      a->phase = FROM;
      return 0;
    case STEP:
      /* The step was kept: it is the new x0, the pass gave x1.  */
      if (a->alpha == -a->step_max)
        a->step_max *= MSTEP;
      moments (k, p, step, a->x0);
      /* fall through */
    case FROM:
      moments (k, p, out, a->x1);
      a->phase = PAIR;
      return 0;
    default:
      break;
    }
  /* PAIR: x2 = OUT.  alpha = -|r| / |v| over the coordinates of the
     components that hold something in all three points.  */
  double rr = 0, vv = 0;
  moments (k, p, out, step);
  for (size_t i = 0; i < n; i++)
    {
      double w = a->weight[i % (1 + p)];
      double r = w * (a->x1[i] - a->x0[i]);
      double v = w * (step[i] - 2 * a->x1[i] + a->x0[i]);
      if (isfinite (r) && isfinite (v))
        {
          rr += r * r;
          vv += v * v;
        }
    }
  double alpha = vv > 0 ? -sqrt (rr / vv) : -1;
  if (alpha < -a->step_max)
    alpha = -a->step_max;
  if (!(alpha < -1))
    {
      /* No step beyond the plain update: x1, x2 are the next pair.  */
      if (alpha == -a->step_max)
        a->step_max *= MSTEP;
      swap = a->x0;
      a->x0 = a->x1;
      a->x1 = swap;
      memcpy (a->x1, step, n * sizeof (double));
      return 0;
    }
  a->alpha = alpha;
  extrapolate (a, out, step);
  a->phase = STEP;
  return 1;
}

int
vbgmm_accel_shorten (vbgmm_accel *a, const double *out, double *step)
{
  a->alpha = (a->alpha - 1) / 2;
  if (a->alpha < -1 - 1e-3)
    {
      extrapolate (a, out, step);
      return 1;
    }
  /* No step: the next pass goes from x2 = OUT.  */
  a->step_max = fmax (STEP_MAX0, a->step_max / MSTEP);
  moments (a->k, a->p, out, a->x0);
  a->phase = FROM;
  return 0;
}

void
vbgmm_accel_reject (vbgmm_accel *a, const double *accepted)
{
  a->step_max = fmax (STEP_MAX0, a->step_max / MSTEP);
  moments (a->k, a->p, accepted, a->x0);
  a->phase = FROM;
}

void
vbgmm_accel_restart (vbgmm_accel *a)
{
  a->phase = NONE;
}
