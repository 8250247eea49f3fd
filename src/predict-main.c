/* predict-main.c -- vbgmm-predict: the responsibilities, labels and
   predictive density of new points under a fitted model

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "atomic.h"
#include "cli.h"
#include "setup.h"
#include "vbgmm.h"

enum { OUT_Z = 1, OUT_LABELS = 2, OUT_DENSITY = 4 };

typedef struct predict_params
{
  const char *model_file;
  const char *input;       /* "-" is standard input */
  size_t *columns;         /* 0-based, or NULL */
  size_t n_columns;
  const char *output_dir;
  int outputs;             /* OUT_* */
  int threads;
  int quiet;
} predict_params;

static void
usage (int status)
{
  if (status != 0)
    exit (status);
  printf ("\
Usage: %s [OPTION]... MODEL [FILE]\n\
Under the model in MODEL (the model.json of a fit by vbgmm), write for\n\
each point of FILE (CSV, one point per row) its responsibilities\n\
(z.csv), its most likely component and that probability (labels.csv),\n\
and the log of its posterior predictive density, a mixture of Student-t\n\
distributions (density.csv); print the total log density.\n\
\n\
With no FILE, or when FILE is -, read standard input.  When the model\n\
has column names from a header and FILE has a header, the columns are\n\
found by name (in any order; others are ignored), else taken in order.\n\
\n", cli_program_name);
  fputs ("\
  -c, --columns=LIST     use only these fields of FILE, 1-based: 1,3 or 2-4\n\
                           (then taken in this order, not by name)\n\
  -o, --output-dir=DIR   where the output files go, created if missing\n\
                           (default .); an output that would replace\n\
                           FILE is refused\n\
      --output=LIST      which files: z, labels, density, comma-separated\n\
                           (default z,labels,density)\n\
  -j, --threads=N        threads to use (default: all cores, or\n\
                           OMP_NUM_THREADS)\n\
  -q, --quiet            print nothing on success\n\
\n\
  -h, --help             display this help and exit\n\
  -V, --version          output version information and exit\n\
\n\
Exit status: 0 on success, 1 on bad input data, a bad model file or an\n\
I/O error, 2 on bad usage.\n", stdout);
  cli_exit_written ();
}

enum { OPT_OUTPUT = 256 };

static const struct option long_options[] = {
  { "columns", required_argument, NULL, 'c' },
  { "output-dir", required_argument, NULL, 'o' },
  { "output", required_argument, NULL, OPT_OUTPUT },
  { "threads", required_argument, NULL, 'j' },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 }
};

/* "z,labels" into OUT_* bits; -1 for an empty list or an empty or
   unknown name in it.  */
static int
parse_outputs (const char *s)
{
  static const struct { const char *name; int bit; } names[] = {
    { "z", OUT_Z }, { "labels", OUT_LABELS }, { "density", OUT_DENSITY }
  };
  int bits = 0;
  for (;;)
    {
      size_t len = strcspn (s, ",");
      int bit = 0;
      for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen (names[i].name) == len
            && strncmp (s, names[i].name, len) == 0)
          bit = names[i].bit;
      if (!bit)
        return -1;
      bits |= bit;
      if (s[len] == '\0')
        return bits;
      s += len + 1;
    }
}

static void
option (int c, const char *arg, void *params)
{
  predict_params *p = params;
  size_t z;
  switch (c)
    {
    case 'c':
      cli_parse_columns (arg, &p->columns, &p->n_columns);
      break;
    case 'o':
      if (*arg == '\0')
        cli_bad_value ("output-dir", arg, "a folder");
      p->output_dir = arg;
      break;
    case OPT_OUTPUT:
      if ((p->outputs = parse_outputs (arg)) < 0)
        cli_bad_value ("output", arg,
                       "one or more of z, labels, density, such as z,labels");
      break;
    case 'j':
      if (cli_parse_size (arg, &z) || z < 1 || z > 4096)
        cli_bad_value ("threads", arg, "an integer from 1 to 4096");
      p->threads = (int) z;
      break;
    case 'q':
      p->quiet = 1;
      break;
    default:
      usage (EXIT_USAGE);
    }
}

