/* kmeans.h -- k-means (Lloyd) and the statistics of a hard or soft
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

#ifndef VBGMM_KMEANS_H
#define VBGMM_KMEANS_H

#include <stddef.h>

#include "vbgmm.h"

/* The squared distances of k-means, VBGMM_KM_LANES points at a time
   where the machine has vectors of as many doubles (vbgmm_km_lanes
   says whether), each sum the one of a point alone to the last bit:
   sum_i METRIC[i] (x_i - m_i)^2 (METRIC NULL: all 1) in the order of
   the dimensions, the products rounded before they are added.  */
#define VBGMM_KM_LANES 8

/* Whether vectors of VBGMM_KM_LANES doubles run here (else points are
   best taken one at a time): LANES for vbgmm_km_dist.  */
int vbgmm_km_lanes (void);

/* XT[i * VBGMM_KM_LANES + b] = X[b * D + i] times S[i] (S NULL: 1), for
   the ROWS rows (1 to VBGMM_KM_LANES) of X; the lanes past ROWS repeat
   the last row.  */
void vbgmm_km_load (const double *x, size_t rows, size_t d, const double *s,
                    double *xt);

/* D2[b] = the squared distance of point B of XT to the mean M, on
   vectors if LANES.  */
void vbgmm_km_dist (int lanes, const double *xt, size_t d, const double *m,
                    const double *metric, double *d2);

/* Lloyd's iterations from the K means in MEANS (k * d, updated in
   place), until no label changes or MAX_ITER iterations: LABELS (one
   per row of DATA) receive each row's nearest mean (ties: the lowest
   index), *ITERS the iterations run.  A mean that loses all its points
   stays where it was.  The points are read times the factors SCALE
   (NULL: 1), which take them into the units of the fit, as SHIFT and
   MEANS are; the distance is sum_i METRIC[i] (x_i - m_i)^2 (METRIC
   NULL: all 1).  Sums are taken about SHIFT over the processes
   of COMM (may be NULL), in a fixed order: the same to the last bit
   for any number of threads.  */
int vbgmm_kmeans_lloyd (const vbgmm_data *data, const vbgmm_comm *comm,
                        int threads, size_t k, const double *scale,
                        const double *metric, const double *shift,
                        size_t max_iter, double *means, size_t *labels,
                        size_t *iters, vbgmm_error *err);

/* The statistics of one pass (the layout of responsibility.h) for the
   responsibilities RESP (n * k) of the rows of DATA or, when RESP is
   NULL, for the one-hot responsibilities of LABELS (each < K), about
   SHIFT, the points times the factors SCALE (NULL: 1), with the quadratic features QUAD of the form of the model
   (covariance.h).  This process's rows only: the caller sums over
   processes.  The same to the last bit for any number of threads.  */
int vbgmm_stats_of_assignment (const vbgmm_data *data, const double *scale,
                               const double *shift, size_t k, int quad, const size_t *labels,
                               const double *resp, int threads,
                               double *stats, vbgmm_error *err);

/* vbgmm_init_means with the means in units UNITS (NULL: the data's),
   k-means++ measuring distances as vbgmm_kmeans_lloyd does with
   METRIC (may be NULL).  */
int vbgmm_init_means_units (const vbgmm_data *data, const vbgmm_options *opt,
                            const int *units, const double *metric,
                            double *means, vbgmm_error *err);

#endif
