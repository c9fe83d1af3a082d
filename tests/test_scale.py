"""The constellation-scale instance (gstk.study.scale): fleets by name, the problem, a verified network."""
from __future__ import annotations

import pytest

from gstk.datasets import shared_tle_path
from gstk.errors import GstkError
from gstk.problem import specs
from gstk.study import scale

pytestmark = pytest.mark.skipif(not shared_tle_path().exists(), reason="shared Celestrak snapshot not found")


def test_fleets_are_chosen_by_name_and_sampled_reproducibly():
    iceye = scale.fleet_satellites("ICEYE*")
    assert len(iceye) >= 30 and all("ICEYE" in name for name in iceye.name)  # e.g. "XR-1 (ICEYE-X10)"
    a, b = scale.fleet_satellites("ICEYE*", count=4), scale.fleet_satellites("ICEYE*", count=4)
    assert list(a.satellite_id) == list(b.satellite_id) and set(a.satellite_id) <= set(iceye.satellite_id)
    assert list(scale.fleet_satellites("ICEYE*", count=4, seed=1).satellite_id) != list(a.satellite_id)


@pytest.mark.parametrize("pattern, count, message", [
    ("NO-SUCH-SAT*", None, "no satellite of the snapshot matches 'NO-SUCH-SAT\\*'"),
    ("ICEYE*", 0, "count must be an integer from 1 to"), ("ICEYE*", 10_000, "count must be an integer from 1 to"),
    ("ICEYE*", 2.5, "count must be an integer"),
])
def test_bad_fleets_give_one_line_errors(pattern, count, message):
    with pytest.raises(GstkError, match=message):
        scale.fleet_satellites(pattern, count=count)


def test_a_small_fleet_network_is_verified_and_labelled_with_its_gap():
    result = scale.fleet_network("ICEYE*", count=2, days=0.25, time_limit_s=60)
    kinds = {type(c) for c in result.problem.constraints}
    assert {specs.MaxProviders, specs.MaxMonthlyCost, specs.MinContactDuration, specs.StationContactExclusion,
            specs.SatelliteContactExclusion} <= kinds
    row = result.summary().iloc[0]
    assert row["satellites"] == 2 and row["contacts"] == len(result.contacts) > 0
    assert row["status"] == "OPTIMAL" and row["gap"] <= 0.01 and row["objective"] <= row["bound"] * (1 + 1e-9)
    assert row["mission_data_tb"] == pytest.approx(row["objective"]) and row["problem"] == "MaxMissionData"
    assert len(result.solution.selected_providers) <= 3
    label = result.label()
    assert label.startswith("2 ICEYE* satellites, 0.25 days: OPTIMAL within") and "% of its bound" in label


@pytest.mark.parametrize("kind, objective, last", [
    ("max_data", specs.MaxMissionData, specs.MaxMonthlyCost), ("max_data_capped", specs.MaxMissionData,
                                                              specs.MaxMonthlyCost),
    ("min_cost", specs.MinMissionCost, specs.MinSatelliteDownlink), ("min_max_gap", specs.MinMaxGap, None),
])
def test_scale_problem_classes(kind, objective, last):
    from gstk.catalog.stations import load_stations

    problem = scale.scale_problem(load_stations(status=None), ["A", "B"], kind=kind)
    assert isinstance(problem.objective, objective)
    assert any(isinstance(c, specs.MaxProviders) and c.count == 3 for c in problem.constraints)
    caps = [c.usd for c in problem.constraints if isinstance(c, specs.MaxMonthlyCost)]
    assert caps == {"max_data": [1e9], "max_data_capped": [30_000.0]}.get(kind, [])
    if last is not None:
        assert isinstance(problem.constraints[-1], last)
    with pytest.raises(GstkError, match="unknown scale problem 'max-data'; expected one of"):
        scale.scale_problem(load_stations(status=None), ["A"], kind="max-data")


def test_a_small_capped_fleet_network_is_verified():
    result = scale.fleet_network("ICEYE*", count=2, days=0.25, time_limit_s=60, kind="max_data_capped")
    row = result.summary().iloc[0]
    assert row["problem"] == "MaxMissionData" and row["status"] in ("OPTIMAL", "FEASIBLE")
    assert row["objective"] <= row["bound"] * (1 + 1e-9)


def test_min_cost_fleets_keep_satellites_seen_every_day():
    import pandas as pd

    contacts = pd.DataFrame({"aos_s": [10.0, 90_000.0, 10.0, 170_000.0], "satellite_id": ["a", "a", "b", "c"]})
    assert scale.seen_every_day(contacts, ["a", "b", "c", "z"], 2) == ["a"]
    assert scale.seen_every_day(contacts, ["a", "b"], 1) == ["a", "b"]
