/* init.c -- the initial means: k-means++ seeds (plain or greedy) or K rows

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

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "comm.h"
#include "error.h"
#include "kmeans.h"
#include "units.h"
#include "vbgmm.h"

/* Row G of the data, times the factors S, over all processes into OUT:
   its owner contributes the row and every other process zeros, and
   adding zeros is exact.  */
static int
fetch_row (const vbgmm_data *data, const vbgmm_comm *comm, const double *s,
           size_t g, double *out, vbgmm_error *err)
{
  size_t d = data->d;
  if (g >= data->first_row && g < data->first_row + data->n)
    for (size_t i = 0; i < d; i++)
      out[i] = data->x[(g - data->first_row) * d + i] * s[i];
  else
    memset (out, 0, d * sizeof (double));
  return vbgmm_comm_sum (comm, out, d, err);
}

/* K distinct rows, uniformly (Floyd's sampling: no array of N).  */
static int
init_random (const vbgmm_data *data, const vbgmm_options *opt,
             const double *s, gsl_rng *rng, double *means, vbgmm_error *err)
{
  size_t k = opt->k, n = data->n_total;
  size_t *pick = malloc (k * sizeof *pick);
  int status = vbgmm_comm_agree_alloc (opt->comm, pick != NULL, err);
  if (status)
    {
      free (pick);
      return status;
    }
  size_t m = 0;
  for (size_t j = n - k; j < n; j++)
    {
      size_t t = gsl_rng_uniform_int (rng, j + 1);
      int seen = 0;
      for (size_t i = 0; i < m; i++)
        seen |= pick[i] == t;
      pick[m++] = seen ? j : t;
    }
  for (size_t i = 0; i < k && !status; i++)
    status = fetch_row (data, opt->comm, s, pick[i], means + i * data->d,
                        err);
  free (pick);
  return status;
}

/* Into G, a row drawn with probability proportional to DIST, whose sum
   is TOTAL here, BEFORE over the processes of lower rank and ALL over
   every process.  Every process draws the same number; exactly one owns
   the row, and it alone offers its index (others offer 0).  */
static int
draw_row (const vbgmm_data *data, const vbgmm_comm *comm, gsl_rng *rng,
          const double *dist, double total, double before, double all,
          size_t *g, vbgmm_error *err)
{
  const double u = gsl_rng_uniform (rng);
  if (!(all > 0))
    {
      /* Every point sits on a mean already: any will do.  */
      *g = gsl_rng_uniform_int (rng, data->n_total);
      return VBGMM_SUCCESS;
    }
  /* The row where the running sum first passes u * all.  */
  double target = u * all, run = before;
  double found = 0;
  if (target >= before && target < before + total)
    for (size_t r = 0; r < data->n; r++)
      {
        run += dist[r];
        if (run > target && dist[r] > 0)
          {
            found = (double) (data->first_row + r) + 1;
            break;
          }
      }
  int status = vbgmm_comm_sum (comm, &found, 1, err);
  *g = found > 0 ? (size_t) found - 1 : data->n_total - 1;
  return status;
}

/* k-means++ (Arthur and Vassilvitskii 2007): each next mean is a point
   drawn with probability proportional to its squared distance to the
   nearest mean chosen so far.  With TRIALS > 1 it is the greedy variant
   (their section 6; scikit-learn's KMeans): TRIALS points are drawn and
   the one that leaves the least sum of squared distances is kept (ties,
   to rounding: the first drawn).  Over many processes the draw is the
   same: the cumulative sum runs over the processes in rank order.  */
