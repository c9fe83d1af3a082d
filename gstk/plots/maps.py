"""World maps drawn offline from the Natural Earth 110m shapefiles gstk ships.

cartopy downloads Natural Earth data the first time a map needs it, which fails
on machines without internet (CI, laptops on planes).  gstk bundles the three
110m layers its maps use (coastline, land, land borders) in the layout cartopy
looks for under ``cartopy.config['pre_existing_data_dir']``, and every map gstk
draws starts from :func:`world_axes`, which points cartopy there first and asks
only for scale ``'110m'``.

The module also holds the little geometry the maps need: coverage circles
(:func:`coverage_half_angle_deg`, :func:`coverage_circle`) and ground tracks
cut at the antimeridian (:func:`antimeridian_segments`).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gstk.datasets import natural_earth_dir
from gstk.errors import GstkError, OfflineError
from gstk.units import EARTH_RADIUS_KM

logger = logging.getLogger(__name__)


#: The only Natural Earth scale gstk draws, the one it ships.
MAP_SCALE = "110m"


#: (category, name) of every Natural Earth layer gstk draws.
MAP_LAYERS = (
    ("physical", "land"),
    ("physical", "coastline"),
    ("cultural", "admin_0_boundary_lines_land"),
)


#: File extensions cartopy's Natural Earth reader uses (.cpg and .prj are optional to it).
_SHAPEFILE_EXTENSIONS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


#: Default figure size of a world map, inches (2:1 fits a global map plus a legend row).
DEFAULT_FIGSIZE = (10.0, 5.6)


def natural_earth_shapefile(category: str, name: str, scale: str = MAP_SCALE) -> Path:
    """Return the path of a bundled Natural Earth shapefile, where cartopy looks for it.

    Parameters
    ----------
    category : str
        ``'physical'`` or ``'cultural'``.
    name : str
        Natural Earth layer name, e.g. ``'coastline'``.
    scale : str
        Natural Earth scale; gstk ships ``'110m'`` only.

    Returns
    -------
    pathlib.Path
        ``<natural_earth_dir>/shapefiles/natural_earth/<category>/ne_<scale>_<name>.shp``
        (the template of ``cartopy.io.shapereader.NEShpDownloader``).
    """
    return (natural_earth_dir() / "shapefiles" / "natural_earth" / category
            / f"ne_{scale}_{name}.shp")


def bundled_map_files() -> list[Path]:
    """Return the paths of every file of the Natural Earth layers gstk draws."""
    return [natural_earth_shapefile(category, name).with_suffix(ext)
            for category, name in MAP_LAYERS for ext in _SHAPEFILE_EXTENSIONS]


def use_offline_map_data() -> Path:
    """Point cartopy at gstk's bundled Natural Earth data and return that directory.

    Sets ``cartopy.config['pre_existing_data_dir']`` to
    :func:`gstk.datasets.natural_earth_dir`.  cartopy checks that directory
    before its download directory, so the 110m coastline, land and border
    layers are read from the package and never downloaded.  Calling it again
    changes nothing (idempotent).  Other scales are not bundled: asking cartopy
    for them would still try to download.

    Returns
    -------
    pathlib.Path
        The directory now in ``cartopy.config['pre_existing_data_dir']``.

    Raises
    ------
    OfflineError
        If a bundled shapefile is missing (a broken install), since cartopy
        would otherwise try to download it.
    """
    import cartopy

    missing = [p for p in bundled_map_files() if not p.exists()]
    if missing:
        raise OfflineError(
            f"gstk's bundled Natural Earth 110m files are missing: "
            f"{', '.join(p.name for p in missing)} (expected under {natural_earth_dir()}); "
            "maps would need a download. Reinstall gstk (pip install --force-reinstall gstk)."
        )
    target = natural_earth_dir()
    previous = cartopy.config.get("pre_existing_data_dir")
    if previous is None or Path(previous) != target:
        logger.debug("cartopy pre_existing_data_dir: %s -> %s", previous, target)
        cartopy.config["pre_existing_data_dir"] = target
    return target


def map_features() -> dict[str, object]:
    """Return the bundled 110m Natural Earth features gstk draws, keyed by layer name.

    Returns
    -------
    dict
        ``{'land': ..., 'coastline': ..., 'admin_0_boundary_lines_land': ...}``,
        each a ``cartopy.feature.NaturalEarthFeature`` at scale ``'110m'`` with
        gstk's map style.
    """
    import cartopy.feature as cfeature

    use_offline_map_data()
    style = {
        "land": {"facecolor": "#ececec", "edgecolor": "none", "zorder": 0},
        "coastline": {"facecolor": "none", "edgecolor": "#555555",
                      "linewidth": 0.5, "zorder": 1},
        "admin_0_boundary_lines_land": {"facecolor": "none", "edgecolor": "#a0a0a0",
                                        "linewidth": 0.3, "zorder": 1},
    }
    return {name: cfeature.NaturalEarthFeature(category, name, MAP_SCALE, **style[name])
            for category, name in MAP_LAYERS}


def world_axes(ax=None, *, projection=None,
               figsize: tuple[float, float] = DEFAULT_FIGSIZE):
    """Return global map axes with land, coastlines and borders drawn offline at 110m.

    Every map gstk draws starts here.

    Parameters
    ----------
    ax : cartopy.mpl.geoaxes.GeoAxes, optional
        Axes to draw on.  When omitted a new figure of ``figsize`` is made.
    projection : cartopy.crs.Projection, optional
        Map projection of the new axes (default ``cartopy.crs.Robinson()``);
        ignored when ``ax`` is given.
    figsize : (float, float)
        Size of the new figure, inches.

    Returns
    -------
    cartopy.mpl.geoaxes.GeoAxes
        The axes, showing the whole globe; its figure is ``ax.figure``.

    Raises
    ------
    GstkError
        If ``ax`` is a plain matplotlib ``Axes`` rather than a cartopy ``GeoAxes``.
    """
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt
    from cartopy.mpl.geoaxes import GeoAxes

    if ax is None:
        fig = plt.figure(figsize=figsize)
        ax = fig.add_subplot(projection=projection if projection is not None else ccrs.Robinson())
    elif not isinstance(ax, GeoAxes):
        raise GstkError(
            f"world_axes needs a cartopy GeoAxes, got {type(ax).__name__}; create it with "
            "fig.add_subplot(projection=cartopy.crs.Robinson()) or pass ax=None."
        )
    for feature in map_features().values():
        ax.add_feature(feature)
    ax.set_global()
    return ax


def coverage_circle(lon_deg: float, lat_deg: float, half_angle_deg: float,
                    *, n_points: int = 181, earth_radius_km: float = EARTH_RADIUS_KM):
    """Return the coverage circle around a point as a geodesic ring, lon/lat degrees.

    Parameters
    ----------
    lon_deg, lat_deg : float
        Centre (a station), degrees.
    half_angle_deg : float
        Earth-central half-angle from :func:`coverage_half_angle_deg`, degrees.
    n_points : int
        Points sampled along the circle.
    earth_radius_km : float
        Radius of the sphere the circle is drawn on, km.

    Returns
    -------
    shapely.geometry.Polygon
        Ring of points at central angle ``half_angle_deg`` from the centre on
        a sphere (the model of :func:`coverage_half_angle_deg`; against the
        WGS84 ellipsoid that is off by under 0.2 deg of latitude, invisible at
        map scale), in lon/lat degrees for ``cartopy.crs.Geodetic()``.  It may
        cross the antimeridian or enclose a pole, which cartopy's projection
        of geodetic polygons handles.
    """
    import shapely.geometry as sgeom
    from cartopy.geodesic import Geodesic

    # A sphere, like the half-angle formula: the ring is exactly lambda from the centre.
    sphere = Geodesic(radius=earth_radius_km * 1e3, flattening=0.0)
    radius_m = np.radians(half_angle_deg) * earth_radius_km * 1e3
    ring = sphere.circle(lon_deg, lat_deg, radius_m, n_samples=n_points)
    return sgeom.Polygon(np.asarray(ring))


def antimeridian_segments(lon_deg: Sequence[float], lat_deg: Sequence[float]
                          ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return a ground track cut where it crosses the antimeridian.

    Consecutive points more than 180° of longitude apart are taken to cross
    ±180°; the track is cut there and each side gets a point on the edge at the
    linearly interpolated latitude, so lines reach the map border.

    Parameters
    ----------
    lon_deg, lat_deg : sequence of float
        Track points in time order, degrees (longitudes are wrapped to [-180, 180)).

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        ``(lon_deg, lat_deg)`` per segment; one segment per crossing plus one.
    """
    lon = (np.asarray(lon_deg, dtype=float) + 180.0) % 360.0 - 180.0
    lat = np.asarray(lat_deg, dtype=float)
    segments, start = [], 0
    head_lon, head_lat = np.empty(0), np.empty(0)
    for j in np.flatnonzero(np.abs(np.diff(lon)) > 180.0):
        edge = 180.0 if lon[j] > 0 else -180.0
        far_lon = lon[j + 1] + (360.0 if edge > 0 else -360.0)
        frac = (edge - lon[j]) / (far_lon - lon[j])
        lat_edge = lat[j] + frac * (lat[j + 1] - lat[j])
        segments.append((np.r_[head_lon, lon[start:j + 1], edge],
                         np.r_[head_lat, lat[start:j + 1], lat_edge]))
        head_lon, head_lat = np.array([-edge]), np.array([lat_edge])
        start = j + 1
    segments.append((np.r_[head_lon, lon[start:]], np.r_[head_lat, lat[start:]]))
    return segments
