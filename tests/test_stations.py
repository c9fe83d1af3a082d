"""Tests for gstk.catalog: schema, filters, bad-input errors, Table 3 errata and checks."""
from __future__ import annotations

import doctest
import logging
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import gstk.catalog.errata as errata_module
import gstk.catalog.stations as stations_module
from gstk import datasets
from gstk.catalog.errata import apply_errata, catalog_issues, load_errata, printed_table3
from gstk.catalog.stations import (
    OPTIONAL_DEFAULTS,
    REQUIRED_COLUMNS,
    STATUSES,
    load_stations,
    parse_bands,
    providers,
    station_schema,
)
from gstk.errors import GstkError, StationDataError, UnknownProviderError

CONTRACT_COLUMNS = ["station_id", "provider", "name", "country", "lat_deg", "lon_deg", "alt_m", "status",
                    "bands", "antennas", "min_elevation_deg"]
TABLE3_COLUMNS = list(REQUIRED_COLUMNS)
SEED_NAME = "stations-seed-table3.csv"
GOOD_ROW = {"provider": "Acme", "name": "Alpha", "country": "Norway", "lat_deg": "69.66",
            "lon_deg": "18.95", "status": "Operational"}


def seed_path() -> Path:
    """Return the printed Table 3 (shared/data, beside the repository), or skip."""
    for parent in Path(__file__).resolve().parents:
        for candidate in (parent / "shared" / "data" / SEED_NAME, parent.parent / "shared" / "data" / SEED_NAME):
            if candidate.exists():
                return candidate
    pytest.skip(f"{SEED_NAME} not found in a shared/data folder above the repository")


def write_csv(directory: Path, rows: list[dict], name: str = "stations.csv") -> Path:
    path = directory / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


# ---- schema and bundled catalog ---------------------------------------------------------------

