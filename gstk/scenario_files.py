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
from gstk.units import BITS_PER_GB, BITS_PER_GBIT, BITS_PER_TB, EARTH_RADIUS_KM, SECONDS_PER_DAY

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
CONTACT_UNITS = {"aos": "UTC", "los": "UTC", "duration_s": "s", "max_elevation_deg": "deg", "t_max_elevation": "UTC",
                 "aos_s": "s since start", "los_s": "s since start"}
_CATALOGS: dict[tuple, Any] = {}  # (path, mtime, size) -> Satellites; loading 11k TLEs takes ~1 s


# --------------------------------------------------------------------------- checks (one line each)
def _fail(where: str, message: str) -> ScenarioError:
    return ScenarioError(f"{where}: {message}")


def _number(value: Any, where: str, *, minimum: float | None = None, positive: bool = False,
            integer: bool = False) -> Any:
    kind = "an integer" if integer else "a number"
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
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
    out = {"start": _utc(start), "days": _number(entry["days"], f"{where}.days", positive=True)}
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
        if key == "epoch" and isinstance(v, (dt.date, pd.Timestamp)):  # YAML reads times as datetimes
            entry[key] = _iso(_utc(v))
        elif key in ("id", "name", "epoch"):
            entry[key] = _string(str(v) if isinstance(v, int) and not isinstance(v, bool) else v, f"{where}.{key}")
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


