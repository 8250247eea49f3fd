/* test_csvread.c -- unit tests of vbgmm_csv_read

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

/* Every expected value below is written by hand from the input text,
   never taken from an earlier run of the reader.  */

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif

#include <locale.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vbgmm.h"
#include "check.h"


/* A temporary file holding TEXT[0..LEN): unlike fmemopen it takes an
   empty text and NUL bytes.  */
static FILE *
text_file (const char *text, size_t len)
{
  FILE *fp = tmpfile ();
  if (fp == NULL)
    {
      perror ("tmpfile");
      exit (1);
    }
  if (len > 0 && fwrite (text, 1, len, fp) != len)
    {
      perror ("fwrite");
      exit (1);
    }
  rewind (fp);
  return fp;
}

static int
read_text (const char *text, size_t len, const vbgmm_csv_options *opt,
           vbgmm_data **data, vbgmm_error *err)
{
  FILE *fp = text_file (text, len);
  int status = vbgmm_csv_read (fp, opt, data, err);
  fclose (fp);
  return status;
}

/* TEXT must read as N rows of D values X (row-major), with column
   names NAMES (NULL: no header).  */
static void
expect_data (const char *name, const char *text, size_t len,
             const vbgmm_csv_options *opt, size_t n, size_t d,
             const double *x, const char *const *names)
{
  vbgmm_data *data = NULL;
  vbgmm_error err;
  int status = read_text (text, len, opt, &data, &err);
  check (status == VBGMM_SUCCESS, "%s: status %d (%s, line %ld)", name,
         status, err.message, err.line);
  if (status != VBGMM_SUCCESS || data == NULL)
    {
      check (data == NULL, "%s: data set after an error", name);
      vbgmm_data_free (data);
      return;
    }
  check (data->n == n, "%s: n = %zu, expected %zu", name, data->n, n);
  check (data->d == d, "%s: d = %zu, expected %zu", name, data->d, d);
  check (data->first_row == 0, "%s: first_row = %zu", name,
         data->first_row);
  check (data->n_total == data->n, "%s: n_total = %zu", name,
         data->n_total);
  if (data->n == n && data->d == d)
    for (size_t i = 0; i < n * d; i++)
      check (data->x[i] == x[i], "%s: x[%zu] = %.17g, expected %.17g",
             name, i, data->x[i], x[i]);
  if (names == NULL)
    check (data->names == NULL, "%s: unexpected header", name);
  else if (data->names == NULL)
    check (0, "%s: header not found", name);
  else
    for (size_t j = 0; j < d && j < data->d; j++)
      check (strcmp (data->names[j], names[j]) == 0,
             "%s: name %zu is '%s', expected '%s'", name, j,
             data->names[j], names[j]);
  vbgmm_data_free (data);
}

static void
expect_error_from (const char *name, FILE *fp, const vbgmm_csv_options *opt,
                   int status, long line, const char *message)
{
  vbgmm_data *data = (vbgmm_data *) &n_checks; /* must become NULL */
  vbgmm_error err;
  int got = vbgmm_csv_read (fp, opt, &data, &err);
  check (got == status, "%s: status %d, expected %d (%s)", name, got,
         status, err.message);
  check (err.status == status, "%s: err.status %d, expected %d", name,
         err.status, status);
  check (err.line == line, "%s: line %ld, expected %ld", name, err.line,
         line);
  check (strcmp (err.message, message) == 0,
         "%s: message '%s', expected '%s'", name, err.message, message);
  check (data == NULL, "%s: data not NULL after an error", name);
  if (data != (vbgmm_data *) &n_checks)
    vbgmm_data_free (data);
}

static void
expect_error (const char *name, const char *text, size_t len,
              const vbgmm_csv_options *opt, int status, long line,
              const char *message)
{
  FILE *fp = text_file (text, len);
  expect_error_from (name, fp, opt, status, line, message);
  fclose (fp);
}

/* For texts without NUL bytes.  */
#define OK(name, text, opt, n, d, x, names) \
  expect_data (name, text, strlen (text), opt, n, d, x, names)
