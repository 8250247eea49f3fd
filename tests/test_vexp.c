/* test_vexp.c -- the vectorised exp and ln against the C library's

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

/* The worst error in ulps of F against REF over x = A, A + STEP, ...
   up to B (STEP > 0), or x = A, A * -STEP, ... (STEP < 0), into *WORST
   and *AT when larger than what they hold.  */
static void
sweep (double (*f) (double), double (*ref) (double), double a, double b,
       double step, double *worst, double *at)
{
  for (double x = a; x <= b; x = step > 0 ? x + step : x * -step)
    {
      double u = ulps (f (x), ref (x));
      if (u > *worst)
        *worst = u, *at = x;
    }
}

#ifdef HAVE_X86_TARGETS
/* The AVX-512 kernel's exp against the exact value (long double), over
   the domain of the responsibilities, eight arguments at a time.  */
__attribute__ ((target ("arch=x86-64-v4"))) static void
vexp8_tests (void)
{
  double worst = 0, at = 0;
  for (double x0 = -708; x0 <= 0; x0 += 8 * 0.000731)
    {
      vbgmm_v8d x, e;
      for (int l = 0; l < 8; l++)
        x[l] = x0 + l * 0.000731 > 0 ? 0 : x0 + l * 0.000731;
      e = vbgmm_vexp8 (x);
      for (int l = 0; l < 8; l++)
        {
          long double ref = expl ((long double) x[l]);
          double u = (double) (fabsl ((long double) e[l] - ref)
                               / (nextafter ((double) ref, INFINITY)
                                  - (double) ref));
          if (u > worst)
            worst = u, at = x[l];
        }
    }
  gsl_test (worst > 1.1, "vbgmm_vexp8 within 1.1 ulp of exp (worst %g at %g)",
            worst, at);
  vbgmm_v8d x = { 0, -1e-300, -708, -700, -0.5, -1, -745.5, -1e300 };
  vbgmm_v8d e = vbgmm_vexp8 (x);
  gsl_test_abs (e[0], 1, 0, "vbgmm_vexp8 (0) = 1 exactly");
  gsl_test_abs (e[1], 1, 0, "vbgmm_vexp8 (-1e-300) = 1");
  gsl_test_rel (e[2], exp (-708), 2.3e-16, "vbgmm_vexp8 (-708)");
  gsl_test_rel (e[3], exp (-700), 2.3e-16, "vbgmm_vexp8 (-700)");
  gsl_test_rel (e[4], exp (-0.5), 1.2e-16, "vbgmm_vexp8 (-0.5)");
  gsl_test_rel (e[5], exp (-1), 1.2e-16, "vbgmm_vexp8 (-1)");
  /* Outside the domain, any number from defined operations.  */
  double junk = e[6] + e[7];
  volatile double nan_in = NAN, inf_in = -INFINITY;
  x[6] = nan_in, x[7] = inf_in;
  e = vbgmm_vexp8 (x);
  gsl_test (0, "vbgmm_vexp8 of -745.5, -1e300, NaN, -inf: defined "
            "operations (%g)", junk + e[6] + e[7]);
}
#endif

int
main (void)
{
  double worst = 0, at = 0;
  /* The whole domain the E-step uses, subnormal results included.  */
  sweep (vbgmm_vexp, exp, -746, 0, 0.000731, &worst, &at);
  gsl_test (worst > 1, "vbgmm_vexp within 1 ulp of exp (worst %g at %g)",
            worst, at);
  gsl_test_abs (vbgmm_vexp (0), 1, 0, "exp(0) = 1 exactly");
  gsl_test_abs (vbgmm_vexp (-746), 0, 0, "exp(-746) underflows to 0");
  gsl_test_rel (vbgmm_vexp (-700), exp (-700), 1e-15, "exp(-700)");
  gsl_test_rel (vbgmm_vexp (-1e-300), 1, 0, "exp(-1e-300)");
  /* The responsibilities' exp: the same bits where the result is normal.  */
  double differ = 0;
  for (double x = -708; x <= 0; x += 0.000731)
    if (vbgmm_vexp_normal (x) != vbgmm_vexp (x) && differ == 0)
      differ = x;
  gsl_test (differ != 0 || vbgmm_vexp_normal (0) != 1
            || vbgmm_vexp_normal (-708) != vbgmm_vexp (-708),
            "vbgmm_vexp_normal = vbgmm_vexp from -708 to 0 (%g)", differ);
  /* Outside the domain the value is any, but no operation is undefined
     (the sanitizer build stops on one): a NaN once reached it.  */
  volatile double nan_in = NAN, inf_in = -INFINITY, big = 1e300;
  double junk = vbgmm_vexp (nan_in) + vbgmm_vexp (inf_in) + vbgmm_vexp (-big)
                + vbgmm_vexp_normal (nan_in) + vbgmm_vexp_normal (inf_in)
                + vbgmm_vexp_normal (-big);
  gsl_test (0, "exp of NaN, -inf, -1e300: defined operations (%g)", junk);
#ifdef HAVE_X86_TARGETS
  if (__builtin_cpu_supports ("x86-64-v4"))
    vexp8_tests ();
#endif

  /* ln: densely where the E-step takes it (1 to the number of
     components), around 1, and over the whole normal range.  */
  worst = 0, at = 0;
  sweep (vbgmm_vlog, log, 1, 1000, 0.000137, &worst, &at);
  sweep (vbgmm_vlog, log, 0.5, 2, 1.1e-7, &worst, &at);
  sweep (vbgmm_vlog, log, 2.2250738585072014e-308, 1.7e308, -1.0013, &worst,
         &at);
  gsl_test (worst > 1, "vbgmm_vlog within 1 ulp of log (worst %g at %.17g)",
            worst, at);
  gsl_test_abs (vbgmm_vlog (1), 0, 0, "ln(1) = 0 exactly");
  gsl_test_rel (vbgmm_vlog (2), M_LN2, 1e-16, "ln(2)");
  gsl_test_rel (vbgmm_vlog (10), M_LN10, 2.3e-16, "ln(10)");

  /* ln(1 + z): z near 0 (a point near a mean over many degrees of
     freedom), up to 10, and over the whole range the density meets.  */
  worst = 0, at = 0;
  sweep (vbgmm_vlog1p, log1p, 1e-300, 1e300, -1.0013, &worst, &at);
  sweep (vbgmm_vlog1p, log1p, 0, 10, 0.000137, &worst, &at);
  gsl_test (worst > 2, "vbgmm_vlog1p within 2 ulp of log1p (worst %g at "
            "%.17g)", worst, at);
  gsl_test_abs (vbgmm_vlog1p (0), 0, 0, "ln(1 + 0) = 0 exactly");
  gsl_test_rel (vbgmm_vlog1p (1e-20), 1e-20, 1e-16, "ln(1 + 1e-20)");
  return gsl_test_summary ();
}
