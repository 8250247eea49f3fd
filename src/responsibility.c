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

/* Vectors are loaded and stored through memcpy: the columns are not
   aligned to the vector size.  */
#define LOAD(v, p) memcpy (&(v), (p), sizeof (v))
#define STORE(p, v) memcpy ((p), &(v), sizeof (v))
#define ZERO ((vec) { 0 })
#define SPLAT(x) (ZERO + (x))
#define KERNEL_PASTE2(a, b) a##_##b
#define KERNEL_PASTE(a, b) KERNEL_PASTE2 (a, b)
/* ln of the smallest responsibility kept (about 1e-304): far enough
   above the smallest normal number that r y y' stays normal too.  */
#define LN_R_MIN (-700.0)

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

/* The widest kernel the processor runs, or the one VBGMM_KERNEL names
   (generic, avx2, avx512) when the processor runs it: the tests check
   every kernel against the same reference numbers.  */
static kernel_fn *
kernel_select (void)
{
  const char *want = getenv ("VBGMM_KERNEL");
  if (want && strcmp (want, "generic") == 0)
    return block_kernel_generic;
#ifdef HAVE_X86_TARGETS
  __builtin_cpu_init ();
  int avx512 = __builtin_cpu_supports ("x86-64-v4");
  int avx2 = __builtin_cpu_supports ("x86-64-v3");
  if (avx512 && !(want && strcmp (want, "avx2") == 0))
    return block_kernel_avx512;
  if (avx2)
    return block_kernel_avx2;
#endif
  return block_kernel_generic;
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
  kernel_fn *block_kernel = kernel_select ();
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
