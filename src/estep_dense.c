/* estep_dense.c -- the pass of the full form by products of dense matrices

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

/* In many dimensions the two halves of the pass of the full form are
   products of dense matrices (dense.c), run on SIMD tiles near the
   peak of the multiply-add units:
   - ln rho_nk (10.46) needs nu_k (x_n - m_k)' W_k (x_n - m_k) =
     nu_k |L_k' (x_n - m_k)|^2 with W_k = L_k L_k': a block of centred
     points times the Cholesky factor;
   - the statistics sum_n r_nk y_n y_n' of component k are Z'Z for the
     rows z_n = sqrt(r_nk) y_n of the points it holds (r_nk not 0: in
     many dimensions a point is held by few components, and the others
     would add only zeros).
   The factors are those of the fit's M-step or vbgmm_estep_prepare's,
   kept (in a fit) or made again for each block of points (the one
   pass of the outputs, which need not hold them beside W: K D^2 / 2
   doubles, 42 MB at D = 1024, K = 10).  The components are shared
   among the threads, each with one D x D matrix of sums, never K; each
   component's sums run in one fixed order, so that the results do not
   depend on the number of threads.  */

#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "covariance.h"
#include "dense.h"
#include "error.h"
#include "estep_dense.h"
#include "responsibility.h"

/* Points per product: a factor (8 MB at D = 1000) is read once for
   this many of them.  */
#define ROWS 256
/* Points whose ln rho are held at once.  */
#define ROUND 32768
/* As in responsibility.c: a responsibility below e^LN_R_MIN is 0.  */
#define LN_R_MIN (-700.0)

int
vbgmm_estep_dense_chosen (int quad, size_t d)
{
  if (quad != VBGMM_QUAD_FULL)
    return 0;
  const char *want = getenv ("VBGMM_PASS");
  if (want && strcmp (want, "dense") == 0)
    return 1;
  if (want && strcmp (want, "features") == 0)
    return 0;
  return d >= VBGMM_DENSE_MIN_D;
}

/* One thread's scratch space.  */
typedef struct dense_work
{
  double *L;   /* d * ldp: a component's sums r y y', or its factor */
  double *S;   /* the factor by strips: in L's room, or its own */
  double *Z;   /* ROWS * ldp: points, zero past column d */
  double *qv;  /* ROWS * 8 */
  double *q;   /* ROWS */
  int failed;  /* a factor could not be made again (out of memory) */
} dense_work;

static void
dense_work_free (dense_work *w, int nt)
{
  if (!w)
    return;
  for (int t = 0; t < nt; t++)
    {
      if (w[t].S != w[t].L)
        free (w[t].S);
      free (w[t].L);
      free (w[t].Z);
      free (w[t].qv);
      free (w[t].q);
    }
  free (w);
}

/* The strips of the factors have L's room when the factors are kept
   (FACTORED), and their own when they are made again from W into L.  */
static dense_work *
dense_work_alloc (int nt, size_t d, int factored)
{
  const size_t ldp = VBGMM_DENSE_PAD (d);
  dense_work *w = calloc (nt, sizeof *w);
  if (!w)
    return NULL;
  for (int t = 0; t < nt; t++)
    {
      w[t].L = calloc (d * ldp, sizeof (double));
      w[t].S = factored ? w[t].L
                        : malloc (vbgmm_dense_strips_size (d)
                                  * sizeof (double));
      w[t].Z = calloc (ROWS * ldp, sizeof (double));
      w[t].qv = malloc (ROWS * 8 * sizeof (double));
      w[t].q = malloc (ROWS * sizeof (double));
      if (!w[t].L || !w[t].S || !w[t].Z || !w[t].qv || !w[t].q)
        {
          dense_work_free (w, nt);
          return NULL;
        }
    }
  return w;
}

