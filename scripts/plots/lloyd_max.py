"""The Lloyd–Max limit: the population MSE of the optimal K-level scalar quantizer of a
unit-variance Gaussian (Max 1960), below which no fixed-rate scalar quantizer of Gaussian data
lies in expectation.

The optimum's thresholds solve Lloyd's conditions (each threshold midway between the
centroids of its two cells; for the log-concave Gaussian the solution is unique), here by
Newton's method from the Panter–Dite companding thresholds, which are already close: a few
steps instead of Lloyd's iteration's K² or so. Beyond 4096 levels the Panter–Dite value
(π√3/2) K^-2 is exact to the plot's precision."""
import functools
import math
from statistics import NormalDist

import numpy as np

_erfc = np.vectorize(math.erfc, otypes=[float])


def _pdf(x):
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _mass(a, b):
    """P(a < X < b), from the tail nearer to the cell, so tiny tail cells keep their digits."""
    right = 0.5 * (_erfc(a / math.sqrt(2)) - _erfc(b / math.sqrt(2)))
    left = 0.5 * (_erfc(-b / math.sqrt(2)) - _erfc(-a / math.sqrt(2)))
    return np.where(a >= 0, right, left)


def _cells(thresholds):
    edges = np.concatenate([[-np.inf], thresholds, [np.inf]])
    a, b = edges[:-1], edges[1:]
    mass = _mass(a, b)
    centroids = (_pdf(a) - _pdf(b)) / mass
    return a, b, mass, centroids


@functools.lru_cache(maxsize=None)
def gaussian_mse(levels):
    """E (X − Q(X))² for X ~ N(0, 1) and the optimal quantizer of `levels` levels."""
    k = int(levels)
    if k <= 1:
        return 1.0
    if k > 4096:
        return math.pi * math.sqrt(3) / 2 / k ** 2
    unit = NormalDist()
    # Companding: thresholds at the quantiles of the density's cube root, N(0, 3).
    t = math.sqrt(3) * np.array([unit.inv_cdf(i / k) for i in range(1, k)])
    for _ in range(50):
        a, b, mass, c = _cells(t)
        residual = t - 0.5 * (c[:-1] + c[1:])
        if np.max(np.abs(residual)) < 1e-13:
            break
        # d centroid / d lower edge and / d upper edge (zero at the infinite ends).
        with np.errstate(invalid="ignore"):
            da = np.where(np.isfinite(a), _pdf(a) * (c - a) / mass, 0.0)
            db = np.where(np.isfinite(b), _pdf(b) * (b - c) / mass, 0.0)
        diagonal = 1 - 0.5 * (db[:-1] + da[1:])
        lower = -0.5 * da[1:-1]  # d F_i / d t_(i-1)
        upper = -0.5 * db[1:-1]  # d F_i / d t_(i+1)
        t = t - _tridiagonal(lower, diagonal, upper, residual)
    _, _, mass, c = _cells(t)
    return 1.0 - float(np.sum(mass * c ** 2))


def _tridiagonal(lower, diagonal, upper, rhs):
    """Solves the tridiagonal system (Thomas algorithm)."""
    n = len(diagonal)
    d, r = diagonal.astype(float).copy(), rhs.astype(float).copy()
    for i in range(1, n):
        w = lower[i - 1] / d[i - 1]
        d[i] -= w * upper[i - 1]
        r[i] -= w * r[i - 1]
    x = np.empty(n)
    x[-1] = r[-1] / d[-1]
    for i in range(n - 2, -1, -1):
        x[i] = (r[i] - upper[i] * x[i + 1]) / d[i]
    return x
