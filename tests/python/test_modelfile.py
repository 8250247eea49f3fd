# test_modelfile.py -- model.json between Python and the command line:
# a model fitted by vbgmm is loaded in Python with the same numbers and
# predictions, saved again to the same bytes; a model saved by Python
# starts the command line's fit (--init-model) exactly as warm_start
# starts Python's; bad files raise the documented exceptions.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import os

import numpy as np
import pytest

from conftest import TESTS, cli_fit, read_csv, read_params

import vbgmm

X_CSV = os.path.join(TESTS, "tv2-5d", "x.csv")


def fit(tmp_path, *args):
    return cli_fit(tmp_path / "out", *args, X_CSV)


def assert_params(g, out):
    p = read_params(os.path.join(out, "params.dat"))
    k, d = g.means_.shape
    assert (g.weight_concentration_ == p["alpha"].ravel()).all()
    assert (g.mean_precision_ == p["beta"].ravel()).all()
    assert (g.degrees_of_freedom_ == p["nu"].ravel()).all()
    assert (g.means_ == p["m"]).all()
    W = p["W"].reshape(k, d, d)
    assert (g.precisions_ == W * p["nu"].reshape(k, 1, 1)).all()


def test_command_line_model_in_python(tmp_path):
    out = fit(tmp_path, "-k", 5, "--seed=4", "--max-iter=30")
    g = vbgmm.load(os.path.join(out, "model.json"))
    assert_params(g, out)
    X = read_csv(X_CSV)
    z = read_csv(os.path.join(out, "z.csv"))
    assert (g.predict_proba(X) == z).all()
    assert g.n_components == 5 and g.n_features_in_ == 5
    assert g.lower_bound_ == np.loadtxt(os.path.join(
        out, "vblikelihood.txt"), skiprows=1)[-1, 1]
    # read and written again: the same bytes
    g.save(tmp_path / "again.json")
    with open(os.path.join(out, "model.json"), "rb") as a, \
            open(tmp_path / "again.json", "rb") as b:
        assert a.read() == b.read()


def test_python_model_starts_the_command_line(tmp_path):
    X = read_csv(X_CSV)
    kw = dict(n_components=4, random_state=1, max_iter=15,
              weight_concentration_prior=0.001, n_jobs=1,
              weight_concentration_prior_type="dirichlet_distribution")
    g = vbgmm.BayesianGaussianMixture(**kw).fit(X)
    g.save(tmp_path / "py.json")
    out = fit(tmp_path, "-k", 4, "--init-model=%s" % (tmp_path / "py.json"),
                  "--max-iter=6", "--tol=0")
    g.set_params(warm_start=True, max_iter=6, tol=0).fit(X)
    assert g.n_iter_ == 6
    assert_params(g, out)


@pytest.mark.parametrize("form", ["full", "tied", "diag", "spherical"])
def test_python_model_round_trip(tmp_path, form):
    X = read_csv(X_CSV)
    g = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0,
                                      covariance_type=form,
                                      max_iter=20).fit(X)
    g.save(tmp_path / "m.json")
    h = vbgmm.load(tmp_path / "m.json")
    assert h.covariance_type == form
    assert h.weight_concentration_prior_type == "dirichlet_process"
    for name in ("weights_", "means_", "precisions_", "covariances_",
                 "mean_precision_", "degrees_of_freedom_"):
        assert np.all(getattr(h, name) == getattr(g, name)), name
    for a, b in zip(h.weight_concentration_, g.weight_concentration_):
        assert (a == b).all()
    assert (h.predict_proba(X) == g.predict_proba(X)).all()
    assert h.lower_bound_ == g.lower_bound_


@pytest.mark.parametrize("accelerate", ["auto", True, False])
def test_accelerate_parameter_round_trip(tmp_path, accelerate):
    # model.json's own "accelerate" is whether the fit took the steps;
    # the parameter, 'auto' among its values, comes back as it was.
    X = read_csv(X_CSV)
    g = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0,
                                      max_iter=20,
                                      accelerate=accelerate).fit(X)
    g.save(tmp_path / "m.json")
    h = vbgmm.load(tmp_path / "m.json")
    assert h.get_params()["accelerate"] is accelerate or \
        h.get_params()["accelerate"] == accelerate == "auto"
    # and again through a second save
    h.save(tmp_path / "again.json")
    with open(tmp_path / "m.json", "rb") as a, \
            open(tmp_path / "again.json", "rb") as b:
        assert a.read() == b.read()
    # The command line reads the file past the estimator's member.
    out = fit(tmp_path, "--weights=dp",
              "--init-model=%s" % (tmp_path / "m.json"), "--max-iter=2",
              "--tol=0")
    assert os.path.exists(os.path.join(out, "model.json"))


def test_accelerate_of_a_command_line_model(tmp_path):
    for flag, took in (("--accelerate=auto", True),
                       ("--accelerate=no", False)):
        out = fit(tmp_path, "-k", 3, "--max-iter=5", flag)
        g = vbgmm.load(os.path.join(out, "model.json"))
        assert g.get_params()["accelerate"] is took


