"""The windowed heuristic of Kim et al. (2025) as a method: ``optimize(..., method="windowed")``.

Kim, Eddy, Srinivas and Kochenderfer, "Scalable Ground Station Selection for
Large LEO Constellations" (arXiv 2510.03438) replace the exact integer program
for large fleets by four steps, reproduced here on gstk's own model:

1. **Subproblems.**  The window [t0, t0 + T_sim] is cut into windows of
   ``window_h`` hours starting every ``window_h - overlap_h`` hours (24 h with
   12 h overlap), the satellites into groups of ``group_size`` (1: the paper's
   single-satellite subproblems).  Each (window, group) is the same problem
   (objective, constraints, prices) on that group's contacts inside that
   window, with the window as its simulation period (so contact costs scale to
   the mission as in the full problem), solved exactly within
   ``subproblem_time_limit_s``.
2. **Clustering.**  Every station a subproblem chose is one point at its
   coordinates; DBSCAN on great-circle distance (``eps_km``, ``min_samples``,
   scikit-learn) groups them into clusters of consistently chosen locations.
3. **Matching.**  Each cluster's centroid is assigned to a distinct candidate
   station by the Hungarian method on distance (ties between co-located sites
   go to the station the cluster's subproblems chose most often).
4. **Restricted problem.**  The full problem restricted to the matched stations
   is solved exactly within what the time limit has left.

The result is a feasible network of the full problem (every constraint holds:
the last step solves the full problem on fewer stations), but not a certified
one: its bound is only that of the restricted problem, so the solution is
FEASIBLE with no bound, and its message says so.  Compare it with
:func:`gstk.optimize`'s exact bound to measure its loss.
"""
from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.model.build import build_model, restrict_to_contacts
from gstk.model.data import ModelData
from gstk.problem.definition import Problem
from gstk.solution.result import Solution, Status
from gstk.solve.milp import solve_model
from gstk.solve.min_max_gap import solve_min_max_gap_exact
from gstk.solve.options import SolverOptions, TimeBudget, _is_number

EARTH_RADIUS_KM = 6371.0088
#: The methods :func:`gstk.optimize` knows.
METHODS = ("exact", "windowed")


