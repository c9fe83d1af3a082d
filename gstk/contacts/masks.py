"""Horizon masks: per-station elevation masks that depend on azimuth (terrain, buildings, radomes).

A :class:`HorizonMask` is a table of ``(azimuth_deg, elevation_deg)`` points, linear in azimuth
between them and wrapping at 360 deg.  The station's limit at azimuth az is
``max(min_elevation_deg, mask(az))``: the mask raises the station's scalar mask where terrain is
higher, never lowers it.

:func:`apply_horizon_masks` keeps the contact search as it is, bracketing with the scalar
``max(min_elevation_deg, min(mask))`` (every true contact lies inside one of those windows), then
refines each window against the azimuth-dependent limit: the window is sampled every
:data:`MASK_STEP_S` (:mod:`gstk.contacts.profiles`), each change of side is bisected on exact
SGP4 look angles to :data:`~gstk.contacts.search.TIME_TOLERANCE_S`, and a pass that terrain blocks
mid-way splits into several windows.  Terrain that blocks or clears the satellite for less than
one sample step may be missed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gstk.contacts.profiles import GridStates, StationFrames, exact_look, pass_profiles
from gstk.contacts.search import TIME_TOLERANCE_S
from gstk.errors import GstkError, StationDataError
from gstk.times import utc_index

__all__ = ["MASK_STEP_S", "HorizonMask", "horizon_masks_of", "search_mask_deg", "apply_horizon_masks"]

#: Sample step of the refinement, s: terrain features narrower than this along the pass may be missed.
MASK_STEP_S = 1.0
#: How far below the limit (deg) a window's own AOS/LOS may be and still count as on it (the search
#: finds them to 1 ms, ~1e-4 deg at LEO rates; the mask's min is met there exactly).
_EDGE_TOLERANCE_DEG = 1e-3


@dataclass(frozen=True)
class HorizonMask:
    """Elevation mask against azimuth (deg from north, clockwise), linear between points, wrapping at 360.

    Examples
    --------
    >>> mask = HorizonMask.from_points([(0, 5), (90, 15), (180, 5), (270, 5)])
    >>> mask.elevation_deg_at(np.array([45.0, 90.0, 315.0, 360.0])).tolist()
    [10.0, 15.0, 5.0, 5.0]
    """

    azimuth_deg: tuple[float, ...]
    elevation_deg: tuple[float, ...]

    def __post_init__(self):
        az = tuple(float(a) for a in self.azimuth_deg)
        el = tuple(float(e) for e in self.elevation_deg)
        if not az or len(az) != len(el):
            raise GstkError(f"HorizonMask: {len(az)} azimuths for {len(el)} elevations; expected (azimuth_deg, "
                            "elevation_deg) points, at least one")
        for i, (a, e) in enumerate(zip(az, el)):
            if not (np.isfinite(a) and np.isfinite(e) and 0 <= a < 360 and -90 <= e <= 90) or (
                    i and not a > az[i - 1]):
                raise GstkError(f"HorizonMask point {i} = ({a!r}, {e!r}): expected azimuths strictly increasing "
                                "in [0, 360) deg and elevations within [-90, 90] deg")
        object.__setattr__(self, "azimuth_deg", az)
        object.__setattr__(self, "elevation_deg", el)

    @classmethod
    def from_points(cls, points: Iterable[Iterable[float]]) -> "HorizonMask":
        """Return the mask of ``(azimuth_deg, elevation_deg)`` points (sorted by azimuth here)."""
        try:
            pairs = sorted((float(a), float(e)) for a, e in points)
        except (TypeError, ValueError):
            raise GstkError(f"HorizonMask: expected (azimuth_deg, elevation_deg) points, got {points!r:.80}") from None
        return cls(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))

    @property
    def min_elevation_deg(self) -> float:
        return min(self.elevation_deg)

    def elevation_deg_at(self, azimuth_deg: np.ndarray) -> np.ndarray:
        """Return the mask's elevation at each azimuth (linear in azimuth, periodic in 360 deg)."""
        return np.interp(np.asarray(azimuth_deg, float) % 360.0, self.azimuth_deg, self.elevation_deg, period=360.0)

    def to_list(self) -> list[list[float]]:
        return [[a, e] for a, e in zip(self.azimuth_deg, self.elevation_deg)]


