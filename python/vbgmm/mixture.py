# mixture.py -- vbgmm.BayesianGaussianMixture, a scikit-learn estimator
# over libvbgmm
#
# Copyright (C) 2026 The vbgmm developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.

"""vbgmm.BayesianGaussianMixture: the estimator."""

import ctypes
import json
import numbers
import os
import sys
import warnings

import numpy as np

from . import _lib
from ._base import (BaseEstimator, ConvergenceWarning, DensityMixin,
                    NotFittedError)

_INIT = {"kmeans": _lib.INIT_KMEANS,
         "k-means++": _lib.INIT_KMEANSPP,
         "random_from_data": _lib.INIT_RANDOM,
         "random": _lib.INIT_RESP}


# scikit-learn's names of the forms and the weight priors, and libvbgmm's.
_COVARIANCE = {"full": b"full", "tied": b"tied", "diag": b"diag",
               "spherical": b"spherical"}
_WEIGHTS = {"dirichlet_process": b"dp",
            "dirichlet_distribution": b"dirichlet"}

# The parameters behind the prior's symbols in libvbgmm's messages.
_PRIOR_NAMES = {"alpha0": "weight_concentration_prior",
                "gamma0": "weight_concentration_prior",
                "beta0": "mean_precision_prior",
                "nu0": "degrees_of_freedom_prior",
                "m0": "mean_prior", "W0": "covariance_prior"}


def _as_points(X, name="X"):
    """X as a C-ordered float64 (n, d) array, with no copy when it
    already is one.  Raises ValueError or TypeError for what libvbgmm
    cannot take, naming the first non-finite value by row and column."""
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        raise TypeError("%s: sparse input is not supported; pass a dense "
                        "array (X.toarray())" % name)
    a = np.asarray(X)
    if a.dtype.kind == "c":
        raise ValueError("%s: Complex data not supported" % name)
    if a.dtype.kind not in "biuf":
        if a.dtype.kind in "USV":
            raise ValueError("%s: non-numeric dtype %s: expected numbers"
                             % (name, a.dtype))
        # object: numbers are converted, anything else raises
        a = a.astype(np.float64)
    if a.ndim != 2:
        raise ValueError("%s: expected a 2-D array (points by features), got "
                         "%d-D; Reshape your data either using "
                         "array.reshape(-1, 1) if your data has a single "
                         "feature or array.reshape(1, -1) if it contains a "
                         "single sample" % (name, a.ndim))
    if a.shape[1] < 1:
        raise ValueError("%s: 0 feature(s) (shape=%s) while a minimum of "
                         "1 is required." % (name, a.shape))
    if a.shape[0] < 1:
        raise ValueError("%s: 0 sample(s) (shape=%s) while a minimum of "
                         "1 is required." % (name, a.shape))
    a = np.ascontiguousarray(a, dtype=np.float64)
    # One sum tells whether all values are finite (NaN and inf
    # propagate); only then is the first bad one looked for.
    if not np.isfinite(a.sum()):
        bad = np.argwhere(~np.isfinite(a))
        if len(bad):
            i, j = bad[0]
            v = a[i, j]
            what = "NaN" if np.isnan(v) else ("inf" if v > 0 else "-inf")
            raise ValueError("%s contains %s at row %d, column %d "
                             "(numbered from 0)" % (name, what, i, j))
    return a


class _Data:
    """A vbgmm_data of the library's over the memory of X (no copy),
    for a with statement; X must stay alive meanwhile."""

    def __init__(self, X):
        self.X = X

    def __enter__(self):
        n, d = self.X.shape
        self.p = _lib.data_alloc(0, d)
        if not self.p:
            raise MemoryError("out of memory")
        data = self.p.contents
        data.n = data.n_total = n
        data.x = _ptr(self.X)
        return self.p

    def __exit__(self, *exc):
        self.p.contents.x = None  # not the library's to free
        _lib.data_free(self.p)


def _ptr(a):
    return a.ctypes.data_as(_lib.c_double_p)


class _Model:
    """The C model of a fitted estimator, read from its model.json, for
    a with statement."""

    def __init__(self, state):
        self.json = state["json"]

    def __enter__(self):
        self.p = _lib.model_from_json(self.json)
        return self.p

    def __exit__(self, *exc):
        _lib.model_free(self.p)


class _Predictive:
    """The posterior predictive distribution of the library's for the
    model of a fitted estimator, for a with statement."""

    def __init__(self, state):
        self.json = state["json"]

    def __enter__(self):
        err = _lib.Error()
        with _Model({"json": self.json}) as mp:
            self.p = _lib.predictive_alloc(mp, ctypes.byref(err))
        if not self.p:
            _lib.raise_error(err)
        return self.p

    def __exit__(self, *exc):
        _lib.predictive_free(self.p)


def _model_weights(mp, k):
    """The K weights E[pi_k] of the model MP, all in one call."""
    weights = np.empty(k)
    _lib.model_weights(mp, _ptr(weights))
    return weights


