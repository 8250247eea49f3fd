/* test_kmeans.c -- k-means and the start from an assignment of the
   points, against plain implementations written here

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

/* Lloyd's iterations of the library (blocked, threaded) must give the
   labels and means of the textbook loop below, on any number of
   threads; the start state from labels or responsibilities must be
   the M-step of PRML 10.51-10.63 computed here from N_k, xbar_k and
   S_k in the most direct way (an explicit inverse by LU).  */

#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_test.h>

#include "fit.h"
#include "kmeans.h"
#include "units.h"
#include "vbgmm.h"

/* Points around K_TRUE centres, some of them far from the origin.  */
static vbgmm_data *
make_data (gsl_rng *rng, size_t n, size_t d, size_t k_true, double offset)
{
  vbgmm_data *data = vbgmm_data_alloc (n, d);
  for (size_t r = 0; r < n; r++)
    {
      size_t c = r % k_true;
      for (size_t i = 0; i < d; i++)
        data->x[r * d + i] = offset + 3.0 * ((c + i) % k_true)
                             + gsl_ran_gaussian (rng, 1.0);
    }
  return data;
}

/* Lloyd's algorithm as in any textbook: labels to the nearest mean
   (first of equals), means to the centroids (an empty cluster keeps
   its mean), until no label changes.  Returns the iterations.  */
static size_t
plain_lloyd (const vbgmm_data *data, size_t k, double *means, size_t *labels,
             size_t max_iter)
{
  const size_t n = data->n, d = data->d;
  double *sum = malloc (k * d * sizeof (double));
  double *cnt = malloc (k * sizeof (double));
  for (size_t r = 0; r < n; r++)
    labels[r] = SIZE_MAX;
  size_t it;
  for (it = 1; it <= max_iter; it++)
    {
      size_t changed = 0;
      for (size_t r = 0; r < n; r++)
        {
          size_t best = 0;
          double bd = INFINITY;
          for (size_t c = 0; c < k; c++)
            {
              double s = 0;
              for (size_t i = 0; i < d; i++)
                s += pow (data->x[r * d + i] - means[c * d + i], 2);
              if (s < bd)
                {
                  bd = s;
                  best = c;
                }
            }
          changed += labels[r] != best;
          labels[r] = best;
        }
      memset (sum, 0, k * d * sizeof (double));
      memset (cnt, 0, k * sizeof (double));
      for (size_t r = 0; r < n; r++)
        {
          cnt[labels[r]] += 1;
          for (size_t i = 0; i < d; i++)
            sum[labels[r] * d + i] += data->x[r * d + i];
        }
      for (size_t c = 0; c < k; c++)
        if (cnt[c] > 0)
          for (size_t i = 0; i < d; i++)
            means[c * d + i] = sum[c * d + i] / cnt[c];
      if (!changed)
        break;
    }
  free (sum);
  free (cnt);
  return it > max_iter ? max_iter : it;
}

static void
test_lloyd (gsl_rng *rng, size_t n, size_t d, size_t k, double offset)
{
  vbgmm_data *data = make_data (rng, n, d, 3, offset);
  double *shift = calloc (d, sizeof (double));
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      shift[i] += data->x[r * d + i] / n;
  /* Seeds: K rows, two of them the same point (one cluster empties).  */
  double *seed = malloc (k * d * sizeof (double));
  for (size_t c = 0; c < k; c++)
    memcpy (seed + c * d, data->x + (c == k - 1 ? 0 : c * 7) * d,
            d * sizeof (double));
  double *want = malloc (k * d * sizeof (double));
  size_t *want_lab = malloc (n * sizeof (size_t));
  memcpy (want, seed, k * d * sizeof (double));
  size_t want_it = plain_lloyd (data, k, want, want_lab, 300);

  for (int threads = 1; threads <= 3; threads++)
    {
      double *got = malloc (k * d * sizeof (double));
      size_t *lab = malloc (n * sizeof (size_t)), it = 0;
      memcpy (got, seed, k * d * sizeof (double));
      int status = vbgmm_kmeans_lloyd (data, NULL, threads, k, NULL, NULL, shift, 300,
                                       got, lab, &it, NULL);
      int same = status == 0 && it == want_it;
      for (size_t r = 0; r < n; r++)
        same &= lab[r] == want_lab[r];
      double worst = 0;
      for (size_t i = 0; i < k * d; i++)
        worst = fmax (worst, fabs (got[i] - want[i]) / (1 + fabs (want[i])));
      gsl_test (!same || !(worst < 1e-12),
                "Lloyd N = %zu D = %zu K = %zu offset %g, %d threads: "
                "labels and %zu iterations as the plain loop's (%zu), "
                "means to %.2g", n, d, k, offset, threads, it, want_it, worst);
      free (got);
      free (lab);
    }
  free (seed);
  free (want);
  free (want_lab);
  free (shift);
  vbgmm_data_free (data);
}

