/* weights.h -- q(pi): the priors on the weights

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


#ifndef VBGMM_WEIGHTS_H
#define VBGMM_WEIGHTS_H

#include <stddef.h>

#include "vbgmm.h"

/* Each prior on the weights is a const vbgmm_weights_type in a file of
   its own (weights_dirichlet.c, weights_dp.c), listed in weights.c.
   Its parameters live in the model's alpha and b.  */
struct vbgmm_weights_type
{
  const char *name;
  /* The start state, N/K = NK points in each component.  */
  void (*start) (const vbgmm_prior *prior, double Nk, vbgmm_model *model);
  /* The M-step from model->N.  */
  void (*update) (const vbgmm_prior *prior, vbgmm_model *model);
  /* E[ln pi_k] for every k.  */
  int (*e_ln_pi) (const vbgmm_model *model, double *e_ln_pi);
  /* E[pi_k] of one component (K work), and of all K into W (K work
     too: the same numbers).  */
  double (*weight) (const vbgmm_model *model, size_t k);
  void (*weights) (const vbgmm_model *model, double *w);
  /* The bound terms that involve the weights:
     E[ln p(Z|pi)] + E[ln p(pi)] - E[ln q(pi)].  */
  int (*bound) (const vbgmm_prior *prior, const vbgmm_model *model,
                const double *e_ln_pi, double *terms);
  /* The sections of params.dat in place of alpha: their names, and
     how many components each has.  */
  const char *sections[2];
  size_t (*rows) (size_t k);
};

extern const vbgmm_weights_type vbgmm_weights_dirichlet, vbgmm_weights_dp;

#endif
