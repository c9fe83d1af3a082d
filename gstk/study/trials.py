"""One study trial: sampled satellites, Table 1 prices and their contacts."""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from gstk.errors import GstkError
from gstk.problem.definition import Problem
from gstk.seeds import unit_seeds
from gstk.study.runner import atomic_write
from gstk.study.settings import CONTACT_FIELDS, StudySettings, study_constraints, study_objective

log = logging.getLogger(__name__)


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
    sample: Any = None  # the sampled gstk.orbits.satellites.Satellites (orbits)

    def problem(self, kind: str, settings: StudySettings) -> Problem:
        """Return the Problem of variation ``kind`` on this instance."""
        return Problem(study_objective(kind), study_constraints(kind, settings, self.n_satellites),
                       self.stations, self.providers, self.satellites, mission_days=settings.mission_days,
                       name=f"{kind}-n{self.n_satellites}-t{self.trial}", cost_model=settings.cost_model)


@lru_cache(maxsize=4)
def load_catalog(tle_path: str):
    """Return the satellites of a TLE file (cached per process)."""
    from gstk.orbits.satellites import load_satellites

    return load_satellites(tle_path)


@lru_cache(maxsize=4)
def study_stations(statuses: tuple[str, ...]) -> pd.DataFrame:
    """Return the bundled stations with the given statuses (cached per process)."""
    from gstk.catalog.stations import load_stations

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

    Seeds follow :func:`gstk.seeds.unit_seeds`; :func:`gstk.study.trial_files.trial_scenario`
    rebuilds the same unit as a scenario file.

    With ``cache_dir`` the contacts are pickled there (``contacts-<key>-n<n>-t<trial>-s<seed>.pkl``,
    key from :data:`CONTACT_FIELDS` and the TLE file) and read back by later calls.
    """
    from gstk.catalog.prices import draw_prices
    from gstk.contacts.windows import compute_contacts
    from gstk.orbits.sampling import sample_satellites

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