/* k-means++ seeding as the paper writes it, with TRIALS candidates a
   step kept by the least sum of squared distances (the greedy variant
   when TRIALS > 1): the same draws of the Mersenne twister seeded SEED
   as the library's (one uniform index for the first mean, one uniform
   a candidate), each candidate the first row where the running sum of
   the distances passes the uniform times their total.  */
static void
plain_kmeanspp (const vbgmm_data *data, size_t k, unsigned long seed,
                size_t trials, double *means)
{
  const size_t n = data->n, d = data->d;
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  double *dist = malloc (n * sizeof (double));
  size_t *cand = malloc (trials * sizeof (size_t));
  size_t first = gsl_rng_uniform_int (rng, n);
  memcpy (means, data->x + first * d, d * sizeof (double));
  for (size_t r = 0; r < n; r++)
    dist[r] = INFINITY;
  for (size_t c = 1; c < k; c++)
    {
      double total = 0;
      for (size_t r = 0; r < n; r++)
        {
          double s = 0;
          for (size_t i = 0; i < d; i++)
            s += pow (data->x[r * d + i] - means[(c - 1) * d + i], 2);
          dist[r] = fmin (dist[r], s);
          total += dist[r];
        }
      for (size_t t = 0; t < trials; t++)
        {
          double target = gsl_rng_uniform (rng) * total, run = 0;
          if (!(total > 0))
            {
              /* Every point on a mean: a row drawn uniformly.  */
              cand[t] = gsl_rng_uniform_int (rng, n);
              continue;
            }
          cand[t] = n - 1;
          for (size_t r = 0; r < n; r++)
            if ((run += dist[r]) > target && dist[r] > 0)
              {
                cand[t] = r;
                break;
              }
        }
      size_t best = cand[0];
      double least = INFINITY;
      for (size_t t = 0; t < trials && trials > 1; t++)
        {
          double pot = 0;
          for (size_t r = 0; r < n; r++)
            {
              double s = 0;
              for (size_t i = 0; i < d; i++)
                s += pow (data->x[r * d + i] - data->x[cand[t] * d + i], 2);
              pot += fmin (dist[r], s);
            }
          if (pot < least)
            {
              least = pot;
              best = cand[t];
            }
        }
      memcpy (means + c * d, data->x + best * d, d * sizeof (double));
    }
  free (cand);
  free (dist);
  gsl_rng_free (rng);
}

/* The seeds of --init=kmeans++ (one candidate a step) and of
   --init=kmeans (2 + floor(ln K) candidates, as scikit-learn's KMeans
   draws them), row for row those of the plain loop above.  With
   DISTINCT > 0 the points take only that many values, fewer than K:
   the last seeds are drawn where every distance is 0.  */
static void
test_seeding (gsl_rng *rng, size_t n, size_t d, size_t k, size_t distinct)
{
  vbgmm_data *data = make_data (rng, n, d, 4, 0);
  for (size_t r = distinct; r < n && distinct; r++)
    memcpy (data->x + r * d, data->x + (r % distinct) * d,
            d * sizeof (double));
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = k;
  double *got = malloc (k * d * sizeof (double));
  double *want = malloc (k * d * sizeof (double));
  for (unsigned long seed = 0; seed < 3; seed++)
    for (int greedy = 0; greedy <= 1; greedy++)
      {
        size_t trials = greedy ? 2 + (size_t) log ((double) k) : 1;
        opt.init = greedy ? VBGMM_INIT_KMEANS : VBGMM_INIT_KMEANSPP;
        opt.seed = seed;
        int status = vbgmm_init_means (data, &opt, got, NULL);
        plain_kmeanspp (data, k, seed, trials, want);
        gsl_test (status != 0
                  || memcmp (got, want, k * d * sizeof (double)) != 0,
                  "k-means++ seeds, N = %zu D = %zu K = %zu (%zu distinct) "
                  "seed %lu, %zu candidates a step: the plain loop's rows",
                  n, d, k, distinct ? distinct : n, seed, trials);
      }
  free (got);
  free (want);
  vbgmm_data_free (data);
}

