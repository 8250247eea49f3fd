/* test_predictive.c -- the posterior predictive density and its draws

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
#include <gsl/gsl_test.h>

#include "small_stack.h"
#include "vbgmm.h"

/* A model of K components in D <= 3 of the form FORM ("full", "diag",
   "spherical", "tied") with nu from NU: means spread out, W different
   per component (its diagonal for diag, its mean diagonal times I for
   spherical; tied takes component 0's W and nu for all), beta and
   alpha set.  */
static vbgmm_model *
make_model (const char *form, size_t k, size_t d, double nu)
{
  vbgmm_model *m = vbgmm_model_alloc (k, d, 1);
  m->covariance = vbgmm_covariance_lookup (form);
  for (size_t c = 0; c < k; c++)
    {
      m->alpha[c] = 1.5 + 2.0 * c;
      m->beta[c] = 3.0 + c;
      m->nu[c] = nu + 0.5 * c;
      m->N[c] = m->alpha[c];
      for (size_t i = 0; i < d; i++)
        m->m[c * d + i] = 3.0 * c - 1.0 * i + 0.25;
      /* W = A A' / nu-ish scale, A lower with a positive diagonal.  */
      double A[9] = { 0 };
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= i; j++)
          A[i * 3 + j] = i == j ? (0.8 + 0.3 * c + 0.1 * i) : 0.2 * (c + 1) - 0.1 * j;
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          {
            double s = 0;
            for (size_t l = 0; l < 3; l++)
              s += A[i * 3 + l] * A[j * 3 + l];
            m->W[(c * d + i) * d + j] = s / m->nu[c];
          }
      double tr = 0;
      for (size_t i = 0; i < d; i++)
        tr += m->W[(c * d + i) * d + i] / d;
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          if (strcmp (form, "diag") == 0 && i != j)
            m->W[(c * d + i) * d + j] = 0;
          else if (strcmp (form, "spherical") == 0)
            m->W[(c * d + i) * d + j] = i == j ? tr : 0;
          else if (strcmp (form, "tied") == 0)
            m->W[(c * d + i) * d + j] = m->W[i * d + j];
      if (strcmp (form, "tied") == 0)
        m->nu[c] = m->nu[0];
    }
  return m;
}

/* 1 when the model's components are products of one-dimensional
   Student-t's (diag).  */
static int
is_diag (const vbgmm_model *m)
{
  return strcmp (vbgmm_covariance_name (m->covariance), "diag") == 0;
}

/* The degrees of freedom of a component's Student-t: the Wishart's
   nu + 1 - D (PRML 10.82), or the Gamma's 2 (nu/2) = nu when the
   precision is one number (spherical) or D independent ones (diag).  */
static double
dof (const vbgmm_model *m, size_t c)
{
  const char *form = vbgmm_covariance_name (m->covariance);
  return strcmp (form, "full") == 0 || strcmp (form, "tied") == 0
         ? m->nu[c] + 1 - (double) m->d : m->nu[c];
}

/* Determinant of a d x d matrix (d <= 3) by cofactors: independent of
   any factorisation.  */
static double
det (const double *a, size_t d)
{
  if (d == 1)
    return a[0];
  if (d == 2)
    return a[0] * a[3] - a[1] * a[2];
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
         + a[2] * (a[3] * a[7] - a[4] * a[6]);
}

/* ln p(x) written from PRML 10.81-10.82 and B.68 with lgamma: the
   independent evaluation the library must agree with.  diag: the sum
   over d of D = 1 Student-t's, each with its own scale l_d.  In long
   double, whose range holds the quadratic forms of points 1e200 away
   (x86: to 1e4932), which overflow doubles.  */
