"""Tests of gstk.solve and gstk.solve.diagnosis: statuses, bounds, warm start, the exact min-max-gap search
(against the dense model and brute force) and infeasibility diagnosis."""
from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
import pyscipopt
import pytest
from bruteforce import brute_force
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.errors import GstkError, SolveError
from gstk.model.build import build_model
from gstk.model.data import ModelData
from gstk.model.gaps import coverage_lower_bound_s, longest_uncovered_s
from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.solution.result import Status
from gstk.solve.api import optimize, solve
from gstk.solve.diagnosis import describe, diagnose
from gstk.solve.scip import SCIP_LIMIT_STATUSES, run_scip, scip_parameters, status_from_scip
from gstk.verification.report import verify

#: Relative tolerance between two optimal objectives: SCIP proves optimality to 1e-9 absolute in
#: model units (k$, Gbit, hours); 1e-6 relative is far above that and far below any real difference.
REL = 1e-6
#: Seconds: candidate gaps are differences of times given to 0.1 s; a microsecond is float noise.
ONE_MICROSECOND = 1e-6

few = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def problem_of(seed, objective, constraints=(), **kwargs):
    contacts, stations, providers, satellites = random_instance(seed, **kwargs)
    return contacts, Problem(objective, list(constraints), stations, providers, satellites)


def model_of(contacts, problem):
    return build_model(ModelData.from_problem(contacts, problem), problem.objective, problem.constraints)


# ----------------------------------------------------------------------------- status mapping
@pytest.mark.parametrize("scip_status, incumbent, expected", [
    ("optimal", True, Status.OPTIMAL), ("gaplimit", True, Status.OPTIMAL),
    ("timelimit", True, Status.FEASIBLE), ("timelimit", False, Status.NO_SOLUTION),
    ("nodelimit", True, Status.FEASIBLE), ("sollimit", True, Status.FEASIBLE),
    ("memlimit", False, Status.NO_SOLUTION), ("userinterrupt", False, Status.NO_SOLUTION),
    ("infeasible", False, Status.INFEASIBLE), ("unbounded", False, Status.UNBOUNDED),
    ("inforunbd", False, Status.INFEASIBLE), ("inforunbd", True, Status.UNBOUNDED),
    ("unknown", False, Status.ERROR), ("unknown", True, Status.FEASIBLE), ("optimal", False, Status.ERROR),
])
def test_status_from_scip(scip_status, incumbent, expected):
    assert status_from_scip(scip_status, incumbent) is expected


def test_run_scip_on_hand_written_models():
    params = scip_parameters()
    b = cp.Variable(2, boolean=True)
    infeasible = run_scip(cp.Problem(cp.Minimize(cp.sum(b)), [cp.sum(b) >= 3]), b, params)
    assert infeasible.status is Status.INFEASIBLE and infeasible.x is None
    # maximization and a constant term: SCIP sees -sum(b) without the 5; the bound must come back as 6
    best = run_scip(cp.Problem(cp.Maximize(cp.sum(b) + 5), [cp.sum(b) <= 1]), b, params, warm_start=False)
    assert best.status is Status.OPTIMAL and best.primal == pytest.approx(6.0) and best.dual == pytest.approx(6.0)
    assert best.x.sum() == pytest.approx(1.0)
    n = cp.Variable(integer=True)
    assert run_scip(cp.Problem(cp.Maximize(n), [n >= 0]), n, params).status is Status.UNBOUNDED
    y = cp.Variable()
    failed = run_scip(cp.Problem(cp.Minimize(cp.exp(y))), y, params)  # SCIP takes no exponential cone
    assert failed.status is Status.ERROR and "SCIP" in failed.error


