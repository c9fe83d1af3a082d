"""Look angles along contact windows: the elevation, azimuth and range profile of each pass.

The rate integral (:mod:`gstk.contacts.volumes`) and the horizon-mask refinement
(:mod:`gstk.contacts.masks`) both need the geometry of a pass at many instants.  They use SGP4
states on a time grid (:class:`GridStates`): the contact search's own grid, kept when asked, or
:func:`grid_states` every :data:`NODE_STEP_S`.  Between two grid nodes the Earth-fixed trajectory
is the cubic Hermite arc of their positions and velocities (the search's interpolant: ≲ 3 m at a
95 s step, error growing as step**4), sampled at ``substeps`` even steps over each window's part of
each grid interval.  Look angles at single instants (:func:`exact_look`) use exact SGP4 states.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sgp4.api import SatrecArray

from gstk.contacts.arcs import HermiteArcs
from gstk.orbits import propagation as orbits
from gstk.units import SECONDS_PER_DAY

__all__ = ["NODE_STEP_S", "StationFrames", "PassProfiles", "IntervalArcs", "IntervalSamples", "GridStates",
           "station_frames", "grid_states", "interval_arcs", "interval_samples", "pass_profiles", "exact_look"]

#: Step of :func:`grid_states`, s (the Hermite arcs between its nodes are exact to ~3 m).
NODE_STEP_S = 90.0


class StationFrames(NamedTuple):
    """Earth-fixed station positions (S, 3) km and their east, north, up unit vectors (S, 3)."""

    site_km: np.ndarray
    east: np.ndarray
    north: np.ndarray
    up: np.ndarray


class PassProfiles(NamedTuple):
    """Samples of many windows, window after window; window w owns ``first[w]:first[w + 1]``.

    Window w has ``n[w] + 1`` samples evenly spaced from its AOS to its LOS (``n[w]`` intervals).
    ``enu_km`` is the line of sight in the station's east, north, up axes; the look angles are
    derived from it on demand (an azimuth costs an arctan2 the rate integral does not need).
    """

    first: np.ndarray  # (W + 1,)
    n: np.ndarray  # (W,) intervals per window
    window: np.ndarray  # (m,) window of each sample
    t_s: np.ndarray  # (m,) s since start
    enu_km: np.ndarray  # (3, m)

    @property
    def range_km(self) -> np.ndarray:
        return _range_km(self.enu_km)

    @property
    def sin_elevation(self) -> np.ndarray:
        return _sin_elevation(self.enu_km)

    @property
    def elevation_deg(self) -> np.ndarray:
        return np.degrees(np.arcsin(self.sin_elevation))

    @property
    def azimuth_deg(self) -> np.ndarray:
        return _azimuth_deg(self.enu_km)


def _arcs_of(cubic_km: np.ndarray) -> HermiteArcs:
    """Return line-of-sight cubics (4, 3, I) as :class:`~gstk.contacts.arcs.HermiteArcs` (N = up, E = |rho|^2)."""
    n = cubic_km[:, 2]  # the up component
    e = np.zeros((7, cubic_km.shape[2]))
    for i in range(4):
        e[2 * i] += np.einsum("di,di->i", cubic_km[i], cubic_km[i])
        for j in range(i + 1, 4):
            e[i + j] += 2 * np.einsum("di,di->i", cubic_km[i], cubic_km[j])
    return HermiteArcs(n, e)


class IntervalArcs(NamedTuple):
    """Windows cut at the grid nodes: interval i (of window ``window[i]``) from ``t0_s[i]`` for ``duration_s[i]``.

    ``cubic_km`` is each interval's line of sight in ENU, sum_i cubic[i] sigma^i with sigma from 0
    at its start to 1 at its end: what an exact integral needs (no samples).
    """

    window: np.ndarray  # (I,)
    t0_s: np.ndarray  # (I,)
    duration_s: np.ndarray  # (I,)
    cubic_km: np.ndarray  # (4, 3, I)

    def arcs(self, rows=slice(None)) -> HermiteArcs:
        """Return the intervals' line of sight as :class:`~gstk.contacts.arcs.HermiteArcs` (elevation at any sigma)."""
        return _arcs_of(self.cubic_km[:, :, rows])

    def sampled(self, substeps: int = 12) -> "IntervalSamples":
        """Return the intervals sampled at ``substeps`` even steps each (both ends included)."""
        powers = (np.arange(substeps + 1) / substeps)[:, None] ** np.arange(4)  # (substeps + 1, 4)
        enu = (powers @ self.cubic_km.reshape(4, -1)).reshape(substeps + 1, 3, -1).transpose(1, 2, 0)
        return IntervalSamples(self.window, self.t0_s, self.duration_s / substeps, enu, self.cubic_km)


