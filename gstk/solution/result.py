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

from gstk.errors import SolutionFileError, SolveError
from gstk.problem.costs import COST_TERMS, DEFAULT_COST_MODEL
from gstk.problem.specs import SPEC_TYPES
from gstk.solution.render import format_bits, format_percent, format_seconds, format_usd
from gstk.solution.schema import SCHEMA_VERSION, JsonLiteral, checked_record
from gstk.solution.tables import CONTACT_COLUMNS, CONTACT_UNITS, objective_value, selection_tables, usage_table
from gstk.times import iso_utc, utc_series
from gstk.units import SECONDS_PER_DAY

__all__ = ["Status", "Solution", "relative_gap"]


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

    def sentence(self, *, proven: bool = True, gap: float | None = None) -> str:
        """Return the plain-words explanation of this status that solver messages start with.

        ``proven`` False says an OPTIMAL stop was within the requested gap rather than exact;
        ``gap`` is appended to a FEASIBLE one.

        Examples
        --------
        >>> Status.FEASIBLE.sentence(gap=0.125)
        'a limit was reached; the best solution found is kept but not proven optimal (relative gap 12.50%)'
        """
        text = {
            Status.OPTIMAL: "proven optimal" if proven else "optimal within the requested relative gap",
            Status.FEASIBLE: "a limit was reached; the best solution found is kept but not proven optimal",
            Status.NO_SOLUTION: "a limit was reached before any feasible solution was found",
            Status.INFEASIBLE: "the model is infeasible: no selection satisfies every constraint",
            Status.UNBOUNDED: "the model is unbounded",
            Status.ERROR: "the solver failed",
        }[self]
        if gap is not None and self is Status.FEASIBLE:
            text += f" (relative gap {100 * gap:.2f}%)"
        return text


# ----------------------------------------------------------------------------- certificate
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
    ``cost_model`` names the cost model (:mod:`gstk.problem.costs`) every cost in it,
    the objective of (2) included, was priced with: the problem's.
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
    cost_model: str = DEFAULT_COST_MODEL

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
            cost_model=getattr(data, "cost_model", DEFAULT_COST_MODEL),
            **tables, **{**defaults, **certificate},
        )

    # ------------------------------------------------------------------ views
    @property
    def providers(self) -> pd.DataFrame:
        """Return one row per selected provider: n_stations, n_contacts, contact_time_s, volume_bit, cost_usd."""
        return usage_table(self.contacts, "provider", self.selected_providers)

    @property
    def stations(self) -> pd.DataFrame:
        """Return one row per selected station: provider, n_contacts, contact_time_s, volume_bit, cost_usd."""
        return usage_table(self.contacts, "station_id", self.selected_stations)

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
            "mission_days": self.mission_days, "cost_model": self.cost_model,
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
        if self.cost_model != DEFAULT_COST_MODEL:
            parts.append(f"costed {self.cost_model}")
        parts.append(f"{len(self.selected_providers)} provider{'s' * (len(self.selected_providers) != 1)}")
        parts.append(f"{len(self.selected_stations)} station{'s' * (len(self.selected_stations) != 1)}>")
        return " ".join(parts)

    def _repr_html_(self) -> str:
        return solution_html(self)

    # ------------------------------------------------------------------ JSON
    def to_json(self, path: str | Path | None = None) -> str:
        """Return the solution as JSON text (and write it to ``path`` if given); lossless.

        Top-level keys are the dataclass fields plus ``schema`` and ``contacts_dtypes``;
        timestamps are ISO-8601 UTC ('Z'), contacts a list of records.  The text is strict
        JSON: non-finite floats (an unlimited ``MaxContactGap.gap_s``, an infinite relative
        gap) are written as the strings ``"inf"``, ``"-inf"`` and ``"nan"``, the spelling
        scenario files use.  :meth:`from_json` reads them back as floats wherever a float
        belongs (float fields, the float-valued dicts, float parameters of the specs in
        ``problem``, float contact columns) and leaves strings elsewhere untouched.
        """
        record: dict[str, Any] = {"schema": SCHEMA_VERSION}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "contacts":
                record["contacts"] = _frame_records(value)
                record["contacts_dtypes"] = {c: str(t) for c, t in value.dtypes.items()}
            elif isinstance(value, pd.Timestamp):
                record[f.name] = iso_utc(value)
            elif isinstance(value, Enum):
                record[f.name] = value.value
            elif isinstance(value, tuple):
                record[f.name] = list(value)
            else:
                record[f.name] = value
        text = json.dumps(_finite(record), indent=1, default=_json_scalar, allow_nan=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, path_or_text: str | Path) -> "Solution":
        """Return the solution stored by :meth:`to_json` (a path or the JSON text itself).

        The record is checked against the schema of :mod:`gstk.solution.schema` first: a missing
        key, a value of the wrong type, a malformed contact raise one
        :class:`~gstk.errors.SolutionFileError` naming the key (``solution.contacts[3].aos: ...``).
        """
        text = str(path_or_text)
        if not text.lstrip().startswith("{"):
            text = Path(path_or_text).read_text(encoding="utf-8")
        try:
            record = json.loads(text, parse_constant=JsonLiteral)
        except json.JSONDecodeError as exc:
            raise SolutionFileError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:  # an integer of more than 4300 digits, nesting too deep
            raise SolutionFileError(f"invalid JSON: {' '.join(str(exc).split())[:200] or type(exc).__name__}") from None
        fields = checked_record(record, statuses=[s.value for s in Status])
        records, dtypes = fields.pop("contacts")
        if isinstance(fields.get("problem"), dict):
            fields["problem"] = _problem_floats(fields["problem"])
        fields["status"] = Status(fields["status"])
        fields["contacts"] = _frame_from_records(records, dtypes)
        return cls(**fields)


