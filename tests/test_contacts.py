"""Tests of gstk.contacts.compute_contacts.

Oracles: Skyfield's ``EarthSatellite.find_events`` (test-only, builtin timescale, no downloads) and
exact SGP4 elevations from :mod:`gstk.orbits` sampled densely (brute force).  Properties: the
elevation crosses the mask upward at AOS and downward at LOS, windows of one pair never overlap,
the culmination is SGP4's, and nothing is found between windows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gstk.contacts import windows as contacts
from gstk.contacts.windows import compute_contacts
from gstk.errors import DecayedSatelliteWarning, GstkError, SatelliteDataError, StationDataError
from gstk.orbits import propagation as orbits
from gstk.orbits.satellites import Satellites, load_satellites

skyfield_api = pytest.importorskip("skyfield.api")

#: Skyfield refines events to half a second (find_events' epsilon): windows agree to 1 s.
ONE_SECOND = 1.0
#: gstk polishes every AOS/LOS with Newton on exact SGP4 until the step is below 1 ms.
ONE_MILLISECOND = 1e-3
#: Skyfield's culmination time is good to ~0.5 s: that costs it up to ~0.04 deg on high passes...
MAX_ELEVATION_DEG = 0.05
#: ... and up to ~0.5 deg within 10 deg of the zenith, where elevation peaks sharply (an equatorial
#: orbit over an equatorial station peaks at exactly 90 deg).
ZENITH_DEG = 0.5
#: gstk's culmination comes from the Hermite arc at the default step: <= 2e-4 deg from SGP4's.
PEAK_DEG = 5e-4
#: Skyfield uses UT1 where gstk takes UT1 = UTC (0.04 s in March 2025, ~20 m): near zenith at
#: 400 km that moves the elevation by up to ~0.003 deg.
UT1_DEG = 0.005
#: Passes whose peak is this close to the mask may be missed by Skyfield's coarser search.
MARGINAL_DEG = 0.01

START = pd.Timestamp("2025-03-11T00:00:00Z")
# Element sets from the study's Celestrak snapshot (2025-03-11).
TLE = """\
ISS (ZARYA)
1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993
2 25544  51.6369  71.0836 0006338  10.6648  86.8244 15.49895111500003
NOAA 20 (JPSS-1)
1 43013U 17073A   25070.54805049  .00000167  00000+0  99955-4 0  9992
2 43013  98.7340  10.3193 0001607 129.2970 230.8349 14.19567610378833
CALSPHERE 1
1 00900U 64063C   25070.49084720  .00001074  00000+0  10986-2 0  9993
2 00900  90.2090  61.1866 0023104 252.0710 230.1392 13.75874022  7776
STARLINK-4728
1 53793U 22111W   25069.40025593 -.00000594  00000+0 -19214-4 0  9994
2 53793  53.2160 109.2796 0001406  92.0584 268.0569 15.08833490138693
GOES 16
1 41866U 16071A   25069.59892334 -.00000265  00000+0  00000+0 0  9997
2 41866   0.0904 286.8510 0001865  72.5381 309.4487  1.00268925 30456
"""


def make_stations(rows) -> pd.DataFrame:
    """Return a stations table with the contract's columns from (id, lat, lon, alt_m, mask) rows."""
    table = pd.DataFrame(rows, columns=["station_id", "lat_deg", "lon_deg", "alt_m", "min_elevation_deg"])
    table.insert(1, "provider", table["station_id"].str.split("/").str[0])
    return table


STATIONS = make_stations([
    ("KSAT/Svalbard", 78.23, 15.41, 500.0, 5.0),
    ("Test/Singapore", 1.35, 103.82, 20.0, 10.0),
    ("Atlas/Awarua", -46.52, 168.38, 0.0, 10.0),
    ("Test/Pennsylvania", 40.0, -75.0, 100.0, 20.0),
    ("Test/Hartebeesthoek", -25.89, 27.69, 1400.0, 0.0),
])


@pytest.fixture(scope="module")
def leo():
    return load_satellites(TLE).select(apogee_km=(0, 2000))


@pytest.fixture(scope="module")
def leo_contacts(leo):
    return compute_contacts(leo, STATIONS, START, START + pd.Timedelta(days=2))


