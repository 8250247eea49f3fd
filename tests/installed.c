/* installed.c -- a program built against the installed library

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

/* make installcheck compiles this file with the flags of the installed
   vbgmm.pc alone (pkg-config --cflags --libs vbgmm) and runs it: the
   header is found, the library links and loads, and a fit runs.  Two
   clusters of 10 points, mirror images of each other 20 apart, fitted
   with K = 2: every responsibility is 0 or 1 but for exp(-100), so
   N_k = 10 and E[pi_k] = (alpha0 + 10) / (2 alpha0 + 20) = 1/2.
   Exit status 0, or 1 with a message.  */

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <vbgmm.h>

int
main (int argc, char **argv)
{
  const char *want = argc > 1 ? argv[1] : "";
  if (strcmp (vbgmm_version (), want) != 0)
    {
      fprintf (stderr, "installed: version %s, not %s\n",
               vbgmm_version (), want);
      return 1;
    }
  vbgmm_data *data = vbgmm_data_alloc (20, 2);
  vbgmm_prior *prior = vbgmm_prior_alloc (2);
  if (!data || !prior)
    {
      fprintf (stderr, "installed: out of memory\n");
      return 1;
    }
  for (size_t i = 0; i < 10; i++)
    {
      double dx = 0.1 * (double) (i % 5) - 0.2, dy = i < 5 ? -0.1 : 0.1;
      data->x[2 * i] = -10 + dx;
      data->x[2 * i + 1] = dy;
      data->x[2 * (i + 10)] = 10 - dx;
      data->x[2 * (i + 10) + 1] = -dy;
    }
  vbgmm_options opt;
  vbgmm_options_default (&opt);
  opt.k = 2;
  vbgmm_error err;
  vbgmm_model *model = vbgmm_fit (data, prior, &opt, &err);
  if (!model)
    {
      fprintf (stderr, "installed: the fit failed: %s\n", err.message);
      return 1;
    }
  int status = 0;
  for (size_t k = 0; k < 2; k++)
    if (!(fabs (vbgmm_model_weight (model, k) - 0.5) <= 1e-12))
      {
        fprintf (stderr, "installed: weight %zu is %.17g, not 1/2\n", k,
                 vbgmm_model_weight (model, k));
        status = 1;
      }
  vbgmm_model_free (model);
  vbgmm_prior_free (prior);
  vbgmm_data_free (data);
  return status;
}
