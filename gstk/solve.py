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

The exact min-max-gap objective (4) is solved by window models over the
provider sets (14) allows (:func:`solve_min_max_gap_exact`, in
:mod:`gstk.solve_gap`).  Max data (3) without a binding cost cap runs with :data:`MAX_DATA_SCIP_PARAMS`
unless the caller overrides them.  :func:`optimize` is the one-call entry point:
it may decompose max data over provider sets (:mod:`gstk.solve_decompose`) and,
on an infeasible result, asks :mod:`gstk.diagnose` why.
"""
from __future__ import annotations

import logging
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
from gstk.model.build import build_model
from gstk.model.data import ModelData
from gstk.model.gaps import coverage_lower_bound_s, longest_uncovered_s  # noqa: F401 - re-exported
from gstk.model.specs import MaxContactGap, MaxMissionData, MaxMonthlyCost, MinMaxGap, Spec
from gstk.solution import Solution, Status

log = logging.getLogger(__name__)

#: SCIP statuses that stop at a limit: the incumbent (if any) is kept but not proven optimal.
SCIP_LIMIT_STATUSES = frozenset({
    "timelimit", "nodelimit", "totalnodelimit", "stallnodelimit", "memlimit", "sollimit",
    "bestsollimit", "restartlimit", "primallimit", "duallimit", "userinterrupt", "terminate",
})
#: Relative difference below which a proven-optimal objective and its bound are reported equal
#: (SCIP proves optimality to an absolute 1e-9 in model units, i.e. k$ / Gbit / hours).
_OPTIMAL_SNAP = 1e-9
#: SCIP settings for max data (3), from the lever study of benchmarks/bench_solve.py (10 satellites:
#: 4.6 s against 6.3 s with SCIP's defaults): skip the clique and vbounds start heuristics (seconds each
#: on 25k binaries, useless when the root LP is integral), skip probing and symmetry detection in
#: presolve, and start with the dual simplex.  ``scip_params`` override any of them.
MAX_DATA_SCIP_PARAMS: dict[str, Any] = {
    "heuristics/clique/freq": -1, "heuristics/vbounds/freq": -1, "propagating/probing/maxprerounds": 0,
    "misc/usesymmetry": 0, "lp/initalgorithm": "d",
}


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
        (``Model.form == 'exact'``) is solved by :func:`solve_min_max_gap_exact`.
    time_limit_s : float, optional
        Wall-clock limit in seconds for SCIP (for the exact gap search: all its solves).
    rel_gap : float, optional
        Stop when |primal - dual| / min(|primal|, |dual|) <= rel_gap (SCIP ``limits/gap``;
        for the exact gap search: (best - lower bound) / best); such a stop is reported
        OPTIMAL with its gap, which is |objective - bound| / |objective|.
    threads, seed : int
        SCIP LP threads (see :func:`scip_parameters`) and random seed shift.
    scip_params : dict, optional
        Extra SCIP parameters, e.g. ``{"limits/nodes": 1000}``; they override the above
        and, for max data without a binding cost cap, :data:`MAX_DATA_SCIP_PARAMS`.
    warm_start : bool
        Give SCIP a start solution: ``Model.warm_start`` (variable name -> values) if
        set, plus the current values of the model's cvxpy variables (a previous
        solve's, or ones set by the caller).  Complete starts are added as a solution,
        incomplete ones as a partial solution SCIP's ``completesol`` heuristic
        finishes.  The exact gap search starts each window model from the satellites'
        best contact chains instead.

    Returns
    -------
    Solution
        Status, objective and bound in natural units (USD, bits, seconds), gap,
        times, model size and the selection with its tables.
    """
    objective = model_objective(model)
    tuned = default_scip_params(objective, scip_params, data=getattr(model, "data", None),
                                constraints=model_constraints(model))
    params = scip_parameters(time_limit_s=time_limit_s, rel_gap=rel_gap, threads=threads, seed=seed,
                             scip_params=tuned)
    if getattr(model, "form", "milp") == "exact":
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


def default_scip_params(objective: Spec, scip_params: dict[str, Any] | None, *, data=None,
                        constraints=()) -> dict[str, Any]:
    """Return ``scip_params`` over gstk's defaults for ``objective``.

    Max data (3) gets :data:`MAX_DATA_SCIP_PARAMS` unless a monthly cost cap
    (10) can bind (then SCIP's defaults were faster: 26.5 s against 38.7 s on
    the 10-satellite benchmark with a 250 k$ cap).  Without ``data`` the cap is
    assumed to bind.
    """
    defaults = MAX_DATA_SCIP_PARAMS if isinstance(objective, MaxMissionData) and not cap_can_bind(
        data, constraints) else {}
    return {**defaults, **(scip_params or {})}


def cap_can_bind(data, constraints) -> bool:
    """Return whether some monthly cost cap (10) may cut off a selection within N providers (14)."""
    from gstk.solve_decompose import monthly_cost_upper_bound_usd

    caps = [s.usd for s in constraints if isinstance(s, MaxMonthlyCost)]
    if not caps:
        return False
    return data is None or monthly_cost_upper_bound_usd(data, constraints) > min(caps)


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
    """Return the exact optimum of (4) (window models over provider sets; see :mod:`gstk.solve_gap`)."""
    from gstk.solve_gap import solve_min_max_gap_exact as windows

    return windows(model, params=params, time_limit_s=time_limit_s, rel_gap=rel_gap)


# ----------------------------------------------------------------------------- one call
def optimize(contacts, problem, *, start=None, end=None, diagnose: bool = True, decompose="auto",
             **solver_options) -> Solution:
    """Build and solve ``problem`` on ``contacts``; explain an infeasible result in ``message``.

    ``ModelData.from_problem`` + ``build_model`` + :func:`solve`.  Max data (3)
    with at most N providers (14) may instead be solved by provider sets
    (:func:`gstk.solve_decompose.solve_decomposed`, exact): ``decompose='auto'``
    (default) does so when (14) leaves several sets and the monthly cap (10)
    cannot bind, True always (max data only), False never.  The exact
    min-max gap (4) always works by provider sets.  When the result is
    INFEASIBLE and ``diagnose`` is True, :func:`gstk.diagnose.diagnose` names
    the conflicting constraints in ``solution.message``.  ``solver_options``
    are those of :func:`solve` (time_limit_s, rel_gap, threads, seed,
    scip_params, warm_start).

    Examples
    --------
    >>> sol = optimize(contacts, problem, time_limit_s=60)  # doctest: +SKIP
    >>> sol.raise_for_status().cost_breakdown["total"]      # doctest: +SKIP
    """
    from gstk.solve_decompose import solve_decomposed, use_decomposition

    data = ModelData.from_problem(contacts, problem, start=start, end=end)
    if use_decomposition(data, problem.objective, problem.constraints, decompose):
        solution = solve_decomposed(data, problem.objective, problem.constraints, **solver_options)
    else:
        solution = solve(build_model(data, problem.objective, problem.constraints), **solver_options)
    solution = _replace(solution, problem=problem.spec_dicts())
    if diagnose and solution.status is Status.INFEASIBLE:
        from gstk.diagnose import diagnose as explain

        findings = explain(data, problem, contacts=contacts, seed=int(solver_options.get("seed", 0)))
        solution = _replace(solution, message=f"{solution.message}. Diagnosis: " + " ".join(
            f"{i}. {text}." if len(findings) > 1 else f"{text}." for i, text in enumerate(findings, 1)))
    return solution
