/* setup.c -- what the programs vbgmm and vbgmm-mpi share: the prior
   from the command line and the data, the matrix files, the outputs

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

#include "atomic.h"
#include "cli.h"
#include "setup.h"
#include "vbgmm.h"

const char *
setup_default_input (void)
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

int
setup_report_error (const char *name, const vbgmm_error *err)
{
  if (err->line > 0)
    cli_error ("%s:%ld: %s", name, err->line, err->message);
  else
    cli_error ("%s: %s", name, err->message);
  return err->status == VBGMM_EINVAL ? EXIT_USAGE : EXIT_DATA;
}

vbgmm_data *
setup_read_csv (const char *name, const size_t *columns, size_t n_columns)
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
    exit (setup_report_error (is_stdin ? "(standard input)" : name, &err));
  return data;
}

vbgmm_data *
setup_read_data (const char *name, const cli_params *p)
{
  if (strcmp (name, "-") == 0)
    return setup_read_csv (name, p->columns, p->n_columns);
  vbgmm_data *data = NULL;
  vbgmm_error err = { 0 };
  /* A .npy file by its magic; a file named .npy without it is one
     that is damaged, not CSV.  Only a regular file is looked into
     first: what was read of a pipe would be lost to the reader, and a
     FIFO opened twice would wait for a second writer.  */
  char head[6];
  size_t len = strlen (name), got = 0;
  struct stat st;
  if (stat (name, &st) == 0 && S_ISREG (st.st_mode))
    {
      FILE *fp = fopen (name, "rb");
      got = fp ? fread (head, 1, sizeof head, fp) : 0;
      if (fp)
        fclose (fp);
    }
  if (vbgmm_npy_magic (head, got)
      || (len >= 4 && strcmp (name + len - 4, ".npy") == 0))
    {
      if (vbgmm_npy_read (name, p->columns, p->n_columns, &data, &err))
        exit (setup_report_error (name, &err));
      return data;
    }
  vbgmm_csv_options copt = { p->columns, p->n_columns,
                             VBGMM_CSV_HEADER_AUTO, 0, 1 };
  if (vbgmm_csv_read_file (name, &copt, p->opt.threads, &data, &err))
    exit (setup_report_error (name, &err));
  return data;
}

double *
setup_read_matrix (const char *name, size_t rows, size_t cols,
                   const char *what)
{
  vbgmm_data *m = setup_read_csv (name, NULL, 0);
  if (m->n != rows || m->d != cols)
    {
      cli_error ("%s: %s: expected %zu rows of %zu numbers, found %zu rows "
                 "of %zu", name, what, rows, cols, m->n, m->d);
      vbgmm_data_free (m);
      exit (EXIT_DATA);
    }
  double *v = m->x;
  m->x = NULL;
  vbgmm_data_free (m);
  return v;
}

void *
setup_read_start (cli_params *p, const vbgmm_data *data)
{
  size_t k = p->opt.k, d = data->d, n = data->n_total, r0 = data->first_row;
  if (p->init_means_file)
    {
      double *means = setup_read_matrix (p->init_means_file, k, d,
                                         "initial means");
      p->opt.init_means = means;
      return means;
    }
  if (p->init_resp_file)
    {
      double *resp = setup_read_matrix (p->init_resp_file, n, k,
                                        "initial responsibilities");
      p->opt.init_resp = resp + r0 * k;
      return resp;
    }
  if (!p->init_labels_file)
    return NULL;
  double *v = setup_read_matrix (p->init_labels_file, n, 1,
                                 "initial labels");
  size_t *labels = malloc ((n ? n : 1) * sizeof *labels);
  if (!labels)
    {
      cli_error ("out of memory");
      exit (EXIT_DATA);
    }
  for (size_t r = 0; r < n; r++)
    {
      if (!(v[r] >= 0 && v[r] < (double) k && v[r] == (size_t) v[r]))
        {
          cli_error ("%s: initial labels: row %zu: %.17g is not an integer "
                     "from 0 to %zu", p->init_labels_file, r + 1, v[r],
                     k - 1);
          exit (EXIT_DATA);
        }
      labels[r] = (size_t) v[r];
    }
  free (v);
  p->opt.init_labels = labels + r0;
  return labels;
}

