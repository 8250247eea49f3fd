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
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"

/* The temporary names of every set, for the signal handler.  A handler
   may run on any thread at any moment, so the list is read and changed
   only by lock-free atomic loads and stores of pointers: a name is put
   in a free slot before its file is created and taken out before it is
   freed.  A full table is replaced by a larger copy; the old one is
   never freed, since a handler may be reading it.  */
typedef struct temp_table
{
  size_t cap;
  _Atomic (char *) slot[];
} temp_table;

static _Atomic (temp_table *) temps;

/* What the program is doing, for the handler: running, renaming a set
   into place (a signal then waits), or leaving on a signal.  */
enum { RUNNING, COMMITTING, LEAVING };
static atomic_int state = RUNNING;
static volatile sig_atomic_t pending_signal;

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

/* The folders atomic_make_dirs created, outermost first, for the
   handler and atomic_remove_dirs.  A name is in place before it is
   counted, and the names are never freed, since a handler may be
   reading them.  */
static char **made;
static atomic_size_t n_made;

/* Remove the folders that were made, innermost first; rmdir leaves
   one that is not empty.  */
static void
remove_made (void)
{
  for (size_t i = atomic_load (&n_made); i > 0; i--)
    rmdir (made[i - 1]);
}

/* Remove every temporary file and every folder made, and exit 128 +
   SIG: only unlink, rmdir and _exit, which are async-signal-safe.  */
static void
leave (int sig)
{
  temp_table *t = atomic_load (&temps);
  for (size_t i = 0; t && i < t->cap; i++)
    {
      char *name = atomic_load (&t->slot[i]);
      if (name)
        unlink (name);
    }
  remove_made ();
  _exit (128 + sig);
}

static void
on_signal (int sig)
{
  int expected = RUNNING;
  if (atomic_compare_exchange_strong (&state, &expected, LEAVING))
    leave (sig);
  /* Renaming: the committer leaves once the set is in place.  Already
     leaving (on another thread): nothing more to do.  */
  if (expected == COMMITTING)
    pending_signal = sig;
}

int
atomic_signals_install (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigfillset (&sa.sa_mask);
  for (size_t i = 0; i < sizeof caught / sizeof *caught; i++)
    {
      /* A signal ignored from the start (nohup) stays ignored.  */
      struct sigaction old;
      if (sigaction (caught[i], NULL, &old) != 0)
        return -1;
      if (old.sa_handler != SIG_IGN && sigaction (caught[i], &sa, NULL) != 0)
        return -1;
    }
  return 0;
}

int
atomic_make_dirs (const char *dir)
{
  /* At most one folder for each slash, and the last.  */
  size_t depth = 1;
  for (const char *s = dir; *s; s++)
    depth += *s == '/';
  char *path = strdup (dir);
  made = calloc (depth, sizeof *made);
  if (!path || !made)
    {
      free (path);
      errno = ENOMEM;
      return -1;
    }
  size_t n = 0;
  for (char *s = path + 1; ; s++)
    if (*s == '/' || *s == '\0')
      {
        char c = *s;
        *s = '\0';
        if (mkdir (path, 0777) == 0)
          {
            if (!(made[n] = strdup (path)))
              {
                rmdir (path);
                errno = ENOMEM;
                goto fail;
              }
            atomic_store (&n_made, ++n);
          }
        else if (errno != EEXIST)
          goto fail;
        *s = c;
        if (c == '\0')
          break;
      }
  free (path);
  struct stat st;
  if (stat (dir, &st) != 0)
    goto fail_stat;
  if (!S_ISDIR (st.st_mode))
    {
      errno = ENOTDIR;
      goto fail_stat;
    }
  return 0;

fail:
  free (path);
fail_stat:
  {
    int e = errno;
    atomic_remove_dirs ();
    errno = e;
  }
  return -1;
}

void
atomic_remove_dirs (void)
{
  remove_made ();
  atomic_store (&n_made, 0);
}

/* Put NAME in the list.  Returns 0, or -1 when out of memory.  */
static int
temps_add (char *name)
{
  temp_table *t = atomic_load (&temps);
  for (size_t i = 0; t && i < t->cap; i++)
    {
      char *empty = NULL;
      if (atomic_compare_exchange_strong (&t->slot[i], &empty, name))
        return 0;
    }
  size_t cap = t ? 2 * t->cap : 16;
  temp_table *bigger = malloc (sizeof *bigger + cap * sizeof bigger->slot[0]);
  if (!bigger)
    return -1;
  bigger->cap = cap;
  for (size_t i = 0; i < cap; i++)
    atomic_init (&bigger->slot[i],
                 t && i < t->cap ? atomic_load (&t->slot[i]) : NULL);
  atomic_store (&bigger->slot[t ? t->cap : 0], name);
  atomic_store (&temps, bigger);
  /* The old table's names are in the new one; it stays allocated (and
     reachable from no one) in case a handler is reading it now.  */
  return 0;
}

static void
temps_remove (const char *name)
{
  temp_table *t = atomic_load (&temps);
  for (size_t i = 0; name && t && i < t->cap; i++)
    if (atomic_load (&t->slot[i]) == name)
      atomic_store (&t->slot[i], NULL);
}

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
  if (!f->final || !f->temp || temps_add (f->temp) != 0)
    goto fail;
  int fd = mkstemp (f->temp);
  if (fd < 0)
    {
      temps_remove (f->temp);
      goto fail;
    }
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

