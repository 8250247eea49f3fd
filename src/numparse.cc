/* numparse.cc -- a field of text as a double, by fast_float

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

/* glibc's strtod is half the time of reading a CSV file; fast_float
   (Lemire's from_chars, Debian libfast-float-dev) gives the same
   correctly rounded double several times faster.  */

#include <config.h>

#include <cmath>
#include <system_error>

#include <fast_float/fast_float.h>

#include "numparse.h"

int
vbgmm_number_fast (const char *s, size_t len, double *value)
{
  double v;
  fast_float::from_chars_result r = fast_float::from_chars (s, s + len, v);
  if (r.ec != std::errc () || r.ptr != s + len || !std::isfinite (v))
    return 0;
  *value = v;
  return 1;
}
