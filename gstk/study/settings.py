"""The study's settings: one frozen record of every choice a run makes."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gstk.errors import GstkError
from gstk.problem.costs import DEFAULT_COST_MODEL, check_cost_model
from gstk.problem.specs import (
    MaxMissionData,
    MaxMonthlyCost,
    MaxProviders,
    MinContactDuration,
    MinMissionCost,
    MinSatelliteDownlink,
    SatelliteContactExclusion,
    Spec,
    StationContactExclusion,
    StationStatus,
)
from gstk.solve.options import SOLVERS, SolverOptions
from gstk.units import BITS_PER_GB, SECONDS_PER_DAY

log = logging.getLogger(__name__)


#: The two problem variations of §3.
PROBLEMS = ("min_cost", "max_data")


#: Network labels in result tables, by number of allowed providers.
NETWORKS = {1: "one_provider", 2: "two_provider"}


# --------------------------------------------------------------------------- settings
#: SCIP separator settings of the study (see :class:`StudySettings`).
FAST_SEPARATION: tuple[tuple[str, Any], ...] = (
    ("separating/aggregation/freq", -1), ("separating/gomory/freq", -1),
    ("separating/maxrounds", 1), ("separating/maxroundsroot", 5),
)


@dataclass(frozen=True)
class StudySettings:
    """The experiment settings of formulation §8, with gstk's values for what the paper lost.

    Attributes
    ----------
    start : str
        Simulation start (UTC); the TLE snapshot's epochs are 2025-03-10/11.
    sim_days, mission_days : float
        T_sim and T_opt (paper: 7 and 365).
    min_contact_s : float
        (15) minimum contact duration d_min (paper: 180 s).
    period_window_s, period_step_s : float
        Window L and step Δ of the per-period downlink constraint (9) (paper: 1 day, 1 h).
    d_min_bit : float
        (9) minimum downlink per satellite per window, bits (lost from the paper).
    b_month_usd_per_satellite : float
        (10) monthly cost cap per satellite, USD/month; the cap is this times the
        constellation size (lost from the paper).
    rule : str
        Satellite sampling rule (:data:`gstk.orbits.sampling.SAMPLING_RULES`).
    altitude_km : (float, float)
        Perigee and apogee band of sampled satellites (paper: 300-1 000 km).
    station_statuses : tuple of str
        Station statuses in the network.  The paper's 91 stations are the 86
        operational ones plus Azure's 5 (decommissioned since): default both,
        giving 6 providers, 6 one- and 15 two-provider baselines.
    time_limit_s, rel_gap : float or None
        SCIP limits per solve (a solve stopped by the time limit keeps its
        incumbent and reports status FEASIBLE with its gap).  The study's
        relative gap is 2 %: its ratios compare networks that differ by tens
        of per cent, and the min-cost problem with sliding daily windows
        spends most of its time closing the last per cent.
    scip_params : dict or tuple of pairs
        Extra SCIP parameters for every solve.  The default switches off SCIP's
        aggregation and Gomory separators and caps separation rounds: on the
        study's instances this halved solve times with the same optima
        (measured on 1-5 satellites, 2-7 day windows; see figures/README.md).
    greedy_start : bool
        Give min cost the greedy cover of :mod:`gstk.solve.greedy` as a start.
    solver : {"scip", "highs"}
        The MILP backend of every solve (:class:`~gstk.solve.options.SolverOptions`).
    branch_priority : bool
        SCIP branches on providers, stations and licences before contacts.
    max_providers : int or None
        (14) at most this many providers in every network (None: no limit, the paper's setting).
    cost_model : {"gstk", "reference-2025"}
        How every network is priced (:data:`gstk.problem.costs.COST_MODELS`): gstk's
        formulation §5 (default), or the reference implementation's as published
        (formulation §9), used only by the reconciliation study :mod:`gstk.study.claims`.
    """

    start: str = "2025-03-11T00:00:00Z"
    sim_days: float = 7.0
    mission_days: float = 365.0
    min_contact_s: float = 180.0
    period_window_s: float = SECONDS_PER_DAY
    period_step_s: float = 3600.0
    d_min_bit: float = 250.0 * BITS_PER_GB
    b_month_usd_per_satellite: float = 15_000.0
    rule: str = "exclude-megaconstellations"
    altitude_km: tuple[float, float] = (300.0, 1000.0)
    station_statuses: tuple[str, ...] = ("Operational", "Decommissioned")
    time_limit_s: float | None = 60.0
    rel_gap: float | None = 0.02
    scip_params: tuple[tuple[str, Any], ...] = FAST_SEPARATION
    greedy_start: bool = False
    solver: str = "scip"
    max_providers: int | None = None
    cost_model: str = DEFAULT_COST_MODEL
    branch_priority: bool = False

    def __post_init__(self):
        check_cost_model(self.cost_model, "StudySettings.cost_model")
        if self.max_providers is not None and (isinstance(self.max_providers, bool)
                                               or not isinstance(self.max_providers, int) or self.max_providers < 1):
            raise GstkError(f"StudySettings.max_providers must be an integer >= 1 or None, got {self.max_providers!r}")
        if self.solver not in SOLVERS:
            raise GstkError(f"StudySettings.solver must be one of {list(SOLVERS)}, got {self.solver!r}")
        object.__setattr__(self, "altitude_km", tuple(float(a) for a in self.altitude_km))
        object.__setattr__(self, "station_statuses", tuple(self.station_statuses))
        params = self.scip_params.items() if isinstance(self.scip_params, dict) else self.scip_params
        object.__setattr__(self, "scip_params", tuple(sorted((str(k), v) for k, v in params)))
        for name in ("sim_days", "mission_days", "period_window_s", "period_step_s"):
            if not (isinstance(getattr(self, name), (int, float)) and getattr(self, name) > 0):
                raise GstkError(f"StudySettings.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("min_contact_s", "d_min_bit", "b_month_usd_per_satellite"):
            if not (isinstance(getattr(self, name), (int, float)) and getattr(self, name) >= 0):
                raise GstkError(f"StudySettings.{name} must be >= 0, got {getattr(self, name)!r}")

    def replace(self, **changes: Any) -> "StudySettings":
        """Return a copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict.

        ``max_providers``, ``cost_model`` and ``branch_priority`` are left out at their defaults,
        so the keys (and result files) of studies that predate them stay valid.
        """
        out = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}
        out["scip_params"] = dict(self.scip_params)
        for name, default in (("max_providers", None), ("cost_model", DEFAULT_COST_MODEL),
                              ("branch_priority", False)):
            if out[name] == default:
                del out[name]
        return out

    def key(self, fields: Iterable[str] | None = None) -> str:
        """Return a short hash of (some of) the settings, used in cache and result file names."""
        d = self.to_dict()
        chosen = {k: d[k] for k in (fields or d)}
        return hashlib.sha1(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:10]

    @property
    def solver_options(self) -> SolverOptions:
        """Return the options every solve of the study gets (one solver thread)."""
        return SolverOptions(solver=self.solver, time_limit_s=self.time_limit_s, rel_gap=self.rel_gap, threads=1,
                             scip_params=dict(self.scip_params), greedy_start=self.greedy_start,
                             branch_priority=self.branch_priority)


#: Settings that change the contacts of a unit (the cache key of contact files).
CONTACT_FIELDS = ("start", "sim_days", "rule", "altitude_km", "station_statuses")


def study_constraints(kind: str, settings: StudySettings, n_satellites: int) -> tuple[Spec, ...]:
    """Return the constraint and prefilter specs of problem ``kind`` (paper Appendix 7 and 8).

    Both: station (11) and satellite (12) contact exclusion, minimum contact
    duration (15), the station statuses of the network and, with
    ``settings.max_providers``, at most that many providers (14).  ``min_cost`` adds
    (9) with D_min per satellite per window; ``max_data`` adds (10) with
    B_month = ``b_month_usd_per_satellite * n_satellites``.
    """
    common = (StationContactExclusion(), SatelliteContactExclusion(),
              MinContactDuration(duration_s=settings.min_contact_s),
              StationStatus(statuses=settings.station_statuses))
    if settings.max_providers is not None:
        common += (MaxProviders(count=settings.max_providers),)
    if kind == "min_cost":
        return common + (MinSatelliteDownlink(volume_bit=settings.d_min_bit, window_s=settings.period_window_s,
                                              step_s=settings.period_step_s),)
    if kind == "max_data":
        return common + (MaxMonthlyCost(usd=settings.b_month_usd_per_satellite * n_satellites),)
    raise GstkError(f"unknown problem kind {kind!r}; expected one of {PROBLEMS}")


def study_objective(kind: str) -> Spec:
    """Return the objective of problem ``kind``: (2) for 'min_cost', (3) for 'max_data'."""
    if kind not in PROBLEMS:
        raise GstkError(f"unknown problem kind {kind!r}; expected one of {PROBLEMS}")
    return MinMissionCost() if kind == "min_cost" else MaxMissionData()


# --------------------------------------------------------------------------- notebook helpers
def study_settings(*, D_min_GB_per_day: float = 250.0, B_month_usd_per_satellite: float = 15_000.0,
                   rule: str = "exclude-megaconstellations", sim_days: float = 7.0,
                   time_limit_s: float | None = 60.0, rel_gap: float | None = 0.02,
                   **other: Any) -> StudySettings:
    """Return :class:`StudySettings` from notebook parameters in report units (GB/day, USD/month).

    D_min is per satellite per 24 h window of (9) (1 GB = 8e9 bit);
    B_month is per satellite per month, the cap of (10) being it times the size.
    """
    return StudySettings(d_min_bit=float(D_min_GB_per_day) * BITS_PER_GB,
                         b_month_usd_per_satellite=float(B_month_usd_per_satellite), rule=rule,
                         sim_days=float(sim_days), time_limit_s=time_limit_s, rel_gap=rel_gap, **other)


def caption(settings: StudySettings, **extra: Any) -> str:
    """Return the one-line provenance printed under every study figure.

    Names the sampling rule, T_sim, D_min, B_month and the solver limits, plus
    ``extra`` items (e.g. trials=100, sizes=[1, 2, 5, 10]).
    """
    parts = [f"sampling rule: {settings.rule} ({settings.altitude_km[0]:g}-{settings.altitude_km[1]:g} km)",
             f"T_sim {settings.sim_days:g} d", f"D_min {settings.d_min_bit / BITS_PER_GB:g} GB/sat/day",
             f"B_month {settings.b_month_usd_per_satellite:,.0f} USD/sat/month",
             f"stations: {'+'.join(settings.station_statuses)}",
             f"SCIP limit {settings.time_limit_s:g} s, gap {settings.rel_gap:g}"]
    if settings.max_providers is not None:
        parts.append(f"at most {settings.max_providers} providers")
    if settings.cost_model != DEFAULT_COST_MODEL:
        parts.append(f"cost model {settings.cost_model}")
    parts += [f"{k} {v}" for k, v in extra.items()]
    return "; ".join(parts)
