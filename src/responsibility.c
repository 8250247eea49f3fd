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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
# include <omp.h>
#endif

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>

#include "dirichlet.h"
#include "error.h"
#include "responsibility.h"
#include "vexp.h"
#include "wishart.h"

/* Points are processed in blocks held column by column, so that the
   inner loops run across points on SIMD lanes.  */
#define BLOCK 128
/* Blocks are gathered into this many chunks, each summed in order and
   the chunks summed in order: the result does not depend on which
   thread ran which chunk.  */
#define CHUNKS 64

#define PRAGMA(x) _Pragma (#x)
#define SIMD PRAGMA (omp simd)
#define SIMD_SUM(v) PRAGMA (omp simd reduction(+:v))

/* The kernel is built for the host's widest vectors when the compiler
   can select among versions at load time.  */
#ifdef HAVE_TARGET_CLONES
# define KERNEL_CLONES __attribute__ ((target_clones (VBGMM_CLONE_TARGETS)))
#else
# define KERNEL_CLONES
#endif

int
vbgmm_threads (int threads)
{
#ifdef _OPENMP
  return threads > 0 ? threads : omp_get_max_threads ();
#else
  (void) threads;
  return 1;
#endif
}

size_t
vbgmm_stats_size (size_t k, size_t d)
{
  return k * (1 + d + d * (d + 1) / 2) + 1;
}

vbgmm_estep *
vbgmm_estep_alloc (size_t k, size_t d)
{
  vbgmm_estep *es = calloc (1, sizeof *es);
  if (!es)
    return NULL;
  es->k = k;
  es->d = d;
  es->c = calloc (k, sizeof (double));
  es->U = calloc (k * VBGMM_ROWS4 (d) * d, sizeof (double));
  es->u0 = calloc (k * VBGMM_ROWS4 (d), sizeof (double));
  es->e_ln_pi = calloc (k, sizeof (double));
  es->e_ln_det = calloc (k, sizeof (double));
  es->ln_det_W = calloc (k, sizeof (double));
  if (!es->c || !es->U || !es->u0 || !es->e_ln_pi || !es->e_ln_det
      || !es->ln_det_W)
    {
      vbgmm_estep_free (es);
      return NULL;
    }
  return es;
}

void
vbgmm_estep_free (vbgmm_estep *es)
{
  if (!es)
    return;
  free (es->c);
  free (es->U);
  free (es->u0);
  free (es->e_ln_pi);
  free (es->e_ln_det);
  free (es->ln_det_W);
  free (es);
}

int
vbgmm_estep_prepare (vbgmm_estep *es, const vbgmm_model *model,
                     vbgmm_error *err)
{
  size_t k = model->k, d = model->d;
  es->shift = model->shift;
  if (vbgmm_dirichlet_e_ln_pi (k, model->alpha, es->e_ln_pi))
    return vbgmm_fail (err, VBGMM_ENUM, "cannot evaluate E[ln pi]");

  gsl_matrix *L = gsl_matrix_alloc (d, d);
  if (!L)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  for (size_t c = 0; c < k; c++)
    {
      memcpy (L->data, model->W + c * d * d, d * d * sizeof (double));
      if (gsl_linalg_cholesky_decomp1 (L) != GSL_SUCCESS)
        {
          gsl_matrix_free (L);
          return vbgmm_fail (err, VBGMM_ENUM,
                             "component %zu: W is not positive definite", c);
        }
      double ln_det = 0;
      for (size_t i = 0; i < d; i++)
        ln_det += 2 * log (gsl_matrix_get (L, i, i));
      es->ln_det_W[c] = ln_det;
      if (vbgmm_wishart_e_ln_det (d, model->nu[c], ln_det, es->e_ln_det + c))
        {
          gsl_matrix_free (L);
          return vbgmm_fail (err, VBGMM_ENUM, "cannot evaluate E[ln |Lambda|]");
        }

      /* nu (x - m)' W (x - m) = |U (x - m)|^2 with U = sqrt(nu) L'.  */
      double s = sqrt (model->nu[c]);
      double *U = es->U + c * VBGMM_ROWS4 (d) * d;
      const double *m = model->m + c * d;
      for (size_t i = 0; i < d; i++)
        {
          double acc = 0;
          for (size_t j = 0; j < d; j++)
            {
              U[i * d + j] = j >= i ? s * gsl_matrix_get (L, j, i) : 0;
              acc += U[i * d + j] * (m[j] - model->shift[j]);
            }
          es->u0[c * VBGMM_ROWS4 (d) + i] = acc;
        }

      /* 10.46 without the quadratic form: it is what all points share.  */
      es->c[c] = es->e_ln_pi[c] + 0.5 * es->e_ln_det[c]
                 - 0.5 * d * log (2 * M_PI) - 0.5 * d / model->beta[c];
    }
  gsl_matrix_free (L);
  return VBGMM_SUCCESS;
}

