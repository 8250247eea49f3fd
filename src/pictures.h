/* pictures.h -- the pictures a fit draws (PLplot), when built with it

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

#ifndef VBGMM_PICTURES_H
#define VBGMM_PICTURES_H

#include "atomic.h"
#include "cli.h"
#include "vbgmm.h"

/* Draw vb.FORMAT and bound.FORMAT into SET as --plot asks; nothing when
   it says none or PLplot is missing.  Returns 0, or -1 with *FAILED
   naming the picture and WHY saying what is wrong.  */
int pictures_draw (const cli_params *p, const vbgmm_data *data,
                   const vbgmm_model *model, atomic_set *set,
                   const char **failed, char *why, size_t whylen);

#endif
