"""Independent verifier: recompute every active constraint and the objective from raw tables.

Formulation §7: every reported solution must pass a check that shares no code with
the model.  This module never imports cvxpy, ``gstk.model.build``, the objective
or constraint builders, nor ``ModelData.from_problem``: it re-derives indices,
rates, costs, windows, cliques and gaps from the raw contact table with plain
numpy/pandas.  It shares only the one cost function (:mod:`gstk.problem.costs`), the one
volume rule (:mod:`gstk.problem.volumes`), the period windows (:mod:`gstk.problem.periods`),
the prefilters and the specs.  Given the satellites, it also recomputes each taken contact's
volume under a rate model and checks horizon masks from SGP4 itself (:mod:`gstk.verification.links`).

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

The tolerances, :class:`Violation` and the re-derived tables live in :mod:`gstk.verification.data`,
the per-constraint checks in :mod:`gstk.verification.checks`; their public names are re-exported here.

Examples
--------
>>> Violation("max_providers", "3 providers > 2", 1.0)
Violation(check='max_providers', message='3 providers > 2', amount=1.0)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.problem.costs import COST_TERMS, DEFAULT_COST_MODEL
from gstk.problem.definition import Problem
from gstk.times import utc_series
from gstk.verification.checks import Recomputed, check_selection, derived_sets, recompute
from gstk.verification.operations import hits_outage
from gstk.verification.data import (
    ONE_BIT,
    ONE_CENT,
    ONE_MILLISECOND,
    VerificationData,
    Violation,
    tolerance,
    verification_data,
)
from gstk.verification.links import link_violations

__all__ = ["verify", "verification_report", "verify_selection", "selection_mask", "format_violations",
    "VerificationReport"]

_SOLVED = ("OPTIMAL", "FEASIBLE")


# --------------------------------------------------------------------------- solutions
def _status_name(status) -> str:
    return str(getattr(status, "value", status)).upper()


def _seconds(values: pd.Series, t0: pd.Timestamp) -> np.ndarray:
    return (utc_series(values) - t0).dt.total_seconds().to_numpy(float)


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
    for frame in (left, right):  # one key dtype on both sides, also for an empty contact table
        frame[["satellite_id", "station_id"]] = frame[["satellite_id", "station_id"]].astype(str)
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
    tol = ONE_MILLISECOND if unit_name == "s" else tolerance(expected, unit)
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
    priced = getattr(solution, "cost_model", DEFAULT_COST_MODEL)
    if priced != data.cost_model:
        out.append(Violation("objective", f"solution is priced with cost model {priced!r}, the problem's is "
                                          f"{data.cost_model!r}", 1.0))
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
                        end=None, satellites=None, rates=None, horizon_masks=None) -> VerificationReport:
    """Return the :class:`VerificationReport` of ``solution`` (see :func:`verify`)."""
    if _status_name(solution.status) not in _SOLVED:
        return VerificationReport(())
    data = verification_data(contacts, problem, start=start, end=end)
    x, out = _taken_rows(data, solution.contacts)
    out += _reported_outage_violations(data, solution.contacts)
    y, z, more = _selected_sets(data, solution)
    out += more + _linking(data, x, y, z) + check_selection(data, x, y, z)
    rec = recompute(data, x, y, z)
    out += _report_violations(solution, rec, data)
    if satellites is not None:  # the pass geometry, recomputed from SGP4 (gstk.verification.links)
        out += link_violations(data, x, problem.stations, satellites, rates, horizon_masks)
    elif rates is not None or horizon_masks:
        raise GstkError("verify: checking rates or horizon masks recomputes each pass from SGP4; pass the "
                        "satellites too (satellites=...)")
    return VerificationReport(tuple(out), rec.objective)


def _reported_outage_violations(data: VerificationData, taken: pd.DataFrame | None) -> list[Violation]:
    """Flag every taken contact whose reported [AOS, LOS] meets an outage of its station (clipped or not)."""
    if not data.outages or taken is None or len(taken) == 0 or "los" not in taken or "aos" not in taken:
        return []
    aos, los = utc_series(taken["aos"]), utc_series(taken["los"])
    hit = hits_outage(taken["station_id"].astype(str), aos, los, data.outages)
    return [Violation("station_outages", f"taken contact {taken['satellite_id'].iloc[i]}|{taken['station_id'].iloc[i]}"
                                         f" at AOS {aos.iloc[i]} overlaps an outage of its station", 1.0)
            for i in np.flatnonzero(hit)]


def verify(solution, contacts: pd.DataFrame, problem: Problem, *, start=None, end=None, satellites=None,
           rates=None, horizon_masks=None) -> list[Violation]:
    """Return every violation of ``solution``, recomputed from the raw ``contacts`` table.

    Checks that each taken contact exists (satellite, station, AOS within 1 ms) and
    survives the prefilters; linking (5)-(7) both ways; every active constraint
    (8)-(21); the objective (2)/(3)/(4) and the reported cost breakdown, data per
    satellite and gaps, all priced with the problem's ``cost_model`` (a solution
    priced with another model is a violation).  A solution without an incumbent (infeasible, no solution,
    error) claims nothing and yields ``[]``.

    Parameters
    ----------
    solution : Solution
        Read through ``status, selected_providers, selected_stations, contacts,
        objective, objective_name, cost_breakdown, data_by_satellite,
        max_gap_by_satellite_s`` and ``cost_model`` (default "gstk") only.
    contacts : pandas.DataFrame
        The raw contact table the problem was solved on (before prefilters).
    problem : Problem
    start, end : optional
        Simulation window when ``contacts.attrs`` lacks it.
    satellites : Satellites, optional
        With ``rates`` and/or ``horizon_masks`` (as given to ``compute_contacts``): recompute every
        taken contact's volume from SGP4 and check it against the table's ``volume_bit``
        ("contact_volume"), and check it stays above its station's horizon mask ("horizon_mask");
        see :mod:`gstk.verification.links`.  Without them the table's volumes are taken as given.

    Returns
    -------
    list of Violation
        Empty when the solution is valid.
    """
    return list(verification_report(solution, contacts, problem, start=start, end=end, satellites=satellites,
                                    rates=rates, horizon_masks=horizon_masks).violations)


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