/* One thread's scratch space for one block.  */
typedef struct workspace
{
  double *y;   /* d4 * BLOCK: the points about the shift, by column */
  double *lr;  /* k * BLOCK: ln rho, then ln rho - max */
  double *r;   /* k * BLOCK: responsibilities */
  double *ry;  /* d4 * BLOCK: r_nk y_n of one component */
  double *mx, *s; /* BLOCK each */
} workspace;

static void
workspace_free (workspace *w)
{
  if (w)
    free (w->y);
}

static int
workspace_alloc (workspace *w, size_t k, size_t d)
{
  size_t total = (2 * VBGMM_ROWS4 (d) + 2 * k + 2) * BLOCK;
  w->y = aligned_alloc (64, total * sizeof (double));
  if (!w->y)
    return -1;
  w->lr = w->y + VBGMM_ROWS4 (d) * BLOCK;
  w->r = w->lr + k * BLOCK;
  w->ry = w->r + k * BLOCK;
  w->mx = w->ry + VBGMM_ROWS4 (d) * BLOCK;
  w->s = w->mx + BLOCK;
  return 0;
}

/* Eight points at a time in GCC's vector extensions: one AVX-512
   register in the x86-64-v4 version of the kernel, two AVX registers in
   the x86-64-v3 one, four SSE2 registers in the default one.  The lanes
   are summed in a fixed order, so the sums do not depend on the thread
   that runs the block.  */
#define W 8
typedef double v8d __attribute__ ((vector_size (W * sizeof (double))));
#define LOAD(v, p) memcpy (&(v), (p), sizeof (v8d))
#define STORE(p, v) memcpy ((p), &(v), sizeof (v8d))
#define SPLAT(x) ((v8d) { (x), (x), (x), (x), (x), (x), (x), (x) })
typedef double v4d __attribute__ ((vector_size (4 * sizeof (double))));
typedef double v2d __attribute__ ((vector_size (2 * sizeof (double))));
/* The sum of the lanes, halving the vector each step: a fixed order
   that takes a few vector additions rather than seven scalar ones.  */
#define HSUM(v)                                                         \
  ({                                                                    \
    v8d hs8_ = (v);                                                     \
    v4d hs4a_, hs4b_;                                                   \
    memcpy (&hs4a_, &hs8_, sizeof hs4a_);                               \
    memcpy (&hs4b_, (const char *) &hs8_ + sizeof hs4a_, sizeof hs4b_); \
    v4d hs4_ = hs4a_ + hs4b_;                                           \
    v2d hs2a_, hs2b_;                                                   \
    memcpy (&hs2a_, &hs4_, sizeof hs2a_);                               \
    memcpy (&hs2b_, (const char *) &hs4_ + sizeof hs2a_, sizeof hs2b_); \
    v2d hs2_ = hs2a_ + hs2b_;                                           \
    hs2_[0] + hs2_[1];                                                  \
  })
/* ln of the smallest responsibility kept (about 1e-304): far enough
   above the smallest normal number that r y y' stays normal too.  */
