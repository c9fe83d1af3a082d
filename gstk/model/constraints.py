"""Optional constraints (8)–(21) of formulation §6, one builder per equation.

Every builder has the signature ``(data, v, *, <spec fields>) -> list[cp.Constraint]``
and returns ``[]`` when it has nothing to say.  Money rows are in k$ and data
rows in Gbit (``gstk.units.MODEL_*_UNIT``) so the solver sees numbers near 1.

A requirement no variable can meet (a required station that was prefiltered
away) is emitted as an explicitly unsatisfiable pair of rows: cvxpy's SCIP
interface silently drops rows without variables.
The max-gap rows (13) are in :mod:`gstk.model.gaps`.
"""
from __future__ import annotations

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from gstk.errors import SpecError
from gstk.model.cliques import incidence_rows, maximal_cliques, overlapping_pairs, split_cliques
from gstk.model.data import ModelData
from gstk.model.variables import Variables
from gstk.problem.operations import resolved_s
from gstk.problem.periods import overlap_s, period_starts_s
from gstk.units import MODEL_DATA_UNIT_BIT, MODEL_MONEY_UNIT_USD, SECONDS_PER_MONTH


# --------------------------------------------------------------------------- helpers
def unsatisfiable(name: str) -> list[cp.Constraint]:
    """Return two rows no point satisfies (t >= 1, t <= 0), standing for an impossible requirement."""
    t = cp.Variable(name=f"unsatisfiable_{name}")
    return [t >= 1, t <= 0]


def per_satellite_rows(matrix: sp.spmatrix, satellite_of_contact: np.ndarray, n_satellites: int) -> sp.csr_matrix:
    """Split each row j of a (rows x contacts) matrix into one row (k, j) per satellite."""
    coo = sp.coo_matrix(matrix)
    n_rows = coo.shape[0]
    rows = satellite_of_contact[coo.col] * n_rows + coo.row
    return sp.csr_matrix((coo.data, (rows, coo.col)), shape=(n_satellites * n_rows, coo.shape[1]))


# --------------------------------------------------------------------------- period windows (8), (9), (16)
# A window row sum_{c} (share of c in W_j) x_c >= D lists every contact touching W_j; with hourly
# steps and daily windows each contact sits in ~24 rows.  Instead, cut time at every window start
# and end p_0 < p_1 < ... into atoms: the points p_i (atom 2i) and the open slices (p_{i-1}, p_i)
# (atom 2i-1).  A continuous running total H_a = sum of atom weights up to atom a (one equality
# row per atom, each contact in the one or two atoms it touches) turns each window row into
# H_{2 hi} - H_{2 lo - 1} >= D: the same LP, with ~20x fewer nonzeros.
def window_atoms(data: ModelData, window_s: float, step_s: float):
    """Return (breakpoints, first, last): window j = [p[first_j], p[last_j]]."""
    starts = period_starts_s(data.sim_duration_s, window_s, step_s)
    points = np.unique(np.concatenate([starts, starts + window_s]))
    return points, np.searchsorted(points, starts), np.searchsorted(points, starts + window_s)


def overlap_atoms(data: ModelData, points: np.ndarray, weight: np.ndarray) -> sp.csr_matrix:
    """Return (atoms x contacts): weight_c * |[a_c, b_c] ∩ slice| on the slice atoms (points weigh 0)."""
    first = np.searchsorted(points, data.aos_s, side="right")  # slices i with p_{i-1} < b_c, p_i > a_c
    last = np.searchsorted(points, data.los_s, side="left")
    first, last = np.maximum(first, 1), np.minimum(last, len(points) - 1)
    counts = np.maximum(last - first + 1, 0)
    c = np.repeat(np.arange(data.n_contacts), counts)
    i = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    share = overlap_s(data.aos_s[c], data.los_s[c], points[i - 1], points[i]) * weight[c]
    return sp.csr_matrix((share, (2 * i - 1, c)), shape=(2 * len(points) - 1, data.n_contacts))


