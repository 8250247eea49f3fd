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
#include <stdlib.h>
#include <string.h>

#include "fmt17.h"
#include "responsibility.h"
#include "vbgmm.h"

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

int
vbgmm_write_params (FILE *fp, const vbgmm_model *model)
{
  size_t k = model->k, d = model->d;
  locale_t old, c_loc = c_locale_enter (&old);

  write_section (fp, "alpha", model->alpha, k);
  fputs ("m:\n", fp);
  for (size_t c = 0; c < k; c++)
    {
      fprintf (fp, "cluster %zu:", c);
      for (size_t i = 0; i < d; i++)
        fprintf (fp, " %.17g", model->m[c * d + i]);
      fputc ('\n', fp);
    }
  fputs ("W:\n", fp);
  for (size_t c = 0; c < k; c++)
    {
      fprintf (fp, "cluster %zu:\n", c);
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          fprintf (fp, "%.17g%c", model->W[(c * d + i) * d + j],
                   j + 1 < d ? ' ' : '\n');
    }
  write_section (fp, "nu", model->nu, k);
  write_section (fp, "beta", model->beta, k);
  fputs ("weight:\n", fp);
  for (size_t c = 0; c < k; c++)
    fprintf (fp, "cluster %zu: %.17g\n", c, vbgmm_model_weight (model, c));
  write_section (fp, "N", model->N, k);

  c_locale_leave (c_loc, old);
  return ferror (fp) ? VBGMM_EIO : VBGMM_SUCCESS;
}

int
vbgmm_write_bound (FILE *fp, const vbgmm_model *model)
{
  locale_t old, c_loc = c_locale_enter (&old);
  fputs ("iter\tlower bound\n", fp);
  for (size_t t = 0; t < model->iterations; t++)
    fprintf (fp, "%zu\t%.17g\n", t + 1, model->bound[t]);
  c_locale_leave (c_loc, old);
  return ferror (fp) ? VBGMM_EIO : VBGMM_SUCCESS;
}

/* A row of K numbers takes at most this many bytes: "%.17g" is at most
   24 characters, and a separator follows each.  */
#define CELL 25

typedef struct z_sink
{
  FILE *fp;
  int threads;
  char *buf;
  size_t cap;
} z_sink;

/* Rows are formatted in parallel, each into its own slot, then packed
   and written in order.  */
static int
z_write (const double *r, size_t rows, size_t k, void *arg)
{
  z_sink *z = arg;
  size_t slot = k * CELL + 1;
  if (rows * slot > z->cap)
    {
      char *b = realloc (z->buf, rows * slot);
      if (!b)
        return -1;
      z->buf = b;
      z->cap = rows * slot;
    }
  size_t *len = malloc (rows * sizeof *len);
  if (!len)
    return -1;
  char *buf = z->buf;

#pragma omp parallel for schedule(static) num_threads(z->threads)
  for (size_t i = 0; i < rows; i++)
    {
      char *p = buf + i * slot;
      size_t n = 0;
      for (size_t c = 0; c < k; c++)
        {
          n += vbgmm_fmt17 (r[i * k + c], p + n);
          p[n++] = c + 1 < k ? ',' : '\n';
        }
      len[i] = n;
    }

  size_t at = 0;
  for (size_t i = 0; i < rows; i++)
    {
      memmove (buf + at, buf + i * slot, len[i]);
      at += len[i];
    }
  free (len);
  return fwrite (buf, 1, at, z->fp) == at ? 0 : -1;
}

int
vbgmm_write_z (FILE *fp, const vbgmm_model *model, const vbgmm_data *data,
               int threads, vbgmm_error *err)
{
  z_sink z = { fp, vbgmm_threads (threads), NULL, 0 };
  int status = vbgmm_responsibilities (model, data, threads, z_write, &z, err);
  free (z.buf);
  if (status == VBGMM_EIO && err)
    snprintf (err->message, sizeof err->message, "write error: %s",
              strerror (errno ? errno : EIO));
  return status;
}
