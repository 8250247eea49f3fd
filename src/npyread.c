/* npyread.c -- read the points from a NumPy .npy file

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

/* The format (numpy.lib.format): the magic "\x93NUMPY", a major and a
   minor version byte, the length of the header (2 bytes little-endian
   in version 1, 4 bytes in versions 2 and 3), the header: a Python
   dict literal with the keys 'descr', 'fortran_order' and 'shape',
   padded with spaces and a newline so that the data start at a multiple
   of 16 (64 since NumPy 1.14); then the array's bytes.  Little-endian
   float64 in C order, the common case, is mapped into memory and used
   as it is; float32, big-endian numbers and a choice of columns are
   converted into a new array.  */

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "vbgmm.h"

/* No real header is longer; a longer length is a damaged file.  */
#define HEADER_MAX ((size_t) 1 << 20)

int
vbgmm_npy_magic (const void *head, size_t len)
{
  return len >= 6 && memcmp (head, "\x93NUMPY", 6) == 0;
}

/* The value of KEY in the dict literal H: a pointer just past the
   colon, blanks skipped, or NULL.  */
static const char *
dict_value (const char *h, const char *key)
{
  char quoted[32];
  for (int q = 0; q < 2; q++)
    {
      snprintf (quoted, sizeof quoted, "%c%s%c", q ? '"' : '\'', key,
                q ? '"' : '\'');
      const char *p = strstr (h, quoted);
      if (p)
        {
          p += strlen (quoted);
          while (*p == ' ')
            p++;
          if (*p++ != ':')
            return NULL;
          while (*p == ' ')
            p++;
          return p;
        }
    }
  return NULL;
}

/* What the header says.  */
typedef struct npy_header
{
  char type;      /* 'f' */
  int size;       /* 4 or 8 */
  int swap;       /* big-endian on this little-endian machine */
  size_t dims, shape[2];
} npy_header;

static int
parse_header (const char *h, npy_header *hd, vbgmm_error *err)
{
  const char *v = dict_value (h, "descr");
  if (!v || (*v != '\'' && *v != '"'))
    return vbgmm_fail (err, VBGMM_EDATA, "header: no 'descr'");
  char quote = *v++, descr[16];
  size_t n = 0;
  while (v[n] && v[n] != quote && n + 1 < sizeof descr)
    n++;
  memcpy (descr, v, n);
  descr[n] = '\0';
  static const union { uint16_t u; unsigned char b[2]; } one = { 1 };
  int little = one.b[0] == 1;
  if (n == 3 && strchr ("<>=|", descr[0]) && descr[1] == 'f'
      && (descr[2] == '4' || descr[2] == '8'))
    {
      hd->type = 'f';
      hd->size = descr[2] - '0';
      hd->swap = (descr[0] == '<' && !little) || (descr[0] == '>' && little);
    }
  else
    return vbgmm_fail (err, VBGMM_EDATA, "array of type '%s': expected "
                     "float64 ('<f8') or float32 ('<f4')", descr);

  v = dict_value (h, "fortran_order");
  if (!v || (strncmp (v, "False", 5) != 0 && strncmp (v, "True", 4) != 0))
    return vbgmm_fail (err, VBGMM_EDATA, "header: no 'fortran_order'");
  if (*v == 'T')
    return vbgmm_fail (err, VBGMM_EDATA, "array in Fortran order: save it "
                     "in C order (numpy.ascontiguousarray)");

  v = dict_value (h, "shape");
  if (!v || *v++ != '(')
    return vbgmm_fail (err, VBGMM_EDATA, "header: no 'shape'");
  hd->dims = 0;
  for (;;)
    {
      while (*v == ' ')
        v++;
      if (*v == ')')
        break;
      if (*v < '0' || *v > '9')
        return vbgmm_fail (err, VBGMM_EDATA, "header: bad 'shape'");
      errno = 0;
      char *end;
      unsigned long long s = strtoull (v, &end, 10);
      if (errno || s > SIZE_MAX)
        return vbgmm_fail (err, VBGMM_EDATA, "header: shape too large");
      if (hd->dims == 2)
        return vbgmm_fail (err, VBGMM_EDATA, "array of more than 2 "
                         "dimensions: expected N points of D numbers");
      hd->shape[hd->dims++] = s;
      v = end;
      while (*v == ' ')
        v++;
      if (*v == ',')
        v++;
      else if (*v != ')')
        return vbgmm_fail (err, VBGMM_EDATA, "header: bad 'shape'");
    }
  if (hd->dims == 0)
    return vbgmm_fail (err, VBGMM_EDATA, "a single number, not an array of "
                     "points");
  if (hd->dims == 1)
    hd->shape[hd->dims++] = 1;
  return VBGMM_SUCCESS;
}

static double
element (const unsigned char *p, const npy_header *hd)
{
  unsigned char b[8];
  for (int i = 0; i < hd->size; i++)
    b[i] = p[hd->swap ? hd->size - 1 - i : i];
  if (hd->size == 8)
    {
      double v;
      memcpy (&v, b, 8);
      return v;
    }
  float f;
  memcpy (&f, b, 4);
  return f;
}

