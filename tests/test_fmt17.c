/* test_fmt17.c -- the fast %.17g against the C library's, byte for byte

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
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt17.h"

static long checked, bad;

static void
one (double v)
{
  char a[32], b[32];
  size_t n = vbgmm_fmt17 (v, a);
  a[n] = '\0';
  snprintf (b, sizeof b, "%.17g", v);
  checked++;
  if (strcmp (a, b) != 0 && bad++ < 10)
    printf ("FAIL: %s, expected %s\n", a, b);
}

static uint64_t state = 88172645463325252ULL;

static uint64_t
xorshift (void)
{
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

int
main (void)
{
  /* Any bit pattern.  */
  for (long i = 0; i < 1000000; i++)
    {
      uint64_t u = xorshift ();
      double v;
      memcpy (&v, &u, sizeof v);
      if (isfinite (v))
        one (v);
    }
  /* What z.csv holds: responsibilities, tiny ones and ones near 1.  */
  for (long i = 0; i < 1000000; i++)
    {
      double v = exp (-(double) (xorshift () % 800000) / 1000.0);
      one (v);
      one (1 - v);
    }
  /* Ties: 1 + m 2^-k has 18 significant digits ending in 5 for some k,
     and the C library rounds those to even.  */
  for (int k = 1; k < 60; k++)
    for (long m = 1; m < 2000; m += 2)
      {
        one (1 + m * ldexp (1, -k));
        one (m * ldexp (1, -k));
        one (ldexp ((double) m, k));
      }
  /* Every power of ten and its neighbours; the ends of the range.  */
  for (int e = -330; e <= 310; e++)
    {
      double p = pow (10, e);
      one (p);
      one (nextafter (p, 0));
      one (nextafter (p, INFINITY));
      one (5 * p);
    }
  const double special[] = { 0.0, -0.0, 1, -1, 0.1, 1e16, 1e17, 0.0001,
                             0.00001, 9.9999999999999995e-5,
                             4.9406564584124654e-324, 2.2250738585072014e-308,
                             1.7976931348623157e308, 123456789012345678.0 };
  for (size_t i = 0; i < sizeof special / sizeof *special; i++)
    one (special[i]);
  printf ("%ld numbers, %ld differ\n", checked, bad);
  return bad ? 1 : 0;
}