def test_bundled_catalog_follows_schema():
    df = load_stations(status=None)
    schema = station_schema()
    assert list(df.columns) == list(schema["column"])
    assert list(df.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert {c: str(t) for c, t in df.dtypes.items()} == dict(zip(schema["column"], schema["dtype"]))
    assert isinstance(df.index, pd.RangeIndex)
    assert df.attrs["units"] == {"lat_deg": "deg", "lon_deg": "deg", "alt_m": "m", "min_elevation_deg": "deg"}
    assert (df["station_id"] == df["provider"] + "/" + df["name"]).all()
    assert df["station_id"].is_unique


def test_schema_lists_exactly_the_columns_the_loader_knows():
    assert set(station_schema()["column"]) == set(REQUIRED_COLUMNS) | set(OPTIONAL_DEFAULTS)
    assert list(station_schema().columns) == ["column", "dtype", "unit", "description"]


def test_bundled_catalog_contents():
    df = load_stations(status=None)
    assert len(df) == 104  # every row of Table 3
    assert providers(df) == ["Atlas", "AWS", "Azure", "KSAT", "Leaf", "Viasat"]
    assert set(df["status"]) == set(STATUSES)
    assert (df["antennas"] == 1).all() and (df["min_elevation_deg"] == 10.0).all()
    assert df["lat_deg"].between(-90, 90).all() and df["lon_deg"].between(-180, 180).all()
    assert ((df["alt_m"] == 0.0) | df["alt_known"]).all()
    assert set(df["bands_source"]) == {"provider list", "unknown"}
    assert ((df["bands"] == "") == (df["bands_source"] == "unknown")).all()
    for text in df["bands"]:  # canonical: parsing and re-joining changes nothing
        assert ";".join(parse_bands(text)) == text
    svalbard = df.set_index("station_id").loc["KSAT/Svalbard"]
    assert svalbard["bands"] == "Ka;S;X" and svalbard["lat_deg"] == pytest.approx(78.23)


def test_corrected_rows_hold_public_positions():
    df = load_stations(status=None).set_index("station_id")
    assert tuple(df.loc["Atlas/Sunyani", ["lat_deg", "lon_deg"]]) == pytest.approx((7.34, -2.34))
    assert tuple(df.loc["Viasat/Pitea", ["lat_deg", "lon_deg"]]) == pytest.approx((65.33, 21.42))
    assert df.loc["AWS/Alaska", "lat_deg"] == pytest.approx(61.22)
    assert df.loc["AWS/Punta Arenas", "country"] == "Chile"
    for sid in ("Leaf/Pretoria", "Viasat/Krugersdorp", "Leaf/Santiago"):
        assert df.loc[sid, "lat_deg"] < 0
    assert "KSAT/Tsukuba" in df.index and "Leaf/Puertollano" in df.index


# ---- filters ----------------------------------------------------------------------------------

def test_default_keeps_operational_only():
    df = load_stations()
    assert set(df["status"]) == {"Operational"}
    assert len(df) == (load_stations(status=None)["status"] == "Operational").sum()


@pytest.mark.parametrize("wanted, expected", [("ksat", {"KSAT"}), ("KSAT", {"KSAT"}),
                                              (["aws", "Leaf"], {"AWS", "Leaf"})])
def test_provider_filter_ignores_case(wanted, expected):
    df = load_stations(providers=wanted, status=None)
    assert set(df["provider"]) == expected
    assert len(df) == load_stations(status=None)["provider"].isin(expected).sum()


def test_unknown_provider_lists_known_ones():
    with pytest.raises(UnknownProviderError) as err:
        load_stations(providers=["KSAT", "Planet"])
    assert "Planet" in str(err.value)
    for name in ("Atlas", "AWS", "Azure", "KSAT", "Leaf", "Viasat"):
        assert name in str(err.value)


def test_status_filter():
    assert set(load_stations(status="planned")["status"]) == {"Planned"}
    both = load_stations(status=["Planned", "Potential"])
    assert set(both["status"]) == {"Planned", "Potential"}
    assert set(load_stations(status=None)["status"]) == set(STATUSES)
    assert providers(load_stations(status="Decommissioned")) == ["Azure"]


def test_unknown_status_is_a_clear_error():
    with pytest.raises(GstkError, match="Decommissioned") as err:
        load_stations(status="Retired")
    assert "Retired" in str(err.value)


def test_band_filter_requires_all_bands_and_logs_unknown(caplog):
    everything = load_stations(status=None)
    with caplog.at_level(logging.INFO, logger="gstk.catalog.stations"):
        df = load_stations(status=None, bands="s;X")
    assert len(df) > 0
    assert all({"S", "X"} <= set(b.split(";")) for b in df["bands"])
    expected = everything["bands"].map(lambda b: {"S", "X"} <= set(b.split(";")))
    assert len(df) == expected.sum()
    assert "bands are unknown" in caplog.text and "KSAT/Weilheim" in caplog.text
    assert load_stations(bands=["Ka", "L"])["station_id"].tolist() == ["Viasat/Accra", "Viasat/Alice Springs"]


def test_unknown_band_is_an_error():
    with pytest.raises(GstkError, match="Q-band"):
        load_stations(bands="Q-band")


def test_parse_bands():
    assert parse_bands("x;ka; S") == ("Ka", "S", "X")
    assert parse_bands(["uhf", "S", "s"]) == ("S", "UHF")
    assert parse_bands("") == () and parse_bands(None) == ()


def test_filters_return_a_fresh_range_index_with_units():
    df = load_stations(providers="Viasat", status=None)
    assert isinstance(df.index, pd.RangeIndex) and df.index[0] == 0
    assert df.attrs["units"]["lat_deg"] == "deg"


# ---- user files and bad input -----------------------------------------------------------------

def test_user_file_with_required_columns_gets_defaults(tmp_path):
    df = load_stations(write_csv(tmp_path, [GOOD_ROW, {**GOOD_ROW, "name": "Beta", "status": "Planned"}]),
                       status=None)
    assert df["station_id"].tolist() == ["Acme/Alpha", "Acme/Beta"]
    assert df["antennas"].tolist() == [1, 1] and df["min_elevation_deg"].tolist() == [10.0, 10.0]
    assert df["bands"].tolist() == ["", ""] and df["alt_m"].tolist() == [0.0, 0.0]
    assert not df["alt_known"].any()
    assert list(df.columns) == list(station_schema()["column"])


def test_user_file_optional_columns_are_read(tmp_path):
    row = {**GOOD_ROW, "alt_m": "120.5", "bands": "x, s", "antennas": "3", "min_elevation_deg": "5",
           "cost_usd": "10"}
    df = load_stations(write_csv(tmp_path, [row]))
    assert df.loc[0, "alt_m"] == 120.5 and bool(df.loc[0, "alt_known"])
    assert df.loc[0, "bands"] == "S;X" and df.loc[0, "antennas"] == 3
    assert df.loc[0, "min_elevation_deg"] == 5.0 and df.columns[-1] == "cost_usd"


def test_empty_optional_cells_get_defaults(tmp_path):
    rows = [{**GOOD_ROW, "antennas": "2", "alt_m": "5", "bands": "S"},
            {**GOOD_ROW, "name": "Beta", "antennas": "", "alt_m": "", "bands": ""}]
    df = load_stations(write_csv(tmp_path, rows))
    assert df["antennas"].tolist() == [2, 1] and df["alt_m"].tolist() == [5.0, 0.0]
    assert df["alt_known"].tolist() == [True, False]
    assert df["bands_source"].tolist() == ["user file", "unknown"]


def test_providers_sorts_ignoring_case():
    assert providers(pd.DataFrame({"provider": ["b", "KSAT", "AWS", "Atlas", "b"]})) == ["Atlas", "AWS", "b",
                                                                                         "KSAT"]


def test_missing_required_columns_are_named(tmp_path):
    row = {k: v for k, v in GOOD_ROW.items() if k not in ("lat_deg", "status")}
    with pytest.raises(StationDataError) as err:
        load_stations(write_csv(tmp_path, [row]))
    assert "lat_deg" in str(err.value) and "status" in str(err.value)
    assert "country" not in str(err.value).split("missing required column(s)")[1].split(";")[0]


@pytest.mark.parametrize("column, value", [
    ("lat_deg", "90.01"), ("lat_deg", "-90.5"), ("lon_deg", "180.01"), ("lon_deg", "-200"),
    ("lat_deg", "north"), ("lon_deg", ""), ("status", "Decomissioned"), ("antennas", "0"),
    ("antennas", "1.5"), ("min_elevation_deg", "95"), ("alt_m", "high"), ("bands", "S;Q-band"),
    ("name", ""),
])
def test_each_bad_cell_names_line_and_station(tmp_path, column, value):
    bad = {**GOOD_ROW, "name": "Gamma", column: value}
    path = write_csv(tmp_path, [GOOD_ROW, {**GOOD_ROW, "name": "Beta"}, bad])
    with pytest.raises(StationDataError) as err:
        load_stations(path, status=None)
    assert err.value.rows == [4]  # header is line 1
    assert "line 4" in str(err.value) and column in str(err.value)
    assert ("Gamma" if column != "name" else "?") in str(err.value)


def test_duplicate_station_id_names_the_later_row(tmp_path):
    path = write_csv(tmp_path, [GOOD_ROW, {**GOOD_ROW, "name": "Beta"}, GOOD_ROW])
    with pytest.raises(StationDataError, match="station_id") as err:
        load_stations(path)
    assert err.value.rows == [4]


def test_every_bad_row_is_reported_at_once(tmp_path):
    path = write_csv(tmp_path, [{**GOOD_ROW, "lat_deg": "95"}, GOOD_ROW | {"name": "B"},
                                {**GOOD_ROW, "name": "C", "lon_deg": "x"}])
    with pytest.raises(StationDataError) as err:
        load_stations(path)
    assert err.value.rows == [2, 4]


def test_line_numbers_count_blank_lines(tmp_path):
    header = ",".join(GOOD_ROW)
    path = tmp_path / "gaps.csv"
    path.write_text(f"{header}\n{','.join(GOOD_ROW.values())}\n\n"
                    f"Acme,Delta,Norway,99,18.95,Operational\n", encoding="utf-8")
    with pytest.raises(StationDataError) as err:
        load_stations(path)
    assert err.value.rows == [4] and "Delta" in str(err.value)


@settings(max_examples=60, deadline=None)
@given(lat=st.floats(-400, 400, allow_nan=False), lon=st.floats(-400, 400, allow_nan=False))
@example(lat=90.0, lon=180.0).via("inclusive bounds")
@example(lat=-90.0, lon=-180.0).via("inclusive bounds")
@example(lat=90.000001, lon=0.0).via("just outside")
@example(lat=0.0, lon=-180.000001).via("just outside")
def test_coordinates_are_accepted_exactly_when_in_range(lat, lon):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp), [{**GOOD_ROW, "lat_deg": repr(lat), "lon_deg": repr(lon)}])
        valid = -90 <= lat <= 90 and -180 <= lon <= 180
        if valid:
            df = load_stations(path)
            assert (df.loc[0, "lat_deg"], df.loc[0, "lon_deg"]) == (lat, lon)
        else:
            with pytest.raises(StationDataError) as err:
                load_stations(path)
            assert err.value.rows == [2]


