"""Search levers of SCIP (issue levers of the min-cost study): branching priorities and emphasis settings.

Neither may change an optimum: both are checked against brute force, and the
priorities against the columns SCIP actually receives.
"""
from __future__ import annotations

import cvxpy as cp
import pytest
from bruteforce import brute_force
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bruteforce import SETTINGS, draw_problem, objective_tolerance

from gstk.errors import GstkError
from gstk.model.build import build_model
from gstk.problem import specs as S
from gstk.scenario.schema import parse_solver
from gstk.solution.result import Status
from gstk.solve.api import optimize
from gstk.solve.milp import branch_priorities
from gstk.solve.options import SolverOptions
from gstk.solve.scip import _known_scip_parameters, emphasis_params, priority_columns
from gstk.study.settings import StudySettings
from gstk.verification.report import verify

FAMILIES = ["min_satellite_downlink", "max_monthly_cost", "station_contact_exclusion", "max_providers",
            "station_count"]


def _model():
    from instances import random_instance
    from gstk.model.data import ModelData
    from gstk.problem.definition import Problem

    contacts, stations, providers, satellites = random_instance(4, n_satellites=2, n_stations=4, n_providers=2,
                                                                n_contacts=20, horizon_s=86_400.0)
    problem = Problem(S.MinMissionCost(), (S.MinContactsPerPeriod(window_s=43_200.0, step_s=3_600.0, count=1),),
                      stations, providers, satellites, mission_days=365.0)
    return build_model(ModelData.from_problem(contacts, problem), problem.objective, problem.constraints)


def test_priorities_land_on_the_columns_of_z_y_w():
    model = _model()
    v = model.variables
    data, _, _ = model.problem.get_problem_data(cp.SCIP)
    param_prob = data["param_prob"]
    columns = priority_columns(param_prob, branch_priorities(v))
    by_priority = {priority: (first, size) for first, size, priority in columns}
    assert set(by_priority) == {3, 2, 1}
    assert by_priority[3][1] == v.z.size and by_priority[2][1] == v.y.size and by_priority[1][1] == v.w.size
    assert by_priority[3][0] == param_prob.var_id_to_col[v.z.id]
    x_first = param_prob.var_id_to_col[v.x.id]
    for first, size, _ in columns:  # no prioritized block overlaps the contacts
        assert first + size <= x_first or first >= x_first + v.x.size


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=4, **SETTINGS)
@given(data=st.data())
def test_branch_priorities_keep_the_brute_force_optimum(family, data):
    objective = data.draw(st.sampled_from(["min_mission_cost", "max_mission_data"]), label="objective")
    contacts, problem = draw_problem(data.draw, family, objective)
    truth = brute_force(contacts, problem)
    solution = optimize(contacts, problem, branch_priority=True, diagnose=False)
    if not truth.feasible:
        assert solution.status is Status.INFEASIBLE
        return
    assert solution.status is Status.OPTIMAL, solution.message
    assert verify(solution, contacts, problem) == []
    assert abs(solution.objective - truth.objective) <= objective_tolerance(problem.objective.builder,
                                                                            truth.objective)


def test_emphasis_params_are_known_scip_parameters_and_compose():
    known = _known_scip_parameters()
    feasibility = emphasis_params("emphasis:feasibility")
    assert feasibility and set(feasibility) <= known
    off = emphasis_params("heuristics:off")
    assert all(v == -1 for k, v in off.items() if k.startswith("heuristics/") and k.endswith("/freq"))
    # a later setting overrides an earlier one, parameter by parameter
    both = emphasis_params("heuristics:off", "heuristics:default")
    assert all(both.get(k, v) != -1 or k not in emphasis_params("heuristics:default") for k, v in off.items())
    assert emphasis_params("separating:default") == {}


def test_emphasis_keeps_the_optimum_of_a_small_instance():
    from instances import random_instance
    from gstk.problem.definition import Problem

    contacts, stations, providers, satellites = random_instance(6, n_satellites=2, n_stations=4, n_providers=2,
                                                                n_contacts=14, horizon_s=86_400.0)
    problem = Problem(S.MinMissionCost(), (S.MinContactsPerPeriod(window_s=43_200.0, step_s=3_600.0, count=1),
                                           S.StationContactExclusion()),
                      stations, providers, satellites, mission_days=365.0)
    truth = brute_force(contacts, problem)
    for setting in ("emphasis:feasibility", "heuristics:aggressive", "presolving:off"):
        solution = optimize(contacts, problem, scip_params=emphasis_params(setting), diagnose=False)
        assert solution.status is Status.OPTIMAL, (setting, solution.message)
        assert solution.objective == pytest.approx(truth.objective, rel=1e-6), setting


def test_bad_levers_are_one_line_errors():
    with pytest.raises(GstkError, match="unknown SCIP emphasis family 'speed'"):
        emphasis_params("speed:fast")
    with pytest.raises(GstkError, match="unknown SCIP heuristics setting 'wild'"):
        emphasis_params("heuristics:wild")
    with pytest.raises(GstkError, match="branch_priority must be True or False"):
        SolverOptions(branch_priority="yes")


def test_branch_priority_reaches_scenario_files_and_the_study():
    assert parse_solver({"branch_priority": True}) == {"branch_priority": True}
    with pytest.raises(GstkError, match="scenario.solver.branch_priority"):
        parse_solver({"branch_priority": "yes"})
    assert SolverOptions().to_dict()["branch_priority"] is False
    assert StudySettings(branch_priority=True).solver_options.branch_priority is True
