"""One UTC rule: every timestamp gstk reads or writes is normalised here.

A time-like value (ISO-8601 text, ``datetime``, ``numpy.datetime64``, pandas
``Timestamp``) stands for one instant in UTC, and a value without a time zone
is taken as UTC.  :func:`utc` applies the rule to one value, :func:`utc_index`
and :func:`utc_series` to many, and :func:`utc_naive` drops the zone for
matplotlib.  Times are written as ISO-8601 text ending in ``Z``: :func:`iso_utc`
(lossless, for solution JSON), :func:`iso_utc_us` (to the microsecond, for
scenario files) and :func:`iso_utc_column` (fixed width, for CSV files and
contact ids).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["iso_utc", "iso_utc_column", "iso_utc_us", "utc", "utc_index", "utc_naive", "utc_series"]


def utc(value: Any) -> pd.Timestamp:
    """Return one time-like as a tz-aware UTC Timestamp (naive means UTC).

    Examples
    --------
    >>> utc("2025-03-11T01:00:00+01:00")
    Timestamp('2025-03-11 00:00:00+0000', tz='UTC')
    >>> utc("2025-03-11") == utc("2025-03-11T00:00:00Z")
    True
    """
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def utc_index(values: Any) -> pd.DatetimeIndex:
    """Return time-likes (or one) as a UTC DatetimeIndex (naive means UTC; naive and aware may mix).

    Examples
    --------
    >>> oslo = pd.Timestamp("2025-03-11T01:00", tz="Europe/Oslo")
    >>> utc_index(["2025-03-11T00:00", oslo]).strftime("%H:%M %Z").tolist()
    ['00:00 UTC', '00:00 UTC']
    """
    try:
        index = pd.DatetimeIndex(values)
    except (TypeError, ValueError):  # a scalar, or a list mixing naive and aware times
        return pd.DatetimeIndex([utc(value) for value in np.atleast_1d(np.asarray(values, dtype=object))])
    return index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")


def utc_series(values: pd.Series, *, format: str | None = None) -> pd.Series:
    """Return a column of time-likes as tz-aware UTC datetimes (naive means UTC).

    ``format`` goes to :func:`pandas.to_datetime`: ``"ISO8601"`` reads text gstk
    wrote, whose fractions of a second vary in length from row to row.

    Examples
    --------
    >>> utc_series(pd.Series(["2025-03-11T00:00:00Z", "2025-03-11T00:00:00.5Z"]), format="ISO8601").tolist()
    [Timestamp('2025-03-11 00:00:00+0000', tz='UTC'), Timestamp('2025-03-11 00:00:00.500000+0000', tz='UTC')]
    """
    return pd.to_datetime(values, utc=True, format=format)


def utc_naive(values: pd.Series) -> pd.DatetimeIndex:
    """Return times as naive UTC (naive input is taken as UTC, as everywhere in gstk).

    Examples
    --------
    >>> utc_naive(pd.Series([pd.Timestamp("2025-03-11T01:00", tz="Europe/Oslo")]))[0]
    Timestamp('2025-03-11 00:00:00')
    """
    times = pd.DatetimeIndex(pd.to_datetime(values))
    return times.tz_convert("UTC").tz_localize(None) if times.tz is not None else times


def iso_utc(value: Any) -> str:
    """Return a time as lossless ISO-8601 UTC text ending in ``Z`` (naive means UTC).

    The fraction of a second has 0, 6 or 9 digits, as many as the time needs.

    Examples
    --------
    >>> iso_utc("2025-03-11T01:00:00+01:00")
    '2025-03-11T00:00:00Z'
    >>> iso_utc(pd.Timestamp("2025-03-11T00:00:00.000000001"))
    '2025-03-11T00:00:00.000000001Z'
    """
    return utc(value).isoformat().replace("+00:00", "Z")


def iso_utc_us(value: Any) -> str:
    """Return a time as ISO-8601 UTC text ending in ``Z``, to the microsecond (naive means UTC).

    The six-digit fraction is written only when the time has one; nanoseconds are
    dropped (scenario files hold times to the microsecond).

    Examples
    --------
    >>> iso_utc_us("2025-03-11T00:00:00Z"), iso_utc_us("2025-03-11T00:00:00.25Z")
    ('2025-03-11T00:00:00Z', '2025-03-11T00:00:00.250000Z')
    """
    stamp = utc(value)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if stamp.microsecond or stamp.nanosecond else "%Y-%m-%dT%H:%M:%SZ")


def iso_utc_column(values: pd.Series, *, digits: int = 9) -> pd.Series:
    """Return a column of times as fixed-width ISO-8601 UTC text ending in ``Z`` (naive means UTC).

    ``digits`` is the length of the fraction of a second: 9 (nanoseconds, lossless)
    or 6 (microseconds, truncated).

    Examples
    --------
    >>> iso_utc_column(pd.Series([pd.Timestamp("2025-03-11T00:00:00.123456789Z")])).tolist()
    ['2025-03-11T00:00:00.123456789Z']
    >>> iso_utc_column(pd.Series(["2025-03-11T00:00:00Z"]), digits=6).tolist()
    ['2025-03-11T00:00:00.000000Z']
    """
    if digits not in (6, 9):
        raise ValueError(f"digits must be 6 or 9, got {digits!r}")
    times = utc_series(values)
    text = times.dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if digits == 9:
        text = text + times.dt.nanosecond.map("{:03d}".format)
    return text + "Z"
