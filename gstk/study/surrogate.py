"""The surrogate assumption (paper §2 and Appendix 6, Figure 4), measured and tested.

gstk, like the paper, optimizes a network on a short simulation window T_sim
(7 days) and scales it to the mission.  This module checks that in two ways.

1. **Contact statistics against window length** (the paper's Figure 4):
   :func:`window_statistics` computes, per satellite, for windows [start,
   start + L] of growing length L, the contacts per day, the mean contact
   duration and the mean gap, over every station of the network;
   :func:`recommended_window_days` returns the shortest L after which the
   constellation means stay within a tolerance of their long-window values.

   Definitions (all over contacts lasting at least ``min_contact_s``, the
   (15) prefilter): a *contact* is one station's visibility window;
   *contacts per day* counts them over all stations; the *gap* is a stretch
   with no station in view: the holes between the union of a satellite's
   contact intervals, without the two boundary stretches the window cut makes.

2. **Out of sample** (beyond the paper): :func:`out_of_sample` optimizes the
   network on days [0, T_train], then keeps that network fixed and evaluates it
   on later windows (e.g. days 7-14, 14-21, ... 53-60).  The evaluation
   *re-optimizes only the contact schedule* of the fixed network: the same
   objective and constraints, contacts restricted to the chosen stations
   (a station-level version of the (20) prefilter) and
   :class:`~gstk.problem.specs.RequiredStation` for each of them, so the fixed
   network pays for all its stations in every window.  Each window reports the
   objective, its drift from the training window, the gap statistics of the
   fixed network, and (``hindsight=True``) the optimum a network chosen *on
   that window* would reach, i.e. the regret of having chosen on days 0-7.
"""
from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from gstk.contacts.windows import clip_contacts
from gstk.errors import GstkError
from gstk.problem.definition import Problem
from gstk.problem.specs import RequiredStation
from gstk.seeds import unit_seeds
from gstk.study.baselines import monthly_operational_cost_usd, study_optimum
from gstk.study.cluster import study_cluster
from gstk.study.runner import atomic_write, run_pool
from gstk.study.settings import PROBLEMS, StudySettings, study_constraints, study_objective
from gstk.study.trials import load_catalog, resolve_tle_path, study_stations
from gstk.units import SECONDS_PER_DAY

log = logging.getLogger(__name__)


#: Statistics of :func:`contact_statistics` that Figure 4 shows.
WINDOW_METRICS = ("mean_gap_s", "mean_duration_s", "contacts_per_day")


def holes_s(aos_s: np.ndarray, los_s: np.ndarray) -> np.ndarray:
    """Return the lengths of the holes between the union of intervals [aos, los] (no boundary stretches).

    Examples
    --------
    >>> holes_s(np.array([0.0, 5.0, 20.0]), np.array([10.0, 8.0, 25.0])).tolist()
    [10.0]
    """
    if len(aos_s) < 2:
        return np.zeros(0)
    order = np.argsort(aos_s, kind="stable")
    a, b = np.asarray(aos_s, float)[order], np.asarray(los_s, float)[order]
    reach = np.maximum.accumulate(b)
    holes = a[1:] - reach[:-1]
    return holes[holes > 0]


def contact_statistics(contacts: pd.DataFrame, *, min_contact_s: float = 0.0) -> pd.DataFrame:
    """Return per-satellite contact statistics of one window (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per satellite: ``satellite_id, n_contacts, contacts_per_day,
        mean_duration_s, mean_gap_s, max_gap_s, coverage_fraction`` (share of the
        window with some station in view).
    """
    t0, t1 = pd.Timestamp(contacts.attrs["start"]), pd.Timestamp(contacts.attrs["end"])
    days = (t1 - t0).total_seconds() / SECONDS_PER_DAY
    usable = contacts[contacts["duration_s"] >= min_contact_s]
    rows = []
    for sat, group in usable.groupby("satellite_id", sort=True):
        aos, los = group["aos_s"].to_numpy(float), group["los_s"].to_numpy(float)
        holes = holes_s(aos, los)
        in_view = (days * SECONDS_PER_DAY) - holes.sum() - _boundary_s(aos, los, days * SECONDS_PER_DAY)
        rows.append({"satellite_id": str(sat), "n_contacts": len(group), "contacts_per_day": len(group) / days,
                     "mean_duration_s": float(group["duration_s"].mean()),
                     "mean_gap_s": float(holes.mean()) if len(holes) else math.nan,
                     "max_gap_s": float(holes.max()) if len(holes) else math.nan,
                     "coverage_fraction": in_view / (days * SECONDS_PER_DAY)})
    out = pd.DataFrame(rows, columns=["satellite_id", "n_contacts", "contacts_per_day", "mean_duration_s",
                                      "mean_gap_s", "max_gap_s", "coverage_fraction"])
    out.attrs["units"] = {"contacts_per_day": "1/day", "mean_duration_s": "s", "mean_gap_s": "s", "max_gap_s": "s"}
    return out


