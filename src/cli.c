/* cli.c -- the command line of vbgmm

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

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"

const char *cli_program_name = PACKAGE_NAME;
const char *cli_usage_note = NULL;
void (*cli_error_hook) (const char *message) = NULL;

void
cli_error (const char *fmt, ...)
{
  /* One printable line, whatever the names and the bytes of files
     that the message quotes (vbgmm_text_printable): \xHH for a byte
     that would not show as itself.  */
  char small[1024], *text = small;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (small, sizeof small, fmt, ap);
  va_end (ap);
  if (n >= (int) sizeof small && (text = malloc ((size_t) n + 1)))
    {
      va_start (ap, fmt);
      vsnprintf (text, (size_t) n + 1, fmt, ap);
      va_end (ap);
    }
  if (!text)
    text = small;
  size_t size = 4 * strlen (text) + 1;
  char *shown = malloc (size);
  if (shown)
    vbgmm_text_printable (shown, size, text);
  fprintf (stderr, "%s: %s\n", cli_program_name, shown ? shown : text);
  if (cli_error_hook)
    cli_error_hook (shown ? shown : text);
  free (shown);
  if (text != small)
    free (text);
}

static void
usage (int status)
{
  if (status != 0)
    exit (status);
  printf ("\
Usage: %s [OPTION]... [FILE]\n\
Fit a Bayesian Gaussian mixture by variational inference to the points\n\
in FILE (CSV, one point per row), find how many clusters they hold, and\n\
write the responsibilities (z.csv), the posterior parameters (params.dat)\n\
and the lower bound at every iteration (vblikelihood.txt).\n\
\n\
With no FILE, fit the sample data installed with the program.\n\
When FILE is -, read standard input.\n\
\n", cli_program_name);
  if (cli_usage_note)
    printf ("%s\n", cli_usage_note);
  fputs ("\
Model:\n\
  -k, --components=K     number of components, an upper bound: those the\n\
                           data do not need empty out (default 6)\n\
      --covariance=FORM  form of the components' precisions: 'full',\n\
                           'diag' (axis-aligned), 'spherical' (one\n\
                           variance), or 'tied' (one matrix shared by\n\
                           all) (default full)\n\
      --weights=PRIOR    prior on the weights: 'dirichlet', or 'dp' (a\n\
                           Dirichlet process, truncated stick-breaking)\n\
                           (default dirichlet)\n\
      --alpha0=A         Dirichlet concentration, > 0 (default 0.001)\n\
      --gamma0=G         concentration of the dp prior, > 0 (default 1)\n\
      --beta0=B          prior precision scale of the means, > 0 (default 1)\n\
      --nu0=NU           degrees of freedom of the precisions' prior:\n\
                           > D - 1 for full and tied (default D), > 0 for\n\
                           diag and spherical (default 1)\n\
      --m0=M             prior mean: 'mean' (of the data), 'zero', or\n\
                           V1,...,VD (default mean)\n\
      --W0=W             scale of the precisions' prior: 'cov' (inverse\n\
                           sample covariance; diag: inverse variances;\n\
                           spherical: D over their sum), a number S (S\n\
                           times the identity), or a CSV file of D rows\n\
                           of D numbers (diag: one row of D; spherical:\n\
                           one number) (default cov)\n\
\n\
Fit:\n\
      --init=METHOD      initial means: 'kmeans++' (k-means++ seeding),\n\
                           'random' (K distinct data points), or 'kmeans'\n\
                           (k-means from greedy k-means++ seeds, then the\n\
                           start is the M-step of its labels)\n\
                           (default kmeans++)\n\
      --init-means=FILE  initial means from a CSV file of K rows of D numbers\n\
      --init-labels=FILE start from the M-step of hard labels: a file of one\n\
                           integer from 0 to K-1 per point\n\
      --init-model=FILE  start from the posterior of a model.json written\n\
                           by an earlier fit (a warm start; K is the model's)\n\
  -s, --seed=N           random seed (default 0)\n\
      --n-init=R         R fits from seeds N, N+1, ..., N+R-1; the one with\n\
                           the highest bound is kept (default 1)\n\
      --accelerate=WHEN  'yes': extrapolated steps (SQUAREM), each kept only\n\
                           when the bound rises; 'no': the plain updates;\n\
                           'auto': 'yes' unless the statistics the steps\n\
                           keep pass 32 MB (full form, K = 10: D > 456)\n\
                           (default auto)\n\
      --delete=WHEN      'yes': delete moves, each kept only when the bound\n\
                           rises: a component whose N_k is falling is\n\
                           emptied at once (fewer passes, often a higher\n\
                           bound with fewer components); 'no': never\n\
                           (default no)\n\
  -i, --max-iter=N       iteration limit, >= 1 (default 1000)\n\
  -t, --tol=T            stop when the bound rises by less than T times its\n\
                           size; 0 runs all iterations (default 1e-10)\n\
  -j, --threads=N        threads to use (default: all cores, or\n\
                           OMP_NUM_THREADS)\n\
\n\
Input and output:\n\
  -c, --columns=LIST     use only these fields, 1-based: 1,3 or 2-4\n\
                           (FILE is CSV, or a NumPy .npy array of float64\n\
                           or float32, known by its first bytes)\n\
  -o, --output-dir=DIR   where the output files go, created if missing\n\
                           (default .); an output that would replace\n\
                           FILE is refused\n\
      --z-format=FORMAT  the responsibilities as z.csv (csv, the default),\n\
                           z.npy (npy: N x K float64) or not at all (none)\n\
      --plot=FORMAT      pictures vb.FORMAT and bound.FORMAT: png, svg,\n\
                           pdf or none (default png when built with PLplot)\n\
      --plot-size=WxH    picture size in pixels (default 800x600)\n\
      --plot-dims=LIST   dimensions to draw, 1-based (default the first\n\
                           four; 3 given draws a scatter matrix)\n\
  -q, --quiet            no progress and no summary\n\
  -v, --verbose          a progress line every iteration (default every 100)\n\
\n\
  -h, --help             display this help and exit\n\
  -V, --version          output version information and exit\n\
\n\
Exit status: 0 on success (also when the iteration limit is reached before\n\
convergence, with a warning), 1 on bad input data or an I/O error, 2 on bad\n\
usage.\n\
After SIGINT, SIGTERM, SIGHUP or SIGPIPE: 128 + the signal's number, with\n\
no temporary file left and earlier outputs as they were.\n\
\n", stdout);


  cli_exit_written ();
}

