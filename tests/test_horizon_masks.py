"""Tests of azimuth-dependent horizon masks: gstk.contacts.masks and the verifier's mask check.

Oracles: Skyfield (test-only) look angles with the same mask applied by brute force on a 1 s grid
(every window matches, and each AOS/LOS is bracketed by Skyfield within 0.1 s), and hand-checked
cases: a flat mask is the scalar mask, a mask over the rising azimuths delays AOS to where the
elevation meets it, a terrain block mid-pass splits a window in two.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gstk.catalog.prices import draw_prices
from gstk.contacts.masks import HorizonMask, horizon_masks_of
from gstk.contacts.profiles import exact_look, station_frames
from gstk.contacts.windows import compute_contacts
from gstk.errors import GstkError, StationDataError
from gstk.orbits.satellites import load_satellites
from gstk.problem.definition import Problem
from gstk.problem.specs import MaxMissionData, MinContactDuration, SatelliteContactExclusion
from gstk.solve.api import optimize
from gstk.verification.report import verify

skyfield_api = pytest.importorskip("skyfield.api")

START = pd.Timestamp("2025-03-11T00:00:00Z")
END = START + pd.Timedelta(days=1)
#: The contract: AOS/LOS within 0.1 s (gstk bisects to 1 ms; Skyfield's UT1 shifts ~0.04 s).
TENTH_SECOND = 0.1
#: gstk refines every AOS/LOS to 1 ms on exact SGP4.
ONE_MILLISECOND = 1e-3
#: Brute-force runs on a 1 s grid: windows agree to one grid step.
ONE_SECOND = 1.0
TLE = """\
ISS (ZARYA)
1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993
2 25544  51.6369  71.0836 0006338  10.6648  86.8244 15.49895111500003
NOAA 20 (JPSS-1)
1 43013U 17073A   25070.54805049  .00000167  00000+0  99955-4 0  9992
2 43013  98.7340  10.3193 0001607 129.2970 230.8349 14.19567610378833
"""
STATIONS = pd.DataFrame({"station_id": ["KSAT/Svalbard", "Test/Pennsylvania"], "provider": ["KSAT", "Test"],
                         "lat_deg": [78.23, 40.0], "lon_deg": [15.41, -75.0], "alt_m": [500.0, 100.0],
                         "min_elevation_deg": [5.0, 10.0]})
TERRAIN = HorizonMask.from_points([(0, 5), (60, 25), (120, 8), (200, 15), (300, 3)])


@pytest.fixture(scope="module")
def sats():
    return load_satellites(TLE)


@pytest.fixture(scope="module")
def plain(sats):
    return compute_contacts(sats, STATIONS, START, END)


@pytest.fixture(scope="module")
def masked(sats):
    return compute_contacts(sats, STATIONS, START, END, horizon_masks={"KSAT/Svalbard": TERRAIN})


def limit_deg(azimuth_deg, floor=5.0, mask=TERRAIN):
    """The station's limit, written out: max(floor, linear interpolation of the points, wrapped)."""
    az = np.asarray(azimuth_deg) % 360
    xp = np.array(mask.azimuth_deg + (mask.azimuth_deg[0] + 360,))
    fp = np.array(mask.elevation_deg + (mask.elevation_deg[0],))
    below = az < xp[0]
    az = np.where(below, az + 360, az)
    return np.maximum(floor, np.interp(az, xp, fp))


def skyfield_margin(satellites, satellite_id, station, t_s):
    """Return Skyfield elevation - limit(azimuth) at ``t_s`` s after START."""
    ts = skyfield_api.load.timescale(builtin=True)
    k = list(satellites.satellite_id).index(satellite_id)
    sat = skyfield_api.EarthSatellite.from_satrec(satellites.satrecs[k], ts)
    row = STATIONS.set_index("station_id").loc[station]
    topos = skyfield_api.wgs84.latlon(row.lat_deg, row.lon_deg, elevation_m=row.alt_m)
    t = ts.utc(2025, 3, 11, 0, 0, np.atleast_1d(t_s))
    alt, az, _ = (sat - topos).at(t).altaz()
    return alt.degrees - limit_deg(az.degrees, row.min_elevation_deg)


