"""Readable HTML for gstk's tables in notebooks: units in headers, UTC times, rounded numbers.

gstk's tables keep SI units and full precision (``duration_s``, ``rate_bps``,
``aos`` as tz-aware timestamps).  For reading, :func:`html_table` renames each
column to ``name (unit)`` from ``df.attrs["units"]`` or the column's unit
suffix, prints times as ``YYYY-MM-DD HH:MM:SS`` UTC and rounds numbers; a
caption summarises the table.  :func:`station_table` and
:func:`contact_table` wrap the two main tables in a :class:`Table`, which
Jupyter displays as that HTML.  :func:`use_rich_tables` makes every
DataFrame that carries ``attrs["units"]`` display this way.

Examples
--------
>>> import pandas as pd
>>> column_label("duration_s"), column_label("max_elevation_deg"), column_label("station_id")
('duration (s)', 'max elevation (°)', 'station id')
>>> "<th>duration (s)</th>" in html_table(pd.DataFrame({"duration_s": [61.25]}))
True
"""
from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from gstk.times import utc_series
from gstk.units import split_unit

#: Decimals shown per unit (money to the dollar, angles to 0.01°, times to 0.1 s).
_DECIMALS = {"USD": 0, "USD/month": 0, "USD/min": 2, "°": 2, "km": 1, "km/s": 3, "m": 0, "s": 1,
             "min": 1, "h": 2, "min/day": 1, "GB": 2, "bit": 0, "bit/s": 0}


#: Units that add nothing to a header.
_NO_UNIT = {"", "1", "-"}


_TABLE_CSS = (
    "<style>.gstk-table table{border-collapse:collapse;font-size:12px}"
    ".gstk-table th{text-align:left;border-bottom:1px solid #888;padding:2px 8px}"
    ".gstk-table td{padding:1px 8px;text-align:right}"
    ".gstk-table td:first-child{text-align:left}"
    ".gstk-table tr:nth-child(even){background:#f4f4f4}"
    ".gstk-table caption{caption-side:top;text-align:left;font-weight:bold;padding:2px 0}</style>"
)


def column_label(column: str, units: Mapping[str, str] | None = None) -> str:
    """Return the header of ``column``: its name in words with the unit in parentheses."""
    name, unit = split_unit(column, units)
    name = name.replace("_", " ")
    return name if unit in _NO_UNIT else f"{name} ({unit})"


def readable_frame(df: pd.DataFrame, *, max_rows: int | None = None) -> pd.DataFrame:
    """Return a copy of ``df`` for reading: unit headers, UTC time strings, rounded numbers.

    Parameters
    ----------
    df : pandas.DataFrame
        Any gstk table; ``df.attrs["units"]`` is used when present.
    max_rows : int, optional
        Keep only the first ``max_rows`` rows.

    Returns
    -------
    pandas.DataFrame
        Same rows (or the head), columns renamed by :func:`column_label`,
        datetimes as ``YYYY-MM-DD HH:MM:SS`` strings in UTC.
    """
    units = dict(df.attrs.get("units", {}))
    head = df.head(max_rows) if max_rows is not None else df
    out = {}
    for column in map(str, head.columns):
        values = head[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = utc_series(values).dt.strftime("%Y-%m-%d %H:%M:%S")
            units[column] = "UTC"
        unit = split_unit(column, units)[1]
        if pd.api.types.is_float_dtype(values) and unit in _DECIMALS:
            values = values.round(_DECIMALS[unit])
        out[column_label(column, units)] = values.to_numpy()
    return pd.DataFrame(out, index=range(len(head)))


def html_table(df: pd.DataFrame, *, caption: str | None = None, max_rows: int | None = 20) -> str:
    """Return ``df`` as a compact HTML table with unit headers (see :func:`readable_frame`).

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    caption : str, optional
        Line shown above the table (escaped).
    max_rows : int or None
        Rows shown; a note says how many more there are.  ``None`` shows all.

    Returns
    -------
    str
        ``<div class="gstk-table">`` holding a style block and the table.
    """
    shown = readable_frame(df, max_rows=max_rows)
    body = shown.to_html(index=False, border=0, float_format=lambda v: f"{v:,.6g}",
                         na_rep="–", escape=True)
    if caption:
        body = body.replace(">", f"><caption>{html.escape(caption)}</caption>", 1)
    more = len(df) - len(shown)
    note = f"<p style='font-size:11px;color:#666'>… {more} more rows</p>" if more > 0 else ""
    return f'<div class="gstk-table">{_TABLE_CSS}{body}{note}</div>'


@dataclass(frozen=True, eq=False)
class Table:
    """A table with a caption that Jupyter shows as readable HTML; ``frame`` is the data itself."""

    frame: pd.DataFrame
    caption: str = ""
    max_rows: int | None = 20

    def _repr_html_(self) -> str:
        return html_table(self.frame, caption=self.caption, max_rows=self.max_rows)

    def __repr__(self) -> str:
        return f"<Table {self.caption or f'{len(self.frame)} rows'}>"


def station_caption(stations: pd.DataFrame) -> str:
    """Return e.g. ``'86 stations of 5 providers: KSAT 36, Leaf 18, …'``."""
    counts = stations["provider"].astype(str).value_counts()
    parts = ", ".join(f"{p} {n}" for p, n in counts.items())
    return f"{len(stations)} stations of {len(counts)} providers: {parts}"


def station_table(stations: pd.DataFrame, *, max_rows: int | None = 20) -> Table:
    """Return the stations table (``gstk.catalog.stations.load_stations``) for display, with a caption."""
    return Table(stations, station_caption(stations), max_rows)


def contact_caption(contacts: pd.DataFrame) -> str:
    """Return e.g. ``'412 contacts, 4 satellites × 86 stations, 2025-03-11 00:00 → …; 61.2 h total'``."""
    hours = float(contacts["duration_s"].sum()) / 3600.0 if len(contacts) else 0.0
    text = (f"{len(contacts)} contacts, {contacts['satellite_id'].nunique()} satellites × "
            f"{contacts['station_id'].nunique()} stations")
    start, end = contacts.attrs.get("start"), contacts.attrs.get("end")
    if start is not None and end is not None:
        text += f", {pd.Timestamp(start):%Y-%m-%d %H:%M} → {pd.Timestamp(end):%Y-%m-%d %H:%M} UTC"
    if len(contacts):
        text += (f"; {hours:.1f} h in contact, median pass "
                 f"{float(contacts['duration_s'].median()) / 60.0:.1f} min")
    return text


def contact_table(contacts: pd.DataFrame, *, max_rows: int | None = 20) -> Table:
    """Return the contacts table (``gstk.contacts.compute_contacts``) for display, with a caption."""
    return Table(contacts, contact_caption(contacts), max_rows)


def rich_html(df: pd.DataFrame) -> str:
    """Return gstk's HTML for tables carrying ``attrs["units"]``, pandas' own HTML otherwise."""
    if df.attrs.get("units"):
        return html_table(df, caption=f"{len(df)} rows × {df.shape[1]} columns")
    return df._repr_html_()


def use_rich_tables(shell=None) -> bool:
    """Make Jupyter show every DataFrame with ``attrs["units"]`` through :func:`rich_html`.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell, optional
        Default: the running IPython shell.

    Returns
    -------
    bool
        True when the formatter was registered, False outside IPython.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with ipykernel
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, rich_html)
    return True
