"""One- and two-provider baseline networks (paper §3): the study's point of comparison.

A mission operator who integrates with one or two ground-station providers
gets, at best, the optimal network *restricted* to those providers.  gstk
builds that network with the very same objective, constraints and model
builders as the unrestricted problem: the only change is the (20) prefilter
:class:`~gstk.model.specs.AllowedProviders`, which drops the other providers'
stations before the model is built.  There is no second model.

For every provider ``p`` (and every pair ``{p, q}``) :func:`baseline_solutions`
solves the restricted problem; :func:`baseline_table` stacks one row per
provider set and :func:`baseline_summary` reports, per set size, the best and
the mean objective over the feasible sets and how many were infeasible;
:func:`comparison_ratios` sets the optimized network of each trial against
them (the paper's Figures 2 and 3 plot these ratios).

Warm starts.  A one-provider network is a feasible network of every pair that
contains its provider, and every restricted network is feasible for the
unrestricted problem.  :func:`solve_verified` therefore accepts a previous
solution as a starting point (``start_from``): pairs start from the better of
their two one-provider networks, and the study's optimized network starts from
the best baseline.  The optimum does not change; a solve stopped by its time
limit can only end at least as good as its start.

Every solution these functions return has passed :func:`gstk.verify.verify`;
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

from gstk.costs import mission_months
from gstk.errors import GstkError, SolveError
from gstk.model.build import build_model
from gstk.model.data import ModelData
from gstk.model.specs import AllowedProviders
from gstk.prefilters import apply_prefilters
from gstk.problem import Problem
from gstk.solution import Solution, Status
from gstk.solve import solve
from gstk.verify import format_violations, verify

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
def set_start(model, start_from: Solution | None) -> bool:
    """Put the selection of ``start_from`` into the model's variables as a warm start.

    Contacts are matched by their stable ``contact_id``; y, z and w follow from x
    by (5)-(7).  Returns False (and sets nothing) when no contact of the start
    is in the model, e.g. an empty or infeasible start.
    """
    if start_from is None or not start_from.status.has_solution or start_from.contacts.empty:
        return False
    data: ModelData = model.data
    ids = data.contacts["contact_id"].to_numpy(str)
    x = np.isin(ids, start_from.contacts["contact_id"].to_numpy(str))
    if not x.any():
        return False
    v = model.variables
    y = np.bincount(data.station_of_contact[x], minlength=len(data.station_ids)) > 0
    z = np.bincount(data.provider_of_station[y], minlength=len(data.provider_ids)) > 0
    w = np.bincount(data.pair_of_contact[x], minlength=len(data.pair_station)) > 0
    for var, values in ((v.x, x), (v.y, y), (v.z, z), (v.w, w)):
        if var.size:
            var.value = values.astype(float)
    return True


def check_solution(solution: Solution, contacts: pd.DataFrame, problem: Problem) -> None:
    """Raise SolveError if ``solution`` (when it has one) fails :func:`gstk.verify.verify`."""
    if not solution.status.has_solution:
        return
    violations = verify(solution, contacts, problem)
    if violations:
        raise SolveError(
            f"solution of {problem.name!r} ({solution!r}) fails independent verification: "
            f"{format_violations(violations)}; this is a gstk bug, please report it with the trial's seed"
        )


def solve_verified(contacts: pd.DataFrame, problem: Problem, *, start_from: Solution | None = None,
                   check: bool = True, **solver_options: Any) -> Solution:
    """Build and solve ``problem`` on ``contacts``; verify the result.

    Parameters
    ----------
    contacts : pandas.DataFrame
        Contacts table (:func:`gstk.contacts.compute_contacts`), with its window in ``attrs``.
    problem : Problem
        Objective, constraints and price tables.
    start_from : Solution, optional
        A solution of a restricted problem used as warm start (see :func:`set_start`).
    check : bool
        Run :func:`gstk.verify.verify` and raise SolveError on any violation.
    **solver_options
        Passed to :func:`gstk.solve.solve` (``time_limit_s``, ``rel_gap``, ``threads``, ...).

    Returns
    -------
    Solution
    """
    data = ModelData.from_problem(contacts, problem)
    model = build_model(data, problem.objective, problem.constraints)
    started = set_start(model, start_from)
    solution = solve(model, warm_start=started, **solver_options)
    if check:
        check_solution(solution, contacts, problem)
    return solution


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
                       **solver_options: Any) -> dict[tuple[str, ...], Solution]:
    """Return the optimal network restricted to every set of ``sizes`` providers.

    Parameters
    ----------
    contacts, problem
        As in :func:`solve_verified`; ``problem`` is the unrestricted problem.
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
    **solver_options
        Passed to :func:`gstk.solve.solve`.

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
        out[subset] = known[subset] = solve_verified(contacts, restricted_problem(problem, subset),
                                                     start_from=start, **solver_options)
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
    """Return the left side of (10) for a solution: (monthly + contact terms of (2)) / M, USD/month."""
    months = mission_months(solution.mission_days * 86_400.0)
    return (solution.cost_breakdown.get("monthly", 0.0) + solution.cost_breakdown.get("contacts", 0.0)) / months


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


