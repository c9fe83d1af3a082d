"""Explain an infeasible problem in sentences that name the conflicting constraints.

Two stages, cheapest first:

1. Necessary conditions, no solver: each one alone proves infeasibility
   (a satellite cannot downlink the (9) minimum in some window even taking
   every contact; a required provider or station (17)/(18) was removed by a
   prefilter or has no contact; (19) asks more stations than have contacts;
   (14) allows fewer providers than are required; (13) with boundary gaps
   cannot hold because no contact covers a long stretch; (10) is below the
   monthly cost of the required stations).
2. If none fires and the model is small, a deletion filter over the
   constraint specs: drop one spec, re-solve for feasibility, keep it dropped
   if the rest is still infeasible.  What remains is a minimal conflicting
   set: dropping any one of its members removes this conflict.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from gstk.model.build import build_model
from gstk.model.gaps import longest_uncovered_s
from gstk.problem.periods import overlap_s, period_starts_s
from gstk.problem.specs import (
    AllowedProviders,
    MaxContactGap,
    MaxMonthlyCost,
    MaxProviders,
    MinConstellationDownlink,
    MinContactDuration,
    MinContactsPerPeriod,
    MinMissionCost,
    MinSatelliteDownlink,
    RequiredBands,
    RequiredProvider,
    RequiredStation,
    Spec,
    StationCount,
    StationStatus,
)
from gstk.solution.result import Status
from gstk.solve.options import TimeBudget
from gstk.solve.scip import run_scip, scip_parameters
from gstk.units import BITS_PER_GB, SECONDS_PER_HOUR, SECONDS_PER_MONTH

log = logging.getLogger(__name__)

#: Relative slack on volume comparisons, far above float error on sums of 1e12-bit volumes.
_REL_TOL = 1e-9


def diagnose(data, problem, *, contacts: pd.DataFrame | None = None, max_contacts: int = 2000,
             time_limit_s: float = 30.0, budget: TimeBudget | None = None, seed: int = 0) -> list[str]:
    """Return sentences explaining why ``problem`` on ``data`` (a ModelData) is infeasible.

    Parameters
    ----------
    data : ModelData
        The prefiltered problem data the model was built from.
    problem : Problem
        Objective, constraints and price tables.
    contacts : DataFrame, optional
        The raw contact table (before prefilters), to say what a prefilter removed.
    max_contacts : int
        Run the solver-based conflict search only up to this many contacts.
    time_limit_s : float
        Total SCIP time for the conflict search, in seconds.
    budget : TimeBudget, optional
        The calling ``optimize``'s budget: the conflict search gets at most what it has left.
    """
    found = necessary_condition_failures(data, problem, contacts=contacts)
    if found:
        return found
    specs = tuple(s for s in problem.constraints if s.kind == "constraint")
    if not specs:
        return ["the model is infeasible even without optional constraints; check the contact table "
                "and the prefilters"]
    if data.n_contacts > max_contacts:
        return [f"no single necessary condition fails; the conflict search was skipped because the model has "
                f"{data.n_contacts} contacts (> {max_contacts}); try dropping constraints among "
                f"{', '.join(describe(s) for s in specs)}"]
    budget = TimeBudget((budget or TimeBudget(None)).capped(time_limit_s))
    return [conflict_sentence(conflicting_constraints(data, specs, budget=budget, seed=seed), specs)]


def describe(spec: Spec) -> str:
    """Return 'Name (eq) [param=value, ...]' for a spec."""
    params = ", ".join(f"{k}={_short(v)}" for k, v in spec.to_dict().items() if k != "type")
    eq = f" {spec.equation}" if spec.equation else ""
    return f"{type(spec).__name__}{eq}" + (f" [{params}]" if params else "")


def _short(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) else repr(value) if isinstance(value, str) else str(value)


# ----------------------------------------------------------------------------- necessary conditions
def necessary_condition_failures(data, problem, *, contacts: pd.DataFrame | None = None) -> list[str]:
    """Return one sentence per failed necessary condition (each alone proves infeasibility)."""
    out: list[str] = []
    specs = [s for s in problem.constraints if s.kind == "constraint"]
    for spec in specs:
        if isinstance(spec, MinSatelliteDownlink):
            out += satellite_downlink_shortfalls(data, spec)
        elif isinstance(spec, MinConstellationDownlink):
            out += constellation_downlink_shortfalls(data, spec)
        elif isinstance(spec, MinContactsPerPeriod):
            out += contact_count_shortfalls(data, spec)
        elif isinstance(spec, RequiredProvider):
            out += missing_provider(data, problem, spec)
        elif isinstance(spec, RequiredStation):
            out += missing_station(data, problem, spec, contacts)
        elif isinstance(spec, MaxContactGap):
            out += uncovered_stretches(data, spec)
    out += station_count_conflicts(data, specs) + provider_count_conflicts(data, problem, specs)
    out += monthly_cost_conflicts(data, specs)
    return out


def _window_text(data, start_s: float, window_s: float) -> str:
    start = pd.Timestamp(data.sim_start) + pd.Timedelta(seconds=float(start_s))
    return f"the {window_s / SECONDS_PER_HOUR:g} h window starting {start.strftime('%Y-%m-%d %H:%M UTC')}"


def available_volume_bit(data, window_s: float, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (window starts, K x J array of sum_{c in C_k} r_c |[a_c, b_c] ∩ W_j|) in bits."""
    starts = period_starts_s(data.sim_duration_s, window_s, step_s)
    out = np.zeros((len(data.satellite_ids), len(starts)))
    for j, t in enumerate(starts):
        volume = data.rate_bps * overlap_s(data.aos_s, data.los_s, t, t + window_s)
        out[:, j] = np.bincount(data.satellite_of_contact, weights=volume, minlength=len(data.satellite_ids))
    return starts, out


