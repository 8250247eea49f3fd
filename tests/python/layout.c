/* layout.c -- print the size of every struct of vbgmm.h and the offset
   of every field, for the test of their mirrors in Python (ctypes):
   "struct field offset", and "struct - sizeof" for the whole.

   Copyright (C) 2026 The vbgmm developers
   License GPLv3+: GNU GPL version 3 or later.  */

#include <config.h>

#include <stddef.h>
#include <stdio.h>

#include "vbgmm.h"

#define SIZE(s) printf ("%s - %zu\n", #s, sizeof (s))
#define FIELD(s, f) printf ("%s %s %zu\n", #s, #f, offsetof (s, f))

int
main (void)
{
  SIZE (vbgmm_error);
  FIELD (vbgmm_error, status);
  FIELD (vbgmm_error, line);
  FIELD (vbgmm_error, message);
  SIZE (vbgmm_comm);
  FIELD (vbgmm_comm, sum);
  FIELD (vbgmm_comm, exscan);
  FIELD (vbgmm_comm, arg);
  SIZE (vbgmm_data);
  FIELD (vbgmm_data, n);
  FIELD (vbgmm_data, d);
  FIELD (vbgmm_data, x);
  FIELD (vbgmm_data, names);
  FIELD (vbgmm_data, first_row);
  FIELD (vbgmm_data, n_total);
  SIZE (vbgmm_prior);
  FIELD (vbgmm_prior, d);
  FIELD (vbgmm_prior, alpha0);
  FIELD (vbgmm_prior, beta0);
  FIELD (vbgmm_prior, nu0);
  FIELD (vbgmm_prior, m0);
  FIELD (vbgmm_prior, W0);
  FIELD (vbgmm_prior, covariance);
  FIELD (vbgmm_prior, weights);
  FIELD (vbgmm_prior, gamma0);
  SIZE (vbgmm_options);
  FIELD (vbgmm_options, k);
  FIELD (vbgmm_options, init);
  FIELD (vbgmm_options, init_means);
  FIELD (vbgmm_options, init_labels);
  FIELD (vbgmm_options, init_resp);
  FIELD (vbgmm_options, kmeans_max_iter);
  FIELD (vbgmm_options, seed);
  FIELD (vbgmm_options, n_init);
  FIELD (vbgmm_options, accelerate);
  FIELD (vbgmm_options, max_iter);
  FIELD (vbgmm_options, tol);
  FIELD (vbgmm_options, threads);
  FIELD (vbgmm_options, comm);
  FIELD (vbgmm_options, progress);
  FIELD (vbgmm_options, progress_arg);
  FIELD (vbgmm_options, start_done);
  FIELD (vbgmm_options, init_model);
  FIELD (vbgmm_options, delete_moves);
  SIZE (vbgmm_model);
  FIELD (vbgmm_model, k);
  FIELD (vbgmm_model, d);
  FIELD (vbgmm_model, alpha);
  FIELD (vbgmm_model, beta);
  FIELD (vbgmm_model, m);
  FIELD (vbgmm_model, W);
  FIELD (vbgmm_model, nu);
  FIELD (vbgmm_model, N);
  FIELD (vbgmm_model, shift);
  FIELD (vbgmm_model, bound);
  FIELD (vbgmm_model, iterations);
  FIELD (vbgmm_model, converged);
  FIELD (vbgmm_model, decreases);
  FIELD (vbgmm_model, passes);
  FIELD (vbgmm_model, seed);
  FIELD (vbgmm_model, n_points);
  FIELD (vbgmm_model, names);
  FIELD (vbgmm_model, fields);
  FIELD (vbgmm_model, n_fields);
  FIELD (vbgmm_model, prior);
  FIELD (vbgmm_model, init);
  FIELD (vbgmm_model, n_init);
  FIELD (vbgmm_model, accelerate);
  FIELD (vbgmm_model, tol);
  FIELD (vbgmm_model, max_iter);
  FIELD (vbgmm_model, covariance);
  FIELD (vbgmm_model, weights);
  FIELD (vbgmm_model, b);
  FIELD (vbgmm_model, units);
  FIELD (vbgmm_model, delete_moves);
  return 0;
}