static double
reference_ln_p (const vbgmm_model *m, const double *xd)
{
  size_t k = m->k, d = m->d;
  long double sum_alpha = 0, t[16], mx = -INFINITY;
  for (size_t c = 0; c < k; c++)
    sum_alpha += m->alpha[c];
  for (size_t c = 0; c < k; c++)
    {
      long double v = dof (m, c);
      long double s = v * m->beta[c] / (1 + m->beta[c]);
      long double q = 0, x[3];
      double L[9];
      for (size_t i = 0; i < d * d; i++)
        L[i] = s * m->W[c * d * d + i];
      t[c] = logl (m->alpha[c] / sum_alpha);
      /* m and W are in the model's units: x / 2^units, and the
         density back in the data's by the Jacobian 2^-units.  */
      for (size_t i = 0; i < d; i++)
        {
          x[i] = ldexpl (xd[i], -m->units[i]);
          t[c] -= m->units[i] * logl (2);
        }
      if (is_diag (m))
        for (size_t i = 0; i < d; i++)
          {
            long double l = L[i * d + i];
            long double u = x[i] - m->m[c * d + i];
            t[c] += lgammal ((v + 1) / 2) - lgammal (v / 2) + 0.5L * logl (l)
                    - 0.5L * logl (v * M_PI) - (v + 1) / 2 * logl (1 + l * u * u / v);
          }
      else
        {
          for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++)
              q += (x[i] - m->m[c * d + i]) * L[i * d + j]
                   * (x[j] - m->m[c * d + j]);
          t[c] += lgammal ((v + d) / 2) - lgammal (v / 2) + 0.5L * logl (det (L, d))
                  - 0.5L * d * logl (v * M_PI) - (v + d) / 2 * logl (1 + q / v);
        }
      if (t[c] > mx)
        mx = t[c];
    }
  long double sum = 0;
  for (size_t c = 0; c < k; c++)
    sum += expl (t[c] - mx);
  return (double) (mx + logl (sum));
}

/* Points so far from every component that their quadratic forms pass
   the range of doubles: a finite ln p, the reference's.  With UNITS
   not 0 (-40: a fit of data near 1 of spread about 1e-12), the
   model's units are not the data's: points that are doubles in the
   data's units but not in the model's (1e300 2^40), or whose x - m or
   quadratic forms are not, have a finite ln p too.  */
static void
test_far (const char *form, size_t d, int units)
{
  vbgmm_model *m = make_model (form, 3, d, 5);
  /* Each column its own, but for spherical (one unit for all).  */
  for (size_t i = 0; i < d; i++)
    m->units[i] = units + (strcmp (form, "spherical") == 0 || !units ? 0
                           : 3 * (int) i - 3);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  static const double far[][3] = {
    { 1e200, 1e200, 1e200 }, { -1e160, 0, 3 }, { 1.7e308, -1.7e308, 1 },
    { 0, 1e-300, 1e300 }, { 2, 1e155, -1e154 }, { 1e300, 1, -1 },
    { -1.7e308, 1.7e308, 1e308 }, { 2, -1e307, 1e-300 },
    { 1e296, 1e296, -1e296 }, { 3, 1.5, 1e305 }, { 1e200, 1e200, 0 } };
  const size_t n = sizeof far / sizeof far[0];
  double x[11 * 3], got[11];
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      x[i * d + j] = far[i][j];
  vbgmm_predictive_ln_density (p, x, n, 1, got, NULL);
  for (size_t i = 0; i < n; i++)
    gsl_test_rel (got[i], reference_ln_p (m, x + i * d), 1e-12,
                  "%s D = %zu, units 2^%d: ln p of far point %zu against "
                  "the reference", form, d, m->units[0], i);
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

/* Points so far that the block's sums overflow, under K = 64K equal
   components, on a thread of a small stack (small_stack.h): the
   density of one of them.  */
struct far_many
{
  size_t k;
  int status;
  double got[2], want[2];
};

static void
far_many_run (void *arg)
{
  struct far_many *f = arg;
  vbgmm_model *one = make_model ("full", 1, 1, 5);
  vbgmm_model *m = vbgmm_model_alloc (f->k, 1, 1);
  for (size_t c = 0; c < f->k; c++)
    {
      m->alpha[c] = one->alpha[0];
      m->beta[c] = one->beta[0];
      m->nu[c] = one->nu[0];
      m->m[c] = one->m[0];
      m->W[c] = one->W[0];
    }
  const double x[2] = { 1e200, -1.5e300 };
  vbgmm_error err;
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, &err);
  vbgmm_predictive *q = vbgmm_predictive_alloc (one, &err);
  f->status = !p || !q
              || vbgmm_predictive_ln_density (p, x, 2, 1, f->got, &err)
              || vbgmm_predictive_ln_density (q, x, 2, 1, f->want, &err);
  vbgmm_predictive_free (p);
  vbgmm_predictive_free (q);
  vbgmm_model_free (m);
  vbgmm_model_free (one);
}

