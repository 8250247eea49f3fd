/* test_pass.c -- one pass over the data against the formulas, point by point

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

/* The kernel computes ln rho (10.46) and the statistics (10.51-10.53)
   as products with the features of the points, in an order of its own,
   in tiles, for three widths of vectors.  Here the same numbers come
   from the textbook formulas, one point and one component at a time,
   for every D from 1 to 17 (whole vectors, parts of vectors, more than
   two), 33 and 40 (diag, spherical), and several K, with each kernel.
   The pieces of the prior and the bound that the diagonal forms take
   from a diagonal alone are checked against the whole sums.  */

#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_test.h>

#include "covariance.h"
#include "responsibility.h"
#include "small_stack.h"
#include "vbgmm.h"

/* 300 rows: two whole blocks of the kernel and part of a third.  */
#define ROWS 300

/* A model of the form FORM with parameters drawn from RNG.  */
static vbgmm_model *
random_model (gsl_rng *rng, const vbgmm_data *data, size_t k,
              const char *form)
{
  const size_t d = data->d;
  vbgmm_model *m = vbgmm_model_alloc (k, d, 1);
  m->covariance = vbgmm_covariance_lookup (form);
  for (size_t i = 0; i < d; i++)
    {
      double s = 0;
      for (size_t n = 0; n < data->n; n++)
        s += data->x[n * d + i];
      m->shift[i] = s / data->n;
    }
  for (size_t c = 0; c < k; c++)
    {
      m->alpha[c] = 1 + 9 * gsl_rng_uniform (rng);
      m->beta[c] = 1 + 4 * gsl_rng_uniform (rng);
      m->nu[c] = d + 1 + 5 * gsl_rng_uniform (rng);
      for (size_t i = 0; i < d; i++)
        m->m[c * d + i] = m->shift[i] + 2 * gsl_rng_uniform (rng) - 1;
      /* W = (A A' + d I) / (d nu): E[Lambda] = nu W near the identity.  */
      double *A = malloc (d * d * sizeof (double));
      for (size_t i = 0; i < d * d; i++)
        A[i] = gsl_rng_uniform (rng) - 0.5;
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          {
            double s = i == j ? d : 0;
            for (size_t l = 0; l < d; l++)
              s += A[i * d + l] * A[j * d + l];
            m->W[c * d * d + i * d + j] = s / (d * m->nu[c]);
          }
      free (A);
      /* diag keeps the diagonal, spherical its first number, tied
         the first component's W and nu.  */
      double *W = m->W + c * d * d;
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          if (strcmp (form, "diag") == 0 && i != j)
            W[i * d + j] = 0;
          else if (strcmp (form, "spherical") == 0)
            W[i * d + j] = i == j ? m->W[c * d * d] : 0;
          else if (strcmp (form, "tied") == 0)
            {
              W[i * d + j] = m->W[i * d + j];
              m->nu[c] = m->nu[0];
            }
    }
  return m;
}

/* ln rho_nk by 10.46, 10.64-10.66 with (x - m)' W (x - m) summed in full,
   ln |W| from GSL's Cholesky factor; in long double, whose range holds
   the quadratic forms of points 1e200 away (x86: to 1e4932).  With one
   W for all (tied), x'W x is the same for every k and is left out:
   -2 m'W x + m'W m, which cancels nothing for a far x.  */
static void
ln_rho (const vbgmm_model *m, const double *x, long double *lr)
{
  const size_t k = m->k, d = m->d;
  const int tied = m->covariance == vbgmm_covariance_lookup ("tied");
  double asum = 0;
  for (size_t c = 0; c < k; c++)
    asum += m->alpha[c];
  gsl_matrix *L = gsl_matrix_alloc (d, d);
  for (size_t c = 0; c < k; c++)
    {
      const double *W = m->W + c * d * d, *mu = m->m + c * d;
      memcpy (L->data, W, d * d * sizeof (double));
      gsl_linalg_cholesky_decomp1 (L);
      /* Independent Gammas (diag, spherical): psi(nu/2) for each.  */
      int gammas = m->covariance == vbgmm_covariance_lookup ("diag")
                   || m->covariance == vbgmm_covariance_lookup ("spherical");
      double ln_det = 0, e_ln_det = d * M_LN2;
      long double q = 0;
      for (size_t i = 0; i < d; i++)
        {
          ln_det += 2 * log (gsl_matrix_get (L, i, i));
          e_ln_det += gsl_sf_psi ((m->nu[c] - (gammas ? 0 : i)) / 2);
          for (size_t j = 0; j < d; j++)
            q += tied ? ((long double) mu[i] - 2.0L * x[i]) * W[i * d + j] * mu[j]
                 : ((long double) x[i] - mu[i]) * W[i * d + j]
                   * ((long double) x[j] - mu[j]);
        }
      e_ln_det += ln_det;
      lr[c] = gsl_sf_psi (m->alpha[c]) - gsl_sf_psi (asum)
              + 0.5 * e_ln_det - 0.5 * d * log (2 * M_PI)
              - 0.5 * d / m->beta[c] - 0.5L * m->nu[c] * q;
    }
  gsl_matrix_free (L);
}

