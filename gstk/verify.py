"""Independent verifier: recompute every active constraint and the objective from raw tables.

Formulation §7: every reported solution must pass a check that shares no code with
the model.  This module never imports cvxpy, ``gstk.model.build``, the objective
or constraint builders, nor ``ModelData.from_problem``: it re-derives indices,
rates, costs, windows, cliques and gaps from the raw contact table with plain
numpy/pandas.  It shares only the one cost function (:mod:`gstk.costs`), the
period windows (:mod:`gstk.periods`), the prefilters and the specs.

Conventions (the contract's, shared with the model):

* two contacts overlap iff their open interiors meet: ``a_i < b_j and a_j < b_i``
  with ``a < b`` for both (touching windows, ``b_i == a_j``, do not; a
  zero-length contact conflicts with nothing, as in :mod:`gstk.model.cliques`),
  so "at most A_s open at once" means the largest set of pairwise-overlapping
  taken contacts at a station has at most A_s members;
* gaps: sort a satellite's taken contacts by AOS; the successor of ``i`` is the
  first taken ``j`` with ``a_j > a_i``; the gap after ``i`` is ``a_j - b_i``
  (negative counts as 0); boundary gaps ``a_first`` and ``T_sim - max b``; a
  satellite with no taken contact has gap ``T_sim`` with boundary gaps, else 0;
* (16) counts contacts with AOS in the closed window ``[jΔ, jΔ + L]``.

Examples
--------
>>> Violation("max_providers", "3 providers > 2", 1.0)
Violation(check='max_providers', message='3 providers > 2', amount=1.0)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gstk.costs import COST_TERMS, mission_cost_breakdown_usd, monthly_operational_cost_usd
from gstk.costs import contact_cost_usd, surrogate_scale
from gstk.errors import GstkError
from gstk.model import specs
from gstk.model.data import contact_keys, sim_window
from gstk.periods import overlap_s, period_starts_s
from gstk.prefilters import apply_prefilters
from gstk.problem import Problem

#: Relative tolerance on every continuous comparison: SCIP's feasibility tolerance is 1e-6
#: relative on the scaled (k$, Gbit) rows, and the objective is compared at the same level.
REL_TOL = 1e-6
#: Money: one cent, the smallest amount a bill shows; far above float error on $1e7 totals.
ONE_CENT = 0.01
#: Data: one bit; volumes are rate x seconds products near 1e12, so this only matters near 0.
ONE_BIT = 1.0
#: Time: contact tables carry microseconds and JSON round trips keep milliseconds.  Times are
#: compared absolutely (a relative 1e-6 of a week would be 0.6 s, more than a timestamp's error).
ONE_MILLISECOND = 1e-3

_SOLVED = ("OPTIMAL", "FEASIBLE")


@dataclass(frozen=True)
class Violation:
    """One failed check: ``check`` is a builder name or 'linking', 'objective',
    'prefilter', 'unknown_contact'; ``amount`` is the excess in the check's unit."""

    check: str
    message: str
    amount: float

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


def _tol(reference: float, unit: float) -> float:
    """Return the allowed difference for money and data: REL_TOL relative, at least one ``unit``."""
    return max(unit, REL_TOL * abs(float(reference)))


# --------------------------------------------------------------------------- re-derived data
@dataclass(frozen=True, eq=False)
class VerificationData:
    """The raw contacts (one row each, in input order) and price arrays, indexed independently.

    Row-wise arrays cover every raw contact; ``satellite_of_row``/``station_of_row``
    are -1 where the table names a satellite/station the problem does not know.
    ``eligible`` marks rows that survive the prefilters (15), (20), bands and status.
    """

    contacts: pd.DataFrame
    eligible: np.ndarray
    satellite_ids: tuple[str, ...]
    station_ids: tuple[str, ...]
    provider_ids: tuple[str, ...]
    satellite_of_row: np.ndarray
    station_of_row: np.ndarray
    aos_s: np.ndarray
    los_s: np.ndarray
    rate_bps: np.ndarray
    contact_cost_usd: np.ndarray
    station_eligible: np.ndarray
    provider_of_station: np.ndarray
    setup_cost_usd: np.ndarray
    monthly_cost_usd: np.ndarray
    licence_cost_usd: np.ndarray
    antennas: np.ndarray
    integration_cost_usd: np.ndarray
    sim_start: pd.Timestamp
    sim_duration_s: float
    mission_duration_s: float
    objective: specs.Spec
    constraints: tuple[specs.Spec, ...]

    @property
    def duration_s(self) -> np.ndarray:
        return self.los_s - self.aos_s

    @property
    def volume_bit(self) -> np.ndarray:
        """v_c = r_c d_c in the simulation window."""
        return self.rate_bps * self.duration_s

    @property
    def known(self) -> np.ndarray:
        return (self.satellite_of_row >= 0) & (self.station_of_row >= 0)

    @property
    def surrogate_scale(self) -> float:
        return surrogate_scale(self.mission_duration_s, self.sim_duration_s)

    @property
    def gap_include_boundary(self) -> bool:
        """Boundary convention of reported gaps: the objective's, else (13)'s, else True."""
        for spec in (self.objective, *self.constraints):
            if isinstance(spec, (specs.MinMaxGap, specs.MaxContactGap)):
                return spec.include_boundary
        return True


