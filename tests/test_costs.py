"""The one cost function under both cost models: hand-computed costs, the verifier, brute force.

``cost_model="gstk"`` is formulation §5; ``"reference-2025"`` reproduces the reference
implementation's two pitfalls of formulation §9 on purpose (per-minute prices times seconds
in the objective and the cap; monthly costs weighted by M / T_sim).  Whatever the model, the
objective, the cap (10), the solution's report and the verifier must agree.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from bruteforce import brute_force
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.errors import GstkError
from gstk.problem import specs as S
from gstk.problem.costs import (
    COST_MODELS,
    check_cost_model,
    contact_cost_usd,
    mission_cost_breakdown_usd,
    monthly_operational_cost_from_terms_usd,
    monthly_weight,
)
from gstk.problem.definition import Problem
from gstk.scenario.files import Scenario
from gstk.solution.result import Solution, Status
from gstk.solve.api import optimize
from gstk.study.baselines import monthly_operational_cost_usd
from gstk.study.settings import StudySettings
from gstk.verification.report import verify

#: Money: one cent, the smallest amount a bill shows; hand-computed totals are exact to far below it.
ONE_CENT = 0.01
START = pd.Timestamp("2025-03-11", tz="UTC")
DAY_S = 86_400.0
#: mu, seconds per mean month (formulation §1), written out rather than imported.
MU_S = 365.25 * 86_400 / 12


# --------------------------------------------------------------------------- a tiny hand-priced instance
def tiny_problem(cost_model: str, constraints=()) -> tuple[pd.DataFrame, Problem]:
    """One provider with a per-pass station S1 and a per-minute station S2, one satellite, one day."""
    stations = pd.DataFrame({
        "station_id": ["P/S1", "P/S2"], "provider": ["P", "P"], "setup_cost_usd": [20_000.0, 30_000.0],
        "monthly_cost_usd": [1_000.0, 500.0], "licence_cost_usd": [2_000.0, 3_000.0],
        "pass_cost_usd": [50.0, 0.0], "minute_cost_usd": [0.0, 10.0], "rate_bps": [1e9, 1e9], "antennas": [1, 1]})
    providers = pd.DataFrame({"provider": ["P"], "integration_cost_usd": [100_000.0]})
    satellites = pd.DataFrame({"satellite_id": ["K"], "rate_bps": [1e9]})
    contacts = pd.DataFrame({
        "satellite_id": ["K", "K"], "station_id": ["P/S1", "P/S2"],
        "aos": [START + pd.Timedelta(seconds=1_000), START + pd.Timedelta(seconds=5_000)],
        "los": [START + pd.Timedelta(seconds=1_600), START + pd.Timedelta(seconds=5_300)]})
    contacts.attrs.update(start=START, end=START + pd.Timedelta(days=1))
    problem = Problem(S.MaxMissionData(), tuple(constraints), stations, providers, satellites,
                      mission_days=365.0, cost_model=cost_model)
    return contacts, problem


def hand_costs(cost_model: str) -> dict[str, float]:
    """The terms of (2) and the left side of (10) for taking both contacts, by hand.

    kappa_1 = 50 (per pass, 600 s); kappa_2 = 10 $/min x 300 s = 50 (gstk) or 10 x 300 = 3000 (reference).
    """
    months = 365 * DAY_S / MU_S
    kappa = 50.0 + (10.0 * 300.0 / 60.0 if cost_model == "gstk" else 10.0 * 300.0)
    weight = months if cost_model == "gstk" else months / DAY_S
    return {"integration": 100_000.0, "setup": 50_000.0, "monthly": weight * 1_500.0, "licence": 5_000.0,
            "contacts": 365.0 * kappa,
            "total": 155_000.0 + weight * 1_500.0 + 365.0 * kappa,
            "monthly_operational": 1_500.0 + MU_S / DAY_S * kappa}


@pytest.mark.parametrize("cost_model", COST_MODELS)
def test_hand_computed_costs_of_a_tiny_selection(cost_model):
    contacts, problem = tiny_problem(cost_model)
    solution = optimize(contacts, problem, time_limit_s=30)
    assert solution.status is Status.OPTIMAL and len(solution.contacts) == 2
    assert solution.cost_model == cost_model
    expected = hand_costs(cost_model)
    for term in ("integration", "setup", "monthly", "licence", "contacts", "total"):
        assert solution.cost_breakdown[term] == pytest.approx(expected[term], abs=ONE_CENT), term
    assert monthly_operational_cost_usd(solution) == pytest.approx(expected["monthly_operational"], abs=ONE_CENT)
    per_contact = solution.contacts.set_index("station_id")["cost_usd"]
    assert per_contact["P/S2"] == pytest.approx(50.0 if cost_model == "gstk" else 3_000.0)
    assert verify(solution, contacts, problem) == []


def test_the_two_models_differ_exactly_by_the_two_pitfalls():
    gstk, reference = hand_costs("gstk"), hand_costs("reference-2025")
    assert reference["monthly"] == pytest.approx(gstk["monthly"] / DAY_S)          # divided by T_sim again
    assert reference["contacts"] - 365 * 50 == pytest.approx(60 * (gstk["contacts"] - 365 * 50))  # x 60
    assert float(contact_cost_usd(0.0, 10.0, 300.0, "reference-2025")) == 60 * float(contact_cost_usd(0.0, 10.0, 300.0))
    assert monthly_weight(365 * DAY_S, 7 * DAY_S, "reference-2025") * 7 * DAY_S == pytest.approx(
        monthly_weight(365 * DAY_S, 7 * DAY_S))


@pytest.mark.parametrize("cost_model", COST_MODELS)
def test_the_cap_binds_on_the_model_the_solve_used(cost_model):
    """Cap (10) of 5 000 USD/month: both contacts cost 1500 + 30.4 x 100 = 4 544 USD/month under gstk,
    but 1500 + 30.4 x 3050 = 94 334 under the reference model, which keeps only S1 (1000 + 30.4 x 50)."""
    contacts, problem = tiny_problem(cost_model, (S.MaxMonthlyCost(usd=5_000.0),))
    solution = optimize(contacts, problem, time_limit_s=30)
    assert verify(solution, contacts, problem) == []
    assert monthly_operational_cost_usd(solution) <= 5_000.0 + ONE_CENT
    expected = {"P/S1", "P/S2"} if cost_model == "gstk" else {"P/S1"}
    assert set(solution.contacts["station_id"]) == expected


def test_verifier_flags_a_solution_priced_with_another_model():
    contacts, reference = tiny_problem("reference-2025")
    solution = optimize(contacts, reference, time_limit_s=30)
    _, gstk_problem = tiny_problem("gstk")
    messages = [v.message for v in verify(solution, contacts, gstk_problem)]
    assert any("cost model 'reference-2025'" in m and "'gstk'" in m for m in messages)
    assert any("cost term 'contacts'" in m for m in messages)
    relabelled = dataclasses.replace(solution, cost_model="gstk")
    messages = [v.message for v in verify(relabelled, contacts, reference)]
    assert any("cost model 'gstk'" in m for m in messages)


def test_solution_json_keeps_its_cost_model():
    contacts, problem = tiny_problem("reference-2025")
    solution = optimize(contacts, problem, time_limit_s=30)
    again = Solution.from_json(solution.to_json())
    assert again.cost_model == "reference-2025" and again == solution
    assert "costed reference-2025" in repr(solution)
    assert solution.summary()["cost_model"] == "reference-2025"


def test_unknown_cost_model_is_a_one_line_error_listing_the_choices():
    for make in (lambda: check_cost_model("paper"), lambda: tiny_problem("paper"),
                 lambda: StudySettings(cost_model="paper"),
                 lambda: Scenario.from_dict({"window": {"start": "2025-03-11", "days": 1},
                                             "satellites": {"demo": True}, "cost_model": "paper"})):
        with pytest.raises(GstkError) as info:
            make()
        text = str(info.value)
        assert "\n" not in text and "'paper'" in text and "'gstk'" in text and "'reference-2025'" in text


def test_scenario_and_settings_carry_the_cost_model():
    scenario = Scenario.from_dict({"window": {"start": "2025-03-11", "days": 1}, "satellites": {"demo": True},
                                   "cost_model": "reference-2025"})
    assert scenario.to_dict()["cost_model"] == "reference-2025"
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert "cost_model" not in Scenario.from_dict({"window": {"start": "2025-03-11", "days": 1},
                                                   "satellites": {"demo": True}}).to_dict()
    assert scenario.problem().cost_model == "reference-2025"
    assert StudySettings().key() == StudySettings(cost_model="gstk").key()  # old result files stay valid
    assert StudySettings().key() != StudySettings(cost_model="reference-2025").key()


def test_monthly_operational_cost_from_terms_matches_the_selection_form():
    rng = np.random.default_rng(3)
    monthly, kappa = rng.uniform(200, 5000, 4), rng.uniform(10, 3000, 9)
    y, x = rng.random(4) < 0.5, rng.random(9) < 0.5
    for model in COST_MODELS:
        terms = mission_cost_breakdown_usd(
            integration_cost_usd=np.zeros(1), providers_used=np.zeros(1), setup_cost_usd=np.zeros(4),
            monthly_cost_usd=monthly, stations_used=y.astype(float), licence_cost_usd_per_pair=np.zeros(0),
            pairs_used=np.zeros(0), contact_cost=kappa, contacts_taken=x.astype(float),
            mission_duration_s=365 * DAY_S, sim_duration_s=7 * DAY_S, cost_model=model)
        direct = monthly[y].sum() + MU_S / (7 * DAY_S) * kappa[x].sum()
        assert monthly_operational_cost_from_terms_usd(terms, mission_duration_s=365 * DAY_S,
                                                       sim_duration_s=7 * DAY_S, cost_model=model) == \
            pytest.approx(direct, rel=1e-12)


# --------------------------------------------------------------------------- brute force under the reference model
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), objective=st.sampled_from(["min_cost", "max_data"]),
       u=st.sampled_from([0.3, 0.6, 0.9]))
def test_optimizer_matches_brute_force_under_the_reference_model(seed, objective, u):
    contacts, stations, providers, satellites = random_instance(seed, n_satellites=2, n_stations=3, n_providers=2,
                                                                n_contacts=10)
    stations = stations.assign(pass_cost_usd=[0.0, 60.0, 0.0], minute_cost_usd=[12.0, 0.0, 30.0])
    everything = Problem(S.MaxMissionData(), (), stations, providers, satellites, cost_model="reference-2025")
    total = optimize(contacts, everything, time_limit_s=30)
    if objective == "max_data":  # cap at a fraction u of what taking everything costs per month
        spec = (S.MaxMonthlyCost(usd=u * monthly_operational_cost_usd(total)),)
        problem = everything.with_changes(constraints=(S.StationContactExclusion(), *spec))
    else:  # a floor at a fraction u of the whole window's volume per satellite
        floor = u * min(total.data_by_satellite.values()) / 365.0
        problem = everything.with_changes(objective=S.MinMissionCost(), constraints=(
            S.StationContactExclusion(), S.MinSatelliteDownlink(volume_bit=floor, window_s=DAY_S, step_s=DAY_S)))
    truth = brute_force(contacts, problem)
    solution = optimize(contacts, problem, time_limit_s=30, rel_gap=1e-9)
    assert solution.status.has_solution == truth.feasible
    if truth.feasible:
        assert solution.cost_model == "reference-2025"
        assert solution.objective == pytest.approx(truth.objective, rel=1e-6, abs=ONE_CENT)
        assert verify(solution, contacts, problem) == []
