"""The optimizer returns the true optimum: brute force over every subset of <= 13 contacts.

For each objective, (2), (3), (4) exact and (4) dense, combined with each
constraint family (8)-(21), ``gstk.solve.optimize`` agrees with
``tests/bruteforce.py`` on feasibility and on the optimal value, and every
solution it returns passes ``gstk.verify``.  The brute force's vectorized checks
are cross-checked against ``verify_selection`` on random subsets.  On mid-size
instances the paper's pairwise exclusion and dense max-gap model give the same
optimum as gstk's clique rows and exact gap search.
"""
from __future__ import annotations

import numpy as np
import pytest
from bruteforce import brute_force, evaluate_subsets, subset_matrix
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.problem.periods import overlap_s, period_starts_s
from gstk.solution.result import Status
from gstk.solve.api import optimize
from gstk.verification.data import ONE_BIT, ONE_CENT, ONE_MILLISECOND, REL_TOL, verification_data
from gstk.verification.report import format_violations, verify, verify_selection

FAMILIES = [
    "min_constellation_downlink", "min_satellite_downlink", "max_monthly_cost", "station_contact_exclusion",
    "satellite_contact_exclusion", "max_contact_gap", "max_providers", "min_contact_duration",
    "min_contacts_per_period", "required_provider", "required_station", "station_count", "allowed_providers",
    "max_antenna_utilization",
]
OBJECTIVES = ["min_mission_cost", "max_mission_data", "min_max_gap_exact", "min_max_gap_dense"]
#: Families that demand something: they bind under min cost.  The others limit the selection and
#: bind under max data or min gap.  The default test draws the objective that makes a family bind
#: more often; the slow sweep runs every (family, objective) pair.
REQUIREMENTS = {"min_constellation_downlink", "min_satellite_downlink", "min_contacts_per_period",
                "required_provider", "required_station", "station_count"}
#: Exclusions only bind when contacts overlap: short horizons pack them together.
CROWDED = {"station_contact_exclusion", "satellite_contact_exclusion", "max_antenna_utilization"}
SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


# --------------------------------------------------------------------------- random problems
@st.composite
def instances(draw, min_contacts=4, max_contacts=13, horizons_s=(7_200.0, 21_600.0, 86_400.0), min_providers=1):
    """Return (contacts, stations, providers, satellites) of a small random instance."""
    n_stations = draw(st.integers(max(1, min_providers), 4))
    return random_instance(
        draw(st.integers(0, 2**32 - 1)), n_satellites=draw(st.integers(1, 3)), n_stations=n_stations,
        n_providers=draw(st.integers(min_providers, min(3, n_stations))),
        n_contacts=draw(st.integers(min_contacts, max_contacts)),
        horizon_s=draw(st.sampled_from(horizons_s)), max_antennas=draw(st.integers(1, 2)))


def _periods(draw, horizon_s):
    window = horizon_s * draw(st.sampled_from([0.5, 1.0, 1.0]))
    return window, window * draw(st.sampled_from([0.5, 1.0]))


def _window_volumes(contacts, stations, satellites, window, step, horizon_s, by_satellite):
    """Return the largest volume each (satellite,) window could get if every contact were taken."""
    rate = np.minimum(stations.set_index("station_id")["rate_bps"].reindex(contacts["station_id"]).to_numpy(),
                      satellites.set_index("satellite_id")["rate_bps"].reindex(contacts["satellite_id"]).to_numpy())
    start = contacts.attrs["start"]
    a = (contacts["aos"] - start).dt.total_seconds().to_numpy()
    b = (contacts["los"] - start).dt.total_seconds().to_numpy()
    groups = [contacts["satellite_id"].to_numpy() == k for k in satellites["satellite_id"]] if by_satellite \
        else [np.ones(len(a), bool)]
    return np.array([[np.dot(rate * g, overlap_s(a, b, t, t + window)) for t in
                      period_starts_s(horizon_s, window, step)] for g in groups])


