"""Satellite sampling rules of the study (which satellites a trial may fly)."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from gstk.errors import GstkError, SatelliteDataError
from gstk.seeds import generator

if TYPE_CHECKING:  # pragma: no cover
    from gstk.orbits.satellites import Satellites


log = logging.getLogger(__name__)


#: The paper's altitude band for sampled satellites: perigee and apogee in [300, 1000] km.
PAPER_ALTITUDE_KM = (300.0, 1000.0)


#: Broadband mega-constellations (whole-name globs, case-insensitive) dropped by
#: rule 'exclude-megaconstellations': SpaceX Starlink, Eutelsat OneWeb, Amazon Kuiper,
#: SSST Qianfan ("Thousand Sails", also filed as G60), China SatNet Guowang (its test
#: satellites are catalogued as HULIANWANG JISHU / HULIANGWANG), Telesat Lightspeed, E-Space.
MEGACONSTELLATION_PATTERNS: tuple[str, ...] = (
    "STARLINK*", "ONEWEB*", "KUIPER*", "QIANFAN*", "G60*", "GUOWANG*", "SATNET*",
    "HULIANWANG*", "HULIANGWANG*", "LIGHTSPEED*", "E-SPACE*",
)


#: Earth-observation operators and missions (whole-name globs, case-insensitive) kept by
#: rule 'earth-observation': optical and radar imagers (Planet FLOCK/SKYSAT, Maxar WORLDVIEW,
#: Airbus PLEIADES/SPOT, ICEYE, Capella, Umbra, Satellogic NUSAT, Chang Guang JILIN,
#: SuperView, Gaofen, KOMPSAT/ARIRANG, CARTOSAT, RESURS, KANOPUS, COSMO-SKYMED, TerraSAR-X,
#: TanDEM-X, RADARSAT, SAOCOM, ALOS, FORMOSAT, DEIMOS, ZIYUAN, HUANJING), the Copernicus
#: SENTINELs, LANDSAT, weather and climate missions (NOAA, METOP, SUOMI NPP, JPSS, TERRA,
#: AQUA, GCOM, SMAP, OCO, GRACE-FO, ICESAT, CRYOSAT, SWARM, GHGSAT) and Spire's LEMUR
#: (radio occultation and AIS).
EARTH_OBSERVATION_PATTERNS: tuple[str, ...] = (
    "SENTINEL*", "LANDSAT*", "WORLDVIEW*", "PLEIADES*", "SPOT *", "SKYSAT*", "FLOCK*", "LEMUR*",
    "ICEYE*", "CAPELLA*", "UMBRA*", "NUSAT*", "JILIN*", "SUPERVIEW*", "GAOFEN*", "KOMPSAT*",
    "ARIRANG*", "CARTOSAT*", "RESURS*", "KANOPUS*", "COSMO-SKYMED*", "TERRASAR*", "TANDEM*",
    "RADARSAT*", "SAOCOM*", "ALOS*", "FORMOSAT*", "DEIMOS*", "ZIYUAN*", "HUANJING*",
    "NOAA *", "METOP*", "SUOMI NPP*", "JPSS*", "TERRA", "AQUA", "GCOM*", "SMAP", "OCO*",
    "GRACE-FO*", "ICESAT*", "CRYOSAT*", "SWARM*", "GHGSAT*",
)


#: Sampling rules of :func:`sample_satellites`.
SAMPLING_RULES = ("exclude-megaconstellations", "earth-observation", "all")


# --------------------------------------------------------------------------- satellites
def rule_mask(names: Iterable[str], rule: str) -> np.ndarray:
    """Return which ``names`` a sampling rule keeps (see :data:`SAMPLING_RULES`).

    Examples
    --------
    >>> rule_mask(["STARLINK-1007", "SENTINEL-2A", "ISS (ZARYA)"], "exclude-megaconstellations").tolist()
    [False, True, True]
    >>> rule_mask(["STARLINK-1007", "SENTINEL-2A", "ISS (ZARYA)"], "earth-observation").tolist()
    [False, True, False]
    """
    from gstk.orbits.selection import name_mask

    names = np.asarray([str(n) for n in names], dtype=str)
    if rule == "all":
        return np.ones(len(names), dtype=bool)
    if rule == "exclude-megaconstellations":
        return ~name_mask(names, list(MEGACONSTELLATION_PATTERNS))
    if rule == "earth-observation":
        return name_mask(names, list(EARTH_OBSERVATION_PATTERNS))
    raise GstkError(f"unknown sampling rule {rule!r}; expected one of {list(SAMPLING_RULES)}")


def eligible_satellites(catalog: Satellites, *, altitude_km: tuple[float, float] | None = PAPER_ALTITUDE_KM,
                        rule: str = "exclude-megaconstellations") -> Satellites:
    """Return the catalog satellites inside the altitude band that ``rule`` keeps, sorted by id.

    ``altitude_km`` bounds both perigee and apogee (``None``: any altitude).
    Sorting by id (NORAD numbers numerically) makes samples independent of file order.
    """
    band = catalog if altitude_km is None else catalog.select(altitude_km=tuple(altitude_km))
    kept = band[rule_mask(band.name, rule)]
    ids = kept.satellite_id.tolist()
    key = [(0, int(i), "") if i.isdigit() else (1, 0, i) for i in ids]
    return kept[np.array(sorted(range(len(ids)), key=key.__getitem__), dtype=int)]


def sample_satellites(
    catalog: Satellites,
    n: int,
    *,
    seed: int | np.random.SeedSequence | None = None,
    rng: np.random.Generator | None = None,
    altitude_km: tuple[float, float] | None = PAPER_ALTITUDE_KM,
    rule: str = "exclude-megaconstellations",
) -> Satellites:
    """Sample ``n`` satellites without replacement under an explicit rule.

    Parameters
    ----------
    catalog : Satellites
        E.g. ``load_satellites(gstk.datasets.shared_tle_path())``.
    n : int
        How many satellites.
    seed, rng
        Randomness (see :func:`draw_prices`).
    altitude_km : (low, high) or None
        Perigee and apogee within this band, km (paper: 300-1 000).
    rule : {"exclude-megaconstellations", "earth-observation", "all"}
        Which satellites are eligible: all but :data:`MEGACONSTELLATION_PATTERNS`
        (default), only :data:`EARTH_OBSERVATION_PATTERNS`, or every satellite
        in the band (three in four are then Starlink).

    Returns
    -------
    Satellites
        The sample, in id order.

    Examples
    --------
    >>> from gstk.orbits import demo_constellation
    >>> sample_satellites(demo_constellation(), 2, seed=1, rule="all").satellite_id.tolist()
    ['DEMO-2', 'DEMO-3']
    """
    pool = eligible_satellites(catalog, altitude_km=altitude_km, rule=rule)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= len(pool):
        raise SatelliteDataError(
            f"cannot sample {n!r} satellites: {len(pool)} are eligible under rule {rule!r} "
            f"and altitude_km={altitude_km}; ask for at most {len(pool)} or widen the band/rule"
        )
    picked = generator(seed, rng).choice(len(pool), size=int(n), replace=False)
    log.debug("sampled %d of %d eligible satellites (rule %s)", n, len(pool), rule)
    return pool[np.sort(picked)]