# ---- Table 3 errata and the checks that find them ---------------------------------------------

def test_errata_file_shape():
    errata = load_errata()
    assert list(errata.columns) == ["row", "provider", "station", "column", "printed", "corrected", "reason"]
    assert errata["column"].isin(TABLE3_COLUMNS).all()
    assert (errata["reason"].str.len() > 5).all()
    assert not errata.duplicated(["row", "column"]).any()


def test_catalog_rederives_from_printed_table_and_errata():
    derived = apply_errata(printed_table3(seed_path()), load_errata())
    catalog = load_stations(status=None)
    expected = derived.astype({"lat_deg": "float64", "lon_deg": "float64"})
    pd.testing.assert_frame_equal(catalog[TABLE3_COLUMNS], expected, check_dtype=False)
    assert (catalog["station_id"] == derived["provider"] + "/" + derived["name"]).all()


def test_checks_flag_every_erratum_row_of_the_printed_table():
    printed = printed_table3(seed_path())
    issues = catalog_issues(printed)
    errata = load_errata()
    assert set(errata["row"]) <= set(issues["row"])
    for e in errata.itertuples():  # row numbers point at the printed station
        assert printed.iloc[e.row - 1]["name"] == e.station
        assert printed.iloc[e.row - 1][e.column] == e.printed


