"""Figures of the orbital-mechanics primer: a :mod:`gstk.teaching` table in, a ``Figure`` out.

Like :mod:`gstk.plots`, nothing here computes results; maps of stations,
ground tracks and contact Gantt charts come from :mod:`gstk.plots` itself.
Each function draws on ``ax`` (or ``axes``) when given, else makes a new figure
with pyplot, so notebooks show it inline.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from gstk.plots.style import category_colors, require_columns
from gstk.times import utc_naive
from gstk.units import DEFAULT_ELEVATION_MASK_DEG, EARTH_RADIUS_KM


def _new_axes(ax, ncols: int = 1, figsize=(9.0, 4.0), **kwargs):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained", **kwargs)
    return fig, axes


def orbit_frames_plot(orbit: pd.DataFrame, *, axes=None, title: str | None = None):
    """Draw orbits seen from above the North Pole in TEME (left) and ITRF (right).

    Parameters
    ----------
    orbit : pandas.DataFrame
        :func:`gstk.teaching.orbit_in_frames` output (``satellite_id, frame, x_km, y_km``).
    axes : sequence of two matplotlib Axes, optional
        Where to draw; a new 1 × 2 figure when omitted.
    title : str, optional
        Figure title; ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        Each track is a ``Line2D`` with gid ``orbit:<frame>:<satellite_id>``.
    """
    require_columns(orbit, ("satellite_id", "frame", "x_km", "y_km"), "orbit")
    fig, axes = _new_axes(axes, 2, figsize=(10.0, 5.0))
    colors = category_colors(orbit["satellite_id"], "satellite_id")
    for ax, frame in zip(axes, ("TEME", "ITRF")):
        ax.add_patch(_earth_disc())
        rows = orbit[orbit["frame"] == frame]
        for sat, color in colors.items():
            track = rows[rows["satellite_id"].astype(str) == sat]
            ax.plot(track["x_km"], track["y_km"], color=color, linewidth=1.0, label=sat,
                    gid=f"orbit:{frame}:{sat}")
            ax.plot(track["x_km"].iloc[:1], track["y_km"].iloc[:1], "o", color=color, markersize=4)
        ax.set_aspect("equal")
        ax.set_xlabel("x (km)")
        ax.set_ylabel("y (km)")
        ax.set_title({"TEME": "TEME (inertial): the orbit closes",
                      "ITRF": "ITRF (Earth-fixed): the Earth turns beneath"}[frame], fontsize=10)
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def _earth_disc():
    from matplotlib.patches import Circle

    return Circle((0.0, 0.0), EARTH_RADIUS_KM, color="#cfe3f5", zorder=0, gid="earth")


def elevation_plot(look: pd.DataFrame, *, elevation_mask_deg: float = DEFAULT_ELEVATION_MASK_DEG, ax=None,
                   title: str | None = None):
    """Draw elevation against time, with the elevation mask and the visible spans shaded.

    Parameters
    ----------
    look : pandas.DataFrame
        :func:`gstk.teaching.look_angle_table` rows of one satellite and station
        (``time, elevation_deg, visible``).
    elevation_mask_deg : float
        Mask drawn as a horizontal line, degrees.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    title : str, optional
        Axes title; ``""`` for none, ``None`` for the default.

    Returns
    -------
    matplotlib.figure.Figure
        The elevation curve has gid ``elevation``, the mask ``mask``.
    """
    import matplotlib.dates as mdates

    require_columns(look, ("time", "elevation_deg", "visible"), "look angle")
    fig, ax = _new_axes(ax, figsize=(10.0, 3.5))
    times = mdates.date2num(utc_naive(look["time"]).to_numpy())
    elevation = look["elevation_deg"].to_numpy(float)
    ax.plot(times, elevation, color="#1f77b4", linewidth=1.0, gid="elevation")
    ax.axhline(elevation_mask_deg, color="#d62728", linestyle="--", linewidth=1.0, gid="mask",
               label=f"mask {elevation_mask_deg:g}°")
    ax.fill_between(times, -90, 90, where=look["visible"].to_numpy(bool), color="#2ca02c",
                    alpha=0.15, linewidth=0, label="in contact")
    ax.set_ylim(-90, 90)
    ax.set_ylabel("elevation (°)")
    ax.set_xlabel("time (UTC)")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.legend(loc="lower right", fontsize=8)
    if title is None:
        title = f"Elevation of {look['satellite_id'].iloc[0]} from {look['station_id'].iloc[0]}"
    ax.set_title(title, fontsize=10)
    return fig


def sky_plot(look: pd.DataFrame, *, elevation_mask_deg: float = DEFAULT_ELEVATION_MASK_DEG, ax=None,
             title: str | None = None):
    """Draw the visible arcs of a look-angle series on a polar sky chart (zenith at the centre).

    Parameters
    ----------
    look : pandas.DataFrame
        :func:`gstk.teaching.look_angle_table` rows of one satellite and station.
    elevation_mask_deg : float
        Mask drawn as a circle.
    ax : matplotlib PolarAxes, optional
        Axes with ``projection="polar"``.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One ``Line2D`` per pass with gid ``pass:<n>``; radius is 90° − elevation.
    """
    import matplotlib.pyplot as plt

    require_columns(look, ("azimuth_deg", "elevation_deg", "visible"), "look angle")
    if ax is None:
        fig = plt.figure(figsize=(5.0, 5.0), layout="constrained")
        ax = fig.add_subplot(projection="polar")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)  # azimuth clockwise from north, as on a compass
    visible = look["visible"].to_numpy(bool)
    pass_number = np.cumsum(np.r_[visible[:1], visible[1:] & ~visible[:-1]])
    for n in np.unique(pass_number[visible]):
        arc = look[visible & (pass_number == n)]
        ax.plot(np.radians(arc["azimuth_deg"]), 90.0 - arc["elevation_deg"], linewidth=1.2,
                gid=f"pass:{n}")
    ring = np.linspace(0, 2 * np.pi, 181)
    ax.plot(ring, np.full_like(ring, 90.0 - elevation_mask_deg), "--", color="#d62728", linewidth=1.0)
    ax.set_rlim(0, 90)
    ax.set_rticks([0, 30, 60, 90], labels=["90°", "60°", "30°", "0°"])
    ax.set_rlabel_position(202.5)  # elevation labels away from the north azimuth label
    ax.set_title(title if title is not None else
                 f"Sky track of {int(pass_number[visible].max(initial=0))} passes (elevation rings)",
                 fontsize=10)
    return ax.figure


def coverage_plot(coverage: pd.DataFrame, *, axes=None, title: str | None = None):
    """Draw the coverage half-angle and the longest pass against the elevation mask, per altitude.

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`gstk.teaching.coverage_table` output.
    axes : sequence of two Axes, optional
        Where to draw; a new 1 × 2 figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        One line per altitude on each panel, gid ``coverage:<altitude_km>``.
    """
    require_columns(coverage, ("altitude_km", "elevation_mask_deg", "half_angle_deg",
                               "longest_pass_s"), "coverage")
    fig, axes = _new_axes(axes, 2, figsize=(10.0, 3.8))
    for altitude, rows in coverage.groupby("altitude_km"):
        rows = rows.sort_values("elevation_mask_deg")
        axes[0].plot(rows["elevation_mask_deg"], rows["half_angle_deg"], marker="o", markersize=3,
                     label=f"{altitude:g} km", gid=f"coverage:{altitude:g}")
        axes[1].plot(rows["elevation_mask_deg"], rows["longest_pass_s"] / 60.0, marker="o",
                     markersize=3, label=f"{altitude:g} km", gid=f"coverage:{altitude:g}")
    axes[0].set_ylabel("coverage half-angle λ (°)")
    axes[1].set_ylabel("longest (overhead) pass (min)")
    for ax in axes:
        ax.set_xlabel("elevation mask (°)")
        ax.grid(linewidth=0.3, alpha=0.6)
    axes[1].legend(title="altitude", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def latitude_plot(pass_stats: pd.DataFrame, *, axes=None, title: str | None = None):
    """Draw passes per day, mean pass length and contact minutes per day against |latitude|.

    Parameters
    ----------
    pass_stats : pandas.DataFrame
        :func:`gstk.teaching.pass_statistics` output (one point per satellite × station).
    axes : sequence of three Axes, optional
        Where to draw; a new 1 × 3 figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        Scatter collections with gid ``latitude:<column>:<satellite_id>``.
    """
    columns = (("passes_per_day", "passes per day", 1.0), ("mean_pass_s", "mean pass (min)", 60.0),
               ("contact_min_per_day", "contact time (min/day)", 1.0))
    require_columns(pass_stats, ("satellite_id", "abs_lat_deg", *(c for c, *_ in columns)), "pass statistics")
    fig, axes = _new_axes(axes, 3, figsize=(12.0, 3.8))
    colors = category_colors(pass_stats["satellite_id"], "satellite_id")
    for ax, (column, label, scale) in zip(axes, columns):
        for sat, color in colors.items():
            rows = pass_stats[pass_stats["satellite_id"].astype(str) == sat]
            ax.scatter(rows["abs_lat_deg"], rows[column] / scale, s=12, color=color, alpha=0.75,
                       label=sat, gid=f"latitude:{column}:{sat}")
        ax.set_xlabel("|station latitude| (°)")
        ax.set_ylabel(label)
        ax.grid(linewidth=0.3, alpha=0.6)
    axes[-1].legend(title="satellite", fontsize=8, loc="upper left")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def pass_histograms(contacts: pd.DataFrame, *, axes=None, title: str | None = None):
    """Draw histograms of pass duration and maximum elevation of a contacts table.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels; bars have gid ``hist:duration`` and ``hist:max_elevation``.
    """
    require_columns(contacts, ("duration_s", "max_elevation_deg"), "contacts")
    fig, axes = _new_axes(axes, 2, figsize=(10.0, 3.5))
    axes[0].hist(contacts["duration_s"] / 60.0, bins=30, color="#1f77b4", gid="hist:duration")
    axes[0].set_xlabel("pass duration (min)")
    axes[1].hist(contacts["max_elevation_deg"], bins=np.arange(0, 92, 3), color="#ff7f0e",
                 gid="hist:max_elevation")
    axes[1].set_xlabel("maximum elevation (°)")
    for ax in axes:
        ax.set_ylabel("passes")
    if title is None:
        title = f"{len(contacts)} passes"
    fig.suptitle(title, fontsize=11)
    return fig


def daily_contact_plot(daily: pd.DataFrame, *, ax=None, title: str | None = None):
    """Draw time in contact per UTC day, one group of bars per day and one colour per satellite.

    The dotted line is 24 h, the most a satellite can be in contact in a day.

    Parameters
    ----------
    daily : pandas.DataFrame
        :func:`gstk.teaching.daily_contact_minutes` output.

    Returns
    -------
    matplotlib.figure.Figure
        Bars in containers with gid ``daily:<satellite_id>``.
    """
    require_columns(daily, ("satellite_id", "day", "contact_min"), "daily contacts")
    fig, ax = _new_axes(ax, figsize=(10.0, 3.5))
    table = daily.pivot_table(index="day", columns="satellite_id", values="contact_min", fill_value=0.0)
    colors = category_colors(table.columns, "satellite_id")
    width = 0.8 / max(len(colors), 1)
    x = np.arange(len(table))
    for i, (sat, color) in enumerate(colors.items()):
        ax.bar(x + i * width - 0.4 + width / 2, table[sat], width=width, color=color, label=sat,
               gid=f"daily:{sat}")
    ax.set_xticks(x, [f"{pd.Timestamp(d):%a %d %b}" for d in table.index], fontsize=8)
    ax.set_ylabel("time in contact (min)")
    ax.axhline(1440.0, color="#999999", linewidth=0.8, linestyle=":", gid="daily:24h")
    ax.legend(title="satellite", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title(title if title is not None else "Contact time per UTC day", fontsize=10)
    return fig


def rate_profile_plot(profile: pd.DataFrame, *, ax=None, title: str | None = None):
    """Draw one pass's data rate (left axis) and elevation (right axis) against time since AOS.

    Parameters
    ----------
    profile : pandas.DataFrame
        :func:`gstk.teaching.pass_rate_profile` output.

    Returns
    -------
    matplotlib.figure.Figure
        Lines with gid ``rate:rate`` and ``rate:elevation``.
    """
    require_columns(profile, ("time_s", "elevation_deg", "rate_bps"), "rate profile")
    fig, ax = _new_axes(ax, figsize=(9.0, 3.8))
    minutes = profile["time_s"] / 60.0
    ax.plot(minutes, profile["rate_bps"] / 1e6, color="#1f77b4", linewidth=1.5, gid="rate:rate")
    ax.set_xlabel("time since AOS (min)")
    ax.set_ylabel("data rate (Mbit/s)", color="#1f77b4")
    other = ax.twinx()
    other.plot(minutes, profile["elevation_deg"], color="#ff7f0e", linewidth=1.0, linestyle="--",
               gid="rate:elevation")
    other.set_ylabel("elevation (°)", color="#ff7f0e")
    if title is None:
        attrs = profile.attrs
        title = (f"{attrs.get('station_id', '')}: a {attrs.get('max_elevation_deg', float('nan')):.0f}° pass "
                 f"carries {attrs.get('volume_bit', float('nan')) / 8e9:.0f} GB")
    ax.set_title(title, fontsize=10)
    return fig


def pass_volume_plot(contacts: pd.DataFrame, *, ax=None, title: str | None = None):
    """Draw each pass's data volume against its duration, coloured by maximum elevation.

    The dashed line is what every pass would carry at the table's overall mean rate: passes above
    it (the high ones) carry more than their duration suggests.

    Returns
    -------
    matplotlib.figure.Figure
        Points with gid ``volume:passes``, the line ``volume:mean_rate``.
    """
    require_columns(contacts, ("duration_s", "volume_bit", "max_elevation_deg"), "contacts")
    fig, ax = _new_axes(ax, figsize=(7.5, 4.2))
    minutes, gb = contacts["duration_s"] / 60.0, contacts["volume_bit"] / 8e9
    points = ax.scatter(minutes, gb, c=contacts["max_elevation_deg"], cmap="viridis", s=12, vmin=0, vmax=90,
                        gid="volume:passes")
    fig.colorbar(points, ax=ax, label="maximum elevation (°)")
    mean_rate = contacts["volume_bit"].sum() / contacts["duration_s"].sum()
    span = np.array([0.0, float(minutes.max()) if len(minutes) else 1.0])
    ax.plot(span, mean_rate * span * 60 / 8e9, color="#555555", linestyle="--", linewidth=1.0,
            gid="volume:mean_rate", label=f"mean rate {mean_rate / 1e6:.0f} Mbit/s")
    ax.set_xlabel("pass duration (min)")
    ax.set_ylabel("data volume (GB)")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.set_title(title if title is not None else f"{len(contacts)} passes under a link budget", fontsize=10)
    return fig