/* The M-step of PRML 10.51-10.63 for weights R (n * k) of the rows.  */
static vbgmm_model *
plain_m_step (const vbgmm_data *data, const vbgmm_prior *pr, const double *R,
              size_t k)
{
  const size_t n = data->n, d = data->d;
  vbgmm_model *m = vbgmm_model_alloc (k, d, 1);
  gsl_matrix *A = gsl_matrix_alloc (d, d), *Ai = gsl_matrix_alloc (d, d);
  gsl_matrix *W0 = gsl_matrix_alloc (d, d), *W0i = gsl_matrix_alloc (d, d);
  gsl_permutation *perm = gsl_permutation_alloc (d);
  int sgn;
  memcpy (W0->data, pr->W0, d * d * sizeof (double));
  gsl_linalg_LU_decomp (W0, perm, &sgn);
  gsl_linalg_LU_invert (W0, perm, W0i);
  double *xbar = malloc (d * sizeof (double));
  for (size_t c = 0; c < k; c++)
    {
      double Nk = 0;
      memset (xbar, 0, d * sizeof (double));
      for (size_t r = 0; r < n; r++)
        {
          Nk += R[r * k + c];
          for (size_t i = 0; i < d; i++)
            xbar[i] += R[r * k + c] * data->x[r * d + i];
        }
      for (size_t i = 0; i < d; i++)
        xbar[i] = Nk > 0 ? xbar[i] / Nk : 0;
      m->N[c] = Nk;
      m->alpha[c] = pr->alpha0 + Nk;                       /* 10.58 */
      m->beta[c] = pr->beta0 + Nk;                         /* 10.60 */
      m->nu[c] = pr->nu0 + Nk;                             /* 10.63 */
      for (size_t i = 0; i < d; i++)                       /* 10.61 */
        m->m[c * d + i] = (pr->beta0 * pr->m0[i] + Nk * xbar[i]) / m->beta[c];
      for (size_t i = 0; i < d; i++)                       /* 10.62 */
        for (size_t j = 0; j < d; j++)
          {
            double NS = 0;                                 /* 10.53 */
            for (size_t r = 0; r < n; r++)
              NS += R[r * k + c] * (data->x[r * d + i] - xbar[i])
                    * (data->x[r * d + j] - xbar[j]);
            double v = gsl_matrix_get (W0i, i, j) + NS;
            if (Nk > 0)
              v += pr->beta0 * Nk / (pr->beta0 + Nk) * (xbar[i] - pr->m0[i])
                   * (xbar[j] - pr->m0[j]);
            gsl_matrix_set (A, i, j, v);
          }
      gsl_linalg_LU_decomp (A, perm, &sgn);
      gsl_linalg_LU_invert (A, perm, Ai);
      memcpy (m->W + c * d * d, Ai->data, d * d * sizeof (double));
    }
  free (xbar);
  gsl_matrix_free (A);
  gsl_matrix_free (Ai);
  gsl_matrix_free (W0);
  gsl_matrix_free (W0i);
  gsl_permutation_free (perm);
  return m;
}

static double
rel (double got, double want)
{
  return fabs (got - want) / fmax (fabs (want), 1e-300);
}

/* The largest relative difference over the parameters of two models
   (W over its largest entry).  */
static double
model_diff (const vbgmm_model *a, const vbgmm_model *b)
{
  const size_t k = a->k, d = a->d;
  double worst = 0;
  for (size_t c = 0; c < k; c++)
    {
      worst = fmax (worst, rel (a->alpha[c], b->alpha[c]));
      worst = fmax (worst, rel (a->beta[c], b->beta[c]));
      worst = fmax (worst, rel (a->nu[c], b->nu[c]));
      for (size_t i = 0; i < d; i++)
        worst = fmax (worst, fabs (a->m[c * d + i] - b->m[c * d + i])
                             / (1 + fabs (b->m[c * d + i])));
      double scale = 0;
      for (size_t i = 0; i < d * d; i++)
        scale = fmax (scale, fabs (b->W[c * d * d + i]));
      for (size_t i = 0; i < d * d; i++)
        worst = fmax (worst, fabs (a->W[c * d * d + i] - b->W[c * d * d + i])
                             / scale);
    }
  return worst;
}

