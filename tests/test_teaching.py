"""Teaching tables: TLE fields, frames, ground tracks, look angles, coverage cone, pass statistics."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gstk.catalog.stations import load_stations
from gstk.contacts.windows import compute_contacts
from gstk.errors import GstkError
from gstk.orbits import propagation as orbits
from gstk.orbits.coverage import coverage_half_angle_deg
from gstk.study import teaching
from gstk.units import EARTH_RADIUS_KM

START = "2025-03-11T00:00:00Z"
#: 1 mm: rotations and translations of km-sized vectors agree to float64 rounding, far below this.
ONE_MILLIMETRE_KM = 1e-6
#: 1e-9 degrees: two evaluations of the same closed-form angle differ only by rounding.
ROUNDING_DEG = 1e-9
#: One look-angle sample step (s): a sampled visibility edge is within one step of the exact AOS/LOS.
STEP_S = 10.0


@pytest.fixture(scope="module")
def satellites():
    return teaching.example_satellites()


@pytest.fixture(scope="module")
def stations():
    return load_stations()


def test_example_tle_loads_three_named_satellites(satellites):
    assert satellites.name.tolist() == ["ISS (ZARYA)", "NOAA 19", "SENTINEL-2A"]
    assert teaching.named(satellites).satellite_id.tolist() == ["ISS (ZARYA)", "NOAA 19", "SENTINEL-2A"]


def test_tle_fields_cut_the_columns_of_both_lines(satellites):
    line1, line2 = teaching.tle_lines(satellites[0])
    fields = teaching.tle_fields(line1, line2).set_index("field")
    assert fields.loc["inclination, deg", "text"].strip() == "51.6369"
    assert fields.loc["epoch YYDDD.DDDDDDDD", "text"] == "25070.45674914"
    assert fields.loc["mean motion, rev/day", "columns"] == "53-63"
    assert set(fields["line"]) == {1, 2}


def test_tle_fields_rejects_a_short_line():
    with pytest.raises(GstkError, match="expected 69"):
        teaching.tle_fields("1 25544U", "2 25544")


def test_teme_states_radius_lies_between_perigee_and_apogee(satellites):
    states = teaching.teme_states(satellites, START, duration_s=6000, step_s=60)
    elements = satellites.to_frame().set_index("satellite_id")
    for sat, group in states.groupby("satellite_id"):
        # SGP4 adds short-period terms to the mean elements: allow 20 km either side.
        assert group["radius_km"].min() > EARTH_RADIUS_KM + elements.loc[sat, "perigee_km"] - 20
        assert group["radius_km"].max() < EARTH_RADIUS_KM + elements.loc[sat, "apogee_km"] + 20
    assert (states["sgp4_error"] == 0).all() and len(states) == 3 * 101
    assert states.attrs["units"]["speed_km_s"] == "km/s" and states.attrs["units"]["time"] == "UTC"


def test_orbit_in_frames_rotates_about_the_pole(satellites):
    orbit = teaching.orbit_in_frames(satellites[2], START, duration_s=3600, step_s=120)
    teme, itrf = (orbit[orbit["frame"] == f].reset_index(drop=True) for f in ("TEME", "ITRF"))
    norm = {name: np.linalg.norm(t[["x_km", "y_km", "z_km"]].to_numpy(), axis=1) for name, t in
            (("teme", teme), ("itrf", itrf))}
    np.testing.assert_allclose(norm["teme"], norm["itrf"], atol=ONE_MILLIMETRE_KM)
    np.testing.assert_allclose(teme["z_km"], itrf["z_km"], atol=ONE_MILLIMETRE_KM)
    assert not np.allclose(teme["x_km"], itrf["x_km"], atol=1.0)


def test_position_in_frames_enu_gives_the_look_angles(satellites, stations):
    station = teaching.station_row(stations, "KSAT/Svalbard")
    table = teaching.position_in_frames(satellites[2], station, START).set_index("frame")
    look = teaching.look_angle_table(satellites[2], station, START, duration_s=0, step_s=1)
    enu = table.loc["ENU"]
    assert enu["norm_km"] == pytest.approx(look["range_km"].item(), abs=ONE_MILLIMETRE_KM)
    elevation = np.degrees(np.arcsin(enu["z_km"] / enu["norm_km"]))
    assert elevation == pytest.approx(look["elevation_deg"].item(), abs=ROUNDING_DEG)
    assert table.loc["TEME", "norm_km"] == pytest.approx(table.loc["ITRF", "norm_km"], abs=ONE_MILLIMETRE_KM)


def test_position_in_frames_needs_one_satellite(satellites, stations):
    with pytest.raises(GstkError, match="one satellite"):
        teaching.position_in_frames(satellites, teaching.station_row(stations, "KSAT/Svalbard"), START)


def test_station_row_suggests_close_ids(stations):
    with pytest.raises(GstkError, match="KSAT/Svalbard"):
        teaching.station_row(stations, "KSAT/Svalbad")


def test_ground_track_reaches_the_inclination(satellites):
    track = teaching.ground_track_table(satellites, START, duration_s=86400, step_s=30)
    inclination = satellites.to_frame().set_index("satellite_id")["inclination_deg"]
    top = track.groupby("satellite_id")["lat_deg"].max()
    # Geodetic latitude peaks a little above the geocentric inclination (< 0.2 deg in LEO).
    for sat, incl in inclination.items():
        limit = incl if incl <= 90 else 180 - incl
        assert limit - 0.5 < top[sat] < limit + 0.3


def test_look_angle_visibility_brackets_the_contact_windows(satellites, stations):
    station = stations[stations["station_id"] == "KSAT/Svalbard"]
    look = teaching.look_angle_table(satellites[2], station, START, duration_s=43200, step_s=STEP_S)
    contacts = compute_contacts(satellites[2], station, START, pd.Timestamp(START) + pd.Timedelta(hours=12))
    assert (look["visible"] == (look["elevation_deg"] >= 10.0)).all()
    seconds = (look["time"] - pd.Timestamp(START)).dt.total_seconds().to_numpy()
    visible = look["visible"].to_numpy()
    inside = np.zeros_like(visible)
    for aos, los in zip(contacts["aos_s"], contacts["los_s"]):
        inside |= (seconds >= aos) & (seconds <= los)
    assert (visible == inside).all()
    assert len(contacts) > 3


def test_look_angle_mask_parameter_overrides_the_station(satellites, stations):
    station = teaching.station_row(stations, "KSAT/Svalbard")
    low = teaching.look_angle_table(satellites[2], station, START, 7200, 30, elevation_mask_deg=0.0)
    high = teaching.look_angle_table(satellites[2], station, START, 7200, 30, elevation_mask_deg=30.0)
    assert low["visible"].sum() > high["visible"].sum()
    assert (high["visible"] == (high["elevation_deg"] >= 30.0)).all()


def test_coverage_table_limits():
    table = teaching.coverage_table([500.0], [0.0, 90.0]).set_index("elevation_mask_deg")
    # Horizon mask: tangent line of sight; zenith mask: the satellite straight up.
    assert table.loc[0.0, "max_range_km"] == pytest.approx(np.sqrt((EARTH_RADIUS_KM + 500) ** 2 - EARTH_RADIUS_KM**2))
    assert table.loc[90.0, "max_range_km"] == pytest.approx(500.0)
    assert table.loc[90.0, "half_angle_deg"] == pytest.approx(0.0, abs=ROUNDING_DEG)
    assert table.loc[0.0, "half_angle_deg"] == pytest.approx(float(coverage_half_angle_deg(500.0, 0.0)))


@settings(max_examples=30, deadline=None)
@given(st.floats(300, 2000), st.floats(0, 80), st.floats(1, 200), st.floats(1, 9))
def test_coverage_grows_with_altitude_and_shrinks_with_the_mask(altitude, mask, d_altitude, d_mask):
    table = teaching.coverage_table([altitude, altitude + d_altitude], [mask, mask + d_mask])
    grid = table.pivot(index="altitude_km", columns="elevation_mask_deg", values="half_angle_deg").to_numpy()
    assert (grid[1] > grid[0]).all() and (grid[:, 1] < grid[:, 0]).all()
    assert (table["longest_pass_s"] > 0).all()


@pytest.fixture(scope="module")
def week(satellites, stations):
    start, end = teaching.window(START, 2)
    return compute_contacts(satellites, stations, start, end)


def test_pass_statistics_keeps_stations_never_seen(week, stations):
    stats = teaching.pass_statistics(week, stations)
    assert len(stats) == 3 * len(stations)
    iss_svalbard = stats[(stats["satellite_id"] == "25544") & (stats["station_id"] == "KSAT/Svalbard")]
    assert iss_svalbard["passes_per_day"].item() == 0.0 and np.isnan(iss_svalbard["mean_pass_s"].item())
    counted = week.groupby(["satellite_id", "station_id"]).size()
    row = stats.set_index(["satellite_id", "station_id"]).loc[("40697", "KSAT/Svalbard")]
    assert row["passes_per_day"] == counted[("40697", "KSAT/Svalbard")] / 2


def test_polar_orbits_get_more_contact_at_high_latitude(week, stations):
    bands = teaching.latitude_band_statistics(teaching.pass_statistics(week, stations))
    sentinel = bands[bands["satellite_id"] == "40697"].set_index("latitude_band")
    assert sentinel.loc["65–90°", "contact_min_per_day"] > 2 * sentinel.loc["0–20°", "contact_min_per_day"]
    assert sentinel["n_stations"].sum() == len(stations)


def _contacts(intervals, window_s=100.0):
    aos = pd.Timestamp(START) + pd.to_timedelta([a for a, _ in intervals], unit="s")
    frame = pd.DataFrame({"satellite_id": "S", "station_id": [f"st{i}" for i in range(len(intervals))],
                          "aos_s": [float(a) for a, _ in intervals], "los_s": [float(b) for _, b in intervals],
                          "aos": aos})
    frame["duration_s"] = frame["los_s"] - frame["aos_s"]
    frame.attrs.update(start=pd.Timestamp(START), end=pd.Timestamp(START) + pd.Timedelta(seconds=window_s))
    return frame


def test_satellite_statistics_merge_overlapping_passes():
    # [10, 30] and [20, 40] overlap: 30 s of contact, not 40; gaps 10 (start), 30, 30 (end).
    stats = teaching.satellite_contact_statistics(_contacts([(10, 30), (20, 40), (70, 70)], window_s=100.0))
    days = 100.0 / 86400.0
    assert stats["contact_min_per_day"].item() == pytest.approx(30.0 / 60.0 / days)
    assert stats["longest_gap_s"].item() == pytest.approx(30.0)
    assert stats["passes_per_day"].item() == pytest.approx(3 / days)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 90), st.integers(0, 10)), min_size=1, max_size=8))
def test_merged_intervals_measure_their_union(pairs):
    aos = np.array([a for a, _ in pairs], float)
    los = aos + np.array([d for _, d in pairs], float)
    starts, stops = teaching._merged_intervals(aos, los)
    cells = set()
    for a, b in zip(aos, los):
        cells |= {x / 2 for x in range(int(2 * a), int(2 * b))}  # half-second cells of [a, b)
    assert (stops - starts).sum() == pytest.approx(len(cells) / 2)
    assert (starts[1:] > stops[:-1]).all()


def test_daily_minutes_add_up_to_the_total(week):
    daily = teaching.daily_contact_minutes(week)
    assert daily["station_min"].sum() == pytest.approx(week["duration_s"].sum() / 60.0)
    assert daily["passes"].sum() == len(week)
    assert daily["day"].nunique() == 2
    # With 86 stations passes overlap: the union is shorter than the sum, and at most a day.
    assert (daily["contact_min"] < daily["station_min"]).all() and (daily["contact_min"] <= 1440.0).all()
    per_satellite = daily.groupby("satellite_id")["contact_min"].sum() / 2
    stats = teaching.satellite_contact_statistics(week).set_index("satellite_id")["contact_min_per_day"]
    np.testing.assert_allclose(per_satellite.sort_index(), stats.sort_index())


def test_daily_minutes_split_passes_at_midnight():
    frame = _contacts([(86400 - 60, 86400 + 120), (100, 160)], window_s=2 * 86400)
    daily = teaching.daily_contact_minutes(frame).set_index("day")
    assert daily["contact_min"].tolist() == [2.0, 2.0] and daily["passes"].tolist() == [2, 0]


def test_window_rejects_nonpositive_days():
    with pytest.raises(GstkError, match="days"):
        teaching.window(START, 0)
    start, end = teaching.window("2025-03-11", 1.5)
    assert (end - start) == pd.Timedelta(hours=36) and str(start.tz) == "UTC"


def test_gmst_rotation_matches_orbits_module(satellites):
    # orbit_in_frames uses gstk.orbits' TEME -> ITRF: the ITRF x-y angle is the TEME angle minus GMST.
    orbit = teaching.orbit_in_frames(satellites[0], START, duration_s=0, step_s=1)
    teme, itrf = orbit.iloc[0], orbit.iloc[1]
    gmst = float(orbits.gmst_rad(*orbits.julian_dates([START]))[0])
    angle = np.arctan2(teme["y_km"], teme["x_km"]) - np.arctan2(itrf["y_km"], itrf["x_km"])
    assert np.angle(np.exp(1j * (angle - gmst))) == pytest.approx(0.0, abs=1e-12)


def test_pass_rate_profile_and_volume_bands_under_a_link_budget(satellites):
    from gstk.contacts.rates import LinkBudget

    budget = LinkBudget(eirp_dbw=10, gt_db_k=31, frequency_hz=8.2e9, ebn0_db=4.4, margin_db=3, max_rate_bps=1.2e9)
    stations = load_stations(providers="KSAT")
    start, end = teaching.window(START, 1)
    profile = teaching.pass_rate_profile(satellites[[2]], teaching.station_row(stations, "KSAT/Svalbard"), budget,
                                         start, end)
    top = int(profile["elevation_deg"].idxmax())
    assert profile["rate_bps"].iloc[top] == budget.max_rate_bps > profile["rate_bps"].iloc[0]
    # trapezoids every 5 s stop at the last sample before LOS: within one step's worth of the integral
    assert profile["volume_bit"].iloc[-1] == pytest.approx(profile.attrs["volume_bit"],
                                                           abs=5.0 * budget.max_rate_bps)
    contacts = compute_contacts(satellites, stations, start, end, rates=budget)
    bands = teaching.pass_volume_by_elevation(contacts)
    assert bands["passes"].sum() == len(contacts)
    assert bands["time_share"].sum() == pytest.approx(1.0) and bands["data_share"].sum() == pytest.approx(1.0)
    high, low = bands.iloc[-1], bands.iloc[0]
    assert high["data_share"] > high["time_share"] and low["data_share"] < low["time_share"]
    assert high["mean_rate_mbps"] > 1.5 * low["mean_rate_mbps"]
    with pytest.raises(GstkError, match="volume_bit"):
        teaching.pass_volume_by_elevation(contacts.drop(columns=["volume_bit"]))