def _boundary_s(aos: np.ndarray, los: np.ndarray, length_s: float) -> float:
    return float(max(aos.min(), 0.0) + max(length_s - los.max(), 0.0)) if len(aos) else length_s


def window_statistics(contacts: pd.DataFrame, window_days: Iterable[float], *,
                      min_contact_s: float = 0.0) -> pd.DataFrame:
    """Return :func:`contact_statistics` for windows [start, start + L] of each length L (days).

    ``contacts`` must cover the longest window (its ``attrs['start']`` is the start).
    The result stacks the per-satellite tables with a ``window_days`` column.
    """
    t0, t1 = pd.Timestamp(contacts.attrs["start"]), pd.Timestamp(contacts.attrs["end"])
    frames = []
    for days in sorted({float(d) for d in window_days}):
        end = t0 + pd.Timedelta(days=days)
        if end > t1 + pd.Timedelta(seconds=1):
            raise GstkError(f"window of {days:g} days ends after the contacts ({t1}); compute a longer table")
        stats = contact_statistics(clip_contacts(contacts, t0, end), min_contact_s=min_contact_s)
        stats.insert(0, "window_days", days)
        frames.append(stats)
    return pd.concat(frames, ignore_index=True)


def window_summary(stats: pd.DataFrame) -> pd.DataFrame:
    """Return, per window length, the mean, std, 25th and 75th percentile over satellites of each metric."""
    rows = []
    for days, group in stats.groupby("window_days", sort=True):
        row = {"window_days": days, "n_satellites": len(group)}
        for metric in (*WINDOW_METRICS, "max_gap_s"):
            values = group[metric].astype(float).dropna()
            row[f"{metric}_mean"] = float(values.mean()) if len(values) else math.nan
            row[f"{metric}_std"] = float(values.std()) if len(values) > 1 else math.nan
            row[f"{metric}_q25"] = float(values.quantile(0.25)) if len(values) else math.nan
            row[f"{metric}_q75"] = float(values.quantile(0.75)) if len(values) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def recommended_window_days(summary: pd.DataFrame, *, tolerance: float = 0.05,
                            metrics: Iterable[str] = WINDOW_METRICS) -> dict[str, float]:
    """Return, per metric and overall, the shortest window whose mean stays within ``tolerance``.

    For metric m with constellation mean m(L), the recommendation is the
    smallest L on the grid such that |m(L') - m(L_max)| <= tolerance * |m(L_max)|
    for every L' >= L.  ``"overall"`` is the largest of the per-metric values.

    Examples
    --------
    >>> s = pd.DataFrame({"window_days": [1, 2, 7, 30], "mean_gap_s_mean": [50.0, 80, 98, 100]})
    >>> recommended_window_days(s, metrics=["mean_gap_s"])
    {'mean_gap_s': 7.0, 'overall': 7.0}
    """
    ordered = summary.sort_values("window_days")
    days = ordered["window_days"].to_numpy(float)
    out: dict[str, float] = {}
    for metric in metrics:
        values = ordered[f"{metric}_mean"].to_numpy(float)
        reference = values[-1]
        inside = np.abs(values - reference) <= tolerance * abs(reference)
        # the last index where the curve is outside the band; the recommendation is the next grid point
        outside = np.flatnonzero(~inside)
        out[metric] = float(days[outside[-1] + 1]) if len(outside) else float(days[0])
    out["overall"] = max(out.values()) if out else math.nan
    return out


# --------------------------------------------------------------------------- study entry points
def constellation(tle_path, n_satellites: int, *, seed: int, settings: StudySettings, trial: int = 0):
    """Return the satellites of unit (n_satellites, trial) as in :mod:`gstk.study`."""
    from gstk.orbits.sampling import sample_satellites

    sample_seed, _ = unit_seeds(seed, n_satellites, trial)
    return sample_satellites(load_catalog(resolve_tle_path(tle_path)), int(n_satellites), seed=sample_seed,
                             altitude_km=settings.altitude_km, rule=settings.rule)


