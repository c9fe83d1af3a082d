"""Trial loops of the paper's experiments (§3, Figures 2 and 3) -> tidy DataFrames.

One *unit* of work is one trial of one constellation size: satellites sampled
from the catalog under an explicit rule, Table 1 prices drawn, contacts
computed once (and cached on disk), then for both problem variations

* ``min_cost``: minimize mission cost (2) with a per-satellite minimum daily
  downlink (9), and
* ``max_data``: maximize mission data (3) under a monthly cost cap (10),

the unrestricted ("optimized") network and every one- and two-provider
baseline (:mod:`gstk.baselines`) are solved on the *same* contacts and prices.
Every reported solution passes :func:`gstk.verify.verify` (a violation raises).

Units run in a process pool (one SCIP thread per process).  Each finished
problem of a unit is written to ``results_dir/trials/`` at once, so a rerun
resumes: files whose settings key matches are read back, not recomputed.

Seeds: unit (n, trial) of base ``seed`` uses
``SeedSequence(seed, spawn_key=(n, trial))``; its first child samples the
satellites, its second draws the prices.  Trials are reproducible on their own.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from gstk.baselines import (baseline_solutions, baseline_table, best_solution, better, comparison_ratios,
                            comparison_summary, solution_row, solve_verified)
from gstk.errors import GstkError
from gstk.model.specs import (MaxMissionData, MaxMonthlyCost, MinContactDuration, MinMissionCost,
                              MinSatelliteDownlink, SatelliteContactExclusion, Spec,
                              StationContactExclusion, StationStatus)
from gstk.problem import Problem
from gstk.solution import Solution, Status, relative_gap
from gstk.units import BITS_PER_GB, SECONDS_PER_DAY

log = logging.getLogger(__name__)

#: The two problem variations of §3.
PROBLEMS = ("min_cost", "max_data")
#: Network labels in result tables, by number of allowed providers.
NETWORKS = {1: "one_provider", 2: "two_provider"}


# --------------------------------------------------------------------------- settings
#: SCIP separator settings of the study (see :class:`StudySettings`).
FAST_SEPARATION: tuple[tuple[str, Any], ...] = (
    ("separating/aggregation/freq", -1), ("separating/gomory/freq", -1),
    ("separating/maxrounds", 1), ("separating/maxroundsroot", 5),
)


@dataclass(frozen=True)
class StudySettings:
    """The experiment settings of formulation §8, with gstk's values for what the paper lost.

    Attributes
    ----------
    start : str
        Simulation start (UTC); the TLE snapshot's epochs are 2025-03-10/11.
    sim_days, mission_days : float
        T_sim and T_opt (paper: 7 and 365).
    min_contact_s : float
        (15) minimum contact duration d_min (paper: 180 s).
    period_window_s, period_step_s : float
        Window L and step Δ of the per-period downlink constraint (9) (paper: 1 day, 1 h).
    d_min_bit : float
        (9) minimum downlink per satellite per window, bits (lost from the paper).
    b_month_usd_per_satellite : float
        (10) monthly cost cap per satellite, USD/month; the cap is this times the
        constellation size (lost from the paper).
    rule : str
        Satellite sampling rule (:data:`gstk.scenarios.SAMPLING_RULES`).
    altitude_km : (float, float)
        Perigee and apogee band of sampled satellites (paper: 300-1 000 km).
    station_statuses : tuple of str
        Station statuses in the network.  The paper's 91 stations are the 86
        operational ones plus Azure's 5 (decommissioned since): default both,
        giving 6 providers, 6 one- and 15 two-provider baselines.
    time_limit_s, rel_gap : float or None
        SCIP limits per solve (a solve stopped by the time limit keeps its
        incumbent and reports status FEASIBLE with its gap).  The study's
        relative gap is 2 %: its ratios compare networks that differ by tens
        of per cent, and the min-cost problem with sliding daily windows
        spends most of its time closing the last per cent.
    scip_params : dict or tuple of pairs
        Extra SCIP parameters for every solve.  The default switches off SCIP's
        aggregation and Gomory separators and caps separation rounds: on the
        study's instances this halved solve times with the same optima
        (measured on 1-5 satellites, 2-7 day windows; see figures/README.md).
    """

    start: str = "2025-03-11T00:00:00Z"
    sim_days: float = 7.0
    mission_days: float = 365.0
    min_contact_s: float = 180.0
    period_window_s: float = SECONDS_PER_DAY
    period_step_s: float = 3600.0
    d_min_bit: float = 250.0 * BITS_PER_GB
    b_month_usd_per_satellite: float = 15_000.0
    rule: str = "exclude-megaconstellations"
    altitude_km: tuple[float, float] = (300.0, 1000.0)
    station_statuses: tuple[str, ...] = ("Operational", "Decommissioned")
    time_limit_s: float | None = 60.0
    rel_gap: float | None = 0.02
    scip_params: tuple[tuple[str, Any], ...] = FAST_SEPARATION

    def __post_init__(self):
        object.__setattr__(self, "altitude_km", tuple(float(a) for a in self.altitude_km))
        object.__setattr__(self, "station_statuses", tuple(self.station_statuses))
        params = self.scip_params.items() if isinstance(self.scip_params, dict) else self.scip_params
        object.__setattr__(self, "scip_params", tuple(sorted((str(k), v) for k, v in params)))
        for name in ("sim_days", "mission_days", "period_window_s", "period_step_s"):
            if not (isinstance(getattr(self, name), (int, float)) and getattr(self, name) > 0):
                raise GstkError(f"StudySettings.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("min_contact_s", "d_min_bit", "b_month_usd_per_satellite"):
            if not (isinstance(getattr(self, name), (int, float)) and getattr(self, name) >= 0):
                raise GstkError(f"StudySettings.{name} must be >= 0, got {getattr(self, name)!r}")

    def replace(self, **changes: Any) -> "StudySettings":
        """Return a copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        out = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}
        out["scip_params"] = dict(self.scip_params)
        return out

    def key(self, fields: Iterable[str] | None = None) -> str:
        """Return a short hash of (some of) the settings, used in cache and result file names."""
        d = self.to_dict()
        chosen = {k: d[k] for k in (fields or d)}
        return hashlib.sha1(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:10]

    @property
    def solver_options(self) -> dict[str, Any]:
        """Return the options every solve of the study gets (one SCIP thread)."""
        return {"time_limit_s": self.time_limit_s, "rel_gap": self.rel_gap, "threads": 1,
                "scip_params": dict(self.scip_params)}


