"""Tests of gstk.orbits (with gstk.orbits.tle and gstk.orbits.omm): readers, errors, designs, selection."""
from __future__ import annotations

import http.server
import re
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4.api import Satrec, SatrecArray

from gstk import datasets
from gstk.errors import OfflineError, SatelliteDataError, TLEError
from gstk.orbits import satellites
from gstk.orbits.elements import raan_from_ltan_deg, sun_synchronous_inclination_deg
from gstk.orbits.satellites import (
    Satellites,
    demo_constellation,
    download_celestrak,
    load_satellites,
    satellites_from_elements,
)
from gstk.orbits.tle import TLE_TEMPLATES, tle_checksum
from gstk.units import EARTH_RADIUS_KM

DATA = Path(__file__).parent / "data"
THREE_LE = DATA / "five-satellites.3le"
#: OMM and TLE of one element set carry the same digits; SGP4 results differ by float rounding (mm).
ONE_METER_KM = 1e-3
#: Osculating vs mean elements: short-period J2 terms move i, RAAN and the in-plane angle by < 0.1 deg in LEO.
OSCULATING_DEG = 0.1
#: SGP4's secular node rate adds J2**2 and J4 terms to the J2-only SSO condition: ~0.2 % of 29.6 deg/30 d.
SSO_DRIFT_30D_DEG = 0.1
#: Along-track short-period J2 terms move the osculating argument of latitude by up to ~0.2 deg in LEO.
ARG_LATITUDE_DEG = 0.3
#: The mean sun leads or trails the true sun by the equation of time, -7.4 min (1.85 deg) at the March equinox.
EQUATION_OF_TIME_DEG = 2.5


def three_le_text() -> str:
    return THREE_LE.read_text()


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def positions_km(sats: Satellites, days: np.ndarray) -> np.ndarray:
    """TEME positions (n_sat, n_time, 3) at ``days`` after 2025-03-10T00:00Z."""
    errors, r, _ = sats.satrec_array().sgp4(np.full(days.shape, 2460744.5), days)
    assert (errors == 0).all()
    return r


def node_and_inclination_deg(satrec: Satrec, days: float) -> tuple[float, float]:
    """Osculating RAAN and inclination from the angular-momentum vector ``days`` after epoch."""
    error, r, v = satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF + days)
    assert error == 0
    h = np.cross(r, v)
    return float(np.degrees(np.arctan2(h[0], -h[1])) % 360), float(np.degrees(np.arccos(h[2] / np.linalg.norm(h))))


def angle_difference_deg(a: float, b: float) -> float:
    return float((a - b + 180.0) % 360.0 - 180.0)


# -- TLE reading --------------------------------------------------------------------------------
def test_3le_file_reads_names_ids_and_elements():
    sats = load_satellites(THREE_LE)
    assert sats.name.tolist() == ["LCS 1", "ISS (ZARYA)", "CXO", "NOAA 19", "SENTINEL-2A"]
    assert sats.satellite_id.tolist() == ["1361", "25544", "25867", "33591", "40697"]
    iss = sats["25544"].to_frame().iloc[0]
    assert iss["epoch"] == pd.Timestamp("2025-03-11T10:57:43.125696Z")
    assert iss["inclination_deg"] == pytest.approx(51.6369, abs=1e-9)
    assert iss["eccentricity"] == pytest.approx(0.0006338, abs=1e-12)
    assert 400 < iss["perigee_km"] < iss["apogee_km"] < 430
    assert iss["norad_id"] == 25544


def test_2le_and_3le_give_same_satrecs_and_2le_names_are_ids():
    lines = lines_of(three_le_text())
    two_le = "\n".join(line for k, line in enumerate(lines) if k % 3)
    three, two = load_satellites(THREE_LE), load_satellites(two_le)
    assert two.satellite_id.tolist() == three.satellite_id.tolist()
    assert two.name.tolist() == two.satellite_id.tolist()
    days = np.linspace(0.0, 3.0, 7)
    assert np.array_equal(positions_km(two, days), positions_km(three, days))


def test_zero_prefixed_names_blank_lines_and_crlf_are_tolerated():
    lines = lines_of(three_le_text())
    text = "\r\n\r\n".join(("0 " + line) if k % 3 == 0 else line for k, line in enumerate(lines)) + "\r\n\n"
    sats = load_satellites(text)
    assert sats.name.tolist() == load_satellites(THREE_LE).name.tolist()


