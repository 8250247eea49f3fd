/* modelfile.c -- the model file, model.json: a fit written and read back

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
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>
#include <jansson.h>

#include "dense.h"
#include "error.h"
#include "fmt17.h"
#include "units.h"
#include "vbgmm.h"
#include "weights.h"
#include "wishart.h"

/* The format this library writes, and the newest it reads.  Fields
   are added within a version (readers ignore fields they do not know);
   the version changes only when a reader of it would misread.  */
#define FORMAT_NAME "vbgmm-model"
#define FORMAT_VERSION 1

/* By VBGMM_INIT_*.  */
static const char *const init_names[] = { "kmeans++", "random", "means",
                                          "kmeans", "labels", "resp",
                                          "model" };
#define N_INIT (sizeof init_names / sizeof *init_names)

/* Bytes of NAME up to the first that does not begin a valid UTF-8
   sequence (overlong forms, surrogates and code points past U+10FFFF
   are not valid): how long the valid sequence at S is, 0 if none.  */
static size_t
utf8_sequence (const unsigned char *s)
{
  unsigned c = s[0];
  size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2
               : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f)
      || (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
    return 0;
  return len;
}

char *
vbgmm_name_utf8 (const char *name)
{
  const unsigned char *s = (const unsigned char *) name;
  size_t n = strlen (name);
  /* Each byte at most two.  */
  char *out = malloc (2 * n + 1), *o = out;
  if (!out)
    return NULL;
  while (*s)
    {
      size_t len = utf8_sequence (s);
      if (len)
        {
          memcpy (o, s, len);
          o += len;
          s += len;
        }
      else
        {
          /* A byte of another encoding: read as Latin-1.  */
          *o++ = (char) (0xc0 | (*s >> 6));
          *o++ = (char) (0x80 | (*s & 0x3f));
          s++;
        }
    }
  *o = 0;
  return out;
}

/* ---- Writing.  model.json is written as it goes, not built as a
   jansson tree and dumped: at D = 1000, K = 10 its W and W0 are 11
   million numbers, and a tree of them took 264 MB, ten times the
   data.  The text is the one json_dumpf wrote with JSON_INDENT (2) and
   JSON_REAL_PRECISION (17), to the byte (a model read and written
   again gives the same bytes): two spaces an indent level, ": " after
   a key, empty arrays as "[]"; a real as "%.17g" (vbgmm_fmt17) with
   jansson's changes to it; strings, through jansson's own escaping.  */

#define MAX_DEPTH 8

typedef struct writer
{
  FILE *fp;                  /* NULL: only check that every real is finite */
  int depth;
  int members[MAX_DEPTH];    /* written so far at each open level */
  int failed;                /* a real not finite, or out of memory */
} writer;

static void
put_text (writer *w, const char *s, size_t n)
{
  if (w->fp && !w->failed)
    fwrite (s, 1, n, w->fp);
}

/* A new line at the current level's indentation.  */
static void
new_line (writer *w)
{
  static const char spaces[2 * MAX_DEPTH + 1] = "\n                ";
  put_text (w, spaces, 1 + 2 * (size_t) w->depth);
}

/* Before the next member of the open object or array.  */
static void
next_member (writer *w)
{
  if (w->members[w->depth]++)
    put_text (w, ",", 1);
  new_line (w);
}

static void
open_level (writer *w, char c)
{
  put_text (w, &c, 1);
  /* The deepest level of the file is 5 (components, W, a row).  */
  if (++w->depth >= MAX_DEPTH)
    abort ();
  w->members[w->depth] = 0;
}

static void
close_level (writer *w, char c)
{
  int had = w->members[w->depth--];
  if (had)
    new_line (w);
  put_text (w, &c, 1);
}

static void
put_key (writer *w, const char *key)
{
  next_member (w);
  put_text (w, "\"", 1);
  put_text (w, key, strlen (key));
  put_text (w, "\": ", 3);
}

/* A real as jansson writes it: "%.17g", ".0" added to what would read
   as an integer, no "+" and no leading zeros in the exponent.  */
static void
put_real (writer *w, double v)
{
  if (!isfinite (v))
    {
      w->failed = 1;
      return;
    }
  if (!w->fp)
    return;
  char buf[32];
  size_t n = vbgmm_fmt17 (v, buf);
  buf[n] = 0;
  char *e = strchr (buf, 'e');
  if (!e && !strchr (buf, '.'))
    {
      memcpy (buf + n, ".0", 3);
      n += 2;
    }
  if (e)
    {
      char *from = e + 1, *to = e + 1;
      if (*from == '+')
        from++;
      else if (*from == '-')
        from++, to++;
      while (*from == '0')
        from++;
      memmove (to, from, strlen (from) + 1);
      n = strlen (buf);
    }
  put_text (w, buf, n);
}

