/* accel.h -- extrapolated steps of the coordinate ascent (SQUAREM), on
   the statistics that the M-step is made of

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

/* One plain iteration maps the statistics S that made q(theta) to the
   statistics F(S) of the pass with that q(theta).  From three points
   of that map, x0, x1 = F(x0), x2 = F(x1), SQUAREM (Varadhan and
   Roland 2008, "Simple and globally convergent methods for
   accelerating the convergence of any EM algorithm", the step length
   S3) goes to

     x' = x0 - 2 alpha r + alpha^2 v,  r = x1 - x0,  v = x2 - 2 x1 + x0,
     alpha = -|r| / |v|  (alpha = -1 gives x2, the plain update),

   and the pass with the q(theta) of x' gives the next x0, x1.  The
   points are taken in the coordinates of each component's moments:
   ln N_k and the statistics divided by N_k (the mean of y, of its
   products or squares, as the form sums them).  In them a component
   that empties goes down geometrically, never below zero, and a
   component's mean and spread move on their own scale whatever its
   N_k; the N_k of the step are scaled to the sum of x2's.  |r| and |v|
   measure each coordinate in the spreads of the columns it is made of
   (y_i / s_i, y_i y_j / (s_i s_j)), so that the step does not depend
   on the units of the columns.  The caller
   keeps a step only when the bound of the pass that follows it is not
   below the last kept one, and otherwise goes back to the plain update
   of x2: the bound never falls.  |alpha| is at most STEP_MAX, which
   grows fourfold when a step of that length is kept and falls fourfold
   when one is turned down.  Every step costs a pass over the data,
   kept or not.  */
typedef struct vbgmm_accel
{
  size_t k, p;       /* components; features of each (responsibility.h) */
  double *weight;    /* 1 + P: what each coordinate is multiplied by in
                        |r| and |v| */
  int phase;         /* what x0 and x1 hold (accel.c) */
  double alpha;      /* the step length of the last step */
  double step_max;
  double *x0, *x1;   /* K (1 + P) moment coordinates each */
} vbgmm_accel;

/* K components in D dimensions, with the quadratic features QUAD
   (covariance.h) of the data whose columns have the spreads SPREAD (in
   the units of the fit, all > 0).  Returns 0, or -1 when out of
   memory (A can be freed either way).  */
int vbgmm_accel_init (vbgmm_accel *a, size_t k, size_t d, int quad,
                      const double *spread);
void vbgmm_accel_free (vbgmm_accel *a);

/* After a pass whose bound was kept: OUT is its statistics (laid out
   as responsibility.h says), STEP the buffer of the steps (after a
   step, still holding it).  Returns 1 when STEP holds statistics to
   make the next q(theta) of, 0 when the next update is the plain one
   (M-step of OUT).  */
int vbgmm_accel_next (vbgmm_accel *a, const double *out, double *step);

/* The M-step could not make q(theta) of STEP (a W that is not positive
   definite): a shorter step into STEP from the same OUT, alpha halfway
   to -1.  Returns 0 when the step is no longer beyond the plain update
   (STEP undefined).  */
int vbgmm_accel_shorten (vbgmm_accel *a, const double *out, double *step);

/* The bound of the pass after a step fell: the next pass goes from
   ACCEPTED, the statistics of the last kept pass.  */
void vbgmm_accel_reject (vbgmm_accel *a, const double *accepted);

/* The next pass goes from statistics that are none of the steps' (a
   delete move, delete.h): the three points begin again after it.  */
void vbgmm_accel_restart (vbgmm_accel *a);

#endif