static void
version (void)
{
  printf ("%s (%s) %s\n", cli_program_name, PACKAGE_NAME, PACKAGE_VERSION);
  fputs ("\
Copyright (C) 2026 The vbgmm developers.\n\
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n\
This is free software: you are free to change and redistribute it.\n\
There is NO WARRANTY, to the extent permitted by law.\n", stdout);
  cli_exit_written ();
}

void
cli_exit_written (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      cli_error ("write error: %s", strerror (errno));
      exit (EXIT_DATA);
    }
  exit (0);
}

static void
bad_value (const char *option, const char *arg, const char *expected)
{
  cli_error ("invalid --%s '%s': expected %s", option, arg, expected);
  exit (EXIT_USAGE);
}

void
cli_bad_integer (const char *option, const char *arg, const char *expected,
                 unsigned long long max)
{
  /* Digits alone: the integer is past MAX.  */
  unsigned long long v = 0;
  errno = 0;
  if (*arg && strspn (arg, "0123456789") == strlen (arg)
      && ((v = strtoull (arg, NULL, 10)) > max || errno == ERANGE))
    {
      char buf[128];
      snprintf (buf, sizeof buf, "%s no larger than %llu", expected, max);
      bad_value (option, arg, buf);
    }
  bad_value (option, arg, expected);
  exit (EXIT_USAGE);
}

/* ARG of OPTION, the name of a file: not empty.  */
static const char *
file_name (const char *option, const char *arg)
{
  if (*arg == '\0')
    bad_value (option, arg, "a file name");
  return arg;
}

