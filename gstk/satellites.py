"""Satellites: N SGP4 element sets from TLE/3LE, OMM, mean elements, sun-synchronous or Walker designs.

One :class:`Satellites` object holds many satellites as parallel arrays
(``satellite_id``, ``name``) and a list of ``sgp4.api.Satrec``; the contact
engine propagates them all at once through :meth:`Satellites.satrec_array`.
Each input format has a classmethod (``from_tle``, ``from_omm``,
``from_elements``, ``sun_synchronous``, ``walker``); :func:`load_satellites`
picks the reader from the content.  Every Satrec is WGS72, improved mode
(``'i'``), as Celestrak's element sets assume.  Nothing here propagates
beyond a single validity check at epoch, and nothing touches the network
except :func:`download_celestrak`.

Perigee and apogee heights come from the Kozai mean motion by Kepler's third
law, ``a = (mu / n**2) ** (1/3)``, minus the WGS72 equatorial radius
(``EARTH_RADIUS_KM``): mean-element heights above a spherical Earth, good for
choosing altitude bands, not for geodetic altitude at an instant.
"""
from __future__ import annotations

import difflib
import fnmatch
import logging
import os
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

import numpy as np
import pandas as pd
from sgp4.api import SGP4_ERRORS, WGS72, Satrec, SatrecArray
from sgp4.earth_gravity import wgs72

from gstk.errors import OfflineError, SatelliteDataError
from gstk.omm import omm_records, satrecs_from_omm
from gstk.tle import satrec_from_record, tle_records
from gstk.units import EARTH_RADIUS_KM, MU_EARTH_KM3_S2, SECONDS_PER_DAY

log = logging.getLogger(__name__)

#: Default epoch of designed orbits: the date of the study's Celestrak snapshot (never "now").
DEFAULT_EPOCH = pd.Timestamp("2025-03-10T00:00:00Z")
CELESTRAK_GP_URL = "https://celestrak.org/NORAD/elements/gp.php"
#: Sun-synchronous node rate: one turn per tropical year (days).
TROPICAL_YEAR_DAYS = 365.2421897
_SGP4_EPOCH0 = pd.Timestamp("1949-12-31T00:00:00Z")  # sgp4init counts epoch days from here
_JD_UNIX_EPOCH = 2440587.5
_FORMATS = {"tle": "tle", "3le": "tle", "2le": "tle", "txt": "tle", "omm-json": "omm-json",
            "json": "omm-json", "omm-csv": "omm-csv", "csv": "omm-csv", "omm-xml": "omm-xml",
            "xml": "omm-xml"}
_UNITS = {"epoch": "UTC", "inclination_deg": "deg", "eccentricity": "1", "perigee_km": "km",
          "apogee_km": "km", "period_min": "min", "raan_deg": "deg", "arg_perigee_deg": "deg",
          "mean_anomaly_deg": "deg", "mean_motion_rev_per_day": "rev/day", "bstar": "1/earth_radius"}


class SatelliteRecord(NamedTuple):
    """One satellite as yielded by iterating over :class:`Satellites`."""

    satellite_id: str
    name: str
    satrec: Satrec


