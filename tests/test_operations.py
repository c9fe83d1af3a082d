"""Ground-segment operations: antenna turnaround, satellite slew, outages, per-provider minimum contact length.

Hand-computed instances (two contacts 30 s apart under a 60 s turnaround, an outage that clips a
pass), the model against a test-side brute force under turnaround and slew, and the verifier's
own checks on tampered selections.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from gstk.errors import GstkError, ScenarioError, SpecError
from gstk.model.constraints import satellite_cliques, station_cliques
from gstk.model.data import ModelData
from gstk.problem.definition import Problem
from gstk.problem.prefilters import apply_prefilters, min_contact_duration, station_outages
from gstk.problem.specs import (
    MaxMissionData,
    MaxProviders,
    MinContactDuration,
    MinMissionCost,
    MinSatelliteDownlink,
    SatelliteContactExclusion,
    StationContactExclusion,
    StationOutages,
    spec_from_dict,
)
from gstk.scenario.files import Scenario, load_scenario
from gstk.solve.api import optimize
from gstk.solve.greedy import cover_problem, greedy_cover
from gstk.verification.report import verify, verify_selection
from instances import random_instance

START = pd.Timestamp("2025-03-11T00:00:00Z")
EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "example_operations.yaml"
#: Contact tables carry nanoseconds; a clipped time is the outage edge exactly, so a microsecond is ample.
ONE_MICROSECOND = 1e-6
RATE_BPS = 1e9  # every station and satellite below: r_c = 1 Gbit/s, so v_c = d_c Gbit


def at(seconds: float) -> pd.Timestamp:
    return START + pd.Timedelta(seconds=seconds)


def tables(stations=("P/A", "P/B"), providers=None, satellites=("S1", "S2")):
    """Free stations (one antenna, 1 Gbit/s), free providers, 1 Gbit/s satellites."""
    providers = providers or [s.split("/")[0] for s in stations]
    st = pd.DataFrame({"station_id": list(stations), "provider": providers, "setup_cost_usd": 0.0,
                       "monthly_cost_usd": 0.0, "licence_cost_usd": 0.0, "pass_cost_usd": 0.0,
                       "minute_cost_usd": 0.0, "rate_bps": RATE_BPS, "antennas": 1, "status": "Operational"})
    pr = pd.DataFrame({"provider": sorted(set(providers)), "integration_cost_usd": 0.0})
    sa = pd.DataFrame({"satellite_id": list(satellites), "rate_bps": RATE_BPS})
    return st, pr, sa


def contact_table(rows, horizon_s: float = 3_600.0) -> pd.DataFrame:
    """Rows (satellite, station, aos s, los s) as a contact table over [START, START + horizon]."""
    table = pd.DataFrame(rows, columns=["satellite_id", "station_id", "a", "b"])
    table["aos"] = [at(a) for a in table["a"]]
    table["los"] = [at(b) for b in table["b"]]
    table["duration_s"] = table["b"] - table["a"]
    table = table.drop(columns=["a", "b"])
    table.attrs.update(start=START, end=at(horizon_s))
    return table


def max_data(contacts, constraints, st=None, pr=None, sa=None):
    """Solve max data (T_opt = T_sim, so the objective is bits in the window) and verify it."""
    default = tables()
    st, pr, sa = (default[0] if st is None else st), (default[1] if pr is None else pr), \
        (default[2] if sa is None else sa)
    problem = Problem(MaxMissionData(), tuple(constraints), st, pr, sa, mission_days=1 / 24)
    solution = optimize(contacts, problem, time_limit_s=30)
    assert solution.status.value == "OPTIMAL"
    assert verify(solution, contacts, problem) == []
    return solution, problem


# --------------------------------------------------------------------------- specs and tables
def test_specs_validate_and_round_trip():
    with pytest.raises(SpecError, match="turnaround_s must be a finite number >= 0"):
        StationContactExclusion(turnaround_s=-1)
    with pytest.raises(SpecError, match="slew_s needs max_links=1"):
        SatelliteContactExclusion(max_links=2, slew_s=10)
    with pytest.raises(SpecError, match=r"windows\[0\]: end .* is not after start"):
        StationOutages(windows=[("P/A", "2025-03-11T02:00Z", "2025-03-11T01:00Z")])
    with pytest.raises(SpecError, match="mode must be one of"):
        StationOutages(mode="shift")
    with pytest.raises(SpecError, match="per_provider must map provider names to seconds"):
        MinContactDuration(per_provider={"P": -5})
    outages = StationOutages(windows=[{"station_id": "P/A", "start": "2025-03-11T01:00:00+01:00",
                                       "end": at(600)}])
    assert outages.windows == (("P/A", "2025-03-11T00:00:00Z", "2025-03-11T00:10:00Z"),)
    minimum = MinContactDuration(duration_s=180, per_provider={"Q": 400, "P": 60})
    assert minimum.per_provider == (("P", 60.0), ("Q", 400.0))
    assert (minimum.minimum_s("P"), minimum.minimum_s("Q"), minimum.minimum_s("R")) == (180, 400, 180)
    for spec in (outages, minimum, StationContactExclusion(turnaround_s=60), SatelliteContactExclusion(slew_s=5)):
        assert spec_from_dict(spec.to_dict()) == spec


def test_problem_checks_operation_columns_and_names():
    st, pr, sa = tables()
    with pytest.raises(GstkError, match="Problem.stations: turnaround_s of 'P/A' is -3.0;"):
        Problem(MaxMissionData(), (), st.assign(turnaround_s=[-3.0, None]), pr, sa)
    with pytest.raises(GstkError, match="Problem.satellites: slew_s of 'S2'"):
        Problem(MaxMissionData(), (), st, pr, sa.assign(slew_s=[1.0, np.inf]))
    with pytest.raises(GstkError, match=r"StationOutages: unknown station\(s\) \['X/Y'\]"):
        Problem(MaxMissionData(), (StationOutages(windows=[("X/Y", at(0), at(1))]),), st, pr, sa)
    with pytest.raises(GstkError, match="per_provider: unknown provider"):
        Problem(MaxMissionData(), (MinContactDuration(per_provider={"Nope": 1}),), st, pr, sa)
    with pytest.raises(GstkError, match="slew_s, which needs SatelliteContactExclusion"):
        Problem(MaxMissionData(), (SatelliteContactExclusion(max_links=2),), st, pr, sa.assign(slew_s=[5.0, None]))


# --------------------------------------------------------------------------- turnaround (11)
#: Two passes of two satellites at one antenna, 30 s apart: [0, 300] and [330, 630].
THIRTY_S_APART = [("S1", "P/A", 0, 300), ("S2", "P/A", 330, 630)]


@pytest.mark.parametrize(("turnaround_s", "taken", "data_gbit"), [(0, 2, 600), (20, 2, 600), (60, 1, 300)])
def test_station_contact_exclusion_with_turnaround(turnaround_s, taken, data_gbit):
    contacts = contact_table(THIRTY_S_APART)
    solution, problem = max_data(contacts, [StationContactExclusion(turnaround_s=turnaround_s)])
    assert len(solution.contacts) == taken
    assert solution.objective == pytest.approx(data_gbit * 1e9)
    data = ModelData.from_problem(contacts, problem)
    cliques = station_cliques(data, turnaround_s=turnaround_s)
    assert sorted(len(q) for q in cliques) == ([2] if taken == 1 else [1, 1])  # clique rows of the padded LOS


def test_pairwise_form_pads_the_same_way():
    contacts = contact_table(THIRTY_S_APART)
    solution, _ = max_data(contacts, [StationContactExclusion(form="pairwise", turnaround_s=60)])
    assert len(solution.contacts) == 1


@pytest.mark.parametrize(("station_s", "provider_s", "spec_s", "taken"), [
    (60.0, None, 0.0, 1),    # the station's own value
    (None, 60.0, 0.0, 1),    # its provider's
    (0.0, 60.0, 60.0, 2),    # the station wins over provider and spec
    (None, None, 60.0, 1),   # nothing in the tables: the spec's
])
def test_turnaround_columns_override_the_spec(station_s, provider_s, spec_s, taken):
    st, pr, sa = tables()
    st = st.assign(turnaround_s=[station_s, None])
    pr = pr.assign(turnaround_s=[provider_s])
    solution, _ = max_data(contact_table(THIRTY_S_APART), [StationContactExclusion(turnaround_s=spec_s)], st, pr, sa)
    assert len(solution.contacts) == taken


def test_turnaround_with_two_antennas_allows_two_close_contacts_per_antenna_pair():
    # three passes 30 s apart at a two-antenna station under 60 s: antennas alternate, so 1+3 and 2 fit
    st, pr, sa = tables(satellites=("S1", "S2", "S3"))
    st["antennas"] = [2, 1]
    contacts = contact_table([("S1", "P/A", 0, 300), ("S2", "P/A", 330, 630), ("S3", "P/A", 660, 960)])
    solution, _ = max_data(contacts, [StationContactExclusion(turnaround_s=60)], st, pr, sa)
    assert len(solution.contacts) == 3  # padded [0,360) [330,690) [660,1020): at most 2 open at once
    solution, _ = max_data(contacts, [StationContactExclusion(turnaround_s=400)], st, pr, sa)
    assert len(solution.contacts) == 2  # padded intervals all meet: 3 open at once


# --------------------------------------------------------------------------- slew (12)
@pytest.mark.parametrize(("slew_s", "taken"), [(0, 2), (20, 2), (60, 1)])
def test_satellite_contact_exclusion_with_slew(slew_s, taken):
    contacts = contact_table([("S1", "P/A", 0, 300), ("S1", "P/B", 330, 630)])
    solution, _ = max_data(contacts, [SatelliteContactExclusion(slew_s=slew_s)])
    assert len(solution.contacts) == taken


def test_pairwise_form_slews_the_same_way():
    contacts = contact_table([("S1", "P/A", 0, 300), ("S1", "P/B", 330, 630), ("S1", "P/A", 640, 700)])
    solution, _ = max_data(contacts, [SatelliteContactExclusion(form="pairwise", slew_s=60)])
    assert len(solution.contacts) == 2  # [0, 300] and [640, 700] at A (360 Gbit) beat [330, 630] at B alone


def test_slew_is_only_between_stations():
    # one satellite, one station, two windows 30 s apart (a pass split by the mask): no slew needed
    contacts = contact_table([("S1", "P/A", 0, 300), ("S1", "P/A", 330, 630), ("S1", "P/B", 640, 700)])
    solution, _ = max_data(contacts, [SatelliteContactExclusion(slew_s=60)])
    assert sorted(solution.contacts["aos"].map(lambda t: (t - START).total_seconds())) == [0, 330]


def test_slew_column_per_satellite():
    st, pr, sa = tables()
    contacts = contact_table([("S1", "P/A", 0, 300), ("S1", "P/B", 330, 630),
                              ("S2", "P/A", 1000, 1300), ("S2", "P/B", 1330, 1630)])
    solution, _ = max_data(contacts, [SatelliteContactExclusion(slew_s=60)], st, pr, sa.assign(slew_s=[None, 0.0]))
    assert solution.contacts.groupby("satellite_id").size().to_dict() == {"S1": 1, "S2": 2}


# --------------------------------------------------------------------------- brute force
def _conflicts(a, b, group, pad, apart=None):
    """(n, n) bool: i and j of one group meet once LOS is padded (minus the ``apart`` pairs)."""
    meet = (group[:, None] == group[None, :]) & (a[:, None] < b[None, :] + pad[None, :]) \
        & (a[None, :] < b[:, None] + pad[:, None]) & ~np.eye(len(a), dtype=bool)
    return meet & ~apart if apart is not None else meet


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_max_data_under_turnaround_and_slew_matches_brute_force(seed):
    contacts, st, pr, sa = random_instance(seed, n_satellites=2, n_stations=3, n_providers=2, n_contacts=12,
                                           horizon_s=6_000.0)
    constraints = [StationContactExclusion(turnaround_s=300), SatelliteContactExclusion(slew_s=200)]
    problem = Problem(MaxMissionData(), tuple(constraints), st, pr, sa, mission_days=6_000 / 86_400)
    solution = optimize(contacts, problem, time_limit_s=30)
    assert verify(solution, contacts, problem) == []
    # brute force over every subset, written here from the rule "gap < tau conflicts"
    a = (contacts["aos"] - START).dt.total_seconds().to_numpy()
    b = (contacts["los"] - START).dt.total_seconds().to_numpy()
    station = contacts["station_id"].to_numpy()
    sat = contacts["satellite_id"].to_numpy()
    rate = np.minimum(st.set_index("station_id")["rate_bps"].reindex(station).to_numpy(),
                      sa.set_index("satellite_id")["rate_bps"].reindex(sat).to_numpy())
    overlap = (a[:, None] < b[None, :]) & (a[None, :] < b[:, None])
    same_station = station[:, None] == station[None, :]
    conflict = _conflicts(a, b, station, np.full(len(a), 300.0)) \
        | _conflicts(a, b, sat, np.full(len(a), 200.0), apart=same_station & ~overlap)
    subsets = ((np.arange(2 ** len(a))[:, None] >> np.arange(len(a))) & 1).astype(bool)
    feasible = ~((subsets.astype(int) @ conflict.astype(int)) * subsets).any(1)
    best = (subsets[feasible] @ (rate * (b - a))).max()
    assert solution.objective == pytest.approx(best, rel=1e-6)
    assert conflict.any()  # the instance exercises the rule


# --------------------------------------------------------------------------- outages
def test_outage_clips_a_pass_in_two():
    # [0, 600] at P/A, outage [100, 200]: parts [0, 100] and [200, 600], 100 and 400 Gbit
    contacts = contact_table([("S1", "P/A", 0, 600)])
    solution, _ = max_data(contacts, [StationOutages(windows=[("P/A", at(100), at(200))])])
    times = sorted(((r.aos - START).total_seconds(), (r.los - START).total_seconds())
                   for r in solution.contacts.itertuples())
    assert times == [(0.0, 100.0), (200.0, 600.0)]
    assert sorted(solution.contacts["volume_bit"]) == pytest.approx([100e9, 400e9])
    assert solution.objective == pytest.approx(500e9)


def test_a_clipped_part_under_d_min_is_dropped():
    contacts = contact_table([("S1", "P/A", 0, 600)])
    solution, _ = max_data(contacts, [StationOutages(windows=[("P/A", at(100), at(200))]),
                                      MinContactDuration(duration_s=150)])
    assert len(solution.contacts) == 1
    assert (solution.contacts["aos"].iloc[0] - START).total_seconds() == pytest.approx(200.0, abs=ONE_MICROSECOND)
    assert solution.objective == pytest.approx(400e9)


def test_drop_mode_removes_the_pass_and_touching_outages_do_not_count():
    contacts = contact_table([("S1", "P/A", 0, 600), ("S2", "P/A", 700, 900)])
    outages = [("P/A", at(100), at(200)), ("P/A", at(900), at(1000))]  # the second only touches LOS 900
    solution, _ = max_data(contacts, [StationOutages(windows=outages, mode="drop")])
    assert solution.contacts["satellite_id"].tolist() == ["S2"]
    assert solution.objective == pytest.approx(200e9)


def test_clipping_scales_a_volume_column_and_keeps_other_rows():
    table = contact_table([("S1", "P/A", 0, 600), ("S1", "P/B", 0, 600)]).assign(volume_bit=[6e11, 6e11],
                                                                               aos_s=[0.0, 0.0], los_s=[600.0, 600.0])
    out = station_outages(table, [("P/A", at(500), at(700)), ("P/A", at(-50), at(50))])
    assert out["station_id"].tolist() == ["P/A", "P/B"]
    assert out["duration_s"].tolist() == [450.0, 600.0]
    assert out["volume_bit"].tolist() == pytest.approx([4.5e11, 6e11])  # kept share 450/600
    assert (out["aos_s"].tolist(), out["los_s"].tolist()) == ([50.0, 0.0], [500.0, 600.0])
    assert out.index.tolist() == [0, 1]


# --------------------------------------------------------------------------- per-provider minimum (15)
def test_per_provider_minimum_contact_length():
    st, pr, sa = tables(stations=("P/A", "Q/B"))
    contacts = contact_table([("S1", "P/A", 0, 300), ("S2", "Q/B", 0, 300), ("S2", "Q/B", 1000, 1500)])
    kept = min_contact_duration(contacts, 180, per_provider={"Q": 400}, stations=st)
    assert kept.index.tolist() == [0, 2]
    solution, _ = max_data(contacts, [MinContactDuration(duration_s=180, per_provider={"Q": 400})], st, pr, sa)
    assert solution.objective == pytest.approx(800e9)  # 300 s at P and the 500 s pass at Q
    assert sorted(solution.contacts["duration_s"]) == [300.0, 500.0]


# --------------------------------------------------------------------------- the verifier flags each
def test_verifier_flags_turnaround_slew_outage_and_minimum_violations():
    st, pr, sa = tables(stations=("P/A", "Q/B"))
    contacts = contact_table([("S1", "P/A", 0, 300), ("S2", "P/A", 330, 630),    # 30 s apart at P/A
                              ("S1", "Q/B", 340, 640),                             # S1 slews 40 s
                              ("S2", "Q/B", 2000, 2300)])                          # under Q's minimum
    specs = (StationContactExclusion(turnaround_s=60), SatelliteContactExclusion(slew_s=60),
             MinContactDuration(per_provider={"Q": 400}))
    problem = Problem(MaxMissionData(), specs, st, pr, sa, mission_days=1 / 24)
    _, violations = verify_selection([0, 1], contacts, problem)
    assert [v.check for v in violations] == ["station_contact_exclusion"]
    assert "30.000 s apart" in violations[0].message and "turnaround 60 s" in violations[0].message
    _, violations = verify_selection([0], contacts, problem.with_changes(constraints=specs[1:2]))
    assert violations == []
    _, violations = verify_selection([0, 2], contacts, problem.with_changes(constraints=specs[1:2]))
    assert [v.check for v in violations] == ["satellite_contact_exclusion"]
    assert "in 40.000 s < its slew time 60 s" in violations[0].message
    _, violations = verify_selection([3], contacts, problem)
    assert [v.check for v in violations] == ["prefilter"] and "400.000 s" in violations[0].message
    _, violations = verify_selection([1], contacts, problem.with_changes(
        constraints=(StationOutages(windows=[("P/A", at(600), at(700))], mode="drop"),)))
    assert [v.check for v in violations] == ["station_outages"]


def test_verifier_honours_clipped_times():
    contacts = contact_table([("S1", "P/A", 0, 600)])
    solution, problem = max_data(contacts, [StationOutages(windows=[("P/A", at(100), at(200))])])
    taken = solution.contacts.copy()
    taken.loc[taken["aos"] == at(200), "aos"] = at(150)  # moved into the outage
    checks = {v.check for v in verify(dataclasses.replace(solution, contacts=taken), contacts, problem)}
    assert {"station_outages", "unknown_contact"} <= checks
    whole = solution.contacts.iloc[[0]].assign(los=at(600), duration_s=600.0)  # the unclipped pass
    checks = {v.check for v in verify(dataclasses.replace(solution, contacts=whole), contacts, problem)}
    assert "station_outages" in checks


# --------------------------------------------------------------------------- greedy start and the network
def test_greedy_start_keeps_the_turnaround():
    st, pr, sa = tables(stations=("P/A", "P/B"))
    st["pass_cost_usd"] = [10.0, 1000.0]  # P/A is cheap, so the greedy wants both passes there
    contacts = contact_table([("S1", "P/A", 0, 300), ("S2", "P/A", 330, 630), ("S2", "P/B", 330, 630)])
    specs = (MinSatelliteDownlink(volume_bit=100e9, window_s=3_600, step_s=3_600),
             StationContactExclusion(turnaround_s=60), SatelliteContactExclusion())
    problem = Problem(MinMissionCost(), specs, st, pr, sa, mission_days=1 / 24)
    data = ModelData.from_problem(contacts, problem)
    x = greedy_cover(cover_problem(data, problem.objective, problem.constraints))
    ids = data.contacts["contact_id"][x].tolist()
    assert verify_selection(ids, contacts, problem)[1] == []
    assert sorted(data.contacts["station_id"][x]) == ["P/A", "P/B"]


def test_turnaround_changes_the_chosen_network():
    # one provider allowed: P's two passes 30 s apart (600 Gbit) beat Q's one 450 s pass until a
    # 60 s turnaround leaves P one pass (300 Gbit)
    st, pr, sa = tables(stations=("P/A", "Q/B"))
    contacts = contact_table([("S1", "P/A", 0, 300), ("S2", "P/A", 330, 630), ("S1", "Q/B", 1000, 1450)])
    free, _ = max_data(contacts, [StationContactExclusion(), MaxProviders(count=1)], st, pr, sa)
    busy, _ = max_data(contacts, [StationContactExclusion(turnaround_s=60), MaxProviders(count=1)], st, pr, sa)
    assert (free.selected_providers, free.objective) == (("P",), pytest.approx(600e9))
    assert (busy.selected_providers, busy.objective) == (("Q",), pytest.approx(450e9))


# --------------------------------------------------------------------------- scenario files
def test_example_operations_scenario_loads_solves_and_verifies():
    scenario = load_scenario(EXAMPLE)
    problem = scenario.problem()
    tau = problem.stations.set_index("station_id")["turnaround_s"]
    assert (tau["KSAT/Svalbard"], tau["KSAT/Troll"], np.isnan(tau["Leaf/Unst"])) == (90.0, 45.0, True)
    by_type = {type(c): c for c in scenario.constraints}
    assert by_type[MinContactDuration].per_provider == (("Leaf", 240.0),)
    assert by_type[StationOutages].mode == "clip" and len(by_type[StationOutages].windows) == 2
    assert Scenario.from_dict(scenario.to_dict(), base_dir=EXAMPLE.parent) == scenario
    contacts = scenario.contacts()
    solution = scenario.solve(contacts)
    assert solution.status.value == "OPTIMAL"
    assert scenario.verify(solution, contacts) == []
    svalbard = solution.contacts[solution.contacts["station_id"] == "KSAT/Svalbard"]
    outage = (pd.Timestamp("2025-03-11T06:00:00Z"), pd.Timestamp("2025-03-11T12:00:00Z"))
    assert not ((svalbard["aos"] < outage[1]) & (svalbard["los"] > outage[0])).any()


def test_scenario_errors_name_the_key():
    base = {"window": {"start": "2025-03-11", "days": 1}, "satellites": {"demo": True}}
    bad = {**base, "constraints": [{"type": "StationOutages", "windows": [{"station_id": "KSAT/Svalbard",
                                                                          "start": "tomorrow", "end": 3}]}]}
    with pytest.raises(ScenarioError, match=r"scenario.constraints\[0\]: StationOutages.windows\[0\]: start and end"):
        Scenario.from_dict(bad)
    bad = {**base, "prices": {"random": {"seed": 1}, "providers": {"KSAT": {"turnaround_s": -1}}}}
    with pytest.raises(ScenarioError, match="scenario.prices.providers.KSAT.turnaround_s"):
        Scenario.from_dict(bad)


def test_prefilter_order_outages_before_minimum():
    st, pr, sa = tables()
    contacts = contact_table([("S1", "P/A", 0, 600)])
    kept, _ = apply_prefilters(contacts, st, [MinContactDuration(duration_s=450),
                                              StationOutages(windows=[("P/A", at(100), at(200))])])
    assert kept.empty  # 100 s and 400 s parts, both under 450 s, although the raw pass lasts 600 s


# --------------------------------------------------------------------------- model rows == verifier, random
@settings(max_examples=60, deadline=None)
@given(rows=hst.lists(hst.tuples(hst.integers(0, 2), hst.integers(0, 1), hst.integers(0, 2_000),
                                 hst.integers(0, 400)), min_size=1, max_size=9),
       pad_s=hst.sampled_from([0.0, 30.0, 60.0, 300.0]), picks=hst.lists(hst.booleans(), min_size=9, max_size=9))
def test_padded_clique_rows_and_the_verifier_agree(rows, pad_s, picks):
    st, pr, sa = tables(satellites=("S1", "S2", "S3"))
    st["antennas"] = [1, 2]
    table = contact_table([(f"S{k + 1}", ("P/A", "P/B")[s], a, a + d) for k, s, a, d in rows], horizon_s=3_000)
    table = table.drop_duplicates(["satellite_id", "station_id", "aos"]).reset_index(drop=True)
    specs = (StationContactExclusion(turnaround_s=pad_s), SatelliteContactExclusion(slew_s=pad_s / 2))
    problem = Problem(MaxMissionData(), specs, st, pr, sa, mission_days=1)
    data = ModelData.from_problem(table, problem)
    x = np.array(picks[:data.n_contacts])
    rows_ok = all(x[q].sum() <= data.antennas[data.station_of_contact[q[0]]]
                  for q in station_cliques(data, turnaround_s=pad_s)) \
        and all(x[q].sum() <= 1 for q in satellite_cliques(data, slew_s=pad_s / 2))
    _, violations = verify_selection(data.contacts["contact_id"][x].tolist(), table, problem)
    assert rows_ok == (violations == []), violations


def test_scenario_files_set_each_satellites_slew():
    from gstk.errors import GstkError
    from gstk.scenario.files import Scenario, load_scenario

    scenario = load_scenario(EXAMPLE)
    sats = scenario.problem().satellites.set_index("satellite_id")
    assert sats.loc["DEMO-3", "slew_s"] == 45.0
    assert sats.drop(index="DEMO-3")["slew_s"].isna().all()  # the others take the spec's 30 s
    assert Scenario.from_dict(scenario.to_dict(), base_dir=EXAMPLE.parent).satellite_slew == {"by_id": {"DEMO-3": 45}}
    document = scenario.to_dict()
    with pytest.raises(GstkError, match=r"scenario.satellite_slew.by_id.NOPE: not a satellite of this scenario"):
        Scenario.from_dict({**document, "satellite_slew": {"by_id": {"NOPE": 10}}}).problem()
    with pytest.raises(GstkError, match=r"scenario.satellite_slew.default_s"):
        Scenario.from_dict({**document, "satellite_slew": {"default_s": -1}})
