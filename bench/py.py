#!/usr/bin/env python3
"""Python-module side of the vbgmm benchmark.

usage: py.py DATA.csv INIT.csv K T_SHORT T_LONG

Loads DATA once, then fits vbgmm.BayesianGaussianMixture (the module
over libvbgmm; VBGMM_LIBRARY names the library) with the command line's
defaults (alpha0 = 0.001, the data mean for m0, the inverse sample
covariance for W0), one thread, tol=0, from the means of INIT.csv, for
T_SHORT and for T_LONG iterations, timing only the fit calls; each
fit is run REPEAT times (environment, default 3) and the fastest kept.

Prints, on standard output:
  result: <s/iter> <whole s> <peak RSS KB> <load s> <fit T_SHORT s> <fit T_LONG s> <layer s>
as sk.py does; whole = load + fit(T_LONG); layer = the part of the
fastest fit(T_LONG) spent outside libvbgmm's vbgmm_fit and
vbgmm_data_moments, the calls the command line makes too (checking X,
setting up the prior, copying the model out): what the Python layer
costs.
"""
import os
import resource
import sys
import time

import numpy as np

import vbgmm
from vbgmm import _lib

_inside = [0.0]


def _timed(f):
    def call(*args):
        t0 = time.perf_counter()
        try:
            return f(*args)
        finally:
            _inside[0] += time.perf_counter() - t0
    return call


# the two calls that pass over the data, as the command line makes them
_lib.fit = _timed(_lib.fit)
_lib.data_moments = _timed(_lib.data_moments)


def fit_time(X, init, k, t, repeat):
    """The fastest of REPEAT fits, and the time outside libvbgmm in it."""
    best = None
    layer = None
    for _ in range(repeat):
        g = vbgmm.BayesianGaussianMixture(
            n_components=k, weight_concentration_prior=0.001,
            weight_concentration_prior_type="dirichlet_distribution",
            means_init=init, max_iter=t, tol=0, n_jobs=1)
        _inside[0] = 0.0
        t0 = time.perf_counter()
        g.fit(X)
        dt = time.perf_counter() - t0
        if g.n_iter_ != t:
            sys.stderr.write("py.py: ran %d iterations, not %d\n"
                             % (g.n_iter_, t))
        if best is None or dt < best:
            best, layer = dt, dt - _inside[0]
    return best, layer


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    data, init_file = argv[1], argv[2]
    k, t1, t2 = int(argv[3]), int(argv[4]), int(argv[5])
    repeat = int(os.environ.get("REPEAT", "3"))
    t0 = time.perf_counter()
    X = np.loadtxt(data, delimiter=",", dtype=np.float64, ndmin=2)
    load = time.perf_counter() - t0
    init = np.loadtxt(init_file, delimiter=",", dtype=np.float64, ndmin=2)
    f1, _ = fit_time(X, init, k, t1, repeat)
    f2, layer = fit_time(X, init, k, t2, repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    print("result: %.6f %.3f %d %.3f %.3f %.3f %.4f"
          % ((f2 - f1) / (t2 - t1), load + f2, rss, load, f1, f2, layer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
