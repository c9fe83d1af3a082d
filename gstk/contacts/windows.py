"""Contact windows (AOS, LOS, culmination) of satellites over ground stations.

:func:`compute_contacts` returns one row per window, exact to SGP4 and fast:

1. **Grid.**  One :class:`sgp4.api.SatrecArray` call per time chunk propagates
   every satellite; the step (default: 1/60 of the fastest orbit, ~95 s in
   LEO) only has to bracket events, not resolve them.
2. **Detection.**  ``sin(elevation) - sin(mask)`` for every satellite × sample
   × station comes from one small matrix product.  Its sign changes bracket
   every AOS/LOS; its discrete local maxima bracket every culmination.  A
   local maximum *below* the mask whose neighbours say the true peak could
   still clear it (the rise of a concave arc over one step is at most the
   larger neighbouring difference; twice that is used) is a candidate short
   pass, so passes shorter than the step are found too.
3. **Refinement.**  Between two samples the Earth-fixed trajectory is a cubic
   Hermite arc built from SGP4's positions and velocities (error ≲ 3 m at the
   default step, growing as step**4).  A bracketed Newton solve on that cubic
   finds every root and culmination at once; then Newton steps on *exact* SGP4
   states (only the satellites needed, one ``sgp4_array`` call each) polish
   every AOS and LOS until the step is below 1 ms.  Culminations keep the
   cubic's value (≲ 2e-4 deg and 0.01 s from SGP4's) unless the step is
   coarser than the default or the peak grazes the mask; then they are
   polished on exact SGP4 too.
4. **Assembly.**  Rises and sets alternate per satellite-station pair; windows
   already open at ``start`` or still open at ``end`` are clipped and flagged,
   so an always-visible object gives one window.

A satellite for which SGP4 reports an error (e.g. code 6, decayed) raises a
:class:`~gstk.errors.DecayedSatelliteWarning`; its samples from that time on
are dropped, windows before are kept, a window open then is clipped there.
When SGP4 fails for every satellite by the window's start, nothing is left to
schedule and :class:`~gstk.errors.SatelliteDataError` is raised.  A window
reaching more than :data:`gstk.orbits.validity.MAX_ELEMENT_AGE_DAYS` from an
epoch (or longer than twice that) raises an
:class:`~gstk.errors.ElementAgeWarning` first: such contacts are not the real
satellites'.

Frames and the Earth model are those of :mod:`gstk.orbits` (GMST-82 with
UT1 = UTC, no polar motion, WGS84 stations, no refraction): against Skyfield's
full model AOS/LOS agree to ~0.1 s and elevations to a few millidegrees.
"""
from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from gstk.contacts.masks import apply_horizon_masks, horizon_masks_of, search_mask_deg
from gstk.contacts.profiles import GridStates, station_frames
from gstk.contacts.rates import StationRates
from gstk.contacts.search import TIME_TOLERANCE_S, ContactSearch, Events, Sites
from gstk.contacts.volumes import with_volumes
from gstk.errors import ElementAgeWarning, GstkError, SatelliteDataError, StationDataError
from gstk.orbits import propagation as orbits
from gstk.orbits.validity import element_age_problem
from gstk.times import utc, utc_index
from gstk.units import DEFAULT_ELEVATION_MASK_DEG

__all__ = ["compute_contacts", "default_step_s", "COLUMNS", "UNITS", "SAMPLES_PER_ORBIT", "MIN_STEP_S",
    "MAX_STEP_S", "MAX_GRID_SAMPLES", "CHUNK_ELEMENTS", "AUTO_PROGRESS_ELEMENTS"]


logger = logging.getLogger(__name__)


#: Default grid: this many samples per orbit (at the perigee angular rate), within the bounds below.
SAMPLES_PER_ORBIT = 60


MIN_STEP_S, MAX_STEP_S = 10.0, 300.0


#: Most grid samples a search may take (a 30-year window at the 10 s minimum default step is ~1e8).
MAX_GRID_SAMPLES = 1e8


#: Satellites × samples × stations per chunk: ~8 MB per float64 array keeps memory flat for long windows.
CHUNK_ELEMENTS = 1 << 20


#: Automatic progress bars only for jobs with more satellite × station × sample elements than this.
AUTO_PROGRESS_ELEMENTS = 2e8