class Satellites:
    """N satellites as SGP4 element sets (WGS72, improved mode).

    Parameters
    ----------
    satellite_id : sequence of str
        Unique ids (the NORAD catalog number as text for catalog satellites).
    name : sequence of str
        Display names, same length.
    satrecs : sequence of sgp4.api.Satrec
        Initialized element sets, same length.

    Examples
    --------
    >>> sats = demo_constellation()
    >>> len(sats), sats.satellite_id.tolist()[0]
    (4, 'DEMO-1')
    >>> sats[1:3].satellite_id.tolist()
    ['DEMO-2', 'DEMO-3']
    """

    def __init__(self, satellite_id: Iterable[Any], name: Iterable[Any], satrecs: Iterable[Satrec]):
        ids = np.asarray([str(s) for s in satellite_id], dtype=str)
        names = np.asarray([str(s) for s in name], dtype=str)
        satrecs = list(satrecs)
        if not len(ids) == len(names) == len(satrecs):
            raise SatelliteDataError(f"Satellites needs as many ids ({len(ids)}) as names ({len(names)}) "
                                     f"and satrecs ({len(satrecs)}).")
        if not all(isinstance(s, Satrec) for s in satrecs):
            raise SatelliteDataError("Satellites.satrecs must be sgp4.api.Satrec objects.")
        values, counts = np.unique(ids, return_counts=True)
        if (counts > 1).any():
            raise SatelliteDataError(f"Satellite ids must be unique; repeated: {values[counts > 1][:10].tolist()}."
                                     "\nFix: drop the repeated element sets or give each satellite its own id.")
        for array in (ids, names):
            array.setflags(write=False)  # the cached SatrecArray and frame must stay in step
        self.satellite_id, self.name, self.satrecs = ids, names, satrecs
        self._satrec_array: SatrecArray | None = None
        self._frame: pd.DataFrame | None = None

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def from_tle(cls, source: str | os.PathLike, *, names: Any = None, ids: Any = None) -> Satellites:
        """Read 2LE/3LE text or a file; checksums, column template and line pairing are checked.

        ``names``/``ids`` keep only those satellites (see :func:`load_satellites`).
        Raises :class:`~gstk.errors.TLEError` naming the bad line.

        Examples
        --------
        >>> text = '''ISS (ZARYA)
        ... 1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993
        ... 2 25544  51.6369  71.0836 0006338  10.6648  86.8244 15.49895111500003'''
        >>> Satellites.from_tle(text).to_frame()[["satellite_id", "name"]].values.tolist()
        [['25544', 'ISS (ZARYA)']]
        """
        text, label = read_source(source)
        if detect_format(text) != "tle":
            raise SatelliteDataError(f"{label} looks like {detect_format(text)}, not TLE.\n"
                                     "Fix: use Satellites.from_omm or load_satellites (detects the format).")
        return _from_text(text, "tle", label).picked(names, ids)

    @classmethod
    def from_omm(cls, source: Any, *, format: str | None = None, names: Any = None,
                 ids: Any = None) -> Satellites:
        """Read CCSDS OMM as Celestrak serves it: JSON, CSV or XML text/file, or a list of dicts.

        ``format`` is ``"omm-json"``, ``"omm-csv"`` or ``"omm-xml"`` (guessed from
        the content when None).  Raises :class:`~gstk.errors.SatelliteDataError`.

        Examples
        --------
        >>> rows = [{"OBJECT_NAME": "SAT A", "NORAD_CAT_ID": 99001, "EPOCH": "2025-03-10T00:00:00",
        ...          "MEAN_MOTION": 15.2, "ECCENTRICITY": 0.001, "INCLINATION": 97.5,
        ...          "RA_OF_ASC_NODE": 10, "ARG_OF_PERICENTER": 0, "MEAN_ANOMALY": 0, "BSTAR": 0}]
        >>> Satellites.from_omm(rows).satellite_id.tolist()
        ['99001']
        """
        if isinstance(source, (list, tuple)):
            names_, satrecs = satrecs_from_omm(source, "the OMM records")
            return _from_satrecs(names_, satrecs).picked(names, ids)
        text, label = read_source(source)
        fmt = _FORMATS.get((format or "").lower()) or detect_format(text)
        if not fmt.startswith("omm"):
            raise SatelliteDataError(f"{label} does not look like OMM JSON, CSV or XML (it starts with "
                                     f"{text.lstrip()[:40]!r}).\nFix: use Satellites.from_tle for TLE text.")
        return _from_text(text, fmt, label).picked(names, ids)

    @classmethod
    def from_elements(cls, *, inclination_deg: Any, altitude_km: Any = None,
                      semi_major_axis_km: Any = None, eccentricity: Any = 0.0, raan_deg: Any = 0.0,
                      arg_perigee_deg: Any = 0.0, mean_anomaly_deg: Any = 0.0,
                      epoch: Any = DEFAULT_EPOCH, bstar: Any = 0.0, ids: Any = None,
                      names: Any = None) -> Satellites:
        """Build satellites from mean orbital elements with ``Satrec.sgp4init`` (WGS72, ``'i'``).

        Parameters
        ----------
        inclination_deg : float or array
            Inclination in [0, 180] degrees.
        altitude_km, semi_major_axis_km : float or array
            Give exactly one: mean semi-major axis, or it minus ``EARTH_RADIUS_KM``
            (must be > 0; the perigee must also stay above the Earth's radius).
        eccentricity : float or array
            In [0, 1).
        raan_deg, arg_perigee_deg, mean_anomaly_deg : float or array
            Angles in degrees (wrapped to [0, 360)).
        epoch : time-like or sequence
            Anything ``pd.Timestamp`` accepts; naive means UTC.  Default
            :data:`DEFAULT_EPOCH`.
        bstar : float or array
            SGP4 drag term, 1/earth radii (0: no drag).
        ids, names : str or sequence, optional
            Default ``"SAT-1"``, ``"SAT-2"``, ...; names default to the ids.

        Returns
        -------
        Satellites
            The mean motion is Kepler's ``sqrt(mu / a**3)`` taken as SGP4's
            Kozai mean motion; ``norad_id`` is missing (satnum 0).

        Raises
        ------
        SatelliteDataError
            On elements out of range, or if SGP4 rejects them at epoch.

        Examples
        --------
        >>> sats = Satellites.from_elements(altitude_km=[500, 600], inclination_deg=97.4)
        >>> sats.to_frame()["perigee_km"].round(6).tolist()
        [500.0, 600.0]
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
        return cls(ids, names, satrecs)

    @classmethod
    def sun_synchronous(cls, altitude_km: float, n: int = 1, ltan_h: float = 10.5, *,
                        epoch: Any = DEFAULT_EPOCH, eccentricity: float = 0.0,
                        arg_perigee_deg: float = 0.0, bstar: float = 0.0,
                        id_prefix: str = "SSO") -> Satellites:
        """Place ``n`` satellites evenly in mean anomaly in one sun-synchronous plane.

        The inclination comes from :func:`sun_synchronous_inclination_deg`
        (J2 node drift = 360 deg per tropical year), the RAAN from
        :func:`raan_from_ltan_deg` (mean local solar time of the ascending node).

        Examples
        --------
        >>> sso = Satellites.sun_synchronous(500.0, n=2, ltan_h=22.5)
        >>> sso.to_frame()["inclination_deg"].round(2).tolist()
        [97.4, 97.4]
        """
        count = _positive_int(n, "n")
        ids = [f"{id_prefix}-{k + 1}" for k in range(count)]
        return cls.from_elements(
            altitude_km=altitude_km, eccentricity=eccentricity,
            inclination_deg=sun_synchronous_inclination_deg(altitude_km, eccentricity),
            raan_deg=raan_from_ltan_deg(ltan_h, epoch), arg_perigee_deg=arg_perigee_deg,
            mean_anomaly_deg=360.0 * np.arange(count) / count, epoch=epoch, bstar=bstar, ids=ids)

    @classmethod
    def walker(cls, total: int, planes: int, phasing: int, altitude_km: float,
               inclination_deg: float, *, epoch: Any = DEFAULT_EPOCH, raan0_deg: float = 0.0,
               bstar: float = 0.0, id_prefix: str = "WALKER") -> Satellites:
        """Build a Walker-delta constellation i: t/p/f of circular orbits.

        Plane ``j`` (0..p-1) has RAAN ``raan0 + 360 j / p``; slot ``k`` (0..t/p-1)
        of it has mean anomaly ``360 k p / t + 360 f j / t``.  Ids are
        ``"<prefix>-<plane>-<slot>"``, 1-based.

        Examples
        --------
        >>> w = Satellites.walker(6, 3, 1, altitude_km=700, inclination_deg=60)
        >>> w.to_frame()[["raan_deg", "mean_anomaly_deg"]].round(1).values.tolist()[:3]
        [[0.0, 0.0], [0.0, 180.0], [120.0, 60.0]]
        """
        t, p, f = _positive_int(total, "total"), _positive_int(planes, "planes"), int(phasing)
        if t % p or not 0 <= f < p or f != phasing:
            raise SatelliteDataError(f"Walker {t}/{p}/{phasing} is invalid: total must be a multiple of "
                                     "planes and phasing an integer in [0, planes - 1].")
        per_plane = t // p
        plane, slot = np.repeat(np.arange(p), per_plane), np.tile(np.arange(per_plane), p)
        return cls.from_elements(
            altitude_km=altitude_km, inclination_deg=inclination_deg,
            raan_deg=raan0_deg + 360.0 * plane / p,
            mean_anomaly_deg=360.0 * slot / per_plane + 360.0 * f * plane / t, epoch=epoch,
            bstar=bstar, ids=[f"{id_prefix}-{j + 1}-{k + 1}" for j, k in zip(plane, slot)])

    @classmethod
    def concat(cls, parts: Iterable[Satellites]) -> Satellites:
        """Return one Satellites holding all ``parts`` in order (ids must stay unique)."""
        parts = list(parts)
        return cls([i for s in parts for i in s.satellite_id], [n for s in parts for n in s.name],
                   [r for s in parts for r in s.satrecs])

    # -- container protocol ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.satellite_id)

    def __iter__(self) -> Iterator[SatelliteRecord]:
        return map(SatelliteRecord, self.satellite_id.tolist(), self.name.tolist(), self.satrecs)

    def __getitem__(self, key: Any) -> Satellites:
        """Return a Satellites for an int, slice, bool mask, index array, or satellite id(s)."""
        if isinstance(key, (int, np.integer)):
            if not -len(self) <= key < len(self):
                raise IndexError(f"satellite index {key} out of range for {len(self)} satellites")
            return self._take(np.array([key % len(self)]))
        if isinstance(key, slice):
            return self._take(np.arange(len(self))[key])
        keys = np.atleast_1d(np.asarray(key))
        if keys.size == 0:
            return self._take(np.zeros(0, dtype=int))
        if keys.dtype == bool:
            if len(keys) != len(self):
                raise SatelliteDataError(f"Boolean mask has {len(keys)} entries for {len(self)} satellites.")
            return self._take(np.flatnonzero(keys))
        if keys.dtype.kind in "iu":
            return self._take(keys)
        return self._take(self._positions(keys.astype(str)))

    def _positions(self, ids: np.ndarray) -> np.ndarray:
        position = {sid: k for k, sid in enumerate(self.satellite_id.tolist())}
        unknown = [sid for sid in ids if sid not in position]
        if unknown:
            raise SatelliteDataError(f"Unknown satellite ids {unknown[:5]}.\nFix: use values of "
                                     "Satellites.satellite_id (NORAD numbers as text for catalogs).")
        return np.array([position[sid] for sid in ids], dtype=int)

    def _take(self, index: np.ndarray) -> Satellites:
        index = np.asarray(index, dtype=int)
        return Satellites(self.satellite_id[index], self.name[index], [self.satrecs[k] for k in index])

    # -- views ----------------------------------------------------------------------------------
    def satrec_array(self) -> SatrecArray:
        """Return (and cache) the ``sgp4.api.SatrecArray`` of all satellites, in order."""
        if self._satrec_array is None:
            self._satrec_array = SatrecArray(self.satrecs)
        return self._satrec_array

    def to_frame(self) -> pd.DataFrame:
        """Return one row per satellite with its mean elements and heights.

        Returns
        -------
        pandas.DataFrame
            satellite_id, name, norad_id (Int64, missing for designed orbits),
            epoch (UTC), inclination_deg, eccentricity, perigee_km, apogee_km,
            period_min, raan_deg, arg_perigee_deg, mean_anomaly_deg,
            mean_motion_rev_per_day, bstar; ``attrs["units"]`` is filled.
        """
        if self._frame is None:
            self._frame = _elements_frame(self)
        frame = self._frame.copy()
        frame.attrs["units"] = dict(_UNITS)
        return frame

    # -- selection ------------------------------------------------------------------------------
    def select(self, name: Any = None, *, norad_ids: Iterable[Any] | None = None,
               perigee_km: tuple | None = None, apogee_km: tuple | None = None,
               altitude_km: tuple | None = None, exclude_names: Any = None) -> Satellites:
        """Return the satellites meeting every given condition, in catalog order.

        Parameters
        ----------
        name, exclude_names : str, re.Pattern or list of them, optional
            Keep / drop names matching any pattern: a str is a case-insensitive
            glob matched against the whole name (``"STARLINK*"``, ``"ISS (ZARYA)"``),
            a compiled ``re.Pattern`` is searched (``re.compile(r"^NOAA \\d+$")``).
        norad_ids : iterable of int or str, optional
            NORAD catalog numbers to keep.
        perigee_km, apogee_km : (lo, hi), optional
            Inclusive bands, km above ``EARTH_RADIUS_KM``; ``None`` leaves a side open.
        altitude_km : (lo, hi), optional
            Both perigee and apogee within the band (do not combine with the two above).

        Examples
        --------
        >>> demo_constellation().select(altitude_km=(450, 560)).satellite_id.tolist()
        ['DEMO-1', 'DEMO-2']
        """
        mask = np.ones(len(self), dtype=bool)
        if name is not None:
            mask &= name_mask(self.name, name)
        if exclude_names is not None:
            mask &= ~name_mask(self.name, exclude_names)
        if norad_ids is not None:
            mask &= np.isin(self.to_frame()["norad_id"].fillna(-1).to_numpy(int), _norad_numbers(norad_ids))
        if altitude_km is not None:
            if perigee_km is not None or apogee_km is not None:
                raise SatelliteDataError("Give altitude_km, or perigee_km/apogee_km, not both.")
            perigee_km = apogee_km = altitude_km
        frame = self.to_frame()
        for column, band in (("perigee_km", perigee_km), ("apogee_km", apogee_km)):
            if band is not None:
                lo, hi = _band(band, column)
                mask &= (frame[column].to_numpy() >= lo) & (frame[column].to_numpy() <= hi)
        return self[mask]

    def picked(self, names: Any = None, ids: Any = None) -> Satellites:
        """Return the satellites with these exact names (case-insensitive) or ids; error on a miss."""
        if names is None and ids is None:
            return self
        want_names = [names] if isinstance(names, str) else list(names or [])
        want_ids = [ids] if isinstance(ids, (str, int, np.integer)) else list(ids or [])
        want_ids = [str(int(i)) if str(i).strip().isdigit() else str(i).strip() for i in want_ids]
        upper = np.char.upper(np.char.strip(self.name))
        keys = [n.strip().upper() for n in want_names]
        missing = [n for n, k in zip(want_names, keys) if k not in set(upper.tolist())]
        missing += [i for i in want_ids if i not in set(self.satellite_id.tolist())]
        if missing:
            hints = {m: difflib.get_close_matches(str(m).upper(), upper.tolist(), n=3) for m in missing[:5]}
            raise SatelliteDataError(f"Not in the catalog: {missing[:10]} (close names: {hints}).\n"
                                     "Fix: check spelling, or use Satellites.select(name='PATTERN*').")
        return self[np.isin(upper, keys) | np.isin(self.satellite_id, want_ids)]

    def sample(self, n: int, seed: int | np.random.Generator | None = None) -> Satellites:
        """Return ``n`` satellites drawn without replacement, kept in catalog order.

        The same ``seed`` (int) gives the same satellites; a Generator is used as is.

        Examples
        --------
        >>> demo_constellation().sample(2, seed=1).satellite_id.tolist()
        ['DEMO-2', 'DEMO-3']
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= len(self):
            raise SatelliteDataError(f"Cannot sample {n!r} satellites without replacement from "
                                     f"{len(self)}.\nFix: ask for an integer between 0 and {len(self)}, "
                                     "or widen the selection first.")
        rng = np.random.default_rng(seed)
        return self._take(np.sort(rng.choice(len(self), size=int(n), replace=False)))

    # -- display --------------------------------------------------------------------------------
    def __repr__(self) -> str:
        if not len(self):
            return "<Satellites 0 satellites>"
        shown = ", ".join(self.name[:3].tolist()) + (", …" if len(self) > 3 else "")
        epochs = self.to_frame()["epoch"]
        span = f"{epochs.min():%Y-%m-%d %H:%M}" + (
            f"..{epochs.max():%Y-%m-%d %H:%M}" if epochs.max() != epochs.min() else "")
        noun = "satellite" if len(self) == 1 else "satellites"
        return f"<Satellites {len(self)} {noun}: {shown}; epoch {span} UTC>"

    def _repr_html_(self) -> str:
        columns = ["satellite_id", "name", "epoch", "inclination_deg", "eccentricity", "perigee_km",
                   "apogee_km", "period_min"]
        head = self.to_frame()[columns].head(10)
        head["epoch"] = head["epoch"].dt.strftime("%Y-%m-%d %H:%M:%S")
        table = head.round({"inclination_deg": 3, "eccentricity": 6, "perigee_km": 1, "apogee_km": 1,
                            "period_min": 2}).to_html(index=False, border=0)
        more = f"<p>… and {len(self) - 10} more</p>" if len(self) > 10 else ""
        return f"<div><p><b>Satellites</b>: {len(self)} satellites</p>{table}{more}</div>"


