"""Paths to the catalogs gstk ships, and small built-in datasets.

Nothing here touches the network.  Large inputs (TLE snapshots) are never
bundled: their paths are parameters, with :func:`shared_tle_path` as the
default location of the study's Celestrak snapshot.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: Environment variable that overrides the location of the Celestrak snapshot.
TLE_PATH_ENV = "GSTK_TLE_PATH"
_SHARED_TLE_NAME = "celestrak-active-2025-03.tle"


def data_dir() -> Path:
    """Return the directory of the bundled catalogs (the repository's ``data/``)."""
    try:
        return Path(str(resources.files("gstk._data")))
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        return Path(__file__).resolve().parent.parent / "data"


def stations_csv() -> Path:
    """Return the path of the validated station catalog (paper Table 3, corrected)."""
    return data_dir() / "stations.csv"


def errata_csv() -> Path:
    """Return the path of the list of corrections made to the printed Table 3."""
    return data_dir() / "ERRATA.csv"


def natural_earth_dir() -> Path:
    """Return cartopy's ``pre_existing_data_dir`` holding Natural Earth 110m shapefiles."""
    return data_dir() / "natural_earth"


def shared_tle_path(path: str | os.PathLike | None = None) -> Path:
    """Return the path of the Celestrak active-satellite snapshot used by tests and notebooks.

    Order: the explicit ``path``, then ``$GSTK_TLE_PATH``, then
    ``../shared/data/celestrak-active-2025-03.tle`` searched upward from the
    current directory and from the package source tree.
    """
    if path is not None:
        return Path(path)
    if os.environ.get(TLE_PATH_ENV):
        return Path(os.environ[TLE_PATH_ENV])
    for base in (Path.cwd(), Path(__file__).resolve().parent):
        for parent in (base, *base.parents):
            candidate = parent / "shared" / "data" / _SHARED_TLE_NAME
            if candidate.exists():
                return candidate
            candidate = parent.parent / "shared" / "data" / _SHARED_TLE_NAME
            if candidate.exists():
                return candidate
    return Path("..") / "shared" / "data" / _SHARED_TLE_NAME
