/* comm.h -- sums over the processes of a fit, and agreeing on failure

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

#ifndef VBGMM_COMM_H
#define VBGMM_COMM_H

#include <stddef.h>

#include "vbgmm.h"

/* BUF[0..N-1] summed over the processes of COMM in place (nothing to do
   without COMM); 0, or VBGMM_EIO in ERR when the communication fails.  */
int vbgmm_comm_sum (const vbgmm_comm *comm, double *buf, size_t n,
                    vbgmm_error *err);

/* Collective: whether any process failed, FAILED being this one's
   status (its message already in ERR).  A process that did not fail
   itself returns VBGMM_EREMOTE, so that none goes on to wait in a sum
   for one that has given up.  Every step that can fail on one process
   alone (memory) is followed by this before the next sum.  */
int vbgmm_comm_agree (const vbgmm_comm *comm, int failed, vbgmm_error *err);

/* vbgmm_comm_agree after an allocation: OK is whether this process got
   its memory (if not, its error is VBGMM_ENOMEM, "out of memory").  */
int vbgmm_comm_agree_alloc (const vbgmm_comm *comm, int ok, vbgmm_error *err);

#endif
