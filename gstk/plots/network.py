"""One function per figure: a tidy DataFrame in, a matplotlib ``Figure`` out.

Nothing here computes results; the only arithmetic is geometry for drawing
(coverage circles, antimeridian cuts).  Every map starts from
:func:`gstk.plots.maps.world_axes`, so maps draw offline from the bundled Natural
Earth 110m data.  Providers keep one colour in every figure
(:func:`provider_color`).  :func:`save_figure` writes the PNG and PDF that
notebooks put in ``figures/``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

import pandas as pd

from gstk.errors import GstkError
from gstk.orbits.coverage import coverage_half_angle_deg
from gstk.plots.maps import antimeridian_segments, coverage_circle, world_axes
from gstk.plots.style import _UNSELECTED_COLOR, _legend_below, category_colors, require_columns
from gstk.times import utc_naive
from gstk.units import DEFAULT_ELEVATION_MASK_DEG

logger = logging.getLogger(__name__)


__all__ = ["contact_gantt", "ground_track_map", "network_map", "station_map"]


def _draw_coverage(ax, stations: pd.DataFrame, colors: dict[str, str], color_by: str,
                   half_angle_deg: float) -> None:
    """Draw one filled geodesic coverage circle per station (gid ``coverage:<id>``)."""
    import cartopy.crs as ccrs
    from matplotlib.colors import to_rgba

    geodetic = ccrs.Geodetic()
    for row in stations.itertuples(index=False):
        color = colors[str(getattr(row, color_by))]
        circle = coverage_circle(row.lon_deg, row.lat_deg, half_angle_deg)
        # Project here (not at draw time) so cartopy needs no extent in Geodetic.
        projected = ax.projection.project_geometry(circle, geodetic)
        artist = ax.add_geometries([projected], crs=ax.projection,
                                   facecolor=to_rgba(color, 0.10),
                                   edgecolor=to_rgba(color, 0.55),
                                   linewidth=0.6, zorder=2)
        artist.set_gid(f"coverage:{row.station_id}")


def _draw_stations(ax, stations: pd.DataFrame, colors: dict[str, str], color_by: str,
                   *, size: float = 18.0) -> None:
    """Scatter stations, one labelled collection per category (gid ``stations:<cat>``)."""
    import cartopy.crs as ccrs

    keys = stations[color_by].astype(str)
    for category, color in colors.items():
        group = stations[keys == category]
        if group.empty:
            continue
        ax.scatter(group["lon_deg"], group["lat_deg"], s=size, color=color,
                   edgecolor="black", linewidth=0.4, zorder=4,
                   transform=ccrs.PlateCarree(), label=f"{category} ({len(group)})",
                   gid=f"stations:{category}")


def _coverage_caption(altitude_km: float | None, elevation_mask_deg: float) -> str:
    if altitude_km is None:
        return ""
    lam = coverage_half_angle_deg(altitude_km, elevation_mask_deg)
    return (f"; circles: coverage at {altitude_km:g} km altitude, "
            f"{elevation_mask_deg:g}° elevation mask (λ = {lam:.1f}°)")


def station_map(stations: pd.DataFrame, *, altitude_km: float | None = None,
                elevation_mask_deg: float = DEFAULT_ELEVATION_MASK_DEG, color_by: str = "provider",
                ax=None, projection=None, title: str | None = None):
    """Draw every station on a world map, coloured by provider, with coverage circles (Fig. 1).

    Parameters
    ----------
    stations : pandas.DataFrame
        Stations table (``gstk.catalog.stations.load_stations``): needs ``station_id``,
        ``lat_deg``, ``lon_deg`` and the ``color_by`` column.
    altitude_km : float, optional
        Satellite altitude, km.  When given, each station gets the circle within
        which it sees a satellite at that altitude above ``elevation_mask_deg``.
    elevation_mask_deg : float
        Elevation mask of the coverage circles, degrees.
    color_by : str
        Column whose categories set marker and circle colours.
    ax : cartopy GeoAxes, optional
        Axes to draw on; a new figure when omitted.
    projection : cartopy.crs.Projection, optional
        Projection of a new map (default Robinson).
    title : str, optional
        Figure title; ``""`` for none, ``None`` for the default.

    Returns
    -------
    matplotlib.figure.Figure
        The map.  Station collections have gid ``stations:<category>`` and
        coverage circles ``coverage:<station_id>``.
    """
    require_columns(stations, ("station_id", "lat_deg", "lon_deg", color_by), "stations")
    ax = world_axes(ax, projection=projection)
    colors = category_colors(stations[color_by], color_by)
    if altitude_km is not None:
        lam = coverage_half_angle_deg(altitude_km, elevation_mask_deg)
        _draw_coverage(ax, stations, colors, color_by, lam)
    _draw_stations(ax, stations, colors, color_by)
    _legend_below(ax)
    if title is None:
        title = (f"{len(stations)} ground stations by {color_by}"
                 + _coverage_caption(altitude_km, elevation_mask_deg))
    ax.set_title(title, fontsize=10)
    return ax.figure


def network_map(stations: pd.DataFrame, selected_station_ids: Iterable[str], *,
                altitude_km: float | None = None, elevation_mask_deg: float = DEFAULT_ELEVATION_MASK_DEG,
                color_by: str = "provider", ax=None, projection=None,
                title: str | None = None):
    """Draw a selected network: chosen stations in colour, the others faded.

    Parameters
    ----------
    stations : pandas.DataFrame
        Stations table with ``station_id``, ``lat_deg``, ``lon_deg`` and ``color_by``.
    selected_station_ids : iterable of str
        ``station_id`` values of the chosen stations (e.g. ``Solution.stations``).
    altitude_km, elevation_mask_deg : float, optional
        When ``altitude_km`` is given, selected stations get coverage circles
        (see :func:`station_map`).
    color_by : str
        Column colouring the selected stations.
    ax, projection, title
        As in :func:`station_map`.

    Returns
    -------
    matplotlib.figure.Figure
        The map; unselected stations are the collection with gid
        ``stations:unselected``.

    Raises
    ------
    GstkError
        If a selected id is not in ``stations``.
    """
    require_columns(stations, ("station_id", "lat_deg", "lon_deg", color_by), "stations")
    wanted = [str(s) for s in selected_station_ids]
    unknown = sorted(set(wanted) - set(stations["station_id"].astype(str)))
    if unknown:
        raise GstkError(f"selected_station_ids {unknown} are not in the stations table; "
                        "pass ids from its station_id column, e.g. 'KSAT/Svalbard'.")
    chosen = stations["station_id"].astype(str).isin(wanted)
    selected, others = stations[chosen], stations[~chosen]
    ax = world_axes(ax, projection=projection)
    _draw_faded(ax, others)
    colors = category_colors(selected[color_by], color_by)
    if altitude_km is not None:
        lam = coverage_half_angle_deg(altitude_km, elevation_mask_deg)
        _draw_coverage(ax, selected, colors, color_by, lam)
    _draw_stations(ax, selected, colors, color_by, size=40.0)
    _legend_below(ax, ncol_max=7)
    if title is None:
        title = (f"{len(selected)} of {len(stations)} stations selected"
                 + _coverage_caption(altitude_km, elevation_mask_deg))
    ax.set_title(title, fontsize=10)
    return ax.figure


def _draw_faded(ax, stations: pd.DataFrame) -> None:
    import cartopy.crs as ccrs

    if stations.empty:
        return
    ax.scatter(stations["lon_deg"], stations["lat_deg"], s=10, color=_UNSELECTED_COLOR,
               alpha=0.45, linewidth=0, zorder=3, transform=ccrs.PlateCarree(),
               label=f"not selected ({len(stations)})", gid="stations:unselected")


def ground_track_map(track_df: pd.DataFrame, *, ax=None, projection=None,
                     title: str | None = None):
    """Draw satellite ground tracks, cut at the antimeridian.

    Parameters
    ----------
    track_df : pandas.DataFrame
        One row per satellite and time: ``satellite_id``, ``time``, ``lat_deg``,
        ``lon_deg``.
    ax : cartopy GeoAxes, optional
        Axes to draw on; a new figure when omitted.
    projection : cartopy.crs.Projection, optional
        Projection of a new map (default Plate Carrée, where tracks read best).
    title : str, optional
        Figure title; ``""`` for none, ``None`` for the default.

    Returns
    -------
    matplotlib.figure.Figure
        The map; each segment is a ``Line2D`` with gid ``track:<satellite_id>``.
    """
    import cartopy.crs as ccrs

    require_columns(track_df, ("satellite_id", "time", "lat_deg", "lon_deg"), "ground track")
    ax = world_axes(ax, projection=projection if projection is not None else ccrs.PlateCarree())
    colors = category_colors(track_df["satellite_id"], "satellite_id")
    keys = track_df["satellite_id"].astype(str)
    for sat, color in colors.items():
        track = track_df[keys == sat].sort_values("time")
        for i, (lon, lat) in enumerate(antimeridian_segments(track["lon_deg"], track["lat_deg"])):
            ax.plot(lon, lat, color=color, linewidth=1.0, zorder=3,
                    transform=ccrs.PlateCarree(), gid=f"track:{sat}",
                    label=sat if i == 0 else "_nolegend_")
    if len(colors) <= 12:
        _legend_below(ax)
    if title is None:
        title = f"Ground tracks of {len(colors)} satellite(s)"
    ax.set_title(title, fontsize=10)
    return ax.figure


def _gantt_rows(contacts: pd.DataFrame, by: str, color_by: str) -> list[str]:
    """Return row labels; grouped in legend order when each row has a single colour."""
    keys = contacts[list(dict.fromkeys((by, color_by)))].astype(str).drop_duplicates()
    if not keys[by].is_unique:
        return sorted(keys[by].unique())
    rank = {c: i for i, c in enumerate(category_colors(keys[color_by], color_by))}
    return [row for _, row in sorted(zip(keys[color_by].map(rank), keys[by]))]


def contact_gantt(contacts: pd.DataFrame, *, by: str = "station_id",
                  color_by: str = "provider", ax=None, title: str | None = None):
    """Draw contact windows as horizontal bars from AOS to LOS, one row per station or satellite.

    Parameters
    ----------
    contacts : pandas.DataFrame
        Contacts table (``gstk.contacts.compute_contacts``): needs ``aos``,
        ``los`` (UTC timestamps), ``by`` and ``color_by``.
    by : str
        Row key, ``"station_id"`` or ``"satellite_id"``.
    color_by : str
        Bar colour key, ``"provider"`` (stable provider colours) or ``"satellite_id"``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure sized to the number of rows when omitted.
    title : str, optional
        Figure title; ``""`` for none, ``None`` for the default.

    Returns
    -------
    matplotlib.figure.Figure
        The chart: one bar (``Rectangle``) per contact, in ``BarContainer`` s with
        gid ``contacts:<category>``; x axis in UTC.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    require_columns(contacts, ("aos", "los", by, color_by), "contacts")
    rows = _gantt_rows(contacts, by, color_by)
    if ax is None:
        _, ax = plt.subplots(figsize=(10.0, max(2.5, 0.22 * len(rows) + 1.4)))
    row_of = {r: i for i, r in enumerate(rows)}
    aos, los = utc_naive(contacts["aos"]), utc_naive(contacts["los"])
    left = mdates.date2num(aos.to_numpy())
    width = mdates.date2num(los.to_numpy()) - left
    keys = contacts[color_by].astype(str).to_numpy()
    y = contacts[by].astype(str).map(row_of).to_numpy()
    for category, color in category_colors(keys, color_by).items():
        mask = keys == category
        ax.barh(y[mask], width[mask], left=left[mask], height=0.7, color=color,
                edgecolor=color, linewidth=0.4, label=category, gid=f"contacts:{category}")
    _format_gantt_axes(ax, rows, by, color_by, contacts.attrs)
    if title is None:
        title = f"{len(contacts)} contacts by {by.removesuffix('_id')}"
    ax.set_title(title, fontsize=10)
    return ax.figure


def _format_gantt_axes(ax, rows: list[str], by: str, color_by: str, attrs: dict) -> None:
    import matplotlib.dates as mdates

    ax.set_yticks(range(len(rows)), rows, fontsize=7 if len(rows) > 30 else 9)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # first row on top
    if not rows:
        ax.text(0.5, 0.5, "no contacts", transform=ax.transAxes, ha="center", va="center")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if "start" in attrs and "end" in attrs:
        span = utc_naive(pd.Series([attrs["start"], attrs["end"]]))
        ax.set_xlim(*mdates.date2num(span.to_numpy()))
    ax.set_xlabel("time (UTC)")
    ax.set_ylabel(by.removesuffix("_id"))
    ax.grid(axis="x", linewidth=0.3, alpha=0.5)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8,
                  title=color_by.removesuffix("_id"), title_fontsize=8)
