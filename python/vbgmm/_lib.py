# _lib.py -- libvbgmm through ctypes: finding the library, its structs
# and functions, and its status codes as Python exceptions.
#
# Copyright (C) 2026 The vbgmm developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.

"""The C library, loaded once.

ctypes.CDLL releases the GIL for the length of every foreign call, so a
fit or a prediction in one Python thread lets the others run.  The
structs below mirror the fields of src/vbgmm.h that the module uses;
the test suite checks their offsets against the C compiler's
(tests/python/test_layout.py).  The data, the prior and the model are
allocated by the library, and the two structs Python allocates (the
options and the error) carry room to spare, so that fields added at
the end of a struct get the library's defaults.
"""

import ctypes
import ctypes.util
import os

c_double_p = ctypes.POINTER(ctypes.c_double)

# Status codes (vbgmm.h).
SUCCESS = 0
EDATA = 1
EIO = 2
EINVAL = 3
ENOMEM = 4
ENUM = 5
EREMOTE = 6

INIT_KMEANSPP = 0
INIT_RANDOM = 1
INIT_MEANS = 2
INIT_KMEANS = 3
INIT_LABELS = 4
INIT_RESP = 5
INIT_MODEL = 6


# Room after the known fields of a struct that Python allocates.
SPARE = 1024


class Error(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int),
                ("line", ctypes.c_long),
                ("message", ctypes.c_char * 512),
                ("_spare", ctypes.c_char * SPARE)]


class Comm(ctypes.Structure):
    _fields_ = [("sum", ctypes.c_void_p),
                ("exscan", ctypes.c_void_p),
                ("arg", ctypes.c_void_p)]


class Data(ctypes.Structure):
    _fields_ = [("n", ctypes.c_size_t),
                ("d", ctypes.c_size_t),
                ("x", c_double_p),
                ("names", ctypes.POINTER(ctypes.c_char_p)),
                ("first_row", ctypes.c_size_t),
                ("n_total", ctypes.c_size_t)]


class Prior(ctypes.Structure):
    _fields_ = [("d", ctypes.c_size_t),
                ("alpha0", ctypes.c_double),
                ("beta0", ctypes.c_double),
                ("nu0", ctypes.c_double),
                ("m0", c_double_p),
                ("W0", c_double_p),
                ("covariance", ctypes.c_void_p),
                ("weights", ctypes.c_void_p),
                ("gamma0", ctypes.c_double)]


PROGRESS = ctypes.CFUNCTYPE(None, ctypes.c_size_t, ctypes.c_double,
                            ctypes.c_void_p)
SINK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_double),
                        ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p)


class Options(ctypes.Structure):
    _fields_ = [("k", ctypes.c_size_t),
                ("init", ctypes.c_int),
                ("init_means", c_double_p),
                ("init_labels", ctypes.POINTER(ctypes.c_size_t)),
                ("init_resp", c_double_p),
                ("kmeans_max_iter", ctypes.c_size_t),
                ("seed", ctypes.c_ulong),
                ("n_init", ctypes.c_size_t),
                ("accelerate", ctypes.c_int),
                ("max_iter", ctypes.c_size_t),
                ("tol", ctypes.c_double),
                ("threads", ctypes.c_int),
                ("comm", ctypes.POINTER(Comm)),
                ("progress", PROGRESS),
                ("progress_arg", ctypes.c_void_p),
                ("start_done", ctypes.c_void_p),
                ("init_model", ctypes.c_void_p),
                ("delete_moves", ctypes.c_int),
                ("_spare", ctypes.c_char * SPARE)]


