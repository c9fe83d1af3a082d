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


# --------------------------------------------------------------------------- issue 15: trust nothing that comes in
SOLUTION_CORRUPTIONS = [  # (name, edit of the solution record, key the one-line error names)
    ("missing contacts", lambda r: r.pop("contacts"), "solution.contacts: missing"),
    ("contacts is text", lambda r: r.update(contacts="abc"), "solution.contacts: expected a list of contact records"),
    ("contacts is a mapping", lambda r: r.update(contacts={"a": r["contacts"][0]}),
     "solution.contacts: expected a list"),
    ("objective is text", lambda r: r.update(objective="big"), "solution.objective: expected a number"),
    ("contact without aos", lambda r: r["contacts"][1].pop("aos"), "solution.contacts[1].aos: missing"),
    ("contact aos null", lambda r: r["contacts"][0].update(aos=None), "solution.contacts[0].aos: expected an ISO-8601"),
    ("contact is a list", lambda r: r["contacts"].__setitem__(0, [1, 2]), "solution.contacts[0]: expected a mapping"),
    ("stations is text", lambda r: r.update(selected_stations="KSAT/Svalbard"),
     "solution.selected_stations: expected a list of names"),
    ("unknown status", lambda r: r.update(status="GREAT"), "solution.status: expected one of OPTIMAL"),
    ("negative count", lambda r: r.update(n_variables=-1), "solution.n_variables: expected an integer >= 0"),
    ("window reversed", lambda r: r.update(sim_end="2025-03-10T00:00:00Z"), "solution.sim_end: expected a time after"),
    ("odd dtype", lambda r: r["contacts_dtypes"].update(aos="complex128"),
     "solution.contacts_dtypes.aos: expected a dtype"),
    ("unknown key", lambda r: r.update(colour=1), "solution.colour: unknown key"),
]


@pytest.mark.parametrize("edit, key", [c[1:] for c in SOLUTION_CORRUPTIONS], ids=[c[0] for c in SOLUTION_CORRUPTIONS])
def test_verify_refuses_a_malformed_solution_with_one_line_naming_the_key(solved, tmp_path, capsys, edit, key):
    record = json.loads(solved["solution"].read_text())
    edit(record)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record))
    code = main(["verify", str(solved["scenario"]), str(path), "--contacts", str(solved["contacts"])])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "", captured
    assert captured.err == f"gstk: error: {path}: not a gstk solution JSON: {captured.err.split(': ', 4)[-1]}"
    assert captured.err.count("\n") == 1 and key in captured.err, captured.err


def test_solution_with_json_literals_is_refused(solved, tmp_path, capsys):
    text = solved["solution"].read_text().replace('"data_total_bit": ', '"data_total_bit": Infinity, "x": ', 1)
    path = tmp_path / "literal.json"
    path.write_text(text)
    assert main(["verify", str(solved["scenario"]), str(path)]) == 2
    err = capsys.readouterr().err
    assert "solution.data_total_bit: the literal Infinity is not strict JSON" in err and err.count("\n") == 1


