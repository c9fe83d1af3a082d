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

Element construction, element tables and orbit design (sun-synchronous inclination,
LTAN) live in :mod:`gstk.orbits.elements`; reading paths, text and Celestrak in
:mod:`gstk.orbits.sources`.  Their public names are re-exported here.
"""
from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, NamedTuple

import numpy as np
import pandas as pd
from sgp4.api import Satrec, SatrecArray

from gstk.errors import SatelliteDataError
from gstk.orbits.elements import (
    DEFAULT_EPOCH,
    ELEMENT_UNITS,
    element_satrecs,
    elements_frame,
    raan_from_ltan_deg,
    sun_synchronous_elements,
    sun_synchronous_inclination_deg,
    walker_elements,
)
from gstk.orbits.selection import picked_mask, sample_positions, selection_mask
from gstk.orbits.sources import celestrak_tle_text, omm_satrecs, satrecs_from_text, source_satrecs, tle_satrecs

__all__ = ["Satellites", "SatelliteRecord", "load_satellites", "satellites_from_elements", "demo_constellation",
    "download_celestrak", "CELESTRAK_GP_URL"]

CELESTRAK_GP_URL = "https://celestrak.org/NORAD/elements/gp.php"


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
        return _from_satrecs(*tle_satrecs(source)).picked(names, ids)

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
        return _from_satrecs(*omm_satrecs(source, format)).picked(names, ids)

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
        return cls(*element_satrecs(
            inclination_deg=inclination_deg, altitude_km=altitude_km, semi_major_axis_km=semi_major_axis_km,
            eccentricity=eccentricity, raan_deg=raan_deg, arg_perigee_deg=arg_perigee_deg,
            mean_anomaly_deg=mean_anomaly_deg, epoch=epoch, bstar=bstar, ids=ids, names=names))

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
        return cls.from_elements(**sun_synchronous_elements(
            altitude_km, n, ltan_h, epoch=epoch, eccentricity=eccentricity, id_prefix=id_prefix),
            arg_perigee_deg=arg_perigee_deg, bstar=bstar)

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
        return cls.from_elements(**walker_elements(total, planes, phasing, raan0_deg=raan0_deg, id_prefix=id_prefix),
                                 altitude_km=altitude_km, inclination_deg=inclination_deg, epoch=epoch, bstar=bstar)

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
            self._frame = elements_frame(self.satellite_id, self.name, self.satrecs)
        frame = self._frame.copy()
        frame.attrs["units"] = dict(ELEMENT_UNITS)
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
        return self[selection_mask(self.name, self.to_frame(), name, norad_ids=norad_ids, perigee_km=perigee_km,
                                   apogee_km=apogee_km, altitude_km=altitude_km, exclude_names=exclude_names)]

    def picked(self, names: Any = None, ids: Any = None) -> Satellites:
        """Return the satellites with these exact names (case-insensitive) or ids; error on a miss."""
        if names is None and ids is None:
            return self
        return self[picked_mask(self.name, self.satellite_id, names, ids)]

    def sample(self, n: int, seed: int | np.random.Generator | None = None) -> Satellites:
        """Return ``n`` satellites drawn without replacement, kept in catalog order.

        The same ``seed`` (int) gives the same satellites; a Generator is used as is.

        Examples
        --------
        >>> demo_constellation().sample(2, seed=1).satellite_id.tolist()
        ['DEMO-2', 'DEMO-3']
        """
        return self._take(sample_positions(n, len(self), seed))

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


# -- loaders ----------------------------------------------------------------------------------
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
    return _from_satrecs(*source_satrecs(source, format)).picked(names, ids)


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
    text = celestrak_tle_text(CELESTRAK_GP_URL, group, timeout_s, path)
    return _from_satrecs(*satrecs_from_text(text, "tle", f"Celestrak group {group!r}"))