static vbgmm_prior *
make_prior (const vbgmm_data *data)
{
  const size_t d = data->d;
  vbgmm_prior *pr = vbgmm_prior_alloc (d);
  pr->alpha0 = 0.01;
  pr->beta0 = 0.5;
  pr->nu0 = d + 0.5;
  for (size_t i = 0; i < d; i++)
    {
      pr->m0[i] = data->x[i] + 0.25;
      for (size_t j = 0; j < d; j++)
        pr->W0[i * d + j] = (i == j ? 0.5 : 0.1) / d;
    }
  return pr;
}

/* MODEL's means and precisions in the data's units.  */
static void
to_data_units (vbgmm_model *m)
{
  const size_t k = m->k, d = m->d;
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < d; i++)
      {
        m->m[c * d + i] = ldexp (m->m[c * d + i], m->units[i]);
        for (size_t j = 0; j < d; j++)
          m->W[(c * d + i) * d + j] = ldexp (m->W[(c * d + i) * d + j],
                                             -m->units[i] - m->units[j]);
      }
}

/* The start state of OPT against the M-step of R, and free both.  */
static void
check_start (const vbgmm_data *data, const vbgmm_prior *pr,
             const vbgmm_options *opt, const double *R, const char *what)
{
  vbgmm_error err;
  vbgmm_model *want = plain_m_step (data, pr, R, opt->k);
  vbgmm_model *got = vbgmm_fit_start (data, pr, opt, &err);
  if (got)
    to_data_units (got);
  double diff = got ? model_diff (got, want) : INFINITY;
  gsl_test (!(diff < 1e-10), "start from %s N = %zu D = %zu K = %zu: the "
            "M-step of 10.51-10.63, to %.2g", what, data->n, data->d, opt->k,
            diff);
  vbgmm_model_free (want);
  vbgmm_model_free (got);
}

static void
test_start (gsl_rng *rng, size_t n, size_t d, size_t k, double offset)
{
  vbgmm_data *data = make_data (rng, n, d, 3, offset);
  vbgmm_prior *pr = make_prior (data);
  size_t *labels = malloc (n * sizeof (size_t));
  double *R = calloc (n * k, sizeof (double));
  /* Component 1 gets no point: the prior's own posterior.  */
  for (size_t r = 0; r < n; r++)
    {
      labels[r] = r % 3 == 1 ? k - 1 : (r % 3 == 2 ? 0 : 2 % k);
      R[r * k + labels[r]] = 1;
    }
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = k;
  opt.init = VBGMM_INIT_LABELS;
  opt.init_labels = labels;
  check_start (data, pr, &opt, R, "labels");

  /* Soft responsibilities.  */
  for (size_t r = 0; r < n; r++)
    {
      double s = 0;
      for (size_t c = 0; c < k; c++)
        s += R[r * k + c] = c == 1 ? 0 : gsl_rng_uniform_pos (rng);
      for (size_t c = 0; c < k; c++)
        R[r * k + c] /= s;
    }
  opt.init = VBGMM_INIT_RESP;
  opt.init_resp = R;
  check_start (data, pr, &opt, R, "responsibilities");

  /* k-means: the labels of Lloyd from the greedy k-means++ seeds, on the
     data in its own units (times 2^-max e, which changes no choice):
     the fit's k-means weighs its columns x_i 2^-e_i so.  */
  opt.init = VBGMM_INIT_KMEANS;
  opt.seed = 7;
  double *means = malloc (k * d * sizeof (double));
  int *units = malloc (d * sizeof (int));
  vbgmm_data *scaled = vbgmm_data_alloc (n, d);
  vbgmm_error err;
  double *spread = malloc (d * sizeof (double));
  vbgmm_data_units_spread (data, NULL, NULL, units, spread, &err);
  int emax = units[0];
  for (size_t i = 1; i < d; i++)
    emax = units[i] > emax ? units[i] : emax;
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      scaled->x[r * d + i] = ldexp (data->x[r * d + i], -emax);
  free (spread);
  vbgmm_init_means (scaled, &opt, means, NULL);
  plain_lloyd (scaled, k, means, labels, 300);
  vbgmm_data_free (scaled);
  free (units);
  memset (R, 0, n * k * sizeof (double));
  for (size_t r = 0; r < n; r++)
    R[r * k + labels[r]] = 1;
  check_start (data, pr, &opt, R, "k-means");
  free (means);
  free (labels);
  free (R);
  vbgmm_prior_free (pr);
  vbgmm_data_free (data);
}

