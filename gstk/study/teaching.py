"""Tables for teaching orbital mechanics with gstk: one small pure function per lesson step.

``notebooks/orbital_mechanics_primer.ipynb`` walks from a TLE to contact
statistics; every number it shows comes from a function here, built on
:mod:`gstk.orbits` (SGP4, TEME → ITRF, look angles) and
:func:`gstk.contacts.compute_contacts`, and every figure from
:mod:`gstk.plots.teaching`.  Each function returns a tidy DataFrame with unit
suffixes in its column names.

:data:`EXAMPLE_TLE` holds three element sets cut from the 2025-03 Celestrak
snapshot (ISS, NOAA 19, SENTINEL-2A), so the primer runs offline.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gstk.errors import GstkError
from gstk.orbits import propagation as orbits
from gstk.orbits.coverage import coverage_half_angle_deg
from gstk.orbits.tle import TLE_FIELDS
from gstk.times import utc
from gstk.units import DEFAULT_ELEVATION_MASK_DEG, EARTH_RADIUS_KM, MU_EARTH_KM3_S2, SECONDS_PER_DAY, units_from_names

#: ISS, NOAA 19 and SENTINEL-2A as in Celestrak's 2025-03 "active" snapshot (3LE).
EXAMPLE_TLE = """\
ISS (ZARYA)
1 25544U 98067A   25070.45674914  .00013398  00000+0  24313-3 0  9993
2 25544  51.6369  71.0836 0006338  10.6648  86.8244 15.49895111500003
NOAA 19
1 33591U 09005A   25070.50853156  .00000308  00000+0  18849-3 0  9995
2 33591  99.0080 134.6724 0012847 256.6318 103.3421 14.13305112829384
SENTINEL-2A
1 40697U 15028A   25070.48737192  .00000294  00000+0  12875-3 0  9997
2 40697  98.5672 146.9657 0001156  97.4129 262.7185 14.30813242507560
"""


def example_satellites():
    """Return :data:`EXAMPLE_TLE` loaded as :class:`gstk.orbits.satellites.Satellites` (3 satellites)."""
    from gstk.orbits.satellites import load_satellites

    return load_satellites(EXAMPLE_TLE)


def named(satellites):
    """Return the same satellites with their names as ``satellite_id``.

    Tables and legends then read ``'ISS (ZARYA)'`` rather than ``'25544'``.

    Raises
    ------
    GstkError
        If two satellites share a name.
    """
    from gstk.orbits.satellites import Satellites

    names = [str(n).strip() for n in satellites.name]
    if len(set(names)) != len(names):
        raise GstkError(f"satellite names are not unique ({names}); keep NORAD ids as satellite_id.")
    return Satellites(names, names, satellites.satrecs)


def tle_lines(satellites) -> tuple[str, str]:
    """Return the two TLE lines of the first satellite, written back from its SGP4 elements.

    Works for satellites built from elements too (``Satellites.from_elements``),
    whose catalog number and designator are then blank or zero.
    """
    from sgp4.exporter import export_tle

    if len(satellites) == 0:
        raise GstkError("tle_lines needs at least one satellite, got none.")
    return export_tle(satellites.satrecs[0])


def station_row(stations: pd.DataFrame, station_id: str) -> pd.Series:
    """Return the row of ``stations`` whose ``station_id`` is ``station_id``.

    Raises
    ------
    GstkError
        If no station has that id; the message lists close matches.
    """
    import difflib

    ids = stations["station_id"].astype(str)
    hits = stations[ids == station_id]
    if hits.empty:
        close = difflib.get_close_matches(station_id, ids.tolist(), n=3)
        raise GstkError(f"no station {station_id!r} in the stations table (close: {close}); "
                        "use an id like 'KSAT/Svalbard' from its station_id column.")
    return hits.iloc[0]


def window(start: Any, days: float) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the UTC window ``(start, start + days)``; naive ``start`` means UTC."""
    if not float(days) > 0:
        raise GstkError(f"days must be > 0, got {days!r}")
    first = utc(start)
    return first, first + pd.Timedelta(days=float(days))


