"""Linking constraints (5)–(7): a taken contact pays for its station, provider and licence.

gstk uses the disaggregated rows of formulation §3 (one row per contact, much
tighter LP bound than the paper's aggregated rows, same integer points) plus
the reverse "no idle" rows that forbid an unused station, provider or licence
from being switched on.  The reverse rows matter only when a constraint
rewards switching one on ((17)-(19), see :func:`idle_rows_needed`): elsewhere
y, z and w carry costs or sit on the small side of <= rows, so an idle one
never helps, and the solution layer derives stations, providers and licences
from the taken contacts anyway.  The paper's aggregated rows are kept as
``*_aggregated`` builders for the paper-faithful benchmark model.
"""
from __future__ import annotations

import cvxpy as cp
import numpy as np

from gstk.model.data import ModelData
from gstk.model.variables import Variables
from gstk.problem.specs import RequiredProvider, RequiredStation, StationCount


def idle_rows_needed(specs) -> bool:
    """Return whether a constraint rewards a used station or provider ((17), (18), (19) with a minimum)."""
    return any(isinstance(s, (RequiredProvider, RequiredStation)) or
               (isinstance(s, StationCount) and s.min_count > 0) for s in specs)


def contact_station_link(data: ModelData, v: Variables, *, implied=None, idle: bool = True) -> list[cp.Constraint]:
    """Eq. (5), disaggregated: x_c <= y_s(c) for every c; y_s <= sum_{c in C_s} x_c if ``idle``.

    ``implied`` (bool per contact) marks contacts whose x_c <= y_s(c) row is
    already implied by other rows (clique rows of (11) with y_s on the right-hand
    side at one-antenna stations); those rows are left out.
    """
    if data.n_contacts == 0:
        return [v.y == 0] if len(data.station_ids) and idle else []
    keep = np.ones(data.n_contacts, bool) if implied is None else ~np.asarray(implied, bool)
    rows = []
    if keep.any():
        taken = data.contacts_at_station.T.tocsr()[keep]
        rows.append(v.x[np.flatnonzero(keep)] <= taken @ v.y)
    if idle:
        rows.append(v.y <= data.contacts_at_station @ v.x)
    return rows


def station_provider_link(data: ModelData, v: Variables, *, idle: bool = True) -> list[cp.Constraint]:
    """Eq. (6): y_s <= z_p(s) for every station; z_p <= sum_{s in S_p} y_s (no idle provider) if ``idle``."""
    if len(data.station_ids) == 0:
        return [v.z == 0] if len(data.provider_ids) and idle else []
    rows = [v.y <= data.stations_of_provider.T @ v.z]
    return rows + ([v.z <= data.stations_of_provider @ v.y] if idle else [])


def contact_licence_link(data: ModelData, v: Variables, *, idle: bool = True) -> list[cp.Constraint]:
    """Eq. (7): x_c <= w_{s(c),k(c)} for every contact; w_sk <= sum of its contacts (no idle licence) if ``idle``."""
    if data.n_contacts == 0:
        return []
    pair = data.contacts_of_pair
    return [v.x <= pair.T @ v.w] + ([v.w <= pair @ v.x] if idle else [])


def contact_station_link_aggregated(data: ModelData, v: Variables) -> list[cp.Constraint]:
    """Eq. (5), the paper's aggregated form: sum_{c in C_s} x_c <= |C_s| y_s."""
    if data.n_contacts == 0:
        return []
    incidence = data.contacts_at_station
    return [incidence @ v.x <= cp.multiply(np.asarray(incidence.sum(axis=1)).ravel(), v.y)]


def station_provider_link_aggregated(data: ModelData, v: Variables) -> list[cp.Constraint]:
    """Eq. (6), aggregated like the paper's (5): sum_{s in S_p} y_s <= |S_p| z_p."""
    if len(data.station_ids) == 0:
        return []
    incidence = data.stations_of_provider
    return [incidence @ v.y <= cp.multiply(np.asarray(incidence.sum(axis=1)).ravel(), v.z)]


def contact_licence_link_aggregated(data: ModelData, v: Variables) -> list[cp.Constraint]:
    """Eq. (7), aggregated like the paper's: sum_{c in C_sk} x_c <= |C_sk| w_sk."""
    if data.n_contacts == 0:
        return []
    incidence = data.contacts_of_pair
    return [incidence @ v.x <= cp.multiply(np.asarray(incidence.sum(axis=1)).ravel(), v.w)]
