"""Line-of-sight geometry for the pass search of :mod:`gstk.contacts`.

Between two grid samples the Earth-fixed line of sight from a station is a cubic Hermite
arc in tau in [0, 1] (:class:`HermiteArcs`); :func:`bracketed_newton` finds the roots and
culminations of many such arcs at once.  Private to gstk: :mod:`gstk.contacts` is the API.

Vectors are stored component-major, shape (3, m): gathers and dot products on such rows are
several times faster than on (m, 3) arrays with fancy indexing.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: Newton on the cubic stops once the step in tau (fraction of a grid step) is below this.
TAU_TOLERANCE = 1e-9
#: Newton iterations at most, per root (bisection guarantees progress).
MAX_ITERATIONS = 40



def take3(vectors: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Return columns ``idx`` of a (3, N) array, shape (3, m)."""
    return np.take(vectors, idx, axis=1)


def dot3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the dot products of columns of two (3, m) arrays, shape (m,)."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def sin_elevation_and_rate(rho: np.ndarray, rho_rate: np.ndarray, up: np.ndarray):
    """Return sin(el) = (rho . up) / |rho| and its time derivative for line-of-sight vectors (3, m)."""
    n, n_rate = dot3(rho, up), dot3(rho_rate, up)
    d2, rd = dot3(rho, rho), dot3(rho, rho_rate)
    d = np.sqrt(d2)
    return n / d, n_rate / d - n * rd / (d2 * d)


def polyval(coef: np.ndarray, x: np.ndarray, second: bool = False):
    """Return p(x), p'(x) (and p''(x)) of many polynomials, ``coef[i]`` multiplying x**i (Horner)."""
    p, dp, ddp = coef[-1], np.zeros_like(x), np.zeros_like(x)
    for c in coef[-2::-1]:
        if second:
            ddp = ddp * x + 2 * dp
        dp = dp * x + p
        p = p * x + c
    return (p, dp, ddp) if second else (p, dp)


def polymul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the coefficients of the products of polynomials ``a`` and ``b`` (ascending, per column)."""
    out = np.zeros((len(a) + len(b) - 1, a.shape[1]))
    for i, ai in enumerate(a):
        out[i:i + len(b)] += ai * b
    return out


class HermiteArcs(NamedTuple):
    """Line of sight over one grid step as cubic Hermite arcs, tau in [0, 1].

    With rho(tau) = c0 + c1 tau + c2 tau^2 + c3 tau^3, ``n`` holds the coefficients of
    N = rho . up (degree 3) and ``e`` those of E = |rho|^2 (degree 6), so sin(el) = N / sqrt(E).
    """

    n: np.ndarray  # (4, m)
    e: np.ndarray  # (7, m)

    def take(self, idx: np.ndarray) -> HermiteArcs:
        return HermiteArcs(self.n[:, idx], self.e[:, idx])

    def sin_elevation(self, tau: np.ndarray):
        """Return sin(el) and its first and second derivatives with respect to tau."""
        n, dn, ddn = polyval(self.n, tau, second=True)
        e, de, dde = polyval(self.e, tau, second=True)
        u = 1 / np.sqrt(e)  # u = E^-1/2, u' = -E' u^3 / 2, u'' = 3 E'^2 u^5 / 4 - E'' u^3 / 2
        du, ddu = -0.5 * de * u**3, 0.75 * de**2 * u**5 - 0.5 * dde * u**3
        return n * u, dn * u + n * du, ddn * u + 2 * dn * du + n * ddu

    def mask_margin(self, tau: np.ndarray, sin_mask: np.ndarray):
        """Return N - sin(mask) sqrt(E) (same sign and roots as sin el - sin mask) and its slope."""
        n, n_rate = polyval(self.n, tau)
        e, e_rate = polyval(self.e, tau)
        d = np.sqrt(e)
        return n - sin_mask * d, n_rate - sin_mask * e_rate / (2 * d)

    def peak_tau(self) -> np.ndarray:
        """Return tau of the highest point of each arc (an end when sin el is monotone on it)."""
        order = np.arange(1, 7)[:, None]
        # H = N' E - N E' / 2 = E^1.5 d(sin el)/dtau: a degree-8 polynomial with the rate's sign.
        h = polymul(self.n[1:] * order[:3], self.e) - 0.5 * polymul(self.n, self.e[1:] * order)
        h0, h1 = h[0], h.sum(axis=0)
        turns = (h0 > 0) & (h1 < 0)
        guess = np.where(turns, h0 / np.where(turns, h0 - h1, 1.0), 0.5)
        m = len(h0)
        tau = bracketed_newton(lambda idx, x: polyval(h[:, idx], x), np.zeros(m), np.ones(m), guess,
                               np.zeros(m, bool), TAU_TOLERANCE)
        return np.where(h0 <= 0, 0.0, np.where(h1 >= 0, 1.0, tau))


def bracketed_newton(fun, lo, hi, x, increasing, tol, iterations=MAX_ITERATIONS):
    """Solve ``fun(idx, x)[0] = 0`` in [lo, hi] for many functions; bisect when Newton leaves the bracket.

    ``fun(idx, x)`` returns value and slope of functions ``idx`` at ``x``; ``increasing[i]`` says
    whether function i rises through its root.  Only unconverged functions are evaluated again.
    """
    lo, hi, x = (np.array(a, dtype=np.float64) for a in (lo, hi, x))
    active = np.arange(len(x))
    for _ in range(iterations):
        if len(active) == 0:
            break
        xa, lo_a, hi_a = x[active], lo[active], hi[active]
        value, slope = fun(active, xa)
        right = (value < 0) == increasing[active]
        lo_a, hi_a = np.where(right, xa, lo_a), np.where(right, hi_a, xa)
        step = xa - value / slope
        new = np.where((step >= lo_a) & (step <= hi_a), step, 0.5 * (lo_a + hi_a))
        lo[active], hi[active], x[active] = lo_a, hi_a, new
        active = active[np.abs(new - xa) > tol]
    return x
