"""The tables of a :class:`~gstk.solution.Solution`, rebuilt from a 0/1 contact selection x.

Stations, providers and licences follow from x by the linking rules (5)-(7); costs by term of
(2), data per satellite (3) and gaps (4) follow from them.  :func:`max_gap_s` is the gap
definition every gstk module shares with the model.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import SolveError
from gstk.problem.costs import DEFAULT_COST_MODEL, mission_cost_breakdown_usd
from gstk.times import utc_series
from gstk.units import SECONDS_PER_DAY, SECONDS_PER_MINUTE

__all__ = ["CONTACT_COLUMNS", "CONTACT_UNITS", "max_gap_s", "max_gap_by_satellite_s", "selection_tables",
           "objective_value", "taken_contacts", "usage_table"]

#: Columns of ``Solution.contacts`` always present, in this order (extra contact columns follow).
CONTACT_COLUMNS = (
    "contact_id", "satellite_id", "station_id", "provider", "aos", "los",
    "aos_s", "los_s", "duration_s", "volume_bit", "cost_usd",
)
CONTACT_UNITS = {
    "aos": "UTC", "los": "UTC", "aos_s": "s", "los_s": "s", "duration_s": "s",
    "volume_bit": "bit", "cost_usd": "USD",
}


# ----------------------------------------------------------------------------- gap definition
def max_gap_s(aos_s: np.ndarray, los_s: np.ndarray, sim_duration_s: float, *,
              include_boundary: bool = True) -> float:
    """Return the largest contact gap of one satellite's TAKEN contacts, in seconds.

    The successor of contact i is the first taken contact j with a strictly later
    AOS; the gap after i is a_j - b_i (negative counts as 0).  With boundary gaps,
    the start gap a_first and the end gap T_sim - max b also count, and no contact
    at all gives T_sim.  Without them, 0 or 1 contacts give 0.

    Examples
    --------
    >>> max_gap_s(np.array([100.0, 500.0]), np.array([200.0, 600.0]), 1000.0)
    400.0
    >>> max_gap_s(np.array([100.0, 500.0]), np.array([200.0, 600.0]), 1000.0, include_boundary=False)
    300.0
    """
    aos_s, los_s = np.asarray(aos_s, float), np.asarray(los_s, float)
    if len(aos_s) == 0:
        return float(sim_duration_s) if include_boundary else 0.0
    starts = np.unique(aos_s)  # sorted distinct AOS
    successor = np.searchsorted(starts, aos_s, side="right")
    has_successor = successor < len(starts)
    gap = float(np.max(starts[successor[has_successor]] - los_s[has_successor], initial=0.0))
    if include_boundary:
        gap = max(gap, float(starts[0]), float(sim_duration_s - los_s.max()))
    return max(gap, 0.0)


def max_gap_by_satellite_s(aos_s: np.ndarray, los_s: np.ndarray, satellite_of_contact: np.ndarray,
                           n_satellites: int, sim_duration_s: float, *,
                           include_boundary: bool = True) -> np.ndarray:
    """Return :func:`max_gap_s` of every satellite 0..n_satellites-1 over the given (taken) contacts."""
    satellite_of_contact = np.asarray(satellite_of_contact, int)
    return np.array([
        max_gap_s(aos_s[satellite_of_contact == k], los_s[satellite_of_contact == k], sim_duration_s,
                  include_boundary=include_boundary)
        for k in range(n_satellites)
    ], dtype=float)


# ----------------------------------------------------------------------------- tables from x
def selection_tables(data, taken: np.ndarray | None, *, include_boundary: bool = True) -> dict[str, Any]:
    """Return the selection fields of a :class:`Solution` for the 0/1 contact vector ``taken``.

    y, z and w are rebuilt from x: a station is used iff a contact there is taken
    (5), a provider iff one of its stations is used (6), a licence (s, k) iff a
    contact of k at s is taken (7).
    """
    if taken is None:
        return dict(selected_providers=(), selected_stations=(), contacts=taken_contacts(data, None),
                    cost_breakdown={}, data_by_satellite={}, data_total_bit=0.0,
                    contact_minutes_per_day={}, max_gap_by_satellite_s={})
    x = np.asarray(taken, float).round().astype(bool)
    y = np.bincount(data.station_of_contact[x], minlength=len(data.station_ids)) > 0
    z = np.bincount(data.provider_of_station[y], minlength=len(data.provider_ids)) > 0
    w = np.bincount(data.pair_of_contact[x], minlength=len(data.pair_station)) > 0
    costs = mission_cost_breakdown_usd(
        integration_cost_usd=data.integration_cost_usd, providers_used=z.astype(float),
        setup_cost_usd=data.setup_cost_usd, monthly_cost_usd=data.monthly_cost_usd, stations_used=y.astype(float),
        licence_cost_usd_per_pair=data.pair_licence_cost_usd, pairs_used=w.astype(float),
        contact_cost=data.contact_cost_usd, contacts_taken=x.astype(float),
        mission_duration_s=data.mission_duration_s, sim_duration_s=data.sim_duration_s,
        cost_model=getattr(data, "cost_model", DEFAULT_COST_MODEL),
    )
    n_sat = len(data.satellite_ids)
    sat = data.satellite_of_contact[x]
    data_bit = data.surrogate_scale * np.bincount(sat, weights=data.volume_bit[x], minlength=n_sat)
    minutes = np.bincount(sat, weights=data.duration_s[x], minlength=n_sat) / SECONDS_PER_MINUTE
    minutes_per_day = minutes / (data.sim_duration_s / SECONDS_PER_DAY)
    gaps = max_gap_by_satellite_s(data.aos_s[x], data.los_s[x], sat, n_sat, data.sim_duration_s,
                                  include_boundary=include_boundary)
    ids = data.satellite_ids
    return dict(
        selected_providers=tuple(p for p, used in zip(data.provider_ids, z) if used),
        selected_stations=tuple(s for s, used in zip(data.station_ids, y) if used),
        contacts=taken_contacts(data, x), cost_breakdown=costs,
        data_by_satellite={k: float(v) for k, v in zip(ids, data_bit)}, data_total_bit=float(data_bit.sum()),
        contact_minutes_per_day={k: float(v) for k, v in zip(ids, minutes_per_day)},
        max_gap_by_satellite_s={k: float(v) for k, v in zip(ids, gaps)},
    )


def objective_value(objective_name: str, tables: dict[str, Any]) -> float:
    """Return the objective (2), (3) or (4) in its natural unit from :func:`selection_tables` output."""
    if objective_name == "min_mission_cost":
        return float(tables["cost_breakdown"]["total"])
    if objective_name == "max_mission_data":
        return float(tables["data_total_bit"])
    if objective_name == "min_max_gap":
        return float(max(tables["max_gap_by_satellite_s"].values(), default=0.0))
    raise SolveError(f"unknown objective {objective_name!r}; expected min_mission_cost, max_mission_data "
                     "or min_max_gap")


def taken_contacts(data, x: np.ndarray | None) -> pd.DataFrame:
    """Return the tidy table of taken contacts (all of ``CONTACT_COLUMNS`` plus extra contact columns)."""
    x = np.zeros(data.n_contacts, bool) if x is None else np.asarray(x, bool)
    source = data.contacts.reset_index(drop=True)
    station = data.station_of_contact
    provider = np.asarray(data.provider_ids, dtype=object)[data.provider_of_station[station]] \
        if data.n_contacts else np.array([], dtype=object)
    out = pd.DataFrame({
        "contact_id": source["contact_id"].astype("str"),
        "satellite_id": source["satellite_id"].astype("str"),
        "station_id": source["station_id"].astype("str"),
        "provider": pd.Series(provider, dtype="str"),
        "aos": utc_series(source["aos"]), "los": utc_series(source["los"]),
        "aos_s": np.asarray(data.aos_s, float), "los_s": np.asarray(data.los_s, float),
        "duration_s": np.asarray(data.duration_s, float), "volume_bit": np.asarray(data.volume_bit, float),
        "cost_usd": np.asarray(data.contact_cost_usd, float),
    })
    extra = [c for c in source.columns if c not in out.columns]
    out = pd.concat([out, source[extra]], axis=1)[x].reset_index(drop=True)
    out.attrs["units"] = {**source.attrs.get("units", {}), **CONTACT_UNITS}
    out.attrs["units"] = {c: u for c, u in out.attrs["units"].items() if c in out.columns}
    return out


def usage_table(contacts: pd.DataFrame, key: str, selected: tuple[str, ...]) -> pd.DataFrame:
    """Return one row per selected provider or station (``key``): contact counts, time, volume, cost."""
    grouped = contacts.groupby(key, sort=True)
    out = pd.DataFrame({
        "n_contacts": grouped.size(),
        "contact_time_s": grouped["duration_s"].sum(),
        "volume_bit": grouped["volume_bit"].sum(),
        "cost_usd": grouped["cost_usd"].sum(),
    }).reindex(pd.Index(list(selected), dtype="str", name=key), fill_value=0)
    if key == "provider":
        out.insert(0, "n_stations", grouped["station_id"].nunique().reindex(out.index, fill_value=0))
    else:
        first = grouped["provider"].first().reindex(out.index)
        out.insert(0, "provider", first.astype("str"))
    out = out.reset_index()
    out["n_contacts"] = out["n_contacts"].astype(int)
    out.attrs["units"] = {"contact_time_s": "s", "volume_bit": "bit (simulation window)",
                          "cost_usd": "USD (simulation window)"}
    return out