# ----------------------------------------------------------------------------- JSON helpers
#: Strict JSON has no Infinity or NaN: non-finite floats travel as these strings.
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _finite(value: Any) -> Any:
    """Return ``value`` with every non-finite float, at any depth, replaced by "inf", "-inf" or "nan"."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _float(value: Any) -> Any:
    """Return the float a JSON value in a float position stands for ("inf", "-inf", "nan" included)."""
    return _NON_FINITE[value] if isinstance(value, str) and value in _NON_FINITE else value


def _problem_floats(problem: dict) -> dict:
    """Return ``Solution.problem`` with the float parameters of known spec types decoded by :func:`_float`."""
    def spec(entry: Any) -> Any:
        cls = SPEC_TYPES.get(entry.get("type")) if isinstance(entry, dict) else None
        if cls is None:
            return entry
        floats = {f.name for f in dataclasses.fields(cls) if "float" in str(f.type)}
        return {k: _float(v) if k in floats else v for k, v in entry.items()}

    out = dict(problem)
    if "objective" in out:
        out["objective"] = spec(out["objective"])
    if isinstance(out.get("constraints"), list):
        out["constraints"] = [spec(c) for c in out["constraints"]]
    return out


def _json_scalar(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return iso_utc(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to solution JSON")


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = {}
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(col):
            columns[name] = [None if pd.isna(v) else iso_utc(v) for v in col]
        else:
            columns[name] = [None if (not isinstance(v, float) and pd.isna(v)) else
                             (v.item() if isinstance(v, np.generic) else v) for v in col.tolist()]
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def _frame_from_records(records: list[dict[str, Any]], dtypes: dict[str, str]) -> pd.DataFrame:
    columns = list(dtypes) or list(CONTACT_COLUMNS)
    frame = pd.DataFrame({c: [r.get(c) for r in records] for c in columns})
    for name, dtype in dtypes.items():
        if dtype.startswith("datetime64"):
            parsed = utc_series(frame[name], format="ISO8601")
            frame[name] = parsed.astype(dtype)
        else:
            frame[name] = frame[name].astype(dtype)
    units = {**CONTACT_UNITS}
    frame.attrs["units"] = {c: u for c, u in units.items() if c in frame.columns}
    return frame


# ----------------------------------------------------------------------------- HTML view
_BADGE_COLORS = {"OPTIMAL": "#2e7d32", "FEASIBLE": "#ef6c00"}  # by status name; others red


def _objective_text(solution: Solution, value: float | None) -> str:
    unit = {"min_mission_cost": format_usd, "max_mission_data": format_bits, "min_max_gap": format_seconds}
    return unit.get(solution.objective_name, lambda v: "n/a" if v is None else f"{v:.6g}")(value)


def solution_html(solution: Solution, rows: int = 5) -> str:
    """Return the HTML view: status badge, certificate table, heads of the main tables."""
    color = _BADGE_COLORS.get(solution.status.value, "#c62828")
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
        "simulation window": f"{iso_utc(solution.sim_start)} to {iso_utc(solution.sim_end)}",
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
