/* test_plot.c -- draw synthetic mixtures through plot.c

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

/* Usage: test_plot DIR     draw every kind of picture into DIR
          test_plot --palette   print the cluster palette for pngcheck.py

   Draws mixtures with known parameters (fixed seeds) in 1, 2, 3 and 5
   dimensions, the bound, and the error cases; exits 1 if a call that
   should succeed fails, a call that should fail succeeds, or a file is
   missing.  The pictures themselves are checked by pngcheck.py.  */

#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static int failures;

#define CHECK(cond, ...)                                  \
  do                                                      \
    {                                                     \
      if (!(cond))                                        \
        {                                                 \
          failures++;                                     \
          printf ("FAIL: %s:%d: ", __FILE__, __LINE__);   \
          printf (__VA_ARGS__);                           \
          printf ("\n");                                  \
        }                                                 \
    }                                                     \
  while (0)

/* A mixture of K components in D dimensions, the first KEFF of them
   effective, with N points drawn from it; the label of a point is the
   component that drew it.  */
typedef struct mixture
{
  size_t n, d, k, keff;
  double *x, *weight, *m, *cov;
  int *label, *effective;
} mixture;

static void
mixture_free (mixture *mx)
{
  free (mx->x);
  free (mx->weight);
  free (mx->m);
  free (mx->cov);
  free (mx->label);
  free (mx->effective);
}

static int
mixture_make (mixture *mx, size_t n, size_t d, size_t k, size_t keff,
              double offset, unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  double *L = calloc (k * d * d, sizeof *L), total = 0.;
  size_t i, j, a, b, c;

  memset (mx, 0, sizeof *mx);
  mx->n = n;
  mx->d = d;
  mx->k = k;
  mx->keff = keff;
  mx->x = malloc (n * d * sizeof *mx->x);
  mx->weight = malloc (k * sizeof *mx->weight);
  mx->m = malloc (k * d * sizeof *mx->m);
  mx->cov = calloc (k * d * d, sizeof *mx->cov);
  mx->label = malloc (n * sizeof *mx->label);
  mx->effective = calloc (k, sizeof *mx->effective);
  if (rng == NULL || L == NULL || mx->x == NULL || mx->weight == NULL
      || mx->m == NULL || mx->cov == NULL || mx->label == NULL
      || mx->effective == NULL)
    {
      gsl_rng_free (rng);
      free (L);
      return -1;
    }
  gsl_rng_set (rng, seed);

  /* Means spread over a box of side 12, a random lower-triangular
     factor per component, unequal weights; the non-effective
     components get a weight of almost nothing, as in a real fit.  */
  for (c = 0; c < k; c++)
    {
      for (a = 0; a < d; a++)
        {
          mx->m[c * d + a] = offset + gsl_ran_flat (rng, -6., 6.);
          for (b = 0; b <= a; b++)
            L[c * d * d + a * d + b] = a == b
              ? gsl_ran_flat (rng, 0.4, 1.3) : gsl_ran_gaussian (rng, 0.5);
        }
      for (a = 0; a < d; a++)
        for (b = 0; b < d; b++)
          {
            double s = 0.;
            for (j = 0; j < d; j++)
              s += L[c * d * d + a * d + j] * L[c * d * d + b * d + j];
            mx->cov[c * d * d + a * d + b] = s;
          }
      mx->effective[c] = c < keff;
      mx->weight[c] = c < keff ? 1. + c : 1e-4;
      total += mx->weight[c];
    }
  for (c = 0; c < k; c++)
    mx->weight[c] /= total;

  for (i = 0; i < n; i++)
    {
      double u = gsl_rng_uniform (rng), acc = 0.;
      double z[16];

      for (c = 0; c + 1 < k; c++)
        {
          acc += mx->weight[c];
          if (u < acc)
            break;
        }
      /* A few points labelled with an empty component, to be grey.  */
      if (k > keff && i % 997 == 5)
        c = keff;
      mx->label[i] = (int) c;
      for (a = 0; a < d; a++)
        z[a] = gsl_ran_gaussian (rng, 1.);
      for (a = 0; a < d; a++)
        {
          double s = mx->m[c * d + a];
          for (b = 0; b <= a; b++)
            s += L[c * d * d + a * d + b] * z[b];
          mx->x[i * d + a] = s;
        }
    }
  gsl_rng_free (rng);
  free (L);
  return 0;
}

