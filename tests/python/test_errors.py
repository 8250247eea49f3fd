# test_errors.py -- bad input and bad parameters raise the documented
# exception with its message, and never crash the interpreter.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import ctypes
import re

import numpy as np
import pytest

import vbgmm

BGM = vbgmm.BayesianGaussianMixture


def data(n=50, d=2, seed=0):
    return np.random.RandomState(seed).normal(size=(n, d))


def raises(exc, msg, f, *args):
    with pytest.raises(exc) as e:
        f(*args)
    assert str(e.value) == msg


@pytest.mark.parametrize("value, word", [(np.nan, "NaN"), (np.inf, "inf"),
                                         (-np.inf, "-inf")])
def test_non_finite_named_by_row_and_column(value, word):
    X = data()
    X[7, 1] = value
    X[9, 0] = value  # only the first one is named
    raises(ValueError, "X contains %s at row 7, column 1 (numbered from 0)"
           % word, BGM(n_components=2).fit, X)
    g = BGM(n_components=2).fit(data())
    raises(ValueError, "X contains %s at row 7, column 1 (numbered from 0)"
           % word, g.predict, X)


def test_large_finite_values_are_not_taken_for_inf():
    X = data()
    X[:, 1] = 1e307  # the sum overflows, no value is infinite
    assert vbgmm.mixture._as_points(X) is X


def test_shapes():
    raises(ValueError, "X: expected a 2-D array (points by features), got "
           "1-D; Reshape your data either using array.reshape(-1, 1) if "
           "your data has a single feature or array.reshape(1, -1) if it "
           "contains a single sample", BGM().fit, np.ones(10))
    with pytest.raises(ValueError, match="got 3-D"):
        BGM().fit(np.ones((4, 3, 2)))
    raises(ValueError, "X: 0 sample(s) (shape=(0, 3)) while a minimum of 1 "
           "is required.", BGM().fit, np.ones((0, 3)))
    raises(ValueError, "X: 0 feature(s) (shape=(5, 0)) while a minimum of 1 "
           "is required.", BGM().fit, np.ones((5, 0)))
    g = BGM(n_components=2).fit(data(d=3))
    raises(ValueError, "X has 2 features, but BayesianGaussianMixture is "
           "expecting 3 features as input.", g.predict, data(d=2))


def test_too_few_points():
    raises(ValueError, "Expected n_samples >= n_components but got "
           "n_components = 5, n_samples = 4", BGM(n_components=5).fit,
           data(n=4))
    raises(ValueError, "n_samples = 1: the default covariance_prior, the "
           "sample covariance, needs at least 2 samples", BGM().fit,
           data(n=1))


def test_dtypes():
    raises(ValueError, "X: non-numeric dtype <U1: expected numbers",
           BGM().fit, np.array([["a", "b"], ["c", "d"]]))
    raises(ValueError, "X: Complex data not supported", BGM().fit,
           np.ones((5, 2), complex))
    X = data().astype(object)
    X[0, 0] = {"a": 1}
    with pytest.raises(TypeError, match="float"):
        BGM().fit(X)
    # numbers of other types and orders are converted, to the same fit
    X = np.round(data(n=200) * 100)
    a = BGM(n_components=3, random_state=1, tol=0, max_iter=5).fit(X)
    for Y in (X.astype(np.int64), X.astype(np.float32), np.asfortranarray(X),
              X.astype(object), X.tolist()):
        b = BGM(n_components=3, random_state=1, tol=0, max_iter=5).fit(Y)
        assert (a.means_ == b.means_).all()


def test_sparse():
    sparse = pytest.importorskip("scipy.sparse")
    raises(TypeError, "X: sparse input is not supported; pass a dense array "
           "(X.toarray())", BGM().fit, sparse.csr_matrix(np.eye(3)))


