/* setup.h -- what the programs vbgmm and vbgmm-mpi share: the prior
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

#ifndef VBGMM_SETUP_H
#define VBGMM_SETUP_H

#include <stdio.h>

#include "atomic.h"
#include "cli.h"
#include "vbgmm.h"

/* Every function here that can fail prints one message and exits, as
   the serial program always did.  Under MPI that is only right where
   every process reaches the same verdict (the same small file, the
   same global moments); what one process alone can fail at is handled
   by the caller.  */

/* The sample data: installed, or in the source tree before that.  */
const char *setup_default_input (void);

/* Print "NAME:LINE: message" (or "NAME: message") for ERR.  Returns the
   exit status it calls for.  */
int setup_report_error (const char *name, const vbgmm_error *err);

/* A whole CSV file, read on this process; NAME "-" is standard input.  */
vbgmm_data *setup_read_csv (const char *name, const size_t *columns,
                            size_t n_columns);

/* The data file NAME of the command line P, read with P's threads;
   NAME "-" is standard input.  */
vbgmm_data *setup_read_data (const char *name, const cli_params *p);

/* A ROWS x COLS matrix from the CSV file NAME, for the error messages
   called WHAT.  */
double *setup_read_matrix (const char *name, size_t rows, size_t cols,
                           const char *what);

/* The start that the command line P gives in a file (--init-means,
   --init-labels, --init-resp), read and set in P->opt for the rows of
   DATA (of all the rows the file holds, one per point of every
   process).  Returns the memory to free after the fit, or NULL.  */
void *setup_read_start (cli_params *p, const vbgmm_data *data);

/* With -v and many starts, a line on stderr for each.  */
void setup_start_done (unsigned long seed, size_t iterations, double bound,
                       void *arg);

/* The model in the model file NAME (model.json).  */
vbgmm_model *setup_read_model (const char *name);

/* A warm start from P's --init-model, when given, for DATA read from
   NAME: the model's K and its q(theta).  Returns the model (to free
   after the fit) or NULL when there is none.  */
vbgmm_model *setup_init_model (cli_params *p, const vbgmm_data *data,
                               const char *name);

/* The prior, from the command line and the data read from NAME; the
   moments of the data are summed over COMM (NULL: this process).
   *RIDGE becomes whether W0 is the inverse of a singular sample
   covariance with a ridge added (a warning says so).  */
vbgmm_prior *setup_make_prior (const cli_params *p, const vbgmm_data *data,
                               const vbgmm_comm *comm, const char *name,
                               int *ridge);

/* The message (into MSG, LEN bytes) for the failed fit of the data
   read from NAME, and the exit status it calls for.  An overflow in
   the fit, which no data fitted with the default prior and start come
   near, is put down to the options of the prior and the start that P
   was given, named as given.  */
int setup_fit_error (const cli_params *p, const char *name,
                     const vbgmm_error *err, char *msg, size_t len);

/* Progress on stderr as P (the progress argument) asks.  */
void setup_progress (size_t iter, double bound, void *arg);

/* The warnings a finished fit calls for; RIDGE as setup_make_prior
   set it.  */
void setup_fit_warnings (const cli_params *p, const vbgmm_model *model,
                         int ridge);

/* Writes z.csv into Z and labels.csv into LABELS.  Returns 0, or a
   VBGMM_* status with ERR filled (or 0 in ERR->status and errno set).  */
typedef int (*setup_z_writer) (FILE *z, FILE *labels, void *arg,
                               vbgmm_error *err);
/* Adds further files (the pictures) to SET.  Returns 0, or -1 with
   *FAILED naming the file and WHY saying what is wrong.  */
typedef int (*setup_extra_writer) (atomic_set *set, const char **failed,
                                   char *why, size_t whylen, void *arg);

/* Exit with a usage error when the data file INPUT ("-": standard
   input) is the very file (the same device and inode, whatever the
   spelling or link) that one of the OUTPUTS (names in the folder DIR,
   NULL-terminated) would replace: a run would put its results in place
   of its own data.  */
void setup_refuse_replacing (const char *input, const char *dir,
                             const char *const *outputs);

/* setup_refuse_replacing for the outputs of a fit as P asks (with the
   pictures when PICTURES is not 0).  */
void setup_check_outputs (const cli_params *p, const char *input,
                          int pictures);

/* SIGINT, SIGTERM, SIGHUP and SIGPIPE remove the temporary files of
   the outputs (atomic.h) and end the program with 128 + the signal's
   number; a message and EXIT_DATA when they cannot be caught.  */
void setup_catch_signals (void);

/* Record in MODEL the input fields that --columns chose, for
   model.json.  Exits when out of memory.  */
void setup_record_fields (vbgmm_model *model, const cli_params *p);

/* After an error: the temporary files of SET and the folders made for
   them go.  Returns the exit status, EXIT_DATA.  */
int setup_give_up (atomic_set *set);

/* Write z.csv and labels.csv (through WRITE_Z), params.dat, model.json,
   vblikelihood.txt and what
   EXTRA adds (may be NULL) into the output folder, print the summary,
   and rename the files into place only when all went well.  Returns 0,
   or the exit status after printing the message.  */
int setup_write_outputs (const cli_params *p, const vbgmm_model *model,
                         setup_z_writer write_z, void *z_arg,
                         setup_extra_writer extra, void *extra_arg);

#endif