def start_atoms(data: ModelData, points: np.ndarray) -> sp.csr_matrix:
    """Return (atoms x contacts): a one at the atom holding each contact's AOS (Eq. (16))."""
    i = np.searchsorted(points, data.aos_s, side="left")
    on_point = (i < len(points)) & (points[np.minimum(i, len(points) - 1)] == data.aos_s)
    atom = np.where(on_point, 2 * i, 2 * i - 1)
    inside = (atom >= 0) & (atom < 2 * len(points) - 1)
    return sp.csr_matrix((np.ones(inside.sum()), (atom[inside], np.flatnonzero(inside))),
                         shape=(2 * len(points) - 1, data.n_contacts))


def window_rows(v: Variables, atoms: sp.csr_matrix, first, last, groups, n_groups: int, rhs: float,
                name: str) -> list[cp.Constraint]:
    """Return H_g = running totals of ``atoms @ x`` per group and H_{g,2 last} - H_{g,2 first - 1} >= rhs."""
    n_atoms = atoms.shape[0]
    if n_atoms == 0 or len(first) == 0 or n_groups == 0:
        return []
    weights = per_satellite_rows(atoms, groups, n_groups)
    total = cp.Variable(n_groups * n_atoms, name=f"running_{name}")
    step = sp.kron(sp.eye(n_groups), sp.eye(n_atoms) - sp.eye(n_atoms, k=-1), format="csr")
    g = np.repeat(np.arange(n_groups), len(first))
    hi = g * n_atoms + np.tile(2 * np.asarray(last), n_groups)
    lo = g * n_atoms + np.tile(2 * np.asarray(first) - 1, n_groups)
    rows = np.arange(len(hi))
    has_lo = np.tile(np.asarray(first) > 0, n_groups)
    pick = sp.csr_matrix((np.concatenate([np.ones(len(hi)), -np.ones(has_lo.sum())]),
                          (np.concatenate([rows, rows[has_lo]]), np.concatenate([hi, lo[has_lo]]))),
                         shape=(len(hi), n_groups * n_atoms))
    return [step @ total == weights @ v.x, pick @ total >= rhs]


def window_volumes(data: ModelData, window_s: float, step_s: float) -> sp.csr_matrix:
    """Return r_c |[a_c, b_c] ∩ W_j| in Gbit as a sparse (windows x contacts) matrix."""
    points, first, last = window_atoms(data, window_s, step_s)
    running = np.cumsum(overlap_atoms(data, points, data.rate_bps / MODEL_DATA_UNIT_BIT).toarray(), axis=0)
    below = np.where((first > 0)[:, None], running[np.maximum(2 * first - 1, 0)], 0.0)
    return sp.csr_matrix(np.clip(running[2 * last] - below, 0.0, None))


#: Windows per contact above which (8)/(9) use running totals instead of one knapsack row per window.
#: Daily windows with hourly steps (24 per contact) stay direct: on the study's 5- and 10-satellite
#: min-cost instances SCIP's root LP over the running totals had not finished after 20-30 s, while
#: the direct rows reach the root bound in ~8 s.
DIRECT_WINDOW_OVERLAP = 48.0