def test_checks_flag_nothing_on_the_corrected_catalog():
    issues = catalog_issues(load_stations(status=None))
    assert issues.empty, issues.to_string()


def test_apply_errata_refuses_a_wrong_printed_value():
    printed = printed_table3(seed_path())
    bad = load_errata().head(1).assign(printed="0.00")
    with pytest.raises(StationDataError, match="row 4"):
        apply_errata(printed, bad)


def table(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["provider", "name", "country", "lat_deg", "lon_deg", "status"])


def checks_of(df: pd.DataFrame, **kwargs) -> dict[int, set[str]]:
    issues = catalog_issues(df, known_names=kwargs.get("known_names", ()))
    return {r: set(g["check"]) for r, g in issues.groupby("row")}


def test_sign_flip_and_swap_are_diagnosed():
    issues = catalog_issues(table(("A", "Pretoria", "South Africa", 25.86, 28.45, "Operational"),
                                  ("A", "Quito", "Chile", -33.4, 70.7, "Operational"),
                                  ("A", "Swap", "Ghana", -0.2, 5.6, "Operational")), known_names=())
    messages = issues.set_index("row")["message"]
    assert "latitude sign flipped" in messages[1]
    assert "longitude sign flipped" in messages[2]
    assert "swapped" in messages[3]


