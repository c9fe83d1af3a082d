"""Tests of the gstk command line: contacts -> solve -> verify, tampering, demo, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gstk.cli import main
from gstk.contacts.files import read_contacts_csv
from gstk.scenario.files import load_scenario

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "example_scenario.json"


@pytest.fixture(scope="module")
def quick_scenario(tmp_path_factory) -> Path:
    """The example scenario shortened to one day (same constraints, prices and satellites)."""
    path = tmp_path_factory.mktemp("cli") / "scenario.json"
    load_scenario(EXAMPLE).with_changes(days=1.0).save(path)
    return path


@pytest.fixture(scope="module")
def solved(quick_scenario) -> dict[str, Path]:
    """Run `gstk contacts` and `gstk solve` once for the module; return the files."""
    folder = quick_scenario.parent
    contacts, solution = folder / "contacts.csv", folder / "solution.json"
    assert main(["contacts", str(quick_scenario), "--out", str(contacts), "--no-progress"]) == 0
    assert main(["solve", str(quick_scenario), "--contacts", str(contacts), "--out", str(solution),
                 "--time-limit", "60"]) == 0
    return {"scenario": quick_scenario, "contacts": contacts, "solution": solution}


def test_contacts_solve_verify_end_to_end(solved, capsys):
    scenario = load_scenario(solved["scenario"])
    table = read_contacts_csv(solved["contacts"], start=scenario.start, end=scenario.end)
    assert len(table) > 100 and set(table["satellite_id"]) == {"DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4"}
    record = json.loads(solved["solution"].read_text())
    assert record["status"] in ("OPTIMAL", "FEASIBLE")
    assert 1 <= len(record["selected_providers"]) <= 3
    code = main(["verify", str(solved["scenario"]), str(solved["solution"]), "--contacts", str(solved["contacts"])])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verified: no violations" in out


def test_solve_prints_repr_and_station_table(quick_scenario, solved, tmp_path, capsys):
    out_path = tmp_path / "again.json"
    code = main(["solve", str(quick_scenario), "--contacts", str(solved["contacts"]), "--out", str(out_path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("<Solution ") and out[0].endswith(">")
    assert any(line.startswith("stations used") for line in out)
    assert any(line.startswith("mission cost over 365 days:") for line in out)
    assert out[-1] == f"wrote {out_path}"


def test_verify_fails_on_a_tampered_solution(solved, tmp_path, capsys):
    record = json.loads(solved["solution"].read_text())
    record["objective"] *= 1.5  # claim 50 % more data than the contacts give
    dropped = record["contacts"].pop(0)  # and drop a taken contact without updating the totals
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(record))
    code = main(["verify", str(solved["scenario"]), str(tampered), "--contacts", str(solved["contacts"])])
    out = capsys.readouterr().out
    assert code == 1
    assert "violation" in out and "objective" in out, out
    assert dropped["contact_id"]  # the record really held contacts


def test_verify_fails_on_a_forged_contact(solved, tmp_path, capsys):
    record = json.loads(solved["solution"].read_text())
    forged = dict(record["contacts"][0], station_id="KSAT/Nowhere")
    record["contacts"].append(forged)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(record))
    assert main(["verify", str(solved["scenario"]), str(path), "--contacts", str(solved["contacts"])]) == 1
    assert "violation" in capsys.readouterr().out


@pytest.mark.parametrize("argv, needle", [
    (["solve", "does-not-exist.json"], "no such scenario file 'does-not-exist.json'"),
    (["contacts", "missing/scenario.yaml"], "no such scenario file"),
    (["verify", str(EXAMPLE), "no-solution.json"], "no such solution file 'no-solution.json'"),
    (["solve", str(EXAMPLE), "--contacts", "no-contacts.csv"], "no such contacts file 'no-contacts.csv'"),
    (["stations", "--providers", "Nobody"], "unknown provider 'Nobody'"),
])
def test_errors_are_one_line_with_exit_2(argv, needle, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gstk: error: ") and needle in lines[0], captured.err
    assert captured.out == ""


def test_bad_scenario_names_the_key(tmp_path, capsys):
    data = json.loads(EXAMPLE.read_text())
    data["constraints"][4]["usd"] = "abc"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"gstk: error: scenario.constraints[4].usd: expected a number, got 'abc' (in {path})\n"


def test_not_a_solution_file(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text('{"hello": 1}')
    assert main(["verify", str(EXAMPLE), str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"gstk: error: {path}: not a gstk solution JSON")


def test_console_entry_point_prints_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gstk.cli", "verify", "absent.json", "absent-solution.json"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    assert result.stderr == "gstk: error: no such scenario file 'absent.json'\n"
    assert "Traceback" not in result.stderr


def test_usage_errors_and_help(capsys):
    assert main([]) == 2
    assert "commands" in capsys.readouterr().err
    assert main(["solve"]) == 2  # argparse: missing SCENARIO
    assert main(["--help"]) == 0
    assert "demo" in capsys.readouterr().out


def test_stations_lists_the_catalog(capsys):
    assert main(["stations", "--providers", "KSAT", "--bands", "Ka"]) == 0
    out = capsys.readouterr().out
    assert "KSAT/Svalbard" in out and out.strip().endswith("1 stations: KSAT 1")


def test_demo_runs_offline_and_writes_its_outputs(tmp_path, capsys):
    out_dir = tmp_path / "demo"
    code = main(["demo", "--days", "1", "--out", str(out_dir), "--no-map", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0, out
    for name in ("scenario.json", "contacts.csv", "solution.json"):
        assert (out_dir / name).is_file(), name
    assert "verified: no violations" in out and str(out_dir.resolve()) in out
    assert load_scenario(out_dir / "scenario.json").days == 1
    assert main(["verify", str(out_dir / "scenario.json"), str(out_dir / "solution.json"),
                 "--contacts", str(out_dir / "contacts.csv")]) == 0


def test_infeasible_solve_exits_1_with_the_diagnosis(tmp_path, capsys):
    scenario = {"window": {"start": "2025-03-11T00:00:00Z", "days": 1}, "satellites": {"demo": True},
                "stations": {"providers": ["Leaf"]}, "prices": {"random": {"seed": 1}},
                "objective": {"type": "MinMissionCost"},
                "constraints": [{"type": "MaxProviders", "count": 0}, {"type": "MinSatelliteDownlink", "volume_gb": 1}]}
    path = tmp_path / "infeasible.json"
    path.write_text(json.dumps(scenario))
    out_path = tmp_path / "solution.json"
    assert main(["solve", str(path), "--out", str(out_path), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("<Solution INFEASIBLE") and "MaxProviders" in out
    assert json.loads(out_path.read_text())["status"] == "INFEASIBLE"
    assert main(["verify", str(path), str(out_path)]) == 1
    assert "no solution to verify" in capsys.readouterr().out