class Model(ctypes.Structure):
    _fields_ = [("k", ctypes.c_size_t),
                ("d", ctypes.c_size_t),
                ("alpha", c_double_p),
                ("beta", c_double_p),
                ("m", c_double_p),
                ("W", c_double_p),
                ("nu", c_double_p),
                ("N", c_double_p),
                ("shift", c_double_p),
                ("bound", c_double_p),
                ("iterations", ctypes.c_size_t),
                ("converged", ctypes.c_int),
                ("decreases", ctypes.c_size_t),
                ("passes", ctypes.c_size_t),
                ("seed", ctypes.c_ulong),
                ("n_points", ctypes.c_size_t),
                ("names", ctypes.POINTER(ctypes.c_char_p)),
                ("fields", ctypes.POINTER(ctypes.c_size_t)),
                ("n_fields", ctypes.c_size_t),
                ("prior", ctypes.POINTER(Prior)),
                ("init", ctypes.c_int),
                ("n_init", ctypes.c_size_t),
                ("accelerate", ctypes.c_int),
                ("tol", ctypes.c_double),
                ("max_iter", ctypes.c_size_t),
                ("covariance", ctypes.c_void_p),
                ("weights", ctypes.c_void_p),
                ("b", c_double_p),
                ("units", ctypes.POINTER(ctypes.c_int)),
                ("delete_moves", ctypes.c_int)]


# The arrays of a model and their shapes, in terms of k, d and the
# iterations run: what a fitted estimator keeps of the C model.
MODEL_ARRAYS = {
    "alpha": lambda k, d, t: (k,),
    "beta": lambda k, d, t: (k,),
    "m": lambda k, d, t: (k, d),
    "W": lambda k, d, t: (k, d, d),
    "nu": lambda k, d, t: (k,),
    "N": lambda k, d, t: (k,),
    "b": lambda k, d, t: (k,),
    "shift": lambda k, d, t: (d,),
    "bound": lambda k, d, t: (max(t, 1),),
}

STRUCTS = {"vbgmm_error": Error, "vbgmm_comm": Comm, "vbgmm_data": Data,
           "vbgmm_prior": Prior, "vbgmm_options": Options,
           "vbgmm_model": Model}


def _candidates():
    env = os.environ.get("VBGMM_LIBRARY")
    if env:
        return [env]
    names = []
    try:
        from . import _config
        names.append(os.path.join(_config.LIBDIR, "libvbgmm.so"))
    except ImportError:
        pass
    found = ctypes.util.find_library("vbgmm")
    if found:
        names.append(found)
    names.append("libvbgmm.so")
    return names


def _load():
    errors = []
    for name in _candidates():
        try:
            return ctypes.CDLL(name)
        except OSError as e:
            errors.append(str(e))
    raise ImportError("vbgmm: cannot load libvbgmm (set VBGMM_LIBRARY to "
                      "the path of libvbgmm.so): " + "; ".join(errors))


lib = _load()


