/* csvread.c -- read the points from CSV text (DESIGN 4, "Input CSV")

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

/* libcsv splits the fields, but it knows nothing of comments, blank
   lines or line numbers.  So the input is read in large blocks and cut
   into physical lines here; comment and blank lines are dropped before
   libcsv sees them, and runs of plain lines (no quote character, not
   inside a quoted field) go to csv_parse in one call, one row per line.
   A line with a quote is fed on its own: libcsv ends a row at the
   line's end exactly when the line ends outside quotes, so counting
   the rows it reports tells whether the next line continues a quoted
   field, without a second quote parser here.  */

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "error.h"
#include "numparse.h"
#include "responsibility.h"
#include "vbgmm.h"

/* Bytes asked of fread at a time.  */
#define BLOCK_SIZE ((size_t) 1 << 20)

/* How much of a bad field an error message quotes.  */
#define SHOW_MAX 40

/* What a CR not followed by LF becomes until its field is cut out
   (mark_lone_cr): a control byte that a line reaching libcsv cannot
   hold, as those are binary data.  */
#define LONE_CR '\x01'

/* Byte classes for the line scan.  */
enum
{
  C_TEXT = 1,   /* anything but space, tab, CR: the line is not blank */
  C_QUOTE = 2,
  C_CR = 4,
  C_BINARY = 8  /* a control character no text file has */
};

/* Outcome of parsing one field as a number.  */
enum
{
  NUM_OK,
  NUM_EMPTY,
  NUM_NOT_NUMBER,
  NUM_NOT_FINITE,
  NUM_RANGE
};

struct reader
{
  /* What the caller asked for.  */
  const size_t *columns;     /* NULL: every field */
  size_t d;                  /* columns kept; set with the first row */
  int header_mode;
  size_t want_fields;        /* 0: as the first row */

  /* The row shape, known after the first row.  */
  int have_first;
  size_t nf;                 /* fields in every row */
  unsigned char *need;       /* nf: field is kept */
  double *tmp;               /* nf: the current row's kept values */

  /* The first row, kept as text until it is known to be a header.  */
  char **first;
  size_t first_n, first_cap;

  /* The result.  */
  double *x;
  size_t n, cap;             /* rows stored, rows allocated */
  char **names;

  /* The parse state.  */
  struct csv_parser parser;
  size_t field;              /* 0-based index of the next field */
  size_t rows;               /* rows libcsv has ended */
  long row_line;             /* line where the current row starts */
  long line;                 /* current physical line */
  int in_record;             /* the current line continues a quoted field */
  int lone_cr;               /* a LONE_CR has been made (mark_lone_cr) */
  long record_line;          /* where that quoted record started */

  unsigned char byte_class[256];
  int mid_file;              /* the stream starts inside the file: no BOM */

  int status;
  vbgmm_error *err;
};

/* Filled per call rather than once in a static table, so that threads
   reading files at the same time share nothing.  */
static void
init_byte_class (unsigned char *byte_class)
{
  for (int c = 0; c < 256; c++)
    {
      unsigned char k = C_TEXT;
      if (c == ' ' || c == '\t')
        k = 0;
      else if (c == '\r')
        k = C_CR;
      else if (c == '"')
        k = C_TEXT | C_QUOTE;
      else if (c < 0x20 || c == 0x7f)
        k = C_TEXT | C_BINARY;
      byte_class[c] = k;
    }
}

/* Line A + B, for A and B >= 0: line numbers past LONG_MAX stay at
   it (vbgmm.h), whatever first_line was.  */
static long
line_add (long a, long b)
{
  return a > LONG_MAX - b ? LONG_MAX : a + b;
}

#if defined __GNUC__
__attribute__ ((format (printf, 4, 5)))
#endif
static void
fail (struct reader *r, int status, long line, const char *fmt, ...)
{
  /* The first error is the one to report; later ones are its echoes.  */
  if (r->status)
    return;
  r->status = status;
  r->err->status = status;
  r->err->line = line;
  char text[sizeof r->err->message];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (text, sizeof text, fmt, ap);
  va_end (ap);
  /* A field quoted may hold bytes that are not UTF-8.  */
  vbgmm_text_printable (r->err->message, sizeof r->err->message, text);
}

