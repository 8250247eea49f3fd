/* vbgmm.h -- variational Bayesian Gaussian mixture (Bishop, PRML 10.2)

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

#ifndef VBGMM_H
#define VBGMM_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  The library never prints and never exits: every
   fallible call returns one of these and fills a vbgmm_error.  */
enum
{
  VBGMM_SUCCESS = 0,
  VBGMM_EDATA = 1,   /* bad input data */
  VBGMM_EIO = 2,     /* read or write failure */
  VBGMM_EINVAL = 3,  /* a parameter out of range */
  VBGMM_ENOMEM = 4,  /* out of memory */
  VBGMM_ENUM = 5,    /* numerical failure (matrix not positive definite) */
  VBGMM_EREMOTE = 6  /* another process of the fit failed (see vbgmm_comm) */
};

typedef struct vbgmm_error
{
  int status;        /* one of the codes above */
  long line;         /* input line the error is about, or 0 */
  char message[512]; /* what is wrong, without program or file name */
} vbgmm_error;

/* Communication hooks: the fit runs unchanged on one process or on
   many (each holding some rows).  On one process leave them NULL.  A
   process that fails where the others do not (out of memory) tells
   them at the next sum, and they return VBGMM_EREMOTE: none is left
   waiting.  */
typedef struct vbgmm_comm
{
  /* Sum BUF[0..N-1] over all processes, in place.  */
  int (*sum) (double *buf, size_t n, void *arg);
  /* Replace BUF[0..N-1] by the sum of the BUFs of all processes of
     lower rank (zero on the first).  */
  int (*exscan) (double *buf, size_t n, void *arg);
  void *arg;
} vbgmm_comm;

/* The data: N points in D dimensions, row-major.  */
typedef struct vbgmm_data
{
  size_t n, d;
  double *x;        /* n * d */
  char **names;     /* d column names from a header row, or NULL */
  size_t first_row; /* global index of row 0 (0 on one process) */
  size_t n_total;   /* rows over all processes (n on one process) */
  void *map;        /* when x lies in a mapped file: the mapping, which
                       vbgmm_data_free unmaps (else x is freed) */
  size_t map_len;
} vbgmm_data;

vbgmm_data *vbgmm_data_alloc (size_t n, size_t d);
void vbgmm_data_free (vbgmm_data *data);

/* Reading CSV (RFC 4180 through libcsv).  */
enum
{
  VBGMM_CSV_HEADER_AUTO = 0, /* a first row with a non-number is a header */
  VBGMM_CSV_HEADER_NONE = 1  /* every row must be numbers */
};

typedef struct vbgmm_csv_options
{
  const size_t *columns; /* 0-based fields to keep, in this order; NULL: all */
  size_t n_columns;
  int header;            /* VBGMM_CSV_HEADER_* */
  size_t n_fields;       /* fields each row must have; 0: as the first row */
  long first_line;       /* number of the stream's first line; 0 means 1;
                            below 0: VBGMM_EINVAL.  Line numbers that
                            would pass LONG_MAX are LONG_MAX */
} vbgmm_csv_options;

/* Read every point from FP.  On error returns a status and fills ERR
   (ERR->line names the offending line).  */
int vbgmm_csv_read (FILE *fp, const vbgmm_csv_options *opt,
                    vbgmm_data **data, vbgmm_error *err);
/* Read every point from the file PATH, a piece per thread (THREADS,
   0: all cores) when it is a regular file large enough; the same data
   and the same errors as vbgmm_csv_read.  */
int vbgmm_csv_read_file (const char *path, const vbgmm_csv_options *opt,
                         int threads, vbgmm_data **data, vbgmm_error *err);
/* Read every point from the bytes [BEGIN, END) of the open file FD
   (pread: the file offset is left alone), as vbgmm_csv_read would from
   a stream of them; *NEWLINES (when not NULL) gets the number of
   newlines read, which on success is the number of lines of the range.
   Used to read a file in pieces, e.g. one per process.  */
