"""Data rate along a pass: a rate table against elevation or a link budget, and a contact's volume.

Formulation §1 gives every contact the constant rate r_c = min(R_s, R_k) for its whole duration,
so v_c = r_c d_c.  A rate model instead says what the link carries at each instant of the pass,
and the contact's volume becomes the integral over the pass's own geometry::

    v_c = ∫_{a_c}^{b_c} r(el(t), d(t)) dt

Two models (``rate_bps_at(elevation_deg, range_km)`` on arrays):

* :class:`RateTable` — adaptive coding and modulation steps: ``(elevation_deg[i], rate_bps[i])``
  means rate_bps[i] from elevation_deg[i] up to the next step; below the first step the link
  carries nothing.  A step function of elevation.
* :class:`LinkBudget` — the rate the link closes at the instant's slant range d::

      C/N0 = EIRP + G/T - FSPL(d, f) - L - A(el) - k          [dB-Hz], k = -228.6 dBW/K/Hz
      FSPL = 20 log10(4 pi d f / c)
      r    = min(R_max, 10^((C/N0 - Eb/N0_req - margin) / 10))  [bit/s]

  with fixed losses L (pointing, polarisation, implementation) and an atmospheric attenuation
  A(el) = A_zenith / sin(el) (the cosecant law, valid above ~5 deg; the elevation is floored at
  1 deg so that it stays finite).  A_zenith is a number: the ITU-R P.618/P.676/P.840 value at the
  availability you plan for (e.g. from the optional ``itur`` package) goes there.

:class:`StationRates` says which model applies at which station (station, else provider, else a
default).  :func:`contact_volumes_bit` integrates on the samples of :mod:`gstk.contacts.profiles`
(at most 10 s apart on Hermite arcs between SGP4 nodes): a table exactly per step, each step's
edge crossed at the time Newton finds on the arc; a link budget by Simpson's rule, with the
radio's cap integrated exactly on each pair of sample steps (so its kink costs no accuracy).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np
import pandas as pd

from gstk.contacts.arcs import polyval
from gstk.contacts.profiles import (
    GridStates,
    IntervalSamples,
    StationFrames,
    grid_states,
    interval_samples,
    station_frames,
)
from gstk.errors import GstkError

__all__ = ["BOLTZMANN_DBW_PER_K_HZ", "SPEED_OF_LIGHT_M_S", "RateTable", "LinkBudget", "RateModel",
           "StationRates", "free_space_path_loss_db", "rate_model_from_dict", "contact_volumes_bit", "with_volumes",
           "integrate_volumes"]

#: Boltzmann's constant, 10 log10(1.380649e-23 J/K) = -228.6 dBW/K/Hz.
BOLTZMANN_DBW_PER_K_HZ = -228.6
SPEED_OF_LIGHT_M_S = 299_792_458.0
#: The cosecant law's elevation floor, deg (keeps A(el) finite for masks at or below the horizon).
_MIN_SLANT_ELEVATION_DEG = 1.0
_MIN_SLANT_SIN = math.sin(math.radians(_MIN_SLANT_ELEVATION_DEG))


def _finite(value: Any, where: str, *, positive: bool = False, minimum: float | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GstkError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number) or isinstance(value, bool):
        raise GstkError(f"{where}: expected a finite number, got {value!r}")
    if positive and not number > 0:
        raise GstkError(f"{where}: expected a number > 0, got {value!r}")
    if minimum is not None and number < minimum:
        raise GstkError(f"{where}: expected a number >= {minimum:g}, got {value!r}")
    return number


@dataclass(frozen=True)
class RateTable:
    """Rate steps against elevation (ACM): ``rate_bps[i]`` from ``elevation_deg[i]`` up to the next step.

    Examples
    --------
    >>> table = RateTable(elevation_deg=(10, 30), rate_bps=(1e8, 4e8))
    >>> table.rate_bps_at(np.array([5.0, 10.0, 29.9, 60.0])).tolist()
    [0.0, 100000000.0, 100000000.0, 400000000.0]
    """

    elevation_deg: tuple[float, ...]
    rate_bps: tuple[float, ...]

    def __post_init__(self):
        elevation = tuple(_finite(e, f"RateTable.elevation_deg[{i}]") for i, e in enumerate(self.elevation_deg))
        rate = tuple(_finite(r, f"RateTable.rate_bps[{i}]", minimum=0) for i, r in enumerate(self.rate_bps))
        if not elevation or len(elevation) != len(rate):
            raise GstkError(f"RateTable: {len(elevation)} elevations for {len(rate)} rates; expected one rate per "
                            "step and at least one step")
        bad = [i for i in range(1, len(elevation)) if not elevation[i] > elevation[i - 1]]
        if bad or not all(-90 <= e <= 90 for e in elevation):
            i = bad[0] if bad else 0
            raise GstkError(f"RateTable.elevation_deg[{i}] = {elevation[i]!r}: expected strictly increasing "
                            "elevations within [-90, 90] deg")
        object.__setattr__(self, "elevation_deg", elevation)
        object.__setattr__(self, "rate_bps", rate)

    @property
    def max_rate_bps(self) -> float:
        return max(self.rate_bps)

    def rate_bps_at(self, elevation_deg: np.ndarray, range_km: np.ndarray | None = None) -> np.ndarray:
        """Return the step's rate at each elevation (0 below the first step); ``range_km`` is unused."""
        step = np.searchsorted(np.asarray(self.elevation_deg), np.asarray(elevation_deg, float), side="right") - 1
        return np.where(step >= 0, np.asarray(self.rate_bps)[np.maximum(step, 0)], 0.0)

    def rate_integral_deg(self, elevation_deg: np.ndarray) -> np.ndarray:
        """Return R(e) = integral of the step rate over elevation from below the first step to ``e``, bit/s x deg."""
        edges = np.asarray(self.elevation_deg)
        widths = np.append(np.diff(edges), np.inf)
        above = np.clip(np.asarray(elevation_deg, float)[..., None] - edges, 0.0, widths)
        return above @ np.asarray(self.rate_bps)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "RateTable", "elevation_deg": list(self.elevation_deg), "rate_bps": list(self.rate_bps)}


