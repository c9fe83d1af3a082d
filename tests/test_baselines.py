"""One- and two-provider baselines: same model with the (20) prefilter, brute-force optima, summaries."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from bruteforce import brute_force
from hypothesis import given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.errors import GstkError, SolveError
from gstk.problem.definition import Problem
from gstk.problem.specs import (
    AllowedProviders,
    MaxMissionData,
    MaxMonthlyCost,
    MinMissionCost,
    MinSatelliteDownlink,
    SatelliteContactExclusion,
    StationContactExclusion,
    StationStatus,
)
from gstk.solution.result import Status
from gstk.study.baselines import (
    ALL_PROVIDERS,
    available_providers,
    baseline_solutions,
    baseline_table,
    best_solution,
    monthly_operational_cost_usd,
    provider_sets,
    restricted_problem,
    study_optimum,
    verified,
)
from gstk.study.summaries import (
    baseline_summary,
    comparison_ratios,
    comparison_summary,
    headline_ratios,
    solve_time_summary,
)

#: Ratios computed from the same rows agree to float rounding.
REL = 1e-12
#: Objectives agree to a thousandth of a cent / bit scale: brute force and SCIP evaluate the same sums.
REL_OBJECTIVE = 1e-6


def _problem(seed: int, objective, extra=(), *, n_providers: int = 3, n_contacts: int = 12):
    contacts, stations, providers, satellites = random_instance(seed, n_providers=n_providers, n_stations=6,
                                                                n_contacts=n_contacts)
    constraints = (StationContactExclusion(), SatelliteContactExclusion(), *extra)
    return contacts, Problem(objective, constraints, stations, providers, satellites, name=f"rand{seed}")


@given(st.sets(st.text(alphabet="ABCDEFGH", min_size=1, max_size=3), min_size=1, max_size=7))
def test_provider_sets_are_every_single_and_pair(names):
    sets = provider_sets(names)
    n = len(names)
    assert len(sets) == n + n * (n - 1) // 2
    assert len(set(sets)) == len(sets)
    assert all(tuple(sorted(s)) == s for s in sets)
    assert {s[0] for s in sets if len(s) == 1} == names


def test_provider_sets_rejects_bad_sizes():
    with pytest.raises(GstkError, match="sizes"):
        provider_sets(["A", "B"], sizes=(0,))


def test_restricted_problem_adds_prefilter_and_intersects_existing():
    _, problem = _problem(1, MaxMissionData(), (MaxMonthlyCost(usd=1e5),))
    restricted = restricted_problem(problem, ["P1"])
    allowed = [s for s in restricted.constraints if isinstance(s, AllowedProviders)]
    assert allowed == [AllowedProviders(providers=("P1",))]
    assert MaxMonthlyCost(usd=1e5) in restricted.constraints
    narrowed = problem.with_changes(constraints=(*problem.constraints, AllowedProviders(providers=("P0", "P1"))))
    twice = restricted_problem(narrowed, ["P1", "P2"])
    assert [s for s in twice.constraints if isinstance(s, AllowedProviders)] == [AllowedProviders(providers=("P1",))]


def test_available_providers_follows_station_status():
    _, problem = _problem(2, MaxMissionData())
    stations = problem.stations.copy()
    stations.loc[stations["provider"] == "P2", "status"] = "Decommissioned"
    problem = problem.with_changes(stations=stations)
    assert available_providers(problem) == ["P0", "P1"]
    both = problem.with_changes(constraints=(*problem.constraints,
                                             StationStatus(statuses=("Operational", "Decommissioned"))))
    assert available_providers(both) == ["P0", "P1", "P2"]


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_each_baseline_is_the_brute_force_optimum_of_its_restriction(seed):
    contacts, problem = _problem(seed, MaxMissionData(), (MaxMonthlyCost(usd=40_000),))
    solutions = baseline_solutions(contacts, problem)
    assert len(solutions) == 3 + 3
    for subset, solution in solutions.items():
        assert set(solution.selected_providers) <= set(subset)
        truth = brute_force(contacts, restricted_problem(problem, subset))
        assert solution.status is Status.OPTIMAL
        assert solution.objective == pytest.approx(truth.objective, rel=REL_OBJECTIVE, abs=1.0)


def test_min_cost_pairs_never_cost_more_than_their_members_and_optimum_beats_all():
    contacts, problem = _problem(6, MinMissionCost(), (MinSatelliteDownlink(volume_bit=2e11),), n_contacts=14)
    solutions = baseline_solutions(contacts, problem)
    optimum = study_optimum(contacts, problem, start_from=best_solution(solutions.values()))
    truth = brute_force(contacts, problem)
    assert optimum.objective == pytest.approx(truth.objective, rel=REL_OBJECTIVE)
    for subset, solution in solutions.items():
        if solution.status.has_solution:
            assert optimum.objective <= solution.objective * (1 + REL_OBJECTIVE)
        if len(subset) == 2:
            members = [solutions[(p,)] for p in subset if solutions[(p,)].status.has_solution]
            if members:
                assert solution.status.has_solution
                assert solution.objective <= min(m.objective for m in members) * (1 + REL_OBJECTIVE)


@pytest.mark.parametrize("seed", [6, 8, 9])
def test_pairs_holding_the_unrestricted_network_inherit_it_and_match_brute_force(seed):
    contacts, problem = _problem(seed, MinMissionCost(), (MinSatelliteDownlink(volume_bit=2e11),), n_contacts=14)
    optimum = study_optimum(contacts, problem)
    solutions = baseline_solutions(contacts, problem, sizes=(2,), unrestricted=optimum)
    inherited = [k for k, sol in solutions.items() if sol.n_solves == 0]
    if optimum.status.has_solution and len(optimum.selected_providers) <= 2:
        assert inherited, "a pair holds the unrestricted network's providers"
    for subset, solution in solutions.items():
        truth = brute_force(contacts, restricted_problem(problem, subset))
        assert solution.status.has_solution == (truth.objective is not None)
        if truth.objective is not None:
            assert solution.objective == pytest.approx(truth.objective, rel=REL_OBJECTIVE)
        if subset in inherited:
            assert set(optimum.selected_providers) <= set(subset)
            assert solution.solve_time_s == 0.0 and "no solve" in solution.message


def test_warm_start_does_not_change_the_optimum():
    contacts, problem = _problem(7, MaxMissionData(), (MaxMonthlyCost(usd=30_000),))
    start = study_optimum(contacts, restricted_problem(problem, ["P0"]))
    cold = study_optimum(contacts, problem)
    warm = study_optimum(contacts, problem, start_from=start)
    assert warm.objective == pytest.approx(cold.objective, rel=REL_OBJECTIVE)
    assert warm.objective >= start.objective * (1 - REL_OBJECTIVE)


def test_summary_counts_infeasible_baselines_and_averages_feasible_ones():
    # a downlink floor no single station of some providers can meet: those baselines are infeasible
    contacts, problem = _problem(8, MinMissionCost(), (MinSatelliteDownlink(volume_bit=8e11),), n_contacts=14)
    solutions = baseline_solutions(contacts, problem)
    table = baseline_table(solutions)
    summary = baseline_summary(table, "min").set_index("n_allowed")
    for size in (1, 2):
        rows = table[table["n_allowed"] == size]
        feasible = rows[rows["has_solution"]]
        assert summary.loc[size, "n_sets"] == len(rows)
        assert summary.loc[size, "n_feasible"] == len(feasible)
        assert summary.loc[size, "n_infeasible"] == int((rows["status"] == "INFEASIBLE").sum())
        if len(feasible):
            assert summary.loc[size, "best_objective"] == pytest.approx(feasible["objective"].min())
            assert summary.loc[size, "mean_cost_total_usd"] == pytest.approx(feasible["cost_total_usd"].mean())
    assert table["status"].isin(["OPTIMAL", "INFEASIBLE"]).all()
    assert (table["status"] == "INFEASIBLE").any(), "instance chosen so that some provider cannot meet D_min"


def test_summary_of_all_infeasible_is_nan_not_an_error():
    table = pd.DataFrame({"n_allowed": [1, 1], "status": ["INFEASIBLE", "NO_SOLUTION"],
                          "has_solution": [False, False], "objective": [math.nan] * 2, "allowed": ["A", "B"],
                          "cost_total_usd": [math.nan] * 2, "data_total_bit": [math.nan] * 2})
    row = baseline_summary(table, "max").iloc[0]
    assert (row["n_feasible"], row["n_infeasible"], row["n_unknown"]) == (0, 1, 1)
    assert math.isnan(row["best_objective"]) and row["best_allowed"] is None
    with pytest.raises(GstkError, match="sense"):
        baseline_summary(table, "up")


def test_monthly_cost_of_a_solution_is_within_its_cap():
    cap = 25_000.0
    contacts, problem = _problem(9, MaxMissionData(), (MaxMonthlyCost(usd=cap),))
    solution = study_optimum(contacts, problem)
    monthly = monthly_operational_cost_usd(solution)
    assert 0 < monthly <= cap * (1 + 1e-9)
    row = baseline_table({("P0", "P1", "P2"): solution}).iloc[0]
    assert row["monthly_cost_usd"] == pytest.approx(monthly)
    assert ALL_PROVIDERS == "all"


def test_a_tampered_solution_fails_loudly():
    contacts, problem = _problem(10, MaxMissionData(), (MaxMonthlyCost(usd=30_000),))
    solution = study_optimum(contacts, problem)
    forged = dataclasses.replace(solution, data_total_bit=solution.data_total_bit * 2 + 1e9,
                                 objective=solution.objective * 2 + 1e9)
    with pytest.raises(SolveError, match="verification"):
        verified(forged, contacts, problem)
    verified(solution, contacts, problem)  # the genuine one passes


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_optimum_is_at_least_every_max_data_baseline(seed):
    contacts, problem = _problem(seed, MaxMissionData(), (MaxMonthlyCost(usd=35_000),), n_contacts=10)
    solutions = baseline_solutions(contacts, problem)
    optimum = study_optimum(contacts, problem, start_from=best_solution(solutions.values()))
    assert all(optimum.objective >= s.objective * (1 - REL_OBJECTIVE) - 1.0 for s in solutions.values())
    assert np.isfinite(optimum.objective)


# --------------------------------------------------------------------------- optimized vs baselines
def _results_table():
    rows = []
    for trial, (opt_cost, opt_data) in enumerate([(100.0, 400.0), (90.0, 300.0)]):
        rows.append(dict(problem="max_data", sense="max", n_satellites=1, trial=trial, network="optimized", allowed="all",
                         n_allowed=math.nan, status="OPTIMAL", has_solution=True, objective=opt_data,
                         cost_total_usd=opt_cost, data_total_bit=opt_data, gap=0.0, solve_time_s=1.0))
        for allowed, status, cost, data in [("A", "OPTIMAL", 80.0, 100.0), ("B", "OPTIMAL", 60.0, 200.0),
                                            ("C", "INFEASIBLE", math.nan, math.nan)]:
            rows.append(dict(problem="max_data", sense="max", n_satellites=1, trial=trial, network="one_provider",
                             allowed=allowed,
                             n_allowed=1, status=status, has_solution=status == "OPTIMAL", objective=data,
                             cost_total_usd=cost, data_total_bit=data, gap=0.0, solve_time_s=0.1))
    return pd.DataFrame(rows)


def test_comparison_ratios_are_optimized_over_best_and_mean():
    ratios = comparison_ratios(_results_table()).set_index(["trial", "statistic"])
    best, mean = ratios.loc[(0, "best")], ratios.loc[(0, "mean")]
    assert best["data_ratio"] == pytest.approx(400 / 200, rel=REL)  # best = most data: B
    assert best["cost_ratio"] == pytest.approx(100 / 60, rel=REL)
    assert mean["data_ratio"] == pytest.approx(400 / 150, rel=REL)
    assert mean["cost_ratio"] == pytest.approx(100 / 70, rel=REL)
    assert (ratios["n_infeasible"] == 1).all() and (ratios["n_feasible"] == 2).all()
    assert (ratios["n_at_limit"] == 0).all()
    limited = _results_table()
    limited.loc[limited["allowed"] == "A", "status"] = "FEASIBLE"  # stopped by the time limit, still feasible
    again = comparison_ratios(limited)
    assert (again["n_at_limit"] == 1).all() and (again["n_feasible"] == 2).all()
    summary = comparison_summary(comparison_ratios(_results_table()))
    row = summary[summary["statistic"] == "best"].iloc[0]
    assert row["data_ratio_median"] == pytest.approx((2.0 + 1.5) / 2, rel=REL)
    assert row["n_trials"] == 2
    head = headline_ratios(summary)
    assert head.loc[head["statistic"] == "best", "data_change_pct"].iloc[0] == pytest.approx(75.0)


def test_solve_time_summary_counts_statuses():
    table = _results_table()
    table.loc[table["network"] == "optimized", "status"] = ["OPTIMAL", "FEASIBLE"]
    out = solve_time_summary(table).iloc[0]
    assert (out["n_trials"], out["n_optimal"], out["n_feasible_at_limit"]) == (2, 1, 1)