# ----------------------------------------------------------------------------- the mask itself
def test_mask_interpolates_linearly_and_wraps_at_360():
    mask = HorizonMask.from_points([(350, 10), (10, 30), (90, 20)])  # sorted on the way in
    assert mask.azimuth_deg == (10.0, 90.0, 350.0)
    # 0 deg lies between 350 (10 deg) and 10 (30 deg): halfway, 20 deg; 180 between 90 and 350
    assert mask.elevation_deg_at(np.array([0.0, 360.0, 10.0, 50.0, 180.0, -10.0])).tolist() == pytest.approx(
        [20.0, 20.0, 30.0, 25.0, 20 + (180 - 90) / 260 * (10 - 20), 10.0])
    assert HorizonMask((0.0,), (7.0,)).elevation_deg_at(np.array([0.0, 123.0])).tolist() == [7.0, 7.0]
    assert mask.min_elevation_deg == 10.0 and HorizonMask.from_points(mask.to_list()) == mask


@pytest.mark.parametrize("points, message", [
    ([], "at least one"),
    ([(0, 5), (0, 6)], "strictly increasing"),
    ([(0, 5), (360, 6)], r"\[0, 360\)"),
    ([(0, 95)], r"\[-90, 90\]"),
    ([("north", 5)], "expected"),
])
def test_bad_masks_raise_one_line_errors(points, message):
    with pytest.raises(GstkError, match=message):
        HorizonMask.from_points(points)


def test_a_mask_for_an_unknown_station_is_refused(sats):
    with pytest.raises(StationDataError, match="'Nowhere/X' is not in the stations table"):
        compute_contacts(sats, STATIONS, START, END, horizon_masks={"Nowhere/X": [(0, 5)]})
    assert set(horizon_masks_of({"KSAT/Svalbard": [(0, 5)]}, STATIONS.station_id)) == {"KSAT/Svalbard"}


# ----------------------------------------------------------------------------- hand-checked windows
def test_a_flat_mask_is_the_scalar_mask(sats):
    flat = compute_contacts(sats, STATIONS, START, END, horizon_masks={"KSAT/Svalbard": [(0, 20)]})
    raised = compute_contacts(sats, STATIONS.assign(min_elevation_deg=[20.0, 10.0]), START, END)
    assert len(flat) == len(raised)
    for column in ("aos_s", "los_s"):
        np.testing.assert_allclose(flat[column], raised[column], atol=ONE_MILLISECOND)
    np.testing.assert_allclose(flat["max_elevation_deg"], raised["max_elevation_deg"], atol=1e-3)


def test_a_mask_over_the_rising_azimuths_delays_aos(sats, plain):
    first = plain[plain.station_id == "KSAT/Svalbard"].iloc[0]
    frames = station_frames(STATIONS)
    k = list(sats.satellite_id).index(first.satellite_id)
    _, az_aos, _ = exact_look(sats.satrecs, frames, np.array([k]), np.array([0]), np.array([first.aos_s]), START)
    wall = HorizonMask.from_points([((az_aos[0] - 20) % 360, 5), (az_aos[0] % 360, 20),
                                    ((az_aos[0] + 20) % 360, 5)])
    got = compute_contacts(sats, STATIONS, START, END, horizon_masks={"KSAT/Svalbard": wall})
    same = got[(got.satellite_id == first.satellite_id) & (got.station_id == "KSAT/Svalbard")
               & (got.los_s > first.aos_s) & (got.aos_s < first.los_s)]
    assert len(same) == 1
    delayed = same.iloc[0]
    assert delayed.aos_s > first.aos_s + 10  # rising behind a 20 deg wall, not the 5 deg floor
    assert delayed.los_s == pytest.approx(first.los_s, abs=ONE_MILLISECOND)  # it sets elsewhere
    el, az, _ = exact_look(sats.satrecs, frames, np.array([k, k]), np.array([0, 0]),
                           np.array([delayed.aos_s, delayed.aos_s - 0.01]), START)
    assert el[0] == pytest.approx(wall.elevation_deg_at(az[:1])[0], abs=1e-3)  # on the wall at AOS
    assert el[1] < wall.elevation_deg_at(az[1:])[0]  # behind it just before


