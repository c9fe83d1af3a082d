"""Tests of gstk.study.trial_files and ``gstk study-trial``: a study trial written as a scenario file.

The round trip: the file, loaded and solved, reproduces the study's unit (same satellites, prices, contacts)
and the study's optimized row (same providers, stations and objective).
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import gstk
from gstk import study as ex
from gstk.cli import main
from gstk.datasets import shared_tle_path
from gstk.scenario.files import load_scenario
from gstk.seeds import unit_seeds
from gstk.solution.result import Solution, Status
from gstk.study.trial_files import STUDY_NOTEBOOK

needs_tle = pytest.mark.skipif(not shared_tle_path().exists(), reason="shared Celestrak snapshot not found")

#: Costs are sums of prices rounded to cents; the same network costs the same to well within a cent.
ONE_CENT = 0.01
#: Data totals are ~1e15 bit sums of the same contacts in float64 (ulp ~0.1 bit); one bit covers the summation order.
ONE_BIT = 1.0
#: A small, fast study: one day, SCIP to optimality (a zero gap leaves no room for two different networks).
SMALL = ex.StudySettings(sim_days=1.0, time_limit_s=20.0, d_min_bit=50 * 8e9, rel_gap=0.0)
SEED = 7
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / f"{STUDY_NOTEBOOK}.ipynb"


def _optimized_row(table: pd.DataFrame) -> pd.Series:
    rows = table[table["network"] == "optimized"]
    assert len(rows) == 1
    return rows.iloc[0]


def _assert_same_network(solution: Solution, row: pd.Series, study_solution: Solution | None = None) -> None:
    assert solution.status is Status.OPTIMAL and row["status"] == "OPTIMAL"
    summary = solution.summary()  # the fields of a study row
    assert (summary["providers"], summary["n_stations"]) == (row["providers"], row["n_stations"])
    tolerance = ONE_CENT if row["problem"] == "min_cost" else ONE_BIT
    assert solution.objective == pytest.approx(row["objective"], abs=tolerance)
    if row["problem"] == "min_cost":
        assert solution.cost_breakdown["total"] == pytest.approx(row["cost_total_usd"], abs=ONE_CENT)
    if study_solution is not None:
        assert solution.selected_stations == study_solution.selected_stations


# --------------------------------------------------------------------------- the round trip, in process
@needs_tle
@pytest.mark.parametrize(("kind", "n", "trial"), [("min_cost", 2, 1), ("max_data", 1, 3)])
def test_trial_file_solves_to_the_study_row(kind, n, trial, tmp_path):
    instance = ex.trial_instance(None, n, trial, seed=SEED, settings=SMALL)
    row = _optimized_row(ex.compare_networks(instance, kind, SMALL, sizes=(1,)))
    problem = instance.problem(kind, SMALL)
    study_solution = ex.study_optimum(instance.contacts, problem, options=SMALL.solver_options)

    path = ex.trial_scenario(n, trial, seed=SEED, problem=kind, settings=SMALL).save(tmp_path / "trial.json")
    scenario = load_scenario(path)
    assert scenario.satellite_source["tle"] == "$GSTK_TLE"
    assert scenario.satellites().satellite_id.tolist() == list(instance.satellite_ids)
    assert scenario.solver_options() == SMALL.solver_options
    contacts = scenario.contacts(progress=False)
    pd.testing.assert_frame_equal(contacts, instance.contacts)
    for ours, theirs in zip(scenario.price_tables(), (instance.stations, instance.providers, instance.satellites)):
        pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs.reset_index(drop=True))
    loaded = scenario.problem()
    assert loaded.spec_dicts() == problem.spec_dicts() and loaded.mission_days == problem.mission_days

    solution = gstk.optimize(contacts, loaded, options=scenario.solver_options())
    _assert_same_network(solution, row, study_solution)
    assert scenario.verify(solution, contacts) == []


@needs_tle
def test_trial_scenario_uses_the_unit_seeds_and_the_given_catalog():
    path = shared_tle_path().resolve()
    scenario = ex.trial_scenario(2, 5, seed=2025, problem="max_data", tle_path=path)
    sample_seed, price_seed = unit_seeds(2025, 2, 5)
    source = scenario.to_dict()["satellites"]
    assert source["tle"] == str(path) and source["sample"]["seed"] == sample_seed
    assert scenario.prices == {"random": {"seed": price_seed}}
    settings = ex.StudySettings()
    assert (scenario.days, scenario.mission_days) == (settings.sim_days, settings.mission_days)
    assert [c.to_dict() for c in scenario.constraints] == [c.to_dict() for c in
                                                          ex.study_constraints("max_data", settings, 2)]
    assert scenario.name == "study-max_data-n2-t5-seed2025" and settings.key() in scenario.description


def test_reproduce_settings_are_the_notebook_settings():
    """The manifest sets sim_days and time_limit_s; the notebook's other settings are study_settings' defaults."""
    cell = next(c for c in json.loads(NOTEBOOK.read_text())["cells"] if "parameters" in c["metadata"].get("tags", []))
    declared = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse("".join(cell["source"])).body
                if isinstance(node, ast.Assign)}
    assert ex.study_settings(D_min_GB_per_day=declared["D_min_GB_per_day"], rule=declared["rule"],
                             B_month_usd_per_satellite=declared["B_month_usd_per_satellite"]) == ex.study_settings()
    for quick in (True, False):
        parameters = ex.manifest_entry(STUDY_NOTEBOOK).parameters(quick)
        settings = ex.reproduce_settings(quick)
        assert (settings.sim_days, settings.time_limit_s) == (parameters["sim_days"], parameters["time_limit_s"])
    assert ex.reproduce_settings(False).replace(time_limit_s=60.0) == ex.StudySettings()


# --------------------------------------------------------------------------- the command
@needs_tle
def test_study_trial_command_writes_the_trial_scenario(tmp_path):
    out = tmp_path / "trial.yaml"
    result = subprocess.run([sys.executable, "-m", "gstk.cli", "study-trial", "--n", "2", "--trial", "3", "--seed",
                             "2025", "--problem", "min_cost", "--out", str(out), "--quick"],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"wrote {out}: study trial (n=2, t=3) of seed 2025, min_cost")
    assert lines[0].endswith(f"solve it with: gstk solve {out}")
    expected = ex.trial_scenario(2, 3, seed=2025, problem="min_cost", settings=ex.reproduce_settings(quick=True))
    assert load_scenario(out) == expected


@needs_tle
def test_study_trial_default_file_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["study-trial", "--n", "1", "--trial", "0", "--seed", "4", "--problem", "max_data"]) == 0
    assert (tmp_path / "study-max_data-n1-t0-seed4.json").is_file()
    assert "(`gstk reproduce` full settings)" in capsys.readouterr().out


@pytest.mark.parametrize(("extra", "needle"), [
    (["--problem", "min_gap"], "unknown problem kind 'min_gap'"),
    (["--problem", "min_cost", "--n", "0"], "n_satellites must be an integer >= 1, got 0"),
    (["--problem", "min_cost", "--trial", "-1"], "trial must be an integer >= 0, got -1"),
    (["--problem", "min_cost", "--tle", "absent.tle"], "no such TLE file 'absent.tle'"),
    (["--problem", "min_cost", "--out", "trial.txt"], "scenario files end in .json, .yaml or .yml"),
])
def test_study_trial_errors_are_one_line_with_exit_2(extra, needle, tmp_path, monkeypatch, capsys):
    if "--tle" not in extra and not shared_tle_path().exists():
        pytest.skip("shared Celestrak snapshot not found")
    monkeypatch.chdir(tmp_path)
    argv = ["study-trial", "--n", "1", "--trial", "0", "--seed", "1"]
    assert main(argv + extra) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gstk: error: ") and needle in err, err
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- the whole path, as a user runs it
@needs_tle
@pytest.mark.slow
@pytest.mark.parametrize("kind", ex.PROBLEMS)
def test_cli_round_trip_matches_the_quick_study_run(kind, tmp_path):
    """`gstk study-trial --quick` + `gstk solve` against `run_unit` of the quick study (all baselines)."""
    settings = ex.reproduce_settings(quick=True)
    n, trial, seed = 1, 1, 2025
    scenario, solution = tmp_path / "trial.json", tmp_path / "solution.json"
    for argv in (["study-trial", "--n", str(n), "--trial", str(trial), "--seed", str(seed), "--problem", kind,
                  "--out", str(scenario), "--quick"], ["solve", str(scenario), "--out", str(solution)]):
        result = subprocess.run([sys.executable, "-m", "gstk.cli", *argv], check=False, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    row = _optimized_row(ex.run_unit(str(shared_tle_path()), n, trial, seed, settings, None, (kind,)))
    _assert_same_network(Solution.from_json(solution), row)
