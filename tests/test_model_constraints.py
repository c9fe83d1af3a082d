"""Tests of the constraint builders (5)-(21): each on a small instance where it binds.

For every builder: the model's optimum equals the brute-force optimum
(tests/bruteforce.py, independent of gstk.model) with and without the
constraint, the two optima differ (the constraint binds), and the model's
selection passes the independent verifier's check of that constraint.
Solves go straight through cvxpy + SCIP.
"""
from __future__ import annotations

import functools
import itertools

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest
from bruteforce import brute_force
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.model import constraints as cons
from gstk.model.build import build_model
from gstk.model.cliques import maximal_cliques, overlapping_pairs
from gstk.model.data import ModelData
from gstk.problem import specs
from gstk.problem.definition import Problem
from gstk.problem.periods import overlap_s, period_starts_s
from gstk.problem.window import contact_keys
from gstk.verification.checks import check_selection, derived_sets
from gstk.verification.data import max_gap_s, verification_data

#: Objectives are compared relatively: SCIP proves optimality to 1e-9 absolute in k$/Gbit/hours
#: and the brute force sums floats in USD/bits/seconds; 1e-6 is far above both and far below
#: any difference a binding constraint makes on these instances.
REL = 1e-6

MAX_DATA, MIN_COST = specs.MaxMissionData(), specs.MinMissionCost()


# --------------------------------------------------------------------------- helpers
def solve_model(contacts, problem, *, linking="disaggregated"):
    """Return (status, objective in natural units, taken mask over the raw contact rows)."""
    data = ModelData.from_problem(contacts, problem)
    model = build_model(data, problem.objective, problem.constraints, linking=linking)
    model.problem.solve(solver=cp.SCIP)
    if model.problem.status not in ("optimal", "optimal_inaccurate"):
        return model.problem.status, None, None
    # x in no row and not in the objective (a gap model without successor pairs): any value is optimal,
    # and gstk.solve reads it as taking no contact; so does this helper
    x = model.variables.x.value if model.variables.x.value is not None else np.zeros(data.n_contacts)
    picked = set(data.contacts["contact_id"][np.round(x).astype(bool)]) if data.n_contacts else set()
    taken = contact_keys(contacts).isin(picked).to_numpy()
    return "optimal", model.problem.value * model.objective_scale, taken


def same(a, b) -> bool:
    return abs(a - b) <= REL * max(1.0, abs(a), abs(b))


def problem_of(instance, objective, constraints):
    contacts, stations, providers, satellites = instance
    return Problem(objective, list(constraints), stations, providers, satellites)


@functools.lru_cache(maxsize=None)
def binding_case(name: str):
    """Return (instance, spec, objective, base constraints) of the first seed where ``name`` binds."""
    make, objective, base, kwargs = CASES[name]
    for seed in range(60):
        instance = random_instance(seed, **kwargs)
        spec = make(instance)
        if spec is None:
            continue
        with_spec = brute_force(instance[0], problem_of(instance, objective, base + [spec]))
        without = brute_force(instance[0], problem_of(instance, objective, base))
        if with_spec.feasible and without.feasible and not same(with_spec.objective, without.objective):
            return instance, spec, objective, base
    raise AssertionError(f"no binding instance for {name} in 60 seeds")


def volumes_per_window(instance, window_s, step_s, by_satellite):
    contacts, stations, _, satellites = instance
    a = (contacts["aos"] - contacts.attrs["start"]).dt.total_seconds().to_numpy()
    b = (contacts["los"] - contacts.attrs["start"]).dt.total_seconds().to_numpy()
    rate = np.minimum(contacts["station_id"].map(stations.set_index("station_id")["rate_bps"]).to_numpy(),
                      contacts["satellite_id"].map(satellites.set_index("satellite_id")["rate_bps"]).to_numpy())
    horizon = (contacts.attrs["end"] - contacts.attrs["start"]).total_seconds()
    groups = [contacts["satellite_id"] == k for k in satellites["satellite_id"]] if by_satellite \
        else [np.ones(len(a), bool)]
    return min(float(np.dot(rate * g, overlap_s(a, b, t, t + window_s)))
               for t in period_starts_s(horizon, window_s, step_s) for g in groups)