#define BAD(name, text, opt, line, message) \
  expect_error (name, text, strlen (text), opt, VBGMM_EDATA, line, message)

static void
test_formats (void)
{
  {
    const double x[] = { 1, 2, 3, 4, 5, 6 };
    OK ("LF", "1,2,3\n4,5,6\n", NULL, 2, 3, x, NULL);
    OK ("no final LF", "1,2,3\n4,5,6", NULL, 2, 3, x, NULL);
    OK ("CRLF", "1,2,3\r\n4,5,6\r\n", NULL, 2, 3, x, NULL);
    OK ("CRLF, no final LF", "1,2,3\r\n4,5,6\r", NULL, 2, 3, x, NULL);
    OK ("BOM", "\xef\xbb\xbf" "1,2,3\n4,5,6\n", NULL, 2, 3, x, NULL);
    OK ("blank lines", "\n\n1,2,3\n\n   \n\t\r\n \t \n4,5,6\n\n\n", NULL,
        2, 3, x, NULL);
    OK ("comments", "# vbgmm data\n1,2,3\n#\n# \"odd, \"quote\n4,5,6\n#",
        NULL, 2, 3, x, NULL);
    OK ("spaces", "  1 ,\t2\t,  3\n4,    5, 6 \t\n", NULL, 2, 3, x, NULL);
    OK ("quoted", "\"1\",\" 2 \", \"3\"\t\n\"\t4\",5,\"6\"\r\n", NULL, 2, 3,
        x, NULL);
  }
  {
    /* The notebook's format.  */
    const double x[] = { -0.77, 3.30, -2.14, 5.0592527840765911, -1e-3, 0 };
    OK ("notebook", "-0.77, 3.30, -2.14\n5.0592527840765911, -1E-3, -0.0\n",
        NULL, 2, 3, x, NULL);
  }
  {
    /* Underflow to zero or to a subnormal is the nearest double.  */
    const double x[] = { 0.1, 1e-300, -2.5e10, 123456789012345678.0,
                         4.9406564584124654e-324, 0.0, 1.7976931348623157e308,
                         2.2250738585072014e-308 };
    OK ("exact values",
        "0.1,1e-300,-2.5E+10,123456789012345678,"
        "4.9e-324,1e-400,1.7976931348623157e308,2.2250738585072014E-308\n",
        NULL, 1, 8, x, NULL);
  }
}

static void
test_header (void)
{
  {
    const double x[] = { 1.5, 2.5, -3, 0.04 };
    const char *names[] = { "a", "b" };
    OK ("header", "a,b\n1.5,2.5\n-3,4e-2\n", NULL, 2, 2, x, names);
    OK ("header, CRLF", "a,b\r\n1.5,2.5\r\n-3,4e-2\r\n", NULL, 2, 2, x,
        names);
    OK ("header after BOM", "\xef\xbb\xbf" "a,b\n1.5,2.5\n-3,4e-2\n", NULL,
        2, 2, x, names);
    OK ("header after comments", "# made by hand\n\n a , \"b\"\n1.5,2.5\n"
        "-3,4e-2\n", NULL, 2, 2, x, names);
  }
  {
    /* Spaces around a field are trimmed, those inside quotes are the
       name's own; a quoted number is still read as strtod reads it,
       spaces around it skipped ("quoted" above).  */
    const double x[] = { 1.5, 2.5, -3, 0.04 };
    const char *names[] = { " a", "b " };
    OK ("quoted names keep their spaces", "\" a\",\"b \"\n1.5,2.5\n"
        "-3,4e-2\n", NULL, 2, 2, x, names);
    const char *names2[] = { " a ", "b", "\tc" };
    const double x2[] = { 1.5, 2.5, 7, -3, 0.04, 8 };
    OK ("quoted names, spaces outside", "  \" a \" , b ,\"\tc\"\n"
        "\" 1.5 \",2.5,\"7\t\"\n-3 , 4e-2 ,8\n", NULL, 2, 3, x2, names2);
  }
  {
    const double x[] = { 1, 2, 3 };
    const char *names[] = { "mass, kg", "len\"gth", "" };
    OK ("quoted header", "\"mass, kg\",\"len\"\"gth\",\n1,2,3\n", NULL, 1, 3,
        x, names);
  }
  {
    /* The # line is inside a quoted field, so it is text.  */
    const double x[] = { 1, 2 };
    const char *names[] = { "x\n# still x", "y" };
    OK ("multi-line header", "\"x\n# still x\",y\n1,2\n", NULL, 1, 2, x,
        names);
    const char *names2[] = { "x\r\n\r\ny", "z" };
    OK ("multi-line header, CRLF", "\"x\r\n\r\ny\",z\r\n1,2\r\n", NULL, 1, 2,
        x, names2);
    /* libcsv keeps a CR inside quotes; one alone keeps its place too.  */
    const char *names3[] = { "x\ry", "a\rb" };
    OK ("lone CR in names", "\"x\ry\",a\rb\n1,2\n", NULL, 1, 2, x, names3);
  }
  {
    /* pandas writes an empty name for its index column.  */
    const double x[] = { 0, 1.5, 2.5 };
    const char *names[] = { "", "a", "b" };
    OK ("empty header name", ",a,b\n0,1.5,2.5\n", NULL, 1, 3, x, names);
  }
  {
    vbgmm_csv_options opt = { 0 };
    opt.header = VBGMM_CSV_HEADER_NONE;
    BAD ("no header wanted", "a,b\n1,2\n", &opt, 1,
         "field 1 is not a number: 'a'");
    const double x[] = { 1, 2 };
    OK ("no header wanted, numbers", "1,2\n", &opt, 1, 2, x, NULL);
  }
}

