"""Errata of the printed station table (paper Table 3) and the audit that finds them."""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from gstk import datasets
from gstk.catalog.stations import REQUIRED_COLUMNS, SITE_DECIMALS, STATUSES, load_stations
from gstk.errors import StationDataError

logger = logging.getLogger(__name__)


#: Different names allowed at one site: the Mingenew Space Precinct lies in the locality of Nangetty.
SHARED_SITES: tuple[frozenset[str], ...] = (frozenset({"Mingenew", "Nangetty"}),)


#: Same name in two countries closer than this is one site given two countries.
SAME_SITE_KM = 100.0


# Rough extents (lon_min, lon_max, lat_min, lat_max) of the countries in Table 3, one box per
# land mass; generous by ~0.1-0.5 deg. They catch copied rows and sign flips, not metre errors.
_EXTENTS_DEG: dict[str, tuple[tuple[float, float, float, float], ...]] = {
    "Antarctica": ((-180, 180, -90, -60),),
    "Argentina": ((-73.6, -53.6, -52.4, -21.7), (-68.7, -63.7, -55.1, -52.6)),  # + Tierra del Fuego
    "Australia": ((112.9, 153.7, -43.7, -10.6),), "Azerbaijan": ((44.7, 50.7, 38.3, 41.95),),
    "Bahrain": ((50.2, 50.9, 25.5, 26.4),), "Brazil": ((-74.0, -34.7, -33.8, 5.3),),
    "Bulgaria": ((22.3, 28.7, 41.2, 44.3),), "Canada": ((-141.0, -52.6, 41.7, 83.1),),
    "Chile": ((-75.8, -66.4, -56.0, -17.5),), "Costa Rica": ((-86.0, -82.5, 8.0, 11.3),),
    "French Guiana": ((-54.6, -51.6, 2.1, 5.8),), "French Polynesia": ((-154.7, -134.9, -27.7, -7.8),),
    "Germany": ((5.8, 15.1, 47.2, 55.1),), "Ghana": ((-3.3, 1.2, 4.7, 11.2),),
    "Greece": ((19.3, 29.7, 34.8, 41.8),), "Greenland": ((-73.3, -11.3, 59.7, 83.7),),
    "Guam": ((144.6, 145.0, 13.2, 13.7),), "Iceland": ((-24.6, -13.4, 63.3, 66.6),),
    "India": ((68.0, 97.5, 6.5, 35.7),), "Ireland": ((-10.5, -6.0, 51.4, 55.4),),
    "Italy": ((6.6, 18.6, 36.6, 47.1),), "Japan": ((122.9, 146.0, 24.0, 45.6),),
    "Mauritius": ((57.2, 58.0, -20.6, -19.9),),  # printed Mon Loisir lies ~10 km off the east coast
    "Mexico": ((-118.4, -86.7, 14.5, 32.8),), "New Zealand": ((166.0, 179.0, -47.5, -34.0),),
    "Norway": ((4.5, 31.2, 57.9, 71.2), (10.0, 34.0, 76.4, 80.9), (-9.1, -7.9, 70.8, 71.2)),
    "Portugal": ((-9.6, -6.1, 36.9, 42.2), (-31.4, -24.9, 36.8, 39.8), (-17.3, -16.2, 32.4, 33.2)),
    "Rwanda": ((28.8, 30.9, -2.9, -1.0),), "Singapore": ((103.6, 104.1, 1.15, 1.48),),
    "South Africa": ((16.4, 32.9, -34.9, -22.1),), "South Korea": ((124.5, 130.0, 33.0, 38.7),),
    "Spain": ((-9.4, 3.4, 35.9, 43.8), (-18.2, -13.4, 27.6, 29.5)),  # + Canary Islands
    "Sri Lanka": ((79.6, 81.9, 5.9, 9.9),), "St Helena": ((-5.85, -5.55, -16.1, -15.85),),
    "Sweden": ((10.9, 24.2, 55.3, 69.1),), "United Arab Emirates": ((51.5, 56.4, 22.6, 26.1),),
    "United Kingdom": ((-8.7, 1.8, 49.8, 60.9),),
    # Contiguous states, Alaska south of the Brooks Range, the North Slope, Utqiagvik's cape, Hawaii.
    "USA": ((-125.0, -66.9, 24.4, 49.4), (-170.0, -129.9, 51.0, 69.0), (-163.0, -141.0, 69.0, 70.6),
            (-158.0, -155.0, 70.6, 71.45), (-160.3, -154.8, 18.9, 22.3)),
}


