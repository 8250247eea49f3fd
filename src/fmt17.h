/* fmt17.h -- printf ("%.17g") for many numbers, fast

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

#ifndef VBGMM_FMT17_H
#define VBGMM_FMT17_H

#include <stddef.h>

/* Write V as printf ("%.17g", V) in the C locale does, into BUF (at
   least 25 bytes), without the terminating NUL; return the length.
   Bytes of BUF past the length, within those 25, may be written too.
   The text is the C library's to the byte: 17 significant digits
   rounded to nearest (ties to even), so it reads back as V exactly.  */
size_t vbgmm_fmt17 (double v, char *buf);

#endif
