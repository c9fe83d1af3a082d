"""Summary statistics of study results: baselines, ratios, solve times."""
from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.solution.result import Status

log = logging.getLogger(__name__)


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
    :func:`gstk.study.comparison.objective_comparison` returns): ``problem,
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
