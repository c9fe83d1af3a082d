"""The cost-data trade-off front by the epsilon-constraint method (beyond the paper).

The paper's conclusion asks for a multi-objective view.  With the max-data
problem (3) and the monthly cost cap (10) as the epsilon constraint, every cap
epsilon gives one network that downlinks the most data for at most epsilon per
month; sweeping epsilon traces the front of (monthly cost, mission data)
points.  :func:`pareto_front` solves one problem per cap, each warm-started
from the network of the next-smaller cap (still feasible under a larger cap),
and marks the non-dominated points.  :func:`pareto_study` adds the one- and
two-provider networks of the base cap as points to set against the front.
"""
from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.problem.definition import Problem
from gstk.problem.specs import MaxMissionData, MaxMonthlyCost
from gstk.solve.options import SolverOptions
from gstk.study.baselines import baseline_solutions, baseline_table, solution_row, study_optimum
from gstk.study.cluster import study_cluster
from gstk.study.runner import run_pool
from gstk.study.settings import NETWORKS, StudySettings
from gstk.study.trials import TrialInstance, resolve_tle_path, trial_instance

log = logging.getLogger(__name__)

#: Default caps as multiples of the study's B_month.
DEFAULT_CAP_FACTORS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def with_cap(problem: Problem, cap_usd: float) -> Problem:
    """Return ``problem`` with its (10) monthly cost cap replaced by ``cap_usd`` (added if absent)."""
    if not isinstance(problem.objective, MaxMissionData):
        raise GstkError(f"the epsilon-constraint front needs the max-data objective (3), got {problem.objective!r}")
    kept = tuple(s for s in problem.constraints if not isinstance(s, MaxMonthlyCost))
    return problem.with_changes(constraints=(*kept, MaxMonthlyCost(usd=float(cap_usd))),
                                name=f"{problem.name}[cap={cap_usd:.0f}]")


def non_dominated(cost: Iterable[float], data: Iterable[float]) -> np.ndarray:
    """Return which (cost, data) points no other point beats (lower-or-equal cost and more data, or
    equal data at lower cost).  NaN points are never on the front.

    Examples
    --------
    >>> non_dominated([1, 2, 3, 2], [10, 20, 20, 15]).tolist()
    [True, True, False, False]
    """
    c, d = np.asarray(list(cost), float), np.asarray(list(data), float)
    ok = np.isfinite(c) & np.isfinite(d)
    out = np.zeros(len(c), dtype=bool)
    for i in np.flatnonzero(ok):
        better = ok & (c <= c[i]) & (d >= d[i]) & ((c < c[i]) | (d > d[i]))
        out[i] = not better.any()
    return out


def pareto_front(contacts: pd.DataFrame, problem: Problem, caps_usd: Iterable[float],
                 options: SolverOptions | None = None) -> pd.DataFrame:
    """Return one max-data network per monthly cap, smallest cap first, with the front marked.

    Parameters
    ----------
    contacts : pandas.DataFrame
        Contacts of the simulation window.
    problem : Problem
        A max-data problem (its own cap, if any, is replaced).
    caps_usd : iterable of float
        Monthly caps epsilon, USD/month.
    options : SolverOptions, optional
        Solver options of every solve (:func:`gstk.optimize`).

    Returns
    -------
    pandas.DataFrame
        :func:`gstk.study.baselines.solution_row` columns plus ``cap_usd`` and
        ``on_front`` (non-dominated in monthly cost and data).
    """
    caps = sorted({float(c) for c in caps_usd})
    if not caps or min(caps) < 0:
        raise GstkError(f"caps_usd must be non-empty and >= 0, got {caps}")
    rows, previous = [], None
    for cap in caps:
        solution = study_optimum(contacts, with_cap(problem, cap), start_from=previous, options=options)
        row = solution_row(solution, None)
        row["cap_usd"] = cap
        rows.append(row)
        previous = solution if solution.status.has_solution else previous
    front = pd.DataFrame(rows)
    front["on_front"] = non_dominated(front["monthly_cost_usd"], front["data_total_bit"])
    front.attrs["units"] = {"cap_usd": "USD/month", "monthly_cost_usd": "USD/month", "data_total_bit": "bit"}
    return front