def test_terrain_mid_pass_splits_a_window(sats, plain):
    passes = plain[(plain.station_id == "KSAT/Svalbard") & (plain.max_elevation_deg > 12)]
    low = passes.iloc[int(np.argmin(passes.max_elevation_deg.to_numpy()))]  # a low pass sweeps wide in azimuth
    frames = station_frames(STATIONS)
    k = list(sats.satellite_id).index(low.satellite_id)
    peak_s = (low.t_max_elevation - START).total_seconds()
    el, az, _ = exact_look(sats.satrecs, frames, np.array([k] * 3), np.array([0] * 3),
                           np.array([low.aos_s, peak_s, low.los_s]), START)
    assert min(abs((az[0] - az[1] + 180) % 360 - 180), abs((az[2] - az[1] + 180) % 360 - 180)) > 10
    hill = HorizonMask.from_points([((az[1] - 5) % 360, 0), (az[1] % 360, el[1] + 3), ((az[1] + 5) % 360, 0)])
    got = compute_contacts(sats, STATIONS, START, END, horizon_masks={"KSAT/Svalbard": hill})
    pieces = got[(got.satellite_id == low.satellite_id) & (got.station_id == "KSAT/Svalbard")
                 & (got.los_s > low.aos_s) & (got.aos_s < low.los_s)]
    assert len(pieces) == 2
    assert pieces.aos_s.iloc[0] == pytest.approx(low.aos_s, abs=ONE_MILLISECOND)
    assert pieces.los_s.iloc[1] == pytest.approx(low.los_s, abs=ONE_MILLISECOND)
    assert pieces.los_s.iloc[0] < peak_s < pieces.aos_s.iloc[1]  # the hill hides the culmination
    assert (pieces.max_elevation_deg < low.max_elevation_deg).all()
    ends = np.array([pieces.los_s.iloc[0], pieces.aos_s.iloc[1]])
    el_end, az_end, _ = exact_look(sats.satrecs, frames, np.array([k, k]), np.array([0, 0]), ends, START)
    np.testing.assert_allclose(el_end, hill.elevation_deg_at(az_end), atol=1e-3)  # both cut on the hill
    np.testing.assert_allclose(pieces.max_elevation_deg, el_end, atol=1e-6)  # highest where the hill cuts


def test_unmasked_stations_keep_their_windows(plain, masked):
    for table in (plain, masked):
        assert list(table.columns) == list(plain.columns)
    other = [t[t.station_id == "Test/Pennsylvania"].reset_index(drop=True) for t in (plain, masked)]
    pd.testing.assert_frame_equal(other[0], other[1])
    svalbard = masked[masked.station_id == "KSAT/Svalbard"]
    assert 0 < svalbard.duration_s.sum() < plain[plain.station_id == "KSAT/Svalbard"].duration_s.sum()


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 359.9), st.floats(-5, 45)), min_size=1, max_size=6,
                unique_by=lambda p: round(p[0], 1)))
