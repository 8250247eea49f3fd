/* fit.c -- the fit: start state, iterations, convergence

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

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>

#include "comm.h"
#include "covariance.h"
#include "error.h"
#include "estep_dense.h"
#include "accel.h"
#include "delete.h"
#include "fit.h"
#include "kmeans.h"
#include "model.h"
#include "mstep_dense.h"
#include "responsibility.h"
#include "units.h"
#include "vbgmm.h"
#include "weights.h"

/* Everything one fit allocates, freed in one place.  */
typedef struct fit_work
{
  vbgmm_estep *es;
  vbgmm_cov_prior cp;
  vbgmm_cov_suff *suff;  /* k */
  double *suff_mem;
  double *stats;
  double *accepted;  /* the statistics of the last pass whose bound was kept */
  double *step;      /* an extrapolated step (accel.h) */
  vbgmm_accel accel;
  int accelerate;    /* whether this fit takes them */
  vbgmm_delete del;  /* delete moves (delete.h) */
  int delete_moves;  /* whether this fit makes them */
  gsl_matrix *A;
  /* An emptied component (statistics all 0) that the last M-step made
     of statistics all 0 already keeps its parameters, and the E-step
     keeps what it made of them (VBGMM_SKIP_EMPTY=no: never).  */
  unsigned char *settled; /* k: the parameters are the M-step of 0 */
  unsigned char *fresh;   /* k: the E-step holds what it needs of them */
  double *metric;    /* d: how k-means weighs each column */
  /* Where the pass is estep_dense.c's, the fit holds no W
     (mstep_dense.h): FACTORS (k d d doubles) holds the E-step's factors,
     packed at its start, and becomes the model's W at the end.  */
  int dense;
  double *factors;
  double *mwork;     /* vbgmm_mstep_dense's room */
} fit_work;

static void
fit_work_free (fit_work *w)
{
  vbgmm_estep_free (w->es);
  vbgmm_cov_prior_free (&w->cp);
  free (w->suff);
  free (w->suff_mem);
  free (w->stats);
  free (w->accepted);
  free (w->step);
  vbgmm_accel_free (&w->accel);
  vbgmm_delete_free (&w->del);
  gsl_matrix_free (w->A);
  free (w->settled);
  free (w->fresh);
  free (w->metric);
  free (w->factors);
  free (w->mwork);
}

static int
fit_work_alloc (fit_work *w, const vbgmm_prior *prior, size_t k,
                int accelerate, int delete_moves, const double *spread,
                vbgmm_error *err)
{
  size_t d = prior->d;
  memset (w, 0, sizeof *w);
  int status = vbgmm_cov_prior_init (&w->cp, prior, err);
  if (status)
    return status;
  w->es = vbgmm_estep_alloc (k, d, prior->covariance->quad);
  w->suff = calloc (k, sizeof *w->suff);
  if (!w->es)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  w->dense = w->es->dense;
  /* No N_k S_k either: the dense M-step makes W_k^-1 of the sums.  */
  const size_t ns = w->dense ? 0
                    : vbgmm_cov_ns_size (prior->covariance->quad, d);
  w->suff_mem = calloc (k * (ns + 2 * d), sizeof (double));
  if (w->dense)
    {
      /* Untouched past the factors until the end.  */
      w->factors = calloc (k * d * d, sizeof (double));
      w->mwork = malloc (2 * d * VBGMM_DENSE_PAD (d) * sizeof (double));
      if (!w->factors || !w->mwork)
        return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      vbgmm_estep_keep_factors (w->es, w->factors);
    }
  /* One more: on many processes, how many failed in the pass.  */
  size_t len = vbgmm_stats_size (w->es) + 1;
  w->stats = calloc (len, sizeof (double));
  /* Four more copies of the statistics for the extrapolated steps
     alone: K (D + 1)(D + 2)/2 doubles each, 40 MB at D = 1000, K = 10.  */
  int accel_status = 0;
  if (accelerate == VBGMM_ACCELERATE_AUTO)
    accelerate = 4 * len * sizeof (double) <= VBGMM_ACCELERATE_AUTO_BYTES;
  w->accelerate = accelerate;
  w->delete_moves = delete_moves;
  if (accelerate || delete_moves)
    {
      w->accepted = calloc (len, sizeof (double));
      w->step = calloc (len, sizeof (double));
    }
  if (accelerate)
    accel_status = vbgmm_accel_init (&w->accel, k, d,
                                     prior->covariance->quad, spread);
  if (delete_moves && !accel_status)
    accel_status = vbgmm_delete_init (&w->del, k, w->es->p);
  w->A = w->dense ? NULL : gsl_matrix_alloc (d, d);
  w->settled = calloc (k, 1);
  w->fresh = calloc (k, 1);
  w->metric = malloc (d * sizeof (double));
  if (!w->es || !w->suff || !w->suff_mem || !w->stats
      || (!w->dense && !w->A)
      || !w->settled || !w->fresh || !w->metric
      || ((accelerate || delete_moves)
          && (!w->accepted || !w->step || accel_status)))
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  for (size_t c = 0; c < k; c++)
    {
      w->suff[c].NS = ns ? w->suff_mem + c * (ns + 2 * d) : NULL;
      w->suff[c].dx = w->suff_mem + c * (ns + 2 * d) + ns;
      w->suff[c].e = w->suff[c].dx + d;
    }
  return VBGMM_SUCCESS;
}

