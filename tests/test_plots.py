"""Figures from small synthetic tables: artists counted, colours stable, files written."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import cartopy.crs as ccrs  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import shapely.geometry as sgeom  # noqa: E402
from cartopy.mpl.feature_artist import FeatureArtist  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from gstk import plots  # noqa: E402
from gstk.errors import GstkError  # noqa: E402

#: 1e-9 days is 86 microseconds: far below a contact's one-second resolution,
#: far above float64 rounding of date numbers (~1e-11 days near 2025).
ONE_TENTH_MILLISECOND_DAYS = 1e-9
START = pd.Timestamp("2025-03-01", tz="UTC")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def stations() -> pd.DataFrame:
    """Four stations: Arctic (circle encloses the pole), by the antimeridian, a new provider."""
    return pd.DataFrame({
        "station_id": ["KSAT/Svalbard", "Atlas/Awarua", "AWS/Ohio", "NewCo/Quito"],
        "provider": ["KSAT", "Atlas", "AWS", "NewCo"],
        "lat_deg": [78.23, -46.52, 40.0, -0.2],
        "lon_deg": [15.41, 168.38, -83.0, -78.5],
    })


@pytest.fixture
def contacts() -> pd.DataFrame:
    aos = START + pd.to_timedelta([600, 4000, 9000, 20000, 30000], unit="s")
    frame = pd.DataFrame({
        "satellite_id": ["1", "1", "2", "2", "3"],
        "station_id": ["KSAT/Svalbard", "AWS/Ohio", "KSAT/Svalbard", "Atlas/Awarua", "AWS/Ohio"],
        "provider": ["KSAT", "AWS", "KSAT", "Atlas", "AWS"],
        "aos": aos,
        "los": aos + pd.to_timedelta([300, 420, 510, 200, 600], unit="s"),
    })
    frame["duration_s"] = (frame["los"] - frame["aos"]).dt.total_seconds()
    frame.attrs.update(start=START, end=START + pd.Timedelta(days=1))
    return frame


def _coverage_artists(ax) -> list[FeatureArtist]:
    return [a for a in ax.get_children()
            if isinstance(a, FeatureArtist) and str(a.get_gid()).startswith("coverage:")]


def _station_collections(ax) -> dict[str, object]:
    return {c.get_gid().split(":", 1)[1]: c for c in ax.collections
            if str(c.get_gid()).startswith("stations:")}


def test_station_map_draws_one_circle_per_station(stations):
    fig = plots.station_map(stations, altitude_km=500.0, elevation_mask_deg=10.0)
    ax = fig.axes[0]
    circles = _coverage_artists(ax)
    assert sorted(a.get_gid() for a in circles) == sorted(
        "coverage:" + s for s in stations["station_id"])
    assert all(not next(iter(a._feature.geometries())).is_empty for a in circles)
    collections = _station_collections(ax)
    assert set(collections) == set(stations["provider"])
    assert sum(len(c.get_offsets()) for c in collections.values()) == len(stations)
    labels = ax.get_legend_handles_labels()[1]
    assert "KSAT (1)" in labels and "NewCo (1)" in labels
    assert "500 km" in ax.get_title() and "14.0°" in ax.get_title()


def test_arctic_coverage_circle_encloses_the_pole(stations):
    fig = plots.station_map(stations.iloc[:1], altitude_km=500.0, elevation_mask_deg=10.0)
    ax = fig.axes[0]
    (circle,) = _coverage_artists(ax)
    geom = next(iter(circle._feature.geometries()))
    # Across the pole from Svalbard (15.4E, 78.2N), 89N is 12.8 deg away: inside lambda = 14.0.
    for lon, lat, inside in [(-164.6, 89.0, True), (15.4, 70.0, True), (15.4, 60.0, False)]:
        xy = ax.projection.transform_point(lon, lat, ccrs.PlateCarree())
        assert geom.contains(sgeom.Point(xy)) is inside, (lon, lat)


def test_station_map_without_altitude_has_no_circles(stations):
    ax = plots.station_map(stations).axes[0]
    assert _coverage_artists(ax) == []
    assert "coverage" not in ax.get_title()


def test_provider_colours_are_stable_across_figures(stations):
    full = _station_collections(plots.station_map(stations).axes[0])
    subset = _station_collections(plots.station_map(stations.iloc[[3, 0]]).axes[0])
    for provider in ("KSAT", "NewCo"):
        assert to_hex(full[provider].get_facecolor()[0]) == to_hex(
            subset[provider].get_facecolor()[0])
    assert to_hex(full["KSAT"].get_facecolor()[0]) == plots.PROVIDER_COLORS["KSAT"]
    assert plots.provider_color("NewCo") == plots.provider_color("NewCo")
    assert len(set(plots.PROVIDER_COLORS.values())) == len(plots.PROVIDER_COLORS)


def test_station_map_color_by_other_column(stations):
    frame = stations.assign(status=["Operational", "Planned", "Operational", "Planned"])
    collections = _station_collections(plots.station_map(frame, color_by="status").axes[0])
    assert {k: len(c.get_offsets()) for k, c in collections.items()} == {
        "Operational": 2, "Planned": 2}


def test_station_map_names_missing_columns(stations):
    with pytest.raises(GstkError, match="lat_deg"):
        plots.station_map(stations.drop(columns="lat_deg"))


def test_network_map_highlights_selected(stations):
    chosen = ["KSAT/Svalbard", "AWS/Ohio"]
    ax = plots.network_map(stations, chosen, altitude_km=550.0).axes[0]
    collections = _station_collections(ax)
    faded = collections.pop("unselected")
    assert len(faded.get_offsets()) == 2
    assert set(collections) == {"KSAT", "AWS"}
    assert collections["KSAT"].get_offsets().shape == (1, 2)
    assert faded.get_alpha() < 1.0 and faded.get_sizes()[0] < collections["KSAT"].get_sizes()[0]
    assert sorted(a.get_gid() for a in _coverage_artists(ax)) == sorted(
        "coverage:" + s for s in chosen)
    assert ax.get_title().startswith("2 of 4 stations selected")


def test_network_map_rejects_unknown_station(stations):
    with pytest.raises(GstkError, match="KSAT/Nowhere"):
        plots.network_map(stations, ["KSAT/Svalbard", "KSAT/Nowhere"])


def test_ground_track_map_splits_at_antimeridian():
    times = START + pd.to_timedelta(np.arange(6) * 60, unit="s")
    track = pd.concat([
        pd.DataFrame({"satellite_id": "A", "time": times,
                      "lat_deg": np.linspace(-10, 10, 6),
                      "lon_deg": [160.0, 175.0, -170.0, -160.0, 175.0, 165.0]}),
        pd.DataFrame({"satellite_id": "B", "time": times,
                      "lat_deg": np.linspace(40, 50, 6), "lon_deg": np.linspace(0, 20, 6)}),
    ]).sample(frac=1.0, random_state=1)  # unordered input: the map sorts by time
    ax = plots.ground_track_map(track).axes[0]
    lines = [ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("track:")]
    assert sum(ln.get_gid() == "track:A" for ln in lines) == 3
    assert sum(ln.get_gid() == "track:B" for ln in lines) == 1
    assert ax.get_legend_handles_labels()[1] == ["A", "B"]
    first_a = next(ln for ln in lines if ln.get_gid() == "track:A")
    np.testing.assert_allclose(first_a.get_xdata(), [160.0, 175.0, 180.0])


def test_contact_gantt_has_one_bar_per_contact(contacts):
    ax = plots.contact_gantt(contacts).axes[0]
    bars = [p for p in ax.patches if str(p.get_gid()).startswith("contacts:")]
    assert len(bars) == len(contacts)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Atlas/Awarua", "AWS/Ohio", "KSAT/Svalbard"]
    lefts = sorted(b.get_x() for b in bars)
    expected = mdates.date2num(contacts["aos"].dt.tz_convert(None).to_numpy())
    np.testing.assert_allclose(lefts, sorted(expected), rtol=0, atol=ONE_TENTH_MILLISECOND_DAYS)
    widths_s = sorted(b.get_width() * 86_400.0 for b in bars)
    np.testing.assert_allclose(widths_s, sorted(contacts["duration_s"]), atol=1e-3)
    ksat = [b for b in bars if b.get_gid() == "contacts:KSAT"]
    assert len(ksat) == 2
    assert to_hex(ksat[0].get_facecolor()) == plots.PROVIDER_COLORS["KSAT"]
    lo, hi = ax.get_xlim()
    assert hi - lo == pytest.approx(1.0)  # the contacts table's [start, end]


def test_contact_gantt_by_satellite(contacts):
    ax = plots.contact_gantt(contacts, by="satellite_id", color_by="satellite_id").axes[0]
    bars = [p for p in ax.patches if str(p.get_gid()).startswith("contacts:")]
    assert len(bars) == len(contacts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "3"]
    assert ax.get_legend_handles_labels()[1] == ["1", "2", "3"]


def test_contact_gantt_accepts_empty_table(contacts):
    ax = plots.contact_gantt(contacts.iloc[:0]).axes[0]
    assert [p for p in ax.patches if str(p.get_gid()).startswith("contacts:")] == []


def test_save_figure_writes_png_and_pdf(tmp_path, stations):
    fig = plots.station_map(stations, altitude_km=500.0)
    paths = plots.save_figure(fig, "fig1_station_map", tmp_path / "figures")
    assert paths == [tmp_path / "figures" / "fig1_station_map.png",
                     tmp_path / "figures" / "fig1_station_map.pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_save_figure_defaults_to_the_git_ignored_build_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig, _ = plt.subplots()
    paths = plots.save_figure(fig, "default_place", formats=("png",))
    assert paths == [Path("build/figures/default_place.png")] and paths[0].is_file()
    assert not (tmp_path / "figures").exists(), "the committed figures/ is written only when asked"


@pytest.mark.parametrize("name", ["", "sub/fig", "fig.png"])
def test_save_figure_rejects_paths_and_extensions(tmp_path, name):
    fig, _ = plt.subplots()
    with pytest.raises(GstkError, match="file stem"):
        plots.save_figure(fig, name, tmp_path)
