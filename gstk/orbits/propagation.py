"""SGP4 on a satellite × time grid, TEME → ITRF, station geometry and look angles.

Every function works on whole arrays: one :class:`sgp4.api.SatrecArray` call
propagates all satellites at all times, and look angles for all stations come
from array operations, never from a loop over satellites or samples.

Times are SGP4's split Julian dates ``(jd, fr)`` in UTC (``jd`` whole days
ending in .5, ``fr`` the fraction), which keeps sub-microsecond precision.
Positions are km, velocities km/s, angles degrees in public names.

Frames and models
-----------------
* SGP4 returns positions in TEME (true equator, mean equinox).
* TEME → PEF is one rotation about z by GMST, IAU-82 (Vallado et al. 2006,
  "Revisiting Spacetrack Report #3", AIAA 2006-6753, Appendix C).  TEME's x
  axis is the mean equinox on the true equator, so the equation of the
  equinoxes is not applied: GMST, not GAST, is the right angle here.
* UT1 is taken equal to UTC.  |UT1 - UTC| < 0.9 s by definition (about
  0.04 s in March 2025): at most 0.9 s × 465 m/s ≈ 420 m of longitude at
  the equator, ≈ 20 m in 2025.
* Polar motion (PEF → ITRF) is neglected: ≲ 0.5 arcsec, ≈ 15 m on the ground.
  The result is called ITRF below; it matches Skyfield's ITRS positions
  to tens of metres (``tests/test_orbits.py``).
* Stations sit on the WGS84 ellipsoid; elevation is measured from the plane
  normal to the ellipsoid (geodetic horizon), without refraction.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sgp4.api import SatrecArray

from gstk.times import utc_index
from gstk.units import SECONDS_PER_DAY, UNIX_EPOCH_JD, WGS84_A_KM, WGS84_E2

_NS_PER_DAY = 86_400 * 10**9
#: J2000.0 epoch as a Julian date (UT1), origin of the IAU-82 GMST polynomial.
_JD_J2000 = 2_451_545.0


class LookAngles(NamedTuple):
    """Look angles of satellites from stations; arrays of shape ``(..., n_stations)``."""

    elevation_deg: np.ndarray
    azimuth_deg: np.ndarray
    range_km: np.ndarray


def julian_dates(times) -> tuple[np.ndarray, np.ndarray]:
    """Return SGP4's split UTC Julian dates ``(jd, fr)`` of ``times``.

    Parameters
    ----------
    times : array-like of datetimes
        Anything :func:`pandas.to_datetime` accepts; naive means UTC.

    Returns
    -------
    jd, fr : numpy.ndarray
        Whole Julian day (ending in .5) and the fraction of day, both float64.
    """
    ns = utc_index(times).as_unit("ns").asi8
    days, rest = np.divmod(ns, _NS_PER_DAY)
    return UNIX_EPOCH_JD + days.astype(np.float64), rest / _NS_PER_DAY


def teme_states_km(sat_array: SatrecArray, jd, fr) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Propagate every satellite of ``sat_array`` to every time with one SGP4 call.

    Parameters
    ----------
    sat_array : sgp4.api.SatrecArray
        The satellites.
    jd, fr : array-like, shape (n_times,)
        Split UTC Julian dates.

    Returns
    -------
    r_km, v_km_s : numpy.ndarray, shape (n_sat, n_times, 3)
        TEME position (km) and velocity (km/s); NaN wherever SGP4 reported an error.
    error : numpy.ndarray of uint8, shape (n_sat, n_times)
        SGP4 error code, 0 when fine (codes in ``sgp4.api.SGP4_ERRORS``; 6 = decayed).
    """
    jd = np.ascontiguousarray(np.atleast_1d(jd), dtype=np.float64)
    fr = np.ascontiguousarray(np.atleast_1d(fr), dtype=np.float64)
    error, r_km, v_km_s = sat_array.sgp4(jd, fr)
    if error.any():  # SatrecArray leaves some failed states (e.g. code 6) finite: blank them all
        r_km[error != 0] = np.nan
        v_km_s[error != 0] = np.nan
    return r_km, v_km_s, error


def teme_positions_km(sat_array: SatrecArray, jd, fr) -> tuple[np.ndarray, np.ndarray]:
    """Return TEME positions ``(n_sat, n_times, 3)`` in km and SGP4 error codes ``(n_sat, n_times)``."""
    r_km, _, error = teme_states_km(sat_array, jd, fr)
    return r_km, error


