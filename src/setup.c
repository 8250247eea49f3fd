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
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "comm.h"
#include "setup.h"
#include "vbgmm.h"
#include "wishart.h"

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

/* X > 0 rounded down to two significant digits: a limit quoted in a
   message holds as printed.  */
static double
two_digits_below (double x)
{
  double unit = pow (10, floor (log10 (x)) - 1);
  double v = floor (x / unit) * unit;
  return v > x ? nextafter (v, 0) : v;
}

/* The column of the largest of the D units U.  */
static size_t
widest_unit (const int *u, size_t d)
{
  size_t widest = 0;
  for (size_t i = 1; i < d; i++)
    if (u[i] > u[widest])
      widest = i;
  return widest;
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
  /* The sample covariance: its D variances alone for the diagonal and
     spherical forms.  */
  int shape = vbgmm_covariance_shape (p->covariance);
  int diag = shape == VBGMM_W_DIAGONAL, sph = shape == VBGMM_W_SCALAR;
  double *cov = malloc ((diag || sph ? d : d * d) * sizeof (double));
  vbgmm_error err = { 0 };
  int status = EXIT_DATA;
  /* Agreed before the sums of the moments, as every failure of one
     process alone: a process that saw another fail says nothing.  */
  if (vbgmm_comm_agree_alloc (comm, prior && mean && cov, &err))
    {
      if (err.status != VBGMM_EREMOTE)
        cli_error ("%s", err.message);
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
      /* Below the least normal double (the reciprocal of a
         subnormal overflows), as --alpha0 and --beta0.  */
      if (!(p->nu0 > nu0_floor) || p->nu0_tiny)
        {
          if (nu0_floor > 0)
            cli_error ("invalid --nu0 '%s': expected a number > D - 1 = %zu",
                       p->nu0_arg, d - 1);
          else
            {
              char limit[96] = "";
              if (p->nu0_tiny && !signbit (p->nu0))
                snprintf (limit, sizeof limit, ", no smaller than %.17g "
                          "(the least normal double)", DBL_MIN);
              cli_error ("invalid --nu0 '%s': expected a number > 0 for "
                         "--covariance=%s%s", p->nu0_arg,
                         vbgmm_covariance_name (p->covariance), limit);
            }
          status = EXIT_USAGE;
          goto fail;
        }
      /* ln Gamma(nu0/2), a term of the bound, is past the largest
         double there, whatever the data.  */
      if (p->nu0 / 2 > VBGMM_LNGAMMA_ARG_MAX)
        {
          cli_error ("invalid --nu0 '%s': expected a number <= %g (past it "
                     "ln Gamma(nu0/2) in the lower bound overflows)",
                     p->nu0_arg,
                     two_digits_below (2 * VBGMM_LNGAMMA_ARG_MAX));
          status = EXIT_USAGE;
          goto fail;
        }
      prior->nu0 = p->nu0;
    }
  /* Likewise ln Gamma(K alpha0), the Dirichlet's normalizer.  */
  if (strcmp (vbgmm_weights_name (p->weights), "dirichlet") == 0
      && p->alpha0 * p->opt.k > VBGMM_LNGAMMA_ARG_MAX)
    {
      cli_error ("invalid --alpha0 '%s': expected a number <= %g with K = "
                 "%zu (past it ln Gamma(K alpha0) in the lower bound "
                 "overflows)", p->alpha0_arg,
                 two_digits_below (VBGMM_LNGAMMA_ARG_MAX / p->opt.k),
                 p->opt.k);
      status = EXIT_USAGE;
      goto fail;
    }

  /* The prior is set in the units the fit will choose (vbgmm.h), where
     the moments of data near 1e-200 or 1e200 neither underflow nor
     overflow; the options keep their meaning in the data's units.
     The forms with fewer numbers in W0 take less of the covariance:
     its diagonal (diag), its mean variance (spherical); they need not
     sum the products of the columns.  */
  int *u = prior->units;
  if (vbgmm_data_units (data, comm, p->covariance, u, &err)
      || (diag || sph
          ? vbgmm_data_variances_units (data, comm, u, mean, cov, &err)
          : vbgmm_data_moments_units (data, comm, u, mean, cov, &err)))
    {
      if (err.status != VBGMM_EREMOTE)
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
        {
          prior->m0[i] = ldexp (p->m0_list[i], -u[i]);
          /* A column of small numbers is measured in a small unit, in
             which a large m0 may pass the largest double.  */
          if (!isfinite (prior->m0[i]))
            {
              cli_error ("invalid --m0 '%s': expected V%zu of size at most "
                         "%g: the fit measures column %zu of %s in units of "
                         "2^%d, in which more passes the largest double",
                         p->m0_arg, i + 1,
                         two_digits_below (ldexp (DBL_MAX, u[i])), i + 1,
                         name, u[i]);
              status = EXIT_USAGE;
              goto fail;
            }
        }
      break;
    default:
      break;
    }

  /* The variances, in COV[0 .. D-1], become the diagonal of the
     form's covariance: each variance (diag) or their mean
     (spherical).  */
  if (sph)
    {
      double tr = 0;
      for (size_t i = 0; i < d; i++)
        tr += cov[i];
      for (size_t i = 0; i < d; i++)
        cov[i] = tr / d;
    }

  switch (p->W0_kind)
    {
    case W0_COV:
      {
        double ridge = 0;
        if (diag || sph
            ? vbgmm_prior_set_W0_inverse_diagonal (prior, cov, &ridge, &err)
            : vbgmm_prior_set_W0_inverse (prior, cov, &ridge, &err))
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
    /* W0 is the identity of vbgmm_prior_alloc until set: a diagonal
       one is set on its diagonal alone.  */
    case W0_SCALE:
      for (size_t i = 0; i < d; i++)
        prior->W0[i * d + i] = ldexp (p->W0_scale, 2 * u[i]);
      /* A precision in the units of the fit: times 2^(2 e) for a
         column measured in units of 2^e.  */
      for (size_t i = 0; i < d; i++)
        if (!isfinite (prior->W0[i * d + i]))
          {
            /* S passes first in the column of the largest unit.  */
            i = widest_unit (u, d);
            cli_error ("invalid --W0 '%s': expected a number <= %g: the fit "
                       "measures column %zu of %s in units of 2^%d, and S "
                       "times 2^%d would pass the largest double", p->W0_arg,
                       two_digits_below (ldexp (DBL_MAX, -2 * u[i])), i + 1,
                       name, u[i], 2 * u[i]);
            status = EXIT_USAGE;
            goto fail;
          }
      break;
    case W0_FILE:
      {
        /* diag: one row of the D numbers w0_d; spherical: w0.  */
        size_t rows = diag || sph ? 1 : d, cols = sph ? 1 : d;
        double *W0 = setup_read_matrix (p->W0_arg, rows, cols, "W0");
        for (size_t i = 0; i < d; i++)
          for (size_t j = diag || sph ? i : 0; j < (diag || sph ? i + 1 : d);
               j++)
            {
              /* The number of the file that W0[i][j] is made of.  */
              size_t at = sph ? 0 : diag ? i : i * d + j;
              prior->W0[i * d + j] = ldexp (W0[at], u[i] + u[j]);
              if (isfinite (prior->W0[i * d + j]))
                continue;
              /* Spherical: the one number passes first in the column
                 of the largest unit.  */
              if (sph)
                i = j = widest_unit (u, d);
              char cols_[64], units_[64];
              if (i == j)
                {
                  snprintf (cols_, sizeof cols_, "column %zu", i + 1);
                  snprintf (units_, sizeof units_, "2^%d", u[i]);
                }
              else
                {
                  snprintf (cols_, sizeof cols_, "columns %zu and %zu",
                            i + 1, j + 1);
                  snprintf (units_, sizeof units_, "2^%d and 2^%d", u[i],
                            u[j]);
                }
              cli_error ("%s: W0: row %zu, column %zu: expected a number of "
                         "size at most %g: the fit measures %s of %s in "
                         "units of %s, in which more passes the largest "
                         "double", p->W0_arg, at / cols + 1, at % cols + 1,
                         two_digits_below (ldexp (DBL_MAX, -u[i] - u[j])),
                         cols_, name, units_);
              free (W0);
              goto fail;
            }
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

/* Add "--OPTION=ARG" to the list in BUF, SIZE bytes.  */
static void
list_option (char *buf, size_t size, const char *option, const char *arg)
{
  size_t at = strlen (buf);
  snprintf (buf + at, size - at, "%s--%s=%s", at ? " " : "", option, arg);
}

int
setup_fit_error (const cli_params *p, const char *name,
                 const vbgmm_error *err, char *msg, size_t len)
{
  int status = err->status == VBGMM_EINVAL ? EXIT_USAGE : EXIT_DATA;
  /* The fit's overflows: ln rho of a mean far from the data for its
     precision, a bound past the largest double; and a W whose inverse
     is singular to rounding, as where W0^-1 is small beside the
     scatter of the data.  */
  int overflow = err->status == VBGMM_ENUM
                 && (strstr (err->message, "(ln rho overflows)")
                     || strstr (err->message, "W is not positive definite")
                     || strcmp (err->message,
                                "the lower bound is not finite") == 0);
  char prior[1024] = "", start[1024] = "";
  /* alpha0 is the Dirichlet's, gamma0 the Dirichlet process's.  */
  int dp = strcmp (vbgmm_weights_name (p->weights), "dp") == 0;
  if (p->alpha0_arg && !dp)
    list_option (prior, sizeof prior, "alpha0", p->alpha0_arg);
  if (p->gamma0_arg && dp)
    list_option (prior, sizeof prior, "gamma0", p->gamma0_arg);
  if (p->beta0_arg)
    list_option (prior, sizeof prior, "beta0", p->beta0_arg);
  if (p->nu0_arg)
    list_option (prior, sizeof prior, "nu0", p->nu0_arg);
  if (p->m0_kind == M0_LIST)
    list_option (prior, sizeof prior, "m0", p->m0_arg);
  if (p->W0_kind != W0_COV)
    list_option (prior, sizeof prior, "W0", p->W0_arg);
  if (p->init_means_file)
    list_option (start, sizeof start, "init-means", p->init_means_file);
  if (p->init_model_file)
    list_option (start, sizeof start, "init-model", p->init_model_file);
  /* The library names the row of --init-resp; the file is ours to
     name, as for --init-labels.  */
  if (p->init_resp_file && err->status == VBGMM_EDATA
      && strncmp (err->message, "initial responsibilities: ", 26) == 0)
    name = p->init_resp_file;
  if (!overflow || (!*prior && !*start))
    snprintf (msg, len, "%s: %s", name, err->message);
  else
    snprintf (msg, len, "the %s given (%s%s%s) %s too extreme for %s: %s",
              *prior && *start ? "prior and start" : *prior ? "prior"
              : "start", prior, *prior && *start ? " " : "", start,
              *prior && *start ? "are" : "is", name, err->message);
  return status;
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

void
setup_catch_signals (void)
{
  if (atomic_signals_install () != 0)
    {
      cli_error ("cannot catch signals: %s", strerror (errno));
      exit (EXIT_DATA);
    }
}

void
setup_refuse_replacing (const char *input, const char *dir,
                        const char *const *outputs)
{
  struct stat in, out;
  int is_stdin = strcmp (input, "-") == 0;
  if ((is_stdin ? fstat (STDIN_FILENO, &in) : stat (input, &in)) != 0
      || !S_ISREG (in.st_mode))
    return;
  for (size_t i = 0; outputs[i]; i++)
    {
      size_t len = strlen (dir) + strlen (outputs[i]) + 2;
      char *path = malloc (len);
      if (!path)
        {
          cli_error ("out of memory");
          exit (EXIT_DATA);
        }
      snprintf (path, len, "%s/%s", dir, outputs[i]);
      if (stat (path, &out) == 0 && out.st_dev == in.st_dev
          && out.st_ino == in.st_ino)
        {
          cli_error ("%s: the output %s would replace this input file; "
                     "choose another folder with -o",
                     is_stdin ? "(standard input)" : input, path);
          exit (EXIT_USAGE);
        }
      free (path);
    }
}

void
setup_check_outputs (const cli_params *p, const char *input, int pictures)
{
  const char *names[8];
  size_t n = 0;
  if (strcmp (p->z_format, "none") != 0)
    names[n++] = strcmp (p->z_format, "npy") == 0 ? "z.npy" : "z.csv";
  names[n++] = "labels.csv";
  names[n++] = "params.dat";
  names[n++] = "model.json";
  names[n++] = "vblikelihood.txt";
#ifdef HAVE_PLPLOT
  char vb[16], bound[16];
  if (pictures && strcmp (p->plot_format, "none") != 0)
    {
      snprintf (vb, sizeof vb, "vb.%s", p->plot_format);
      snprintf (bound, sizeof bound, "bound.%s", p->plot_format);
      names[n++] = vb;
      names[n++] = bound;
    }
#else
  (void) pictures;
#endif
  names[n] = NULL;
  setup_refuse_replacing (input, p->output_dir, names);
}

static void
summary (const cli_params *p, const vbgmm_model *model)
{
  size_t k = model->k, d = model->d, effective = 0;
  for (size_t c = 0; c < k; c++)
    effective += model->N[c] >= 1;
  printf ("effective components: %zu of %zu (N_k >= 1)\n", effective, k);
  printf ("component  weight      N_k           mean\n");
  /* All K weights at once (one at a time costs K each); short of
     memory, one at a time.  */
  double *weight = malloc ((k ? k : 1) * sizeof (double));
  if (weight)
    vbgmm_model_weights (model, weight);
  for (size_t c = 0; c < k; c++)
    {
      if (model->N[c] < 1)
        continue;
      printf ("%9zu  %-10.6f  %-12.6g ", c,
              weight ? weight[c] : vbgmm_model_weight (model, c),
              model->N[c]);
      for (size_t i = 0; i < d; i++)
        printf (" %.6Lg", ldexpl (model->m[c * d + i], model->units[i]));
      putchar ('\n');
    }
  free (weight);
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
setup_give_up (atomic_set *set)
{
  atomic_abort (set);
  atomic_remove_dirs ();
  return EXIT_DATA;
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

  if (atomic_make_dirs (dir) != 0)
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
      return setup_give_up (&set);
    }
  /* The summary goes out before the files are renamed into place, so
     that a write error on standard output leaves them as they were.  */
  if (p->verbosity != VERBOSITY_QUIET)
    summary (p, model);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      cli_error ("write error: %s", strerror (errno));
      return setup_give_up (&set);
    }
  if (atomic_commit (&set, &failed) != 0)
    {
      cli_error ("%s: %s", failed, strerror (errno));
      return setup_give_up (&set);
    }
  atomic_abort (&set);
  return 0;

fail:
  {
    int e = errno;
    cli_error ("%s/%s: %s", dir, failed, err.status && err.message[0]
               ? err.message : strerror (e ? e : EIO));
  }
  return setup_give_up (&set);
}
