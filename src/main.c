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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "atomic.h"
#include "cli.h"
#include "pictures.h"
#include "vbgmm.h"

/* The sample data: installed, or in the source tree before that.  */
static const char *
default_input (void)
{
  static const char *const places[] = { PKGDATADIR "/x.csv",
                                        ABS_TOP_SRCDIR "/data/x.csv" };
  const char *env = getenv ("VBGMM_DATADIR");
  static char buf[4096];
  if (env && *env)
    {
      snprintf (buf, sizeof buf, "%s/x.csv", env);
      return buf;
    }
  for (size_t i = 0; i < sizeof places / sizeof *places; i++)
    if (access (places[i], R_OK) == 0)
      return places[i];
  return places[0];
}

/* Report a library error about file NAME and exit.  */
static void
die_data (const char *name, const vbgmm_error *err)
{
  if (err->line > 0)
    cli_error ("%s:%ld: %s", name, err->line, err->message);
  else
    cli_error ("%s: %s", name, err->message);
  exit (err->status == VBGMM_EINVAL ? EXIT_USAGE : EXIT_DATA);
}

/* Read a CSV file of numbers; NAME "-" is standard input.  */
static vbgmm_data *
read_csv (const char *name, const size_t *columns, size_t n_columns)
{
  int is_stdin = strcmp (name, "-") == 0;
  FILE *fp = is_stdin ? stdin : fopen (name, "r");
  struct stat st;
  if (fp && !is_stdin && fstat (fileno (fp), &st) == 0
      && S_ISDIR (st.st_mode))
    {
      fclose (fp);
      fp = NULL;
      errno = EISDIR;
    }
  if (!fp)
    {
      cli_error ("%s: %s", name, strerror (errno));
      exit (EXIT_DATA);
    }
  vbgmm_csv_options copt = { columns, n_columns, VBGMM_CSV_HEADER_AUTO, 0, 1 };
  vbgmm_data *data = NULL;
  vbgmm_error err = { 0 };
  int status = vbgmm_csv_read (fp, &copt, &data, &err);
  if (!is_stdin)
    fclose (fp);
  if (status)
    die_data (is_stdin ? "(standard input)" : name, &err);
  return data;
}

/* A K x D (or D x D) matrix from a CSV file.  */
static double *
read_matrix (const char *name, size_t rows, size_t cols, const char *what)
{
  vbgmm_data *m = read_csv (name, NULL, 0);
  if (m->n != rows || m->d != cols)
    {
      cli_error ("%s: %s: expected %zu rows of %zu numbers, found %zu rows "
                 "of %zu", name, what, rows, cols, m->n, m->d);
      exit (EXIT_DATA);
    }
  double *v = m->x;
  m->x = NULL;
  vbgmm_data_free (m);
  return v;
}