def test_checksum_error_names_satellite_line_and_both_digits():
    lines = lines_of(three_le_text())
    assert lines[5].startswith("2 25544  51.6369")
    lines[5] = lines[5].replace("51.6369", "51.6379")  # one digit up by 1: tally 3 -> 4
    with pytest.raises(TLEError) as info:
        load_satellites("\n".join(lines))
    assert "TLE line 2 of 'ISS (ZARYA)' (line 6 of the input text) gives checksum 3 but tallies to 4" in str(info.value)
    assert info.value.line_number == 6


def test_checksum_error_in_a_file_names_the_file(tmp_path):
    lines = lines_of(three_le_text())
    lines[10] = lines[10][:68] + str((int(lines[10][68]) + 5) % 10)
    path = tmp_path / "broken.tle"
    path.write_text("\n".join(lines))
    with pytest.raises(TLEError, match=r"TLE line 1 of 'NOAA 19' \(line 11 of file broken.tle\) gives checksum"):
        load_satellites(path)


def test_checksum_counts_digits_and_minus_signs():
    line = "1 01361U 65034C   25069.58220451 -.00000006  00000+0 -18353-2 0  9997"
    digits = sum(int(c) for c in line[:68] if c.isdigit())
    assert tle_checksum(line) == (digits + line[:68].count("-")) % 10 == 7


@settings(max_examples=60, deadline=None)
@given(line_index=st.sampled_from([1, 2, 4, 5, 7, 8, 10, 11, 13, 14]), data=st.data())
def test_any_single_digit_change_is_caught_by_the_checksum(line_index, data):
    lines = lines_of(three_le_text())
    line = lines[line_index]
    columns = [k for k in range(2, 68) if line[k].isdigit()]
    column = data.draw(st.sampled_from(columns))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != line[column]]))
    lines[line_index] = line[:column] + digit + line[column + 1:]
    with pytest.raises(TLEError, match="gives checksum") as info:
        load_satellites("\n".join(lines))
    assert info.value.line_number == line_index + 1


def test_template_error_prints_line_under_template_with_marker():
    lines = lines_of(three_le_text())
    lines[4] = lines[4].replace("25070.45674914", "25O70.45674914")
    with pytest.raises(TLEError) as info:
        load_satellites("\n".join(lines))
    message = str(info.value)
    assert "TLE line 1 of 'ISS (ZARYA)' (line 5 of the input text)" in message
    assert "columns 19-32 (epoch YYDDD.DDDDDDDD) read '25O70.45674914'" in message
    shown = message.splitlines()
    k = shown.index("  " + lines[4])
    assert shown[k + 1] == "  " + TLE_TEMPLATES[1]
    assert shown[k + 2] == "  " + " " * 18 + "^" * 14  # under columns 19-32
    assert info.value.line_number == 5


@pytest.mark.parametrize("mangle, problem", [
    (lambda s: s[:-1], "68 characters long, expected 69"),
    (lambda s: s.replace(" ", "\t", 1), "columns 2-2 (blank)"),
    (lambda s: s[:9] + s[10:] + "0", "columns 9-16 (inclination, deg) read ' 8.5672 '"),
    (lambda s: s[:30] + s[31:], "68 characters long, expected 69; columns 27-33 (eccentricity"),
])
def test_malformed_line_2_is_reported_with_its_problem(mangle, problem):
    lines = lines_of(three_le_text())
    lines[14] = mangle(lines[14])
    with pytest.raises(TLEError, match=re.escape(problem)) as info:
        load_satellites("\n".join(lines))
    assert TLE_TEMPLATES[2] in str(info.value)
    assert info.value.line_number == 15


def test_line_numbers_count_blank_lines():
    lines = lines_of(three_le_text())
    lines[11] = lines[11].replace("99.0080", "99.0081")  # NOAA 19 line 2
    text = "\n\n" + "\n".join(lines[:9]) + "\n\n   \n" + "\n".join(lines[9:])
    expected = text.splitlines().index(lines[11]) + 1
    with pytest.raises(TLEError, match=f"line {expected} of the input text") as info:
        load_satellites(text)
    assert info.value.line_number == expected == 16