def baseline_summary(table: pd.DataFrame, sense: str) -> pd.DataFrame:
    """Return, per set size, the best and the mean baseline over feasible sets, and the counts.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`baseline_table` (needs ``n_allowed, status, has_solution, objective,
        cost_total_usd, data_total_bit``).
    sense : {"min", "max"}
        The objective's sense: "best" is the smallest objective for "min".

    Returns
    -------
    pandas.DataFrame
        One row per ``n_allowed``: ``n_sets, n_feasible, n_infeasible, n_unknown``
        (no solution for another reason, e.g. a time limit), ``best_allowed``,
        ``best_objective, best_cost_total_usd, best_data_total_bit`` and
        ``mean_objective, mean_cost_total_usd, mean_data_total_bit`` (NaN when no
        set is feasible).
    """
    if sense not in ("min", "max"):
        raise GstkError(f"sense must be 'min' or 'max', got {sense!r}")
    rows = []
    for size, group in table.groupby("n_allowed", sort=True):
        feasible = group[group["has_solution"].astype(bool)]
        row = {"n_allowed": int(size), "n_sets": len(group), "n_feasible": len(feasible),
               "n_infeasible": int((group["status"] == Status.INFEASIBLE.value).sum())}
        row["n_unknown"] = row["n_sets"] - row["n_feasible"] - row["n_infeasible"]
        if feasible.empty:
            best = None
        else:
            objective = feasible["objective"].astype(float)
            best = feasible.loc[objective.idxmin() if sense == "min" else objective.idxmax()]
        row["best_allowed"] = None if best is None else best["allowed"]
        for column in ("objective", "cost_total_usd", "data_total_bit"):
            row[f"best_{column}"] = math.nan if best is None else float(best[column])
            row[f"mean_{column}"] = float(feasible[column].astype(float).mean()) if len(feasible) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- optimized vs baselines (Figures 2, 3)
def comparison_ratios(results: pd.DataFrame) -> pd.DataFrame:
    """Return the optimized network's cost and data relative to the best and mean baselines, per trial.

    ``results`` has one row per network of each trial (as
    :func:`gstk.experiments.objective_comparison` returns): ``problem,
    n_satellites, trial, network`` ("optimized" or a baseline kind such as
    "one_provider"), ``sense`` and the :func:`solution_row` columns.
    For each (problem, n_satellites, trial) and baseline network kind, "best" is
    the feasible baseline with the best objective and "mean" averages cost and
    data over the feasible baselines.  ``cost_ratio = optimized cost / baseline
    cost`` and ``data_ratio = optimized data / baseline data`` (so a data ratio
    of 4 is "+300 % data").  Also: ``n_sets, n_feasible, n_infeasible,
    n_unknown`` of the baselines, ``n_at_limit`` (baselines stopped by a limit:
    their cost is an upper bound, their data a lower bound, so the ratios
    flatter the optimized network) and their largest ``baseline_gap_max``, and
    the optimized solve's ``status, gap, solve_time_s``.
    """
    rows = []
    keys = ["problem", "n_satellites", "trial"]
    for (kind, n, trial), group in results.groupby(keys, sort=True):
        optimized = group[group["network"] == "optimized"]
        if optimized.empty:
            continue
        opt = optimized.iloc[0]
        for network in sorted(set(group["network"]) - {"optimized"}):
            base = group[group["network"] == network]
            feasible = base[base["has_solution"].astype(bool)]
            counts = {"n_sets": len(base), "n_feasible": len(feasible),
                      "n_infeasible": int((base["status"] == "INFEASIBLE").sum())}
            counts["n_unknown"] = counts["n_sets"] - counts["n_feasible"] - counts["n_infeasible"]
            counts["n_at_limit"] = int((base["status"] == "FEASIBLE").sum())
            counts["baseline_gap_max"] = float(feasible["gap"].astype(float).max()) if len(feasible) else math.nan
            for statistic, cost, data in _baseline_points(feasible, str(opt["sense"])):
                rows.append({"problem": kind, "n_satellites": n, "trial": trial, "baseline": network,
                             "statistic": statistic, "cost_ratio": _ratio(opt["cost_total_usd"], cost),
                             "data_ratio": _ratio(opt["data_total_bit"], data), **counts,
                             "optimized_status": opt["status"], "optimized_gap": opt["gap"],
                             "optimized_solve_time_s": opt["solve_time_s"]})
    return pd.DataFrame(rows)


