"""Frozen specifications users compose into a problem (formulation §4–6).

Each class names one objective, constraint or prefilter; its snake_case
``builder`` is the key in ``Model.constraints``, the check in ``verify.py`` and
the test ``test_<builder>``.  Parameters are validated on creation, so model
builders never validate.

Examples
--------
>>> MaxMonthlyCost(usd=20_000).builder
'max_monthly_cost'
>>> spec_from_dict({"type": "MaxProviders", "count": 3})
MaxProviders(count=3)
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, ClassVar

from gstk.errors import SpecError
from gstk.times import iso_utc, utc
from gstk.units import SECONDS_PER_DAY, SECONDS_PER_HOUR

STATUSES = ("Operational", "Planned", "Potential", "Decommissioned")


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def _positive(spec: object, field: str, *, allow_zero: bool = False) -> None:
    value = getattr(spec, field)
    ok = isinstance(value, (int, float)) and math.isfinite(value) and (
        value >= 0 if allow_zero else value > 0
    )
    if not ok or isinstance(value, bool):
        bound = ">= 0" if allow_zero else "> 0"
        raise SpecError(
            f"{type(spec).__name__}.{field} must be a finite number {bound}, got {value!r}"
        )


def _count(spec: object, field: str, *, minimum: int = 0) -> None:
    value = getattr(spec, field)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SpecError(f"{type(spec).__name__}.{field} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class Spec:
    """Base of every specification; ``kind`` is 'objective', 'constraint' or 'prefilter'."""

    kind: ClassVar[str] = "constraint"
    equation: ClassVar[str] = ""

    @property
    def builder(self) -> str:
        """Return the snake_case name shared by builder, verifier check and test."""
        return _snake(type(self).__name__)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with a ``type`` key (inverse of :func:`spec_from_dict`)."""
        out: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


# --------------------------------------------------------------------------- objectives
@dataclass(frozen=True)
class MinMissionCost(Spec):
    """Eq. (2): minimize total mission cost in USD."""

    kind: ClassVar[str] = "objective"
    equation: ClassVar[str] = "(2)"
    sense: ClassVar[str] = "min"


@dataclass(frozen=True)
class MaxMissionData(Spec):
    """Eq. (3): maximize total mission downlink in bits."""

    kind: ClassVar[str] = "objective"
    equation: ClassVar[str] = "(3)"
    sense: ClassVar[str] = "max"


@dataclass(frozen=True)
class MinMaxGap(Spec):
    """Eq. (4): minimize the largest contact gap of any satellite, in seconds.

    ``include_boundary`` counts window start -> first contact and last contact ->
    window end as gaps (default); False is the paper's definition.  ``form`` is
    'exact' (gstk's compact method) or 'dense' (the paper's O(n^2) successor model).
    """

    kind: ClassVar[str] = "objective"
    equation: ClassVar[str] = "(4)"
    sense: ClassVar[str] = "min"
    include_boundary: bool = True
    form: str = "exact"

    def __post_init__(self):
        if self.form not in ("exact", "dense"):
            raise SpecError(f"MinMaxGap.form must be 'exact' or 'dense', got {self.form!r}")


# --------------------------------------------------------------------------- constraints
@dataclass(frozen=True)
class _PeriodSpec(Spec):
    """Shared fields of per-period constraints: windows [j*step, j*step + window] inside T_sim."""

    window_s: float = SECONDS_PER_DAY
    step_s: float = SECONDS_PER_HOUR

    def __post_init__(self):
        _positive(self, "window_s")
        _positive(self, "step_s")


@dataclass(frozen=True)
class MinConstellationDownlink(_PeriodSpec):
    """Eq. (8): every period window downlinks at least ``volume_bit`` over all satellites."""

    equation: ClassVar[str] = "(8)"
    volume_bit: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        _positive(self, "volume_bit", allow_zero=True)


@dataclass(frozen=True)
class MinSatelliteDownlink(_PeriodSpec):
    """Eq. (9): every satellite downlinks at least ``volume_bit`` in every period window."""

    equation: ClassVar[str] = "(9)"
    volume_bit: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        _positive(self, "volume_bit", allow_zero=True)