static void
trim (const char **s, size_t *len)
{
  const char *p = *s;
  size_t n = *len;
  while (n > 0 && (*p == ' ' || *p == '\t'))
    p++, n--;
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  *s = p;
  *len = n;
}

/* S[LEN] must be readable (libcsv's CSV_APPEND_NULL, or a trailing
   blank): strtod stops there at the latest.  */
static int
parse_number (const char *s, size_t len, double *value)
{
  trim (&s, &len);
  if (len == 0)
    return NUM_EMPTY;
  /* strtod would skip these; a quoted field may hold them.  */
  if (*s == '\n' || *s == '\r')
    return NUM_NOT_NUMBER;
#ifdef HAVE_FAST_FLOAT
  if (vbgmm_number_fast (s, len, value))
    return NUM_OK;
#endif
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (end != s + len)
    return NUM_NOT_NUMBER;
  if (!isfinite (v))
    return errno == ERANGE ? NUM_RANGE : NUM_NOT_FINITE;
  /* ERANGE with a finite value is underflow: zero or subnormal is the
     best double for the text, so it is kept.  */
  *value = v;
  return NUM_OK;
}

/* The field as an error message shows it: trimmed, cut short, with
   control characters (tab, CR, newline inside quotes) made visible as
   \xHH, as vbgmm_text_printable shows other bytes.  SIZE is at least
   SHOW_MAX * 4 + 4.  */
static void
show_field (char *out, size_t size, const char *s, size_t len)
{
  trim (&s, &len);
  size_t n = len;
  int cut = 0;
  if (n > SHOW_MAX)
    {
      n = SHOW_MAX;
      /* Do not split a UTF-8 sequence.  */
      while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
        n--;
      cut = 1;
    }
  size_t o = 0;
  for (size_t i = 0; i < n && o + 4 < size; i++)
    {
      unsigned char c = s[i];
      if (c < 0x20 || c == 0x7f)
        o += snprintf (out + o, 5, "\\x%02x", c);
      else
        out[o++] = (char) c;
    }
  if (cut && o + 3 < size)
    {
      memcpy (out + o, "...", 3);
      o += 3;
    }
  out[o] = '\0';
}

static void
fail_number (struct reader *r, int outcome, size_t f, const char *s,
             size_t len)
{
  char shown[SHOW_MAX * 4 + 8];
  show_field (shown, sizeof shown, s, len);
  switch (outcome)
    {
    case NUM_EMPTY:
      fail (r, VBGMM_EDATA, r->row_line, "field %zu is empty", f + 1);
      break;
    case NUM_NOT_NUMBER:
      fail (r, VBGMM_EDATA, r->row_line, "field %zu is not a number: '%s'",
            f + 1, shown);
      break;
    case NUM_NOT_FINITE:
      fail (r, VBGMM_EDATA, r->row_line,
            "field %zu is not a finite number: '%s'", f + 1, shown);
      break;
    default:
      fail (r, VBGMM_EDATA, r->row_line, "field %zu is out of range: '%s'",
            f + 1, shown);
      break;
    }
}

static void
fail_nomem (struct reader *r)
{
  fail (r, VBGMM_ENOMEM, 0, "out of memory");
}

/* Room for one more row in X, doubling so that N rows cost O(N) copies
   (and glibc moves large blocks with mremap, without copying).  */
static int
grow_rows (struct reader *r)
{
  if (r->n < r->cap)
    return 0;
  size_t cap = r->cap;
  if (cap == 0)
    {
      cap = 65536 / (r->d * sizeof (double));
      if (cap < 16)
        cap = 16;
    }
  else
    {
      if (cap > SIZE_MAX / 2 / sizeof (double) / r->d)
        {
          fail_nomem (r);
          return -1;
        }
      cap *= 2;
    }
  double *x = realloc (r->x, cap * r->d * sizeof (double));
  if (x == NULL)
    {
      fail_nomem (r);
      return -1;
    }
  r->x = x;
  r->cap = cap;
  return 0;
}