COLUMNS = ("satellite_id", "station_id", "provider", "aos", "los", "duration_s", "max_elevation_deg",
           "t_max_elevation", "aos_clipped", "los_clipped", "aos_s", "los_s")


UNITS = {"aos": "UTC", "los": "UTC", "duration_s": "s", "max_elevation_deg": "deg",
         "t_max_elevation": "UTC", "aos_s": "s since start", "los_s": "s since start"}


def compute_contacts(satellites: Any, stations: pd.DataFrame, start: Any, end: Any, *,
                     step_s: float | None = None, progress: bool | None = None, rates: Any = None,
                     horizon_masks: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Return every contact window of every satellite over every station in [start, end].

    Parameters
    ----------
    satellites : gstk.orbits.satellites.Satellites
        Anything with ``satrecs`` (list of :class:`sgp4.api.Satrec`) and ``satellite_id``.
    stations : pandas.DataFrame
        Columns ``station_id``, ``lat_deg``, ``lon_deg``; optional ``provider``, ``alt_m``
        (default 0) and ``min_elevation_deg`` (the station's elevation mask, default 10).
    start, end : str, datetime or pandas.Timestamp
        Window of the search; naive means UTC.
    step_s : float, optional
        Grid step for detection, s; default 1/60 of the fastest orbit in [10, 300] s.
        Results do not depend on it beyond the 1 ms polishing tolerance as long as it stays
        below ~1/20 of an orbit (the near-miss test assumes one peak per three samples).
    progress : bool, optional
        Show a tqdm bar.  ``None``: only for large jobs in a terminal or notebook.
    rates : RateTable, LinkBudget or StationRates, optional
        Elevation-dependent data rate (:mod:`gstk.contacts.rates`): each window's volume is the
        integral of the rate over its own pass.  Default: none (the constant rate of (1) applies later).
    horizon_masks : mapping of station_id to HorizonMask or (azimuth_deg, elevation_deg) points, optional
        Azimuth-dependent masks (:mod:`gstk.contacts.masks`); a station's limit is
        max(``min_elevation_deg``, mask(azimuth)).

    Returns
    -------
    pandas.DataFrame
        One row per window, sorted by (satellite_id, station_id, aos): ``satellite_id``,
        ``station_id``, ``provider``, ``aos``, ``los`` (UTC, clipped to [start, end]),
        ``duration_s``, ``max_elevation_deg``, ``t_max_elevation``, ``aos_clipped`` (open at
        start), ``los_clipped`` (open at end, or when SGP4 failed), ``aos_s``, ``los_s``
        (s since start).  With ``rates``: ``volume_bit`` (the rate integral over the window, NaN
        at stations without a model) and ``mean_rate_bps``.  ``attrs``: ``start``, ``end``,
        ``step_s``, ``propagations`` (SGP4 evaluations made by the search), ``units``.

    Examples
    --------
    >>> from sgp4.api import Satrec
    >>> class Sats:  # any object with satrecs and satellite_id will do
    ...     satrecs = [Satrec.twoline2rv(
    ...         "1 25544U 98067A   25070.50000000  .00016717  00000-0  30571-3 0  9993",
    ...         "2 25544  51.6386 126.4213 0006703 130.5360 325.0288 15.49815359500000")]
    ...     satellite_id = ["25544"]
    >>> stations = pd.DataFrame({"station_id": ["KSAT/Svalbard"], "provider": ["KSAT"],
    ...                          "lat_deg": [78.23], "lon_deg": [15.41], "alt_m": [0.0]})
    >>> df = compute_contacts(Sats(), stations, "2025-03-11", "2025-03-12")
    >>> list(df.columns[:5])
    ['satellite_id', 'station_id', 'provider', 'aos', 'los']
    """
    start_ts, end_ts = _utc_window(start, end)
    ids, names, satrecs = _satellite_inputs(satellites)
    masks = horizon_masks_of(horizon_masks, stations["station_id"].astype(str)) if horizon_masks else {}
    sites = _station_geometry(stations, masks)
    step = default_step_s(satrecs) if step_s is None else _checked_step(step_s, satrecs)
    duration_s = (end_ts - start_ts).total_seconds()
    grid = _time_grid_s(duration_s, step)
    stale = element_age_problem(ids, satrecs, start_ts, end_ts)
    if stale:
        warnings.warn(ElementAgeWarning(stale), stacklevel=2)
    rates = StationRates.of(rates)
    search = ContactSearch(satrecs, ids, names, sites, start_ts, grid, exact_peaks=_coarse_grid(grid, satrecs),
                           keep_states=bool(masks) or rates is not None)
    events = search.run(_show_progress(progress, search.size), CHUNK_ELEMENTS)
    _check_someone_is_left(search, ids, start_ts)
    frame = _contacts_frame(_windows(events), ids, sites, start_ts)
    frame = _link_columns(frame, search, stations, masks, rates)
    units = {**UNITS, **{c: u for c, u in frame.attrs.get("units", {}).items() if c in frame}}  # + volumes
    frame.attrs.update({"start": start_ts, "end": end_ts, "step_s": step,
                        "propagations": search.propagations, "units": units})
    logger.info("%d contact windows for %d satellites x %d stations in %.0f s (step %.1f s)",
                len(frame), len(ids), len(sites.station_id), duration_s, step)
    return frame


def _check_someone_is_left(search: ContactSearch, ids: np.ndarray, start: pd.Timestamp) -> None:
    """Raise when SGP4 failed for every satellite at or before the window's first sample (nothing to schedule)."""
    if len(ids) and len(search.sites.station_id) and bool(np.all(search.last_valid <= 0)):
        raise SatelliteDataError(
            f"compute_contacts: no satellite is left to schedule: SGP4 fails (e.g. decay) for all {len(ids)} "
            f"satellites at or before the window start {start:%Y-%m-%d %H:%M} UTC; use element sets with an "
            "epoch near the window")


def default_step_s(satrecs: list) -> float:
    """Return the default grid step (s): 1/``SAMPLES_PER_ORBIT`` of the fastest orbit at perigee."""
    if not satrecs:
        return 60.0
    return float(np.clip(_fastest_period_s(satrecs) / SAMPLES_PER_ORBIT, MIN_STEP_S, MAX_STEP_S))


def _fastest_period_s(satrecs: list) -> float:
    """Return 2 pi over the largest perigee angular rate among the satellites, s."""
    n_rad_min = np.array([sat.no_kozai for sat in satrecs])
    ecc = np.clip([sat.ecco for sat in satrecs], 0.0, 0.99)
    perigee_rate = n_rad_min * (1 + ecc) ** 2 / (1 - ecc**2) ** 1.5
    return float(2 * np.pi / np.nanmax(perigee_rate) * 60.0)


def _utc_window(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return ``start``/``end`` as UTC Timestamps (naive means UTC); raise if empty."""
    stamps = []
    for label, value in (("start", start), ("end", end)):
        try:
            stamp = utc(value)
        except (TypeError, ValueError) as exc:
            raise GstkError(f"compute_contacts: {label}={value!r} is not a time; "
                            "expected anything pandas.Timestamp accepts, e.g. '2025-03-11T00:00Z'") from exc
        stamps.append(stamp.as_unit("ns"))
    if not stamps[1] > stamps[0]:
        raise GstkError(f"compute_contacts: end {stamps[1]} is not after start {stamps[0]}; "
                        "pass a window with end > start")
    return stamps[0], stamps[1]


def _satellite_inputs(satellites: Any) -> tuple[np.ndarray, np.ndarray, list]:
    """Return ids, names and Satrecs of a Satellites-like object."""
    try:
        satrecs = list(satellites.satrecs)
        ids = np.asarray([str(x) for x in satellites.satellite_id], dtype=object)
    except (AttributeError, TypeError) as exc:
        raise SatelliteDataError(
            f"compute_contacts: satellites of type {type(satellites).__name__} has no 'satrecs'/"
            "'satellite_id'; expected gstk.orbits.satellites.Satellites (e.g. from gstk.load_satellites)") from exc
    if len(ids) != len(satrecs):
        raise SatelliteDataError(f"compute_contacts: {len(ids)} satellite ids for {len(satrecs)} satrecs; "
                                 "expected one id per satellite")
    names = np.asarray([str(x) for x in getattr(satellites, "name", ids)], dtype=object)
    return ids, names if len(names) == len(ids) else ids, satrecs


def _link_columns(frame: pd.DataFrame, search: ContactSearch, stations: pd.DataFrame, masks: Mapping,
                  rates: StationRates | None) -> pd.DataFrame:
    """Return the windows cut to the horizon masks, with volumes under the rate models when given.

    Both sample the passes on the search's own grid states (Hermite arcs between them), no SGP4 again.
    """
    if not len(frame) or (not masks and rates is None):
        return frame
    frames, states = station_frames(stations), GridStates(*search.grid_states())
    satrecs, ids, sites, start = search.satrecs, search.ids, search.sites, search.start
    if masks:
        mask = (stations["min_elevation_deg"].to_numpy(np.float64) if "min_elevation_deg" in stations
                else np.full(len(stations), DEFAULT_ELEVATION_MASK_DEG))
        frame = apply_horizon_masks(frame, satrecs, ids, sites.station_id, frames, mask, masks, start, states)
    if rates is not None:
        frame = with_volumes(frame, states, ids, sites.station_id, sites.provider, frames, rates)
    return frame


def _station_geometry(stations: pd.DataFrame, masks: Mapping | None = None) -> Sites:
    """Validate the stations table and precompute positions, zeniths and masks."""
    missing = [c for c in ("station_id", "lat_deg", "lon_deg") if c not in getattr(stations, "columns", ())]
    if missing:
        raise StationDataError(f"compute_contacts: stations table lacks column(s) {missing}; "
                               "expected the table of gstk.load_stations()")
    n = len(stations)
    lat, lon = (stations[c].to_numpy(np.float64) for c in ("lat_deg", "lon_deg"))
    alt = stations["alt_m"].to_numpy(np.float64) if "alt_m" in stations else np.zeros(n)
    mask = (stations["min_elevation_deg"].to_numpy(np.float64) if "min_elevation_deg" in stations
            else np.full(n, DEFAULT_ELEVATION_MASK_DEG))
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt) & np.isfinite(mask)
            & (np.abs(lat) <= 90) & (np.abs(mask) <= 90))
    if bad.any():
        rows = list(stations.index[bad])
        raise StationDataError(f"compute_contacts: stations rows {rows} have missing or out-of-range "
                               "lat_deg/lon_deg/alt_m/min_elevation_deg; fix or drop them", rows)
    if masks:  # bracket with the lowest limit; masks.py refines against the azimuth-dependent one
        mask = search_mask_deg(np.asarray(stations["station_id"].astype(str)), mask, masks)
    site, up = orbits.station_ecef_km(lat, lon, alt), orbits.station_enu_axes(lat, lon)[:, 2]
    to_height, to_range2 = np.zeros((5, n)), np.zeros((5, n))
    to_height[:3], to_height[4] = up.T, -np.einsum("sk,sk->s", site, up)
    to_range2[:3], to_range2[3], to_range2[4] = -2 * site.T, 1.0, np.einsum("sk,sk->s", site, site)
    provider = stations["provider"] if "provider" in stations else pd.Series([""] * n)
    return Sites(np.asarray(stations["station_id"].astype(str), dtype=object),
                  np.asarray(provider.astype(str), dtype=object), site.T.copy(), up.T.copy(),
                  np.sin(np.radians(mask)),
                  to_height, to_range2)


def _checked_step(step_s: float, satrecs: list) -> float:
    """Return ``step_s`` as a float; raise if not positive, log a warning if too coarse to be safe."""
    step = float(step_s)
    if not (np.isfinite(step) and step > 0):
        raise GstkError(f"compute_contacts: step_s={step_s!r} must be a positive number of seconds, e.g. 60")
    if satrecs and step > _fastest_period_s(satrecs) / 20:
        logger.warning("step_s=%g s is over 1/20 of the fastest orbit (%.0f s): short passes may be "
                       "missed; the default is 1/%d", step, _fastest_period_s(satrecs), SAMPLES_PER_ORBIT)
    return step


def _coarse_grid(grid_s: np.ndarray, satrecs: list) -> bool:
    """Return whether the grid is coarser than the default, so every culmination needs exact SGP4.

    Cubic peaks are within ~2e-4 deg / 0.01 s of SGP4's up to the default step; beyond it
    (error grows as step**4) every culmination is polished on exact SGP4.
    """
    return bool(len(grid_s) > 1 and grid_s[1] * SAMPLES_PER_ORBIT > 1.0001 * _fastest_period_s(satrecs))


def _time_grid_s(duration_s: float, step_s: float) -> np.ndarray:
    """Return sample times (s since start): every ``step_s``, plus ``duration_s`` itself."""
    if duration_s / step_s > MAX_GRID_SAMPLES:
        raise GstkError(f"compute_contacts: step_s={step_s:g} s gives {duration_s / step_s:.3g} samples over the "
                        f"{duration_s:g} s window; expected at most {MAX_GRID_SAMPLES:.0e} (a step of at least "
                        f"{duration_s / MAX_GRID_SAMPLES:.3g} s), e.g. the default step")
    grid = np.arange(0.0, duration_s, step_s)
    return grid if grid[-1] == duration_s else np.append(grid, duration_s)


def _show_progress(progress: bool | None, size: float) -> bool:
    """Decide whether to draw a progress bar (``None``: large job in a terminal or notebook)."""
    if progress is not None:
        return bool(progress)
    interactive = bool(getattr(sys.stderr, "isatty", lambda: False)()) or "ipykernel" in sys.modules
    return interactive and size > AUTO_PROGRESS_ELEMENTS


class _Windows(NamedTuple):
    pair: np.ndarray
    aos_s: np.ndarray
    los_s: np.ndarray
    aos_clipped: np.ndarray
    los_clipped: np.ndarray
    max_sin: np.ndarray
    t_max_s: np.ndarray


def _windows(events: list[Events]) -> _Windows:
    """Pair each rise with the next set of the same satellite-station pair; attach the culmination."""
    if not events:
        return _Windows(*(np.empty(0) for _ in range(7)))
    ev = Events(*(np.concatenate(parts) for parts in zip(*events)))
    rise_pair = np.concatenate([ev.root_pair[ev.rising], ev.open_pair])
    rise_t = np.concatenate([ev.root_t[ev.rising], np.zeros(len(ev.open_pair))])
    set_pair = np.concatenate([ev.root_pair[~ev.rising], ev.close_pair])
    set_t = np.concatenate([ev.root_t[~ev.rising], ev.close_t])
    ro, so = np.lexsort((rise_t, rise_pair)), np.lexsort((set_t, set_pair))
    n_open = len(ev.open_pair)
    aos_clipped = np.arange(len(rise_pair))[ro] >= len(rise_pair) - n_open
    los_clipped = np.arange(len(set_pair))[so] >= len(set_pair) - len(ev.close_pair)
    pair, aos, los = rise_pair[ro], rise_t[ro], set_t[so]
    if len(rise_pair) != len(set_pair) or np.any(pair != set_pair[so]) or np.any(aos > los):
        raise RuntimeError("gstk.contacts: rises and sets do not alternate; please report this with "
                           "the satellites, stations and window used")
    max_sin, t_max = _window_peaks(pair, aos, los, ev.max_pair, ev.max_t, ev.max_sin)
    return _Windows(pair, aos, los, aos_clipped, los_clipped, max_sin, t_max)


def _window_peaks(pair, aos, los, m_pair, m_t, m_sin):
    """Return, per window, the largest culmination inside it and its time.

    Windows are sorted by (pair, aos); the integer key ``pair * span + t`` (microseconds) orders
    windows and culminations alike, so one ``searchsorted`` finds each culmination's window.
    """
    n = len(pair)
    span_us = int(max(np.max(los, initial=0.0), np.max(m_t, initial=0.0)) * 1e6) + 2
    if (np.max(pair, initial=0) + 1) * float(span_us) < 2.0**62:
        def key(p, t):
            return p.astype(np.int64) * span_us + np.floor(t * 1e6).astype(np.int64)
    else:  # beyond int64: float keys, exact to (pairs x span) * 1e-16
        def key(p, t):
            return p * (span_us * 1e-6) + t
    w = np.searchsorted(key(pair, aos), key(m_pair, m_t), side="right") - 1
    ok = w >= 0
    ok[ok] = (pair[w[ok]] == m_pair[ok]) & (m_t[ok] <= los[w[ok]] + TIME_TOLERANCE_S)
    w, m_t, m_sin = w[ok], m_t[ok], m_sin[ok]
    best = np.argsort(w * 4.0 + m_sin, kind="stable")  # by window, then sin(el) in [-1, 1]
    last = best[np.append(w[best][1:] != w[best][:-1], True)] if len(best) else best
    max_sin, t_max = np.full(n, np.nan), aos.copy()
    max_sin[w[last]], t_max[w[last]] = m_sin[last], m_t[last]
    return max_sin, t_max


def _contacts_frame(w: _Windows, ids: np.ndarray, sites: Sites, start: pd.Timestamp) -> pd.DataFrame:
    """Return the contacts table, sorted by (satellite_id, station_id, aos)."""
    n_st = max(len(sites.station_id), 1)
    k, s = (w.pair // n_st).astype(int), (w.pair % n_st).astype(int)
    sat_rank, st_rank = (np.unique(x, return_inverse=True)[1] if len(x) else np.empty(0, int)
                         for x in (ids, sites.station_id))
    order = np.lexsort((w.aos_s, st_rank[s], sat_rank[k]))

    def stamps(seconds):
        ns = start.value + np.rint(np.asarray(seconds, np.float64)[order] * 1e9).astype(np.int64)
        return utc_index(ns.astype("datetime64[ns]"))

    max_sin = w.max_sin[order].astype(np.float64)
    missing = np.isnan(max_sin)  # no culmination found: cannot happen for a sampled or short pass
    if missing.any():
        logger.warning("%d windows without a culmination; reporting their mask", missing.sum())
        max_sin[missing] = sites.sin_mask[s[order][missing]]
    max_sin = np.clip(max_sin, -1.0, 1.0)
    return pd.DataFrame({
        "satellite_id": pd.array(ids[k[order]], dtype="str"),
        "station_id": pd.array(sites.station_id[s[order]], dtype="str"),
        "provider": pd.array(sites.provider[s[order]], dtype="str"),
        "aos": stamps(w.aos_s), "los": stamps(w.los_s),
        "duration_s": (w.los_s - w.aos_s)[order].astype(np.float64),
        "max_elevation_deg": np.degrees(np.arcsin(max_sin)),
        "t_max_elevation": stamps(w.t_max_s),
        "aos_clipped": w.aos_clipped[order].astype(bool), "los_clipped": w.los_clipped[order].astype(bool),
        "aos_s": w.aos_s[order].astype(np.float64), "los_s": w.los_s[order].astype(np.float64),
    }, columns=list(COLUMNS))


log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- contact tables
def clip_contacts(contacts: pd.DataFrame, start, end) -> pd.DataFrame:
    """Return the contacts of a longer table that overlap [start, end], clipped to it.

    Equivalent to computing the contacts of [start, end] directly (SGP4 is
    deterministic): windows cut by the new boundaries get ``aos_clipped`` /
    ``los_clipped``; ``aos_s``/``los_s`` count from the new start.  A ``volume_bit`` column (rate
    model) is scaled by the kept share of each cut window: exact at a constant rate, an
    approximation where the rate varies over the pass (:func:`gstk.contacts.volumes.integrate_volumes`
    integrates them again exactly).
    """
    t0, t1 = utc(start), utc(end)
    if t1 <= t0:
        raise GstkError(f"clip_contacts: end {t1} is not after start {t0}")
    kept = contacts[(contacts["los"] > t0) & (contacts["aos"] < t1)].copy()
    cut_start, cut_end = kept["aos"] < t0, kept["los"] > t1
    kept["aos"] = kept["aos"].where(~cut_start, t0)
    kept["los"] = kept["los"].where(~cut_end, t1)
    whole_s = kept["duration_s"].to_numpy(float) if "duration_s" in kept else None
    kept["duration_s"] = (kept["los"] - kept["aos"]).dt.total_seconds()
    if "volume_bit" in kept and whole_s is not None:  # prorated at the window's mean rate
        share = np.where(whole_s > 0, kept["duration_s"].to_numpy(float) / np.where(whole_s > 0, whole_s, 1.0), 1.0)
        kept["volume_bit"] = kept["volume_bit"].to_numpy(float) * share
    if "aos_clipped" in kept:
        kept["aos_clipped"] = kept["aos_clipped"].astype(bool) | cut_start
        kept["los_clipped"] = kept["los_clipped"].astype(bool) | cut_end
    kept["aos_s"] = (kept["aos"] - t0).dt.total_seconds()
    kept["los_s"] = (kept["los"] - t0).dt.total_seconds()
    kept = kept.reset_index(drop=True)
    kept.attrs = {**contacts.attrs, "start": t0, "end": t1}
    return kept