def _model_state(mp):
    """Copies of the arrays of the C model MP, as a dict."""
    m = mp.contents
    k, d, t = m.k, m.d, m.iterations
    state = {}
    for name, shape in _lib.MODEL_ARRAYS.items():
        shp = shape(k, d, t)
        src = getattr(m, name)
        state[name] = np.ctypeslib.as_array(src, shape=shp).copy()
    state["iterations"] = t
    state["converged"] = m.converged
    state["decreases"] = m.decreases
    state["seed"] = m.seed
    form = _lib.covariance_name(m.covariance).decode()
    weights = _lib.weights_name(m.weights).decode()
    state["covariance"] = form
    state["weights"] = {v.decode(): n for n, v in _WEIGHTS.items()}[weights]
    state["json"] = _lib.model_to_json(mp)
    # The library fits each column in units of a power of two near its
    # spread (model.json's "units"): the means and precisions back in
    # the data's units, exactly (inf or 0 beyond the range of doubles).
    units = json.loads(state["json"].decode("utf-8")).get("units")
    u = np.zeros(d, dtype=np.int64)
    if units is not None:
        u = np.array(units, dtype=np.int64)
        state["m"] = np.ldexp(state["m"], u)
        state["W"] = np.ldexp(state["W"], -(u[:, None] + u[None, :]))
        state["shift"] = np.ldexp(state["shift"], u)
    # The prior of the fit, in the data's units too.
    state["prior"] = None
    if m.prior:
        p = m.prior.contents
        W0 = np.ldexp(np.ctypeslib.as_array(p.W0, shape=(d, d)),
                      -(u[:, None] + u[None, :]))
        state["prior"] = dict(
            alpha0=p.alpha0, gamma0=p.gamma0, beta0=p.beta0, nu0=p.nu0,
            m0=np.ldexp(np.ctypeslib.as_array(p.m0, shape=(d,)), u),
            W0=W0)
    return state


def _covariance_prior_of(prior, form):
    """The covariance_prior of a fit's PRIOR (its W0 inverted), shaped
    as the parameter is for FORM."""
    cov = np.linalg.inv(prior["W0"])
    if form == "diag":
        return np.diag(cov).copy()
    if form == "spherical":
        return float(cov[0, 0])
    return cov


def _flag(v, name, auto=False):
    """A bool parameter (also 0 or 1; 'auto' where AUTO): ValueError
    for anything else, which the truth of a string would hide."""
    if auto and isinstance(v, str) and v == "auto":
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, numbers.Integral) and v in (0, 1):
        return bool(v)
    raise ValueError("%s must be %sTrue or False, got %r"
                     % (name, "'auto', " if auto else "", v))


def _count(v, name, least, most=2 ** 63 - 1):
    """An integer parameter from LEAST to MOST (what the library's
    integers hold; ctypes would cut a larger one silently)."""
    if not isinstance(v, numbers.Integral) or isinstance(v, bool) \
            or v < least:
        raise ValueError("%s must be an integer >= %d, got %r"
                         % (name, least, v))
    if v > most:
        raise ValueError("%s must be at most %d, got %r" % (name, most, v))
    return int(v)


