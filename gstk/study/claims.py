"""Where do the paper's headline claims come from?  The reconciliation study's computations.

The paper (§3.2) says the max-data network downlinks "over 300 % more data ... at only 25 %
increased cost compared to a one-provider solution"; gstk's own comparison finds far less.
This module recomputes the comparison along every axis that could explain the difference,
each a parameter of the *same* study (same model, builders, verifier; no second model):

* the monthly cost cap B_month of (10), as factors of today's cap, plus a non-binding cap
  (:data:`NON_BINDING_CAP_USD`, the reference implementation's max-data example);
* the provider limit (14), ``max_providers`` (None: no limit, the paper's setting);
* the baseline definition: the *best* and the *mean* optimal restricted one-/two-provider
  network (:mod:`gstk.study.baselines`), and the *fixed* one-provider network
  (:func:`fixed_networks`) an operator without an optimizer buys;
* the cost model, ``"gstk"`` (formulation §5) or ``"reference-2025"`` (the reference
  implementation's as published, formulation §9; :mod:`gstk.problem.costs`);
* D_min of the min-cost problem (9), as factors of today's value;
* the satellite sampling rule (:data:`gstk.orbits.sampling.SAMPLING_RULES`).

The surrogate-window claims reuse :func:`gstk.study.surrogate.surrogate_window`.

One *task* is one variant (problem, settings) of one unit (size, trial): the unit's
contacts and prices are those of :func:`gstk.study.trials.trial_instance`, so every
variant of a unit sees the same satellites and prices.  Each finished task is written to
``results_dir/trials/claims-<problem>-<settings key>-n<n>-t<trial>-s<seed>.csv`` and read
back by a rerun.  Tasks run in the local pool of ``jobs`` processes or on the Dask cluster
``scheduler`` (:func:`gstk.study.runner.run_pool`); only this process writes files.

The *fixed* network of provider p is the max-data problem restricted to p (20) with no cap
(10), no provider limit (14) and no downlink floor (9): every station of p open, every contact
the exclusions (11)/(12) and d_min (15) allow, the maximum-volume such set.  It pays for a
station (and a satellite's licence there) only if it takes a contact there, the paper's
rule for monthly costs ("incurred if even only one contact is taken at that location"); a
station whose every contact is excluded is not bought.  Its cost and data come from the same
cost function and cost model as every other network.
"""
from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.problem.costs import COST_MODELS, DEFAULT_COST_MODEL, check_cost_model
from gstk.problem.definition import Problem
from gstk.problem.specs import MaxMissionData, MaxMonthlyCost, MaxProviders, MinSatelliteDownlink
from gstk.study.baselines import available_providers, baseline_table, repriced_cost_usd, restricted_problem, study_optimum
from gstk.study.cluster import announce, study_cluster
from gstk.study.comparison import compare_networks
from gstk.study.runner import atomic_write, read_results, result_path, run_pool
from gstk.study.settings import StudySettings
from gstk.study.summaries import comparison_ratios, comparison_summary
from gstk.study.trials import TrialInstance, resolve_tle_path, trial_instance

log = logging.getLogger(__name__)

#: A monthly cap that never binds (USD/month per satellite): the reference implementation's max-data example.
NON_BINDING_CAP_USD = 1e9
#: Network label of the fixed one-provider networks in result tables.
FIXED = "fixed_one_provider"
#: Columns naming a variant in result tables.
VARIANT_COLUMNS = ("variant_problem", "cost_model", "max_providers", "rule", "cap_factor", "d_min_factor")


# --------------------------------------------------------------------------- variants
@dataclass(frozen=True)
class ClaimVariant:
    """One setting of the reconciliation axes: a problem (``max_data``, ``min_cost`` or ``fixed``)
    and the study settings it runs with; ``cap_factor``/``d_min_factor`` label the sweep point."""

    problem: str
    settings: StudySettings
    cap_factor: float = math.nan
    d_min_factor: float = math.nan

    def labels(self) -> dict[str, Any]:
        """Return the variant columns of its result rows."""
        return {"variant_problem": self.problem, "cost_model": self.settings.cost_model,
                "max_providers": "none" if self.settings.max_providers is None else str(self.settings.max_providers),
                "rule": self.settings.rule, "cap_factor": self.cap_factor, "d_min_factor": self.d_min_factor}