# -- orbit design helpers ---------------------------------------------------------------------
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


def utc_epochs(epoch: Any, count: int) -> pd.DatetimeIndex:
    """Return ``count`` UTC timestamps from one time-like or a sequence of them (naive = UTC)."""
    scalar = isinstance(epoch, (str, pd.Timestamp)) or np.ndim(epoch) == 0
    try:
        index = pd.DatetimeIndex([pd.Timestamp(epoch)] if scalar else [pd.Timestamp(e) for e in epoch])
    except (TypeError, ValueError) as exc:
        raise SatelliteDataError(f"epoch {epoch!r} is not a time ({exc}); use e.g. '2025-03-10T00:00Z'.") from None
    index = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
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


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise SatelliteDataError(f"{what}={value!r} must be a positive integer.")
    return int(value)


def _labels(labels: Any, count: int, prefix: str) -> list[str]:
    if labels is None:
        return [f"{prefix}-{k + 1}" for k in range(count)]
    labels = [labels] if isinstance(labels, str) else [str(x) for x in labels]
    if len(labels) != count:
        raise SatelliteDataError(f"Got {len(labels)} ids/names for {count} satellites.")
    return labels


def _band(band: Any, what: str) -> tuple[float, float]:
    try:
        lo, hi = band
    except (TypeError, ValueError):
        raise SatelliteDataError(f"{what}={band!r} must be a (lo, hi) pair in km.") from None
    lo, hi = (-np.inf if lo is None else float(lo)), (np.inf if hi is None else float(hi))
    if lo > hi:
        raise SatelliteDataError(f"{what}=({lo}, {hi}): lower bound above upper bound.")
    return lo, hi


