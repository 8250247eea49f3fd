/* test_modelfile.c -- model.json: model -> JSON -> model -> JSON

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
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_test.h>

#include "error.h"
#include "vbgmm.h"

/* MODEL as model.json text (malloc'd), or NULL.  */
static char *
to_json (const vbgmm_model *model, size_t *len)
{
  char *buf = NULL;
  FILE *fp = open_memstream (&buf, len);
  vbgmm_error err = { 0 };
  int status = vbgmm_model_write (fp, model, &err);
  fclose (fp);
  gsl_test (status, "write: %s", status ? err.message : "");
  return buf;
}

static vbgmm_model *
from_json (const char *text, size_t len, vbgmm_error *err)
{
  FILE *fp = fmemopen ((void *) text, len, "r");
  vbgmm_model *m = vbgmm_model_read (fp, err);
  fclose (fp);
  return m;
}

/* The same double to the bit (so -0 is not 0, and NaN is NaN).  */
static int
same (const double *a, const double *b, size_t n)
{
  return memcmp (a, b, n * sizeof (double)) == 0;
}

/* Every field of A is in B exactly.  */
static void
compare (const vbgmm_model *a, const vbgmm_model *b, const char *what)
{
  size_t k = a->k, d = a->d;
  gsl_test (b->k != k || b->d != d, "%s: K and D", what);
  if (b->k != k || b->d != d)
    return;
  gsl_test (!same (a->alpha, b->alpha, k), "%s: alpha", what);
  gsl_test (!same (a->beta, b->beta, k), "%s: beta", what);
  gsl_test (!same (a->m, b->m, k * d), "%s: m", what);
  gsl_test (!same (a->W, b->W, k * d * d), "%s: W", what);
  gsl_test (!same (a->nu, b->nu, k), "%s: nu", what);
  gsl_test (!same (a->N, b->N, k), "%s: N_k", what);
  gsl_test (!same (a->shift, b->shift, d), "%s: shift", what);
  gsl_test (b->iterations != a->iterations, "%s: iterations", what);
  gsl_test (!same (a->bound + a->iterations - 1, b->bound + b->iterations - 1,
                   1), "%s: final bound", what);
  for (size_t t = 0; t + 1 < b->iterations; t++)
    gsl_test (!isnan (b->bound[t]), "%s: bound %zu is NaN", what, t);
  gsl_test (b->converged != a->converged, "%s: converged", what);
  gsl_test (b->decreases != a->decreases, "%s: decreases", what);
  gsl_test (b->n_points != a->n_points, "%s: N", what);
  gsl_test (b->init != a->init, "%s: init", what);
  gsl_test (b->seed != a->seed, "%s: seed", what);
  gsl_test (!same (&a->tol, &b->tol, 1), "%s: tol", what);
  gsl_test (b->max_iter != a->max_iter, "%s: max_iter", what);
  gsl_test (b->n_init != a->n_init || b->accelerate != a->accelerate
            || b->passes != a->passes, "%s: n_init, accelerate, passes",
            what);
  gsl_test (!a->names != !b->names, "%s: names present", what);
  if (a->names && b->names)
    for (size_t j = 0; j < d; j++)
      gsl_test (strcmp (a->names[j], b->names[j]) != 0, "%s: name %zu", what,
                j);
  gsl_test (!a->fields != !b->fields || a->n_fields != b->n_fields,
            "%s: fields present", what);
  if (a->fields && b->fields && a->n_fields == b->n_fields)
    gsl_test (memcmp (a->fields, b->fields, a->n_fields * sizeof (size_t)),
              "%s: fields", what);
  const vbgmm_prior *p = a->prior, *q = b->prior;
  gsl_test (!same (&p->alpha0, &q->alpha0, 1) || !same (&p->beta0, &q->beta0, 1)
            || !same (&p->nu0, &q->nu0, 1) || !same (p->m0, q->m0, d)
            || !same (p->W0, q->W0, d * d), "%s: prior", what);
  gsl_test (memcmp (a->units, b->units, d * sizeof (int)) != 0
            || memcmp (b->units, q->units, d * sizeof (int)) != 0,
            "%s: units (of the model and of its prior)", what);
}

