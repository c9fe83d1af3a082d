"""Test-side brute-force optimizer: enumerate every subset of a few contacts.

Stations, providers and licences follow from the taken contacts ((5)-(7) with
no idle station), which is optimal for every objective because an idle station
only costs.  Feasibility and objective are evaluated for all 2^n subsets at once
with numpy bit matrices; the same checks as :mod:`gstk.verify`, re-implemented
in matrix form (``tests/test_bruteforce.py`` cross-checks them against
``verify_selection`` on random subsets).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gstk.problem import specs
from gstk.problem.costs import mission_months
from gstk.problem.definition import Problem
from gstk.problem.periods import overlap_s, period_starts_s
from gstk.units import SECONDS_PER_MONTH
from gstk.verification.data import ONE_BIT, ONE_CENT, ONE_MILLISECOND, REL_TOL, VerificationData, verification_data

#: 2^16 subsets x 16^2 successor candidates stay below ~20 MB of booleans.
MAX_CONTACTS = 16


@dataclass(frozen=True)
class BruteForceResult:
    """The true optimum: ``taken`` is a boolean mask over the raw contact rows."""

    feasible: bool
    objective: float | None
    taken: np.ndarray | None
    n_feasible: int
    n_subsets: int


def subset_matrix(n: int) -> np.ndarray:
    """Return the (2^n, n) boolean matrix whose row m is the binary expansion of m."""
    return ((np.arange(2 ** n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)


def _tol(reference, unit):
    return np.maximum(unit, REL_TOL * np.abs(reference))


@dataclass(frozen=True, eq=False)
class _Arrays:
    """Eligible contacts only (columns of the subset matrix)."""

    rows: np.ndarray
    a: np.ndarray
    b: np.ndarray
    sat: np.ndarray
    st: np.ndarray
    rate: np.ndarray
    kappa: np.ndarray
    station_incidence: np.ndarray  # n x S
    provider_incidence: np.ndarray  # S x P
    pair_incidence: np.ndarray  # n x W
    pair_licence_usd: np.ndarray


def _arrays(data: VerificationData, problem: Problem) -> _Arrays:
    rows = np.flatnonzero(data.eligible)
    st, sat = data.station_of_row[rows], data.satellite_of_row[rows]
    n, n_st = len(rows), len(data.station_ids)
    station_incidence = np.zeros((n, n_st), float)
    station_incidence[np.arange(n), st] = 1
    provider_incidence = np.zeros((n_st, len(data.provider_ids)), float)
    provider_incidence[np.arange(n_st), data.provider_of_station] = 1
    pair_codes, pairs = pd.factorize(pd.Series(st * 10_000 + sat))
    pair_incidence = np.zeros((n, len(pairs)), float)
    pair_incidence[np.arange(n), pair_codes] = 1
    return _Arrays(rows, data.aos_s[rows], data.los_s[rows], sat, st, data.rate_bps[rows],
                   _kappa(data, problem, rows), station_incidence, provider_incidence, pair_incidence,
                   data.licence_cost_usd[np.asarray(pairs) // 10_000])


def _kappa(data: VerificationData, problem: Problem, rows: np.ndarray) -> np.ndarray:
    """Return kappa_c of the eligible rows, priced here from the problem's prices (not the verifier's).

    "gstk": C^pass + C^min d / 60; "reference-2025": C^pass + C^min d with d in seconds (formulation §9).
    """
    prices = problem.stations.set_index("station_id").reindex(list(data.station_ids))
    st = data.station_of_row[rows]
    per_second = 1.0 if data.cost_model == "reference-2025" else 1.0 / 60.0
    duration = data.los_s[rows] - data.aos_s[rows]
    return (prices["pass_cost_usd"].to_numpy(float)[st]
            + prices["minute_cost_usd"].to_numpy(float)[st] * duration * per_second)


def _monthly_weight(data: VerificationData) -> float:
    """Return the weight of C^mon in (2): M, divided once more by T_sim (s) under "reference-2025"."""
    months = mission_months(data.mission_duration_s)
    return months / data.sim_duration_s if data.cost_model == "reference-2025" else months


def _max_overlapping(arr: _Arrays, X: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Return (N, n): for each taken i, 1 + #taken j != i of its group overlapping i with a_j <= a_i.

    Any set of pairwise-overlapping intervals is counted at its latest-starting member.
    """
    a, b = arr.a, arr.b
    positive = b > a  # a zero-length contact conflicts with nothing (open interiors)
    M = ((group[:, None] == group[None, :]) & ~np.eye(len(a), dtype=bool) & positive[:, None] & positive[None, :]
         & (a[None, :] <= a[:, None]) & (a[None, :] < b[:, None]) & (a[:, None] < b[None, :]))
    return np.where(X, X.astype(np.int32) @ M.T.astype(np.int32) + 1, 0)


