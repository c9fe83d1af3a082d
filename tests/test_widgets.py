"""The explorer's logic without a browser: controls -> specs, the background solve, errors in the panel."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from gstk.catalog.stations import load_stations
from gstk.contacts.windows import compute_contacts
from gstk.errors import GstkError
from gstk.jupyter import explorer as widgets
from gstk.orbits.satellites import demo_constellation
from gstk.problem.specs import (
    AllowedProviders,
    MaxMissionData,
    MaxMonthlyCost,
    MaxProviders,
    MinContactDuration,
    MinMissionCost,
    MinSatelliteDownlink,
    RequiredBands,
    SatelliteContactExclusion,
    StationContactExclusion,
)
from gstk.units import BITS_PER_GB
from gstk.verification.report import verify

START = pd.Timestamp("2025-03-11T00:00:00Z")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: A solve of this instance takes a few seconds; a minute means the thread is stuck.
JOIN_TIMEOUT_S = 120.0


@pytest.fixture(scope="module")
def instance():
    """Two demo satellites, the Leaf and Viasat networks, one day of contacts."""
    satellites = demo_constellation()[:2]
    stations = load_stations(providers=["Leaf", "Viasat"])
    contacts = compute_contacts(satellites, stations, START, START + pd.Timedelta(days=1))
    return contacts, satellites, stations


@pytest.fixture
def explorer(instance):
    contacts, satellites, stations = instance
    return widgets.Explorer(contacts, satellites, stations, seed=3, time_limit_s=60)


def test_problem_specs_follow_the_settings():
    settings = widgets.Settings(providers=("KSAT", "Leaf"), bands=("S", "X"), objective="min_mission_cost",
                                monthly_cost_cap_usd=20_000.0, max_providers=1, min_contact_duration_s=180.0,
                                min_daily_downlink_gb=50.0)
    objective, specs = widgets.problem_specs(settings)
    assert objective == MinMissionCost()
    by_type = {type(s): s for s in specs}
    assert by_type[AllowedProviders].providers == ("KSAT", "Leaf")
    assert by_type[RequiredBands].bands == ("S", "X")
    assert by_type[MaxMonthlyCost].usd == 20_000.0
    assert by_type[MaxProviders].count == 1
    assert by_type[MinContactDuration].duration_s == 180.0
    downlink = by_type[MinSatelliteDownlink]
    assert (downlink.volume_bit, downlink.window_s) == (50.0 * BITS_PER_GB, 86_400.0)
    assert StationContactExclusion in by_type and SatelliteContactExclusion in by_type


def test_constraints_that_are_off_are_left_out():
    objective, specs = widgets.problem_specs(widgets.Settings(providers=("AWS",)))
    assert objective == MaxMissionData()
    assert {type(s) for s in specs} == {AllowedProviders, StationContactExclusion, SatelliteContactExclusion}


@pytest.mark.parametrize(("settings", "message"), [
    (widgets.Settings(providers=()), "No provider selected"),
    (widgets.Settings(providers=("AWS",), objective="max_fun"), "Unknown objective"),
])
def test_problem_specs_reject_bad_settings(settings, message):
    with pytest.raises(GstkError, match=message):
        widgets.problem_specs(settings)


def test_band_choices_in_catalog_order():
    stations = pd.DataFrame({"bands": ["X;S", "Ka;S;X", "", "S;UHF;W", None]})
    assert widgets.band_choices(stations) == ["S", "X", "Ka", "UHF", "W"]
    assert widgets.band_choices(pd.DataFrame({"provider": ["A"]})) == []


def test_controls_start_with_the_catalog_and_read_back(explorer):
    ui = explorer.ui
    assert list(ui.providers) == ["Leaf", "Viasat"]
    assert explorer.settings() == widgets.Settings(
        providers=("Leaf", "Viasat"), bands=(), objective="max_mission_data", monthly_cost_cap_usd=50_000.0,
        max_providers=2, min_contact_duration_s=180.0, min_daily_downlink_gb=None, time_limit_s=60.0)
    ui.use_cost_cap.value = False
    ui.use_min_downlink.value = True
    ui.min_downlink.value = 20
    ui.providers["Leaf"].value = False
    settings = explorer.settings()
    assert settings.monthly_cost_cap_usd is None and ui.cost_cap.disabled
    assert settings.min_daily_downlink_gb == 20.0 and not ui.min_downlink.disabled
    assert settings.providers == ("Viasat",)


def test_problem_uses_seeded_table1_prices(explorer, instance):
    first, again = explorer.problem(), explorer.problem()
    assert first.stations.equals(again.stations)
    assert set(first.stations["station_id"]) == set(instance[2]["station_id"])
    assert first.mission_days == 365.0


def test_background_solve_disables_the_button_and_shows_results(explorer, instance):
    contacts, _, _ = instance
    assert explorer.start_solve() is True
    assert explorer.ui.solve_button.disabled and explorer.ui.solve_button.description == "Solving…"
    assert explorer.start_solve() is False  # one solve at a time
    solution = explorer.wait(JOIN_TIMEOUT_S)
    assert not explorer.running and explorer.error is None
    assert not explorer.ui.solve_button.disabled and explorer.ui.solve_button.description == "Solve"
    assert solution.status.value in ("OPTIMAL", "FEASIBLE") and solution.selected_stations
    assert verify(solution, contacts, explorer.problem()) == []
    assert set(solution.selected_providers) <= {"Leaf", "Viasat"} and len(solution.selected_providers) <= 2
    ui = explorer.ui
    assert ui.progress.value == 1.0 and ui.progress_label.value.startswith("done in")
    assert solution.status.value in ui.status.value
    assert bytes(ui.map.value).startswith(PNG_MAGIC) and bytes(ui.gantt.value).startswith(PNG_MAGIC)
    assert "total" in ui.costs.value and "Selected providers" in ui.costs.value
    assert all(sat in ui.data.value for sat in solution.data_by_satellite)
    assert "gstk-solution" in ui.certificate.value


def test_report_tables_convert_units(explorer):
    solution = explorer.solve()
    report = widgets.satellite_report(solution)
    first = report.iloc[0]
    sat = first["satellite_id"]
    assert first["mission_data_gb"] == pytest.approx(solution.data_by_satellite[sat] / BITS_PER_GB)
    assert first["longest_gap_h"] == pytest.approx(solution.max_gap_by_satellite_s[sat] / 3600.0)
    line = widgets.status_line(solution)
    assert f"${solution.cost_breakdown['total']:,.0f}" in line
    assert f"{solution.data_total_bit / 8e12:,.1f} TB" in line and "OPTIMAL" in line


def test_no_provider_is_refused_before_any_thread(explorer):
    for box in explorer.ui.providers.values():
        box.value = False
    assert explorer.start_solve() is False
    assert not explorer.running and explorer._thread is None
    assert "No provider selected" in explorer.ui.status.value and "gstk-error" in explorer.ui.status.value
    assert explorer.ui.progress.bar_style == "danger"


def test_infeasible_settings_are_a_message_not_an_exception(explorer):
    ui = explorer.ui
    ui.cost_cap.value = 0  # USD/month: no station is free ...
    ui.use_min_downlink.value = True
    ui.min_downlink.value = 10  # ... yet every satellite must downlink 10 GB a day
    assert explorer.start_solve()
    solution = explorer.wait(JOIN_TIMEOUT_S)
    assert solution.status.value == "INFEASIBLE" and explorer.error is None
    assert "INFEASIBLE" in ui.status.value and ui.progress.bar_style == "warning"
    assert bytes(ui.map.value) == b"" and "No network" in ui.costs.value
    assert not ui.solve_button.disabled


def test_bad_contacts_show_an_error_in_the_panel(instance):
    contacts, satellites, stations = instance
    broken = contacts.drop(columns=["duration_s", "los"])
    explorer = widgets.Explorer(broken, satellites, stations)
    assert explorer.start_solve()
    assert explorer.wait(JOIN_TIMEOUT_S) is None
    assert explorer.error and "gstk-error" in explorer.ui.status.value
    assert not explorer.ui.solve_button.disabled and explorer.ui.progress.bar_style == "danger"


def test_contacts_of_unknown_stations_are_rejected(instance):
    contacts, satellites, stations = instance
    with pytest.raises(GstkError, match="stations missing"):
        widgets.Explorer(contacts, satellites, stations[stations["provider"] == "Leaf"])


def test_contacts_are_computed_once_when_not_given(instance):
    _, satellites, stations = instance
    explorer = widgets.Explorer(satellites=satellites[:1], stations=stations.head(5), start=START, days=0.25)
    first = explorer.contacts()
    assert explorer.contacts() is first
    assert first.attrs["end"] - first.attrs["start"] == pd.Timedelta(hours=6)
    assert set(first["station_id"]) <= set(stations.head(5)["station_id"])


def test_contacts_computed_here_carry_the_rate_model(instance):
    from gstk.contacts.rates import RateTable

    _, satellites, stations = instance
    explorer = widgets.Explorer(satellites=satellites[:1], stations=stations.head(5), start=START, days=0.25,
                                rates=RateTable((0.0,), (2e8,)))
    contacts = explorer.contacts()
    assert len(contacts)
    assert contacts["volume_bit"].to_numpy() == pytest.approx(2e8 * contacts["duration_s"].to_numpy(), rel=1e-9)
    solution = explorer.solve()
    assert solution is not None and solution.data_total_bit > 0


def test_defaults_use_the_demo_constellation_and_bundled_stations():
    explorer = widgets.Explorer()
    assert explorer.satellite_ids == ["DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4"]
    assert len(explorer.stations) == len(load_stations())
    assert repr(explorer).startswith("<Explorer 4 satellites, ")


def test_explore_displays_the_panel(instance, capsys):
    contacts, satellites, stations = instance
    explorer = widgets.explore(contacts, satellites, stations)
    assert isinstance(explorer, widgets.Explorer) and "gstk-explorer" in explorer.panel._dom_classes
    assert "VBox" in capsys.readouterr().out  # outside IPython, display() prints the widget


def test_the_solver_dropdown_runs_highs_with_the_same_optimum(explorer, instance):
    contacts, _, _ = instance
    ui = explorer.ui
    assert [key for _, key in ui.solver.options] == ["scip", "highs"] and ui.settings().solver == "scip"
    scip = explorer.solve()
    ui.solver.value = "highs"
    highs = explorer.solve()
    assert highs.solver_status.endswith(("highs:kOptimal", "highs:kTimeLimit")), highs.message
    assert verify(highs, contacts, explorer.problem()) == []
    if scip.status.value == highs.status.value == "OPTIMAL":
        assert highs.objective == pytest.approx(scip.objective, rel=1e-6)


def test_turnaround_field_applies_to_every_station(explorer, instance):
    ui = explorer.ui
    assert ui.turnaround.value == 0 and explorer.settings().turnaround_s == 0.0
    ui.turnaround.value = 120
    settings = explorer.settings()
    assert settings.turnaround_s == 120.0
    _, specs = widgets.problem_specs(settings)
    assert [s.turnaround_s for s in specs if isinstance(s, StationContactExclusion)] == [120.0]
    settings = dataclasses.replace(settings, max_providers=1, time_limit_s=60.0)
    solution = explorer.solve(settings)
    contacts, _, _ = instance
    problem = explorer.problem(settings)
    assert verify(solution, contacts, problem) == []
    single = problem.stations.loc[problem.stations["antennas"] == 1, "station_id"]
    taken = solution.contacts[solution.contacts["station_id"].isin(single)].sort_values("aos")
    assert len(taken) > 1
    for _, at_station in taken.groupby("station_id"):  # one antenna: LOS to the next AOS >= 120 s
        gaps = (at_station["aos"].iloc[1:].to_numpy() - at_station["los"].iloc[:-1].to_numpy())
        assert (gaps >= pd.Timedelta(seconds=120)).all()
