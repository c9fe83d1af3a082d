"""Contact gaps: the gap definition, Eq. (13) coverage rows and the window rows of Eq. (4).

Gap definition (shared with the report and the verifier): for one satellite,
sort its taken contacts by (a, b); the successor of taken contact i is the
first taken contact j with a_j > a_i, and the gap after i is a_j - b_i
(negative counts as 0).  With boundary gaps, the start gap a_first - 0 and the
end gap T_sim - max b also count, and a satellite with no taken contact has
gap T_sim; without them, a satellite with at most one taken contact has gap 0.

The exact min-max-gap method of gstk (formulation §5, what ``gstk.optimize``
runs) is :class:`gstk.model.gap_search.GapWindowSearch`: it decomposes (14)
over provider sets and solves, per set, window models (:func:`max_gap_window`:
min G on [L, U], one row per contact pair whose gap falls in the window)
starting at the set's chain lower bound (:func:`bottleneck_chain`).  Its public
names are re-exported here, so ``from gstk.model.gaps import GapWindowSearch``
keeps working.  A second exact method, for tests and small instances, is
the bisection :func:`search_min_max_gap` over the finite set
:func:`gap_candidates_s` (the optimum is one of them) with the feasibility
model "max gap <= G" of :func:`max_contact_gap` (13), monotone in G.  The
paper-faithful O(n^2) successor model is in :mod:`gstk.model.gap_dense`.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from gstk.model.data import ModelData
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
        i, j = index_ranges(first, np.maximum(last, first))
        values.append(np.unique(a[j] - b[i]))
        if include_boundary:
            values += [a, T - b, np.array([T])]
    out = np.unique(np.concatenate(values))
    return out[(out >= 0) & (out <= upper + TIME_TOL_S)]


def index_ranges(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (row, column) index arrays of the ranges [start_r, stop_r) of every row r."""
    counts = np.maximum(stop - start, 0)
    rows = np.repeat(np.arange(len(start)), counts)
    cols = np.repeat(start - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    return rows, cols


def window_row_matrix(idx: np.ndarray, rows_at: np.ndarray, start: np.ndarray, stop: np.ndarray,
                      n_contacts: int) -> sp.csr_matrix:
    """Return a sparse matrix: row r has ones at contacts idx[start_r:stop_r]."""
    r, p = index_ranges(start, stop)
    return sp.csr_matrix((np.ones(len(r)), (r, idx[p])), shape=(len(rows_at), n_contacts))


_ranges, _window_rows = index_ranges, window_row_matrix  # former private names, kept as aliases


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
            rows.append(window_row_matrix(idx, pure, lo[pure], hi[pure], n) @ v.x >= v.x[idx[pure]])
        lonely = np.flatnonzero(lonely)
        if len(lonely):
            window = window_row_matrix(idx, lonely, lo[lonely], hi[lonely], n)
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
        pi, pj = index_ranges(first, np.maximum(np.searchsorted(a, b + U + TIME_TOL_S, side="right"), first))
        rows_i.append(idx[pi]), rows_j.append(idx[pj]), gap.append(a[pj] - b[pi])
        lo = np.searchsorted(a, a[pi], side="right")
        between.append(window_row_matrix(idx, pi, lo, np.searchsorted(a, a[pj], side="left"), data.n_contacts))
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