static void
put_integer (writer *w, json_int_t v)
{
  if (w->fp && !w->failed)
    fprintf (w->fp, "%" JSON_INTEGER_FORMAT, v);
}

static void
put_word (writer *w, const char *word)
{
  put_text (w, word, strlen (word));
}

/* A string, escaped by jansson.  */
static void
put_string (writer *w, const char *s)
{
  if (!w->fp)
    return;
  json_t *j = json_string (s);
  char *text = j ? json_dumps (j, JSON_ENCODE_ANY) : NULL;
  if (text)
    put_word (w, text);
  else
    w->failed = 1;
  free (text);
  json_decref (j);
}

static void
put_vector (writer *w, const double *v, size_t n, size_t step)
{
  open_level (w, '[');
  for (size_t i = 0; i < n; i++)
    {
      next_member (w);
      put_real (w, v[i * step]);
    }
  close_level (w, ']');
}

/* A d x d matrix as d rows.  */
static void
put_matrix (writer *w, const double *v, size_t d)
{
  open_level (w, '[');
  for (size_t i = 0; i < d; i++)
    {
      next_member (w);
      put_vector (w, v + i * d, d, 1);
    }
  close_level (w, ']');
}

static void
key_real (writer *w, const char *key, double v)
{
  put_key (w, key);
  put_real (w, v);
}

static void
key_integer (writer *w, const char *key, json_int_t v)
{
  put_key (w, key);
  put_integer (w, v);
}

static void
key_string (writer *w, const char *key, const char *s)
{
  put_key (w, key);
  put_string (w, s);
}

static void
key_bool (writer *w, const char *key, int v)
{
  put_key (w, key);
  put_word (w, v ? "true" : "false");
}

/* A component's W, or the prior's W0, in the shape of the form: D x D,
   the diagonal, one number.  */
static void
put_scale (writer *w, const vbgmm_model *model, const double *W)
{
  size_t d = model->d;
  switch (vbgmm_covariance_shape (model->covariance))
    {
    case VBGMM_W_SCALAR:
      put_real (w, W[0]);
      break;
    case VBGMM_W_DIAGONAL:
      put_vector (w, W, d, d + 1);
      break;
    default:
      put_matrix (w, W, d);
    }
}

static void
put_component (writer *w, const vbgmm_model *model, size_t c,
               double weight)
{
  size_t d = model->d;
  const vbgmm_weights_type *wt = model->weights;
  open_level (w, '{');
  /* alpha, or a and b of the stick (none for the last component).  */
  if (c < wt->rows (model->k))
    key_real (w, wt->sections[0], model->alpha[c]);
  if (c < wt->rows (model->k) && wt->sections[1])
    key_real (w, wt->sections[1], model->b[c]);
  key_real (w, "beta", model->beta[c]);
  put_key (w, "m");
  put_vector (w, model->m + c * d, d, 1);
  /* A shared W and nu are written once, beside the components.  */
  if (!vbgmm_covariance_shared (model->covariance))
    {
      put_key (w, "W");
      put_scale (w, model, model->W + c * d * d);
      key_real (w, "nu", model->nu[c]);
    }
  key_real (w, "N", model->N[c]);
  key_real (w, "weight", weight);
  close_level (w, '}');
}

