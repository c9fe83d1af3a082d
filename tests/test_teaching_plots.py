"""Primer figures: each draws the artists its table asks for, and saves."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gstk.catalog.stations import load_stations  # noqa: E402
from gstk.contacts.windows import compute_contacts  # noqa: E402
from gstk.errors import GstkError  # noqa: E402
from gstk.plots import teaching as teaching_plots  # noqa: E402
from gstk.plots.style import save_figure  # noqa: E402
from gstk.study import teaching

START = "2025-03-11T00:00:00Z"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def satellites():
    return teaching.example_satellites()


@pytest.fixture(scope="module")
def svalbard():
    return teaching.station_row(load_stations(), "KSAT/Svalbard")


def _gids(fig) -> list[str]:
    return [a.get_gid() for ax in fig.axes for a in ax.get_children() if a.get_gid()]


def test_orbit_frames_plot_draws_one_track_per_frame_and_satellite(satellites):
    orbit = teaching.orbit_in_frames(satellites, START, duration_s=6000, step_s=120)
    fig = teaching_plots.orbit_frames_plot(orbit, title="t")
    tracks = [g for g in _gids(fig) if g.startswith("orbit:")]
    assert sorted(tracks) == sorted(f"orbit:{f}:{s}" for f in ("TEME", "ITRF") for s in satellites.satellite_id)
    assert len(fig.axes) == 2 and fig._suptitle.get_text() == "t"


def test_elevation_plot_draws_the_mask(satellites, svalbard):
    look = teaching.look_angle_table(satellites[2], svalbard, START, 7200, 30, elevation_mask_deg=15.0)
    fig = teaching_plots.elevation_plot(look, elevation_mask_deg=15.0)
    ax = fig.axes[0]
    mask = next(line for line in ax.get_lines() if line.get_gid() == "mask")
    assert set(mask.get_ydata()) == {15.0}
    curve = next(line for line in ax.get_lines() if line.get_gid() == "elevation")
    np.testing.assert_allclose(curve.get_ydata(), look["elevation_deg"])


def test_sky_plot_draws_one_arc_per_pass(satellites, svalbard):
    look = teaching.look_angle_table(satellites[2], svalbard, START, 86400, 20)
    visible = look["visible"].to_numpy()
    passes = int(visible[0]) + int((visible[1:] & ~visible[:-1]).sum())
    fig = teaching_plots.sky_plot(look)
    arcs = [g for g in _gids(fig) if g.startswith("pass:")]
    assert len(arcs) == passes > 5
    assert fig.axes[0].name == "polar"


def test_coverage_plot_has_a_line_per_altitude():
    fig = teaching_plots.coverage_plot(teaching.coverage_table([400.0, 800.0], [0.0, 10.0, 20.0]))
    assert [g for g in _gids(fig) if g.startswith("coverage:")] == ["coverage:400", "coverage:800"] * 2


def test_statistics_plots(satellites, tmp_path):
    stations = load_stations(providers="KSAT")
    start, end = teaching.window(START, 1)
    contacts = compute_contacts(satellites, stations, start, end)
    latitude = teaching_plots.latitude_plot(teaching.pass_statistics(contacts, stations))
    assert len([g for g in _gids(latitude) if g.startswith("latitude:")]) == 3 * 3
    histograms = teaching_plots.pass_histograms(contacts)
    heights = [p.get_height() for ax in histograms.axes for p in ax.patches]
    assert sum(heights) == 2 * len(contacts)
    daily = teaching_plots.daily_contact_plot(teaching.daily_contact_minutes(contacts))
    bars = [p.get_height() for p in daily.axes[0].patches]
    assert sum(bars) == pytest.approx(teaching.satellite_contact_statistics(contacts)["contact_min_per_day"].sum())
    assert max(bars) <= 1440.0
    paths = save_figure(daily, "primer_daily", tmp_path)
    assert all(p.stat().st_size > 1000 for p in paths)


def test_plots_name_missing_columns():
    with pytest.raises(GstkError, match="elevation_deg"):
        teaching_plots.elevation_plot(pd.DataFrame({"time": [], "visible": []}))


def test_link_budget_plots(satellites, svalbard):
    from gstk.contacts.rates import LinkBudget

    budget = LinkBudget(eirp_dbw=10, gt_db_k=31, frequency_hz=8.2e9, ebn0_db=4.4, margin_db=3, max_rate_bps=1.2e9)
    start, end = teaching.window(START, 1)
    profile = teaching.pass_rate_profile(satellites[[2]], svalbard, budget, start, end)  # ISS never sees Svalbard
    fig = teaching_plots.rate_profile_plot(profile)
    assert sorted(g for g in _gids(fig) if g.startswith("rate:")) == ["rate:elevation", "rate:rate"]
    assert "GB" in fig.axes[0].get_title()
    contacts = compute_contacts(satellites, load_stations(providers="KSAT"), start, end, rates=budget)
    volumes = teaching_plots.pass_volume_plot(contacts)
    points = [c for c in volumes.axes[0].collections if c.get_gid() == "volume:passes"]
    assert len(points) == 1 and len(points[0].get_offsets()) == len(contacts)
    with pytest.raises(GstkError, match="volume_bit"):
        teaching_plots.pass_volume_plot(contacts.drop(columns=["volume_bit"]))
