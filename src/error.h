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

#include "vbgmm.h"

/* Fill ERR (when not NULL) with STATUS, line 0 and the formatted
   message, and return STATUS.  */
int vbgmm_fail (vbgmm_error *err, int status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

#endif