static void
test_far_many (void)
{
  struct far_many f = { 65536, -1, { NAN, NAN }, { 0, 0 } };
  gsl_test (on_small_stack (far_many_run, &f), "a thread of a small stack");
  gsl_test (f.status, "K = %zu equal components: ln p (status %d)", f.k,
            f.status);
  for (size_t i = 0; i < 2; i++)
    gsl_test_rel (f.got[i], f.want[i], 1e-12, "far point %zu under K = %zu "
                  "equal components: ln p of one", i, f.k);
}

/* A point with a NaN coordinate has no density and one at infinity
   none above 0: neither may read as the centre of a component.  */
static void
test_nonfinite (const char *form, size_t d)
{
  vbgmm_model *m = make_model (form, 3, d, 5);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  static const double bad[][3] = {
    { NAN, 0, 0 }, { 0, 0, NAN }, { INFINITY, 0, 0 }, { 1, -INFINITY, 2 },
    { INFINITY, NAN, 0 } };
  double x[5 * 3], got[5];
  for (size_t i = 0; i < 5; i++)
    for (size_t j = 0; j < d; j++)
      x[i * d + j] = bad[i][j];
  vbgmm_predictive_ln_density (p, x, 5, 1, got, NULL);
  for (size_t i = 0; i < 5; i++)
    {
      int nan = 0, inf = 0;
      for (size_t j = 0; j < d; j++)
        {
          nan |= isnan (bad[i][j]);
          inf |= isinf (bad[i][j]);
        }
      if (!nan && !inf)
        continue;
      gsl_test (nan ? !isnan (got[i]) : !(isinf (got[i]) && got[i] < 0),
                "%s D = %zu: ln p of point %zu is %s, got %g", form, d, i,
                nan ? "NaN" : "-inf", got[i]);
    }
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

static int
count_rows (const double *r, size_t rows, size_t k, void *arg)
{
  (void) r;
  (void) k;
  *(size_t *) arg += rows;
  return 0;
}

/* The responsibilities (and the outputs made of them) of a point with
   a NaN coordinate, or one at infinity, are refused as vbgmm_fit
   refuses such data: VBGMM_EDATA naming the row and the column, before
   anything is written (not a one-hot row).  */
static void
test_nonfinite_rows (void)
{
  static const double bad[][2] = { { NAN, 0 }, { INFINITY, 0 },
                                   { INFINITY, NAN }, { 1, -INFINITY } };
  static const char *const why[] = {
    "row 2, column 1: not a finite number (nan)",
    "row 2, column 1: not a finite number (inf)",
    "row 2, column 1: not a finite number (inf)",
    "row 2, column 2: not a finite number (-inf)" };
  vbgmm_model *m = make_model ("full", 3, 2, 5);
  vbgmm_data *data = vbgmm_data_alloc (3, 2);
  for (size_t i = 0; i < 4; i++)
    {
      for (size_t j = 0; j < 6; j++)
        data->x[j] = 0.5 * j;
      data->x[2] = bad[i][0];
      data->x[3] = bad[i][1];
      vbgmm_error err = { 0 };
      size_t rows = 0;
      int status = vbgmm_responsibilities (m, data, 1, count_rows, &rows,
                                           &err);
      gsl_test (status != VBGMM_EDATA || rows != 0
                || strcmp (err.message, why[i]) != 0,
                "point %g, %g: responsibilities refused (status %d, %zu "
                "rows: %s)", bad[i][0], bad[i][1], status, rows,
                err.message);
      const size_t some[2] = { 0, 1 }, others[2] = { 2, 0 };
      rows = 0;
      status = vbgmm_responsibilities_rows (m, data, some, 2, 1, count_rows,
                                            &rows, &err);
      gsl_test (status != VBGMM_EDATA || rows != 0, "point %g, %g: among "
                "the rows asked for, refused (status %d)", bad[i][0],
                bad[i][1], status);
      rows = 0;
      status = vbgmm_responsibilities_rows (m, data, others, 2, 1,
                                            count_rows, &rows, &err);
      gsl_test (status || rows != 2, "point %g, %g: not among the rows "
                "asked for, the others (status %d)", bad[i][0], bad[i][1],
                status);
      for (int out = 0; out < 3; out++)
        {
          char *text = NULL;
          size_t len = 0;
          FILE *fp = open_memstream (&text, &len);
          status = out == 0 ? vbgmm_write_z_npy (fp, m, data, 1, &err)
                   : out == 1 ? vbgmm_write_z (fp, m, data, 1, &err)
                   : vbgmm_write_predictions (NULL, NULL, fp, NULL, m, data,
                                              1, &err);
          fclose (fp);
          gsl_test (status != VBGMM_EDATA || len != 0
                    || strcmp (err.message, why[i]) != 0,
                    "point %g, %g: output %d refused, nothing written "
                    "(status %d, %zu bytes: %s)", bad[i][0], bad[i][1], out,
                    status, len, err.message);
          free (text);
        }
    }
  vbgmm_data_free (data);
  vbgmm_model_free (m);
}

/* z.npy of data of another dimension: refused before its header.  */
static void
test_npy_dimension (void)
{
  vbgmm_model *m = make_model ("full", 3, 2, 5);
  vbgmm_data *one = vbgmm_data_alloc (4, 1);
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&text, &len);
  vbgmm_error err = { 0 };
  int status = vbgmm_write_z_npy (fp, m, one, 1, &err);
  fclose (fp);
  gsl_test (status != VBGMM_EINVAL || len != 0
            || strcmp (err.message, "the data have 1 columns, the model 2"),
            "z.npy of data of D = 1 under a model of D = 2: refused, "
            "nothing written (status %d, %zu bytes: %s)", status, len,
            err.message);
  free (text);
  vbgmm_data_free (one);
  vbgmm_model_free (m);
}

