"""Benchmark the study's networks under several solve variants (SCIP, HiGHS, greedy start), in one run.

For a few trials of the study (``StudySettings()`` with the full run's 20 s limit:
7 days, 250 GB per satellite in every 24 h window stepped hourly, exclusions,
d_min 180 s, Operational + Decommissioned stations, 2 % gap), solves every
one-provider network and the unrestricted one (``compare_networks(sizes=(1,))``)
once per variant: ``scip`` (the default: SCIP from the best one-provider network
only), ``highs`` (the same model on HiGHS, ``solver="highs"``), and either with
the greedy cover polished on its stations (``greedy+scip``, ``greedy+highs``:
``gstk.solve.greedy``, ``greedy_start=True``), and SCIP's search levers:
``scip+priority`` (branch on providers, stations, licences before contacts,
``branch_priority=True``), ``scip+feasibility`` and ``scip+heuristics`` (SCIP's
feasibility emphasis or aggressive heuristics over the study's parameters,
``gstk.solve.scip.emphasis_params``).  Prints, per size and network kind,
the median cost, the share proven within the gap, the median gap and time, the
ratio of each variant's costs to the first variant's, and each trial's wall time.
Every reported network passes ``gstk.verify`` (``study_optimum``).

    python benchmarks/bench_study.py                      # trials 0-1, 5 and 10 satellites, scip and highs
    python benchmarks/bench_study.py --trials 3 --sizes 10 --problems min_cost max_data
    python benchmarks/bench_study.py --variants scip greedy+scip
"""
from __future__ import annotations

import argparse
import time

import pandas as pd

from gstk.study.comparison import compare_networks
from gstk.solve.scip import emphasis_params
from gstk.study.settings import FAST_SEPARATION, StudySettings
from gstk.study.trials import trial_instance


#: The solve variants: name -> StudySettings fields.
VARIANTS = {
    "scip": {"solver": "scip"}, "highs": {"solver": "highs"},
    "greedy+scip": {"solver": "scip", "greedy_start": True}, "greedy+highs": {"solver": "highs", "greedy_start": True},
    "scip+priority": {"solver": "scip", "branch_priority": True},
    "scip+feasibility": {"solver": "scip", "scip_params": {**dict(FAST_SEPARATION),
                                                           **emphasis_params("emphasis:feasibility")}},
    "scip+heuristics": {"solver": "scip", "scip_params": {**dict(FAST_SEPARATION),
                                                          **emphasis_params("heuristics:aggressive")}},
}


def run(trials: int, sizes: list[int], problems: list[str], seed: int, time_limit_s: float,
        variants: list[str]) -> pd.DataFrame:
    """Return one row per (variant, problem, size, trial, network) with status, gap, cost and time."""
    rows = []
    for n in sizes:
        for t in range(trials):
            instance = trial_instance(None, n, t, seed=seed, settings=StudySettings())
            for variant in variants:
                settings = StudySettings(time_limit_s=time_limit_s, **VARIANTS[variant])
                for kind in problems:
                    started = time.perf_counter()
                    table = compare_networks(instance, kind, settings, sizes=(1,))
                    wall = time.perf_counter() - started
                    table["variant"], table["unit_wall_s"] = variant, wall
                    rows.append(table)
                    print(f"n={n} trial={t} {kind:8s} {variant:12s}: {len(table)} networks in {wall:6.1f} s",
                          flush=True)
    return pd.concat(rows, ignore_index=True)


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Return medians and proven shares per variant, problem, size and network kind."""
    results = results.assign(proven=results["status"].eq("OPTIMAL"), kind=results["network"])
    return results.groupby(["problem", "n_satellites", "kind", "variant"]).agg(
        networks=("status", "size"), proven=("proven", "mean"), median_gap=("gap", "median"),
        median_cost_usd=("cost_total_usd", "median"), median_solve_s=("solve_time_s", "median"),
    ).round(3)


def cost_ratios(results: pd.DataFrame, variants: list[str]) -> pd.DataFrame:
    """Return, per problem, size, network kind and variant, the median cost ratio variant / the first variant."""
    key = ["problem", "n_satellites", "trial", "allowed"]
    wide = results.pivot_table(index=key + ["network"], columns="variant", values="cost_total_usd").dropna()
    reference, out = variants[0], []
    for variant in variants[1:]:
        ratio = (wide[variant] / wide[reference]).groupby(level=["problem", "n_satellites", "network"])
        out.append(ratio.agg(["median", "min", "max"]).assign(ratio=f"{variant} / {reference}"))
    return pd.concat(out).round(3) if out else pd.DataFrame()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--problems", nargs="+", default=["min_cost"], choices=["min_cost", "max_data"])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--time-limit", type=float, default=20.0, help="per solve, s (the full run's 20 s)")
    parser.add_argument("--variants", nargs="+", default=["scip", "highs"], choices=list(VARIANTS),
                        help="the first is the reference of the cost ratios")
    parser.add_argument("--out", default=None, help="also write the per-network rows as CSV")
    args = parser.parse_args()
    results = run(args.trials, args.sizes, args.problems, args.seed, args.time_limit, args.variants)
    if args.out:
        results.to_csv(args.out, index=False)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print("\nper network kind (proven = OPTIMAL within the 2 % gap):")
        print(summary(results))
        print(f"\ncost ratio to {args.variants[0]} (same network, same trial):")
        print(cost_ratios(results, args.variants))
        walls = results.groupby(["problem", "n_satellites", "trial", "variant"])["unit_wall_s"].first()
        print("\nunit wall time, s (one-provider networks + the unrestricted one):")
        print(walls.unstack("variant").round(1))


if __name__ == "__main__":
    main()
