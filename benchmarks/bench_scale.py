"""Constellation scale: contacts, build, solve, gap and peak memory from 1 to 96 satellites, exact and windowed.

Instance (fixed seeds): 7 days from 2025-03-11, all 104 stations of the bundled
catalog (every status), one Table 1 price draw (``draw_prices``, seed 2025).
Fleets from the shared Celestrak snapshot: a seeded random sample under the
study's rule (mega-constellations excluded; nested prefixes of one draw) of 1,
5, 10 and 20 satellites, the ICEYE fleet (``ICEYE*``, every one in the
snapshot) and a seeded sample of 96 of Planet's Flock (``FLOCK*``).

Problems (``--problems``, :func:`gstk.study.scale.scale_problem`), each with at
most 3 providers (14), d_min 180 s (15), station and satellite exclusion (11),
(12); 1 % gap, one solver thread, ``--time-limit`` per run (default 600 s):
``max_data`` (3) under a monthly cap (10) of 1e9 USD that cannot bind (the
default); ``max_data_capped`` (3) under the study's cap of 15 000 USD per
satellite; ``min_cost`` (2) under a floor (9) of 250 GB per satellite per day;
``min_max_gap`` (4).  For the last two, satellites without a contact on some day
(e.g. one whose elements decay in the window) are left out: no network reaches
their floor, and their gap alone would decide (4).  ``windowed`` runs on the two
max-data problems only.

Methods: ``exact`` is :func:`gstk.optimize` (decomposed over provider sets);
``windowed`` is the heuristic of Kim et al. 2025 (``method="windowed"``:
24 h windows with 12 h overlap, single-satellite subproblems, DBSCAN + Hungarian
matching, restricted IP).  The windowed objective is printed as a share of the
exact method's certified bound, the loss the heuristic's own paper could not
measure at scale.

Each run is a fresh process, so ``peak_rss_gb`` is that run's own peak
(``ru_maxrss``).  The last lines fit solve time ~ contacts**k (least squares on
logs) per method.

    python benchmarks/bench_scale.py                         # the whole table (hours at 600 s)
    python benchmarks/bench_scale.py --fleets random-1 random-5 iceye --time-limit 120
    python benchmarks/bench_scale.py --quick                 # 1 and 5 random satellites, 60 s
    python benchmarks/bench_scale.py --fleets iceye flock-96 --methods exact --problems max_data_capped min_cost
"""
from __future__ import annotations

import argparse
import concurrent.futures as futures
import multiprocessing
import resource
import sys
import time

import numpy as np
import pandas as pd

from gstk.study.scale import SCALE_SEED as SEED
from gstk.study.scale import SCALE_START as START
from gstk.study.scale import EVERY_DAY_PROBLEMS, SCALE_PROBLEMS, every_day_fleet, fleet_satellites, scale_problem

DAYS, D_MIN_S = 7, 180.0
FLEETS = ("random-1", "random-5", "random-10", "random-20", "iceye", "flock-96")


def fleet(name: str):
    """Return the satellites of one fleet of the module docstring."""
    from gstk.datasets import shared_tle_path
    from gstk.orbits.sampling import sample_satellites
    from gstk.orbits.satellites import load_satellites

    catalog = load_satellites(shared_tle_path())
    if name.startswith("random-"):
        sample = sample_satellites(catalog, 20, seed=SEED)
        return sample[np.random.default_rng(SEED).permutation(len(sample))[:int(name.split("-")[1])]]
    if name == "iceye":
        return fleet_satellites("ICEYE*")
    if name == "flock-96":
        return fleet_satellites("FLOCK*", count=96, seed=SEED)
    raise SystemExit(f"unknown fleet {name!r}; expected one of {FLEETS}")


