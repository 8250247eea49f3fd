/* mpi-main.c -- vbgmm-mpi: the fit of vbgmm on many processes (MPI)

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

/* Every rank reads its own byte range of the file, and the library
   sees the rows of all ranks through the vbgmm_comm hooks: the fit
   needs one MPI_Allreduce of the statistics per iteration.  Only rank 0
   talks to the user; the other ranks' stdout and stderr go to
   /dev/null, and an error found by one rank alone is sent to rank 0 to
   be printed.  Errors that every rank finds alike (usage, the small
   matrix files, the prior) are reported through setup.c's exit, which
   every rank takes together, and an exit of one rank alone is agreed
   from its exit handler (see agreeing below).  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <csv.h>
#include <gsl/gsl_errno.h>
#include <mpi.h>

#include "atomic.h"
#include "cli.h"
#include "setup.h"
#include "vbgmm.h"

static int rank, nranks;

/* The communication hooks of the library.  */

static int
comm_sum (double *buf, size_t n, void *arg)
{
  (void) arg;
  if (n > INT_MAX)
    return -1;
  return MPI_Allreduce (MPI_IN_PLACE, buf, (int) n, MPI_DOUBLE, MPI_SUM,
                        MPI_COMM_WORLD) != MPI_SUCCESS;
}

static int
comm_exscan (double *buf, size_t n, void *arg)
{
  (void) arg;
  if (n > INT_MAX)
    return -1;
  if (MPI_Exscan (MPI_IN_PLACE, buf, (int) n, MPI_DOUBLE, MPI_SUM,
                  MPI_COMM_WORLD) != MPI_SUCCESS)
    return -1;
  /* MPI leaves the first rank's buffer undefined.  */
  if (rank == 0)
    memset (buf, 0, n * sizeof *buf);
  return 0;
}

/* Errors: one message, from the lowest rank that failed.  */

typedef struct local_error
{
  int status;              /* exit status, 0 when all is well */
  int remote;              /* only another rank's failure was seen */
  char message[640];       /* without the program name */
} local_error;