class BayesianGaussianMixture(DensityMixin, BaseEstimator):
    """Variational Bayesian estimation of a Gaussian mixture, by libvbgmm.

    A drop-in replacement for scikit-learn's
    ``sklearn.mixture.BayesianGaussianMixture`` over the C library of
    vbgmm (Bishop, PRML 10.2): the same constructor parameters with the
    same meanings, except where said below, and the same methods and
    fitted attributes.  The fit runs in C with the GIL released.

    Data: ``X`` is passed to the library as a pointer to the array's
    memory when it is a C-ordered float64 array; any other dtype or
    order is converted once to one (a copy).  Every value must be
    finite: a NaN or an infinity is a ``ValueError`` that names its
    row and column (numbered from 0).

    Parameters
    ----------
    n_components : int, default=1
        Number of components, an upper bound: the ones the data do not
        need empty out.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        The form of each component's precision (``vbgmm --covariance``):
        its own full matrix, one full matrix shared by all, a diagonal,
        or a multiple of the identity.  Where scikit-learn approximates,
        vbgmm's bound and updates are exact, so its numbers differ
        there: 'spherical' has one Gamma precision for the D
        coordinates, whose degrees of freedom grow by D N_k (not N_k);
        'tied' shares one Wishart, whose degrees of freedom grow by N
        (not N / K); 'diag' and 'spherical' take E[ln lambda] of a
        Gamma, not of a Wishart.  'full' is scikit-learn's model.
    tol : float, default=1e-10
        Unlike scikit-learn's (absolute), vbgmm's tolerance is relative:
        the fit stops when the bound grows by less than ``tol * |L|``
        from one iteration to the next.  0 runs exactly ``max_iter``
        iterations.
    reg_covar : float, default=1e-6
        Accepted for scikit-learn's sake (a number >= 0) and not used:
        the Wishart prior keeps every precision positive definite, and
        a term added to the covariances would change the bound.
    max_iter : int, default=100
        Iteration limit.
    n_init : int, default=1
        Number of starts, from the seeds s, s + 1, ..., s + n_init - 1
        (s from ``random_state``); the fit with the highest final bound
        is kept (``vbgmm --n-init``).
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, \
default='kmeans'
        The start.  'kmeans' (``--init=kmeans``): k-means from greedy
        k-means++ seeds, then the M-step of the one-hot responsibilities of its
        labels, as scikit-learn; 'random': the M-step of random
        responsibilities drawn from ``random_state``, as scikit-learn
        (with ``n_init`` = 1 only).  'k-means++' and 'random_from_data'
        (``--init=kmeans++``, ``--init=random``) choose initial means by
        k-means++ seeding or as ``n_components`` distinct data points,
        and start from vbgmm's start state: every component holds N/K
        points, W_k = W0, m_k the initial means.
    weight_concentration_prior_type : {'dirichlet_process', \
'dirichlet_distribution'}, default='dirichlet_process'
        The prior of the weights: truncated stick-breaking
        (``--weights=dp``), or a symmetric Dirichlet distribution
        (``--weights=dirichlet``, the command line's default).  vbgmm's
        stick-breaking truncates the last stick (v_K = 1), where
        scikit-learn gives it a Beta factor too: the two differ a
        little in the last component.
    weight_concentration_prior : float or None, default=None
        gamma0 of the stick-breaking or alpha0 of the Dirichlet, > 0;
        None: ``1 / n_components``.
    mean_precision_prior : float or None, default=None
        beta0, > 0; None: 1.
    mean_prior : array of shape (n_features,) or None, default=None
        m0; None: the mean of X.
    degrees_of_freedom_prior : float or None, default=None
        nu0, > n_features - 1 ('full', 'tied') or > 0; None: n_features,
        as scikit-learn (the command line's default is 1 for 'diag' and
        'spherical').
    covariance_prior : float or array or None, default=None
        The inverse of the scale W0, positive definite: of shape
        (n_features, n_features) for 'full' and 'tied', (n_features,)
        for 'diag', a number for 'spherical'.  None: the sample
        covariance of X (N - 1 denominator), its diagonal, or its mean
        variance, as scikit-learn and ``vbgmm --W0=cov``.  When that is
        singular a ridge is added to its diagonal, with a warning.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation; an int is the command line's
        ``--seed``, so the same int and data give the command line's fit.
    warm_start : bool, default=False
        When the estimator is fitted, the next ``fit`` starts from its
        fitted posterior (``vbgmm --init-model``), with one start;
        n_components, covariance_type and
        weight_concentration_prior_type must be those of the fit
        (ValueError otherwise).
    verbose : int, default=0
        1: a line at the end of the fit; 2: also the bound every
        ``verbose_interval`` iterations (on standard output).
    verbose_interval : int, default=10
    means_init : array of shape (n_components, n_features) or None
        vbgmm's own (as scikit-learn's GaussianMixture has it): the
        initial means, instead of ``init_params``
        (``vbgmm --init-means``).
    labels_init : array of shape (n_samples,) or None, default=None
        vbgmm's own: start from the M-step of these hard labels of the
        points of X, integers from 0 to n_components - 1, instead of
        ``init_params`` (``vbgmm --init-labels``).
    accelerate : bool or 'auto', default='auto'
        vbgmm's own: extrapolated steps (SQUAREM), each kept only when
        the bound rises (``vbgmm --accelerate=yes``); False: the plain
        updates; 'auto': True unless the statistics the steps keep
        would pass 32 MB (``vbgmm --accelerate=auto``).
    delete_moves : bool, default=False
        vbgmm's own: delete moves, each kept only when the bound rises:
        a component whose weight is falling is emptied at once
        (``vbgmm --delete=yes``): fewer iterations, and often a higher
        bound with fewer components.
    n_jobs : int or None, default=None
        vbgmm's own: threads of the fit and the predictions.  None: 1;
        -1: all processors; -2: all but one, and so on.

    Attributes
    ----------
    Shaped as scikit-learn's for each covariance_type (K components,
    D features): the precisions and covariances are (K, D, D) for
    'full', (D, D) for 'tied', (K, D) for 'diag', (K,) for 'spherical'.

    weights_ : array (K,)
        E[pi_k]: alpha_k / sum alpha (Dirichlet); for the stick-breaking
        E[v_k] prod_{j<k} E[1 - v_j], with v_K = 1, so they sum to 1.
    means_ : array (K, D)
        m_k.
    covariances_ : the inverse of ``precisions_``
    precisions_ : nu_k W_k, the expected precision (diag: its diagonal,
        spherical: the one number of each component)
    precisions_cholesky_ : as scikit-learn's: U with ``precisions_ =
        U U'`` (upper triangular; diag and spherical: the square root)
    weight_concentration_ : array (K,) or tuple of two arrays (K,)
        alpha (Dirichlet), or the pair (a, b) of the Beta factors
        q(v_k) = Beta(a_k, b_k) of the sticks (stick-breaking).  The
        last stick is truncated, v_K = 1: a_K = 1, b_K = 0.
    mean_precision_ : array (K,)
        beta_k.
    degrees_of_freedom_ : array (K,), or a float for 'tied'
        nu_k (tied: the one nu, which grows by N, not by N / K as
        scikit-learn's; spherical: nu0 + D N_k, not nu0 + N_k).
    weight_concentration_prior_, mean_precision_prior_ : float
        gamma0 or alpha0, and beta0, of the fit's prior.
    mean_prior_ : array (D,)
        m0, in the data's units.
    degrees_of_freedom_prior_ : float
        nu0.
    covariance_prior_ : the inverse of the fit's W0, shaped as the
        parameter ``covariance_prior`` is for the form.
    converged_, n_iter_ : whether the tolerance was met; iterations run
    lower_bound_ : the bound after the last iteration.  It is the full
        variational lower bound of PRML 10.70-10.77 with every constant
        term, so it differs from scikit-learn's, which leaves out the
        terms that do not change during a fit.
    lower_bounds_ : vbgmm's own: the bound after every iteration (a model
        read by ``vbgmm.load`` holds only the last one; NaN before it).
    n_features_in_ : number of features seen in fit.

    ``save(path)`` writes the fitted model as model.json, the file the
    command line writes and reads; ``vbgmm.load(path)`` reads one.
    Pickling keeps the model.json text.
    """

    def __init__(self, *, n_components=1, covariance_type="full", tol=1e-10,
                 reg_covar=1e-6, max_iter=100, n_init=1, init_params="kmeans",
                 weight_concentration_prior_type="dirichlet_process",
                 weight_concentration_prior=None, mean_precision_prior=None,
                 mean_prior=None, degrees_of_freedom_prior=None,
                 covariance_prior=None, random_state=None, warm_start=False,
                 verbose=0, verbose_interval=10, means_init=None,
                 labels_init=None, accelerate="auto", delete_moves=False,
                 n_jobs=None):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weight_concentration_prior_type = weight_concentration_prior_type
        self.weight_concentration_prior = weight_concentration_prior
        self.mean_precision_prior = mean_precision_prior
        self.mean_prior = mean_prior
        self.degrees_of_freedom_prior = degrees_of_freedom_prior
        self.covariance_prior = covariance_prior
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.means_init = means_init
        self.labels_init = labels_init
        self.accelerate = accelerate
        self.delete_moves = delete_moves
        self.n_jobs = n_jobs

    # ---- parameters ----------------------------------------------------
    def _threads(self):
        n = self.n_jobs
        if n is None:
            return 1
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) \
                or n == 0 or not -2 ** 31 < n < 2 ** 31:
            raise ValueError("n_jobs must be a non-zero integer or None, "
                             "got %r" % (n,))
        if n > 0:
            return int(n)
        return max(1, (os.cpu_count() or 1) + 1 + int(n))

    def _seed(self):
        rs = self.random_state
        if rs is None or rs is np.random:
            return int(np.random.mtrand._rand.randint(np.iinfo(np.int32).max))
        if isinstance(rs, numbers.Integral):
            if rs < 0 or rs >= 2 ** 64:
                raise ValueError("random_state must be an integer in "
                                 "[0, 2**64), got %r" % (rs,))
            return int(rs)
        if isinstance(rs, np.random.RandomState):
            return int(rs.randint(np.iinfo(np.int32).max))
        raise ValueError("random_state must be None, an int or a "
                         "numpy.random.RandomState, got %r" % (rs,))

    def _check_parameters(self, d):
        _count(self.n_components, "n_components", 1)
        if self.covariance_type not in _COVARIANCE:
            raise ValueError("covariance_type must be one of %s, got %r"
                             % (", ".join(map(repr, _COVARIANCE)),
                                self.covariance_type))
        if self.weight_concentration_prior_type not in _WEIGHTS:
            raise ValueError("weight_concentration_prior_type must be one "
                             "of %s, got %r"
                             % (", ".join(map(repr, _WEIGHTS)),
                                self.weight_concentration_prior_type))
        _count(self.max_iter, "max_iter", 1)
        if not isinstance(self.tol, numbers.Real) or not (
                0 <= self.tol < float("inf")):
            raise ValueError("tol must be a finite number >= 0, got %r"
                             % (self.tol,))
        _count(self.n_init, "n_init", 1)
        if not isinstance(self.reg_covar, numbers.Real) or isinstance(
                self.reg_covar, bool) or not 0 <= self.reg_covar < float(
                    "inf"):
            raise ValueError("reg_covar must be a finite number >= 0, got %r"
                             % (self.reg_covar,))
        _flag(self.accelerate, "accelerate", auto=True)
        _flag(self.delete_moves, "delete_moves")
        _flag(self.warm_start, "warm_start")
        _count(self.verbose, "verbose", 0)
        _count(self.verbose_interval, "verbose_interval", 1)
        self._threads()
        if self.means_init is not None and self.labels_init is not None:
            raise ValueError("means_init and labels_init exclude each other")
        if self.means_init is None and self.labels_init is None:
            if self.init_params not in _INIT:
                raise ValueError("init_params must be one of %s, got %r"
                                 % (", ".join(map(repr, _INIT)),
                                    self.init_params))
            if self.init_params == "random" and self.n_init != 1:
                raise ValueError("init_params='random' draws one set of "
                                 "responsibilities: n_init must be 1")

    def _prior(self, data, X):
        """A vbgmm_prior (the library's; the caller frees it) from the
        parameters, with scikit-learn's defaults where they are None."""
        k = self.n_components
        d = X.shape[1]
        err = _lib.Error()
        prior = _lib.prior_alloc(d)
        if not prior:
            raise MemoryError("out of memory")
        try:
            p = prior.contents
            form = self.covariance_type
            p.covariance = _lib.covariance_lookup(_COVARIANCE[form])
            p.weights = _lib.weights_lookup(
                _WEIGHTS[self.weight_concentration_prior_type])
            wcp = self.weight_concentration_prior
            wcp = 1.0 / k if wcp is None else _real(
                wcp, "weight_concentration_prior")
            if self.weight_concentration_prior_type == "dirichlet_process":
                p.gamma0 = wcp
            else:
                p.alpha0 = wcp
            mpp = self.mean_precision_prior
            p.beta0 = 1.0 if mpp is None else _real(mpp,
                                                    "mean_precision_prior")
            dof = self.degrees_of_freedom_prior
            p.nu0 = float(d) if dof is None else _real(
                dof, "degrees_of_freedom_prior")
            mean = np.empty(d)
            need_cov = self.covariance_prior is None
            # The diagonal forms take the variances alone: D numbers,
            # not a D x D covariance.
            diagonal = need_cov and form in ("diag", "spherical")
            cov = np.empty(d if diagonal else (d, d))
            if need_cov and X.shape[0] < 2:
                raise ValueError("n_samples = %d: the default "
                                 "covariance_prior, the sample covariance, "
                                 "needs at least 2 samples" % X.shape[0])
            if diagonal:
                failed = _lib.data_variances(data, None, None, _ptr(mean),
                                             _ptr(cov), ctypes.byref(err))
            else:
                failed = _lib.data_moments(data, None, _ptr(mean),
                                           _ptr(cov) if need_cov else None,
                                           ctypes.byref(err))
            if failed:
                _lib.raise_error(err)
            m0 = mean if self.mean_prior is None else _vector(
                self.mean_prior, d, "mean_prior")
            ctypes.memmove(p.m0, _ptr(m0), d * 8)
            ridge = ctypes.c_double(0)
            if not need_cov:
                cov = _covariance_prior(self.covariance_prior, form, d)
            elif form == "spherical":
                cov = np.full(d, np.sum(cov) / d)
            set_W0 = (_lib.prior_set_W0_inverse_diagonal if diagonal
                      else _lib.prior_set_W0_inverse)
            failed = set_W0(prior, _ptr(cov), ctypes.byref(ridge),
                            ctypes.byref(err))
            if not need_cov and (failed or ridge.value > 0):
                raise ValueError("covariance_prior is not positive definite")
            if failed:
                _lib.raise_error(err)
            if ridge.value > 0:
                warnings.warn("the sample covariance is singular; W0 is the "
                              "inverse of it with %g of each variance added "
                              "to the diagonal" % ridge.value)
            why = _lib.prior_check(prior)
            if why:
                why = why.decode()
                raise ValueError("%s: %s" % (_PRIOR_NAMES.get(
                    why.split()[0], "prior"), why))
        except BaseException:
            _lib.prior_free(prior)
            raise
        return prior

    def _validate(self, X):
        """X for the fitted model: the points, as its features."""
        if hasattr(self, "_check_feature_names"):
            self._check_feature_names(X, reset=False)
        X = _as_points(X)
        d = self._state["m"].shape[1]
        if X.shape[1] != d:
            raise ValueError("X has %d features, but %s is expecting %d "
                             "features as input." % (
                                 X.shape[1], type(self).__name__, d))
        return X

    # ---- fit ----------------------------------------------------------
    def fit(self, X, y=None):
        """Fit the mixture to X (n_samples, n_features); returns self."""
        self._fit(X)
        return self

    def fit_predict(self, X, y=None):
        """Fit, then the most likely component of every point of X."""
        X = self._fit(X)
        return self._proba(X).argmax(axis=1)

    def _fit(self, X):
        # Nothing of the estimator changes until the fit has succeeded:
        # a fit that fails leaves the model it had, whole.
        given = X
        X = _as_points(X)
        n, d = X.shape
        self._check_parameters(d)
        k = self.n_components
        if n < k and self.means_init is None and self.labels_init is None:
            raise ValueError("Expected n_samples >= n_components but got "
                             "n_components = %d, n_samples = %d" % (k, n))
        threads = self._threads()
        seed = self._seed()
        with _Data(X) as data:
            state, weights = self._fit_data(X, data, k, d, threads, seed)
        self._set_fitted(state, weights)
        self.n_features_in_ = d
        if hasattr(self, "_check_feature_names"):
            self._check_feature_names(given, reset=True)
        if not self.converged_ and self.tol > 0:
            warnings.warn("the fit did not converge in %d iterations; "
                          "increase max_iter or tol" % self.n_iter_,
                          ConvergenceWarning)
        if self.verbose >= 1:
            print("vbgmm: %d iterations (%s), lower bound %.17g"
                  % (self.n_iter_, "converged" if self.converged_
                     else "not converged", self.lower_bound_))
        return X

    def _fit_data(self, X, data, k, d, threads, seed):
        opt = _lib.Options()
        _lib.options_default(ctypes.byref(opt))
        opt.k = k
        opt.seed = seed
        opt.max_iter = self.max_iter
        opt.tol = self.tol
        opt.threads = threads
        opt.n_init = self.n_init
        accelerate = _flag(self.accelerate, "accelerate", auto=True)
        opt.accelerate = (-1 if accelerate == "auto"
                          else 1 if accelerate else 0)
        opt.delete_moves = 1 if _flag(self.delete_moves,
                                      "delete_moves") else 0
        warm = None
        if _flag(self.warm_start, "warm_start") and hasattr(self, "_state"):
            fitted = self._state["m"].shape[0]
            if fitted != k:
                raise ValueError("warm_start: the fitted model has %d "
                                 "components, n_components is %d"
                                 % (fitted, k))
            for name, key in (("covariance_type", "covariance"),
                              ("weight_concentration_prior_type",
                               "weights")):
                if self._state[key] != getattr(self, name):
                    raise ValueError("warm_start: the fitted model has "
                                     "%s=%r, the estimator %r"
                                     % (name, self._state[key],
                                        getattr(self, name)))
            warm = _Model(self._state)
            opt.init = _lib.INIT_MODEL
            opt.init_model = ctypes.cast(warm.__enter__(), ctypes.c_void_p)
            opt.n_init = 1
        elif self.means_init is not None:
            means = _matrix(self.means_init, (k, d), "means_init")
            opt.init = _lib.INIT_MEANS
            opt.init_means = _ptr(means)
        elif self.labels_init is not None:
            labels = _labels(self.labels_init, X.shape[0])
            opt.init = _lib.INIT_LABELS
            opt.init_labels = labels.ctypes.data_as(
                ctypes.POINTER(ctypes.c_size_t))
        else:
            opt.init = _INIT[self.init_params]
            if opt.init == _lib.INIT_RESP:
                # as scikit-learn's init_params='random'
                resp = np.random.RandomState(seed % 2 ** 32).uniform(
                    size=(X.shape[0], k))
                resp /= resp.sum(axis=1)[:, np.newaxis]
                opt.init_resp = _ptr(resp)
        if self.verbose >= 2:
            interval = max(1, int(self.verbose_interval))

            def progress(t, bound, arg):
                if t % interval == 0:
                    print("  Iteration %d\t lower bound %.17g" % (t, bound))
                    sys.stdout.flush()
            opt.progress = _lib.PROGRESS(progress)
        err = _lib.Error()
        try:
            prior = self._prior(data, X)
            try:
                mp = _lib.fit(data, prior, ctypes.byref(opt),
                              ctypes.byref(err))
            finally:
                _lib.prior_free(prior)
        finally:
            if warm is not None:
                warm.__exit__()
        if not mp:
            _lib.raise_error(err)
        try:
            state = _model_state(mp)
            weights = _model_weights(mp, k)
        finally:
            _lib.model_free(mp)
        state["accelerate"] = accelerate
        return state, weights

    def _set_fitted(self, state, weights):
        """The fitted attributes of STATE, all computed before any is
        set (ValueError, and the estimator unchanged, where the
        precisions cannot be factorised)."""
        t = state["iterations"]
        nu = state["nu"]
        W = state["W"]
        form = state["covariance"]
        fitted = {"weights_": weights, "means_": state["m"].copy()}
        if state["weights"] == "dirichlet_process":
            # The last stick is truncated, v_K = 1: the point mass that
            # Beta(1, 0) stands for (as a model read from a file holds).
            a, b = state["alpha"].copy(), state["b"].copy()
            a[-1], b[-1] = 1.0, 0.0
            fitted["weight_concentration_"] = (a, b)
        else:
            fitted["weight_concentration_"] = state["alpha"].copy()
        fitted["mean_precision_"] = state["beta"].copy()
        # The library keeps every form's E[Lambda_k] = nu_k W_k as a
        # D x D matrix; scikit-learn's attributes are shaped by form.
        P = W * nu[:, None, None]
        if form in ("full", "tied"):
            if form == "tied":
                P = P[0]
                fitted["degrees_of_freedom_"] = float(nu[0])
            else:
                fitted["degrees_of_freedom_"] = nu.copy()
            # As scikit-learn's: U upper triangular with P = U U'.  It
            # is the Cholesky factor of P in reversed coordinates, read
            # back: no inverse is taken before the factorisation, which
            # keeps a P of condition 1e12 (N < D, the ridge) factorable
            # and U U' equal to P to rounding.
            try:
                U = np.linalg.cholesky(P[..., ::-1, ::-1])[..., ::-1, ::-1]
            except np.linalg.LinAlgError:
                raise ValueError("the fitted precisions are not positive "
                                 "definite in double precision; scale the "
                                 "data or give a larger covariance_prior")
            U = np.ascontiguousarray(U)
            Ui = np.linalg.inv(U)
            fitted["precisions_"] = P
            fitted["precisions_cholesky_"] = U
            fitted["covariances_"] = np.swapaxes(Ui, -1, -2) @ Ui
        else:
            fitted["degrees_of_freedom_"] = nu.copy()
            diag = np.diagonal(P, axis1=1, axis2=2)
            prec = diag.copy() if form == "diag" else diag[:, 0].copy()
            fitted["precisions_"] = prec
            fitted["covariances_"] = 1 / prec
            fitted["precisions_cholesky_"] = np.sqrt(prec)
        prior = state.get("prior")
        if prior is not None:
            fitted["weight_concentration_prior_"] = float(
                prior["gamma0"] if state["weights"] == "dirichlet_process"
                else prior["alpha0"])
            fitted["mean_precision_prior_"] = float(prior["beta0"])
            fitted["mean_prior_"] = prior["m0"].copy()
            fitted["degrees_of_freedom_prior_"] = float(prior["nu0"])
            fitted["covariance_prior_"] = _covariance_prior_of(prior, form)
        fitted["converged_"] = bool(state["converged"])
        fitted["n_iter_"] = int(t)
        fitted["lower_bounds_"] = state["bound"][:t].copy()
        fitted["lower_bound_"] = float(fitted["lower_bounds_"][-1])
        self._state = state
        for name, value in fitted.items():
            setattr(self, name, value)

    # ---- predictions ---------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "_state"):
            raise NotFittedError("This %s instance is not fitted yet. Call "
                                 "'fit' with appropriate arguments before "
                                 "using this estimator."
                                 % type(self).__name__)

    def _proba(self, X):
        n = X.shape[0]
        k = self.n_components if not hasattr(self, "_state") else \
            self._state["m"].shape[0]
        out = np.empty((n, k))
        base = out.ctypes.data
        pos = [0]
        rowbytes = k * 8

        def sink(r, rows, kk, arg):
            if pos[0] + rows > n or kk != k:
                return 1
            ctypes.memmove(base + pos[0] * rowbytes, r, rows * rowbytes)
            pos[0] += rows
            return 0
        err = _lib.Error()
        with _Model(self._state) as model, _Data(X) as data:
            if _lib.responsibilities(model, data, self._threads(),
                                     _lib.SINK(sink), None,
                                     ctypes.byref(err)):
                _lib.raise_error(err)
        if pos[0] != n:
            raise RuntimeError("libvbgmm returned %d rows of %d"
                               % (pos[0], n))
        return out

    def predict_proba(self, X):
        """Responsibilities r_nk: the posterior probability that each
        point of X belongs to each component (rows sum to 1)."""
        self._check_fitted()
        return self._proba(self._validate(X))

    def predict(self, X):
        """The most likely component of every point of X."""
        return self.predict_proba(X).argmax(axis=1)

    def _predictive(self):
        """The library's posterior predictive distribution of the fitted
        model, for a with statement."""
        return _Predictive(self._state)

    def score_samples(self, X):
        """ln p(x | training data) of every point of X: the log of the
        posterior predictive density (PRML 10.81), a mixture of
        Student-t distributions St(x | m_k, L_k, nu_k + 1 - D) with the
        weights ``weights_`` (``vbgmm-predict``'s density.csv).

        scikit-learn's ``score_samples`` is the density of a mixture of
        Gaussians at the posterior's point estimates (``means_``,
        ``covariances_``); vbgmm's integrates over the posterior of the
        means and precisions, so its tails are heavier, markedly so
        for components that hold few points."""
        self._check_fitted()
        X = self._validate(X)
        n = X.shape[0]
        out = np.empty(n)
        err = _lib.Error()
        with self._predictive() as pred:
            if _lib.predictive_ln_density(pred, _ptr(X), n, self._threads(),
                                          _ptr(out), ctypes.byref(err)):
                _lib.raise_error(err)
        return out

    def score(self, X, y=None):
        """The mean of ``score_samples(X)``: the average log predictive
        density of the points of X."""
        return float(np.mean(self.score_samples(X)))

    def sample(self, n_samples=1):
        """Draw ``n_samples`` points from the posterior predictive
        distribution (the mixture of Student-t of ``score_samples``).

        Returns ``(X, y)``: the points, shape (n_samples, n_features),
        and the component each was drawn from, shape (n_samples,).
        The draws come from ``random_state`` (an int: the seed of
        ``vbgmm-sample -s``, which then draws the same points); unlike
        scikit-learn's, they are in the order drawn, not grouped by
        component, and follow the Student-t predictive rather than
        Gaussians at the point estimates."""
        self._check_fitted()
        if not isinstance(n_samples, numbers.Integral) or \
                isinstance(n_samples, bool) or n_samples < 1:
            raise ValueError("Invalid value for 'n_samples': %r . The "
                             "sampling requires at least one sample."
                             % (n_samples,))
        n = int(n_samples)
        d = self._state["m"].shape[1]
        X = np.empty((n, d))
        labels = np.empty(n, dtype=np.uintp)
        err = _lib.Error()
        seed = self._seed()
        with self._predictive() as pred:
            if _lib.predictive_sample_labels(
                    pred, seed, n, _ptr(X),
                    labels.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t)),
                    ctypes.byref(err)):
                _lib.raise_error(err)
        return X, labels.astype(np.intp)

    def save(self, path):
        """Write the fitted model to PATH as model.json, the file of
        ``vbgmm``'s fits and of ``vbgmm-predict`` (``vbgmm.load``
        reads it back).  The ``accelerate`` parameter of the fit goes
        with it in a member ``"estimator"`` of its own, which the
        command-line programs pass over.  OSError when it cannot be
        written."""
        self._check_fitted()
        err = _lib.Error()
        with _Model(self._state) as mp:
            if _lib.model_save(os.fsencode(path), mp, ctypes.byref(err)):
                _lib.raise_error(err, os.fsdecode(path))
        # model.json keeps whether the fit took the steps, a bool: the
        # parameter itself ('auto' among them) goes in a member of its
        # own, which the library's reader passes over.
        accelerate = self._state.get("accelerate")
        if accelerate is not None:
            with open(path, "r+b") as f:
                text = f.read().rstrip()
                if not text.endswith(b"}"):
                    raise ValueError("%s: not as the library wrote it"
                                     % os.fsdecode(path))
                f.seek(len(text) - 1)
                f.write(b',\n  "estimator": {\n    "accelerate": %s\n  }\n}\n'
                        % json.dumps(accelerate).encode("ascii"))
                f.truncate()

    def _more_tags(self):
        return {"allow_nan": False}


