"""The verifier's own pass geometry: volumes under a rate model and horizon masks, from SGP4.

The contact table's ``volume_bit`` (what the model optimized) comes from the contact engine's pass
sampler (:mod:`gstk.contacts.profiles`, Hermite arcs between SGP4 nodes) and its integrators
(:mod:`gstk.contacts.rates`).  This module shares neither: it propagates every taken contact with
exact SGP4 (``Satrec.sgp4_array``) at the midpoints of :data:`VERIFY_STEP_S` slices, takes look
angles from :func:`gstk.orbits.propagation.look_angles`, evaluates the rate models' formulas
written out again here (it reads only their parameters), and sums by the midpoint rule.

Tolerance: a table's step boundary falls inside one slice at each crossing, where the midpoint rule
is off by at most half a slice times the step's rate change; the engine finds each crossing to
within ``ENGINE_CROSSING_S``; a pass crosses each boundary at most twice.  So a volume passes when
it is within ``VOLUME_REL_TOL`` relative plus ``2 (VERIFY_STEP_S / 2 + ENGINE_CROSSING_S) sum |Δ rate|``
of the recomputation.  A smooth link budget agrees to ~1e-5 relative.  A taken
contact at a station with a horizon mask must be above max(min_elevation_deg, mask(az)) at every
slice midpoint, within ``MASK_TOLERANCE_DEG``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gstk.contacts.masks import HorizonMask, horizon_masks_of
from gstk.contacts.rates import RateTable, StationRates
from gstk.errors import GstkError
from gstk.orbits import propagation as orbits
from gstk.units import DEFAULT_ELEVATION_MASK_DEG, SECONDS_PER_DAY
from gstk.verification.data import VerificationData, Violation

__all__ = ["VERIFY_STEP_S", "ENGINE_CROSSING_S", "VOLUME_REL_TOL", "MASK_TOLERANCE_DEG", "link_violations"]

#: Slice length of the verifier's midpoint rule, s (a different step from the engine's 10 s samples).
VERIFY_STEP_S = 0.5
#: How far from the true time the engine may put a table's step boundary, s (measured: ≲ 0.02 s).
ENGINE_CROSSING_S = 0.05
#: Relative agreement asked of a smooth rate profile's volume (measured: ~1e-5 between the two paths).
VOLUME_REL_TOL = 1e-4
#: A slice midpoint may be this far below the limit, deg: AOS/LOS are found to 1 ms (~1e-4 deg in LEO).
MASK_TOLERANCE_DEG = 1e-3
_BOLTZMANN_DB = -228.6
_C_M_S = 299_792_458.0


def _midpoints(aos_s: np.ndarray, los_s: np.ndarray):
    """Return (row of each slice, slice midpoint, slice length) over every window."""
    d = np.maximum(los_s - aos_s, 0.0)
    n = np.maximum(1, np.ceil(d / VERIFY_STEP_S).astype(int))
    row = np.repeat(np.arange(len(d)), n)
    i = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    h = (d / n)[row]
    return row, aos_s[row] + (i + 0.5) * h, h


def _look(satrecs: Mapping[str, Any], stations: pd.DataFrame, sat: np.ndarray, st: np.ndarray, t_s: np.ndarray,
          start: pd.Timestamp):
    """Return elevation, azimuth (deg) and range (km) of satellites ``sat`` from stations ``st`` (ids) at ``t_s``."""
    jd, fr = orbits.julian_dates(start)
    el, az, rng = (np.full(len(t_s), np.nan) for _ in range(3))
    for k in np.unique(sat):
        for s in np.unique(st[sat == k]):
            at = np.flatnonzero((sat == k) & (st == s))
            error, r, _ = satrecs[k].sgp4_array(np.full(len(at), jd[0]), fr[0] + t_s[at] / SECONDS_PER_DAY)
            r[error != 0] = np.nan
            r_itrf = orbits.teme_to_itrf(r, np.full(len(at), jd[0]), fr[0] + t_s[at] / SECONDS_PER_DAY)
            row = stations.loc[s]
            look = orbits.look_angles(r_itrf, [row["lat_deg"]], [row["lon_deg"]], [row.get("alt_m", 0.0)])
            el[at], az[at], rng[at] = look.elevation_deg[:, 0], look.azimuth_deg[:, 0], look.range_km[:, 0]
    return el, az, rng


def _rate(model, elevation_deg: np.ndarray, range_km: np.ndarray) -> np.ndarray:
    """The rate models' formulas, written out independently of gstk.contacts.rates."""
    if isinstance(model, RateTable):
        rate = np.zeros(len(elevation_deg))
        for edge, step_rate in zip(model.elevation_deg, model.rate_bps):  # steps ascend: the last one reached wins
            rate = np.where(elevation_deg >= edge, step_rate, rate)
        return rate
    fspl_db = 20 * np.log10(4 * np.pi * range_km * 1e3 * model.frequency_hz / _C_M_S)
    slant_db = model.zenith_attenuation_db / np.sin(np.radians(np.maximum(elevation_deg, 1.0)))
    ebn0_db = (model.eirp_dbw + model.gt_db_k - fspl_db - model.losses_db - slant_db - _BOLTZMANN_DB
               - model.ebn0_db - model.margin_db)
    return np.minimum(model.max_rate_bps, 10 ** (ebn0_db / 10))