@dataclass(frozen=True)
class MaxMonthlyCost(Spec):
    """Eq. (10): monthly recurring plus per-contact cost per mean month <= ``usd``."""

    equation: ClassVar[str] = "(10)"
    usd: float = math.inf

    def __post_init__(self):
        _positive(self, "usd", allow_zero=True) if math.isfinite(self.usd) else None


@dataclass(frozen=True)
class StationContactExclusion(Spec):
    """Eq. (11): at most A_s simultaneous contacts at station s (clique rows or the paper's pairs).

    ``turnaround_s`` is the antenna's setup time tau between two contacts: contacts closer
    than tau (LOS of one to AOS of the next) conflict.  It applies to every station whose
    ``turnaround_s`` column (Problem.stations, else Problem.providers) is empty.
    """

    equation: ClassVar[str] = "(11)"
    form: str = "clique"
    turnaround_s: float = 0.0

    def __post_init__(self):
        if self.form not in ("clique", "pairwise"):
            raise SpecError(f"StationContactExclusion.form must be 'clique' or 'pairwise', got {self.form!r}")
        _positive(self, "turnaround_s", allow_zero=True)


@dataclass(frozen=True)
class SatelliteContactExclusion(Spec):
    """Eq. (12): at most ``max_links`` simultaneous contacts per satellite.

    ``slew_s`` is the satellite's slew time sigma between two stations: contacts of one
    satellite at different stations closer than sigma conflict.  It applies to every
    satellite whose ``slew_s`` column (Problem.satellites) is empty; it needs max_links=1.
    """

    equation: ClassVar[str] = "(12)"
    max_links: int = 1
    form: str = "clique"
    slew_s: float = 0.0

    def __post_init__(self):
        _count(self, "max_links", minimum=1)
        if self.form not in ("clique", "pairwise"):
            raise SpecError(f"SatelliteContactExclusion.form must be 'clique' or 'pairwise', got {self.form!r}")
        _positive(self, "slew_s", allow_zero=True)
        if self.slew_s > 0 and self.max_links != 1:
            raise SpecError(f"SatelliteContactExclusion.slew_s needs max_links=1 (one steerable antenna), "
                            f"got max_links={self.max_links}")


@dataclass(frozen=True)
class MaxContactGap(Spec):
    """Eq. (13): no satellite waits more than ``gap_s`` between taken contacts (0: no gap at all)."""

    equation: ClassVar[str] = "(13)"
    gap_s: float = math.inf
    include_boundary: bool = True

    def __post_init__(self):
        _positive(self, "gap_s", allow_zero=True)


@dataclass(frozen=True)
class MaxProviders(Spec):
    """Eq. (14): at most ``count`` providers."""

    equation: ClassVar[str] = "(14)"
    count: int = 1

    def __post_init__(self):
        _count(self, "count", minimum=0)


@dataclass(frozen=True)
class MinContactsPerPeriod(_PeriodSpec):
    """Eq. (16): every satellite takes at least ``count`` contacts starting in each period window."""

    equation: ClassVar[str] = "(16)"
    count: int = 1

    def __post_init__(self):
        super().__post_init__()
        _count(self, "count", minimum=0)


@dataclass(frozen=True)
class RequiredProvider(Spec):
    """Eq. (17): provider ``provider`` must be used."""

    equation: ClassVar[str] = "(17)"
    provider: str = ""

    def __post_init__(self):
        if not isinstance(self.provider, str) or not self.provider:
            raise SpecError(f"RequiredProvider.provider must be a provider name, got {self.provider!r}")


@dataclass(frozen=True)
class RequiredStation(Spec):
    """Eq. (18): station ``station_id`` must be used."""

    equation: ClassVar[str] = "(18)"
    station_id: str = ""

    def __post_init__(self):
        if not isinstance(self.station_id, str) or not self.station_id:
            raise SpecError(f"RequiredStation.station_id must be a station id, got {self.station_id!r}")