/* 1 for "yes", 0 for "no"; otherwise the usage error of OPTION, which
   takes EXPECTED.  */
static int
yes_no (const char *option, const char *arg, const char *expected)
{
  if (strcmp (arg, "yes") == 0)
    return 1;
  if (strcmp (arg, "no") != 0)
    bad_value (option, arg, expected);
  return 0;
}

/* Add NAME, the I-th of N, to the list "'a', 'b' or 'c'" in BUF.  */
static void
list_name (char *buf, size_t size, size_t i, size_t n, const char *name)
{
  size_t at = strlen (buf);
  snprintf (buf + at, size - at, "%s'%s'",
            i == 0 ? "" : i + 1 < n ? ", " : " or ", name);
}

/* strtod in the C locale.  */
static double
c_strtod (const char *s, char **end)
{
  locale_t c = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
  double v = c ? strtod_l (s, end, c) : strtod (s, end);
  if (c)
    freelocale (c);
  return v;
}

/* What parse_double made of its text, besides 0 (a finite number)
   and -1 (no number, nan or inf): a number past the largest double,
   as +-inf; one below the least normal double (not 0), as the
   subnormal or the zero that is the nearest double to it.  */
enum { NUMBER_HUGE = 1, NUMBER_TINY = 2 };

/* A whole-string number in the C locale (no white space before it,
   as none after it).  */
static int
parse_double (const char *s, double *out)
{
  char *end;
  errno = 0;
  if (isspace ((unsigned char) *s))
    return -1;
  double v = c_strtod (s, &end);
  if (end == s || *end != '\0' || isnan (v)
      || (isinf (v) && errno != ERANGE))
    return -1;
  *out = v;
  return isinf (v) ? NUMBER_HUGE
         : (v != 0 && fabs (v) < DBL_MIN) || (v == 0 && errno == ERANGE)
         ? NUMBER_TINY : 0;
}

/* The limit that parse_double's outcome PARSED (NUMBER_HUGE or
   NUMBER_TINY) passes, for a message.  */
static const char *
limit_text (int parsed)
{
  static char buf[64];
  if (parsed == NUMBER_HUGE)
    snprintf (buf, sizeof buf, "%.17g (the largest double)", DBL_MAX);
  else
    snprintf (buf, sizeof buf, "%.17g (the least normal double)", DBL_MIN);
  return buf;
}

/* The limit a number > 0 of parse_double's outcome PARSED, value V,
   passes, for a message: "" where it is not past one.  */
static const char *
positive_limit (int parsed, double v)
{
  static char buf[96];
  if (signbit (v) || (parsed != NUMBER_HUGE && parsed != NUMBER_TINY))
    return "";
  snprintf (buf, sizeof buf, " no %s than %s",
            parsed == NUMBER_HUGE ? "larger" : "smaller", limit_text (parsed));
  return buf;
}

/* ARG of OPTION, a number > 0 and a normal double (a subnormal holds
   fewer digits, and its reciprocal overflows); else the usage error.  */
static double
positive_number (const char *option, const char *arg)
{
  double v = 0;
  int parsed = parse_double (arg, &v);
  if (parsed || !(v > 0))
    {
      char expected[128];
      snprintf (expected, sizeof expected, "a number > 0%s",
                positive_limit (parsed, v));
      bad_value (option, arg, expected);
    }
  return v;
}

/* Whether S is read whole as a number, in or out of range.  */
static int
spelled_number (const char *s)
{
  char *end;
  c_strtod (s, &end);
  return end != s && *end == '\0';
}

static int
parse_size (const char *s, size_t *out)
{
  char *end;
  errno = 0;
  if (*s == '-' || *s == '+' || isspace ((unsigned char) *s))
    return -1;
  unsigned long long v = strtoull (s, &end, 10);
  if (end == s || *end != '\0' || errno == ERANGE || v > SIZE_MAX)
    return -1;
  *out = v;
  return 0;
}

