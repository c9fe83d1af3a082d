"""Trial loops, ratios, surrogate statistics, the epsilon-constraint front and their figures."""
from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from instances import random_instance

from gstk import study as ex
from gstk.datasets import shared_tle_path
from gstk.errors import GstkError
from gstk.plots import study as study_plots
from gstk.problem.definition import Problem
from gstk.problem.specs import MaxMonthlyCost, MinSatelliteDownlink, RequiredStation, StationStatus
from gstk.seeds import unit_seeds
from gstk.solve.options import SolverOptions
from gstk.study import pareto, surrogate

#: Ratios computed from the same rows agree to float rounding.
REL = 1e-12
HAS_TLE = shared_tle_path().exists()
needs_tle = pytest.mark.skipif(not HAS_TLE, reason="shared Celestrak snapshot not found")


# --------------------------------------------------------------------------- settings and specs
def test_settings_key_tracks_what_changes_results():
    base = ex.StudySettings()
    assert base.key() == ex.StudySettings().key()
    richer = base.replace(d_min_bit=base.d_min_bit * 2)
    assert richer.key() != base.key()
    assert richer.key(ex.CONTACT_FIELDS) == base.key(ex.CONTACT_FIELDS)  # same contacts, new problem
    assert base.replace(sim_days=2.0).key(ex.CONTACT_FIELDS) != base.key(ex.CONTACT_FIELDS)
    assert dict(base.solver_options.scip_params) == dict(ex.FAST_SEPARATION)
    with pytest.raises(GstkError, match="sim_days"):
        ex.StudySettings(sim_days=0)
    with pytest.raises(GstkError, match="d_min_bit"):
        ex.StudySettings(d_min_bit=-1.0)


def test_study_settings_from_notebook_units():
    s = ex.study_settings(D_min_GB_per_day=100, B_month_usd_per_satellite=9_000, rule="all", sim_days=3)
    assert s.d_min_bit == 100 * 8e9 and s.b_month_usd_per_satellite == 9_000
    assert "rule: all" in ex.caption(s, trials=5) and "trials 5" in ex.caption(s, trials=5)


def test_study_constraints_of_each_problem():
    s = ex.StudySettings()
    cost = ex.study_constraints("min_cost", s, 3)
    data = ex.study_constraints("max_data", s, 3)
    assert MinSatelliteDownlink(volume_bit=s.d_min_bit, window_s=86_400.0, step_s=3_600.0) in cost
    assert MaxMonthlyCost(usd=3 * s.b_month_usd_per_satellite) in data
    assert not any(isinstance(c, MaxMonthlyCost) for c in cost)
    assert StationStatus(statuses=("Operational", "Decommissioned")) in data
    assert ex.study_objective("min_cost").sense == "min" and ex.study_objective("max_data").sense == "max"
    with pytest.raises(GstkError, match="unknown problem"):
        ex.study_constraints("min_gap", s, 1)


@settings(deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 20), st.integers(0, 500))
def test_unit_seeds_are_reproducible_and_distinct(seed, n, trial):
    a = unit_seeds(seed, n, trial)
    assert a == unit_seeds(seed, n, trial)
    assert a[0] != a[1]
    assert a != unit_seeds(seed, n, trial + 1) and a != unit_seeds(seed, n + 1, trial)


# --------------------------------------------------------------------------- one unit on synthetic contacts
def _instance(seed=3, n_providers=3, n_contacts=12):
    contacts, stations, providers, satellites = random_instance(seed, n_providers=n_providers, n_stations=6,
                                                                n_contacts=n_contacts)
    return ex.TrialInstance(len(satellites), 0, tuple(satellites["satellite_id"]), tuple(satellites["satellite_id"]),
                            contacts, stations, providers, satellites)


SYNTHETIC = ex.StudySettings(sim_days=1.0, min_contact_s=0.0, d_min_bit=2e11, b_month_usd_per_satellite=15_000,
                             time_limit_s=30.0, rel_gap=0.0)


