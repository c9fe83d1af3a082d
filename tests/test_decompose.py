"""Tests of gstk.solve.decompose: max data (3) under (14) solved by provider sets equals the one MILP."""
from __future__ import annotations

import numpy as np
import pytest
from bruteforce import brute_force
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.errors import GstkError
from gstk.model.data import ModelData
from gstk.model.provider_sets import heaviest_chain_bit, monthly_cost_upper_bound_usd, provider_set_volume_bounds
from gstk.problem import specs as S
from gstk.problem.costs import monthly_operational_cost_usd
from gstk.problem.definition import Problem
from gstk.solution.result import Status
from gstk.solve.api import optimize
from gstk.solve.decompose import use_decomposition
from gstk.verification.report import verify

#: Relative tolerance between two optimal objectives (SCIP proves optimality to 1e-9 absolute in Gbit).
REL = 1e-6

few = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def problem_of(seed, constraints, **kwargs):
    contacts, stations, providers, satellites = random_instance(seed, **kwargs)
    return contacts, Problem(S.MaxMissionData(), list(constraints), stations, providers, satellites)


#: Side constraints of max data; each leaves the decomposition exact (they are kept in every set's model).
SIDE = st.lists(st.sampled_from([
    S.StationContactExclusion(), S.SatelliteContactExclusion(), S.MaxMonthlyCost(usd=6_000.0),
    S.RequiredProvider("P1"), S.RequiredStation("P2/S2"), S.StationCount(min_count=2),
    S.MinContactsPerPeriod(count=1, window_s=43_200.0, step_s=43_200.0),
]), max_size=3, unique=True)


@few
@given(st.integers(0, 100_000), st.integers(1, 2), SIDE)
def test_decomposed_equals_one_milp_and_brute_force(seed, n_providers, side):
    contacts, problem = problem_of(seed, [S.MaxProviders(count=n_providers), *side], n_contacts=12,
                                   n_stations=5, n_providers=3)
    split = optimize(contacts, problem, decompose=True, diagnose=False)
    whole = optimize(contacts, problem, decompose=False, diagnose=False)
    truth = brute_force(contacts, problem)
    assert split.status is whole.status
    assert split.status is (Status.OPTIMAL if truth.feasible else Status.INFEASIBLE)
    if truth.feasible:
        assert split.objective == pytest.approx(truth.objective, rel=REL)
        assert whole.objective == pytest.approx(truth.objective, rel=REL)
        assert split.bound == split.objective and split.gap == 0.0
        assert split.solver_status.startswith("provider-sets:") and "provider sets" in split.message
        assert len(split.selected_providers) <= n_providers
        assert verify(split, contacts, problem) == []


@pytest.mark.parametrize("seed", [0, 1])
def test_decomposed_equals_one_milp_on_mid_size(seed):
    contacts, problem = problem_of(seed, [S.MaxProviders(count=2), S.StationContactExclusion(),
                                          S.SatelliteContactExclusion()],
                                   n_satellites=3, n_stations=10, n_providers=5, n_contacts=300,
                                   horizon_s=2 * 86_400.0)
    split, whole = optimize(contacts, problem), optimize(contacts, problem, decompose=False)
    assert "provider sets" in split.message and "provider sets" not in whole.message
    assert split.status is whole.status is Status.OPTIMAL
    assert split.objective == pytest.approx(whole.objective, rel=REL)
    assert verify(split, contacts, problem) == []