@dataclass(frozen=True)
class LinkBudget:
    """A downlink budget: satellite EIRP, station G/T, frequency, required Eb/N0, margin, radio cap.

    Examples
    --------
    X band, 10 dBW EIRP, a 31 dB/K station, 2 000 km away:

    >>> budget = LinkBudget(eirp_dbw=10, gt_db_k=31, frequency_hz=8.2e9, ebn0_db=4.4, margin_db=3,
    ...                     max_rate_bps=2e9)
    >>> round(float(budget.rate_bps_at(np.array([20.0]), np.array([2000.0]))[0]) / 1e6, 1)
    351.2
    """

    eirp_dbw: float
    gt_db_k: float
    frequency_hz: float
    ebn0_db: float
    max_rate_bps: float
    margin_db: float = 0.0
    losses_db: float = 0.0
    zenith_attenuation_db: float = 0.0

    def __post_init__(self):
        for name in ("eirp_dbw", "gt_db_k", "ebn0_db"):
            object.__setattr__(self, name, _finite(getattr(self, name), f"LinkBudget.{name}"))
        for name in ("frequency_hz", "max_rate_bps"):
            object.__setattr__(self, name, _finite(getattr(self, name), f"LinkBudget.{name}", positive=True))
        for name in ("margin_db", "losses_db", "zenith_attenuation_db"):
            object.__setattr__(self, name, _finite(getattr(self, name), f"LinkBudget.{name}", minimum=0))

    def rate_bps_at(self, elevation_deg: np.ndarray, range_km: np.ndarray) -> np.ndarray:
        """Return min(R_max, the rate the link closes) at each elevation (deg) and slant range (km)."""
        return np.minimum(self.max_rate_bps, self.uncapped_rate_bps(elevation_deg, range_km))

    def uncapped_rate_bps(self, elevation_deg: np.ndarray, range_km: np.ndarray) -> np.ndarray:
        """Return 10^((C/N0 - Eb/N0_req - margin) / 10), bit/s: the rate the link closes, before the radio's cap."""
        return self.uncapped_rate_from_sin(np.sin(np.radians(np.asarray(elevation_deg, float))), range_km)

    def uncapped_rate_from_sin(self, sin_elevation: np.ndarray | float, range_km: np.ndarray) -> np.ndarray:
        """Return :meth:`uncapped_rate_bps` from sin(elevation).

        Written as K / d^2 (FSPL is 20 log10(d) plus a constant), times 10^(-A(el) / 10) with an
        atmosphere: one division per sample instead of a logarithm and a power.
        """
        gain_db = (self.eirp_dbw + self.gt_db_k - self.losses_db - BOLTZMANN_DBW_PER_K_HZ - self.ebn0_db
                   - self.margin_db)
        k = 10.0 ** (gain_db / 10.0) * (SPEED_OF_LIGHT_M_S / (4.0 * np.pi * self.frequency_hz)) ** 2  # bit/s m^2
        range_m = np.asarray(range_km, float) * 1e3
        rate = k / (range_m * range_m)
        if self.zenith_attenuation_db:
            slant = np.maximum(sin_elevation, _MIN_SLANT_SIN)
            rate = rate * np.exp(-self.zenith_attenuation_db * (math.log(10.0) / 10.0) / slant)  # 10^(-A / 10)
        return rate

    def to_dict(self) -> dict[str, Any]:
        return {"type": "LinkBudget", **{f: getattr(self, f) for f in self.__dataclass_fields__}}