static void
parse (int argc, char **argv, predict_params *p)
{
  memset (p, 0, sizeof *p);
  p->output_dir = ".";
  p->outputs = OUT_Z | OUT_LABELS | OUT_DENSITY;
  int first = cli_getopt (argc, argv, "c:o:j:qhV", long_options, usage,
                          option, p);
  static const char *const names[] = { "MODEL", "FILE" };
  const char *operand[2];
  cli_operands (argc, argv, first, names, 1, 2, operand);
  p->model_file = operand[0];
  p->input = operand[1] ? operand[1] : "-";
}

/* The columns of the model, "a,b,c", for the messages.  */
static void
model_columns (const vbgmm_model *model, char *buf, size_t len)
{
  size_t at = 0;
  buf[0] = '\0';
  for (size_t j = 0; j < model->d && at < len; j++)
    {
      int n = model->names
              ? snprintf (buf + at, len - at, "%s%s", j ? "," : "",
                          model->names[j])
              : snprintf (buf + at, len - at, "%sx%zu", j ? "," : "", j + 1);
      if (n < 0)
        break;
      at += (size_t) n;
    }
}

/* Put the columns of DATA in the model's order: by name when both have
   names (and no -c chose the fields), else by position.  */
static void
match_columns (const predict_params *p, const vbgmm_model *model,
               vbgmm_data *data, const char *name)
{
  char cols[1024];
  size_t d = model->d;
  model_columns (model, cols, sizeof cols);
  if (p->columns || !model->names || !data->names)
    {
      if (data->d != d)
        {
          cli_error ("%s: %zu columns, the model has D = %zu (%s)", name,
                     data->d, d, cols);
          exit (EXIT_DATA);
        }
      return;
    }
  size_t *from = malloc (d * sizeof *from);
  double *x = malloc ((data->n ? data->n : 1) * d * sizeof (double));
  if (!from || !x)
    {
      cli_error ("out of memory");
      exit (EXIT_DATA);
    }
  /* A name given twice, in the model or among the file's columns,
     would match one of them silently: the columns must then be given
     by number.  */
  for (size_t j = 0; j < d; j++)
    for (size_t j2 = 0; j2 < j; j2++)
      if (strcmp (model->names[j2], model->names[j]) == 0)
        {
          cli_error ("%s: two columns are named '%s' (give the columns by "
                     "number, -c)", p->model_file, model->names[j]);
          exit (EXIT_DATA);
        }
  for (size_t j = 0; j < d; j++)
    {
      size_t i = data->d;
      for (size_t c = 0; c < data->d; c++)
        {
          /* As the model file holds names: UTF-8.  */
          char *u = vbgmm_name_utf8 (data->names[c]);
          if (!u)
            {
              cli_error ("out of memory");
              exit (EXIT_DATA);
            }
          int same = strcmp (u, model->names[j]) == 0;
          free (u);
          if (same && i < data->d)
            {
              cli_error ("%s: columns %zu and %zu are both named '%s' (give "
                         "the columns by number, -c)", name, i + 1, c + 1,
                         model->names[j]);
              exit (EXIT_DATA);
            }
          if (same)
            i = c;
        }
      if (i == data->d)
        {
          cli_error ("%s: no column '%s' (the model has %s)", name,
                     model->names[j], cols);
          exit (EXIT_DATA);
        }
      from[j] = i;
    }
  for (size_t r = 0; r < data->n; r++)
    for (size_t j = 0; j < d; j++)
      x[r * d + j] = data->x[r * data->d + from[j]];
  free (data->x);
  data->x = x;
  for (size_t i = 0; i < data->d; i++)
    free (data->names[i]);
  free (data->names);
  data->names = NULL;
  data->d = d;
  free (from);
}

