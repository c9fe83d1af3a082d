"""Ground-station catalog: load, schema check, errata, provider/status/band filters.

The bundled catalog ``data/stations.csv`` is the paper's Table 3 with the
corrections listed in ``data/ERRATA.csv`` (found by :func:`catalog_issues`)
plus frequency bands and altitudes where a public station list gives them.
Columns, dtypes and units are in ``data/stations_schema.csv``.
"""
from __future__ import annotations

import csv
import logging
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from gstk import datasets
from gstk.errors import GstkError, StationDataError, UnknownProviderError

logger = logging.getLogger(__name__)

STATUSES: tuple[str, ...] = ("Operational", "Planned", "Potential", "Decommissioned")
#: Band names gstk recognises (case-insensitive on input, written like this).
KNOWN_BANDS: tuple[str, ...] = ("VHF", "UHF", "L", "S", "C", "X", "Ku", "K", "Ka")
_BAND_NAMES = {b.lower(): b for b in KNOWN_BANDS}
DEFAULT_MIN_ELEVATION_DEG = 10.0  # formulation §8: 10 deg unless a station says otherwise
DEFAULT_ANTENNAS = 1  # paper: one antenna per site
REQUIRED_COLUMNS: tuple[str, ...] = ("provider", "name", "country", "lat_deg", "lon_deg", "status")
#: Value a user file gets for an optional column it omits (None: derived from other columns).
OPTIONAL_DEFAULTS: dict[str, str | None] = {
    "station_id": None, "alt_m": "", "bands": "", "antennas": str(DEFAULT_ANTENNAS),
    "min_elevation_deg": str(DEFAULT_MIN_ELEVATION_DEG), "alt_known": None, "bands_source": None,
}
#: Coordinates rounded to this many decimals identify one site (0.01 deg ~ 1 km, Table 3's precision).
SITE_DECIMALS = 2
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


def station_schema() -> pd.DataFrame:
    """Return the catalog schema: one row per column with ``column, dtype, unit, description``.

    Examples
    --------
    >>> station_schema().set_index("column").loc["lat_deg", "unit"]
    'deg'
    """
    return pd.read_csv(datasets.data_dir() / "stations_schema.csv", dtype=str, keep_default_na=False)


def parse_bands(bands: str | Iterable[str] | None) -> tuple[str, ...]:
    """Return band names canonically spelled, deduplicated and sorted.

    Parameters
    ----------
    bands : str or iterable of str or None
        ``"S;X"``, ``"s, x"``, ``["X", "Ka"]``; ``None`` or ``""`` means no band.

    Examples
    --------
    >>> parse_bands("x;ka; S")
    ('Ka', 'S', 'X')
    """
    tokens = (bands or "").replace(",", ";").split(";") if isinstance(bands, str | None) else bands
    tokens = [str(t).strip() for t in tokens if str(t).strip()]
    unknown = [t for t in tokens if t.lower() not in _BAND_NAMES]
    if unknown:
        raise GstkError(f"unknown frequency band(s) {', '.join(map(repr, unknown))}; expected any of "
                        f"{', '.join(KNOWN_BANDS)}")
    return tuple(sorted({_BAND_NAMES[t.lower()] for t in tokens}))


def _known_bands(text: str) -> bool:
    return all(t.strip().lower() in _BAND_NAMES for t in text.replace(",", ";").split(";") if t.strip())


