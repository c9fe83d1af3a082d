"""Contact tables as CSV files: times as ISO-8601 UTC to the nanosecond, lossless round trip.

The CLI (``gstk contacts``) and scenario workflows write contact tables with :func:`write_contacts_csv`
and read them back with :func:`read_contacts_csv`, which trusts nothing in the file: every cell must
parse, every window must be a window of the scenario (``aos <= los`` inside [start, end], known
satellite and station, no contact twice, no two windows of one pair overlapping), a file must end
with a newline (a file cut mid-row is refused), and the derived columns (``duration_s``, ``aos_s``,
``los_s``) must agree with ``aos``/``los`` (they are computed when absent).  The first problem is
reported as one :class:`~gstk.errors.ContactsFileError` naming the file and line.
"""
from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import ContactsFileError, ScenarioError
from gstk.times import iso_utc, iso_utc_column, utc, utc_series

__all__ = [
    "CONTACT_UNITS",
    "REQUIRED_COLUMNS",
    "TIME_COLUMNS",
    "TIME_TOLERANCE_S",
    "read_contacts_csv",
    "write_contacts_csv",
]

TIME_COLUMNS = ("aos", "los", "t_max_elevation")
CONTACT_UNITS = {"aos": "UTC", "los": "UTC", "duration_s": "s", "max_elevation_deg": "deg", "t_max_elevation": "UTC",
                 "aos_s": "s since start", "los_s": "s since start", "volume_bit": "bit", "mean_rate_bps": "bit/s"}
#: Columns a contacts CSV must have; ``duration_s``, ``aos_s`` and ``los_s`` are computed when absent.
REQUIRED_COLUMNS = ("satellite_id", "station_id", "aos", "los")
_TEXT_COLUMNS = ("satellite_id", "station_id", "provider", "contact_id")
_NUMBER_COLUMNS = ("duration_s", "max_elevation_deg", "aos_s", "los_s")
_BOOL_COLUMNS = ("aos_clipped", "los_clipped")
#: A rate model's columns (gstk.contacts.rates): empty where a station has no model, else a number >= 0.
_VOLUME_COLUMNS = ("volume_bit", "mean_rate_bps")
_BOOLS = {"true": True, "false": False}
#: Largest disagreement, s, between a derived column and its value from aos/los (and how far a window may
#: reach past [start, end]): gstk writes times to the nanosecond and seconds as round-trip floats, so its
#: own files agree to about 1e-9 s (1e-7 s for windows of decades, where float seconds lose digits).
TIME_TOLERANCE_S = 1e-6


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


def read_contacts_csv(path: str | os.PathLike, *, start: Any, end: Any, satellite_ids: Iterable[Any] | None = None,
                      stations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check a contact CSV written by :func:`write_contacts_csv`; ``attrs`` get the window (start, end).

    Parameters
    ----------
    path : path
        The CSV (header line, then one contact per line).
    start, end : time-like
        The scenario's simulation window; every contact must lie inside it.
    satellite_ids : iterable of str, optional
        The scenario's satellites; a contact of another satellite is an error.
    stations : pandas.DataFrame, optional
        The scenario's stations (``station_id``, ``provider``); a contact at another station, or
        with another provider than the station's, is an error.

    Raises
    ------
    ContactsFileError
        One line naming the file and line number, what is wrong and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"no such contacts file {str(path)!r}")
    t0, t1 = utc(start), utc(end)
    raw, text = _raw_table(path)
    table = _parsed_columns(raw, path, t0)
    problems = [*_window_problems(table, t0, t1), *_repeat_problems(table),
                *_id_problems(table, satellite_ids, stations)]
    if problems:  # the first line with a problem; the first check of that line
        row, count, message = min(problems, key=lambda p: p[0])
        raise _error(path, row, message, count)
    other = [c for c in raw.columns if c not in _known_columns()]
    if other:  # columns gstk does not write: typed as pandas infers them
        inferred = pd.read_csv(io.StringIO(text), usecols=other)
        for column in other:
            table[column] = inferred[column].to_numpy()
    table.attrs.update(start=t0, end=t1, units={c: u for c, u in CONTACT_UNITS.items() if c in table})
    return table