# --------------------------------------------------------------------------- the Scenario
@dataclass(eq=False)
class Scenario:
    """A validated study: window, satellites, stations, prices, objective, constraints, solver.

    Build one with :func:`load_scenario` or :meth:`from_dict` (the file schema),
    or :func:`gstk.scenarios.random_scenario`.  The fields hold the canonical
    (validated, SI/USD) form of each file section; paths stay as written and
    resolve against ``base_dir``.  Loaded catalogs are cached per object.

    Examples
    --------
    >>> sc = Scenario.from_dict({"window": {"start": "2025-03-11", "days": 1},
    ...                          "satellites": {"demo": True}})
    >>> sc.end, type(sc.objective).__name__
    (Timestamp('2025-03-12 00:00:00+0000', tz='UTC'), 'MaxMissionData')
    """

    satellite_source: dict
    start: pd.Timestamp
    days: float = 7.0
    step_s: float | None = None
    mission_days: float = 365.0
    satellite_rates: dict = field(default_factory=dict)
    station_filter: dict = field(default_factory=dict)
    prices: dict = field(default_factory=lambda: {"random": {"seed": 0}})
    objective: Spec = field(default_factory=MaxMissionData)
    constraints: tuple = ()
    solver: dict = field(default_factory=dict)
    name: str = "scenario"
    description: str = ""
    base_dir: Path = field(default_factory=Path.cwd)
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.base_dir = Path(self.base_dir)
        window = _window({"start": self.start, "days": self.days, "step_s": self.step_s})
        self.start, self.days, self.step_s = window["start"], window["days"], window.get("step_s")
        self.mission_days = _number(self.mission_days, "scenario.mission_days", positive=True)
        self.satellite_source = _satellite_source(self.satellite_source, self.base_dir)
        self.satellite_rates = _satellite_rates(self.satellite_rates)
        self.station_filter = _station_filter(self.station_filter, self.base_dir)
        self.prices = _prices(self.prices)
        self.objective = _spec(self.objective, "scenario.objective", objective=True)
        if not isinstance(self.constraints, (list, tuple)):
            raise _fail("scenario.constraints", f"expected a list of constraint mappings, got {self.constraints!r}")
        self.constraints = tuple(_spec(c, f"scenario.constraints[{i}]", objective=False)
                                 for i, c in enumerate(self.constraints))
        self.solver = _solver(self.solver)
        self.name = _string(self.name, "scenario.name")
        if not isinstance(self.description, str):
            raise _fail("scenario.description", f"expected a string, got {self.description!r}")

    # ------------------------------------------------------------------ file form
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base_dir: str | os.PathLike | None = None,
                  name: str = "scenario") -> "Scenario":
        """Return the scenario a file-schema mapping describes (see the README's *Scenario files*)."""
        data = _mapping(data, "scenario", TOP_KEYS, required=("window", "satellites"))
        window = _window(data["window"])
        return cls(
            satellite_source=data["satellites"], start=window["start"], days=window["days"],
            step_s=window.get("step_s"), mission_days=data.get("mission_days", 365.0),
            satellite_rates=data.get("satellite_rates") or {}, station_filter=data.get("stations") or {},
            prices=data.get("prices", {"random": {"seed": 0}}),
            objective=data.get("objective", {"type": "MaxMissionData"}),
            constraints=data.get("constraints", []), solver=data.get("solver") or {},
            name=data.get("name", name), description=data.get("description", ""),
            base_dir=Path(base_dir) if base_dir is not None else Path.cwd(),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the file-schema mapping (canonical units); ``from_dict`` of it is an equal scenario."""
        window: dict[str, Any] = {"start": _iso(self.start), "days": self.days}
        if self.step_s is not None:
            window["step_s"] = self.step_s
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out.update(window=window, mission_days=self.mission_days, satellites=self.satellite_source)
        if self.satellite_rates:
            out["satellite_rates"] = self.satellite_rates
        out.update(stations=self.station_filter, prices=self.prices, objective=self.objective.to_dict(),
                   constraints=[c.to_dict() for c in self.constraints], solver=self.solver)
        return json.loads(json.dumps(out))  # a deep, JSON-typed copy

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def save(self, path: str | os.PathLike) -> Path:
        """Write the scenario as JSON (``.json``) or YAML (``.yaml``/``.yml``); return the path.

        Relative paths inside are rewritten relative to the new file's directory.
        """
        path = Path(path)
        data = self.to_dict()
        for section, key in (("satellites", "tle"), ("satellites", "omm"), ("stations", "path")):
            value = data[section].get(key)
            if value and value != SHARED_TLE_TOKEN and not Path(value).is_absolute():
                target = resolve_path(value, self.base_dir).resolve()
                data[section][key] = os.path.relpath(target, path.resolve().parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_dump(data, path.suffix.lower()), encoding="utf-8")
        return path

    def with_changes(self, **changes: Any) -> "Scenario":
        """Return a validated copy with some fields replaced (e.g. ``days=1``)."""
        return dataclasses.replace(self, _cache={k: v for k, v in self._cache.items() if k == "file"}, **changes)

    @property
    def end(self) -> pd.Timestamp:
        """Return the end of the simulation window (UTC)."""
        return self.start + pd.Timedelta(seconds=self.days * SECONDS_PER_DAY)

    # ------------------------------------------------------------------ data
    def satellites(self):
        """Return the scenario's :class:`~gstk.satellites.Satellites` (loaded, selected, sampled)."""
        if "satellites" not in self._cache:
            self._cache["satellites"] = _guarded("scenario.satellites", self._load_satellites, self._cache.get("file"))
        return self._cache["satellites"]

    def _load_satellites(self):
        from gstk.satellites import Satellites, demo_constellation, load_satellites

        src = self.satellite_source
        if src.get("demo"):
            sats = demo_constellation()
        elif "tle" in src or "omm" in src:
            kind = "tle" if "tle" in src else "omm"
            sats = _catalog(resolve_path(src[kind], self.base_dir), kind)
        elif "tle_text" in src:
            sats = load_satellites(src["tle_text"], format="tle")
        else:
            sats = Satellites.concat(_from_element(e) for e in src["elements"])
        if "select" in src:
            select = {k: tuple(v) if k.endswith("_km") else v for k, v in src["select"].items()}
            sats = sats.select(**select)
        if "sample" in src:
            s = src["sample"]
            sats = sample_satellites(sats, s["n"], seed=s["seed"], rule=s["rule"], altitude_km=s["altitude_km"])
        if not len(sats):
            raise GstkError("no satellite is left after select/sample; widen the selection")
        return sats

    def stations(self) -> pd.DataFrame:
        """Return the station catalog after the scenario's filters (see :func:`gstk.stations.load_stations`)."""
        if "stations" not in self._cache:
            self._cache["stations"] = _guarded("scenario.stations", self._load_stations, self._cache.get("file"))
        return self._cache["stations"]

    def _load_stations(self) -> pd.DataFrame:
        from gstk.stations import load_stations

        f = self.station_filter
        path = resolve_path(f["path"], self.base_dir) if f["path"] else None
        table = load_stations(path, providers=f.get("providers"), status=f["status"], bands=f.get("bands"))
        if "station_ids" in f:
            unknown = sorted(set(f["station_ids"]) - set(table["station_id"]))
            if unknown:
                raise GstkError(f"station_ids {unknown[:5]} are not in the (filtered) catalog")
            table = table[table["station_id"].isin(f["station_ids"])].reset_index(drop=True)
        if table.empty:
            raise GstkError("no station is left after the filters; widen providers/status/bands")
        return table

    def price_tables(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Return (stations, providers, satellites) with prices and rates, as :class:`Problem` takes them."""
        if "prices" not in self._cache:
            self._cache["prices"] = _guarded("scenario.prices", self._price_tables, self._cache.get("file"))
        return tuple(t.copy() for t in self._cache["prices"])  # type: ignore[return-value]

    def _price_tables(self):
        stations, ids = self.stations(), self.satellites().satellite_id.tolist()
        p = self.prices
        if "random" in p:
            st, prov, sats = draw_prices(stations, ids, seed=p["random"]["seed"],
                                         ranges=p["random"].get("ranges", TABLE1))
        else:
            st = stations.assign(**{k: np.nan for k in STATION_PRICE_KEYS if k != "antennas"})
            prov = pd.DataFrame({"provider": sorted(st["provider"].unique()), "integration_cost_usd": np.nan})
            sats = pd.DataFrame({"satellite_id": sorted(ids), "rate_bps": np.nan})
        st, prov = _apply_price_layers(st, prov, p, self._catalog_names())
        sats = _apply_satellite_rates(sats, self.satellite_rates)
        return st, prov, sats

    def _catalog_names(self) -> tuple[set, set]:
        from gstk.stations import load_stations

        path = self.station_filter["path"]
        full = load_stations(resolve_path(path, self.base_dir) if path else None, status=None)
        return set(full["provider"]), set(full["station_id"])

    def problem(self):
        """Return the :class:`gstk.problem.Problem` (objective, constraints, priced tables, mission length)."""
        from gstk.problem import Problem

        stations, providers, satellites = self.price_tables()
        constraints = list(self.constraints)
        status = self.station_filter["status"]
        if status != ["Operational"] and not any(isinstance(c, StationStatus) for c in constraints):
            constraints.append(StationStatus(tuple(status) if status else tuple(stations["status"].unique())))
        return _guarded("scenario.constraints", lambda: Problem(
            self.objective, tuple(constraints), stations, providers, satellites, mission_days=self.mission_days,
            name=self.name), self._cache.get("file"))

    def contacts(self, progress: bool | None = None) -> pd.DataFrame:
        """Return the contact windows of the scenario's satellites and stations over its window."""
        from gstk.contacts import compute_contacts

        kwargs = {"step_s": self.step_s} if self.step_s is not None else {}
        return compute_contacts(self.satellites(), self.stations(), self.start, self.end,
                                progress=progress, **kwargs)

    def solve(self, contacts: pd.DataFrame | None = None, *, progress: bool | None = None, **solver_options: Any):
        """Return the :class:`~gstk.solution.Solution` (contacts computed when not given).

        ``solver_options`` (``time_limit_s``, ``rel_gap``, ``threads``, ``seed``) override the file's.
        """
        from gstk.solve import optimize

        problem = self.problem()  # price and reference errors before the long contact search
        contacts = self.contacts(progress=progress) if contacts is None else contacts
        options = {**self.solver, **{k: v for k, v in solver_options.items() if v is not None}}
        return optimize(contacts, problem, start=self.start, end=self.end, **options)

    def verify(self, solution, contacts: pd.DataFrame | None = None) -> list:
        """Return the violations of ``solution`` (see :func:`gstk.verify.verify`); [] when valid."""
        from gstk.verify import verify

        contacts = self.contacts(progress=False) if contacts is None else contacts
        return verify(solution, contacts, self.problem(), start=self.start, end=self.end)


# --------------------------------------------------------------------------- helpers of Scenario
def _guarded(where: str, build, file: Any = None):
    """Run ``build``; turn a GstkError into a one-line ScenarioError naming ``where`` (and the file)."""
    suffix = f" (in {file})" if file else ""
    try:
        return build()
    except ScenarioError as exc:
        if str(exc).endswith(suffix):
            raise
        raise ScenarioError(f"{exc}{suffix}") from None
    except GstkError as exc:
        raise _fail(where, " ".join(str(exc).split()) + suffix) from None


def _utc(t: Any) -> pd.Timestamp:
    """Return ``t`` as a UTC Timestamp (naive means UTC)."""
    t = pd.Timestamp(t)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def _iso(t: pd.Timestamp) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if t.microsecond or t.nanosecond else "%Y-%m-%dT%H:%M:%SZ")


def _catalog(path: Path, kind: str):
    from gstk.satellites import load_satellites

    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, kind)
    if key not in _CATALOGS:
        if len(_CATALOGS) >= 4:
            _CATALOGS.pop(next(iter(_CATALOGS)))
        _CATALOGS[key] = load_satellites(path, format=None if kind == "omm" else "tle")
    return _CATALOGS[key]