def downlink_rows(data: ModelData, v: Variables, window_s: float, step_s: float, groups, n_groups: int,
                  rhs: float, name: str, *, cover: bool = False, per_licence: bool = False) -> list[cp.Constraint]:
    """Return the rows of (8)/(9): sum_c V_jc x_c >= D per group and window.

    Up to :data:`DIRECT_WINDOW_OVERLAP` windows per contact (e.g. daily
    windows, hourly steps) the rows are direct knapsack rows over the
    binaries, which SCIP strengthens (coefficient tightening, cover cuts) and
    whose root LP solves fast; finer sliding windows get the compact
    running-total form of :func:`window_rows` (the same LP, fewer nonzeros).
    ``cover`` adds the valid capacity-cover rows of :func:`capacity_cover_rows`
    (on licences too with ``per_licence``).
    """
    direct = step_s * DIRECT_WINDOW_OVERLAP >= window_s
    volumes = window_volumes(data, window_s, step_s) if direct or cover else None
    if direct:
        per_group = per_satellite_rows(volumes, np.asarray(groups), n_groups)
        if (np.diff(per_group.indptr) == 0).any():
            rows = unsatisfiable(name)  # a window with no contact of the group cannot reach D > 0
        else:
            rows = [per_group @ v.x >= rhs]
    else:
        points, first, last = window_atoms(data, window_s, step_s)
        atoms = overlap_atoms(data, points, data.rate_bps / MODEL_DATA_UNIT_BIT)
        rows = window_rows(v, atoms, first, last, groups, n_groups, rhs, name)
    if cover:
        rows += capacity_cover_rows(data, v, volumes, groups, n_groups, rhs, per_licence=per_licence)
    return rows


def capacity_cover_rows(data: ModelData, v: Variables, volumes: sp.csr_matrix, groups, n_groups: int,
                        rhs: float, *, per_licence: bool = False) -> list[cp.Constraint]:
    """Return sum_s min(V_gjs, D) y_s >= D and sum_p min(V_gjp, D) z_p >= D for every group g and window j.

    V_gjs is the volume station s (provider p) can give group g in window j.
    Valid for (8)/(9) because x_c <= y_s(c) <= z_p(s); with the fixed costs of
    (2) they cut off LP points that buy a sliver of many stations.  With
    ``per_licence`` (groups are satellites, (9)) also sum_s min(V_kjs, D) w_sk >= D,
    valid because x_c <= w_s(c)k(c) (7): it charges the LP the licences as well.
    """
    coo = sp.coo_matrix(volumes)
    n_windows = volumes.shape[0]
    row = groups[coo.col] * n_windows + coo.row
    per_station = sp.csr_matrix((coo.data, (row, data.station_of_contact[coo.col])),
                                shape=(n_groups * n_windows, len(data.station_ids)))
    per_provider = per_station @ data.stations_of_provider.T
    families = [(per_station, v.y), (per_provider, v.z)]
    if per_licence:
        families.append((sp.csr_matrix((coo.data, (row, data.pair_of_contact[coo.col])),
                                       shape=(n_groups * n_windows, len(data.pair_station))), v.w))
    out = []
    for matrix, var in families:
        matrix = sp.csr_matrix(matrix)
        matrix.data = np.minimum(matrix.data, rhs)
        nonempty = np.diff(matrix.indptr) > 0
        if nonempty.any():
            out.append(matrix[nonempty] @ var >= rhs)
    return out


# --------------------------------------------------------------------------- (8)–(10)
def min_constellation_downlink(data: ModelData, v: Variables, *, volume_bit: float, window_s: float,
                               step_s: float, cover: bool = False) -> list[cp.Constraint]:
    """Eq. (8): sum_c r_c |[a_c, b_c] ∩ W_j| x_c >= D_min for every window W_j (Gbit rows).

    The volume is prorated to the part of each contact inside the window, so a
    contact straddling two windows is not counted twice in full.  Rows from
    :func:`downlink_rows`; ``cover`` adds the valid capacity-cover rows of
    :func:`capacity_cover_rows` (useful with costs).
    """
    if volume_bit <= 0:
        return []
    return downlink_rows(data, v, window_s, step_s, np.zeros(data.n_contacts, int), 1,
                         volume_bit / MODEL_DATA_UNIT_BIT, "min_constellation_downlink", cover=cover)


#: Add the licence-level cover rows to (9) under the cost objective (see :func:`capacity_cover_rows`).
LICENCE_COVER = True