def test_mismatched_satellite_numbers_between_lines():
    lines = lines_of(three_le_text())
    lines[5], lines[11] = lines[11], lines[5]  # ISS line 2 <-> NOAA 19 line 2 (checksums still valid)
    with pytest.raises(TLEError, match=r"different satellite numbers: '25544' on line 1 but '33591' on line 2") as info:
        load_satellites("\n".join(lines))
    assert info.value.line_number == 5


@pytest.mark.parametrize("drop, words", [
    (4, "TLE line 2 at line 5 of the input text has no line 1 before it"),  # ISS line 1 missing
    (5, "TLE line 1 at line 5 of the input text is not followed by a line 2"),  # ISS line 2 missing
])
def test_missing_lines_are_reported(drop, words):
    lines = lines_of(three_le_text())
    del lines[drop]
    with pytest.raises(TLEError, match=words) as info:
        load_satellites("\n".join(lines))
    assert info.value.line_number == 5


def test_two_name_lines_in_a_row_are_reported():
    lines = lines_of(three_le_text())
    lines.insert(3, "STRAY NAME")
    with pytest.raises(TLEError, match="Name line 4 .* followed by 'ISS \\(ZARYA\\)' at line 5") as info:
        load_satellites("\n".join(lines))
    assert info.value.line_number == 5


def test_full_snapshot_reads_every_satellite():
    path = datasets.shared_tle_path()
    if not path.exists():
        pytest.skip(f"shared Celestrak snapshot not found at {path} (set GSTK_TLE_PATH)")
    sats = load_satellites(path)
    assert len(sats) == 11_101 == path.read_text().count("\n1 ")


# -- OMM ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["five-satellites.json", "five-satellites.csv"])
def test_omm_and_tle_of_same_satellites_give_same_positions(name):
    tle, omm = load_satellites(THREE_LE), load_satellites(DATA / name)
    assert omm.satellite_id.tolist() == tle.satellite_id.tolist()
    assert omm.name.tolist() == tle.name.tolist()
    assert (omm.to_frame()["epoch"] == tle.to_frame()["epoch"]).all()
    days = np.linspace(-1.0, 7.0, 33)  # includes the deep-space CXO over a week
    distance_km = np.linalg.norm(positions_km(omm, days) - positions_km(tle, days), axis=-1)
    assert distance_km.max() < ONE_METER_KM


def omm_xml(record: dict) -> str:
    """One CCSDS OMM XML message (the layout sgp4.omm.parse_xml reads) holding ``record``."""
    groups = {"metadata": ("OBJECT_NAME", "OBJECT_ID"),
              "meanElements": ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                               "ARG_OF_PERICENTER", "MEAN_ANOMALY"),
              "tleParameters": ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
                                "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")}
    tags = {g: "".join(f"<{k}>{record[k]}</{k}>" for k in keys) for g, keys in groups.items()}
    return ('<?xml version="1.0" encoding="UTF-8"?><ndm><omm><body><segment>'
            f"<metadata>{tags['metadata']}</metadata><data><meanElements>{tags['meanElements']}</meanElements>"
            f"<tleParameters>{tags['tleParameters']}</tleParameters></data></segment></body></omm></ndm>")


def test_omm_from_records_and_xml_match_tle():
    import json
    records = json.loads((DATA / "five-satellites.json").read_text())
    tle = load_satellites(THREE_LE)
    days = np.array([0.5, 2.0])
    for sats in (Satellites.from_omm(records), load_satellites(omm_xml(records[1])),
                 Satellites.from_omm(omm_xml(records[1]), format="xml")):
        assert np.allclose(positions_km(sats, days), positions_km(tle[sats.satellite_id], days),
                           atol=ONE_METER_KM, rtol=0)


@pytest.mark.parametrize("edit, words", [
    (lambda r: r.pop("MEAN_MOTION"), "lacks MEAN_MOTION"),
    (lambda r: r.update(ECCENTRICITY="abc"), "ECCENTRICITY is 'abc', expected a number"),
    (lambda r: r.update(EPOCH="11 March 2025"), "EPOCH '11 March 2025' is not an ISO 8601 time"),
    (lambda r: r.update(ECCENTRICITY=1.5), "SGP4 rejects the elements"),
])
def test_bad_omm_record_is_named(edit, words):
    import json
    records = json.loads((DATA / "five-satellites.json").read_text())
    edit(records[2])
    with pytest.raises(SatelliteDataError, match=words) as info:
        Satellites.from_omm(records)
    assert "OMM record 3 ('CXO')" in str(info.value)


