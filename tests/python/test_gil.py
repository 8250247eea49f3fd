# test_gil.py -- fits and predictions release the GIL: another Python
# thread keeps running while libvbgmm works; and n_jobs reaches the
# library's threads (any count gives the same fit).
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

import threading
import time

import numpy as np

import vbgmm


def longest_pause(work):
    """Run WORK in a thread; the longest time this thread went without
    running meanwhile, and how long WORK took."""
    done = threading.Event()
    took = []

    def run():
        t0 = time.perf_counter()
        work()
        took.append(time.perf_counter() - t0)
        done.set()
    th = threading.Thread(target=run)
    last = time.perf_counter()
    pause = 0.0
    th.start()
    while not done.is_set():
        now = time.perf_counter()
        pause = max(pause, now - last)
        last = now
    th.join()
    return pause, took[0]


def data():
    rs = np.random.RandomState(5)
    centres = rs.uniform(-10, 10, size=(8, 3))
    return centres[rs.randint(8, size=300000)] + rs.normal(size=(300000, 3))


def long_enough(call, X):
    """X, doubled until one CALL(X) takes 0.1 s: a call of a few
    milliseconds would tell nothing of the GIL."""
    while len(X) < 1 << 23:
        t0 = time.perf_counter()
        call(X)
        if time.perf_counter() - t0 > 0.1:
            break
        X = np.concatenate([X, X])
    return X


def test_fit_and_predict_release_the_gil():
    g = vbgmm.BayesianGaussianMixture(n_components=8, tol=0, max_iter=40,
                                      random_state=0, n_jobs=1)
    Xf = long_enough(g.fit, data())
    Xp = long_enough(g.predict_proba, data())
    for work in (lambda: g.fit(Xf), lambda: g.predict_proba(Xp)):
        # Holding the GIL, the call would stop this thread for all of
        # its length, every time.  Released, this thread only waits for
        # the scheduler, which on a busy machine can be long once: one
        # of three tries must show it running through most of the call.
        tries = []
        for _ in range(3):
            pause, took = longest_pause(work)
            assert took > 0.05
            tries.append((pause, took))
            if pause < took / 2:
                break
        else:
            raise AssertionError(tries)


def test_threads_give_the_same_fit():
    X = data()[:50000]
    fits = [vbgmm.BayesianGaussianMixture(n_components=8, tol=0,
                                          max_iter=10, random_state=0,
                                          n_jobs=j).fit(X)
            for j in (1, 2, -1)]
    for g in fits[1:]:
        assert (g.means_ == fits[0].means_).all()
        assert (g.predict_proba(X) == fits[0].predict_proba(X)).all()
