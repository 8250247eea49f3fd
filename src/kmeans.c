/* kmeans.c -- k-means (Lloyd) and the statistics of a hard or soft
   assignment of the points, for the start of a fit

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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comm.h"
#include "covariance.h"
#include "error.h"
#include "kmeans.h"
#include "responsibility.h"

/* Rows are summed in this many chunks of consecutive rows (fewer for
   small data), each in row order, and the chunks in order: which
   thread ran a chunk does not change a bit of the sum.  */
#define KM_CHUNKS 64
#define KM_ROWS_PER_CHUNK 1024

static size_t
chunk_count (size_t n)
{
  size_t c = (n + KM_ROWS_PER_CHUNK - 1) / KM_ROWS_PER_CHUNK;
  return c < 1 ? 1 : c > KM_CHUNKS ? KM_CHUNKS : c;
}

/* The nearest of the K means to X (ties: the lowest index).  Four
   components at a time: four chains of additions, each in the order of
   the dimensions as for one component alone (the same bits), so that
   one addition's latency does not wait for the last.  */
static size_t
nearest (const double *x, const double *means, size_t k, size_t d,
         const double *metric)
{
  size_t best = 0, c = 0;
  double best_d2 = INFINITY, d2[4];
  for (; c < k; c += 4)
    {
      const size_t q = k - c < 4 ? k - c : 4;
      const double *m = means + c * d;
      if (q == 4)
        {
          double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (size_t i = 0; i < d; i++)
            {
              double w = metric ? metric[i] : 1;
              double v0 = x[i] - m[i], v1 = x[i] - m[d + i];
              double v2 = x[i] - m[2 * d + i], v3 = x[i] - m[3 * d + i];
              s0 += w * v0 * v0;
              s1 += w * v1 * v1;
              s2 += w * v2 * v2;
              s3 += w * v3 * v3;
            }
          d2[0] = s0, d2[1] = s1, d2[2] = s2, d2[3] = s3;
        }
      else
        for (size_t j = 0; j < q; j++)
          {
            double s0 = 0;
            for (size_t i = 0; i < d; i++)
              {
                double w = metric ? metric[i] : 1;
                double v0 = x[i] - m[j * d + i];
                s0 += w * v0 * v0;
              }
            d2[j] = s0;
          }
      for (size_t j = 0; j < q; j++)
        if (d2[j] < best_d2)
          {
            best_d2 = d2[j];
            best = c + j;
          }
    }
  return best;
}

#ifdef HAVE_X86_TARGETS
typedef double km_vec
    __attribute__ ((vector_size (VBGMM_KM_LANES * sizeof (double))));

typedef long long km_ivec
    __attribute__ ((vector_size (VBGMM_KM_LANES * sizeof (long long))));

__attribute__ ((target ("arch=x86-64-v4"))) static inline
__attribute__ ((always_inline)) km_vec
km_dist_vec (const double *xt, size_t d, const double *m,
             const double *metric)
{
  km_vec acc = { 0 };
  for (size_t i = 0; i < d; i++)
    {
      km_vec x, v, p;
      memcpy (&x, xt + i * VBGMM_KM_LANES, sizeof x);
      v = x - m[i];
      p = metric ? metric[i] * v * v : v * v;
      /* Rounded as such, not fused with the sum.  */
      __asm__ ("" : "+v" (p));
      acc += p;
    }
  return acc;
}

__attribute__ ((target ("arch=x86-64-v4"))) static void
km_dist_avx512 (const double *xt, size_t d, const double *m,
                const double *metric, double *d2)
{
  km_vec acc = km_dist_vec (xt, d, m, metric);
  memcpy (d2, &acc, sizeof acc);
}

/* Into LAB the nearest of the K means to each point of XT (ties: the
   lowest index), as nearest () finds it: each lane keeps the least
   distance so far and its component, replaced where a distance is less
   (a comparison with NaN is false).  */