@dataclass(frozen=True)
class StationCount(Spec):
    """Eq. (19): between ``min_count`` and ``max_count`` stations are used."""

    equation: ClassVar[str] = "(19)"
    min_count: int = 0
    max_count: int | None = None

    def __post_init__(self):
        _count(self, "min_count")
        if self.max_count is not None:
            _count(self, "max_count")
            if self.max_count < self.min_count:
                raise SpecError(
                    f"StationCount.max_count ({self.max_count}) is below min_count ({self.min_count})"
                )


@dataclass(frozen=True)
class MaxAntennaUtilization(Spec):
    """Eq. (21): at each station, contact time / (A_s * T_sim) <= ``fraction``."""

    equation: ClassVar[str] = "(21)"
    fraction: float = 1.0

    def __post_init__(self):
        _positive(self, "fraction")
        if self.fraction > 1:
            raise SpecError(f"MaxAntennaUtilization.fraction must be in (0, 1], got {self.fraction!r}")


# --------------------------------------------------------------------------- prefilters
@dataclass(frozen=True)
class MinContactDuration(Spec):
    """Eq. (15), a prefilter: drop contacts shorter than ``duration_s``.

    ``per_provider`` maps a provider to its own minimum (a mission profile's minimum
    contact length, e.g. ``{"AWS": 120}``): a contact at provider p must last at least
    max(``duration_s``, d_p).  Stored as sorted (provider, seconds) pairs.
    """

    kind: ClassVar[str] = "prefilter"
    equation: ClassVar[str] = "(15)"
    duration_s: float = 0.0
    per_provider: tuple[tuple[str, float], ...] = ()

    def __post_init__(self):
        _positive(self, "duration_s", allow_zero=True)
        object.__setattr__(self, "per_provider", _provider_seconds(self.per_provider))

    def minimum_s(self, provider: str) -> float:
        """Return the minimum duration of a contact at ``provider``, in s."""
        return max(self.duration_s, dict(self.per_provider).get(provider, 0.0))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict; ``per_provider`` as a provider -> seconds mapping."""
        return {**super().to_dict(), "per_provider": dict(self.per_provider)}


def _provider_seconds(value: Any) -> tuple[tuple[str, float], ...]:
    """Return a provider -> seconds mapping (or pairs) as sorted pairs, with one-line errors."""
    try:
        pairs = list(value.items()) if isinstance(value, dict) else [tuple(p) for p in value]
    except TypeError:
        pairs = [None]
    out = []
    for pair in pairs:
        ok = (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) and pair[0]
              and isinstance(pair[1], (int, float)) and not isinstance(pair[1], bool)
              and math.isfinite(pair[1]) and pair[1] >= 0)
        if not ok:
            raise SpecError(f"MinContactDuration.per_provider must map provider names to seconds >= 0, "
                            f"got {value!r}")
        out.append((pair[0], float(pair[1])))
    return tuple(sorted(out))


#: What :class:`StationOutages` does with a contact overlapping an outage.
OUTAGE_MODES = ("clip", "drop")


@dataclass(frozen=True)
class StationOutages(Spec):
    """Prefilter: stations are unavailable in ``windows`` (maintenance, other customers' bookings).

    ``windows`` holds (station_id, start, end) triples (or mappings with those keys; times
    are UTC, stored as ISO-8601 text).  ``mode='clip'`` (default) keeps the parts of a contact
    outside every outage of its station (an outage inside a pass leaves two contacts), each
    re-checked against (15); ``mode='drop'`` removes every contact that overlaps an outage.
    """

    kind: ClassVar[str] = "prefilter"
    windows: tuple[tuple[str, str, str], ...] = ()
    mode: str = "clip"

    def __post_init__(self):
        if self.mode not in OUTAGE_MODES:
            raise SpecError(f"StationOutages.mode must be one of {OUTAGE_MODES}, got {self.mode!r}")
        if isinstance(self.windows, (str, dict)):
            raise SpecError(f"StationOutages.windows must be a list of (station_id, start, end), got {self.windows!r}")
        object.__setattr__(self, "windows", tuple(_outage(w, i) for i, w in enumerate(self.windows)))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict; each window as ``{"station_id", "start", "end"}``."""
        return {"type": type(self).__name__, "mode": self.mode,
                "windows": [dict(zip(("station_id", "start", "end"), w)) for w in self.windows]}


def _outage(window: Any, i: int) -> tuple[str, str, str]:
    """Return one outage window as (station_id, start ISO, end ISO), with one-line errors."""
    where = f"StationOutages.windows[{i}]"
    if isinstance(window, dict):
        unknown = sorted(set(window) - {"station_id", "start", "end"})
        if unknown or len(window) != 3:
            raise SpecError(f"{where} must have exactly the keys station_id, start, end, got {sorted(window)}")
        window = (window["station_id"], window["start"], window["end"])
    if isinstance(window, str) or not hasattr(window, "__len__") or len(window) != 3:
        raise SpecError(f"{where} must be (station_id, start, end), got {window!r}")
    station, start, end = window
    if not isinstance(station, str) or not station:
        raise SpecError(f"{where}.station_id must be a station id, got {station!r}")
    try:
        t0, t1 = utc(start), utc(end)
    except (TypeError, ValueError):
        raise SpecError(f"{where}: start and end must be ISO-8601 times, got {start!r}, {end!r}") from None
    if not t1 > t0:
        raise SpecError(f"{where}: end {iso_utc(t1)} is not after start {iso_utc(t0)}")
    return station, iso_utc(t0), iso_utc(t1)


@dataclass(frozen=True)
class AllowedProviders(Spec):
    """Eq. (20), a prefilter: keep only stations of ``providers``."""

    kind: ClassVar[str] = "prefilter"
    equation: ClassVar[str] = "(20)"
    providers: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "providers", tuple(self.providers))
        if not self.providers or not all(isinstance(p, str) for p in self.providers):
            raise SpecError(f"AllowedProviders.providers must be a non-empty list of names, got {self.providers!r}")