int vbgmm_csv_read_range (int fd, off_t begin, off_t end,
                          const vbgmm_csv_options *opt, long *newlines,
                          vbgmm_data **data, vbgmm_error *err);
/* The first line start at or after OFF in the file FD of SIZE bytes
   (SIZE when there is none), or -1 on a read error.  */
off_t vbgmm_csv_line_start (int fd, off_t off, off_t size);

/* Reading NumPy .npy files: float64 or float32, either byte order, C
   order, 1-D (N points of one number) or 2-D (N x D).  Little-endian
   float64 with every column is mapped into memory, not copied.
   COLUMNS (0-based, N_COLUMNS of them) may be NULL: every column.  */
int vbgmm_npy_read (const char *path, const size_t *columns,
                    size_t n_columns, vbgmm_data **data, vbgmm_error *err);
/* 1 when the LEN bytes at HEAD start with the magic of a .npy file.  */
int vbgmm_npy_magic (const void *head, size_t len);

/* The forms of the model (DESIGN 6): how the precisions of the
   components are shaped, and the prior on the weights.  Each is a type
   found by name, as GSL's random number generators are.  */
typedef struct vbgmm_covariance_type vbgmm_covariance_type;
typedef struct vbgmm_weights_type vbgmm_weights_type;

/* "full", "diag", "spherical", "tied"; NULL for any other name.  */
const vbgmm_covariance_type *vbgmm_covariance_lookup (const char *name);
/* "dirichlet", "dp" (truncated stick-breaking); NULL for another.  */
const vbgmm_weights_type *vbgmm_weights_lookup (const char *name);
const char *vbgmm_covariance_name (const vbgmm_covariance_type *t);
const char *vbgmm_weights_name (const vbgmm_weights_type *t);
/* Every type, in a NULL-terminated list.  */
const vbgmm_covariance_type *const *vbgmm_covariance_types (void);
const vbgmm_weights_type *const *vbgmm_weights_types (void);
/* How a form's precision scale W is shaped, and written in params.dat:
   D x D (full, tied), its diagonal (diag), one number times the
   identity (spherical).  */
enum { VBGMM_W_MATRIX, VBGMM_W_DIAGONAL, VBGMM_W_SCALAR };
int vbgmm_covariance_shape (const vbgmm_covariance_type *t);
/* 1 when every component shares one W and nu (tied).  */
int vbgmm_covariance_shared (const vbgmm_covariance_type *t);
/* The least nu0 of a form is above this: D - 1 for full and tied, 0
   for diag and spherical; the default nu0 is one more.  */
double vbgmm_covariance_nu0_floor (const vbgmm_covariance_type *t, size_t d);

/* The prior (PRML 10.39, 10.40; DESIGN 6 for the other forms).  */
typedef struct vbgmm_prior
{
  size_t d;
  double alpha0; /* Dirichlet concentration, > 0 */
  double beta0;  /* precision scale of the means, > 0 */
  double nu0;    /* degrees of freedom, > vbgmm_covariance_nu0_floor */
  double *m0;    /* d */
  double *W0;    /* d * d, symmetric positive definite; diagonal for
                    diag, a multiple of the identity for spherical */
  const vbgmm_covariance_type *covariance; /* the form of the precisions */
  const vbgmm_weights_type *weights;       /* the prior on the weights */
  double gamma0; /* stick-breaking concentration (dp), > 0 */
  /* The units of m0 and W0 (see "Units" below): d exponents, each
     from -1021 to 1021, all 0 (the data's own units) unless set;
     NULL: all 0.  */
  int *units;
} vbgmm_prior;

/* alpha0 = 0.001, beta0 = 1, nu0 = d, m0 = 0, W0 = I, full covariances,
   Dirichlet weights, gamma0 = 1.  NULL when out of memory, or when the
   bytes of W0 pass SIZE_MAX.  */