def tle_fields(line1: str, line2: str) -> pd.DataFrame:
    """Return the fields of a two-line element set, one row per field (blanks left out).

    Parameters
    ----------
    line1, line2 : str
        The two 69-column TLE lines.

    Returns
    -------
    pandas.DataFrame
        ``line``, ``columns`` (1-based, e.g. ``"9-16"``), ``text`` (the characters
        there) and ``field`` (what they hold, with its unit).

    Examples
    --------
    >>> lines = EXAMPLE_TLE.splitlines()[1:3]
    >>> tle_fields(*lines).query("field == 'inclination, deg'")["text"].item()
    ' 51.6369'
    """
    rows = []
    for number, line in ((1, line1.rstrip()), (2, line2.rstrip())):
        if len(line) != 69:
            raise GstkError(f"TLE line {number} has {len(line)} columns, expected 69: {line!r}; "
                            "pass both lines whole, e.g. from tle_lines(satellites).")
        for first, last, what, _ in TLE_FIELDS[number]:
            if what != "blank":
                rows.append({"line": number, "columns": f"{first}-{last}" if last > first else str(first),
                             "text": line[first - 1:last], "field": what})
    return pd.DataFrame(rows)


def _times(start: Any, duration_s: float, step_s: float) -> pd.DatetimeIndex:
    """Return UTC sample times from ``start`` every ``step_s`` for ``duration_s`` (end included)."""
    if not (step_s > 0 and duration_s >= 0):
        raise GstkError(f"need step_s > 0 and duration_s >= 0 s, got {step_s!r} and {duration_s!r}")
    return utc(start) + pd.to_timedelta(np.arange(0.0, duration_s + step_s / 2, step_s), unit="s")