def pareto_study(*, n_satellites: int = 2, trial: int = 0, seed: int = 0, tle_path=None,
                 settings: StudySettings | None = None, cap_factors: Iterable[float] = DEFAULT_CAP_FACTORS,
                 results_dir: str | os.PathLike | None = None,
                 scheduler: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the front of one trial and its one-/two-provider networks at the base cap.

    The trial is unit (n_satellites, trial) of :mod:`gstk.study` (same
    satellites, prices and cached contacts).  Caps are ``cap_factors`` times the
    base B_month of ``settings``.  With ``scheduler`` (a Dask cluster, see
    :func:`gstk.study.cluster.study_cluster`) the front and the baselines are two
    tasks on its workers: the front stays one warm-started chain, so the results
    are the local ones.

    Returns
    -------
    front : pandas.DataFrame
        From :func:`pareto_front`, plus ``cap_factor``.
    baselines : pandas.DataFrame
        :func:`gstk.study.baselines.baseline_table` rows (``network`` "one_provider" /
        "two_provider") of the max-data problem at the base cap.
    """
    settings = settings or StudySettings()
    path = resolve_tle_path(tle_path)
    factors = tuple(sorted({float(f) for f in cap_factors}))
    if scheduler is None:
        cache = None if results_dir is None else os.path.join(results_dir, "contacts")
        instance = trial_instance(path, n_satellites, trial, seed=seed, settings=settings, cache_dir=cache)
        front, table = front_table(instance, settings, factors), base_cap_baselines(instance, settings)
    else:
        task = (path, n_satellites, trial, seed, settings, factors)
        with study_cluster(scheduler, tle_path=path) as cluster:
            front, table = run_pool([("front", *task), ("baselines", *task)], pareto_part,
                                    executor=cluster.executor, desc=cluster.label("pareto"),
                                    unit_ids=[f"pareto {part} of (n_satellites, trial, seed) = "
                                              f"{(n_satellites, trial, seed)!r}" for part in ("front", "baselines")])
    table["below_front"] = table["data_total_bit"].astype(float) < _front_data_at(front, table["monthly_cost_usd"])
    return front, table


def pareto_part(part: str, tle_path: str, n_satellites: int, trial: int, seed: int, settings: StudySettings,
                cap_factors: tuple[float, ...]) -> pd.DataFrame:
    """Return the front (``part="front"``) or the base-cap baselines (``"baselines"``) of one trial (a cluster task)."""
    instance = trial_instance(tle_path, n_satellites, trial, seed=seed, settings=settings)
    if part == "front":
        return front_table(instance, settings, cap_factors)
    return base_cap_baselines(instance, settings)


def front_table(instance: TrialInstance, settings: StudySettings, cap_factors: tuple[float, ...]) -> pd.DataFrame:
    """Return :func:`pareto_front` of a trial at ``cap_factors`` times its base cap, with ``cap_factor``."""
    base_cap = settings.b_month_usd_per_satellite * instance.n_satellites
    front = pareto_front(instance.contacts, instance.problem("max_data", settings),
                         [f * base_cap for f in cap_factors], options=settings.solver_options)
    front.insert(0, "cap_factor", list(cap_factors))
    front.attrs.update({"n_satellites": instance.n_satellites, "satellites": instance.satellite_names,
                        "base_cap_usd": base_cap, "rule": settings.rule})
    return front


def base_cap_baselines(instance: TrialInstance, settings: StudySettings) -> pd.DataFrame:
    """Return the one- and two-provider max-data networks of a trial at its base cap (``network``, ``cap_usd``)."""
    baselines = baseline_solutions(instance.contacts, instance.problem("max_data", settings),
                                   options=settings.solver_options)
    table = baseline_table(baselines)
    table.insert(0, "network", [NETWORKS.get(len(k), f"{len(k)}_provider") for k in baselines])
    table["cap_usd"] = settings.b_month_usd_per_satellite * instance.n_satellites
    return table


def _front_data_at(front: pd.DataFrame, monthly_cost_usd: pd.Series) -> np.ndarray:
    """Return the most data any front point reaches at or below each monthly cost."""
    points = front[front["on_front"]]
    out = np.full(len(monthly_cost_usd), -math.inf)
    for i, cost in enumerate(monthly_cost_usd.astype(float)):
        reachable = points["data_total_bit"][points["monthly_cost_usd"] <= cost * (1 + 1e-9)]
        if len(reachable):
            out[i] = float(reachable.max())
    return out
