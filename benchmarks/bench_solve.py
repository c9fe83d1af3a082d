"""Benchmark gstk's integer programs against the paper-faithful dense model on the same SCIP.

Instance (fixed seed): satellites sampled from the shared Celestrak snapshot
(``gstk.orbits.sampling.sample_satellites``: perigee and apogee in 300-1 000 km,
mega-constellations excluded) as nested prefixes of one seeded draw, so the
5-satellite set contains the 1-satellite set; all 104 stations of the bundled
catalog, every status (so all six providers take part, as in the paper's
Table 3; Azure's five sites are decommissioned today), one antenna each;
SGP4 contacts over 7 days from 2025-03-11; Table 1 prices and rates from
``gstk.catalog.prices.draw_prices`` with the same seed.

Problems (paper §3):

* max-data: (3) with at most 3 providers (14), d_min = 180 s (15), station and
  satellite exclusion (11), (12), and a monthly cost cap (10): non-binding
  (``--cap-usd``, default 1e9 $/month, the issue's reference point) and, in the
  lever study, binding (25 000 $/month per satellite);
* min-cost: (2) with a per-satellite downlink of 100 GB in every 24 h window
  stepped hourly (9), exclusions, d_min = 180 s;
* min-max-gap: (4) with boundary gaps under the max-data constraints, solved
  exactly by ``gstk.optimize`` (window models per provider set, gstk.solve.min_max_gap).

"gstk" is what ``gstk.optimize`` does (max data: decomposed over provider sets
when the cap cannot bind, gstk.solve.decompose; SCIP with
``gstk.solve.MAX_DATA_SCIP_PARAMS``); "1 MILP" is ``optimize(...,
decompose=False)``.  "paper" is the paper-faithful dense model: pairwise
exclusion rows and the aggregated linking rows sum_{c in C_s} x_c <= |C_s| y_s,
solved with SCIP's default settings.  All run on the same SCIP in the same
process, with the same time limit; a ratio is printed as ">= limit/ours" when
the paper model hits it.

Run ``python benchmarks/bench_solve.py`` (full: 1, 5, 10 satellites, growth to
20, lever study; tens of minutes) or ``--quick`` (1 and 5 satellites).
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import time
import warnings

import cvxpy as cp
import numpy as np
import pandas as pd
import pyscipopt

from gstk.catalog.prices import draw_prices
from gstk.catalog.stations import load_stations
from gstk.contacts.windows import compute_contacts
from gstk.datasets import shared_tle_path
from gstk.model.build import build_model
from gstk.model.data import ModelData
from gstk.model.gap_search import gap_lower_bound_s
from gstk.orbits.sampling import sample_satellites
from gstk.orbits.satellites import load_satellites
from gstk.problem import specs
from gstk.problem.definition import Problem
from gstk.solve.api import optimize, solve
from gstk.solve.milp import MAX_DATA_SCIP_PARAMS

START, DAYS, D_MIN_S = pd.Timestamp("2025-03-11T00:00:00Z"), 7, 180.0
DAILY_DOWNLINK_BIT = 8e11  # 100 GB per satellite per 24 h window
BINDING_CAP_USD_PER_SATELLITE = 25_000.0
SAMPLE_SIZE = 20
ALL_STATUSES = specs.StationStatus(statuses=specs.STATUSES)
#: gstk's max-data SCIP settings (measured in the lever study) and SCIP's own defaults for the same keys.
TUNED = dict(MAX_DATA_SCIP_PARAMS)
SCIP_DEFAULTS = {key: pyscipopt.Model().getParam(key) for key in TUNED}


# --------------------------------------------------------------------------- instance
@dataclasses.dataclass
class Instance:
    contacts: pd.DataFrame
    stations: pd.DataFrame
    providers: pd.DataFrame
    satellites: pd.DataFrame


def load_instance(max_satellites: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Return (contacts of all sampled satellites, stations, satellite ids in draw order)."""
    catalog = load_satellites(shared_tle_path())
    sample = sample_satellites(catalog, SAMPLE_SIZE, seed=seed)  # one draw: --quick and full share prefixes
    sample = sample[np.random.default_rng(seed).permutation(len(sample))[:max_satellites]]
    stations = load_stations(status=None)
    t0 = time.perf_counter()
    contacts = compute_contacts(sample, stations, START, START + pd.Timedelta(days=DAYS), progress=False)
    print(f"contacts: {len(contacts)} windows for {len(sample)} satellites x {len(stations)} stations "
          f"({(contacts['duration_s'] >= D_MIN_S).sum()} >= {D_MIN_S:.0f} s) in {time.perf_counter() - t0:.1f} s")
    return contacts, stations, list(sample.satellite_id)


