/* vexp.h -- exp for a whole block of arguments, in a loop the compiler vectorises

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

#ifndef VBGMM_VEXP_H
#define VBGMM_VEXP_H

#include <stdint.h>
#include <string.h>

/* exp(r) for |r| <= ln 2 / 2 by its Taylor series to degree 13
   (truncation below 1e-17 relative).  */
static inline double
vbgmm_vexp_reduced (double r)
{
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  return p * r + 1.0;
}

/* exp(x) for -746 <= x <= 0 (the caller clamps: a comparison here
   would stop the vectoriser), within about 1 ulp of the C library's, without
   branches so that a loop over it runs on SIMD lanes.  The E-step
   spends one exp per point and component; libm's exp does not
   vectorise without -ffast-math, which would change other results.

   x = n ln 2 + r with |r| <= ln 2 / 2; exp(r) by vbgmm_vexp_reduced;
   2^n built from the exponent bits in two halves so that results down
   to the subnormal range (and underflow to 0 below -745) stay exact.  */
static inline double
vbgmm_vexp (double x)
{
  const double log2e = 1.4426950408889634;
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double shifter = 0x1.8p52;

  double t = x * log2e + shifter;
  double n = t - shifter;
  double r = (x - n * ln2_hi) - n * ln2_lo;
  double p = vbgmm_vexp_reduced (r);

  /* n as an integer: the low bits of t hold it.  */
  int64_t ti, si;
  memcpy (&ti, &t, sizeof ti);
  memcpy (&si, &shifter, sizeof si);
  int64_t ni = (int64_t) ((uint64_t) ti - (uint64_t) si);
  int64_t n1 = ni >> 1;
  int64_t n2 = ni - n1;
  /* Unsigned: outside the domain (x not a number) the bits are any,
     and a shift of a negative integer would be undefined.  */
  uint64_t b1 = (uint64_t) (n1 + 1023) << 52;
  uint64_t b2 = (uint64_t) (n2 + 1023) << 52;
  double s1, s2;
  memcpy (&s1, &b1, sizeof s1);
  memcpy (&s2, &b2, sizeof s2);
  return p * s1 * s2;
}

/* exp(x) for -708 <= x <= 0, where the result is a normal number, as
   vbgmm_vexp to the bit, with fewer operations: 2^n in one piece, its
   exponent n + 1023 left in the low bits of t by the shifter.  The
   E-step's responsibilities below e^-700 are 0 and it takes no other.
   Outside the domain the result is any number, but every operation is
   defined (the sanitizer build checks), so the caller need not clamp.  */
static inline double
vbgmm_vexp_normal (double x)
{
  const double log2e = 1.4426950408889634;
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double shifter = 0x1.8p52 + 1023;

  double t = x * log2e + shifter;
  double n = t - shifter;
  double r = (x - n * ln2_hi) - n * ln2_lo;
  double p = vbgmm_vexp_reduced (r);

  uint64_t ti;
  memcpy (&ti, &t, sizeof ti);
  /* The low 11 bits of t are n + 1023, 1 to 1023 (any outside the
     domain): shifted into the exponent field, they make 2^n.  */
  uint64_t b = ti << 52;
  double s;
  memcpy (&s, &b, sizeof s);
  return p * s;
}

#ifdef HAVE_X86_TARGETS
# include <immintrin.h>

typedef double vbgmm_v8d __attribute__ ((vector_size (64)));
typedef long long vbgmm_v8i __attribute__ ((vector_size (64)));
typedef unsigned long long vbgmm_v8u __attribute__ ((vector_size (64)));

/* exp of eight numbers for -708 <= x <= 0 on the lanes of an AVX-512
   vector, for the E-step's kernel of that width: the contract of
   vbgmm_vexp_normal (outside the domain any number, from defined
   operations), within about 1 ulp (1.03 at worst against the exact
   value, 0.87 for vbgmm_vexp_normal), with 12 multiplications and
   multiply-adds where that takes 17.  x = (16 n + j) ln 2 / 16 + r
   with |r| <= ln 2 / 32, and exp(x) = T (1 + q), where T = 2^n 2^(j/16)
   (exact: 2^(j/16) from a table of 16 by a permutation of two vectors,
   one instruction, and 2^n from the exponent bits as in
   vbgmm_vexp_normal) and q = e^r - 1 by its Taylor series to degree 7
   (truncation below 2e-18 relative), T + T q in one multiply-add.  */