def _step_slack_bit(model) -> float:
    """Return 2 (VERIFY_STEP_S / 2 + ENGINE_CROSSING_S) sum |Δ rate| of a table's steps (0 for a smooth budget)."""
    if not isinstance(model, RateTable):
        return 0.0
    jumps = float(np.abs(np.diff(np.concatenate([[0.0], model.rate_bps]))).sum())
    return 2 * (VERIFY_STEP_S / 2 + ENGINE_CROSSING_S) * jumps


def _station_table(stations: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("lat_deg", "lon_deg") if c not in stations.columns]
    if missing:
        raise GstkError(f"verify: checking rates or horizon masks needs station positions, but Problem.stations "
                        f"lacks {missing}; use the catalog's table (gstk.load_stations, gstk.draw_prices)")
    return stations.set_index(stations["station_id"].astype(str))


def link_violations(data: VerificationData, x: np.ndarray, stations: pd.DataFrame, satellites: Any,
                    rates: Any = None, horizon_masks: Mapping[str, Any] | None = None) -> list[Violation]:
    """Return the volume and horizon-mask violations of the taken contacts ``x``, recomputed from SGP4."""
    rates = StationRates.of(rates)
    masks = horizon_masks_of(horizon_masks, stations["station_id"].astype(str)) if horizon_masks else {}
    rows = np.flatnonzero(x & data.known)
    if not len(rows) or (rates is None and not masks):
        return []
    table = _station_table(stations)
    satrecs = dict(zip(map(str, satellites.satellite_id), satellites.satrecs))
    sat_ids = data.contacts["satellite_id"].to_numpy(str)[rows]
    st_ids = data.contacts["station_id"].to_numpy(str)[rows]
    unknown = sorted(set(sat_ids) - set(satrecs))
    if unknown:
        raise GstkError(f"verify: satellites {unknown[:5]} of the taken contacts are not in the satellites given")
    which, t, h = _midpoints(data.aos_s[rows], data.los_s[rows])
    el, az, rng = _look(satrecs, table, sat_ids[which], st_ids[which], t, data.sim_start)
    out = []
    if rates is not None:
        out += _volume_violations(data, rows, rates, table, which, h, el, rng)
    if masks:
        out += _mask_violations(data, rows, masks, table, which, el, az)
    return out


def _volume_violations(data, rows, rates: StationRates, table, which, h, el, rng) -> list[Violation]:
    said = (pd.to_numeric(data.contacts["volume_bit"], errors="coerce").to_numpy(float)[rows]
            if "volume_bit" in data.contacts else np.full(len(rows), np.nan))
    st_ids = data.contacts["station_id"].to_numpy(str)[rows]
    ids = data.contacts["contact_id"].to_numpy(str)[rows]
    models = [rates.model_for(s, str(table.loc[s, "provider"])) for s in st_ids]
    out = []
    for i, model in enumerate(models):
        if model is None:
            continue
        at = which == i
        truth = float(np.sum(_rate(model, el[at], rng[at]) * h[at]))
        slack = VOLUME_REL_TOL * abs(truth) + _step_slack_bit(model) + 1.0
        if not (np.isfinite(said[i]) and abs(said[i] - truth) <= slack):
            out.append(Violation("contact_volume", f"contact {ids[i]}: the contacts table gives volume_bit "
                                                   f"{said[i]:.9g} bit, the rate model over the pass gives "
                                                   f"{truth:.9g} bit (tolerance {slack:.3g})",
                                 abs(said[i] - truth) if np.isfinite(said[i]) else abs(truth)))
    return out


def _mask_violations(data, rows, masks: Mapping[str, HorizonMask], table, which, el, az) -> list[Violation]:
    st_ids = data.contacts["station_id"].to_numpy(str)[rows]
    ids = data.contacts["contact_id"].to_numpy(str)[rows]
    out = []
    for i, station in enumerate(st_ids):
        if station not in masks:
            continue
        at = which == i
        floor = float(table.loc[station].get("min_elevation_deg", DEFAULT_ELEVATION_MASK_DEG))
        mask = masks[station]
        limit = np.maximum(floor, np.interp(az[at] % 360, mask.azimuth_deg, mask.elevation_deg, period=360))
        below = el[at] - limit
        worst = int(np.argmin(below))
        if below[worst] < -MASK_TOLERANCE_DEG:
            out.append(Violation("horizon_mask", f"contact {ids[i]} is below the horizon mask of {station}: "
                                                 f"elevation {el[at][worst]:.3f} deg at azimuth {az[at][worst]:.1f}"
                                                 f" deg, limit {limit[worst]:.3f} deg", float(-below[worst])))
    return out
