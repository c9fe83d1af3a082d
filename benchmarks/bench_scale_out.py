"""Benchmark the study's units in the local process pool against a Dask LocalCluster, and project a cluster run.

Workload: the units of ``gstk.study.objective_comparison`` (one trial of one
constellation size, both problems: the one-provider networks, the unrestricted
network, the pairs) with the settings of the full ``gstk reproduce`` (7 days,
20 s SCIP limit per solve, one SCIP thread), ``--trials`` trials of sizes
``--sizes`` (default 3 trials of 1 and 2 satellites).  The same tasks go through
the study's one executor seam, ``gstk.study.run_pool``: once with a local spawn
pool of ``--workers`` processes, once on a ``distributed.LocalCluster`` of as
many single-threaded worker processes, in this one run.  Both pools are started
and warmed first (every process imports gstk and reads the catalog), and that
start-up is timed apart, so the ratio is the steady-state cost of sending units
through Dask instead of a local pool.  Printed: both wall times, their ratio (target: Dask overhead <= 10 %),
whether the result rows agree (timing columns aside), and the per-unit times.

Projection: from the measured per-unit times, the makespan a longest-first
(LPT) scheduler reaches on 8, 32 and 128 workers for the full design, 100
trials x sizes 1, 2, 5, 10 (400 units).  Sizes that were not measured are
extrapolated with a power law t(n) = a n^b through the measured sizes' mean
unit times (b = 1 when only one size was measured), so measure them
(``--sizes 1 2 5 10``) for a projection that needs no extrapolation.

A wall-clock limit makes a solve's result depend on how fast its process ran,
so two runs of the same units (two local runs, too) can differ in rows and in
work.  ``--node-limit N`` stops every solve at N branch-and-bound nodes instead
(SCIP is deterministic then): both pools do the same work, the rows must agree,
and the ratio is the overhead alone.  The projection then uses node-limited unit
times; run once without it for the study's own unit times.

Run ``python benchmarks/bench_scale_out.py`` (a few minutes on 2 cores),
``--node-limit 300`` for the overhead alone, or ``--quick`` (1 trial of 1 and 2
satellites over 1 day, 10 s limit: a smoke run).
"""
from __future__ import annotations

import argparse
import heapq
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
import pandas as pd

from gstk.study.cluster import study_cluster
from gstk.study.comparison import run_unit, unit_tasks
from gstk.study.runner import run_pool
from gstk.study.settings import StudySettings
from gstk.study.trial_files import reproduce_settings
from gstk.study.trials import resolve_tle_path

#: The full design of the paper's study, and the cluster sizes the projection is printed for.
FULL_TRIALS, FULL_SIZES, CLUSTER_WORKERS = 100, (1, 2, 5, 10), (8, 32, 128)
#: Columns that measure time, not results.
TIMING = ["build_time_s", "solve_time_s"]


def timed_unit(*task) -> tuple[float, pd.DataFrame]:
    """Return the wall seconds and the rows of one :func:`gstk.study.run_unit` task (in the worker)."""
    started = time.perf_counter()
    table = run_unit(*task)
    return time.perf_counter() - started, table


def warm_up(tle_path: str, station_statuses: tuple[str, ...]) -> None:
    """Import the study and read the catalog and the stations into this worker's caches (before the clock runs)."""
    from gstk.study.trials import load_catalog, study_stations

    load_catalog(tle_path)
    study_stations(station_statuses)


