"""Tests of build_model, the objectives (2)-(4) and the max-gap models against brute force."""
from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest
from bruteforce import brute_force
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import START, random_instance, random_tables
from test_model_constraints import same, solve_model

from gstk.model.build import (
    Model,
    build_gap_feasibility_model,
    build_gap_window_model,
    build_model,
    restrict_to_providers,
)
from gstk.model.data import ModelData
from gstk.model.gap_search import exact_min_max_gap, gap_lower_bound_s, provider_set_bounds
from gstk.model.gaps import bottleneck_chain, gap_candidates_s, max_gap_by_satellite_s, search_min_max_gap
from gstk.problem import specs
from gstk.problem.definition import Problem
from gstk.verification.checks import derived_sets, recompute
from gstk.verification.data import max_gap_s, verification_data

slow_ok = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def gap_instance(seed: int, n_contacts: int, nested: bool):
    """One or two satellites, 2 stations, short horizon; ``nested`` adds long contacts that contain others."""
    rng = np.random.default_rng(seed)
    stations, providers, satellites = random_tables(rng, 2, 2, 1)
    horizon = 6 * 3600.0
    aos = np.sort(rng.uniform(0, horizon - 60, n_contacts)).round(0)
    duration = rng.uniform(60, 2400 if nested else 900, n_contacts).round(0)
    los = np.minimum(aos + duration, horizon)
    contacts = pd.DataFrame({
        "satellite_id": rng.choice(satellites["satellite_id"].to_numpy(), n_contacts),
        "station_id": stations["station_id"].to_numpy()[rng.integers(0, 2, n_contacts)],
        "aos": START + pd.to_timedelta(aos, unit="s"), "los": START + pd.to_timedelta(los, unit="s"),
        "duration_s": los - aos,
    }).drop_duplicates(["satellite_id", "station_id", "aos"]).reset_index(drop=True)
    contacts["provider"] = contacts["station_id"].map(stations.set_index("station_id")["provider"])
    contacts.attrs.update(start=START, end=START + pd.Timedelta(seconds=horizon))
    return contacts, stations, providers, satellites


# --------------------------------------------------------------------------- build_model
def test_build_model_records_size_time_and_forms():
    contacts, stations, providers, satellites = random_instance(0, n_contacts=20)
    problem = Problem(specs.MinMissionCost(), [specs.StationContactExclusion(), specs.MinContactDuration(120.0)],
                      stations, providers, satellites)
    data = ModelData.from_problem(contacts, problem)
    model = build_model(data, problem.objective, problem.constraints)
    assert isinstance(model, Model) and model.sense == "min" and model.objective_scale == 1e3
    assert model.build_time_s > 0
    assert set(model.size) == {"n_variables", "n_constraints", "nonzeros"}
    n_columns = data.n_contacts + len(data.station_ids) + len(data.provider_ids) + len(data.pair_station)
    assert model.size["n_variables"] == n_columns
    assert model.size["nonzeros"] >= model.size["n_constraints"] > 0
    assert list(model.constraints)[:3] == ["contact_station_link", "station_provider_link", "contact_licence_link"]
    assert "min_contact_duration" not in model.constraints  # prefilters are applied by ModelData
    assert model.constraint_specs == (specs.StationContactExclusion(),)
    with pytest.raises(ValueError, match="linking"):
        build_model(data, problem.objective, [], linking="dense")


def test_build_model_links_only_used_families():
    """Max data without cost rows needs no y, z, w; a provider cap needs y and z but not w."""
    contacts, stations, providers, satellites = random_instance(0, n_contacts=20, n_providers=3)
    problem = Problem(specs.MaxMissionData(), [specs.StationContactExclusion()], stations, providers, satellites)
    data = ModelData.from_problem(contacts, problem)
    pure = build_model(data, specs.MaxMissionData(), problem.constraints)
    assert pure.size["n_variables"] == data.n_contacts
    assert all(pure.constraints[name] == [] for name in ("contact_station_link", "station_provider_link",
                                                          "contact_licence_link"))
    capped = build_model(data, specs.MaxMissionData(), [*problem.constraints, specs.MaxProviders(count=1)])
    assert capped.size["n_variables"] == data.n_contacts + len(data.station_ids) + len(data.provider_ids)
    assert capped.constraints["contact_licence_link"] == []
    loose = specs.MaxMonthlyCost(usd=1e12)  # cannot bind: no row, no y
    assert build_model(data, specs.MaxMissionData(), [loose]).size["n_variables"] == data.n_contacts
    paper = build_model(data, specs.MaxMissionData(), [specs.StationContactExclusion(form="pairwise")],
                        linking="aggregated")
    assert paper.size["n_variables"] == n_all(data)


