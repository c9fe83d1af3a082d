"""Tests of gstk.solution: gap definition, tables from a selection, reprs, JSON round trip."""
from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk.errors import SolveError
from gstk.model.data import ModelData
from gstk.problem import specs as S
from gstk.problem.definition import Problem
from gstk.solution.render import format_bits, format_usd
from gstk.solution.result import Solution, Status, relative_gap
from gstk.solution.tables import CONTACT_COLUMNS, max_gap_by_satellite_s, max_gap_s, selection_tables
from gstk.verification.report import verify

#: Bits: volumes are rate x duration products near 1e12; float sums of a few of them agree to ~1e-3 bit.
ONE_BIT = 1.0
#: Money: one cent.
ONE_CENT = 0.01

fast = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def naive_max_gap(aos, los, T, include_boundary):
    """The contract's gap definition, spelled out with loops (test oracle)."""
    taken = sorted(zip(aos, los))
    if not taken:
        return T if include_boundary else 0.0
    worst = 0.0
    for a_i, b_i in taken:
        later = [a for a, _ in taken if a > a_i]
        if later:
            worst = max(worst, min(later) - b_i)
    if include_boundary:
        worst = max(worst, taken[0][0], T - max(b for _, b in taken))
    return max(worst, 0.0)


def instance_data(seed=0, n_contacts=14, objective=None, constraints=(), **kwargs):
    contacts, stations, providers, satellites = random_instance(seed, n_contacts=n_contacts, **kwargs)
    problem = Problem(objective or S.MinMissionCost(), list(constraints), stations, providers, satellites)
    return contacts, problem, ModelData.from_problem(contacts, problem)


def hand_solution(**changes) -> Solution:
    """A Solution with round numbers, for pinned reprs."""
    dtypes = {"aos": "datetime64[ns, UTC]", "los": "datetime64[ns, UTC]"}
    contacts = pd.DataFrame({c: pd.Series([], dtype=dtypes.get(c, "str" if i < 4 else "float64"))
                             for i, c in enumerate(CONTACT_COLUMNS)})
    fields = dict(
        status=Status.OPTIMAL, objective_name="min_mission_cost", sense="min", objective=1_234_567.0,
        bound=1_234_567.0, gap=0.0, build_time_s=0.5, solve_time_s=1.25, n_variables=10, n_constraints=20,
        selected_providers=("A", "B", "C"), selected_stations=tuple(f"A/S{i}" for i in range(7)),
        contacts=contacts, cost_breakdown={"integration": 1e6, "setup": 234_567.0, "monthly": 0.0,
                                           "licence": 0.0, "contacts": 0.0, "total": 1_234_567.0},
        data_by_satellite={"S1": 3.6e13}, data_total_bit=3.6e13, contact_minutes_per_day={"S1": 30.0},
        max_gap_by_satellite_s={"S1": 5400.0}, sim_start=pd.Timestamp("2025-03-11T00:00:00Z"),
        sim_end=pd.Timestamp("2025-03-18T00:00:00Z"), mission_days=365.0, problem={}, message="",
    )
    fields.update(changes)
    return Solution(**fields)


# ----------------------------------------------------------------------------- gap definition
def test_max_gap_hand_examples():
    # contacts [100, 200] and [500, 600] in a 1000 s window
    a, b = np.array([100.0, 500.0]), np.array([200.0, 600.0])
    assert max_gap_s(a, b, 1000.0) == 400.0  # end gap 1000 - 600
    assert max_gap_s(a, b, 1000.0, include_boundary=False) == 300.0
    # nested: [0, 100] contains [10, 20]; successor of [0, 100] is [10, 20] (negative gap), of [10, 20] is 150
    a, b = np.array([0.0, 10.0, 150.0]), np.array([100.0, 20.0, 160.0])
    assert max_gap_s(a, b, 160.0) == 130.0
    # equal AOS share the successor; no taken contact: T with boundary gaps, 0 without
    assert max_gap_s(np.array([0.0, 0.0, 50.0]), np.array([10.0, 40.0, 60.0]), 60.0) == 40.0
    assert max_gap_s(np.array([]), np.array([]), 60.0) == 60.0
    assert max_gap_s(np.array([]), np.array([]), 60.0, include_boundary=False) == 0.0
    assert max_gap_s(np.array([5.0]), np.array([6.0]), 60.0, include_boundary=False) == 0.0


@fast
@given(st.lists(st.tuples(st.integers(0, 90), st.integers(0, 30)), max_size=8), st.booleans())
def test_max_gap_matches_naive_definition(windows, include_boundary):
    aos = np.array([float(a) for a, _ in windows])
    los = np.array([float(min(a + d, 100)) for a, d in windows])
    assert max_gap_s(aos, los, 100.0, include_boundary=include_boundary) == naive_max_gap(
        aos.tolist(), los.tolist(), 100.0, include_boundary)


