/* small_stack.h -- run a check on a thread with a small stack

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

/* The library must not keep arrays of K or D numbers on the stack:
   K = 1e6 components pass the 8 MB of a main thread, and far less
   passes the stack of a thread of the caller's.  A test runs such a
   call on a thread of SMALL_STACK bytes above SMALL_STACK_GUARD bytes
   that may not be touched, where an array of 64K doubles (512 KB)
   crashes it at once (below a thread's own stack may lie any memory,
   which such an array would overwrite in silence).  */

#ifndef VBGMM_TESTS_SMALL_STACK_H
#define VBGMM_TESTS_SMALL_STACK_H

#include <pthread.h>
#include <sys/mman.h>

#define SMALL_STACK (256 * 1024)
#define SMALL_STACK_GUARD (64 * 1024 * 1024)

struct small_stack_call
{
  void (*fn) (void *);
  void *arg;
};

static void *
small_stack_run (void *p)
{
  struct small_stack_call *c = p;
  c->fn (c->arg);
  return NULL;
}

/* FN (ARG) on such a thread; -1 when it could not be made.  */
static inline int
on_small_stack (void (*fn) (void *), void *arg)
{
  struct small_stack_call c = { fn, arg };
  const size_t len = SMALL_STACK_GUARD + SMALL_STACK;
  char *base = mmap (NULL, len, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED)
    return -1;
  pthread_attr_t attr;
  pthread_t t;
  int bad = mprotect (base + SMALL_STACK_GUARD, SMALL_STACK,
                      PROT_READ | PROT_WRITE) != 0
            || pthread_attr_init (&attr) != 0;
  if (!bad)
    {
      bad = pthread_attr_setstack (&attr, base + SMALL_STACK_GUARD,
                                   SMALL_STACK) != 0
            || pthread_create (&t, &attr, small_stack_run, &c) != 0
            || pthread_join (t, NULL) != 0;
      pthread_attr_destroy (&attr);
    }
  munmap (base, len);
  return bad ? -1 : 0;
}

#endif /* VBGMM_TESTS_SMALL_STACK_H */
