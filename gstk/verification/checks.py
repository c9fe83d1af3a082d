"""The verifier's checks: recompute the objective and every active constraint (8)-(21) of a selection.

A selection is the boolean vectors (x, y, z) of taken contacts, used stations and used
providers over the rows of :class:`~gstk.verification.data.VerificationData`.  Each constraint's check
is named for its builder (``Spec.builder``) and returns :class:`~gstk.verification.data.Violation` s;
:func:`check_selection` runs the active ones.  :mod:`gstk.verify` is the API.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gstk.errors import GstkError
from gstk.problem import specs
from gstk.problem.costs import mission_cost_breakdown_usd, monthly_operational_cost_usd
from gstk.problem.periods import overlap_s, period_starts_s
from gstk.verification.data import (
    ONE_BIT,
    ONE_CENT,
    ONE_MILLISECOND,
    REL_TOL,
    VerificationData,
    Violation,
    max_gap_s,
    open_contacts_at_start,
    tolerance,
)
from gstk.verification.operations import closer_than

__all__ = ["Recomputed", "derived_sets", "recompute", "check_selection"]


# --------------------------------------------------------------------------- the selection
@dataclass(frozen=True, eq=False)
class Recomputed:
    """What the verifier recomputes for one selection (same units as ``Solution``)."""

    objective: float
    cost_breakdown: dict[str, float]
    data_by_satellite: dict[str, float]
    max_gap_by_satellite_s: dict[str, float]
    monthly_cost_usd: float
    stations_used: np.ndarray = field(repr=False)
    providers_used: np.ndarray = field(repr=False)


def derived_sets(data: VerificationData, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (y, z): stations and providers of the taken known contacts, by (5)-(6)."""
    y = np.zeros(len(data.station_ids), bool)
    y[data.station_of_row[x & data.known]] = True
    z = np.zeros(len(data.provider_ids), bool)
    z[data.provider_of_station[y & (data.provider_of_station >= 0)]] = True
    return y, z