/* The model prepared for the outputs asked: one that cannot give them
   (a W that is not positive definite, a mean too far from the centre)
   is an error found before any folder or file is made.  */
static vbgmm_predictions *
prepare (const predict_params *p, const vbgmm_model *model, const char *name)
{
  vbgmm_error err = { 0 };
  int resp = (p->outputs & (OUT_Z | OUT_LABELS)) != 0;
  vbgmm_predictions *pred
    = vbgmm_predictions_alloc (model, resp, (p->outputs & OUT_DENSITY) != 0,
                               &err);
  if (!pred)
    {
      cli_error ("%s: %s", name, err.message);
      exit (EXIT_DATA);
    }
  return pred;
}

int
main (int argc, char **argv)
{
  predict_params p;
  cli_program_name = "vbgmm-predict";
  cli_stdopen ();
  gsl_set_error_handler_off ();
  /* A signal removes the temporary files of the outputs.  */
  setup_catch_signals ();
  parse (argc, argv, &p);

  const char *outputs[4];
  size_t n_outputs = 0;
  if (p.outputs & OUT_Z)
    outputs[n_outputs++] = "z.csv";
  if (p.outputs & OUT_LABELS)
    outputs[n_outputs++] = "labels.csv";
  if (p.outputs & OUT_DENSITY)
    outputs[n_outputs++] = "density.csv";
  outputs[n_outputs] = NULL;
  setup_refuse_replacing (p.input, p.output_dir, outputs);

  vbgmm_model *model = setup_read_model (p.model_file);
  vbgmm_data *data = setup_read_csv (p.input, p.columns, p.n_columns);
  const char *name = strcmp (p.input, "-") == 0 ? "(standard input)"
                     : p.input;
  match_columns (&p, model, data, name);
  vbgmm_predictions *pred = prepare (&p, model, name);

  atomic_set set = { NULL, 0 };
  const char *failed = NULL;
  FILE *z = NULL, *labels = NULL, *density = NULL;
  vbgmm_error err = { 0 };
  double total = 0;
  if (atomic_make_dirs (p.output_dir) != 0)
    {
      cli_error ("%s: %s", p.output_dir, strerror (errno));
      exit (EXIT_DATA);
    }
  if ((p.outputs & OUT_Z) && !(z = atomic_open (&set, p.output_dir, "z.csv")))
    failed = "z.csv";
  else if ((p.outputs & OUT_LABELS)
           && !(labels = atomic_open (&set, p.output_dir, "labels.csv")))
    failed = "labels.csv";
  else if ((p.outputs & OUT_DENSITY)
           && !(density = atomic_open (&set, p.output_dir, "density.csv")))
    failed = "density.csv";
  if (failed)
    {
      cli_error ("%s/%s: %s", p.output_dir, failed, strerror (errno));
      exit (setup_give_up (&set));
    }
  if (vbgmm_predictions_write (pred, z, labels, density,
                               density ? &total : NULL, data, p.threads,
                               &err))
    {
      cli_error ("%s: %s", err.status == VBGMM_EIO ? p.output_dir : name,
                 err.message);
      exit (setup_give_up (&set));
    }
  if (!p.quiet)
    {
      printf ("points: %zu\n", data->n);
      if (density)
        printf ("total ln p(x | training data): %.17g\n", total);
    }
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      cli_error ("write error: %s", strerror (errno));
      exit (setup_give_up (&set));
    }
  if (atomic_commit (&set, &failed) != 0)
    {
      cli_error ("%s: %s", failed, strerror (errno));
      exit (setup_give_up (&set));
    }
  atomic_abort (&set);

  vbgmm_predictions_free (pred);
  vbgmm_model_free (model);
  vbgmm_data_free (data);
  free (p.columns);
  return 0;
}
