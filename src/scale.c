/* scale.c -- units: each column scaled by a power of two from its spread

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

/* The model is equivariant under a change of units, x -> s x; the
   arithmetic is not: the squares of data near 1e-200 underflow and
   those of data near 1e200 overflow.  Column d is therefore divided by
   2^e_d, e_d the binary exponent of its mean absolute deviation, before
   the fit.  Multiplying by a power of two is exact (short of the edges
   of the double range, which is checked), so the data in their own
   units are put back bit for bit, and data multiplied by 2^j give the
   same scaled numbers, hence the same fit, exactly.  */

#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "error.h"
#include "vbgmm.h"

int
vbgmm_data_scale (vbgmm_data *data, const vbgmm_comm *comm, int *e,
                  vbgmm_error *err)
{
  size_t n = data->n, d = data->d;
  double *buf = calloc (2 * d, sizeof *buf);
  int status = vbgmm_comm_agree_alloc (comm, buf != NULL, err);
  if (status)
    {
      free (buf);
      return status;
    }
  double *mean = buf, *spread = buf + d;
  if ((status = vbgmm_data_moments (data, comm, mean, NULL, err)))
    goto done;

  /* The mean absolute deviation: no squares, so no overflow.  */
  const double *x = data->x;
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      spread[i] += fabs (x[r * d + i] - mean[i]);
  if ((status = vbgmm_comm_sum (comm, spread, d, err)))
    goto done;
  for (size_t i = 0; i < d; i++)
    {
      double s = spread[i] / data->n_total;
      e[i] = 0;
      if (s > 0 && isfinite (s))
        frexp (s, e + i);
    }

  /* A column whose values span more than the double range could lose
     bits at one end: it keeps its units.  */
  double *lossy = spread;
  memset (lossy, 0, d * sizeof *lossy);
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      {
        double v = x[r * d + i];
        if (ldexp (ldexp (v, -e[i]), e[i]) != v)
          lossy[i] = 1;
      }
  if ((status = vbgmm_comm_sum (comm, lossy, d, err)))
    goto done;
  for (size_t i = 0; i < d; i++)
    if (lossy[i] > 0)
      e[i] = 0;

  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      data->x[r * d + i] = ldexp (x[r * d + i], -e[i]);

done:
  free (buf);
  return status;
}

void
vbgmm_data_unscale (vbgmm_data *data, const int *e)
{
  size_t n = data->n, d = data->d;
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      data->x[r * d + i] = ldexp (data->x[r * d + i], e[i]);
}

void
vbgmm_units_points (double *x, size_t k, size_t d, const int *e,
                    int to_scaled)
{
  int sign = to_scaled ? -1 : 1;
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < d; i++)
      x[c * d + i] = ldexp (x[c * d + i], sign * e[i]);
}

/* A precision matrix scales as the inverse of the square of the
   points: W_ij s_i s_j.  */
void
vbgmm_units_precisions (double *W, size_t k, size_t d, const int *e,
                        int to_scaled)
{
  int sign = to_scaled ? 1 : -1;
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        W[(c * d + i) * d + j] = ldexp (W[(c * d + i) * d + j],
                                        sign * (e[i] + e[j]));
}

double
vbgmm_units_bound (size_t d, const int *e, double n_total)
{
  /* ln p(x) = ln p(x / 2^e) - sum_i e_i ln 2, for every point.  */
  long sum = 0;
  for (size_t i = 0; i < d; i++)
    sum += e[i];
  return -n_total * (double) sum * M_LN2;
}

void
vbgmm_model_unscale (vbgmm_model *model, const int *e, double n_total)
{
  size_t k = model->k, d = model->d;
  vbgmm_units_points (model->m, k, d, e, 0);
  vbgmm_units_points (model->shift, 1, d, e, 0);
  vbgmm_units_precisions (model->W, k, d, e, 0);
  double offset = vbgmm_units_bound (d, e, n_total);
  for (size_t t = 0; t < model->iterations; t++)
    model->bound[t] += offset;
}