# ----------------------------------------------------------------------------- oracles

def skyfield_time(ts, stamp: pd.Timestamp):
    """Return a Skyfield UTC Time keeping the Timestamp's nanoseconds."""
    stamp = stamp.tz_convert("UTC")
    return ts.utc(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                  stamp.second + stamp.microsecond * 1e-6 + stamp.nanosecond * 1e-9)


def skyfield_windows(satellites, stations, start, end) -> pd.DataFrame:
    """Return Skyfield's windows (rise -> set, clipped at the ends) with their culmination."""
    ts = skyfield_api.load.timescale(builtin=True)
    t0, t1 = skyfield_time(ts, start), skyfield_time(ts, end)
    span_s, rows = (end - start).total_seconds(), []
    for satellite_id, satrec in zip(satellites.satellite_id, satellites.satrecs):
        sat = skyfield_api.EarthSatellite.from_satrec(satrec, ts)
        for stn in stations.itertuples():
            topos = skyfield_api.wgs84.latlon(stn.lat_deg, stn.lon_deg, elevation_m=stn.alt_m)
            times, events = sat.find_events(topos, t0, t1, altitude_degrees=stn.min_elevation_deg)
            altitude = (sat - topos).at(times).altaz()[0].degrees if len(events) else []
            el0 = (sat - topos).at(t0).altaz()[0].degrees
            window = [0.0, None, el0, True] if el0 > stn.min_elevation_deg else None
            for t_s, event, alt in zip((times.tt - t0.tt) * 86_400.0, events, altitude):
                if event == 0:
                    window = [t_s, None, -90.0, False]
                elif window is not None and event == 1:
                    window[2] = max(window[2], alt)
                elif window is not None and event == 2:
                    rows.append((satellite_id, stn.station_id, window[0], t_s, window[2], window[3], False))
                    window = None
            if window is not None:
                el1 = (sat - topos).at(t1).altaz()[0].degrees
                rows.append((satellite_id, stn.station_id, window[0], span_s, max(window[2], el1),
                             window[3], True))
    return pd.DataFrame(rows, columns=["satellite_id", "station_id", "aos_s", "los_s", "max_elevation_deg",
                                       "aos_clipped", "los_clipped"])


def assert_matches_skyfield(ours: pd.DataFrame, satellites, stations, start, end) -> int:
    """Assert every window has a Skyfield twin (AOS/LOS within 1 s, same clipping, same peak)."""
    sky = skyfield_windows(satellites, stations, start, end)
    masks = dict(zip(stations.station_id, stations.min_elevation_deg))
    for key, mine in ours.groupby(["satellite_id", "station_id"]):
        theirs = sky[(sky.satellite_id == key[0]) & (sky.station_id == key[1])]
        _assert_pair_matches(mine, theirs, masks[key[1]], key)
    unmatched = sky.merge(ours[["satellite_id", "station_id"]].drop_duplicates(), how="left", indicator=True)
    lonely = unmatched[unmatched["_merge"] == "left_only"]
    assert (lonely.max_elevation_deg < lonely.station_id.map(masks) + MARGINAL_DEG).all(), lonely
    return len(sky)


def _assert_pair_matches(mine: pd.DataFrame, theirs: pd.DataFrame, mask: float, key) -> None:
    used = np.zeros(len(theirs), bool)
    for w in mine.itertuples():
        near = np.flatnonzero((np.abs(theirs.aos_s.to_numpy() - w.aos_s) <= ONE_SECOND)
                              & (np.abs(theirs.los_s.to_numpy() - w.los_s) <= ONE_SECOND))
        if len(near) == 0:
            assert w.max_elevation_deg < mask + MARGINAL_DEG, (key, w)  # Skyfield may miss a grazing pass
            continue
        twin = theirs.iloc[near[0]]
        used[near[0]] = True
        assert (w.aos_clipped, w.los_clipped) == (twin.aos_clipped, twin.los_clipped), (key, w)
        tolerance = ZENITH_DEG if w.max_elevation_deg > 80 else MAX_ELEVATION_DEG
        assert w.max_elevation_deg == pytest.approx(twin.max_elevation_deg, abs=tolerance), (key, w)
        # Ours is the true peak; Skyfield's UT1 (gstk: UT1 = UTC) moves a zenith pass by <= ~0.005 deg.
        assert w.max_elevation_deg >= twin.max_elevation_deg - UT1_DEG
    missing = theirs[~used]
    assert (missing.max_elevation_deg < mask + MARGINAL_DEG).all(), (key, missing)


