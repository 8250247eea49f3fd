/* comm.c -- sums over the processes of a fit, and agreeing on failure

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

#include "comm.h"
#include "error.h"

int
vbgmm_comm_sum (const vbgmm_comm *comm, double *buf, size_t n,
                vbgmm_error *err)
{
  if (comm && comm->sum && comm->sum (buf, n, comm->arg))
    return vbgmm_fail (err, VBGMM_EIO, "communication failed");
  return VBGMM_SUCCESS;
}

int
vbgmm_comm_agree (const vbgmm_comm *comm, int failed, vbgmm_error *err)
{
  if (!comm || !comm->sum)
    return failed;
  double n = failed != 0;
  int status = vbgmm_comm_sum (comm, &n, 1, err);
  if (status)
    return status;
  if (n > 0 && !failed)
    return vbgmm_fail (err, VBGMM_EREMOTE, "another process failed");
  return failed;
}

int
vbgmm_comm_agree_alloc (const vbgmm_comm *comm, int ok, vbgmm_error *err)
{
  int failed = ok ? 0 : vbgmm_fail (err, VBGMM_ENOMEM, "out of memory");
  return vbgmm_comm_agree (comm, failed, err);
}
