"""The paper-faithful dense model of Eq. (4): successor binaries for every ordered pair.

O(n^2) binaries per satellite; gstk uses it only as a reference for the exact
methods of :mod:`gstk.model.gaps` (tests compare both with brute force).
"""
from __future__ import annotations

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from gstk.model.data import ModelData
from gstk.model.gaps import TIME_TOL_S, index_ranges, satellite_orders, window_row_matrix
from gstk.model.variables import Variables
from gstk.units import MODEL_TIME_UNIT_S


def successor_pairs(data: ModelData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (i, j, between) for every ordered pair of one satellite with a_j > a_i and a_j - b_i > 0.

    ``between`` is a sparse (pairs x contacts) matrix marking the contacts m
    with a_i < a_m < a_j.
    """
    I, J, B = [], [], []
    for idx in satellite_orders(data.satellite_of_contact, data.aos_s, data.los_s, len(data.satellite_ids)):
        a, b = data.aos_s[idx], data.los_s[idx]
        lo = np.searchsorted(a, a, side="right")
        pi, pj = index_ranges(lo, np.full(len(a), len(a)))
        keep = a[pj] - b[pi] > TIME_TOL_S
        pi, pj = pi[keep], pj[keep]
        I.append(idx[pi]), J.append(idx[pj])
        B.append(window_row_matrix(idx, pi, lo[pi], np.searchsorted(a, a[pj], side="left"), data.n_contacts))
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


