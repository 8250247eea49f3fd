/* responsibility.h -- q(Z): the E-step and the one pass over the data

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

#ifndef VBGMM_RESPONSIBILITY_H
#define VBGMM_RESPONSIBILITY_H

#include <stddef.h>

#include "vbgmm.h"

/* The features of a point y: y_1 ... y_d, then the quadratic ones the
   form of the model needs (covariance.h: none, the squares y_i^2, or
   the products y_i y_j, j <= i, by rows); ln rho_nk is linear in them
   and the statistics are their sums weighted by r_nk (with phi_0 = 1
   in front).  */
#define VBGMM_FEATURES(d) ((d) + (d) * ((d) + 1) / 2)

/* What the E-step needs of q(theta), computed once per iteration.  */
typedef struct vbgmm_estep
{
  size_t k, d;
  const double *shift; /* d: the centre the points are taken about */
  double *scale;       /* d: 2^-units, which takes a point of the data
                          into the units of the model (units.h) */
  int quad;            /* VBGMM_QUAD_*: the quadratic features */
  size_t p;            /* d + their number */
  double *c;           /* k: the part of ln rho_nk that is the same for all n */
  double *wt;          /* k * p: ln rho_nk = c_k + wt_k . phi(x_n - shift) */
  double *e_ln_pi;     /* k: E[ln pi_k] (10.66) */
  double *e_ln_det;    /* k: E[ln |Lambda_k|] (10.65) */
  double *ln_det_W;    /* k: ln |W_k| */
  /* An emptied component (its r_nk were all 0 in the pass q(theta)
     was made from: N_k is the floor) is passed over in every block of
     points where its ln rho_nk cannot come within LN_R_MIN of the
     largest: its r_nk would all be 0 there.  The components are
     packed, those computed in every block first, then the emptied
     ones, each group in index order.  */
  int skip;            /* 0: compute every component (VBGMM_SKIP_EMPTY=no) */
  /* The statistics of a block are summed by tiles of components and
     features over all its points, or, where most r_nk are 0, over the
     list of points of each component whose r_nk are not: the same
     sums, to the bit.  */
  int stats_path;      /* 0: chosen for each block, 1: the tiles
                          (VBGMM_STATS=tiles), 2: the lists
                          (VBGMM_STATS=lists) */
  size_t na;           /* how many are computed in every block */
  size_t *order;       /* k: the components, packed */
  size_t *pos;         /* k: where each is in ORDER */
  double *cp;          /* k: c, packed */
  double *wtp;         /* k * p: wt, packed */
  unsigned char *keep; /* k: 1 where the parameters of the component are
                          those of the last vbgmm_estep_prepare (only
                          E[ln pi_k] may have changed): its W is not
                          factorised again */
  double *uAu;         /* k: u'A u of vbgmm_estep_prepare */
  double *top;         /* k: ln rho_nk <= top_k for every point
                          (tied: plus wt_k . y, which the kernel bounds
                          over the points of the block) */
  /* The pass of estep_dense.c (full form, many dimensions): it needs
     neither wt nor the packing, and reads nu and m of the model
     prepared, which must not change before the pass; c holds the part
     of ln rho_nk that does not depend on the point.  */
  int dense;
  const double *nu, *m;
  const double *W;     /* k * d * d: the W_k of the model prepared, or
                          NULL in a fit (vbgmm_estep_keep_factors) */
  double *L;           /* NULL, or k * d (d + 1) / 2 (not owned): the
                          Cholesky factor L_k of each W_k (W_k = L_k L_k'),
                          its lower triangle by rows; when NULL, each
                          pass factorises the W_k again (a fit keeps the
                          factors; the outputs' one pass need not) */
} vbgmm_estep;

/* The factors of the dense pass kept in L (k * d (d + 1) / 2 doubles,
   owned by the caller), for a fit whose M-step makes them.  */
void vbgmm_estep_keep_factors (vbgmm_estep *es, double *L);

/* Where the factor of component C begins in ES->L.  */
#define VBGMM_ESTEP_FACTOR(es, c) ((es)->L + (c) * ((es)->d * ((es)->d + 1) / 2))

/* For K components in D dimensions of a model whose form takes the
   quadratic features QUAD.  The environment variable VBGMM_SKIP_EMPTY=no
   makes every pass compute every component, VBGMM_STATS=tiles or
   lists sum the statistics of every block one way; the pass is the one of
   estep_dense.c where vbgmm_estep_dense_chosen says so.  */
vbgmm_estep *vbgmm_estep_alloc (size_t k, size_t d, int quad);
void vbgmm_estep_free (vbgmm_estep *es);
/* Fill ES from the parameters of MODEL.  */
int vbgmm_estep_prepare (vbgmm_estep *es, const vbgmm_model *model,
                         vbgmm_error *err);

/* The sufficient statistics of one pass, packed into one array so that
   many processes can sum them in one call: for each component k,
   sum_n r_nk, sum_n r_nk y_n (d), the quadratic features summed (for
   full: sum_n r_nk y_n y_n', d(d+1)/2, lower triangle by rows); then
   sum_nk r_nk ln r_nk; y_n = x_n - shift.  P is es->p.  */
size_t vbgmm_stats_size (const vbgmm_estep *es);
#define VBGMM_STATS_COMP(s, c, p) ((s) + (c) * (1 + (p)))
#define VBGMM_STATS_N(s, c, p) (VBGMM_STATS_COMP (s, c, p)[0])
#define VBGMM_STATS_SY(s, c, p) (VBGMM_STATS_COMP (s, c, p) + 1)
#define VBGMM_STATS_SQ(s, c, p, d) (VBGMM_STATS_COMP (s, c, p) + 1 + (d))
#define VBGMM_STATS_RLNR(s, k, p) (VBGMM_STATS_COMP (s, k, p))

/* One pass over the rows of DATA: the E-step (10.46, 10.49) and the
   statistics (10.51-10.53) together, into STATS.  The sum is the same
   to the last bit whatever the number of threads.  */
int vbgmm_pass (const vbgmm_estep *es, const vbgmm_data *data, int threads,
                double *stats, vbgmm_error *err);

/* The responsibilities themselves, in row order, to SINK.  */
int vbgmm_estep_stream (const vbgmm_estep *es, const vbgmm_data *data,
                        int threads, vbgmm_sink sink, void *arg,
                        vbgmm_error *err);

/* The doubles per vector of the widest kernel the processor runs (8:
   AVX-512, 4: AVX2, 2: SSE2 or any other), or of the one VBGMM_KERNEL
   names (generic, avx2, avx512) when the processor runs it: the tests
   check every kernel against the same reference numbers.  */
int vbgmm_kernel_width (void);

/* Threads to use for a request of THREADS (0: all).  */
int vbgmm_threads (int threads);
/* The number of the calling thread in its team (0 without OpenMP).  */
int vbgmm_thread_id (void);

#endif
