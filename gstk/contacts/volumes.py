"""A contact's data volume under a rate model: the integral of the rate over the pass's own geometry.

v_c = ∫_{a_c}^{b_c} r(el(t), d(t)) dt, with r from :mod:`gstk.contacts.rates`, on the Hermite arcs
between SGP4 grid nodes of :mod:`gstk.contacts.profiles`:

* a :class:`~gstk.contacts.rates.RateTable` exactly per step, with no samples: each arc is cut at
  the turns of its elevation into monotone pieces, and each step's edge is crossed on a piece at
  the time Newton finds on the arc;
* a :class:`~gstk.contacts.rates.LinkBudget` by Simpson's rule on samples of the arcs at most 10 s
  apart, with the radio's cap integrated exactly on each pair of sample steps (so its kink costs
  no accuracy).

:func:`with_volumes` adds ``volume_bit`` and ``mean_rate_bps`` to a contacts table (the contact
search calls it with its own grid states); :func:`integrate_volumes` does the same for a table
whose windows changed after the search.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gstk.contacts.arcs import TAU_TOLERANCE, HermiteArcs, bracketed_newton, polyval
from gstk.contacts.profiles import (
    GridStates,
    IntervalArcs,
    IntervalSamples,
    StationFrames,
    grid_states,
    interval_arcs,
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


#: Points per interval at which the slope of sin(el) is checked for a turn (brackets of the extrema).
SLOPE_CHECKS = 4


def _table_volumes(table: RateTable, x: IntervalArcs | IntervalSamples, windows: np.ndarray) -> np.ndarray:
    """Return the integral of the step rate per window, each step's edge crossed at its exact time.

    The step rate is a sum of rises, r = sum_j (r_j - r_{j-1}) [el >= e_j], so the volume is
    sum_j (r_j - r_{j-1}) T_j, T_j the time above edge j.  Each interval's Hermite arc is cut at the
    turns of sin(el) into monotone pieces (:func:`_monotone_pieces`); on a piece an edge is crossed
    at most once, at the root Newton finds between the piece's ends.  No samples are needed.
    """
    rows = _intervals(x, windows)
    arcs, duration = x.arcs(rows), x.duration_s[rows]
    piece, lo, hi, f_lo, f_hi = _monotone_pieces(arcs)
    edges = np.sin(np.radians(np.asarray(table.elevation_deg)))
    rises = np.diff(np.concatenate([[0.0], table.rate_bps]))
    weighted = np.zeros(len(piece))  # sum_j rise_j x (time above edge j), in units of the interval
    crossings = []
    for j, edge in enumerate(edges):
        above_lo, above_hi = f_lo >= edge, f_hi >= edge
        weighted += rises[j] * np.where(above_lo & above_hi, hi - lo, 0.0)
        crossings.append(np.flatnonzero(above_lo != above_hi))
    j = np.repeat(np.arange(len(edges)), [len(c) for c in crossings])
    p = np.concatenate(crossings)
    rising = f_hi[p] > f_lo[p]
    tau = _edge_times(arcs.take(piece[p]), edges[j], lo[p], hi[p], f_lo[p], f_hi[p], rising)
    above = rises[j] * np.where(rising, hi[p] - tau, tau - lo[p])
    weighted += np.bincount(p, weights=above, minlength=len(piece))
    per_interval = np.bincount(piece, weights=weighted, minlength=len(duration)) * duration
    per_interval[~np.isfinite(arcs.e[0])] = np.nan  # SGP4 failed at a node
    return _per_window(x.window[rows], per_interval, windows)


def _monotone_pieces(arcs: HermiteArcs, checks: int = SLOPE_CHECKS):
    """Return pieces of the arcs on which sin(el) is monotone: (arc, lo, hi, sin el at lo, sin el at hi).

    The slope's sign, that of H = N' E - N E' / 2, is checked at ``checks + 1`` even points of each
    arc; where it changes between two, Newton finds the turn and the arc is cut there.  (Two turns
    closer than 1/``checks`` of a grid step are not resolved: a pass's elevation has one turn, its
    culmination.)  Pieces are in arc order, and in time order within an arc.
    """
    m = arcs.n.shape[1]
    grid = np.linspace(0.0, 1.0, checks + 1)[:, None]
    n, dn = polyval(arcs.n, grid)
    e, de = polyval(arcs.e, grid)
    rises = dn * e - 0.5 * n * de > 0
    turn_i, turn_c = np.nonzero((rises[:-1] != rises[1:]).T)  # arc i turns in its bracket c (sorted by i, c)
    peaks = arcs.take(turn_i)
    turn = _newton_in_brackets(lambda idx, t: _slope_and_rate(peaks.take(idx), t), grid[turn_c, 0],
                               grid[turn_c + 1, 0], grid[turn_c, 0] + 0.5 / checks, ~rises[turn_c, turn_i])
    per_arc = np.bincount(turn_i, minlength=m)
    turns_before = np.cumsum(per_arc) - per_arc
    first = np.arange(m) + turns_before  # each arc's first piece
    cut = first[turn_i] + 1 + np.arange(len(turn_i)) - turns_before[turn_i]
    lo, f_lo = np.zeros(m + len(turn_i)), np.empty(m + len(turn_i))
    f_lo[first] = n[0] / np.sqrt(e[0])
    lo[cut], f_lo[cut] = turn, peaks.sin_elevation(turn)[0]
    last = np.append(first[1:], len(lo)) - 1
    hi, f_hi = np.append(lo[1:], 1.0), np.append(f_lo[1:], 0.0)
    hi[last], f_hi[last] = 1.0, n[-1] / np.sqrt(e[-1])
    return np.repeat(np.arange(m), per_arc + 1), lo, hi, f_lo, f_hi


def _slope_and_rate(arcs: HermiteArcs, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return H = N' E - N E' / 2 (the sign of d sin(el) / dtau) and dH / dtau = N'' E + N' E' / 2 - N E'' / 2.

    Cheaper than :meth:`~gstk.contacts.arcs.HermiteArcs.sin_elevation`'s derivatives (no square root).
    """
    n, dn, ddn = polyval(arcs.n, tau, second=True)
    e, de, dde = polyval(arcs.e, tau, second=True)
    return dn * e - 0.5 * n * de, ddn * e + 0.5 * dn * de - 0.5 * n * dde


