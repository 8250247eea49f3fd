/* plot.h -- the pictures vbgmm draws with PLplot (program only)

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

#ifndef VBGMM_PLOT_H
#define VBGMM_PLOT_H

#include <stddef.h>

/* At most this many points are drawn (fewer in each cell of a scatter
   matrix and in 3-D, where they cost more); larger data is thinned with
   a fixed stride, so the same input always gives the same picture.  */
#define PLOT_MAX_POINTS 20000

/* The row of a fixed-stride sample of SHOWN of N rows numbered J (J <
   SHOWN <= N): the same rows every time.  */
size_t plot_pick (size_t j, size_t shown, size_t n);

/* At most this many dimensions in one picture (a 6 x 6 matrix is the
   most that stays readable on a normal page).  */
#define PLOT_MAX_DIMS 6

typedef struct plot_spec
{
  const char *device; /* "pngcairo", "svgcairo" or "pdfcairo" */
  int width, height;  /* pixels, 16 to 16384 */
} plot_spec;

/* The cluster palette: the effective components, in order, are drawn
   in plot_palette[0], [1], ... (0xRRGGBB), starting again after
   PLOT_PALETTE_SIZE (the legend says so); points of components that
   are not effective are grey (PLOT_GREY).  */
#define PLOT_PALETTE_SIZE 20
#define PLOT_GREY 0xa0a0a0
extern const unsigned long plot_palette[PLOT_PALETTE_SIZE];

/* Draw the N points X (N x D, row-major), or a sample of them: ROWS
   [0..NROWS-1] (0-based rows of X; NULL: all N, NROWS is ignored), each
   coloured by LABEL[j] (one for each row of the sample), the component
   it is most likely to belong to (a value outside 0..K-1 is drawn
   grey).  Histograms count the sample, scaled to N; scatters thin it
   further to at most PLOT_MAX_POINTS.  The fitted mixture has K components with weights
   WEIGHT[K], means M (K x D) and covariances COV in the drawn
   dimensions (K x NDIMS x NDIMS, in the order of DIMS; the program
   passes (nu_k W_k)^-1 = E[Lambda_k]^-1); only components with
   EFFECTIVE[k] non-zero (N_k >= 1) get ellipses, densities and a
   legend entry.  NAMES[D] are the column names (NULL: x1, x2, ...).
   DIMS[NDIMS] are the 0-based dimensions to draw:
     1: histogram stacked by cluster, with the mixture density;
     2: scatter with the means and 1- and 2-sigma ellipses;
     3: 3-D scatter (a scatter matrix if FORCE_MATRIX);
     4 to PLOT_MAX_DIMS: scatter matrix.
   Writes PATH (creating or truncating it).  Returns 0, or non-zero with
   a message in ERR.  Never prints, never exits.  */
int plot_clusters (const char *path, const plot_spec *spec,
                   size_t n, size_t d, const double *x, const size_t *rows,
                   size_t nrows, const int *label,
                   size_t k, const double *weight, const double *m,
                   const double *cov, const int *effective,
                   const char *const *names,
                   const size_t *dims, size_t ndims, int force_matrix,
                   char *err, size_t errlen);

/* Draw the lower bound BOUND[0..ITERATIONS-1] against the iteration
   1..ITERATIONS, with the final value marked and labelled "converged
   at L = ..." or "not converged".  Same conventions as above.  */
int plot_bound (const char *path, const plot_spec *spec,
                const double *bound, size_t iterations, int converged,
                char *err, size_t errlen);

#endif /* VBGMM_PLOT_H */