static int
init_kmeanspp (const vbgmm_data *data, const vbgmm_options *opt,
               const double *s, const double *metric, gsl_rng *rng,
               size_t trials, double *means, vbgmm_error *err)
{
  size_t k = opt->k, d = data->d, n = data->n;
  const vbgmm_comm *comm = opt->comm;
  double *dist = malloc ((n ? n : 1) * sizeof (double));
  /* The candidates, their sums, the points of a block by coordinate and
     their distances to each candidate.  */
  double *cand = malloc ((trials * (d + 1 + VBGMM_KM_LANES)
                          + d * VBGMM_KM_LANES) * sizeof (double));
  int status = vbgmm_comm_agree_alloc (comm, dist && cand, err);
  if (status)
    {
      free (dist);
      free (cand);
      return status;
    }
  double *pot = cand + trials * d, *d2t = pot + trials;
  double *xt = d2t + trials * VBGMM_KM_LANES;
  const int lanes = vbgmm_km_lanes ();
  status = fetch_row (data, comm, s,
                      gsl_rng_uniform_int (rng, data->n_total), means, err);
  for (size_t r = 0; r < n; r++)
    dist[r] = INFINITY;

  for (size_t c = 1; c < k && !status; c++)
    {
      const double *prev = means + (c - 1) * d;
      double total = 0;
      for (size_t r0 = 0; r0 < n; r0 += VBGMM_KM_LANES)
        {
          const size_t rows = n - r0 < VBGMM_KM_LANES ? n - r0
                                                      : VBGMM_KM_LANES;
          double d2[VBGMM_KM_LANES];
          vbgmm_km_load (data->x + r0 * d, rows, d, s, xt);
          vbgmm_km_dist (lanes, xt, d, prev, metric, d2);
          for (size_t r = r0; r < r0 + rows; r++)
            {
              if (d2[r - r0] < dist[r])
                dist[r] = d2[r - r0];
              total += dist[r];
            }
        }
      double before = total, all = total;
      if (comm && comm->exscan && comm->exscan (&before, 1, comm->arg))
        status = vbgmm_fail (err, VBGMM_EIO, "communication failed");
      else if (!comm || !comm->exscan)
        before = 0;
      if (!status)
        status = vbgmm_comm_sum (comm, &all, 1, err);
      for (size_t t = 0; t < trials && !status; t++)
        {
          size_t g;
          status = draw_row (data, comm, rng, dist, total, before, all, &g,
                             err);
          if (!status)
            status = fetch_row (data, comm, s, g, cand + t * d, err);
        }
      if (status)
        break;
      size_t best = 0;
      if (trials > 1)
        {
          for (size_t t = 0; t < trials; t++)
            pot[t] = 0;
          for (size_t r0 = 0; r0 < n; r0 += VBGMM_KM_LANES)
            {
              const size_t rows = n - r0 < VBGMM_KM_LANES ? n - r0
                                                          : VBGMM_KM_LANES;
              vbgmm_km_load (data->x + r0 * d, rows, d, s, xt);
              for (size_t t = 0; t < trials; t++)
                vbgmm_km_dist (lanes, xt, d, cand + t * d, metric,
                               d2t + t * VBGMM_KM_LANES);
              for (size_t r = r0; r < r0 + rows; r++)
                for (size_t t = 0; t < trials; t++)
                  {
                    double acc = d2t[t * VBGMM_KM_LANES + r - r0];
                    pot[t] += acc < dist[r] ? acc : dist[r];
                  }
            }
          if ((status = vbgmm_comm_sum (comm, pot, trials, err)))
            break;
          /* A sum kept only when it is below the best so far by more
             than rounding: many processes add the same N terms, all
             positive, in another order, which moves a sum by up to 2 N
             eps of it, and a tie so broken would keep another
             candidate than one process does.  */
          const double tie = 2 * (double) data->n_total * DBL_EPSILON;
          for (size_t t = 1; t < trials; t++)
            if (pot[t] < pot[best] - tie * pot[best])
              best = t;
        }
      memcpy (means + c * d, cand + best * d, d * sizeof (double));
    }
  free (dist);
  free (cand);
  return status;
}

/* A[0] += W, A[1..D] += W X S (X times the factors S).  */
static void
weigh_point (double *a, double w, const double *x, const double *s,
             size_t d)
{
  a[0] += w;
  for (size_t i = 0; i < d; i++)
    a[1 + i] += w * (x[i] * s[i]);
}

/* The starts that are not means (labels, responsibilities): the means
   xbar_k (10.52) of the points, times the factors S, under their
   responsibilities (one-hot for labels), over all processes; a
   component that holds no point takes the mean of all of them.  */