def draw_constraint(draw, family, contacts, stations, providers, satellites):
    """Return one spec of ``family`` with parameters drawn so that it binds some of the time."""
    horizon = (contacts.attrs["end"] - contacts.attrs["start"]).total_seconds()
    u = draw(st.integers(1, 13)) / 10  # a fraction of what everything gives: binds below 1, fails above
    if family in ("min_constellation_downlink", "min_satellite_downlink"):
        window, step = _periods(draw, horizon)
        best = _window_volumes(contacts, stations, satellites, window, step, horizon,
                               family == "min_satellite_downlink")
        cls = S.MinConstellationDownlink if family == "min_constellation_downlink" else S.MinSatelliteDownlink
        best = best[best > 0]  # windows no contact reaches make D > 0 infeasible whatever u is
        return cls(window_s=window, step_s=step, volume_bit=float(u * best.min()) if best.size else 0.0)
    if family == "max_monthly_cost":
        everything = stations["monthly_cost_usd"].sum() + 2_629_800.0 / horizon * 175.0 * len(contacts)
        return S.MaxMonthlyCost(usd=float(u * u * everything / 4))
    if family == "station_contact_exclusion":
        one_antenna = bool((stations["antennas"] == 1).all())
        return S.StationContactExclusion(form=draw(st.sampled_from(["clique", "pairwise"])) if one_antenna
                                         else "clique")
    if family == "satellite_contact_exclusion":
        links = draw(st.integers(1, 2))
        return S.SatelliteContactExclusion(max_links=links, form="clique" if links > 1 else
                                           draw(st.sampled_from(["clique", "pairwise"])))
    if family == "max_contact_gap":  # on a 0.05 s offset from the 0.1 s grid of contact times: no ties
        return S.MaxContactGap(gap_s=round(max(u, 0.02) * horizon / 1.3, 1) + 0.05,
                               include_boundary=draw(st.booleans()))
    if family == "max_providers":
        return S.MaxProviders(count=draw(st.integers(0, 2)))
    if family == "min_contact_duration":
        return S.MinContactDuration(duration_s=float(round(u * 700.0, 1)))
    if family == "min_contacts_per_period":
        window, step = _periods(draw, horizon)
        return S.MinContactsPerPeriod(window_s=window, step_s=step, count=draw(st.sampled_from([1, 1, 2])))
    if family == "required_provider":
        return S.RequiredProvider(provider=draw(st.sampled_from(sorted(providers["provider"]))))
    if family == "required_station":
        return S.RequiredStation(station_id=draw(st.sampled_from(sorted(stations["station_id"]))))
    if family == "station_count":
        n = len(stations)
        low = draw(st.integers(1, n))
        return S.StationCount(min_count=low, max_count=draw(st.one_of(st.none(), st.integers(low, n))))
    if family == "allowed_providers":
        names = sorted(providers["provider"])
        size = draw(st.integers(1, max(1, len(names) - 1)))
        return S.AllowedProviders(providers=tuple(draw(st.lists(st.sampled_from(names), min_size=size,
                                                                max_size=size, unique=True))))
    if family == "max_antenna_utilization":
        busiest = contacts.groupby("station_id")["duration_s"].sum().max()
        return S.MaxAntennaUtilization(fraction=float(np.clip(u * busiest / horizon, 1e-4, 1.0)))
    raise AssertionError(family)


def draw_objective(draw, name, contacts, stations, providers, satellites, family=None):
    """Return (objective, extra constraints); min cost gets a requirement so it is not trivially 0."""
    if name == "min_mission_cost" and family in REQUIREMENTS:
        return S.MinMissionCost(), []
    if name == "min_mission_cost":
        need = draw(st.sampled_from(["min_satellite_downlink", "min_contacts_per_period", "required_provider"]))
        return S.MinMissionCost(), [draw_constraint(draw, need, contacts, stations, providers, satellites)]
    if name == "max_mission_data":
        return S.MaxMissionData(), []
    return S.MinMaxGap(include_boundary=draw(st.booleans()), form=name.rsplit("_", 1)[1]), []


def draw_problem(draw, family, objective_name, **instance_kw):
    if family in CROWDED:
        instance_kw.setdefault("horizons_s", (3_600.0, 7_200.0))
    if family in ("max_providers", "required_provider", "allowed_providers"):
        instance_kw.setdefault("min_providers", 2)
    contacts, stations, providers, satellites = draw(instances(**instance_kw))
    objective, extra = draw_objective(draw, objective_name, contacts, stations, providers, satellites, family)
    spec = draw_constraint(draw, family, contacts, stations, providers, satellites)
    return contacts, Problem(objective, (spec, *extra), stations, providers, satellites, mission_days=365.0)


# --------------------------------------------------------------------------- the comparison
def objective_tolerance(name: str, value: float) -> float:
    """Return the allowed solver-vs-brute-force difference (the verifier's tolerances)."""
    if name == "min_max_gap":
        return ONE_MILLISECOND
    return max(ONE_CENT if name == "min_mission_cost" else ONE_BIT, REL_TOL * abs(value))