/* The M-step (10.58, 10.60-10.63, and DESIGN 6 for the other forms)
   from the statistics S of one pass (or of the start, or an
   extrapolated step).  */
static int
m_step (vbgmm_model *model, const vbgmm_prior *prior, fit_work *w,
        const double *s, vbgmm_error *err)
{
  size_t k = model->k, d = model->d, p = w->es->p;
  const vbgmm_covariance_type *form = model->covariance;
  for (size_t c = 0; c < k; c++)
    {
      const double *sc = VBGMM_STATS_COMP (s, c, p);
      int zero = w->es->skip;
      for (size_t i = 0; zero && i <= p; i++)
        zero = sc[i] == 0;
      /* What the M-step of 0 made before, it would make again.  */
      w->suff[c].keep = zero && w->settled[c];
      if (w->suff[c].keep)
        {
          w->suff[c].sy = VBGMM_STATS_SY (s, c, p);  /* 0, as before */
          continue;
        }
      w->settled[c] = zero;
      w->fresh[c] = 0;
      vbgmm_cov_suff_set (&w->cp, form->quad, model->shift,
                          VBGMM_STATS_N (s, c, p), VBGMM_STATS_SY (s, c, p),
                          VBGMM_STATS_SQ (s, c, p, d), w->suff + c);
      vbgmm_cov_means_update (&w->cp, w->suff + c, model, c);
      model->N[c] = w->suff[c].N;
      if (w->dense)
        {
          /* nu_k and the E-step's factor of W_k, without W_k.  */
          int status = vbgmm_mstep_dense (&w->cp, VBGMM_STATS_SQ (s, c, p, d),
                                          w->suff + c, model, c, w->es,
                                          w->mwork);
          if (status)
            {
              memset (w->settled, 0, k);
              return status == -2
                     ? vbgmm_fail (err, VBGMM_ENOMEM, "out of memory")
                     : status == -3
                     ? vbgmm_fail (err, VBGMM_ENUM,
                                   "cannot evaluate E[ln |Lambda|]")
                     : vbgmm_fail (err, VBGMM_ENUM,
                                   "a component's W is not positive definite");
            }
          w->fresh[c] = 1;
        }
    }
  /* A shared W changes for every component.  */
  if (form->shared)
    memset (w->fresh, 0, k);
  int status = w->dense ? GSL_SUCCESS
               : form->update (&w->cp, w->suff, model, w->A);
  if (status)
    {
      /* Some components may be half made: make them all again.  */
      memset (w->settled, 0, k);
      return status == GSL_ENOMEM
             ? vbgmm_fail (err, VBGMM_ENOMEM, "out of memory")
             : vbgmm_fail (err, VBGMM_ENUM, "%s is not positive definite",
                           form->shared ? "the shared W" : "a component's W");
    }
  model->weights->update (prior, model);
  return VBGMM_SUCCESS;
}

