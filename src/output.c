/* output.c -- the output files: params.dat, vblikelihood.txt, z.csv

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

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "error.h"
#include "fit.h"
#include "fmt17.h"
#include "responsibility.h"
#include "covariance.h"
#include "vbgmm.h"
#include "weights.h"

/* Numbers are written in the C locale whatever the caller chose: a
   decimal comma would break every reader of these files.  */
static locale_t
c_locale_enter (locale_t *old)
{
  locale_t c = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
  *old = c ? uselocale (c) : (locale_t) 0;
  return c;
}

static void
c_locale_leave (locale_t c, locale_t old)
{
  if (c)
    {
      uselocale (old);
      freelocale (c);
    }
}

static void
write_section (FILE *fp, const char *name, const double *v, size_t k)
{
  fprintf (fp, "%s:\n", name);
  for (size_t c = 0; c < k; c++)
    fprintf (fp, "cluster %zu: %.17g\n", c, v[c]);
}

/* V, in the model's units, times 2^E: in the data's units.  Through
   long double, whose range (to 1e4932 on x86-64) holds the precision W
   of data near 1e-200 (1e400); where long double is no wider than
   double such a number is printed as inf or 0.  A power of two scales
   exactly, so a number within the range of doubles prints as "%.17g"
   would print it: a normal one by vbgmm_fmt17, those bytes faster
   (a model in D = 1024 has ten million of them).  */
static void
put_scaled (FILE *fp, double v, int e, const char *sep)
{
  double s = ldexp (v, e);
  if (isnormal (s))
    {
      char buf[32];
      size_t n = vbgmm_fmt17 (s, buf);
      fputs (sep, fp);
      fwrite (buf, 1, n, fp);
    }
  else
    fprintf (fp, "%s%.17Lg", sep, ldexpl ((long double) v, e));
}

/* The status of a stream written to: its buffer flushed, so that the
   error of a full disk is the writer's to report, not its caller's
   fclose.  */
static int
written (FILE *fp)
{
  return fflush (fp) != 0 || ferror (fp) ? VBGMM_EIO : VBGMM_SUCCESS;
}

int
vbgmm_write_params (FILE *fp, const vbgmm_model *model)
{
  const int *u = model->units;
  size_t k = model->k, d = model->d;
  /* All K weights at once: one at a time costs K each.  */
  double *weight = malloc ((k ? k : 1) * sizeof (double));
  if (!weight)
    return VBGMM_ENOMEM;
  vbgmm_model_weights (model, weight);
  locale_t old, c_loc = c_locale_enter (&old);

  /* The weights' sections: alpha, or a and b of the sticks.  */
  const vbgmm_weights_type *wt = model->weights;
  write_section (fp, wt->sections[0], model->alpha, wt->rows (k));
  if (wt->sections[1])
    write_section (fp, wt->sections[1], model->b, wt->rows (k));
  fputs ("m:\n", fp);
  for (size_t c = 0; c < k; c++)
    {
      fprintf (fp, "cluster %zu:", c);
      for (size_t i = 0; i < d; i++)
        put_scaled (fp, model->m[c * d + i], u[i], " ");
      fputc ('\n', fp);
    }
  fputs ("W:\n", fp);
  for (size_t c = 0; c < k; c++)
    {
      /* D lines of D numbers; diag: a line of the diagonal;
         spherical: the one number.  */
      const double *W = model->W + c * d * d;
      int shape = model->covariance->w_shape;
      fprintf (fp, "cluster %zu:\n", c);
      if (shape == VBGMM_W_SCALAR)
        {
          /* One number times the identity: every column has the same
             units (the spherical form is not equivariant otherwise).  */
          put_scaled (fp, W[0], -2 * u[0], "");
          fputc ('\n', fp);
        }
      else
        for (size_t i = 0; i < d; i++)
          {
            const int diagonal = shape == VBGMM_W_DIAGONAL;
            for (size_t j = diagonal ? i : 0; j < (diagonal ? i + 1 : d); j++)
              {
                put_scaled (fp, W[i * d + j], -u[i] - u[j], "");
                fputc (diagonal ? (i + 1 < d ? ' ' : '\n')
                       : j + 1 < d ? ' ' : '\n', fp);
              }
          }
    }
  write_section (fp, "nu", model->nu, k);
  write_section (fp, "beta", model->beta, k);
  write_section (fp, "weight", weight, k);
  write_section (fp, "N", model->N, k);

  c_locale_leave (c_loc, old);
  free (weight);
  return written (fp);
}

