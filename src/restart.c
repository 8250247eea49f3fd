/* restart.c -- the fit from one or many starts: the one with the
   highest bound is kept

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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "comm.h"
#include "error.h"
#include "fit.h"
#include "responsibility.h"
#include "vbgmm.h"

/* Below this many points per thread a pass is too short to share out,
   and the starts run side by side, one thread each.  */
#define SIDE_BY_SIDE_ROWS 20000

static double
final_bound (const vbgmm_model *m)
{
  return m->bound[m->iterations - 1];
}

/* Start I of MODELS, in seed order: -1 when it failed (its error
   into ERR); else it is reported and the better of it and *BEST is
   kept, the higher bound, the lower seed among equals.  Bounds within
   rounding of each other (1e-9 relative) are the same optimum reached
   twice, and a tie: the lowest seed stays, whatever the rounding of
   the sums (threads, processes).  The one not kept is freed.  */
static int
judge (vbgmm_model **models, const vbgmm_error *errs, size_t i,
       size_t *best, const vbgmm_options *opt, vbgmm_error *err)
{
  if (!models[i])
    {
      *err = errs[i];
      return -1;
    }
  if (opt->start_done)
    opt->start_done (opt->seed + i, models[i]->iterations,
                     final_bound (models[i]), opt->progress_arg);
  if (i == *best)
    return 0;
  double lb = final_bound (models[*best]);
  size_t lose = i;
  if (final_bound (models[i]) > lb + 1e-9 * fabs (lb))
    {
      lose = *best;
      *best = i;
    }
  vbgmm_model_free (models[lose]);
  models[lose] = NULL;
  return 0;
}

/* Whether the start of OPT draws from the seed at all.  */
static int
seeded (const vbgmm_options *opt)
{
  return opt->init == VBGMM_INIT_KMEANSPP || opt->init == VBGMM_INIT_RANDOM
         || opt->init == VBGMM_INIT_KMEANS;
}

vbgmm_model *
vbgmm_fit (const vbgmm_data *data, const vbgmm_prior *prior,
           const vbgmm_options *opt, vbgmm_error *err)
{
  const char *why = vbgmm_options_check (opt, data);
  if (!why)
    why = vbgmm_prior_check (prior);
  if (!why && prior->d != data->d)
    why = "the prior and the data differ in dimension";
  if (!why && opt->init == VBGMM_INIT_MODEL && opt->init_model
      && (opt->init_model->covariance != prior->covariance
          || opt->init_model->weights != prior->weights))
    why = "the initial model is of another form (--covariance, --weights)";
  /* The check itself may run out of memory (not a bad parameter), on
     one process alone: agreed before the fit's first sum.  */
  int status = !why ? VBGMM_SUCCESS
               : vbgmm_fail (err, strcmp (why, "out of memory") == 0
                                  ? VBGMM_ENOMEM : VBGMM_EINVAL, "%s", why);
  if (vbgmm_comm_agree (opt->comm, status, err))
    return NULL;
  gsl_set_error_handler_off ();

  size_t runs = seeded (opt) ? opt->n_init : 1;
  if (runs == 1)
    {
      vbgmm_model *m = vbgmm_fit_single (data, prior, opt, err);
      if (m && opt->start_done)
        opt->start_done (opt->seed, m->iterations, final_bound (m),
                         opt->progress_arg);
      return m;
    }

  vbgmm_model **models = calloc (runs, sizeof *models);
  vbgmm_error *errs = calloc (runs, sizeof *errs);
  if (!models || !errs)
    {
      free (models);
      free (errs);
      vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      return NULL;
    }
  /* Each fit gives the same bytes on any number of threads, so that
     running the starts side by side changes nothing but the time.  */
  int nt = vbgmm_threads (opt->threads);
  int side_by_side = !opt->comm && nt > 1
                     && data->n < (size_t) nt * SIDE_BY_SIDE_ROWS;
  vbgmm_options one = *opt;
  one.progress = NULL;
  one.start_done = NULL;
  size_t best = 0;
  int failed = 0;
  if (side_by_side)
    {
      one.threads = 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
      for (size_t i = 0; i < runs; i++)
        {
          vbgmm_options o = one;
          o.seed = opt->seed + i;
          models[i] = vbgmm_fit_single (data, prior, &o, errs + i);
        }
      for (size_t i = 0; i < runs && !failed; i++)
        failed = judge (models, errs, i, &best, opt, err);
    }
  else
    /* One at a time, each judged when it ends: at most two fits are
       held at once.  */
    for (size_t i = 0; i < runs && !failed; i++)
      {
        one.seed = opt->seed + i;
        models[i] = vbgmm_fit_single (data, prior, &one, errs + i);
        failed = judge (models, errs, i, &best, opt, err);
      }
  vbgmm_model *kept = failed ? NULL : models[best];
  for (size_t i = 0; i < runs; i++)
    if (models[i] != kept)
      vbgmm_model_free (models[i]);
  free (models);
  free (errs);
  return kept;
}
