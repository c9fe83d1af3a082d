"""Tests of elevation-dependent data rates: gstk.contacts.rates, the volume rule, the verifier's check.

Hand-computed cases: a constant table carries rate x duration; a two-step table carries each
step's rate over the time above and below its edge, found independently by the contact search
at that edge as the mask; a link budget on a synthetic straight-line pass, whose volume
K / (d0 v) atan(v t / d0) is known in closed form (with and without the radio's cap).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gstk.catalog.prices import draw_prices
from gstk.catalog.stations import load_stations
from gstk.contacts.files import read_contacts_csv, write_contacts_csv
from gstk.contacts.profiles import IntervalArcs, IntervalSamples
from gstk.contacts.rates import LinkBudget, RateTable, StationRates, free_space_path_loss_db, rate_model_from_dict
from gstk.contacts.volumes import _capped_parabola_integral, _monotone_pieces, contact_volumes_bit, integrate_volumes
from gstk.contacts.windows import compute_contacts
from gstk.errors import GstkError, ScenarioError
from gstk.model.data import ModelData
from gstk.orbits.satellites import demo_constellation
from gstk.problem.definition import Problem
from gstk.problem.specs import (
    MaxMissionData,
    MaxProviders,
    MinContactDuration,
    SatelliteContactExclusion,
    StationContactExclusion,
)
from gstk.problem.volumes import contact_volume_bit
from gstk.scenario.files import Scenario, load_scenario
from gstk.solve.api import optimize
from gstk.verification.report import verify

ROOT = Path(__file__).resolve().parent.parent
START = pd.Timestamp("2025-03-11T00:00:00Z")
END = START + pd.Timedelta(days=1)
#: Volumes are ~1e11 bit; float sums of ~100 samples agree to ~1e-12 relative.
FLOAT_REL = 1e-9
#: The engine polishes each step's edge on the Hermite arc (~10 m from SGP4): within ~0.01 s of the
#: contact search's own crossing on exact SGP4; 0.02 s of the rate change bounds it.
EDGE_S = 0.02
#: Simpson's rule on a 1/d^2 profile sampled every <= 7.5 s: ~1e-6 relative; the cap is exact.
SIMPSON_REL = 1e-5
BUDGET = LinkBudget(eirp_dbw=10, gt_db_k=31, frequency_hz=8.2e9, ebn0_db=4.4, margin_db=3, max_rate_bps=1.2e9)


@pytest.fixture(scope="module")
def sats():
    return demo_constellation()[[0, 1]]


@pytest.fixture(scope="module")
def stations():
    table = load_stations(providers=["KSAT"])
    return table[table["station_id"].isin(["KSAT/Svalbard", "KSAT/Troll", "KSAT/Singapore"])].reset_index(drop=True)


@pytest.fixture(scope="module")
def plain(sats, stations):
    return compute_contacts(sats, stations, START, END)


# ----------------------------------------------------------------------------- the models
def test_rate_table_is_a_step_function_of_elevation():
    table = RateTable(elevation_deg=(10, 30), rate_bps=(1e8, 4e8))
    assert table.rate_bps_at(np.array([-5.0, 9.999, 10.0, 29.999, 30.0, 90.0])).tolist() == [
        0.0, 0.0, 1e8, 1e8, 4e8, 4e8]
    # R(e) = 1e8 (e - 10) up to 30, then + 4e8 (e - 30)
    assert table.rate_integral_deg(np.array([0.0, 20.0, 40.0])).tolist() == [0.0, 1e9, 2e9 + 4e9]


def test_link_budget_matches_the_budget_written_out_by_hand():
    d_km, f_hz = 2000.0, 8.2e9
    fspl = 20 * math.log10(4 * math.pi * d_km * 1e3 * f_hz / 299_792_458.0)
    assert float(free_space_path_loss_db(np.array(d_km), f_hz)) == pytest.approx(fspl, abs=1e-12)
    assert fspl == pytest.approx(176.74, abs=0.01)
    c_n0 = 10 + 31 - fspl + 228.6  # dB-Hz
    rate = 10 ** ((c_n0 - 4.4 - 3) / 10)
    assert float(BUDGET.rate_bps_at(np.array([20.0]), np.array([d_km]))[0]) == pytest.approx(rate, rel=1e-12)
    near = BUDGET.rate_bps_at(np.array([80.0]), np.array([500.0]))  # 12 dB stronger: capped
    assert near.tolist() == [1.2e9]
    rainy = LinkBudget(**{**BUDGET.__dict__, "zenith_attenuation_db": 1.0})  # A(30 deg) = 1 / sin 30 = 2 dB
    ratio = rainy.rate_bps_at(np.array([30.0]), np.array([d_km])) / BUDGET.rate_bps_at(np.array([30.0]),
                                                                                          np.array([d_km]))
    assert float(ratio[0]) == pytest.approx(10 ** -0.2, rel=1e-12)


@pytest.mark.parametrize("bad, message", [
    (lambda: RateTable((10, 5), (1, 2)), "strictly increasing"),
    (lambda: RateTable((10,), (1, 2)), "1 elevations for 2 rates"),
    (lambda: RateTable((10,), (-1,)), "rate_bps[0]"),
    (lambda: LinkBudget(10, 31, 0, 4.4, 1e9), "frequency_hz"),
    (lambda: LinkBudget(10, 31, 8e9, 4.4, 1e9, margin_db=float("nan")), "margin_db"),
    (lambda: rate_model_from_dict({"type": "Laser"}), "RateTable or LinkBudget"),
    (lambda: rate_model_from_dict({"type": "RateTable", "elevation_deg": [5], "rate": [1]}), "unknown key"),
    (lambda: StationRates.of("fast"), "expected a RateTable"),
])
def test_bad_models_raise_one_line_errors(bad, message):
    with pytest.raises(GstkError, match=message.replace("[", r"\[").replace("]", r"\]")):
        bad()


def test_models_round_trip_through_dicts():
    rates = StationRates(default=BUDGET, providers={"KSAT": RateTable((5, 20), (1e8, 2e8))})
    again = StationRates(**rates.to_dict())
    assert again == rates
    assert again.model_for("KSAT/Troll", "KSAT") == RateTable((5, 20), (1e8, 2e8))
    assert again.model_for("Leaf/Awarua", "Leaf") == BUDGET


# ----------------------------------------------------------------------------- volumes in closed form
def straight_pass(d0_km: float, v_km_s: float, half_s: float, n: int, substeps: int = 16) -> IntervalSamples:
    """One synthetic pass: the satellite flies east at v, d0 above the station (range sqrt(d0^2 + v^2 t^2))."""
    intervals = n // substeps
    step = 2 * half_s / n
    t0 = -half_s + np.arange(intervals) * substeps * step
    t = t0[:, None] + np.arange(substeps + 1) * step
    enu = np.stack([v_km_s * t, np.zeros_like(t), np.full_like(t, d0_km)])
    cubic = np.zeros((4, 3, intervals))  # the line is exactly its own cubic: p(tau) = p(t0) + tau v L
    cubic[0, 0], cubic[0, 2], cubic[1, 0] = v_km_s * t0, d0_km, v_km_s * substeps * step
    return IntervalSamples(np.zeros(intervals, int), t0, np.full(intervals, step), enu, cubic)


def test_link_budget_volume_of_a_straight_pass_is_the_arctangent_integral():
    d0, v, half = 600.0, 7.0, 300.0
    profile = straight_pass(d0, v, half, n=80)  # 7.5 s samples (the engine's are at most 10 s apart)
    uncapped = LinkBudget(**{**BUDGET.__dict__, "max_rate_bps": 1e30})
    k = float(BUDGET.uncapped_rate_bps(np.array([90.0]), np.array([1.0]))[0])  # rate = k / d^2, d in km
    exact = 2 * k / (d0 * v) * math.atan(v * half / d0)
    assert contact_volumes_bit(profile, [uncapped])[0] == pytest.approx(exact, rel=SIMPSON_REL)
    cap = 1.2e9
    t_cap = math.sqrt(k / cap - d0**2) / v  # the rate reaches the cap at d = sqrt(k / cap)
    exact_capped = 2 * cap * t_cap + 2 * k / (d0 * v) * (math.atan(v * half / d0) - math.atan(v * t_cap / d0))
    assert 0 < t_cap < half
    assert contact_volumes_bit(profile, [BUDGET])[0] == pytest.approx(exact_capped, rel=SIMPSON_REL)


def test_table_volume_of_a_straight_pass_uses_the_exact_edge_times():
    d0, v, half = 600.0, 7.0, 300.0
    profile = straight_pass(d0, v, half, n=80)
    table = RateTable((0.0, 45.0), (1e8, 5e8))
    t_edge = d0 / math.tan(math.radians(45.0)) / v  # elevation 45 deg where v t = d0
    exact = 1e8 * 2 * (half - t_edge) + 5e8 * 2 * t_edge
    assert contact_volumes_bit(profile, [table])[0] == pytest.approx(exact, rel=1e-9)  # edges by Newton on the arc
    arcs_only = IntervalArcs(profile.window, profile.t0_s, profile.duration_s, profile.cubic_km)
    assert contact_volumes_bit(arcs_only, [table])[0] == pytest.approx(exact, rel=1e-9)  # no samples needed


def test_monotone_pieces_cut_a_pass_at_its_culmination():
    profile = straight_pass(600.0, 7.0, 300.0, n=80)  # 5 intervals; the culmination at t = 0, inside the third
    piece, lo, hi, f_lo, f_hi = _monotone_pieces(profile.arcs())
    assert piece.tolist() == [0, 1, 2, 2, 3, 4]
    turn = 0.5  # t = 0 is the middle of interval 2 (t0 = -60 s, 120 s long)
    assert lo[3] == pytest.approx(turn, abs=1e-9) and hi[2] == pytest.approx(turn, abs=1e-9)
    assert f_hi[2] == pytest.approx(1.0, abs=1e-12) and f_lo[3] == pytest.approx(1.0, abs=1e-12)
    assert (np.sign(f_hi - f_lo)[[0, 1, 2]] > 0).all() and (np.sign(f_hi - f_lo)[[3, 4, 5]] < 0).all()


@settings(max_examples=25, deadline=None)
@given(st.floats(300, 1500), st.floats(-800, 800), st.lists(st.floats(0, 85), min_size=1, max_size=6, unique=True))
def test_table_volume_matches_fine_quadrature_of_an_offset_pass(d0, offset_km, edges):
    """A pass that misses the zenith by ``offset_km``: the step rate summed on 1 ms samples agrees."""
    half, substeps = 300.0, 12
    profile = straight_pass(d0, 7.0, half, n=60, substeps=substeps)
    cubic = profile.cubic_km.copy()
    cubic[0, 1] = offset_km  # a constant north offset: the line of sight stays a straight line
    edges = sorted(edges)
    table = RateTable(tuple(edges), tuple(1e8 * (i + 1) for i in range(len(edges))))
    arcs = IntervalArcs(profile.window, profile.t0_s, profile.duration_s, cubic)
    t = -half + (np.arange(600_000) + 0.5) * 1e-3
    elevation = np.degrees(np.arctan2(d0, np.hypot(7.0 * t, offset_km)))
    fine = table.rate_bps_at(elevation).sum() * 1e-3
    assert contact_volumes_bit(arcs, [table])[0] == pytest.approx(fine, rel=1e-6, abs=2 * 1e-3 * 6e8)


def test_arcs_sampled_are_the_interval_samples(sats, stations, plain):
    from gstk.contacts.profiles import grid_states, interval_arcs, interval_samples, station_frames

    states = grid_states(list(sats.satrecs), START, 86400.0)
    frames = station_frames(stations)
    k = pd.Index(sats.satellite_id).get_indexer(plain.satellite_id)
    s = pd.Index(stations.station_id).get_indexer(plain.station_id)
    args = (states, frames, k, s, plain.aos_s.to_numpy(), plain.los_s.to_numpy())
    arcs, samples = interval_arcs(*args), interval_samples(*args, substeps=8)
    np.testing.assert_array_equal(arcs.sampled(8).enu_km, samples.enu_km)
    np.testing.assert_allclose(samples.duration_s, arcs.duration_s, rtol=1e-12)
    table = RateTable((10.0, 25.0, 45.0), (1e8, 3e8, 9e8))
    models = [table] * len(plain)
    np.testing.assert_allclose(contact_volumes_bit(arcs, models), contact_volumes_bit(samples, models), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 2e9), st.floats(0, 2e9), st.floats(0, 2e9), st.floats(1e8, 2e9))
def test_capped_parabola_integral_matches_fine_quadrature(f0, f1, f2, cap):
    u = (np.arange(200_000) + 0.5) / 100_000
    c = 0.5 * (f0 - 2 * f1 + f2)
    q = f0 + (f1 - f0 - c) * u + c * u * u
    fine = np.minimum(cap, q).sum() / 100_000
    got = _capped_parabola_integral(np.array([f0]), np.array([f1]), np.array([f2]), cap)[0]
    assert got == pytest.approx(fine, rel=1e-6, abs=1e-3 * cap)


# ----------------------------------------------------------------------------- volumes of real passes
def test_constant_table_carries_rate_times_duration(sats, stations, plain):
    flat = compute_contacts(sats, stations, START, END, rates=RateTable((-90.0,), (3e8,)))
    assert flat[list(plain.columns)].equals(plain)  # a rate model changes no window
    np.testing.assert_allclose(flat["volume_bit"], 3e8 * flat["duration_s"], rtol=FLOAT_REL)
    np.testing.assert_allclose(flat["mean_rate_bps"], 3e8, rtol=FLOAT_REL)
    assert flat.attrs["units"]["volume_bit"] == "bit" and "volume_bit" not in plain.attrs["units"]


def test_two_step_table_carries_each_rate_over_the_time_on_its_step(sats, stations, plain):
    edge = 30.0
    table = RateTable((0.0, edge), (1e8, 6e8))
    got = compute_contacts(sats, stations, START, END, rates=table)
    high = compute_contacts(sats, stations.assign(min_elevation_deg=edge), START, END)  # time above the edge
    above = np.zeros(len(plain))
    for row in high.itertuples():  # each window above 30 deg lies inside one window above the mask
        inside = np.flatnonzero((plain.satellite_id == row.satellite_id) & (plain.station_id == row.station_id)
                                & (plain.aos_s <= row.aos_s) & (plain.los_s >= row.los_s))
        assert len(inside) == 1
        above[inside[0]] += row.duration_s
    assert (above > 0).sum() >= 3
    expected = 1e8 * (plain["duration_s"] - above) + 6e8 * above
    np.testing.assert_allclose(got["volume_bit"], expected, rtol=0, atol=2 * EDGE_S * 5e8)


def test_volumes_only_where_a_model_applies(sats, stations):
    rates = StationRates(stations={"KSAT/Troll": BUDGET})
    got = compute_contacts(sats, stations, START, END, rates=rates)
    at_troll = got["station_id"] == "KSAT/Troll"
    assert got.loc[at_troll, "volume_bit"].notna().all() and got.loc[~at_troll, "volume_bit"].isna().all()
    assert (got.loc[at_troll, "mean_rate_bps"] <= BUDGET.max_rate_bps).all()


def test_a_high_pass_carries_more_per_second_than_a_low_one(sats, stations):
    got = compute_contacts(sats, stations, START, END, rates=BUDGET)
    rank = got["max_elevation_deg"].rank()
    assert np.corrcoef(rank, got["mean_rate_bps"].rank())[0, 1] > 0.8


# ----------------------------------------------------------------------------- the model and the verifier
def problem_for(stations, sats, seed=3):
    priced, providers, rates = draw_prices(stations, sats.satellite_id, seed=seed)
    return Problem(objective=MaxMissionData(),
                   constraints=(MinContactDuration(duration_s=60), StationContactExclusion(),
                                SatelliteContactExclusion(), MaxProviders(count=1)),
                   stations=priced, providers=providers, satellites=rates, mission_days=30)


def test_volume_rule_caps_the_link_volume_at_the_constant_rate():
    volume, rate = contact_volume_bit(np.array([1e9, 1e9, 1e9]), np.array([100.0, 100.0, 100.0]),
                                      np.array([4e10, 2e11, np.nan]))
    assert volume.tolist() == [4e10, 1e11, 1e11]
    assert rate.tolist() == [4e8, 1e9, 1e9]


def test_model_data_uses_the_contacts_own_volumes(sats, stations):
    contacts = compute_contacts(sats, stations, START, END, rates=BUDGET)
    problem = problem_for(stations, sats)
    data = ModelData.from_problem(contacts, problem)
    constant = ModelData.from_problem(contacts.drop(columns=["volume_bit", "mean_rate_bps"]), problem)
    assert list(data.contacts["contact_id"]) == list(constant.contacts["contact_id"])
    link = data.contacts["volume_bit"].to_numpy(float)
    np.testing.assert_allclose(data.volume_bit, np.minimum(link, constant.volume_bit), rtol=FLOAT_REL)
    assert (data.volume_bit < constant.volume_bit).mean() > 0.9  # this budget is weaker than the radios
    np.testing.assert_allclose(data.rate_bps * data.duration_s, data.volume_bit, rtol=FLOAT_REL)


def test_solution_passes_the_verifier_and_a_wrong_volume_is_caught(sats, stations):
    contacts = compute_contacts(sats, stations, START, END, rates=BUDGET)
    problem = problem_for(stations, sats)
    solution = optimize(contacts, problem, time_limit_s=20)
    assert solution.status.has_solution
    assert verify(solution, contacts, problem, satellites=sats, rates=BUDGET) == []
    taken = solution.contacts.iloc[0]
    row = contacts.index[(contacts.satellite_id == taken.satellite_id) & (contacts.station_id == taken.station_id)
                         & ((contacts.aos - taken.aos).abs() < pd.Timedelta(milliseconds=1))][0]
    wrong = contacts.copy()
    wrong.loc[row, "volume_bit"] *= 0.95
    found = verify(solution, wrong, problem, satellites=sats, rates=BUDGET)
    assert [v.check for v in found if v.check == "contact_volume"] == ["contact_volume"]
    assert taken.satellite_id in str([v for v in found if v.check == "contact_volume"][0])
    assert any(v.check == "objective" for v in found)  # the solution claims the volume the table no longer has
    other = StationRates(default=RateTable((0.0,), (1e8,)))  # the verifier's own model disagrees everywhere
    assert len([v for v in verify(solution, contacts, problem, satellites=sats, rates=other)
                if v.check == "contact_volume"]) == len(solution.contacts)


def test_volumes_survive_the_contacts_csv(tmp_path, sats, stations):
    contacts = compute_contacts(sats, stations, START, END, rates=BUDGET)
    back = read_contacts_csv(write_contacts_csv(contacts, tmp_path / "c.csv"), start=START, end=END)
    np.testing.assert_array_equal(back["volume_bit"].to_numpy(float), contacts["volume_bit"].to_numpy(float))


# ----------------------------------------------------------------------------- scenario files
def test_example_link_budget_scenario_loads_round_trips_and_solves(tmp_path):
    scenario = load_scenario(ROOT / "data" / "example_link_budget.yaml")
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    saved = load_scenario(scenario.save(tmp_path / "again.json"))
    assert saved.link_rates == scenario.link_rates and saved.horizon_masks == scenario.horizon_masks
    models = scenario.link_models()
    assert isinstance(models["rates"].model_for("Leaf/Awarua", "Leaf"), RateTable)
    assert models["rates"].model_for("KSAT/Troll", "KSAT").frequency_hz == 8.2e9
    contacts = scenario.contacts(progress=False)
    assert contacts["volume_bit"].notna().all()
    solution = scenario.solve(contacts, time_limit_s=20)
    assert solution.status.has_solution
    assert scenario.verify(solution, contacts) == []


@pytest.mark.parametrize("section, message", [
    ({"link_rates": {"default": {"type": "RateTable", "elevation_deg": [5], "rate_mbps": ["x"]}}},
     r"scenario.link_rates.default.rate_mbps\[0\]: expected a number"),
    ({"link_rates": {"default": {"type": "LinkBudget", "eirp_dbw": 10}}},
     "scenario.link_rates.default.gt_db_k: missing"),
    ({"link_rates": {"stations": {"KSAT/Troll": {"type": "RateTable", "elevation_deg": [30, 5],
                                                 "rate_bps": [1, 2]}}}},
     "scenario.link_rates.stations.KSAT/Troll: .*strictly increasing"),
    ({"link_rates": {"fastest": {}}}, "scenario.link_rates.fastest: unknown key"),
    ({"horizon_masks": {"KSAT/Troll": [[0, 5], [400, 5]]}}, "scenario.horizon_masks.KSAT/Troll: .*point 1"),
    ({"horizon_masks": {"KSAT/Troll": [[0, 5, 1]]}}, r"scenario.horizon_masks.KSAT/Troll\[0\]"),
])
def test_bad_link_sections_name_the_key(section, message):
    with pytest.raises(ScenarioError, match=message):
        Scenario.from_dict({"window": {"start": "2025-03-11", "days": 1}, "satellites": {"demo": True}, **section})


def test_unknown_station_in_link_sections_is_refused():
    scenario = Scenario.from_dict({"window": {"start": "2025-03-11", "days": 1}, "satellites": {"demo": True},
                                   "stations": {"providers": ["KSAT"]},
                                   "horizon_masks": {"Leaf/Awarua": [[0, 5]]}})
    with pytest.raises(ScenarioError, match="scenario.horizon_masks.Leaf/Awarua: unknown station"):
        scenario.contacts(progress=False)


def test_clipping_a_table_prorates_volumes_at_the_mean_rate(sats, stations):
    from gstk.contacts.windows import clip_contacts

    contacts = compute_contacts(sats, stations, START, END, rates=BUDGET)
    first_aos = contacts["aos"].iloc[0] + pd.Timedelta(seconds=60)  # cuts the first window by 60 s
    clipped = clip_contacts(contacts, first_aos, END)
    row = clipped.iloc[0]
    whole = contacts.iloc[0]
    assert row.aos_clipped and row.duration_s == pytest.approx(whole.duration_s - 60, abs=1e-6)
    assert row.volume_bit == pytest.approx(whole.volume_bit * row.duration_s / whole.duration_s, rel=FLOAT_REL)
    np.testing.assert_allclose(clipped["volume_bit"] / clipped["duration_s"], clipped["mean_rate_bps"], rtol=1e-9)


def test_contacts_csv_refuses_a_negative_volume_and_keeps_empty_ones(tmp_path, sats, stations):
    contacts = compute_contacts(sats, stations, START, END, rates=StationRates(stations={"KSAT/Troll": BUDGET}))
    path = write_contacts_csv(contacts, tmp_path / "c.csv")
    back = read_contacts_csv(path, start=START, end=END)
    assert back["volume_bit"].isna().sum() == contacts["volume_bit"].isna().sum() > 0
    assert back.attrs["units"]["volume_bit"] == "bit"
    bad = contacts.copy()
    bad.loc[3, "volume_bit"] = -1.0
    with pytest.raises(ScenarioError, match=r"line 5: volume_bit holds '-1.0'; expected a number >= 0"):
        read_contacts_csv(write_contacts_csv(bad, tmp_path / "bad.csv"), start=START, end=END)


def test_verify_asks_for_the_satellites_to_check_rates(sats, stations):
    contacts = compute_contacts(sats, stations, START, END, rates=BUDGET)
    problem = problem_for(stations, sats)
    solution = optimize(contacts, problem, time_limit_s=20)
    with pytest.raises(GstkError, match="pass the satellites too"):
        verify(solution, contacts, problem, rates=BUDGET)
    assert verify(solution, contacts, problem) == []  # the table's volumes taken as given


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 80), st.floats(0, 2e9)), min_size=1, max_size=5,
                unique_by=lambda p: round(p[0], 2)))
def test_random_tables_carry_between_their_lowest_and_highest_rate(sats, stations, plain, steps):
    steps = sorted(steps)
    table = RateTable(tuple(e for e, _ in steps), tuple(r for _, r in steps))
    got = compute_contacts(sats, stations, START, END, rates=table)
    duration = got["duration_s"].to_numpy()
    # the stations' masks are 10 deg: with the first step below, every instant is on some step
    lowest = min(r for _, r in steps) if steps[0][0] < 9.9 else 0.0
    assert (got["volume_bit"].to_numpy() >= lowest * duration - 1.0).all()
    assert (got["volume_bit"].to_numpy() <= table.max_rate_bps * duration + 1.0).all()
    faster = RateTable(table.elevation_deg, tuple(2 * r for r in table.rate_bps))
    doubled = compute_contacts(sats, stations, START, END, rates=faster)["volume_bit"].to_numpy()
    np.testing.assert_allclose(doubled, 2 * got["volume_bit"].to_numpy(), rtol=FLOAT_REL, atol=1e-3)


def test_volumes_integrated_again_on_clipped_windows_match_a_search_of_the_shorter_window(sats, stations):
    from gstk.contacts.windows import clip_contacts

    contacts = compute_contacts(sats, stations, START, END, rates=BUDGET)
    inside = contacts[contacts.duration_s > 300].iloc[0]
    cut_at = inside.aos + pd.Timedelta(seconds=120)  # cuts that pass 120 s after its AOS
    again = integrate_volumes(clip_contacts(contacts, cut_at, END), sats, stations, BUDGET)
    direct = compute_contacts(sats, stations, cut_at, END, rates=BUDGET)
    assert len(again) == len(direct)
    np.testing.assert_allclose(again["volume_bit"], direct["volume_bit"], rtol=SIMPSON_REL)
    first = again[(again.satellite_id == inside.satellite_id) & (again.station_id == inside.station_id)].iloc[0]
    assert first.aos_clipped and first.volume_bit < inside.volume_bit
    with pytest.raises(GstkError, match="not in the stations table"):
        integrate_volumes(contacts, sats, stations.head(1), BUDGET)