/* r_nk (10.49) from ln rho_nk, as a reader would write it.  */
static void
softmax (const long double *lr, size_t k, double *r)
{
  long double mx = lr[0], s = 0;
  for (size_t c = 1; c < k; c++)
    mx = GSL_MAX (mx, lr[c]);
  for (size_t c = 0; c < k; c++)
    s += expl (lr[c] - mx);
  for (size_t c = 0; c < k; c++)
    r[c] = expl (lr[c] - mx) / s;
}

/* The statistics by the formulas, with beside each the sum of the
   magnitudes of its terms, the scale its rounding is measured on.  */
static void
naive_pass (const vbgmm_model *m, const vbgmm_data *data, size_t p,
            size_t len, double *st, double *mag)
{
  const size_t k = m->k, d = m->d;
  long double *lr = malloc (k * sizeof (long double));
  double *r = malloc (k * sizeof (double));
  double *y = malloc (d * sizeof (double));
  memset (st, 0, len * sizeof (double));
  memset (mag, 0, len * sizeof (double));
  for (size_t n = 0; n < data->n; n++)
    {
      const double *x = data->x + n * d;
      ln_rho (m, x, lr);
      softmax (lr, k, r);
      for (size_t i = 0; i < d; i++)
        y[i] = x[i] - m->shift[i];
      for (size_t c = 0; c < k; c++)
        {
          double *N = &VBGMM_STATS_N (st, c, p), *sy = VBGMM_STATS_SY (st, c, p);
          double *syy = VBGMM_STATS_SQ (st, c, p, d);
          double *aN = &VBGMM_STATS_N (mag, c, p), *asy = VBGMM_STATS_SY (mag, c, p);
          double *asyy = VBGMM_STATS_SQ (mag, c, p, d);
          *N += r[c];
          *aN += r[c];
          for (size_t i = 0; i < d; i++)
            {
              sy[i] += r[c] * y[i];
              asy[i] += fabs (r[c] * y[i]);
              /* The quadratic features: all products (full), the
                 squares (diag), their sum (spherical), none (tied).  */
              if (p == d + d * (d + 1) / 2)
                for (size_t j = 0; j <= i; j++)
                  {
                    syy[i * (i + 1) / 2 + j] += r[c] * y[i] * y[j];
                    asyy[i * (i + 1) / 2 + j] += fabs (r[c] * y[i] * y[j]);
                  }
              else if (p == 2 * d)
                {
                  syy[i] += r[c] * y[i] * y[i];
                  asyy[i] += r[c] * y[i] * y[i];
                }
              else if (p == d + 1)
                {
                  syy[0] += r[c] * y[i] * y[i];
                  asyy[0] += r[c] * y[i] * y[i];
                }
            }
          double t = r[c] > 0 ? r[c] * log (r[c]) : 0;
          *VBGMM_STATS_RLNR (st, k, p) += t;
          *VBGMM_STATS_RLNR (mag, k, p) += fabs (t);
        }
    }
  free (lr);
  free (r);
  free (y);
}

struct collect
{
  double *r;
  size_t at;
};

static int
collect (const double *r, size_t rows, size_t k, void *arg)
{
  struct collect *c = arg;
  memcpy (c->r + c->at, r, rows * k * sizeof (double));
  c->at += rows * k;
  return 0;
}