/* What parse_list found wrong, besides -1 (no list).  */
enum { LIST_RANGE_LONG = 1, LIST_NOMEM = 2 };

/* The most fields a range of a list holds, less one.  */
#define LIST_RANGE_MAX 1000000

/* "1,3,5-7" into 0-based indices: 0, -1, LIST_RANGE_LONG or
   LIST_NOMEM.  */
static int
parse_list (const char *s, size_t **out, size_t *n)
{
  size_t cap = 8, len = 0;
  size_t *v = malloc (cap * sizeof *v);
  char *copy = strdup (s);
  int status = LIST_NOMEM;
  if (!v || !copy)
    goto fail;
  status = -1;
  for (char *save = NULL, *tok = strtok_r (copy, ",", &save); tok;
       tok = strtok_r (NULL, ",", &save))
    {
      size_t lo, hi;
      char *dash = strchr (tok, '-');
      if (dash)
        {
          *dash = '\0';
          if (parse_size (tok, &lo) || parse_size (dash + 1, &hi))
            goto fail;
        }
      else if (parse_size (tok, &lo))
        goto fail;
      else
        hi = lo;
      if (lo < 1 || hi < lo)
        goto fail;
      if (hi - lo > LIST_RANGE_MAX)
        {
          status = LIST_RANGE_LONG;
          goto fail;
        }
      /* By a count, not i <= hi: hi may be SIZE_MAX.  */
      for (size_t i = lo, left = hi - lo + 1; left > 0; i++, left--)
        {
          if (len == cap)
            {
              size_t *w = realloc (v, 2 * cap * sizeof *v);
              status = LIST_NOMEM;
              if (!w)
                goto fail;
              status = -1;
              v = w;
              cap *= 2;
            }
          v[len++] = i - 1;
        }
    }
  if (len == 0 || s[strlen (s) - 1] == ',' || s[0] == ',' || strstr (s, ",,"))
    goto fail;
  free (copy);
  *out = v;
  *n = len;
  return 0;
fail:
  free (v);
  free (copy);
  return status;
}

void
cli_parse_columns (const char *arg, size_t **out, size_t *n)
{
  free (*out);
  *out = NULL;
  int status = parse_list (arg, out, n);
  if (status == LIST_NOMEM)
    {
      cli_error ("out of memory");
      exit (EXIT_DATA);
    }
  if (status == LIST_RANGE_LONG)
    {
      char expected[128];
      snprintf (expected, sizeof expected, "a list of fields such as 1,3 or "
                "2-4, each range of at most %d fields", LIST_RANGE_MAX + 1);
      bad_value ("columns", arg, expected);
    }
  if (status)
    bad_value ("columns", arg, "a list of fields such as 1,3 or 2-4");
}

/* The numbers "V1,...,VD": 0, -1, or NUMBER_HUGE for one past the
   largest double.  */
static int
parse_doubles (const char *s, double **out, size_t *n)
{
  int status = -1;
  size_t len = 1;
  for (const char *p = s; *p; p++)
    len += *p == ',';
  double *v = malloc (len * sizeof *v);
  char *copy = strdup (s);
  if (!v || !copy)
    goto fail;
  char *p = copy;
  for (size_t i = 0; i < len; i++)
    {
      char *comma = strchr (p, ',');
      if (comma)
        *comma = '\0';
      /* A subnormal, or 0 for a number below it, is the nearest
         double to the text, as the CSV reader keeps it.  */
      int parsed = parse_double (p, v + i);
      if (parsed == NUMBER_HUGE)
        status = NUMBER_HUGE;
      if (parsed == NUMBER_HUGE || parsed == -1)
        goto fail;
      p = comma ? comma + 1 : p;
    }
  free (copy);
  *out = v;
  *n = len;
  return 0;
fail:
  free (v);
  free (copy);
  return status;
}