/* STATUS, that of an M-step tried for a step or a move (which may fail
   where the plain update would not), as a failure of the fit: only a
   lack of memory, which one process may meet alone, where the others
   would take the step; VBGMM_SUCCESS otherwise.  */
static int
trial_failed (int status, vbgmm_error *err)
{
  return status == VBGMM_ENOMEM
         ? vbgmm_fail (err, VBGMM_ENOMEM, "out of memory") : VBGMM_SUCCESS;
}

/* The E-step's part of q(theta) (vbgmm_estep_prepare), made again only
   for the components that an M-step changed since the last time.  */
static int
e_prepare (fit_work *w, const vbgmm_model *model, vbgmm_error *err)
{
  memcpy (w->es->keep, w->fresh, model->k);
  int status = vbgmm_estep_prepare (w->es, model, err);
  memset (w->fresh, status == VBGMM_SUCCESS, model->k);
  return status;
}

/* The lower bound (10.70-10.77; model-family.md for every form) from
   the statistics of the pass and the q(theta) that the M-step made of
   them.  */
static int
lower_bound (const vbgmm_model *model, const vbgmm_prior *prior,
             const fit_work *w, double *L)
{
  const vbgmm_estep *es = w->es;
  double acc, t;
  int status;
  if ((status = model->weights->bound (prior, model, es->e_ln_pi, &acc))
      || (status = model->covariance->bound (&w->cp, w->suff, model,
                                             es->ln_det_W, es->e_ln_det,
                                             &t)))
    return status == GSL_ENOMEM ? GSL_ENOMEM : -1;
  acc += t;
  /* - E[ln q(Z)] (10.75) */
  acc -= *VBGMM_STATS_RLNR (w->stats, model->k, es->p);
  *L = acc;
  return isfinite (acc) ? 0 : -1;
}

/* The start state: N_k = N/K for every component, m_k the initial
   means, the rest as the forms say.  */
static void
start_state (vbgmm_model *model, const vbgmm_prior *prior,
             const double *means, size_t n)
{
  size_t k = model->k, d = model->d;
  double Nk = (double) n / k;
  for (size_t c = 0; c < k; c++)
    {
      model->N[c] = Nk;
      model->beta[c] = prior->beta0 + Nk;
      memcpy (model->m + c * d, means + c * d, d * sizeof (double));
    }
  model->weights->start (prior, Nk, model);
  model->covariance->start (prior, Nk, model);
}

/* sum_n y_n y_n' over the data in units UNITS, y = x - the data mean
   (in SHIFT), for a form that does not sum the products in its pass.  */
static int
data_scatter (const vbgmm_data *data, const vbgmm_comm *comm,
              const int *units, double *shift, double *scatter,
              vbgmm_error *err)
{
  size_t d = data->d;
  int status = vbgmm_data_moments_units (data, comm, units, shift, scatter,
                                         err);
  if (status)
    return status;
  /* As vbgmm_data_moments divided.  */
  double denom = data->n_total > 1 ? data->n_total - 1.0 : 1.0;
  for (size_t i = 0; i < d * d; i++)
    scatter[i] *= denom;
  return VBGMM_SUCCESS;
}

/* A warm start: the q(theta) of a model fitted before, taken into the
   units of MODEL.  */
static void
start_from_model (vbgmm_model *model, const vbgmm_model *from)
{
  size_t k = model->k, d = model->d;
  memcpy (model->N, from->N, k * sizeof (double));
  memcpy (model->alpha, from->alpha, k * sizeof (double));
  memcpy (model->b, from->b, k * sizeof (double));
  memcpy (model->beta, from->beta, k * sizeof (double));
  memcpy (model->nu, from->nu, k * sizeof (double));
  memcpy (model->m, from->m, k * d * sizeof (double));
  vbgmm_units_points (model->m, k, d, from->units, model->units);
  if (model->W)
    {
      /* A diagonal W into the zeros of vbgmm_model_alloc: a page a row,
         not D x D numbers.  */
      if (vbgmm_covariance_shape (model->covariance) == VBGMM_W_MATRIX)
        memcpy (model->W, from->W, k * d * d * sizeof (double));
      else
        for (size_t c = 0; c < k; c++)
          for (size_t i = 0; i < d; i++)
            model->W[(c * d + i) * d + i] = from->W[(c * d + i) * d + i];
      vbgmm_units_precisions (model->W, k, d, from->units, model->units);
    }
}