def _baseline_points(feasible: pd.DataFrame, sense: str) -> list[tuple[str, float, float]]:
    if feasible.empty:
        return [("best", math.nan, math.nan), ("mean", math.nan, math.nan)]
    objective = feasible["objective"].astype(float)
    best = feasible.loc[objective.idxmin() if sense == "min" else objective.idxmax()]
    return [("best", float(best["cost_total_usd"]), float(best["data_total_bit"])),
            ("mean", float(feasible["cost_total_usd"].mean()), float(feasible["data_total_bit"].mean()))]


def _ratio(numerator: float, denominator: float) -> float:
    if not (np.isfinite(numerator) and np.isfinite(denominator)):
        return math.nan
    return math.inf if denominator == 0 and numerator > 0 else (1.0 if denominator == 0 else numerator / denominator)


def comparison_summary(ratios: pd.DataFrame) -> pd.DataFrame:
    """Return the ratio distribution per (problem, n_satellites, baseline, statistic).

    Columns: ``n_trials``, ``cost_ratio_median, cost_ratio_q25, cost_ratio_q75,
    cost_ratio_mean`` and the same for ``data_ratio``, the mean counts of
    infeasible, unknown and limit-stopped baselines per trial and the share of
    trials whose optimized solve was proven optimal.
    """
    keys = ["problem", "n_satellites", "baseline", "statistic"]
    rows = []
    for key, group in ratios.groupby(keys, sort=True):
        row = dict(zip(keys, key))
        row["n_trials"] = int(group["cost_ratio"].notna().sum())
        for column in ("cost_ratio", "data_ratio"):
            values = group[column].astype(float).replace([np.inf, -np.inf], np.nan).dropna()
            row[f"{column}_median"] = float(values.median()) if len(values) else math.nan
            row[f"{column}_q25"] = float(values.quantile(0.25)) if len(values) else math.nan
            row[f"{column}_q75"] = float(values.quantile(0.75)) if len(values) else math.nan
            row[f"{column}_mean"] = float(values.mean()) if len(values) else math.nan
        row["n_infeasible_mean"] = float(group["n_infeasible"].mean())
        row["n_unknown_mean"] = float(group["n_unknown"].mean())
        if "n_at_limit" in group:
            row["n_at_limit_mean"] = float(group["n_at_limit"].mean())
        row["optimized_optimal_share"] = float((group["optimized_status"] == "OPTIMAL").mean())
        rows.append(row)
    return pd.DataFrame(rows)


def solve_time_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Return the optimized solves' time distribution and status counts per (problem, n_satellites)."""
    opt = results[results["network"] == "optimized"]
    rows = []
    for (kind, n), group in opt.groupby(["problem", "n_satellites"], sort=True):
        times = group["solve_time_s"].astype(float)
        rows.append({"problem": kind, "n_satellites": n, "n_trials": len(group),
                     "solve_time_s_mean": times.mean(), "solve_time_s_median": times.median(),
                     "solve_time_s_max": times.max(), "n_optimal": int((group["status"] == "OPTIMAL").sum()),
                     "n_feasible_at_limit": int((group["status"] == "FEASIBLE").sum()),
                     "gap_median": group["gap"].astype(float).median(),
                     "gap_max": group["gap"].astype(float).max()})
    return pd.DataFrame(rows)


def headline_ratios(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the headline numbers: median data and cost change (%) of the optimized network per baseline.

    One row per (problem, n_satellites, baseline, statistic) with
    ``data_change_pct = 100 (data_ratio_median - 1)`` and
    ``cost_change_pct = 100 (cost_ratio_median - 1)``, the form of the paper's
    claims ("+300 % data at +25 % cost vs one provider"), and how trustworthy
    they are: baselines stopped by a limit and the share of proven optima.
    """
    out = summary[["problem", "n_satellites", "baseline", "statistic", "n_trials"]].copy()
    out["data_change_pct"] = 100.0 * (summary["data_ratio_median"] - 1.0)
    out["cost_change_pct"] = 100.0 * (summary["cost_ratio_median"] - 1.0)
    for column in ("n_infeasible_mean", "n_at_limit_mean", "optimized_optimal_share"):
        if column in summary:
            out[column] = summary[column]
    return out
