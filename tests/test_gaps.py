"""Tests of gstk.model.gaps' provider-set search of (4) and of the model forms that gstk.solve reads."""
from __future__ import annotations

import math

import numpy as np
import pytest
from bruteforce import brute_force
from instances import random_instance

from gstk.model.build import (
    MODEL_FORMS,
    build_gap_feasibility_model,
    build_gap_window_model,
    build_model,
    restrict_to_providers,
)
from gstk.model.data import ModelData
from gstk.model.gap_search import GapWindowSearch, exact_min_max_gap
from gstk.model.gaps import coverage_lower_bound_s
from gstk.model.provider_sets import provider_choices
from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.solution.result import Status
from gstk.solve.api import optimize, solve
from gstk.units import MODEL_TIME_UNIT_S, SECONDS_PER_HOUR
from gstk.units import MODEL_TIME_UNIT_S as OLD_PLACE

#: Seconds: candidate gaps are differences of times given to 0.1 s; a microsecond is float noise.
ONE_MICROSECOND = 1e-6


def gap_setup(seed, constraints, *, boundary=True, n_contacts=12, **kwargs):
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=n_contacts, horizon_s=21_600.0,
                                                                **kwargs)
    problem = Problem(S.MinMaxGap(include_boundary=boundary), list(constraints), stations, providers, satellites)
    return contacts, problem, ModelData.from_problem(contacts, problem)


def test_model_time_unit_lives_in_units():
    assert MODEL_TIME_UNIT_S == SECONDS_PER_HOUR and OLD_PLACE is MODEL_TIME_UNIT_S


def test_each_model_says_its_form():
    contacts, problem, data = gap_setup(1, [S.StationContactExclusion()])
    exact = build_model(data, problem.objective, problem.constraints)
    assert exact.form == "exact" and exact.gap_search
    window = build_gap_window_model(data, problem.constraints, 0.0, data.sim_duration_s)
    assert window.form == "window" and not window.gap_search
    assert window.objective == S.MinMaxGap()  # it serves the exact objective; its form flag is its own
    step = build_gap_feasibility_model(data, problem.constraints, 3600.0)
    assert step.form == "feasibility" and step.gap_s == 3600.0
    dense = build_model(data, S.MinMaxGap(form="dense"), problem.constraints)
    assert dense.form == "milp" and build_model(data, S.MaxMissionData()).form == "milp"
    assert set(MODEL_FORMS) == {"milp", "exact", "window", "feasibility"}


def test_solve_runs_a_window_model_as_one_milp():
    contacts, problem, data = gap_setup(2, [S.StationContactExclusion()])
    exact = optimize(contacts, problem)
    window = solve(build_gap_window_model(data, problem.constraints, 0.0, data.sim_duration_s))
    assert window.n_solves == 1 and window.solver_status == "optimal"
    assert window.objective == pytest.approx(exact.objective, abs=1e-3)  # G is a float in hours


def test_zero_width_window_and_zero_gap_bound():
    # the window [L, L] at the coverage bound; MaxContactGap(gap_s=0) is a valid spec now
    contacts, problem, data = gap_setup(4, [])
    lower = coverage_lower_bound_s(data)
    model = build_gap_window_model(data, [], lower, lower)
    assert model.gap_s == lower
    assert S.MaxContactGap(gap_s=0.0).gap_s == 0.0
    assert build_gap_window_model(data, [], 0.0, 0.0, include_boundary=False).form == "window"


def test_provider_choices_honour_required_providers_and_stations():
    contacts, problem, data = gap_setup(3, [S.MaxProviders(count=2)], n_stations=6, n_providers=4,
                                        n_contacts=40)
    assert len(provider_choices(data, problem.constraints)) == 6  # C(4, 2)
    with_p1 = provider_choices(data, [S.MaxProviders(count=2), S.RequiredProvider("P1")])
    assert len(with_p1) == 3 and all(1 in chosen for chosen in with_p1)
    station = "P2/S2"
    both = provider_choices(data, [S.MaxProviders(count=2), S.RequiredProvider("P1"), S.RequiredStation(station)])
    assert both == [(1, 2)]
    assert provider_choices(data, [S.MaxProviders(count=1), S.RequiredProvider("P0"),
                                   S.RequiredProvider("P1")]) == []
    assert provider_choices(data, []) == [tuple(range(4))]
    assert provider_choices(data, [S.MaxProviders(count=9)]) == [tuple(range(4))]


def test_infeasible_provider_sets_make_the_exact_method_infeasible():
    contacts, problem, _ = gap_setup(3, [S.MaxProviders(count=1), S.RequiredProvider("P0"),
                                         S.RequiredProvider("P1")], n_contacts=20)
    sol = optimize(contacts, problem, diagnose=False)
    assert sol.status is Status.INFEASIBLE and sol.objective is None


@pytest.mark.parametrize("seed", range(6))
def test_search_terminates_with_a_zero_lower_bound(seed):
    """Regression: without boundary gaps every set's lower bound is 0; when [0, 0] is infeasible the
    windows must still grow (they used to stay at [0, 0] forever)."""
    side = [S.MinContactsPerPeriod(count=2, window_s=21_600.0, step_s=21_600.0), S.SatelliteContactExclusion(),
            S.MaxProviders(count=1)]
    contacts, problem, data = gap_setup(seed, side, boundary=False, n_contacts=12)
    truth = brute_force(contacts, problem)

    def solve_window(chosen, lower, upper, start):
        sub = restrict_to_providers(data, [data.provider_ids[p] for p in chosen])
        sol = solve(build_gap_window_model(sub, [s for s in side if not isinstance(s, S.MaxProviders)],
                                           lower, upper, False))
        return ("optimal", sol.objective) if sol.status is Status.OPTIMAL else ("infeasible", None)

    value, chosen = exact_min_max_gap(data, problem.constraints, False, solve_window)
    assert (value is not None) == truth.feasible
    if truth.feasible:
        assert value == pytest.approx(truth.objective, abs=1e-3)
        assert optimize(contacts, problem).objective == pytest.approx(truth.objective, abs=ONE_MICROSECOND)


def test_search_lower_bound_when_stopped():
    contacts, problem, data = gap_setup(5, [S.MaxProviders(count=1)], n_stations=6, n_providers=3, n_contacts=30)
    search = GapWindowSearch(data, problem.constraints, True)
    first_bound = search.sets[0][0]
    search.run(lambda chosen, lower, upper, start: ("timelimit", None, None))
    assert not search.finished and search.best_set is None and math.isinf(search.best)
    assert search.lower_bound_s() == pytest.approx(first_bound)
    assert [lower for _, lower, _, _ in search.windows] == [first_bound]
    done = GapWindowSearch(data, problem.constraints, True, upper_s=0.0)
    done.run(lambda *args: pytest.fail("no window is needed below a known gap of 0"))
    assert done.finished and done.skipped == len(done.sets) and done.lower_bound_s() == 0.0
    assert np.all(np.diff([b for b, _ in search.sets]) >= 0)
