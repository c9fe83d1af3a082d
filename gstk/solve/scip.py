"""SCIP through cvxpy: statuses, parameters and one SCIP run with a warm start (formulation §7).

This is the only module that touches SCIP.  Options reach SCIP through cvxpy's
SCIP interface as ``scip_params``; the status is read from SCIP itself
(``getStatus()``), never inferred from cvxpy's status string, and mapped to
:class:`~gstk.solution.Status`.

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
"""
from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cvxpy as cp
import numpy as np
from cvxpy import settings as cvxpy_settings
from cvxpy.reductions.solvers import utilities as cvxpy_utilities
from cvxpy.reductions.solvers.conic_solvers.scip_conif import SCIP as _CvxpyScip
from cvxpy.settings import PARAM_PROB

from gstk.errors import GstkError
from gstk.solution.result import Status
from gstk.solve.options import SolverOptions

log = logging.getLogger(__name__)


#: SCIP statuses that stop at a limit: the incumbent (if any) is kept but not proven optimal.
SCIP_LIMIT_STATUSES = frozenset({
    "timelimit", "nodelimit", "totalnodelimit", "stallnodelimit", "memlimit", "sollimit",
    "bestsollimit", "restartlimit", "primallimit", "duallimit", "userinterrupt", "terminate",
})


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
    return f"{status.sentence(proven=scip_status != 'gaplimit', gap=gap)} (SCIP status '{scip_status}')"


# ----------------------------------------------------------------------------- parameters
@lru_cache(maxsize=1)
def _known_scip_parameters() -> frozenset[str]:
    import pyscipopt

    return frozenset(pyscipopt.Model().getParams())


#: The parameter families :func:`emphasis_params` can set, and the PySCIPOpt call behind each.
EMPHASIS_FAMILIES = ("emphasis", "heuristics", "separating", "presolving")


@lru_cache(maxsize=None)
def _emphasis_diff(family: str, setting: str) -> tuple[tuple[str, Any], ...]:
    import pyscipopt

    enum = pyscipopt.SCIP_PARAMEMPHASIS if family == "emphasis" else pyscipopt.SCIP_PARAMSETTING
    default = pyscipopt.Model()
    default.hideOutput()
    model = pyscipopt.Model()
    model.hideOutput()
    setter = {"emphasis": model.setEmphasis, "heuristics": model.setHeuristics,
              "separating": model.setSeparating, "presolving": model.setPresolve}[family]
    setter(getattr(enum, setting.upper()))
    before, after = default.getParams(), model.getParams()
    return tuple(sorted((name, value) for name, value in after.items() if before.get(name) != value))


def emphasis_params(*settings: str) -> dict[str, Any]:
    """Return the SCIP parameters that SCIP's own emphasis settings change, as plain ``scip_params``.

    Each setting is ``"<family>:<name>"`` with family ``emphasis`` (SCIP's
    ``setEmphasis``: feasibility, optimality, easycip, hardlp, ...) or
    ``heuristics``, ``separating``, ``presolving`` (aggressive, fast, off, default);
    later settings override earlier ones.  The result is the difference to SCIP's
    defaults, so it composes with every other parameter and can be stored in a
    scenario file.

    Examples
    --------
    >>> emphasis_params("heuristics:off")["heuristics/rounding/freq"]
    -1
    >>> emphasis_params("speed:fast")
    Traceback (most recent call last):
    ...
    gstk.errors.GstkError: unknown SCIP emphasis family 'speed' in 'speed:fast'; expected one of \
['emphasis', 'heuristics', 'separating', 'presolving']
    """
    import pyscipopt

    params: dict[str, Any] = {}
    for setting in settings:
        family, _, name = str(setting).partition(":")
        if family not in EMPHASIS_FAMILIES:
            raise GstkError(f"unknown SCIP emphasis family {family!r} in {setting!r}; "
                            f"expected one of {list(EMPHASIS_FAMILIES)}")
        enum = pyscipopt.SCIP_PARAMEMPHASIS if family == "emphasis" else pyscipopt.SCIP_PARAMSETTING
        names = sorted(a.lower() for a in dir(enum) if a.isupper())
        if name.lower() not in names:
            raise GstkError(f"unknown SCIP {family} setting {name!r} in {setting!r}; expected one of {names}")
        params.update(_emphasis_diff(family, name.lower()))
    return params


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
    options = SolverOptions(time_limit_s=time_limit_s, rel_gap=rel_gap, threads=threads, seed=seed,
                            scip_params=scip_params or {})
    return options_parameters(options, time_limit_s=time_limit_s)


