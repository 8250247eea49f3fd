/* predictive.c -- the posterior predictive density: a mixture of
   Student-t distributions (PRML 10.78-10.82), and draws from it

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
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include "dense.h"
#include "error.h"
#include "pages.h"
#include "responsibility.h"
#include "units.h"
#include "vbgmm.h"
#include "vexp.h"

#ifdef _OPENMP
# include <omp.h>
#endif

/* p(x | X) = sum_k E[pi_k] St(x | m_k, L_k, v_k)                (10.81)
   ln St(x | m, L, v) = ln Gamma((v + D)/2) - ln Gamma(v/2)
                        + ln|L|/2 - (D/2) ln(v pi)
                        - (v + D)/2 ln(1 + (x - m)' L (x - m) / v)  (B.68)

   full, tied: v_k = nu_k + 1 - D, L_k = v_k beta_k / (1 + beta_k) W_k
   (10.82; tied with the shared W and nu).

   diag: q(mu_kd, lambda_kd) = N(mu_kd | m_kd, 1/(beta_k lambda_kd))
   Gamma(lambda_kd | a = nu_k/2, rate b_kd = 1/(2 w_kd)), independent over
   d.  Given lambda_kd, x_d - m_kd ~ N(0, (1 + beta_k)/(beta_k lambda_kd));
   a Gaussian of precision tau lambda mixed over lambda ~ Gamma(a, b) is
   St(0, tau a/b, 2a) (B.64 with the precision scaled), so
     p(x | X) = sum_k E[pi_k] prod_d St(x_d | m_kd, l_kd, nu_k),
     l_kd = nu_k w_kd beta_k / (1 + beta_k),
   a product of one-dimensional Student-t's: with D = 1 it is the full
   form's (v = nu + 1 - 1).  Its ln is the sum over d of B.68 with D = 1,
   so the terms free of x add up to D (ln Gamma((nu + 1)/2) - ln Gamma(nu/2))
   + sum_d ln l_kd / 2 - (D/2) ln(nu pi), and the rest is
   -(nu + 1)/2 sum_d ln(1 + l_kd (x_d - m_kd)^2 / nu).

   spherical: one lambda_k ~ Gamma(nu_k/2, rate 1/(2 w_k)) for all D
   dimensions, x - m_k ~ N(0, I (1 + beta_k)/(beta_k lambda_k)) given it,
   so the mixture over lambda_k is one D-dimensional Student-t with the
   Gamma's 2a = nu_k degrees of freedom (not nu_k + 1 - D: the shape
   nu_k/2 already counts every dimension, nu_k = nu0 + D N_k) and the
   isotropic L_k = nu_k w_k beta_k / (1 + beta_k) I.

   Every form is then L_k = v_k beta_k / (1 + beta_k) W_k with W_k the
   model's D x D matrix (diagonal for diag, w_k I for spherical), and
   v_k = nu_k + 1 - D (full, tied) or nu_k (diag, spherical).  */
struct vbgmm_predictive
{
  size_t k, d;
  int independent; /* 1: a product of one-dimensional t's (diag) */
  int diagonal;    /* 1: C is diagonal (diag, spherical) */
  double *weight; /* k: E[pi_k] = alpha_k / sum alpha */
  double *c;      /* k: ln E[pi_k] and every term of ln St free of x */
  double *e;      /* k: (v + D)/2, or (v + 1)/2 when independent */
  double *v;      /* k: the degrees of freedom */
  double *m;      /* k * d */
  double *C;      /* k * d * d: L_k = C C', C lower triangular, by rows */
  double *s;      /* d: 2^-units, a point of the data into the model's
                     units (m, C and c are in those units, but for the
                     term of c that puts the density back in the data's) */
  int scaled;     /* 1 when those units are not the data's */
};

void
vbgmm_predictive_free (vbgmm_predictive *pred)
{
  if (!pred)
    return;
  free (pred->weight);
  free (pred->c);
  free (pred->e);
  free (pred->v);
  free (pred->m);
  free (pred->C);
  free (pred->s);
  free (pred);
}