/* Flush the temporary file F to the disk and close it.  Returns 0, or
   an errno value.  */
static int
sync_close (atomic_file *f)
{
  int e = 0;
  if (f->fp)
    {
      if (ferror (f->fp))
        e = EIO;
      if (fflush (f->fp) != 0 && !e)
        e = errno ? errno : EIO;
      if (fsync (fileno (f->fp)) != 0 && !e)
        e = errno;
      if (fclose (f->fp) != 0 && !e)
        e = errno ? errno : EIO;
      f->fp = NULL;
    }
  else if (f->temp)
    {
      /* Written by name (a reserved file).  */
      int fd = open (f->temp, O_RDONLY);
      if (fd < 0 || fsync (fd) != 0)
        e = errno;
      if (fd >= 0)
        close (fd);
    }
  return e;
}

/* Whether the files A and B are in the same folder.  */
static int
same_folder (const char *a, const char *b)
{
  const char *sa = strrchr (a, '/'), *sb = strrchr (b, '/');
  size_t la = sa ? (size_t) (sa - a) : 0, lb = sb ? (size_t) (sb - b) : 0;
  return la == lb && memcmp (a, b, la) == 0;
}

/* Flush the folder of FINAL, where its new name is.  Returns 0, or an
   errno value.  A file system that cannot flush a folder (EINVAL) has
   nothing to flush.  */
static int
sync_folder (const char *final)
{
  const char *slash = strrchr (final, '/');
  char *dir = slash ? strndup (final, slash == final ? 1 : slash - final)
                    : strdup (".");
  if (!dir)
    return errno;
  int e = 0;
  int fd = open (dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0 || (fsync (fd) != 0 && errno != EINVAL))
    e = errno;
  if (fd >= 0)
    close (fd);
  free (dir);
  return e;
}

int
atomic_commit (atomic_set *set, const char **failed)
{
  for (size_t i = 0; i < set->n; i++)
    {
      int e = sync_close (set->files + i);
      if (e)
        {
          *failed = set->files[i].final;
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

  /* The earlier outputs get a second name each (a hard link), so that
     a rename that fails after others succeeded can put them back.  */
  char **backup = calloc (set->n, sizeof *backup);
  if (!backup)
    {
      *failed = set->files[0].final;
      return -1;
    }

  /* From the first link to the flush of the folder a signal waits.
     A handler already running on another thread is about to exit.  */
  int expected = RUNNING;
  if (!atomic_compare_exchange_strong (&state, &expected, COMMITTING))
    for (;;)
      pause ();
  int status = 0, e = 0;
  for (size_t i = 0; i < set->n; i++)
    {
      atomic_file *f = set->files + i;
      size_t len = strlen (f->temp) + sizeof ".old";
      if ((backup[i] = malloc (len)))
        snprintf (backup[i], len, "%s.old", f->temp);
      /* Without a second name (no earlier file, or a file system
         without hard links) there is nothing to put back.  */
      if (backup[i] && link (f->final, backup[i]) != 0)
        {
          free (backup[i]);
          backup[i] = NULL;
        }
    }
  size_t renamed = 0;
  for (; renamed < set->n; renamed++)
    {
      atomic_file *f = set->files + renamed;
      if (rename (f->temp, f->final) != 0)
        {
          e = errno;
          *failed = f->final;
          status = -1;
          break;
        }
      temps_remove (f->temp);
      free (f->temp);
      f->temp = NULL;
    }
  for (size_t i = 0; i < set->n; i++)
    {
      if (status && i < renamed)
        {
          /* Back to the earlier file, or to none.  */
          if (backup[i])
            rename (backup[i], set->files[i].final);
          else
            unlink (set->files[i].final);
        }
      else if (backup[i])
        unlink (backup[i]);
      free (backup[i]);
    }
  free (backup);
  /* Every folder once (in practice there is one).  */
  for (size_t i = 0; i < set->n && !status; i++)
    {
      int seen = 0;
      for (size_t j = 0; j < i && !seen; j++)
        seen = same_folder (set->files[i].final, set->files[j].final);
      if (!seen && (e = sync_folder (set->files[i].final)) != 0)
        {
          /* The message names the folder.  */
          static char folder[4096];
          const char *f = set->files[i].final, *slash = strrchr (f, '/');
          snprintf (folder, sizeof folder, "%.*s",
                    slash ? (int) (slash - f) : 1, slash ? f : ".");
          *failed = folder;
          status = -1;
        }
    }
  atomic_store (&state, RUNNING);
  if (pending_signal)
    on_signal (pending_signal);
  errno = e;
  return status;
}

void
atomic_abort (atomic_set *set)
{
  for (size_t i = 0; i < set->n; i++)
    {
      atomic_file *f = set->files + i;
      if (f->fp)
        fclose (f->fp);
      /* Removed from the list only once it is gone, so that a
         signal in between cannot leave it.  */
      if (f->temp)
        {
          unlink (f->temp);
          temps_remove (f->temp);
        }
      free (f->temp);
      free (f->final);
    }
  free (set->files);
  set->files = NULL;
  set->n = 0;
}
