"""Contact gaps: the gap definition, Eq. (13) coverage rows and the dense model of Eq. (4).

Gap definition (shared with the report and the verifier): for one satellite,
sort its taken contacts by (a, b); the successor of taken contact i is the
first taken contact j with a_j > a_i, and the gap after i is a_j - b_i
(negative counts as 0).  With boundary gaps, the start gap a_first - 0 and the
end gap T_sim - max b also count, and a satellite with no taken contact has
gap T_sim; without them, a satellite with at most one taken contact has gap 0.

The exact min-max-gap method of gstk (formulation §5, what ``gstk.optimize``
runs) is :class:`GapWindowSearch`: it decomposes (14) over provider sets and
solves, per set, window models (:func:`max_gap_window`: min G on [L, U], one
row per contact pair whose gap falls in the window) starting at the set's
chain lower bound.  A second exact method, for tests and small instances, is
the bisection :func:`search_min_max_gap` over the finite set
:func:`gap_candidates_s` (the optimum is one of them) with the feasibility
model "max gap <= G" of :func:`max_contact_gap` (13), monotone in G.  The
paper-faithful O(n^2) successor model is in :mod:`gstk.model.dense`.
"""
from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from gstk.model.data import ModelData
from gstk.model.specs import MaxProviders, RequiredProvider, RequiredStation, SatelliteContactExclusion, Spec
from gstk.model.variables import Variables
from gstk.units import MODEL_TIME_UNIT_S

#: Slack on time comparisons: candidate gaps are differences of float seconds,
#: so b_i + (a_j - b_i) may round below a_j; a microsecond is far below any
#: contact-time resolution.
TIME_TOL_S = 1e-6


def satellite_orders(satellite_of_contact: np.ndarray, aos_s: np.ndarray, los_s: np.ndarray,
                     n_satellites: int) -> list[np.ndarray]:
    """Return, per satellite, its contact indices sorted by (AOS, LOS)."""
    order = np.lexsort((los_s, aos_s, satellite_of_contact))
    bounds = np.searchsorted(satellite_of_contact[order], np.arange(n_satellites + 1))
    return [order[bounds[k]:bounds[k + 1]] for k in range(n_satellites)]


def max_gap_by_satellite_s(aos_s, los_s, satellite_of_contact, n_satellites: int, sim_duration_s: float,
                           include_boundary: bool = True) -> np.ndarray:
    """Return the max gap of each satellite over the given (taken) contacts, in seconds."""
    aos_s, los_s = np.asarray(aos_s, float), np.asarray(los_s, float)
    out = np.zeros(n_satellites)
    for k, idx in enumerate(satellite_orders(np.asarray(satellite_of_contact), aos_s, los_s, n_satellites)):
        a, b = aos_s[idx], los_s[idx]
        nxt = np.searchsorted(a, a, side="right")
        has = nxt < len(a)
        gaps = a[nxt[has]] - b[has]
        if include_boundary:
            gaps = np.concatenate([gaps, [a[0], sim_duration_s - b.max()]]) if len(a) else np.array([sim_duration_s])
        out[k] = max(0.0, gaps.max()) if len(gaps) else 0.0
    return out


def gap_candidates_s(data: ModelData, include_boundary: bool = True, *, upper_s: float | None = None) -> np.ndarray:
    """Return the sorted unique values the optimal max gap can take, in seconds.

    0, every a_j - b_i > 0 with a_j > a_i for contacts of one satellite and,
    with boundary gaps, every a_j, T_sim - b_j and T_sim.  ``upper_s`` drops
    values above a known upper bound (keeps the set small).
    """
    upper = np.inf if upper_s is None else float(upper_s)
    T = data.sim_duration_s
    values = [np.zeros(1)]
    for idx in satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids)):
        a, b = data.aos_s[idx], data.los_s[idx]
        first = np.searchsorted(a, a, side="right")
        last = np.searchsorted(a, b + upper + TIME_TOL_S, side="right") if np.isfinite(upper) else np.full(len(a), len(a))
        i, j = _ranges(first, np.maximum(last, first))
        values.append(np.unique(a[j] - b[i]))
        if include_boundary:
            values += [a, T - b, np.array([T])]
    out = np.unique(np.concatenate(values))
    return out[(out >= 0) & (out <= upper + TIME_TOL_S)]


