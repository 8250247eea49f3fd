/* test_sample.c -- what the pictures take from a model: the
   responsibilities of a sample of rows, and covariances in a few
   dimensions

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

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_test.h>

#include "vbgmm.h"

/* A full-covariance model of K components in D dimensions: means
   spread along the axes, W_c = (A A' + D I) / (nu_c D) with A random.  */
static vbgmm_model *
make_model (gsl_rng *rng, size_t k, size_t d)
{
  vbgmm_model *m = vbgmm_model_alloc (k, d, 1);
  double *A = malloc (d * d * sizeof *A);
  for (size_t c = 0; c < k; c++)
    {
      m->alpha[c] = m->N[c] = 2.0 + c;
      m->beta[c] = 3.0 + c;
      m->nu[c] = d + 1.5 + c;
      for (size_t i = 0; i < d; i++)
        m->m[c * d + i] = (i % k == c ? 4.0 : 0.0) + 0.1 * i;
      for (size_t i = 0; i < d * d; i++)
        A[i] = gsl_ran_gaussian (rng, 1.0);
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          {
            double s = i == j ? (double) d : 0.0;
            for (size_t l = 0; l < d; l++)
              s += A[i * d + l] * A[j * d + l];
            m->W[(c * d + i) * d + j] = s / (m->nu[c] * d);
          }
    }
  free (A);
  return m;
}

typedef struct collect
{
  double *r;
  size_t at;
} collect;

static int
take (const double *r, size_t rows, size_t k, void *arg)
{
  collect *c = arg;
  memcpy (c->r + c->at * k, r, rows * k * sizeof *r);
  c->at += rows;
  return 0;
}

/* The responsibilities of NROWS rows drawn at random (repeats and the
   last row among them) equal, bit for bit, those of the same rows in a
   pass over all the data; a row beyond the data is refused.  */
static void
check_rows (gsl_rng *rng, size_t k, size_t d, size_t n, size_t nrows)
{
  vbgmm_model *m = make_model (rng, k, d);
  vbgmm_data *data = vbgmm_data_alloc (n, d);
  size_t *rows = malloc (nrows * sizeof *rows);
  double *all = malloc (n * k * sizeof *all);
  double *some = malloc (nrows * k * sizeof *some);
  vbgmm_error err;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      data->x[i * d + j] = m->m[(i % k) * d + j] + gsl_ran_gaussian (rng, 1.5);
  for (size_t j = 0; j < nrows; j++)
    rows[j] = j == 0 ? n - 1 : gsl_rng_uniform_int (rng, n);

  collect ca = { all, 0 }, cs = { some, 0 };
  int s1 = vbgmm_responsibilities (m, data, 2, take, &ca, &err);
  int s2 = vbgmm_responsibilities_rows (m, data, rows, nrows, 2, take, &cs,
                                        &err);
  gsl_test (s1 || s2 || cs.at != nrows, "d=%zu: %zu rows: status %d %d, "
            "%zu rows given", d, nrows, s1, s2, cs.at);
  size_t differ = 0;
  for (size_t j = 0; j < nrows && !s1 && !s2; j++)
    differ += memcmp (some + j * k, all + rows[j] * k, k * sizeof *all) != 0;
  gsl_test (differ != 0, "d=%zu: %zu rows of %zu: the same bits as the "
            "whole pass (%zu differ)", d, nrows, n, differ);

  rows[nrows / 2] = n;
  int s3 = vbgmm_responsibilities_rows (m, data, rows, nrows, 1, take, &cs,
                                        &err);
  char want[64];
  snprintf (want, sizeof want, "row %zu is not in the data (%zu rows)",
            n + 1, n);
  gsl_test (s3 != VBGMM_EINVAL || strcmp (err.message, want) != 0,
            "d=%zu: a row beyond the data: '%s'", d, err.message);
  free (rows);
  free (all);
  free (some);
  vbgmm_data_free (data);
  vbgmm_model_free (m);
}