int
vbgmm_write_bound (FILE *fp, const vbgmm_model *model)
{
  locale_t old, c_loc = c_locale_enter (&old);
  fputs ("iter\tlower bound\n", fp);
  for (size_t t = 0; t < model->iterations; t++)
    fprintf (fp, "%zu\t%.17g\n", t + 1, model->bound[t]);
  c_locale_leave (c_loc, old);
  return written (fp);
}

/* A number "%.17g" is at most 24 characters, and a separator follows
   each.  */
#define CELL 25

/* Formats row I of a block into P, returns its length.  */
typedef size_t row_format (size_t i, char *p, const double *r, size_t k);

typedef struct rows_sink
{
  FILE *z, *labels, *density;   /* any may be NULL */
  int threads;
  char *buf;
  size_t cap;
  size_t *len;
  size_t len_cap;
  /* For density.csv: the points, the next row, ln p of a block.  */
  const vbgmm_predictive *pred;
  const vbgmm_data *data;
  size_t row;
  double *ln_p;
  size_t ln_p_cap;
  double total;
} rows_sink;

size_t
vbgmm_most_likely (const double *r, size_t k)
{
  size_t best = 0;
  for (size_t c = 1; c < k; c++)
    if (r[c] > r[best])
      best = c;
  return best;
}

static size_t
z_row (size_t i, char *p, const double *r, size_t k)
{
  size_t n = 0;
  for (size_t c = 0; c < k; c++)
    {
      n += vbgmm_fmt17 (r[i * k + c], p + n);
      p[n++] = c + 1 < k ? ',' : '\n';
    }
  return n;
}

/* The most likely component (the first of equals) and its probability.  */
static size_t
label_row (size_t i, char *p, const double *r, size_t k)
{
  const double *row = r + i * k;
  size_t best = vbgmm_most_likely (row, k);
  /* "%zu," without printf, which took a tenth of a short run.  */
  char t[24];
  size_t n = 0, b = best;
  do
    t[n++] = (char) ('0' + b % 10);
  while ((b /= 10) != 0);
  for (size_t j = 0; j < n; j++)
    p[j] = t[n - 1 - j];
  p[n++] = ',';
  n += vbgmm_fmt17 (row[best], p + n);
  p[n++] = '\n';
  return n;
}

/* Rows are formatted in parallel, each into its own slot of SLOT
   bytes, then packed and written in order.  */
static int
emit (rows_sink *s, FILE *fp, row_format *format, size_t slot,
      const double *r, size_t rows, size_t k)
{
  if (rows * slot > s->cap)
    {
      char *b = realloc (s->buf, rows * slot);
      if (!b)
        return -1;
      s->buf = b;
      s->cap = rows * slot;
    }
  if (rows > s->len_cap)
    {
      size_t *l = realloc (s->len, rows * sizeof *l);
      if (!l)
        return -1;
      s->len = l;
      s->len_cap = rows;
    }
  char *buf = s->buf;
  size_t *len = s->len;

#pragma omp parallel for schedule(static) num_threads(s->threads)
  for (size_t i = 0; i < rows; i++)
    len[i] = format (i, buf + i * slot, r, k);

  size_t at = 0;
  for (size_t i = 0; i < rows; i++)
    {
      memmove (buf + at, buf + i * slot, len[i]);
      at += len[i];
    }
  return fwrite (buf, 1, at, fp) == at ? 0 : -1;
}

/* ln p(x | training data) of the next ROWS points, summed in row order
   (the same total on any number of threads), and written.  */
static int
density_rows (rows_sink *s, size_t rows)
{
  if (rows > s->ln_p_cap)
    {
      double *l = realloc (s->ln_p, rows * sizeof *l);
      if (!l)
        return -1;
      s->ln_p = l;
      s->ln_p_cap = rows;
    }
  if (vbgmm_predictive_ln_density (s->pred, s->data->x + s->row * s->data->d,
                                   rows, s->threads, s->ln_p, NULL))
    return -1;
  s->row += rows;
  for (size_t i = 0; i < rows; i++)
    s->total += s->ln_p[i];
  return s->density ? emit (s, s->density, z_row, CELL + 1, s->ln_p, rows, 1)
                    : 0;
}