def satellite_downlink_shortfalls(data, spec: MinSatelliteDownlink) -> list[str]:
    """(9): satellites that cannot reach ``volume_bit`` in some window even taking every contact."""
    starts, volume = available_volume_bit(data, spec.window_s, spec.step_s)
    short = volume < spec.volume_bit * (1 - _REL_TOL)
    if not short.any():
        return []
    k, j = np.unravel_index(np.argmin(np.where(short, volume, np.inf)), volume.shape)
    return [f"{describe(spec)} needs {spec.volume_bit / BITS_PER_GB:.4g} GB per satellite in every window, but "
            f"satellite {data.satellite_ids[k]} can downlink at most {volume[k, j] / BITS_PER_GB:.4g} GB in "
            f"{_window_text(data, starts[j], spec.window_s)} even taking every contact "
            f"({int(short.sum())} satellite-window(s) fall short)"]


def constellation_downlink_shortfalls(data, spec: MinConstellationDownlink) -> list[str]:
    """(8): windows in which all satellites together cannot reach ``volume_bit``."""
    starts, volume = available_volume_bit(data, spec.window_s, spec.step_s)
    total = volume.sum(axis=0)
    short = total < spec.volume_bit * (1 - _REL_TOL)
    if not short.any():
        return []
    j = int(np.argmin(np.where(short, total, np.inf)))
    return [f"{describe(spec)} needs {spec.volume_bit / BITS_PER_GB:.4g} GB in every window, but the "
            f"constellation can downlink at most {total[j] / BITS_PER_GB:.4g} GB in "
            f"{_window_text(data, starts[j], spec.window_s)} even taking every contact "
            f"({int(short.sum())} window(s) fall short)"]


def contact_count_shortfalls(data, spec: MinContactsPerPeriod) -> list[str]:
    """(16): satellites with fewer than ``count`` contacts starting in some window."""
    starts = period_starts_s(data.sim_duration_s, spec.window_s, spec.step_s)
    for k, sat in enumerate(data.satellite_ids):
        a = np.sort(data.aos_s[data.satellite_of_contact == k])
        counts = np.searchsorted(a, starts + spec.window_s, side="right") - np.searchsorted(a, starts, side="left")
        if len(counts) and counts.min() < spec.count:
            j = int(np.argmin(counts))
            return [f"{describe(spec)} needs {spec.count} contact(s) per satellite in every window, but satellite "
                    f"{sat} has only {int(counts[j])} starting in {_window_text(data, starts[j], spec.window_s)}"]
    return []


