# test_predictive.py -- score_samples, score and sample: the posterior
# predictive density (a mixture of Student-t) and draws from it, equal
# to the command line's (vbgmm-predict's density.csv, vbgmm-sample's
# points) on the same model, and to an independent evaluation of the
# Student-t mixture written here.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import math
import os

import numpy as np
import pytest

from conftest import TESTS, cli_fit, read_csv, run_program

import vbgmm

X_CSV = os.path.join(TESTS, "tv2-5d", "x.csv")
X = read_csv(X_CSV)


def fit(tmp_path, *args):
    return cli_fit(tmp_path / "fit", *args, X_CSV)


@pytest.fixture(scope="module")
def small():
    """A small fit of X."""
    return vbgmm.BayesianGaussianMixture(n_components=2, max_iter=5, tol=0,
                                         random_state=0).fit(X)


def ln_student_t(u, L, v):
    """ln St(u | 0, L, v) (PRML B.68) of the vector U."""
    d = len(u)
    return (math.lgamma((v + d) / 2) - math.lgamma(v / 2)
            + 0.5 * np.linalg.slogdet(L)[1] - d / 2 * math.log(v * math.pi)
            - (v + d) / 2 * math.log1p(u @ L @ u / v))


def student_t_mixture(g, Y):
    """ln p(y) of every row of Y, from the fitted attributes (shaped as
    scikit-learn's): sum_k w_k t_k(y), t_k a Student-t of v_k degrees of
    freedom and precision L_k = v_k beta_k / (1 + beta_k) W_k, W_k the
    expected precision over nu_k (PRML 10.81-10.82).  full and tied: one
    t with v_k = nu_k + 1 - D; spherical: one t with v_k = nu_k (one
    Gamma for the D coordinates); diag: the product of D one-dimensional
    t's with v_k = nu_k."""
    k, d = g.means_.shape
    form = g.covariance_type
    out = []
    for y in Y:
        terms = []
        for c in range(k):
            nu = np.broadcast_to(g.degrees_of_freedom_, (k,))[c]
            s = g.mean_precision_[c] / (1 + g.mean_precision_[c])
            u = y - g.means_[c]
            if form in ("full", "tied"):
                P = g.precisions_[c] if form == "full" else g.precisions_
                v = nu + 1 - d
                t = ln_student_t(u, v * s * P / nu, v)
            elif form == "spherical":
                t = ln_student_t(u, s * g.precisions_[c] * np.eye(d), nu)
            else:
                t = sum(ln_student_t(u[i:i + 1],
                                     s * g.precisions_[c, i] * np.eye(1), nu)
                        for i in range(d))
            terms.append(math.log(g.weights_[c]) + t)
        top = max(terms)
        out.append(top + math.log(sum(math.exp(t - top) for t in terms)))
    return np.array(out)


def new_points():
    rs = np.random.RandomState(5)
    return X[rs.choice(len(X), 40)] + rs.normal(scale=2.0, size=(40, 5))


# The forms of the model, with the command line's options for each.
FORMS = [("full", "dirichlet"), ("tied", "dirichlet"), ("diag", "dp"),
         ("spherical", "dirichlet"), ("full", "dp")]
FORM_IDS = ["%s-%s" % f for f in FORMS]


def options(form, weights):
    return ["--covariance=" + form, "--weights=" + weights]


def python_options(form, weights):
    return dict(covariance_type=form, weight_concentration_prior_type={
        "dp": "dirichlet_process",
        "dirichlet": "dirichlet_distribution"}[weights])


@pytest.mark.parametrize("form, weights", FORMS, ids=FORM_IDS)
def test_score_samples_is_vbgmm_predict_density(tmp_path, form, weights):
    out = fit(tmp_path, "-k", 5, "--seed=2", "--max-iter=40",
              *options(form, weights))
    model = os.path.join(out, "model.json")
    Y = new_points()
    np.savetxt(tmp_path / "y.csv", Y, delimiter=",", fmt="%.17g")
    status, stdout, err = run_program("vbgmm-predict", "-q", "-j1",
                                      "--output=density", "-o",
                                      tmp_path / "pred", model,
                                      tmp_path / "y.csv")
    assert status == 0, err
    want = read_csv(os.path.join(tmp_path, "pred", "density.csv")).ravel()
    g = vbgmm.load(model)
    got = g.score_samples(Y)
    assert got.shape == (len(Y),)
    # density.csv holds %.17g: the same doubles
    assert (got == want).all(), np.abs(got - want).max()
    assert g.score(Y) == np.mean(want)
    # two threads: the same numbers
    g.set_params(n_jobs=2)
    assert (g.score_samples(Y) == want).all()