static int
rows_write (const double *r, size_t rows, size_t k, void *arg)
{
  rows_sink *s = arg;
  if (s->z && emit (s, s->z, z_row, k * CELL + 1, r, rows, k))
    return -1;
  if (s->labels && emit (s, s->labels, label_row, 21 + CELL + 1, r, rows, k))
    return -1;
  if (s->pred && density_rows (s, rows))
    return -1;
  return 0;
}

/* Rows of density alone at a time, when no responsibilities are asked.  */
#define DENSITY_ROWS 8192

struct vbgmm_predictions
{
  const vbgmm_model *model;
  vbgmm_estep *es;          /* for z.csv and labels.csv, or NULL */
  vbgmm_predictive *pred;   /* for density.csv, or NULL */
};

void
vbgmm_predictions_free (vbgmm_predictions *p)
{
  if (!p)
    return;
  vbgmm_estep_free (p->es);
  vbgmm_predictive_free (p->pred);
  free (p);
}

vbgmm_predictions *
vbgmm_predictions_alloc (const vbgmm_model *model, int responsibilities,
                         int density, vbgmm_error *err)
{
  gsl_set_error_handler_off ();
  vbgmm_predictions *p = calloc (1, sizeof *p);
  int status = VBGMM_SUCCESS;
  if (!p)
    status = vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  else
    p->model = model;
  if (!status && responsibilities)
    status = !(p->es = vbgmm_estep_alloc (model->k, model->d,
                                          model->covariance->quad))
             ? vbgmm_fail (err, VBGMM_ENOMEM, "out of memory")
             : vbgmm_estep_prepare (p->es, model, err);
  if (!status && density && !(p->pred = vbgmm_predictive_alloc (model, err)))
    status = VBGMM_ENUM;
  if (status)
    {
      vbgmm_predictions_free (p);
      return NULL;
    }
  return p;
}

/* The data checked for the outputs: VBGMM_EINVAL for another D than
   the model's (the densities alone read the rows D at a time), and
   when any output is asked (ANY), VBGMM_EDATA for a NaN or an infinity,
   refused as the fit refuses it, for the densities alone as for the
   responsibilities.  */
static int
predictions_data (const vbgmm_model *model, const vbgmm_data *data, int any,
                  vbgmm_error *err)
{
  if (data->d != model->d)
    return vbgmm_fail (err, VBGMM_EINVAL, "the data have %zu columns, the "
                       "model %zu", data->d, model->d);
  if (any && vbgmm_data_finite (data, NULL, 0, err))
    return VBGMM_EDATA;
  return VBGMM_SUCCESS;
}

int
vbgmm_predictions_write (const vbgmm_predictions *p, FILE *z, FILE *labels,
                         FILE *density, double *total,
                         const vbgmm_data *data, int threads,
                         vbgmm_error *err)
{
  const vbgmm_model *model = p->model;
  rows_sink s;
  memset (&s, 0, sizeof s);
  s.z = z;
  s.labels = labels;
  s.density = density;
  s.threads = vbgmm_threads (threads);
  s.data = data;
  int status = predictions_data (model, data, z || labels || density
                                                || total, err);
  errno = 0;
  if (status)
    return status;
  if (((z || labels) && !p->es) || ((density || total) && !p->pred))
    return vbgmm_fail (err, VBGMM_EINVAL, "an output the predictions "
                       "were not prepared for");
  if (density || total)
    s.pred = p->pred;
  if (z || labels)
    status = vbgmm_estep_stream (p->es, data, threads, rows_write, &s, err);
  else if (s.pred)
    for (size_t at = 0; at < data->n && !status; at += DENSITY_ROWS)
      if (density_rows (&s, data->n - at < DENSITY_ROWS ? data->n - at
                                                         : DENSITY_ROWS))
        status = vbgmm_fail (err, VBGMM_EIO, "cannot write the densities");
  /* Flushed, as vbgmm_write_params is.  */
  FILE *const out[] = { z, labels, density };
  for (size_t i = 0; i < 3 && status == VBGMM_SUCCESS; i++)
    if (out[i])
      status = written (out[i]);
  free (s.buf);
  free (s.len);
  free (s.ln_p);
  if (status == VBGMM_EIO && err)
    snprintf (err->message, sizeof err->message, "write error: %s",
              strerror (errno ? errno : EIO));
  if (total)
    *total = s.total;
  return status;
}