def test_random_masks_cut_windows_to_exactly_where_the_satellite_clears_them(sats, plain, points):
    mask = HorizonMask.from_points(points)
    got = compute_contacts(sats, STATIONS, START, END, horizon_masks={"KSAT/Svalbard": mask})
    frames = station_frames(STATIONS)
    for sat_id in sats.satellite_id:
        whole = plain[(plain.satellite_id == sat_id) & (plain.station_id == "KSAT/Svalbard")]
        cut = got[(got.satellite_id == sat_id) & (got.station_id == "KSAT/Svalbard")]
        if whole.empty:  # the ISS never rises over Svalbard
            assert cut.empty
            continue
        for w in cut.itertuples():  # each piece lies inside one unmasked window
            assert ((whole.aos_s <= w.aos_s + ONE_MILLISECOND) & (whole.los_s >= w.los_s - ONE_MILLISECOND)).sum() == 1
        t = np.concatenate([np.arange(w.aos_s, w.los_s, 1.0) for w in whole.itertuples()])
        k = list(sats.satellite_id).index(sat_id)
        el, az, _ = exact_look(sats.satrecs, frames, np.full(len(t), k), np.zeros(len(t), int), t, START)
        margin = el - limit_deg(az, 5.0, mask)
        inside = np.zeros(len(t), bool)
        for w in cut.itertuples():
            inside |= (t > w.aos_s + ONE_MILLISECOND) & (t < w.los_s - ONE_MILLISECOND)
        assert (margin[inside] > -1e-3).all()  # above the limit in every piece
        near_edge = np.zeros(len(t), bool)
        for w in cut.itertuples():
            near_edge |= (np.abs(t - w.aos_s) < 2e-3) | (np.abs(t - w.los_s) < 2e-3)
        assert (margin[~inside & ~near_edge] < 1e-3).all()  # and below it everywhere else


# ----------------------------------------------------------------------------- Skyfield + brute force
def test_masked_windows_match_skyfield_with_the_same_mask(sats, masked):
    grid = np.arange(0.0, (END - START).total_seconds() + 0.5, 1.0)
    windows = masked[masked.station_id == "KSAT/Svalbard"]
    assert len(windows) >= 8
    for sat_id in sats.satellite_id:
        margin = skyfield_margin(sats, sat_id, "KSAT/Svalbard", grid)
        up = margin > 0
        starts = grid[1:][up[1:] & ~up[:-1]]
        ends = grid[:-1][up[:-1] & ~up[1:]]
        ours = windows[windows.satellite_id == sat_id]
        assert len(ours) == len(starts) == len(ends), sat_id
        np.testing.assert_allclose(ours.aos_s, starts, atol=ONE_SECOND)
        np.testing.assert_allclose(ours.los_s, ends, atol=ONE_SECOND)
        before = skyfield_margin(sats, sat_id, "KSAT/Svalbard", ours.aos_s.to_numpy() - TENTH_SECOND)
        after = skyfield_margin(sats, sat_id, "KSAT/Svalbard", ours.aos_s.to_numpy() + TENTH_SECOND)
        assert (before < 0).all() and (after > 0).all()
        before = skyfield_margin(sats, sat_id, "KSAT/Svalbard", ours.los_s.to_numpy() - TENTH_SECOND)
        after = skyfield_margin(sats, sat_id, "KSAT/Svalbard", ours.los_s.to_numpy() + TENTH_SECOND)
        assert (before > 0).all() and (after < 0).all()


# ----------------------------------------------------------------------------- the verifier
def test_the_verifier_checks_taken_contacts_against_the_mask(sats, plain, masked):
    stations = STATIONS.assign(status="Operational", bands="X", antennas=1)
    priced, providers, rates = draw_prices(stations, sats.satellite_id, seed=1)
    problem = Problem(objective=MaxMissionData(), constraints=(MinContactDuration(duration_s=30),
                                                               SatelliteContactExclusion()),
                      stations=priced, providers=providers, satellites=rates, mission_days=30)
    masks = {"KSAT/Svalbard": TERRAIN}
    solution = optimize(masked, problem, time_limit_s=20)
    assert verify(solution, masked, problem, satellites=sats, horizon_masks=masks) == []
    unmasked = optimize(plain, problem, time_limit_s=20)  # takes passes the terrain hides
    found = verify(unmasked, plain, problem, satellites=sats, horizon_masks=masks)
    assert found and {v.check for v in found} == {"horizon_mask"}
    assert all("KSAT/Svalbard" in v.message for v in found)
