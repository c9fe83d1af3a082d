"""A constructive start for min cost (2) under the per-satellite downlink floor (9).

Min cost with (9) over sliding windows is a fixed-charge covering problem: the
stations (setup, monthly fee, licences, their provider's integration) are the
expensive decisions, the contacts the cheap ones.  SCIP's own heuristics spend
the study's time limit on the root LP of ~30 000 rows; this module builds a
feasible network in well under a second instead, and hands it to SCIP as its
first incumbent:

1. **cover**: the set-cover greedy over contacts: take the contact that meets the
   most open (satellite, window) requirement per dollar among those the exclusions
   (11)/(12) still allow, where its dollar includes the fixed costs it is the first
   to need (its station's setup and monthly fees, its provider's integration, its
   licence), so a station opens when its contacts are worth it;
2. **reverse delete**: remove taken contacts, most expensive first, that no
   window needs;
3. **drop**: close stations (most expensive first) and cover again without them
   while that is cheaper;
4. **polish** (with a time limit): SCIP on the contacts of the chosen stations
   only, a model a tenth the size, started from the cover, for a share of the
   remaining time.  A restriction of the problem, so what it finds is feasible.

The result is a selection x (bool per contact of the ModelData) that satisfies
(9), (11) and (12); the caller offers it to SCIP, which rejects it if it is not
feasible for the full model, so a start can never make an answer wrong.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from gstk.model.build import build_model, restrict_to_contacts
from gstk.model.constraints import satellite_padded_los_s, station_padded_los_s, window_volumes
from gstk.model.data import ModelData
from gstk.problem.costs import mission_cost_breakdown_usd
from gstk.problem.specs import (
    MinMissionCost,
    MinSatelliteDownlink,
    SatelliteContactExclusion,
    Spec,
    StationContactExclusion,
)
from gstk.solve.milp import solve_model, start_from_selection
from gstk.solve.options import SolverOptions, TimeBudget
from gstk.units import MODEL_DATA_UNIT_BIT

log = logging.getLogger(__name__)

#: Share of the call's remaining time the station-restricted MILP of :func:`polished` may use.
POLISH_SHARE = 0.3
#: Relative slack on volume comparisons (Gbit sums of ~1e3), far above float error.
_TOL = 1e-9
#: Constraint specs the construction honours; any other spec in the problem means no greedy start.
_HANDLED = (MinSatelliteDownlink, StationContactExclusion, SatelliteContactExclusion)


@dataclass(frozen=True)
class CoverProblem:
    """What the construction needs: window volumes per contact, the requirement, costs and exclusions."""

    data: ModelData
    volumes: sp.csc_matrix       # (windows x contacts) Gbit, r_c |[a_c, b_c] ∩ W_j|
    need_gbit: float             # D per satellite and window
    station_exclusion: bool
    max_links: int | None        # (12): simultaneous links per satellite, None without (12)
    station_los_s: np.ndarray | None = None    # b_c + tau_s(c): LOS padded by the turnaround of (11)
    satellite_los_s: np.ndarray | None = None  # b_c + sigma_k(c): LOS padded by the slew time of (12)

    @property
    def n_windows(self) -> int:
        return self.volumes.shape[0]


def cover_problem(data: ModelData, objective: Spec, constraints) -> CoverProblem | None:
    """Return the covering problem of a min-cost problem with (9), or None when the greedy does not apply."""
    constraints = [s for s in constraints if s.kind == "constraint"]
    floors = [s for s in constraints if isinstance(s, MinSatelliteDownlink)]
    if (not isinstance(objective, MinMissionCost) or len(floors) != 1 or data.n_contacts == 0
            or any(not isinstance(s, _HANDLED) for s in constraints)):
        return None
    floor = floors[0]
    links = [s.max_links for s in constraints if isinstance(s, SatelliteContactExclusion)]
    turnaround = max([s.turnaround_s for s in constraints if isinstance(s, StationContactExclusion)], default=0.0)
    slew = max([s.slew_s for s in constraints if isinstance(s, SatelliteContactExclusion)], default=0.0)
    return CoverProblem(
        data, sp.csc_matrix(window_volumes(data, floor.window_s, floor.step_s)), floor.volume_bit / MODEL_DATA_UNIT_BIT,
        any(isinstance(s, StationContactExclusion) for s in constraints), min(links) if links else None,
        station_padded_los_s(data, turnaround), satellite_padded_los_s(data, slew))


def mission_cost_usd(data: ModelData, x: np.ndarray) -> float:
    """Return the cost (2) of selection ``x`` (the one cost function of :mod:`gstk.problem.costs`)."""
    y, z, w = data.used_by(x)
    return mission_cost_breakdown_usd(
        integration_cost_usd=data.integration_cost_usd, providers_used=z, setup_cost_usd=data.setup_cost_usd,
        monthly_cost_usd=data.monthly_cost_usd, stations_used=y, licence_cost_usd_per_pair=data.pair_licence_cost_usd,
        pairs_used=w, contact_cost=data.contact_cost_usd, contacts_taken=x, mission_duration_s=data.mission_duration_s,
        sim_duration_s=data.sim_duration_s, cost_model=data.cost_model)["total"]


def greedy_cover(problem: CoverProblem, *, drop_rounds: int = 3) -> np.ndarray | None:
    """Return a feasible selection (bool per contact) of low cost, or None when none was found."""
    best = cover_contacts(problem)
    if best is None:
        return None
    best = drop_stations(problem, best, rounds=drop_rounds)
    log.debug("greedy cover: %d stations, %d contacts, %.0f USD", len(set(problem.data.station_of_contact[best])),
              int(best.sum()), mission_cost_usd(problem.data, best))
    return best


# --------------------------------------------------------------------------- steps 1-2: the cover
def station_fixed_cost_usd(data: ModelData, s: int) -> float:
    """Return what opening station s costs before any contact: its setup and M monthly fees."""
    return float(data.setup_cost_usd[s] + data.monthly_weight * data.monthly_cost_usd[s])


class _Cover:
    """The greedy's state: taken contacts, requirement still open, what is paid for, what (11)/(12) exclude."""

    def __init__(self, problem: CoverProblem, allowed: np.ndarray) -> None:
        d = problem.data
        self.problem, self.d = problem, d
        self.x = np.zeros(d.n_contacts, bool)
        self.open = allowed.copy()                       # candidates still allowed and compatible
        self.deficit = np.full((len(d.satellite_ids), problem.n_windows), problem.need_gbit)
        self.station_paid = np.zeros(len(d.station_ids), bool)
        self.provider_paid = np.zeros(len(d.provider_ids), bool)
        self.licensed = np.zeros(len(d.pair_station), bool)
        self.links = np.zeros(d.n_contacts, int)         # taken contacts of the same satellite overlapping c
        self.busy = np.zeros(d.n_contacts, int)          # taken contacts at the same station overlapping c
        vol = problem.volumes
        self.sat_of_nz = d.satellite_of_contact[np.repeat(np.arange(d.n_contacts), np.diff(vol.indptr))]
        self.served = self.served_gbit(np.arange(d.n_contacts))

    def served_gbit(self, contacts: np.ndarray) -> np.ndarray:
        """Return sum_j min(V_jc, deficit_k(c)j) for ``contacts``: the requirement each would still meet."""
        vol = self.problem.volumes[:, contacts]
        k = np.repeat(self.d.satellite_of_contact[contacts], np.diff(vol.indptr))
        useful = np.minimum(vol.data, self.deficit[k, vol.indices])
        return np.add.reduceat(useful, vol.indptr[:-1]) * (np.diff(vol.indptr) > 0) if len(useful) else \
            np.zeros(len(contacts))

    def price_usd(self) -> np.ndarray:
        """Return what taking each contact costs now: rho kappa_c plus whatever it is the first to need."""
        d = self.d
        station, provider, pair = d.station_of_contact, d.provider_of_station[d.station_of_contact], d.pair_of_contact
        return (d.surrogate_scale * d.contact_cost_usd
                + np.where(self.licensed[pair], 0.0, d.pair_licence_cost_usd[pair])
                + np.where(self.station_paid[station], 0.0, d.setup_cost_usd[station]
                           + d.monthly_weight * d.monthly_cost_usd[station])
                + np.where(self.provider_paid[provider], 0.0, d.integration_cost_usd[provider]))

    def take(self, c: int) -> None:
        """Take contact c: pay for what it needs, lower the deficit, exclude what (11)/(12) now forbid."""
        d, p = self.d, self.problem
        self.x[c], self.open[c] = True, False
        s, k = d.station_of_contact[c], d.satellite_of_contact[c]
        self.station_paid[s] = self.provider_paid[d.provider_of_station[s]] = self.licensed[d.pair_of_contact[c]] = True
        column = p.volumes[:, c]
        self.deficit[k, column.indices] = np.clip(self.deficit[k, column.indices] - column.data, 0.0, None)
        overlapping = np.flatnonzero(self.open & (d.aos_s < d.los_s[c]) & (d.aos_s[c] < d.los_s))
        if p.max_links is not None:  # (12), and within the slew time at another station
            b = d.los_s if p.satellite_los_s is None else p.satellite_los_s
            slewing = np.flatnonzero(self.open & (d.aos_s < b[c]) & (d.aos_s[c] < b) & (d.station_of_contact != s))
            same = np.union1d(overlapping, slewing)
            same = same[d.satellite_of_contact[same] == k]
            self.links[same] += 1
            self.open[same[self.links[same] >= p.max_links]] = False
        if p.station_exclusion:  # (11), within the turnaround too
            b = d.los_s if p.station_los_s is None else p.station_los_s
            near = np.flatnonzero(self.open & (d.aos_s < b[c]) & (d.aos_s[c] < b))
            same = near[d.station_of_contact[near] == s]
            self.busy[same] += 1
            self.open[same[self.busy[same] >= d.antennas[s]]] = False
        mine = np.flatnonzero(self.open & (d.satellite_of_contact == k))
        self.served[mine] = self.served_gbit(mine)