static void
store_row (struct reader *r)
{
  if (grow_rows (r))
    return;
  double *row = r->x + r->n * r->d;
  if (r->columns == NULL)
    memcpy (row, r->tmp, r->d * sizeof (double));
  else
    for (size_t j = 0; j < r->d; j++)
      row[j] = r->tmp[r->columns[j]];
  r->n++;
}

/* A name as libcsv or plain_rows gave it: the spaces inside quotes
   are its own.  */
static char *
copy_name (const char *s)
{
  size_t len = strlen (s);
  char *t = malloc (len + 1);
  if (t != NULL)
    {
      memcpy (t, s, len);
      t[len] = '\0';
    }
  return t;
}

/* The first row fixes the row shape and is either the header or the
   first data row.  */
static void
first_row (struct reader *r, size_t found)
{
  r->have_first = 1;
  r->nf = r->want_fields ? r->want_fields : found;
  if (found != r->nf)
    {
      fail (r, VBGMM_EDATA, r->row_line, "expected %zu fields, found %zu",
            r->nf, found);
      return;
    }
  if (r->columns == NULL)
    r->d = r->nf;
  for (size_t j = 0; r->columns != NULL && j < r->d; j++)
    if (r->columns[j] >= r->nf)
      {
        fail (r, VBGMM_EDATA, r->row_line,
              "column %zu requested but rows have %zu fields",
              r->columns[j] + 1, r->nf);
        return;
      }

  r->need = calloc (r->nf, 1);
  r->tmp = calloc (r->nf, sizeof (double));
  if (r->need == NULL || r->tmp == NULL)
    {
      fail_nomem (r);
      return;
    }
  for (size_t j = 0; j < r->d; j++)
    r->need[r->columns ? r->columns[j] : j] = 1;

  /* Only the kept fields decide, so that a text column the caller
     leaves out does not make every first row a header.  An empty field
     alone does not make a header either: "1,,2" is a bad data row.  */
  int header = 0;
  if (r->header_mode == VBGMM_CSV_HEADER_AUTO)
    for (size_t f = 0; f < r->nf; f++)
      {
        double v;
        if (r->need[f]
            && parse_number (r->first[f], strlen (r->first[f]), &v)
               == NUM_NOT_NUMBER)
          header = 1;
      }

  if (header)
    {
      r->names = calloc (r->d, sizeof *r->names);
      if (r->names == NULL)
        {
          fail_nomem (r);
          return;
        }
      for (size_t j = 0; j < r->d; j++)
        {
          r->names[j] = copy_name (r->first[r->columns ? r->columns[j]
                                               : j]);
          if (r->names[j] == NULL)
            {
              fail_nomem (r);
              return;
            }
        }
      return;
    }

  for (size_t f = 0; f < r->nf; f++)
    if (r->need[f])
      {
        const char *s = r->first[f];
        size_t len = strlen (s);
        int outcome = parse_number (s, len, &r->tmp[f]);
        if (outcome != NUM_OK)
          {
            fail_number (r, outcome, f, s, len);
            return;
          }
      }
  store_row (r);
}

static void
field_cb (void *s, size_t len, void *arg)
{
  struct reader *r = arg;
  size_t f = r->field++;
  if (r->status)
    return;
  if (r->lone_cr)
    {
      char *t = s;
      for (size_t i = 0; i < len; i++)
        if (t[i] == LONE_CR)
          t[i] = '\r';
    }
  if (!r->have_first)
    {
      if (r->first_n == r->first_cap)
        {
          size_t cap = r->first_cap ? 2 * r->first_cap : 16;
          char **first = realloc (r->first, cap * sizeof *first);
          if (first == NULL)
            {
              fail_nomem (r);
              return;
            }
          r->first = first;
          r->first_cap = cap;
        }
      char *t = malloc (len + 1);
      if (t == NULL)
        {
          fail_nomem (r);
          return;
        }
      memcpy (t, s, len);
      t[len] = '\0';
      r->first[r->first_n++] = t;
      return;
    }
  /* A row with too many fields is reported when it ends.  */
  if (f >= r->nf || !r->need[f])
    return;
  int outcome = parse_number (s, len, &r->tmp[f]);
  if (outcome != NUM_OK)
    fail_number (r, outcome, f, s, len);
}