/* vbgmm_init_means of the starts that are no means: for labels and
   responsibilities the means of the points each component holds (the
   mean of all for a component that holds none), for a model its means
   in the data's units; against sums written out here.  */
static void
test_init_means_assigned (gsl_rng *rng)
{
  const size_t n = 50, d = 2, k = 3;
  vbgmm_data *data = make_data (rng, n, d, 2, 5);
  size_t labels[50];
  double R[50 * 3], means[3 * 2], want[3 * 2];
  for (size_t r = 0; r < n; r++)
    {
      labels[r] = r % 3 == 0 ? 2 : 0;   /* component 1 holds none */
      R[r * k] = 0.25;
      R[r * k + 1] = r % 2 ? 0.75 : 0;
      R[r * k + 2] = r % 2 ? 0 : 0.75;
    }
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = k;
  for (int how = 0; how < 3; how++)
    {
      vbgmm_model *m = NULL;
      if (how == 2)
        {
          m = vbgmm_model_alloc (k, d, 1);
          m->units[0] = 3;
          m->units[1] = -2;
          for (size_t i = 0; i < k * d; i++)
            {
              m->m[i] = 0.5 + i;
              want[i] = ldexp (m->m[i], m->units[i % d]);
            }
        }
      else
        for (size_t c = 0; c < k; c++)
          {
            double N = 0, all = 0;
            for (size_t i = 0; i < d; i++)
              {
                double sx = 0, sall = 0;
                N = all = 0;
                for (size_t r = 0; r < n; r++)
                  {
                    double w = how == 0 ? labels[r] == c : R[r * k + c];
                    N += w;
                    sx += w * data->x[r * d + i];
                    all += 1;
                    sall += data->x[r * d + i];
                  }
                want[c * d + i] = N > 0 ? sx / N : sall / all;
              }
          }
      opt.init = how == 0 ? VBGMM_INIT_LABELS : how == 1 ? VBGMM_INIT_RESP
                 : VBGMM_INIT_MODEL;
      opt.init_labels = labels;
      opt.init_resp = R;
      opt.init_model = m;
      vbgmm_error err = { 0 };
      int status = vbgmm_init_means (data, &opt, means, &err);
      double worst = status ? INFINITY : 0;
      for (size_t i = 0; !status && i < k * d; i++)
        worst = fmax (worst, fabs (means[i] - want[i]) / fabs (want[i]));
      gsl_test (!(worst <= 1e-14), "initial means of %s: the start's "
                "(status %d, worst %g: %s)", how == 0 ? "labels" : how == 1
                ? "responsibilities" : "a model", status, worst,
                err.message);
      vbgmm_model_free (m);
    }
  vbgmm_data_free (data);
}

/* Initial responsibilities that are not (a number below 0, above 1,
   NaN or infinite; a row whose sum is more than VBGMM_RESP_TOL from 1)
   are refused by vbgmm_fit with VBGMM_EDATA naming the row; a row off
   1 by less is taken.  */