def _from_element(e: Mapping[str, Any]):
    from gstk.satellites import Satellites

    kwargs = {k: v for k, v in e.items() if k not in ("id", "name")}
    return Satellites.from_elements(ids=[e["id"]], names=[e.get("name", e["id"])], **kwargs)


def _apply_price_layers(st: pd.DataFrame, prov: pd.DataFrame, prices: Mapping[str, Any],
                        known: tuple[set, set]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply defaults < providers < stations on top of the draws; check every price is set."""
    for group, names, what in (("providers", known[0], "provider"), ("stations", known[1], "station")):
        unknown = sorted(set(prices.get(group, {})) - names)
        if unknown:
            raise _fail(f"scenario.prices.{group}.{unknown[0]}", f"unknown {what}; known: {', '.join(sorted(names))}")
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
        raise _fail(f"scenario.prices.providers.{missing[0]}.integration_cost_usd",
                    "missing; set it there or in prices.defaults, or use prices.random")
    for column in STATION_PRICE_KEYS[:-1]:
        rows = st[st[column].isna()]
        if len(rows):
            more = f" (and {len(rows) - 1} more stations)" if len(rows) > 1 else ""
            raise _fail(f"scenario.prices.stations.{rows['station_id'].iloc[0]}.{column}",
                        f"missing{more}; set it there, in prices.providers.{rows['provider'].iloc[0]} or "
                        "prices.defaults, or use prices.random")
    st["antennas"] = st["antennas"].astype("int64")
    return st, prov


def _apply_satellite_rates(sats: pd.DataFrame, rates: Mapping[str, Any]) -> pd.DataFrame:
    sats = sats.copy()
    if "default_bps" in rates:
        sats["rate_bps"] = float(rates["default_bps"])
    unknown = sorted(set(rates.get("by_id", {})) - set(sats["satellite_id"]))
    if unknown:
        raise _fail(f"scenario.satellite_rates.by_id.{unknown[0]}", "not a satellite of this scenario")
    for sid, rate in rates.get("by_id", {}).items():
        sats.loc[sats["satellite_id"] == sid, "rate_bps"] = float(rate)
    if sats["rate_bps"].isna().any():
        raise _fail("scenario.satellite_rates.default_bps", "missing: explicit prices need satellite rates "
                    "(give default_bps or by_id for every satellite, or use prices.random)")
    return sats


# --------------------------------------------------------------------------- files
class _YamlLoader(__import__("yaml").SafeLoader):
    """SafeLoader that also reads ``1e9`` (no dot) as a float, as JSON does."""


_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))


def _dump(data: Mapping[str, Any], suffix: str) -> str:
    if suffix in (".yaml", ".yml"):
        import yaml

        return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True)
    if suffix != ".json":
        raise ScenarioError(f"scenario files end in .json, .yaml or .yml, got {suffix!r}")
    return json.dumps(data, indent=2) + "\n"


def read_scenario_dict(path: str | os.PathLike) -> dict[str, Any]:
    """Return the raw mapping of a JSON or YAML scenario file (one-line errors naming the file)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"no such scenario file {str(path)!r}")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_YamlLoader)
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario file holds a mapping at top level, got {type(data).__name__}")
    return data


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Load and validate a JSON or YAML scenario file; relative paths resolve against its directory.

    Raises
    ------
    ScenarioError
        One line naming the key path (``scenario.constraints[2].usd: ...``) and the file.
    """
    path = Path(path)
    data = read_scenario_dict(path)
    try:
        scenario = Scenario.from_dict(data, base_dir=path.resolve().parent, name=path.stem)
    except ScenarioError as exc:
        raise ScenarioError(f"{exc} (in {path})") from None
    scenario._cache["file"] = str(path)
    return scenario


# --------------------------------------------------------------------------- contacts as CSV
def write_contacts_csv(contacts: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a contact table as CSV, times as ISO-8601 UTC to the nanosecond (``...Z``), lossless."""
    out = contacts.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            utc = out[column].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
            out[column] = utc.dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + utc.dt.nanosecond.map("{:03d}Z".format)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False)
    return path