def missing_provider(data, problem, spec: RequiredProvider) -> list[str]:
    """(17): a required provider that the prefilters removed or that has no contact."""
    if spec.provider not in data.provider_ids:
        return [f"{describe(spec)} cannot hold: provider {spec.provider!r} has no station left after the "
                f"prefilters ({provider_exclusion_reason(problem, spec.provider)})"]
    p = data.provider_ids.index(spec.provider)
    stations = np.flatnonzero(data.provider_of_station == p)
    if not np.isin(data.station_of_contact, stations).any():
        return [f"{describe(spec)} cannot hold: no station of provider {spec.provider!r} has a contact in the "
                f"simulation window after the prefilters, and a provider is only used through a taken contact"]
    return []


def missing_station(data, problem, spec: RequiredStation, contacts: pd.DataFrame | None) -> list[str]:
    """(18): a required station that the prefilters removed or that has no contact."""
    if spec.station_id not in data.station_ids:
        row = problem.stations[problem.stations["station_id"] == spec.station_id].iloc[0]
        return [f"{describe(spec)} cannot hold: station {spec.station_id!r} is removed by the prefilters "
                f"({station_exclusion_reason(problem, row)})"]
    s = data.station_ids.index(spec.station_id)
    if (data.station_of_contact == s).any():
        return []
    raw = 0 if contacts is None else int((contacts["station_id"].astype(str) == spec.station_id).sum())
    why = (f"; MinContactDuration removed all {raw} of its contacts" if raw and
           any(isinstance(c, MinContactDuration) for c in problem.constraints) else "")
    return [f"{describe(spec)} cannot hold: station {spec.station_id!r} has no contact in the simulation window "
            f"after the prefilters{why}, and a station is only used through a taken contact"]


def station_exclusion_reason(problem, row: pd.Series) -> str:
    """Return which prefilter removes a station row."""
    reasons = []
    for spec in problem.constraints:
        if isinstance(spec, AllowedProviders) and row["provider"] not in spec.providers:
            reasons.append(f"its provider {row['provider']!r} is not in {describe(spec)}")
        if isinstance(spec, RequiredBands):
            offered = {b.strip().upper() for b in str(row.get("bands", "") or "").split(";") if b.strip()}
            missing = sorted({b.strip().upper() for b in spec.bands} - offered)
            if missing:
                reasons.append(f"it lacks band(s) {missing} required by {describe(spec)}")
    statuses = next((s.statuses for s in problem.constraints if isinstance(s, StationStatus)), ("Operational",))
    if "status" in row.index and row["status"] not in statuses:
        reasons.append(f"its status is {row['status']!r} but only {list(statuses)} are admitted (StationStatus)")
    return "; ".join(reasons) or "no prefilter reason found"


def provider_exclusion_reason(problem, provider: str) -> str:
    """Return why no station of ``provider`` survives the prefilters."""
    rows = problem.stations[problem.stations["provider"] == provider]
    if rows.empty:
        return "it has no station in Problem.stations"
    return "; ".join(sorted({station_exclusion_reason(problem, row) for _, row in rows.iterrows()}))


def station_count_conflicts(data, specs: Iterable[Spec]) -> list[str]:
    """(19): more stations asked than have contacts, or fewer allowed than are required."""
    specs = list(specs)
    with_contacts = len(np.unique(data.station_of_contact))
    required = {s.station_id for s in specs if isinstance(s, RequiredStation)}
    out = []
    for spec in specs:
        if not isinstance(spec, StationCount):
            continue
        if spec.min_count > with_contacts:
            out.append(f"{describe(spec)} asks for at least {spec.min_count} stations, but only {with_contacts} "
                       "station(s) have a contact after the prefilters")
        if spec.max_count is not None and spec.max_count < len(required):
            out.append(f"{describe(spec)} allows at most {spec.max_count} station(s), but {len(required)} are "
                       f"required by RequiredStation ({', '.join(sorted(required))})")
    return out


def provider_count_conflicts(data, problem, specs: Iterable[Spec]) -> list[str]:
    """(14): fewer providers allowed than RequiredProvider/RequiredStation impose."""
    specs = list(specs)
    owner = dict(zip(problem.stations["station_id"], problem.stations["provider"]))
    required = {s.provider for s in specs if isinstance(s, RequiredProvider)}
    required |= {owner[s.station_id] for s in specs if isinstance(s, RequiredStation) and s.station_id in owner}
    return [f"{describe(spec)} allows {spec.count} provider(s), but {len(required)} are required "
            f"({', '.join(sorted(required))}) by RequiredProvider/RequiredStation"
            for spec in specs if isinstance(spec, MaxProviders) and spec.count < len(required)]


