/* fuzz.h -- what the libFuzzer targets share

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

#ifndef VBGMM_FUZZ_H
#define VBGMM_FUZZ_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vbgmm.h"

int LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size);

/* A broken promise of the library is a crash, for the fuzzer to keep.  */
#define fuzz_assert(cond)                                               \
  do                                                                    \
    if (!(cond))                                                        \
      {                                                                 \
        fprintf (stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
        abort ();                                                       \
      }                                                                 \
  while (0)

/* BYTES as a stream (fmemopen reads them in place).  */
static inline FILE *
fuzz_open (const uint8_t *bytes, size_t size)
{
  static char empty;
  FILE *fp = size ? fmemopen ((void *) bytes, size, "r")
                  : fmemopen (&empty, 1, "r");
  if (fp && !size)
    fgetc (fp);
  fuzz_assert (fp);
  return fp;
}

/* Read BYTES as the program reads a file (header detection, every
   field).  Returns NULL when the reader refuses them.  */
static inline vbgmm_data *
fuzz_read (const uint8_t *bytes, size_t size)
{
  vbgmm_csv_options opt = { NULL, 0, VBGMM_CSV_HEADER_AUTO, 0, 1 };
  vbgmm_data *data = NULL;
  vbgmm_error err = { 0 };
  FILE *fp = fuzz_open (bytes, size);
  int status = vbgmm_csv_read (fp, &opt, &data, &err);
  fclose (fp);
  fuzz_assert (!status == !!data);
  return data;
}

#endif
