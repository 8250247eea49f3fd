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
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "pictures.h"
#ifdef HAVE_PLPLOT
# include "plot.h"
#endif

#ifdef HAVE_PLPLOT
/* The rows a picture is made of: all of them up to a budget of the
   E-step's work (about K D^2 / 2 multiply-adds a row, 2^30 in all, some
   0.05 s) and of 2^18 rows, else a fixed-stride sample of that many (at
   least 500, what a scatter matrix shows): the pictures cost the same
   whatever N.  */
static size_t
picture_rows (size_t n, size_t k, size_t d)
{
  double per_row = 0.5 * k * d * (d + 3.) + k;
  double m = ldexp (1, 30) / per_row;
  m = m < 500 ? 500 : m > 262144 ? 262144 : m;
  return n < m ? n : (size_t) m;
}

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
    ls->label[ls->at++] = (int) vbgmm_most_likely (r + i * k, k);
  return 0;
}

/* The covariance drawn for component c: E[Lambda_c]^-1 = (nu_c W_c)^-1,
   defined for every nu > D - 1 (W^-1 / (nu - D - 1), the expected
   covariance, needs nu > D + 1, which an emptied component lacks), in
   the drawn dimensions DIMS alone (K x NDIMS x NDIMS); means in M
   (K x D); both in the data's units.  */
static int
expected_covariances (const vbgmm_model *model, const size_t *dims,
                      size_t ndims, double *cov, double *m)
{
  size_t k = model->k, d = model->d;
  const int *u = model->units;
  for (size_t c = 0; c < k; c++)
    {
      double *cc = cov + c * ndims * ndims;
      if (vbgmm_model_covariance (model, c, dims, ndims, cc))
        return -1;
      for (size_t i = 0; i < d; i++)
        m[c * d + i] = ldexp (model->m[c * d + i], u[i]);
      for (size_t a = 0; a < ndims; a++)
        for (size_t b = 0; b < ndims; b++)
          cc[a * ndims + b] = ldexp (cc[a * ndims + b], u[dims[a]] + u[dims[b]]);
    }
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
  size_t ns = picture_rows (n, k, d);
  size_t *rows = malloc ((ns ? ns : 1) * sizeof *rows);
  int *label = malloc ((ns ? ns : 1) * sizeof *label);
  int *effective = malloc (k * sizeof *effective);
  double *weight = malloc (k * sizeof *weight);
  double *cov = malloc (k * PLOT_MAX_DIMS * PLOT_MAX_DIMS * sizeof *cov);
  double *means = malloc (k * d * sizeof *means);
  size_t dims[4], ndims;
  const size_t *use_dims = dims;
  int status = -1;
  vbgmm_error verr;
  label_sink ls = { label, 0 };

  if (p->n_plot_dims)
    {
      use_dims = p->plot_dims;
      ndims = p->n_plot_dims;
    }
  else
    for (ndims = 0; ndims < d && ndims < 4; ndims++)
      dims[ndims] = ndims;
  *failed = vb_name;
  why[0] = '\0';
  if (!rows || !label || !effective || !weight || !cov || !means)
    {
      errno = ENOMEM;
      goto done;
    }
  for (size_t j = 0; j < ns; j++)
    rows[j] = plot_pick (j, ns, n);
  if (vbgmm_responsibilities_rows (model, data, rows, ns, p->opt.threads,
                                   take_labels, &ls, &verr)
      || expected_covariances (model, use_dims, ndims, cov, means))
    {
      errno = EDOM;
      goto done;
    }
  for (size_t c = 0; c < k; c++)
    effective[c] = model->N[c] >= 1;
  vbgmm_model_weights (model, weight);

  const char *path = atomic_reserve (set, p->output_dir, vb_name);
  if (!path)
    goto done;
  if (plot_clusters (path, &spec, n, d, data->x, rows, ns, label, k,
                     weight, means, cov, effective,
                     (const char *const *) data->names, use_dims, ndims,
                     p->n_plot_dims == 3, why, whylen))
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
  free (rows);
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