/* A model whose weights are not weights (alpha of 0 or below: E[pi]
   0 / 0, or beyond 0 to 1) has no predictive distribution to draw
   from.  */
static void
test_bad_weights (void)
{
  static const double alpha[][2] = { { 0, 0 }, { -1, 3 }, { NAN, 1 } };
  for (size_t i = 0; i < 3; i++)
    {
      vbgmm_model *m = make_model ("full", 2, 2, 5);
      m->alpha[0] = alpha[i][0];
      m->alpha[1] = alpha[i][1];
      vbgmm_error err = { 0 };
      vbgmm_predictive *p = vbgmm_predictive_alloc (m, &err);
      gsl_test (p || err.status != VBGMM_ENUM, "alpha %g, %g: no "
                "predictive (status %d)", alpha[i][0], alpha[i][1],
                err.status);
      vbgmm_predictive_free (p);
      vbgmm_model_free (m);
    }
}

/* vbgmm_write_predictions: data of another D refused for the densities
   alone as for the responsibilities; with no output asked, nothing
   done; the total alone, the sum of the densities.  */
static void
test_write_predictions (void)
{
  vbgmm_model *m = make_model ("full", 3, 2, 5);
  vbgmm_data *one = vbgmm_data_alloc (10, 1), *two = vbgmm_data_alloc (10, 2);
  for (size_t i = 0; i < 20; i++)
    two->x[i] = 0.3 * i - 2;
  vbgmm_error err = { 0 };
  FILE *fp = tmpfile ();
  double total = 0;
  int status = vbgmm_write_predictions (NULL, NULL, fp, &total, m, one, 1,
                                        &err);
  gsl_test (status != VBGMM_EINVAL, "densities of data of D = 1 under a "
            "model of D = 2 refused (status %d)", status);
  status = vbgmm_write_predictions (NULL, NULL, NULL, &total, m, one, 1,
                                    &err);
  gsl_test (status != VBGMM_EINVAL, "the total of data of D = 1 under a "
            "model of D = 2 refused (status %d)", status);
  status = vbgmm_write_predictions (NULL, NULL, NULL, NULL, m, two, 1, &err);
  gsl_test (status, "no output asked: success (status %d)", status);
  status = vbgmm_write_z_labels (NULL, NULL, m, two, 1, &err);
  gsl_test (status, "neither z nor labels: success (status %d)", status);
  status = vbgmm_write_predictions (NULL, NULL, NULL, &total, m, two, 2,
                                    &err);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  double ln_p[10], sum = 0;
  vbgmm_predictive_ln_density (p, two->x, 10, 1, ln_p, NULL);
  for (size_t i = 0; i < 10; i++)
    sum += ln_p[i];
  gsl_test (status, "the total alone (status %d)", status);
  gsl_test_rel (total, sum, 1e-15, "the total alone, the sum of ln p");
  vbgmm_predictive_free (p);
  fclose (fp);
  vbgmm_data_free (one);
  vbgmm_data_free (two);
  vbgmm_model_free (m);
}