static void
row_cb (int c, void *arg)
{
  (void) c;
  struct reader *r = arg;
  size_t found = r->field;
  r->field = 0;
  r->rows++;
  if (!r->status)
    {
      if (!r->have_first)
        first_row (r, found);
      else if (found != r->nf)
        fail (r, VBGMM_EDATA, r->row_line, "expected %zu fields, found %zu",
              r->nf, found);
      else
        store_row (r);
    }
  /* In a run of plain lines the next row starts on the next line.  */
  r->row_line = line_add (r->row_line, 1);
}

static int
feed (struct reader *r, const char *s, size_t len)
{
  if (len == 0 || r->status)
    return r->status;
  if (csv_parse (&r->parser, s, len, field_cb, row_cb, r) != len
      && !r->status)
    fail_nomem (r);   /* the only failure of libcsv outside strict mode */
  return r->status;
}

/* Dos files and quoted fields put CR before LF, and libcsv treats it as
   a line end or (inside quotes) as text.  A CR anywhere else would end
   a row in the middle of a physical line and throw the line count off:
   it is made LONE_CR, which libcsv takes as text, and field_cb makes it
   a CR again.  So the field keeps its CR (a quoted one as libcsv would),
   a number with one in it is not one, and the message shows it.  */
static void
mark_lone_cr (struct reader *r, char *s, size_t len)
{
  for (size_t i = 0; i + 1 < len; i++)
    if (s[i] == '\r' && s[i + 1] != '\n')
      {
        s[i] = LONE_CR;
        r->lone_cr = 1;
      }
}

/* The rows of the plain lines S..END (each ends in LF, no quote, no
   CR but before the LF): libcsv would cut each line at its commas and
   end the row at the CR or LF, and so does this, without its state
   machine byte by byte.  Every field is followed by a comma, CR or LF,
   where strtod stops.  */
static void
plain_rows (struct reader *r, const char *s, const char *end)
{
  while (s < end && !r->status)
    {
      for (;;)
        {
          const char *f = s;
          while (*s != ',' && *s != '\n' && *s != '\r')
            s++;
          /* Spaces around a field are not its content (libcsv drops
             them as well, outside quotes).  */
          size_t len = s - f;
          trim (&f, &len);
          field_cb ((void *) f, len, r);
          if (*s != ',')
            break;
          s++;
        }
      while (*s != '\n')
        s++;
      s++;
      row_cb ('\n', r);
    }
}

/* Feed the run of plain lines RUN..END, if any; each is one row.  */
static int
flush_run (struct reader *r, char **run, long run_line, const char *end)
{
  if (*run == NULL)
    return r->status;
  r->row_line = run_line;
  plain_rows (r, *run, end);
  *run = NULL;
  return r->status;
}

/* Cut BUF[0..LEN) (BUF[LEN] is a writable sentinel) into lines and feed
   them.  Returns the length of the incomplete last line, which stays in
   BUF for the next block.  */