#: Settings that change the contacts of a unit (the cache key of contact files).
CONTACT_FIELDS = ("start", "sim_days", "rule", "altitude_km", "station_statuses")


def study_constraints(kind: str, settings: StudySettings, n_satellites: int) -> tuple[Spec, ...]:
    """Return the constraint and prefilter specs of problem ``kind`` (paper Appendix 7 and 8).

    Both: station (11) and satellite (12) contact exclusion, minimum contact
    duration (15) and the station statuses of the network.  ``min_cost`` adds
    (9) with D_min per satellite per window; ``max_data`` adds (10) with
    B_month = ``b_month_usd_per_satellite * n_satellites``.
    """
    common = (StationContactExclusion(), SatelliteContactExclusion(),
              MinContactDuration(duration_s=settings.min_contact_s),
              StationStatus(statuses=settings.station_statuses))
    if kind == "min_cost":
        return common + (MinSatelliteDownlink(volume_bit=settings.d_min_bit, window_s=settings.period_window_s,
                                              step_s=settings.period_step_s),)
    if kind == "max_data":
        return common + (MaxMonthlyCost(usd=settings.b_month_usd_per_satellite * n_satellites),)
    raise GstkError(f"unknown problem kind {kind!r}; expected one of {PROBLEMS}")


def study_objective(kind: str) -> Spec:
    """Return the objective of problem ``kind``: (2) for 'min_cost', (3) for 'max_data'."""
    if kind not in PROBLEMS:
        raise GstkError(f"unknown problem kind {kind!r}; expected one of {PROBLEMS}")
    return MinMissionCost() if kind == "min_cost" else MaxMissionData()