static void
test_one (gsl_rng *rng, const char *kernel, const char *form, size_t d,
          size_t k)
{
  vbgmm_data *data = vbgmm_data_alloc (ROWS, d);
  for (size_t i = 0; i < ROWS * d; i++)
    data->x[i] = 100 + 3 * gsl_rng_uniform (rng);
  vbgmm_model *m = random_model (rng, data, k, form);
  /* Every third component holds points, the others are emptied (N_k
     the floor): of those, one in two has alpha = 1e-3, whose r_nk are
     all below the cut, and the pass may leave it out; the others have
     r_nk far above it and must be computed all the same.  */
  for (size_t c = 0; c < k; c++)
    {
      m->N[c] = c % 3 == 0 ? 5 : VBGMM_N_FLOOR;
      if (c % 3 == 1)
        m->alpha[c] = 1e-3;
    }
  vbgmm_estep *es = vbgmm_estep_alloc (k, d, vbgmm_covariance_lookup (form)->quad);
  vbgmm_error err;
  const size_t len = vbgmm_stats_size (es);
  double *st = malloc (len * sizeof (double));
  double *ref = malloc (len * sizeof (double));
  double *mag = malloc (len * sizeof (double));

  int bad = vbgmm_estep_prepare (es, m, &err)
            || vbgmm_pass (es, data, 1, st, &err);
  gsl_test (bad, "%s %s D = %zu K = %zu: the pass runs", kernel, form, d, k);
  naive_pass (m, data, es->p, len, ref, mag);

  /* The same pass computing every component: the same bits.  */
  double *all = malloc (len * sizeof (double));
  es->skip = 0;
  int bad_all = vbgmm_estep_prepare (es, m, &err)
                || vbgmm_pass (es, data, 1, all, &err);
  gsl_test (bad_all || es->na != k || memcmp (all, st, len * sizeof (double)),
            "%s %s D = %zu K = %zu: the same statistics computing every "
            "component", kernel, form, d, k);
  es->skip = 1;
  bad = bad || vbgmm_estep_prepare (es, m, &err);
  gsl_test (bad || es->na != (k + 2) / 3,
            "%s %s D = %zu K = %zu: the emptied components are put last",
            kernel, form, d, k);
  free (all);
  double worst = 0;
  size_t at = 0;
  for (size_t i = 0; !bad && i < len; i++)
    {
      /* With K = 1, sum r ln r is 0, and so are its terms.  */
      double e = fabs (st[i] - ref[i]) / (mag[i] > 0 ? mag[i] : 1);
      if (!(e <= worst))
        {
          worst = e;
          at = i;
        }
    }
  /* ln rho sums some 2D terms, and r_nk takes their rounding: the
     bound grows with D past 16.  */
  double tol = 1e-13 * GSL_MAX (1.0, d / 16.0);
  gsl_test (bad || !(worst < tol),
            "%s %s D = %zu K = %zu: statistics as by the formulas "
            "(worst %.2g of the scale, at %zu of %zu)",
            kernel, form, d, k, worst, at, len);

  /* The responsibilities themselves, as z.csv gets them.  */
  struct collect c = { malloc (ROWS * k * sizeof (double)), 0 };
  bad = vbgmm_responsibilities (m, data, 1, collect, &c, &err);
  long double *lr = malloc (k * sizeof (long double));
  double *r = malloc (k * sizeof (double)), rworst = 0;
  for (size_t n = 0; !bad && n < ROWS; n++)
    {
      ln_rho (m, data->x + n * d, lr);
      softmax (lr, k, r);
      for (size_t j = 0; j < k; j++)
        rworst = GSL_MAX (rworst, fabs (c.r[n * k + j] - r[j]));
    }
  gsl_test (bad || c.at != ROWS * k || !(rworst < 1e-12),
            "%s %s D = %zu K = %zu: responsibilities as by the formulas "
            "(worst %.2g)", kernel, form, d, k, rworst);

  free (lr);
  free (r);
  free (c.r);
  free (st);
  free (ref);
  free (mag);
  vbgmm_estep_free (es);
  vbgmm_model_free (m);
  vbgmm_data_free (data);
}

/* Points so far from every component that ln rho_nk overflow in the
   kernel's sums (1e150 to 1e308 away): responsibilities as the
   formulas give them in long double, not NaN.  */