/* A fit that holds no W (mstep_dense.h) starts from the factors of the
   W_k of its start state: W, or those of FROM (a warm start) in the
   units of MODEL.  */
static int
dense_start (fit_work *w, vbgmm_model *model, const double *W,
             const vbgmm_model *from, vbgmm_error *err)
{
  size_t k = model->k, d = model->d;
  double *Wc = malloc (d * d * sizeof (double));
  if (!Wc)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  for (size_t c = 0; c < k; c++)
    {
      memcpy (Wc, from ? from->W + c * d * d : W, d * d * sizeof (double));
      if (from)
        vbgmm_units_precisions (Wc, 1, d, from->units, model->units);
      int status = vbgmm_estep_dense_factor (w->es, c, Wc, w->mwork);
      if (!status
          && model->covariance->e_ln_det (d, model->nu[c], w->es->ln_det_W[c],
                                          w->es->e_ln_det + c))
        status = -3;
      if (status)
        {
          free (Wc);
          return status == -2 ? vbgmm_fail (err, VBGMM_ENOMEM, "out of memory")
                 : status == -3 ? vbgmm_fail (err, VBGMM_ENUM, "cannot "
                                              "evaluate E[ln |Lambda|]")
                 : vbgmm_fail (err, VBGMM_ENUM, "component %zu: W is not "
                               "positive definite", c);
        }
      w->es->uAu[c] = 0;
      w->fresh[c] = 1;
    }
  free (Wc);
  return VBGMM_SUCCESS;
}

/* The start state of OPT->init that is the M-step of an assignment of
   the points: k-means labels (from greedy k-means++ seeds), given
   labels, or given responsibilities.  A component that holds no point gets the
   M-step of N_k = 0, the prior's own posterior.  */
static int
start_from_assignment (vbgmm_model *model, const vbgmm_prior *prior,
                       fit_work *w, const vbgmm_data *data,
                       const vbgmm_options *opt, double *means,
                       vbgmm_error *err)
{
  size_t k = model->k;
  const vbgmm_comm *comm = opt->comm;
  size_t *labels = NULL;
  int status;
  if (opt->init == VBGMM_INIT_KMEANS)
    {
      size_t iters;
      labels = malloc ((data->n ? data->n : 1) * sizeof *labels);
      if ((status = vbgmm_comm_agree_alloc (comm, labels != NULL, err))
          || (status = vbgmm_init_means_units (data, opt, model->units,
                                               w->metric, means, err))
          || (status = vbgmm_kmeans_lloyd (data, comm, opt->threads, k,
                                           w->es->scale, w->metric,
                                           model->shift,
                                           opt->kmeans_max_iter,
                                           means, labels, &iters, err)))
        goto done;
    }
  size_t len = vbgmm_stats_size (w->es);
  status = vbgmm_stats_of_assignment (data, w->es->scale, model->shift, k,
                                      w->es->quad,
                                      labels ? labels : opt->init_labels,
                                      opt->init == VBGMM_INIT_RESP
                                      ? opt->init_resp : NULL,
                                      opt->threads, w->stats, err);
  if ((status = vbgmm_comm_agree (comm, status, err))
      || (status = vbgmm_comm_sum (comm, w->stats, len, err)))
    goto done;
  status = m_step (model, prior, w, w->stats, err);
done:
  free (labels);
  return status;
}

/* A copy of PRIOR in units UNITS.  */
static vbgmm_prior *
prior_in_units (const vbgmm_prior *prior, const int *units)
{
  size_t d = prior->d;
  vbgmm_prior *p = vbgmm_prior_copy (prior);
  if (!p)
    return NULL;
  memcpy (p->units, units, d * sizeof (int));
  vbgmm_units_points (p->m0, 1, d, prior->units, units);
  vbgmm_units_precisions (p->W0, 1, d, prior->units, units);
  return p;
}

