/* units.c -- the units of the fit: each column scaled by a power of two

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
   arithmetic is not: the squares of data near 1e-200 underflow, those
   of data near 1e200 overflow, and a logarithm rounds differently.
   The fit therefore reads column i as x / 2^e_i, e_i the binary
   exponent of the column's spread.  Multiplying by a power of two is
   exact, so data multiplied by 2^j give the same scaled numbers, hence
   the same fit, bit for bit; and the data are left as they are.  */

#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "error.h"
#include "units.h"
#include "vbgmm.h"

/* ilogb (v) for v not 0, the exponent field read directly where v is
   normal (the library's call is most of a pass over the data).  */
static inline int
binary_exponent (double v)
{
  uint64_t b;
  memcpy (&b, &v, sizeof b);
  int e = (int) ((b >> 52) & 0x7ff);
  return e != 0 && e != 0x7ff ? e - 1023 : ilogb (v);
}

/* The passes below go over the points by rows and sum column by
   column, the columns of a row side by side in vectors; the sum of
   each column still runs in the order of the points.  */
#define PRAGMA(x) _Pragma (#x)
#define SIMD PRAGMA (omp simd)

static int
clamp (long long e)
{
  return e > VBGMM_UNITS_MAX ? VBGMM_UNITS_MAX
         : e < -VBGMM_UNITS_MAX ? -VBGMM_UNITS_MAX : (int) e;
}

int
vbgmm_data_units (const vbgmm_data *data, const vbgmm_comm *comm,
                  const vbgmm_covariance_type *form, int *units,
                  vbgmm_error *err)
{
  return vbgmm_data_units_spread (data, comm, form, units, NULL, err);
}

int
vbgmm_data_units_spread (const vbgmm_data *data, const vbgmm_comm *comm,
                         const vbgmm_covariance_type *form, int *units,
                         double *spread_out, vbgmm_error *err)
{
  size_t n = data->n, d = data->d;
  const double *x = data->x;
  double *buf = calloc (2 * d + 1, sizeof *buf);
  double *s = calloc (2 * d + 1, sizeof *s);
  int status = vbgmm_comm_agree_alloc (comm, buf && s, err);
  if (status)
    goto done;

  /* The magnitude first: the mean binary exponent of the values that
     are not 0 (sums of integers, exact), so that the sums below
     neither overflow nor underflow.  */
  double *sum = buf, *count = buf + d;
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      if (x[r * d + i] != 0)
        {
          sum[i] += binary_exponent (x[r * d + i]);
          count[i] += 1;
        }
  if ((status = vbgmm_comm_sum (comm, buf, 2 * d, err)))
    goto done;
  for (size_t i = 0; i < d; i++)
    {
      long long c = (long long) count[i], t = (long long) sum[i];
      /* floor (t / c) in integers: exactly j more for data times 2^j.  */
      long long a = c == 0 ? 0 : t >= 0 ? t / c : -((-t + c - 1) / c);
      units[i] = clamp (a);
      s[i] = ldexp (1, -units[i]);
    }

  /* Then the spread about the mean, in those units: the mean absolute
     deviation (no squares, so no overflow).  */
  double *restrict mean = buf, *restrict spread = buf + d;
  const double *restrict sc = s;
  memset (buf, 0, 2 * d * sizeof *buf);
  for (size_t r = 0; r < n; r++)
    {
      const double *restrict xr = x + r * d;
      SIMD for (size_t i = 0; i < d; i++)
        mean[i] += xr[i] * sc[i];
    }
  if ((status = vbgmm_comm_sum (comm, mean, d, err)))
    goto done;
  for (size_t i = 0; i < d; i++)
    mean[i] /= data->n_total ? (double) data->n_total : 1.0;
  /* A column of one value has no spread at all, not that of the
     rounding of its mean: it keeps the units of its magnitude.  */
  if ((status = vbgmm_data_constant_means (data, comm, s, mean, err)))
    goto done;
  for (size_t r = 0; r < n; r++)
    {
      const double *restrict xr = x + r * d;
      SIMD for (size_t i = 0; i < d; i++)
        spread[i] += fabs (xr[i] * sc[i] - mean[i]);
    }
  if ((status = vbgmm_comm_sum (comm, spread, d, err)))
    goto done;
  double *mads = s + d;
  for (size_t i = 0; i < d; i++)
    {
      double mad = spread[i] / (data->n_total ? (double) data->n_total : 1.0);
      int a = units[i];
      if (mad > 0 && isfinite (mad))
        units[i] = clamp ((long long) a + ilogb (mad));
      /* The spread in the final units (from 1 to 2 but where clamped).  */
      mads[i] = ldexp (mad, a - units[i]);
      s[i] = ldexp (1, -units[i]);
    }

  /* A column whose values span more than the double range would lose
     bits at one end: it keeps the data's units.  (Times 2^u, a double
     for |u| <= VBGMM_UNITS_MAX, rounds as ldexp does.)  */
  double *restrict lossy = buf, *restrict back = buf + d;
  memset (lossy, 0, d * sizeof *lossy);
  for (size_t i = 0; i < d; i++)
    back[i] = ldexp (1, units[i]);
  for (size_t r = 0; r < n; r++)
    {
      const double *restrict xr = x + r * d;
      SIMD for (size_t i = 0; i < d; i++)
        lossy[i] += xr[i] * sc[i] * back[i] != xr[i];
    }
  if ((status = vbgmm_comm_sum (comm, lossy, d, err)))
    goto done;
  for (size_t i = 0; i < d; i++)
    if (lossy[i] > 0)
      {
        mads[i] = ldexp (mads[i], units[i]);
        units[i] = 0;
      }
  if (form && vbgmm_covariance_shape (form) == VBGMM_W_SCALAR && d > 0)
    {
      int top = units[0];
      for (size_t i = 1; i < d; i++)
        top = units[i] > top ? units[i] : top;
      for (size_t i = 0; i < d; i++)
        {
          mads[i] = ldexp (mads[i], units[i] - top);
          units[i] = top;
        }
    }
  if (spread_out)
    for (size_t i = 0; i < d; i++)
      spread_out[i] = mads[i] > 0 && isfinite (mads[i]) ? mads[i] : 1;

done:
  free (buf);
  free (s);
  return status;
}