# --------------------------------------------------------------------------- one trial's instance
@dataclass(frozen=True, eq=False)
class TrialInstance:
    """Contacts and price tables of one unit (n satellites, trial)."""

    n_satellites: int
    trial: int
    satellite_ids: tuple[str, ...]
    satellite_names: tuple[str, ...]
    contacts: pd.DataFrame
    stations: pd.DataFrame
    providers: pd.DataFrame
    satellites: pd.DataFrame
    sample: Any = None  # the sampled gstk.satellites.Satellites (orbits)

    def problem(self, kind: str, settings: StudySettings) -> Problem:
        """Return the Problem of variation ``kind`` on this instance."""
        return Problem(study_objective(kind), study_constraints(kind, settings, self.n_satellites),
                       self.stations, self.providers, self.satellites, mission_days=settings.mission_days,
                       name=f"{kind}-n{self.n_satellites}-t{self.trial}")


def unit_seeds(seed: int, n_satellites: int, trial: int) -> tuple[int, int]:
    """Return the (sampling, price) seeds of unit (n_satellites, trial) of base ``seed``."""
    children = np.random.SeedSequence(int(seed), spawn_key=(int(n_satellites), int(trial))).spawn(2)
    return tuple(int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children)


@lru_cache(maxsize=4)
def load_catalog(tle_path: str):
    """Return the satellites of a TLE file (cached per process)."""
    from gstk.satellites import load_satellites

    return load_satellites(tle_path)


@lru_cache(maxsize=4)
def study_stations(statuses: tuple[str, ...]) -> pd.DataFrame:
    """Return the bundled stations with the given statuses (cached per process)."""
    from gstk.stations import load_stations

    return load_stations(status=statuses)


def resolve_tle_path(tle_path: str | os.PathLike | None) -> str:
    """Return ``tle_path`` or the shared snapshot (:func:`gstk.datasets.shared_tle_path`), as text."""
    from gstk.datasets import shared_tle_path

    path = shared_tle_path(tle_path)
    if not Path(path).exists():
        raise GstkError(f"TLE file {path} does not exist; pass tle_path= or set $GSTK_TLE_PATH")
    return str(path)


def trial_instance(tle_path: str | os.PathLike | None, n_satellites: int, trial: int, *, seed: int,
                   settings: StudySettings, cache_dir: str | os.PathLike | None = None) -> TrialInstance:
    """Return the contacts and prices of unit (n_satellites, trial), computing contacts at most once.

    With ``cache_dir`` the contacts are pickled there (``contacts-<key>-n<n>-t<trial>-s<seed>.pkl``,
    key from :data:`CONTACT_FIELDS` and the TLE file) and read back by later calls.
    """
    from gstk.contacts import compute_contacts
    from gstk.scenarios import draw_prices, sample_satellites

    path = resolve_tle_path(tle_path)
    sample_seed, price_seed = unit_seeds(seed, n_satellites, trial)
    sats = sample_satellites(load_catalog(path), int(n_satellites), seed=sample_seed,
                             altitude_km=settings.altitude_km, rule=settings.rule)
    stations = study_stations(settings.station_statuses)
    cache = None
    if cache_dir is not None:
        key = settings.key(CONTACT_FIELDS) + hashlib.sha1(Path(path).name.encode()).hexdigest()[:4]
        cache = Path(cache_dir) / f"contacts-{key}-n{n_satellites}-t{trial}-s{seed}.pkl"
    if cache is not None and cache.exists():
        contacts = pd.read_pickle(cache)
    else:
        start = pd.Timestamp(settings.start)
        contacts = compute_contacts(sats, stations, start, start + pd.Timedelta(days=settings.sim_days),
                                    progress=False)
        if cache is not None:
            atomic_write(cache, lambda tmp: contacts.to_pickle(tmp))
    priced, providers, satellites = draw_prices(stations, sats.satellite_id, seed=price_seed)
    return TrialInstance(int(n_satellites), int(trial), tuple(sats.satellite_id.tolist()),
                         tuple(sats.name.tolist()), contacts, priced, providers, satellites, sats)


