"""Tests of gstk.verify: hand-computed recomputation, one planted violation per check,
tampered solutions, and solver solutions passing with the model objective reproduced."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.model.build import build_model
from gstk.model.data import ModelData
from gstk.problem import specs as S
from gstk.problem.costs import mission_months, surrogate_scale
from gstk.problem.definition import Problem
from gstk.problem.window import contact_keys
from gstk.solution.result import Solution, Status
from gstk.solve.api import optimize, solve
from gstk.units import SECONDS_PER_MONTH
from gstk.verification.data import (
    ONE_CENT,
    ONE_MILLISECOND,
    Violation,
    max_gap_s,
    open_contacts_at_start,
    verification_data,
)
from gstk.verification.report import (
    VerificationReport,
    format_violations,
    verification_report,
    verify,
    verify_selection,
)

START = pd.Timestamp("2025-01-01T00:00:00Z")
T_SIM = 10_000.0
RHO = surrogate_scale(365 * 86_400.0, T_SIM)
MONTHS = mission_months(365 * 86_400.0)

#             satellite station    aos     los    (hand-made: v_c, kappa_c in the comments)
HAND = [
    ("S1", "A/One",   100.0,  400.0),  # c0: r = min(2e9, 1.5e9), v = 4.5e11, kappa = 5 (per pass)
    ("S1", "A/Two",  1000.0, 1600.0),  # c1: r = 1e9, v = 6e11, kappa = 6 $/min x 10 min = 60
    ("S2", "A/Two",  1200.0, 1500.0),  # c2: r = 1e9, v = 3e11, kappa = 30 (overlaps c1; A/Two has 2 antennas)
    ("S2", "B/Three", 5000.0, 5500.0),  # c3: r = min(3e9, 2.5e9), v = 1.25e12, kappa = 7
    ("S1", "B/Three", 5400.0, 5600.0),  # c4: r = 1.5e9, v = 3e11, kappa = 7 (overlaps c3 at a 1-antenna site)
    ("S2", "A/One",  9000.0, 9900.0),  # c5: r = 2e9, v = 1.8e12, kappa = 5
    ("S1", "A/One",  8000.0, 8100.0),  # c6: 100 s, r = 1.5e9, v = 1.5e11, kappa = 5
    ("S1", "A/Two",  5300.0, 5450.0),  # c7: r = 1e9, v = 1.5e11, kappa = 15 (S1 overlaps c4)
    ("S1", "A/One",   400.0, 1000.0),  # c8: touches c0 and c1 (b == a): no overlap
    ("S1", "A/One",  5350.0, 5420.0),  # c9: S1 now has three simultaneous contacts (c4, c7, c9)
]


def hand_tables(status=("Operational",) * 3):
    stations = pd.DataFrame({
        "station_id": ["A/One", "A/Two", "B/Three"], "provider": ["A", "A", "B"],
        "setup_cost_usd": [1000.0, 2000.0, 3000.0], "monthly_cost_usd": [100.0, 200.0, 300.0],
        "licence_cost_usd": [10.0, 20.0, 30.0], "pass_cost_usd": [5.0, 0.0, 7.0],
        "minute_cost_usd": [0.0, 6.0, 0.0], "rate_bps": [2e9, 1e9, 3e9], "antennas": [1, 2, 1],
        "status": list(status), "bands": ["S;X", "S", "S;X"],
    })
    providers = pd.DataFrame({"provider": ["A", "B"], "integration_cost_usd": [50_000.0, 70_000.0]})
    satellites = pd.DataFrame({"satellite_id": ["S1", "S2"], "rate_bps": [1.5e9, 2.5e9]})
    contacts = pd.DataFrame({
        "satellite_id": [c[0] for c in HAND], "station_id": [c[1] for c in HAND],
        "provider": [c[1].split("/")[0] for c in HAND],
        "aos": START + pd.to_timedelta([c[2] for c in HAND], unit="s"),
        "los": START + pd.to_timedelta([c[3] for c in HAND], unit="s"),
        "duration_s": [c[3] - c[2] for c in HAND],
    })
    contacts.attrs.update(start=START, end=START + pd.Timedelta(seconds=T_SIM))
    return contacts, stations, providers, satellites


def hand_problem(objective=S.MinMissionCost(), constraints=(), **kw):
    contacts, stations, providers, satellites = hand_tables(**kw)
    return contacts, Problem(objective, tuple(constraints), stations, providers, satellites)


def checks(violations):
    return sorted({v.check for v in violations})


def solution_for(contacts, problem, rows, *, status=Status.OPTIMAL):
    """Return the gstk Solution of taking raw rows ``rows`` (built by the model-side code)."""
    data = ModelData.from_problem(contacts, problem)
    wanted = set(contact_keys(contacts.iloc[list(rows)]))
    x = data.contacts["contact_id"].isin(wanted).to_numpy()
    objective = problem.objective
    boundary = getattr(objective, "include_boundary", True)
    return Solution.from_selection(data, x, status=status, objective_name=objective.builder,
                                   sense=objective.sense, include_boundary=boundary)


# --------------------------------------------------------------------------- recomputation by hand
def test_recomputed_objectives_match_hand_arithmetic():
    contacts, problem = hand_problem()
    taken = [0, 1, 3]
    cost, violations = verify_selection(taken, contacts, problem)
    assert violations == []
    expected = (50_000 + 70_000) + (1000 + 2000 + 3000) + MONTHS * (100 + 200 + 300) + (10 + 20 + 30) \
        + RHO * (5 + 60 + 7)
    assert cost == pytest.approx(expected, abs=ONE_CENT)
    data, _ = verify_selection(taken, contacts, problem.with_changes(objective=S.MaxMissionData()))
    assert data == pytest.approx(RHO * (4.5e11 + 6e11 + 1.25e12), rel=1e-12)
    gap, _ = verify_selection(taken, contacts, problem.with_changes(objective=S.MinMaxGap()))
    assert gap == pytest.approx(T_SIM - 1600.0)  # S1: last LOS 1600 -> end of window
    gap, _ = verify_selection(taken, contacts, problem.with_changes(objective=S.MinMaxGap(include_boundary=False)))
    assert gap == pytest.approx(1000.0 - 400.0)  # S1 between c0 and c1; S2 has one contact -> 0
    assert verify_selection([], contacts, problem) == (0.0, [])  # nothing taken, nothing paid
    assert verify_selection([], contacts, problem.with_changes(objective=S.MinMaxGap()))[0] == T_SIM


def test_monthly_cost_cap_is_recomputed_from_mean_month():
    contacts, problem = hand_problem(constraints=[S.MaxMonthlyCost(usd=19_000.0)])
    monthly = 600.0 + SECONDS_PER_MONTH / T_SIM * (5 + 60 + 7)
    _, violations = verify_selection([0, 1, 3], contacts, problem)
    assert checks(violations) == ["max_monthly_cost"]
    assert violations[0].amount == pytest.approx(monthly - 19_000.0)
    ok = problem.with_changes(constraints=(S.MaxMonthlyCost(usd=monthly + 1.0),))
    assert verify_selection([0, 1, 3], contacts, ok)[1] == []


def test_selection_by_mask_ids_and_positions_agree():
    contacts, problem = hand_problem()
    ids = list(contact_keys(contacts.iloc[[0, 3]]))
    mask = np.zeros(len(contacts), bool)
    mask[[0, 3]] = True
    values = {verify_selection(t, contacts, problem)[0] for t in (mask, [0, 3], ids)}
    assert len(values) == 1
    _, violations = verify_selection(["S9|A/One|2025-01-01T00:00:00.000000Z"], contacts, problem)
    assert checks(violations) == ["unknown_contact"]


# --------------------------------------------------------------------------- planted violations
PLANTED = [
    # (constraint, violating selection, satisfying selection)
    (S.MinConstellationDownlink(window_s=5000, step_s=5000, volume_bit=1.2e12), [0, 1, 3], [0, 1, 2, 3]),
    (S.MinSatelliteDownlink(window_s=5000, step_s=5000, volume_bit=1e11), [0, 1, 3], [0, 2, 4, 5]),
    (S.MaxMonthlyCost(usd=2_000.0), [0, 5], [0]),  # 100 + mu/T 10 > 2000 > 100 + mu/T 5
    (S.StationContactExclusion(), [3, 4], [1, 2, 3]),
    (S.StationContactExclusion(form="pairwise"), [3, 4], [0, 8]),
    (S.SatelliteContactExclusion(), [4, 7], [0, 8, 1]),
    (S.SatelliteContactExclusion(max_links=2), [4, 7, 9], [4, 7, 3]),
    (S.MaxContactGap(gap_s=5000.0), [0, 1, 3], [0, 1, 4, 3, 5, 6]),
    (S.MaxContactGap(gap_s=500.0, include_boundary=False), [0, 6], [0, 8, 1]),
    (S.MaxProviders(count=1), [0, 3], [0, 1, 5]),
    (S.MinContactsPerPeriod(window_s=5000, step_s=5000, count=1), [0, 1, 3], [0, 2, 4, 5]),
    (S.RequiredProvider(provider="B"), [0], [3]),
    (S.RequiredStation(station_id="A/Two"), [0], [1]),
    (S.StationCount(min_count=2, max_count=2), [0], [0, 1]),
    (S.StationCount(min_count=2, max_count=2), [0, 1, 3], [0, 3]),
    (S.MaxAntennaUtilization(fraction=0.05), [0, 5], [0, 6]),
]


@pytest.mark.parametrize("spec, bad, good", PLANTED, ids=lambda p: getattr(p, "builder", None))
def test_planted_constraint_violation_is_caught(spec, bad, good):
    contacts, problem = hand_problem(constraints=[spec])
    _, violations = verify_selection(bad, contacts, problem)
    assert checks(violations) == [spec.builder]
    assert all(v.amount > 0 and v.message for v in violations)
    assert verify_selection(good, contacts, problem)[1] == []


@pytest.mark.parametrize("prefilter, kw, bad, good", [
    (S.MinContactDuration(duration_s=150.0), {}, [6], [0]),
    (S.AllowedProviders(providers=("A",)), {}, [3], [0, 1]),
    (S.RequiredBands(bands=("X",)), {}, [1], [0, 3]),
    (S.StationStatus(statuses=("Operational", "Planned")), {"status": ("Operational", "Potential", "Planned")},
     [1], [3]),
    (None, {"status": ("Operational", "Operational", "Planned")}, [3], [0]),  # default: operational only
])
def test_planted_prefilter_violation_is_caught(prefilter, kw, bad, good):
    contacts, problem = hand_problem(constraints=[prefilter] if prefilter else [], **kw)
    _, violations = verify_selection(bad, contacts, problem)
    assert checks(violations) == ["prefilter"]
    assert verify_selection(good, contacts, problem)[1] == []


def test_touching_contacts_do_not_overlap():
    contacts, problem = hand_problem(constraints=[S.StationContactExclusion(), S.SatelliteContactExclusion()])
    assert verify_selection([0, 8, 1], contacts, problem)[1] == []  # [100,400] [400,1000] [1000,1600]


# --------------------------------------------------------------------------- tampered solutions
def tamper_cases():
    c, p = hand_problem()
    base = solution_for(c, p, [0, 1, 3])
    extra = solution_for(c, p, [0, 1, 3, 4]).contacts
    fake = base.contacts.copy()
    fake.loc[0, "aos"] += pd.Timedelta(seconds=1)
    longer = base.contacts.copy()
    longer.loc[0, "los"] += pd.Timedelta(seconds=30)
    costly = dict(base.cost_breakdown, licence=base.cost_breakdown["licence"] + 100.0)
    return [
        ("objective", dict(objective=base.objective * 1.01)),
        ("objective", dict(objective=math.nan)),
        ("objective", dict(cost_breakdown=costly)),
        ("objective", dict(data_by_satellite={**base.data_by_satellite, "S1": 0.0})),
        ("objective", dict(max_gap_by_satellite_s={**base.max_gap_by_satellite_s, "S2": 1.0})),
        ("objective", dict(objective_name="max_mission_data")),
        ("linking", dict(selected_stations=("A/One", "A/Two"))),  # drops B/Three but keeps its contact
        ("linking", dict(selected_providers=("A",))),
        ("linking", dict(selected_providers=("A", "B", "Z"))),
        ("unknown_contact", dict(contacts=fake)),
        ("unknown_contact", dict(contacts=longer)),
        ("unknown_contact", dict(contacts=pd.concat([base.contacts, base.contacts.iloc[[0]]], ignore_index=True))),
        ("station_contact_exclusion", dict(contacts=extra)),
    ]


@pytest.mark.parametrize("check, changes", tamper_cases(), ids=lambda v: v if isinstance(v, str) else None)
def test_tampered_solution_is_caught(check, changes):
    contacts, problem = hand_problem(constraints=[S.StationContactExclusion()])
    solution = dataclasses.replace(solution_for(contacts, problem, [0, 1, 3]), **changes)
    assert check in checks(verify(solution, contacts, problem))


def test_idle_station_is_caught():
    contacts, problem = hand_problem()
    solution = solution_for(contacts, problem, [0, 3])
    idle = dataclasses.replace(solution, selected_stations=solution.selected_stations + ("A/Two",))
    violations = verify(idle, contacts, problem)
    assert any(v.check == "linking" and "A/Two" in v.message for v in violations)


def test_untampered_solution_passes_and_survives_json():
    contacts, problem = hand_problem(constraints=[S.StationContactExclusion(), S.MaxContactGap(gap_s=9000.0)])
    solution = solution_for(contacts, problem, [0, 1, 3, 5])
    assert verify(solution, contacts, problem) == []
    assert verify(Solution.from_json(solution.to_json()), contacts, problem) == []


def test_solution_without_incumbent_claims_nothing():
    contacts, problem = hand_problem()
    data = ModelData.from_problem(contacts, problem)
    empty = Solution.from_selection(data, None, status=Status.INFEASIBLE, objective_name="min_mission_cost",
                                    sense="min")
    assert verify(empty, contacts, problem) == []


def test_report_formats_violations():
    contacts, problem = hand_problem(constraints=[S.MaxProviders(count=1)])
    solution = solution_for(contacts, problem, [0, 3])
    report = verification_report(solution, contacts, problem)
    assert isinstance(report, VerificationReport) and not report.ok
    assert report.objective == pytest.approx(solution.objective)
    assert list(report.to_frame()["check"]) == ["max_providers"]
    assert "[max_providers] 2 providers used > 1" in str(report)
    with pytest.raises(Exception, match="max_providers"):
        report.raise_for_violations()
    assert format_violations([]) == "verified: no violations"
    assert str(Violation("linking", "x", 1.0)) == "[linking] x"


# --------------------------------------------------------------------------- helpers vs definitions
intervals = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), min_size=0, max_size=12)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(intervals)
def test_open_contacts_equals_largest_pairwise_overlapping_set(pairs):
    a = np.array([p[0] for p in pairs], float)
    b = a + np.array([p[1] for p in pairs], float)
    n = len(a)
    overlap = (a[:, None] < b[None, :]) & (a[None, :] < b[:, None]) & (b > a)[:, None] & (b > a)[None, :]
    best = 0
    for mask in range(1 << n):  # brute-force maximum clique
        members = [i for i in range(n) if mask >> i & 1]
        if all(overlap[i, j] for i in members for j in members if i < j):
            best = max(best, len(members))
    assert max(open_contacts_at_start(a, b), default=0) == best


@settings(max_examples=200, deadline=None, derandomize=True)
@given(intervals, st.booleans())
def test_max_gap_follows_the_contract_definition(pairs, boundary):
    a = np.array([p[0] for p in pairs], float)
    b = a + np.array([p[1] for p in pairs], float)
    T = 60.0
    gaps = []
    for i in range(len(a)):  # successor: the first taken contact with a strictly later AOS
        later = [a[j] for j in range(len(a)) if a[j] > a[i]]
        if later:
            gaps.append(min(later) - b[i])
    if boundary:
        gaps += [a.min(), T - b.max()] if len(a) else [T]
    assert max_gap_s(a, b, T, include_boundary=boundary) == pytest.approx(max([0.0, *gaps]))


def test_verification_data_indexes_raw_rows_independently():
    contacts, problem = hand_problem(constraints=[S.MinContactDuration(duration_s=150.0)])
    data = verification_data(contacts.iloc[::-1], problem)  # input order is kept, not re-sorted
    assert list(data.contacts["satellite_id"]) == [c[0] for c in HAND[::-1]]
    assert data.eligible.tolist() == [c[3] - c[2] >= 150 for c in HAND[::-1]]
    assert data.sim_duration_s == T_SIM
    assert np.allclose(data.volume_bit[::-1][:4], [4.5e11, 6e11, 3e11, 1.25e12])
    assert np.allclose(data.contact_cost_usd[::-1][:4], [5, 60, 30, 7])


# --------------------------------------------------------------------------- solver solutions
SOLVED = [
    (S.MinMissionCost(), [S.MinSatelliteDownlink(window_s=43_200, step_s=21_600, volume_bit=2e11),
                          S.StationContactExclusion()]),
    (S.MaxMissionData(), [S.MaxMonthlyCost(usd=20_000.0), S.SatelliteContactExclusion()]),
    (S.MinMaxGap(), [S.MaxProviders(count=1), S.StationContactExclusion()]),
    (S.MinMaxGap(include_boundary=False), [S.MinContactsPerPeriod(window_s=43_200, step_s=43_200, count=2)]),
]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("objective, constraints", SOLVED, ids=lambda v: getattr(v, "builder", None))
def test_solver_solutions_pass_verify(objective, constraints, seed):
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=30, n_satellites=2,
                                                                n_stations=5, n_providers=3)
    problem = Problem(objective, tuple(constraints), stations, providers, satellites)
    solution = optimize(contacts, problem)
    assert solution.status is Status.OPTIMAL, solution.message
    assert verify(solution, contacts, problem) == []


@pytest.mark.parametrize("objective, constraints", [
    *SOLVED[:2], (S.MinMaxGap(form="dense"), SOLVED[2][1]), (S.MinMaxGap(form="dense", include_boundary=False), []),
], ids=lambda v: getattr(v, "builder", None))
def test_model_objective_equals_verifier_recomputation(objective, constraints):
    """The solver's own objective value (model units scaled back) is the verifier's number."""
    contacts, stations, providers, satellites = random_instance(5, n_contacts=30, n_satellites=2,
                                                                n_stations=5, n_providers=3)
    problem = Problem(objective, tuple(constraints), stations, providers, satellites)
    model = build_model(ModelData.from_problem(contacts, problem), objective, problem.constraints)
    solution = solve(model)
    assert solution.status is Status.OPTIMAL, solution.message
    report = verification_report(solution, contacts, problem)
    assert report.ok, str(report)
    model_value = float(model.problem.value) * model.objective_scale
    tolerance = ONE_MILLISECOND if objective.builder == "min_max_gap" else 1e-6 * abs(report.objective)
    assert abs(model_value - report.objective) <= tolerance