def monthly_cost_of_everything(instance):
    contacts, stations, _, _ = instance
    from gstk.problem.costs import contact_cost_usd
    st = stations.set_index("station_id").loc[contacts["station_id"]]
    kappa = contact_cost_usd(st["pass_cost_usd"].to_numpy(), st["minute_cost_usd"].to_numpy(),
                             contacts["duration_s"].to_numpy())
    used = stations["station_id"].isin(contacts["station_id"])
    return float(stations["monthly_cost_usd"][used].sum() + 2_629_800 / 86_400 * kappa.sum())


def gap_taking_everything(instance):
    contacts = instance[0]
    a = (contacts["aos"] - contacts.attrs["start"]).dt.total_seconds().to_numpy()
    b = (contacts["los"] - contacts.attrs["start"]).dt.total_seconds().to_numpy()
    return max(max_gap_s(a[contacts["satellite_id"] == k], b[contacts["satellite_id"] == k], 86_400.0)
               for k in instance[3]["satellite_id"])


def _downlink(cls, window_s, step_s, by_satellite):
    def make(instance):
        floor = volumes_per_window(instance, window_s, step_s, by_satellite)
        return cls(volume_bit=0.5 * floor, window_s=window_s, step_s=step_s) if floor > 0 else None
    return make


def _providers_present(instance):
    return sorted(set(instance[0]["provider"]))


CASES = {
    # name: (spec factory, objective, base constraints, random_instance kwargs)
    "min_constellation_downlink": (_downlink(specs.MinConstellationDownlink, 43_200.0, 21_600.0, False),
                                   MIN_COST, [], {}),
    "min_satellite_downlink": (_downlink(specs.MinSatelliteDownlink, 43_200.0, 43_200.0, True),
                               MIN_COST, [], {"n_contacts": 14}),
    "max_monthly_cost": (lambda inst: specs.MaxMonthlyCost(usd=0.4 * monthly_cost_of_everything(inst)),
                         MAX_DATA, [], {}),
    "station_contact_exclusion": (lambda inst: specs.StationContactExclusion(), MAX_DATA, [],
                                  {"n_stations": 2, "n_satellites": 3}),
    "station_contact_exclusion_two_antennas": (lambda inst: specs.StationContactExclusion(), MAX_DATA, [],
                                               {"n_stations": 1, "n_satellites": 4, "n_providers": 1,
                                                "max_antennas": 2}),
    "satellite_contact_exclusion": (lambda inst: specs.SatelliteContactExclusion(), MAX_DATA, [],
                                    {"n_satellites": 1}),
    "satellite_contact_exclusion_two_links": (lambda inst: specs.SatelliteContactExclusion(max_links=2),
                                              MAX_DATA, [], {"n_satellites": 1, "n_contacts": 14}),
    "max_contact_gap": (lambda inst: specs.MaxContactGap(gap_s=1.2 * gap_taking_everything(inst)), MIN_COST,
                        [], {}),
    "max_contact_gap_no_boundary": (lambda inst: specs.MaxContactGap(gap_s=2 * 3600.0, include_boundary=False),
                                    MAX_DATA, [specs.SatelliteContactExclusion()], {"n_satellites": 1}),
    "max_providers": (lambda inst: specs.MaxProviders(count=1), MAX_DATA, [], {"n_providers": 3}),
    "min_contacts_per_period": (lambda inst: specs.MinContactsPerPeriod(count=1, window_s=43_200.0,
                                                                         step_s=21_600.0), MIN_COST, [], {}),
    "required_provider": (lambda inst: specs.RequiredProvider(provider=_providers_present(inst)[-1]),
                          MIN_COST, [], {}),
    "required_station": (lambda inst: specs.RequiredStation(station_id=sorted(inst[0]["station_id"])[0]),
                         MIN_COST, [], {}),
    "station_count": (lambda inst: specs.StationCount(max_count=1), MAX_DATA, [], {}),
    "station_count_min": (lambda inst: specs.StationCount(min_count=2), MIN_COST, [], {}),
    "max_antenna_utilization": (lambda inst: specs.MaxAntennaUtilization(fraction=0.02), MAX_DATA, [], {}),
}


def check_case(name: str, **build) -> None:
    instance, spec, objective, base = binding_case(name)
    contacts = instance[0]
    problem = problem_of(instance, objective, base + [spec])
    status, value, taken = solve_model(contacts, problem, **build)
    assert status == "optimal"
    assert same(value, brute_force(contacts, problem).objective)
    _, without, _ = solve_model(contacts, problem_of(instance, objective, base), **build)
    assert not same(value, without)  # removing the constraint changes the optimum
    vdata = verification_data(contacts, problem)
    y, z = derived_sets(vdata, taken)
    assert [v for v in check_selection(vdata, taken, y, z) if v.check == spec.builder] == []


