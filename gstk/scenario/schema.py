"""The scenario file schema: key checks, unit conversion, and one parser per file section.

Every parser takes the raw value of one section of a scenario file (see :mod:`gstk.scenario.files`)
and returns its canonical form (validated, SI/USD units), or raises a one-line
:class:`~gstk.errors.ScenarioError` naming the key path, e.g.
``scenario.constraints[2].usd: expected a number, got 'abc'``.  :func:`apply_price_layers`
and :func:`apply_satellite_rates` check the prices section against the catalogs it names.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gstk import datasets
from gstk.catalog.prices import TABLE1
from gstk.errors import GstkError, ScenarioError
from gstk.orbits.sampling import PAPER_ALTITUDE_KM, SAMPLING_RULES
from gstk.problem.specs import SPEC_TYPES, Spec, spec_from_dict
from gstk.times import iso_utc_us, utc
from gstk.units import BITS_PER_GB, BITS_PER_GBIT, BITS_PER_TB, SECONDS_PER_DAY

#: Friendly key suffix -> (canonical suffix, factor).  ``kusd`` alone becomes ``usd``.
FRIENDLY_UNITS: dict[str, tuple[str, float]] = {
    "_gb": ("_bit", BITS_PER_GB), "_tb": ("_bit", BITS_PER_TB), "_gbit": ("_bit", BITS_PER_GBIT),
    "_gbps": ("_bps", 1e9), "_mbps": ("_bps", 1e6), "_min": ("_s", 60.0), "_h": ("_s", 3_600.0),
    "_days": ("_s", SECONDS_PER_DAY), "_kusd": ("_usd", 1_000.0),
}
#: The path that stands for :func:`gstk.datasets.shared_tle_path`.
SHARED_TLE_TOKEN = "$GSTK_TLE"
TOP_KEYS = ("name", "description", "window", "mission_days", "satellites", "satellite_rates", "satellite_slew",
            "stations", "prices", "objective", "constraints", "solver", "cost_model", "link_rates", "horizon_masks")
SOURCE_KINDS = ("tle", "omm", "elements", "demo", "tle_text")
SELECT_KEYS = ("name", "exclude_names", "norad_ids", "altitude_km", "perigee_km", "apogee_km")
ELEMENT_KEYS = ("id", "name", "altitude_km", "semi_major_axis_km", "inclination_deg", "eccentricity",
                "raan_deg", "arg_perigee_deg", "mean_anomaly_deg", "epoch", "bstar")
STATION_PRICE_KEYS = ("setup_cost_usd", "monthly_cost_usd", "licence_cost_usd", "pass_cost_usd",
                      "minute_cost_usd", "rate_bps", "antennas")
PROVIDER_PRICE_KEYS = ("integration_cost_usd", *STATION_PRICE_KEYS)
#: Optional station properties the price layers may set (gstk.problem.operations); never required.
STATION_OPERATION_KEYS = ("turnaround_s",)
#: Largest finite float: an integer beyond it cannot be converted to one.
_FLOAT_MAX = float(np.finfo(np.float64).max)
SOLVER_KEYS = {"solver": "choice", "time_limit_s": "number", "rel_gap": "number", "threads": "integer",
               "seed": "integer", "scip_params": "mapping", "warm_start": "boolean",
               "greedy_start": "boolean", "highs_options": "mapping", "branch_priority": "boolean"}
#: The values of ``solver.solver``.
SOLVER_NAMES = ("scip", "highs")


# --------------------------------------------------------------------------- checks (one line each)
def key_error(where: str, message: str) -> ScenarioError:
    """Return the ScenarioError for key path ``where``."""
    return ScenarioError(f"{where}: {message}")


def check_number(value: Any, where: str, *, minimum: float | None = None, positive: bool = False,
                 integer: bool = False) -> Any:
    """Return ``value`` as a number (int when ``integer``); raise naming ``where`` if it is not one or out of range.

    Non-finite numbers (JSON ``Infinity``/``NaN``, YAML ``.inf``/``.nan``) and integers beyond the
    float range are rejected: every number gstk reads is finite.
    """
    kind = "an integer" if integer else "a number"
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and (isinstance(value, float) and not math.isfinite(value) or abs(value) > _FLOAT_MAX):
        raise key_error(where, f"expected a finite {kind[kind.index(' ') + 1:]}, got {brief(value)}")
    if ok and integer and isinstance(value, float):
        ok = value.is_integer()
    if not ok:
        raise key_error(where, f"expected {kind}, got {brief(value)}")
    if positive and not value > 0:
        raise key_error(where, f"expected {kind} > 0, got {brief(value)}")
    if minimum is not None and value < minimum:
        raise key_error(where, f"expected {kind} >= {minimum:g}, got {brief(value)}")
    return int(value) if integer else value


def brief(value: Any, width: int = 60) -> str:
    """Return ``repr(value)``, shortened to about ``width`` characters for one-line messages."""
    text = repr(value)
    return text if len(text) <= width else f"{text[:width - 15]}...{text[-10:]} ({len(text)} characters)"


def check_string(value: Any, where: str) -> str:
    """Return ``value`` if it is a non-empty string; raise naming ``where`` otherwise."""
    if not isinstance(value, str) or not value:
        raise key_error(where, f"expected a non-empty string, got {brief(value)}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    """A string or a list of strings -> list of strings."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise key_error(where, f"expected a string or a list of strings, got {brief(value)}")
    return [check_string(v, f"{where}[{i}]") for i, v in enumerate(items)]


