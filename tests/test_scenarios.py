"""Tests of gstk.scenario: seeded Table 1 draws, per-trial scenarios, explicit satellite sampling rules."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gstk.catalog.prices import TABLE1, draw_prices, price_ranges
from gstk.catalog.stations import load_stations
from gstk.datasets import shared_tle_path
from gstk.errors import GstkError, SatelliteDataError
from gstk.orbits.sampling import (
    EARTH_OBSERVATION_PATTERNS,
    MEGACONSTELLATION_PATTERNS,
    PAPER_ALTITUDE_KM,
    eligible_satellites,
    rule_mask,
    sample_satellites,
)
from gstk.orbits.satellites import Satellites, demo_constellation, load_satellites
from gstk.orbits.selection import name_mask
from gstk.scenario.files import Scenario
from gstk.scenario.random import random_scenario
from gstk.seeds import unit_seeds

SATS = ["SAT-3", "SAT-1", "SAT-2"]
ONE_CENT = 0.01  # prices are rounded to cents
ONE_BPS = 1.0    # rates are rounded to whole bit/s


@pytest.fixture(scope="module")
def stations() -> pd.DataFrame:
    return load_stations()


@pytest.fixture(scope="module")
def catalog() -> Satellites:
    path = shared_tle_path()
    if not path.is_file():
        pytest.skip(f"shared Celestrak snapshot not found at {path} (set GSTK_TLE_PATH to run)")
    return load_satellites(path)


# --------------------------------------------------------------------------- draws
def test_same_seed_gives_identical_tables(stations):
    first, second = draw_prices(stations, SATS, seed=11), draw_prices(stations, SATS, seed=11)
    for a, b in zip(first, second):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_different_seeds_give_different_tables(stations):
    a, b = draw_prices(stations, SATS, seed=11), draw_prices(stations, SATS, seed=12)
    assert not np.array_equal(a[0]["monthly_cost_usd"], b[0]["monthly_cost_usd"])
    assert not np.array_equal(a[1]["integration_cost_usd"], b[1]["integration_cost_usd"])
    assert not np.array_equal(a[2]["rate_bps"], b[2]["rate_bps"])


def test_rng_argument_equals_seed(stations):
    by_seed = draw_prices(stations, SATS, seed=5)
    by_rng = draw_prices(stations, SATS, rng=np.random.default_rng(5))
    for a, b in zip(by_seed, by_rng):
        pd.testing.assert_frame_equal(a, b)
    with pytest.raises(GstkError, match="not both"):
        draw_prices(stations, SATS, seed=5, rng=np.random.default_rng(5))


def test_draws_do_not_depend_on_row_order(stations):
    shuffled = stations.sample(frac=1.0, random_state=3).reset_index(drop=True)
    a_st, a_pr, a_sat = draw_prices(stations, SATS, seed=2)
    b_st, b_pr, b_sat = draw_prices(shuffled, list(reversed(SATS)), seed=2)
    columns = ["station_id", "setup_cost_usd", "monthly_cost_usd", "licence_cost_usd", "pass_cost_usd",
               "minute_cost_usd", "rate_bps"]
    pd.testing.assert_frame_equal(a_st[columns].sort_values("station_id").reset_index(drop=True),
                                  b_st[columns].sort_values("station_id").reset_index(drop=True))
    pd.testing.assert_frame_equal(a_pr, b_pr)
    pd.testing.assert_frame_equal(a_sat, b_sat)
    assert b_st["station_id"].tolist() == shuffled["station_id"].tolist()  # input order kept


def test_station_prices_do_not_depend_on_the_number_of_satellites(stations):
    few, many = draw_prices(stations, ["A"], seed=9), draw_prices(stations, [f"S{k}" for k in range(10)], seed=9)
    pd.testing.assert_frame_equal(few[0], many[0])
    pd.testing.assert_frame_equal(few[1], many[1])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_draws_respect_table1_ranges(seed):
    stations = _toy_stations()
    priced, providers, satellites = draw_prices(stations, SATS, seed=seed)

    def within(values, key):
        low, high = TABLE1[key]
        values = np.asarray(values, float)
        assert ((values >= low - ONE_CENT) & (values <= high + ONE_CENT)).all(), key

    within(providers["integration_cost_usd"], "integration_cost_usd")
    within(providers["setup_cost_usd"], "setup_cost_usd")
    for key in ("monthly_cost_usd", "licence_cost_usd"):
        within(priced[key], key)
    per_pass = priced["pricing"] == "per_pass"
    within(priced.loc[per_pass, "pass_cost_usd"], "pass_cost_usd")
    within(priced.loc[~per_pass, "minute_cost_usd"], "minute_cost_usd")
    assert (priced.loc[per_pass, "minute_cost_usd"] == 0).all()
    assert (priced.loc[~per_pass, "pass_cost_usd"] == 0).all()
    low, high = TABLE1["station_rate_bps"]
    assert priced["rate_bps"].between(low - ONE_BPS, high + ONE_BPS).all()
    low, high = TABLE1["satellite_rate_bps"]
    assert satellites["rate_bps"].between(low - ONE_BPS, high + ONE_BPS).all()
    assert satellites["satellite_id"].tolist() == sorted(SATS)


def test_levels_per_provider_and_per_station(stations):
    priced, providers, _ = draw_prices(stations, SATS, seed=21)
    by_provider = priced.groupby("provider")
    # drawn once per provider: the same for all its stations, equal to the provider table
    assert (by_provider["setup_cost_usd"].nunique() == 1).all()
    assert (by_provider["pricing"].nunique() == 1).all()
    table = providers.set_index("provider")
    assert (priced["setup_cost_usd"].to_numpy() == priced["provider"].map(table["setup_cost_usd"]).to_numpy()).all()
    # drawn once per station: providers with several stations see several values
    multi = by_provider.size() > 1
    for column in ("monthly_cost_usd", "licence_cost_usd", "rate_bps"):
        assert (by_provider[column].nunique()[multi] > 1).all(), column
    # one price of the scheme per station is non-zero
    assert ((priced["pass_cost_usd"] > 0) ^ (priced["minute_cost_usd"] > 0)).all()


def test_pricing_scheme_is_about_half_per_minute():
    stations = pd.DataFrame({"station_id": [f"P{i}/S" for i in range(400)], "provider": [f"P{i}" for i in range(400)]})
    _, providers, _ = draw_prices(stations, [], seed=0)
    share = (providers["pricing"] == "per_minute").mean()
    assert 0.4 < share < 0.6  # 400 Bernoulli(1/2): standard deviation 2.5 %


def test_ranges_override_and_validation():
    stations = _toy_stations()
    priced, _, _ = draw_prices(stations, SATS, seed=1, ranges={"monthly_cost_usd": (7, 7), "per_minute_probability": 1})
    assert (priced["monthly_cost_usd"] == 7).all() and (priced["pricing"] == "per_minute").all()
    with pytest.raises(GstkError, match="unknown price range 'monthly'"):
        price_ranges({"monthly": (1, 2)})
    with pytest.raises(GstkError, match="low <= high"):
        price_ranges({"monthly_cost_usd": (5, 1)})
    with pytest.raises(GstkError, match="probability"):
        price_ranges({"per_minute_probability": 2})


def test_draw_prices_rejects_bad_tables():
    with pytest.raises(GstkError, match="lacks column"):
        draw_prices(pd.DataFrame({"station_id": ["a"]}), SATS, seed=1)
    with pytest.raises(GstkError, match="duplicate station_id"):
        draw_prices(pd.DataFrame({"station_id": ["a", "a"], "provider": ["P", "P"]}), SATS, seed=1)


def _toy_stations() -> pd.DataFrame:
    providers = ["Q", "P", "P", "R", "Q", "P"]
    return pd.DataFrame({"station_id": [f"{p}/{i}" for i, p in enumerate(providers)], "provider": providers})


# --------------------------------------------------------------------------- sampling
def test_rule_mask_patterns():
    names = ["STARLINK-1007", "ONEWEB-0012", "QIANFAN-3", "KUIPER-P1", "SENTINEL-2A", "ISS (ZARYA)", "NOAA 19"]
    assert rule_mask(names, "exclude-megaconstellations").tolist() == [False] * 4 + [True] * 3
    assert rule_mask(names, "earth-observation").tolist() == [False] * 4 + [True, False, True]
    assert rule_mask(names, "all").all()
    with pytest.raises(GstkError, match="unknown sampling rule"):
        rule_mask(names, "leo")


def test_sample_demo_constellation_is_seeded():
    sats = demo_constellation()
    a = sample_satellites(sats, 2, seed=3, rule="all").satellite_id.tolist()
    assert a == sample_satellites(sats, 2, seed=3, rule="all").satellite_id.tolist()
    draws = {tuple(sample_satellites(sats, 2, seed=s, rule="all").satellite_id) for s in range(20)}
    assert len(draws) > 1
    with pytest.raises(SatelliteDataError, match="cannot sample 5 satellites: 4 are eligible"):
        sample_satellites(sats, 5, seed=1, rule="all")
    with pytest.raises(SatelliteDataError, match="0 are eligible"):
        sample_satellites(sats, 1, seed=1, rule="earth-observation")


def test_exclude_megaconstellations_drops_starlink(catalog):
    band = catalog.select(altitude_km=PAPER_ALTITUDE_KM)
    starlink_share = name_mask(band.name, "STARLINK*").mean()
    assert starlink_share > 0.7  # why the rule exists: three in four are Starlink
    pool = eligible_satellites(catalog, rule="exclude-megaconstellations")
    assert not name_mask(pool.name, list(MEGACONSTELLATION_PATTERNS)).any()
    assert len(pool) > 1000
    frame = pool.to_frame()
    assert frame["perigee_km"].min() >= 300 and frame["apogee_km"].max() <= 1000
    sample = sample_satellites(catalog, 60, seed=7)
    assert not any(n.upper().startswith(("STARLINK", "ONEWEB")) for n in sample.name)
    assert set(sample.satellite_id) <= set(pool.satellite_id)


def test_earth_observation_rule_keeps_only_eo(catalog):
    sample = sample_satellites(catalog, 30, seed=3, rule="earth-observation")
    assert name_mask(sample.name, list(EARTH_OBSERVATION_PATTERNS)).all()
    assert len(eligible_satellites(catalog, rule="earth-observation")) > 200


def test_sample_is_reproducible_and_independent_of_file_order(catalog):
    a = sample_satellites(catalog, 10, seed=1).satellite_id.tolist()
    reversed_catalog = catalog[np.arange(len(catalog))[::-1]]
    assert sample_satellites(reversed_catalog, 10, seed=1).satellite_id.tolist() == a
    assert sample_satellites(catalog, 10, seed=2).satellite_id.tolist() != a
    assert a == sorted(a, key=int)


# --------------------------------------------------------------------------- random scenarios
def test_random_scenario_round_trips_through_its_file_form(catalog, tmp_path, stations):
    scenario = random_scenario(shared_tle_path(), None, 3, seed=8, trial=2)
    sample_seed, price_seed = unit_seeds(8, 3, 2)  # the study's rule, stored in the file form
    assert scenario.to_dict()["satellites"]["sample"]["seed"] == sample_seed
    assert scenario.to_dict()["prices"] == {"random": {"seed": price_seed}}
    again = Scenario.from_dict(scenario.to_dict())
    assert again.satellites().satellite_id.tolist() == scenario.satellites().satellite_id.tolist()
    for a, b in zip(scenario.price_tables(), again.price_tables()):
        pd.testing.assert_frame_equal(a, b)
    # a loaded catalog gives the same trial, recorded as TLE lines that reload exactly
    in_memory = random_scenario(catalog, stations, 3, seed=8, trial=2)
    assert in_memory.satellites().satellite_id.tolist() == scenario.satellites().satellite_id.tolist()
    reloaded = Scenario.from_dict(in_memory.to_dict())
    assert "tle_text" in in_memory.to_dict()["satellites"]
    for a, b in zip(in_memory.satellites().satrecs, reloaded.satellites().satrecs):
        assert a.sgp4(a.jdsatepoch + 2, 0.25) == b.sgp4(b.jdsatepoch + 2, 0.25)
    for a, b in zip(in_memory.price_tables(), reloaded.price_tables()):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_like=True)


def test_random_scenario_trials_differ_and_each_reproduces():
    sats = demo_constellation()
    trials = [random_scenario(sats, {"providers": ["KSAT", "Leaf"]}, 2, seed=3, trial=i, rule="all")
              for i in range(4)]
    prices = [t.price_tables()[0]["monthly_cost_usd"].to_numpy() for t in trials]
    assert all(not np.array_equal(prices[0], p) for p in prices[1:])
    alone = random_scenario(sats, {"providers": ["KSAT", "Leaf"]}, 2, seed=3, trial=3, rule="all")
    np.testing.assert_array_equal(alone.price_tables()[0]["monthly_cost_usd"], prices[3])
    assert alone.satellites().satellite_id.tolist() == trials[3].satellites().satellite_id.tolist()
    assert "elements" in alone.to_dict()["satellites"]  # designed orbits have no NORAD number
    reloaded = Scenario.from_dict(alone.to_dict())
    assert reloaded.satellites().satellite_id.tolist() == alone.satellites().satellite_id.tolist()