def test_max_gap_by_satellite_splits_by_satellite():
    aos, los = np.array([0.0, 50.0, 10.0]), np.array([10.0, 60.0, 20.0])
    gaps = max_gap_by_satellite_s(aos, los, np.array([0, 0, 1]), 3, 100.0)
    assert gaps.tolist() == [40.0, 80.0, 100.0]


def test_relative_gap():
    assert relative_gap(100.0, 100.0) == 0.0
    assert relative_gap(100.0, 90.0) == pytest.approx(0.1)
    assert relative_gap(0.0, 5.0) == math.inf
    assert relative_gap(None, 5.0) is None and relative_gap(5.0, None) is None


# ----------------------------------------------------------------------------- tables from a selection
@fast
@given(st.integers(0, 10_000), st.integers(0, 2**16 - 1), st.booleans())
def test_selection_tables_agree_with_the_verifier(seed, bits, boundary):
    gap_spec = S.MaxContactGap(gap_s=1e9, include_boundary=boundary)
    contacts, problem, data = instance_data(seed, n_contacts=16, n_satellites=3, constraints=[gap_spec])
    x = ((bits >> np.arange(data.n_contacts)) & 1).astype(bool)
    sol = Solution.from_selection(data, x, status=Status.FEASIBLE, objective_name="min_mission_cost",
                                  sense="min", include_boundary=boundary)
    assert verify(sol, contacts, problem) == []
    costs = sol.cost_breakdown
    assert costs["total"] == pytest.approx(sum(v for k, v in costs.items() if k != "total"), abs=ONE_CENT)
    assert sol.objective == costs["total"]
    assert sol.data_total_bit == pytest.approx(sum(sol.data_by_satellite.values()), abs=ONE_BIT)
    assert len(sol.contacts) == int(x.sum())
    assert set(sol.selected_stations) == set(sol.contacts["station_id"])
    assert set(sol.selected_providers) == set(sol.contacts["provider"])
    minutes = sol.contacts.groupby("satellite_id")["duration_s"].sum() / 60 / (data.sim_duration_s / 86_400)
    for k in data.satellite_ids:
        assert sol.contact_minutes_per_day[k] == pytest.approx(minutes.get(k, 0.0))


def test_contacts_table_is_tidy():
    contacts, problem, data = instance_data(3, n_contacts=10)
    contacts["max_elevation_deg"] = np.linspace(10, 80, len(contacts))
    data = ModelData.from_problem(contacts, problem)
    tables = selection_tables(data, np.ones(data.n_contacts))
    table = tables["contacts"]
    assert list(table.columns[: len(CONTACT_COLUMNS)]) == list(CONTACT_COLUMNS)
    assert "max_elevation_deg" in table.columns
    assert str(table["aos"].dt.tz) == "UTC" and (table["los"] > table["aos"]).all()
    assert table.attrs["units"]["volume_bit"] == "bit" and table.attrs["units"]["cost_usd"] == "USD"
    assert np.allclose(table["volume_bit"], data.volume_bit) and np.allclose(table["cost_usd"], data.contact_cost_usd)


def test_objective_follows_the_objective_name():
    _, _, data = instance_data(1)
    x = np.ones(data.n_contacts, bool)
    data_sol = Solution.from_selection(data, x, status=Status.OPTIMAL, objective_name="max_mission_data",
                                       sense="max", bound=1e30)
    assert data_sol.objective == data_sol.data_total_bit
    assert data_sol.bound == 1e30 and data_sol.gap == pytest.approx(1e30 / data_sol.objective - 1)
    gap_sol = Solution.from_selection(data, x, status=Status.FEASIBLE, objective_name="min_max_gap", sense="min",
                                      bound=0.0)
    assert gap_sol.objective == max(gap_sol.max_gap_by_satellite_s.values()) > 0
    assert gap_sol.bound == 0.0 and gap_sol.gap == 1.0
    # a bound past the objective (float noise) is clamped to it
    clamped = Solution.from_selection(data, x, status=Status.OPTIMAL, objective_name="min_mission_cost",
                                      sense="min", bound=1e12)
    assert clamped.bound == clamped.objective and clamped.gap == 0.0


def test_no_selection_gives_empty_tables():
    _, _, data = instance_data(2)
    sol = Solution.from_selection(data, None, status=Status.INFEASIBLE, objective_name="min_mission_cost",
                                  sense="min", message="x")
    assert sol.objective is None and sol.gap is None and sol.contacts.empty
    assert list(sol.contacts.columns[: len(CONTACT_COLUMNS)]) == list(CONTACT_COLUMNS)
    assert sol.selected_stations == () and sol.cost_breakdown == {}
    assert sol.providers.empty and sol.stations.empty