int
vbgmm_npy_read (const char *path, const size_t *columns, size_t n_columns,
                vbgmm_data **data, vbgmm_error *err)
{
  vbgmm_error dummy;
  if (err == NULL)
    err = &dummy;
  err->status = VBGMM_SUCCESS;
  err->line = 0;
  err->message[0] = '\0';
  if (path == NULL || data == NULL)
    return vbgmm_fail (err, VBGMM_EINVAL, "no file or no place for the data");
  *data = NULL;

  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      return vbgmm_fail (err, VBGMM_EIO, "%s", strerror (e));
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      return S_ISDIR (st.st_mode)
             ? vbgmm_fail (err, VBGMM_EIO, "%s", strerror (EISDIR))
             : vbgmm_fail (err, VBGMM_EIO, "a .npy array is read from a "
                         "regular file, not a pipe or a device");
    }
  size_t size = st.st_size;
  void *map = size ? mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                           fd, 0) : MAP_FAILED;
  int map_errno = errno;
  close (fd);
  if (size == 0)
    return vbgmm_fail (err, VBGMM_EDATA, "empty file, not a NumPy file");
  if (map == MAP_FAILED)
    return vbgmm_fail (err, VBGMM_EIO, "%s", strerror (map_errno));
  const unsigned char *b = map;

  int status = VBGMM_SUCCESS;
  vbgmm_data *out = NULL;
  char *h = NULL;
  size_t hlen = 0, start = 0;
  if (!vbgmm_npy_magic (b, size))
    status = vbgmm_fail (err, VBGMM_EDATA, "not a NumPy file (no \\x93NUMPY "
                       "magic)");
  else if (size < 10 || (b[6] >= 2 && size < 12))
    status = vbgmm_fail (err, VBGMM_EDATA, "truncated header");
  else if (b[6] < 1 || b[6] > 3)
    status = vbgmm_fail (err, VBGMM_EDATA, "format version %d.%d: expected "
                       "1.0 to 3.0", b[6], b[7]);
  else
    {
      if (b[6] == 1)
        hlen = b[8] | (size_t) b[9] << 8, start = 10;
      else
        hlen = b[8] | (size_t) b[9] << 8 | (size_t) b[10] << 16
               | (size_t) b[11] << 24, start = 12;
      if (hlen > HEADER_MAX || hlen > size - start)
        status = vbgmm_fail (err, VBGMM_EDATA, "header length %zu exceeds "
                           "the file (%zu bytes)", hlen, size);
    }
  npy_header hd = { 0 };
  if (!status)
    {
      h = malloc (hlen + 1);
      if (!h)
        status = vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
      else
        {
          memcpy (h, b + start, hlen);
          h[hlen] = '\0';
          status = parse_header (h, &hd, err);
        }
    }
  size_t n = hd.shape[0], d = hd.shape[1], off = start + hlen;
  if (!status && (n == 0 || d == 0))
    status = vbgmm_fail (err, VBGMM_EDATA, "no data");
  if (!status && (d > SIZE_MAX / hd.size || n > SIZE_MAX / hd.size / d))
    status = vbgmm_fail (err, VBGMM_EDATA, "header: shape too large");
  if (!status && n * d * hd.size > size - off)
    status = vbgmm_fail (err, VBGMM_EDATA, "truncated: %zu x %zu numbers of "
                       "%d bytes need %zu bytes of data, found %zu", n, d,
                       hd.size, n * d * hd.size, size - off);
  for (size_t j = 0; !status && columns && j < n_columns; j++)
    if (columns[j] >= d)
      status = vbgmm_fail (err, VBGMM_EDATA, "column %zu requested but rows "
                         "have %zu numbers", columns[j] + 1, d);

  /* Mapped as it is, or converted.  */
  size_t dk = columns ? n_columns : d;
  int direct = !columns && hd.size == 8 && !hd.swap && off % 8 == 0;
  if (!status)
    {
      out = vbgmm_data_alloc (direct ? 0 : n, dk);
      if (!out)
        status = vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
    }
  if (!status && direct)
    {
      out->x = (double *) (void *) (b + off);
      out->n = out->n_total = n;
      out->map = map;
      out->map_len = size;
      map = NULL;
    }
  else if (!status)
    {
      const unsigned char *src = b + off;
#pragma omp parallel for schedule(static)
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < dk; j++)
          out->x[i * dk + j] = element (src + (i * d + (columns ? columns[j]
                                                          : j)) * hd.size,
                                        &hd);
    }

  /* Every number must be finite, as in a CSV file.  */
  for (size_t i = 0; !status && i < n; i++)
    for (size_t j = 0; j < dk; j++)
      if (!isfinite (out->x[i * dk + j]))
        {
          status = vbgmm_fail (err, VBGMM_EDATA, "row %zu, column %zu: not a "
                             "finite number (%g)", i + 1,
                             (columns ? columns[j] : j) + 1,
                             out->x[i * dk + j]);
          break;
        }

  free (h);
  if (map && map != MAP_FAILED)
    munmap (map, size);
  if (status)
    vbgmm_data_free (out);
  else
    *data = out;
  return status;
}