def printed_table3(path: str | os.PathLike) -> pd.DataFrame:
    """Return Table 3 as printed, cells as text, ``location`` renamed ``name``, columns reordered."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False).rename(columns={"location": "name"})
    return table[list(REQUIRED_COLUMNS)]


def load_errata(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return the corrections to Table 3: ``row, provider, station, column, printed, corrected, reason``.

    ``row`` is the 1-based data row of the printed table; ``station`` its printed name.

    Examples
    --------
    >>> load_errata().query("station == 'Sunyani'")[["column", "printed", "corrected"]].values.tolist()
    [['lon_deg', '55.35', '-2.34'], ['lat_deg', '24.94', '7.34']]
    """
    errata = pd.read_csv(path or datasets.errata_csv(), dtype=str, keep_default_na=False)
    return errata.astype({"row": "int64"})


def apply_errata(printed: pd.DataFrame, errata: pd.DataFrame) -> pd.DataFrame:
    """Return ``printed`` with every erratum applied, checking each printed value first.

    Raises
    ------
    StationDataError
        An erratum names a row, column or printed value the table does not have.
    """
    fixed = printed.copy()
    for e in errata.itertuples(index=False):
        i = int(e.row) - 1
        ok = 0 <= i < len(fixed) and e.column in fixed.columns
        if not ok or printed.iloc[i][e.column] != e.printed or printed.iloc[i]["name"] != e.station:
            raise StationDataError(f"erratum for row {e.row} ({e.station}) column {e.column!r} expects "
                                   f"{e.printed!r}, which the printed table does not have there", [e.row])
        fixed.iloc[i, fixed.columns.get_loc(e.column)] = e.corrected
    return fixed


def _inside(lat: float, lon: float, boxes: tuple) -> bool:
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, x1, y0, y1 in boxes)


def _position_issues(t: pd.DataFrame, lat: np.ndarray, lon: np.ndarray) -> list[tuple[int, str, str]]:
    """Rows whose country is unknown or whose point lies outside that country's rough extent."""
    issues = []
    for i, country in enumerate(t["country"]):
        boxes = _EXTENTS_DEG.get(country)
        if boxes is None:
            issues.append((i, "country", f"country {country!r} is not in the reference table"))
            continue
        if not _inside(lat[i], lon[i], boxes):
            fixes = [f"; {what}? ({la:g}, {lo:g}) is inside" for la, lo, what in (
                (-lat[i], lon[i], "latitude sign flipped"), (lat[i], -lon[i], "longitude sign flipped"),
                (-lat[i], -lon[i], "both signs flipped"), (lon[i], lat[i], "lat and lon swapped"))
                if _inside(la, lo, boxes)]
            issues.append((i, "position", f"({lat[i]:g}, {lon[i]:g}) is outside the rough extent of "
                                          f"{country}" + "".join(fixes[:1])))
    return issues


def _one_edit_apart(a: str, b: str) -> bool:
    """Return True if one substitution, insertion, deletion or adjacent swap turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    swapped = a[i + 1:i + 2] + a[i:i + 1] + a[i + 2:] == b[i:]
    return a[i + 1:] == b[i + 1:] or a[i + 1:] == b[i:] or a[i:] == b[i + 1:] or swapped


def _spelling_issues(t: pd.DataFrame, known: set[str]) -> list[tuple[int, str, str]]:
    """Rows whose name is not known but one edit away from a known name or another row's name."""
    issues = []
    for i, name in enumerate(t["name"]):
        others = (known | set(t["name"])) - {name}
        close = sorted(n for n in others if _one_edit_apart(name.lower(), n.lower()))
        if name not in known and len(name) >= 5 and close:
            issues.append((i, "spelling", f"name {name!r} is one edit from {', '.join(close)}"))
    return issues


