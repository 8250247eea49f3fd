/* model.h -- the fitted model: what the library keeps of a fit

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

#ifndef VBGMM_MODEL_H
#define VBGMM_MODEL_H

#include "vbgmm.h"

/* Record in MODEL what the model file tells of the fit: N, the column
   names of DATA, a copy of PRIOR, the settings of OPT.  Returns 0, or
   -1 when out of memory.  */
int vbgmm_model_record (vbgmm_model *model, const vbgmm_data *data,
                        const vbgmm_prior *prior, const vbgmm_options *opt);

#endif
