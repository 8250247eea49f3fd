/* fuzz-model.c -- libFuzzer target: model.json (vbgmm_model_read)

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

/* The bytes are read as a model file.  A refusal must come with a
   status and a message; a model that is taken must be usable as the
   programs use one: written again and read back to the same bytes,
   its responsibilities finite on a few points, its predictive density
   finite (where the form has one) or refused with a message.  */

#include <string.h>

#include "fuzz.h"

/* MODEL written as model.json, in memory to free.  */
static char *
write_model (const vbgmm_model *model, size_t *len)
{
  char *buf = NULL;
  vbgmm_error err = { 0 };
  FILE *fp = open_memstream (&buf, len);
  fuzz_assert (fp);
  int status = vbgmm_model_write (fp, model, &err);
  fuzz_assert (fclose (fp) == 0);
  fuzz_assert (status == 0);
  return buf;
}

static int
finite_rows (const double *r, size_t rows, size_t k, void *arg)
{
  (void) arg;
  for (size_t i = 0; i < rows * k; i++)
    fuzz_assert (isfinite (r[i]) && r[i] >= 0 && r[i] <= 1);
  return 0;
}

static void
use (const vbgmm_model *model)
{
  size_t d = model->d, n = 5;
  if (d > 16 || model->k > 64)
    return;
  vbgmm_data *data = vbgmm_data_alloc (n, d);
  fuzz_assert (data);
  for (size_t i = 0; i < n * d; i++)
    data->x[i] = (double) ((i * 7919) % 13) - 6;
  vbgmm_error err = { 0 };
  if (vbgmm_responsibilities (model, data, 1, finite_rows, NULL, &err))
    fuzz_assert (err.status && err.message[0]);
  memset (&err, 0, sizeof err);
  vbgmm_predictive *pred = vbgmm_predictive_alloc (model, &err);
  if (pred)
    {
      double ln_p[5];
      fuzz_assert (vbgmm_predictive_ln_density (pred, data->x, n, 1, ln_p,
                                                &err) == 0);
      for (size_t i = 0; i < n; i++)
        fuzz_assert (!isnan (ln_p[i]));
    }
  else
    fuzz_assert (err.status && err.message[0]);
  vbgmm_predictive_free (pred);
  vbgmm_data_free (data);
}

int
LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size)
{
  vbgmm_error err = { 0 };
  FILE *fp = fuzz_open (bytes, size);
  vbgmm_model *model = vbgmm_model_read (fp, &err);
  fclose (fp);
  if (!model)
    {
      fuzz_assert (err.status && err.message[0]);
      return 0;
    }
  /* Read and written again: the same bytes.  */
  size_t len, len2;
  char *once = write_model (model, &len);
  fp = fuzz_open ((const uint8_t *) once, len);
  vbgmm_model *again = vbgmm_model_read (fp, &err);
  fclose (fp);
  fuzz_assert (again);
  char *twice = write_model (again, &len2);
  fuzz_assert (len == len2 && memcmp (once, twice, len) == 0);
  free (once);
  free (twice);
  vbgmm_model_free (again);
  use (model);
  vbgmm_model_free (model);
  return 0;
}