static const plot_spec png = { "pngcairo", 800, 600 };

static void
check_file (const char *path)
{
  struct stat st;
  CHECK (stat (path, &st) == 0 && st.st_size > 100,
         "%s missing or empty", path);
}

/* plot_clusters of the mixture MX, or of the sample ROWS[0..NROWS-1]
   of its points (ROWS NULL: all).  */
static int
plot_sample (const char *path, const plot_spec *spec, const mixture *mx,
             const size_t *rows, size_t nrows, const char *const *names,
             const size_t *dims, size_t ndims, int force_matrix, char *err,
             size_t errlen)
{
  /* The covariances of the drawn dimensions, when they are valid ones
     (the others are for plot_clusters to refuse).  */
  size_t k = mx->k, d = mx->d, nd = ndims;
  double *cov = calloc (k * (nd ? nd * nd : 1), sizeof *cov);
  int status;
  CHECK (cov != NULL, "out of memory");
  for (size_t c = 0; cov && c < k; c++)
    for (size_t a = 0; a < nd; a++)
      for (size_t b = 0; b < nd; b++)
        if (dims && dims[a] < d && dims[b] < d)
          cov[(c * nd + a) * nd + b] = mx->cov[(c * d + dims[a]) * d + dims[b]];
  int *label = malloc ((rows ? nrows : 1) * sizeof *label);
  CHECK (label != NULL, "out of memory");
  for (size_t j = 0; rows && label && j < nrows; j++)
    label[j] = mx->label[rows[j]];
  status = plot_clusters (path, spec, mx->n, mx->d, mx->x, rows, nrows,
                          rows ? label : mx->label, mx->k, mx->weight, mx->m,
                          cov, mx->effective, names, dims, ndims,
                          force_matrix, err, errlen);
  free (label);
  free (cov);
  return status;
}

static int
plot_mixture (const char *path, const plot_spec *spec, const mixture *mx,
              const char *const *names, const size_t *dims, size_t ndims,
              int force_matrix, char *err, size_t errlen)
{
  return plot_sample (path, spec, mx, NULL, 0, names, dims, ndims,
                      force_matrix, err, errlen);
}

/* The bytes of the file PATH, or NULL; its length in LEN.  */
static char *
slurp (const char *path, size_t *len)
{
  FILE *fp = fopen (path, "rb");
  char *buf = NULL;
  long size;
  if (fp && fseek (fp, 0, SEEK_END) == 0 && (size = ftell (fp)) >= 0
      && fseek (fp, 0, SEEK_SET) == 0 && (buf = malloc (size + 1))
      && fread (buf, 1, size, fp) == (size_t) size)
    *len = size;
  else
    {
      free (buf);
      buf = NULL;
    }
  if (fp)
    fclose (fp);
  return buf;
}

/* A sample of every row, in order, draws the very picture of all the
   rows; a sample of every STEP-th row draws one too.  */
static void
draw_samples (const char *dir, const char *file, const plot_spec *spec,
              const mixture *mx, const size_t *dims, size_t ndims,
              size_t step)
{
  char all[4096], same[4096], thin[4096], err[512] = "";
  size_t *rows = malloc (mx->n * sizeof *rows), i, la = 0, ls = 0;
  CHECK (rows != NULL, "out of memory");
  if (!rows)
    return;
  snprintf (all, sizeof all, "%s/%s.png", dir, file);
  snprintf (same, sizeof same, "%s/%s-rows.png", dir, file);
  snprintf (thin, sizeof thin, "%s/%s-thin.png", dir, file);
  for (i = 0; i < mx->n; i++)
    rows[i] = i;
  CHECK (plot_mixture (all, spec, mx, NULL, dims, ndims, 0, err, sizeof err)
         == 0, "%s: %s", all, err);
  CHECK (plot_sample (same, spec, mx, rows, mx->n, NULL, dims, ndims, 0, err,
                      sizeof err) == 0, "%s: %s", same, err);
  char *a = slurp (all, &la), *b = slurp (same, &ls);
  CHECK (a && b && la == ls && memcmp (a, b, la) == 0,
         "%s: a sample of every row draws the picture of all of them", file);
  free (a);
  free (b);
  for (i = 0; i * step < mx->n; i++)
    rows[i] = i * step;
  CHECK (plot_sample (thin, spec, mx, rows, i, NULL, dims, ndims, 0, err,
                      sizeof err) == 0, "%s: %s", thin, err);
  check_file (thin);
  free (rows);
}

