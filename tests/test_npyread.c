/* test_npyread.c -- unit tests of vbgmm_npy_read

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

/* The files are written here, byte by byte, from the format's
   description (numpy.lib.format), not by the library.  */

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vbgmm.h"
#include "check.h"

static char path[] = "test_npyread.tmp.npy";

/* Write a .npy file: VERSION 1 or 2, the header dict DICT padded to a
   multiple of 64, then the LEN bytes of DATA.  */
static void
write_npy (int version, const char *dict, const void *data, size_t len)
{
  FILE *fp = fopen (path, "wb");
  if (!fp)
    {
      perror (path);
      exit (1);
    }
  size_t pre = version == 1 ? 10 : 12, n = strlen (dict);
  size_t hlen = (pre + n + 1 + 63) / 64 * 64 - pre;
  fwrite ("\x93NUMPY", 1, 6, fp);
  fputc (version, fp);
  fputc (0, fp);
  for (size_t i = 0; i < pre - 8; i++)
    fputc ((int) (hlen >> (8 * i)) & 0xff, fp);
  fputs (dict, fp);
  for (size_t i = n; i + 1 < hlen; i++)
    fputc (' ', fp);
  fputc ('\n', fp);
  fwrite (data, 1, len, fp);
  fclose (fp);
}

/* V (N values) as bytes of SIZE 4 or 8, little- or big-endian.  */
static unsigned char *
encode (const double *v, size_t n, int size, int big)
{
  unsigned char *b = malloc (n * size);
  for (size_t i = 0; i < n; i++)
    {
      unsigned char t[8];
      if (size == 8)
        memcpy (t, &v[i], 8);
      else
        {
          float f = (float) v[i];
          memcpy (t, &f, 4);
        }
      for (int j = 0; j < size; j++)
        b[i * size + j] = t[big ? size - 1 - j : j];
    }
  return b;
}

static void
test_read (void)
{
  enum { N = 37, D = 3 };
  double v[N * D];
  for (size_t i = 0; i < N * D; i++)
    v[i] = (i % 2 ? -1 : 1) * (i * 0.37 + 1e-3 * i * i) * pow (10, (int) (i % 7) - 3);
  const size_t cols[] = { 2, 0 };
  for (int size = 4; size <= 8; size += 4)
    for (int big = 0; big < 2; big++)
      for (int version = 1; version <= 2; version++)
        for (int dims = 1; dims <= 2; dims++)
          for (int pick = 0; pick < 2; pick++)
            {
              size_t d = dims == 1 ? 1 : D, n = dims == 1 ? N * D : N;
              if (pick && dims == 1)
                continue;
              char dict[128];
              char shape[32];
              if (dims == 1)
                snprintf (shape, sizeof shape, "(%zu,)", n);
              else
                snprintf (shape, sizeof shape, "(%zu, %zu)", n, d);
              snprintf (dict, sizeof dict, "{'descr': '%cf%d', "
                        "'fortran_order': False, 'shape': %s, }",
                        big ? '>' : '<', size, shape);
              unsigned char *b = encode (v, N * D, size, big);
              write_npy (version, dict, b, N * D * size);
              free (b);
              vbgmm_data *data = NULL;
              vbgmm_error err;
              int st = vbgmm_npy_read (path, pick ? cols : NULL, pick ? 2 : 0,
                                       &data, &err);
              size_t dk = pick ? 2 : d;
              check (st == VBGMM_SUCCESS && data && data->n == n
                     && data->d == dk, "%s v%d: status %d (%s)", dict,
                     version, st, st ? err.message : "");
              size_t bad = 0;
              for (size_t i = 0; st == 0 && i < n; i++)
                for (size_t j = 0; j < dk; j++)
                  {
                    double w = v[i * d + (pick ? cols[j] : j)];
                    if (size == 4)
                      w = (float) w;
                    bad += data->x[i * dk + j] != w;
                  }
              check (bad == 0, "%s v%d pick %d: %zu values differ", dict,
                     version, pick, bad);
              vbgmm_data_free (data);
            }
}

static void
expect (const char *what, int version, const char *dict, size_t len,
        const char *message)
{
  double v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  write_npy (version, dict, v, len);
  vbgmm_data *data = NULL;
  vbgmm_error err;
  int st = vbgmm_npy_read (path, NULL, 0, &data, &err);
  check (st == VBGMM_EDATA && data == NULL
         && strcmp (err.message, message) == 0,
         "%s: status %d, '%s', expected '%s'", what, st, err.message,
         message);
}

static void
expect_bytes (const char *what, const char *bytes, size_t len,
              const char *message)
{
  FILE *fp = fopen (path, "wb");
  fwrite (bytes, 1, len, fp);
  fclose (fp);
  vbgmm_data *data = NULL;
  vbgmm_error err;
  int st = vbgmm_npy_read (path, NULL, 0, &data, &err);
  check (st == VBGMM_EDATA && data == NULL
         && strcmp (err.message, message) == 0,
         "%s: status %d, '%s', expected '%s'", what, st, err.message,
         message);
}

static void
test_errors (void)
{
  expect ("Fortran order", 1, "{'descr': '<f8', 'fortran_order': True, "
          "'shape': (4, 2), }", 64, "array in Fortran order: save it in C "
          "order (numpy.ascontiguousarray)");
  expect ("truncated", 1, "{'descr': '<f8', 'fortran_order': False, "
          "'shape': (4, 3), }", 64, "truncated: 4 x 3 numbers of 8 bytes "
          "need 96 bytes of data, found 64");
  expect ("integers", 1, "{'descr': '<i8', 'fortran_order': False, "
          "'shape': (4, 2), }", 64, "array of type '<i8': expected float64 "
          "('<f8') or float32 ('<f4')");
  expect ("3-D", 1, "{'descr': '<f8', 'fortran_order': False, "
          "'shape': (2, 2, 2), }", 64, "array of more than 2 dimensions: "
          "expected N points of D numbers");
  expect ("scalar", 1, "{'descr': '<f8', 'fortran_order': False, "
          "'shape': (), }", 8, "a single number, not an array of points");
  expect ("no rows", 1, "{'descr': '<f8', 'fortran_order': False, "
          "'shape': (0, 2), }", 0, "no data");
  expect ("huge shape", 1, "{'descr': '<f8', 'fortran_order': False, "
          "'shape': (4611686018427387904, 4), }", 64,
          "header: shape too large");
  double nan_row[2] = { 1, NAN };
  write_npy (1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }",
             nan_row, 16);
  vbgmm_data *data = NULL;
  vbgmm_error err;
  int st = vbgmm_npy_read (path, NULL, 0, &data, &err);
  check (st == VBGMM_EDATA
         && strcmp (err.message, "row 1, column 2: not a finite number (nan)")
            == 0, "NaN: %d '%s'", st, err.message);
  expect_bytes ("wrong magic", "\x93NUMPZ\x01\x00\x10\x00{}", 12,
                "not a NumPy file (no \\x93NUMPY magic)");
  expect_bytes ("huge header length", "\x93NUMPY\x02\x00\xff\xff\xff\x7f{}",
                14, "header length 2147483647 exceeds the file (14 bytes)");
  expect_bytes ("header cut short", "\x93NUMPY\x01", 7, "truncated header");
  expect_bytes ("version 9", "\x93NUMPY\x09\x00\x02\x00{}", 12,
                "format version 9.0: expected 1.0 to 3.0");
}

int
main (void)
{
  test_read ();
  test_errors ();
  remove (path);
  return check_summary ("test_npyread");
}
