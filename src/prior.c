/* prior.c -- the prior: defaults from the data, checks

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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "comm.h"
#include "covariance.h"
#include "dense.h"
#include "error.h"
#include "pages.h"
#include "units.h"
#include "weights.h"
#include "vbgmm.h"

/* W0 of D x D numbers = SRC, written into the identity that
   vbgmm_prior_alloc made only where the bits differ from it: a copy of
   the diagonal W0 of the diag and spherical forms writes a page a row,
   not D x D numbers, as pages that are never written take no memory
   (vbgmm_calloc_pages).  */
static void
copy_changed (double *restrict W0, const double *restrict src, size_t d)
{
  const double one = 1, zero = 0;
  uint64_t b1, b0;
  memcpy (&b1, &one, sizeof b1);
  memcpy (&b0, &zero, sizeof b0);
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        uint64_t b;
        memcpy (&b, src + i * d + j, sizeof b);
        if (b != (i == j ? b1 : b0))
          W0[i * d + j] = src[i * d + j];
      }
}

vbgmm_prior *
vbgmm_prior_alloc (size_t d)
{
  /* D x D numbers that a size_t cannot count would wrap to a small
     allocation, which the identity below would overrun.  */
  if (d > 0 && d > SIZE_MAX / sizeof (double) / d)
    return NULL;
  vbgmm_prior *p = calloc (1, sizeof *p);
  if (!p)
    return NULL;
  p->d = d;
  p->alpha0 = 0.001;
  p->beta0 = 1;
  p->nu0 = d;
  p->m0 = calloc (d, sizeof (double));
  p->W0 = vbgmm_calloc_pages (d * d, sizeof (double));
  p->covariance = vbgmm_covariance_lookup ("full");
  p->weights = vbgmm_weights_lookup ("dirichlet");
  p->gamma0 = 1;
  p->units = calloc (d ? d : 1, sizeof (int));
  if (!p->m0 || !p->W0 || !p->units)
    {
      vbgmm_prior_free (p);
      return NULL;
    }
  for (size_t i = 0; i < d; i++)
    p->W0[i * d + i] = 1;
  return p;
}

vbgmm_prior *
vbgmm_prior_copy (const vbgmm_prior *prior)
{
  size_t d = prior->d;
  vbgmm_prior *p = vbgmm_prior_alloc (d);
  if (!p)
    return NULL;
  p->alpha0 = prior->alpha0;
  p->beta0 = prior->beta0;
  p->nu0 = prior->nu0;
  p->covariance = prior->covariance;
  p->weights = prior->weights;
  p->gamma0 = prior->gamma0;
  memcpy (p->m0, prior->m0, d * sizeof (double));
  copy_changed (p->W0, prior->W0, d);
  if (prior->units)
    memcpy (p->units, prior->units, d * sizeof (int));
  return p;
}

void
vbgmm_prior_free (vbgmm_prior *p)
{
  if (!p)
    return;
  free (p->m0);
  free (p->W0);
  free (p->units);
  free (p);
}

const char *
vbgmm_prior_check (const vbgmm_prior *p)
{
  size_t d = p->d;
  gsl_set_error_handler_off ();
  if (!(p->alpha0 > 0) || !isfinite (p->alpha0))
    return "alpha0 must be a finite number > 0";
  if (!(p->beta0 > 0) || !isfinite (p->beta0))
    return "beta0 must be a finite number > 0";
  if (!p->covariance)
    return "no covariance form";
  if (!p->weights)
    return "no prior on the weights";
  if (!(p->gamma0 > 0) || !isfinite (p->gamma0))
    return "gamma0 must be a finite number > 0";
  if (!(p->nu0 > p->covariance->nu0_floor (d)) || !isfinite (p->nu0))
    return p->covariance->nu0_why;
  for (size_t i = 0; i < d; i++)
    if (!isfinite (p->m0[i]))
      return "m0 must be finite";
  /* As a model file's: the fit takes their differences in an int.  */
  for (size_t i = 0; p->units && i < d; i++)
    if (p->units[i] < -VBGMM_UNITS_MAX || p->units[i] > VBGMM_UNITS_MAX)
      return "the units of the prior must be from -1021 to 1021";
  /* Squares of 64 x 64 against their mirror images: the columns of a
     square are read from the cache, not a row apart in memory.  */
  const double *W0 = p->W0;
  for (size_t i0 = 0; i0 < d; i0 += 64)
    for (size_t j0 = 0; j0 <= i0; j0 += 64)
      for (size_t i = i0; i < d && i < i0 + 64; i++)
        for (size_t j = j0; j < d && j < j0 + 64 && j <= i; j++)
          if (!isfinite (W0[i * d + j]) || W0[i * d + j] != W0[j * d + i])
            return "W0 must be finite and symmetric";
  return p->covariance->check_W0 (d, p->W0);
}

int
vbgmm_data_moments (const vbgmm_data *data, const vbgmm_comm *comm,
                    double *mean, double *cov, vbgmm_error *err)
{
  return vbgmm_data_moments_units (data, comm, NULL, mean, cov, err);
}

