/* error.c -- how the library reports an error

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

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int
vbgmm_fail (vbgmm_error *err, int status, const char *fmt, ...)
{
  if (err)
    {
      char text[sizeof err->message];
      va_list ap;
      err->status = status;
      err->line = 0;
      va_start (ap, fmt);
      vsnprintf (text, sizeof text, fmt, ap);
      va_end (ap);
      vbgmm_text_printable (err->message, sizeof err->message, text);
    }
  return status;
}

/* The length of the UTF-8 character at S that shows as itself, or 0
   for a byte to escape.  */
static size_t
shown_char (const unsigned char *s)
{
  if (*s == '\t' || (*s >= 0x20 && *s < 0x7f))
    return 1;
  size_t len = *s >= 0xc2 && *s <= 0xdf ? 2 : *s >= 0xe0 && *s <= 0xef ? 3
               : *s >= 0xf0 && *s <= 0xf4 ? 4 : 0;
  unsigned long c = len == 2 ? *s & 0x1f : len == 3 ? *s & 0x0f : *s & 0x07;
  for (size_t i = 1; i < len; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      c = c << 6 | (s[i] & 0x3f);
    }
  /* Overlong forms, surrogates, past U+10FFFF.  */
  if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000)
      || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
    return 0;
  if ((c >= 0x80 && c <= 0x9f) || (c >= 0x200b && c <= 0x200f)
      || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f)
      || c == 0xfeff)
    return 0;
  return len;
}

void
vbgmm_text_printable (char *dst, size_t size, const char *src)
{
  const unsigned char *s = (const unsigned char *) src;
  size_t o = 0;
  while (*s)
    {
      size_t len = shown_char (s);
      if (len == 0)
        {
          /* The whole character, or the one stray byte.  */
          size_t n = 1;
          while (s[n] && (s[n] & 0xc0) == 0x80 && n < 4 && *s >= 0xc2)
            n++;
          if (o + 4 * n >= size)
            break;
          for (size_t i = 0; i < n; i++, o += 4)
            snprintf (dst + o, 5, "\\x%02x", s[i]);
          s += n;
        }
      else
        {
          if (o + len >= size)
            break;
          memcpy (dst + o, s, len);
          o += len;
          s += len;
        }
    }
  dst[o] = '\0';
}