def instance(contacts: pd.DataFrame, stations: pd.DataFrame, ids: list[str], seed: int) -> Instance:
    mine = contacts[contacts["satellite_id"].isin(ids)].reset_index(drop=True)
    mine.attrs.update(contacts.attrs)
    priced, providers, satellites = draw_prices(stations, ids, seed=seed)
    return Instance(mine, priced, providers, satellites)


def max_data(inst: Instance, cap_usd: float, pairwise: bool = False) -> Problem:
    form = "pairwise" if pairwise else "clique"
    return Problem(specs.MaxMissionData(), [
        ALL_STATUSES, specs.MinContactDuration(D_MIN_S), specs.MaxProviders(3), specs.MaxMonthlyCost(usd=cap_usd),
        specs.StationContactExclusion(form=form), specs.SatelliteContactExclusion(form=form),
    ], inst.stations, inst.providers, inst.satellites)


def min_cost(inst: Instance, pairwise: bool = False) -> Problem:
    form = "pairwise" if pairwise else "clique"
    return Problem(specs.MinMissionCost(), [
        ALL_STATUSES, specs.MinContactDuration(D_MIN_S), specs.MinSatelliteDownlink(volume_bit=DAILY_DOWNLINK_BIT),
        specs.StationContactExclusion(form=form), specs.SatelliteContactExclusion(form=form),
    ], inst.stations, inst.providers, inst.satellites)


# --------------------------------------------------------------------------- runs
def run(model, time_limit_s: float, params: dict | None = None) -> dict:
    """Solve one built model with gstk.solve (gstk's default SCIP settings unless ``params``)."""
    t0 = time.perf_counter()
    sol = solve(model, time_limit_s=time_limit_s, scip_params=params)
    return {"status": sol.status.value, "objective": sol.objective, "bound": sol.bound, "gap": sol.gap,
            "build_s": model.build_time_s, "solve_s": sol.solve_time_s, "wall_s": time.perf_counter() - t0,
            "rows": model.size["n_constraints"], "cols": model.size["n_variables"], "nnz": model.size["nonzeros"],
            "solves": sol.n_solves, "message": sol.message}


def run_optimize(inst: Instance, problem: Problem, time_limit_s: float, **options) -> dict:
    """Run gstk.optimize end to end (ModelData, build, solve) and return one result row."""
    t0 = time.perf_counter()
    sol = optimize(inst.contacts, problem, time_limit_s=time_limit_s, diagnose=False, **options)
    return {"status": sol.status.value, "objective": sol.objective, "bound": sol.bound, "gap": sol.gap,
            "build_s": sol.build_time_s, "solve_s": sol.solve_time_s, "wall_s": time.perf_counter() - t0,
            "rows": sol.n_constraints, "cols": sol.n_variables, "nnz": "-", "solves": sol.n_solves,
            "message": sol.message}


def ours_and_paper(inst: Instance, make, time_limit_s: float) -> tuple[dict, dict | None, dict]:
    """Return (gstk.optimize, one MILP (max data only), paper dense model) rows."""
    problem = make(inst)
    ours = run_optimize(inst, problem, time_limit_s)
    # min cost never decomposes: there optimize is the one MILP
    one = run_optimize(inst, problem, time_limit_s, decompose=False) \
        if isinstance(problem.objective, specs.MaxMissionData) else None
    faithful = make(inst, pairwise=True)
    data = ModelData.from_problem(inst.contacts, faithful)
    dense = build_model(data, faithful.objective, faithful.constraints, linking="aggregated")
    return ours, one, run(dense, time_limit_s, SCIP_DEFAULTS)


def fmt(value, unit: str) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "-"
    scale = {"PB": 8e15, "k$": 1e3, "h": 3600.0}[unit]
    return f"{value / scale:,.4f} {unit}" if unit != "k$" else f"{value / scale:,.1f} {unit}"


def print_row(label: str, r: dict, unit: str) -> None:
    gap = "-" if r["gap"] is None else f"{100 * r['gap']:.2f}%"
    print(f"  {label:<7} {r['status']:<11} obj {fmt(r['objective'], unit):>16}  bound {fmt(r['bound'], unit):>16}"
          f"  gap {gap:>7}  build {r['build_s']:6.2f} s  solve {r['solve_s']:7.2f} s  wall {r['wall_s']:7.2f} s"
          f"  [{r['solves']} solve(s); largest {r['rows']} rows, {r['cols']} cols, {r['nnz']} nnz]")


