/* delete.h -- delete moves: a component that is emptying, emptied
   in one step and kept only when the bound rises

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

#ifndef VBGMM_DELETE_H
#define VBGMM_DELETE_H

#include <stddef.h>

/* With a small alpha0 the plain updates empty a component that the
   data do not need a little at each pass: its N_k falls geometrically,
   and the bound climbs to the next plateau only once it is gone.  A
   delete move (as in Hughes and Sudderth 2013, "Memoized online
   variational inference for Dirichlet process mixture models") empties
   it at once: the statistics of the last kept pass without that
   component (N_k and its sums 0, so that its q(theta) is the prior's
   own posterior) make the next q(theta), and the pass with it hands its
   points to the others.  The caller keeps the move only when the bound
   of that pass is not below the last kept one, and otherwise goes back
   to the statistics of that pass: the bound never falls.

   Which component: the one with the least N_k among those whose N_k
   fell at each of the last two kept passes (the ones emptying), while
   another component holds something.  When: at any kept pass, while
   the last move was kept; after a move turned down, twice as many kept
   passes as the last wait, so that a fit whose small components are
   there to stay pays a few passes, not one in three.  */
typedef struct vbgmm_delete
{
  size_t k, p;       /* components; features of each (responsibility.h) */
  size_t wait;       /* kept passes until the next move may be made */
  size_t gap;        /* the last wait */
  double *n1, *n2;   /* k each: N_k of the last two kept passes */
} vbgmm_delete;

/* K components with P features each.  Returns 0, or -1 when out of
   memory (DM can be freed either way).  */
int vbgmm_delete_init (vbgmm_delete *dm, size_t k, size_t p);
void vbgmm_delete_free (vbgmm_delete *dm);

/* After a pass whose bound was kept, with the statistics OUT (LEN
   doubles, laid out as responsibility.h says): 1 when STEP holds OUT
   with a component emptied, to make the next q(theta) of; 0 when the
   next update is another.  */
int vbgmm_delete_next (vbgmm_delete *dm, const double *out, double *step,
                       size_t len);

/* The bound of the pass after the move: KEPT 1 when it did not fall.  */
void vbgmm_delete_outcome (vbgmm_delete *dm, int kept);

#endif
