"""Prefilters of formulation §4: they shrink the contact set before a model is built.

(15) minimum contact duration (with per-provider minima), required bands, station
status, (20) allowed providers and station outages are never constraints: dropping
contacts and stations up front keeps the model small and gives the same optimum.
Outages come before (15), so a contact clipped by an outage is re-checked against
the minimum duration.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from gstk.problem.specs import (
    AllowedProviders,
    MinContactDuration,
    RequiredBands,
    Spec,
    StationOutages,
    StationStatus,
)
from gstk.times import utc_series


def min_contact_duration(contacts: pd.DataFrame, duration_s: float, *,
                         per_provider: Mapping[str, float] | None = None,
                         stations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Eq. (15): return the contacts lasting at least ``duration_s`` seconds.

    With ``per_provider`` (provider -> seconds) a contact at a station of provider p
    (looked up in ``stations``) must last at least max(``duration_s``, d_p).
    """
    minimum = pd.Series(float(duration_s), index=contacts.index)
    if per_provider and stations is not None:
        provider = contacts["station_id"].astype(str).map(dict(zip(stations["station_id"].astype(str),
                                                                    stations["provider"])))
        minimum = np.maximum(minimum, provider.map(dict(per_provider)).astype(float).fillna(0.0))
    return contacts[contacts["duration_s"] >= minimum]


def station_outages(contacts: pd.DataFrame, windows, mode: str = "clip") -> pd.DataFrame:
    """Return the contacts after the stations' unavailable ``windows`` (station_id, start, end).

    A contact overlaps an outage of its station when their open interiors meet.  ``mode``
    'drop' removes such contacts; 'clip' replaces each by its parts outside every outage
    (one, or two when the outage lies inside the pass), with ``aos``, ``los``,
    ``duration_s`` (and ``aos_s``, ``los_s`` if present) set to the part and a
    ``volume_bit`` column, if present, scaled by the kept share of the duration (exact
    for a constant rate, an approximation for a rate that varies over the pass).  A part
    keeps the index label of its contact; other columns (``max_elevation_deg``) are kept.
    """
    if not windows or len(contacts) == 0:
        return contacts
    outages = pd.DataFrame(list(windows), columns=["station_id", "start", "end"])
    outages["start"], outages["end"] = [utc_series(outages[c]) for c in ("start", "end")]
    aos, los = utc_series(contacts["aos"]), utc_series(contacts["los"])
    station = contacts["station_id"].astype(str)
    hit = np.zeros(len(contacts), bool)
    for row in outages.itertuples():
        hit |= ((station == row.station_id) & (aos < row.end) & (row.start < los)).to_numpy()
    if mode == "drop" or not hit.any():
        return contacts[~hit]
    contacts = contacts.assign(aos=aos, los=los)  # one time type in the column, parts and untouched rows alike
    by_station = {s: sorted(zip(g["start"], g["end"])) for s, g in outages.groupby("station_id")}
    rows, starts, ends = [], [], []
    for i in np.flatnonzero(hit):
        for start, end in _free_parts(aos.iloc[i], los.iloc[i], by_station[station.iloc[i]]):
            rows.append(i)
            starts.append(start)
            ends.append(end)
    parts = _with_times(contacts.iloc[rows], aos.iloc[rows], los.iloc[rows], starts, ends)
    order = np.concatenate([np.flatnonzero(~hit), np.asarray(rows, int)])
    out = pd.concat([contacts[~hit], parts])
    return out.iloc[np.argsort(order, kind="stable")]


def _free_parts(aos: pd.Timestamp, los: pd.Timestamp, outages: list) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Return the parts of [aos, los] outside the sorted ``outages`` [(start, end)], in time order."""
    parts, cursor = [], aos
    for start, end in outages:
        if start > cursor and cursor < los:
            parts.append((cursor, min(start, los)))
        cursor = max(cursor, end)
    if cursor < los:
        parts.append((cursor, los))
    return parts


def _with_times(rows: pd.DataFrame, aos: pd.Series, los: pd.Series, starts: list, ends: list) -> pd.DataFrame:
    """Return ``rows`` (contacts, one per part) moved to the parts [starts, ends]."""
    out = rows.copy()
    new_aos = utc_series(pd.Series(starts, index=rows.index))
    new_los = utc_series(pd.Series(ends, index=rows.index))
    kept_s = (new_los - new_aos).dt.total_seconds().to_numpy(float)
    full_s = (los - aos).dt.total_seconds().to_numpy(float)
    out["aos"], out["los"] = new_aos.to_numpy(), new_los.to_numpy()
    out["aos"], out["los"] = utc_series(out["aos"]), utc_series(out["los"])
    out["duration_s"] = kept_s
    for column, old, new in (("aos_s", aos, new_aos), ("los_s", los, new_los)):
        if column in out:
            shift = (new.to_numpy() - old.to_numpy()) / np.timedelta64(1, "s")
            out[column] = out[column].to_numpy(float) + shift.astype(float)
    if "volume_bit" in out:
        out["volume_bit"] = out["volume_bit"].to_numpy(float) * np.divide(kept_s, full_s, out=np.zeros_like(kept_s),
                                                                          where=full_s > 0)
    return out


def allowed_providers(stations: pd.DataFrame, providers: Iterable[str]) -> pd.DataFrame:
    """Eq. (20): return the stations whose provider is in ``providers``."""
    return stations[stations["provider"].isin(list(providers))]


def required_bands(stations: pd.DataFrame, bands: Iterable[str]) -> pd.DataFrame:
    """Return the stations that support every band in ``bands`` (unknown bands never match)."""
    wanted = {b.strip().upper() for b in bands}
    if not wanted:
        return stations
    offered = stations.get("bands", pd.Series("", index=stations.index)).fillna("").astype(str)
    keep = offered.map(lambda s: wanted <= {b.strip().upper() for b in s.split(";") if b.strip()})
    return stations[keep.astype(bool)]


def station_status(stations: pd.DataFrame, statuses: Iterable[str]) -> pd.DataFrame:
    """Return the stations whose status is in ``statuses`` (tables without a status column pass)."""
    if "status" not in stations.columns:
        return stations
    return stations[stations["status"].isin(list(statuses))]


def apply_prefilters(
    contacts: pd.DataFrame, stations: pd.DataFrame, specs: Iterable[Spec]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (contacts, stations) after every prefilter in ``specs``.

    Stations are filtered first; contacts at dropped stations go with them; then
    station outages, then (15).  Without a :class:`StationStatus` spec, only operational stations are kept.
    """
    specs = list(specs)
    if not any(isinstance(s, StationStatus) for s in specs):
        specs.append(StationStatus())
    for spec in specs:
        if isinstance(spec, AllowedProviders):
            stations = allowed_providers(stations, spec.providers)
        elif isinstance(spec, RequiredBands):
            stations = required_bands(stations, spec.bands)
        elif isinstance(spec, StationStatus):
            stations = station_status(stations, spec.statuses)
    contacts = contacts[contacts["station_id"].isin(stations["station_id"])]
    for spec in specs:  # outages first: a clipped contact is re-checked against (15)
        if isinstance(spec, StationOutages):
            contacts = station_outages(contacts, spec.windows, spec.mode)
    for spec in specs:
        if isinstance(spec, MinContactDuration):
            contacts = min_contact_duration(contacts, spec.duration_s, per_provider=dict(spec.per_provider),
                                            stations=stations)
    return contacts, stations