def speedup(ours: dict, paper: dict, limit_s: float) -> str:
    """Return paper solve time / ours ('>= limit / ours' when the paper model hit its limit)."""
    bound = paper["status"] != "OPTIMAL"
    return f"{'>= ' if bound else ''}{(limit_s if bound else paper['solve_s']) / max(ours['solve_s'], 1e-9):.1f}x"


def min_max_gap(inst: Instance) -> Problem:
    """(4) with boundary gaps under the max-data constraints (cap 1e9 $/month: non-binding)."""
    return max_data(inst, 1e9).with_changes(objective=specs.MinMaxGap())


# --------------------------------------------------------------------------- levers
def greedy_schedule(data: ModelData, cap_usd: float) -> np.ndarray:
    """A feasible max-data schedule: best 3 providers by volume, then contacts by volume, skipping conflicts."""
    provider = data.provider_of_station[data.station_of_contact]
    volume = np.bincount(provider, weights=data.volume_bit, minlength=len(data.provider_ids))
    allowed = np.isin(provider, np.argsort(-volume)[:3])
    busy_station = [[] for _ in data.station_ids]
    busy_satellite = [[] for _ in data.satellite_ids]
    taken = np.zeros(data.n_contacts, bool)
    monthly, stations_used = 0.0, set()
    per_contact = 2_629_800.0 / data.sim_duration_s * data.contact_cost_usd
    for c in np.argsort(-data.volume_bit):
        if not allowed[c]:
            continue
        s, k, a, b = data.station_of_contact[c], data.satellite_of_contact[c], data.aos_s[c], data.los_s[c]
        extra = per_contact[c] + (0.0 if s in stations_used else data.monthly_cost_usd[s])
        if monthly + extra > cap_usd:
            continue
        if any(a < bb and aa < b for aa, bb in busy_station[s]) or any(a < bb and aa < b for aa, bb in busy_satellite[k]):
            continue
        taken[c] = True
        busy_station[s].append((a, b)), busy_satellite[k].append((a, b))
        monthly += extra
        stations_used.add(s)
    return taken


def lever_study(inst: Instance, time_limit_s: float) -> None:
    n = len(inst.satellites)
    print(f"\nLever study: max-data, {n} satellites (each row changes one thing from the row above)")
    for label, cap in (("non-binding cap", 1e9), ("binding cap", BINDING_CAP_USD_PER_SATELLITE * n)):
        problem = max_data(inst, cap)
        data = ModelData.from_problem(inst.contacts, problem)
        print(f" {label} (B_month = {cap:,.0f} $):")
        rows = [
            ("straightforward clique model (all links), default SCIP",
             build_model(data, problem.objective, problem.constraints, compact=False), SCIP_DEFAULTS, None),
            ("compact model (only used links), default SCIP",
             build_model(data, problem.objective, problem.constraints), SCIP_DEFAULTS, None),
            ("compact model, tuned SCIP (gstk default)",
             build_model(data, problem.objective, problem.constraints), None, None),
            ("compact model, tuned SCIP, greedy warm start",
             build_model(data, problem.objective, problem.constraints), None, greedy_schedule(data, cap)),
        ]
        for name, model, params, start in rows:
            if start is not None:
                model.warm_start = {"x": start.astype(float)}
            r = run(model, time_limit_s, params)
            gap = "-" if r["gap"] is None else f"{100 * r['gap']:.2f}%"
            print(f"   {name:<58} {r['status']:<9} {fmt(r['objective'], 'PB'):>14} gap {gap:>7}"
                  f"  build {r['build_s']:5.2f} s  solve {r['solve_s']:7.2f} s  [{r['rows']} rows, {r['nnz']} nnz]")
        for name, options in (("optimize(decompose=True): provider sets, bound-pruned", {"decompose": True}),
                              ("gstk.optimize (decompose='auto')", {})):
            d = run_optimize(inst, problem, time_limit_s, **options)
            gap = "-" if d["gap"] is None else f"{100 * d['gap']:.2f}%"
            print(f"   {name:<58} {d['status']:<9} {fmt(d['objective'], 'PB'):>14} gap {gap:>7}"
                  f"  build {d['build_s']:5.2f} s  solve {d['solve_s']:7.2f} s  wall {d['wall_s']:7.2f} s"
                  f"  ({d['solves']} solve(s); {d['message']})")