enum
{
  OPT_ALPHA0 = CHAR_MAX + 1,
  OPT_COVARIANCE,
  OPT_WEIGHTS,
  OPT_GAMMA0,
  OPT_BETA0,
  OPT_NU0,
  OPT_M0,
  OPT_W0,
  OPT_INIT,
  OPT_INIT_MEANS,
  OPT_INIT_LABELS,
  OPT_INIT_RESP,
  OPT_N_INIT,
  OPT_ACCELERATE,
  OPT_DELETE,
  OPT_PLOT,
  OPT_PLOT_SIZE,
  OPT_PLOT_DIMS,
  OPT_INIT_MODEL,
  OPT_Z_FORMAT
};

static const struct option long_options[] = {
  { "components", required_argument, NULL, 'k' },
  { "covariance", required_argument, NULL, OPT_COVARIANCE },
  { "weights", required_argument, NULL, OPT_WEIGHTS },
  { "alpha0", required_argument, NULL, OPT_ALPHA0 },
  { "gamma0", required_argument, NULL, OPT_GAMMA0 },
  { "beta0", required_argument, NULL, OPT_BETA0 },
  { "nu0", required_argument, NULL, OPT_NU0 },
  { "m0", required_argument, NULL, OPT_M0 },
  { "W0", required_argument, NULL, OPT_W0 },
  { "init", required_argument, NULL, OPT_INIT },
  { "init-means", required_argument, NULL, OPT_INIT_MEANS },
  { "init-labels", required_argument, NULL, OPT_INIT_LABELS },
  /* Not in --help: responsibilities (N rows of K numbers) to start
     from, for scoring another program's fit with vbgmm's bound.  */
  { "init-resp", required_argument, NULL, OPT_INIT_RESP },
  { "n-init", required_argument, NULL, OPT_N_INIT },
  { "accelerate", required_argument, NULL, OPT_ACCELERATE },
  { "delete", required_argument, NULL, OPT_DELETE },
  { "init-model", required_argument, NULL, OPT_INIT_MODEL },
  { "seed", required_argument, NULL, 's' },
  { "max-iter", required_argument, NULL, 'i' },
  { "tol", required_argument, NULL, 't' },
  { "threads", required_argument, NULL, 'j' },
  { "columns", required_argument, NULL, 'c' },
  { "output-dir", required_argument, NULL, 'o' },
  { "plot", required_argument, NULL, OPT_PLOT },
  { "plot-size", required_argument, NULL, OPT_PLOT_SIZE },
  { "plot-dims", required_argument, NULL, OPT_PLOT_DIMS },
  { "z-format", required_argument, NULL, OPT_Z_FORMAT },
  { "quiet", no_argument, NULL, 'q' },
  { "verbose", no_argument, NULL, 'v' },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 }
};

/* One of vbgmm's options, C with its value ARG, into the cli_params
   PARAMS: cli_getopt's OPTION.  */
