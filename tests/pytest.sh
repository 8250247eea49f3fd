#!/bin/sh
# pytest.sh FILE -- run one file of the Python tests with pytest, on the
# module in the source tree and the library in the build tree.  Exit 77
# (skipped) without a Python with NumPy and pytest, or when the shared
# library was not built (configure --disable-shared).
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

set -eu
: "${abs_top_builddir:=$PWD}"
: "${abs_top_srcdir:=$abs_top_builddir}"
if test "${HAVE_PYTHON:-no}" != yes; then
  echo "SKIP: no Python 3 with NumPy (Debian: python3-numpy; or PYTHON=)"
  exit 77
fi
if ! "$PYTHON" -c 'import pytest' 2>/dev/null; then
  echo "SKIP: $PYTHON has no pytest (Debian: python3-pytest)"
  exit 77
fi
lib=$abs_top_builddir/src/.libs/libvbgmm.so
if ! test -f "$lib"; then
  echo "SKIP: no shared libvbgmm in the build tree (configure --disable-shared)"
  exit 77
fi
VBGMM_LIBRARY=$lib
PYTHONPATH=$abs_top_srcdir/python${PYTHONPATH:+:$PYTHONPATH}
# Nothing is written into the source tree (read-only under distcheck).
PYTHONDONTWRITEBYTECODE=1
export VBGMM_LIBRARY PYTHONPATH PYTHONDONTWRITEBYTECODE
exec "$PYTHON" -m pytest -q -rs -p no:cacheprovider "$1"
