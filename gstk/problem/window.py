"""The simulation window of a contact table and the keys that identify its contacts."""
from __future__ import annotations

import pandas as pd

from gstk.errors import GstkError
from gstk.times import iso_utc_column, utc


def contact_keys(contacts: pd.DataFrame) -> pd.Series:
    """Return the stable contact id 'satellite|station|AOS ISO-8601' of every row."""
    aos = iso_utc_column(contacts["aos"], digits=6)
    return contacts["satellite_id"].astype(str) + "|" + contacts["station_id"].astype(str) + "|" + aos


def sim_window(contacts: pd.DataFrame, start=None, end=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the simulation window (start, end) from arguments or ``contacts.attrs``."""
    start = start if start is not None else contacts.attrs.get("start")
    end = end if end is not None else contacts.attrs.get("end")
    if start is None or end is None:
        raise GstkError(
            "the simulation window is unknown: pass start= and end= (contacts read from CSV carry no attrs)"
        )
    start, end = utc(start), utc(end)
    if end <= start:
        raise GstkError(f"simulation window end {end} is not after start {start}")
    return start, end