def uncovered_stretches(data, spec: MaxContactGap) -> list[str]:
    """(13) with boundary gaps: a satellite that no contact covers for longer than ``gap_s``."""
    if not spec.include_boundary:
        return []  # without boundary gaps, taking at most one contact always meets (13)
    for k, sat in enumerate(data.satellite_ids):
        mine = data.satellite_of_contact == k
        hole = longest_uncovered_s(data.aos_s[mine], data.los_s[mine], data.sim_duration_s)
        if hole > spec.gap_s + 1e-6:
            return [f"{describe(spec)} cannot hold: satellite {sat} has no contact at all for "
                    f"{hole / SECONDS_PER_HOUR:.3g} h (> {spec.gap_s / SECONDS_PER_HOUR:.3g} h), so some gap "
                    "exceeds the limit whatever is taken"]
    return []


def monthly_cost_conflicts(data, specs: Iterable[Spec]) -> list[str]:
    """(10): the required stations alone cost more per month than the cap."""
    specs = list(specs)
    caps = [s for s in specs if isinstance(s, MaxMonthlyCost) and math.isfinite(s.usd)]
    required = sorted({s.station_id for s in specs if isinstance(s, RequiredStation)} & set(data.station_ids))
    if not caps or not required:
        return []
    floor = 0.0
    for station in required:
        s = data.station_ids.index(station)
        kappa = data.contact_cost_usd[data.station_of_contact == s]
        floor += data.monthly_cost_usd[s] + SECONDS_PER_MONTH / data.sim_duration_s * float(kappa.min(initial=0.0))
    return [f"{describe(cap)} is below ${floor:,.2f} per month, the monthly fee plus the cheapest contact of the "
            f"required station(s) {', '.join(required)}" for cap in caps if floor > cap.usd * (1 + _REL_TOL)]


# ----------------------------------------------------------------------------- conflict search
def conflicting_constraints(data, specs: tuple[Spec, ...], *, budget: TimeBudget,
                            seed: int = 0) -> tuple[tuple[Spec, ...], bool]:
    """Return (a minimal set of specs that together are infeasible, whether every test was decisive).

    Deletion filter: for each spec, re-solve the feasibility model without it; if
    the rest is still infeasible, drop it for good.  Undecided solves (time limit)
    keep the spec, so the set may then be larger than minimal.
    """
    decisive = True
    kept = list(specs)
    for spec in list(specs):
        trial = [s for s in kept if s is not spec]
        verdict = is_feasible(data, tuple(trial), time_limit_s=budget.remaining_s(), seed=seed)
        if verdict is False:
            kept = trial
        elif verdict is None:
            decisive = False
    return tuple(kept), decisive


def is_feasible(data, specs: tuple[Spec, ...], *, time_limit_s: float, seed: int = 0) -> bool | None:
    """Return True/False if SCIP finds a feasible point / proves none within the time limit, else None."""
    if time_limit_s <= 0:
        return None
    model = build_model(data, MinMissionCost(), specs)
    params = scip_parameters(time_limit_s=time_limit_s, seed=seed, scip_params={"limits/solutions": 1})
    run = run_scip(model.problem, model.variables.x, params, warm_start=False)
    log.debug("diagnose: %d spec(s) -> SCIP %s", len(specs), run.scip_status)
    if run.x is not None:
        return True
    return False if run.status is Status.INFEASIBLE else None


def conflict_sentence(result: tuple[tuple[Spec, ...], bool], specs: tuple[Spec, ...]) -> str:
    """Return the sentence reporting the result of :func:`conflicting_constraints`."""
    kept, decisive = result
    note = "" if decisive else " (some feasibility tests hit the time limit, so the set may not be minimal)"
    if not kept:
        return "the model is infeasible even without optional constraints; check the contacts and prefilters"
    if len(kept) == 1:
        return (f"{describe(kept[0])} cannot be met on its own (with the linking rules (5)-(7) and the "
                f"prefilters); dropping it makes the problem feasible{note}")
    names = "; ".join(describe(s) for s in kept)
    return (f"these {len(kept)} constraints conflict: {names}; together they admit no selection and dropping "
            f"any one of them removes this conflict{note}")
