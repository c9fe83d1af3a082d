"""Tests of gstk.solve.greedy: the constructive start for min cost (2) under (9).

The cover must satisfy every constraint it claims to handle (the independent
verifier checks it), cost no less than the brute-force optimum, be refused for
problems it does not handle, and never change the optimum optimize returns.
"""
from __future__ import annotations

import numpy as np
import pytest
from bruteforce import brute_force
from hypothesis import given, settings
from hypothesis import strategies as st
from instances import random_instance
from test_bruteforce import _window_volumes

import gstk
from gstk.model.data import ModelData
from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.solution.result import Solution, Status
from gstk.solve.greedy import cover_problem, greedy_cover, mission_cost_usd

#: Relative slack when comparing a cost with an optimum: a cent on costs of 1e5-1e6 USD.
ONE_CENT_REL = 1e-8


def downlink_problem(seed: int, fraction: float, *, exclusions: bool = True, max_antennas: int = 1):
    """A random min-cost instance whose (9) asks ``fraction`` of what the weakest window can get."""
    contacts, stations, providers, satellites = random_instance(seed, n_satellites=2, n_stations=4, n_providers=2,
                                                                n_contacts=12, max_antennas=max_antennas)
    horizon = (contacts.attrs["end"] - contacts.attrs["start"]).total_seconds()
    window, step = horizon / 2, horizon / 4
    best = _window_volumes(contacts, stations, satellites, window, step, horizon, True)
    floor = S.MinSatelliteDownlink(volume_bit=float(fraction * best[best > 0].min()) if (best > 0).any() else 0.0,
                                   window_s=window, step_s=step)
    cons = [floor] + ([S.StationContactExclusion(), S.SatelliteContactExclusion()] if exclusions else [])
    return contacts, Problem(S.MinMissionCost(), cons, stations, providers, satellites)


def as_solution(data: ModelData, x: np.ndarray) -> Solution:
    return Solution.from_selection(data, x.astype(float), status=Status.FEASIBLE, objective_name="min_mission_cost",
                                   sense="min")


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), fraction=st.sampled_from([0.1, 0.3, 0.6, 0.9]), exclusions=st.booleans(),
       antennas=st.integers(1, 2))
def test_greedy_cover_is_feasible_and_no_cheaper_than_the_optimum(seed, fraction, exclusions, antennas):
    contacts, problem = downlink_problem(seed, fraction, exclusions=exclusions, max_antennas=antennas)
    data = ModelData.from_problem(contacts, problem)
    cover = cover_problem(data, problem.objective, problem.constraints)
    assert cover is not None
    x = greedy_cover(cover)
    truth = brute_force(contacts, problem)
    if x is None:
        return  # the greedy may miss a cover; it never claims one that is not there
    solution = as_solution(data, x)
    assert gstk.verify(solution, contacts, problem) == []
    assert mission_cost_usd(data, x) == pytest.approx(solution.objective, rel=ONE_CENT_REL)
    assert truth.feasible and solution.objective >= truth.objective * (1 - ONE_CENT_REL)


def test_greedy_is_refused_where_it_does_not_apply():
    contacts, problem = downlink_problem(3, 0.3)
    data = ModelData.from_problem(contacts, problem)
    assert cover_problem(data, S.MaxMissionData(), problem.constraints) is None
    assert cover_problem(data, problem.objective, [*problem.constraints, S.MaxProviders(count=1)]) is None
    assert cover_problem(data, problem.objective, [S.StationContactExclusion()]) is None  # no (9): nothing to cover


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), fraction=st.sampled_from([0.2, 0.5, 0.8]))
def test_the_greedy_start_never_changes_the_optimum(seed, fraction):
    contacts, problem = downlink_problem(seed, fraction)
    truth = brute_force(contacts, problem)
    with_start = gstk.optimize(contacts, problem, rel_gap=0.0, time_limit_s=60.0, greedy_start=True)  # + polish
    without = gstk.optimize(contacts, problem, rel_gap=0.0)
    assert with_start.status is without.status
    if truth.feasible:
        assert with_start.status is Status.OPTIMAL
        assert with_start.objective == pytest.approx(truth.objective, rel=1e-6)
        assert without.objective == pytest.approx(truth.objective, rel=1e-6)
        assert gstk.verify(with_start, contacts, problem) == []
    else:
        assert with_start.status is Status.INFEASIBLE
