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
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from gstk.catalog.prices import TABLE1, draw_prices
from gstk.errors import GstkError, ScenarioError
from gstk.orbits.sampling import sample_satellites
from gstk.problem.costs import DEFAULT_COST_MODEL, check_cost_model
from gstk.problem.specs import MaxMissionData, Spec, StationStatus
from gstk.scenario.links import (
    check_link_names,
    horizon_mask_table,
    parse_horizon_masks,
    parse_link_rates,
    station_rates,
)
from gstk.scenario.schema import (
    SHARED_TLE_TOKEN,
    STATION_PRICE_KEYS,
    TOP_KEYS,
    apply_price_layers,
    apply_satellite_rates,
    apply_satellite_slew,
    brief,
    check_mapping,
    check_number,
    check_string,
    key_error,
    parse_prices,
    parse_satellite_rates,
    parse_satellite_slew,
    parse_satellite_source,
    parse_solver,
    parse_spec,
    parse_station_filter,
    parse_window,
    resolve_path,
)
from gstk.solve.options import SolverOptions
from gstk.times import iso_utc_us
from gstk.units import EARTH_RADIUS_KM, SECONDS_PER_DAY

__all__ = ["Scenario", "load_scenario", "read_scenario_dict", "scenario_from_parts"]

_CATALOGS: dict[tuple, Any] = {}  # (path, mtime, size) -> Satellites; loading 11k TLEs takes ~1 s