__attribute__ ((target ("arch=x86-64-v4"))) static void
km_nearest_avx512 (const double *xt, const double *means, size_t k,
                   size_t d, const double *metric, size_t *lab)
{
  km_vec best = { 0 };
  km_ivec at = { 0 };
  best += INFINITY;
  for (size_t c = 0; c < k; c++)
    {
      km_vec d2 = km_dist_vec (xt, d, means + c * d, metric);
      km_ivec less = d2 < best;
      best = (km_vec) (((km_ivec) d2 & less) | ((km_ivec) best & ~less));
      at = ((long long) c & less) | (at & ~less);
    }
  for (size_t b = 0; b < VBGMM_KM_LANES; b++)
    lab[b] = (size_t) at[b];
}
#endif

int
vbgmm_km_lanes (void)
{
  return vbgmm_kernel_width () >= VBGMM_KM_LANES;
}

void
vbgmm_km_load (const double *x, size_t rows, size_t d, const double *s,
               double *xt)
{
  for (size_t b = 0; b < VBGMM_KM_LANES; b++)
    {
      const double *xb = x + (b < rows ? b : rows - 1) * d;
      for (size_t i = 0; i < d; i++)
        xt[i * VBGMM_KM_LANES + b] = xb[i] * (s ? s[i] : 1);
    }
}

void
vbgmm_km_dist (int lanes, const double *xt, size_t d, const double *m,
               const double *metric, double *d2)
{
#ifdef HAVE_X86_TARGETS
  if (lanes)
    {
      km_dist_avx512 (xt, d, m, metric, d2);
      return;
    }
#else
  (void) lanes;
#endif
  for (size_t b = 0; b < VBGMM_KM_LANES; b++)
    {
      double acc = 0;
      for (size_t i = 0; i < d; i++)
        {
          double v = xt[i * VBGMM_KM_LANES + b] - m[i];
          acc += (metric ? metric[i] : 1) * v * v;
        }
      d2[b] = acc;
    }
}

/* The point X (its coordinates STRIDE apart) to cluster C: into the
   chunk's sums A (LEN numbers) its count and y = x - SHIFT, and whether
   its LABEL changed.  */
static void
assign (double *a, size_t len, size_t *label, size_t c, const double *x,
        size_t stride, const double *shift, size_t d)
{
  a[len - 1] += *label != c;
  *label = c;
  double *s = a + c * (d + 1);
  s[0] += 1;
  for (size_t i = 0; i < d; i++)
    s[1 + i] += x[i * stride] - shift[i];
}

int
vbgmm_kmeans_lloyd (const vbgmm_data *data, const vbgmm_comm *comm,
                    int threads, size_t k, const double *scale,
                    const double *metric, const double *shift,
                    size_t max_iter, double *means, size_t *labels,
                    size_t *iters, vbgmm_error *err)
{
  const size_t n = data->n, d = data->d, nch = chunk_count (n);
  /* Per chunk and in total: for each cluster its count and the sum of
     y = x - shift; then the number of labels that changed.  */
  const size_t len = k * (d + 1) + 1;
  double *acc = calloc (nch * len, sizeof (double));
  double *tot = malloc (len * sizeof (double));
  int status = vbgmm_comm_agree_alloc (comm, acc && tot, err);
  if (status)
    goto done;
  for (size_t r = 0; r < n; r++)
    labels[r] = SIZE_MAX;
  *iters = 0;
  const int nt = vbgmm_threads (threads);
  (void) nt;
#ifdef HAVE_X86_TARGETS
  const int lanes = vbgmm_km_lanes ();
#endif

  for (size_t it = 1; it <= max_iter; it++)
    {
      memset (acc, 0, nch * len * sizeof (double));
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
      for (size_t ch = 0; ch < nch; ch++)
        {
          double *a = acc + ch * len;
          const size_t r1 = (ch + 1) * n / nch;
          size_t r = ch * n / nch;
          /* Points VBGMM_KM_LANES at a time, where vectors have as many
             lanes; added to the sums one by one, in order (without room
             for them, one at a time: the same sums).  */
#ifdef HAVE_X86_TARGETS
          double *xt = lanes ? malloc (d * VBGMM_KM_LANES * sizeof (double))
                             : NULL;
          for (; xt && r + VBGMM_KM_LANES <= r1; r += VBGMM_KM_LANES)
            {
              size_t lab[VBGMM_KM_LANES];
              vbgmm_km_load (data->x + r * d, VBGMM_KM_LANES, d, scale, xt);
              km_nearest_avx512 (xt, means, k, d, metric, lab);
              for (size_t b = 0; b < VBGMM_KM_LANES; b++)
                assign (a, len, labels + r + b, lab[b], xt + b,
                        VBGMM_KM_LANES, shift, d);
            }
          free (xt);
#endif
          for (; r < r1; r++)
            {
              double x[d];
              for (size_t i = 0; i < d; i++)
                x[i] = data->x[r * d + i] * (scale ? scale[i] : 1);
              assign (a, len, labels + r, nearest (x, means, k, d, metric),
                      x, 1, shift, d);
            }
        }
      memcpy (tot, acc, len * sizeof (double));
      for (size_t ch = 1; ch < nch; ch++)
        for (size_t i = 0; i < len; i++)
          tot[i] += acc[ch * len + i];
      if ((status = vbgmm_comm_sum (comm, tot, len, err)))
        goto done;
      *iters = it;
      for (size_t c = 0; c < k; c++)
        {
          const double *s = tot + c * (d + 1);
          if (s[0] > 0)
            for (size_t i = 0; i < d; i++)
              means[c * d + i] = shift[i] + s[1 + i] / s[0];
        }
      if (tot[len - 1] == 0)
        break;
    }
done:
  free (acc);
  free (tot);
  return status;
}

