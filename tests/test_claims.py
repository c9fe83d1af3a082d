"""The reconciliation study (gstk.study.claims, gstk.study.verdicts): variants, the fixed one-provider
network, resumable runs, ratios and the verdict rules."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gstk.datasets import shared_tle_path
from gstk.errors import GstkError
from gstk.problem import specs as S
from gstk.study import claims, verdicts
from gstk.study.settings import StudySettings, study_settings

#: Relative tolerance of "at least as good": SCIP stops at the study's 2 % relative gap.
SOLVER_GAP = 0.02


# --------------------------------------------------------------------------- variants
def test_claim_variants_grid_and_labels():
    settings = StudySettings()
    variants = claims.claim_variants(settings, cap_factors=[0.5, 1.0], max_providers=[None, 3], d_min_factors=[1.0, 2.0],
                                     rules=["exclude-megaconstellations", "all"])
    kinds = pd.Series([v.problem for v in variants])
    # per model: rule 1: fixed + (2 caps + inf) + limit 3 (1 cap + inf) + 2 min cost; rule 2: fixed + 2 + 2 + 1
    assert kinds.value_counts().to_dict() == {"max_data": 2 * (3 + 2 + 2 + 2), "min_cost": 2 * 3, "fixed": 4}
    capped = [v for v in variants if v.problem == "max_data" and v.cap_factor == 0.5]
    assert {v.settings.b_month_usd_per_satellite for v in capped} == {7_500.0}
    free = [v for v in variants if v.problem == "max_data" and math.isinf(v.cap_factor)]
    assert {v.settings.b_month_usd_per_satellite for v in free} == {claims.NON_BINDING_CAP_USD}
    assert {v.settings.max_providers for v in free} == {None, 3}
    doubled = [v for v in variants if v.problem == "min_cost" and v.d_min_factor == 2.0]
    assert {v.settings.d_min_bit for v in doubled} == {2 * settings.d_min_bit}
    assert all(v.settings.max_providers is None for v in variants if v.problem == "min_cost")
    labels = capped[0].labels()
    assert labels["max_providers"] == "none" and labels["cap_factor"] == 0.5 and math.isnan(labels["d_min_factor"])
    assert len({claims.claim_path("r", "x.tle", 1, 0, 0, v, (1, 2)) for v in variants}) == len(variants)


def test_claim_variants_refuse_bad_axes():
    with pytest.raises(GstkError, match="unknown cost model 'paper'"):
        claims.claim_variants(StudySettings(), cost_models=["paper"])
    with pytest.raises(GstkError, match="factors must be > 0"):
        claims.claim_variants(StudySettings(), cap_factors=[0.0])
    with pytest.raises(GstkError, match="max_providers"):
        StudySettings(max_providers=0)


def test_provider_limit_is_constraint_14_of_both_problems():
    from gstk.study.settings import study_constraints

    for kind in ("min_cost", "max_data"):
        assert S.MaxProviders(count=2) in study_constraints(kind, StudySettings(max_providers=2), 1)
        assert not any(isinstance(c, S.MaxProviders) for c in study_constraints(kind, StudySettings(), 1))


# --------------------------------------------------------------------------- verdict rules
def claim(**changes):
    base = dict(claim_id="x", section="§3.2", quote="q", problem="max_data", n_satellites=1,
                baseline="one_provider", data_rule="over", data_pct=300.0, cost_rule="only", cost_pct=25.0)
    return verdicts.PaperClaim(**{**base, **changes})


@pytest.mark.parametrize("data_ratio, cost_ratio, expected", [
    (4.0, 1.25, True), (4.5, 1.35, True), (3.9, 1.0, False), (4.0, 1.36, False), (math.inf, 1.0, False)])
def test_satisfies_over_and_only(data_ratio, cost_ratio, expected):
    assert verdicts.satisfies(claim(), data_ratio, cost_ratio) is expected


def test_satisfies_nearly_more_and_less():
    nearly = claim(data_rule="nearly", data_pct=300.0, cost_pct=5.0)
    assert verdicts.satisfies(nearly, 3.7, 1.15) and not verdicts.satisfies(nearly, 3.69, 1.0)
    cheaper = claim(problem="min_cost", data_rule=None, data_pct=None, cost_rule="less", cost_pct=None)
    assert verdicts.satisfies(cheaper, 0.5, 0.99) and not verdicts.satisfies(cheaper, 2.0, 0.995)
    more = claim(problem="min_cost", data_rule="more", data_pct=None, cost_rule=None, cost_pct=None)
    assert verdicts.satisfies(more, 1.01, 9.0) and not verdicts.satisfies(more, 1.005, 0.5)


def test_a_claim_missed_only_where_solves_are_unproven_is_not_called_impossible():
    c = claim()
    rows = pd.DataFrame({"problem": "max_data", "n_satellites": 1, "baseline": "one_provider", "statistic": "best",
                         "cost_model": "gstk", "max_providers": "none", "rule": "r", "cap_factor": [1.0, 0.25],
                         "d_min_factor": np.nan, "b_month_usd_per_satellite": [15e3, 3750.0], "n_trials": 3,
                         "data_ratio_median": [1.1, 1.2], "cost_ratio_median": [1.3, 1.4],
                         "optimized_optimal_share": [1.0, 1.0]})
    assert verdicts.claim_verdict(c, rows, "r")["verdict"] == "not reproduced under any setting swept"
    unproven = verdicts.claim_verdict(c, rows.assign(optimized_optimal_share=[1.0, 1 / 3]), "r")["verdict"]
    assert unproven.startswith("not reproduced at any proven setting; 1 of the 2 settings swept")


@given(gain=st.floats(0.0, 10.0), cost=st.floats(0.5, 3.0))
def test_distance_is_zero_only_at_the_papers_numbers(gain, cost):
    c = claim()
    assert verdicts.distance(c, 4.0, 1.25) == 0.0
    assert verdicts.distance(c, 1.0 + gain, cost) >= 0.0
    if verdicts.satisfies(c, 1.0 + gain, cost):
        assert gain >= 3.0


def test_every_claim_is_a_quote_of_the_paper():
    from pathlib import Path

    paper = Path(__file__).resolve().parents[2] / "shared" / "docs" / "paper.md"
    if not paper.exists():
        pytest.skip("paper.md not found")
    text = " ".join(paper.read_text().split())
    quotes = [c.quote for c in verdicts.PAPER_CLAIMS] + [q for *_, q in verdicts.SOLVE_TIME_CLAIMS]
    for quote in quotes + [verdicts.SURROGATE_QUOTE]:
        assert quote in text, quote


def test_window_verdict_reads_the_mean_gap_against_the_longest_window():
    windows = pd.DataFrame({"window_days": [1.0, 7.0, 20.0], "mean_gap_s_mean": [700.0, 590.0, 600.0]})
    row = verdicts.window_verdict(windows)
    assert "1 d: +16.7 %" in row["gstk (gstk settings)"] and "7 d: -1.7 %" in row["gstk (gstk settings)"]
    assert row["verdict"].startswith("7 days is enough") and "earlier" not in row["verdict"]
    early = verdicts.window_verdict(windows.assign(mean_gap_s_mean=[601.0, 600.0, 600.0]))
    assert "already within 5 %" in early["verdict"]


# --------------------------------------------------------------------------- a real run, small
@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    if not shared_tle_path().exists():
        pytest.skip("shared Celestrak snapshot not found")
    out = tmp_path_factory.mktemp("claims")
    settings = study_settings(sim_days=1.0, time_limit_s=20.0)
    variants = claims.claim_variants(settings, cap_factors=[1.0], d_min_factors=[1.0])
    networks = claims.paper_claims(trials=1, sizes=[1], seed=2025, settings=settings, variants=variants,
                                   baseline_sizes=[1], results_dir=out, jobs=1)
    return out, settings, variants, networks


def test_fixed_networks_take_every_contact_a_capped_network_could(small_run):
    _, _, _, networks = small_run
    for model in ("gstk", "reference-2025"):
        fixed = networks[(networks["variant_problem"] == "fixed") & (networks["cost_model"] == model)]
        assert len(fixed) == 6 and fixed["has_solution"].all() and (fixed["status"] == "OPTIMAL").all()
        for cap, column in ((1.0, "le"), (math.inf, "eq")):
            restricted = networks[(networks["variant_problem"] == "max_data") & (networks["cost_model"] == model)
                                  & (networks["cap_factor"] == cap) & (networks["network"] == "one_provider")]
            both = fixed.set_index("allowed")["data_total_bit"].align(
                restricted.set_index("allowed")["data_total_bit"], join="inner")
            assert len(both[0]) == 6
            if column == "le":  # a cap only removes contacts
                assert (both[1] <= both[0] * (1 + 1e-9)).all()
            else:  # no cap: the restricted max-data network is the fixed network
                assert np.allclose(both[0], both[1], rtol=SOLVER_GAP)


def test_run_resumes_from_its_files_and_reprices_by_gstk(small_run):
    out, settings, variants, networks = small_run
    files = sorted((out / "trials").glob("claims-*.csv"))
    assert len(files) == len(variants)
    again = claims.paper_claims(trials=1, sizes=[1], seed=2025, settings=settings, variants=variants,
                                baseline_sizes=[1], results_dir=out, jobs=1)
    assert len(again) == len(networks)
    assert np.allclose(again["data_total_bit"].fillna(-1), networks["data_total_bit"].fillna(-1))
    solved = networks[networks["has_solution"].astype(bool)]
    own = solved[solved["cost_model"] == "gstk"]
    assert np.allclose(own["cost_total_usd"], own["cost_total_usd_gstk"], rtol=1e-9)
    ref = solved[(solved["cost_model"] == "reference-2025") & (solved["n_contacts"] > 0)]
    assert not np.allclose(ref["cost_total_usd"], ref["cost_total_usd_gstk"])  # monthly costs vanish, minutes x60


def test_ratios_summary_and_table(small_run):
    _, settings, _, networks = small_run
    ratios = claims.claim_ratios(networks)
    assert set(ratios["statistic"]) == {"best", "mean", "mean_of_ratios"}
    assert set(ratios["baseline"]) == {"one_provider", claims.FIXED}
    best = ratios[(ratios["statistic"] == "best") & (ratios["baseline"] == "one_provider")]
    assert (best.loc[best["problem"] == "max_data", "data_ratio"] >= 1 - SOLVER_GAP).all()
    assert (best.loc[best["problem"] == "min_cost", "cost_ratio"] <= 1 + SOLVER_GAP).all()
    summary = claims.claim_summary(ratios)
    assert {"cost_ratio_gstk_median", "b_month_usd_per_satellite", "cost_model", "cap_factor"} <= set(summary.columns)
    table = verdicts.claims_table(summary, rule=settings.rule, networks=networks)
    assert list(table.columns[:5]) == ["claim", "paper", "gstk (gstk settings)", "gstk (best-matching settings)",
                                       "verdict"]
    one = table.set_index("claim_id").loc["max_data_1_one"]
    assert one["gstk (gstk settings)"].endswith("median of 1 trial") or "proven" in one["gstk (gstk settings)"]
    assert not one["verdict"].startswith("not computed")
    assert table.set_index("claim_id").loc["max_data_10_one", "verdict"] == "not computed in this run"
    shares = claims.proven_shares(networks, "max_data")
    assert list(shares) == [1] and 0.0 <= shares[1] <= 1.0


def test_cap_figure_draws_one_curve_per_baseline_definition_and_cost_model(small_run):
    import matplotlib

    matplotlib.use("Agg")
    from gstk.plots.study import claims_cap_figure

    _, _, _, networks = small_run
    summary = claims.claim_summary(claims.claim_ratios(networks))
    fig = claims_cap_figure(summary, proven=claims.proven_shares(networks), caption="test")
    ax_data, ax_cost = fig.axes
    curves = [line for line in ax_data.get_lines() if line.get_marker() in ("o", "s")]  # not the reference lines
    assert len(curves) == 4 * 2  # best, mean, mean of ratios, fixed; gstk and reference-2025
    assert {line.get_linestyle() for line in curves} == {"-", "--"}
    assert max(max(line.get_xdata()) for line in curves) == claims.NON_BINDING_CAP_USD
    assert ax_data.get_xscale() == "log" and ax_cost.get_yscale() == "log"
    assert "proven optimal" in ax_data.get_title()
    with pytest.raises(GstkError, match="lacks column"):
        claims_cap_figure(summary.drop(columns=["cost_model"]))
    other_rule = pd.concat([summary, summary.assign(rule="all", data_ratio_median=99.0)], ignore_index=True)
    again = claims_cap_figure(other_rule)  # only today's rule is drawn: one point per cap, none at 99x
    drawn = [line for line in again.axes[0].get_lines() if line.get_marker() in ("o", "s")]
    assert len(drawn) == len(curves) and max(max(line.get_ydata()) for line in drawn) < 100 * 98
    matplotlib.pyplot.close(fig)
    matplotlib.pyplot.close(again)
