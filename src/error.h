/* error.h -- how the library reports an error

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

#ifndef VBGMM_ERROR_H
#define VBGMM_ERROR_H

#include <stddef.h>

#include "vbgmm.h"

/* Fill ERR (when not NULL) with STATUS, line 0 and the formatted
   message, and return STATUS.  */
int vbgmm_fail (vbgmm_error *err, int status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Copy SRC into DST (SIZE > 0 bytes, always terminated; cut short
   where it does not fit, never inside a character or an escape) with
   each byte that a terminal would not show as a visible character of
   one line written as \xHH: control characters but the tab, bytes
   that are not UTF-8, and the characters of UTF-8 that are controls,
   invisible or break or reorder the line (U+0080-U+009F, U+200B-U+200F,
   U+2028-U+202E, U+2060-U+206F, U+FEFF).  A message that quotes
   the bytes of a file is thus one printable line.  */
void vbgmm_text_printable (char *dst, size_t size, const char *src);

#endif