static void
put_model (writer *w, const vbgmm_model *model, const double *weight)
{
  size_t k = model->k, d = model->d;
  const vbgmm_prior *prior = model->prior;
  open_level (w, '{');
  key_string (w, "format", FORMAT_NAME);
  key_integer (w, "format_version", FORMAT_VERSION);
  key_string (w, "vbgmm_version", PACKAGE_VERSION);
  key_integer (w, "N", (json_int_t) model->n_points);
  key_integer (w, "D", (json_int_t) d);
  key_integer (w, "K", (json_int_t) k);

  put_key (w, "columns");
  open_level (w, '[');
  for (size_t j = 0; j < d; j++)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "x%zu", j + 1);
      char *u = vbgmm_name_utf8 (model->names ? model->names[j] : buf);
      next_member (w);
      if (u)
        put_string (w, u);
      else
        w->failed = 1;
      free (u);
    }
  close_level (w, ']');
  key_bool (w, "columns_from_header", model->names != NULL);
  put_key (w, "fields");
  if (model->fields)
    {
      open_level (w, '[');
      for (size_t j = 0; j < model->n_fields; j++)
        {
          next_member (w);
          put_integer (w, (json_int_t) model->fields[j] + 1);
        }
      close_level (w, ']');
    }
  else
    put_word (w, "null");

  key_string (w, "covariance", vbgmm_covariance_name (model->covariance));
  key_string (w, "weights", vbgmm_weights_name (model->weights));

  put_key (w, "prior");
  open_level (w, '{');
  key_real (w, "alpha0", prior->alpha0);
  key_real (w, "beta0", prior->beta0);
  key_real (w, "nu0", prior->nu0);
  key_real (w, "gamma0", prior->gamma0);
  put_key (w, "m0");
  put_vector (w, prior->m0, d, 1);
  put_key (w, "W0");
  put_scale (w, model, prior->W0);
  close_level (w, '}');

  put_key (w, "shift");
  put_vector (w, model->shift, d, 1);
  /* The units of m, W, shift, m0 and W0 (vbgmm.h), when not the
     data's: in the data's units a W may be beyond the range of
     doubles.  */
  if (!vbgmm_units_none (model->units, d))
    {
      put_key (w, "units");
      open_level (w, '[');
      for (size_t j = 0; j < d; j++)
        {
          next_member (w);
          put_integer (w, model->units[j]);
        }
      close_level (w, ']');
    }
  if (vbgmm_covariance_shared (model->covariance))
    {
      put_key (w, "W");
      put_scale (w, model, model->W);
      key_real (w, "nu", model->nu[0]);
    }
  put_key (w, "components");
  open_level (w, '[');
  for (size_t c = 0; c < k; c++)
    {
      next_member (w);
      put_component (w, model, c, weight[c]);
    }
  close_level (w, ']');

  put_key (w, "fit");
  open_level (w, '{');
  key_string (w, "init", model->init >= 0 && (size_t) model->init < N_INIT
                         ? init_names[model->init] : "unknown");
  /* Seeds above the largest json_int_t come back by the same cast.  */
  key_integer (w, "seed", (json_int_t) model->seed);
  key_integer (w, "n_init", (json_int_t) model->n_init);
  key_bool (w, "accelerate", model->accelerate);
  key_bool (w, "delete_moves", model->delete_moves);
  key_real (w, "tol", model->tol);
  key_integer (w, "max_iter", (json_int_t) model->max_iter);
  key_integer (w, "iterations", (json_int_t) model->iterations);
  key_bool (w, "converged", model->converged);
  key_real (w, "lower_bound", model->bound[model->iterations - 1]);
  key_integer (w, "decreases", (json_int_t) model->decreases);
  key_integer (w, "passes", (json_int_t) model->passes);
  close_level (w, '}');
  close_level (w, '}');
}

int
vbgmm_model_write (FILE *fp, const vbgmm_model *model, vbgmm_error *err)
{
  if (!model->prior || model->iterations < 1)
    return vbgmm_fail (err, VBGMM_EINVAL,
                       "the model holds no prior or no iteration");
  /* What read_fit refuses is not written: a file that cannot be read
     back.  A fit makes at least one start and one iteration, within
     its limit.  */
  if (model->n_init < 1)
    return vbgmm_fail (err, VBGMM_EINVAL, "the model records no start "
                       "(n_init 0)");
  if (model->iterations > model->max_iter
      || model->iterations > VBGMM_MAX_ITER_LIMIT)
    return vbgmm_fail (err, VBGMM_EINVAL, "the model records %zu "
                       "iterations, more than its max_iter (%zu) or %d",
                       model->iterations, model->max_iter,
                       VBGMM_MAX_ITER_LIMIT);
  if (!(model->tol >= 0) || model->init < 0 || (size_t) model->init >= N_INIT)
    return vbgmm_fail (err, VBGMM_EINVAL, "the model records an unknown "
                       "initialisation or a tolerance below 0");
  /* All K weights at once: one at a time costs K each.  */
  double *weight = malloc ((model->k ? model->k : 1) * sizeof (double));
  if (!weight)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  vbgmm_model_weights (model, weight);
  /* Every real checked first, so that a model that cannot be written
     leaves nothing written.  */
  writer check = { NULL, 0, { 0 }, 0 };
  put_model (&check, model, weight);
  if (check.failed)
    {
      free (weight);
      return vbgmm_fail (err, VBGMM_ENOMEM,
                         "out of memory, or a number that is not finite");
    }
  writer w = { fp, 0, { 0 }, 0 };
  errno = 0;
  put_model (&w, model, weight);
  free (weight);
  if (w.failed)
    return vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  /* Flushed: a full disk is this function's error, not the caller's
     fclose's.  */
  if (fputc ('\n', fp) == EOF || fflush (fp) != 0 || ferror (fp))
    return vbgmm_fail (err, VBGMM_EIO, "write error: %s",
                       strerror (errno ? errno : EIO));
  return VBGMM_SUCCESS;
}

int
vbgmm_model_save (const char *path, const vbgmm_model *model,
                  vbgmm_error *err)
{
  FILE *fp = fopen (path, "w");
  if (!fp)
    return vbgmm_fail (err, VBGMM_EIO, "%s", strerror (errno));
  int status = vbgmm_model_write (fp, model, err);
  if (fclose (fp) != 0 && !status)
    status = vbgmm_fail (err, VBGMM_EIO, "write error: %s", strerror (errno));
  return status;
}

/* ---- Reading.  Every check names the field: "field 'components[2].nu':
   what is wrong".  */

