"""Constellation scale: a real fleet's max-data network over every station, with its certified gap.

The instance of ``benchmarks/bench_scale.py`` (and of the ``constellation_scale`` notebook):
satellites by name pattern from the Celestrak snapshot (``"ICEYE*"``, ``"FLOCK*"``), every
station of the bundled catalog (every status), one Table 1 price draw (``draw_prices``,
seed 2025), and max data (3) with at most 3 providers (14), a non-binding monthly cap (10,
1e9 USD), d_min 180 s (15), station and satellite exclusion (11), (12), solved to a 1 % gap.

Examples
--------
>>> result = fleet_network("ICEYE*", count=2, days=0.5, time_limit_s=60)  # doctest: +SKIP
>>> result.summary()[["satellites", "status", "gap"]]                      # doctest: +SKIP
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gstk.catalog.prices import draw_prices
from gstk.catalog.stations import load_stations
from gstk.contacts.windows import compute_contacts
from gstk.errors import GstkError
from gstk.orbits.satellites import Satellites, load_satellites
from gstk.problem import specs
from gstk.problem.definition import Problem
from gstk.solution.result import Solution
from gstk.solve.api import optimize
from gstk.study.baselines import verified
from gstk.study.trials import resolve_tle_path
from gstk.units import BITS_PER_TB

__all__ = ["SCALE_START", "SCALE_SEED", "SCALE_PROBLEMS", "fleet_satellites", "seen_every_day", "every_day_fleet",
           "scale_problem", "FleetNetwork", "fleet_network"]

#: The scale instance's window starts here (the snapshot's epochs are 2025-03-10/11).
SCALE_START = pd.Timestamp("2025-03-11T00:00:00Z")
#: Seed of the fleet samples and of the price draw.
SCALE_SEED = 2025


def fleet_satellites(pattern: str, *, count: int | None = None, tle_path: str | os.PathLike | None = None,
                     seed: int = SCALE_SEED) -> Satellites:
    """Return the snapshot's satellites whose name matches ``pattern``; ``count`` of them, seeded, if given.

    The sample keeps catalog order, so nested counts of one seed are not nested samples.
    """
    fleet = load_satellites(resolve_tle_path(tle_path)).select(name=pattern)
    if len(fleet) == 0:
        raise GstkError(f"no satellite of the snapshot matches {pattern!r}")
    if count is None:
        return fleet
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 1 <= count <= len(fleet):
        raise GstkError(f"count must be an integer from 1 to {len(fleet)} (the {pattern!r} fleet), got {count!r}")
    return fleet[np.sort(np.random.default_rng(seed).permutation(len(fleet))[:int(count)])]


#: The problem classes of the scale instance (:func:`scale_problem`).
SCALE_PROBLEMS = ("max_data", "max_data_capped", "min_cost", "min_max_gap")
#: B_month per satellite of ``max_data_capped`` (the study's value, formulation §8).
CAPPED_USD_PER_SATELLITE = 15_000.0
#: Problems whose fleets keep only the satellites seen every day (:func:`seen_every_day`).
EVERY_DAY_PROBLEMS = ("min_cost", "min_max_gap")
#: Daily downlink floor per satellite of ``min_cost`` (the study's D_min: 250 GB in every 24 h).
FLOOR_BIT_PER_DAY = 250 * 8e9


def scale_problem(stations: pd.DataFrame, satellite_ids: Any, *, seed: int = SCALE_SEED, max_providers: int = 3,
                  d_min_s: float = 180.0, monthly_cap_usd: float = 1e9, kind: str = "max_data") -> Problem:
    """Return problem ``kind`` of :data:`SCALE_PROBLEMS` on the fleet, always under (14) at most
    ``max_providers``, (15) ``d_min_s`` and the exclusions (11), (12).

    * ``max_data``: (3) under (10) ``monthly_cap_usd`` (default 1e9 USD: it cannot bind);
    * ``max_data_capped``: (3) under (10) at :data:`CAPPED_USD_PER_SATELLITE` per satellite (it binds);
    * ``min_cost``: (2) under (9), :data:`FLOOR_BIT_PER_DAY` per satellite in each of the window's days;
    * ``min_max_gap``: (4), boundary gaps included.
    """
    if kind not in SCALE_PROBLEMS:
        raise GstkError(f"unknown scale problem {kind!r}; expected one of {SCALE_PROBLEMS}")
    priced, providers, satellites = draw_prices(stations, satellite_ids, seed=seed)
    constraints = [specs.StationStatus(statuses=specs.STATUSES), specs.MinContactDuration(d_min_s),
                   specs.MaxProviders(max_providers), specs.StationContactExclusion(),
                   specs.SatelliteContactExclusion()]
    objective: specs.Spec = specs.MaxMissionData()
    if kind == "max_data":
        constraints.append(specs.MaxMonthlyCost(usd=monthly_cap_usd))
    elif kind == "max_data_capped":
        constraints.append(specs.MaxMonthlyCost(usd=CAPPED_USD_PER_SATELLITE * len(satellites)))
    elif kind == "min_cost":
        objective = specs.MinMissionCost()
        constraints.append(specs.MinSatelliteDownlink(volume_bit=FLOOR_BIT_PER_DAY, window_s=86_400.0,
                                                      step_s=86_400.0))
    else:
        objective = specs.MinMaxGap()
    return Problem(objective, constraints, priced, providers, satellites)


def seen_every_day(contacts: pd.DataFrame, satellite_ids: Any, days: float) -> list[str]:
    """Return the satellites of ``satellite_ids`` with a contact in each whole day of the window.

    A daily floor (9) is out of reach for the others, and their gap alone decides (4): e.g. a satellite
    whose elements decay inside the window (SGP4 error 6: its contacts stop there).  So the fleets of
    :data:`EVERY_DAY_PROBLEMS` keep only these.
    """
    day = (contacts["aos_s"].to_numpy(float) // 86_400).astype(int)
    seen = pd.DataFrame({"satellite_id": contacts["satellite_id"].astype(str), "day": day})
    counts = seen[seen["day"] < int(days)].groupby("satellite_id")["day"].nunique()
    return [str(k) for k in satellite_ids if counts.get(str(k), 0) >= int(days)]


def every_day_fleet(satellites: Satellites, contacts: pd.DataFrame, days: float) -> tuple[Satellites, pd.DataFrame]:
    """Return the satellites :func:`seen_every_day` keeps and their contacts (:data:`EVERY_DAY_PROBLEMS` fleets)."""
    kept = seen_every_day(contacts, satellites.satellite_id, days)
    return (satellites[np.isin(satellites.satellite_id.astype(str), kept)],
            contacts[contacts["satellite_id"].astype(str).isin(kept)])


@dataclass(frozen=True)
class FleetNetwork:
    """One fleet's network: its inputs, the solution (verified) and the seconds each step took."""

    pattern: str
    satellites: Satellites
    stations: pd.DataFrame
    contacts: pd.DataFrame
    problem: Problem
    solution: Solution
    contact_s: float
    solve_s: float

    def label(self) -> str:
        """Return a one-line title: fleet, window, status with the certified gap, stations and providers."""
        s, days = self.solution, (self.contacts.attrs["end"] - self.contacts.attrs["start"]) / pd.Timedelta(days=1)
        gap = "no bound" if s.gap is None or not np.isfinite(s.gap) else f"within {100 * s.gap:.2f} % of its bound"
        return (f"{len(self.satellites)} {self.pattern} satellites, {days:g} days: {s.status.value} {gap}; "
                f"{len(s.selected_stations)} stations of {', '.join(s.selected_providers) or 'no provider'}")

    def summary(self) -> pd.DataFrame:
        """Return one row: fleet, sizes, status, objective and bound (TB of data, USD or s of gap), gap,
        mission data (TB), stations, providers, times."""
        s = self.solution
        unit = BITS_PER_TB if isinstance(self.problem.objective, specs.MaxMissionData) else 1.0
        return pd.DataFrame([{
            "fleet": self.pattern, "problem": type(self.problem.objective).__name__,
            "satellites": len(self.satellites), "contacts": len(self.contacts), "status": s.status.value,
            "objective": np.nan if s.objective is None else s.objective / unit,
            "bound": np.nan if s.bound is None else s.bound / unit, "gap": s.gap,
            "mission_data_tb": sum(s.data_by_satellite.values()) / BITS_PER_TB if s.status.has_solution else np.nan,
            "stations": len(s.selected_stations), "providers": ", ".join(s.selected_providers),
            "contact_s": self.contact_s, "solve_s": self.solve_s}])