def assert_optimal(contacts, problem):
    truth = brute_force(contacts, problem)
    solution = optimize(contacts, problem)
    where = f"{problem.spec_dicts()}; solver: {solution.status.value} {solution.message}"
    if not truth.feasible:
        assert solution.status is Status.INFEASIBLE, f"brute force: infeasible; {where}"
        return
    assert solution.status is Status.OPTIMAL, f"brute force optimum {truth.objective}; {where}"
    violations = verify(solution, contacts, problem)
    assert violations == [], f"{format_violations(violations)}\n{where}"
    tol = objective_tolerance(problem.objective.builder, truth.objective)
    assert abs(solution.objective - truth.objective) <= tol, (
        f"solver {solution.objective!r} != brute force {truth.objective!r}; {where}")


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=16, **SETTINGS)
@given(data=st.data())
def test_optimize_returns_the_brute_force_optimum(family, data):
    binding = OBJECTIVES[:1] * 3 + OBJECTIVES[1:] if family in REQUIREMENTS else OBJECTIVES[1:] * 2 + OBJECTIVES[:1]
    objective = data.draw(st.sampled_from(binding), label="objective")
    contacts, problem = draw_problem(data.draw, family, objective)
    assert_optimal(contacts, problem)


@pytest.mark.slow
@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=60, **SETTINGS)
@given(data=st.data())
def test_optimize_returns_the_brute_force_optimum_sweep(family, objective, data):
    contacts, problem = draw_problem(data.draw, family, objective, max_contacts=15)
    assert_optimal(contacts, problem)


@pytest.mark.slow
@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_optimize_returns_the_brute_force_optimum_with_several_constraints(data):
    objective = data.draw(st.sampled_from(OBJECTIVES))
    families = data.draw(st.lists(st.sampled_from(FAMILIES), min_size=2, max_size=4, unique=True))
    contacts, stations, providers, satellites = data.draw(instances(max_contacts=14))
    objective, extra = draw_objective(data.draw, objective, contacts, stations, providers, satellites)
    specs = [draw_constraint(data.draw, f, contacts, stations, providers, satellites) for f in families]
    assert_optimal(contacts, Problem(objective, (*specs, *extra), stations, providers, satellites))


# --------------------------------------------------------------------------- brute force vs verify
@settings(max_examples=25, **SETTINGS)
@given(data=st.data())
def test_vectorized_checks_agree_with_verify_on_random_subsets(data):
    objective = data.draw(st.sampled_from(OBJECTIVES[:3]))
    families = data.draw(st.lists(st.sampled_from(FAMILIES), min_size=1, max_size=4, unique=True))
    contacts, stations, providers, satellites = data.draw(instances(max_contacts=12))
    objective, extra = draw_objective(data.draw, objective, contacts, stations, providers, satellites)
    specs = [draw_constraint(data.draw, f, contacts, stations, providers, satellites) for f in families]
    problem = Problem(objective, (*specs, *extra), stations, providers, satellites)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    taken = rng.random((20, len(contacts))) < rng.uniform(0.1, 0.9, (20, 1))
    feasible, values = evaluate_subsets(contacts, problem, taken)
    for mask, ok, value in zip(taken, feasible, values):
        recomputed, violations = verify_selection(mask, contacts, problem)
        assert ok == (not violations), format_violations(violations)
        if ok:  # (the brute force never evaluates subsets with prefiltered contacts)
            assert value == pytest.approx(recomputed, rel=1e-9, abs=1e-6)


def test_subset_matrix_enumerates_every_subset_once():
    X = subset_matrix(4)
    assert X.shape == (16, 4)
    assert len({tuple(r) for r in X}) == 16


def test_brute_force_on_a_tiny_instance_matches_hand_enumeration():
    contacts, stations, providers, satellites = random_instance(7, n_contacts=7, n_satellites=2, horizon_s=3_600.0)
    problem = Problem(S.MaxMissionData(), (S.MaxAntennaUtilization(fraction=0.4), S.SatelliteContactExclusion()),
                      stations, providers, satellites)
    truth = brute_force(contacts, problem)
    best = None
    for mask in subset_matrix(len(contacts)):  # plain loop over verify_selection: the reference
        value, violations = verify_selection(mask, contacts, problem)
        if not violations and (best is None or value > best):
            best = value
    assert truth.feasible and truth.objective == pytest.approx(best)
    assert verify_selection(truth.taken, contacts, problem) == (pytest.approx(best), [])