/* Whether MODEL's model.json has the field "units".  */
static int
has_units (const vbgmm_model *model)
{
  size_t len;
  char *text = to_json (model, &len);
  int has = text && strstr (text, "\"units\": [") != NULL;
  free (text);
  return has;
}

/* Write, read, compare, write again: the same bytes.  */
static void
round_trip (const vbgmm_model *model, const char *what)
{
  size_t len1, len2;
  vbgmm_error err = { 0 };
  char *one = to_json (model, &len1);
  vbgmm_model *back = one ? from_json (one, len1, &err) : NULL;
  gsl_test (!back, "%s: read back: %s", what, back ? "" : err.message);
  if (back)
    {
      compare (model, back, what);
      char *two = to_json (back, &len2);
      gsl_test (!two || len1 != len2 || memcmp (one, two, len1) != 0,
                "%s: written again, the same bytes", what);
      free (two);
    }
  vbgmm_model_free (back);
  free (one);
}

/* A fit to three clusters in 2-D, with a header and --columns.  */
/* A copy has every field of a prior, in memory of its own.  */
static void
test_prior_copy (void)
{
  size_t d = 3;
  vbgmm_prior *prior = vbgmm_prior_alloc (d);
  prior->alpha0 = 0.25;
  prior->beta0 = 1e-3;
  prior->nu0 = 3.5;
  prior->gamma0 = 7;
  prior->covariance = vbgmm_covariance_lookup ("diag");
  prior->weights = vbgmm_weights_lookup ("dp");
  for (size_t i = 0; i < d; i++)
    {
      prior->m0[i] = 0.1 * (double) i - 1;
      prior->W0[i * d + i] = 1.0 / 3 + (double) i;
      prior->units[i] = 5 - 4 * (int) i;
    }
  vbgmm_prior *c = vbgmm_prior_copy (prior);
  gsl_test (!c, "vbgmm_prior_copy");
  if (!c)
    return;
  gsl_test (c->d != d || c->alpha0 != prior->alpha0
            || c->beta0 != prior->beta0 || c->nu0 != prior->nu0
            || c->gamma0 != prior->gamma0
            || c->covariance != prior->covariance
            || c->weights != prior->weights,
            "prior copy: the scalars and the form");
  gsl_test (memcmp (c->m0, prior->m0, d * sizeof (double))
            || memcmp (c->W0, prior->W0, d * d * sizeof (double))
            || memcmp (c->units, prior->units, d * sizeof (int)),
            "prior copy: m0, W0, units");
  gsl_test (c->m0 == prior->m0 || c->W0 == prior->W0
            || c->units == prior->units, "prior copy: its own arrays");
  vbgmm_prior_free (c);
  vbgmm_prior_free (prior);
}

static void
test_fit (void)
{
  size_t n = 300, d = 2;
  vbgmm_data *data = vbgmm_data_alloc (n, d);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  for (size_t i = 0; i < n; i++)
    {
      data->x[i * d] = 4.0 * (i % 3) + gsl_ran_gaussian (rng, 1);
      data->x[i * d + 1] = -2.0 * (i % 3) + gsl_ran_gaussian (rng, 0.5);
    }
  data->names = calloc (d, sizeof *data->names);
  data->names[0] = strdup ("speed \"km/h\"");
  data->names[1] = strdup ("h\xc3\xb6he");
  vbgmm_prior *prior = vbgmm_prior_alloc (d);
  prior->m0[0] = 0.1;
  prior->W0[1] = prior->W0[2] = 1.0 / 3;
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = 4;
  opt.seed = 7;
  vbgmm_error err = { 0 };
  vbgmm_model *model = vbgmm_fit (data, prior, &opt, &err);
  gsl_test (!model, "fit: %s", model ? "" : err.message);
  if (model)
    {
      round_trip (model, "fit with a header");
      model->fields = malloc (2 * sizeof (size_t));
      model->fields[0] = 4;
      model->fields[1] = 1;
      model->n_fields = 2;
      round_trip (model, "fit with fields");
      for (size_t j = 0; j < d; j++)
        free (model->names[j]);
      free (model->names);
      model->names = NULL;
      round_trip (model, "fit without a header");
      /* The fit's units, the binary exponents of the columns' mean
         absolute deviations, are written; units all 0 are the data's
         own, and not.  */
      for (size_t j = 0; j < d; j++)
        {
          double mean = 0, mad = 0;
          for (size_t i = 0; i < n; i++)
            mean += data->x[i * d + j] / n;
          for (size_t i = 0; i < n; i++)
            mad += fabs (data->x[i * d + j] - mean) / n;
          gsl_test (model->units[j] != ilogb (mad), "fit: units[%zu] = %d, "
                    "the exponent of the spread %g", j, model->units[j], mad);
        }
      gsl_test (!has_units (model), "fit: model.json holds the units");
      model->units[0] = model->prior->units[0] = -1021;
      model->units[1] = model->prior->units[1] = 1021;
      round_trip (model, "units at their bounds");
      model->units[0] = model->prior->units[0] = 0;
      model->units[1] = model->prior->units[1] = 0;
      gsl_test (has_units (model), "units all 0: no field \"units\"");
      round_trip (model, "units all 0");
    }
  vbgmm_model_free (model);
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
  gsl_rng_free (rng);
}