@pytest.mark.parametrize("edit, needle", [
    (lambda text: text[:len(text) // 2], "the last row ends without a newline"),
    (lambda text: text.replace("2025-03-11", "2025-04-11"), "line 2: window 2025-04-11"),
    (lambda text: text.replace("KSAT/Svalbard", "KSAT/Nowhere", 1), "station_id 'KSAT/Nowhere' is not a station"),
], ids=["truncated", "another window", "unknown station"])
def test_solve_and_verify_refuse_a_corrupt_contacts_file(solved, tmp_path, capsys, edit, needle):
    path = tmp_path / "bad.csv"
    path.write_text(edit(solved["contacts"].read_text()))
    for argv in (["solve", str(solved["scenario"]), "--out", str(tmp_path / "s.json")],
                 ["verify", str(solved["scenario"]), str(solved["solution"])]):
        assert main([*argv, "--contacts", str(path)]) == 2
        captured = capsys.readouterr()
        assert captured.err.startswith(f"gstk: error: {path}, line ") and captured.err.count("\n") == 1
        assert needle in captured.err, captured.err
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize("argv, needle", [
    (["demo", "--days", "inf"], "gstk: error: gstk demo: argument --days: expected a finite number, got 'inf'"),
    (["demo", "--days", "nan"], "argument --days: expected a finite number, got 'nan'"),
    (["demo", "--days", "0"], "argument --days: expected a number > 0, got '0'"),
    (["demo", "--days", "1e9"], "gstk: error: scenario.window.days: a window of 1e+09 days from 2025-03-11 ends after"),
    (["solve", str(EXAMPLE), "--rel-gap", "inf"], "argument --rel-gap: expected a finite number"),
    (["solve", str(EXAMPLE), "--time-limit=-inf"], "argument --time-limit: expected a finite number"),
    (["reproduce", "--time-limit", "nan"], "argument --time-limit: expected a finite number of seconds > 0"),
    (["solve"], "gstk: error: gstk solve: the following arguments are required: scenario"),
])
def test_bad_numbers_and_usage_errors_are_one_line(argv, needle, tmp_path, capsys):
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and needle in captured.err, captured.err
    assert not (tmp_path / "out").exists()


def _tiny(tmp_path, **changes) -> Path:
    data = {"window": {"start": "2025-03-11T00:00:00Z", "days": 0.25}, "satellites": {"demo": True},
            "stations": {"providers": ["KSAT"], "station_ids": ["KSAT/Svalbard", "KSAT/Troll"]}}
    data.update(changes)
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data))
    return path


def test_stale_elements_give_one_warning_line(tmp_path, capsys):
    path = _tiny(tmp_path, window={"start": "2055-03-11T00:00:00Z", "days": 0.25})  # demo epoch: 2025-03-10
    assert main(["contacts", str(path), "--out", str(tmp_path / "c.csv")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("gstk: warning: 4 of 4 satellites have element sets more than 30 days from the window")
    assert err.count("\n") == 1 and ".py:" not in err and "warnings.warn" not in err


def test_a_window_far_longer_than_elements_support_warns(tmp_path, capsys, monkeypatch):
    import gstk.contacts.windows as windows

    monkeypatch.setattr(windows, "ContactSearch", None)  # stop before the (minutes-long) search
    path = _tiny(tmp_path, window={"start": "2025-03-11T00:00:00Z", "days": 20000})
    with pytest.raises(TypeError):
        main(["contacts", str(path), "--out", str(tmp_path / "c.csv")])
    err = capsys.readouterr().err
    assert err.startswith("gstk: warning: the window 2025-03-11 00:00..2079-12-13 00:00 UTC is 20,000 days long")


def test_when_every_satellite_decayed_the_solve_fails_clearly(tmp_path, capsys):
    gone = [{"id": f"GONE-{i}", "altitude_km": 300, "inclination_deg": 97, "bstar": 0.5,
             "epoch": "2025-03-01T00:00:00Z"} for i in range(2)]
    path = _tiny(tmp_path, satellites={"elements": gone})
    assert main(["solve", str(path), "--out", str(tmp_path / "s.json")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1] for line in lines] == [" warning", " warning", " error"], lines
    assert "no satellite is left to schedule" in lines[-1] and not (tmp_path / "s.json").exists()


def test_a_closed_stdout_ends_quietly(monkeypatch, capsys):
    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["stations", "--providers", "KSAT"]) == 141
    assert capsys.readouterr().err == ""


def test_console_entry_point_with_a_closed_pipe(tmp_path):
    import os

    import gstk

    env = {**os.environ, "PYTHONPATH": str(Path(gstk.__file__).resolve().parent.parent)}  # this checkout's gstk
    process = subprocess.Popen([sys.executable, "-m", "gstk.cli", "stations", "--status", "all"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    process.stdout.close()  # the reader went away, as `| head -0` does
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141 and err == b""