void
setup_start_done (unsigned long seed, size_t iterations, double bound,
                  void *arg)
{
  const cli_params *p = arg;
  if (p->verbosity == VERBOSITY_VERBOSE && p->opt.n_init > 1)
    fprintf (stderr, "%s: start with seed %lu: %zu iterations, "
             "lower bound %.17g\n", cli_program_name, seed, iterations,
             bound);
}

vbgmm_model *
setup_read_model (const char *name)
{
  vbgmm_error err = { 0 };
  vbgmm_model *model = vbgmm_model_load (name, &err);
  if (!model)
    {
      setup_report_error (name, &err);
      exit (EXIT_DATA);
    }
  return model;
}

vbgmm_model *
setup_init_model (cli_params *p, const vbgmm_data *data, const char *name)
{
  if (!p->init_model_file)
    return NULL;
  vbgmm_model *model = setup_read_model (p->init_model_file);
  if (model->d != data->d)
    {
      cli_error ("%s: the model has D = %zu columns, %s has %zu",
                 p->init_model_file, model->d, name, data->d);
      vbgmm_model_free (model);
      exit (EXIT_DATA);
    }
  if (model->covariance != p->covariance || model->weights != p->weights)
    {
      cli_error ("%s: the model is of another form (--covariance=%s "
                 "--weights=%s)", p->init_model_file,
                 vbgmm_covariance_name (model->covariance),
                 vbgmm_weights_name (model->weights));
      vbgmm_model_free (model);
      exit (EXIT_USAGE);
    }
  p->opt.k = model->k;
  p->opt.init = VBGMM_INIT_MODEL;
  p->opt.init_model = model;
  return model;
}