def _gaps(arr: _Arrays, X: np.ndarray, n_sat: int, T: float, include_boundary: bool) -> np.ndarray:
    """Return (N, K) max gap per satellite per subset, with the contract's gap definition."""
    out = np.zeros((len(X), n_sat))
    for k in range(n_sat):
        cols = np.flatnonzero(arr.sat == k)
        Xk, a, b = X[:, cols], arr.a[cols], arr.b[cols]
        later = a[None, :] > a[:, None]  # [i, j]: j starts strictly after i
        succ = np.where(Xk[:, None, :] & later[None], a[None, None, :], np.inf).min(-1, initial=np.inf)
        inner = np.where(Xk & np.isfinite(succ), succ - b[None, :], 0.0).max(-1, initial=0.0)
        gap = np.maximum(inner, 0.0)
        if include_boundary:
            first = np.where(Xk, a[None, :], np.inf).min(-1, initial=np.inf)
            last = np.where(Xk, b[None, :], -np.inf).max(-1, initial=-np.inf)
            any_taken = Xk.any(1)
            gap = np.where(any_taken, np.maximum.reduce([gap, first, T - last]), T)
        out[:, k] = gap
    return out


def _feasible(data: VerificationData, arr: _Arrays, X: np.ndarray) -> np.ndarray:
    """Return the (N,) feasibility of each subset under every constraint of ``data``."""
    Xf = X.astype(float)
    Y = Xf @ arr.station_incidence > 0
    Z = Y.astype(float) @ arr.provider_incidence > 0
    T, K = data.sim_duration_s, len(data.satellite_ids)
    ok = np.ones(len(X), bool)
    for spec in data.constraints:
        if isinstance(spec, (specs.MinConstellationDownlink, specs.MinSatelliteDownlink)):
            starts = period_starts_s(T, spec.window_s, spec.step_s)
            A = np.stack([arr.rate * overlap_s(arr.a, arr.b, s, s + spec.window_s) for s in starts], 1)
            A = A.reshape(len(arr.a), len(starts))
            groups = [np.ones(len(arr.a), bool)] if isinstance(spec, specs.MinConstellationDownlink) else \
                [arr.sat == k for k in range(K)]
            for g in groups:
                ok &= ((Xf @ (A * g[:, None])) >= spec.volume_bit - _tol(spec.volume_bit, ONE_BIT)).all(1)
        elif isinstance(spec, specs.MaxMonthlyCost):  # (10)
            monthly = Y.astype(float) @ data.monthly_cost_usd + SECONDS_PER_MONTH / T * (Xf @ arr.kappa)
            ok &= monthly <= spec.usd + _tol(spec.usd, ONE_CENT)
        elif isinstance(spec, specs.StationContactExclusion):  # (11)
            ok &= ~(_max_overlapping(arr, X, arr.st) > data.antennas[arr.st][None, :]).any(1)
        elif isinstance(spec, specs.SatelliteContactExclusion):  # (12)
            ok &= ~(_max_overlapping(arr, X, arr.sat) > spec.max_links).any(1)
        elif isinstance(spec, specs.MaxContactGap):  # (13)
            ok &= (_gaps(arr, X, K, T, spec.include_boundary) <= spec.gap_s + ONE_MILLISECOND).all(1)
        elif isinstance(spec, specs.MaxProviders):  # (14)
            ok &= Z.sum(1) <= spec.count
        elif isinstance(spec, specs.MinContactsPerPeriod):  # (16)
            starts = period_starts_s(T, spec.window_s, spec.step_s)
            inside = (arr.a[:, None] >= starts[None, :]) & (arr.a[:, None] <= starts[None, :] + spec.window_s)
            for k in range(K):
                ok &= ((Xf @ (inside & (arr.sat == k)[:, None])) >= spec.count).all(1)
        elif isinstance(spec, specs.RequiredProvider):  # (17)
            p = data.provider_ids.index(spec.provider)
            ok &= Z[:, p]
        elif isinstance(spec, specs.RequiredStation):  # (18)
            ok &= Y[:, data.station_ids.index(spec.station_id)]
        elif isinstance(spec, specs.StationCount):  # (19)
            n = Y.sum(1)
            ok &= (n >= spec.min_count) & (n <= (spec.max_count if spec.max_count is not None else np.inf))
        elif isinstance(spec, specs.MaxAntennaUtilization):  # (21)
            busy = Xf @ (arr.station_incidence * (arr.b - arr.a)[:, None])
            cap = spec.fraction * data.antennas * T
            ok &= (busy <= cap + np.maximum(ONE_MILLISECOND, REL_TOL * cap)).all(1)
        else:
            raise NotImplementedError(f"brute force has no check for {type(spec).__name__}")
    return ok