def _norad_numbers(norad_ids: Iterable[Any]) -> list[int]:
    ids = [norad_ids] if isinstance(norad_ids, (str, int, np.integer)) else list(norad_ids)
    try:
        return [int(str(x).strip()) for x in ids]
    except ValueError:
        raise SatelliteDataError(f"norad_ids must be catalog numbers, got {ids[:5]}.") from None


def name_mask(names: np.ndarray, patterns: Any) -> np.ndarray:
    """Return which ``names`` match any pattern (str: whole-name glob, case-insensitive; re.Pattern: search)."""
    patterns = [patterns] if isinstance(patterns, (str, re.Pattern)) else list(patterns)
    compiled = [p if isinstance(p, re.Pattern) else re.compile(fnmatch.translate(p), re.IGNORECASE)
                for p in patterns]
    return np.array([any(p.search(n) for p in compiled) for n in names.tolist()], dtype=bool)


def _elements_frame(sats: Satellites) -> pd.DataFrame:
    r = sats.satrecs
    no_kozai = np.array([s.no_kozai for s in r], dtype=float)  # rad/min
    ecc = np.array([s.ecco for s in r], dtype=float)
    a_km = np.cbrt(MU_EARTH_KM3_S2 / (no_kozai / 60.0) ** 2) if len(r) else np.zeros(0)
    satnum = np.array([s.satnum for s in r], dtype=int)
    jd_days = np.array([(s.jdsatepoch - _JD_UNIX_EPOCH) + s.jdsatepochF for s in r], dtype=float)
    frame = pd.DataFrame({
        "satellite_id": sats.satellite_id, "name": sats.name,
        "norad_id": pd.arrays.IntegerArray(satnum.astype(np.int64), mask=satnum <= 0),
        "epoch": pd.to_datetime(np.round(jd_days * SECONDS_PER_DAY * 1e6).astype(np.int64), unit="us", utc=True),
        "inclination_deg": np.degrees([s.inclo for s in r]), "eccentricity": ecc,
        "perigee_km": a_km * (1 - ecc) - EARTH_RADIUS_KM, "apogee_km": a_km * (1 + ecc) - EARTH_RADIUS_KM,
        "period_min": 2 * np.pi / no_kozai, "raan_deg": np.degrees([s.nodeo for s in r]),
        "arg_perigee_deg": np.degrees([s.argpo for s in r]), "mean_anomaly_deg": np.degrees([s.mo for s in r]),
        "mean_motion_rev_per_day": no_kozai * 1440.0 / (2 * np.pi), "bstar": [s.bstar for s in r],
    })
    return frame