def claim_variants(settings: StudySettings, *, cap_factors: Iterable[float] = (0.25, 0.5, 1.0, 2.0, 4.0),
                   non_binding: bool = True, cost_models: Iterable[str] = COST_MODELS,
                   max_providers: Iterable[int | None] = (None,), d_min_factors: Iterable[float] = (1.0,),
                   rules: Iterable[str] | None = None,
                   secondary_cap_factors: Iterable[float] = (1.0,)) -> list[ClaimVariant]:
    """Return the sweep: one fixed-network variant per (cost model, rule), then max data and min cost.

    The first provider limit and the first rule get the full grid: max data at every cap factor
    (and, with ``non_binding``, :data:`NON_BINDING_CAP_USD`, labelled ``cap_factor = inf``),
    min cost at every D_min factor, each under every cost model.  The other provider limits
    (max data only: min cost uses one provider anyway) and the other rules are swept at
    ``secondary_cap_factors`` and the non-binding cap (rules: also min cost at D_min factor 1),
    which keeps a full run near an hour.
    """
    models = [check_cost_model(m, "claim_variants cost_models") for m in cost_models]
    limits, rules = list(max_providers) or [None], list(rules) if rules is not None else [settings.rule]
    caps = [float(f) for f in cap_factors] + ([math.inf] if non_binding else [])
    few = [float(f) for f in secondary_cap_factors] + ([math.inf] if non_binding else [])
    if any(not f > 0 for f in caps + few) or any(not float(f) > 0 for f in d_min_factors):
        raise GstkError(f"cap and D_min factors must be > 0, got {list(cap_factors)} and {list(d_min_factors)}")
    out = []
    for r, rule in enumerate(rules):
        for model in models:
            base = settings.replace(rule=rule, cost_model=model)
            out.append(ClaimVariant("fixed", base))
            for i, limit in enumerate(limits):
                limited = base.replace(max_providers=limit)
                for f in (caps if i == 0 and r == 0 else few):
                    cap = NON_BINDING_CAP_USD if math.isinf(f) else settings.b_month_usd_per_satellite * f
                    out.append(ClaimVariant("max_data", limited.replace(b_month_usd_per_satellite=cap), cap_factor=f))
            for f in (d_min_factors if r == 0 else (1.0,)):
                out.append(ClaimVariant("min_cost", base.replace(max_providers=limits[0],
                                                                 d_min_bit=settings.d_min_bit * float(f)),
                                        d_min_factor=float(f)))
    return out


# --------------------------------------------------------------------------- the fixed one-provider network
def fixed_problem(problem: Problem, provider: str) -> Problem:
    """Return the fixed network's problem: max data restricted to ``provider``, without (9), (10), (14)."""
    dropped = (MaxMonthlyCost, MaxProviders, MinSatelliteDownlink)
    kept = tuple(c for c in problem.constraints if not isinstance(c, dropped))
    base = problem.with_changes(objective=MaxMissionData(), constraints=kept)
    return restricted_problem(base, (provider,)).with_changes(name=f"{problem.name}[fixed {provider}]")