def _objective(data: VerificationData, arr: _Arrays, X: np.ndarray) -> np.ndarray:
    """Return the (N,) objective (2), (3) or (4) of each subset."""
    Xf = X.astype(float)
    objective = data.objective
    if isinstance(objective, specs.MaxMissionData):  # (3)
        return data.surrogate_scale * (Xf @ (arr.rate * (arr.b - arr.a)))
    if isinstance(objective, specs.MinMaxGap):  # (4)
        gaps = _gaps(arr, X, len(data.satellite_ids), data.sim_duration_s, objective.include_boundary)
        return gaps.max(1, initial=0.0)
    Y = (Xf @ arr.station_incidence > 0).astype(float)
    Z = (Y @ arr.provider_incidence > 0).astype(float)
    W = (Xf @ arr.pair_incidence > 0).astype(float)
    station_usd = data.setup_cost_usd + _monthly_weight(data) * data.monthly_cost_usd
    return (Z @ data.integration_cost_usd + Y @ station_usd + W @ arr.pair_licence_usd
            + data.surrogate_scale * (Xf @ arr.kappa))  # (2)


def evaluate_subsets(contacts: pd.DataFrame, problem: Problem, taken: np.ndarray, *, start=None,
                     end=None) -> tuple[np.ndarray, np.ndarray]:
    """Return (feasible, objective) of each row of ``taken``, an (N, n_raw) mask over raw contacts.

    Rows taking a contact removed by the prefilters are infeasible.
    """
    data = verification_data(contacts, problem, start=start, end=end)
    arr = _arrays(data, problem)
    taken = np.asarray(taken, bool)
    X = taken[:, arr.rows]
    return _feasible(data, arr, X) & ~(taken & ~data.eligible).any(1), _objective(data, arr, X)


def brute_force(contacts: pd.DataFrame, problem: Problem, *, start=None, end=None) -> BruteForceResult:
    """Return the true optimum of ``problem`` by enumerating every subset of the eligible contacts."""
    data = verification_data(contacts, problem, start=start, end=end)
    arr = _arrays(data, problem)
    n = len(arr.rows)
    if n > MAX_CONTACTS:
        raise ValueError(f"brute force enumerates 2^n subsets; {n} eligible contacts > {MAX_CONTACTS}")
    X = subset_matrix(n)
    feasible = _feasible(data, arr, X)
    if not feasible.any():
        return BruteForceResult(False, None, None, 0, len(X))
    values = _objective(data, arr, X)
    sign = 1.0 if problem.objective.sense == "min" else -1.0
    best = int(np.argmin(np.where(feasible, sign * values, np.inf)))
    taken = np.zeros(len(data.aos_s), bool)
    taken[arr.rows[X[best]]] = True
    return BruteForceResult(True, float(values[best]), taken, int(feasible.sum()), len(X))
