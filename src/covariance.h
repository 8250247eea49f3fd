/* covariance.h -- q(mu, Lambda): the forms of the components' precisions

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


#ifndef VBGMM_COVARIANCE_H
#define VBGMM_COVARIANCE_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <gsl/gsl_matrix.h>

#include "vbgmm.h"

/* Each form of q(mu_k, Lambda_k) is a const vbgmm_covariance_type in a
   file of its own (cov_full.c, cov_diag.c, ...), listed in
   covariance.c.  What every form shares is here: the means, the E-step
   coefficients, the bound terms of the means and the likelihood.  A
   form says which features of a point its ln rho_nk needs besides the
   point itself; the one pass over the data (responsibility.c) takes
   those and sums them weighted by r_nk.  */

/* The quadratic features of a point y: none (ln rho_nk is linear in y
   up to a term common to every k: tied), the squares y_i^2 (diag),
   every product y_i y_j, j <= i (full), or the sum of the squares
   |y|^2 (spherical).  */
enum { VBGMM_QUAD_NONE, VBGMM_QUAD_DIAG, VBGMM_QUAD_FULL, VBGMM_QUAD_SUM };
/* How many: 0, d, d(d+1)/2, 1.  */
size_t vbgmm_quad_features (int quad, size_t d);

/* N_k = sum_n r_nk + this, so that xbar_k stays defined: a component
   whose responsibilities are all 0 has exactly this N_k.  */
#define VBGMM_N_FLOOR (10 * DBL_EPSILON)

/* What the prior contributes to every component, computed once.  */
typedef struct vbgmm_cov_prior
{
  size_t d;
  double beta0, nu0;
  const double *m0;
  const double *W0;   /* d * d */
  double *W0inv;      /* d * d */
  double ln_det_W0;
  double cond_W0;     /* ||W0||_1 ||W0^-1||_1: how much rounding in the
                         bound may grow (nearly singular data: the
                         default W0 is the inverse of their covariance) */
  double *scatter;    /* d * d: sum_n y_n y_n' over the data (y = x -
                         shift), for a form without quadratic features;
                         else NULL */
} vbgmm_cov_prior;

int vbgmm_cov_prior_init (vbgmm_cov_prior *cp, const vbgmm_prior *prior,
                          vbgmm_error *err);
void vbgmm_cov_prior_free (vbgmm_cov_prior *cp);

/* One component's statistics, as the M-step turns them into its
   parameters and the bound needs them again.  */
typedef struct vbgmm_cov_suff
{
  double N;      /* N_k (10.51) */
  double r_sum;  /* sum_n r_nk, without the floor */
  int keep;      /* statistics all 0 again: the component keeps the W and
                    nu that the M-step made of them before */
  double *NS;    /* N_k S_k (10.53), as much of it as the form takes
                    (vbgmm_cov_ns_size): d * d (VBGMM_QUAD_FULL), its
                    diagonal (VBGMM_QUAD_DIAG), its trace
                    (VBGMM_QUAD_SUM); NULL for VBGMM_QUAD_NONE and
                    where the M-step is mstep_dense.c's */
  double q_W;    /* mstep_dense.c: dx'W_k dx */
  double tr_W;   /* mstep_dense.c: Tr ((W0^-1 + N_k S_k) W_k) */
  double *dx;    /* d: xbar_k - m0 */
  double *e;     /* d: xbar_k - shift */
  const double *sy; /* d: sum_n r_nk y_n, as the pass summed it */
} vbgmm_cov_suff;

struct vbgmm_covariance_type
{
  const char *name;
  int quad;      /* VBGMM_QUAD_*: the features ln rho_nk needs */
  int w_shape;   /* VBGMM_W_*: how W is written */
  int shared;    /* one W and nu for every component */
  /* nu0 must be above this; NU0_WHY says so.  */
  double (*nu0_floor) (size_t d);
  const char *nu0_why;
  /* NULL when W0 (d x d, finite, symmetric) suits the form, else what
     is wrong.  */
  const char *(*check_W0) (size_t d, const double *W0);
  /* nu_k and W_k of the start state, N/K = NK points in each of the
     K components.  */
  void (*start) (const vbgmm_prior *prior, double Nk, vbgmm_model *model);
  /* E[ln |Lambda_k|] from nu_k and ln |W_k|.  */
  int (*e_ln_det) (size_t d, double nu, double ln_det_W, double *e_ln_det);
  /* The M-step of nu_k and W_k from the statistics of every component
     (beta_k and m_k are set already).  WORK is d x d.  */
  int (*update) (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
                 vbgmm_model *model, gsl_matrix *work);
  /* The bound terms of q(mu, Lambda), summed over the components:
     E[ln p(X|Z,mu,Lambda)] + E[ln p(mu,Lambda)] - E[ln q(mu,Lambda)].  */
  int (*bound) (const vbgmm_cov_prior *cp, const vbgmm_cov_suff *suff,
                const vbgmm_model *model, const double *ln_det_W,
                const double *e_ln_det, double *terms);
};

