#!/usr/bin/env python3
"""What emptied components cost: seconds per iteration of vbgmm at
N = 1e6, D = 3, K = 20 on data with 4 clusters, once 16 components have
emptied, with the emptied components left out (the default) and
computed (VBGMM_SKIP_EMPTY=no), on 1 and 2 threads; and K = 4, what
the 4 clusters alone cost.  Then the same at N = 5000, D = 128, where
the M-step's O(D^3) per component is a share of an iteration.

usage: empty.py PATH/TO/vbgmm [WORKDIR]

The start is the M-step of the true labels of the points (--init-labels),
so components 4 to 19 hold nothing from the first iteration on: every
iteration is one "once the others have emptied".  Seconds per iteration
are (wall(T2) - wall(T1)) / (T2 - T1), each wall time the best of
BENCH_REPEAT runs (default 3), so that reading the data and the start
cancel out.  Needs numpy.  The load average is printed with the table:
run it on an otherwise idle machine.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

CLUSTERS, K = 4, 20
T1, T2 = 5, 45
SETS = ((1000000, 3), (5000, 128))


def make_data(work, N, D):
    x_path = os.path.join(work, "x-%d-%d.npy" % (N, D))
    lab_path = os.path.join(work, "labels-%d-%d.csv" % (N, D))
    if os.path.exists(x_path) and os.path.exists(lab_path):
        return x_path, lab_path
    rng = np.random.default_rng(20)
    means = rng.uniform(-10.0, 10.0, size=(CLUSTERS, D))
    chol = rng.normal(size=(CLUSTERS, D, D)) * 0.5 + np.eye(D)
    lab = rng.choice(CLUSTERS, size=N, p=[0.4, 0.3, 0.2, 0.1])
    x = means[lab] + rng.normal(size=(N, D))
    for c in range(CLUSTERS):
        at = lab == c
        x[at] = means[c] + (x[at] - means[c]) @ chol[c].T
    np.save(x_path, x)
    np.savetxt(lab_path, lab, fmt="%d")
    return x_path, lab_path


def wall(vbgmm, x, labels, k, iters, threads, skip, out, repeat):
    env = dict(os.environ)
    env["VBGMM_SKIP_EMPTY"] = "yes" if skip else "no"
    cmd = [vbgmm, "-q", "--plot=none", "--z-format=none", "-k", str(k),
           "--init-labels=" + labels, "-i", str(iters), "--tol=0",
           "-j", str(threads), "-o", out, x]
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True)
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    return best


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    vbgmm = os.path.abspath(argv[1])
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    with tempfile.TemporaryDirectory() as tmp:
        work = argv[2] if len(argv) == 3 else tmp
        os.makedirs(work, exist_ok=True)
        out = os.path.join(tmp, "out")
        print("%d clusters; s/iter = (wall(%d) - wall(%d)) / %d"
              % (CLUSTERS, T2, T1, T2 - T1))
        print("%-8s %-4s %-4s %-8s %-9s %10s"
              % ("N", "D", "K", "threads", "emptied", "s/iter"))
        rows = [(K, True), (K, False), (CLUSTERS, True)]
        for n, d in SETS:
            x, labels = make_data(work, n, d)
            for threads in (1, 2):
                for k, skip in rows:
                    w1 = wall(vbgmm, x, labels, k, T1, threads, skip, out,
                              repeat)
                    w2 = wall(vbgmm, x, labels, k, T2, threads, skip, out,
                              repeat)
                    what = ("-" if k == CLUSTERS
                            else "left out" if skip else "computed")
                    print("%-8d %-4d %-4d %-8d %-9s %10.4f"
                          % (n, d, k, threads, what, (w2 - w1) / (T2 - T1)),
                          flush=True)
        print("load average: %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