static void
draw (const char *dir, const char *file, const plot_spec *spec,
      const mixture *mx, const char *const *names, const size_t *dims,
      size_t ndims, int force_matrix)
{
  char path[4096], err[512] = "";
  int status;

  snprintf (path, sizeof path, "%s/%s", dir, file);
  status = plot_mixture (path, spec, mx, names, dims, ndims, force_matrix,
                         err, sizeof err);
  CHECK (status == 0, "%s: %s", file, err);
  check_file (path);
}

static void
draw_bound (const char *dir, const char *file, const double *bound,
            size_t n, int converged)
{
  char path[4096], err[512] = "";

  snprintf (path, sizeof path, "%s/%s", dir, file);
  CHECK (plot_bound (path, &png, bound, n, converged, err, sizeof err) == 0,
         "%s: %s", file, err);
  check_file (path);
}

/* A rising, flattening bound like a real fit's: a poor start, a big
   first step, then geometric convergence.  */
static void
make_bound (double *bound, size_t n, double first)
{
  size_t i;
  for (i = 0; i < n; i++)
    bound[i] = -3012.5 - 400. * pow (0.8, (double) i);
  bound[0] = first;
}

static void
expect_failure (int status, const char *err, const char *what)
{
  CHECK (status != 0, "%s: succeeded", what);
  CHECK (err[0] != '\0', "%s: no message", what);
}

/* plot_mixture to PATH fails, with a message.  */
static void
draw_fails (const char *path, const plot_spec *spec, const mixture *mx,
            const size_t *dims, size_t ndims, const char *what)
{
  char err[512] = "";
  expect_failure (plot_mixture (path, spec, mx, NULL, dims, ndims, 0, err,
                                sizeof err), err, what);
}