static void
test_columns (void)
{
  vbgmm_csv_options opt = { 0 };
  {
    const size_t cols[] = { 2, 0, 2 };
    opt.columns = cols;
    opt.n_columns = 3;
    const double x[] = { 3, 1, 3, 6, 4, 6 };
    const char *names[] = { "c", "a", "c" };
    OK ("columns reordered", "a,b,c\n1,2,3\n4,5,6\n", &opt, 2, 3, x, names);
    OK ("columns, no header", "1,2,3\n4,5,6\n", &opt, 2, 3, x, NULL);
  }
  {
    /* A text column left out neither makes a header nor an error.  */
    const size_t cols[] = { 0, 2 };
    opt.columns = cols;
    opt.n_columns = 2;
    const double x[] = { 1, 2, 3, 4 };
    OK ("text column left out", "1,setosa,2\n3,virginica,4\n", &opt, 2, 2,
        x, NULL);
    const char *names[] = { "x", "y" };
    OK ("text column left out, header", "x,species,y\n1,setosa,2\n"
        "3,virginica,4\n", &opt, 2, 2, x, names);
  }
  {
    const size_t cols[] = { 0, 3 };
    opt.columns = cols;
    opt.n_columns = 2;
    BAD ("column out of range", "1,2,3\n4,5,6\n", &opt, 1,
         "column 4 requested but rows have 3 fields");
    BAD ("column out of range, header", "# c\na,b,c\n4,5,6\n", &opt, 2,
         "column 4 requested but rows have 3 fields");
  }
}