static int
init_assigned (const vbgmm_data *data, const vbgmm_options *opt,
               const double *s, double *means, vbgmm_error *err)
{
  const size_t k = opt->k, d = data->d;
  const size_t *labels = opt->init == VBGMM_INIT_LABELS ? opt->init_labels
                                                         : NULL;
  if (data->n_total == 0)
    return vbgmm_fail (err, VBGMM_EDATA, "the data have no points");
  /* Row c: N_c, then sum_n r_nc x_n; row k: N, then sum_n x_n.  */
  double *acc = calloc ((k + 1) * (d + 1), sizeof (double));
  int status = vbgmm_comm_agree_alloc (opt->comm, acc != NULL, err);
  if (status)
    {
      free (acc);
      return status;
    }
  for (size_t r = 0; r < data->n; r++)
    {
      const double *x = data->x + r * d;
      if (labels && labels[r] >= k)
        {
          status = vbgmm_fail (err, VBGMM_EINVAL, "an initial label is not "
                               "below the number of components");
          break;
        }
      if (labels)
        weigh_point (acc + labels[r] * (d + 1), 1, x, s, d);
      else
        for (size_t c = 0; c < k; c++)
          weigh_point (acc + c * (d + 1), opt->init_resp[r * k + c], x, s,
                       d);
      weigh_point (acc + k * (d + 1), 1, x, s, d);
    }
  if (!(status = vbgmm_comm_agree (opt->comm, status, err))
      && !(status = vbgmm_comm_sum (opt->comm, acc, (k + 1) * (d + 1), err)))
    for (size_t c = 0; c < k; c++)
      {
        const double *a = acc + (acc[c * (d + 1)] > 0 ? c : k) * (d + 1);
        for (size_t i = 0; i < d; i++)
          means[c * d + i] = a[1 + i] / a[0];
      }
  free (acc);
  return status;
}

int
vbgmm_init_means (const vbgmm_data *data, const vbgmm_options *opt,
                  double *means, vbgmm_error *err)
{
  return vbgmm_init_means_units (data, opt, NULL, NULL, means, err);
}

int
vbgmm_init_means_units (const vbgmm_data *data, const vbgmm_options *opt,
                        const int *units, const double *metric,
                        double *means, vbgmm_error *err)
{
  size_t d = data->d;
  if (opt->init == VBGMM_INIT_MEANS)
    {
      memcpy (means, opt->init_means, opt->k * d * sizeof (double));
      vbgmm_units_points (means, opt->k, d, NULL, units);
      return VBGMM_SUCCESS;
    }
  if (opt->init == VBGMM_INIT_MODEL)
    {
      /* The model's means, from its units into these.  */
      const vbgmm_model *from = opt->init_model;
      if (from->k != opt->k || from->d != d)
        return vbgmm_fail (err, VBGMM_EINVAL, "the initial model must have "
                           "the number of components and the dimension of "
                           "the data");
      memcpy (means, from->m, opt->k * d * sizeof (double));
      vbgmm_units_points (means, opt->k, d, from->units, units);
      return VBGMM_SUCCESS;
    }
  if (opt->init == VBGMM_INIT_LABELS || opt->init == VBGMM_INIT_RESP)
    {
      double *s = vbgmm_units_scale (units, d);
      int status = vbgmm_comm_agree_alloc (opt->comm, s != NULL, err);
      if (!status)
        status = init_assigned (data, opt, s, means, err);
      free (s);
      return status;
    }
  if (data->n_total < opt->k)
    return vbgmm_fail (err, VBGMM_EDATA, "fewer points than components");
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  double *s = vbgmm_units_scale (units, d);
  int status = vbgmm_comm_agree_alloc (opt->comm, rng && s, err);
  if (!status)
    {
      gsl_rng_set (rng, opt->seed);
      status = opt->init == VBGMM_INIT_RANDOM
               ? init_random (data, opt, s, rng, means, err)
               : init_kmeanspp (data, opt, s, metric, rng,
                                opt->init == VBGMM_INIT_KMEANS
                                ? 2 + (size_t) log ((double) opt->k) : 1,
                                means, err);
    }
  gsl_rng_free (rng);
  free (s);
  return status;
}