static void
set_error (local_error *e, int status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static void
set_error (local_error *e, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (e->message, sizeof e->message, fmt, ap);
  va_end (ap);
  e->status = status;
}

/* The library's error ERR about file NAME, as setup_report_error words
   it; LINES_BEFORE is added to its line number.  */
static void
set_data_error (local_error *e, const char *name, const vbgmm_error *err,
                long lines_before)
{
  int status = err->status == VBGMM_EINVAL ? EXIT_USAGE : EXIT_DATA;
  if (err->line > 0)
    set_error (e, status, "%s:%ld: %s", name, err->line + lines_before,
               err->message);
  else
    set_error (e, status, "%s: %s", name, err->message);
}

/* How the exit of a failure is agreed.  From the start to the end of
   the fit every step that may fail on one rank alone ends in agree ()
   on every rank, and in a step that has sums of its own (the moments
   of the prior) a failure is agreed before them; a rank that exits in
   such a step (the exits of setup.c, which print their message and
   exit) meets the others in that agree () from its exit handler.  So
   every rank learns of a failure, rank 0 prints it, and all finalize
   MPI and exit, none ended by mpirun first.  The writing of the files
   that follows tells every rank how it went.  */
static int agreeing;      /* a failed exit meets the others in agree () */
static int agreed;        /* every rank knows of the failure */
static char own_message[640];   /* this rank's last message since then */

/* cli_error's hook: the message of this rank, whose stderr (on a rank
   other than 0) no one sees.  */
static void
keep_message (const char *message)
{
  if (strncmp (message, "warning: ", 9) != 0)
    snprintf (own_message, sizeof own_message, "%s", message);
}

/* Collective: when any rank has an error, that of the lowest rank that
   failed of itself (before those that only saw another fail), in
   WINNER; 0 when none has.  */
static int
settle (const local_error *e, local_error *winner)
{
  int mine = !e->status ? 2 * nranks : e->remote ? nranks + rank : rank;
  int first;
  own_message[0] = '\0';
  MPI_Allreduce (&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == 2 * nranks)
    return 0;
  *winner = *e;
  MPI_Bcast (winner, sizeof *winner, MPI_BYTE, first % nranks,
             MPI_COMM_WORLD);
  agreed = 1;
  return 1;
}

/* Collective: when any rank has an error, rank 0 prints that of the
   lowest such rank and every rank exits with its status.  */
static void
agree (const local_error *e)
{
  local_error winner;
  if (!settle (e, &winner))
    return;
  if (rank == 0)
    cli_error ("%s", winner.message);
  exit (winner.status);
}

/* At exit, with this process's STATUS.  A failure not yet agreed, in
   a step that the others end in agree (), is agreed here: this rank's
   message, or none when it only saw another fail (setup.c prints
   nothing then), and rank 0 prints the winner's unless it has printed
   its own.  Then, as after an exit that every rank takes together,
   MPI is finalized, and the rank ends with the winner's status.  A
   failure that no other rank would learn of (none is known) leaves MPI
   to mpirun, which ends the others: MPI_Finalize would wait for
   them.  */
static void
at_exit_status (int status)
{
  int done = 0;
  MPI_Finalized (&done);
  if (done)
    return;
  int agreed_status = status, settled = 0;
  if (status != 0 && agreeing && !agreed)
    {
      local_error e = { status, own_message[0] == '\0', "" };
      snprintf (e.message, sizeof e.message, "%s", own_message);
      local_error winner;
      if (settle (&e, &winner))
        {
          if (rank == 0 && e.remote && winner.message[0])
            cli_error ("%s", winner.message);
          agreed_status = winner.status;
          settled = 1;
        }
    }
  if (status == 0 || agreed)
    MPI_Finalize ();
  /* Every rank ends with the status of the message printed, as after
     agree (): mpirun passes on the status of whichever rank it hears
     from first.  The exit under way cannot change its own status, and
     without on_exit it is not even known.  */
#ifdef HAVE_ON_EXIT
  int known = 1;
#else
  int known = 0;
#endif
  if (settled && (agreed_status != status || !known))
    {
      fflush (NULL);
      _exit (agreed_status);
    }
}

#ifdef HAVE_ON_EXIT
static void
finalize (int status, void *arg)
{
  (void) arg;
  at_exit_status (status);
}
#else
/* Without on_exit the status is not told: main's own return is the
   only exit of a success but --help and --version (every rank alike,
   which agree on nothing to say); any other exit is taken for a
   failure.  */
static int finished;

static void
finalize (void)
{
  at_exit_status (!finished);
}
#endif

/* Reading this rank's share of the file.  */

/* What rank 0 finds out about the start of the file.  */
typedef struct file_head
{
  long n_fields;     /* fields in every row */
  long header;       /* 1 when the first record is a header */
  long data_start;   /* offset of the first byte after the header */
  long data_line;    /* lines before data_start */
} file_head;

static void
count_field (void *s, size_t len, void *arg)
{
  (void) s;
  (void) len;
  size_t *c = arg;
  if (!(c[1]))
    c[0]++;
}

static void
count_row (int term, void *arg)
{
  (void) term;
  size_t *c = arg;
  c[1] = 1;
}

/* Rank 0: the first record (the first line that is not blank and does
   not start with '#'), whether it is a header, and the number of fields
   of every row.  The reader itself decides the header, exactly as in
   vbgmm: it is given the file up to that line and a row of zeros, and
   keeps one row (a header, with names) or two.  The first record ends
   where libcsv ends it, so that a quoted name may span lines.  */
static void
read_head (FILE *fp, const char *name, const cli_params *p, file_head *h,
           char ***names, local_error *e)
{
  char *text = NULL;
  size_t cap = 0, len = 0;
  ssize_t got;
  char *line = NULL;
  size_t line_cap = 0;
  long lineno = 0;
  int found = 0;
  struct csv_parser parser;
  size_t count[2] = { 0, 0 };   /* fields of the first record, its end */
  if (csv_init (&parser, 0) != 0)
    {
      set_error (e, EXIT_DATA, "out of memory");
      return;
    }

  while (!count[1] && (got = getline (&line, &line_cap, fp)) > 0)
    {
      lineno++;
      /* vbgmm reads it; the shares here are of lines of text.  */
      if (lineno == 1 && vbgmm_npy_magic (line, got))
        {
          set_error (e, EXIT_DATA, "%s: a NumPy .npy array: vbgmm-mpi "
                     "reads CSV only", name);
          goto done;
        }
      const char *s = line;
      size_t n = got;
      if (lineno == 1 && n >= 3 && memcmp (s, "\xef\xbb\xbf", 3) == 0)
        s += 3, n -= 3;
      if (!found)
        found = strspn (s, " \t\r\n") < n && s[0] != '#';
      if (len + got + 1 > cap)
        {
          cap = 2 * (len + got + 1);
          char *t = realloc (text, cap);
          if (!t)
            {
              set_error (e, EXIT_DATA, "out of memory");
              goto done;
            }
          text = t;
        }
      memcpy (text + len, line, got);
      if (found)
        csv_parse (&parser, s, n, count_field, count_row, count);
      len += got;
    }
  if (ferror (fp))
    {
      set_error (e, EXIT_DATA, "%s: read error: %s", name, strerror (errno));
      goto done;
    }
  if (!found)
    {
      set_error (e, EXIT_DATA, "%s: no data", name);
      goto done;
    }

  csv_fini (&parser, count_field, count_row, count);
  h->n_fields = count[0];

  /* The text up to the first record, its last line ended, and a row of
     zeros in every field.  */
  int ended = len > 0 && text[len - 1] == '\n';
  size_t zeros = 2 * count[0] + 2;
  char *t = realloc (text, len + zeros + 1);
  if (!t)
    {
      set_error (e, EXIT_DATA, "out of memory");
      goto done;
    }
  text = t;
  size_t full = len;
  if (!ended)
    text[full++] = '\n';
  for (size_t f = 0; f < count[0]; f++)
    {
      text[full++] = '0';
      text[full++] = f + 1 < count[0] ? ',' : '\n';
    }
  FILE *mem = fmemopen (text, full, "r");
  if (!mem)
    {
      set_error (e, EXIT_DATA, "out of memory");
      goto done;
    }
  vbgmm_csv_options copt = { p->columns, p->n_columns,
                             VBGMM_CSV_HEADER_AUTO, 0, 1 };
  vbgmm_data *d = NULL;
  vbgmm_error err = { 0 };
  if (vbgmm_csv_read (mem, &copt, &d, &err))
    set_data_error (e, name, &err, 0);
  fclose (mem);
  if (d)
    {
      h->header = d->n == 1;
      h->data_start = h->header ? (long) len : 0;
      h->data_line = h->header ? lineno : 0;
      *names = d->names;
      d->names = NULL;
      vbgmm_data_free (d);
    }

done:
  csv_free (&parser);
  free (line);
  free (text);
}

/* Rank 0's column names to every rank, as one block of strings.  */
static void
share_names (char ***names, size_t d, int header)
{
  long len = 0;
  char *block = NULL;
  if (!header)
    return;
  if (rank == 0)
    for (size_t j = 0; j < d; j++)
      len += strlen ((*names)[j]) + 1;
  MPI_Bcast (&len, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  block = malloc (len);
  if (rank == 0 && block)
    for (size_t j = 0, at = 0; j < d; j++)
      {
        strcpy (block + at, (*names)[j]);
        at += strlen ((*names)[j]) + 1;
      }
  /* Without memory for the names a rank goes on without them: they are
     not needed for the fit or its files.  */
  int ok = block != NULL, all;
  MPI_Allreduce (&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (all)
    MPI_Bcast (block, len, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (rank != 0 && all && (*names = calloc (d, sizeof **names)))
    for (size_t j = 0, at = 0; j < d; j++)
      {
        (*names)[j] = strdup (block + at);
        at += strlen (block + at) + 1;
      }
  free (block);
}

/* This rank's rows of NAME: the lines that start in its byte range,
   rows numbered over all ranks.  Exits, on every rank, when any rank
   fails.  */
static vbgmm_data *
read_share (const char *name, const cli_params *p)
{
  local_error e = { 0, 0, "" };
  file_head h = { 0, 0, 0, 0 };
  char **names = NULL;
  struct stat st;
  /* Not blocking: a FIFO without a writer is refused, not waited on.  */
  int fd = open (name, O_RDONLY | O_NONBLOCK);
  if (fd < 0 || fstat (fd, &st) != 0)
    set_error (&e, EXIT_DATA, "%s: %s", name, strerror (errno));
  else if (S_ISDIR (st.st_mode))
    set_error (&e, EXIT_DATA, "%s: %s", name, strerror (EISDIR));
  else if (!S_ISREG (st.st_mode))
    set_error (&e, EXIT_DATA, "%s: a pipe or a device cannot be shared "
               "between processes: give a regular file", name);
  agree (&e);

  if (rank == 0)
    {
      FILE *fp = fdopen (dup (fd), "r");
      if (!fp)
        set_error (&e, EXIT_DATA, "%s: %s", name, strerror (errno));
      else
        {
          read_head (fp, name, p, &h, &names, &e);
          fclose (fp);
        }
    }
  agree (&e);
  MPI_Bcast (&h, 4, MPI_LONG, 0, MPI_COMM_WORLD);
  size_t d = p->columns ? p->n_columns : (size_t) h.n_fields;
  share_names (&names, d, h.header);

  /* The byte range: an even share, both ends moved forward to a line
     start, never before the first data line.  */
  off_t size = st.st_size, begin, end;
  off_t lo = (off_t) ((double) size * rank / nranks);
  off_t hi = rank + 1 == nranks ? size
             : (off_t) ((double) size * (rank + 1) / nranks);
  if ((begin = vbgmm_csv_line_start (fd, lo, size)) < 0
      || (end = vbgmm_csv_line_start (fd, hi, size)) < 0)
    {
      set_error (&e, EXIT_DATA, "%s: read error: %s", name, strerror (errno));
      begin = end = 0;
    }
  if (begin < h.data_start)
    begin = h.data_start;
  if (end < begin)
    end = begin;

  vbgmm_data *data = NULL;
  vbgmm_error err = { 0 };
  int failed = 0;
  long newlines = 0;
  if (!e.status && end > begin)
    {
      vbgmm_csv_options copt = { p->columns, p->n_columns,
                                 VBGMM_CSV_HEADER_NONE,
                                 (size_t) h.n_fields, 1 };
      failed = vbgmm_csv_read_range (fd, begin, end, &copt, &newlines,
                                     &data, &err);
      /* A range of only blank and comment lines holds no rows; only
         when all ranges are empty is that an error.  */
      if (failed && err.status == VBGMM_EDATA && err.line == 0
          && strcmp (err.message, "no data") == 0)
        failed = 0;
    }
  close (fd);
  if (!e.status && !data && !(data = vbgmm_data_alloc (0, d)))
    set_error (&e, EXIT_DATA, "out of memory");

  /* The real line numbers: the newlines of the ranges before this one.
     A rank that stopped at an error counted only part of its range,
     but then only its own message, or a lower rank's, is printed.  */
  long before = newlines;
  MPI_Exscan (MPI_IN_PLACE, &before, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0)
    before = 0;
  before += h.data_line;
  if (failed)
    set_data_error (&e, name, &err, before);
  agree (&e);

  unsigned long long n = data->n, first = n, total = n;
  MPI_Exscan (MPI_IN_PLACE, &first, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM,
              MPI_COMM_WORLD);
  MPI_Allreduce (MPI_IN_PLACE, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM,
                 MPI_COMM_WORLD);
  data->first_row = rank == 0 ? 0 : first;
  data->n_total = total;
  data->names = names;
  if (total == 0)
    set_error (&e, EXIT_DATA, "%s: no data", name);
  agree (&e);
  return data;
}

/* The other files that every rank reads (a warm start's model, W0,
   the start), in the order vbgmm reads them: a rank that cannot open
   one, as on a node that lacks it, stops every rank here with its
   message, where setup.c would exit on that rank alone and leave the
   others waiting for it in the fit.  */
static void
open_side_files (const cli_params *p)
{
  const char *files[] = { p->init_model_file,
                          p->W0_kind == W0_FILE ? p->W0_arg : NULL,
                          p->init_means_file, p->init_resp_file,
                          p->init_labels_file };
  local_error e = { 0, 0, "" };
  for (size_t i = 0; i < sizeof files / sizeof *files && !e.status; i++)
    {
      FILE *fp = files[i] ? fopen (files[i], "r") : NULL;
      if (files[i] && !fp)
        set_error (&e, EXIT_DATA, "%s: %s", files[i], strerror (errno));
      if (fp)
        fclose (fp);
    }
  agree (&e);
}

/* z.csv: each rank formats its rows a chunk at a time and sends
   them to rank 0, which writes them in rank order.  */

enum { TAG_Z = 1, TAG_FAIL = 2 };

typedef struct z_gather
{
  const vbgmm_model *model;
  const vbgmm_data *data;
  int threads;
  int started;   /* rank 0 told the others to send */
} z_gather;

/* The text of a chunk goes in messages of at most this many bytes,
   which rank 0 takes into one buffer that it has before it asks for
   them: it needs no memory while they come.  More than a failure's
   message.  */
enum { PIECE = 1 << 16 };

/* Rows per chunk: about 1 MB of text, little next to the data.  */
static size_t
chunk_rows (size_t k)
{
  size_t rows = ((size_t) 1 << 20) / (k * 24 + 1);
  return rows ? rows : 1;
}

/* How a rank formats some of its rows: vbgmm_write_z or
   vbgmm_write_labels.  */
typedef int rows_writer (FILE *fp, const vbgmm_model *model,
                         const vbgmm_data *data, int threads,
                         vbgmm_error *err);

/* Ranks other than 0: send the rows, then an empty message; or, on
   failure, the message of the failure.  */
static void
send_rows (const z_gather *z, rows_writer *write)
{
  const vbgmm_data *data = z->data;
  size_t step = chunk_rows (z->model->k);
  vbgmm_error err = { 0 };
  for (size_t at = 0; at < data->n; at += step)
    {
      vbgmm_data view = *data;
      view.x = data->x + at * data->d;
      view.n = data->n - at < step ? data->n - at : step;
      view.first_row = data->first_row + at;
      view.names = NULL;
      char *buf = NULL;
      size_t len = 0;
      FILE *mem = open_memstream (&buf, &len);
      int status = mem ? write (mem, z->model, &view, z->threads, &err)
                       : VBGMM_ENOMEM;
      if ((mem && fclose (mem) != 0) || len > INT_MAX)
        status = VBGMM_ENOMEM;
      if (status)
        {
          if (!err.status || !err.message[0])
            snprintf (err.message, sizeof err.message, "out of memory");
          free (buf);
          MPI_Send (err.message, strlen (err.message) + 1, MPI_CHAR, 0,
                    TAG_FAIL, MPI_COMM_WORLD);
          return;
        }
      for (size_t sent = 0; sent < len; sent += PIECE)
        MPI_Send (buf + sent, len - sent < PIECE ? (int) (len - sent) : PIECE,
                  MPI_CHAR, 0, TAG_Z, MPI_COMM_WORLD);
      free (buf);
    }
  MPI_Send (NULL, 0, MPI_CHAR, 0, TAG_Z, MPI_COMM_WORLD);
}

/* z.csv, then labels.csv: each round ends in an empty message or a
   failure from every rank.  */
static void
send_z (const z_gather *z)
{
  send_rows (z, vbgmm_write_z);
  send_rows (z, vbgmm_write_labels);
}

/* Rank 0: its own rows, then those of every other rank in order, into
   BUF (PIECE + 1 bytes).  It takes every message even after a failure
   (STATUS not 0), so that no sender is left blocked.  */
static int
gather_rows (FILE *fp, z_gather *z, rows_writer *write, char *buf,
             int status, vbgmm_error *err)
{
  int saved_errno = errno;
  if (!status)
    {
      status = write (fp, z->model, z->data, z->threads, err);
      saved_errno = errno;
    }
  for (int src = 1; src < nranks; src++)
    for (;;)
      {
        MPI_Status st;
        int len;
        MPI_Recv (buf, PIECE, MPI_CHAR, src, MPI_ANY_TAG, MPI_COMM_WORLD,
                  &st);
        MPI_Get_count (&st, MPI_CHAR, &len);
        if (st.MPI_TAG == TAG_FAIL)
          {
            if (!status)
              {
                buf[len] = '\0';
                status = VBGMM_ENOMEM;
                err->status = status;
                snprintf (err->message, sizeof err->message, "%s", buf);
              }
            break;
          }
        if (len == 0)
          break;
        if (!status && fwrite (buf, 1, len, fp) != (size_t) len)
          {
            status = VBGMM_EIO;
            saved_errno = errno;
            err->status = status;
            snprintf (err->message, sizeof err->message, "write error: %s",
                      strerror (saved_errno ? saved_errno : EIO));
          }
      }
  errno = saved_errno;
  return status;
}

/* Rank 0, as setup_write_outputs's writer of z.csv and labels.csv.  */
static int
gather_z (FILE *fp, FILE *labels, void *arg, vbgmm_error *err)
{
  z_gather *z = arg;
  char *buf = malloc (PIECE + 1);
  int go = buf != NULL;
  z->started = 1;
  MPI_Bcast (&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!go)
    {
      err->status = VBGMM_ENOMEM;
      snprintf (err->message, sizeof err->message, "out of memory");
      return err->status;
    }
  int status = gather_rows (fp, z, vbgmm_write_z, buf, 0, err);
  status = gather_rows (labels, z, vbgmm_write_labels, buf, status, err);
  free (buf);
  return status;
}

/* Peak memory of every rank on stderr, for VBGMM_MPI_RUSAGE=1 (the
   measure the README quotes).  */
static void
report_rusage (void)
{
  const char *env = getenv ("VBGMM_MPI_RUSAGE");
  if (!env || !*env)
    return;
  struct rusage ru;
  long kb = getrusage (RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
  long *all = rank == 0 ? malloc (nranks * sizeof *all) : NULL;
  MPI_Gather (&kb, 1, MPI_LONG, all, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  if (all)
    for (int r = 0; r < nranks; r++)
      cli_error ("rank %d: peak RSS %ld kB", r, all[r]);
  free (all);
}

int
main (int argc, char **argv)
{
  int provided;
  cli_program_name = "vbgmm-mpi";
  cli_usage_note = "\
Run under mpirun: every process reads its share of FILE, which must be a\n\
regular CSV file that all can read (not -, a pipe or a .npy array).\n\
vbgmm-mpi writes z.csv only (no --z-format=npy or none) and draws no\n\
pictures.\n";
  cli_stdopen ();
  /* OpenMP threads run inside the library; MPI is only ever called
     from the main thread.  */
  MPI_Init_thread (&argc, &argv, MPI_THREAD_FUNNELED, &provided);
#ifdef HAVE_ON_EXIT
  on_exit (finalize, NULL);
#else
  atexit (finalize);
#endif
  agreeing = 1;
  cli_error_hook = keep_message;
  MPI_Comm_rank (MPI_COMM_WORLD, &rank);
  MPI_Comm_size (MPI_COMM_WORLD, &nranks);
  if (rank != 0)
    {
      /* Every rank decides as rank 0 does; one of them speaks.  */
      if (!freopen ("/dev/null", "w", stdout)
          || !freopen ("/dev/null", "w", stderr))
        MPI_Abort (MPI_COMM_WORLD, EXIT_DATA);
    }
  gsl_set_error_handler_off ();
  /* A signal removes the temporary files of the outputs.  */
  setup_catch_signals ();

  cli_params p;
  cli_parse (argc, argv, &p);
  const char *name = p.input ? p.input : setup_default_input ();
  if (strcmp (name, "-") == 0)
    {
      cli_error ("standard input cannot be shared between processes: "
                 "give a FILE");
      exit (EXIT_USAGE);
    }
  if (strcmp (p.z_format, "csv") != 0)
    {
      cli_error ("--z-format=%s: vbgmm-mpi writes z.csv only", p.z_format);
      exit (EXIT_USAGE);
    }

  setup_check_outputs (&p, name, 0);
  vbgmm_data *data = read_share (name, &p);
  open_side_files (&p);
  local_error e = { 0, 0, "" };
  vbgmm_model *from = setup_init_model (&p, data, name);
  agree (&e);
  if (!from && data->n_total < p.opt.k)
    {
      cli_error ("%s: %zu points, fewer than the %zu components", name,
                 data->n_total, p.opt.k);
      exit (EXIT_DATA);
    }

  vbgmm_comm comm = { comm_sum, comm_exscan, NULL };
  p.opt.comm = &comm;
  int ridge = 0;
  vbgmm_prior *prior = setup_make_prior (&p, data, &comm, name, &ridge);
  void *start = setup_read_start (&p, data);
  agree (&e);

  if (rank == 0)
    {
      p.opt.progress = setup_progress;
      p.opt.start_done = setup_start_done;
      p.opt.progress_arg = &p;
    }
  vbgmm_error err = { 0 };
  vbgmm_model *model = vbgmm_fit (data, prior, &p.opt, &err);
  if (!model)
    {
      char msg[2048];
      int status = setup_fit_error (&p, name, &err, msg, sizeof msg);
      set_error (&e, status, "%s", msg);
      e.remote = err.status == VBGMM_EREMOTE;
    }
  agree (&e);
  if (rank == 0)
    {
      setup_fit_warnings (&p, model, ridge);
      setup_record_fields (model, &p);
    }
  agree (&e);
  agreeing = 0;

  /* Rank 0 writes the files; the others send it their z.csv rows once
     it has the file open, and then learn how it went.  */
  z_gather z = { model, data, p.opt.threads, 0 };
  int status = 0;
  if (rank == 0)
    {
      status = setup_write_outputs (&p, model, gather_z, &z, NULL, NULL);
      if (!z.started)
        {
          int go = 0;
          MPI_Bcast (&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
        }
    }
  else
    {
      int go;
      MPI_Bcast (&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
      if (go)
        send_z (&z);
    }
  MPI_Bcast (&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  agreed = status != 0;
  report_rusage ();

  vbgmm_model_free (model);
  vbgmm_model_free (from);
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
  free (start);
  cli_free (&p);
#ifndef HAVE_ON_EXIT
  finished = status == 0;
#endif
  return status;
}
