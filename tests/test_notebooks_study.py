"""Study notebooks: thin-notebook rules and manifest completeness (default group), and papermill
runs with tiny parameters checking their outputs (group ``notebooks``)."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from gstk.datasets import shared_tle_path
from gstk.study import reproduce as rp

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIGURES = ROOT / "figures"
STUDY = {e.name: e for e in rp.MANIFEST if e.study}
#: Relative tolerance for "the optimized network is at least as good as a baseline": SCIP stops at a
#: relative gap of 1e-3 and baselines warm-start the optimized solve, so it can only lose by that gap.
SOLVER_GAP = 2e-3


def _code_cells(path: Path):
    return [c for c in nbformat.read(path, 4).cells if c.cell_type == "code"]


# --------------------------------------------------------------------------- completeness (default group)
def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= set(STUDY)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_a_parameters_cell_and_no_definitions(path):
    cells = _code_cells(path)
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one code cell tagged 'parameters'"
    for cell in cells:
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        tree = ast.parse(source)
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                   ast.ClassDef, ast.Lambda))]
        assert not defined, f"{path.name}: code cells must not define functions or classes"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in STUDY], ids=lambda p: p.stem)
def test_study_notebook_is_thin_and_committed_without_outputs(path):
    nb = nbformat.read(path, 4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "deviates from the paper" in nb.cells[0].source
    cells = _code_cells(path)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in cells)
    params = "\n".join(c.source for c in cells if "parameters" in c.metadata.get("tags", []))
    sampled = "fleet =" not in params  # a fleet chosen by name has no sampling rule
    for name in ("seed", "tle_path", "time_limit_s", "figures_dir", "results_dir") + (("rule",) if sampled else ()):
        assert f"{name} =" in params, f"{path.name}: parameter {name} missing"
    body = "\n".join(c.source for c in cells)
    assert "save_figure(" in body and ("study." in body)
    for loop in ("for ", "while "):
        assert not any(line.lstrip().startswith(loop) for line in body.splitlines()), "no loops in study notebooks"


def test_every_notebook_is_in_the_reproduce_manifest():
    assert {p.stem for p in NOTEBOOKS} == {e.name for e in rp.MANIFEST}


def test_every_committed_figure_has_a_notebook_that_produces_it():
    names = sorted((e.name for e in rp.MANIFEST), key=len, reverse=True)
    files = [p for p in FIGURES.glob("*") if p.is_file() and p.name != "README.md"] if FIGURES.exists() else []
    orphans = [p.name for p in files if not any(p.stem.startswith(f"{n}_") or p.stem == n for n in names)]
    assert not orphans, f"figures without a producing notebook: {orphans}"
    produced = {stem for e in rp.MANIFEST for stem in e.figures}
    study_files = [p for p in files if any(p.stem.startswith(n) for n in STUDY)]
    assert {p.stem for p in study_files} <= produced, "every study figure is listed in its manifest entry"


def test_figures_readme_names_the_command_and_the_papers_claims():
    readme = FIGURES / "README.md"
    assert readme.exists(), "figures/README.md documents the last full run"
    text = readme.read_text()
    assert "gstk reproduce" in text and "+300 %" in text
    for entry in STUDY.values():
        for stem in entry.figures:
            assert stem in text, f"figures/README.md does not describe {stem}"


# --------------------------------------------------------------------------- papermill runs (notebooks group)
TINY = {
    "objective_comparison": {"trials": 1, "sizes": [1], "sim_days": 1.0, "time_limit_s": 20.0, "jobs": 1,
                             "sensitivity_trials": 1, "sensitivity_sizes": [1], "sensitivity_factors": [0.5, 1.0]},
    "surrogate_window": {"n_satellites": 3, "window_days": [1, 2, 4], "oos_satellites": 1, "train_days": 2.0,
                         "test_days": 2.0, "horizon_days": 6.0, "time_limit_s": 20.0},
    "figures": {"n_satellites": 1, "sim_days": 1.0, "time_limit_s": 20.0},
    "pareto": {"n_satellites": 1, "cap_factors": [0.5, 1.0, 2.0], "sim_days": 1.0, "time_limit_s": 20.0},
    "constellation_scale": {"count": 2, "days": 0.5, "time_limit_s": 60.0},
}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    if not shared_tle_path().exists():
        pytest.skip("shared Celestrak snapshot not found")
    out = tmp_path_factory.mktemp("reproduce")
    record = rp.reproduce(quick=True, out_dir=out, jobs=1, notebooks=list(TINY), overrides=TINY)
    return out, record


def _figure_files(out: Path, stem: str) -> list[Path]:
    return [out / "figures" / f"{stem}.{ext}" for ext in ("png", "pdf")]


@pytest.mark.notebooks
@pytest.mark.parametrize("name", list(TINY))
def test_notebook_runs_and_writes_its_figures_and_tables(tiny_run, name):
    out, record = tiny_run
    result = record["notebooks"][name]
    assert result["status"] == "ok", result["error"]
    executed = nbformat.read(out / "notebooks" / f"{name}.ipynb", 4)
    assert all(o.get("output_type") != "error" for c in executed.cells for o in c.get("outputs", []))
    for stem in STUDY[name].figures:
        for path in _figure_files(out, stem):
            assert path.exists() and path.stat().st_size > 1000, path
    for stem in STUDY[name].tables:
        table = pd.read_csv(out / "results" / f"{stem}.csv")
        assert len(table) > 0, stem


@pytest.mark.notebooks
def test_objective_comparison_values_are_sane(tiny_run):
    out, _ = tiny_run
    results = pd.read_csv(out / "results" / "objective_comparison.csv")
    assert set(results["problem"]) == {"min_cost", "max_data"}
    assert (results["network"] == "optimized").sum() == 2
    assert len(results) == 2 * (1 + 6 + 15)
    opt = results[results["network"] == "optimized"].set_index("problem")
    base = results[(results["network"] != "optimized") & results["has_solution"]]
    best_cost = base[base["problem"] == "min_cost"]["objective"].min()
    best_data = base[base["problem"] == "max_data"]["objective"].max()
    assert opt.loc["min_cost", "objective"] <= best_cost * (1 + SOLVER_GAP)
    assert opt.loc["max_data", "objective"] >= best_data * (1 - SOLVER_GAP)
    assert (results.loc[results["has_solution"], "cost_total_usd"] > 0).all()
    cap = results[results["problem"] == "max_data"]["b_month_usd"].iloc[0]
    assert (results[results["problem"] == "max_data"]["monthly_cost_usd"].dropna() <= cap * (1 + 1e-6)).all()
    summary = pd.read_csv(out / "results" / "objective_comparison_summary.csv")
    best = summary[summary["statistic"] == "best"]
    assert (best.loc[best["problem"] == "min_cost", "cost_ratio_median"] <= 1 + SOLVER_GAP).all()
    assert (best.loc[best["problem"] == "max_data", "data_ratio_median"] >= 1 - SOLVER_GAP).all()
    sensitivity = pd.read_csv(out / "results" / "objective_comparison_sensitivity.csv")
    assert set(sensitivity["parameter"]) == {"d_min_bit", "b_month_usd_per_satellite"}
    assert set(sensitivity["factor"]) == {0.5, 1.0}


@pytest.mark.notebooks
def test_surrogate_window_values_are_sane(tiny_run):
    out, _ = tiny_run
    summary = pd.read_csv(out / "results" / "surrogate_window_summary.csv")
    assert summary["window_days"].tolist() == [1.0, 2.0, 4.0]
    assert (summary["n_satellites"] == 3).all()
    assert ((summary["contacts_per_day_mean"] > 1) & (summary["contacts_per_day_mean"] < 2000)).all()
    assert ((summary["mean_duration_s_mean"] > 180) & (summary["mean_duration_s_mean"] < 1200)).all()
    assert (summary["mean_gap_s_mean"] > 0).all()
    evaluation = pd.read_csv(out / "results" / "surrogate_window_out_of_sample.csv")
    assert evaluation["start_day"].tolist() == [0.0, 2.0, 4.0]
    assert evaluation.loc[0, "objective_drift"] == 0.0 and evaluation["objective"].gt(0).all()
    assert np.isfinite(evaluation["regret"]).all() and (evaluation["regret"] >= -SOLVER_GAP).all()


@pytest.mark.notebooks
def test_pareto_front_values_are_sane(tiny_run):
    out, _ = tiny_run
    front = pd.read_csv(out / "results" / "pareto_front.csv")
    assert front["cap_factor"].tolist() == [0.5, 1.0, 2.0]
    assert (front["monthly_cost_usd"] <= front["cap_usd"] * (1 + 1e-6)).all()
    data = front["data_total_bit"].to_numpy(float)
    assert (np.diff(data) >= -SOLVER_GAP * data.max()).all()
    baselines = pd.read_csv(out / "results" / "pareto_baselines.csv")
    assert len(baselines) == 6 + 15


@pytest.mark.notebooks
def test_constellation_scale_values_are_sane(tiny_run):
    out, _ = tiny_run
    row = pd.read_csv(out / "results" / "constellation_scale.csv").iloc[0]
    assert row["fleet"] == "ICEYE*" and row["satellites"] == 2 and row["contacts"] > 0
    assert row["status"] in ("OPTIMAL", "FEASIBLE") and 0 <= row["gap"] <= (0.01 if row["status"] == "OPTIMAL" else 1e9)
    assert row["problem"] == "MaxMissionData" and row["objective"] == pytest.approx(row["mission_data_tb"])
    assert row["objective"] <= row["bound"] * (1 + 1e-9) and 1 <= row["stations"]


# --------------------------------------------------------------------------- paper claims (its own quick run)
@pytest.fixture(scope="module")
def claims_run(tmp_path_factory):
    """The paper_claims notebook with exactly the quick parameters of ``gstk reproduce --quick``."""
    if not shared_tle_path().exists():
        pytest.skip("shared Celestrak snapshot not found")
    out = tmp_path_factory.mktemp("claims")
    record = rp.reproduce(quick=True, out_dir=out, jobs=1, notebooks=["paper_claims"])
    return out, record


@pytest.mark.notebooks
def test_paper_claims_notebook_gives_every_quoted_claim_a_verdict(claims_run):
    out, record = claims_run
    result = record["notebooks"]["paper_claims"]
    assert result["status"] == "ok", result["error"]
    for stem in STUDY["paper_claims"].figures:
        for path in _figure_files(out, stem):
            assert path.exists() and path.stat().st_size > 1000, path
    table = pd.read_csv(out / "results" / "paper_claims_table.csv")
    assert list(table.columns[:5]) == ["claim", "paper", "gstk (gstk settings)", "gstk (best-matching settings)",
                                       "verdict"]
    paper = (ROOT.parent / "shared" / "docs" / "paper.md")
    text = " ".join(paper.read_text().split()) if paper.exists() else None
    computed = table[table["claim_id"].isin(["max_data_1_one", "max_data_1_two", "min_cost_cheaper",
                                             "min_cost_more_data", "conclusion_max_data", "conclusion_min_cost",
                                             "surrogate_window"])]
    assert len(computed) == 7 and not computed["verdict"].str.startswith("not computed").any()
    for quote in table["claim"]:
        assert text is None or quote in text, f"not a quote of paper.md: {quote!r}"


@pytest.mark.notebooks
def test_paper_claims_numbers_are_sane(claims_run):
    out, _ = claims_run
    networks = pd.read_csv(out / "results" / "paper_claims_networks.csv", dtype={"max_providers": str})
    assert set(networks["cost_model"]) == {"gstk", "reference-2025"}
    solved = networks[networks["has_solution"].astype(bool)]
    own = solved[solved["cost_model"] == "gstk"]  # priced by gstk twice: the solve's report and the verifier's
    assert np.allclose(own["cost_total_usd"], own["cost_total_usd_gstk"], rtol=1e-9)
    capped = networks[(networks["variant_problem"] == "max_data") & np.isfinite(networks["cap_factor"])]
    assert (capped.loc[capped["has_solution"].astype(bool), "monthly_cost_usd"]
            <= capped.loc[capped["has_solution"].astype(bool), "b_month_usd"] * (1 + 1e-6)).all()
    summary = pd.read_csv(out / "results" / "paper_claims_summary.csv", dtype={"max_providers": str})
    best = summary[(summary["statistic"] == "best") & (summary["baseline"] != "fixed_one_provider")]
    assert (best.loc[best["problem"] == "max_data", "data_ratio_median"] >= 1 - SOLVER_GAP).all()
    assert (best.loc[best["problem"] == "min_cost", "cost_ratio_median"] <= 1 + SOLVER_GAP).all()
    windows = pd.read_csv(out / "results" / "paper_claims_windows.csv")
    assert windows["window_days"].tolist() == [1.0, 7.0, 20.0]