def exact_elevation_deg(satellites, satellite_id, stations, station_id, t_s) -> np.ndarray:
    """Return SGP4 elevations of one satellite from one station at ``t_s`` (s since START)."""
    k = list(satellites.satellite_id).index(satellite_id)
    stn = stations.set_index("station_id").loc[station_id]
    jd0, fr0 = orbits.julian_dates(START)
    t_s = np.atleast_1d(np.asarray(t_s, np.float64))
    jd, fr = np.full(len(t_s), jd0[0]), fr0[0] + t_s / 86_400.0
    r, _ = orbits.teme_positions_km(satellites[[k]].satrec_array(), jd, fr)
    return orbits.elevation_deg(orbits.teme_to_itrf(r, jd, fr)[0], [stn.lat_deg], [stn.lon_deg],
                                [stn.alt_m])[:, 0]


def assert_window_properties(df: pd.DataFrame, satellites, stations) -> None:
    """Mask crossings go up at AOS and down at LOS; windows never overlap; peaks are SGP4's."""
    masks = dict(zip(stations.station_id, stations.min_elevation_deg))
    for (sat_id, stn_id), g in df.groupby(["satellite_id", "station_id"]):
        mask = masks[stn_id]
        assert (g.aos_s.to_numpy()[1:] > g.los_s.to_numpy()[:-1]).all()
        assert (g.duration_s >= 0).all()
        assert ((g.t_max_elevation >= g.aos) & (g.t_max_elevation <= g.los)).all()
        eps = 0.01  # s; roots are polished to well below this
        free_aos, free_los = g[~g.aos_clipped], g[~g.los_clipped]
        before, after = (exact_elevation_deg(satellites, sat_id, stations, stn_id, free_aos.aos_s + d)
                         for d in (-eps, eps))
        assert (before < mask).all() and (after > mask).all()
        before, after = (exact_elevation_deg(satellites, sat_id, stations, stn_id, free_los.los_s + d)
                         for d in (-eps, eps))
        assert (before > mask).all() and (after < mask).all()
        t_max_s = (g.t_max_elevation - START).dt.total_seconds().to_numpy()
        peak = exact_elevation_deg(satellites, sat_id, stations, stn_id, t_max_s)
        np.testing.assert_allclose(g.max_elevation_deg, peak, atol=PEAK_DEG)
        inner = g[~g.aos_clipped & ~g.los_clipped]
        assert (inner.max_elevation_deg >= mask).all()


# ----------------------------------------------------------------------------- oracle comparisons

def test_windows_match_skyfield(leo, leo_contacts):
    n_sky = assert_matches_skyfield(leo_contacts, leo, STATIONS, START, START + pd.Timedelta(days=2))
    assert len(leo_contacts) > 100 and abs(len(leo_contacts) - n_sky) <= 2


def test_windows_have_mask_crossings_and_sgp4_peaks(leo, leo_contacts):
    assert_window_properties(leo_contacts, leo, STATIONS)


def test_polar_station_sees_polar_orbiter_on_most_orbits(leo):
    noaa = leo.select("NOAA*")
    svalbard = STATIONS[STATIONS.station_id == "KSAT/Svalbard"]
    df = compute_contacts(noaa, svalbard, START, START + pd.Timedelta(days=1))
    assert len(df) >= 10  # 14.2 orbits a day, most of them over 78 N
    assert_matches_skyfield(df, noaa, svalbard, START, START + pd.Timedelta(days=1))