/* What the fit reports goes to OPT's progress in the data's units.  */
struct progress_units
{
  const vbgmm_options *opt;
  double offset;
};

static void
progress_units (size_t iter, double bound, void *arg)
{
  const struct progress_units *pu = arg;
  pu->opt->progress (iter, bound + pu->offset, pu->opt->progress_arg);
}

int
vbgmm_data_finite (const vbgmm_data *data, const size_t *rows,
                   size_t nrows, vbgmm_error *err)
{
  const size_t d = data->d;
  for (size_t j = 0; j < (rows ? nrows : data->n); j++)
    {
      const size_t r = rows ? rows[j] : j;
      for (size_t i = 0; i < d; i++)
        if (!isfinite (data->x[r * d + i]))
          return vbgmm_fail (err, VBGMM_EDATA, "row %zu, column %zu: not a "
                             "finite number (%g)", data->first_row + r + 1,
                             i + 1, data->x[r * d + i]);
    }
  return VBGMM_SUCCESS;
}

/* VBGMM_EDATA, naming the row, unless every row of this process's
   initial responsibilities (VBGMM_INIT_RESP) is numbers from 0 to 1
   whose sum is 1 to VBGMM_RESP_TOL: like the data's numbers, they
   are checked here, where every process agrees on the outcome.  */
static int
resp_valid (const vbgmm_data *data, const vbgmm_options *opt,
            vbgmm_error *err)
{
  if (opt->init != VBGMM_INIT_RESP)
    return VBGMM_SUCCESS;
  const size_t k = opt->k;
  for (size_t r = 0; r < data->n; r++)
    {
      const double *row = opt->init_resp + r * k;
      double sum = 0;
      for (size_t c = 0; c < k; c++)
        {
          if (!(row[c] >= 0 && row[c] <= 1))
            return vbgmm_fail (err, VBGMM_EDATA, "initial responsibilities: "
                               "row %zu: %.17g is not from 0 to 1",
                               data->first_row + r + 1, row[c]);
          sum += row[c];
        }
      if (!(fabs (sum - 1) <= VBGMM_RESP_TOL))
        return vbgmm_fail (err, VBGMM_EDATA, "initial responsibilities: "
                           "row %zu: the sum %.17g is not 1 (to %g)",
                           data->first_row + r + 1, sum, VBGMM_RESP_TOL);
    }
  return VBGMM_SUCCESS;
}

/* The fit of vbgmm_fit_single, or only its start state when
   START_ONLY.  It runs on the data in the units that vbgmm_data_units
   chooses; the bounds are put back in the data's units at the end.  */
