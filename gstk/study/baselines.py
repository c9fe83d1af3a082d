"""One- and two-provider baseline networks (paper §3): the study's point of comparison.

A mission operator who integrates with one or two ground-station providers
gets, at best, the optimal network *restricted* to those providers.  gstk
builds that network with the very same objective, constraints and model
builders as the unrestricted problem: the only change is the (20) prefilter
:class:`~gstk.problem.specs.AllowedProviders`, which drops the other providers'
stations before the model is built.  There is no second model.

For every provider ``p`` (and every pair ``{p, q}``) :func:`baseline_solutions`
solves the restricted problem; :func:`baseline_table` stacks one row per
provider set and :func:`baseline_summary` reports, per set size, the best and
the mean objective over the feasible sets and how many were infeasible;
:func:`comparison_ratios` sets the optimized network of each trial against
them (the paper's Figures 2 and 3 plot these ratios).

Warm starts.  A one-provider network is a feasible network of every pair that
contains its provider, and every restricted network is feasible for the
unrestricted problem.  :func:`study_optimum` therefore accepts a previous
solution as a starting point (``start_from``): pairs start from the better of
their two one-provider networks, and the study's optimized network starts from
the best baseline.  The optimum does not change; a solve stopped by its time
limit can only end at least as good as its start.

Every solution these functions return has passed :func:`gstk.verify`;
a violation raises :class:`~gstk.errors.SolveError` (style §4: experiments
fail loudly).
"""
from __future__ import annotations

import dataclasses
import itertools
import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError, SolveError
from gstk.problem.costs import monthly_operational_cost_from_terms_usd
from gstk.problem.definition import Problem
from gstk.problem.prefilters import apply_prefilters
from gstk.problem.specs import AllowedProviders
from gstk.solution.result import Solution
from gstk.solve.api import optimize
from gstk.solve.options import SolverOptions
from gstk.verification.checks import derived_sets, recompute
from gstk.verification.data import verification_data
from gstk.verification.report import format_violations, selection_mask, verify

log = logging.getLogger(__name__)


#: Label of the unrestricted (all-provider) network in result tables.
ALL_PROVIDERS = "all"


# --------------------------------------------------------------------------- provider sets
def available_providers(problem: Problem) -> list[str]:
    """Return the providers that keep at least one station after the problem's station prefilters.

    Station status (default: operational only), bands and allowed providers are
    applied exactly as :class:`~gstk.model.data.ModelData` applies them, so a
    provider whose stations are all filtered out has no baseline.
    """
    empty = pd.DataFrame({"station_id": pd.Series([], dtype="str"), "duration_s": pd.Series([], dtype=float)})
    _, stations = apply_prefilters(empty, problem.stations, problem.constraints)
    return sorted(stations["provider"].astype(str).unique().tolist())


def provider_sets(providers: Iterable[str], sizes: Iterable[int] = (1, 2)) -> list[tuple[str, ...]]:
    """Return every set of ``size`` providers for each size, each sorted, sets in size-then-name order.

    Examples
    --------
    >>> provider_sets(["KSAT", "AWS", "Leaf"])
    [('AWS',), ('KSAT',), ('Leaf',), ('AWS', 'KSAT'), ('AWS', 'Leaf'), ('KSAT', 'Leaf')]
    """
    names = sorted(set(map(str, providers)))
    out: list[tuple[str, ...]] = []
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise GstkError(f"provider set sizes must be integers >= 1, got {size!r}")
        out.extend(itertools.combinations(names, int(size)))
    return out


def restricted_problem(problem: Problem, providers: Iterable[str]) -> Problem:
    """Return ``problem`` with the (20) prefilter AllowedProviders(providers) added.

    An AllowedProviders already in the problem is intersected with ``providers``
    (the baseline can never use a provider the problem itself excludes).
    """
    wanted = tuple(sorted(set(map(str, providers))))
    if not wanted:
        raise GstkError("restricted_problem needs at least one provider")
    kept, allowed = [], set(wanted)
    for spec in problem.constraints:
        if isinstance(spec, AllowedProviders):
            allowed &= set(spec.providers)
        else:
            kept.append(spec)
    if not allowed:  # nothing left: keep the requested set, the problem's own filter then empties it
        allowed = set(wanted)
        kept.extend(s for s in problem.constraints if isinstance(s, AllowedProviders))
    name = f"{problem.name}[{'+'.join(wanted)}]"
    return problem.with_changes(constraints=(*kept, AllowedProviders(providers=tuple(sorted(allowed)))),
                                name=name)


