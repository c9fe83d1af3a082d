"""A contact's data volume under a rate model: the integral of the rate over the pass's own geometry.

v_c = ∫_{a_c}^{b_c} r(el(t), d(t)) dt, with r from :mod:`gstk.contacts.rates`, on the samples of
:mod:`gstk.contacts.profiles` (at most 10 s apart on Hermite arcs between SGP4 grid nodes):

* a :class:`~gstk.contacts.rates.RateTable` exactly per step: each step's edge is crossed at the
  time Newton finds on the arc (starting from the parabola through three samples);
* a :class:`~gstk.contacts.rates.LinkBudget` by Simpson's rule, with the radio's cap integrated
  exactly on each pair of sample steps (so its kink costs no accuracy).

:func:`with_volumes` adds ``volume_bit`` and ``mean_rate_bps`` to a contacts table (the contact
search calls it with its own grid states); :func:`integrate_volumes` does the same for a table
whose windows changed after the search.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gstk.contacts.arcs import polyval
from gstk.contacts.profiles import (
    GridStates,
    IntervalSamples,
    StationFrames,
    grid_states,
    interval_samples,
    station_frames,
)
from gstk.contacts.rates import LinkBudget, RateModel, RateTable, StationRates
from gstk.errors import GstkError

__all__ = ["contact_volumes_bit", "with_volumes", "integrate_volumes"]


def _intervals(x: IntervalSamples, windows: np.ndarray) -> np.ndarray | slice:
    """Return the node intervals of ``windows`` (all of them when they are every window)."""
    return slice(None) if len(windows) == int(x.window.max(initial=-1)) + 1 else np.isin(x.window, windows)


def _pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the left, middle and right samples of each pair of sample steps, (intervals, substeps / 2) each."""
    return values[:, 0:-1:2], values[:, 1::2], values[:, 2::2]


def _table_volumes(table: RateTable, x: IntervalSamples, windows: np.ndarray) -> np.ndarray:
    """Return the integral of the step rate per window, each step's edge crossed at its exact time.

    Works on sin(elevation) (monotone in elevation, no arcsin).  On a pair of sample steps it is
    first the parabola q through its three samples: pairs whose samples and parabola stay on one
    step (most of them) carry that step's rate.  In the others, q's crossings of each edge are
    polished by Newton on the interval's Hermite arc and split the pair into pieces, each at its
    step's rate.
    """
    rows = _intervals(x, windows)
    value = x.sin_elevation[rows]
    edges = np.sin(np.radians(np.asarray(table.elevation_deg)))
    rates = np.concatenate([[0.0], table.rate_bps])  # by level; level 0: below the first step
    level = np.searchsorted(edges, value, side="right")
    e0, e1, e2 = (part.reshape(-1) for part in _pairs(value))
    s0, s1, s2 = (part.reshape(-1) for part in _pairs(level))
    c = 0.5 * (e0 - 2 * e1 + e2)
    b = e1 - e0 - c
    one_step = (s0 == s1) & (s1 == s2)
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = np.where(c != 0, -b / (2 * c), -1.0)
    check = np.flatnonzero(one_step & (turn > 0) & (turn < 2))  # a peak or a trough inside the pair
    peak = e0[check] + b[check] * turn[check] + c[check] * turn[check] ** 2
    one_step[check] &= np.searchsorted(edges, peak, side="right") == s1[check]
    pair = np.where(one_step, rates[s1] * 2.0, 0.0)
    cut = np.flatnonzero(~one_step)
    pairs_per_interval = (x.enu_km.shape[2] - 1) // 2
    interval, j = np.divmod(cut, pairs_per_interval)
    roots = _edge_crossings_u(edges, e0[cut], b[cut], c[cut])
    arcs = x.arcs(np.arange(len(x.window))[rows][interval])  # only the intervals holding a crossing
    roots = _polished_on_arcs(roots, arcs, j, pairs_per_interval, edges)
    pair[cut] = _step_integral_between(edges, rates, roots, e0[cut], b[cut], c[cut])
    per_interval = pair.reshape(len(x.step_s[rows]), -1).sum(axis=1) * x.step_s[rows]
    return _per_window(x.window[rows], per_interval, windows)