# --------------------------------------------------------------------------- one test per builder
def test_min_constellation_downlink():
    check_case("min_constellation_downlink")


def test_min_satellite_downlink():
    check_case("min_satellite_downlink")


def test_max_monthly_cost():
    check_case("max_monthly_cost")


def test_station_contact_exclusion():
    check_case("station_contact_exclusion")


def test_station_contact_exclusion_two_antennas():
    instance, *_ = binding_case("station_contact_exclusion_two_antennas")
    assert (instance[1]["antennas"] == 2).any()
    check_case("station_contact_exclusion_two_antennas")


def test_station_contact_exclusion_pairwise():
    instance, spec, objective, base = binding_case("station_contact_exclusion")
    pairwise = specs.StationContactExclusion(form="pairwise")
    problem = problem_of(instance, objective, base + [pairwise])
    _, value, _ = solve_model(instance[0], problem, linking="aggregated")
    assert same(value, brute_force(instance[0], problem).objective)


def test_station_contact_exclusion_pairwise_rejects_two_antennas():
    instance, *_ = binding_case("station_contact_exclusion_two_antennas")
    problem = problem_of(instance, MAX_DATA, [specs.StationContactExclusion(form="pairwise")])
    with pytest.raises(specs.SpecError, match="one-antenna"):
        build_model(ModelData.from_problem(instance[0], problem), MAX_DATA, problem.constraints)


def test_satellite_contact_exclusion():
    check_case("satellite_contact_exclusion")


def test_satellite_contact_exclusion_two_links():
    check_case("satellite_contact_exclusion_two_links")


def test_satellite_contact_exclusion_pairwise():
    instance, spec, objective, base = binding_case("satellite_contact_exclusion")
    problem = problem_of(instance, objective, base + [specs.SatelliteContactExclusion(form="pairwise")])
    _, value, _ = solve_model(instance[0], problem)
    assert same(value, brute_force(instance[0], problem).objective)


def test_max_contact_gap():
    check_case("max_contact_gap")


def test_max_contact_gap_no_boundary():
    check_case("max_contact_gap_no_boundary")


def test_max_providers():
    check_case("max_providers")


def test_min_contacts_per_period():
    check_case("min_contacts_per_period")


def test_required_provider():
    check_case("required_provider")


def test_required_station():
    check_case("required_station")


def test_station_count():
    check_case("station_count")
    check_case("station_count_min")


def test_max_antenna_utilization():
    check_case("max_antenna_utilization")


# --------------------------------------------------------------------------- structural checks
def test_empty_rows_stay_infeasible():
    """cvxpy's SCIP interface drops empty rows; a requirement no contact can meet must stay infeasible."""
    contacts, stations, providers, satellites = random_instance(3)
    absent = specs.RequiredStation(station_id=stations["station_id"].iloc[0])
    kept = contacts[contacts["station_id"] != absent.station_id]
    kept.attrs.update(contacts.attrs)
    problem = Problem(MIN_COST, [absent, specs.AllowedProviders(providers=[stations["provider"].iloc[1]])],
                      stations, providers, satellites)
    assert solve_model(kept, problem)[0] == "infeasible"
    far = specs.MinContactsPerPeriod(count=1, window_s=600.0, step_s=600.0)  # some 10-min window is empty
    assert solve_model(contacts, Problem(MIN_COST, [far], stations, providers, satellites))[0] == "infeasible"


def test_clique_rows_replace_station_links():
    """With clique rows (y_s on the right), one-antenna stations get no x_c <= y_s rows."""
    contacts, stations, providers, satellites = random_instance(5, n_contacts=30)
    problem = Problem(MIN_COST, [specs.StationContactExclusion()], stations, providers, satellites)
    data = ModelData.from_problem(contacts, problem)
    with_cliques = build_model(data, MIN_COST, problem.constraints)
    plain = build_model(data, MIN_COST, [])
    assert with_cliques.constraints["contact_station_link"] == []  # the cliques imply every x_c <= y_s
    assert plain.constraints["contact_station_link"][0].size == data.n_contacts
    n_cliques = len(cons.station_cliques(data))
    assert n_cliques <= data.n_contacts
    assert with_cliques.size["n_constraints"] == plain.size["n_constraints"] - data.n_contacts + n_cliques