def fixed_networks(instance: TrialInstance, settings: StudySettings, *, reprice: Iterable[str] = ()) -> pd.DataFrame:
    """Return one row per provider: its fixed network (see the module docstring), verified.

    Columns: :func:`gstk.study.baselines.baseline_table` plus ``network`` (:data:`FIXED`),
    ``problem, n_satellites, trial`` and ``cost_total_usd_<model>`` for each model of ``reprice``.
    """
    problem = instance.problem("max_data", settings)
    solutions, problems = {}, {}
    for provider in available_providers(problem):
        problems[(provider,)] = fixed_problem(problem, provider)
        solutions[(provider,)] = study_optimum(instance.contacts, problems[(provider,)],
                                               options=settings.solver_options)
    table = baseline_table(solutions)
    table.insert(0, "network", FIXED)
    table.insert(0, "trial", instance.trial)
    table.insert(0, "n_satellites", instance.n_satellites)
    table.insert(0, "problem", "fixed")
    for model in reprice:
        table[f"cost_total_usd_{model}"] = [repriced_cost_usd(s, instance.contacts, problems[k], model)
                                            for k, s in solutions.items()]
    return table


# --------------------------------------------------------------------------- one task
def claim_rows(tle_path: str, n_satellites: int, trial: int, seed: int, problem: str, settings: StudySettings,
               sizes: tuple[int, ...], cache_dir: str | None) -> pd.DataFrame:
    """Return the result rows of one variant of one unit (a pool or cluster task; writes no result file).

    Every network is also priced with the default cost model (``cost_total_usd_gstk``), so a
    network chosen under the reference model shows what it really costs.
    """
    instance = trial_instance(tle_path, n_satellites, trial, seed=seed, settings=settings, cache_dir=cache_dir)
    reprice = (DEFAULT_COST_MODEL,)
    if problem == "fixed":
        return fixed_networks(instance, settings, reprice=reprice)
    return compare_networks(instance, problem, settings, sizes=sizes, reprice=reprice)


def claim_path(results_dir: str | os.PathLike | None, tle_path: str, n_satellites: int, trial: int, seed: int,
               variant: ClaimVariant, sizes: tuple[int, ...]) -> Path | None:
    """Return the result file of one task (None without ``results_dir``)."""
    if results_dir is None:
        return None
    kind = f"claims-{variant.problem}" + ("" if variant.problem == "fixed" else f"-b{''.join(map(str, sizes))}")
    return result_path(results_dir, kind, n_satellites, trial, seed, variant.settings, tle_path)


def paper_claims(*, trials: int, sizes: Iterable[int], seed: int = 0, tle_path: str | os.PathLike | None = None,
                 settings: StudySettings | None = None, variants: list[ClaimVariant] | None = None,
                 min_cost_sizes: Iterable[int] | None = None, baseline_sizes: Iterable[int] = (1, 2),
                 results_dir: str | os.PathLike | None = None, jobs: int = 1, scheduler: Any = None,
                 progress: bool = False) -> pd.DataFrame:
    """Run every variant of the reconciliation on ``trials`` trials of each size; return all networks.

    Parameters
    ----------
    trials, sizes, seed, tle_path, settings
        As in :func:`gstk.study.comparison.objective_comparison` (same units, same seeds).
    variants : list of ClaimVariant, optional
        The sweep (default :func:`claim_variants` of ``settings``).
    min_cost_sizes : iterable of int, optional
        Sizes of the min-cost variants (default ``sizes``); min cost is the slow problem.
    baseline_sizes : iterable of int
        Restricted baselines: one- and two-provider networks by default.
    results_dir, jobs, scheduler, progress
        Resumable result files, local pool or Dask cluster, progress bar (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per network of every task: :func:`compare_networks` / :func:`fixed_networks`
        columns, ``cost_total_usd_gstk`` and the :data:`VARIANT_COLUMNS`.
    """
    settings = settings or StudySettings()
    variants = variants if variants is not None else claim_variants(settings)
    path = resolve_tle_path(tle_path)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise GstkError(f"trials must be an integer >= 1, got {trials!r}")
    sizes = sorted({int(n) for n in sizes}, reverse=True)
    cost_sizes = set(sizes) if min_cost_sizes is None else {int(n) for n in min_cost_sizes}
    base = tuple(sorted({int(b) for b in baseline_sizes}))
    todo = [(n, t, v) for t in range(trials) for n in sorted(set(sizes) | cost_sizes, reverse=True) for v in variants
            if (n in cost_sizes if v.problem == "min_cost" else n in sizes)]
    frames: list[pd.DataFrame | None] = [None] * len(todo)
    tasks, where = [], []
    cache = None if results_dir is None or scheduler is not None else str(Path(results_dir) / "contacts")
    for i, (n, t, v) in enumerate(todo):
        file = claim_path(results_dir, path, n, t, seed, v, base)
        if file is not None and file.exists():
            frames[i] = read_results(file)
        else:
            tasks.append((path, n, t, int(seed), v.problem, v.settings, base, cache))
            where.append(i)

    def keep(j: int, table: pd.DataFrame) -> None:
        n, t, v = todo[where[j]]
        file = claim_path(results_dir, path, n, t, seed, v, base)
        if file is not None:
            atomic_write(file, lambda tmp: table.to_csv(tmp, index=False))
        frames[where[j]] = table

    _run(tasks, keep, jobs=jobs, scheduler=scheduler, progress=progress, tle_path=path)
    out = [frame.assign(**todo[i][2].labels()) for i, frame in enumerate(frames)]
    results = pd.concat(out, ignore_index=True)
    results.attrs["settings"] = settings.to_dict()
    return results