static size_t
scan_lines (struct reader *r, char *buf, size_t len)
{
  char *p = buf, *end = buf + len;
  char *run = NULL;          /* start of a run of plain lines */
  long run_line = 0;

  *end = '\n';
  while (p < end)
    {
      /* The sentinel LF ends this loop without a bounds test.  */
      unsigned acc = 0;
      char *q = p;
      while (*q != '\n')
        acc |= r->byte_class[(unsigned char) *q++];
      if (q == end)
        break;
      size_t n = q - p + 1;

      if (acc & C_BINARY)
        {
          if (!flush_run (r, &run, run_line, p))
            fail (r, VBGMM_EDATA, r->line, "binary data, not CSV text");
          return 0;
        }
      if (acc & C_CR)
        mark_lone_cr (r, p, n);

      if (!r->in_record && (!(acc & C_TEXT) || *p == '#'))
        {
          /* Blank and comment lines never reach libcsv.  */
          if (flush_run (r, &run, run_line, p))
            return 0;
        }
      else if (r->in_record || (acc & C_QUOTE))
        {
          if (flush_run (r, &run, run_line, p))
            return 0;
          if (!r->in_record)
            r->record_line = r->line;
          r->row_line = r->record_line;
          size_t rows = r->rows;
          if (feed (r, p, n))
            return 0;
          r->in_record = r->rows == rows;
        }
      else if (run == NULL)
        {
          run = p;
          run_line = r->line;
        }
      r->line = line_add (r->line, 1);
      p = q + 1;
    }
  flush_run (r, &run, run_line, p);
  return end - p;
}

/* Read the stream into R.  */
static void
read_stream (struct reader *r, FILE *fp)
{
  size_t cap = BLOCK_SIZE + 2, len = 0;
  char *buf = malloc (cap);
  if (buf == NULL)
    {
      fail_nomem (r);
      return;
    }
  int eof = 0, start = !r->mid_file;
  while (!eof && !r->status)
    {
      /* Room for a block after the carried line, plus the final LF and
         the sentinel; a line longer than a block grows the buffer.  */
      if (cap - len < BLOCK_SIZE + 2)
        {
          size_t ncap = 2 * cap;
          char *nbuf = ncap > cap ? realloc (buf, ncap) : NULL;
          if (nbuf == NULL)
            {
              fail_nomem (r);
              break;
            }
          buf = nbuf;
          cap = ncap;
        }
      errno = 0;
      size_t got = fread (buf + len, 1, BLOCK_SIZE, fp);
      if (got < BLOCK_SIZE)
        {
          if (ferror (fp))
            {
              int e = errno ? errno : EIO;
              fail (r, VBGMM_EIO, 0, "read error: %s", strerror (e));
              break;
            }
          eof = 1;
        }
      len += got;

      char *p = buf;
      if (start)
        {
          start = 0;
          if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
            p += 3, len -= 3;
          /* A second one would begin the first field: a number that
             is not one, and a row taken for a header of names.  */
          if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0
              && p > buf)
            {
              fail (r, VBGMM_EDATA, 1, "a second UTF-8 byte order mark "
                    "after the first");
              break;
            }
        }
      /* Give the last line its missing LF, so that it is a line like
         any other.  */
      if (eof && len > 0 && p[len - 1] != '\n')
        p[len++] = '\n';
      size_t rest = scan_lines (r, p, len);
      memmove (buf, p + len - rest, rest);
      len = rest;
    }
  free (buf);
  if (r->status)
    return;

  if (r->in_record)
    fail (r, VBGMM_EDATA, r->record_line, "unterminated quoted field");
  else
    {
      /* Every line ended in LF outside quotes, so nothing is pending;
         csv_fini only tidies the parser.  */
      csv_fini (&r->parser, field_cb, row_cb, r);
    }
}

/* Set R up to read as OPT asks (OPT and ERR checked).  */
static void
reader_init (struct reader *r, const vbgmm_csv_options *opt,
             vbgmm_error *err)
{
  memset (r, 0, sizeof *r);
  r->err = err;
  r->columns = opt->columns;
  r->d = opt->columns ? opt->n_columns : 0;
  r->header_mode = opt->header;
  r->want_fields = opt->n_fields;
  r->line = opt->first_line ? opt->first_line : 1;
  init_byte_class (r->byte_class);
}

/* Read FP to its end into R, under the C locale: strtod follows the
   thread's locale, and a caller under a locale with a decimal comma
   must still read "1.5".  */
