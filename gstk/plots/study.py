"""Figures of the study notebooks: a tidy DataFrame in, a matplotlib ``Figure`` out.

One function per figure; nothing here computes results beyond unit
conversions for axes (bits -> TB, USD -> k$).  Maps, Gantt charts and ground
tracks are in :mod:`gstk.plots`; :func:`gstk.plots.save_figure` writes the
PNG/PDF pairs.  Every figure takes a ``caption`` that the notebooks fill with
the settings behind it (sampling rule, trials, D_min, B_month), so a figure
file always says how it was made.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.plots.style import provider_color

#: Baseline series of Figures 2 and 3: (baseline, statistic) -> (label, colour).
SERIES = {
    ("one_provider", "best"): ("best one-provider", "#1f77b4"),
    ("one_provider", "mean"): ("mean one-provider", "#aec7e8"),
    ("two_provider", "best"): ("best two-provider", "#d62728"),
    ("two_provider", "mean"): ("mean two-provider", "#ff9896"),
}
_BITS_PER_TB = 8e12
_PROBLEM_TITLES = {"min_cost": "Minimum mission cost (2) with daily downlink floor (9)",
                   "max_data": "Maximum mission data (3) under a monthly cost cap (10)"}


def _require(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GstkError(f"{what} lacks column(s) {missing}; pass the table gstk.study returns")


def _caption(fig, caption: str | None) -> None:
    """Print ``caption`` under the axes, wrapped to the figure width, with room reserved for it."""
    if not caption:
        return
    import textwrap

    width_in, height_in = fig.get_size_inches()
    lines = textwrap.wrap(caption, width=max(40, int(width_in * 15)))
    reserved = (0.14 * len(lines) + 0.08) / height_in
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0.0, reserved, 1.0, 1.0 - reserved))
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=7, color="#444444", ha="left", va="bottom")


def _size_labels(ratios: pd.DataFrame, sizes: list[int]) -> list[str]:
    """Return x tick labels: the size, and the share of baselines a solver limit stopped (if known)."""
    if "n_at_limit" not in ratios or "n_sets" not in ratios:
        return [str(n) for n in sizes]
    labels = []
    for n in sizes:
        rows = ratios[(ratios["n_satellites"] == n) & (ratios["statistic"] == "best")]
        share = rows["n_at_limit"].sum() / max(rows["n_sets"].sum(), 1)
        labels.append(f"{n}\n({100 * share:.0f} %)")
    return labels


def _grouped_boxes(ax, ratios: pd.DataFrame, column: str, sizes: list[int]) -> None:
    width = 0.8 / len(SERIES)
    for j, ((baseline, statistic), (label, color)) in enumerate(SERIES.items()):
        subset = ratios[(ratios["baseline"] == baseline) & (ratios["statistic"] == statistic)]
        data = [subset.loc[subset["n_satellites"] == n, column].replace([np.inf, -np.inf], np.nan).dropna()
                .to_numpy(float) for n in sizes]
        positions = np.arange(len(sizes)) + (j - (len(SERIES) - 1) / 2) * width
        keep = [i for i, d in enumerate(data) if len(d)]
        if not keep:
            continue
        parts = ax.boxplot([data[i] for i in keep], positions=positions[keep], widths=width * 0.85,
                           patch_artist=True, showfliers=True, flierprops={"markersize": 2})
        for box in parts["boxes"]:
            box.set(facecolor=color, edgecolor="#333333", linewidth=0.6)
        for median in parts["medians"]:
            median.set(color="black", linewidth=1.0)
        ax.plot([], [], "s", color=color, label=label)
    ax.axhline(1.0, color="#666666", linewidth=0.8, linestyle="--")
    ax.set_xticks(range(len(sizes)), _size_labels(ratios, sizes))
    ax.set_xlabel("satellites in constellation\n(share of baselines stopped by the time limit)")
    ax.grid(axis="y", linewidth=0.3, alpha=0.5)


def comparison_figure(ratios: pd.DataFrame, results: pd.DataFrame, problem: str, *,
                      caption: str | None = None):
    """Draw Figure 2 (min-cost) or 3 (max-data): normalized cost, normalized data, solve times.

    Parameters
    ----------
    ratios : pandas.DataFrame
        :func:`gstk.study.comparison_ratios` (optimized / baseline, per trial).
    results : pandas.DataFrame
        :func:`gstk.study.comparison.objective_comparison` (for the solve times).
    problem : {"min_cost", "max_data"}
        Which figure.
    caption : str, optional
        Settings line printed under the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: optimized cost / baseline cost, optimized data / baseline
        data (boxes over trials, one colour per baseline series, dashed line at 1;
        tick labels give the share of baselines stopped by the solver's time limit,
        whose cost is then only an upper and data a lower bound) and the optimized
        network's solve time per constellation size (log scale).
    """
    import matplotlib.pyplot as plt

    _require(ratios, ("problem", "n_satellites", "baseline", "statistic", "cost_ratio", "data_ratio"), "ratios")
    _require(results, ("problem", "network", "n_satellites", "solve_time_s"), "results")
    mine = ratios[ratios["problem"] == problem]
    if mine.empty:
        raise GstkError(f"no ratios for problem {problem!r}; have {sorted(ratios['problem'].unique())}")
    sizes = sorted(mine["n_satellites"].unique().tolist())
    fig, axes = plt.subplots(1, 3, figsize=(13.0, 4.2), constrained_layout=True)
    _grouped_boxes(axes[0], mine, "cost_ratio", sizes)
    axes[0].set_ylabel("optimized cost / baseline cost")
    axes[0].set_title("normalized mission cost", fontsize=10)
    _grouped_boxes(axes[1], mine, "data_ratio", sizes)
    axes[1].set_ylabel("optimized data / baseline data")
    axes[1].set_title("normalized mission data", fontsize=10)
    axes[1].legend(fontsize=7, frameon=False, loc="best")
    opt = results[(results["problem"] == problem) & (results["network"] == "optimized")]
    times = [opt.loc[opt["n_satellites"] == n, "solve_time_s"].astype(float).to_numpy() for n in sizes]
    axes[2].boxplot(times, positions=range(len(sizes)), widths=0.5)
    axes[2].set_xticks(range(len(sizes)), [str(n) for n in sizes])
    axes[2].set_yscale("log")
    axes[2].set_xlabel("satellites in constellation")
    axes[2].set_ylabel("SCIP solve time (s)")
    axes[2].set_title("solve time, optimized network", fontsize=10)
    axes[2].grid(axis="y", linewidth=0.3, alpha=0.5)
    fig.suptitle(_PROBLEM_TITLES.get(problem, problem), fontsize=11)
    _caption(fig, caption)
    return fig


def sensitivity_figure(sensitivity: pd.DataFrame, *, caption: str | None = None):
    """Draw how the median ratios move with D_min (min-cost, cost ratio) and B_month (max-data, data ratio).

    ``sensitivity`` is :func:`gstk.study.comparison.sensitivity`.  Error bars span the
    25th-75th percentile over trials; one line per baseline series.
    """
    import matplotlib.pyplot as plt

    _require(sensitivity, ("parameter", "value", "baseline", "statistic", "cost_ratio_median"), "sensitivity")
    panels = (("d_min_bit", "cost_ratio", "D_min (GB per satellite per day)", 8e9, "optimized cost / baseline cost"),
              ("b_month_usd_per_satellite", "data_ratio", "B_month (k$ per satellite per month)", 1e3,
               "optimized data / baseline data"))
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.0), constrained_layout=True)
    for ax, (parameter, column, xlabel, scale, ylabel) in zip(axes, panels):
        rows = sensitivity[sensitivity["parameter"] == parameter]
        for (baseline, statistic), (label, color) in SERIES.items():
            line = rows[(rows["baseline"] == baseline) & (rows["statistic"] == statistic)].sort_values("value")
            if line.empty:
                continue
            x = line["value"].astype(float) / scale
            y = line[f"{column}_median"].astype(float)
            err = [y - line[f"{column}_q25"].astype(float), line[f"{column}_q75"].astype(float) - y]
            ax.errorbar(x, y, yerr=np.abs(np.asarray(err, float)), marker="o", color=color, label=label,
                        capsize=3, linewidth=1.2)
        ax.axhline(1.0, color="#666666", linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(linewidth=0.3, alpha=0.5)
    axes[0].set_title("min-cost: sensitivity to D_min", fontsize=10)
    axes[1].set_title("max-data: sensitivity to B_month", fontsize=10)
    axes[1].legend(fontsize=7, frameon=False)
    _caption(fig, caption)
    return fig


def window_statistics_figure(summary: pd.DataFrame, *, recommended: Mapping[str, float] | None = None,
                             caption: str | None = None):
    """Draw Figure 4: mean gap, mean contact duration and contacts per day against window length.

    ``summary`` is :func:`gstk.study.surrogate.window_summary`: the line is the mean over
    satellites, the band the mean ± one standard deviation.  ``recommended``
    (:func:`gstk.study.surrogate.recommended_window_days`) draws a dashed line per panel.
    """
    import matplotlib.pyplot as plt

    panels = (("mean_gap_s", "mean gap (min)", 60.0), ("mean_duration_s", "mean contact duration (s)", 1.0),
              ("contacts_per_day", "contacts per day", 1.0))
    _require(summary, ["window_days"] + [f"{m}_mean" for m, _, _ in panels], "window summary")
    fig, axes = plt.subplots(1, 3, figsize=(13.0, 3.8), constrained_layout=True)
    days = summary["window_days"].astype(float)
    for ax, (metric, label, scale) in zip(axes, panels):
        mean = summary[f"{metric}_mean"].astype(float) / scale
        std = summary[f"{metric}_std"].astype(float).fillna(0.0) / scale
        ax.fill_between(days, mean - std, mean + std, color="#1f77b4", alpha=0.2, linewidth=0,
                        label="± 1 std over satellites")
        ax.plot(days, mean, "o-", color="#1f77b4", markersize=3, label="mean over satellites")
        if recommended and metric in recommended and math.isfinite(recommended[metric]):
            ax.axvline(recommended[metric], color="#d62728", linestyle="--", linewidth=1.0,
                       label=f"settles at {recommended[metric]:g} d")
        ax.set_xlabel("propagation window (days)")
        ax.set_ylabel(label)
        ax.grid(linewidth=0.3, alpha=0.5)
        ax.legend(fontsize=7, frameon=False)
    n = int(summary["n_satellites"].max()) if "n_satellites" in summary else 0
    fig.suptitle(f"Contact statistics of {n} satellites against propagation window (paper Fig. 4)", fontsize=11)
    _caption(fig, caption)
    return fig


def out_of_sample_figure(evaluation: pd.DataFrame, *, caption: str | None = None):
    """Draw the fixed network's objective drift (and regret) and gap statistics on later windows.

    ``evaluation`` is :func:`gstk.study.surrogate.out_of_sample` (window 0 is the training window).
    """
    import matplotlib.pyplot as plt

    _require(evaluation, ("start_day", "end_day", "objective_drift", "network_mean_gap_s"), "evaluation")
    mid = (evaluation["start_day"].astype(float) + evaluation["end_day"].astype(float)) / 2
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 3.8), constrained_layout=True)
    axes[0].plot(mid, 100 * evaluation["objective_drift"].astype(float), "o-", label="objective drift vs days 0-7")
    if "regret" in evaluation:
        axes[0].plot(mid, 100 * evaluation["regret"].astype(float), "s--", color="#d62728",
                     label="regret vs network chosen on that window")
    axes[0].axhline(0.0, color="#666666", linewidth=0.8)
    axes[0].axvspan(evaluation["start_day"].iloc[0], evaluation["end_day"].iloc[0], color="#cccccc", alpha=0.4,
                    label="training window")
    axes[0].set_xlabel("window centre (days after start)")
    axes[0].set_ylabel("%")
    axes[0].legend(fontsize=7, frameon=False)
    axes[1].plot(mid, evaluation["network_mean_gap_s"].astype(float) / 60, "o-", label="mean gap, fixed network")
    if "schedule_max_gap_s" in evaluation:
        axes[1].plot(mid, evaluation["schedule_max_gap_s"].astype(float) / 60, "s--",
                     label="max gap, re-optimized schedule")
    axes[1].set_xlabel("window centre (days after start)")
    axes[1].set_ylabel("minutes")
    axes[1].set_yscale("log")
    axes[1].legend(fontsize=7, frameon=False)
    for ax in axes:
        ax.grid(linewidth=0.3, alpha=0.5)
    problem = evaluation.attrs.get("problem", "")
    fig.suptitle(f"Out of sample: network chosen on days 0-{evaluation['end_day'].iloc[0]:g}, "
                 f"evaluated later ({problem})", fontsize=11)
    _caption(fig, caption)
    return fig


def pareto_figure(front: pd.DataFrame, baselines: pd.DataFrame | None = None, *, caption: str | None = None):
    """Draw the epsilon-constraint front (monthly cost vs mission data) with baseline networks as points.

    ``front`` and ``baselines`` come from :func:`gstk.study.pareto.pareto_study`.
    Front points are filled, dominated solutions of the sweep hollow; one-provider
    networks are circles and two-provider networks triangles, in their (first)
    provider's colour.
    """
    import matplotlib.pyplot as plt

    _require(front, ("monthly_cost_usd", "data_total_bit", "on_front"), "front")
    fig, ax = plt.subplots(figsize=(7.5, 5.0), constrained_layout=True)
    on = front[front["on_front"].astype(bool)].sort_values("monthly_cost_usd")
    ax.step(on["monthly_cost_usd"] / 1e3, on["data_total_bit"] / _BITS_PER_TB, where="post", color="black",
            linewidth=1.2, label="front (ε-constraint on B_month)")
    ax.plot(on["monthly_cost_usd"] / 1e3, on["data_total_bit"] / _BITS_PER_TB, "o", color="black", markersize=5)
    off = front[~front["on_front"].astype(bool)]
    if len(off):
        ax.plot(off["monthly_cost_usd"] / 1e3, off["data_total_bit"] / _BITS_PER_TB, "o", mfc="none",
                color="black", markersize=5, label="dominated sweep point")
    if baselines is not None and len(baselines):
        ok = baselines[baselines["has_solution"].astype(bool)]
        for network, marker in (("one_provider", "o"), ("two_provider", "^")):
            rows = ok[ok["network"] == network]
            colors = [provider_color(str(a).split("+")[0]) for a in rows["allowed"]]
            ax.scatter(rows["monthly_cost_usd"] / 1e3, rows["data_total_bit"] / _BITS_PER_TB, marker=marker,
                       c=colors, s=36, alpha=0.8, edgecolors="#333333", linewidths=0.4,
                       label=network.replace("_", "-") + " networks at base cap")
        for _, row in ok[ok["network"] == "one_provider"].iterrows():
            ax.annotate(str(row["allowed"]), (row["monthly_cost_usd"] / 1e3, row["data_total_bit"] / _BITS_PER_TB),
                        fontsize=6, xytext=(3, -8), textcoords="offset points")
    ax.set_xlabel("monthly operational cost, left side of (10) (k$/month)")
    ax.set_ylabel("mission data (TB)")
    ax.grid(linewidth=0.3, alpha=0.5)
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.set_title("Cost-data trade-off front", fontsize=11)
    _caption(fig, caption)
    return fig


#: Baseline definitions of the reconciliation figures: (network, statistic) -> (label, colour).
CLAIM_BASELINES = {
    ("{baseline}", "best"): ("best restricted", "#1f77b4"),
    ("{baseline}", "mean"): ("mean restricted (ratio to the mean)", "#ff7f0e"),
    ("{baseline}", "mean_of_ratios"): ("mean of ratios to restricted", "#2ca02c"),
    ("fixed_one_provider", "mean"): ("fixed one-provider (mean)", "#9467bd"),
}
#: Line style and marker per cost model.
COST_MODEL_STYLES = {"gstk": ("-", "o"), "reference-2025": ("--", "s")}
#: The paper's max-data claims per size: (data gain %, cost ratio) against one / two providers.
PAPER_MAX_DATA = {1: {"one_provider": (300.0, 1.25), "two_provider": (200.0, None)},
                  10: {"one_provider": (300.0, 1.05), "two_provider": (200.0, 1.05)}}


def claims_cap_figure(summary: pd.DataFrame, *, baseline: str = "one_provider", max_providers: str = "none",
                      rule: str = "exclude-megaconstellations", proven: Mapping[int, float] | None = None,
                      caption: str | None = None):
    """Draw the max-data gain and cost ratio against B_month (log axis), one curve per baseline
    definition and cost model, one row per constellation size.

    ``summary`` is :func:`gstk.study.claims.claim_summary`; ``baseline`` "one_provider" or
    "two_provider" (the fixed one-provider curve joins the first); the non-binding cap sits at
    its value, 1e9 USD/month.  Only the variants with ``max_providers`` and the sampling ``rule``
    are drawn (the cap is the one axis that varies along a curve).  ``proven`` maps a size to the
    share of its solves proven optimal, printed in the row's title.  The paper's numbers are
    dotted lines.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, FuncFormatter

    _require(summary, ("problem", "n_satellites", "baseline", "statistic", "cost_model", "max_providers",
                       "b_month_usd_per_satellite", "data_ratio_median", "cost_ratio_median"), "claim summary")
    rows = summary[(summary["problem"] == "max_data") & (summary["max_providers"].astype(str) == str(max_providers))]
    if "rule" in rows:
        rows = rows[rows["rule"].astype(str) == rule]
    sizes = sorted(int(n) for n in rows["n_satellites"].unique())
    if not sizes:
        raise GstkError("claim summary has no max-data rows to draw")
    fig, axes = plt.subplots(len(sizes), 2, figsize=(10.5, 3.4 * len(sizes) + 0.6), constrained_layout=True,
                             squeeze=False)
    for (ax_data, ax_cost), n in zip(axes, sizes):
        for (network, statistic), (label, color) in CLAIM_BASELINES.items():
            network = network.format(baseline=baseline)
            if network == "fixed_one_provider" and baseline != "one_provider":
                continue
            for model, (style, marker) in COST_MODEL_STYLES.items():
                line = rows[(rows["n_satellites"] == n) & (rows["baseline"] == network)
                            & (rows["statistic"] == statistic) & (rows["cost_model"] == model)]
                line = line.sort_values("b_month_usd_per_satellite")
                x = line["b_month_usd_per_satellite"].astype(float)
                if line.empty:
                    continue
                name = f"{label}, {model} costs"
                ax_data.plot(x, 100 * (line["data_ratio_median"].astype(float) - 1), style, marker=marker,
                             color=color, label=name, markersize=3.5, linewidth=1.2)
                ax_cost.plot(x, line["cost_ratio_median"].astype(float), style, marker=marker, color=color,
                             label=name, markersize=3.5, linewidth=1.2)
        gain, cost = PAPER_MAX_DATA.get(n, {}).get(baseline, (None, None))
        for ax, value in ((ax_data, gain), (ax_cost, cost)):
            if value is not None:
                ax.axhline(value, color="#000000", linestyle=":", linewidth=1.0, label="paper")
        ax_data.axhline(0.0, color="#666666", linewidth=0.6)
        ax_cost.axhline(1.0, color="#666666", linewidth=0.6)
        share = None if proven is None else proven.get(n)
        note = "" if share is None or not np.isfinite(share) else f"; {100 * share:.0f} % of solves proven optimal"
        ax_data.set_title(f"{n} satellite{'s' * (n != 1)}: data gain vs {baseline.replace('_', ' ')}{note}",
                          fontsize=9)
        ax_cost.set_title(f"{n} satellite{'s' * (n != 1)}: cost ratio (optimized / baseline)", fontsize=9)
        for ax in (ax_data, ax_cost):
            ax.set_xscale("log")
            ax.set_xlabel("B_month (USD per satellite per month; 1e9 = no cap)")
            ax.grid(linewidth=0.3, alpha=0.5)
        ax_data.set_ylabel("optimized data / baseline data - 1 (%)")
        ax_cost.set_yscale("log")
        ax_cost.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        low, high = ax_cost.get_ylim()
        few_decades = high / low < 30  # label 2x and 5x too; over more decades their labels would collide
        ax_cost.yaxis.set_minor_formatter(
            FuncFormatter(lambda y, _: f"{y:g}" if few_decades and round(y / 10 ** np.floor(np.log10(y)), 6)
                          in (2.0, 5.0) else ""))
        ax_cost.set_ylabel("optimized cost / baseline cost (log)")
    handles, labels = axes[0][1].get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    fig.legend(list(unique.values()), list(unique), loc="outside upper center", ncol=3, fontsize=7, frameon=False)
    _caption(fig, caption)
    return fig