def _edge_times(arcs: HermiteArcs, sin_edge: np.ndarray, lo: np.ndarray, hi: np.ndarray, f_lo: np.ndarray,
                f_hi: np.ndarray, rising: np.ndarray) -> np.ndarray:
    """Return where sin(el) meets ``sin_edge`` on monotone pieces [lo, hi] of the arcs (from the chord's root)."""
    guess = lo + (sin_edge - f_lo) / (f_hi - f_lo) * (hi - lo)
    return _newton_in_brackets(lambda idx, t: arcs.take(idx).mask_margin(t, sin_edge[idx]), lo, hi, guess, rising)


def _newton_in_brackets(fun, lo: np.ndarray, hi: np.ndarray, guess: np.ndarray, rising: np.ndarray,
                        steps: int = 3) -> np.ndarray:
    """Return the root of each function in its bracket [lo, hi]; ``fun(idx, x)`` gives value and slope.

    ``steps`` Newton steps on every function at once (``idx`` a full slice), kept inside the
    brackets; the few that have not converged by then are finished by the search's
    :func:`~gstk.contacts.arcs.bracketed_newton`.
    """
    x = np.clip(guess, lo, hi)
    every = slice(None)
    for _ in range(steps):
        value, slope = fun(every, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(slope != 0, value / slope, 0.0)
        x = np.clip(x - step, lo, hi)
    slow = np.flatnonzero(~(np.abs(step) <= TAU_TOLERANCE)) if len(x) else np.empty(0, int)
    if len(slow):
        x[slow] = bracketed_newton(lambda idx, t: fun(slow[idx], t), lo[slow], hi[slow], x[slow], rising[slow],
                                   TAU_TOLERANCE)
    return x


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


def contact_volumes_bit(x: IntervalArcs | IntervalSamples, models: list[RateModel | None]) -> np.ndarray:
    """Return v_c = ∫ r dt of every window under its model (``models[w]``); NaN where it has none.

    Rate tables are integrated on the arcs themselves; link budgets on samples of them (taken here
    when ``x`` holds only the arcs).
    """
    volume = np.full(len(models), np.nan)
    samples = x if isinstance(x, IntervalSamples) else None
    codes, distinct = pd.factorize(np.fromiter(map(id, models), np.int64, len(models)))
    for code in range(len(distinct)):
        windows = np.flatnonzero(codes == code)
        model = models[windows[0]]
        if model is None:
            continue
        if isinstance(model, RateTable):
            volume[windows] = _table_volumes(model, x, windows)
        else:
            samples = x.sampled() if samples is None else samples
            volume[windows] = _budget_volumes(model, samples, windows)
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
        arcs = interval_arcs(states, frames, k[has], s[has], aos, los)
        volume[has] = contact_volumes_bit(arcs, [m for m, h in zip(models, has) if h])
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
