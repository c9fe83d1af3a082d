"""HiGHS as the second MILP backend: the same optima as brute force and SCIP, the same certificate.

``solver="highs"`` runs the model gstk builds on HiGHS through cvxpy; these tests
check its optima against ``tests/bruteforce.py`` and the verifier, its statuses at
limits and on infeasible models, that a start reaches HiGHS, and that every entry
point (options, scenario files, the study settings) accepts and checks the name.
"""
from __future__ import annotations

import numpy as np
import pytest
from bruteforce import brute_force
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bruteforce import SETTINGS, draw_problem, objective_tolerance

from gstk.errors import GstkError
from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.scenario.schema import parse_solver
from gstk.solution.result import Status
from gstk.solve.api import optimize
from gstk.solve.highs import highs_options, status_from_highs
from gstk.solve.options import SolverOptions
from gstk.study.settings import StudySettings
from gstk.verification.report import format_violations, verify

pytest.importorskip("highspy")

#: Families whose constraints bind under min cost (2) or max data (3), the two objectives HiGHS solves.
FAMILIES = ["min_satellite_downlink", "min_constellation_downlink", "max_monthly_cost", "station_contact_exclusion",
            "satellite_contact_exclusion", "max_contact_gap", "max_providers", "min_contacts_per_period",
            "station_count", "max_antenna_utilization"]


def _instance(seed: int = 3, n_contacts: int = 12):
    from instances import random_instance

    return random_instance(seed, n_satellites=2, n_stations=4, n_providers=2, n_contacts=n_contacts,
                           horizon_s=86_400.0)


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=6, **SETTINGS)
@given(data=st.data())
def test_highs_returns_the_brute_force_optimum(family, data):
    objective = data.draw(st.sampled_from(["min_mission_cost", "max_mission_data"]), label="objective")
    contacts, problem = draw_problem(data.draw, family, objective)
    truth = brute_force(contacts, problem)
    solution = optimize(contacts, problem, solver="highs")
    where = f"{problem.spec_dicts()}; HiGHS: {solution.status.value} {solution.message}"
    if not truth.feasible:
        assert solution.status is Status.INFEASIBLE, where
        return
    assert solution.status is Status.OPTIMAL, where
    assert solution.solver_status.endswith("highs:kOptimal")  # also "provider-sets:highs:kOptimal"
    assert verify(solution, contacts, problem) == [], format_violations(verify(solution, contacts, problem))
    tol = objective_tolerance(problem.objective.builder, truth.objective)
    assert abs(solution.objective - truth.objective) <= tol, where
    assert solution.gap == 0.0 and solution.bound == solution.objective


def test_highs_and_scip_agree_with_a_cap_and_exclusions():
    contacts, stations, providers, satellites = _instance(seed=11, n_contacts=40)
    problem = Problem(S.MaxMissionData(), (S.MaxMonthlyCost(usd=25_000.0), S.StationContactExclusion(),
                                           S.SatelliteContactExclusion(), S.MaxProviders(count=1)),
                      stations, providers, satellites, mission_days=365.0)
    scip, highs = optimize(contacts, problem), optimize(contacts, problem, solver="highs", decompose=False)
    assert scip.status is highs.status is Status.OPTIMAL
    assert highs.objective == pytest.approx(scip.objective, rel=1e-9)
    assert "HiGHS status 'kOptimal'" in highs.message


def test_an_infeasible_request_is_infeasible_on_highs_and_diagnosed():
    contacts, stations, providers, satellites = _instance()
    problem = Problem(S.MinMissionCost(), (S.StationCount(min_count=len(stations) + 1),), stations, providers,
                      satellites, mission_days=365.0)
    solution = optimize(contacts, problem, solver="highs")
    assert solution.status is Status.INFEASIBLE
    assert "Diagnosis" in solution.message and solution.solver_status == "highs:kInfeasible"


def test_a_start_reaches_highs_and_a_time_limit_keeps_it():
    contacts, stations, providers, satellites = _instance(seed=5, n_contacts=40)
    problem = Problem(S.MinMissionCost(), (S.MinContactsPerPeriod(window_s=21_600.0, step_s=3_600.0, count=1),),
                      stations, providers, satellites, mission_days=365.0)
    best = optimize(contacts, problem)
    assert best.status is Status.OPTIMAL
    # No time at all: HiGHS stops at once, so any incumbent it reports is the start it was handed.
    started = optimize(contacts, problem, solver="highs", time_limit_s=0.0, start_from=best, diagnose=False)
    cold = optimize(contacts, problem, solver="highs", time_limit_s=0.0, warm_start=False, diagnose=False)
    assert started.status is Status.FEASIBLE, started.message
    assert started.objective == pytest.approx(best.objective, rel=1e-9)
    assert started.solver_status == "highs:kTimeLimit" and "HiGHS status 'kTimeLimit'" in started.message
    assert started.bound is None or started.bound <= started.objective + 1e-6
    assert cold.status is Status.NO_SOLUTION and "before any feasible solution" in cold.message


def test_highs_statuses_map_like_scip_ones():
    assert status_from_highs("kOptimal", True) is Status.OPTIMAL
    assert status_from_highs("kTimeLimit", False) is Status.NO_SOLUTION
    assert status_from_highs("kInfeasible", False) is Status.INFEASIBLE
    assert status_from_highs("kSolveError", False) is Status.ERROR


def test_highs_options_come_from_the_solver_options():
    params = highs_options(SolverOptions(solver="highs", rel_gap=0.02, seed=7, threads=1,
                                         highs_options={"mip_heuristic_effort": 0.3}), time_limit_s=12.5)
    assert params == {"threads": 1, "random_seed": 7, "mip_rel_gap": 0.02, "time_limit": 12.5,
                      "mip_heuristic_effort": 0.3}
    assert highs_options(SolverOptions(), time_limit_s=None)["mip_rel_gap"] == 0.0


def test_bad_solver_names_and_options_are_one_line_errors():
    with pytest.raises(GstkError, match=r"unknown solver 'gurobi'; expected one of \['scip', 'highs'\]"):
        SolverOptions(solver="gurobi")
    with pytest.raises(GstkError, match=r"unknown HiGHS option\(s\) \['mip_gap_typo'\]"):
        highs_options(SolverOptions(solver="highs", highs_options={"mip_gap_typo": 1}), time_limit_s=None)
    with pytest.raises(GstkError, match=r"scenario.solver.solver: expected one of \['scip', 'highs'\], got 'cplex'"):
        parse_solver({"solver": "cplex"})
    with pytest.raises(GstkError, match="StudySettings.solver must be one of"):
        StudySettings(solver="glpk")


def test_the_solver_reaches_every_entry_point():
    assert parse_solver({"solver": "highs", "highs_options": {"presolve": "off"}}) == {
        "solver": "highs", "highs_options": {"presolve": "off"}}
    assert SolverOptions.from_kwargs(**parse_solver({"solver": "highs"})).solver == "highs"
    assert StudySettings(solver="highs").solver_options.solver == "highs"
    assert SolverOptions(solver="highs").to_dict()["solver"] == "highs"
    assert np.isclose(StudySettings().solver_options.rel_gap, 0.02)