static void
test_bad_resp (gsl_rng *rng)
{
  const size_t n = 30, k = 2;
  vbgmm_data *data = make_data (rng, n, 2, k, 0);
  vbgmm_prior *pr = make_prior (data);
  double *R = malloc (n * k * sizeof (double));
  static const double bad[][2] = { { -0.5, 1.5 }, { 0.5, NAN },
                                   { INFINITY, 0 }, { 0.5, 0.4 },
                                   { 0.5, 0.5 + 2 * VBGMM_RESP_TOL },
                                   { 0.5, 0.5 + VBGMM_RESP_TOL / 2 } };
  static const char *const why[] = {
    "initial responsibilities: row 7: -0.5 is not from 0 to 1",
    "initial responsibilities: row 7: nan is not from 0 to 1",
    "initial responsibilities: row 7: inf is not from 0 to 1",
    "initial responsibilities: row 7: the sum 0.90000000000000002 is not "
    "1 (to 1e-06)",
    "initial responsibilities: row 7: the sum 1.0000019999999998 is not 1 "
    "(to 1e-06)",
    NULL };
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = k;
  opt.threads = 1;
  opt.max_iter = 5;
  opt.init = VBGMM_INIT_RESP;
  opt.init_resp = R;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      for (size_t r = 0; r < n; r++)
        {
          R[r * k] = r % 2;
          R[r * k + 1] = 1 - R[r * k];
        }
      R[6 * k] = bad[i][0];
      R[6 * k + 1] = bad[i][1];
      vbgmm_error err = { 0 };
      vbgmm_model *m = vbgmm_fit (data, pr, &opt, &err);
      if (why[i])
        gsl_test (m || err.status != VBGMM_EDATA
                  || strcmp (err.message, why[i]) != 0,
                  "initial responsibilities %g, %g refused (status %d: %s)",
                  bad[i][0], bad[i][1], err.status, err.message);
      else
        gsl_test (!m, "initial responsibilities %g, %g taken (%s)",
                  bad[i][0], bad[i][1], err.message);
      vbgmm_model_free (m);
    }
  free (R);
  vbgmm_prior_free (pr);
  vbgmm_data_free (data);
}

/* Options the fit cannot run with are refused by vbgmm_options_check
   and by vbgmm_fit: k-means with no Lloyd iteration (which would leave
   every label unset), accelerate and delete_moves beyond their values,
   data with no points.  */
static void
test_options (gsl_rng *rng)
{
  vbgmm_data *data = make_data (rng, 60, 2, 3, 0);
  vbgmm_data *none = vbgmm_data_alloc (0, 2);
  vbgmm_prior *pr = make_prior (data);
  double means[3 * 2] = { 0, 0, 1, 1, 2, 2 };
  vbgmm_options opt, bad;
  vbgmm_options_default (&opt);
  opt.k = 3;
  opt.threads = 1;
  for (int i = 0; i < 6; i++)
    {
      bad = opt;
      const vbgmm_data *x = data;
      const char *what[] = { "k-means with kmeans_max_iter 0",
                             "accelerate 2", "accelerate -2",
                             "delete_moves 2", "delete_moves -1",
                             "data of no points" };
      switch (i)
        {
        case 0:
          bad.init = VBGMM_INIT_KMEANS;
          bad.kmeans_max_iter = 0;
          break;
        case 1:
        case 2:
          bad.accelerate = i == 1 ? 2 : -2;
          break;
        case 3:
        case 4:
          bad.delete_moves = i == 3 ? 2 : -1;
          break;
        default:
          bad.init = VBGMM_INIT_MEANS;
          bad.init_means = means;
          x = none;
        }
      vbgmm_error err = { 0 };
      const char *why = vbgmm_options_check (&bad, x);
      gsl_test (!why, "%s: vbgmm_options_check refuses it", what[i]);
      vbgmm_model *m = vbgmm_fit (x, pr, &bad, &err);
      gsl_test (m || err.status != VBGMM_EINVAL, "%s: vbgmm_fit refuses "
                "it (status %d: %s)", what[i], err.status, err.message);
      vbgmm_model_free (m);
    }
  /* 0 threads is a number of threads: all cores.  */
  bad = opt;
  bad.threads = -1;
  const char *why = vbgmm_options_check (&bad, data);
  gsl_test_str (why ? why : "", "the number of threads must be 0 (all "
                "cores) or more", "threads -1 refused");
  opt.init = VBGMM_INIT_KMEANS;
  opt.kmeans_max_iter = 1;
  gsl_test (vbgmm_options_check (&opt, data) != NULL,
            "k-means with kmeans_max_iter 1 is an option");
  vbgmm_prior_free (pr);
  vbgmm_data_free (none);
  vbgmm_data_free (data);
}

/* The distances taken VBGMM_KM_LANES points at a time (vectors of
   eight doubles, where the machine has them) and one at a time
   (VBGMM_KERNEL=generic) are the same numbers: Lloyd's labels,
   iterations and means and the greedy seeds the same bits, with a
   metric and factors S as the fit passes them, for N that leave
   remainders of every size.  */
