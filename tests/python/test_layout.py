# test_layout.py -- the ctypes mirrors of the structs of vbgmm.h have
# the C compiler's field offsets (tests/python/layout prints them), and
# the two that Python allocates are large enough, so that no call
# passes a misread struct.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import ctypes
import os
import subprocess

from conftest import TOP_BUILDDIR

from vbgmm import _lib


def c_layout():
    out = subprocess.run([os.path.join(TOP_BUILDDIR, "tests", "python",
                                       "layout")],
                         check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()]
    return {(s, f): int(v) for s, f, v in rows}


def test_every_struct_and_field():
    c = c_layout()
    structs = {s for s, _ in c}
    assert structs == set(_lib.STRUCTS)
    for name, cls in _lib.STRUCTS.items():
        fields = {f for s, f in c if s == name and f != "-"}
        mine = {f[0] for f in cls._fields_} - {"_spare"}
        assert fields == mine, name
        for f in fields:
            assert getattr(cls, f).offset == c[name, f], (name, f)
        # Python allocates these two: they must hold the C struct.
        if name in ("vbgmm_options", "vbgmm_error"):
            assert ctypes.sizeof(cls) >= c[name, "-"], name
            assert cls._spare.offset <= c[name, "-"], name