def _index_of(values: pd.Series, ids: tuple[str, ...]) -> np.ndarray:
    lookup = {v: i for i, v in enumerate(ids)}
    return np.array([lookup.get(v, -1) for v in values.astype(str)], dtype=int)


def verification_data(contacts: pd.DataFrame, problem: Problem, *, start=None, end=None) -> VerificationData:
    """Return the independently indexed arrays of ``contacts`` under ``problem``."""
    t0, t1 = sim_window(contacts, start, end)
    raw = contacts.reset_index(drop=True).copy()
    raw.attrs = {}  # pandas deep-copies attrs on every operation; the window is already read
    raw["satellite_id"] = raw["satellite_id"].astype(str)
    raw["station_id"] = raw["station_id"].astype(str)
    raw["aos"] = pd.to_datetime(raw["aos"], utc=True)
    raw["los"] = pd.to_datetime(raw["los"], utc=True)
    raw["aos_s"] = (raw["aos"] - t0).dt.total_seconds()
    raw["los_s"] = (raw["los"] - t0).dt.total_seconds()
    if "duration_s" not in raw.columns:
        raw["duration_s"] = raw["los_s"] - raw["aos_s"]
    raw["contact_id"] = contact_keys(raw)
    stations = problem.stations.sort_values("station_id", kind="stable").reset_index(drop=True)
    providers = problem.providers.sort_values("provider", kind="stable").reset_index(drop=True)
    sat_ids = tuple(sorted(problem.satellites["satellite_id"].astype(str)))
    st_ids, pr_ids = tuple(stations["station_id"]), tuple(providers["provider"])
    kept, kept_stations = apply_prefilters(raw, problem.stations, problem.constraints)
    sat_of, st_of = _index_of(raw["satellite_id"], sat_ids), _index_of(raw["station_id"], st_ids)
    known = (sat_of >= 0) & (st_of >= 0)
    sat_rate = problem.satellites.set_index("satellite_id")["rate_bps"].astype(float)
    sat_rate = sat_rate.reindex(list(sat_ids)).to_numpy(float)
    safe_st, safe_sat = np.where(known, st_of, 0), np.where(known, sat_of, 0)
    duration = raw["los_s"].to_numpy(float) - raw["aos_s"].to_numpy(float)
    rate = np.where(known, np.minimum(stations["rate_bps"].to_numpy(float)[safe_st], sat_rate[safe_sat]), 0.0)  # (1)
    kappa = contact_cost_usd(stations["pass_cost_usd"].to_numpy(float)[safe_st],
                             stations["minute_cost_usd"].to_numpy(float)[safe_st], duration)
    return VerificationData(
        contacts=raw, eligible=raw.index.isin(kept.index) & known,
        satellite_ids=sat_ids, station_ids=st_ids, provider_ids=pr_ids,
        satellite_of_row=sat_of, station_of_row=st_of,
        aos_s=raw["aos_s"].to_numpy(float), los_s=raw["los_s"].to_numpy(float),
        rate_bps=rate, contact_cost_usd=np.where(known, kappa, 0.0),
        station_eligible=stations["station_id"].isin(kept_stations["station_id"]).to_numpy(bool),
        provider_of_station=_index_of(stations["provider"], pr_ids),
        setup_cost_usd=stations["setup_cost_usd"].to_numpy(float),
        monthly_cost_usd=stations["monthly_cost_usd"].to_numpy(float),
        licence_cost_usd=stations["licence_cost_usd"].to_numpy(float),
        antennas=stations["antennas"].to_numpy(int),
        integration_cost_usd=providers["integration_cost_usd"].to_numpy(float),
        sim_start=t0, sim_duration_s=(t1 - t0).total_seconds(), mission_duration_s=problem.mission_duration_s,
        objective=problem.objective,
        constraints=tuple(c for c in problem.constraints if c.kind == "constraint"),
    )


