"""Contact tables as CSV files: times as ISO-8601 UTC to the nanosecond, lossless round trip.

The CLI (``gstk contacts``) and scenario workflows write contact tables with :func:`write_contacts_csv`
and read them back with :func:`read_contacts_csv`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from gstk.errors import ScenarioError
from gstk.times import iso_utc_column, utc, utc_series

__all__ = ["TIME_COLUMNS", "CONTACT_UNITS", "write_contacts_csv", "read_contacts_csv"]

TIME_COLUMNS = ("aos", "los", "t_max_elevation")
CONTACT_UNITS = {"aos": "UTC", "los": "UTC", "duration_s": "s", "max_elevation_deg": "deg", "t_max_elevation": "UTC",
                 "aos_s": "s since start", "los_s": "s since start"}


def write_contacts_csv(contacts: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a contact table as CSV, times as ISO-8601 UTC to the nanosecond (``...Z``), lossless."""
    out = contacts.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = iso_utc_column(out[column], digits=9)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False)
    return path


def read_contacts_csv(path: str | os.PathLike, *, start: Any, end: Any) -> pd.DataFrame:
    """Read a contact CSV written by :func:`write_contacts_csv`; ``attrs`` get the window (start, end)."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"no such contacts file {str(path)!r}")
    try:
        header = pd.read_csv(path, nrows=0).columns.tolist()
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: not a contacts CSV ({' '.join(str(exc).split())})") from None
    missing = [c for c in ("satellite_id", "station_id", "aos", "los", "duration_s") if c not in header]
    if missing:
        raise ScenarioError(f"{path}: contacts CSV lacks column(s) {missing}; write it with `gstk contacts`")
    text_columns = {c: str for c in ("satellite_id", "station_id", "provider", "contact_id") if c in header}
    table = pd.read_csv(path, dtype=text_columns)
    for column in TIME_COLUMNS:
        if column in table.columns:
            try:
                table[column] = utc_series(table[column], format="ISO8601").astype("datetime64[ns, UTC]")
            except (ValueError, TypeError):
                raise ScenarioError(f"{path}: column {column} holds a value that is not an ISO-8601 time") from None
    table.attrs.update(start=utc(start), end=utc(end), units={c: u for c, u in CONTACT_UNITS.items() if c in table})
    return table