static void
test_lines (void)
{
  vbgmm_csv_options opt = { 0 };
  BAD ("line count", "# c\n\n1,2\n\r\n3,x\n", NULL, 5,
       "field 2 is not a number: 'x'");
  opt.first_line = 10;
  BAD ("first_line", "1,2\n\n1,x\n", &opt, 12,
       "field 2 is not a number: 'x'");
  /* Line numbers stay at LONG_MAX past it, and a line number below 1
     is no option (0 is the default, 1).  */
  opt.first_line = LONG_MAX;
  BAD ("first_line LONG_MAX", "1,2\n\n1,x\n", &opt, LONG_MAX,
       "field 2 is not a number: 'x'");
  opt.first_line = LONG_MAX - 1;
  BAD ("first_line LONG_MAX - 1", "1,2\n1,2\n3\n", &opt, LONG_MAX,
       "expected 2 fields, found 1");
  opt.first_line = -1;
  expect_error ("first_line -1", "1,2\n", 4, &opt, VBGMM_EINVAL, 0,
                "first_line must be 0 (line 1) or more, not -1");
  opt.first_line = LONG_MIN;
  expect_error ("first_line LONG_MIN", "1,2\n", 4, &opt, VBGMM_EINVAL, 0,
                "first_line must be 0 (line 1) or more, not "
                "-9223372036854775808");
  /* So too when the file is read in pieces (of 16 bytes here), which
     add up the lines of those before.  */
  char path[] = "/tmp/test_csvread.XXXXXX";
  int fd = mkstemp (path);
  FILE *fp = fd >= 0 ? fdopen (fd, "w") : NULL;
  if (fp)
    {
      for (int i = 0; i < 20; i++)
        fputs ("1.5,2.5\n", fp);
      fputs ("1,2,3\n", fp);
      fclose (fp);
      setenv ("VBGMM_CSV_PIECE", "16", 1);
      for (long first = LONG_MAX - 30; first <= LONG_MAX - 10; first += 10)
        {
          opt.first_line = first;
          vbgmm_data *data = NULL;
          vbgmm_error err;
          int status = vbgmm_csv_read_file (path, &opt, 2, &data, &err);
          long want = first == LONG_MAX - 30 ? LONG_MAX - 10 : LONG_MAX;
          check (status == VBGMM_EDATA && err.line == want
                 && strcmp (err.message, "expected 2 fields, found 3") == 0,
                 "pieces, first_line LONG_MAX - %ld: status %d, line %ld, "
                 "expected %ld (%s)", LONG_MAX - first, status, err.line,
                 want, err.message);
          vbgmm_data_free (data);
        }
      unsetenv ("VBGMM_CSV_PIECE");
      remove (path);
    }
  check (fp != NULL, "a temporary file for the pieces");
  opt.first_line = 0;
  BAD ("line after a multi-line record", "\"x\ny\",z\n1,2\n3\n", NULL, 4,
       "expected 2 fields, found 1");
  BAD ("error in a multi-line record", "x,y\n1,2\n3,\"\n4\"\n", NULL, 3,
       "field 2 is not a number: '\\x0a4'");
  BAD ("line after a BOM", "\xef\xbb\xbf" "1,2\n3\n", NULL, 2,
       "expected 2 fields, found 1");
  /* A CR alone does not end a line.  */
  BAD ("lone CR", "1,2\n3,4\r5\n", NULL, 2,
       "field 2 is not a number: '4\\x0d5'");
}