/* Numbers at the edges of the doubles read back to the same bits.  */
static void
test_extremes (void)
{
  size_t k = 2, d = 2;
  vbgmm_model *m = vbgmm_model_alloc (k, d, 3);
  m->prior = vbgmm_prior_alloc (d);
  const double odd[] = { 0.1, 1.0 / 3, -0.0, 5e-324, DBL_MAX, -DBL_MIN,
                         2.2250738585072009e-308, 123456789012345678.0 };
  for (size_t c = 0; c < k; c++)
    {
      m->alpha[c] = c ? 5e-324 : 0.1;
      m->beta[c] = c ? DBL_MAX : 1.0 / 3;
      m->nu[c] = c ? 1 + DBL_EPSILON : 1e300;
      m->N[c] = c ? -0.0 : 2.2250738585072009e-308;
      for (size_t i = 0; i < d; i++)
        m->m[c * d + i] = odd[(c * d + i) % 8 + 2];
      m->W[c * d * d] = 1.0 / 3;
      m->W[c * d * d + 1] = m->W[c * d * d + 2] = c ? -1e-160 : 0.1;
      m->W[c * d * d + 3] = c ? 1e-300 : 0.7;
    }
  m->shift[0] = -0.0;
  m->shift[1] = 1e-320;
  m->bound[2] = -1.0 / 7;
  m->iterations = 3;
  m->n_points = (size_t) 1 << 53;
  m->seed = ULONG_MAX;
  m->tol = 1e-10;
  m->max_iter = 3;
  m->init = VBGMM_INIT_RANDOM;
  m->decreases = 1;
  m->n_init = 5;
  m->accelerate = 1;
  m->passes = 4;
  round_trip (m, "extreme numbers");
  vbgmm_model_free (m);
}

/* A model of K components and the form WEIGHTS, every field a fit
   fills set, that model.json can hold.  */
static vbgmm_model *
small_model (size_t k, const char *weights)
{
  size_t d = 1;
  vbgmm_model *m = vbgmm_model_alloc (k, d, 2);
  m->prior = vbgmm_prior_alloc (d);
  m->weights = m->prior->weights = vbgmm_weights_lookup (weights);
  for (size_t c = 0; c < k; c++)
    {
      /* Sticks from 0.005 to 0.1 of what is left: no weight below the
         doubles over a few thousand components.  */
      m->alpha[c] = 1 + (double) (c % 7);
      m->b[c] = 10 + (double) (c % 190);
      m->beta[c] = 1;
      m->nu[c] = 2;
      m->N[c] = m->alpha[c] - 1;
      m->W[c] = 1;
    }
  m->bound[1] = -3;
  m->iterations = 2;
  m->max_iter = 2;
  m->n_init = 1;
  m->init = VBGMM_INIT_KMEANSPP;
  m->tol = 0;
  return m;
}