RateModel = Union[RateTable, LinkBudget]
_MODELS = {"RateTable": RateTable, "LinkBudget": LinkBudget}


def free_space_path_loss_db(range_km: np.ndarray, frequency_hz: float) -> np.ndarray:
    """Return FSPL = 20 log10(4 pi d f / c), dB, at slant range ``range_km``.

    Examples
    --------
    >>> round(float(free_space_path_loss_db(np.array(1000.0), 8.0e9)), 2)
    170.51
    """
    return 20.0 * np.log10(4.0 * np.pi * np.asarray(range_km, float) * 1e3 * frequency_hz / SPEED_OF_LIGHT_M_S)


def rate_model_from_dict(entry: Mapping[str, Any], where: str = "rate model") -> RateModel:
    """Return the model a ``{"type": "RateTable" | "LinkBudget", ...}`` mapping describes (``to_dict``'s inverse)."""
    if isinstance(entry, (RateTable, LinkBudget)):
        return entry
    if not isinstance(entry, Mapping) or entry.get("type") not in _MODELS:
        raise GstkError(f"{where}: expected a mapping with type RateTable or LinkBudget, got {entry!r:.80}")
    cls = _MODELS[entry["type"]]
    fields = {k: v for k, v in entry.items() if k != "type"}
    unknown = sorted(set(fields) - set(cls.__dataclass_fields__))
    if unknown:
        raise GstkError(f"{where}.{unknown[0]}: unknown key; expected one of {', '.join(cls.__dataclass_fields__)}")
    try:
        if cls is RateTable:
            return RateTable(tuple(fields.get("elevation_deg", ())), tuple(fields.get("rate_bps", ())))
        return cls(**fields)
    except TypeError as exc:
        raise GstkError(f"{where}: {exc}") from None
    except GstkError as exc:
        raise GstkError(f"{where}: {exc}") from None


