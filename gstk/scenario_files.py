"""Scenario files: one JSON or YAML file names everything a study needs.

A scenario names the simulation window, the satellites, the station catalog
and its filters, prices and rates (Table 1 draws or explicit), the objective,
the constraints and the solver options.  :func:`load_scenario` validates it at
the boundary: unknown keys, wrong types and missing files raise one-line
:class:`~gstk.errors.ScenarioError` messages naming the key path, e.g.
``scenario.constraints[2].usd: expected a number, got 'abc' (in study.json)``.
The schema, with a complete example, is in the README (*Scenario files*);
``data/example_scenario.json`` runs offline.

Relative paths resolve against the scenario file's directory; the path
``"$GSTK_TLE"`` means :func:`gstk.datasets.shared_tle_path` (the study's
Celestrak snapshot, overridable by ``$GSTK_TLE_PATH``).  Keys ending in a
friendly unit are converted on load (:data:`FRIENDLY_UNITS`): ``volume_gb``
becomes ``volume_bit``, ``duration_min`` becomes ``duration_s``, ``kusd``
becomes ``usd``, ``rate_gbps`` becomes ``rate_bps``.  Files are saved in the
canonical units.  Contact tables travel as CSV (:func:`write_contacts_csv`,
:func:`read_contacts_csv`) with times in ISO-8601 UTC.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gstk import datasets
from gstk.errors import GstkError, ScenarioError
from gstk.model.specs import SPEC_TYPES, MaxMissionData, Spec, StationStatus, spec_from_dict
from gstk.scenarios import PAPER_ALTITUDE_KM, SAMPLING_RULES, TABLE1, draw_prices, sample_satellites
from gstk.units import BITS_PER_GB, BITS_PER_GBIT, BITS_PER_TB, SECONDS_PER_DAY

#: Friendly key suffix -> (canonical suffix, factor).  ``kusd`` alone becomes ``usd``.
FRIENDLY_UNITS: dict[str, tuple[str, float]] = {
    "_gb": ("_bit", BITS_PER_GB), "_tb": ("_bit", BITS_PER_TB), "_gbit": ("_bit", BITS_PER_GBIT),
    "_gbps": ("_bps", 1e9), "_mbps": ("_bps", 1e6), "_min": ("_s", 60.0), "_h": ("_s", 3_600.0),
    "_days": ("_s", SECONDS_PER_DAY), "_kusd": ("_usd", 1_000.0),
}
#: The path that stands for :func:`gstk.datasets.shared_tle_path`.
SHARED_TLE_TOKEN = "$GSTK_TLE"
TOP_KEYS = ("name", "description", "window", "mission_days", "satellites", "satellite_rates", "stations",
            "prices", "objective", "constraints", "solver")
SOURCE_KINDS = ("tle", "omm", "elements", "demo", "tle_text")
SELECT_KEYS = ("name", "exclude_names", "norad_ids", "altitude_km", "perigee_km", "apogee_km")
ELEMENT_KEYS = ("id", "name", "altitude_km", "semi_major_axis_km", "inclination_deg", "eccentricity",
                "raan_deg", "arg_perigee_deg", "mean_anomaly_deg", "epoch", "bstar")
STATION_PRICE_KEYS = ("setup_cost_usd", "monthly_cost_usd", "licence_cost_usd", "pass_cost_usd",
                      "minute_cost_usd", "rate_bps", "antennas")
PROVIDER_PRICE_KEYS = ("integration_cost_usd", *STATION_PRICE_KEYS)
SOLVER_KEYS = {"time_limit_s": "number", "rel_gap": "number", "threads": "integer", "seed": "integer"}
TIME_COLUMNS = ("aos", "los", "t_max_elevation")
_CATALOGS: dict[tuple, Any] = {}  # (path, mtime, size) -> Satellites; loading 11k TLEs takes ~1 s


# --------------------------------------------------------------------------- checks (one line each)
def _fail(where: str, message: str) -> ScenarioError:
    return ScenarioError(f"{where}: {message}")


def _number(value: Any, where: str, *, minimum: float | None = None, positive: bool = False,
            integer: bool = False) -> Any:
    kind = "an integer" if integer else "a number"
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and integer and isinstance(value, float):
        ok = value.is_integer()
    if not ok or (isinstance(value, float) and math.isnan(value)):
        raise _fail(where, f"expected {kind}, got {value!r}")
    if positive and not value > 0:
        raise _fail(where, f"expected {kind} > 0, got {value!r}")
    if minimum is not None and value < minimum:
        raise _fail(where, f"expected {kind} >= {minimum:g}, got {value!r}")
    return int(value) if integer else value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(where, f"expected a non-empty string, got {value!r}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    """A string or a list of strings -> list of strings."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _fail(where, f"expected a string or a list of strings, got {value!r}")
    return [_string(v, f"{where}[{i}]") for i, v in enumerate(items)]


