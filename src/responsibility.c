/* responsibility.c -- q(Z): the E-step and the one pass over the data

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

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
# include <omp.h>
#endif

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>

#include "covariance.h"
#include "error.h"
#include "dense.h"
#include "estep_dense.h"
#include "units.h"
#include "responsibility.h"
#include "vexp.h"
#include "weights.h"

/* Points are processed in blocks held column by column, so that the
   inner loops run across points on SIMD lanes.  */
#define BLOCK 128
/* The statistics are taken from the features of this many points at a
   time, few enough to stay in the first-level cache.  */
#define SUB 16
/* Blocks are gathered into this many chunks, each summed in order and
   the chunks summed in order: the result does not depend on which
   thread ran which chunk.  */
#define CHUNKS 64

#define PRAGMA(x) _Pragma (#x)
#define SIMD PRAGMA (omp simd)
#define SIMD_SUM(v) PRAGMA (omp simd reduction(+:v))
/* F rounded up to whole vectors of the widest kernel: the statistics
   of a block are summed in rows of this length, one per component.  */
#define VBGMM_FPAD(f) (((f) + 7) / 8 * 8)
/* The products y_i y_j are taken by wrapped diagonals, s = 0 .. d/2:
   y_(j+s mod d) y_j for j < DIAG_LEN (s, d), the whole of diagonal s
   and of diagonal d - s; for s = d/2 the two are one, half as long.  */
#define DIAG_LEN(s, d) (2 * (s) == (d) ? (d) / 2 : (d))
/* How many wrapped diagonals a form takes: all (full), the squares
   alone (diag, spherical), none (tied).  */
#define DIAGONALS(quad, d)                                              \
  ((quad) == VBGMM_QUAD_FULL ? (d) / 2 + 1 : (quad) == VBGMM_QUAD_DIAG)


int
vbgmm_threads (int threads)
{
#ifdef _OPENMP
  /* OMP_NUM_THREADS is held to the limit of -j, as -j is.  */
  int most = omp_get_max_threads ();
  return threads > 0 ? threads : most < 4096 ? most : 4096;
#else
  (void) threads;
  return 1;
#endif
}

size_t
vbgmm_stats_size (const vbgmm_estep *es)
{
  return es->k * (1 + es->p) + 1;
}

vbgmm_estep *
vbgmm_estep_alloc (size_t k, size_t d, int quad)
{
  vbgmm_estep *es = calloc (1, sizeof *es);
  if (!es)
    return NULL;
  es->k = k;
  es->d = d;
  es->quad = quad;
  es->p = d + vbgmm_quad_features (quad, d);
  es->dense = vbgmm_estep_dense_chosen (quad, d);
  /* The dense pass needs no coefficients of the features.  */
  const size_t np = es->dense ? 1 : k * es->p;
  es->c = calloc (k, sizeof (double));
  es->wt = calloc (np, sizeof (double));
  es->e_ln_pi = calloc (k, sizeof (double));
  es->e_ln_det = calloc (k, sizeof (double));
  es->ln_det_W = calloc (k, sizeof (double));
  es->order = calloc (k, sizeof (size_t));
  es->pos = calloc (k, sizeof (size_t));
  es->cp = calloc (k, sizeof (double));
  es->wtp = calloc (np, sizeof (double));
  es->top = calloc (k, sizeof (double));
  es->keep = calloc (k, 1);
  es->uAu = calloc (k, sizeof (double));
  es->scale = vbgmm_units_scale (NULL, d);
  const char *skip = getenv ("VBGMM_SKIP_EMPTY");
  es->skip = !(skip && strcmp (skip, "no") == 0);
  const char *path = getenv ("VBGMM_STATS");
  es->stats_path = !path ? 0 : strcmp (path, "tiles") == 0 ? 1
                   : strcmp (path, "lists") == 0 ? 2 : 0;
  if (!es->c || !es->wt || !es->e_ln_pi || !es->e_ln_det
      || !es->ln_det_W || !es->order || !es->pos || !es->cp || !es->wtp
      || !es->top || !es->keep || !es->uAu
      || !es->scale)
    {
      vbgmm_estep_free (es);
      return NULL;
    }
  return es;
}