# --------------------------------------------------------------------------- one verified solve
def verified(solution: Solution, contacts: pd.DataFrame, problem: Problem) -> Solution:
    """Return ``solution`` after :func:`gstk.verify` found no violation; raise SolveError otherwise.

    Every network the study reports goes through here: ``verified(optimize(...), contacts, problem)``.
    """
    if not solution.status.has_solution:
        return solution
    violations = verify(solution, contacts, problem)
    if violations:
        raise SolveError(
            f"solution of {problem.name!r} ({solution!r}) fails independent verification: "
            f"{format_violations(violations)}; this is a gstk bug, please report it with the trial's seed"
        )
    return solution


def study_optimum(contacts: pd.DataFrame, problem: Problem, *, start_from: Solution | None = None,
                  options: SolverOptions | None = None) -> Solution:
    """Return the verified :func:`gstk.optimize` result of one study network (no diagnosis: a study
    reports an infeasible network as such)."""
    solution = optimize(contacts, problem, start_from=start_from, diagnose=False, options=options)
    return verified(solution, contacts, problem)


# --------------------------------------------------------------------------- all baselines
def better(a: Solution | None, b: Solution | None) -> Solution | None:
    """Return the better of two solutions by their objective and sense (None and no-solution lose)."""
    candidates = [s for s in (a, b) if s is not None and s.status.has_solution and s.objective is not None]
    if not candidates:
        return None
    sense = candidates[0].sense
    return (min if sense == "min" else max)(candidates, key=lambda s: s.objective)


def baseline_solutions(contacts: pd.DataFrame, problem: Problem, *, sizes: Iterable[int] = (1, 2),
                       providers: Iterable[str] | None = None, warm_start: bool = True,
                       solved: Mapping[tuple[str, ...], Solution] | None = None,
                       unrestricted: Solution | None = None,
                       options: SolverOptions | None = None) -> dict[tuple[str, ...], Solution]:
    """Return the optimal network restricted to every set of ``sizes`` providers.

    Parameters
    ----------
    contacts, problem
        As in :func:`study_optimum`; ``problem`` is the unrestricted problem.
    sizes : iterable of int
        Set sizes, default one- and two-provider networks.
    providers : iterable of str, optional
        Providers to combine (default :func:`available_providers`).
    warm_start : bool
        Start each set from the best solution of its subsets already solved.
    solved : mapping, optional
        Sets solved before (e.g. the one-provider networks); used for warm starts only.
    unrestricted : Solution, optional
        A solution of the unrestricted problem.  A set containing every
        provider it uses gets it without a solve (:func:`inherit_unrestricted`).
    options : SolverOptions, optional
        Solver options of every solve (:func:`gstk.optimize`).

    Returns
    -------
    dict
        Provider tuple -> verified Solution, in :func:`provider_sets` order.
    """
    names = available_providers(problem) if providers is None else sorted(set(providers))
    known: dict[tuple[str, ...], Solution] = dict(solved or {})
    out: dict[tuple[str, ...], Solution] = {}
    for subset in provider_sets(names, sizes):
        if covers_unrestricted(subset, unrestricted):
            out[subset] = inherit_unrestricted(unrestricted, subset)
            continue
        start = None
        if warm_start:
            for smaller, solution in known.items():
                if set(smaller) < set(subset):
                    start = better(start, solution)
        out[subset] = known[subset] = study_optimum(contacts, restricted_problem(problem, subset),
                                                     start_from=start, options=options)
        log.debug("baseline %s: %r", "+".join(subset), out[subset])
    return out