def test_omm_epoch_with_z_and_no_fraction():
    import json
    records = json.loads((DATA / "five-satellites.json").read_text())[1:2]
    records[0]["EPOCH"] = "2025-03-11T10:57:43Z"
    assert Satellites.from_omm(records).to_frame()["epoch"].iloc[0] == pd.Timestamp("2025-03-11T10:57:43Z")


def test_format_detection_and_explicit_format():
    csv_text = (DATA / "five-satellites.csv").read_text()
    assert len(load_satellites(csv_text)) == 5
    assert len(load_satellites(csv_text, format="csv")) == 5
    with pytest.raises(SatelliteDataError, match="format='yaml'"):
        load_satellites(csv_text, format="yaml")
    with pytest.raises(SatelliteDataError, match="does not look like OMM"):
        Satellites.from_omm(THREE_LE)
    with pytest.raises(SatelliteDataError, match="No file"):
        load_satellites("no-such-file.tle")


def test_names_and_ids_pick_satellites_and_report_misses():
    sats = load_satellites(THREE_LE, names=["iss (zarya)"], ids=[33591])
    assert sats.satellite_id.tolist() == ["25544", "33591"]
    with pytest.raises(SatelliteDataError, match="ISS ZARYA.*ISS \\(ZARYA\\)"):
        load_satellites(THREE_LE, names="ISS ZARYA")


# -- container --------------------------------------------------------------------------------
def test_indexing_iteration_and_satrec_array():
    sats = load_satellites(THREE_LE)
    assert sats[-1].satellite_id.tolist() == ["40697"]
    assert sats[1:3].name.tolist() == ["ISS (ZARYA)", "CXO"]
    assert sats[np.array([True, False, False, False, True])].satellite_id.tolist() == ["1361", "40697"]
    assert sats[[3, 0]].satellite_id.tolist() == ["33591", "1361"]
    assert sats[["25867"]].name.tolist() == ["CXO"]
    assert [record.name for record in sats] == sats.name.tolist()
    with pytest.raises(IndexError):
        sats[5]
    with pytest.raises(SatelliteDataError, match="mask has 2 entries"):
        sats[np.array([True, False])]
    array = sats.satrec_array()
    assert isinstance(array, SatrecArray) and sats.satrec_array() is array
    errors, r, _ = array.sgp4(np.array([2460745.5]), np.array([0.25]))
    for k, satrec in enumerate(sats.satrecs):
        assert np.allclose(r[k, 0], satrec.sgp4(2460745.5, 0.25)[1], rtol=0, atol=1e-9)


def test_duplicate_ids_are_rejected():
    sats = load_satellites(THREE_LE)
    with pytest.raises(SatelliteDataError, match="repeated: \\['25544'\\]"):
        Satellites.concat([sats, sats[1]])


def test_repr_is_one_line_and_html_is_a_table():
    sats = load_satellites(THREE_LE)
    text = repr(sats)
    assert "\n" not in text
    assert text.startswith("<Satellites 5 satellites: LCS 1, ISS (ZARYA), CXO, …; epoch 2025-03-10 13:58")
    html = sats._repr_html_()
    assert "<table" in html and "ISS (ZARYA)" in html and "perigee_km" in html
    assert repr(sats[:0]) == "<Satellites 0 satellites>"


def test_to_frame_columns_and_units():
    frame = demo_constellation().to_frame()
    assert list(frame.columns[:9]) == ["satellite_id", "name", "norad_id", "epoch", "inclination_deg",
                                       "eccentricity", "perigee_km", "apogee_km", "period_min"]
    assert frame["norad_id"].isna().all() and str(frame["norad_id"].dtype) == "Int64"
    assert frame.attrs["units"]["perigee_km"] == "km"
    assert str(frame["epoch"].dt.tz) == "UTC"