/* Moments over COMM, so that every process builds the same prior.  */
vbgmm_prior *
setup_make_prior (const cli_params *p, const vbgmm_data *data,
                  const vbgmm_comm *comm, const char *name, int *ridge_added)
{
  *ridge_added = 0;
  size_t d = data->d;
  vbgmm_prior *prior = vbgmm_prior_alloc (d);
  double *mean = malloc (d * sizeof (double));
  double *cov = malloc (d * d * sizeof (double));
  vbgmm_error err = { 0 };
  int status = EXIT_DATA;
  if (!prior || !mean || !cov)
    {
      cli_error ("out of memory");
      goto fail;
    }
  prior->alpha0 = p->alpha0;
  prior->beta0 = p->beta0;
  prior->gamma0 = p->gamma0;
  prior->covariance = p->covariance;
  prior->weights = p->weights;
  /* nu0 > D - 1 (full, tied) or > 0 (diag, spherical); the default is
     one more than the least.  */
  double nu0_floor = vbgmm_covariance_nu0_floor (p->covariance, d);
  prior->nu0 = nu0_floor + 1;
  if (p->nu0_set)
    {
      if (!(p->nu0 > nu0_floor))
        {
          if (nu0_floor > 0)
            cli_error ("invalid --nu0 '%g': expected a number > D - 1 = %zu",
                       p->nu0, d - 1);
          else
            cli_error ("invalid --nu0 '%g': expected a number > 0 for "
                       "--covariance=%s", p->nu0,
                       vbgmm_covariance_name (p->covariance));
          status = EXIT_USAGE;
          goto fail;
        }
      prior->nu0 = p->nu0;
    }

  /* The prior is set in the units the fit will choose (vbgmm.h), where
     the moments of data near 1e-200 or 1e200 neither underflow nor
     overflow; the options keep their meaning in the data's units.
     The forms with fewer numbers in W0 take less of the covariance:
     its diagonal (diag), its mean variance (spherical); they need not
     sum the products of the columns.  */
  int shape = vbgmm_covariance_shape (p->covariance);
  int diag = shape == VBGMM_W_DIAGONAL, sph = shape == VBGMM_W_SCALAR;
  int *u = prior->units;
  if (vbgmm_data_units (data, comm, p->covariance, u, &err)
      || (diag || sph
          ? vbgmm_data_variances_units (data, comm, u, mean, cov, &err)
          : vbgmm_data_moments_units (data, comm, u, mean, cov, &err)))
    {
      cli_error ("%s: %s", name, err.message);
      goto fail;
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
          status = EXIT_USAGE;
          goto fail;
        }
      for (size_t i = 0; i < d; i++)
        prior->m0[i] = ldexp (p->m0_list[i], -u[i]);
      break;
    default:
      break;
    }

  /* The variances, in COV[0 .. D-1], become the diagonal covariance of
     the form: each variance (diag) or their mean (spherical).  */
  if (diag || sph)
    {
      double tr = 0;
      for (size_t i = 0; i < d; i++)
        tr += cov[i];
      for (size_t i = d; i-- > 0;)
        {
          double v = diag ? cov[i] : tr / d;
          memset (cov + i * d, 0, d * sizeof (double));
          cov[i * d + i] = v;
        }
    }

  switch (p->W0_kind)
    {
    case W0_COV:
      {
        double ridge = 0;
        if (vbgmm_prior_set_W0_inverse (prior, cov, &ridge, &err))
          {
            cli_error ("%s: %s", name, err.message);
            goto fail;
          }
        if (ridge > 0)
          cli_error ("warning: the sample covariance is singular; W0 is the "
                     "inverse of it with %g of each variance added to the "
                     "diagonal", ridge);
        *ridge_added = ridge > 0;
      }
      break;
    case W0_SCALE:
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          prior->W0[i * d + j] = i == j ? ldexp (p->W0_scale, 2 * u[i]) : 0;
      break;
    case W0_FILE:
      {
        /* diag: one row of the D numbers w0_d; spherical: w0.  */
        size_t rows = diag || sph ? 1 : d, cols = sph ? 1 : d;
        double *W0 = setup_read_matrix (p->W0_arg, rows, cols, "W0");
        for (size_t i = 0; i < d; i++)
          for (size_t j = 0; j < d; j++)
            prior->W0[i * d + j] = ldexp (diag ? (i == j ? W0[i] : 0)
                                          : sph ? (i == j ? W0[0] : 0)
                                          : W0[i * d + j], u[i] + u[j]);
        free (W0);
      }
      break;
    }

  const char *why = vbgmm_prior_check (prior);
  if (why)
    {
      cli_error ("%s%s%s", p->W0_kind == W0_FILE ? p->W0_arg : "",
                 p->W0_kind == W0_FILE ? ": " : "", why);
      /* The check itself may run out of memory: not bad usage.  */
      status = p->W0_kind == W0_FILE || strcmp (why, "out of memory") == 0
               ? EXIT_DATA : EXIT_USAGE;
      goto fail;
    }
  free (mean);
  free (cov);
  return prior;

fail:
  free (mean);
  free (cov);
  vbgmm_prior_free (prior);
  exit (status);
}

void
setup_progress (size_t iter, double bound, void *arg)
{
  const cli_params *p = arg;
  if (p->verbosity == VERBOSITY_VERBOSE
      || (p->verbosity == VERBOSITY_NORMAL && iter % 100 == 0))
    fprintf (stderr, "%s: iteration %zu: lower bound %.17g\n",
             cli_program_name, iter, bound);
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

void
setup_catch_signals (void)
{
  if (atomic_signals_install () != 0)
    {
      cli_error ("cannot catch signals: %s", strerror (errno));
      exit (EXIT_DATA);
    }
}

int
setup_make_dirs (const char *dir)
{
  return make_dirs (dir);
}

static void
summary (const cli_params *p, const vbgmm_model *model)
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
        printf (" %.6Lg", ldexpl (model->m[c * d + i], model->units[i]));
      putchar ('\n');
    }
  printf ("iterations: %zu (%s)\n", model->iterations,
          model->converged ? "converged" : "not converged");
  if (model->passes > model->iterations)
    {
      size_t down = model->passes - model->iterations;
      const char *s = down == 1 ? "" : "s";
      printf ("passes over the data: %zu (%zu extrapolated step%s%s%s "
              "turned down)\n", model->passes, down, s,
              model->delete_moves ? " or delete move" : "",
              model->delete_moves ? s : "");
    }
  if (p->opt.n_init > 1)
    printf ("starts: %zu, seeds %lu to %lu; kept: seed %lu\n",
            p->opt.n_init, p->opt.seed, p->opt.seed + p->opt.n_init - 1,
            model->seed);
  printf ("lower bound: %.17g\n", model->bound[model->iterations - 1]);
}

