# test_cli.py -- a fit in Python and on the command line with the same
# options gives the same numbers, to the last bit.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import os

import numpy as np
import pytest

from conftest import TESTS, read_csv, read_params, run_vbgmm

import vbgmm

X_CSV = os.path.join(TESTS, "tv2-5d", "x.csv")
DIR = {"weight_concentration_prior_type": "dirichlet_distribution"}


@pytest.mark.parametrize("cli, kw", [
    (["-k", 6, "--seed=3", "--max-iter=40", "--accelerate=no"],
     dict(n_components=6, random_state=3, max_iter=40,
          init_params="k-means++", weight_concentration_prior=0.001, **DIR)),
    (["-k", 5, "--init=random", "--seed=11", "--alpha0=0.5", "--beta0=2",
      "--nu0=7", "--m0=zero", "--W0=0.25", "--tol=1e-6", "--max-iter=300",
      "--accelerate=no"],
     dict(n_components=5, init_params="random_from_data", random_state=11,
          weight_concentration_prior=0.5, mean_precision_prior=2, **DIR,
          degrees_of_freedom_prior=7, mean_prior=np.zeros(5),
          covariance_prior=4 * np.eye(5), tol=1e-6, max_iter=300)),
    (["-k", 4, "--init=kmeans", "--n-init=3", "--seed=2", "--accelerate=yes",
      "--max-iter=60"],
     dict(n_components=4, init_params="kmeans", n_init=3, random_state=2,
          accelerate=True, max_iter=60, weight_concentration_prior=0.001, **DIR)),
    (["-k", 3, "--init-labels=LABELS", "--max-iter=20", "--accelerate=no"],
     dict(n_components=3, labels_init="LABELS", max_iter=20,
          weight_concentration_prior=0.001, **DIR)),
    (["-k", 5, "--covariance=diag", "--weights=dp", "--gamma0=0.5",
      "--nu0=5", "--seed=1", "--max-iter=30", "--accelerate=no"],
     dict(n_components=5, covariance_type="diag", random_state=1,
          init_params="k-means++",
          weight_concentration_prior_type="dirichlet_process",
          weight_concentration_prior=0.5, degrees_of_freedom_prior=5,
          max_iter=30)),
    (["-k", 4, "--covariance=spherical", "--nu0=5", "--max-iter=30",
      "--accelerate=no"],
     dict(n_components=4, covariance_type="spherical", max_iter=30,
          init_params="k-means++",
          degrees_of_freedom_prior=5, weight_concentration_prior=0.001,
          random_state=0, **DIR)),
    (["-k", 5, "--weights=dp", "--gamma0=0.2", "--seed=4", "--max-iter=25",
      "--accelerate=no"],
     dict(n_components=5, random_state=4, max_iter=25,
          init_params="k-means++", weight_concentration_prior=0.2)),
    (["-k", 4, "--covariance=tied", "--weights=dp", "--max-iter=30",
      "--accelerate=no"],
     dict(n_components=4, covariance_type="tied", max_iter=30,
          init_params="k-means++",
          weight_concentration_prior=1, random_state=0)),
    # Delete moves (with the steps, and alone).
    (["-k", 8, "--seed=2", "--delete=yes", "--max-iter=200"],
     dict(n_components=8, random_state=2, max_iter=200, delete_moves=True,
          init_params="k-means++", weight_concentration_prior=0.001, **DIR)),
    (["-k", 8, "--covariance=diag", "--nu0=5", "--seed=1", "--delete=yes",
      "--accelerate=no", "--max-iter=200"],
     dict(n_components=8, covariance_type="diag", random_state=1,
          degrees_of_freedom_prior=5, max_iter=200, delete_moves=True,
          init_params="k-means++", weight_concentration_prior=0.001, **DIR)),
    # The defaults of both: extrapolated steps ('auto').
    (["-k", 6, "--seed=5", "--max-iter=80"],
     dict(n_components=6, random_state=5, max_iter=80,
          init_params="k-means++", weight_concentration_prior=0.001, **DIR)),
])
def test_same_fit_as_command_line(tmp_path, cli, kw):
    X = read_csv(X_CSV)
    if "--init-labels=LABELS" in cli:
        labels = np.arange(len(X)) * 7 % 3
        path = tmp_path / "labels.csv"
        np.savetxt(path, labels, fmt="%d")
        cli = [str(a).replace("LABELS", str(path)) for a in cli]
        kw = dict(kw, labels_init=labels)
    if "--accelerate=no" in cli:
        kw = dict(kw, accelerate=False)
    status, out, err = run_vbgmm("-q", "-j1", "-o", tmp_path / "out", *cli,
                                 X_CSV)
    assert status == 0, err
    tmp_path = tmp_path / "out"
    p = read_params(os.path.join(tmp_path, "params.dat"))
    g = vbgmm.BayesianGaussianMixture(n_jobs=1, **kw).fit(X)
    k, d = g.means_.shape
    if g.weight_concentration_prior_type == "dirichlet_process":
        a, b = g.weight_concentration_
        # params.dat has the K - 1 sticks; the last is v_K = 1
        assert (a[:-1] == p["a"].ravel()).all() and a[-1] == 1
        assert (b[:-1] == p["b"].ravel()).all() and b[-1] == 0
    else:
        assert (g.weight_concentration_ == p["alpha"].ravel()).all()
    assert (g.mean_precision_ == p["beta"].ravel()).all()
    nu = p["nu"].ravel()
    assert (g.means_ == p["m"]).all()
    form = g.covariance_type
    if form == "tied":
        assert g.degrees_of_freedom_ == nu[0] and (nu == nu[0]).all()
        W = p["W"].reshape(k, d, d)
        assert (g.precisions_ == W[0] * nu[0]).all()
    else:
        assert (g.degrees_of_freedom_ == nu).all()
        if form == "full":
            W = p["W"].reshape(k, d, d)
            assert (g.precisions_ == W * nu.reshape(k, 1, 1)).all()
        elif form == "diag":
            W = p["W"].reshape(k, d)
            assert (g.precisions_ == W * nu.reshape(k, 1)).all()
        else:
            assert (g.precisions_ == p["W"].ravel() * nu).all()
    assert (g.weights_ == p["weight"].ravel()).all()
    bounds = np.loadtxt(os.path.join(tmp_path, "vblikelihood.txt"),
                        skiprows=1, ndmin=2)
    assert (g.lower_bounds_ == bounds[:, 1]).all()
    assert g.n_iter_ == len(bounds)
    z = read_csv(os.path.join(tmp_path, "z.csv"))
    assert (g.predict_proba(X) == z).all()