def load(path):
    """A fitted BayesianGaussianMixture from a model.json file, as
    ``vbgmm`` writes it on the command line or ``save`` does.  Its
    parameters are those the model was fitted with (covariance_prior:
    the inverse of its W0; accelerate: as ``save`` wrote it, 'auto'
    among them, or in a file of ``vbgmm``'s whether the fit took the
    extrapolated steps); ``lower_bounds_`` holds the final bound
    alone (NaN before it).  OSError when PATH cannot be read,
    ValueError when it is not a model.json, naming the field."""
    err = _lib.Error()
    mp = _lib.model_load(os.fsencode(path), ctypes.byref(err))
    if not mp:
        _lib.raise_error(err, os.fsdecode(path))
    try:
        m = mp.contents
        k, d = m.k, m.d
        state = _model_state(mp)
        weights = _model_weights(mp, k)
        init = {v: name for name, v in _INIT.items()}.get(m.init, "kmeans")
        # A file of vbgmm's has none: saved again, it stays the same.
        state["accelerate"] = _saved_accelerate(path)
        accelerate = state["accelerate"]
        if accelerate is None:
            accelerate = bool(m.accelerate)
        params = dict(n_components=k, covariance_type=state["covariance"],
                      weight_concentration_prior_type=state["weights"],
                      tol=m.tol, max_iter=m.max_iter,
                      n_init=m.n_init, accelerate=accelerate,
                      delete_moves=bool(m.delete_moves),
                      init_params=init, random_state=m.seed)
        prior = state["prior"]
        if prior is not None:
            params.update(
                weight_concentration_prior=(
                    prior["gamma0"]
                    if state["weights"] == "dirichlet_process"
                    else prior["alpha0"]),
                mean_precision_prior=prior["beta0"],
                degrees_of_freedom_prior=prior["nu0"],
                mean_prior=prior["m0"].copy(),
                covariance_prior=_covariance_prior_of(
                    prior, state["covariance"]))
    finally:
        _lib.model_free(mp)
    g = BayesianGaussianMixture(**params)
    g._set_fitted(state, weights)
    g.n_features_in_ = d
    return g


