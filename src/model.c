/* model.c -- the fitted model and the options of a fit

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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "dense.h"
#include "model.h"
#include "pages.h"
#include "vbgmm.h"
#include "weights.h"

vbgmm_model *
vbgmm_model_alloc (size_t k, size_t d, size_t max_iter)
{
  /* K D x D numbers that a size_t cannot count would wrap to a small
     allocation.  */
  if (d > 0 && (d > SIZE_MAX / sizeof (double) / d
                || k > SIZE_MAX / sizeof (double) / (d * d)))
    return NULL;
  vbgmm_model *model = calloc (1, sizeof *model);
  if (!model)
    return NULL;
  model->k = k;
  model->d = d;
  model->covariance = vbgmm_covariance_lookup ("full");
  model->weights = vbgmm_weights_lookup ("dirichlet");
  model->alpha = calloc (k, sizeof (double));
  model->b = calloc (k, sizeof (double));
  model->beta = calloc (k, sizeof (double));
  model->m = calloc (k * d, sizeof (double));
  model->W = vbgmm_calloc_pages (k * d * d, sizeof (double));
  model->nu = calloc (k, sizeof (double));
  model->N = calloc (k, sizeof (double));
  model->shift = calloc (d, sizeof (double));
  model->bound = calloc (max_iter ? max_iter : 1, sizeof (double));
  model->units = calloc (d ? d : 1, sizeof (int));
  if (!model->units || !model->alpha || !model->b || !model->beta || !model->m || !model->W || !model->nu
      || !model->N || !model->shift || !model->bound)
    {
      vbgmm_model_free (model);
      return NULL;
    }
  return model;
}

void
vbgmm_model_free (vbgmm_model *model)
{
  if (!model)
    return;
  free (model->alpha);
  free (model->b);
  free (model->beta);
  free (model->m);
  free (model->W);
  free (model->nu);
  free (model->N);
  free (model->shift);
  free (model->bound);
  free (model->units);
  if (model->names)
    for (size_t j = 0; j < model->d; j++)
      free (model->names[j]);
  free (model->names);
  free (model->fields);
  vbgmm_prior_free (model->prior);
  free (model);
}

int
vbgmm_model_record (vbgmm_model *model, const vbgmm_data *data,
                    const vbgmm_prior *prior, const vbgmm_options *opt)
{
  size_t d = model->d;
  model->n_points = data->n_total;
  model->init = opt->init;
  model->n_init = opt->n_init;
  model->accelerate = opt->accelerate;
  model->delete_moves = opt->delete_moves;
  model->tol = opt->tol;
  model->max_iter = opt->max_iter;
  model->prior = vbgmm_prior_copy (prior);
  if (!model->prior)
    return -1;
  if (data->names)
    {
      model->names = calloc (d, sizeof *model->names);
      if (!model->names)
        return -1;
      for (size_t j = 0; j < d; j++)
        if (!(model->names[j] = strdup (data->names[j])))
          return -1;
    }
  return 0;
}

double
vbgmm_model_weight (const vbgmm_model *model, size_t k)
{
  return model->weights->weight (model, k);
}

void
vbgmm_model_weights (const vbgmm_model *model, double *w)
{
  model->weights->weights (model, w);
}

int
vbgmm_model_covariance (const vbgmm_model *model, size_t c,
                        const size_t *dims, size_t ndims, double *cov)
{
  /* nu W = L L', so (nu W)^-1 = L^-T L^-1 and its entry (s, t) is
     y_s . y_t with y_s = L^-1 e_s: one factorisation (D^3 / 6) and
     NDIMS triangular solves, not a whole inverse.  */
  const size_t d = model->d;
  const double *W = model->W + c * d * d;
  if (vbgmm_covariance_shape (model->covariance) != VBGMM_W_MATRIX
      && VBGMM_SPD_DIAGONAL_SQRT (d))
    {
      /* A diagonal W (diag, spherical): L_ii = sqrt(nu W_ii), y_s is
         1 / L_ss at s and zeros, and the sums below are those numbers
         without the D^2 work.  */
      for (size_t i = 0; i < d; i++)
        if (!(model->nu[c] * W[i * d + i] > 0))
          return -1;
      for (size_t a = 0; a < ndims; a++)
        for (size_t b = 0; b < ndims; b++)
          {
            double t = 1 / sqrt (model->nu[c] * W[dims[a] * d + dims[a]]);
            cov[a * ndims + b] = dims[a] == dims[b] ? t * t : 0;
          }
      return 0;
    }
  double *L = calloc (d * d, sizeof *L);
  double *y = malloc ((ndims ? ndims : 1) * d * sizeof *y);
  int status = -1;
  if (!L || !y)
    goto done;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++)
      L[i * d + j] = model->nu[c] * W[i * d + j];
  if (vbgmm_spd_factor (d, L, d))
    goto done;
  for (size_t q = 0; q < ndims; q++)
    {
      double *v = y + q * d;
      for (size_t i = 0; i < d; i++)
        {
          double r = i == dims[q];
          for (size_t j = dims[q]; j < i; j++)
            r -= L[i * d + j] * v[j];
          v[i] = i < dims[q] ? 0 : r / L[i * d + i];
        }
    }
  for (size_t a = 0; a < ndims; a++)
    for (size_t b = 0; b < ndims; b++)
      {
        double s = 0;
        for (size_t i = 0; i < d; i++)
          s += y[a * d + i] * y[b * d + i];
        cov[a * ndims + b] = s;
      }
  status = 0;