void
setup_fit_warnings (const cli_params *p, const vbgmm_model *model,
                    int ridge)
{
  if (model->decreases)
    {
      /* By how much at most, so that rounding can be told from a
         fault; where the covariance is singular, it is rounding.  */
      double fall = 0, L = model->bound[model->iterations - 1];
      for (size_t i = 1; i < model->iterations; i++)
        fall = fmax (fall, model->bound[i - 1] - model->bound[i]);
      cli_error ("warning: the lower bound fell in %zu iterations, by up to "
                 "%.3g (%.2g of it)%s", model->decreases, fall,
                 fall / fabs (L), ridge ? ": rounding, as the sample "
                 "covariance is singular; leave out columns that are linear "
                 "combinations of others" : "");
    }
  if (!model->converged && p->opt.tol > 0)
    cli_error ("warning: not converged after %zu iterations (tolerance %g)",
               model->iterations, p->opt.tol);
}

void
setup_record_fields (vbgmm_model *model, const cli_params *p)
{
  if (!p->columns)
    return;
  model->fields = malloc (p->n_columns * sizeof *model->fields);
  if (!model->fields)
    {
      cli_error ("out of memory");
      exit (EXIT_DATA);
    }
  memcpy (model->fields, p->columns, p->n_columns * sizeof *model->fields);
  model->n_fields = p->n_columns;
}

int
setup_write_outputs (const cli_params *p, const vbgmm_model *model,
                     setup_z_writer write_z, void *z_arg,
                     setup_extra_writer extra, void *extra_arg)
{
  atomic_set set = { NULL, 0 };
  const char *dir = p->output_dir, *failed = NULL;
  vbgmm_error err = { 0 };
  FILE *fp, *labels = NULL;

  if (make_dirs (dir) != 0)
    {
      cli_error ("%s: %s", dir, strerror (errno));
      return EXIT_DATA;
    }
  const char *z_name = strcmp (p->z_format, "npy") == 0 ? "z.npy" : "z.csv";
  int want_z = strcmp (p->z_format, "none") != 0;
  fp = NULL;
  if ((want_z && !(fp = atomic_open (&set, dir, z_name)))
      || !(labels = atomic_open (&set, dir, "labels.csv"))
      || write_z (fp, labels, z_arg, &err))
    {
      failed = want_z && !fp ? z_name : !labels || !want_z ? "labels.csv"
               : z_name;
      goto fail;
    }
  if (!(fp = atomic_open (&set, dir, "params.dat"))
      || vbgmm_write_params (fp, model))
    {
      failed = "params.dat";
      goto fail;
    }
  if (!(fp = atomic_open (&set, dir, "model.json"))
      || vbgmm_model_write (fp, model, &err))
    {
      failed = "model.json";
      goto fail;
    }
  if (!(fp = atomic_open (&set, dir, "vblikelihood.txt"))
      || vbgmm_write_bound (fp, model))
    {
      failed = "vblikelihood.txt";
      goto fail;
    }
  if (extra && extra (&set, &failed, err.message, sizeof err.message,
                      extra_arg) != 0)
    {
      cli_error ("%s/%s: %s", dir, failed, err.message);
      atomic_abort (&set);
      return EXIT_DATA;
    }
  /* The summary goes out before the files are renamed into place, so
     that a write error on standard output leaves them as they were.  */
  if (p->verbosity != VERBOSITY_QUIET)
    summary (p, model);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      cli_error ("write error: %s", strerror (errno));
      atomic_abort (&set);
      return EXIT_DATA;
    }
  if (atomic_commit (&set, &failed) != 0)
    {
      cli_error ("%s: %s", failed, strerror (errno));
      atomic_abort (&set);
      return EXIT_DATA;
    }
  atomic_abort (&set);
  return 0;

fail:
  {
    int e = errno;
    cli_error ("%s/%s: %s", dir, failed, err.status && err.message[0]
               ? err.message : strerror (e ? e : EIO));
  }
  atomic_abort (&set);
  return EXIT_DATA;
}