def _pair(value: Any, where: str) -> list[float]:
    if not (isinstance(value, (list, tuple)) and len(value) == 2):
        raise _fail(where, f"expected [low, high], got {value!r}")
    low, high = (_number(v, f"{where}[{i}]") for i, v in enumerate(value))
    if low > high:
        raise _fail(where, f"low {low!r} is above high {high!r}")
    return [low, high]


def _mapping(value: Any, where: str, allowed: tuple[str, ...] | None = None,
             required: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, f"expected a mapping, got {value!r}")
    if allowed is not None:
        unknown = [k for k in value if k not in allowed]
        if unknown:
            raise _fail(f"{where}.{unknown[0]}", f"unknown key; expected one of {', '.join(allowed)}")
    missing = [k for k in required if k not in value]
    if missing:
        raise _fail(f"{where}.{missing[0]}", "missing (required)")
    return dict(value)


def canonical_units(entry: Mapping[str, Any], where: str, known: Any = None) -> dict[str, Any]:
    """Return ``entry`` with friendly-unit keys converted (``volume_gb: 2`` -> ``volume_bit: 1.6e10``).

    ``known``: when given, only keys whose canonical name is in it are converted.

    Examples
    --------
    >>> canonical_units({"duration_min": 3, "kusd": 20}, "x")
    {'duration_s': 180.0, 'usd': 20000.0}
    """
    out: dict[str, Any] = {}
    for key, value in entry.items():
        suffix = next((s for s in FRIENDLY_UNITS if key.endswith(s) or key == s[1:]), None)
        target = None
        if suffix is not None:
            canon = FRIENDLY_UNITS[suffix][0]
            target = canon[1:] if key == suffix[1:] else key[: -len(suffix)] + canon
        if target is None or (known is not None and target not in known):
            out.setdefault(key, value)
            continue
        if target in entry or target in out:
            raise _fail(f"{where}.{key}", f"give {key} or {target}, not both")
        out[target] = _number(value, f"{where}.{key}") * FRIENDLY_UNITS[suffix][1]
    return out


# --------------------------------------------------------------------------- parsing sections
def _spec(entry: Any, where: str, *, objective: bool) -> Spec:
    if isinstance(entry, Spec):
        entry = entry.to_dict()
    entry = _mapping(entry, where, required=("type",))
    name = entry["type"]
    cls = SPEC_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise _fail(f"{where}.type", f"unknown spec type {name!r}; expected one of {', '.join(sorted(SPEC_TYPES))}")
    if (cls.kind == "objective") != objective:
        want = "an objective (MinMissionCost, MaxMissionData, MinMaxGap)" if objective else "a constraint or prefilter"
        raise _fail(f"{where}.type", f"{name} is not {want}")
    fields = {f.name: f.type for f in dataclasses.fields(cls)}
    entry = canonical_units(entry, where, fields)
    for key, value in entry.items():
        if key != "type" and key in fields:
            entry[key] = _typed(value, str(fields[key]), f"{where}.{key}")
    try:
        return spec_from_dict(entry)
    except GstkError as exc:
        raise _fail(where, str(exc)) from None


def _typed(value: Any, annotation: str, where: str) -> Any:
    if annotation == "float":
        return _number(value, where) if value != "inf" else math.inf
    if annotation in ("int", "int | None"):
        return None if value is None and "None" in annotation else _number(value, where, integer=True)
    if annotation == "bool" and not isinstance(value, bool):
        raise _fail(where, f"expected true or false, got {value!r}")
    if annotation == "str":
        return _string(value, where)
    if annotation.startswith("tuple"):
        return _strings(value, where)
    return value