int
main (int argc, char **argv)
{
  static const char *const names3[] = { "height", "weight #kg", "age" };
  static const char *const names5[] = {
    "sepal length", "sepal width", "petal length",
    "a very long column name indeed, far too long", "\xce\xbc (\xc2\xb5m)"
  };
  const size_t dims[] = { 0, 1, 2, 3, 4 };
  const size_t dims_bad[] = { 0, 7 };
  mixture m1, m2, mbig, m3, m5;
  double bound[200];
  char err[512], path[4096];
  const char *dir;
  size_t i;

  if (argc == 2 && strcmp (argv[1], "--palette") == 0)
    {
      for (i = 0; i < PLOT_PALETTE_SIZE; i++)
        printf ("%s%06lx", i ? "," : "", plot_palette[i]);
      printf ("\n");
      return 0;
    }
  if (argc != 2)
    {
      fprintf (stderr, "usage: test_plot DIR | --palette\n");
      return 2;
    }
  dir = argv[1];

  if (mixture_make (&m1, 3000, 1, 6, 3, 0., 1) != 0
      || mixture_make (&m2, 2000, 2, 6, 4, 0., 2) != 0
      || mixture_make (&mbig, 120000, 2, 8, 7, 1e5, 3) != 0
      || mixture_make (&m3, 1500, 3, 6, 4, 0., 4) != 0
      || mixture_make (&m5, 1500, 5, 6, 5, 0., 5) != 0)
    {
      printf ("FAIL: out of memory\n");
      return 1;
    }

  draw (dir, "clusters-1d.png", &png, &m1, NULL, dims, 1, 0);
  draw (dir, "clusters-2d.png", &png, &m2, NULL, dims, 2, 0);
  /* Thinned to PLOT_MAX_POINTS, far from the origin, 7 colours.  */
  draw (dir, "clusters-2d-big.png", &png, &mbig, NULL, dims, 2, 0);
  draw (dir, "clusters-3d.png", &png, &m3, names3, dims, 3, 0);
  draw (dir, "clusters-3d-matrix.png", &png, &m3, names3, dims, 3, 1);
  draw (dir, "clusters-5d.png", &png, &m5, names5, dims, 4, 0);
  /* Samples of the rows: histograms (1-D and the matrix's diagonal)
     and scatters.  */
  draw_samples (dir, "sample-1d", &png, &m1, dims, 1, 3);
  draw_samples (dir, "sample-5d", &png, &m5, dims, 4, 3);
  {
    /* Other sizes and formats, and the same picture twice: a fresh
       stream each time.  */
    const plot_spec big = { "pngcairo", 1600, 1200 };
    const plot_spec svg = { "svgcairo", 800, 600 };
    const plot_spec pdf = { "pdfcairo", 800, 600 };
    const size_t dims_rev[] = { 4, 2 };
    draw (dir, "clusters-5d-big.png", &big, &m5, names5, dims, 5, 0);
    draw (dir, "clusters-5d-pair.png", &png, &m5, names5, dims_rev, 2, 0);
    draw (dir, "clusters-2d.svg", &svg, &m2, NULL, dims, 2, 0);
    draw (dir, "clusters-2d.pdf", &pdf, &m2, NULL, dims, 2, 0);
    draw (dir, "clusters-2d-again.png", &png, &m2, NULL, dims, 2, 0);
  }

  make_bound (bound, 60, -9000.);
  draw_bound (dir, "bound.png", bound, 60, 1);
  make_bound (bound, 200, -3500.);
  draw_bound (dir, "bound-notconv.png", bound, 200, 0);
  draw_bound (dir, "bound-one.png", bound, 1, 0);
  for (i = 0; i < 40; i++)
    bound[i] = -1234567.25 - 0.5 * pow (0.7, (double) i);
  draw_bound (dir, "bound-large.png", bound, 40, 1);
  /* A bound that moves by a few units in the last place (a warm start
     from the optimum): PLplot spun for ever on ticks finer than the
     numbers' resolution.  SIGALRM ends the test if it hangs.  */
  {
    static const double flat[] = {
      -12028.895523951847, -12028.895523951833, -12028.895523951833,
      -12028.895523951831, -12028.895523951831, -12028.895523951831
    };
    alarm (20);
    draw_bound (dir, "bound-ulps.png", flat, 6, 0);
    alarm (0);
  }

  /* Degenerate data: one point, a constant column.  */
  {
    mixture one = m2;
    one.n = 1;
    draw (dir, "clusters-one-point.png", &png, &one, NULL, dims, 2, 0);
    for (i = 0; i < m2.n; i++)
      m2.x[i * 2 + 1] = 3.;
    draw (dir, "clusters-constant.png", &png, &m2, NULL, dims, 2, 0);
  }

  /* Errors: a message, no exit, nothing printed.  */
  {
    const plot_spec bad = { "xwin", 800, 600 };
    const plot_spec tiny = { "pngcairo", 2, 2 };

    draw_fails ("/nonexistent/dir/x.png", &png, &m2, dims, 2, "bad dir");
    snprintf (path, sizeof path, "%s/bad.png", dir);
    draw_fails (path, &bad, &m2, dims, 2, "bad device");
    draw_fails (path, &tiny, &m2, dims, 2, "tiny page");
    draw_fails ("-", &png, &m2, dims, 2, "stdout");
    draw_fails (path, &png, &m2, dims_bad, 2, "bad dims");
    draw_fails (path, &png, &m2, dims, 0, "no dims");
    err[0] = '\0';
    expect_failure (plot_bound (path, &png, bound, 0, 1, err, sizeof err),
                    err, "no iterations");
    bound[3] = NAN;
    err[0] = '\0';
    expect_failure (plot_bound (path, &png, bound, 10, 1, err, sizeof err),
                    err, "NaN bound");
  }
  /* Still working after the errors.  */
  draw (dir, "clusters-after-errors.png", &png, &m2, NULL, dims, 2, 0);

  mixture_free (&m1);
  mixture_free (&m2);
  mixture_free (&mbig);
  mixture_free (&m3);
  mixture_free (&m5);
  if (failures == 0)
    printf ("PASS: test_plot\n");
  return failures != 0;
}