def test_scip_parameters_are_real_scip_names():
    params = scip_parameters(time_limit_s=60, rel_gap=0.01, threads=2, seed=7, scip_params={"limits/nodes": 10})
    assert set(params) <= set(pyscipopt.Model().getParams())
    assert params["limits/time"] == 60.0 and params["limits/gap"] == 0.01 and params["limits/nodes"] == 10
    assert params["randomization/randomseedshift"] == 7 and params["lp/threads"] == 2
    assert "limits/time" not in scip_parameters()
    assert SCIP_LIMIT_STATUSES.isdisjoint({"optimal", "infeasible", "unbounded", "inforunbd", "gaplimit"})


@pytest.mark.parametrize("kwargs, match", [
    ({"scip_params": {"limits/tiem": 1}}, "limits/tiem"), ({"time_limit_s": -1}, "time_limit_s"),
    ({"rel_gap": -0.1}, "rel_gap"), ({"threads": 0}, "threads"), ({"seed": -1}, "seed"),
])
def test_bad_solver_options_raise(kwargs, match):
    with pytest.raises(GstkError, match=match):
        scip_parameters(**kwargs)


# ----------------------------------------------------------------------------- MILP statuses
@pytest.mark.parametrize("objective, constraints", [
    (S.MinMissionCost(), [S.MinSatelliteDownlink(volume_bit=5e11), S.SatelliteContactExclusion()]),
    (S.MaxMissionData(), [S.MaxMonthlyCost(usd=9_000.0), S.StationContactExclusion()]),
])
def test_optimal_equals_brute_force(objective, constraints):
    contacts, problem = problem_of(11, objective, constraints, n_contacts=12)
    sol = solve(model_of(contacts, problem))
    truth = brute_force(contacts, problem)
    assert sol.status is Status.OPTIMAL and truth.feasible
    assert sol.objective == pytest.approx(truth.objective, rel=REL)
    assert sol.bound == sol.objective and sol.gap == 0.0 and sol.solver_status == "optimal"
    assert sol.objective_name == objective.builder and sol.sense == objective.sense
    assert sol.n_variables > 0 and sol.n_constraints > 0 and sol.solve_time_s > 0
    assert verify(sol, contacts, problem) == []


def test_optimize_fills_problem_window_and_message():
    contacts, problem = problem_of(2, S.MinMissionCost(), [S.MinSatelliteDownlink(volume_bit=1e11),
                                                            S.MinContactDuration(duration_s=120)])
    sol = optimize(contacts, problem)
    assert sol.status is Status.OPTIMAL and "proven optimal" in sol.message
    assert sol.problem == problem.spec_dicts()
    assert sol.sim_start == contacts.attrs["start"] and sol.sim_end == contacts.attrs["end"]
    assert sol.mission_days == 365.0
    assert (sol.contacts["duration_s"] >= 120).all()


def big_instance():
    constraints = [S.SatelliteContactExclusion(), S.StationContactExclusion(), S.MinSatelliteDownlink(volume_bit=2e12)]
    return problem_of(3, S.MinMissionCost(), constraints, n_satellites=5, n_stations=20, n_providers=5,
                      n_contacts=2000, horizon_s=7 * 86_400.0)


def test_time_limit_keeps_incumbent_or_reports_no_solution():
    contacts, problem = big_instance()
    sol = optimize(contacts, problem, time_limit_s=0.01)
    assert sol.solver_status == "timelimit"
    assert sol.status in (Status.FEASIBLE, Status.NO_SOLUTION)
    if sol.status is Status.FEASIBLE:
        assert sol.gap is None or sol.gap > 0
        assert verify(sol, contacts, problem) == []
        assert "not proven optimal" in sol.message
    else:
        assert sol.objective is None and sol.contacts.empty
        with pytest.raises(SolveError, match="NO_SOLUTION"):
            sol.raise_for_status()