# --------------------------------------------------------------------------- reading
def _known_columns() -> tuple[str, ...]:
    return (*_TEXT_COLUMNS, *TIME_COLUMNS, *_NUMBER_COLUMNS, *_BOOL_COLUMNS, *_VOLUME_COLUMNS)


def _error(path: Path, row: int, message: str, count: int = 1) -> ContactsFileError:
    """Return the error of data row ``row`` (0-based; the header is line 1, so it is line row + 2)."""
    more = f" (and {count - 1} more row{'s' * (count > 2)})" if count > 1 else ""
    return ContactsFileError(f"{path}, line {row + 2}: {message}{more}", line_number=row + 2)


def _raw_table(path: Path) -> tuple[pd.DataFrame, str]:
    """Return every cell as text (one row per line after the header, blank lines included) and the text."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ContactsFileError(f"{path}, line {line}: not UTF-8 text; expected a contacts CSV from "
                                "`gstk contacts`", line_number=line) from None
    if not text.strip():
        raise ContactsFileError(f"{path}: the file is empty; expected a header line and one contact per line "
                                "(write it with `gstk contacts`)")
    if not text.endswith("\n"):
        line = text.count("\n") + 1
        raise ContactsFileError(f"{path}, line {line}: the last row ends without a newline, so the file looks "
                                "truncated; write it again with `gstk contacts` (a complete file ends with a "
                                "newline)", line_number=line)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            expected, line, saw = found.groups()
            raise ContactsFileError(f"{path}, line {line}: {saw} fields; expected {expected}, one per column of "
                                    "the header", line_number=int(line)) from None
        raise ContactsFileError(f"{path}: not a contacts CSV ({' '.join(str(exc).split())})") from None
    except pd.errors.EmptyDataError as exc:
        raise ContactsFileError(f"{path}: not a contacts CSV ({' '.join(str(exc).split())})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise ContactsFileError(f"{path}: contacts CSV lacks column(s) {missing}; write it with `gstk contacts`",
                                line_number=1)
    return raw, text


def _parsed_columns(raw: pd.DataFrame, path: Path, t0: pd.Timestamp) -> pd.DataFrame:
    """Return the known columns parsed (text, UTC times, finite floats, booleans); raise on the first bad cell."""
    problems: list[tuple[int, int, str]] = []  # (first row, rows, message)
    blank = (raw.apply(lambda cells: cells.str.strip()) == "").all(axis=1).to_numpy()
    if blank.any():
        problems.append((int(np.argmax(blank)), int(blank.sum()), "the line is blank; expected one contact per line"))
    parsed: dict[str, Any] = {}
    for column in raw.columns:
        cells = raw[column]
        empty = (cells.str.strip() == "").to_numpy()
        if column in _TEXT_COLUMNS:
            parsed[column] = cells.astype("str")  # also for a file of no rows (pandas reads object then)
            bad = empty if column in REQUIRED_COLUMNS else np.zeros(len(cells), bool)
            expected = "expected an id"
        elif column in TIME_COLUMNS:
            parsed[column], bad = _times(cells)
            expected = "expected an ISO-8601 UTC time such as 2025-03-11T00:00:00Z"
        elif column in _NUMBER_COLUMNS:
            parsed[column], bad = _floats(cells)
            expected = "expected a finite number"
        elif column in _VOLUME_COLUMNS:
            values, unparsed = _floats(cells)
            values[empty] = np.nan
            parsed[column], bad = values, (unparsed | (values < 0)) & ~empty
            expected = "expected a number >= 0, or nothing where the station has no rate model"
        elif column in _BOOL_COLUMNS:
            flags = cells.str.strip().str.lower()
            parsed[column], bad = flags.map(_BOOLS).fillna(False).astype(bool), ~flags.isin(list(_BOOLS)).to_numpy()
            expected = "expected True or False"
        else:
            continue
        if bad.any():
            row = int(np.argmax(bad))
            what = "is empty" if empty[row] else f"holds {_shown(cells.iloc[row])}"
            problems.append((row, int(bad.sum()), f"{column} {what}; {expected}"))
    if problems:  # the first line with a problem; on it, the first column
        row, count, message = min(problems, key=lambda p: p[0])
        raise _error(path, row, message, count)
    table = pd.DataFrame({c: parsed[c] for c in raw.columns if c in parsed})
    seconds = {"duration_s": (table["los"] - table["aos"]).dt.total_seconds(),
               "aos_s": (table["aos"] - t0).dt.total_seconds(), "los_s": (table["los"] - t0).dt.total_seconds()}
    for column, value in seconds.items():
        if column not in table:
            table[column] = value
    return table


def _times(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Return a text column as nanosecond UTC times (the one UTC rule) and the mask of cells that are none.

    When the column does not parse, the cells are tried one by one up to the first culprit (the
    error path only), which alone is flagged.
    """
    try:
        times = utc_series(cells, format="ISO8601").astype("datetime64[ns, UTC]")
        return times, times.isna().to_numpy()
    except (ValueError, TypeError, OverflowError):
        bad = np.zeros(len(cells), bool)
        for i, text in enumerate(cells):
            try:
                utc_series(pd.Series([text]), format="ISO8601").astype("datetime64[ns, UTC]")
            except (ValueError, TypeError, OverflowError):
                bad[i] = True
                break
        bad[-1:] |= not bad.any()  # unreachable in practice: the column failed, so some cell does
        return pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns, UTC]"), bad


