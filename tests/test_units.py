"""gstk.units: constants defined once, and the unit suffixes of column names."""
from __future__ import annotations

import doctest
import inspect

import pandas as pd

from gstk import plots, units
from gstk.catalog.stations import OPTIONAL_DEFAULTS


def test_doctests():
    assert doctest.testmod(units).failed == 0


def test_unix_epoch_julian_date():
    assert units.UNIX_EPOCH_JD == pd.Timestamp("1970-01-01T00:00:00Z").to_julian_date()


def test_one_default_elevation_mask():
    assert units.DEFAULT_ELEVATION_MASK_DEG == 10.0  # formulation §8
    for function in (plots.station_map, plots.elevation_plot, plots.sky_plot):
        default = inspect.signature(function).parameters["elevation_mask_deg"].default
        assert default is units.DEFAULT_ELEVATION_MASK_DEG, function.__name__
    assert float(OPTIONAL_DEFAULTS["min_elevation_deg"]) == units.DEFAULT_ELEVATION_MASK_DEG