def recompute(data: VerificationData, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> Recomputed:
    """Return the objective (2)/(3)/(4) and the report numbers of selection (x, y, z)."""
    x = x & data.known
    pairs = np.unique(np.stack([data.station_of_row[x], data.satellite_of_row[x]]), axis=1)
    breakdown = mission_cost_breakdown_usd(  # (2); w = licence pairs of taken contacts (7)
        integration_cost_usd=data.integration_cost_usd, providers_used=z.astype(float),
        setup_cost_usd=data.setup_cost_usd, monthly_cost_usd=data.monthly_cost_usd,
        stations_used=y.astype(float), licence_cost_usd_per_pair=data.licence_cost_usd[pairs[0]],
        pairs_used=np.ones(pairs.shape[1]), contact_cost=data.contact_cost_usd, contacts_taken=x.astype(float),
        mission_duration_s=data.mission_duration_s, sim_duration_s=data.sim_duration_s, cost_model=data.cost_model)
    rho = data.surrogate_scale
    volume = np.bincount(data.satellite_of_row[x], weights=data.volume_bit[x], minlength=len(data.satellite_ids))
    data_by_sat = {k: rho * float(v) for k, v in zip(data.satellite_ids, volume)}  # (3)
    gaps = _gaps_by_satellite(data, x, data.gap_include_boundary)
    objective = data.objective
    if isinstance(objective, specs.MinMissionCost):
        value = breakdown["total"]
    elif isinstance(objective, specs.MaxMissionData):
        value = rho * float(np.dot(data.volume_bit, x))
    else:  # (4)
        value = max(_gaps_by_satellite(data, x, objective.include_boundary).values(), default=0.0)
    monthly = monthly_operational_cost_usd(monthly_cost_usd=data.monthly_cost_usd, stations_used=y.astype(float),
                                           contact_cost=data.contact_cost_usd, contacts_taken=x.astype(float),
                                           sim_duration_s=data.sim_duration_s)
    return Recomputed(float(value), breakdown, data_by_sat, gaps, monthly, y, z)


def _gaps_by_satellite(data: VerificationData, x: np.ndarray, include_boundary: bool) -> dict[str, float]:
    return {k: max_gap_s(data.aos_s[x & (data.satellite_of_row == i)], data.los_s[x & (data.satellite_of_row == i)],
                         data.sim_duration_s, include_boundary=include_boundary)
            for i, k in enumerate(data.satellite_ids)}


def check_selection(data: VerificationData, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> list[Violation]:
    """Return the violations of prefilters and of every active constraint (8)-(21) by (x, y, z)."""
    out = _prefilter_violations(data, x)
    x = x & data.known
    for spec in data.constraints:
        check = _CHECKS.get(spec.builder)
        if check is None:
            raise GstkError(f"verify has no check for constraint {type(spec).__name__}; add one to gstk/verification/checks.py")
        out += check(data, spec, x, y, z)
    return out


def _prefilter_violations(data: VerificationData, x: np.ndarray) -> list[Violation]:
    out = []
    ids = data.contacts["contact_id"].to_numpy()
    for row in np.flatnonzero(x & ~data.known):
        out.append(Violation("unknown_contact", f"taken contact {ids[row]} names a satellite or station "
                             "missing from the problem tables", 1.0))
    for row in np.flatnonzero(x & data.known & ~data.eligible):
        station = data.station_ids[data.station_of_row[row]]
        if data.outage_hit is not None and data.outage_hit[row]:
            out.append(Violation("station_outages", f"taken contact {ids[row]} overlaps an outage of station "
                                                    f"{station}", 1.0))
            continue
        floor = f"{data.minimum_duration_s[row]:.3f} s " if data.minimum_duration_s is not None else ""
        why = (f"lasts {data.duration_s[row]:.3f} s, below the (15) minimum duration {floor}of its provider"
               if data.station_eligible[data.station_of_row[row]] else
               f"is at station {station}, removed by the status/bands/(20) allowed-provider prefilters")
        out.append(Violation("prefilter", f"taken contact {ids[row]} {why}", 1.0))
    return out


# --------------------------------------------------------------------------- constraint checks
def _period_shortfalls(name, label, values, starts, window_s, floor, tol, unit):
    short = floor - values
    bad = short > tol
    if not bad.any():
        return []
    j = int(np.argmax(short))
    return [Violation(name, f"{label}: {int(bad.sum())} of {len(starts)} windows below {floor:.6g} {unit}; worst "
                            f"[{starts[j]:.0f}, {starts[j] + window_s:.0f}] s has {values[j]:.6g}", float(short[j]))]


def _window_volumes(data, spec, taken) -> tuple[np.ndarray, np.ndarray]:
    starts = period_starts_s(data.sim_duration_s, spec.window_s, spec.step_s)
    a, b, r = data.aos_s[taken], data.los_s[taken], data.rate_bps[taken]
    volumes = np.array([np.dot(r, overlap_s(a, b, s, s + spec.window_s)) for s in starts])
    return starts, volumes.reshape(len(starts))


def _min_constellation_downlink(data, spec, x, y, z):
    """(8): sum_c r_c |[a_c, b_c] ∩ W_j| x_c >= D_min for every window."""
    starts, volumes = _window_volumes(data, spec, x)
    return _period_shortfalls(spec.builder, "constellation", volumes, starts, spec.window_s, spec.volume_bit,
                              tolerance(spec.volume_bit, ONE_BIT), "bit")


def _min_satellite_downlink(data, spec, x, y, z):
    """(9): (8) for every satellite k over C_k."""
    out = []
    for i, k in enumerate(data.satellite_ids):
        starts, volumes = _window_volumes(data, spec, x & (data.satellite_of_row == i))
        out += _period_shortfalls(spec.builder, f"satellite {k}", volumes, starts, spec.window_s,
                                  spec.volume_bit, tolerance(spec.volume_bit, ONE_BIT), "bit")
    return out


def _min_contacts_per_period(data, spec, x, y, z):
    """(16): every satellite takes >= N_min contacts with AOS in [jΔ, jΔ + L]."""
    starts = period_starts_s(data.sim_duration_s, spec.window_s, spec.step_s)
    out = []
    for i, k in enumerate(data.satellite_ids):
        a = data.aos_s[x & (data.satellite_of_row == i)]
        counts = ((a[None, :] >= starts[:, None]) & (a[None, :] <= starts[:, None] + spec.window_s)).sum(1)
        out += _period_shortfalls(spec.builder, f"satellite {k}", counts.astype(float), starts, spec.window_s,
                                  float(spec.count), 0.5, "contacts")
    return out


def _max_monthly_cost(data, spec, x, y, z):
    """(10): sum_s C^mon_s y_s + (mu / T_sim) sum_c kappa_c x_c <= B_month."""
    monthly = monthly_operational_cost_usd(monthly_cost_usd=data.monthly_cost_usd, stations_used=y.astype(float),
                                           contact_cost=data.contact_cost_usd, contacts_taken=x.astype(float),
                                           sim_duration_s=data.sim_duration_s)
    if monthly - spec.usd <= tolerance(spec.usd, ONE_CENT):
        return []
    return [Violation(spec.builder, f"monthly operational cost {monthly:.2f} USD > cap {spec.usd:.2f} USD",
                      monthly - spec.usd)]


def _exclusion(name, what, ids, group_of_row, bound_of_group, data, x):
    out = []
    for g in np.unique(group_of_row[x]):
        rows = np.flatnonzero(x & (group_of_row == g))
        counts = open_contacts_at_start(data.aos_s[rows], data.los_s[rows])
        worst = int(np.argmax(counts))
        if counts[worst] > bound_of_group[g]:
            out.append(Violation(name, f"{what} {ids[g]} has {counts[worst]} contacts open at once (limit "
                                       f"{bound_of_group[g]}) at t = {data.aos_s[rows[worst]]:.3f} s",
                                 float(counts[worst] - bound_of_group[g])))
    return out


def _station_contact_exclusion(data, spec, x, y, z):
    """(11): at most A_s pairwise-overlapping taken contacts at station s, LOS padded by the turnaround tau_s."""
    tau = data.station_turnaround_s
    if tau is None or not (tau > 0).any():
        return _exclusion(spec.builder, "station", data.station_ids, data.station_of_row, data.antennas, data, x)
    out, ids = [], data.contacts["contact_id"].to_numpy()
    for s in np.unique(data.station_of_row[x]):
        rows = np.flatnonzero(x & (data.station_of_row == s))
        counts = open_contacts_at_start(data.aos_s[rows], data.los_s[rows] + tau[s])
        if counts.max() <= data.antennas[s]:
            continue
        i, j = closer_than(data.aos_s[rows], data.los_s[rows], tau[s])[0]
        gap = max(data.aos_s[rows[j]] - data.los_s[rows[i]], data.aos_s[rows[i]] - data.los_s[rows[j]])
        out.append(Violation(spec.builder, f"station {data.station_ids[s]} has {counts.max()} contacts within "
                                           f"its turnaround {tau[s]:g} s at once (limit {data.antennas[s]}), e.g. "
                                           f"{ids[rows[i]]} and {ids[rows[j]]} {gap:.3f} s apart",
                             float(counts.max() - data.antennas[s])))
    return out


def _satellite_contact_exclusion(data, spec, x, y, z):
    """(12): at most ``max_links`` pairwise-overlapping taken contacts per satellite, and none at two
    different stations closer than the satellite's slew time sigma_k."""
    bound = np.full(len(data.satellite_ids), spec.max_links)
    out = _exclusion(spec.builder, "satellite", data.satellite_ids, data.satellite_of_row, bound, data, x)
    sigma, ids = data.satellite_slew_s, data.contacts["contact_id"].to_numpy()
    for k in np.unique(data.satellite_of_row[x]) if sigma is not None else []:
        rows = np.flatnonzero(x & (data.satellite_of_row == k))
        if sigma[k] <= 0 or len(rows) < 2:
            continue
        pairs = closer_than(data.aos_s[rows], data.los_s[rows], sigma[k])
        a, b = rows[pairs[:, 0]], rows[pairs[:, 1]]
        overlap = ((data.aos_s[a] < data.los_s[b]) & (data.aos_s[b] < data.los_s[a])
                   & (data.los_s[a] > data.aos_s[a]) & (data.los_s[b] > data.aos_s[b]))  # counted above
        apart = (data.station_of_row[a] != data.station_of_row[b]) & ~overlap
        for i, j in zip(a[apart], b[apart]):
            gap = max(data.aos_s[j] - data.los_s[i], data.aos_s[i] - data.los_s[j])
            out.append(Violation(spec.builder, f"satellite {data.satellite_ids[k]} slews from {ids[i]} to {ids[j]} "
                                               f"in {gap:.3f} s < its slew time {sigma[k]:g} s",
                                 float(sigma[k] - gap)))
    return out


def _max_contact_gap(data, spec, x, y, z):
    """(13): every satellite's largest gap <= G_max."""
    out = []
    for k, gap in _gaps_by_satellite(data, x, spec.include_boundary).items():
        if gap - spec.gap_s > ONE_MILLISECOND:
            out.append(Violation(spec.builder, f"satellite {k} waits {gap:.3f} s > {spec.gap_s:.3f} s",
                                 gap - spec.gap_s))
    return out


def _max_providers(data, spec, x, y, z):
    """(14): sum_p z_p <= N_P."""
    n = int(z.sum())
    return [] if n <= spec.count else [Violation(spec.builder, f"{n} providers used > {spec.count}", n - spec.count)]


def _required_provider(data, spec, x, y, z):
    """(17): z_p = 1."""
    if spec.provider in data.provider_ids and z[data.provider_ids.index(spec.provider)]:
        return []
    return [Violation(spec.builder, f"required provider {spec.provider} is not selected", 1.0)]


def _required_station(data, spec, x, y, z):
    """(18): y_s = 1."""
    if spec.station_id in data.station_ids and y[data.station_ids.index(spec.station_id)]:
        return []
    return [Violation(spec.builder, f"required station {spec.station_id} is not selected", 1.0)]


def _station_count(data, spec, x, y, z):
    """(19): N_min <= sum_s y_s <= N_max."""
    n = int(y.sum())
    if n < spec.min_count:
        return [Violation(spec.builder, f"{n} stations used < minimum {spec.min_count}", spec.min_count - n)]
    if spec.max_count is not None and n > spec.max_count:
        return [Violation(spec.builder, f"{n} stations used > maximum {spec.max_count}", n - spec.max_count)]
    return []


def _max_antenna_utilization(data, spec, x, y, z):
    """(21): sum_{c in C_s} d_c x_c <= fraction * A_s * T_sim at every station."""
    busy = np.bincount(data.station_of_row[x], weights=data.duration_s[x], minlength=len(data.station_ids))
    cap = spec.fraction * data.antennas * data.sim_duration_s
    out = []  # relative tolerance here: the model's row is in hours, checked by SCIP relative to the cap
    for s in np.flatnonzero(busy - cap > np.maximum(ONE_MILLISECOND, REL_TOL * cap)):
        out.append(Violation(spec.builder, f"station {data.station_ids[s]} is busy {busy[s]:.3f} s > "
                                           f"{spec.fraction:g} x {data.antennas[s]} x {data.sim_duration_s:.0f} s",
                             float(busy[s] - cap[s])))
    return out


_CHECKS = {
    "min_constellation_downlink": _min_constellation_downlink,
    "min_satellite_downlink": _min_satellite_downlink,
    "max_monthly_cost": _max_monthly_cost,
    "station_contact_exclusion": _station_contact_exclusion,
    "satellite_contact_exclusion": _satellite_contact_exclusion,
    "max_contact_gap": _max_contact_gap,
    "max_providers": _max_providers,
    "min_contacts_per_period": _min_contacts_per_period,
    "required_provider": _required_provider,
    "required_station": _required_station,
    "station_count": _station_count,
    "max_antenna_utilization": _max_antenna_utilization,
}