@pytest.mark.parametrize("params, exc, msg", [
    ({"n_components": 0}, ValueError,
     "n_components must be an integer >= 1, got 0"),
    ({"covariance_type": "round"}, ValueError,
     "covariance_type must be one of 'full', 'tied', 'diag', 'spherical', "
     "got 'round'"),
    ({"weight_concentration_prior_type": "flat"}, ValueError,
     "weight_concentration_prior_type must be one of 'dirichlet_process', "
     "'dirichlet_distribution', got 'flat'"),
    ({"tol": -1}, ValueError, "tol must be a finite number >= 0, got -1"),
    ({"max_iter": 0}, ValueError, "max_iter must be an integer >= 1, got 0"),
    ({"init_params": "best"}, ValueError,
     "init_params must be one of 'kmeans', 'k-means++', 'random_from_data', "
     "'random', got 'best'"),
    ({"init_params": "random", "n_init": 2}, ValueError,
     "init_params='random' draws one set of responsibilities: n_init must "
     "be 1"),
    ({"labels_init": np.arange(49)}, ValueError,
     "labels_init must have shape (50,), got (49,)"),
    ({"labels_init": -np.ones(50, int)}, ValueError,
     "labels_init must hold integers >= 0"),
    ({"labels_init": np.full(50, 2)}, ValueError,
     "an initial label is not below the number of components"),
    ({"random_state": -3}, ValueError,
     "random_state must be an integer in [0, 2**64), got -3"),
    ({"n_jobs": 0}, ValueError,
     "n_jobs must be a non-zero integer or None, got 0"),
    ({"weight_concentration_prior": 0}, ValueError,
     "weight_concentration_prior: gamma0 must be a finite number > 0"),
    ({"weight_concentration_prior": 0,
      "weight_concentration_prior_type": "dirichlet_distribution"},
     ValueError,
     "weight_concentration_prior: alpha0 must be a finite number > 0"),
    ({"covariance_type": "diag", "covariance_prior": np.eye(2)}, ValueError,
     "covariance_prior must have shape (2,), got (2, 2)"),
    ({"covariance_type": "spherical", "covariance_prior": -1.0}, ValueError,
     "covariance_prior is not positive definite"),
    ({"mean_precision_prior": -1.0}, ValueError,
     "mean_precision_prior: beta0 must be a finite number > 0"),
    ({"degrees_of_freedom_prior": 0.5}, ValueError,
     "degrees_of_freedom_prior: nu0 must be a finite number > D - 1"),
    ({"mean_prior": [1, 2, 3]}, ValueError,
     "mean_prior must have shape (2,), got (3,)"),
    ({"mean_prior": [1, np.nan]}, ValueError, "mean_prior must be finite"),
    ({"covariance_prior": np.eye(3)}, ValueError,
     "covariance_prior must have shape (2, 2), got (3, 3)"),
    ({"covariance_prior": [[1, 2], [2, 1]]}, ValueError,
     "covariance_prior is not positive definite"),
    ({"means_init": np.zeros((3, 2))}, ValueError,
     "means_init must have shape (2, 2), got (3, 2)"),
    # beyond the library's integers (ctypes would cut them short)
    ({"max_iter": 2 ** 64 + 3}, ValueError,
     "max_iter must be at most 9223372036854775807, got "
     "18446744073709551619"),
    ({"n_components": 2 ** 64 + 2}, ValueError,
     "n_components must be at most 9223372036854775807, got "
     "18446744073709551618"),
    ({"n_init": 2 ** 64 + 1}, ValueError,
     "n_init must be at most 9223372036854775807, got 18446744073709551617"),
    ({"n_jobs": 2 ** 32 + 1}, ValueError,
     "n_jobs must be a non-zero integer or None, got 4294967297"),
    # flags are True or False, not strings whose truth is True
    ({"accelerate": "no"}, ValueError,
     "accelerate must be 'auto', True or False, got 'no'"),
    ({"delete_moves": "no"}, ValueError,
     "delete_moves must be True or False, got 'no'"),
    ({"warm_start": "no"}, ValueError,
     "warm_start must be True or False, got 'no'"),
    ({"verbose": "x"}, ValueError, "verbose must be an integer >= 0, got 'x'"),
    ({"reg_covar": -1.0}, ValueError,
     "reg_covar must be a finite number >= 0, got -1.0"),
    ({"covariance_prior": [[1, 5], [0, 1]]}, ValueError,
     "covariance_prior must be symmetric"),
])
def test_bad_parameters(params, exc, msg):
    kw = {"n_components": 2}
    kw.update(params)
    g = BGM(**kw)
    with pytest.raises(exc) as e:
        g.fit(data())
    assert str(e.value) == msg
    assert not hasattr(g, "means_")


def test_not_fitted():
    for f in (BGM().predict, BGM().predict_proba):
        with pytest.raises(ValueError, match=re.escape(
                "This BayesianGaussianMixture instance is not fitted yet.")):
            f(data())