# --------------------------------------------------------------------------- interval helpers
def open_contacts_at_start(aos_s: np.ndarray, los_s: np.ndarray) -> np.ndarray:
    """Return, for every interval i, the size of the largest set of pairwise-overlapping
    intervals whose latest AOS is a_i (overlap: open interiors meet).

    Its maximum over i is the largest number of contacts open at once (interval graphs
    are Helly): #{j: a_j <= a_i < b_j} for a positive-length i (zero-length j drop out
    because b_j = a_j <= a_i), and 1 for a zero-length i.

    Examples
    --------
    >>> open_contacts_at_start(np.array([0., 5., 10., 6.]), np.array([10., 8., 12., 6.])).tolist()
    [1, 2, 1, 1]
    """
    aos_s, los_s = np.asarray(aos_s, float), np.asarray(los_s, float)
    started = np.searchsorted(np.sort(aos_s), aos_s, side="right")
    ended = np.searchsorted(np.sort(los_s), aos_s, side="right")
    return np.where(los_s > aos_s, started - ended, 1)


def max_gap_s(aos_s: np.ndarray, los_s: np.ndarray, sim_duration_s: float, *,
              include_boundary: bool = True) -> float:
    """Return the largest gap of one satellite's taken contacts (contract definition), in s.

    Examples
    --------
    >>> max_gap_s(np.array([10., 50.]), np.array([20., 60.]), 100.0)
    40.0
    >>> max_gap_s(np.array([10., 50.]), np.array([20., 60.]), 100.0, include_boundary=False)
    30.0
    """
    if len(aos_s) == 0:
        return float(sim_duration_s) if include_boundary else 0.0
    order = np.argsort(aos_s, kind="stable")
    a, b = np.asarray(aos_s, float)[order], np.asarray(los_s, float)[order]
    successor = np.searchsorted(a, a, side="right")  # first strictly later AOS
    has = successor < len(a)
    worst = max(0.0, float(np.max(a[successor[has]] - b[has], initial=0.0)))
    if include_boundary:
        worst = max(worst, float(a[0]), float(sim_duration_s - b.max()))
    return worst


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
        mission_duration_s=data.mission_duration_s, sim_duration_s=data.sim_duration_s)
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
            raise GstkError(f"verify has no check for constraint {type(spec).__name__}; add one to gstk/verify.py")
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
        why = (f"lasts {data.duration_s[row]:.3f} s, below the (15) minimum duration"
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
                              _tol(spec.volume_bit, ONE_BIT), "bit")


def _min_satellite_downlink(data, spec, x, y, z):
    """(9): (8) for every satellite k over C_k."""
    out = []
    for i, k in enumerate(data.satellite_ids):
        starts, volumes = _window_volumes(data, spec, x & (data.satellite_of_row == i))
        out += _period_shortfalls(spec.builder, f"satellite {k}", volumes, starts, spec.window_s,
                                  spec.volume_bit, _tol(spec.volume_bit, ONE_BIT), "bit")
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
    if monthly - spec.usd <= _tol(spec.usd, ONE_CENT):
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
    """(11): at most A_s pairwise-overlapping taken contacts at station s."""
    return _exclusion(spec.builder, "station", data.station_ids, data.station_of_row, data.antennas, data, x)


def _satellite_contact_exclusion(data, spec, x, y, z):
    """(12): at most ``max_links`` pairwise-overlapping taken contacts per satellite."""
    bound = np.full(len(data.satellite_ids), spec.max_links)
    return _exclusion(spec.builder, "satellite", data.satellite_ids, data.satellite_of_row, bound, data, x)


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


# --------------------------------------------------------------------------- solutions
def _status_name(status) -> str:
    return str(getattr(status, "value", status)).upper()


def _seconds(values: pd.Series, t0: pd.Timestamp) -> np.ndarray:
    return (pd.to_datetime(values, utc=True) - t0).dt.total_seconds().to_numpy(float)