void
vbgmm_estep_keep_factors (vbgmm_estep *es, double *L)
{
  es->L = L;
}

void
vbgmm_estep_free (vbgmm_estep *es)
{
  if (!es)
    return;
  free (es->c);
  free (es->wt);
  free (es->e_ln_pi);
  free (es->e_ln_det);
  free (es->ln_det_W);
  free (es->order);
  free (es->pos);
  free (es->cp);
  free (es->wtp);
  free (es->top);
  free (es->keep);
  free (es->uAu);
  free (es->scale);
  free (es);
}

/* The order of the components in the kernel: those that held some
   responsibility in the last pass, then the emptied ones (N_k the
   floor), each group by index.  */
static void
estep_pack (vbgmm_estep *es, const vbgmm_model *model)
{
  const size_t k = es->k, p = es->p;
  size_t at = 0;
  for (int emptied = 0; emptied <= 1; emptied++)
    {
      if (emptied)
        es->na = at;
      for (size_t c = 0; c < k; c++)
        if ((es->skip && model->N[c] <= VBGMM_N_FLOOR) == emptied)
          {
            es->order[at] = c;
            es->pos[c] = at++;
          }
    }
  for (size_t q = 0; q < k; q++)
    {
      size_t c = es->order[q];
      es->cp[q] = es->c[c];
      memcpy (es->wtp + q * p, es->wt + c * p, p * sizeof (double));
    }
}

/* The coefficients of the features of component C in ES->wt, and
   u'A u (see below).  */
static double
feature_coefficients (vbgmm_estep *es, const vbgmm_model *model, size_t c)
{
  const size_t d = es->d;
  /* With y = x - shift, u = m - shift and A = nu W (its lower
     triangle, as the factorisation read it):
     -nu (x - m)' W (x - m) / 2
       = -u'A u / 2 + (A u)' y - sum_i A_ii y_i^2 / 2 - sum_j<i A_ij y_i y_j,
     linear in the features of y.  A diagonal A needs only the
     squares, a multiple of the identity only their sum; a form whose
     A is the same for every k (tied) drops the quadratic terms, which
     cancel from r_nk.  */
  const double nu = model->nu[c], *Wc = model->W + c * d * d;
  const double *m = model->m + c * d;
  double *wt = es->wt + c * es->p, *q = wt + d, uAu = 0;
  /* A diagonal A (diag, spherical): each row's sum has one term that
     is not zero, the same number from D products as from D^2.  */
  const int diagonal = es->quad == VBGMM_QUAD_DIAG
                       || es->quad == VBGMM_QUAD_SUM;
  for (size_t i = 0; i < d; i++)
    {
      double Au = 0;
      for (size_t j = diagonal ? i : 0; j < (diagonal ? i + 1 : d); j++)
        Au += nu * (j <= i ? Wc[i * d + j] : Wc[j * d + i])
              * (m[j] - model->shift[j]);
      wt[i] = Au;
      uAu += (m[i] - model->shift[i]) * Au;
      if (es->quad == VBGMM_QUAD_FULL)
        for (size_t j = 0; j <= i; j++)
          *q++ = -nu * Wc[i * d + j] * (j == i ? 0.5 : 1.0);
      else if (es->quad == VBGMM_QUAD_DIAG
               || (es->quad == VBGMM_QUAD_SUM && i == 0))
        *q++ = -nu * Wc[i * d + i] * 0.5;
    }
  return uAu;
}

/* What the E-step needs of the parameters of component C but
   E[ln pi_c]: ln |W|, E[ln |Lambda|], and for the feature pass the
   coefficients wt and u'A u (the dense pass takes x - m itself).
   L: room for a factor (dense: d x VBGMM_DENSE_PAD (d)); NULL for a
   diagonal W from VBGMM_DENSE_FACTOR_MIN_D dimensions on.  */
