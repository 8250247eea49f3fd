/* pages.c -- memory of which only a few pages may ever be written

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

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#if HAVE_SYS_MMAN_H
# include <sys/mman.h>
#endif

#include "pages.h"

/* Below a huge page there is nothing to decline.  */
#define HUGE_PAGE ((size_t) 2 << 20)

void *
vbgmm_calloc_pages (size_t n, size_t size)
{
  void *p = calloc (n, size);
#if HAVE_MADVISE && defined MADV_NOHUGEPAGE
  /* calloc checked that N * SIZE does not wrap.  The advice covers the
     whole pages inside the block; it only informs the kernel, and
     where it is refused the block is the same zeros.  */
  long page = sysconf (_SC_PAGESIZE);
  if (p && page > 0 && n * size >= HUGE_PAGE)
    {
      uintptr_t a = (uintptr_t) p, e = a + n * size;
      uintptr_t a0 = (a + page - 1) / page * page, e0 = e / page * page;
      if (a0 < e0)
        (void) madvise ((void *) a0, e0 - a0, MADV_NOHUGEPAGE);
    }
#endif
  return p;
}