def atomic_write(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write a file through a temporary sibling and rename it, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------- one problem of one unit
def compare_networks(instance: TrialInstance, kind: str, settings: StudySettings, *,
                     sizes: Iterable[int] = (1, 2)) -> pd.DataFrame:
    """Return the optimized network and every one-/two-provider baseline of one unit as tidy rows.

    The one-provider networks are solved first; the unrestricted problem
    starts from the best of them; then the pairs, each warm-started from its
    members, and a pair holding every provider of the optimized network takes
    it without a solve (:func:`gstk.baselines.inherit_unrestricted`).  Columns: the
    :func:`gstk.baselines.solution_row` fields plus ``problem, n_satellites,
    trial, network`` ("optimized", "one_provider", "two_provider") and the
    settings that shaped the problem (``d_min_bit, b_month_usd, rule, sim_days``).
    """
    problem = instance.problem(kind, settings)
    options = settings.solver_options
    sizes = sorted(set(sizes))
    baselines = baseline_solutions(instance.contacts, problem, sizes=sizes[:1], **options)
    optimized = solve_verified(instance.contacts, problem, start_from=best_solution(baselines.values()), **options)
    baselines.update(baseline_solutions(instance.contacts, problem, sizes=sizes[1:], solved=baselines,
                                        unrestricted=optimized, **options))
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


def result_path(results_dir: str | os.PathLike, kind: str, n_satellites: int, trial: int, seed: int,
                settings: StudySettings, tle_path: str) -> Path:
    """Return the per-trial result file of one problem of one unit (the resume key)."""
    key = settings.key() + hashlib.sha1(Path(tle_path).name.encode()).hexdigest()[:4]
    return Path(results_dir) / "trials" / f"{kind}-{key}-n{n_satellites}-t{trial}-s{seed}.csv"


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


def read_results(path: str | os.PathLike) -> pd.DataFrame:
    """Return a result table written by :func:`run_unit` (CSV)."""
    return pd.read_csv(path, keep_default_na=True, dtype={"providers": "str", "allowed": "str"})


# --------------------------------------------------------------------------- the trial loop
def run_pool(tasks: list[tuple], worker: Callable[..., pd.DataFrame], *, jobs: int = 1,
             progress: bool = False, desc: str = "trials") -> list[pd.DataFrame]:
    """Return ``[worker(*task) for task in tasks]``, computed in a process pool of ``jobs`` workers.

    Results are in task order whatever order they finish in.  ``jobs=1`` runs
    in this process.  The first failure cancels what has not started and is
    raised with the task that failed; files written by finished tasks stay.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise GstkError(f"jobs must be an integer >= 1, got {jobs!r}")
    bar = _bar(len(tasks), progress, desc)
    out: list[pd.DataFrame | None] = [None] * len(tasks)
    if jobs == 1 or len(tasks) <= 1:
        try:
            for i, task in enumerate(tasks):
                try:
                    out[i] = worker(*task)
                except Exception as exc:
                    raise _task_failure(desc, task, exc) from exc
                bar.update(1)
        finally:
            bar.close()
        return out  # type: ignore[return-value]
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(worker, *task): i for i, task in enumerate(tasks)}
        try:
            for future in as_completed(futures):
                out[futures[future]] = future.result()
                bar.update(1)
        except BaseException as exc:
            for f in futures:
                f.cancel()
            failed = tasks[futures[future]] if "future" in locals() else ()
            raise _task_failure(desc, failed, exc) from exc
        finally:
            bar.close()
    return out  # type: ignore[return-value]


def _task_failure(desc: str, task: tuple, exc: BaseException) -> GstkError:
    """Return the error naming the failed task (for a unit: its size, trial and seed)."""
    what = f"(n_satellites, trial, seed) = {task[1:4]!r}" if len(task) >= 4 else repr(task)
    return GstkError(f"{desc}: task {what} failed: {type(exc).__name__}: {exc}; results of finished "
                     "tasks are kept, rerun to resume")


def _bar(total: int, progress: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, disable=not progress, leave=False)


def objective_comparison(*, trials: int, sizes: Iterable[int], seed: int = 0,
                         tle_path: str | os.PathLike | None = None, settings: StudySettings | None = None,
                         results_dir: str | os.PathLike | None = None, jobs: int = 1,
                         problems: Iterable[str] = PROBLEMS, progress: bool = False) -> pd.DataFrame:
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
        Worker processes (one SCIP thread each).
    problems : iterable of str
        Subset of :data:`PROBLEMS`.
    progress : bool
        Show a tqdm bar over units.

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
    frames = run_pool(tasks, run_unit, jobs=jobs, progress=progress, desc="objective comparison")
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


def sorted_results(results: pd.DataFrame) -> pd.DataFrame:
    """Return result rows sorted by problem, size, trial, then optimized first and baselines by set."""
    return results.sort_values(["problem", "n_satellites", "trial", "n_allowed", "allowed"],
                               na_position="first", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- sensitivity to D_min, B_month
def sensitivity(*, trials: int, sizes: Iterable[int], seed: int = 0, tle_path: str | os.PathLike | None = None,
                settings: StudySettings | None = None, d_min_factors: Iterable[float] = (0.5, 1.0, 2.0),
                b_month_factors: Iterable[float] = (0.5, 1.0, 2.0),
                results_dir: str | os.PathLike | None = None, jobs: int = 1,
                progress: bool = False) -> pd.DataFrame:
    """Return how the headline ratios move with D_min (min-cost) and B_month (max-data).

    Runs :func:`objective_comparison`'s units with D_min scaled by each of
    ``d_min_factors`` (min-cost only) and B_month scaled by each of
    ``b_month_factors`` (max-data only), all in one process pool; units of
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
    frames = run_pool(tasks, run_unit, jobs=jobs, progress=progress, desc="sensitivity")
    summaries = []
    for (parameter, factor, value) in dict.fromkeys(labels):
        parts = [f for f, lab in zip(frames, labels) if lab == (parameter, factor, value)]
        summary = comparison_summary(comparison_ratios(pd.concat(parts, ignore_index=True)))
        summary.insert(0, "value", value)
        summary.insert(0, "factor", factor)
        summary.insert(0, "parameter", parameter)
        summaries.append(summary)
    return pd.concat(summaries, ignore_index=True)


# --------------------------------------------------------------------------- the figures notebook
def ground_tracks(satellites, start, end, *, step_s: float = 30.0) -> pd.DataFrame:
    """Return sub-satellite points every ``step_s`` seconds in [start, end] (SGP4, WGS84).

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, time (UTC), lat_deg, lon_deg, alt_km``, one row per satellite and time.
    """
    from gstk.orbits import ground_track, itrf_states_km, julian_dates

    times = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=pd.Timedelta(seconds=step_s))
    jd, fr = julian_dates(times)
    r_itrf, _, _ = itrf_states_km(satellites.satrec_array(), jd, fr)
    lat, lon, alt = ground_track(r_itrf)
    n_sat, n_t = lat.shape
    out = pd.DataFrame({"satellite_id": np.repeat(np.asarray(satellites.satellite_id, str), n_t),
                        "time": np.tile(times, n_sat), "lat_deg": lat.ravel(), "lon_deg": lon.ravel(),
                        "alt_km": alt.ravel()})
    out.attrs["units"] = {"lat_deg": "deg", "lon_deg": "deg", "alt_km": "km"}
    return out.dropna(subset=["lat_deg"]).reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class NetworkScenario:
    """Everything the figures notebook draws for one solved trial.

    ``stations`` is the study network (with coordinates), ``solution`` the
    optimized network, ``gantt_contacts`` its taken contacts in the first
    ``gantt_hours`` (window in ``attrs``), ``tracks`` the ground tracks of the
    first ``track_hours`` and ``altitude_km`` the sample's mean altitude.
    """

    problem: str
    stations: pd.DataFrame
    solution: Any
    gantt_contacts: pd.DataFrame
    tracks: pd.DataFrame
    satellite_names: tuple[str, ...]
    altitude_km: float

    def summary(self) -> pd.DataFrame:
        """Return a small table of the numbers the figures show."""
        s = self.solution
        return pd.DataFrame({
            "quantity": ["satellites", "stations in network", "providers selected", "stations selected",
                         "mission cost (USD)", "mission data (TB)", "status"],
            "value": [", ".join(self.satellite_names), len(self.stations), ", ".join(s.selected_providers),
                      len(s.selected_stations), round(s.cost_breakdown.get("total", math.nan)),
                      round(s.data_total_bit / 8e12, 1), s.status.value]})