__attribute__ ((target ("arch=x86-64-v4"))) static inline vbgmm_v8d
vbgmm_vexp8 (vbgmm_v8d x)
{
  const double c = 16 * 1.4426950408889634;
  const double ln2_hi = 6.93147180369123816490e-01 / 16;
  const double ln2_lo = 1.90821492927058770002e-10 / 16;
  const double shifter = 0x1.8p52 + 16 * 1023;
  /* 2^(j/16), j = 0 .. 15, each the nearest double.  */
  static const double exp2_16[16] = {
    0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0,
    0x1.2387a6e756238p+0, 0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0,
    0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0, 0x1.6a09e667f3bcdp+0,
    0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
    0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0,
    0x1.ea4afa2a490dap+0
  };
  vbgmm_v8d lo, hi;
  memcpy (&lo, exp2_16, sizeof lo);
  memcpy (&hi, exp2_16 + 8, sizeof hi);

  vbgmm_v8d t = x * c + shifter;
  vbgmm_v8d m = t - shifter;
  vbgmm_v8d r = (x - m * ln2_hi) - m * ln2_lo;
  vbgmm_v8d q = r * (1.0 / 5040) + 1.0 / 720;
  q = q * r + 1.0 / 120;
  q = q * r + 1.0 / 24;
  q = q * r + 1.0 / 6;
  q = q * r + 0.5;
  q = q * r + 1.0;
  q = q * r;
  /* The low 15 bits of t are 16 (n + 1023) + j: j picks 2^(j/16)
     (vpermt2pd takes its indices modulo 16), and n + 1023, 1 to
     1023, shifted into the exponent field makes 2^n.  */
  vbgmm_v8i ti = (vbgmm_v8i) t;
  vbgmm_v8d T = _mm512_permutex2var_pd (lo, (__m512i) ti, hi);
  vbgmm_v8u s = (vbgmm_v8u) ti >> 4 << 52;
  T *= (vbgmm_v8d) s;
  return T * q + T;
}
#endif

/* ln(x) for positive normal x, within about 1 ulp of the C library's,
   without branches (the E-step takes one per point).

   x = 2^e (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)), found from the
   bits of x; with s = f / (2 + f),
   ln(1 + f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R), R = sum_n 2 s^2n / (2n + 1),
   whose leading term f is exact (|s| <= 0.172: 11 terms of R leave less
   than 1e-18 relative); ln 2 in two parts as in vbgmm_vexp.  Integers
   only through adds and logical shifts, so that AVX2 vectorises it.  */
static inline double
vbgmm_vlog (double x)
{
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double shifter = 0x1.8p52;

  uint64_t xi;
  memcpy (&xi, &x, sizeof xi);
  /* e + 1024 = the exponent of x / sqrt(1/2), kept non-negative.  */
  uint64_t eb = (xi + (UINT64_C (0x4000000000000000)
                       - UINT64_C (0x3fe6a09e667f3bcd))) >> 52;
  uint64_t mi = xi - ((eb - 1024) << 52);
  double m;
  memcpy (&m, &mi, sizeof m);
  /* e as a double: its bits added to those of 1.5 * 2^52.  */
  uint64_t ti;
  memcpy (&ti, &shifter, sizeof ti);
  ti += eb - 1024;
  double e;
  memcpy (&e, &ti, sizeof e);
  e -= shifter;

  double f = m - 1;
  double hfsq = 0.5 * f * f;
  double sr = f / (2 + f);
  double z = sr * sr;
  double R = 2.0 / 23;
  R = R * z + 2.0 / 21;
  R = R * z + 2.0 / 19;
  R = R * z + 2.0 / 17;
  R = R * z + 2.0 / 15;
  R = R * z + 2.0 / 13;
  R = R * z + 2.0 / 11;
  R = R * z + 2.0 / 9;
  R = R * z + 2.0 / 7;
  R = R * z + 2.0 / 5;
  R = R * z + 2.0 / 3;
  R *= z;
  return e * ln2_hi - ((hfsq - (sr * (hfsq + R) + e * ln2_lo)) - f);
}

/* ln(1 + z) for z >= 0 to about an ulp, like log1p: ln of w = 1 + z,
   corrected by (z - (w - 1)) / w for the part of z that the sum lost
   (ln(w + delta) = ln w + delta / w).  Without it a z far below 1, the
   quadratic form of a point near a mean over many degrees of freedom,
   would keep only the digits of z that 1 + z holds.  */
static inline double
vbgmm_vlog1p (double z)
{
  double w = 1 + z;
  return vbgmm_vlog (w) + (z - (w - 1)) / w;
}

#endif