def test_bad_model_files(tmp_path):
    with pytest.raises(OSError) as e:
        vbgmm.load(tmp_path / "none.json")
    assert str(e.value) == "%s: No such file or directory" % (
        tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "vbgmm-model"')
    with pytest.raises(ValueError) as e:
        vbgmm.load(bad)
    assert str(e.value).startswith("line 1: %s: " % bad)
    bad.write_text('{"x": 1}')
    with pytest.raises(ValueError) as e:
        vbgmm.load(bad)
    assert str(e.value) == "%s: field 'format': missing" % bad
    g = vbgmm.BayesianGaussianMixture(n_components=2).fit(read_csv(X_CSV))
    g.save(bad)
    bad.write_text(bad.read_text().replace('"accelerate": "auto"',
                                           '"accelerate": "yes"'))
    with pytest.raises(ValueError) as e:
        vbgmm.load(bad)
    assert str(e.value) == ("%s: field 'estimator.accelerate': expected "
                            "\"auto\", true or false" % bad)
    g = vbgmm.BayesianGaussianMixture(n_components=2).fit(read_csv(X_CSV))
    with pytest.raises(OSError) as e:
        g.save(tmp_path / "no" / "such" / "dir.json")
    assert str(e.value) == "%s: No such file or directory" % (
        tmp_path / "no" / "such" / "dir.json")


def test_warm_start_needs_the_same_components():
    X = read_csv(X_CSV)
    g = vbgmm.BayesianGaussianMixture(n_components=3, warm_start=True,
                                      max_iter=5).fit(X)
    with pytest.raises(ValueError) as e:
        g.set_params(n_components=4).fit(X)
    assert str(e.value) == ("warm_start: the fitted model has 3 components, "
                            "n_components is 4")


@pytest.mark.parametrize("change, msg", [
    ({"covariance_type": "diag"},
     "warm_start: the fitted model has covariance_type='full', the "
     "estimator 'diag'"),
    ({"weight_concentration_prior_type": "dirichlet_distribution"},
     "warm_start: the fitted model has "
     "weight_concentration_prior_type='dirichlet_process', the estimator "
     "'dirichlet_distribution'"),
])
def test_warm_start_needs_the_same_form(change, msg):
    X = read_csv(X_CSV)
    g = vbgmm.BayesianGaussianMixture(n_components=3, warm_start=True,
                                      max_iter=5, tol=0).fit(X)
    with pytest.raises(ValueError) as e:
        g.set_params(**change).fit(X)
    assert str(e.value) == msg


@pytest.mark.parametrize("form", ["tied", "diag", "spherical"])
def test_warm_start_of_each_form_continues_the_fit(form):
    # 4 iterations, then 3 more from the fitted posterior: the bound
    # of 7 iterations from the same start (the warm start adds none)
    X = read_csv(X_CSV)
    # (the plain updates: the extrapolated steps' history is not in
    # the posterior)
    kw = dict(n_components=3, covariance_type=form, tol=0, random_state=2,
              accelerate=False)
    g = vbgmm.BayesianGaussianMixture(max_iter=4, warm_start=True, **kw)
    g.fit(X)
    g.set_params(max_iter=3).fit(X)
    h = vbgmm.BayesianGaussianMixture(max_iter=7, **kw).fit(X)
    np.testing.assert_allclose(g.lower_bound_, h.lower_bound_, rtol=1e-12)
    np.testing.assert_allclose(g.means_, h.means_, rtol=1e-10)


@pytest.mark.parametrize("form", ["full", "tied", "diag", "spherical"])
def test_the_prior_in_the_data_units(tmp_path, form):
    """The fit's prior as scikit-learn's fitted attributes, and as the
    parameters of a model read back, in the data's units (the library
    fits in units of a power of two near each column's spread)."""
    X = np.random.RandomState(0).normal(size=(300, 2)) * 1000 + 50
    cov = {"full": np.eye(2), "tied": np.eye(2), "diag": np.ones(2),
           "spherical": 1.0}[form]
    g = vbgmm.BayesianGaussianMixture(
        n_components=2, covariance_type=form, covariance_prior=cov,
        mean_prior=[1.0, 2.0], mean_precision_prior=0.5,
        degrees_of_freedom_prior=3.0, weight_concentration_prior=0.25,
        random_state=0).fit(X)
    assert (g.mean_prior_ == [1.0, 2.0]).all()
    assert np.shape(g.covariance_prior_) == np.shape(cov)
    assert np.allclose(g.covariance_prior_, cov, rtol=1e-14, atol=0)
    assert (g.mean_precision_prior_, g.degrees_of_freedom_prior_,
            g.weight_concentration_prior_) == (0.5, 3.0, 0.25)
    g.save(tmp_path / "m.json")
    h = vbgmm.load(tmp_path / "m.json")
    assert (h.mean_prior == [1.0, 2.0]).all()
    assert np.allclose(h.covariance_prior, cov, rtol=1e-14, atol=0)
    assert (h.mean_prior_ == g.mean_prior_).all()
    # the parameters read back give the same fit again
    params = h.get_params()
    params.update(max_iter=g.max_iter)
    again = vbgmm.BayesianGaussianMixture(**params).fit(X)
    assert again.lower_bound_ == pytest.approx(g.lower_bound_, rel=1e-12)


def test_default_prior_attributes():
    X = np.random.RandomState(1).normal(size=(200, 3)) * [1, 10, 100]
    g = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0).fit(X)
    assert np.allclose(g.mean_prior_, X.mean(axis=0), rtol=1e-13, atol=0)
    assert np.allclose(g.covariance_prior_, np.cov(X.T), rtol=1e-12, atol=0)
    assert g.degrees_of_freedom_prior_ == 3.0
    assert g.weight_concentration_prior_ == 1 / 3
    assert g.mean_precision_prior_ == 1.0