static int
estep_component (vbgmm_estep *es, const vbgmm_model *model, size_t c,
                 double *L, vbgmm_error *err)
{
  const size_t d = model->d;
  const vbgmm_covariance_type *form = model->covariance;
  double ln_det = 0;
  if (es->dense)
    {
      int status = vbgmm_estep_dense_factor (es, c, model->W + c * d * d, L);
      if (status == -2)
        return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      if (status)
        return vbgmm_fail (err, VBGMM_ENUM,
                           "component %zu: W is not positive definite", c);
      ln_det = es->ln_det_W[c];
    }
  else if (!L)
    {
      /* A diagonal W (VBGMM_SPD_DIAGONAL_SQRT): the square roots of
         its diagonal are its factor.  */
      const double *Wc = model->W + c * d * d;
      for (size_t i = 0; i < d; i++)
        {
          if (!(Wc[i * d + i] > 0))
            return vbgmm_fail (err, VBGMM_ENUM,
                               "component %zu: W is not positive definite", c);
          ln_det += 2 * log (sqrt (Wc[i * d + i]));
        }
      es->ln_det_W[c] = ln_det;
    }
  else
    {
      memcpy (L, model->W + c * d * d, d * d * sizeof (double));
      int status = vbgmm_spd_factor (d, L, d);
      if (status == -2)
        return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      if (status)
        return vbgmm_fail (err, VBGMM_ENUM,
                           "component %zu: W is not positive definite", c);
      for (size_t i = 0; i < d; i++)
        ln_det += 2 * log (L[i * d + i]);
      es->ln_det_W[c] = ln_det;
    }
  if (form->e_ln_det (d, model->nu[c], ln_det, es->e_ln_det + c))
    return vbgmm_fail (err, VBGMM_ENUM, "cannot evaluate E[ln |Lambda|]");
  es->uAu[c] = es->dense ? 0 : feature_coefficients (es, model, c);
  return VBGMM_SUCCESS;
}

int
vbgmm_estep_prepare (vbgmm_estep *es, const vbgmm_model *model,
                     vbgmm_error *err)
{
  size_t k = model->k, d = model->d;
  es->shift = model->shift;
  es->nu = model->nu;
  es->m = model->m;
  for (size_t i = 0; i < d; i++)
    es->scale[i] = ldexp (1, -model->units[i]);
  if (model->weights->e_ln_pi (model, es->e_ln_pi))
    return vbgmm_fail (err, VBGMM_ENUM, "cannot evaluate E[ln pi]");

  es->W = model->W;
  /* Room for one factor, but for a diagonal W whose factor needs none.  */
  const int diagonal_W = !es->dense && VBGMM_SPD_DIAGONAL_SQRT (d)
                         && model->covariance->w_shape != VBGMM_W_MATRIX;
  double *L = NULL;
  if (!diagonal_W
      && !(L = malloc (d * (es->dense ? VBGMM_DENSE_PAD (d) : d)
                       * sizeof (double))))
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  for (size_t c = 0; c < k; c++)
    {
      int status = es->keep[c] ? VBGMM_SUCCESS
                   : estep_component (es, model, c, L, err);
      if (status)
        {
          free (L);
          return status;
        }
      /* A mean so far from the centre, for its precision, that u'A u
         or A u overflow (a model file made so; no fit of data within
         the range of doubles comes near): ln rho cannot be evaluated.  */
      int finite = es->dense || isfinite (es->uAu[c]);
      for (size_t i = 0; finite && !es->dense && i < es->p; i++)
        finite = isfinite (es->wt[c * es->p + i]);
      if (!finite)
        {
          free (L);
          return vbgmm_fail (err, VBGMM_ENUM, "component %zu: its mean is "
                             "too far from the centre for its precision "
                             "(ln rho overflows)", c);
        }
      /* 10.46 without the terms in y: it is what all points share.  */
      es->c[c] = es->e_ln_pi[c] + 0.5 * es->e_ln_det[c]
                 - 0.5 * d * log (2 * M_PI) - 0.5 * d / model->beta[c]
                 - 0.5 * es->uAu[c];
      /* c + (A u)'y - y'A y / 2 = c + u'A u / 2 - (y - u)'A (y - u) / 2
         is at most c + u'A u / 2; without the quadratic terms (tied)
         the kernel adds the bound of (A u)'y over a block.  */
      es->top[c] = es->c[c] + (es->quad == VBGMM_QUAD_NONE ? 0
                               : 0.5 * es->uAu[c]);
    }
  free (L);
  if (!es->dense)
    estep_pack (es, model);
  return VBGMM_SUCCESS;
}

