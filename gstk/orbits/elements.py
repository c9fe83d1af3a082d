"""Mean orbital elements: SGP4 element sets built from them, tables of them, and orbit design.

:func:`element_satrecs` turns mean elements into ``sgp4.api.Satrec`` objects with
``Satrec.sgp4init`` (WGS72, improved mode ``'i'``), checking ranges and SGP4's verdict
at epoch; :func:`elements_frame` reads them back as one row per satellite.  The design
helpers place orbits: :func:`sun_synchronous_inclination_deg` and
:func:`raan_from_ltan_deg` (local time of the ascending node).  :class:`gstk.orbits.satellites.Satellites`
is the user-facing API (``from_elements``, ``sun_synchronous``, ``walker``, ``to_frame``).

Perigee and apogee heights come from the Kozai mean motion by Kepler's third
law, ``a = (mu / n**2) ** (1/3)``, minus the WGS72 equatorial radius
(``EARTH_RADIUS_KM``): mean-element heights above a spherical Earth, good for
choosing altitude bands, not for geodetic altitude at an instant.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sgp4.api import SGP4_ERRORS, WGS72, Satrec
from sgp4.earth_gravity import wgs72

from gstk.errors import SatelliteDataError
from gstk.times import utc_index
from gstk.units import EARTH_RADIUS_KM, MU_EARTH_KM3_S2, SECONDS_PER_DAY, UNIX_EPOCH_JD

__all__ = ["DEFAULT_EPOCH", "TROPICAL_YEAR_DAYS", "ELEMENT_UNITS", "element_satrecs", "elements_frame",
           "sun_synchronous_inclination_deg", "mean_sun_right_ascension_deg", "raan_from_ltan_deg",
           "sun_synchronous_elements", "walker_elements", "utc_epochs"]

#: Default epoch of designed orbits: the date of the study's Celestrak snapshot (never "now").
DEFAULT_EPOCH = pd.Timestamp("2025-03-10T00:00:00Z")
#: Sun-synchronous node rate: one turn per tropical year (days).
TROPICAL_YEAR_DAYS = 365.2421897
#: Units of the columns of :func:`elements_frame`.
ELEMENT_UNITS = {"epoch": "UTC", "inclination_deg": "deg", "eccentricity": "1", "perigee_km": "km",
                 "apogee_km": "km", "period_min": "min", "raan_deg": "deg", "arg_perigee_deg": "deg",
                 "mean_anomaly_deg": "deg", "mean_motion_rev_per_day": "rev/day", "bstar": "1/earth_radius"}
_SGP4_EPOCH0 = pd.Timestamp("1949-12-31T00:00:00Z")  # sgp4init counts epoch days from here


def element_satrecs(*, inclination_deg: Any, altitude_km: Any = None, semi_major_axis_km: Any = None,
                    eccentricity: Any = 0.0, raan_deg: Any = 0.0, arg_perigee_deg: Any = 0.0,
                    mean_anomaly_deg: Any = 0.0, epoch: Any = DEFAULT_EPOCH, bstar: Any = 0.0,
                    ids: Any = None, names: Any = None) -> tuple[list[str], list[str], list[Satrec]]:
    """Return ids, names and Satrecs of satellites with these mean elements (scalars broadcast).

    Parameters and checks are those of :meth:`gstk.orbits.satellites.Satellites.from_elements`, which
    wraps the result.  Raises :class:`~gstk.errors.SatelliteDataError` on elements out of range,
    or if SGP4 rejects them at epoch.

    Examples
    --------
    >>> ids, names, satrecs = element_satrecs(altitude_km=[500, 600], inclination_deg=97.4)
    >>> ids, [round(float(np.degrees(s.inclo)), 1) for s in satrecs]
    (['SAT-1', 'SAT-2'], [97.4, 97.4])
    """
    a_km = _semi_major_axis_km(altitude_km, semi_major_axis_km)
    try:
        columns = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)).ravel() for v in (
            a_km, eccentricity, inclination_deg, raan_deg, arg_perigee_deg, mean_anomaly_deg, bstar)))
    except ValueError as exc:
        raise SatelliteDataError(f"Elements must be numbers, or arrays of one common length ({exc}).\n"
                                 "Fix: give scalars or equally long arrays.") from None
    count = max(len(columns[0]), _epoch_count(epoch))
    columns = [np.broadcast_to(c, count) if len(c) == 1 else c for c in columns]
    ids = _labels(ids, count, "SAT")
    names = ids if names is None else _labels(names, count, "SAT")
    epochs = utc_epochs(epoch, count)
    _check_elements(ids, *columns[:3])
    satrecs = [_satrec(satellite_id, epoch_k, *values)
               for satellite_id, epoch_k, *values in zip(ids, epochs, *columns)]
    return ids, names, satrecs


def elements_frame(satellite_id: Any, name: Any, satrecs: list[Satrec]) -> pd.DataFrame:
    """Return one row per satellite: ids, NORAD number, epoch, mean elements, heights (see ``ELEMENT_UNITS``)."""
    r = satrecs
    no_kozai = np.array([s.no_kozai for s in r], dtype=float)  # rad/min
    ecc = np.array([s.ecco for s in r], dtype=float)
    a_km = np.cbrt(MU_EARTH_KM3_S2 / (no_kozai / 60.0) ** 2) if len(r) else np.zeros(0)
    satnum = np.array([s.satnum for s in r], dtype=int)
    jd_days = np.array([(s.jdsatepoch - UNIX_EPOCH_JD) + s.jdsatepochF for s in r], dtype=float)
    frame = pd.DataFrame({
        "satellite_id": satellite_id, "name": name,
        "norad_id": pd.arrays.IntegerArray(satnum.astype(np.int64), mask=satnum <= 0),
        "epoch": pd.to_datetime(np.round(jd_days * SECONDS_PER_DAY * 1e6).astype(np.int64), unit="us", utc=True),
        "inclination_deg": np.degrees([s.inclo for s in r]), "eccentricity": ecc,
        "perigee_km": a_km * (1 - ecc) - EARTH_RADIUS_KM, "apogee_km": a_km * (1 + ecc) - EARTH_RADIUS_KM,
        "period_min": 2 * np.pi / no_kozai, "raan_deg": np.degrees([s.nodeo for s in r]),
        "arg_perigee_deg": np.degrees([s.argpo for s in r]), "mean_anomaly_deg": np.degrees([s.mo for s in r]),
        "mean_motion_rev_per_day": no_kozai * 1440.0 / (2 * np.pi), "bstar": [s.bstar for s in r],
    })
    return frame



# -- orbit design ---------------------------------------------------------------------------
def sun_synchronous_inclination_deg(altitude_km: Any, eccentricity: Any = 0.0) -> Any:
    """Return the inclination whose J2 node drift is 360 deg per tropical year.

    ``cos i = -dOmega/dt / (1.5 n J2 (R / p)**2)`` with ``n = sqrt(mu / a**3)``,
    ``p = a (1 - e**2)``, ``a = R + altitude``, WGS72 ``R``, ``mu``, ``J2``
    (first-order secular J2 theory, as in Vallado §9.6).

    Examples
    --------
    >>> round(float(sun_synchronous_inclination_deg(500.0)), 2)
    97.4
    """
    a_km = EARTH_RADIUS_KM + np.asarray(altitude_km, dtype=float)
    p_km = a_km * (1.0 - np.asarray(eccentricity, dtype=float) ** 2)
    node_rate_rad_s = 2.0 * np.pi / (TROPICAL_YEAR_DAYS * SECONDS_PER_DAY)
    mean_motion_rad_s = np.sqrt(MU_EARTH_KM3_S2 / a_km**3)
    cos_i = -node_rate_rad_s / (1.5 * mean_motion_rad_s * wgs72.j2 * (EARTH_RADIUS_KM / p_km) ** 2)
    if np.any(np.abs(cos_i) > 1) or np.any(a_km <= EARTH_RADIUS_KM):
        raise SatelliteDataError(f"No sun-synchronous orbit at altitude {altitude_km} km (J2 is too "
                                 "weak above about 5 900 km).\nFix: choose a LEO altitude.")
    result = np.degrees(np.arccos(cos_i))
    return float(result) if result.ndim == 0 else result


def mean_sun_right_ascension_deg(epoch: Any) -> float:
    """Return the right ascension of the mean sun, deg: ``280.460 + 0.9856474 d`` mod 360.

    ``d`` is days from J2000.0 (UT).  This is the sun's mean longitude from the
    Astronomical Almanac's low-precision formula; the true sun differs from it
    by the equation of time (at most about 4 deg, i.e. 16 min).

    Examples
    --------
    >>> round(mean_sun_right_ascension_deg("2000-01-01T12:00Z"), 3)
    280.46
    """
    days = (utc_epochs(epoch, 1)[0] - pd.Timestamp("2000-01-01T12:00:00Z")) / pd.Timedelta(days=1)
    return float((280.460 + 0.9856474 * days) % 360.0)


def raan_from_ltan_deg(ltan_h: float, epoch: Any) -> float:
    """Return the RAAN, deg, whose ascending node is at mean local solar time ``ltan_h`` at ``epoch``.

    ``RAAN = alpha_mean_sun + 15 deg/h * (LTAN - 12 h)``: at LTAN 12:00 the node
    points at the mean sun.

    Examples
    --------
    >>> round(raan_from_ltan_deg(12.0, "2000-01-01T12:00Z"), 3)
    280.46
    """
    if not 0.0 <= float(ltan_h) < 24.0:
        raise SatelliteDataError(f"ltan_h={ltan_h} must be in [0, 24) hours (e.g. 10.5 for 10:30).")
    return float((mean_sun_right_ascension_deg(epoch) + 15.0 * (float(ltan_h) - 12.0)) % 360.0)


def sun_synchronous_elements(altitude_km: float, n: int = 1, ltan_h: float = 10.5, *,
                             epoch: Any = DEFAULT_EPOCH, eccentricity: float = 0.0,
                             id_prefix: str = "SSO") -> dict[str, Any]:
    """Return keyword elements of ``n`` satellites evenly spaced in mean anomaly in one sun-synchronous plane.

    See :meth:`gstk.orbits.satellites.Satellites.sun_synchronous`.
    """
    count = _positive_int(n, "n")
    return dict(altitude_km=altitude_km, eccentricity=eccentricity,
                inclination_deg=sun_synchronous_inclination_deg(altitude_km, eccentricity),
                raan_deg=raan_from_ltan_deg(ltan_h, epoch), mean_anomaly_deg=360.0 * np.arange(count) / count,
                epoch=epoch, ids=[f"{id_prefix}-{k + 1}" for k in range(count)])


def walker_elements(total: int, planes: int, phasing: int, *, raan0_deg: float = 0.0,
                    id_prefix: str = "WALKER") -> dict[str, Any]:
    """Return keyword ``raan_deg``, ``mean_anomaly_deg`` and ``ids`` of a Walker-delta pattern t/p/f.

    See :meth:`gstk.orbits.satellites.Satellites.walker`.
    """
    t, p, f = _positive_int(total, "total"), _positive_int(planes, "planes"), int(phasing)
    if t % p or not 0 <= f < p or f != phasing:
        raise SatelliteDataError(f"Walker {t}/{p}/{phasing} is invalid: total must be a multiple of "
                                 "planes and phasing an integer in [0, planes - 1].")
    per_plane = t // p
    plane, slot = np.repeat(np.arange(p), per_plane), np.tile(np.arange(per_plane), p)
    return dict(raan_deg=raan0_deg + 360.0 * plane / p,
                mean_anomaly_deg=360.0 * slot / per_plane + 360.0 * f * plane / t,
                ids=[f"{id_prefix}-{j + 1}-{k + 1}" for j, k in zip(plane, slot)])


def utc_epochs(epoch: Any, count: int) -> pd.DatetimeIndex:
    """Return ``count`` UTC timestamps from one time-like or a sequence of them (naive = UTC)."""
    scalar = isinstance(epoch, (str, pd.Timestamp)) or np.ndim(epoch) == 0
    try:
        index = pd.DatetimeIndex([pd.Timestamp(epoch)] if scalar else [pd.Timestamp(e) for e in epoch])
    except (TypeError, ValueError) as exc:
        raise SatelliteDataError(f"epoch {epoch!r} is not a time ({exc}); use e.g. '2025-03-10T00:00Z'.") from None
    index = utc_index(index)
    if len(index) == 1:
        return index.repeat(count)
    if len(index) != count:
        raise SatelliteDataError(f"Got {len(index)} epochs for {count} satellites.")
    return index


def _epoch_count(epoch: Any) -> int:
    return 1 if isinstance(epoch, (str, pd.Timestamp)) or np.ndim(epoch) == 0 else len(epoch)


def _semi_major_axis_km(altitude_km: Any, semi_major_axis_km: Any) -> Any:
    if (altitude_km is None) == (semi_major_axis_km is None):
        raise SatelliteDataError("Give exactly one of altitude_km and semi_major_axis_km.")
    if semi_major_axis_km is not None:
        return semi_major_axis_km
    return np.asarray(altitude_km, dtype=float) + EARTH_RADIUS_KM


def _check_elements(ids: list[str], a_km: np.ndarray, e: np.ndarray, i_deg: np.ndarray) -> None:
    checks = [
        (~np.isfinite(a_km) | (a_km <= EARTH_RADIUS_KM), "altitude_km", a_km - EARTH_RADIUS_KM, "> 0"),
        (~np.isfinite(e) | (e < 0) | (e >= 1), "eccentricity", e, "in [0, 1)"),
        (~np.isfinite(i_deg) | (i_deg < 0) | (i_deg > 180), "inclination_deg", i_deg, "in [0, 180]"),
        (a_km * (1 - e) <= EARTH_RADIUS_KM, "perigee_km = a (1 - e) - R", a_km * (1 - e) - EARTH_RADIUS_KM, "> 0"),
    ]
    for bad, what, values, expected in checks:
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise SatelliteDataError(f"Satellite {k} ({ids[k]!r}): {what} is {values[k]:g}, expected "
                                     f"{expected}; {int(bad.sum())} of {len(ids)} satellites are out of range.")


def _satrec(satellite_id: str, epoch: pd.Timestamp, a_km: float, e: float, i_deg: float,
            raan_deg: float, argp_deg: float, m_deg: float, bstar: float) -> Satrec:
    """Return an sgp4init'd Satrec; SatelliteDataError if SGP4 flags it at init or at epoch."""
    no_kozai_rad_min = np.sqrt(MU_EARTH_KM3_S2 / a_km**3) * 60.0
    epoch_days = (epoch - _SGP4_EPOCH0) / pd.Timedelta(days=1)
    # Subnormal floats flushed to zero: SDP4 divides by sin(i) and returns NaN for i ~ 1e-313 rad.
    e, bstar, argp, inc, mo, node = (0.0 if abs(x) < np.finfo(float).tiny else float(x) for x in (
        e, bstar, np.radians(argp_deg % 360), np.radians(i_deg), np.radians(m_deg % 360),
        np.radians(raan_deg % 360)))
    satrec = Satrec()
    satrec.sgp4init(WGS72, "i", 0, epoch_days, bstar, 0.0, 0.0, e, argp, inc, mo, no_kozai_rad_min, node)
    error, position_km, _ = satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF)
    if satrec.error or error or not np.all(np.isfinite(position_km)):
        code = satrec.error or error
        raise SatelliteDataError(f"SGP4 rejects the elements of {satellite_id!r} at epoch: "
                                 f"{SGP4_ERRORS.get(code, 'non-finite position')}.")
    return satrec



def _labels(labels: Any, count: int, prefix: str) -> list[str]:
    if labels is None:
        return [f"{prefix}-{k + 1}" for k in range(count)]
    labels = [labels] if isinstance(labels, str) else [str(x) for x in labels]
    if len(labels) != count:
        raise SatelliteDataError(f"Got {len(labels)} ids/names for {count} satellites.")
    return labels


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise SatelliteDataError(f"{what}={value!r} must be a positive integer.")
    return int(value)