#define LN_R_MIN (-700.0)

/* The E-step for ROWS (<= BLOCK) points at X, and, when STATS is not
   NULL, their sufficient statistics added to STATS.  When R_OUT is not
   NULL the responsibilities are stored there, row-major.  */
KERNEL_CLONES static void
block_kernel (const vbgmm_estep *es, const double *restrict x, size_t rows,
              workspace *w, double *restrict stats, double *restrict r_out)
{
  const size_t d = es->d, k = es->k, B = rows, d4 = VBGMM_ROWS4 (d);
  /* Padded to whole pairs of groups of W points, and to rows of y in
     fours; the padding has y = 0 and, once normalised, r = 0, so it
     adds nothing.  */
  const size_t Bp = (B + 2 * W - 1) / (2 * W) * (2 * W);
  double *restrict y = w->y, *restrict lr = w->lr, *restrict r = w->r;
  double *restrict ry = w->ry, *restrict mx = w->mx, *restrict s = w->s;

  const double *restrict shift = es->shift;
  for (size_t b = 0; b < B; b++)
    for (size_t j = 0; j < d; j++)
      y[j * BLOCK + b] = x[b * d + j] - shift[j];
  for (size_t j = 0; j < d4; j++)
    {
      double *restrict yj = y + j * BLOCK;
      if (j >= d)
        memset (yj, 0, B * sizeof (double));
      memset (yj + B, 0, (Bp - B) * sizeof (double));
    }

  /* ln rho_nk (10.46) = c_k - |U_k y_n - u0_k|^2 / 2, four rows of
     U_k y_n for two groups of points at a time in registers (rows past
     d are 0).  */
  for (size_t c = 0; c < k; c++)
    {
      const double *U = es->U + c * d4 * d, *u0 = es->u0 + c * d4;
      const double ck = es->c[c];
      double *restrict lrc = lr + c * BLOCK;
      for (size_t b = 0; b < Bp; b += 2 * W)
        {
          v8d q = SPLAT (0.0), qq = q;
          for (size_t i = 0; i < d4; i += 4)
            {
              v8d t0 = SPLAT (-u0[i]), t1 = SPLAT (-u0[i + 1]);
              v8d t2 = SPLAT (-u0[i + 2]), t3 = SPLAT (-u0[i + 3]);
              v8d tt0 = t0, tt1 = t1, tt2 = t2, tt3 = t3;
              const double *U0 = U + i * d, *U1 = U0 + d, *U2 = U1 + d;
              const double *U3 = U2 + d;
              for (size_t j = i; j < d; j++)
                {
                  v8d yj, yyj;
                  LOAD (yj, y + j * BLOCK + b);
                  LOAD (yyj, y + j * BLOCK + b + W);
                  const double u0j = U0[j], u1j = U1[j], u2j = U2[j];
                  const double u3j = U3[j];
                  t0 += u0j * yj;
                  t1 += u1j * yj;
                  t2 += u2j * yj;
                  t3 += u3j * yj;
                  tt0 += u0j * yyj;
                  tt1 += u1j * yyj;
                  tt2 += u2j * yyj;
                  tt3 += u3j * yyj;
                }
              q += (t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3);
              qq += (tt0 * tt0 + tt1 * tt1) + (tt2 * tt2 + tt3 * tt3);
            }
          v8d l = ck - 0.5 * q, ll = ck - 0.5 * qq;
          STORE (lrc + b, l);
          STORE (lrc + b + W, ll);
        }
    }

  /* r_nk = exp(ln rho_nk - logsumexp_j ln rho_nj) (10.49), shifted by
     the largest term so that nothing overflows and some term is 1.  */
  SIMD for (size_t b = 0; b < Bp; b++)
    mx[b] = lr[b];
  for (size_t c = 1; c < k; c++)
    {
      const double *restrict lrc = lr + c * BLOCK;
      SIMD for (size_t b = 0; b < Bp; b++)
        mx[b] = lrc[b] > mx[b] ? lrc[b] : mx[b];
    }
  SIMD for (size_t b = 0; b < Bp; b++)
    s[b] = 0;
  for (size_t c = 0; c < k; c++)
    {
      double *restrict lrc = lr + c * BLOCK, *restrict rc = r + c * BLOCK;
      /* A responsibility below e^LN_R_MIN is taken as 0: subnormal
         numbers would slow every operation on them a hundredfold.  */
      SIMD for (size_t b = 0; b < Bp; b++)
        {
          double v = lrc[b] - mx[b];
          lrc[b] = v;
          rc[b] = v < LN_R_MIN ? LN_R_MIN : v;
        }
      SIMD for (size_t b = 0; b < Bp; b++)
        rc[b] = vbgmm_vexp (rc[b]);
      SIMD for (size_t b = 0; b < Bp; b++)
        {
          double e = lrc[b] < LN_R_MIN ? 0.0 : rc[b];
          rc[b] = e;
          s[b] += e;
        }
    }
  double rlnr = 0;
  for (size_t b = 0; b < B; b++)
    rlnr -= log (s[b]);
  SIMD for (size_t b = 0; b < Bp; b++)
    s[b] = 1 / s[b];
  for (size_t c = 0; c < k; c++)
    {
      double *restrict lrc = lr + c * BLOCK, *restrict rc = r + c * BLOCK;
      double acc = 0;
      SIMD_SUM (acc) for (size_t b = 0; b < B; b++)
        {
          rc[b] *= s[b];
          acc += rc[b] * lrc[b];
        }
      for (size_t b = B; b < Bp; b++)
        rc[b] = 0;
      /* sum_k r ln r = sum_k r (ln rho - max) - ln sum_j exp(ln rho_j - max) */
      rlnr += acc;
    }

  if (stats)
    {
      const size_t tri = d * (d + 1) / 2;
      double *N = VBGMM_STATS_N (stats, k, d);
      double *sy = VBGMM_STATS_SY (stats, k, d);
      double *syy = VBGMM_STATS_SYY (stats, k, d);
      for (size_t c = 0; c < k; c++)
        {
          const double *restrict rc = r + c * BLOCK;
          /* N_k and sum r y, keeping r y for the second moments.  */
          v8d n = SPLAT (0.0);
          for (size_t b = 0; b < Bp; b += W)
            {
              v8d rb;
              LOAD (rb, rc + b);
              n += rb;
            }
          N[c] += HSUM (n);
          for (size_t i = 0; i < d4; i++)
            {
              v8d a = SPLAT (0.0);
              for (size_t b = 0; b < Bp; b += W)
                {
                  v8d rb, yi;
                  LOAD (rb, rc + b);
                  LOAD (yi, y + i * BLOCK + b);
                  v8d v = rb * yi;
                  STORE (ry + i * BLOCK + b, v);
                  a += v;
                }
              if (i < d)
                sy[c * d + i] += HSUM (a);
            }
          /* sum r y y': the lower triangle in 4 x 2 tiles, each summed
             over the block in registers (rows past d are 0).  */
          double *syyc = syy + c * tri;
          for (size_t i = 0; i < d; i += 4)
            for (size_t j = 0; j <= i + 2; j += 2)
              {
                v8d a00 = SPLAT (0.0), a01 = a00, a10 = a00, a11 = a00;
                v8d a20 = a00, a21 = a00, a30 = a00, a31 = a00;
                const double *r0 = ry + i * BLOCK, *r1 = r0 + BLOCK;
                const double *r2 = r1 + BLOCK, *r3 = r2 + BLOCK;
                const double *y0 = y + j * BLOCK, *y1 = y0 + BLOCK;
                for (size_t b = 0; b < Bp; b += W)
                  {
                    v8d p0, p1, p2, p3, q0, q1;
                    LOAD (q0, y0 + b);
                    LOAD (q1, y1 + b);
                    LOAD (p0, r0 + b);
                    LOAD (p1, r1 + b);
                    LOAD (p2, r2 + b);
                    LOAD (p3, r3 + b);
                    a00 += p0 * q0;
                    a01 += p0 * q1;
                    a10 += p1 * q0;
                    a11 += p1 * q1;
                    a20 += p2 * q0;
                    a21 += p2 * q1;
                    a30 += p3 * q0;
                    a31 += p3 * q1;
                  }
                const v8d *acc[4][2] = { { &a00, &a01 }, { &a10, &a11 },
                                         { &a20, &a21 }, { &a30, &a31 } };
                for (size_t u = 0; u < 4 && i + u < d; u++)
                  for (size_t v = 0; v < 2 && j + v <= i + u; v++)
                    syyc[(i + u) * (i + u + 1) / 2 + j + v] += HSUM (*acc[u][v]);
              }
        }
      *VBGMM_STATS_RLNR (stats, k, d) += rlnr;
    }

  if (r_out)
    for (size_t b = 0; b < B; b++)
      for (size_t c = 0; c < k; c++)
        r_out[b * k + c] = r[c * BLOCK + b];
}