static void
test_far (gsl_rng *rng, const char *kernel, const char *form, size_t d,
          size_t k)
{
  static const double far[] = { 1e200, -1e160, 1.7e308, 3e155, -1e300 };
  const size_t rows = 5 * d;
  vbgmm_data *data = vbgmm_data_alloc (rows, d);
  for (size_t i = 0; i < rows * d; i++)
    data->x[i] = 100 + 3 * gsl_rng_uniform (rng);
  vbgmm_model *m = random_model (rng, data, k, form);
  /* Point n far along coordinate n % d (and near in the others).  */
  for (size_t n = 0; n < rows; n++)
    data->x[n * d + n % d] = far[n / d];
  struct collect c = { malloc (rows * k * sizeof (double)), 0 };
  vbgmm_error err;
  int bad = vbgmm_responsibilities (m, data, 1, collect, &c, &err);
  long double *lr = malloc (k * sizeof (long double));
  double *r = malloc (k * sizeof (double)), rworst = 0;
  for (size_t n = 0; !bad && n < rows; n++)
    {
      ln_rho (m, data->x + n * d, lr);
      softmax (lr, k, r);
      for (size_t j = 0; j < k; j++)
        rworst = GSL_MAX (rworst, fabs (c.r[n * k + j] - r[j]));
      for (size_t j = 0; j < k; j++)
        if (!isfinite (c.r[n * k + j]))
          rworst = INFINITY;
    }
  gsl_test (bad || !(rworst < 1e-12),
            "%s %s D = %zu K = %zu: responsibilities of far points as by "
            "the formulas (worst %.2g)", kernel, form, d, k, rworst);
  free (lr);
  free (r);
  free (c.r);
  vbgmm_model_free (m);
  vbgmm_data_free (data);
}

/* A point far from K = 64K equal components (1e300 away: ln rho_nk
   overflow), its responsibilities made again one by one, on a thread
   of a small stack (small_stack.h): 1/K each.  */
struct far_many
{
  size_t k;
  int status;
  double worst;
};

static void
far_many_run (void *arg)
{
  struct far_many *f = arg;
  const size_t k = f->k;
  vbgmm_model *m = vbgmm_model_alloc (k, 1, 1);
  vbgmm_data *data = vbgmm_data_alloc (2, 1);
  struct collect c = { malloc (2 * k * sizeof (double)), 0 };
  data->x[0] = 1e300;
  data->x[1] = -1e300;
  for (size_t j = 0; j < k; j++)
    {
      m->alpha[j] = m->beta[j] = m->W[j] = 1;
      m->nu[j] = 2;
    }
  vbgmm_error err;
  f->status = vbgmm_responsibilities (m, data, 1, collect, &c, &err);
  f->worst = f->status ? INFINITY : 0;
  for (size_t i = 0; !f->status && i < 2 * k; i++)
    {
      double e = fabs (c.r[i] * k - 1);
      f->worst = e > f->worst || isnan (e) ? e : f->worst;
    }
  free (c.r);
  vbgmm_data_free (data);
  vbgmm_model_free (m);
}

static void
test_far_many (const char *pass)
{
  setenv ("VBGMM_PASS", pass, 1);
  struct far_many f = { 65536, -1, INFINITY };
  gsl_test (on_small_stack (far_many_run, &f), "a thread of a small stack");
  gsl_test (f.status || !(f.worst < 1e-12), "%s pass: far points under "
            "K = %zu equal components: r = 1/K (status %d, worst %g)",
            pass, f.k, f.status, f.worst);
  unsetenv ("VBGMM_PASS");
}

/* The variances alone (the diag and spherical forms' prior) are the
   diagonal of the covariance in any units: bit for bit below 32
   dimensions, where both are the same sums in the same order, and to
   rounding from there on, where the covariance is summed on the
   tiles.  */
static void
test_variances (gsl_rng *rng, size_t n, size_t d)
{
  vbgmm_data *data = vbgmm_data_alloc (n, d);
  int *units = malloc (d * sizeof (int));
  for (size_t i = 0; i < d; i++)
    units[i] = (int) (i % 7) - 3;
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      data->x[r * d + i] = ldexp (1e3 * (i + 1) + gsl_rng_uniform (rng),
                                  (int) (i % 5));
  double *mean = malloc (d * sizeof (double)), *cov = malloc (d * d * sizeof (double));
  double *mean2 = malloc (d * sizeof (double)), *var = malloc (d * sizeof (double));
  vbgmm_error err;
  int bad = vbgmm_data_moments_units (data, NULL, units, mean, cov, &err)
            || vbgmm_data_variances_units (data, NULL, units, mean2, var, &err);
  int same = !bad && memcmp (mean, mean2, d * sizeof (double)) == 0;
  for (size_t i = 0; same && i < d; i++)
    same = (d < 32 ? memcmp (&cov[i * d + i], &var[i], sizeof (double)) == 0
            : fabs (cov[i * d + i] - var[i]) <= 1e-14 * var[i])
           && (n < 2 ? var[i] == 0 : var[i] > 0);
  gsl_test (!same, "N = %zu D = %zu: the variances alone = the diagonal of "
            "the covariance, %s", n, d, d < 32 ? "bit for bit" : "to 1e-14");
  /* The whole covariance against sums in long double, each entry to
     1e-13 of sqrt(var_i var_j).  */
  double worst = 0;
  for (size_t i = 0; !bad && i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        long double mi = 0, mj = 0, sij = 0;
        for (size_t r = 0; r < n; r++)
          {
            mi += ldexpl (data->x[r * d + i], -units[i]);
            mj += ldexpl (data->x[r * d + j], -units[j]);
          }
        mi /= n;
        mj /= n;
        for (size_t r = 0; r < n; r++)
          sij += (ldexpl (data->x[r * d + i], -units[i]) - mi)
                 * (ldexpl (data->x[r * d + j], -units[j]) - mj);
        double want = (double) (sij / (n > 1 ? n - 1 : 1));
        double scale = sqrt (var[i] * var[j]);
        double e = fabs (cov[i * d + j] - want) / (scale > 0 ? scale : 1);
        worst = e > worst ? e : worst;
      }
  gsl_test (bad || !(worst <= 1e-13), "N = %zu D = %zu: the covariance as "
            "summed in long double to 1e-13 (%g)", n, d, worst);
  free (mean);
  free (cov);
  free (mean2);
  free (var);
  free (units);
  vbgmm_data_free (data);
}