def test_singular_covariance_warns():
    X = data()
    X[:, 1] = 2 * X[:, 0]
    with pytest.warns(UserWarning, match="the sample covariance is singular"):
        BGM(n_components=2, max_iter=2, tol=0).fit(X)


def test_flags_take_booleans():
    X = data()
    a = BGM(n_components=2, random_state=0, accelerate=False).fit(X)
    for flag in (0, np.bool_(False)):
        b = BGM(n_components=2, random_state=0, accelerate=flag).fit(X)
        assert b.n_iter_ == a.n_iter_ and (b.means_ == a.means_).all()


@pytest.mark.parametrize("change", ["dimension", "parameter"])
def test_a_failed_fit_keeps_the_model(change):
    """A fit that fails leaves a fitted estimator as it was: its model
    and its number of features, so that data of the failed fit's
    dimension are refused (the library would read past a point of the
    model's dimension) and the model still predicts."""
    X3, X2 = data(200, 3, 1), data(200, 2, 2)
    g = BGM(n_components=2, random_state=0, warm_start=True).fit(X3)
    before = (g.means_.copy(), g.predict_proba(X3), g.score_samples(X3))
    with pytest.raises(ValueError):
        if change == "dimension":
            g.fit(X2)  # warm start from a model of 3 features
        else:
            g.set_params(n_components=0).fit(X2)
    assert g.n_features_in_ == 3
    msg = ("X has 2 features, but BayesianGaussianMixture is expecting 3 "
           "features as input.")
    for f in (g.predict, g.predict_proba, g.score_samples, g.score):
        raises(ValueError, msg, f, X2)
    assert (g.means_ == before[0]).all()
    assert (g.predict_proba(X3) == before[1]).all()
    assert (g.score_samples(X3) == before[2]).all()


def test_the_library_refuses_data_of_another_dimension():
    g = BGM(n_components=2, random_state=0).fit(data(d=3))
    X = data(d=2)
    err = vbgmm._lib.Error()
    sink = vbgmm._lib.SINK(lambda r, rows, k, arg: 0)
    with vbgmm.mixture._Model(g._state) as model, \
            vbgmm.mixture._Data(X) as points:
        assert vbgmm._lib.responsibilities(model, points, 1, sink, None,
                                           ctypes.byref(err)) != 0
    assert err.message.decode() == "the data have 2 columns, the model 3"


@pytest.mark.parametrize("form", ["full", "tied"])
def test_fewer_points_than_features(form):
    """With N < D the sample covariance is singular, W0 gets a ridge
    and the precisions have a condition number near 1e12: they are
    factorised as they are (no inverse first), so every fit ends with
    U U' = P to rounding, as scikit-learn's attributes have it."""
    for seed in range(10):
        X = np.random.RandomState(seed).normal(size=(3, 5))
        with pytest.warns(UserWarning, match="sample covariance is singular"):
            g = BGM(covariance_type=form, random_state=0).fit(X)
        P, U = g.precisions_, g.precisions_cholesky_
        assert (np.tril(U, -1) == 0).all()
        assert np.abs(U @ np.swapaxes(U, -1, -2) - P).max() \
            <= 1e-12 * np.abs(P).max()
        assert (g.covariances_ == np.swapaxes(g.covariances_, -1, -2)).all()
        g.predict(X)


class _Frame:
    """What scikit-learn takes a data frame by: column names and an
    array."""

    def __init__(self, a, columns):
        self.a, self.columns = np.asarray(a), columns

    def __array__(self, dtype=None):
        return self.a if dtype is None else self.a.astype(dtype)


def test_feature_names():
    pytest.importorskip("sklearn")
    X = data(d=2)
    g = BGM(n_components=2, random_state=0).fit(_Frame(X, ["a", "b"]))
    assert list(g.feature_names_in_) == ["a", "b"]
    g.predict(_Frame(X, ["a", "b"]))
    with pytest.raises(ValueError, match="feature names should match"):
        g.predict(_Frame(X[:, ::-1], ["b", "a"]))
    # a failed fit keeps the names too
    with pytest.raises(ValueError):
        g.set_params(n_components=0).fit(_Frame(X, ["c", "d"]))
    assert list(g.feature_names_in_) == ["a", "b"]
