# test_sklearn.py -- vbgmm.BayesianGaussianMixture against scikit-learn:
# its estimator checks, and the same fit (full covariances, Dirichlet
# weights) from the same start to 1e-9.  Skipped without scikit-learn.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import os
import warnings

import numpy as np
import pytest

from conftest import TESTS, read_csv

sklearn = pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.mixture import BayesianGaussianMixture as SkBGM  # noqa: E402
from sklearn.mixture._gaussian_mixture import (  # noqa: E402
    _compute_precision_cholesky)
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

import vbgmm  # noqa: E402

# The checks of check_estimator that vbgmm does not pass, and why: none.
SKIPS = {}


def _checks():
    for form in ("full", "tied", "diag", "spherical"):
        est = vbgmm.BayesianGaussianMixture(covariance_type=form)
        for e, check in check_estimator(est, generate_only=True):
            name = getattr(check, "func", check).__name__
            yield pytest.param(e, check, id="%s-%s" % (form, name),
                               marks=[pytest.mark.skip(reason=SKIPS[name])]
                               if name in SKIPS else [])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator, check", _checks())
def test_check_estimator(estimator, check):
    check(estimator)


class SkFromStart(SkBGM):
    """scikit-learn's estimator started from vbgmm's start state: every
    component holds N/K points, W_k = W0, m_k the given mean."""

    start_means = None

    def _initialize_parameters(self, X, random_state):
        n, d = X.shape
        k = self.n_components
        nk = n / k
        self.weight_concentration_ = np.full(
            k, self.weight_concentration_prior_ + nk)
        self.mean_precision_ = np.full(k, self.mean_precision_prior_ + nk)
        self.degrees_of_freedom_ = np.full(
            k, self.degrees_of_freedom_prior_ + nk)
        self.means_ = self.start_means.copy()
        # sklearn's covariances_ are (nu W)^-1; W0^-1 is covariance_prior
        self.covariances_ = np.array(
            [self.covariance_prior_ / v for v in self.degrees_of_freedom_])
        self.precisions_cholesky_ = _compute_precision_cholesky(
            self.covariances_, "full")


class SkFromLabels(SkBGM):
    """scikit-learn's estimator started, as its init_params='kmeans'
    does, from the M-step of the one-hot responsibilities of labels."""

    labels = None

    def _initialize_parameters(self, X, random_state):
        resp = np.zeros((X.shape[0], self.n_components))
        resp[np.arange(X.shape[0]), self.labels] = 1
        self._initialize(X, resp)


@pytest.mark.parametrize("tv, k, t", [("tv1-2d", 4, 12), ("tv2-5d", 6, 8)])
def test_same_fit_as_sklearn_from_kmeans_labels(tv, k, t):
    from sklearn.cluster import KMeans
    X = read_csv(os.path.join(TESTS, tv, "x.csv"))
    labels = KMeans(n_clusters=k, n_init=1, random_state=0).fit(X).labels_
    common = dict(n_components=k, covariance_type="full", tol=0, max_iter=t,
                  weight_concentration_prior_type="dirichlet_distribution",
                  weight_concentration_prior=0.01)
    sk = SkFromLabels(reg_covar=0, **common)
    sk.labels = labels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X)
    # step for step: the plain updates
    g = vbgmm.BayesianGaussianMixture(labels_init=labels, accelerate=False,
                                      **common).fit(X)
    agree(g, sk, X)


@pytest.mark.parametrize("tv, k, t", [("tv1-2d", 4, 12), ("tv2-5d", 6, 8)])
def test_same_fit_as_sklearn(tv, k, t):
    X = read_csv(os.path.join(TESTS, tv, "x.csv"))
    init = read_csv(os.path.join(TESTS, tv, "init_means.csv"))
    common = dict(n_components=k, covariance_type="full", tol=0, max_iter=t,
                  weight_concentration_prior_type="dirichlet_distribution",
                  weight_concentration_prior=0.01, mean_precision_prior=0.5,
                  degrees_of_freedom_prior=X.shape[1] + 1.5)
    sk = SkFromStart(reg_covar=0, **common)
    sk.start_means = init
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X)
    assert sk.n_iter_ == t
    g = vbgmm.BayesianGaussianMixture(means_init=init, accelerate=False,
                                      **common).fit(X)
    agree(g, sk, X)


def agree(g, sk, X):
    """The fitted parameters and predictions of G and SK agree to 1e-9."""
    for name in ("weights_", "means_", "precisions_", "covariances_",
                 "precisions_cholesky_", "weight_concentration_",
                 "mean_precision_", "degrees_of_freedom_"):
        a, b = getattr(g, name), getattr(sk, name)
        assert a.shape == b.shape, name
        scale = np.abs(b).max()
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12 * scale,
                                   err_msg=name)
    np.testing.assert_allclose(g.predict_proba(X), sk.predict_proba(X),
                               rtol=1e-9, atol=1e-12)
    assert (g.predict(X) == sk.predict(X)).all()


@pytest.mark.parametrize("form", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("weights", ["dirichlet_process",
                                     "dirichlet_distribution"])
def test_attributes_shaped_as_sklearn(form, weights):
    X = read_csv(os.path.join(TESTS, "tv2-5d", "x.csv"))
    kw = dict(n_components=3, covariance_type=form, max_iter=5, tol=0,
              weight_concentration_prior_type=weights, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkBGM(**kw).fit(X)
    g = vbgmm.BayesianGaussianMixture(**kw).fit(X)
    for name in ("weights_", "means_", "covariances_", "precisions_",
                 "precisions_cholesky_", "weight_concentration_",
                 "mean_precision_", "degrees_of_freedom_"):
        a, b = getattr(g, name), getattr(sk, name)
        assert type(a) is type(b) or (np.ndim(a) == np.ndim(b) == 0), name
        assert np.shape(a) == np.shape(b), name
        if isinstance(b, tuple):
            assert [np.shape(v) for v in a] == [np.shape(v) for v in b]
    # the precisions are the inverses of the covariances, and U U'
    P, C, U = g.precisions_, g.covariances_, g.precisions_cholesky_
    if form in ("full", "tied"):
        np.testing.assert_allclose(P @ C, np.broadcast_to(np.eye(5), P.shape),
                                   atol=1e-10)
        np.testing.assert_allclose(U @ np.swapaxes(U, -1, -2), P, rtol=1e-12)
        assert (np.tril(U, -1) == 0).all()
    else:
        np.testing.assert_allclose(P * C, 1, rtol=1e-15)
        np.testing.assert_allclose(U * U, P, rtol=1e-15)
    assert abs(g.weights_.sum() - 1) < 1e-12