# -- designed orbits --------------------------------------------------------------------------
def test_elements_round_trip_through_sgp4():
    sats = satellites_from_elements(altitude_km=550.0, eccentricity=0.001, inclination_deg=53.0,
                                    raan_deg=40.0, arg_perigee_deg=90.0, mean_anomaly_deg=10.0,
                                    epoch="2025-03-10T06:00", bstar=1e-4, ids="X")
    row = sats.to_frame().iloc[0]
    a_km = EARTH_RADIUS_KM + 550.0
    assert row["perigee_km"] == pytest.approx(a_km * 0.999 - EARTH_RADIUS_KM, abs=1e-6)
    assert row["apogee_km"] == pytest.approx(a_km * 1.001 - EARTH_RADIUS_KM, abs=1e-6)
    assert row["epoch"] == pd.Timestamp("2025-03-10T06:00Z")
    satrec = sats.satrecs[0]
    node, inclination = node_and_inclination_deg(satrec, 0.0)
    assert abs(inclination - 53.0) < OSCULATING_DEG and abs(angle_difference_deg(node, 40.0)) < OSCULATING_DEG
    orbit = np.linspace(0.0, row["period_min"] / 1440.0, 200)
    radius_km = [np.linalg.norm(satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF + d)[1]) for d in orbit]
    assert np.mean(radius_km) - EARTH_RADIUS_KM == pytest.approx(550.0, abs=10.0)  # mean vs osculating a


@pytest.mark.parametrize("kwargs, words", [
    (dict(altitude_km=-5.0, inclination_deg=50.0), "altitude_km is -5, expected > 0"),
    (dict(altitude_km=500.0, eccentricity=1.0, inclination_deg=50.0), "eccentricity is 1, expected in \\[0, 1\\)"),
    (dict(altitude_km=500.0, eccentricity=-0.1, inclination_deg=50.0), "eccentricity is -0.1"),
    (dict(altitude_km=500.0, inclination_deg=181.0), "inclination_deg is 181, expected in \\[0, 180\\]"),
    (dict(altitude_km=[500.0, 600.0], eccentricity=[0.0, 0.2], inclination_deg=50.0), "Satellite 1 .*perigee"),
    (dict(inclination_deg=50.0), "exactly one of altitude_km and semi_major_axis_km"),
    (dict(altitude_km=[500, 600], inclination_deg=[1, 2, 3]), "one common length"),
    (dict(altitude_km=500, inclination_deg="steep"), "must be numbers"),
])
def test_invalid_elements_raise(kwargs, words):
    with pytest.raises(SatelliteDataError, match=words):
        Satellites.from_elements(**kwargs)


@settings(max_examples=80, deadline=None)
@given(altitude_km=st.floats(160.0, 36_000.0), eccentricity=st.floats(0.0, 0.7),
       inclination_deg=st.floats(0.0, 180.0), raan_deg=st.floats(0.0, 360.0),
       arg_perigee_deg=st.floats(0.0, 360.0), mean_anomaly_deg=st.floats(0.0, 360.0),
       bstar=st.floats(-1e-3, 1e-3))
def test_random_valid_elements_propagate_at_epoch(altitude_km, eccentricity, inclination_deg, raan_deg,
                                                 arg_perigee_deg, mean_anomaly_deg, bstar):
    a_km = EARTH_RADIUS_KM + altitude_km
    eccentricity = min(eccentricity, 1.0 - (EARTH_RADIUS_KM + 150.0) / a_km)  # perigee >= 150 km
    sats = Satellites.from_elements(
        altitude_km=altitude_km, eccentricity=max(eccentricity, 0.0), inclination_deg=inclination_deg,
        raan_deg=raan_deg, arg_perigee_deg=arg_perigee_deg, mean_anomaly_deg=mean_anomaly_deg, bstar=bstar)
    satrec = sats.satrecs[0]
    error, r, _ = satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF)
    assert error == 0 and np.linalg.norm(r) > EARTH_RADIUS_KM  # norm is NaN for non-finite positions
    row = sats.to_frame().iloc[0]
    assert row["inclination_deg"] == pytest.approx(inclination_deg, abs=1e-9)
    assert (row["perigee_km"] + row["apogee_km"]) / 2 == pytest.approx(altitude_km, rel=1e-9)