class IntervalSamples(NamedTuple):
    """Samples of node intervals: interval i (of window ``window[i]``) at ``substeps + 1`` even times.

    The samples of interval i are at ``t0_s[i] + q * step_s[i]``, q = 0..substeps, both nodes
    included (an interval's last sample is the next one's first).  Look angles have shape
    (intervals, substeps + 1).
    """

    window: np.ndarray  # (I,)
    t0_s: np.ndarray  # (I,)
    step_s: np.ndarray  # (I,)
    enu_km: np.ndarray  # (3, I, substeps + 1)
    cubic_km: np.ndarray  # (4, 3, I): ENU = sum_i cubic[i] tau^i, tau in [0, 1] over the interval

    def arcs(self, rows=slice(None)) -> HermiteArcs:
        """Return the intervals' line of sight as :class:`~gstk.contacts.arcs.HermiteArcs` (elevation at any tau)."""
        return _arcs_of(self.cubic_km[:, :, rows])

    @property
    def duration_s(self) -> np.ndarray:
        return self.step_s * (self.enu_km.shape[2] - 1)

    @property
    def range_km(self) -> np.ndarray:
        return _range_km(self.enu_km)

    @property
    def sin_elevation(self) -> np.ndarray:
        return _sin_elevation(self.enu_km)

    @property
    def elevation_deg(self) -> np.ndarray:
        return np.degrees(np.arcsin(self.sin_elevation))

    @property
    def azimuth_deg(self) -> np.ndarray:
        return _azimuth_deg(self.enu_km)


def station_frames(stations: pd.DataFrame) -> StationFrames:
    """Return the positions and ENU axes of the stations table's rows (``lat_deg, lon_deg[, alt_m]``)."""
    lat, lon = (stations[c].to_numpy(np.float64) for c in ("lat_deg", "lon_deg"))
    alt = stations["alt_m"].to_numpy(np.float64) if "alt_m" in stations else np.zeros(len(stations))
    axes = orbits.station_enu_axes(lat, lon)
    return StationFrames(orbits.station_ecef_km(lat, lon, alt), axes[:, 0], axes[:, 1], axes[:, 2])


def _julian(start: pd.Timestamp) -> tuple[float, float]:
    jd, fr = orbits.julian_dates(start)
    return float(jd[0]), float(fr[0])


def _itrf_states(satrecs: list, k: np.ndarray, t_s: np.ndarray, start: pd.Timestamp):
    """Return exact Earth-fixed positions and velocities (m, 3) of satellites ``k`` at ``t_s``; NaN on SGP4 errors."""
    jd0, fr0 = _julian(start)
    r, v = np.full((len(k), 3), np.nan), np.full((len(k), 3), np.nan)
    jd, fr = np.full(len(k), jd0), fr0 + np.asarray(t_s, np.float64) / SECONDS_PER_DAY
    order = np.argsort(k, kind="stable")
    for idx in np.split(order, np.flatnonzero(np.diff(k[order])) + 1) if len(order) else []:
        error, r_i, v_i = satrecs[int(k[idx[0]])].sgp4_array(jd[idx], fr[idx])
        good = error == 0
        r[idx[good]], v[idx[good]] = r_i[good], v_i[good]
    return orbits.teme_to_itrf(r, jd, fr, v)