# -- reading sources --------------------------------------------------------------------------
def read_source(source: Any) -> tuple[str, str]:
    """Return (text, label for messages) of a path, a text, bytes or an open file."""
    if hasattr(source, "read"):
        data = source.read()
        return (data.decode("utf-8-sig") if isinstance(data, bytes) else data), "the open file"
    if isinstance(source, bytes):
        return source.decode("utf-8-sig"), "the input bytes"
    if isinstance(source, str) and ("\n" in source or source.lstrip()[:1] in ("[", "{", "<")):
        return source, "the input text"
    if not isinstance(source, (str, os.PathLike)):
        raise SatelliteDataError(f"Cannot read satellites from a {type(source).__name__}; pass a path or text.")
    path = Path(source)
    if not path.is_file():
        raise SatelliteDataError(f"No file {str(path)!r} to read satellites from.\nFix: check the path "
                                 "(the study snapshot is gstk.datasets.shared_tle_path()), or pass the text itself.")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), f"file {path.name}"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), f"file {path.name}"


def detect_format(text: str) -> str:
    """Return "omm-json", "omm-xml", "omm-csv" or "tle" from the first characters of ``text``."""
    head = text.lstrip()[:2000]
    if head[:1] in ("[", "{"):
        return "omm-json"
    if head[:1] == "<":
        return "omm-xml"
    first_line = head.splitlines()[0] if head else ""
    if "," in first_line and ("NORAD_CAT_ID" in first_line or "OBJECT_NAME" in first_line):
        return "omm-csv"
    return "tle"


