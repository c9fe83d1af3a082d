"""``gstk reproduce``: manifest, parameters, papermill runs, failure handling and the run record."""
from __future__ import annotations

import argparse
import io
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from gstk.errors import GstkError
from gstk.study import reproduce as rp

STUDY = [e for e in rp.MANIFEST if e.study]


def test_manifest_names_are_unique_and_study_notebooks_exist():
    names = [e.name for e in rp.MANIFEST]
    assert len(names) == len(set(names))
    assert {e.name for e in STUDY} == {"surrogate_window", "objective_comparison", "figures", "pareto",
                                       "paper_claims", "constellation_scale"}
    source = rp.notebooks_dir()
    for entry in rp.MANIFEST:
        assert (source / f"{entry.name}.ipynb").exists(), entry.name


@pytest.mark.parametrize("entry", STUDY, ids=lambda e: e.name)
@pytest.mark.parametrize("quick", [True, False], ids=["quick", "full"])
def test_manifest_parameters_are_declared_by_the_notebook(entry, quick, tmp_path):
    notebook = rp.notebooks_dir() / f"{entry.name}.ipynb"
    params = rp.notebook_parameters(entry, notebook, quick=quick, out_dir=tmp_path, jobs=3, tle_path=None)
    assert params["figures_dir"] == str(tmp_path / "figures")
    assert params["results_dir"] == str(tmp_path / "results")
    for key, value in entry.parameters(quick).items():
        assert params[key] == value
    if "jobs" in rp.declared_parameters(notebook):
        assert params["jobs"] == 3


def test_full_parameters_are_the_papers_trial_counts():
    full = rp.manifest_entry("objective_comparison").full
    assert full["trials"] == 100 and full["sizes"] == [1, 2, 5, 10] and full["sim_days"] == 7.0
    assert rp.manifest_entry("surrogate_window").full["n_satellites"] == 100
    claims = rp.manifest_entry("paper_claims")
    assert claims.full["trials"] >= 3 and claims.full["sizes"] == [1, 10] and claims.full["sim_days"] == 7.0
    assert claims.quick["trials"] == 1 and claims.quick["sizes"] == [1]
    assert [1.0, 7.0, 20.0] == claims.quick["window_days"] == claims.full["window_days"][:3]
    with pytest.raises(GstkError, match="not in the reproduce manifest"):
        rp.manifest_entry("nope")


def test_arguments_and_overrides():
    parser = rp.add_reproduce_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--quick", "--out", "x", "--jobs", "2", "--trials", "5", "--time-limit", "30",
                              "--notebooks", "pareto", "--notebooks-dir", "nb"])
    assert (args.quick, args.out, args.jobs, args.trials) == (True, "x", 2, 5)
    assert (args.notebooks, args.notebooks_path) == (["pareto"], "nb")
    overrides = rp.command_overrides(args)
    assert overrides["objective_comparison"] == {"trials": 5, "time_limit_s": 30.0}
    assert overrides["pareto"] == {"time_limit_s": 30.0} and "explorer" not in overrides
    assert parser.parse_args([]).quick is False
    with pytest.raises(SystemExit):
        parser.parse_args(["--jobs", "0"])


def _notebook(path, cells, parameters="figures_dir = 'figures'"):
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    cell = new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, *(new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)


def test_a_failing_notebook_keeps_its_partial_copy_and_the_others_run(tmp_path):
    source = tmp_path / "nb"
    source.mkdir()
    _notebook(source / "orbital_mechanics_primer.ipynb",
              ["import pathlib", "pathlib.Path(figures_dir).mkdir(parents=True, exist_ok=True)",
               "(pathlib.Path(figures_dir) / 'orbital_mechanics_primer_x.png').write_bytes(b'png')"])
    _notebook(source / "explorer.ipynb", ["done = 1", "raise RuntimeError('planted failure')", "never = 1"],
              parameters="x = 1")
    out = tmp_path / "out"
    args = argparse.Namespace(quick=True, out=str(out), jobs=1, tle_path=None, trials=None, time_limit_s=None,
                              notebooks=["orbital_mechanics_primer", "explorer"], notebooks_path=str(source))
    stream = io.StringIO()
    status = rp.run_reproduce_command(args, stream=stream)
    text = stream.getvalue()
    assert status == 1
    assert "FAILED: explorer" in text and "planted failure" in text and str(out / "figures") in text
    record = json.loads((out / "reproduce.json").read_text())
    assert record["notebooks"]["orbital_mechanics_primer"]["status"] == "ok"
    assert record["notebooks"]["explorer"]["status"] == "failed" and not record["ok"]
    assert record["figures"] == [str(out / "figures" / "orbital_mechanics_primer_x.png")]
    partial = nbformat.read(out / "notebooks" / "explorer.ipynb", 4)
    outputs = [c.get("outputs", []) for c in partial.cells if c.cell_type == "code"]
    assert any(o.get("ename") == "RuntimeError" for cell in outputs for o in cell)
    assert (out / "notebooks" / "orbital_mechanics_primer.ipynb").exists()


