/* plot.c -- the pictures vbgmm draws with PLplot (program only)

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

#include "plot.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plplot.h>

/* matplotlib's "tab10" without its grey, which is kept for the points
   of components that are not effective, then eleven more that differ
   from them in hue or lightness and still read on white.  */
const unsigned long plot_palette[PLOT_PALETTE_SIZE] = {
  0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
  0x8c564b, 0xe377c2, 0xbcbd22, 0x17becf,
  0x000075, 0x800000, 0x469990, 0xf032e6, 0x808000,
  0x911eb4, 0xffc000, 0x4d2600, 0x7cfc00, 0x0000ff, 0x006400
};

/* cmap0: PLplot's default is white on black; index 0 is the
   background, 1 the axes and text, then our own greys, then the
   cluster palette.  */
enum
{
  COL_BG = 0,
  COL_FG = 1,
  COL_GREY = 2,   /* points of components that are not effective */
  COL_DARK = 3,   /* captions, reference lines */
  COL_GRID = 4,   /* grid lines of the 3-D box */
  COL_PALETTE = 5,
  COL_COUNT = COL_PALETTE + PLOT_PALETTE_SIZE
};

/* plpoin codes; they are drawn as font glyphs by the cairo drivers.  */
enum
{
  SYM_DOT = 17,     /* filled circle */
  SYM_CROSS = 5     /* x */
};

#define PLOT_PI 3.14159265358979323846

__attribute__ ((format (printf, 3, 4)))
static void
plot_error (char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;

  if (err == NULL || errlen == 0)
    return;
  va_start (ap, fmt);
  vsnprintf (err, errlen, fmt, ap);
  va_end (ap);
}

/* Copy SRC into DST (SIZE bytes) as PLplot text: '#' is PLplot's
   escape character and must be doubled, control characters and bytes
   that are not UTF-8 would upset the text layout, and a long column
   name would run over its neighbours, so it is cut at MAXCHARS
   characters.  */