static void
test_errors (void)
{
  vbgmm_csv_options opt = { 0 };

  BAD ("ragged, short", "1,2,3\n4,5\n", NULL, 2,
       "expected 3 fields, found 2");
  BAD ("ragged, long", "a,b\n1,2\n3,4,5\n", NULL, 3,
       "expected 2 fields, found 3");
  BAD ("ragged, trailing comma", "1,2\n3,4,\n", NULL, 2,
       "expected 2 fields, found 3");
  opt.n_fields = 3;
  BAD ("n_fields", "1,2\n", &opt, 1, "expected 3 fields, found 2");
  opt.n_fields = 0;

  BAD ("empty field", "1,,2\n", NULL, 1, "field 2 is empty");
  BAD ("empty field, later row", "1,2,3\n4,,6\n", NULL, 2,
       "field 2 is empty");
  BAD ("blank quoted field", "1,2\n\" \",3\n", NULL, 2, "field 1 is empty");
  BAD ("empty last field", "1,2\n3,\n", NULL, 2, "field 2 is empty");

  BAD ("1.5x", "1,2\n1.5x,2\n", NULL, 2, "field 1 is not a number: '1.5x'");
  BAD ("inner blank", "1,2\n3,\"4 5\"\n", NULL, 2,
       "field 2 is not a number: '4 5'");
  BAD ("decimal comma", "1,2\n\"3,5\",2\n", NULL, 2,
       "field 1 is not a number: '3,5'");
  BAD ("long field", "1\n0123456789012345678901234567890123456789xyz\n",
       NULL, 2, "field 1 is not a number: "
       "'0123456789012345678901234567890123456789...'");
  BAD ("tab shown as \\x09", "1,2\n\"a\tb\",2\n", NULL, 2,
       "field 1 is not a number: 'a\\x09b'");

  BAD ("nan", "1,2\n3,nan\n", NULL, 2,
       "field 2 is not a finite number: 'nan'");
  BAD ("NaN first row", "NaN,1\n", NULL, 1,
       "field 1 is not a finite number: 'NaN'");
  BAD ("inf", "1,2\n3, inf\n", NULL, 2,
       "field 2 is not a finite number: 'inf'");
  BAD ("-Infinity", "1,2\n-Infinity,3\n", NULL, 2,
       "field 1 is not a finite number: '-Infinity'");
  BAD ("1e999", "1,2\n3,1e999\n", NULL, 2,
       "field 2 is out of range: '1e999'");
  BAD ("-1e999", "-1e999,2\n", NULL, 1,
       "field 1 is out of range: '-1e999'");

  {
    const char bin[] = "1,2\n3,\0\x01\x02\xff,4\n";
    expect_error ("NUL bytes", bin, sizeof bin - 1, NULL, VBGMM_EDATA, 2,
                  "binary data, not CSV text");
    const char bin2[] = "\x7f" "ELF\x02\x01\x01\0\0\0";
    expect_error ("ELF header", bin2, sizeof bin2 - 1, NULL, VBGMM_EDATA, 1,
                  "binary data, not CSV text");
  }
  BAD ("control character in a comment", "1,2\n# \x1b[0m\n", NULL, 2,
       "binary data, not CSV text");

  BAD ("empty file", "", NULL, 0, "no data");
  BAD ("header only", "a,b\n", NULL, 0, "no data");
  BAD ("blank and comment lines only", "# a\n\n  \r\n# b\n", NULL, 0,
       "no data");
  BAD ("BOM only", "\xef\xbb\xbf", NULL, 0, "no data");

  BAD ("unterminated quote", "1,2\n3,\"4\n5,6\n", NULL, 2,
       "unterminated quoted field");
  BAD ("unterminated quote, last line", "1,2\n3,\"4", NULL, 2,
       "unterminated quoted field");
  BAD ("unterminated quote, header", "\"a,b\n1,2\n", NULL, 1,
       "unterminated quoted field");

  FILE *dir = fopen ("/tmp", "r");
  if (dir != NULL)
    {
      expect_error_from ("directory", dir, NULL, VBGMM_EIO, 0,
                         "read error: Is a directory");
      fclose (dir);
    }
}

/* Inputs larger than the reader's 1 MiB blocks.  */
static void
test_large (void)
{
  size_t rows = 200000;
  size_t size = 64 + 2 * (1 << 20) + rows * 24;
  char *text = malloc (size);
  if (text == NULL)
    {
      perror ("malloc");
      exit (1);
    }
  /* A 2 MiB header name, longer than a block.  */
  size_t len = 0;
  text[len++] = '"';
  memset (text + len, 'h', 2 << 20);
  len += 2 << 20;
  len += sprintf (text + len, "\",b\r\n");
  for (size_t i = 0; i < rows; i++)
    len += sprintf (text + len, "%zu,%zu.25\n", i, i);

  FILE *fp = text_file (text, len);
  vbgmm_data *data = NULL;
  vbgmm_error err;
  int status = vbgmm_csv_read (fp, NULL, &data, &err);
  fclose (fp);
  check (status == VBGMM_SUCCESS, "large: status %d (%s)", status,
         err.message);
  if (data != NULL)
    {
      check (data->n == rows && data->d == 2, "large: %zu x %zu", data->n,
             data->d);
      int good = data->names != NULL
                 && strlen (data->names[0]) == (size_t) 2 << 20;
      for (size_t i = 0; good && i < rows; i++)
        good = data->x[2 * i] == (double) i
               && data->x[2 * i + 1] == i + 0.25;
      check (good, "large: values or names");
      vbgmm_data_free (data);
    }

  /* The line count survives the block boundaries.  */
  len += sprintf (text + len, "1\n");
  expect_error ("large, ragged last row", text, len, NULL, VBGMM_EDATA,
                (long) rows + 2, "expected 2 fields, found 1");
  free (text);
}

