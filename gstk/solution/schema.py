"""The schema of solution JSON, checked key by key when a solution file is read.

:meth:`gstk.solution.Solution.to_json` writes one object: the :class:`~gstk.solution.Solution`
fields, ``schema`` (the version, 1) and ``contacts_dtypes`` (column -> pandas dtype of the taken
contacts).  :func:`checked_record` takes the parsed JSON and returns the values the Solution is
built from, every one checked (type, range) and decoded: ISO-8601 times become UTC Timestamps and the
strings ``"inf"``, ``"-inf"`` and ``"nan"`` in number positions become floats (strict JSON has no
such numbers; the literals ``Infinity`` and ``NaN`` are refused).  The first problem raises one
:class:`~gstk.errors.SolutionFileError` naming the key path and what was expected, e.g.
``solution.contacts[3].aos: expected an ISO-8601 UTC time, got None``.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from gstk.errors import SolutionFileError
from gstk.problem.costs import COST_MODELS
from gstk.problem.specs import SPEC_TYPES
from gstk.solution.tables import CONTACT_COLUMNS
from gstk.times import utc

__all__ = [
    "DEFAULT_CONTACT_DTYPES",
    "FIELD_KINDS",
    "OPTIONAL_FIELDS",
    "SCHEMA_VERSION",
    "JsonLiteral",
    "checked_record",
]

SCHEMA_VERSION = 1
#: Top-level key -> kind of value (see :func:`checked_record`).
FIELD_KINDS = {
    "status": "status", "objective_name": "objective_name", "sense": "sense",
    "objective": "number or null", "bound": "number or null", "gap": "number or null",
    "build_time_s": "seconds", "solve_time_s": "seconds", "n_variables": "count", "n_constraints": "count",
    "selected_providers": "names", "selected_stations": "names", "contacts": "contacts",
    "cost_breakdown": "numbers", "data_by_satellite": "numbers", "data_total_bit": "number",
    "contact_minutes_per_day": "numbers", "max_gap_by_satellite_s": "numbers",
    "sim_start": "time", "sim_end": "time", "mission_days": "days",
    "problem": "mapping", "message": "text", "n_solves": "count", "solver_status": "text",
    "cost_model": "cost_model",
}
#: Keys a solution file may leave out (the Solution's defaults apply).
OPTIONAL_FIELDS = ("problem", "message", "n_solves", "solver_status", "cost_model")
#: The dtypes of the always-present contact columns (used when a file has no ``contacts_dtypes``).
DEFAULT_CONTACT_DTYPES = {
    "contact_id": "str", "satellite_id": "str", "station_id": "str", "provider": "str",
    "aos": "datetime64[ns, UTC]", "los": "datetime64[ns, UTC]", "aos_s": "float64", "los_s": "float64",
    "duration_s": "float64", "volume_bit": "float64", "cost_usd": "float64",
}
_DTYPE_KINDS = (("text", re.compile(r"str|string|object")), ("bool", re.compile(r"bool")),
                ("integer", re.compile(r"u?int(8|16|32|64)")), ("float", re.compile(r"float(32|64)")),
                ("time", re.compile(r"datetime64\[(s|ms|us|ns), UTC\]")))
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


class JsonLiteral:
    """A JSON ``Infinity``, ``-Infinity`` or ``NaN`` literal, kept so the checker can name its key."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


def _fail(where: str, expected: str, value: Any) -> SolutionFileError:
    text = repr(value)
    text = text if len(text) <= 60 else f"{text[:45]}...{text[-10:]} ({len(text)} characters)"
    return SolutionFileError(f"{where}: expected {expected}, got {text}", key=where)


# --------------------------------------------------------------------------- values
def _number(value: Any, where: str, *, finite: bool = False, minimum: float | None = None) -> float:
    """Return a JSON number (or "inf"/"-inf"/"nan" unless ``finite``) as a float."""
    if isinstance(value, str) and value in _NON_FINITE and not finite:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, int) and abs(value) > 1.7e308):
        spelled = "" if finite else ' (or "inf", "-inf", "nan")'
        raise _fail(where, f"a {'finite ' if finite else ''}number{spelled}", value)
    if finite and not math.isfinite(value):
        raise _fail(where, "a finite number", value)
    if minimum is not None and not value >= minimum:
        raise _fail(where, f"a number >= {minimum:g}", value)
    return value


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, "an integer >= 0", value)
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, "a string", value)
    return value


def _time(value: Any, where: str) -> pd.Timestamp:
    """Return ISO-8601 text as a UTC Timestamp (the one UTC rule), within the nanosecond range."""
    try:
        stamp = utc(value) if isinstance(value, str) else None
        if stamp is not None:
            stamp.as_unit("ns")
    except (ValueError, TypeError, OverflowError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        raise _fail(where, "an ISO-8601 UTC time such as '2025-03-11T00:00:00Z'", value)
    return stamp


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, Mapping):
        raise _fail(where, "a mapping", value)
    return dict(value)


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(where, "a list of names", value)
    return tuple(_text(v, f"{where}[{i}]") for i, v in enumerate(value))


def _numbers(value: Any, where: str) -> dict[str, float]:
    return {k: _number(v, f"{where}.{k}") for k, v in _mapping(value, where).items()}