typedef struct reader
{
  vbgmm_error *err;
  int failed;
} reader;

static int
bad (reader *r, const char *field, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static int
bad (reader *r, const char *field, const char *fmt, ...)
{
  if (!r->failed)
    {
      char what[400];
      va_list ap;
      va_start (ap, fmt);
      vsnprintf (what, sizeof what, fmt, ap);
      va_end (ap);
      vbgmm_fail (r->err, VBGMM_EDATA, "field '%s': %s", field, what);
      r->failed = 1;
    }
  return -1;
}

/* KEY of OBJ, named PATH.KEY (or KEY at the top) in messages.  */
static json_t *
field (reader *r, json_t *obj, const char *path, const char *key,
       char *name, size_t len)
{
  snprintf (name, len, "%s%s%s", path, *path ? "." : "", key);
  json_t *v = json_object_get (obj, key);
  if (!v)
    bad (r, name, "missing");
  return v;
}

#define NAME_LEN 160

/* The JSON types a field may have, as a mask of json_typeof ().  */
#define TYPE(t) (1u << (t))
#define TYPE_NUMBER (TYPE (JSON_INTEGER) | TYPE (JSON_REAL))
#define TYPE_BOOLEAN (TYPE (JSON_TRUE) | TYPE (JSON_FALSE))

/* KEY of OBJ, named as by field (), of one of the JSON TYPES; KIND says
   in the message what was expected ("a number").  */
static json_t *
typed_field (reader *r, json_t *obj, const char *path, const char *key,
             unsigned types, const char *kind, char *name, size_t len)
{
  json_t *v = field (r, obj, path, key, name, len);
  if (v && !(types & TYPE (json_typeof (v))))
    {
      bad (r, name, "expected %s", kind);
      return NULL;
    }
  return v;
}

static int
get_real (reader *r, json_t *obj, const char *path, const char *key,
          double *out)
{
  char name[NAME_LEN];
  json_t *v = typed_field (r, obj, path, key, TYPE_NUMBER, "a number", name,
                           sizeof name);
  if (!v)
    return -1;
  *out = json_number_value (v);
  return 0;
}

static int
get_int (reader *r, json_t *obj, const char *path, const char *key,
         json_int_t min, json_int_t *out)
{
  char name[NAME_LEN];
  json_t *v = typed_field (r, obj, path, key, TYPE (JSON_INTEGER),
                           "an integer", name, sizeof name);
  if (!v)
    return -1;
  *out = json_integer_value (v);
  if (*out < min)
    return bad (r, name, "expected an integer >= %lld, found %lld",
                (long long) min, (long long) *out);
  return 0;
}

static int
get_bool (reader *r, json_t *obj, const char *path, const char *key,
          int *out)
{
  char name[NAME_LEN];
  json_t *v = typed_field (r, obj, path, key, TYPE_BOOLEAN, "true or false",
                           name, sizeof name);
  if (!v)
    return -1;
  *out = json_is_true (v);
  return 0;
}

static const char *
get_string (reader *r, json_t *obj, const char *path, const char *key)
{
  char name[NAME_LEN];
  json_t *v = typed_field (r, obj, path, key, TYPE (JSON_STRING),
                           "a string", name, sizeof name);
  return v ? json_string_value (v) : NULL;
}

static json_t *
get_object (reader *r, json_t *obj, const char *path, const char *key)
{
  char name[NAME_LEN];
  return typed_field (r, obj, path, key, TYPE (JSON_OBJECT), "an object",
                      name, sizeof name);
}

/* An array of exactly N elements.  */
static json_t *
get_array (reader *r, json_t *obj, const char *path, const char *key,
           size_t n, const char *of, char *name, size_t len)
{
  char kind[80];
  snprintf (kind, sizeof kind, "an array of %zu %s", n, of);
  json_t *v = typed_field (r, obj, path, key, TYPE (JSON_ARRAY), kind, name,
                           len);
  if (v && json_array_size (v) != n)
    {
      bad (r, name, "expected %zu %s, found %zu", n, of, json_array_size (v));
      return NULL;
    }
  return v;
}

static int
get_vector (reader *r, json_t *obj, const char *path, const char *key,
            size_t n, double *out)
{
  char name[NAME_LEN];
  json_t *a = get_array (r, obj, path, key, n, "numbers", name, sizeof name);
  if (!a)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      json_t *v = json_array_get (a, i);
      if (!json_is_number (v))
        return bad (r, name, "element %zu is not a number", i);
      out[i] = json_number_value (v);
    }
  return 0;
}