def _window(value: Any) -> dict[str, Any]:
    where = "scenario.window"
    entry = canonical_units(_mapping(value, where, required=("start", "days")), where, ("step_s",))
    _mapping(entry, where, ("start", "days", "step_s"))
    start = entry["start"]
    if isinstance(start, (dt.datetime, dt.date)):
        start = pd.Timestamp(start)
    try:
        start = pd.Timestamp(_string(start, f"{where}.start") if not isinstance(start, pd.Timestamp) else start)
    except (ValueError, TypeError):
        raise _fail(f"{where}.start", f"expected an ISO-8601 time such as '2025-03-11T00:00:00Z', got {start!r}") from None
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    out = {"start": start, "days": _number(entry["days"], f"{where}.days", positive=True)}
    if entry.get("step_s") is not None:
        out["step_s"] = _number(entry["step_s"], f"{where}.step_s", positive=True)
    return out


def _satellite_source(value: Any, base_dir: Path) -> dict[str, Any]:
    where = "scenario.satellites"
    entry = _mapping(value, where, (*SOURCE_KINDS, "select", "sample"))
    kinds = [k for k in SOURCE_KINDS if k in entry]
    if len(kinds) != 1:
        raise _fail(where, f"give exactly one of {', '.join(SOURCE_KINDS)}, got {kinds or 'none'}")
    kind, out = kinds[0], {}
    if kind in ("tle", "omm"):
        out[kind] = _string(entry[kind], f"{where}.{kind}")
        _existing(out[kind], base_dir, f"{where}.{kind}")
    elif kind == "tle_text":
        out[kind] = _string(entry[kind], f"{where}.{kind}")
    elif kind == "demo":
        if entry["demo"] is not True:
            raise _fail(f"{where}.demo", f"expected true, got {entry['demo']!r}")
        out["demo"] = True
    else:
        items = entry["elements"]
        if not isinstance(items, list) or not items:
            raise _fail(f"{where}.elements", f"expected a non-empty list of element mappings, got {items!r}")
        out["elements"] = [_element(e, f"{where}.elements[{i}]") for i, e in enumerate(items)]
    if "select" in entry:
        out["select"] = _select(entry["select"], f"{where}.select")
    if "sample" in entry:
        out["sample"] = _sample(entry["sample"], f"{where}.sample")
    return out


def _element(value: Any, where: str) -> dict[str, Any]:
    entry = _mapping(value, where, ELEMENT_KEYS, required=("id", "inclination_deg"))
    for key, v in entry.items():
        if key in ("id", "name", "epoch"):
            entry[key] = _string(str(v) if isinstance(v, (dt.date, int)) and key != "epoch" else v, f"{where}.{key}")
        else:
            entry[key] = _number(v, f"{where}.{key}")
    if ("altitude_km" in entry) == ("semi_major_axis_km" in entry):
        raise _fail(where, "give exactly one of altitude_km and semi_major_axis_km")
    return entry


def _select(value: Any, where: str) -> dict[str, Any]:
    entry = _mapping(value, where, SELECT_KEYS)
    for key in ("name", "exclude_names"):
        if key in entry:
            entry[key] = _strings(entry[key], f"{where}.{key}")
    if "norad_ids" in entry:
        ids = entry["norad_ids"] if isinstance(entry["norad_ids"], list) else [entry["norad_ids"]]
        entry["norad_ids"] = [_number(v, f"{where}.norad_ids[{i}]", integer=True, minimum=1) for i, v in enumerate(ids)]
    for key in ("altitude_km", "perigee_km", "apogee_km"):
        if key in entry:
            entry[key] = _pair(entry[key], f"{where}.{key}")
    return entry


def _sample(value: Any, where: str) -> dict[str, Any]:
    entry = _mapping(value, where, ("n", "seed", "rule", "altitude_km"), required=("n", "seed"))
    out = {"n": _number(entry["n"], f"{where}.n", integer=True, minimum=0),
           "seed": _number(entry["seed"], f"{where}.seed", integer=True, minimum=0),
           "rule": entry.get("rule", "exclude-megaconstellations")}
    if out["rule"] not in SAMPLING_RULES:
        raise _fail(f"{where}.rule", f"expected one of {', '.join(SAMPLING_RULES)}, got {out['rule']!r}")
    band = entry.get("altitude_km", list(PAPER_ALTITUDE_KM))
    out["altitude_km"] = None if band is None else _pair(band, f"{where}.altitude_km")
    return out


