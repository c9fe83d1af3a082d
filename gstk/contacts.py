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

Frames and the Earth model are those of :mod:`gstk.orbits` (GMST-82 with
UT1 = UTC, no polar motion, WGS84 stations, no refraction): against Skyfield's
full model AOS/LOS agree to ~0.1 s and elevations to a few millidegrees.
"""
from __future__ import annotations

import logging
import sys
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sgp4.api import SGP4_ERRORS, SatrecArray

from gstk import orbits
from gstk.errors import DecayedSatelliteWarning, GstkError, SatelliteDataError, StationDataError
from gstk.units import SECONDS_PER_DAY

logger = logging.getLogger(__name__)

#: Default grid: this many samples per orbit (at the perigee angular rate), within the bounds below.
SAMPLES_PER_ORBIT = 60
MIN_STEP_S, MAX_STEP_S = 10.0, 300.0
#: Satellites × samples × stations per chunk: ~8 MB per float64 array keeps memory flat for long windows.
CHUNK_ELEMENTS = 1 << 20
#: Exact-SGP4 Newton polishing stops once the step is below this (the contract asks for 0.1 s).
TIME_TOLERANCE_S = 1e-3
#: Culminations whose cubic value is within this of the mask (sin units, ~0.006 deg, ~30x the cubic's
#: error at the default step) are re-checked on exact SGP4 before a short pass is kept or dropped.
PEAK_CHECK = 1e-4
#: Added to the near-miss bound, in sin(elevation) (~0.006 deg): covers rounding, costs a few refinements.
NEAR_MISS_SLACK = 1e-4
#: Default elevation mask when the stations table has no ``min_elevation_deg`` (formulation §8).
DEFAULT_MIN_ELEVATION_DEG = 10.0
#: Automatic progress bars only for jobs with more satellite × station × sample elements than this.
AUTO_PROGRESS_ELEMENTS = 2e8
_TAU_TOLERANCE = 1e-9
_MAX_ITERATIONS = 40
_ROWS_PER_BLOCK = 512
_SCAN_SAMPLES = 500

COLUMNS = ("satellite_id", "station_id", "provider", "aos", "los", "duration_s", "max_elevation_deg",
           "t_max_elevation", "aos_clipped", "los_clipped", "aos_s", "los_s")
UNITS = {"aos": "UTC", "los": "UTC", "duration_s": "s", "max_elevation_deg": "deg",
         "t_max_elevation": "UTC", "aos_s": "s since start", "los_s": "s since start"}


def compute_contacts(satellites: Any, stations: pd.DataFrame, start: Any, end: Any, *,
                     step_s: float | None = None, progress: bool | None = None) -> pd.DataFrame:
    """Return every contact window of every satellite over every station in [start, end].

    Parameters
    ----------
    satellites : gstk.satellites.Satellites
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

    Returns
    -------
    pandas.DataFrame
        One row per window, sorted by (satellite_id, station_id, aos): ``satellite_id``,
        ``station_id``, ``provider``, ``aos``, ``los`` (UTC, clipped to [start, end]),
        ``duration_s``, ``max_elevation_deg``, ``t_max_elevation``, ``aos_clipped`` (open at
        start), ``los_clipped`` (open at end, or when SGP4 failed), ``aos_s``, ``los_s``
        (s since start).  ``attrs``: ``start``, ``end``, ``step_s``, ``propagations`` (SGP4
        evaluations made), ``units``.

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
    sites = _station_geometry(stations)
    step = default_step_s(satrecs) if step_s is None else _checked_step(step_s, satrecs)
    duration_s = (end_ts - start_ts).total_seconds()
    search = _Search(satrecs, ids, names, sites, start_ts, _time_grid_s(duration_s, step))
    events = search.run(_show_progress(progress, search.size))
    frame = _contacts_frame(_windows(events), ids, sites, start_ts)
    frame.attrs.update({"start": start_ts, "end": end_ts, "step_s": step,
                        "propagations": search.propagations, "units": dict(UNITS)})
    logger.info("%d contact windows for %d satellites x %d stations in %.0f s (step %.1f s)",
                len(frame), len(ids), len(sites.station_id), duration_s, step)
    return frame


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


# ----------------------------------------------------------------------------- inputs

