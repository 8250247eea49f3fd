# test_layout.py -- the ctypes mirrors of the structs of vbgmm.h have
# the C compiler's size and field offsets (tests/python/layout prints
# them), so that no call passes a misread struct.
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
        assert ctypes.sizeof(cls) == c[name, "-"], name
        fields = {f for s, f in c if s == name and f != "-"}
        assert fields == {f[0] for f in cls._fields_}, name
        for f in fields:
            assert getattr(cls, f).offset == c[name, f], (name, f)