def _edge_crossings_u(edges: np.ndarray, e0: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Return (2 per edge, pairs) times u in (0, 2) where the parabola meets each edge (NaN: it does not)."""
    roots = []
    for edge in edges:
        a = e0 - edge
        disc = b * b - 4 * a * c
        sq = np.sqrt(np.maximum(disc, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            quad = np.abs(c) > 1e-15
            r1 = np.where(quad, (-b - sq) / (2 * c), -a / np.where(b == 0, np.inf, b))
            r2 = np.where(quad, (-b + sq) / (2 * c), np.nan)
        real = disc >= 0
        roots += [np.where(real, r1, np.nan), np.where(real, r2, np.nan)]
    roots = np.stack(roots) if roots else np.empty((0, len(e0)))
    return np.where((roots > 0) & (roots < 2), roots, np.nan)


def _polished_on_arcs(roots: np.ndarray, arcs, j: np.ndarray, pairs_per_interval: int,
                      edges: np.ndarray) -> np.ndarray:
    """Return the crossings moved by Newton onto the Hermite arc's sin(elevation) (kept near their guess)."""
    steps = 2 * pairs_per_interval
    found = np.nonzero(np.isfinite(roots))
    target = np.repeat(edges, 2)[found[0]]
    tau = (2 * j[found[1]] + roots[found]) / steps
    n_coef, e_coef = arcs.n[:, found[1]], arcs.e[:, found[1]]
    for _ in range(2):  # the parabola's guess is within ~0.1 s: Newton doubles the digits each time
        n, dn = polyval(n_coef, tau)
        e, de = polyval(e_coef, tau)
        root_e = np.sqrt(e)
        slope = dn / root_e - 0.5 * n * de / (e * root_e)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = tau - np.where(slope != 0, (n / root_e - target) / slope, 0.0)
    out = roots.copy()
    out[found] = np.clip(tau * steps - 2 * j[found[1]], roots[found] - 0.5, roots[found] + 0.5)
    return np.where((out > 0) & (out < 2), out, np.nan)


def _step_integral_between(edges: np.ndarray, rates: np.ndarray, roots: np.ndarray, e0: np.ndarray,
                           b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Return ∫_0^2 r(q(u)) du for crossings ``roots`` (2 per edge) of the parabola q.

    The step rate is a sum of rises: r = sum_j (r_j - r_{j-1}) [q >= edge_j], so the integral is
    sum_j (r_j - r_{j-1}) T_j with T_j the time above edge j: the pieces between its (at most two)
    crossings, each above or below as q at its middle says.
    """
    rises = np.diff(rates)
    total = np.zeros(len(e0))
    for i, edge in enumerate(edges):
        r1, r2 = roots[2 * i], roots[2 * i + 1]
        lo = np.where(np.isnan(r1), r2, np.where(np.isnan(r2), r1, np.minimum(r1, r2)))
        hi = np.where(np.isnan(r1) | np.isnan(r2), 2.0, np.maximum(r1, r2))
        lo = np.where(np.isnan(lo), 2.0, lo)
        above = np.zeros(len(e0))
        for u, v in ((0.0, lo), (lo, hi), (hi, 2.0)):
            m = 0.5 * (u + v)
            above += np.where(e0 + b * m + c * m * m >= edge, v - u, 0.0)
        total += rises[i] * above
    return total


def _budget_volumes(budget: LinkBudget, x: IntervalSamples, windows: np.ndarray) -> np.ndarray:
    """Return Simpson's rule on the link budget's rate profile, per window, exact at the radio's cap.

    Each pair of sample steps integrates min(R_max, q) exactly, q the parabola through the three
    uncapped rates: plain Simpson where the cap is not reached, no kink error where it is.
    """
    rows = _intervals(x, windows)
    range_km = x.range_km[rows]
    sin_el = x.enu_km[2][rows] / range_km if budget.zenith_attenuation_db else 1.0  # only A(el) needs it
    free = budget.uncapped_rate_from_sin(sin_el, range_km)
    f0, f1, f2 = (part.reshape(-1) for part in _pairs(free))
    pair = _capped_parabola_integral(f0, f1, f2, budget.max_rate_bps)
    per_interval = pair.reshape(free.shape[0], -1).sum(axis=1) * x.step_s[rows]
    return _per_window(x.window[rows], per_interval, windows)


def _capped_parabola_integral(f0: np.ndarray, f1: np.ndarray, f2: np.ndarray, cap: float) -> np.ndarray:
    """Return ∫_0^2 min(cap, q(u)) du, q the parabola with q(0), q(1), q(2) = f0, f1, f2 (Simpson when below cap)."""
    c = 0.5 * (f0 - 2 * f1 + f2)
    b = f1 - f0 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = np.where(c != 0, -b / (2 * c), -1.0)
    extreme = np.where((turn > 0) & (turn < 2), f0 + b * turn + c * turn * turn, f1)
    high, low = np.maximum(np.maximum(f0, f2), np.maximum(f1, extreme)), np.minimum(np.minimum(f0, f2),
                                                                                     np.minimum(f1, extreme))
    out = np.where(high <= cap, (f0 + 4 * f1 + f2) / 3, 2.0 * cap)  # below the cap: Simpson; above: capped
    crossing = np.flatnonzero((high > cap) & (low < cap))
    out[crossing] = _parabola_under_cap(f0[crossing], f1[crossing], f2[crossing], cap)
    return out


def _parabola_under_cap(f0: np.ndarray, f1: np.ndarray, f2: np.ndarray, cap: float) -> np.ndarray:
    """Return ∫_0^2 min(cap, q(u)) du for parabolas that cross the cap, split at the crossings."""
    c = 0.5 * (f0 - 2 * f1 + f2)
    b = f1 - f0 - c
    a = f0 - cap
    disc = np.maximum(b * b - 4 * a * c, 0.0)
    linear = np.abs(c) < 1e-12 * np.maximum(np.abs(b), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.stack([np.where(linear, -a / np.where(b == 0, np.inf, b), (-b - np.sqrt(disc)) / (2 * c)),
                          np.where(linear, np.nan, (-b + np.sqrt(disc)) / (2 * c))])
    roots = np.where((roots > 0) & (roots < 2), roots, 2.0)
    cuts = np.sort(np.concatenate([np.zeros((1, len(f0))), roots, np.full((1, len(f0)), 2.0)]), axis=0)
    total = np.zeros(len(f0))
    for u, v in zip(cuts[:-1], cuts[1:]):
        m = 0.5 * (u + v)
        under = f0 + (b * m + c * m * m) < cap
        exact = f0 * (v - u) + b * (v * v - u * u) / 2 + c * (v ** 3 - u ** 3) / 3
        total += np.where(under, exact, cap * (v - u))
    return total


def _per_window(window_of_item: np.ndarray, values: np.ndarray, windows: np.ndarray) -> np.ndarray:
    sums = np.bincount(window_of_item, weights=values, minlength=int(windows.max(initial=-1)) + 1)
    return sums[windows]


def contact_volumes_bit(x: IntervalSamples, models: list[RateModel | None]) -> np.ndarray:
    """Return v_c = ∫ r dt of every sampled window under its model (``models[w]``); NaN where it has none."""
    volume = np.full(len(models), np.nan)
    for model in {id(m): m for m in models if m is not None}.values():
        windows = np.array([w for w, m in enumerate(models) if m is model], dtype=int)
        integrate = _table_volumes if isinstance(model, RateTable) else _budget_volumes
        volume[windows] = integrate(model, x, windows)
    return volume


def with_volumes(frame: pd.DataFrame, states: GridStates, satellite_ids: np.ndarray, station_ids: np.ndarray,
                 providers: np.ndarray, frames: StationFrames, rates: StationRates) -> pd.DataFrame:
    """Return the contacts table plus ``volume_bit`` and ``mean_rate_bps`` under ``rates`` (NaN: no model there).

    ``states`` are every satellite's SGP4 states on a grid covering the windows (``satellite_ids`` order).
    """
    k = pd.Index([str(x) for x in satellite_ids]).get_indexer(frame["satellite_id"].astype(str))
    s = pd.Index([str(x) for x in station_ids]).get_indexer(frame["station_id"].astype(str))
    by_station = [rates.model_for(str(sid), str(prov)) for sid, prov in zip(station_ids, providers)]
    models = [by_station[i] for i in s]
    has = np.array([m is not None for m in models], bool)
    volume = np.full(len(frame), np.nan)
    if has.any():
        aos, los = frame["aos_s"].to_numpy(float)[has], frame["los_s"].to_numpy(float)[has]
        samples = interval_samples(states, frames, k[has], s[has], aos, los)
        volume[has] = contact_volumes_bit(samples, [m for m, h in zip(models, has) if h])
    out = frame.copy()
    duration = out["duration_s"].to_numpy(float)
    out["volume_bit"] = volume
    out["mean_rate_bps"] = np.where(duration > 0, volume / np.where(duration > 0, duration, 1.0), np.nan)
    units = {**frame.attrs.get("units", {}), "volume_bit": "bit", "mean_rate_bps": "bit/s"}
    out.attrs = {**frame.attrs, "units": units}
    return out


def integrate_volumes(contacts: pd.DataFrame, satellites: Any, stations: pd.DataFrame,
                      rates: StationRates | RateModel) -> pd.DataFrame:
    """Return ``contacts`` with ``volume_bit`` and ``mean_rate_bps`` integrated on their own windows.

    For a table whose windows changed after the search (clipped to outages or to a shorter
    window): the rate model is integrated again on each row's ``aos_s``..``los_s``, on SGP4
    states every :data:`~gstk.contacts.profiles.NODE_STEP_S`.

    Parameters
    ----------
    contacts : pandas.DataFrame
        ``satellite_id, station_id, aos_s, los_s, duration_s`` and ``attrs["start"]``.
    satellites : gstk.orbits.satellites.Satellites
    stations : pandas.DataFrame
        ``station_id, lat_deg, lon_deg`` (optional ``provider``, ``alt_m``) of every row's station.
    rates : RateTable, LinkBudget or StationRates
    """
    if "start" not in contacts.attrs:
        raise GstkError("integrate_volumes: contacts.attrs lacks 'start'; pass the table compute_contacts returns")
    table = stations.drop_duplicates("station_id").reset_index(drop=True)
    unknown = sorted(set(contacts["station_id"].astype(str)) - set(table["station_id"].astype(str)))
    if unknown:
        raise GstkError(f"integrate_volumes: stations {unknown[:5]} of the contacts are not in the stations table")
    provider = table["provider"].astype(str) if "provider" in table else pd.Series([""] * len(table))
    end_s = float(contacts["los_s"].max()) if len(contacts) else 0.0
    states = grid_states(list(satellites.satrecs), pd.Timestamp(contacts.attrs["start"]), max(end_s, 1.0))
    return with_volumes(contacts, states, np.asarray(satellites.satellite_id, dtype=object),
                        table["station_id"].astype(str).to_numpy(object), provider.to_numpy(object),
                        station_frames(table), StationRates.of(rates))