def test_nothing_visible_between_windows_at_one_second_sampling(leo, leo_contacts):
    span = np.arange(0.0, 86_400.0, 1.0)
    for sat_id in leo.satellite_id[:3]:
        for stn in STATIONS.itertuples():
            el = exact_elevation_deg(leo, sat_id, STATIONS, stn.station_id, span)
            g = leo_contacts[(leo_contacts.satellite_id == sat_id)
                             & (leo_contacts.station_id == stn.station_id)]
            inside = np.zeros(len(span), bool)
            for w in g.itertuples():
                inside |= (span >= w.aos_s - ONE_MILLISECOND) & (span <= w.los_s + ONE_MILLISECOND)
            assert not (el > stn.min_elevation_deg)[~inside].any(), (sat_id, stn.station_id)
            long_ones = g[(g.los_s < 86_400.0) & (g.duration_s > 2.0)]
            for w in long_ones.itertuples():
                assert (el[(span > w.aos_s) & (span < w.los_s)] > stn.min_elevation_deg).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(altitude_km=st.floats(350, 1500), inclination_deg=st.floats(0, 180),
       eccentricity=st.floats(0, 0.02), raan_deg=st.floats(0, 360), arg_perigee_deg=st.floats(0, 360),
       mean_anomaly_deg=st.floats(0, 360), lat_deg=st.floats(-85, 85), lon_deg=st.floats(-180, 180),
       mask_deg=st.floats(0, 30))
def test_random_leo_orbits_match_skyfield(altitude_km, inclination_deg, eccentricity, raan_deg,
                                          arg_perigee_deg, mean_anomaly_deg, lat_deg, lon_deg, mask_deg):
    sats = Satellites.from_elements(altitude_km=altitude_km, inclination_deg=inclination_deg,
                                    eccentricity=eccentricity, raan_deg=raan_deg,
                                    arg_perigee_deg=arg_perigee_deg, mean_anomaly_deg=mean_anomaly_deg,
                                    epoch=START, ids=["RANDOM"])
    stations = make_stations([("Test/A", lat_deg, lon_deg, 0.0, mask_deg),
                              ("Test/Svalbard", 78.23, 15.41, 0.0, 10.0)])
    end = START + pd.Timedelta(hours=12)
    df = compute_contacts(sats, stations, START, end)
    assert_matches_skyfield(df, sats, stations, START, end)
    assert_window_properties(df, sats, stations)


# ----------------------------------------------------------------------------- special cases

def test_windows_open_at_the_ends_are_clipped_and_flagged(leo, leo_contacts):
    w = leo_contacts[(leo_contacts.los_s < 86_400) & (leo_contacts.duration_s > 300)].iloc[5]
    middle = w.aos + (w.los - w.aos) / 2
    one = leo[list(leo.satellite_id).index(w.satellite_id):][:1]
    stn = STATIONS[STATIONS.station_id == w.station_id]
    late = compute_contacts(one, stn, middle, START + pd.Timedelta(days=2))
    early = compute_contacts(one, stn, START, middle)
    first, last = late.iloc[0], early.iloc[-1]
    assert first.aos == middle and first.aos_clipped and not first.los_clipped
    assert last.los == middle and last.los_clipped and not last.aos_clipped
    assert abs((first.los - w.los).total_seconds()) < ONE_MILLISECOND
    assert abs((last.aos - w.aos).total_seconds()) < ONE_MILLISECOND
    assert not late.aos_clipped.iloc[1:].any() and not early.los_clipped.iloc[:-1].any()
    assert_matches_skyfield(late, one, stn, middle, START + pd.Timedelta(days=2))


def test_always_visible_object_gives_one_clipped_window():
    goes = load_satellites(TLE, names="GOES 16")
    jd, fr = orbits.julian_dates(START)
    r, _ = orbits.teme_positions_km(goes.satrec_array(), jd, fr)
    lat, lon, _ = orbits.ground_track(orbits.teme_to_itrf(r, jd, fr))
    stations = make_stations([("Test/Below", float(lat[0, 0]), float(lon[0, 0]), 0.0, 10.0),
                              ("Test/Antipode", -float(lat[0, 0]), float(lon[0, 0]) + 180.0, 0.0, 10.0)])
    end = START + pd.Timedelta(days=3)
    df = compute_contacts(goes, stations, START, end)
    assert len(df) == 1
    w = df.iloc[0]
    assert (w.station_id, w.aos, w.los) == ("Test/Below", START, end) and w.aos_clipped and w.los_clipped
    assert w.duration_s == pytest.approx(3 * 86_400.0) and w.max_elevation_deg > 85