def test_warm_start_gives_an_incumbent_at_zero_time():
    contacts, problem = problem_of(5, S.MinMissionCost(),
                                   [S.SatelliteContactExclusion(), S.MinSatelliteDownlink(volume_bit=1e12)],
                                   n_satellites=3, n_stations=8, n_providers=3, n_contacts=300,
                                   horizon_s=3 * 86_400.0)
    model = model_of(contacts, problem)
    first = solve(model, time_limit_s=20)
    assert first.status.has_solution
    values = {v.name(): v.value for v in model.problem.variables()}
    again = solve(model, time_limit_s=0)  # cvxpy kept the values: they are the start
    assert again.status.has_solution and again.objective == pytest.approx(first.objective, rel=REL)
    cold_model = model_of(contacts, problem)
    cold = solve(cold_model, time_limit_s=0, warm_start=False)
    assert cold.status is Status.NO_SOLUTION
    cold_model.warm_start = values  # Model.warm_start: variable name -> values
    warm = solve(cold_model, time_limit_s=0)
    assert warm.status.has_solution and warm.objective == pytest.approx(first.objective, rel=REL)


def test_rel_gap_stops_early_but_proves_the_gap():
    contacts, problem = problem_of(7, S.MaxMissionData(), [S.MaxMonthlyCost(usd=15_000.0),
                                                           S.StationContactExclusion()], n_contacts=60,
                                   n_stations=6, n_providers=3)
    sol = optimize(contacts, problem, rel_gap=0.5)
    assert sol.status is Status.OPTIMAL and sol.gap is not None and sol.gap <= 0.5
    exact = optimize(contacts, problem)
    assert exact.bound <= sol.bound * (1 + REL) and sol.objective <= exact.objective * (1 + REL)


# ----------------------------------------------------------------------------- exact min-max gap (4)
def gap_problem(seed, n_contacts, include_boundary, form, extra=()):
    return problem_of(seed, S.MinMaxGap(include_boundary=include_boundary, form=form), extra,
                      n_contacts=n_contacts, n_satellites=2, n_stations=3, horizon_s=6 * 3600.0)


#: Side constraints that make (4) non-trivial without boundary gaps (otherwise taking nothing is optimal):
#: two contacts per satellite over the whole 6 h horizon, one link at a time, a station that must be used;
#: and one provider (14), which makes the exact method search provider sets.
GAP_SIDE_CONSTRAINTS = st.lists(st.sampled_from([
    S.MinContactsPerPeriod(count=2, window_s=6 * 3600.0, step_s=6 * 3600.0),
    S.SatelliteContactExclusion(), S.RequiredStation("P0/S0"), S.StationContactExclusion(),
    S.MaxProviders(count=1),
]), max_size=3, unique=True)


@few
@given(st.integers(0, 100_000), st.integers(4, 22), st.booleans(), GAP_SIDE_CONSTRAINTS)
def test_exact_gap_search_equals_dense_model(seed, n_contacts, include_boundary, extra):
    contacts, exact_problem = gap_problem(seed, n_contacts, include_boundary, "exact", extra)
    _, dense_problem = gap_problem(seed, n_contacts, include_boundary, "dense", extra)
    exact, dense = optimize(contacts, exact_problem, diagnose=False), optimize(contacts, dense_problem)
    assert exact.status is dense.status
    if dense.status is Status.OPTIMAL:
        assert exact.objective == pytest.approx(dense.objective, rel=REL, abs=ONE_MICROSECOND)
        assert exact.bound == exact.objective and exact.n_solves >= 1
        assert verify(exact, contacts, exact_problem) == []


@few
@given(st.integers(0, 100_000), st.integers(1, 10), st.booleans(), GAP_SIDE_CONSTRAINTS)
def test_exact_gap_search_equals_brute_force(seed, n_contacts, include_boundary, extra):
    contacts, problem = gap_problem(seed, n_contacts, include_boundary, "exact", extra)
    sol = optimize(contacts, problem, diagnose=False)
    truth = brute_force(contacts, problem)
    assert sol.status.has_solution is truth.feasible
    if truth.feasible:
        assert sol.status is Status.OPTIMAL
        assert sol.objective == pytest.approx(truth.objective, abs=ONE_MICROSECOND)
        assert max(sol.max_gap_by_satellite_s.values()) == sol.objective
    else:
        assert sol.status is Status.INFEASIBLE