/* A d x d matrix as d rows of d numbers.  */
static int
get_matrix (reader *r, json_t *obj, const char *path, const char *key,
            size_t d, double *out)
{
  char name[NAME_LEN];
  json_t *a = get_array (r, obj, path, key, d, "rows", name, sizeof name);
  if (!a)
    return -1;
  for (size_t i = 0; i < d; i++)
    {
      json_t *row = json_array_get (a, i);
      if (!json_is_array (row) || json_array_size (row) != d)
        return bad (r, name, "row %zu is not an array of %zu numbers", i, d);
      for (size_t j = 0; j < d; j++)
        {
          json_t *v = json_array_get (row, j);
          if (!json_is_number (v))
            return bad (r, name, "row %zu: element %zu is not a number", i, j);
          out[i * d + j] = json_number_value (v);
        }
    }
  return 0;
}

/* Symmetric (to rounding) and positive definite.  */
static int
check_scale_matrix (reader *r, const char *name, const double *W, size_t d)
{
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < i; j++)
      {
        double a = W[i * d + j], b = W[j * d + i];
        double s = sqrt (fabs (W[i * d + i] * W[j * d + j]));
        if (!(fabs (a - b) <= 1e-12 * s))
          return bad (r, name, "not symmetric: [%zu][%zu] = %.17g, "
                      "[%zu][%zu] = %.17g", i, j, a, j, i, b);
      }
  int status = vbgmm_spd_check (d, W, d);
  if (status == -2)
    {
      r->failed = 1;
      return vbgmm_fail (r->err, VBGMM_ENOMEM, "out of memory");
    }
  if (status)
    return bad (r, name, "not positive definite");
  return 0;
}

/* A D x D scale (W, W0) from KEY of O at PATH in the shape of the
   model's form: the whole matrix, or its diagonal or its one number,
   written on the diagonal of A, whose other numbers are already 0 (D
   numbers, not D^2, for a form with a diagonal scale).  */
static int
get_diagonal (reader *r, json_t *o, const char *path, const char *key,
              const vbgmm_model *model, double *A)
{
  size_t d = model->d;
  int shape = vbgmm_covariance_shape (model->covariance);
  if (shape == VBGMM_W_MATRIX)
    return get_matrix (r, o, path, key, d, A);
  double *w = malloc (d * sizeof (double));
  if (!w)
    {
      r->failed = 1;
      return vbgmm_fail (r->err, VBGMM_ENOMEM, "out of memory");
    }
  int status = shape == VBGMM_W_SCALAR ? get_real (r, o, path, key, w)
               : get_vector (r, o, path, key, d, w);
  for (size_t i = 0; !status && i < d; i++)
    A[i * d + i] = shape == VBGMM_W_SCALAR ? w[0] : w[i];
  free (w);
  return status;
}

/* W and nu of component C from the object O at PATH, in the shape of
   the model's form, checked.  */
static int
read_scale (reader *r, json_t *o, const char *path, size_t c,
            vbgmm_model *model)
{
  size_t d = model->d;
  double *W = model->W + c * d * d, nu_floor;
  char name[NAME_LEN];
  int shape = vbgmm_covariance_shape (model->covariance);
  snprintf (name, sizeof name, "%s%sW", path, *path ? "." : "");
  /* W is the 0 of vbgmm_model_alloc off what is read.  */
  if (get_diagonal (r, o, path, "W", model, W))
    return -1;
  if (shape == VBGMM_W_MATRIX)
    {
      if (check_scale_matrix (r, name, W, d))
        return -1;
    }
  else
    for (size_t i = 0; i < d; i++)
      if (!(W[i * d + i] > 0) || !isfinite (W[i * d + i]))
        return bad (r, name, "expected numbers > 0");
  if (get_real (r, o, path, "nu", model->nu + c))
    return -1;
  nu_floor = vbgmm_covariance_nu0_floor (model->covariance, d);
  snprintf (name, sizeof name, "%s%snu", path, *path ? "." : "");
  if (!(model->nu[c] > nu_floor))
    return shape == VBGMM_W_MATRIX
           ? bad (r, name, "expected a number > D - 1 = %zu, found %.17g",
                  d - 1, model->nu[c])
           : bad (r, name, "expected a number > 0, found %.17g", model->nu[c]);
  if (model->nu[c] / 2 > VBGMM_LNGAMMA_ARG_MAX)
    return bad (r, name, "expected a number <= %.17g (past it ln Gamma(nu/2) "
                "overflows), found %.17g", 2 * VBGMM_LNGAMMA_ARG_MAX,
                model->nu[c]);
  return 0;
}