/* A string of what WRITE puts in a FILE (malloc'd), for a comparison.  */
static char *
memfile (int out, const vbgmm_predictions *p, const vbgmm_model *m,
         const vbgmm_data *data, int *status)
{
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&text, &len);
  FILE *z = out == 0 ? fp : NULL, *labels = out == 1 ? fp : NULL;
  FILE *density = out == 2 ? fp : NULL;
  *status = p ? vbgmm_predictions_write (p, z, labels, density, NULL, data,
                                         2, NULL)
              : vbgmm_write_predictions (z, labels, density, NULL, m, data,
                                         2, NULL);
  fclose (fp);
  return text;
}

/* The model prepared once, for any number of writes: the bytes of
   vbgmm_write_predictions for every output and data set; an output it
   was not prepared for, VBGMM_EINVAL; a model that cannot give the
   outputs, no preparation (VBGMM_ENUM and the message).  */
static void
test_predictions (const char *form)
{
  vbgmm_model *m = make_model (form, 3, 2, 5);
  vbgmm_data *a = vbgmm_data_alloc (300, 2), *b = vbgmm_data_alloc (7, 2);
  for (size_t i = 0; i < 600; i++)
    a->x[i] = 6 * sin (0.3 * i) + 0.01 * i;
  for (size_t i = 0; i < 14; i++)
    b->x[i] = i % 2 ? 1e300 : -3.0 + i;
  vbgmm_error err = { 0 };
  vbgmm_predictions *p = vbgmm_predictions_alloc (m, 1, 1, &err);
  gsl_test (!p, "%s: predictions prepared (%s)", form, err.message);
  for (int out = 0; p && out < 3; out++)
    for (int set = 0; set < 2; set++)
      {
        int s1, s2;
        char *once = memfile (out, p, m, set ? b : a, &s1);
        char *each = memfile (out, NULL, m, set ? b : a, &s2);
        gsl_test (s1 || s2 || strcmp (once, each) != 0, "%s: output %d of "
                  "data set %d prepared once: the bytes of "
                  "vbgmm_write_predictions", form, out, set);
        free (once);
        free (each);
      }
  vbgmm_predictions_free (p);
  static const int asked[][2] = { { 1, 0 }, { 0, 1 } };
  for (size_t i = 0; i < 2; i++)
    {
      p = vbgmm_predictions_alloc (m, asked[i][0], asked[i][1], &err);
      int status;
      char *text = memfile (asked[i][0] ? 2 : 0, p, m, a, &status);
      gsl_test (!p || status != VBGMM_EINVAL || *text, "%s: prepared for "
                "%s alone, the other refused (status %d)", form,
                asked[i][0] ? "the responsibilities" : "the densities",
                status);
      free (text);
      vbgmm_predictions_free (p);
    }
  m->W[1 * 4 + 0] = -1;
  memset (&err, 0, sizeof err);
  p = vbgmm_predictions_alloc (m, 0, 1, &err);
  gsl_test (p || err.status != VBGMM_ENUM
            || strcmp (err.message, "component 1: W is not positive "
                       "definite") != 0, "%s: a W that is not positive "
            "definite, no preparation (status %d: %s)", form, err.status,
            err.message);
  vbgmm_predictions_free (p);
  vbgmm_data_free (a);
  vbgmm_data_free (b);
  vbgmm_model_free (m);
}

