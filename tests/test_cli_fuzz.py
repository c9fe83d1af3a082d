"""No traceback escapes the CLI (issue 15): fuzzed scenario, contacts and solution files, run in-process.

Hypothesis builds scenario documents (random keys, types and nesting; numbers including +-inf, NaN
and huge ones; JSON with ``Infinity``/``NaN`` literals or YAML with ``.inf``), contacts CSVs and
solution JSONs with random corruption, and runs ``gstk.cli.main(["verify", ...])`` on them.  The
outcome must be a run (exit 0, or 1 for violations) or exit 2 with exactly one ``gstk: error:`` line
on stderr (``gstk: warning:`` lines may come before it); an uncaught exception fails the test.
Everything runs on a tiny scenario (demo satellites, two stations, six hours) whose contacts and
solution are computed once, so no example solves or searches contacts.
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gstk.cli import main

TINY = {
    "name": "tiny", "window": {"start": "2025-03-11T00:00:00Z", "days": 0.25}, "mission_days": 365,
    "satellites": {"demo": True}, "stations": {"providers": ["KSAT"], "station_ids": ["KSAT/Svalbard", "KSAT/Troll"]},
    "prices": {"random": {"seed": 3}}, "objective": {"type": "MaxMissionData"},
    "constraints": [{"type": "MinContactDuration", "duration_s": 60}, {"type": "MaxProviders", "count": 1},
                    {"type": "MaxMonthlyCost", "usd": 1e6}],
    "solver": {"time_limit_s": 20, "threads": 1},
}
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_numbers = st.one_of(
    st.integers(-3, 3), st.integers(), st.sampled_from([10**400, -(10**30), 2**63]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.inf, -math.inf, math.nan, 1e308, 1e-308]))
_texts = st.one_of(st.text(max_size=12), st.sampled_from(
    ["inf", "nan", "-inf", "", "2025-03-11T00:00:00Z", "3000-01-01", "1900-01-01", "1677-09-22", "KSAT",
     "KSAT/Svalbard", "DEMO-1", "MaxProviders", "MinMaxGap", "$GSTK_TLE", "all", "OPTIMAL", "max", "float64",
     "datetime64[ns, UTC]"]))
_scalars = st.one_of(st.none(), st.booleans(), _numbers, _texts)
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_texts, inner, max_size=3)), max_leaves=8)


def _mutate(document, data) -> None:
    """Change one place of a JSON-like document: set, add or delete a key or item at a random depth."""
    node = document
    for _ in range(data.draw(st.integers(0, 4))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        containers = [v for _, v in children if isinstance(v, (dict, list)) and v]
        if not containers:
            break
        node = data.draw(st.sampled_from(containers))
    if isinstance(node, dict):
        action = data.draw(st.sampled_from(["set", "add", "delete"]))
        if action == "add" or not node:
            node[data.draw(_texts)] = data.draw(_values)
        elif action == "set":
            node[data.draw(st.sampled_from(sorted(node)))] = data.draw(_values)
        else:
            node.pop(data.draw(st.sampled_from(sorted(node))))
    elif isinstance(node, list):
        if node and data.draw(st.booleans()):
            node[data.draw(st.integers(0, len(node) - 1))] = data.draw(_values)
        else:
            node.append(data.draw(_values))


def _corrupt_text(text: str, data) -> str:
    """Cut, drop, insert or replace characters or lines of a text file."""
    lines = text.splitlines(keepends=True)
    action = data.draw(st.sampled_from(["truncate", "drop", "insert", "cell", "duplicate", "swap", "delete"]))
    if action == "truncate":
        return text[:data.draw(st.integers(0, len(text)))]
    if action in ("drop", "insert"):
        at = data.draw(st.integers(0, len(text)))
        if action == "drop":
            return text[:at] + text[at + data.draw(st.integers(1, 30)):]
        return text[:at] + data.draw(st.one_of(_texts, st.sampled_from([",", "\n", '"', "\r\n", ",,,"]))) + text[at:]
    i = data.draw(st.integers(0, len(lines) - 1))
    if action == "cell":
        cells = lines[i].rstrip("\n").split(",")
        cells[data.draw(st.integers(0, len(cells) - 1))] = data.draw(st.one_of(
            _texts, _numbers.map(repr), st.sampled_from(["1e400", "True", "2025-04-11T00:00:00Z", "-1"])))
        lines[i] = ",".join(cells) + "\n"
    elif action == "duplicate":
        lines.insert(i, lines[i])
    elif action == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        del lines[i]
    return "".join(lines)


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def assert_clean_outcome(code: int, err: str) -> None:
    """A run (0, or 1 for violations) or exit 2 with one error line; any other stderr line is a warning."""
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("gstk: error: ")]
    strays = [line for line in lines if not line.startswith(("gstk: error: ", "gstk: warning: "))]
    assert not strays, err
    if code == 2:
        assert len(errors) == 1 and lines[-1] == errors[0], err
    else:
        assert code in (0, 1) and not errors, (code, err)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("fuzz")
    scenario, contacts, solution = folder / "tiny.json", folder / "contacts.csv", folder / "solution.json"
    scenario.write_text(json.dumps(TINY))
    assert main(["contacts", str(scenario), "--out", str(contacts), "--no-progress"]) == 0
    assert main(["solve", str(scenario), "--contacts", str(contacts), "--out", str(solution)]) == 0
    assert _run(["verify", str(scenario), str(solution), "--contacts", str(contacts)]) == (0, "")
    return {"folder": folder, "scenario": scenario, "contacts": contacts, "solution": solution}


@FUZZ
@given(data=st.data(), yaml_file=st.booleans())
def test_fuzzed_scenario_documents_never_escape_the_cli(files, data, yaml_file):
    document = copy.deepcopy(TINY)
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(document, data)
    path = files["folder"] / ("case.yaml" if yaml_file else "case.json")
    try:
        path.write_text(yaml.safe_dump(document) if yaml_file else json.dumps(document))  # Infinity, NaN, .inf
    except (ValueError, yaml.YAMLError):  # e.g. a key PyYAML cannot write
        return
    assert_clean_outcome(*_run(["verify", str(path), str(files["solution"]), "--contacts", str(files["contacts"])]))


@FUZZ
@given(data=st.data())
def test_fuzzed_contacts_files_never_escape_the_cli(files, data):
    text = files["contacts"].read_text()
    for _ in range(data.draw(st.integers(1, 2))):
        text = _corrupt_text(text, data) or "\n"
    path = files["folder"] / "case.csv"
    path.write_text(text)
    assert_clean_outcome(*_run(["verify", str(files["scenario"]), str(files["solution"]), "--contacts", str(path)]))


@FUZZ
@given(data=st.data(), as_text=st.booleans())
def test_fuzzed_solution_files_never_escape_the_cli(files, data, as_text):
    text = files["solution"].read_text()
    if as_text:
        text = _corrupt_text(text, data)
    else:
        record = json.loads(text)
        for _ in range(data.draw(st.integers(1, 3))):
            _mutate(record, data)
        text = json.dumps(record)
    path = files["folder"] / "case-solution.json"
    path.write_text(text)
    assert_clean_outcome(*_run(["verify", str(files["scenario"]), str(path), "--contacts", str(files["contacts"])]))


_element_numbers = st.one_of(_numbers, st.floats(-200, 2000), st.floats(0, 1.2))
_elements = st.fixed_dictionaries(
    {"id": st.one_of(st.sampled_from(["A", "B"]), _scalars), "inclination_deg": _element_numbers},
    optional={"altitude_km": _element_numbers, "semi_major_axis_km": _element_numbers, "eccentricity": _element_numbers,
              "raan_deg": _element_numbers, "mean_anomaly_deg": _element_numbers, "bstar": _element_numbers,
              "epoch": st.one_of(_texts, st.datetimes().map(lambda t: t.isoformat()))})


@FUZZ
@given(elements=st.lists(_elements, min_size=1, max_size=3),
       start=st.one_of(_texts, st.datetimes().map(lambda t: t.isoformat())))
def test_fuzzed_element_sets_and_windows_never_escape_the_contact_search(files, elements, start):
    document = dict(copy.deepcopy(TINY), satellites={"elements": elements}, window={"start": start, "days": 0.1})
    path = files["folder"] / "elements.json"
    path.write_text(json.dumps(document))
    assert_clean_outcome(*_run(["contacts", str(path), "--out", str(files["folder"] / "elements.csv")]))


@pytest.mark.parametrize("argv", [["demo", "--days", "inf"], ["demo", "--days", "1e9"], ["demo", "--days", "nan"],
                                  ["solve", "x.json", "--rel-gap", "nan"], ["stations", "--status"]])
def test_bad_command_lines_are_one_error_line(argv, tmp_path):
    code, err = _run([*argv, "--out", str(tmp_path / "out")] if argv[0] != "stations" else argv)
    assert code == 2
    assert_clean_outcome(code, err)