def _enu(r_km: np.ndarray, s: np.ndarray, frames: StationFrames, *, relative: bool = True) -> np.ndarray:
    """Return east, north, up components (3, m) of ``r_km`` (m, 3) seen from stations ``s``.

    Positions are taken relative to the station; velocities (``relative=False``) are not.
    """
    rho = r_km - frames.site_km[s] if relative else r_km
    return np.stack([np.einsum("ij,ij->i", rho, axis[s]) for axis in (frames.east, frames.north, frames.up)])


def _range_km(enu_km: np.ndarray) -> np.ndarray:
    e, n, u = enu_km
    return np.sqrt(e * e + n * n + u * u)


def _sin_elevation(enu_km: np.ndarray) -> np.ndarray:
    return np.clip(enu_km[2] / _range_km(enu_km), -1.0, 1.0)


def _azimuth_deg(enu_km: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(enu_km[0], enu_km[1])) % 360.0


def _look(enu_km: np.ndarray):
    """Return elevation, azimuth (deg) and range (km) of line-of-sight vectors (3, m) in ENU axes."""
    range_km = _range_km(enu_km)
    elevation = np.degrees(np.arcsin(np.clip(enu_km[2] / range_km, -1.0, 1.0)))
    return elevation, _azimuth_deg(enu_km), range_km