int
vbgmm_data_constant_means (const vbgmm_data *data, const vbgmm_comm *comm,
                           const double *s, double *mean, vbgmm_error *err)
{
  size_t n = data->n, d = data->d;
  const double *x = data->x;
  double *buf = calloc (2 * d + 1, sizeof *buf);
  int status = vbgmm_comm_agree_alloc (comm, buf != NULL, err);
  if (status)
    {
      free (buf);
      return status;
    }
  /* In a column of one value v each difference v - mean is exact (the
     mean is within a factor of 2 of v) and the same, a multiple of
     v's last bit about as large as the rounding of the sum, so that
     their sum over any split of the points is exact too (but for
     hundreds of millions of points, where the column is then taken as
     any other), their mean is the difference itself, and the corrected
     mean is v.  In one pass with those differences, how many values
     differ from the first of this process's points; a column holds
     one value when none does, on any process, and every process's
     first is the corrected mean.  */
  double *restrict fix = buf, *restrict differ = buf + d;
  const double *restrict sc = s, *restrict mn = mean;
  for (size_t r = 0; r < n; r++)
    {
      const double *restrict xr = x + r * d;
      SIMD for (size_t i = 0; i < d; i++)
        {
          fix[i] += xr[i] * sc[i] - mn[i];
          differ[i] += xr[i] != x[i];
        }
    }
  if ((status = vbgmm_comm_sum (comm, buf, 2 * d, err)))
    goto done;
  for (size_t i = 0; i < d; i++)
    fix[i] = mean[i] + fix[i] / (data->n_total ? (double) data->n_total : 1.0);
  for (size_t i = 0; i < d; i++)
    differ[i] = differ[i] > 0 || (n > 0 && x[i] * s[i] != fix[i]);
  if ((status = vbgmm_comm_sum (comm, differ, d, err)))
    goto done;
  for (size_t i = 0; i < d; i++)
    if (differ[i] == 0)
      mean[i] = fix[i];
done:
  free (buf);
  return status;
}

int
vbgmm_units_far (double x, double scale, double c, double *w)
{
  int e = ilogb (scale), g = ilogb (x) + e;
  *w = ldexp (x, e - g) - ldexp (c, -g);
  return g;
}

double *
vbgmm_units_scale (const int *units, size_t d)
{
  double *s = malloc ((d ? d : 1) * sizeof *s);
  if (s)
    for (size_t i = 0; i < d; i++)
      s[i] = units ? ldexp (1, -units[i]) : 1;
  return s;
}

static int
unit (const int *units, size_t i)
{
  return units ? units[i] : 0;
}

void
vbgmm_units_points (double *x, size_t k, size_t d, const int *from,
                    const int *to)
{
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < d; i++)
      x[c * d + i] = ldexp (x[c * d + i], unit (from, i) - unit (to, i));
}

/* A precision scales as the inverse square of the points.  */
void
vbgmm_units_precisions (double *W, size_t k, size_t d, const int *from,
                        const int *to)
{
  /* A zero stays itself and is not written: the zeros off the diagonal
     of the diag and spherical forms' W, which take no memory until
     written, stay so.  */
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        if (W[(c * d + i) * d + j] != 0)
          W[(c * d + i) * d + j]
            = ldexp (W[(c * d + i) * d + j], unit (to, i) - unit (from, i)
                                             + unit (to, j) - unit (from, j));
}

double
vbgmm_units_ln_jacobian (const int *units, size_t d)
{
  long sum = 0;
  for (size_t i = 0; i < d; i++)
    sum += unit (units, i);
  return -(double) sum * M_LN2;
}

int
vbgmm_units_none (const int *units, size_t d)
{
  for (size_t i = 0; i < d; i++)
    if (unit (units, i) != 0)
      return 0;
  return 1;
}
