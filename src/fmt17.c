/* fmt17.c -- printf ("%.17g") for many numbers, fast

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

/* z.csv holds N x K numbers; the C library's printf takes about 400 ns
   for one "%.17g" (it works in arbitrary precision), which made writing
   z.csv cost more than the fit.  Here the 17 digits come from one
   multiplication of the 53-bit significand by a 128-bit approximation
   of a power of ten: the product is exact, the power is below the true
   one by less than 2^-127 relative, so the fraction that decides the
   rounding is known to better than 2^-64; when it is within that of
   one half (a tie, or too close to tell) the C library decides.  The
   17 digits are then made 8 at a time in the bytes of a 64-bit word,
   by multiplications that do not wait on one another, and written a
   word at a time: about 25 ns a number against 44 for one digit at a
   time by division.  */

#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt17.h"

typedef unsigned __int128 u128;

/* 10^s ~= (hi * 2^64 + lo) * 2^e2, hi with its top bit set, rounded
   down; s from POW_MIN to POW_MAX.  */
#define POW_MIN (-300)
#define POW_MAX 345
static struct power
{
  uint64_t hi, lo;
  int e2;
} powers[POW_MAX - POW_MIN + 1];
static pthread_once_t powers_once = PTHREAD_ONCE_INIT;
static int powers_ready;

/* 10^X as the nearest double, X from TEN_MIN to TEN_MAX: where a
   number stands among them gives its decimal exponent, almost always
   at the first try.  */
#define TEN_MIN (-324)
#define TEN_MAX 309
static double tens[TEN_MAX - TEN_MIN + 1];

/* Exact big integers, 32-bit limbs, least significant first.  */
#define LIMBS 48
typedef struct big
{
  uint32_t w[LIMBS];
  int n;
} big;

static int
big_bits (const big *a)
{
  if (a->n == 0)
    return 0;
  return 32 * (a->n - 1) + (32 - __builtin_clz (a->w[a->n - 1]));
}

static int
big_bit (const big *a, int i)
{
  return i >= 0 && i < 32 * a->n ? (a->w[i / 32] >> (i % 32)) & 1 : 0;
}

static void
big_mul10 (big *a)
{
  uint64_t carry = 0;
  for (int i = 0; i < a->n; i++)
    {
      uint64_t t = (uint64_t) a->w[i] * 10 + carry;
      a->w[i] = (uint32_t) t;
      carry = t >> 32;
    }
  if (carry)
    a->w[a->n++] = (uint32_t) carry;
}

static int
big_cmp (const big *a, const big *b)
{
  if (a->n != b->n)
    return a->n < b->n ? -1 : 1;
  for (int i = a->n - 1; i >= 0; i--)
    if (a->w[i] != b->w[i])
      return a->w[i] < b->w[i] ? -1 : 1;
  return 0;
}

static void
big_sub (big *a, const big *b)
{
  int64_t borrow = 0;
  for (int i = 0; i < a->n; i++)
    {
      int64_t t = (int64_t) a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
      borrow = t < 0;
      a->w[i] = (uint32_t) (t + (borrow ? ((int64_t) 1 << 32) : 0));
    }
  while (a->n > 0 && a->w[a->n - 1] == 0)
    a->n--;
}

static void
big_shl1 (big *a)
{
  uint32_t carry = 0;
  for (int i = 0; i < a->n; i++)
    {
      uint32_t t = a->w[i] >> 31;
      a->w[i] = (a->w[i] << 1) | carry;
      carry = t;
    }
  if (carry)
    a->w[a->n++] = carry;
}

static void
set_power (int s, u128 t, int e2)
{
  powers[s - POW_MIN].hi = (uint64_t) (t >> 64);
  powers[s - POW_MIN].lo = (uint64_t) t;
  powers[s - POW_MIN].e2 = e2;
}

