"""Tests of gstk.solve.relaxation: LP bounds and roundings of packing models, and their use by provider sets."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.model.build import build_model
from gstk.model.data import ModelData
from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.solution.result import Status
from gstk.solve import decompose
from gstk.solve.api import optimize
from gstk.solve.options import TimeBudget
from gstk.solve.relaxation import PackingForm, greedy_rounding, lp_bound, packing_form, round_lp
from gstk.verification.report import verify

few = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_packing(seed: int, n: int, n_rows: int) -> PackingForm:
    """A random 0/1 packing model: rows of 2-4 columns with capacity 1 or 2, weights 1-10."""
    rng = np.random.default_rng(seed)
    rows = [rng.choice(n, size=rng.integers(2, min(4, n) + 1), replace=False) for _ in range(n_rows)]
    A = sp.csr_matrix((np.ones(sum(map(len, rows))), (np.repeat(np.arange(n_rows), [len(r) for r in rows]),
                                                      np.concatenate(rows))), shape=(n_rows, n))
    return PackingForm(A, rng.integers(1, 3, n_rows).astype(float), -rng.integers(1, 11, n).astype(float), 0.0, 1.0)


def brute_force_value(form: PackingForm) -> float:
    """Return the best objective over every 0/1 point (small n only)."""
    best = 0.0
    for bits in itertools.product((0.0, 1.0), repeat=len(form.c)):
        x = np.array(bits)
        if form.feasible(x):
            best = max(best, form.value(x))
    return best


@few
@given(st.integers(0, 10_000), st.integers(3, 11), st.integers(1, 12))
def test_lp_bounds_and_roundings_bracket_the_brute_force_optimum(seed, n, n_rows):
    form = random_packing(seed, n, n_rows)
    truth = brute_force_value(form)
    value, x_lp = lp_bound(form, TimeBudget(None))
    assert value >= truth - 1e-7
    for take in (greedy_rounding(form, x_lp), round_lp(form, x_lp, TimeBudget(None))):
        assert form.feasible(take.astype(float))
        assert form.value(take.astype(float)) <= truth + 1e-9
    # components solved as MILPs: the rounding of an LP point is the optimum among points that keep
    # the LP's whole contacts; at least as good as the greedy one
    assert form.value(round_lp(form, x_lp, TimeBudget(None)).astype(float)) >= \
        form.value(greedy_rounding(form, x_lp).astype(float)) - 1e-9


def max_data(seed: int, *extra) -> tuple:
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=40, n_stations=6, n_providers=3)
    constraints = [S.StationContactExclusion(), S.SatelliteContactExclusion(), S.MaxProviders(count=2), *extra]
    return contacts, Problem(S.MaxMissionData(), constraints, stations, providers, satellites)


def test_packing_form_only_for_pure_packing_models():
    contacts, problem = max_data(3)
    data = ModelData.from_problem(contacts, problem)
    kept = [s for s in problem.constraints if not isinstance(s, S.MaxProviders)]
    assert packing_form(build_model(data, problem.objective, kept)) is not None
    cost = build_model(data, S.MinMissionCost(), [*kept, S.MinContactsPerPeriod(count=1, window_s=86_400.0)])
    assert packing_form(cost) is None  # minimized, covering rows, y/z/w columns
    required = build_model(data, problem.objective, [*kept, S.StationCount(min_count=2)])
    assert packing_form(required) is None  # a >= row on stations


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_provider_sets_with_lp_bounds_match_the_milp_decomposition(seed, monkeypatch):
    contacts, problem = max_data(seed)
    with_lp = optimize(contacts, problem, decompose=True, diagnose=False, rel_gap=0.0)
    monkeypatch.setattr(decompose, "LP_BOUNDS", False)
    milps = optimize(contacts, problem, decompose=True, diagnose=False, rel_gap=0.0)
    assert with_lp.status is milps.status is Status.OPTIMAL
    assert with_lp.objective == pytest.approx(milps.objective, rel=1e-6)
    assert with_lp.bound >= with_lp.objective - 1e-6 * abs(with_lp.objective)
    assert "LP bound" in with_lp.message and verify(with_lp, contacts, problem) == []


def test_lp_bounds_certify_within_a_loose_gap_without_milps():
    contacts, problem = max_data(7)
    loose = optimize(contacts, problem, decompose=True, diagnose=False, rel_gap=0.5)
    exact = optimize(contacts, problem, decompose=False, diagnose=False, rel_gap=0.0)
    assert loose.status is Status.OPTIMAL and loose.gap <= 0.5 and "0 MILP(s)" in loose.message
    assert loose.bound >= exact.objective * (1 - 1e-9) and loose.objective <= exact.objective * (1 + 1e-9)
    assert verify(loose, contacts, problem) == []
