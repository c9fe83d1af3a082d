"""Maximal cliques and overlapping pairs of interval graphs, for Eqs. (11) and (12).

Contacts of one station (or one satellite) are intervals; two of them are
simultaneous when their open interiors intersect, a_i < b_j and a_j < b_i
(a contact ending exactly when another starts does not conflict, and a
zero-length contact conflicts with nothing).  The maximal cliques of an
interval graph are found by one sweep over the sorted AOS/LOS events: the set
of open intervals just before an LOS that follows an AOS is a maximal clique,
and there are at most n of them.

Examples
--------
>>> [c.tolist() for c in maximal_cliques([0, 1, 5], [2, 6, 7])]
[[0, 1], [1, 2]]
>>> overlapping_pairs([0, 1, 5], [2, 6, 7]).tolist()
[[0, 1], [1, 2]]
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_END, _START = 0, 1  # at equal times LOS events come first: touching intervals do not overlap


def _sweep(start: np.ndarray, end: np.ndarray, members: np.ndarray) -> list[np.ndarray]:
    """Return the maximal cliques of the intervals ``members`` (indices into start/end)."""
    times = np.concatenate([start[members], end[members]])
    kinds = np.concatenate([np.full(len(members), _START), np.full(len(members), _END)])
    who = np.concatenate([members, members])
    order = np.lexsort((who, kinds, times))
    active: dict[int, None] = {}
    cliques: list[np.ndarray] = []
    last_was_start = False
    for kind, c in zip(kinds[order].tolist(), who[order].tolist()):
        if kind == _START:
            active[c] = None
            last_was_start = True
        else:
            if last_was_start:
                cliques.append(np.fromiter(active, dtype=np.int64, count=len(active)))
            del active[c]
            last_was_start = False
    return cliques


def maximal_cliques(start_s, end_s, groups=None) -> list[np.ndarray]:
    """Return the maximal cliques of the interval graph of each group, as sorted index arrays.

    Parameters
    ----------
    start_s, end_s : array_like of float
        Interval starts and ends (AOS, LOS) in seconds.
    groups : array_like of int, optional
        Group of each interval (station or satellite index); only intervals of
        one group conflict.  Default: a single group.

    Returns
    -------
    list of numpy.ndarray
        One array of interval indices per maximal clique, ordered by group and
        time.  Zero-length intervals are returned as singleton cliques.
    """
    start, end = np.asarray(start_s, float), np.asarray(end_s, float)
    groups = np.zeros(len(start), int) if groups is None else np.asarray(groups)
    cliques: list[np.ndarray] = []
    positive = end > start
    for g in np.unique(groups):
        in_group = groups == g
        cliques.extend(np.sort(q) for q in _sweep(start, end, np.flatnonzero(in_group & positive)))
        cliques.extend(np.array([c]) for c in np.flatnonzero(in_group & ~positive))
    return cliques


def overlapping_pairs(start_s, end_s, groups=None) -> np.ndarray:
    """Return every pair (i, j), i < j, of simultaneous intervals of the same group as an (m, 2) array."""
    start, end = np.asarray(start_s, float), np.asarray(end_s, float)
    groups = np.zeros(len(start), int) if groups is None else np.asarray(groups)
    order = np.lexsort((start, groups))
    a, b, g = start[order], end[order], groups[order]
    pairs = []
    for grp in np.unique(g):
        idx = np.flatnonzero(g == grp)
        ag, bg = a[idx], b[idx]
        last = np.searchsorted(ag, bg, side="left")  # candidates j > i start before b_i
        counts = np.maximum(last - np.arange(len(idx)) - 1, 0)
        i = np.repeat(np.arange(len(idx)), counts)
        j = i + 1 + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
        keep = (ag[j] < bg[i]) & (ag[i] < bg[j]) & (bg[i] > ag[i]) & (bg[j] > ag[j])
        pairs.append(np.column_stack([order[idx[i[keep]]], order[idx[j[keep]]]]))
    out = np.concatenate(pairs) if pairs else np.empty((0, 2), int)
    out = np.sort(out, axis=1)
    return out[np.lexsort((out[:, 1], out[:, 0]))]


def incidence_rows(sets: list[np.ndarray], n_columns: int) -> sp.csr_matrix:
    """Return the 0/1 matrix with one row per index set (row r has ones at ``sets[r]``)."""
    if not sets:
        return sp.csr_matrix((0, n_columns))
    cols = np.concatenate(sets).astype(np.int64)
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    return sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(sets), n_columns))


def split_cliques(cliques: list[np.ndarray], compatible) -> list[np.ndarray]:
    """Return the maximal subsets of each clique that hold no ``compatible`` pair.

    ``compatible(i, j)`` (arrays of indices -> bool array) marks pairs that may be
    taken together although their intervals meet (e.g. one satellite's windows at one
    station, which need no slew).  Every conflicting pair of a clique stays together in
    some subset (branch on which end of a compatible pair to drop), so rows over the
    subsets exclude exactly the conflicting pairs.

    Examples
    --------
    >>> [q.tolist() for q in split_cliques([np.array([0, 1, 2])], lambda i, j: (i == 0) & (j == 2))]
    [[0, 1], [1, 2]]
    """
    out: list[np.ndarray] = []
    for q in cliques:
        i, j = np.triu_indices(len(q), k=1)
        if not compatible(q[i], q[j]).any():
            out.append(q)
            continue
        parts, stack = set(), [tuple(q.tolist())]
        while stack:
            s = np.array(stack.pop())
            i, j = np.triu_indices(len(s), k=1)
            bad = np.flatnonzero(compatible(s[i], s[j]))
            if len(bad) == 0:
                parts.add(tuple(s.tolist()))
                continue
            u, w = s[i[bad[0]]], s[j[bad[0]]]
            stack += [tuple(s[s != u].tolist()), tuple(s[s != w].tolist())]
        maximal = [p for p in parts if not any(set(p) < set(o) for o in parts)]
        out.extend(np.array(p, dtype=np.int64) for p in sorted(maximal))
    return out