@pytest.mark.parametrize("kind", ex.PROBLEMS)
def test_compare_networks_rows_and_dominance(kind):
    table = ex.compare_networks(_instance(), kind, SYNTHETIC)
    assert list(table["network"]).count("optimized") == 1
    assert (table["network"] == "one_provider").sum() == 3 and (table["network"] == "two_provider").sum() == 3
    assert (table["problem"] == kind).all() and table["verified"].equals(table["has_solution"])
    opt = table[table["network"] == "optimized"].iloc[0]
    feasible = table[table["has_solution"] & (table["network"] != "optimized")]
    if kind == "min_cost":
        assert (opt["objective"] <= feasible["objective"] * (1 + 1e-9)).all()
    else:
        assert (opt["objective"] >= feasible["objective"] * (1 - 1e-9)).all()
        assert (table["monthly_cost_usd"].dropna() <= table["b_month_usd"].iloc[0] * (1 + 1e-9)).all()


def _slow_identity(i, delay):
    time.sleep(delay)
    return pd.DataFrame({"i": [i]})


def _fail_on_two(i, delay):
    if i == 2:
        raise ValueError("planted failure")
    return pd.DataFrame({"i": [i]})


def test_run_pool_keeps_task_order_and_names_the_failed_task():
    tasks = [(i, 0.6 if i == 0 else 0.0) for i in range(4)]  # task 0 finishes last
    out = ex.run_pool(tasks, _slow_identity, jobs=2)
    assert [int(f["i"].iloc[0]) for f in out] == [0, 1, 2, 3]
    assert [int(f["i"].iloc[0]) for f in ex.run_pool(tasks, _slow_identity, jobs=1)] == [0, 1, 2, 3]
    with pytest.raises(GstkError, match="planted failure"):
        ex.run_pool([(i, 0.0) for i in range(4)], _fail_on_two, jobs=1)
    with pytest.raises(GstkError, match="jobs"):
        ex.run_pool(tasks, _slow_identity, jobs=0)


@needs_tle
def test_run_unit_on_real_contacts_writes_and_resumes(tmp_path):
    settings = ex.StudySettings(sim_days=1.0, time_limit_s=20.0, d_min_bit=50 * 8e9)
    path = str(shared_tle_path())
    first = ex.run_unit(path, 1, 0, 7, settings, str(tmp_path), ("max_data", "min_cost"))
    files = sorted((tmp_path / "trials").glob("*.csv"))
    assert len(files) == 2 and len(list((tmp_path / "contacts").glob("*.pkl"))) == 1
    assert len(first) == 2 * (1 + 6 + 15)  # 6 providers incl. Azure: 6 singles, 15 pairs
    opt = first[first["network"] == "optimized"].set_index("problem")
    assert opt.loc["max_data", "data_total_bit"] > 0 and opt.loc["min_cost", "cost_total_usd"] > 0
    for p in (tmp_path / "contacts").glob("*.pkl"):
        p.unlink()  # a resumed unit must not need contacts again
    again = ex.run_unit(path, 1, 0, 7, settings, str(tmp_path), ("max_data", "min_cost"))
    assert not list((tmp_path / "contacts").glob("*.pkl"))
    assert again[["problem", "network", "allowed", "status"]].astype(str).equals(
        first[["problem", "network", "allowed", "status"]].astype(str))
    np.testing.assert_allclose(again["objective"].astype(float), first["objective"].astype(float), rtol=1e-12)


# --------------------------------------------------------------------------- surrogate statistics
def _windows(aos, los, sat="S", station="X", days=1.0):
    t0 = pd.Timestamp("2025-03-11T00:00:00Z")
    df = pd.DataFrame({"satellite_id": sat, "station_id": station, "provider": "P",
                       "aos": t0 + pd.to_timedelta(aos, unit="s"), "los": t0 + pd.to_timedelta(los, unit="s")})
    df["duration_s"] = (df["los"] - df["aos"]).dt.total_seconds()
    df["aos_s"], df["los_s"] = np.asarray(aos, float), np.asarray(los, float)
    df["aos_clipped"], df["los_clipped"] = False, False
    df.attrs = {"start": t0, "end": t0 + pd.Timedelta(days=days)}
    return df


