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
    assert row["status"] == "OPTIMAL" and row["gap"] <= 0.01 and row["mission_data_tb"] <= row["bound_tb"] * (1 + 1e-9)
    assert len(result.solution.selected_providers) <= 3
    label = result.label()
    assert label.startswith("2 ICEYE* satellites, 0.25 days: OPTIMAL within") and "% of its bound" in label
