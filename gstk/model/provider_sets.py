"""Provider sets (14) allows and the bounds that rank and prune them."""
from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable

import numpy as np

from gstk.model.data import ModelData
from gstk.model.gaps import satellite_orders
from gstk.problem.specs import (
    MaxMonthlyCost,
    MaxProviders,
    RequiredProvider,
    RequiredStation,
    SatelliteContactExclusion,
    Spec,
)
from gstk.units import SECONDS_PER_MONTH


def monthly_cost_upper_bound_usd(data: ModelData, constraints) -> float:
    """Return an upper bound on the monthly cost (10) of any selection within N providers (14).

    Per provider p: m_p = sum of C^mon_s over its stations with contacts plus
    (mu / T_sim) times the cost of all its contacts; the bound is the sum of the
    N largest m_p (all of them without (14)).
    """
    provider = data.provider_of_station[data.station_of_contact]
    used = np.zeros(len(data.station_ids), bool)
    used[data.station_of_contact] = True
    per_provider = np.bincount(data.provider_of_station[used], weights=data.monthly_cost_usd[used],
                               minlength=len(data.provider_ids))
    per_provider += np.bincount(provider, weights=data.contact_cost_usd * (SECONDS_PER_MONTH / data.sim_duration_s),
                                minlength=len(data.provider_ids))
    limits = [s.count for s in constraints if isinstance(s, MaxProviders)]
    n = min(limits) if limits else len(data.provider_ids)
    return float(np.sort(per_provider)[::-1][:n].sum())


def provider_set_volume_bounds(data: ModelData, constraints) -> list[tuple[float, tuple[int, ...]]]:
    """Return [(upper bound on (3) in bits, provider indices)] for every provider set, best first."""
    constraints = tuple(constraints)
    exclusive = any(isinstance(s, SatelliteContactExclusion) and s.max_links == 1 for s in constraints)
    provider = data.provider_of_station[data.station_of_contact]
    orders = satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids))
    out = []
    for chosen in provider_choices(data, constraints):
        inside = np.isin(provider, chosen)
        if exclusive:
            total = sum(heaviest_chain_bit(data.aos_s[i], data.los_s[i], data.volume_bit[i])
                        for i in (idx[inside[idx]] for idx in orders))
        else:
            total = float(data.volume_bit[inside].sum())
        out.append((total * data.surrogate_scale, chosen))
    out.sort(key=lambda t: -t[0])
    return out


def heaviest_chain_bit(aos_s: np.ndarray, los_s: np.ndarray, volume_bit: np.ndarray) -> float:
    """Return the largest total volume of pairwise non-overlapping contacts (weighted interval scheduling).

    Examples
    --------
    >>> heaviest_chain_bit(np.array([0.0, 5.0, 10.0]), np.array([6.0, 10.0, 12.0]), np.array([3.0, 2.0, 2.0]))
    5.0
    """
    order = np.argsort(los_s, kind="stable")
    a, b, v = aos_s[order], los_s[order], volume_bit[order]
    before = np.searchsorted(b, a, side="right")
    best = np.zeros(len(a) + 1)
    for i in range(len(a)):
        best[i + 1] = max(best[i], best[before[i]] + v[i])
    return float(best[-1])


def provider_choices(data: ModelData, constraints: Iterable[Spec]) -> list[tuple[int, ...]]:
    """Return the maximal provider sets a solution may use under (14); [] if (14) cannot hold.

    Without (14), or when at most N providers have contacts: one set, every
    provider with contacts.  Otherwise every N-subset of those providers that
    holds the providers (17) and the providers of the stations (18) require
    (a solution using fewer providers lies inside one of them).
    """
    constraints = tuple(constraints)
    limits = [s.count for s in constraints if isinstance(s, MaxProviders)]
    required = {data.provider_ids.index(s.provider) for s in constraints
                if isinstance(s, RequiredProvider) and s.provider in data.provider_ids}
    required |= {int(data.provider_of_station[data.station_ids.index(s.station_id)]) for s in constraints
                 if isinstance(s, RequiredStation) and s.station_id in data.station_ids}
    active = np.unique(data.provider_of_station[data.station_of_contact]).tolist()
    candidates = sorted(set(active) | required)
    if not limits or min(limits) >= len(candidates):
        return [tuple(candidates)] if not limits or len(required) <= min(limits) else []
    free = [p for p in candidates if p not in required]
    n_free = min(limits) - len(required)
    if n_free < 0:
        return []
    return [tuple(sorted(required | set(rest))) for rest in itertools.combinations(free, n_free)]


log = logging.getLogger(__name__)


def cap_can_bind(data, constraints) -> bool:
    """Return whether some monthly cost cap (10) may cut off a selection within N providers (14)."""
    from gstk.model.provider_sets import monthly_cost_upper_bound_usd

    caps = [s.usd for s in constraints if isinstance(s, MaxMonthlyCost)]
    if not caps:
        return False
    return data is None or monthly_cost_upper_bound_usd(data, constraints) > min(caps)