def test_never_visible_gives_an_empty_table_with_the_schema():
    equatorial = Satellites.from_elements(altitude_km=500, inclination_deg=0.0, epoch=START, ids=["EQ"])
    df = compute_contacts(equatorial, STATIONS.iloc[:1], START, START + pd.Timedelta(days=1))
    assert df.empty and list(df.columns) == list(contacts.COLUMNS)
    assert str(df["aos"].dtype) == "datetime64[ns, UTC]" and df["aos_clipped"].dtype == bool


def test_decayed_satellite_warns_and_keeps_earlier_windows():
    stations = make_stations([("Test/Svalbard", 78.23, 15.41, 0.0, 10.0),
                              ("Test/Kiruna", 67.86, 20.96, 0.0, 5.0),
                              ("Test/Troll", -72.01, 2.53, 0.0, 5.0)])
    sats = Satellites.from_elements(altitude_km=[300, 500], inclination_deg=97.0, bstar=[0.05, 0.0],
                                    epoch="2025-03-10", ids=["DECAYING", "HEALTHY"])
    start, end = pd.Timestamp("2025-03-10T00:00Z"), pd.Timestamp("2025-03-12T00:00Z")
    with pytest.warns(DecayedSatelliteWarning, match=r"DECAYING.*SGP4 error 6.*2025-03-10T23:"):
        df = compute_contacts(sats, stations, start, end)
    before = compute_contacts(sats, stations, start, pd.Timestamp("2025-03-10T22:00Z"))
    decaying, kept = df[df.satellite_id == "DECAYING"], before[before.satellite_id == "DECAYING"]
    assert len(kept) > 5 and decaying.los.max() < pd.Timestamp("2025-03-10T23:10Z")
    np.testing.assert_allclose(decaying.aos_s.to_numpy()[:len(kept)], kept.aos_s, atol=ONE_MILLISECOND)
    healthy = compute_contacts(sats[[1]], stations, start, end)
    together = df[df.satellite_id == "HEALTHY"].reset_index(drop=True)
    assert len(together) == len(healthy) > 10
    np.testing.assert_allclose(together[["aos_s", "los_s"]], healthy[["aos_s", "los_s"]], atol=1e-6)


def test_satellite_decayed_before_the_window_is_dropped_with_a_warning():
    # After a decay SGP4 can return error 0 again with meaningless states: gstk scans from the epoch.
    sats = Satellites.from_elements(altitude_km=[300, 500], inclination_deg=97.0, bstar=[0.5, 0.0],
                                    epoch="2025-03-01", ids=["GONE", "HEALTHY"])
    stations = make_stations([("Test/Svalbard", 78.23, 15.41, 0.0, 10.0)])
    with pytest.warns(DecayedSatelliteWarning, match=r"GONE.*at 2025-03-01T.*dropped from the whole window"):
        df = compute_contacts(sats, stations, START, START + pd.Timedelta(days=1))
    assert set(df.satellite_id) == {"HEALTHY"} and len(df) > 5


def test_short_pass_shorter_than_the_step_is_found(leo, leo_contacts):
    w = leo_contacts[(leo_contacts.max_elevation_deg < 40) & ~leo_contacts.aos_clipped
                     & ~leo_contacts.los_clipped].iloc[3]
    one = leo[list(leo.satellite_id).index(w.satellite_id):][:1]
    base = STATIONS[STATIONS.station_id == w.station_id].iloc[0]
    for below_peak_deg in (0.01, 1e-4):
        mask = w.max_elevation_deg - below_peak_deg
        stn = make_stations([(base.station_id, base.lat_deg, base.lon_deg, base.alt_m, mask)])
        df = compute_contacts(one, stn, START, START + pd.Timedelta(days=2), step_s=120.0)
        short = df[(df.aos_s > w.aos_s) & (df.los_s < w.los_s)]
        assert len(short) == 1 and short.duration_s.iloc[0] < 60.0, df
        assert_window_properties(short, one, stn)