def network_scenario(*, problem: str = "max_data", n_satellites: int = 2, trial: int = 0, seed: int = 0,
                     tle_path=None, settings: StudySettings | None = None, results_dir=None,
                     gantt_hours: float = 24.0, track_hours: float = 3.0) -> NetworkScenario:
    """Solve one trial's optimized network and gather what Figure 1, the network map,
    the contact Gantt chart and the ground tracks need."""
    from gstk.surrogate import clip_contacts

    settings = settings or StudySettings()
    path = resolve_tle_path(tle_path)
    cache = None if results_dir is None else Path(results_dir) / "contacts"
    instance = trial_instance(path, n_satellites, trial, seed=seed, settings=settings, cache_dir=cache)
    solution = solve_verified(instance.contacts, instance.problem(problem, settings), **settings.solver_options)
    start = pd.Timestamp(settings.start)
    taken = solution.contacts.copy()
    taken.attrs = {"start": instance.contacts.attrs["start"], "end": instance.contacts.attrs["end"]}
    gantt = clip_contacts(taken, start, start + pd.Timedelta(hours=gantt_hours)) if len(taken) else taken
    sats = instance.sample
    tracks = ground_tracks(sats, start, start + pd.Timedelta(hours=track_hours))
    elements = sats.to_frame()
    altitude = round(float(((elements["perigee_km"] + elements["apogee_km"]) / 2).mean()))
    return NetworkScenario(problem, study_stations(settings.station_statuses), solution, gantt, tracks,
                           instance.satellite_names, altitude)