static void
init_powers (void)
{
  big p = { { 1 }, 1 };
  for (int s = 0; s <= (POW_MAX > -POW_MIN ? POW_MAX : -POW_MIN); s++)
    {
      int L = big_bits (&p);
      if (s <= POW_MAX)
        {
          /* The top 128 bits of 10^s.  */
          u128 t = 0;
          for (int i = 0; i < 128; i++)
            t = (t << 1) | (u128) big_bit (&p, L - 1 - i);
          set_power (s, t, L - 128);
        }
      if (s > 0 && -s >= POW_MIN)
        {
          /* floor (2^(L+127) / 10^s), 128 bits, by long division.  */
          big r = { { 0 }, 0 };
          u128 q = 0;
          r.w[L / 32] = 1u << (L % 32);
          r.n = L / 32 + 1;
          for (int i = 0; i < 128; i++)
            {
              if (i > 0)
                big_shl1 (&r);
              int bit = big_cmp (&r, &p) >= 0;
              if (bit)
                big_sub (&r, &p);
              q = (q << 1) | (u128) bit;
            }
          set_power (-s, q, -(L + 127));
        }
      big_mul10 (&p);
    }
  for (int x = TEN_MIN; x <= TEN_MAX; x++)
    {
      char t[8];
      snprintf (t, sizeof t, "1e%d", x);
      tens[x - TEN_MIN] = strtod (t, NULL);
    }
  __atomic_store_n (&powers_ready, 1, __ATOMIC_RELEASE);
}

/* The 8 decimal digits of X < 10^8, the first in the lowest byte,
   each as a number from 0 to 9: X in two halves of 4 digits, 32 bits
   each, then each half in two of 2 digits, 16 bits each, then each of
   those in two digits, 8 bits each; the quotients by 100 and by 10 are
   multiplications, exact in those ranges (x < 10^4: x * 10486 >> 20;
   x < 100: x * 103 >> 10), that do not carry from one field into the
   next.  */
static uint64_t
digits8 (uint32_t x)
{
  uint64_t v = (x / 10000) | ((uint64_t) (x % 10000) << 32);
  uint64_t q = ((v * 10486) >> 20) & UINT64_C (0x0000007F0000007F);
  v = q | ((v - q * 100) << 16);
  q = ((v * 103) >> 10) & UINT64_C (0x000F000F000F000F);
  return q | ((v - q * 10) << 8);
}

static const uint64_t pow10_u64[] = {
  1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
  10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
  100000000000ULL, 1000000000000ULL, 10000000000000ULL,
  100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
  100000000000000000ULL
};

/* The 17 significant digits of A = m 2^e2 scaled by 10^s, rounded to
   nearest, in OUT, and its integer part in WHOLE: 0 on success, -1
   when the rounding is too close to call.  */
static int
digits17 (uint64_t m, int e2, int s, uint64_t *out, uint64_t *whole)
{
  const struct power *p = powers + (s - POW_MIN);
  u128 lo = (u128) m * p->lo, hi = (u128) m * p->hi;
  /* The 192-bit product w2:w1:w0.  */
  uint64_t w0 = (uint64_t) lo;
  u128 mid = (lo >> 64) + (uint64_t) hi;
  uint64_t w1 = (uint64_t) mid;
  uint64_t w2 = (uint64_t) (hi >> 64) + (uint64_t) (mid >> 64);
  int shift = -(e2 + p->e2);  /* the product times 2^-shift */
  if (shift <= 64 || shift >= 192)
    return -1;
  uint64_t ip, frac;
  if (shift < 128)
    {
      int k = shift - 64;
      ip = k ? (w2 << (64 - k)) | (w1 >> k) : w1;
      if (k && (w2 >> k) != 0)
        return -1;
      frac = k ? (w1 << (64 - k)) | (w0 >> k) : w0;
    }
  else
    {
      int k = shift - 128;
      ip = k ? w2 >> k : w2;
      frac = k ? (w2 << (64 - k)) | (w1 >> k) : w1;
    }
  const uint64_t half = (uint64_t) 1 << 63;
  if (frac - (half - 2) <= 4)
    return -1;
  *out = ip + (frac > half);
  *whole = ip;
  return 0;
}

/* The C library's text, with its radix character made a point whatever
   the locale.  */
static size_t
fallback (double v, char *buf)
{
  int n = snprintf (buf, 25, "%.17g", v);
  for (int i = 0; i < n; i++)
    if (buf[i] != '-' && buf[i] != '+' && buf[i] != 'e'
        && (buf[i] < '0' || buf[i] > '9') && buf[i] != 'i' && buf[i] != 'n'
        && buf[i] != 'f' && buf[i] != 'a')
      buf[i] = '.';
  return (size_t) n;
}