def n_all(data):
    return data.n_contacts + len(data.station_ids) + len(data.provider_ids) + len(data.pair_station)


def test_build_model_without_contacts():
    contacts, stations, providers, satellites = random_instance(0)
    empty = contacts.iloc[:0]
    empty.attrs.update(contacts.attrs)
    problem = Problem(specs.MinMissionCost(), [specs.MaxProviders(count=1)], stations, providers, satellites)
    status, value, _ = solve_model(empty, problem)
    assert status == "optimal" and value == 0.0
    floor = specs.MinContactsPerPeriod(count=1)
    assert solve_model(empty, problem.with_changes(constraints=(floor,)))[0] == "infeasible"


@slow_ok
@given(st.integers(0, 10_000), st.sampled_from(["min_mission_cost", "max_mission_data"]))
def test_objectives_match_brute_force_and_verifier(seed, name):
    """(2) and (3): the model optimum is the brute-force optimum and the verifier's recomputation."""
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=11, n_providers=2)
    if name == "min_mission_cost":
        objective, extra = specs.MinMissionCost(), [specs.MinContactsPerPeriod(count=1, window_s=43_200.0)]
    else:
        objective, extra = specs.MaxMissionData(), [specs.MaxMonthlyCost(usd=15_000.0)]
    problem = Problem(objective, [specs.StationContactExclusion(), *extra], stations, providers, satellites)
    truth = brute_force(contacts, problem)
    status, value, taken = solve_model(contacts, problem)
    assert (status == "optimal") == truth.feasible
    if truth.feasible:
        assert same(value, truth.objective)
        vdata = verification_data(contacts, problem)
        assert same(recompute(vdata, taken, *derived_sets(vdata, taken)).objective, value)


def test_aggregated_linking_same_optimum():
    contacts, stations, providers, satellites = random_instance(4, n_contacts=40, n_providers=3)
    problem = Problem(specs.MinMissionCost(), [specs.MinSatelliteDownlink(volume_bit=2e11),
                                               specs.StationContactExclusion(form="pairwise")],
                      stations, providers, satellites)
    dis = solve_model(contacts, problem)
    agg = solve_model(contacts, problem, linking="aggregated")
    assert dis[0] == agg[0] == "optimal" and same(dis[1], agg[1])


# --------------------------------------------------------------------------- max gap (4), (13)
def test_max_gap_by_satellite_matches_verifier():
    contacts, *_ = gap_instance(1, 12, nested=True)
    a = (contacts["aos"] - START).dt.total_seconds().to_numpy()
    b = (contacts["los"] - START).dt.total_seconds().to_numpy()
    sat = pd.factorize(contacts["satellite_id"], sort=True)[0]
    for boundary in (True, False):
        ours = max_gap_by_satellite_s(a, b, sat, sat.max() + 1, 21_600.0, boundary)
        theirs = [max_gap_s(a[sat == k], b[sat == k], 21_600.0, include_boundary=boundary) for k in range(sat.max() + 1)]
        np.testing.assert_allclose(ours, theirs)


def dense_optimum(contacts, problem):
    status, value, _ = solve_model(contacts, problem)
    return value if status == "optimal" else None


@slow_ok
@given(st.integers(0, 10_000), st.booleans(), st.booleans(), st.integers(1, 2))
def test_dense_max_gap_matches_brute_force(seed, boundary, nested, n_sat):
    """(4) dense successor model on <= 10 contacts: optimum = brute force."""
    contacts, stations, providers, satellites = gap_instance(seed, 10, nested)
    satellites = satellites.iloc[:n_sat]
    contacts = contacts[contacts["satellite_id"].isin(satellites["satellite_id"])].reset_index(drop=True)
    contacts.attrs.update(start=START, end=START + pd.Timedelta(hours=6))
    problem = Problem(specs.MinMaxGap(include_boundary=boundary, form="dense"), [specs.StationContactExclusion()],
                      stations, providers, satellites)
    truth = brute_force(contacts, problem)
    value = dense_optimum(contacts, problem)
    assert (value is not None) == truth.feasible
    if truth.feasible:
        assert abs(value - truth.objective) <= 1e-3  # seconds; G is a float in hours