def test_per_station_masks_nest(leo):
    stations = make_stations([("Test/Low", 40.0, -75.0, 0.0, 5.0), ("Test/High", 40.0, -75.0, 0.0, 25.0)])
    df = compute_contacts(leo[:2], stations, START, START + pd.Timedelta(days=1))
    low, high = df[df.station_id == "Test/Low"], df[df.station_id == "Test/High"]
    assert 0 < len(high) < len(low)
    for w in high.itertuples():
        outer = low[(low.satellite_id == w.satellite_id) & (low.aos_s < w.aos_s) & (low.los_s > w.los_s)]
        assert len(outer) == 1
        assert outer.max_elevation_deg.iloc[0] == pytest.approx(w.max_elevation_deg, abs=1e-6)


# ----------------------------------------------------------------------------- numerics

def test_result_does_not_depend_on_step_or_chunking(leo, leo_contacts, monkeypatch):
    end = START + pd.Timedelta(days=2)
    monkeypatch.setattr(contacts, "CHUNK_ELEMENTS", 500)  # ~20 samples a chunk: many boundaries
    for step_s in (30.0, 240.0):
        other = compute_contacts(leo, STATIONS, START, end, step_s=step_s)
        assert len(other) == len(leo_contacts)
        for column in ("aos_s", "los_s"):
            np.testing.assert_allclose(other[column], leo_contacts[column], atol=ONE_MILLISECOND)
        np.testing.assert_allclose(other.max_elevation_deg, leo_contacts.max_elevation_deg, atol=PEAK_DEG)
        assert other.attrs["step_s"] == step_s
    # Coarser than the default step, every culmination is polished on exact SGP4.
    for w in other.iloc[::7].itertuples():
        t_max_s = (w.t_max_elevation - START).total_seconds()
        exact = exact_elevation_deg(leo, w.satellite_id, STATIONS, w.station_id, t_max_s)[0]
        assert w.max_elevation_deg == pytest.approx(exact, abs=1e-6)


def test_default_step_follows_the_fastest_orbit(leo):
    assert 80.0 < contacts.default_step_s(leo.satrecs) < 95.0  # ISS: 92.9 min / 60
    goes = load_satellites(TLE, names="GOES 16")
    assert contacts.default_step_s(goes.satrecs) == contacts.MAX_STEP_S
    assert contacts.default_step_s([]) == 60.0


# ----------------------------------------------------------------------------- table and inputs

def test_table_is_sorted_typed_and_described(leo, leo_contacts):
    df = leo_contacts
    assert list(df.columns) == list(contacts.COLUMNS)
    assert df.index.equals(pd.RangeIndex(len(df)))
    order = df.sort_values(["satellite_id", "station_id", "aos"], kind="stable")
    assert order.index.equals(df.index)
    assert {str(df[c].dtype) for c in ("aos", "los", "t_max_elevation")} == {"datetime64[ns, UTC]"}
    assert df.satellite_id.map(type).eq(str).all() and df.aos_clipped.dtype == bool
    np.testing.assert_allclose(df.duration_s, (df.los - df.aos).dt.total_seconds(), atol=1e-6)
    np.testing.assert_allclose(df.aos_s, (df.aos - START).dt.total_seconds(), atol=1e-6)
    assert df.provider.isin(["KSAT", "Test", "Atlas"]).all()
    assert df.attrs["start"] == START and df.attrs["end"] == START + pd.Timedelta(days=2)
    assert df.attrs["units"]["max_elevation_deg"] == "deg" and df.attrs["propagations"] > 0


def test_same_inputs_same_table_in_any_order(leo, leo_contacts):
    again = compute_contacts(leo, STATIONS, START, START + pd.Timedelta(days=2))
    pd.testing.assert_frame_equal(again, leo_contacts, check_exact=True)
    shuffled = compute_contacts(leo[[3, 1, 0, 2]], STATIONS.iloc[::-1], "2025-03-11", "2025-03-13")
    ids = ["satellite_id", "station_id", "provider", "aos_clipped", "los_clipped"]
    pd.testing.assert_frame_equal(shuffled[ids], leo_contacts[ids])
    for column in ("aos_s", "los_s", "max_elevation_deg"):
        np.testing.assert_allclose(shuffled[column], leo_contacts[column], atol=1e-6)