vbgmm_predictive *
vbgmm_predictive_alloc (const vbgmm_model *model, vbgmm_error *err)
{
  size_t k = model->k, d = model->d;
  gsl_set_error_handler_off ();
  int shape = vbgmm_covariance_shape (model->covariance);
  vbgmm_predictive *p = calloc (1, sizeof *p);
  double *L = malloc (d * d * sizeof (double));
  if (!p || !L)
    goto nomem;
  p->k = k;
  p->d = d;
  p->independent = shape == VBGMM_W_DIAGONAL;
  p->diagonal = shape != VBGMM_W_MATRIX;
  /* The factor of a diagonal W from its diagonal, without a copy.  */
  const int diagonal_sqrt = p->diagonal && VBGMM_SPD_DIAGONAL_SQRT (d);
  p->weight = malloc (k * sizeof (double));
  p->c = malloc (k * sizeof (double));
  p->e = malloc (k * sizeof (double));
  p->v = malloc (k * sizeof (double));
  p->m = malloc (k * d * sizeof (double));
  p->C = vbgmm_calloc_pages (k * d * d, sizeof (double));
  p->s = vbgmm_units_scale (model->units, d);
  p->scaled = !vbgmm_units_none (model->units, d);
  if (!p->weight || !p->c || !p->e || !p->v || !p->m || !p->C || !p->s)
    goto nomem;
  double jacobian = vbgmm_units_ln_jacobian (model->units, d);
  memcpy (p->m, model->m, k * d * sizeof (double));
  vbgmm_model_weights (model, p->weight);

  for (size_t c = 0; c < k; c++)
    {
      double v = shape == VBGMM_W_MATRIX ? model->nu[c] + 1.0 - d
                 : model->nu[c];
      /* The dimensions of one t: D, or 1 for each of D independent.  */
      double dt = p->independent ? 1 : (double) d;
      double s = v * model->beta[c] / (1 + model->beta[c]);
      const double *W = model->W + c * d * d;
      int status = !(v > 0 && s > 0) ? -1 : diagonal_sqrt ? 0
                   : (memcpy (L, W, d * d * sizeof (double)),
                      vbgmm_spd_factor (d, L, d));
      for (size_t i = 0; diagonal_sqrt && !status && i < d; i++)
        status = W[i * d + i] > 0 ? 0 : -1;
      if (status == -2)
        goto nomem;
      if (status)
        {
          vbgmm_fail (err, VBGMM_ENUM,
                      "component %zu: W is not positive definite", c);
          goto fail;
        }
      /* L_k = s W_k, so its factor is sqrt(s) times that of W_k.  */
      double ln_det = 0, rs = sqrt (s);
      for (size_t i = 0; i < d; i++)
        {
          if (diagonal_sqrt)
            p->C[(c * d + i) * d + i] = rs * sqrt (W[i * d + i]);
          else
            for (size_t j = 0; j <= i; j++)
              p->C[(c * d + i) * d + j] = rs * L[i * d + j];
          ln_det += 2 * log (p->C[(c * d + i) * d + i]);
        }
      gsl_sf_result a, b;
      if (gsl_sf_lngamma_e ((v + dt) / 2, &a) || gsl_sf_lngamma_e (v / 2, &b))
        {
          vbgmm_fail (err, VBGMM_ENUM, "component %zu: cannot evaluate "
                      "ln Gamma", c);
          goto fail;
        }
      /* Else the draws would pick components by no weights at all.  */
      if (!(p->weight[c] >= 0 && p->weight[c] <= 1))
        {
          vbgmm_fail (err, VBGMM_ENUM, "component %zu: its weight is not "
                      "a number from 0 to 1", c);
          goto fail;
        }
      p->v[c] = v;
      p->e[c] = (v + dt) / 2;
      double r = d / dt; /* how many t's: D for diag, else 1 */
      p->c[c] = log (p->weight[c]) + r * a.val - r * b.val + 0.5 * ln_det
                - 0.5 * d * log (v * M_PI) + jacobian;
    }
  free (L);
  return p;

nomem:
  vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
fail:
  free (L);
  vbgmm_predictive_free (p);
  return NULL;
}

/* Points are taken in blocks of this many, held by rows.  */
#define SBLOCK 128
/* Components are taken this many at a time (their terms, SBLOCK each,
   are the part of the scratch that would grow with K).  */
#define KCHUNK 128
/* Doubles of one thread's scratch space for a block: the same for any
   K.  */
#define SCRATCH(d) ((2 * (d) + KCHUNK + 4) * SBLOCK)

#define PRAGMA(x) _Pragma (#x)
#define SIMD PRAGMA (omp simd)

typedef void student_fn (const vbgmm_predictive *restrict p,
                         const double *restrict x, size_t B,
                         double *restrict ws, double *restrict ln_p);
#ifdef HAVE_X86_TARGETS
# define STUDENT_NAME student_avx512
# define STUDENT_TARGET __attribute__ ((target ("arch=x86-64-v4")))
# include "student.h"
# undef STUDENT_NAME
# undef STUDENT_TARGET
# define STUDENT_NAME student_avx2
# define STUDENT_TARGET __attribute__ ((target ("arch=x86-64-v3")))
# include "student.h"
# undef STUDENT_NAME
# undef STUDENT_TARGET
#endif
#define STUDENT_NAME student_generic
#define STUDENT_TARGET
#include "student.h"
#undef STUDENT_NAME
#undef STUDENT_TARGET