/* Data of no points have no mean: VBGMM_EDATA from every moment
   function, not a NaN mean with success.  */
static void
test_moments_empty (void)
{
  vbgmm_data *none = vbgmm_data_alloc (0, 2);
  double mean[2] = { 0, 0 }, cov[4];
  for (int i = 0; i < 3; i++)
    {
      vbgmm_error err = { 0 };
      int status = i == 0 ? vbgmm_data_moments (none, NULL, mean, cov, &err)
                   : i == 1 ? vbgmm_data_moments_units (none, NULL, NULL,
                                                        mean, NULL, &err)
                   : vbgmm_data_variances_units (none, NULL, NULL, mean, cov,
                                                 &err);
      gsl_test (status != VBGMM_EDATA || err.status != VBGMM_EDATA
                || strcmp (err.message, "the data have no points") != 0,
                "moments %d of no points: VBGMM_EDATA (status %d: %s)", i,
                status, err.message);
    }
  vbgmm_data_free (none);
}

/* v'A v of a diagonal A from its diagonal: the number of the whole
   sum, bit for bit.  */
static void
test_quad_diagonal (gsl_rng *rng, size_t d)
{
  double *A = calloc (d * d, sizeof (double)), *v = malloc (d * sizeof (double));
  for (size_t i = 0; i < d; i++)
    {
      A[i * d + i] = ldexp (gsl_rng_uniform_pos (rng), (int) (i % 9) - 4);
      v[i] = (gsl_rng_uniform (rng) - 0.5) * (i + 1);
    }
  double whole = vbgmm_cov_quad (d, A, v), diag = vbgmm_cov_quad_diagonal (d, A, v);
  gsl_test (memcmp (&whole, &diag, sizeof whole) != 0 || !(diag > 0),
            "D = %zu: v'A v of a diagonal A from its diagonal", d);
  free (A);
  free (v);
}

int
main (void)
{
  static const char *kernels[] = { "generic", "avx2", "avx512" };
  static const size_t ks[] = { 1, 4, 7 };
  static const char *forms[] = { "full", "diag", "spherical", "tied" };
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  for (size_t i = 0; i < 3; i++)
    {
      /* A kernel the processor does not run falls back to a narrower
         one: the test still holds.  */
      setenv ("VBGMM_KERNEL", kernels[i], 1);
      /* 1 to 17, and for diag and spherical past
         VBGMM_DENSE_FACTOR_MIN_D, where their diagonal W is taken from
         its diagonal alone.  */
      static const size_t ds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                   13, 14, 15, 16, 17, 33, 40 };
      for (size_t di = 0; di < sizeof ds / sizeof ds[0]; di++)
        for (size_t j = 0, d = ds[di]; j < 3; j++)
          for (size_t f = d > 17; f < (d > 17 ? 3 : 4); f++)
            {
              test_one (rng, kernels[i], forms[f], d, ks[j]);
              test_far (rng, kernels[i], forms[f], d, ks[j]);
            }
    }
  test_moments_empty ();
  test_far_many ("dense");
  test_far_many ("features");
  test_quad_diagonal (rng, 1);
  test_quad_diagonal (rng, 6);
  test_quad_diagonal (rng, 40);
  test_variances (rng, 1, 3);
  test_variances (rng, 37, 5);
  test_variances (rng, 500, 20);
  test_variances (rng, 500, 40);
  gsl_rng_free (rng);
  exit (gsl_test_summary ());
}
