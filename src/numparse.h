/* numparse.h -- a field of text as a double, fast

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

#ifndef VBGMM_NUMPARSE_H
#define VBGMM_NUMPARSE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 and *VALUE when S[0..LEN) is wholly a finite decimal number that
   fast_float reads (the common case: digits, a point, an exponent),
   rounded correctly as strtod rounds it; 0 otherwise, *VALUE untouched,
   and strtod must decide (signs '+', hexadecimal, inf, nan, overflow).  */
int vbgmm_number_fast (const char *s, size_t len, double *value);

#ifdef __cplusplus
}
#endif

#endif
