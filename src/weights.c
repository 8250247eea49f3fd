/* weights.c -- q(pi): the list of priors on the weights

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


#include <config.h>

#include <string.h>

#include "weights.h"

/* Every prior on the weights; a new one is a file and a line here.  */
static const vbgmm_weights_type *const types[] = {
  &vbgmm_weights_dirichlet,
  &vbgmm_weights_dp,
  NULL
};

const vbgmm_weights_type *const *
vbgmm_weights_types (void)
{
  return types;
}

const vbgmm_weights_type *
vbgmm_weights_lookup (const char *name)
{
  for (size_t i = 0; name && types[i]; i++)
    if (strcmp (types[i]->name, name) == 0)
      return types[i];
  return NULL;
}

const char *
vbgmm_weights_name (const vbgmm_weights_type *t)
{
  return t->name;
}