def covers_unrestricted(subset: Iterable[str], unrestricted: Solution | None) -> bool:
    """Return whether ``subset`` holds every provider of a (non-empty) unrestricted solution."""
    return (unrestricted is not None and unrestricted.status.has_solution
            and len(unrestricted.selected_providers) > 0
            and set(unrestricted.selected_providers) <= set(subset))


def inherit_unrestricted(unrestricted: Solution, subset: tuple[str, ...]) -> Solution:
    """Return the unrestricted solution as the network restricted to ``subset`` (no solve).

    It uses only providers of ``subset``, so it is feasible there; and the
    restricted optimum is no better than the unrestricted one, so the
    unrestricted bound still holds.  Objective, bound, gap and status carry
    over unchanged; ``n_solves`` and the times are 0.
    """
    return dataclasses.replace(
        unrestricted, build_time_s=0.0, solve_time_s=0.0, n_solves=0,
        message=f"no solve: the unrestricted network uses only providers of {'+'.join(subset)}")


def best_solution(solutions: Iterable[Solution]) -> Solution | None:
    """Return the best solution (by objective and sense) among those that have one."""
    best = None
    for solution in solutions:
        best = better(best, solution)
    return best


# --------------------------------------------------------------------------- tables
def monthly_operational_cost_usd(solution: Solution) -> float:
    """Return the left side of (10) for a solution, USD/month, from the monthly and contact terms of (2)
    under the solution's cost model."""
    return monthly_operational_cost_from_terms_usd(
        solution.cost_breakdown, mission_duration_s=solution.mission_days * 86_400.0,
        sim_duration_s=(solution.sim_end - solution.sim_start).total_seconds(), cost_model=solution.cost_model)


def repriced_cost_usd(solution: Solution, contacts: pd.DataFrame, problem: Problem, cost_model: str) -> float:
    """Return the total cost (2) of ``solution``'s network priced with ``cost_model`` instead (NaN without one).

    The verifier's recomputation (:mod:`gstk.verification`, the one cost function) of the same
    taken contacts, stations and providers under ``problem.with_changes(cost_model=...)``: what a
    network chosen under one cost model costs under another.
    """
    if not solution.status.has_solution:
        return math.nan
    data = verification_data(contacts, problem.with_changes(cost_model=cost_model))
    x, unknown = selection_mask(data, solution.contacts["contact_id"].astype(str).tolist())
    if unknown:
        raise SolveError(f"repricing {problem.name!r}: {format_violations(unknown)}")
    y, z = derived_sets(data, x)
    return float(recompute(data, x, y, z).cost_breakdown["total"])


def solution_row(solution: Solution, providers: tuple[str, ...] | None) -> dict[str, Any]:
    """Return one flat row: the allowed provider set, ``Solution.summary()`` and the monthly cost."""
    row = {"allowed": ALL_PROVIDERS if providers is None else "+".join(providers),
           "n_allowed": math.nan if providers is None else len(providers)}
    row.update(solution.summary())
    row["has_solution"] = solution.status.has_solution
    row["monthly_cost_usd"] = monthly_operational_cost_usd(solution) if solution.status.has_solution else math.nan
    row["cost_total_usd"] = row.get("cost_total_usd") if solution.status.has_solution else math.nan
    row["data_total_bit"] = solution.data_total_bit if solution.status.has_solution else math.nan
    return row


def baseline_table(solutions: Mapping[tuple[str, ...], Solution]) -> pd.DataFrame:
    """Return one row per provider set: ``allowed, n_allowed`` and the solution summary.

    Columns include ``status, objective, gap, has_solution, cost_total_usd,
    monthly_cost_usd, data_total_bit, n_providers, n_stations, solve_time_s``.
    Infeasible sets keep their row (``has_solution`` False, NaN numbers).
    """
    rows = [solution_row(sol, subset) for subset, sol in solutions.items()]
    table = pd.DataFrame(rows)
    table.attrs["units"] = {"cost_total_usd": "USD", "monthly_cost_usd": "USD/month",
                            "data_total_bit": "bit", "solve_time_s": "s"}
    return table