vbgmm_prior *vbgmm_prior_alloc (size_t d);
/* A copy of PRIOR (NULL when out of memory).  */
vbgmm_prior *vbgmm_prior_copy (const vbgmm_prior *prior);
void vbgmm_prior_free (vbgmm_prior *prior);
/* NULL when PRIOR is usable, else what is wrong.  */
const char *vbgmm_prior_check (const vbgmm_prior *prior);

/* Mean and sample covariance (N - 1 denominator) of the data, over all
   processes of COMM (may be NULL).  COV may be NULL: the mean alone.
   VBGMM_EDATA for data of no points (this and the two below).  */
int vbgmm_data_moments (const vbgmm_data *data, const vbgmm_comm *comm,
                        double *mean, double *cov, vbgmm_error *err);
/* Units.  The model is equivariant under a change of units; to make
   the arithmetic so too, the fit works on column i of the data divided
   by 2^UNITS[i], UNITS[i] the binary exponent of the column's spread,
   so that data from 1e-300 to 1e300 in magnitude fit like data near 1,
   and data multiplied by 2^j give the same numbers, bit for bit.  The
   data themselves are never written: each point is scaled as it is
   read.  Numbers "in units UNITS" are the data's numbers so divided: a
   mean m_i / 2^UNITS[i], a precision W_ij 2^(UNITS[i] + UNITS[j]).
   The exponents of DATA (over COMM, may be NULL) for the form FORM
   (NULL: full), each from -1021 to 1021 (0 for a column of zeros, or
   one whose values span more than the double range).  The spherical
   form, whose one precision serves every column, is equivariant only
   under one change of units for all: its columns all get the largest
   exponent.  */
int vbgmm_data_units (const vbgmm_data *data, const vbgmm_comm *comm,
                      const vbgmm_covariance_type *form, int *units,
                      vbgmm_error *err);
/* vbgmm_data_moments of the data in units UNITS (NULL: the data's).  */
int vbgmm_data_moments_units (const vbgmm_data *data, const vbgmm_comm *comm,
                              const int *units, double *mean, double *cov,
                              vbgmm_error *err);
/* The mean and the D sample variances alone (N - 1 denominator) in
   units UNITS (NULL: the data's): N D work where the covariance is
   N D^2; the same numbers as its diagonal below 32 dimensions, beyond
   which the covariance is summed in blocks (equal to rounding).  */
int vbgmm_data_variances_units (const vbgmm_data *data,
                                const vbgmm_comm *comm, const int *units,
                                double *mean, double *var, vbgmm_error *err);

/* W0 = COV^-1.  When COV is singular a ridge is added to its diagonal
   first; *RIDGE (may be NULL) receives it, 0 when none was needed.
   VBGMM_ENUM when no ridge helps or the inverse passes the range of
   doubles (a variance below 1 / DBL_MAX).  */
int vbgmm_prior_set_W0_inverse (vbgmm_prior *prior, const double *cov,
                                double *ridge, vbgmm_error *err);
/* The same for a diagonal COV given by its D variances VAR (the
   diagonal and spherical forms): the same numbers, ridge and status,
   from D numbers where COV takes D x D and a factorisation.  */
int vbgmm_prior_set_W0_inverse_diagonal (vbgmm_prior *prior,
                                         const double *var, double *ridge,
                                         vbgmm_error *err);

/* Options of a fit.  */
enum
{
  VBGMM_INIT_KMEANSPP = 0, /* k-means++ seeding */
  VBGMM_INIT_RANDOM = 1,   /* K distinct data points */
  VBGMM_INIT_MEANS = 2,    /* the means in init_means */
  /* The start state is the M-step of one-hot responsibilities: */
  VBGMM_INIT_KMEANS = 3,   /* of k-means (greedy k-means++ seeds, Lloyd) */
  VBGMM_INIT_LABELS = 4,   /* of the labels in init_labels */
  /* ... or of the responsibilities in init_resp.  */
  VBGMM_INIT_RESP = 5,
  VBGMM_INIT_MODEL = 6     /* the q(theta) of init_model (a warm start) */
};

