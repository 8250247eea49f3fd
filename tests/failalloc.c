/* failalloc.c -- make large aligned_alloc calls fail, for the MPI test

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

/* Preloaded into one rank of vbgmm-mpi by tests/mpi.test: every
   aligned_alloc of FAILALLOC_MIN bytes or more returns NULL, as when
   that rank alone runs out of memory in the middle of a fit (the pass
   takes its sums' memory so).  Other allocations are untouched.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

void *
aligned_alloc (size_t alignment, size_t size)
{
  static void *(*next) (size_t, size_t);
  const char *min = getenv ("FAILALLOC_MIN");
  if (min && size >= strtoull (min, NULL, 10))
    {
      errno = ENOMEM;
      return NULL;
    }
  if (!next)
    next = (void *(*) (size_t, size_t)) dlsym (RTLD_NEXT, "aligned_alloc");
  return next (alignment, size);
}
