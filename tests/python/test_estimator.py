# test_estimator.py -- the estimator without scikit-learn (NumPy alone),
# pickling, verbose output, and fit_predict against fit and predict.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import os
import pickle
import subprocess
import sys

import numpy as np

from conftest import TESTS, read_csv

import vbgmm

X = read_csv(os.path.join(TESTS, "tv1-2d", "x.csv"))


def test_without_sklearn():
    # sklearn made unimportable: the module needs NumPy alone
    code = """
import sys
sys.modules["sklearn"] = None
import numpy as np, vbgmm
from vbgmm import _base
assert not _base.HAVE_SKLEARN
g = vbgmm.BayesianGaussianMixture(n_components=3, random_state=1)
assert g.get_params()["n_components"] == 3
assert g.set_params(n_components=4, tol=0) is g
assert (g.n_components, g.tol) == (4, 0)
try:
    g.set_params(colour=1)
except ValueError as e:
    assert str(e).startswith("invalid parameter 'colour'"), e
else:
    raise AssertionError("set_params took a bad name")
try:
    g.predict(np.ones((3, 2)))
except ValueError as e:
    assert "not fitted yet" in str(e)
else:
    raise AssertionError("predict before fit")
X = np.random.RandomState(0).normal(size=(200, 2))
g.set_params(max_iter=5).fit(X)
assert g.predict(X).shape == (200,)
print("ok")
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "ok\n"


def test_pickle_keeps_the_fit():
    g = vbgmm.BayesianGaussianMixture(n_components=4, random_state=0).fit(X)
    h = pickle.loads(pickle.dumps(g))
    assert (h.predict_proba(X) == g.predict_proba(X)).all()
    assert (h.means_ == g.means_).all()


def test_fit_predict_is_fit_then_predict():
    kw = dict(n_components=4, random_state=2, max_iter=30, tol=0)
    a = vbgmm.BayesianGaussianMixture(**kw).fit_predict(X)
    b = vbgmm.BayesianGaussianMixture(**kw).fit(X).predict(X)
    assert (a == b).all()


def test_verbose(capsys):
    g = vbgmm.BayesianGaussianMixture(n_components=4, tol=0, max_iter=7,
                                      verbose=2, verbose_interval=3,
                                      random_state=0).fit(X)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for t, line in zip((3, 6), lines):
        assert line == "  Iteration %d\t lower bound %.17g" % (
            t, g.lower_bounds_[t - 1])
    assert lines[2] == ("vbgmm: 7 iterations (not converged), lower bound "
                        "%.17g" % g.lower_bound_)


def test_read_only_data_fitted_and_left_untouched():
    # the library reads the caller's memory and never writes it: a
    # read-only array (NumPy raises on any write) is fitted as is
    A = X.copy()
    A.setflags(write=False)
    g = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0).fit(A)
    assert not A.flags.writeable
    assert (A == X).all()
    h = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0).fit(X)
    assert (g.predict_proba(A) == h.predict_proba(X)).all()


def test_units_a_power_of_two_changes_only_that():
    # a column times 2^20, from a start that measures no distance
    # (random responsibilities): the same responsibilities to the bit,
    # that mean times 2^20 and the precisions divided by it, exactly;
    # the bound moves by -N ln 2^20
    S = X.copy()
    S[:, 1] *= 2.0 ** 20
    g = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0,
                                      init_params="random").fit(X)
    h = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0,
                                      init_params="random").fit(S)
    assert (g.predict_proba(X) == h.predict_proba(S)).all()
    assert (h.means_[:, 1] == g.means_[:, 1] * 2.0 ** 20).all()
    assert (h.means_[:, 0] == g.means_[:, 0]).all()
    f = np.array([1.0, 2.0 ** -20])
    assert (h.precisions_ == g.precisions_ * f[:, None] * f[None, :]).all()
    want = g.lower_bound_ - X.shape[0] * 20 * np.log(2)
    assert abs(h.lower_bound_ - want) <= 1e-12 * abs(want)


def test_units_all_data_times_a_power_of_two():
    # every column times 2^-30 with the default k-means start, which
    # measures distances in the data's units: the same responsibilities
    # to the bit, the means times 2^-30
    S = X * 2.0 ** -30
    g = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0).fit(X)
    h = vbgmm.BayesianGaussianMixture(n_components=3, random_state=0).fit(S)
    assert (g.predict_proba(X) == h.predict_proba(S)).all()
    assert (h.means_ == g.means_ * 2.0 ** -30).all()
