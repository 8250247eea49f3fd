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

/* Only the start state of that fit (no iteration: the model's
   iterations are 0).  */
vbgmm_model *vbgmm_fit_start (const vbgmm_data *data,
                              const vbgmm_prior *prior,
                              const vbgmm_options *opt, vbgmm_error *err);

#endif
