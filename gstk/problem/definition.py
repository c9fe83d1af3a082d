"""A ground-station selection problem: objective, constraints and the network's prices and rates.

The three tables are the data of formulation §1 that do not come from the
contact engine:

``stations``  one row per station: ``station_id, provider, setup_cost_usd,
              monthly_cost_usd, licence_cost_usd, pass_cost_usd, minute_cost_usd,
              rate_bps, antennas`` (and optionally ``status``, ``bands``, ``turnaround_s``)
``providers`` one row per provider: ``provider, integration_cost_usd`` (optionally ``turnaround_s``)
``satellites`` one row per satellite: ``satellite_id, rate_bps`` (optionally ``slew_s``)

The optional operations columns are described in :mod:`gstk.problem.operations`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gstk.errors import GstkError, SpecError, UnknownProviderError
from gstk.problem.costs import DEFAULT_COST_MODEL, check_cost_model
from gstk.problem.operations import check_operation_columns, check_operation_references
from gstk.problem.specs import RequiredProvider, RequiredStation, Spec

STATION_PRICE_COLUMNS = (
    "setup_cost_usd", "monthly_cost_usd", "licence_cost_usd", "pass_cost_usd", "minute_cost_usd",
)
STATION_COLUMNS = ("station_id", "provider", *STATION_PRICE_COLUMNS, "rate_bps", "antennas")
PROVIDER_COLUMNS = ("provider", "integration_cost_usd")
SATELLITE_COLUMNS = ("satellite_id", "rate_bps")


def _check_table(df: pd.DataFrame, name: str, columns: tuple[str, ...], key: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise GstkError(f"Problem.{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise GstkError(f"Problem.{name} lacks column(s) {missing}; expected at least {list(columns)}")
    dupes = df[key][df[key].duplicated()].tolist()
    if dupes:
        raise GstkError(f"Problem.{name} has duplicate {key} values {dupes[:5]}")
    for col in columns:
        if col in (key, "provider"):
            continue
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(values) | (values < 0)
        if col in ("rate_bps", "antennas"):
            bad |= values <= 0
        if bad.any():
            row = df.iloc[int(np.flatnonzero(bad)[0])]
            raise GstkError(
                f"Problem.{name}: {col} of {row[key]!r} is {row[col]!r}; expected a finite number "
                f"{'> 0' if col in ('rate_bps', 'antennas') else '>= 0'}"
            )
    check_operation_columns(df, name, key)  # optional turnaround_s / slew_s (gstk.problem.operations)
    out = df.reset_index(drop=True).copy()
    out[key] = out[key].astype(str)
    return out


@dataclass(frozen=True, eq=False)
class Problem:
    """One objective, any constraints and prefilters, the price tables and the mission length.

    ``mission_days`` is T_opt; the simulation window T_sim comes with the contacts.
    ``cost_model`` names how the network is priced (:data:`gstk.problem.costs.COST_MODELS`):
    "gstk" (formulation §5, the default) or "reference-2025" (the reference
    implementation's pitfalls of formulation §9, for reconciling with the paper only).
    The objective, the cap (10), the solution's report and the verifier all use it.
    """

    objective: Spec
    constraints: tuple[Spec, ...]
    stations: pd.DataFrame
    providers: pd.DataFrame
    satellites: pd.DataFrame
    mission_days: float = 365.0
    name: str = field(default="problem")
    cost_model: str = DEFAULT_COST_MODEL

    def __post_init__(self):
        check_cost_model(self.cost_model, "Problem.cost_model")
        if not isinstance(self.objective, Spec) or self.objective.kind != "objective":
            raise SpecError(f"Problem.objective must be an objective spec, got {self.objective!r}")
        constraints = tuple(self.constraints)
        for spec in constraints:
            if not isinstance(spec, Spec) or spec.kind == "objective":
                raise SpecError(f"Problem.constraints must hold constraint or prefilter specs, got {spec!r}")
        object.__setattr__(self, "constraints", constraints)
        object.__setattr__(self, "stations", _check_table(self.stations, "stations", STATION_COLUMNS, "station_id"))
        object.__setattr__(self, "providers", _check_table(self.providers, "providers", PROVIDER_COLUMNS, "provider"))
        object.__setattr__(self, "satellites", _check_table(self.satellites, "satellites", SATELLITE_COLUMNS, "satellite_id"))
        if not (isinstance(self.mission_days, (int, float)) and self.mission_days > 0):
            raise SpecError(f"Problem.mission_days must be > 0, got {self.mission_days!r}")
        self._check_references()

    def _check_references(self) -> None:
        known = set(self.providers["provider"])
        orphans = sorted(set(self.stations["provider"]) - known)
        if orphans:
            raise UnknownProviderError(f"stations name provider(s) {orphans} missing from Problem.providers")
        for spec in self.constraints:
            if isinstance(spec, RequiredProvider) and spec.provider not in known:
                raise UnknownProviderError(f"RequiredProvider: unknown provider {spec.provider!r}; known: {sorted(known)}")
            if isinstance(spec, RequiredStation) and spec.station_id not in set(self.stations["station_id"]):
                raise GstkError(f"RequiredStation: unknown station {spec.station_id!r}")
            if hasattr(spec, "providers") and spec.kind == "prefilter":
                unknown = sorted(set(spec.providers) - known)
                if unknown:
                    raise UnknownProviderError(f"AllowedProviders: unknown provider(s) {unknown}; known: {sorted(known)}")
        check_operation_references(self.constraints, set(self.stations["station_id"]), known, self.satellites)

    @property
    def mission_duration_s(self) -> float:
        """Return T_opt in seconds."""
        return float(self.mission_days) * 86_400.0

    def with_changes(self, **changes) -> "Problem":
        """Return a copy with some fields replaced (e.g. another objective or constraint list)."""
        from dataclasses import replace

        return replace(self, **changes)

    def spec_dicts(self) -> dict:
        """Return the objective and constraints as JSON-ready dicts."""
        return {"objective": self.objective.to_dict(), "constraints": [c.to_dict() for c in self.constraints]}
