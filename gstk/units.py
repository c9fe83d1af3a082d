"""Physical constants, unit conversions, the scaling the solver sees and the unit suffixes of column names.

Inside gstk, time is float seconds from simulation start, data is bits and
money is USD.  GB/TB and k$ appear only in reports and plots.  A column name
ends in its unit (``duration_s``, ``lat_deg``): :func:`split_unit` and
:func:`units_from_names` read it back.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

SECONDS_PER_MINUTE = 60.0


SECONDS_PER_HOUR = 3_600.0


SECONDS_PER_DAY = 86_400.0


#: Mean Julian year over 12: 365.25 * 86400 / 12 (formulation §1, symbol mu).
SECONDS_PER_MONTH = 2_629_800.0


SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY


BITS_PER_BYTE = 8.0


#: 1 GB = 1e9 bytes; 1 TB = 1e12 bytes (reports only).
BITS_PER_GB = 8e9


BITS_PER_TB = 8e12


BITS_PER_GBIT = 1e9


#: WGS84 ellipsoid.
WGS84_A_KM = 6378.137


WGS84_F = 1.0 / 298.257223563


WGS84_E2 = WGS84_F * (2.0 - WGS84_F)


#: Earth radius and gravitational parameter used by SGP4 (WGS72 constants).
EARTH_RADIUS_KM = 6378.135


MU_EARTH_KM3_S2 = 398_600.8


#: Earth rotation rate, rad/s (IERS).
EARTH_ROTATION_RAD_S = 7.292115146706979e-5


#: Julian date of the Unix epoch 1970-01-01T00:00 UTC, days.
UNIX_EPOCH_JD = 2_440_587.5


#: Elevation mask of a station that gives none, deg (formulation §8).
DEFAULT_ELEVATION_MASK_DEG = 10.0


#: Scaling used inside optimization models so coefficients stay near 1..1e6.
MODEL_MONEY_UNIT_USD = 1_000.0      # k$


MODEL_DATA_UNIT_BIT = BITS_PER_GBIT  # Gbit


MODEL_TIME_UNIT_S = SECONDS_PER_HOUR  # hours: the max-gap variable G of (4)


def bits_to_gb(bits: float) -> float:
    """Convert bits to gigabytes (1e9 bytes)."""
    return bits / BITS_PER_GB


def bits_to_tb(bits: float) -> float:
    """Convert bits to terabytes (1e12 bytes)."""
    return bits / BITS_PER_TB


def days_to_seconds(days: float) -> float:
    """Convert days to seconds."""
    return days * SECONDS_PER_DAY


#: Column-name suffix -> unit shown in headers (longest suffixes first).
UNIT_SUFFIXES: dict[str, str] = {
    "_usd_per_month": "USD/month", "_min_per_day": "min/day", "_km_s": "km/s", "_bps": "bit/s",
    "_bit": "bit", "_usd": "USD", "_deg": "deg", "_km": "km", "_min": "min", "_gb": "GB", "_s": "s",
    "_m": "m", "_h": "h",
}


#: How units read in headers ("deg" in ``attrs["units"]`` shows as "°").
_UNIT_SPELLING = {"deg": "°", "bps": "bit/s"}


def split_unit(column: str, units: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Return ``(name, unit)`` of a column: ``"duration_s"`` -> ``("duration", "s")``.

    ``units`` (a table's ``attrs["units"]``) wins over the name's suffix; a column
    with neither has unit ``""``.

    Examples
    --------
    >>> split_unit("duration_s"), split_unit("max_elevation_deg"), split_unit("provider")
    (('duration', 's'), ('max_elevation', '°'), ('provider', ''))
    """
    units = units or {}
    name, unit = column, ""
    for suffix, suffix_unit in UNIT_SUFFIXES.items():
        if column.endswith(suffix) and len(column) > len(suffix):
            name, unit = column[: -len(suffix)], suffix_unit
            break
    unit = str(units.get(column, unit))
    return name, _UNIT_SPELLING.get(unit, unit)


def units_from_names(columns: Iterable[object]) -> dict[str, str]:
    """Return ``{column: unit}`` for the columns whose name ends in a unit suffix (for ``attrs["units"]``).

    Examples
    --------
    >>> units_from_names(["station_id", "lat_deg", "speed_km_s"])
    {'lat_deg': 'deg', 'speed_km_s': 'km/s'}
    """
    units = {}
    for column in map(str, columns):
        for suffix, unit in UNIT_SUFFIXES.items():
            if column.endswith(suffix) and len(column) > len(suffix):
                units[column] = unit
                break
    return units