struct vbgmm_model;

/* When the fit takes extrapolated steps (vbgmm_options.accelerate).  */
enum
{
  VBGMM_ACCELERATE_NO = 0,    /* the plain updates */
  VBGMM_ACCELERATE_YES = 1,   /* always */
  /* unless the statistics they keep (four copies, K (1 + P) doubles
     each) would pass VBGMM_ACCELERATE_AUTO_BYTES: the default */
  VBGMM_ACCELERATE_AUTO = -1
};
#define VBGMM_ACCELERATE_AUTO_BYTES (32 * 1024 * 1024)

/* The most iterations the programs run (--max-iter) and a model file
   may record.  */
#define VBGMM_MAX_ITER_LIMIT 100000000

/* How far from 1 a row of init_resp may sum: rounding, not
   probabilities of a few digits that miss 1.  */
#define VBGMM_RESP_TOL 1e-6

typedef struct vbgmm_options
{
  size_t k;                  /* number of components */
  int init;                  /* VBGMM_INIT_* */
  const double *init_means;  /* k * d, for VBGMM_INIT_MEANS */
  const size_t *init_labels; /* one per row of the data, each < k,
                                for VBGMM_INIT_LABELS */
  const double *init_resp;   /* rows * k, for VBGMM_INIT_RESP: each row
                                numbers from 0 to 1 summing to 1 within
                                VBGMM_RESP_TOL, or vbgmm_fit fails with
                                VBGMM_EDATA naming the row */
  size_t kmeans_max_iter;    /* Lloyd's iterations at most (300); >= 1
                                for VBGMM_INIT_KMEANS */
  unsigned long seed;
  size_t n_init;             /* fits from seeds seed, seed + 1, ...: the
                                highest final bound is kept (ties, to
                                1e-9 relative: the lowest seed); >= 1 */
  int accelerate;            /* VBGMM_ACCELERATE_*: extrapolated steps
                                (SQUAREM), each kept only when the bound
                                rises, or the plain updates */
  size_t max_iter;           /* >= 1 (the programs: at most
                                VBGMM_MAX_ITER_LIMIT) */
  double tol;                /* >= 0; 0: run max_iter iterations */
  int threads;               /* 0: all cores */
  const vbgmm_comm *comm;    /* NULL on one process */
  /* Called after every iteration, when not NULL.  */
  void (*progress) (size_t iter, double bound, void *arg);
  void *progress_arg;
  /* Called after each start of n_init with its seed, iterations and
     final bound, when not NULL; with progress_arg.  */
  void (*start_done) (unsigned long seed, size_t iterations, double bound,
                      void *arg);
  /* For VBGMM_INIT_MODEL: a model of k components in the data's d.  */
  const struct vbgmm_model *init_model;
  /* 1: delete moves, each kept only when the bound rises: a component
     whose N_k is falling is emptied in one step (0: never).  */
  int delete_moves;
} vbgmm_options;

void vbgmm_options_default (vbgmm_options *opt);
/* NULL when the options suit DATA, else what is wrong.  */
const char *vbgmm_options_check (const vbgmm_options *opt,
                                 const vbgmm_data *data);

/* The fitted q(theta) and the history of the fit.  Every form keeps its
   precisions as D x D matrices, E[Lambda_k] = nu_k W_k: diagonal for
   diag, w_k I for spherical, the same W and nu in every component for
   tied.  */
