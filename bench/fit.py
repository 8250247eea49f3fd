#!/usr/bin/python3
"""The benchmark of optima and time: vbgmm against scikit-learn's
BayesianGaussianMixture on data sets with known labels.

usage: fit.py VBGMM GEN_SAMPLE SAMPLE.csv FAITHFUL.csv WORKDIR

Data sets: scikit-learn's bundled iris, wine, breast cancer and digits,
the sample data (its labels from GEN_SAMPLE --labels) and Old Faithful
(no labels: no adjusted Rand index).  Every fit has K = 10 components
and the same model and priors: Dirichlet weights with alpha0 = 1e-3,
beta0 = 1, nu0 = D, m0 the data mean, W0 the inverse sample covariance
(with vbgmm's ridge when it is singular, as for the constant pixels of
digits; scikit-learn gets that covariance as covariance_prior and
reg_covar = 0, so that both fit the very same model).

For seeds 0..S-1 (S = BENCH_FIT_SEEDS, default 5) each configuration
of vbgmm (-j1) and scikit-learn (one thread) runs once (vbgmm with R
starts takes seed s R, so that its runs are disjoint sets of starts,
as scikit-learn's are independent draws); the table gives
the median over the seeds of the final bound, the effective clusters
(N_k >= 1), the adjusted Rand index against the labels, the passes over
the data of the kept fit (vbgmm: its iterations plus the extrapolated
steps turned down, every E-step; scikit-learn: n_iter_) and the wall time of all.  scikit-learn's solution
is scored with vbgmm's own bound: vbgmm starts from scikit-learn's
responsibilities (the M-step of them) and runs one iteration, whose
bound is at least that of scikit-learn's solution itself.  vbgmm's time
is the whole process (reading the CSV, the fit, writing z.csv);
scikit-learn's is the fit() call alone.
"""
import os

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"

import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import BayesianGaussianMixture

K = 10
ALPHA0 = 1e-3


def ridge_cov(X):
    """The sample covariance, with vbgmm's ridge when it is singular
    (src/prior.c: each variance grows by a relative eps, a zero one by
    eps times the mean variance, eps from 1e-10 by tens)."""
    cov = np.cov(X, rowvar=False).reshape(X.shape[1], X.shape[1])
    d = cov.shape[0]
    diag = np.diag(cov).copy()
    scale = np.abs(diag).sum() / d or 1.0
    eps = 0.0
    for _ in range(12):
        c = cov.copy()
        add = eps * np.where(diag > 0, diag, scale)
        c[np.diag_indices(d)] += add
        try:
            L = np.linalg.cholesky(c)
            if np.all(np.diag(L) ** 2 > 1e-12 * (diag + add)):
                return c
        except np.linalg.LinAlgError:
            pass
        eps = 1e-10 if eps == 0 else eps * 10
    raise SystemExit("fit.py: the sample covariance cannot be inverted")


def load_sets(gen_sample, sample_csv, faithful_csv):
    out = []
    for name, loader in (("iris", datasets.load_iris),
                         ("wine", datasets.load_wine),
                         ("breast cancer", datasets.load_breast_cancer),
                         ("digits", datasets.load_digits)):
        b = loader()
        out.append((name, np.asarray(b.data, float), np.asarray(b.target)))
    X = np.loadtxt(sample_csv, delimiter=",")
    y = np.array(subprocess.run([gen_sample, "--labels"], check=True,
                                capture_output=True, text=True).stdout.split(),
                 int)
    out.append(("sample", X, y))
    F = np.loadtxt(faithful_csv, delimiter=",")
    out.append(("faithful", F, None))
    return out


def write_matrix(path, A):
    with open(path, "w") as f:
        for row in np.atleast_2d(A):
            f.write(",".join(repr(float(v)) for v in row) + "\n")