/* One thread's scratch space for one block.  */
typedef struct workspace
{
  double *y;   /* dr * BLOCK: the points about the shift, by rows, then
                  |y|^2 (VBGMM_QUAD_SUM); for d < 8 then the other
                  features of the statistics (kernel.h); the rows past
                  them zero */
  double *yp;  /* BLOCK * ys, the full form: the points again, point by
                  point, each followed by itself again */
  double *pt;  /* BLOCK * fs (SUB * fs, the full and diagonal forms): the
                  features of the statistics, point by point */
  size_t ys, fs; /* strides of yp and pt: room for a vector past the end */
  double *lr;  /* k * BLOCK: ln rho */
  double *r;   /* k * BLOCK: exp(ln rho - max), then the
                  responsibilities (see kernel.h) */
  double *mx, *s, *ev; /* BLOCK each */
  double *lo, *hi; /* dw each: the smallest and largest y_i of the block */
  uint64_t *nz; /* k * BLOCK / 64: a bit for each r_nk that is not 0 */
} workspace;

static void
workspace_free (workspace *w)
{
  if (w)
    free (w->y);
}

static int
workspace_alloc (workspace *w, size_t k, size_t d, size_t p, int quad)
{
  const int full = quad == VBGMM_QUAD_FULL;
  const int sub = full || quad == VBGMM_QUAD_DIAG;
  const size_t dw = VBGMM_FPAD (d), fp = VBGMM_FPAD (1 + p);
  const size_t dr = d < 8 && fp > VBGMM_FPAD (d + 1) ? fp : VBGMM_FPAD (d + 1);
  w->ys = full ? 2 * dw + 8 : 0;
  w->fs = fp + 8;
  const size_t total = (dr + 2 * k + 3 + w->ys) * BLOCK
                       + (sub ? SUB : BLOCK) * w->fs + 2 * dw
                       + k * (BLOCK / 64);
  /* Zeroed: the padding is read, though what it adds is not used.
     Whole lines of 64 bytes, as aligned_alloc takes them.  */
  w->y = aligned_alloc (64, VBGMM_FPAD (total) * sizeof (double));
  if (!w->y)
    return -1;
  memset (w->y, 0, total * sizeof (double));
  w->lr = w->y + dr * BLOCK;
  w->r = w->lr + k * BLOCK;
  w->mx = w->r + k * BLOCK;
  w->s = w->mx + BLOCK;
  w->ev = w->s + BLOCK;
  w->yp = w->ev + BLOCK;
  w->pt = w->yp + BLOCK * w->ys;
  w->lo = w->pt + (sub ? SUB : BLOCK) * w->fs;
  w->hi = w->lo + dw;
  w->nz = (uint64_t *) (w->hi + dw);
  return 0;
}

/* The kernel sums the features of the points in its own order: y,
   then the products y_i y_j by wrapped diagonals (see kernel.h; the
   first, s = 0, is the squares), as many as the form takes, or |y|^2,
   then 1.  MAP[f] is where feature f goes in a component's statistics
   (N, then sum r y, then the quadratic features: sum r y y' by rows,
   the squares, or their sum).  */
static void
stats_order (size_t d, int quad, size_t *map)
{
  size_t f = 0;
  for (size_t j = 0; j < d; j++)
    map[f++] = 1 + j;
  for (size_t s = 0; s < DIAGONALS (quad, d); s++)
    for (size_t j = 0; j < DIAG_LEN (s, d); j++)
      {
        size_t a = (j + s) % d, i = a > j ? a : j, jj = a > j ? j : a;
        map[f++] = 1 + d + (quad == VBGMM_QUAD_FULL ? i * (i + 1) / 2 + jj : j);
      }
  if (quad == VBGMM_QUAD_SUM)
    map[f++] = 1 + d;
  map[f] = 0;
}