static void
reader_run (struct reader *r, FILE *fp)
{
  locale_t c_locale = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
  if (c_locale == (locale_t) 0)
    {
      fail_nomem (r);
      return;
    }
  locale_t old_locale = uselocale (c_locale);

  /* Default options: lenient quoting, CR and LF end rows, blank rows
     are not reported, and fields end in a NUL for strtod.  */
  if (csv_init (&r->parser, CSV_APPEND_NULL) != 0)
    fail_nomem (r);
  else
    {
      read_stream (r, fp);
      csv_free (&r->parser);
    }

  uselocale (old_locale);
  freelocale (c_locale);
}

static void
reader_free (struct reader *r)
{
  for (size_t i = 0; i < r->first_n; i++)
    free (r->first[i]);
  free (r->first);
  free (r->need);
  free (r->tmp);
  free (r->x);
  if (r->names != NULL)
    for (size_t j = 0; j < r->d; j++)
      free (r->names[j]);
  free (r->names);
}

/* The rows of R as the data, or the error "no data".  */
static void
reader_result (struct reader *r, vbgmm_data **data)
{
  if (!r->status && r->n == 0)
    fail (r, VBGMM_EDATA, 0, "no data");
  vbgmm_data *out = NULL;
  if (!r->status)
    {
      out = vbgmm_data_alloc (0, r->d);
      if (out == NULL)
        fail_nomem (r);
    }
  if (!r->status)
    {
      /* Give back the slack of the doubling.  */
      double *x = realloc (r->x, r->n * r->d * sizeof (double));
      out->x = x ? x : r->x;
      r->x = NULL;
      out->n = out->n_total = r->n;
      out->names = r->names;
      r->names = NULL;
      *data = out;
    }
}

/* Check the arguments common to the readers; 0 when they are fine.  */
static int
check_args (const void *from, const vbgmm_csv_options **opt,
            vbgmm_data **data, vbgmm_error *err)
{
  static const vbgmm_csv_options defaults = { 0 };
  err->status = VBGMM_SUCCESS;
  err->line = 0;
  err->message[0] = '\0';
  if (data != NULL)
    *data = NULL;
  struct reader r = { 0 };
  r.err = err;
  if (from == NULL || data == NULL)
    fail (&r, VBGMM_EINVAL, 0, "no stream or no place for the data");
  else
    {
      if (*opt == NULL)
        *opt = &defaults;
      if ((*opt)->columns != NULL && (*opt)->n_columns == 0)
        fail (&r, VBGMM_EINVAL, 0, "no columns requested");
      else if ((*opt)->first_line < 0)
        fail (&r, VBGMM_EINVAL, 0, "first_line must be 0 (line 1) or "
              "more, not %ld", (*opt)->first_line);
    }
  return r.status;
}

int
vbgmm_csv_read (FILE *fp, const vbgmm_csv_options *opt,
                vbgmm_data **data, vbgmm_error *err)
{
  vbgmm_error dummy;
  if (err == NULL)
    err = &dummy;
  if (check_args (fp, &opt, data, err))
    return err->status;
  struct reader r;
  reader_init (&r, opt, err);
  reader_run (&r, fp);
  reader_result (&r, data);
  reader_free (&r);
  return r.status;
}

/* Reading a file in pieces, one thread per piece.  Each piece starts at
   a line start and is read by a reader of its own, as if it were a file
   of its own whose first line is line 1; the first piece, read before
   the others, says whether there is a header and how many fields every
   row has.  The rows are joined and the errors placed in the file in
   piece order: the first error in the file is the one reported, on the
   line the reader of the whole file names.  A quoted field that runs
   across the end of a piece leaves the piece's reader inside a record;
   then the whole file is read again by one reader.  */

/* Bytes of a piece: enough for a few pieces per thread, few enough that
   the rows of the pieces in flight stay small beside the data.  */
#define PIECE_MIN ((off_t) 1 << 20)
#define PIECE_MAX ((off_t) 16 << 20)

off_t
vbgmm_csv_line_start (int fd, off_t off, off_t size)
{
  char buf[4096];
  if (off <= 0 || off >= size)
    return off <= 0 ? 0 : size;
  off_t pos = off - 1;
  while (pos < size)
    {
      ssize_t got = pread (fd, buf, sizeof buf, pos);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return -1;
      if (got == 0)
        break;
      char *nl = memchr (buf, '\n', got);
      if (nl)
        return pos + (nl - buf) + 1;
      pos += got;
    }
  return size;
}