static int
read_component (reader *r, json_t *o, size_t c, vbgmm_model *model)
{
  size_t d = model->d;
  char path[48], name[NAME_LEN];
  snprintf (path, sizeof path, "components[%zu]", c);
  if (!json_is_object (o))
    return bad (r, path, "expected an object");
  double weight;
  const vbgmm_weights_type *wt = model->weights;
  int stick = c < wt->rows (model->k);
  if ((stick && get_real (r, o, path, wt->sections[0], model->alpha + c))
      || (stick && wt->sections[1]
          && get_real (r, o, path, wt->sections[1], model->b + c))
      || get_real (r, o, path, "beta", model->beta + c)
      || get_vector (r, o, path, "m", d, model->m + c * d)
      || get_real (r, o, path, "N", model->N + c)
      || get_real (r, o, path, "weight", &weight))
    return -1;
  if (!stick)
    {
      /* The last component of dp: no stick, nothing read.  */
      model->alpha[c] = 1;
      model->b[c] = 0;
    }
  for (int i = 0; stick && i < 2 && wt->sections[i]; i++)
    {
      double v = i == 0 ? model->alpha[c] : model->b[c];
      snprintf (name, sizeof name, "%s.%s", path, wt->sections[i]);
      if (!(v > 0))
        return bad (r, name, "expected a number > 0, found %.17g", v);
    }
  if (vbgmm_covariance_shared (model->covariance))
    return 0;
  if (read_scale (r, o, path, c, model))
    return -1;
  snprintf (name, sizeof name, "%s.beta", path);
  if (!(model->beta[c] > 0))
    return bad (r, name, "expected a number > 0, found %.17g", model->beta[c]);
  snprintf (name, sizeof name, "%s.N", path);
  if (!(model->N[c] >= 0))
    return bad (r, name, "expected a number >= 0, found %.17g", model->N[c]);
  return 0;
}

static int
read_columns (reader *r, json_t *root, vbgmm_model *model)
{
  size_t d = model->d;
  char name[NAME_LEN];
  int from_header;
  json_t *a = get_array (r, root, "", "columns", d, "names", name,
                         sizeof name);
  if (!a || get_bool (r, root, "", "columns_from_header", &from_header))
    return -1;
  for (size_t j = 0; j < d; j++)
    if (!json_is_string (json_array_get (a, j)))
      return bad (r, name, "element %zu is not a string", j);
  if (from_header)
    {
      if (!(model->names = calloc (d, sizeof *model->names)))
        goto nomem;
      for (size_t j = 0; j < d; j++)
        if (!(model->names[j] = strdup (json_string_value
                                        (json_array_get (a, j)))))
          goto nomem;
    }

  json_t *f = field (r, root, "", "fields", name, sizeof name);
  if (!f)
    return -1;
  if (json_is_null (f))
    return 0;
  if (!json_is_array (f) || json_array_size (f) != d)
    return bad (r, name, "expected null or an array of %zu field numbers", d);
  if (!(model->fields = calloc (d, sizeof *model->fields)))
    goto nomem;
  model->n_fields = d;
  for (size_t j = 0; j < d; j++)
    {
      json_t *v = json_array_get (f, j);
      if (!json_is_integer (v) || json_integer_value (v) < 1)
        return bad (r, name, "element %zu is not a field number >= 1", j);
      model->fields[j] = json_integer_value (v) - 1;
    }
  return 0;

nomem:
  r->failed = 1;
  return vbgmm_fail (r->err, VBGMM_ENOMEM, "out of memory");
}

/* The units, when given: D exponents of 2 (all 0 when absent).  */
static int
read_units (reader *r, json_t *root, vbgmm_model *model)
{
  size_t d = model->d;
  char name[NAME_LEN];
  if (!json_object_get (root, "units"))
    return 0;
  json_t *a = get_array (r, root, "", "units", d, "exponents", name,
                         sizeof name);
  if (!a)
    return -1;
  for (size_t j = 0; j < d; j++)
    {
      json_t *v = json_array_get (a, j);
      if (!json_is_integer (v) || json_integer_value (v) < -VBGMM_UNITS_MAX
          || json_integer_value (v) > VBGMM_UNITS_MAX)
        return bad (r, name, "element %zu is not an integer from %d to %d",
                    j, -VBGMM_UNITS_MAX, VBGMM_UNITS_MAX);
      model->units[j] = (int) json_integer_value (v);
    }
  memcpy (model->prior->units, model->units, d * sizeof (int));
  return 0;
}

static int
read_prior (reader *r, json_t *root, vbgmm_model *model)
{
  size_t d = model->d;
  json_t *p = get_object (r, root, "", "prior");
  if (!p)
    return -1;
  if (!(model->prior = vbgmm_prior_alloc (d)))
    {
      r->failed = 1;
      return vbgmm_fail (r->err, VBGMM_ENOMEM, "out of memory");
    }
  vbgmm_prior *prior = model->prior;
  prior->covariance = model->covariance;
  prior->weights = model->weights;
  /* gamma0 came with the other forms; a file without it has 1.  */
  if (json_object_get (p, "gamma0")
      && get_real (r, p, "prior", "gamma0", &prior->gamma0))
    return -1;
  if (get_real (r, p, "prior", "alpha0", &prior->alpha0)
      || get_real (r, p, "prior", "beta0", &prior->beta0)
      || get_real (r, p, "prior", "nu0", &prior->nu0)
      || get_vector (r, p, "prior", "m0", d, prior->m0)
      || get_diagonal (r, p, "prior", "W0", model, prior->W0))
    return -1;
  const char *why = vbgmm_prior_check (prior);
  if (why)
    return bad (r, "prior", "%s", why);
  return 0;
}

