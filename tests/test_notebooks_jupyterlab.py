"""The JupyterLab experience: thin notebooks, papermill runs offline, the explorer in a real browser.

* ``test_*_notebook_is_thin`` (default run): committed without outputs, kernelspec python3,
  one ``parameters`` cell, code cells without ``def``, ``class`` or arithmetic.
* ``-m notebooks``: papermill executes the primer and the explorer with small parameters
  into ``tmp_path`` and the outputs, figures and widget state are checked.
* ``-m browser``: ``tests/browser/run_explorer.py`` opens the explorer notebook in
  JupyterLab with headless Debian chromium driven by Playwright, runs it, clicks Solve
  and checks the DOM.
"""
from __future__ import annotations

import ast
import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COMMITTED_FIGURES = ROOT / "figures"
PRIMER = NOTEBOOKS / "orbital_mechanics_primer.ipynb"
EXPLORER = NOTEBOOKS / "explorer.ipynb"
BROWSER_SCRIPT = ROOT / "tests" / "browser" / "run_explorer.py"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PRIMER_FIGURES = ("frames", "ground_tracks", "coverage", "coverage_map", "elevation", "sky", "latitude",
                  "daily", "passes", "gantt", "rate_profile", "pass_volumes")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.mark.parametrize("path", [PRIMER, EXPLORER], ids=lambda p: p.stem)
def test_notebook_is_thin(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown"
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "commit notebooks without outputs"
        tree = ast.parse(cell.source)
        kinds = {type(node).__name__ for node in ast.walk(tree)}
        assert not kinds & {"FunctionDef", "AsyncFunctionDef", "ClassDef", "Lambda"}, cell.source
        if cell is not tagged[0]:
            assert not kinds & {"BinOp", "AugAssign"}, f"formula in a code cell:\n{cell.source}"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_output_folders_default_to_build(path):
    """Run from the repository root (papermill) or notebooks/ (JupyterLab), a notebook writes under
    the git-ignored build/, never into the committed figures/; gstk reproduce passes its own folders."""
    cell = next(c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    defaults = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body
                if isinstance(node, ast.Assign)}
    for name in ("figures_dir", "results_dir"):
        if name in defaults:
            assert Path(defaults[name]).parts[0] == "build", f"{path.name}: {name} = {defaults[name]!r}"


def _execute(path: Path, out: Path, parameters: dict, monkeypatch) -> nbformat.NotebookNode:
    import papermill

    # Let the kernel show figures inline even when the CI exports MPLBACKEND=Agg.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    papermill.execute_notebook(str(path), str(out), parameters=parameters, cwd=str(out.parent),
                               kernel_name="python3", progress_bar=False)
    return nbformat.read(out, as_version=4)


def _outputs(nb, mime: str) -> list:
    return [o["data"][mime] for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if mime in o.get("data", {})]


@pytest.mark.notebooks
def test_primer_runs_offline(tmp_path, monkeypatch):
    committed = sorted(COMMITTED_FIGURES.iterdir())
    figures = tmp_path / "build" / "figures"  # the primer's default figures_dir, under the kernel's cwd
    nb = _execute(PRIMER, tmp_path / "primer.ipynb", {"days": 1}, monkeypatch)
    assert not (tmp_path / "figures").exists() and sorted(COMMITTED_FIGURES.iterdir()) == committed
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    for name in PRIMER_FIGURES:
        for ext in ("png", "pdf"):
            assert (figures / f"orbital_mechanics_primer_{name}.{ext}").stat().st_size > 1000
    assert len(_outputs(nb, "image/png")) >= len(PRIMER_FIGURES)
    html = "\n".join(_outputs(nb, "text/html"))
    assert "inclination, deg" in html  # the TLE field table
    assert "contacts, 3 satellites × 86 stations" in html  # contact_table caption
    assert "65–90°" in html  # latitude band statistics


@pytest.mark.notebooks
def test_explorer_notebook_solves_in_the_kernel(tmp_path, monkeypatch):
    parameters = {"days": 0.5, "solve_on_open": True, "wait_s": 240, "time_limit_s": 30}
    nb = _execute(EXPLORER, tmp_path / "explorer.ipynb", parameters, monkeypatch)
    views = _outputs(nb, "application/vnd.jupyter.widget-view+json")
    assert len(views) == 1
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    panel = state[views[0]["model_id"]]["state"]
    assert "gstk-explorer" in panel["_dom_classes"]
    # The solve ran in the kernel's background thread; its results reached the widget state.
    html = [m["state"].get("value", "") for m in state.values() if m["model_name"] == "HTMLModel"]
    assert any("gstk-result" in v and ("OPTIMAL" in v or "FEASIBLE" in v) for v in html)
    maps = [m for m in state.values() if m["model_name"] == "ImageModel"
            and "gstk-map" in m["state"].get("_dom_classes", [])]
    assert len(maps) == 1
    assert base64.b64decode(maps[0]["buffers"][0]["data"]).startswith(PNG_MAGIC)
    buttons = [m["state"] for m in state.values() if m["model_name"] == "ButtonModel"]
    assert [(b["description"], b["disabled"]) for b in buttons] == [("Solve", False)]
    assert "Solution" in "".join(_outputs(nb, "text/plain"))  # explorer.wait() returned it


def _chromium() -> str | None:
    """The chromium executable on PATH (Debian's ``chromium``), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_explorer_in_real_jupyterlab(tmp_path):
    pytest.importorskip("playwright", reason="the browser test drives chromium with Playwright")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no chromium on PATH (apt-get install -y chromium): the JupyterLab browser "
                    "smoke test drives Debian's chromium, Playwright downloads no browser")
    run = subprocess.run([sys.executable, str(BROWSER_SCRIPT), "--out", str(tmp_path), "--chromium", chromium,
                          "--notebook", str(EXPLORER)], check=False, capture_output=True, text=True, timeout=600,
                         env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"})
    result_file = tmp_path / "result.json"
    assert result_file.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(result_file.read_text())
    log = (tmp_path / "jupyterlab.log").read_text(errors="replace")[-3000:]
    assert run.returncode == 0 and result["failures"] == [], json.dumps(result, indent=1) + log
    assert result["panel"]["solve_button"] == "Solve"
    assert {"Atlas", "AWS", "KSAT", "Leaf", "Viasat"} <= set(result["panel"]["checkboxes"])
    assert result["kernel_idle_while_solving"] is True
    for name in ("explorer_panel.png", "explorer_solved.png", "explorer_contacts_tab.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_MAGIC)
    artifacts = os.environ.get("GSTK_BROWSER_ARTIFACTS")
    if artifacts:  # keep the screenshots for a human to look at
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, Path(artifacts) / png.name)
