"""The windowed heuristic (gstk.solve.windowed): its steps by hand, and its network against the exact one."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from instances import random_instance

from gstk.errors import GstkError
from gstk.model.data import ModelData
from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.solution.result import Status
from gstk.solve.api import optimize
from gstk.solve.windowed import (
    WindowedSettings,
    centroid_deg,
    great_circle_km,
    matched_stations,
    satellite_groups,
    window_data,
)
from gstk.verification.report import format_violations, verify


def _with_coordinates(stations: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    return stations.assign(lat_deg=rng.uniform(-60, 70, len(stations)), lon_deg=rng.uniform(-180, 180, len(stations)))


def _instance(seed: int, n_contacts: int = 60, **kwargs):
    contacts, stations, providers, satellites = random_instance(seed, n_satellites=3, n_stations=6, n_providers=3,
                                                                n_contacts=n_contacts, horizon_s=2 * 86_400.0,
                                                                **kwargs)
    stations = _with_coordinates(stations, np.random.default_rng(seed))
    problem = Problem(S.MaxMissionData(), (S.StationContactExclusion(), S.SatelliteContactExclusion(),
                                           S.MaxMonthlyCost(usd=9_000.0)),
                      stations, providers, satellites, mission_days=365.0)
    return contacts, problem


def test_windows_start_every_window_minus_overlap_and_cover_the_period():
    assert WindowedSettings().window_starts_s(7 * 86_400.0) == [i * 43_200.0 for i in range(13)]
    assert WindowedSettings(window_h=24, overlap_h=0).window_starts_s(86_400.0) == [0.0]
    assert WindowedSettings(window_h=10, overlap_h=4).window_starts_s(86_400.0)[-1] + 36_000.0 >= 86_400.0


def test_a_window_holds_the_contacts_whose_aos_it_holds_shifted_to_its_start():
    contacts, problem = _instance(1)
    data = ModelData.from_problem(contacts, problem)
    group = satellite_groups(data, 1)[0]
    sub = window_data(data, group, 43_200.0, 86_400.0)
    expected = (np.isin(data.satellite_of_contact, group) & (data.aos_s >= 43_200.0) & (data.aos_s < 129_600.0))
    assert sub.n_contacts == int(expected.sum()) > 0
    np.testing.assert_allclose(sub.aos_s, data.aos_s[expected] - 43_200.0)
    assert sub.sim_duration_s == 86_400.0 and sub.sim_start == data.sim_start + pd.Timedelta(hours=12)
    assert (sub.los_s <= sub.sim_duration_s).all()


def test_groups_split_the_satellites_in_id_order():
    contacts, problem = _instance(2)
    data = ModelData.from_problem(contacts, problem)
    groups = satellite_groups(data, 2)
    assert [len(g) for g in groups] == [2, 1]
    assert sorted(np.concatenate(groups).tolist()) == list(range(len(data.satellite_ids)))


def test_great_circle_and_centroid_by_hand():
    # a quarter of the equator is pi/2 * R
    assert great_circle_km(np.array([[0.0, 0.0]]), np.array([[0.0, 90.0]]))[0, 0] == pytest.approx(10_007.5, rel=1e-3)
    np.testing.assert_allclose(centroid_deg(np.array([[10.0, 20.0], [-10.0, 20.0]])), [0.0, 20.0], atol=1e-9)


def test_clusters_match_distinct_sites_and_co_located_ties_go_to_the_most_chosen():
    # stations 0 and 1 share a site; 2 is 30 km away from it; 3 is across the world
    coordinates = np.array([[60.0, 10.0], [60.0, 10.0], [60.27, 10.0], [-30.0, 150.0]])
    chosen = [1, 1, 0, 2, 3, 3]
    settings = WindowedSettings(eps_km=50.0)
    # one cluster near (60, 10) holding 0, 1, 1, 2 and one at station 3
    assert matched_stations(chosen, coordinates, settings) == [1, 3]
    # with a 10 km radius station 2 is its own cluster and keeps its site
    assert matched_stations(chosen, coordinates, WindowedSettings(eps_km=10.0)) == [1, 2, 3]
    # min_samples 2 drops a site chosen once
    assert matched_stations([1, 1, 2, 3, 3], coordinates, WindowedSettings(eps_km=10.0, min_samples=2)) == [1, 3]
    assert matched_stations([], coordinates, settings) == []


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_windowed_network_is_feasible_and_never_beats_the_exact_optimum(seed):
    contacts, problem = _instance(seed)
    exact = optimize(contacts, problem)
    heuristic = optimize(contacts, problem, method="windowed", windowed=WindowedSettings(subproblem_time_limit_s=5))
    assert exact.status is Status.OPTIMAL
    assert heuristic.status is Status.FEASIBLE, heuristic.message
    assert heuristic.bound is None and heuristic.gap is None
    assert "windowed heuristic" in heuristic.message and "without a bound" in heuristic.message
    assert verify(heuristic, contacts, problem) == [], format_violations(verify(heuristic, contacts, problem))
    assert heuristic.objective <= exact.objective * (1 + 1e-9)
    assert heuristic.n_solves > 1


def test_windowed_method_reaches_the_optimum_when_one_site_serves_all():
    # one station sees everything and is the only one: the heuristic must pick it and be optimal
    contacts, stations, providers, satellites = random_instance(7, n_satellites=2, n_stations=1, n_providers=1,
                                                                n_contacts=20, horizon_s=2 * 86_400.0)
    stations = _with_coordinates(stations, np.random.default_rng(7))
    problem = Problem(S.MaxMissionData(), (S.StationContactExclusion(), S.SatelliteContactExclusion()),
                      stations, providers, satellites, mission_days=365.0)
    exact = optimize(contacts, problem)
    heuristic = optimize(contacts, problem, method="windowed")
    assert heuristic.objective == pytest.approx(exact.objective, rel=1e-9)
    assert heuristic.selected_stations == exact.selected_stations


def test_bad_method_and_settings_are_one_line_errors():
    contacts, problem = _instance(1, n_contacts=10)
    with pytest.raises(GstkError, match="unknown method 'fast'"):
        optimize(contacts, problem, method="fast")
    with pytest.raises(GstkError, match="windowed must be a gstk.solve.WindowedSettings"):
        optimize(contacts, problem, method="windowed", windowed={"window_h": 12})
    with pytest.raises(GstkError, match="windowed.group_size must be an integer >= 1"):
        WindowedSettings(group_size=0)
    with pytest.raises(GstkError, match="windowed.eps_km"):
        WindowedSettings(eps_km=float("nan"))
    no_coordinates = problem.with_changes(stations=problem.stations.drop(columns=["lat_deg", "lon_deg"]))
    with pytest.raises(GstkError, match="no coordinates"):
        optimize(contacts, no_coordinates, method="windowed")