def bisection_min_max_gap(contacts, problem):
    """The exact method: bisection over gap_candidates_s with feasibility models solved by SCIP."""
    data = ModelData.from_problem(contacts, problem)
    boundary = problem.objective.include_boundary
    def feasible(gap_s):
        model = build_gap_feasibility_model(data, problem.constraints, gap_s, boundary)
        model.problem.solve(solver=cp.SCIP)
        if model.problem.status != "optimal":
            return None
        x = np.round(model.variables.x.value).astype(bool) if data.n_contacts else np.zeros(0, bool)
        return max_gap_by_satellite_s(data.aos_s[x], data.los_s[x], data.satellite_of_contact[x],
                                      len(data.satellite_ids), data.sim_duration_s, boundary).max(initial=0.0)
    return search_min_max_gap(gap_candidates_s(data, boundary), feasible)


@slow_ok
@given(st.integers(0, 10_000), st.booleans(), st.booleans())
def test_exact_max_gap_search_matches_brute_force(seed, boundary, nested):
    """(13) coverage rows inside the candidate search give the brute-force optimum of (4)."""
    contacts, stations, providers, satellites = gap_instance(seed, 12, nested)
    extra = [specs.MaxProviders(count=1)] if seed % 2 else [specs.SatelliteContactExclusion()]
    problem = Problem(specs.MinMaxGap(include_boundary=boundary), extra, stations, providers, satellites)
    truth = brute_force(contacts, problem)
    value = bisection_min_max_gap(contacts, problem)
    assert (value is not None) == truth.feasible
    if truth.feasible:
        assert abs(value - truth.objective) <= 1e-6


def test_max_contact_gap_rows_with_nested_last_contact():
    """A short contact nested in a long one that reaches the window end may be the last one taken.

    Contacts (s): 0 [0, 3000], 1 [2000, 10000], 2 [4000, 4800], 3 [9000, 9500]; T = 10000, G = 2000.
    Taking all fails (gap 2 -> 3 is 4200 s).  {0, 1, 2} is feasible: 2 has no successor and the end gap
    is 0 thanks to 1; it beats {0, 1, 3} by 300 s of data.  A plain coverage row for 2 would demand a
    successor within 2000 s and wrongly forbid it.
    """
    stations, providers, satellites = random_tables(np.random.default_rng(0), 1, 2, 1)
    rows = [(0.0, 3000.0, 0), (2000.0, 10_000.0, 1), (4000.0, 4800.0, 0), (9000.0, 9500.0, 0)]
    contacts = pd.DataFrame({
        "satellite_id": "SAT0", "station_id": [stations["station_id"][s] for *_, s in rows],
        "aos": [START + pd.Timedelta(seconds=a) for a, *_ in rows],
        "los": [START + pd.Timedelta(seconds=b) for _, b, _ in rows],
    })
    contacts["duration_s"] = [b - a for a, b, _ in rows]
    contacts.attrs.update(start=START, end=START + pd.Timedelta(seconds=10_000))
    problem = Problem(specs.MaxMissionData(), [specs.MaxContactGap(gap_s=2000.0)], stations, providers, satellites)
    status, value, taken = solve_model(contacts, problem)
    assert status == "optimal" and taken.tolist() == [True, True, True, False]
    assert same(value, brute_force(contacts, problem).objective)


def test_gap_candidates():
    contacts, stations, providers, satellites = gap_instance(3, 12, nested=True)
    problem = Problem(specs.MinMaxGap(), [], stations, providers, satellites)
    data = ModelData.from_problem(contacts, problem)
    with_boundary, inner = gap_candidates_s(data, True), gap_candidates_s(data, False)
    assert with_boundary[0] == 0.0 and with_boundary[-1] == data.sim_duration_s
    assert np.all(np.diff(with_boundary) > 0) and set(inner) <= set(with_boundary)
    capped = gap_candidates_s(data, True, upper_s=3600.0)
    np.testing.assert_array_equal(capped, with_boundary[with_boundary <= 3600.0])


def test_exact_form_returns_search_model():
    contacts, stations, providers, satellites = gap_instance(5, 10, nested=False)
    problem = Problem(specs.MinMaxGap(), [specs.MaxProviders(count=1)], stations, providers, satellites)
    data = ModelData.from_problem(contacts, problem)
    model = build_model(data, problem.objective, problem.constraints)
    assert model.gap_search and model.gap_s == math.inf and model.objective == specs.MinMaxGap()
    step = build_gap_feasibility_model(data, problem.constraints, 3600.0, True)
    assert step.gap_s == 3600.0 and "max_contact_gap" in step.constraints and not step.gap_search
    looser = build_gap_feasibility_model(data, [specs.MaxContactGap(gap_s=7200.0)], 3600.0, True)
    assert [s for s in looser.constraint_specs if isinstance(s, specs.MaxContactGap)] == \
        [specs.MaxContactGap(gap_s=3600.0)]