def _floats(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return a text column as floats (Python's exact parse) and the mask of cells that are no finite number."""
    values = np.full(len(cells), np.nan)
    for i, text in enumerate(cells):
        try:
            values[i] = float(text)
        except ValueError:
            pass
    return values, ~np.isfinite(values)


# --------------------------------------------------------------------------- checks
def _tolerance(seconds: np.ndarray) -> np.ndarray:
    return TIME_TOLERANCE_S + 8 * np.spacing(np.abs(seconds))


Problem = tuple[int, int, str]  # (first row, number of rows, message about the first row)


def _problem(mask: np.ndarray, message) -> list[Problem]:
    """Return [(first row, rows, message(first row))] for the rows set in ``mask``, [] when none is."""
    count = int(np.count_nonzero(mask))
    if not count:
        return []
    i = int(np.argmax(mask))
    return [(i, count, message(i))]


def _window_problems(table: pd.DataFrame, t0: pd.Timestamp, t1: pd.Timestamp) -> list[Problem]:
    """Check every window: inside [t0, t1], los >= aos, derived columns and culmination consistent."""
    aos, los = table["aos"], table["los"]
    slack = pd.Timedelta(seconds=TIME_TOLERANCE_S)
    problems = _problem(((aos < t0 - slack) | (los > t1 + slack)).to_numpy(), lambda i: (
        f"window {iso_utc(aos.iloc[i])} to {iso_utc(los.iloc[i])} is not inside the scenario window "
        f"{iso_utc(t0)} to {iso_utc(t1)}: the file holds contacts of another window; write them for this "
        "scenario with `gstk contacts SCENARIO`"))
    problems += _problem((los < aos).to_numpy(), lambda i: (
        f"los {iso_utc(los.iloc[i])} is before aos {iso_utc(aos.iloc[i])}; expected los >= aos"))
    derived = {"duration_s": ("los - aos", (los - aos).dt.total_seconds().to_numpy()),
               "aos_s": ("aos - start", (aos - t0).dt.total_seconds().to_numpy()),
               "los_s": ("los - start", (los - t0).dt.total_seconds().to_numpy())}
    for column, (formula, value) in derived.items():
        given = table[column].to_numpy(np.float64)
        off = np.abs(given - value) > _tolerance(value)
        problems += _problem(off, lambda i, c=column, f=formula, g=given, v=value: (
            f"{c} {float(g[i])!r} disagrees with {f} = {float(v[i])!r} s; expected them equal within "
            f"{TIME_TOLERANCE_S:g} s (drop the column to have it computed)"))
    if "t_max_elevation" in table:
        peak = table["t_max_elevation"]
        problems += _problem(((peak < aos - slack) | (peak > los + slack)).to_numpy(), lambda i: (
            f"t_max_elevation {iso_utc(peak.iloc[i])} is outside its window {iso_utc(aos.iloc[i])} to "
            f"{iso_utc(los.iloc[i])}"))
    if "max_elevation_deg" in table:
        elevation = table["max_elevation_deg"].to_numpy(np.float64)
        problems += _problem(np.abs(elevation) > 90, lambda i: (
            f"max_elevation_deg {float(elevation[i])!r} is not an elevation; expected -90 to 90"))
    return problems


def _repeat_problems(table: pd.DataFrame) -> list[Problem]:
    """Check that no contact appears twice and that no two windows of one satellite-station pair overlap."""
    aos_ns, los_ns = (pd.DatetimeIndex(table[c]).as_unit("ns").asi8 for c in ("aos", "los"))
    key = (table["satellite_id"].astype(str) + "|" + table["station_id"].astype(str) + "|"
           + pd.Series(aos_ns, index=table.index).astype(str))
    first_of = {k: i for i, k in reversed(list(enumerate(key)))}

    def repeated(i: int) -> str:
        row = table.iloc[i]
        return (f"contact ({row['satellite_id']}, {row['station_id']}, aos {iso_utc(row['aos'])}) repeats line "
                f"{first_of[key.iloc[i]] + 2}; expected each contact once")

    problems = _problem(key.duplicated(keep="first").to_numpy(), repeated)
    order = np.lexsort((aos_ns, table["station_id"].to_numpy(str), table["satellite_id"].to_numpy(str)))
    sat, stn = table["satellite_id"].to_numpy(str)[order], table["station_id"].to_numpy(str)[order]
    same_pair = (sat[1:] == sat[:-1]) & (stn[1:] == stn[:-1])
    overlap = same_pair & (aos_ns[order][1:] < los_ns[order][:-1] - round(TIME_TOLERANCE_S * 1e9))
    overlap_rows = np.zeros(len(table), bool)
    overlap_rows[np.maximum(order[:-1], order[1:])[overlap]] = True  # the later line of each overlapping pair
    partner = dict(zip(np.maximum(order[:-1], order[1:])[overlap], np.minimum(order[:-1], order[1:])[overlap]))
    problems += _problem(overlap_rows, lambda i: (
        f"window of ({table['satellite_id'].iloc[i]}, {table['station_id'].iloc[i]}) overlaps the window of line "
        f"{partner[i] + 2}; expected the windows of one satellite and station to be disjoint"))
    return problems


def _id_problems(table: pd.DataFrame, satellite_ids: Iterable[Any] | None,
                 stations: pd.DataFrame | None) -> list[Problem]:
    """Check that every satellite and station is the scenario's, and every provider its station's."""
    problems: list[Problem] = []
    if satellite_ids is not None:
        known = sorted({str(s) for s in satellite_ids})
        problems += _problem(~table["satellite_id"].isin(known).to_numpy(), lambda i: (
            f"satellite_id {_shown(table['satellite_id'].iloc[i])} is not a satellite of the scenario; expected "
            f"one of {_listed(known)}"))
    if stations is None:
        return problems
    provider_of = dict(zip(stations["station_id"].astype(str), stations["provider"].astype(str)))
    unknown = ~table["station_id"].isin(list(provider_of)).to_numpy()
    problems += _problem(unknown, lambda i: (
        f"station_id {_shown(table['station_id'].iloc[i])} is not a station of the scenario; expected one of "
        f"{_listed(sorted(provider_of))}"))
    if "provider" in table:
        expected = table["station_id"].map(provider_of)
        problems += _problem((table["provider"] != expected).to_numpy() & ~unknown, lambda i: (
            f"provider {_shown(table['provider'].iloc[i])} of station {table['station_id'].iloc[i]!r} is not its "
            f"provider in the scenario's catalog; expected {expected.iloc[i]!r}"))
    return problems


def _shown(text: str, width: int = 40) -> str:
    return repr(text) if len(text) <= width else repr(text[:width]) + f"... ({len(text)} characters)"


def _listed(names: list[str], shown: int = 6) -> str:
    return ", ".join(names[:shown]) + (f" ... ({len(names)} in all)" if len(names) > shown else "")