def _with_units(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with ``attrs["units"]`` filled from its column names (times are UTC)."""
    units = units_from_names(frame.columns)
    units.update({c: "UTC" for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])})
    frame.attrs["units"] = units
    return frame


def _long_table(satellites, times: pd.DatetimeIndex, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Return one row per satellite × time from arrays of shape (n_sat, n_times)."""
    n_sat, n_t = len(satellites), len(times)
    frame = pd.DataFrame({"satellite_id": np.repeat(np.asarray(satellites.satellite_id, str), n_t),
                          "time": np.tile(times, n_sat)})
    for name, values in columns.items():
        frame[name] = np.asarray(values).reshape(n_sat * n_t, *np.shape(values)[2:])
    return frame


def teme_states(satellites, start: Any, duration_s: float = 0.0, step_s: float = 60.0) -> pd.DataFrame:
    """Return SGP4 positions and velocities in TEME, one row per satellite × time.

    Parameters
    ----------
    satellites : gstk.orbits.satellites.Satellites
        Satellites to propagate (one ``SatrecArray`` call).
    start : str or pandas.Timestamp
        First time; naive means UTC.
    duration_s, step_s : float
        Span and spacing of the samples, s.

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, time, x_km, y_km, z_km, vx_km_s, vy_km_s, vz_km_s, radius_km,
        speed_km_s, sgp4_error`` (0 = fine).
    """
    times = _times(start, duration_s, step_s)
    r, v, error = orbits.teme_states_km(satellites.satrec_array(), *orbits.julian_dates(times))
    return _with_units(_long_table(satellites, times, {
        "x_km": r[..., 0], "y_km": r[..., 1], "z_km": r[..., 2],
        "vx_km_s": v[..., 0], "vy_km_s": v[..., 1], "vz_km_s": v[..., 2],
        "radius_km": np.linalg.norm(r, axis=-1), "speed_km_s": np.linalg.norm(v, axis=-1),
        "sgp4_error": error}))


def orbit_in_frames(satellites, start: Any, duration_s: float, step_s: float = 60.0) -> pd.DataFrame:
    """Return each satellite's positions in TEME (inertial) and ITRF (Earth-fixed), stacked.

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, time, frame ("TEME" or "ITRF"), x_km, y_km, z_km``: an orbit
        closes on itself in TEME; in ITRF it shifts west as the Earth turns beneath.
    """
    times = _times(start, duration_s, step_s)
    jd, fr = orbits.julian_dates(times)
    r_teme, _ = orbits.teme_positions_km(satellites.satrec_array(), jd, fr)
    r_itrf = orbits.teme_to_itrf(r_teme, jd, fr)
    parts = [_long_table(satellites, times, {"x_km": r[..., 0], "y_km": r[..., 1], "z_km": r[..., 2]})
             .assign(frame=name) for name, r in (("TEME", r_teme), ("ITRF", r_itrf))]
    return _with_units(pd.concat(parts, ignore_index=True)[["satellite_id", "time", "frame", "x_km", "y_km",
                                                             "z_km"]])


def position_in_frames(satellites, station: pd.Series, time: Any) -> pd.DataFrame:
    """Return one satellite's position at ``time`` in TEME, ITRF and the station's ENU frame.

    Parameters
    ----------
    satellites : gstk.orbits.satellites.Satellites
        Exactly one satellite.
    station : pandas.Series
        A row of the stations table (``lat_deg``, ``lon_deg``, optional ``alt_m``).
    time : str or pandas.Timestamp
        The instant; naive means UTC.

    Returns
    -------
    pandas.DataFrame
        Rows TEME, ITRF, ENU: ``frame, origin, x_km, y_km, z_km, norm_km``.  ENU holds
        east, north, up of the station-to-satellite vector; its norm is the range.
    """
    if len(satellites) != 1:
        raise GstkError(f"position_in_frames needs one satellite, got {len(satellites)}; "
                        "pick one with satellites[0].")
    jd, fr = orbits.julian_dates([time])
    r_teme, _ = orbits.teme_positions_km(satellites.satrec_array(), jd, fr)
    r_itrf = orbits.teme_to_itrf(r_teme, jd, fr)[0, 0]
    lat, lon, alt = station["lat_deg"], station["lon_deg"], station.get("alt_m", 0.0)
    axes = orbits.station_enu_axes(lat, lon)[0]
    enu = axes @ (r_itrf - orbits.station_ecef_km(lat, lon, alt)[0])
    vectors = {"TEME": ("Earth centre, axes fixed to the stars", r_teme[0, 0]),
               "ITRF": ("Earth centre, axes turning with the Earth", r_itrf),
               "ENU": (f"station {station.get('station_id', '')}: east, north, up", enu)}
    rows = [{"frame": f, "origin": o, "x_km": v[0], "y_km": v[1], "z_km": v[2],
             "norm_km": float(np.linalg.norm(v))} for f, (o, v) in vectors.items()]
    return _with_units(pd.DataFrame(rows))


def ground_track_table(satellites, start: Any, duration_s: float, step_s: float = 30.0) -> pd.DataFrame:
    """Return sub-satellite points, one row per satellite × time (input of ``plots.ground_track_map``).

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, time, lat_deg, lon_deg, alt_km`` (geodetic, WGS84).
    """
    times = _times(start, duration_s, step_s)
    jd, fr = orbits.julian_dates(times)
    r_teme, _ = orbits.teme_positions_km(satellites.satrec_array(), jd, fr)
    lat, lon, alt = orbits.ground_track(orbits.teme_to_itrf(r_teme, jd, fr))
    return _with_units(_long_table(satellites, times, {"lat_deg": lat, "lon_deg": lon, "alt_km": alt}))


def look_angle_table(satellites, stations: pd.DataFrame | pd.Series, start: Any, duration_s: float,
                     step_s: float = 10.0, *, elevation_mask_deg: float | None = None) -> pd.DataFrame:
    """Return elevation, azimuth and range of every satellite from every station over time.

    Parameters
    ----------
    satellites : gstk.orbits.satellites.Satellites
        Satellites.
    stations : pandas.DataFrame or pandas.Series
        Stations table rows, or one row (``station_id, lat_deg, lon_deg``; optional
        ``alt_m``, ``min_elevation_deg``).
    start, duration_s, step_s
        Sample times as in :func:`teme_states`.
    elevation_mask_deg : float, optional
        Mask of every station, degrees; default each station's ``min_elevation_deg``
        (10° when the table has none).

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, station_id, time, elevation_deg, azimuth_deg, range_km, visible``
        (elevation at or above the station's mask).
    """
    if isinstance(stations, pd.Series):
        stations = stations.to_frame().T
    times = _times(start, duration_s, step_s)
    jd, fr = orbits.julian_dates(times)
    r_teme, _ = orbits.teme_positions_km(satellites.satrec_array(), jd, fr)
    alt_m = stations["alt_m"] if "alt_m" in stations else np.zeros(len(stations))
    look = orbits.look_angles(orbits.teme_to_itrf(r_teme, jd, fr), stations["lat_deg"].astype(float),
                              stations["lon_deg"].astype(float), np.asarray(alt_m, float))
    if elevation_mask_deg is not None:
        mask = np.full(len(stations), float(elevation_mask_deg))
    elif "min_elevation_deg" in stations:
        mask = stations["min_elevation_deg"].to_numpy(float)
    else:
        mask = np.full(len(stations), DEFAULT_ELEVATION_MASK_DEG)
    parts = []
    for j, station_id in enumerate(stations["station_id"].astype(str)):
        part = _long_table(satellites, times, {"elevation_deg": look.elevation_deg[..., j],
                                               "azimuth_deg": look.azimuth_deg[..., j],
                                               "range_km": look.range_km[..., j]})
        part.insert(1, "station_id", station_id)
        part["visible"] = part["elevation_deg"] >= mask[j]
        parts.append(part)
    return _with_units(pd.concat(parts, ignore_index=True))


def coverage_table(altitudes_km, elevation_masks_deg) -> pd.DataFrame:
    """Return the visibility cone of a station for each altitude × elevation mask.

    A station sees a satellite above the mask ε when the sub-satellite point is
    within the Earth-central angle λ = arccos(R cos ε / (R + h)) − ε (spherical
    Earth); the slant range at the mask is √((R+h)² − R² cos² ε) − R sin ε, and a
    pass straight overhead, ignoring the Earth's rotation, lasts 2λ of the
    orbit's 360° per period 2π√((R+h)³/μ).

    Returns
    -------
    pandas.DataFrame
        ``altitude_km, elevation_mask_deg, half_angle_deg, footprint_radius_km,
        max_range_km, longest_pass_s``.

    Examples
    --------
    >>> row = coverage_table([500.0], [10.0]).iloc[0]
    >>> round(float(row.half_angle_deg), 2), round(float(row.longest_pass_s) / 60, 1)
    (14.05, 7.4)
    """
    h, eps_deg = (a.ravel() for a in np.meshgrid(np.asarray(altitudes_km, float),
                                                  np.asarray(elevation_masks_deg, float), indexing="ij"))
    lam_deg = np.atleast_1d(coverage_half_angle_deg(h, eps_deg))
    eps, radius = np.radians(eps_deg), EARTH_RADIUS_KM
    period_s = 2 * np.pi * np.sqrt((radius + h) ** 3 / MU_EARTH_KM3_S2)
    return _with_units(pd.DataFrame({
        "altitude_km": h, "elevation_mask_deg": eps_deg, "half_angle_deg": lam_deg,
        "footprint_radius_km": np.radians(lam_deg) * radius,
        "max_range_km": np.sqrt((radius + h) ** 2 - (radius * np.cos(eps)) ** 2) - radius * np.sin(eps),
        "longest_pass_s": 2 * lam_deg / 360.0 * period_s,
    }))


def _window_days(contacts: pd.DataFrame) -> float:
    """Return the length of the contacts' search window in days (``attrs`` start/end)."""
    start, end = contacts.attrs.get("start"), contacts.attrs.get("end")
    if start is None or end is None:
        raise GstkError("contacts.attrs lacks 'start'/'end'; pass the table compute_contacts returns.")
    return (pd.Timestamp(end) - pd.Timestamp(start)).total_seconds() / SECONDS_PER_DAY


def pass_statistics(contacts: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    """Return pass statistics per satellite × station, with the station's latitude.

    Stations without any pass are kept with zeros (and NaN mean duration), so the
    latitude at which a satellite stops being seen shows.

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, station_id, provider, lat_deg, abs_lat_deg, passes_per_day,
        mean_pass_s, longest_pass_s, contact_min_per_day, mean_max_elevation_deg``.
    """
    days = _window_days(contacts)
    per_pair = contacts.groupby(["satellite_id", "station_id"]).agg(
        n=("duration_s", "size"), mean_pass_s=("duration_s", "mean"),
        longest_pass_s=("duration_s", "max"), total_s=("duration_s", "sum"),
        mean_max_elevation_deg=("max_elevation_deg", "mean"))
    pairs = pd.MultiIndex.from_product([sorted(contacts["satellite_id"].unique()),
                                        stations["station_id"].astype(str)],
                                       names=["satellite_id", "station_id"])
    table = per_pair.reindex(pairs).reset_index()
    for column in ("n", "total_s"):
        table[column] = table[column].fillna(0.0)
    info = stations.set_index(stations["station_id"].astype(str))[["provider", "lat_deg"]]
    table = table.join(info, on="station_id")
    table["abs_lat_deg"] = table["lat_deg"].abs()
    table["passes_per_day"] = table["n"] / days
    table["contact_min_per_day"] = table["total_s"] / 60.0 / days
    return _with_units(table[["satellite_id", "station_id", "provider", "lat_deg", "abs_lat_deg",
                              "passes_per_day", "mean_pass_s", "longest_pass_s", "contact_min_per_day",
                              "mean_max_elevation_deg"]].copy())


def latitude_band_statistics(pass_stats: pd.DataFrame, edges_deg=(0, 20, 40, 55, 65, 90)) -> pd.DataFrame:
    """Return :func:`pass_statistics` averaged over stations in bands of absolute latitude.

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, latitude_band, n_stations, passes_per_day, mean_pass_s,
        contact_min_per_day`` (means over the band's stations).
    """
    edges = [float(e) for e in edges_deg]
    names = [f"{lo:g}–{hi:g}°" for lo, hi in zip(edges[:-1], edges[1:])]
    order = pd.cut(pass_stats["abs_lat_deg"], edges, labels=False, include_lowest=True)
    grouped = pass_stats.assign(order=order).dropna(subset=["order"]).assign(
        latitude_band=lambda t: [names[int(i)] for i in t["order"]]).groupby(
        ["satellite_id", "order", "latitude_band"])
    table = grouped.agg(n_stations=("station_id", "size"), passes_per_day=("passes_per_day", "mean"),
                        mean_pass_s=("mean_pass_s", "mean"), contact_min_per_day=("contact_min_per_day", "mean"))
    return _with_units(table.reset_index().drop(columns="order"))


def _merged_intervals(aos_s: np.ndarray, los_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the union of intervals [aos, los] as sorted disjoint (start, end) arrays."""
    order = np.argsort(aos_s, kind="stable")
    aos_s, los_s = aos_s[order], los_s[order]
    ends = np.maximum.accumulate(los_s)
    new = np.r_[True, aos_s[1:] > ends[:-1]]
    starts = aos_s[new]
    stops = np.r_[ends[np.flatnonzero(new)[1:] - 1], ends[-1:]] if len(aos_s) else ends
    return starts, stops


def satellite_contact_statistics(contacts: pd.DataFrame) -> pd.DataFrame:
    """Return each satellite's contact statistics over the window, all stations together.

    Overlapping passes at different stations count once for contact time and gaps.

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, passes_per_day, mean_pass_s, contact_min_per_day, longest_gap_s``
        (the longest time with no station in view, window start and end included).
    """
    days = _window_days(contacts)
    window_s = days * SECONDS_PER_DAY
    rows = []
    for satellite_id, group in contacts.groupby("satellite_id", sort=True):
        starts, stops = _merged_intervals(group["aos_s"].to_numpy(float), group["los_s"].to_numpy(float))
        gaps = np.r_[starts[:1], starts[1:] - stops[:-1], window_s - stops[-1:]]
        rows.append({"satellite_id": satellite_id, "passes_per_day": len(group) / days,
                     "mean_pass_s": float(group["duration_s"].mean()),
                     "contact_min_per_day": float((stops - starts).sum()) / 60.0 / days,
                     "longest_gap_s": float(gaps.max())})
    return _with_units(pd.DataFrame(rows, columns=["satellite_id", "passes_per_day", "mean_pass_s",
                                                   "contact_min_per_day", "longest_gap_s"]))


def daily_contact_minutes(contacts: pd.DataFrame) -> pd.DataFrame:
    """Return each satellite's time in contact per UTC day of the window, any station.

    Passes at two stations at once count once (``contact_min`` is the length of
    the union of the windows, at most 1440 min a day); ``station_min`` adds them
    up station by station.  Passes are split at midnight.

    Returns
    -------
    pandas.DataFrame
        ``satellite_id, day`` (UTC midnight), ``passes`` (starting that day),
        ``contact_min``, ``station_min``.
    """
    start, end = (pd.Timestamp(contacts.attrs[k]) for k in ("start", "end"))
    days = pd.date_range(start.floor("D"), end, freq="D", inclusive="left")
    edges_s = (days - start).total_seconds().to_numpy()
    rows = []
    for satellite_id, group in contacts.groupby("satellite_id", sort=True):
        aos, los = group["aos_s"].to_numpy(float), group["los_s"].to_numpy(float)
        starts, stops = _merged_intervals(aos, los)
        for day, lo in zip(days, edges_s):
            hi = lo + SECONDS_PER_DAY
            rows.append({"satellite_id": satellite_id, "day": day,
                         "passes": int(((aos >= lo) & (aos < hi)).sum()),
                         "contact_min": _clipped_total_s(starts, stops, lo, hi) / 60.0,
                         "station_min": _clipped_total_s(aos, los, lo, hi) / 60.0})
    return _with_units(pd.DataFrame(rows, columns=["satellite_id", "day", "passes", "contact_min",
                                                   "station_min"]))


def _clipped_total_s(starts: np.ndarray, stops: np.ndarray, lo: float, hi: float) -> float:
    """Return the total length of intervals [start, stop] inside [lo, hi]."""
    return float((np.clip(stops, lo, hi) - np.clip(starts, lo, hi)).sum())


# --------------------------------------------------------------------------- link budgets (step 7)
def pass_rate_profile(satellite, station: pd.Series, rates, start: Any, end: Any,
                      step_s: float = 5.0) -> pd.DataFrame:
    """Return the highest pass of one satellite over one station: elevation, range and rate every ``step_s``.

    Parameters
    ----------
    satellite : gstk.orbits.satellites.Satellites
        One satellite.
    station : pandas.Series
        A stations table row (``station_id, provider, lat_deg, lon_deg``; optional ``alt_m``,
        ``min_elevation_deg``).
    rates : RateTable, LinkBudget or StationRates
        The rate model (:mod:`gstk.contacts.rates`).
    start, end : time-like
        Where to look for the pass.

    Returns
    -------
    pandas.DataFrame
        ``time_s`` (since AOS), ``elevation_deg``, ``range_km``, ``rate_bps``, ``volume_bit`` (carried
        so far, trapezoids).  ``attrs``: ``duration_s``, ``max_elevation_deg`` and ``volume_bit`` of the
        pass as ``compute_contacts`` integrates it.
    """
    from gstk.contacts.rates import StationRates
    from gstk.contacts.windows import compute_contacts

    table = station.to_frame().T.infer_objects()
    passes = compute_contacts(satellite, table, start, end, rates=rates)
    if passes.empty:
        raise GstkError(f"pass_rate_profile: {station['station_id']} sees no pass in [{start}, {end}]; widen it")
    best = passes.loc[passes["max_elevation_deg"].idxmax()]
    model = StationRates.of(rates).model_for(str(station["station_id"]), str(station.get("provider", "")))
    look = look_angle_table(satellite, table, best["aos"], best["duration_s"], step_s, elevation_mask_deg=-90.0)
    rate = model.rate_bps_at(look["elevation_deg"].to_numpy(float), look["range_km"].to_numpy(float))
    time_s = (look["time"] - best["aos"]).dt.total_seconds().to_numpy(float)
    carried = np.concatenate([[0.0], np.cumsum(np.diff(time_s) * 0.5 * (rate[1:] + rate[:-1]))])
    out = _with_units(pd.DataFrame({"time_s": time_s, "elevation_deg": look["elevation_deg"].to_numpy(float),
                                    "range_km": look["range_km"].to_numpy(float), "rate_bps": rate,
                                    "volume_bit": carried}))
    out.attrs.update(duration_s=float(best["duration_s"]), max_elevation_deg=float(best["max_elevation_deg"]),
                     volume_bit=float(best["volume_bit"]), station_id=str(station["station_id"]))
    return out


def pass_volume_by_elevation(contacts: pd.DataFrame, edges_deg=(0, 20, 30, 45, 60, 90)) -> pd.DataFrame:
    """Return passes by maximum elevation: count, mean duration, mean rate and their shares of time and data.

    ``contacts`` must carry ``volume_bit`` (``compute_contacts(..., rates=...)``).  A band's
    ``data_share`` above its ``time_share`` means its passes carry more than their duration suggests.

    Returns
    -------
    pandas.DataFrame
        ``band``, ``passes``, ``mean_duration_min``, ``mean_rate_mbps``, ``time_share``, ``data_share``.
    """
    if "volume_bit" not in contacts.columns:
        raise GstkError("pass_volume_by_elevation: contacts lack volume_bit; compute them with rates=...")
    edges = [float(e) for e in edges_deg]
    labels = [f"{lo:g}-{hi:g} deg" for lo, hi in zip(edges[:-1], edges[1:])]
    band = pd.cut(contacts["max_elevation_deg"], edges, labels=labels, include_lowest=True)
    grouped = contacts.groupby(band, observed=True)
    seconds, volume = grouped["duration_s"].sum(), grouped["volume_bit"].sum()
    out = pd.DataFrame({"band": [str(label) for label in seconds.index],
                        "passes": grouped.size().to_numpy(),
                        "mean_duration_min": grouped["duration_s"].mean().to_numpy() / 60,
                        "mean_rate_mbps": (volume / seconds).to_numpy() / 1e6,
                        "time_share": (seconds / seconds.sum()).to_numpy(),
                        "data_share": (volume / volume.sum()).to_numpy()})
    return _with_units(out)
