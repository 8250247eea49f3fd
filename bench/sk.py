#!/usr/bin/env python3
"""scikit-learn side of the vbgmm benchmark.

usage: sk.py DATA.csv INIT.csv K T_SHORT T_LONG [COVARIANCE [WEIGHTS]]

Loads DATA once, then fits BayesianGaussianMixture (COVARIANCE: full,
diag, spherical or tied, default full; WEIGHTS: dirichlet, a
Dirichlet-distribution weight prior 0.001, or dp, a Dirichlet process of
concentration 1, vbgmm's --gamma0 default; tol=0 so that exactly T
iterations run) for T_SHORT and for T_LONG iterations, timing only the fit
calls.  Both fits start from the same responsibilities: every point
assigned to its nearest row of INIT.csv (the means vbgmm gets through
--init-means), which is what sklearn's own "kmeans" init does with the
k-means labels.

Prints, on standard output:
  kernel: <BLAS/OpenMP libraries threadpoolctl sees, with thread counts>
  result: <s/iter> <whole s> <peak RSS KB> <load s> <fit T_SHORT s> <fit T_LONG s>
where s/iter = (fit(T_LONG) - fit(T_SHORT)) / (T_LONG - T_SHORT), whole =
load + fit(T_LONG), and peak RSS is this process's ru_maxrss after both fits
(it includes the interpreter, the loaded data and the larger fit).
Run it with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 for
the one-thread figure (run.sh does).
"""
import resource
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture


class FixedInitBGM(BayesianGaussianMixture):
    """BayesianGaussianMixture started from given means (hard assignment)."""

    init_means = None

    def _initialize_parameters(self, X, random_state):
        m = self.init_means
        # squared distances without an N x K x D temporary
        d2 = (X * X).sum(1)[:, None] - 2.0 * X @ m.T + (m * m).sum(1)[None, :]
        resp = np.zeros((X.shape[0], self.n_components))
        resp[np.arange(X.shape[0]), d2.argmin(1)] = 1.0
        self._initialize(X, resp)


def kernel_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed (python3-threadpoolctl)"
    parts = []
    for lib in threadpool_info():
        s = "%s %s" % (lib.get("internal_api"), lib.get("version"))
        if lib.get("architecture"):
            s += " " + lib["architecture"]
        s += " threads=%s" % lib.get("num_threads")
        parts.append(s)
    return "; ".join(parts) or "none found"


def fit_time(X, init, k, t, covariance="full", weights="dirichlet"):
    dp = weights == "dp"
    g = FixedInitBGM(
        n_components=k,
        covariance_type=covariance,
        weight_concentration_prior_type=("dirichlet_process" if dp
                                         else "dirichlet_distribution"),
        weight_concentration_prior=1.0 if dp else 0.001,
        max_iter=t,
        tol=0,
        n_init=1,
        random_state=0,
    )
    g.init_means = init
    t0 = time.perf_counter()
    g.fit(X)
    dt = time.perf_counter() - t0
    if g.n_iter_ != t:
        sys.stderr.write("sk.py: ran %d iterations, not %d\n" % (g.n_iter_, t))
    return dt


def main(argv):
    if len(argv) not in (6, 7, 8):
        sys.stderr.write(__doc__)
        return 2
    data, init_file = argv[1], argv[2]
    k, t1, t2 = int(argv[3]), int(argv[4]), int(argv[5])
    form = argv[6:8]
    warnings.simplefilter("ignore", ConvergenceWarning)
    t0 = time.perf_counter()
    X = np.loadtxt(data, delimiter=",", dtype=np.float64, ndmin=2)
    load = time.perf_counter() - t0
    init = np.loadtxt(init_file, delimiter=",", dtype=np.float64, ndmin=2)
    if init.shape != (k, X.shape[1]):
        sys.stderr.write("sk.py: %s is not %dx%d\n" % (init_file, k, X.shape[1]))
        return 1
    print("kernel: " + kernel_info(), flush=True)
    f1 = fit_time(X, init, k, t1, *form)
    f2 = fit_time(X, init, k, t2, *form)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    print("result: %.6f %.3f %d %.3f %.3f %.3f"
          % ((f2 - f1) / (t2 - t1), load + f2, rss, load, f1, f2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
