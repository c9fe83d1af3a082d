"""One function per figure: a tidy DataFrame in, a matplotlib ``Figure`` out.

Nothing here computes results; the only arithmetic is geometry for drawing
(coverage circles, antimeridian cuts).  Every map starts from
:func:`gstk.maps.world_axes`, so maps draw offline from the bundled Natural
Earth 110m data.  Providers keep one colour in every figure
(:func:`provider_color`).  :func:`save_figure` writes the PNG and PDF that
notebooks put in ``figures/``.
"""
from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from gstk.errors import GstkError
from gstk.maps import (antimeridian_segments, coverage_circle, coverage_half_angle_deg,
                       world_axes)

logger = logging.getLogger(__name__)

__all__ = [
    "PROVIDER_COLORS", "antimeridian_segments", "category_colors", "contact_gantt", "coverage_half_angle_deg",
    "ground_track_map", "network_map", "provider_color", "require_columns", "save_figure", "station_map",
    "utc_naive",
]

#: Colour of each provider in the bundled catalog, the same in every figure.
PROVIDER_COLORS: dict[str, str] = {
    "Atlas": "#1f77b4",
    "AWS": "#ff7f0e",
    "Azure": "#17becf",
    "KSAT": "#d62728",
    "Leaf": "#2ca02c",
    "Viasat": "#9467bd",
}
#: Colours for providers outside the catalog, picked by a hash of the name so
#: that a name keeps its colour whatever else is on the figure.
_EXTRA_PROVIDER_COLORS = ("#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#aec7e8",
                          "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94")
_UNSELECTED_COLOR = "#9a9a9a"
_DEFAULT_FORMATS = ("png", "pdf")


def provider_color(provider: str) -> str:
    """Return the colour of ``provider``, identical in every gstk figure."""
    if provider in PROVIDER_COLORS:
        return PROVIDER_COLORS[provider]
    index = zlib.crc32(str(provider).encode("utf-8")) % len(_EXTRA_PROVIDER_COLORS)
    return _EXTRA_PROVIDER_COLORS[index]


def category_colors(values: Iterable, column: str) -> dict[str, str]:
    """Return an ordered ``{category: colour}`` for the values of ``column``.

    Providers use :func:`provider_color` and the catalog's order; any other
    column gets matplotlib's cycle over its sorted values.
    """
    uniques = sorted({str(v) for v in values})
    if column == "provider":
        known = [p for p in PROVIDER_COLORS if p in uniques]
        ordered = known + [p for p in uniques if p not in PROVIDER_COLORS]
        return {p: provider_color(p) for p in ordered}
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["tab10" if len(uniques) <= 10 else "tab20"]
    return {v: to_hex(cmap(i % cmap.N)) for i, v in enumerate(uniques)}


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`~gstk.errors.GstkError` naming the columns ``frame`` (the ``what`` table) lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GstkError(
            f"{what} table lacks column(s) {missing}; it has {list(frame.columns)}. "
            f"Pass the table gstk returns (see the {what} table in the docs)."
        )


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


def _legend_below(ax, ncol_max: int = 6) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.02),
                  ncol=min(len(handles), ncol_max), frameon=False, fontsize=9, markerscale=1.4)


def _coverage_caption(altitude_km: float | None, elevation_mask_deg: float) -> str:
    if altitude_km is None:
        return ""
    lam = coverage_half_angle_deg(altitude_km, elevation_mask_deg)
    return (f"; circles: coverage at {altitude_km:g} km altitude, "
            f"{elevation_mask_deg:g}° elevation mask (λ = {lam:.1f}°)")


def station_map(stations: pd.DataFrame, *, altitude_km: float | None = None,
                elevation_mask_deg: float = 10.0, color_by: str = "provider",
                ax=None, projection=None, title: str | None = None):
    """Draw every station on a world map, coloured by provider, with coverage circles (Fig. 1).

    Parameters
    ----------
    stations : pandas.DataFrame
        Stations table (``gstk.stations.load_stations``): needs ``station_id``,
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
                altitude_km: float | None = None, elevation_mask_deg: float = 10.0,
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


def utc_naive(values: pd.Series) -> pd.DatetimeIndex:
    """Return times as naive UTC (naive input is taken as UTC, as everywhere in gstk)."""
    times = pd.DatetimeIndex(pd.to_datetime(values))
    return times.tz_convert("UTC").tz_localize(None) if times.tz is not None else times


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


def save_figure(fig, name: str, figures_dir: str | PathLike = "figures", *,
                formats: Sequence[str] = _DEFAULT_FORMATS, dpi: int = 200) -> list[Path]:
    """Write ``fig`` as ``<figures_dir>/<name>.png`` and ``.pdf``; return the paths.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to save.
    name : str
        File stem, e.g. ``"fig1_station_map"`` (no directory, no extension).
    figures_dir : str or path-like
        Output directory, created when missing.
    formats : sequence of str
        File formats, default PNG and PDF.
    dpi : int
        Resolution of raster formats.

    Returns
    -------
    list of pathlib.Path
        The written files, in ``formats`` order.

    Raises
    ------
    GstkError
        If ``name`` contains a directory or an extension.
    """
    stem = Path(name)
    if not name or stem.name != name or stem.suffix in {f".{f}" for f in formats}:
        raise GstkError(f"save_figure name must be a bare file stem like 'fig1_station_map', "
                        f"got {name!r}; put directories in figures_dir and leave out "
                        "the extension.")
    out_dir = Path(figures_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.{fmt}" for fmt in formats]
    for path in paths:
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
        logger.info("wrote %s", path)
    return paths


# Former private names of the helpers other figure modules share (gstk.teaching_plots), kept as aliases.
_category_colors = category_colors
_require_columns = require_columns
_utc_naive = utc_naive
