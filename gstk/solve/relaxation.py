"""LP bounds and LP rounding of packing models (formulation §7: a bound is a certificate).

Max data (3) under station and satellite exclusion (11), (12), with no cost row
that can bind, is a *packing* model in the contact variables alone: maximize
v·x subject to A x <= b with A >= 0 and b >= 0 (the clique rows), x binary.
Its LP relaxation is an upper bound on the optimum, far tighter than the
per-satellite heaviest-chain bound when many satellites share stations, and
its solution is close to integral: on 37 ICEYE satellites (60 000-70 000
contacts per provider set) the LP leaves under 1 000 values fractional.

* :func:`packing_form` reads the model cvxpy compiles for SCIP as
  (A, b, c) and says whether it is a packing model;
* :func:`lp_bound` solves the LP relaxation (HiGHS dual simplex through
  :func:`scipy.optimize.linprog`) and returns its value, a valid bound;
* :func:`round_lp` turns the LP point into a feasible selection: the
  contacts the LP takes whole stay, the ones it leaves stay out, and the
  fractional rest splits into independent components (two contacts meet when
  some row holds both), each solved as its own small MILP
  (:func:`scipy.optimize.milp`, HiGHS) within a time share, with a greedy
  rounding in LP order as the fallback of a component whose MILP finds nothing.

The selection is feasible by construction (checked against A x <= b before it
is returned); its objective and the LP bound give the set's certified gap.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import cvxpy as cp
import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components

from gstk.solve.options import TimeBudget

log = logging.getLogger(__name__)

#: Values within this of 0 or 1 count as integral in an LP point.
INTEGRAL_TOL = 1e-6
#: Seconds of MILP per fractional component at most (the budget caps it further).
COMPONENT_LIMIT_S = 10.0


@dataclass(frozen=True)
class PackingForm:
    """max -c·x + offset over A x <= b, 0 <= x <= 1 binary, in the model's objective units times ``scale``."""

    A: sp.csr_matrix
    b: np.ndarray
    c: np.ndarray
    offset: float
    scale: float

    def value(self, x: np.ndarray) -> float:
        """Return the objective (in the model's reported units) of the point ``x``."""
        return -(float(self.c @ x) + self.offset) * self.scale

    def feasible(self, x: np.ndarray, tol: float = 1e-7) -> bool:
        """Return whether the point ``x`` satisfies every row."""
        return bool(np.all(self.A @ x <= self.b + tol))


def packing_form(model) -> PackingForm | None:
    """Return the packing form of a built max-data model, or None when it is not one.

    A packing model has the contact variables as its only variables, a
    maximized objective with nonnegative weights, only ``<=`` rows, and
    nonnegative coefficients and right-hand sides (so x = 0 is feasible and
    dropping a contact never breaks a row).
    """
    problem = model.problem
    if not isinstance(problem.objective, cp.Maximize):
        return None
    variables = problem.variables()
    if len(variables) != 1 or variables[0].id != model.variables.x.id:
        return None
    data, _, inverse = problem.get_problem_data(cp.SCIP)
    dims = data["dims"]
    A, b, c = sp.csr_matrix(data["A"]), np.asarray(data["b"], float), np.asarray(data["c"], float)
    if dims.zero or A.shape[0] != dims.nonneg or (A.data < 0).any() or (b < 0).any() or (c > 0).any():
        return None
    offset = float(np.sum(inverse[-1].get("offset", 0.0)))
    return PackingForm(A, b, c, offset, float(getattr(model, "objective_scale", 1.0)))


def lp_bound(form: PackingForm, budget: TimeBudget) -> tuple[float, np.ndarray] | None:
    """Return (LP value in reported units, LP point) of the packing model, or None if the LP did not finish."""
    limit = budget.remaining_s()
    options = {} if limit is None else {"time_limit": max(limit, 1e-3)}
    result = linprog(form.c, A_ub=form.A, b_ub=form.b, bounds=(0, 1), method="highs-ds", options=options)
    if result.status != 0 or result.x is None:
        log.debug("LP relaxation stopped: %s", result.message)
        return None
    return -(float(result.fun) + form.offset) * form.scale, np.clip(result.x, 0.0, 1.0)


def greedy_rounding(form: PackingForm, x_lp: np.ndarray) -> np.ndarray:
    """Return a feasible 0/1 point: columns taken in order of LP value, then weight, while every row allows."""
    order = np.lexsort((form.c, -np.round(x_lp, 6)))
    csc = form.A.tocsc()
    load = np.zeros(form.A.shape[0])
    take = np.zeros(len(x_lp), bool)
    for j in order:
        rows, coef = csc.indices[csc.indptr[j]:csc.indptr[j + 1]], csc.data[csc.indptr[j]:csc.indptr[j + 1]]
        if np.all(load[rows] + coef <= form.b[rows] + 1e-9):
            load[rows] += coef
            take[j] = True
    return take


def round_lp(form: PackingForm, x_lp: np.ndarray, budget: TimeBudget) -> np.ndarray:
    """Return a feasible selection near the LP point: LP-integral values kept, components of the rest solved."""
    whole = x_lp > 1 - INTEGRAL_TOL
    fractional = np.flatnonzero((x_lp > INTEGRAL_TOL) & ~whole)
    take = whole.copy()
    if not form.feasible(take.astype(float)):  # tolerance artefacts: start the greedy from nothing
        return greedy_rounding(form, x_lp)
    if not len(fractional):
        return take
    residual = form.b - form.A @ take.astype(float)
    sub = form.A[:, fractional].tocsr()
    rows = np.flatnonzero(np.diff(sub.indptr) > 0)
    sub, residual = sub[rows], residual[rows]
    n_components, label = connected_components((sub.T @ sub).tocsr(), directed=False)
    by_size = np.argsort(np.bincount(label, minlength=n_components), kind="stable")
    sub_csc = sub.tocsc()
    started = time.perf_counter()
    for component in by_size:
        cols = np.flatnonzero(label == component)
        take[fractional[cols]] = _component_selection(form.c[fractional[cols]], sub_csc[:, cols].tocsr(), residual,
                                                      x_lp[fractional[cols]], budget)
    log.debug("LP rounding: %d fractional values in %d components, %.1f s", len(fractional), n_components,
              time.perf_counter() - started)
    if not form.feasible(take.astype(float)):  # never return an infeasible selection
        return greedy_rounding(form, x_lp)
    return take


def _component_selection(c: np.ndarray, A: sp.csr_matrix, b: np.ndarray, x_lp: np.ndarray,
                         budget: TimeBudget) -> np.ndarray:
    """Return the 0/1 choice of one fractional component: its MILP's incumbent, else the greedy rounding."""
    rows = np.flatnonzero(np.diff(A.indptr) > 0)
    A, b = A[rows], b[rows]
    fallback = greedy_rounding(PackingForm(A, b, c, 0.0, 1.0), x_lp)
    limit = budget.capped(COMPONENT_LIMIT_S)
    if limit <= 0.05 or len(c) < 2:
        return fallback
    result = milp(c, constraints=[LinearConstraint(A, -np.inf, b)], integrality=np.ones(len(c)),
                  bounds=Bounds(0, 1), options={"time_limit": limit, "mip_rel_gap": 1e-4})
    if result.x is None:
        return fallback
    chosen = np.asarray(result.x) > 0.5
    if np.any(A @ chosen.astype(float) > b + 1e-7) or c @ chosen > c @ fallback:
        return fallback
    return chosen