def test_contact_statistics_by_hand():
    contacts = _windows([1000, 1500, 5000, 9000], [2000, 2500, 5600, 9300])
    row = surrogate.contact_statistics(contacts).iloc[0]
    assert row["n_contacts"] == 4 and row["contacts_per_day"] == 4
    assert row["mean_duration_s"] == pytest.approx((1000 + 1000 + 600 + 300) / 4)
    assert row["mean_gap_s"] == pytest.approx((2500 + 3400) / 2)  # holes between merged intervals
    assert row["max_gap_s"] == pytest.approx(3400)
    assert row["coverage_fraction"] == pytest.approx((1500 + 600 + 300) / 86_400)
    short = surrogate.contact_statistics(contacts, min_contact_s=500).iloc[0]
    assert short["n_contacts"] == 3


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 80_000), st.floats(1, 3_000)), min_size=1, max_size=30),
       st.floats(1_000, 80_000))
def test_clip_contacts_keeps_only_the_overlap(pairs, cut):
    aos = np.array([a for a, _ in pairs]).round(3)
    los = np.minimum(aos + np.array([d for _, d in pairs]).round(3), 86_400.0)
    contacts = _windows(aos, los)
    start = contacts.attrs["start"]
    clipped = surrogate.clip_contacts(contacts, start + pd.Timedelta(seconds=500), start + pd.Timedelta(seconds=cut))
    assert (clipped["aos_s"] >= -1e-6).all() and (clipped["los_s"] <= cut - 500 + 1e-6).all()
    assert (clipped["duration_s"] > 0).all()
    expected = np.clip(np.minimum(los, cut) - np.maximum(aos, 500), 0, None)
    assert clipped["duration_s"].sum() == pytest.approx(expected.sum(), abs=1e-3)


def test_holes_and_recommended_window():
    assert surrogate.holes_s(np.array([0.0]), np.array([5.0])).size == 0
    summary = pd.DataFrame({"window_days": [1, 3, 7, 20, 30], "a_mean": [10.0, 12, 9.0, 10.2, 10.0],
                            "b_mean": [5.0, 5.0, 5.0, 5.0, 5.0]})
    rec = surrogate.recommended_window_days(summary, metrics=["a", "b"], tolerance=0.05)
    assert rec == {"a": 20.0, "b": 1.0, "overall": 20.0}
    assert surrogate.evaluation_windows(7, 60, 7)[-1] == (49.0, 56.0)  # the next week would end after day 60
    assert all(b - a == 7 for a, b in surrogate.evaluation_windows(7, 60, 7))


def test_window_statistics_uses_prefixes():
    contacts = _windows([1000, 90_000, 200_000], [1600, 90_300, 200_900], days=3)
    stats = surrogate.window_statistics(contacts, [1, 2, 3])
    assert stats.groupby("window_days")["n_contacts"].first().tolist() == [1, 2, 3]
    with pytest.raises(GstkError, match="ends after"):
        surrogate.window_statistics(contacts, [4])


def test_fixed_network_problem_requires_every_station():
    contacts, stations, providers, satellites = random_instance(4)
    problem = Problem(ex.study_objective("max_data"), (MaxMonthlyCost(usd=1e5),), stations, providers, satellites)
    fixed = surrogate.fixed_network_problem(problem, ["P0/S0", "P1/S1"])
    assert {s.station_id for s in fixed.constraints if isinstance(s, RequiredStation)} == {"P0/S0", "P1/S1"}


# --------------------------------------------------------------------------- the epsilon-constraint front
@settings(deadline=None)
@given(st.lists(st.tuples(st.floats(0, 10), st.floats(0, 10)), min_size=1, max_size=12))
def test_non_dominated_is_a_front(points):
    cost, data = zip(*points)
    front = pareto.non_dominated(cost, data)
    c, d = np.array(cost), np.array(data)
    assert front.any()
    for i in range(len(c)):
        dominated_by = (c <= c[i]) & (d >= d[i]) & ((c < c[i]) | (d > d[i]))
        assert front[i] == (not dominated_by.any())


