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
from gstk.units import DEFAULT_ELEVATION_MASK_DEG

logger = logging.getLogger(__name__)


STATUSES: tuple[str, ...] = ("Operational", "Planned", "Potential", "Decommissioned")


#: Band names gstk recognises (case-insensitive on input, written like this).
KNOWN_BANDS: tuple[str, ...] = ("VHF", "UHF", "L", "S", "C", "X", "Ku", "K", "Ka")


_BAND_NAMES = {b.lower(): b for b in KNOWN_BANDS}


DEFAULT_ANTENNAS = 1  # paper: one antenna per site


REQUIRED_COLUMNS: tuple[str, ...] = ("provider", "name", "country", "lat_deg", "lon_deg", "status")


#: Value a user file gets for an optional column it omits (None: derived from other columns).
OPTIONAL_DEFAULTS: dict[str, str | None] = {
    "station_id": None, "alt_m": "", "bands": "", "antennas": str(DEFAULT_ANTENNAS),
    "min_elevation_deg": str(DEFAULT_ELEVATION_MASK_DEG), "alt_known": None, "bands_source": None,
}


#: Coordinates rounded to this many decimals identify one site (0.01 deg ~ 1 km, Table 3's precision).
SITE_DECIMALS = 2


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