def test_subnormal_inclination_in_deep_space_propagates():
    # Regression (found by hypothesis): SDP4 returned NaN with error code 0 for i = 2.2e-313 deg.
    sats = Satellites.from_elements(altitude_km=5873.0, inclination_deg=2.2250738585e-313)
    satrec = sats.satrecs[0]
    assert satrec.method == "d"
    assert np.isfinite(satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF + 1.0)[1]).all()


@pytest.mark.parametrize("altitude_km, inclination_deg", [(500.0, 97.40), (800.0, 98.60)])
def test_sun_synchronous_inclination_matches_textbook(altitude_km, inclination_deg):
    assert sun_synchronous_inclination_deg(altitude_km) == pytest.approx(inclination_deg, abs=0.02)


def test_sun_synchronous_plane_drifts_one_turn_per_year():
    sso = Satellites.sun_synchronous(500.0, n=1, ltan_h=10.5)
    satrec = sso.satrecs[0]
    offsets = np.linspace(0.0, 0.1, 40)  # average over more than one orbit to remove short-period terms
    start = np.mean(np.unwrap(np.radians([node_and_inclination_deg(satrec, d)[0] for d in offsets])))
    end = np.mean(np.unwrap(np.radians([node_and_inclination_deg(satrec, 30 + d)[0] for d in offsets])))
    drift_deg = np.degrees(end - start) % 360
    assert drift_deg == pytest.approx(30 * 360 / 365.2421897, abs=SSO_DRIFT_30D_DEG)


def test_sun_synchronous_spacing_ltan_and_limits():
    sso = Satellites.sun_synchronous(600.0, n=4, ltan_h=22.5, epoch="2025-06-01")
    frame = sso.to_frame()
    assert frame["mean_anomaly_deg"].tolist() == pytest.approx([0.0, 90.0, 180.0, 270.0])
    assert frame["raan_deg"].nunique() == 1 and sso.satellite_id.tolist()[-1] == "SSO-4"
    twelve_hours = angle_difference_deg(raan_from_ltan_deg(22.5, "2025-06-01"), raan_from_ltan_deg(10.5, "2025-06-01"))
    assert abs(twelve_hours) == pytest.approx(180.0)
    with pytest.raises(SatelliteDataError, match="No sun-synchronous orbit"):
        Satellites.sun_synchronous(7000.0)
    with pytest.raises(SatelliteDataError, match="ltan_h=24"):
        Satellites.sun_synchronous(500.0, ltan_h=24)


def test_ltan_noon_points_at_the_sun_at_the_equinox():
    # At the March equinox (2025-03-20 09:01 UTC) the true sun is at RA 0; the mean sun differs by the EoT.
    raan = raan_from_ltan_deg(12.0, "2025-03-20T09:01Z")
    assert abs(angle_difference_deg(raan, 0.0)) < EQUATION_OF_TIME_DEG
    six_months = raan_from_ltan_deg(12.0, "2025-09-22T18:19Z")  # September equinox: sun at RA 180
    assert abs(angle_difference_deg(six_months, 180.0)) < EQUATION_OF_TIME_DEG