/* The prior, from the command line and the data read from NAME.  */
static vbgmm_prior *
make_prior (const cli_params *p, const vbgmm_data *data, const char *name)
{
  size_t d = data->d;
  vbgmm_prior *prior = vbgmm_prior_alloc (d);
  vbgmm_error err = { 0 };
  if (!prior)
    {
      cli_error ("out of memory");
      exit (EXIT_DATA);
    }
  prior->alpha0 = p->alpha0;
  prior->beta0 = p->beta0;
  if (p->nu0_set)
    {
      if (!(p->nu0 > d - 1.0))
        {
          cli_error ("invalid --nu0 '%g': expected a number > D - 1 = %zu",
                     p->nu0, d - 1);
          exit (EXIT_USAGE);
        }
      prior->nu0 = p->nu0;
    }

  double *mean = malloc (d * sizeof (double));
  double *cov = malloc (d * d * sizeof (double));
  if (!mean || !cov || vbgmm_data_moments (data, NULL, mean, cov, &err))
    {
      cli_error ("out of memory");
      exit (EXIT_DATA);
    }

  switch (p->m0_kind)
    {
    case M0_MEAN:
      memcpy (prior->m0, mean, d * sizeof (double));
      break;
    case M0_LIST:
      if (p->m0_len != d)
        {
          cli_error ("invalid --m0 '%s': expected %zu numbers", p->m0_arg, d);
          exit (EXIT_USAGE);
        }
      memcpy (prior->m0, p->m0_list, d * sizeof (double));
      break;
    default:
      break;
    }

  switch (p->W0_kind)
    {
    case W0_COV:
      {
        double ridge = 0;
        if (vbgmm_prior_set_W0_inverse (prior, cov, &ridge, &err))
          {
            cli_error ("%s: %s", name, err.message);
            exit (EXIT_DATA);
          }
        if (ridge > 0)
          cli_error ("warning: the sample covariance is singular; W0 is the "
                     "inverse of it with %g of each variance added to the "
                     "diagonal", ridge);
      }
      break;
    case W0_SCALE:
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          prior->W0[i * d + j] = i == j ? p->W0_scale : 0;
      break;
    case W0_FILE:
      {
        double *W0 = read_matrix (p->W0_arg, d, d, "W0");
        memcpy (prior->W0, W0, d * d * sizeof (double));
        free (W0);
      }
      break;
    }
  free (mean);
  free (cov);

  const char *why = vbgmm_prior_check (prior);
  if (why)
    {
      cli_error ("%s%s%s", p->W0_kind == W0_FILE ? p->W0_arg : "",
                 p->W0_kind == W0_FILE ? ": " : "", why);
      exit (p->W0_kind == W0_FILE ? EXIT_DATA : EXIT_USAGE);
    }
  return prior;
}

static void
progress (size_t iter, double bound, void *arg)
{
  const cli_params *p = arg;
  if (p->verbosity == VERBOSITY_VERBOSE
      || (p->verbosity == VERBOSITY_NORMAL && iter % 100 == 0))
    fprintf (stderr, PACKAGE_NAME ": iteration %zu: lower bound %.17g\n",
             iter, bound);
}

/* Create DIR and its parents when missing.  */
static int
make_dirs (const char *dir)
{
  char *path = strdup (dir);
  if (!path)
    return -1;
  for (char *s = path + 1; ; s++)
    if (*s == '/' || *s == '\0')
      {
        char c = *s;
        *s = '\0';
        if (mkdir (path, 0777) != 0 && errno != EEXIST)
          {
            free (path);
            return -1;
          }
        *s = c;
        if (c == '\0')
          break;
      }
  free (path);
  struct stat st;
  if (stat (dir, &st) != 0)
    return -1;
  if (!S_ISDIR (st.st_mode))
    {
      errno = ENOTDIR;
      return -1;
    }
  return 0;
}

static void
summary (const vbgmm_model *model)
{
  size_t k = model->k, d = model->d, effective = 0;
  for (size_t c = 0; c < k; c++)
    effective += model->N[c] >= 1;
  printf ("effective components: %zu of %zu (N_k >= 1)\n", effective, k);
  printf ("component  weight      N_k           mean\n");
  for (size_t c = 0; c < k; c++)
    {
      if (model->N[c] < 1)
        continue;
      printf ("%9zu  %-10.6f  %-12.6g ", c, vbgmm_model_weight (model, c),
              model->N[c]);
      for (size_t i = 0; i < d; i++)
        printf (" %.6g", model->m[c * d + i]);
      putchar ('\n');
    }
  printf ("iterations: %zu (%s)\n", model->iterations,
          model->converged ? "converged" : "not converged");
  printf ("lower bound: %.17g\n", model->bound[model->iterations - 1]);
}

