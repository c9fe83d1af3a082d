"""Solve a model with SCIP and return a :class:`~gstk.solution.Solution` (formulation §7).

This is the only module that touches SCIP.  Options reach SCIP through cvxpy's
SCIP interface as ``scip_params``; the status is read from SCIP itself
(``getStatus()``), never inferred from cvxpy's status string, and mapped to
:class:`~gstk.solution.Status`.  A solve always returns: infeasibility and hit
limits are statuses, not exceptions.

Two details of cvxpy 1.9's SCIP interface shape this module:

* it ignores ``warm_start`` and forgets the SCIP model when it raises (a time
  limit without an incumbent raises ``SolverError``).  :func:`run_scip` runs
  cvxpy's own SCIP chain (``get_problem_data`` / ``unpack_results``, reusing the
  compilation cached by ``build_model``) but makes the SCIP call with
  :class:`_Scip`, a subclass that keeps a handle on the live PySCIPOpt model and
  passes the current values of the cvxpy variables to SCIP as a start solution
  (a partial one, finished by SCIP's ``completesol`` heuristic, when some
  values are unset);
* the objective reaches SCIP negated for maximization and without its constant
  term; :func:`run_scip` undoes both for the bound.

The exact min-max-gap objective (4) is solved by a search over the finite set
of candidate gap values (:func:`solve_min_max_gap_exact`), each step a
feasibility MILP of the coverage form of (13).  :func:`optimize` is the one-call
entry point; on an infeasible result it asks :mod:`gstk.diagnose` why.
"""
from __future__ import annotations

import logging
import math
import time
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import cvxpy as cp
import numpy as np
from cvxpy import settings as cvxpy_settings
from cvxpy.reductions.solvers import utilities as cvxpy_utilities
from cvxpy.reductions.solvers.conic_solvers.scip_conif import SCIP as _CvxpyScip
from cvxpy.settings import PARAM_PROB

from gstk.errors import GstkError
from gstk.model.build import build_gap_feasibility_model, build_model
from gstk.model.data import ModelData
from gstk.model.gaps import gap_candidates_s, gap_lower_bound_s
from gstk.model.specs import MaxContactGap, MinMaxGap, Spec
from gstk.solution import Solution, Status, max_gap_by_satellite_s

log = logging.getLogger(__name__)

#: SCIP statuses that stop at a limit: the incumbent (if any) is kept but not proven optimal.
SCIP_LIMIT_STATUSES = frozenset({
    "timelimit", "nodelimit", "totalnodelimit", "stallnodelimit", "memlimit", "sollimit",
    "bestsollimit", "restartlimit", "primallimit", "duallimit", "userinterrupt", "terminate",
})
#: Relative difference below which a proven-optimal objective and its bound are reported equal
#: (SCIP proves optimality to an absolute 1e-9 in model units, i.e. k$ / Gbit / hours).
_OPTIMAL_SNAP = 1e-9
#: Stand-in for a zero gap bound in the exact search (MaxContactGap.gap_s must be > 0).
_ZERO_GAP_S = 1e-9


# ----------------------------------------------------------------------------- status mapping
def status_from_scip(scip_status: str, has_incumbent: bool) -> Status:
    """Return the gstk :class:`Status` of a SCIP status string.

    'optimal' and 'gaplimit' (optimal within the requested relative gap) are OPTIMAL;
    a limit is FEASIBLE with an incumbent, NO_SOLUTION without; 'infeasible' is
    INFEASIBLE; 'unbounded' is UNBOUNDED; 'inforunbd' is UNBOUNDED when a feasible
    point is known and INFEASIBLE otherwise (gstk models have binary variables and a
    bounded objective, so they cannot be unbounded); anything else is ERROR.

    Examples
    --------
    >>> status_from_scip("timelimit", True).value, status_from_scip("timelimit", False).value
    ('FEASIBLE', 'NO_SOLUTION')
    """
    scip_status = str(scip_status).lower()
    if scip_status in ("optimal", "gaplimit"):
        return Status.OPTIMAL if has_incumbent else Status.ERROR
    if scip_status in SCIP_LIMIT_STATUSES:
        return Status.FEASIBLE if has_incumbent else Status.NO_SOLUTION
    if scip_status == "infeasible":
        return Status.INFEASIBLE
    if scip_status == "unbounded":
        return Status.UNBOUNDED
    if scip_status == "inforunbd":
        return Status.UNBOUNDED if has_incumbent else Status.INFEASIBLE
    return Status.FEASIBLE if has_incumbent else Status.ERROR