typedef struct vbgmm_model
{
  size_t k, d;
  double *alpha;       /* k: q(pi) = Dir(alpha); dp: a_k of q(v_k) = Beta(a_k, b_k) */
  double *beta;        /* k */
  double *m;           /* k * d */
  double *W;           /* k * d * d */
  double *nu;          /* k */
  double *N;           /* k: N_k of the last iteration */
  double *shift;       /* d: fixed centre of the second moments */
  double *bound;       /* the lower bound after each iteration */
  size_t iterations;   /* iterations run */
  int converged;       /* 1 when the tolerance was met */
  size_t decreases;    /* iterations whose bound fell by more than rounding */
  size_t passes;       /* passes over the data: iterations, plus the
                          extrapolated steps that the bound turned down */
  unsigned long seed;  /* the seed of the start that was kept */

  /* What the model was fitted to and how, for the model file.  The fit
     fills them; a program adds the fields its --columns chose.  A
     model read from a file holds only the final bound:
     bound[iterations - 1]; the entries before it are NaN.  */
  size_t n_points;     /* N, over all processes */
  char **names;        /* d column names from a header row, or NULL */
  size_t *fields;      /* 0-based input fields used, or NULL: all */
  size_t n_fields;
  vbgmm_prior *prior;  /* a copy of the prior of the fit */
  int init;            /* VBGMM_INIT_* */
  size_t n_init;
  int accelerate;
  double tol;
  size_t max_iter;
  /* The form (DESIGN 6), after the fields above so that their places
     stay where they were.  */
  const vbgmm_covariance_type *covariance;
  const vbgmm_weights_type *weights;
  double *b;           /* k: dp: b_k of q(v_k) (the last component has no stick) */
  /* d: the units (see "Units") of m, W, shift and the prior's m0 and
     W0, which the fit chose from the data; in the data's own units a
     W may be beyond the range of doubles.  The bounds are in the
     data's units: ln p(x) = ln p(x / 2^units) - ln 2 sum_i units[i]
     for each point.  */
  int *units;
  int delete_moves;    /* vbgmm_options.delete_moves of the fit */
} vbgmm_model;

/* Full covariances and Dirichlet weights until the fit sets them.
   NULL when out of memory, or when the bytes of the K W pass
   SIZE_MAX.  */
vbgmm_model *vbgmm_model_alloc (size_t k, size_t d, size_t max_iter);
void vbgmm_model_free (vbgmm_model *model);

/* Initial means (k * d) as OPT asks, from DATA (over COMM): for
   VBGMM_INIT_KMEANS the seeds of its k-means (greedy k-means++); for
   VBGMM_INIT_LABELS and VBGMM_INIT_RESP the means xbar_k of the points
   under those responsibilities (PRML 10.52; a component that holds
   none, the mean of all the points), which the start state's m_k
   takes toward m0 by beta0 (10.61); for VBGMM_INIT_MODEL the means of
   init_model (in the data's units).  */
int vbgmm_init_means (const vbgmm_data *data, const vbgmm_options *opt,
                      double *means, vbgmm_error *err);

/* Fit: start state from the initial means, then iterate until the
   bound converges or max_iter.  Returns NULL on error (VBGMM_EDATA
   for a number of DATA that is not finite, or a row of init_resp that
   is not responsibilities).  */
vbgmm_model *vbgmm_fit (const vbgmm_data *data, const vbgmm_prior *prior,
                        const vbgmm_options *opt, vbgmm_error *err);

/* Responsibilities of every point under MODEL, in row order, a block
   at a time: SINK receives ROWS rows of K numbers (row-major) and
   returns 0, or non-zero to stop: the call then returns VBGMM_EIO
   ("cannot write the responsibilities").  VBGMM_EINVAL when DATA and
   MODEL differ in dimension.  VBGMM_EDATA, naming the row and column,
   for a number of DATA that is not finite, as vbgmm_fit: a point with
   a NaN coordinate has no responsibilities, nor one at infinity
   (which component it belongs to depends on how it got there); both
   are refused before SINK is called.  A finite point so far from
   every component that its quadratic forms pass the range of doubles
   gets its responsibilities all the same, from scaled forms (mostly
   one-hot).  */