/* The weight section of params.dat and the "weight" fields of
   model.json: each E[pi_k], against sums and products in long
   double; vbgmm_model_weights and vbgmm_model_weight the same bits.
   K in the thousands (each weight alone costs K: params.dat of K = 2e6
   did not end in minutes when it took them so).  */
static void
test_weights (const char *weights)
{
  const size_t k = 3000;
  vbgmm_model *m = small_model (k, weights);
  int dp = strcmp (weights, "dp") == 0;
  double *all = malloc (k * sizeof (double));
  vbgmm_model_weights (m, all);
  long double sum = 0, rest = 1;
  for (size_t c = 0; c < k; c++)
    sum += m->alpha[c];
  size_t bad = 0, differ = 0;
  for (size_t c = 0; c < k; c++)
    {
      long double want = dp ? (c + 1 < k ? m->alpha[c] / (long double)
                                           (m->alpha[c] + m->b[c]) : 1) * rest
                            : m->alpha[c] / sum;
      rest *= m->b[c] / (long double) (m->alpha[c] + m->b[c]);
      bad += fabsl (all[c] - want) > 1e-12L * want;
      differ += all[c] != vbgmm_model_weight (m, c);
    }
  gsl_test (bad, "%s: %zu of %zu weights off the reference", weights, bad,
            k);
  gsl_test (differ, "%s: %zu weights one at a time not the same bits",
            weights, differ);

  /* params.dat: the section "weight:", one line a component.  */
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&text, &len);
  int status = vbgmm_write_params (fp, m);
  fclose (fp);
  gsl_test (status, "%s: params.dat written (status %d)", weights, status);
  const char *at = text ? strstr (text, "\nweight:\n") : NULL;
  gsl_test (!at, "%s: params.dat has a weight section", weights);
  size_t read = 0;
  bad = 0;
  for (at = at ? at + 9 : NULL; at && read < k; read++)
    {
      size_t c;
      double w;
      int used;
      if (sscanf (at, "cluster %zu: %lg\n%n", &c, &w, &used) != 2
          || c != read)
        break;
      bad += memcmp (&w, all + c, sizeof w) != 0;
      at += used;
    }
  gsl_test (read != k || bad, "%s: params.dat: %zu weights read, %zu not "
            "E[pi_k]", weights, read, bad);
  free (text);

  /* model.json: "weight" in every component, in order.  */
  text = to_json (m, &len);
  at = text;
  read = bad = 0;
  while (at && (at = strstr (at, "\"weight\": ")) && read < k)
    {
      at += 10;
      bad += strtod (at, NULL) != all[read++];
    }
  gsl_test (read != k || bad, "%s: model.json: %zu weights, %zu not "
            "E[pi_k]", weights, read, bad);
  free (text);
  free (all);
  vbgmm_model_free (m);
}

/* model.json of a model that records no start (n_init 0) is refused
   when read: so it is when written, and nothing is written.  */
static void
test_no_start (void)
{
  vbgmm_model *m = small_model (2, "dirichlet");
  m->n_init = 0;
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&text, &len);
  vbgmm_error err = { 0 };
  int status = vbgmm_model_write (fp, m, &err);
  fclose (fp);
  gsl_test (status != VBGMM_EINVAL || len != 0, "n_init 0: refused "
            "(status %d), nothing written (%zu bytes)", status, len);
  gsl_test_str (err.message, "the model records no start (n_init 0)",
                "n_init 0: the message");
  free (text);
  vbgmm_model_free (m);
}

/* A full disk is the writer's error, not the one of the caller's
   fclose: params.dat, vblikelihood.txt, model.json to /dev/full.  */