def read_contacts_csv(path: str | os.PathLike, *, start: Any, end: Any) -> pd.DataFrame:
    """Read a contact CSV written by :func:`write_contacts_csv`; ``attrs`` get the window (start, end)."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"no such contacts file {str(path)!r}")
    try:
        header = pd.read_csv(path, nrows=0).columns.tolist()
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: not a contacts CSV ({' '.join(str(exc).split())})") from None
    missing = [c for c in ("satellite_id", "station_id", "aos", "los", "duration_s") if c not in header]
    if missing:
        raise ScenarioError(f"{path}: contacts CSV lacks column(s) {missing}; write it with `gstk contacts`")
    text_columns = {c: str for c in ("satellite_id", "station_id", "provider", "contact_id") if c in header}
    table = pd.read_csv(path, dtype=text_columns)
    for column in TIME_COLUMNS:
        if column in table.columns:
            try:
                table[column] = pd.to_datetime(table[column], format="ISO8601", utc=True).astype("datetime64[ns, UTC]")
            except (ValueError, TypeError):
                raise ScenarioError(f"{path}: column {column} holds a value that is not an ISO-8601 time") from None
    table.attrs.update(start=_utc(start), end=_utc(end), units={c: u for c, u in CONTACT_UNITS.items() if c in table})
    return table


# --------------------------------------------------------------------------- in-memory trials
def scenario_from_parts(*, catalog: Any, stations: Any, n_satellites: int, sample_seed: int, price_seed: int,
                        rule: str, altitude_km: Any, objective: Any, constraints: Any, mission_days: float,
                        start: Any, days: float, solver: Any, name: str) -> Scenario:
    """Return the Scenario of :func:`gstk.scenarios.random_scenario` (see there)."""
    from gstk.satellites import Satellites

    sample = {"n": n_satellites, "seed": sample_seed, "rule": rule,
              "altitude_km": None if altitude_km is None else list(altitude_km)}
    cache: dict[str, Any] = {}
    if isinstance(catalog, Satellites):
        sats = sample_satellites(catalog, n_satellites, seed=sample_seed, rule=rule, altitude_km=altitude_km)
        source, cache["satellites"] = _source_of(sats), sats
    else:
        path = Path(catalog).resolve()
        kind = "omm" if path.suffix.lower() in (".json", ".csv", ".xml") else "tle"
        source = {kind: str(path), "sample": sample}
    if isinstance(stations, pd.DataFrame):
        station_filter = {"status": None, "station_ids": sorted(stations["station_id"].astype(str))}
        cache["stations"] = stations.reset_index(drop=True)
    else:
        station_filter = dict(stations or {})
    scenario = Scenario(
        satellite_source=source, start=start, days=days, mission_days=mission_days, station_filter=station_filter,
        prices={"random": {"seed": price_seed}}, objective=objective or MaxMissionData(),
        constraints=tuple(constraints), solver=dict(solver or {}), name=name)
    scenario._cache.update(cache)
    return scenario


def _source_of(sats) -> dict[str, Any]:
    """Return a file-schema satellite source reproducing ``sats`` (TLE lines, or elements)."""
    from sgp4.exporter import export_tle

    if all(r.satnum > 0 for r in sats.satrecs) and sats.satellite_id.tolist() == [str(r.satnum) for r in sats.satrecs]:
        lines = [part for s in sats for part in (s.name, *export_tle(s.satrec))]
        return {"tle_text": "\n".join(lines) + "\n"}
    frame = sats.to_frame()
    return {"elements": [
        {"id": r.satellite_id, "name": r.name, "semi_major_axis_km": (r.perigee_km + r.apogee_km) / 2 + EARTH_RADIUS_KM,
         "inclination_deg": r.inclination_deg, "eccentricity": r.eccentricity, "raan_deg": r.raan_deg,
         "arg_perigee_deg": r.arg_perigee_deg, "mean_anomaly_deg": r.mean_anomaly_deg,
         "epoch": _iso(r.epoch), "bstar": r.bstar} for r in frame.itertuples()]}