@dataclass(frozen=True)
class WindowedSettings:
    """Parameters of the windowed heuristic (module docstring; defaults follow Kim et al. 2025).

    Examples
    --------
    >>> WindowedSettings().window_starts_s(86_400.0 * 2)
    [0.0, 43200.0, 86400.0]
    >>> WindowedSettings(overlap_h=30)
    Traceback (most recent call last):
    ...
    gstk.errors.GstkError: windowed.overlap_h must be >= 0 and below window_h (24), got 30
    """

    window_h: float = 24.0
    overlap_h: float = 12.0
    group_size: int = 1
    eps_km: float = 300.0
    min_samples: int = 1
    subproblem_time_limit_s: float | None = 10.0

    def __post_init__(self) -> None:
        if not (_finite(self.window_h) and self.window_h > 0):
            raise GstkError(f"windowed.window_h must be a finite number > 0, got {self.window_h!r}")
        if not (_finite(self.overlap_h) and 0 <= self.overlap_h < self.window_h):
            raise GstkError(f"windowed.overlap_h must be >= 0 and below window_h ({self.window_h:g}), "
                            f"got {self.overlap_h!r}")
        for name in ("group_size", "min_samples"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise GstkError(f"windowed.{name} must be an integer >= 1, got {value!r}")
        if not (_finite(self.eps_km) and self.eps_km > 0):
            raise GstkError(f"windowed.eps_km must be a finite number > 0, got {self.eps_km!r}")
        t = self.subproblem_time_limit_s
        if t is not None and not (_finite(t) and t >= 0):
            raise GstkError(f"windowed.subproblem_time_limit_s must be a number >= 0 or None, got {t!r}")

    def window_starts_s(self, sim_duration_s: float) -> list[float]:
        """Return the start of every window, in seconds from the simulation start (the last one may be shorter)."""
        step, length = (self.window_h - self.overlap_h) * 3600.0, self.window_h * 3600.0
        starts, t = [], 0.0
        while True:
            starts.append(t)
            if t + length >= sim_duration_s:
                return starts
            t += step


def _finite(value: Any) -> bool:
    return _is_number(value) and math.isfinite(value)


# --------------------------------------------------------------------------- 1. subproblems
def satellite_groups(data: ModelData, group_size: int) -> list[np.ndarray]:
    """Return the satellite indices of each group: satellites in id order, ``group_size`` at a time."""
    order = np.argsort(np.asarray(data.satellite_ids, dtype=str), kind="stable")
    return [order[i:i + group_size] for i in range(0, len(order), group_size)]


def window_data(data: ModelData, satellites: np.ndarray, start_s: float, length_s: float) -> ModelData:
    """Return the subproblem of ``satellites`` on [start_s, start_s + length_s): its contacts, its window.

    A contact belongs to the window its AOS falls in; times are shifted so the
    window is the subproblem's simulation period.
    """
    end_s = min(start_s + length_s, data.sim_duration_s)
    keep = np.isin(data.satellite_of_contact, satellites) & (data.aos_s >= start_s) & (data.aos_s < end_s)
    sub = restrict_to_contacts(data, keep)
    return dataclasses.replace(sub, aos_s=sub.aos_s - start_s, los_s=np.minimum(sub.los_s, end_s) - start_s,
                               sim_start=data.sim_start + pd.Timedelta(seconds=float(start_s)),
                               sim_duration_s=float(end_s - start_s))


def subproblem_choices(data: ModelData, problem: Problem, settings: WindowedSettings, options: SolverOptions,
                       budget: TimeBudget, *, progress: bool = False) -> tuple[list[int], int]:
    """Return every station (index, with repetition) the subproblems chose, and how many subproblems ran."""
    length = settings.window_h * 3600.0
    jobs = [(group, start) for group in satellite_groups(data, settings.group_size)
            for start in settings.window_starts_s(data.sim_duration_s)]
    chosen: list[int] = []
    solved = 0
    bar = _bar(len(jobs), progress)
    station_index = {s: i for i, s in enumerate(data.station_ids)}
    for group, start in jobs:
        bar.update(1)
        if budget.expired():
            break
        sub = window_data(data, group, start, length)
        if sub.n_contacts == 0:
            continue
        limit = budget.remaining_s() if settings.subproblem_time_limit_s is None \
            else budget.capped(settings.subproblem_time_limit_s)
        model = build_model(sub, problem.objective, problem.constraints)
        solution = solve_built(model, dataclasses.replace(options, time_limit_s=limit), TimeBudget(limit))
        solved += 1
        if solution.status.has_solution:
            chosen.extend(station_index[s] for s in solution.selected_stations)
    bar.close()
    return chosen, solved


def solve_built(model, options: SolverOptions, budget: TimeBudget) -> Solution:
    """Solve one built model: the exact min-max gap (4) by its window models, every other one as a MILP."""
    if getattr(model, "form", "milp") == "exact":
        return solve_min_max_gap_exact(model, options, budget)
    return solve_model(model, options, budget)


def _bar(total: int, progress: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="windowed subproblems", unit="IP", disable=not progress)


# --------------------------------------------------------------------------- 2. clustering, 3. matching
def station_coordinates(data: ModelData, stations: pd.DataFrame) -> np.ndarray:
    """Return (latitude, longitude) in degrees of every station of ``data``, in its index order."""
    absent = [c for c in ("station_id", "lat_deg", "lon_deg") if c not in stations.columns]
    if absent:
        raise GstkError(f"windowed method: the problem's stations have no coordinates (missing columns {absent})")
    table = stations.set_index("station_id")
    missing = [s for s in data.station_ids if s not in table.index]
    if missing:
        raise GstkError(f"windowed method: stations {missing[:3]} have no coordinates in the problem's stations")
    return table.loc[list(data.station_ids), ["lat_deg", "lon_deg"]].to_numpy(float)


def cluster_choices(points_deg: np.ndarray, eps_km: float, min_samples: int) -> np.ndarray:
    """Return the DBSCAN cluster label of every chosen point (great-circle metric; -1: noise)."""
    try:
        from sklearn.cluster import DBSCAN
    except ImportError:
        raise GstkError('the windowed method clusters with scikit-learn: pip install "gstk[windowed]"') from None
    if len(points_deg) == 0:
        return np.zeros(0, dtype=int)
    return DBSCAN(eps=eps_km / EARTH_RADIUS_KM, min_samples=min_samples, metric="haversine",
                  algorithm="ball_tree").fit_predict(np.radians(points_deg))


def centroid_deg(points_deg: np.ndarray) -> np.ndarray:
    """Return the spherical centroid (lat, lon in degrees) of points on the sphere."""
    lat, lon = np.radians(points_deg[:, 0]), np.radians(points_deg[:, 1])
    v = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1).mean(axis=0)
    return np.degrees([math.atan2(v[2], math.hypot(v[0], v[1])), math.atan2(v[1], v[0])])


