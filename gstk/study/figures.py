"""Inputs of the study's map and ground-track figures."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gstk.study.baselines import study_optimum
from gstk.study.settings import StudySettings
from gstk.study.trials import resolve_tle_path, study_stations, trial_instance

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the figures notebook
def ground_tracks(satellites, start, end, *, step_s: float = 30.0) -> pd.DataFrame:
    """Return sub-satellite points every ``step_s`` seconds in [start, end] (SGP4, WGS84).

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, time (UTC), lat_deg, lon_deg, alt_km``, one row per satellite and time.
    """
    from gstk.orbits.propagation import ground_track, itrf_states_km, julian_dates

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
    from gstk.contacts.windows import clip_contacts

    settings = settings or StudySettings()
    path = resolve_tle_path(tle_path)
    cache = None if results_dir is None else Path(results_dir) / "contacts"
    instance = trial_instance(path, n_satellites, trial, seed=seed, settings=settings, cache_dir=cache)
    solution = study_optimum(instance.contacts, instance.problem(problem, settings),
                             options=settings.solver_options)
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
