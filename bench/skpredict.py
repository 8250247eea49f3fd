#!/usr/bin/env python3
"""scikit-learn side of the predict rows of the vbgmm benchmark.

usage: skpredict.py DATA.csv INIT.csv K ITER

Loads DATA, fits BayesianGaussianMixture (full covariances, Dirichlet
weights, alpha0 0.001) for ITER iterations from the means of INIT.csv (as
sk.py does), then times predict_proba and score_samples on the same
points, the best of three calls each.

Prints on standard output:
  result: <predict_proba s> <score_samples s> <peak RSS KB>
"""
import resource
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from sk import FixedInitBGM  # noqa: E402


def best(f, X):
    t = None
    for _ in range(3):
        t0 = time.perf_counter()
        f(X)
        dt = time.perf_counter() - t0
        t = dt if t is None or dt < t else t
    return t


def main():
    data, init, k, iters = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    X = np.loadtxt(data, delimiter=",")
    g = FixedInitBGM(n_components=k, covariance_type="full",
                     weight_concentration_prior_type="dirichlet_distribution",
                     weight_concentration_prior=0.001, max_iter=iters, tol=0,
                     n_init=1, random_state=0)
    g.init_means = np.loadtxt(init, delimiter=",", ndmin=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        g.fit(X)
    tp = best(g.predict_proba, X)
    ts = best(g.score_samples, X)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("result: %.6f %.6f %d" % (tp, ts, rss))


if __name__ == "__main__":
    main()
