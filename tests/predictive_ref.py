# predictive_ref.py -- ln p(x | training data) of the points of a CSV
# file under a model.json, one a line, written from PRML 10.81-10.82
# and B.68 alone: the quadratic forms in exact rationals (x / 2^units
# - m and s W as fractions of integers, whatever their size), their
# logarithms from those integers, so that points far beyond the range
# of doubles in the model's units have their finite ln p.  The
# determinant too is exact.
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.
#
# Usage: python3 predictive_ref.py MODEL.json POINTS.csv (no header)

import json
import math
import sys
from fractions import Fraction


def ln(f):
    """ln of a positive Fraction, from its integers."""
    return math.log(f.numerator) - math.log(f.denominator)


def det(a):
    """Determinant of a square matrix of Fractions, by elimination:
    exact."""
    a = [row[:] for row in a]
    n, p = len(a), Fraction(1)
    for j in range(n):
        r = next(i for i in range(j, n) if a[i][j] != 0)
        if r != j:
            a[j], a[r] = a[r], a[j]
            p = -p
        p *= a[j][j]
        for i in range(j + 1, n):
            f = a[i][j] / a[j][j]
            a[i] = [u - f * w for u, w in zip(a[i], a[j])]
    return p


def main():
    model = json.load(open(sys.argv[1]))
    d = model["D"]
    form = model["covariance"]
    units = model.get("units", [0] * d)
    jacobian = -sum(units) * math.log(2)
    comps = model["components"]
    for line in open(sys.argv[2]):
        x = [Fraction(float(v)) * Fraction(2) ** -u
             for v, u in zip(line.split(","), units)]
        terms = []
        for c in comps:
            nu = model["nu"] if form == "tied" else c["nu"]
            W = model["W"] if form == "tied" else c["W"]
            if form == "diag":
                W = [[W[i] if i == j else 0 for j in range(d)]
                     for i in range(d)]
            elif form == "spherical":
                W = [[W if i == j else 0 for j in range(d)]
                     for i in range(d)]
            v = nu + 1 - d if form in ("full", "tied") else nu
            s = v * c["beta"] / (1 + c["beta"])
            y = [xi - Fraction(mi) for xi, mi in zip(x, c["m"])]
            L = [[Fraction(s) * Fraction(w) for w in row] for row in W]
            t = math.log(c["weight"]) + jacobian
            if form == "diag":
                for i in range(d):
                    l = L[i][i]
                    t += (math.lgamma((v + 1) / 2) - math.lgamma(v / 2)
                          + 0.5 * ln(l) - 0.5 * math.log(v * math.pi)
                          - (v + 1) / 2 * ln(1 + l * y[i] * y[i] / Fraction(v)))
            else:
                q = sum(y[i] * L[i][j] * y[j] for i in range(d)
                        for j in range(d))
                ln_det = ln(det(L))
                t += (math.lgamma((v + d) / 2) - math.lgamma(v / 2)
                      + 0.5 * ln_det - 0.5 * d * math.log(v * math.pi)
                      - (v + d) / 2 * ln(1 + q / Fraction(v)))
            terms.append(t)
        mx = max(terms)
        print("%.17g" % (mx + math.log(sum(math.exp(t - mx) for t in terms))))


main()
