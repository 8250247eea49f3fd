/* atomic.c -- output files that appear whole or not at all

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

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"

static char *
join (const char *dir, const char *prefix, const char *name, const char *suffix)
{
  size_t n = strlen (dir) + strlen (prefix) + strlen (name) + strlen (suffix) + 2;
  char *s = malloc (n);
  if (s)
    snprintf (s, n, "%s/%s%s%s", dir, prefix, name, suffix);
  return s;
}

FILE *
atomic_open (atomic_set *set, const char *dir, const char *name)
{
  atomic_file *f = realloc (set->files, (set->n + 1) * sizeof *f);
  if (!f)
    return NULL;
  set->files = f;
  f += set->n;
  memset (f, 0, sizeof *f);
  f->final = join (dir, "", name, "");
  f->temp = join (dir, ".", name, ".XXXXXX");
  if (!f->final || !f->temp)
    goto fail;
  int fd = mkstemp (f->temp);
  if (fd < 0)
    goto fail;
  set->n++;
  /* mkstemp makes the file private; give it the mode of any new file.  */
  mode_t mask = umask (0);
  umask (mask);
  fchmod (fd, 0666 & ~mask);
  f->fp = fdopen (fd, "w");
  if (!f->fp)
    {
      int e = errno;
      close (fd);
      errno = e;
      return NULL;
    }
  return f->fp;

fail:
  {
    int e = errno;
    free (f->final);
    free (f->temp);
    f->final = f->temp = NULL;
    errno = e;
  }
  return NULL;
}

const char *
atomic_reserve (atomic_set *set, const char *dir, const char *name)
{
  FILE *fp = atomic_open (set, dir, name);
  if (!fp)
    return NULL;
  atomic_file *f = set->files + set->n - 1;
  f->fp = NULL;
  if (fclose (fp) != 0)
    return NULL;
  return f->temp;
}

int
atomic_commit (atomic_set *set, const char **failed)
{
  for (size_t i = 0; i < set->n; i++)
    {
      atomic_file *f = set->files + i;
      if (!f->fp)
        continue;
      int bad = ferror (f->fp);
      int e = bad ? EIO : 0;
      if (fflush (f->fp) != 0)
        bad = 1, e = errno;
      if (fclose (f->fp) != 0 && !bad)
        bad = 1, e = errno;
      f->fp = NULL;
      if (bad)
        {
          *failed = f->final;
          errno = e;
          return -1;
        }
    }
  /* A rename onto a folder fails; find that before any file is renamed,
     so that a failure leaves every earlier output as it was.  */
  for (size_t i = 0; i < set->n; i++)
    {
      struct stat st;
      if (stat (set->files[i].final, &st) == 0 && S_ISDIR (st.st_mode))
        {
          *failed = set->files[i].final;
          errno = EISDIR;
          return -1;
        }
    }
  for (size_t i = 0; i < set->n; i++)
    if (rename (set->files[i].temp, set->files[i].final) != 0)
      {
        *failed = set->files[i].final;
        return -1;
      }
    else
      {
        free (set->files[i].temp);
        set->files[i].temp = NULL;
      }
  return 0;
}

void
atomic_abort (atomic_set *set)
{
  for (size_t i = 0; i < set->n; i++)
    {
      atomic_file *f = set->files + i;
      if (f->fp)
        fclose (f->fp);
      if (f->temp)
        unlink (f->temp);
      free (f->temp);
      free (f->final);
    }
  free (set->files);
  set->files = NULL;
  set->n = 0;
}
