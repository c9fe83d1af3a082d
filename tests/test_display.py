"""Readable HTML tables: unit headers, UTC times, rounding, captions, escaping, IPython hook."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.formatters import DisplayFormatter

from gstk.catalog.stations import load_stations
from gstk.jupyter import display

START = pd.Timestamp("2025-03-11T00:00:00Z")


@pytest.fixture
def contacts() -> pd.DataFrame:
    aos = START + pd.to_timedelta([600.4, 4000.0, 9000.0], unit="s")
    frame = pd.DataFrame({
        "satellite_id": ["SAT-1", "SAT-1", "SAT-2"],
        "station_id": ["KSAT/Svalbard", "AWS/Ohio", "KSAT/Svalbard"],
        "aos": aos,
        "los": aos + pd.to_timedelta([300.0, 420.0, 540.0], unit="s"),
        "duration_s": [300.0, 420.0, 540.0],
        "max_elevation_deg": [12.3456, 45.0, 88.8888],
    })
    frame.attrs.update(start=START, end=START + pd.Timedelta(days=1),
                       units={"aos": "UTC", "los": "UTC", "duration_s": "s", "max_elevation_deg": "deg"})
    return frame


@pytest.mark.parametrize(("column", "units", "label"), [
    ("duration_s", None, "duration (s)"),
    ("max_elevation_deg", None, "max elevation (°)"),
    ("rate_bps", None, "rate (bit/s)"),
    ("speed_km_s", None, "speed (km/s)"),  # not "speed km (s)"
    ("monthly_cost_usd", {"monthly_cost_usd": "USD/month"}, "monthly cost (USD/month)"),
    ("station_id", None, "station id"),
    ("eccentricity", {"eccentricity": "1"}, "eccentricity"),
    ("aos", {"aos": "UTC"}, "aos (UTC)"),
    ("status", None, "status"),  # ends in "s", not in "_s"
])
def test_column_label(column, units, label):
    assert display.column_label(column, units) == label


def test_readable_frame_formats_times_in_utc_and_rounds_by_unit(contacts):
    shown = display.readable_frame(contacts)
    assert list(shown.columns) == ["satellite id", "station id", "aos (UTC)", "los (UTC)", "duration (s)",
                                   "max elevation (°)"]
    assert shown["aos (UTC)"].tolist()[0] == "2025-03-11 00:10:00"
    assert shown["max elevation (°)"].tolist() == [12.35, 45.0, 88.89]
    assert contacts["max_elevation_deg"].iloc[0] == 12.3456  # the input is untouched


def test_readable_frame_converts_other_time_zones_to_utc():
    frame = pd.DataFrame({"t": pd.to_datetime(["2025-03-11T02:00:00+02:00"])})
    assert display.readable_frame(frame)["t (UTC)"].item() == "2025-03-11 00:00:00"


def test_html_table_escapes_caption_and_notes_hidden_rows(contacts):
    text = display.html_table(contacts, caption="<b>3 contacts</b>", max_rows=2)
    assert "&lt;b&gt;3 contacts&lt;/b&gt;" in text and "<b>3 contacts</b>" not in text
    assert "1 more rows" in text
    assert text.count("<td>SAT-") == 2  # only max_rows rows are shown
    assert "<th>duration (s)</th>" in text


def test_contact_table_caption_summarises_the_window(contacts):
    table = display.contact_table(contacts)
    assert table.caption == ("3 contacts, 2 satellites × 2 stations, 2025-03-11 00:00 → 2025-03-12 00:00 UTC; "
                             "0.3 h in contact, median pass 7.0 min")
    assert "gstk-table" in table._repr_html_()
    assert table.frame is contacts


def test_station_table_counts_providers():
    stations = load_stations(providers=["KSAT", "Viasat"])
    table = display.station_table(stations, max_rows=5)
    counts = stations["provider"].value_counts()
    assert table.caption == f"{len(stations)} stations of 2 providers: KSAT {counts['KSAT']}, Viasat {counts['Viasat']}"
    html = table._repr_html_()
    assert "<th>lat (°)</th>" in html and f"{len(stations) - 5} more rows" in html


def test_use_rich_tables_formats_only_frames_with_units(contacts):
    formatter = DisplayFormatter()

    class Shell:
        display_formatter = formatter

    assert display.use_rich_tables(Shell()) is True
    data, _ = formatter.format(contacts)
    assert "gstk-table" in data["text/html"] and "max elevation (°)" in data["text/html"]
    plain = pd.DataFrame({"a_s": [1.0]})
    data, _ = formatter.format(plain)
    assert "gstk-table" not in data["text/html"] and "a_s" in data["text/html"]


def test_use_rich_tables_outside_ipython_is_a_no_op():
    assert display.use_rich_tables() is False


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8), st.integers(min_value=1, max_value=5))
def test_html_table_keeps_rows_and_escapes_text(texts, max_rows):
    frame = pd.DataFrame({"name": texts, "value_km": [float(i) for i in range(len(texts))]})
    shown = display.readable_frame(frame, max_rows=max_rows)
    assert len(shown) == min(max_rows, len(texts)) and list(shown.columns) == ["name", "value (km)"]
    html = display.html_table(frame.assign(name=[t + "<script>" for t in texts]), max_rows=None)
    assert "<script>" not in html