static void
test_full_disk (void)
{
  vbgmm_model *m = small_model (2, "dirichlet");
  FILE *fp = fopen ("/dev/full", "w");
  if (!fp)
    return;
  gsl_test (vbgmm_write_params (fp, m) != VBGMM_EIO,
            "params.dat to /dev/full: VBGMM_EIO");
  clearerr (fp);
  gsl_test (vbgmm_write_bound (fp, m) != VBGMM_EIO,
            "vblikelihood.txt to /dev/full: VBGMM_EIO");
  clearerr (fp);
  vbgmm_error err = { 0 };
  int status = vbgmm_model_write (fp, m, &err);
  gsl_test (status != VBGMM_EIO || strcmp (err.message, "write error: No "
                                           "space left on device") != 0,
            "model.json to /dev/full: VBGMM_EIO (status %d: %s)", status,
            err.message);
  /* The rows of z.csv, the labels, the densities and z.npy: a few
     points, which the stream's buffer would hold until fclose.  */
  vbgmm_data *data = vbgmm_data_alloc (3, 1);
  for (size_t r = 0; r < 3; r++)
    data->x[r] = (double) r;
  FILE *none = NULL;
  for (int out = 0; out < 4; out++)
    {
      static const char *const what[] = { "z.csv", "labels.csv",
                                          "density.csv", "z.npy" };
      clearerr (fp);
      memset (&err, 0, sizeof err);
      status = out == 3 ? vbgmm_write_z_npy (fp, m, data, 1, &err)
               : vbgmm_write_predictions (out == 0 ? fp : none,
                                          out == 1 ? fp : none,
                                          out == 2 ? fp : none, NULL, m,
                                          data, 1, &err);
      gsl_test (status != VBGMM_EIO
                || strcmp (err.message, "write error: No space left on "
                           "device") != 0,
                "%s to /dev/full: VBGMM_EIO (status %d: %s)", what[out],
                status, err.message);
    }
  vbgmm_data_free (data);
  fclose (fp);
  vbgmm_model_free (m);
}

/* The messages quote bytes of files: those a terminal would not show
   as a visible character of one line come out as \xHH, never cut
   inside a character or an escape.  */
static void
test_printable (void)
{
  static const struct { const char *in, *want; } cases[] = {
    { "plain text, a tab\there", "plain text, a tab\there" },
    { "esc\033[1m", "esc\\x1b[1m" },
    { "line\nbreak\r", "line\\x0abreak\\x0d" },
    { "del\177", "del\\x7f" },
    { "caf\xe9", "caf\\xe9" },                      /* Latin-1 */
    { "caf\xc3\xa9", "caf\xc3\xa9" },                 /* UTF-8 */
    { "\xe2\x82\xac\xf0\x9f\x98\x80", "\xe2\x82\xac\xf0\x9f\x98\x80" },
    { "nel\xc2\x85", "nel\\xc2\\x85" },              /* U+0085 */
    { "\xef\xbb\xbf{", "\\xef\\xbb\\xbf{" },          /* U+FEFF */
    { "\xe2\x80\xaertl", "\\xe2\\x80\\xaertl" },      /* U+202E */
    { "\xe2\x80\xa8", "\\xe2\\x80\\xa8" },            /* U+2028 */
    { "\xed\xa0\x80", "\\xed\\xa0\\x80" },            /* a surrogate */
    { "\xc0\xaf", "\\xc0\\xaf" },                    /* overlong */
    { "\xe2\x82", "\\xe2\\x82" },                    /* cut short */
  };
  char out[64];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
      vbgmm_text_printable (out, sizeof out, cases[i].in);
      gsl_test (strcmp (out, cases[i].want) != 0,
                "printable: case %zu gives '%s'", i, out);
    }
  static const struct { size_t size; const char *in, *want; } cut[] = {
    { 6, "ab\033cd", "ab" }, { 7, "ab\033cd", "ab\\x1b" },
    { 4, "ab\xc3\xa9", "ab" }, { 5, "ab\xc3\xa9", "ab\xc3\xa9" },
    { 1, "abc", "" },
  };
  for (size_t i = 0; i < sizeof cut / sizeof *cut; i++)
    {
      vbgmm_text_printable (out, cut[i].size, cut[i].in);
      gsl_test (strcmp (out, cut[i].want) != 0,
                "printable: %zu bytes give '%s'", cut[i].size, out);
    }
}

int
main (void)
{
  gsl_set_error_handler_off ();
  test_prior_copy ();
  test_fit ();
  test_extremes ();
  test_weights ("dirichlet");
  test_weights ("dp");
  test_no_start ();
  test_full_disk ();
  test_printable ();
  exit (gsl_test_summary ());
}