def status_message(scip_status: str, status: Status, gap: float | None = None) -> str:
    """Return one sentence explaining ``status`` (SCIP status in quotes)."""
    text = {
        Status.OPTIMAL: "proven optimal",
        Status.FEASIBLE: "a limit was reached; the best solution found is kept but not proven optimal",
        Status.NO_SOLUTION: "a limit was reached before any feasible solution was found",
        Status.INFEASIBLE: "the model is infeasible: no selection satisfies every constraint",
        Status.UNBOUNDED: "the model is unbounded",
        Status.ERROR: "the solver failed",
    }[status]
    if status is Status.OPTIMAL and scip_status == "gaplimit":
        text = "optimal within the requested relative gap"
    if gap is not None and status is Status.FEASIBLE:
        text += f" (relative gap {100 * gap:.2f}%)"
    return f"{text} (SCIP status '{scip_status}')"


# ----------------------------------------------------------------------------- parameters
@lru_cache(maxsize=1)
def _known_scip_parameters() -> frozenset[str]:
    import pyscipopt

    return frozenset(pyscipopt.Model().getParams())


def scip_parameters(*, time_limit_s: float | None = None, rel_gap: float | None = None, threads: int = 1,
                    seed: int = 0, scip_params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the SCIP parameter dict for the solve options (``scip_params`` override the rest).

    ``threads`` sets ``lp/threads`` and ``parallel/maxnthreads``; note that SCIP's
    branch and bound as cvxpy runs it (``optimize``) is sequential, and SoPlex
    ignores LP threads, so more threads rarely change anything.

    Examples
    --------
    >>> scip_parameters(time_limit_s=60, rel_gap=0.01, seed=3)["randomization/randomseedshift"]
    3
    """
    if time_limit_s is not None and not (isinstance(time_limit_s, (int, float)) and time_limit_s >= 0):
        raise GstkError(f"time_limit_s must be a number >= 0 or None, got {time_limit_s!r}")
    if rel_gap is not None and not (isinstance(rel_gap, (int, float)) and rel_gap >= 0):
        raise GstkError(f"rel_gap must be a number >= 0 or None, got {rel_gap!r}")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise GstkError(f"threads must be an integer >= 1, got {threads!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31:
        raise GstkError(f"seed must be an integer in [0, 2**31), got {seed!r}")
    params: dict[str, Any] = {
        "randomization/randomseedshift": int(seed),
        "lp/threads": int(threads),
        "parallel/maxnthreads": int(threads),
    }
    if time_limit_s is not None:
        params["limits/time"] = float(min(time_limit_s, 1e20))
    if rel_gap is not None:
        params["limits/gap"] = float(rel_gap)
    params.update(scip_params or {})
    unknown = sorted(set(params) - _known_scip_parameters())
    if unknown:
        raise GstkError(f"unknown SCIP parameter(s) {unknown}; names look like 'limits/time' "
                        "(list them with pyscipopt.Model().getParams())")
    return params


# ----------------------------------------------------------------------------- one SCIP run
class _Scip(_CvxpyScip):
    """cvxpy's SCIP interface plus a warm start and a handle on the live PySCIPOpt model."""

    def __init__(self, start: np.ndarray | None = None) -> None:
        super().__init__()
        self.start = start
        self.scip_model = None

    def name(self) -> str:
        return "GSTK_SCIP"

    def _solve(self, model, variables, constraints, data, dims):
        self.scip_model = model
        start = self.start
        if start is not None and len(start) == len(variables) and np.isfinite(start).any():
            complete = bool(np.isfinite(start).all())
            sol = model.createSol() if complete else model.createPartialSol()
            for var, value in zip(variables, start):
                if np.isfinite(value):
                    model.setSolVal(sol, var, float(value))
            accepted = model.addSol(sol)
            log.debug("warm start: %s solution with %d of %d values, accepted=%s",
                      "complete" if complete else "partial", int(np.isfinite(start).sum()), len(start), accepted)
        solution = super()._solve(model, variables, constraints, data, dims)
        if solution["status"] == cvxpy_settings.SOLVER_ERROR and "primal" in solution:
            # cvxpy maps some limits (sollimit, stallnodelimit, ...) to an error even with an
            # incumbent; gstk reads the status from SCIP, cvxpy must just unpack the incumbent.
            solution["status"] = cvxpy_settings.OPTIMAL_INACCURATE
        return solution


@dataclass(frozen=True)
class ScipRun:
    """What one SCIP run left: SCIP status, incumbent x, bounds in the cvxpy objective's units."""

    scip_status: str
    x: np.ndarray | None
    primal: float | None
    dual: float | None
    wall_time_s: float
    error: str = ""

    @property
    def status(self) -> Status:
        return status_from_scip(self.scip_status, self.x is not None)


def run_scip(problem: cp.Problem, x: cp.Variable, params: dict[str, Any], *, warm_start: bool = True) -> ScipRun:
    """Solve ``problem`` with SCIP; return the status, the values of ``x`` and both bounds.

    Goes through cvxpy's own chain for SCIP (``get_problem_data(cp.SCIP)``, reusing
    the compilation ``build_model`` cached) and ``unpack_results``; only the last
    step, the SCIP call, is :class:`_Scip`.  Never raises for solver outcomes: a
    cvxpy ``SolverError`` (e.g. a time limit without incumbent) is read back from
    the live SCIP model.
    """
    started = time.perf_counter()
    if not problem.variables():  # nothing to decide (every contact prefiltered): cvxpy's constant solver
        return _constant_run(problem, x, started)
    solver, error = _Scip(), ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # cvxpy's "Solution may be inaccurate" at limits
        try:
            data, chain, inverse = problem.get_problem_data(cp.SCIP)
            offset = float(np.sum(inverse[-1].get("offset", 0.0)))
            if warm_start:
                solver.start = cvxpy_utilities.stack_vals(data[PARAM_PROB].variables, np.nan)
            raw = solver.solve_via_data(data, warm_start, False, {"scip_params": dict(params)})
            problem.unpack_results(raw, chain, inverse)
        except cp.error.SolverError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a failing solver is a status, not an exception
            error = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    scip = solver.scip_model
    if scip is None:
        return ScipRun("error", None, None, None, elapsed, error or "SCIP was not called")
    sign = -1.0 if isinstance(problem.objective, cp.Maximize) else 1.0
    in_problem = any(v.id == x.id for v in problem.variables())
    # x in no row and not in the objective (no contacts, or a gap model without successor
    # pairs): cvxpy leaves it unset and any value is optimal, so take no contact.
    x_value = x.value if in_problem else np.zeros(x.size)
    has_incumbent = not error and scip.getNSols() > 0 and x_value is not None
    values = np.asarray(x_value, float).ravel().copy() if has_incumbent else None
    primal = float(problem.value) if has_incumbent and problem.value is not None else None
    dual = None
    if scip.getStatus() not in ("infeasible", "inforunbd", "unbounded"):
        raw_bound = scip.getDualbound()
        dual = None if scip.isInfinity(abs(raw_bound)) else sign * (raw_bound + offset)
    return ScipRun(scip.getStatus(), values, primal, dual, elapsed, error)


def _constant_run(problem: cp.Problem, x: cp.Variable, started: float) -> ScipRun:
    """Return the ScipRun of a problem without variables, solved by cvxpy without SCIP."""
    problem.solve()
    feasible = problem.status == cp.OPTIMAL
    value = float(problem.value) if feasible else None
    return ScipRun("optimal" if feasible else "infeasible", np.zeros(x.size) if feasible else None, value, value,
                   time.perf_counter() - started)


# ----------------------------------------------------------------------------- model helpers
def model_objective(model) -> Spec:
    """Return the objective spec a Model was built for."""
    spec = getattr(model, "objective", None)
    if not isinstance(spec, Spec):
        raise GstkError("the model does not record its objective spec (expected Model.objective)")
    return spec


def model_constraints(model) -> tuple[Spec, ...]:
    """Return the constraint specs a Model was built with (``Model.constraint_specs``)."""
    return tuple(getattr(model, "constraint_specs", ()) or ())


def gap_include_boundary(objective: Spec, constraints) -> bool:
    """Return the boundary convention of reported gaps: the objective's, else (13)'s, else True."""
    for spec in (objective, *constraints):
        if isinstance(spec, (MinMaxGap, MaxContactGap)):
            return spec.include_boundary
    return True


def model_size(model) -> tuple[int, int]:
    """Return (variables, constraint rows) of a Model, as SCIP receives it (``Model.size``)."""
    size = getattr(model, "size", None) or {}
    return int(size.get("n_variables", 0)), int(size.get("n_constraints", 0))


def problem_dict(objective: Spec, constraints) -> dict:
    """Return the JSON-ready spec dict stored in ``Solution.problem``."""
    return {"objective": objective.to_dict(), "constraints": [c.to_dict() for c in constraints]}


# ----------------------------------------------------------------------------- the public solve
def solve(model, *, time_limit_s: float | None = None, rel_gap: float | None = None, threads: int = 1,
          seed: int = 0, scip_params: dict[str, Any] | None = None, warm_start: bool = True) -> Solution:
    """Solve ``model`` with SCIP and return its :class:`~gstk.solution.Solution`; never raises on outcomes.

    Parameters
    ----------
    model : gstk.model.build.Model
        From :func:`gstk.model.build.build_model`.  An exact ``MinMaxGap`` objective
        is solved by :func:`solve_min_max_gap_exact`.
    time_limit_s : float, optional
        Wall-clock limit in seconds for SCIP (for the exact gap search: all its solves).
    rel_gap : float, optional
        Stop when |primal - dual| / min(|primal|, |dual|) <= rel_gap (SCIP ``limits/gap``;
        for the exact gap search: (hi - lo) / hi); such a stop is reported OPTIMAL with
        its gap, which is |objective - bound| / |objective|.
    threads, seed : int
        SCIP LP threads (see :func:`scip_parameters`) and random seed shift.
    scip_params : dict, optional
        Extra SCIP parameters, e.g. ``{"limits/nodes": 1000}``; they override the above.
    warm_start : bool
        Give SCIP a start solution: ``Model.warm_start`` (variable name -> values) if
        set, plus the current values of the model's cvxpy variables (a previous
        solve's, or ones set by the caller).  Complete starts are added as a solution,
        incomplete ones as a partial solution SCIP's ``completesol`` heuristic
        finishes.  Not used by the exact gap search (each step is a new model).

    Returns
    -------
    Solution
        Status, objective and bound in natural units (USD, bits, seconds), gap,
        times, model size and the selection with its tables.
    """
    params = scip_parameters(time_limit_s=time_limit_s, rel_gap=rel_gap, threads=threads, seed=seed,
                             scip_params=scip_params)
    objective = model_objective(model)
    if isinstance(objective, MinMaxGap) and objective.form == "exact":
        return solve_min_max_gap_exact(model, params=params, time_limit_s=time_limit_s, rel_gap=rel_gap)
    if warm_start and getattr(model, "warm_start", None):
        set_start_values(model, model.warm_start)
    run = run_scip(model.problem, model.variables.x, params, warm_start=warm_start)
    constraints = model_constraints(model)
    scale = float(getattr(model, "objective_scale", 1.0))
    status = run.status
    n_var, n_con = model_size(model)
    solution = Solution.from_selection(
        model.data, run.x if status.has_solution else None, status=status,
        objective_name=objective.builder, sense=objective.sense,
        bound=None if run.dual is None else run.dual * scale,
        include_boundary=gap_include_boundary(objective, constraints),
        build_time_s=float(getattr(model, "build_time_s", 0.0)), solve_time_s=run.wall_time_s,
        n_variables=n_var, n_constraints=n_con, problem=problem_dict(objective, constraints),
        n_solves=1, solver_status=run.scip_status,
    )
    solution = _snap_optimal(solution)
    message = status_message(run.scip_status, status, solution.gap)
    if run.error and not status.has_solution and status is not Status.NO_SOLUTION:
        message += f"; {run.error}"
    if run.primal is not None and solution.objective is not None:
        _check_objective(run.primal * scale, solution.objective, objective.builder)
    return _replace(solution, message=message)


def set_start_values(model, values: dict[str, np.ndarray]) -> None:
    """Set the cvxpy values of the model's variables named in ``values`` (the next solve's start)."""
    by_name = {var.name(): var for var in model.problem.variables()}
    for name, value in values.items():
        var = by_name.get(name)
        if var is None:
            raise GstkError(f"warm start names variable {name!r}, which the model lacks; "
                            f"expected some of {sorted(by_name)}")
        var.value = np.asarray(value, float).reshape(var.shape)


def _snap_optimal(solution: Solution) -> Solution:
    """Report bound = objective for a proven optimum whose bound differs by float noise only."""
    if solution.status is Status.OPTIMAL and solution.solver_status == "optimal" and solution.objective is not None:
        if solution.gap is None or solution.gap <= _OPTIMAL_SNAP:
            return _replace(solution, bound=solution.objective, gap=0.0)
    return solution


def _check_objective(model_value: float, recomputed: float, name: str) -> None:
    if abs(model_value - recomputed) > 1e-6 * max(1.0, abs(recomputed)):
        log.info("objective %s: solver value %.9g differs from the value %.9g recomputed from the rounded "
                 "selection (rebuilt y, z, w or slack G)", name, model_value, recomputed)


def _replace(solution: Solution, **changes) -> Solution:
    return replace(solution, **changes)


# ----------------------------------------------------------------------------- exact min-max gap (4)
def solve_min_max_gap_exact(model, *, params: dict[str, Any], time_limit_s: float | None = None,
                            rel_gap: float | None = None) -> Solution:
    """Return the exact optimum of (4) by a search over the finite set of candidate gap values.

    Every achievable max gap is a candidate (a_j - b_i, a_j, T_sim - b_i, T_sim or
    0; :func:`gstk.model.gaps.gap_candidates_s`), and "max gap <= G" is the
    feasibility model of (13), monotone in G.  The search keeps ``lo`` (the
    optimum is >= lo, or > lo after an infeasible test at lo) and ``hi`` (the
    actual max gap of the best schedule found).  A feasible answer at G moves
    ``hi`` to the schedule's actual gap (often far below G); an infeasible one
    moves ``lo`` to G.

    1. Solve without gap rows: infeasible there means the other constraints
       conflict; otherwise the schedule gives the first ``hi``.  With boundary
       gaps, ``lo`` starts at the coverage bound (the longest stretch no contact
       of some satellite covers), or the tighter chain bound of
       :func:`gstk.model.gaps.gap_lower_bound_s` under satellite exclusion.
    2. Probe L (1 + growth) for growth 0, 1/16, 1/8, ... up to the first feasible
       probe (L: that lower bound), then bisect in value space while the
       candidates below ``hi`` are too many to list cheaply (O(n^2) pairs when
       ``hi`` is near T_sim).
    3. List the candidates in (lo, hi] and bisect on them until the one below
       ``hi`` is infeasible: ``hi`` is then proven optimal.  Bisection steps
       alternate with tests of the candidate just below ``hi``: the optimum is
       usually found well before bisection alone would prove it.
    """
    objective, constraints = model_objective(model), model_constraints(model)
    search = _GapSearch(model.data, constraints, objective.include_boundary, params, time_limit_s,
                        build=build_gap_feasibility_model)
    verdict, best = search.attempt(math.inf)
    if best is None:
        return search.solution(model, objective, None, verdict)
    search.feasible(math.inf, best)
    search.lo = search.lower_bound_s = max(
        coverage_lower_bound_s(model.data, objective.include_boundary),
        gap_lower_bound_s(model.data, constraints, objective.include_boundary)[0])
    for growth in _GALLOP if search.lo > 0 else ():  # the bound is often tight or close: probe just above it
        probe = search.lower_bound_s * (1.0 + growth)
        if search.finished(rel_gap) or probe >= search.hi:
            break
        if not search.step(probe):
            return search.solution(model, objective, search.best, Status.FEASIBLE)
        if search.hi <= probe:
            break
    while not search.finished(rel_gap) and search.too_many_candidates():
        if not search.step(0.5 * (search.lo + search.hi)):
            return search.solution(model, objective, search.best, Status.FEASIBLE)
    candidates = gap_candidates_s(model.data, objective.include_boundary, upper_s=search.hi)
    candidates = np.unique(np.append(candidates[search.above_lo(candidates)], search.hi))
    predecessor = False
    while not search.finished(rel_gap):
        below = candidates[candidates < search.hi]
        if len(below) == 0:  # no candidate left in [lo, hi): hi is the optimum
            search.lo, search.lo_strict = search.hi, False
            break
        # alternate bisection with a test of the candidate just below hi: once hi is optimal, that one
        # infeasible solve proves it, instead of log2(len(below)) infeasible bisection steps
        predecessor = not predecessor and len(below) > 2
        if not search.step(float(below[-1] if predecessor else below[(len(below) - 1) // 2])):
            return search.solution(model, objective, search.best, Status.FEASIBLE)
        candidates = candidates[search.above_lo(candidates)]
    return search.solution(model, objective, search.best, Status.OPTIMAL)


def coverage_lower_bound_s(data, include_boundary: bool = True) -> float:
    """Return a lower bound on (4) with boundary gaps: the longest time no contact of a satellite covers.

    If no contact of satellite k intersects (u, v), the last taken contact starting
    before u ends by u and the next taken one starts at v or later (or the window
    ends), so some gap of k is at least v - u, whatever is taken.
    """
    if not include_boundary:
        return 0.0
    worst = 0.0
    for k in range(len(data.satellite_ids)):
        mine = data.satellite_of_contact == k
        worst = max(worst, longest_uncovered_s(data.aos_s[mine], data.los_s[mine], data.sim_duration_s))
    return worst


def longest_uncovered_s(aos_s: np.ndarray, los_s: np.ndarray, sim_duration_s: float) -> float:
    """Return the longest stretch of [0, T_sim] that no interval [a, b] covers.

    Examples
    --------
    >>> longest_uncovered_s(np.array([10.0, 15.0, 60.0]), np.array([30.0, 20.0, 70.0]), 100.0)
    30.0
    """
    if len(aos_s) == 0:
        return float(sim_duration_s)
    order = np.argsort(aos_s, kind="stable")
    a, b = np.asarray(aos_s, float)[order], np.asarray(los_s, float)[order]
    reach = np.maximum.accumulate(b)  # latest LOS among contacts starting no later
    holes = a[1:] - reach[:-1]
    return float(max(a[0], sim_duration_s - reach[-1], np.max(holes, initial=0.0), 0.0))


#: Probes of the exact gap search above its starting lower bound L: L (1 + growth) until one is feasible.
_GALLOP = (0.0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0, 2.0, 4.0)
#: Largest number of (i, j) pairs the candidate list may enumerate before the search lists it.
_MAX_CANDIDATE_PAIRS = 2_000_000


class _GapSearch:
    """State of the exact gap search: bounds, best schedule, one feasibility solve per test."""

    def __init__(self, data, constraints, include, params, time_limit_s, *, build):
        self.data, self.constraints, self.include, self.build = data, constraints, include, build
        self.params = {k: v for k, v in params.items() if k != "limits/gap"}  # feasibility: first point answers
        self.deadline = None if time_limit_s is None else time.perf_counter() + float(time_limit_s)
        self.lo, self.lo_strict, self.hi, self.best = 0.0, False, math.inf, None
        self.last_infeasible: float | None = None
        self.lower_bound_s = 0.0
        self.n_solves, self.build_time_s, self.solve_time_s, self.size = 0, 0.0, 0.0, (0, 0)
        self.last_scip_status, self.errors = "", []
        counts = np.bincount(data.satellite_of_contact, minlength=len(data.satellite_ids)).astype(float)
        self._pairs_per_second = float(np.sum(counts ** 2)) / max(data.sim_duration_s, 1.0)

    def attempt(self, gap_s: float) -> tuple[Status, np.ndarray | None]:
        """Solve "max gap <= gap_s": (OPTIMAL, x) if feasible, else (INFEASIBLE or the limit status, None)."""
        params = dict(self.params)
        if self.deadline is not None:
            remaining = self.deadline - time.perf_counter()
            if remaining <= 0:
                self.last_scip_status = "timelimit"
                return Status.NO_SOLUTION, None
            params["limits/time"] = min(float(params.get("limits/time", remaining)), remaining)
        # MaxContactGap requires gap_s > 0; 1 ns stands for a zero gap (the rows' own slack is 1 us)
        feasibility = self.build(self.data, self.constraints, max(gap_s, _ZERO_GAP_S), self.include)
        self.build_time_s += float(getattr(feasibility, "build_time_s", 0.0))
        self.size = model_size(feasibility)
        run = run_scip(feasibility.problem, feasibility.variables.x, params, warm_start=False)
        self.n_solves += 1
        self.solve_time_s += run.wall_time_s
        self.last_scip_status = run.scip_status
        if run.error and run.status is Status.ERROR:
            self.errors.append(run.error)
        log.debug("gap search: G=%.6f s -> SCIP %s in %.2f s", gap_s, run.scip_status, run.wall_time_s)
        return (Status.OPTIMAL, run.x > 0.5) if run.x is not None else (run.status, None)

    def actual_gap_s(self, x: np.ndarray) -> float:
        """Return the max gap (4) of selection ``x``."""
        d = self.data
        gaps = max_gap_by_satellite_s(d.aos_s[x], d.los_s[x], d.satellite_of_contact[x], len(d.satellite_ids),
                                      d.sim_duration_s, include_boundary=self.include)
        return float(gaps.max(initial=0.0))

    def feasible(self, gap_s: float, x: np.ndarray) -> None:
        actual = self.actual_gap_s(x)
        log.debug("gap search: schedule found at G=%.6f s has max gap %.6f s", gap_s, actual)
        if actual > gap_s + 1e-6 * max(1.0, gap_s):
            log.warning("gap search: the model at G=%.6f s returned a schedule with max gap %.6f s", gap_s, actual)
        if actual < self.hi:
            self.hi, self.best = actual, x

    def step(self, gap_s: float) -> bool:
        """Test ``gap_s`` and update the bounds; return False if a limit or an error stopped the test."""
        verdict, x = self.attempt(gap_s)
        if x is not None:
            self.feasible(gap_s, x)
        elif verdict is Status.INFEASIBLE:
            self.lo, self.lo_strict, self.last_infeasible = gap_s, True, gap_s
        return verdict in (Status.OPTIMAL, Status.INFEASIBLE)

    def above_lo(self, values: np.ndarray) -> np.ndarray:
        """Return the mask of values the bounds still allow (> lo after an infeasible test, else >= lo)."""
        return values > self.lo if self.lo_strict else values >= self.lo - 1e-9

    def finished(self, rel_gap: float | None) -> bool:
        """Return True when ``hi`` is proven optimal, or within ``rel_gap`` of ``lo``."""
        proven = self.hi <= self.lo + (0.0 if self.lo_strict else 1e-9)
        if self.lo_strict and not proven:  # no candidate in (lo, hi): nothing left to test
            proven = self.hi - self.lo <= 1e-9
        return proven or (rel_gap is not None and self.hi - self.lo <= rel_gap * self.hi)

    def too_many_candidates(self) -> bool:
        """Return True if listing the candidates up to ``hi`` would enumerate too many contact pairs."""
        return self._pairs_per_second * min(self.hi, self.data.sim_duration_s) > _MAX_CANDIDATE_PAIRS

    def solution(self, model, objective, best, status) -> Solution:
        bound = None if best is None else self.lo
        solution = Solution.from_selection(
            self.data, best, status=status, objective_name=objective.builder, sense=objective.sense,
            bound=bound, include_boundary=self.include,
            build_time_s=float(getattr(model, "build_time_s", 0.0)) + self.build_time_s,
            solve_time_s=self.solve_time_s, n_variables=self.size[0], n_constraints=self.size[1],
            problem=problem_dict(objective, self.constraints), n_solves=self.n_solves,
            solver_status=f"gap-search:{self.last_scip_status}",
        )
        if status is Status.OPTIMAL and solution.objective is not None and best is not None:
            if solution.objective <= self.lo + 1e-9 or solution.gap is None or solution.gap <= _OPTIMAL_SNAP:
                solution = _replace(solution, bound=solution.objective, gap=0.0)  # proven: no candidate left
        return _replace(solution, message=self.message(status, solution))

    def message(self, status, solution) -> str:
        head = f"exact min-max-gap search: {self.n_solves} feasibility solve(s)"
        if status is Status.OPTIMAL:
            tested = "" if self.last_infeasible is None else \
                f"; largest infeasible test {self.last_infeasible:.6f} s"
            if solution.gap in (0.0, None):
                return (f"{head}; feasible at {self.hi:.6f} s and infeasible at every smaller candidate gap "
                        f"(starting lower bound {self.lower_bound_s:.6f} s{tested})")
            return f"{head}; stopped within relative gap {100 * solution.gap:.2f}% (lower bound {self.lo:.6f} s)"
        if status is Status.FEASIBLE:
            return (f"{head}; stopped by a limit (SCIP status '{self.last_scip_status}') with max gap "
                    f"{self.hi:.6f} s and lower bound {self.lo:.6f} s")
        detail = status_message(self.last_scip_status, status)
        return f"{head}; without gap rows: {detail}" + (f"; {self.errors[-1]}" if self.errors else "")


# ----------------------------------------------------------------------------- one call
def optimize(contacts, problem, *, start=None, end=None, diagnose: bool = True, **solver_options) -> Solution:
    """Build and solve ``problem`` on ``contacts``; explain an infeasible result in ``message``.

    ``ModelData.from_problem`` + ``build_model`` + :func:`solve`.  When the result is
    INFEASIBLE and ``diagnose`` is True, :func:`gstk.diagnose.diagnose` names the
    conflicting constraints in ``solution.message``.  ``solver_options`` are those
    of :func:`solve` (time_limit_s, rel_gap, threads, seed, scip_params, warm_start).

    Examples
    --------
    >>> sol = optimize(contacts, problem, time_limit_s=60)  # doctest: +SKIP
    >>> sol.raise_for_status().cost_breakdown["total"]      # doctest: +SKIP
    """
    data = ModelData.from_problem(contacts, problem, start=start, end=end)
    model = build_model(data, problem.objective, problem.constraints)
    solution = _replace(solve(model, **solver_options), problem=problem.spec_dicts())
    if diagnose and solution.status is Status.INFEASIBLE:
        from gstk.diagnose import diagnose as explain

        findings = explain(data, problem, contacts=contacts, seed=int(solver_options.get("seed", 0)))
        solution = _replace(solution, message=f"{solution.message}. Diagnosis: " + " ".join(
            f"{i}. {text}." if len(findings) > 1 else f"{text}." for i, text in enumerate(findings, 1)))
    return solution