/* The mean and, unless COV is NULL, the sample covariance (VAR_ONLY:
   only the D variances, in COV[0 .. D-1]).  */
static int
data_moments (const vbgmm_data *data, const vbgmm_comm *comm,
              const int *units, double *mean, double *cov, int var_only,
              vbgmm_error *err)
{
  size_t n = data->n, d = data->d;
  /* No mean at all (0 / 0), as vbgmm_options_check says.  N_TOTAL is
     every process's, so all of them return here or none.  */
  if (data->n_total == 0)
    return vbgmm_fail (err, VBGMM_EDATA, "the data have no points");
  /* From VBGMM_DENSE_FACTOR_MIN_D dimensions on the scatter is summed
     on the tiles of dense.c, its rows LDS apart.  */
  const int tiles = d >= VBGMM_DENSE_FACTOR_MIN_D;
  const size_t lds = tiles ? VBGMM_DENSE_PAD (d) : d;
  const size_t slen = !cov ? 0 : var_only ? d : d * lds;
  double *buf = calloc (slen + d, sizeof (double));
  double *s = vbgmm_units_scale (units, d);
  int status = vbgmm_comm_agree_alloc (comm, buf && s, err);
  if (status)
    {
      free (buf);
      free (s);
      return status;
    }

  /* Two passes: the mean first, then the scatter about it, so that data
     far from the origin lose no precision.  */
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      buf[i] += data->x[r * d + i] * s[i];
  if ((status = vbgmm_comm_sum (comm, buf, d, err)))
    {
      free (buf);
      free (s);
      return status;
    }
  for (size_t i = 0; i < d; i++)
    mean[i] = buf[i] / data->n_total;
  /* A column of one value: its mean exactly, its variance 0.  */
  if ((status = vbgmm_data_constant_means (data, comm, s, mean, err)))
    {
      free (buf);
      free (s);
      return status;
    }
  if (!cov)
    {
      free (buf);
      free (s);
      return VBGMM_SUCCESS;
    }

  /* The variances alone: each the sum of its squares in the order of
     the points, as the whole scatter below sums them in few
     dimensions (the tiles sum in blocks).  */
  double *S = buf + d;
  if (var_only)
    {
      for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < d; i++)
          {
            double y = data->x[r * d + i] * s[i] - mean[i];
            S[i] += y * y;
          }
      free (s);
      if ((status = vbgmm_comm_sum (comm, S, d, err)))
        {
          free (buf);
          return status;
        }
      double denom = data->n_total > 1 ? data->n_total - 1.0 : 1.0;
      for (size_t i = 0; i < d; i++)
        cov[i] = S[i] / denom;
      free (buf);
      return VBGMM_SUCCESS;
    }

  /* The scatter by blocks of rows.  In few dimensions each row of S
     takes the products of a block's points in turn (the same sums in
     the same order as point by point), read from memory once a block
     instead of once a point; in many, S += Y'Y for blocks of points Y
     on the tiles (its lower triangle: D^2 / 2 multiply-adds a point at
     the speed of the M-step's products), Y's rows padded with zeros
     as the tiles read them.  */
  const size_t rows = tiles ? 256 : 16, ldy = tiles ? lds : d;
  double *y = calloc ((rows + 1) * ldy, sizeof (double));
  if ((status = vbgmm_comm_agree_alloc (comm, y != NULL, err)))
    {
      free (y);   /* another rank's failure: this one's room goes too */
      free (buf);
      free (s);
      return status;
    }
  for (size_t r0 = 0; r0 < n; r0 += rows)
    {
      const size_t nb = n - r0 < rows ? n - r0 : rows;
      for (size_t b = 0; b < nb; b++)
        for (size_t i = 0; i < d; i++)
          y[b * ldy + i] = data->x[(r0 + b) * d + i] * s[i] - mean[i];
      if (tiles)
        vbgmm_dense_gemm (d, d, nb, y, 1, ldy, y, ldy, S, lds, 1.0, 1);
      else
        for (size_t i = 0; i < d; i++)
          for (size_t b = 0; b < nb; b++)
            {
              const double yi = y[b * d + i], *yb = y + b * d;
              double *Si = S + i * d;
              for (size_t j = 0; j <= i; j++)
                Si[j] += yi * yb[j];
            }
    }
  free (y);
  if ((status = vbgmm_comm_sum (comm, S, d * lds, err)))
    {
      free (buf);
      free (s);
      return status;
    }
  double denom = data->n_total > 1 ? data->n_total - 1.0 : 1.0;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++)
      cov[i * d + j] = cov[j * d + i] = S[i * lds + j] / denom;
  free (buf);
  free (s);
  return VBGMM_SUCCESS;
}

int
vbgmm_data_moments_units (const vbgmm_data *data, const vbgmm_comm *comm,
                          const int *units, double *mean, double *cov,
                          vbgmm_error *err)
{
  return data_moments (data, comm, units, mean, cov, 0, err);
}

