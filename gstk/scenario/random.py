"""Seeded random scenarios: one paper-style trial as a scenario file."""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from gstk.orbits.sampling import PAPER_ALTITUDE_KM
from gstk.seeds import unit_seeds

if TYPE_CHECKING:  # pragma: no cover
    from gstk.orbits.satellites import Satellites
    from gstk.scenario.files import Scenario


log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- scenarios
def random_scenario(
    catalog: Satellites | str | os.PathLike,
    stations: pd.DataFrame | Mapping[str, Any] | None,
    n_satellites: int,
    *,
    seed: int,
    trial: int = 0,
    rule: str = "exclude-megaconstellations",
    objective: Any = None,
    constraints: Iterable[Any] = (),
    mission_days: float = 365.0,
    start: Any = "2025-03-11T00:00:00Z",
    days: float = 7.0,
    altitude_km: tuple[float, float] | None = PAPER_ALTITUDE_KM,
    solver: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Scenario:
    """Return one paper-style trial: sampled satellites, Table 1 prices, objective and constraints.

    Trial ``trial`` of ``n_satellites`` satellites of base ``seed`` takes its
    sampling and price seeds from :func:`gstk.seeds.unit_seeds` (the study's
    rule), both stored in the scenario, so ``scenario.save(path)`` writes a
    file that reloads to the same trial, and with the study's catalog, stations
    and settings it is the study's unit (:func:`gstk.study.trial_files.trial_scenario`).

    ``catalog`` is a TLE/OMM path (recorded in the scenario with the sampling
    seed), ``"$GSTK_TLE"`` (the shared snapshot, recorded as that token) or a
    loaded :class:`~gstk.orbits.satellites.Satellites` (the sample is then
    recorded as TLE lines, or as mean elements for designed orbits).
    ``stations`` is a loaded table (recorded by station id against the bundled
    catalog), a station filter mapping as in scenario files, or None
    (operational bundled stations).
    Objective and constraints are specs or spec dicts; the default objective is
    :class:`~gstk.problem.specs.MaxMissionData`.
    """
    from gstk.scenario.files import scenario_from_parts

    sample_seed, price_seed = unit_seeds(seed, n_satellites, trial)
    return scenario_from_parts(
        catalog=catalog, stations=stations, n_satellites=n_satellites, sample_seed=sample_seed,
        price_seed=price_seed, rule=rule, altitude_km=altitude_km, objective=objective,
        constraints=constraints, mission_days=mission_days, start=start, days=days,
        solver=solver, name=name or f"random-{n_satellites}sat-seed{seed}" + (f"-trial{trial}" if trial else ""),
    )
