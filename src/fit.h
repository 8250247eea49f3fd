/* fit.h -- one fit from one start, and the fit from many starts

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

#ifndef VBGMM_FIT_H
#define VBGMM_FIT_H

#include "vbgmm.h"

/* One fit from the start of OPT with OPT->seed (OPT->n_init is not
   looked at), the options already checked.  */
vbgmm_model *vbgmm_fit_single (const vbgmm_data *data,
                               const vbgmm_prior *prior,
                               const vbgmm_options *opt, vbgmm_error *err);

/* VBGMM_EDATA, naming the row (over all processes) and the column,
   unless every number of the rows ROWS[0..NROWS-1] of DATA (ROWS NULL:
   all of this process's) is finite, as the readers of files demand: a
   NaN or an infinity has no place in the sums of a fit, nor in the
   responsibilities and predictions of a model.  */
int vbgmm_data_finite (const vbgmm_data *data, const size_t *rows,
                       size_t nrows, vbgmm_error *err);

/* Only the start state of that fit (no iteration: the model's
   iterations are 0).  */
vbgmm_model *vbgmm_fit_start (const vbgmm_data *data,
                              const vbgmm_prior *prior,
                              const vbgmm_options *opt, vbgmm_error *err);

#endif