def test_exact_gap_search_reports_its_certificate():
    contacts, problem = gap_problem(1, 30, True, "exact", [S.StationContactExclusion(), S.MaxProviders(count=1)])
    data = ModelData.from_problem(contacts, problem)
    sol = optimize(contacts, problem)
    assert sol.status is Status.OPTIMAL and sol.solver_status.startswith("gap-windows:")
    assert sol.bound == sol.objective and sol.gap == 0.0
    assert sol.objective >= coverage_lower_bound_s(data) - ONE_MICROSECOND
    assert "proven optimal" in sol.message and "2 provider set(s)" in sol.message and "window model" in sol.message
    assert sol.n_solves >= 2  # the model without gap rows, then at least one window model
    assert sol.build_time_s > 0 and sol.solve_time_s > 0 and sol.n_variables > 0
    assert len(sol.selected_providers) == 1 and verify(sol, contacts, problem) == []
    assert "max_gap=" in repr(sol)


def test_exact_gap_search_stopped_by_a_limit_keeps_its_schedule_and_bound():
    # one node without LP or presolve: the window model stops unsolved, which ends the search
    contacts, problem = gap_problem(0, 40, True, "exact", [S.StationContactExclusion(), S.SatelliteContactExclusion()])
    exact = optimize(contacts, problem)
    partial = optimize(contacts, problem, scip_params={"limits/nodes": 1, "lp/solvefreq": -1,
                                                      "presolving/maxrounds": 0})
    assert partial.status is Status.FEASIBLE and partial.solver_status == "gap-windows:nodelimit"
    assert "not proven optimal" in partial.message and "stopped by a limit" in partial.message
    assert partial.bound <= exact.objective + ONE_MICROSECOND <= partial.objective + 2 * ONE_MICROSECOND
    assert partial.gap == pytest.approx((partial.objective - partial.bound) / partial.objective)
    assert verify(partial, contacts, problem) == []


def test_exact_gap_search_rel_gap():
    contacts, problem = gap_problem(3, 40, True, "exact", [S.StationContactExclusion()])
    exact = optimize(contacts, problem)
    loose = optimize(contacts, problem, rel_gap=0.5)
    assert loose.status is Status.OPTIMAL and loose.gap <= 0.5
    assert loose.bound <= exact.objective + ONE_MICROSECOND <= loose.objective + 2 * ONE_MICROSECOND


def test_zero_max_contact_gap_equals_brute_force():
    # MaxContactGap(gap_s=0): without boundary gaps, consecutive taken contacts must touch or overlap
    contacts, problem = problem_of(8, S.MaxMissionData(), [S.MaxContactGap(gap_s=0.0, include_boundary=False)],
                                   n_contacts=12, horizon_s=3 * 3600.0)
    sol = optimize(contacts, problem)
    truth = brute_force(contacts, problem)
    assert sol.status is Status.OPTIMAL and sol.objective == pytest.approx(truth.objective, rel=REL)
    assert max(sol.max_gap_by_satellite_s.values()) == 0.0 and verify(sol, contacts, problem) == []
    with pytest.raises(GstkError, match="gap_s"):
        S.MaxContactGap(gap_s=-1.0)


def test_exact_gap_search_infeasible_and_time_limit():
    contacts, problem = gap_problem(4, 12, True, "exact", [S.StationCount(min_count=50)])
    infeasible = optimize(contacts, problem)
    assert infeasible.status is Status.INFEASIBLE and "StationCount" in infeasible.message
    _, problem = gap_problem(4, 12, True, "exact")
    out_of_time = optimize(contacts, problem, time_limit_s=0)
    assert out_of_time.status is Status.NO_SOLUTION and out_of_time.objective is None