int
vbgmm_estep_dense_factor (vbgmm_estep *es, size_t c, const double *W,
                          double *L)
{
  const size_t d = es->d, ldp = VBGMM_DENSE_PAD (d);
  for (size_t i = 0; i < d; i++)
    memcpy (L + i * ldp, W + i * d, d * sizeof (double));
  int status = vbgmm_dense_cholesky (d, L, ldp);
  if (status)
    return status;
  double ln_det = 0;
  for (size_t i = 0; i < d; i++)
    ln_det += 2 * log (L[i * ldp + i]);
  es->ln_det_W[c] = ln_det;
  if (es->L)
    {
      double *restrict f = VBGMM_ESTEP_FACTOR (es, c);
      for (size_t i = 0; i < d; i++)
        memcpy (f + i * (i + 1) / 2, L + i * ldp, (i + 1) * sizeof (double));
    }
  return 0;
}

/* The factor of component C into the strips W->S: from the kept
   factor, or made again from W in W->L.  */
static int
component_factor (const vbgmm_estep *es, size_t c, dense_work *w)
{
  const size_t d = es->d, ldp = VBGMM_DENSE_PAD (d);
  if (es->L)
    {
      vbgmm_dense_strips (d, VBGMM_ESTEP_FACTOR (es, c), 0, w->S);
      return 0;
    }
  double *restrict L = w->L;
  for (size_t i = 0; i < d; i++)
    memcpy (L + i * ldp, es->W + (c * d + i) * d, d * sizeof (double));
  /* The same numbers as vbgmm_estep_prepare factorised: it cannot fail
     but for memory.  */
  int status = vbgmm_dense_cholesky (d, L, ldp);
  if (!status)
    vbgmm_dense_strips (d, L, ldp, w->S);
  return status;
}

/* ln rho_nk of component C for the ROWS points of X, into column C of
   LR (by points, K apart).  */
static void
component_ln_rho (const vbgmm_estep *es, size_t c, const double *x,
                  size_t rows, dense_work *w, double *lr)
{
  const size_t k = es->k, d = es->d, ldp = VBGMM_DENSE_PAD (d);
  if (component_factor (es, c, w))
    {
      w->failed = 1;
      return;
    }
  double *restrict Z = w->Z;
  const double *restrict m = es->m + c * d, *restrict scale = es->scale;
  const double half_nu = 0.5 * es->nu[c], c0 = es->c[c];
  for (size_t b0 = 0; b0 < rows; b0 += ROWS)
    {
      const size_t nb = rows - b0 < ROWS ? rows - b0 : ROWS;
      for (size_t b = 0; b < nb; b++)
        {
          const double *restrict xb = x + (b0 + b) * d;
          double *restrict zb = Z + b * ldp;
          /* In the units of the fit (x 2^-e, exact).  */
          for (size_t j = 0; j < d; j++)
            zb[j] = xb[j] * scale[j] - m[j];
        }
      /* q_n = |L' (x_n - m)|^2 */
      vbgmm_dense_quad_strips (nb, d, Z, ldp, w->S, w->qv, w->q);
      for (size_t b = 0; b < nb; b++)
        lr[(b0 + b) * k + c] = c0 - half_nu * w->q[b];
    }
}

/* ln rho_nk - max_j ln rho_nj of a point X so far from every component
   that its quadratic forms overflow (ln rho -inf for every k, or not a
   number), into L (K of them).  With z_k = y - m_k, s_k = max_i |z_ki|
   and s = max_k s_k, ln rho_k / s^2 = c_k / s^2 - nu_k (s_k / s)^2
   (z_k / s_k)'W_k (z_k / s_k) / 2 is finite, and its differences times
   s^2 are the exact ones (-inf past the range of doubles: r = 0).
   FAR: room for K + D numbers (K and D may be beyond what the stack
   holds).  */
