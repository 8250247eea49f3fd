/* main.c -- vbgmm: fit a variational Bayesian Gaussian mixture to CSV data

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "atomic.h"
#include "cli.h"
#include "pictures.h"
#include "setup.h"
#include "vbgmm.h"

/* z.csv: the responsibilities of every row, in row order.  */
struct z_args
{
  const vbgmm_model *model;
  const vbgmm_data *data;
  int threads;
  const char *format;  /* "csv" or "npy" */
};

static int
write_z (FILE *fp, FILE *labels, void *arg, vbgmm_error *err)
{
  const struct z_args *z = arg;
  if (strcmp (z->format, "npy") == 0)
    {
      int status = vbgmm_write_z_npy (fp, z->model, z->data, z->threads, err);
      return status ? status : vbgmm_write_z_labels (NULL, labels, z->model,
                                                     z->data, z->threads, err);
    }
  return vbgmm_write_z_labels (fp, labels, z->model, z->data, z->threads,
                               err);
}

struct picture_args
{
  const cli_params *p;
  const vbgmm_data *data;
  const vbgmm_model *model;
};

static int
draw (atomic_set *set, const char **failed, char *why, size_t whylen,
      void *arg)
{
  const struct picture_args *a = arg;
  return pictures_draw (a->p, a->data, a->model, set, failed, why, whylen);
}

int
main (int argc, char **argv)
{
  cli_params p;
  cli_stdopen ();
  /* A failure of GSL is reported by its status, never by an abort: a
     singular sample covariance or a W0 that is not positive definite
     must be an error message, not a crash.  */
  gsl_set_error_handler_off ();
  /* A signal removes the temporary files of the outputs.  */
  setup_catch_signals ();
  cli_parse (argc, argv, &p);

  const char *input = p.input ? p.input : setup_default_input ();
  setup_check_outputs (&p, input, 1);
  vbgmm_data *data = setup_read_data (input, &p);
  const char *name = strcmp (input, "-") == 0 ? "(standard input)" : input;
  vbgmm_model *from = setup_init_model (&p, data, name);
  if (!from && data->n < p.opt.k)
    {
      cli_error ("%s: %zu points, fewer than the %zu components", name,
                 data->n, p.opt.k);
      exit (EXIT_DATA);
    }
  int ridge = 0;
  vbgmm_prior *prior = setup_make_prior (&p, data, NULL, name, &ridge);
  void *start = setup_read_start (&p, data);
  if (p.n_plot_dims)
    for (size_t i = 0; i < p.n_plot_dims; i++)
      if (p.plot_dims[i] >= data->d)
        {
          cli_error ("invalid --plot-dims: the data have %zu dimensions",
                     data->d);
          exit (EXIT_USAGE);
        }

  p.opt.progress = setup_progress;
  p.opt.start_done = setup_start_done;
  p.opt.progress_arg = &p;
  vbgmm_error err = { 0 };
  vbgmm_model *model = vbgmm_fit (data, prior, &p.opt, &err);
  if (!model)
    {
      char msg[2048];
      int status = setup_fit_error (&p, name, &err, msg, sizeof msg);
      cli_error ("%s", msg);
      vbgmm_model_free (from);
      vbgmm_prior_free (prior);
      vbgmm_data_free (data);
      free (start);
      cli_free (&p);
      exit (status);
    }
  setup_fit_warnings (&p, model, ridge);
  setup_record_fields (model, &p);

  struct z_args z = { model, data, p.opt.threads, p.z_format };
  struct picture_args pa = { &p, data, model };
  int status = setup_write_outputs (&p, model, write_z, &z, draw, &pa);
  if (status)
    exit (status);

  vbgmm_model_free (model);
  vbgmm_model_free (from);
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
  free (start);
  cli_free (&p);
  return 0;
}