def brute_maximal_cliques(a, b):
    n = len(a)
    overlap = lambda i, j: a[i] < b[j] and a[j] < b[i] and a[i] < b[i] and a[j] < b[j]
    cliques = [frozenset(s) for r in range(1, n + 1) for s in itertools.combinations(range(n), r)
               if all(overlap(i, j) for i, j in itertools.combinations(s, 2))]
    return {q for q in cliques if not any(q < other for other in cliques)}


intervals = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 6)), min_size=0, max_size=9)


@settings(max_examples=150, deadline=None)
@given(intervals)
def test_maximal_cliques_match_brute_force(pairs):
    a = np.array([p[0] for p in pairs], float)
    b = a + np.array([p[1] for p in pairs], float)
    got = {frozenset(q.tolist()) for q in maximal_cliques(a, b)}
    assert got == brute_maximal_cliques(a, b)
    assert len(maximal_cliques(a, b)) == len(got)  # no clique reported twice
    expected_pairs = {(i, j) for i, j in itertools.combinations(range(len(a)), 2)
                      if a[i] < b[j] and a[j] < b[i] and a[i] < b[i] and a[j] < b[j]}
    assert {tuple(p) for p in overlapping_pairs(a, b).tolist()} == expected_pairs


def test_maximal_cliques_per_group():
    a, b, g = np.array([0., 1., 0., 1.]), np.array([2., 3., 2., 3.]), np.array([0, 0, 1, 1])
    assert sorted(q.tolist() for q in maximal_cliques(a, b, g)) == [[0, 1], [2, 3]]
    assert overlapping_pairs(a, b, g).tolist() == [[0, 1], [2, 3]]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.sampled_from([MAX_DATA, MIN_COST]))
def test_clique_rows_equal_pairwise_rows(seed, objective):
    """Clique and pairwise exclusion, disaggregated and aggregated linking: same optimum."""
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=24, n_stations=3,
                                                                n_satellites=2)
    floor = specs.MinSatelliteDownlink(volume_bit=1e9, window_s=86_400.0, step_s=86_400.0)
    extra = [floor] if objective is MIN_COST else [specs.MaxMonthlyCost(usd=30_000.0)]
    def value(form, linking):
        problem = Problem(objective, [specs.StationContactExclusion(form=form),
                                      specs.SatelliteContactExclusion(form=form), *extra],
                          stations, providers, satellites)
        status, v, _ = solve_model(contacts, problem, linking=linking)
        return status, v
    clique, pairwise = value("clique", "disaggregated"), value("pairwise", "aggregated")
    assert clique[0] == pairwise[0]
    if clique[0] == "optimal":
        assert same(clique[1], pairwise[1])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([(43_200.0, 21_600.0), (86_400.0, 3_600.0), (30_000.0, 7_000.0)]))
def test_window_atoms_sum_to_window_totals(seed, period):
    """The atoms behind the running totals of (8), (9), (16) add up to the direct per-window sums."""
    window_s, step_s = period
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=30)
    rng = np.random.default_rng(seed)
    on_edge = rng.random(len(contacts)) < 0.3  # move some AOS onto window edges (closed windows)
    edge = pd.to_timedelta(rng.integers(0, 4, len(contacts)) * step_s, unit="s")
    contacts.loc[on_edge, "aos"] = (contacts.attrs["start"] + edge)[on_edge]
    contacts["los"] = contacts[["aos", "los"]].max(axis=1)
    problem = Problem(MAX_DATA, [], stations, providers, satellites)
    data = ModelData.from_problem(contacts, problem)
    points, first, last = cons.window_atoms(data, window_s, step_s)
    starts = period_starts_s(data.sim_duration_s, window_s, step_s)
    np.testing.assert_array_equal(points[first], starts)
    np.testing.assert_array_equal(points[last], starts + window_s)
    volume = cons.overlap_atoms(data, points, data.rate_bps).toarray()
    aos = cons.start_atoms(data, points).toarray()
    for j, t in enumerate(starts):
        atoms = slice(2 * first[j], 2 * last[j] + 1)
        np.testing.assert_allclose(volume[atoms].sum(0), data.rate_bps * overlap_s(data.aos_s, data.los_s, t, t + window_s),
                                   rtol=1e-12, atol=1e-3)
        inside = (data.aos_s >= t) & (data.aos_s <= t + window_s)
        np.testing.assert_array_equal(aos[atoms].sum(0), inside.astype(float))
