/* delete.c -- delete moves: a component that is emptying, emptied
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

#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "delete.h"
#include "responsibility.h"

/* Kept passes before a move may be made, at the start and after a
   kept one (a move also needs two kept passes of N_k before it).  On
   bench/fit.py's data, from the default start with the extrapolated
   steps (median of seeds 0-4), 1 took fewer passes than 2, 3 or 4 on
   breast cancer, digits, iris and Old Faithful, 2 on the sample data
   (19 against 33), as many on wine.  */
#define WAIT0 1

/* Whether N_k fell from A to B by more than rounding: N_k is a sum of
   N responsibilities, which another order of the sums (vbgmm-mpi's
   ranks) moves by a few hundred eps of itself, so that a component
   whose N_k stands still must not seem to fall in one order and not
   in another.  */
static int
fell (double b, double a)
{
  return b < a * (1 - 1024 * DBL_EPSILON);
}

int
vbgmm_delete_init (vbgmm_delete *dm, size_t k, size_t p)
{
  memset (dm, 0, sizeof *dm);
  dm->k = k;
  dm->p = p;
  dm->wait = dm->gap = WAIT0;
  dm->n1 = malloc (k * sizeof (double));
  dm->n2 = malloc (k * sizeof (double));
  if (!dm->n1 || !dm->n2)
    return -1;
  for (size_t c = 0; c < k; c++)
    dm->n1[c] = dm->n2[c] = INFINITY;
  return 0;
}

void
vbgmm_delete_free (vbgmm_delete *dm)
{
  free (dm->n1);
  free (dm->n2);
  dm->n1 = dm->n2 = NULL;
}

int
vbgmm_delete_next (vbgmm_delete *dm, const double *out, double *step,
                   size_t len)
{
  const size_t k = dm->k, p = dm->p;
  size_t live = 0, least = k;
  for (size_t c = 0; c < k; c++)
    {
      double n = VBGMM_STATS_N (out, c, p);
      if (n > 0)
        {
          live++;
          if (fell (n, dm->n1[c]) && fell (dm->n1[c], dm->n2[c])
              && (least == k || n < VBGMM_STATS_N (out, least, p)))
            least = c;
        }
      dm->n2[c] = dm->n1[c];
      dm->n1[c] = n;
    }
  if (dm->wait > 1)
    {
      dm->wait--;
      return 0;
    }
  /* Ready: the first pass with a component emptying makes the move.  */
  if (live < 2 || least == k)
    return 0;
  memcpy (step, out, len * sizeof (double));
  memset (VBGMM_STATS_COMP (step, least, p), 0, (1 + p) * sizeof (double));
  return 1;
}

void
vbgmm_delete_outcome (vbgmm_delete *dm, int kept)
{
  dm->gap = kept ? WAIT0 : 2 * dm->gap;
  dm->wait = dm->gap;
}