static void
write_outputs (const cli_params *p, const vbgmm_data *data,
               const vbgmm_model *model)
{
  atomic_set set = { NULL, 0 };
  const char *dir = p->output_dir, *failed = NULL;
  vbgmm_error err = { 0 };
  FILE *fp;

  if (make_dirs (dir) != 0)
    {
      cli_error ("%s: %s", dir, strerror (errno));
      exit (EXIT_DATA);
    }
  if (!(fp = atomic_open (&set, dir, "z.csv"))
      || vbgmm_write_z (fp, model, data, p->opt.threads, &err))
    {
      failed = "z.csv";
      goto fail;
    }
  if (!(fp = atomic_open (&set, dir, "params.dat"))
      || vbgmm_write_params (fp, model))
    {
      failed = "params.dat";
      goto fail;
    }
  if (!(fp = atomic_open (&set, dir, "vblikelihood.txt"))
      || vbgmm_write_bound (fp, model))
    {
      failed = "vblikelihood.txt";
      goto fail;
    }
  if (pictures_draw (p, data, model, &set, &failed, err.message,
                     sizeof err.message) != 0)
    {
      cli_error ("%s/%s: %s", dir, failed, err.message);
      atomic_abort (&set);
      exit (EXIT_DATA);
    }
  /* The summary goes out before the files are renamed into place, so
     that a write error on standard output leaves them as they were.  */
  if (p->verbosity != VERBOSITY_QUIET)
    summary (model);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      cli_error ("write error: %s", strerror (errno));
      atomic_abort (&set);
      exit (EXIT_DATA);
    }
  if (atomic_commit (&set, &failed) != 0)
    {
      cli_error ("%s: %s", failed, strerror (errno));
      atomic_abort (&set);
      exit (EXIT_DATA);
    }
  atomic_abort (&set);
  return;

fail:
  {
    int e = errno;
    cli_error ("%s/%s: %s", dir, failed, err.status && err.message[0]
               ? err.message : strerror (e ? e : EIO));
  }
  atomic_abort (&set);
  exit (EXIT_DATA);
}

int
main (int argc, char **argv)
{
  cli_params p;
  /* A failure of GSL is reported by its status, never by an abort: a
     singular sample covariance or a W0 that is not positive definite
     must be an error message, not a crash.  */
  gsl_set_error_handler_off ();
  cli_parse (argc, argv, &p);

  const char *input = p.input ? p.input : default_input ();
  vbgmm_data *data = read_csv (input, p.columns, p.n_columns);
  const char *name = strcmp (input, "-") == 0 ? "(standard input)" : input;
  if (data->n < p.opt.k)
    {
      cli_error ("%s: %zu points, fewer than the %zu components", name,
                 data->n, p.opt.k);
      exit (EXIT_DATA);
    }
  vbgmm_prior *prior = make_prior (&p, data, name);
  double *means = NULL;
  if (p.init_means_file)
    {
      means = read_matrix (p.init_means_file, p.opt.k, data->d,
                           "initial means");
      p.opt.init_means = means;
    }
  if (p.n_plot_dims)
    for (size_t i = 0; i < p.n_plot_dims; i++)
      if (p.plot_dims[i] >= data->d)
        {
          cli_error ("invalid --plot-dims: the data have %zu dimensions",
                     data->d);
          exit (EXIT_USAGE);
        }

  p.opt.progress = progress;
  p.opt.progress_arg = &p;
  vbgmm_error err = { 0 };
  vbgmm_model *model = vbgmm_fit (data, prior, &p.opt, &err);
  if (!model)
    {
      cli_error ("%s: %s", name, err.message);
      exit (err.status == VBGMM_EINVAL ? EXIT_USAGE : EXIT_DATA);
    }
  if (model->decreases)
    cli_error ("warning: the lower bound fell in %zu iterations",
               model->decreases);
  if (!model->converged && p.opt.tol > 0)
    cli_error ("warning: not converged after %zu iterations (tolerance %g)",
               model->iterations, p.opt.tol);

  write_outputs (&p, data, model);

  vbgmm_model_free (model);
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
  free (means);
  cli_free (&p);
  return 0;
}
