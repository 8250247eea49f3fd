/* dirichlet.h -- q(pi), the Dirichlet factor of the posterior (PRML 10.2)

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

#ifndef VBGMM_DIRICHLET_H
#define VBGMM_DIRICHLET_H

#include <stddef.h>

/* alpha_k = alpha0 + N_k (10.58).  */
void vbgmm_dirichlet_update (size_t k, double alpha0, const double *N,
                             double *alpha);

/* E[ln pi_k] = psi(alpha_k) - psi(sum alpha) (10.66).  */
int vbgmm_dirichlet_e_ln_pi (size_t k, const double *alpha, double *e_ln_pi);

/* ln C(alpha) = ln Gamma(sum alpha) - sum ln Gamma(alpha_k) (B.23).  */
int vbgmm_dirichlet_ln_c (size_t k, const double *alpha, double *ln_c);

/* The bound terms that involve pi:
   E[ln p(Z|pi)] + E[ln p(pi)] - E[ln q(pi)] (10.72, 10.73, 10.76).  */
int vbgmm_dirichlet_bound (size_t k, double alpha0, const double *alpha,
                           const double *N, const double *e_ln_pi,
                           double *terms);

#endif