@few
@given(st.integers(0, 100_000), st.integers(1, 25))
def test_coverage_lower_bound_never_exceeds_the_optimum(seed, n_contacts):
    contacts, problem = gap_problem(seed, n_contacts, True, "exact")
    data = ModelData.from_problem(contacts, problem)
    taken_all = optimize(contacts, problem)
    assert coverage_lower_bound_s(data) <= taken_all.objective + ONE_MICROSECOND
    assert coverage_lower_bound_s(data, include_boundary=False) == 0.0


def test_longest_uncovered():
    assert longest_uncovered_s(np.array([10.0, 15.0, 60.0]), np.array([30.0, 20.0, 70.0]), 100.0) == 30.0
    assert longest_uncovered_s(np.array([0.0]), np.array([100.0]), 100.0) == 0.0
    assert longest_uncovered_s(np.array([]), np.array([]), 50.0) == 50.0


# ----------------------------------------------------------------------------- infeasibility diagnosis
def infeasible_message(constraints, seed=1, **kwargs):
    contacts, problem = problem_of(seed, S.MinMissionCost(), constraints, n_contacts=kwargs.pop("n", 40), **kwargs)
    sol = optimize(contacts, problem)
    assert sol.status is Status.INFEASIBLE
    with pytest.raises(SolveError, match="INFEASIBLE"):
        sol.raise_for_status()
    return sol.message


def test_diagnosis_of_unreachable_satellite_downlink():
    message = infeasible_message([S.MinSatelliteDownlink(volume_bit=1e14)])
    assert "MinSatelliteDownlink (9)" in message and "even taking every contact" in message
    assert "satellite SAT" in message and "Diagnosis" in message


def test_diagnosis_of_a_conflicting_pair():
    message = infeasible_message([S.MinSatelliteDownlink(volume_bit=1e11), S.StationContactExclusion(),
                                  S.MaxMonthlyCost(usd=0.0)])
    assert "MinSatelliteDownlink (9)" in message and "MaxMonthlyCost (10)" in message
    assert "StationContactExclusion" not in message.split("Diagnosis")[1]
    assert "2 constraints conflict" in message


@pytest.mark.parametrize("constraints, phrases", [
    ([S.RequiredProvider("P1"), S.AllowedProviders(["P0"])], ["RequiredProvider (17)", "AllowedProviders"]),
    ([S.StationCount(min_count=9)], ["StationCount (19)", "only 4 station(s)"]),
    ([S.MaxContactGap(gap_s=600.0)], ["MaxContactGap (13)", "no contact at all"]),
    ([S.MaxProviders(count=1), S.RequiredProvider("P0"), S.RequiredProvider("P1")],
     ["MaxProviders (14)", "2 are required"]),
    ([S.MinContactsPerPeriod(count=50)], ["MinContactsPerPeriod (16)", "has only"]),
    ([S.MinConstellationDownlink(volume_bit=1e15)], ["MinConstellationDownlink (8)"]),
    ([S.RequiredStation("P0/S0"), S.MaxMonthlyCost(usd=1.0)], ["MaxMonthlyCost (10)", "P0/S0"]),
])
def test_diagnosis_of_necessary_conditions(constraints, phrases):
    message = infeasible_message(constraints)
    for phrase in phrases:
        assert phrase in message


def test_diagnosis_of_a_prefiltered_required_station():
    contacts, stations, providers, satellites = random_instance(1, n_contacts=40)
    stations.loc[0, "status"] = "Planned"
    problem = Problem(S.MinMissionCost(), [S.RequiredStation(stations.loc[0, "station_id"])], stations, providers,
                      satellites)
    sol = optimize(contacts, problem)
    assert sol.status is Status.INFEASIBLE
    assert "RequiredStation (18)" in sol.message and "'Planned'" in sol.message