def _read_records(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Return the CSV as stripped strings and the 1-based file line of each record."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [c.strip() for c in (reader.fieldnames or [])]
        records, lines = [], []
        for record in reader:
            if not any((v or "").strip() for k, v in record.items() if k is not None):
                continue  # blank line
            records.append([(record.get(c) or "").strip() for c in (reader.fieldnames or [])])
            lines.append(reader.line_num)
    return pd.DataFrame(records, columns=header, dtype=object), lines


def _with_defaults(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Return ``raw`` with every schema column, raising if a required one is missing."""
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise StationDataError(
            f"{path}: missing required column(s) {', '.join(missing)}; a station file needs "
            f"{', '.join(REQUIRED_COLUMNS)} (see data/stations_schema.csv)")
    raw = raw.assign(**{c: d for c, d in OPTIONAL_DEFAULTS.items() if c not in raw.columns})
    for column, default in OPTIONAL_DEFAULTS.items():  # an empty optional cell means the default
        if default:
            raw[column] = raw[column].where(raw[column] != "", default)
    derived = {"station_id": raw["provider"] + "/" + raw["name"],
               "alt_known": pd.Series(np.where(raw["alt_m"] == "", "False", "True"), raw.index),
               "bands_source": pd.Series(np.where(raw["bands"] == "", "unknown", "user file"), raw.index)}
    for column, value in derived.items():  # fill omitted columns and empty cells
        raw[column] = raw[column].where(raw[column].notna() & (raw[column] != ""), value)
    return raw


def _row_problems(raw: pd.DataFrame) -> list[tuple[int, str]]:
    """Return (position, problem) for every invalid cell of a defaulted raw table."""
    num = {c: pd.to_numeric(raw[c].where(raw[c] != "", "0" if c == "alt_m" else "nan"), errors="coerce")
           for c in ("lat_deg", "lon_deg", "alt_m", "antennas", "min_elevation_deg")}
    rules = [  # (invalid mask, column, what is expected)
        (num["lat_deg"].isna(), "lat_deg", "a number"),
        (~num["lat_deg"].between(-90, 90) & num["lat_deg"].notna(), "lat_deg", "in [-90, 90]"),
        (num["lon_deg"].isna(), "lon_deg", "a number"),
        (~num["lon_deg"].between(-180, 180) & num["lon_deg"].notna(), "lon_deg", "in [-180, 180]"),
        (num["alt_m"].isna(), "alt_m", "a number or empty"),
        (~(num["antennas"] >= 1) | (num["antennas"] % 1 != 0), "antennas", "an integer >= 1"),
        (~num["min_elevation_deg"].between(0, 90, inclusive="left"), "min_elevation_deg", "in [0, 90)"),
        (~raw["status"].isin(STATUSES), "status", f"one of {', '.join(STATUSES)}"),
        (raw["provider"] == "", "provider", "not empty"),
        (raw["name"] == "", "name", "not empty"),
        (~raw["alt_known"].isin(["True", "False"]), "alt_known", "True or False"),
        (raw["station_id"].duplicated(), "station_id", "unique (an earlier row has it)"),
        (~raw["bands"].map(_known_bands).astype(bool), "bands", f"names from {', '.join(KNOWN_BANDS)}"),
    ]
    problems = [(int(i), f"{column} should be {expected}, got {raw[column].iloc[i]!r}")
                for mask, column, expected in rules for i in np.flatnonzero(mask.to_numpy())]
    return sorted(problems)


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    """Return a validated raw table cast to the schema's dtypes and column order."""
    schema = station_schema()
    out = raw.copy()
    out["alt_m"] = out["alt_m"].replace("", "0")
    out["alt_known"] = out["alt_known"] == "True"
    out["bands"] = [";".join(parse_bands(b)) for b in out["bands"]]
    columns = list(schema["column"]) + [c for c in raw.columns if c not in set(schema["column"])]
    out = out[columns].astype(dict(zip(schema["column"], schema["dtype"])))
    out.attrs["units"] = {c: u for c, u in zip(schema["column"], schema["unit"]) if u}
    return out.reset_index(drop=True)


def _validated(path: Path) -> pd.DataFrame:
    """Return the station file at ``path`` as a typed table, or raise naming every bad row."""
    raw, lines = _read_records(path)
    raw = _with_defaults(raw, path)
    problems = _row_problems(raw)
    if problems:
        text = "; ".join(f"line {lines[i]} ({raw['name'].iloc[i] or '?'}): {msg}" for i, msg in problems)
        rows = sorted({lines[i] for i, _ in problems})
        raise StationDataError(f"{path}: invalid station rows: {text}. Fix those cells "
                               f"(see data/stations_schema.csv).", rows)
    return _typed(raw)


def _matching(df: pd.DataFrame, column: str, wanted: str | Iterable[str], vocabulary: Iterable[str],
              error: type[GstkError]) -> pd.DataFrame:
    """Return rows whose ``column`` matches ``wanted`` ignoring case; raise on a value not in vocabulary."""
    canon = {v.lower(): v for v in vocabulary}
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    unknown = [w for w in wanted if str(w).lower() not in canon]
    if unknown:
        raise error(f"unknown {column} {', '.join(map(repr, unknown))}; known: "
                    f"{', '.join(sorted(canon.values(), key=str.lower))} (case is ignored)"
                    + ("; status=None keeps every status" if column == "status" else ""))
    return df[df[column].isin({canon[str(w).lower()] for w in wanted})]


def _select_bands(df: pd.DataFrame, wanted: str | Iterable[str]) -> pd.DataFrame:
    required = set(parse_bands(wanted))
    unknown = df["bands"] == ""
    if required and unknown.any():
        logger.info("band filter %s excludes %d station(s) whose bands are unknown: %s",
                    sorted(required), int(unknown.sum()), ", ".join(df.loc[unknown, "station_id"]))
    has_all = df["bands"].map(lambda b: required <= set(b.split(";")) if b else False)
    return df[has_all.astype(bool)]


def load_stations(path: str | os.PathLike | None = None, *, providers: str | Iterable[str] | None = None,
                  status: str | Iterable[str] | None = ("Operational",),
                  bands: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Load a station catalog, validate it and keep the stations asked for.

    Parameters
    ----------
    path : str or os.PathLike, optional
        CSV in the schema of ``data/stations_schema.csv``; default: the bundled catalog
        (paper Table 3, corrected). Optional columns may be omitted: ``antennas`` -> 1,
        ``min_elevation_deg`` -> 10.0, ``bands`` -> ``""``, ``alt_m`` -> 0.0, ``station_id`` ->
        ``"<provider>/<name>"``.
    providers : str or iterable of str, optional
        Keep these providers (case-insensitive). Default: all.
    status : str or iterable of str or None, default ("Operational",)
        Keep these statuses; ``None`` keeps every status.
    bands : str or iterable of str, optional
        Keep stations supporting *all* these bands (e.g. ``"S;X"``). Stations whose bands
        are unknown are dropped and logged at INFO level.

    Returns
    -------
    pandas.DataFrame
        One row per station, RangeIndex, columns ``station_id, provider, name, country,
        lat_deg, lon_deg, alt_m, status, bands, antennas, min_elevation_deg, alt_known,
        bands_source`` (then any extra columns of a user file); ``attrs["units"]`` maps
        column -> unit.

    Raises
    ------
    StationDataError
        Missing required columns, or invalid rows (``.rows`` holds their 1-based CSV lines).
    UnknownProviderError
        A requested provider is not in the catalog.
    GstkError
        An unknown status or band name was requested.

    Examples
    --------
    >>> df = load_stations()
    >>> len(df), providers(df)
    (86, ['Atlas', 'AWS', 'KSAT', 'Leaf', 'Viasat'])
    >>> load_stations(providers="ksat", bands="Ka").station_id.tolist()
    ['KSAT/Svalbard']
    >>> load_stations(status=None).status.value_counts().to_dict()
    {'Operational': 86, 'Planned': 7, 'Potential': 6, 'Decommissioned': 5}
    """
    file = Path(path) if path is not None else datasets.stations_csv()
    df = _validated(file)
    units = dict(df.attrs["units"])
    if providers is not None:
        df = _matching(df, "provider", providers, df["provider"].unique(), UnknownProviderError)
    if status is not None:
        df = _matching(df, "status", status, STATUSES, GstkError)
    if bands is not None:
        df = _select_bands(df, bands)
    out = df.reset_index(drop=True)
    out.attrs["units"] = units
    return out


def providers(stations: pd.DataFrame) -> list[str]:
    """Return the distinct providers of a station table, sorted ignoring case (stable).

    Examples
    --------
    >>> providers(load_stations(status="Decommissioned"))
    ['Azure']
    """
    return sorted(stations["provider"].astype(str).unique().tolist(), key=lambda p: (p.lower(), p))


# ---- Table 3 as printed, its errata, and the checks that find them -----------------------------

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