typedef int (*vbgmm_sink) (const double *r, size_t rows, size_t k,
                           void *arg);
int vbgmm_responsibilities (const vbgmm_model *model, const vbgmm_data *data,
                            int threads, vbgmm_sink sink, void *arg,
                            vbgmm_error *err);
/* The same for the rows ROWS[0..NROWS-1] of DATA alone (0-based, in
   that order; a row may come twice): a sample costs its own size, not
   the data's (only those rows need be finite).  */
int vbgmm_responsibilities_rows (const vbgmm_model *model,
                                 const vbgmm_data *data, const size_t *rows,
                                 size_t nrows, int threads, vbgmm_sink sink,
                                 void *arg, vbgmm_error *err);
/* The most likely component of a row R of K responsibilities: the
   first of the largest (labels.csv, the pictures' colours).  */
size_t vbgmm_most_likely (const double *r, size_t k);

/* Output files (DESIGN 4), in the C locale whatever the caller's.
   Each writer flushes FP: VBGMM_EIO on a write error (errno tells
   which), a full disk included; vbgmm_write_params VBGMM_ENOMEM, with
   nothing written, when out of memory.  */
int vbgmm_write_params (FILE *fp, const vbgmm_model *model);
int vbgmm_write_bound (FILE *fp, const vbgmm_model *model);
int vbgmm_write_z (FILE *fp, const vbgmm_model *model,
                   const vbgmm_data *data, int threads, vbgmm_error *err);
/* labels.csv: for each point, the most likely component (its index in
   params.dat) and its responsibility: "k,r".  */
int vbgmm_write_labels (FILE *fp, const vbgmm_model *model,
                        const vbgmm_data *data, int threads,
                        vbgmm_error *err);
/* Both in one pass over the data (either FILE may be NULL).  */
int vbgmm_write_z_labels (FILE *z, FILE *labels, const vbgmm_model *model,
                          const vbgmm_data *data, int threads,
                          vbgmm_error *err);

/* z.csv, labels.csv and density.csv in one pass over the data (any
   FILE may be NULL): density.csv holds ln p(x_n | training data), the
   log posterior predictive density, and *TOTAL (may be NULL) receives
   its sum over the points.  VBGMM_EDATA, with nothing written, for a
   number of DATA that is not finite, as vbgmm_responsibilities (the
   densities alone too: vbgmm_predictive_ln_density gives such points
   NaN or -inf).  */
int vbgmm_write_predictions (FILE *z, FILE *labels, FILE *density,
                             double *total, const vbgmm_model *model,
                             const vbgmm_data *data, int threads,
                             vbgmm_error *err);
/* The same in two steps, the model prepared once (its factorisations
   and constants) for any number of writes: for the responsibilities
   (z.csv, labels.csv) when RESPONSIBILITIES, for the densities when
   DENSITY.  The preparation checks the model (NULL, ERR set, for one
   that cannot give them: VBGMM_ENUM, VBGMM_ENOMEM); MODEL must outlive
   it.  vbgmm_predictions_write is vbgmm_write_predictions with it
   (VBGMM_EINVAL for an output it was not prepared for).  */
typedef struct vbgmm_predictions vbgmm_predictions;
vbgmm_predictions *vbgmm_predictions_alloc (const vbgmm_model *model,
                                            int responsibilities,
                                            int density, vbgmm_error *err);
void vbgmm_predictions_free (vbgmm_predictions *p);
int vbgmm_predictions_write (const vbgmm_predictions *p, FILE *z,
                             FILE *labels, FILE *density, double *total,
                             const vbgmm_data *data, int threads,
                             vbgmm_error *err);

/* The posterior predictive distribution (PRML 10.78-10.82): the
   mixture of Student-t distributions St(x | m_k, L_k, v_k),
   L_k = v_k beta_k / (1 + beta_k) W_k, weights E[pi_k]; v_k = nu_k + 1 - D
   for full and tied, nu_k for spherical; for diag each component is a
   product of D one-dimensional St(x_d | m_kd, (L_k)_dd, nu_k).  Every
   form of the model has one.  */