/* The one the E-step would choose (VBGMM_KERNEL included).  */
static student_fn *
student_select (void)
{
  switch (vbgmm_kernel_width ())
    {
#ifdef HAVE_X86_TARGETS
    case 8:
      return student_avx512;
    case 4:
      return student_avx2;
#endif
    default:
      return student_generic;
    }
}

/* ln(1 + e^t), for any t.  */
static double
ln1p_exp (double t)
{
  return t > 0 ? t + log1p (exp (-t)) : log1p (exp (t));
}

/* ln(2^g a) of a > 0, without 2^g a (which may pass the range of
   doubles): where it does not, ln of it (for g = 1 and a finite 2a,
   ln 2a to the bit).  */
static double
ln_ldexp (double a, int g)
{
  double b = ldexp (a, g);
  return isfinite (b) ? log (b) : log (a) + g * M_LN2;
}

/* Coordinate I of x - m, the point X in the data's units and XS in the
   model's (X times s), as 2^g w with w finite, g returned: g = 1 and
   w = xs_i/2 - m_i/2 (halves, so that xs - m itself cannot overflow),
   or where xs_i itself passed the range of doubles (a point far out in
   the data's units, put into smaller ones), g the binary exponent of
   x_i s_i, so that w is about 1.  */
static int
far_half (const vbgmm_predictive *p, const double *x, const double *xs,
          const double *m, size_t i, double *w)
{
  if (isfinite (xs[i]))
    {
      *w = xs[i] / 2 - m[i] / 2;
      return 1;
    }
  return vbgmm_units_far (x[i], p->s[i], m[i], w);
}

/* ln E[pi_k] St(x | m_k, L_k, v_k) of component C at a point X (XS in
   the model's units) so far from every component that the block
   kernel's sums overflow (ln(1 + q/v) with q, or x - m, or x itself in
   the model's units beyond the range of doubles): ln q = 2 ln(2^g s)
   + ln |C'z|^2 with x - m = 2^g y (far_half), s = max_i |y_i|,
   z = y / s, and ln(1 + q/v) = ln(1 + e^(ln q - ln v)).  Z: room for
   D numbers.  */
static double
far_term (const vbgmm_predictive *p, const double *x, const double *xs,
          size_t c, double *z)
{
  const size_t d = p->d;
  const double *m = p->m + c * d, *C = p->C + c * d * d;
  const double ln_v = log (p->v[c]);
  double sh = 0, L = 0, w;
  if (p->independent)
    for (size_t j = 0; j < d; j++)
      {
        int g = far_half (p, x, xs, m, j, &w);
        if (w != 0)
          L += ln1p_exp (2 * log (fabs (C[j * d + j]))
                         + 2 * ln_ldexp (fabs (w), g) - ln_v);
      }
  else
    {
      /* One exponent for all: the largest.  */
      int g = 1;
      for (size_t i = 0; i < d; i++)
        {
          int gi = far_half (p, x, xs, m, i, &w);
          g = gi > g ? gi : g;
        }
      for (size_t i = 0; i < d; i++)
        {
          int gi = far_half (p, x, xs, m, i, &w);
          z[i] = gi == g ? w : ldexp (w, gi - g);
          sh = fabs (z[i]) > sh ? fabs (z[i]) : sh;
        }
      double qz = 0;
      for (size_t j = 0; sh > 0 && j < d; j++)
        {
          double u = 0;
          for (size_t i = j; i < (p->diagonal ? j + 1 : d); i++)
            u += C[i * d + j] * (z[i] / sh);
          qz += u * u;
        }
      if (qz > 0)
        L = ln1p_exp (2 * ln_ldexp (sh, g) + log (qz) - ln_v);
    }
  return p->c[c] - p->e[c] * L;
}

/* ln p(x | X) of such a point: the log-sum-exp of far_term over the
   components, each term made twice (once for the largest, once for
   the sum) so that no room grows with K.  WS: room for D numbers (D
   may be beyond what the stack holds).  */
static double
student_far (const vbgmm_predictive *p, const double *x, const double *xs,
             double *ws)
{
  const size_t d = p->d, k = p->k;
  /* Not a point (its z / s would read as the centre of every
     component), or one at infinity: no density there.  */
  int infinite = 0;
  for (size_t i = 0; i < d; i++)
    if (isnan (x[i]))
      return NAN;
    else if (isinf (x[i]))
      infinite = 1;
  if (infinite)
    return -INFINITY;
  double mx = -INFINITY;
  for (size_t c = 0; c < k; c++)
    {
      double t = far_term (p, x, xs, c, ws);
      mx = t > mx ? t : mx;
    }
  double sum = 0;
  for (size_t c = 0; c < k; c++)
    sum += exp (far_term (p, x, xs, c, ws) - mx);
  return mx + log (sum);
}