def min_satellite_downlink(data: ModelData, v: Variables, *, volume_bit: float, window_s: float,
                           step_s: float, cover: bool = False) -> list[cp.Constraint]:
    """Eq. (9): sum_{c in C_k} r_c |[a_c, b_c] ∩ W_j| x_c >= D_min for every satellite k and window W_j."""
    if volume_bit <= 0:
        return []
    return downlink_rows(data, v, window_s, step_s, data.satellite_of_contact, len(data.satellite_ids),
                         volume_bit / MODEL_DATA_UNIT_BIT, "min_satellite_downlink", cover=cover,
                         per_licence=cover and LICENCE_COVER)


def max_monthly_cost(data: ModelData, v: Variables, *, usd: float) -> list[cp.Constraint]:
    """Eq. (10): sum_s C^mon_s y_s + (mu / T_sim) sum_c kappa_c x_c <= B_month (k$ row).

    Left out when even taking every contact stays within the cap.
    """
    monthly = data.monthly_cost_usd / MODEL_MONEY_UNIT_USD
    per_contact = SECONDS_PER_MONTH / data.sim_duration_s * data.contact_cost_usd / MODEL_MONEY_UNIT_USD
    used = data.contacts_at_station @ np.ones(data.n_contacts) > 0
    if usd / MODEL_MONEY_UNIT_USD >= monthly[used].sum() + per_contact.sum():
        return []  # taking every contact stays within the cap: the row cannot bind
    return [monthly @ v.y + per_contact @ v.x <= usd / MODEL_MONEY_UNIT_USD]


# --------------------------------------------------------------------------- (11), (12)
# Turnaround and slew: an antenna needs tau_s after a contact before the next one, a satellite sigma_k
# to turn to another station.  Padding each LOS, b_c + tau_s(c), turns "the gap b_i -> a_j is shorter
# than tau" into an overlap of the padded intervals, so the interval-clique rows stay exact: padded
# intervals with at most A_s open at once can be spread over A_s antennas, each with gaps >= tau.
def station_padded_los_s(data: ModelData, turnaround_s: float = 0.0) -> np.ndarray:
    """Return b_c + tau_s(c): each contact's LOS padded by its station's turnaround (tables, else the spec's)."""
    tau = resolved_s(data.station_turnaround_s, turnaround_s) if data.station_turnaround_s is not None else \
        np.full(len(data.station_ids), float(turnaround_s))
    return data.los_s + tau[data.station_of_contact]


def satellite_padded_los_s(data: ModelData, slew_s: float = 0.0) -> np.ndarray:
    """Return b_c + sigma_k(c): each contact's LOS padded by its satellite's slew time (table, else the spec's)."""
    sigma = resolved_s(data.satellite_slew_s, slew_s) if data.satellite_slew_s is not None else \
        np.full(len(data.satellite_ids), float(slew_s))
    return data.los_s + sigma[data.satellite_of_contact]