def exact_look(satrecs: list, frames: StationFrames, k: np.ndarray, s: np.ndarray, t_s: np.ndarray,
               start: pd.Timestamp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return exact-SGP4 elevation, azimuth (deg) and range (km) of satellites ``k`` from stations ``s`` at ``t_s``."""
    r, _ = _itrf_states(satrecs, np.asarray(k, int), np.asarray(t_s, np.float64), start)
    return _look(_enu(r, np.asarray(s, int), frames))


class GridStates(NamedTuple):
    """Earth-fixed states of every satellite on a time grid (s since start): the nodes of the Hermite arcs."""

    t_s: np.ndarray  # (N,)
    r_km: np.ndarray  # (K, N, 3), NaN where SGP4 failed
    v_km_s: np.ndarray  # (K, N, 3)


def grid_states(satrecs: list, start: pd.Timestamp, end_s: float, step_s: float = NODE_STEP_S) -> GridStates:
    """Return every satellite's SGP4 state every ``step_s`` from ``start`` to ``end_s`` (included), one call."""
    t = np.arange(0.0, end_s, step_s)
    t = np.append(t, end_s) if not len(t) or t[-1] < end_s else t
    jd0, fr0 = _julian(start)
    r, v, _ = orbits.itrf_states_km(SatrecArray(satrecs), np.full(len(t), jd0), fr0 + t / SECONDS_PER_DAY)
    return GridStates(t, r, v)


def interval_samples(states: GridStates, frames: StationFrames, k: np.ndarray, s: np.ndarray, aos_s: np.ndarray,
                     los_s: np.ndarray, *, substeps: int = 12) -> IntervalSamples:
    """Return the line of sight of windows (satellite ``k``, station ``s``, ``aos_s``..``los_s``) per grid interval.

    A window's part of each grid interval it meets gets ``substeps`` even sample steps on that
    interval's Hermite arc, so the sample step is at most the grid step over ``substeps`` (10 s at
    the default grid).  ``cubic_km`` is each part's arc in its own parameter, 0 at its start, 1 at its end.
    """
    return interval_arcs(states, frames, k, s, aos_s, los_s).sampled(substeps)


def interval_arcs(states: GridStates, frames: StationFrames, k: np.ndarray, s: np.ndarray, aos_s: np.ndarray,
                  los_s: np.ndarray) -> IntervalArcs:
    """Return windows (satellite ``k``, station ``s``, ``aos_s``..``los_s``) cut at the grid nodes, as Hermite arcs.

    Each window's part of each grid interval it meets is that interval's Hermite arc (the search's
    interpolant), reparametrised to run from 0 at the part's start to 1 at its end.
    """
    k, s = np.asarray(k, int), np.asarray(s, int)
    aos, los, t = np.asarray(aos_s, np.float64), np.asarray(los_s, np.float64), states.t_s
    g_lo = np.clip(np.searchsorted(t, aos, side="right") - 1, 0, len(t) - 2)
    g_hi = np.clip(np.searchsorted(t, los, side="left"), g_lo + 1, len(t) - 1)
    m = g_hi - g_lo
    win = np.repeat(np.arange(len(m)), m)
    g = g_lo[win] + np.arange(m.sum()) - np.repeat(np.cumsum(m) - m, m)
    a, b, h = np.maximum(aos[win], t[g]), np.minimum(los[win], t[g + 1]), t[g + 1] - t[g]
    # ENU of each window's nodes g_lo..g_hi once (an interval's end node is the next one's start)
    n_nodes = m + 1
    node_window = np.repeat(np.arange(len(m)), n_nodes)
    node_start = np.cumsum(n_nodes) - n_nodes
    node_g = g_lo[node_window] + np.arange(n_nodes.sum()) - np.repeat(node_start, n_nodes)
    kn, sn = k[node_window], s[node_window]
    p_nodes = _enu(states.r_km[kn, node_g], sn, frames)  # arcs are linear in (p, v): ENU
    v_nodes = _enu(states.v_km_s[kn, node_g], sn, frames, relative=False)
    first = node_start[win] + (g - g_lo[win])
    p0, p1 = p_nodes[:, first], p_nodes[:, first + 1]
    v0, v1 = v_nodes[:, first] * h, v_nodes[:, first + 1] * h
    c0, c1, c2, c3 = p0, v0, 3 * (p1 - p0) - 2 * v0 - v1, 2 * (p0 - p1) + v0 + v1  # tau in [0, 1] over g
    alpha, beta = (a - t[g]) / h, (b - a) / h  # the window's part: tau = alpha + beta sigma
    cubic = np.stack([c0 + alpha * (c1 + alpha * (c2 + alpha * c3)), beta * (c1 + alpha * (2 * c2 + 3 * alpha * c3)),
                      beta**2 * (c2 + 3 * alpha * c3), beta**3 * c3])  # (4, 3, I) in sigma
    return IntervalArcs(win, a, b - a, cubic)


def pass_profiles(states: GridStates, frames: StationFrames, k: np.ndarray, s: np.ndarray, aos_s: np.ndarray,
                  los_s: np.ndarray, *, substeps: int = 16) -> PassProfiles:
    """Return the look angles of windows (satellite ``k``, station ``s``, ``aos_s``..``los_s``) window after window.

    The samples of :func:`interval_samples` in time order, each shared node once (parts of one
    window need not be equally long, so neither are its sample steps).
    """
    x = interval_samples(states, frames, k, s, aos_s, los_s, substeps=substeps)
    keep = np.ones((len(x.window), substeps + 1), bool)
    keep[:, substeps] = np.append(x.window[1:] != x.window[:-1], True)  # a window's last node only once
    enu = x.enu_km[:, keep]
    t = (x.t0_s[:, None] + x.step_s[:, None] * np.arange(substeps + 1))[keep]
    window = np.broadcast_to(x.window[:, None], keep.shape)[keep]
    n = np.bincount(window, minlength=len(np.asarray(aos_s))) - 1
    first = np.concatenate([[0], np.cumsum(n + 1)])
    t[first[1:] - 1] = np.asarray(los_s, np.float64)
    return PassProfiles(first, n, window, t, enu)
