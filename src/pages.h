/* pages.h -- memory of which only a few pages may ever be written

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

#ifndef VBGMM_PAGES_H
#define VBGMM_PAGES_H

#include <stddef.h>

/* calloc (N, SIZE), for D x D matrices that may hold only their
   diagonals (W0 and W of the diag and spherical forms, the factors of
   their predictive densities): a page that is never written takes no
   memory, so the diagonal of D = 3000 takes a page a row, 12 MB, not
   72.  Where the kernel gives memory in huge pages of 2 MB on the
   first write to any of their bytes (Linux's transparent huge pages
   set to "always"), the block is asked to take small pages instead.
   Freed with free.  */
void *vbgmm_calloc_pages (size_t n, size_t size);

#endif /* VBGMM_PAGES_H */
