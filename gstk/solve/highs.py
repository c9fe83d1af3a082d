"""HiGHS through cvxpy, the second MILP backend: statuses, options and one run with a start (formulation §7).

This is the only module that touches HiGHS (``highspy``, the optional extra
``gstk[highs]``).  It mirrors :mod:`gstk.solve.scip`: options reach HiGHS
through cvxpy's HiGHS interface, the status and the bound are read from the
``highspy.Highs`` object right after its run (model status, ``info.mip_dual_bound``),
never inferred from cvxpy's status string, and mapped to
:class:`~gstk.solution.Status`.  A run's solver status is reported as
``"highs:<model status>"`` (``"highs:kOptimal"``, ``"highs:kTimeLimit"``) so a
certificate says which solver proved it.

cvxpy 1.9's HiGHS interface, with ``warm_start``, hands the solution of the
result cached in ``solver_cache`` to the next solve; :func:`run_highs` uses that
public path for the start: a cache entry holding gstk's start values (unset
values as 0, so HiGHS receives a complete point, which it checks and, when
infeasible, discards).  The status and bound are read from the result cvxpy
records right after ``run()``, not from the live solver: for an infeasible MIP
cvxpy then solves the LP relaxation for a dual ray, which resets the solver's
model status.
"""
from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cvxpy as cp
import numpy as np
from cvxpy.reductions.solvers import utilities as cvxpy_utilities
from cvxpy.settings import PARAM_PROB

from gstk.errors import GstkError
from gstk.solution.result import Status
from gstk.solve.options import SolverOptions

log = logging.getLogger(__name__)

#: HiGHS model statuses that stop at a limit: the incumbent (if any) is kept but not proven optimal.
HIGHS_LIMIT_STATUSES = frozenset({
    "kTimeLimit", "kIterationLimit", "kSolutionLimit", "kObjectiveBound", "kObjectiveTarget", "kInterrupt",
    "kMemoryLimit", "kHighsInterrupt",
})
#: What ``pip`` installs for this backend.
HIGHS_EXTRA = 'pip install "gstk[highs]"'


def highs_available() -> bool:
    """Return whether highspy (HiGHS) can be imported."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def require_highs() -> None:
    """Raise a one-line error when HiGHS is asked for but highspy is not installed."""
    if not highs_available():
        raise GstkError(f"solver 'highs' needs highspy, which is not installed: {HIGHS_EXTRA}")


# ----------------------------------------------------------------------------- status mapping
def status_from_highs(model_status: str, has_incumbent: bool) -> Status:
    """Return the gstk :class:`Status` of a HiGHS model status name.

    'kOptimal' (optimal within ``mip_rel_gap``) is OPTIMAL; a limit is FEASIBLE with an
    incumbent, NO_SOLUTION without; 'kInfeasible' is INFEASIBLE; 'kUnboundedOrInfeasible'
    is INFEASIBLE without a feasible point (gstk models are bounded); anything else is ERROR.

    Examples
    --------
    >>> status_from_highs("kTimeLimit", True).value, status_from_highs("kTimeLimit", False).value
    ('FEASIBLE', 'NO_SOLUTION')
    >>> status_from_highs("kOptimal", True).value
    'OPTIMAL'
    """
    if model_status == "kOptimal":
        return Status.OPTIMAL if has_incumbent else Status.ERROR
    if model_status in HIGHS_LIMIT_STATUSES:
        return Status.FEASIBLE if has_incumbent else Status.NO_SOLUTION
    if model_status == "kInfeasible":
        return Status.INFEASIBLE
    if model_status == "kUnbounded":
        return Status.UNBOUNDED
    if model_status == "kUnboundedOrInfeasible":
        return Status.UNBOUNDED if has_incumbent else Status.INFEASIBLE
    return Status.FEASIBLE if has_incumbent else Status.ERROR


def highs_status_message(model_status: str, status: Status, gap: float | None = None) -> str:
    """Return one sentence explaining ``status`` (HiGHS model status in quotes)."""
    exact = status is Status.OPTIMAL and gap is not None and gap <= 1e-9
    return f"{status.sentence(proven=exact, gap=gap)} (HiGHS status '{model_status}')"


# ----------------------------------------------------------------------------- options
@lru_cache(maxsize=1)
def _known_highs_options() -> frozenset[str]:
    import highspy

    options = highspy.HighsOptions()
    return frozenset(name for name in dir(options) if not name.startswith("_"))


def highs_options(options: SolverOptions, *, time_limit_s: float | None) -> dict[str, Any]:
    """Return the HiGHS options of ``options`` for one solve of at most ``time_limit_s`` seconds.

    ``threads`` and ``seed`` become HiGHS ``threads`` and ``random_seed``; ``rel_gap``
    becomes ``mip_rel_gap`` (0 when unset, SCIP's default, instead of HiGHS's 1e-4);
    ``options.highs_options`` override the rest.

    Examples
    --------
    >>> highs_options(SolverOptions(rel_gap=0.02, seed=3), time_limit_s=20)["mip_rel_gap"]
    0.02
    """
    params: dict[str, Any] = {
        "threads": int(options.threads), "random_seed": int(options.seed),
        "mip_rel_gap": 0.0 if options.rel_gap is None else float(options.rel_gap),
    }
    if time_limit_s is not None:
        params["time_limit"] = float(min(time_limit_s, 1e20))
    params.update(options.highs_options)
    unknown = sorted(set(params) - _known_highs_options())
    if unknown:
        raise GstkError(f"unknown HiGHS option(s) {unknown}; names look like 'mip_rel_gap' "
                        "(list them with dir(highspy.HighsOptions()))")
    return params


# ----------------------------------------------------------------------------- one HiGHS run
@dataclass(frozen=True)
class HighsRun:
    """What one HiGHS run left: model status, incumbent x, bounds in the cvxpy objective's units."""

    highs_status: str
    x: np.ndarray | None
    primal: float | None
    dual: float | None
    wall_time_s: float
    error: str = ""

    @property
    def status(self) -> Status:
        return status_from_highs(self.highs_status, self.x is not None)

    @property
    def solver_status(self) -> str:
        """The status as a Solution records it: ``"highs:<model status>"``."""
        return f"highs:{self.highs_status}"

    def message(self, status: Status, gap: float | None) -> str:
        """Return the one-sentence status message of this run."""
        return highs_status_message(self.highs_status, status, gap)