/* The forms, each in its own file.  */
extern const vbgmm_covariance_type vbgmm_cov_full, vbgmm_cov_diag,
  vbgmm_cov_spherical, vbgmm_cov_tied;

/* How many numbers of N_k S_k a form with features QUAD keeps: d * d,
   d, 1 or 0.  */
size_t vbgmm_cov_ns_size (int quad, size_t d);

/* Component C's statistics from the sums of one pass over the data:
   R_SUM = sum r, SY = sum r y, SQ = the quadratic features summed
   (QUAD: as the form took them); y = x - SHIFT.  */
void vbgmm_cov_suff_set (const vbgmm_cov_prior *cp, int quad,
                         const double *shift, double r_sum, const double *sy,
                         const double *sq, vbgmm_cov_suff *suff);

/* The terms of the means in the bound, as vbgmm_cov_mean_terms, from
   Q = dx'W dx.  */
double vbgmm_cov_mean_terms_q (const vbgmm_cov_prior *cp,
                               const vbgmm_cov_suff *suff, double beta,
                               double q, double nu, double T, double tr_NSW);

/* beta0 N_k / (beta0 + N_k), the weight of dx dx' in W_k^-1 (10.62).
   Past the range of doubles, beta0 N_k overflows where the weight
   itself is near N_k: then it is taken as N_k beta0 / (beta0 + N_k).  */
static inline double
vbgmm_cov_shrink (double beta0, double N)
{
  double p = beta0 * N;
  return isfinite (p) ? p / (beta0 + N) : N * (beta0 / (beta0 + N));
}

/* beta_k = beta0 + N_k (10.60), m_k = (beta0 m0 + N_k xbar_k)/beta_k
   (10.61), for component C.  */
void vbgmm_cov_means_update (const vbgmm_cov_prior *cp,
                             const vbgmm_cov_suff *suff, vbgmm_model *model,
                             size_t c);

/* W = the inverse of WORK (its lower triangle, d x d), through its
   Cholesky factor.  GSL_EDOM when WORK is not positive definite.  */
int vbgmm_cov_invert (gsl_matrix *work, double *W);

/* The terms of component C that every form shares (10.71, the mean
   parts of 10.74 and 10.77), for E[Lambda] = nu W and
   E[ln |Lambda|] = T:
   1/2 N (T - D/beta - D ln 2pi) - 1/2 nu (TR_NSW + N g'Wg)
   + 1/2 (D ln(beta0/2pi) + T - D beta0/beta - beta0 nu u'Wu)
   - (1/2 T + D/2 ln(beta/2pi) - D/2),
   with g = xbar - m, u = m - m0, TR_NSW = tr(N_k S_k W).  */
double vbgmm_cov_mean_terms (const vbgmm_cov_prior *cp,
                             const vbgmm_cov_suff *suff, double beta,
                             const double *W, double nu, double T,
                             double tr_NSW);

/* v' A v and tr(A B) for symmetric d x d A, B.  */
double vbgmm_cov_quad (size_t d, const double *A, const double *v);
/* v' A v for a diagonal A: the same number as vbgmm_cov_quad, from the
   diagonal alone.  */
double vbgmm_cov_quad_diagonal (size_t d, const double *A, const double *v);
double vbgmm_cov_trace_prod (size_t d, const double *A, const double *B);

/* NULL when W0 is positive definite (full, tied).  */
const char *vbgmm_cov_check_W0_pd (size_t d, const double *W0);

/* The start state of a form with a whole precision matrix per
   component (full): nu_k = nu0 + N/K, W_k = W0.  The diag and
   spherical forms write only the diagonal of each W_k; off it W_k is
   the 0 of vbgmm_model_alloc.  */
void vbgmm_cov_start_each (const vbgmm_prior *prior, double Nk,
                           vbgmm_model *model);

/* E[ln |Lambda|] of D independent Gamma precisions sharing nu, whose
   scales multiply to |W|: D (psi(nu/2) + ln 2) + ln |W|.  */
int vbgmm_cov_e_ln_det_gamma (size_t d, double nu, double ln_det_W,
                              double *e_ln_det);
/* The precision part of the bound for one Gamma(nu/2, rate 1/(2w))
   factor under the prior Gamma(nu0/2, rate 1/(2 w0)):
   E[ln p(lambda)] - E[ln q(lambda)] =
   ln B1(w0, nu0) + (nu0 - 2)/2 e - nu w / (2 w0)
   - ln B1(w, nu) - (nu - 2)/2 e + nu/2, e = psi(nu/2) + ln 2w.  */
int vbgmm_cov_gamma_terms (double nu0, double w0, double nu, double w,
                           double *terms);

/* The floors of nu0: D - 1 (Wishart), 0 (Gamma).  */
double vbgmm_cov_nu0_floor_wishart (size_t d);
double vbgmm_cov_nu0_floor_gamma (size_t d);

#endif