# --------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 and 5 satellites only, no growth table")
    parser.add_argument("--time-limit", type=float, default=300.0, help="SCIP limit per solve, s")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--cap-usd", type=float, default=1e9, help="monthly cap of the max-data table")
    parser.add_argument("--no-levers", action="store_true")
    parser.add_argument("--levers-only", action="store_true", help="only the lever study (10 satellites)")
    parser.add_argument("--only", nargs="+", choices=("max-data", "min-cost", "min-max-gap", "growth"),
                        help="print only these tables (default: all)")
    args = parser.parse_args()
    wanted = set(args.only or ("max-data", "min-cost", "min-max-gap", "growth"))
    warnings.simplefilter("ignore", UserWarning)
    logging.basicConfig(level=logging.WARNING)
    sizes = (1, 5) if args.quick else (1, 5, 10)
    growth = () if args.quick else (1, 5, 10, 20)
    print(f"bench_solve: seed {args.seed}, time limit {args.time_limit:.0f} s, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}, SCIP via cvxpy {cp.__version__}")
    contacts, stations, order = load_instance(max(sizes + growth), args.seed)
    limit = args.time_limit
    if args.levers_only:
        lever_study(instance(contacts, stations, order[:max(sizes)], args.seed), limit)
        return

    for table, title, make, unit in (
            ("max-data", f"max-data (B_month = {args.cap_usd:,.0f} $)",
             lambda i, pairwise=False: max_data(i, args.cap_usd, pairwise), "PB"),
            ("min-cost", f"min-cost ({DAILY_DOWNLINK_BIT / 8e9:.0f} GB per satellite per 24 h)", min_cost, "k$")):
        if table not in wanted:
            continue
        print(f"\n{title}: gstk.optimize vs one MILP vs paper (pairwise, aggregated links, default SCIP)")
        for n in sizes:
            inst = instance(contacts, stations, order[:n], args.seed)
            n_contacts = int((inst.contacts["duration_s"] >= D_MIN_S).sum())
            print(f" {n} satellite(s), {n_contacts} contacts >= {D_MIN_S:.0f} s:")
            ours, one, paper = ours_and_paper(inst, make, limit)
            print_row("gstk", ours, unit)
            print(f"          ({ours['message']})")
            if one is not None:
                print_row("1 MILP", one, unit)
            print_row("paper", paper, unit)
            print(f"  speed-up (solve time, paper / gstk): {speedup(ours, paper, limit)}"
                  + (f"; paper / 1 MILP: {speedup(one, paper, limit)}" if one is not None else ""))

    if "min-max-gap" in wanted:
        print("\nmin-max-gap (4), boundary gaps, max-data constraints: gstk.optimize (window models per provider set)")
    for n in sizes if "min-max-gap" in wanted else ():
        inst = instance(contacts, stations, order[:n], args.seed)
        problem = min_max_gap(inst)
        lower = gap_lower_bound_s(ModelData.from_problem(inst.contacts, problem), problem.constraints, True)[0]
        g = run_optimize(inst, problem, limit)
        gap = "-" if g["gap"] is None else f"{100 * g['gap']:.2f}%"
        print(f" {n:>2} satellite(s): {g['status']:<9} optimum {fmt(g['objective'], 'h')} bound {fmt(g['bound'], 'h')}"
              f" gap {gap} (chain lower bound {fmt(lower, 'h')}); {g['solves']} SCIP solves, build {g['build_s']:.1f} s,"
              f" solve {g['solve_s']:.1f} s, total {g['wall_s']:.1f} s")
        print(f"      {g['message']}")

    if growth and "growth" in wanted:
        print("\nGrowth, max-data: optimize(decompose=False), one MILP | gstk.optimize (decomposed over provider sets)")
        for n in growth:
            inst = instance(contacts, stations, order[:n], args.seed)
            problem = max_data(inst, args.cap_usd)
            r = run_optimize(inst, problem, limit, decompose=False)
            d = run_optimize(inst, problem, limit)
            print(f"  {n:>2} satellites: {r['status']:<9} {fmt(r['objective'], 'PB'):>14}  build {r['build_s']:5.2f} s"
                  f"  solve {r['solve_s']:7.2f} s  wall {r['wall_s']:7.2f} s [{r['rows']} rows, {r['cols']} cols]"
                  f"  | {d['status']:<9} {fmt(d['objective'], 'PB'):>14}  {d['solves']} set(s), solve {d['solve_s']:6.2f} s,"
                  f" wall {d['wall_s']:6.2f} s")

    if not args.no_levers and args.only is None:
        lever_study(instance(contacts, stations, order[:max(sizes)], args.seed), limit)


if __name__ == "__main__":
    main()