def _run(tasks: list[tuple], keep, *, jobs: int, scheduler: Any, progress: bool, tle_path: str) -> None:
    if not tasks:
        return
    if scheduler is None:
        run_pool(tasks, claim_rows, jobs=jobs, progress=progress, desc="paper claims", on_result=keep)
        return
    with study_cluster(scheduler, tle_path=tle_path) as cluster:
        announce(cluster, progress)
        run_pool(tasks, claim_rows, executor=cluster.executor, progress=progress, desc=cluster.label("paper claims"),
                 on_result=keep)


# --------------------------------------------------------------------------- ratios
def claim_ratios(networks: pd.DataFrame) -> pd.DataFrame:
    """Return, per variant, unit and baseline, the optimized network's cost and data ratios.

    Baselines: the restricted one-/two-provider networks (``best``/``mean``, as in
    :func:`gstk.study.summaries.comparison_ratios`, and ``mean_of_ratios``, :func:`mean_of_ratios`) and the fixed one-provider networks of the
    same unit, cost model and rule (``fixed_one_provider``; for min cost the *best* fixed
    network is the cheapest, for max data the one with most data).  ``cost_ratio`` prices
    both networks with the variant's cost model, ``cost_ratio_gstk`` with gstk's (formulation §5).
    """
    solved = networks[networks["variant_problem"] != "fixed"]
    fixed = networks[networks["variant_problem"] == "fixed"]
    unit = ["n_satellites", "trial", "cost_model", "rule"]
    keys = [*unit, "variant_problem", "max_providers", "cap_factor", "d_min_factor"]
    rows = []
    for key, group in solved.groupby(keys, sort=True, dropna=False):
        labels = dict(zip(keys, key))
        match = np.logical_and.reduce([fixed[c] == labels[c] for c in unit]) if len(fixed) else []
        own = fixed[match].copy() if len(fixed) else fixed
        if labels["variant_problem"] == "min_cost" and len(own):
            own["objective"], own["sense"] = own["cost_total_usd"], "min"
        both = pd.concat([group, own.assign(problem=group["problem"].iloc[0])], ignore_index=True)
        ratios = comparison_ratios(both)
        repriced = comparison_ratios(both.assign(cost_total_usd=both["cost_total_usd_gstk"]))
        ratios["cost_ratio_gstk"] = repriced["cost_ratio"].to_numpy()
        ratios = pd.concat([ratios, mean_of_ratios(both, ratios)], ignore_index=True)
        for column in ("max_providers", "cap_factor", "d_min_factor", "cost_model", "rule", "variant_problem"):
            ratios[column] = labels[column]
        ratios["b_month_usd_per_satellite"] = float(group["b_month_usd"].iloc[0]) / float(labels["n_satellites"])
        ratios["d_min_bit"] = float(group["d_min_bit"].iloc[0])
        rows.append(ratios)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def mean_of_ratios(networks: pd.DataFrame, ratios: pd.DataFrame) -> pd.DataFrame:
    """Return rows of statistic ``mean_of_ratios``: the optimized network's ratios to each feasible
    baseline, averaged over the baselines (the "mean" statistic is the ratio to their mean instead).
    Baselines that downlink nothing (a cap the provider's prices cannot meet) are left out of the
    average and counted in ``n_empty_baselines``: against them every ratio is infinite.

    ``networks`` holds one unit's optimized network and baselines, ``ratios`` its
    :func:`comparison_ratios` rows (whose counts and optimized status the new rows copy).
    """
    opt = networks[networks["network"] == "optimized"]
    rows = []
    for _, row in ratios[ratios["statistic"] == "mean"].iterrows():
        base = networks[(networks["network"] == row["baseline"]) & networks["has_solution"].astype(bool)]
        out = row.copy()
        out["statistic"] = "mean_of_ratios"
        served = base[base["data_total_bit"].astype(float) > 0]  # an empty network makes every ratio infinite
        out["n_empty_baselines"] = len(base) - len(served)
        for column, name in (("data_total_bit", "data_ratio"), ("cost_total_usd", "cost_ratio"),
                             ("cost_total_usd_gstk", "cost_ratio_gstk")):
            values = [_safe_ratio(float(opt[column].iloc[0]), float(b)) for b in served[column]] if len(opt) else []
            out[name] = float(np.mean(values)) if values else math.nan
        rows.append(out)
    return pd.DataFrame(rows)


