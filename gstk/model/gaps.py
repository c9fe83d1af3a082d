"""Contact gaps: the gap definition, Eq. (13) coverage rows and the dense model of Eq. (4).

Gap definition (shared with the report and the verifier): for one satellite,
sort its taken contacts by (a, b); the successor of taken contact i is the
first taken contact j with a_j > a_i, and the gap after i is a_j - b_i
(negative counts as 0).  With boundary gaps, the start gap a_first - 0 and the
end gap T_sim - max b also count, and a satellite with no taken contact has
gap T_sim; without them, a satellite with at most one taken contact has gap 0.

The exact min-max-gap method of gstk (formulation §5) is a search over the
finite set :func:`gap_candidates_s`: the optimum is one of them, and
"max gap <= G" is the feasibility model of :func:`max_contact_gap` (13),
monotone in G.  :func:`search_min_max_gap` runs that search with any
feasibility oracle; :func:`max_gap_successor` is the paper-faithful O(n^2)
model used as a reference.
"""
from __future__ import annotations

from collections.abc import Callable

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from gstk.model.data import ModelData
from gstk.model.objectives import MODEL_TIME_UNIT_S
from gstk.model.variables import Variables

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


# --------------------------------------------------------------------------- dense model of (4)
def successor_pairs(data: ModelData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (i, j, between) for every ordered pair of one satellite with a_j > a_i and a_j - b_i > 0.

    ``between`` is a sparse (pairs x contacts) matrix marking the contacts m
    with a_i < a_m < a_j.
    """
    I, J, B = [], [], []
    for idx in satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids)):
        a, b = data.aos_s[idx], data.los_s[idx]
        lo = np.searchsorted(a, a, side="right")
        pi, pj = _ranges(lo, np.full(len(a), len(a)))
        keep = a[pj] - b[pi] > TIME_TOL_S
        pi, pj = pi[keep], pj[keep]
        I.append(idx[pi]), J.append(idx[pj])
        B.append(_window_rows(idx, pi, lo[pi], np.searchsorted(a, a[pj], side="left"), data.n_contacts))
    if not I:
        return np.empty(0, int), np.empty(0, int), sp.csr_matrix((0, data.n_contacts))
    return np.concatenate(I), np.concatenate(J), sp.vstack(B).tocsr()


def dense_gap_variables(data: ModelData, include_boundary: bool = True) -> dict[str, cp.Variable]:
    """Return the extra variables of the dense model (4): G (hours), successor u, first f, last l, empty e."""
    n_pairs = len(successor_pairs(data)[0])
    extras = {"G": cp.Variable(nonneg=True, name="G"), "u": cp.Variable(n_pairs, boolean=True, name="u")}
    if include_boundary:
        extras["f"] = cp.Variable(data.n_contacts, boolean=True, name="f")
        extras["l"] = cp.Variable(data.n_contacts, boolean=True, name="l")
        extras["e"] = cp.Variable(len(data.satellite_ids), boolean=True, name="e")
    return extras


def max_gap_successor(data: ModelData, v: Variables, *, include_boundary: bool = True) -> list[cp.Constraint]:
    """Eq. (4), the paper's dense successor model (corrected): G >= (a_j - b_i) u_ij.

    u_ij >= x_i + x_j - 1 - sum_{a_i < a_m < a_j} x_m for every ordered pair of
    one satellite's contacts (O(n^2) binaries; u_ij = 1 when j is i's
    successor).  With boundary gaps: first f_j >= x_j - sum_{a_m < a_j} x_m with
    G >= a_j f_j; last l_j >= x_j - sum_{b_m > b_j} x_m with G >= (T_sim - b_j) l_j;
    empty e_k >= 1 - sum_{C_k} x with G >= T_sim e_k.  G is in hours.
    """
    G, u, unit = v.extras["G"], v.extras["u"], MODEL_TIME_UNIT_S
    i, j, between = successor_pairs(data)
    rows = []
    if len(i):
        rows += [u >= v.x[i] + v.x[j] - 1 - between @ v.x,
                 cp.multiply((data.aos_s[j] - data.los_s[i]) / unit, u) <= G]
    if include_boundary:
        rows += _dense_boundary_rows(data, v)
    return rows


def _dense_boundary_rows(data: ModelData, v: Variables) -> list[cp.Constraint]:
    """Return the first-, last- and no-contact rows of the dense model (4)."""
    G, f, l, e, unit = v.extras["G"], v.extras["f"], v.extras["l"], v.extras["e"], MODEL_TIME_UNIT_S
    T, k, a, b = data.sim_duration_s, data.satellite_of_contact, data.aos_s, data.los_s
    same = k[:, None] == k[None, :]
    earlier = sp.csr_matrix(same & (a[None, :] < a[:, None]), dtype=float)
    later_end = sp.csr_matrix(same & (b[None, :] > b[:, None]), dtype=float)
    rows = [T / unit * e <= G, e >= 1 - data.contacts_of_satellite @ v.x] if data.n_contacts else [T / unit <= G]
    if data.n_contacts:
        rows += [f >= v.x - earlier @ v.x, cp.multiply(a / unit, f) <= G,
                 l >= v.x - later_end @ v.x, cp.multiply((T - b) / unit, l) <= G]
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