def _from_text(text: str, fmt: str, label: str) -> Satellites:
    if fmt == "tle":
        records = tle_records(text, label)
        satrecs = [satrec_from_record(r, label) for r in records]
        names = [r.name or str(s.satnum) for r, s in zip(records, satrecs)]
    else:
        names, satrecs = satrecs_from_omm(omm_records(text, fmt, label), label)
    if not satrecs:
        raise SatelliteDataError(f"{label} holds no satellites ({fmt}).")
    log.debug("read %d satellites (%s) from %s", len(satrecs), fmt, label)
    return _from_satrecs(names, satrecs)


def _from_satrecs(names: list[str], satrecs: list[Satrec]) -> Satellites:
    return Satellites([str(s.satnum) for s in satrecs], names, satrecs)


def load_satellites(source: Any, *, names: Any = None, ids: Any = None,
                    format: str | None = None) -> Satellites:
    """Load satellites from a TLE/3LE or Celestrak OMM (JSON, CSV, XML) path or text.

    Parameters
    ----------
    source : str, path, bytes or open file
        A path, or the text itself (a str with a newline, or starting with
        ``[``, ``{`` or ``<``).
    names : str or list of str, optional
        Keep the satellites with these exact names (case-insensitive).
    ids : int, str or list, optional
        Keep the satellites with these ids (NORAD numbers).  With ``names``,
        the union is kept; any name or id not found raises.
    format : {"tle", "omm-json", "omm-csv", "omm-xml"}, optional
        Default: detected from the content (``[``/``{`` JSON, ``<`` XML, a
        header row with ``NORAD_CAT_ID`` CSV, else TLE).

    Returns
    -------
    Satellites
        ``satellite_id`` is the NORAD number as text.

    Examples
    --------
    >>> iss = load_satellites('''0 ISS (ZARYA)
    ... 1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993
    ... 2 25544  51.6369  71.0836 0006338  10.6648  86.8244 15.49895111500003''')
    >>> iss.name.tolist(), round(float(iss.to_frame()["perigee_km"].iloc[0]), 1)
    (['ISS (ZARYA)'], 412.7)
    """
    text, label = read_source(source)
    if format is not None and format.lower() not in _FORMATS:
        raise SatelliteDataError(f"format={format!r}; expected one of {sorted(set(_FORMATS.values()))}.")
    fmt = _FORMATS[format.lower()] if format else detect_format(text)
    return _from_text(text, fmt, label).picked(names, ids)


