/* check.h -- the reporter of the unit tests that count their own checks

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

/* A test program includes this once: check () counts every check and
   prints "FAIL: " and the message of each one that fails; the last
   line, from check_summary (), reads "NAME: P of N checks passed", and
   its value is the exit status (1 when a check failed).  */

#ifndef VBGMM_TESTS_CHECK_H
#define VBGMM_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int n_checks, n_failed;

#if defined __GNUC__
__attribute__ ((format (printf, 2, 3)))
#endif
static inline void
check (int ok, const char *fmt, ...)
{
  n_checks++;
  if (ok)
    return;
  n_failed++;
  va_list ap;
  va_start (ap, fmt);
  fputs ("FAIL: ", stdout);
  vprintf (fmt, ap);
  putchar ('\n');
  va_end (ap);
}

static inline int
check_summary (const char *name)
{
  printf ("%s: %d of %d checks passed\n", name, n_checks - n_failed,
          n_checks);
  return n_failed ? 1 : 0;
}

#endif /* VBGMM_TESTS_CHECK_H */