static vbgmm_model *
fit_run (const vbgmm_data *data, const vbgmm_prior *given,
         const vbgmm_options *given_opt, int start_only, vbgmm_error *err)
{
  size_t k = given_opt->k, d = data->d;
  const vbgmm_comm *comm = given_opt->comm;
  vbgmm_model *model = vbgmm_model_alloc (k, d, given_opt->max_iter);
  vbgmm_prior *prior = NULL;
  if (model)
    {
      model->covariance = given->covariance;
      model->weights = given->weights;
    }
  double *means = malloc (k * d * sizeof (double));
  fit_work w;
  memset (&w, 0, sizeof w);
  if (vbgmm_comm_agree_alloc (comm, model && means, err)
      || vbgmm_comm_agree (comm, vbgmm_data_finite (data, NULL, 0, err),
                           err)
      || vbgmm_comm_agree (comm, resp_valid (data, given_opt, err), err))
    goto error;
  model->seed = given_opt->seed;
  /* The units of the fit; MEANS holds the spreads, which the
     extrapolated steps measure in, until the start overwrites it.  */
  if (vbgmm_data_units_spread (data, comm, given->covariance, model->units,
                               means, err)
      || vbgmm_comm_agree_alloc (comm, (prior = prior_in_units
                                        (given, model->units)) != NULL, err))
    goto error;
  vbgmm_options opts = *given_opt;
  const vbgmm_options *opt = &opts;
  struct progress_units pu = { given_opt, (double) data->n_total
                               * vbgmm_units_ln_jacobian (model->units, d) };
  if (opts.progress)
    {
      opts.progress = progress_units;
      opts.progress_arg = &pu;
    }

  /* Second moments are taken about the data mean, so that points far
     from the origin lose no precision.  */
  if (vbgmm_data_moments_units (data, comm, model->units, model->shift, NULL,
                                err))
    goto error;

  if (vbgmm_comm_agree (comm, fit_work_alloc (&w, prior, k, opt->accelerate,
                                              opt->delete_moves, means, err),
                        err))
    goto error;
  if (w.dense)
    {
      /* Made at the end, of the factors.  */
      free (model->W);
      model->W = NULL;
    }
  /* k-means and k-means++ measure distances in the data's units, as
     before the units existed and as scikit-learn's KMeans does: column
     i of the fit is x_i 2^-e_i, so it weighs 2^(2 (e_i - max e)), a
     power of two.  Scaling all the data by one factor scales every
     distance by one factor, so the start moves only by rounding (not
     at all for a power of two).  Measuring each column in its spread
     instead would make the start independent of each column's units,
     but it ruins data whose columns share one unit and differ in
     spread (the pixels of scikit-learn's digits: adjusted Rand index
     0.60 in data units, 0.04 in spreads, k-means start, 5 seeds).  */
  int emax = INT_MIN;
  for (size_t i = 0; i < d; i++)
    if (model->units[i] > emax)
      emax = model->units[i];
  for (size_t i = 0; i < d; i++)
    {
      w.es->scale[i] = ldexp (1, -model->units[i]);
      w.metric[i] = ldexp (1, 2 * (model->units[i] - emax));
    }
  if (w.cp.scatter
      && data_scatter (data, comm, model->units, model->shift, w.cp.scatter,
                       err))
    goto error;
  /* The start's last steps (an M-step, the factors, the E-step's
     part) may run out of memory on one process alone: agreed before
     the first pass's sum or the end.  */
  int status;
  if (opt->init == VBGMM_INIT_KMEANS || opt->init == VBGMM_INIT_LABELS
      || opt->init == VBGMM_INIT_RESP)
    status = start_from_assignment (model, prior, &w, data, opt, means, err);
  else if (opt->init == VBGMM_INIT_MODEL)
    {
      start_from_model (model, opt->init_model);
      status = w.dense ? dense_start (&w, model, NULL, opt->init_model, err)
                       : VBGMM_SUCCESS;
    }
  else
    {
      status = vbgmm_init_means_units (data, opt, model->units, w.metric,
                                       means, err);
      if (!status)
        {
          start_state (model, prior, means, data->n_total);
          if (w.dense)
            status = dense_start (&w, model, prior->W0, NULL, err);
        }
    }
  if (!status)
    status = e_prepare (&w, model, err);
  if (vbgmm_comm_agree (comm, status, err))
    goto error;
  if (start_only)
    goto done;

  size_t len = vbgmm_stats_size (w.es);
  int extrapolated = 0;   /* the parameters of this pass came from a step */
  int deleting = 0;       /* ... from a delete move */
  size_t t = 1;
  /* A failure of this process alone (memory) in the steps between two
     passes, which always lead to the next pass: it goes to the next
     sum in place of the pass's statistics.  */
  int pending = 0;
  while (t <= opt->max_iter)
    {
      double L = -INFINITY;
      /* Whether any process failed in the pass travels with the
         statistics (as vbgmm_comm_agree would, without a sum more).  */
      int failed = pending ? pending
                   : vbgmm_pass (w.es, data, opt->threads, w.stats, err);
      w.stats[len] = failed != 0;
      if (vbgmm_comm_sum (comm, w.stats, len + 1, err))
        goto error;
      if (!failed && w.stats[len] > 0)
        {
          vbgmm_fail (err, VBGMM_EREMOTE, "another process failed");
          goto error;
        }
      if (failed)
        goto error;
      model->passes++;
      /* What comes next hangs on the bound: the M-step, the E-step's
         part and the bound, which may each run out of memory on one
         process alone, are agreed before it decides.  */
      status = m_step (model, prior, &w, w.stats, err);
      if (!status)
        status = e_prepare (&w, model, err);
      int bad_bound = status ? 0 : lower_bound (model, prior, &w, &L);
      if (bad_bound == GSL_ENOMEM)
        status = vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      if (vbgmm_comm_agree (comm, status, err))
        goto error;
      if (bad_bound)
        {
          if (!extrapolated)
            {
              vbgmm_fail (err, VBGMM_ENUM, "the lower bound is not finite");
              goto error;
            }
          L = -INFINITY;
        }
      if (extrapolated && !(L >= model->bound[t - 2]))
        {
          /* The step or move lost bound: back to the plain update from
             the last pass that was kept.  */
          if (w.accelerate)
            vbgmm_accel_reject (&w.accel, w.accepted);
          if (deleting)
            vbgmm_delete_outcome (&w.del, 0);
          extrapolated = deleting = 0;
          pending = m_step (model, prior, &w, w.accepted, err);
          if (!pending)
            pending = e_prepare (&w, model, err);
          continue;
        }
      model->bound[t - 1] = L;
      model->iterations = t;
      if (opt->progress)
        opt->progress (t, L, opt->progress_arg);
      if (t >= 2)
        {
          double change = L - model->bound[t - 2];
          /* The bound never falls; more than rounding is a fault.
             Rounding grows with the terms, some D of them a point,
             not with L itself, which may be near 0 in the units of
             the fit (the data's differ by a constant); and with the
             condition number of W0.  Data that lie nearly in a
             subspace (a column the sum of others, proportions that
             sum to 1) make the default W0, the inverse of their
             covariance, nearly singular, and the sums of the pass
             lose to cancellation what separates the components in
             the direction they never leave: such fits of 2000 points
             were seen to fall by 42 eps cond(W0) of the terms, and
             by more with more points.  */
          double rounding = fmax (1e-9, 64 * DBL_EPSILON * w.cp.cond_W0);
          if (change < -rounding * fmax (fabs (L), (double) data->n_total * d))
            model->decreases++;
          /* Not on a move's pass: the others' q(theta) still has to
             follow the emptied component, and a small gain there says
             nothing of a fixed point of the plain updates.  */
          if (opt->tol > 0 && !deleting && change < opt->tol * fabs (L))
            {
              model->converged = 1;
              break;
            }
        }
      if (t == opt->max_iter)
        break;
      t++;
      extrapolated = 0;
      if (deleting)
        vbgmm_delete_outcome (&w.del, 1);
      deleting = 0;
      if (w.delete_moves
          && vbgmm_delete_next (&w.del, w.stats, w.step, len))
        {
          /* The q(theta) of the move (an emptied component's is the
             prior's posterior), or, should the M-step fail, the plain
             update's; the extrapolation begins again after it.  */
          memcpy (w.accepted, w.stats, len * sizeof (double));
          if (w.accelerate)
            vbgmm_accel_restart (&w.accel);
          pending = m_step (model, prior, &w, w.step, NULL);
          extrapolated = deleting = pending == 0;
          pending = trial_failed (pending, err);
          if (!deleting)
            vbgmm_delete_outcome (&w.del, 0);
          if (!pending && !deleting)
            pending = m_step (model, prior, &w, w.stats, err);
          if (!pending)
            pending = e_prepare (&w, model, err);
        }
      else if (w.accelerate)
        {
          memcpy (w.accepted, w.stats, len * sizeof (double));
          if (vbgmm_accel_next (&w.accel, w.stats, w.step))
            {
              /* The step's q(theta), or a shorter step's where the M-step
                 cannot make it (a W that is not positive definite); at
                 worst the plain update's.  */
              pending = m_step (model, prior, &w, w.step, NULL);
              extrapolated = pending == 0;
              while (!extrapolated && !(pending = trial_failed (pending, err))
                     && vbgmm_accel_shorten (&w.accel, w.stats, w.step))
                {
                  pending = m_step (model, prior, &w, w.step, NULL);
                  extrapolated = pending == 0;
                }
              if (!pending && !extrapolated)
                pending = m_step (model, prior, &w, w.stats, err);
              if (!pending)
                pending = e_prepare (&w, model, err);
            }
        }
    }
done:
  if (w.dense)
    {
      /* W_k = L_k L_k', in place of the factors, with the fit's other
         room given back first.  */
      double *block = w.factors, *mw = w.mwork;
      w.factors = w.mwork = NULL;
      fit_work_free (&w);
      vbgmm_mstep_dense_W (k, d, block, mw);
      free (mw);
      model->W = block;
    }
  else
    fit_work_free (&w);
  free (means);
  for (size_t i = 0; i < model->iterations; i++)
    model->bound[i] += pu.offset;
  if (vbgmm_comm_agree_alloc (comm, vbgmm_model_record (model, data, prior,
                                                         given_opt) == 0, err))
    {
      vbgmm_prior_free (prior);
      vbgmm_model_free (model);
      return NULL;
    }
  /* What the fit did, not what it was asked (auto).  */
  model->accelerate = w.accelerate;
  vbgmm_prior_free (prior);
  return model;

error:
  fit_work_free (&w);
  free (means);
  vbgmm_prior_free (prior);
  vbgmm_model_free (model);
  return NULL;
}