@dataclass(frozen=True)
class RequiredBands(Spec):
    """Prefilter: keep only stations supporting every band in ``bands`` (e.g. ('S', 'X'))."""

    kind: ClassVar[str] = "prefilter"
    bands: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "bands", tuple(self.bands))


@dataclass(frozen=True)
class StationStatus(Spec):
    """Prefilter: keep only stations whose status is in ``statuses`` (default: operational)."""

    kind: ClassVar[str] = "prefilter"
    statuses: tuple[str, ...] = ("Operational",)

    def __post_init__(self):
        object.__setattr__(self, "statuses", tuple(self.statuses))
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown or not self.statuses:
            raise SpecError(f"StationStatus.statuses must be a non-empty subset of {STATUSES}, got {self.statuses!r}")


OBJECTIVES = (MinMissionCost, MaxMissionData, MinMaxGap)
CONSTRAINTS = (
    MinConstellationDownlink, MinSatelliteDownlink, MaxMonthlyCost, StationContactExclusion,
    SatelliteContactExclusion, MaxContactGap, MaxProviders, MinContactsPerPeriod, RequiredProvider,
    RequiredStation, StationCount, MaxAntennaUtilization,
)
PREFILTERS = (MinContactDuration, AllowedProviders, RequiredBands, StationStatus, StationOutages)
SPEC_TYPES: dict[str, type[Spec]] = {cls.__name__: cls for cls in OBJECTIVES + CONSTRAINTS + PREFILTERS}


def spec_from_dict(entry: dict[str, Any]) -> Spec:
    """Return the spec a ``{"type": Name, **params}`` dict describes, with one-line errors."""
    if not isinstance(entry, dict) or "type" not in entry:
        raise SpecError(f"a spec must be a mapping with a 'type' key, got {entry!r}")
    name = entry["type"]
    cls = SPEC_TYPES.get(name)
    if cls is None:
        raise SpecError(f"unknown spec type {name!r}; expected one of {sorted(SPEC_TYPES)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    params = {k: v for k, v in entry.items() if k != "type"}
    unknown = sorted(set(params) - set(fields))
    if unknown:
        raise SpecError(f"{name}: unknown key(s) {unknown}; expected some of {sorted(fields)}")
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    try:
        return cls(**params)
    except TypeError as exc:  # wrong types that dataclasses reject
        raise SpecError(f"{name}: {exc}") from None