def local_run(tasks: list[tuple], workers: int, tle_path: str,
              settings: StudySettings) -> tuple[float, float, list]:
    """Return the start-up seconds, the wall seconds and the results of the tasks in a local spawn pool."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=warm_up,
                             initargs=(tle_path, settings.station_statuses)) as pool:
        list(pool.map(time.sleep, [0.5] * workers))  # busy for 0.5 s each: every process is started and warm
        startup = time.perf_counter() - started
        started = time.perf_counter()
        out = run_pool(tasks, timed_unit, executor=pool, desc="local pool")
        return startup, time.perf_counter() - started, out


def dask_run(tasks: list[tuple], workers: int, tle_path: str, settings: StudySettings) -> tuple[float, float, list]:
    """Return the start-up seconds, the wall seconds and the results of the tasks on a LocalCluster."""
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster, set_as_default=False) as client:
        client.run(warm_up, tle_path, settings.station_statuses)
        with study_cluster(client, tle_path=tle_path) as pool:
            startup = time.perf_counter() - started
            started = time.perf_counter()
            out = run_pool(tasks, timed_unit, executor=pool.executor, desc="dask")
            return startup, time.perf_counter() - started, out


def same_rows(a: list, b: list) -> bool:
    """Return whether two runs gave the same result rows, timing columns aside."""
    left = pd.concat([t for _, t in a], ignore_index=True).drop(columns=TIMING)
    right = pd.concat([t for _, t in b], ignore_index=True).drop(columns=TIMING)
    return left.astype(str).equals(right.astype(str))


def unit_seconds_by_size(tasks: list[tuple], results: list) -> dict[int, list[float]]:
    """Return the measured unit times grouped by constellation size."""
    out: dict[int, list[float]] = {}
    for task, (seconds, _) in zip(tasks, results):
        out.setdefault(int(task[1]), []).append(seconds)
    return out


def projected_unit_seconds(measured: dict[int, list[float]], sizes: tuple[int, ...],
                           trials: int) -> tuple[list[float], list[int]]:
    """Return the unit times of ``trials`` trials of ``sizes`` from the measured ones, and the extrapolated sizes.

    A measured size repeats its measured times trial after trial; an unmeasured
    one scales the largest measured size's times by the power law t(n) = a n^b
    fitted through the measured means.
    """
    known = sorted(measured)
    means = np.array([np.mean(measured[n]) for n in known])
    slope = 1.0 if len(known) < 2 else float(np.polyfit(np.log(known), np.log(means), 1)[0])
    out, extrapolated = [], []
    for n in sizes:
        base = n if n in measured else known[-1]
        scale = 1.0 if n in measured else (n / base) ** slope
        if n not in measured:
            extrapolated.append(n)
        times = measured[base]
        out += [times[t % len(times)] * scale for t in range(trials)]
    return out, extrapolated


def lpt_makespan_s(unit_seconds: list[float], workers: int) -> float:
    """Return the makespan of longest-processing-time-first scheduling of the units on ``workers`` workers.

    Examples
    --------
    >>> lpt_makespan_s([3, 3, 2, 2, 2], 2)
    7.0
    """
    loads = [0.0] * workers
    for seconds in sorted(unit_seconds, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + seconds)
    return max(loads)


def hours(seconds: float) -> str:
    """Return seconds as hours (or minutes under an hour), for the projection table."""
    return f"{seconds / 3600:8.1f} h" if seconds >= 3600 else f"{seconds / 60:8.1f} min"


def settings_of(args: argparse.Namespace) -> StudySettings:
    """Return the benchmark's study settings: the full ``gstk reproduce`` ones, or tiny ones with ``--quick``."""
    settings = StudySettings(sim_days=1.0, time_limit_s=10.0) if args.quick else reproduce_settings(quick=False)
    if args.node_limit:
        settings = settings.replace(time_limit_s=None,
                                    scip_params={**dict(settings.scip_params), "limits/nodes": args.node_limit})
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=3, help="trials per size (default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2], help="constellation sizes (default 1 2)")
    parser.add_argument("--workers", type=int, default=2, help="local processes = Dask workers (default 2)")
    parser.add_argument("--seed", type=int, default=2025, help="base seed of the trials (default 2025)")
    parser.add_argument("--tle", dest="tle_path", help="TLE file (default: the shared Celestrak snapshot)")
    parser.add_argument("--quick", action="store_true", help="1 trial of 1 and 2 satellites, 1 day, 10 s limit")
    parser.add_argument("--node-limit", type=int, default=0,
                        help="stop every solve at this many SCIP nodes, not at the wall clock (same work in both pools)")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.sizes = 1, [1, 2]
    settings, tle_path = settings_of(args), resolve_tle_path(args.tle_path)
    tasks = unit_tasks(tle_path, args.sizes, args.trials, args.seed, settings, None, ("min_cost", "max_data"))
    print(f"bench_scale_out: {len(tasks)} units ({args.trials} trial(s) x sizes {sorted(set(args.sizes))}, both "
          f"problems), {settings.sim_days:g} days, SCIP limit "
          f"{f'{args.node_limit} nodes' if args.node_limit else f'{settings.time_limit_s:g} s'}, {args.workers} workers, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    local_startup_s, local_s, local = local_run(tasks, args.workers, tle_path, settings)
    dask_startup_s, dask_s, remote = dask_run(tasks, args.workers, tle_path, settings)
    print(f"  local process pool ({args.workers} processes): {local_s:8.1f} s  (+ {local_startup_s:.1f} s start-up)")
    print(f"  Dask LocalCluster ({args.workers} workers):     {dask_s:8.1f} s  (+ {dask_startup_s:.1f} s start-up)")
    print(f"  ratio Dask / local: {dask_s / local_s:.3f}  (overhead {100 * (dask_s / local_s - 1):+.1f} %, "
          f"target <= +10 %); same result rows: {same_rows(local, remote)}")
    work = [sum(seconds for seconds, _ in run) for run in (local, remote)]
    print(f"  unit time summed over units: local {work[0]:.1f} s, Dask {work[1]:.1f} s (the work each pool did)")
    measured = unit_seconds_by_size(tasks, remote)
    for n, seconds in sorted(measured.items()):
        print(f"  unit time, {n} satellite(s): mean {np.mean(seconds):.1f} s, max {max(seconds):.1f} s "
              f"over {len(seconds)} unit(s) (on Dask workers)")

    units, extrapolated = projected_unit_seconds(measured, FULL_SIZES, FULL_TRIALS)
    note = f"; sizes {extrapolated} extrapolated (power law through the measured sizes)" if extrapolated else ""
    print(f"\nFull design, {FULL_TRIALS} trials x sizes {list(FULL_SIZES)} = {len(units)} units, longest first{note}:")
    print(f"  1 worker (serial): {hours(sum(units))}")
    for workers in CLUSTER_WORKERS:
        makespan = lpt_makespan_s(units, workers)
        print(f"  {workers:>3} workers: makespan {hours(makespan)}  (lower bound {hours(max(sum(units) / workers, max(units)))})")


if __name__ == "__main__":
    main()
