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
default).  :mod:`gstk.contacts.volumes` integrates them over each pass.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

from gstk.errors import GstkError

__all__ = ["BOLTZMANN_DBW_PER_K_HZ", "SPEED_OF_LIGHT_M_S", "RateTable", "LinkBudget", "RateModel",
           "StationRates", "free_space_path_loss_db", "rate_model_from_dict"]

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