@dataclass(frozen=True)
class StationRates:
    """Which rate model applies where: a station's own, else its provider's, else ``default`` (None: constant rate).

    Examples
    --------
    >>> rates = StationRates(providers={"KSAT": RateTable((5,), (1e8,))})
    >>> rates.model_for("KSAT/Svalbard", "KSAT").rate_bps, rates.model_for("Leaf/Awarua", "Leaf")
    ((100000000.0,), None)
    """

    default: RateModel | None = None
    providers: Mapping[str, RateModel] = field(default_factory=dict)
    stations: Mapping[str, RateModel] = field(default_factory=dict)

    def __post_init__(self):
        if self.default is not None:
            object.__setattr__(self, "default", rate_model_from_dict(self.default, "StationRates.default"))
        for group in ("providers", "stations"):
            table = {str(k): rate_model_from_dict(v, f"StationRates.{group}.{k}")
                     for k, v in dict(getattr(self, group)).items()}
            object.__setattr__(self, group, table)

    @classmethod
    def of(cls, rates: "StationRates | RateModel | Mapping | None") -> "StationRates | None":
        """Return ``rates`` as StationRates: one model means every station; a mapping has the field names."""
        if rates is None or isinstance(rates, StationRates):
            return rates
        if isinstance(rates, (RateTable, LinkBudget)):
            return cls(default=rates)
        if isinstance(rates, Mapping) and set(rates) <= {"default", "providers", "stations"}:
            return cls(**rates)
        raise GstkError(f"rates: expected a RateTable, a LinkBudget or StationRates, got {type(rates).__name__}")

    def model_for(self, station_id: str, provider: str) -> RateModel | None:
        """Return the model of one station (its own, else its provider's, else the default)."""
        return self.stations.get(station_id, self.providers.get(provider, self.default))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.default is not None:
            out["default"] = self.default.to_dict()
        for group in ("providers", "stations"):
            if getattr(self, group):
                out[group] = {k: m.to_dict() for k, m in getattr(self, group).items()}
        return out


def _intervals(x: IntervalSamples, windows: np.ndarray) -> np.ndarray | slice:
    """Return the node intervals of ``windows`` (all of them when they are every window)."""
    return slice(None) if len(windows) == int(x.window.max(initial=-1)) + 1 else np.isin(x.window, windows)