def _taken_rows(data: VerificationData, taken: pd.DataFrame | None) -> tuple[np.ndarray, list[Violation]]:
    """Match the solution's contacts to raw rows by (satellite, station, AOS within 1 ms)."""
    x = np.zeros(len(data.aos_s), bool)
    if taken is None or len(taken) == 0:
        return x, []
    taken = taken.reset_index(drop=True)
    aos = _seconds(taken["aos"], data.sim_start) if "aos" in taken else taken["aos_s"].to_numpy(float)
    left = pd.DataFrame({"satellite_id": taken["satellite_id"].astype(str).to_numpy(object),
                         "station_id": taken["station_id"].astype(str).to_numpy(object), "t": aos,
                         "i": np.arange(len(taken))})
    right = pd.DataFrame({"satellite_id": data.contacts["satellite_id"].to_numpy(object),
                          "station_id": data.contacts["station_id"].to_numpy(object), "t": data.aos_s,
                          "row": np.arange(len(data.aos_s))})
    matched = pd.merge_asof(left.sort_values("t"), right.sort_values("t"), on="t",
                            by=["satellite_id", "station_id"], tolerance=ONE_MILLISECOND,
                            direction="nearest").sort_values("i")
    rows = matched["row"].to_numpy(float)
    out = []
    for i in np.flatnonzero(np.isnan(rows)):
        out.append(Violation("unknown_contact", f"taken contact {taken['satellite_id'][i]}|{taken['station_id'][i]}"
                                                f" at AOS {aos[i]:.3f} s is not in the contact table", 1.0))
    found = rows[~np.isnan(rows)].astype(int)
    for row in np.unique(found[pd.Series(found).duplicated().to_numpy()]):
        out.append(Violation("unknown_contact", f"contact {data.contacts['contact_id'][row]} is taken "
                                                f"{int(np.sum(found == row))} times", 1.0))
    if "los" in taken:
        los = _seconds(taken["los"], data.sim_start)
        ok = ~np.isnan(rows)
        off = np.abs(los[ok] - data.los_s[found]) > ONE_MILLISECOND
        for i, row in zip(np.flatnonzero(ok)[off], found[off]):
            out.append(Violation("unknown_contact", f"contact {data.contacts['contact_id'][row]} reported with LOS "
                                                    f"{los[i]:.3f} s, table says {data.los_s[row]:.3f} s",
                                 abs(los[i] - data.los_s[row])))
    x[found] = True
    return x, out + _contact_report_violations(data, taken, rows)


def _contact_report_violations(data: VerificationData, taken: pd.DataFrame, rows: np.ndarray) -> list[Violation]:
    """Compare reported per-contact provider, volume v_c and cost kappa_c with the raw tables."""
    ok = ~np.isnan(rows)
    found, out = rows[ok].astype(int), []
    ids = data.contacts["contact_id"].to_numpy()
    known = data.known[found]
    if "provider" in taken:
        provider_ids = np.asarray(data.provider_ids + ("?",), dtype=object)
        expected = provider_ids[np.where(known, data.provider_of_station[data.station_of_row[found]], -1)]
        for row, said, want in zip(found, taken["provider"].astype(str).to_numpy()[ok], expected):
            if said != want:
                out.append(Violation("unknown_contact", f"contact {ids[row]} reported at provider {said}, "
                                                        f"the station belongs to {want}", 1.0))
    for column, truth, unit, name in (("volume_bit", data.volume_bit, ONE_BIT, "bit"),
                                      ("cost_usd", data.contact_cost_usd, ONE_CENT, "USD")):
        if column in taken:
            for row, said in zip(found[known], taken[column].to_numpy(float)[ok][known]):
                out += _compare("objective", f"{column} of contact {ids[row]}", said, truth[row], unit, name)
    return out


def _selected_sets(data: VerificationData, solution) -> tuple[np.ndarray, np.ndarray, list[Violation]]:
    """Return (y, z) from the solution's selected stations/providers, flagging unknown or filtered ones."""
    y, z, out = np.zeros(len(data.station_ids), bool), np.zeros(len(data.provider_ids), bool), []
    for station in solution.selected_stations:
        if station not in data.station_ids:
            out.append(Violation("linking", f"selected station {station} is not in Problem.stations", 1.0))
            continue
        y[data.station_ids.index(station)] = True
        if not data.station_eligible[data.station_ids.index(station)]:
            out.append(Violation("prefilter", f"selected station {station} is removed by the prefilters", 1.0))
    offered = np.zeros(len(data.provider_ids), bool)
    offered[data.provider_of_station[data.station_eligible & (data.provider_of_station >= 0)]] = True
    for provider in solution.selected_providers:
        if provider not in data.provider_ids:
            out.append(Violation("linking", f"selected provider {provider} is not in Problem.providers", 1.0))
            continue
        z[data.provider_ids.index(provider)] = True
        if not offered[data.provider_ids.index(provider)]:
            out.append(Violation("prefilter", f"selected provider {provider} has no station left by the prefilters",
                                 1.0))
    return y, z, out