/* Vectors are loaded and stored through memcpy: the columns are not
   aligned to the vector size.  */
#define LOAD(v, p) memcpy (&(v), (p), sizeof (v))
#define STORE(p, v) memcpy ((p), &(v), sizeof (v))
#define ZERO ((vec) { 0 })
/* x - 0 is x for every x, -0 included, so this is a plain broadcast
   (0 + x would cost an addition: it is +0 for x = -0).  */
#define SPLAT(x) ((x) - ZERO)
#define KERNEL_PASTE2(a, b) a##_##b
#define KERNEL_PASTE(a, b) KERNEL_PASTE2 (a, b)
/* ln of the smallest responsibility kept (about 1e-304): far enough
   above the smallest normal number that r y y' stays normal too.  */
#define LN_R_MIN (-700.0)
/* An emptied component is passed over in a block where its ln rho_nk
   stays this far below LN_R_MIN under the largest: room for the
   rounding of the sum that would have made it.  */
#define LN_R_MARGIN 1.0

/* ln rho_nk - max_j ln rho_nj of point B of the block (coordinate i
   at Y[i * BLOCK + B]; X, the point in the data's units) for the NL
   packed components, into LR (row q at LR[q * BLOCK + B]), for a
   point whose sums in the kernel overflowed or are not numbers: one
   some 1e150 spreads from the components.  With s = max_i |y_i| and
   z = y / s,
     ln rho_k = c_k + w_k'y + y'Q_k y = s^2 (c_k / s^2 + w_k'z / s + z'Q_k z),
   each part finite; the differences from the largest, times s^2, are
   the exact ones, -inf where they pass the range of doubles (r = 0).
   Where y itself overflowed (a point far out in the data's units, put
   into smaller ones), s is 2^G beyond the range of doubles and z is
   taken from X (vbgmm_units_far): every difference that is not 0 is
   then -inf, and without quadratic features (tied) the largest is
   that of w_k'z.  A point's result depends on that point alone, so
   every kernel and thread count gives the same.  */
static void
estep_far_point (const vbgmm_estep *es, const double *y, const double *x,
                 size_t b, size_t nl, double *lr)
{
  const size_t d = es->d, p = es->p;
  const int quad = es->quad;
  const size_t from_diag = quad != VBGMM_QUAD_FULL;
  const size_t past_diag = quad != VBGMM_QUAD_NONE;
  double z[d], s = 0;
  for (size_t i = 0; i < d; i++)
    s = fabs (y[i * BLOCK + b]) > s ? fabs (y[i * BLOCK + b]) : s;
  const int beyond = isinf (s);
  if (beyond)
    {
      /* One exponent for all, the largest: an overflowed coordinate's
         (over 1023), so that the finite ones go to 0 or near it.  */
      int G = INT_MIN;
      for (size_t i = 0; i < d; i++)
        if (isinf (y[i * BLOCK + b]))
          {
            int g = vbgmm_units_far (x[i], es->scale[i], es->shift[i], z + i);
            G = g > G ? g : G;
          }
      for (size_t i = 0; i < d; i++)
        if (isinf (y[i * BLOCK + b]))
          {
            int g = vbgmm_units_far (x[i], es->scale[i], es->shift[i], z + i);
            z[i] = ldexp (z[i], g - G);
          }
        else
          z[i] = ldexp (y[i * BLOCK + b], -G);
    }
  else
    for (size_t i = 0; i < d; i++)
      z[i] = y[i * BLOCK + b] / s;
  double fmax = -INFINITY;
  for (size_t q = 0; q < nl; q++)
    {
      const double *wt = es->wtp + q * p, *wq = wt + d;
      double lin = 0, sq = 0, zz = 0;
      for (size_t i = 0; i < d; i++)
        {
          lin += wt[i] * z[i];
          zz += z[i] * z[i];
          if (quad != VBGMM_QUAD_SUM)
            for (size_t j = from_diag * i; j < i + past_diag; j++, wq++)
              sq += *wq * z[i] * z[j];
        }
      if (quad == VBGMM_QUAD_SUM)
        sq = *wq * zz;
      /* Beyond the range of doubles, c_k / s^2 and w_k'z / s are 0
         beside z'Q_k z; but for no quadratic features, what ranks the
         components is w_k'z.  */
      double f = !beyond ? es->cp[q] / s / s + lin / s + sq
                 : quad == VBGMM_QUAD_NONE ? lin : sq;
      lr[q * BLOCK + b] = f;
      fmax = f > fmax ? f : fmax;
    }
  for (size_t q = 0; q < nl; q++)
    {
      double f = lr[q * BLOCK + b] - fmax;
      lr[q * BLOCK + b] = f == 0 ? 0 : beyond ? -INFINITY : f * s * s;
    }
}

