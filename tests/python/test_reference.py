# test_reference.py -- the reference vectors (tests/tv*/expected.txt, of
# an independent implementation) through Python: the bound after every
# iteration, alpha, beta, nu, m and W of every component after T
# iterations and the responsibilities of the first rows, each to 1e-9
# relative.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import os

import numpy as np
import pytest

from conftest import TESTS, read_csv

import vbgmm

TOL = 1e-9


def kwargs_of(cmdline, d):
    """The estimator's parameters for the command line's options."""
    kw = {"weight_concentration_prior_type": "dirichlet_distribution"}
    form = "full"
    words = cmdline.split()
    for i, w in enumerate(words):
        if w == "-k":
            kw["n_components"] = int(words[i + 1])
        if not w.startswith("--") or "=" not in w:
            continue
        opt, val = w[2:].split("=", 1)
        if opt in ("alpha0", "gamma0"):
            kw["weight_concentration_prior"] = float(val)
        elif opt == "covariance":
            kw["covariance_type"] = form = val
        elif opt == "weights":
            kw["weight_concentration_prior_type"] = {
                "dp": "dirichlet_process",
                "dirichlet": "dirichlet_distribution"}[val]
        elif opt == "beta0":
            kw["mean_precision_prior"] = float(val)
        elif opt == "nu0":
            kw["degrees_of_freedom_prior"] = float(val)
        elif opt == "m0":
            kw["mean_prior"] = {"zero": np.zeros(d), "mean": None}[val]
        elif opt == "W0":
            # the command line's --W0=S is W0 = S I: its inverse is the
            # covariance prior
            kw["covariance_prior"] = (
                None if val == "cov" else
                {"diag": np.ones(d), "spherical": 1.0}.get(
                    form, np.eye(d)) / float(val))
    return kw


def load(tv):
    path = os.path.join(TESTS, tv, "expected.txt")
    with open(path) as f:
        lines = f.read().splitlines()
    cmd = lines[0].lstrip("# ")
    d = int(lines[1].split()[4])
    bounds = {}
    recs = {}
    for line in lines:
        w = line.split()
        if not w or w[0] == "#":
            continue
        if w[0] == "bound":
            bounds[int(w[1])] = float(w[2])
        else:
            t = int(w[1])
            rec = recs.setdefault(t, {})
            if w[2] == "z":
                rec[("z", int(w[3]))] = np.array(w[4:], float)
            elif w[2] != "k":
                # tied: "T t W ..." and "T t nu v", shared by all
                rec[(w[2], None)] = np.array(w[3:], float)
            elif w[4] in ("m", "W"):
                rec[(w[4], int(w[3]))] = np.array(w[5:], float)
            else:
                for j in range(4, len(w), 2):
                    rec[(w[j], int(w[3]))] = float(w[j + 1])
    return cmd, d, bounds, recs


def close(got, want):
    got = np.asarray(got, float)
    want = np.asarray(want, float)
    return np.all(np.abs(got - want) <= TOL * np.abs(want)), \
        (got.tolist(), want.tolist())


def the_W(g):
    """W of every component, as expected.txt has it: D x D (full), its
    diagonal (diag), one number (spherical); tied: the one W."""
    nu = g.degrees_of_freedom_
    if g.covariance_type == "tied":
        return (g.precisions_ / nu).ravel()
    if g.covariance_type == "full":
        return (g.precisions_ / nu[:, None, None]).reshape(len(nu), -1)
    if g.covariance_type == "diag":
        return g.precisions_ / nu[:, None]
    return (g.precisions_ / nu)[:, None]


def test_close_notices_1e_8():
    assert not close(1 + 1e-8, 1.0)[0]
    assert close(1 + 1e-10, 1.0)[0]


@pytest.mark.parametrize("tv", sorted(
    t for t in os.listdir(TESTS)
    if os.path.exists(os.path.join(TESTS, t, "expected.txt"))))
def test_reference_vectors(tv):
    cmd, d, bounds, recs = load(tv)
    X = read_csv(os.path.join(TESTS, tv, "x.csv"))
    init = read_csv(os.path.join(TESTS, tv, "init_means.csv"))
    kw = kwargs_of(cmd, d)
    last = None
    for t, rec in sorted(recs.items()):
        # the vectors follow the plain updates
        g = vbgmm.BayesianGaussianMixture(means_init=init, tol=0,
                                          max_iter=t, accelerate=False,
                                          **kw).fit(X)
        assert g.n_iter_ == t
        W = the_W(g)
        r = g.predict_proba(X)
        wc = g.weight_concentration_
        for (what, c), want in rec.items():
            got = {"alpha": lambda: wc[c],
                   "a": lambda: wc[0][c],
                   "b": lambda: wc[1][c],
                   "beta": lambda: g.mean_precision_[c],
                   "nu": lambda: (g.degrees_of_freedom_ if c is None
                                  else g.degrees_of_freedom_[c]),
                   "m": lambda: g.means_[c],
                   "W": lambda: W if c is None else W[c],
                   "z": lambda: r[c]}[what]()
            ok, detail = close(got, want)
            assert ok, (tv, t, what, c, detail)
        last = g
    # the bound at every iteration, from the longest fit
    want = [bounds[t] for t in sorted(bounds)]
    ok, detail = close(last.lower_bounds_, want)
    assert ok, detail
    assert last.lower_bound_ == last.lower_bounds_[-1]