def long_contacts(satellites, *, days: float, settings: StudySettings,
                  cache: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return the contacts of ``satellites`` over [start, start + days] (pickled to ``cache`` if given)."""
    from pathlib import Path

    from gstk.contacts.windows import compute_contacts

    if cache is not None and Path(cache).exists():
        return pd.read_pickle(cache)
    start = pd.Timestamp(settings.start)
    contacts = compute_contacts(satellites, study_stations(settings.station_statuses), start,
                                start + pd.Timedelta(days=days), progress=False)
    if cache is not None:
        atomic_write(Path(cache), lambda tmp: contacts.to_pickle(tmp))
    return contacts


def surrogate_window(*, n_satellites: int, window_days: Iterable[float], seed: int = 0,
                     tle_path=None, settings: StudySettings | None = None,
                     results_dir: str | os.PathLike | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return Figure 4's data: per-satellite statistics and their summary against window length.

    ``n_satellites`` are sampled under ``settings.rule`` and propagated once over
    the longest window; shorter windows are its prefixes.
    """
    settings = settings or StudySettings()
    window_days = sorted({float(d) for d in window_days})
    sats = constellation(tle_path, n_satellites, seed=seed, settings=settings, trial=0)
    cache = None
    if results_dir is not None:
        key = settings.key(("start", "rule", "altitude_km", "station_statuses"))
        cache = os.path.join(results_dir, "contacts", f"window-{key}-n{n_satellites}-s{seed}-d{window_days[-1]:g}.pkl")
    contacts = long_contacts(sats, days=window_days[-1], settings=settings, cache=cache)
    stats = window_statistics(contacts, window_days, min_contact_s=settings.min_contact_s)
    return stats, window_summary(stats)


def fixed_network_problem(problem: Problem, stations: Iterable[str]) -> Problem:
    """Return ``problem`` with every station in ``stations`` required (18) (the network is fixed)."""
    required = tuple(RequiredStation(station_id=s) for s in sorted(stations))
    return problem.with_changes(constraints=(*problem.constraints, *required), name=f"{problem.name}[fixed]")


def evaluation_windows(train_days: float, horizon_days: float, test_days: float) -> list[tuple[float, float]]:
    """Return [(0, train_days), (train_days, train_days + test_days), ...] up to ``horizon_days``.

    Examples
    --------
    >>> evaluation_windows(7, 21, 7)
    [(0.0, 7.0), (7.0, 14.0), (14.0, 21.0)]
    """
    windows = [(0.0, float(train_days))]
    begin = float(train_days)
    while begin + test_days <= horizon_days + 1e-9:
        windows.append((begin, begin + float(test_days)))
        begin += float(test_days)
    return windows


def out_of_sample(*, n_satellites: int, problem: str = "max_data", seed: int = 0, tle_path=None,
                  settings: StudySettings | None = None, train_days: float = 7.0, horizon_days: float = 60.0,
                  test_days: float = 7.0, hindsight: bool = True,
                  results_dir: str | os.PathLike | None = None, scheduler: Any = None) -> pd.DataFrame:
    """Optimize on days [0, train_days] and evaluate the fixed network on later windows.

    The later windows are independent once the network is fixed: with
    ``scheduler`` (a Dask cluster, see :func:`gstk.study.cluster.study_cluster`)
    each is one task on its workers (:func:`window_evaluation`), same results.

    Returns
    -------
    pandas.DataFrame
        One row per window (the first is the training window): ``window, start_day,
        end_day, in_sample, status, objective, objective_drift`` (relative to the
        training window), ``cost_total_usd, monthly_cost_usd, data_total_bit,
        schedule_max_gap_s, network_mean_gap_s, network_max_gap_s,
        network_contacts_per_day``, the chosen ``stations`` and, with ``hindsight``,
        ``hindsight_objective`` and ``regret`` (relative loss against the network
        optimized on that window; 0 for the training window).
    """
    from gstk.catalog.prices import draw_prices

    settings = settings or StudySettings()
    if problem not in PROBLEMS:
        raise GstkError(f"unknown problem {problem!r}; expected one of {PROBLEMS}")
    sats = constellation(tle_path, n_satellites, seed=seed, settings=settings, trial=0)
    cache = None
    if results_dir is not None:
        key = settings.key(("start", "rule", "altitude_km", "station_statuses"))
        cache = os.path.join(results_dir, "contacts", f"oos-{key}-n{n_satellites}-s{seed}-d{horizon_days:g}.pkl")
    contacts = long_contacts(sats, days=horizon_days, settings=settings, cache=cache)
    stations = study_stations(settings.station_statuses)
    _, price_seed = unit_seeds(seed, n_satellites, 0)
    priced, providers, satellites = draw_prices(stations, sats.satellite_id, seed=price_seed)
    base = Problem(study_objective(problem), study_constraints(problem, settings, n_satellites), priced,
                   providers, satellites, mission_days=settings.mission_days, name=f"oos-{problem}",
                   cost_model=settings.cost_model)
    t0 = pd.Timestamp(settings.start)
    windows = evaluation_windows(train_days, horizon_days, test_days)
    window_contacts = [clip_contacts(contacts, t0 + pd.Timedelta(days=a), t0 + pd.Timedelta(days=b))
                       for a, b in windows]
    trained = study_optimum(window_contacts[0], base, options=settings.solver_options)
    if not trained.status.has_solution:
        raise GstkError(f"out_of_sample: the training problem has no solution ({trained!r}); "
                        "relax D_min or B_month")
    chosen = trained.selected_stations
    fixed = fixed_network_problem(base, chosen)
    rows = [_window_row(0, *windows[0], trained, _on_network(window_contacts[0], chosen), settings, chosen)]
    if hindsight:
        rows[0]["hindsight_objective"] = trained.objective
    tasks = [(i, a, b, window, chosen, fixed, base, settings, hindsight)
             for i, ((a, b), window) in enumerate(zip(windows, window_contacts)) if i > 0]
    if scheduler is None:
        rows += [window_evaluation(*task) for task in tasks]
    else:
        with study_cluster(scheduler) as cluster:  # the contacts travel with the tasks: no TLE file on workers
            rows += run_pool(tasks, window_evaluation, executor=cluster.executor, desc=cluster.label("out of sample"),
                             unit_ids=[f"out-of-sample window {t[0]} (days {t[1]:g}-{t[2]:g})" for t in tasks])
    out = pd.DataFrame(rows)
    reference = out.loc[0, "objective"]
    out["objective_drift"] = out["objective"] / reference - 1.0
    if hindsight:
        sign = 1.0 if study_objective(problem).sense == "max" else -1.0
        out["regret"] = sign * (out["hindsight_objective"] - out["objective"]) / out["hindsight_objective"].abs()
    out.attrs.update({"problem": problem, "n_satellites": n_satellites, "stations": chosen})
    return out


def window_evaluation(i: int, a: float, b: float, window: pd.DataFrame, chosen: tuple[str, ...], fixed: Problem,
                      base: Problem, settings: StudySettings, hindsight: bool) -> dict:
    """Return the row of evaluation window ``i`` (days ``a``-``b``) of the fixed network ``chosen``.

    Re-optimizes the schedule of the fixed network on the window's contacts and,
    with ``hindsight``, the network chosen on that window (started from it).
    """
    options = settings.solver_options
    on_network = _on_network(window, chosen)
    solution = study_optimum(on_network, fixed, options=options)
    row = _window_row(i, a, b, solution, on_network, settings, chosen)
    if hindsight:
        best = study_optimum(window, base, start_from=solution, options=options)
        row["hindsight_objective"] = best.objective if best.status.has_solution else math.nan
    return row


def _on_network(window: pd.DataFrame, chosen: tuple[str, ...]) -> pd.DataFrame:
    """Return the contacts of ``window`` at the stations ``chosen`` (window attributes kept)."""
    on_network = window[window["station_id"].isin(chosen)]
    on_network.attrs = dict(window.attrs)
    return on_network


def _window_row(i: int, a: float, b: float, solution, on_network: pd.DataFrame, settings: StudySettings,
                chosen: tuple[str, ...]) -> dict:
    stats = contact_statistics(on_network, min_contact_s=settings.min_contact_s)
    has = solution.status.has_solution
    return {"window": i, "start_day": a, "end_day": b, "in_sample": i == 0, "status": solution.status.value,
            "objective": solution.objective if has else math.nan,
            "cost_total_usd": solution.cost_breakdown.get("total", math.nan) if has else math.nan,
            "monthly_cost_usd": monthly_operational_cost_usd(solution) if has else math.nan,
            "data_total_bit": solution.data_total_bit if has else math.nan,
            "schedule_max_gap_s": max(solution.max_gap_by_satellite_s.values(), default=math.nan) if has else math.nan,
            "network_mean_gap_s": float(stats["mean_gap_s"].mean()), "network_max_gap_s": float(stats["max_gap_s"].max()),
            "network_contacts_per_day": float(stats["contacts_per_day"].mean()),
            "n_stations": len(chosen), "stations": ";".join(chosen)}