# --------------------------------------------------------------------------- the Scenario
@dataclass(eq=False)
class Scenario:
    """A validated study: window, satellites, stations, prices, objective, constraints, solver.

    Build one with :func:`load_scenario` or :meth:`from_dict` (the file schema),
    or :func:`gstk.scenario.random.random_scenario`.  The fields hold the canonical
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
    satellite_slew: dict = field(default_factory=dict)
    station_filter: dict = field(default_factory=dict)
    prices: dict = field(default_factory=lambda: {"random": {"seed": 0}})
    objective: Spec = field(default_factory=MaxMissionData)
    constraints: tuple = ()
    solver: dict = field(default_factory=dict)
    name: str = "scenario"
    description: str = ""
    cost_model: str = DEFAULT_COST_MODEL
    link_rates: dict = field(default_factory=dict)
    horizon_masks: dict = field(default_factory=dict)
    base_dir: Path = field(default_factory=Path.cwd)
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.base_dir = Path(self.base_dir)
        window = parse_window({"start": self.start, "days": self.days, "step_s": self.step_s})
        self.start, self.days, self.step_s = window["start"], window["days"], window.get("step_s")
        self.mission_days = check_number(self.mission_days, "scenario.mission_days", positive=True)
        self.satellite_source = parse_satellite_source(self.satellite_source, self.base_dir)
        self.satellite_rates = parse_satellite_rates(self.satellite_rates)
        self.satellite_slew = parse_satellite_slew(self.satellite_slew)
        self.station_filter = parse_station_filter(self.station_filter, self.base_dir)
        self.prices = parse_prices(self.prices)
        self.objective = parse_spec(self.objective, "scenario.objective", objective=True)
        if not isinstance(self.constraints, (list, tuple)):
            raise key_error("scenario.constraints",
                            f"expected a list of constraint mappings, got {brief(self.constraints)}")
        self.constraints = tuple(parse_spec(c, f"scenario.constraints[{i}]", objective=False)
                                 for i, c in enumerate(self.constraints))
        self.solver = parse_solver(self.solver)
        self.link_rates = parse_link_rates(self.link_rates)
        self.horizon_masks = parse_horizon_masks(self.horizon_masks)
        try:
            self.solver_options()
        except GstkError as exc:
            raise key_error("scenario.solver", str(exc)) from None
        self.name = check_string(self.name, "scenario.name")
        try:
            check_cost_model(self.cost_model, "scenario.cost_model")
        except GstkError as exc:
            raise key_error("scenario.cost_model", str(exc).split(": ", 1)[-1]) from None
        if not isinstance(self.description, str):
            raise key_error("scenario.description", f"expected a string, got {brief(self.description)}")

    # ------------------------------------------------------------------ file form
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base_dir: str | os.PathLike | None = None,
                  name: str = "scenario") -> "Scenario":
        """Return the scenario a file-schema mapping describes (see the README's *Scenario files*)."""
        data = check_mapping(data, "scenario", TOP_KEYS, required=("window", "satellites"))
        window = parse_window(data["window"])
        return cls(
            satellite_source=data["satellites"], start=window["start"], days=window["days"],
            step_s=window.get("step_s"), mission_days=data.get("mission_days", 365.0),
            satellite_rates=data.get("satellite_rates") or {}, satellite_slew=data.get("satellite_slew") or {},
            station_filter=data.get("stations") or {},
            prices=data.get("prices", {"random": {"seed": 0}}),
            objective=data.get("objective", {"type": "MaxMissionData"}),
            constraints=data.get("constraints", []), solver=data.get("solver") or {},
            name=data.get("name", name), description=data.get("description", ""),
            cost_model=data.get("cost_model", DEFAULT_COST_MODEL),
            link_rates=data.get("link_rates") or {}, horizon_masks=data.get("horizon_masks") or {},
            base_dir=Path(base_dir) if base_dir is not None else Path.cwd(),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the file-schema mapping (canonical units); ``from_dict`` of it is an equal scenario."""
        window: dict[str, Any] = {"start": iso_utc_us(self.start), "days": self.days}
        if self.step_s is not None:
            window["step_s"] = self.step_s
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out.update(window=window, mission_days=self.mission_days, satellites=self.satellite_source)
        if self.satellite_rates:
            out["satellite_rates"] = self.satellite_rates
        if self.satellite_slew:
            out["satellite_slew"] = self.satellite_slew
        out.update(stations=self.station_filter, prices=self.prices, objective=self.objective.to_dict(),
                   constraints=[c.to_dict() for c in self.constraints], solver=self.solver)
        if self.cost_model != DEFAULT_COST_MODEL:
            out["cost_model"] = self.cost_model
        for key in ("link_rates", "horizon_masks"):
            if getattr(self, key):
                out[key] = getattr(self, key)
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
        data["objective"] = _inf_as_text(data["objective"])
        data["constraints"] = [_inf_as_text(c) for c in data["constraints"]]
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
        """Return the scenario's :class:`~gstk.orbits.satellites.Satellites` (loaded, selected, sampled)."""
        if "satellites" not in self._cache:
            self._cache["satellites"] = _guarded("scenario.satellites", self._load_satellites, self._cache.get("file"))
        return self._cache["satellites"]

    def _load_satellites(self):
        from gstk.orbits.satellites import Satellites, demo_constellation, load_satellites

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
        """Return the station catalog after the scenario's filters (see :func:`gstk.catalog.stations.load_stations`)."""
        if "stations" not in self._cache:
            self._cache["stations"] = _guarded("scenario.stations", self._load_stations, self._cache.get("file"))
        return self._cache["stations"]

    def _load_stations(self) -> pd.DataFrame:
        from gstk.catalog.stations import load_stations

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
        st, prov = apply_price_layers(st, prov, p, self._catalog_names())
        sats = apply_satellite_slew(apply_satellite_rates(sats, self.satellite_rates), self.satellite_slew)
        return st, prov, sats

    def _catalog_names(self) -> tuple[set, set]:
        from gstk.catalog.stations import load_stations

        path = self.station_filter["path"]
        full = load_stations(resolve_path(path, self.base_dir) if path else None, status=None)
        return set(full["provider"]), set(full["station_id"])

    def problem(self):
        """Return the :class:`gstk.problem.Problem` (objective, constraints, priced tables, mission length)."""
        from gstk.problem.definition import Problem

        stations, providers, satellites = self.price_tables()
        constraints = list(self.constraints)
        status = self.station_filter["status"]
        if status != ["Operational"] and not any(isinstance(c, StationStatus) for c in constraints):
            constraints.append(StationStatus(tuple(status) if status else tuple(stations["status"].unique())))
        return _guarded("scenario.constraints", lambda: Problem(
            self.objective, tuple(constraints), stations, providers, satellites, mission_days=self.mission_days,
            name=self.name, cost_model=self.cost_model), self._cache.get("file"))

    def contacts(self, progress: bool | None = None) -> pd.DataFrame:
        """Return the contact windows of the scenario's satellites and stations over its window."""
        from gstk.contacts.windows import compute_contacts

        kwargs = {"step_s": self.step_s} if self.step_s is not None else {}
        return compute_contacts(self.satellites(), self.stations(), self.start, self.end,
                                progress=progress, **kwargs, **self.link_models())

    def link_models(self) -> dict[str, Any]:
        """Return ``rates`` and ``horizon_masks`` as ``compute_contacts`` and ``verify`` take them ({} if none)."""
        if not (self.link_rates or self.horizon_masks):
            return {}
        stations = self.stations()
        _guarded("scenario.link_rates", lambda: check_link_names(
            self.link_rates, self.horizon_masks, set(stations["provider"]), set(stations["station_id"])),
            self._cache.get("file"))
        return {"rates": station_rates(self.link_rates), "horizon_masks": horizon_mask_table(self.horizon_masks)}

    def solver_options(self) -> SolverOptions:
        """Return the file's ``solver`` section as validated :class:`~gstk.solve.options.SolverOptions`."""
        return SolverOptions.from_kwargs(**self.solver)

    def solve(self, contacts: pd.DataFrame | None = None, *, progress: bool | None = None,
              options: SolverOptions | None = None, **solver_options: Any):
        """Return the :class:`~gstk.solution.Solution` (contacts computed when not given).

        ``options`` (default: the file's) and ``solver_options`` (``time_limit_s``, ``rel_gap``,
        ``threads``, ``seed``; None values ignored) override the file's.
        """
        from gstk.solve.api import optimize

        problem = self.problem()  # price and reference errors before the long contact search
        contacts = self.contacts(progress=progress) if contacts is None else contacts
        options = SolverOptions.from_kwargs(options or self.solver_options(), **solver_options)
        return optimize(contacts, problem, start=self.start, end=self.end, options=options)

    def verify(self, solution, contacts: pd.DataFrame | None = None) -> list:
        """Return the violations of ``solution`` (see :func:`gstk.verify`); [] when valid."""
        from gstk.verification.report import verify

        contacts = self.contacts(progress=False) if contacts is None else contacts
        links = self.link_models()  # volumes and masks recomputed from SGP4 (gstk.verification.links)
        return verify(solution, contacts, self.problem(), start=self.start, end=self.end,
                      satellites=self.satellites() if links else None, **links)


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
        raise key_error(where, " ".join(str(exc).split()) + suffix) from None


def _catalog(path: Path, kind: str):
    from gstk.orbits.satellites import load_satellites

    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, kind)
    if key not in _CATALOGS:
        if len(_CATALOGS) >= 4:
            _CATALOGS.pop(next(iter(_CATALOGS)))
        _CATALOGS[key] = load_satellites(path, format=None if kind == "omm" else "tle")
    return _CATALOGS[key]


def _from_element(e: Mapping[str, Any]):
    from gstk.orbits.satellites import Satellites

    kwargs = {k: v for k, v in e.items() if k not in ("id", "name")}
    return Satellites.from_elements(ids=[e["id"]], names=[e.get("name", e["id"])], **kwargs)


# --------------------------------------------------------------------------- files
class _YamlLoader(__import__("yaml").SafeLoader):
    """SafeLoader that also reads ``1e9`` (no dot) as a float, as JSON does."""


_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))