/* vbgmm_model_covariance against the whole inverse of nu W from GSL.  */
static void
check_covariance (gsl_rng *rng, size_t k, size_t d)
{
  vbgmm_model *m = make_model (rng, k, d);
  size_t dims[4] = { d - 1, 0, d / 2, 1 };
  double cov[16];
  gsl_matrix *A = gsl_matrix_alloc (d, d);
  for (size_t c = 0; c < k; c++)
    {
      for (size_t i = 0; i < d * d; i++)
        A->data[i] = m->nu[c] * m->W[c * d * d + i];
      gsl_linalg_cholesky_decomp1 (A);
      gsl_linalg_cholesky_invert (A);
      int status = vbgmm_model_covariance (m, c, dims, 4, cov);
      double worst = 0;
      for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++)
          {
            double want = gsl_matrix_get (A, dims[a], dims[b]);
            double e = fabs (cov[a * 4 + b] - want)
              / sqrt (gsl_matrix_get (A, dims[a], dims[a])
                      * gsl_matrix_get (A, dims[b], dims[b]));
            if (e > worst)
              worst = e;
          }
      gsl_test (status || worst > 1e-12, "d=%zu component %zu: covariance "
                "of 4 dimensions = the inverse's entries to 1e-12 (%g)",
                d, c, worst);
    }
  /* Not positive definite: -1.  */
  for (size_t i = 0; i < d; i++)
    m->W[(i * d) + i] = -1;
  gsl_test (vbgmm_model_covariance (m, 0, dims, 4, cov) != -1,
            "d=%zu: W not positive definite: -1", d);
  gsl_matrix_free (A);
  vbgmm_model_free (m);
}

/* A diagonal W (diag, spherical), taken from its diagonal alone from
   VBGMM_SPD_DIAGONAL_SQRT dimensions on: the numbers the factor of the
   whole matrix gives (the same W read as a full one), bit for bit.  */
static void
check_covariance_diagonal (gsl_rng *rng, size_t k, size_t d, const char *form)
{
  vbgmm_model *m = make_model (rng, k, d);
  int sph = strcmp (form, "spherical") == 0;
  for (size_t c = 0; c < k; c++)
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        {
          double *W = m->W + c * d * d;
          W[i * d + j] = i != j ? 0 : sph ? W[0] : W[i * d + i];
        }
  size_t dims[4] = { d - 1, 0, d / 2, 0 };
  double cov[16], whole[16];
  for (size_t c = 0; c < k; c++)
    {
      m->covariance = vbgmm_covariance_lookup ("full");
      int s1 = vbgmm_model_covariance (m, c, dims, 4, whole);
      m->covariance = vbgmm_covariance_lookup (form);
      int s2 = vbgmm_model_covariance (m, c, dims, 4, cov);
      gsl_test (s1 || s2 || memcmp (cov, whole, sizeof cov) != 0,
                "%s d=%zu component %zu: covariance of 4 dimensions = the "
                "whole factor's, bit for bit", form, d, c);
    }
  m->W[(d - 2) * d + d - 2] = 0;
  gsl_test (vbgmm_model_covariance (m, 0, dims, 4, cov) != -1,
            "%s d=%zu: a w of 0: -1", form, d);
  vbgmm_model_free (m);
}

/* The label of a row: the first of the largest, as labels.csv and the
   pictures take it.  */
static void
check_most_likely (void)
{
  static const double rows[][4] = {
    { 0.2, 0.5, 0.3, 0.0 },   /* 1 */
    { 0.4, 0.4, 0.2, 0.0 },   /* equals: the first, 0 */
    { 0.0, 0.0, 0.0, 1.0 },   /* the last, 3 */
    { 0.1, 0.3, 0.3, 0.3 },   /* three equal: 1 */
  };
  static const size_t want[] = { 1, 0, 3, 1 };
  for (size_t i = 0; i < 4; i++)
    gsl_test_int ((int) vbgmm_most_likely (rows[i], 4), (int) want[i],
                  "most likely component of row %zu", i);
  gsl_test_int ((int) vbgmm_most_likely (rows[0], 1), 0,
                "most likely of one component");
}

int
main (void)
{
  gsl_set_error_handler_off ();
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 7);
  /* Batches of 4096 rows: fewer, more, and the dense pass (D >= 128).  */
  check_rows (rng, 3, 2, 50, 7);
  check_rows (rng, 4, 3, 3000, 9000);
  check_rows (rng, 3, 130, 300, 500);
  check_covariance (rng, 3, 4);
  check_covariance (rng, 3, 9);
  check_covariance (rng, 2, 130);
  check_covariance_diagonal (rng, 3, 9, "diag");
  check_covariance_diagonal (rng, 3, 40, "diag");
  check_covariance_diagonal (rng, 2, 40, "spherical");
  check_most_likely ();
  gsl_rng_free (rng);
  exit (gsl_test_summary ());
}