def _start_cache(data: dict, start: np.ndarray) -> dict:
    """Return a cvxpy ``solver_cache`` whose previous HiGHS result is the start point ``start``."""
    import highspy

    solution = highspy.HighsSolution()
    solution.col_value = np.where(np.isfinite(start), start, 0.0).astype(float).tolist()
    solution.value_valid = True
    return {cp.HIGHS: (None, data, {"model_status": "kOptimal", "solution": solution})}


def run_highs(problem: cp.Problem, x: cp.Variable, params: Mapping[str, Any], *,
              warm_start: bool = True) -> HighsRun:
    """Solve ``problem`` with HiGHS; return the status, the values of ``x`` and both bounds.

    Goes through cvxpy's own chain for HiGHS (``get_problem_data(cp.HIGHS)``,
    ``solve_via_data``, ``unpack_results``).  With ``warm_start`` the current values of
    the cvxpy variables go to HiGHS as a start point.  Never raises for solver
    outcomes: a failing solve is an ERROR status with the reason in ``error``.
    """
    require_highs()
    started = time.perf_counter()
    if not problem.variables():
        return _constant_run(problem, x, started)
    cache: dict = {}
    error, raw = "", None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            data, chain, inverse = problem.get_problem_data(cp.HIGHS)
            offset = float(np.sum(inverse[-1].get("offset", 0.0)))
            if warm_start:
                start = cvxpy_utilities.stack_vals(data[PARAM_PROB].variables, np.nan)
                if np.isfinite(start).any():
                    cache = _start_cache(data, start)
            solver = chain.solver
            raw = solver.solve_via_data(data, bool(cache), False, {"log_to_console": False, **dict(params)},
                                        solver_cache=cache)
            problem.unpack_results(raw, chain, inverse)
        except (cp.error.SolverError, ValueError) as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a failing solver is a status, not an exception
            error = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    if raw is None:
        return HighsRun("kSolveError", None, None, None, elapsed, error or "HiGHS was not called")
    # Read the result cvxpy recorded right after the run: for an infeasible MIP cvxpy then asks the
    # live solver for a dual ray, which solves the LP relaxation and resets its model status.
    model_status, info = str(raw["model_status"]), raw["info"]
    sign = -1.0 if isinstance(problem.objective, cp.Maximize) else 1.0
    in_problem = any(v.id == x.id for v in problem.variables())
    x_value = x.value if in_problem else np.zeros(x.size)
    has_incumbent = (not error and int(info.primal_solution_status) == 2 and x_value is not None)
    values = np.asarray(x_value, float).ravel().copy() if has_incumbent else None
    primal = float(problem.value) if has_incumbent and problem.value is not None else None
    dual = None
    if model_status not in ("kInfeasible", "kUnboundedOrInfeasible", "kUnbounded"):
        raw_bound = float(info.mip_dual_bound)
        dual = sign * (raw_bound + offset) if math.isfinite(raw_bound) and abs(raw_bound) < 1e20 else None
    return HighsRun(model_status, values, primal, dual, elapsed, error)


def _constant_run(problem: cp.Problem, x: cp.Variable, started: float) -> HighsRun:
    """Return the HighsRun of a problem without variables, solved by cvxpy without HiGHS."""
    problem.solve()
    feasible = problem.status == cp.OPTIMAL
    value = float(problem.value) if feasible else None
    return HighsRun("kOptimal" if feasible else "kInfeasible", np.zeros(x.size) if feasible else None, value,
                    value, time.perf_counter() - started)