/* Add W times the features of Y (count, y, then as QUAD says: y y'
   lower triangle by rows, the squares, their sum, or none) to the
   statistics S of one component.  */
static void
add_point (double *s, const double *y, size_t d, int quad, double w)
{
  s[0] += w;
  double *sy = s + 1, *syy = s + 1 + d, yy = 0;
  for (size_t i = 0; i < d; i++)
    {
      sy[i] += w * y[i];
      double wy = w * y[i];
      if (quad == VBGMM_QUAD_FULL)
        for (size_t j = 0; j <= i; j++)
          *syy++ += wy * y[j];
      else if (quad == VBGMM_QUAD_DIAG)
        *syy++ += wy * y[i];
      yy += y[i] * y[i];
    }
  if (quad == VBGMM_QUAD_SUM)
    *syy += w * yy;
}

int
vbgmm_stats_of_assignment (const vbgmm_data *data, const double *scale,
                           const double *shift, size_t k, int quad, const size_t *labels,
                           const double *resp, int threads,
                           double *stats, vbgmm_error *err)
{
  const size_t n = data->n, d = data->d, nch = chunk_count (n);
  const size_t p = d + vbgmm_quad_features (quad, d), len = k * (1 + p) + 1;
  const int nt = vbgmm_threads (threads);
  /* One chunk's sums per thread, added to the total in chunk order as
     the chunks finish: the same sums as with every chunk's kept, in
     the room of the threads' (at D = 1024, K = 10, 42 MB a copy).  */
  double *acc = malloc ((size_t) nt * len * sizeof (double));
  double *y = malloc ((size_t) nt * d * sizeof (double));
  if (!acc || !y)
    {
      free (acc);
      free (y);
      return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }
#pragma omp parallel for ordered schedule(dynamic, 1) num_threads(nt)
  for (size_t ch = 0; ch < nch; ch++)
    {
      const int t = vbgmm_thread_id ();
      double *a = acc + (size_t) t * len, *yc = y + (size_t) t * d;
      memset (a, 0, len * sizeof (double));
      for (size_t r = ch * n / nch; r < (ch + 1) * n / nch; r++)
        {
          for (size_t i = 0; i < d; i++)
            yc[i] = data->x[r * d + i] * (scale ? scale[i] : 1) - shift[i];
          if (!resp)
            {
              add_point (VBGMM_STATS_COMP (a, labels[r], p), yc, d, quad, 1);
              continue;
            }
          for (size_t c = 0; c < k; c++)
            {
              double w = resp[r * k + c];
              if (w > 0)
                {
                  add_point (VBGMM_STATS_COMP (a, c, p), yc, d, quad, w);
                  *VBGMM_STATS_RLNR (a, k, p) += w * log (w);
                }
            }
        }
#pragma omp ordered
      {
        if (ch == 0)
          memcpy (stats, a, len * sizeof (double));
        else
          for (size_t i = 0; i < len; i++)
            stats[i] += a[i];
      }
    }
  free (acc);
  free (y);
  return VBGMM_SUCCESS;
}