def options_parameters(options: SolverOptions, *, time_limit_s: float | None,
                       defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the SCIP parameters of ``options`` for one solve of at most ``time_limit_s`` seconds.

    ``defaults`` (gstk's tuned parameters for an objective) sit under ``options.scip_params``.
    """
    params: dict[str, Any] = {
        "randomization/randomseedshift": int(options.seed),
        "lp/threads": int(options.threads),
        "parallel/maxnthreads": int(options.threads),
    }
    if time_limit_s is not None:
        params["limits/time"] = float(min(time_limit_s, 1e20))
    if options.rel_gap is not None:
        params["limits/gap"] = float(options.rel_gap)
    params.update(defaults or {})
    params.update(options.scip_params)
    unknown = sorted(set(params) - _known_scip_parameters())
    if unknown:
        raise GstkError(f"unknown SCIP parameter(s) {unknown}; names look like 'limits/time' "
                        "(list them with pyscipopt.Model().getParams())")
    return params


# ----------------------------------------------------------------------------- one SCIP run
class _Scip(_CvxpyScip):
    """cvxpy's SCIP interface plus a warm start and a handle on the live PySCIPOpt model."""

    def __init__(self, start: np.ndarray | None = None,
                 priorities: tuple[tuple[int, int, int], ...] = ()) -> None:
        super().__init__()
        self.start = start
        self.priorities = priorities  # (first column, number of columns, branching priority)
        self.scip_model = None

    def name(self) -> str:
        return "GSTK_SCIP"

    def _solve(self, model, variables, constraints, data, dims):
        self.scip_model = model
        for first, size, priority in self.priorities:
            for var in variables[first:first + size]:
                model.chgVarBranchPriority(var, int(priority))
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

    @property
    def solver_status(self) -> str:
        """The status as a Solution records it: SCIP's status string."""
        return self.scip_status

    def message(self, status: Status, gap: float | None) -> str:
        """Return the one-sentence status message of this run."""
        return status_message(self.scip_status, status, gap)


def run_scip(problem: cp.Problem, x: cp.Variable, params: dict[str, Any], *, warm_start: bool = True,
             priorities: Mapping[cp.Variable, int] | None = None) -> ScipRun:
    """Solve ``problem`` with SCIP; return the status, the values of ``x`` and both bounds.

    ``priorities`` maps cvxpy variables to SCIP branching priorities (higher
    branches first; SCIP's default is 0).

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
            solver.priorities = priority_columns(data[PARAM_PROB], priorities or {})
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


def priority_columns(param_prob, priorities: Mapping[cp.Variable, int]) -> tuple[tuple[int, int, int], ...]:
    """Return (first column, size, priority) of each prioritized variable in cvxpy's stacked SCIP columns.

    A variable the compiled problem does not hold (no row, not in the objective) is skipped.
    """
    columns = param_prob.var_id_to_col
    return tuple((int(columns[var.id]), int(var.size), int(priority))
                 for var, priority in priorities.items() if var.id in columns and var.size and priority)


def _constant_run(problem: cp.Problem, x: cp.Variable, started: float) -> ScipRun:
    """Return the ScipRun of a problem without variables, solved by cvxpy without SCIP."""
    problem.solve()
    feasible = problem.status == cp.OPTIMAL
    value = float(problem.value) if feasible else None
    return ScipRun("optimal" if feasible else "infeasible", np.zeros(x.size) if feasible else None, value, value,
                   time.perf_counter() - started)
