"""Tests of gstk.solve.options: one validated SolverOptions at each boundary, one TimeBudget per call."""
from __future__ import annotations

import dataclasses
import time

import pytest

import gstk
from gstk.datasets import shared_tle_path
from gstk.errors import GstkError
from gstk.model.data import ModelData
from gstk.problem.specs import MaxMonthlyCost, MaxProviders, StationCount
from gstk.solution.result import Status
from gstk.solve.diagnosis import diagnose
from gstk.solve.options import SolverOptions, TimeBudget

#: Slack over the time limit for what runs outside SCIP's clock after the budget is spent (the
#: solver-free necessary conditions of the diagnosis, Python and cvxpy bookkeeping); the conflict
#: search this test provokes takes 4-5 s on its own, far above it.
WALL_SLACK_S = 1.0


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("bad, message", [
    ({"time_limit_s": -1}, "time_limit_s must be a number >= 0"),
    ({"time_limit_s": float("nan")}, "time_limit_s must be a number >= 0"),
    ({"rel_gap": "1%"}, "rel_gap must be a number >= 0"),
    ({"threads": 0}, "threads must be an integer >= 1"),
    ({"threads": True}, "threads must be an integer >= 1"),
    ({"seed": 2**31}, r"seed must be an integer in \[0, 2\*\*31\)"),
    ({"scip_params": [("limits/nodes", 1)]}, "scip_params must be a mapping"),
    ({"warm_start": "yes"}, "warm_start must be True or False"),
])
def test_bad_options_are_one_line_errors(bad, message):
    with pytest.raises(GstkError, match=message) as info:
        SolverOptions(**bad)
    assert "\n" not in str(info.value)


def test_unknown_keyword_names_the_known_ones():
    with pytest.raises(GstkError, match=r"unknown solver option\(s\) \['time_limit'\]; expected some of"):
        SolverOptions.from_kwargs(time_limit=5)
    with pytest.raises(GstkError, match="unknown solver option"):
        gstk.optimize(None, None, timelimit=5)  # rejected at the boundary, before any work


def test_options_are_frozen_and_keywords_override_a_base():
    base = SolverOptions(time_limit_s=10, threads=2, scip_params={"limits/nodes": 5})
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.threads = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        base.scip_params["limits/nodes"] = 6  # type: ignore[index]
    merged = SolverOptions.from_kwargs(base, time_limit_s=3, rel_gap=None)
    assert (merged.time_limit_s, merged.threads, merged.rel_gap, dict(merged.scip_params)) == \
        (3, 2, None, {"limits/nodes": 5})
    assert SolverOptions.from_kwargs(**merged.to_dict()) == merged


def test_time_budget_counts_down_from_its_start():
    clock = FakeClock()
    budget = TimeBudget(5.0, clock=clock)
    assert budget.remaining_s() == 5.0 and not budget.expired()
    clock.now += 2.0
    assert budget.remaining_s() == 3.0 and budget.capped(30.0) == 3.0 and budget.capped(1.0) == 1.0
    clock.now += 4.0
    assert budget.remaining_s() == 0.0 and budget.expired()
    unlimited = TimeBudget(None, clock=clock)
    assert unlimited.remaining_s() is None and unlimited.capped(30.0) == 30.0 and not unlimited.expired()


@pytest.fixture(scope="module")
def infeasible_trial():
    """One study satellite over 5 days (about 1 900 contacts after the prefilters, so the diagnosis runs
    its conflict search) with a cost cap and a station limit no network meeting (9) can keep."""
    if not shared_tle_path().exists():
        pytest.skip("needs the shared Celestrak snapshot")
    from gstk.study.settings import StudySettings
    from gstk.study.trials import trial_instance

    settings = dataclasses.replace(StudySettings(), sim_days=5.0)
    instance = trial_instance(None, 1, 0, seed=2025, settings=settings)
    base = instance.problem("min_cost", settings)
    extra = (StationCount(max_count=1), MaxProviders(count=1), MaxMonthlyCost(usd=100.0))
    return instance.contacts, base.with_changes(constraints=(*base.constraints, *extra))


def test_one_time_limit_covers_the_solve_and_the_diagnosis(infeasible_trial):
    """Regression (the one-clock issue): the diagnosis used to get 30 s of its own after the limit."""
    contacts, problem = infeasible_trial
    started = time.perf_counter()
    solution = gstk.optimize(contacts, problem, time_limit_s=3.0)
    elapsed = time.perf_counter() - started
    assert solution.status is Status.INFEASIBLE and "Diagnosis:" in solution.message
    assert elapsed <= 3.0 + solution.build_time_s + WALL_SLACK_S, (elapsed, solution.build_time_s)


def test_an_expired_budget_leaves_the_conflict_search_undecided(infeasible_trial):
    contacts, problem = infeasible_trial
    data = ModelData.from_problem(contacts, problem)
    assert data.n_contacts <= 2000  # below the diagnosis' own size limit: the conflict search would run
    spent = TimeBudget(0.0)
    started = time.perf_counter()
    findings = diagnose(data, problem, contacts=contacts, budget=spent)
    assert time.perf_counter() - started < WALL_SLACK_S
    assert len(findings) == 1 and "hit the time limit, so the set may not be minimal" in findings[0]
