"""Tests of gstk.scenario.files: schema, validation messages, round trips, prices, contacts CSV."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gstk import datasets
from gstk.catalog.prices import TABLE1
from gstk.contacts.files import read_contacts_csv, write_contacts_csv
from gstk.errors import ScenarioError
from gstk.problem.definition import Problem
from gstk.problem.specs import MaxMonthlyCost, MinContactDuration, MinSatelliteDownlink, StationStatus
from gstk.scenario.files import Scenario, load_scenario, read_scenario_dict
from gstk.scenario.schema import canonical_units

EXAMPLE_JSON = Path(__file__).resolve().parent.parent / "data" / "example_scenario.json"
EXAMPLE_YAML = EXAMPLE_JSON.with_suffix(".yaml")
ISS_TLE = """ISS (ZARYA)
1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993
2 25544  51.6369  71.0836 0006338  10.6648  86.8244 15.49895111500003
"""
ONE_MS = pd.Timedelta(milliseconds=1)


@pytest.fixture()
def example() -> dict:
    return json.loads(EXAMPLE_JSON.read_text())


def small(**changes) -> dict:
    """A fast scenario: demo satellites, KSAT and Leaf stations, one day."""
    data = {"window": {"start": "2025-03-11T00:00:00Z", "days": 1}, "satellites": {"demo": True},
            "stations": {"providers": ["KSAT", "Leaf"]}, "prices": {"random": {"seed": 4}}}
    data.update(changes)
    return data


# --------------------------------------------------------------------------- the example and round trips
def test_example_scenario_is_complete_and_offline(example):
    scenario = load_scenario(EXAMPLE_JSON)
    assert scenario.days == 7 and scenario.satellite_source == {"demo": True}
    assert scenario.prices == {"random": {"seed": 2025}}
    names = [c.builder for c in scenario.constraints]
    assert names == ["min_contact_duration", "station_contact_exclusion", "satellite_contact_exclusion",
                     "max_providers", "max_monthly_cost"]
    problem = scenario.problem()
    assert isinstance(problem, Problem) and problem.mission_days == 365
    assert len(problem.stations) == len(scenario.stations()) == 86
    assert problem.satellites["satellite_id"].tolist() == ["DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4"]


def test_yaml_example_equals_json_example():
    assert load_scenario(EXAMPLE_YAML) == load_scenario(EXAMPLE_JSON)


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_save_load_round_trip(tmp_path, suffix):
    scenario = load_scenario(EXAMPLE_JSON).with_changes(step_s=30.0, description="round trip")
    path = scenario.save(tmp_path / f"copy{suffix}")
    again = load_scenario(path)
    assert again == scenario
    assert again.to_dict() == scenario.to_dict()
    assert again.step_s == 30.0 and again.start == scenario.start
    for a, b in zip(again.price_tables(), scenario.price_tables()):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_infinite_spec_values_save_as_strict_text_and_load_back(tmp_path, suffix):
    import json
    import math

    from gstk.problem.specs import MaxMonthlyCost

    scenario = load_scenario(EXAMPLE_JSON)
    scenario = scenario.with_changes(constraints=(*scenario.constraints, MaxMonthlyCost(usd=math.inf)))
    path = scenario.save(tmp_path / f"inf{suffix}")
    if suffix == ".json":
        json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    again = load_scenario(path)
    assert again == scenario
    assert any(isinstance(c, MaxMonthlyCost) and c.usd == math.inf for c in again.constraints)


def test_dict_round_trip_keeps_every_section():
    data = small(
        name="full", description="all sections", mission_days=730,
        satellites={"demo": True, "select": {"name": ["DEMO-1*", "DEMO-2*"]}, "sample": {"n": 1, "seed": 3, "rule": "all"}},
        satellite_rates={"default_bps": 1e9, "by_id": {"DEMO-2": 5e8}},
        prices={"random": {"seed": 1, "ranges": {"monthly_cost_usd": [100, 200]}},
                "providers": {"KSAT": {"antennas": 2}}, "stations": {"Leaf/Awarua": {"rate_bps": 1e9}}},
        objective={"type": "MinMissionCost"},
        constraints=[{"type": "MinSatelliteDownlink", "volume_bit": 1e9}, {"type": "AllowedProviders", "providers": ["KSAT"]}],
        solver={"time_limit_s": 5, "rel_gap": 0.0, "threads": 2, "seed": 1},
    )
    scenario = Scenario.from_dict(data)
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert scenario.to_dict()["constraints"][1] == {"type": "AllowedProviders", "providers": ["KSAT"]}


def test_yaml_reads_exponents_without_dot_as_numbers(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(small()) + "satellite_rates: {default_bps: 1e9}\n")
    assert load_scenario(path).satellite_rates == {"default_bps": 1e9}


def test_friendly_units_are_converted():
    scenario = Scenario.from_dict(small(constraints=[
        {"type": "MinSatelliteDownlink", "volume_gb": 2, "window_h": 12, "step_min": 30},
        {"type": "MaxMonthlyCost", "kusd": 20}, {"type": "MinContactDuration", "duration_min": 3}],
        satellite_rates={"default_gbps": 1.5}, prices={"random": {"seed": 1}, "defaults": {"rate_gbps": 1.2}}))
    assert scenario.constraints == (MinSatelliteDownlink(window_s=43_200.0, step_s=1_800.0, volume_bit=1.6e10),
                                    MaxMonthlyCost(usd=20_000.0), MinContactDuration(duration_s=180.0))
    assert scenario.satellite_rates == {"default_bps": 1.5e9}
    assert (scenario.price_tables()[0]["rate_bps"] == 1.2e9).all()
    assert canonical_units({"gap_h": 2, "providers": ["x"]}, "x") == {"gap_s": 7200.0, "providers": ["x"]}


# --------------------------------------------------------------------------- paths
def test_relative_paths_resolve_against_the_file(tmp_path, monkeypatch):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "iss.tle").write_text(ISS_TLE)
    path = folder / "s.json"
    path.write_text(json.dumps(small(satellites={"tle": "iss.tle"})))
    monkeypatch.chdir(tmp_path)
    scenario = load_scenario("study/s.json")
    assert scenario.satellites().satellite_id.tolist() == ["25544"]
    moved = scenario.save(tmp_path / "elsewhere" / "s.json")
    assert json.loads(moved.read_text())["satellites"]["tle"] == "../study/iss.tle"
    assert load_scenario(moved).satellites().satellite_id.tolist() == ["25544"]


def test_shared_tle_token(tmp_path, monkeypatch):
    (tmp_path / "snapshot.tle").write_text(ISS_TLE)
    monkeypatch.setenv(datasets.TLE_PATH_ENV, str(tmp_path / "snapshot.tle"))
    scenario = Scenario.from_dict(small(satellites={"tle": "$GSTK_TLE"}))
    assert scenario.satellites().name.tolist() == ["ISS (ZARYA)"]
    assert scenario.to_dict()["satellites"] == {"tle": "$GSTK_TLE"}
    monkeypatch.setenv(datasets.TLE_PATH_ENV, str(tmp_path / "absent.tle"))
    with pytest.raises(ScenarioError, match=r"scenario.satellites.tle: no such file .*absent.tle.*GSTK_TLE_PATH"):
        Scenario.from_dict(small(satellites={"tle": "$GSTK_TLE"}))


# --------------------------------------------------------------------------- one-line errors
BAD_INPUTS = [
    (lambda d: d["constraints"][4].update(usd="abc"), "scenario.constraints[4].usd: expected a number, got 'abc'"),
    (lambda d: d.update(colour=1), "scenario.colour: unknown key"),
    (lambda d: d["window"].update(days="7"), "scenario.window.days: expected a number, got '7'"),
    (lambda d: d["window"].update(start="soon"), "scenario.window.start: expected an ISO-8601 time"),
    (lambda d: d["window"].pop("start"), "scenario.window.start: missing"),
    (lambda d: d.update(satellites={"tle": "nowhere.tle"}), "scenario.satellites.tle: no such file"),
    (lambda d: d.update(satellites={"demo": True, "omm": "x.json"}), "scenario.satellites: give exactly one of"),
    (lambda d: d.update(satellites={"demo": True, "sample": {"n": 2}}), "scenario.satellites.sample.seed: missing"),
    (lambda d: d.update(satellites={"demo": True, "sample": {"n": 2, "seed": 1, "rule": "leo"}}),
     "scenario.satellites.sample.rule: expected one of"),
    (lambda d: d.update(satellites={"demo": True, "select": {"altitude_km": [900]}}),
     "scenario.satellites.select.altitude_km: expected [low, high]"),
    (lambda d: d["constraints"].append({"type": "MaxProvider"}), "scenario.constraints[5].type: unknown spec type"),
    (lambda d: d["constraints"].append({"type": "MaxProviders", "count": 1.5}),
     "scenario.constraints[5].count: expected an integer, got 1.5"),
    (lambda d: d["constraints"].append({"type": "MaxProviders", "number": 2}),
     "scenario.constraints[5]: MaxProviders: unknown key(s) ['number']"),
    (lambda d: d["constraints"].append({"type": "MaxContactGap", "gap_s": -1}),
     "scenario.constraints[5]: MaxContactGap.gap_s must be a finite number >= 0"),
    (lambda d: d["constraints"].append({"type": "MinSatelliteDownlink", "volume_gb": 1, "volume_bit": 1}),
     "scenario.constraints[5].volume_gb: give volume_gb or volume_bit, not both"),
    (lambda d: d["constraints"].append({"type": "MaxMissionData"}), "scenario.constraints[5].type: MaxMissionData is not"),
    (lambda d: d.update(objective={"type": "MaxProviders"}), "scenario.objective.type: MaxProviders is not an objective"),
    (lambda d: d.update(constraints={"type": "MaxProviders"}), "scenario.constraints: expected a list"),
    (lambda d: d.update(mission_days=-1), "scenario.mission_days: expected a number > 0"),
    (lambda d: d.update(stations={"path": "no.csv"}), "scenario.stations.path: no such file"),
    (lambda d: d.update(stations={"bands": 5}), "scenario.stations.bands: expected a string or a list of strings"),
    (lambda d: d.update(prices={"random": {"seed": "x"}}), "scenario.prices.random.seed: expected an integer"),
    (lambda d: d.update(prices={"random": {"seed": 1}, "stations": {"KSAT/Svalbard": {"monthly_cost": 1}}}),
     "scenario.prices.stations.KSAT/Svalbard.monthly_cost: unknown key"),
    (lambda d: d.update(solver={"time_limit": 9}), "scenario.solver.time_limit: unknown key"),
    (lambda d: d.update(satellite_rates={"default_bps": 0}), "scenario.satellite_rates.default_bps: expected a number > 0"),
    # issue 15: non-finite numbers (JSON Infinity/NaN) and windows beyond what timestamps hold
    (lambda d: d["window"].update(days=float("inf")), "scenario.window.days: expected a finite number, got inf"),
    (lambda d: d["window"].update(days=float("nan")), "scenario.window.days: expected a finite number, got nan"),
    (lambda d: d["window"].update(days=10**400), "scenario.window.days: expected a finite number, got 1000"),
    (lambda d: d["window"].update(days=1e9), "scenario.window.days: a window of 1e+09 days from 2025-03-11 ends after "
     "2262-04-11"),
    (lambda d: d["window"].update(start="3000-01-01"), "scenario.window.start: expected a time between 1677-09-21"),
    (lambda d: d["window"].update(step_s=float("-inf")), "scenario.window.step_s: expected a finite number"),
    (lambda d: d.update(mission_days=float("inf")), "scenario.mission_days: expected a finite number, got inf"),
    (lambda d: d["constraints"][4].update(usd=float("nan")), "scenario.constraints[4].usd: expected a finite number"),
    (lambda d: d["constraints"][0].update(duration_s=float("inf")),
     "scenario.constraints[0]: MinContactDuration.duration_s must be a finite number >= 0, got inf"),
    (lambda d: d.update(solver={"time_limit_s": float("inf")}), "scenario.solver.time_limit_s: expected a finite"),
    (lambda d: d.update(prices={"random": {"seed": 1}, "defaults": {"monthly_cost_usd": float("inf")}}),
     "scenario.prices.defaults.monthly_cost_usd: expected a finite number"),
]


@pytest.mark.parametrize("mutate, message", BAD_INPUTS, ids=[m.split(":")[0] for _, m in BAD_INPUTS])
def test_bad_input_gives_one_line_naming_the_key(tmp_path, example, mutate, message):
    data = copy.deepcopy(example)
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(message), text
    assert text.endswith(f"(in {path})")


LATE_ERRORS = [  # found when the catalogs are read, still one line naming the section
    (dict(stations={"providers": ["Nobody"]}), "scenario.stations: unknown provider 'Nobody'"),
    (dict(prices={"random": {"seed": 1}, "providers": {"Nobody": {"antennas": 2}}}),
     "scenario.prices.providers.Nobody: unknown provider"),
    (dict(prices={"defaults": {"monthly_cost_usd": 1}}), "scenario.prices.providers.KSAT.integration_cost_usd: missing"),
    (dict(satellite_rates={"by_id": {"X-1": 1e9}}), "scenario.satellite_rates.by_id.X-1: not a satellite"),
    (dict(satellites={"demo": True, "select": {"altitude_km": [900, 950]}}), "scenario.satellites: no satellite is left"),
    (dict(constraints=[{"type": "RequiredProvider", "provider": "Viasat"}]),
     "scenario.constraints: RequiredProvider: unknown provider 'Viasat'"),
]


@pytest.mark.parametrize("changes, message", LATE_ERRORS, ids=[m.split(":")[0] for _, m in LATE_ERRORS])
def test_late_errors_are_one_line_too(tmp_path, changes, message):
    path = tmp_path / "late.json"
    path.write_text(json.dumps(small(**changes)))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path).problem()
    text = str(info.value)
    assert "\n" not in text and text.startswith(message), text
    assert text.count(f"(in {path})") == 1


@pytest.mark.parametrize("text, message", [
    ("window: {start: 2025-03-11, days: .inf}\nsatellites: {demo: true}\n", "scenario.window.days: expected a finite"),
    ("window: {start: 2025-03-11, days: .nan}\nsatellites: {demo: true}\n", "scenario.window.days: expected a finite"),
    ("window: {start: 2025-03-11, days: 1}\nsatellites: {demo: true}\nmission_days: -.inf\n",
     "scenario.mission_days: expected a finite number, got -inf"),
    ("window: {start: 2025-03-11, days: 1}\nsatellites: {demo: true}\n"
     "constraints: [{type: MaxContactGap, gap_s: .nan}]\n",
     "scenario.constraints[0].gap_s: expected a finite number, got nan"),
    ("window: {start: 2025-03-11, days: " + "9" * 5000 + "}\nsatellites: {demo: true}\n", "invalid YAML"),
])
def test_yaml_non_finite_numbers_are_refused(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "\n" not in str(info.value) and message in str(info.value), str(info.value)


def test_unlimited_spec_values_stay_unlimited(tmp_path):
    # "inf" text (what Scenario.save writes) and YAML .inf mean "no limit" where a spec allows it
    path = tmp_path / "ok.yaml"
    path.write_text("window: {start: 2025-03-11, days: 1}\nsatellites: {demo: true}\n"
                    "constraints: [{type: MaxMonthlyCost, usd: .inf}, {type: MaxMonthlyCost, usd: inf}]\n")
    assert [c.usd for c in load_scenario(path).constraints] == [float("inf")] * 2


def test_unreadable_files_name_the_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"window": {"days": 7,}}')
    with pytest.raises(ScenarioError, match=r"broken.json: invalid JSON at line 1 column"):
        read_scenario_dict(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n")
    with pytest.raises(ScenarioError, match="mapping at top level, got list"):
        load_scenario(listed)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("window: [1, 2\n")
    with pytest.raises(ScenarioError, match="invalid YAML at line"):
        load_scenario(bad_yaml)


# --------------------------------------------------------------------------- prices and rates
def test_explicit_prices_layer_defaults_providers_stations():
    defaults = {"integration_cost_usd": 1e5, "setup_cost_usd": 2e4, "monthly_cost_usd": 1e3, "licence_cost_usd": 2e3,
                "pass_cost_usd": 50, "minute_cost_usd": 0, "rate_bps": 1.5e9}
    scenario = Scenario.from_dict(small(
        prices={"defaults": defaults, "providers": {"KSAT": {"integration_cost_usd": 9e4, "monthly_cost_usd": 3e3}},
                "stations": {"KSAT/Svalbard": {"monthly_cost_usd": 7e3, "antennas": 3}}},
        satellite_rates={"default_bps": 1e9, "by_id": {"DEMO-3": 8e8}}))
    stations, providers, satellites = scenario.price_tables()
    monthly = stations.set_index("station_id")["monthly_cost_usd"]
    assert monthly["KSAT/Svalbard"] == 7e3
    assert (monthly[stations.set_index("station_id")["provider"] == "KSAT"].drop("KSAT/Svalbard") == 3e3).all()
    assert (monthly[stations.set_index("station_id")["provider"] == "Leaf"] == 1e3).all()
    assert providers.set_index("provider")["integration_cost_usd"].to_dict() == {"KSAT": 9e4, "Leaf": 1e5}
    assert stations.set_index("station_id")["antennas"]["KSAT/Svalbard"] == 3
    assert (stations["antennas"].sum() - 3) == len(stations) - 1
    assert satellites.set_index("satellite_id")["rate_bps"].to_dict() == {
        "DEMO-1": 1e9, "DEMO-2": 1e9, "DEMO-3": 8e8, "DEMO-4": 1e9}
    scenario.problem()  # a valid Problem


def test_random_prices_with_overrides_follow_table1():
    scenario = Scenario.from_dict(small(prices={"random": {"seed": 6}, "stations": {"Leaf/Awarua": {"monthly_cost_usd": 1}}}))
    stations, providers, satellites = scenario.price_tables()
    assert stations.set_index("station_id").loc["Leaf/Awarua", "monthly_cost_usd"] == 1
    others = stations[stations["station_id"] != "Leaf/Awarua"]
    assert others["monthly_cost_usd"].between(*TABLE1["monthly_cost_usd"]).all()
    assert satellites["rate_bps"].between(*TABLE1["satellite_rate_bps"]).all()
    assert providers["integration_cost_usd"].between(*TABLE1["integration_cost_usd"]).all()


def test_status_filter_reaches_the_problem():
    scenario = Scenario.from_dict(small(stations={"status": "all", "providers": ["Azure", "KSAT"]}))
    assert set(scenario.stations()["status"]) > {"Operational"}
    statuses = [c for c in scenario.problem().constraints if isinstance(c, StationStatus)]
    assert statuses and set(statuses[0].statuses) == set(scenario.stations()["status"])
    assert not any(isinstance(c, StationStatus) for c in Scenario.from_dict(small()).problem().constraints)


def test_elements_source_and_station_ids():
    scenario = Scenario.from_dict(small(
        satellites={"elements": [{"id": "A", "altitude_km": 550, "inclination_deg": 97.6, "epoch": "2025-03-10T00:00:00Z"},
                                 {"id": "B", "name": "Bee", "altitude_km": 600, "inclination_deg": 53, "raan_deg": 90}]},
        stations={"station_ids": ["KSAT/Svalbard", "KSAT/Troll"]}))
    assert scenario.satellites().satellite_id.tolist() == ["A", "B"]
    assert scenario.satellites().name.tolist() == ["A", "Bee"]
    assert scenario.stations()["station_id"].tolist() == ["KSAT/Svalbard", "KSAT/Troll"]


# --------------------------------------------------------------------------- contacts CSV
def test_contacts_csv_round_trip_is_exact(tmp_path):
    scenario = Scenario.from_dict(small(stations={"providers": ["KSAT"]}))
    contacts = scenario.contacts(progress=False)
    assert len(contacts) > 10
    path = write_contacts_csv(contacts, tmp_path / "c.csv")
    again = read_contacts_csv(path, start=scenario.start, end=scenario.end)
    pd.testing.assert_frame_equal(again, contacts, check_exact=True)
    assert again.attrs["start"] == scenario.start and again.attrs["end"] == scenario.end
    assert pd.read_csv(path)["aos"].str.endswith("Z").all()


def test_contacts_csv_errors(tmp_path):
    with pytest.raises(ScenarioError, match="no such contacts file"):
        read_contacts_csv(tmp_path / "none.csv", start="2025-03-11", end="2025-03-12")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(ScenarioError, match=r"lacks column\(s\) \['satellite_id'"):
        read_contacts_csv(wrong, start="2025-03-11", end="2025-03-12")
    bad_time = tmp_path / "bad_time.csv"
    bad_time.write_text("satellite_id,station_id,aos,los,duration_s\nA,B,yesterday,2025-03-11T00:01:00Z,60\n")
    with pytest.raises(ScenarioError, match="line 2: aos holds 'yesterday'; expected an ISO-8601 UTC time"):
        read_contacts_csv(bad_time, start="2025-03-11", end="2025-03-12")


# Issue 15: the reader distrusts the file, even one gstk wrote: each case is one line naming file and line.
def _edit_cell(line: str, column: int, value: str) -> str:
    cells = line.rstrip("\n").split(",")
    cells[column] = value
    return ",".join(cells) + "\n"


CONTACT_CORRUPTIONS = [  # (name, edit of the file's lines, expected message after "<file>, line ")
    ("truncated mid-row", lambda ls: "".join(ls)[:-40], "the last row ends without a newline"),
    ("empty los", lambda ls: ls[:3] + [_edit_cell(ls[3], 4, "")] + ls[4:], "4: los is empty; expected an ISO-8601"),
    ("los before aos", lambda ls: ls[:3] + [_edit_cell(_edit_cell(ls[3], 4, ls[3].split(",")[3]), 3,
                                                         ls[3].split(",")[4])] + ls[4:], "4: los 2025-03-11"),
    ("another window", lambda ls: [ls[0]] + [x.replace("2025-03-11", "2025-04-11") for x in ls[1:]],
     "2: window 2025-04-11T"),
    ("duration disagrees", lambda ls: ls[:5] + [_edit_cell(ls[5], 5, "999.5")] + ls[6:],
     "6: duration_s 999.5 disagrees with los - aos"),
    ("aos_s disagrees", lambda ls: ls[:2] + [_edit_cell(ls[2], 10, "1.0")] + ls[3:], "3: aos_s 1.0 disagrees"),
    ("duplicate row", lambda ls: ls[:6] + [ls[5]] + ls[6:], "7: contact (DEMO-1, "),
    ("unknown station", lambda ls: ls[:8] + [ls[8].replace("KSAT/", "KSAT/Nowhere", 1)] + ls[9:],
     "9: station_id 'KSAT/Nowhere"),
    ("unknown satellite", lambda ls: ls[:4] + [ls[4].replace("DEMO-", "DEMO-9", 1)] + ls[5:],
     "5: satellite_id 'DEMO-9"),
    ("wrong provider", lambda ls: ls[:2] + [ls[2].replace(",KSAT,", ",Leaf,", 1)] + ls[3:], "3: provider 'Leaf'"),
    ("infinite number", lambda ls: ls[:2] + [_edit_cell(ls[2], 6, "inf")] + ls[3:],
     "3: max_elevation_deg holds 'inf'; expected a finite number"),
    ("extra field", lambda ls: ls[:4] + [ls[4].rstrip("\n") + ",x\n"] + ls[5:], "5: 13 fields; expected 12"),
    ("blank line", lambda ls: ls[:4] + ["\n"] + ls[4:], "5: the line is blank"),
    ("bad boolean", lambda ls: ls[:2] + [_edit_cell(ls[2], 8, "Fa")] + ls[3:], "3: aos_clipped holds 'Fa'"),
    ("culmination outside", lambda ls: ls[:2] + [_edit_cell(ls[2], 7, "2025-03-11T23:59:59Z")] + ls[3:],
     "3: t_max_elevation 2025-03-11T23:59:59Z is outside its window"),
]


@pytest.fixture(scope="module")
def ksat_contacts(tmp_path_factory):
    scenario = Scenario.from_dict(small(stations={"providers": ["KSAT"]}))
    path = write_contacts_csv(scenario.contacts(progress=False), tmp_path_factory.mktemp("csv") / "c.csv")
    return scenario, path


@pytest.mark.parametrize("edit, message", [c[1:] for c in CONTACT_CORRUPTIONS], ids=[c[0] for c in CONTACT_CORRUPTIONS])
def test_contacts_csv_corruption_is_one_line_naming_file_and_line(ksat_contacts, tmp_path, edit, message):
    from gstk.errors import ContactsFileError

    scenario, good = ksat_contacts
    lines = good.read_text().splitlines(keepends=True)
    path = tmp_path / "bad.csv"
    path.write_text("".join(edit(lines)))
    with pytest.raises(ContactsFileError) as info:
        read_contacts_csv(path, start=scenario.start, end=scenario.end,
                          satellite_ids=scenario.satellites().satellite_id, stations=scenario.stations())
    text = str(info.value)
    assert "\n" not in text and text.startswith(f"{path}, line "), text
    assert message in text, text
    assert info.value.line_number == int(text.split(", line ")[1].split(":")[0])


def test_contacts_csv_checks_pass_on_what_gstk_writes(ksat_contacts, tmp_path):
    scenario, good = ksat_contacts
    table = read_contacts_csv(good, start=scenario.start, end=scenario.end,
                              satellite_ids=scenario.satellites().satellite_id, stations=scenario.stations())
    assert len(table) > 10
    # derived columns may be left out: they are computed from aos/los and the window start
    bare = write_contacts_csv(table.drop(columns=["duration_s", "aos_s", "los_s"]), tmp_path / "bare.csv")
    again = read_contacts_csv(bare, start=scenario.start, end=scenario.end)
    pd.testing.assert_series_equal(again["duration_s"], table["duration_s"], atol=1e-6, check_exact=False)
    pd.testing.assert_series_equal(again["aos_s"], table["aos_s"], atol=1e-6, check_exact=False)


# --------------------------------------------------------------------------- round trip of random scenarios
_positive = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False, allow_infinity=False)
_CONSTRAINTS = st.one_of(
    st.builds(lambda v, w: {"type": "MinSatelliteDownlink", "volume_bit": v, "window_s": w}, _positive, _positive),
    st.builds(lambda u: {"type": "MaxMonthlyCost", "usd": u}, _positive),
    st.builds(lambda g, b: {"type": "MaxContactGap", "gap_s": g, "include_boundary": b}, _positive, st.booleans()),
    st.builds(lambda n: {"type": "MaxProviders", "count": n}, st.integers(0, 6)),
    st.builds(lambda k, f: {"type": "SatelliteContactExclusion", "max_links": k, "form": f},
              st.integers(1, 3), st.sampled_from(["clique", "pairwise"])),
    st.builds(lambda lo, extra: {"type": "StationCount", "min_count": lo, "max_count": lo + extra},
              st.integers(0, 5), st.integers(0, 5)),
    st.builds(lambda d: {"type": "MinContactDuration", "duration_s": d}, st.floats(0, 900)),
    st.builds(lambda p: {"type": "AllowedProviders", "providers": p},
              st.lists(st.sampled_from(["KSAT", "Leaf", "AWS"]), min_size=1, max_size=3, unique=True)),
)


@settings(max_examples=40, deadline=None)
@given(days=_positive.filter(lambda d: d < 1e4), seed=st.integers(0, 2**63 - 1), constraints=st.lists(_CONSTRAINTS, max_size=5),
       objective=st.sampled_from(["MaxMissionData", "MinMissionCost", "MinMaxGap"]),
       start=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 1, 1)),
       yaml_file=st.booleans())
def test_any_valid_scenario_round_trips_through_text(days, seed, constraints, objective, start, yaml_file):
    data = small(window={"start": start.isoformat(), "days": days}, prices={"random": {"seed": seed}},
                 objective={"type": objective}, constraints=constraints)
    scenario = Scenario.from_dict(data)
    text = yaml.safe_dump(scenario.to_dict()) if yaml_file else json.dumps(scenario.to_dict())
    again = Scenario.from_dict(yaml.safe_load(text) if yaml_file else json.loads(text))
    assert again == scenario
    assert again.constraints == scenario.constraints and again.start == scenario.start and again.days == days


def _readme_scenarios() -> list[str]:
    readme = Path(__file__).resolve().parent.parent / "README.md"
    blocks = readme.read_text(encoding="utf-8").split("```json\n")[1:] if readme.is_file() else []
    return [b.split("```")[0] for b in blocks if '"window"' in b.split("```")[0]]


def test_readme_scenario_examples_load_and_build(tmp_path):
    blocks = _readme_scenarios()
    if not blocks:
        pytest.skip("README.md has no scenario example yet (section 'Scenario files')")
    for i, text in enumerate(blocks):
        path = tmp_path / f"readme_{i}.json"
        path.write_text(text)
        problem = load_scenario(path).problem()
        assert len(problem.stations) and len(problem.satellites)