@slow_ok
@given(st.integers(0, 10_000), st.booleans(), st.booleans(), st.sampled_from([0.0, 0.5, 1.0]))
def test_gap_window_model_matches_brute_force(seed, boundary, nested, lower_share):
    """The window model on [L, U] with L <= optimum <= U returns the brute-force optimum of (4)."""
    contacts, stations, providers, satellites = gap_instance(seed, 12, nested)
    extra = [specs.SatelliteContactExclusion(), specs.StationContactExclusion()]
    if seed % 2:
        extra.append(specs.MaxProviders(count=1))
    problem = Problem(specs.MinMaxGap(include_boundary=boundary), extra, stations, providers, satellites)
    truth = brute_force(contacts, problem)
    data = ModelData.from_problem(contacts, problem)
    lower, _ = gap_lower_bound_s(data, problem.constraints, boundary)
    if not truth.feasible:
        return
    assert lower <= truth.objective + 1e-6
    upper = data.sim_duration_s
    model = build_gap_window_model(data, problem.constraints, lower + lower_share * (truth.objective - lower),
                                   upper, boundary)
    model.problem.solve(solver=cp.SCIP)
    assert model.problem.status == "optimal"
    assert abs(model.problem.value * model.objective_scale - truth.objective) <= 1e-3
    tight = build_gap_window_model(data, problem.constraints, lower, truth.objective, boundary)
    tight.problem.solve(solver=cp.SCIP)
    assert abs(tight.problem.value * tight.objective_scale - truth.objective) <= 1e-3
    if truth.objective > 1.0:  # just below the optimum nothing is feasible
        below = build_gap_window_model(data, problem.constraints, 0.0, truth.objective - 1.0, boundary)
        below.problem.solve(solver=cp.SCIP)
        assert below.problem.status == "infeasible"


def test_bottleneck_chain_is_the_best_chain():
    """Brute force over all chains of non-overlapping contacts of one satellite."""
    import itertools
    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(1, 8))
        a = np.sort(rng.uniform(0, 9000, n).round(0))
        b = a + rng.uniform(60, 1500, n).round(0)
        best = 10_000.0
        for r in range(1, n + 1):
            for chain in itertools.combinations(range(n), r):
                if all(b[i] <= a[j] for i, j in zip(chain, chain[1:])):
                    best = min(best, max_gap_s(a[list(chain)], b[list(chain)], 10_000.0))
        value, chain = bottleneck_chain(a, b, 10_000.0)
        assert abs(value - best) <= 1e-9
        assert abs(max_gap_s(a[chain], b[chain], 10_000.0) - value) <= 1e-9


def window_solver(data, constraints, boundary):
    """A solve_window callback for exact_min_max_gap: cvxpy + SCIP on the provider-restricted data."""
    kept = [s for s in constraints if not isinstance(s, specs.MaxProviders)]
    def solve_window(chosen, lower, upper, start):
        sub = restrict_to_providers(data, [data.provider_ids[p] for p in chosen])
        model = build_gap_window_model(sub, kept, lower, upper, boundary)
        model.problem.solve(solver=cp.SCIP)
        if model.problem.status == "infeasible":
            return "infeasible", None
        return "optimal", model.problem.value * model.objective_scale
    return solve_window


@slow_ok
@given(st.integers(0, 10_000), st.booleans(), st.booleans())
def test_exact_min_max_gap_over_provider_sets_matches_brute_force(seed, boundary, exclusive):
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=12, n_stations=4, n_providers=3,
                                                                horizon_s=21_600.0)
    extra = [specs.MaxProviders(count=1), specs.StationContactExclusion()]
    extra += [specs.SatelliteContactExclusion()] if exclusive else []
    problem = Problem(specs.MinMaxGap(include_boundary=boundary), extra, stations, providers, satellites)
    truth = brute_force(contacts, problem)
    data = ModelData.from_problem(contacts, problem)
    value, chosen = exact_min_max_gap(data, problem.constraints, boundary,
                                      window_solver(data, problem.constraints, boundary))
    assert (value is not None) == truth.feasible
    if truth.feasible:
        assert abs(value - truth.objective) <= 1e-3
        bounds = provider_set_bounds(data, problem.constraints, boundary)
        assert min(b for b, _ in bounds) <= truth.objective + 1e-6
