"""Prefilters of formulation §4: they shrink the contact set before a model is built.

(15) minimum contact duration, required bands, station status and (20) allowed
providers are never constraints: dropping contacts and stations up front keeps
the model small and gives the same optimum.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from gstk.problem.specs import AllowedProviders, MinContactDuration, RequiredBands, Spec, StationStatus


def min_contact_duration(contacts: pd.DataFrame, duration_s: float) -> pd.DataFrame:
    """Eq. (15): return the contacts lasting at least ``duration_s`` seconds."""
    return contacts[contacts["duration_s"] >= duration_s]


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

    Stations are filtered first; contacts at dropped stations go with them.
    Without a :class:`StationStatus` spec, only operational stations are kept.
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
    for spec in specs:
        if isinstance(spec, MinContactDuration):
            contacts = min_contact_duration(contacts, spec.duration_s)
    return contacts, stations