@pytest.mark.parametrize("form", ["diag", "spherical"])
def test_diagonal_forms_in_many_dimensions(tmp_path, form):
    # From D = 32 on the sample covariance is summed on tiles, its
    # diagonal different by rounding from the variances summed alone;
    # the diagonal forms take the variances, in Python as in the
    # program.
    rng = np.random.default_rng(8)
    X = rng.standard_normal((300, 40)) * np.linspace(0.5, 4, 40)
    X[::3] += 2
    path = tmp_path / "x.csv"
    np.savetxt(path, X, delimiter=",", fmt="%.17g")
    status, out, err = run_vbgmm("-q", "-j1", "-o", tmp_path / "out", "-k",
                                 4, "--seed=2", "--max-iter=15", "--nu0=5",
                                 "--covariance=" + form, path)
    assert status == 0, err
    p = read_params(os.path.join(tmp_path / "out", "params.dat"))
    g = vbgmm.BayesianGaussianMixture(
        n_components=4, covariance_type=form, random_state=2, max_iter=15,
        n_jobs=1, init_params="k-means++", weight_concentration_prior=0.001,
        degrees_of_freedom_prior=5, **DIR).fit(X)
    nu = p["nu"].ravel()
    W = p["W"].reshape(4, 40) if form == "diag" else p["W"].ravel()
    assert (g.means_ == p["m"]).all()
    assert (g.precisions_ == W * (nu.reshape(4, 1) if form == "diag"
                                  else nu)).all()
