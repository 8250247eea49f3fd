/* estep_dense.h -- the pass of the full form by products of dense matrices

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

#ifndef VBGMM_ESTEP_DENSE_H
#define VBGMM_ESTEP_DENSE_H

#include <stddef.h>

#include "dense.h"
#include "responsibility.h"

/* Whether the pass of a form taking the quadratic features QUAD in D
   dimensions runs here.  The environment variable VBGMM_PASS=dense or
   VBGMM_PASS=features forces one or the other for the full form (a
   testing aid: both give the same numbers within rounding).  */
int vbgmm_estep_dense_chosen (int quad, size_t d);

/* The Cholesky factor of W (d x d) of component C into L (room for
   d x VBGMM_DENSE_PAD (d)), ln |W| into ES->ln_det_W[C], and the factor
   into ES->L when it keeps them.  -1 when W is not positive definite,
   -2 out of memory.  */
int vbgmm_estep_dense_factor (vbgmm_estep *es, size_t c, const double *W,
                              double *L);

/* vbgmm_pass and vbgmm_estep_stream for such an ES: the same
   statistics, the same responsibilities.  */
int vbgmm_estep_dense_pass (const vbgmm_estep *es, const vbgmm_data *data,
                            int threads, double *stats, vbgmm_error *err);
int vbgmm_estep_dense_stream (const vbgmm_estep *es, const vbgmm_data *data,
                              int threads, vbgmm_sink sink, void *arg,
                              vbgmm_error *err);

#endif