typedef struct vbgmm_predictive vbgmm_predictive;
vbgmm_predictive *vbgmm_predictive_alloc (const vbgmm_model *model,
                                          vbgmm_error *err);
void vbgmm_predictive_free (vbgmm_predictive *pred);
/* ln p(x | training data) of the N points X (row-major, n * d): NaN
   for a point with a NaN coordinate, -inf for one at infinity.  */
int vbgmm_predictive_ln_density (const vbgmm_predictive *pred,
                                 const double *x, size_t n, int threads,
                                 double *ln_p, vbgmm_error *err);
/* N points drawn from it into X (n * d), from SEED (mt19937): the same
   seed gives the same points.  */
int vbgmm_predictive_sample (const vbgmm_predictive *pred,
                             unsigned long seed, size_t n, double *x,
                             vbgmm_error *err);
/* The same draws, and in LABELS (N of them; may be NULL) the component
   each point was drawn from.  */
int vbgmm_predictive_sample_labels (const vbgmm_predictive *pred,
                                    unsigned long seed, size_t n, double *x,
                                    size_t *labels, vbgmm_error *err);

/* The model file, model.json (JSON through jansson): the form of the
   model, the prior, every component's posterior, the columns and the
   settings of the fit.  Numbers read back to the same double, and a
   model read and written again gives the same bytes.  On a bad file
   the message names the field (ERR->line the line, for bad JSON).
   A model that could not be read back leaves nothing written:
   VBGMM_EINVAL for no prior, n_init 0 (a fit makes one start at
   least), iterations 0 or above max_iter or VBGMM_MAX_ITER_LIMIT, a
   tol below 0, an unknown init; VBGMM_ENOMEM for a number that is not
   finite.  FP is flushed: VBGMM_EIO on a write error.  */
int vbgmm_model_write (FILE *fp, const vbgmm_model *model, vbgmm_error *err);
/* A column name as model.json holds it (malloc'd; NULL when out of
   memory): valid UTF-8 as it is, any other byte read as Latin-1.  */
char *vbgmm_name_utf8 (const char *name);
int vbgmm_model_save (const char *path, const vbgmm_model *model,
                      vbgmm_error *err);
vbgmm_model *vbgmm_model_read (FILE *fp, vbgmm_error *err);
vbgmm_model *vbgmm_model_load (const char *path, vbgmm_error *err);
/* z as a NumPy .npy file: an N x K float64 array in C order.  Data
   that vbgmm_responsibilities refuses leave nothing written.  */
int vbgmm_write_z_npy (FILE *fp, const vbgmm_model *model,
                       const vbgmm_data *data, int threads,
                       vbgmm_error *err);

/* Expected weight E[pi_k]: alpha_k / sum alpha (dirichlet),
   a_k/(a_k+b_k) prod_{j<k} b_j/(a_j+b_j) (dp).  Each costs K
   operations: for every component take vbgmm_model_weights.  */
double vbgmm_model_weight (const vbgmm_model *model, size_t k);
/* All K of them into W[0..K-1] in K operations: the same numbers.  */
void vbgmm_model_weights (const vbgmm_model *model, double *w);

/* The covariance E[Lambda_c]^-1 = (nu_c W_c)^-1 of component C (defined
   for every nu > D - 1) restricted to the dimensions DIMS[0..NDIMS-1]:
   COV[NDIMS x NDIMS], in the units of the model's W.  Costs a
   factorisation, not a whole inverse.  0, or -1 when nu W is not
   positive definite or memory is short.  */
int vbgmm_model_covariance (const vbgmm_model *model, size_t c,
                            const size_t *dims, size_t ndims, double *cov);

const char *vbgmm_version (void);

#ifdef __cplusplus
}
#endif

#endif /* VBGMM_H */