def test_walker_delta_planes_and_phases():
    t, p, f = 24, 3, 1
    walker = Satellites.walker(t, p, f, altitude_km=550.0, inclination_deg=53.0)
    frame = walker.to_frame()
    assert len(walker) == 24 and walker.satellite_id.tolist()[9] == "WALKER-2-2"
    plane, slot = np.repeat(np.arange(p), t // p), np.tile(np.arange(t // p), p)
    assert np.allclose(frame["raan_deg"], 360.0 * plane / p)
    assert np.allclose(frame["mean_anomaly_deg"], (360.0 * slot / (t // p) + 360.0 * f * plane / t) % 360)
    # Geometry at epoch from SGP4 positions: node of each plane and argument of latitude of each slot.
    for k, satrec in enumerate(walker.satrecs):
        node, inclination = node_and_inclination_deg(satrec, 0.0)
        assert abs(angle_difference_deg(node, 120.0 * plane[k])) < OSCULATING_DEG
        assert abs(inclination - 53.0) < OSCULATING_DEG
        r = np.array(satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF)[1])
        node_rad, incl_rad = np.radians(node), np.radians(inclination)
        u = np.degrees(np.arctan2(r[2] / np.sin(incl_rad), r[0] * np.cos(node_rad) + r[1] * np.sin(node_rad)))
        assert abs(angle_difference_deg(u, 45.0 * slot[k] + 15.0 * plane[k])) < ARG_LATITUDE_DEG


@pytest.mark.parametrize("args", [(10, 3, 1), (12, 3, 3), (12, 0, 0), (12, 3, 1.5)])
def test_invalid_walker_raises(args):
    with pytest.raises(SatelliteDataError):
        Satellites.walker(*args, altitude_km=550.0, inclination_deg=53.0)


def test_demo_constellation_is_documented_sso_set():
    demo = demo_constellation()
    frame = demo.to_frame()
    assert demo.satellite_id.tolist() == ["DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4"]
    assert frame["perigee_km"].round(6).tolist() == [500.0, 550.0, 600.0, 700.0]
    assert (frame["epoch"] == pd.Timestamp("2025-03-10T00:00Z")).all()
    assert np.allclose(frame["inclination_deg"], sun_synchronous_inclination_deg(frame["perigee_km"].to_numpy()))


# -- selection and sampling -------------------------------------------------------------------
@pytest.fixture(scope="module")
def snapshot() -> tuple[Satellites, list[str]]:
    path = datasets.shared_tle_path()
    if not path.exists():
        pytest.skip(f"shared Celestrak snapshot not found at {path} (set GSTK_TLE_PATH)")
    return load_satellites(path), path.read_text().splitlines()


def test_altitude_band_matches_heights_computed_from_raw_text(snapshot):
    sats, lines = snapshot
    line2 = [line for line in lines if line.startswith("2 ")]
    mean_motion_rad_s = np.array([float(line[52:63]) for line in line2]) * 2 * np.pi / 86_400
    e = np.array([float("0." + line[26:33]) for line in line2])
    a_km = np.cbrt(398_600.8 / mean_motion_rad_s**2)
    perigee, apogee = a_km * (1 - e) - 6378.135, a_km * (1 + e) - 6378.135
    expected = (perigee >= 500) & (perigee <= 600) & (apogee >= 500) & (apogee <= 600)
    band = sats.select(altitude_km=(500, 600))
    assert len(band) == expected.sum() > 100
    assert band.satellite_id.tolist() == [line[2:7].strip().lstrip("0") for line in np.array(line2)[expected]]
    only_perigee = sats.select(perigee_km=(500, None))
    assert len(only_perigee) == (perigee >= 500).sum() > len(band)


def test_select_by_names_and_ids(snapshot):
    sats, lines = snapshot
    starlink = sats.select(name="starlink*")
    assert len(starlink) == sum(line.startswith("STARLINK") for line in lines) > 1000
    no_mega = sats.select(altitude_km=(500, 600), exclude_names=["STARLINK*", "ONEWEB*"])
    assert not any(n.startswith(("STARLINK", "ONEWEB")) for n in no_mega.name)
    noaa = sats.select(name=re.compile(r"^NOAA \d+$"))
    raw = [line.strip() for line in lines[0::3] if re.match(r"^NOAA \d+$", line.strip())]
    assert noaa.name.tolist() == raw and len(raw) >= 3
    assert sats.select(name="ISS (ZARYA)").satellite_id.tolist() == ["25544"]
    assert sats.select(norad_ids=["25544", 33591]).name.tolist() == ["ISS (ZARYA)", "NOAA 19"]
    with pytest.raises(SatelliteDataError, match="not both"):
        sats.select(altitude_km=(500, 600), perigee_km=(0, 1))
    with pytest.raises(SatelliteDataError, match="lower bound above upper bound"):
        sats.select(apogee_km=(600, 500))


def test_sample_is_reproducible_and_without_replacement():
    sats = load_satellites(THREE_LE)
    first, again = sats.sample(3, seed=7), sats.sample(3, seed=7)
    assert first.satellite_id.tolist() == again.satellite_id.tolist()
    assert len(set(first.satellite_id)) == 3 and set(first.satellite_id) <= set(sats.satellite_id)
    draws = {tuple(sats.sample(2, seed=s).satellite_id) for s in range(20)}
    assert len(draws) > 3  # different seeds give different draws
    with pytest.raises(SatelliteDataError, match="Cannot sample 6 satellites without replacement from 5"):
        sats.sample(6, seed=1)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(0, 24), seed=st.integers(0, 2**32 - 1))
def test_sample_size_and_subset(n, seed):
    walker = Satellites.walker(24, 4, 1, altitude_km=700.0, inclination_deg=60.0)
    draw = walker.sample(n, seed=seed)
    assert len(draw) == n == len(set(draw.satellite_id))
    assert draw.satellite_id.tolist() == [s for s in walker.satellite_id if s in set(draw.satellite_id)]


# -- download ---------------------------------------------------------------------------------
def test_download_offline_raises_offline_error_quickly():
    started = time.monotonic()
    try:
        sats = download_celestrak("stations", timeout_s=2.0)
    except OfflineError as error:
        assert "load_satellites(path)" in str(error)
        assert time.monotonic() - started < 10.0
    else:  # a machine with internet: the download must then be real element sets
        assert len(sats) > 0


def test_download_from_unreachable_server_raises_offline_error(monkeypatch):
    monkeypatch.setattr(satellites, "CELESTRAK_GP_URL", "http://127.0.0.1:9/gp.php")  # discard port: refused
    with pytest.raises(OfflineError, match="network is not reachable"):
        download_celestrak("active", timeout_s=1.0)
    with pytest.raises(SatelliteDataError, match="letters, digits"):
        download_celestrak("active&FORMAT=json")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        if "GROUP=stations" in self.path:
            body, code = THREE_LE.read_bytes(), 200
        else:
            body, code = b"Invalid query", 404
        self.send_response(code)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_download_from_a_local_server_saves_and_loads(monkeypatch, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(satellites, "CELESTRAK_GP_URL", f"http://127.0.0.1:{server.server_port}/gp.php")
        saved = tmp_path / "stations.tle"
        sats = download_celestrak("stations", path=saved, timeout_s=5.0)
        assert sats.satellite_id.tolist() == load_satellites(THREE_LE).satellite_id.tolist()
        assert saved.read_bytes() == THREE_LE.read_bytes()
        with pytest.raises(SatelliteDataError, match="HTTP 404"):
            download_celestrak("nosuchgroup", timeout_s=5.0)
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- element age (issue 15)
def _tle_1957() -> str:
    """A syntactically valid element set of epoch 1957-03-11 (a 1958 launch number, an old-style orbit)."""
    l1 = "1 00005U 58002B   57070.45674914  .00000023  00000-0  28098-4 0  475"
    l2 = "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.8241915741366"
    return f"OLD\n{l1}{tle_checksum(l1)}\n{l2}{tle_checksum(l2)}\n"


def test_element_age_is_the_farthest_window_end_from_the_epoch():
    from gstk.orbits.validity import MAX_ELEMENT_AGE_DAYS, element_age_days, epochs_utc

    sats = demo_constellation()  # epoch 2025-03-10T00:00Z
    assert epochs_utc(sats.satrecs[:1])[0] == pd.Timestamp("2025-03-10T00:00Z")
    assert element_age_days(sats.satrecs[:1], "2025-03-11", "2025-03-18").tolist() == [8.0]
    assert element_age_days(sats.satrecs[:1], "2025-02-01", "2025-03-01").tolist() == [37.0]
    assert MAX_ELEMENT_AGE_DAYS == 30.0


def test_element_age_problem_names_the_worst_satellite_and_the_threshold():
    from gstk.orbits.validity import element_age_problem

    sats = demo_constellation()
    assert element_age_problem(sats.satellite_id, sats.satrecs, "2025-03-11", "2025-03-18") is None
    stale = element_age_problem(sats.satellite_id, sats.satrecs, "2055-03-11", "2055-03-18")
    assert stale.startswith("4 of 4 satellites have element sets more than 30 days from the window 2055-03-11")
    assert "worst: DEMO-1, epoch 2025-03-10" in stale and "\n" not in stale
    old = load_satellites(_tle_1957(), format="tle")
    assert "epoch 1957-03-11" in element_age_problem(old.satellite_id, old.satrecs, "2025-03-11", "2025-03-12")
    long = element_age_problem(sats.satellite_id, sats.satrecs, "2025-03-11", "2079-12-13")
    assert long.startswith("the window 2025-03-11 00:00..2079-12-13 00:00 UTC is 20,000 days long, far longer")
    assert element_age_problem([], [], "2025-03-11", "2079-12-13") is None