def same_station_apart(data: ModelData):
    """Return compatible(i, j): contacts at one station that do not overlap (one satellite needs no slew)."""
    def compatible(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = data.aos_s, data.los_s
        overlap = (a[i] < b[j]) & (a[j] < b[i]) & (b[i] > a[i]) & (b[j] > a[j])
        return (data.station_of_contact[i] == data.station_of_contact[j]) & ~overlap
    return compatible


def station_cliques(data: ModelData, link_station: bool = True, turnaround_s: float = 0.0) -> list[np.ndarray]:
    """Return the maximal cliques of each station's interval graph (LOS padded by tau_s) that (11) needs.

    A clique of at most A_s contacts cannot be violated; it is kept only at a
    one-antenna station with ``link_station`` (its row sum_Q x_c <= y_s then
    replaces the x_c <= y_s rows of (5)).
    """
    cliques = maximal_cliques(data.aos_s, station_padded_los_s(data, turnaround_s), data.station_of_contact)
    cap = data.antennas[[data.station_of_contact[q[0]] for q in cliques]] if cliques else []
    return [q for q, a in zip(cliques, cap) if len(q) > a or (link_station and a == 1)]


def station_link_implied(data: ModelData) -> np.ndarray:
    """Return, per contact, whether the clique rows of (11) imply x_c <= y_s(c) (one-antenna stations)."""
    return data.antennas[data.station_of_contact] == 1


def station_contact_exclusion(data: ModelData, v: Variables, *, link_station: bool = True,
                              turnaround_s: float = 0.0) -> list[cp.Constraint]:
    """Eq. (11), clique form: sum_{c in Q} x_c <= A_s y_s for every maximal clique Q at station s.

    One row per maximal clique of the station's interval graph (at most |C_s|
    rows, found by a sweep) instead of one per overlapping pair.  y_s on the
    right-hand side makes each row also imply x_c <= y_s for its members.  When
    nothing depends on y (``link_station=False``) the right-hand side is A_s.
    Intervals are [a_c, b_c + tau_s): contacts closer than the turnaround conflict.
    """
    cliques = station_cliques(data, link_station, turnaround_s)
    if not cliques:
        return []
    station = data.station_of_contact[[q[0] for q in cliques]]
    rows = incidence_rows(cliques, data.n_contacts) @ v.x
    if not link_station:
        return [rows <= data.antennas[station]]
    capacity = sp.csr_matrix((data.antennas[station].astype(float), (np.arange(len(cliques)), station)),
                             shape=(len(cliques), len(data.station_ids)))
    return [rows <= capacity @ v.y]


def station_contact_exclusion_pairwise(data: ModelData, v: Variables, *,
                                       turnaround_s: float = 0.0) -> list[cp.Constraint]:
    """Eq. (11), the paper's pairwise form: x_i + x_j <= 1 for every overlapping pair at one station.

    Valid only for one-antenna stations (for A_s > 1 a pair may legitimately
    overlap); use the clique form there.  Pairs closer than the turnaround tau_s overlap.
    """
    pairs = overlapping_pairs(data.aos_s, station_padded_los_s(data, turnaround_s), data.station_of_contact)
    if len(pairs) == 0:
        return []
    multi = data.antennas[data.station_of_contact[pairs[:, 0]]] > 1
    if multi.any():
        station = data.station_ids[data.station_of_contact[pairs[multi][0, 0]]]
        raise SpecError(f"StationContactExclusion(form='pairwise') is only valid for one-antenna stations, "
                        f"but {station!r} has {data.antennas[data.station_ids.index(station)]} antennas; "
                        f"use form='clique'")
    return [incidence_rows(list(pairs), data.n_contacts) @ v.x <= 1]


def satellite_cliques(data: ModelData, slew_s: float = 0.0) -> list[np.ndarray]:
    """Return the maximal cliques of each satellite's conflict graph: overlap, or closer than sigma_k
    at two different stations (cliques of the LOS-padded intervals, split where one holds two
    windows of one station that do not overlap)."""
    cliques = maximal_cliques(data.aos_s, satellite_padded_los_s(data, slew_s), data.satellite_of_contact)
    padded = slew_s > 0 or (data.satellite_slew_s is not None and np.nan_to_num(data.satellite_slew_s).any())
    return split_cliques(cliques, same_station_apart(data)) if padded else cliques


def satellite_contact_exclusion(data: ModelData, v: Variables, *, max_links: int = 1,
                                slew_s: float = 0.0) -> list[cp.Constraint]:
    """Eq. (12), clique form: sum_{c in Q} x_c <= max_links for every maximal clique Q of a satellite.

    Cliques with at most ``max_links`` contacts cannot be violated and are dropped.
    With a slew time sigma_k, two contacts at different stations closer than sigma_k
    also conflict (:func:`satellite_cliques`).
    """
    cliques = [q for q in satellite_cliques(data, slew_s) if len(q) > max_links]
    if not cliques:
        return []
    return [incidence_rows(cliques, data.n_contacts) @ v.x <= max_links]


def satellite_contact_exclusion_pairwise(data: ModelData, v: Variables, *, max_links: int = 1,
                                         slew_s: float = 0.0) -> list[cp.Constraint]:
    """Eq. (12), the paper's pairwise form: x_i + x_j <= 1 for every overlapping pair of one satellite
    (and every pair at different stations closer than the slew time sigma_k)."""
    if max_links != 1:
        raise SpecError(f"SatelliteContactExclusion(form='pairwise') needs max_links=1, got {max_links}; "
                        "use form='clique' for several simultaneous links")
    pairs = overlapping_pairs(data.aos_s, satellite_padded_los_s(data, slew_s), data.satellite_of_contact)
    pairs = pairs[~same_station_apart(data)(pairs[:, 0], pairs[:, 1])] if len(pairs) else pairs
    if len(pairs) == 0:
        return []
    return [incidence_rows(list(pairs), data.n_contacts) @ v.x <= 1]


# --------------------------------------------------------------------------- (14)–(21)
def max_providers(data: ModelData, v: Variables, *, count: int) -> list[cp.Constraint]:
    """Eq. (14): sum_p z_p <= N_P."""
    if len(data.provider_ids) <= count:
        return []
    return [cp.sum(v.z) <= count]


def min_contacts_per_period(data: ModelData, v: Variables, *, count: int, window_s: float,
                            step_s: float) -> list[cp.Constraint]:
    """Eq. (16): sum_{c in C_k, a_c in W_j} x_c >= N_min for every satellite k and closed window W_j.

    Rows use the running-total form of :func:`window_rows` (AOS on a window
    edge sits on a point atom, so closed windows count it).
    """
    if count <= 0:
        return []
    points, first, last = window_atoms(data, window_s, step_s)
    return window_rows(v, start_atoms(data, points), first, last, data.satellite_of_contact,
                       len(data.satellite_ids), count, "min_contacts_per_period")


def required_provider(data: ModelData, v: Variables, *, provider: str) -> list[cp.Constraint]:
    """Eq. (17): z_p = 1 (unsatisfiable if the prefilters left provider p without stations)."""
    if provider not in data.provider_ids:
        return unsatisfiable("required_provider")
    return [v.z[data.provider_ids.index(provider)] == 1]


def required_station(data: ModelData, v: Variables, *, station_id: str) -> list[cp.Constraint]:
    """Eq. (18): y_s = 1 (unsatisfiable if the prefilters dropped station s)."""
    if station_id not in data.station_ids:
        return unsatisfiable("required_station")
    return [v.y[data.station_ids.index(station_id)] == 1]


def station_count(data: ModelData, v: Variables, *, min_count: int = 0,
                  max_count: int | None = None) -> list[cp.Constraint]:
    """Eq. (19): N_min <= sum_s y_s <= N_max."""
    n = len(data.station_ids)
    rows = []
    if min_count > 0:
        rows += [cp.sum(v.y) >= min_count] if n else unsatisfiable("station_count")
    if max_count is not None and max_count < n:
        rows.append(cp.sum(v.y) <= max_count)
    return rows


def max_antenna_utilization(data: ModelData, v: Variables, *, fraction: float,
                            link_station: bool = True) -> list[cp.Constraint]:
    """Eq. (21): sum_{c in C_s} d_c x_c <= fraction * A_s * T_sim * y_s at every station (hour rows).

    y_s on the right-hand side gives the same integer points (x_c <= y_s) and a
    tighter LP bound; without ``link_station`` (nothing depends on y) it is 1.
    Rows of stations whose total contact time is below the cap cannot bind and
    are left out.
    """
    busy = data.contacts_at_station @ data.duration_s
    cap = fraction * data.antennas * data.sim_duration_s
    binding = np.flatnonzero(busy > cap)
    if len(binding) == 0:
        return []
    hours = data.contacts_at_station[binding] @ sp.diags(data.duration_s / 3600.0)
    if not link_station:
        return [hours @ v.x <= cap[binding] / 3600.0]
    return [hours @ v.x <= cp.multiply(cap[binding] / 3600.0, v.y[binding])]
