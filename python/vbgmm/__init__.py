# vbgmm -- variational Bayesian Gaussian mixtures for Python, over libvbgmm
#
# Copyright (C) 2026 The vbgmm developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.

"""Variational Bayesian Gaussian mixtures (Bishop, PRML 10.2) in C.

    import vbgmm
    g = vbgmm.BayesianGaussianMixture(n_components=6).fit(X)
    labels = g.predict(X)

The estimator is a drop-in replacement for scikit-learn's
``sklearn.mixture.BayesianGaussianMixture``; the fitting is done by
libvbgmm, the library of the ``vbgmm`` program, on the NumPy array's
own memory.  Set VBGMM_LIBRARY to the path of libvbgmm.so to use
another build of the library than the installed one.
"""

from ._lib import version as _version
from .mixture import BayesianGaussianMixture, load

__version__ = _version().decode()
__all__ = ["BayesianGaussianMixture", "load", "__version__"]