def _no_literals(value: Any, where: str) -> Any:
    """Return ``value`` (any JSON) after checking that no Infinity/NaN literal hides in it."""
    if isinstance(value, JsonLiteral):
        raise SolutionFileError(f"{where}: the literal {value.name} is not strict JSON; gstk writes non-finite "
                                'numbers as the strings "inf", "-inf" and "nan"', key=where)
    if isinstance(value, dict):
        for k, v in value.items():
            _no_literals(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_literals(v, f"{where}[{i}]")
    return value


def _choice(options: Iterable[str]) -> Callable[[Any, str], str]:
    options = tuple(options)

    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or value not in options:
            raise _fail(where, f"one of {', '.join(options)}", value)
        return value
    return check


def _objective_names() -> tuple[str, ...]:
    return tuple(sorted(cls().builder for cls in SPEC_TYPES.values() if cls.kind == "objective"))


# --------------------------------------------------------------------------- contacts
def _dtype_kind(dtype: Any, where: str) -> str:
    for kind, pattern in _DTYPE_KINDS:
        if isinstance(dtype, str) and pattern.fullmatch(dtype):
            return kind
    raise _fail(where, "a dtype gstk writes (str, bool, int64, float64, datetime64[ns, UTC])", dtype)


def _contact_value(value: Any, kind: str, where: str, required: bool) -> Any:
    if value is None and not required and kind in ("text", "time"):
        return None
    if kind == "text":
        return _text(value, where) if required or not isinstance(value, (int, float, bool)) else value
    if kind == "time":  # checked here, parsed with the whole column
        _time(value, where)
        return value
    if kind == "float":
        return _number(value, where)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(where, "an integer", value)
        return value
    if not isinstance(value, bool):
        raise _fail(where, "true or false", value)
    return value


def _contacts(records: Any, dtypes: Any) -> tuple[list[dict], dict[str, str]]:
    """Return the checked contact records (times still text) and their dtypes."""
    if dtypes is None:
        dtypes = dict(DEFAULT_CONTACT_DTYPES)
    dtypes = _mapping(dtypes, "solution.contacts_dtypes")
    kinds = {c: _dtype_kind(t, f"solution.contacts_dtypes.{c}") for c, t in dtypes.items()}
    missing = [c for c in CONTACT_COLUMNS if c not in dtypes]
    if missing:
        raise SolutionFileError(f"solution.contacts_dtypes: lacks column(s) {missing}; expected every one of "
                                f"{list(CONTACT_COLUMNS)}", key="solution.contacts_dtypes")
    if not isinstance(records, list):
        raise _fail("solution.contacts", "a list of contact records", records)
    out = []
    for i, record in enumerate(records):
        where = f"solution.contacts[{i}]"
        record = _mapping(record, where)
        unknown = [k for k in record if k not in dtypes]
        if unknown:
            raise SolutionFileError(f"{where}.{unknown[0]}: unknown column; expected one of contacts_dtypes "
                                    f"({', '.join(dtypes)})", key=f"{where}.{unknown[0]}")
        lacking = [c for c in dtypes if c not in record]
        if lacking:
            raise SolutionFileError(f"{where}.{lacking[0]}: missing (every contact has every column of "
                                    "contacts_dtypes)", key=f"{where}.{lacking[0]}")
        row = {c: _contact_value(record[c], kinds[c], f"{where}.{c}", c in CONTACT_COLUMNS) for c in dtypes}
        if utc(row["los"]) < utc(row["aos"]):
            raise _fail(f"{where}.los", f"a time >= aos {record['aos']}", record["los"])
        out.append(row)
    return out, {c: str(t) for c, t in dtypes.items()}


# --------------------------------------------------------------------------- the record
def checked_record(record: Any, *, statuses: Iterable[str]) -> dict[str, Any]:
    """Return the Solution's fields from a parsed solution JSON, each checked and decoded.

    ``statuses`` are the names of :class:`~gstk.solution.Status`.  ``"contacts"`` comes back as
    ``(records, dtypes)``: the checked records (times still text) and ``contacts_dtypes``.
    """
    if not isinstance(record, Mapping):
        raise _fail("solution", "a JSON object (a solution written by `gstk solve`)", record)
    record = dict(_no_literals(record, "solution"))
    version = record.pop("schema", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise _fail("solution.schema", f"schema version {SCHEMA_VERSION}", version)
    dtypes = record.pop("contacts_dtypes", None)
    unknown = sorted(set(record) - set(FIELD_KINDS), key=str)
    if unknown:
        more = f" (and {len(unknown) - 1} more unknown keys)" if len(unknown) > 1 else ""
        raise SolutionFileError(f"solution.{unknown[0]}: unknown key{more}; expected the keys `gstk solve` writes: "
                                f"{', '.join(FIELD_KINDS)}, schema, contacts_dtypes", key=f"solution.{unknown[0]}")
    missing = [k for k in FIELD_KINDS if k not in record and k not in OPTIONAL_FIELDS]
    if missing:
        raise SolutionFileError(f"solution.{missing[0]}: missing (required: every solution `gstk solve` writes "
                                "has it)", key=f"solution.{missing[0]}")
    checks: dict[str, Callable[[Any, str], Any]] = {
        "status": _choice(statuses), "objective_name": _choice(_objective_names()), "sense": _choice(("min", "max")),
        "number or null": lambda v, w: None if v is None else _number(v, w),
        "number": _number, "seconds": lambda v, w: _number(v, w, finite=True, minimum=0),
        "days": lambda v, w: _positive(v, w), "count": _count, "names": _names, "numbers": _numbers,
        "time": _time, "mapping": _mapping, "text": _text, "cost_model": _choice(COST_MODELS),
    }
    out: dict[str, Any] = {}
    for key, value in record.items():
        kind = FIELD_KINDS[key]
        out[key] = _contacts(value, dtypes) if kind == "contacts" else checks[kind](value, f"solution.{key}")
    if not out["sim_end"] > out["sim_start"]:
        raise _fail("solution.sim_end", f"a time after sim_start {record['sim_start']}", record["sim_end"])
    return out


def _positive(value: Any, where: str) -> float:
    value = _number(value, where, finite=True)
    if not value > 0:
        raise _fail(where, "a number > 0", value)
    return value
