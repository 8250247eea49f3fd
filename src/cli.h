/* cli.h -- the command line of vbgmm

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

#ifndef VBGMM_CLI_H
#define VBGMM_CLI_H

#include <stddef.h>

#include "vbgmm.h"

/* Exit statuses (documented in --help and the manual page).  */
enum
{
  EXIT_DATA = 1,   /* bad input data or an I/O error */
  EXIT_USAGE = 2   /* bad usage */
};

enum { M0_MEAN, M0_ZERO, M0_LIST };
enum { W0_COV, W0_SCALE, W0_FILE };
enum { VERBOSITY_QUIET, VERBOSITY_NORMAL, VERBOSITY_VERBOSE };

/* Everything the command line says, before the data are read.  */
typedef struct cli_params
{
  vbgmm_options opt;
  const vbgmm_covariance_type *covariance;
  const vbgmm_weights_type *weights;
  double alpha0, beta0, nu0, gamma0;
  int nu0_set;
  int nu0_tiny;             /* given below the least normal double */
  /* As given, for messages; NULL when not given.  */
  const char *alpha0_arg, *beta0_arg, *nu0_arg, *gamma0_arg;
  int m0_kind;
  double *m0_list;
  size_t m0_len;
  const char *m0_arg;
  int W0_kind;
  double W0_scale;
  const char *W0_arg;
  const char *init_means_file;
  const char *init_labels_file;
  const char *init_resp_file;
  const char *init_model_file; /* --init-model: a warm start */
  size_t *columns;          /* 0-based */
  size_t n_columns;
  const char *output_dir;
  const char *input;        /* the file name; "-" is standard input */
  int verbosity;
  const char *plot_format;  /* "png", "svg", "pdf" or "none" */
  int plot_width, plot_height;
  size_t *plot_dims;        /* 0-based */
  size_t n_plot_dims;
  const char *z_format;     /* "csv", "npy" or "none" */
} cli_params;

/* Parse ARGV into P.  Exits with EXIT_USAGE on bad usage, 0 after
   --help or --version.  */
void cli_parse (int argc, char **argv, cli_params *p);
void cli_free (cli_params *p);

/* Standard input, output and error open, on /dev/null where one was
   closed (the way no read or write succeeds): else the first file
   opened would take its number and the summary go into z.csv.  Every
   program calls it first.  */
void cli_stdopen (void);

/* Exit 0 after --help or --version, or 1 with a message when what
   they wrote to standard output could not be written.  */
void cli_exit_written (void) __attribute__ ((noreturn));

/* The name that begins every message: "vbgmm" unless a program says.  */
extern const char *cli_program_name;
/* A paragraph that --help prints after vbgmm's description: where a
   program that takes vbgmm's options differs from it.  */
extern const char *cli_usage_note;

/* For the other programs' options: parsers as for vbgmm's (0 or -1),
   the message for a bad value (exits with EXIT_USAGE), --version.  */
int cli_parse_size (const char *s, size_t *out);
/* -c's "1,3,5-7" into the 0-based indices OUT (freed first) and their
   number N; or the usage error, "out of memory".  */
void cli_parse_columns (const char *arg, size_t **out, size_t *n);
void cli_bad_value (const char *option, const char *arg,
                    const char *expected) __attribute__ ((noreturn));
void cli_version (void) __attribute__ ((noreturn));
/* The usage error of OPTION, which takes EXPECTED, an integer: with
   the limit MAX where ARG is an integer past it.  */
void cli_bad_integer (const char *option, const char *arg,
                      const char *expected, unsigned long long max)
  __attribute__ ((noreturn));
/* The options of ARGV by getopt_long (SHORTOPTS, LONGOPTS), messages
   under cli_program_name, as every program takes them: -h runs
   HELP (0), -V prints the version, both exit 0; an unknown option or
   a missing value exits through HELP (EXIT_USAGE) after getopt_long's
   message; every other option goes to OPTION with its value and
   PARAMS.  Returns the index of the first operand.  */
struct option;
int cli_getopt (int argc, char **argv, const char *shortopts,
                const struct option *longopts, void (*help) (int),
                void (*option) (int c, const char *arg, void *params),
                void *params);
/* The N operands ARGV[FIRST..] that NAMES name, into OUT (NULL when
   absent): the first REQUIRED must be there, and no more than N.
   Exits with EXIT_USAGE and "missing NAME" or "extra operand".  */
void cli_operands (int argc, char **argv, int first, const char *const *names,
                   size_t required, size_t n, const char **out);

/* Print "PROGRAM: " and the message to stderr.  */
void cli_error (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));
/* When set, called by cli_error with each message (without the
   program's name) after it is printed: vbgmm-mpi keeps the message of
   a process whose stderr no one sees.  */
extern void (*cli_error_hook) (const char *message);

#endif
