"""Offline world maps from the bundled Natural Earth files, and coverage-circle geometry."""
from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import cartopy  # noqa: E402
import cartopy.crs as ccrs  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from cartopy.io import shapereader  # noqa: E402
from cartopy.mpl.feature_artist import FeatureArtist  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import gstk._data  # noqa: E402
from gstk.datasets import natural_earth_dir  # noqa: E402
from gstk.errors import GstkError, OfflineError  # noqa: E402
from gstk.orbits.coverage import coverage_half_angle_deg  # noqa: E402
from gstk.plots import maps  # noqa: E402
from gstk.units import EARTH_RADIUS_KM  # noqa: E402

#: Angles from arccos of a ratio near 0.9 in float64 agree to ~1e-12 deg; 1e-9 deg
#: (~0.1 mm on the ground) leaves room for argument order without hiding a wrong formula.
ONE_NANODEGREE = 1e-9
#: Land colour of gstk maps (maps.map_features), as RGB in [0, 1].
LAND_RGB = np.array([0xEC, 0xEC, 0xEC]) / 255.0


class NetworkBlocked(OSError):
    """Raised by every socket or URL opened while a test blocks the network."""


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def cartopy_config(monkeypatch, tmp_path):
    """Isolate cartopy's global config; its download dir is an empty temporary dir."""
    download_dir = tmp_path / "cartopy_downloads"
    monkeypatch.setitem(cartopy.config, "pre_existing_data_dir", Path("."))
    monkeypatch.setitem(cartopy.config, "data_dir", download_dir)
    return download_dir


@pytest.fixture
def no_network(monkeypatch):
    """Make every socket, connection and urlopen call raise NetworkBlocked."""
    def refuse(*args, **kwargs):
        raise NetworkBlocked(f"network access attempted in an offline test: {args!r}")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def test_natural_earth_dir_is_in_package_data():
    package_dir = Path(gstk._data.__file__).resolve().parent
    assert natural_earth_dir().resolve() == package_dir / "natural_earth"
    for path in maps.bundled_map_files():
        assert path.resolve().is_relative_to(package_dir)
        assert path.is_file() and path.stat().st_size > 0, path
    total_bytes = sum(p.stat().st_size for p in maps.bundled_map_files())
    assert total_bytes < 2_000_000


def test_bundled_paths_follow_cartopy_template(cartopy_config):
    maps.use_offline_map_data()
    downloader = shapereader.NEShpDownloader.default_downloader()
    for category, name in maps.MAP_LAYERS:
        fmt = {"config": cartopy.config, "resolution": "110m",
               "category": category, "name": name}
        expected = maps.natural_earth_shapefile(category, name)
        assert downloader.pre_downloaded_path(fmt) == expected
        assert shapereader.natural_earth("110m", category, name) == expected


def test_use_offline_map_data_is_idempotent(cartopy_config):
    first = maps.use_offline_map_data()
    second = maps.use_offline_map_data()
    assert first == second == natural_earth_dir()
    assert Path(cartopy.config["pre_existing_data_dir"]) == natural_earth_dir()


def test_missing_bundled_files_raise_offline_error(monkeypatch, tmp_path, cartopy_config):
    monkeypatch.setattr(maps, "natural_earth_dir", lambda: tmp_path)
    with pytest.raises(OfflineError, match="ne_110m_coastline.shp"):
        maps.use_offline_map_data()
    assert Path(cartopy.config["pre_existing_data_dir"]) == Path(".")


def test_world_map_draws_offline_from_bundled_files(no_network, cartopy_config, tmp_path):
    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("https://naturalearth.s3.amazonaws.com/")
    ax = maps.world_axes(figsize=(4, 2.2))
    features = [a._feature for a in ax.get_children() if isinstance(a, FeatureArtist)]
    assert sorted(f.name for f in features) == sorted(n for _, n in maps.MAP_LAYERS)
    assert all(f.scale == "110m" for f in features)
    coast = next(f for f in features if f.name == "coastline")
    assert len(list(coast.geometries())) > 100  # 134 line strings in NE 110m coastline
    out = tmp_path / "world.png"
    ax.figure.savefig(out, dpi=60)
    assert out.stat().st_size > 5_000
    assert not cartopy_config.exists() or not any(cartopy_config.rglob("*"))


def test_world_map_shows_land(cartopy_config):
    ax = maps.world_axes(figsize=(4, 2.2))
    fig = ax.figure
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    land_share = np.mean(np.all(np.abs(rgb - LAND_RGB) < 0.02, axis=-1))
    # Land is ~29% of the globe; the ellipse fills ~70% of the canvas.
    assert 0.10 < land_share < 0.35


def test_world_axes_draws_on_given_geoaxes(cartopy_config):
    fig = plt.figure()
    ax = fig.add_subplot(projection=ccrs.PlateCarree())
    assert maps.world_axes(ax) is ax
    assert sum(isinstance(a, FeatureArtist) for a in ax.get_children()) == 3


def test_world_axes_rejects_plain_axes():
    _, ax = plt.subplots()
    with pytest.raises(GstkError, match="GeoAxes"):
        maps.world_axes(ax)


