/* sample-main.c -- vbgmm-sample: points drawn from the posterior
   predictive distribution of a fitted model

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
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "atomic.h"
#include "cli.h"
#include "fmt17.h"
#include "setup.h"
#include "vbgmm.h"

typedef struct sample_params
{
  const char *model_file;
  size_t n;
  int n_set;
  unsigned long seed;
  const char *output;  /* NULL: standard output */
} sample_params;

static void
usage (int status)
{
  if (status != 0)
    exit (status);
  printf ("\
Usage: %s [OPTION]... MODEL -n N\n\
Draw N points from the posterior predictive distribution of the model in\n\
MODEL (the model.json of a fit by vbgmm), a mixture of Student-t\n\
distributions, and write them as CSV with the model's column names as\n\
the header.\n\
\n", cli_program_name);
  fputs ("\
  -n, --points=N         how many points to draw, at most 2^40 (required)\n\
  -s, --seed=N           random seed: the same seed gives the same points\n\
                           (default 0)\n\
  -o, --output=FILE      write to FILE instead of standard output (under\n\
                           a temporary name, renamed into place; a\n\
                           symbolic link's file is replaced, a device\n\
                           or FIFO written directly)\n\
\n\
  -h, --help             display this help and exit\n\
  -V, --version          output version information and exit\n\
\n\
Exit status: 0 on success, 1 on a bad model file or an I/O error, 2 on\n\
bad usage.\n", stdout);
  cli_exit_written ();
}

static const struct option long_options[] = {
  { "points", required_argument, NULL, 'n' },
  { "seed", required_argument, NULL, 's' },
  { "output", required_argument, NULL, 'o' },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 }
};

static void
option (int c, const char *arg, void *params)
{
  sample_params *p = params;
  size_t z;
  switch (c)
    {
    case 'n':
      if (cli_parse_size (arg, &z) || z > (size_t) 1 << 40)
        cli_bad_value ("points", arg, "an integer from 0 to 2^40 "
                       "(1099511627776)");
      p->n = z;
      p->n_set = 1;
      break;
    case 's':
      if (cli_parse_size (arg, &z) || z > ULONG_MAX)
        cli_bad_integer ("seed", arg, "an integer >= 0", ULONG_MAX);
      p->seed = z;
      break;
    case 'o':
      if (*arg == '\0')
        cli_bad_value ("output", arg, "a file name");
      p->output = arg;
      break;
    default:
      usage (EXIT_USAGE);
    }
}

static void
parse (int argc, char **argv, sample_params *p)
{
  memset (p, 0, sizeof *p);
  int first = cli_getopt (argc, argv, "n:s:o:hV", long_options, usage,
                          option, p);
  static const char *const names[] = { "MODEL" };
  cli_operands (argc, argv, first, names, 1, 1, &p->model_file);
  if (!p->n_set)
    {
      cli_error ("missing -n N, the number of points");
      exit (EXIT_USAGE);
    }
}

/* A CSV field: quoted when it holds a comma, a quote, a line break or
   blanks at its ends (RFC 4180).  */
static void
put_field (FILE *fp, const char *s)
{
  size_t n = strlen (s);
  /* Quoted where the reader would take it otherwise: a separator, a
     quote, a line end, a space at an end, or a '#' that would make
     the header line a comment.  */
  if (!strpbrk (s, ",\"\r\n") && !(n && (s[0] == ' ' || s[n - 1] == ' '))
      && s[0] != '#')
    {
      fputs (s, fp);
      return;
    }
  fputc ('"', fp);
  for (; *s; s++)
    {
      if (*s == '"')
        fputc ('"', fp);
      fputc (*s, fp);
    }
  fputc ('"', fp);
}

static int
write_points (FILE *fp, const vbgmm_model *model, const double *x, size_t n)
{
  size_t d = model->d;
  for (size_t j = 0; j < d; j++)
    {
      if (j)
        fputc (',', fp);
      if (model->names)
        put_field (fp, model->names[j]);
      else
        fprintf (fp, "x%zu", j + 1);
    }
  fputc ('\n', fp);
  char buf[25 * 64];
  for (size_t r = 0; r < n; r++)
    for (size_t j0 = 0; j0 < d; j0 += 64)
      {
        size_t at = 0;
        for (size_t j = j0; j < d && j < j0 + 64; j++)
          {
            at += vbgmm_fmt17 (x[r * d + j], buf + at);
            buf[at++] = j + 1 < d ? ',' : '\n';
          }
        if (fwrite (buf, 1, at, fp) != at)
          return -1;
      }
  return ferror (fp) ? -1 : 0;
}

int
main (int argc, char **argv)
{
  sample_params p;
  cli_program_name = "vbgmm-sample";
  cli_stdopen ();
  gsl_set_error_handler_off ();
  /* A signal removes the temporary file of the output.  */
  setup_catch_signals ();
  parse (argc, argv, &p);

  vbgmm_model *model = setup_read_model (p.model_file);
  vbgmm_error err = { 0 };
  vbgmm_predictive *pred = vbgmm_predictive_alloc (model, &err);
  double *x = malloc ((p.n ? p.n : 1) * model->d * sizeof (double));
  if (!pred || !x)
    {
      cli_error ("%s: %s", p.model_file, pred ? "out of memory" : err.message);
      exit (EXIT_DATA);
    }
  if (vbgmm_predictive_sample (pred, p.seed, p.n, x, &err))
    {
      cli_error ("%s", err.message);
      exit (EXIT_DATA);
    }

  struct stat st;
  if (!p.output)
    {
      if (write_points (stdout, model, x, p.n) || fflush (stdout) != 0)
        {
          cli_error ("write error: %s", strerror (errno));
          exit (EXIT_DATA);
        }
    }
  else if (stat (p.output, &st) == 0 && !S_ISREG (st.st_mode)
           && !S_ISDIR (st.st_mode))
    {
      /* No regular file (a device, a FIFO): written in place.  */
      FILE *fp = fopen (p.output, "w");
      if (!fp || write_points (fp, model, x, p.n) || fclose (fp) != 0)
        {
          cli_error ("%s: %s", p.output, strerror (errno ? errno : EIO));
          exit (EXIT_DATA);
        }
    }
  else
    {
      /* Under a temporary name beside FILE, renamed into place; where
         FILE is a symbolic link, beside the file it names, which is
         replaced (not the link).  */
      char *target = lstat (p.output, &st) == 0 && S_ISLNK (st.st_mode)
                     ? realpath (p.output, NULL) : NULL;
      if (target)
        p.output = target;
      char *dir = strdup (p.output);
      char *slash = dir ? strrchr (dir, '/') : NULL;
      const char *base = slash ? slash + 1 : p.output;
      if (slash)
        *slash = '\0';
      atomic_set set = { NULL, 0 };
      const char *failed = p.output;
      FILE *fp = dir ? atomic_open (&set, slash ? (*dir ? dir : "/") : ".",
                                    base) : NULL;
      if (!fp || write_points (fp, model, x, p.n)
          || atomic_commit (&set, &failed) != 0)
        {
          cli_error ("%s: %s", p.output, strerror (errno ? errno : EIO));
          atomic_abort (&set);
          exit (EXIT_DATA);
        }
      atomic_abort (&set);
      free (dir);
      free (target);
    }

  free (x);
  vbgmm_predictive_free (pred);
  vbgmm_model_free (model);
  return 0;
}