def test_auto_uses_the_decomposition_only_when_the_cap_cannot_bind():
    contacts, problem = problem_of(4, [S.MaxProviders(count=1)], n_contacts=40, n_stations=6, n_providers=3)
    data = ModelData.from_problem(contacts, problem)
    assert use_decomposition(data, problem.objective, problem.constraints)
    ceiling = monthly_cost_upper_bound_usd(data, problem.constraints)
    assert 0 < ceiling <= monthly_cost_upper_bound_usd(data, [])  # N = 1 of 3 providers costs less than all
    loose, tight = S.MaxMonthlyCost(usd=ceiling * 1.01), S.MaxMonthlyCost(usd=ceiling * 0.5)
    assert use_decomposition(data, problem.objective, [*problem.constraints, loose])
    assert not use_decomposition(data, problem.objective, [*problem.constraints, tight])
    assert use_decomposition(data, problem.objective, [*problem.constraints, tight], True)
    assert not use_decomposition(data, problem.objective, problem.constraints, False)
    assert not use_decomposition(data, problem.objective, [])  # no (14): one set
    assert not use_decomposition(data, problem.objective, [S.MaxProviders(count=3)])  # (14) allows everyone
    assert not use_decomposition(data, S.MinMissionCost(), problem.constraints)
    with pytest.raises(GstkError, match="MaxMissionData"):
        use_decomposition(data, S.MinMissionCost(), problem.constraints, True)
    with pytest.raises(GstkError, match="decompose"):
        use_decomposition(data, problem.objective, problem.constraints, "yes")


def test_monthly_cost_upper_bound_covers_every_selection():
    # (10) of every selection within one provider, recomputed by gstk.problem.costs, stays under the bound
    contacts, problem = problem_of(6, [S.MaxProviders(count=1)], n_contacts=60, n_stations=6, n_providers=3)
    data = ModelData.from_problem(contacts, problem)
    ceiling = monthly_cost_upper_bound_usd(data, problem.constraints)
    rng = np.random.default_rng(0)
    provider = data.provider_of_station[data.station_of_contact]
    costliest = 0.0
    for p in range(len(data.provider_ids)):
        for share in (1.0, 0.5, 0.1):
            taken = (provider == p) & (rng.random(data.n_contacts) < share)
            used = np.bincount(data.station_of_contact[taken], minlength=len(data.station_ids)) > 0
            costliest = max(costliest, monthly_operational_cost_usd(
                monthly_cost_usd=data.monthly_cost_usd, stations_used=used, contact_cost=data.contact_cost_usd,
                contacts_taken=taken, sim_duration_s=data.sim_duration_s))
    assert costliest <= ceiling * (1 + REL)
    assert costliest == pytest.approx(ceiling, rel=REL)  # taking all of the costliest provider attains it


def test_set_bounds_bound_each_set():
    contacts, problem = problem_of(9, [S.MaxProviders(count=1), S.SatelliteContactExclusion()], n_contacts=80,
                                   n_stations=6, n_providers=3, horizon_s=2 * 86_400.0)
    data = ModelData.from_problem(contacts, problem)
    bounds = provider_set_volume_bounds(data, problem.constraints)
    assert [b for b, _ in bounds] == sorted((b for b, _ in bounds), reverse=True) and len(bounds) == 3
    for bound, (p,) in bounds:
        only = problem.with_changes(constraints=[*problem.constraints, S.AllowedProviders([data.provider_ids[p]])])
        assert optimize(contacts, only, decompose=False).objective <= bound * (1 + REL)


def test_heaviest_chain():
    a, b, v = np.array([0.0, 5.0, 10.0]), np.array([6.0, 10.0, 12.0]), np.array([3.0, 2.0, 2.0])
    assert heaviest_chain_bit(a, b, v) == 5.0  # 0 and 2 (touching 1 and 2 also fit, 4 < 5)
    assert heaviest_chain_bit(a[:0], b[:0], v[:0]) == 0.0


def test_decomposed_time_limit_is_labelled():
    contacts, problem = problem_of(3, [S.MaxProviders(count=2), S.StationContactExclusion()],
                                   n_satellites=5, n_stations=20, n_providers=5, n_contacts=2000,
                                   horizon_s=7 * 86_400.0)
    sol = optimize(contacts, problem, decompose=True, time_limit_s=0)
    assert sol.status in (Status.FEASIBLE, Status.NO_SOLUTION)
    assert "provider sets" in sol.message
    if sol.status is Status.FEASIBLE:
        assert sol.bound >= sol.objective and "not proven optimal" in sol.message
        assert verify(sol, contacts, problem) == []
    else:
        assert sol.objective is None and "before any feasible solution" in sol.message
