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

/* The better of start I of MODELS and start *BEST (both ended), which
   *BEST then names: the higher bound, the lower seed among equals.
   Bounds within rounding of each other (1e-9 relative) are the same
   optimum reached twice, and a tie: the lowest seed stays, whatever
   the rounding of the sums (threads, processes).  The other is
   freed.  */
static void
keep_better (vbgmm_model **models, size_t i, size_t *best)
{
  if (i == *best)
    return;
  double lb = final_bound (models[*best]);
  size_t lose = i;
  if (final_bound (models[i]) > lb + 1e-9 * fabs (lb))
    {
      lose = *best;
      *best = i;
    }
  vbgmm_model_free (models[lose]);
  models[lose] = NULL;
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
  size_t *iterations = malloc (runs * sizeof *iterations);
  double *bounds = malloc (runs * sizeof *bounds);
  char *ended = calloc (runs, 1);
  if (!models || !errs || !iterations || !bounds || !ended)
    {
      free (models);
      free (errs);
      free (iterations);
      free (bounds);
      free (ended);
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
  /* Each start is compared with the best before it as soon as the
     starts before it have ended, and the one not kept is freed: two
     fits are held at a time, or as many as are running side by side
     and waiting for an earlier seed.  FIRST_FAILED: the error is the
     first failure in seed order, and the starts after it are not
     compared.  Each ended start is reported in seed order.  */
  size_t best = 0, next = 0, first_failed = runs;
  if (side_by_side)
    {
      one.threads = 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
      for (size_t i = 0; i < runs; i++)
        {
          vbgmm_options o = one;
          o.seed = opt->seed + i;
          models[i] = vbgmm_fit_single (data, prior, &o, errs + i);
          if (models[i])
            {
              iterations[i] = models[i]->iterations;
              bounds[i] = final_bound (models[i]);
            }
#pragma omp critical (vbgmm_restart)
          {
            ended[i] = 1;
            for (; next < runs && ended[next]; next++)
              if (!models[next] && first_failed == runs)
                first_failed = next;
              else if (next < first_failed)
                keep_better (models, next, &best);
          }
        }
    }
  else
    for (size_t i = 0; i < runs && first_failed == runs; i++)
      {
        one.seed = opt->seed + i;
        models[i] = vbgmm_fit_single (data, prior, &one, errs + i);
        if (!models[i])
          first_failed = i;
        else
          {
            iterations[i] = models[i]->iterations;
            bounds[i] = final_bound (models[i]);
            keep_better (models, i, &best);
          }
      }
  /* Reported by the calling thread, after the starts.  */
  for (size_t i = 0; i < first_failed && opt->start_done; i++)
    opt->start_done (opt->seed + i, iterations[i], bounds[i],
                     opt->progress_arg);
  int failed = first_failed < runs;
  if (failed)
    *err = errs[first_failed];
  vbgmm_model *kept = failed ? NULL : models[best];
  for (size_t i = 0; i < runs; i++)
    if (models[i] != kept)
      vbgmm_model_free (models[i]);
  free (models);
  free (errs);
  free (iterations);
  free (bounds);
  free (ended);
  return kept;
}