/* The stream of the bytes [pos, end) of a file.  */
typedef struct range
{
  int fd;
  off_t pos, end;
  long newlines;
} range;

static ssize_t
range_read (void *cookie, char *buf, size_t size)
{
  range *g = cookie;
  if (g->pos >= g->end)
    return 0;
  if ((off_t) size > g->end - g->pos)
    size = g->end - g->pos;
  ssize_t got;
  do
    got = pread (g->fd, buf, size, g->pos);
  while (got < 0 && errno == EINTR);
  if (got > 0)
    {
      g->pos += got;
      for (char *p = buf; (p = memchr (p, '\n', buf + got - p)); p++)
        g->newlines++;
    }
  return got;
}

int
vbgmm_csv_read_range (int fd, off_t begin, off_t end,
                      const vbgmm_csv_options *opt, long *newlines,
                      vbgmm_data **data, vbgmm_error *err)
{
  range g = { fd, begin, end, 0 };
  cookie_io_functions_t io = { range_read, NULL, NULL, NULL };
  FILE *fp = fopencookie (&g, "r", io);
  if (!fp)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  int status = vbgmm_csv_read (fp, opt, data, err);
  fclose (fp);
  if (newlines)
    *newlines = g.newlines;
  return status;
}

/* One piece: where it is, what its reader found.  */
typedef struct piece
{
  off_t begin, end;
  long newlines;
  struct reader r;
  vbgmm_error err;
} piece;

/* Read the piece P with the options OPT; 1 when its reader ended
   inside a quoted field.  */
static int
piece_read (int fd, piece *p, const vbgmm_csv_options *opt, int mid_file)
{
  reader_init (&p->r, opt, &p->err);
  p->r.mid_file = mid_file;
  range g = { fd, p->begin, p->end, 0 };
  cookie_io_functions_t io = { range_read, NULL, NULL, NULL };
  FILE *fp = fopencookie (&g, "r", io);
  if (!fp)
    fail_nomem (&p->r);
  else
    {
      reader_run (&p->r, fp);
      fclose (fp);
    }
  p->newlines = g.newlines;
  return p->r.status && p->r.in_record;
}

/* Append the rows of P to ALL (N rows stored, CAP allocated).  */
static int
append_rows (struct reader *all, struct reader *p)
{
  if (p->n == 0)
    return 0;
  size_t d = all->d;
  if (all->n + p->n > all->cap)
    {
      size_t cap = all->cap ? all->cap : p->n;
      while (cap < all->n + p->n)
        {
          if (cap > SIZE_MAX / 2 / sizeof (double) / d)
            return -1;
          cap *= 2;
        }
      double *x = realloc (all->x, cap * d * sizeof (double));
      if (!x)
        return -1;
      all->x = x;
      all->cap = cap;
    }
  memcpy (all->x + all->n * d, p->x, p->n * d * sizeof (double));
  all->n += p->n;
  free (p->x);
  p->x = NULL;
  return 0;
}

/* The pieces of a file of SIZE bytes: their number, or 0 when the file
   is best read whole (small, or one thread).  */
static size_t
piece_count (off_t size, int nt, off_t *piece_len)
{
  const char *env = getenv ("VBGMM_CSV_PIECE");
  off_t len = size / (4 * (off_t) nt);
  if (len < PIECE_MIN)
    len = PIECE_MIN;
  if (len > PIECE_MAX)
    len = PIECE_MAX;
  if (env && atol (env) > 0)
    len = atol (env);
  else if (nt < 2)
    return 0;
  *piece_len = len;
  return size > len ? (size_t) ((size + len - 1) / len) : 0;
}