def _pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the left, middle and right samples of each pair of sample steps, (intervals, substeps / 2) each."""
    return values[:, 0:-1:2], values[:, 1::2], values[:, 2::2]


def _table_volumes(table: RateTable, x: IntervalSamples, windows: np.ndarray) -> np.ndarray:
    """Return the integral of the step rate per window, each step's edge crossed at its exact time.

    Works on sin(elevation) (monotone in elevation, no arcsin).  On a pair of sample steps it is
    first the parabola q through its three samples: pairs whose samples and parabola stay on one
    step (most of them) carry that step's rate.  In the others, q's crossings of each edge are
    polished by Newton on the interval's Hermite arc and split the pair into pieces, each at its
    step's rate.
    """
    rows = _intervals(x, windows)
    value = x.sin_elevation[rows]
    edges = np.sin(np.radians(np.asarray(table.elevation_deg)))
    rates = np.concatenate([[0.0], table.rate_bps])  # by level; level 0: below the first step
    level = np.searchsorted(edges, value, side="right")
    e0, e1, e2 = (part.reshape(-1) for part in _pairs(value))
    s0, s1, s2 = (part.reshape(-1) for part in _pairs(level))
    c = 0.5 * (e0 - 2 * e1 + e2)
    b = e1 - e0 - c
    one_step = (s0 == s1) & (s1 == s2)
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = np.where(c != 0, -b / (2 * c), -1.0)
    check = np.flatnonzero(one_step & (turn > 0) & (turn < 2))  # a peak or a trough inside the pair
    peak = e0[check] + b[check] * turn[check] + c[check] * turn[check] ** 2
    one_step[check] &= np.searchsorted(edges, peak, side="right") == s1[check]
    pair = np.where(one_step, rates[s1] * 2.0, 0.0)
    cut = np.flatnonzero(~one_step)
    pairs_per_interval = (x.enu_km.shape[2] - 1) // 2
    interval, j = np.divmod(cut, pairs_per_interval)
    roots = _edge_crossings_u(edges, e0[cut], b[cut], c[cut])
    arcs = x.arcs(np.arange(len(x.window))[rows][interval])  # only the intervals holding a crossing
    roots = _polished_on_arcs(roots, arcs, j, pairs_per_interval, edges)
    pair[cut] = _step_integral_between(edges, rates, roots, e0[cut], b[cut], c[cut])
    per_interval = pair.reshape(len(x.step_s[rows]), -1).sum(axis=1) * x.step_s[rows]
    return _per_window(x.window[rows], per_interval, windows)


def _edge_crossings_u(edges: np.ndarray, e0: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Return (2 per edge, pairs) times u in (0, 2) where the parabola meets each edge (NaN: it does not)."""
    roots = []
    for edge in edges:
        a = e0 - edge
        disc = b * b - 4 * a * c
        sq = np.sqrt(np.maximum(disc, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            quad = np.abs(c) > 1e-15
            r1 = np.where(quad, (-b - sq) / (2 * c), -a / np.where(b == 0, np.inf, b))
            r2 = np.where(quad, (-b + sq) / (2 * c), np.nan)
        real = disc >= 0
        roots += [np.where(real, r1, np.nan), np.where(real, r2, np.nan)]
    roots = np.stack(roots) if roots else np.empty((0, len(e0)))
    return np.where((roots > 0) & (roots < 2), roots, np.nan)


def _polished_on_arcs(roots: np.ndarray, arcs, j: np.ndarray, pairs_per_interval: int,
                      edges: np.ndarray) -> np.ndarray:
    """Return the crossings moved by Newton onto the Hermite arc's sin(elevation) (kept near their guess)."""
    steps = 2 * pairs_per_interval
    found = np.nonzero(np.isfinite(roots))
    target = np.repeat(edges, 2)[found[0]]
    tau = (2 * j[found[1]] + roots[found]) / steps
    n_coef, e_coef = arcs.n[:, found[1]], arcs.e[:, found[1]]
    for _ in range(2):  # the parabola's guess is within ~0.1 s: Newton doubles the digits each time
        n, dn = polyval(n_coef, tau)
        e, de = polyval(e_coef, tau)
        root_e = np.sqrt(e)
        slope = dn / root_e - 0.5 * n * de / (e * root_e)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = tau - np.where(slope != 0, (n / root_e - target) / slope, 0.0)
    out = roots.copy()
    out[found] = np.clip(tau * steps - 2 * j[found[1]], roots[found] - 0.5, roots[found] + 0.5)
    return np.where((out > 0) & (out < 2), out, np.nan)


def _step_integral_between(edges: np.ndarray, rates: np.ndarray, roots: np.ndarray, e0: np.ndarray,
                           b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Return ∫_0^2 r(q(u)) du for crossings ``roots`` (2 per edge) of the parabola q.

    The step rate is a sum of rises: r = sum_j (r_j - r_{j-1}) [q >= edge_j], so the integral is
    sum_j (r_j - r_{j-1}) T_j with T_j the time above edge j: the pieces between its (at most two)
    crossings, each above or below as q at its middle says.
    """
    rises = np.diff(rates)
    total = np.zeros(len(e0))
    for i, edge in enumerate(edges):
        r1, r2 = roots[2 * i], roots[2 * i + 1]
        lo = np.where(np.isnan(r1), r2, np.where(np.isnan(r2), r1, np.minimum(r1, r2)))
        hi = np.where(np.isnan(r1) | np.isnan(r2), 2.0, np.maximum(r1, r2))
        lo = np.where(np.isnan(lo), 2.0, lo)
        above = np.zeros(len(e0))
        for u, v in ((0.0, lo), (lo, hi), (hi, 2.0)):
            m = 0.5 * (u + v)
            above += np.where(e0 + b * m + c * m * m >= edge, v - u, 0.0)
        total += rises[i] * above
    return total


def _budget_volumes(budget: LinkBudget, x: IntervalSamples, windows: np.ndarray) -> np.ndarray:
    """Return Simpson's rule on the link budget's rate profile, per window, exact at the radio's cap.

    Each pair of sample steps integrates min(R_max, q) exactly, q the parabola through the three
    uncapped rates: plain Simpson where the cap is not reached, no kink error where it is.
    """
    rows = _intervals(x, windows)
    range_km = x.range_km[rows]
    sin_el = x.enu_km[2][rows] / range_km if budget.zenith_attenuation_db else 1.0  # only A(el) needs it
    free = budget.uncapped_rate_from_sin(sin_el, range_km)
    f0, f1, f2 = (part.reshape(-1) for part in _pairs(free))
    pair = _capped_parabola_integral(f0, f1, f2, budget.max_rate_bps)
    per_interval = pair.reshape(free.shape[0], -1).sum(axis=1) * x.step_s[rows]
    return _per_window(x.window[rows], per_interval, windows)


def _capped_parabola_integral(f0: np.ndarray, f1: np.ndarray, f2: np.ndarray, cap: float) -> np.ndarray:
    """Return ∫_0^2 min(cap, q(u)) du, q the parabola with q(0), q(1), q(2) = f0, f1, f2 (Simpson when below cap)."""
    c = 0.5 * (f0 - 2 * f1 + f2)
    b = f1 - f0 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        turn = np.where(c != 0, -b / (2 * c), -1.0)
    extreme = np.where((turn > 0) & (turn < 2), f0 + b * turn + c * turn * turn, f1)
    high, low = np.maximum(np.maximum(f0, f2), np.maximum(f1, extreme)), np.minimum(np.minimum(f0, f2),
                                                                                     np.minimum(f1, extreme))
    out = np.where(high <= cap, (f0 + 4 * f1 + f2) / 3, 2.0 * cap)  # below the cap: Simpson; above: capped
    crossing = np.flatnonzero((high > cap) & (low < cap))
    out[crossing] = _parabola_under_cap(f0[crossing], f1[crossing], f2[crossing], cap)
    return out


def _parabola_under_cap(f0: np.ndarray, f1: np.ndarray, f2: np.ndarray, cap: float) -> np.ndarray:
    """Return ∫_0^2 min(cap, q(u)) du for parabolas that cross the cap, split at the crossings."""
    c = 0.5 * (f0 - 2 * f1 + f2)
    b = f1 - f0 - c
    a = f0 - cap
    disc = np.maximum(b * b - 4 * a * c, 0.0)
    linear = np.abs(c) < 1e-12 * np.maximum(np.abs(b), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.stack([np.where(linear, -a / np.where(b == 0, np.inf, b), (-b - np.sqrt(disc)) / (2 * c)),
                          np.where(linear, np.nan, (-b + np.sqrt(disc)) / (2 * c))])
    roots = np.where((roots > 0) & (roots < 2), roots, 2.0)
    cuts = np.sort(np.concatenate([np.zeros((1, len(f0))), roots, np.full((1, len(f0)), 2.0)]), axis=0)
    total = np.zeros(len(f0))
    for u, v in zip(cuts[:-1], cuts[1:]):
        m = 0.5 * (u + v)
        under = f0 + (b * m + c * m * m) < cap
        exact = f0 * (v - u) + b * (v * v - u * u) / 2 + c * (v ** 3 - u ** 3) / 3
        total += np.where(under, exact, cap * (v - u))
    return total


def _per_window(window_of_item: np.ndarray, values: np.ndarray, windows: np.ndarray) -> np.ndarray:
    sums = np.bincount(window_of_item, weights=values, minlength=int(windows.max(initial=-1)) + 1)
    return sums[windows]


def contact_volumes_bit(x: IntervalSamples, models: list[RateModel | None]) -> np.ndarray:
    """Return v_c = ∫ r dt of every sampled window under its model (``models[w]``); NaN where it has none."""
    volume = np.full(len(models), np.nan)
    for model in {id(m): m for m in models if m is not None}.values():
        windows = np.array([w for w, m in enumerate(models) if m is model], dtype=int)
        integrate = _table_volumes if isinstance(model, RateTable) else _budget_volumes
        volume[windows] = integrate(model, x, windows)
    return volume


def with_volumes(frame: pd.DataFrame, states: GridStates, satellite_ids: np.ndarray, station_ids: np.ndarray,
                 providers: np.ndarray, frames: StationFrames, rates: StationRates) -> pd.DataFrame:
    """Return the contacts table plus ``volume_bit`` and ``mean_rate_bps`` under ``rates`` (NaN: no model there).

    ``states`` are every satellite's SGP4 states on a grid covering the windows (``satellite_ids`` order).
    """
    k = pd.Index([str(x) for x in satellite_ids]).get_indexer(frame["satellite_id"].astype(str))
    s = pd.Index([str(x) for x in station_ids]).get_indexer(frame["station_id"].astype(str))
    by_station = [rates.model_for(str(sid), str(prov)) for sid, prov in zip(station_ids, providers)]
    models = [by_station[i] for i in s]
    has = np.array([m is not None for m in models], bool)
    volume = np.full(len(frame), np.nan)
    if has.any():
        aos, los = frame["aos_s"].to_numpy(float)[has], frame["los_s"].to_numpy(float)[has]
        samples = interval_samples(states, frames, k[has], s[has], aos, los)
        volume[has] = contact_volumes_bit(samples, [m for m, h in zip(models, has) if h])
    out = frame.copy()
    duration = out["duration_s"].to_numpy(float)
    out["volume_bit"] = volume
    out["mean_rate_bps"] = np.where(duration > 0, volume / np.where(duration > 0, duration, 1.0), np.nan)
    units = {**frame.attrs.get("units", {}), "volume_bit": "bit", "mean_rate_bps": "bit/s"}
    out.attrs = {**frame.attrs, "units": units}
    return out


def integrate_volumes(contacts: pd.DataFrame, satellites: Any, stations: pd.DataFrame,
                      rates: StationRates | RateModel) -> pd.DataFrame:
    """Return ``contacts`` with ``volume_bit`` and ``mean_rate_bps`` integrated on their own windows.

    For a table whose windows changed after the search (clipped to outages or to a shorter
    window): the rate model is integrated again on each row's ``aos_s``..``los_s``, on SGP4
    states every :data:`~gstk.contacts.profiles.NODE_STEP_S`.

    Parameters
    ----------
    contacts : pandas.DataFrame
        ``satellite_id, station_id, aos_s, los_s, duration_s`` and ``attrs["start"]``.
    satellites : gstk.orbits.satellites.Satellites
    stations : pandas.DataFrame
        ``station_id, lat_deg, lon_deg`` (optional ``provider``, ``alt_m``) of every row's station.
    rates : RateTable, LinkBudget or StationRates
    """
    if "start" not in contacts.attrs:
        raise GstkError("integrate_volumes: contacts.attrs lacks 'start'; pass the table compute_contacts returns")
    table = stations.drop_duplicates("station_id").reset_index(drop=True)
    unknown = sorted(set(contacts["station_id"].astype(str)) - set(table["station_id"].astype(str)))
    if unknown:
        raise GstkError(f"integrate_volumes: stations {unknown[:5]} of the contacts are not in the stations table")
    provider = table["provider"].astype(str) if "provider" in table else pd.Series([""] * len(table))
    end_s = float(contacts["los_s"].max()) if len(contacts) else 0.0
    states = grid_states(list(satellites.satrecs), pd.Timestamp(contacts.attrs["start"]), max(end_s, 1.0))
    return with_volumes(contacts, states, np.asarray(satellites.satellite_id, dtype=object),
                        table["station_id"].astype(str).to_numpy(object), provider.to_numpy(object),
                        station_frames(table), StationRates.of(rates))