static void
far_row (const vbgmm_estep *es, const double *x, double *far, double *l)
{
  const size_t k = es->k, d = es->d;
  double *sk = far, *z = far + k, g = 0, fmax = -INFINITY;
  for (size_t c = 0; c < k; c++)
    {
      sk[c] = 0;
      for (size_t j = 0; j < d; j++)
        {
          /* Halves, so that the difference itself cannot overflow.  */
          double v = fabs (x[j] * es->scale[j] / 2 - es->m[c * d + j] / 2);
          sk[c] = v > sk[c] ? v : sk[c];
        }
      g = sk[c] > g ? sk[c] : g;
    }
  for (size_t c = 0; c < k; c++)
    {
      double q = 0;
      for (size_t j = 0; j < d; j++)
        z[j] = sk[c] > 0 ? (x[j] * es->scale[j] / 2 - es->m[c * d + j] / 2)
                           / sk[c] : 0;
      if (es->L)
        {
          /* z'W z = |L'z|^2, L the kept lower factor of W.  */
          const double *L = VBGMM_ESTEP_FACTOR (es, c);
          for (size_t j = 0; j < d; j++)
            {
              double u = 0;
              for (size_t i = j; i < d; i++)
                u += L[i * (i + 1) / 2 + j] * z[i];
              q += u * u;
            }
        }
      else
        {
          /* No factor kept: z'W z itself, |z_i| <= 1.  */
          const double *W = es->W + c * d * d;
          for (size_t i = 0; i < d; i++)
            {
              double u = 0;
              for (size_t j = 0; j < d; j++)
                u += W[i * d + j] * z[j];
              q += z[i] * u;
            }
        }
      const double t = sk[c] / g;
      /* (2 s)^2: the halves back.  */
      l[c] = es->c[c] / (4 * g) / g - 0.5 * es->nu[c] * t * t * q;
      fmax = l[c] > fmax ? l[c] : fmax;
    }
  for (size_t c = 0; c < k; c++)
    {
      const double f = l[c] - fmax;
      l[c] = f == 0 ? 0 : f * (2 * g) * (2 * g);
    }
}

/* The responsibilities r_nk of the ROWS points of X into LR (by points,
   K apart), and sum_nk r_nk ln r_nk added to *RLNR; -1 out of memory.
   FAR: far_row's room.  */
static int
round_resp (const vbgmm_estep *es, const double *x, size_t rows,
            dense_work *ws, int nt, double *far, double *lr, double *rlnr)
{
  const size_t k = es->k;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (size_t c = 0; c < k; c++)
    component_ln_rho (es, c, x, rows, ws + vbgmm_thread_id (), lr);
  for (int t = 0; t < nt; t++)
    if (ws[t].failed)
      return -1;

  /* r_nk = exp(ln rho_nk - logsumexp_j ln rho_nj) (10.49), shifted by
     the largest, as the feature kernel does.  */
  double acc = 0;
  for (size_t b = 0; b < rows; b++)
    {
      double *restrict l = lr + b * k;
      double mx = l[0], s = 0, t = 0;
      for (size_t c = 1; c < k; c++)
        mx = l[c] > mx ? l[c] : mx;
      for (size_t c = 0; c < k; c++)
        {
          double v = l[c] - mx;
          l[c] = v;
          s += v < LN_R_MIN ? 0.0 : exp (v);
        }
      if (s != s)
        {
          /* ln rho overflowed: a point far beyond every component.  */
          far_row (es, x + b * es->d, far, l);
          s = 0;
          for (size_t c = 0; c < k; c++)
            s += l[c] < LN_R_MIN ? 0.0 : exp (l[c]);
        }
      double inv = 1 / s;
      for (size_t c = 0; c < k; c++)
        {
          double v = l[c], r = v < LN_R_MIN ? 0.0 : exp (v) * inv;
          /* r ln rho is 0 where r is: ln rho may be -inf there.  */
          t += r == 0 ? 0.0 : r * v;
          l[c] = r;
        }
      /* sum_k r ln r = sum_k r (ln rho - max) - ln sum_j exp(ln rho_j - max) */
      acc += t - log (s);
    }
  *rlnr += acc;
  return 0;
}

/* The statistics of component C from the ROWS points of X, whose
   responsibilities are in R (by points, K apart), added to STATS.  The
   points it holds are gathered, ROWS at a time.  */