size_t
vbgmm_fmt17 (double v, char *buf)
{
  uint64_t bits;
  memcpy (&bits, &v, sizeof bits);
  int neg = bits >> 63;
  int ef = (bits >> 52) & 0x7ff;
  uint64_t m = bits & (((uint64_t) 1 << 52) - 1);
  char *o = buf;

  if (ef == 0x7ff)
    return fallback (v, buf);
  if (neg)
    *o++ = '-';
  if (ef == 0 && m == 0)
    {
      *o++ = '0';
      return (size_t) (o - buf);
    }
  if (!__atomic_load_n (&powers_ready, __ATOMIC_ACQUIRE))
    pthread_once (&powers_once, init_powers);
  int e2 = ef ? ef - 1075 : -1074;
  if (ef)
    m |= (uint64_t) 1 << 52;

  /* X, the decimal exponent: floor (log10 (a)).  From the binary
     exponent lb, X is floor (lb log10(2)) (78913 / 2^18 is log10(2)
     close enough for |lb| < 1100) or one more, as a reaches 10^(X+1);
     the digits below correct what the rounding of 10^(X+1) to a double
     gets wrong.  */
  int lb = 63 - __builtin_clzll (m) + e2;
  int X = lb >= 0 ? (lb * 78913) >> 18 : -((-lb * 78913 + 262143) >> 18);
  if (X + 1 <= TEN_MAX && fabs (v) >= tens[X + 1 - TEN_MIN])
    X++;
  uint64_t D = 0, whole = 0;
  for (int attempt = 0; ; attempt++)
    {
      int s = 16 - X;
      if (attempt == 3 || s < POW_MIN || s > POW_MAX
          || digits17 (m, e2, s, &D, &whole))
        return fallback (v, buf);
      /* By the integer part, not the rounded digits: 9999999999999999.7
         is 17 digits of the decade below, not 10^16.  */
      if (whole < pow10_u64[16])
        X--;
      else if (whole >= pow10_u64[17])
        X++;
      else
        break;
    }
  if (D == pow10_u64[17])
    {
      /* 99999999999999999.5 rounded up.  */
      D = pow10_u64[16];
      X++;
    }

  /* The first digit, then two words of 8 digits as text; the digits
     kept are up to the last that is not 0.  */
  uint64_t top = D / 100000000;
  char first = (char) ('0' + top / 100000000);
  uint64_t d1 = digits8 ((uint32_t) (top % 100000000));
  uint64_t d2 = digits8 ((uint32_t) (D % 100000000));
  int nd = d2 ? 17 - __builtin_clzll (d2) / 8
           : d1 ? 9 - __builtin_clzll (d1) / 8 : 1;
  const uint64_t zeros = UINT64_C (0x3030303030303030);
  d1 += zeros;
  d2 += zeros;
#if defined __BYTE_ORDER__ && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  d1 = __builtin_bswap64 (d1);
  d2 = __builtin_bswap64 (d2);
#endif

  if (X < -4 || X >= 17)
    {
      /* At most 1 + 1 + 1 + 16 + 5 bytes in all: the 16 digits are
         written whole and the exponent over those not kept.  */
      o[0] = first;
      o[1] = '.';
      memcpy (o + 2, &d1, 8);
      memcpy (o + 10, &d2, 8);
      o += nd > 1 ? nd + 1 : 1;
      *o++ = 'e';
      *o++ = X < 0 ? '-' : '+';
      int ax = X < 0 ? -X : X;
      if (ax >= 100)
        *o++ = (char) ('0' + ax / 100);
      *o++ = (char) ('0' + ax / 10 % 10);
      *o++ = (char) ('0' + ax % 10);
    }
  else if (X >= 0)
    {
      char dig[17];
      dig[0] = first;
      memcpy (dig + 1, &d1, 8);
      memcpy (dig + 9, &d2, 8);
      memcpy (o, dig, X + 1);
      o += X + 1;
      if (nd > X + 1)
        {
          *o++ = '.';
          memcpy (o, dig + X + 1, nd - X - 1);
          o += nd - X - 1;
        }
    }
  else
    {
      /* At most 1 + 2 + 3 + 17 bytes.  */
      memcpy (o, "0.000", 5);
      o += 1 - X;
      o[0] = first;
      memcpy (o + 1, &d1, 8);
      memcpy (o + 9, &d2, 8);
      o += nd;
    }
  return (size_t) (o - buf);
}