def _safe_ratio(numerator: float, denominator: float) -> float:
    if not (math.isfinite(numerator) and math.isfinite(denominator)):
        return math.nan
    return math.inf if denominator == 0 and numerator > 0 else (1.0 if denominator == 0 else numerator / denominator)


def claim_summary(ratios: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`comparison_summary` per variant, with the variant columns and the gstk-priced cost ratio.

    Adds ``cost_ratio_gstk_median``, ``b_month_usd_per_satellite`` and ``d_min_bit``.
    """
    keys = ["cost_model", "rule", "variant_problem", "max_providers", "cap_factor", "d_min_factor"]
    frames = []
    for key, group in ratios.groupby(keys, sort=True, dropna=False):
        summary = comparison_summary(group)
        medians = group.groupby(["problem", "n_satellites", "baseline", "statistic"], sort=True)
        summary["cost_ratio_gstk_median"] = medians["cost_ratio_gstk"].median().to_numpy()
        summary["b_month_usd_per_satellite"] = medians["b_month_usd_per_satellite"].first().to_numpy()
        summary["d_min_bit"] = medians["d_min_bit"].first().to_numpy()
        for name, value in zip(keys, key):
            summary[name] = value
        frames.append(summary)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def proven_shares(networks: pd.DataFrame, problem: str = "max_data") -> dict[int, float]:
    """Return, per constellation size, the :func:`proven_share` of every solve of ``problem``'s variants."""
    sizes = sorted(int(n) for n in networks.loc[networks["variant_problem"] == problem, "n_satellites"].unique())
    return {n: proven_share(networks, variant_problem=problem, n_satellites=n) for n in sizes}


def proven_share(networks: pd.DataFrame, **where: Any) -> float:
    """Return the share of the solves (networks with a solution) matching ``where`` that are proven OPTIMAL.

    OPTIMAL means within the study's relative gap (``settings.rel_gap``); FEASIBLE ones were
    stopped by the time limit and keep their gap (column ``gap``).
    """
    mask = networks["has_solution"].astype(bool)
    for column, value in where.items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        mask &= networks[column].isin(values)
    chosen = networks[mask]
    return float((chosen["status"] == "OPTIMAL").mean()) if len(chosen) else math.nan