def _saved_accelerate(path):
    """The accelerate parameter that ``save`` wrote to model.json PATH
    ('auto', True or False), or None in a file without it (one of
    ``vbgmm``'s)."""
    with open(path, "rb") as f:
        saved = json.loads(f.read()).get("estimator", {})
    if not isinstance(saved, dict) or "accelerate" not in saved:
        return None
    v = saved["accelerate"]
    if v != "auto" and not isinstance(v, bool):
        raise ValueError("%s: field 'estimator.accelerate': expected "
                         "\"auto\", true or false" % os.fsdecode(path))
    return v


def _real(v, name):
    if not isinstance(v, numbers.Real) or isinstance(v, bool):
        raise ValueError("%s must be a number, got %r" % (name, v))
    return float(v)


def _covariance_prior(v, form, d):
    """The covariance_prior of FORM as a D x D matrix."""
    name = "covariance_prior"
    if form == "spherical":
        return np.eye(d) * _real(v, name)
    if form == "diag":
        return np.diag(_vector(v, d, name))
    a = _matrix(v, d, name)
    # As scikit-learn's check: symmetric to its tolerance, then made
    # exactly so (the library reads one triangle).
    if not np.allclose(a, a.T):
        raise ValueError("covariance_prior must be symmetric")
    return (a + a.T) / 2


def _labels(v, n):
    a = np.asarray(v)
    if a.shape != (n,):
        raise ValueError("labels_init must have shape (%d,), got %s"
                         % (n, a.shape))
    if a.dtype.kind not in "iu" or (a.size and a.min() < 0):
        raise ValueError("labels_init must hold integers >= 0")
    return np.ascontiguousarray(a, dtype=np.uintp)


def _vector(v, d, name):
    a = np.ascontiguousarray(v, dtype=np.float64)
    if a.shape != (d,):
        raise ValueError("%s must have shape (%d,), got %s"
                         % (name, d, a.shape))
    if not np.isfinite(a).all():
        raise ValueError("%s must be finite" % name)
    return a


def _matrix(v, shape, name):
    if isinstance(shape, numbers.Integral):
        shape = (shape, shape)
    a = np.ascontiguousarray(v, dtype=np.float64)
    if a.shape != tuple(shape):
        raise ValueError("%s must have shape %s, got %s"
                         % (name, tuple(shape), a.shape))
    if not np.isfinite(a).all():
        raise ValueError("%s must be finite" % name)
    return a