static void
set_option (int c, const char *arg, void *params)
{
  cli_params *p = params;
  size_t z;
  double v;
  switch (c)
    {
    case 'k':
      if (parse_size (arg, &z) || z < 1)
        cli_bad_integer ("components", arg, "an integer >= 1", SIZE_MAX);
      p->opt.k = z;
      break;
    case OPT_ALPHA0:
      p->alpha0 = positive_number ("alpha0", arg);
      p->alpha0_arg = arg;
      break;
    case OPT_COVARIANCE:
      if (!(p->covariance = vbgmm_covariance_lookup (arg)))
        {
          const vbgmm_covariance_type *const *t = vbgmm_covariance_types ();
          char names[256] = "";
          size_t n = 0;
          while (t[n])
            n++;
          for (size_t i = 0; i < n; i++)
            list_name (names, sizeof names, i, n,
                       vbgmm_covariance_name (t[i]));
          bad_value ("covariance", arg, names);
        }
      break;
    case OPT_WEIGHTS:
      if (!(p->weights = vbgmm_weights_lookup (arg)))
        {
          const vbgmm_weights_type *const *t = vbgmm_weights_types ();
          char names[256] = "";
          size_t n = 0;
          while (t[n])
            n++;
          for (size_t i = 0; i < n; i++)
            list_name (names, sizeof names, i, n, vbgmm_weights_name (t[i]));
          bad_value ("weights", arg, names);
        }
      break;
    case OPT_GAMMA0:
      p->gamma0 = positive_number ("gamma0", arg);
      p->gamma0_arg = arg;
      break;
    case OPT_BETA0:
      p->beta0 = positive_number ("beta0", arg);
      p->beta0_arg = arg;
      break;
    case OPT_NU0:
      /* Its range depends on the form and D: checked with the data;
         past the largest double it is inf, below the least normal
         one a subnormal or 0, and marked so.  */
      switch (parse_double (arg, &v))
        {
        case -1:
          bad_value ("nu0", arg, "a number");
          break;
        case NUMBER_TINY:
          p->nu0_tiny = 1;
          break;
        default:
          p->nu0_tiny = 0;
          break;
        }
      p->nu0 = v;
      p->nu0_set = 1;
      p->nu0_arg = arg;
      break;
    case OPT_M0:
      p->m0_arg = arg;
      free (p->m0_list);
      p->m0_list = NULL;
      if (strcmp (arg, "mean") == 0)
        p->m0_kind = M0_MEAN;
      else if (strcmp (arg, "zero") == 0)
        p->m0_kind = M0_ZERO;
      else
        switch (parse_doubles (arg, &p->m0_list, &p->m0_len))
          {
          case 0:
            p->m0_kind = M0_LIST;
            break;
          case NUMBER_HUGE:
            {
              char expected[160];
              snprintf (expected, sizeof expected, "'mean', 'zero' or D "
                        "numbers V1,...,VD, each of size at most %s",
                        limit_text (NUMBER_HUGE));
              bad_value ("m0", arg, expected);
            }
            break;
          default:
            bad_value ("m0", arg, "'mean', 'zero' or D numbers V1,...,VD");
          }
      break;
    case OPT_W0:
      p->W0_arg = arg;
      if (*arg == '\0')
        bad_value ("W0", arg, "'cov', a number > 0, or a file");
      if (strcmp (arg, "cov") == 0)
        p->W0_kind = W0_COV;
      else
        {
          int parsed = parse_double (arg, &v);
          /* 1e400, 1e-400, nan: meant as a number, not the name of a
             file.  */
          if (parsed == 0 ? !(v > 0)
              : access (arg, F_OK) != 0 && spelled_number (arg))
            {
              char expected[160];
              snprintf (expected, sizeof expected, "'cov', a number > 0%s, "
                        "or a file", positive_limit (parsed, v));
              bad_value ("W0", arg, expected);
            }
          if (parsed == 0)
            {
              p->W0_kind = W0_SCALE;
              p->W0_scale = v;
            }
          else
            p->W0_kind = W0_FILE;
        }
      break;
    case OPT_INIT:
      if (strcmp (arg, "kmeans++") == 0)
        p->opt.init = VBGMM_INIT_KMEANSPP;
      else if (strcmp (arg, "random") == 0)
        p->opt.init = VBGMM_INIT_RANDOM;
      else if (strcmp (arg, "kmeans") == 0)
        p->opt.init = VBGMM_INIT_KMEANS;
      else
        bad_value ("init", arg, "'kmeans++', 'random' or 'kmeans'");
      break;
    case OPT_INIT_MEANS:
      p->init_means_file = file_name ("init-means", arg);
      break;
    case OPT_INIT_LABELS:
      p->init_labels_file = file_name ("init-labels", arg);
      break;
    case OPT_INIT_RESP:
      p->init_resp_file = file_name ("init-resp", arg);
      break;
    case OPT_N_INIT:
      if (parse_size (arg, &z) || z < 1 || z > 100000)
        bad_value ("n-init", arg, "an integer from 1 to 100000");
      p->opt.n_init = z;
      break;
    case OPT_ACCELERATE:
      p->opt.accelerate = strcmp (arg, "auto") == 0 ? VBGMM_ACCELERATE_AUTO
                          : yes_no ("accelerate", arg, "'yes', 'no' or 'auto'");
      break;
    case OPT_DELETE:
      p->opt.delete_moves = yes_no ("delete", arg, "'yes' or 'no'");
      break;
    case OPT_INIT_MODEL:
      p->init_model_file = file_name ("init-model", arg);
      break;
    case 's':
      if (parse_size (arg, &z) || z > ULONG_MAX)
        cli_bad_integer ("seed", arg, "an integer >= 0", ULONG_MAX);
      p->opt.seed = z;
      break;
    case 'i':
      if (parse_size (arg, &z) || z < 1 || z > VBGMM_MAX_ITER_LIMIT)
        bad_value ("max-iter", arg, "an integer from 1 to 100000000");
      p->opt.max_iter = z;
      break;
    case 't':
      {
        /* A subnormal is kept: only the product T |L| is taken.  A
           number below the least double is not 0, which runs all
           iterations.  */
        int parsed = parse_double (arg, &v);
        int to_zero = parsed == NUMBER_TINY && v == 0 && !signbit (v);
        if (to_zero || (parsed && parsed != NUMBER_TINY) || !(v >= 0)
            || (parsed == NUMBER_TINY && signbit (v)))
          {
            char expected[128];
            if (to_zero)
              snprintf (expected, sizeof expected, "a number >= 0: 0, or "
                        "no smaller than %.17g (the least double)",
                        nextafter (0, 1));
            else
              snprintf (expected, sizeof expected, "a number >= 0%s",
                        positive_limit (parsed, v));
            bad_value ("tol", arg, expected);
          }
        p->opt.tol = v;
      }
      break;
    case 'j':
      if (parse_size (arg, &z) || z < 1 || z > 4096)
        bad_value ("threads", arg, "an integer from 1 to 4096");
      p->opt.threads = (int) z;
      break;
    case 'c':
      cli_parse_columns (arg, &p->columns, &p->n_columns);
      break;
    case 'o':
      if (*arg == '\0')
        bad_value ("output-dir", arg, "a folder");
      p->output_dir = arg;
      break;
    case OPT_PLOT:
      if (strcmp (arg, "png") && strcmp (arg, "svg")
          && strcmp (arg, "pdf") && strcmp (arg, "none"))
        bad_value ("plot", arg, "png, svg, pdf or none");
      p->plot_format = arg;
      break;
    case OPT_Z_FORMAT:
      if (strcmp (arg, "csv") && strcmp (arg, "npy")
          && strcmp (arg, "none"))
        bad_value ("z-format", arg, "csv, npy or none");
      p->z_format = arg;
      break;
    case OPT_PLOT_SIZE:
      {
        /* Two integers as parse_size reads them: sscanf's %d took
           blanks and signs, and overflowed int.  */
        size_t w = 0, h = 0;
        char *x = strchr (arg, 'x'), *wide = strdup (arg);
        if (!wide)
          {
            cli_error ("out of memory");
            exit (EXIT_DATA);
          }
        if (x)
          wide[x - arg] = '\0';
        if (!x || parse_size (wide, &w) || parse_size (x + 1, &h)
            || w < 100 || h < 100 || w > 10000 || h > 10000)
          {
            free (wide);
            bad_value ("plot-size", arg,
                       "WIDTHxHEIGHT in pixels, each from 100 to 10000");
          }
        free (wide);
        p->plot_width = (int) w;
        p->plot_height = (int) h;
      }
      break;
    case OPT_PLOT_DIMS:
      free (p->plot_dims);
      p->plot_dims = NULL;
      if (parse_list (arg, &p->plot_dims, &p->n_plot_dims)
          || p->n_plot_dims > 4)
        bad_value ("plot-dims", arg, "one to four dimensions such as 1,3");
      break;
    case 'q':
      p->verbosity = VERBOSITY_QUIET;
      break;
    case 'v':
      p->verbosity = VERBOSITY_VERBOSE;
      break;
    }
}

