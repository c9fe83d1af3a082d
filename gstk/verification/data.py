"""What the verifier works on: its tolerances, :class:`Violation`, and :class:`VerificationData`.

:func:`verification_data` re-derives indices, rates, costs and windows from the raw contact
table and the :class:`~gstk.problem.Problem`'s tables with plain numpy/pandas, sharing no code
with the model (formulation §7); :func:`max_gap_s` and :func:`open_contacts_at_start` are the
verifier's own interval arithmetic.  :mod:`gstk.verify` is the API and states the conventions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gstk.problem import specs
from gstk.problem.costs import DEFAULT_COST_MODEL, contact_cost_usd, surrogate_scale
from gstk.problem.definition import Problem
from gstk.problem.prefilters import apply_prefilters
from gstk.problem.volumes import contact_volume_bit, link_volume_column
from gstk.problem.window import contact_keys, sim_window
from gstk.verification import operations as ops
from gstk.times import utc_series

__all__ = ["REL_TOL", "ONE_CENT", "ONE_BIT", "ONE_MILLISECOND", "Violation", "tolerance", "VerificationData",
           "verification_data", "open_contacts_at_start", "max_gap_s"]

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


@dataclass(frozen=True)
class Violation:
    """One failed check: ``check`` is a builder name or 'linking', 'objective',
    'prefilter', 'unknown_contact'; ``amount`` is the excess in the check's unit."""

    check: str
    message: str
    amount: float

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


def tolerance(reference: float, unit: float) -> float:
    """Return the allowed difference for money and data: REL_TOL relative, at least one ``unit``."""
    return max(unit, REL_TOL * abs(float(reference)))


# --------------------------------------------------------------------------- re-derived data
@dataclass(frozen=True, eq=False)
class VerificationData:
    """The raw contacts (one row each, in input order) and price arrays, indexed independently.

    Row-wise arrays cover every raw contact; ``satellite_of_row``/``station_of_row``
    are -1 where the table names a satellite/station the problem does not know.
    ``eligible`` marks rows that survive the prefilters (15), (20), bands, status and
    outages.  Contacts hit by an outage of ``StationOutages(mode='clip')`` are replaced by
    their free parts (:mod:`gstk.verification.operations`), so rows are the clipped table's.
    ``outage_hit`` marks rows an outage meets (only possible with ``mode='drop'``);
    ``station_turnaround_s`` (tau_s) and ``satellite_slew_s`` (sigma_k) are resolved.
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
    cost_model: str = DEFAULT_COST_MODEL  # the problem's: how kappa_c and the monthly weight of (2) are priced
    minimum_duration_s: np.ndarray | None = None  # per row: max(d_min, d_p) of (15) with provider minima
    outage_hit: np.ndarray | None = None  # per row: an outage of its station meets it (drop mode)
    outages: tuple = ()  # (station_id, start, end) UTC windows of StationOutages
    station_turnaround_s: np.ndarray | None = None  # tau_s per station
    satellite_slew_s: np.ndarray | None = None  # sigma_k per satellite

    @property
    def duration_s(self) -> np.ndarray:
        return self.los_s - self.aos_s

    @property
    def volume_bit(self) -> np.ndarray:
        """v_c = r_c d_c in the simulation window (r_c the mean rate under a rate model, gstk.problem.volumes)."""
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
    raw["aos"] = utc_series(raw["aos"])
    raw["los"] = utc_series(raw["los"])
    outages, outage_mode = ops.outage_windows(problem.constraints)
    if outage_mode == "clip":
        raw = ops.clip_to_outages(raw, outages)
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
    _, rate = contact_volume_bit(rate, duration, link_volume_column(raw))  # mean rate v_c / d_c under a rate model
    kappa = contact_cost_usd(stations["pass_cost_usd"].to_numpy(float)[safe_st],
                             stations["minute_cost_usd"].to_numpy(float)[safe_st], duration, problem.cost_model)
    minimum = ops.minimum_duration_s(np.where(known, stations["provider"].to_numpy(object)[safe_st], ""),
                                     problem.constraints)
    hit = ops.hits_outage(raw["station_id"], raw["aos"], raw["los"], outages)
    return VerificationData(
        contacts=raw, eligible=raw.index.isin(kept.index) & known & (duration + ONE_MILLISECOND >= minimum) & ~hit,
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
        cost_model=problem.cost_model,
        minimum_duration_s=minimum, outage_hit=hit, outages=tuple(outages),
        station_turnaround_s=ops.turnaround_by_station_s(stations, problem.providers, problem.constraints),
        satellite_slew_s=ops.slew_by_satellite_s(problem.satellites, sat_ids, problem.constraints),
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