def cover_contacts(problem: CoverProblem, stations: list[int] | None = None) -> np.ndarray | None:
    """Steps 1-2: take the contact meeting the most open requirement per dollar until none is open.

    A contact's dollar includes the fixed costs it is the first to need (station, provider,
    licence), so stations open when their contacts are worth it.  Returns None when some
    (satellite, window) cannot be covered with the contacts ``stations`` allow (default: all).
    """
    d = problem.data
    allowed = np.ones(d.n_contacts, bool) if stations is None else np.isin(d.station_of_contact, stations)
    state = _Cover(problem, allowed)
    floor = problem.need_gbit * _TOL
    while (state.deficit > floor).any():
        useful = state.open & (state.served > floor)
        if not useful.any():
            return None
        candidates = np.flatnonzero(useful)
        c = int(candidates[np.argmax(state.served[candidates] / np.maximum(state.price_usd()[candidates], 1e-6))])
        state.take(c)
    return reverse_delete(problem, state.x)


# --------------------------------------------------------------------------- step 3: drop
def reverse_delete(problem: CoverProblem, x: np.ndarray) -> np.ndarray:
    """Remove taken contacts, dearest per bit first, while every window keeps its requirement."""
    d = problem.data
    x = x.copy()
    covered = np.zeros((len(d.satellite_ids), problem.n_windows))
    taken = np.flatnonzero(x)
    coo = problem.volumes[:, taken].tocoo()
    np.add.at(covered, (d.satellite_of_contact[taken[coo.col]], coo.row), coo.data)
    need = problem.need_gbit * (1 - _TOL)
    per_bit = d.contact_cost_usd[taken] / np.maximum(d.volume_bit[taken], 1.0)
    for c in taken[np.argsort(-per_bit, kind="stable")]:  # the dearest bits go first
        column = problem.volumes[:, c]
        k = d.satellite_of_contact[c]
        if (covered[k, column.indices] - column.data >= need).all():
            covered[k, column.indices] -= column.data
            x[c] = False
    return x