def _satellite_rates(value: Any) -> dict[str, Any]:
    where = "scenario.satellite_rates"
    entry = canonical_units(_mapping(value, where), where, ("default_bps",))
    entry = _mapping(entry, where, ("default_bps", "by_id"))
    out: dict[str, Any] = {}
    if "default_bps" in entry:
        out["default_bps"] = _number(entry["default_bps"], f"{where}.default_bps", positive=True)
    if "by_id" in entry:
        by_id = _mapping(entry["by_id"], f"{where}.by_id")
        out["by_id"] = {str(k): _number(v, f"{where}.by_id.{k}", positive=True) for k, v in by_id.items()}
    return out


def _station_filter(value: Any, base_dir: Path) -> dict[str, Any]:
    where = "scenario.stations"
    entry = _mapping(value, where, ("path", "providers", "status", "bands", "station_ids"))
    out: dict[str, Any] = {"path": None, "status": ["Operational"]}
    if entry.get("path") is not None:
        out["path"] = _string(entry["path"], f"{where}.path")
        _existing(out["path"], base_dir, f"{where}.path")
    for key in ("providers", "bands", "station_ids"):
        if entry.get(key) is not None:
            out[key] = _strings(entry[key], f"{where}.{key}")
    status = entry.get("status", ["Operational"])
    out["status"] = None if status in (None, "all") else _strings(status, f"{where}.status")
    return out


def _price_entry(value: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    entry = canonical_units(_mapping(value, where), where, keys)
    entry = _mapping(entry, where, keys)
    return {k: _number(v, f"{where}.{k}", integer=k == "antennas", positive=k in ("rate_bps", "antennas"),
                       minimum=0) for k, v in entry.items()}


def _prices(value: Any) -> dict[str, Any]:
    where = "scenario.prices"
    entry = _mapping(value, where, ("random", "defaults", "providers", "stations"))
    out: dict[str, Any] = {}
    if "random" in entry:
        rnd = _mapping(entry["random"], f"{where}.random", ("seed", "ranges"), required=("seed",))
        out["random"] = {"seed": _number(rnd["seed"], f"{where}.random.seed", integer=True, minimum=0)}
        if rnd.get("ranges"):
            ranges = _mapping(rnd["ranges"], f"{where}.random.ranges", tuple(TABLE1))
            out["random"]["ranges"] = {k: (_number(v, f"{where}.random.ranges.{k}") if k == "per_minute_probability"
                                           else _pair(v, f"{where}.random.ranges.{k}")) for k, v in ranges.items()}
    if "defaults" in entry:
        out["defaults"] = _price_entry(entry["defaults"], f"{where}.defaults", PROVIDER_PRICE_KEYS)
    for group, keys in (("providers", PROVIDER_PRICE_KEYS), ("stations", STATION_PRICE_KEYS)):
        if group in entry:
            table = _mapping(entry[group], f"{where}.{group}")
            out[group] = {str(k): _price_entry(v, f"{where}.{group}.{k}", keys) for k, v in table.items()}
    return out


def _solver(value: Any) -> dict[str, Any]:
    where = "scenario.solver"
    entry = _mapping(value, where, tuple(SOLVER_KEYS))
    return {k: _number(v, f"{where}.{k}", integer=SOLVER_KEYS[k] == "integer", minimum=0)
            for k, v in entry.items() if v is not None}


def resolve_path(path: str, base_dir: Path) -> Path:
    """Return ``path`` resolved against ``base_dir``; ``"$GSTK_TLE"`` is the shared TLE snapshot."""
    if path == SHARED_TLE_TOKEN:
        return datasets.shared_tle_path()
    p = Path(os.path.expanduser(path))
    return p if p.is_absolute() else Path(base_dir) / p


def _existing(path: str, base_dir: Path, where: str) -> Path:
    resolved = resolve_path(path, base_dir)
    if not resolved.is_file():
        hint = " (set $GSTK_TLE_PATH to the snapshot)" if path == SHARED_TLE_TOKEN else ""
        raise _fail(where, f"no such file {str(resolved)!r}{hint}")
    return resolved