def test_pareto_front_is_monotone_and_within_caps():
    contacts, stations, providers, satellites = random_instance(5, n_providers=3, n_stations=6, n_contacts=12)
    problem = Problem(ex.study_objective("max_data"), (), stations, providers, satellites)
    front = pareto.pareto_front(contacts, problem, [2_000, 10_000, 40_000, 160_000],
                               options=SolverOptions(rel_gap=0.0))
    assert list(front["cap_usd"]) == sorted(front["cap_usd"])
    assert (np.diff(front["data_total_bit"]) >= -1e-6 * front["data_total_bit"].max()).all()
    assert (front["monthly_cost_usd"] <= front["cap_usd"] * (1 + 1e-9)).all()
    assert front["on_front"].iloc[-1]
    with pytest.raises(GstkError, match="max-data"):
        pareto.with_cap(problem.with_changes(objective=ex.study_objective("min_cost")), 1.0)


# --------------------------------------------------------------------------- figures
def test_study_figures_draw_from_tables():
    results = pd.DataFrame({"problem": "max_data", "n_satellites": [1, 1, 2, 2], "network": "optimized",
                            "solve_time_s": [1.0, 2.0, 3.0, 4.0]})
    ratios = pd.DataFrame({"problem": "max_data", "n_satellites": [1, 1, 2, 2], "trial": [0, 1, 0, 1],
                           "baseline": "one_provider", "statistic": "best", "cost_ratio": [1.1, 1.2, 1.3, 1.0],
                           "data_ratio": [2.0, 3.0, 1.5, 1.0]})
    fig = study_plots.comparison_figure(ratios, results, "max_data", caption="rule: test")
    assert len(fig.axes) == 3 and any("rule: test" in t.get_text() for t in fig.texts)
    with pytest.raises(GstkError, match="no ratios"):
        study_plots.comparison_figure(ratios, results, "min_cost")
    summary = pd.DataFrame({"window_days": [1.0, 7.0], "n_satellites": [2, 2],
                            **{f"{m}_{s}": [1.0, 2.0] for m in surrogate.WINDOW_METRICS for s in ("mean", "std")}})
    fig4 = study_plots.window_statistics_figure(summary, recommended={"mean_gap_s": 7.0})
    assert len(fig4.axes) == 3
    front = pd.DataFrame({"monthly_cost_usd": [1e3, 2e3], "data_total_bit": [1e14, 2e14], "on_front": [True, True]})
    base = pd.DataFrame({"network": ["one_provider"], "allowed": ["KSAT"], "has_solution": [True],
                         "monthly_cost_usd": [1.5e3], "data_total_bit": [0.5e14]})
    assert len(study_plots.pareto_figure(front, base).axes) == 1
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("status", ["OPTIMAL", "FEASIBLE"])
def test_a_better_baseline_replaces_a_limited_optimized_network_and_keeps_its_bound(status):
    import dataclasses

    from gstk.problem.specs import MinMissionCost, SatelliteContactExclusion, StationContactExclusion
    from gstk.solution.result import Status, relative_gap
    from gstk.study.baselines import restricted_problem, study_optimum

    contacts, stations, providers, satellites = random_instance(6, n_providers=3, n_stations=6, n_contacts=14)
    problem = Problem(MinMissionCost(), (StationContactExclusion(), SatelliteContactExclusion(),
                                         MinSatelliteDownlink(volume_bit=2e11)), stations, providers, satellites)
    optimized = study_optimum(contacts, problem)
    baseline = study_optimum(contacts, restricted_problem(problem, optimized.selected_providers))
    assert ex.adopt_better_baseline(optimized, baseline) is optimized
    assert ex.adopt_better_baseline(optimized, None) is optimized
    worse = dataclasses.replace(optimized, objective=baseline.objective * 1.05, status=Status[status])
    adopted = ex.adopt_better_baseline(worse, baseline)
    assert adopted.objective == baseline.objective and adopted.bound == optimized.bound
    assert adopted.gap == pytest.approx(relative_gap(baseline.objective, optimized.bound))
    assert adopted.status is Status[status] and "beat the unrestricted" in adopted.message
    within = ex.adopt_better_baseline(worse, baseline, rel_gap=max(adopted.gap, 0.0) + 1e-9)
    assert within.status is Status.OPTIMAL