def drop_stations(problem: CoverProblem, x: np.ndarray, *, rounds: int = 3) -> np.ndarray:
    """Close stations of ``x``, most expensive first (at most ``rounds`` tries), while the cover is cheaper."""
    d = problem.data
    best, best_cost = x, mission_cost_usd(d, x)
    stations = sorted(set(d.station_of_contact[x].tolist()), key=lambda s: -station_fixed_cost_usd(d, s))
    for s in stations[:rounds]:
        current = sorted(set(d.station_of_contact[best].tolist()))
        if s not in current or len(current) == 1:
            continue
        trial = cover_contacts(problem, [t for t in current if t != s])
        if trial is not None and mission_cost_usd(d, trial) < best_cost:
            best, best_cost = trial, mission_cost_usd(d, trial)
    return best


# --------------------------------------------------------------------------- step 4: polish
def polished(data: ModelData, objective: Spec, constraints, x: np.ndarray, options: SolverOptions,
             budget: TimeBudget) -> np.ndarray:
    """Return ``x`` or the cheaper selection SCIP finds on the contacts of ``x``'s stations only.

    Uses at most :data:`POLISH_SHARE` of what ``budget`` has left; the restricted model
    is a restriction of the full one, so its solutions are feasible for it.
    """
    remaining = budget.remaining_s()
    keep = np.isin(data.station_of_contact, np.unique(data.station_of_contact[x]))
    if remaining is None or remaining <= 0 or keep.all():
        return x
    model = build_model(restrict_to_contacts(data, keep), objective, constraints)
    start_from_selection(model, x[keep])
    solution = solve_model(model, options, TimeBudget(POLISH_SHARE * budget.remaining_s()))
    value = model.variables.x.value
    if not solution.status.has_solution or value is None:
        return x
    better = np.zeros(data.n_contacts, bool)
    better[np.flatnonzero(keep)] = np.asarray(value).ravel() > 0.5
    if mission_cost_usd(data, better) < mission_cost_usd(data, x):
        log.debug("polish on %d stations: %.0f -> %.0f USD", len(np.unique(data.station_of_contact[x])),
                  mission_cost_usd(data, x), mission_cost_usd(data, better))
        return better
    return x
