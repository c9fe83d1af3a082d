"""gstk.times: one UTC rule (naive means UTC) and the ISO-8601 text gstk writes."""
from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gstk import times
from gstk.times import iso_utc, iso_utc_column, iso_utc_us, utc, utc_index, utc_naive, utc_series

#: Naive datetimes well inside pandas' nanosecond range (1677-2262), to the microsecond.
NAIVE = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
#: Fixed UTC offsets a time zone can have, to the minute (-14 h .. +14 h).
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
#: Instants to the nanosecond, as integer nanoseconds since 1970 (1900 .. 2200).
NANOSECONDS = st.integers(pd.Timestamp("1900-01-01").value, pd.Timestamp("2200-01-01").value)


def test_doctests():
    assert doctest.testmod(times).failed == 0


@given(NAIVE, OFFSETS)
def test_naive_aware_and_text_give_the_same_instant(naive, tz):
    aware = naive.replace(tzinfo=dt.timezone.utc).astimezone(tz)  # the same instant, another zone
    expected = pd.Timestamp(naive).tz_localize("UTC")
    for value in (naive, aware, aware.isoformat(), naive.isoformat(), np.datetime64(naive), pd.Timestamp(aware)):
        stamp = utc(value)
        assert stamp == expected and str(stamp.tz) == "UTC", value


@given(st.lists(st.tuples(NAIVE, OFFSETS, st.booleans()), min_size=1, max_size=5))
def test_utc_index_mixes_naive_and_aware(rows):
    values = [naive.replace(tzinfo=dt.timezone.utc).astimezone(tz) if aware else naive for naive, tz, aware in rows]
    index = utc_index(values)
    assert str(index.tz) == "UTC"
    assert list(index) == [utc(v) for v in values]
    assert list(utc_index(pd.Series(values, dtype=object))) == list(index)


def test_utc_index_takes_one_value():
    assert list(utc_index("2025-03-11T01:00+01:00")) == [pd.Timestamp("2025-03-11", tz="UTC")]


@given(st.lists(NAIVE, min_size=1, max_size=5), OFFSETS)
def test_utc_series_and_utc_naive_agree_with_utc(naives, tz):
    aware = pd.Series([pd.Timestamp(n).tz_localize("UTC").tz_convert(tz) for n in naives])
    for values in (pd.Series(naives), aware):
        series = utc_series(values)
        assert series.dt.tz is not None and list(series) == [utc(n) for n in naives]
        assert list(utc_naive(values)) == [pd.Timestamp(n) for n in naives]


@given(NANOSECONDS)
def test_iso_utc_round_trips_to_the_nanosecond(ns):
    stamp = pd.Timestamp(ns, tz="UTC")
    text = iso_utc(stamp)
    assert text.endswith("Z") and "+" not in text
    assert utc(text) == stamp
    assert iso_utc(stamp.tz_localize(None)) == text == iso_utc(stamp.tz_convert("Asia/Kolkata"))


@given(NANOSECONDS)
def test_iso_utc_us_round_trips_to_the_microsecond(ns):
    stamp = pd.Timestamp(ns, tz="UTC")
    text = iso_utc_us(stamp)
    assert utc(text) == stamp.floor("us")
    assert iso_utc_us(stamp.tz_convert("America/Chicago")) == text


@given(st.lists(NANOSECONDS, min_size=1, max_size=5))
def test_iso_utc_column_round_trips(ns):
    stamps = pd.Series(pd.to_datetime(ns, unit="ns", utc=True))
    nine, six = iso_utc_column(stamps), iso_utc_column(stamps, digits=6)
    assert set(nine.str.len()) == {30} and set(six.str.len()) == {27}
    assert list(utc_series(nine, format="ISO8601")) == list(stamps)
    assert list(utc_series(six, format="ISO8601")) == list(stamps.dt.floor("us"))


@pytest.mark.parametrize(("value", "lossless", "micro", "nine", "six"), [
    ("2025-03-11T00:00:00Z", "2025-03-11T00:00:00Z", "2025-03-11T00:00:00Z",
     "2025-03-11T00:00:00.000000000Z", "2025-03-11T00:00:00.000000Z"),
    ("2025-03-11T00:00:00.25Z", "2025-03-11T00:00:00.250000Z", "2025-03-11T00:00:00.250000Z",
     "2025-03-11T00:00:00.250000000Z", "2025-03-11T00:00:00.250000Z"),
    ("2025-03-11T00:00:00.000000001Z", "2025-03-11T00:00:00.000000001Z", "2025-03-11T00:00:00.000000Z",
     "2025-03-11T00:00:00.000000001Z", "2025-03-11T00:00:00.000000Z"),
    ("2025-03-11T01:00:00+01:00", "2025-03-11T00:00:00Z", "2025-03-11T00:00:00Z",
     "2025-03-11T00:00:00.000000000Z", "2025-03-11T00:00:00.000000Z"),
])
def test_iso_text_formats_are_pinned(value, lossless, micro, nine, six):
    stamp = pd.Timestamp(value)
    assert iso_utc(stamp) == lossless
    assert iso_utc_us(stamp) == micro
    assert iso_utc_column(pd.Series([stamp])).item() == nine
    assert iso_utc_column(pd.Series([stamp]), digits=6).item() == six


def test_iso_utc_column_takes_six_or_nine_digits():
    with pytest.raises(ValueError, match="digits must be 6 or 9"):
        iso_utc_column(pd.Series([pd.Timestamp("2025-03-11", tz="UTC")]), digits=3)


def test_bad_times_raise_what_pandas_raises():
    for call in (utc, utc_index, iso_utc):
        with pytest.raises(ValueError):
            call("not a time")