static void
component_stats (const vbgmm_estep *es, size_t c, const double *x,
                 size_t rows, const double *r, dense_work *w, double *stats)
{
  const size_t k = es->k, d = es->d, p = es->p, ldp = VBGMM_DENSE_PAD (d);
  const double *restrict shift = es->shift, *restrict scale = es->scale;
  double *restrict Z = w->Z, *restrict S = w->L;
  double *restrict sy = VBGMM_STATS_SY (stats, c, p);
  double *restrict sq = VBGMM_STATS_SQ (stats, c, p, d);
  double N = 0;
  int first = 1;
  size_t nb = 0;
  for (size_t b = 0; b < rows; b++)
    {
      const double rb = r[b * k + c];
      if (rb != 0)
        {
          const double sr = sqrt (rb);
          const double *restrict xb = x + b * d;
          double *restrict zb = Z + nb * ldp;
          N += rb;
          for (size_t j = 0; j < d; j++)
            {
              const double y = xb[j] * scale[j] - shift[j];
              sy[j] += rb * y;
              zb[j] = sr * y;
            }
          nb++;
        }
      if (nb == ROWS || (b + 1 == rows && nb > 0))
        {
          if (first)
            memset (S, 0, d * ldp * sizeof (double));
          first = 0;
          /* S (lower triangle) += Z'Z = sum r y y' */
          vbgmm_dense_gemm (d, d, nb, Z, 1, ldp, Z, ldp, S, ldp, 1.0, 1);
          nb = 0;
        }
    }
  VBGMM_STATS_N (stats, c, p) += N;
  if (!first)
    for (size_t i = 0; i < d; i++)
      {
        double *restrict row = sq + i * (i + 1) / 2;
        const double *restrict si = S + i * ldp;
        for (size_t j = 0; j <= i; j++)
          row[j] += si[j];
      }
}

int
vbgmm_estep_dense_pass (const vbgmm_estep *es, const vbgmm_data *data,
                        int threads, double *stats, vbgmm_error *err)
{
  const size_t k = es->k, d = es->d, n = data->n;
  const size_t round = n < ROUND ? n : ROUND;
  int nt = vbgmm_threads (threads);
  dense_work *ws = dense_work_alloc (nt, d, es->L != NULL);
  double *lr = malloc ((round ? round : 1) * k * sizeof (double));
  double *far = malloc ((k + d) * sizeof (double));
  if (!ws || !lr || !far)
    {
      dense_work_free (ws, nt);
      free (lr);
      free (far);
      return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }
  memset (stats, 0, vbgmm_stats_size (es) * sizeof (double));
  double rlnr = 0;
  for (size_t r0 = 0; r0 < n; r0 += ROUND)
    {
      const size_t rows = n - r0 < ROUND ? n - r0 : ROUND;
      const double *x = data->x + r0 * d;
      if (round_resp (es, x, rows, ws, nt, far, lr, &rlnr))
        {
          dense_work_free (ws, nt);
          free (lr);
          free (far);
          return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
        }
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
      for (size_t c = 0; c < k; c++)
        component_stats (es, c, x, rows, lr, ws + vbgmm_thread_id (), stats);
    }
  *VBGMM_STATS_RLNR (stats, k, es->p) = rlnr;
  dense_work_free (ws, nt);
  free (lr);
  free (far);
  return VBGMM_SUCCESS;
}

int
vbgmm_estep_dense_stream (const vbgmm_estep *es, const vbgmm_data *data,
                          int threads, vbgmm_sink sink, void *arg,
                          vbgmm_error *err)
{
  const size_t k = es->k, d = es->d, n = data->n;
  const size_t round = n < ROUND ? n : ROUND;
  int nt = vbgmm_threads (threads);
  dense_work *ws = dense_work_alloc (nt, d, es->L != NULL);
  double *lr = malloc ((round ? round : 1) * k * sizeof (double));
  double *far = malloc ((k + d) * sizeof (double));
  int status = VBGMM_SUCCESS;
  if (!ws || !lr || !far)
    status = vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  double rlnr = 0;
  for (size_t r0 = 0; r0 < n && !status; r0 += ROUND)
    {
      const size_t rows = n - r0 < ROUND ? n - r0 : ROUND;
      if (round_resp (es, data->x + r0 * d, rows, ws, nt, far, lr, &rlnr))
        status = vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      else if (sink (lr, rows, k, arg))
        status = vbgmm_fail (err, VBGMM_EIO,
                             "cannot write the responsibilities");
    }
  dense_work_free (ws, nt);
  free (lr);
  free (far);
  return status;
}
