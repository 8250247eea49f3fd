/* data.c -- the data set: N points in D dimensions

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

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "vbgmm.h"

vbgmm_data *
vbgmm_data_alloc (size_t n, size_t d)
{
  vbgmm_data *data = calloc (1, sizeof *data);
  if (data == NULL)
    return NULL;
  data->n = n;
  data->d = d;
  data->n_total = n;
  if (n > 0 && d > 0)
    {
      /* calloc checks n * d for overflow, but not n * d * 8.  */
      if (n > SIZE_MAX / sizeof (double) / d)
        {
          free (data);
          return NULL;
        }
      data->x = calloc (n * d, sizeof (double));
      if (data->x == NULL)
        {
          free (data);
          return NULL;
        }
    }
  return data;
}

/* Accepts NULL and a half-built struct (names or some names[i] NULL),
   so every error path can call it.  */
void
vbgmm_data_free (vbgmm_data *data)
{
  if (data == NULL)
    return;
  if (data->names != NULL)
    {
      for (size_t j = 0; j < data->d; j++)
        free (data->names[j]);
      free (data->names);
    }
  if (data->map != NULL)
    munmap (data->map, data->map_len);
  else
    free (data->x);
  free (data);
}