def horizon_masks_of(masks: Mapping[str, Any] | None, station_ids: Iterable[str]) -> dict[str, HorizonMask]:
    """Return ``{station_id: HorizonMask}`` from masks or point lists; raise on a station not in the table."""
    known = set(map(str, station_ids))
    out = {}
    for station, mask in dict(masks or {}).items():
        if str(station) not in known:
            raise StationDataError(f"horizon_masks: station {station!r} is not in the stations table")
        out[str(station)] = mask if isinstance(mask, HorizonMask) else HorizonMask.from_points(mask)
    return out


def search_mask_deg(station_ids: np.ndarray, min_elevation_deg: np.ndarray,
                    masks: Mapping[str, HorizonMask]) -> np.ndarray:
    """Return the scalar mask the search brackets with: max(min_elevation_deg, min of the station's mask)."""
    lowest = np.array([masks[s].min_elevation_deg if s in masks else -90.0 for s in station_ids], float)
    return np.maximum(np.asarray(min_elevation_deg, float), lowest)


def _limit_deg(s: np.ndarray, azimuth: np.ndarray, floor: np.ndarray, masks: list) -> np.ndarray:
    """Return max(min_elevation_deg, mask(az)) of stations ``s`` at ``azimuth`` (one interpolation per station)."""
    out = floor[s].astype(float)
    grouped = bool(np.all(s[1:] >= s[:-1]))  # profiles of station-sorted windows come in runs
    order = np.arange(len(s)) if grouped else np.argsort(s, kind="stable")
    for idx in np.split(order, np.flatnonzero(np.diff(s[order])) + 1) if len(s) else []:
        mask = masks[s[idx[0]]]
        if mask is not None:
            out[idx] = np.maximum(out[idx], mask.elevation_deg_at(azimuth[idx]))
    return out


def _margin(satrecs, frames, floor, masks, start):
    """Return g(k, s, t) = el - limit(az) on exact SGP4, deg."""
    def g(k, s, t):
        el, az, _ = exact_look(satrecs, frames, k, s, t, start)
        return el - _limit_deg(s, az, floor, masks)
    return g


def _bisect(g, k, s, lo, hi, rising):
    """Return the crossing of g in [lo, hi] (g changes sign there) to TIME_TOLERANCE_S, vectorized."""
    lo, hi = lo.copy(), hi.copy()
    while len(lo) and np.max(hi - lo) > TIME_TOLERANCE_S:
        mid = 0.5 * (lo + hi)
        up = g(k, s, mid) > 0
        below_root = up != rising  # rising: g > 0 after the root
        lo, hi = np.where(below_root, mid, lo), np.where(below_root, hi, mid)
    return 0.5 * (lo + hi)


def apply_horizon_masks(frame: pd.DataFrame, satrecs: list, satellite_ids: np.ndarray, station_ids: np.ndarray,
                        frames: StationFrames, min_elevation_deg: np.ndarray, masks: Mapping[str, HorizonMask],
                        start: pd.Timestamp, states: GridStates) -> pd.DataFrame:
    """Return the contacts table with windows at masked stations cut to the azimuth-dependent limit.

    ``states``: the satellites' SGP4 states on a grid covering the windows (samples come from their
    Hermite arcs); ``satrecs`` give the exact states each crossing is bisected on.
    """
    at_masked = frame["station_id"].isin(list(masks)).to_numpy()
    if not at_masked.any():
        return frame
    rows = frame[at_masked].sort_values("station_id", kind="stable").reset_index(drop=True)
    sat_index = {str(x): i for i, x in enumerate(satellite_ids)}
    st_index = {str(x): i for i, x in enumerate(station_ids)}
    k = rows["satellite_id"].map(sat_index).to_numpy(int)
    s = rows["station_id"].map(st_index).to_numpy(int)
    mask_list = [masks.get(str(x)) for x in station_ids]
    floor = np.asarray(min_elevation_deg, float)
    aos, los = rows["aos_s"].to_numpy(float), rows["los_s"].to_numpy(float)
    grid_step = float(np.max(np.diff(states.t_s), initial=1.0))
    p = pass_profiles(states, frames, k, s, aos, los, substeps=2 * int(np.ceil(grid_step / MASK_STEP_S / 2)))
    g = p.elevation_deg - _limit_deg(s[p.window], p.azimuth_deg, floor, mask_list)
    edge = np.zeros(len(g), bool)
    edge[p.first[:-1]], edge[p.first[1:] - 1] = True, True
    above = np.where(edge, g > -_EDGE_TOLERANCE_DEG, g > 0)
    pieces = _pieces(p, above, _margin(satrecs, frames, floor, mask_list, start), k, s)
    kept = _piece_rows(rows, pieces, satrecs, frames, k, s, start)
    out = pd.concat([frame[~at_masked], kept], ignore_index=True)
    out = out.sort_values(["satellite_id", "station_id", "aos_s"], kind="stable").reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