void
cli_parse (int argc, char **argv, cli_params *p)
{
  memset (p, 0, sizeof *p);
  p->z_format = "csv";
  vbgmm_options_default (&p->opt);
  p->covariance = vbgmm_covariance_lookup ("full");
  p->weights = vbgmm_weights_lookup ("dirichlet");
  p->alpha0 = 0.001;
  p->gamma0 = 1;
  p->beta0 = 1;
  p->m0_kind = M0_MEAN;
  p->W0_kind = W0_COV;
  p->output_dir = ".";
  p->verbosity = VERBOSITY_NORMAL;
#ifdef HAVE_PLPLOT
  p->plot_format = "png";
#else
  p->plot_format = "none";
#endif
  p->plot_width = 800;
  p->plot_height = 600;

  static const char *const operands[] = { "FILE" };
  int first = cli_getopt (argc, argv, "k:s:i:t:j:c:o:qvhV", long_options,
                          usage, set_option, p);
  cli_operands (argc, argv, first, operands, 0, 1, &p->input);
  if ((p->init_means_file != NULL) + (p->init_labels_file != NULL)
      + (p->init_resp_file != NULL) > 1)
    {
      cli_error ("--init-means, --init-labels and --init-resp exclude "
                 "each other");
      exit (EXIT_USAGE);
    }
  if (p->init_means_file)
    p->opt.init = VBGMM_INIT_MEANS;
  if (p->init_labels_file)
    p->opt.init = VBGMM_INIT_LABELS;
  if (p->init_resp_file)
    p->opt.init = VBGMM_INIT_RESP;
  if (p->init_model_file
      && (p->init_means_file || p->init_labels_file || p->init_resp_file))
    {
      cli_error ("--init-model and --init-means, --init-labels or "
                 "--init-resp cannot be used together");
      exit (EXIT_USAGE);
    }
}