def one_run(fleet_name: str, method: str, time_limit_s: float, kind: str = "max_data") -> dict:
    """Run one (fleet, method, problem) in this process and return its row (called in a fresh process)."""
    from gstk.catalog.stations import load_stations
    from gstk.contacts.windows import compute_contacts
    from gstk.solve.api import optimize

    sats = fleet(fleet_name)
    stations = load_stations(status=None)
    t0 = time.perf_counter()
    contacts = compute_contacts(sats, stations, START, START + pd.Timedelta(days=DAYS), progress=False)
    contact_s = time.perf_counter() - t0
    if kind in EVERY_DAY_PROBLEMS:  # a daily floor or a max gap needs a contact every day (ICEYE-X18 decays)
        every_day, contacts = every_day_fleet(sats, contacts, DAYS)
        dropped = sorted(set(map(str, sats.satellite_id)) - set(map(str, every_day.satellite_id)))
        if dropped:
            print(f"{fleet_name} {kind}: satellites without a contact on some day left out: {dropped}", flush=True)
        sats = every_day
    problem = scale_problem(stations, sats.satellite_id, seed=SEED, d_min_s=D_MIN_S, kind=kind)
    t0 = time.perf_counter()
    sol = optimize(contacts, problem, method=method, time_limit_s=time_limit_s, rel_gap=0.01, diagnose=False)
    wall = time.perf_counter() - t0
    scale = 1e12 if kind.startswith("max_data") else 1.0
    return {"fleet": fleet_name, "problem": kind, "method": method, "satellites": len(sats), "contacts": len(contacts),
            "contact_s": contact_s, "build_s": sol.build_time_s, "solve_s": sol.solve_time_s, "wall_s": wall,
            "status": sol.status.value,
            "objective": np.nan if sol.objective is None else sol.objective / scale,
            "bound": np.nan if sol.bound is None else sol.bound / scale, "gap": sol.gap,
            "stations": len(sol.selected_stations), "solves": sol.n_solves,
            "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2}


def in_fresh_process(fleet_name: str, method: str, time_limit_s: float, kind: str) -> dict:
    """Return :func:`one_run` computed in a new process (its own peak memory).

    A run whose process dies (e.g. out of memory: run the benchmark under ``ulimit -v`` to cap it) gives a
    row with status ``CRASHED`` and the benchmark goes on.
    """
    started = time.perf_counter()
    with futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            return pool.submit(one_run, fleet_name, method, time_limit_s, kind).result()
        except futures.process.BrokenProcessPool:
            return {"fleet": fleet_name, "problem": kind, "method": method, "wall_s": time.perf_counter() - started,
                    "status": "CRASHED (the process died, e.g. out of memory)"}


def growth_exponent(rows: pd.DataFrame) -> float:
    """Return k of solve time ~ contacts**k (least squares on logs; nan with fewer than two sizes)."""
    ok = rows[(rows["contacts"] > 0) & (rows["wall_s"] > 0)]
    if ok["contacts"].nunique() < 2:
        return float("nan")
    return float(np.polyfit(np.log(ok["contacts"]), np.log(ok["wall_s"]), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fleets", nargs="+", default=list(FLEETS), choices=FLEETS)
    parser.add_argument("--methods", nargs="+", default=["exact", "windowed"], choices=["exact", "windowed"])
    parser.add_argument("--time-limit", type=float, default=600.0, help="per run (fleet, problem, method), s")
    parser.add_argument("--problems", nargs="+", default=["max_data"], choices=SCALE_PROBLEMS,
                        help="objectives in Tbit (max data), USD (min cost) or s (min max gap)")
    parser.add_argument("--quick", action="store_true", help="random-1 and random-5 at 60 s")
    parser.add_argument("--out", help="also write the rows as CSV (appended per run, so a stopped run keeps its rows)")
    args = parser.parse_args()
    fleets, limit = (["random-1", "random-5"], 60.0) if args.quick else (args.fleets, args.time_limit)
    rows = []
    runs = [(name, kind, method) for kind in args.problems for name in fleets for method in args.methods
            if method == "exact" or kind.startswith("max_data")]
    for name, kind, method in runs:
        row = in_fresh_process(name, method, limit, kind)
        rows.append(row)
        print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
        if args.out:
            pd.DataFrame([row]).to_csv(args.out, mode="a", index=False, header=len(rows) == 1)
    table = pd.DataFrame(rows)
    exact = table[table["method"] == "exact"].set_index(["fleet", "problem"])
    windowed = table[table["method"] == "windowed"].set_index(["fleet", "problem"])
    if not exact.empty and not windowed.empty:
        share = (windowed["objective"] / exact["bound"]).rename("windowed / exact bound")
        table = table.join(share, on=["fleet", "problem"])
    pd.set_option("display.width", 220)
    print(table.round(3).to_string(index=False))
    for (kind, method), rows_m in table.groupby(["problem", "method"]):
        print(f"growth exponent ({kind}, {method}): wall time ~ contacts^{growth_exponent(rows_m):.2f}")


if __name__ == "__main__":
    sys.exit(main())
