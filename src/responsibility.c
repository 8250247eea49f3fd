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
#define BLOCK 256
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
  es->U = calloc (k * d * d, sizeof (double));
  es->u0 = calloc (k * d, sizeof (double));
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
      double *U = es->U + c * d * d;
      const double *m = model->m + c * d;
      for (size_t i = 0; i < d; i++)
        {
          double acc = 0;
          for (size_t j = 0; j < d; j++)
            {
              U[i * d + j] = j >= i ? s * gsl_matrix_get (L, j, i) : 0;
              acc += U[i * d + j] * (m[j] - model->shift[j]);
            }
          es->u0[c * d + i] = acc;
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
  double *y;   /* d * BLOCK: the points about the shift, by column */
  double *lr;  /* k * BLOCK: ln rho, then ln rho - max */
  double *r;   /* k * BLOCK: responsibilities */
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
  size_t total = (d + 2 * k + 2) * BLOCK;
  w->y = aligned_alloc (64, total * sizeof (double));
  if (!w->y)
    return -1;
  w->lr = w->y + d * BLOCK;
  w->r = w->lr + k * BLOCK;
  w->mx = w->r + k * BLOCK;
  w->s = w->mx + BLOCK;
  return 0;
}

/* Four points at a time in GCC's vector extensions: one AVX register
   in the x86-64-v3 version of the kernel, two SSE2 registers in the
   default one.  Accumulating four lanes, each in a fixed order, keeps
   the sums independent of the thread that runs the block.  */
typedef double v4d __attribute__ ((vector_size (4 * sizeof (double))));
#define LOAD4(v, p) memcpy (&(v), (p), sizeof (v4d))
#define STORE4(p, v) memcpy ((p), &(v), sizeof (v4d))
#define HSUM4(v) (((v)[0] + (v)[1]) + ((v)[2] + (v)[3]))
/* ln of the smallest responsibility kept (about 1e-304): far enough
   above the smallest normal number that r y y' stays normal too.  */
#define LN_R_MIN (-700.0)
/* The most statistics one component has per block in registers.  */
#define MAX_ACC 64

/* The E-step for ROWS (<= BLOCK) points at X, and, when STATS is not
   NULL, their sufficient statistics added to STATS.  When R_OUT is not
   NULL the responsibilities are stored there, row-major.  */
KERNEL_CLONES static void
block_kernel (const vbgmm_estep *es, const double *restrict x, size_t rows,
              workspace *w, double *restrict stats, double *restrict r_out)
{
  const size_t d = es->d, k = es->k, B = rows;
  /* Padded to whole groups of four; the padding rows have y = 0 and,
     once normalised, r = 0, so they add nothing.  */
  const size_t Bp = (B + 3) & ~(size_t) 3;
  double *restrict y = w->y, *restrict lr = w->lr, *restrict r = w->r;
  double *restrict mx = w->mx, *restrict s = w->s;

  for (size_t j = 0; j < d; j++)
    {
      const double c = es->shift[j];
      double *restrict yj = y + j * BLOCK;
      for (size_t b = 0; b < B; b++)
        yj[b] = x[b * d + j] - c;
      for (size_t b = B; b < Bp; b++)
        yj[b] = 0;
    }

  /* ln rho_nk (10.46) = c_k - |U_k y_n - u0_k|^2 / 2.  */
  for (size_t c = 0; c < k; c++)
    {
      const double *U = es->U + c * d * d, *u0 = es->u0 + c * d;
      const double ck = es->c[c];
      double *restrict lrc = lr + c * BLOCK;
      for (size_t b = 0; b < Bp; b += 4)
        {
          v4d q = { 0, 0, 0, 0 };
          for (size_t i = 0; i < d; i++)
            {
              v4d t = { -u0[i], -u0[i], -u0[i], -u0[i] };
              for (size_t j = i; j < d; j++)
                {
                  v4d yj;
                  LOAD4 (yj, y + j * BLOCK + b);
                  t += U[i * d + j] * yj;
                }
              q += t * t;
            }
          v4d l = ck - 0.5 * q;
          STORE4 (lrc + b, l);
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
          /* N_k, sum r y and sum r y y' in as few sweeps as the
             registers allow: rows i0..i1-1 of y y' at a time, each row
             taking 2 + i accumulators (sum r y_i and sum r y_i y_j).  */
          v4d n4 = { 0, 0, 0, 0 };
          for (size_t i0 = 0, i1; i0 < d; i0 = i1)
            {
              v4d acc[MAX_ACC];
              size_t na = 0;
              for (i1 = i0; i1 < d && na + 2 + i1 <= MAX_ACC; i1++)
                na += 2 + i1;
              if (i1 == i0)
                {
                  /* A row longer than the registers: one sum at a time.  */
                  const double *restrict yi = y + i0 * BLOCK;
                  double a1 = 0;
                  SIMD_SUM (a1) for (size_t b = 0; b < Bp; b++)
                    a1 += rc[b] * yi[b];
                  sy[c * d + i0] += a1;
                  for (size_t j = 0; j <= i0; j++)
                    {
                      const double *restrict yj = y + j * BLOCK;
                      double a2 = 0;
                      SIMD_SUM (a2) for (size_t b = 0; b < Bp; b++)
                        a2 += rc[b] * yi[b] * yj[b];
                      syy[c * tri + i0 * (i0 + 1) / 2 + j] += a2;
                    }
                  i1 = i0 + 1;
                  continue;
                }
              for (size_t a = 0; a < na; a++)
                acc[a] = (v4d) { 0, 0, 0, 0 };
              for (size_t b = 0; b < Bp; b += 4)
                {
                  v4d rb;
                  LOAD4 (rb, rc + b);
                  if (i0 == 0)
                    n4 += rb;
                  size_t a = 0;
                  for (size_t i = i0; i < i1; i++)
                    {
                      v4d yi;
                      LOAD4 (yi, y + i * BLOCK + b);
                      v4d ry = rb * yi;
                      acc[a++] += ry;
                      for (size_t j = 0; j <= i; j++)
                        {
                          v4d yj;
                          LOAD4 (yj, y + j * BLOCK + b);
                          acc[a++] += ry * yj;
                        }
                    }
                }
              size_t a = 0;
              for (size_t i = i0; i < i1; i++)
                {
                  sy[c * d + i] += HSUM4 (acc[a]);
                  a++;
                  double *syyc = syy + c * tri + i * (i + 1) / 2;
                  for (size_t j = 0; j <= i; j++, a++)
                    syyc[j] += HSUM4 (acc[a]);
                }
            }
          N[c] += HSUM4 (n4);
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