def gmst_rad(jd, fr) -> np.ndarray:
    """Return Greenwich mean sidereal time (IAU-82, Vallado's ``gstime``) in radians, in [0, 2π).

    ``jd + fr`` is taken as UT1 (UT1 = UTC, see the module docstring).  The
    polynomial is evaluated on the split date so that no precision is lost.

    Examples
    --------
    Vallado, *Fundamentals of Astrodynamics*, Example 3-5 (152.578787810 deg):

    >>> jd, fr = julian_dates("1992-08-20T12:14:00")
    >>> round(float(np.degrees(gmst_rad(jd, fr))[0]), 6)
    152.578788
    """
    theta, _ = _gmst_and_rate(np.asarray(jd, dtype=np.float64), np.asarray(fr, dtype=np.float64))
    return theta


def _gmst_and_rate(jd: np.ndarray, fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return GMST (rad) and its rate (rad/s); same algebra as AIAA 2006-6753 Appendix C."""
    t = (jd - _JD_J2000 + fr) / 36_525.0
    g_s = 67_310.54841 + (8_640_184.812866 + (0.093104 - 6.2e-6 * t) * t) * t
    dg_s = 8_640_184.812866 + (2 * 0.093104 - 3 * 6.2e-6 * t) * t
    # 876600 h * 3600 s/h * t is a whole number of days plus (jd + fr) mod 1: keep only that part.
    day_fraction = (jd % 1.0 + fr % 1.0 + (g_s / SECONDS_PER_DAY) % 1.0) % 1.0
    theta = day_fraction * 2 * np.pi
    rate = (1.0 + dg_s / (SECONDS_PER_DAY * 36_525.0)) * 2 * np.pi / SECONDS_PER_DAY
    return theta, rate


def teme_to_itrf(r_teme_km: np.ndarray, jd, fr, v_teme_km_s: np.ndarray | None = None):
    """Rotate TEME states to the Earth-fixed frame (PEF; polar motion neglected).

    Parameters
    ----------
    r_teme_km : numpy.ndarray, shape (..., n_times, 3)
        Positions; the axis before the last is time and matches ``jd``/``fr``.
    jd, fr : array-like, shape (n_times,)
        Split UTC Julian dates.
    v_teme_km_s : numpy.ndarray, optional
        Velocities of the same shape; when given, the Earth-fixed velocity
        (including the ``-ω × r`` term of the rotating frame) is returned too.

    Returns
    -------
    r_itrf_km or (r_itrf_km, v_itrf_km_s) : numpy.ndarray
        Same shape as the input.
    """
    theta, rate = _gmst_and_rate(np.atleast_1d(np.asarray(jd, np.float64)),
                                 np.atleast_1d(np.asarray(fr, np.float64)))
    c, s = np.cos(theta), np.sin(theta)
    r_itrf = _rotate_z(r_teme_km, c, s)
    if v_teme_km_s is None:
        return r_itrf
    v_itrf = _rotate_z(v_teme_km_s, c, s)
    v_itrf[..., 0] += rate * r_itrf[..., 1]
    v_itrf[..., 1] -= rate * r_itrf[..., 0]
    return r_itrf, v_itrf


def _rotate_z(vec: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Return R3(θ)·vec for angles given by cos/sin along the time axis (``vec[..., t, :]``)."""
    x, y = vec[..., 0], vec[..., 1]
    out = np.empty(np.shape(vec))
    out[..., 0] = c * x + s * y
    out[..., 1] = c * y - s * x
    out[..., 2] = vec[..., 2]
    return out


def itrf_states_km(sat_array: SatrecArray, jd, fr) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Propagate with SGP4 and rotate to ITRF: ``(r_km, v_km_s, error)``, shapes ``(n_sat, n_times, ...)``."""
    r, v, error = teme_states_km(sat_array, jd, fr)
    r_itrf, v_itrf = teme_to_itrf(r, jd, fr, v)
    return r_itrf, v_itrf, error


def station_ecef_km(lat_deg, lon_deg, alt_m) -> np.ndarray:
    """Return Earth-fixed positions ``(n, 3)`` in km of WGS84 geodetic points.

    Parameters
    ----------
    lat_deg, lon_deg : array-like
        Geodetic latitude and longitude, degrees.
    alt_m : array-like
        Height above the ellipsoid, metres.

    Examples
    --------
    >>> station_ecef_km(0.0, 90.0, 1000.0).round(3).tolist()
    [[0.0, 6379.137, 0.0]]
    """
    lat = np.radians(np.atleast_1d(np.asarray(lat_deg, np.float64)))
    lon = np.radians(np.atleast_1d(np.asarray(lon_deg, np.float64)))
    h_km = np.atleast_1d(np.asarray(alt_m, np.float64)) / 1000.0
    sin_lat = np.sin(lat)
    n_km = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat**2)
    return np.stack([(n_km + h_km) * np.cos(lat) * np.cos(lon),
                     (n_km + h_km) * np.cos(lat) * np.sin(lon),
                     (n_km * (1.0 - WGS84_E2) + h_km) * sin_lat], axis=-1)


def station_enu_axes(lat_deg, lon_deg) -> np.ndarray:
    """Return unit vectors east, north, up of each station, shape ``(n, 3, 3)`` (``[:, 2]`` is up)."""
    lat = np.radians(np.atleast_1d(np.asarray(lat_deg, np.float64)))
    lon = np.radians(np.atleast_1d(np.asarray(lon_deg, np.float64)))
    zero = np.zeros_like(lat)
    east = np.stack([-np.sin(lon), np.cos(lon), zero], axis=-1)
    north = np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)], axis=-1)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    return np.stack([east, north, up], axis=1)


def look_angles(r_itrf_km: np.ndarray, lat_deg, lon_deg, alt_m) -> LookAngles:
    """Return elevation, azimuth (from north, clockwise) and range of satellites from stations.

    Parameters
    ----------
    r_itrf_km : numpy.ndarray, shape (..., 3)
        Earth-fixed satellite positions, km (e.g. ``(n_sat, n_times, 3)``).
    lat_deg, lon_deg, alt_m : array-like, shape (n_stations,)
        WGS84 station coordinates.

    Returns
    -------
    LookAngles
        ``elevation_deg``, ``azimuth_deg`` in [0, 360) and ``range_km``, each of shape
        ``(..., n_stations)``.

    Examples
    --------
    A point 500 km straight above the station at 0 N 0 E:

    >>> angles = look_angles(np.array([6878.137, 0.0, 0.0]), [0.0], [0.0], [0.0])
    >>> round(float(angles.elevation_deg[0]), 6), round(float(angles.range_km[0]), 6)
    (90.0, 500.0)
    """
    site = station_ecef_km(lat_deg, lon_deg, alt_m)
    axes = station_enu_axes(lat_deg, lon_deg)
    rho = np.asarray(r_itrf_km)[..., None, :] - site  # (..., n_stations, 3)
    east, north, up = (np.einsum("...sk,sk->...s", rho, axes[:, i]) for i in range(3))
    range_km = np.sqrt(east**2 + north**2 + up**2)
    elevation = np.degrees(np.arcsin(np.clip(up / range_km, -1.0, 1.0)))
    azimuth = np.degrees(np.arctan2(east, north)) % 360.0
    return LookAngles(elevation, azimuth, range_km)


def elevation_deg(r_itrf_km: np.ndarray, lat_deg, lon_deg, alt_m) -> np.ndarray:
    """Return elevations (deg), ``(..., n_stations)``, of satellites at ``r_itrf_km (..., 3)``."""
    return look_angles(r_itrf_km, lat_deg, lon_deg, alt_m).elevation_deg


def ground_track(r_itrf_km: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the sub-satellite point: geodetic latitude, longitude (deg) and height (km) on WGS84.

    Parameters
    ----------
    r_itrf_km : numpy.ndarray, shape (..., 3)
        Earth-fixed positions.

    Returns
    -------
    lat_deg, lon_deg, alt_km : numpy.ndarray, shape (...)
        Longitude in [-180, 180).  Heights are accurate to well below a metre for
        LEO (five fixed-point iterations of Bowring's latitude update).
    """
    r = np.asarray(r_itrf_km, np.float64)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1.0 - WGS84_E2))
    for _ in range(5):
        n_km = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
        lat = np.arctan2(z + WGS84_E2 * n_km * np.sin(lat), p)
    n_km = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
    cos_lat, sin_lat = np.cos(lat), np.sin(lat)
    alt_km = p * cos_lat + z * sin_lat - n_km * (1.0 - WGS84_E2 * sin_lat**2)
    lon = (np.degrees(np.arctan2(y, x)) + 180.0) % 360.0 - 180.0
    return np.degrees(lat), lon, alt_km