/* Scratch space for NT threads.  */
static workspace *
workspaces_alloc (int nt, size_t k, size_t d)
{
  workspace *w = calloc (nt, sizeof *w);
  if (!w)
    return NULL;
  for (int i = 0; i < nt; i++)
    if (workspace_alloc (w + i, k, d))
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

static int
thread_id (void)
{
#ifdef _OPENMP
  return omp_get_thread_num ();
#else
  return 0;
#endif
}

int
vbgmm_pass (const vbgmm_estep *es, const vbgmm_data *data, int threads,
            double *stats, vbgmm_error *err)
{
  const size_t k = es->k, d = es->d, n = data->n;
  const size_t len = vbgmm_stats_size (k, d);
  const size_t nblocks = (n + BLOCK - 1) / BLOCK;
  int nt = vbgmm_threads (threads);
  double *acc = calloc (CHUNKS * len, sizeof (double));
  workspace *ws = workspaces_alloc (nt, k, d);
  if (!acc || !ws)
    {
      free (acc);
      workspaces_free (ws, nt);
      return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }

#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (size_t ch = 0; ch < CHUNKS; ch++)
    {
      workspace *w = ws + thread_id ();
      size_t b0 = ch * nblocks / CHUNKS, b1 = (ch + 1) * nblocks / CHUNKS;
      for (size_t blk = b0; blk < b1; blk++)
        {
          size_t i0 = blk * BLOCK;
          size_t rows = n - i0 < BLOCK ? n - i0 : BLOCK;
          block_kernel (es, data->x + i0 * d, rows, w, acc + ch * len, NULL);
        }
    }

  memset (stats, 0, len * sizeof (double));
  for (size_t ch = 0; ch < CHUNKS; ch++)
    for (size_t i = 0; i < len; i++)
      stats[i] += acc[ch * len + i];
  free (acc);
  workspaces_free (ws, nt);
  return VBGMM_SUCCESS;
}

int
vbgmm_estep_stream (const vbgmm_estep *es, const vbgmm_data *data,
                    int threads, vbgmm_sink sink, void *arg, vbgmm_error *err)
{
  const size_t k = es->k, d = es->d, n = data->n;
  const size_t round = CHUNKS * BLOCK;
  int nt = vbgmm_threads (threads);
  double *buf = malloc ((n < round ? n : round) * k * sizeof (double) + 1);
  workspace *ws = workspaces_alloc (nt, k, d);
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
          block_kernel (es, data->x + (r0 + i0) * d, m, ws + thread_id (),
                        NULL, buf + i0 * k);
        }
      if (sink (buf, rows, k, arg))
        status = vbgmm_fail (err, VBGMM_EIO, "cannot write the responsibilities");
    }
  free (buf);
  workspaces_free (ws, nt);
  return status;
}