def test_coverage_half_angle_hand_values():
    r = EARTH_RADIUS_KM
    # Horizon (0 deg mask): lambda = arccos(R / (R + h)); 6378.135/6878.135 = 0.927306...
    assert coverage_half_angle_deg(500.0, 0.0) == pytest.approx(21.9813, abs=1e-4)
    # 10 deg: arccos(6378.135 * cos 10 / 6878.135) - 10 = 24.0461 - 10.
    assert coverage_half_angle_deg(500.0, 10.0) == pytest.approx(14.0461, abs=1e-4)
    assert coverage_half_angle_deg(1000.0, 5.0) == pytest.approx(
        np.degrees(np.arccos(r * np.cos(np.radians(5.0)) / (r + 1000.0))) - 5.0,
        abs=ONE_NANODEGREE)
    assert coverage_half_angle_deg(500.0, 90.0) == pytest.approx(0.0, abs=ONE_NANODEGREE)


@settings(max_examples=60, deadline=None)
@given(h=st.floats(200.0, 40_000.0), eps=st.floats(0.0, 85.0))
def test_coverage_edge_sees_satellite_at_the_mask(h, eps):
    """At central angle lambda from the sub-satellite point, the elevation is the mask."""
    lam = np.radians(coverage_half_angle_deg(h, eps))
    r = EARTH_RADIUS_KM
    ground = r * np.array([np.sin(lam), np.cos(lam)])
    sat = np.array([0.0, r + h])
    los = sat - ground
    elevation = np.degrees(np.arcsin(los @ ground / (np.linalg.norm(los) * r)))
    assert elevation == pytest.approx(eps, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(h=st.floats(200.0, 2000.0), dh=st.floats(1.0, 500.0),
       eps=st.floats(0.0, 80.0), de=st.floats(0.5, 9.0))
def test_coverage_half_angle_is_monotone(h, dh, eps, de):
    lam = coverage_half_angle_deg(h, eps)
    assert 0.0 < lam < 90.0
    assert coverage_half_angle_deg(h + dh, eps) > lam
    assert coverage_half_angle_deg(h, eps + de) < lam


def test_coverage_half_angle_broadcasts():
    out = coverage_half_angle_deg(np.array([500.0, 800.0]), 10.0)
    assert out.shape == (2,)
    assert out[1] > out[0]


@pytest.mark.parametrize("h, eps", [(0.0, 10.0), (-5.0, 10.0), (500.0, -1.0),
                                    (500.0, 91.0), (float("nan"), 10.0)])
def test_coverage_half_angle_rejects_bad_input(h, eps):
    with pytest.raises(GstkError):
        coverage_half_angle_deg(h, eps)


@pytest.mark.parametrize("lon, lat", [(15.4, 78.2), (179.0, -10.0), (0.0, 0.0)])
def test_coverage_circle_points_lie_at_half_angle(lon, lat):
    lam = coverage_half_angle_deg(500.0, 10.0)
    ring = np.asarray(maps.coverage_circle(lon, lat, lam).exterior.coords)
    lon2, lat2 = np.radians(ring[:, 0]), np.radians(ring[:, 1])
    lon1, lat1 = np.radians(lon), np.radians(lat)
    central = np.degrees(np.arccos(np.clip(
        np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(lon2 - lon1), -1, 1)))
    # The ring is drawn on the same sphere as the formula: equal up to float rounding.
    assert np.allclose(central, lam, rtol=0.0, atol=1e-6)


def test_antimeridian_segments_cut_and_meet_at_the_edge():
    segments = maps.antimeridian_segments([170.0, 178.0, -178.0, -170.0], [0.0, 2.0, 4.0, 6.0])
    assert len(segments) == 2
    (lon_a, lat_a), (lon_b, lat_b) = segments
    np.testing.assert_allclose(lon_a, [170.0, 178.0, 180.0])
    np.testing.assert_allclose(lon_b, [-180.0, -178.0, -170.0])
    assert lat_a[-1] == pytest.approx(3.0) and lat_b[0] == pytest.approx(3.0)
    westward = maps.antimeridian_segments([-175.0, 175.0], [10.0, 20.0])
    np.testing.assert_allclose(westward[0][0], [-175.0, -180.0])
    np.testing.assert_allclose(westward[1][0], [180.0, 175.0])
    assert westward[0][1][-1] == pytest.approx(15.0)


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.floats(-30.0, 30.0), min_size=1, max_size=60),
       lon0=st.floats(-180.0, 179.9))
def test_antimeridian_segments_keep_points_and_never_jump(steps, lon0):
    lon = lon0 + np.cumsum([0.0, *steps])
    lat = np.linspace(-50.0, 50.0, len(lon))
    segments = maps.antimeridian_segments(lon, lat)
    wrapped = (lon + 180.0) % 360.0 - 180.0
    crossings = int(np.sum(np.abs(np.diff(wrapped)) > 180.0))
    assert len(segments) == crossings + 1
    assert sum(len(s[0]) for s in segments) == len(lon) + 2 * crossings
    for seg_lon, seg_lat in segments:
        assert len(seg_lon) == len(seg_lat)
        assert np.all(np.abs(np.diff(seg_lon)) <= 180.0)
        assert np.all((seg_lon >= -180.0) & (seg_lon <= 180.0))
