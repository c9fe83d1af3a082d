"""The package map (README "Layout", architecture of the layers): contracts, cycles, faces, public names.

The import-linter contracts live in ``pyproject.toml``; these tests run them through
import-linter's own Python API and add what a contract cannot say: no import cycle
anywhere (imports inside functions count), only package ``__init__`` files
re-export, and the public surface of ``gstk`` stays what it was.
"""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import gstk

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gstk"

#: The modules allowed at the gstk/ root (layer 0, the CLI and the face).
ROOT_MODULES = {"__init__", "cli", "units", "errors", "times", "seeds", "datasets"}
#: The packages by stage of the data flow.
PACKAGES = {"orbits", "catalog", "contacts", "plots", "problem", "model", "solution", "verification", "solve",
            "scenario", "study", "jupyter", "_data"}
#: gstk.__all__ as it was before the package map (the public names stay).
PUBLIC_NAMES = [
    "Explorer", "ModelData", "Problem", "Satellites", "Scenario", "Solution", "Status", "__version__", "build_model",
    "compute_contacts", "contact_table", "datasets", "demo_constellation", "download_celestrak", "draw_prices",
    "explore", "load_satellites", "load_scenario", "load_stations", "optimize", "plots", "random_scenario",
    "sample_satellites", "satellites_from_elements", "station_table", "teaching", "use_rich_tables", "verify",
]
#: The one module outside a package face that re-exports: the README's ``from gstk.model.specs import ...``.
SPEC_ALIAS = PACKAGE / "model" / "specs.py"


def gstk_sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = edges[node]
            if i < len(successors):
                work.append((node, i + 1))
                nxt = successors[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return cycles


def test_import_linter_contracts_are_kept():
    """The layers and forbidden contracts of pyproject.toml, as `lint-imports` checks them.

    In a subprocess: import-linter reconfigures logging, which would silence gstk's loggers for later tests.
    """
    run = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                          f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True, "
                          "no_logo=True))"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout and run.stdout.count(" KEPT") >= 5


def test_no_import_cycles_counting_imports_inside_functions():
    graph = grimp.build_graph("gstk", cache_dir=None)
    assert import_cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.y", imported="a.z")
    assert import_cycles(graph) == [["a.x", "a.y"]]


def test_the_tree_is_packages_by_stage():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    dirs = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert top == ROOT_MODULES, "no new flat module at the gstk/ root (README Layout)"
    assert dirs <= PACKAGES | {"_data"} and PACKAGES - {"_data"} <= dirs
    for name in PACKAGES - {"_data"}:
        assert (PACKAGE / name / "__init__.py").exists()


def _imports_of(path: Path) -> list[ast.ImportFrom]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ImportFrom)]


def test_code_inside_gstk_imports_the_defining_module_never_a_face():
    faces = {module_name(p) for p in PACKAGE.rglob("__init__.py")}
    offenders = []
    for path in gstk_sources():
        if path.name == "__init__.py" or path == SPEC_ALIAS:
            continue
        for node in _imports_of(path):
            if node.module in faces:
                names = [a.name for a in node.names]
                subs = [n for n in names if importlib.util.find_spec(f"{node.module}.{n}") is None]
                if subs:
                    offenders.append(f"{module_name(path)}: from {node.module} import {', '.join(subs)}")
    assert offenders == []


def test_only_package_faces_re_export():
    """Outside __init__.py, __all__ lists only names the module defines, and no module defines __getattr__."""
    offenders = []
    for path in gstk_sources():
        tree = ast.parse(path.read_text())
        defines_getattr = any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__" for n in tree.body)
        if defines_getattr and path != PACKAGE / "__init__.py":
            offenders.append(f"{module_name(path)} defines a module __getattr__")
        if path.name == "__init__.py" or path == SPEC_ALIAS:
            continue
        own = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        own |= {t.id for n in tree.body if isinstance(n, ast.Assign) for target in n.targets
                for t in ast.walk(target) if isinstance(t, ast.Name)}
        own |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
                foreign = [e.value for e in node.value.elts if e.value not in own]
                if foreign:
                    offenders.append(f"{module_name(path)}.__all__ re-exports {foreign}")
    assert offenders == []


def test_faces_export_what_their_modules_define():
    for init in sorted(PACKAGE.rglob("__init__.py")):
        if "_data" in init.parts or init.parent == PACKAGE:
            continue
        face = importlib.import_module(module_name(init))
        for name in face.__all__:
            value = getattr(face, name)
            defining = getattr(value, "__module__", None)
            if defining is not None and (isinstance(value, type) or callable(value)):
                assert defining.startswith(face.__name__ + "."), f"{face.__name__}.{name} comes from {defining}"


def test_public_names_stay_and_resolve_strictly():
    assert sorted(gstk.__all__) == sorted(PUBLIC_NAMES)
    for name in PUBLIC_NAMES:
        assert getattr(gstk, name) is not None
    assert callable(gstk.verify) and gstk.verify.__name__ == "verify"
    assert callable(gstk.optimize) and gstk.plots.network_map and gstk.teaching.tle_fields
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        gstk.not_a_name  # noqa: B018
    with pytest.raises(AttributeError):
        gstk.solve_gap  # an old module name no longer resolves to anything  # noqa: B018


def test_readme_spec_import_path_still_works():
    from gstk.model.specs import MaxMissionData, MaxMonthlyCost, MinContactDuration
    from gstk.problem import specs

    assert MaxMissionData is specs.MaxMissionData and MaxMonthlyCost is specs.MaxMonthlyCost
    assert MinContactDuration(duration_s=180).duration_s == 180


def test_import_gstk_loads_no_solver():
    code = "import sys, gstk; gstk.compute_contacts; print('cvxpy' in sys.modules, 'pyscipopt' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