static void
plot_text_escape (char *dst, size_t size, const char *src, size_t maxchars)
{
  size_t o = 0, chars = 0;
  const unsigned char *s = (const unsigned char *) src;

  while (*s != '\0' && o + 5 < size)
    {
      size_t len = 1, i;

      if (chars == maxchars)
        {
          if (o + 4 < size)
            memcpy (dst + o, "...", 3), o += 3;
          break;
        }
      if (*s >= 0xc2 && *s <= 0xdf)
        len = 2;
      else if (*s >= 0xe0 && *s <= 0xef)
        len = 3;
      else if (*s >= 0xf0 && *s <= 0xf4)
        len = 4;
      else if (*s >= 0x80)
        len = 0; /* a stray continuation or invalid lead byte */
      for (i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
          len = 0;
      if (len == 0)
        {
          dst[o++] = '?';
          s++;
        }
      else if (len == 1)
        {
          if (*s == '#')
            dst[o++] = '#';
          dst[o++] = *s < 0x20 || *s == 0x7f ? ' ' : (char) *s;
          s++;
        }
      else
        {
          memcpy (dst + o, s, len);
          o += len;
          s += len;
        }
      chars++;
    }
  dst[o] = '\0';
}

/* Running PLplot without letting it exit or print.  */

/* PLplot calls exit() on fatal errors (plexit); its exit handler is
   our one chance to get control back, so it jumps to the drawing
   function that was running.  PLplot has global state and is not
   thread-safe, so neither is this.  */
static jmp_buf *plot_escape;
static char plot_exit_message[256];

static int
plot_exit_handler (const char *message)
{
  snprintf (plot_exit_message, sizeof plot_exit_message, "%s",
            message != NULL ? message : "");
  if (plot_escape != NULL)
    longjmp (*plot_escape, 1);
  return 1;
}

/* Where plabort() writes instead of stderr (plsError).  Static, as the
   stream keeps pointers to them and they are read after a longjmp.  */
static PLINT plot_errcode;
static char plot_errmsg[1024];

/* Copy PLplot's message (which begins with a newline and ends with
   ", aborting operation\n") to ERR.  */
static void
plot_error_plplot (char *err, size_t errlen, const char *what,
                   const char *message)
{
  char buf[512];
  size_t len;

  while (*message == '\n' || *message == ' ')
    message++;
  snprintf (buf, sizeof buf, "%s", message);
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
    buf[--len] = '\0';
  plot_error (err, errlen, "%s: PLplot: %s", what, buf);
}

static int
plot_device_available (const char *device)
{
  const char *menu[256], *names[256];
  const char **pmenu = menu, **pnames = names;
  int i, ndev = 256;

  plgDevs (&pmenu, &pnames, &ndev);
  for (i = 0; i < ndev; i++)
    if (strcmp (names[i], device) == 0)
      return 1;
  return 0;
}

/* The checks that keep PLplot from asking questions on standard input,
   writing to standard output or exiting.  */
static int
plot_check_output (const char *path, const plot_spec *spec,
                   char *err, size_t errlen)
{
  static const char *const devices[] = { "pngcairo", "svgcairo", "pdfcairo" };
  size_t i;
  FILE *f;

  if (spec == NULL || spec->device == NULL)
    {
      plot_error (err, errlen, "no output device");
      return -1;
    }
  for (i = 0; i < sizeof devices / sizeof devices[0]; i++)
    if (strcmp (spec->device, devices[i]) == 0)
      break;
  if (i == sizeof devices / sizeof devices[0])
    {
      plot_error (err, errlen, "unknown picture format '%s'", spec->device);
      return -1;
    }
  if (spec->width < 16 || spec->width > 16384
      || spec->height < 16 || spec->height > 16384)
    {
      plot_error (err, errlen, "picture size %dx%d out of range",
                  spec->width, spec->height);
      return -1;
    }
  /* PLplot writes "-" to standard output and takes "%n" out of a file
     name (its numbering of file families).  */
  if (path == NULL || *path == '\0' || strcmp (path, "-") == 0
      || strstr (path, "%n") != NULL)
    {
      plot_error (err, errlen, "%s: unusable picture file name",
                  path != NULL ? path : "(null)");
      return -1;
    }
  /* PLplot retries a file it cannot open and then exits; find out
     first.  */
  f = fopen (path, "wb");
  if (f == NULL || fclose (f) != 0)
    {
      plot_error (err, errlen, "%s: cannot write", path);
      return -1;
    }
  if (!plot_device_available (spec->device))
    {
      plot_error (err, errlen, "%s: PLplot has no '%s' driver", path,
                  spec->device);
      return -1;
    }
  return 0;
}

/* The cairo drivers do not report failed writes (a full disk), so look
   for the end marker of the format at the end of the file.  */
static int
plot_check_complete (const char *path, const char *device)
{
  static const struct
  {
    const char *device, *tail;
  } tails[] = {
    { "pngcairo", "IEND\xae\x42\x60\x82" },
    { "svgcairo", "</svg>" },
    { "pdfcairo", "%%EOF" }
  };
  char buf[64];
  const char *tail = NULL;
  size_t i, len, got;
  FILE *f;
  long size;

  for (i = 0; i < sizeof tails / sizeof tails[0]; i++)
    if (strcmp (device, tails[i].device) == 0)
      tail = tails[i].tail;
  if (tail == NULL)
    return 0;
  f = fopen (path, "rb");
  if (f == NULL)
    return -1;
  if (fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0)
    {
      fclose (f);
      return -1;
    }
  len = size < (long) sizeof buf ? (size_t) size : sizeof buf;
  if (fseek (f, -(long) len, SEEK_END) != 0)
    {
      fclose (f);
      return -1;
    }
  got = fread (buf, 1, len, f);
  fclose (f);
  for (i = 0; i + strlen (tail) <= got; i++)
    if (memcmp (buf + i, tail, strlen (tail)) == 0)
      return 0;
  return -1;
}

typedef int (*plot_draw_fn) (void *arg, const plot_spec *spec,
                             char *err, size_t errlen);

/* Open a new PLplot stream writing PATH, call DRAW, close the stream.
   A new stream per picture, so that pictures never share settings and
   the caller's own stream (if any) is left as it was.  */
static int
plot_run (const char *path, const plot_spec *spec, plot_draw_fn draw,
          void *arg, char *err, size_t errlen)
{
  jmp_buf escape;
  PLINT previous, stream;
  PLINT r[COL_COUNT], g[COL_COUNT], b[COL_COUNT];
  static const unsigned long fixed[COL_PALETTE] = {
    0xffffff, 0x000000, PLOT_GREY, 0x505050, 0xc8c8c8
  };
  int status, i;

  if (plot_check_output (path, spec, err, errlen) != 0)
    return -1;

  for (i = 0; i < COL_COUNT; i++)
    {
      unsigned long c = i < COL_PALETTE ? fixed[i]
        : plot_palette[i - COL_PALETTE];
      r[i] = (PLINT) (c >> 16 & 0xff);
      g[i] = (PLINT) (c >> 8 & 0xff);
      b[i] = (PLINT) (c & 0xff);
    }

  plgstrm (&previous);
  plmkstrm (&stream);
  if (stream < 0)
    {
      plsstrm (previous);
      plot_error (err, errlen, "%s: PLplot has no free stream", path);
      return -1;
    }
  plot_errcode = 0;
  plot_errmsg[0] = '\0';
  plsError (&plot_errcode, plot_errmsg);

  plot_escape = &escape;
  plsexit (plot_exit_handler);
  if (setjmp (escape) != 0)
    {
      /* The stream is half torn down; ending it could exit again, so
         it is left allocated (PLplot has 100).  */
      plot_escape = NULL;
      plsexit (NULL);
      plsstrm (previous);
      plot_error_plplot (err, errlen, path, plot_exit_message);
      return -1;
    }

  plsdev (spec->device);
  plsfnam (path);
  plspage (0., 0., spec->width, spec->height, 0, 0);
  plscmap0 (r, g, b, COL_COUNT);
  plinit ();
  if (plot_errcode != 0)
    status = -1;
  else
    {
      pladv (0);
      status = draw (arg, spec, err, errlen);
    }
  plend1 ();

  plot_escape = NULL;
  plsexit (NULL);
  plsstrm (previous);

  if (plot_errcode != 0)
    {
      plot_error_plplot (err, errlen, path, plot_errmsg);
      return -1;
    }
  if (status != 0)
    return status;
  if (plot_check_complete (path, spec->device) != 0)
    {
      /* PLplot does not say why; the file ends short (a full disk).  */
      plot_error (err, errlen, "write failed: the file ends short (is the "
                  "disk full?)");
      return -1;
    }
  return 0;
}

/* Pen width for the page.  The cairo drivers scale text and symbols
   with the page already, but a pen width is in device units, so lines
   would get thinner as the page gets larger.  800x600 is the size the
   widths here were chosen for.  */
static double
plot_pen (const plot_spec *spec)
{
  double s = sqrt ((double) spec->width * spec->height / (800. * 600.));
  return s < 0.5 ? 0.5 : s > 8. ? 8. : s;
}

/* The cluster picture.  */

typedef struct plot_cluster_args
{
  size_t n, d;
  const double *x;
  const size_t *rows; /* ns: the sample the picture is made of (NULL: all) */
  size_t ns;
  const int *label;   /* ns: the component of each row of the sample */
  size_t k;
  const double *weight, *m, *cov;
  const int *effective;
  const char *const *names;
  const size_t *dims;
  size_t ndims;
  int force_matrix;

  /* Derived.  */
  size_t n_effective;
  double lo[PLOT_MAX_DIMS], hi[PLOT_MAX_DIMS]; /* axis ranges, shifted */
  double off[PLOT_MAX_DIMS];  /* subtracted from every coordinate */
  char name[PLOT_MAX_DIMS][160];  /* axis names, escaped */
  char cell[PLOT_MAX_DIMS][96];   /* short names for the matrix */
  size_t shown;       /* points drawn */
  size_t ngroups;     /* k components, then the grey group */
  size_t *count;      /* ngroups: points shown per group */
  size_t *first;      /* ngroups: where a group starts in index */
  size_t *index;      /* shown: row numbers, grouped */
  size_t *order;      /* ngroups: the order groups are drawn in */
  PLFLT *bx, *by, *bz; /* scratch: a group's coordinates */
  PLFLT symbol;       /* point size for the number of points */
} plot_cluster_args;

/* Row J of the sample: its row in X.  */
static size_t
plot_row (const plot_cluster_args *a, size_t j)
{
  return a->rows ? a->rows[j] : j;
}

/* The group of row J of the sample: its component if that is
   effective, else the grey group.  */
static size_t
plot_group (const plot_cluster_args *a, size_t j)
{
  int l = a->label[j];
  return l >= 0 && (size_t) l < a->k && a->effective[l] ? (size_t) l : a->k;
}

/* Effective components take the colours of the palette in turn, so
   that no two of them share one up to PLOT_PALETTE_SIZE.  */
static PLINT
plot_group_colour (const plot_cluster_args *a, size_t g)
{
  if (g >= a->k || !a->effective[g])
    return COL_GREY;
  size_t rank = 0;
  for (size_t c = 0; c < g; c++)
    rank += a->effective[c] != 0;
  return (PLINT) (COL_PALETTE + rank % PLOT_PALETTE_SIZE);
}

/* Points drawn at most: every point costs about the same, wherever it
   is drawn, so the picture has one budget of them, shared by the cells
   of a scatter matrix; a point in 3-D costs about five in 2-D.  */
static size_t
plot_shown_max (const plot_cluster_args *a)
{
  size_t p = a->ndims, m;
  if (p <= 2)
    return PLOT_MAX_POINTS;
  if (p == 3 && !a->force_matrix)
    return PLOT_MAX_POINTS / 5;
  m = PLOT_MAX_POINTS / (p * (p - 1));
  return m < 500 ? 500 : m;
}

/* The row shown as number J of SHOWN out of N: a fixed stride over the
   file, so large data is thinned the same way every time.  Written so
   that J * N cannot overflow.  */
size_t
plot_pick (size_t j, size_t shown, size_t n)
{
  return j * (n / shown) + j * (n % shown) / shown;
}

static int
plot_cluster_prepare (plot_cluster_args *a, char *err, size_t errlen)
{
  size_t i, j, g, q;

  a->n_effective = 0;
  for (i = 0; i < a->k; i++)
    if (a->effective[i])
      a->n_effective++;

  for (q = 0; q < a->ndims; q++)
    {
      size_t dim = a->dims[q];
      double lo = INFINITY, hi = -INFINITY, pad;
      char fallback[32];
      const char *name;

      for (j = 0; j < a->ns; j++)
        {
          i = plot_row (a, j);
          double v = a->x[i * a->d + dim];
          if (!isfinite (v))
            {
              plot_error (err, errlen, "point %zu is not finite", i + 1);
              return -1;
            }
          if (v < lo)
            lo = v;
          if (v > hi)
            hi = v;
        }
      /* A constant column still needs a range to draw on.  */
      pad = hi > lo ? 0.04 * (hi - lo) : fabs (lo) > 0 ? 0.1 * fabs (lo) : 1.;
      lo -= pad;
      hi += pad;
      /* Data far from the origin (1e5 +- 1) would get tick labels that
         all read "1.000"; draw it relative to a round number instead,
         and say so in the axis name.  */
      a->off[q] = 0.;
      if (fabs (0.5 * (lo + hi)) > 100. * (hi - lo))
        {
          double p = pow (10., ceil (log10 (hi - lo)));
          a->off[q] = p * round (0.5 * (lo + hi) / p);
        }
      a->lo[q] = lo - a->off[q];
      a->hi[q] = hi - a->off[q];

      snprintf (fallback, sizeof fallback, "x%zu", dim + 1);
      name = a->names != NULL && a->names[dim] != NULL ? a->names[dim]
        : fallback;
      plot_text_escape (a->name[q], sizeof a->name[q], name, 40);
      /* Matrix cells are narrow: 3 cells take 24 characters, 6 take 12.  */
      plot_text_escape (a->cell[q], sizeof a->cell[q], name,
                        a->ndims <= 3 ? 20 : 60 / a->ndims);
      if (a->off[q] != 0.)
        {
          char shift[40];
          size_t len;

          /* U+2212 MINUS SIGN */
          snprintf (shift, sizeof shift, " %s %.15g",
                    a->off[q] > 0. ? "\xe2\x88\x92" : "+", fabs (a->off[q]));
          len = strlen (a->name[q]);
          snprintf (a->name[q] + len, sizeof a->name[q] - len, "%s", shift);
          len = strlen (a->cell[q]);
          snprintf (a->cell[q] + len, sizeof a->cell[q] - len, "%s", shift);
        }
    }

  a->ngroups = a->k + 1;
  a->shown = a->ns < plot_shown_max (a) ? a->ns : plot_shown_max (a);
  a->count = calloc (a->ngroups, sizeof *a->count);
  a->first = calloc (a->ngroups, sizeof *a->first);
  a->order = malloc (a->ngroups * sizeof *a->order);
  a->index = malloc ((a->shown + 1) * sizeof *a->index);
  a->bx = malloc ((a->shown + 1) * sizeof *a->bx);
  a->by = malloc ((a->shown + 1) * sizeof *a->by);
  a->bz = malloc ((a->shown + 1) * sizeof *a->bz);
  if (a->count == NULL || a->first == NULL
      || a->order == NULL || a->index == NULL || a->bx == NULL
      || a->by == NULL || a->bz == NULL)
    {
      plot_error (err, errlen, "out of memory");
      return -1;
    }

  for (j = 0; j < a->shown; j++)
    a->count[plot_group (a, plot_pick (j, a->shown, a->ns))]++;
  for (g = 1; g < a->ngroups; g++)
    a->first[g] = a->first[g - 1] + a->count[g - 1];
  {
    size_t *fill = calloc (a->ngroups, sizeof *fill);
    if (fill == NULL)
      {
        plot_error (err, errlen, "out of memory");
        return -1;
      }
    for (j = 0; j < a->shown; j++)
      {
        size_t s = plot_pick (j, a->shown, a->ns);
        g = plot_group (a, s);
        a->index[a->first[g] + fill[g]++] = plot_row (a, s);
      }
    free (fill);
  }

  /* Grey first, underneath; then the largest clusters, so that a small
     cluster is drawn last and stays visible on top of a big one.  */
  a->order[0] = a->k;
  for (g = 0; g < a->k; g++)
    a->order[g + 1] = g;
  for (i = 2; i < a->ngroups; i++)
    for (j = i; j > 1 && a->count[a->order[j]] > a->count[a->order[j - 1]];
         j--)
      {
        size_t t = a->order[j];
        a->order[j] = a->order[j - 1];
        a->order[j - 1] = t;
      }
  return 0;
}

static void
plot_cluster_release (plot_cluster_args *a)
{
  free (a->count);
  free (a->first);
  free (a->index);
  free (a->order);
  free (a->bx);
  free (a->by);
  free (a->bz);
}

/* The plotting area of every cluster picture, in normalised page
   coordinates, with the legend in a column to its right.  */
#define PLOT_X0 0.11
#define PLOT_X1 0.80
#define PLOT_Y0 0.17
#define PLOT_Y1 0.90
#define LEGEND_X0 0.83
#define LEGEND_X1 0.99

/* Coordinates as drawn: shifted by the axis offset.  */
static double
plot_x (const plot_cluster_args *a, size_t row, size_t q)
{
  return a->x[row * a->d + a->dims[q]] - a->off[q];
}

static double
plot_m (const plot_cluster_args *a, size_t c, size_t q)
{
  return a->m[c * a->d + a->dims[q]] - a->off[q];
}

static double
plot_cov (const plot_cluster_args *a, size_t c, size_t qa, size_t qb)
{
  return a->cov[(c * a->ndims + qa) * a->ndims + qb];
}

/* Title above the current viewport, caption below it: what the marks
   mean, and how many points were left out.  */
static void
plot_page_text (const plot_cluster_args *a, const char *what, int thinned)
{
  char title[128], caption[320];

  snprintf (title, sizeof title, "vbgmm: %zu effective cluster%s",
            a->n_effective, a->n_effective == 1 ? "" : "s");
  if (thinned && a->shown < a->n)
    snprintf (caption, sizeof caption, "%s;  %zu of %zu points shown",
              what, a->shown, a->n);
  else if (a->ns < a->n)
    snprintf (caption, sizeof caption, "%s;  %zu of %zu points counted",
              what, a->ns, a->n);
  else
    snprintf (caption, sizeof caption, "%s", what);
  plcol0 (COL_FG);
  plschr (0., 1.25);
  plmtex ("t", 1.3, 0.5, 0.5, title);
  plschr (0., 0.8);
  plcol0 (COL_DARK);
  plmtex ("b", 5.6, 0., 0., caption);
  plcol0 (COL_FG);
  plschr (0., 1.);
}

/* Legend: a colour box per effective component with its weight, in
   the column right of the plotting area.  Drawn by hand, as pllegend
   cannot be placed in a page margin.  */
static void
plot_legend (const plot_cluster_args *a)
{
  PLFLT xmin, xmax, ymin, ymax, def, ht, wmm, hmm, row, bw, bh, y;
  char text[64];
  size_t c;

  plvpor (LEGEND_X0, LEGEND_X1, PLOT_Y0, PLOT_Y1);
  plwind (0., 1., 0., 1.);
  plgspa (&xmin, &xmax, &ymin, &ymax);
  wmm = (LEGEND_X1 - LEGEND_X0) * (xmax - xmin);
  hmm = (PLOT_Y1 - PLOT_Y0) * (ymax - ymin);
  plschr (0., 0.9);
  plgchr (&def, &ht);
  row = 2.1 * ht / hmm;
  bh = 1.4 * ht / hmm;
  bw = 1.4 * ht / wmm;
  plcol0 (COL_FG);
  plptex (0., 1. - 0.5 * row, 1., 0., 0., "weights");
  y = 1. - 1.7 * row;
  if (a->n_effective > PLOT_PALETTE_SIZE)
    {
      snprintf (text, sizeof text, "colours repeat after %d",
                PLOT_PALETTE_SIZE);
      plptex (0., y, 1., 0., 0., text);
      y -= row;
    }
  for (c = 0; c < a->k; c++)
    if (a->effective[c])
      {
        PLFLT bx[4] = { 0., 0., bw, bw };
        PLFLT by[4] = { y - bh / 2, y + bh / 2, y + bh / 2, y - bh / 2 };

        if (y < row)
          {
            plptex (0., y, 1., 0., 0., "...");
            break;
          }
        plcol0 (plot_group_colour (a, c));
        plfill (4, bx, by);
        plcol0 (COL_FG);
        snprintf (text, sizeof text, "%zu:  %.1f%%", c, 100. * a->weight[c]);
        plptex (bw + 0.6 * ht / wmm, y, 1., 0., 0., text);
        y -= row;
      }
  plschr (0., 1.);
}

/* Diameter in millimetres of a dot of symbol size 1: that of the
   filled-circle glyph (plpoin code 17) at PLplot's default symbol
   height.  */
#define PLOT_DOT_MM 1.9

/* Filled circles of symbol size SIZE at (X[i], Y[i]), world coordinates
   of the current viewport.  plpoin draws every point as a font glyph,
   which the cairo drivers lay out through Pango one at a time, and a
   polygon from plfill is filled and then stroked; an arc is drawn by
   cairo directly, at a fraction of the cost of either, and thousands
   of points are drawn for every picture.  */
static void
plot_dots (size_t n, const PLFLT *x, const PLFLT *y, PLFLT size)
{
  PLFLT sx0, sx1, sy0, sy1, vx0, vx1, vy0, vy1, wx0, wx1, wy0, wy1, rx, ry;
  size_t i;

  plgspa (&sx0, &sx1, &sy0, &sy1);
  plgvpd (&vx0, &vx1, &vy0, &vy1);
  plgvpw (&wx0, &wx1, &wy0, &wy1);
  /* The radius in world units along each axis.  */
  rx = 0.5 * PLOT_DOT_MM * size * (wx1 - wx0) / ((vx1 - vx0) * (sx1 - sx0));
  ry = 0.5 * PLOT_DOT_MM * size * (wy1 - wy0) / ((vy1 - vy0) * (sy1 - sy0));
  for (i = 0; i < n; i++)
    plarc (x[i], y[i], rx, ry, 0., 360., 0., 1);
}

/* Points of the 2-D picture or one cell of the matrix: dimension
   number QX across, QY up.  */
static void
plot_points_2d (plot_cluster_args *a, size_t qx, size_t qy, PLFLT size)
{
  size_t g, j;

  plssym (0., size);
  for (g = 0; g < a->ngroups; g++)
    {
      size_t grp = a->order[g], c = a->count[grp];

      if (c == 0)
        continue;
      for (j = 0; j < c; j++)
        {
          size_t row = a->index[a->first[grp] + j];
          a->bx[j] = plot_x (a, row, qx);
          a->by[j] = plot_x (a, row, qy);
        }
      plcol0 (plot_group_colour (a, grp));
      plot_dots (c, a->bx, a->by, size);
    }
}

/* The 1- and 2-sigma ellipses of component C in the plane of
   dimensions QX, QY: u'S^-1 u = s^2 for the 2x2 block S, drawn from
   its eigen-decomposition.  */
static void
plot_ellipses (const plot_cluster_args *a, size_t c, size_t qx, size_t qy,
               PLFLT width)
{
  enum { NSEG = 120 };
  double sxx = plot_cov (a, c, qx, qx), syy = plot_cov (a, c, qy, qy);
  double sxy = 0.5 * (plot_cov (a, c, qx, qy) + plot_cov (a, c, qy, qx));
  double mx = plot_m (a, c, qx), my = plot_m (a, c, qy);
  double half = 0.5 * (sxx + syy), root = hypot (0.5 * (sxx - syy), sxy);
  double l1 = half + root, l2 = half - root;
  double theta = 0.5 * atan2 (2. * sxy, sxx - syy);
  double ct = cos (theta), st = sin (theta);
  PLFLT ex[NSEG + 1], ey[NSEG + 1];
  size_t i;
  int s;

  /* A covariance that is not positive definite has no ellipse.  */
  if (!(l2 > 0.) || !isfinite (l1) || !isfinite (mx) || !isfinite (my))
    return;
  for (s = 1; s <= 2; s++)
    {
      for (i = 0; i <= NSEG; i++)
        {
          double t = 2. * PLOT_PI * (double) i / NSEG;
          double u = s * sqrt (l1) * cos (t), v = s * sqrt (l2) * sin (t);
          ex[i] = mx + u * ct - v * st;
          ey[i] = my + u * st + v * ct;
        }
      /* A black edge under the coloured line keeps the ellipse visible
         on top of its own points.  */
      plcol0 (COL_FG);
      plwidth (width * (s == 1 ? 3.2 : 2.4));
      plline (NSEG + 1, ex, ey);
      plcol0 (plot_group_colour (a, c));
      plwidth (width * (s == 1 ? 1.6 : 1.0));
      plline (NSEG + 1, ex, ey);
    }
  plwidth (width);
}

static void
plot_means (const plot_cluster_args *a, size_t qx, size_t qy, PLFLT size)
{
  size_t c;

  for (c = 0; c < a->k; c++)
    if (a->effective[c])
      {
        PLFLT px = plot_m (a, c, qx), py = plot_m (a, c, qy);

        plcol0 (COL_FG);
        plssym (0., 2.4 * size);
        plpoin (1, &px, &py, SYM_DOT);
        plcol0 (plot_group_colour (a, c));
        plssym (0., 1.5 * size);
        plpoin (1, &px, &py, SYM_DOT);
      }
}

/* Density of component C along dimension number Q at V (shifted).  */
static double
plot_normal (const plot_cluster_args *a, size_t c, size_t q, double v)
{
  double var = plot_cov (a, c, q, q), z;

  if (!(var > 0.) || !isfinite (var))
    return 0.;
  z = (v - plot_m (a, c, q)) / sqrt (var);
  return exp (-0.5 * z * z) / sqrt (2. * PLOT_PI * var);
}

static size_t
plot_bins (size_t n, size_t lo, size_t hi)
{
  /* Rice's rule: enough bars to show the shape, not so many that each
     is noise.  */
  size_t b = (size_t) ceil (2. * cbrt ((double) n));
  return b < lo ? lo : b > hi ? hi : b;
}

/* Histogram of dimension number Q from the sample's points, scaled to
   all N (the sample is all of them up to the caller's budget), each bar
   stacked by cluster, with the fitted
   mixture density sum_k w_k N(x | m_k, S_k) scaled to counts over it,
   and each effective component's share dashed if COMPONENTS.  Sets
   its own window; the caller has set the viewport.  HEADROOM leaves
   space above the highest bar.  */
static int
plot_histogram (plot_cluster_args *a, size_t q, size_t nbins, PLFLT width,
                int components, double headroom)
{
  enum { NCURVE = 400 };
  double lo = a->lo[q], hi = a->hi[q], h = (hi - lo) / nbins, top = 0.;
  /* A sample's counts, scaled to all the points.  */
  double scale = (double) a->n / a->ns;
  size_t *counts = calloc (nbins * a->ngroups, sizeof *counts);
  PLFLT cx[NCURVE + 1], cy[NCURVE + 1];
  size_t i, b, g;

  if (counts == NULL)
    return -1;
  for (i = 0; i < a->ns; i++)
    {
      b = (size_t) ((plot_x (a, plot_row (a, i), q) - lo) / h);
      if (b >= nbins)
        b = nbins - 1;
      counts[b * a->ngroups + plot_group (a, i)]++;
    }
  for (b = 0; b < nbins; b++)
    {
      size_t sum = 0;
      for (g = 0; g < a->ngroups; g++)
        sum += counts[b * a->ngroups + g];
      if (sum * scale > top)
        top = sum * scale;
    }
  for (i = 0; i <= NCURVE; i++)
    {
      double f = 0.;
      size_t c;

      cx[i] = lo + (hi - lo) * i / NCURVE;
      for (c = 0; c < a->k; c++)
        if (a->weight[c] > 0.)
          f += a->weight[c] * plot_normal (a, c, q, cx[i]);
      cy[i] = a->n * h * f;
      if (cy[i] > top && isfinite (cy[i]))
        top = cy[i];
    }
  if (top <= 0.)
    top = 1.;

  plwind (lo, hi, 0., headroom * top);
  for (b = 0; b < nbins; b++)
    {
      PLFLT bx[4], by[4], base = 0.;

      bx[0] = bx[1] = lo + b * h;
      bx[2] = bx[3] = lo + (b + 1) * h;
      for (g = 0; g < a->ngroups; g++)
        {
          size_t grp = a->order[g], c = counts[b * a->ngroups + grp];
          if (c == 0)
            continue;
          by[0] = by[3] = base;
          by[1] = by[2] = base + c * scale;
          plcol0 (plot_group_colour (a, grp));
          plfill (4, bx, by);
          base += c * scale;
        }
      if (base > 0.)
        {
          /* Thin white gaps tell the bars apart.  */
          PLFLT ox[4] = { bx[0], bx[0], bx[2], bx[2] };
          PLFLT oy[4] = { 0., base, base, 0. };
          plcol0 (COL_BG);
          plwidth (0.6 * width);
          plline (4, ox, oy);
        }
    }

  plcol0 (COL_FG);
  if (components)
    for (g = 0; g < a->k; g++)
      if (a->effective[g])
        {
          PLFLT gy[NCURVE + 1];
          for (i = 0; i <= NCURVE; i++)
            gy[i] = a->n * h * a->weight[g] * plot_normal (a, g, q, cx[i]);
          pllsty (2);
          plwidth (width);
          plline (NCURVE + 1, cx, gy);
        }
  pllsty (1);
  plwidth (2. * width);
  plline (NCURVE + 1, cx, cy);
  plwidth (width);
  free (counts);
  return 0;
}

static int
plot_draw_1d (plot_cluster_args *a, PLFLT width)
{
  plvpor (PLOT_X0, PLOT_X1, PLOT_Y0, PLOT_Y1);
  if (plot_histogram (a, 0, plot_bins (a->ns, 10, 80), width, 1, 1.08) != 0)
    return -1;
  plcol0 (COL_FG);
  plwidth (width);
  plbox ("bcnst", 0., 0, "bcnstv", 0., 0);
  plmtex ("b", 3.0, 0.5, 0.5, a->name[0]);
  plmtex ("l", 4.6, 0.5, 0.5, "points");
  plot_page_text (a, "solid: fitted mixture density;  dashed: its components",
                  0);
  plot_legend (a);
  return 0;
}

static void
plot_draw_2d (plot_cluster_args *a, PLFLT width)
{
  size_t c;

  plvpor (PLOT_X0, PLOT_X1, PLOT_Y0, PLOT_Y1);
  plwind (a->lo[0], a->hi[0], a->lo[1], a->hi[1]);
  plot_points_2d (a, 0, 1, a->symbol);
  for (c = 0; c < a->k; c++)
    if (a->effective[c])
      plot_ellipses (a, c, 0, 1, width);
  plot_means (a, 0, 1, a->symbol);
  plcol0 (COL_FG);
  plwidth (width);
  plbox ("bcnst", 0., 0, "bcnstv", 0., 0);
  plmtex ("b", 3.0, 0.5, 0.5, a->name[0]);
  plmtex ("l", 4.6, 0.5, 0.5, a->name[1]);
  plot_page_text (a, "ellipses: 1 and 2 sigma of (#gn W)#u-1#d", 1);
  plot_legend (a);
}

/* A tick step of 1, 2 or 5 times a power of ten giving about N ticks
   over SPAN: PLplot's own choice crowds the labels of small cells.  */
static double
plot_tick (double span, double n)
{
  double raw = span / n, p = pow (10., floor (log10 (raw))), f = raw / p;
  return (f < 1.5 ? 1. : f < 3.5 ? 2. : f < 7.5 ? 5. : 10.) * p;
}

/* Grid lines on the floor and the two back walls give the box its
   depth, as in matplotlib's 3-D axes.  With the viewing azimuth of
   plot_draw_3d the back walls are x = max and y = max.  */
static void
plot_grid_3d (const plot_cluster_args *a, const double *tick)
{
  const double *lo = a->lo, *hi = a->hi;
  int axis;

  plcol0 (COL_GRID);
  for (axis = 0; axis < 3; axis++)
    {
      double t;

      for (t = ceil (lo[axis] / tick[axis]) * tick[axis]; t <= hi[axis];
           t += tick[axis])
        {
          /* Each grid value gives a line on the two planes that do not
             contain its axis direction.  */
          PLFLT x[3], y[3], z[3];

          if (axis == 0)
            {
              x[0] = x[1] = x[2] = t;
              y[0] = lo[1], y[1] = y[2] = hi[1];
              z[0] = z[1] = lo[2], z[2] = hi[2];
            }
          else if (axis == 1)
            {
              y[0] = y[1] = y[2] = t;
              x[0] = lo[0], x[1] = x[2] = hi[0];
              z[0] = z[1] = lo[2], z[2] = hi[2];
            }
          else
            {
              z[0] = z[1] = z[2] = t;
              x[0] = lo[0], x[1] = x[2] = hi[0];
              y[0] = y[1] = hi[1], y[2] = lo[1];
            }
          plline3 (3, x, y, z);
        }
    }
  {
    /* The outlines of the two back walls.  */
    PLFLT x[5] = { hi[0], hi[0], hi[0], hi[0], hi[0] };
    PLFLT y[5] = { lo[1], hi[1], hi[1], lo[1], lo[1] };
    PLFLT z[5] = { lo[2], lo[2], hi[2], hi[2], lo[2] };
    plline3 (5, x, y, z);
    x[0] = x[3] = x[4] = lo[0];
    y[0] = y[3] = y[4] = hi[1];
    plline3 (5, x, y, z);
  }
}

static void
plot_draw_3d (plot_cluster_args *a, PLFLT width)
{
  double tick[3];
  size_t g, j;

  plvpor (0.0, PLOT_X1, 0.02, PLOT_Y1);
  plwind (-1.20, 1.00, -0.80, 1.40);
  plw3d (1.2, 1.2, 1.0, a->lo[0], a->hi[0], a->lo[1], a->hi[1],
         a->lo[2], a->hi[2], 25., 35.);
  plwidth (width);
  plschr (0., 0.9);
  for (j = 0; j < 3; j++)
    tick[j] = plot_tick (a->hi[j] - a->lo[j], 4.);
  plot_grid_3d (a, tick);
  plcol0 (COL_FG);
  plbox3 ("bnstu", a->name[0], tick[0], 0, "bnstu", a->name[1], tick[1], 0,
          "bcnstu", a->name[2], tick[2], 0);
  plssym (0., a->symbol);
  for (g = 0; g < a->ngroups; g++)
    {
      size_t grp = a->order[g], c = a->count[grp];

      if (c == 0)
        continue;
      for (j = 0; j < c; j++)
        {
          size_t row = a->index[a->first[grp] + j];
          a->bx[j] = plot_x (a, row, 0);
          a->by[j] = plot_x (a, row, 1);
          a->bz[j] = plot_x (a, row, 2);
        }
      plcol0 (plot_group_colour (a, grp));
      plpoin3 ((PLINT) c, a->bx, a->by, a->bz, SYM_DOT);
    }
  /* Means as black crosses: ellipsoids would hide the points.  */
  plssym (0., 1.4);
  plwidth (2. * width);
  plcol0 (COL_FG);
  for (g = 0; g < a->k; g++)
    if (a->effective[g])
      {
        PLFLT px = plot_m (a, g, 0), py = plot_m (a, g, 1);
        PLFLT pz = plot_m (a, g, 2);
        plpoin3 (1, &px, &py, &pz, SYM_CROSS);
      }
  plwidth (width);
  plschr (0., 1.);
  plvpor (PLOT_X0, PLOT_X1, PLOT_Y0, PLOT_Y1);
  plot_page_text (a, "crosses: component means", 1);
  plot_legend (a);
}

static int
plot_draw_matrix (plot_cluster_args *a, PLFLT width)
{
  const PLFLT gap = 0.006;
  size_t p = a->ndims, r, c, e;
  PLFLT cw = (PLOT_X1 - PLOT_X0) / p, ch = (PLOT_Y1 - PLOT_Y0) / p;
  PLFLT small = p <= 3 ? 0.8 : p == 4 ? 0.7 : 0.6;
  PLFLT size = a->symbol * (p <= 3 ? 0.8 : 0.6);

  for (r = 0; r < p; r++)
    for (c = 0; c < p; c++)
      {
        /* Row 0 at the top, as in a matrix.  */
        PLFLT vx = PLOT_X0 + c * cw, vy = PLOT_Y1 - (r + 1) * ch;
        int left = c == 0, bottom = r == p - 1;
        double xt = plot_tick (a->hi[c] - a->lo[c], 3.);
        double yt = plot_tick (a->hi[r] - a->lo[r], 3.);

        plvpor (vx + gap, vx + cw - gap, vy + gap, vy + ch - gap);
        plschr (0., small);
        plwidth (width);
        if (r == c)
          {
            if (plot_histogram (a, r, plot_bins (a->ns, 5, 30), width, 0,
                                1.3) != 0)
              return -1;
            plcol0 (COL_FG);
            plbox (bottom ? "bcnst" : "bcst", xt, 0, "bc", 0., 0);
            plmtex ("t", -1.4, 0.04, 0., a->cell[r]);
            /* The first row has no scatter cell on the left, so the
               histogram there carries that row's scale (as pandas'
               scatter_matrix does); its counts are not labelled.  */
            if (left)
              {
                plwind (a->lo[c], a->hi[c], a->lo[r], a->hi[r]);
                plbox ("", 0., 0, "nst", yt, 0);
              }
          }
        else
          {
            plwind (a->lo[c], a->hi[c], a->lo[r], a->hi[r]);
            plot_points_2d (a, c, r, size);
            for (e = 0; e < a->k; e++)
              if (a->effective[e])
                plot_ellipses (a, e, c, r, 0.7 * width);
            plot_means (a, c, r, size);
            plcol0 (COL_FG);
            plwidth (width);
            plbox (bottom ? "bcnst" : "bcst", xt, 0,
                   left ? "bcnst" : "bcst", yt, 0);
          }
        if (bottom)
          plmtex ("b", 2.8, 0.5, 0.5, a->cell[c]);
        if (left)
          plmtex ("l", 3.2, 0.5, 0.5, a->cell[r]);
      }
  plvpor (PLOT_X0, PLOT_X1, PLOT_Y0, PLOT_Y1);
  plschr (0., 1.);
  plot_page_text (a, "ellipses: 1 and 2 sigma of (#gn W)#u-1#d;  "
                  "diagonal: all points", 1);
  plot_legend (a);
  return 0;
}

static int
plot_cluster_draw (void *arg, const plot_spec *spec, char *err, size_t errlen)
{
  plot_cluster_args *a = arg;
  PLFLT width;
  int status = 0;

  width = plot_pen (spec);
  /* Smaller points when there are many, so that clusters still show
     their density instead of a solid blot.  */
  a->symbol = 0.9;
  if (a->shown > 2000)
    a->symbol *= pow (2000. / a->shown, 0.18);
  /* Whole numbers on the axes up to 10 digits, not "x10^5".  */
  plsxax (10, 0);
  plsyax (10, 0);
  plschr (0., 1.);
  plwidth (width);
  plcol0 (COL_FG);

  if (a->ndims == 1)
    status = plot_draw_1d (a, width);
  else if (a->ndims == 2)
    plot_draw_2d (a, width);
  else if (a->ndims == 3 && !a->force_matrix)
    plot_draw_3d (a, width);
  else
    status = plot_draw_matrix (a, width);
  if (status != 0)
    plot_error (err, errlen, "out of memory");
  return status;
}

int
plot_clusters (const char *path, const plot_spec *spec,
               size_t n, size_t d, const double *x, const size_t *rows,
               size_t nrows, const int *label,
               size_t k, const double *weight, const double *m,
               const double *cov, const int *effective,
               const char *const *names,
               const size_t *dims, size_t ndims, int force_matrix,
               char *err, size_t errlen)
{
  plot_cluster_args a;
  size_t i;
  int status;

  if (!rows)
    nrows = n;
  if (n == 0 || nrows == 0 || d == 0 || k == 0 || x == NULL || label == NULL
      || weight == NULL || m == NULL || cov == NULL || effective == NULL
      || dims == NULL)
    {
      plot_error (err, errlen, "nothing to draw");
      return -1;
    }
  if (ndims < 1 || ndims > PLOT_MAX_DIMS)
    {
      plot_error (err, errlen, "cannot draw %zu dimensions (1 to %d)",
                  ndims, PLOT_MAX_DIMS);
      return -1;
    }
  for (i = 0; i < ndims; i++)
    if (dims[i] >= d)
      {
        plot_error (err, errlen, "no dimension %zu in %zu-dimensional data",
                    dims[i] + 1, d);
        return -1;
      }

  memset (&a, 0, sizeof a);
  a.n = n;
  a.d = d;
  a.x = x;
  a.rows = rows;
  a.ns = nrows;
  a.label = label;
  a.k = k;
  a.weight = weight;
  a.m = m;
  a.cov = cov;
  a.effective = effective;
  a.names = names;
  a.dims = dims;
  a.ndims = ndims;
  a.force_matrix = force_matrix;

  status = plot_cluster_prepare (&a, err, errlen);
  if (status == 0)
    status = plot_run (path, spec, plot_cluster_draw, &a, err, errlen);
  plot_cluster_release (&a);
  return status;
}

/* The bound picture.  */

typedef struct plot_bound_args
{
  const double *bound;
  size_t iterations;
  int converged;
} plot_bound_args;

static int
plot_bound_draw (void *arg, const plot_spec *spec, char *err, size_t errlen)
{
  plot_bound_args *a = arg;
  size_t n = a->iterations, i;
  double lo = INFINITY, hi = -INFINITY, rest_lo = INFINITY, span;
  double last = a->bound[n - 1], xlo, xhi;
  double pen = plot_pen (spec);
  int clipped = 0, wide;
  char label[128], caption[128];
  PLFLT *it = malloc (n * sizeof *it), *val = malloc (n * sizeof *val);
  PLFLT hx[2], hy[2];

  if (it == NULL || val == NULL)
    {
      free (it);
      free (val);
      plot_error (err, errlen, "out of memory");
      return -1;
    }
  for (i = 0; i < n; i++)
    {
      it[i] = (PLFLT) (i + 1);
      val[i] = a->bound[i];
      if (val[i] < lo)
        lo = val[i];
      if (val[i] > hi)
        hi = val[i];
      if (i > 0 && val[i] < rest_lo)
        rest_lo = val[i];
    }
  /* The first bound is often far below the rest (the start is poor);
     on the full range the rest is a flat line, so the first point is
     left below the axis when it would squash the others.  */
  if (n >= 3 && hi - rest_lo < 0.25 * (hi - lo))
    {
      lo = rest_lo;
      clipped = 1;
    }
  span = hi - lo;
  /* A bound flat to rounding (one that moves by a few units in the
     last place) is drawn as a constant one: on a range of a few ulps
     PLplot's ticks would not advance and it would spin for ever.  */
  if (!(span > 1e-9 * fabs (hi)))
    {
      span = fabs (hi) > 0. ? 1e-3 * fabs (hi) : 1.;
      clipped = clipped && val[0] < lo - 0.05 * span;
    }
  xlo = 1.;
  xhi = n > 1 ? (double) n : 2.;
  if (n == 1)
    xlo = 0.;

  plsyax (10, 0);
  plvpor (0.14, 0.95, 0.15, 0.90);
  plwind (xlo, xhi, lo - 0.05 * span, hi + 0.15 * span);
  plschr (0., 1.);
  plwidth (pen);
  plcol0 (COL_FG);
  /* Whole iterations: PLplot would label a short run 0.5, 1.0, ...  */
  /* Long numbers (a bound of -1234567.89) would run into the axis
     name if written across; write them along the axis instead.  */
  wide = fmax (fabs (lo), fabs (hi)) >= 1e5 || span < 1e-3 * fabs (hi);
  plbox ("bcnst", n <= 10 ? 1. : 0., n <= 10 ? 1 : 0,
         wide ? "bcnst" : "bcnstv", 0., 0);
  plmtex ("b", 3.0, 0.5, 0.5, "iteration");
  plmtex ("l", wide ? 3.5 : 6.0, 0.5, 0.5, "lower bound L");
  plschr (0., 1.25);
  plmtex ("t", 1.2, 0.5, 0.5, "vbgmm: variational lower bound");
  plschr (0., 1.);

  /* The final value as a dashed reference line.  */
  hx[0] = xlo;
  hx[1] = xhi;
  hy[0] = hy[1] = last;
  plcol0 (COL_DARK);
  pllsty (2);
  plline (2, hx, hy);
  pllsty (1);

  plcol0 (COL_PALETTE);
  plwidth (2. * pen);
  plline ((PLINT) n, it, val);
  if (n <= 60)
    {
      plssym (0., 0.6);
      plpoin ((PLINT) n, it, val, SYM_DOT);
    }
  plcol0 (COL_PALETTE + 3);
  plssym (0., 1.2);
  plpoin (1, &it[n - 1], &val[n - 1], SYM_DOT);
  plwidth (pen);

  if (a->converged)
    snprintf (label, sizeof label, "converged at L = %.10g", last);
  else
    snprintf (label, sizeof label,
              "not converged: L = %.10g after %zu iteration%s", last, n,
              n == 1 ? "" : "s");
  plcol0 (COL_FG);
  plptex (xhi - 0.01 * (xhi - xlo), last + 0.04 * span, 1., 0., 1., label);

  if (clipped)
    {
      snprintf (caption, sizeof caption,
                "iteration 1 (L = %.6g) is below the axis", val[0]);
      plschr (0., 0.85);
      plcol0 (COL_DARK);
      plmtex ("b", 5.2, 0., 0., caption);
    }
  free (it);
  free (val);
  return 0;
}

int
plot_bound (const char *path, const plot_spec *spec,
            const double *bound, size_t iterations, int converged,
            char *err, size_t errlen)
{
  plot_bound_args a;
  size_t i;

  if (bound == NULL || iterations == 0)
    {
      plot_error (err, errlen, "no iterations to draw");
      return -1;
    }
  for (i = 0; i < iterations; i++)
    if (!isfinite (bound[i]))
      {
        plot_error (err, errlen, "bound of iteration %zu is not finite",
                    i + 1);
        return -1;
      }
  a.bound = bound;
  a.iterations = iterations;
  a.converged = converged;
  return plot_run (path, spec, plot_bound_draw, &a, err, errlen);
}
