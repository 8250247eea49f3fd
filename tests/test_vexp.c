/* test_vexp.c -- the vectorised exp against the C library's

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

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_test.h>

#include "vexp.h"

/* Units in the last place between A and the exact-ish B.  */
static double
ulps (double a, double b)
{
  if (a == b)
    return 0;
  double step = nextafter (b, INFINITY) - b;
  if (b == 0)
    step = 4.9406564584124654e-324;
  return fabs (a - b) / step;
}

int
main (void)
{
  double worst = 0, at = 0;
  /* The whole domain the E-step uses, subnormal results included.  */
  for (double x = -746; x <= 0; x += 0.000731)
    {
      double u = ulps (vbgmm_vexp (x), exp (x));
      if (u > worst)
        worst = u, at = x;
    }
  gsl_test (worst > 1, "vbgmm_vexp within 1 ulp of exp (worst %g at %g)",
            worst, at);
  gsl_test_abs (vbgmm_vexp (0), 1, 0, "exp(0) = 1 exactly");
  gsl_test_abs (vbgmm_vexp (-746), 0, 0, "exp(-746) underflows to 0");
  gsl_test_rel (vbgmm_vexp (-700), exp (-700), 1e-15, "exp(-700)");
  gsl_test_rel (vbgmm_vexp (-1e-300), 1, 0, "exp(-1e-300)");
  return gsl_test_summary ();
}
