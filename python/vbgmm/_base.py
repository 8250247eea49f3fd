# _base.py -- what the estimator takes from scikit-learn when it is
# installed, and the same few things without it.
#
# Copyright (C) 2026 The vbgmm developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.

"""Base classes: scikit-learn's when it is installed, else stand-ins.

With scikit-learn the estimator is a ``BaseEstimator`` and a
``DensityMixin`` (clone, pipelines, grid search work) and raises
scikit-learn's ``NotFittedError`` and ``ConvergenceWarning``.  Without
it, vbgmm needs NumPy alone and offers get_params/set_params itself.
"""

import inspect

try:
    from sklearn.base import BaseEstimator, DensityMixin
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
    HAVE_SKLEARN = True
except ImportError:
    HAVE_SKLEARN = False

    class ConvergenceWarning(UserWarning):
        """A fit stopped at max_iter before the bound converged."""

    class NotFittedError(ValueError, AttributeError):
        """A method that needs a fitted model was called before fit."""

    class DensityMixin:
        _estimator_type = "DensityEstimator"

    class BaseEstimator:
        """get_params/set_params from the constructor's keywords."""

        @classmethod
        def _get_param_names(cls):
            sig = inspect.signature(cls.__init__)
            return sorted(p.name for p in sig.parameters.values()
                          if p.name != "self" and p.kind == p.KEYWORD_ONLY)

        def get_params(self, deep=True):
            return {name: getattr(self, name)
                    for name in self._get_param_names()}

        def set_params(self, **params):
            valid = self._get_param_names()
            for key, value in params.items():
                if key not in valid:
                    raise ValueError("invalid parameter %r for estimator %s; "
                                     "valid parameters: %s"
                                     % (key, type(self).__name__,
                                        ", ".join(valid)))
                setattr(self, key, value)
            return self

        def __repr__(self):
            args = ", ".join("%s=%r" % kv for kv in self.get_params().items())
            return "%s(%s)" % (type(self).__name__, args)