def _pieces(p, above: np.ndarray, g, k: np.ndarray, s: np.ndarray):
    """Return (window, start_s, end_s, starts_at_aos, ends_at_los) of every run of samples above the limit."""
    same = p.window[1:] == p.window[:-1]
    rise = np.flatnonzero(same & ~above[:-1] & above[1:])
    fall = np.flatnonzero(same & above[:-1] & ~above[1:])
    w_r, w_f = p.window[rise], p.window[fall]
    t_rise = _bisect(g, k[w_r], s[w_r], p.t_s[rise], p.t_s[rise + 1], True)
    t_fall = _bisect(g, k[w_f], s[w_f], p.t_s[fall], p.t_s[fall + 1], False)
    first, last = p.first[:-1], p.first[1:] - 1
    open_first, open_last = np.flatnonzero(above[first]), np.flatnonzero(above[last])
    start_w = np.concatenate([open_first, w_r])
    start_t = np.concatenate([p.t_s[first[open_first]], t_rise])
    end_w = np.concatenate([open_last, w_f])
    end_t = np.concatenate([p.t_s[last[open_last]], t_fall])
    at_aos = np.concatenate([np.ones(len(open_first), bool), np.zeros(len(w_r), bool)])
    at_los = np.concatenate([np.ones(len(open_last), bool), np.zeros(len(w_f), bool)])
    so, eo = np.lexsort((start_t, start_w)), np.lexsort((end_t, end_w))
    if len(so) != len(eo) or np.any(start_w[so] != end_w[eo]):
        raise RuntimeError("gstk.contacts: horizon-mask crossings do not alternate; please report this with "
                           "the satellites, stations, masks and window used")
    return start_w[so], start_t[so], end_t[eo], at_aos[so], at_los[eo]


def _piece_rows(rows: pd.DataFrame, pieces, satrecs, frames, k, s, start: pd.Timestamp) -> pd.DataFrame:
    """Return one contact row per piece: new AOS/LOS, flags, and the highest elevation inside it."""
    w, a, b, at_aos, at_los = pieces
    out = rows.iloc[w].reset_index(drop=True)
    t_max = out["aos_s"].to_numpy(float) + (
        (out["t_max_elevation"] - out["aos"]).dt.total_seconds().to_numpy(float))
    holds_peak = (t_max >= a - TIME_TOLERANCE_S) & (t_max <= b + TIME_TOLERANCE_S)
    ends = np.concatenate([a, b])
    el, _, _ = exact_look(satrecs, frames, np.tile(k[w], 2), np.tile(s[w], 2), ends, start)
    higher_end = np.where(el[:len(a)] >= el[len(a):], a, b)
    new_t_max = np.where(holds_peak, t_max, higher_end)
    out["max_elevation_deg"] = np.where(holds_peak, out["max_elevation_deg"].to_numpy(float),
                                        np.maximum(el[:len(a)], el[len(a):]))
    out["aos_clipped"] = out["aos_clipped"].to_numpy(bool) & at_aos
    out["los_clipped"] = out["los_clipped"].to_numpy(bool) & at_los
    out["aos_s"], out["los_s"], out["duration_s"] = a, b, b - a
    for column, seconds in (("aos", a), ("los", b), ("t_max_elevation", new_t_max)):
        ns = start.value + np.rint(seconds * 1e9).astype(np.int64)
        out[column] = utc_index(ns.astype("datetime64[ns]"))
    return out
