"""One UTC rule: every timestamp gstk reads or writes is normalised here."""
from __future__ import annotations

import logging

import pandas as pd

logger = logging.getLogger(__name__)


__all__ = ["utc_naive"]


def utc_naive(values: pd.Series) -> pd.DatetimeIndex:
    """Return times as naive UTC (naive input is taken as UTC, as everywhere in gstk)."""
    times = pd.DatetimeIndex(pd.to_datetime(values))
    return times.tz_convert("UTC").tz_localize(None) if times.tz is not None else times