def _duplicate_site_issues(t: pd.DataFrame, lat: np.ndarray, lon: np.ndarray) -> list[tuple[int, str, str]]:
    """Rows sharing coordinates with a row of another name or country (a copied row)."""
    issues = []
    site = pd.Series(list(zip(np.round(lat, SITE_DECIMALS), np.round(lon, SITE_DECIMALS))))
    for _, group in t.groupby(site, sort=False):
        names, countries = frozenset(group["name"]), set(group["country"])
        if len(countries) > 1 or (len(names) > 1 and names not in SHARED_SITES):
            who = "; ".join(f"row {j + 1} {r['provider']} {r['name']} ({r['country']})"
                            for j, r in group.iterrows())
            issues += [(j, "duplicate site", f"same coordinates: {who}") for j in group.index]
    return issues


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = np.radians([lat1, lat2, lon2 - lon1])
    cos_angle = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return float(6371.0 * np.arccos(np.clip(cos_angle, -1.0, 1.0)))  # mean Earth radius; 100 km scale


def _same_name_issues(t: pd.DataFrame, lat: np.ndarray, lon: np.ndarray) -> list[tuple[int, str, str]]:
    """Rows of one name within ``SAME_SITE_KM`` of a row giving it another country."""
    issues = []
    for name, group in t.groupby("name", sort=False):
        for j in group.index:
            others = [k for k in group.index if group.at[k, "country"] != group.at[j, "country"]
                      and _great_circle_km(lat[j], lon[j], lat[k], lon[k]) < SAME_SITE_KM]
            if others:
                issues.append((j, "country", f"{name!r} is also listed in {t.at[others[0], 'country']} "
                                             f"(row {others[0] + 1}) within {SAME_SITE_KM:g} km"))
    return issues


def catalog_issues(table: pd.DataFrame, *, known_names: Iterable[str] | None = None) -> pd.DataFrame:
    """Return suspect rows of a station table: copied coordinates, sign flips, typos, bad status.

    Checks: a status outside ``STATUSES``; a country missing from the reference table or a
    point outside that country's rough extent (naming the sign flip or lat/lon swap that
    would fix it); one site (coordinates equal to ``SITE_DECIMALS``) under different
    countries, or different names unless listed in ``SHARED_SITES``; one name given two
    countries less than ``SAME_SITE_KM`` apart; an unknown name one edit (or adjacent swap)
    away from a known name or from another name in the table.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``provider, name, country, lat_deg, lon_deg, status`` (text or numbers).
    known_names : iterable of str, optional
        Correct spellings; default: the names in the bundled catalog.

    Returns
    -------
    pandas.DataFrame
        ``row`` (1-based position in ``table``), ``provider``, ``name``, ``check``,
        ``message``; one row per finding, empty when nothing is suspect.

    Examples
    --------
    >>> catalog_issues(load_stations(status=None)).empty
    True
    """
    t = table.reset_index(drop=True)
    lat = pd.to_numeric(t["lat_deg"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(t["lon_deg"], errors="coerce").to_numpy(float)
    known = set(load_stations(status=None)["name"] if known_names is None else known_names)
    issues = [(i, "status", f"status {s!r} is not one of {', '.join(STATUSES)}")
              for i, s in enumerate(t["status"]) if s not in STATUSES]
    issues += _position_issues(t, lat, lon) + _spelling_issues(t, known)
    issues += _duplicate_site_issues(t, lat, lon) + _same_name_issues(t, lat, lon)
    out = pd.DataFrame(issues, columns=["row", "check", "message"]).sort_values(["row", "check"])
    out["row"] += 1
    out.insert(1, "provider", t["provider"].to_numpy()[out["row"].to_numpy(int) - 1])
    out.insert(2, "name", t["name"].to_numpy()[out["row"].to_numpy(int) - 1])
    return out.reset_index(drop=True)