def satellites_from_elements(**elements: Any) -> Satellites:
    """Build satellites from mean elements (scalars or arrays); see :meth:`Satellites.from_elements`.

    Examples
    --------
    >>> len(satellites_from_elements(altitude_km=550, inclination_deg=53, raan_deg=[0, 90, 180]))
    3
    """
    return Satellites.from_elements(**elements)


def demo_constellation() -> Satellites:
    """Return 4 sun-synchronous Earth-observation-like satellites at a fixed epoch (2025-03-10T00:00Z).

    ======  ========  ==========  ===============  ============
    id      altitude  LTAN        plane            mean anomaly
    ======  ========  ==========  ===============  ============
    DEMO-1  500 km    10:30       morning          0 deg
    DEMO-2  550 km    13:30       afternoon        90 deg
    DEMO-3  600 km    18:00       dawn-dusk        180 deg
    DEMO-4  700 km    22:30       10:30 desc.      270 deg
    ======  ========  ==========  ===============  ============

    Circular orbits, sun-synchronous inclinations (97.4-98.2 deg), no drag.

    Examples
    --------
    >>> demo_constellation().to_frame()["inclination_deg"].round(1).tolist()
    [97.4, 97.6, 97.8, 98.2]
    """
    altitude_km = np.array([500.0, 550.0, 600.0, 700.0])
    ltan_h = [10.5, 13.5, 18.0, 22.5]
    return Satellites.from_elements(
        altitude_km=altitude_km, inclination_deg=sun_synchronous_inclination_deg(altitude_km),
        raan_deg=[raan_from_ltan_deg(h, DEFAULT_EPOCH) for h in ltan_h],
        mean_anomaly_deg=[0.0, 90.0, 180.0, 270.0], epoch=DEFAULT_EPOCH,
        ids=[f"DEMO-{k}" for k in range(1, 5)],
        names=[f"DEMO-{k} (SSO {a:.0f} km, LTAN {int(h):02d}:{round(h % 1 * 60):02d})"
               for k, a, h in zip(range(1, 5), altitude_km, ltan_h)])


