"""The verifier's own operations arithmetic: outages, provider minima, turnaround and slew conflicts.

Written apart from :mod:`gstk.problem.prefilters` and :mod:`gstk.model.cliques`, on the
same conventions (:mod:`gstk.problem.operations`):

* an outage [o0, o1) of station s hits a contact at s when a < o1 and o0 < b; with
  ``mode='clip'`` the contact becomes its parts outside every outage, with 'drop' it
  is not eligible;
* a contact at provider p must last at least max(d_min, d_p) (15);
* two taken contacts i, j at one station conflict when a_i < b_j + tau_s and
  a_j < b_i + tau_s (the LOS-to-AOS gap is shorter than the turnaround tau_s), and the
  station holds at most A_s such padded contacts at once; two taken contacts of one
  satellite at different stations conflict when they are closer than its slew time.

Examples
--------
>>> closer_than(np.array([0., 130.]), np.array([100., 200.]), 60.0).tolist()
[[0, 1]]
>>> closer_than(np.array([0., 170.]), np.array([100., 200.]), 60.0).tolist()
[]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from gstk.problem import specs
from gstk.times import utc

__all__ = ["outage_windows", "clip_to_outages", "hits_outage", "minimum_duration_s", "turnaround_by_station_s",
           "slew_by_satellite_s", "closer_than"]


def outage_windows(constraints) -> tuple[list[tuple[str, pd.Timestamp, pd.Timestamp]], str]:
    """Return every outage window (station_id, start, end) of the problem's specs and the mode."""
    windows, mode = [], "clip"
    for spec in constraints:
        if isinstance(spec, specs.StationOutages):
            windows += [(s, utc(t0), utc(t1)) for s, t0, t1 in spec.windows]
            mode = spec.mode
    return windows, mode


def hits_outage(station: pd.Series, aos: pd.Series, los: pd.Series, windows) -> np.ndarray:
    """Return, per contact, whether some outage of its station meets its open interior."""
    out = np.zeros(len(station), bool)
    st = station.to_numpy(object)
    for s, t0, t1 in windows:
        out |= (st == s) & (aos < t1).to_numpy(bool) & (los > t0).to_numpy(bool)
    return out


def clip_to_outages(raw: pd.DataFrame, windows) -> pd.DataFrame:
    """Return ``raw`` (UTC ``aos``/``los``) with each contact hit by an outage replaced by its free parts.

    Rows keep their order (a contact's parts in time order, where it stood); the index is renumbered.
    """
    hit = hits_outage(raw["station_id"].astype(str), raw["aos"], raw["los"], windows)
    if not hit.any():
        return raw
    parts, where = [], []
    for i in np.flatnonzero(hit):
        row = raw.iloc[[i]]
        aos, los = row["aos"].iloc[0], row["los"].iloc[0]
        free = [(aos, los)]
        for s, t0, t1 in windows:
            if s == row["station_id"].iloc[0]:
                free = [part for a, b in free for part in ((a, min(b, t0)), (max(a, t1), b)) if part[1] > part[0]]
        for a, b in free:
            part = row.copy()
            part["aos"], part["los"] = a, b
            part["duration_s"] = (b - a).total_seconds()
            if "volume_bit" in part:
                part["volume_bit"] = part["volume_bit"].astype(float) * ((b - a) / (los - aos))
            parts.append(part)
            where.append(i)
    order = np.concatenate([np.flatnonzero(~hit), np.asarray(where, int)])
    out = pd.concat([raw[~hit], *parts], ignore_index=True)
    return out.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def minimum_duration_s(station_provider: np.ndarray, constraints) -> np.ndarray:
    """Return, per contact (its station's provider), the minimum duration (15) with provider minima."""
    out = np.zeros(len(station_provider))
    for spec in constraints:
        if isinstance(spec, specs.MinContactDuration):
            own = dict(spec.per_provider)
            out = np.maximum(out, [max(spec.duration_s, own.get(p, 0.0)) for p in station_provider])
    return out


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(df[name], errors="coerce").astype(float) if name in df else pd.Series(np.nan, index=df.index)


def turnaround_by_station_s(stations: pd.DataFrame, providers: pd.DataFrame, constraints) -> np.ndarray:
    """Return tau_s per row of ``stations``: station column, else provider column, else the (11) spec's."""
    spec_value = max([s.turnaround_s for s in constraints if isinstance(s, specs.StationContactExclusion)],
                     default=0.0)
    provider_value = dict(zip(providers["provider"], _column(providers, "turnaround_s")))
    values = _column(stations, "turnaround_s").to_numpy(float)
    values = np.where(np.isnan(values), [provider_value.get(p, np.nan) for p in stations["provider"]], values)
    return np.where(np.isnan(values), spec_value, values)


def slew_by_satellite_s(satellites: pd.DataFrame, satellite_ids, constraints) -> np.ndarray:
    """Return sigma_k per satellite id: its ``slew_s`` column, else the (12) spec's."""
    spec_value = max([s.slew_s for s in constraints if isinstance(s, specs.SatelliteContactExclusion)],
                     default=0.0)
    values = _column(satellites, "slew_s").set_axis(satellites["satellite_id"].astype(str)).reindex(list(satellite_ids))
    return np.where(np.isnan(values.to_numpy(float)), spec_value, values.to_numpy(float))


def closer_than(aos_s: np.ndarray, los_s: np.ndarray, pad_s: float) -> np.ndarray:
    """Return every pair (i, j), i < j, with a_i < b_j + pad and a_j < b_i + pad, as an (m, 2) array.

    Pairwise (O(n^2)) on the taken contacts of one group; with pad 0 only pairs of
    positive length count, as in the verifier's overlap rule.
    """
    a, b = np.asarray(aos_s, float), np.asarray(los_s, float)
    i, j = np.triu_indices(len(a), k=1)
    long = (b + pad_s) > a
    meet = (a[i] < b[j] + pad_s) & (a[j] < b[i] + pad_s) & long[i] & long[j]
    return np.column_stack([i[meet], j[meet]]).astype(int).reshape(-1, 2)