def vbgmm_summary(text):
    r = {"passes": None}
    for line in text.splitlines():
        if line.startswith("effective components:"):
            r["effective"] = int(line.split()[2])
        elif line.startswith("iterations:"):
            r["iterations"] = int(line.split()[1])
        elif line.startswith("passes over the data:"):
            r["passes"] = int(line.split()[4])
        elif line.startswith("lower bound:"):
            r["bound"] = float(line.split()[2])
    if r["passes"] is None:
        r["passes"] = r["iterations"]
    return r


def run_vbgmm(vbgmm, csv, w0, out, args):
    """vbgmm with the benchmark's model (W0 "cov": its own ridge when
    the covariance is singular, which ridge_cov repeats)."""
    cmd = [vbgmm, "-j1", "-k", str(K), "--alpha0=%g" % ALPHA0,
           "--W0=" + w0, "--plot=none", "-o", out] + args + [csv]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit("fit.py: %s failed: %s" % (" ".join(cmd), p.stderr))
    r = vbgmm_summary(p.stdout)
    r["wall"] = wall
    z = np.loadtxt(os.path.join(out, "z.csv"), delimiter=",", ndmin=2)
    r["labels"] = z.argmax(1)
    return r


def run_sklearn(X, cov, seed, n_init, vbgmm, csv, w0, work):
    g = BayesianGaussianMixture(
        n_components=K, covariance_type="full",
        weight_concentration_prior_type="dirichlet_distribution",
        weight_concentration_prior=ALPHA0, mean_precision_prior=1.0,
        mean_prior=X.mean(0), degrees_of_freedom_prior=X.shape[1],
        covariance_prior=cov, reg_covar=0.0, max_iter=1000,
        n_init=n_init, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        g.fit(X)
        wall = time.perf_counter() - t0
    resp = g.predict_proba(X)
    rfile = os.path.join(work, "resp.csv")
    write_matrix(rfile, resp)
    # vbgmm's bound one iteration from scikit-learn's solution.
    score = run_vbgmm(vbgmm, csv, w0, os.path.join(work, "score"),
                      ["--init-resp=" + rfile, "--max-iter=1"])
    return {"bound": score["bound"], "effective": int((resp.sum(0) >= 1).sum()),
            "passes": g.n_iter_, "wall": wall, "labels": resp.argmax(1)}


CONFIGS = [
    # vbgmm 1.0's defaults: the baseline of the iterations.
    ("vbgmm 1.0 (kmeans++ plain)", ["--init=kmeans++", "--accelerate=no"]),
    ("vbgmm kmeans++", ["--init=kmeans++"]),
    ("vbgmm kmeans plain", ["--init=kmeans", "--accelerate=no"]),
    ("vbgmm kmeans", ["--init=kmeans"]),
    ("vbgmm kmeans n10", ["--init=kmeans", "--n-init=10"]),
    # Delete moves (--delete=yes): from the default start, and ten
    # k-means starts.
    ("vbgmm kmeans++ delete", ["--init=kmeans++", "--delete=yes"]),
    ("vbgmm kmeans n10 delete", ["--init=kmeans", "--n-init=10",
                                 "--delete=yes"]),
]


def summary(name, n, results):
    """The targets, for one data set."""
    med = lambda label, key: statistics.median(
        r[key] for r in results[label])
    out = []
    sk, vb = results["sklearn n_init=10"], results["vbgmm kmeans n10"]
    wins = sum(v["bound"] >= s["bound"] - 1e-9 * abs(s["bound"])
               for v, s in zip(vb, sk))
    out.append("%s: kmeans n10 vs sklearn n_init=10: median bound %.4f vs "
               "%.4f, at least as high for %d of %d seeds; time %.1fx "
               "faster (N = %d)" % (name, med("vbgmm kmeans n10", "bound"),
                                    med("sklearn n_init=10", "bound"), wins,
                                    len(vb),
                                    med("sklearn n_init=10", "wall")
                                    / med("vbgmm kmeans n10", "wall"), n))
    vd = results["vbgmm kmeans n10 delete"]
    wins = sum(v["bound"] >= s["bound"] - 1e-9 * abs(s["bound"])
               for v, s in zip(vd, sk))
    out.append("%s: kmeans n10 delete vs sklearn n_init=10: median bound "
               "%.4f vs %.4f, at least as high for %d of %d seeds" % (
                   name, med("vbgmm kmeans n10 delete", "bound"),
                   med("sklearn n_init=10", "bound"), wins, len(vd)))
    base = "vbgmm 1.0 (kmeans++ plain)"
    for label in ("vbgmm kmeans++", "vbgmm kmeans", "vbgmm kmeans++ delete"):
        out.append("%s: %s: median passes %g vs %g for 1.0 (%.1fx fewer), "
                   "median bound %.4f vs %.4f" % (
                       name, label, med(label, "passes"), med(base, "passes"),
                       med(base, "passes") / med(label, "passes"),
                       med(label, "bound"), med(base, "bound")))
    return out


FMT = "%-13s %5s %3s  %-26s %13s %13s %4s %6s %6s %7s"


def print_rows(rows):
    for r in rows:
        print(FMT % (r[0], r[1], r[2], r[3], "%.4f" % r[4], "%.4f" % r[5],
                     "%g" % r[6], r[7], "%g" % r[8], "%.3f" % r[9]))
    sys.stdout.flush()


def n_starts(args):
    """How many starts ARGS asks for (--n-init=R, else 1)."""
    for a in args:
        if a.startswith("--n-init="):
            return int(a.split("=", 1)[1])
    return 1


def main():
    if len(sys.argv) != 6:
        raise SystemExit(__doc__.split("\n\n")[1])
    vbgmm, gen_sample, sample_csv, faithful_csv, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    seeds = range(int(os.environ.get("BENCH_FIT_SEEDS", "5")))
    only = os.environ.get("BENCH_FIT_SETS")
    rows, notes = [], []
    print(FMT % ("data", "N", "D", "program", "median bound", "best bound",
                 "eff", "ARI", "passes", "wall s"))
    for name, X, y in load_sets(gen_sample, sample_csv, faithful_csv):
        if only and name not in only.split(","):
            continue
        csv = os.path.join(work, name.replace(" ", "-") + ".csv")
        write_matrix(csv, X)
        cov = ridge_cov(X)
        w0 = "cov"
        results = {}
        for label, args in CONFIGS:
            for s in seeds:
                # R starts take seeds S .. S + R - 1: seed s R makes the
                # five runs disjoint sets of starts, each as independent
                # of the others as scikit-learn's random_state s.
                seed = s * n_starts(args)
                sys.stderr.write("fit.py: %s: %s seed %d\n" % (name, label,
                                                               seed))
                results.setdefault(label, []).append(
                    run_vbgmm(vbgmm, csv, w0, os.path.join(work, "out"),
                              args + ["-s", str(seed)]))
        for n_init in (1, 10):
            label = "sklearn n_init=%d" % n_init
            for s in seeds:
                sys.stderr.write("fit.py: %s: %s seed %d\n" % (name, label, s))
                results.setdefault(label, []).append(
                    run_sklearn(X, cov, s, n_init, vbgmm, csv, w0, work))
        notes += summary(name, X.shape[0], results)
        sys.stderr.write("\n".join(notes[-5:]) + "\n")
        first = len(rows)
        for label, rs in results.items():
            med = lambda key: statistics.median(r[key] for r in rs)
            ari = ("%.3f" % statistics.median(
                adjusted_rand_score(y, r["labels"]) for r in rs)
                   if y is not None else "-")
            rows.append((name, X.shape[0], X.shape[1], label, med("bound"),
                         max(r["bound"] for r in rs), med("effective"), ari,
                         med("passes"), med("wall")))
        print_rows(rows[first:])
    print()
    for line in notes:
        print(line)
    print()
    print("K = %d, alpha0 = %g, medians over seeds 0..%d (vbgmm with R "
          "starts: 0, R, ..., %d R); vbgmm -j1, scikit-learn on one thread."
          % (K, ALPHA0, len(seeds) - 1, len(seeds) - 1))
    print("load average: %s" % open("/proc/loadavg").read().split()[0])


if __name__ == "__main__":
    main()