static int
read_fit (reader *r, json_t *root, vbgmm_model *model)
{
  json_t *f = get_object (r, root, "", "fit");
  json_int_t seed, n_init, max_iter, iterations, decreases, passes;
  double bound;
  if (!f)
    return -1;
  const char *init = get_string (r, f, "fit", "init");
  if (!init)
    return -1;
  model->init = -1;
  for (size_t i = 0; i < N_INIT; i++)
    if (strcmp (init, init_names[i]) == 0)
      model->init = (int) i;
  if (model->init < 0)
    return bad (r, "fit.init", "unknown initialisation '%s'", init);
  if (get_int (r, f, "fit", "seed", LLONG_MIN, &seed)
      || get_int (r, f, "fit", "n_init", 1, &n_init)
      || get_bool (r, f, "fit", "accelerate", &model->accelerate)
      || get_real (r, f, "fit", "tol", &model->tol)
      || get_int (r, f, "fit", "max_iter", 1, &max_iter)
      || get_int (r, f, "fit", "iterations", 1, &iterations)
      || get_bool (r, f, "fit", "converged", &model->converged)
      || get_real (r, f, "fit", "lower_bound", &bound)
      || get_int (r, f, "fit", "decreases", 0, &decreases)
      || get_int (r, f, "fit", "passes", 0, &passes))
    return -1;
  /* Files written before delete moves were made have no such key.  */
  model->delete_moves = 0;
  if (json_object_get (f, "delete_moves")
      && get_bool (r, f, "fit", "delete_moves", &model->delete_moves))
    return -1;
  if (!(model->tol >= 0))
    return bad (r, "fit.tol", "expected a number >= 0");
  /* A fit stops at its limit, and the bound is kept for each iteration
     (vbgmm_model): no more than a program's --max-iter allows.  */
  if (iterations > max_iter || iterations > VBGMM_MAX_ITER_LIMIT)
    return bad (r, "fit.iterations", "expected an integer from 1 to %lld "
                "(max_iter, at most %d), found %lld",
                (long long) (max_iter < VBGMM_MAX_ITER_LIMIT
                             ? max_iter : VBGMM_MAX_ITER_LIMIT),
                VBGMM_MAX_ITER_LIMIT, (long long) iterations);
  model->seed = (unsigned long) seed;
  model->max_iter = max_iter;
  model->iterations = iterations;
  model->decreases = decreases;
  model->n_init = n_init;
  model->passes = passes;
  return 0;
}

static vbgmm_model *
model_from_json (json_t *root, vbgmm_error *err)
{
  reader r = { err, 0 };
  vbgmm_model *model = NULL;
  json_int_t version, n, d, k;
  char name[NAME_LEN];

  if (!json_is_object (root))
    {
      vbgmm_fail (err, VBGMM_EDATA, "not a vbgmm model: not a JSON object");
      return NULL;
    }
  const char *format = get_string (&r, root, "", "format");
  if (!format)
    return NULL;
  if (strcmp (format, FORMAT_NAME) != 0)
    {
      bad (&r, "format", "expected \"" FORMAT_NAME "\", found \"%s\"", format);
      return NULL;
    }
  if (get_int (&r, root, "", "format_version", 1, &version))
    return NULL;
  if (version > FORMAT_VERSION)
    {
      bad (&r, "format_version", "version %lld is newer than this vbgmm "
           "reads (%d)", (long long) version, FORMAT_VERSION);
      return NULL;
    }
  if (!get_string (&r, root, "", "vbgmm_version")
      || get_int (&r, root, "", "N", 0, &n)
      || get_int (&r, root, "", "D", 1, &d)
      || get_int (&r, root, "", "K", 1, &k))
    return NULL;
  const char *cov = get_string (&r, root, "", "covariance");
  if (!cov)
    return NULL;
  const vbgmm_covariance_type *cov_type = vbgmm_covariance_lookup (cov);
  if (!cov_type)
    {
      bad (&r, "covariance", "'%s' is not a form this vbgmm knows", cov);
      return NULL;
    }
  const char *weights = get_string (&r, root, "", "weights");
  if (!weights)
    return NULL;
  const vbgmm_weights_type *weights_type = vbgmm_weights_lookup (weights);
  if (!weights_type)
    {
      bad (&r, "weights", "'%s' is not a prior this vbgmm knows", weights);
      return NULL;
    }
  /* The sizes must match the arrays before anything is allocated.  */
  json_t *comps = get_array (&r, root, "", "components", k, "components",
                             name, sizeof name);
  if (!comps || !get_array (&r, root, "", "shift", d, "numbers", name,
                            sizeof name))
    return NULL;

  model = vbgmm_model_alloc (k, d, 1);
  if (!model)
    {
      vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      return NULL;
    }
  model->n_points = n;
  model->covariance = cov_type;
  model->weights = weights_type;
  if (read_columns (&r, root, model) || read_prior (&r, root, model)
      || get_vector (&r, root, "", "shift", d, model->shift)
      || read_units (&r, root, model))
    goto fail;
  for (size_t c = 0; c < (size_t) k; c++)
    if (read_component (&r, json_array_get (comps, c), c, model))
      goto fail;
  /* A shared W and nu, once beside the components.  */
  if (vbgmm_covariance_shared (cov_type))
    {
      if (read_scale (&r, root, "", 0, model))
        goto fail;
      for (size_t c = 1; c < (size_t) k; c++)
        {
          memcpy (model->W + c * d * d, model->W, d * d * sizeof (double));
          model->nu[c] = model->nu[0];
        }
    }
  if (read_fit (&r, root, model))
    goto fail;

  /* Only the final bound is kept.  */
  double *b = malloc (model->iterations * sizeof (double));
  if (!b)
    {
      vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      goto fail;
    }
  for (size_t t = 0; t + 1 < model->iterations; t++)
    b[t] = NAN;
  json_t *f = json_object_get (root, "fit");
  b[model->iterations - 1] = json_number_value (json_object_get (f,
                                                                 "lower_bound"));
  free (model->bound);
  model->bound = b;
  return model;

fail:
  vbgmm_model_free (model);
  return NULL;
}