def test_reproduce_rejects_bad_jobs(tmp_path):
    with pytest.raises(GstkError, match="jobs"):
        rp.reproduce(quick=True, out_dir=tmp_path, jobs=0)


# --------------------------------------------------------------------------- issue 15: an honest run record
def _fake_runs(monkeypatch, out, outcomes, seen):
    """Replace papermill: each notebook's outcome is "ok" or an exception; record what the file said meanwhile."""
    def run(entry, *, out_dir, **kwargs):
        seen[entry.name] = json.loads((out_dir / "reproduce.json").read_text())  # the record while it runs
        outcome = outcomes[entry.name]
        if isinstance(outcome, BaseException):
            raise outcome
        return rp.NotebookResult(entry.name, outcome, 0.1, str(out_dir / "notebooks" / f"{entry.name}.ipynb"), {})
    monkeypatch.setattr(rp, "run_notebook", run)


def test_ctrl_c_records_interrupted_and_never_ok(tmp_path, monkeypatch):
    out, names = tmp_path / "out", ["orbital_mechanics_primer", "explorer"]
    seen: dict = {}
    _fake_runs(monkeypatch, out, {"orbital_mechanics_primer": "ok", "explorer": "ok"}, seen)
    first = rp.reproduce(quick=True, out_dir=out, notebooks=names, notebooks_path=tmp_path)
    assert first["ok"] and first["state"] == "finished"
    assert seen["explorer"]["notebooks"]["explorer"]["status"] == "running" and not seen["explorer"]["ok"]

    _fake_runs(monkeypatch, out, {"orbital_mechanics_primer": "ok", "explorer": KeyboardInterrupt()}, seen)
    with pytest.raises(KeyboardInterrupt):
        rp.reproduce(quick=True, out_dir=out, notebooks=names, notebooks_path=tmp_path)
    record = json.loads((out / "reproduce.json").read_text())
    assert record["state"] == "interrupted" and record["ok"] is False
    assert record["notebooks"]["explorer"]["status"] == "interrupted"
    assert record["notebooks"]["orbital_mechanics_primer"]["status"] == "ok"
    # while the second run executed explorer, the record said "running" there, not the first run's "ok"
    assert seen["explorer"]["notebooks"]["explorer"]["status"] == "running" and seen["explorer"]["state"] == "running"
    assert not list(out.glob(".reproduce.json.*"))  # atomic writes leave no temporary file

    _fake_runs(monkeypatch, out, {"orbital_mechanics_primer": "ok", "explorer": "ok"}, seen)  # resuming works
    again = rp.reproduce(quick=True, out_dir=out, notebooks=names, notebooks_path=tmp_path)
    assert again["ok"] and again["state"] == "finished"


def test_a_killed_run_leaves_running_and_a_rerun_of_part_keeps_it(tmp_path, monkeypatch):
    out, seen = tmp_path / "out", {}
    _fake_runs(monkeypatch, out, {"explorer": SystemExit(9)}, seen)  # stands for a kill: nothing after runs
    with pytest.raises(SystemExit):
        rp.reproduce(quick=True, out_dir=out, notebooks=["explorer"], notebooks_path=tmp_path)
    record = json.loads((out / "reproduce.json").read_text())
    assert record["notebooks"]["explorer"]["status"] == "running" and record["state"] == "running"
    assert record["ok"] is False
    _fake_runs(monkeypatch, out, {"orbital_mechanics_primer": "ok"}, seen)
    partial = rp.reproduce(quick=True, out_dir=out, notebooks=["orbital_mechanics_primer"], notebooks_path=tmp_path)
    assert partial["notebooks"]["explorer"]["status"] == "running" and partial["ok"] is False


def test_an_interrupted_kernel_is_recorded_interrupted(tmp_path):
    source = tmp_path / "nb"
    source.mkdir()
    _notebook(source / "explorer.ipynb", ["done = 1", "raise KeyboardInterrupt", "never = 1"], parameters="x = 1")
    out = tmp_path / "out"
    args = argparse.Namespace(quick=True, out=str(out), jobs=1, tle_path=None, trials=None, time_limit_s=None,
                              notebooks=["explorer"], notebooks_path=str(source))
    stream = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        rp.run_reproduce_command(args, stream=stream)
    record = json.loads((out / "reproduce.json").read_text())
    assert record["notebooks"]["explorer"]["status"] == "interrupted" and record["state"] == "interrupted"
    assert not record["ok"] and "interrupted: the run record" in stream.getvalue()


def test_time_limit_flag_must_be_finite():
    parser = rp.add_reproduce_arguments(argparse.ArgumentParser())
    for bad in ("inf", "nan", "0", "-5", "soon"):
        with pytest.raises(SystemExit):
            parser.parse_args(["--time-limit", bad])
    assert parser.parse_args(["--time-limit", "30"]).time_limit_s == 30.0