int
vbgmm_write_predictions (FILE *z, FILE *labels, FILE *density,
                         double *total, const vbgmm_model *model,
                         const vbgmm_data *data, int threads,
                         vbgmm_error *err)
{
  /* The data are checked before the model is prepared.  */
  int status = predictions_data (model, data, z || labels || density
                                              || total, err);
  if (status)
    return status;
  vbgmm_error mine = { 0 };
  vbgmm_predictions *p = vbgmm_predictions_alloc (model, z || labels,
                                                  density || total,
                                                  err ? err : &mine);
  if (!p)
    return err ? err->status : mine.status;
  status = vbgmm_predictions_write (p, z, labels, density, total, data,
                                    threads, err);
  vbgmm_predictions_free (p);
  return status;
}

static int
write_rows (FILE *z, FILE *labels, const vbgmm_model *model,
            const vbgmm_data *data, int threads, vbgmm_error *err)
{
  return vbgmm_write_predictions (z, labels, NULL, NULL, model, data,
                                  threads, err);
}

int
vbgmm_write_z (FILE *fp, const vbgmm_model *model, const vbgmm_data *data,
               int threads, vbgmm_error *err)
{
  return write_rows (fp, NULL, model, data, threads, err);
}

int
vbgmm_write_labels (FILE *fp, const vbgmm_model *model,
                    const vbgmm_data *data, int threads, vbgmm_error *err)
{
  return write_rows (NULL, fp, model, data, threads, err);
}

int
vbgmm_write_z_labels (FILE *z, FILE *labels, const vbgmm_model *model,
                      const vbgmm_data *data, int threads, vbgmm_error *err)
{
  return write_rows (z, labels, model, data, threads, err);
}

/* The header of a .npy file (format version 1.0) for a ROWS x COLS
   float64 array in C order, padded so that the data start at a
   multiple of 64 bytes.  */
static int
npy_header (FILE *fp, size_t rows, size_t cols)
{
  static const union { unsigned short u; unsigned char b[2]; } one = { 1 };
  char dict[128];
  int n = snprintf (dict, sizeof dict, "{'descr': '%cf8', 'fortran_order': "
                    "False, 'shape': (%zu, %zu), }", one.b[0] ? '<' : '>',
                    rows, cols);
  size_t hlen = ((size_t) 10 + n + 1 + 63) / 64 * 64 - 10;
  unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                            hlen & 0xff, hlen >> 8 };
  fwrite (pre, 1, sizeof pre, fp);
  fputs (dict, fp);
  for (size_t i = n; i + 1 < hlen; i++)
    fputc (' ', fp);
  fputc ('\n', fp);
  return ferror (fp) ? -1 : 0;
}

/* The stream of z.npy and its shape; the header goes out with the
   first rows, once every check of the data and the model has passed,
   so that a call that fails on them writes nothing.  */
typedef struct npy_sink
{
  FILE *fp;
  size_t rows, cols;
  int started;
} npy_sink;

static int
npy_start (npy_sink *s)
{
  if (s->started)
    return 0;
  s->started = 1;
  return npy_header (s->fp, s->rows, s->cols);
}

static int
z_npy_rows (const double *r, size_t rows, size_t k, void *arg)
{
  npy_sink *s = arg;
  if (npy_start (s))
    return -1;
  return fwrite (r, sizeof (double), rows * k, s->fp) == rows * k ? 0 : -1;
}

int
vbgmm_write_z_npy (FILE *fp, const vbgmm_model *model,
                   const vbgmm_data *data, int threads, vbgmm_error *err)
{
  npy_sink s = { fp, data->n, model->k, 0 };
  errno = 0;
  int status = vbgmm_responsibilities (model, data, threads, z_npy_rows, &s,
                                       err);
  /* No rows: the header of an empty array alone.  */
  if (status == VBGMM_SUCCESS && npy_start (&s))
    status = VBGMM_EIO;
  if (status == VBGMM_SUCCESS)
    status = written (fp);
  if (status == VBGMM_EIO && err)
    {
      err->status = status;
      snprintf (err->message, sizeof err->message, "write error: %s",
                strerror (errno ? errno : EIO));
    }
  return status;
}