def _utc_window(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return ``start``/``end`` as UTC Timestamps (naive means UTC); raise if empty."""
    stamps = []
    for label, value in (("start", start), ("end", end)):
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError) as exc:
            raise GstkError(f"compute_contacts: {label}={value!r} is not a time; "
                            "expected anything pandas.Timestamp accepts, e.g. '2025-03-11T00:00Z'") from exc
        stamp = stamp.tz_localize("UTC") if stamp.tz is None else stamp.tz_convert("UTC")
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
            "'satellite_id'; expected gstk.satellites.Satellites (e.g. from gstk.load_satellites)") from exc
    if len(ids) != len(satrecs):
        raise SatelliteDataError(f"compute_contacts: {len(ids)} satellite ids for {len(satrecs)} satrecs; "
                                 "expected one id per satellite")
    names = np.asarray([str(x) for x in getattr(satellites, "name", ids)], dtype=object)
    return ids, names if len(names) == len(ids) else ids, satrecs


@dataclass(frozen=True)
class _Sites:
    """Station geometry as the search needs it."""

    station_id: np.ndarray
    provider: np.ndarray
    site_t: np.ndarray  # (3, S) Earth-fixed position, km
    up_t: np.ndarray  # (3, S) geodetic zenith
    sin_mask: np.ndarray  # (S,)
    to_height: np.ndarray  # (5, S): [r, |r|^2, 1] @ to_height = rho . up
    to_range2: np.ndarray  # (5, S): [r, |r|^2, 1] @ to_range2 = |rho|^2


def _station_geometry(stations: pd.DataFrame) -> _Sites:
    """Validate the stations table and precompute positions, zeniths and masks."""
    missing = [c for c in ("station_id", "lat_deg", "lon_deg") if c not in getattr(stations, "columns", ())]
    if missing:
        raise StationDataError(f"compute_contacts: stations table lacks column(s) {missing}; "
                               "expected the table of gstk.load_stations()")
    n = len(stations)
    lat, lon = (stations[c].to_numpy(np.float64) for c in ("lat_deg", "lon_deg"))
    alt = stations["alt_m"].to_numpy(np.float64) if "alt_m" in stations else np.zeros(n)
    mask = (stations["min_elevation_deg"].to_numpy(np.float64) if "min_elevation_deg" in stations
            else np.full(n, DEFAULT_MIN_ELEVATION_DEG))
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt) & np.isfinite(mask)
            & (np.abs(lat) <= 90) & (np.abs(mask) <= 90))
    if bad.any():
        rows = list(stations.index[bad])
        raise StationDataError(f"compute_contacts: stations rows {rows} have missing or out-of-range "
                               "lat_deg/lon_deg/alt_m/min_elevation_deg; fix or drop them", rows)
    site, up = orbits.station_ecef_km(lat, lon, alt), orbits.station_enu_axes(lat, lon)[:, 2]
    to_height, to_range2 = np.zeros((5, n)), np.zeros((5, n))
    to_height[:3], to_height[4] = up.T, -np.einsum("sk,sk->s", site, up)
    to_range2[:3], to_range2[3], to_range2[4] = -2 * site.T, 1.0, np.einsum("sk,sk->s", site, site)
    provider = stations["provider"] if "provider" in stations else pd.Series([""] * n)
    return _Sites(np.asarray(stations["station_id"].astype(str), dtype=object),
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


def _time_grid_s(duration_s: float, step_s: float) -> np.ndarray:
    """Return sample times (s since start): every ``step_s``, plus ``duration_s`` itself."""
    grid = np.arange(0.0, duration_s, step_s)
    return grid if grid[-1] == duration_s else np.append(grid, duration_s)


def _show_progress(progress: bool | None, size: float) -> bool:
    """Decide whether to draw a progress bar (``None``: large job in a terminal or notebook)."""
    if progress is not None:
        return bool(progress)
    interactive = bool(getattr(sys.stderr, "isatty", lambda: False)()) or "ipykernel" in sys.modules
    return interactive and size > AUTO_PROGRESS_ELEMENTS


# ----------------------------------------------------------------------------- geometry
# Vectors are stored component-major, shape (3, m): gathers and dot products on such rows are
# several times faster than on (m, 3) arrays with fancy indexing.

def _take3(vectors: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Return columns ``idx`` of a (3, N) array, shape (3, m)."""
    return np.take(vectors, idx, axis=1)


def _dot3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _sin_elevation_and_rate(rho: np.ndarray, rho_rate: np.ndarray, up: np.ndarray):
    """Return sin(el) = (rho . up) / |rho| and its time derivative for line-of-sight vectors (3, m)."""
    n, n_rate = _dot3(rho, up), _dot3(rho_rate, up)
    d2, rd = _dot3(rho, rho), _dot3(rho, rho_rate)
    d = np.sqrt(d2)
    return n / d, n_rate / d - n * rd / (d2 * d)


def _polyval(coef: np.ndarray, x: np.ndarray, second: bool = False):
    """Return p(x), p'(x) (and p''(x)) of many polynomials, ``coef[i]`` multiplying x**i (Horner)."""
    p, dp, ddp = coef[-1], np.zeros_like(x), np.zeros_like(x)
    for c in coef[-2::-1]:
        if second:
            ddp = ddp * x + 2 * dp
        dp = dp * x + p
        p = p * x + c
    return (p, dp, ddp) if second else (p, dp)


def _polymul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the coefficients of the products of polynomials ``a`` and ``b`` (ascending, per column)."""
    out = np.zeros((len(a) + len(b) - 1, a.shape[1]))
    for i, ai in enumerate(a):
        out[i:i + len(b)] += ai * b
    return out


class _Arcs(NamedTuple):
    """Line of sight over one grid step as cubic Hermite arcs, tau in [0, 1].

    With rho(tau) = c0 + c1 tau + c2 tau^2 + c3 tau^3, ``n`` holds the coefficients of
    N = rho . up (degree 3) and ``e`` those of E = |rho|^2 (degree 6), so sin(el) = N / sqrt(E).
    """

    n: np.ndarray  # (4, m)
    e: np.ndarray  # (7, m)

    def take(self, idx: np.ndarray) -> _Arcs:
        return _Arcs(self.n[:, idx], self.e[:, idx])

    def sin_elevation(self, tau: np.ndarray):
        """Return sin(el) and its first and second derivatives with respect to tau."""
        n, dn, ddn = _polyval(self.n, tau, second=True)
        e, de, dde = _polyval(self.e, tau, second=True)
        u = 1 / np.sqrt(e)  # u = E^-1/2, u' = -E' u^3 / 2, u'' = 3 E'^2 u^5 / 4 - E'' u^3 / 2
        du, ddu = -0.5 * de * u**3, 0.75 * de**2 * u**5 - 0.5 * dde * u**3
        return n * u, dn * u + n * du, ddn * u + 2 * dn * du + n * ddu

    def mask_margin(self, tau: np.ndarray, sin_mask: np.ndarray):
        """Return N - sin(mask) sqrt(E) (same sign and roots as sin el - sin mask) and its slope."""
        n, n_rate = _polyval(self.n, tau)
        e, e_rate = _polyval(self.e, tau)
        d = np.sqrt(e)
        return n - sin_mask * d, n_rate - sin_mask * e_rate / (2 * d)

    def peak_tau(self) -> np.ndarray:
        """Return tau of the highest point of each arc (an end when sin el is monotone on it)."""
        order = np.arange(1, 7)[:, None]
        # H = N' E - N E' / 2 = E^1.5 d(sin el)/dtau: a degree-8 polynomial with the rate's sign.
        h = _polymul(self.n[1:] * order[:3], self.e) - 0.5 * _polymul(self.n, self.e[1:] * order)
        h0, h1 = h[0], h.sum(axis=0)
        turns = (h0 > 0) & (h1 < 0)
        guess = np.where(turns, h0 / np.where(turns, h0 - h1, 1.0), 0.5)
        m = len(h0)
        tau = _bracketed_newton(lambda idx, x: _polyval(h[:, idx], x), np.zeros(m), np.ones(m), guess,
                                np.zeros(m, bool), _TAU_TOLERANCE)
        return np.where(h0 <= 0, 0.0, np.where(h1 >= 0, 1.0, tau))


def _bracketed_newton(fun, lo, hi, x, increasing, tol, iterations=_MAX_ITERATIONS):
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


# ----------------------------------------------------------------------------- search

class _Events(NamedTuple):
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


class _Search:
    """Chunked grid search plus refinement; holds what every chunk shares."""

    def __init__(self, satrecs, ids, names, sites: _Sites, start: pd.Timestamp, grid_s: np.ndarray):
        self.satrecs, self.ids, self.names, self.sites, self.grid = satrecs, ids, names, sites, grid_s
        self.start = start
        jd, fr = orbits.julian_dates(start)
        self.jd0, self.fr0 = float(jd[0]), float(fr[0])
        self.n_sat, self.n_st = len(satrecs), len(sites.station_id)
        self.last_valid = np.full(self.n_sat, len(grid_s) - 1)  # last sample before any SGP4 error
        self.size = float(self.n_sat) * self.n_st * len(grid_s)
        self.propagations = 0  # SGP4 evaluations, grid and refinement (reported in attrs)
        # Cubic peaks are within ~2e-4 deg / 0.01 s of SGP4's up to the default step; beyond it
        # (error grows as step**4) every culmination is polished on exact SGP4.
        coarse = len(grid_s) > 1 and grid_s[1] * SAMPLES_PER_ORBIT > 1.0001 * _fastest_period_s(satrecs)
        self.exact_peaks = bool(coarse)

    def run(self, progress: bool) -> list[_Events]:
        """Search every chunk; return their events."""
        if self.n_sat == 0 or self.n_st == 0:
            return []
        from tqdm.auto import tqdm

        sat_array = SatrecArray(self.satrecs)
        self._check_before_start(sat_array)
        n = len(self.grid)
        per_chunk = max(8, CHUNK_ELEMENTS // (self.n_sat * self.n_st))
        work = _Workspace(self.n_sat * min(per_chunk + 2, n), self.n_st)
        bounds = [(a, min(a + per_chunk, n)) for a in range(0, n, per_chunk)]
        return [self._chunk_events(self._chunk(sat_array, a, b, work), work)
                for a, b in tqdm(bounds, desc="contacts", unit="chunk", disable=not progress)]

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

    def _chunk_events(self, c: _Chunk, work: _Workspace) -> _Events:
        """Return the chunk's roots, culminations and boundary states."""
        crossings = self._crossings(c, work)
        max_pair, max_t, max_sin, short = self._culminations(c, work)
        root_pair, root_t, rising = self._roots(c, crossings, short)
        open_pair, open_sin, close_pair, close_t, close_sin = self._boundary_states(c)
        return _Events(root_pair, root_t, rising, np.concatenate([max_pair, open_pair, close_pair]),
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
        rho = _take3(c.r_t, q) - _take3(self.sites.site_t, s)
        _, rate = _sin_elevation_and_rate(rho, _take3(c.v_t, q), _take3(self.sites.up_t, s))
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
        for _ in range(_MAX_ITERATIONS):
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
        tau = _bracketed_newton(lambda idx, x: arcs.take(idx).mask_margin(x, sin_mask[idx]),
                                tau_lo, tau_hi, guess, rising, _TAU_TOLERANCE)
        k = q // c.n
        t = _bracketed_newton(lambda idx, x: self._exact_margin(k[idx], s[idx], x),
                              t_lo, t_hi, np.clip(t0 + tau * h, t_lo, t_hi), rising, TIME_TOLERANCE_S)
        return k * s_n + s, t, rising

    def _exact_margin(self, k, s, t):
        """Return exact sin(el) - sin(mask) and its rate; (0, inf) where SGP4 fails, so Newton stops."""
        g, rate = self._exact(k, s, t)
        bad = ~(np.isfinite(g) & np.isfinite(rate))
        return np.where(bad, 0.0, g - self.sites.sin_mask[s]), np.where(bad, np.inf, rate)

    def _arcs(self, c: _Chunk, q: np.ndarray, s: np.ndarray) -> tuple[_Arcs, np.ndarray, np.ndarray]:
        """Return the Hermite arcs from samples ``q`` to ``q + 1`` seen from stations ``s``, start, step."""
        j = q % c.n
        t0 = c.t[j]
        h = c.t[j + 1] - t0
        site, up = _take3(self.sites.site_t, s), _take3(self.sites.up_t, s)
        p0, p1 = _take3(c.r_t, q) - site, _take3(c.r_t, q + 1) - site
        v0, v1 = _take3(c.v_t, q) * h, _take3(c.v_t, q + 1) * h
        coeffs = (p0, v0, 3 * (p1 - p0) - 2 * v0 - v1, 2 * (p0 - p1) + v0 + v1)
        n = np.stack([_dot3(ci, up) for ci in coeffs])
        e = np.zeros((7, len(q)))
        for i_a, ca in enumerate(coeffs):
            e[2 * i_a] += _dot3(ca, ca)
            for i_b in range(i_a + 1, 4):
                e[i_a + i_b] += 2 * _dot3(ca, coeffs[i_b])
        return _Arcs(n, e), t0, h

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
        return _sin_elevation_and_rate(r.T - _take3(self.sites.site_t, s), v.T, _take3(self.sites.up_t, s))

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


# ----------------------------------------------------------------------------- assembly

class _Windows(NamedTuple):
    pair: np.ndarray
    aos_s: np.ndarray
    los_s: np.ndarray
    aos_clipped: np.ndarray
    los_clipped: np.ndarray
    max_sin: np.ndarray
    t_max_s: np.ndarray


def _windows(events: list[_Events]) -> _Windows:
    """Pair each rise with the next set of the same satellite-station pair; attach the culmination."""
    if not events:
        return _Windows(*(np.empty(0) for _ in range(7)))
    ev = _Events(*(np.concatenate(parts) for parts in zip(*events)))
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


def _contacts_frame(w: _Windows, ids: np.ndarray, sites: _Sites, start: pd.Timestamp) -> pd.DataFrame:
    """Return the contacts table, sorted by (satellite_id, station_id, aos)."""
    n_st = max(len(sites.station_id), 1)
    k, s = (w.pair // n_st).astype(int), (w.pair % n_st).astype(int)
    sat_rank, st_rank = (np.unique(x, return_inverse=True)[1] if len(x) else np.empty(0, int)
                         for x in (ids, sites.station_id))
    order = np.lexsort((w.aos_s, st_rank[s], sat_rank[k]))

    def stamps(seconds):
        ns = start.value + np.rint(np.asarray(seconds, np.float64)[order] * 1e9).astype(np.int64)
        return pd.DatetimeIndex(ns.astype("datetime64[ns]")).tz_localize("UTC")

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
