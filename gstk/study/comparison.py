"""Trial loops of the paper's experiments (§3, Figures 2 and 3) -> tidy DataFrames.

One *unit* of work is one trial of one constellation size: satellites sampled
from the catalog under an explicit rule, Table 1 prices drawn, contacts
computed once (and cached on disk), then for both problem variations

* ``min_cost``: minimize mission cost (2) with a per-satellite minimum daily
  downlink (9), and
* ``max_data``: maximize mission data (3) under a monthly cost cap (10),

the unrestricted ("optimized") network and every one- and two-provider
baseline (:mod:`gstk.study`) are solved on the *same* contacts and prices.
Every reported solution passes :func:`gstk.verify` (a violation raises).

Units run in a process pool (one SCIP thread per process), or on a Dask
cluster (``scheduler=``, :mod:`gstk.study.cluster`).  Each finished problem of a
unit is written to ``results_dir/trials/`` at once, so a rerun resumes: files
whose settings key matches are read back, not recomputed.  On a cluster the
client reads and writes these files; workers get only the problems still to
solve and return their rows, so a run stopped half-way resumes locally or on
another cluster.

Seeds: unit (n, trial) of base ``seed`` uses
``SeedSequence(seed, spawn_key=(n, trial))``; its first child samples the
satellites, its second draws the prices.  Trials are reproducible on their own.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.solution.result import Solution, Status, relative_gap
from gstk.study.baselines import (
    baseline_solutions,
    baseline_table,
    best_solution,
    better,
    repriced_cost_usd,
    solution_row,
    study_optimum,
)
from gstk.study.cluster import StudyCluster, announce, study_cluster
from gstk.study.runner import atomic_write, read_results, result_path, run_pool, sorted_results
from gstk.study.settings import NETWORKS, PROBLEMS, StudySettings
from gstk.study.summaries import comparison_ratios, comparison_summary
from gstk.study.trials import TrialInstance, resolve_tle_path, trial_instance

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- one problem of one unit
def compare_networks(instance: TrialInstance, kind: str, settings: StudySettings, *,
                     sizes: Iterable[int] = (1, 2), reprice: Iterable[str] = ()) -> pd.DataFrame:
    """Return the optimized network and every one-/two-provider baseline of one unit as tidy rows.

    The one-provider networks are solved first; the unrestricted problem
    starts from the best of them; then the pairs, each warm-started from its
    members, and a pair holding every provider of the optimized network takes
    it without a solve (:func:`gstk.study.baselines.inherit_unrestricted`).  Columns: the
    :func:`gstk.study.baselines.solution_row` fields plus ``problem, n_satellites,
    trial, network`` ("optimized", "one_provider", "two_provider") and the
    settings that shaped the problem (``d_min_bit, b_month_usd, rule, sim_days``).
    Each cost model of ``reprice`` adds ``cost_total_usd_<model>``: the network's cost
    priced with that model (:func:`gstk.study.baselines.repriced_cost_usd`).
    """
    problem = instance.problem(kind, settings)
    options = settings.solver_options
    sizes = sorted(set(sizes))
    baselines = baseline_solutions(instance.contacts, problem, sizes=sizes[:1], options=options)
    optimized = study_optimum(instance.contacts, problem, start_from=best_solution(baselines.values()),
                              options=options)
    baselines.update(baseline_solutions(instance.contacts, problem, sizes=sizes[1:], solved=baselines,
                                        unrestricted=optimized, options=options))
    optimized = adopt_better_baseline(optimized, best_solution(baselines.values()), rel_gap=settings.rel_gap)
    table = pd.concat([pd.DataFrame([solution_row(optimized, None)]), baseline_table(baselines)],
                      ignore_index=True)
    table.insert(0, "network", ["optimized"] + [NETWORKS.get(len(k), f"{len(k)}_provider") for k in baselines])
    table.insert(0, "trial", instance.trial)
    table.insert(0, "n_satellites", instance.n_satellites)
    table.insert(0, "problem", kind)
    table["satellite_ids"] = ";".join(instance.satellite_ids)
    table["d_min_bit"] = settings.d_min_bit
    table["b_month_usd"] = settings.b_month_usd_per_satellite * instance.n_satellites
    table["rule"] = settings.rule
    table["sim_days"] = settings.sim_days
    table["n_contacts_available"] = len(instance.contacts)
    table["verified"] = table["has_solution"]
    for model in reprice:
        table[f"cost_total_usd_{model}"] = [repriced_cost_usd(s, instance.contacts, problem, model)
                                            for s in (optimized, *baselines.values())]
    return table


def adopt_better_baseline(optimized: Solution, baseline: Solution | None, *,
                          rel_gap: float | None = None) -> Solution:
    """Return ``optimized``, or ``baseline`` if a time limit left the optimized network worse than it.

    Every baseline network is feasible for the unrestricted problem, so the
    better one is the best unrestricted network found; it keeps the
    unrestricted solve's bound (still valid).  It is OPTIMAL when that solve
    was (a point better than an incumbent within the relative gap is within it
    too; with a positive gap a baseline may beat it inside the tolerance) or
    when its own gap to the bound is within ``rel_gap``; FEASIBLE otherwise.
    """
    if baseline is None or better(optimized, baseline) is optimized:
        return optimized
    gap = relative_gap(baseline.objective, optimized.bound)
    proven = optimized.status is Status.OPTIMAL or (rel_gap is not None and gap is not None and gap <= rel_gap)
    return dataclasses.replace(
        baseline, bound=optimized.bound, gap=gap, status=Status.OPTIMAL if proven else Status.FEASIBLE,
        build_time_s=optimized.build_time_s, solve_time_s=optimized.solve_time_s, n_solves=optimized.n_solves,
        n_variables=optimized.n_variables, n_constraints=optimized.n_constraints, problem=optimized.problem,
        message=f"a baseline network ({'+'.join(baseline.selected_providers)}) beat the unrestricted solve "
                "stopped by its limit; it is the best unrestricted network found")


def run_unit(tle_path: str, n_satellites: int, trial: int, seed: int, settings: StudySettings,
             results_dir: str | None, problems: tuple[str, ...] = PROBLEMS) -> pd.DataFrame:
    """Return the rows of both problems of one unit, reading finished problems from ``results_dir``."""
    frames, instance = [], None
    for kind in problems:
        path = None if results_dir is None else result_path(results_dir, kind, n_satellites, trial, seed,
                                                             settings, tle_path)
        if path is not None and path.exists():
            frames.append(read_results(path))
            continue
        if instance is None:
            cache = None if results_dir is None else Path(results_dir) / "contacts"
            instance = trial_instance(tle_path, n_satellites, trial, seed=seed, settings=settings,
                                      cache_dir=cache)
        table = compare_networks(instance, kind, settings)
        if path is not None:
            atomic_write(path, lambda tmp: table.to_csv(tmp, index=False))
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def problem_tables(tle_path: str, n_satellites: int, trial: int, seed: int, settings: StudySettings,
                   problems: tuple[str, ...]) -> list[pd.DataFrame]:
    """Return the :func:`compare_networks` table of each of ``problems`` of one unit (a cluster task).

    Reads and writes no file (the client keeps them); contacts are computed on the worker.
    """
    instance = trial_instance(tle_path, n_satellites, trial, seed=seed, settings=settings)
    return [compare_networks(instance, kind, settings) for kind in problems]


def run_units(tasks: list[tuple], *, jobs: int = 1, scheduler: Any = None, progress: bool = False,
              desc: str = "units") -> list[pd.DataFrame]:
    """Return the :func:`run_unit` table of every task, run locally (``jobs``) or on ``scheduler``.

    ``scheduler`` is anything :func:`gstk.study.cluster.study_cluster` takes (an
    address, a scheduler file, a ``distributed.Client``); None runs in a local pool.
    """
    if scheduler is None or not tasks:
        return run_pool(tasks, run_unit, jobs=jobs, progress=progress, desc=desc)
    with study_cluster(scheduler, tle_path=tasks[0][0]) as cluster:
        announce(cluster, progress)
        return units_on_cluster(tasks, cluster, progress=progress, desc=desc)


def units_on_cluster(tasks: list[tuple], cluster: StudyCluster, *, progress: bool = False,
                     desc: str = "units") -> list[pd.DataFrame]:
    """Return the :func:`run_unit` table of every task, solving on ``cluster`` what no result file holds.

    The client reads the finished problems of each unit from ``results_dir``,
    sends the rest to the workers (:func:`problem_tables`) and writes each
    problem's file as its rows arrive: the files, names and contents of a local run.
    """
    found = [finished_problems(task) for task in tasks]
    todo = [(i, missing) for i, task in enumerate(tasks)
            if (missing := tuple(k for k in task[6] if k not in found[i]))]
    remote = [(*tasks[i][:5], missing) for i, missing in todo]

    def keep(j: int, tables: list[pd.DataFrame]) -> None:
        i, missing = todo[j]
        for kind, table in zip(missing, tables):
            path = problem_path(tasks[i], kind)
            if path is not None:
                atomic_write(path, lambda tmp, table=table: table.to_csv(tmp, index=False))
            found[i][kind] = table

    run_pool(remote, problem_tables, executor=cluster.executor, progress=progress, desc=cluster.label(desc),
             on_result=keep)
    return [pd.concat([found[i][kind] for kind in task[6]], ignore_index=True) for i, task in enumerate(tasks)]


def problem_path(task: tuple, kind: str) -> Path | None:
    """Return the result file of problem ``kind`` of a :func:`run_unit` task (None without ``results_dir``)."""
    tle_path, n_satellites, trial, seed, settings, results_dir = task[:6]
    if results_dir is None:
        return None
    return result_path(results_dir, kind, n_satellites, trial, seed, settings, tle_path)


def finished_problems(task: tuple) -> dict[str, pd.DataFrame]:
    """Return the tables of the problems of a :func:`run_unit` task that its result files already hold."""
    paths = {kind: problem_path(task, kind) for kind in task[6]}
    return {kind: read_results(path) for kind, path in paths.items() if path is not None and path.exists()}


def objective_comparison(*, trials: int, sizes: Iterable[int], seed: int = 0,
                         tle_path: str | os.PathLike | None = None, settings: StudySettings | None = None,
                         results_dir: str | os.PathLike | None = None, jobs: int = 1,
                         problems: Iterable[str] = PROBLEMS, progress: bool = False,
                         scheduler: Any = None) -> pd.DataFrame:
    """Run the §3 experiment: ``trials`` trials per constellation size, both problems.

    Parameters
    ----------
    trials : int
        Trials per size (paper: 100).
    sizes : iterable of int
        Constellation sizes (paper: 1, 2, 5, 10).
    seed : int
        Base seed; unit (n, trial) is reproducible on its own (see module docstring).
    tle_path : path, optional
        Satellite catalog (default :func:`gstk.datasets.shared_tle_path`).
    settings : StudySettings, optional
        Problem settings (default ``StudySettings()``).
    results_dir : path, optional
        Where per-trial result files and cached contacts go; reruns resume from them.
    jobs : int
        Worker processes (one SCIP thread each); unused with ``scheduler``.
    problems : iterable of str
        Subset of :data:`PROBLEMS`.
    progress : bool
        Show a tqdm bar over units (on a cluster: its worker count and dashboard link).
    scheduler : str, path or distributed.Client, optional
        Run the units on this Dask cluster (address ``"tcp://host:8786"``, scheduler
        file or client; see :func:`gstk.study.cluster.study_cluster`) instead of a
        local pool.  Same results; result files stay on this machine.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (problem, size, trial, network), sorted; see :func:`compare_networks`.
    """
    settings = settings or StudySettings()
    path = resolve_tle_path(tle_path)
    problems = tuple(problems)
    sizes = sorted({int(n) for n in sizes}, reverse=True)  # largest first: better load balance
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise GstkError(f"trials must be an integer >= 1, got {trials!r}")
    tasks = unit_tasks(path, sizes, trials, seed, settings, results_dir, problems)
    frames = run_units(tasks, jobs=jobs, scheduler=scheduler, progress=progress, desc="objective comparison")
    results = sorted_results(pd.concat(frames, ignore_index=True))
    results.attrs["settings"] = settings.to_dict()
    return results


def unit_tasks(tle_path: str, sizes: Iterable[int], trials: int, seed: int, settings: StudySettings,
               results_dir: str | os.PathLike | None, problems: Iterable[str]) -> list[tuple]:
    """Return the :func:`run_unit` argument tuples of an experiment: trial by trial, largest constellation first.

    Trial-major order means a run stopped early leaves whole trials (every
    size) behind, so a reduced run is a smaller sample of the same design.
    """
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise GstkError(f"trials must be an integer >= 1, got {trials!r}")
    unknown = sorted(set(problems) - set(PROBLEMS))
    if unknown:
        raise GstkError(f"unknown problem(s) {unknown}; expected some of {PROBLEMS}")
    out_dir = None if results_dir is None else str(results_dir)
    return [(tle_path, n, t, int(seed), settings, out_dir, tuple(problems))
            for t in range(int(trials)) for n in sorted({int(n) for n in sizes}, reverse=True)]


# --------------------------------------------------------------------------- sensitivity to D_min, B_month
def sensitivity(*, trials: int, sizes: Iterable[int], seed: int = 0, tle_path: str | os.PathLike | None = None,
                settings: StudySettings | None = None, d_min_factors: Iterable[float] = (0.5, 1.0, 2.0),
                b_month_factors: Iterable[float] = (0.5, 1.0, 2.0),
                results_dir: str | os.PathLike | None = None, jobs: int = 1,
                progress: bool = False, scheduler: Any = None) -> pd.DataFrame:
    """Return how the headline ratios move with D_min (min-cost) and B_month (max-data).

    Runs :func:`objective_comparison`'s units with D_min scaled by each of
    ``d_min_factors`` (min-cost only) and B_month scaled by each of
    ``b_month_factors`` (max-data only), all in one process pool (or on the
    Dask cluster ``scheduler``, as in :func:`objective_comparison`); units of
    factor 1 are shared with the main experiment through ``results_dir``.

    Returns
    -------
    pandas.DataFrame
        :func:`comparison_summary` rows plus ``parameter`` ("d_min_bit" or
        "b_month_usd_per_satellite"), ``factor`` and ``value``.
    """
    settings = settings or StudySettings()
    path = resolve_tle_path(tle_path)
    variants = [("d_min_bit", float(f), "min_cost") for f in d_min_factors] + \
               [("b_month_usd_per_satellite", float(f), "max_data") for f in b_month_factors]
    tasks, labels = [], []
    for parameter, factor, kind in variants:
        varied = settings.replace(**{parameter: getattr(settings, parameter) * factor})
        for task in unit_tasks(path, sizes, trials, seed, varied, results_dir, (kind,)):
            tasks.append(task)
            labels.append((parameter, factor, getattr(varied, parameter)))
    frames = run_units(tasks, jobs=jobs, scheduler=scheduler, progress=progress, desc="sensitivity")
    summaries = []
    for (parameter, factor, value) in dict.fromkeys(labels):
        parts = [f for f, lab in zip(frames, labels) if lab == (parameter, factor, value)]
        summary = comparison_summary(comparison_ratios(pd.concat(parts, ignore_index=True)))
        summary.insert(0, "value", value)
        summary.insert(0, "factor", factor)
        summary.insert(0, "parameter", parameter)
        summaries.append(summary)
    return pd.concat(summaries, ignore_index=True)