def test_bad_inputs_raise_helpful_errors(leo):
    with pytest.raises(GstkError, match="not after start"):
        compute_contacts(leo, STATIONS, START, START)
    with pytest.raises(GstkError, match="step_s"):
        compute_contacts(leo, STATIONS, START, START + pd.Timedelta(hours=1), step_s=0)
    with pytest.raises(StationDataError, match="lat_deg"):
        compute_contacts(leo, STATIONS.drop(columns="lat_deg"), START, START + pd.Timedelta(hours=1))
    bad = STATIONS.assign(lat_deg=[np.nan, 0, 0, 0, 95.0])
    with pytest.raises(StationDataError) as info:
        compute_contacts(leo, bad, START, START + pd.Timedelta(hours=1))
    assert info.value.rows == [0, 4]
    with pytest.raises(SatelliteDataError, match="satrecs"):
        compute_contacts(["25544"], STATIONS, START, START + pd.Timedelta(hours=1))
    with pytest.raises(GstkError, match="not a time"):
        compute_contacts(leo, STATIONS, "yesterday-ish", START)


def test_progress_bar_only_when_asked(leo, capsys):
    compute_contacts(leo[:1], STATIONS.iloc[:1], START, START + pd.Timedelta(hours=6))
    assert capsys.readouterr().err == ""  # not a terminal: no bar by default
    compute_contacts(leo[:1], STATIONS.iloc[:1], START, START + pd.Timedelta(hours=6), progress=True)
    assert "contacts" in capsys.readouterr().err


# ----------------------------------------------------------------------------- slow

@pytest.mark.slow
def test_benchmark_workload_matches_skyfield():
    from gstk.catalog.stations import load_stations
    from gstk.datasets import shared_tle_path

    satellites = load_satellites(shared_tle_path()).select(altitude_km=(400, 700)).sample(10, seed=2025)
    stations = load_stations()
    end = START + pd.Timedelta(days=7)
    df = compute_contacts(satellites, stations, START, end)
    assert len(df) > 10_000
    assert_matches_skyfield(df, satellites, stations, START, end)


@pytest.mark.slow
def test_thirty_days_for_a_hundred_satellites_runs_in_bounded_memory():
    import resource
    import warnings

    from gstk.catalog.stations import load_stations
    from gstk.datasets import shared_tle_path

    satellites = load_satellites(shared_tle_path()).select(altitude_km=(400, 700)).sample(100, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DecayedSatelliteWarning)  # SGP4 decays a Starlink of this draw
        df = compute_contacts(satellites, load_stations(), START, START + pd.Timedelta(days=30))
    assert len(df) > 500_000
    # One dense float64 satellite x station x sample array would take 1.9 GB; chunks keep it small.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < 1.5e9


# --------------------------------------------------------------------------- issue 15: element age, nothing left
def test_a_window_far_from_the_epoch_warns_once():
    from gstk.errors import ElementAgeWarning

    demo = Satellites.from_elements(altitude_km=550, inclination_deg=97.6, epoch="2025-03-10", ids=["DEMO"])
    stations = make_stations([("Test/Svalbard", 78.23, 15.41, 0.0, 10.0)])
    with pytest.warns(ElementAgeWarning, match=r"1 of 1 satellites .* more than 30 days .* 2055-03-11") as record:
        df = compute_contacts(demo, stations, "2055-03-11", "2055-03-11T06:00Z")
    assert len(record) == 1 and len(df) > 0  # the contacts still come (drag-free SGP4 runs), with the warning
    compute_contacts(demo, stations, START, START + pd.Timedelta(days=7))  # near the epoch: no warning


def test_when_every_satellite_failed_before_the_window_nothing_is_left_to_schedule():
    sats = Satellites.from_elements(altitude_km=[300, 300], inclination_deg=97.0, bstar=[0.5, 0.4],
                                    epoch="2025-03-01", ids=["GONE-1", "GONE-2"])
    stations = make_stations([("Test/Svalbard", 78.23, 15.41, 0.0, 10.0)])
    with pytest.warns(DecayedSatelliteWarning), pytest.raises(SatelliteDataError, match=(
            r"no satellite is left to schedule: SGP4 fails \(e.g. decay\) for all 2 satellites")):
        compute_contacts(sats, stations, START, START + pd.Timedelta(days=1))