static void
test_lanes (gsl_rng *rng, size_t n, size_t d, size_t k)
{
  vbgmm_data *data = make_data (rng, n, d, 4, 10);
  double *metric = malloc (d * sizeof (double));
  double *scale = malloc (d * sizeof (double));
  int *units = malloc (d * sizeof (int));
  double *shift = calloc (d, sizeof (double));
  for (size_t i = 0; i < d; i++)
    {
      metric[i] = 0.1 + gsl_rng_uniform (rng);
      units[i] = (int) (i % 3) - 1;
      scale[i] = ldexp (1, -units[i]);
      shift[i] = scale[i] * data->x[i];
    }
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = k;
  opt.init = VBGMM_INIT_KMEANS;
  opt.seed = 3;
  double *means[2];
  size_t *lab[2], it[2];
  int status[2];
  const char *kernel[2] = { "generic", "" };
  for (int v = 0; v < 2; v++)
    {
      setenv ("VBGMM_KERNEL", kernel[v], 1);
      means[v] = malloc (k * d * sizeof (double));
      lab[v] = malloc (n * sizeof (size_t));
      status[v] = vbgmm_init_means_units (data, &opt, units, metric,
                                          means[v], NULL)
                  || vbgmm_kmeans_lloyd (data, NULL, 2, k, scale, metric,
                                         shift, 300, means[v], lab[v],
                                         it + v, NULL);
    }
  unsetenv ("VBGMM_KERNEL");
  /* And each distance that of the loop of one point, to the bit.  */
  double *xt = malloc (d * VBGMM_KM_LANES * sizeof (double));
  double d2[VBGMM_KM_LANES];
  int bits = 0;
  vbgmm_km_load (data->x, VBGMM_KM_LANES, d, scale, xt);
  vbgmm_km_dist (vbgmm_km_lanes (), xt, d, means[1], metric, d2);
  for (size_t b = 0; b < VBGMM_KM_LANES; b++)
    {
      double acc = 0;
      for (size_t i = 0; i < d; i++)
        {
          double v = data->x[b * d + i] * scale[i] - means[1][i];
          acc += metric[i] * v * v;
        }
      bits |= memcmp (&acc, d2 + b, sizeof acc) != 0;
    }
  free (xt);
  gsl_test (bits, "k-means D = %zu: the distances of a vector of points "
            "are those of one point at a time, to the bit", d);
  gsl_test (status[0] || status[1] || it[0] != it[1]
            || memcmp (lab[0], lab[1], n * sizeof (size_t)) != 0
            || memcmp (means[0], means[1], k * d * sizeof (double)) != 0,
            "k-means N = %zu D = %zu K = %zu with a metric, by vectors of "
            "points and one by one: the same seeds, labels, %zu and %zu "
            "iterations, means", n, d, k, it[0], it[1]);
  for (int v = 0; v < 2; v++)
    {
      free (means[v]);
      free (lab[v]);
    }
  free (metric);
  free (scale);
  free (units);
  free (shift);
  vbgmm_data_free (data);
}

int
main (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  test_lloyd (rng, 50, 1, 3, 0);
  test_lloyd (rng, 300, 2, 4, 0);
  test_lloyd (rng, 5000, 3, 5, 1e5);
  test_lloyd (rng, 2500, 7, 6, 0);
  test_seeding (rng, 400, 1, 5, 0);
  test_seeding (rng, 1000, 3, 10, 0);
  test_seeding (rng, 300, 7, 24, 0);
  test_seeding (rng, 60, 2, 7, 3);
  for (size_t n = 57; n <= 64; n++)
    test_lanes (rng, n, 3, 4);
  test_lanes (rng, 2001, 9, 7);
  test_lanes (rng, 700, 64, 10);
  test_start (rng, 60, 1, 3, 0);
  test_start (rng, 300, 2, 4, 0);
  test_start (rng, 2000, 3, 3, 1e3);
  test_start (rng, 500, 5, 4, 0);
  test_options (rng);
  test_bad_resp (rng);
  test_init_means_assigned (rng);
  gsl_rng_free (rng);
  exit (gsl_test_summary ());
}