def _pair(value: Any, where: str) -> list[float]:
    if not (isinstance(value, (list, tuple)) and len(value) == 2):
        raise key_error(where, f"expected [low, high], got {brief(value)}")
    low, high = (check_number(v, f"{where}[{i}]") for i, v in enumerate(value))
    if low > high:
        raise key_error(where, f"low {low!r} is above high {high!r}")
    return [low, high]


def check_mapping(value: Any, where: str, allowed: tuple[str, ...] | None = None,
                  required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return ``value`` as a dict; raise on unknown keys (when ``allowed`` is given) or a missing required key."""
    if not isinstance(value, Mapping):
        raise key_error(where, f"expected a mapping, got {brief(value)}")
    if allowed is not None:
        unknown = [k for k in value if k not in allowed]
        if unknown:
            raise key_error(f"{where}.{unknown[0]}", f"unknown key; expected one of {', '.join(allowed)}")
    missing = [k for k in required if k not in value]
    if missing:
        raise key_error(f"{where}.{missing[0]}", "missing (required)")
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
            raise key_error(f"{where}.{key}", f"give {key} or {target}, not both")
        out[target] = check_number(value, f"{where}.{key}") * FRIENDLY_UNITS[suffix][1]
    return out


# --------------------------------------------------------------------------- parsing sections
def parse_spec(entry: Any, where: str, *, objective: bool) -> Spec:
    """Return the objective or constraint spec an entry (mapping with ``type``, or a Spec) describes."""
    if isinstance(entry, Spec):
        entry = entry.to_dict()
    entry = check_mapping(entry, where, required=("type",))
    name = entry["type"]
    cls = SPEC_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise key_error(f"{where}.type",
                        f"unknown spec type {brief(name)}; expected one of {', '.join(sorted(SPEC_TYPES))}")
    if (cls.kind == "objective") != objective:
        want = "an objective (MinMissionCost, MaxMissionData, MinMaxGap)" if objective else "a constraint or prefilter"
        raise key_error(f"{where}.type", f"{name} is not {want}")
    fields = {f.name: f.type for f in dataclasses.fields(cls)}
    entry = canonical_units(entry, where, fields)
    for key, value in entry.items():
        if key != "type" and key in fields:
            entry[key] = _typed(value, str(fields[key]), f"{where}.{key}")
    try:
        return spec_from_dict(entry)
    except GstkError as exc:
        raise key_error(where, str(exc)) from None


def _typed(value: Any, annotation: str, where: str) -> Any:
    if annotation == "float":  # "inf" (or YAML .inf) where a parameter may be unlimited; the spec decides
        if value == "inf" or (isinstance(value, float) and math.isinf(value)):
            return math.inf if value == "inf" else value
        return check_number(value, where)
    if annotation in ("int", "int | None"):
        return None if value is None and "None" in annotation else check_number(value, where, integer=True)
    if annotation == "bool" and not isinstance(value, bool):
        raise key_error(where, f"expected true or false, got {brief(value)}")
    if annotation == "str":
        return check_string(value, where)
    if annotation.startswith("tuple[tuple"):  # StationOutages.windows, MinContactDuration.per_provider
        return value  # the spec checks the entries and names the bad one
    if annotation.startswith("tuple"):
        return _strings(value, where)
    return value


def parse_window(value: Any) -> dict[str, Any]:
    """Return the ``window`` section: ``start`` (UTC), ``days`` and optional ``step_s``."""
    where = "scenario.window"
    entry = canonical_units(check_mapping(value, where, required=("start", "days")), where, ("step_s",))
    check_mapping(entry, where, ("start", "days", "step_s"))
    start = entry["start"]
    if isinstance(start, (dt.datetime, dt.date)):
        start = pd.Timestamp(start)
    try:
        start = utc(check_string(start, f"{where}.start") if not isinstance(start, pd.Timestamp) else start)
        start.as_unit("ns")  # contact times are nanoseconds: 1677-09-21 to 2262-04-11
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise key_error(f"{where}.start", f"expected a time between {pd.Timestamp.min:%Y-%m-%d} and "
                        f"{pd.Timestamp.max:%Y-%m-%d}, got {brief(start)}") from None
    except (ValueError, TypeError):
        raise key_error(f"{where}.start",
                        f"expected an ISO-8601 time such as '2025-03-11T00:00:00Z', got {brief(start)}") from None
    out = {"start": start, "days": check_number(entry["days"], f"{where}.days", positive=True)}
    room_days = (pd.Timestamp.max.value - start.as_unit("ns").value) / 1e9 / SECONDS_PER_DAY  # ints: no overflow
    if out["days"] > room_days:
        raise key_error(f"{where}.days", f"a window of {out['days']:g} days from {start:%Y-%m-%d} ends after "
                        f"{pd.Timestamp.max:%Y-%m-%d}, the last time a timestamp holds; expected at most "
                        f"{math.floor(room_days):,} days")
    if entry.get("step_s") is not None:
        out["step_s"] = check_number(entry["step_s"], f"{where}.step_s", positive=True)
    return out


def parse_satellite_source(value: Any, base_dir: Path) -> dict[str, Any]:
    """Return the ``satellites`` section: exactly one source, optional ``select`` and ``sample``."""
    where = "scenario.satellites"
    entry = check_mapping(value, where, (*SOURCE_KINDS, "select", "sample"))
    kinds = [k for k in SOURCE_KINDS if k in entry]
    if len(kinds) != 1:
        raise key_error(where, f"give exactly one of {', '.join(SOURCE_KINDS)}, got {kinds or 'none'}")
    kind, out = kinds[0], {}
    if kind in ("tle", "omm"):
        out[kind] = check_string(entry[kind], f"{where}.{kind}")
        _existing(out[kind], base_dir, f"{where}.{kind}")
    elif kind == "tle_text":
        out[kind] = check_string(entry[kind], f"{where}.{kind}")
    elif kind == "demo":
        if entry["demo"] is not True:
            raise key_error(f"{where}.demo", f"expected true, got {brief(entry['demo'])}")
        out["demo"] = True
    else:
        items = entry["elements"]
        if not isinstance(items, list) or not items:
            raise key_error(f"{where}.elements", f"expected a non-empty list of element mappings, got {brief(items)}")
        out["elements"] = [_element(e, f"{where}.elements[{i}]") for i, e in enumerate(items)]
    if "select" in entry:
        out["select"] = _select(entry["select"], f"{where}.select")
    if "sample" in entry:
        out["sample"] = _sample(entry["sample"], f"{where}.sample")
    return out


def _element(value: Any, where: str) -> dict[str, Any]:
    entry = check_mapping(value, where, ELEMENT_KEYS, required=("id", "inclination_deg"))
    for key, v in entry.items():
        if key == "epoch" and isinstance(v, (dt.date, pd.Timestamp)):  # YAML reads times as datetimes
            entry[key] = iso_utc_us(v)
        elif key in ("id", "name", "epoch"):
            text = str(v) if isinstance(v, int) and not isinstance(v, bool) else v
            entry[key] = check_string(text, f"{where}.{key}")
        else:
            entry[key] = check_number(v, f"{where}.{key}")
    if ("altitude_km" in entry) == ("semi_major_axis_km" in entry):
        raise key_error(where, "give exactly one of altitude_km and semi_major_axis_km")
    return entry


def _select(value: Any, where: str) -> dict[str, Any]:
    entry = check_mapping(value, where, SELECT_KEYS)
    for key in ("name", "exclude_names"):
        if key in entry:
            entry[key] = _strings(entry[key], f"{where}.{key}")
    if "norad_ids" in entry:
        ids = entry["norad_ids"] if isinstance(entry["norad_ids"], list) else [entry["norad_ids"]]
        entry["norad_ids"] = [check_number(v, f"{where}.norad_ids[{i}]", integer=True, minimum=1)
                              for i, v in enumerate(ids)]
    for key in ("altitude_km", "perigee_km", "apogee_km"):
        if key in entry:
            entry[key] = _pair(entry[key], f"{where}.{key}")
    return entry


def _sample(value: Any, where: str) -> dict[str, Any]:
    entry = check_mapping(value, where, ("n", "seed", "rule", "altitude_km"), required=("n", "seed"))
    out = {"n": check_number(entry["n"], f"{where}.n", integer=True, minimum=0),
           "seed": check_number(entry["seed"], f"{where}.seed", integer=True, minimum=0),
           "rule": entry.get("rule", "exclude-megaconstellations")}
    if out["rule"] not in SAMPLING_RULES:
        raise key_error(f"{where}.rule", f"expected one of {', '.join(SAMPLING_RULES)}, got {brief(out['rule'])}")
    band = entry.get("altitude_km", list(PAPER_ALTITUDE_KM))
    out["altitude_km"] = None if band is None else _pair(band, f"{where}.altitude_km")
    return out


def parse_satellite_rates(value: Any) -> dict[str, Any]:
    """Return the ``satellite_rates`` section: ``default_bps`` and/or ``by_id`` rates, bit/s."""
    where = "scenario.satellite_rates"
    entry = canonical_units(check_mapping(value, where), where, ("default_bps",))
    entry = check_mapping(entry, where, ("default_bps", "by_id"))
    out: dict[str, Any] = {}
    if "default_bps" in entry:
        out["default_bps"] = check_number(entry["default_bps"], f"{where}.default_bps", positive=True)
    if "by_id" in entry:
        by_id = check_mapping(entry["by_id"], f"{where}.by_id")
        out["by_id"] = {str(k): check_number(v, f"{where}.by_id.{k}", positive=True) for k, v in by_id.items()}
    return out


def parse_satellite_slew(value: Any) -> dict[str, Any]:
    """Return the ``satellite_slew`` section: ``default_s`` and/or ``by_id`` slew times sigma_k of (12), s.

    Examples
    --------
    >>> parse_satellite_slew({"default_s": 30, "by_id": {"DEMO-3": 45}})
    {'default_s': 30, 'by_id': {'DEMO-3': 45}}
    """
    where = "scenario.satellite_slew"
    entry = check_mapping(value, where, ("default_s", "by_id"))
    out: dict[str, Any] = {}
    if "default_s" in entry:
        out["default_s"] = check_number(entry["default_s"], f"{where}.default_s", minimum=0)
    if "by_id" in entry:
        by_id = check_mapping(entry["by_id"], f"{where}.by_id")
        out["by_id"] = {str(k): check_number(v, f"{where}.by_id.{k}", minimum=0) for k, v in by_id.items()}
    return out


def parse_station_filter(value: Any, base_dir: Path) -> dict[str, Any]:
    """Return the ``stations`` section: catalog path and provider/status/band/id filters."""
    where = "scenario.stations"
    entry = check_mapping(value, where, ("path", "providers", "status", "bands", "station_ids"))
    out: dict[str, Any] = {"path": None, "status": ["Operational"]}
    if entry.get("path") is not None:
        out["path"] = check_string(entry["path"], f"{where}.path")
        _existing(out["path"], base_dir, f"{where}.path")
    for key in ("providers", "bands", "station_ids"):
        if entry.get(key) is not None:
            out[key] = _strings(entry[key], f"{where}.{key}")
    status = entry.get("status", ["Operational"])
    out["status"] = None if status in (None, "all") else _strings(status, f"{where}.status")
    return out


def _price_entry(value: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    entry = canonical_units(check_mapping(value, where), where, keys)
    entry = check_mapping(entry, where, keys)
    return {k: check_number(v, f"{where}.{k}", integer=k == "antennas", positive=k in ("rate_bps", "antennas"),
                            minimum=0) for k, v in entry.items()}


def parse_prices(value: Any) -> dict[str, Any]:
    """Return the ``prices`` section: ``random`` draws and/or ``defaults``/``providers``/``stations`` layers."""
    where = "scenario.prices"
    entry = check_mapping(value, where, ("random", "defaults", "providers", "stations"))
    out: dict[str, Any] = {}
    if "random" in entry:
        rnd = check_mapping(entry["random"], f"{where}.random", ("seed", "ranges"), required=("seed",))
        out["random"] = {"seed": check_number(rnd["seed"], f"{where}.random.seed", integer=True, minimum=0)}
        if rnd.get("ranges"):
            ranges = check_mapping(rnd["ranges"], f"{where}.random.ranges", tuple(TABLE1))
            out["random"]["ranges"] = {
                k: (check_number(v, f"{where}.random.ranges.{k}") if k == "per_minute_probability"
                    else _pair(v, f"{where}.random.ranges.{k}")) for k, v in ranges.items()}
    if "defaults" in entry:
        out["defaults"] = _price_entry(entry["defaults"], f"{where}.defaults",
                                       PROVIDER_PRICE_KEYS + STATION_OPERATION_KEYS)
    for group, keys in (("providers", PROVIDER_PRICE_KEYS + STATION_OPERATION_KEYS),
                        ("stations", STATION_PRICE_KEYS + STATION_OPERATION_KEYS)):
        if group in entry:
            table = check_mapping(entry[group], f"{where}.{group}")
            out[group] = {str(k): _price_entry(v, f"{where}.{group}.{k}", keys) for k, v in table.items()}
    return out


def parse_solver(value: Any) -> dict[str, Any]:
    """Return the ``solver`` section: backend, time limit, gap, threads, seed, parameters (None values dropped)."""
    where = "scenario.solver"
    entry = check_mapping(value, where, tuple(SOLVER_KEYS))
    return {k: _solver_value(k, v, f"{where}.{k}") for k, v in entry.items() if v is not None}


def _solver_value(key: str, value: Any, where: str) -> Any:
    """One value of the ``solver`` section, checked by its kind in :data:`SOLVER_KEYS`."""
    kind = SOLVER_KEYS[key]
    if kind == "choice":
        if value not in SOLVER_NAMES:
            raise key_error(where, f"expected one of {list(SOLVER_NAMES)}, got {brief(value)}")
        return value
    if kind == "mapping":
        return _scip_params(value, where)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise key_error(where, f"expected true or false, got {brief(value)}")
        return value
    return check_number(value, where, integer=kind == "integer", minimum=0)


def _scip_params(value: Any, where: str) -> dict[str, Any]:
    """Solver parameter name -> number, boolean or string (the solver checks the names when it solves)."""
    params = check_mapping(value, where)
    for name, v in params.items():
        check_string(name, f"{where} key")
        if not isinstance(v, (bool, int, float, str)):
            raise key_error(f"{where}.{name}", f"expected a number, boolean or string, got {brief(v)}")
    return params


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
        raise key_error(where, f"no such file {str(resolved)!r}{hint}")
    return resolved


# --------------------------------------------------------------------------- prices against the catalogs
def apply_price_layers(st: pd.DataFrame, prov: pd.DataFrame, prices: Mapping[str, Any],
                        known: tuple[set, set]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply defaults < providers < stations on top of the draws; check every price is set."""
    for group, names, what in (("providers", known[0], "provider"), ("stations", known[1], "station")):
        unknown = sorted(set(prices.get(group, {})) - names)
        if unknown:
            raise key_error(f"scenario.prices.{group}.{unknown[0]}",
                            f"unknown {what}; known: {', '.join(sorted(names))}")
    layers = [(np.ones(len(st), bool), np.ones(len(prov), bool), prices.get("defaults", {}))]
    layers += [(st["provider"].eq(p).to_numpy(), prov["provider"].eq(p).to_numpy(), v)
               for p, v in prices.get("providers", {}).items()]
    layers += [(st["station_id"].eq(s).to_numpy(), np.zeros(len(prov), bool), v)
               for s, v in prices.get("stations", {}).items()]
    st, prov = st.copy(), prov.copy()
    for st_rows, prov_rows, values in layers:
        for key, value in values.items():
            if key == "integration_cost_usd":
                prov.loc[prov_rows, key] = float(value)
            else:
                st.loc[st_rows, key] = value if key == "antennas" else float(value)
    missing = prov.loc[prov["integration_cost_usd"].isna(), "provider"].tolist()
    if missing:
        raise key_error(f"scenario.prices.providers.{missing[0]}.integration_cost_usd",
                        "missing; set it there or in prices.defaults, or use prices.random")
    for column in STATION_PRICE_KEYS[:-1]:
        rows = st[st[column].isna()]
        if len(rows):
            more = f" (and {len(rows) - 1} more stations)" if len(rows) > 1 else ""
            raise key_error(f"scenario.prices.stations.{rows['station_id'].iloc[0]}.{column}",
                            f"missing{more}; set it there, in prices.providers.{rows['provider'].iloc[0]} or "
                            "prices.defaults, or use prices.random")
    st["antennas"] = st["antennas"].astype("int64")
    return st, prov


def apply_satellite_slew(sats: pd.DataFrame, slew: Mapping[str, Any]) -> pd.DataFrame:
    """Set the satellites' ``slew_s`` column (sigma_k of (12)) from ``default_s`` then ``by_id``.

    Satellites the section leaves out keep NaN: the (12) spec's ``slew_s`` applies to them.
    Without a section the table is returned unchanged.
    """
    if not slew:
        return sats
    unknown = sorted(set(slew.get("by_id", {})) - set(sats["satellite_id"]))
    if unknown:
        raise key_error(f"scenario.satellite_slew.by_id.{unknown[0]}", "not a satellite of this scenario")
    sats = sats.copy()
    sats["slew_s"] = float(slew["default_s"]) if "default_s" in slew else np.nan
    for sid, seconds in slew.get("by_id", {}).items():
        sats.loc[sats["satellite_id"] == sid, "slew_s"] = float(seconds)
    return sats


def apply_satellite_rates(sats: pd.DataFrame, rates: Mapping[str, Any]) -> pd.DataFrame:
    """Apply ``default_bps`` then ``by_id`` rates to the satellites table; check every rate is set."""
    sats = sats.copy()
    if "default_bps" in rates:
        sats["rate_bps"] = float(rates["default_bps"])
    unknown = sorted(set(rates.get("by_id", {})) - set(sats["satellite_id"]))
    if unknown:
        raise key_error(f"scenario.satellite_rates.by_id.{unknown[0]}", "not a satellite of this scenario")
    for sid, rate in rates.get("by_id", {}).items():
        sats.loc[sats["satellite_id"] == sid, "rate_bps"] = float(rate)
    if sats["rate_bps"].isna().any():
        raise key_error("scenario.satellite_rates.default_bps", "missing: explicit prices need satellite rates "
                        "(give default_bps or by_id for every satellite, or use prices.random)")
    return sats