int
vbgmm_predictive_ln_density (const vbgmm_predictive *pred, const double *x,
                             size_t n, int threads, double *ln_p,
                             vbgmm_error *err)
{
  int nt = vbgmm_threads (threads);
  /* The scratch of a block, then room for its points in the model's
     units (when they are not the data's).  */
  int scaled = pred->scaled;
  size_t len = SCRATCH (pred->d) + (scaled ? SBLOCK * pred->d : 0);
  double *ws = aligned_alloc (64, nt * len * sizeof (double));
  student_fn *block = student_select ();
  if (!ws)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  size_t nblocks = (n + SBLOCK - 1) / SBLOCK;
#pragma omp parallel num_threads(nt)
  {
    double *mine = ws;
#ifdef _OPENMP
    mine += omp_get_thread_num () * len;
#endif
#pragma omp for schedule(static)
    for (size_t blk = 0; blk < nblocks; blk++)
      {
        size_t i0 = blk * SBLOCK, rows = n - i0 < SBLOCK ? n - i0 : SBLOCK;
        const double *xb = x + i0 * pred->d;
        if (scaled)
          {
            double *xs = mine + SCRATCH (pred->d);
            for (size_t i = 0; i < rows * pred->d; i++)
              xs[i] = xb[i] * pred->s[i % pred->d];
            xb = xs;
          }
        block (pred, xb, rows, mine, ln_p + i0);
        /* The block's scratch, done with, holds student_far's D.  */
        for (size_t b = 0; b < rows; b++)
          if (!isfinite (ln_p[i0 + b]))
            ln_p[i0 + b] = student_far (pred, x + (i0 + b) * pred->d,
                                        xb + b * pred->d, mine);
      }
  }
  free (ws);
  return VBGMM_SUCCESS;
}

int
vbgmm_predictive_sample (const vbgmm_predictive *pred, unsigned long seed,
                         size_t n, double *x, vbgmm_error *err)
{
  return vbgmm_predictive_sample_labels (pred, seed, n, x, NULL, err);
}

/* A draw from St(m, L, v): m + y / sqrt(u / v) with y ~ N(0, L^-1)
   and u ~ chi^2(v) (B.64 as a scale mixture of Gaussians); for diag
   each dimension is its own one-dimensional t, with its own u.  Per
   point: the component, D Gaussians, then one u (D for diag).  */
int
vbgmm_predictive_sample_labels (const vbgmm_predictive *pred,
                                unsigned long seed, size_t n, double *x,
                                size_t *labels, vbgmm_error *err)
{
  size_t k = pred->k, d = pred->d;
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_ran_discrete_t *pick = gsl_ran_discrete_preproc (k, pred->weight);
  double *z = malloc (d * sizeof (double));
  if (!rng || !pick || !z)
    {
      gsl_rng_free (rng);
      gsl_ran_discrete_free (pick);
      free (z);
      return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }
  gsl_rng_set (rng, seed);
  for (size_t r = 0; r < n; r++)
    {
      size_t c = gsl_ran_discrete (rng, pick);
      if (labels)
        labels[r] = c;
      const double *C = pred->C + c * d * d, *m = pred->m + c * d;
      for (size_t i = 0; i < d; i++)
        z[i] = gsl_ran_gaussian (rng, 1);
      double scale = 1 / sqrt (gsl_ran_chisq (rng, pred->v[c]) / pred->v[c]);
      if (pred->independent)
        {
          /* C is diagonal: y_i = z_i / C_ii, each with its own u.  */
          double *y = x + r * d;
          for (size_t i = 0; i < d; i++)
            {
              if (i)
                scale = 1 / sqrt (gsl_ran_chisq (rng, pred->v[c])
                                  / pred->v[c]);
              y[i] = (m[i] + scale * (z[i] / C[i * d + i])) / pred->s[i];
            }
          continue;
        }
      /* y = C'^-1 z, by back substitution: cov y = (C C')^-1 = L^-1
         (below a diagonal C, spherical, only zeros).  */
      double *y = x + r * d;
      for (size_t i = d; i-- > 0;)
        {
          double s = z[i];
          for (size_t j = i + 1; j < (pred->diagonal ? i + 1 : d); j++)
            s -= C[j * d + i] * y[j];
          y[i] = s / C[i * d + i];
        }
      for (size_t i = 0; i < d; i++)
        y[i] = (m[i] + scale * y[i]) / pred->s[i];
    }
  gsl_rng_free (rng);
  gsl_ran_discrete_free (pick);
  free (z);
  return VBGMM_SUCCESS;
}