vbgmm_model *
vbgmm_fit_single (const vbgmm_data *data, const vbgmm_prior *prior,
                  const vbgmm_options *opt, vbgmm_error *err)
{
  return fit_run (data, prior, opt, 0, err);
}

vbgmm_model *
vbgmm_fit_start (const vbgmm_data *data, const vbgmm_prior *prior,
                 const vbgmm_options *opt, vbgmm_error *err)
{
  return fit_run (data, prior, opt, 1, err);
}

int
vbgmm_responsibilities (const vbgmm_model *model, const vbgmm_data *data,
                        int threads, vbgmm_sink sink, void *arg,
                        vbgmm_error *err)
{
  if (data->d != model->d)
    return vbgmm_fail (err, VBGMM_EINVAL, "the data have %zu columns, the "
                       "model %zu", data->d, model->d);
  if (vbgmm_data_finite (data, NULL, 0, err))
    return VBGMM_EDATA;
  gsl_set_error_handler_off ();
  vbgmm_estep *es = vbgmm_estep_alloc (model->k, model->d,
                                       model->covariance->quad);
  if (!es)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  int status = vbgmm_estep_prepare (es, model, err);
  if (!status)
    status = vbgmm_estep_stream (es, data, threads, sink, arg, err);
  vbgmm_estep_free (es);
  return status;
}