int
vbgmm_data_variances_units (const vbgmm_data *data, const vbgmm_comm *comm,
                            const int *units, double *mean, double *var,
                            vbgmm_error *err)
{
  return data_moments (data, comm, units, mean, var, 1, err);
}

/* The end of W0 = COV^-1 with a ridge of EPS: the N numbers of W0 that
   may not be 0, STRIDE apart, are finite, or a variance below
   1 / DBL_MAX had no inverse in doubles.  */
static int
W0_made (const double *W0, size_t n, size_t stride, double eps,
         double *ridge, vbgmm_error *err)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (W0[i * stride]))
      return vbgmm_fail (err, VBGMM_ENUM, "the inverse of the sample "
                         "covariance passes the range of doubles");
  if (ridge)
    *ridge = eps;
  return VBGMM_SUCCESS;
}

int
vbgmm_prior_set_W0_inverse (vbgmm_prior *prior, const double *cov,
                            double *ridge, vbgmm_error *err)
{
  size_t d = prior->d;
  gsl_set_error_handler_off ();
  gsl_matrix *L = gsl_matrix_alloc (d, d);
  if (!L)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");

  /* A singular covariance (a constant column, a column that repeats
     another, N <= D) gets a ridge: each variance grows by a relative
     EPS (a zero variance by EPS times the mean variance), EPS rising
     from 1e-10 until no Cholesky pivot is negligible against its
     variance.  The test is scale-free, so columns in very different
     units are left alone.  */
  double scale = 0;
  for (size_t i = 0; i < d; i++)
    scale += fabs (cov[i * d + i]);
  scale = scale > 0 ? scale / d : 1;
  double eps = 0;
  int attempt;
  for (attempt = 0; attempt < 12; attempt++)
    {
      memcpy (L->data, cov, d * d * sizeof (double));
      for (size_t i = 0; i < d; i++)
        {
          double v = cov[i * d + i];
          L->data[i * d + i] += eps * (v > 0 ? v : scale);
        }
      int status = vbgmm_spd_factor (d, L->data, d);
      if (status == -2)
        break;
      int ok = status == 0;
      for (size_t i = 0; ok && i < d; i++)
        {
          double p = gsl_matrix_get (L, i, i);
          double v = cov[i * d + i] + eps * (cov[i * d + i] > 0
                                             ? cov[i * d + i] : scale);
          ok = p * p > 1e-12 * v;
        }
      if (ok)
        {
          status = vbgmm_spd_inverse (d, L->data, d, prior->W0);
          gsl_matrix_free (L);
          if (status)
            return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
          return W0_made (prior->W0, d * d, 1, eps, ridge, err);
        }
      eps = eps == 0 ? 1e-10 : eps * 10;
    }
  gsl_matrix_free (L);
  if (attempt < 12)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  return vbgmm_fail (err, VBGMM_ENUM, "the sample covariance cannot be inverted");
}

int
vbgmm_prior_set_W0_inverse_diagonal (vbgmm_prior *prior, const double *var,
                                     double *ridge, vbgmm_error *err)
{
  size_t d = prior->d;
  /* In few dimensions GSL factors and inverts the matrix, with its own
     rounding: the matrix is made (it is small).  */
  if (!VBGMM_SPD_DIAGONAL_SQRT (d))
    {
      double *cov = calloc (d * d, sizeof (double));
      if (!cov)
        return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      for (size_t i = 0; i < d; i++)
        cov[i * d + i] = var[i];
      int status = vbgmm_prior_set_W0_inverse (prior, cov, ridge, err);
      free (cov);
      return status;
    }
  /* Otherwise vbgmm_prior_set_W0_inverse on diag (VAR), step by step:
     the same scale, the same ridges tried in turn and the same test of
     each pivot, the pivot sqrt (v) that vbgmm_spd_factor makes of a
     diagonal matrix, and (1 / sqrt (v))^2 from its inverse.  */
  double scale = 0;
  for (size_t i = 0; i < d; i++)
    scale += fabs (var[i]);
  scale = scale > 0 ? scale / d : 1;
  double eps = 0;
  for (int attempt = 0; attempt < 12; attempt++)
    {
      int ok = 1;
      for (size_t i = 0; ok && i < d; i++)
        {
          double v = var[i] + eps * (var[i] > 0 ? var[i] : scale);
          double p = sqrt (v);
          ok = v > 0 && p * p > 1e-12 * v;
        }
      if (ok)
        {
          /* Zeros written only where there are none: pages of W0
             that were never written stay unused.  */
          double *W0 = prior->W0;
          for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++)
              if (j != i && (W0[i * d + j] != 0 || signbit (W0[i * d + j])))
                W0[i * d + j] = 0;
          for (size_t i = 0; i < d; i++)
            {
              double t = 1 / sqrt (var[i] + eps * (var[i] > 0 ? var[i]
                                                   : scale));
              W0[i * d + i] = t * t;
            }
          return W0_made (W0, d, d + 1, eps, ridge, err);
        }
      eps = eps == 0 ? 1e-10 : eps * 10;
    }
  return vbgmm_fail (err, VBGMM_ENUM, "the sample covariance cannot be inverted");
}