def test_views():
    _, _, data = instance_data(4, n_contacts=20)
    sol = Solution.from_selection(data, np.ones(data.n_contacts, bool), status=Status.OPTIMAL,
                                  objective_name="min_mission_cost", sense="min")
    stations = sol.stations
    assert stations["station_id"].tolist() == list(sol.selected_stations)
    assert stations["n_contacts"].sum() == len(sol.contacts)
    assert sol.providers["n_stations"].sum() == len(sol.selected_stations)
    assert sol.satellites["satellite_id"].tolist() == list(data.satellite_ids)
    assert sol.cost_table["term"].tolist()[-1] == "total"


# ----------------------------------------------------------------------------- status, summary, reprs
def test_status_enum():
    assert Status.OPTIMAL.value == "OPTIMAL" and Status("FEASIBLE") is Status.FEASIBLE
    assert isinstance(Status.INFEASIBLE, str)
    assert [s.has_solution for s in Status] == [True, True, False, False, False, False]


def test_raise_for_status():
    ok = hand_solution()
    assert ok.raise_for_status() is ok
    assert hand_solution(status=Status.FEASIBLE).raise_for_status().status is Status.FEASIBLE
    for status in (Status.INFEASIBLE, Status.NO_SOLUTION, Status.UNBOUNDED, Status.ERROR):
        with pytest.raises(SolveError, match=status.value):
            hand_solution(status=status, message="why").raise_for_status()


def test_summary_is_one_flat_row():
    row = hand_solution().summary()
    frame = pd.DataFrame([row, row])
    assert len(frame) == 2 and frame["status"].tolist() == ["OPTIMAL", "OPTIMAL"]
    assert row["n_providers"] == 3 and row["n_stations"] == 7 and row["cost_total_usd"] == 1_234_567.0
    assert row["max_gap_s"] == 5400.0
    assert all(not isinstance(v, (dict, list, tuple, pd.DataFrame)) for v in row.values())


def test_repr_is_pinned():
    assert repr(hand_solution()) == "<Solution OPTIMAL cost=$1.23M data=4.5 TB gap=0.00% 3 providers 7 stations>"
    feasible = hand_solution(status=Status.FEASIBLE, gap=0.0123, selected_providers=("A",),
                             selected_stations=("A/S0",))
    assert repr(feasible) == "<Solution FEASIBLE cost=$1.23M data=4.5 TB gap=1.23% 1 provider 1 station>"
    gap = hand_solution(objective_name="min_max_gap", objective=5400.0, bound=5400.0)
    assert repr(gap) == ("<Solution OPTIMAL cost=$1.23M data=4.5 TB max_gap=1.50 h gap=0.00% "
                         "3 providers 7 stations>")
    bad = hand_solution(status=Status.INFEASIBLE, message="MinSatelliteDownlink (9) needs\nmore")
    assert repr(bad) == '<Solution INFEASIBLE min_mission_cost "MinSatelliteDownlink (9) needs more">'
    assert "\n" not in repr(hand_solution(status=Status.ERROR, message="a" * 300))


def test_formatting_helpers():
    assert format_usd(999.0) == "$999" and format_usd(45_600.0) == "$45.60k" and format_usd(2.5e9) == "$2.50B"
    assert format_bits(8e9 * 12.3) == "12.3 GB" and format_bits(None) == "n/a"
    assert format_bits(8e12 * 38_812.4) == "38,812 TB"


def test_repr_html_is_pinned():
    html = hand_solution()._repr_html_()
    assert html.startswith('<div class="gstk-solution">')
    assert 'class="gstk-status" style="background:#2e7d32' in html and ">OPTIMAL</span>" in html
    for cell in ("<th style='text-align:left'>objective value</th><td>$1.23M</td>",
                 "<th style='text-align:left'>relative gap</th><td>0.00%</td>",
                 "<th style='text-align:left'>variables / constraints / solves</th><td>10 / 20 / 1</td>",
                 "<h4>Cost breakdown</h4>", "<h4>Stations</h4>", "<h4>Contacts (0)</h4>"):
        assert cell in html
    bad = hand_solution(status=Status.INFEASIBLE, message="a < b")._repr_html_()
    assert "background:#c62828" in bad and "a &lt; b" in bad and "<h4>Stations</h4>" not in bad


# ----------------------------------------------------------------------------- JSON
def assert_same_solution(a: Solution, b: Solution):
    assert a == b
    pd.testing.assert_frame_equal(a.contacts, b.contacts)
    assert str(b.sim_start.tz) == "UTC" and str(b.sim_end.tz) == "UTC"


