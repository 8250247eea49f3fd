/* atomic.h -- output files that appear whole or not at all

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

#ifndef VBGMM_ATOMIC_H
#define VBGMM_ATOMIC_H

#include <stdio.h>

/* A set of output files written under temporary names in one folder
   and renamed into place together, only when all were written.  Each
   file is flushed to the disk (fsync) before the renames, and its
   folder after them, so that after a power cut the final names hold
   either the old contents or the whole new ones.

   Every temporary name of every set is also kept in one list that a
   signal handler can read: after atomic_signals_install, SIGINT,
   SIGTERM, SIGHUP and SIGPIPE remove every temporary file and end the
   program with status 128 + the signal's number.  A signal that comes
   while a set is being renamed into place waits until the last rename,
   so that the outputs are all old or all new.  */
typedef struct atomic_file
{
  char *final;  /* the name it gets */
  char *temp;   /* the name it is written under */
  FILE *fp;
} atomic_file;

typedef struct atomic_set
{
  atomic_file *files;
  size_t n;
} atomic_set;

/* Catch SIGINT, SIGTERM, SIGHUP and SIGPIPE as above, but those that
   are ignored already (nohup) stay ignored.  Returns 0, or -1 with
   errno set.  */
int atomic_signals_install (void);

/* Create the folder DIR and its parents where missing, for the
   outputs, once in a run.  Those it created are kept in a list that the
   signal handler reads too: a signal removes them, as it does the
   temporary files, when they are empty.  Returns 0, or -1 with errno
   set and none of them left.  */
int atomic_make_dirs (const char *dir);
/* Remove the folders atomic_make_dirs created that are empty: after an
   error, so that a failed run leaves no folder either.  */
void atomic_remove_dirs (void);

/* Open DIR/NAME for writing under a temporary name.  Returns NULL and
   sets errno on failure.  */
FILE *atomic_open (atomic_set *set, const char *dir, const char *name);
/* Reserve DIR/NAME for a writer that opens files by name: the
   temporary file is created empty and its name returned (owned by SET).
   Returns NULL and sets errno on failure.  */
const char *atomic_reserve (atomic_set *set, const char *dir, const char *name);
/* Close every file, flush each to the disk, rename each into place and
   flush the folder.  Returns 0, or -1 with errno set and *FAILED naming
   the file (a failure before the renames renames nothing; one in the
   flush of the folder comes after them).  */
int atomic_commit (atomic_set *set, const char **failed);
/* Remove the temporary files that are left, and free SET.  */
void atomic_abort (atomic_set *set);

#endif
