"""The result of a solve: status, optimality certificate and tidy tables (formulation §7).

A :class:`Solution` is computed from the model data and the rounded contact
selection x alone: stations, providers and licences are rebuilt from x with
the linking rules (5)-(7), so every number in it (cost by term of (2), data per
satellite, gaps) can be recomputed by ``gstk.verify`` from the raw tables.
Nothing here calls a solver.
"""
from __future__ import annotations

import dataclasses
import html
import json
import math
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gstk.costs import COST_TERMS, mission_cost_breakdown_usd
from gstk.errors import SolveError
from gstk.units import BITS_PER_GB, BITS_PER_TB, SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MINUTE

#: Columns of ``Solution.contacts`` always present, in this order (extra contact columns follow).
CONTACT_COLUMNS = (
    "contact_id", "satellite_id", "station_id", "provider", "aos", "los",
    "aos_s", "los_s", "duration_s", "volume_bit", "cost_usd",
)
CONTACT_UNITS = {
    "aos": "UTC", "los": "UTC", "aos_s": "s", "los_s": "s", "duration_s": "s",
    "volume_bit": "bit", "cost_usd": "USD",
}
_SCHEMA_VERSION = 1


class Status(str, Enum):
    """Outcome of a solve; ``.value`` is the name."""

    OPTIMAL = "OPTIMAL"          # proven optimal within the requested relative gap (0 by default)
    FEASIBLE = "FEASIBLE"        # a limit was hit; the incumbent is kept but not proven optimal
    NO_SOLUTION = "NO_SOLUTION"  # a limit was hit before any feasible solution was found
    INFEASIBLE = "INFEASIBLE"
    UNBOUNDED = "UNBOUNDED"
    ERROR = "ERROR"

    @property
    def has_solution(self) -> bool:
        """Return True when the solution carries a selection (OPTIMAL or FEASIBLE)."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)

    def __str__(self) -> str:
        return self.value


# ----------------------------------------------------------------------------- gap definition
def max_gap_s(aos_s: np.ndarray, los_s: np.ndarray, sim_duration_s: float, *,
              include_boundary: bool = True) -> float:
    """Return the largest contact gap of one satellite's TAKEN contacts, in seconds.

    The successor of contact i is the first taken contact j with a strictly later
    AOS; the gap after i is a_j - b_i (negative counts as 0).  With boundary gaps,
    the start gap a_first and the end gap T_sim - max b also count, and no contact
    at all gives T_sim.  Without them, 0 or 1 contacts give 0.

    Examples
    --------
    >>> max_gap_s(np.array([100.0, 500.0]), np.array([200.0, 600.0]), 1000.0)
    400.0
    >>> max_gap_s(np.array([100.0, 500.0]), np.array([200.0, 600.0]), 1000.0, include_boundary=False)
    300.0
    """
    aos_s, los_s = np.asarray(aos_s, float), np.asarray(los_s, float)
    if len(aos_s) == 0:
        return float(sim_duration_s) if include_boundary else 0.0
    starts = np.unique(aos_s)  # sorted distinct AOS
    successor = np.searchsorted(starts, aos_s, side="right")
    has_successor = successor < len(starts)
    gap = float(np.max(starts[successor[has_successor]] - los_s[has_successor], initial=0.0))
    if include_boundary:
        gap = max(gap, float(starts[0]), float(sim_duration_s - los_s.max()))
    return max(gap, 0.0)


def max_gap_by_satellite_s(aos_s: np.ndarray, los_s: np.ndarray, satellite_of_contact: np.ndarray,
                           n_satellites: int, sim_duration_s: float, *,
                           include_boundary: bool = True) -> np.ndarray:
    """Return :func:`max_gap_s` of every satellite 0..n_satellites-1 over the given (taken) contacts."""
    satellite_of_contact = np.asarray(satellite_of_contact, int)
    return np.array([
        max_gap_s(aos_s[satellite_of_contact == k], los_s[satellite_of_contact == k], sim_duration_s,
                  include_boundary=include_boundary)
        for k in range(n_satellites)
    ], dtype=float)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """Return |objective - bound| / |objective| (0 when equal, inf when objective is 0), None if unknown."""
    if objective is None or bound is None or not (math.isfinite(objective) and math.isfinite(bound)):
        return None
    diff = abs(objective - bound)
    if diff <= 1e-12 * max(1.0, abs(objective)):
        return 0.0
    return diff / abs(objective) if objective != 0 else math.inf


# ----------------------------------------------------------------------------- the result object
@dataclass(frozen=True, eq=False)
class Solution:
    """Status, certificate and selection of one solve (see the module docstring).

    ``objective`` and ``bound`` are in the objective's natural unit: USD for
    ``min_mission_cost`` (2), bits over the mission for ``max_mission_data`` (3),
    seconds for ``min_max_gap`` (4); None when unknown.  ``gap`` is
    |objective - bound| / |objective|.  ``data_by_satellite`` is rho-scaled (bits
    over the mission); ``contacts`` holds the taken contacts of the simulation window.
    """

    status: Status
    objective_name: str
    sense: str
    objective: float | None
    bound: float | None
    gap: float | None
    build_time_s: float
    solve_time_s: float
    n_variables: int
    n_constraints: int
    selected_providers: tuple[str, ...]
    selected_stations: tuple[str, ...]
    contacts: pd.DataFrame
    cost_breakdown: dict[str, float]
    data_by_satellite: dict[str, float]
    data_total_bit: float
    contact_minutes_per_day: dict[str, float]
    max_gap_by_satellite_s: dict[str, float]
    sim_start: pd.Timestamp
    sim_end: pd.Timestamp
    mission_days: float
    problem: dict = field(default_factory=dict)
    message: str = ""
    n_solves: int = 1
    solver_status: str = ""

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_selection(cls, data, taken: np.ndarray | None, *, status: Status, objective_name: str,
                       sense: str, bound: float | None = None, include_boundary: bool = True,
                       **certificate: Any) -> "Solution":
        """Return the solution of ``data`` (a ModelData) for the 0/1 contact vector ``taken``.

        ``taken=None`` (no incumbent) gives empty selections.  ``certificate`` fills
        the remaining fields (build_time_s, solve_time_s, n_variables, n_constraints,
        problem, message, n_solves, solver_status).  The objective is recomputed from
        the selection; the bound is clamped so it never lies beyond the objective.
        """
        status = Status(status)
        tables = selection_tables(data, taken, include_boundary=include_boundary)
        objective = objective_value(objective_name, tables) if taken is not None else None
        if objective is not None and bound is not None and math.isfinite(bound):
            bound = min(bound, objective) if sense == "min" else max(bound, objective)
        sim_start = pd.Timestamp(data.sim_start)
        defaults = dict(build_time_s=0.0, solve_time_s=0.0, n_variables=0, n_constraints=0)
        return cls(
            status=status, objective_name=objective_name, sense=sense, objective=objective, bound=bound,
            gap=relative_gap(objective, bound), sim_start=sim_start,
            sim_end=sim_start + pd.Timedelta(seconds=float(data.sim_duration_s)),
            mission_days=float(data.mission_duration_s) / SECONDS_PER_DAY,
            **tables, **{**defaults, **certificate},
        )

    # ------------------------------------------------------------------ views
    @property
    def providers(self) -> pd.DataFrame:
        """Return one row per selected provider: n_stations, n_contacts, contact_time_s, volume_bit, cost_usd."""
        return _usage_table(self.contacts, "provider", self.selected_providers)

    @property
    def stations(self) -> pd.DataFrame:
        """Return one row per selected station: provider, n_contacts, contact_time_s, volume_bit, cost_usd."""
        return _usage_table(self.contacts, "station_id", self.selected_stations)

    @property
    def satellites(self) -> pd.DataFrame:
        """Return one row per satellite: data_bit (mission), contact_minutes_per_day, max_gap_s."""
        ids = list(self.data_by_satellite)
        out = pd.DataFrame({
            "satellite_id": pd.Series(ids, dtype="str"),
            "data_bit": [self.data_by_satellite[k] for k in ids],
            "contact_minutes_per_day": [self.contact_minutes_per_day.get(k, 0.0) for k in ids],
            "max_gap_s": [self.max_gap_by_satellite_s.get(k, math.nan) for k in ids],
        })
        out.attrs["units"] = {"data_bit": "bit", "contact_minutes_per_day": "min/day", "max_gap_s": "s"}
        return out

    @property
    def cost_table(self) -> pd.DataFrame:
        """Return the terms of Eq. (2) as a table: term, cost_usd (the last row is the total)."""
        out = pd.DataFrame({"term": pd.Series(list(self.cost_breakdown), dtype="str"),
                            "cost_usd": list(self.cost_breakdown.values())})
        out.attrs["units"] = {"cost_usd": "USD"}
        return out

    def summary(self) -> dict[str, Any]:
        """Return one flat row (scalars only) for experiments to stack into a DataFrame."""
        gaps = list(self.max_gap_by_satellite_s.values())
        row: dict[str, Any] = {
            "status": self.status.value, "objective_name": self.objective_name, "sense": self.sense,
            "objective": self.objective, "bound": self.bound, "gap": self.gap,
            "build_time_s": self.build_time_s, "solve_time_s": self.solve_time_s,
            "n_variables": self.n_variables, "n_constraints": self.n_constraints, "n_solves": self.n_solves,
            "n_providers": len(self.selected_providers), "n_stations": len(self.selected_stations),
            "n_contacts": len(self.contacts), "providers": ";".join(self.selected_providers),
            "data_total_bit": self.data_total_bit, "max_gap_s": max(gaps) if gaps else None,
            "mission_days": self.mission_days,
        }
        for term in (*COST_TERMS, "total"):
            row[f"cost_{term}_usd"] = self.cost_breakdown.get(term)
        return row

    def raise_for_status(self) -> "Solution":
        """Return self if the status is OPTIMAL or FEASIBLE, else raise :class:`gstk.errors.SolveError`."""
        if not self.status.has_solution:
            detail = f": {self.message}" if self.message else ""
            raise SolveError(f"the solve of {self.objective_name} ended with status {self.status.value}{detail}")
        return self

    # ------------------------------------------------------------------ equality and display
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Solution):
            return NotImplemented
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, pd.DataFrame):
                if not (isinstance(b, pd.DataFrame) and a.equals(b) and list(a.columns) == list(b.columns)
                        and a.dtypes.astype(str).tolist() == b.dtypes.astype(str).tolist()):
                    return False
            elif isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
                continue
            elif a != b:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if not self.status.has_solution:
            note = " ".join(self.message.split())
            note = f' "{note[:77]}..."' if len(note) > 80 else (f' "{note}"' if note else "")
            return f"<Solution {self.status.value} {self.objective_name}{note}>"
        parts = [f"<Solution {self.status.value}", f"cost={format_usd(self.cost_breakdown.get('total', 0.0))}",
                 f"data={format_bits(self.data_total_bit)}"]
        if self.objective_name == "min_max_gap":
            parts.append(f"max_gap={format_seconds(self.objective)}")
        parts.append(f"gap={format_percent(self.gap)}")
        parts.append(f"{len(self.selected_providers)} provider{'s' * (len(self.selected_providers) != 1)}")
        parts.append(f"{len(self.selected_stations)} station{'s' * (len(self.selected_stations) != 1)}>")
        return " ".join(parts)

    def _repr_html_(self) -> str:
        return solution_html(self)

    # ------------------------------------------------------------------ JSON
    def to_json(self, path: str | Path | None = None) -> str:
        """Return the solution as JSON text (and write it to ``path`` if given); lossless.

        Top-level keys are the dataclass fields plus ``schema`` and ``contacts_dtypes``;
        timestamps are ISO-8601 UTC ('Z'), contacts a list of records.  Non-finite
        floats are written as Python's ``json`` writes them (``Infinity``, ``NaN``).
        """
        record: dict[str, Any] = {"schema": _SCHEMA_VERSION}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "contacts":
                record["contacts"] = _frame_records(value)
                record["contacts_dtypes"] = {c: str(t) for c, t in value.dtypes.items()}
            elif isinstance(value, pd.Timestamp):
                record[f.name] = _iso_utc(value)
            elif isinstance(value, Enum):
                record[f.name] = value.value
            elif isinstance(value, tuple):
                record[f.name] = list(value)
            else:
                record[f.name] = value
        text = json.dumps(record, indent=1, default=_json_scalar)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, path_or_text: str | Path) -> "Solution":
        """Return the solution stored by :meth:`to_json` (a path or the JSON text itself)."""
        text = str(path_or_text)
        if not text.lstrip().startswith("{"):
            text = Path(path_or_text).read_text(encoding="utf-8")
        record = json.loads(text)
        dtypes = record.pop("contacts_dtypes", {})
        record.pop("schema", None)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(record) - names)
        if unknown:
            raise SolveError(f"solution JSON has unknown key(s) {unknown}; expected {sorted(names)}")
        record["status"] = Status(record["status"])
        record["contacts"] = _frame_from_records(record.get("contacts", []), dtypes)
        for key in ("sim_start", "sim_end"):
            record[key] = pd.Timestamp(record[key]).tz_convert("UTC")
        for key in ("selected_providers", "selected_stations"):
            record[key] = tuple(record[key])
        return cls(**record)


# ----------------------------------------------------------------------------- tables from x
def selection_tables(data, taken: np.ndarray | None, *, include_boundary: bool = True) -> dict[str, Any]:
    """Return the selection fields of a :class:`Solution` for the 0/1 contact vector ``taken``.

    y, z and w are rebuilt from x: a station is used iff a contact there is taken
    (5), a provider iff one of its stations is used (6), a licence (s, k) iff a
    contact of k at s is taken (7).
    """
    if taken is None:
        return dict(selected_providers=(), selected_stations=(), contacts=taken_contacts(data, None),
                    cost_breakdown={}, data_by_satellite={}, data_total_bit=0.0,
                    contact_minutes_per_day={}, max_gap_by_satellite_s={})
    x = np.asarray(taken, float).round().astype(bool)
    y = np.bincount(data.station_of_contact[x], minlength=len(data.station_ids)) > 0
    z = np.bincount(data.provider_of_station[y], minlength=len(data.provider_ids)) > 0
    w = np.bincount(data.pair_of_contact[x], minlength=len(data.pair_station)) > 0
    costs = mission_cost_breakdown_usd(
        integration_cost_usd=data.integration_cost_usd, providers_used=z.astype(float),
        setup_cost_usd=data.setup_cost_usd, monthly_cost_usd=data.monthly_cost_usd, stations_used=y.astype(float),
        licence_cost_usd_per_pair=data.pair_licence_cost_usd, pairs_used=w.astype(float),
        contact_cost=data.contact_cost_usd, contacts_taken=x.astype(float),
        mission_duration_s=data.mission_duration_s, sim_duration_s=data.sim_duration_s,
    )
    n_sat = len(data.satellite_ids)
    sat = data.satellite_of_contact[x]
    data_bit = data.surrogate_scale * np.bincount(sat, weights=data.volume_bit[x], minlength=n_sat)
    minutes = np.bincount(sat, weights=data.duration_s[x], minlength=n_sat) / SECONDS_PER_MINUTE
    minutes_per_day = minutes / (data.sim_duration_s / SECONDS_PER_DAY)
    gaps = max_gap_by_satellite_s(data.aos_s[x], data.los_s[x], sat, n_sat, data.sim_duration_s,
                                  include_boundary=include_boundary)
    ids = data.satellite_ids
    return dict(
        selected_providers=tuple(p for p, used in zip(data.provider_ids, z) if used),
        selected_stations=tuple(s for s, used in zip(data.station_ids, y) if used),
        contacts=taken_contacts(data, x), cost_breakdown=costs,
        data_by_satellite={k: float(v) for k, v in zip(ids, data_bit)}, data_total_bit=float(data_bit.sum()),
        contact_minutes_per_day={k: float(v) for k, v in zip(ids, minutes_per_day)},
        max_gap_by_satellite_s={k: float(v) for k, v in zip(ids, gaps)},
    )


def objective_value(objective_name: str, tables: dict[str, Any]) -> float:
    """Return the objective (2), (3) or (4) in its natural unit from :func:`selection_tables` output."""
    if objective_name == "min_mission_cost":
        return float(tables["cost_breakdown"]["total"])
    if objective_name == "max_mission_data":
        return float(tables["data_total_bit"])
    if objective_name == "min_max_gap":
        return float(max(tables["max_gap_by_satellite_s"].values(), default=0.0))
    raise SolveError(f"unknown objective {objective_name!r}; expected min_mission_cost, max_mission_data "
                     "or min_max_gap")


def taken_contacts(data, x: np.ndarray | None) -> pd.DataFrame:
    """Return the tidy table of taken contacts (all of ``CONTACT_COLUMNS`` plus extra contact columns)."""
    x = np.zeros(data.n_contacts, bool) if x is None else np.asarray(x, bool)
    source = data.contacts.reset_index(drop=True)
    station = data.station_of_contact
    provider = np.asarray(data.provider_ids, dtype=object)[data.provider_of_station[station]] \
        if data.n_contacts else np.array([], dtype=object)
    out = pd.DataFrame({
        "contact_id": source["contact_id"].astype("str"),
        "satellite_id": source["satellite_id"].astype("str"),
        "station_id": source["station_id"].astype("str"),
        "provider": pd.Series(provider, dtype="str"),
        "aos": pd.to_datetime(source["aos"], utc=True), "los": pd.to_datetime(source["los"], utc=True),
        "aos_s": np.asarray(data.aos_s, float), "los_s": np.asarray(data.los_s, float),
        "duration_s": np.asarray(data.duration_s, float), "volume_bit": np.asarray(data.volume_bit, float),
        "cost_usd": np.asarray(data.contact_cost_usd, float),
    })
    extra = [c for c in source.columns if c not in out.columns]
    out = pd.concat([out, source[extra]], axis=1)[x].reset_index(drop=True)
    out.attrs["units"] = {**source.attrs.get("units", {}), **CONTACT_UNITS}
    out.attrs["units"] = {c: u for c, u in out.attrs["units"].items() if c in out.columns}
    return out


def _usage_table(contacts: pd.DataFrame, key: str, selected: tuple[str, ...]) -> pd.DataFrame:
    grouped = contacts.groupby(key, sort=True)
    out = pd.DataFrame({
        "n_contacts": grouped.size(),
        "contact_time_s": grouped["duration_s"].sum(),
        "volume_bit": grouped["volume_bit"].sum(),
        "cost_usd": grouped["cost_usd"].sum(),
    }).reindex(pd.Index(list(selected), dtype="str", name=key), fill_value=0)
    if key == "provider":
        out.insert(0, "n_stations", grouped["station_id"].nunique().reindex(out.index, fill_value=0))
    else:
        first = grouped["provider"].first().reindex(out.index)
        out.insert(0, "provider", first.astype("str"))
    out = out.reset_index()
    out["n_contacts"] = out["n_contacts"].astype(int)
    out.attrs["units"] = {"contact_time_s": "s", "volume_bit": "bit (simulation window)",
                          "cost_usd": "USD (simulation window)"}
    return out


# ----------------------------------------------------------------------------- JSON helpers
def _iso_utc(value: pd.Timestamp) -> str:
    value = pd.Timestamp(value)
    value = value.tz_localize("UTC") if value.tzinfo is None else value.tz_convert("UTC")
    return value.isoformat().replace("+00:00", "Z")


def _json_scalar(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return _iso_utc(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to solution JSON")


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = {}
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(col):
            columns[name] = [None if pd.isna(v) else _iso_utc(v) for v in col]
        else:
            columns[name] = [None if (not isinstance(v, float) and pd.isna(v)) else
                             (v.item() if isinstance(v, np.generic) else v) for v in col.tolist()]
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def _frame_from_records(records: list[dict[str, Any]], dtypes: dict[str, str]) -> pd.DataFrame:
    columns = list(dtypes) or list(CONTACT_COLUMNS)
    frame = pd.DataFrame({c: [r.get(c) for r in records] for c in columns})
    for name, dtype in dtypes.items():
        if dtype.startswith("datetime64"):
            parsed = pd.to_datetime(frame[name], utc=True, format="ISO8601")
            frame[name] = parsed.astype(dtype)
        else:
            frame[name] = frame[name].astype(dtype)
    units = {**CONTACT_UNITS}
    frame.attrs["units"] = {c: u for c, u in units.items() if c in frame.columns}
    return frame


# ----------------------------------------------------------------------------- formatting
def format_usd(usd: float | None) -> str:
    """Return '$1.23M'-style money text."""
    if usd is None or not math.isfinite(usd):
        return "n/a"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(usd) >= scale:
            return f"${usd / scale:.2f}{suffix}"
    return f"${usd:.0f}"


def format_bits(bits: float | None) -> str:
    """Return '4.5 TB' / '12.3 GB' text (1 TB = 1e12 bytes)."""
    if bits is None or not math.isfinite(bits):
        return "n/a"
    if abs(bits) >= 1000 * BITS_PER_TB:
        return f"{bits / BITS_PER_TB:,.0f} TB"
    if abs(bits) >= BITS_PER_TB:
        return f"{bits / BITS_PER_TB:.3g} TB"
    return f"{bits / BITS_PER_GB:.3g} GB"


def format_seconds(seconds: float | None) -> str:
    """Return '2.50 h' / '42 min' / '12 s' text."""
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    if seconds >= SECONDS_PER_HOUR:
        return f"{seconds / SECONDS_PER_HOUR:.2f} h"
    if seconds >= SECONDS_PER_MINUTE:
        return f"{seconds / SECONDS_PER_MINUTE:.1f} min"
    return f"{seconds:.0f} s"


def format_percent(fraction: float | None) -> str:
    """Return '0.00%' text ('n/a' when unknown)."""
    if fraction is None:
        return "n/a"
    return "inf%" if math.isinf(fraction) else f"{100 * fraction:.2f}%"


_BADGE_COLORS = {Status.OPTIMAL: "#2e7d32", Status.FEASIBLE: "#ef6c00"}


def _objective_text(solution: Solution, value: float | None) -> str:
    unit = {"min_mission_cost": format_usd, "max_mission_data": format_bits, "min_max_gap": format_seconds}
    return unit.get(solution.objective_name, lambda v: "n/a" if v is None else f"{v:.6g}")(value)


def solution_html(solution: Solution, rows: int = 5) -> str:
    """Return the HTML view: status badge, certificate table, heads of the main tables."""
    color = _BADGE_COLORS.get(solution.status, "#c62828")
    badge = (f'<span class="gstk-status" style="background:{color};color:white;padding:2px 8px;'
             f'border-radius:4px;font-weight:bold">{solution.status.value}</span>')
    certificate = {
        "objective": f"{solution.objective_name} ({solution.sense})",
        "objective value": _objective_text(solution, solution.objective),
        "best bound": _objective_text(solution, solution.bound),
        "relative gap": format_percent(solution.gap),
        "total cost": format_usd(solution.cost_breakdown.get("total")),
        "mission data": format_bits(solution.data_total_bit),
        "providers / stations / contacts":
            f"{len(solution.selected_providers)} / {len(solution.selected_stations)} / {len(solution.contacts)}",
        "build / solve time": f"{solution.build_time_s:.2f} s / {solution.solve_time_s:.2f} s",
        "variables / constraints / solves": f"{solution.n_variables} / {solution.n_constraints} / {solution.n_solves}",
        "simulation window": f"{_iso_utc(solution.sim_start)} to {_iso_utc(solution.sim_end)}",
        "mission": f"{solution.mission_days:g} days",
    }
    cert_rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                        for k, v in certificate.items())
    parts = [f'<div class="gstk-solution"><p>{badge} <b>Solution</b></p>',
             f'<table class="gstk-certificate">{cert_rows}</table>']
    if solution.message:
        parts.append(f"<p class='gstk-message'>{html.escape(solution.message)}</p>")
    if solution.status.has_solution:
        tables = [("Cost breakdown", solution.cost_table), ("Providers", solution.providers),
                  ("Stations", solution.stations), ("Satellites", solution.satellites),
                  (f"Contacts ({len(solution.contacts)})", solution.contacts[list(CONTACT_COLUMNS)])]
        for title, table in tables:
            parts.append(f"<h4>{html.escape(title)}</h4>{table.head(rows).to_html(index=False)}")
    parts.append("</div>")
    return "\n".join(parts)