@fast
@given(st.integers(0, 10_000), st.integers(0, 2**12 - 1), st.sampled_from(list(Status)))
def test_json_round_trip(seed, bits, status):
    contacts, problem, data = instance_data(seed, n_contacts=12, constraints=[S.MaxMonthlyCost()])
    contacts["max_elevation_deg"] = np.arange(len(contacts), dtype=float)
    contacts["aos_clipped"] = np.arange(len(contacts)) % 2 == 0
    data = ModelData.from_problem(contacts, problem)
    x = ((bits >> np.arange(data.n_contacts)) & 1).astype(bool) if status.has_solution else None
    sol = Solution.from_selection(data, x, status=status, objective_name="max_mission_data", sense="max",
                                  bound=1e16, problem=problem.spec_dicts(), message="note", n_solves=3,
                                  solver_status="timelimit")
    text = sol.to_json()
    assert_same_solution(Solution.from_json(text), sol)
    record = json.loads(text)
    for key in ("status", "objective", "bound", "gap", "selected_providers", "selected_stations", "contacts",
                "cost_breakdown", "data_by_satellite", "max_gap_by_satellite_s"):
        assert key in record
    for row in record["contacts"]:
        assert {"satellite_id", "station_id", "aos", "los", "max_elevation_deg"} <= set(row)
        assert row["aos"].endswith("Z") and pd.Timestamp(row["aos"]) == pd.Timestamp(row["aos"]).tz_convert("UTC")


def test_json_file_and_nanoseconds(tmp_path):
    contacts, problem, data = instance_data(5, n_contacts=8)
    contacts["aos"] = contacts["aos"] + pd.Timedelta(nanoseconds=123)
    data = ModelData.from_problem(contacts, problem)
    sol = Solution.from_selection(data, np.ones(data.n_contacts, bool), status=Status.OPTIMAL,
                                  objective_name="min_mission_cost", sense="min")
    path = tmp_path / "sol.json"
    text = sol.to_json(path)
    assert path.read_text() == text
    back = Solution.from_json(path)
    assert_same_solution(back, sol)
    assert (back.contacts["aos"].dt.nanosecond == 123).all()


def _reject_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


def test_json_is_strict_and_keeps_non_finite_values():
    """Infinite spec values and gaps, NaN contact fields: strict JSON out, the same floats back."""
    constraints = [S.MaxMonthlyCost(), S.MaxContactGap(gap_s=86_400.0)]  # MaxMonthlyCost() is usd=inf
    contacts, problem, data = instance_data(3, n_contacts=6, constraints=constraints)
    contacts["max_elevation_deg"] = [np.nan, np.inf, -np.inf, 10.0, 20.0, 30.0][:len(contacts)]
    contacts["note"] = ["inf", "nan", "-inf", "x", "y", "z"][:len(contacts)]  # strings stay strings
    data = ModelData.from_problem(contacts, problem)
    sol = Solution.from_selection(data, np.ones(data.n_contacts, bool), status=Status.FEASIBLE,
                                  objective_name="min_max_gap", sense="min", bound=-math.inf,
                                  problem=problem.spec_dicts(), message="inf")
    sol = dataclasses.replace(sol, gap=math.inf, data_by_satellite={**sol.data_by_satellite, "ghost": -math.inf})
    assert math.isinf(sol.problem["constraints"][0]["usd"]) and math.isinf(sol.bound)

    text = sol.to_json()
    record = json.loads(text, parse_constant=_reject_constant)  # no Infinity/NaN tokens
    assert record["problem"]["constraints"][0] == {"type": "MaxMonthlyCost", "usd": "inf"}
    assert record["gap"] == "inf" and record["bound"] == "-inf" and record["data_by_satellite"]["ghost"] == "-inf"
    elevations = sol.contacts["max_elevation_deg"].tolist()
    assert np.isnan(elevations).any() and np.isinf(elevations).any()  # the case under test is there
    spelled = {math.inf: "inf", -math.inf: "-inf"}
    assert [r["max_elevation_deg"] for r in record["contacts"]] == [
        "nan" if math.isnan(v) else spelled.get(v, v) for v in elevations]

    back = Solution.from_json(text)
    assert_same_solution(back, sol)
    assert back.problem["constraints"][0]["usd"] == math.inf and back.gap == math.inf
    assert back.bound == -math.inf and back.data_by_satellite["ghost"] == -math.inf and back.message == "inf"
    assert back.contacts["note"].tolist() == sol.contacts["note"].tolist()
    assert {"inf", "nan"} & set(back.contacts["note"])
    assert [S.spec_from_dict(c) for c in back.problem["constraints"]] == constraints


def test_json_rejects_unknown_keys():
    record = json.loads(hand_solution().to_json())
    record["surprise"] = 1
    with pytest.raises(SolveError, match="surprise"):
        Solution.from_json(json.dumps(record))