def test_copied_coordinates_are_flagged_unless_shared_site():
    df = table(("A", "Dubai", "United Arab Emirates", 24.94, 55.35, "Operational"),
               ("A", "Sunyani", "Ghana", 24.94, 55.35, "Operational"),
               ("K", "Mingenew", "Australia", -29.01, 115.34, "Operational"),
               ("L", "Nangetty", "Australia", -29.01, 115.34, "Operational"),
               ("K", "Jeju", "South Korea", 33.39, 126.32, "Operational"),
               ("L", "Jeju", "South Korea", 33.39, 126.32, "Operational"),
               ("V", "Perth", "Australia", -29.01, 115.34 + 0.02, "Operational"))
    found = checks_of(df)
    assert "duplicate site" in found[1] and "duplicate site" in found[2]
    assert "position" in found[2]
    assert 3 not in found and 4 not in found and 5 not in found and 6 not in found and 7 not in found
    moved = df.assign(name=df["name"].replace({"Nangetty": "Geraldton"}))
    assert "duplicate site" in checks_of(moved)[4]


def test_same_site_in_two_countries_and_unknown_country_are_flagged():
    found = checks_of(table(("A", "Punta Arenas", "Argentina", -52.94, -70.87, "Operational"),
                            ("K", "Punta Arenas", "Chile", -52.90, -70.80, "Operational"),
                            ("A", "Cordoba", "Spain", 37.88, -4.78, "Operational"),
                            ("K", "Cordoba", "Argentina", -31.52, -64.46, "Operational"),
                            ("A", "Dundee", "Scotland", 56.40, -3.18, "Operational")))
    assert found[1] == {"country", "position"} and found[2] == {"country"}
    assert 3 not in found and 4 not in found  # same name, far apart: two places
    assert found[5] == {"country"}


def test_misspelled_status_and_names_are_flagged():
    df = table(("K", "Tuskuba", "Japan", 36.13, 140.08, "Operational"),
               ("K", "Puertollano", "Spain", 38.67, -4.16, "Decomissioned"),
               ("L", "Puetrollano", "Spain", 38.60, -4.10, "Operational"))
    found = checks_of(df, known_names=["Tsukuba", "Puertollano"])
    assert found == {1: {"spelling"}, 2: {"status"}, 3: {"spelling"}}
    assert checks_of(df.iloc[:1], known_names=[]) == {}  # nothing to compare with: no finding


def osa_distance(a: str, b: str) -> int:
    """Reference optimal-string-alignment distance (dynamic programme)."""
    d = np.zeros((len(a) + 1, len(b) + 1), dtype=int)
    d[:, 0], d[0, :] = range(len(a) + 1), range(len(b) + 1)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i, j] = min(d[i, j], d[i - 2, j - 2] + 1)
    return int(d[-1, -1])


@settings(max_examples=300, deadline=None)
@given(a=st.text("abc", max_size=6), b=st.text("abc", max_size=6))
def test_one_edit_apart_matches_edit_distance(a, b):
    assert errata_module._one_edit_apart(a, b) == (osa_distance(a, b) == 1)


def test_docstring_examples_run():
    results = [doctest.testmod(m, optionflags=doctest.NORMALIZE_WHITESPACE) for m in (stations_module, errata_module)]
    assert sum(r.attempted for r in results) >= 6 and sum(r.failed for r in results) == 0


def test_bundled_paths_are_the_datasets_paths():
    assert datasets.stations_csv().exists() and datasets.errata_csv().exists()
    assert (datasets.data_dir() / "stations_schema.csv").exists()