def test_brute_force_skips_contacts_removed_by_prefilters():
    contacts, stations, providers, satellites = random_instance(3, n_contacts=12)
    problem = Problem(S.MaxMissionData(), (S.MinContactDuration(duration_s=400.0),), stations, providers,
                      satellites)
    truth = brute_force(contacts, problem)
    data = verification_data(contacts, problem)
    assert truth.n_subsets == 2 ** int(data.eligible.sum())
    assert np.array_equal(truth.taken, data.eligible)  # max data without constraints: take all eligible


# --------------------------------------------------------------------------- dense vs tight forms
def mid_size(seed, n_contacts):
    return random_instance(seed, n_satellites=3, n_stations=5, n_providers=3, n_contacts=n_contacts,
                           horizon_s=43_200.0)


def assert_same_optimum(contacts, tight: Problem, paper: Problem, *, expect_solution: bool = True):
    a, b = optimize(contacts, tight), optimize(contacts, paper)
    assert a.status is b.status, (a.message, b.message)
    assert a.status.has_solution or not expect_solution, a.message
    if a.status.has_solution:
        assert a.status is Status.OPTIMAL
        assert b.objective == pytest.approx(a.objective, rel=1e-6, abs=ONE_MILLISECOND)
        assert verify(a, contacts, tight) == [] and verify(b, contacts, paper) == []


PAIRWISE_CASES = [
    (S.MaxMissionData(), (S.MaxMonthlyCost(usd=40_000.0),)),
    (S.MinMissionCost(), (S.MinContactsPerPeriod(window_s=21_600, step_s=10_800, count=1),)),
]


@pytest.mark.parametrize("seed, n_contacts", [(11, 40), (12, 60)])
@pytest.mark.parametrize("objective, extra", PAIRWISE_CASES, ids=["max_data", "min_cost"])
def test_pairwise_exclusion_gives_the_clique_optimum(seed, n_contacts, objective, extra):
    contacts, stations, providers, satellites = mid_size(seed, n_contacts)
    tight = Problem(objective, (S.StationContactExclusion(), S.SatelliteContactExclusion(), *extra),
                    stations, providers, satellites)
    paper = tight.with_changes(constraints=(S.StationContactExclusion(form="pairwise"),
                                            S.SatelliteContactExclusion(form="pairwise"), *extra))
    assert_same_optimum(contacts, tight, paper)


@pytest.mark.parametrize("seed, n_contacts, boundary", [(21, 40, True), (22, 40, False), (23, 50, True),
                                                        (24, 50, False)])
def test_dense_max_gap_gives_the_exact_optimum(seed, n_contacts, boundary):
    contacts, stations, providers, satellites = mid_size(seed, n_contacts)
    constraints = (S.SatelliteContactExclusion(), S.MaxProviders(count=1),
                   S.MinContactsPerPeriod(window_s=21_600, step_s=10_800, count=1))  # a few contacts each
    exact = Problem(S.MinMaxGap(include_boundary=boundary), constraints, stations, providers, satellites)
    dense = exact.with_changes(objective=S.MinMaxGap(include_boundary=boundary, form="dense"))
    assert_same_optimum(contacts, exact, dense)


@pytest.mark.slow
@settings(max_examples=20, **SETTINGS)
@given(seed=st.integers(0, 2**32 - 1), n_contacts=st.integers(40, 200), boundary=st.booleans(),
       providers_max=st.integers(1, 2))
def test_dense_and_pairwise_forms_agree_on_random_mid_size_instances(seed, n_contacts, boundary, providers_max):
    contacts, stations, providers, satellites = mid_size(seed, n_contacts)
    constraints = (S.StationContactExclusion(), S.SatelliteContactExclusion(), S.MaxProviders(count=providers_max))
    exact = Problem(S.MinMaxGap(include_boundary=boundary), constraints, stations, providers, satellites)
    assert_same_optimum(contacts, exact, exact.with_changes(
        objective=S.MinMaxGap(include_boundary=boundary, form="dense"),
        constraints=(S.StationContactExclusion(form="pairwise"), S.SatelliteContactExclusion(form="pairwise"),
                     S.MaxProviders(count=providers_max))), expect_solution=False)


@pytest.mark.parametrize("form", ["exact", "dense"])
def test_min_max_gap_without_successor_pairs_is_optimal(form):
    """Regression: one contact per satellite and no boundary gaps leaves x out of every dense row;
    the solve must still report OPTIMAL (max gap 0), not ERROR."""
    contacts, stations, providers, satellites = random_instance(1, n_contacts=3, n_satellites=1, n_stations=1,
                                                                n_providers=1)
    one = contacts.iloc[:1].copy()
    one.attrs.update(contacts.attrs)
    assert_optimal(one, Problem(S.MinMaxGap(include_boundary=False, form=form), (), stations, providers, satellites))