def fleet_network(pattern: str, *, days: float = 7.0, count: int | None = None,
                  tle_path: str | os.PathLike | None = None, seed: int = SCALE_SEED, time_limit_s: float = 600.0,
                  rel_gap: float = 0.01, method: str = "exact", kind: str = "max_data") -> FleetNetwork:
    """Return the network of fleet ``pattern`` for problem ``kind`` of :func:`scale_problem` (default: max
    data), verified by :func:`gstk.verify` (:func:`gstk.study.baselines.verified`: a violation raises).

    A solve stopped by ``time_limit_s`` comes back labelled (FEASIBLE with its gap), not as an error.
    """
    satellites = fleet_satellites(pattern, count=count, tle_path=tle_path, seed=seed)
    stations = load_stations(status=None)
    wall = time.perf_counter()
    contacts = compute_contacts(satellites, stations, SCALE_START, SCALE_START + pd.Timedelta(days=days),
                                progress=False)
    contact_s, wall = time.perf_counter() - wall, time.perf_counter()
    if kind in EVERY_DAY_PROBLEMS:  # a daily floor, or a max gap, needs a contact every day
        satellites, contacts = every_day_fleet(satellites, contacts, days)
    problem = scale_problem(stations, satellites.satellite_id, seed=seed, kind=kind)
    solution = verified(optimize(contacts, problem, method=method, time_limit_s=time_limit_s, rel_gap=rel_gap,
                                 diagnose=False), contacts, problem)
    solve_s = time.perf_counter() - wall
    return FleetNetwork(pattern, satellites, stations, contacts, problem, solution, contact_s, solve_s)
