/* failinject.c -- make the n-th call of a function fail, for the tests

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

/* Preloaded (LD_PRELOAD) by tests/failinject.test.  FAILINJECT_CALL
   names one of malloc, calloc, realloc, aligned_alloc, fopen, write,
   fwrite, fclose, fsync, rename; its FAILINJECT_N-th call (from 1)
   fails as that function fails (NULL or -1 with errno, a short fwrite,
   a fclose that closes but reports a write error).  FAILINJECT_N = 0
   fails nothing and only counts.  FAILINJECT_REPORT names a file that
   receives the count at exit.

   Only calls made by vbgmm's own code and by the libraries it calls
   for its work (GSL, libcsv) count: those whose caller lies in a file
   whose name contains one of the comma-separated FAILINJECT_FROM
   (default "vbgmm,libgsl,libcsv").  The C library's and the OpenMP
   runtime's own calls are left alone: their failures are theirs.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int which = -1;   /* index in names[], or -1: none */
static long target;      /* the call that fails; 0: none */
static long count;       /* calls of it so far, from the code watched */
static int ready;

static const char *const names[] = { "malloc", "calloc", "realloc",
                                     "aligned_alloc", "fopen", "write",
                                     "fwrite", "fclose", "fsync", "rename" };
enum { MALLOC, CALLOC, REALLOC, ALIGNED_ALLOC, FOPEN, WRITE, FWRITE, FCLOSE,
       FSYNC, RENAME };

static char from[256] = "vbgmm,libgsl,libcsv";

__attribute__ ((constructor)) static void
setup (void)
{
  const char *call = getenv ("FAILINJECT_CALL");
  const char *n = getenv ("FAILINJECT_N");
  const char *f = getenv ("FAILINJECT_FROM");
  if (f)
    snprintf (from, sizeof from, "%s", f);
  for (size_t i = 0; call && i < sizeof names / sizeof *names; i++)
    if (strcmp (call, names[i]) == 0)
      which = (int) i;
  target = n ? atol (n) : 0;
  ready = 1;
}

__attribute__ ((destructor)) static void
report (void)
{
  const char *name = getenv ("FAILINJECT_REPORT");
  if (!name)
    return;
  ready = 0;
  FILE *fp = fopen (name, "w");
  if (fp)
    {
      fprintf (fp, "%ld\n", count);
      fclose (fp);
    }
}

/* Whether CALLER lies in a file that FAILINJECT_FROM names.  */
static int
watched (const void *caller)
{
  Dl_info info;
  if (!dladdr (caller, &info) || !info.dli_fname)
    return 0;
  const char *base = strrchr (info.dli_fname, '/');
  base = base ? base + 1 : info.dli_fname;
  char list[256];
  memcpy (list, from, sizeof list);
  char *save = NULL;
  for (char *w = strtok_r (list, ",", &save); w;
       w = strtok_r (NULL, ",", &save))
    if (*w && strstr (base, w))
      return 1;
  return 0;
}

/* Whether this call of function I, made from CALLER, is to fail.  */
static int
fails (int i, const void *caller)
{
  if (!ready || i != which || !watched (caller))
    return 0;
  return ++count == target;
}

/* The real function NAME, as NEXT.  */
#define NEXT(name) \
  static __typeof__ (name) *next; \
  if (!next) \
    next = (__typeof__ (name) *) dlsym (RTLD_NEXT, #name)

/* dlsym may itself call calloc: that first call is served from here.  */
static char early[4096];
static size_t early_used;

void *
malloc (size_t size)
{
  NEXT (malloc);
  if (fails (MALLOC, __builtin_return_address (0)))
    {
      errno = ENOMEM;
      return NULL;
    }
  return next (size);
}

void *
calloc (size_t n, size_t size)
{
  static void *(*next) (size_t, size_t);
  static int looking;
  if (!next)
    {
      if (looking)
        {
          size_t want = (n * size + 15) & ~(size_t) 15;
          if (early_used + want > sizeof early)
            return NULL;
          void *p = early + early_used;
          early_used += want;
          return p;
        }
      looking = 1;
      next = (void *(*) (size_t, size_t)) dlsym (RTLD_NEXT, "calloc");
      looking = 0;
    }
  if (fails (CALLOC, __builtin_return_address (0)))
    {
      errno = ENOMEM;
      return NULL;
    }
  return next (n, size);
}

void *
realloc (void *p, size_t size)
{
  NEXT (realloc);
  if (fails (REALLOC, __builtin_return_address (0)))
    {
      errno = ENOMEM;
      return NULL;
    }
  return next (p, size);
}

void
free (void *p)
{
  NEXT (free);
  if ((char *) p >= early && (char *) p < early + sizeof early)
    return;
  next (p);
}

void *
aligned_alloc (size_t alignment, size_t size)
{
  NEXT (aligned_alloc);
  if (fails (ALIGNED_ALLOC, __builtin_return_address (0)))
    {
      errno = ENOMEM;
      return NULL;
    }
  return next (alignment, size);
}

FILE *
fopen (const char *name, const char *mode)
{
  NEXT (fopen);
  if (fails (FOPEN, __builtin_return_address (0)))
    {
      errno = EIO;
      return NULL;
    }
  return next (name, mode);
}

ssize_t
write (int fd, const void *buf, size_t n)
{
  NEXT (write);
  if (fails (WRITE, __builtin_return_address (0)))
    {
      errno = EIO;
      return -1;
    }
  return next (fd, buf, n);
}

size_t
fwrite (const void *buf, size_t size, size_t n, FILE *fp)
{
  NEXT (fwrite);
  if (fails (FWRITE, __builtin_return_address (0)))
    {
      /* As a real failure, it sets the stream's error indicator (the
         compiler turns fputs of a constant into fwrite, and the caller
         may look only at ferror).  */
#ifdef _IO_ERR_SEEN
      fp->_flags |= _IO_ERR_SEEN;
#endif
      errno = ENOSPC;
      return 0;
    }
  return next (buf, size, n, fp);
}

int
fclose (FILE *fp)
{
  NEXT (fclose);
  int failing = fails (FCLOSE, __builtin_return_address (0));
  int status = next (fp);
  if (failing)
    {
      errno = EIO;
      return EOF;
    }
  return status;
}

int
fsync (int fd)
{
  NEXT (fsync);
  if (fails (FSYNC, __builtin_return_address (0)))
    {
      errno = EIO;
      return -1;
    }
  return next (fd);
}

int
rename (const char *a, const char *b)
{
  NEXT (rename);
  if (fails (RENAME, __builtin_return_address (0)))
    {
      errno = EIO;
      return -1;
    }
  return next (a, b);
}
