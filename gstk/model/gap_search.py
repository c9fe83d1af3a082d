"""The exact min-max-gap search of Eq. (4): window models over the provider sets (14) allows.

What ``gstk.optimize`` runs for min max gap (formulation §5).  Every solution
uses a subset of one maximal provider set (:func:`provider_choices`), so the
optimum of (4) is the best over those sets.  :func:`provider_set_bounds` orders
the sets by a lower bound (the :func:`gstk.model.gaps.bottleneck_chain` of each
satellite, or the longest stretch no contact covers), :func:`chain_schedule`
gives each set a warm start, and :class:`GapWindowSearch` solves per set the
window models of :func:`gstk.model.gaps.max_gap_window` starting at its bound.
The row builders those models use stay in :mod:`gstk.model.gaps`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from gstk.model.data import ModelData
from gstk.model.gaps import TIME_TOL_S, bottleneck_chain, longest_uncovered_s, satellite_orders
from gstk.model.provider_sets import provider_choices
from gstk.problem.specs import SatelliteContactExclusion, Spec


def gap_lower_bound_s(data: ModelData, constraints: Iterable[Spec] = (),
                      include_boundary: bool = True) -> tuple[float, np.ndarray | None]:
    """Return a lower bound on the optimum of (4) and, when it has one, a schedule attaining it.

    With boundary gaps and satellite exclusion (max_links = 1), each
    satellite's best chain of non-overlapping contacts (:func:`bottleneck_chain`)
    gives the exact optimum when nothing else binds: the bound is the min over
    the provider sets allowed by (14) of the max over satellites.  The returned
    schedule (bool per contact) joins those chains; it may violate station
    exclusion or other constraints, so it is a warm start, not an answer.
    Without satellite exclusion the bound is the longest stretch no contact
    covers; without boundary gaps it is 0.
    """
    constraints = tuple(constraints)
    if not include_boundary:
        return 0.0, None
    exclusive = _satellite_exclusive(constraints)
    provider = data.provider_of_station[data.station_of_contact]
    orders = satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids))
    best, best_x = np.inf, None
    for chosen in provider_choices(data, constraints):
        worst, x = 0.0, np.zeros(data.n_contacts, bool)
        for idx in orders:
            idx = idx[np.isin(provider[idx], chosen)]
            if exclusive:
                value, chain = bottleneck_chain(data.aos_s[idx], data.los_s[idx], data.sim_duration_s)
                x[idx[chain]] = True
            else:
                value = longest_uncovered_s(data.aos_s[idx], data.los_s[idx], data.sim_duration_s)
            worst = max(worst, value)
            if worst >= best:
                break
        if worst < best:
            best, best_x = worst, (x if exclusive else None)
    return float(best), best_x


# --------------------------------------------------------------------------- exact search of (4)
#: Window schedule of :func:`exact_min_max_gap`: the k-th window of a provider set with bound L ends at
#: L (1 + e_k), e_0 = 0, e_{k+1} = 2 e_k + WINDOW_STEP (0, 2 %, 6 %, 14 %, 30 %, ...): optima sit close
#: to the bound, and small windows keep the models small.
WINDOW_STEP = 0.02


def provider_set_bounds(data: ModelData, constraints: Iterable[Spec], include_boundary: bool = True):
    """Return [(lower bound s, provider indices)] for every provider set (14) allows, best first."""
    constraints = tuple(constraints)
    exclusive = _satellite_exclusive(constraints)
    provider = data.provider_of_station[data.station_of_contact]
    orders = satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids))
    out = []
    for chosen in provider_choices(data, constraints):
        worst = 0.0
        for idx in orders if include_boundary else []:
            idx = idx[np.isin(provider[idx], chosen)]
            a, b = data.aos_s[idx], data.los_s[idx]
            value = bottleneck_chain(a, b, data.sim_duration_s)[0] if exclusive else \
                longest_uncovered_s(a, b, data.sim_duration_s)
            worst = max(worst, value)
        out.append((worst, chosen, int(np.isin(provider, chosen).sum())))
    out.sort(key=lambda t: (t[0], -t[2]))
    return [(value, chosen) for value, chosen, _ in out]


def chain_schedule(data: ModelData, providers: Iterable[int]) -> np.ndarray:
    """Return each satellite's :func:`bottleneck_chain` over the stations of ``providers`` (bool per contact).

    A warm start for the window models: optimal for each satellite alone, it
    may break station exclusion or other constraints.
    """
    provider = data.provider_of_station[data.station_of_contact]
    x = np.zeros(data.n_contacts, bool)
    for idx in satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids)):
        idx = idx[np.isin(provider[idx], list(providers))]
        x[idx[bottleneck_chain(data.aos_s[idx], data.los_s[idx], data.sim_duration_s)[1]]] = True
    return x


def exact_min_max_gap(data: ModelData, constraints: Iterable[Spec], include_boundary: bool,
                      solve_window: Callable, *, upper_s: float | None = None):
    """Return (optimum s, provider indices) of (4) by windows over provider sets; (None, None) without proof.

    :class:`GapWindowSearch` run to the end; ``solve_window`` as described there.
    """
    search = GapWindowSearch(data, constraints, include_boundary, upper_s=upper_s)
    search.run(solve_window)
    proven = search.finished and search.best_set is not None
    return (float(search.best) if proven else None), (search.best_set if proven else None)


class GapWindowSearch:
    """The exact method of (4): window models over the provider sets (14) allows.

    Decomposes (14): every solution uses a subset of one maximal provider set
    (:func:`provider_choices`), so the optimum is the best over those sets.
    Sets are visited by their lower bound L (:func:`provider_set_bounds`) and
    skipped once L reaches the best gap found (``best``, initially ``upper_s``:
    the gap of a schedule the caller knows).  Within a set,
    ``solve_window(providers, lower_s, upper_s, start)`` solves the window model
    (``gstk.model.build.build_gap_window_model`` on the data restricted to those
    providers; ``start`` is the :func:`chain_schedule` warm start, bool per
    contact of ``data``, or None) and returns (status, gap_s[, bound_s]):
    ('optimal', gap, bound) with bound <= gap the proven lower bound of the
    window's optimum (bound = gap when omitted), ('infeasible', None), or any
    other status, with the gap of an incumbent or None and a dual bound or None,
    which stops the search (a limit or an error).

    Windows end at L + S e_k (S = L, or the best gap when L = 0; e_k of
    :data:`WINDOW_STEP`) and never reach past the best gap so far (a set
    within 10 % of it gets [L, best] at once); an infeasible window [lo, hi]
    moves the next one to start at hi.  ``rel_gap`` also skips sets whose L is
    within that relative gap of the best.  After :meth:`run`, ``finished``
    says whether every set was settled, and :meth:`lower_bound_s` bounds the
    optimum from below either way.
    """

    def __init__(self, data: ModelData, constraints: Iterable[Spec], include_boundary: bool, *,
                 upper_s: float | None = None, rel_gap: float | None = None):
        constraints = tuple(constraints)
        self.data, self.include_boundary, self.rel_gap = data, include_boundary, rel_gap or 0.0
        self.exclusive = _satellite_exclusive(constraints)
        self.sets = provider_set_bounds(data, constraints, include_boundary)
        self.best, self.best_set = (np.inf if upper_s is None else float(upper_s)), None
        self.floor = np.inf      # lowest proven bound of the sets settled so far
        self.open_lower = np.inf  # lower bound of the set being searched when a limit stopped the search
        self.visited, self.skipped, self.windows, self.finished = 0, 0, [], False
        self.top = data.sim_duration_s if include_boundary else _largest_gap_s(data)

    def lower_bound_s(self) -> float:
        """Return a lower bound on the optimum of (4) over every set (inf if no set is feasible)."""
        pending = [bound for bound, _ in self.sets[self.visited:]]
        return float(min([self.best, self.floor, self.open_lower, *pending]))

    def run(self, solve_window: Callable) -> "GapWindowSearch":
        """Search every provider set in turn; stop at the first window that is neither optimal nor infeasible."""
        for bound, chosen in self.sets:
            self.visited += 1
            if bound >= self.best - TIME_TOL_S or bound >= self.best * (1 - self.rel_gap):
                self.skipped += 1
                self.floor = min(self.floor, bound)
                continue
            if not self._search_set(bound, chosen, solve_window):
                return self
        self.finished = True
        return self

    def _search_set(self, bound: float, chosen: tuple[int, ...], solve_window: Callable) -> bool:
        """Search one set window by window; return False if a limit or an error stopped it."""
        start = chain_schedule(self.data, chosen) if self.exclusive and self.include_boundary else None
        lower, excess = max(bound, 0.0), (np.inf if self.best <= 1.1 * bound else 0.0)
        scale = bound if bound > 0 else min(self.best, self.top)
        while True:
            upper = min(lower + scale * excess if np.isfinite(excess) else np.inf, self.best, self.top)
            status, gap, window_bound = (tuple(solve_window(chosen, lower, upper, start)) + (None,))[:3]
            self.windows.append((chosen, lower, upper, status))
            if status == "optimal":
                self.floor = min(self.floor, gap if window_bound is None else window_bound)
                if gap < self.best:
                    self.best, self.best_set = float(gap), chosen
                return True
            if status != "infeasible":
                if gap is not None and gap < self.best:
                    self.best, self.best_set = float(gap), chosen
                self.open_lower = max(lower, window_bound if window_bound is not None else lower)
                return False
            if upper >= min(self.best, self.top) - TIME_TOL_S:  # no schedule of this set beats the best
                self.floor = min(self.floor, upper)
                return True
            lower, excess = upper, 2 * excess + WINDOW_STEP


def _largest_gap_s(data: ModelData) -> float:
    """Return an upper bound on any gap without boundary gaps: max over satellites of max a - min b."""
    orders = satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids))
    spans = [data.aos_s[idx].max() - data.los_s[idx].min() for idx in orders if len(idx)]
    return max(max(spans, default=0.0), TIME_TOL_S)


def _satellite_exclusive(constraints: tuple[Spec, ...]) -> bool:
    """Return whether (12) allows one link per satellite at a time (chains of non-overlapping contacts)."""
    return any(isinstance(s, SatelliteContactExclusion) and s.max_links == 1 for s in constraints)