void
cli_free (cli_params *p)
{
  free (p->m0_list);
  free (p->columns);
  free (p->plot_dims);
}

int
cli_parse_size (const char *s, size_t *out)
{
  return parse_size (s, out);
}

void
cli_bad_value (const char *option, const char *arg, const char *expected)
{
  bad_value (option, arg, expected);
  exit (EXIT_USAGE);
}

void
cli_version (void)
{
  version ();
  exit (0);
}

int
cli_getopt (int argc, char **argv, const char *shortopts,
            const struct option *longopts, void (*help) (int),
            void (*option) (int c, const char *arg, void *params),
            void *params)
{
  if (argc > 0)
    argv[0] = (char *) cli_program_name;
  int c;
  while ((c = getopt_long (argc, argv, shortopts, longopts, NULL)) != -1)
    switch (c)
      {
      case 'h':
        help (0);
        break;
      case 'V':
        cli_version ();
        break;
      case '?':
        /* getopt_long has said what is wrong.  */
        help (EXIT_USAGE);
        break;
      default:
        option (c, optarg, params);
      }
  return optind;
}

void
cli_operands (int argc, char **argv, int first, const char *const *names,
              size_t required, size_t n, const char **out)
{
  size_t given = argc > first ? (size_t) (argc - first) : 0;
  if (given < required)
    {
      cli_error ("missing %s", names[given]);
      exit (EXIT_USAGE);
    }
  if (given > n)
    {
      cli_error ("extra operand '%s'", argv[first + n]);
      exit (EXIT_USAGE);
    }
  for (size_t i = 0; i < n; i++)
    {
      out[i] = i < given ? argv[first + i] : NULL;
      /* Not a file that is missing: no name at all.  */
      if (out[i] && *out[i] == '\0')
        {
          cli_error ("invalid %s '': expected a file name", names[i]);
          exit (EXIT_USAGE);
        }
    }
}

void
cli_stdopen (void)
{
  for (int fd = 0; fd <= 2; fd++)
    if (fcntl (fd, F_GETFD) < 0 && errno == EBADF)
      {
        /* /dev/null, the wrong way round: the descriptor is taken, so
           that no output file gets it, and every use of it fails.  */
        int got = open ("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
        if (got != fd)
          _exit (EXIT_DATA);
      }
}