done:
  free (L);
  free (y);
  return status;
}

void
vbgmm_options_default (vbgmm_options *opt)
{
  opt->k = 6;
  opt->init = VBGMM_INIT_KMEANSPP;
  opt->init_means = NULL;
  opt->init_labels = NULL;
  opt->init_resp = NULL;
  opt->kmeans_max_iter = 300;
  opt->init_model = NULL;
  opt->seed = 0;
  opt->n_init = 1;
  opt->accelerate = VBGMM_ACCELERATE_AUTO;
  opt->delete_moves = 0;
  opt->max_iter = 1000;
  opt->tol = 1e-10;
  opt->threads = 0;
  opt->comm = NULL;
  opt->progress = NULL;
  opt->progress_arg = NULL;
  opt->start_done = NULL;
}

const char *
vbgmm_options_check (const vbgmm_options *opt, const vbgmm_data *data)
{
  if (opt->k < 1)
    return "the number of components must be at least 1";
  if (opt->max_iter < 1)
    return "the iteration limit must be at least 1";
  if (!(opt->tol >= 0) || !isfinite (opt->tol))
    return "the tolerance must be a finite number >= 0";
  if (opt->init != VBGMM_INIT_KMEANSPP && opt->init != VBGMM_INIT_RANDOM
      && opt->init != VBGMM_INIT_MEANS && opt->init != VBGMM_INIT_KMEANS
      && opt->init != VBGMM_INIT_LABELS && opt->init != VBGMM_INIT_RESP
      && opt->init != VBGMM_INIT_MODEL)
    return "unknown initialisation";
  if (opt->init == VBGMM_INIT_MEANS && !opt->init_means)
    return "initial means missing";
  if (opt->init == VBGMM_INIT_LABELS && !opt->init_labels)
    return "initial labels missing";
  if (opt->init == VBGMM_INIT_RESP && !opt->init_resp)
    return "initial responsibilities missing";
  if (opt->init == VBGMM_INIT_MODEL
      && (!opt->init_model || opt->init_model->k != opt->k))
    return "the initial model must have the number of components";
  if (opt->n_init < 1)
    return "the number of starts must be at least 1";
  /* Lloyd's first iteration gives every point its label.  */
  if (opt->init == VBGMM_INIT_KMEANS && opt->kmeans_max_iter < 1)
    return "the k-means iteration limit must be at least 1";
  if (opt->accelerate != VBGMM_ACCELERATE_NO
      && opt->accelerate != VBGMM_ACCELERATE_YES
      && opt->accelerate != VBGMM_ACCELERATE_AUTO)
    return "accelerate must be yes, no or auto";
  if (opt->delete_moves != 0 && opt->delete_moves != 1)
    return "delete_moves must be 0 or 1";
  if (opt->threads < 0)
    return "the number of threads must be 0 (all cores) or more";
  if (data)
    {
      if (data->d < 1)
        return "the data have no columns";
      if (data->n_total < 1)
        return "the data have no points";
      int drawn = opt->init == VBGMM_INIT_KMEANSPP
                  || opt->init == VBGMM_INIT_RANDOM
                  || opt->init == VBGMM_INIT_KMEANS;
      if (drawn && data->n_total < opt->k)
        return "fewer points than components";
      if (opt->init == VBGMM_INIT_LABELS)
        for (size_t r = 0; r < data->n; r++)
          if (opt->init_labels[r] >= opt->k)
            return "an initial label is not below the number of components";
      if (opt->init == VBGMM_INIT_MODEL && opt->init_model->d != data->d)
        return "the initial model and the data differ in dimension";
      if (opt->init == VBGMM_INIT_MEANS)
        for (size_t i = 0; i < opt->k * data->d; i++)
          if (!isfinite (opt->init_means[i]))
            return "initial means must be finite";
    }
  return NULL;
}

const char *
vbgmm_version (void)
{
  return PACKAGE_VERSION;
}