static void
test_reference (const char *form, size_t d, double nu)
{
  vbgmm_model *m = make_model (form, 3, d, nu);
  vbgmm_error err = { 0 };
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, &err);
  gsl_test (!p, "%s D = %zu: predictive: %s", form, d, p ? "" : err.message);
  if (p)
    {
      double x[3 * 50], got[50];
      for (size_t i = 0; i < 50; i++)
        for (size_t j = 0; j < d; j++)
          x[i * d + j] = -4 + 0.37 * i + 0.9 * j * sin (i);
      vbgmm_predictive_ln_density (p, x, 50, 2, got, NULL);
      for (size_t i = 0; i < 50; i++)
        {
          double want = reference_ln_p (m, x + i * d);
          gsl_test_rel (got[i], want, 1e-12, "%s D = %zu nu = %g: ln p of "
                        "point %zu against lgamma and the determinant", form,
                        d, nu, i);
        }
    }
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

/* The density integrates to 1: D = 1 with 3 degrees of freedom at the
   least (tails ~ x^-4) over a wide grid, D = 2 over a square.  Both by
   the trapezoid rule, exact to far below 1e-6 for a grid this fine.  */
static void
test_integral_1d (const char *form)
{
  vbgmm_model *m = make_model (form, 3, 1, 3);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  /* Fine in the middle, coarser outside, where the density is smooth
     and small: three uniform grids.  */
  const double edges[] = { -1e5, -1e3, -40, 40, 1e3, 1e5 };
  const double steps[] = { 1.0, 0.02, 0.001, 0.02, 1.0 };
  double total = 0;
  size_t cap = 200000;
  double *x = malloc (cap * sizeof (double)), *f = malloc (cap * sizeof (double));
  for (size_t piece = 0; piece < 5; piece++)
    {
      double a = edges[piece], h = steps[piece];
      size_t n = (size_t) llround ((edges[piece + 1] - a) / h) + 1;
      if (n > cap)
        {
          cap = n;
          x = realloc (x, cap * sizeof (double));
          f = realloc (f, cap * sizeof (double));
        }
      for (size_t i = 0; i < n; i++)
        x[i] = a + h * i;
      vbgmm_predictive_ln_density (p, x, n, 0, f, NULL);
      double s = 0;
      for (size_t i = 0; i < n; i++)
        s += (i == 0 || i == n - 1 ? 0.5 : 1) * exp (f[i]);
      total += s * h;
    }
  /* The tails beyond 1e5: each component's mass there is below 1e-14.  */
  gsl_test_abs (total, 1, 1e-6, "%s D = 1: the density integrates to 1",
                form);
  free (x);
  free (f);
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

static void
test_integral_2d (const char *form)
{
  vbgmm_model *m = make_model (form, 3, 2, 14);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  const double lo = -60, hi = 66, h = 0.1;
  size_t n = (size_t) llround ((hi - lo) / h) + 1;
  double *x = malloc (2 * n * sizeof (double)), *f = malloc (n * sizeof (double));
  double total = 0;
  for (size_t r = 0; r < n; r++)
    {
      for (size_t i = 0; i < n; i++)
        {
          x[2 * i] = lo + h * i;
          x[2 * i + 1] = lo + h * r;
        }
      vbgmm_predictive_ln_density (p, x, n, 0, f, NULL);
      double s = 0;
      for (size_t i = 0; i < n; i++)
        s += (i == 0 || i == n - 1 ? 0.5 : 1) * exp (f[i]);
      total += (r == 0 || r == n - 1 ? 0.5 : 1) * s;
    }
  total *= h * h;
  gsl_test_abs (total, 1, 1e-6, "%s D = 2: the density integrates to 1",
                form);
  free (x);
  free (f);
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

/* The mean and covariance of 1e5 draws are those of the mixture of
   Student-t: mean sum w m, covariance sum w (v/(v-2) L^-1 + m m') - mu mu'
   (B.69, B.70), within 4 standard errors (each from the draws' own
   spread); the same seed gives the same draws, another seed others.  */
static void
test_sample (const char *form)
{
  const size_t k = 3, d = 2, n = 100000;
  vbgmm_model *m = make_model (form, k, d, 12);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  double *x = malloc (n * d * sizeof (double));
  double *y = malloc (n * d * sizeof (double));
  vbgmm_predictive_sample (p, 42, n, x, NULL);
  vbgmm_predictive_sample (p, 42, n, y, NULL);
  gsl_test (memcmp (x, y, n * d * sizeof (double)) != 0,
            "%s sample: the same seed gives the same points", form);
  vbgmm_predictive_sample (p, 43, n, y, NULL);
  gsl_test (memcmp (x, y, n * d * sizeof (double)) == 0,
            "%s sample: another seed gives other points", form);

  double sa = 0, mu[2] = { 0 }, second[4] = { 0 };
  for (size_t c = 0; c < k; c++)
    sa += m->alpha[c];
  for (size_t c = 0; c < k; c++)
    {
      double w = m->alpha[c] / sa, v = dof (m, c);
      double s = v * m->beta[c] / (1 + m->beta[c]);
      const double *W = m->W + c * d * d, *mc = m->m + c * d;
      /* (s W)^-1 of a 2 x 2 matrix, by hand.  */
      double dt = s * s * (W[0] * W[3] - W[1] * W[2]);
      double inv[4] = { s * W[3] / dt, -s * W[1] / dt, -s * W[2] / dt,
                        s * W[0] / dt };
      for (size_t i = 0; i < d; i++)
        {
          mu[i] += w * mc[i];
          for (size_t j = 0; j < d; j++)
            second[i * d + j] += w * (v / (v - 2) * inv[i * d + j]
                                      + mc[i] * mc[j]);
        }
    }
  double mean[2] = { 0 }, var[2] = { 0 };
  for (size_t r = 0; r < n; r++)
    for (size_t i = 0; i < d; i++)
      mean[i] += x[r * d + i] / n;
  for (size_t i = 0; i < d; i++)
    {
      for (size_t r = 0; r < n; r++)
        var[i] += (x[r * d + i] - mean[i]) * (x[r * d + i] - mean[i]) / (n - 1);
      double se = sqrt (var[i] / n);
      gsl_test (fabs (mean[i] - mu[i]) > 4 * se,
                "%s sample: mean %zu: %g against %g (4 s.e. = %g)", form, i,
                mean[i], mu[i], 4 * se);
    }
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++)
      {
        double want = second[i * d + j] - mu[i] * mu[j];
        /* The covariance about the true mean: the mean of products,
           whose standard error is their spread over sqrt(n).  */
        double s1 = 0, s2 = 0;
        for (size_t r = 0; r < n; r++)
          {
            double t = (x[r * d + i] - mu[i]) * (x[r * d + j] - mu[j]);
            s1 += t;
            s2 += t * t;
          }
        double got = s1 / n, se = sqrt ((s2 / n - got * got) / n);
        gsl_test (fabs (got - want) > 4 * se,
                  "%s sample: covariance [%zu][%zu]: %g against %g "
                  "(4 s.e. = %g)", form, i, j, got, want, 4 * se);
      }
  free (x);
  free (y);
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

/* The draws with their components: the same points as without; each
   component drawn as often as its weight, and its points centred on
   its mean, within 4 standard errors.  */
static void
test_sample_labels (const char *form)
{
  const size_t k = 3, d = 2, n = 100000;
  vbgmm_model *m = make_model (form, k, d, 12);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  double *x = malloc (n * d * sizeof (double));
  double *y = malloc (n * d * sizeof (double));
  size_t *label = malloc (n * sizeof (size_t));
  vbgmm_predictive_sample (p, 7, n, x, NULL);
  vbgmm_predictive_sample_labels (p, 7, n, y, label, NULL);
  gsl_test (memcmp (x, y, n * d * sizeof (double)) != 0,
            "%s sample_labels: the same points as sample", form);
  double sa = 0;
  for (size_t c = 0; c < k; c++)
    sa += m->alpha[c];
  size_t bad = 0;
  for (size_t r = 0; r < n; r++)
    bad += label[r] >= k;
  gsl_test (bad != 0, "%s sample_labels: %zu labels out of range", form,
            bad);
  for (size_t c = 0; c < k; c++)
    {
      double w = m->alpha[c] / sa, count = 0, mean[2] = { 0 }, sq[2] = { 0 };
      for (size_t r = 0; r < n; r++)
        if (label[r] == c)
          {
            count++;
            for (size_t i = 0; i < d; i++)
              {
                mean[i] += y[r * d + i];
                sq[i] += y[r * d + i] * y[r * d + i];
              }
          }
      double se = sqrt (w * (1 - w) / n);
      gsl_test (fabs (count / n - w) > 4 * se,
                "%s sample_labels: component %zu drawn %g of the time, "
                "weight %g (4 s.e. = %g)", form, c, count / n, w, 4 * se);
      for (size_t i = 0; i < d; i++)
        {
          double mu = mean[i] / count;
          double s = sqrt ((sq[i] / count - mu * mu) / count);
          gsl_test (fabs (mu - m->m[c * d + i]) > 4 * s,
                    "%s sample_labels: component %zu: mean %zu %g against %g "
                    "(4 s.e. = %g)", form, c, i, mu, m->m[c * d + i], 4 * s);
        }
    }
  free (x);
  free (y);
  free (label);
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

/* The same numbers, to the bit, on 1, 2 and 3 threads, over a number
   of points that is no multiple of the blocks.  */
static void
test_threads (const char *form)
{
  const size_t n = 1001, d = 3;
  vbgmm_model *m = make_model (form, 3, d, 7);
  vbgmm_predictive *p = vbgmm_predictive_alloc (m, NULL);
  double *x = malloc (n * d * sizeof (double));
  double *a = malloc (n * sizeof (double)), *b = malloc (n * sizeof (double));
  for (size_t i = 0; i < n * d; i++)
    x[i] = 8 * sin (0.7 * i) + 0.01 * i;
  vbgmm_predictive_ln_density (p, x, n, 1, a, NULL);
  for (int t = 2; t <= 3; t++)
    {
      vbgmm_predictive_ln_density (p, x, n, t, b, NULL);
      gsl_test (memcmp (a, b, n * sizeof (double)) != 0,
                "%s: ln p the same on 1 and %d threads", form, t);
    }
  for (size_t i = 0; i < n; i += 97)
    gsl_test_rel (a[i], reference_ln_p (m, x + i * d), 1e-12,
                  "%s: ln p of point %zu of %zu", form, i, n);
  free (x);
  free (a);
  free (b);
  vbgmm_predictive_free (p);
  vbgmm_model_free (m);
}

int
main (void)
{
  gsl_set_error_handler_off ();
  static const char *const forms[] = { "full", "tied", "diag", "spherical" };
  test_write_predictions ();
  test_bad_weights ();
  test_far_many ();
  test_nonfinite_rows ();
  test_npy_dimension ();
  for (size_t f = 0; f < 4; f++)
    {
      test_predictions (forms[f]);
      test_reference (forms[f], 1, 3);
      test_reference (forms[f], 2, 14);
      test_reference (forms[f], 3, 5);
      test_reference (forms[f], 3, 400);
      test_far (forms[f], 1, 0);
      test_far (forms[f], 3, 0);
      test_far (forms[f], 1, -40);
      test_far (forms[f], 3, -40);
      test_nonfinite (forms[f], 1);
      test_nonfinite (forms[f], 3);
      test_integral_1d (forms[f]);
      test_integral_2d (forms[f]);
      test_sample (forms[f]);
      test_sample_labels (forms[f]);
      test_threads (forms[f]);
    }
  /* Each instruction set's density kernel (where the processor runs
     it) against the same reference.  */
  static const char *const kernels[] = { "generic", "avx2", "avx512" };
  for (size_t i = 0; i < 3; i++)
    {
      setenv ("VBGMM_KERNEL", kernels[i], 1);
      for (size_t f = 0; f < 4; f++)
        {
          test_reference (forms[f], 2, 14);
          test_reference (forms[f], 3, 400);
          test_far (forms[f], 3, 0);
          test_far (forms[f], 3, -40);
          test_nonfinite (forms[f], 3);
          test_threads (forms[f]);
        }
    }
  exit (gsl_test_summary ());
}