def _declare(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


P = ctypes.POINTER
version = _declare("vbgmm_version", ctypes.c_char_p)
data_alloc = _declare("vbgmm_data_alloc", P(Data), ctypes.c_size_t,
                      ctypes.c_size_t)
data_free = _declare("vbgmm_data_free", None, P(Data))
model_alloc = _declare("vbgmm_model_alloc", P(Model), ctypes.c_size_t,
                       ctypes.c_size_t, ctypes.c_size_t)
prior_alloc = _declare("vbgmm_prior_alloc", P(Prior), ctypes.c_size_t)
prior_free = _declare("vbgmm_prior_free", None, P(Prior))
prior_check = _declare("vbgmm_prior_check", ctypes.c_char_p, P(Prior))
data_moments = _declare("vbgmm_data_moments", ctypes.c_int, P(Data),
                        P(Comm), c_double_p, c_double_p, P(Error))
prior_set_W0_inverse = _declare("vbgmm_prior_set_W0_inverse", ctypes.c_int,
                                P(Prior), c_double_p, c_double_p, P(Error))
data_variances = _declare("vbgmm_data_variances_units", ctypes.c_int,
                          P(Data), P(Comm), ctypes.c_void_p, c_double_p,
                          c_double_p, P(Error))
prior_set_W0_inverse_diagonal = _declare(
    "vbgmm_prior_set_W0_inverse_diagonal", ctypes.c_int, P(Prior),
    c_double_p, c_double_p, P(Error))
options_default = _declare("vbgmm_options_default", None, P(Options))
options_check = _declare("vbgmm_options_check", ctypes.c_char_p,
                         P(Options), P(Data))
fit = _declare("vbgmm_fit", P(Model), P(Data), P(Prior), P(Options),
               P(Error))
model_free = _declare("vbgmm_model_free", None, P(Model))
model_weight = _declare("vbgmm_model_weight", ctypes.c_double, P(Model),
                        ctypes.c_size_t)
model_weights = _declare("vbgmm_model_weights", None, P(Model), c_double_p)
responsibilities = _declare("vbgmm_responsibilities", ctypes.c_int,
                            P(Model), P(Data), ctypes.c_int, SINK,
                            ctypes.c_void_p, P(Error))

# The posterior predictive distribution (a mixture of Student-t), an
# opaque object of the library's.
predictive_alloc = _declare("vbgmm_predictive_alloc", ctypes.c_void_p,
                            P(Model), P(Error))
predictive_free = _declare("vbgmm_predictive_free", None, ctypes.c_void_p)
predictive_ln_density = _declare("vbgmm_predictive_ln_density", ctypes.c_int,
                                 ctypes.c_void_p, c_double_p, ctypes.c_size_t,
                                 ctypes.c_int, c_double_p, P(Error))
predictive_sample_labels = _declare(
    "vbgmm_predictive_sample_labels", ctypes.c_int, ctypes.c_void_p,
    ctypes.c_ulong, ctypes.c_size_t, c_double_p, P(ctypes.c_size_t),
    P(Error))


covariance_lookup = _declare("vbgmm_covariance_lookup", ctypes.c_void_p,
                             ctypes.c_char_p)
weights_lookup = _declare("vbgmm_weights_lookup", ctypes.c_void_p,
                          ctypes.c_char_p)
covariance_name = _declare("vbgmm_covariance_name", ctypes.c_char_p,
                           ctypes.c_void_p)
weights_name = _declare("vbgmm_weights_name", ctypes.c_char_p,
                        ctypes.c_void_p)

# model.json through the library, to and from memory (C stdio streams
# over Python bytes: POSIX fmemopen and open_memstream).
FILE_p = ctypes.c_void_p
model_write = _declare("vbgmm_model_write", ctypes.c_int, FILE_p, P(Model),
                       P(Error))
model_read = _declare("vbgmm_model_read", P(Model), FILE_p, P(Error))
model_save = _declare("vbgmm_model_save", ctypes.c_int, ctypes.c_char_p,
                      P(Model), P(Error))
model_load = _declare("vbgmm_model_load", P(Model), ctypes.c_char_p,
                      P(Error))

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
libc.fmemopen.restype = FILE_p
libc.fmemopen.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
libc.open_memstream.restype = FILE_p
libc.open_memstream.argtypes = [ctypes.POINTER(ctypes.c_void_p),
                                ctypes.POINTER(ctypes.c_size_t)]
libc.fclose.restype = ctypes.c_int
libc.fclose.argtypes = [FILE_p]
libc.free.restype = None
libc.free.argtypes = [ctypes.c_void_p]


def model_to_json(mp):
    """The model.json text of the C model MP, as bytes."""
    buf = ctypes.c_void_p()
    size = ctypes.c_size_t()
    fp = libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
    if not fp:
        raise MemoryError("out of memory")
    err = Error()
    status = model_write(fp, mp, ctypes.byref(err))
    closed = libc.fclose(fp)
    try:
        if status:
            raise_error(err)
        if closed:
            raise MemoryError("out of memory")
        return ctypes.string_at(buf, size.value)
    finally:
        libc.free(buf)


def model_from_json(text, what="model.json"):
    """A C model (the caller frees it) from model.json TEXT."""
    if not text:
        raise ValueError("%s: empty" % what)
    buf = ctypes.create_string_buffer(text, len(text))
    fp = libc.fmemopen(buf, len(text), b"r")
    if not fp:
        raise MemoryError("out of memory")
    err = Error()
    mp = model_read(fp, ctypes.byref(err))
    libc.fclose(fp)
    if not mp:
        raise_error(err, what)
    return mp


def has(name):
    """Whether the loaded library exports the function NAME."""
    try:
        getattr(lib, name)
    except AttributeError:
        return False
    return True


def raise_error(err, what=None):
    """Raise the Python exception for the library's error ERR."""
    msg = err.message.decode("utf-8", "replace")
    if what:
        msg = what + ": " + msg
    if err.line > 0:
        msg = "line %d: %s" % (err.line, msg)
    if err.status == EIO:
        raise OSError(msg)
    if err.status == ENOMEM:
        raise MemoryError(msg)
    raise ValueError(msg)