def great_circle_km(a_deg: np.ndarray, b_deg: np.ndarray) -> np.ndarray:
    """Return the great-circle distances (km) between every point of ``a`` (rows) and of ``b`` (columns)."""
    a, b = np.radians(np.atleast_2d(a_deg)), np.radians(np.atleast_2d(b_deg))
    dlat = a[:, None, 0] - b[None, :, 0]
    dlon = a[:, None, 1] - b[None, :, 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[:, None, 0]) * np.cos(b[None, :, 0]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def matched_stations(chosen: list[int], coordinates: np.ndarray, settings: WindowedSettings) -> list[int]:
    """Return the stations the cluster centroids are matched to (Hungarian method on distance)."""
    from scipy.optimize import linear_sum_assignment

    if not chosen:
        return []
    chosen_arr = np.asarray(chosen)
    labels = cluster_choices(coordinates[chosen_arr], settings.eps_km, settings.min_samples)
    clusters = sorted(set(labels.tolist()) - {-1})
    if not clusters:
        return []
    cost = np.empty((len(clusters), len(coordinates)))
    for row, label in enumerate(clusters):
        members = chosen_arr[labels == label]
        share = np.bincount(members, minlength=len(coordinates)) / len(members)
        # distance first; between co-located sites, the one chosen most often (1 m per 100 % of share)
        cost[row] = great_circle_km(centroid_deg(coordinates[members]), coordinates)[0] + 1e-3 * (1.0 - share)
    rows, cols = linear_sum_assignment(cost)
    return sorted(int(c) for c in cols)


# --------------------------------------------------------------------------- 4. the restricted problem
def solve_windowed(data: ModelData, problem: Problem, options: SolverOptions,
                   budget: TimeBudget, settings: WindowedSettings | None = None, *,
                   progress: bool = False) -> Solution:
    """Return the windowed heuristic's network of ``problem`` (module docstring): FEASIBLE, no bound."""
    settings = settings or WindowedSettings()
    chosen, n_sub = subproblem_choices(data, problem, settings, options, budget, progress=progress)
    stations = matched_stations(chosen, station_coordinates(data, problem.stations), settings)
    steps = (f"windowed heuristic (Kim et al. 2025): {n_sub} subproblems ({settings.window_h:g} h windows, "
             f"{settings.overlap_h:g} h overlap, {settings.group_size} satellite(s) each) chose "
             f"{len(set(chosen))} stations; {len(stations)} cluster sites ({settings.eps_km:g} km)")
    restricted = restrict_to_contacts(data, np.isin(data.station_of_contact, stations))
    model = build_model(restricted, problem.objective, problem.constraints)
    solution = solve_built(model, options, budget)
    if solution.status is Status.INFEASIBLE:
        return dataclasses.replace(solution, status=Status.NO_SOLUTION, bound=None, gap=None,
                                   n_solves=n_sub + 1, message=f"{steps}; the restricted problem is infeasible on "
                                   "those sites, which says nothing of the full problem")
    status = Status.FEASIBLE if solution.status.has_solution else solution.status
    top = ", ".join(s for s, _ in Counter(data.station_ids[i] for i in chosen).most_common(3))
    return dataclasses.replace(
        solution, status=status, bound=None, gap=None, n_solves=n_sub + 1,
        message=f"{steps}; restricted problem {solution.status.value} ({solution.message}); a heuristic network "
                f"without a bound for the full problem (most chosen: {top or 'none'})")
