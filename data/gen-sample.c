/* gen-sample.c -- make data/x.csv, the sample data of vbgmm

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

/* 10,000 points in 3-D from four Gaussians with weights 0.1, 0.2, 0.3
   and 0.4 (exactly 1000, 2000, 3000 and 4000 points, in random order),
   written as the original notebook's data was: "x, y, z" per line.
   GSL's MT19937 with a fixed seed makes the file the same every time:
   make sample-data.  With the argument --labels it writes instead the
   component of each point, one per line (for the benchmark of fits).  */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define N 10000

static const double weight[4] = { 0.1, 0.2, 0.3, 0.4 };
static const double mean[4][3] = {
  { 5, 0, -5 }, { -5, 0, 5 }, { -3, 2, -3 }, { 3, -2, 3 }
};
/* Standard deviations: covariances diag(1, 0.5, 1) and diag(2, 0.5, 2).  */
static const double sd[4][3] = {
  { 1, 0.70710678118654752, 1 },
  { 1.4142135623730950, 0.70710678118654752, 1.4142135623730950 },
  { 1, 0.70710678118654752, 1 },
  { 1.4142135623730950, 0.70710678118654752, 1.4142135623730950 }
};

int
main (int argc, char **argv)
{
  int labels_only = argc > 1 && strcmp (argv[1], "--labels") == 0;
  static int label[N];
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 20261126);
  int n = 0;
  for (int c = 0; c < 4; c++)
    for (int i = 0; i < (int) (weight[c] * N + 0.5); i++)
      label[n++] = c;
  gsl_ran_shuffle (rng, label, N, sizeof *label);
  for (int i = 0; i < N; i++)
    {
      int c = label[i];
      for (int j = 0; j < 3; j++)
        {
          double v = mean[c][j] + gsl_ran_gaussian_ziggurat (rng, sd[c][j]);
          if (!labels_only)
            printf ("%.6f%s", v, j < 2 ? ", " : "\n");
        }
      if (labels_only)
        printf ("%d\n", c);
    }
  gsl_rng_free (rng);
  return ferror (stdout) || fflush (stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}