def _ranges(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (row, column) index arrays of the ranges [start_r, stop_r) of every row r."""
    counts = np.maximum(stop - start, 0)
    rows = np.repeat(np.arange(len(start)), counts)
    cols = np.repeat(start - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    return rows, cols


def _window_rows(idx, rows_at, start, stop, n_contacts):
    """Return a sparse matrix: row r has ones at contacts idx[start_r:stop_r]."""
    r, p = _ranges(start, stop)
    return sp.csr_matrix((np.ones(len(r)), (r, idx[p])), shape=(len(rows_at), n_contacts))


def max_contact_gap(data: ModelData, v: Variables, *, gap_s: float,
                    include_boundary: bool = True) -> list[cp.Constraint]:
    """Eq. (13), coverage form: x_i <= sum_{j in C_k(i), a_i < a_j <= b_i + G} x_j.

    One row per contact i with b_i + G < T_sim, no extra binaries.  With
    boundary gaps, also sum_{a_j <= G} x_j >= 1 and sum_{b_j >= T_sim - G} x_j >= 1.
    A taken contact may legitimately have no successor (it is the last; without
    boundary gaps any contact, with them one nested in a contact ending within G
    of T_sim): its row becomes x_i + q_t(i) <= 1 + sum(window), where the
    continuous q_p >= x_p, q_p >= q_{p+1} flags a taken contact at AOS position
    >= p and t(i) is the first position with a > b_i + G.
    """
    T, G, n = data.sim_duration_s, float(gap_s), data.n_contacts
    rows, chain = [], []
    q = cp.Variable(n, nonneg=True, name="gap_later") if n else None
    for k, idx in enumerate(satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s,
                                             len(data.satellite_ids))):
        a, b = data.aos_s[idx], data.los_s[idx]
        lo = np.searchsorted(a, a, side="right")
        hi = np.searchsorted(a, b + G + TIME_TOL_S, side="right")
        if include_boundary:
            need = b + G + TIME_TOL_S < T
            prefix_max_b = np.maximum.accumulate(b)[np.maximum(lo - 1, 0)]
            lonely = need & (prefix_max_b + G + TIME_TOL_S >= T) & (hi < len(a))
            pure = np.flatnonzero(need & ~(prefix_max_b + G + TIME_TOL_S >= T))
        else:
            lonely, pure = hi < len(a), np.array([], int)
        if len(pure):
            rows.append(_window_rows(idx, pure, lo[pure], hi[pure], n) @ v.x >= v.x[idx[pure]])
        lonely = np.flatnonzero(lonely)
        if len(lonely):
            window = _window_rows(idx, lonely, lo[lonely], hi[lonely], n)
            rows.append(v.x[idx[lonely]] + q[idx[hi[lonely]]] <= 1 + window @ v.x)
            chain.append(idx[hi[lonely].min():])
        if include_boundary and G + TIME_TOL_S < T:
            rows += _boundary_rows(data, v, idx[a <= G + TIME_TOL_S], k, "start")
            rows += _boundary_rows(data, v, idx[b + G + TIME_TOL_S >= T], k, "end")
    for tail in chain:
        rows += [q[tail] >= v.x[tail]] + ([q[tail[:-1]] >= q[tail[1:]]] if len(tail) > 1 else [])
    return rows


def _boundary_rows(data: ModelData, v: Variables, members: np.ndarray, k: int, which: str):
    """Return sum_{j in members} x_j >= 1, or an unsatisfiable pair when no contact qualifies."""
    if len(members) == 0:
        t = cp.Variable(name=f"unsatisfiable_max_contact_gap_{which}_{data.satellite_ids[k]}")
        return [t >= 1, t <= 0]
    return [cp.sum(v.x[members]) >= 1]


def max_gap_window(data: ModelData, v: Variables, *, lower_s: float, upper_s: float,
                   include_boundary: bool = True) -> list[cp.Constraint]:
    """Eq. (4) on a window [L, U] known to hold the optimum: G >= gap of every consecutive taken pair.

    For contacts i, j of one satellite with a_j > a_i and gap g = a_j - b_i in
    (L, U]: G >= L + (g - L)(x_i + x_j - 1 - sum_{a_i < a_m < a_j} x_m), which
    reaches L + (g - L) = g exactly when j is i's successor and is at most L
    otherwise.  With boundary gaps the same for the first contact (g = a_j,
    earlier contacts subtracted), the last one (g = T_sim - b_j, later-ending
    contacts subtracted) and a satellite taking nothing (g = T_sim).  Together with the rows (13) at U (every gap <= U)
    and L <= G <= U this is exact, with one row per pair whose gap falls in
    the window: no successor binaries, coefficients at most U - L.  G in hours.
    """
    G, unit, T, L, U = v.extras["G"], MODEL_TIME_UNIT_S, data.sim_duration_s, float(lower_s), float(upper_s)
    rows_i, rows_j, gap, between = [], [], [], []
    for idx in satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids)):
        a, b = data.aos_s[idx], data.los_s[idx]
        first = np.maximum(np.searchsorted(a, b + L + TIME_TOL_S, side="right"),
                           np.searchsorted(a, a, side="right"))
        pi, pj = _ranges(first, np.maximum(np.searchsorted(a, b + U + TIME_TOL_S, side="right"), first))
        rows_i.append(idx[pi]), rows_j.append(idx[pj]), gap.append(a[pj] - b[pi])
        lo = np.searchsorted(a, a[pi], side="right")
        between.append(_window_rows(idx, pi, lo, np.searchsorted(a, a[pj], side="left"), data.n_contacts))
    rows = [G >= L / unit, G <= U / unit + TIME_TOL_S]
    n = data.n_contacts
    if rows_i and sum(len(r) for r in rows_i):
        i, j, g = np.concatenate(rows_i), np.concatenate(rows_j), np.concatenate(gap)
        pair = sp.csr_matrix((np.ones(2 * len(i)), (np.tile(np.arange(len(i)), 2), np.concatenate([i, j]))),
                             shape=(len(i), n)) - sp.vstack(between).tocsr()
        rows.append(cp.multiply((g - L) / unit, pair @ v.x - 1) <= G - L / unit)
    if include_boundary:
        rows += _window_boundary_rows(data, v, L, U)
    return rows


def _window_boundary_rows(data: ModelData, v: Variables, L: float, U: float) -> list[cp.Constraint]:
    """Return the first-contact, last-contact and no-contact rows of :func:`max_gap_window`."""
    G, unit, T, k = v.extras["G"], MODEL_TIME_UNIT_S, data.sim_duration_s, data.satellite_of_contact
    rows = []
    for gap, rival in ((data.aos_s, lambda j: (k == k[j]) & (data.aos_s < data.aos_s[j])),
                       (T - data.los_s, lambda j: (k == k[j]) & (data.los_s > data.los_s[j]))):
        js = np.flatnonzero((gap > L + TIME_TOL_S) & (gap <= U + TIME_TOL_S))
        if len(js) == 0:
            continue
        others = [np.flatnonzero(rival(j)) for j in js]
        minus = sp.csr_matrix((np.ones(sum(map(len, others))),
                               (np.repeat(np.arange(len(js)), [len(o) for o in others]),
                                np.concatenate(others) if others else [])), shape=(len(js), data.n_contacts))
        pick = sp.csr_matrix((np.ones(len(js)), (np.arange(len(js)), js)), shape=(len(js), data.n_contacts))
        rows.append(cp.multiply((gap[js] - L) / unit, (pick - minus) @ v.x) <= G - L / unit)
    if L + TIME_TOL_S < T <= U + TIME_TOL_S:  # a satellite taking nothing waits T_sim
        rows.append((T - L) / unit * (1 - data.contacts_of_satellite @ v.x) <= G - L / unit)
    return rows


def search_min_max_gap(candidates_s: np.ndarray, feasible: Callable[[float], float | None]) -> float | None:
    """Return the smallest candidate G for which ``feasible(G)`` finds a schedule, by bisection.

    ``feasible(G)`` solves the feasibility model with max gap <= G and returns
    the max gap its schedule actually achieves (seconds), or None if the model
    is infeasible.  The achieved gap is itself a candidate no larger than G,
    which tightens the upper end.  Returns None if even the largest candidate
    is infeasible.
    """
    c = np.asarray(candidates_s, float)
    if len(c) == 0:
        return None
    achieved = feasible(float(c[-1]))
    if achieved is None:
        return None
    lo, hi = 0, _index_at_most(c, achieved)
    while lo < hi:
        mid = (lo + hi) // 2
        achieved = feasible(float(c[mid]))
        if achieved is None:
            lo = mid + 1
        else:
            hi = min(mid, _index_at_most(c, achieved))
    return float(c[hi])


def _index_at_most(c: np.ndarray, value: float) -> int:
    """Return the index of the largest candidate <= value (within TIME_TOL_S)."""
    return int(max(np.searchsorted(c, value + TIME_TOL_S, side="right") - 1, 0))


# --------------------------------------------------------------------------- lower bound of (4)
def bottleneck_chain(aos_s: np.ndarray, los_s: np.ndarray, sim_duration_s: float) -> tuple[float, list[int]]:
    """Return the smallest max gap (boundary gaps included) of a chain of non-overlapping contacts.

    Contacts sorted by AOS.  D_i = min(a_i, min over j with b_j <= a_i of
    max(D_j, a_i - b_j)) is the best max gap of a chain ending at i; the answer
    is min_i max(D_i, T_sim - b_i).  Predecessors live on a monotone stack
    (LOS increasing, D increasing: a later-ending, no-worse chain dominates), so
    each query is a binary search: O(n log n).  Returns (value, chain indices).
    """
    a, b, n = aos_s.tolist(), los_s.tolist(), len(aos_s)
    if n == 0:
        return float(sim_duration_s), []
    by_end = sorted(range(n), key=lambda j: (b[j], a[j]))
    best, pred = [0.0] * n, [-1] * n
    stack_b, stack_d, stack_j, stack_key = [], [], [], []  # key = D + b, increasing along the stack
    p = 0
    for i in range(n):
        while p < n and b[by_end[p]] <= a[i] and a[by_end[p]] < a[i]:
            j = by_end[p]
            p += 1
            while stack_d and stack_d[-1] >= best[j]:
                stack_b.pop(), stack_d.pop(), stack_j.pop(), stack_key.pop()
            stack_b.append(b[j]), stack_d.append(best[j]), stack_j.append(j), stack_key.append(best[j] + b[j])
        best[i] = a[i]
        # first stack entry whose D is at least its gap a_i - b: the optimum is there or just before
        k = bisect.bisect_left(stack_key, a[i])
        for q in (k - 1, k):
            if 0 <= q < len(stack_d):
                value = max(stack_d[q], a[i] - stack_b[q])
                if value < best[i]:
                    best[i], pred[i] = value, stack_j[q]
    total = [max(best[i], sim_duration_s - b[i]) for i in range(n)]
    last = min(range(n), key=total.__getitem__)
    chain = [last]
    while pred[chain[-1]] >= 0:
        chain.append(pred[chain[-1]])
    return float(total[last]), chain[::-1]


def longest_uncovered_s(aos_s: np.ndarray, los_s: np.ndarray, sim_duration_s: float) -> float:
    """Return the longest stretch of [0, T_sim] that no contact [a, b] covers (a lower bound of any gap set).

    Examples
    --------
    >>> longest_uncovered_s(np.array([10.0, 15.0, 60.0]), np.array([30.0, 20.0, 70.0]), 100.0)
    30.0
    """
    if len(aos_s) == 0:
        return float(sim_duration_s)
    order = np.argsort(aos_s, kind="stable")
    a, reach = np.asarray(aos_s, float)[order], np.maximum.accumulate(np.asarray(los_s, float)[order])
    return float(max(a[0], sim_duration_s - reach[-1], np.max(a[1:] - reach[:-1], initial=0.0), 0.0))


def coverage_lower_bound_s(data: ModelData, include_boundary: bool = True) -> float:
    """Return a lower bound on (4) with boundary gaps: the longest time no contact of a satellite covers.

    If no contact of satellite k intersects (u, v), the last taken contact starting
    before u ends by u and the next taken one starts at v or later (or the window
    ends), so some gap of k is at least v - u, whatever is taken.
    """
    if not include_boundary:
        return 0.0
    orders = satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids))
    return max((longest_uncovered_s(data.aos_s[idx], data.los_s[idx], data.sim_duration_s) for idx in orders),
               default=0.0)


def provider_choices(data: ModelData, constraints: Iterable[Spec]) -> list[tuple[int, ...]]:
    """Return the maximal provider sets a solution may use under (14); [] if (14) cannot hold.

    Without (14), or when at most N providers have contacts: one set, every
    provider with contacts.  Otherwise every N-subset of those providers that
    holds the providers (17) and the providers of the stations (18) require
    (a solution using fewer providers lies inside one of them).
    """
    constraints = tuple(constraints)
    limits = [s.count for s in constraints if isinstance(s, MaxProviders)]
    required = {data.provider_ids.index(s.provider) for s in constraints
                if isinstance(s, RequiredProvider) and s.provider in data.provider_ids}
    required |= {int(data.provider_of_station[data.station_ids.index(s.station_id)]) for s in constraints
                 if isinstance(s, RequiredStation) and s.station_id in data.station_ids}
    active = np.unique(data.provider_of_station[data.station_of_contact]).tolist()
    candidates = sorted(set(active) | required)
    if not limits or min(limits) >= len(candidates):
        return [tuple(candidates)] if not limits or len(required) <= min(limits) else []
    free = [p for p in candidates if p not in required]
    n_free = min(limits) - len(required)
    if n_free < 0:
        return []
    return [tuple(sorted(required | set(rest))) for rest in itertools.combinations(free, n_free)]


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
    exclusive = any(isinstance(s, SatelliteContactExclusion) and s.max_links == 1 for s in constraints)
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
    exclusive = any(isinstance(s, SatelliteContactExclusion) and s.max_links == 1 for s in constraints)
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
        self.exclusive = any(isinstance(s, SatelliteContactExclusion) and s.max_links == 1 for s in constraints)
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
