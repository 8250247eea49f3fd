#!/usr/bin/env python3
"""Benchmark data generator for vbgmm.

usage: gen.py N D K SEED DATA.csv INIT.csv

Writes N points (one per row, D comma-separated fields, no header) drawn
from a mixture of K Gaussians with random weights, means and full
covariances, and INIT.csv: K distinct rows of the data (chosen at random),
used as --init-means by every program so that all do the same work.
Everything follows from SEED; numbers are printed with 7 significant digits.
"""
import sys

import numpy as np

CHUNK = 1 << 18  # rows formatted per batch


def mixture(rng, d, k):
    w = rng.dirichlet(np.full(k, 5.0))
    means = rng.uniform(-10.0, 10.0, size=(k, d))
    chols = []
    for _ in range(k):
        a = rng.normal(size=(d, d))
        scale = rng.uniform(0.3, 2.0)
        cov = scale * (a @ a.T / d + 0.1 * np.eye(d))
        chols.append(np.linalg.cholesky(cov))
    return w, means, np.array(chols)


def write_rows(f, x):
    # One "%" over a whole chunk: the formatting loop runs in C, which is
    # much faster than np.savetxt (a Python loop per row).
    n, d = x.shape
    row = ",".join(["%.7g"] * d) + "\n"
    for i in range(0, n, CHUNK):
        part = x[i:i + CHUNK]
        f.write((row * len(part)) % tuple(part.ravel().tolist()))


def main(argv):
    if len(argv) != 7:
        sys.stderr.write(__doc__)
        return 2
    n, d, k, seed = (int(a) for a in argv[1:5])
    out, init = argv[5], argv[6]
    if n < k:
        sys.stderr.write("gen.py: need N >= K\n")
        return 2
    rng = np.random.default_rng(seed)
    w, means, chols = mixture(rng, d, k)
    first = None
    with open(out, "w") as f:
        for i in range(0, n, CHUNK):
            m = min(CHUNK, n - i)
            lab = rng.choice(k, size=m, p=w)
            z = rng.normal(size=(m, d))
            # Component by component: chols[lab] would hold m x D x D
            # numbers (25 GB at N = 3000, D = 1024).
            x = means[lab].copy()
            for c in range(k):
                at = lab == c
                x[at] += z[at] @ chols[c].T
            if first is None:
                first = x.copy()
            write_rows(f, x)
    # Initial means: K distinct rows of the first chunk (random order, so a
    # random sample of the data), taken from the printed (rounded) values.
    pick = rng.choice(len(first), size=k, replace=False)
    with open(init, "w") as f:
        write_rows(f, first[pick])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