static void
test_locale (void)
{
  const char *locales[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                            "fr_FR.utf8", "ru_RU.UTF-8", NULL };
  const char *found = NULL;
  for (size_t i = 0; locales[i] != NULL && found == NULL; i++)
    if (setlocale (LC_ALL, locales[i]) != NULL)
      found = locales[i];
  if (found == NULL)
    {
      printf ("note: no locale with a decimal comma; locale test skipped\n");
      return;
    }
  const double x[] = { 1.5, -0.25 };
  OK ("decimal comma locale", "1.5,-0.25\n", NULL, 1, 2, x, NULL);
  setlocale (LC_ALL, "C");
}

static void
test_alloc (void)
{
  vbgmm_data *data = vbgmm_data_alloc (0, 3);
  check (data != NULL && data->n == 0 && data->d == 3 && data->names == NULL
         && data->first_row == 0 && data->n_total == 0,
         "vbgmm_data_alloc (0, 3)");
  vbgmm_data_free (data);
  data = vbgmm_data_alloc (4, 2);
  check (data != NULL && data->x != NULL && data->n_total == 4
         && data->x[7] == 0, "vbgmm_data_alloc (4, 2)");
  if (data != NULL)
    {
      /* A half-built header: the free must cope.  */
      data->names = calloc (2, sizeof *data->names);
      if (data->names != NULL)
        data->names[0] = malloc (1);
    }
  vbgmm_data_free (data);
  vbgmm_data_free (NULL);
}

/* Every number the reader takes, whatever path reads it (fast_float or
   strtod), is the double strtod gives for its text: random doubles of
   every exponent, subnormals included, in the formats people write.  */
static void
test_numbers (void)
{
  const size_t rows = 20000;
  char *text = malloc (rows * 400 + 64), *t = text;
  double *want = malloc (rows * sizeof (double));
  if (text == NULL || want == NULL)
    {
      perror ("malloc");
      exit (1);
    }
  unsigned long long state = 88172645463325252ULL;
  for (size_t i = 0; i < rows; i++)
    {
      /* xorshift64: random bits, then a double of them.  */
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      double v;
      unsigned long long bits = state;
      if (i % 3 == 0)
        bits &= 0x800fffffffffffffULL;  /* subnormal or zero */
      else if (i % 3 == 1)
        bits = (bits & 0x800fffffffffffffULL)
               | ((unsigned long long) (1023 - 40 + bits % 80) << 52);
      memcpy (&v, &bits, sizeof v);
      if (!isfinite (v))
        v = 1.5;
      char *start = t;
      switch (i % 7)
        {
        case 0: t += sprintf (t, "%.17g", v); break;
        case 1: t += sprintf (t, "%.7g", v); break;
        case 2: t += sprintf (t, "%.3e", v); break;
        case 3: t += sprintf (t, "%.10f", v); break;
        case 4: t += sprintf (t, "%g", v); break;
        case 5: t += sprintf (t, "%+.5g", v); break;
        default: t += sprintf (t, "%.20e", v); break;
        }
      want[i] = strtod (start, NULL);
      *t++ = '\n';
    }
  vbgmm_data *data = NULL;
  vbgmm_error err;
  int status = read_text (text, t - text, NULL, &data, &err);
  check (status == VBGMM_SUCCESS && data != NULL && data->n == rows,
         "numbers: status %d (%s)", status, err.message);
  size_t bad = 0;
  for (size_t i = 0; data != NULL && i < rows && i < data->n; i++)
    if (memcmp (&data->x[i], &want[i], sizeof (double)) != 0)
      bad++;
  check (bad == 0, "numbers: %zu of %zu differ from strtod", bad, rows);
  vbgmm_data_free (data);
  free (want);
  free (text);
}

int
main (void)
{
  test_alloc ();
  test_numbers ();
  test_formats ();
  test_header ();
  test_columns ();
  test_lines ();
  test_errors ();
  test_large ();
  test_locale ();
  return check_summary ("test_csvread");
}