# --------------------------------------------------------------------------- notebook helpers
def study_settings(*, D_min_GB_per_day: float = 250.0, B_month_usd_per_satellite: float = 15_000.0,
                   rule: str = "exclude-megaconstellations", sim_days: float = 7.0,
                   time_limit_s: float | None = 60.0, rel_gap: float | None = 0.02,
                   **other: Any) -> StudySettings:
    """Return :class:`StudySettings` from notebook parameters in report units (GB/day, USD/month).

    D_min is per satellite per 24 h window of (9) (1 GB = 8e9 bit);
    B_month is per satellite per month, the cap of (10) being it times the size.
    """
    return StudySettings(d_min_bit=float(D_min_GB_per_day) * BITS_PER_GB,
                         b_month_usd_per_satellite=float(B_month_usd_per_satellite), rule=rule,
                         sim_days=float(sim_days), time_limit_s=time_limit_s, rel_gap=rel_gap, **other)


def caption(settings: StudySettings, **extra: Any) -> str:
    """Return the one-line provenance printed under every study figure.

    Names the sampling rule, T_sim, D_min, B_month and the solver limits, plus
    ``extra`` items (e.g. trials=100, sizes=[1, 2, 5, 10]).
    """
    parts = [f"sampling rule: {settings.rule} ({settings.altitude_km[0]:g}-{settings.altitude_km[1]:g} km)",
             f"T_sim {settings.sim_days:g} d", f"D_min {settings.d_min_bit / BITS_PER_GB:g} GB/sat/day",
             f"B_month {settings.b_month_usd_per_satellite:,.0f} USD/sat/month",
             f"stations: {'+'.join(settings.station_statuses)}",
             f"SCIP limit {settings.time_limit_s:g} s, gap {settings.rel_gap:g}"]
    parts += [f"{k} {v}" for k, v in extra.items()]
    return "; ".join(parts)


def write_table(table: pd.DataFrame, results_dir: str | os.PathLike, name: str) -> list[Path]:
    """Write ``table`` as ``<results_dir>/<name>.csv`` (and ``.parquet`` when pyarrow is installed)."""
    out = Path(results_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [atomic_write(out / f"{name}.csv", lambda tmp: table.to_csv(tmp, index=False))]
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return paths
    paths.append(atomic_write(out / f"{name}.parquet", lambda tmp: table.to_parquet(tmp, index=False)))
    return paths