def download_celestrak(group: str = "active", path: str | os.PathLike | None = None,
                       timeout_s: float = 10.0) -> Satellites:
    """Download a Celestrak GP group as 3LE (only when called) and load it.

    Parameters
    ----------
    group : str
        Celestrak group name (``"active"``, ``"stations"``, ``"weather"`` ...).
    path : path, optional
        Also save the downloaded text there (for offline reuse).
    timeout_s : float
        Seconds allowed to connect and between received bytes.

    Raises
    ------
    OfflineError
        If Celestrak cannot be reached within ``timeout_s``.
    SatelliteDataError
        If Celestrak answers with an error or no element sets.
    """
    if not re.fullmatch(r"[A-Za-z0-9-]+", group):
        raise SatelliteDataError(f"Celestrak group {group!r} must be letters, digits and '-'.")
    url = f"{CELESTRAK_GP_URL}?GROUP={group}&FORMAT=tle"
    text = _fetched_text(url, timeout_s)
    if "1 " not in text or "2 " not in text:
        raise SatelliteDataError(f"Celestrak returned no element sets for group {group!r}: {text[:120]!r}.")
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    return _from_text(text, "tle", f"Celestrak group {group!r}")


def _fetched_text(url: str, timeout_s: float) -> str:
    """Return the body at ``url``; OfflineError if no answer within ``timeout_s`` (DNS included)."""
    outcome: dict[str, Any] = {}
    answered = threading.Event()

    def fetch() -> None:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "gstk"})
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                answered.set()
                outcome["text"] = response.read().decode("utf-8", "replace")
        except Exception as exc:  # reported in the caller's thread
            if isinstance(exc, urllib.error.HTTPError):
                exc.close()  # an HTTPError holds the open response
            outcome["error"] = exc
        answered.set()

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    if answered.wait(timeout_s):
        worker.join()  # the body is still bounded by the socket timeout
    error = outcome.get("error") if "text" not in outcome else None
    if isinstance(error, urllib.error.HTTPError):
        raise SatelliteDataError(f"Celestrak answered HTTP {error.code} for {url}: {error.reason}.")
    if "text" not in outcome:
        reason = error or f"no answer within {timeout_s:g} s"
        raise OfflineError(f"Cannot download {url} ({reason}): the network is not reachable.\n"
                           "Fix: connect and retry, or load a saved file offline with "
                           "load_satellites(path), e.g. load_satellites(gstk.datasets.shared_tle_path()).")
    return outcome["text"]