/* The reader R of the whole file: its rows are those of the pieces.  */
static int
read_pieces (int fd, off_t size, const vbgmm_csv_options *opt, int nt,
             struct reader *all, int *whole)
{
  off_t len;
  size_t np = piece_count (size, nt, &len);
  *whole = np == 0;
  if (np == 0)
    return 0;
  piece *pc = calloc (np, sizeof *pc);
  if (!pc)
    {
      fail_nomem (all);
      return all->status;
    }
  for (size_t i = 0; i < np && !all->status; i++)
    {
      pc[i].begin = i ? pc[i - 1].end : 0;
      off_t e = i + 1 < np ? vbgmm_csv_line_start (fd, (off_t) (i + 1) * len, size)
                  : size;
      if (e < 0)
        fail (all, VBGMM_EIO, 0, "read error: %s", strerror (errno));
      pc[i].end = e > pc[i].begin ? e : pc[i].begin;
    }

  /* The first piece alone: the header and the shape of the rows.  */
  long line = all->line;
  if (!all->status && piece_read (fd, pc, opt, 0))
    *whole = 1;
  else if (!all->status && pc[0].r.status)
    {
      *all->err = pc[0].err;
      all->status = pc[0].r.status;
    }
  else if (!all->status && !pc[0].r.have_first)
    *whole = 1;
  else if (!all->status)
    {
      all->d = pc[0].r.d;
      all->names = pc[0].r.names;
      pc[0].r.names = NULL;
      if (append_rows (all, &pc[0].r))
        fail_nomem (all);
      line = line_add (line, pc[0].newlines);
    }
  vbgmm_csv_options rest = *opt;
  rest.header = VBGMM_CSV_HEADER_NONE;
  rest.n_fields = pc[0].r.nf;
  rest.first_line = 1;
  int stop = all->status || *whole;

#pragma omp parallel for ordered schedule(dynamic, 1) num_threads(nt)
  for (size_t i = 1; i < np; i++)
    {
      int skip;
#pragma omp atomic read
      skip = stop;
      int open = skip ? 0 : piece_read (fd, pc + i, &rest, 1);
#pragma omp ordered
      {
        int now = stop;
        if (!now && open)
          *whole = now = 1;
        else if (!now && pc[i].r.status)
          {
            *all->err = pc[i].err;
            if (all->err->line > 0)
              all->err->line = line_add (all->err->line, line - 1);
            all->status = pc[i].r.status;
            now = 1;
          }
        else if (!now && append_rows (all, &pc[i].r))
          {
            fail_nomem (all);
            now = 1;
          }
#pragma omp atomic write
        stop = now;
        line = line_add (line, pc[i].newlines);
        reader_free (&pc[i].r);
      }
    }
  reader_free (&pc[0].r);
  free (pc);
  if (*whole)
    {
      free (all->x);
      all->x = NULL;
      all->n = all->cap = 0;
      if (all->names)
        for (size_t j = 0; j < all->d; j++)
          free (all->names[j]);
      free (all->names);
      all->names = NULL;
    }
  return all->status;
}

int
vbgmm_csv_read_file (const char *path, const vbgmm_csv_options *opt,
                     int threads, vbgmm_data **data, vbgmm_error *err)
{
  vbgmm_error dummy;
  if (err == NULL)
    err = &dummy;
  if (check_args (path, &opt, data, err))
    return err->status;
  struct reader r;
  reader_init (&r, opt, err);
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) != 0)
    fail (&r, VBGMM_EIO, 0, "%s", strerror (errno));
  else if (S_ISDIR (st.st_mode))
    fail (&r, VBGMM_EIO, 0, "%s", strerror (EISDIR));
  int whole = 1;
  if (!r.status && S_ISREG (st.st_mode))
    read_pieces (fd, st.st_size, opt, vbgmm_threads (threads), &r, &whole);
  if (!r.status && whole)
    {
      FILE *fp = fdopen (fd, "r");
      if (!fp)
        fail (&r, VBGMM_EIO, 0, "%s", strerror (errno));
      else
        {
          fd = -1;
          reader_run (&r, fp);
          fclose (fp);
        }
    }
  if (fd >= 0)
    close (fd);
  reader_result (&r, data);
  reader_free (&r);
  return r.status;
}
