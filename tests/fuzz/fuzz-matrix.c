/* fuzz-matrix.c -- libFuzzer target: the matrix files of --W0 and
   --init-means

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

/* The file is read as the program reads it; a square matrix is then
   tried as W0 (the prior check must refuse what is not symmetric
   positive definite), and any matrix of up to 4 rows as the initial
   means of a fit of as many components, on fixed data of its width.
   Every fit either fails with a status and a message or ends finite.  */

#include "fuzz.h"

/* A fit of K components to 12 fixed points in D dimensions.  */
static void
fit (size_t k, size_t d, const double *W0, const double *means)
{
  vbgmm_data *data = vbgmm_data_alloc (12, d);
  vbgmm_prior *prior = vbgmm_prior_alloc (d);
  fuzz_assert (data && prior);
  for (size_t i = 0; i < 12 * d; i++)
    data->x[i] = (double) ((i * 7919) % 13) - 6 + (i % d);
  if (W0)
    for (size_t i = 0; i < d * d; i++)
      prior->W0[i] = W0[i];
  const char *why = vbgmm_prior_check (prior);
  if (!why)
    {
      vbgmm_options opt;
      vbgmm_error err = { 0 };
      vbgmm_options_default (&opt);
      opt.k = k;
      opt.max_iter = 3;
      opt.tol = 0;
      opt.threads = 1;
      if (means)
        {
          opt.init = VBGMM_INIT_MEANS;
          opt.init_means = means;
        }
      vbgmm_model *model = vbgmm_fit (data, prior, &opt, &err);
      if (model)
        for (size_t i = 0; i < k * d; i++)
          fuzz_assert (isfinite (model->m[i]));
      else
        fuzz_assert (err.status && err.message[0]);
      vbgmm_model_free (model);
    }
  else
    fuzz_assert (W0 && why[0]);
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
}

int
LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size)
{
  vbgmm_data *m = fuzz_read (bytes, size);
  if (!m)
    return 0;
  if (m->n == m->d && m->d <= 8)
    fit (2, m->d, m->x, NULL);
  if (m->n <= 4 && m->d <= 8)
    fit (m->n, m->d, NULL, m->x);
  vbgmm_data_free (m);
  return 0;
}