def _linking(data: VerificationData, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> list[Violation]:
    """(5)-(6) both ways: contact => station => provider, and nothing selected is idle."""
    used_y, used_z = derived_sets(data, x)
    owners = np.zeros(len(data.provider_ids), bool)
    owners[data.provider_of_station[y & (data.provider_of_station >= 0)]] = True
    st, pr = data.station_ids, data.provider_ids
    return (
        [Violation("linking", f"contacts are taken at station {st[s]}, which is not selected (5)", 1.0)
         for s in np.flatnonzero(used_y & ~y)]
        + [Violation("linking", f"station {st[s]} is selected (and paid for) but takes no contact (5)", 1.0)
           for s in np.flatnonzero(y & ~used_y)]
        + [Violation("linking", f"a station of provider {pr[p]} is selected but {pr[p]} is not (6)", 1.0)
           for p in np.flatnonzero(owners & ~z)]
        + [Violation("linking", f"provider {pr[p]} is selected but none of its stations is (6)", 1.0)
           for p in np.flatnonzero(z & ~owners)]
    )


def _mapping(values) -> dict:
    """Return a plain dict from a dict, a Series, or a two-column (key, value) DataFrame."""
    if values is None:
        return {}
    if isinstance(values, pd.DataFrame):
        return dict(zip(values.iloc[:, 0], values.iloc[:, -1]))
    return dict(values)


def _compare(check: str, what: str, reported, expected: float, unit: float, unit_name: str) -> list[Violation]:
    """Return a violation unless ``reported`` equals ``expected`` within tolerance (times: absolute)."""
    tol = ONE_MILLISECOND if unit_name == "s" else _tol(expected, unit)
    try:
        reported = float(reported)
    except (TypeError, ValueError):
        reported = float("nan")
    if np.isfinite(reported) and abs(reported - expected) <= tol:
        return []
    return [Violation(check, f"reported {what} {reported:.9g} {unit_name} but the contacts give "
                             f"{expected:.9g} {unit_name}", abs(reported - expected))]


_OBJECTIVE_UNITS = {"min_mission_cost": (ONE_CENT, "USD"), "max_mission_data": (ONE_BIT, "bit"),
                    "min_max_gap": (ONE_MILLISECOND, "s")}


def _report_violations(solution, rec: Recomputed, data: VerificationData) -> list[Violation]:
    """Compare the solution's objective and report tables with the recomputation."""
    name = data.objective.builder
    out = []
    if solution.objective_name != name:
        out.append(Violation("objective", f"solution is for objective {solution.objective_name!r}, "
                                          f"the problem's is {name!r}", 1.0))
    unit, unit_name = _OBJECTIVE_UNITS[name]
    out += _compare("objective", f"objective {name}", solution.objective, rec.objective, unit, unit_name)
    costs = _mapping(solution.cost_breakdown)
    for term in (*COST_TERMS, "total"):
        out += _compare("objective", f"cost term {term!r}", costs.get(term), rec.cost_breakdown[term],
                        ONE_CENT, "USD")
    reported = _mapping(solution.data_by_satellite)
    for k in sorted(set(reported) | set(rec.data_by_satellite)):
        out += _compare("objective", f"data of satellite {k}", reported.get(k, 0.0),
                        rec.data_by_satellite.get(k, 0.0), ONE_BIT, "bit")
    reported = _mapping(solution.max_gap_by_satellite_s)
    for k in sorted(set(reported) | set(rec.max_gap_by_satellite_s)):
        out += _compare("objective", f"max gap of satellite {k}", reported.get(k, 0.0),
                        rec.max_gap_by_satellite_s.get(k, 0.0), ONE_MILLISECOND, "s")
    return out


@dataclass(frozen=True)
class VerificationReport:
    """The violations of one solution and the verifier's own objective value."""

    violations: tuple[Violation, ...]
    objective: float | None = None

    @property
    def ok(self) -> bool:
        return not self.violations

    def __str__(self) -> str:
        return format_violations(self.violations)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per violation: check, message, amount."""
        return pd.DataFrame([vars(v) for v in self.violations], columns=["check", "message", "amount"])

    def raise_for_violations(self) -> None:
        """Raise :class:`GstkError` listing the violations, if any."""
        if self.violations:
            raise GstkError(format_violations(self.violations))


def format_violations(violations: Iterable[Violation]) -> str:
    """Return a human-readable list of violations, one per line, or a one-line all-clear.

    Examples
    --------
    >>> print(format_violations([]))
    verified: no violations
    >>> print(format_violations([Violation("max_providers", "3 providers used > 2", 1.0)]))
    1 violation:
      [max_providers] 3 providers used > 2 (amount 1)
    """
    violations = list(violations)
    if not violations:
        return "verified: no violations"
    head = f"{len(violations)} violation{'s' if len(violations) > 1 else ''}:"
    return "\n".join([head] + [f"  {v} (amount {v.amount:.6g})" for v in violations])


def verification_report(solution, contacts: pd.DataFrame, problem: Problem, *, start=None,
                        end=None) -> VerificationReport:
    """Return the :class:`VerificationReport` of ``solution`` (see :func:`verify`)."""
    if _status_name(solution.status) not in _SOLVED:
        return VerificationReport(())
    data = verification_data(contacts, problem, start=start, end=end)
    x, out = _taken_rows(data, solution.contacts)
    y, z, more = _selected_sets(data, solution)
    out += more + _linking(data, x, y, z) + check_selection(data, x, y, z)
    rec = recompute(data, x, y, z)
    out += _report_violations(solution, rec, data)
    return VerificationReport(tuple(out), rec.objective)


def verify(solution, contacts: pd.DataFrame, problem: Problem, *, start=None, end=None) -> list[Violation]:
    """Return every violation of ``solution``, recomputed from the raw ``contacts`` table.

    Checks that each taken contact exists (satellite, station, AOS within 1 ms) and
    survives the prefilters; linking (5)-(7) both ways; every active constraint
    (8)-(21); the objective (2)/(3)/(4) and the reported cost breakdown, data per
    satellite and gaps.  A solution without an incumbent (infeasible, no solution,
    error) claims nothing and yields ``[]``.

    Parameters
    ----------
    solution : Solution
        Read through ``status, selected_providers, selected_stations, contacts,
        objective, objective_name, cost_breakdown, data_by_satellite,
        max_gap_by_satellite_s`` only.
    contacts : pandas.DataFrame
        The raw contact table the problem was solved on (before prefilters).
    problem : Problem
    start, end : optional
        Simulation window when ``contacts.attrs`` lacks it.

    Returns
    -------
    list of Violation
        Empty when the solution is valid.
    """
    return list(verification_report(solution, contacts, problem, start=start, end=end).violations)


def selection_mask(data: VerificationData, taken) -> tuple[np.ndarray, list[Violation]]:
    """Return (x, violations) for a boolean mask over the raw rows, row positions or contact ids."""
    n = len(data.aos_s)
    taken = np.asarray(list(taken) if not isinstance(taken, np.ndarray) else taken)
    if taken.dtype == bool:
        if taken.shape != (n,):
            raise GstkError(f"a selection mask must have one entry per contact ({n}), got shape {taken.shape}")
        return taken.copy(), []
    x, out = np.zeros(n, bool), []
    if taken.size and taken.dtype.kind in "iu":
        x[taken] = True
        return x, out
    position = {cid: i for i, cid in enumerate(data.contacts["contact_id"])}
    for cid in taken.astype(str):
        if cid in position:
            x[position[cid]] = True
        else:
            out.append(Violation("unknown_contact", f"contact {cid} is not in the contact table", 1.0))
    return x, out


def verify_selection(taken, contacts: pd.DataFrame, problem: Problem, *, start=None,
                     end=None) -> tuple[float, list[Violation]]:
    """Return (objective, violations) of taking exactly ``taken`` (mask, positions or contact ids).

    Stations, providers and licences are derived from the taken contacts (5)-(7),
    which is optimal for every objective: an idle station only costs.
    """
    data = verification_data(contacts, problem, start=start, end=end)
    x, out = selection_mask(data, taken)
    y, z = derived_sets(data, x)
    return recompute(data, x, y, z).objective, out + check_selection(data, x, y, z)