def _inf_as_text(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a spec mapping with infinite parameters spelled "inf" (strict JSON; read back as float)."""
    return {k: "inf" if isinstance(v, float) and v == math.inf else v for k, v in spec.items()}


def _dump(data: Mapping[str, Any], suffix: str) -> str:
    if suffix in (".yaml", ".yml"):
        import yaml

        return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True)
    if suffix != ".json":
        raise ScenarioError(f"scenario files end in .json, .yaml or .yml, got {suffix!r}")
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def read_scenario_dict(path: str | os.PathLike) -> dict[str, Any]:
    """Return the raw mapping of a JSON or YAML scenario file (one-line errors naming the file)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"no such scenario file {str(path)!r}")
    kind = "YAML" if path.suffix.lower() in (".yaml", ".yml") else "JSON"
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_YamlLoader) if kind == "YAML" else json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start}); a scenario file is {kind} text") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits, nesting too deep
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ScenarioError(f"{path}: invalid {kind}: {detail}") from None
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


# --------------------------------------------------------------------------- in-memory trials
def scenario_from_parts(*, catalog: Any, stations: Any, n_satellites: int, sample_seed: int, price_seed: int,
                        rule: str, altitude_km: Any, objective: Any, constraints: Any, mission_days: float,
                        start: Any, days: float, solver: Any, name: str) -> Scenario:
    """Return the Scenario of :func:`gstk.scenario.random.random_scenario` (see there)."""
    from gstk.orbits.satellites import Satellites

    sample = {"n": n_satellites, "seed": sample_seed, "rule": rule,
              "altitude_km": None if altitude_km is None else list(altitude_km)}
    cache: dict[str, Any] = {}
    if isinstance(catalog, Satellites):
        sats = sample_satellites(catalog, n_satellites, seed=sample_seed, rule=rule, altitude_km=altitude_km)
        source, cache["satellites"] = _source_of(sats), sats
    elif catalog == SHARED_TLE_TOKEN:  # recorded as the token: the file names the study's snapshot
        source = {"tle": SHARED_TLE_TOKEN, "sample": sample}
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
         "epoch": iso_utc_us(r.epoch), "bstar": r.bstar} for r in frame.itertuples()]}