int
vbgmm_responsibilities_rows (const vbgmm_model *model,
                             const vbgmm_data *data, const size_t *rows,
                             size_t nrows, int threads, vbgmm_sink sink,
                             void *arg, vbgmm_error *err)
{
  /* The rows are gathered a batch at a time into a small data set of
     their own; the E-step is prepared once for all batches.  */
  enum { BATCH = 4096 };
  const size_t d = model->d;
  if (data->d != d)
    return vbgmm_fail (err, VBGMM_EINVAL, "the data have %zu columns, the "
                       "model %zu", data->d, d);
  for (size_t j = 0; j < nrows; j++)
    if (rows[j] >= data->n)
      return vbgmm_fail (err, VBGMM_EINVAL, "row %zu is not in the data "
                         "(%zu rows)", rows[j] + 1, data->n);
  if (vbgmm_data_finite (data, rows, nrows, err))
    return VBGMM_EDATA;
  gsl_set_error_handler_off ();
  vbgmm_estep *es = vbgmm_estep_alloc (model->k, d, model->covariance->quad);
  vbgmm_data *batch = vbgmm_data_alloc (nrows < BATCH ? nrows : BATCH, d);
  int status = !es || !batch
    ? vbgmm_fail (err, VBGMM_ENOMEM, "out of memory")
    : vbgmm_estep_prepare (es, model, err);
  for (size_t j0 = 0; !status && j0 < nrows; j0 += BATCH)
    {
      batch->n = batch->n_total = nrows - j0 < BATCH ? nrows - j0 : BATCH;
      for (size_t j = 0; j < batch->n; j++)
        memcpy (batch->x + j * d, data->x + rows[j0 + j] * d,
                d * sizeof (double));
      status = vbgmm_estep_stream (es, batch, threads, sink, arg, err);
    }
  vbgmm_data_free (batch);
  vbgmm_estep_free (es);
  return status;
}
