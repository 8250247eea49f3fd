/* fuzz-csv.c -- libFuzzer target: the CSV reader

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

/* The first byte chooses the options: bit 0 header detection or none,
   bit 1 a --columns list, bits 2-7 the list (up to three fields of the
   first eight, in any order, repeats allowed).  The rest is the file.
   Either the reader fails with a status and a message, or every number
   it returns is finite and the shape is what the options ask.  */

#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size)
{
  if (size < 1)
    return 0;
  uint8_t mode = bytes[0];
  size_t columns[3];
  size_t n_columns = 0;
  if (mode & 2)
    {
      n_columns = 1 + (mode >> 2) % 3;
      for (size_t i = 0; i < n_columns; i++)
        columns[i] = (mode >> (2 + i)) % 8;
    }
  vbgmm_csv_options opt = { n_columns ? columns : NULL, n_columns,
                            mode & 1 ? VBGMM_CSV_HEADER_NONE
                                     : VBGMM_CSV_HEADER_AUTO, 0, 1 };
  vbgmm_data *data = NULL;
  vbgmm_error err = { 0 };
  FILE *fp = fuzz_open (bytes + 1, size - 1);
  int status = vbgmm_csv_read (fp, &opt, &data, &err);
  fclose (fp);
  if (status)
    {
      fuzz_assert (!data && err.status == status && err.message[0]);
      return 0;
    }
  fuzz_assert (data && data->n > 0 && data->d > 0);
  fuzz_assert (!n_columns || data->d == n_columns);
  fuzz_assert (!(mode & 1) || !data->names);
  for (size_t i = 0; i < data->n * data->d; i++)
    fuzz_assert (isfinite (data->x[i]));
  vbgmm_data_free (data);
  return 0;
}
