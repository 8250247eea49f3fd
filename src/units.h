/* units.h -- the units of the fit: each column scaled by a power of two

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

#ifndef VBGMM_UNITS_H
#define VBGMM_UNITS_H

#include <stddef.h>

#include "vbgmm.h"

/* Exponents of units, from -VBGMM_UNITS_MAX to VBGMM_UNITS_MAX: 2^e
   and 2^-e are then both normal doubles, and multiplying by either is
   exact for every normal result.  */
#define VBGMM_UNITS_MAX 1021

/* vbgmm_data_units, and in SPREAD (may be NULL) each column's mean
   absolute deviation in those units (1 for a column of one value).  */
int vbgmm_data_units_spread (const vbgmm_data *data, const vbgmm_comm *comm,
                             const vbgmm_covariance_type *form, int *units,
                             double *spread, vbgmm_error *err);

/* MEAN[i] is the mean of column i of the data times S[i] (a power of
   two), summed over COMM and divided by the number of points.  Where a
   column holds one value v, the mean becomes v S[i] exactly, whatever
   the rounding of the sum (so the column's spread and variance are 0
   exactly, on any number of processes); the other columns' means stay
   as they are, to the bit.  */
int vbgmm_data_constant_means (const vbgmm_data *data,
                               const vbgmm_comm *comm, const double *s,
                               double *mean, vbgmm_error *err);

/* The D factors 2^-UNITS[i] that take a point of the data into units
   UNITS (all 1 when UNITS is NULL), in memory to free; NULL when out of
   memory.  */
double *vbgmm_units_scale (const int *units, size_t d);

/* K points of D numbers (means, m0), or K precision matrices of D x D
   (W, W0), from units FROM into units TO (either NULL: the data's).  */
void vbgmm_units_points (double *x, size_t k, size_t d, const int *from,
                         const int *to);
void vbgmm_units_precisions (double *W, size_t k, size_t d, const int *from,
                             const int *to);

/* X times SCALE (a power of two) less C, where X times SCALE passes
   the range of doubles (a point far out in the data's units, put into
   smaller ones), as 2^g W with W about 1: g returned.  */
int vbgmm_units_far (double x, double scale, double c, double *w);

/* ln p(x) - ln p(x in units UNITS), for one point: -ln 2 sum_i UNITS[i].  */
double vbgmm_units_ln_jacobian (const int *units, size_t d);

/* 1 when every exponent of UNITS is 0.  */
int vbgmm_units_none (const int *units, size_t d);

#endif