/* The stream for jansson with a UTF-8 byte order mark at its start
   left out, as the CSV reader leaves it out: editors on Windows write
   one, and JSON text (RFC 8259) may be read past one.  HEAD holds the
   first bytes, AT of N of them given out so far.  */
struct after_bom
{
  FILE *fp;
  char head[3];
  size_t n, at;
  int nul;       /* a NUL byte given out, where jansson ends the text */
};

static size_t
read_after_bom (void *buf, size_t len, void *arg)
{
  struct after_bom *b = arg;
  if (b->at < b->n)
    {
      size_t m = b->n - b->at < len ? b->n - b->at : len;
      memcpy (buf, b->head + b->at, m);
      b->at += m;
      b->nul |= memchr (buf, '\0', m) != NULL;
      return m;
    }
  size_t got = fread (buf, 1, len, b->fp);
  b->nul |= memchr (buf, '\0', got) != NULL;
  return got == 0 && ferror (b->fp) ? (size_t) -1 : got;
}

vbgmm_model *
vbgmm_model_read (FILE *fp, vbgmm_error *err)
{
  json_error_t jerr;
  gsl_set_error_handler_off ();
  struct after_bom b = { fp, { 0 }, 0, 0, 0 };
  b.n = fread (b.head, 1, sizeof b.head, fp);
  if (b.n == 3 && memcmp (b.head, "\xef\xbb\xbf", 3) == 0)
    {
      /* A second mark would be U+FEFF to jansson, an invisible
         character in its message.  */
      b.n = fread (b.head, 1, sizeof b.head, fp);
      if (b.n == 3 && memcmp (b.head, "\xef\xbb\xbf", 3) == 0)
        {
          vbgmm_fail (err, VBGMM_EDATA, "not a vbgmm model: a second UTF-8 "
                      "byte order mark after the first");
          if (err)
            err->line = 1;
          return NULL;
        }
    }
  json_t *root = ferror (fp) ? NULL
                 : json_load_callback (read_after_bom, &b,
                                       JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    {
      if (ferror (fp))
        vbgmm_fail (err, VBGMM_EIO, "read error: %s",
                    strerror (errno ? errno : EIO));
      else
        {
          /* The NUL is the end of the text that jansson finds wanting
             ("end of file expected near end of file").  */
          vbgmm_fail (err, VBGMM_EDATA, "not a vbgmm model: %s",
                      b.nul && strstr (jerr.text, "near end of file")
                      ? "binary data (a NUL byte), not JSON text"
                      : jerr.text);
          if (err && jerr.line > 0)
            err->line = jerr.line;
        }
      return NULL;
    }
  vbgmm_model *model = model_from_json (root, err);
  json_decref (root);
  return model;
}

vbgmm_model *
vbgmm_model_load (const char *path, vbgmm_error *err)
{
  FILE *fp = fopen (path, "r");
  struct stat st;
  /* A folder opens, and its first read fails: said as the CSV reader
     says it.  */
  if (fp && fstat (fileno (fp), &st) == 0 && S_ISDIR (st.st_mode))
    {
      fclose (fp);
      fp = NULL;
      errno = EISDIR;
    }
  if (!fp)
    {
      vbgmm_fail (err, VBGMM_EIO, "%s", strerror (errno));
      return NULL;
    }
  vbgmm_model *model = vbgmm_model_read (fp, err);
  fclose (fp);
  return model;
}
