"""The ``link_rates`` and ``horizon_masks`` sections of scenario files.

``link_rates`` gives elevation-dependent data rates (:mod:`gstk.contacts.rates`): a ``default``
model, models by ``providers`` and by ``stations`` (a station's own wins, then its provider's,
then the default).  A model is a mapping with ``type``::

    {"type": "RateTable", "elevation_deg": [5, 20, 40], "rate_mbps": [100, 300, 600]}
    {"type": "LinkBudget", "eirp_dbw": 10, "gt_db_k": 31, "frequency_ghz": 8.2, "ebn0_db": 4.4,
     "margin_db": 3, "max_rate_gbps": 1.2, "losses_db": 1, "zenith_attenuation_db": 0.4}

(``rate_bps``/``rate_gbps`` and ``frequency_hz``/``max_rate_bps``/``max_rate_mbps`` work too).
``horizon_masks`` maps a station id to its ``[azimuth_deg, elevation_deg]`` points
(:mod:`gstk.contacts.masks`).  Both are saved in canonical units (bit/s, Hz).
"""
from __future__ import annotations

from typing import Any

from gstk.contacts.masks import HorizonMask
from gstk.contacts.rates import LinkBudget, RateTable, StationRates, rate_model_from_dict
from gstk.errors import GstkError
from gstk.scenario.schema import brief, canonical_units, check_mapping, check_number, key_error

__all__ = ["parse_link_rates", "parse_horizon_masks", "station_rates", "horizon_mask_table",
           "check_link_names"]

_RATE_FACTORS = {"rate_bps": 1.0, "rate_mbps": 1e6, "rate_gbps": 1e9}
_BUDGET_KEYS = tuple(f for f in LinkBudget.__dataclass_fields__)


def _numbers(value: Any, where: str, factor: float = 1.0) -> list[float]:
    if not isinstance(value, (list, tuple)) or not value:
        raise key_error(where, f"expected a non-empty list of numbers, got {brief(value)}")
    return [check_number(v, f"{where}[{i}]") * factor for i, v in enumerate(value)]


def _rate_table(entry: dict, where: str) -> dict[str, Any]:
    given = [k for k in _RATE_FACTORS if k in entry]
    check_mapping(entry, where, ("type", "elevation_deg", *_RATE_FACTORS), required=("elevation_deg",))
    if len(given) != 1:
        raise key_error(where, f"give exactly one of {', '.join(_RATE_FACTORS)}, got {given or 'none'}")
    return {"type": "RateTable", "elevation_deg": _numbers(entry["elevation_deg"], f"{where}.elevation_deg"),
            "rate_bps": _numbers(entry[given[0]], f"{where}.{given[0]}", _RATE_FACTORS[given[0]])}


def _link_budget(entry: dict, where: str) -> dict[str, Any]:
    entry = dict(entry)
    if "frequency_ghz" in entry:
        if "frequency_hz" in entry:
            raise key_error(f"{where}.frequency_ghz", "give frequency_ghz or frequency_hz, not both")
        entry["frequency_hz"] = round(check_number(entry.pop("frequency_ghz"), f"{where}.frequency_ghz") * 1e9, 3)
    entry = canonical_units(entry, where, ("max_rate_bps",))
    check_mapping(entry, where, ("type", *_BUDGET_KEYS),
                  required=("eirp_dbw", "gt_db_k", "frequency_hz", "ebn0_db", "max_rate_bps"))
    return {"type": "LinkBudget", **{k: check_number(v, f"{where}.{k}") for k, v in entry.items() if k != "type"}}


def _model(value: Any, where: str) -> dict[str, Any]:
    """Return one rate model's canonical mapping (validated by building it)."""
    if isinstance(value, (RateTable, LinkBudget)):
        return value.to_dict()
    entry = check_mapping(value, where, required=("type",))
    kind = entry["type"]
    if kind == "RateTable":
        out = _rate_table(entry, where)
    elif kind == "LinkBudget":
        out = _link_budget(entry, where)
    else:
        raise key_error(f"{where}.type", f"expected RateTable or LinkBudget, got {brief(kind)}")
    try:
        rate_model_from_dict(out, where)
    except GstkError as exc:
        raise key_error(where, str(exc).removeprefix(f"{where}: ")) from None
    return out


def parse_link_rates(value: Any) -> dict[str, Any]:
    """Return the ``link_rates`` section: ``default``, ``providers`` and ``stations`` rate models."""
    where = "scenario.link_rates"
    if isinstance(value, StationRates):
        return value.to_dict()
    entry = check_mapping(value or {}, where, ("default", "providers", "stations"))
    out: dict[str, Any] = {}
    if entry.get("default") is not None:
        out["default"] = _model(entry["default"], f"{where}.default")
    for group in ("providers", "stations"):
        if entry.get(group):
            table = check_mapping(entry[group], f"{where}.{group}")
            out[group] = {str(k): _model(v, f"{where}.{group}.{k}") for k, v in table.items()}
    return out


def parse_horizon_masks(value: Any) -> dict[str, list[list[float]]]:
    """Return the ``horizon_masks`` section: station id -> ``[azimuth_deg, elevation_deg]`` points."""
    where = "scenario.horizon_masks"
    out = {}
    for station, points in check_mapping(value or {}, where).items():
        at = f"{where}.{station}"
        if isinstance(points, HorizonMask):
            points = points.to_list()
        if not isinstance(points, (list, tuple)) or not points:
            raise key_error(at, f"expected a list of [azimuth_deg, elevation_deg] points, got {brief(points)}")
        pairs = []
        for i, point in enumerate(points):
            if not (isinstance(point, (list, tuple)) and len(point) == 2):
                raise key_error(f"{at}[{i}]", f"expected [azimuth_deg, elevation_deg], got {brief(point)}")
            pairs.append([check_number(point[0], f"{at}[{i}][0]"), check_number(point[1], f"{at}[{i}][1]")])
        try:
            out[str(station)] = HorizonMask.from_points(pairs).to_list()
        except GstkError as exc:
            raise key_error(at, str(exc)) from None
    return out


def station_rates(section: dict[str, Any]) -> StationRates | None:
    """Return the StationRates of a parsed ``link_rates`` section (None when empty: the constant rate)."""
    return StationRates(**section) if section else None


def horizon_mask_table(section: dict[str, Any]) -> dict[str, HorizonMask]:
    """Return ``{station_id: HorizonMask}`` of a parsed ``horizon_masks`` section."""
    return {station: HorizonMask.from_points(points) for station, points in section.items()}


def check_link_names(link_rates: dict[str, Any], horizon_masks: dict[str, Any], providers: set,
                     stations: set) -> None:
    """Raise naming the key when a section names a provider or station the catalog does not have."""
    for group, names, what in (("providers", providers, "provider"), ("stations", stations, "station")):
        unknown = sorted(set(link_rates.get(group, {})) - names)
        if unknown:
            raise key_error(f"scenario.link_rates.{group}.{unknown[0]}", f"unknown {what}")
    unknown = sorted(set(horizon_masks) - stations)
    if unknown:
        raise key_error(f"scenario.horizon_masks.{unknown[0]}", "unknown station (not in the filtered catalog)")