@pytest.mark.parametrize("form, weights", FORMS, ids=FORM_IDS)
def test_score_samples_is_the_student_t_mixture(form, weights):
    g = vbgmm.BayesianGaussianMixture(
        n_components=4, random_state=0, max_iter=50,
        **python_options(form, weights)).fit(X)
    Y = new_points()
    want = student_t_mixture(g, Y)
    np.testing.assert_allclose(g.score_samples(Y), want, rtol=1e-12)


@pytest.mark.parametrize("form, weights", FORMS, ids=FORM_IDS)
def test_sample_is_vbgmm_sample(tmp_path, form, weights):
    out = fit(tmp_path, "-k", 4, "--seed=1", "--max-iter=30",
              *options(form, weights))
    model = os.path.join(out, "model.json")
    status, stdout, err = run_program("vbgmm-sample", "-n", 500, "-s", 17,
                                      "-o", tmp_path / "s.csv", model)
    assert status == 0, err
    want = np.loadtxt(tmp_path / "s.csv", delimiter=",", skiprows=1)
    g = vbgmm.load(model).set_params(random_state=17)
    Y, labels = g.sample(500)
    assert Y.shape == (500, 5) and labels.shape == (500,)
    assert (Y == want).all()
    assert labels.dtype.kind == "i"
    assert labels.min() >= 0 and labels.max() < 4
    # the same random_state: the same draws; another: others
    Y2, labels2 = g.sample(500)
    assert (Y2 == Y).all() and (labels2 == labels).all()
    Y3, _ = g.set_params(random_state=18).sample(500)
    assert not (Y3 == Y).all()


def test_sample_labels_follow_the_weights_and_means():
    g = vbgmm.BayesianGaussianMixture(
        n_components=3, random_state=0, max_iter=50,
        weight_concentration_prior_type="dirichlet_distribution").fit(X)
    n = 40000
    Y, labels = g.set_params(random_state=3).sample(n)
    for c in range(3):
        w = g.weights_[c]
        share = np.mean(labels == c)
        assert abs(share - w) <= 4 * math.sqrt(w * (1 - w) / n), (c, share)
        if share * n < 100:
            continue
        mine = Y[labels == c]
        se = mine.std(axis=0) / math.sqrt(len(mine))
        assert (np.abs(mine.mean(axis=0) - g.means_[c]) <= 4 * se).all()


@pytest.mark.parametrize("n, msg", [
    (0, "Invalid value for 'n_samples': 0 . The sampling requires at "
        "least one sample."),
    (-3, "Invalid value for 'n_samples': -3 . The sampling requires at "
         "least one sample."),
    (2.5, "Invalid value for 'n_samples': 2.5 . The sampling requires at "
          "least one sample."),
])
def test_sample_bad_n(small, n, msg):
    with pytest.raises(ValueError) as e:
        small.sample(n)
    assert str(e.value) == msg


@pytest.mark.parametrize("Y, msg", [
    (np.ones((3, 4)), "X has 4 features, but BayesianGaussianMixture is "
                      "expecting 5 features as input."),
    (np.array([[0, 0, np.nan, 0, 0]]),
     "X contains NaN at row 0, column 2 (numbered from 0)"),
    (np.ones(5), "X: expected a 2-D array (points by features), got 1-D; "
                 "Reshape your data either using array.reshape(-1, 1) if "
                 "your data has a single feature or array.reshape(1, -1) "
                 "if it contains a single sample"),
])
def test_score_samples_bad_input(small, Y, msg):
    with pytest.raises(ValueError) as e:
        small.score_samples(Y)
    assert str(e.value) == msg


def test_not_fitted():
    g = vbgmm.BayesianGaussianMixture()
    for call in (lambda: g.score_samples(X), lambda: g.score(X),
                 lambda: g.sample(3)):
        with pytest.raises(ValueError, match="not fitted yet"):
            call()
