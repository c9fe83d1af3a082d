"""The chunked grid search and refinement behind :func:`gstk.contacts.compute_contacts`.

:class:`ContactSearch` propagates every satellite on the time grid chunk by chunk, brackets every
mask crossing and culmination, refines them on cubic Hermite arcs (:mod:`gstk.contacts.arcs`)
and polishes them on exact SGP4 states; it returns per-chunk :class:`Events` that
:mod:`gstk.contacts` assembles into windows.  Private to gstk: :mod:`gstk.contacts` is the API.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from sgp4.api import SGP4_ERRORS, SatrecArray

from gstk.contacts.arcs import (
    MAX_ITERATIONS,
    TAU_TOLERANCE,
    HermiteArcs,
    bracketed_newton,
    dot3,
    sin_elevation_and_rate,
    take3,
)
from gstk.errors import DecayedSatelliteWarning
from gstk.orbits import propagation as orbits
from gstk.units import SECONDS_PER_DAY

#: Exact-SGP4 Newton polishing stops once the step is below this (the contract asks for 0.1 s).
TIME_TOLERANCE_S = 1e-3
#: Culminations whose cubic value is within this of the mask (sin units, ~0.006 deg, ~30x the cubic's
#: error at the default step) are re-checked on exact SGP4 before a short pass is kept or dropped.
PEAK_CHECK = 1e-4
#: Added to the near-miss bound, in sin(elevation) (~0.006 deg): covers rounding, costs a few refinements.
NEAR_MISS_SLACK = 1e-4
_ROWS_PER_BLOCK = 512
_SCAN_SAMPLES = 500


@dataclass(frozen=True)
class Sites:
    """Station geometry as the search needs it."""

    station_id: np.ndarray
    provider: np.ndarray
    site_t: np.ndarray  # (3, S) Earth-fixed position, km
    up_t: np.ndarray  # (3, S) geodetic zenith
    sin_mask: np.ndarray  # (S,)
    to_height: np.ndarray  # (5, S): [r, |r|^2, 1] @ to_height = rho . up
    to_range2: np.ndarray  # (5, S): [r, |r|^2, 1] @ to_range2 = |rho|^2


class Events(NamedTuple):
    """Per-pair events of one chunk; ``pair = satellite * n_stations + station``, times in s."""

    root_pair: np.ndarray
    root_t: np.ndarray
    rising: np.ndarray
    max_pair: np.ndarray  # culminations and clipped-window boundary values
    max_t: np.ndarray
    max_sin: np.ndarray
    open_pair: np.ndarray  # windows open at start
    close_pair: np.ndarray  # windows open at the last valid sample
    close_t: np.ndarray


class _Chunk(NamedTuple):
    """Grid samples ``lo..lo+n-1`` of one chunk, owning events at samples/intervals ``a..b-1``.

    Items are addressed by flat indices: ``e`` into ``f`` (sample j of satellite k seen from
    station s), ``q = e // S = k * n + j`` into the columns of ``r_t``/``v_t``.
    """

    lo: int
    a: int
    b: int
    t: np.ndarray  # (n,) s since start
    r_t: np.ndarray  # (3, K n) ITRF position, km
    v_t: np.ndarray  # (3, K n) ITRF velocity, km/s
    f: np.ndarray  # (K, n, S) sin(el) - sin(mask)
    last: np.ndarray  # (K,) last valid local sample (may be < 0 or >= n)

    @property
    def n(self) -> int:
        return len(self.t)


class _Workspace:
    """Reused buffers for one chunk: fresh 8 MB arrays per chunk would cost more in page faults than math."""

    def __init__(self, rows: int, n_st: int):
        self.basis = np.empty((rows, 5))
        self.basis[:, 4] = 1.0
        self.f, self.q = np.empty((rows, n_st)), np.empty((_ROWS_PER_BLOCK, n_st))
        self.flags = [np.empty(rows * n_st, bool) for _ in range(3)]

    def flags_like(self, i: int, shape: tuple[int, ...]) -> np.ndarray:
        return self.flags[i][:int(np.prod(shape))].reshape(shape)


class ContactSearch:
    """Chunked grid search plus refinement; holds what every chunk shares."""

    def __init__(self, satrecs, ids, names, sites: Sites, start: pd.Timestamp, grid_s: np.ndarray, *,
                 exact_peaks: bool, keep_states: bool = False):
        self.satrecs, self.ids, self.names, self.sites, self.grid = satrecs, ids, names, sites, grid_s
        self.start = start
        jd, fr = orbits.julian_dates(start)
        self.jd0, self.fr0 = float(jd[0]), float(fr[0])
        self.n_sat, self.n_st = len(satrecs), len(sites.station_id)
        self.last_valid = np.full(self.n_sat, len(grid_s) - 1)  # last sample before any SGP4 error
        self.size = float(self.n_sat) * self.n_st * len(grid_s)
        self.propagations = 0  # SGP4 evaluations, grid and refinement (reported in attrs)
        self.exact_peaks = exact_peaks  # polish every culmination on exact SGP4, not only grazing ones
        self.keep_states = keep_states  # keep the grid's ITRF states (rate integrals, horizon masks reuse them)
        self._states: list[tuple[np.ndarray, np.ndarray]] = []

    def run(self, progress: bool, chunk_elements: int) -> list[Events]:
        """Search every chunk of about ``chunk_elements`` satellites x samples x stations; return their events."""
        if self.n_sat == 0 or self.n_st == 0:
            return []
        from tqdm.auto import tqdm

        sat_array = SatrecArray(self.satrecs)
        self._check_before_start(sat_array)
        n = len(self.grid)
        per_chunk = max(8, chunk_elements // (self.n_sat * self.n_st))
        work = _Workspace(self.n_sat * min(per_chunk + 2, n), self.n_st)
        bounds = [(a, min(a + per_chunk, n)) for a in range(0, n, per_chunk)]
        events = []
        for a, b in tqdm(bounds, desc="contacts", unit="chunk", disable=not progress):
            chunk = self._chunk(sat_array, a, b, work)
            if self.keep_states:  # the samples the chunk owns, (3, K, owned)
                owned = slice(a - chunk.lo, b - chunk.lo)
                self._states.append(tuple(x.reshape(3, self.n_sat, chunk.n)[:, :, owned]
                                          for x in (chunk.r_t, chunk.v_t)))
            events.append(self._chunk_events(chunk, work))
        return events

    def grid_states(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the kept grid: times (N,), ITRF positions and velocities (K, N, 3); run with ``keep_states``."""
        r, v = (np.concatenate([part[i] for part in self._states], axis=2).transpose(1, 2, 0) for i in (0, 1))
        return self.grid, r, v

    # --- grid ---------------------------------------------------------------
    def _chunk(self, sat_array: SatrecArray, a: int, b: int, work: _Workspace) -> _Chunk:
        """Propagate samples ``a-1..b`` of every satellite and evaluate the mask margin at every station."""
        lo, hi = max(a - 1, 0), min(b, len(self.grid) - 1)
        t = self.grid[lo:hi + 1]
        jd, fr = np.full(len(t), self.jd0), self.fr0 + t / SECONDS_PER_DAY
        r, v, error = orbits.teme_states_km(sat_array, jd, fr)
        self.propagations += error.size
        self._note_errors(error, lo)
        r, v = orbits.teme_to_itrf(r, jd, fr, v)
        r, v = r.reshape(-1, 3), v.reshape(-1, 3)
        f = self._mask_margin(r, work).reshape(self.n_sat, len(t), self.n_st)
        return _Chunk(lo, a, b, t, r.T.copy(), v.T.copy(), f, self.last_valid - lo)

    def _note_errors(self, error: np.ndarray, lo: int) -> None:
        """Record the first SGP4 error of each satellite and warn once about it."""
        failed = error.any(axis=1) & (self.last_valid == len(self.grid) - 1)
        for k in np.flatnonzero(failed):
            j = int(np.argmax(error[k] != 0))
            self.last_valid[k] = lo + j - 1
            self._warn_failure(k, int(error[k, j]), float(self.grid[lo + j]), stacklevel=7)

    def _check_before_start(self, sat_array: SatrecArray) -> None:
        """Drop satellites whose SGP4 fails between their epoch and ``start``.

        After a decay SGP4 may return error 0 again with meaningless states, so a satellite
        that decayed before the window would otherwise look healthy.  The scan takes at most
        ``_SCAN_SAMPLES`` samples per satellite (never finer than the grid).
        """
        epoch_days = np.array([s.jdsatepoch - self.jd0 + (s.jdsatepochF - self.fr0) for s in self.satrecs])
        first = float(epoch_days.min())
        if first >= 0:
            return
        step_s = max(self.grid[1] if len(self.grid) > 1 else 0.0, -first * SECONDS_PER_DAY / _SCAN_SAMPLES)
        t_days = np.arange(first, 0.0, step_s / SECONDS_PER_DAY)
        _, _, error = orbits.teme_states_km(sat_array, np.full(len(t_days), self.jd0), self.fr0 + t_days)
        self.propagations += error.size
        error[t_days[None, :] < epoch_days[:, None]] = 0  # only from each satellite's own epoch on
        for k in np.flatnonzero(error.any(axis=1)):
            j = int(np.argmax(error[k] != 0))
            self.last_valid[k] = -1
            self._warn_failure(k, int(error[k, j]), float(t_days[j] * SECONDS_PER_DAY), stacklevel=5)

    def _warn_failure(self, k: int, code: int, t_s: float, stacklevel: int) -> None:
        """Warn that satellite k failed at ``t_s``; ``stacklevel`` points at compute_contacts' caller."""
        when = self.start + pd.Timedelta(seconds=t_s)
        dropped = "it is dropped from the whole window" if t_s < 0 else (
            "its samples from then on are dropped and earlier windows kept")
        warnings.warn(DecayedSatelliteWarning(
            f"satellite {self.ids[k]} ({self.names[k].strip()}): SGP4 error {code} "
            f"({SGP4_ERRORS.get(code, 'unknown')}) at {when.isoformat()}; {dropped}. "
            "Fix: use a fresher element set or end the window earlier"), stacklevel=stacklevel)

    def _mask_margin(self, r: np.ndarray, work: _Workspace) -> np.ndarray:
        """Return sin(el) - sin(mask), shape (rows, S), for positions ``r`` (rows, 3).

        Blocks of ``_ROWS_PER_BLOCK`` rows stay in cache and keep BLAS single-threaded, which is
        faster for these thin (rows, 5) @ (5, S) products than threads that wait for each other.
        """
        rows = len(r)
        basis, f, q = work.basis[:rows], work.f[:rows], work.q
        basis[:, :3] = r
        np.einsum("ij,ij->i", r, r, out=basis[:, 3])
        for i in range(0, rows, _ROWS_PER_BLOCK):
            fb = f[i:i + _ROWS_PER_BLOCK]
            qb = q[:len(fb)]
            np.matmul(basis[i:i + _ROWS_PER_BLOCK], self.sites.to_height, out=fb)  # rho . up
            np.matmul(basis[i:i + _ROWS_PER_BLOCK], self.sites.to_range2, out=qb)  # |rho|^2
            np.sqrt(qb, out=qb)
            np.divide(fb, qb, out=fb)
            np.subtract(fb, self.sites.sin_mask, out=fb)
        return f

    def _chunk_events(self, c: _Chunk, work: _Workspace) -> Events:
        """Return the chunk's roots, culminations and boundary states."""
        crossings = self._crossings(c, work)
        max_pair, max_t, max_sin, short = self._culminations(c, work)
        root_pair, root_t, rising = self._roots(c, crossings, short)
        open_pair, open_sin, close_pair, close_t, close_sin = self._boundary_states(c)
        return Events(root_pair, root_t, rising, np.concatenate([max_pair, open_pair, close_pair]),
                       np.concatenate([max_t, np.zeros(len(open_pair)), close_t]),
                       np.concatenate([max_sin, open_sin, close_sin]), open_pair, close_pair, close_t)

    # --- detection ----------------------------------------------------------
    def _owned(self, c: _Chunk, e: np.ndarray, valid_after: int) -> np.ndarray:
        """Return the items at samples ``e`` the chunk owns whose sample + ``valid_after`` is valid."""
        q = e // self.n_st
        k, j = np.divmod(q, c.n)
        return e[(c.lo + j >= c.a) & (c.lo + j < c.b) & (j + valid_after <= c.last[k])]

    def _crossings(self, c: _Chunk, work: _Workspace) -> np.ndarray:
        """Return ``e`` of the left samples of grid intervals where the margin changes sign."""
        k_n, n, s_n = c.f.shape
        up = np.greater(c.f, 0, out=work.flags_like(0, c.f.shape))
        change = np.not_equal(up[:, 1:], up[:, :-1], out=work.flags_like(1, (k_n, n - 1, s_n)))
        flat = np.flatnonzero(change)
        return self._owned(c, flat + flat // ((n - 1) * s_n) * s_n, 1)

    def _max_candidates(self, c: _Chunk, work: _Workspace):
        """Return (e, side) of discrete maxima worth refining; side -1 start, 0 inside, +1 end."""
        f, f_flat, s_n, n = c.f, c.f.reshape(-1), self.n_st, c.n
        mid = f[:, 1:-1]
        peak = np.greater_equal(mid, f[:, :-2], out=work.flags_like(1, mid.shape))
        peak &= np.greater(mid, f[:, 2:], out=work.flags_like(2, mid.shape))
        flat = np.flatnonzero(peak)
        e = flat + (flat // ((n - 2) * s_n) * 2 + 1) * s_n
        inside = self._owned(c, e[_could_clear(f_flat, e, -s_n, s_n)], 1)
        parts = [inside, np.zeros(len(inside), int)]
        if c.lo == 0:
            ks, ss = np.nonzero((f[:, 0] > f[:, 1]) & (c.last[:, None] >= 1))
            e = ks * n * s_n + ss
            e = e[_could_clear(f_flat, e, s_n)]
            parts += [e, np.full(len(e), -1)]
        ends = self._ending(c)
        if len(ends):
            jl = c.last[ends]
            ke, se = np.nonzero(f[ends, jl] >= f[ends, jl - 1])
            e = (ends[ke] * n + jl[ke]) * s_n + se
            e = e[_could_clear(f_flat, e, -s_n)]
            parts += [e, np.full(len(e), 1)]
        return np.concatenate(parts[::2]), np.concatenate(parts[1::2])

    def _ending(self, c: _Chunk) -> np.ndarray:
        """Return the satellites whose last valid sample (end of window or SGP4 failure) this chunk owns."""
        return np.flatnonzero((self.last_valid >= max(c.a, 1)) & (self.last_valid < c.b))

    # --- refinement ---------------------------------------------------------
    def _culminations(self, c: _Chunk, work: _Workspace):
        """Refine culminations; return (pair, t, sin el) of kept ones and the short-pass brackets."""
        e, side = self._max_candidates(c, work)
        q, s = np.divmod(e, self.n_st)
        f_e, sin_mask = c.f.reshape(-1)[e], self.sites.sin_mask[s]
        rho = take3(c.r_t, q) - take3(self.sites.site_t, s)
        _, rate = sin_elevation_and_rate(rho, take3(c.v_t, q), take3(self.sites.up_t, s))
        right = rate > 0  # the peak is after the sample
        move = ~((right & (side == 1)) | (~right & (side == -1)))  # else a clipped window peaks at its edge
        q0, s0 = np.where(right, q, q - 1)[move], s[move]  # left sample of the arc holding the peak
        arcs, t0, h = self._arcs(c, q0, s0)
        tau = arcs.peak_tau()
        value_h, _, curvature = arcs.sin_elevation(tau)
        t_max, value = c.t[q % c.n], f_e + sin_mask
        t_max[move], value[move] = t0 + tau * h, value_h
        inside = f_e > 0
        near_mask = np.abs(value - sin_mask) < PEAK_CHECK  # these decide whether a short pass exists
        kept = inside | (value > sin_mask - PEAK_CHECK)
        check = (near_mask | (kept & self.exact_peaks))[move] & (tau > 0) & (tau < 1)
        moved = np.flatnonzero(move)[check]
        t_max[moved], value[moved] = self._exact_peaks(
            q[moved] // c.n, s[moved], t_max[moved], value[moved], t0[check], (t0 + h)[check],
            curvature[check] / h[check] ** 2)
        above = value > sin_mask
        short = (above & ~inside)[move]
        keep = inside | above
        pair = q[keep] // c.n * self.n_st + s[keep]
        return pair, t_max[keep], value[keep], (q0[short], s0[short], t_max[move][short])

    def _exact_peaks(self, k, s, t, value, t_lo, t_hi, curvature):
        """Newton on the exact SGP4 elevation rate (curvature from the cubic); exact peak values."""
        active = np.arange(len(k))
        curvature = np.where(curvature < 0, curvature, -np.inf)
        for _ in range(MAX_ITERATIONS):
            if len(active) == 0:
                break
            ta = t[active]
            g, rate = self._exact(k[active], s[active], ta)
            step = np.clip(-rate / curvature[active], t_lo[active] - ta, t_hi[active] - ta)
            peak = g + rate * step + 0.5 * curvature[active] * step**2
            ok = np.isfinite(peak)
            t[active[ok]], value[active[ok]] = ta[ok] + step[ok], peak[ok]
            active = active[ok & (np.abs(step) > TIME_TOLERANCE_S)]
        return t, value

    def _roots(self, c: _Chunk, crossings: np.ndarray, short):
        """Return (pair, t, rising) of every mask crossing owned by the chunk, exact to SGP4."""
        f_flat, s_n = c.f.reshape(-1), self.n_st
        f0, f1 = f_flat[crossings], f_flat[crossings + s_n]
        q_short, s_short, t_peak = short
        n_cross, n_short = len(crossings), len(q_short)
        q = np.concatenate([crossings // s_n, q_short, q_short])
        s = np.concatenate([crossings % s_n, s_short, s_short])
        rising = np.concatenate([f1 > 0, np.ones(n_short, bool), np.zeros(n_short, bool)])
        arcs, t0, h = self._arcs(c, q, s)
        t_lo = np.concatenate([t0[:n_cross + n_short], t_peak])
        t_hi = np.concatenate([(t0 + h)[:n_cross], t_peak, (t0 + h)[n_cross + n_short:]])
        tau_lo, tau_hi = np.clip((t_lo - t0) / h, 0, 1), np.clip((t_hi - t0) / h, 0, 1)
        guess = np.concatenate([f0 / (f0 - f1), 0.5 * (tau_lo + tau_hi)[n_cross:]])
        sin_mask = self.sites.sin_mask[s]
        tau = bracketed_newton(lambda idx, x: arcs.take(idx).mask_margin(x, sin_mask[idx]),
                               tau_lo, tau_hi, guess, rising, TAU_TOLERANCE)
        k = q // c.n
        t = bracketed_newton(lambda idx, x: self._exact_margin(k[idx], s[idx], x),
                             t_lo, t_hi, np.clip(t0 + tau * h, t_lo, t_hi), rising, TIME_TOLERANCE_S)
        return k * s_n + s, t, rising

    def _exact_margin(self, k, s, t):
        """Return exact sin(el) - sin(mask) and its rate; (0, inf) where SGP4 fails, so Newton stops."""
        g, rate = self._exact(k, s, t)
        bad = ~(np.isfinite(g) & np.isfinite(rate))
        return np.where(bad, 0.0, g - self.sites.sin_mask[s]), np.where(bad, np.inf, rate)

    def _arcs(self, c: _Chunk, q: np.ndarray, s: np.ndarray) -> tuple[HermiteArcs, np.ndarray, np.ndarray]:
        """Return the Hermite arcs from samples ``q`` to ``q + 1`` seen from stations ``s``, start, step."""
        j = q % c.n
        t0 = c.t[j]
        h = c.t[j + 1] - t0
        site, up = take3(self.sites.site_t, s), take3(self.sites.up_t, s)
        p0, p1 = take3(c.r_t, q) - site, take3(c.r_t, q + 1) - site
        v0, v1 = take3(c.v_t, q) * h, take3(c.v_t, q + 1) * h
        coeffs = (p0, v0, 3 * (p1 - p0) - 2 * v0 - v1, 2 * (p0 - p1) + v0 + v1)
        n = np.stack([dot3(ci, up) for ci in coeffs])
        e = np.zeros((7, len(q)))
        for i_a, ca in enumerate(coeffs):
            e[2 * i_a] += dot3(ca, ca)
            for i_b in range(i_a + 1, 4):
                e[i_a + i_b] += 2 * dot3(ca, coeffs[i_b])
        return HermiteArcs(n, e), t0, h

    def _exact(self, k, s, t):
        """Return exact SGP4 sin(el) and its rate (1/s) for satellites ``k``, stations ``s``, times ``t``."""
        r, v = np.full((len(k), 3), np.nan), np.full((len(k), 3), np.nan)
        fr = self.fr0 + t / SECONDS_PER_DAY
        self.propagations += len(k)
        order = np.argsort(k, kind="stable")
        for idx in np.split(order, np.flatnonzero(np.diff(k[order])) + 1) if len(order) else []:
            error, r_i, v_i = self.satrecs[k[idx[0]]].sgp4_array(np.full(len(idx), self.jd0), fr[idx])
            good = error == 0
            r[idx[good]], v[idx[good]] = r_i[good], v_i[good]
        r, v = orbits.teme_to_itrf(r, np.full(len(k), self.jd0), fr, v)
        return sin_elevation_and_rate(r.T - take3(self.sites.site_t, s), v.T, take3(self.sites.up_t, s))

    def _boundary_states(self, c: _Chunk):
        """Return pairs open at start (with sin el), and pairs open at their last valid sample (t, sin el)."""
        f, last, mask = c.f, c.last, self.sites.sin_mask
        ko, so = np.nonzero((f[:, 0] > 0) & (self.last_valid[:, None] >= 1)) if c.lo == 0 else (
            np.empty(0, int), np.empty(0, int))
        ends = self._ending(c)
        kc, sc = np.nonzero(f[ends, last[ends]] > 0)
        kc = ends[kc]
        return (ko * self.n_st + so, f[ko, 0, so] + mask[so],
                kc * self.n_st + sc, c.t[last[kc]], f[kc, last[kc], sc] + mask[sc])


def _could_clear(f_flat: np.ndarray, e: np.ndarray, *neighbours: int) -> np.ndarray:
    """Return whether the arc around discrete maximum ``e`` could still clear the mask.

    Over a concave arc the peak exceeds the sample by at most the larger rise from a neighbour;
    twice that, plus ``NEAR_MISS_SLACK``, also covers mildly non-concave arcs.
    """
    value = f_flat[e]
    rise = np.max([value - f_flat[e + d] for d in neighbours], axis=0) if len(e) else value
    return value + 2 * rise + NEAR_MISS_SLACK > 0