/* One kernel per instruction set, chosen when the library is loaded.  */
typedef void kernel_fn (const vbgmm_estep *es, const double *restrict x,
                        size_t rows, workspace *w, double *restrict stats,
                        double *restrict r_out);
#ifdef HAVE_X86_TARGETS
# define KERNEL_NAME block_kernel_avx512
# define KERNEL_TARGET __attribute__ ((target ("arch=x86-64-v4")))
# define W 8
# include "kernel.h"
# undef KERNEL_NAME
# undef KERNEL_TARGET
# undef W
# define KERNEL_NAME block_kernel_avx2
# define KERNEL_TARGET __attribute__ ((target ("arch=x86-64-v3")))
# define W 4
# include "kernel.h"
# undef KERNEL_NAME
# undef KERNEL_TARGET
# undef W
#endif
#define KERNEL_NAME block_kernel_generic
#define KERNEL_TARGET
#define W 2
#include "kernel.h"
#undef KERNEL_NAME
#undef KERNEL_TARGET
#undef W

int
vbgmm_kernel_width (void)
{
  const char *want = getenv ("VBGMM_KERNEL");
  if (want && strcmp (want, "generic") == 0)
    return 2;
#ifdef HAVE_X86_TARGETS
  __builtin_cpu_init ();
  int avx512 = __builtin_cpu_supports ("x86-64-v4");
  int avx2 = __builtin_cpu_supports ("x86-64-v3");
  if (avx512 && !(want && strcmp (want, "avx2") == 0))
    return 8;
  if (avx2)
    return 4;
#endif
  return 2;
}

static kernel_fn *
kernel_select (void)
{
  switch (vbgmm_kernel_width ())
    {
#ifdef HAVE_X86_TARGETS
    case 8:
      return block_kernel_avx512;
    case 4:
      return block_kernel_avx2;
#endif
    default:
      return block_kernel_generic;
    }
}

/* Scratch space for NT threads.  */
static workspace *
workspaces_alloc (int nt, size_t k, size_t d, size_t p, int quad)
{
  workspace *w = calloc (nt, sizeof *w);
  if (!w)
    return NULL;
  for (int i = 0; i < nt; i++)
    if (workspace_alloc (w + i, k, d, p, quad))
      {
        for (int j = 0; j < i; j++)
          workspace_free (w + j);
        free (w);
        return NULL;
      }
  return w;
}

static void
workspaces_free (workspace *w, int nt)
{
  if (!w)
    return;
  for (int i = 0; i < nt; i++)
    workspace_free (w + i);
  free (w);
}

int
vbgmm_thread_id (void)
{
#ifdef _OPENMP
  return omp_get_thread_num ();
#else
  return 0;
#endif
}

/* ACC += A, over the LEN numbers of one chunk's sums.  */
static void
chunk_add (double *restrict acc, const double *restrict a, size_t len)
{
  SIMD
  for (size_t i = 0; i < len; i++)
    acc[i] += a[i];
}

