/* fuzz-npy.c -- libFuzzer target: NumPy .npy files (vbgmm_npy_read)

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

/* The reader takes a path (it maps the file), so the bytes go to a
   file of this process first.  They are read whole and as columns 2
   and 1 (-c 2,1); a refusal must come with a status and a message, and
   what is taken must be N x D finite numbers, the columns the same
   numbers as the whole.  */

#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char path[4096];

static void
remove_file (void)
{
  unlink (path);
}

static vbgmm_data *
read_npy (const size_t *columns, size_t n_columns)
{
  vbgmm_data *data = NULL;
  vbgmm_error err = { 0 };
  int status = vbgmm_npy_read (path, columns, n_columns, &data, &err);
  if (status)
    {
      fuzz_assert (!data && err.status == status && err.message[0]);
      return NULL;
    }
  fuzz_assert (data && data->n >= 1 && data->d >= 1 && data->n == data->n_total);
  for (size_t i = 0; i < data->n * data->d; i++)
    fuzz_assert (isfinite (data->x[i]));
  return data;
}

int
LLVMFuzzerTestOneInput (const uint8_t *bytes, size_t size)
{
  if (!path[0])
    {
      const char *dir = getenv ("TMPDIR");
      snprintf (path, sizeof path, "%s/fuzz-npy-XXXXXX",
                dir && *dir ? dir : "/tmp");
      int fd = mkstemp (path);
      fuzz_assert (fd >= 0);
      close (fd);
      atexit (remove_file);
    }
  FILE *fp = fopen (path, "wb");
  fuzz_assert (fp);
  fuzz_assert (fwrite (bytes, 1, size, fp) == size);
  fuzz_assert (fclose (fp) == 0);

  vbgmm_data *all = read_npy (NULL, 0);
  static const size_t cols[2] = { 1, 0 };
  vbgmm_data *two = read_npy (cols, 2);
  fuzz_assert (vbgmm_npy_magic (bytes, size) || (!all && !two));
  if (all && all->d >= 2)
    {
      fuzz_assert (two && two->n == all->n && two->d == 2);
      for (size_t i = 0; i < all->n; i++)
        fuzz_assert (two->x[i * 2] == all->x[i * all->d + 1]
                     && two->x[i * 2 + 1] == all->x[i * all->d]);
    }
  else if (all)
    fuzz_assert (!two);
  vbgmm_data_free (all);
  vbgmm_data_free (two);
  return 0;
}
