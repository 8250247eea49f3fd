/* accel.h -- over-relaxed steps of the coordinate ascent, on the
   statistics that the M-step is made of

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

#ifndef VBGMM_ACCEL_H
#define VBGMM_ACCEL_H

#include <stddef.h>

/* Adaptive over-relaxation (Salakhutdinov and Roweis 2003, "Adaptive
   overrelaxed bound optimization methods").  One plain iteration maps
   the statistics S that made q(theta) to the statistics F(S) of the
   pass with that q(theta).  The over-relaxed step goes further along
   the same line, S + eta (F(S) - S), eta > 1; the natural parameters
   of q(theta) are linear in the statistics, so this is their
   over-relaxed step too, whatever the form of the components.  The
   caller keeps a step only when the bound of the pass that follows it
   is not below the last kept one, and otherwise goes back to the plain
   update: the bound never falls.  ETA grows while steps are kept and
   falls back to 1 when one is turned down.  */
typedef struct vbgmm_accel
{
  double eta;
} vbgmm_accel;

void vbgmm_accel_init (vbgmm_accel *a);

/* The next step from FROM (the statistics the last pass's q(theta) was
   made of) and OUT (that pass's statistics), both laid out as
   responsibility.h says (P features per component), into STEP.  Each component's share of the
   step is shortened so that its N_k stays positive.  Returns 0 when
   the next update is to be the plain one (STEP untouched), 1 when STEP
   holds a step.  */
int vbgmm_accel_step (vbgmm_accel *a, size_t k, size_t p,
                      const double *from, const double *out, double *step);

/* The bound fell after a step (or its q(theta) could not be made).  */
void vbgmm_accel_reject (vbgmm_accel *a);

#endif