int
vbgmm_pass (const vbgmm_estep *es, const vbgmm_data *data, int threads,
            double *stats, vbgmm_error *err)
{
  if (es->dense)
    return vbgmm_estep_dense_pass (es, data, threads, stats, err);
  const size_t k = es->k, d = es->d, n = data->n;
  const size_t len = vbgmm_stats_size (es);
  /* Each chunk's sums have components VBGMM_FPAD (f) apart.  */
  const size_t f = 1 + es->p, fp = VBGMM_FPAD (f);
  const size_t clen = VBGMM_FPAD (k * fp + 1);
  const size_t nblocks = (n + BLOCK - 1) / BLOCK;
  int nt = vbgmm_threads (threads);
  /* The running total, then one chunk's sums per thread: each chunk is
     summed in its thread's buffer and added to the total in chunk
     order, so that memory does not grow with the number of chunks.  */
  double *acc = aligned_alloc (64, (1 + (size_t) nt) * clen * sizeof (double));
  size_t *map = malloc (f * sizeof (size_t));
  workspace *ws = workspaces_alloc (nt, k, d, es->p, es->quad);
  kernel_fn *block_kernel = kernel_select ();
  if (!acc || !map || !ws)
    {
      free (acc);
      free (map);
      workspaces_free (ws, nt);
      return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }
  memset (acc, 0, clen * sizeof (double));
  stats_order (d, es->quad, map);

#pragma omp parallel for ordered schedule(dynamic, 1) num_threads(nt)
  for (size_t ch = 0; ch < CHUNKS; ch++)
    {
      int t = vbgmm_thread_id ();
      workspace *w = ws + t;
      double *part = acc + (1 + (size_t) t) * clen;
      size_t b0 = ch * nblocks / CHUNKS, b1 = (ch + 1) * nblocks / CHUNKS;
      /* An empty chunk adds nothing (its sums would be +0).  */
      if (b0 < b1)
        memset (part, 0, clen * sizeof (double));
      for (size_t blk = b0; blk < b1; blk++)
        {
          size_t i0 = blk * BLOCK;
          size_t rows = n - i0 < BLOCK ? n - i0 : BLOCK;
          block_kernel (es, data->x + i0 * d, rows, w, part, NULL);
        }
#pragma omp ordered
      if (b0 < b1)
        chunk_add (acc, part, clen);
    }

  memset (stats, 0, len * sizeof (double));
  /* The kernel summed the components in the order it packed them.  */
  for (size_t q = 0; q < k; q++)
    for (size_t i = 0; i < f; i++)
      stats[es->order[q] * f + map[i]] = acc[q * fp + i];
  stats[k * f] = acc[k * fp];
  free (acc);
  free (map);
  workspaces_free (ws, nt);
  return VBGMM_SUCCESS;
}

int
vbgmm_estep_stream (const vbgmm_estep *es, const vbgmm_data *data,
                    int threads, vbgmm_sink sink, void *arg, vbgmm_error *err)
{
  if (es->dense)
    return vbgmm_estep_dense_stream (es, data, threads, sink, arg, err);
  const size_t k = es->k, d = es->d, n = data->n;
  const size_t round = CHUNKS * BLOCK;
  int nt = vbgmm_threads (threads);
  double *buf = malloc ((n < round ? n : round) * k * sizeof (double) + 1);
  workspace *ws = workspaces_alloc (nt, k, d, es->p, es->quad);
  kernel_fn *block_kernel = kernel_select ();
  int status = VBGMM_SUCCESS;
  if (!buf || !ws)
    status = vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");

  for (size_t r0 = 0; status == VBGMM_SUCCESS && r0 < n; r0 += round)
    {
      size_t rows = n - r0 < round ? n - r0 : round;
      size_t nblocks = (rows + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
      for (size_t blk = 0; blk < nblocks; blk++)
        {
          size_t i0 = blk * BLOCK;
          size_t m = rows - i0 < BLOCK ? rows - i0 : BLOCK;
          block_kernel (es, data->x + (r0 + i0) * d, m,
                        ws + vbgmm_thread_id (), NULL, buf + i0 * k);
        }
      if (sink (buf, rows, k, arg))
        status = vbgmm_fail (err, VBGMM_EIO, "cannot write the responsibilities");
    }
  free (buf);
  workspaces_free (ws, nt);
  return status;
}