def test_diagnose_skips_the_solver_on_big_models():
    contacts, problem = problem_of(1, S.MinMissionCost(), [S.MinSatelliteDownlink(volume_bit=1e11),
                                                            S.MaxMonthlyCost(usd=0.0)], n_contacts=40)
    data = ModelData.from_problem(contacts, problem)
    (sentence,) = diagnose(data, problem, max_contacts=10)
    assert "skipped" in sentence and "MaxMonthlyCost" in sentence
    assert describe(S.MaxProviders(count=2)) == "MaxProviders (14) [count=2]"


def test_optimize_can_skip_diagnosis():
    contacts, problem = problem_of(1, S.MinMissionCost(), [S.StationCount(min_count=9)], n_contacts=40)
    sol = optimize(contacts, problem, diagnose=False)
    assert sol.status is Status.INFEASIBLE and "Diagnosis" not in sol.message


@pytest.mark.slow
def test_exact_gap_search_equals_dense_model_mid_size():
    for seed in range(3):
        for boundary in (True, False):
            contacts, exact_problem = gap_problem(seed, 60, boundary, "exact", [S.StationContactExclusion()])
            _, dense_problem = gap_problem(seed, 60, boundary, "dense", [S.StationContactExclusion()])
            exact, dense = optimize(contacts, exact_problem), optimize(contacts, dense_problem)
            assert exact.objective == pytest.approx(dense.objective, rel=REL, abs=ONE_MICROSECOND)
            assert math.isclose(exact.bound, exact.objective)


@pytest.mark.parametrize("objective", [S.MaxMissionData(), S.MinMissionCost(), S.MinMaxGap(),
                                       S.MinMaxGap(include_boundary=False, form="dense")])
def test_every_contact_prefiltered(objective):
    # regression: a model without contacts (cvxpy's constant solver, or x in no row) is optimal, not ERROR
    contacts, problem = problem_of(0, objective, [S.MinContactDuration(duration_s=1e6)], n_contacts=4)
    sol = optimize(contacts, problem)
    assert sol.status is Status.OPTIMAL and sol.contacts.empty
    expected = 86_400.0 if objective == S.MinMaxGap() else 0.0  # boundary gaps: nothing taken waits T_sim
    assert sol.objective == expected


def test_tuned_max_data_parameters_only_when_the_cost_cap_cannot_bind():
    from instances import random_instance

    from gstk.model.data import ModelData
    from gstk.model.provider_sets import cap_can_bind
    from gstk.problem.definition import Problem
    from gstk.problem.specs import MaxMissionData, MaxMonthlyCost, MinMissionCost
    from gstk.solve.milp import MAX_DATA_SCIP_PARAMS, default_scip_params
    from gstk.solve.options import SolverOptions
    from gstk.solve.scip import options_parameters

    contacts, stations, providers, satellites = random_instance(3, n_providers=3, n_stations=6, n_contacts=12)
    data = ModelData.from_problem(contacts, Problem(MaxMissionData(), (), stations, providers, satellites))
    loose, tight = (MaxMonthlyCost(usd=1e12),), (MaxMonthlyCost(usd=1.0),)
    assert not cap_can_bind(data, ()) and not cap_can_bind(data, loose)
    assert cap_can_bind(data, tight) and cap_can_bind(None, loose)
    assert default_scip_params(MaxMissionData(), data=data, constraints=loose) == MAX_DATA_SCIP_PARAMS
    assert default_scip_params(MaxMissionData(), data=data, constraints=tight) == {}
    assert default_scip_params(MinMissionCost(), data=data) == {}
    override = options_parameters(SolverOptions(scip_params={"lp/initalgorithm": "p"}), time_limit_s=None,
                                  defaults=default_scip_params(MaxMissionData(), data=data))
    assert override["lp/initalgorithm"] == "p" and override["misc/usesymmetry"] == 0
