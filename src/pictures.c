/* pictures.c -- the pictures a fit draws (PLplot), when built with it

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
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "pictures.h"
#ifdef HAVE_PLPLOT
# include "plot.h"
#endif

#ifdef HAVE_PLPLOT
/* The most likely component of each point, from the responsibilities.  */
typedef struct label_sink
{
  int *label;
  size_t at;
} label_sink;

static int
take_labels (const double *r, size_t rows, size_t k, void *arg)
{
  label_sink *ls = arg;
  for (size_t i = 0; i < rows; i++)
    {
      size_t best = 0;
      for (size_t c = 1; c < k; c++)
        if (r[i * k + c] > r[i * k + best])
          best = c;
      ls->label[ls->at++] = (int) best;
    }
  return 0;
}

/* The covariance drawn for component c: E[Lambda_c]^-1 = (nu_c W_c)^-1,
   defined for every nu > D - 1 (W^-1 / (nu - D - 1), the expected
   covariance, needs nu > D + 1, which an emptied component lacks); in
   the data's units, as the means in M.  */
static int
expected_covariances (const vbgmm_model *model, double *cov, double *m)
{
  size_t k = model->k, d = model->d;
  gsl_matrix *A = gsl_matrix_alloc (d, d);
  if (!A)
    return -1;
  for (size_t c = 0; c < k; c++)
    {
      for (size_t i = 0; i < d * d; i++)
        A->data[i] = model->nu[c] * model->W[c * d * d + i];
      if (gsl_linalg_cholesky_decomp1 (A) || gsl_linalg_cholesky_invert (A))
        {
          gsl_matrix_free (A);
          return -1;
        }
      for (size_t i = 0; i < d; i++)
        {
          const int *u = model->units;
          m[c * d + i] = ldexp (model->m[c * d + i], u[i]);
          for (size_t j = 0; j < d; j++)
            cov[(c * d + i) * d + j] = ldexp (A->data[i * d + j], u[i] + u[j]);
        }
    }
  gsl_matrix_free (A);
  return 0;
}
#endif

int
pictures_draw (const cli_params *p, const vbgmm_data *data,
               const vbgmm_model *model, atomic_set *set, const char **failed,
               char *why, size_t whylen)
{
#ifdef HAVE_PLPLOT
  static char vb_name[16], bound_name[16];
  if (strcmp (p->plot_format, "none") == 0)
    return 0;
  snprintf (vb_name, sizeof vb_name, "vb.%s", p->plot_format);
  snprintf (bound_name, sizeof bound_name, "bound.%s", p->plot_format);
  char device[16];
  snprintf (device, sizeof device, "%scairo", p->plot_format);
  plot_spec spec = { device, p->plot_width, p->plot_height };

  size_t k = model->k, d = model->d, n = data->n;
  int *label = malloc ((n ? n : 1) * sizeof *label);
  int *effective = malloc (k * sizeof *effective);
  double *weight = malloc (k * sizeof *weight);
  double *cov = malloc (k * d * d * sizeof *cov);
  double *means = malloc (k * d * sizeof *means);
  size_t dims[4], ndims;
  const size_t *use_dims = dims;
  int status = -1;
  vbgmm_error verr;
  label_sink ls = { label, 0 };

  *failed = vb_name;
  why[0] = '\0';
  if (!label || !effective || !weight || !cov || !means)
    {
      errno = ENOMEM;
      goto done;
    }
  if (vbgmm_responsibilities (model, data, p->opt.threads, take_labels, &ls,
                              &verr)
      || expected_covariances (model, cov, means))
    {
      errno = EDOM;
      goto done;
    }
  for (size_t c = 0; c < k; c++)
    {
      effective[c] = model->N[c] >= 1;
      weight[c] = vbgmm_model_weight (model, c);
    }
  if (p->n_plot_dims)
    {
      use_dims = p->plot_dims;
      ndims = p->n_plot_dims;
    }
  else
    for (ndims = 0; ndims < d && ndims < 4; ndims++)
      dims[ndims] = ndims;

  const char *path = atomic_reserve (set, p->output_dir, vb_name);
  if (!path)
    goto done;
  if (plot_clusters (path, &spec, n, d, data->x, label, k, weight, means,
                     cov, effective, (const char *const *) data->names,
                     use_dims, ndims, p->n_plot_dims == 3, why, whylen))
    goto done;
  *failed = bound_name;
  if (!(path = atomic_reserve (set, p->output_dir, bound_name)))
    goto done;
  if (plot_bound (path, &spec, model->bound, model->iterations,
                  model->converged, why, whylen))
    goto done;
  status = 0;

done:
  if (status && !why[0])
    snprintf (why, whylen, "%s", strerror (errno ? errno : EIO));
  free (label);
  free (effective);
  free (weight);
  free (cov);
  free (means);
  return status;
#else
  (void) p;
  (void) data;
  (void) model;
  (void) set;
  (void) failed;
  (void) why;
  (void) whylen;
  return 0;
#endif
}
